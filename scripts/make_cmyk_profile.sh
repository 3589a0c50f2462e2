#!/usr/bin/env bash
# Build styles/icc/coated-fogra39-bippdf.icc from Debian's free FOGRA39
# characterization data with ArgyllCMS (needs apt-get; nothing is installed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download -qq argyll icc-profiles-free
for deb in *.deb; do dpkg -x "$deb" x; done
cp x/usr/share/color/icc/FOGRA39L.ti3 .
x/usr/bin/colprof -v -A "bippdf" -D "Coated FOGRA39 (bippdf, from FOGRA39L.ti3)" \
  -C "Zlib licence; characterization data by Kai-Uwe Behrmann" -qm -kr FOGRA39L
cp FOGRA39L.icc "$root/styles/icc/coated-fogra39-bippdf.icc"
echo "wrote styles/icc/coated-fogra39-bippdf.icc"
