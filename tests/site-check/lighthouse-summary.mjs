// Reads the Lighthouse reports tests/site-check.sh wrote (REPORT_DIR/lighthouse-PAGE-FORM.json,
// the best of a page's tries, whose performance scores are in lighthouse-PAGE-FORM.tries) and prints the table of scores, then every audit that keeps a
// category below 100: its id, weight, value and the elements, URLs or messages behind it.
// Audits that fail but weigh nothing in the score, or whose category is 100 all the same, are
// listed apart, as hints.
// Writes REPORT_DIR/lighthouse-summary.json. Exits 1 unless every category of every report is 100.
//
// Usage: node lighthouse-summary.mjs REPORT_DIR

import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
// Reports in the order of the checks: index, article, place; mobile, then desktop.
const ORDER = ['index', 'article', 'place'];
const rank = (f) => {
  const [, page, form] = f.match(/^lighthouse-(.+)-(mobile|desktop)\./);
  return [ORDER.indexOf(page) === -1 ? ORDER.length : ORDER.indexOf(page), page, form === 'mobile' ? 0 : 1];
};
function byPage(a, b) {
  const [x, y] = [rank(a), rank(b)];
  return x[0] - y[0] || x[1].localeCompare(y[1]) || x[2] - y[2];
}
const reports = fs
  .readdirSync(dir)
  .filter((f) => /^lighthouse-.+-(mobile|desktop)\.json$/.test(f))
  .sort(byPage)
  .map((f) => {
    const [, page, form] = f.match(/^lighthouse-(.+)-(mobile|desktop)\.json$/);
    const triesFile = path.join(dir, `lighthouse-${page}-${form}.tries`);
    const tries = fs.existsSync(triesFile) ? fs.readFileSync(triesFile, 'utf8').trim().replace(/ /g, ',') : '1';
    return { page, form, tries, report: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) };
  });
// Runs the driver skipped or that wrote no report: failures with their reason.
const skipped = fs
  .readdirSync(dir)
  .filter((f) => /^lighthouse-.+-(mobile|desktop)\.skipped$/.test(f))
  .sort(byPage)
  .map((f) => {
    const [, page, form] = f.match(/^lighthouse-(.+)-(mobile|desktop)\.skipped$/);
    return { page, form, reason: fs.readFileSync(path.join(dir, f), 'utf8').trim() };
  });
if (reports.length === 0 && skipped.length === 0) {
  console.error('no Lighthouse reports in ' + dir);
  process.exit(1);
}

const score = (c) => (c?.score == null ? '  - ' : String(Math.round(c.score * 100)).padStart(4));
const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad('page', 10)}${pad('form', 9)}${CATEGORIES.map((c) => c.padStart(15)).join('')}   tries`);
for (const { page, form, tries, report } of reports) {
  console.log(`${pad(page, 10)}${pad(form, 9)}${CATEGORIES.map((c) => score(report.categories[c]).padStart(15)).join('')}   ${tries}`);
}
for (const { page, form, reason } of skipped) console.log(`${pad(page, 10)}${pad(form, 9)}${reason}`);

function item(i) {
  const parts = [];
  const node = i.node ?? (i.type === 'node' ? i : null);
  if (node) parts.push(node.selector ? `${node.selector}: ${node.snippet ?? ''}` : node.snippet ?? '');
  if (i.source?.type === 'source-location') parts.push(i.source.url);
  if (i.sourceLocation?.url) parts.push(i.sourceLocation.url);
  if (typeof i.url === 'string') parts.push(i.url);
  for (const key of ['description', 'label', 'failureReason', 'explanation', 'message', 'index', 'line', 'wastedMs', 'wastedBytes', 'totalBytes', 'duration', 'score']) {
    if (i[key] != null && typeof i[key] !== 'object') parts.push(`${key}=${String(i[key]).slice(0, 200)}`);
  }
  if (i.subItems?.items?.length) parts.push(`[${i.subItems.items.slice(0, 3).map((s) => item(s)).join(' | ')}]`);
  return parts.filter(Boolean).join(' ').replace(/\s+/g, ' ').slice(0, 400);
}

function describe(audit) {
  const lines = [];
  if (audit.explanation) lines.push(`explanation: ${audit.explanation}`);
  if (audit.errorMessage) lines.push(`error: ${audit.errorMessage}`);
  const details = audit.details ?? {};
  let items = details.items ?? [];
  // Checklists (insights) hold named checks; section lists hold their items one level down.
  if (!Array.isArray(items)) items = Object.entries(items).filter(([, c]) => c && c.value === false).map(([k, c]) => ({ label: `${k}: ${c.label ?? ''}` }));
  if (details.type === 'list') items = items.flatMap((s) => s.items ?? (s.value ? [] : [s]));
  for (const i of items.slice(0, 5)) lines.push(item(i));
  if (items.length > 5) lines.push(`… and ${items.length - 5} more`);
  return lines;
}

let ok = skipped.length === 0;
const summary = [];
for (const { page, form, report } of reports) {
  const failing = [];
  const hints = [];
  // Audits Lighthouse could not run, by their error: one line each, not one per audit.
  const errors = new Map();
  for (const id of CATEGORIES) {
    const category = report.categories[id];
    if (!category || category.score !== 1) ok = false;
    for (const ref of category?.auditRefs ?? []) {
      const audit = report.audits[ref.id];
      if (audit.scoreDisplayMode === 'error') {
        const key = audit.errorMessage ?? 'error';
        errors.set(key, [...(errors.get(key) ?? []), `${id}/${ref.id}`]);
        continue;
      }
      if (audit.score === null || audit.score >= 1 || audit.scoreDisplayMode === 'informative' || audit.scoreDisplayMode === 'notApplicable' || audit.scoreDisplayMode === 'manual') continue;
      const entry = { category: id, id: ref.id, weight: ref.weight, score: audit.score, value: audit.displayValue ?? null, title: audit.title, details: describe(audit) };
      // A weighted audit below 1 fails only where its category is below 100.
      (ref.weight > 0 && category.score !== 1 ? failing : hints).push(entry);
    }
  }
  const unrun = [...errors].map(([message, audits]) => ({ message, audits }));
  summary.push({ page, form, url: report.finalDisplayedUrl ?? report.finalUrl, scores: Object.fromEntries(CATEGORIES.map((c) => [c, report.categories[c]?.score ?? null])), runtimeError: report.runtimeError ?? null, unrun, failing, hints, runWarnings: report.runWarnings });
  if (failing.length === 0 && hints.length === 0 && unrun.length === 0) continue;
  console.log(`\n${page} (${form}) ${report.finalDisplayedUrl ?? ''}`);
  if (report.runtimeError) console.log(`  ERROR ${report.runtimeError.code}: ${report.runtimeError.message}`);
  for (const { message, audits } of unrun) {
    console.log(`  NOT RUN (${audits.length} audits: ${audits.slice(0, 4).join(', ')}${audits.length > 4 ? ', …' : ''}): ${message}`);
  }
  for (const f of failing) {
    console.log(`  FAIL ${f.category}/${f.id} (weight ${f.weight}, score ${f.score}${f.value ? `, ${f.value}` : ''}): ${f.title}`);
    for (const line of f.details) console.log(`         ${line}`);
  }
  for (const h of hints) console.log(`  hint ${h.category}/${h.id} (weight ${h.weight}, score ${h.score}${h.value ? `, ${h.value}` : ''}): ${h.title}`);
}
summary.push(...skipped.map((s) => ({ ...s, scores: null })));
fs.writeFileSync(path.join(dir, 'lighthouse-summary.json'), JSON.stringify(summary, null, 2));
process.exit(ok ? 0 : 1);
