//! Adversarial articles, each with its decided outcome: refused with a clear `line: message`, or
//! published so that every reader gets exactly the characters the article holds.
//!
//! A published fixture must give feeds that the validator passes without a finding, a strict
//! XML parser accepts, and `feed-rs` reads back; its body must render, as HTML, to its text.
//! File-system attacks (names, symbolic links, empty directories, duplicate ids) are tested on
//! the `regen` binary in `xtask/tests/cli.rs`.

use article::{Article, ArticleKey, Block};
use feed::Settings;

fn parse(input: &[u8]) -> Result<Article, String> {
    let key = ArticleKey::new("fixture").unwrap();
    article::parse(&key, input, &Settings::defaults().parse_options())
        .map(|parsed| parsed.article)
        .map_err(|err| err.to_string())
}

fn refused(input: &[u8], message: &str) {
    assert_eq!(parse(input).err().as_deref(), Some(message));
}

/// Publishes the article and checks what readers get; returns it for further checks.
fn published(input: &[u8]) -> Article {
    published_with_warnings(input, &[])
}

/// Like `published`, where the validator may warn with the given rules (and nothing else).
fn published_with_warnings(input: &[u8], allowed: &[&str]) -> Article {
    let article = parse(input).unwrap_or_else(|err| panic!("refused: {err}"));
    let settings = Settings::defaults();
    let articles = [article];
    let rss = feed::write_rss(&feed::rss_channel(&settings, &articles)).unwrap();
    let atom = feed::write_atom(&feed::atom_feed(&settings, &articles)).unwrap();
    for bytes in [&rss, &atom] {
        let findings = validator::validate(bytes);
        let unexpected = |finding: &&validator::Diagnostic| {
            finding.severity == validator::Severity::Error || !allowed.contains(&finding.rule)
        };
        assert!(!findings.iter().any(|finding| unexpected(&finding)), "{findings:#?}");
        roxmltree::Document::parse(std::str::from_utf8(bytes).unwrap()).unwrap();
        let entry = &feed_rs::parser::parse(&bytes[..]).unwrap().entries[0];
        let html = entry.content.as_ref().and_then(|content| content.body.clone()).unwrap();
        let fragment = scraper::Html::parse_fragment(&html);
        let selector = scraper::Selector::parse("p, h2").unwrap();
        let rendered: Vec<String> =
            fragment.select(&selector).map(|element| element.text().collect()).collect();
        let expected: Vec<&str> = articles[0].blocks().iter().map(Block::text).collect();
        assert_eq!(rendered, expected);
    }
    let [article] = articles;
    article
}

#[test]
fn not_utf8() {
    refused(
        b"date 2022-01-10\nCaf\xe9 au lait",
        "2:4: invalid UTF-8 at byte offset 19: save the file as UTF-8",
    );
}

#[test]
fn utf16_with_byte_order_mark() {
    let utf16: Vec<u8> =
        "\u{feff}date 2022-01-10\nText".encode_utf16().flat_map(u16::to_le_bytes).collect();
    refused(
        &utf16,
        "1: the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8",
    );
}

#[test]
fn utf8_byte_order_mark_is_ignored() {
    let article = published("\u{feff}date 2022-01-10\nText.".as_bytes());
    assert_eq!(article.headline().as_str(), "Text");
}

#[test]
fn nul_and_other_control_characters() {
    refused(
        b"date 2022-01-10\nA\0B",
        "2:2: character U+0000 is not allowed in XML 1.0 and would break every feed",
    );
    refused(
        b"title: bell\x07\ndate 2022-01-10\nA",
        "1:12: character U+0007 is not allowed in XML 1.0 and would break every feed",
    );
    refused(
        b"date 2022-01-10\n\x1b[31mred",
        "2:1: character U+001B is not allowed in XML 1.0 and would break every feed",
    );
    // Tab is allowed by XML and reaches the reader as is.
    published(b"date 2022-01-10\nA\ttab.");
}

#[test]
fn non_characters_fffe_and_ffff() {
    refused(
        "date 2022-01-10\nA\u{fffe}".as_bytes(),
        "2:2: character U+FFFE is not allowed in XML 1.0 and would break every feed",
    );
    refused(
        "date 2022-01-10\nA\u{ffff}".as_bytes(),
        "2:2: character U+FFFF is not allowed in XML 1.0 and would break every feed",
    );
}

#[test]
fn markup_in_text_stays_text() {
    let article = published_with_warnings(
        b"title: <b>Bold</b> & \"quoted\" ]]>\ndate 2022-01-10\n\
          ]]> ends no CDATA; <script>alert(1)</script> runs nowhere; <img src=x onerror=alert(1)> loads nothing; \
          &amp; stays five characters.\n\n<h1>Not a heading</h1>\n\nEnd.",
        // An RSS title is plain text; the W3C validator, and ours, warn that it holds `</b>`.
        &["text-html"],
    );
    assert_eq!(article.headline().as_str(), "<b>Bold</b> & \"quoted\" ]]>");
}

#[test]
fn javascript_link_is_refused() {
    refused(
        b"link: javascript:alert(document.cookie)\ndate 2022-01-10\nText.",
        "1:7: invalid link \"javascript:alert(document.cookie)\": scheme \"javascript\" is not http or https",
    );
    refused(
        b"link: data:text/html,<script>x</script>\ndate 2022-01-10\nText.",
        "1:7: invalid link \"data:text/html,<script>x</script>\": scheme \"data\" is not http or https",
    );
}

#[test]
fn fifty_megabyte_article_is_refused() {
    let mut input = b"date 2022-01-10\n".to_vec();
    input.resize(50 << 20, b'a');
    refused(
        &input,
        "1: the file is 52428800 bytes; an article may be at most 4194304 bytes (every subscriber would download it)",
    );
}

#[test]
fn hundred_thousand_line_article_is_one_paragraph() {
    let mut input = String::from("date 2022-01-10\nA long article begins.\n");
    for index in 0..100_000 {
        input.push_str(&format!("line {index}\n"));
    }
    let article = published(input.as_bytes());
    assert_eq!(article.blocks().len(), 1);
    assert!(article.blocks()[0].text().ends_with("line 99999"));
}

#[test]
fn ten_thousand_one_line_paragraphs() {
    let mut input = String::from("date 2022-01-10\nLede.");
    for index in 0..10_000 {
        input.push_str(&format!("\n\nParagraph {index}."));
    }
    let article = published(input.as_bytes());
    assert_eq!(article.blocks().len(), 10_001);
}

#[test]
fn megabyte_field_line_is_refused() {
    let input = format!("title: {}\ndate 2022-01-10\nText.", "x".repeat(1 << 20));
    refused(input.as_bytes(), "1: field \"title\" is 1048576 characters long; the limit is 2000");
}

#[test]
fn dates_at_year_1_and_year_9999() {
    // Published, as an archive may hold old texts; the validator warns, as the W3C one does.
    let first = published_with_warnings(
        b"date 0001-01-01\nThe first day of the calendar.",
        &["implausible-date"],
    );
    assert_eq!(first.published().to_rfc3339(), "0001-01-01T00:00:00+00:00");
    let last = published(b"date 9999-12-31T23:59:59-12:00\nThe last second of the calendar.");
    assert_eq!(last.published().to_rfc2822(), "Fri, 31 Dec 9999 23:59:59 -1200");
    refused(
        b"date 0000-12-31\nBefore the calendar.",
        "1:6: invalid date \"0000-12-31\": years start at 0001",
    );
    refused(
        b"date 10000-01-01\nAfter it.",
        "1:6: invalid date \"10000-01-01\": expected YYYY-MM-DD or an RFC 3339 timestamp such as 2024-05-02T08:15:00+03:00",
    );
}

#[test]
fn old_mac_line_endings() {
    let article = published(b"date 2022-01-10\rFirst\rline.\r\rSecond.");
    assert_eq!(article.blocks()[0].text(), "First line.");
}

/// Every input in the fuzz corpus, crashes found by the fuzzer included, replays through the
/// whole pipeline without a panic, on stable Rust and without the fuzzer.
#[test]
fn fuzz_corpus_replays_cleanly() {
    let corpus = tests::project_root().join("crates/article/fuzz/corpus/parse");
    let mut n_inputs = 0;
    for entry in std::fs::read_dir(corpus).unwrap() {
        let input = std::fs::read(entry.unwrap().path()).unwrap();
        n_inputs += 1;
        if let Ok(article) = parse(&input) {
            let settings = Settings::defaults();
            let articles = [article];
            for bytes in [
                feed::write_rss(&feed::rss_channel(&settings, &articles)).unwrap(),
                feed::write_atom(&feed::atom_feed(&settings, &articles)).unwrap(),
            ] {
                roxmltree::Document::parse(std::str::from_utf8(&bytes).unwrap()).unwrap();
            }
        }
    }
    assert!(n_inputs >= 10, "the fuzz corpus is missing");
}

/// Found by the property tests: an HTML parser drops a U+FEFF at the start of its input as a
/// byte-order mark, so a title sent as HTML lost it. It is now written as `&#xFEFF;`.
#[test]
fn zero_width_no_break_space_survives_html() {
    let article = published(
        "title: \u{feff}<b> starts with U+FEFF\ndate 2022-01-10\n\u{feff}<p> too.".as_bytes(),
    );
    assert!(article.headline().as_str().starts_with('\u{feff}'));
}
