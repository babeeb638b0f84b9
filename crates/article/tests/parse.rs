//! The parser through its public API: one `check` helper, one line of wire text per case.
//!
//! Successes are snapshotted in a readable form of every getter, failures as their messages, so
//! a change in any rule shows up as a reviewable diff (`UPDATE_EXPECT=1 cargo test`).

use article::{Article, ArticleKey, Block, Options, parse};
use chrono::FixedOffset;
use expect_test::{Expect, expect};

fn options() -> Options {
    Options { date_offset: FixedOffset::east_opt(3 * 3600).unwrap() }
}

fn check(input: &str, expect: Expect) {
    check_bytes(input.as_bytes(), expect);
}

fn check_bytes(input: &[u8], expect: Expect) {
    let key = ArticleKey::new("key").unwrap();
    let actual = match parse(&key, input, &options()) {
        Ok(parsed) => {
            let mut out = describe(&parsed.article);
            for warning in &parsed.warnings {
                out.push_str(&format!("warning: {warning}\n"));
            }
            out
        }
        Err(err) => format!("error: {err}\n"),
    };
    expect.assert_eq(&actual);
}

fn describe(article: &Article) -> String {
    let mut out = String::new();
    let mut line = |name: &str, value: &str| out.push_str(&format!("{name}: {value}\n"));
    line("id", article.id().as_str());
    let derived = if article.headline_derived() { " (derived)" } else { "" };
    line("headline", &format!("{}{derived}", article.headline()));
    line("published", &article.published().to_rfc3339());
    if article.updated() != article.published() {
        line("updated", &article.updated().to_rfc3339());
    }
    if let Some(dateline) = article.dateline() {
        line("dateline", dateline.text());
        line("place", article.place().unwrap().name());
    }
    if let Some(byline) = article.byline() {
        line("byline", byline);
    }
    if let Some(language) = article.language() {
        line("lang", language.as_str());
    }
    if let Some(link) = article.link() {
        line("link", link.as_str());
    }
    if !article.tags().is_empty() {
        line(
            "tags",
            &article.tags().iter().map(|tag| tag.as_str()).collect::<Vec<_>>().join(" | "),
        );
    }
    line("lede", article.lede());
    for block in &article.blocks()[1..] {
        match block {
            Block::Paragraph(text) => line("p", text),
            Block::Subheading(text) => line("h", text),
        }
    }
    out
}

#[test]
fn seed_style_date_and_body_on_one_line() {
    check(
        " date 2022-01-10 MINSK, January 10. /TASS/. Not a single peacekeeper will stay, he said.\n\nSecond paragraph.",
        expect![[r#"
            id: key
            headline: Not a single peacekeeper will stay (derived)
            published: 2022-01-10T00:00:00+03:00
            dateline: MINSK, January 10. /TASS/.
            place: Minsk
            byline: TASS
            lede: Not a single peacekeeper will stay, he said.
            p: Second paragraph.
        "#]],
    );
}

#[test]
fn all_fields() {
    check(
        "title: A headline <b>as written</b>\nid: custom-id.1\nupdated: 2024-05-02T10:00:00+03:00\ntags: Politics, Kazakhstan, , Politics\nlang: ru-RU\nauthor: Jane Doe\nlink: https://example.org/a b\ndate 2024-05-02T08:15:00+03:00\nBody text.",
        expect![[r#"
            id: custom-id.1
            headline: A headline <b>as written</b>
            published: 2024-05-02T08:15:00+03:00
            updated: 2024-05-02T10:00:00+03:00
            byline: Jane Doe
            lang: ru-RU
            link: https://example.org/a%20b
            tags: Politics | Kazakhstan
            lede: Body text.
        "#]],
    );
}

#[test]
fn body_on_following_lines_with_soft_wraps_and_crlf() {
    check(
        "\u{FEFF}date: 2022-01-10\r\n\r\nFirst line\r\n  wrapped here.\r\n \t \r\nShort heading\r\n\r\nLast paragraph\r\nends here.\r\n",
        expect![[r#"
            id: key
            headline: First line wrapped here (derived)
            published: 2022-01-10T00:00:00+03:00
            lede: First line wrapped here.
            h: Short heading
            p: Last paragraph ends here.
        "#]],
    );
}

#[test]
fn subheadings() {
    check(
        "date 2022-01-10\nLede.\n\nSituation in Kazakhstan\n\n(Reporting by Jane Doe)\n\nA question?\n\nEnds with a colon:\n\nHe said \"no.\"\n\nQuoted \"title\"\n\nTwo lines\nno punctuation\n\nText.",
        expect![[r#"
            id: key
            headline: Lede (derived)
            published: 2022-01-10T00:00:00+03:00
            lede: Lede.
            h: Situation in Kazakhstan
            p: (Reporting by Jane Doe)
            p: A question?
            p: Ends with a colon:
            p: He said "no."
            h: Quoted "title"
            p: Two lines no punctuation
            p: Text.
        "#]],
    );
    let long = format!("date 2022-01-10\nLede.\n\n{}\n\nText.", "word ".repeat(17).trim());
    check(
        &long,
        expect![[r#"
            id: key
            headline: Lede (derived)
            published: 2022-01-10T00:00:00+03:00
            lede: Lede.
            p: word word word word word word word word word word word word word word word word word
            p: Text.
        "#]],
    );
}

#[test]
fn the_first_paragraph_is_never_a_subheading() {
    check(
        "date 2022-01-10\nBreaking news\n\nMore.",
        expect![[r#"
            id: key
            headline: Breaking news (derived)
            published: 2022-01-10T00:00:00+03:00
            lede: Breaking news
            p: More.
        "#]],
    );
}

#[test]
fn dateline_styles() {
    check(
        "date 2022-01-11\nМОСКВА, 11 января. /ТАСС/. Президент России провел совещание, сообщили в Кремле.",
        expect![[r#"
            id: key
            headline: Президент России провел совещание (derived)
            published: 2022-01-11T00:00:00+03:00
            dateline: МОСКВА, 11 января. /ТАСС/.
            place: Москва
            byline: ТАСС
            lede: Президент России провел совещание, сообщили в Кремле.
        "#]],
    );
    check(
        "date 2022-01-10\nKYIV, Jan 10 (Reuters) - Ukraine's army repelled an attack near Kharkiv, officials said.",
        expect![[r#"
            id: key
            headline: Ukraine's army repelled an attack near Kharkiv (derived)
            published: 2022-01-10T00:00:00+03:00
            dateline: KYIV, Jan 10 (Reuters) -
            place: Kyiv
            byline: Reuters
            lede: Ukraine's army repelled an attack near Kharkiv, officials said.
        "#]],
    );
    check(
        "date 2022-03-01\nLVIV, Ukraine (AP) — Air raid sirens sounded across western Ukraine on Tuesday.",
        expect![[r#"
            id: key
            headline: Air raid sirens sounded across western Ukraine on Tuesday (derived)
            published: 2022-03-01T00:00:00+03:00
            dateline: LVIV, Ukraine (AP) —
            place: Lviv
            byline: AP
            lede: Air raid sirens sounded across western Ukraine on Tuesday.
        "#]],
    );
    check(
        "date 2022-03-01\nWASHINGTON (AP) — The Senate voted.",
        expect![[r#"
            id: key
            headline: The Senate voted (derived)
            published: 2022-03-01T00:00:00+03:00
            dateline: WASHINGTON (AP) —
            place: Washington
            byline: AP
            lede: The Senate voted.
        "#]],
    );
    check(
        "date 2022-03-01\nParis (AFP) - France will send aid.",
        expect![[r#"
            id: key
            headline: France will send aid (derived)
            published: 2022-03-01T00:00:00+03:00
            dateline: Paris (AFP) -
            place: Paris
            byline: AFP
            lede: France will send aid.
        "#]],
    );
}

#[test]
fn author_field_wins_over_agency() {
    check(
        "author: Ivan Petrov\ndate 2022-01-10 MINSK, January 10. /TASS/. Text.",
        expect![[r#"
            id: key
            headline: Text (derived)
            published: 2022-01-10T00:00:00+03:00
            dateline: MINSK, January 10. /TASS/.
            place: Minsk
            byline: Ivan Petrov
            lede: Text.
        "#]],
    );
}

#[test]
fn dateline_date_mismatch_is_a_warning() {
    check(
        "date 2022-01-11\nMINSK, January 10. /TASS/. One day apart is normal.",
        expect![[r#"
            id: key
            headline: One day apart is normal (derived)
            published: 2022-01-11T00:00:00+03:00
            dateline: MINSK, January 10. /TASS/.
            place: Minsk
            byline: TASS
            lede: One day apart is normal.
        "#]],
    );
    check(
        "date 2022-01-01\nMINSK, December 31. /TASS/. Across the new year.",
        expect![[r#"
            id: key
            headline: Across the new year (derived)
            published: 2022-01-01T00:00:00+03:00
            dateline: MINSK, December 31. /TASS/.
            place: Minsk
            byline: TASS
            lede: Across the new year.
        "#]],
    );
    check(
        "date 2022-01-20\nMINSK, January 10. /TASS/. Ten days apart.",
        expect![[r#"
            id: key
            headline: Ten days apart (derived)
            published: 2022-01-20T00:00:00+03:00
            dateline: MINSK, January 10. /TASS/.
            place: Minsk
            byline: TASS
            lede: Ten days apart.
            warning: 2: the dateline says "January 10" but the date is 2022-01-20, more than a day apart
        "#]],
    );
}

#[test]
fn text_is_text() {
    check(
        "date 2022-01-10\nAT&T &amp; <script>alert(1)</script> ]]> <…> stay as written.",
        expect![[r#"
            id: key
            headline: AT&T &amp; <script>alert(1)</script> ]]> <…> stay as written (derived)
            published: 2022-01-10T00:00:00+03:00
            lede: AT&T &amp; <script>alert(1)</script> ]]> <…> stay as written.
        "#]],
    );
}

#[test]
fn extreme_years() {
    check(
        "date 0001-01-01\nVery old.",
        expect![[r#"
            id: key
            headline: Very old (derived)
            published: 0001-01-01T00:00:00+03:00
            lede: Very old.
        "#]],
    );
    check(
        "date 9999-12-31T23:59:59-12:00\nVery new.",
        expect![[r#"
            id: key
            headline: Very new (derived)
            published: 9999-12-31T23:59:59-12:00
            lede: Very new.
        "#]],
    );
    check(
        "date 0000-01-01\nText.",
        expect![[r#"
        error: 1:6: invalid date "0000-01-01": years start at 0001
    "#]],
    );
}

#[test]
fn errors() {
    check(
        "title: x\ntitel: y\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 2: unknown field "titel" (known: title, id, updated, tags, lang, author, link)
    "#]],
    );
    check(
        "title: x\ntitle: y\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 2: duplicate field "title" (first given on line 1)
    "#]],
    );
    check(
        "title:\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 1: field "title" is empty
    "#]],
    );
    check(
        "date 2022-02-30 Text.",
        expect![[r#"
        error: 1:6: invalid date "2022-02-30": not a day of the calendar
    "#]],
    );
    check(
        "date 10.01.2022 Text.",
        expect![[r#"
        error: 1:6: invalid date "10.01.2022": expected YYYY-MM-DD or an RFC 3339 timestamp such as 2024-05-02T08:15:00+03:00
    "#]],
    );
    check(
        "date 2022-01-10T25:00:00Z Text.",
        expect![[r#"
        error: 1:6: invalid date "2022-01-10T25:00:00Z": not a day or time of the calendar
    "#]],
    );
    // Found by the fuzzer: the date's tenth byte fell inside a character.
    check(
        "date 2022-03,”-02 Text.",
        expect![[r#"
        error: 1:6: invalid date "2022-03,”-02": expected YYYY-MM-DD or an RFC 3339 timestamp such as 2024-05-02T08:15:00+03:00
    "#]],
    );
    check(
        "date\nText.",
        expect![[r#"
        error: 1:1: the `date` line has no date: expected `date YYYY-MM-DD`
    "#]],
    );
    check(
        "title: x\n",
        expect![[r#"
        error: 1: missing the `date YYYY-MM-DD` line (it must come after the fields, before the body)
    "#]],
    );
    check(
        "",
        expect![[r#"
        error: 1: missing the `date YYYY-MM-DD` line (it must come after the fields, before the body)
    "#]],
    );
    check(
        "MINSK, January 10. /TASS/. Text.",
        expect![[r#"
        error: 1:1: expected a `name: value` field or the `date YYYY-MM-DD` line, found "MINSK, January 10. /TASS/. Text."
    "#]],
    );
    check(
        "title: x\ndate 2022-01-10\n\n  \n",
        expect![[r#"
        error: 4: the article has no body text after its date
    "#]],
    );
    check(
        "updated: 2022-01-09T00:00:00Z\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 1:10: `updated` is earlier than the publication date
    "#]],
    );
    check(
        "id: ../x\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 1:5: invalid id "../x": use 1 to 200 ASCII letters, digits, '.', '_', '-' or '~', starting with a letter or digit
    "#]],
    );
    check(
        "lang: english!\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 1:7: invalid lang "english!": not a BCP 47 language tag such as en or pt-BR
    "#]],
    );
    check(
        "link: javascript:alert(1)\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 1:7: invalid link "javascript:alert(1)": scheme "javascript" is not http or https
    "#]],
    );
    check(
        "link: /relative/page\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 1:7: invalid link "/relative/page": relative URL without a base
    "#]],
    );
    check(
        "tags: , ,\ndate 2022-01-10 Text.",
        expect![[r#"
        error: 1:7: invalid tags ", ,": no topic between the commas
    "#]],
    );
    check(
        "date 2022-01-10 KYIV, Jan 10 (Reuters) -",
        expect![[r#"
        error: 1: cannot derive a headline: the first paragraph has no text after its dateline; add a `title:` field
    "#]],
    );
}

#[test]
fn encoding_errors() {
    check_bytes(
        b"date 2022-01-10\nbad \xFF byte",
        expect![[r#"
        error: 2:5: invalid UTF-8 at byte offset 20: save the file as UTF-8
    "#]],
    );
    check_bytes(
        b"\xFF\xFEd\0a\0",
        expect![[r#"
        error: 1: the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8
    "#]],
    );
    check(
        "date 2022-01-10\nNUL \0 here",
        expect![[r#"
        error: 2:5: character U+0000 is not allowed in XML 1.0 and would break every feed
    "#]],
    );
    check(
        "date 2022-01-10\nescape \u{1B}[31m",
        expect![[r#"
        error: 2:8: character U+001B is not allowed in XML 1.0 and would break every feed
    "#]],
    );
    check(
        "date 2022-01-10\nnon-character \u{FFFE}",
        expect![[r#"
        error: 2:15: character U+FFFE is not allowed in XML 1.0 and would break every feed
    "#]],
    );
    check(
        "date 2022-01-10\nnon-character \u{FFFF}",
        expect![[r#"
        error: 2:15: character U+FFFF is not allowed in XML 1.0 and would break every feed
    "#]],
    );
}

#[test]
fn the_reference_seed() {
    let seed = include_bytes!("../../../seeds/000_a64b384920c9e53b.txt");
    let key = ArticleKey::new("000_a64b384920c9e53b").unwrap();
    let parsed = parse(&key, seed, &options()).unwrap();
    let article = parsed.article;
    assert!(parsed.warnings.is_empty());
    assert_eq!(
        article.headline().as_str(),
        "Not a single CSTO peacekeeper will stay in Kazakhstan after the peacekeeping operation is over"
    );
    assert_eq!(article.place().unwrap().name(), "Minsk");
    assert_eq!(article.agency().unwrap().as_str(), "TASS");
    assert_eq!(article.published().date_naive().to_string(), "2022-01-10");
    let subheadings: Vec<&str> = article
        .blocks()
        .iter()
        .filter_map(|block| match block {
            Block::Subheading(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(subheadings, ["Situation in Kazakhstan"]);
    assert_eq!(article.blocks().len(), 8);
    assert!(article.blocks()[3].text().contains(" <…> "));
}
