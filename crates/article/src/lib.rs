//! The wire article: the first stage of the wirefeed pipeline.
//!
//! `parse` turns the bytes of one wire text file into an [`Article`], or into a [`ParseError`]
//! that names the line (and column where it helps) of the first broken rule.
//! The format is specified in the repository's README; in short: `name: value` fields, a
//! `date YYYY-MM-DD` line, then the body, whose first paragraph may open with an agency dateline.
//!
//! Parsing goes in two stages: the text is split into a `RawArticle` (fields as found, with their
//! line numbers, and the body's paragraphs), which is then checked and typed into an `Article`.
//! An `Article` is valid by construction: its fields are private, its newtypes can only be built
//! by checking constructors, and nothing can change it afterwards.
//!
//! This crate does no I/O and knows nothing about XML or feeds: the caller reads the file and
//! adds its path to error messages; the `feed` crate turns articles into RSS and Atom.

#![warn(missing_docs)]

mod body;
mod dateline;
mod desk;
mod error;
mod furniture;
mod headline;
mod model;
mod parse;
mod tables;
mod text;
pub mod unicode;

pub use crate::{
    dateline::{Dateline, Place},
    desk::{Image, ImageSource, Urgency, Withdrawal, local_photo, media_type},
    error::{ParseError, ParseErrorKind, Warning, WarningKind},
    furniture::{Furniture, FurnitureKind},
    model::{
        Agency, Article, ArticleId, ArticleKey, Block, Byline, Headline, KeyError, LanguageTag,
        Link, LinkError, Tag,
    },
    parse::{MAX_ARTICLE_BYTES, Options, Parsed, parse},
    text::is_xml_char,
};

/// The canonical name of a news agency written in any of the spellings the agency table knows
/// (`ТАСС` → `TASS`, `Associated Press` → `AP`), or `None` for an agency it does not know.
///
/// ```
/// assert_eq!(article::agency_name("Reuter"), Some("Reuters"));
/// ```
pub fn agency_name(text: &str) -> Option<&'static str> {
    crate::tables::agency(text)
}
