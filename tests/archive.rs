//! Bounded RFC 5005 archives: at 3,000 articles a day no archive page holds more than the bound
//! (counted, and measured on the biggest pages rendered for real), every article is in exactly
//! one archive page, and adding or removing one article rewrites a few archive pages however big
//! the archive is.
//!
//! The sites are planned from `feed::Entry` values, as a build plans them, so a few hundred
//! thousand articles cost no parsing: each entry is one of a few dozen synthetic wire articles of
//! 3–5 KB, parsed once, under its own key and date. The library that renders a page parses the
//! article again under that key and date, and fails if its entry is not the planned one.

use std::{
    collections::{BTreeMap, BTreeSet},
    hash::Hasher,
};

use article::{Article, ArticleKey};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, TimeZone};
use feed::{
    Entry, Library, LibraryError, Settings, Site,
    layout::{ARCHIVE_ARTICLES, ARCHIVE_BYTES, Archive, FileKind, Format, PageKind},
};

/// How many distinct article texts the entries share.
const TEMPLATES: usize = 48;

fn settings() -> Settings {
    Settings::from_toml("item-limit = 50\ndate-offset = \"+03:00\"").unwrap()
}

fn moscow() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).unwrap()
}

/// xorshift64*, as the benchmark corpus uses: the same articles on every machine.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Random {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: [&str; 32] = [
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "continue",
    "on",
    "Monday",
    "prices",
    "rose",
    "in",
    "region",
    "after",
    "officials",
    "met",
    "delegates",
    "of",
    "both",
    "sides",
    "agreed",
    "to",
    "a",
    "ceasefire",
    "AT&T",
    "<draft>",
    "café",
    "Zürich",
    "Минск",
    "переговоры",
    "économie",
    "report",
    "market",
];

/// Template `number`: a wire article without its `date` line, as the fields before it and the
/// copy after it: 3–5 KB of text in 6 to 10 paragraphs and a subheading, with a dateline that
/// names no date (so the text is the same on every day), and tags on some.
fn template(number: usize) -> (String, String) {
    let mut random = Random::new(number as u64 + 1);
    let mut fields = String::new();
    if number.is_multiple_of(3) {
        fields = format!(
            "tags: {}, {}\n",
            random.pick(&["Politics", "Economy", "Экономика"]),
            random.pick(&["Europe", "Asia", "Central Asia"])
        );
    }
    let place = random.pick(&["MINSK", "KYIV", "WASHINGTON", "Paris", "МОСКВА"]);
    let mut text = match random.below(3) {
        0 => format!("{place} (AP) — "),
        1 => format!("{place} (AFP) - "),
        _ => format!("{place} (Reuters) - "),
    };
    let paragraphs = 6 + random.below(5);
    for paragraph in 0..paragraphs {
        if paragraph > 0 {
            text.push_str("\n\n");
        }
        if paragraph == paragraphs / 2 {
            text.push_str("Situation in the region\n\n");
        }
        let words = 60 + random.below(40);
        for word in 0..words {
            if word > 0 {
                text.push(if word % 14 == 0 { '\n' } else { ' ' });
            }
            text.push_str(random.pick(&WORDS));
        }
        text.push('.');
    }
    text.push('\n');
    (fields, text)
}

/// A short article, for pages that reach the bound of articles before the bound of bytes.
const SHORT: usize = TEMPLATES;

/// The wire text of a template dated `published`.
fn wire((fields, copy): &(String, String), published: DateTime<FixedOffset>) -> String {
    format!("{fields}date {}\n{copy}", published.to_rfc3339())
}

fn parse(key: &ArticleKey, wire: &str) -> Article {
    article::parse(key, wire.as_bytes(), &settings().parse_options()).unwrap().article
}

/// Entries of synthetic articles, and the library of their articles.
#[derive(Clone)]
struct Wire {
    /// The templates, then the short article.
    templates: Vec<(String, String)>,
    /// The entry of each template, as parsed under the key `t` on 2000-01-01.
    shapes: Vec<Entry>,
    entries: Vec<Entry>,
    /// The template of each entry.
    of: Vec<usize>,
    next_key: usize,
}

impl Wire {
    fn new() -> Wire {
        let mut templates: Vec<(String, String)> = (0..TEMPLATES).map(template).collect();
        templates.push((String::new(), "MINSK (AP) — Short news, officials said.\n".to_owned()));
        let date = moscow().with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
        let key = ArticleKey::new("t").unwrap();
        let shapes =
            templates.iter().map(|text| Entry::of(&parse(&key, &wire(text, date)))).collect();
        Wire { templates, shapes, entries: Vec::new(), of: Vec::new(), next_key: 0 }
    }

    /// Adds an article of template `template` published at `published`, under a new key.
    fn add_of(&mut self, template: usize, published: DateTime<FixedOffset>) {
        let number = self.next_key;
        self.next_key += 1;
        let shape = &self.shapes[template];
        self.entries.push(Entry::from_parts(
            ArticleKey::new(&format!("a{number:07}")).unwrap(),
            published,
            published,
            shape.place().cloned(),
            shape.tags().into(),
            shape.size(),
        ));
        self.of.push(template);
    }

    /// Adds an article published at `published`, of the next template.
    fn add(&mut self, published: DateTime<FixedOffset>) {
        self.add_of(self.next_key % TEMPLATES, published);
    }

    /// Adds `count` articles evenly over the day `day` starts, in Moscow time, every `odd`th of
    /// them filed in UTC instead (so some fall on the day before in their own offset).
    fn add_day(&mut self, day: NaiveDate, count: usize, odd: usize) {
        let start = at(day, 0, 0, 0);
        for index in 0..count {
            let published = start + TimeDelta::seconds((index * 86_400 / count) as i64);
            if odd > 0 && index % odd == odd - 1 {
                self.add(published.with_timezone(&FixedOffset::east_opt(0).unwrap()));
            } else {
                self.add(published);
            }
        }
    }

    /// The same entries without entry `index`.
    fn without(&self, index: usize) -> Wire {
        let mut wire = self.clone();
        wire.entries.remove(index);
        wire.of.remove(index);
        wire
    }

    /// The same entries and one more, published at `published`.
    fn with(&self, published: DateTime<FixedOffset>) -> Wire {
        let mut wire = self.clone();
        wire.add(published);
        wire
    }
}

impl Library for Wire {
    fn article(&self, index: usize) -> Result<feed::Held<'_>, LibraryError> {
        let entry = &self.entries[index];
        let article = parse(entry.key(), &wire(&self.templates[self.of[index]], entry.published()));
        if Entry::of(&article) != *entry {
            return Err(format!("{}: not the article of its entry", entry.key()).into());
        }
        Ok(feed::Held::Shared(std::sync::Arc::new(article)))
    }
}

/// The archive pages of a site: each one's Atom file, its archive and its entries.
fn archive_pages(site: &Site<'_>) -> Vec<(feed::SiteFile, Archive, Vec<usize>)> {
    site.files()
        .into_iter()
        .filter_map(|file| match site.kind(&file) {
            FileKind::Feed(page @ PageKind::Archive(_), Format::Atom) => {
                let archive = page.as_archive().expect("an archive page's name parses");
                let articles = site.articles_of(&file).into_owned();
                Some((file, archive, articles))
            }
            _ => None,
        })
        .collect()
}

/// The day (or month) an archive page is about, as a pair that orders pages chronologically.
fn order(archive: Archive) -> (NaiveDate, u32) {
    match archive {
        Archive::Month { year, month } => (NaiveDate::from_ymd_opt(year, month, 1).unwrap(), 0),
        Archive::Day(day) => (day, 0),
        Archive::Part(day, part) => (day, part),
    }
}

/// Whether `entry` belongs on the page of `archive`, by its publication date in its own offset.
fn covers(archive: Archive, entry: &Entry) -> bool {
    let date = entry.published().date_naive();
    match archive {
        Archive::Month { year, month } => (date.year(), date.month()) == (year, month),
        Archive::Day(day) | Archive::Part(day, _) => date == day,
    }
}

/// Every entry is on exactly one archive page, the page of its date; pages are newest first,
/// ties by key; a split month has no month page and a split day no day page; parts are numbered
/// from 1 without gaps, oldest first.
fn assert_partition(wire: &Wire, site: &Site<'_>) -> Vec<(Archive, Vec<usize>)> {
    let mut pages: Vec<(Archive, Vec<usize>)> =
        archive_pages(site).into_iter().map(|(_, archive, articles)| (archive, articles)).collect();
    pages.sort_by_key(|(archive, _)| order(*archive));
    let mut seen = vec![0u32; wire.entries.len()];
    for (archive, articles) in &pages {
        assert!(!articles.is_empty(), "{}", archive.name());
        assert!(articles.len() <= ARCHIVE_ARTICLES, "{}: {}", archive.name(), articles.len());
        for pair in articles.windows(2) {
            let (a, b) = (&wire.entries[pair[0]], &wire.entries[pair[1]]);
            assert!((b.published(), a.key()) < (a.published(), b.key()), "{}", archive.name());
        }
        for &index in articles {
            seen[index] += 1;
            assert!(covers(*archive, &wire.entries[index]), "{}", archive.name());
        }
    }
    assert!(seen.iter().all(|&count| count == 1), "every entry on exactly one archive page");
    let names: BTreeSet<String> = pages.iter().map(|(archive, _)| archive.name()).collect();
    for (archive, articles) in &pages {
        match *archive {
            Archive::Month { .. } => {}
            Archive::Day(day) => {
                assert!(
                    !names
                        .contains(&Archive::Month { year: day.year(), month: day.month() }.name())
                );
            }
            Archive::Part(day, part) => {
                assert!(!names.contains(&Archive::Day(day).name()));
                assert!(
                    !names
                        .contains(&Archive::Month { year: day.year(), month: day.month() }.name())
                );
                if part > 1 {
                    let earlier =
                        pages.iter().find(|(other, _)| *other == Archive::Part(day, part - 1));
                    let (_, earlier) = earlier.expect("parts are numbered without gaps");
                    let newest_before = &wire.entries[earlier[0]];
                    let oldest = &wire.entries[*articles.last().unwrap()];
                    assert!(newest_before.published() <= oldest.published(), "{}", archive.name());
                }
            }
        }
    }
    pages
}

/// What every archive page's files depend on, by the page's name.
fn fingerprints(site: &Site<'_>) -> BTreeMap<String, u64> {
    archive_pages(site)
        .into_iter()
        .map(|(file, archive, _)| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            site.dependencies(&file, &mut hasher);
            (archive.name(), hasher.finish())
        })
        .collect()
}

/// The archive pages that a build rewrites, adds or deletes going from `before` to `after`.
fn changed(before: &Wire, after: &Wire) -> Vec<String> {
    let settings = settings();
    let before = fingerprints(&Site::new(&settings, &before.entries));
    let site = Site::new(&settings, &after.entries);
    assert_partition(after, &site);
    let after = fingerprints(&site);
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names.into_iter().filter(|name| before.get(*name) != after.get(*name)).cloned().collect()
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn at(day: NaiveDate, hour: u32, minute: u32, second: u32) -> DateTime<FixedOffset> {
    moscow().from_local_datetime(&day.and_hms_opt(hour, minute, second).unwrap()).unwrap()
}

#[test]
fn archive_pages_stay_within_the_bound_at_3000_articles_a_day() {
    let mut wire = Wire::new();
    let average = wire.shapes[..TEMPLATES].iter().map(|shape| u64::from(shape.size())).sum::<u64>()
        / TEMPLATES as u64;
    assert!((3_000..5_000).contains(&average), "articles of 3–5 KB, not {average} bytes");
    let mut date = day(2022, 1, 1);
    while date < day(2022, 4, 1) {
        wire.add_day(date, 3_000, 10);
        date = date.succ_opt().unwrap();
    }
    let settings = settings();
    let site = Site::new(&settings, &wire.entries);
    let pages = assert_partition(&wire, &site);

    // Every month and every day is split, but for the articles filed in UTC before midnight of
    // 2022-01-01 (one in ten of the first three hours' 375); a day's parts are each nearly full
    // but its last.
    let (parts, others): (Vec<_>, Vec<_>) =
        pages.iter().partition(|(archive, _)| matches!(archive, Archive::Part(..)));
    assert_eq!(
        others.iter().map(|(archive, articles)| (*archive, articles.len())).collect::<Vec<_>>(),
        [(Archive::Month { year: 2021, month: 12 }, 375 / 10)]
    );
    let days: BTreeSet<NaiveDate> = parts.iter().map(|(archive, _)| order(*archive).0).collect();
    assert_eq!(days.len(), 90);
    for (index, (archive, articles)) in pages.iter().enumerate() {
        let last_of_day =
            pages.get(index + 1).is_none_or(|(next, _)| order(*next).0 != order(*archive).0);
        if !last_of_day {
            assert!(
                articles.len() > ARCHIVE_ARTICLES * 8 / 10,
                "{}: {}",
                archive.name(),
                articles.len()
            );
        }
        // The text alone takes less than half the bound: the rest is room for the markup.
        let text: u64 = articles.iter().map(|&index| u64::from(wire.entries[index].size())).sum();
        assert!(text <= ARCHIVE_BYTES / 2, "{}: {text} bytes of text", archive.name());
    }

    // The biggest pages, by text and by articles, rendered for real in both formats.
    let mut biggest: Vec<(u64, usize)> = pages
        .iter()
        .enumerate()
        .map(|(index, (_, articles))| {
            (articles.iter().map(|&entry| u64::from(wire.entries[entry].size())).sum(), index)
        })
        .collect();
    biggest.sort();
    let most = pages.iter().enumerate().max_by_key(|(_, (_, articles))| articles.len()).unwrap().0;
    let chosen = BTreeSet::from([biggest.last().unwrap().1, most]);
    let files = site.files();
    for index in chosen {
        let (archive, articles) = &pages[index];
        for format in Format::ALL {
            let path = FileKind::Feed(PageKind::archive(*archive), format).path();
            let file = files.iter().find(|file| file.path() == path).unwrap();
            let mut bytes = Vec::new();
            site.write(file, &wire, &mut bytes).unwrap();
            assert!(bytes.len() as u64 <= ARCHIVE_BYTES, "{path}: {} bytes", bytes.len());
            // Not a vacuous bound: the page is a sizeable share of it.
            assert!(bytes.len() as u64 > ARCHIVE_BYTES / 4, "{path}: {} bytes", bytes.len());
            let text = std::str::from_utf8(&bytes).unwrap();
            let document = roxmltree::Document::parse(text).unwrap();
            let items = document
                .descendants()
                .filter(|node| matches!(node.tag_name().name(), "entry" | "item"))
                .count();
            assert_eq!(items, articles.len(), "{path}");
        }
    }
}

/// Quiet December 2021 at the bound (1,000 short articles), quiet January, and a February of two
/// busy days, two quiet days and a busy last day.
fn busy_site() -> Wire {
    let mut wire = Wire::new();
    for index in 0..ARCHIVE_ARTICLES as u32 {
        wire.add_of(SHORT, at(day(2021, 12, 1 + index % 31), 1 + index / 31 % 20, index % 60, 0));
    }
    for index in 0..60u32 {
        wire.add(at(day(2022, 1, 1 + index / 2), 8 + index % 2, 0, 0));
    }
    for (date, count) in [(1, 3_000), (2, 3_000), (3, 100), (4, 100), (5, 3_000)] {
        wire.add_day(day(2022, 2, date), count, 0);
    }
    wire
}

#[test]
fn adding_or_removing_an_article_rewrites_a_few_archive_pages() {
    let before = busy_site();
    let settings = settings();
    let site = Site::new(&settings, &before.entries);
    let pages = assert_partition(&before, &site);
    let parts = |date: NaiveDate| {
        pages
            .iter()
            .filter(|(archive, _)| matches!(archive, Archive::Part(day, _) if *day == date))
            .count()
    };
    assert_eq!(
        pages.iter().filter(|(archive, _)| matches!(archive, Archive::Month { .. })).count(),
        2
    );
    assert!(parts(day(2022, 2, 1)) >= 3, "a busy day has parts");
    assert!(pages.iter().any(|(archive, _)| *archive == Archive::Day(day(2022, 2, 3))));
    drop(site);

    let feb = |date| day(2022, 2, date);
    // The newest article, at the end of the busy last day: its last part, or a new part and the
    // link of the one before.
    let newest = changed(&before, &before.with(at(feb(5), 23, 59, 59)));
    assert!(!newest.is_empty() && newest.len() <= 2, "{newest:?}");
    assert!(newest.iter().all(|name| name.starts_with("2022-02-05.")), "{newest:?}");

    // Back-dated to the start of a busy day: that day's parts shift, and a new last part links
    // to the next day.
    let busy = changed(&before, &before.with(at(feb(1), 0, 0, 0)));
    assert!(busy.len() <= parts(feb(1)) + 2, "{busy:?}");
    assert!(
        busy.iter().all(|name| name.starts_with("2022-02-01.") || name.starts_with("2022-02-02.1")),
        "{busy:?}"
    );

    // Back-dated to a quiet day of a split month, to a quiet month, to a month of its own.
    assert_eq!(changed(&before, &before.with(at(feb(3), 12, 0, 0))), ["2022-02-03"]);
    assert_eq!(changed(&before, &before.with(at(day(2022, 1, 20), 12, 0, 0))), ["2022-01"]);
    assert_eq!(
        changed(&before, &before.with(at(day(2021, 11, 5), 12, 0, 0))),
        ["2021-11", "2021-12"]
    );

    // Removed: the newest, one from the middle of a busy day, one of a quiet month.
    let newest =
        before.entries.iter().enumerate().max_by_key(|(_, entry)| entry.published()).unwrap().0;
    let removed = changed(&before, &before.without(newest));
    assert!(!removed.is_empty() && removed.len() <= 2, "{removed:?}");
    let middle =
        before.entries.iter().position(|entry| entry.published() == at(feb(2), 12, 0, 0)).unwrap();
    let removed = changed(&before, &before.without(middle));
    assert!(removed.len() <= parts(feb(2)) + 2, "{removed:?}");
    assert!(
        removed
            .iter()
            .all(|name| name.starts_with("2022-02-02.") || name.starts_with("2022-02-03")),
        "{removed:?}"
    );
    let quiet = before.entries.iter().position(|entry| entry.published().month() == 1).unwrap();
    assert_eq!(changed(&before, &before.without(quiet)), ["2022-01"]);

    // A month at the bound that goes over it is split into days: its page goes, a page per day
    // comes, and the next page's link changes — at most 33 pages, whatever the archive's size.
    let split = changed(&before, &before.with(at(day(2021, 12, 31), 23, 0, 0)));
    assert!(split.len() <= 33, "{split:?}");
    assert!(split.contains(&"2021-12".to_owned()) && split.contains(&"2021-12-31".to_owned()));
    assert!(split.iter().all(|name| name.starts_with("2021-12") || name == "2022-01"), "{split:?}");
}

#[test]
fn every_planned_archive_file_parses_back_to_its_kind() {
    let wire = busy_site();
    let settings = settings();
    let site = Site::new(&settings, &wire.entries);
    let mut kinds = BTreeSet::new();
    for file in site.files() {
        let kind = site.kind(&file);
        assert_eq!(FileKind::parse(file.path()), Some(kind.clone()), "{}", file.path());
        assert!(feed::is_generated(file.path()));
        if let FileKind::Html(PageKind::Archive(name)) = kind {
            kinds.insert(match Archive::parse(&name).unwrap() {
                Archive::Month { .. } => "month",
                Archive::Day(_) => "day",
                Archive::Part(..) => "part",
            });
        }
    }
    assert_eq!(kinds, BTreeSet::from(["day", "month", "part"]));
    for path in [
        "archive/2022-13-01.atom.xml",
        "archive/2022-13.html",
        "archive/2022-02-30.rss.xml",
        "archive/2022-01-10.0.atom.xml",
        "archive/2022-01-10.01.html",
        "archive/2022-01-10.x.html",
        "archive/2022-01.1.atom.xml",
    ] {
        assert!(!feed::is_generated(path), "{path}");
    }
}
