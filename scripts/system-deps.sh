#!/usr/bin/env bash
# Debian packages the tests use: Chromium (browser tests), poppler-utils (PDF to PNG
# checks), DejaVu fonts (Vietnamese text in generated PDFs), headless LibreOffice
# (office files converted to PDF on upload). Installs what is missing
# when it can (root or sudo); otherwise says what to install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Please install: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
