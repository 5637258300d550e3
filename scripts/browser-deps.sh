#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (`make test-e2e`) if it is missing. Playwright drives this
# browser through executable_path; its own browser download does not work on every machine.
set -euo pipefail

CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0

echo "Installing Chromium from Debian's packages for the browser tests"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Please install Debian's chromium package (as root: apt-get install chromium)" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
"$CHROMIUM" --version
