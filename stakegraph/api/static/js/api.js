// The API client: same origin, the key from local storage in X-API-Key on every call.

const KEY_STORAGE = 'stakegraph.apiKey';
// The app is served at <prefix>/app/; the API lives at <prefix>/api/.
const API_BASE = new URL('../api/', document.baseURI);

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

export const apiKey = {
  get: () => localStorage.getItem(KEY_STORAGE),
  set: (key) => localStorage.setItem(KEY_STORAGE, key.trim()),
  clear: () => localStorage.removeItem(KEY_STORAGE),
};

/** Listeners told when the server refuses the key (401): the page asks for a new one. */
const unauthorizedListeners = new Set();
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

/**
 * Call the API. `path` is relative to /api/ ('accounts', 'accounts/x/map');
 * `query` values that are null or '' are left out. Resolves to the parsed JSON.
 */
export async function api(path, {method = 'GET', query = {}, body, signal} = {}) {
  const url = new URL(path, API_BASE);
  for (const [name, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(name, value);
  }
  const headers = {Accept: 'application/json'};
  const key = apiKey.get();
  if (key) headers['X-API-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  // An answer that arrives after its page was left must not be used.
  signal?.throwIfAborted();
  if (!response.ok) {
    const detail = payload?.detail ?? `${response.status} ${response.statusText}`;
    if (response.status === 401) unauthorizedListeners.forEach((listener) => listener(detail));
    throw new ApiError(response.status, detail);
  }
  return payload;
}

/** Every account, page by page (the API caps a page at 500). */
export async function allAccounts({signal} = {}) {
  const limit = 500;
  const accounts = [];
  for (let offset = 0; ; offset += limit) {
    const page = await api('accounts', {query: {limit, offset, sort: '-risk_score'}, signal});
    accounts.push(...page.data);
    if (accounts.length >= page.count || page.data.length === 0) return accounts;
  }
}

export const encode = encodeURIComponent;
