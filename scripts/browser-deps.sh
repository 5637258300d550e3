#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (`make test-e2e`) if it is missing. Playwright drives this
# browser through executable_path; its own browser download does not work on every machine.
set -euo pipefail

CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0

bash "$(dirname "$0")/apt-install.sh" "the browser tests (Chromium)" chromium
"$CHROMIUM" --version
