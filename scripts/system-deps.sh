#!/usr/bin/env bash
# Install the Debian packages fundapp needs at run time if they are missing:
# WeasyPrint (PDF copies of applications, award letters) needs Pango and HarfBuzz's subsetter, and the
# documents are set in DejaVu Sans (core/pdf_assets/document.css), found through fontconfig.
set -euo pipefail

packages=()
for pair in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
  libharfbuzz-subset.so.0:libharfbuzz-subset0; do
  if ! ldconfig -p 2>/dev/null | grep -q "${pair%%:*}"; then
    packages+=("${pair#*:}")
  fi
done
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then
  packages+=(fonts-dejavu-core)
fi
[ ${#packages[@]} -eq 0 ] && exit 0

bash "$(dirname "$0")/apt-install.sh" "PDF documents" "${packages[@]}"
