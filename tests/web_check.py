"""The HTML face and the server, checked by programs we did not write.

Starts `cargo xtask serve` on a free loopback port, then:
- headless Chromium loads index.html and every article page (--dump-dom): each article's page
  has the feed's headline as its one <h1>, the index lists it, every page announces the Atom,
  RSS and JSON feeds with <link rel="alternate">, and the seed article's "<…>" is text on its
  page; screenshots of the index and the seed article, desktop and phone width, are saved under
  target/ci-output/screenshots/;
- wrk hammers atom.xml for 10 s over 64 connections with conditional requests (If-None-Match):
  every answer must be a 304, with no socket errors; requests/s and the p99 latency are printed.

Usage: python3 tests/web_check.py  (from anywhere in the checkout; needs chromium and wrk)
"""

import html
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FEEDS = os.path.join(ROOT, "feeds")
SHOTS = os.path.join(ROOT, "target", "ci-output", "screenshots")
ATOM = "{http://www.w3.org/2005/Atom}"
SEED_KEY = "000_a64b384920c9e53b"
SEED_HEADLINE = (
    "Not a single CSTO peacekeeper will stay in Kazakhstan after the peacekeeping operation is over"
)
FEED_TYPES = {"application/atom+xml", "application/rss+xml", "application/feed+json"}


class Page(html.parser.HTMLParser):
    """What the checks need from a DOM: <h1> texts, alternate links, all text."""

    def __init__(self, dom):
        super().__init__(convert_charrefs=True)
        self.h1 = []
        self.alternates = set()
        self.text = []
        self._in_h1 = False
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.add(attrs.get("type"))

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h1:
            self.h1[-1] += data


def fail(message):
    print(f"web check: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def chromium(profile, *args):
    command = [
        shutil.which("chromium") or shutil.which("chromium-browser") or "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        fail(f"chromium {args}: exit {result.returncode}\n{result.stderr[-2000:]}")
    return result.stdout


def start_server():
    server = subprocess.Popen(
        ["cargo", "xtask", "serve", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline()
    match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
    if not match:
        server.kill()
        fail(f"serve did not say where it listens: {line!r}")
    return server, match.group(1)


def articles():
    """(headline, page path) of every entry of the main Atom feed."""
    tree = ET.parse(os.path.join(FEEDS, "atom.xml"))
    found = []
    for entry in tree.getroot().iter(f"{ATOM}entry"):
        title = entry.find(f"{ATOM}title")
        headline = "".join(title.itertext())
        if title.get("type") == "html":
            headline = html.unescape(headline)
        key = entry.find(f"{ATOM}id").text.rsplit(":", 1)[-1]
        found.append((headline, f"articles/{key}.html"))
    return found


def check_pages(base, profile):
    index = Page(chromium(profile, "--dump-dom", base))
    if not FEED_TYPES <= index.alternates:
        fail(f"index.html announces {sorted(index.alternates)}, not all of {sorted(FEED_TYPES)}")
    index_text = "".join(index.text)
    entries = articles()
    if not entries:
        fail("atom.xml has no entries")
    for headline, path in entries:
        if not os.path.exists(os.path.join(FEEDS, path)):
            continue  # an article with its own link: field and id: keeps its key elsewhere
        if headline not in index_text:
            fail(f"index.html does not show {headline!r}")
        page = Page(chromium(profile, "--dump-dom", base + path))
        if page.h1 != [headline]:
            fail(f"{path}: <h1> is {page.h1}, expected [{headline!r}]")
        if not FEED_TYPES <= page.alternates:
            fail(f"{path}: announces {sorted(page.alternates)}")
        if path == f"articles/{SEED_KEY}.html":
            if headline != SEED_HEADLINE:
                fail(f"the seed's headline is {headline!r}")
            if "very silly. <…> After all" not in "".join(page.text):
                fail("the seed's <…> is not text on its page")
    print(f"chromium: index.html and {len(entries)} article page(s) show their headlines and feeds")


def screenshots(base, profile):
    os.makedirs(SHOTS, exist_ok=True)
    pages = {"index": base}
    if os.path.exists(os.path.join(FEEDS, "articles", f"{SEED_KEY}.html")):
        pages["article"] = f"{base}articles/{SEED_KEY}.html"
    for name, url in pages.items():
        for device, size in [("desktop", "1280,1400"), ("phone", "390,1400")]:
            path = os.path.join(SHOTS, f"{name}-{device}.png")
            chromium(profile, f"--screenshot={path}", f"--window-size={size}", url)
            if not os.path.getsize(path):
                fail(f"empty screenshot {path}")
            print(f"screenshot: {os.path.relpath(path, ROOT)}")


def load_test(base):
    url = base + "atom.xml"
    with urllib.request.urlopen(url) as response:
        etag = response.headers["ETag"]
    request = urllib.request.Request(url, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request)
        fail("a conditional GET with the current ETag was not answered 304")
    except urllib.error.HTTPError as err:
        if err.code != 304:
            fail(f"conditional GET answered {err.code}")
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    # Every answer must be a 304: count the others in each thread, then report them.
    script.write(
        "local threads = {}\n"
        "function setup(thread) table.insert(threads, thread) end\n"
        "function init(args) others = 0 end\n"
        "function response(status, headers, body)\n"
        "  if status ~= 304 then others = others + 1 end\n"
        "end\n"
        "function done(summary, latency, requests)\n"
        "  local total = 0\n"
        "  for _, thread in ipairs(threads) do total = total + thread:get('others') end\n"
        "  io.write(string.format('not_304 %d\\n', total))\n"
        "  io.write(string.format('p99_us %d\\n', latency:percentile(99)))\n"
        "end\n"
    )
    script.close()
    result = subprocess.run(
        ["wrk", "-t2", "-c64", "-d10s", "--latency", "-s", script.name,
         "-H", f"If-None-Match: {etag}", url],
        capture_output=True, text=True, timeout=60,
    )
    os.unlink(script.name)
    out = result.stdout
    print(out.strip())
    if result.returncode != 0:
        fail(f"wrk exited {result.returncode}: {result.stderr}")
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        fail("the load test saw errors")
    not_304 = re.search(r"not_304 (\d+)", out)
    if not not_304 or int(not_304.group(1)) != 0:
        fail("some answers to the conditional requests were not 304")
    requests = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"p99_us (\d+)", out)
    if not requests or not p99:
        fail("could not read wrk's figures")
    print(f"load: {float(requests.group(1)):.0f} requests/s, p99 {int(p99.group(1)) / 1000:.2f} ms, "
          "64 connections, 10 s, conditional GETs of atom.xml, all 304, no errors")


def main():
    server, base = start_server()
    profile = tempfile.mkdtemp(prefix="wirefeed-chromium-")
    try:
        check_pages(base, profile)
        screenshots(base, profile)
        load_test(base)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
