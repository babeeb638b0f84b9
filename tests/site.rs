//! The whole site: RFC 5005 archives a client can walk, pages that change only when their own
//! articles do, JSON Feed 1.1, per-place and per-tag feeds, and the OPML list.

use std::collections::{BTreeMap, BTreeSet};

use feed::layout::{FileKind, PageKind};

use article::{Article, ArticleKey};
use feed::Settings;

const PLACES: [&str; 4] =
    ["MINSK, January 10. /TASS/. ", "МОСКВА, 11 января. /ТАСС/. ", "Paris (AFP) - ", ""];
const TAGS: [&str; 3] = ["Politics", "Central Asia, Politics", "Экономика"];

/// 40 articles over seven months, with places and tags, one of them edited when `edit` names it.
fn corpus(edit: Option<usize>) -> Vec<Article> {
    let settings = settings();
    (0..40)
        .map(|index| {
            let key = ArticleKey::new(&format!("a{index:02}")).unwrap();
            let extra = if edit == Some(index) { " A correction was added." } else { "" };
            let wire = format!(
                "tags: {}\ndate 2022-{:02}-{:02}\n{}Article {index} says something, officials said.{extra}\n\nMore text.",
                TAGS[index % 3],
                1 + index % 7,
                1 + index % 27,
                PLACES[index % 4],
            );
            article::parse(&key, wire.as_bytes(), &settings.parse_options()).unwrap().article
        })
        .collect()
}

fn settings() -> Settings {
    Settings::from_toml("item-limit = 5\ndate-offset = \"+03:00\"").unwrap()
}

fn site(articles: &[Article]) -> BTreeMap<String, Vec<u8>> {
    feed::site(&settings(), articles).unwrap()
}

/// The path of a link's target below the base URL.
fn local(href: &str) -> String {
    local_to(&settings(), href)
}

fn local_to(settings: &Settings, href: &str) -> String {
    href.strip_prefix(settings.base_url()).unwrap().to_owned()
}

/// Follows `prev-archive` from the main feed as an RFC 5005 client does: every entry of every
/// document, in the order met, and the entries of each archive page.
fn walk(site: &BTreeMap<String, Vec<u8>>, start: &str) -> (Vec<String>, Vec<Vec<String>>) {
    walk_with(&settings(), site, start)
}

fn walk_with(
    settings: &Settings,
    site: &BTreeMap<String, Vec<u8>>,
    start: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let (met, archives, _) = walk_along(settings, site, start, "prev-archive");
    (met, archives)
}

/// Follows links of relation `rel` from `start`: every entry of every document in the order met,
/// the entries of each archive page, and the paths visited.
fn walk_along(
    settings: &Settings,
    site: &BTreeMap<String, Vec<u8>>,
    start: &str,
    rel: &str,
) -> (Vec<String>, Vec<Vec<String>>, Vec<String>) {
    let mut met = Vec::new();
    let mut archives = Vec::new();
    let mut next = Some(start.to_owned());
    let mut visited = Vec::new();
    while let Some(path) = next.take() {
        assert!(!visited.contains(&path), "the archive chain loops at {path}");
        let text = std::str::from_utf8(&site[&path]).unwrap();
        visited.push(path);
        let document = roxmltree::Document::parse(text).unwrap();
        let ids: Vec<String> = document
            .descendants()
            .filter(|node| matches!(node.tag_name().name(), "id" | "guid"))
            .filter(|node| {
                matches!(
                    node.parent_element().map(|parent| parent.tag_name().name()),
                    Some("entry" | "item")
                )
            })
            .map(|node| node.text().unwrap().to_owned())
            .collect();
        let is_archive = document.descendants().any(|node| node.tag_name().name() == "archive");
        if is_archive {
            archives.push(ids.clone());
        }
        met.extend(ids);
        next = document
            .descendants()
            .find(|node| node.tag_name().name() == "link" && node.attribute("rel") == Some(rel))
            .map(|node| local_to(settings, node.attribute("href").unwrap()));
    }
    (met, archives, visited)
}

#[test]
fn the_committed_feeds_lead_to_every_seed_once() {
    let root = tests::project_root();
    let settings =
        Settings::from_toml(&std::fs::read_to_string(root.join("seeds/feed.toml")).unwrap())
            .unwrap();
    let mut expected: Vec<(chrono::DateTime<chrono::FixedOffset>, String, String)> = Vec::new();
    for entry in std::fs::read_dir(root.join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "txt") {
            let key = ArticleKey::new(path.file_stem().unwrap().to_str().unwrap()).unwrap();
            let article =
                article::parse(&key, &std::fs::read(&path).unwrap(), &settings.parse_options())
                    .unwrap()
                    .article;
            expected.push((
                article.published(),
                key.to_string(),
                feed::entry_id(&settings, &article),
            ));
        }
    }
    expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, _, id)| id).collect();
    let mut site = BTreeMap::new();
    for directory in ["", "archive/"] {
        for entry in std::fs::read_dir(root.join("feeds").join(directory)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                let name = format!("{directory}{}", entry.file_name().to_string_lossy());
                site.insert(name, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    for start in ["atom.xml", "rss.xml"] {
        let (met, archives) = walk_with(&settings, &site, start);
        assert_eq!(archives.concat(), expected, "{start}");
        let mut seen = BTreeSet::new();
        assert_eq!(
            met.into_iter().filter(|id| seen.insert(id.clone())).collect::<Vec<_>>(),
            expected,
            "{start}"
        );
    }
}

#[test]
fn following_prev_archive_collects_every_article_once_in_order() {
    let articles = corpus(None);
    let site = site(&articles);
    let settings = settings();
    let mut expected: Vec<&Article> = articles.iter().collect();
    expected.sort_by(|a, b| b.published().cmp(&a.published()).then_with(|| a.key().cmp(b.key())));
    let expected: Vec<String> =
        expected.iter().map(|article| feed::entry_id(&settings, article)).collect();
    for start in ["atom.xml", "rss.xml"] {
        let (met, archives) = walk(&site, start);
        assert_eq!(archives.len(), 7, "{start}: one archive page per month");
        // The archive pages hold every article exactly once, newest month first.
        assert_eq!(archives.concat(), expected, "{start}");
        // A client that keeps the first copy of each id ends with every article once, in order.
        let mut seen = BTreeSet::new();
        let collected: Vec<String> = met.into_iter().filter(|id| seen.insert(id.clone())).collect();
        assert_eq!(collected, expected, "{start}");
    }
}

/// `corpus` and an August too big for one archive page: two busy days of 1,200 articles, three
/// quiet days of 100, and an article in September after it.
fn corpus_with_a_split_month() -> Vec<Article> {
    let settings = settings();
    let mut articles = corpus(None);
    for (day, count) in [(1, 1_200), (2, 1_200), (3, 100), (4, 100), (5, 100)] {
        for index in 0..count {
            let key = ArticleKey::new(&format!("b{day}-{index:04}")).unwrap();
            let wire = format!(
                "date 2022-08-{day:02}T{:02}:{:02}:00+03:00\nMINSK (AP) — Item {index} of the day, officials said.",
                index / 60,
                index % 60
            );
            articles.push(
                article::parse(&key, wire.as_bytes(), &settings.parse_options()).unwrap().article,
            );
        }
    }
    let key = ArticleKey::new("c").unwrap();
    let wire = "date 2022-09-01\nParis (AFP) - September.";
    articles
        .push(article::parse(&key, wire.as_bytes(), &settings.parse_options()).unwrap().article);
    articles
}

/// The main and archive feeds of a site, without the rest.
fn archive_feeds(settings: &Settings, articles: &[Article]) -> BTreeMap<String, Vec<u8>> {
    let entries = feed::entries(articles);
    let site = feed::Site::new(settings, &entries);
    site.files()
        .into_iter()
        .filter(|file| {
            matches!(site.kind(file), FileKind::Feed(PageKind::Main | PageKind::Archive(_), _))
        })
        .map(|file| {
            let mut bytes = Vec::new();
            site.write(&file, articles, &mut bytes).unwrap();
            (file.path().to_owned(), bytes)
        })
        .collect()
}

#[test]
fn the_walk_reaches_every_article_once_through_a_month_split_into_days_and_parts() {
    let articles = corpus_with_a_split_month();
    let settings = settings();
    let site = archive_feeds(&settings, &articles);
    let mut expected: Vec<&Article> = articles.iter().collect();
    expected.sort_by(|a, b| b.published().cmp(&a.published()).then_with(|| a.key().cmp(b.key())));
    let expected: Vec<String> =
        expected.iter().map(|article| feed::entry_id(&settings, article)).collect();
    let pages = [
        "2022-09",
        "2022-08-05",
        "2022-08-04",
        "2022-08-03",
        "2022-08-02.2",
        "2022-08-02.1",
        "2022-08-01.2",
        "2022-08-01.1",
        "2022-07",
        "2022-06",
        "2022-05",
        "2022-04",
        "2022-03",
        "2022-02",
        "2022-01",
    ];
    for format in ["atom", "rss"] {
        let start = format!("{format}.xml");
        let (met, archives, visited) = walk_along(&settings, &site, &start, "prev-archive");
        let names: Vec<String> =
            pages.iter().map(|name| format!("archive/{name}.{format}.xml")).collect();
        assert_eq!(visited[1..], names, "{start}");
        assert_eq!(archives.concat(), expected, "{start}");
        assert_eq!(archives[5].len(), 1_000, "{start}: the first part of a day is full");
        let mut seen = BTreeSet::new();
        let collected: Vec<String> = met.into_iter().filter(|id| seen.insert(id.clone())).collect();
        assert_eq!(collected, expected, "{start}");

        // From the oldest page forward, the same pages in the other order.
        let oldest = visited.last().unwrap();
        let (_, forward, visited) = walk_along(&settings, &site, oldest, "next-archive");
        assert_eq!(visited.iter().rev().collect::<Vec<_>>(), names.iter().collect::<Vec<_>>());
        assert_eq!(forward.into_iter().rev().collect::<Vec<_>>(), archives);
    }
}

#[test]
fn split_archive_pages_are_named_for_people() {
    let articles = corpus_with_a_split_month();
    let site = feed::site(&settings(), &articles).unwrap();
    let page = |path: &str| std::str::from_utf8(&site[path]).unwrap().to_owned();
    let part = page("archive/2022-08-01.2.html");
    assert!(part.contains("<h1>1 August 2022 (part 2)</h1>"), "{part}");
    assert!(part.contains("<title>1 August 2022 (part 2) — wirefeed</title>"));
    assert!(part.contains("200 articles published on 1 August 2022 (part 2)."));
    assert!(
        part.contains(
            r#"Earlier: <a href="../archive/2022-08-01.1.html">1 August 2022 (part 1)</a>"#
        )
    );
    assert!(
        part.contains(
            r#"Later: <a href="../archive/2022-08-02.1.html">2 August 2022 (part 1)</a>"#
        )
    );
    let month = page("archive/2022-07.html");
    assert!(month.contains(r#"Earlier: <a href="../archive/2022-06.html">June 2022</a>"#));
    assert!(month.contains("published in July 2022."));
    assert!(
        month.contains(
            r#"Later: <a href="../archive/2022-08-01.1.html">1 August 2022 (part 1)</a>"#
        )
    );
    let day = page("archive/2022-08-04.atom.xml");
    assert!(day.contains("<title>wirefeed — archive 4 August 2022</title>"), "{day}");
    let archive = page("archive.html");
    assert!(archive.contains(
        r#"<a href="archive/2022-08-01.2.html">1 August 2022 (part 2)</a> (200 articles)"#
    ));
}

#[test]
fn archive_pages_link_both_ways_and_to_the_current_feed() {
    let site = site(&corpus(None));
    let page = std::str::from_utf8(&site["archive/2022-03.atom.xml"]).unwrap();
    for link in [
        r#"<link href="https://wirefeed.example/archive/2022-03.atom.xml" rel="self""#,
        r#"<link href="https://wirefeed.example/atom.xml" rel="current""#,
        r#"<link href="https://wirefeed.example/archive/2022-02.atom.xml" rel="prev-archive""#,
        r#"<link href="https://wirefeed.example/archive/2022-04.atom.xml" rel="next-archive""#,
    ] {
        assert!(page.contains(link), "{link}");
    }
    assert!(
        page.contains(r#"xmlns:fh="http://purl.org/syndication/history/1.0""#)
            && page.contains("<fh:archive>")
    );
    let main = std::str::from_utf8(&site["rss.xml"]).unwrap();
    assert!(main.contains(
        r#"<atom:link href="https://wirefeed.example/archive/2022-07.rss.xml" rel="prev-archive""#
    ));
}

#[test]
fn editing_an_article_rewrites_only_its_pages() {
    let before = site(&corpus(None));
    // a00 is from January, the oldest month: too old for the main feed and for its place and tag
    // feeds (5 items each), so of the feeds only its archive month changes; the HTML pages list
    // the newest 50, so they show it. a34 is in the newest month.
    for (index, expected) in [
        (
            0,
            vec![
                "archive/2022-01.atom.xml",
                "archive/2022-01.html",
                "archive/2022-01.rss.xml",
                "articles/a00.html",
                "index.html",
                "places/minsk.html",
                "tags/politics.html",
            ],
        ),
        (
            34,
            vec![
                "archive/2022-07.atom.xml",
                "archive/2022-07.html",
                "archive/2022-07.rss.xml",
                "articles/a34.html",
                "atom.xml",
                "feed.json",
                "index.html",
                "places/paris.atom.xml",
                "places/paris.html",
                "places/paris.rss.xml",
                "rss.xml",
                "tags/central-asia.atom.xml",
                "tags/central-asia.html",
                "tags/central-asia.rss.xml",
                "tags/politics.atom.xml",
                "tags/politics.html",
                "tags/politics.rss.xml",
            ],
        ),
    ] {
        let after = site(&corpus(Some(index)));
        assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
        let changed: Vec<&str> = before
            .iter()
            .filter(|(path, bytes)| after[*path] != **bytes)
            .map(|(path, _)| path.as_str())
            .collect();
        assert_eq!(changed, expected, "editing a{index:02}");
    }
}

#[test]
fn place_and_tag_feeds_have_stable_ascii_slugs_and_the_main_ids() {
    let articles = corpus(None);
    let site = site(&articles);
    let pages: Vec<&str> = site
        .keys()
        .map(String::as_str)
        .filter(|path| path.starts_with("places/") || path.starts_with("tags/"))
        .collect();
    assert_eq!(
        pages,
        [
            "places/minsk.atom.xml",
            "places/minsk.html",
            "places/minsk.rss.xml",
            "places/moscow.atom.xml",
            "places/moscow.html",
            "places/moscow.rss.xml",
            "places/paris.atom.xml",
            "places/paris.html",
            "places/paris.rss.xml",
            "tags/central-asia.atom.xml",
            "tags/central-asia.html",
            "tags/central-asia.rss.xml",
            "tags/ekonomika.atom.xml",
            "tags/ekonomika.html",
            "tags/ekonomika.rss.xml",
            "tags/politics.atom.xml",
            "tags/politics.html",
            "tags/politics.rss.xml",
        ]
    );
    // `МОСКВА` in the copy is the gazetteer's Moscow: one place, one slug, in any script.
    let moscow = atom_syndication::Feed::read_from(&site["places/moscow.atom.xml"][..]).unwrap();
    assert_eq!(moscow.title().as_str(), "wirefeed: Moscow");
    assert_eq!(moscow.entries().len(), 5, "the item limit applies");
    let settings = settings();
    for entry in moscow.entries() {
        let article = articles
            .iter()
            .find(|article| feed::entry_id(&settings, article) == entry.id())
            .unwrap();
        assert_eq!(article.place().unwrap().name(), "Moscow");
    }
}

#[test]
fn every_xml_page_validates_clean() {
    for (path, bytes) in site(&corpus(None)).iter().filter(|(path, _)| feed::layout::is_feed(path))
    {
        let findings = validator::validate(bytes);
        assert!(findings.is_empty(), "{path}: {findings:#?}");
    }
}

#[test]
fn json_feed_meets_the_specification_and_matches_atom() {
    let site = site(&corpus(None));
    let json: serde_json::Value = serde_json::from_slice(&site["feed.json"]).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    for key in ["title", "home_page_url", "feed_url", "description", "language"] {
        assert!(json[key].is_string(), "{key}");
    }
    assert_eq!(json["feed_url"], "https://wirefeed.example/feed.json");
    let items = json["items"].as_array().unwrap();
    let mut ids = BTreeSet::new();
    for item in items {
        assert!(ids.insert(item["id"].as_str().unwrap().to_owned()), "ids are unique");
        assert!(item["content_html"].is_string() && item["title"].is_string());
        for date in ["date_published", "date_modified"] {
            chrono::DateTime::parse_from_rfc3339(item[date].as_str().unwrap()).unwrap();
        }
        assert!(
            item["authors"].as_array().unwrap().iter().all(|author| author["name"].is_string())
        );
        if let Some(tags) = item.get("tags") {
            assert!(tags.as_array().unwrap().iter().all(serde_json::Value::is_string));
        }
    }

    // feed-rs reads the JSON Feed to the same items as the Atom feed.
    let from_json = feed_rs::parser::parse(&site["feed.json"][..]).unwrap();
    let from_atom = feed_rs::parser::parse(&site["atom.xml"][..]).unwrap();
    assert_eq!(from_json.entries.len(), 5);
    assert_eq!(from_json.entries.len(), from_atom.entries.len());
    for (json, atom) in from_json.entries.iter().zip(&from_atom.entries) {
        assert_eq!(json.id, atom.id);
        assert_eq!(
            json.title.as_ref().map(|title| &title.content),
            atom.title.as_ref().map(|title| &title.content)
        );
        assert_eq!(json.published, atom.published);
        assert_eq!(json.updated, atom.updated);
        assert_eq!(
            json.content.as_ref().and_then(|c| c.body.clone()),
            atom.content.as_ref().and_then(|c| c.body.clone())
        );
    }
}

#[test]
fn opml_lists_every_xml_subscription_feed() {
    let site = site(&corpus(None));
    let text = std::str::from_utf8(&site["feeds.opml"]).unwrap();
    let document = roxmltree::Document::parse(text).unwrap();
    assert_eq!(document.root_element().attribute("version"), Some("2.0"));
    let listed: BTreeSet<String> =
        document.descendants().filter_map(|node| node.attribute("xmlUrl")).map(local).collect();
    let feeds: BTreeSet<String> = site
        .keys()
        .filter(|path| feed::layout::is_feed(path) && !path.starts_with("archive/"))
        .cloned()
        .collect();
    assert_eq!(listed, feeds);
    assert!(document.descendants().filter(|node| node.attribute("xmlUrl").is_some()).all(|node| {
        node.attribute("type") == Some("rss")
            && node.attribute("text").is_some_and(|text| !text.is_empty())
    }));
}
