"""reader (the Python feed reader library): subscribes to a feed URL, updates, and prints what
reader keeps of each entry, as JSON (see run.py).

Usage: reader_items.py FORMAT URL [--db FILE] [--mark-read]. reader stores entries in the
SQLite database FILE (a temporary one unless given, so that a later call updates the same
subscription). reader parses RSS and Atom with its own copy of feedparser and JSON Feed itself;
`title` is text, `summary` and `content` are HTML as its web app shows them, and an entry has no
categories. `read` is false for an entry new to the user; `--mark-read` marks every entry read
after printing.
"""

import argparse
import importlib.metadata
import json
import pathlib
import tempfile

import reader


def iso(value):
    return value.isoformat() if value else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("format")
    parser.add_argument("url")
    parser.add_argument("--db")
    parser.add_argument("--mark-read", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        db = args.db or str(pathlib.Path(temporary) / "reader.sqlite")
        with reader.make_reader(db) as library:
            library.add_feed(args.url, exist_ok=True)
            # Not only when the feed is due (hourly by default): as if the hour had passed.
            for result in library.update_feeds_iter(feed=args.url, scheduled=False):
                if isinstance(result.value, Exception):
                    raise result.value
            items = []
            for entry in library.get_entries(feed=args.url):
                content = entry.content[0] if entry.content else None
                items.append(
                    {
                        "id": entry.id,
                        "title": entry.title,
                        "link": entry.link,
                        "published": iso(entry.published),
                        "updated": iso(entry.updated),
                        "authors": [author.name for author in entry.authors],
                        "summary_html": entry.summary,
                        "content_html" if content is None or "html" in content.type else "content": content.value if content else None,
                        "unread": not entry.read,
                    }
                )
            if args.mark_read:
                for entry in library.get_entries(feed=args.url, read=False):
                    library.mark_entry_as_read(entry)
    print(json.dumps({"version": importlib.metadata.version("reader"), "items": items}))


if __name__ == "__main__":
    main()
