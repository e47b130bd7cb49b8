#!/usr/bin/env bash
# Debian packages the tests use: Chromium (browser tests), poppler-utils (PDF to PNG
# checks), DejaVu fonts (Vietnamese text in generated PDFs), Liberation Serif (official documents:
# Times New Roman's metrics, every Vietnamese letter; core/official_pdf.py), headless LibreOffice
# (office files converted to PDF on upload); and, before pip runs, what PyICU needs to build
# from source (ICU's headers, pkg-config, a C++ compiler, Python's headers). Installs what is
# missing when it can (root or sudo); otherwise says what to install.
#   scripts/system-deps.sh           everything the tests need
#   scripts/system-deps.sh runtime   only what the server needs (fonts for watermarks, the meeting book and
#                                    official documents; headless LibreOffice to convert office files on upload):
#                                    never fatal, the server runs without them and says what is missing
#   scripts/system-deps.sh build     only what `pip install` needs (run by make before it creates the venv)
set -euo pipefail
mode="${1:-all}"
missing=()
if [ "$mode" = build ]; then
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  # dpkg rather than pkg-config --exists: pkg-config itself may be the missing piece.
  dpkg -s libicu-dev >/dev/null 2>&1 || missing+=(libicu-dev)
  command -v g++ >/dev/null || missing+=(g++)
  "${PYTHON:-python3}" -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    || missing+=(python3-dev)
else
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  [ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || missing+=(fonts-liberation2)
  command -v soffice >/dev/null || command -v libreoffice >/dev/null \
    || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui)
fi
if [ "$mode" = all ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
apt_install() {  # a fresh machine may have empty package lists: update once and retry
  "$@" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { "$@" apt-get update >/dev/null && "$@" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
}
runtime_note() {
  case " ${missing[*]} " in
    *libreoffice*) echo "Note: LibreOffice is not installed: office files (Word, Excel, PowerPoint) must be" \
                        "uploaded as PDF until it is." >&2 ;;
  esac
  case " ${missing[*]} " in
    *fonts-*) echo "Note: fonts are missing: watermarks and official documents use a fallback font." >&2 ;;
  esac
  echo "  To add them: sudo apt-get install --no-install-recommends ${missing[*]}  (then restart the server)" >&2
}
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo)
  elif [ "$mode" = runtime ]; then
    runtime_note
    exit 0
  fi
fi
if [ "$(id -u)" = 0 ] || [ ${#as_root[@]} -gt 0 ]; then
  echo "Installing Debian packages (once): ${missing[*]}" >&2
  if [ "$mode" = runtime ]; then
    apt_install "${as_root[@]}" || runtime_note  # offline or no mirror: the server still runs
  else
    apt_install "${as_root[@]}"
  fi
else
  echo "Please install: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
