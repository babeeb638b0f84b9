//! From bytes to checked lines: encoding, forbidden characters and line endings.
//!
//! After `decode` succeeds, the text is UTF-8 without a byte-order mark and holds only characters
//! that XML 1.0 allows, so nothing later in the pipeline can produce an unreadable feed.

use crate::error::{ParseError, ParseErrorKind};

/// Checks the encoding and the characters of a whole file, and strips a UTF-8 byte-order mark.
pub(crate) fn decode(input: &[u8]) -> Result<&str, ParseError> {
    if input.starts_with(&[0xFF, 0xFE]) || input.starts_with(&[0xFE, 0xFF]) {
        return Err(ParseError::new(1, ParseErrorKind::Utf16));
    }
    let (bom_len, body) = match input.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, input),
    };
    // The fast check first; the standard library's says where a bad sequence is.
    let checked = simdutf8::basic::from_utf8(body).or_else(|_| std::str::from_utf8(body));
    let text = checked.map_err(|err| {
        let valid = &body[..err.valid_up_to()];
        // `valid` is UTF-8 by construction, so lossy conversion loses nothing here.
        let (line, column) = position(&String::from_utf8_lossy(valid));
        ParseError::at(
            line,
            column,
            ParseErrorKind::InvalidUtf8 { byte_offset: bom_len + err.valid_up_to() },
        )
    })?;
    if let Some(offset) = first_forbidden(text) {
        let (line, column) = position(&text[..offset]);
        let character = text[offset..].chars().next().expect("found at this offset");
        return Err(ParseError::at(line, column, ParseErrorKind::ForbiddenCharacter { character }));
    }
    Ok(text)
}

/// The offset of the first character XML 1.0 forbids, found on bytes: in UTF-8 these are the
/// bytes below 0x20 other than TAB, LF and CR, and the sequences `EF BF BE` and `EF BF BF`
/// (U+FFFE, U+FFFF); surrogates are not valid UTF-8 at all. Equivalent to finding the first
/// `char` for which `is_xml_char` is false, at a fraction of the cost.
fn first_forbidden(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let forbidden = |byte: u8| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r');
    let mut control = None;
    // Whole chunks are tested without an early exit, which the compiler vectorizes.
    for (index, chunk) in bytes.chunks(64).enumerate() {
        if chunk.iter().fold(false, |any, &byte| any | forbidden(byte)) {
            let within = chunk.iter().position(|&byte| forbidden(byte)).expect("found above");
            control = Some(index * 64 + within);
            break;
        }
    }
    let searched = &bytes[..control.unwrap_or(bytes.len())];
    let noncharacter = memchr::memmem::find_iter(searched, b"\xEF\xBF")
        .find(|&index| matches!(bytes.get(index + 2), Some(0xBE | 0xBF)));
    noncharacter.or(control)
}

/// Whether XML 1.0 allows the character in a document (the `Char` production).
/// Surrogates cannot occur in a Rust `char`.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The 1-based line and column (in characters) just after `before`.
fn position(before: &str) -> (usize, usize) {
    let line = 1 + before.matches('\n').count();
    let last_line = before.rsplit('\n').next().unwrap_or("");
    (line, 1 + last_line.chars().count())
}

/// Splits text into numbered lines. LF, CRLF and a lone CR all end a line; a final line ending
/// does not start another line.
pub(crate) fn lines(text: &str) -> Vec<(usize, &str)> {
    // Room for a line per LF, counted at memchr's speed (CRs alone are rare), so that the list
    // of a long seed is not moved as it grows.
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut rest = text;
    while !rest.is_empty() {
        let end = memchr::memchr2(b'\n', b'\r', rest.as_bytes()).unwrap_or(rest.len());
        lines.push((lines.len() + 1, &rest[..end]));
        rest = &rest[end..];
        rest =
            rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix(['\n', '\r'])).unwrap_or(rest);
    }
    lines
}

/// `NUR-SULTAN` → `Nur-Sultan`, `N'DJAMENA` → `N'Djamena`: a letter is upper case exactly when
/// no letter comes right before it.
pub(crate) fn title_case(text: &str) -> String {
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

/// `text.chars().count() > count`, counting no further than needed: the furniture and summary
/// tests ask it of whole paragraphs.
pub(crate) fn more_chars_than(text: &str, count: usize) -> bool {
    // A character takes one to four bytes.
    text.len() > count && (text.len() > 4 * count || text.chars().nth(count).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn more_chars_than_is_a_count(text in "[aé€𝄞]{0,30}", count in 0usize..40) {
            proptest::prop_assert_eq!(more_chars_than(&text, count), text.chars().count() > count);
        }
    }

    #[test]
    fn line_endings() {
        assert_eq!(lines("a\nb\r\nc\rd"), [(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        assert_eq!(lines("a\n\nb\n"), [(1, "a"), (2, ""), (3, "b")]);
        assert_eq!(lines(""), []);
    }

    #[test]
    fn forbidden_characters_are_found_on_bytes_as_on_chars() {
        for text in [
            "plain text\twith\r\nline ends",
            "a\u{0}b",
            "Москва \u{1B}",
            "\u{FFFE} first",
            "x \u{FFFD} \u{FFFF}",
            "\u{EFBF}\u{FFBE} lookalikes \u{10000}",
            &format!("{}\u{7}", "é".repeat(100)),
            &format!("{}\u{FFFF}{}\u{1}", "a".repeat(70), "b".repeat(70)),
            "",
        ] {
            assert_eq!(first_forbidden(text), text.find(|c: char| !is_xml_char(c)), "{text:?}");
        }
    }

    #[test]
    fn xml_chars() {
        assert!(is_xml_char('\t') && is_xml_char('é') && is_xml_char('\u{10FFFF}'));
        assert!(!is_xml_char('\0') && !is_xml_char('\u{1B}') && !is_xml_char('\u{FFFE}'));
        assert!(!is_xml_char('\u{FFFF}'));
    }
}
