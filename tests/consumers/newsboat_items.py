"""newsboat (the terminal feed reader): subscribes to a feed URL, reloads, and prints what
newsboat keeps of each item in its cache, as JSON (see run.py).

Usage: newsboat_items.py FORMAT URL [--home DIR] [--mark-read]. newsboat runs with HOME=DIR
(a temporary directory unless given, so that a later call reloads into the same cache); the
items are read from its SQLite cache, where `title` is text, `content` the HTML it renders,
`author` one string and `pubDate` UNIX time. `unread` says whether the item is new to the user;
`--mark-read` marks every item read after printing, as a user who read them all.
"""

import argparse
import datetime
import json
import os
import pathlib
import sqlite3
import subprocess
import tempfile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("format")
    parser.add_argument("url")
    parser.add_argument("--home")
    parser.add_argument("--mark-read", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        home = pathlib.Path(args.home or temporary)
        home.mkdir(parents=True, exist_ok=True)
        (home / "urls").write_text(args.url + "\n")
        subprocess.run(
            ["newsboat", "-u", str(home / "urls"), "-c", str(home / "cache.db"), "-x", "reload"],
            env={**os.environ, "HOME": str(home)},
            check=True,
            timeout=120,
            stdout=subprocess.DEVNULL,
        )
        with sqlite3.connect(home / "cache.db") as db:
            rows = db.execute(
                "select guid, title, url, pubDate, author, content, unread from rss_item"
                " where deleted = 0 and feedurl = ? order by pubDate desc",
                (args.url,),
            ).fetchall()
            if args.mark_read:
                db.execute("update rss_item set unread = 0")
    items = []
    for guid, title, url, pub_date, author, content, unread in rows:
        items.append(
            {
                "id": guid,
                "title": title,
                "link": url,
                "published": datetime.datetime.fromtimestamp(pub_date, datetime.timezone.utc).isoformat(),
                "authors": [author] if author else [],
                "content_html": content,
                "unread": bool(unread),
            }
        )
    print(json.dumps({"items": items}))


if __name__ == "__main__":
    main()
