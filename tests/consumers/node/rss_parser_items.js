// rss-parser (npm): prints what it reads of each item of a feed file, as JSON (see run.py).
// Usage: node rss_parser_items.js FORMAT FILE. It maps RSS and Atom onto one item: `title` is
// text, `content` is HTML (content:encoded, Atom's content) and `contentSnippet` its text,
// `summary` Atom's summary, `creator` the first dc:creator or Atom author, `isoDate` the date.
"use strict";
const fs = require("fs");
const Parser = require("rss-parser");

async function main() {
  const [format, path] = process.argv.slice(2);
  const feed = await new Parser().parseString(fs.readFileSync(path, "utf8"));
  const items = feed.items.map((item) => {
    const out = {
      id: item.guid ?? item.id ?? null,
      title: item.title ?? null,
      link: item.link ?? null,
      published: item.isoDate ?? null,
      // One author, a string.
      authors: item.creator ? [item.creator] : item.author ? [item.author] : [],
      categories: (item.categories ?? []).map((category) => (typeof category === "string" ? category : category.$?.term ?? category._)),
      content_html: item["content:encoded"] ?? item.content ?? null,
    };
    if (format === "rss") {
      out.summary_html = item.content ?? null;
    } else {
      out.summary = item.summary ?? null;
    }
    return out;
  });
  console.log(JSON.stringify({ items }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
