#!/usr/bin/env bash
# Debian's Chromium for the real-browser test (Playwright drives it; it must never download a browser of its own).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: install Debian's package (sudo apt-get install chromium) for the browser test." >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
