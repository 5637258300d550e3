#!/usr/bin/env bash
# Build fundapp's front-end assets into fundapp/static/ (committed, so running
# and testing the app needs no Node). Run from anywhere:
#
#     bash assets/build.sh        (or: make assets)
#
# Needs Node >= 20 and npm. Outputs:
#   fundapp/static/css/fundapp.min.css        assets/src/fundapp.scss, compressed
#   fundapp/static/js/govuk-frontend.min.js   GOV.UK Frontend's ES module bundle
#   fundapp/static/js/app.js                  assets/src/app.js
#   fundapp/static/js/session-timeout.js      assets/src/session-timeout.js
#   fundapp/static/images/*                   neutral icons from assets/images/
#   fundapp/static/manifest.json              GOV.UK Frontend's, named "fundapp"
# GOV.UK Frontend's own images carry the crown and its fonts are GDS Transport
# (licensed for GOV.UK only), so neither is copied.
set -euo pipefail

ASSETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(dirname "$ASSETS_DIR")"
STATIC_DIR="$ROOT_DIR/fundapp/static"
GOVUK_DIR="$ASSETS_DIR/node_modules/govuk-frontend/dist/govuk"

cd "$ASSETS_DIR"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

# Every image GOV.UK Frontend ships is GOV.UK-branded: each must have a neutral
# replacement of the same name in assets/images/ (see make_images.py).
missing=0
for upstream in "$GOVUK_DIR"/assets/images/*; do
  name="$(basename "$upstream")"
  if [[ ! -f "$ASSETS_DIR/images/$name" ]]; then
    echo "error: no neutral replacement for govuk-frontend image '$name' in assets/images/" >&2
    missing=1
  fi
done
(( missing == 0 )) || exit 1

mkdir -p "$STATIC_DIR/css" "$STATIC_DIR/js"

# CSS
"$ASSETS_DIR/node_modules/.bin/sass" \
  --pkg-importer=node \
  --style=compressed \
  --no-source-map \
  "$ASSETS_DIR/src/fundapp.scss" \
  "$STATIC_DIR/css/fundapp.min.css"

if grep -qi -e "GDS Transport" -e "@font-face" "$STATIC_DIR/css/fundapp.min.css"; then
  echo "error: fundapp.min.css refers to the GDS Transport font" >&2
  exit 1
fi

# JS: the source map is not shipped, so drop the comment that points to it.
sed -e 's|//# sourceMappingURL=[^ ]*$||' \
  "$GOVUK_DIR/govuk-frontend.min.js" > "$STATIC_DIR/js/govuk-frontend.min.js"

cp "$ASSETS_DIR/src/app.js" "$STATIC_DIR/js/app.js"
cp "$ASSETS_DIR/src/session-timeout.js" "$STATIC_DIR/js/session-timeout.js"

# Images and manifest (the manifest's icons keep GOV.UK Frontend's file names)
rm -rf "$STATIC_DIR/images"
mkdir -p "$STATIC_DIR/images"
cp "$ASSETS_DIR"/images/* "$STATIC_DIR/images/"
node -e '
  const m = require(process.argv[1]);
  Object.assign(m, {name: "fundapp", short_name: "fundapp", theme_color: "#106165", background_color: "#ffffff"});
  process.stdout.write(JSON.stringify(m, null, 2) + "\n");
' "$GOVUK_DIR/assets/manifest.json" > "$STATIC_DIR/manifest.json"

echo "Built $(du -k "$STATIC_DIR/css/fundapp.min.css" | cut -f1) KB of CSS into fundapp/static/"
