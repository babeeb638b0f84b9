//! Property tests of the parser: whatever the bytes, it returns an article or an error with a
//! line number, and never panics.
//!
//! Two generators: raw bytes, and "wire-like" text assembled from the pieces the format is made
//! of (fields, date lines, datelines, blank lines, CRLF, forbidden characters), which reaches far
//! deeper into the parser than random bytes do.

use article::{ArticleKey, Options, parse};
use chrono::FixedOffset;
use proptest::prelude::*;

fn options() -> Options {
    Options { date_offset: FixedOffset::east_opt(3 * 3600).unwrap() }
}

fn check_outcome(input: &[u8]) -> Result<(), TestCaseError> {
    let key = ArticleKey::new("key").unwrap();
    let n_lines = 1 + input.iter().filter(|&&byte| byte == b'\n' || byte == b'\r').count();
    match parse(&key, input, &options()) {
        Ok(parsed) => {
            let article = parsed.article;
            prop_assert!(!article.headline().as_str().trim().is_empty());
            prop_assert!(article.headline().as_str().chars().count() <= 2000);
            prop_assert!(!article.blocks().is_empty());
            prop_assert!(
                article
                    .blocks()
                    .iter()
                    .all(|block| !block.text().is_empty() && !block.text().contains('\n'))
            );
            prop_assert!(article.updated() >= article.published());
            for warning in &parsed.warnings {
                prop_assert!((1..=n_lines).contains(&warning.line()));
            }
        }
        Err(err) => {
            prop_assert!(
                (1..=n_lines).contains(&err.line()),
                "line {} of {n_lines}: {err}",
                err.line()
            );
            prop_assert!(!err.to_string().is_empty());
        }
    }
    Ok(())
}

/// One line of something that looks like a wire file.
fn wire_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_owned()),
        "(title|id|updated|tags|lang|author|link|titel|date): ?[ -~]{0,30}",
        "date ?:? ?[0-9]{4}-[0-9]{2}-[0-9]{2}( [ -~]{0,40})?",
        "date [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})",
        "[A-Z .'-]{1,20}, (January|Jan\\.?|Sept\\.) [0-9]{1,2}\\. /[A-Z]{2,6}/\\. [ -~]{0,60}",
        "[А-Я]{2,10}, [0-9]{1,2} (января|мая)\\. /ТАСС/\\. [а-я ,.]{0,40}",
        "[A-Z]{2,12}(, [A-Z][a-z]{2,8})? \\((AP|AFP|Reuters)\\) (-|—|--) [ -~]{0,60}",
        "[ -~]{0,100}",
        "\\PC{0,60}",
        "[\"“”«»()\\[\\]<>&…!?.,;: ]{0,20}",
        Just("\u{0}\u{1b}\u{fffe}\u{ffff}".to_owned()),
    ]
}

fn wire_text() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(wire_line(), 0..24),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
    )
        .prop_map(|(lines, newline, bom)| {
            let mut text = if bom { "\u{feff}".to_owned() } else { String::new() };
            text.push_str(&lines.join(newline));
            text.into_bytes()
        })
}

proptest! {
    // Failing cases are saved beside this file, in regressions/, and replayed first on every run.
    #![proptest_config(ProptestConfig {
        cases: 2048,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_give_an_article_or_a_located_error(input in prop::collection::vec(any::<u8>(), 0..1024)) {
        check_outcome(&input)?;
    }

    #[test]
    fn wire_like_text_gives_an_article_or_a_located_error(input in wire_text()) {
        check_outcome(&input)?;
    }

    #[test]
    fn a_byte_flipped_seed_gives_an_article_or_a_located_error(position in 0usize..2765, byte in any::<u8>()) {
        let mut seed = include_bytes!("../../../seeds/000_a64b384920c9e53b.txt").to_vec();
        let position = position % seed.len();
        seed[position] = byte;
        check_outcome(&seed)?;
    }
}
