//! Datelines: the place, date and agency that open an agency article's first paragraph.
//!
//! A dateline is recognised by its shape, combined with two tables (`tables.rs`): the agencies,
//! with every spelling of their names, and a gazetteer of the places datelines name.
//! The shapes, with `HEAD` = `PLACE[/PLACE...][ /REGION/][ [REGION]][, REGION][, DATE[, YEAR]]`
//! (any part but the place may be missing, and a date alone is a head too):
//! - slashes, as TASS and Agerpres write: `MINSK, January 10. /TASS/. `, `IGORA /Leningrad
//!   Region/, December 26. /TASS/. `;
//! - the agency in parentheses, then a dash (`-`, `--`, `–`, `—`, the old wire's `_`, EFE's
//!   `.-`) or a colon, or nothing after a known agency: `KYIV, Jan 10 (Reuters) - `, `ATLANTA
//!   (AP) _ `, `SEATTLE/WASHINGTON (Reuters) - `, `Feb. 19 (UPI) -- `, `(Reuters) - `;
//! - the agency first, as ANSA writes: `(ANSA) - Rome, October 11 - `;
//! - a known agency named without parentheses: `Москва. 14 марта. INTERFAX.RU - `, `МОСКВА,
//!   14 мар - РИА Новости. `;
//! - no agency at all, `CHATHAM, Mass. _ `, `SALVADOR, Feb 26 - `, only when the head names a
//!   place of the gazetteer or gives a date or a known region, so that a lede such as `NATO -
//!   the alliance...` is not taken for one.
//!
//! Recognition is otherwise strict (capitalised places of at most five words, the exact
//! punctuation): a missed dateline only leaves the place unknown, while a false one would
//! mangle the lede.

use crate::unicode;
use chrono::NaiveDate;

use crate::{model::Agency, tables, text::title_case};

/// A dateline found at the start of the first paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    text: String,
    places: Vec<Place>,
    region: Option<String>,
    agency: Option<Agency>,
    /// Every known agency a shared credit names (`tca/dpa`), canonical.
    credited: Vec<&'static str>,
    /// A correspondent the dateline names (`/Корр. ТАСС Сергей Изотов/`, `- РИА Новости,
    /// Марина Шмаюн.`).
    author: Option<String>,
    month_day: Option<(u32, u32)>,
    date_text: Option<String>,
}

/// Where an article was filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    name: String,
    original: String,
    region: Option<String>,
    country: Option<String>,
}

impl Dateline {
    /// The dateline exactly as written, without the whitespace after it
    /// (`MINSK, January 10. /TASS/.`).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length in bytes of the dateline at the start of the first paragraph.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// The place, or `None` for a dateline that names only an agency or a date
    /// (`(Reuters) -`, `Feb. 19 (UPI) --`). The first one when the dateline names several.
    pub fn place(&self) -> Option<&Place> {
        self.places.first()
    }

    /// Every place the dateline names, in order (`SEATTLE/WASHINGTON` names two).
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The region or country after the place, as written (`Ukraine` in `LVIV, Ukraine`,
    /// `Mass.` in `CHATHAM, Mass.`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The agency: its canonical name when the agency table knows it (`ТАСС` → `TASS`),
    /// otherwise as written.
    pub fn agency(&self) -> Option<&Agency> {
        self.agency.as_ref()
    }

    /// The correspondent the dateline names, as TASS and RIA Novosti write it
    /// (`/Корр. ТАСС Сергей Изотов/`).
    pub fn author(&self) -> Option<&str> {
        self.author.as_deref()
    }

    /// Every known agency of a shared credit (`(tca/dpa)` credits two), canonical.
    pub(crate) fn credited(&self) -> &[&'static str] {
        &self.credited
    }

    /// The month (1-12) and day the dateline gives, if it gives one.
    pub fn month_day(&self) -> Option<(u32, u32)> {
        self.month_day
    }

    /// The date as the dateline writes it (`January 10`).
    pub fn date_text(&self) -> Option<&str> {
        self.date_text.as_deref()
    }
}

impl Place {
    /// The place for display: its canonical English name when the gazetteer knows it
    /// (`Москва` → `Moscow`), else in title case when the dateline writes it in capitals
    /// (`St. Petersburg`, `N'Djamena`), otherwise as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The place as the dateline writes it (`ST. PETERSBURG`).
    pub fn original(&self) -> &str {
        &self.original
    }

    /// The region the dateline gives, by its canonical name when known (`Mass.` →
    /// `Massachusetts`); `None` when it gives none or gives a country.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The country, from the dateline or the gazetteer.
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// Resolves a place as written, with the region or country written after it.
    pub(crate) fn resolve(original: &str, region: Option<&str>) -> Place {
        let entry = tables::place(original);
        let region_entry = region.and_then(tables::region);
        let name = match entry {
            Some(entry) => entry.name.to_owned(),
            None if original.chars().any(char::is_lowercase) => original.to_owned(),
            None => title_case(original),
        };
        let region_name = match (region, region_entry) {
            (_, Some(entry)) => (!entry.is_country).then(|| entry.name.to_owned()),
            (Some(region), None) => Some(region.to_owned()),
            (None, None) => None,
        };
        let country = region_entry
            .and_then(|entry| entry.country)
            .or_else(|| entry.and_then(|entry| entry.country))
            .map(str::to_owned);
        Place { name, original: original.to_owned(), region: region_name, country }
    }
}

/// Finds a dateline at the start of `paragraph`.
pub(crate) fn find(paragraph: &str) -> Option<Dateline> {
    chinese_style(paragraph)
        .or_else(|| agency_first(paragraph))
        .or_else(|| slash_style(paragraph))
        .or_else(|| paren_style(paragraph))
        .or_else(|| named_agency_style(paragraph))
        .or_else(|| bare_style(paragraph))
}

/// The canonical name of a known agency written as `text`, also for a shared credit such as
/// `tca/dpa` (the first known one).
pub(crate) fn known_agency(text: &str) -> Option<&'static str> {
    tables::agency(text).or_else(|| credited(text).first().copied())
}

/// The known agencies of a shared credit: `tca/dpa`, `ats afp`, `ANP/RTR/BLOOMBERG`.
fn credited(text: &str) -> Vec<&'static str> {
    if let Some(agency) = tables::agency(text) {
        return vec![agency];
    }
    let mut agencies = Vec::new();
    for part in text.split(['/', ' ', ',', '\\']).filter(|part| !part.is_empty()) {
        if let Some(agency) = tables::agency(part)
            && !agencies.contains(&agency)
        {
            agencies.push(agency);
        }
    }
    agencies
}

/// `新华社北京8月12日电（记者罗沙）`: the agency, the place, the date, `电` (wired), and the
/// correspondents in full-width parentheses.
fn chinese_style(paragraph: &str) -> Option<Dateline> {
    let first = paragraph.chars().next()?;
    if !('\u{4E00}'..='\u{9FFF}').contains(&first) {
        return None;
    }
    let head = prefix(paragraph, 120);
    let (agency, rest) = (2..=4).find_map(|length| {
        let end = head.char_indices().nth(length).map(|(offset, _)| offset)?;
        tables::agency(&head[..end]).map(|agency| (agency, &head[end..]))
    })?;
    let digit = rest.find(|c: char| c.is_ascii_digit())?;
    let place = &rest[..digit];
    let date_end = rest.find('日')? + '日'.len_utf8();
    let date = &rest[digit..date_end];
    let (month, day) = date.strip_suffix('日')?.split_once('月')?;
    let month_day = (month.parse().ok()?, day.parse().ok()?);
    NaiveDate::from_ymd_opt(2000, month_day.0, month_day.1)?;
    let mut end =
        rest[date_end..].strip_prefix('电').map_or(date_end, |_| date_end + '电'.len_utf8());
    let mut author = None;
    if let Some(names) = rest[end..].strip_prefix('（')
        && let Some(close) = names.find('）')
    {
        let inner = names[..close].trim_start_matches("记者");
        if !inner.is_empty() && inner.chars().count() <= 30 {
            author = Some(inner.to_owned());
        }
        end += '（'.len_utf8() + close + '）'.len_utf8();
    }
    if place.is_empty() || place.chars().count() > 8 {
        return None;
    }
    let mut result = Head::empty();
    result.places = vec![Place::resolve(place, None)];
    result.month_day = Some(month_day);
    result.date_text = Some(date.to_owned());
    let consumed = paragraph.len() - (head.len() - offset(head, &rest[end..]));
    let _ = consumed;
    let end = offset(paragraph, &rest[end..]);
    let mut dateline = build(paragraph, end, result, Some(agency));
    dateline.author = author;
    Some(dateline)
}

/// How far into the paragraph a dateline's agency may start.
const MAX_HEAD_BYTES: usize = 240;

/// `(AGENCY) - [HEAD - ]` (ANSA, and Reuters' `(Reuters) - ` without a place), and `AGENCY,
/// DATE. ` (TASS without a place).
fn agency_first(paragraph: &str) -> Option<Dateline> {
    if let Some((name, rest)) = prefix(paragraph, 60).split_once(", ")
        && let Some(agency) = tables::agency(name)
        && let Some((date, _)) = paragraph[name.len() + 2..].split_once(". ")
        && parse_date(date).is_some()
    {
        let mut head = Head::empty();
        head.month_day = parse_date(date).map(|(month_day, _)| month_day);
        head.date_text = Some(date.to_owned());
        let end = name.len() + 2 + date.len() + 1;
        let _ = rest;
        return Some(build(paragraph, end, head, Some(agency)));
    }
    let inner = paragraph.strip_prefix('(')?;
    let close = prefix(inner, 40).find(')')?;
    let agency = known_agency(inner[..close].trim())?;
    let rest = separator(&inner[close + 1..])?;
    let mut end = paragraph.len() - rest.len();
    let mut head = Head::empty();
    // ANSA goes on with the place and the date: `(ANSA) - Rome, October 11 - `.
    let after = rest.trim_start();
    if let Some((candidate, following)) = split_at_dash(head_window(after), 80)
        && let Some(parsed) = parse_head(candidate)
        && (parsed.month_day.is_some() || parsed.known_place)
    {
        head = parsed;
        end = offset(paragraph, following);
    }
    Some(build(paragraph, end, head, Some(agency)))
}

/// `HEAD. /AGENCY/. ` or `HEAD /AGENCY/ - ` (TASS, Agerpres).
fn slash_style(paragraph: &str) -> Option<Dateline> {
    let window = head_window(paragraph);
    for (slash, _) in window.match_indices(" /") {
        let after = &paragraph[slash + 2..];
        let Some(close) = prefix(after, 48).find('/') else {
            continue;
        };
        let mut agency = after[..close].trim();
        let mut author = None;
        // `/Корр. ТАСС Сергей Изотов/`: a correspondent of the agency.
        if let Some(correspondent) = ["Корр. ", "корр. ", "Corr. ", "Correspondent "]
            .iter()
            .find_map(|word| agency.strip_prefix(word))
            && let Some((name, person)) = correspondent.split_once(' ')
            && tables::agency(name).is_some()
        {
            agency = name;
            author = Some(person.trim().to_owned());
        }
        let rest = &after[close + 1..];
        let rest = match rest.strip_prefix('.') {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest,
            _ => match separator(rest) {
                Some(rest) => rest,
                None if rest.is_empty() => rest,
                None => continue,
            },
        };
        let known = known_agency(agency);
        if known.is_none() && !agency_ok(agency) {
            continue;
        }
        let head_text = paragraph[..slash].trim_end();
        let head_text = head_text.strip_suffix('.').unwrap_or(head_text);
        let Some(head) = parse_head(head_text) else { continue };
        if head.month_day.is_none() && known.is_none() {
            continue;
        }
        let mut dateline =
            build(paragraph, paragraph.len() - rest.len(), head, known.or(Some(agency)));
        dateline.author = author;
        return Some(dateline);
    }
    None
}

/// `HEAD (AGENCY) - ` (Reuters, AP, AFP, Xinhua, UPI, ...), with any dash, a colon, or nothing
/// after a known agency (`New Delhi, Jan 5 (PTI) The...`).
fn paren_style(paragraph: &str) -> Option<Dateline> {
    // The agency's parentheses may follow a region's: `Kyiv (Ukraine) (AFP) –`.
    head_window(paragraph)
        .match_indices(" (")
        .take(2)
        .find_map(|(open, _)| paren_at(paragraph, open))
}

fn paren_at(paragraph: &str, open: usize) -> Option<Dateline> {
    let after = &paragraph[open + 2..];
    let close = prefix(after, 40).find(')')?;
    let agency = after[..close].trim();
    let known = known_agency(agency);
    if known.is_none() && !agency_ok(agency) {
        return None;
    }
    let tail = &after[close + 1..];
    let rest = match separator(tail) {
        Some(rest) => rest,
        None => {
            // No dash: only after a known agency, before what reads as the start of a sentence.
            known?;
            let next = tail.trim_start().chars().next();
            let sentence = next.is_some_and(|c| c.is_uppercase() || c.is_numeric() || is_quote(c));
            if !(tail.starts_with(char::is_whitespace) && sentence) {
                return None;
            }
            tail
        }
    };
    let head = parse_head(paragraph[..open].trim())?;
    let mut dateline = build(paragraph, paragraph.len() - rest.len(), head, known.or(Some(agency)));
    dateline.credited = credited(agency);
    Some(dateline)
}

/// `HEAD. AGENCY - ` or `HEAD - AGENCY. `: a known agency without brackets (Interfax,
/// RIA Novosti, Kazinform).
fn named_agency_style(paragraph: &str) -> Option<Dateline> {
    let window = head_window(paragraph);
    let words: Vec<(usize, &str)> = window
        .split_whitespace()
        .take(12)
        .map(|word| (word.as_ptr() as usize - window.as_ptr() as usize, word))
        .collect();
    for start in 1..words.len() {
        for count in 1..=3 {
            let Some(&(last_offset, last_word)) = words.get(start + count - 1) else { break };
            let begin = words[start].0;
            let end = last_offset + last_word.len();
            let written = &window[begin..end];
            // The agency's own trailing dot or dash belongs to the separator.
            let name = written.trim_end_matches(['.', ',', ':', '-', '–', '—']);
            let mut rest = &paragraph[begin + name.len()..];
            // Cheap checks first: an agency is followed by a separator or a correspondent, and
            // the head before it ends with a comma, a dot or a dash.
            let followed = rest.starts_with(['.', ':', ',', '-', '–', '—'])
                || rest.trim_start().starts_with(['-', '–', '—', '_']);
            let before = window[..begin].trim_end();
            let preceded = before.ends_with(['.', ',', '-', '–', '—'])
                || before.ends_with(|c: char| c.is_ascii_digit() || c.is_uppercase());
            if !followed || !preceded {
                continue;
            }
            let Some(agency) = tables::agency(name) else { continue };
            let mut author = None;
            // `- РИА Новости, Марина Шмаюн.`: the correspondent after the agency.
            if let Some(after) = rest.strip_prefix(", ")
                && let Some(stop) = prefix(after, 60).find(". ")
                && (2..=4).contains(&after[..stop].split_whitespace().count())
                && after[..stop]
                    .chars()
                    .all(|c| unicode::is_alphabetic(c) || matches!(c, ' ' | '-'))
            {
                author = Some(after[..stop].to_owned());
                rest = &after[stop..];
            }
            let rest = match rest.strip_prefix(['.', ':']) {
                Some(rest) if rest.starts_with(char::is_whitespace) || rest.is_empty() => rest,
                _ => match separator(rest) {
                    Some(rest) => rest,
                    None => continue,
                },
            };
            let head_text =
                window[..begin].trim_end().trim_end_matches(['.', ',', '-', '–', '—']).trim_end();
            let Some(head) = parse_head(head_text) else { continue };
            if head.places.is_empty() {
                continue;
            }
            let mut dateline = build(paragraph, paragraph.len() - rest.len(), head, Some(agency));
            dateline.author = author;
            return Some(dateline);
        }
    }
    None
}

/// `HEAD - ` without an agency: only a head that names a known place, a date or a known region.
fn bare_style(paragraph: &str) -> Option<Dateline> {
    let (candidate, rest) = split_at_dash(head_window(paragraph), 100)?;
    let head = parse_head(candidate)?;
    let shouting = head.places.first().is_some_and(|place| {
        !place.original.chars().any(char::is_lowercase)
            // Five letters at least: `NATO — The alliance ...` is no place.
            && place.original.chars().filter(|c| unicode::is_alphabetic(*c)).count() >= 5
    });
    // `SHAH ALAM – The number ...`: a place in capitals alone, before a sentence.
    let sentence =
        rest.trim_start().starts_with(|c: char| c.is_uppercase() || c.is_numeric() || is_quote(c));
    let lone_capitals = shouting
        && sentence
        && head.places.first().is_some_and(|place| {
            tables::agency(&place.original).is_none()
                && !place.original.split_whitespace().any(|word| NOT_PLACES.contains(&word))
        });
    let strong = head.known_place || head.month_day.is_some() || head.known_region || lone_capitals;
    if head.places.is_empty()
        || !strong
        || (!shouting && !head.known_place && head.month_day.is_none())
    {
        return None;
    }
    Some(build(paragraph, offset(paragraph, rest), head, None))
}

/// Words in capitals that open a lede or a note rather than name a place.
const NOT_PLACES: [&str; 26] = [
    "EDITOR'S",
    "EDITORS",
    "EDITOR’S",
    "NOTE",
    "UPDATE",
    "URGENT",
    "BREAKING",
    "EXCLUSIVE",
    "CORRECTION",
    "ADVISORY",
    "FLASH",
    "BULLETIN",
    "NEWS",
    "ALERT",
    "WARNING",
    "PHOTO",
    "VIDEO",
    "FILE",
    "OPINION",
    "ANALYSIS",
    "COMMENTARY",
    "REVIEW",
    "FEATURE",
    "SPORTS",
    "WEATHER",
    "LIVE",
];

/// Splits `text` at its first dash separator (` - `, ` -- `, ` – `, ` — `, ` _ `) within
/// `limit` bytes: the text before it, and what follows the separator.
fn split_at_dash(text: &str, limit: usize) -> Option<(&str, &str)> {
    let scope = &text[..floor_boundary(text, limit.min(text.len()))];
    for (index, c) in scope.char_indices() {
        let candidate = &text[index..];
        let dash_next = candidate.trim_start().starts_with(['-', '–', '—', '_']);
        if !((c == ' ' && dash_next) || candidate.starts_with(".-")) {
            continue;
        }
        if let Some(rest) = separator(candidate) {
            let head = text[..index].trim_end();
            return (!head.is_empty()).then_some((head, rest));
        }
    }
    None
}

/// After a dateline's agency: a dash of any kind, `.-`, or a colon, then whitespace or the end.
/// Returns what follows.
fn separator(text: &str) -> Option<&str> {
    let trimmed = text.trim_start();
    let rest = ["--", ".-", ".—", ".–", "-", "–", "—", "_", ":"]
        .iter()
        .find_map(|dash| trimmed.strip_prefix(dash))?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

/// The start of the paragraph where a dateline's agency may begin, so that a long paragraph
/// without a dateline costs nothing to search.
fn head_window(paragraph: &str) -> &str {
    &paragraph[..floor_boundary(paragraph, paragraph.len().min(MAX_HEAD_BYTES + 3))]
}

/// At most the first `bytes` bytes of `text`, cut between characters.
fn prefix(text: &str, bytes: usize) -> &str {
    &text[..floor_boundary(text, bytes.min(text.len()))]
}

/// Where `inner`, a slice of `outer`, starts in it.
fn offset(outer: &str, inner: &str) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

fn floor_boundary(text: &str, mut end: usize) -> usize {
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '«' | '\'' | '‘' | '`')
}

/// An agency name the tables do not know, as a dateline may still give it: short, capitalised,
/// of letters, digits and a few marks.
fn agency_ok(agency: &str) -> bool {
    (1..=30).contains(&agency.chars().count())
        && agency.starts_with(char::is_uppercase)
        && agency.split_whitespace().count() <= 4
        && agency
            .chars()
            .all(|c| unicode::is_alphanumeric(c) || matches!(c, ' ' | '.' | '&' | '-' | '\''))
}

struct Head {
    places: Vec<Place>,
    region: Option<String>,
    month_day: Option<(u32, u32)>,
    date_text: Option<String>,
    known_place: bool,
    known_region: bool,
}

impl Head {
    fn empty() -> Head {
        Head {
            places: Vec::new(),
            region: None,
            month_day: None,
            date_text: None,
            known_place: false,
            known_region: false,
        }
    }
}

fn build(paragraph: &str, end: usize, head: Head, agency: Option<&str>) -> Dateline {
    Dateline {
        text: paragraph[..end].trim_end().to_owned(),
        places: head.places,
        region: head.region,
        agency: agency.and_then(Agency::new),
        credited: agency.and_then(tables::agency).into_iter().collect(),
        author: None,
        month_day: head.month_day,
        date_text: head.date_text,
    }
}

/// `PLACE[/PLACE...][ /REGION/][ [REGION]][, REGION][, DATE[, YEAR]]`, or a date alone.
fn parse_head(head: &str) -> Option<Head> {
    if head.is_empty() {
        return Some(Head::empty());
    }
    if head.chars().count() > 120 {
        return None;
    }
    // Parts are separated by commas, and by a dot before a date (`Москва. 14 марта`).
    let mut parts: Vec<&str> = Vec::new();
    for part in head.split(',').map(str::trim) {
        match part.split_once(". ") {
            Some((before, after)) if parse_date(after.trim()).is_some() => {
                parts.push(before.trim());
                parts.push(after.trim());
            }
            _ => parts.push(part),
        }
    }
    if parts.len() > 5 || parts.iter().any(|part| part.is_empty()) {
        return None;
    }
    let mut result = Head::empty();
    let mut rest = &parts[..];
    // A date alone: `Feb. 19 (UPI) --`.
    if let [only] = parts.as_slice()
        && let Some((month_day, _)) = parse_date(only)
    {
        result.month_day = Some(month_day);
        result.date_text = Some((*only).to_owned());
        return Some(result);
    }
    let (first, others) = rest.split_first()?;
    rest = others;
    // `IGORA /Leningrad Region/` and `New Delhi [India]`: a region inside the first part.
    let (names, mut region) = match (first.split_once(" /"), first.split_once(" [")) {
        (Some((names, region)), _) => (names.trim(), Some(region.strip_suffix('/')?.trim())),
        (None, Some((names, region))) => (names.trim(), Some(region.strip_suffix(']')?.trim())),
        (None, None) => match first.split_once(" (") {
            Some((names, region)) => (names.trim(), Some(region.strip_suffix(')')?.trim())),
            None => (*first, None),
        },
    };
    let names: Vec<&str> = names.split('/').map(str::trim).collect();
    // A place of the gazetteer may be written in lower case, as some archives store copy.
    if !names.iter().all(|name| is_place(name) || tables::place(name).is_some()) {
        return None;
    }
    for part in rest {
        if result.month_day.is_none()
            && let Some((month_day, year)) = parse_date(part)
        {
            result.month_day = Some(month_day);
            result.date_text = Some((*part).to_owned());
            let _ = year;
            continue;
        }
        if result.month_day.is_some() && is_year(part) {
            continue;
        }
        if result.month_day.is_none() && region.is_none() && is_place(part) {
            region = Some(part);
            continue;
        }
        // A second region after the first (`Ottawa, Ontario, Canada`) keeps the first.
        if result.month_day.is_none()
            && region.is_some()
            && is_place(part)
            && tables::region(part).is_some()
        {
            continue;
        }
        return None;
    }
    if let Some(region) = region
        && !is_place(region)
    {
        return None;
    }
    result.known_region = region.and_then(tables::region).is_some();
    result.known_place = names.iter().any(|name| tables::place(name).is_some());
    result.places = names.iter().map(|name| Place::resolve(name, region)).collect();
    result.region = region.map(str::to_owned);
    Some(result)
}

/// A name of at most five capitalised words of letters, with hyphens, dots and apostrophes;
/// particles such as `de` or `am` may stay in lower case (`Rio de Janeiro`).
fn is_place(text: &str) -> bool {
    const PARTICLES: [&str; 16] = [
        "am", "an", "da", "de", "del", "der", "di", "do", "dos", "du", "el", "la", "le", "of",
        "on", "upon",
    ];
    let word_ok = |word: &str| word.starts_with(char::is_uppercase) || PARTICLES.contains(&word);
    // `By Ahmet Mercan ANKARA`: a byline run into the place, or capitals mixed with title case.
    let shouting = |word: &str| {
        word.chars().filter(|c| unicode::is_alphabetic(*c)).count() > 1
            && !word.chars().any(char::is_lowercase)
    };
    let words: Vec<&str> = text.split(' ').collect();
    let mixed = words.iter().any(|word| shouting(word))
        && words.iter().any(|word| word.chars().skip(1).any(char::is_lowercase));
    !mixed
        && words.first() != Some(&"By")
        && (1..=50).contains(&text.chars().count())
        && text.starts_with(char::is_uppercase)
        && text.split(' ').count() <= 5
        && text.split(' ').all(word_ok)
        && text
            .chars()
            .all(|c| unicode::is_alphabetic(c) || matches!(c, ' ' | '-' | '.' | '\'' | '’'))
}

fn is_year(text: &str) -> bool {
    text.len() == 4 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// `January 10`, `Jan. 10`, `10 January`, `11 января`, `14 мар`, `Aug 29 2014`, `5 janvier
/// 2024` → ((month, day), year).
fn parse_date(text: &str) -> Option<((u32, u32), Option<i32>)> {
    let mut words = text.split_whitespace();
    let (first, second) = (words.next()?, words.next()?);
    let year = match (words.next(), words.next()) {
        (None, _) => None,
        (Some(year), None) if is_year(year.trim_end_matches(['.', 'г'])) => {
            Some(year.trim_end_matches(['.', 'г']).parse().ok()?)
        }
        // `11 января 2022 года`.
        _ => return None,
    };
    let (month, day) = match (month_number(first), month_number(second)) {
        (Some(month), None) => (month, second),
        (None, Some(month)) => (month, first),
        _ => return None,
    };
    // `5th January` (WAM), `1st`.
    let day = day.trim_end_matches('.');
    let day =
        ["st", "nd", "rd", "th"].iter().find_map(|suffix| day.strip_suffix(suffix)).unwrap_or(day);
    let day: u32 = day.parse().ok().filter(|_| (1..=2).contains(&day.len()))?;
    // 2000 is a leap year, so February 29 is accepted.
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| ((month, day), year))
}

fn month_number(word: &str) -> Option<u32> {
    const NAMES: [&[&str]; 12] = [
        &[
            "january",
            "jan",
            "января",
            "январь",
            "янв",
            "janvier",
            "janv",
            "enero",
            "ene",
            "gennaio",
            "gen",
            "januar",
            "jänner",
            "janeiro",
        ],
        &[
            "february",
            "feb",
            "февраля",
            "февраль",
            "фев",
            "févr",
            "février",
            "fevrier",
            "febrero",
            "febbraio",
            "februar",
            "fevereiro",
            "fev",
        ],
        &[
            "march",
            "mar",
            "марта",
            "март",
            "мар",
            "mars",
            "marzo",
            "märz",
            "marz",
            "março",
            "marco",
        ],
        &["april", "apr", "апреля", "апрель", "апр", "avril", "avr", "abril", "abr", "aprile"],
        &["may", "мая", "май", "mai", "mayo", "maggio", "mag", "maio"],
        &["june", "jun", "июня", "июнь", "июн", "juin", "junio", "giugno", "giu", "juni", "junho"],
        &[
            "july", "jul", "июля", "июль", "июл", "juillet", "juil", "julio", "luglio", "lug",
            "juli", "julho",
        ],
        &["august", "aug", "августа", "август", "авг", "août", "aout", "agosto", "ago"],
        &[
            "september",
            "sep",
            "sept",
            "сентября",
            "сентябрь",
            "сен",
            "сент",
            "septembre",
            "septiembre",
            "settembre",
            "set",
            "setembro",
        ],
        &[
            "october",
            "oct",
            "октября",
            "октябрь",
            "окт",
            "octobre",
            "octubre",
            "ottobre",
            "ott",
            "oktober",
            "okt",
            "outubro",
            "out",
        ],
        &["november", "nov", "ноября", "ноябрь", "ноя", "novembre", "noviembre", "novembro"],
        &[
            "december",
            "dec",
            "декабря",
            "декабрь",
            "дек",
            "décembre",
            "decembre",
            "déc",
            "diciembre",
            "dic",
            "dicembre",
            "dezember",
            "dez",
            "dezembro",
        ],
    ];
    let word = unicode::lowercase(word.strip_suffix('.').unwrap_or(word));
    NAMES.iter().position(|names| names.contains(&word.as_str())).map(|index| index as u32 + 1)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    fn check(paragraph: &str, expect: Expect) {
        let actual = match super::find(paragraph) {
            None => "none".to_owned(),
            Some(dateline) => format!(
                "text={:?} place={:?} original={:?} region={:?} agency={:?} month_day={:?} date={:?}",
                dateline.text(),
                dateline.place().map_or("-", |place| place.name()),
                dateline.place().map_or("-", |place| place.original()),
                dateline.region(),
                dateline.agency().map(|agency| agency.as_str()),
                dateline.month_day(),
                dateline.date_text(),
            ),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn tass() {
        check(
            "MINSK, January 10. /TASS/. Not a single",
            expect![[
                r#"text="MINSK, January 10. /TASS/." place="Minsk" original="MINSK" region=None agency=Some("TASS") month_day=Some((1, 10)) date=Some("January 10")"#
            ]],
        );
    }

    #[test]
    fn tass_russian() {
        check(
            "МОСКВА, 11 января. /ТАСС/. Президент",
            expect![[
                r#"text="МОСКВА, 11 января. /ТАСС/." place="Moscow" original="МОСКВА" region=None agency=Some("TASS") month_day=Some((1, 11)) date=Some("11 января")"#
            ]],
        );
    }

    #[test]
    fn reuters() {
        check(
            "KYIV, Jan 10 (Reuters) - Ukraine said",
            expect![[
                r#"text="KYIV, Jan 10 (Reuters) -" place="Kyiv" original="KYIV" region=None agency=Some("Reuters") month_day=Some((1, 10)) date=Some("Jan 10")"#
            ]],
        );
    }

    #[test]
    fn ap() {
        check(
            "WASHINGTON (AP) — The Senate",
            expect![[
                r#"text="WASHINGTON (AP) —" place="Washington" original="WASHINGTON" region=None agency=Some("AP") month_day=None date=None"#
            ]],
        );
        check(
            "LVIV, Ukraine (AP) — Air raid",
            expect![[
                r#"text="LVIV, Ukraine (AP) —" place="Lviv" original="LVIV" region=Some("Ukraine") agency=Some("AP") month_day=None date=None"#
            ]],
        );
    }

    #[test]
    fn afp() {
        check(
            "Paris (AFP) - France on",
            expect![[
                r#"text="Paris (AFP) -" place="Paris" original="Paris" region=None agency=Some("AFP") month_day=None date=None"#
            ]],
        );
    }

    #[test]
    fn places_with_punctuation() {
        check(
            "ST. PETERSBURG, June 3. /TASS/. Text",
            expect![[
                r#"text="ST. PETERSBURG, June 3. /TASS/." place="St. Petersburg" original="ST. PETERSBURG" region=None agency=Some("TASS") month_day=Some((6, 3)) date=Some("June 3")"#
            ]],
        );
        check(
            "N'DJAMENA, Sept. 4 (Reuters) -- Text",
            expect![[
                r#"text="N'DJAMENA, Sept. 4 (Reuters) --" place="N'Djamena" original="N'DJAMENA" region=None agency=Some("Reuters") month_day=Some((9, 4)) date=Some("Sept. 4")"#
            ]],
        );
        check(
            "NUR-SULTAN, 4 March. /TASS/. Text",
            expect![[
                r#"text="NUR-SULTAN, 4 March. /TASS/." place="Astana" original="NUR-SULTAN" region=None agency=Some("TASS") month_day=Some((3, 4)) date=Some("4 March")"#
            ]],
        );
        check(
            "NEW YORK (AP) — Text",
            expect![[
                r#"text="NEW YORK (AP) —" place="New York" original="NEW YORK" region=None agency=Some("AP") month_day=None date=None"#
            ]],
        );
    }

    #[test]
    fn not_datelines() {
        check(
            "Not a single CSTO (Collective Security Treaty Organization) peacekeeper",
            expect!["none"],
        );
        check("The talks (held in Geneva) - as expected - failed", expect!["none"]);
        check("He paid 5 (five) - dollars", expect!["none"]);
        check("MINSK, hello world. /TASS/. Text", expect!["none"]);
        check("MINSK, January 10. /TASS/.Text", expect!["none"]);
        check("MINSK, February 30. /TASS/. Text", expect!["none"]);
        check(
            "minsk (AP) - Text",
            expect![[
                r#"text="minsk (AP) -" place="Minsk" original="minsk" region=None agency=Some("AP") month_day=None date=None"#
            ]],
        );
        check("", expect!["none"]);
    }
}
