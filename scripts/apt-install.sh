#!/usr/bin/env bash
# apt-install.sh "<what they are for>" package…: install Debian packages as root, or with sudo when there is one.
# Used by system-deps.sh (PDF documents) and browser-deps.sh (the browser tests).
set -euo pipefail

purpose="$1"
shift
echo "Installing system packages for ${purpose}: $*"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Please install these Debian packages (as root: apt-get install $*)" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
