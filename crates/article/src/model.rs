//! The article model: `Article` and the newtypes that make it valid by construction.
//!
//! Every type here has private fields and a checking constructor (or is only built by the
//! parser), getters that borrow, and no setters: once an `Article` exists, every serializer can
//! rely on its invariants without re-checking them.

use crate::unicode;
use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::{
    dateline::{Dateline, Place},
    desk::{Image, Urgency, Withdrawal},
    furniture::{Furniture, FurnitureKind},
};

/// One parsed wire article.
///
/// Holds everything that either RSS 2.0 or Atom 1.0 requires (identity, headline, dates), so the
/// serializers are total functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub(crate) key: ArticleKey,
    pub(crate) id: ArticleId,
    pub(crate) headline: Headline,
    pub(crate) headline_derived: bool,
    pub(crate) published: DateTime<FixedOffset>,
    pub(crate) updated: DateTime<FixedOffset>,
    /// Whether `date` was a day without a time.
    pub(crate) date_only: bool,
    /// Whether `updated` (or, without one, `date`) was a day without a time.
    pub(crate) updated_date_only: bool,
    pub(crate) language: Option<LanguageTag>,
    pub(crate) author: Option<Byline>,
    /// The `author:` field, otherwise the people the bylines name.
    pub(crate) authors: Vec<Byline>,
    /// The dateline's agency, otherwise the one the furniture names.
    pub(crate) agency: Option<Agency>,
    /// The dateline's first place, otherwise one a header gives.
    pub(crate) place: Option<Place>,
    /// Wire furniture, in the order of the copy.
    pub(crate) furniture: Vec<Furniture>,
    pub(crate) link: Option<Link>,
    pub(crate) tags: Vec<Tag>,
    pub(crate) dateline: Option<Dateline>,
    /// Never empty, and the first block is always a paragraph: the lede.
    pub(crate) blocks: Vec<Block>,
    /// The `correction:` field.
    pub(crate) correction: Option<String>,
    pub(crate) withdrawal: Option<Withdrawal>,
    pub(crate) embargo: Option<DateTime<FixedOffset>>,
    pub(crate) urgency: Option<Urgency>,
    pub(crate) image: Option<Image>,
}

impl Article {
    /// The file stem the article was read from: its permanent identity unless `id:` overrides it.
    pub fn key(&self) -> &ArticleKey {
        &self.key
    }

    /// The permanent identity: the `id:` field, otherwise the key.
    pub fn id(&self) -> &ArticleId {
        &self.id
    }

    /// The headline: the `title:` field, otherwise derived from the lede.
    pub fn headline(&self) -> &Headline {
        &self.headline
    }

    /// Whether the headline was derived from the lede rather than given by a `title:` field.
    pub fn headline_derived(&self) -> bool {
        self.headline_derived
    }

    /// The publication time. A date-only `date` field is midnight at the configured offset.
    pub fn published(&self) -> DateTime<FixedOffset> {
        self.published
    }

    /// The time of the last correction; equal to `published` when there was none.
    /// Never before `published`.
    pub fn updated(&self) -> DateTime<FixedOffset> {
        self.updated
    }

    /// Whether the publication was given as a day without a time (`date 2024-12-17`), so
    /// that its time of midnight is not news and pages show the day alone.
    pub fn date_only(&self) -> bool {
        self.date_only
    }

    /// Whether the last update was given as a day without a time.
    pub fn updated_date_only(&self) -> bool {
        self.updated_date_only
    }

    /// The article's own language (`lang:` field), if it differs from the feed's.
    pub fn language(&self) -> Option<&LanguageTag> {
        self.language.as_ref()
    }

    /// The `author:` field.
    pub fn author(&self) -> Option<&Byline> {
        self.author.as_ref()
    }

    /// The people the article is credited to: the `author:` field, otherwise every person the
    /// bylines name (`By CHET BROKAW and JACK GILLUM` names two), in order.
    pub fn authors(&self) -> &[Byline] {
        &self.authors
    }

    /// Who the article is credited to: its first author, otherwise its agency.
    /// `None` means the feed's default author applies.
    pub fn byline(&self) -> Option<&str> {
        self.authors.first().map(Byline::as_str).or_else(|| self.agency().map(Agency::as_str))
    }

    /// The canonical page of the article (`link:` field): an absolute http(s) URL.
    pub fn link(&self) -> Option<&Link> {
        self.link.as_ref()
    }

    /// The topics of the `tags:` field, in the order written, without duplicates.
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    /// The dateline at the start of the first paragraph, if the article has one.
    pub fn dateline(&self) -> Option<&Dateline> {
        self.dateline.as_ref()
    }

    /// Where the article was filed: the dateline's (first) place, otherwise the place a
    /// transmission header gives.
    pub fn place(&self) -> Option<&Place> {
        self.place.as_ref()
    }

    /// The agency that filed the article: the dateline's, otherwise the one its furniture names
    /// (a sign-off such as `Reuter` or `– BERNAMA`, an `Associated Press` line, a byline's desk).
    /// Its canonical name when the agency table knows it.
    pub fn agency(&self) -> Option<&Agency> {
        self.agency.as_ref()
    }

    /// The wire furniture the copy held, in order: everything that is neither headline nor
    /// text, each piece named. No word of the copy is lost: it is in a block or here.
    pub fn furniture(&self) -> &[Furniture] {
        &self.furniture
    }

    /// The agency's notes on the text, shown above it: `(Adds comments, detail)`, editors' notes.
    pub fn notes(&self) -> impl Iterator<Item = &Furniture> {
        self.furniture.iter().filter(|piece| {
            matches!(piece.kind(), FurnitureKind::Note | FurnitureKind::EditorsNote)
        })
    }

    /// The credits, shown after the text: `(Reporting by ...; Editing by ...)`, `... contributed
    /// to this report.`, `Источник: Reuters`.
    pub fn credits(&self) -> impl Iterator<Item = &Furniture> {
        self.furniture
            .iter()
            .filter(|piece| matches!(piece.kind(), FurnitureKind::Credit | FurnitureKind::Source))
    }

    /// The body: paragraphs, subheadings and breaks, in order, without furniture.
    /// Never empty; the first block is a paragraph that still holds the dateline.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The corrections to show with the article, in order: the `correction:` field, then the
    /// copy's own notes that say what was corrected (`(Corrects spelling of name)`).
    pub fn corrections(&self) -> impl Iterator<Item = &str> {
        let notes = self.furniture.iter().filter(|piece| is_correction(piece)).map(Furniture::text);
        self.correction.as_deref().into_iter().chain(notes)
    }

    /// The agency's notes on the text that are not corrections (those are in
    /// [`Article::corrections`]).
    pub fn other_notes(&self) -> impl Iterator<Item = &Furniture> {
        self.notes().filter(|piece| !is_correction(piece))
    }

    /// The withdrawal, when the article was killed or withdrawn (`status: withdrawn`): it then
    /// leaves every live feed, and its page says why.
    pub fn withdrawal(&self) -> Option<&Withdrawal> {
        self.withdrawal.as_ref()
    }

    /// The time before which the article must appear nowhere (`embargo:` field).
    pub fn embargo(&self) -> Option<DateTime<FixedOffset>> {
        self.embargo
    }

    /// How urgent the agency marked the article: the `urgency:` field, otherwise a marker the
    /// copy opens with (`URGENT:`, `FLASH`, `МОЛНИЯ`), which is never part of the headline.
    pub fn urgency(&self) -> Option<Urgency> {
        self.urgency
    }

    /// The photo that goes with the article (`image:` field).
    pub fn image(&self) -> Option<&Image> {
        self.image.as_ref()
    }

    /// The lede: the first paragraph without its dateline. May be empty when the first paragraph
    /// is nothing but a dateline.
    pub fn lede(&self) -> &str {
        lede(self.blocks[0].text(), self.dateline.as_ref())
    }

    /// What a list shows under the headline, without saying the headline twice: the lede, less
    /// its first sentence when the headline was made from it (or the lede begins with the given
    /// headline); when too little is left, the next paragraph. May be empty.
    pub fn summary(&self) -> &str {
        /// Less than this is a fragment, not a summary.
        const SHORTEST: usize = 40;
        let lede = self.lede();
        let headline = self.headline.as_str();
        let repeats = self.headline_derived
            || unicode::starts_with_lowercased(lede, headline.trim_end_matches('…'));
        if !repeats {
            return lede;
        }
        let rest = lede[crate::headline::first_sentence(lede).len()..].trim_start();
        if crate::text::more_chars_than(rest, SHORTEST - 1) {
            return rest;
        }
        let next = self.blocks[1..].iter().find_map(|block| match block {
            Block::Paragraph(text) if crate::text::more_chars_than(text, SHORTEST - 1) => {
                Some(text.as_str())
            }
            _ => None,
        });
        next.unwrap_or(rest)
    }
}

/// Whether a piece of furniture is a note that says what was corrected.
fn is_correction(piece: &Furniture) -> bool {
    piece.kind() == FurnitureKind::Note && crate::desk::is_correction_note(piece.text())
}

/// The first paragraph without its dateline.
pub(crate) fn lede<'a>(first_paragraph: &'a str, dateline: Option<&Dateline>) -> &'a str {
    match dateline {
        Some(dateline) => first_paragraph[dateline.len()..].trim_start(),
        None => first_paragraph,
    }
}

/// A block of the article body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph of running text, its soft line breaks turned into spaces.
    Paragraph(String),
    /// A short unpunctuated one-line paragraph that titles the section after it.
    Subheading(String),
    /// A thematic break between sections, with the separator as written (`___`, `* * *`).
    Break(String),
}

impl Block {
    /// The block's text, never empty, with no line breaks; for a break, the separator.
    pub fn text(&self) -> &str {
        match self {
            Block::Paragraph(text) | Block::Subheading(text) | Block::Break(text) => text,
        }
    }
}

macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The value as text.
            #[inline]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// The file stem of an article: 1 to 200 ASCII letters, digits, `.`, `_`, `-` and `~`,
/// starting with a letter or digit. Safe in a file name, a URL path and a `tag:` URI.
///
/// Held inline up to 24 bytes (nearly every key): a build of a million articles keeps a
/// key per article, and a heap allocation each would be 32 MB more.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleKey(compact_str::CompactString);

impl ArticleKey {
    /// The value as text. Inline: a build at a million articles asks for it millions of times
    /// from other crates (sorting, hashing, paths).
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(
    /// The permanent identity of an article, in the same alphabet as [`ArticleKey`].
    ArticleId
);
string_newtype!(
    /// A non-empty, single-line headline without surrounding whitespace.
    Headline
);
string_newtype!(
    /// A non-empty, single-line author name.
    Byline
);
string_newtype!(
    /// A news agency's name: canonical when the agency table knows it (`TASS` for `ТАСС`),
    /// otherwise as the dateline writes it.
    Agency
);
string_newtype!(
    /// A well-formed BCP 47 language tag (`en`, `ru`, `pt-BR`, `zh-Hant-TW`).
    LanguageTag
);
string_newtype!(
    /// An absolute `http` or `https` URL, normalised by a URL parser.
    Link
);
string_newtype!(
    /// A non-empty topic without commas or surrounding whitespace.
    Tag
);

/// Why a file stem is not an [`ArticleKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    key: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a valid article key: use 1 to 200 ASCII letters, digits, '.', '_', '-' \
             or '~', starting with a letter or digit",
            self.key
        )
    }
}

impl std::error::Error for KeyError {}

impl ArticleKey {
    /// Checks a file stem.
    ///
    /// ```
    /// assert!(article::ArticleKey::new("000_a64b384920c9e53b").is_ok());
    /// assert!(article::ArticleKey::new("../etc/passwd").is_err());
    /// ```
    pub fn new(key: &str) -> Result<ArticleKey, KeyError> {
        if is_identifier(key) {
            Ok(ArticleKey(key.into()))
        } else {
            Err(KeyError { key: key.to_owned() })
        }
    }
}

impl ArticleId {
    pub(crate) fn from_key(key: &ArticleKey) -> ArticleId {
        ArticleId(key.0.to_string())
    }

    pub(crate) fn new(id: &str) -> Option<ArticleId> {
        is_identifier(id).then(|| ArticleId(id.to_owned()))
    }
}

/// The alphabet of keys and ids: RFC 3986 "unreserved" characters, which need no escaping in a
/// URI, an IRI, a file name or an HTML attribute.
fn is_identifier(text: &str) -> bool {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '~');
    (1..=200).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_alphanumeric())
        && text.chars().all(valid_char)
}

impl Headline {
    pub(crate) fn new(text: &str) -> Option<Headline> {
        single_line(text).map(Headline)
    }
}

impl Byline {
    pub(crate) fn new(text: &str) -> Option<Byline> {
        single_line(text).map(Byline)
    }
}

impl Agency {
    pub(crate) fn new(text: &str) -> Option<Agency> {
        single_line(text).map(Agency)
    }
}

impl Tag {
    pub(crate) fn new(text: &str) -> Option<Tag> {
        single_line(text).filter(|tag| !tag.contains(',')).map(Tag)
    }
}

impl LanguageTag {
    /// Checks the syntax of RFC 5646, which is what `xml:lang` and RSS `<language>` accept: an
    /// ISO 639 code of 2 or 3 letters (or `x`/`i` for private and grandfathered tags), then
    /// subtags of 1 to 8 letters or digits.
    ///
    /// ```
    /// assert!(article::LanguageTag::parse("pt-BR").is_some());
    /// assert!(article::LanguageTag::parse("english").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<LanguageTag> {
        let mut subtags = text.split('-');
        let primary = subtags.next()?;
        let primary_ok = matches!(primary.len(), 2..=3)
            && primary.bytes().all(|b| b.is_ascii_alphabetic())
            || primary.eq_ignore_ascii_case("x")
            || primary.eq_ignore_ascii_case("i");
        let rest_ok = subtags.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        (primary_ok && rest_ok && (primary.len() > 1 || text.len() > 2))
            .then(|| LanguageTag(text.to_owned()))
    }
}

impl Link {
    /// Checks that `text` is an absolute http(s) URL with a host, and normalises it.
    ///
    /// ```
    /// assert_eq!(article::Link::parse("https://example.org").unwrap().as_str(), "https://example.org/");
    /// assert!(article::Link::parse("javascript:alert(1)").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Link, LinkError> {
        let url = url::Url::parse(text).map_err(LinkError::Syntax)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LinkError::Scheme(url.scheme().to_owned()));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(LinkError::NoHost);
        }
        Ok(Link(url.into()))
    }
}

/// Why a text is not a [`Link`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    /// Not a URL at all, as the URL parser says.
    Syntax(url::ParseError),
    /// A URL of another scheme than http or https (`javascript:`, `ftp:`, `file:`).
    Scheme(String),
    /// An http(s) URL without a host.
    NoHost,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Syntax(error) => write!(f, "{error}"),
            LinkError::Scheme(scheme) => write!(f, "scheme {scheme:?} is not http or https"),
            LinkError::NoHost => f.write_str("it has no host"),
        }
    }
}

impl std::error::Error for LinkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LinkError::Syntax(error) => Some(error),
            _ => None,
        }
    }
}

/// Text that is non-empty after trimming and holds no line break.
fn single_line(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && !text.contains(['\n', '\r'])).then(|| text.to_owned())
}
