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
    }
    if let Some(place) = article.place() {
        let mut facts: Vec<&str> = place.region().into_iter().chain(place.country()).collect();
        if place.original() != place.name() {
            facts.insert(0, place.original());
        }
        let facts =
            if facts.is_empty() { String::new() } else { format!(" ({})", facts.join(", ")) };
        line("place", &format!("{}{facts}", place.name()));
    }
    if let Some(places) =
        article.dateline().map(|dateline| dateline.places()).filter(|places| places.len() > 1)
    {
        line("places", &places.iter().map(|place| place.name()).collect::<Vec<_>>().join(" | "));
    }
    if let Some(agency) = article.agency() {
        line("agency", agency.as_str());
    }
    if !article.authors().is_empty() {
        let authors: Vec<&str> = article.authors().iter().map(|author| author.as_str()).collect();
        line("authors", &authors.join(" | "));
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
            Block::Break(text) => line("hr", text),
        }
    }
    for piece in article.furniture() {
        line(&format!("furniture {}", piece.kind().name()), piece.text());
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
            place: Minsk (MINSK, Belarus)
            agency: TASS
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
            authors: Jane Doe
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
            p: A question?
            p: Ends with a colon:
            p: He said "no."
            h: Quoted "title"
            p: Two lines no punctuation
            p: Text.
            furniture credit: (Reporting by Jane Doe)
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
            place: Moscow (МОСКВА, Russia)
            agency: TASS
            byline: TASS
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
            place: Kyiv (KYIV, Ukraine)
            agency: Reuters
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
            place: Lviv (LVIV, Ukraine)
            agency: AP
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
            place: Washington (WASHINGTON, United States)
            agency: AP
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
            place: Paris (France)
            agency: AFP
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
            place: Minsk (MINSK, Belarus)
            agency: TASS
            authors: Ivan Petrov
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
            place: Minsk (MINSK, Belarus)
            agency: TASS
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
            place: Minsk (MINSK, Belarus)
            agency: TASS
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
            place: Minsk (MINSK, Belarus)
            agency: TASS
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
            error: 2: unknown field "titel" (known: title, id, updated, tags, lang, author, link, correction, status, reason, embargo, urgency, image, image-caption, image-credit, image-alt)
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
            error: 1: cannot derive a headline: the text starts with the dateline "KYIV, Jan 10 (Reuters) -" and nothing after it; add a `title:` field
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

// Real wire copy, as the agencies send it (issue 11): every case its "Why" names.

#[test]
fn dateline_forms_of_real_copy() {
    check(
        "date 2022-12-26\nIGORA /Leningrad Region/, December 26. /TASS/. Russian President Vladimir Putin met CIS leaders at an informal summit.",
        expect![[r#"
            id: key
            headline: Russian President Vladimir Putin met CIS leaders at an informal summit (derived)
            published: 2022-12-26T00:00:00+03:00
            dateline: IGORA /Leningrad Region/, December 26. /TASS/.
            place: Igora (IGORA, Leningrad Region, Russia)
            agency: TASS
            byline: TASS
            lede: Russian President Vladimir Putin met CIS leaders at an informal summit.
        "#]],
    );
    check(
        "date 2016-02-20\nATLANTA (AP) _ Luol Deng scored 30 points and the Miami Heat beat the Atlanta Hawks 115-111 on Friday night.",
        expect![[r#"
            id: key
            headline: Luol Deng scored 30 points and the Miami Heat beat the Atlanta Hawks 115-111 on Friday night (derived)
            published: 2016-02-20T00:00:00+03:00
            dateline: ATLANTA (AP) _
            place: Atlanta (ATLANTA, United States)
            agency: AP
            byline: AP
            lede: Luol Deng scored 30 points and the Miami Heat beat the Atlanta Hawks 115-111 on Friday night.
        "#]],
    );
    check(
        "date 2016-08-29\nCHATHAM, Mass. (AP) -- A lobster died.",
        expect![[r#"
        id: key
        headline: A lobster died (derived)
        published: 2016-08-29T00:00:00+03:00
        dateline: CHATHAM, Mass. (AP) --
        place: Chatham (CHATHAM, Massachusetts, United States)
        agency: AP
        byline: AP
        lede: A lobster died.
    "#]],
    );
    check(
        "date 2016-08-29\nCHATHAM, Mass. _ A lobster died.",
        expect![[r#"
        id: key
        headline: A lobster died (derived)
        published: 2016-08-29T00:00:00+03:00
        dateline: CHATHAM, Mass. _
        place: Chatham (CHATHAM, Massachusetts, United States)
        lede: A lobster died.
    "#]],
    );
    check(
        "date 2014-08-29\nSTOCKHOLM, Aug 29, 2014 (AFP) - A Chinese-owned company set up to take over Saab's assets said on Friday it had been placed in receivership.",
        expect![[r#"
            id: key
            headline: A Chinese-owned company set up to take over Saab's assets said on Friday it had been placed in receivership (derived)
            published: 2014-08-29T00:00:00+03:00
            dateline: STOCKHOLM, Aug 29, 2014 (AFP) -
            place: Stockholm (STOCKHOLM, Sweden)
            agency: AFP
            byline: AFP
            lede: A Chinese-owned company set up to take over Saab's assets said on Friday it had been placed in receivership.
        "#]],
    );
    check(
        "date 2014-08-29\nSTOCKHOLM, Aug 29, 2014 - A Chinese-owned company said on Friday it had been placed in receivership.",
        expect![[r#"
            id: key
            headline: A Chinese-owned company said on Friday it had been placed in receivership (derived)
            published: 2014-08-29T00:00:00+03:00
            dateline: STOCKHOLM, Aug 29, 2014 -
            place: Stockholm (STOCKHOLM, Sweden)
            lede: A Chinese-owned company said on Friday it had been placed in receivership.
        "#]],
    );
    check(
        "date 2017-10-11\nRome, October 11 (ANSA) - Italy's government won a confidence vote.",
        expect![[r#"
        id: key
        headline: Italy's government won a confidence vote (derived)
        published: 2017-10-11T00:00:00+03:00
        dateline: Rome, October 11 (ANSA) -
        place: Rome (Italy)
        agency: ANSA
        byline: ANSA
        lede: Italy's government won a confidence vote.
    "#]],
    );
    check(
        "date 2017-10-11\n(ANSA) - Rome, October 11 - Italy's government won a confidence vote.",
        expect![[r#"
        id: key
        headline: Italy's government won a confidence vote (derived)
        published: 2017-10-11T00:00:00+03:00
        dateline: (ANSA) - Rome, October 11 -
        place: Rome (Italy)
        agency: ANSA
        byline: ANSA
        lede: Italy's government won a confidence vote.
    "#]],
    );
    check(
        "date 2017-10-11\nLondon (dpa) - Britain's economy grew.",
        expect![[r#"
        id: key
        headline: Britain's economy grew (derived)
        published: 2017-10-11T00:00:00+03:00
        dateline: London (dpa) -
        place: London (United Kingdom)
        agency: dpa
        byline: dpa
        lede: Britain's economy grew.
    "#]],
    );
    check(
        "date 2017-10-11\nSEATTLE/WASHINGTON (Reuters) - Boeing won an order.",
        expect![[r#"
        id: key
        headline: Boeing won an order (derived)
        published: 2017-10-11T00:00:00+03:00
        dateline: SEATTLE/WASHINGTON (Reuters) -
        place: Seattle (SEATTLE, United States)
        places: Seattle | Washington
        agency: Reuters
        byline: Reuters
        lede: Boeing won an order.
    "#]],
    );
    check(
        "date 2017-10-11\n(Reuters) - Oil prices rose on Tuesday.",
        expect![[r#"
        id: key
        headline: Oil prices rose on Tuesday (derived)
        published: 2017-10-11T00:00:00+03:00
        dateline: (Reuters) -
        agency: Reuters
        byline: Reuters
        lede: Oil prices rose on Tuesday.
    "#]],
    );
    check(
        "date 2013-02-19\nFeb. 19 (UPI) -- Police arrested a man.",
        expect![[r#"
        id: key
        headline: Police arrested a man (derived)
        published: 2013-02-19T00:00:00+03:00
        dateline: Feb. 19 (UPI) --
        agency: UPI
        byline: UPI
        lede: Police arrested a man.
    "#]],
    );
    check(
        "date 2019-03-14\nМосква. 14 марта. INTERFAX.RU - Курс доллара вырос.",
        expect![[r#"
        id: key
        headline: Курс доллара вырос (derived)
        published: 2019-03-14T00:00:00+03:00
        dateline: Москва. 14 марта. INTERFAX.RU -
        place: Moscow (Москва, Russia)
        agency: Interfax
        byline: Interfax
        lede: Курс доллара вырос.
    "#]],
    );
    check(
        "date 2019-03-14\nМОСКВА, 14 мар - РИА Новости. Курс доллара вырос.",
        expect![[r#"
        id: key
        headline: Курс доллара вырос (derived)
        published: 2019-03-14T00:00:00+03:00
        dateline: МОСКВА, 14 мар - РИА Новости.
        place: Moscow (МОСКВА, Russia)
        agency: RIA Novosti
        byline: RIA Novosti
        lede: Курс доллара вырос.
    "#]],
    );
    check(
        "date 2013-09-17\nBEIJING, Sept. 17 (Xinhua) -- China's economy grew.",
        expect![[r#"
        id: key
        headline: China's economy grew (derived)
        published: 2013-09-17T00:00:00+03:00
        dateline: BEIJING, Sept. 17 (Xinhua) --
        place: Beijing (BEIJING, China)
        agency: Xinhua
        byline: Xinhua
        lede: China's economy grew.
    "#]],
    );
    check(
        "date 2018-08-12\n新华社北京8月12日电（记者罗沙）记者12日从最高人民法院获悉。",
        expect![[r#"
            id: key
            headline: 记者12日从最高人民法院获悉 (derived)
            published: 2018-08-12T00:00:00+03:00
            dateline: 新华社北京8月12日电（记者罗沙）
            place: Beijing (北京, China)
            agency: Xinhua
            authors: 罗沙
            byline: 罗沙
            lede: 记者12日从最高人民法院获悉。
        "#]],
    );
}

#[test]
fn one_place_in_two_scripts() {
    check(
        "date 2019-03-14\nМОСКВА, 14 марта. /ТАСС/. Текст.",
        expect![[r#"
        id: key
        headline: Текст (derived)
        published: 2019-03-14T00:00:00+03:00
        dateline: МОСКВА, 14 марта. /ТАСС/.
        place: Moscow (МОСКВА, Russia)
        agency: TASS
        byline: TASS
        lede: Текст.
    "#]],
    );
    check(
        "date 2019-03-14\nMOSCOW, March 14. /TASS/. Text.",
        expect![[r#"
        id: key
        headline: Text (derived)
        published: 2019-03-14T00:00:00+03:00
        dateline: MOSCOW, March 14. /TASS/.
        place: Moscow (MOSCOW, Russia)
        agency: TASS
        byline: TASS
        lede: Text.
    "#]],
    );
    check(
        "date 2019-03-14\nБРЮССЕЛЬ, 14 марта. /ТАСС/. Текст.",
        expect![[r#"
        id: key
        headline: Текст (derived)
        published: 2019-03-14T00:00:00+03:00
        dateline: БРЮССЕЛЬ, 14 марта. /ТАСС/.
        place: Brussels (БРЮССЕЛЬ, Belgium)
        agency: TASS
        byline: TASS
        lede: Текст.
    "#]],
    );
    check(
        "date 2019-03-14\nBRUSSELS (Reuters) - Text.",
        expect![[r#"
        id: key
        headline: Text (derived)
        published: 2019-03-14T00:00:00+03:00
        dateline: BRUSSELS (Reuters) -
        place: Brussels (BRUSSELS, Belgium)
        agency: Reuters
        byline: Reuters
        lede: Text.
    "#]],
    );
    check(
        "date 2019-03-14\nВАШИНГТОН, 14 марта. /ТАСС/. Текст.",
        expect![[r#"
        id: key
        headline: Текст (derived)
        published: 2019-03-14T00:00:00+03:00
        dateline: ВАШИНГТОН, 14 марта. /ТАСС/.
        place: Washington (ВАШИНГТОН, United States)
        agency: TASS
        byline: TASS
        lede: Текст.
    "#]],
    );
}

#[test]
fn furniture_before_the_dateline() {
    check(
        "date 2017-05-09\nBC-AS--China-Daring Escape,827\n\nAP Exclusive: China lawyer's family says US helped them flee\n\nBy GERRY SHIH\nAssociated Press\n\nBEIJING (AP) _ The family of a Chinese human rights lawyer fled the country with U.S. help.",
        expect![[r#"
            id: key
            headline: AP Exclusive: China lawyer's family says US helped them flee (derived)
            published: 2017-05-09T00:00:00+03:00
            dateline: BEIJING (AP) _
            place: Beijing (BEIJING, China)
            agency: AP
            authors: Gerry Shih
            byline: Gerry Shih
            lede: The family of a Chinese human rights lawyer fled the country with U.S. help.
            furniture slug: BC-AS--China-Daring Escape,827
            furniture headline: AP Exclusive: China lawyer's family says US helped them flee
            furniture byline: By GERRY SHIH
            furniture agency line: Associated Press
        "#]],
    );
    check(
        "date 2017-05-09\nBy CHET BROKAW and JACK GILLUM\n\nAssociated Press\n\nROSCOE, S.D. (AP) — The prairie is vanishing.",
        expect![[r#"
            id: key
            headline: The prairie is vanishing (derived)
            published: 2017-05-09T00:00:00+03:00
            dateline: ROSCOE, S.D. (AP) —
            place: Roscoe (ROSCOE, South Dakota, United States)
            agency: AP
            authors: Chet Brokaw | Jack Gillum
            byline: Chet Brokaw
            lede: The prairie is vanishing.
            furniture byline: By CHET BROKAW and JACK GILLUM
            furniture agency line: Associated Press
        "#]],
    );
    check(
        "date 2016-02-20\nBy CHARLES ODUM, AP Sports Writer\n\nATLANTA (AP) _ The Heat beat the Hawks.",
        expect![[r#"
            id: key
            headline: The Heat beat the Hawks (derived)
            published: 2016-02-20T00:00:00+03:00
            dateline: ATLANTA (AP) _
            place: Atlanta (ATLANTA, United States)
            agency: AP
            authors: Charles Odum
            byline: Charles Odum
            lede: The Heat beat the Hawks.
            furniture byline: By CHARLES ODUM, AP Sports Writer
        "#]],
    );
    check(
        "date 2017-01-31\n(Adds comments, detail)\n\n* Spot gold may edge up to $1,205 per ounce\n\n* MSCI Asia Ex-Japan -0.06 pct\n\nBy Arpan Varghese\n\nJan 30 (Reuters) - Gold rose on Tuesday on safe haven demand.",
        expect![[r#"
            id: key
            headline: Gold rose on Tuesday on safe haven demand (derived)
            published: 2017-01-31T00:00:00+03:00
            dateline: Jan 30 (Reuters) -
            agency: Reuters
            authors: Arpan Varghese
            byline: Arpan Varghese
            lede: Gold rose on Tuesday on safe haven demand.
            furniture note: (Adds comments, detail)
            furniture bullet: * Spot gold may edge up to $1,205 per ounce
            furniture bullet: * MSCI Asia Ex-Japan -0.06 pct
            furniture byline: By Arpan Varghese
        "#]],
    );
    check(
        "date 2018-01-21\nUPDATE 1-Statue of Liberty to reopen; shutdown keeps other parks closed\n\nNEW YORK, Jan 21 (Reuters) - The Statue of Liberty will reopen on Monday.",
        expect![[r#"
            id: key
            headline: Statue of Liberty to reopen; shutdown keeps other parks closed (derived)
            published: 2018-01-21T00:00:00+03:00
            dateline: NEW YORK, Jan 21 (Reuters) -
            place: New York (NEW YORK, United States)
            agency: Reuters
            byline: Reuters
            lede: The Statue of Liberty will reopen on Monday.
            furniture slug: UPDATE 1-Statue of Liberty to reopen; shutdown keeps other parks closed
        "#]],
    );
    check(
        "date 2018-01-21\nGLOBAL MARKETS-Asian shares struggle to shake off rout\n\nSHANGHAI, Feb 9 (Reuters) - Asian shares wobbled.",
        expect![[r#"
            id: key
            headline: Asian shares struggle to shake off rout (derived)
            published: 2018-01-21T00:00:00+03:00
            dateline: SHANGHAI, Feb 9 (Reuters) -
            place: Shanghai (SHANGHAI, China)
            agency: Reuters
            byline: Reuters
            lede: Asian shares wobbled.
            furniture slug: GLOBAL MARKETS-Asian shares struggle to shake off rout
            warning: 4: the dateline says "Feb 9" but the date is 2018-01-21, more than a day apart
        "#]],
    );
    check(
        "date 2018-01-21\nEDITOR'S NOTE _ This story is part of a series on energy.\n\nWASHINGTON (AP) _ The prairie is vanishing.",
        expect![[r#"
            id: key
            headline: The prairie is vanishing (derived)
            published: 2018-01-21T00:00:00+03:00
            dateline: WASHINGTON (AP) _
            place: Washington (WASHINGTON, United States)
            agency: AP
            byline: AP
            lede: The prairie is vanishing.
            furniture editor's note: EDITOR'S NOTE _ This story is part of a series on energy.
        "#]],
    );
}

#[test]
fn a_note_alone_is_furniture_not_an_error() {
    check(
        "date 2017-01-31\n(Adds comments, detail)\n\nGold rose on Tuesday on safe haven demand.",
        expect![[r#"
            id: key
            headline: Gold rose on Tuesday on safe haven demand (derived)
            published: 2017-01-31T00:00:00+03:00
            lede: Gold rose on Tuesday on safe haven demand.
            furniture note: (Adds comments, detail)
        "#]],
    );
}

#[test]
fn furniture_after_and_inside_the_text() {
    check(
        "date 2017-05-09\nWASHINGTON (AP) — The Senate voted.\n\nIt was close.\n\n___\n\nAssociated Press writer Jane Doe contributed to this report.\n\nOnline: https://example.org/\n\nFollow Jane Doe on Twitter at https://twitter.com/janedoe",
        expect![[r#"
            id: key
            headline: The Senate voted (derived)
            published: 2017-05-09T00:00:00+03:00
            dateline: WASHINGTON (AP) —
            place: Washington (WASHINGTON, United States)
            agency: AP
            byline: AP
            lede: The Senate voted.
            p: It was close.
            furniture separator: ___
            furniture credit: Associated Press writer Jane Doe contributed to this report.
            furniture links: Online: https://example.org/
            furniture links: Follow Jane Doe on Twitter at https://twitter.com/janedoe
        "#]],
    );
    check(
        "date 2017-05-09\nWASHINGTON (AP) — The Senate voted.\n\n___\n\nThe House waits.",
        expect![[r#"
            id: key
            headline: The Senate voted (derived)
            published: 2017-05-09T00:00:00+03:00
            dateline: WASHINGTON (AP) —
            place: Washington (WASHINGTON, United States)
            agency: AP
            byline: AP
            lede: The Senate voted.
            hr: ___
            p: The House waits.
        "#]],
    );
    check(
        "date 2017-05-09\nKYIV, Jan 10 (Reuters) - Ukraine said.\n\n(Reporting by Jane Doe; Editing by John Smith)",
        expect![[r#"
            id: key
            headline: Ukraine said (derived)
            published: 2017-05-09T00:00:00+03:00
            dateline: KYIV, Jan 10 (Reuters) -
            place: Kyiv (KYIV, Ukraine)
            agency: Reuters
            byline: Reuters
            lede: Ukraine said.
            furniture credit: (Reporting by Jane Doe; Editing by John Smith)
            warning: 2: the dateline says "Jan 10" but the date is 2017-05-09, more than a day apart
        "#]],
    );
    check(
        "date 2017-05-09\nBEIJING, Sept. 17 (Xinhua) -- China grew, he said.  Enditem",
        expect![[r#"
        id: key
        headline: China grew, he said (derived)
        published: 2017-05-09T00:00:00+03:00
        dateline: BEIJING, Sept. 17 (Xinhua) --
        place: Beijing (BEIJING, China)
        agency: Xinhua
        byline: Xinhua
        lede: China grew, he said.
        furniture sign-off: Enditem
        warning: 2: the dateline says "Sept. 17" but the date is 2017-05-09, more than a day apart
    "#]],
    );
    check(
        "date 2017-05-09\nSEOUL, Jan. 5 (Yonhap) -- Korea grew.\n\n■",
        expect![[r#"
        id: key
        headline: Korea grew (derived)
        published: 2017-05-09T00:00:00+03:00
        dateline: SEOUL, Jan. 5 (Yonhap) --
        place: Seoul (SEOUL, South Korea)
        agency: Yonhap
        byline: Yonhap
        lede: Korea grew.
        furniture sign-off: ■
        warning: 2: the dateline says "Jan. 5" but the date is 2017-05-09, more than a day apart
    "#]],
    );
    check(
        "date 2017-05-09\nParis (AFP) - France grew.\n\nhh/ph/ts/hd",
        expect![[r#"
        id: key
        headline: France grew (derived)
        published: 2017-05-09T00:00:00+03:00
        dateline: Paris (AFP) -
        place: Paris (France)
        agency: AFP
        byline: AFP
        lede: France grew.
        furniture sign-off: hh/ph/ts/hd
    "#]],
    );
    check(
        "date 2017-05-09\nМОСКВА, 14 марта. /ТАСС/. Рубль вырос.\n\nИсточник: Reuters",
        expect![[r#"
        id: key
        headline: Рубль вырос (derived)
        published: 2017-05-09T00:00:00+03:00
        dateline: МОСКВА, 14 марта. /ТАСС/.
        place: Moscow (МОСКВА, Russia)
        agency: TASS
        byline: TASS
        lede: Рубль вырос.
        furniture source: Источник: Reuters
        warning: 2: the dateline says "14 марта" but the date is 2017-05-09, more than a day apart
    "#]],
    );
    check(
        "date 1987-02-26\nSALVADOR, Feb 26 - Showers continued throughout the week.\n\nReuter",
        expect![[r#"
            id: key
            headline: Showers continued throughout the week (derived)
            published: 1987-02-26T00:00:00+03:00
            dateline: SALVADOR, Feb 26 -
            place: Salvador (SALVADOR, Brazil)
            agency: Reuters
            byline: Reuters
            lede: Showers continued throughout the week.
            furniture sign-off: Reuter
        "#]],
    );
}

#[test]
fn old_wire_quotes_become_typographic() {
    check(
        "date 2016-02-20\nATLANTA (AP) _ ``We won,'' he said.",
        expect![[r#"
        id: key
        headline: “We won,” he said (derived)
        published: 2016-02-20T00:00:00+03:00
        dateline: ATLANTA (AP) _
        place: Atlanta (ATLANTA, United States)
        agency: AP
        byline: AP
        lede: “We won,” he said.
    "#]],
    );
}

#[test]
fn headlines_a_sub_editor_would_accept() {
    // The attribution verb is the main verb here: it stays.
    check(
        "date 2014-07-17\nDAMASCUS (Reuters) - President Bashar al-Assad, who was sworn in for a new term on Wednesday, said Western and Arab states that backed the rebels will pay a \"high price\".",
        expect![[r#"
            id: key
            headline: President Bashar al-Assad said Western and Arab states that backed the rebels will pay a "high price" (derived)
            published: 2014-07-17T00:00:00+03:00
            dateline: DAMASCUS (Reuters) -
            place: Damascus (DAMASCUS, Syria)
            agency: Reuters
            byline: Reuters
            lede: President Bashar al-Assad, who was sworn in for a new term on Wednesday, said Western and Arab states that backed the rebels will pay a "high price".
        "#]],
    );
    check(
        "date 2013-02-06\nWASHINGTON, Feb. 6 (UPI) -- The U.S. Postal Service, which lost $16 billion last year, announced Wednesday it will end Saturday delivery beginning Aug. 5.",
        expect![[r#"
            id: key
            headline: The U.S. Postal Service announced Wednesday it will end Saturday delivery beginning Aug. 5 (derived)
            published: 2013-02-06T00:00:00+03:00
            dateline: WASHINGTON, Feb. 6 (UPI) --
            place: Washington (WASHINGTON, United States)
            agency: UPI
            byline: UPI
            lede: The U.S. Postal Service, which lost $16 billion last year, announced Wednesday it will end Saturday delivery beginning Aug. 5.
        "#]],
    );
    // A long sentence is cut at a clause boundary, not mid-phrase.
    check(
        "date 2018-01-21\nNEW YORK, Jan 21 (Reuters) - The Statue of Liberty will reopen on Monday even if the U.S. government shutdown extends into the work week, New York Governor Andrew Cuomo said on Sunday, vowing to use state funds.",
        expect![[r#"
            id: key
            headline: The Statue of Liberty will reopen on Monday even if the U.S. government shutdown extends into the work week (derived)
            published: 2018-01-21T00:00:00+03:00
            dateline: NEW YORK, Jan 21 (Reuters) -
            place: New York (NEW YORK, United States)
            agency: Reuters
            byline: Reuters
            lede: The Statue of Liberty will reopen on Monday even if the U.S. government shutdown extends into the work week, New York Governor Andrew Cuomo said on Sunday, vowing to use state funds.
        "#]],
    );
    check(
        "date 2013-11-13\nBerlin (dpa) - Negotiations between German conservatives headed by Chancellor Angela Merkel and the left-leaning Social Democrats on forming a coalition government could fail, a senior SPD member warned Wednesday.",
        expect![[r#"
            id: key
            headline: Negotiations between German conservatives headed by Chancellor Angela Merkel and the left-leaning Social… (derived)
            published: 2013-11-13T00:00:00+03:00
            dateline: Berlin (dpa) -
            place: Berlin (Germany)
            agency: dpa
            byline: dpa
            lede: Negotiations between German conservatives headed by Chancellor Angela Merkel and the left-leaning Social Democrats on forming a coalition government could fail, a senior SPD member warned Wednesday.
        "#]],
    );
}

#[test]
fn more_agencies_conventions() {
    check(
        "date 2024-01-05\nTOKYO, Jan. 5 Kyodo - Japan's economy grew.\n\n==Kyodo",
        expect![[r#"
        id: key
        headline: Japan's economy grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: TOKYO, Jan. 5 Kyodo -
        place: Tokyo (TOKYO, Japan)
        agency: Kyodo
        byline: Kyodo
        lede: Japan's economy grew.
        furniture sign-off: ==Kyodo
    "#]],
    );
    check(
        "date 2024-01-05\nABU DHABI, 5th January, 2024 (WAM) -- The UAE grew.",
        expect![[r#"
        id: key
        headline: The UAE grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: ABU DHABI, 5th January, 2024 (WAM) --
        place: Abu Dhabi (ABU DHABI, United Arab Emirates)
        agency: WAM
        byline: WAM
        lede: The UAE grew.
    "#]],
    );
    check(
        "date 2024-01-05\nDamascus, SANA- Syria grew.",
        expect![[r#"
        id: key
        headline: Syria grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: Damascus, SANA-
        place: Damascus (Syria)
        agency: SANA
        byline: SANA
        lede: Syria grew.
    "#]],
    );
    check(
        "date 2024-01-05\nBucharest, Jan 5 /Agerpres/ - Romania grew.",
        expect![[r#"
        id: key
        headline: Romania grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: Bucharest, Jan 5 /Agerpres/ -
        place: Bucharest (Romania)
        agency: Agerpres
        byline: Agerpres
        lede: Romania grew.
    "#]],
    );
    check(
        "date 2024-01-05\nASTANA. KAZINFORM - Kazakhstan grew.",
        expect![[r#"
        id: key
        headline: Kazakhstan grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: ASTANA. KAZINFORM -
        place: Astana (ASTANA, Kazakhstan)
        agency: Kazinform
        byline: Kazinform
        lede: Kazakhstan grew.
    "#]],
    );
    check(
        "date 2024-01-05\nMINSK, 5 January (BelTA) - Belarus grew.",
        expect![[r#"
        id: key
        headline: Belarus grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: MINSK, 5 January (BelTA) -
        place: Minsk (MINSK, Belarus)
        agency: BelTA
        byline: BelTA
        lede: Belarus grew.
    "#]],
    );
    check(
        "date 2024-01-05\nMOSCOW. Jan 5 (Interfax) - Russia grew.",
        expect![[r#"
        id: key
        headline: Russia grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: MOSCOW. Jan 5 (Interfax) -
        place: Moscow (MOSCOW, Russia)
        agency: Interfax
        byline: Interfax
        lede: Russia grew.
    "#]],
    );
    check(
        "date 2024-01-05\nМОСКВА, 5 янв — РИА Новости. Россия выросла.",
        expect![[r#"
        id: key
        headline: Россия выросла (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: МОСКВА, 5 янв — РИА Новости.
        place: Moscow (МОСКВА, Russia)
        agency: RIA Novosti
        byline: RIA Novosti
        lede: Россия выросла.
    "#]],
    );
    check(
        "date 2024-01-05\nNew Delhi, Jan 5 (PTI) India grew.",
        expect![[r#"
        id: key
        headline: India grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: New Delhi, Jan 5 (PTI)
        place: New Delhi (India)
        agency: PTI
        byline: PTI
        lede: India grew.
    "#]],
    );
    check(
        "date 2024-01-05\nNew Delhi [India], Jan 5 (ANI): India grew.",
        expect![[r#"
        id: key
        headline: India grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: New Delhi [India], Jan 5 (ANI):
        place: New Delhi (India)
        agency: ANI
        byline: ANI
        lede: India grew.
    "#]],
    );
    check(
        "date 2024-01-05\nMadrid, 5 ene (EFE).- España creció.",
        expect![[r#"
        id: key
        headline: España creció (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: Madrid, 5 ene (EFE).-
        place: Madrid (Spain)
        agency: EFE
        byline: EFE
        lede: España creció.
    "#]],
    );
    check(
        "date 2024-01-05\nWien (APA) - Österreich wuchs.",
        expect![[r#"
        id: key
        headline: Österreich wuchs (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: Wien (APA) -
        place: Vienna (Wien, Austria)
        agency: APA
        byline: APA
        lede: Österreich wuchs.
    "#]],
    );
    check(
        "date 2024-01-05\nUkraine's economy grew by 5% in 2023, an Ukrinform correspondent reports.",
        expect![[r#"
            id: key
            headline: Ukraine's economy grew by 5% in 2023 (derived)
            published: 2024-01-05T00:00:00+03:00
            agency: Ukrinform
            byline: Ukrinform
            lede: Ukraine's economy grew by 5% in 2023, an Ukrinform correspondent reports.
        "#]],
    );
    check(
        "date 2024-01-05\nBy Sam Lister, PA Political Correspondent\n\nThe Prime Minister will set out plans on Monday.\n\nends",
        expect![[r#"
            id: key
            headline: The Prime Minister will set out plans on Monday (derived)
            published: 2024-01-05T00:00:00+03:00
            agency: PA Media
            authors: Sam Lister
            byline: Sam Lister
            lede: The Prime Minister will set out plans on Monday.
            furniture byline: By Sam Lister, PA Political Correspondent
            furniture sign-off: ends
        "#]],
    );
    check(
        "date 2024-01-05\nParis (AFP) - France grew.\n\nburs-jj/rox",
        expect![[r#"
        id: key
        headline: France grew (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: Paris (AFP) -
        place: Paris (France)
        agency: AFP
        byline: AFP
        lede: France grew.
        furniture sign-off: burs-jj/rox
    "#]],
    );
}

#[test]
fn more_trailers() {
    check(
        "date 2024-01-05\nWASHINGTON (AP) — The Senate voted.\n\nIt was close.\n\nThis story has been corrected to show the vote was 51-49.\n\nCopyright 2024 The Associated Press. All rights reserved.",
        expect![[r#"
            id: key
            headline: The Senate voted (derived)
            published: 2024-01-05T00:00:00+03:00
            dateline: WASHINGTON (AP) —
            place: Washington (WASHINGTON, United States)
            agency: AP
            byline: AP
            lede: The Senate voted.
            p: It was close.
            furniture note: This story has been corrected to show the vote was 51-49.
            furniture copyright: Copyright 2024 The Associated Press. All rights reserved.
        "#]],
    );
    check(
        "date 2024-01-05\nSEOUL, Jan. 5 (Yonhap) -- Korea grew.\n\nIt was fast.\n\njane@yna.co.kr\n\n(END)",
        expect![[r#"
            id: key
            headline: Korea grew (derived)
            published: 2024-01-05T00:00:00+03:00
            dateline: SEOUL, Jan. 5 (Yonhap) --
            place: Seoul (SEOUL, South Korea)
            agency: Yonhap
            byline: Yonhap
            lede: Korea grew.
            p: It was fast.
            furniture sign-off: jane@yna.co.kr
            furniture sign-off: (END)
        "#]],
    );
    check(
        "date 2024-01-05\nMadrid, 5 ene (EFE).- España creció.\n\nEFE xx/yy",
        expect![[r#"
        id: key
        headline: España creció (derived)
        published: 2024-01-05T00:00:00+03:00
        dateline: Madrid, 5 ene (EFE).-
        place: Madrid (Spain)
        agency: EFE
        byline: EFE
        lede: España creció.
        furniture sign-off: EFE xx/yy
    "#]],
    );
    check(
        "date 2024-01-05\nLONDON, Jan 5 (Reuters) - Britain grew.\n\n(Reporting by Jane Doe)\n\nOur Standards: The Thomson Reuters Trust Principles.",
        expect![[r#"
            id: key
            headline: Britain grew (derived)
            published: 2024-01-05T00:00:00+03:00
            dateline: LONDON, Jan 5 (Reuters) -
            place: London (LONDON, United Kingdom)
            agency: Reuters
            byline: Reuters
            lede: Britain grew.
            furniture credit: (Reporting by Jane Doe)
            furniture copyright: Our Standards: The Thomson Reuters Trust Principles.
        "#]],
    );
    check(
        "date 2024-01-05\nNATO — The alliance met.",
        expect![[r#"
        id: key
        headline: NATO — The alliance met (derived)
        published: 2024-01-05T00:00:00+03:00
        lede: NATO — The alliance met.
    "#]],
    );
}

/// Text damaged before it reached us (a replacement character, a C1 control from a
/// Windows-1252 mix-up) is published, with a warning naming the line and column.
#[test]
fn damaged_text_is_a_warning() {
    let key = article::ArticleKey::new("a").unwrap();
    let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
    let parsed = article::parse(
        &key,
        "date 2024-01-01\nOne.\n\nThomas M\u{FFFD}ller scored.".as_bytes(),
        &options,
    )
    .unwrap();
    assert_eq!(
        parsed.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "4: column 9: U+FFFD means the text was damaged before it reached wirefeed (a lost or mis-decoded character); readers will show it as such"
        ]
    );
    let parsed =
        article::parse(&key, "date 2024-01-01\nIt\u{92}s fine.".as_bytes(), &options).unwrap();
    assert!(matches!(
        parsed.warnings[0].kind(),
        article::WarningKind::DamagedText { character: '\u{92}', column: 3 }
    ));
    let clean =
        article::parse(&key, "date 2024-01-01\nMüller ﬁne — “ok” ✓".as_bytes(), &options).unwrap();
    assert!(clean.warnings.is_empty());
}

/// Conventions met after the corpus was gathered: an old AP sign-off in another time zone, and
/// a Spanish headline that must not end on the relative pronoun of a clause it cut.
#[test]
fn sign_offs_in_any_time_zone_and_no_dangling_relative_pronoun() {
    let key = article::ArticleKey::new("a").unwrap();
    let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
    let text = "date 1998-06-12\n\nNAIROBI, Kenya (AP) _ Kenyan police on Friday arrested three men.\n\nThe men were held at the airport.\n\nAP-WF-06-12-98 1402EDT\n";
    let article = article::parse(&key, text.as_bytes(), &options).unwrap().article;
    assert!(article.blocks().iter().all(|block| !block.text().contains("1402EDT")));
    assert!(article.furniture().iter().any(|piece| piece.text() == "AP-WF-06-12-98 1402EDT"));
    let text = "date 2023-03-03 Buenos Aires, 3 mar (EFE).- El Gobierno argentino anunció este viernes un nuevo plan para reducir la inflación, que en febrero superó el 100 % interanual según los datos oficiales del instituto nacional.";
    let article = article::parse(&key, text.as_bytes(), &options).unwrap().article;
    assert_eq!(
        article.headline().as_str(),
        "El Gobierno argentino anunció este viernes un nuevo plan para reducir la inflación"
    );
    assert_eq!(article.agency().map(|agency| agency.as_str()), Some("EFE"));
}
