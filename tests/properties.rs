//! Property tests of the serializers: for arbitrary valid articles, both feeds are well-formed
//! XML 1.0 to a strict parser that did not write them, and `feed-rs` reads back the same
//! headline, id, dates, author, categories and text — checked on the rendered HTML, not the XML.
//!
//! Articles are generated as wire text from random parts (any characters XML allows, markup
//! characters and `]]>` included, every field, dates from year 1 to 9999), then parsed: the
//! generator only makes valid input, so a parse failure is itself a bug.

use article::{Article, ArticleKey, Block};
use chrono::{DateTime, FixedOffset, Utc};
use feed::Settings;
use proptest::prelude::*;

/// Text that may hold anything XML allows, with the characters that break naive escaping
/// over-represented.
fn text(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-zA-Z0-9 ]{1,12}",
        1 => prop::sample::select(vec!["<", ">", "&", "&amp;", "]]>", "\"", "'", "<script>", "<…>", "&#x41;", "\t"]).prop_map(str::to_owned),
        1 => "[а-яА-ЯéüßçØ€“”«»—…]{1,6}",
        1 => "[\u{1F600}-\u{1F64F}\u{10000}-\u{10FFFF}\u{E000}-\u{FFFD}]{1,3}",
    ];
    prop::collection::vec(piece, 1..max).prop_map(|pieces| {
        let joined = pieces.concat();
        let trimmed = joined.trim();
        if trimmed.is_empty() { "x".to_owned() } else { trimmed.to_owned() }
    })
}

fn date() -> impl Strategy<Value = String> {
    (1i32..=9999, 1u32..=12, 1u32..=28, prop::option::of((0u32..24, 0u32..60, -14i32..=14)))
        .prop_map(|(year, month, day, time)| match time {
            None => format!("{year:04}-{month:02}-{day:02}"),
            Some((hour, minute, offset)) => {
                let sign = if offset < 0 { '-' } else { '+' };
                format!(
                    "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:00{sign}{:02}:00",
                    offset.abs()
                )
            }
        })
}

fn wire_article() -> impl Strategy<Value = String> {
    (
        prop::option::of(text(8)),
        prop::collection::vec("[A-Za-zА-я][A-Za-zА-я &<>]{0,12}", 0..4),
        prop::option::of(prop::sample::select(vec!["ru", "en-GB", "pt-BR", "zh-Hant-TW"])),
        prop::option::of(text(4)),
        prop::option::of("https://example\\.org/[a-z0-9/]{0,20}(\\?q=[a-z&<>]{0,5})?"),
        date(),
        prop::option::of(prop::sample::select(vec![
            "MINSK, January 10. /TASS/. ",
            "KYIV, Jan 10 (Reuters) - ",
            "Paris (AFP) - ",
        ])),
        prop::collection::vec(text(30), 1..6),
    )
        .prop_map(|(title, tags, lang, author, link, date, dateline, paragraphs)| {
            let mut wire = String::new();
            if let Some(title) = title {
                wire.push_str(&format!("title: {title}\n"));
            }
            if !tags.is_empty() {
                wire.push_str(&format!("tags: {}\n", tags.join(", ")));
            }
            if let Some(lang) = lang {
                wire.push_str(&format!("lang: {lang}\n"));
            }
            if let Some(author) = author {
                wire.push_str(&format!("author: {author}\n"));
            }
            if let Some(link) = link {
                wire.push_str(&format!("link: {link}\n"));
            }
            wire.push_str(&format!("date {date}\n{}", dateline.unwrap_or("")));
            wire.push_str(&paragraphs.join("\n\n"));
            wire
        })
}

fn parse(wire: &str) -> Article {
    parse_as("prop", wire)
}

fn parse_as(key: &str, wire: &str) -> Article {
    let key = ArticleKey::new(key).unwrap();
    match article::parse(&key, wire.as_bytes(), &Settings::defaults().parse_options()) {
        Ok(parsed) => parsed.article,
        Err(err) => panic!("valid input refused: {err}\n{wire}"),
    }
}

/// The text a browser shows for each block of an HTML fragment.
fn rendered_blocks(html: &str) -> Vec<(String, String)> {
    let fragment = scraper::Html::parse_fragment(html);
    let selector = scraper::Selector::parse("p, h2").unwrap();
    fragment
        .select(&selector)
        .map(|element| (element.value().name().to_owned(), element.text().collect()))
        .collect()
}

fn shown(text: &feed_rs::model::Text) -> String {
    if text.content_type.essence().to_string() == "text/html" {
        scraper::Html::parse_fragment(&text.content).root_element().text().collect()
    } else {
        text.content.clone()
    }
}

fn utc(time: DateTime<FixedOffset>) -> DateTime<Utc> {
    time.with_timezone(&Utc)
}

proptest! {
    // Failing cases are saved beside this file, in regressions/, and replayed first on every run.
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn feeds_of_any_article_are_well_formed_and_read_back(wire in wire_article()) {
        let article = parse(&wire);
        let settings = Settings::defaults();
        let articles = [article];
        let article = &articles[0];
        let rss = feed::write_rss(&feed::rss_channel(&settings, &articles)).unwrap();
        let atom = feed::write_atom(&feed::atom_feed(&settings, &articles)).unwrap();
        for (format, bytes) in [("rss", &rss), ("atom", &atom)] {
            let xml = std::str::from_utf8(bytes).unwrap();
            if let Err(err) = roxmltree::Document::parse(xml) {
                panic!("{format} is not well-formed: {err}\n{xml}");
            }
            prop_assert!(validator::validate(bytes).iter().all(|finding| finding.rule != "xml-char"));

            let parsed = feed_rs::parser::parse(&bytes[..]).unwrap();
            prop_assert_eq!(parsed.entries.len(), 1);
            let entry = &parsed.entries[0];
            prop_assert_eq!(&entry.id, &feed::entry_id(&settings, article));
            prop_assert_eq!(shown(entry.title.as_ref().unwrap()), article.headline().as_str());
            prop_assert_eq!(entry.published, Some(utc(article.published())));
            if format == "atom" {
                prop_assert_eq!(entry.updated, Some(utc(article.updated())));
            }
            let authors: Vec<&str> = entry.authors.iter().filter_map(|person| person.name.as_deref()).collect();
            prop_assert_eq!(authors, tests::expected_authors(&settings, article));
            let terms: Vec<&str> = entry.categories.iter().map(|category| category.term.as_str()).collect();
            let mut expected: Vec<&str> = article.place().map(|place| place.name()).into_iter().collect();
            for tag in article.tags() {
                if !expected.contains(&tag.as_str()) || format == "atom" {
                    expected.push(tag.as_str());
                }
            }
            prop_assert_eq!(terms, expected);

            // Text stays text: what a browser renders from the content is the article's text.
            let html = entry.content.as_ref().and_then(|content| content.body.clone()).unwrap();
            // Notes above the text, its paragraphs and subheadings (breaks hold no text), credits after it.
            let notes = article.notes().map(|note| ("p".to_owned(), note.text().to_owned()));
            let text = article.blocks().iter().filter(|block| !matches!(block, Block::Break(_))).map(|block| {
                let name = if matches!(block, Block::Subheading(_)) { "h2" } else { "p" };
                (name.to_owned(), block.text().to_owned())
            });
            let credits = article.credits().map(|credit| ("p".to_owned(), credit.text().to_owned()));
            let blocks: Vec<(String, String)> = notes.chain(text).chain(credits).collect();
            prop_assert_eq!(rendered_blocks(&html), blocks);
        }
    }

    /// The site streams its feeds item by item; the bytes are those of the whole documents.
    #[test]
    fn streamed_feeds_equal_whole_documents(wires in proptest::collection::vec(wire_article(), 0..5)) {
        let settings = Settings::from_toml("item-limit = 0").unwrap();
        let articles: Vec<Article> =
            wires.iter().enumerate().map(|(index, wire)| parse_as(&format!("a{index}"), wire)).collect();
        let site = feed::site(&settings, &articles).unwrap();
        prop_assert_eq!(&site["rss.xml"], &feed::write_rss(&feed::rss_channel(&settings, &articles)).unwrap());
        prop_assert_eq!(&site["atom.xml"], &feed::write_atom(&feed::atom_feed(&settings, &articles)).unwrap());
    }
}
