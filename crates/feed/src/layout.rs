//! The layout of the published site: every file's path, what kind of file it is, and the media
//! type a host serves it with. This module is the only place that knows the site's paths;
//! everything else asks it, and nothing recovers a kind from a path by matching prefixes.
//!
//! | path | kind |
//! |---|---|
//! | `atom.xml`, `rss.xml`, `index.html` | the main feed and its HTML twin |
//! | `archive/YYYY-MM.{atom.xml,rss.xml,html}` | an RFC 5005 archive page: one month |
//! | `archive/YYYY-MM-DD.{atom.xml,rss.xml,html}` | an archive page: one day of a month too big for one |
//! | `archive/YYYY-MM-DD.N.{atom.xml,rss.xml,html}` | an archive page: part `N` (from 1) of a day too big for one |
//! | `places/<slug>.{atom.xml,rss.xml,html}` | the feed of one place |
//! | `tags/<slug>.{atom.xml,rss.xml,html}` | the feed of one tag |
//! | `articles/<key>.html` | an article's page |
//! | `places/<slug>/<period>.html`, `tags/<slug>/<period>.html` | an older page of a place or tag: the period is an archive page's name |
//! | `places.html`, `topics.html`, `archive.html` | the lists of places, topics and archive pages |
//! | `search.html`, `404.html` | the search page, the page static hosts show for a missing file |
//! | `sitemap.xml`, `sitemaps/<period>.xml` | the sitemap; an index of one sitemap per archive page beyond 50,000 addresses |
//! | `news-sitemap.xml`, `robots.txt`, `favicon.svg` | the Google News sitemap, the crawlers' rules, the icon |
//! | `feed.json`, `feeds.opml`, `style.css` | the JSON Feed, the OPML list, the stylesheet |

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// The two XML formats a page is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Atom 1.0 (RFC 4287).
    Atom,
    /// RSS 2.0.
    Rss,
}

impl Format {
    /// Both formats, Atom first (the one readers are offered first).
    pub const ALL: [Format; 2] = [Format::Atom, Format::Rss];

    /// `atom` or `rss`, as in `archive/2022-01.atom.xml`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Atom => "atom",
            Format::Rss => "rss",
        }
    }

    /// The format's name for people: `Atom`, `RSS`.
    pub fn label(self) -> &'static str {
        match self {
            Format::Atom => "Atom",
            Format::Rss => "RSS",
        }
    }

    /// The registered media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Atom => ATOM_TYPE,
            Format::Rss => RSS_TYPE,
        }
    }
}

/// The media type of Atom feeds (RFC 4287).
pub const ATOM_TYPE: &str = "application/atom+xml";
/// The media type of RSS feeds.
pub const RSS_TYPE: &str = "application/rss+xml";
/// The media type of the JSON Feed (JSON Feed 1.1).
pub const JSON_FEED_TYPE: &str = "application/feed+json";
/// The media type of OPML subscription lists.
pub const OPML_TYPE: &str = "text/x-opml";
/// The media type of the site's pages.
pub const HTML_TYPE: &str = "text/html; charset=utf-8";
/// The media type of the stylesheet.
pub const CSS_TYPE: &str = "text/css; charset=utf-8";

/// What a feed page is about, and so where its files are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageKind {
    /// The main feed: the newest articles.
    Main,
    /// An RFC 5005 archive page, by its [`Archive`] name: `YYYY-MM`, `YYYY-MM-DD` or
    /// `YYYY-MM-DD.N`.
    Archive(String),
    /// The feed of one place, by slug.
    Place(String),
    /// The feed of one tag, by slug.
    Tag(String),
}

impl PageKind {
    /// The directory of the page's files, `None` for the main feed.
    pub fn directory(&self) -> Option<&'static str> {
        match self {
            PageKind::Main => None,
            PageKind::Archive(_) => Some("archive"),
            PageKind::Place(_) => Some("places"),
            PageKind::Tag(_) => Some("tags"),
        }
    }

    /// The path without its format: `archive/2022-01`, `places/minsk`; `None` for the main feed.
    pub fn stem(&self) -> Option<String> {
        match self {
            PageKind::Main => None,
            PageKind::Archive(name) | PageKind::Place(name) | PageKind::Tag(name) => {
                Some(format!("{}/{name}", self.directory().expect("only Main has none")))
            }
        }
    }

    /// The page's feed in `format`: `atom.xml`, `places/minsk.rss.xml`.
    pub fn feed_path(&self, format: Format) -> String {
        match self.stem() {
            None => format!("{}.xml", format.extension()),
            Some(stem) => format!("{stem}.{}.xml", format.extension()),
        }
    }

    /// The page's HTML twin: `index.html` for the main feed, else `<stem>.html`.
    pub fn html_path(&self) -> String {
        match self.stem() {
            None => "index.html".to_owned(),
            Some(stem) => format!("{stem}.html"),
        }
    }

    /// Whether this is an RFC 5005 archive page.
    pub fn is_archive(&self) -> bool {
        matches!(self, PageKind::Archive(_))
    }

    /// The archive page of `archive`.
    pub fn archive(archive: Archive) -> PageKind {
        PageKind::Archive(archive.name())
    }

    /// What an archive page holds; `None` for other pages (and for a name no plan gives).
    pub fn as_archive(&self) -> Option<Archive> {
        match self {
            PageKind::Archive(name) => Archive::parse(name),
            _ => None,
        }
    }
}

/// The most articles an archive page holds: a month or a day with more is split.
pub const ARCHIVE_ARTICLES: usize = 1_000;

/// The most bytes an archive page's feed takes, in either format, as the plan estimates them
/// from its articles' sizes: a month or a day with more is split.
pub const ARCHIVE_BYTES: u64 = 10_000_000;

/// Which articles an RFC 5005 archive page holds, by when they were published (each in its own
/// offset): those of a month, those of a day, or one part of a day's, counted from 1 at the
/// oldest. A month has either its own page or one page (or parts) per day; a day has either its
/// own page or its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Archive {
    /// A calendar month: `2022-01`. The month is 1 to 12.
    Month {
        /// The year, 0 to 9999.
        year: i32,
        /// The month, 1 to 12.
        month: u32,
    },
    /// A calendar day: `2022-01-10`.
    Day(NaiveDate),
    /// Part `N` of a day, `N` from 1: `2022-01-10.2`.
    Part(NaiveDate, u32),
}

impl Archive {
    /// The page's name, the stem of its files below `archive/`: `2022-01`, `2022-01-10`,
    /// `2022-01-10.2`.
    pub fn name(self) -> String {
        match self {
            Archive::Month { year, month } => format!("{year:04}-{month:02}"),
            Archive::Day(day) => day_name(day),
            Archive::Part(day, part) => format!("{}.{part}", day_name(day)),
        }
    }

    /// The archive of a name [`Archive::name`] gives; `None` for any other text, such as
    /// `2022-13`, `2022-02-30`, `2022-01-10.0` or `2022-01-10.01`.
    pub fn parse(name: &str) -> Option<Archive> {
        let (date, part) = match name.split_once('.') {
            Some((date, part)) => (date, Some(part)),
            None => (name, None),
        };
        let bytes = date.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let text = date.get(range)?;
            text.bytes().all(|byte| byte.is_ascii_digit()).then(|| text.parse().ok())?
        };
        let archive = match bytes.len() {
            7 if bytes[4] == b'-' => {
                let (year, month) = (digits(0..4)?, digits(5..7)?);
                (1..=12).contains(&month).then_some(Archive::Month { year: year as i32, month })?
            }
            10 if bytes[4] == b'-' && bytes[7] == b'-' => Archive::Day(NaiveDate::from_ymd_opt(
                digits(0..4)? as i32,
                digits(5..7)?,
                digits(8..10)?,
            )?),
            _ => return None,
        };
        match (archive, part) {
            (archive, None) => Some(archive),
            (Archive::Day(day), Some(part)) => {
                let canonical = !part.starts_with('0')
                    && !part.is_empty()
                    && part.bytes().all(|byte| byte.is_ascii_digit());
                canonical.then(|| part.parse().ok().map(|part| Archive::Part(day, part)))?
            }
            _ => None,
        }
    }

    /// The page's name for people: `January 2022`, `10 January 2022`,
    /// `10 January 2022 (part 2)`.
    pub fn label(self) -> String {
        match self {
            Archive::Month { year, month } => match NaiveDate::from_ymd_opt(year, month, 1) {
                Some(first) => first.format("%B %Y").to_string(),
                None => self.name(),
            },
            Archive::Day(day) => day.format("%-d %B %Y").to_string(),
            Archive::Part(day, part) => format!("{} (part {part})", day.format("%-d %B %Y")),
        }
    }
}

/// `2022-01-10`.
fn day_name(day: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// Every kind of file the site has.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// A page as a feed.
    Feed(PageKind, Format),
    /// A page as HTML.
    Html(PageKind),
    /// An article's own page, by article key.
    Article(String),
    /// The JSON Feed of the main page.
    JsonFeed,
    /// The OPML list of every subscription feed.
    Opml,
    /// The stylesheet of the pages.
    Stylesheet,
    /// A photo below the seeds directory, copied: by its path there.
    Photo(String),
    /// An older page of a place or tag, by the archive page name of its period.
    Period(PageKind, String),
    /// The list of every place, topic or archive page.
    Directory(Directory),
    /// The search page.
    Search,
    /// The page static hosts show for a file that is not there.
    NotFound,
    /// The site's icon.
    Favicon,
    /// The rules for crawlers, naming the sitemaps.
    Robots,
    /// The sitemap (`None`), or, beyond [`SITEMAP_URLS`] addresses, one it indexes: that of
    /// the pages but the articles' ([`SITEMAP_PAGES`]), or of one archive page's articles, by
    /// its name.
    Sitemap(Option<String>),
    /// The Google News sitemap: the articles of the two days up to the newest one.
    NewsSitemap,
}

/// The lists of the site's pages by kind, each a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Directory {
    /// `places.html`.
    Places,
    /// `topics.html`, the tags' pages.
    Topics,
    /// `archive.html`.
    Archive,
}

impl Directory {
    /// All three, in the order of the navigation.
    pub const ALL: [Directory; 3] = [Directory::Places, Directory::Topics, Directory::Archive];

    /// `places.html`, `topics.html`, `archive.html`.
    pub fn path(self) -> &'static str {
        match self {
            Directory::Places => "places.html",
            Directory::Topics => "topics.html",
            Directory::Archive => "archive.html",
        }
    }

    /// `Places`, `Topics`, `Archive`.
    pub fn label(self) -> &'static str {
        match self {
            Directory::Places => "Places",
            Directory::Topics => "Topics",
            Directory::Archive => "Archive",
        }
    }
}

/// The most articles the first page of an HTML list shows (the index, a place's or a tag's).
pub const PAGE_ARTICLES: usize = 50;

/// The most addresses one sitemap lists (sitemaps.org): beyond, `sitemap.xml` is an index.
pub const SITEMAP_URLS: usize = 50_000;

/// The search page.
pub const SEARCH_PATH: &str = "search.html";
/// The page for a missing file.
pub const NOT_FOUND_PATH: &str = "404.html";
/// The icon.
pub const FAVICON_PATH: &str = "favicon.svg";
/// The crawlers' rules.
pub const ROBOTS_PATH: &str = "robots.txt";
/// The sitemap, or the sitemap index.
pub const SITEMAP_PATH: &str = "sitemap.xml";
/// The Google News sitemap.
pub const NEWS_SITEMAP_PATH: &str = "news-sitemap.xml";
/// The directory of the sitemaps that `sitemap.xml` indexes beyond [`SITEMAP_URLS`].
pub const SITEMAPS_DIR: &str = "sitemaps";
/// The name of the sitemap of the pages but the articles' in [`SITEMAPS_DIR`]; the others are
/// named after archive pages.
pub const SITEMAP_PAGES: &str = "pages";

/// `sitemaps/<name>.xml`.
pub fn sitemap_path(name: &str) -> String {
    format!("{SITEMAPS_DIR}/{name}.xml")
}

/// The media type of the icon.
pub const SVG_TYPE: &str = "image/svg+xml";
/// The media type of the sitemaps.
pub const XML_TYPE: &str = "application/xml; charset=utf-8";
/// The media type of `robots.txt`.
pub const TEXT_TYPE: &str = "text/plain; charset=utf-8";

impl FileKind {
    /// The file's path relative to the output directory, `/`-separated.
    pub fn path(&self) -> String {
        match self {
            FileKind::Feed(page, format) => page.feed_path(*format),
            FileKind::Html(page) => page.html_path(),
            FileKind::Article(key) => article_path(key),
            FileKind::JsonFeed => JSON_FEED_PATH.to_owned(),
            FileKind::Opml => OPML_PATH.to_owned(),
            FileKind::Stylesheet => STYLESHEET_PATH.to_owned(),
            FileKind::Photo(path) => photo_path(path),
            FileKind::Period(page, period) => period_path(page, period),
            FileKind::Directory(directory) => directory.path().to_owned(),
            FileKind::Search => SEARCH_PATH.to_owned(),
            FileKind::NotFound => NOT_FOUND_PATH.to_owned(),
            FileKind::Favicon => FAVICON_PATH.to_owned(),
            FileKind::Robots => ROBOTS_PATH.to_owned(),
            FileKind::Sitemap(None) => SITEMAP_PATH.to_owned(),
            FileKind::Sitemap(Some(name)) => sitemap_path(name),
            FileKind::NewsSitemap => NEWS_SITEMAP_PATH.to_owned(),
        }
    }

    /// The media type a host should serve the file with.
    pub fn media_type(&self) -> &'static str {
        match self {
            FileKind::Feed(_, format) => format.media_type(),
            FileKind::Html(_)
            | FileKind::Article(_)
            | FileKind::Period(..)
            | FileKind::Directory(_)
            | FileKind::Search
            | FileKind::NotFound => HTML_TYPE,
            FileKind::Favicon => SVG_TYPE,
            FileKind::Robots => TEXT_TYPE,
            FileKind::Sitemap(_) | FileKind::NewsSitemap => XML_TYPE,
            FileKind::JsonFeed => JSON_FEED_TYPE,
            FileKind::Opml => OPML_TYPE,
            FileKind::Stylesheet => CSS_TYPE,
            FileKind::Photo(path) => {
                article::media_type(path).unwrap_or("application/octet-stream")
            }
        }
    }

    /// The kind of file at `path`, if the site can have a file there: the inverse of
    /// [`FileKind::path`], so `parse(kind.path()) == Some(kind)` for every kind.
    pub fn parse(path: &str) -> Option<FileKind> {
        match path {
            "atom.xml" => return Some(FileKind::Feed(PageKind::Main, Format::Atom)),
            "rss.xml" => return Some(FileKind::Feed(PageKind::Main, Format::Rss)),
            "index.html" => return Some(FileKind::Html(PageKind::Main)),
            JSON_FEED_PATH => return Some(FileKind::JsonFeed),
            OPML_PATH => return Some(FileKind::Opml),
            STYLESHEET_PATH => return Some(FileKind::Stylesheet),
            SEARCH_PATH => return Some(FileKind::Search),
            NOT_FOUND_PATH => return Some(FileKind::NotFound),
            FAVICON_PATH => return Some(FileKind::Favicon),
            ROBOTS_PATH => return Some(FileKind::Robots),
            SITEMAP_PATH => return Some(FileKind::Sitemap(None)),
            NEWS_SITEMAP_PATH => return Some(FileKind::NewsSitemap),
            _ => {}
        }
        if let Some(directory) = Directory::ALL.into_iter().find(|d| d.path() == path) {
            return Some(FileKind::Directory(directory));
        }
        let (directory, name) = path.split_once('/')?;
        if directory == SITEMAPS_DIR {
            let period = name.strip_suffix(".xml")?;
            let known = period == SITEMAP_PAGES || Archive::parse(period).is_some();
            return known.then(|| FileKind::Sitemap(Some(period.to_owned())));
        }
        if let ("places" | "tags", Some((slug, file))) = (directory, name.split_once('/')) {
            let period = file.strip_suffix(".html")?;
            let page = match directory {
                "places" => PageKind::Place(slug.to_owned()),
                _ => PageKind::Tag(slug.to_owned()),
            };
            return (is_slug(slug) && Archive::parse(period).is_some())
                .then(|| FileKind::Period(page, period.to_owned()));
        }
        if directory == PHOTOS_DIR {
            return article::local_photo(name).is_ok().then(|| FileKind::Photo(name.to_owned()));
        }
        if directory == "articles" {
            let key = name.strip_suffix(".html")?;
            return article::ArticleKey::new(key)
                .is_ok()
                .then(|| FileKind::Article(key.to_owned()));
        }
        // No ending is the end of another, and only an archive part's stem has a dot.
        let (stem, format) = [(".atom.xml", Some(Format::Atom)), (".rss.xml", Some(Format::Rss))]
            .into_iter()
            .chain([(".html", None)])
            .find_map(|(ending, format)| Some((name.strip_suffix(ending)?, format)))?;
        let page = match directory {
            "archive" if Archive::parse(stem).is_some() => PageKind::Archive(stem.to_owned()),
            "places" if is_slug(stem) => PageKind::Place(stem.to_owned()),
            "tags" if is_slug(stem) => PageKind::Tag(stem.to_owned()),
            _ => return None,
        };
        Some(match format {
            Some(format) => FileKind::Feed(page, format),
            None => FileKind::Html(page),
        })
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// The JSON Feed.
pub const JSON_FEED_PATH: &str = "feed.json";
/// The OPML list.
pub const OPML_PATH: &str = "feeds.opml";
/// The stylesheet.
pub const STYLESHEET_PATH: &str = "style.css";

/// The directory of the photos copied from below the seeds directory.
pub const PHOTOS_DIR: &str = "media";

/// Where a photo at `path` below the seeds directory is published: `media/<path>`.
pub fn photo_path(path: &str) -> String {
    format!("{PHOTOS_DIR}/{path}")
}

/// Where an older page of a place or tag is: `places/<slug>/<period>.html`.
pub fn period_path(page: &PageKind, period: &str) -> String {
    match page.stem() {
        Some(stem) => format!("{stem}/{period}.html"),
        None => format!("archive/{period}.html"),
    }
}

/// Where an article's page is: `articles/<key>.html`.
pub fn article_path(key: &str) -> String {
    // Made a million times in a build of a million articles: without `format!`'s machinery.
    let [directory, key, suffix] = article_path_parts(key);
    let mut path = String::with_capacity(directory.len() + key.len() + suffix.len());
    path.push_str(directory);
    path.push_str(key);
    path.push_str(suffix);
    path
}

/// The pieces of [`article_path`], for a caller that need not make it.
pub(crate) fn article_path_parts(key: &str) -> [&str; 3] {
    ["articles/", key, ".html"]
}

/// Whether a path of the output directory is one the site may write, so that a build may
/// delete it when no page produces it any more (an archive month or place whose articles are
/// gone). Files of any other name are the user's and are never touched.
pub fn is_generated(path: &str) -> bool {
    FileKind::parse(path).is_some()
}

/// Whether the site's file at `path` is a feed (Atom or RSS), not a sitemap or another XML
/// file.
pub fn is_feed(path: &str) -> bool {
    matches!(FileKind::parse(path), Some(FileKind::Feed(..)))
}

/// The media type a host should serve a file of the site with, by its path (`/`-separated,
/// relative to the output directory); `None` for a file the site does not make.
pub fn media_type(path: &str) -> Option<&'static str> {
    FileKind::parse(path).map(|kind| kind.media_type())
}

/// What `slug::unique_slugs` makes: lowercase ASCII letters and digits in runs joined by `-`.
fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.split('-').all(|run| {
            !run.is_empty() && run.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{Archive, FileKind, Format, PageKind, is_generated, media_type};

    #[test]
    fn paths_and_kinds_are_inverse() {
        let day = NaiveDate::from_ymd_opt(2022, 1, 10).unwrap();
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let archives = [
            Archive::Month { year: 2022, month: 1 },
            Archive::Month { year: 1, month: 12 },
            Archive::Day(day),
            Archive::Day(leap),
            Archive::Part(day, 1),
            Archive::Part(day, 2),
            Archive::Part(leap, 10),
            Archive::Part(day, u32::MAX),
        ];
        for archive in archives {
            assert_eq!(Archive::parse(&archive.name()), Some(archive), "{}", archive.name());
            assert_eq!(PageKind::archive(archive).as_archive(), Some(archive));
        }
        assert_eq!(Archive::Part(day, 2).name(), "2022-01-10.2");
        assert_eq!(Archive::Part(day, 2).label(), "10 January 2022 (part 2)");
        assert_eq!(Archive::Day(day).label(), "10 January 2022");
        assert_eq!(Archive::Month { year: 2022, month: 1 }.label(), "January 2022");
        let pages = archives.map(PageKind::archive).into_iter().chain([
            PageKind::Main,
            PageKind::Archive("2022-01".to_owned()),
            PageKind::Place("st-petersburg".to_owned()),
            PageKind::Tag("politics-1a2b3c4d".to_owned()),
        ]);
        let mut kinds: Vec<FileKind> = pages
            .flat_map(|page| {
                Format::ALL
                    .into_iter()
                    .map(|format| FileKind::Feed(page.clone(), format))
                    .chain([FileKind::Html(page.clone())])
                    .collect::<Vec<_>>()
            })
            .collect();
        kinds.extend([
            FileKind::Article("000_a64b384920c9e53b".to_owned()),
            FileKind::JsonFeed,
            FileKind::Opml,
            FileKind::Stylesheet,
            FileKind::Period(PageKind::Place("moskva".to_owned()), "2022-01-10.2".to_owned()),
            FileKind::Period(PageKind::Tag("a-b".to_owned()), "2022-01".to_owned()),
            FileKind::Directory(super::Directory::Places),
            FileKind::Directory(super::Directory::Topics),
            FileKind::Directory(super::Directory::Archive),
            FileKind::Search,
            FileKind::NotFound,
            FileKind::Favicon,
            FileKind::Robots,
            FileKind::Sitemap(None),
            FileKind::Sitemap(Some("2022-01-10.2".to_owned())),
            FileKind::Sitemap(Some("pages".to_owned())),
            FileKind::NewsSitemap,
        ]);
        for kind in kinds {
            assert_eq!(FileKind::parse(&kind.path()), Some(kind.clone()), "{kind}");
        }
    }

    #[test]
    fn only_the_sites_own_files_are_generated() {
        for path in [
            "atom.xml",
            "archive/2022-01.rss.xml",
            "archive/2022-01-10.html",
            "archive/2022-01-10.atom.xml",
            "archive/2022-01-10.1.rss.xml",
            "archive/2022-01-10.12.html",
            "archive/2024-02-29.3.atom.xml",
            "places/moskva.html",
            "tags/a-b.atom.xml",
            "articles/x.html",
        ] {
            assert!(is_generated(path), "{path}");
        }
        for path in [
            "notes.txt",
            "CNAME",
            "archive/notes.html",
            "archive/2022-1.atom.xml",
            "archive/2022-13.html",
            "archive/2022-00.rss.xml",
            "archive/2022-13-01.atom.xml",
            "archive/2022-02-30.html",
            "archive/2023-02-29.rss.xml",
            "archive/2022-01-1.html",
            "archive/2022-01-10.0.atom.xml",
            "archive/2022-01-10.01.html",
            "archive/2022-01-10.x.rss.xml",
            "archive/2022-01-10..html",
            "archive/2022-01-10.-1.html",
            "archive/2022-01-10.+1.html",
            "archive/2022-01-10.99999999999.html",
            "archive/2022-01.1.html",
            "archive/2022-01-10.1.2.html",
            "archive/2022-01-10.1.json",
            "archive/2022-01-10.atom.rss.xml",
            "archive/2022-01-10.1.atom.xml.123.tmp",
            "archive/.atom.xml",
            "archive/+022-01.html",
            "places/Moskva.html",
            "places/moskva/2022-13.html",
            "places/moskva/notes.html",
            "places/Moskva/2022-01.html",
            "tags/a/b/2022-01.html",
            "sitemaps/notes.xml",
            "sitemaps/2022-01.html",
            "places/-x.html",
            "places/x.json",
            "articles/.x.html",
            "articles/x.atom.xml",
            "tags/.x.atom.xml.123.tmp",
            "index.htm",
            "",
        ] {
            assert!(!is_generated(path), "{path}");
        }
        assert_eq!(media_type("tags/x.rss.xml"), Some("application/rss+xml"));
        assert_eq!(media_type("feed.json"), Some("application/feed+json"));
        assert_eq!(media_type("robots.txt"), Some("text/plain; charset=utf-8"));
        assert_eq!(media_type("notes.txt"), None);
    }
}
