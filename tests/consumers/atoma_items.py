"""atoma: prints what it reads of each item of a feed file, as JSON (see run.py).

Usage: atoma_items.py FORMAT FILE. atoma has one typed model per format (RSS, Atom, JSON Feed)
and does no HTML processing: a text construct's value is printed as HTML when its type says so.
"""

import json
import sys

import atoma


def iso(value):
    return value.isoformat() if value else None


def rss(path):
    for item in atoma.parse_rss_file(path).items:
        yield {
            "id": item.guid,
            "title": item.title,
            "link": item.link,
            "published": iso(item.pub_date),
            "updated": None,
            # RSS's own <author>, an e-mail address; atoma reads no Dublin Core.
            "authors": [item.author] if item.author else [],
            "categories": list(item.categories),
            "summary_html": item.description,
            "content_html": item.content_encoded,
        }


def construct(value, name, out):
    if value is None:
        out[name] = None
    elif value.text_type.value in ("html", "xhtml"):
        out[f"{name}_html"] = value.value
    else:
        out[name] = value.value


def atom(path):
    for entry in atoma.parse_atom_file(path).entries:
        item = {
            "id": entry.id_,
            "link": next((link.href for link in entry.links if link.rel in (None, "alternate")), None),
            "published": iso(entry.published),
            "updated": iso(entry.updated),
            "authors": [author.name for author in entry.authors],
            "categories": [category.term for category in entry.categories],
        }
        construct(entry.title, "title", item)
        construct(entry.summary, "summary", item)
        construct(entry.content, "content", item)
        yield item


def json_feed(path):
    for entry in atoma.parse_json_feed_file(path).items:
        yield {
            "id": entry.id_,
            "title": entry.title,
            "link": entry.url,
            "published": iso(entry.date_published),
            "updated": iso(entry.date_modified),
            # JSON Feed 1.0's `author`: atoma predates 1.1's `authors`.
            "authors": [entry.author.name] if entry.author else [],
            "categories": list(entry.tags),
            "summary": entry.summary,
            "content_html": entry.content_html,
        }


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    items = list({"rss": rss, "atom": atom, "json": json_feed}[fmt](path))
    print(json.dumps({"version": atoma.VERSION if hasattr(atoma, "VERSION") else None, "items": items}))


if __name__ == "__main__":
    main()
