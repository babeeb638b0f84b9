"""sfeed (Debian's `sfeed`, the suckless RSS/Atom to TSV converter): prints what its `sfeed`
binary reads of each item of a feed file, as JSON (see run.py).

Usage: sfeed_items.py FORMAT FILE. sfeed(5) lines are tab-separated: UNIX time, title, link,
content, content-type (`html` or `plain`), id, author, enclosure, categories (`|`-separated);
`\\n`, `\\t` and `\\\\` in a field are escapes. One author (the first), no summary: an item's
content is its content:encoded or Atom content, else its description or summary.
"""

import datetime
import json
import subprocess
import sys


def unescape(field):
    out, chars = [], iter(field)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def main():
    path = sys.argv[2]
    with open(path, "rb") as feed:
        tsv = subprocess.run(["sfeed"], stdin=feed, capture_output=True, check=True).stdout.decode()
    items = []
    for line in tsv.splitlines():
        fields = [unescape(field) for field in line.split("\t")]
        fields += [""] * (9 - len(fields))
        seconds, title, link, content, content_type, item_id, author, _enclosure, categories = fields[:9]
        published = None
        if seconds:
            published = datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc).isoformat()
        items.append(
            {
                "id": item_id,
                "title": title,
                "link": link,
                "published": published,
                "authors": [author] if author else [],
                "categories": categories.split("|") if categories else [],
                "content_html" if content_type == "html" else "content": content,
            }
        )
    print(json.dumps({"items": items}))


if __name__ == "__main__":
    main()
