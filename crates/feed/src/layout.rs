//! The layout of the published site: every file's path, what kind of file it is, and the media
//! type a host serves it with. This module is the only place that knows the site's paths;
//! everything else asks it, and nothing recovers a kind from a path by matching prefixes.
//!
//! | path | kind |
//! |---|---|
//! | `atom.xml`, `rss.xml`, `index.html` | the main feed and its HTML twin |
//! | `archive/YYYY-MM.{atom.xml,rss.xml,html}` | an RFC 5005 archive month |
//! | `places/<slug>.{atom.xml,rss.xml,html}` | the feed of one place |
//! | `tags/<slug>.{atom.xml,rss.xml,html}` | the feed of one tag |
//! | `articles/<key>.html` | an article's page |
//! | `feed.json`, `feeds.opml`, `style.css` | the JSON Feed, the OPML list, the stylesheet |

use std::fmt;

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
    /// The RFC 5005 archive page of one month, `YYYY-MM`.
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
}

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
        }
    }

    /// The media type a host should serve the file with.
    pub fn media_type(&self) -> &'static str {
        match self {
            FileKind::Feed(_, format) => format.media_type(),
            FileKind::Html(_) | FileKind::Article(_) => HTML_TYPE,
            FileKind::JsonFeed => JSON_FEED_TYPE,
            FileKind::Opml => OPML_TYPE,
            FileKind::Stylesheet => CSS_TYPE,
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
            _ => {}
        }
        let (directory, name) = path.split_once('/')?;
        if directory == "articles" {
            let key = name.strip_suffix(".html")?;
            return article::ArticleKey::new(key)
                .is_ok()
                .then(|| FileKind::Article(key.to_owned()));
        }
        let (stem, ending) = name.split_once('.')?;
        let page = match directory {
            "archive" if is_month(stem) => PageKind::Archive(stem.to_owned()),
            "places" if is_slug(stem) => PageKind::Place(stem.to_owned()),
            "tags" if is_slug(stem) => PageKind::Tag(stem.to_owned()),
            _ => return None,
        };
        match ending {
            "atom.xml" => Some(FileKind::Feed(page, Format::Atom)),
            "rss.xml" => Some(FileKind::Feed(page, Format::Rss)),
            "html" => Some(FileKind::Html(page)),
            _ => None,
        }
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

/// Where an article's page is: `articles/<key>.html`.
pub fn article_path(key: &str) -> String {
    format!("articles/{key}.html")
}

/// Whether a path of the output directory is one the site may write, so that a build may
/// delete it when no page produces it any more (an archive month or place whose articles are
/// gone). Files of any other name are the user's and are never touched.
pub fn is_generated(path: &str) -> bool {
    FileKind::parse(path).is_some()
}

/// The media type a host should serve a file of the site with, by its path (`/`-separated,
/// relative to the output directory); `None` for a file the site does not make.
pub fn media_type(path: &str) -> Option<&'static str> {
    FileKind::parse(path).map(|kind| kind.media_type())
}

/// `2022-01`.
fn is_month(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && bytes[4] == b'-'
        && bytes.iter().enumerate().all(|(index, byte)| index == 4 || byte.is_ascii_digit())
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
    use super::{FileKind, Format, PageKind, is_generated, media_type};

    #[test]
    fn paths_and_kinds_are_inverse() {
        let pages = [
            PageKind::Main,
            PageKind::Archive("2022-01".to_owned()),
            PageKind::Place("st-petersburg".to_owned()),
            PageKind::Tag("politics-1a2b3c4d".to_owned()),
        ];
        let mut kinds: Vec<FileKind> = pages
            .iter()
            .flat_map(|page| {
                Format::ALL
                    .into_iter()
                    .map(|format| FileKind::Feed(page.clone(), format))
                    .chain([FileKind::Html(page.clone())])
            })
            .collect();
        kinds.extend([
            FileKind::Article("000_a64b384920c9e53b".to_owned()),
            FileKind::JsonFeed,
            FileKind::Opml,
            FileKind::Stylesheet,
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
            "places/Moskva.html",
            "places/-x.html",
            "places/x.json",
            "places/a/b.html",
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
        assert_eq!(media_type("robots.txt"), None);
    }
}
