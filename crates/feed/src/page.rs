//! Feed pages: which feeds the site has, which articles each holds, and how they link.
//!
//! A page is format-neutral: `atom1` and `rss2` render the same page as Atom and RSS, so the
//! twins always hold the same articles and links. The pages are:
//! - the main feed (`atom.xml`, `rss.xml`): the newest articles, up to the item limit, with a
//!   `prev-archive` link to the newest archive page;
//! - one archive page per calendar month of publication (`archive/2022-01.*`), RFC 5005
//!   "Archived Feeds": every article is in exactly one, marked `fh:archive`, linked to its
//!   neighbours with `prev-archive` / `next-archive` and to the main feed with `current`;
//! - one feed per place and per tag (`places/<slug>.*`, `tags/<slug>.*`), newest first, up to
//!   the item limit.
//!
//! A page holds nothing that depends on articles outside it, except its links to neighbouring
//! archive months, so editing an article rewrites only the pages it appears on.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, TimeDelta};

use crate::{
    Entry, Settings,
    layout::{Format, PageKind},
    slug,
};

/// One feed of the site, before it is rendered in a format.
#[derive(Debug)]
pub(crate) struct Page {
    /// What the page is about, and so where its files are.
    pub(crate) kind: PageKind,
    /// The feed's title.
    pub(crate) title: String,
    /// What the page is about, for its HTML heading: the site's title, a month (`2022-01`), a
    /// place or a tag.
    pub(crate) name: String,
    /// The feed's Atom id: the settings' prefix and `feeds/<stem>` (`feeds/main` for the main
    /// feed), stable as long as the page's name is.
    pub(crate) id: String,
    /// Links to other pages of the site, by relation, in this order.
    pub(crate) links: Vec<(&'static str, PageKind)>,
    /// The articles, by index in the site's entries, newest first, ties broken by key.
    pub(crate) articles: Vec<usize>,
    /// When the page last changed: the newest `updated` of its articles (RSS `lastBuildDate`).
    pub(crate) updated: DateTime<FixedOffset>,
    /// Each article's `updated`, made distinct within the page (Atom and JSON Feed entries).
    pub(crate) entries_updated: Vec<DateTime<FixedOffset>>,
}

impl Page {
    fn new(
        entries: &[Entry],
        kind: PageKind,
        title: String,
        name: String,
        id: String,
        links: Vec<(&'static str, PageKind)>,
        articles: Vec<usize>,
    ) -> Page {
        let updated = feed_updated(entries, &articles);
        let entries_updated = distinct_updated(entries, &articles);
        Page { kind, title, name, id, links, articles, updated, entries_updated }
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

    /// The WebSub hub to announce: the settings' hub, except on archive pages, which never
    /// change once their month is over and which readers do not subscribe to.
    pub(crate) fn hub<'s>(&self, settings: &'s Settings) -> Option<&'s str> {
        settings.hub().filter(|_| !self.archive())
    }

    /// The Atom feed's `updated`: the newest of its entries'.
    pub(crate) fn atom_updated(&self) -> DateTime<FixedOffset> {
        self.entries_updated.iter().copied().max().unwrap_or(DateTime::UNIX_EPOCH.fixed_offset())
    }
}

/// When a feed last changed: the newest `updated` of its articles, never the wall clock.
/// An empty feed is dated at the Unix epoch, which is deterministic and older than any article.
fn feed_updated(entries: &[Entry], articles: &[usize]) -> DateTime<FixedOffset> {
    articles
        .iter()
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
    let mut taken = std::collections::BTreeSet::new();
    articles
        .iter()
        .map(|&index| {
            let mut updated = entries[index].updated();
            while !taken.insert(updated.to_utc()) {
                // At the end of year 9999 there is no later second; a duplicate is all that is left.
                let later = updated
                    .checked_add_signed(TimeDelta::seconds(1))
                    .filter(|later| later.year() <= 9999);
                let Some(later) = later else { break };
                updated = later;
            }
            updated
        })
        .collect()
}

/// Every entry's index, newest first, ties broken by key: the order of every page.
pub(crate) fn sorted(entries: &[Entry]) -> Vec<usize> {
    let mut sorted: Vec<usize> = (0..entries.len()).collect();
    // The key makes the order total, so input order never matters. Entries that come already
    // in this order (as a cache keeps them) are sorted in one pass.
    sorted.sort_by(|&a, &b| {
        let (a, b) = (&entries[a], &entries[b]);
        b.published().cmp(&a.published()).then_with(|| a.key().cmp(b.key()))
    });
    sorted
}

fn limited(settings: &Settings, articles: impl Iterator<Item = usize>) -> Vec<usize> {
    articles.take(settings.item_limit().unwrap_or(usize::MAX)).collect()
}

/// The calendar month an article was published in, in its own offset: `2022-01`.
fn month(entry: &Entry) -> String {
    let published = entry.published();
    format!("{:04}-{:02}", published.year(), published.month())
}

fn feed_id(settings: &Settings, kind: &PageKind) -> String {
    format!("{}feeds/{}", settings.id_prefix(), kind.stem().as_deref().unwrap_or("main"))
}

/// The main feed of `sorted` entries.
pub(crate) fn main_page(settings: &Settings, entries: &[Entry], sorted: &[usize]) -> Page {
    let mut links = vec![("self", PageKind::Main)];
    if let Some(&newest) = sorted.first() {
        links.push(("prev-archive", PageKind::Archive(month(&entries[newest]))));
    }
    Page::new(
        entries,
        PageKind::Main,
        settings.title().to_owned(),
        settings.title().to_owned(),
        feed_id(settings, &PageKind::Main),
        links,
        limited(settings, sorted.iter().copied()),
    )
}

/// Every page of the site, main feed first, then archives, places and tags, each in name order.
pub(crate) fn pages(settings: &Settings, entries: &[Entry]) -> Vec<Page> {
    let sorted = sorted(entries);
    let mut pages = vec![main_page(settings, entries, &sorted)];

    let mut months: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &index in &sorted {
        months.entry(month(&entries[index])).or_default().push(index);
    }
    let names: Vec<&String> = months.keys().collect();
    for (index, (name, articles)) in months.iter().enumerate() {
        let kind = PageKind::Archive(name.clone());
        let mut links = vec![("self", kind.clone()), ("current", PageKind::Main)];
        if let Some(previous) = index.checked_sub(1).map(|index| names[index]) {
            links.push(("prev-archive", PageKind::Archive(previous.clone())));
        }
        if let Some(next) = names.get(index + 1) {
            links.push(("next-archive", PageKind::Archive((*next).clone())));
        }
        pages.push(Page::new(
            entries,
            kind.clone(),
            format!("{} — archive {name}", settings.title()),
            name.clone(),
            feed_id(settings, &kind),
            links,
            articles.clone(),
        ));
    }

    let places =
        group(entries, &sorted, |entry| entry.place().map(|place| &**place).into_iter().collect());
    let tags = group(entries, &sorted, |entry| entry.tags().iter().map(|tag| &**tag).collect());
    let kind_of_place: fn(String) -> PageKind = PageKind::Place;
    let kind_of_tag: fn(String) -> PageKind = PageKind::Tag;
    for (kind_of, groups) in [(kind_of_place, places), (kind_of_tag, tags)] {
        let slugs = slug::unique_slugs(groups.keys().copied());
        let mut named: Vec<(PageKind, &str, Vec<usize>)> = groups
            .into_iter()
            .map(|(name, articles)| (kind_of(slugs[name].clone()), name, articles))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        for (kind, name, articles) in named {
            pages.push(Page::new(
                entries,
                kind.clone(),
                format!("{}: {name}", settings.title()),
                name.to_owned(),
                feed_id(settings, &kind),
                vec![("self", kind)],
                limited(settings, articles.into_iter()),
            ));
        }
    }
    pages
}

/// Articles by each name `names_of` gives them, keeping the order of `sorted`.
fn group<'a>(
    entries: &'a [Entry],
    sorted: &[usize],
    names_of: impl Fn(&'a Entry) -> Vec<&'a str>,
) -> BTreeMap<&'a str, Vec<usize>> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &index in sorted {
        for name in names_of(&entries[index]) {
            groups.entry(name).or_default().push(index);
        }
    }
    groups
}
