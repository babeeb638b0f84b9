#!/usr/bin/env bash
# The installable product as a new user meets it: `cargo install` from this checkout, then, in a
# fresh directory outside the repository, `wirefeed init`, `build`, `build --check`, `validate`
# and `serve`. Called by .ci/run; needs only Rust and Python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
install="$repo/target/install"

echo "-- cargo install --path crates/wirefeed"
# The release build goes to target/ so a second run reuses it.
CARGO_TARGET_DIR="$repo/target" cargo install --quiet --locked --path crates/wirefeed --root "$install"
wirefeed="$install/bin/wirefeed"
"$wirefeed" --version

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

echo "-- wirefeed init site && cd site && wirefeed build"
"$wirefeed" init site
cd site
"$wirefeed" build
"$wirefeed" build --check
"$wirefeed" validate
hidden=$(find feeds -name '.*')
if [ -n "$hidden" ]; then
  echo "feeds/ holds files a static host should not publish: $hidden" >&2
  exit 1
fi

echo "-- wirefeed serve"
"$wirefeed" serve --port 0 >"$work/serve.out" 2>/dev/null &
server=$!
for _ in $(seq 50); do
  grep -q '^serving ' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
address=$(sed -n 's/^serving .* at \(http:[^ ]*\)$/\1/p' "$work/serve.out")
[ -n "$address" ] || { echo "serve printed no address" >&2; exit 1; }
python3 - "${address}atom.xml" feeds/atom.xml <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
    assert response.headers["Content-Type"].startswith("application/atom+xml"), response.headers
    assert response.read() == open(sys.argv[2], "rb").read(), "served bytes differ from the file"
PY
echo "install check: ok"
