#!/usr/bin/env bash
# Install the system packages the tests need when they are missing and we can.
set -u
need=()
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# Gnumeric's ssconvert: the second spreadsheet engine of tests/test_workbook_gnumeric.py
command -v ssconvert >/dev/null 2>&1 || need+=(gnumeric)
# Liberation Sans: metric-compatible with Arial, the workbook's font, for the print tests
[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# poppler's CJK CMaps: pdftotext needs them to extract the Chinese names of the PDF annex
[ -d /usr/share/poppler/cMap ] || need+=(poppler-data)
[ ${#need[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing ${need[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || echo "warning: could not install ${need[*]}" >&2
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "installing ${need[*]} (sudo apt-get)" >&2
  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || echo "warning: could not install ${need[*]}" >&2
else
  echo "warning: missing ${need[*]}; install them (Debian/Ubuntu: apt-get install ${need[*]})" >&2
fi
exit 0
