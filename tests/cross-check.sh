#!/usr/bin/env bash
# Cross-checks of feeds/ by independent programs: xmllint (libxml2) for well-formedness, and
# Python feedparser (what many readers are built on) for what a reader actually sees.
# Installs them when missing (CI runs as root on Debian). Kept out of `cargo test`, which must
# pass on a machine with only Rust.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v xmllint >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null
fi
if ! python3 -c "import feedparser" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check "feedparser==6.*"
fi

echo "-- xmllint"
xmllint --noout --nonet feeds/rss.xml feeds/atom.xml tests/data/*/expected.*.xml
echo "xmllint: all feeds well-formed"

echo "-- feedparser"
python3 tests/cross_check.py feeds tests/data/*/
