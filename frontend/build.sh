#!/usr/bin/env bash
# Build the front-end static assets into ../static/ (runnable from anywhere).
#
#   static/govuk/govuk-frontend.min.css   council.scss compiled (GOV.UK Frontend + app styles)
#   static/govuk/govuk-frontend.min.js    GOV.UK Frontend ES module (vendored)
#   static/govuk/assets/                  GOV.UK Frontend images + manifest (no fonts: we use Arial)
#   static/vendor/chart.umd.min.js        Chart.js UMD build (vendored)
#
# static/js/*.js are hand-written sources and are not touched here.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(dirname "$FRONTEND_DIR")"
STATIC_DIR="$ROOT_DIR/static"
NM="$FRONTEND_DIR/node_modules"
GOVUK_DIST="$NM/govuk-frontend/dist/govuk"
CSS_OUT="$STATIC_DIR/govuk/govuk-frontend.min.css"

cd "$FRONTEND_DIR"

echo "==> npm ci"
# --ignore-scripts: none of our packages need install scripts (sass is pure JS;
# its optional @parcel/watcher is only for --watch, which we do not use).
npm ci --no-audit --no-fund --ignore-scripts

echo "==> sass council.scss -> ${CSS_OUT#"$ROOT_DIR"/}"
mkdir -p "$STATIC_DIR/govuk" "$STATIC_DIR/vendor"
"$NM/.bin/sass" \
  --style=compressed \
  --no-source-map \
  --load-path=node_modules \
  --quiet-deps \
  council.scss "$CSS_OUT"

# All asset url()s must point under /static/govuk/assets/. Rewrite any bare
# /assets/ references just in case (e.g. a future default change upstream).
sed -i -E 's#url\((["'"'"']?)/assets/#url(\1/static/govuk/assets/#g' "$CSS_OUT"

if grep -Eq "url\([\"']?/assets/" "$CSS_OUT"; then
  echo "ERROR: compiled CSS still references /assets/" >&2
  exit 1
fi
if grep -q "GDS Transport" "$CSS_OUT"; then
  echo "ERROR: compiled CSS references the GDS Transport font" >&2
  exit 1
fi
if grep -Eq "url\([\"']?[^)\"']*/fonts/" "$CSS_OUT"; then
  echo "ERROR: compiled CSS references font files" >&2
  exit 1
fi

echo "==> GOV.UK Frontend JS and assets"
# Strip the trailing sourceMappingURL comment: we do not ship .map files, and a
# dangling reference breaks Django's ManifestStaticFilesStorage (collectstatic).
sed -E 's#//\# sourceMappingURL=[^[:space:]]*$##' \
  "$GOVUK_DIST/govuk-frontend.min.js" > "$STATIC_DIR/govuk/govuk-frontend.min.js"

rm -rf "$STATIC_DIR/govuk/assets"
mkdir -p "$STATIC_DIR/govuk/assets"
cp -R "$GOVUK_DIST/assets/images" "$STATIC_DIR/govuk/assets/images"
if [ -d "$GOVUK_DIST/assets/rebrand" ]; then
  cp -R "$GOVUK_DIST/assets/rebrand" "$STATIC_DIR/govuk/assets/rebrand"
fi
if [ -f "$GOVUK_DIST/assets/manifest.json" ]; then
  cp "$GOVUK_DIST/assets/manifest.json" "$STATIC_DIR/govuk/assets/manifest.json"
fi
# Deliberately NOT copying $GOVUK_DIST/assets/fonts (GDS Transport is for
# GOV.UK only; the council uses Arial).

echo "==> Chart.js"
CHART_SRC="$NM/chart.js/dist/chart.umd.min.js"
if [ ! -f "$CHART_SRC" ]; then
  CHART_SRC="$NM/chart.js/dist/chart.umd.js"
fi
if [ ! -f "$CHART_SRC" ]; then
  echo "ERROR: no Chart.js UMD build found in $NM/chart.js/dist" >&2
  exit 1
fi
sed -E 's#//\# sourceMappingURL=[^[:space:]]*$##' \
  "$CHART_SRC" > "$STATIC_DIR/vendor/chart.umd.min.js"

echo "==> Built:"
(cd "$ROOT_DIR" && find static/govuk static/vendor -type f -printf '%8s  %p\n' | sort -k2)
