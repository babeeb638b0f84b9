"""The consumer matrix: what feed readers and libraries we did not write show of wirefeed's feeds.

1. Builds the fixture site of `tests/consumers/seeds/` with the wirefeed binary into a temporary
   directory, served on 127.0.0.1, with `base-url` set to the server's address.
2. Runs every consumer (one small program each in this directory: Python, PHP, Ruby, Perl, Go,
   Java, JavaScript, C, the `sfeed` binary, newsboat) on each format it reads (RSS 2.0, Atom 1.0,
   JSON Feed 1.1); each prints JSON, one object per item, with the fields as the library hands
   them to an application (`X_html` where its API says the value is HTML).
3. Compares every item, field by field (id, title, link, published, updated, authors, categories,
   summary, content), with `expected.toml`: what each article means, written by hand from the
   seeds. HTML is rendered to the text a reader shows (tags dropped, entities decoded, scripts not
   shown), so `<`, `&` and Cyrillic must come out exactly as the article has them: a double-escaped
   `&lt;` or markup taken from text is a difference. RSS 2.0 has no element for an item's update
   time: there a consumer may show none, the publication time, or the update time.
4. Every difference must be in EXPECTED (consumer, format, field, articles, cause), and every entry
   of EXPECTED must still occur, on exactly the articles it names: the table is the truth about
   each consumer, and the README's compatibility table repeats it.
5. Duplicates: newsboat, reader and sfeed_update subscribe, fetch; an article's text is edited,
   another's headline, then `base-url` changes, then an article is added, and they fetch after
   each step. Only the added article may be new, and the edits must show (sfeed keys items by id,
   title and link, so a new headline or `base-url` duplicates items there: DUPLICATES says so).
6. Withdrawal and embargo (`status: withdrawn`, `embargo:`, `--now`): skipped with a note while
   the wirefeed being tested rejects them.

Prints a matrix of consumers × fields and "N passed, N failed, N skipped" (one per consumer and
format, per duplicate test, per lifecycle case); exits 1 on a failure. `--only NAME` runs some
consumers only; `--wirefeed BIN` tests that binary. Needs what tests/cross-check.sh installs (it puts the npm packages and SimplePie
under target/consumers/).
"""

import argparse
import concurrent.futures
import dataclasses
import datetime
import email.utils
import html.parser
import importlib.metadata
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "consumers"
# Built programs, npm packages and the SimplePie copy: never committed.
WORK = ROOT / "target" / "consumers"
WORDPRESS = WORK / "wordpress" / "usr" / "share" / "wordpress"
NODE_MODULES = WORK / "node" / "node_modules"
ROME_CLASSPATH = ":".join(
    f"/usr/share/java/{jar}.jar" for jar in ("rome", "rome-utils", "jdom2", "slf4j-api", "slf4j-nop")
)

FIELDS = ("id", "title", "link", "published", "updated", "authors", "categories", "summary", "content")
FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONES = "{http://purl.org/atompub/tombstones/1.0}"


@dataclasses.dataclass(frozen=True)
class Consumer:
    """A program that reads feeds: how to run it on a format, and what version it is."""

    name: str
    formats: tuple
    command: object  # (format, file, url) -> argv
    version: object  # () -> str
    env: tuple = ()


def debian(package):
    return lambda: subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True
    ).stdout.strip() or "not installed"


def pypi(package):
    return lambda: importlib.metadata.version(package)


def npm(package):
    return lambda: json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def simplepie_version():
    text = (WORDPRESS / "wp-includes" / "class-simplepie.php").read_text()
    version = re.search(r"define\('SIMPLEPIE_VERSION', '([^']+)'\)", text).group(1)
    # tests/cross-check.sh notes the version of the package it unpacked SimplePie from.
    package = WORK / "wordpress" / "version"
    return f"{version} (wordpress {package.read_text().strip()})" if package.exists() else version


def ruby_rss_version():
    return subprocess.run(["ruby", "-rrss", "-e", "print RSS::VERSION"], capture_output=True, text=True).stdout


def python(script):
    return lambda fmt, path, url: [sys.executable, str(HERE / script), fmt, path]


CONSUMERS = [
    # The stdlib reading (ElementTree, json) of what wirefeed wrote: separates wirefeed's own
    # mistakes from consumers'.
    Consumer("wirefeed as written", ("rss", "atom", "json"), lambda fmt, path, url: None, lambda: "stdlib"),
    Consumer("feedparser (Python)", ("rss", "atom"), python("feedparser_items.py"), pypi("feedparser")),
    Consumer(
        "reader (Python)",
        ("rss", "atom", "json"),
        lambda fmt, path, url: [sys.executable, str(HERE / "reader_items.py"), fmt, url],
        pypi("reader"),
    ),
    Consumer("fastfeedparser (Python)", ("rss", "atom", "json"), python("fastfeedparser_items.py"), pypi("fastfeedparser")),
    Consumer("atoma (Python)", ("rss", "atom", "json"), python("atoma_items.py"), pypi("atoma")),
    Consumer(
        "SimplePie (PHP)",
        ("rss", "atom"),
        lambda fmt, path, url: ["php", str(HERE / "simplepie_items.php"), str(WORDPRESS), fmt, path],
        simplepie_version,
    ),
    Consumer(
        "rss (Ruby stdlib)",
        ("rss", "atom"),
        lambda fmt, path, url: ["ruby", str(HERE / "ruby_rss_items.rb"), fmt, path],
        ruby_rss_version,
    ),
    Consumer(
        "ruby-feedparser (Ruby)",
        ("rss", "atom"),
        lambda fmt, path, url: ["ruby", str(HERE / "ruby_feedparser_items.rb"), fmt, path],
        debian("ruby-feedparser"),
    ),
    Consumer(
        "XML::Feed (Perl)",
        ("rss", "atom"),
        lambda fmt, path, url: ["perl", str(HERE / "perl_xml_feed_items.pl"), fmt, path],
        debian("libxml-feed-perl"),
    ),
    Consumer(
        "XML::FeedPP (Perl)",
        ("rss", "atom"),
        lambda fmt, path, url: ["perl", str(HERE / "perl_xml_feedpp_items.pl"), fmt, path],
        debian("libxml-feedpp-perl"),
    ),
    Consumer(
        "gofeed (Go)",
        ("rss", "atom", "json"),
        lambda fmt, path, url: [str(WORK / "gofeed_items"), fmt, path],
        debian("golang-github-mmcdole-gofeed-dev"),
    ),
    Consumer(
        "ROME (Java)",
        ("rss", "atom"),
        lambda fmt, path, url: ["java", "-cp", f"{ROME_CLASSPATH}:{WORK / 'rome'}", "RomeItems", fmt, path],
        debian("librome-java"),
    ),
    Consumer(
        "rss-parser (JavaScript)",
        ("rss", "atom"),
        lambda fmt, path, url: ["node", str(HERE / "node" / "rss_parser_items.js"), fmt, path],
        npm("rss-parser"),
        (("NODE_PATH", str(NODE_MODULES)),),
    ),
    Consumer(
        "feedsmith (JavaScript)",
        ("rss", "atom", "json"),
        lambda fmt, path, url: ["node", str(HERE / "node" / "feedsmith_items.js"), fmt, path],
        npm("feedsmith"),
        (("NODE_PATH", str(NODE_MODULES)),),
    ),
    Consumer(
        "libmrss (C)",
        ("rss", "atom"),
        lambda fmt, path, url: [str(WORK / "mrss_items"), fmt, path],
        debian("libmrss0-dev"),
    ),
    Consumer("sfeed", ("rss", "atom"), python("sfeed_items.py"), debian("sfeed")),
    Consumer(
        "newsboat",
        ("rss", "atom"),
        lambda fmt, path, url: [sys.executable, str(HERE / "newsboat_items.py"), fmt, url],
        debian("newsboat"),
    ),
]

EVERY = "*"

# Every difference between what a consumer shows and what the article means, with its cause.
# (consumer, format, field, articles: a tuple of keys or EVERY, cause). The run fails on a
# difference that is not here, and on an entry that no longer occurs on exactly those articles.
TYPELESS_SUMMARY = (
    "keeps no type with the summary, so a text summary (Atom's type=\"text\", JSON Feed's plain-text"
    " summary) and an HTML one (RSS) are one string, shown as HTML: the text's `<img ...>` becomes"
    " markup and `&amp;` an ampersand"
)
SHIFTED = ("quiet-day", "grain-correction", "harbor-strike", "moscow-summit")
EXPECTED = [
    ("reader (Python)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the last dc:creator"),
    ("reader (Python)", "atom", "authors", ("harbor-strike",), "keeps one author of several, the last <author>"),
    ("reader (Python)", "atom", "summary", ("hostile-title",), TYPELESS_SUMMARY),
    ("reader (Python)", "json", "summary", ("hostile-title",), TYPELESS_SUMMARY),
    ("fastfeedparser (Python)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the first"),
    ("fastfeedparser (Python)", "atom", "authors", ("harbor-strike",), "keeps one author of several, the first"),
    ("fastfeedparser (Python)", "json", "authors", ("harbor-strike",), "keeps one author of several, the first"),
    ("fastfeedparser (Python)", "atom", "summary", ("hostile-title",), TYPELESS_SUMMARY),
    ("fastfeedparser (Python)", "json", "summary", ("hostile-title",), TYPELESS_SUMMARY),
    (
        "atoma (Python)",
        "rss",
        "authors",
        EVERY,
        "reads RSS's own <author> (an e-mail address) only, not the Dublin Core dc:creator wirefeed writes",
    ),
    (
        "atoma (Python)",
        "json",
        "authors",
        ("harbor-strike",),
        "reads JSON Feed 1.0's one `author`, not 1.1's `authors`: wirefeed's 1.0 author is the first of several",
    ),
    (
        "ruby-feedparser (Ruby)",
        "rss",
        "title",
        ("hostile-title",),
        "turns every title from HTML into text, though an RSS title is text: `<script>...</script>` goes as markup",
    ),
    (
        "ruby-feedparser (Ruby)",
        "atom",
        "title",
        ("hostile-title",),
        "turns every title from HTML into text, though this Atom title is type=\"text\": `<script>...</script>` goes as markup",
    ),
    ("ruby-feedparser (Ruby)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the first dc:creator"),
    (
        "ruby-feedparser (Ruby)",
        "atom",
        "published",
        ("grain-correction",),
        "dates an Atom 1.0 entry by <updated> before <published>: a corrected article shows its correction time",
    ),
    (
        "XML::Feed (Perl)",
        "rss",
        "summary",
        ("hostile-title",),
        "labels every RSS description text/plain (XML::Feed::Entry::Format::RSS::summary), though it is HTML,"
        " so an application that trusts the label shows its escapes (`AT&amp;T`)",
    ),
    ("XML::Feed (Perl)", "atom", "authors", ("harbor-strike",), "keeps one author of several, the first <author>"),
    ("XML::FeedPP (Perl)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the first dc:creator"),
    (
        "XML::FeedPP (Perl)",
        "atom",
        "authors",
        ("harbor-strike",),
        "`author` dies (\"Not a HASH reference\" at XML/FeedPP.pm line 1978) on an Atom entry with several"
        " <author>: the program catches it and shows none",
    ),
    (
        "XML::FeedPP (Perl)",
        "atom",
        "published",
        ("grain-correction",),
        "`pubDate` of an Atom entry is its <updated> first, by design: a corrected article shows its correction time",
    ),
    ("gofeed (Go)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the first dc:creator"),
    ("gofeed (Go)", "atom", "summary", ("hostile-title",), TYPELESS_SUMMARY),
    ("gofeed (Go)", "json", "summary", ("hostile-title",), TYPELESS_SUMMARY),
    ("ROME (Java)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the first dc:creator"),
    ("rss-parser (JavaScript)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the first dc:creator"),
    ("rss-parser (JavaScript)", "atom", "authors", ("harbor-strike",), "keeps one author of several, the first <author>"),
    ("rss-parser (JavaScript)", "atom", "categories", EVERY, "reads no Atom <category>"),
    ("libmrss (C)", "rss", "authors", ("harbor-strike",), "keeps one author of several, the first dc:creator"),
    ("libmrss (C)", "atom", "authors", ("harbor-strike",), "keeps one author of several, the first <author>"),
    (
        "libmrss (C)",
        "atom",
        "published",
        SHIFTED,
        "its Atom pubDate is the entry's <updated>, rewritten as RFC 822 without its UTC offset"
        " (08:00:00-05:00 becomes 08:00:00 +0000), and always dated a Sunday",
    ),
    ("sfeed", "rss", "authors", ("harbor-strike",), "sfeed(5) has one author field: the first dc:creator"),
    ("sfeed", "atom", "authors", ("harbor-strike",), "sfeed(5) has one author field: the first <author>"),
    ("newsboat", "rss", "authors", ("harbor-strike",), "keeps one author of several, the last dc:creator"),
]

# The duplicate test's steps. After each, a reader must show no item twice and, as new, only
# the added article (all of them at the subscription) and the edited article's new text, unless
# DUPLICATES says otherwise: (reader, step) -> (what it shows, why).
STEPS = ("subscribe", "edit", "retitle", "base-url", "add")
SFEED_KEYS = "sfeed_update merges by id, title and link (`sort -u -k6,6 -k2,2 -k3,3`)"
DUPLICATES = {
    ("sfeed_update", "edit"): (
        "5 items, 0 new, the edit not shown",
        SFEED_KEYS + ", keeping the line it had: an edited text is never shown",
    ),
    ("sfeed_update", "retitle"): (
        "6 items, 1 new, 1 twice, the edit not shown",
        SFEED_KEYS + ": a new headline makes the item new again, beside the old one",
    ),
    ("sfeed_update", "base-url"): (
        "10 items, 4 new, 4 twice",
        SFEED_KEYS + ": a new base-url changes the links built from it (all but the article with a `link:`"
        " field), so those items come again as new, the edited one with its new text beside the old",
    ),
    ("sfeed_update", "add"): (
        "11 items, 1 new, 4 twice",
        "the added article is new; the items doubled before stay doubled",
    ),
}


class Text(html.parser.HTMLParser):
    """The text a browser shows of an HTML fragment: tags dropped, references decoded, and
    nothing of <script> or <style>."""

    BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "hr", "blockquote", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def rendered(fragment):
    parser = Text()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


def collapse(text):
    return " ".join(text.split())


def instant(value):
    """A date as a consumer gives it (RFC 3339, RFC 822, UNIX time), as UTC to the second."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        moment = datetime.datetime.fromtimestamp(int(text), datetime.timezone.utc)
    else:
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = email.utils.parsedate_to_datetime(text)
        if moment.tzinfo is None:
            return moment.strftime("%Y-%m-%dT%H:%M:%S") + " (no zone)"
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


MISSING = "n/a"


def shown(item, fmt):
    """What a reader shows of each field of a consumer's item, or MISSING where the consumer
    has no such field."""
    out = {}
    for field in FIELDS:
        if f"{field}_html" in item:
            value = item[f"{field}_html"]
            out[field] = None if value is None else collapse(rendered(value))
        elif field not in item:
            out[field] = MISSING
        elif field in ("title", "summary", "content"):
            out[field] = None if item[field] is None else collapse(item[field])
        elif field in ("published", "updated"):
            out[field] = instant(item[field])
        elif field in ("authors", "categories") and item[field] is None:
            out[field] = None
        elif field == "authors":
            out[field] = [collapse(name) if isinstance(name, str) else repr(name) for name in item[field]]
        elif field == "categories":
            out[field] = sorted(collapse(name) if isinstance(name, str) else repr(name) for name in item[field])
        else:
            out[field] = item[field]
    return out


def truth(manifest, base_url, fmt):
    """What each article means, as a reader of `fmt` should show it, in feed order."""
    articles = {}
    for article in manifest["article"]:
        articles[article["key"]] = {
            "id": manifest["id-prefix"] + article.get("id", article["key"]),
            "title": article["title"],
            "link": urllib.parse.urljoin(base_url, article["link"]),
            "published": instant(article["published"]),
            "updated": instant(article.get("updated", article["published"])),
            "authors": article["authors"],
            "categories": sorted(article["categories"]),
            "summary": article["summary"],
            "content": collapse(" ".join(article["content"])),
        }
    return articles


def as_written(fmt, path):
    """wirefeed's feed read with the standard library alone, in the consumers' JSON shape."""
    if fmt == "json":
        items = []
        for item in json.loads(pathlib.Path(path).read_text())["items"]:
            items.append(
                {
                    "id": item.get("id"),
                    "title": item.get("title"),
                    "link": item.get("url"),
                    "published": item.get("date_published"),
                    "updated": item.get("date_modified"),
                    "authors": [author["name"] for author in item.get("authors", [])],
                    "categories": item.get("tags", []),
                    "summary": item.get("summary"),
                    "content_html": item.get("content_html"),
                }
            )
        return items
    root = ET.parse(path).getroot()
    if fmt == "rss":
        dc, content = "{http://purl.org/dc/elements/1.1/}", "{http://purl.org/rss/1.0/modules/content/}"
        return [
            {
                "id": item.findtext("guid"),
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "published": item.findtext("pubDate"),
                "updated": None,
                "authors": [creator.text for creator in item.findall(f"{dc}creator")],
                "categories": [category.text for category in item.findall("category")],
                "summary_html": item.findtext("description"),
                "content_html": item.findtext(f"{content}encoded"),
            }
            for item in root.iter("item")
        ]
    items = []
    for entry in root.iter(f"{ATOM}entry"):
        item = {
            "id": entry.findtext(f"{ATOM}id"),
            "link": next(
                (link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"),
                None,
            ),
            "published": entry.findtext(f"{ATOM}published"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "authors": [name.text for name in entry.findall(f"{ATOM}author/{ATOM}name")],
            "categories": [category.get("term") for category in entry.findall(f"{ATOM}category")],
        }
        for name in ("title", "summary", "content"):
            element = entry.find(f"{ATOM}{name}")
            if element is None:
                item[name] = None
            elif element.get("type") == "html":
                item[f"{name}_html"] = element.text or ""
            else:
                item[name] = element.text or ""
        items.append(item)
    return items


def match(items, articles):
    """Pairs each consumer item with its article: by id, else by link, else by title."""
    keys = {}
    for field in ("id", "link", "title"):
        keys[field] = {article[field]: key for key, article in articles.items()}
    pairs, strays = {}, []
    for item in items:
        key = None
        for field in ("id", "link", "title"):
            if item[field] not in (MISSING, None) and item[field] in keys[field]:
                key = keys[field][item[field]]
                break
        if key is None or key in pairs:
            strays.append(item)
        else:
            pairs[key] = item
    return pairs, strays


def one_string(field, value, want):
    """Several authors shown as one string that names them all, as newsboat does, are held."""
    if field != "authors" or not value or len(value) != 1 or len(want) < 2:
        return False
    return value[0] in (", ".join(want), " and ".join(want), ", ".join(want[:-1]) + " and " + want[-1])


def compare(consumer, fmt, items, articles):
    """{field: {article key: (shown, truth)}} for every difference, and problems of whole items."""
    differences, problems = {}, []
    shown_items = [shown(item, fmt) for item in items]
    pairs, strays = match(shown_items, articles)
    for stray in strays:
        problems.append(f"an item that no article is, or an article twice: {stray}")
    for key, article in articles.items():
        if key not in pairs:
            problems.append(f"article {key} is missing")
            continue
        for field in FIELDS:
            value = pairs[key][field]
            if value == MISSING or value == article[field] or one_string(field, value, article[field]):
                continue
            if fmt == "rss" and field == "updated" and value in (None, pairs[key]["published"]):
                # RSS 2.0 has no update time: a consumer may show none, or the publication time.
                continue
            differences.setdefault(field, {})[key] = (value, article[field])
    fields = {field for item in shown_items for field in FIELDS if item[field] != MISSING}
    return differences, problems, fields


# RSS 2.0 has no update time; wirefeed adds `atom:updated` to a corrected item. The consumers
# that show it, as this run found them; the run fails if that changes, so the README stays true.
READS_RSS_ATOM_UPDATED = {
    "SimplePie (PHP)",
    "XML::Feed (Perl)",
    "fastfeedparser (Python)",
    "feedparser (Python)",
    "reader (Python)",
}
RSS_UPDATE_SHOWN = set()


def shows_update(consumer, items, articles):
    """Records `consumer` if it shows a corrected article's update time from its RSS item."""
    pairs, _ = match([shown(item, "rss") for item in items], articles)
    for key, article in articles.items():
        if article["updated"] != article["published"] and key in pairs:
            if pairs[key]["updated"] == article["updated"]:
                RSS_UPDATE_SHOWN.add(consumer)


def checked(consumer, fmt, differences, articles):
    """Sorts the differences of one consumer and format into expected and not, and finds the
    EXPECTED entries that no longer hold. Returns (expected fields, problems)."""
    problems, expected_fields = [], set()
    entries = [entry for entry in EXPECTED if entry[0] == consumer and entry[1] == fmt]
    for field, by_article in sorted(differences.items()):
        entry = next((entry for entry in entries if entry[2] == field), None)
        listed = set(articles) if entry and entry[3] == EVERY else set(entry[3] if entry else ())
        for key, (value, want) in sorted(by_article.items()):
            if key not in listed:
                hint = ""
                if isinstance(value, str) and isinstance(want, str) and "&lt;" in value and "<" in want:
                    hint = " (double-escaped)"
                problems.append(f"{field} of {key}{hint}: shows {value!r}, the article has {want!r}")
        if listed - set(by_article):
            problems.append(
                f"EXPECTED lists {field} of {sorted(listed - set(by_article))} ({entry[4]}), but they are now right: update the table"
            )
        if entry:
            expected_fields.add(field)
    for entry in entries:
        if entry[2] not in differences:
            problems.append(f"EXPECTED lists {entry[2]} of {entry[3]} ({entry[4]}), but it now holds: update the table")
    return expected_fields, problems


def serve(directory):
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    port = re.search(r"port (\d+)", server.stdout.readline()).group(1)
    return server, port


class Site:
    """A copy of the fixture seeds in a temporary directory, built into feeds/ and served."""

    def __init__(self, binary, directory):
        self.binary, self.root = binary, pathlib.Path(directory)
        self.seeds, self.www = self.root / "seeds", self.root / "feeds"
        shutil.copytree(HERE / "seeds", self.seeds)
        self.www.mkdir()
        self.server, self.port = serve(self.www)
        self.base = f"http://127.0.0.1:{self.port}/"
        self.set_base_url(self.base)

    def set_base_url(self, url):
        settings = self.seeds / "feed.toml"
        settings.write_text(re.sub(r'(?m)^base-url = ".*"$', f'base-url = "{url}"', settings.read_text()))

    def url(self, fmt):
        return self.base + FILES[fmt]

    def build(self, *arguments, env=None, check=True):
        return subprocess.run(
            [str(self.binary), "build", "--root", str(self.root), *arguments],
            capture_output=True,
            text=True,
            check=check,
            env={**os.environ, **(env or {})},
        )

    def close(self):
        self.server.terminate()
        self.server.wait()


def wirefeed_binary():
    """Builds the wirefeed binary as CI's `cargo test` did, and returns its path."""
    cargo = os.environ.get("CARGO", "cargo")
    output = subprocess.run(
        [cargo, "build", "--quiet", "-p", "wirefeed", "--bin", "wirefeed", "--message-format=json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in output.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            if message["target"]["name"] == "wirefeed":
                return pathlib.Path(message["executable"])
    raise RuntimeError("cargo built no wirefeed executable")


def prepare(names):
    """Compiles the consumers written in compiled languages into target/consumers/."""
    WORK.mkdir(parents=True, exist_ok=True)
    if "gofeed (Go)" in names:
        env = {**os.environ, "GO111MODULE": "off", "GOPATH": "/usr/share/gocode", "GOCACHE": str(WORK / "gocache")}
        subprocess.run(
            ["go", "build", "-o", str(WORK / "gofeed_items"), str(HERE / "gofeed" / "main.go")], env=env, check=True
        )
    if "ROME (Java)" in names:
        subprocess.run(
            ["javac", "-cp", ROME_CLASSPATH, "-d", str(WORK / "rome"), str(HERE / "rome" / "RomeItems.java")], check=True
        )
    if "libmrss (C)" in names:
        subprocess.run(
            ["gcc", "-O1", "-Wall", "-Werror", "-o", str(WORK / "mrss_items"), str(HERE / "libmrss" / "mrss_items.c"), "-lmrss"],
            check=True,
        )


def run_consumer(consumer, fmt, site):
    path = str(site.www / FILES[fmt])
    if consumer.name == "wirefeed as written":
        return as_written(fmt, path)
    argv = consumer.command(fmt, path, site.url(fmt))
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=300, env={**os.environ, **dict(consumer.env)}
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)["items"]


def matrix(binary, manifest, consumers, report):
    """Runs every consumer on every format it reads; returns the rows of the summary matrix."""
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        site = Site(binary, temporary)
        try:
            site.build()
            jobs = [(consumer, fmt) for consumer in consumers for fmt in consumer.formats]
            with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                futures = {job: pool.submit(run_consumer, job[0], job[1], site) for job in jobs}
            for consumer, fmt in jobs:
                articles = truth(manifest, site.base, fmt)
                try:
                    items = futures[(consumer, fmt)].result()
                except Exception as error:  # A consumer that fails to read the feed is a failure.
                    report(f"{consumer.name} {fmt}", [f"did not read the feed: {error}"])
                    rows.append((consumer.name, fmt, {field: "FAIL" for field in FIELDS}))
                    continue
                differences, problems, fields = compare(consumer.name, fmt, items, articles)
                if fmt == "rss":
                    shows_update(consumer.name, items, articles)
                expected_fields, table_problems = checked(consumer.name, fmt, differences, articles)
                problems += table_problems
                cells = {}
                for field in FIELDS:
                    if field not in fields:
                        cells[field] = "-"
                    elif field in differences and field not in expected_fields:
                        cells[field] = "FAIL"
                    elif field in differences:
                        cells[field] = f"miss {len(differences[field])}"
                    else:
                        cells[field] = "ok"
                rows.append((consumer.name, fmt, cells))
                report(f"{consumer.name} {fmt}", problems)
        finally:
            site.close()
    return rows


class Subscriber:
    """A reader with state kept across fetches: newsboat (its cache), reader (its database) or
    sfeed_update (its TSV file), subscribed to one feed of a Site."""

    def __init__(self, kind, fmt, site, state):
        self.kind, self.fmt, self.site = kind, fmt, site
        self.state = pathlib.Path(state) / f"{kind}-{fmt}"
        self.state.mkdir(parents=True)
        self.name = f"{kind} {fmt}"

    def fetch(self):
        """Fetches; returns [(id, title, link, content, new)] of every item the reader keeps,
        where new means unread (newsboat, reader) or a line that was not there (sfeed), then
        marks every item read."""
        url = self.site.url(self.fmt)
        if self.kind == "sfeed_update":
            return self.sfeed_update(url)
        script = {"newsboat": "newsboat_items.py", "reader": "reader_items.py"}[self.kind]
        option = {"newsboat": "--home", "reader": "--db"}[self.kind]
        target = self.state if self.kind == "newsboat" else self.state / "reader.sqlite"
        result = subprocess.run(
            [sys.executable, str(HERE / script), self.fmt, url, option, str(target), "--mark-read"],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        return [
            (item["id"], item["title"], item["link"], item.get("content_html") or "", item["unread"])
            for item in json.loads(result.stdout)["items"]
        ]

    def sfeed_update(self, url):
        feeds = self.state / "feeds"
        rc = self.state / "sfeedrc"
        rc.write_text(f'sfeedpath="{feeds}"\nfeeds() {{\n\tfeed "wirefeed" "{url}"\n}}\n')
        before = set()
        if (feeds / "wirefeed").exists():
            before = set((feeds / "wirefeed").read_text().splitlines())
        subprocess.run(["sfeed_update", str(rc)], capture_output=True, check=True, timeout=120)
        items = []
        for line in (feeds / "wirefeed").read_text().splitlines():
            fields = line.split("\t") + [""] * 9
            items.append((fields[5], fields[1], fields[2], fields[3].replace("\\n", "\n"), line not in before))
        return items


EDITED = "This paragraph was added in a correction."
ADDED = "late-addition"


def edit_article(site):
    seed = site.seeds / "quiet-day.txt"
    seed.write_text(seed.read_text() + f"\n{EDITED}\n")


RETITLED = "Baltimore dock workers strike"


def retitle_article(site):
    seed = site.seeds / "harbor-strike.txt"
    seed.write_text(f"title: {RETITLED}\n" + seed.read_text())


def change_base_url(site):
    site.set_base_url(f"http://localhost:{site.port}/")


def add_article(site):
    (site.seeds / f"{ADDED}.txt").write_text(
        "date 2024-03-09T09:00:00+00:00\n"
        "VILNIUS, March 9 (Reuters) - A late article arrived after every reader had subscribed, officials said.\n"
    )


def duplicates(binary, report):
    """Subscribes, then edits, changes base-url, adds, and fetches after each step; returns
    {reader: {step: summary}} for the README."""
    outcome = {}
    with tempfile.TemporaryDirectory() as temporary:
        site = Site(binary, pathlib.Path(temporary) / "site")
        try:
            site.build()
            n_articles = len(list(site.seeds.glob("*.txt")))
            subscribers = [
                Subscriber(kind, fmt, site, pathlib.Path(temporary) / "state")
                for kind, formats in (("newsboat", ("rss", "atom")), ("reader", ("rss", "atom", "json")), ("sfeed_update", ("rss", "atom")))
                for fmt in formats
            ]
            seen = {subscriber.name: {} for subscriber in subscribers}
            for step, action in zip(STEPS, (None, edit_article, retitle_article, change_base_url, add_article)):
                if action:
                    action(site)
                    site.build()
                    # newsboat compares Last-Modified to the second.
                    time.sleep(1)
                for subscriber in subscribers:
                    seen[subscriber.name][step] = subscriber.fetch()
            for subscriber in subscribers:
                problems, summary = [], {}
                for step in STEPS:
                    items = seen[subscriber.name][step]
                    new = [title for _, title, _, _, is_new in items if is_new]
                    ids = [item_id for item_id, *_ in items]
                    twice = sorted({item_id for item_id in ids if ids.count(item_id) > 1})
                    edited = any(EDITED in content for _, _, _, content, _ in items)
                    want_items = n_articles + (1 if step == "add" else 0)
                    want_new = {"subscribe": want_items, "add": 1}.get(step, 0)
                    facts = f"{len(items)} items, {len(new)} new" + (f", {len(twice)} twice" if twice else "")
                    if step != "subscribe" and not edited:
                        facts += ", the edit not shown"
                    if step not in ("subscribe", "edit") and RETITLED not in [title for _, title, *_ in items]:
                        facts += ", the new title not shown"
                    summary[step] = facts
                    expected = DUPLICATES.get((subscriber.kind, step))
                    if expected:
                        if expected[0] != facts:
                            problems.append(f"after {step}: {facts}, but DUPLICATES says {expected[0]} ({expected[1]})")
                        continue
                    if twice or len(items) != want_items or len(new) != want_new:
                        problems.append(f"after {step}: {facts}, expected {want_items} items, {want_new} new: new {new}")
                    if step == "add" and new and not new[0].startswith("A late article arrived"):
                        problems.append(f"after {step}: the new item is {new}, not the added article")
                    if step != "subscribe" and not edited:
                        problems.append(f"after {step}: the edited article's new text is not shown")
                    if step not in ("subscribe", "edit") and RETITLED not in [title for _, title, *_ in items]:
                        problems.append(f"after {step}: the retitled article's new title is not shown")
                outcome[subscriber.name] = summary
                report(f"duplicates {subscriber.name}", problems)
                print(f"duplicates {subscriber.name}: " + "; ".join(f"{step}: {summary[step]}" for step in STEPS))
        finally:
            site.close()
    return outcome


LIFECYCLE = HERE / "lifecycle"
# The lifecycle case's clock: before the withdrawal, after it, after the embargo ends at 12:00.
BEFORE, WITHDRAWN, RELEASED = "2024-03-09T00:00:00Z", "2024-03-09T07:00:00Z", "2024-03-09T13:00:00Z"
# How a wirefeed without the feature refuses it: the seed's field, or the option.
UNSUPPORTED = re.compile(r"""unknown field "(status|reason|embargo)"|unexpected argument '--now'""")


# What each stateful reader does with an item it fetched once the article is withdrawn: none
# knows RFC 6721 tombstones, so each keeps it. A change fails the run, to update this and README.
WITHDRAWN_SHOWN = {
    "newsboat atom": "keeps the withdrawn item",
    "newsboat rss": "keeps the withdrawn item",
    "reader atom": "keeps the withdrawn item",
    "reader json": "keeps the withdrawn item",
}


class Unsupported(Exception):
    """The wirefeed being tested knows no withdrawal or embargo yet."""


def build_at(site, now):
    result = site.build("--now", now, check=False)
    if result.returncode != 0 and "--now" in result.stderr:
        seconds = int(datetime.datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp())
        result = site.build(env={"SOURCE_DATE_EPOCH": str(seconds)}, check=False)
    if result.returncode != 0:
        refusal = next((line for line in result.stderr.splitlines() if UNSUPPORTED.search(line)), None)
        if refusal:
            raise Unsupported(refusal.strip())
        raise RuntimeError(f"wirefeed build failed: {result.stderr.strip()}")


def feed_ids(site):
    """{format: [ids]} of the live items of the main feeds, read with the standard library."""
    return {fmt: [item["id"] for item in as_written(fmt, str(site.www / FILES[fmt]))] for fmt in FILES}


def tombstones(site):
    root = ET.parse(site.www / "atom.xml").getroot()
    return [(stone.get("ref"), stone.get("when")) for stone in root.iter(f"{TOMBSTONES}deleted-entry")]


def mentions(site, text):
    """Every file of the built site whose text holds `text`."""
    return sorted(
        str(path.relative_to(site.www))
        for path in site.www.rglob("*")
        if path.is_file() and text in path.read_text(errors="replace")
    )


def lifecycle(binary, consumers, report):
    """A withdrawal and an embargo, read by newsboat, reader and every consumer. Returns what each
    stateful reader did with the withdrawn item, or raises Unsupported."""
    problems, outcome = [], {}
    with tempfile.TemporaryDirectory() as temporary:
        site = Site(binary, pathlib.Path(temporary) / "site")
        try:
            prefix = tomllib.loads((HERE / "expected.toml").read_text())["id-prefix"]
            recall_id, embargoed_id = prefix + "recall", prefix + "embargoed"
            shutil.copy(LIFECYCLE / "recall.txt", site.seeds / "recall.txt")
            shutil.copy(LIFECYCLE / "embargoed.txt", site.seeds / "embargoed.txt")
            embargoed_text = "Quarterly growth figures released at noon"

            # Before the embargo: the article is nowhere, not even in a page.
            build_at(site, BEFORE)
            if mentions(site, embargoed_text) or mentions(site, "embargoed"):
                problems.append(f"before its embargo, the article is in {mentions(site, embargoed_text) + mentions(site, 'embargoed')}")
            subscribers = [
                Subscriber(kind, fmt, site, pathlib.Path(temporary) / "state")
                for kind, fmt in (("newsboat", "atom"), ("newsboat", "rss"), ("reader", "atom"), ("reader", "json"))
            ]
            for subscriber in subscribers:
                ids = [item[0] for item in subscriber.fetch()]
                if recall_id not in ids or embargoed_id in ids:
                    problems.append(f"{subscriber.name} before the withdrawal: {ids}")

            # The withdrawal: out of every feed, a tombstone in Atom.
            shutil.copy(LIFECYCLE / "recall-withdrawn.txt", site.seeds / "recall.txt")
            build_at(site, WITHDRAWN)
            for fmt, ids in feed_ids(site).items():
                if recall_id in ids:
                    problems.append(f"the withdrawn article is still an item of {FILES[fmt]}")
            want = [(recall_id, "2024-03-09T06:00:00+00:00")]
            if [(ref, instant(when)) for ref, when in tombstones(site)] != [(ref, instant(when)) for ref, when in want]:
                problems.append(f"atom.xml's tombstones are {tombstones(site)}, not {want}")
            time.sleep(1)
            for subscriber in subscribers:
                items = subscriber.fetch()
                kept = [item for item in items if item[0] == recall_id]
                outcome[subscriber.name] = "keeps the withdrawn item" if kept else "removes the withdrawn item"
                if outcome[subscriber.name] != WITHDRAWN_SHOWN[subscriber.name]:
                    problems.append(
                        f"{subscriber.name} {outcome[subscriber.name]}, but WITHDRAWN_SHOWN says it"
                        f" {WITHDRAWN_SHOWN[subscriber.name]}: update it and the README"
                    )
            # Every consumer still reads the Atom feed with a tombstone in it, and none shows it.
            for consumer in consumers:
                if "atom" not in consumer.formats or consumer.name == "newsboat":
                    continue
                try:
                    items = run_consumer(consumer, "atom", site)
                except Exception as error:
                    problems.append(f"{consumer.name} cannot read an Atom feed with a tombstone: {error}")
                    continue
                shown_ids = [item.get("id") for item in items]
                if recall_id in shown_ids or len(items) != len(feed_ids(site)["atom"]):
                    problems.append(f"{consumer.name} reads the Atom feed with a tombstone as {shown_ids}")

            # The embargo ends: the article appears, and it alone is new.
            build_at(site, RELEASED)
            for fmt, ids in feed_ids(site).items():
                if embargoed_id not in ids:
                    problems.append(f"after its embargo, the article is not in {FILES[fmt]}")
            time.sleep(1)
            for subscriber in subscribers:
                new = [item[0] for item in subscriber.fetch() if item[4]]
                if new != [embargoed_id]:
                    problems.append(f"{subscriber.name} after the embargo shows as new {new}, not [{embargoed_id}]")
        finally:
            site.close()
    report("withdrawal and embargo", problems)
    return outcome


def print_matrix(rows, versions):
    print()
    print("What each consumer shows of each field of the 5 articles: ok = all held; miss N = N articles")
    print("differ, an expected difference (EXPECTED in tests/consumers/run.py); - = not offered.")
    width = max(len(f"{name} {versions[name]}") for name, _, _ in rows) + 7
    print(f"{'consumer':<{width}}" + "".join(f"{field:>11}" for field in FIELDS))
    for name, fmt, cells in rows:
        label = f"{name} {versions[name]} {fmt}"
        print(f"{label:<{width}}" + "".join(f"{cells[field]:>11}" for field in FIELDS))
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run these consumers only (by name prefix)")
    parser.add_argument("--wirefeed", type=pathlib.Path, help="test this wirefeed binary instead of building one")
    args = parser.parse_args()
    consumers = [
        consumer
        for consumer in CONSUMERS
        if not args.only or any(consumer.name.lower().startswith(prefix.lower()) for prefix in args.only)
    ]
    results = {"passed": 0, "failed": 0, "skipped": 0}

    def report(name, problems):
        if problems:
            results["failed"] += 1
            for problem in problems:
                print(f"FAIL {name}: {problem}")
        else:
            results["passed"] += 1

    started = time.monotonic()
    binary = args.wirefeed.resolve() if args.wirefeed else wirefeed_binary()
    prepare({consumer.name for consumer in consumers})
    manifest = tomllib.loads((HERE / "expected.toml").read_text())
    versions = {consumer.name: consumer.version() for consumer in consumers}
    rows = matrix(binary, manifest, consumers, report)
    print_matrix(rows, versions)
    print(f"RSS atom:updated shown by: {', '.join(sorted(RSS_UPDATE_SHOWN)) or 'none'}")
    if not args.only and RSS_UPDATE_SHOWN != READS_RSS_ATOM_UPDATED:
        report("RSS atom:updated", [f"now shown by {sorted(RSS_UPDATE_SHOWN)}, listed {sorted(READS_RSS_ATOM_UPDATED)}"])
    if not args.only:
        duplicates(binary, report)
    try:
        outcome = lifecycle(binary, consumers, report)
        print("withdrawal: " + "; ".join(f"{name} {what}" for name, what in outcome.items()))
        honoured = sorted(name for name, what in outcome.items() if what != "keeps the withdrawn item")
        print(f"tombstones honoured by: {', '.join(honoured) or 'none'} of {', '.join(outcome)}")
    except Unsupported as error:
        results["skipped"] += 1
        print(f"SKIP: withdrawal/embargo not supported by this wirefeed yet ({error})")
    except Exception as error:  # A broken build or reader is this case's failure, not the run's end.
        report("withdrawal and embargo", [f"{type(error).__name__}: {error}"])
    print(f"consumer matrix: {time.monotonic() - started:.0f} s")
    print(f"{results['passed']} passed, {results['failed']} failed, {results['skipped']} skipped")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
