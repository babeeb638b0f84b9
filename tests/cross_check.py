"""Reads feeds with Python feedparser and checks that a reader sees what wirefeed wrote.

For each directory given: rss.xml / atom.xml (or expected.rss.xml / expected.atom.xml) must
parse without a bozo flag, as RSS 2.0 and Atom 1.0; both must hold the entries that an
independent reading of the Atom XML (ElementTree) finds, in the same order, with the same ids,
titles, publication dates and authors, the same content in both formats, and update times.
Prints one line per directory and "N passed, N failed" at the end; exits 1 on any failure.
"""

import datetime
import html
import pathlib
import sys
import xml.etree.ElementTree as ET

import feedparser


def load(directory, fmt):
    for name in (f"{fmt}.xml", f"expected.{fmt}.xml"):
        path = directory / name
        if path.exists():
            return path, feedparser.parse(path.read_bytes())
    raise FileNotFoundError(directory / f"{fmt}.xml")


ATOM = "{http://www.w3.org/2005/Atom}"


def written(path):
    """What the Atom file says, read with ElementTree: id, title, published (UTC), authors."""
    entries = []
    for entry in ET.parse(path).getroot().iter(f"{ATOM}entry"):
        title = entry.find(f"{ATOM}title")
        text = html.unescape(title.text) if title.get("type") == "html" else title.text
        published = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
        utc = published.astimezone(datetime.timezone.utc).timetuple()[:6]
        authors = [name.text for name in entry.findall(f"{ATOM}author/{ATOM}name")]
        entries.append({"id": entry.findtext(f"{ATOM}id"), "title": text, "published": utc, "authors": authors})
    return entries


def shown(entry, field):
    """What a reader displays for a field: HTML is rendered (here: unescaped), text is as is."""
    value = entry.get(field)
    detail = entry.get(f"{field}_detail")
    if value is not None and detail is not None and detail.get("type") == "text/html":
        return html.unescape(value)
    return value


def check(directory):
    problems = []
    (rss_path, rss), (atom_path, atom) = load(directory, "rss"), load(directory, "atom")
    for path, parsed in ((rss_path, rss), (atom_path, atom)):
        if parsed.bozo:
            problems.append(f"{path}: bozo: {parsed.bozo_exception}")
        if not parsed.entries:
            problems.append(f"{path}: no entries")
    if rss.version != "rss20":
        problems.append(f"{rss_path}: feedparser sees {rss.version!r}, not rss20")
    if atom.version != "atom10":
        problems.append(f"{atom_path}: feedparser sees {atom.version!r}, not atom10")
    expected = written(atom_path)
    for fmt, parsed in (("RSS", rss), ("Atom", atom)):
        seen = [
            # Every author, in order: feedparser's `author` alone is the last of several.
            {
                "id": e.get("id"),
                "title": shown(e, "title"),
                "published": tuple(e.published_parsed[:6]),
                "authors": [author.get("name") for author in e.get("authors", [])],
            }
            for e in parsed.entries
        ]
        if seen != expected:
            problems.append(f"{directory}: feedparser reads the {fmt} feed as {seen}, but it holds {expected}")
    for item, entry in zip(rss.entries, atom.entries):
        for field in ("id", "title", "published_parsed", "author"):
            rss_value, atom_value = shown(item, field), shown(entry, field)
            if rss_value != atom_value or atom_value in (None, ""):
                problems.append(f"{directory}: {field} differs: RSS {rss_value!r}, Atom {atom_value!r}")
        if entry.get("updated_parsed") is None:
            problems.append(f"{atom_path}: entry {entry.get('id')} has no updated date")
        rss_html = item.get("content", [{}])[0].get("value")
        atom_html = entry.get("content", [{}])[0].get("value")
        if not rss_html or rss_html != atom_html:
            problems.append(f"{directory}: content differs for {entry.get('id')}")
    return problems


def main():
    passed = failed = 0
    for argument in sys.argv[1:]:
        directory = pathlib.Path(argument)
        problems = check(directory)
        for problem in problems:
            print(problem)
        if problems:
            failed += 1
        else:
            passed += 1
            print(f"feedparser: {directory}: ok")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
