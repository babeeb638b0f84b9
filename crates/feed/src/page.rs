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

use article::Article;
use chrono::Datelike;

use crate::{Settings, slug};

/// One feed of the site, before it is rendered in a format.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    /// Where the page lives, without the format: `None` for the main feed, else a stem such
    /// as `archive/2022-01`, `places/minsk` or `tags/politics`.
    pub(crate) stem: Option<String>,
    /// The feed's title.
    pub(crate) title: String,
    /// What the page is about, for its HTML heading: the site's title, a month (`2022-01`), a
    /// place or a tag.
    pub(crate) name: String,
    /// The feed's Atom id: the settings' prefix and `feeds/<stem>` (`feeds/main` for the main
    /// feed), stable as long as the page's name is.
    pub(crate) id: String,
    /// Whether this is an RFC 5005 archive page.
    pub(crate) archive: bool,
    /// Links to other pages of the site, by relation, in this order.
    pub(crate) links: Vec<(&'static str, Option<String>)>,
    /// The articles, newest first, ties broken by key.
    pub(crate) articles: Vec<&'a Article>,
}

/// The media type of the JSON Feed (JSON Feed 1.1).
pub(crate) const JSON_FEED_TYPE: &str = "application/feed+json";
/// The media type of OPML subscription lists.
pub(crate) const OPML_TYPE: &str = "text/x-opml";

/// The two XML formats a page is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Atom,
    Rss,
}

impl Format {
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Format::Atom => "atom",
            Format::Rss => "rss",
        }
    }

    pub(crate) fn media_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml",
            Format::Rss => "application/rss+xml",
        }
    }
}

impl Page<'_> {
    /// The page's file, relative to the output directory.
    pub(crate) fn path(&self, format: Format) -> String {
        path_of(self.stem.as_deref(), format)
    }

    /// The page's HTML twin, relative to the output directory: `index.html` for the main feed.
    pub(crate) fn html_path(&self) -> String {
        match &self.stem {
            None => "index.html".to_owned(),
            Some(stem) => format!("{stem}.html"),
        }
    }

    /// The absolute URL of the HTML twin; the main feed's is the site's own address.
    pub(crate) fn html_url(&self, settings: &Settings) -> String {
        match &self.stem {
            None => settings.base_url().to_owned(),
            Some(_) => settings.url_of(&self.html_path()),
        }
    }

    /// The WebSub hub to announce: the settings' hub, except on archive pages, which never
    /// change once their month is over and which readers do not subscribe to.
    pub(crate) fn hub<'s>(&self, settings: &'s Settings) -> Option<&'s str> {
        settings.hub().filter(|_| !self.archive)
    }
}

pub(crate) fn path_of(stem: Option<&str>, format: Format) -> String {
    match stem {
        None => format!("{}.xml", format.extension()),
        Some(stem) => format!("{stem}.{}.xml", format.extension()),
    }
}

/// All articles, newest first, ties broken by key: the order of every page.
pub(crate) fn sorted(articles: &[Article]) -> Vec<&Article> {
    let mut sorted: Vec<&Article> = articles.iter().collect();
    // `sort_by` is stable, and the key makes the order total, so input order never matters.
    sorted.sort_by(|a, b| b.published().cmp(&a.published()).then_with(|| a.key().cmp(b.key())));
    sorted
}

fn limited<'a>(
    settings: &Settings,
    articles: impl Iterator<Item = &'a Article>,
) -> Vec<&'a Article> {
    articles.take(settings.item_limit().unwrap_or(usize::MAX)).collect()
}

/// The calendar month an article was published in, in its own offset: `2022-01`.
fn month(article: &Article) -> String {
    let published = article.published();
    format!("{:04}-{:02}", published.year(), published.month())
}

fn feed_id(settings: &Settings, stem: Option<&str>) -> String {
    format!("{}feeds/{}", settings.id_prefix(), stem.unwrap_or("main"))
}

/// The main feed of `sorted` articles.
pub(crate) fn main_page<'a>(settings: &Settings, sorted: &[&'a Article]) -> Page<'a> {
    let mut links = vec![("self", None)];
    if let Some(newest) = sorted.first() {
        links.push(("prev-archive", Some(format!("archive/{}", month(newest)))));
    }
    Page {
        stem: None,
        title: settings.title().to_owned(),
        name: settings.title().to_owned(),
        id: feed_id(settings, None),
        archive: false,
        links,
        articles: limited(settings, sorted.iter().copied()),
    }
}

/// Every page of the site, main feed first, then archives, places and tags, each in name order.
pub(crate) fn pages<'a>(settings: &Settings, articles: &'a [Article]) -> Vec<Page<'a>> {
    let sorted = sorted(articles);
    let mut pages = vec![main_page(settings, &sorted)];

    let mut months: BTreeMap<String, Vec<&Article>> = BTreeMap::new();
    for article in &sorted {
        months.entry(month(article)).or_default().push(article);
    }
    let names: Vec<&String> = months.keys().collect();
    for (index, (name, articles)) in months.iter().enumerate() {
        let stem = format!("archive/{name}");
        let mut links = vec![("self", Some(stem.clone())), ("current", None)];
        if let Some(previous) = index.checked_sub(1).map(|index| names[index]) {
            links.push(("prev-archive", Some(format!("archive/{previous}"))));
        }
        if let Some(next) = names.get(index + 1) {
            links.push(("next-archive", Some(format!("archive/{next}"))));
        }
        pages.push(Page {
            title: format!("{} — archive {name}", settings.title()),
            name: name.clone(),
            id: feed_id(settings, Some(&stem)),
            stem: Some(stem),
            archive: true,
            links,
            articles: articles.clone(),
        });
    }

    let places =
        group(&sorted, |article| article.place().map(|place| place.name()).into_iter().collect());
    let tags = group(&sorted, |article| article.tags().iter().map(|tag| tag.as_str()).collect());
    for (directory, groups) in [("places", places), ("tags", tags)] {
        let slugs = slug::unique_slugs(groups.keys().copied());
        let mut named: Vec<(String, &str, Vec<&Article>)> = groups
            .into_iter()
            .map(|(name, articles)| (format!("{directory}/{}", slugs[name]), name, articles))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        for (stem, name, articles) in named {
            pages.push(Page {
                title: format!("{}: {name}", settings.title()),
                name: name.to_owned(),
                id: feed_id(settings, Some(&stem)),
                links: vec![("self", Some(stem.clone()))],
                stem: Some(stem),
                archive: false,
                articles: limited(settings, articles.into_iter()),
            });
        }
    }
    pages
}

/// Articles by each name `names_of` gives them, keeping the order of `sorted`.
fn group<'a>(
    sorted: &[&'a Article],
    names_of: impl Fn(&'a Article) -> Vec<&'a str>,
) -> BTreeMap<&'a str, Vec<&'a Article>> {
    let mut groups: BTreeMap<&str, Vec<&Article>> = BTreeMap::new();
    for article in sorted {
        for name in names_of(article) {
            groups.entry(name).or_default().push(article);
        }
    }
    groups
}
