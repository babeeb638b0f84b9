//! Feeds: the second stage of the wirefeed pipeline, from `Article` values to the published
//! site — RSS 2.0 and Atom 1.0 feeds (main, monthly archives, places, tags), JSON Feed 1.1 and
//! OPML.
//!
//! `site` gives every file by path; `rss_channel` and `atom_feed` give the main feed as values.
//! Converting is total: an `Article` is valid by construction and `Settings` are checked when
//! they are read. Only writing can fail, with an error from the `rss`, `atom_syndication` or
//! `serde_json` writers, which is passed on. The bytes are the same for the same input on every
//! run and machine: no clock, no randomness, no hash-map order, parallel work collected in order.
//!
//! This crate is the only one that knows the feed formats and HTML. It does no file I/O: the
//! caller reads seeds and settings, and writes the bytes it gets back.

#![warn(missing_docs)]

/// The RFC 5005 `<fh:archive/>` element and its namespace declaration, as the extension map and
/// namespace map of either crate: `rss` and `atom_syndication` have extension types of the same
/// shape but distinct types, so one macro serves both.
macro_rules! archive_marker {
    ($module:path) => {{
        use $module as extension;
        let archive = extension::Extension {
            name: "fh:archive".to_owned(),
            value: None,
            attrs: std::collections::BTreeMap::new(),
            children: std::collections::BTreeMap::new(),
        };
        let extensions: extension::ExtensionMap = std::collections::BTreeMap::from([(
            "fh".to_owned(),
            std::collections::BTreeMap::from([("archive".to_owned(), vec![archive])]),
        )]);
        let namespaces =
            std::collections::BTreeMap::from([("fh".to_owned(), crate::HISTORY_NS.to_owned())]);
        (extensions, namespaces)
    }};
}

mod atom1;
mod entry;
mod html;
mod json;
pub mod layout;
mod opml;
mod page;
mod rss2;
mod settings;
mod site;
mod sitemap;
mod slug;
mod splice;
mod web;
mod write;

pub use crate::{
    atom1::atom_feed,
    entry::{Entry, Held, Library, LibraryError, entries},
    html::{article_html, text_html},
    layout::{is_generated, media_type},
    page::{Earlier, Facts, Kept, order_made_over},
    rss2::rss_channel,
    settings::{Settings, SettingsError},
    site::{Site, SiteFile, site},
    write::{WriteError, write_atom, write_rss},
};

use article::Article;
use atom_syndication as atom;

use crate::{layout::Format, page::Page};

/// The identity of an article in every feed: the Atom entry id and the RSS guid.
///
/// A `tag:` URI of the settings' `id-prefix` and the article's id (its key unless an `id:` field
/// overrides it). It depends on nothing that an edit, a new date or a move to another host
/// changes, so readers never show an article twice.
pub fn entry_id(settings: &Settings, article: &Article) -> String {
    [settings.id_prefix(), article.id().as_str()].concat()
}

/// Where an article's page is, relative to the output directory: `articles/<key>.html`.
pub fn article_path(article: &Article) -> String {
    layout::article_path(article.key().as_str())
}

/// Where an article is read: its `link:` field if it has one, else its page on this site. This
/// is the item link of every feed and the canonical URL of the article's page.
pub fn article_url(settings: &Settings, article: &Article) -> String {
    match article.link() {
        Some(link) => link.to_string(),
        None => settings.url_of_parts(&layout::article_path_parts(article.key().as_str())),
    }
}

/// The articles the main feed shows: newest publication first, ties broken by key, at most the
/// item limit of the settings.
pub fn newest<'a>(settings: &Settings, articles: &'a [Article]) -> Vec<&'a Article> {
    let entries = entries(articles);
    let page = page::main_page(settings, &entries, &page::sorted(settings, &entries));
    page.articles.into_iter().map(|index| &articles[index]).collect()
}

/// The namespace of RFC 5005, "Feed Paging and Archiving".
pub(crate) const HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

/// An article's categories where a format has no way to tell a place from a topic (RSS
/// `category`, JSON Feed `tags`): the place, then the tags, without repeats.
pub(crate) fn category_names(article: &Article) -> Vec<&str> {
    let mut names: Vec<&str> = article.place().map(|place| place.name()).into_iter().collect();
    for tag in article.tags() {
        if !names.contains(&tag.as_str()) {
            names.push(tag.as_str());
        }
    }
    names
}

/// The sizes of the photos below the seeds directory that articles name, by path: what an RSS
/// enclosure's length needs. A photo missing from it has its length given as 0.
pub type Photos = std::collections::BTreeMap<String, u64>;

/// Where a photo is published: its own URL, or for a photo below the seeds directory, its copy
/// under `media/`.
pub fn image_url(settings: &Settings, image: &article::Image) -> String {
    match image.source() {
        article::ImageSource::Remote(link) => link.as_str().to_owned(),
        article::ImageSource::Local(path) => settings.url_of(&layout::photo_path(path)),
    }
}

/// The size of a photo in bytes, if known: a photo elsewhere has one we do not know.
pub(crate) fn image_length(photos: &Photos, image: &article::Image) -> Option<u64> {
    match image.source() {
        article::ImageSource::Local(path) => photos.get(path).copied(),
        article::ImageSource::Remote(_) => None,
    }
}

/// A link as both formats write it: Atom `<link>`, RSS `<atom:link>`.
pub(crate) fn atom_link(href: String, rel: &str, mime_type: Option<&str>) -> atom::Link {
    atom::Link {
        href,
        rel: rel.to_owned(),
        hreflang: None,
        mime_type: mime_type.map(str::to_owned),
        title: None,
        length: None,
    }
}

/// A page's links to the site's other pages (self, archives, current), in `format`.
pub(crate) fn page_links(settings: &Settings, page: &Page, format: Format) -> Vec<atom::Link> {
    page.links
        .iter()
        .map(|(rel, kind)| {
            let href = settings.url_of(&kind.feed_path(format));
            atom_link(href, rel, Some(format.media_type()))
        })
        .collect()
}

/// The page's WebSub hub link, if it announces one.
pub(crate) fn hub_link(settings: &Settings, page: &Page) -> Option<atom::Link> {
    page.hub(settings).map(|hub| atom_link(hub.to_owned(), "hub", None))
}

/// Who the feed credits for an article: its authors (the `author:` field, or every person its
/// bylines name), else its agency, else the feed's author.
pub(crate) fn bylines<'a>(settings: &'a Settings, article: &'a Article) -> Vec<&'a str> {
    let authors: Vec<&str> = article.authors().iter().map(|author| author.as_str()).collect();
    if !authors.is_empty() {
        return authors;
    }
    vec![article.agency().map_or(settings.author(), |agency| agency.as_str())]
}

/// The generator's name and version, as both formats announce it.
pub(crate) const GENERATOR: &str = "wirefeed";
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// An article parsed with the default settings, for the unit tests of this crate.
#[cfg(test)]
pub(crate) fn parsed(key: &str, text: &str) -> Article {
    let key = article::ArticleKey::new(key).unwrap();
    article::parse(&key, text.as_bytes(), &Settings::defaults().parse_options()).unwrap().article
}
