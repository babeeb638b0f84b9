//! Letter tests and lower-casing, exactly as the standard library does them, faster for the
//! scripts wire copy is mostly written in.
//!
//! `str::to_lowercase` and `char::is_alphanumeric` answer ASCII at once, but search Unicode's
//! tables for every other character: in Cyrillic, Greek or accented Latin copy they were a
//! seventh of a build's time. Here the answers for the first 2,048 code points (Latin, Greek,
//! Cyrillic, Armenian, Hebrew, Arabic) are taken from the standard library once, into tables,
//! and looked up; every other character is asked of the standard library as before. So the
//! answers are the standard library's by construction (and by the exhaustive tests below).

use std::sync::LazyLock;

/// The code points the tables cover: `0..TABLED`.
const TABLED: u32 = 0x800;

/// For each tabled code point: its lower case when that is one character of the tables'
/// range, else `char::MAX` (ask the standard library), and whether it is alphabetic and
/// alphanumeric, as bits.
struct Tables {
    lower: [char; TABLED as usize],
    alphabetic: [u64; TABLED as usize / 64],
    alphanumeric: [u64; TABLED as usize / 64],
}

static TABLES: LazyLock<Box<Tables>> = LazyLock::new(|| {
    let mut tables = Box::new(Tables {
        lower: ['\0'; TABLED as usize],
        alphabetic: [0; TABLED as usize / 64],
        alphanumeric: [0; TABLED as usize / 64],
    });
    for (code, lower) in tables.lower.iter_mut().enumerate() {
        let c = char::from_u32(code as u32).expect("below the surrogates");
        let mut lowered = c.to_lowercase();
        *lower = match (lowered.next(), lowered.next()) {
            (Some(one), None) if (one as u32) < TABLED => one,
            _ => char::MAX,
        };
        if c.is_alphabetic() {
            tables.alphabetic[code / 64] |= 1 << (code % 64);
        }
        if c.is_alphanumeric() {
            tables.alphanumeric[code / 64] |= 1 << (code % 64);
        }
    }
    tables
});

/// `c.is_alphabetic()`.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    tabled(c, |tables| &tables.alphabetic, char::is_alphabetic)
}

/// `c.is_alphanumeric()`.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    tabled(c, |tables| &tables.alphanumeric, char::is_alphanumeric)
}

/// The bit of `c` in the table `bits` picks from [`TABLES`], or, beyond them, `beyond(c)`.
#[inline]
fn tabled(
    c: char,
    bits: impl Fn(&Tables) -> &[u64; TABLED as usize / 64],
    beyond: impl Fn(char) -> bool,
) -> bool {
    let code = c as u32;
    match code < TABLED {
        true => bits(&TABLES)[code as usize / 64] & (1 << (code % 64)) != 0,
        false => beyond(c),
    }
}

/// `text.to_lowercase()`.
pub fn lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    lowercase_into(&mut out, text);
    out
}

/// Appends `text.to_lowercase()` to `out`: for a caller that lower-cases many short texts
/// into one buffer.
pub fn lowercase_into(out: &mut String, text: &str) {
    // Capital sigma lower-cases by its context (`ς` at the end of a word): the standard
    // library's rule, left to it.
    if has_capital_sigma(text) {
        out.push_str(&text.to_lowercase());
    } else {
        push_lowercase(out, text);
    }
}

/// `lowercase(text).starts_with(&lowercase(prefix))`, lower-casing only as far as `prefix`
/// reaches (a summary asks it of a whole lede and a headline).
pub fn starts_with_lowercased(text: &str, prefix: &str) -> bool {
    if has_capital_sigma(text) || has_capital_sigma(prefix) {
        return lowercase(text).starts_with(&lowercase(prefix));
    }
    // Without a capital sigma, a text lower-cases character by character.
    let mut text = text.chars().flat_map(char::to_lowercase);
    prefix.chars().flat_map(char::to_lowercase).all(|c| text.next() == Some(c))
}

/// Whether `text` holds a capital sigma, which lower-cases by its context.
fn has_capital_sigma(text: &str) -> bool {
    contains_char(text, 'Σ')
}

/// `text.contains(c)`, found by `memchr` on the first byte of `c`'s UTF-8 rather than by the
/// substring search `str::contains` sets up on each call: for a rare character asked of many
/// short texts (a capital sigma of every word, a byte-order mark of every paragraph).
pub fn contains_char(text: &str, c: char) -> bool {
    let mut encoded = [0; 4];
    let encoded = c.encode_utf8(&mut encoded).as_bytes();
    let bytes = text.as_bytes();
    memchr::memchr_iter(encoded[0], bytes).any(|at| bytes[at..].starts_with(encoded))
}

/// Whether `c.to_lowercase()` is `c` itself, as far as the tables know: `false` for every
/// character beyond them (ask [`lowercase`]).
#[inline]
pub fn lowers_to_itself(c: char) -> bool {
    let code = c as u32;
    code < TABLED && TABLES.lower[code as usize] == c
}

/// `text.to_lowercase()`, borrowed when that is `text` itself because it is ASCII without a
/// capital: most words of most copy.
pub fn lowered(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(lowercase(text))
    }
}

/// Appends `text.to_lowercase()` to `out`, for text without a capital sigma.
fn push_lowercase(out: &mut String, text: &str) {
    let tables = &*TABLES;
    out.reserve(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // A run of ASCII, copied as bytes.
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let from = out.len();
        out.push_str(&rest[..ascii]);
        out[from..].make_ascii_lowercase();
        // Then the run of other characters, each from the tables.
        let others = &rest[ascii..];
        let mut end = others.len();
        for (at, c) in others.char_indices() {
            let code = c as u32;
            if code < 0x80 {
                end = at;
                break;
            }
            let lower = if code < TABLED { tables.lower[code as usize] } else { char::MAX };
            if lower == char::MAX {
                out.extend(c.to_lowercase());
            } else {
                out.push(lower);
            }
        }
        rest = &others[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=char::MAX as u32).filter_map(char::from_u32)
    }

    #[test]
    fn every_character_is_classed_as_the_standard_library_classes_it() {
        for c in every_char() {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn a_character_lowers_to_itself_when_the_standard_library_says_so() {
        for c in every_char() {
            if lowers_to_itself(c) {
                assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c:?}");
            }
        }
        assert!(lowers_to_itself('я') && lowers_to_itself('é') && lowers_to_itself('a'));
        assert!(!lowers_to_itself('Я') && !lowers_to_itself('Σ') && !lowers_to_itself('中'));
    }

    #[test]
    fn every_character_is_lower_cased_as_the_standard_library_lower_cases_it() {
        for c in every_char() {
            let alone = c.to_string();
            assert_eq!(lowercase(&alone), alone.to_lowercase(), "{c:?}");
            let amid = format!("Ab{c}Σ Σa {c}É");
            assert_eq!(lowercase(&amid), amid.to_lowercase(), "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn text_is_lower_cased_as_the_standard_library_lower_cases_it(text in any::<String>()) {
            prop_assert_eq!(lowercase(&text), text.to_lowercase());
            prop_assert_eq!(lowered(&text), text.to_lowercase());
            let mut out = String::from("Ab");
            lowercase_into(&mut out, &text);
            prop_assert_eq!(out, format!("Ab{}", text.to_lowercase()));
        }

        #[test]
        fn a_prefix_is_found_lower_cased_as_the_standard_library_finds_it(
            text in "[A-Za-z ΣΑσςİIÀÉĀАБЯя.'0-9中]{0,30}",
            cut in 0usize..40,
            upper in any::<bool>(),
        ) {
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let prefix = match upper {
                true => text[..cut].to_uppercase(),
                false => text[..cut].to_owned() + "x",
            };
            prop_assert_eq!(
                starts_with_lowercased(&text, &prefix),
                text.to_lowercase().starts_with(&prefix.to_lowercase())
            );
        }

        #[test]
        fn a_character_is_found_as_str_contains_finds_it(
            text in "[aΣσ\u{feff}é€𝄞 ]{0,20}",
            c in proptest::sample::select(vec!['a', 'Σ', '\u{feff}', 'é', '€', '𝄞', 'x']),
        ) {
            prop_assert_eq!(contains_char(&text, c), text.contains(c));
        }

        #[test]
        fn wire_like_text_is_lower_cased_too(
            text in "[A-Za-z ΣΑΒΓσςİIÀÉÖØÞŸĀŒАБВГДЁЖЯЄЇабвёя,.\"'()0-9中文]{0,60}"
        ) {
            prop_assert_eq!(lowercase(&text), text.to_lowercase());
            prop_assert_eq!(lowered(&text), text.to_lowercase());
        }
    }
}
