"""Python feedparser: prints what it reads of each item of a feed file, as JSON (see run.py).

Usage: feedparser_items.py FORMAT FILE. Text fields are printed as feedparser hands them to an
application: `X_html` when feedparser says the value is HTML (`X_detail.type`), `X` otherwise.
"""

import calendar
import datetime
import json
import sys

import feedparser


def iso(parsed):
    if parsed is None:
        return None
    seconds = calendar.timegm(parsed)
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).isoformat()


def text(entry, field, out):
    value = entry.get(field)
    detail = entry.get(f"{field}_detail") or {}
    key = f"{field}_html" if detail.get("type") in ("text/html", "application/xhtml+xml") else field
    out[key] = value


def main():
    path = sys.argv[2]
    parsed = feedparser.parse(path)
    items = []
    for entry in parsed.entries:
        item = {"id": entry.get("id"), "link": entry.get("link")}
        text(entry, "title", item)
        text(entry, "summary", item)
        content = entry.get("content") or [{}]
        item["content_html" if content[0].get("type") != "text/plain" else "content"] = content[0].get("value")
        item["published"] = iso(entry.get("published_parsed"))
        item["updated"] = iso(entry.get("updated_parsed"))
        item["authors"] = [author.get("name") for author in entry.get("authors", [])]
        item["categories"] = [tag.get("term") for tag in entry.get("tags", [])]
        items.append(item)
    print(json.dumps({"version": feedparser.__version__, "bozo": bool(parsed.bozo), "items": items}))


if __name__ == "__main__":
    main()
