// feedsmith (npm): prints what it reads of each item of a feed file, as JSON (see run.py).
// Usage: node feedsmith_items.js FORMAT FILE. feedsmith keeps each format's own model (RSS,
// Atom with typed text constructs, JSON Feed), with dates as the strings the feed holds.
"use strict";
const fs = require("fs");
const { parseFeed } = require("feedsmith");

function construct(out, name, value) {
  if (value === undefined || value === null) {
    out[name] = null;
  } else if (value.type === "html" || value.type === "xhtml") {
    out[`${name}_html`] = value.value;
  } else {
    out[name] = value.value;
  }
}

function rss(item) {
  return {
    id: item.guid?.value ?? null,
    title: item.title ?? null,
    link: item.link ?? null,
    published: item.pubDate ?? null,
    updated: null,
    authors: item.dc?.creators ?? (item.authors ?? []),
    categories: (item.categories ?? []).map((category) => category.name),
    summary_html: item.description ?? null,
    content_html: item.content?.encoded ?? null,
  };
}

function atom(entry) {
  const link = (entry.links ?? []).find((candidate) => !candidate.rel || candidate.rel === "alternate");
  const out = {
    id: entry.id ?? null,
    link: link?.href ?? null,
    published: entry.published ?? null,
    updated: entry.updated ?? null,
    authors: (entry.authors ?? []).map((author) => author.name),
    categories: (entry.categories ?? []).map((category) => category.term),
  };
  construct(out, "title", entry.title);
  construct(out, "summary", entry.summary);
  construct(out, "content", entry.content);
  return out;
}

function json(item) {
  return {
    id: item.id ?? null,
    title: item.title ?? null,
    link: item.url ?? null,
    published: item.date_published ?? null,
    updated: item.date_modified ?? null,
    authors: (item.authors ?? (item.author ? [item.author] : [])).map((author) => author.name),
    categories: item.tags ?? [],
    summary: item.summary ?? null,
    content_html: item.content_html ?? null,
  };
}

const [format, path] = process.argv.slice(2);
const { format: found, feed } = parseFeed(fs.readFileSync(path, "utf8"));
const items = found === "atom" ? feed.entries.map(atom) : found === "json" ? feed.items.map(json) : feed.items.map(rss);
console.log(JSON.stringify({ items }));
