// The interactive API docs at /docs: Swagger UI from this server's own files (vendored, see
// web/vendor.sh), started from a file rather than an inline script so that the page runs
// under a Content-Security-Policy without 'unsafe-inline'.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  validatorUrl: null, // no calls to a public validator
});
