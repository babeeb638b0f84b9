// The checks of tests/site-check.sh that need a browser but not Lighthouse, in Debian's chromium
// driven by puppeteer-core:
// - axe-core, injected into each page and run with its default rules (WCAG 2.x A and AA and the
//   best practices), at a phone viewport and a desktop one: every violation is a failure;
// - JSON-LD: every <script type="application/ld+json"> of the article pages parses as JSON and is
//   a schema.org NewsArticle with headline, datePublished, dateModified, author, publisher (an
//   Organization with a name), locationCreated, inLanguage and mainEntityOfPage, agreeing with
//   what the page shows (<h1>, <time datetime>, the agency's name, the article's lang, the
//   canonical link); a page without such a block fails;
// - search: search.html, the query typed into the search box (search/init.js), shows the expected article's link.
//
// Usage: node browser-checks.mjs PLAN.json OUT_DIR
//   PLAN.json: {"base": "http://127.0.0.1:PORT/", "pages": {"index": "index.html", ...},
//               "jsonld": ["articles/a.html", ...], "search": {"query": "…", "expect": "articles/a.html"}}
// Writes OUT_DIR/axe-NAME-FORM.json and OUT_DIR/browser-checks.json; prints one line per check
// and the details of every failure; exits 1 when any check fails.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const [planFile, outDir] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
fs.mkdirSync(outDir, { recursive: true });

// Lighthouse's own emulation of its two form factors, so axe sees the layouts Lighthouse scores.
const AXE_SECONDS = 60;
const FORMS = {
  mobile: { width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true },
  desktop: { width: 1350, height: 940, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
};

const results = [];
function record(check, page, ok, details = []) {
  results.push({ check, page, ok, details });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${check} ${page}`);
  for (const line of details) console.log(`       ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  protocolTimeout: 120_000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});

// A fresh page without cache. bypassCSP is for axe alone: injecting its script needs it under the
// server's Content-Security-Policy; the other checks see the page as a reader's browser does.
async function open(url, form = FORMS.desktop, { bypassCSP = false, log = null } = {}) {
  const page = await browser.newPage();
  await page.setCacheEnabled(false);
  await page.setBypassCSP(bypassCSP);
  await page.setViewport(form);
  if (log) {
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') log.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => log.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => log.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => { if (r.status() >= 400) log.push(`HTTP ${r.status()}: ${r.url()}`); });
  }
  const response = await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  if (!response || !response.ok()) {
    throw new Error(`${url}: HTTP ${response ? response.status() : 'no response'}`);
  }
  return page;
}

// --- axe-core
async function axe(name, file) {
  let timedOut = null;
  for (const [formName, form] of Object.entries(FORMS)) {
    const label = `${name} (${formName})`;
    if (timedOut) {
      record('axe', label, false, [`not run: ${timedOut} at the other viewport`]);
      continue;
    }
    let page;
    let elements = '?';
    try {
      page = await open(plan.base + file, form, { bypassCSP: true });
      await page.addScriptTag({ path: AXE });
      elements = await page.evaluate(() => document.getElementsByTagName('*').length);
      // A page axe cannot check in AXE_SECONDS fails: CI has minutes, not hours.
      const result = await Promise.race([
        page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`axe did not finish within ${AXE_SECONDS} s (${elements} elements in the page)`)), AXE_SECONDS * 1000)),
      ]);
      fs.writeFileSync(path.join(outDir, `axe-${name}-${formName}.json`), JSON.stringify(result, null, 2));
      const details = [];
      for (const v of result.violations) {
        details.push(`${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element(s)): ${v.helpUrl}`);
        for (const node of v.nodes.slice(0, 3)) {
          details.push(`    ${node.target.join(' ')}: ${node.failureSummary.replace(/\s+/g, ' ').slice(0, 300)}`);
        }
      }
      record('axe', label, result.violations.length === 0, details);
    } catch (error) {
      if (String(error).includes('did not finish')) timedOut = error.message;
      record('axe', label, false, [String(error)]);
    } finally {
      await page?.close().catch(() => {});
    }
  }
}

// --- JSON-LD
const TYPE_OF = (node) => [].concat(node?.['@type'] ?? []);
const ORGANIZATIONS = ['Organization', 'NewsMediaOrganization', 'Corporation', 'NGO'];
const isDate = (value) => typeof value === 'string' && /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/.test(value) && !Number.isNaN(Date.parse(value));
const named = (node) => node && typeof node === 'object' && typeof node.name === 'string' && node.name.trim() !== '';

async function jsonLd(file) {
  let page;
  try {
    page = await open(plan.base + file);
    const seen = await page.evaluate(() => ({
      blocks: [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => s.textContent),
      h1: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
      // The article's language: its <article lang> (an article in another language than the
      // site's), else <html lang>.
      lang: document.querySelector('main article[lang]')?.lang || document.documentElement.lang,
      canonical: document.querySelector('link[rel="canonical"]')?.href ?? null,
      time: document.querySelector('article time[datetime], main time[datetime]')?.getAttribute('datetime') ?? null,
      text: document.body.innerText,
    }));
    const problems = [];
    if (seen.blocks.length === 0) problems.push('no <script type="application/ld+json"> on the page');
    seen.blocks.forEach((text, i) => {
      const at = `block ${i + 1}`;
      let data;
      try {
        data = JSON.parse(text);
      } catch (error) {
        problems.push(`${at}: not JSON: ${error.message}`);
        return;
      }
      if (Array.isArray(data) || typeof data !== 'object' || data === null) {
        problems.push(`${at}: not one JSON object`);
        return;
      }
      if (!/^https?:\/\/schema\.org\/?$/.test(data['@context'] ?? '')) problems.push(`${at}: @context is ${JSON.stringify(data['@context'])}, not https://schema.org`);
      if (!TYPE_OF(data).includes('NewsArticle')) problems.push(`${at}: @type is ${JSON.stringify(data['@type'])}, not NewsArticle`);
      // headline: the page's <h1>.
      if (typeof data.headline !== 'string' || data.headline.trim() === '') problems.push(`${at}: no headline`);
      else if (!seen.h1.includes(data.headline)) problems.push(`${at}: headline ${JSON.stringify(data.headline)} is not the page's <h1> ${JSON.stringify(seen.h1)}`);
      // datePublished and dateModified: ISO 8601 with a time and offset; datePublished is the
      // page's <time datetime>, dateModified is not before it.
      for (const key of ['datePublished', 'dateModified']) {
        if (!isDate(data[key])) problems.push(`${at}: ${key} is ${JSON.stringify(data[key])}, not an ISO 8601 date`);
      }
      // A page that shows a day alone (the copy gave no time) has <time datetime="YYYY-MM-DD">:
      // datePublished is then that day in its own offset.
      const sameDay = (instant, day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && instant.slice(0, 10) === day;
      if (isDate(data.datePublished) && seen.time && Date.parse(data.datePublished) !== Date.parse(seen.time) &&
          !sameDay(data.datePublished, seen.time)) {
        problems.push(`${at}: datePublished ${data.datePublished} is not the page's <time datetime="${seen.time}">`);
      }
      if (isDate(data.datePublished) && isDate(data.dateModified) && Date.parse(data.dateModified) < Date.parse(data.datePublished)) {
        problems.push(`${at}: dateModified ${data.dateModified} is before datePublished ${data.datePublished}`);
      }
      // author: a Person or Organization (or several), each with a name.
      const authors = [].concat(data.author ?? []);
      if (authors.length === 0) problems.push(`${at}: no author`);
      for (const author of authors) {
        if (!named(author) || !TYPE_OF(author).some((t) => t === 'Person' || ORGANIZATIONS.includes(t))) {
          problems.push(`${at}: author ${JSON.stringify(author)} is not a Person or Organization with a name`);
        }
      }
      // publisher: the agency, an Organization with a name that the page shows.
      const publisher = data.publisher;
      if (!named(publisher) || !TYPE_OF(publisher).some((t) => ORGANIZATIONS.includes(t))) {
        problems.push(`${at}: publisher ${JSON.stringify(publisher)} is not an Organization with a name`);
      } else if (!seen.text.includes(publisher.name)) {
        problems.push(`${at}: publisher ${JSON.stringify(publisher.name)} is not named on the page`);
      }
      // locationCreated: the dateline's place, a Place with a name.
      const location = data.locationCreated;
      if (!named(location) || TYPE_OF(location).length === 0) {
        problems.push(`${at}: locationCreated ${JSON.stringify(location)} is not a Place with a name`);
      } else if (!seen.text.toLowerCase().includes(location.name.toLowerCase())) {
        problems.push(`${at}: locationCreated ${JSON.stringify(location.name)} is not on the page`);
      }
      // inLanguage: the page's lang.
      if (typeof data.inLanguage !== 'string' || data.inLanguage === '') problems.push(`${at}: no inLanguage`);
      else if (data.inLanguage.toLowerCase() !== seen.lang.toLowerCase()) problems.push(`${at}: inLanguage ${data.inLanguage} is not the article's language, ${seen.lang}`);
      // mainEntityOfPage: the page's canonical URL, or a WebPage whose @id it is.
      const entity = data.mainEntityOfPage;
      const entityUrl = typeof entity === 'string' ? entity : entity?.['@id'] ?? entity?.url;
      if (typeof entityUrl !== 'string' || entityUrl === '') problems.push(`${at}: mainEntityOfPage ${JSON.stringify(entity)} is not a URL or a WebPage with an @id`);
      else if (seen.canonical && entityUrl !== seen.canonical) problems.push(`${at}: mainEntityOfPage ${entityUrl} is not the canonical URL ${seen.canonical}`);
    });
    fs.writeFileSync(path.join(outDir, `jsonld-${path.basename(file, '.html')}.json`), JSON.stringify(seen.blocks, null, 2));
    record('json-ld', file, problems.length === 0, problems);
  } catch (error) {
    record('json-ld', file, false, [String(error)]);
  } finally {
    await page?.close();
  }
}

// --- search
async function search({ query, expect, headline }) {
  const label = `search.html: "${query}" finds ${expect}`;
  let page;
  const log = [];
  try {
    page = await open(plan.base + 'search.html', FORMS.desktop, { log });
    const input = await page.waitForSelector('input.search-input', { timeout: 15_000 }).catch(() => null);
    if (!input) {
      const html = await page.evaluate(() => document.documentElement.outerHTML.slice(0, 600));
      throw new Error(`no input.search-input on search.html within 15 s; the page begins: ${html.replace(/\s+/g, ' ')}`);
    }
    await input.type(query, { delay: 20 });
    const want = new URL(expect, plan.base).href;
    const found = await page
      .waitForFunction(
        (href) => [...document.querySelectorAll('ol.search-results a')].some((a) => a.href === href || a.href.replace(/\.html$/, '') === href.replace(/\.html$/, '')),
        { timeout: 20_000 },
        want,
      )
      .then(() => true)
      .catch(() => false);
    const shown = await page.evaluate(() => [...document.querySelectorAll('ol.search-results a')].map((a) => `${a.textContent.trim()} <${a.href}>`));
    await page.screenshot({ path: path.join(outDir, 'search.png'), fullPage: true });
    record('search', label, found, found ? [] : [`expected ol.search-results a to ${want} ("${headline}")`, `results shown: ${shown.length ? shown.slice(0, 10).join('; ') : 'none'}`, ...log]);
  } catch (error) {
    record('search', label, false, [String(error), ...log]);
  } finally {
    await page?.close();
  }
}

try {
  for (const [name, file] of Object.entries(plan.pages)) await axe(name, file);
  for (const file of plan.jsonld) await jsonLd(file);
  if (plan.search) await search(plan.search);
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(outDir, 'browser-checks.json'), JSON.stringify(results, null, 2));
process.exit(results.every((r) => r.ok) ? 0 : 1);
