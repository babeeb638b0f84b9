#!/usr/bin/env bash
# Cross-checks of the feeds by programs we did not write:
# - xmllint (libxml2): every feed is well-formed XML, fetching nothing;
# - jing: every Atom feed matches the RELAX NG schema of RFC 4287 in tests/schema/atom.rnc;
# - Python feedparser (what many readers are built on): what a reader sees equals what we wrote;
# - newsboat (a real terminal feed reader): import feeds.opml and fetch every feed over HTTP on
#   127.0.0.1; subscribe, reload, edit and add an article, reload again: no duplicates, one new
#   unread item.
# Installs them when missing (CI runs as root on Debian). Kept out of `cargo test`, which must
# pass on a machine with only Rust.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v jing >/dev/null || missing+=(jing)
command -v newsboat >/dev/null || missing+=(newsboat)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c "import feedparser" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "feedparser==6.*"
fi

shopt -s nullglob
feeds=(feeds/*.xml feeds/*/*.xml feeds/feeds.opml tests/data/*/expected.*.xml)
atom_feeds=(feeds/atom.xml feeds/*/*.atom.xml tests/data/*/expected.atom.xml)

echo "-- xmllint"
xmllint --noout --nonet "${feeds[@]}"
echo "xmllint: ${#feeds[@]} feeds well-formed"

echo "-- jing (RELAX NG schema of RFC 4287)"
# jing's wrapper warns about optional jars it does not need; its findings go to stdout.
jing -c tests/schema/atom.rnc "${atom_feeds[@]}" 2>/dev/null
echo "jing: ${#atom_feeds[@]} Atom feeds valid"

echo "-- feedparser"
python3 tests/cross_check.py feeds tests/data/*/

echo "-- newsboat"
python3 tests/newsboat_check.py
