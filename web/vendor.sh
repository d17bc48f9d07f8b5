#!/usr/bin/env bash
# Copy the pinned browser libraries (package.json / package-lock.json) from node_modules into
# stakegraph/api/static/vendor/, where the web app imports them as plain ES modules at run
# time (no network, no build step). Minified files only, no source maps; each with its licence.
#
#   cd web && npm ci && ./vendor.sh
set -euo pipefail
cd "$(dirname "$0")"
out=../stakegraph/api/static/vendor
modules=node_modules
[[ -d $modules/cytoscape && -d $modules/uplot && -d $modules/swagger-ui-dist ]] || { echo "run 'npm ci' in web/ first" >&2; exit 1; }
mkdir -p "$out"

version() { node -p "require('./$modules/$1/package.json').version"; }

# Cytoscape.js ships a minified ES module.
cp "$modules/cytoscape/dist/cytoscape.esm.min.mjs" "$out/cytoscape.esm.min.js"
cp "$modules/cytoscape/LICENSE" "$out/cytoscape.LICENSE"

# uPlot ships no minified ES module: its minified IIFE declares `var uPlot = ...`, which at
# module scope only needs an export to become one.
{ cat "$modules/uplot/dist/uPlot.iife.min.js"; printf '\nexport default uPlot;\n'; } \
  > "$out/uplot.esm.min.js"
cp "$modules/uplot/dist/uPlot.min.css" "$out/uplot.min.css"
cp "$modules/uplot/LICENSE" "$out/uplot.LICENSE"

# Swagger UI for /docs (served from here, not from a CDN): the bundle, its styles, licences.
mkdir -p "$out/swagger-ui"
for file in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt; do
  cp "$modules/swagger-ui-dist/$file" "$out/swagger-ui/$file"
done

# Strip source-map references (the maps are not shipped).
sed -i '/sourceMappingURL=/d' "$out"/*.js "$out"/*.css "$out"/swagger-ui/*.js "$out"/swagger-ui/*.css

printf 'cytoscape %s\nuplot %s\nswagger-ui-dist %s\n' \
  "$(version cytoscape)" "$(version uplot)" "$(version swagger-ui-dist)" > "$out/VERSIONS"
ls -l "$out" "$out/swagger-ui"
