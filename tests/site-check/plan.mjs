// Chooses what tests/site-check.sh checks on a built site, from its files, and prints it as JSON:
// - pages: the index, the newest article (the first the index links to) and the place page that
//   article links to (its dateline's place);
// - jsonld: the article pages whose JSON-LD is checked: the newest article, the search's article
//   (a "Report N on "…" & more" headline has quotes, & and maybe <draft>, which JSON-LD must
//   escape) and the first article in another language;
// - search: a word of one article's headline that is on as few article pages as possible (a
//   number or word found on that page alone), and that article.
//
// Usage: node plan.mjs SITE_DIR BASE_URL

import fs from 'node:fs';
import path from 'node:path';

const [site, base] = process.argv.slice(2);
const read = (file) => fs.readFileSync(path.join(site, file), 'utf8');
const decode = (s) =>
  s
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
const words = (text) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

const index = read('index.html');
const article = index.match(/href="(?:\.\/)?(articles\/[^"#]+\.html)"/)?.[1];
if (!article) throw new Error('index.html links to no article page');
const place = read(article).match(/href="(?:\.\.\/)(places\/[^"#]+\.html)"/)?.[1];
if (!place) throw new Error(`${article} links to no place page`);

// Every article page: its <h1>, its <html lang> and the words of its <main>.
const files = fs.readdirSync(path.join(site, 'articles')).filter((f) => f.endsWith('.html')).sort();
const pages = [];
const frequency = new Map();
for (const name of files) {
  const html = read(`articles/${name}`);
  const h1 = decode(html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/)?.[1] ?? '').trim();
  const lang = html.match(/<article[^>]*\blang="([^"]*)"/)?.[1] ?? html.match(/<html[^>]*\blang="([^"]*)"/)?.[1] ?? '';
  const main = html.match(/<main[\s\S]*<\/main>/)?.[0] ?? html;
  for (const word of new Set(words(decode(main)))) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  pages.push({ file: `articles/${name}`, h1, lang });
}
let search = null;
for (const page of pages) {
  for (const word of words(page.h1)) {
    if (word.length < 3) continue;
    const count = frequency.get(word);
    if (!search || count < search.count) search = { query: word, expect: page.file, headline: page.h1, count };
  }
}
const foreign = pages.find((p) => p.lang && p.lang !== pages.find((q) => q.file === article)?.lang);
const jsonld = [...new Set([article, search?.expect, foreign?.file].filter(Boolean))];

console.log(JSON.stringify({ base, pages: { index: 'index.html', article, place }, jsonld, search, articles: files.length }, null, 2));
