//! Date syntax: RFC 822 for RSS (with the weekday checked against the date), RFC 3339 for Atom.

use chrono::{DateTime, Datelike, FixedOffset};

/// What is wrong with an RFC 822 date, if anything.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Rfc822Problem {
    /// Not an RFC 822 date-time with a four-digit year.
    Syntax,
    /// The weekday given is not the date's weekday.
    Weekday { given: String, actual: String },
}

/// Checks an RFC 822 date-time such as `Mon, 10 Jan 2022 00:00:00 +0300`.
pub(crate) fn check_rfc822(text: &str) -> Result<DateTime<FixedOffset>, Rfc822Problem> {
    let text = text.trim();
    let (weekday, rest) = match text.split_once(',') {
        Some((weekday, rest)) => (Some(weekday.trim()), rest.trim()),
        None => (None, text),
    };
    // A two-digit year is legal in RFC 822 but ambiguous; RSS 2.0 asks for four digits.
    let year_ok = rest.split_whitespace().nth(2).is_some_and(|year| year.len() == 4);
    let parsed = DateTime::parse_from_rfc2822(rest).map_err(|_| Rfc822Problem::Syntax)?;
    if !year_ok {
        return Err(Rfc822Problem::Syntax);
    }
    if let Some(given) = weekday {
        let actual = parsed.weekday().to_string();
        if !given.eq_ignore_ascii_case(&actual) {
            return Err(Rfc822Problem::Weekday { given: given.to_owned(), actual });
        }
    }
    Ok(parsed)
}

/// Whether the W3C validator calls a date implausible: before 1990. (It also flags dates after
/// tomorrow, which needs the clock; this crate stays a pure function of its input.)
pub(crate) fn is_implausible(date: DateTime<FixedOffset>) -> bool {
    date.year() < 1990
}

/// Checks an RFC 3339 date-time such as `2022-01-10T00:00:00+03:00`.
pub(crate) fn check_rfc3339(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    // RFC 4287 section 3.3 asks for an upper-case `T` and `Z`.
    if text.len() < 20 || text.as_bytes()[10] != b'T' || text.contains('z') {
        return None;
    }
    DateTime::parse_from_rfc3339(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc822() {
        assert!(check_rfc822("Mon, 10 Jan 2022 00:00:00 +0300").is_ok());
        assert!(check_rfc822("10 Jan 2022 00:00 GMT").is_ok());
        assert_eq!(
            check_rfc822("Tue, 10 Jan 2022 00:00:00 +0300"),
            Err(Rfc822Problem::Weekday { given: "Tue".to_owned(), actual: "Mon".to_owned() })
        );
        assert_eq!(check_rfc822("2022-01-10T00:00:00Z"), Err(Rfc822Problem::Syntax));
        assert_eq!(check_rfc822("Mon, 10 Jan 22 00:00:00 +0300"), Err(Rfc822Problem::Syntax));
    }

    #[test]
    fn rfc3339() {
        assert!(check_rfc3339("2022-01-10T00:00:00+03:00").is_some());
        assert!(check_rfc3339("2022-01-10T00:00:00.5Z").is_some());
        assert!(check_rfc3339("2022-01-10 00:00:00Z").is_none());
        assert!(check_rfc3339("2022-01-10").is_none());
        assert!(check_rfc3339("2022-02-30T00:00:00Z").is_none());
    }
}
