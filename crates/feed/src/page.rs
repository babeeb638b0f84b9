//! Feed pages: which feeds the site has, which articles each holds, and how they link.
//!
//! A page is format-neutral: `atom1` and `rss2` render the same page as Atom and RSS, so the
//! twins always hold the same articles and links. The pages are:
//! - the main feed (`atom.xml`, `rss.xml`): the newest articles, up to the item limit, with a
//!   `prev-archive` link to the newest archive page;
//! - the RFC 5005 "Archived Feeds" (`archive/*`): every article is in exactly one archive page,
//!   marked `fh:archive`, linked to its neighbours with `prev-archive` / `next-archive` and to the
//!   main feed with `current`;
//! - one feed per place and per tag (`places/<slug>.*`, `tags/<slug>.*`), newest first, up to
//!   the item limit.
//!
//! An archive page is bounded: at most [`ARCHIVE_ARTICLES`] articles, and at most
//! [`ARCHIVE_BYTES`] in either format as estimated from its articles' sizes. A month within the
//! bound is one page (`archive/2022-01`); a month over it has a page per day
//! (`archive/2022-01-10`), and a day over it is cut into parts of consecutive articles, oldest
//! first, each filled up to the bound before the next begins (`archive/2022-01-10.1`, `.2`, ...).
//! Whether a month or a day is split depends only on its own articles, and the parts only on
//! their day's, so adding, editing or removing an article changes the pages of its month only,
//! or of its day only when the month is split: one page, or one day's parts (only the last when
//! the article is the day's newest), or, when a month crosses the bound, its month page and its
//! day pages (at most 31). When a page appears or goes, its two neighbours' links change too.
//!
//! A page holds nothing that depends on articles outside it, except its links to neighbouring
//! archive pages, so editing an article rewrites only the pages it appears on.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta};

use crate::{
    Entry, Settings,
    layout::{self, ARCHIVE_ARTICLES, ARCHIVE_BYTES, Archive, Format, PAGE_ARTICLES, PageKind},
    slug,
};

/// What an archive feed takes besides its entries and the settings it repeats: its head,
/// links and wrapping (under 700 bytes measured in Atom and RSS), with room to spare.
const FEED_BYTES: u64 = 4_096;

/// What an entry takes in an archive feed besides its text, its key, its place and tags and the
/// settings it repeats: dates, bylines, link and markup (at most 660 bytes measured in Atom and
/// RSS over the real-copy corpus and the golden cases), with room to spare.
const ENTRY_BYTES: u64 = 1_536;

/// What each place or tag of an entry takes besides twice its name (an Atom category with a
/// scheme and label, an RSS category), with room to spare.
const CATEGORY_BYTES: u64 = 96;

/// An upper estimate of the bytes of an archive feed (Atom or RSS, whichever is bigger) from its
/// entries, for the bound of [`ARCHIVE_BYTES`]: the feed's head, and for each entry its text
/// twice (the full text, and the lede again as summary or description; escaping it as HTML and
/// again as XML adds a few percent to wire copy), its key twice (id and link), its place and
/// tags, the settings each entry repeats (`base-url`, `id-prefix` in its id and place scheme,
/// `author`), and the rest.
///
/// Text that is mostly `&`, `<` and `>` grows up to nine times when escaped twice; no wire copy is
/// like that, but a page of such articles may exceed the bound.
#[derive(Debug, Clone, Copy)]
struct Estimate {
    /// An empty feed's bytes.
    feed: u64,
    /// An entry's bytes besides what depends on the entry.
    entry: u64,
}

impl Estimate {
    fn new(settings: &Settings) -> Estimate {
        let length = |text: &str| text.len() as u64;
        let (title, description) = (length(settings.title()), length(settings.description()));
        let (base, prefix, author) =
            (length(settings.base_url()), length(settings.id_prefix()), length(settings.author()));
        Estimate {
            feed: FEED_BYTES + 2 * title + description + 8 * base + prefix + author,
            entry: ENTRY_BYTES + base + 3 * prefix + author,
        }
    }

    /// The bytes `entry` adds to a feed.
    fn of(self, entry: &Entry) -> u64 {
        let names: u64 = (entry.place().into_iter().chain(entry.tags()))
            .map(|name| CATEGORY_BYTES + 2 * name.len() as u64)
            .sum();
        let key = entry.key().as_str().len() as u64;
        self.entry + 2 * key + names + 2 * u64::from(entry.size())
    }
}

/// One feed of the site, before it is rendered in a format.
#[derive(Debug, PartialEq)]
pub(crate) struct Page {
    /// What the page is about, and so where its files are.
    pub(crate) kind: PageKind,
    /// The feed's title.
    pub(crate) title: String,
    /// What the page is about, for its HTML heading: the site's title, an archive's period
    /// (`2022-01`, `2022-01-10`, `2022-01-10 (part 2)`), a place or a tag.
    pub(crate) name: String,
    /// The feed's Atom id: the settings' prefix and `feeds/<stem>` (`feeds/main` for the main
    /// feed), stable as long as the page's name is.
    pub(crate) id: String,
    /// Links to other pages of the site, by relation, in this order.
    pub(crate) links: Vec<(&'static str, PageKind)>,
    /// The articles, by index in the site's entries, newest first, ties broken by key.
    pub(crate) articles: Vec<usize>,
    /// The withdrawn articles the page would hold, in the same order: tombstones in Atom.
    pub(crate) tombstones: Vec<usize>,
    /// When the page last changed: the newest `updated` of its articles (RSS `lastBuildDate`).
    pub(crate) updated: DateTime<FixedOffset>,
    /// Each article's `updated`, made distinct within the page (Atom and JSON Feed entries).
    pub(crate) entries_updated: Vec<DateTime<FixedOffset>>,
    /// How many live articles the page is about: for the main page, a place or a tag, all of
    /// theirs, not only the feed's newest.
    pub(crate) total: usize,
    /// What the HTML page lists: the newest [`PAGE_ARTICLES`] live ones for the main page, a
    /// place or a tag, every article of an archive page.
    pub(crate) front: Vec<usize>,
    /// The HTML page that lists the articles after `front`, if any: for the main page an
    /// archive page, for a place or a tag one of its periods.
    pub(crate) older: Option<String>,
}

/// An older page of a place or a tag, in HTML only: its articles of one period, which is split
/// as the archive is ([`archives`]), so an added article changes O(1) of them.
#[derive(Debug, PartialEq)]
pub(crate) struct Period {
    /// The place or tag.
    pub(crate) topic: PageKind,
    /// The place's or tag's name.
    pub(crate) name: String,
    /// Which of its articles the page holds.
    pub(crate) archive: Archive,
    /// Newest first.
    pub(crate) articles: Vec<usize>,
    /// The neighbouring periods, older and newer.
    pub(crate) earlier: Option<Archive>,
    pub(crate) later: Option<Archive>,
    /// The newest `updated` of its articles.
    pub(crate) updated: DateTime<FixedOffset>,
}

impl Period {
    /// `places/<slug>/<period>.html`.
    pub(crate) fn path(&self) -> String {
        layout::period_path(&self.topic, &self.archive.name())
    }

    /// The page of a neighbouring period.
    pub(crate) fn path_of(&self, archive: Archive) -> String {
        layout::period_path(&self.topic, &archive.name())
    }
}

/// Every page of the site, the older pages of places and tags, and the order of every live
/// article (newest first), which gives each article page its neighbours.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) pages: Vec<Page>,
    pub(crate) periods: Vec<Period>,
    pub(crate) order: Vec<usize>,
    /// Every released article, withdrawn ones too, newest first ([`sorted`]).
    pub(crate) sorted: Vec<u32>,
    pub(crate) facts: Facts,
    pub(crate) groups: Groups,
    pub(crate) taken: Taken,
}

/// Which pages and older pages of a plan an earlier plan's are, taken as they were, links and
/// all: every file made of one is the same as before. By index; none beyond the end.
#[derive(Debug, Default)]
pub(crate) struct Taken {
    pub(crate) pages: Vec<bool>,
    pub(crate) periods: Vec<bool>,
}

/// The articles of every place and of every tag, by index, newest first (in the order of
/// [`sorted`]), each name's in name order.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Groups {
    pub(crate) places: Vec<(String, Vec<u32>)>,
    pub(crate) tags: Vec<(String, Vec<u32>)>,
}

/// What a plan leaves a later plan of the same entries but a few to make over, besides its
/// orders and its facts: its pages and older pages, and the articles of each place and tag
/// ([`crate::Site::into_kept`]).
#[derive(Debug)]
pub struct Kept {
    pub(crate) pages: Vec<Page>,
    pub(crate) periods: Vec<Period>,
    pub(crate) groups: Groups,
}

/// What an earlier plan of the same entries but a few hands on to a new one: the entries it
/// kept are the same (the same seeds) and released as they were (no embargo ended since).
#[derive(Debug)]
pub struct Earlier<'e> {
    /// The earlier plan's released articles, newest first ([`crate::Site::sorted`]), by its
    /// indices.
    pub sorted: &'e [u32],
    /// Each earlier entry's index now; `u32::MAX` when it is gone or changed.
    pub renumber: &'e [u32],
    /// The indices of the entries new or changed since.
    pub fresh: &'e [usize],
    /// The earlier plan's facts ([`crate::Site::facts`]).
    pub facts: &'e Facts,
    /// The earlier plan's pages, which pages no fresh or gone article is on are taken from.
    pub kept: Option<Kept>,
}

impl Page {
    fn new(
        entries: &[Entry],
        kind: PageKind,
        title: String,
        name: String,
        id: String,
        links: Vec<(&'static str, PageKind)>,
        listing: Listing,
    ) -> Page {
        let Listing { articles, tombstones } = listing;
        let updated = feed_updated(entries, articles.iter().chain(&tombstones));
        let entries_updated = distinct_updated(entries, &articles);
        let (total, front) = (articles.len(), Vec::new());
        Page {
            kind,
            title,
            name,
            id,
            links,
            articles,
            tombstones,
            updated,
            entries_updated,
            total,
            front,
            older: None,
        }
    }

    /// What the HTML page lists.
    pub(crate) fn listed(&self) -> &[usize] {
        match self.kind {
            PageKind::Archive(_) => &self.articles,
            _ => &self.front,
        }
    }

    /// The newest publication time of its articles (RSS `pubDate`).
    pub(crate) fn published(&self, entries: &[Entry]) -> Option<DateTime<FixedOffset>> {
        self.articles.iter().map(|&index| entries[index].published()).max()
    }

    /// The page's file in `format`, relative to the output directory.
    pub(crate) fn path(&self, format: Format) -> String {
        self.kind.feed_path(format)
    }

    /// The page's HTML twin, relative to the output directory: `index.html` for the main feed.
    pub(crate) fn html_path(&self) -> String {
        self.kind.html_path()
    }

    /// Whether this is an RFC 5005 archive page.
    pub(crate) fn archive(&self) -> bool {
        self.kind.is_archive()
    }

    /// The absolute URL of the HTML twin; the main feed's is the site's own address.
    pub(crate) fn html_url(&self, settings: &Settings) -> String {
        match self.kind {
            PageKind::Main => settings.base_url().to_owned(),
            _ => settings.url_of(&self.html_path()),
        }
    }

    /// The WebSub hub to announce: the settings' hub, except on archive pages, which seldom
    /// change once their period is over and which readers do not subscribe to.
    pub(crate) fn hub<'s>(&self, settings: &'s Settings) -> Option<&'s str> {
        settings.hub().filter(|_| !self.archive())
    }

    /// The Atom feed's `updated`: the newest of its entries' and its withdrawals'.
    pub(crate) fn atom_updated(&self, entries: &[Entry]) -> DateTime<FixedOffset> {
        let withdrawn = self.tombstones.iter().map(|&index| entries[index].updated());
        (self.entries_updated.iter().copied().chain(withdrawn))
            .max()
            .unwrap_or(DateTime::UNIX_EPOCH.fixed_offset())
    }
}

/// When a feed last changed: the newest `updated` of its articles, never the wall clock.
/// An empty feed is dated at the Unix epoch, which is deterministic and older than any article.
fn feed_updated<'a>(
    entries: &[Entry],
    articles: impl Iterator<Item = &'a usize>,
) -> DateTime<FixedOffset> {
    articles
        .map(|&index| entries[index].updated())
        .max()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset())
}

/// Each entry's `updated`: the article's, moved a whole second later when an entry listed before
/// it already has that instant.
///
/// Articles with only a date share midnight; the W3C validator warns about entries with the same
/// `updated`, since some aggregators take them for one entry. `published` keeps the true value,
/// and the order of the feed (newest first, then by key) decides who moves.
fn distinct_updated(entries: &[Entry], articles: &[usize]) -> Vec<DateTime<FixedOffset>> {
    const SECOND: i128 = 1_000_000_000;
    let instant = |time: DateTime<FixedOffset>| {
        i128::from(time.timestamp()) * SECOND + i128::from(time.timestamp_subsec_nanos())
    };
    // For each instant taken, one at or before the first free instant a whole number of seconds
    // after it, so that a page of a thousand articles dated the same day (all at midnight) finds
    // each one's second at once, not by trying every second taken before it.
    // (Never iterated, so its hasher orders nothing. With SipHash and regrowing it was 40% of
    // planning a million articles' pages.)
    let mut next: rustc_hash::FxHashMap<i128, i128> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(articles.len(), Default::default());
    // The instants passed on the way to a free one, which then point at it: one buffer for all.
    let mut path = Vec::new();
    articles
        .iter()
        .map(|&index| {
            let original = entries[index].updated();
            let start = instant(original);
            let mut free = start;
            while let Some(&after) = next.get(&free) {
                path.push(free);
                free = after;
            }
            for taken in path.drain(..) {
                next.insert(taken, free);
            }
            let seconds = i64::try_from((free - start) / SECOND).unwrap_or(i64::MAX);
            let updated = TimeDelta::try_seconds(seconds)
                .and_then(|later| original.checked_add_signed(later))
                .filter(|updated| updated.year() <= 9999);
            match updated {
                Some(updated) => {
                    next.insert(free, free + SECOND);
                    updated
                }
                // At the end of year 9999 there is no later second: the last one is shared.
                None => last_second_of_9999(original),
            }
        })
        .collect()
}

/// The latest time a whole number of seconds after `time` that is still in year 9999 where it
/// was made.
fn last_second_of_9999(time: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let mut last = time;
    while let Some(later) =
        last.checked_add_signed(TimeDelta::seconds(1)).filter(|later| later.year() <= 9999)
    {
        last = later;
    }
    last
}

/// The index of every entry released at the settings' `now`, newest first, ties broken by key:
/// the order of every page. An article under embargo is on no page.
pub(crate) fn sorted(settings: &Settings, entries: &[Entry]) -> Vec<usize> {
    use rayon::prelude::*;
    let now = settings.now();
    // Sorted by the instant and the key's first bytes, kept beside the index: at a million
    // entries, comparing the entries themselves would miss the cache at every step (and seeds
    // dated by the day alone share their instant with hundreds of others). The key makes the
    // order total, so input order never matters; it is read only when both are the same.
    // (Newest first: the instant in seconds and nanoseconds, reversed.)
    type Newest = std::cmp::Reverse<(i64, u32)>;
    let mut keyed: Vec<(Newest, u64, u32)> = (0..entries.len())
        .into_par_iter()
        .filter(|&index| entries[index].released(now))
        .map(|index| {
            let entry = &entries[index];
            let instant = entry.instant();
            let prefix = prefix_of(entry.key().as_str().as_bytes());
            let index = u32::try_from(index).expect("fewer than 2^32 entries");
            (std::cmp::Reverse(instant), prefix, index)
        })
        .collect();
    // A merge sort: seeds in dated directories come nearly in order (reversed), in runs it
    // takes whole.
    keyed.par_sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| entries[a.2 as usize].key().cmp(entries[b.2 as usize].key()))
    });
    keyed.into_iter().map(|(_, _, index)| index as usize).collect()
}

/// An order of entries made over from an `earlier` one (by its indices), whose entries became
/// these: `renumber` gives each earlier entry's index now (`u32::MAX` when gone or changed),
/// and the `fresh` entries are new or changed since. The kept entries are the same, so they
/// keep their order under `order`; the fresh ones are sorted in, each by binary search.
pub fn order_made_over(
    earlier: &[u32],
    renumber: &[u32],
    fresh: impl Iterator<Item = usize>,
    order: impl Fn(usize, usize) -> std::cmp::Ordering,
) -> Vec<usize> {
    let mut made: Vec<usize> = (earlier.iter())
        .filter_map(|&old| renumber.get(old as usize))
        .filter(|&&new| new != u32::MAX)
        .map(|&new| new as usize)
        .collect();
    let mut fresh: Vec<usize> = fresh.collect();
    fresh.sort_by(|&a, &b| order(a, b));
    // From the last, so that each goes in before the ones after it.
    for &index in fresh.iter().rev() {
        let at = made.partition_point(|&other| order(other, index).is_lt());
        made.insert(at, index);
    }
    made
}

/// [`sorted`], from an earlier plan's: its articles kept stay in their order (the same entries
/// sort the same), and the fresh ones are sorted into it.
pub(crate) fn sorted_after(
    settings: &Settings,
    entries: &[Entry],
    earlier: &Earlier<'_>,
) -> Vec<usize> {
    let now = settings.now();
    let newest_first = |a: usize, b: usize| {
        let (a, b) = (&entries[a], &entries[b]);
        (b.instant().cmp(&a.instant())).then_with(|| a.key().cmp(b.key()))
    };
    let fresh = (earlier.fresh.iter().copied()).filter(|&index| entries[index].released(now));
    let sorted = order_made_over(earlier.sorted, earlier.renumber, fresh, newest_first);
    debug_assert_eq!(sorted, self::sorted(settings, entries), "the earlier order, made over");
    sorted
}

/// The first eight of `bytes` (zeros after the last), as a number that orders as the bytes
/// do: two strings of different numbers are in that order without being read again.
pub(crate) fn prefix_of<'a>(bytes: impl IntoIterator<Item = &'a u8>) -> u64 {
    let mut prefix = [0u8; 8];
    for (byte, &from) in prefix.iter_mut().zip(bytes) {
        *byte = from;
    }
    u64::from_be_bytes(prefix)
}

/// What a page lists: its live articles, and the withdrawn ones among them as tombstones.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    articles: Vec<usize>,
    tombstones: Vec<usize>,
}

impl Listing {
    /// Every one of `articles`, each where it belongs.
    fn all(entries: &[Entry], articles: Vec<usize>) -> Listing {
        let (tombstones, articles) =
            articles.into_iter().partition(|&index| entries[index].withdrawn());
        Listing { articles, tombstones }
    }
}

/// The newest articles up to the item limit, and the withdrawn ones newer than the oldest of
/// them (or all the withdrawn ones, when the page is not full): the feed that held a withdrawn
/// article when it was live is the one that carries its tombstone.
fn limited(
    settings: &Settings,
    entries: &[Entry],
    articles: impl Iterator<Item = usize>,
) -> Listing {
    let limit = settings.item_limit().unwrap_or(usize::MAX);
    let mut listing = Listing::default();
    for index in articles {
        if listing.articles.len() == limit {
            break;
        }
        match entries[index].withdrawn() {
            true => listing.tombstones.push(index),
            false => listing.articles.push(index),
        }
    }
    listing
}

/// What the archive's cut needs of an entry: the day it was published on, in its own offset,
/// and its estimated bytes in a feed. Computed once for every entry and kept apart from the
/// entries, which a million of would not keep in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fact {
    day: NaiveDate,
    bytes: u32,
}

/// What the archive's cut needs of every entry of a plan, by index ([`crate::Site::facts`]).
#[derive(Debug, Clone)]
pub struct Facts(Vec<Fact>);

impl Fact {
    fn of(estimate: Estimate, entry: &Entry) -> Fact {
        Fact {
            day: entry.published().date_naive(),
            bytes: u32::try_from(estimate.of(entry)).unwrap_or(u32::MAX),
        }
    }

    /// The calendar month.
    fn month(self) -> (i32, u32) {
        (self.day.year(), self.day.month())
    }
}

/// The facts of every entry, by index.
pub(crate) fn facts(settings: &Settings, entries: &[Entry]) -> Vec<Fact> {
    use rayon::prelude::*;
    let estimate = Estimate::new(settings);
    entries.par_iter().map(|entry| Fact::of(estimate, entry)).collect()
}

/// [`facts`], from an earlier plan's: the entries kept are the same.
fn facts_after(settings: &Settings, entries: &[Entry], earlier: &Earlier<'_>) -> Vec<Fact> {
    let estimate = Estimate::new(settings);
    let unknown = Fact { day: NaiveDate::MIN, bytes: 0 };
    let mut facts = vec![unknown; entries.len()];
    for (old, &new) in earlier.renumber.iter().enumerate() {
        if let (Some(fact), Some(&was)) = (facts.get_mut(new as usize), earlier.facts.0.get(old)) {
            *fact = was;
        }
    }
    for &index in earlier.fresh {
        facts[index] = Fact::of(estimate, &entries[index]);
    }
    debug_assert_eq!(facts, self::facts(settings, entries), "the earlier facts, made over");
    facts
}

/// How many articles, and how many estimated bytes, a run of articles holds.
#[derive(Debug, Clone, Copy)]
struct Tally {
    articles: usize,
    bytes: u64,
}

impl Tally {
    /// An empty page's.
    fn new(estimate: Estimate) -> Tally {
        Tally { articles: 0, bytes: estimate.feed }
    }

    /// The tally of `articles` as a page.
    fn of(estimate: Estimate, facts: &[Fact], articles: &[usize]) -> Tally {
        articles.iter().fold(Tally::new(estimate), |tally, &index| tally.add(facts[index]))
    }

    /// With the entry of `fact` added.
    fn add(self, fact: Fact) -> Tally {
        Tally {
            articles: self.articles + 1,
            bytes: self.bytes.saturating_add(u64::from(fact.bytes)),
        }
    }

    /// Whether a page of this tally is within the bound.
    fn within(self) -> bool {
        self.articles <= ARCHIVE_ARTICLES && self.bytes <= ARCHIVE_BYTES
    }
}

/// The archive pages of `sorted` entries (newest first, as [`sorted`] gives them), oldest page
/// first, each with its articles in the order of `sorted`.
///
/// A month within the bound is one page; a month over it, one page per day; a day over it, parts
/// filled from its oldest article, each as full as the bound allows, so that articles added at the
/// end of a day change only its last part. An article too big for any page has a part of its own.
/// Linear in the entries, but for the map of months and days.
fn archives(settings: &Settings, facts: &[Fact], sorted: &[usize]) -> Vec<(Archive, Vec<usize>)> {
    let estimate = Estimate::new(settings);
    let mut months: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for &index in sorted {
        months.entry(facts[index].month()).or_default().push(index);
    }
    let mut archives = Vec::with_capacity(months.len());
    for ((year, month), articles) in months {
        if Tally::of(estimate, facts, &articles).within() {
            archives.push((Archive::Month { year, month }, articles));
            continue;
        }
        let mut days: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for index in articles {
            days.entry(facts[index].day).or_default().push(index);
        }
        for (day, articles) in days {
            if Tally::of(estimate, facts, &articles).within() {
                archives.push((Archive::Day(day), articles));
                continue;
            }
            let mut parts: Vec<Vec<usize>> = Vec::new();
            let mut tally = Tally::new(estimate);
            for &index in articles.iter().rev() {
                let more = tally.add(facts[index]);
                match parts.last_mut() {
                    Some(part) if more.within() => {
                        part.push(index);
                        tally = more;
                    }
                    _ => {
                        parts.push(vec![index]);
                        tally = Tally::new(estimate).add(facts[index]);
                    }
                }
            }
            archives.extend(parts.into_iter().zip(1..).map(|(mut part, number)| {
                part.reverse();
                (Archive::Part(day, number), part)
            }));
        }
    }
    archives
}

/// The newest archive page of `sorted` entries: the last of the newest month's.
fn newest_archive(settings: &Settings, entries: &[Entry], sorted: &[usize]) -> Option<Archive> {
    let facts = facts(settings, entries);
    let newest = sorted.iter().map(|&index| facts[index].month()).max()?;
    let articles: Vec<usize> =
        sorted.iter().copied().filter(|&index| facts[index].month() == newest).collect();
    archives(settings, &facts, &articles).pop().map(|(archive, _)| archive)
}

fn feed_id(settings: &Settings, kind: &PageKind) -> String {
    format!("{}feeds/{}", settings.id_prefix(), kind.stem().as_deref().unwrap_or("main"))
}

/// The main feed of `sorted` entries.
pub(crate) fn main_page(settings: &Settings, entries: &[Entry], sorted: &[usize]) -> Page {
    linked_main_page(settings, entries, sorted, newest_archive(settings, entries, sorted))
}

/// The main feed of `sorted` entries, whose newest archive page is `newest`.
fn linked_main_page(
    settings: &Settings,
    entries: &[Entry],
    sorted: &[usize],
    newest: Option<Archive>,
) -> Page {
    let mut links = vec![("self", PageKind::Main)];
    if let Some(newest) = newest {
        links.push(("prev-archive", PageKind::archive(newest)));
    }
    Page::new(
        entries,
        PageKind::Main,
        settings.title().to_owned(),
        settings.title().to_owned(),
        feed_id(settings, &PageKind::Main),
        links,
        limited(settings, entries, sorted.iter().copied()),
    )
}

/// Every page of the site, main feed first, then archives oldest first, then places and tags,
/// each in name order; and the older pages of places and tags. Given an `earlier` plan of the
/// same entries but a few, its order and facts are made over, and so are its pages when it kept
/// them: only those of the months and topics a fresh or gone entry is in are made again.
pub(crate) fn plan(settings: &Settings, entries: &[Entry], earlier: Option<Earlier<'_>>) -> Plan {
    let sorted = match &earlier {
        Some(earlier) => sorted_after(settings, entries, earlier),
        None => sorted(settings, entries),
    };
    let facts = match &earlier {
        Some(earlier) => facts_after(settings, entries, earlier),
        None => facts(settings, entries),
    };
    let made_over = earlier.and_then(|earlier| {
        let kept = earlier.kept?;
        Some(made_over(settings, entries, &facts, &sorted, kept, earlier.renumber, earlier.fresh))
    });
    // The archive pages and the places' and tags' pages are made side by side: each is a walk
    // of every entry, unless they are made over.
    let ((archive_pages, archives_taken), (topics, groups)) = match made_over {
        Some(made) => made,
        None => rayon::join(
            || (archive_pages(settings, entries, &facts, &sorted), Vec::new()),
            || {
                let groups = Groups::of(entries, &sorted);
                let topics = topic_pages(settings, entries, &facts, &groups, Default::default());
                (topics, groups)
            },
        ),
    };
    let newest = archive_pages.last().and_then(|page| page.kind.as_archive());
    let order: Vec<usize> =
        sorted.iter().copied().filter(|&index| !entries[index].withdrawn()).collect();
    let mut main = linked_main_page(settings, entries, &sorted, newest);
    main.total = order.len();
    main.front = order.iter().copied().take(PAGE_ARTICLES).collect();
    // The first article older than the front is on one of the newest archive pages.
    main.older = order.get(PAGE_ARTICLES).and_then(|&first| {
        let archive = archive_pages.iter().rev().find(|page| page.articles.contains(&first))?;
        Some(archive.html_path())
    });
    let Topics { pages: topic_pages, periods, taken: topics_taken } = topics;
    let mut taken = Taken { pages: Vec::new(), periods: topics_taken.periods };
    if !archives_taken.is_empty() || !topics_taken.pages.is_empty() {
        taken.pages.push(false);
        taken.pages.extend(archives_taken);
        taken.pages.resize(1 + archive_pages.len(), false);
        taken.pages.extend(topics_taken.pages);
    }
    let mut pages = Vec::with_capacity(1 + archive_pages.len() + topic_pages.len());
    pages.push(main);
    pages.extend(archive_pages);
    pages.extend(topic_pages);
    let sorted = sorted.into_iter().map(|index| index as u32).collect();
    Plan { pages, periods, order, sorted, facts: Facts(facts), groups, taken }
}

/// The archive pages of `sorted` entries, oldest first, linked.
fn archive_pages(
    settings: &Settings,
    entries: &[Entry],
    facts: &[Fact],
    sorted: &[usize],
) -> Vec<Page> {
    use rayon::prelude::*;
    // Made on any core: a million articles are each on one.
    let mut pages: Vec<Page> = (archives(settings, facts, sorted).into_par_iter())
        .map(|(archive, articles)| archive_page(settings, entries, archive, articles))
        .collect();
    link_archives(&mut pages);
    pages
}

/// The archive page of `archive`, which holds `articles`, without its links.
fn archive_page(
    settings: &Settings,
    entries: &[Entry],
    archive: Archive,
    articles: Vec<usize>,
) -> Page {
    let kind = PageKind::archive(archive);
    let name = archive.label();
    Page::new(
        entries,
        kind.clone(),
        format!("{} — archive {name}", settings.title()),
        name,
        feed_id(settings, &kind),
        Vec::new(),
        Listing::all(entries, articles),
    )
}

/// Links each of the archive `pages` (oldest first) to itself, the main feed and its
/// neighbours.
fn link_archives(pages: &mut [Page]) {
    let kinds: Vec<PageKind> = pages.iter().map(|page| page.kind.clone()).collect();
    for (index, page) in pages.iter_mut().enumerate() {
        let kind = kinds[index].clone();
        page.links = vec![("self", kind), ("current", PageKind::Main)];
        if let Some(previous) = index.checked_sub(1).map(|index| &kinds[index]) {
            page.links.push(("prev-archive", previous.clone()));
        }
        if let Some(next) = kinds.get(index + 1) {
            page.links.push(("next-archive", next.clone()));
        }
    }
}

/// The page of a place or a tag, and its older pages.
type TopicPage = (Page, Vec<Period>);

/// The pages of the places and the tags, and their older pages.
#[derive(Debug)]
struct Topics {
    pages: Vec<Page>,
    periods: Vec<Period>,
    /// Which of them an earlier plan's are.
    taken: Taken,
}

/// The pages of the places and the tags of `groups`, each kind in the order of its pages'
/// kinds, and their older pages; where `kept` has a name's page of the same kind, that page and
/// its older pages are taken, not made.
fn topic_pages(
    settings: &Settings,
    entries: &[Entry],
    facts: &[Fact],
    groups: &Groups,
    mut kept: [rustc_hash::FxHashMap<String, TopicPage>; 2],
) -> Topics {
    use rayon::prelude::*;
    let kind_of_place: fn(String) -> PageKind = PageKind::Place;
    let kind_of_tag: fn(String) -> PageKind = PageKind::Tag;
    let (mut pages, mut periods, mut taken) = (Vec::new(), Vec::new(), Taken::default());
    let classes = [(kind_of_place, &groups.places), (kind_of_tag, &groups.tags)];
    for ((kind_of, groups), kept) in classes.into_iter().zip(&mut kept) {
        let slugs = slug::unique_slugs(groups.iter().map(|(name, _)| name.as_str()));
        let mut named: Vec<(PageKind, &str, &[u32], Option<TopicPage>)> = (groups.iter())
            .map(|(name, articles)| {
                let kind = kind_of(slugs[name.as_str()].clone());
                let kept = kept.remove(name).filter(|(page, _)| page.kind == kind);
                (kind, name.as_str(), articles.as_slice(), kept)
            })
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        // Made on any core: a million articles are each in a few topics.
        let made: Vec<(TopicPage, bool)> = (named.into_par_iter())
            .map(|(kind, name, articles, kept)| match kept {
                Some(kept) => (kept, true),
                None => (topic_page(settings, entries, facts, kind, name, articles), false),
            })
            .collect();
        for ((page, older), was) in made {
            pages.push(page);
            taken.pages.push(was);
            taken.periods.extend(older.iter().map(|_| was));
            periods.extend(older);
        }
    }
    Topics { pages, periods, taken }
}

/// The archive pages, the topic pages and their older pages, and the groups of `entries`, made
/// over from those an earlier plan `kept` of the same entries but a few: each earlier entry is
/// now `renumber`'s (`u32::MAX`: gone or changed), and the `fresh` ones are new or changed. The
/// pages of the months and the topics no fresh or gone entry is in are the earlier ones,
/// renumbered; the others are made again from their months' and groups' articles.
fn made_over(
    settings: &Settings,
    entries: &[Entry],
    facts: &[Fact],
    sorted: &[usize],
    kept: Kept,
    renumber: &[u32],
    fresh: &[usize],
) -> ((Vec<Page>, Vec<bool>), (Topics, Groups)) {
    use rayon::prelude::*;
    let Kept { pages, periods, groups } = kept;
    // Each released entry's place in `sorted`, which the made-over lists are ordered by.
    let mut rank = vec![u32::MAX; entries.len()];
    for (at, &index) in sorted.iter().enumerate() {
        rank[index] = at as u32;
    }
    let fresh: Vec<usize> =
        fresh.iter().copied().filter(|&index| rank[index] != u32::MAX).collect();
    // Every earlier page renumbered (the main page is not kept), knowing whether any of its
    // articles is gone.
    let mut pages: Vec<(Page, bool)> = (pages.into_par_iter())
        .map(|mut page| {
            let mut kept = true;
            for indices in [&mut page.articles, &mut page.tombstones, &mut page.front] {
                kept &= renumbered(indices, renumber);
            }
            (page, kept)
        })
        .collect();
    let topics_kept = pages.split_off(pages.partition_point(|(page, _)| page.archive()));
    let (archives, topics) = rayon::join(
        || archive_pages_after(settings, entries, facts, &rank, pages, &fresh),
        || {
            let (places, touched_places) =
                groups_after(groups.places, renumber, &fresh, &rank, |index| {
                    entries[index].place().map(|place| &**place).into_iter()
                });
            let (tags, touched_tags) =
                groups_after(groups.tags, renumber, &fresh, &rank, |index| {
                    entries[index].tags().iter().map(|tag| &**tag)
                });
            let mut kept: [rustc_hash::FxHashMap<String, TopicPage>; 2] = Default::default();
            for (page, _) in topics_kept {
                let class = usize::from(matches!(page.kind, PageKind::Tag(_)));
                let touched = [&touched_places, &touched_tags][class];
                if !touched.contains(page.name.as_str()) {
                    kept[class].insert(page.name.clone(), (page, Vec::new()));
                }
            }
            let periods: Vec<Period> = (periods.into_par_iter())
                .map(|mut period| {
                    renumbered(&mut period.articles, renumber);
                    period
                })
                .collect();
            for period in periods {
                let class = usize::from(matches!(period.topic, PageKind::Tag(_)));
                if let Some((_, older)) = kept[class].get_mut(period.name.as_str()) {
                    older.push(period);
                }
            }
            let groups = Groups { places, tags };
            (topic_pages(settings, entries, facts, &groups, kept), groups)
        },
    );
    debug_assert!(
        archives.0 == archive_pages(settings, entries, facts, sorted),
        "the archive pages made over"
    );
    debug_assert!(
        {
            let groups = Groups::of(entries, sorted);
            let made = topic_pages(settings, entries, facts, &groups, Default::default());
            (&made.pages, &made.periods, &groups) == (&topics.0.pages, &topics.0.periods, &topics.1)
        },
        "the topic pages and groups made over"
    );
    (archives, topics)
}

/// Renumbers `indices` by `renumber` (each old index's new one, `u32::MAX`: gone), leaving out
/// the gone ones; whether none was.
fn renumbered<T: Copy + TryFrom<u32> + TryInto<usize>>(
    indices: &mut Vec<T>,
    renumber: &[u32],
) -> bool {
    let before = indices.len();
    indices.retain_mut(|index| {
        let at: Option<usize> = (*index).try_into().ok();
        let new = at.and_then(|at| renumber.get(at)).filter(|&&new| new != u32::MAX);
        match new.and_then(|&new| T::try_from(new).ok()) {
            Some(new) => {
                *index = new;
                true
            }
            None => false,
        }
    });
    indices.len() == before
}

/// The archive pages made over from the earlier `pages` (renumbered, each with whether all its
/// articles are kept), with the `fresh` released entries: the months of a fresh or a gone one
/// are cut again.
fn archive_pages_after(
    settings: &Settings,
    entries: &[Entry],
    facts: &[Fact],
    rank: &[u32],
    pages: Vec<(Page, bool)>,
    fresh: &[usize],
) -> (Vec<Page>, Vec<bool>) {
    let month_of = |page: &Page| match page.kind.as_archive() {
        Some(Archive::Month { year, month }) => (year, month),
        Some(Archive::Day(day) | Archive::Part(day, _)) => (day.year(), day.month()),
        None => unreachable!("only archive pages are cut by month"),
    };
    let mut months: BTreeMap<(i32, u32), (bool, Vec<Page>)> = BTreeMap::new();
    for (page, kept) in pages {
        let month = months.entry(month_of(&page)).or_default();
        month.0 |= !kept;
        month.1.push(page);
    }
    for &index in fresh {
        months.entry(facts[index].month()).or_default().0 = true;
    }
    // Each page made, with the links of the earlier page it was, if it was one.
    let mut made = Vec::new();
    let mut links = Vec::new();
    for (month, (touched, pages)) in months {
        if !touched {
            links.extend(pages.iter().map(|page| Some(page.links.clone())));
            made.extend(pages);
            continue;
        }
        let mut articles: Vec<usize> = (pages.iter())
            .flat_map(|page| page.articles.iter().chain(&page.tombstones).copied())
            .chain(fresh.iter().copied().filter(|&index| facts[index].month() == month))
            .collect();
        articles.sort_unstable_by_key(|&index| rank[index]);
        made.extend(
            (archives(settings, facts, &articles).into_iter())
                .map(|(archive, articles)| archive_page(settings, entries, archive, articles)),
        );
        links.resize(made.len(), None);
    }
    link_archives(&mut made);
    let taken = (made.iter().zip(links))
        .map(|(page, links)| links.is_some_and(|links| links == page.links))
        .collect();
    (made, taken)
}

/// The groups of places or of tags (as `names_of` names an entry's) made over from the earlier
/// `groups`: renumbered, without the gone articles, with the `fresh` ones sorted in, and without
/// the groups left empty. With the names of the groups that changed.
fn groups_after<'e, Names: Iterator<Item = &'e str>>(
    mut groups: Vec<(String, Vec<u32>)>,
    renumber: &[u32],
    fresh: &[usize],
    rank: &[u32],
    names_of: impl Fn(usize) -> Names,
) -> (Vec<(String, Vec<u32>)>, rustc_hash::FxHashSet<String>) {
    use rayon::prelude::*;
    let mut touched: Vec<bool> =
        (groups.par_iter_mut()).map(|(_, articles)| !renumbered(articles, renumber)).collect();
    let mut new: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for &index in fresh {
        for name in names_of(index) {
            let at = index as u32;
            match groups.binary_search_by(|(other, _)| other.as_str().cmp(name)) {
                Ok(group) => {
                    let articles = &mut groups[group].1;
                    let place =
                        articles.partition_point(|&other| rank[other as usize] < rank[index]);
                    articles.insert(place, at);
                    touched[group] = true;
                }
                Err(_) => new.entry(name).or_default().push(at),
            }
        }
    }
    let mut changed: rustc_hash::FxHashSet<String> = (groups.iter().zip(&touched))
        .filter(|&(_, &touched)| touched)
        .map(|((name, _), _)| name.clone())
        .collect();
    groups.retain(|(_, articles)| !articles.is_empty());
    for (name, mut articles) in new {
        articles.sort_unstable_by_key(|&index| rank[index as usize]);
        changed.insert(name.to_owned());
        groups.push((name.to_owned(), articles));
    }
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    (groups, changed)
}

/// The page of the place or tag `name` of `kind`, whose articles are `articles` (newest
/// first), and its older pages.
fn topic_page(
    settings: &Settings,
    entries: &[Entry],
    facts: &[Fact],
    kind: PageKind,
    name: &str,
    articles: &[u32],
) -> TopicPage {
    let live: Vec<usize> = (articles.iter())
        .map(|&index| index as usize)
        .filter(|&index| !entries[index].withdrawn())
        .collect();
    let mut page = Page::new(
        entries,
        kind.clone(),
        format!("{}: {name}", settings.title()),
        name.to_owned(),
        feed_id(settings, &kind),
        vec![("self", kind.clone())],
        limited(settings, entries, articles.iter().map(|&index| index as usize)),
    );
    page.total = live.len();
    page.front = live.iter().copied().take(PAGE_ARTICLES).collect();
    let mut periods = Vec::new();
    if live.len() > PAGE_ARTICLES {
        let split = archives(settings, facts, &live);
        let archives: Vec<Archive> = split.iter().map(|(archive, _)| *archive).collect();
        let first_older = live[PAGE_ARTICLES];
        for (index, (archive, articles)) in split.into_iter().enumerate() {
            let updated = feed_updated(entries, articles.iter());
            let older = articles.contains(&first_older);
            let period = Period {
                topic: kind.clone(),
                name: name.to_owned(),
                archive,
                articles,
                earlier: index.checked_sub(1).map(|index| archives[index]),
                later: archives.get(index + 1).copied(),
                updated,
            };
            if older {
                page.older = Some(period.path());
            }
            periods.push(period);
        }
    }
    (page, periods)
}

impl Groups {
    /// The groups of `sorted` entries.
    fn of(entries: &[Entry], sorted: &[usize]) -> Groups {
        Groups {
            places: group(entries, sorted, |entry| entry.place().map(|place| &**place).into_iter()),
            tags: group(entries, sorted, |entry| entry.tags().iter().map(|tag| &**tag)),
        }
    }
}

/// Articles by each name `names_of` gives them, keeping the order of `sorted`, in name order.
fn group<'a, Names: Iterator<Item = &'a str>>(
    entries: &'a [Entry],
    sorted: &[usize],
    names_of: impl Fn(&'a Entry) -> Names,
) -> Vec<(String, Vec<u32>)> {
    // Filled through a hash map: a million articles name a few thousand places and tags, and
    // an ordered map compared each name with a dozen others; ordered once at the end.
    let mut groups: rustc_hash::FxHashMap<&str, Vec<u32>> = rustc_hash::FxHashMap::default();
    for &index in sorted {
        for name in names_of(&entries[index]) {
            groups.entry(name).or_default().push(index as u32);
        }
    }
    let mut groups: Vec<(String, Vec<u32>)> =
        groups.into_iter().map(|(name, articles)| (name.to_owned(), articles)).collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    groups
}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeSet, sync::Arc};

    use article::ArticleKey;
    use chrono::{DateTime, FixedOffset, TimeDelta};

    use super::distinct_updated;
    use crate::Entry;

    proptest::proptest! {
        /// Articles sort newest first and then by key, as the entries themselves compare:
        /// same days by the hundred, keys that share eight bytes or are prefixes of others.
        #[test]
        fn articles_sort_by_instant_then_key_as_entries_compare(
            seeds in proptest::collection::vec(
                (0i64..3, "(2024-07-10-|a|)[a-z0-9.-]{0,4}"), 1..60),
        ) {
            let midnight = DateTime::parse_from_rfc3339("2024-05-02T00:00:00+03:00").unwrap();
            let entries: Vec<Entry> = (seeds.iter())
                .filter(|(_, key)| ArticleKey::new(key).is_ok())
                .map(|(day, key)| {
                    let time = midnight + TimeDelta::days(*day);
                    let key = ArticleKey::new(key).unwrap();
                    Entry::from_parts(key, time, time, None::<Arc<str>>, Box::new([]), 100)
                })
                .collect();
            let mut expected: Vec<usize> = (0..entries.len()).collect();
            expected.sort_by(|&a, &b| {
                let (a, b) = (&entries[a], &entries[b]);
                (b.published().cmp(&a.published())).then_with(|| a.key().cmp(b.key()))
            });
            let sorted = super::sorted(&crate::Settings::defaults(), &entries);
            let keys = |order: &[usize]| -> Vec<String> {
                order.iter().map(|&index| entries[index].key().to_string()).collect()
            };
            proptest::prop_assert_eq!(keys(&sorted), keys(&expected));
        }
    }

    /// The rule as first written: each article takes its `updated`, or the next second not
    /// taken yet, trying them one by one.
    fn one_by_one(updated: &[DateTime<FixedOffset>]) -> Vec<DateTime<FixedOffset>> {
        let mut taken = BTreeSet::new();
        let mut out = Vec::new();
        for &time in updated {
            let mut time = time;
            while !taken.insert(time.to_utc()) {
                time += TimeDelta::seconds(1);
            }
            out.push(time);
        }
        out
    }

    #[test]
    fn distinct_updated_instants_are_the_next_free_seconds_in_page_order() {
        let midnight = DateTime::parse_from_rfc3339("2024-05-02T00:00:00+03:00").unwrap();
        // Date-only articles at midnight, some at a few seconds past it that the bumped ones
        // collide with, and one in another offset at the same instant.
        let mut updated = Vec::new();
        for round in 0..40 {
            updated.push(midnight);
            if round % 3 == 0 {
                updated.push(midnight + TimeDelta::seconds(round));
            }
            if round % 7 == 0 {
                let utc = FixedOffset::east_opt(0).unwrap();
                updated.push(midnight.with_timezone(&utc));
            }
        }
        let entries: Vec<Entry> = (updated.iter().enumerate())
            .map(|(index, &time)| {
                let key = ArticleKey::new(&format!("k{index}")).unwrap();
                Entry::from_parts(key, time, time, None::<Arc<str>>, Box::new([]), 100)
            })
            .collect();
        let articles: Vec<usize> = (0..entries.len()).collect();
        let made = distinct_updated(&entries, &articles);
        assert_eq!(made, one_by_one(&updated));
        let instants: BTreeSet<_> = made.iter().map(|time| time.to_utc()).collect();
        assert_eq!(instants.len(), made.len());
    }
}
