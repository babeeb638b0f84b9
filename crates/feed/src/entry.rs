//! What planning the site needs of an article, and where the renderers get the rest.
//!
//! The plan (which pages, which articles on each, how they link, which dates they carry) is made
//! from [`Entry`] values alone: an article's key, dates, place, tags and size, a few hundred
//! bytes however long its text. The full [`Article`] is asked of a [`Library`] only when a file
//! that shows it is written, so a caller can plan a site of millions of articles and keep none
//! of their text in memory.

use std::{ops::Deref, sync::Arc};

use article::{Article, ArticleKey};
use chrono::{DateTime, FixedOffset};

/// An article as the plan sees it: everything but its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    key: ArticleKey,
    published: DateTime<FixedOffset>,
    updated: DateTime<FixedOffset>,
    place: Option<Arc<str>>,
    tags: Box<[Arc<str>]>,
    size: u32,
    /// Withdrawn (`status: withdrawn`): in no live feed, a tombstone in the Atom pages that
    /// held it, and a notice as its page.
    withdrawn: bool,
    /// Before this time the article is nowhere.
    embargo: Option<DateTime<FixedOffset>>,
    /// Its photo's path below the seeds directory, if it has one there.
    photo: Option<Arc<str>>,
}

impl Entry {
    /// The entry of a parsed article.
    pub fn of(article: &Article) -> Entry {
        Entry {
            key: article.key().clone(),
            published: article.published(),
            updated: article.updated(),
            place: article.place().map(|place| Arc::from(place.name())),
            tags: article.tags().iter().map(|tag| Arc::from(tag.as_str())).collect(),
            size: text_size(article),
            withdrawn: article.withdrawal().is_some(),
            embargo: article.embargo(),
            photo: article.image().and_then(|image| match image.source() {
                article::ImageSource::Local(path) => Some(Arc::from(path.as_str())),
                article::ImageSource::Remote(_) => None,
            }),
        }
    }

    /// An entry from its parts, as a cache stored them; `place` and `tags` as [`Entry::place`]
    /// and [`Entry::tags`] gave them (shared strings, so a cache can give every article of a
    /// place the same one).
    pub fn from_parts(
        key: ArticleKey,
        published: DateTime<FixedOffset>,
        updated: DateTime<FixedOffset>,
        place: Option<Arc<str>>,
        tags: Box<[Arc<str>]>,
        size: u32,
    ) -> Entry {
        Entry {
            key,
            published,
            updated,
            place,
            tags,
            size,
            withdrawn: false,
            embargo: None,
            photo: None,
        }
    }

    /// The same entry, withdrawn or not, and under an embargo until `embargo`, as a cache stored
    /// them.
    pub fn with_desk(self, withdrawn: bool, embargo: Option<DateTime<FixedOffset>>) -> Entry {
        Entry { withdrawn, embargo, ..self }
    }

    /// The same entry with its photo below the seeds directory, as a cache stored it.
    pub fn with_photo(self, photo: Option<Arc<str>>) -> Entry {
        Entry { photo, ..self }
    }

    /// The path of its photo below the seeds directory, if it has one there.
    pub fn photo(&self) -> Option<&Arc<str>> {
        self.photo.as_ref()
    }

    /// Whether the article was withdrawn.
    pub fn withdrawn(&self) -> bool {
        self.withdrawn
    }

    /// The time before which the article must appear nowhere.
    pub fn embargo(&self) -> Option<DateTime<FixedOffset>> {
        self.embargo
    }

    /// Whether the article may appear at `now`: it has no embargo, or its embargo is over. With
    /// no `now`, an embargoed article never appears.
    pub fn released(&self, now: Option<DateTime<FixedOffset>>) -> bool {
        match (self.embargo, now) {
            (None, _) => true,
            (Some(embargo), Some(now)) => embargo <= now,
            (Some(_), None) => false,
        }
    }

    /// The article's key: its seed's name, and its page's.
    pub fn key(&self) -> &ArticleKey {
        &self.key
    }

    /// When the article was first published.
    pub fn published(&self) -> DateTime<FixedOffset> {
        self.published
    }

    /// When it was published, as seconds and nanoseconds since the Unix epoch: the instant
    /// articles are ordered by, whatever their offsets.
    pub fn instant(&self) -> (i64, u32) {
        (self.published.timestamp(), self.published.timestamp_subsec_nanos())
    }

    /// When it last changed.
    pub fn updated(&self) -> DateTime<FixedOffset> {
        self.updated
    }

    /// The name of the place it was filed in.
    pub fn place(&self) -> Option<&Arc<str>> {
        self.place.as_ref()
    }

    /// Its topic tags.
    pub fn tags(&self) -> &[Arc<str>] {
        &self.tags
    }

    /// Roughly how many bytes its text takes in a feed: what bounds an archive page's size.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// The same entry with its place and tags replaced by equal shared strings from `intern`,
    /// so that a million entries of a hundred places hold a hundred strings.
    pub fn interned(self, mut intern: impl FnMut(&str) -> Arc<str>) -> Entry {
        Entry {
            place: self.place.map(|place| intern(&place)),
            tags: self.tags.iter().map(|tag| intern(tag)).collect(),
            ..self
        }
    }
}

/// The size of an article's text, in bytes, saturating.
fn text_size(article: &Article) -> u32 {
    let blocks: usize = article.blocks().iter().map(|block| block.text().len()).sum();
    u32::try_from(blocks + article.headline().as_str().len()).unwrap_or(u32::MAX)
}

/// Where the renderers get the full article of an entry: by its index in the entries the site
/// was planned from.
///
/// A library may hold every article, or read each one when it is asked for; it fails when it
/// cannot give the article the entry was made from (its seed changed or went away since).
pub trait Library: Sync {
    /// The article of entry `index`.
    fn article(&self, index: usize) -> Result<Held<'_>, LibraryError>;

    /// The bytes of the photo at `path` below the seeds directory, to publish a copy of. A
    /// library of articles alone has none.
    fn photo(&self, path: &str) -> Result<Vec<u8>, LibraryError> {
        Err(format!("no photo {path}: this library holds articles only").into())
    }
}

/// An article a library gives: one it holds, or one it shares with a cache.
#[derive(Debug, Clone)]
pub enum Held<'a> {
    /// Held by the library for as long as it lives.
    Borrowed(&'a Article),
    /// Shared, for instance with a cache of recently read articles.
    Shared(Arc<Article>),
}

impl Deref for Held<'_> {
    type Target = Article;

    fn deref(&self) -> &Article {
        match self {
            Held::Borrowed(article) => article,
            Held::Shared(article) => article,
        }
    }
}

/// Why a library could not give an article.
pub type LibraryError = Box<dyn std::error::Error + Send + Sync>;

/// Articles in memory are their own library: entry `i` is article `i`.
impl Library for [Article] {
    fn article(&self, index: usize) -> Result<Held<'_>, LibraryError> {
        Ok(Held::Borrowed(&self[index]))
    }
}

/// The entries of articles in memory, in the same order.
pub fn entries(articles: &[Article]) -> Vec<Entry> {
    let mut names: std::collections::BTreeMap<Box<str>, Arc<str>> = Default::default();
    articles
        .iter()
        .map(|article| {
            Entry::of(article).interned(|name| {
                names.entry(name.into()).or_insert_with(|| Arc::from(name)).clone()
            })
        })
        .collect()
}
