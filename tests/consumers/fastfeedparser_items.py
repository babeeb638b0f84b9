"""fastfeedparser: prints what it reads of each item of a feed file, as JSON (see run.py).

Usage: fastfeedparser_items.py FORMAT FILE. Like feedparser's, its entries are dictionaries,
but without feedparser's `*_detail.type`: an application cannot tell whether `description` is
text or HTML, and must take it as HTML, as it is in RSS. `content[0].value` is HTML.
"""

import importlib.metadata
import json
import sys

import fastfeedparser


def main():
    path = sys.argv[2]
    with open(path, "rb") as feed:
        parsed = fastfeedparser.parse(feed.read())
    items = []
    for entry in parsed.entries:
        content = entry.get("content") or [{}]
        items.append(
            {
                "id": entry.get("id"),
                "title": entry.get("title"),
                "link": entry.get("link"),
                "published": entry.get("published"),
                "updated": entry.get("updated"),
                "authors": [author.get("name") for author in entry.get("authors") or []],
                "categories": [tag.get("term") for tag in entry.get("tags") or []],
                "summary_html": entry.get("description"),
                "content_html": content[0].get("value"),
            }
        )
    print(json.dumps({"version": importlib.metadata.version("fastfeedparser"), "items": items}, default=str))


if __name__ == "__main__":
    main()
