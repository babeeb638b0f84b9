//! Parse errors and warnings: which rule of the wire format broke, and on which line.
//!
//! Messages are lowercase, without a trailing period, and never name the file: the caller knows
//! the path and prefixes it, so a message reads `seeds/foo.txt:3: unknown field "titel"`.

use std::fmt;

/// Why a wire file is not an article, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    line: usize,
    column: Option<usize>,
    kind: ParseErrorKind,
}

/// The rule of the wire format that a file breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The file is larger than any article; almost always the wrong file.
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    InvalidUtf8 {
        /// Offset of the first bad byte from the start of the file.
        byte_offset: usize,
    },
    /// The file starts with a UTF-16 byte-order mark.
    Utf16,
    /// A character that XML 1.0 forbids, which would make every feed unreadable.
    ForbiddenCharacter {
        /// The offending character.
        character: char,
    },
    /// A header line that is neither a `name: value` field nor the `date` line.
    ExpectedField {
        /// The line as found (shortened).
        found: String,
    },
    /// A field name this format does not know.
    UnknownField {
        /// The name as written.
        name: String,
    },
    /// A field given twice.
    DuplicateField {
        /// The field's name.
        name: String,
        /// The line where it was first given.
        first_line: usize,
    },
    /// A field with nothing after the colon.
    EmptyField {
        /// The field's name.
        name: String,
    },
    /// A field value longer than any sensible one; almost always a missing line break.
    FieldTooLong {
        /// The field's name.
        name: String,
        /// Its length in characters.
        length: usize,
        /// The limit in characters.
        limit: usize,
    },
    /// A field whose value breaks the field's rule.
    InvalidField {
        /// The field's name.
        name: String,
        /// The value as written.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No `date` line.
    MissingDate,
    /// A `date` line without a date.
    EmptyDate,
    /// A date or timestamp that is malformed or not on the calendar.
    InvalidDate {
        /// The date as written.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `updated:` is earlier than the publication date.
    UpdatedBeforePublished,
    /// No body text after the `date` line.
    EmptyBody,
    /// No `title:` field, and no headline can be derived because the lede is empty.
    NoHeadline {
        /// The first paragraph as found (shortened): a dateline with nothing after it.
        seen: String,
    },
}

/// Something suspicious that does not stop the article from being published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    line: usize,
    kind: WarningKind,
}

/// What a [`Warning`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// The dateline's day is more than a day away from the `date` field.
    DatelineDateMismatch {
        /// The date as the dateline gives it.
        dateline: String,
        /// The `date` field's calendar date.
        date: String,
    },
    /// A character that is valid XML but says the text was damaged on its way: the replacement
    /// character U+FFFD (bytes lost in a conversion) or a C1 control U+0080–U+009F (Windows-1252
    /// punctuation decoded as Latin-1). Readers and the W3C validator flag both.
    DamagedText {
        /// The character.
        character: char,
        /// The 1-based column of its first occurrence on the line.
        column: usize,
    },
}

impl ParseError {
    pub(crate) fn new(line: usize, kind: ParseErrorKind) -> ParseError {
        ParseError { line, column: None, kind }
    }

    pub(crate) fn at(line: usize, column: usize, kind: ParseErrorKind) -> ParseError {
        ParseError { line, column: Some(column), kind }
    }

    /// The 1-based line of the broken rule.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column, counted in characters, where it helps.
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// Which rule broke.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }
}

impl fmt::Display for ParseError {
    /// `line: message` or `line:column: message`, to be prefixed with the path and a colon.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "{}:{}: {}", self.line, column, self.kind),
            None => write!(f, "{}: {}", self.line, self.kind),
        }
    }
}

impl std::error::Error for ParseError {}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::TooLarge { bytes, limit } => write!(
                f,
                "the file is {bytes} bytes; an article may be at most {limit} bytes (every subscriber would download it)"
            ),
            ParseErrorKind::InvalidUtf8 { byte_offset } => {
                write!(f, "invalid UTF-8 at byte offset {byte_offset}: save the file as UTF-8")
            }
            ParseErrorKind::Utf16 => {
                f.write_str("the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8")
            }
            ParseErrorKind::ForbiddenCharacter { character } => write!(
                f,
                "character U+{:04X} is not allowed in XML 1.0 and would break every feed",
                u32::from(*character)
            ),
            ParseErrorKind::ExpectedField { found } => write!(
                f,
                "expected a `name: value` field or the `date YYYY-MM-DD` line, found {found:?}"
            ),
            ParseErrorKind::UnknownField { name } => {
                write!(f, "unknown field {name:?} (known: {})", crate::parse::FIELDS.join(", "))
            }
            ParseErrorKind::DuplicateField { name, first_line } => {
                write!(f, "duplicate field {name:?} (first given on line {first_line})")
            }
            ParseErrorKind::EmptyField { name } => write!(f, "field {name:?} is empty"),
            ParseErrorKind::FieldTooLong { name, length, limit } => {
                write!(f, "field {name:?} is {length} characters long; the limit is {limit}")
            }
            ParseErrorKind::InvalidField { name, value, reason } => {
                write!(f, "invalid {name} {value:?}: {reason}")
            }
            ParseErrorKind::MissingDate => f.write_str(
                "missing the `date YYYY-MM-DD` line (it must come after the fields, before the body)",
            ),
            ParseErrorKind::EmptyDate => {
                f.write_str("the `date` line has no date: expected `date YYYY-MM-DD`")
            }
            ParseErrorKind::InvalidDate { text, reason } => {
                write!(f, "invalid date {text:?}: {reason}")
            }
            ParseErrorKind::UpdatedBeforePublished => {
                f.write_str("`updated` is earlier than the publication date")
            }
            ParseErrorKind::EmptyBody => f.write_str("the article has no body text after its date"),
            ParseErrorKind::NoHeadline { seen } => write!(
                f,
                "cannot derive a headline: the text starts with the dateline {seen:?} and nothing \
                 after it; add a `title:` field"
            ),
        }
    }
}

impl Warning {
    pub(crate) fn new(line: usize, kind: WarningKind) -> Warning {
        Warning { line, kind }
    }

    /// The 1-based line the warning is about.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What the warning is about.
    pub fn kind(&self) -> &WarningKind {
        &self.kind
    }
}

impl fmt::Display for Warning {
    /// `line: message`, to be prefixed with the path and a colon.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.kind)
    }
}

impl fmt::Display for WarningKind {
    /// The message alone, without the line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::DatelineDateMismatch { dateline, date } => write!(
                f,
                "the dateline says {dateline:?} but the date is {date}, more than a day apart"
            ),
            WarningKind::DamagedText { character, column } => write!(
                f,
                "column {column}: U+{:04X} means the text was damaged before it reached wirefeed (a lost or mis-decoded character); readers will show it as such",
                u32::from(*character)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + std::error::Error + 'static>() {}
        assert_send_sync::<super::ParseError>();
    }
}
