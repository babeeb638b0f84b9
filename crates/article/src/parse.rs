//! The parser: wire text → `RawArticle` → `Article`.
//!
//! The first stage (`split`) only finds the structure: field lines with their line numbers, the
//! `date` line, and the body's paragraphs. The second stage (`build`) checks every rule and types
//! every value. Errors stop at the first broken rule, because later rules are meaningless once
//! the structure is wrong; the caller reports every bad file of a batch.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use crate::{
    body,
    dateline::{self, Dateline},
    desk::{self, Image, Urgency, Withdrawal},
    error::{ParseError, ParseErrorKind, Warning, WarningKind},
    furniture::{Furniture, FurnitureKind},
    headline,
    model::{Agency, Article, ArticleId, ArticleKey, Byline, Headline, LanguageTag, Link, Tag},
    text,
};

/// Settings the parser needs from the feed's configuration. No `Default`: the caller decides.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The UTC offset that turns a date-only `date` or `updated` into an instant (midnight there).
    pub date_offset: FixedOffset,
}

/// A parsed article and what looked suspicious about it.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The article.
    pub article: Article,
    /// Problems that do not stop publication, such as a dateline that disagrees with the date.
    pub warnings: Vec<Warning>,
}

/// Parses one wire file.
///
/// ```
/// let key = article::ArticleKey::new("minsk").unwrap();
/// let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
/// let text = "date 2022-01-10 MINSK, January 10. /TASS/. Peacekeepers will leave, he said.";
/// let parsed = article::parse(&key, text.as_bytes(), &options).unwrap();
/// assert_eq!(parsed.article.headline().as_str(), "Peacekeepers will leave");
/// assert_eq!(parsed.article.place().unwrap().name(), "Minsk");
/// assert_eq!(parsed.article.agency().unwrap().as_str(), "TASS");
/// ```
pub fn parse(key: &ArticleKey, input: &[u8], options: &Options) -> Result<Parsed, ParseError> {
    if input.len() > MAX_ARTICLE_BYTES {
        return Err(ParseError::new(
            1,
            ParseErrorKind::TooLarge { bytes: input.len(), limit: MAX_ARTICLE_BYTES },
        ));
    }
    let text = text::decode(input)?;
    let raw = split(text)?;
    let mut parsed = build(key, raw, options)?;
    parsed.warnings.extend(damaged_text(text));
    Ok(parsed)
}

/// A warning for the first character that shows the text was damaged on its way (U+FFFD, or a
/// C1 control), with its line and column. Both are two- or three-byte UTF-8 sequences that start
/// with 0xC2 or 0xEF, so most files are passed over by a byte search.
fn damaged_text(text: &str) -> Option<Warning> {
    let damaged = |c: char| c == '\u{FFFD}' || ('\u{80}'..='\u{9F}').contains(&c);
    let bytes = text.as_bytes();
    let at = memchr::memchr2_iter(0xC2, 0xEF, bytes)
        .find(|&at| text.is_char_boundary(at) && text[at..].chars().next().is_some_and(damaged))?;
    let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |index| index + 1);
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count();
    let column = 1 + text[line_start..at].chars().count();
    let character = text[at..].chars().next()?;
    Some(Warning::new(line, WarningKind::DamagedText { character, column }))
}

/// The structure of a wire file, before any value is checked.
#[derive(Debug)]
struct RawArticle<'a> {
    fields: Vec<RawField<'a>>,
    date: RawField<'a>,
    paragraphs: Vec<RawParagraph<'a>>,
    /// The last line of the file, for errors about something missing at the end.
    last_line: usize,
}

#[derive(Debug)]
struct RawField<'a> {
    line: usize,
    /// 1-based character column of the value.
    column: usize,
    name: &'a str,
    value: &'a str,
}

type RawParagraph<'a> = body::Paragraph<'a>;

fn split(text: &str) -> Result<RawArticle<'_>, ParseError> {
    let lines = text::lines(text);
    let last_line = lines.last().map_or(1, |&(number, _)| number);
    let mut fields = Vec::new();
    let mut remaining = lines.iter();
    let (date, body_start) = loop {
        let Some(&(number, line)) = remaining.next() else {
            return Err(ParseError::new(last_line, ParseErrorKind::MissingDate));
        };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let column = |part: &str| {
            1 + line[..part.as_ptr() as usize - line.as_ptr() as usize].chars().count()
        };
        if let Some(rest) = date_line(trimmed) {
            let token = rest.split_whitespace().next().unwrap_or("");
            if token.is_empty() {
                return Err(ParseError::at(number, 1 + indent, ParseErrorKind::EmptyDate));
            }
            let body_start = rest[token.len()..].trim();
            break (
                RawField { line: number, column: column(rest), name: "date", value: token },
                body_start,
            );
        }
        match field_line(trimmed) {
            Some((name, value)) => {
                fields.push(RawField { line: number, column: column(value), name, value })
            }
            None => {
                let found: String = trimmed.chars().take(60).collect();
                return Err(ParseError::at(
                    number,
                    1 + indent,
                    ParseErrorKind::ExpectedField { found },
                ));
            }
        }
    };
    // Room for a dozen paragraphs, and for the lines of a wrapped one, at once: growing them
    // from one took a percent of a cold build. They live only while the article is parsed.
    let mut paragraphs: Vec<RawParagraph<'_>> = Vec::with_capacity(16);
    let paragraph = |line: usize, first| {
        let mut lines = Vec::with_capacity(8);
        lines.push(first);
        RawParagraph { line, lines }
    };
    let mut current: Option<RawParagraph<'_>> =
        (!body_start.is_empty()).then(|| paragraph(date.line, body_start));
    for &(number, line) in remaining {
        let line = line.trim();
        match (&mut current, line.is_empty()) {
            (Some(_), true) => paragraphs.extend(current.take()),
            (None, true) => {}
            (Some(paragraph), false) => paragraph.lines.push(line),
            (None, false) => current = Some(paragraph(number, line)),
        }
    }
    paragraphs.extend(current);
    Ok(RawArticle { fields, date, paragraphs, last_line })
}

/// `date 2022-01-10 ...` or `date: 2022-01-10 ...` → what follows `date`.
fn date_line(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("date")?;
    match rest.chars().next() {
        None => Some(rest),
        Some(':') => Some(rest[1..].trim_start()),
        Some(c) if c.is_whitespace() => Some(rest.trim_start()),
        Some(_) => None,
    }
}

/// `name: value` → (name, value), for names of ASCII letters, digits, `_` and `-`.
fn field_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let name_ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let value_ok = value.is_empty() || value.starts_with(char::is_whitespace);
    (name_ok && value_ok).then(|| (name, value.trim()))
}

fn build(
    key: &ArticleKey,
    mut raw: RawArticle<'_>,
    options: &Options,
) -> Result<Parsed, ParseError> {
    let mut seen: Vec<&RawField<'_>> = Vec::new();
    for field in &raw.fields {
        if let Some(first) = seen.iter().find(|seen| seen.name == field.name) {
            let kind = ParseErrorKind::DuplicateField {
                name: field.name.to_owned(),
                first_line: first.line,
            };
            return Err(ParseError::new(field.line, kind));
        }
        if !FIELDS.contains(&field.name) {
            return Err(ParseError::new(
                field.line,
                ParseErrorKind::UnknownField { name: field.name.to_owned() },
            ));
        }
        let length = field.value.chars().count();
        if length > MAX_FIELD_CHARS {
            let kind = ParseErrorKind::FieldTooLong {
                name: field.name.to_owned(),
                length,
                limit: MAX_FIELD_CHARS,
            };
            return Err(ParseError::new(field.line, kind));
        }
        if field.value.is_empty() {
            return Err(ParseError::new(
                field.line,
                ParseErrorKind::EmptyField { name: field.name.to_owned() },
            ));
        }
        seen.push(field);
    }
    let field = |name: &str| raw.fields.iter().find(|field| field.name == name);

    let published = timestamp(&raw.date, options)?;
    let date_only = is_plain_date(raw.date.value);
    let updated_date_only = field("updated").map_or(date_only, |field| is_plain_date(field.value));
    let updated = match field("updated") {
        None => published,
        Some(field) => {
            let updated = timestamp(field, options)?;
            if updated < published {
                return Err(ParseError::at(
                    field.line,
                    field.column,
                    ParseErrorKind::UpdatedBeforePublished,
                ));
            }
            updated
        }
    };
    let id = match field("id") {
        None => ArticleId::from_key(key),
        Some(field) => ArticleId::new(field.value).ok_or_else(|| {
            invalid(field, "use 1 to 200 ASCII letters, digits, '.', '_', '-' or '~', starting with a letter or digit")
        })?,
    };
    let language = field("lang")
        .map(|field| {
            LanguageTag::parse(field.value)
                .ok_or_else(|| invalid(field, "not a BCP 47 language tag such as en or pt-BR"))
        })
        .transpose()?;
    let link = field("link")
        .map(|field| Link::parse(field.value).map_err(|reason| invalid(field, &reason.to_string())))
        .transpose()?;
    let author = field("author").and_then(|field| Byline::new(field.value));
    let tags = field("tags").map(tags).transpose()?.unwrap_or_default();
    let desk = desk_fields(&raw.fields, updated, options)?;

    // A marker the copy opens with (`URGENT:`, `МОЛНИЯ`) is furniture, never headline or text.
    let mut marker = None;
    if let Some(first) = raw.paragraphs.first_mut()
        && let Some((urgency, written, rest)) = first.lines.first().and_then(|l| desk::marker(l))
    {
        marker = Some((urgency, written.to_owned(), first.line));
        if rest.is_empty() {
            first.lines.remove(0);
            first.line += 1;
        } else {
            first.lines[0] = rest;
        }
        if first.lines.is_empty() {
            raw.paragraphs.remove(0);
        }
    }
    if raw.paragraphs.is_empty() {
        return Err(ParseError::new(raw.last_line, ParseErrorKind::EmptyBody));
    }
    let mut body = body::split(&raw.paragraphs);
    let mut urgency = desk.urgency;
    if let Some((found, written, _)) = marker {
        urgency = urgency.or(Some(found));
        body.furniture.insert(0, Furniture::new(FurnitureKind::Slug, written));
    }
    let mut warnings = Vec::new();
    if let Some(warning) = body
        .dateline
        .as_ref()
        .and_then(|dateline| date_mismatch(dateline, published, body.first_line))
    {
        warnings.push(warning);
    }

    let (headline, headline_derived) = match field("title") {
        Some(title) => {
            // `title: URGENT: ...` keeps its urgency as data, out of the headline.
            let text = match desk::marker(title.value) {
                Some((found, _, rest)) if !rest.is_empty() => {
                    urgency = urgency.or(Some(found));
                    rest
                }
                _ => title.value,
            };
            (Headline::new(text).expect("fields are single non-empty lines"), false)
        }
        None => {
            let lede = crate::model::lede(body.blocks[0].text(), body.dateline.as_ref());
            let derived = body
                .headline
                .clone()
                .or_else(|| headline::derive(lede))
                .and_then(|headline| Headline::new(&headline))
                .ok_or_else(|| {
                    let kind = ParseErrorKind::NoHeadline {
                        seen: body.blocks[0].text().chars().take(80).collect(),
                    };
                    ParseError::new(body.first_line, kind)
                })?;
            (derived, true)
        }
    };
    let mut authors: Vec<Byline> = match &author {
        Some(author) => vec![author.clone()],
        None => body.authors.iter().filter_map(|name| Byline::new(name)).collect(),
    };
    if author.is_none()
        && let Some(correspondents) = body.dateline.as_ref().and_then(Dateline::author)
    {
        // Chinese copy lists correspondents with `、`.
        for name in correspondents.split(['、', '，']) {
            if let Some(byline) = Byline::new(name)
                && !authors.contains(&byline)
            {
                authors.push(byline);
            }
        }
    }
    // A shared credit (`tca/dpa`) is the agency whose furniture the copy carries, else the first.
    let agency = match (&body.dateline, body.agency_hint) {
        (Some(dateline), Some(hint)) if dateline.credited().contains(&hint) => Agency::new(hint),
        (Some(dateline), _) if dateline.agency().is_some() => dateline.agency().cloned(),
        (_, Some(hint)) => Agency::new(hint),
        // Last, a lede that names its agency as its source.
        (_, None) => {
            let lede = crate::model::lede(body.blocks[0].text(), body.dateline.as_ref());
            crate::furniture::lede_agency(lede).and_then(Agency::new)
        }
    };
    let place = body.dateline.as_ref().and_then(Dateline::place).cloned().or(body.place);
    let article = Article {
        key: key.clone(),
        id,
        headline,
        headline_derived,
        published,
        updated,
        date_only,
        updated_date_only,
        language,
        author,
        authors,
        agency,
        place,
        furniture: body.furniture,
        link,
        tags,
        dateline: body.dateline,
        blocks: body.blocks,
        correction: desk.correction,
        withdrawal: desk.withdrawal,
        embargo: desk.embargo,
        urgency,
        image: desk.image,
    };
    Ok(Parsed { article, warnings })
}

/// The largest article: a long feature is 100 KB of text; a feed item of megabytes would make
/// every subscriber's reader download it on every refresh.
pub const MAX_ARTICLE_BYTES: usize = 4 << 20;

/// The longest field value: a headline, byline or URL is far shorter; a longer one is a mistake
/// that would otherwise flood every reader.
const MAX_FIELD_CHARS: usize = 2000;

/// The fields a wire file may have before its `date` line.
pub(crate) const FIELDS: [&str; 16] = [
    "title",
    "id",
    "updated",
    "tags",
    "lang",
    "author",
    "link",
    "correction",
    "status",
    "reason",
    "embargo",
    "urgency",
    "image",
    "image-caption",
    "image-credit",
    "image-alt",
];

/// The wire desk's fields, checked.
struct DeskFields {
    correction: Option<String>,
    withdrawal: Option<Withdrawal>,
    embargo: Option<DateTime<FixedOffset>>,
    urgency: Option<Urgency>,
    image: Option<Image>,
}

fn desk_fields(
    fields: &[RawField<'_>],
    updated: DateTime<FixedOffset>,
    options: &Options,
) -> Result<DeskFields, ParseError> {
    let field = |name: &str| fields.iter().find(|field| field.name == name);
    let text = |name: &str| field(name).map(|field| field.value.to_owned());
    let withdrawn = match field("status") {
        None => false,
        Some(status) => match status.value.to_ascii_lowercase().as_str() {
            "live" => false,
            "withdrawn" | "killed" => true,
            _ => return Err(invalid(status, "the status is live, withdrawn or killed")),
        },
    };
    let withdrawal = match (withdrawn, field("reason"), field("updated")) {
        (false, Some(reason), _) => {
            return Err(invalid(reason, "a reason is for an article with status: withdrawn"));
        }
        (true, None, _) => {
            let status = field("status").expect("withdrawn");
            return Err(invalid(status, "a withdrawn article needs a reason: field saying why"));
        }
        (true, Some(_), None) => {
            let status = field("status").expect("withdrawn");
            return Err(invalid(
                status,
                "a withdrawn article needs an updated: field, the time it was withdrawn",
            ));
        }
        (true, Some(reason), Some(_)) => {
            Some(Withdrawal { reason: reason.value.to_owned(), when: updated })
        }
        (false, None, _) => None,
    };
    let embargo = field("embargo").map(|field| timestamp(field, options)).transpose()?;
    let urgency = field("urgency")
        .map(|field| {
            Urgency::parse(field.value)
                .ok_or_else(|| invalid(field, "the urgency is flash, bulletin, urgent or alert"))
        })
        .transpose()?;
    let image = match field("image") {
        None => {
            if let Some(stray) =
                ["image-caption", "image-credit", "image-alt"].into_iter().find_map(field)
            {
                return Err(invalid(stray, "there is no image: field for it to describe"));
            }
            None
        }
        Some(image) => Some(Image {
            source: desk::image_source(image.value).map_err(|reason| invalid(image, &reason))?,
            caption: text("image-caption"),
            credit: text("image-credit"),
            alt: text("image-alt"),
            line: image.line,
        }),
    };
    Ok(DeskFields { correction: text("correction"), withdrawal, embargo, urgency, image })
}

fn invalid(field: &RawField<'_>, reason: &str) -> ParseError {
    let kind = ParseErrorKind::InvalidField {
        name: field.name.to_owned(),
        value: field.value.to_owned(),
        reason: reason.to_owned(),
    };
    ParseError::at(field.line, field.column, kind)
}

/// `YYYY-MM-DD` (midnight at the configured offset) or an RFC 3339 timestamp.
fn timestamp(field: &RawField<'_>, options: &Options) -> Result<DateTime<FixedOffset>, ParseError> {
    let text = field.value;
    let error = |reason: &str| {
        let kind = ParseErrorKind::InvalidDate { text: text.to_owned(), reason: reason.to_owned() };
        ParseError::at(field.line, field.column, kind)
    };
    let expected = "expected YYYY-MM-DD or an RFC 3339 timestamp such as 2024-05-02T08:15:00+03:00";
    let timestamp = if is_plain_date(text) {
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().expect("digits");
        let date = NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))
            .ok_or_else(|| error("not a day of the calendar"))?;
        date.and_time(chrono::NaiveTime::MIN)
            .and_local_timezone(options.date_offset)
            .single()
            .expect("a fixed offset maps every local time to one instant")
    } else if text.len() > 10 && text.get(..10).is_some_and(is_plain_date) {
        DateTime::parse_from_rfc3339(text).map_err(|err| match err.kind() {
            chrono::format::ParseErrorKind::OutOfRange => {
                error("not a day or time of the calendar")
            }
            _ => error(expected),
        })?
    } else {
        return Err(error(expected));
    };
    if timestamp.year() < 1 {
        return Err(error("years start at 0001"));
    }
    Ok(timestamp)
}

fn is_plain_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

fn tags(field: &RawField<'_>) -> Result<Vec<Tag>, ParseError> {
    let mut tags: Vec<Tag> = Vec::new();
    for tag in field.value.split(',').filter_map(Tag::new) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.is_empty() {
        return Err(invalid(field, "no topic between the commas"));
    }
    Ok(tags)
}

/// A warning when the dateline's day is more than a day from the `date` field's.
fn date_mismatch(
    dateline: &dateline::Dateline,
    published: DateTime<FixedOffset>,
    line: usize,
) -> Option<Warning> {
    let (month, day) = dateline.month_day()?;
    let date = published.date_naive();
    let distance = (date.year() - 1..=date.year() + 1)
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .map(|candidate| (candidate - date).num_days().abs())
        .min()?;
    (distance > 1).then(|| {
        let kind = WarningKind::DatelineDateMismatch {
            dateline: dateline.date_text().unwrap_or_default().to_owned(),
            date: date.format("%Y-%m-%d").to_string(),
        };
        Warning::new(line, kind)
    })
}
