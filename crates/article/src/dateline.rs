//! Datelines: the place, date and agency that open an agency article's first paragraph.
//!
//! Two shapes cover the house styles of the big agencies:
//! - slashes, as TASS writes: `MINSK, January 10. /TASS/. ` and `МОСКВА, 11 января. /ТАСС/. `;
//! - parentheses and a dash, as Reuters, AP and AFP write: `KYIV, Jan 10 (Reuters) - `,
//!   `LVIV, Ukraine (AP) — `, `Paris (AFP) - `.
//!
//! The part before the agency is `PLACE[, REGION][, DATE]`. Recognition is deliberately strict
//! (a capitalised place of at most five words, a short agency name, the exact punctuation):
//! a missed dateline only leaves the place unknown, while a false one would mangle the lede.

use chrono::NaiveDate;

use crate::model::Agency;

/// A dateline found at the start of the first paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    text: String,
    place: Place,
    region: Option<String>,
    agency: Option<Agency>,
    month_day: Option<(u32, u32)>,
    date_text: Option<String>,
}

/// Where an article was filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    name: String,
    original: String,
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

    /// The place.
    pub fn place(&self) -> &Place {
        &self.place
    }

    /// The region or country after the place, as AP writes it (`LVIV, Ukraine`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The agency.
    pub fn agency(&self) -> Option<&Agency> {
        self.agency.as_ref()
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
    /// The place for display: title case when the dateline writes it in capitals
    /// (`St. Petersburg`, `N'Djamena`, `Москва`), otherwise as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The place as the dateline writes it (`ST. PETERSBURG`).
    pub fn original(&self) -> &str {
        &self.original
    }
}

/// Finds a dateline at the start of `paragraph`.
pub(crate) fn find(paragraph: &str) -> Option<Dateline> {
    slash_style(paragraph).or_else(|| paren_style(paragraph))
}

/// How far into the paragraph a dateline's agency may start.
const MAX_HEAD_BYTES: usize = 240;

/// `PLACE, DATE. /AGENCY/. ` (TASS).
fn slash_style(paragraph: &str) -> Option<Dateline> {
    let separator = head_window(paragraph).find(". /")?;
    let after = &paragraph[separator + 3..];
    let agency = &after[..after.find('/')?];
    let rest = &after[agency.len() + 1..];
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let head = parse_head(&paragraph[..separator])?;
    head.month_day?;
    build(paragraph, paragraph.len() - rest.len(), head, agency)
}

/// `PLACE[, REGION][, DATE] (AGENCY) - ` (Reuters, AP, AFP), with a hyphen, en or em dash.
fn paren_style(paragraph: &str) -> Option<Dateline> {
    let open = head_window(paragraph).find(" (")?;
    let after = &paragraph[open + 2..];
    let agency = &after[..after.find(')')?];
    let rest = after[agency.len() + 1..].trim_start();
    let rest = ["--", "-", "–", "—"].iter().find_map(|dash| rest.strip_prefix(dash))?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let head = parse_head(&paragraph[..open])?;
    build(paragraph, paragraph.len() - rest.len(), head, agency)
}

/// The start of the paragraph where a dateline's agency may begin, so that a long paragraph
/// without a dateline costs nothing to search.
fn head_window(paragraph: &str) -> &str {
    let mut end = paragraph.len().min(MAX_HEAD_BYTES + 3);
    while !paragraph.is_char_boundary(end) {
        end -= 1;
    }
    &paragraph[..end]
}

struct Head {
    place: Place,
    region: Option<String>,
    month_day: Option<(u32, u32)>,
    date_text: Option<String>,
}

fn build(paragraph: &str, end: usize, head: Head, agency: &str) -> Option<Dateline> {
    let agency = agency.trim();
    let agency_ok = (1..=30).contains(&agency.chars().count())
        && agency.starts_with(char::is_uppercase)
        && agency.split_whitespace().count() <= 4
        && agency.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '&' | '-' | '\''));
    if !agency_ok {
        return None;
    }
    Some(Dateline {
        text: paragraph[..end].to_owned(),
        place: head.place,
        region: head.region,
        agency: Agency::new(agency),
        month_day: head.month_day,
        date_text: head.date_text,
    })
}

/// `PLACE[, REGION][, DATE]`.
fn parse_head(head: &str) -> Option<Head> {
    let parts: Vec<&str> = head.split(',').map(str::trim).collect();
    if parts.len() > 3 {
        return None;
    }
    let place = parts[0];
    if !is_place(place) {
        return None;
    }
    let mut rest = &parts[1..];
    let mut month_day = None;
    let mut date_text = None;
    if let Some((last, before)) = rest.split_last()
        && let Some(parsed) = parse_month_day(last)
    {
        month_day = Some(parsed);
        date_text = Some((*last).to_owned());
        rest = before;
    }
    let region = match rest {
        [] => None,
        [region] if is_place(region) => Some((*region).to_owned()),
        _ => return None,
    };
    let name =
        if place.chars().any(char::is_lowercase) { place.to_owned() } else { title_case(place) };
    Some(Head { place: Place { name, original: place.to_owned() }, region, month_day, date_text })
}

/// A name of at most five capitalised words of letters, with hyphens, dots and apostrophes;
/// particles such as `de` or `am` may stay in lower case (`Rio de Janeiro`).
fn is_place(text: &str) -> bool {
    const PARTICLES: [&str; 16] = [
        "am", "an", "da", "de", "del", "der", "di", "do", "dos", "du", "el", "la", "le", "of",
        "on", "upon",
    ];
    let word_ok = |word: &str| word.starts_with(char::is_uppercase) || PARTICLES.contains(&word);
    (1..=50).contains(&text.chars().count())
        && text.starts_with(char::is_uppercase)
        && text.split(' ').count() <= 5
        && text.split(' ').all(word_ok)
        && text.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '.' | '\'' | '’'))
}

/// `NUR-SULTAN` → `Nur-Sultan`, `N'DJAMENA` → `N'Djamena`: a letter is upper case exactly when
/// no letter comes right before it.
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_letter = false;
    for c in text.chars() {
        if after_letter {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        after_letter = c.is_alphabetic();
    }
    out
}

/// `January 10`, `Jan. 10`, `10 January`, `11 января` → (month, day).
fn parse_month_day(text: &str) -> Option<(u32, u32)> {
    let mut words = text.split_whitespace();
    let (first, second) = (words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let (month, day) = match (month_number(first), month_number(second)) {
        (Some(month), None) => (month, second),
        (None, Some(month)) => (month, first),
        _ => return None,
    };
    let day: u32 = day.parse().ok().filter(|_| (1..=2).contains(&day.len()))?;
    // 2000 is a leap year, so February 29 is accepted.
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| (month, day))
}

fn month_number(word: &str) -> Option<u32> {
    const NAMES: [&[&str]; 12] = [
        &["january", "jan", "января", "январь"],
        &["february", "feb", "февраля", "февраль"],
        &["march", "mar", "марта", "март"],
        &["april", "apr", "апреля", "апрель"],
        &["may", "мая", "май"],
        &["june", "jun", "июня", "июнь"],
        &["july", "jul", "июля", "июль"],
        &["august", "aug", "августа", "август"],
        &["september", "sep", "sept", "сентября", "сентябрь"],
        &["october", "oct", "октября", "октябрь"],
        &["november", "nov", "ноября", "ноябрь"],
        &["december", "dec", "декабря", "декабрь"],
    ];
    let word = word.strip_suffix('.').unwrap_or(word).to_lowercase();
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
                dateline.place().name(),
                dateline.place().original(),
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
                r#"text="МОСКВА, 11 января. /ТАСС/." place="Москва" original="МОСКВА" region=None agency=Some("ТАСС") month_day=Some((1, 11)) date=Some("11 января")"#
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
                r#"text="NUR-SULTAN, 4 March. /TASS/." place="Nur-Sultan" original="NUR-SULTAN" region=None agency=Some("TASS") month_day=Some((3, 4)) date=Some("4 March")"#
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
        check("minsk (AP) - Text", expect!["none"]);
        check("", expect!["none"]);
    }
}
