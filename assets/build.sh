#!/usr/bin/env bash
# Build the de-branded GOV.UK Frontend assets into fundapp/static/ (the output is committed, so running
# and testing the app needs no Node). Needs Node.js and npm; run with `make assets`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
static="$here/../fundapp/static"
cd "$here"

npm ci --no-audit --no-fund --loglevel=error
mkdir -p "$static/css" "$static/js" "$static/images"

npx sass --pkg-importer=node --style=compressed --no-source-map src/fundapp.scss "$static/css/fundapp.min.css"

dist="node_modules/govuk-frontend/dist/govuk"
cp "$dist/govuk-frontend.min.js" "$static/js/govuk-frontend.min.js"
# Neutral icons with GOV.UK Frontend's file names (no crown); GDS Transport fonts are deliberately not copied.
cp images/* "$static/images/"
node -e '
  const m = require(process.argv[1]);
  Object.assign(m, {name: "fundapp", short_name: "fundapp", theme_color: "#106165", background_color: "#ffffff"});
  process.stdout.write(JSON.stringify(m, null, 2) + "\n");
' "$here/$dist/assets/manifest.json" > "$static/manifest.json"
cp src/app.js "$static/js/app.js"

echo "Built $(du -k "$static/css/fundapp.min.css" | cut -f1) KB of CSS into fundapp/static/"
