//! The wire desk's marks on a whole site: a withdrawn article and an embargoed one, on both sides
//! of the embargo's end.
//!
//! `tests/desk/seeds/` holds three articles written for this test: `live`, `killed` (withdrawn,
//! with a reason) and `embargoed` (until 2024-05-03T06:00:00Z). The site at 2024-05-02 is golden
//! in `tests/desk/expected/`; `UPDATE_EXPECT=1` rewrites it.

use std::collections::BTreeMap;

use article::{Article, ArticleKey};
use chrono::{DateTime, FixedOffset};
use feed::Settings;
use tests::{assert_golden, project_root};

fn settings() -> Settings {
    let text = std::fs::read_to_string(project_root().join("tests/desk/feed.toml")).unwrap();
    Settings::from_toml(&text).unwrap()
}

fn articles(settings: &Settings) -> Vec<Article> {
    let dir = project_root().join("tests/desk/seeds");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
        .iter()
        .map(|name| {
            let key = ArticleKey::new(name.strip_suffix(".txt").unwrap()).unwrap();
            let bytes = std::fs::read(dir.join(name)).unwrap();
            article::parse(&key, &bytes, &settings.parse_options()).unwrap().article
        })
        .collect()
}

fn at(time: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(time).unwrap()
}

fn site_at(now: &str) -> BTreeMap<String, Vec<u8>> {
    let settings = settings().at(at(now));
    feed::site(&settings, &articles(&settings)).unwrap()
}

fn text(site: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(site[path].clone()).unwrap()
}

/// Every file that mentions `needle`, in path order.
fn mentioning(site: &BTreeMap<String, Vec<u8>>, needle: &str) -> Vec<String> {
    site.iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn the_site_before_the_embargo_is_golden() {
    let site = site_at("2024-05-02T00:00:00Z");
    let expected = project_root().join("tests/desk/expected");
    for path in
        ["atom.xml", "rss.xml", "feed.json", "tags/transport.atom.xml", "articles/killed.html"]
    {
        assert_golden(&expected.join(path.replace('/', "__")), &site[path]);
    }
}

#[test]
fn an_embargoed_article_is_nowhere_before_its_time_and_everywhere_after() {
    let before = site_at("2024-05-03T05:59:59Z");
    assert_eq!(mentioning(&before, "embargoed"), Vec::<String>::new());
    assert_eq!(mentioning(&before, "nationalise"), Vec::<String>::new());
    // The same instant in another offset is the same time.
    let after = site_at("2024-05-03T08:00:00+02:00");
    assert!(after.contains_key("articles/embargoed.html"));
    for feed in ["atom.xml", "rss.xml", "feed.json", "tags/transport.rss.xml", "index.html"] {
        assert!(text(&after, feed).contains("embargoed"), "{feed}");
    }
    // Only the files that show it changed, and nothing else.
    let changed: Vec<&String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(changed.iter().all(|path| {
        [
            "articles/embargoed.html",
            "atom.xml",
            "rss.xml",
            "feed.json",
            "index.html",
            "feeds.opml",
            "sitemap.xml",
            "news-sitemap.xml",
            "places.html",
            "topics.html",
            "archive.html",
        ]
        .contains(&path.as_str())
            || path.starts_with("archive/")
            || path.starts_with("tags/")
            || path.starts_with("places/")
            || path.starts_with("articles/")
    }));
    // Its page, and the pages of the articles before and after it, which link to it.
    assert!(changed.iter().filter(|path| path.starts_with("articles/")).count() <= 3);
    // Without a time at all, an embargo never ends.
    let settings = settings();
    let site = feed::site(&settings, &articles(&settings)).unwrap();
    assert_eq!(mentioning(&site, "nationalise"), Vec::<String>::new());
}

#[test]
fn a_withdrawn_article_leaves_every_live_feed_and_leaves_a_tombstone_in_atom() {
    let site = site_at("2024-05-02T00:00:00Z");
    let id = "tag:desk.example,2024:killed";
    for path in
        ["rss.xml", "feed.json", "tags/transport.rss.xml", "places/london.rss.xml", "index.html"]
    {
        let text = text(&site, path);
        assert!(!text.contains("not to blame"), "{path} still holds the text");
        assert!(!text.contains("articles/killed.html"), "{path} still links it");
    }
    for path in [
        "atom.xml",
        "tags/transport.atom.xml",
        "places/london.atom.xml",
        "archive/2024-05.atom.xml",
    ] {
        let text = text(&site, path);
        assert!(!text.contains("not to blame"), "{path} still holds the text");
        let tombstone =
            format!("<at:deleted-entry ref=\"{id}\" when=\"2024-05-01T12:30:00+00:00\">");
        assert!(text.contains(&tombstone), "{path} has no tombstone:\n{text}");
        assert!(text.contains("xmlns:at=\"http://purl.org/atompub/tombstones/1.0\""), "{path}");
        // The feed's own update time moves with the withdrawal, so readers fetch it again.
        assert!(text.contains("<updated>2024-05-01T12:30:00+00:00</updated>"), "{path}");
    }
    let page = text(&site, "articles/killed.html");
    assert!(page.contains("This article was withdrawn"));
    assert!(page.contains("protected by a court order"));
    assert!(!page.contains("not to blame"));
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
}

#[test]
fn the_feeds_pass_the_validator_and_independent_parsers() {
    for now in ["2024-05-02T00:00:00Z", "2024-05-04T00:00:00Z"] {
        let site = site_at(now);
        for (path, bytes) in &site {
            if !feed::layout::is_feed(path) {
                continue;
            }
            let findings = validator::validate(bytes);
            assert!(findings.is_empty(), "{now} {path}: {findings:#?}");
            let parsed = feed_rs::parser::parse(&bytes[..]).unwrap();
            assert!(
                parsed.entries.iter().all(|entry| !entry.id.ends_with(":killed")),
                "{now} {path}: the withdrawn article is an entry"
            );
        }
        // The atom crate reads the tombstones back as extensions.
        let feed = atom_syndication::Feed::read_from(&site["atom.xml"][..]).unwrap();
        let tombstones = &feed.extensions()["at"]["deleted-entry"];
        assert_eq!(tombstones.len(), 1);
        assert_eq!(tombstones[0].attrs()["ref"], "tag:desk.example,2024:killed");
        assert_eq!(
            tombstones[0].children()["comment"][0].value(),
            Some("The article was withdrawn because it named a person protected by a court order.")
        );
    }
}

#[test]
fn the_output_is_a_function_of_the_seeds_and_now() {
    for now in ["2024-05-02T00:00:00Z", "2024-05-04T00:00:00Z"] {
        assert_eq!(site_at(now), site_at(now));
    }
}
