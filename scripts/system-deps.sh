#!/usr/bin/env bash
# Install the Debian packages fundapp needs at run time if they are missing:
# WeasyPrint (award letters) needs Pango and HarfBuzz's subsetter.
set -euo pipefail

missing=()
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do
  if ! ldconfig -p 2>/dev/null | grep -q "$lib"; then
    missing+=("$lib")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
echo "Installing system libraries for PDF letters: ${packages[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Please install these Debian packages (as root): ${packages[*]}" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
