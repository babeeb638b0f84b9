"""Subscribes the real terminal feed reader newsboat to our feeds, the way a reader would.

First the OPML: the seeds (and the golden test articles, for several places and tags) are
regenerated with a loopback base URL and served; newsboat imports feeds.opml (`newsboat -i`),
reloads, and must have fetched every listed feed, each with its title, every request answered 200.

For each format (one newsboat cache each: newsboat keys items by guid, and both formats share
ids on purpose):
1. serve a copy of feeds/ on 127.0.0.1 (a free port), subscribe, reload, and read newsboat's
   cache: every item of the feed is there with its title, date and author;
2. edit an article's text and add a new article in a copy of seeds/, regenerate into the served
   directory, mark everything read, reload: no duplicates, the edited item has the new text,
   and exactly one item is unread: the new one.
Prints "N passed, N failed" and exits 1 on a failure. Needs newsboat, python3 and cargo.
"""

import os
import pathlib
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"


def serve(directory, log=subprocess.DEVNULL):
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(directory)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    line = server.stdout.readline()
    port = re.search(r"port (\d+)", line).group(1)
    return server, f"http://127.0.0.1:{port}"


def reload(home, url):
    (home / "urls").write_text(url + "\n")
    subprocess.run(
        ["newsboat", "-u", str(home / "urls"), "-c", str(home / "cache.db"), "-x", "reload"],
        env={**os.environ, "HOME": str(home)},
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
    )


def cached_items(home):
    with sqlite3.connect(home / "cache.db") as db:
        rows = db.execute("select guid, title, author, pubDate, unread, content from rss_item where deleted = 0")
        return [dict(zip(("guid", "title", "author", "date", "unread", "content"), row)) for row in rows]


def feed_items(path):
    """(id, title) of every item, read with ElementTree, independently of newsboat."""
    root = ET.parse(path).getroot()
    if root.tag == "rss":
        return [(item.findtext("guid"), item.findtext("title")) for item in root.iter("item")]
    return [(entry.findtext(f"{ATOM}id"), entry.findtext(f"{ATOM}title")) for entry in root.iter(f"{ATOM}entry")]


def check_format(name, work):
    problems = []
    www, seeds, home = work / "www", work / "seeds", work / f"home-{name}"
    home.mkdir()
    server, base = serve(www)
    try:
        url = f"{base}/{name}.xml"
        reload(home, url)
        items = cached_items(home)
        expected = feed_items(www / f"{name}.xml")
        if sorted((item["guid"], item["title"]) for item in items) != sorted(expected):
            problems.append(f"{name}: newsboat has {[(i['guid'], i['title']) for i in items]}, the feed {expected}")
        for item in items:
            if not item["title"] or not item["author"] or not item["date"]:
                problems.append(f"{name}: item {item['guid']} lacks a title, author or date: {item}")

        # An edit and a new article, then a reload.
        seed = sorted(seeds.glob("*.txt"))[0]
        seed.write_bytes(seed.read_bytes() + b"\n\nThis paragraph was added in a correction.")
        (seeds / "zz-new-article.txt").write_text(
            "date 2030-01-01\nMINSK, January 1. /TASS/. A brand new article arrived, officials said.\n"
        )
        subprocess.run(["cargo", "xtask", "regen", "--seeds", str(seeds), "--out", str(www)], check=True, cwd=ROOT)
        with sqlite3.connect(home / "cache.db") as db:
            db.execute("update rss_item set unread = 0")
        time.sleep(1)
        reload(home, url)
        items = cached_items(home)
        guids = [item["guid"] for item in items]
        if len(guids) != len(set(guids)):
            problems.append(f"{name}: duplicate items after the update: {guids}")
        if len(items) != len(expected) + 1:
            problems.append(f"{name}: {len(items)} items after the update, expected {len(expected) + 1}")
        unread = [item["title"] for item in items if item["unread"]]
        if unread != ["A brand new article arrived"]:
            problems.append(f"{name}: unread after the update: {unread}")
        edited = [item for item in items if "added in a correction" in (item["content"] or "")]
        if len(edited) != 1:
            problems.append(f"{name}: the edited article was not updated in newsboat")
    finally:
        server.terminate()
        server.wait()
    return problems


def check_opml(work):
    problems = []
    seeds, www, home = work / "seeds", work / "www", work / "home-opml"
    for case in sorted((ROOT / "tests" / "data").iterdir()):
        shutil.copy(case / "seed.txt", seeds / f"{case.name}.txt")
    www.mkdir(exist_ok=True)
    home.mkdir()
    log_path = work / "http.log"
    with open(log_path, "w") as log:
        server, base = serve(www, log)
        try:
            settings = (seeds / "feed.toml").read_text()
            settings = re.sub(r"(?m)^base-url = .*$", f'base-url = "{base}/"', settings)
            (seeds / "feed.toml").write_text(settings)
            subprocess.run(["cargo", "xtask", "regen", "--seeds", str(seeds), "--out", str(www)], check=True, cwd=ROOT)
            env = {**os.environ, "HOME": str(home)}
            urls, cache = str(home / "urls"), str(home / "cache.db")
            subprocess.run(["newsboat", "-i", str(www / "feeds.opml"), "-u", urls, "-c", cache], env=env, check=True, timeout=60)
            subprocess.run(["newsboat", "-u", urls, "-c", cache, "-x", "reload"], env=env, check=True, timeout=300)
        finally:
            server.terminate()
            server.wait()
    listed = [node.get("xmlUrl") for node in ET.parse(www / "feeds.opml").iter("outline") if node.get("xmlUrl")]
    with sqlite3.connect(home / "cache.db") as db:
        fetched = dict(db.execute("select rssurl, title from rss_feed"))
    for url in listed:
        if not fetched.get(url):
            problems.append(f"opml: newsboat did not fetch {url}")
    requests = [line for line in log_path.read_text().splitlines() if '"GET ' in line]
    failures = [line for line in requests if '" 200 ' not in line]
    problems.extend(f"opml: the server answered {line}" for line in failures)
    if len(listed) < 4 or len(requests) < len(listed):
        problems.append(f"opml: {len(listed)} feeds listed, {len(requests)} requests made")
    return problems, len(listed)


def main():
    results = []
    with tempfile.TemporaryDirectory() as temporary:
        work = pathlib.Path(temporary)
        shutil.copytree(ROOT / "seeds", work / "seeds")
        problems, n_feeds = check_opml(work)
    results.append((problems, f"imported feeds.opml and fetched all {n_feeds} feeds from 127.0.0.1"))
    for name in ("rss", "atom"):
        with tempfile.TemporaryDirectory() as temporary:
            work = pathlib.Path(temporary)
            shutil.copytree(ROOT / "feeds", work / "www")
            shutil.copytree(ROOT / "seeds", work / "seeds")
            problems = check_format(name, work)
        results.append((problems, f"{name}.xml: subscribed, read, updated without duplicates, one new unread item"))
    for problems, success in results:
        print("\n".join(problems) if problems else f"newsboat: {success}")
    failed = sum(1 for problems, _ in results if problems)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
