//! The wire desk's marks on an article: corrections, withdrawals, embargoes, urgency and photos.
//!
//! Each is a field (`correction:`, `status:` with `reason:`, `embargo:`, `urgency:`, `image:`
//! with `image-caption:`, `image-credit:` and `image-alt:`); corrections and urgency are also
//! found where real copy carries them: a `(Corrects ...)` note, and a leading `URGENT:`,
//! `FLASH` or `МОЛНИЯ` on the first line.

use crate::unicode;
use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::model::Link;

/// How urgent the agency says an article is, from the most urgent down, with the names of AP's
/// and Reuters' priority codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    /// A one-line first word of the biggest news (`FLASH`, TASS's `МОЛНИЯ`).
    Flash,
    /// A few paragraphs of major news (`BULLETIN`).
    Bulletin,
    /// News that goes before everything routine (`URGENT`, `СРОЧНО`, dpa's `EILT`).
    Urgent,
    /// A headline sent ahead of the story (`ALERT`, `BREAKING`).
    Alert,
}

impl Urgency {
    /// Every level, most urgent first.
    pub const ALL: [Urgency; 4] =
        [Urgency::Flash, Urgency::Bulletin, Urgency::Urgent, Urgency::Alert];

    /// The level an `urgency:` field names, in any case: `flash`, `bulletin`, `urgent` or
    /// `alert`.
    pub fn parse(text: &str) -> Option<Urgency> {
        Urgency::ALL.into_iter().find(|urgency| urgency.keyword().eq_ignore_ascii_case(text))
    }

    /// The lower-case keyword: `flash`, `bulletin`, `urgent`, `alert`.
    pub fn keyword(self) -> &'static str {
        match self {
            Urgency::Flash => "flash",
            Urgency::Bulletin => "bulletin",
            Urgency::Urgent => "urgent",
            Urgency::Alert => "alert",
        }
    }

    /// The label readers see: `Flash`, `Bulletin`, `Urgent`, `Alert`.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Flash => "Flash",
            Urgency::Bulletin => "Bulletin",
            Urgency::Urgent => "Urgent",
            Urgency::Alert => "Alert",
        }
    }
}

impl fmt::Display for Urgency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The markers real copy opens with, as written (in capitals, so that `Urgent talks...` stays
/// text), longest first where one begins another.
const MARKERS: [(&str, Urgency); 13] = [
    ("BREAKING NEWS", Urgency::Alert),
    ("BREAKING", Urgency::Alert),
    ("FLASH", Urgency::Flash),
    ("МОЛНИЯ", Urgency::Flash),
    ("BULLETIN", Urgency::Bulletin),
    ("URGENTE", Urgency::Urgent),
    ("URGENT", Urgency::Urgent),
    ("СРОЧНО", Urgency::Urgent),
    ("EILT", Urgency::Urgent),
    ("EIL", Urgency::Urgent),
    ("ALERTE", Urgency::Alert),
    ("ALERTA", Urgency::Alert),
    ("ALERT", Urgency::Alert),
];

/// A leading urgency marker of `line`: the level, the marker with its punctuation as written, and
/// the rest of the line. The marker is the whole line, or is followed by `:`, `!`, ` -`, ` –`,
/// ` —` or `.`, then the rest: `URGENT: Quake hits...`, `МОЛНИЯ`, `FLASH -- ...`.
pub(crate) fn marker(line: &str) -> Option<(Urgency, &str, &str)> {
    let (word, urgency) = MARKERS.iter().find(|(word, _)| line.starts_with(word))?;
    let after = &line[word.len()..];
    if after.trim().is_empty() {
        return Some((*urgency, line.trim_end(), ""));
    }
    let trimmed = after.trim_start();
    let punctuation =
        ["--", ":", "!", "-", "–", "—", "."].into_iter().find(|mark| trimmed.starts_with(mark))?;
    // `URGENT-` glued to the next word is a Reuters slug the slug rules keep; a dash needs a
    // space before it, as `FLASH - ...` has.
    if matches!(punctuation, "--" | "-" | "–" | "—") && trimmed.len() == after.len() {
        return None;
    }
    let rest = trimmed[punctuation.len()..].trim_start();
    let marker = line[..line.len() - rest.len()].trim_end();
    Some((*urgency, marker, rest))
}

/// An article's withdrawal: it was killed or withdrawn after publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub(crate) reason: String,
    pub(crate) when: DateTime<FixedOffset>,
}

impl Withdrawal {
    /// Why it was withdrawn, as the `reason:` field says.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// When it was withdrawn: its `updated:` field.
    pub fn when(&self) -> DateTime<FixedOffset> {
        self.when
    }
}

/// A photo that goes with an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub(crate) source: ImageSource,
    pub(crate) caption: Option<String>,
    pub(crate) credit: Option<String>,
    pub(crate) alt: Option<String>,
    pub(crate) line: usize,
}

/// Where a photo is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A file below the seeds directory: its path relative to it, `/`-separated, of names of
    /// letters, digits, `.`, `_`, `-` and `~`, none empty or hidden (so no `.` or `..`), ending
    /// in a photo's extension. It is published at the same path below `media/`.
    Local(String),
    /// An absolute http(s) URL.
    Remote(Link),
}

impl Image {
    /// Where the photo is.
    pub fn source(&self) -> &ImageSource {
        &self.source
    }

    /// The `image-caption:` field.
    pub fn caption(&self) -> Option<&str> {
        self.caption.as_deref()
    }

    /// The `image-credit:` field.
    pub fn credit(&self) -> Option<&str> {
        self.credit.as_deref()
    }

    /// What the photo shows, for readers who cannot see it: the `image-alt:` field, otherwise
    /// the caption, otherwise nothing.
    pub fn alt(&self) -> &str {
        self.alt.as_deref().or(self.caption.as_deref()).unwrap_or("")
    }

    /// The line of the `image:` field, for errors about the file it names.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The media type, from the file name's extension: `image/jpeg`, `image/png`, ...
    pub fn media_type(&self) -> Option<&'static str> {
        match &self.source {
            ImageSource::Local(path) => media_type(path),
            ImageSource::Remote(link) => {
                let url = link.as_str();
                media_type(&url[..url.find(['?', '#']).unwrap_or(url.len())])
            }
        }
    }
}

/// The image types a photo may have, by extension.
const IMAGE_TYPES: [(&str, &str); 6] = [
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("avif", "image/avif"),
];

/// The media type of an image file name, by its extension in any case.
pub fn media_type(name: &str) -> Option<&'static str> {
    let (_, extension) = name.rsplit_once('.')?;
    IMAGE_TYPES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(extension))
        .map(|(_, media_type)| *media_type)
}

/// Checks an `image:` value: an absolute http(s) URL, or a path below the seeds directory.
pub(crate) fn image_source(text: &str) -> Result<ImageSource, String> {
    let scheme_end = text.find(':');
    let path_start = text.find('/').unwrap_or(text.len());
    if scheme_end.is_some_and(|colon| colon < path_start) {
        return Link::parse(text).map(ImageSource::Remote).map_err(|error| {
            format!("{error}; a photo is an absolute http(s) URL or a path below seeds/")
        });
    }
    local_photo(text).map(|path| ImageSource::Local(path.to_owned()))
}

/// Checks the path of a photo below the seeds directory (see [`ImageSource::Local`]).
pub fn local_photo(path: &str) -> Result<&str, String> {
    if path.starts_with('/') || path.contains('\\') {
        return Err("a photo's path is relative to seeds/, with `/` between names".into());
    }
    for segment in path.split('/') {
        if segment.is_empty() || segment.starts_with('.') {
            return Err(format!(
                "{segment:?} cannot be part of a photo's path: no empty, `.`, `..` or hidden names"
            ));
        }
        if !segment
            .chars()
            .all(|c| unicode::is_alphanumeric(c) || matches!(c, '.' | '_' | '-' | '~'))
        {
            return Err(format!(
                "{segment:?}: a photo's path has letters, digits, `.`, `_`, `-` and `~` only"
            ));
        }
    }
    if media_type(path).is_none() {
        return Err("a photo's name ends in .jpg, .jpeg, .png, .gif, .webp or .avif".to_owned());
    }
    Ok(path)
}

/// Whether a note of the copy is a correction: `(Corrects ...)`, `(CORRECTS ...)`,
/// `(Correcting ...)`, `(Исправлено ...)`.
pub(crate) fn is_correction_note(text: &str) -> bool {
    let inner = text.trim_start_matches(['(', '[']).trim_start();
    let word: String = unicode::lowercase(&inner.chars().take(12).collect::<String>());
    ["corrects", "correcting", "corrected", "correction", "исправлен", "исправление"]
        .iter()
        .any(|start| word.starts_with(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_only_as_markers() {
        assert_eq!(marker("URGENT: Quake hits"), Some((Urgency::Urgent, "URGENT:", "Quake hits")));
        assert_eq!(marker("МОЛНИЯ"), Some((Urgency::Flash, "МОЛНИЯ", "")));
        assert_eq!(marker("FLASH -- Pope dies"), Some((Urgency::Flash, "FLASH --", "Pope dies")));
        assert_eq!(marker("BREAKING NEWS: a"), Some((Urgency::Alert, "BREAKING NEWS:", "a")));
        assert_eq!(marker("Urgent talks were held"), None);
        assert_eq!(marker("URGENTLY needed"), None);
        assert_eq!(marker("URGENT-Quake hits"), None);
        assert_eq!(marker("FLASHPOINT: a"), None);
        assert_eq!(marker("EILTE x"), None);
    }

    #[test]
    fn image_values() {
        assert!(matches!(image_source("photos/minsk.jpg"), Ok(ImageSource::Local(_))));
        assert!(matches!(image_source("https://x.example/a.jpg"), Ok(ImageSource::Remote(_))));
        for bad in [
            "../x.jpg",
            "/etc/x.jpg",
            "a/.x.jpg",
            "x.txt",
            "a//b.png",
            "a b.png",
            "a\\b.png",
            "ftp://x.example/a.jpg",
            "javascript:alert(1)",
        ] {
            assert!(image_source(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn correction_notes() {
        assert!(is_correction_note("(Corrects spelling of name in paragraph 3)"));
        assert!(is_correction_note("(CORRECTS date)"));
        assert!(!is_correction_note("(Adds comments, detail)"));
    }
}
