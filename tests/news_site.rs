//! The news site around the feeds: the files crawlers read (sitemaps, the Google News sitemap,
//! `robots.txt`), the structured data of article pages, true counts and stable older pages of
//! places and tags, and the way from one article to the next.

use std::{collections::BTreeMap, sync::Arc};

use article::{Article, ArticleKey};
use chrono::{DateTime, TimeDelta};
use feed::{Entry, Settings, Site};
use scraper::{Html, Selector};

fn settings() -> Settings {
    Settings::from_toml("item-limit = 5\nbase-url = \"https://news.example/wire/\"").unwrap()
}

/// `n` articles, one every 7 hours from 1 January 2024 (the last the newest), in Moscow but for
/// every third (Minsk), all tagged Energy.
fn articles(n: usize) -> Vec<Article> {
    let settings = settings();
    let start = DateTime::parse_from_rfc3339("2024-01-01T09:00:00+03:00").unwrap();
    (0..n)
        .map(|index| {
            let published = start + TimeDelta::hours(7 * index as i64);
            let place = if index % 3 == 0 { "MINSK" } else { "MOSCOW" };
            let wire = format!(
                "tags: Energy\ndate {}\n{place}, {}. /TASS/. Gas deliveries number {index} rose \
                 sharply on the day. Officials said more would follow later in the week, and \
                 that prices would hold.\n\nA second paragraph {index}.",
                published.to_rfc3339(),
                published.format("%B %-d"),
            );
            let key = ArticleKey::new(&format!("a{index:04}")).unwrap();
            article::parse(&key, wire.as_bytes(), &settings.parse_options()).unwrap().article
        })
        .collect()
}

fn text(site: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(site[path].clone()).unwrap_or_else(|_| panic!("{path}"))
}

fn select(page: &Html, selector: &str) -> Vec<String> {
    page.select(&Selector::parse(selector).unwrap()).map(|e| e.html()).collect()
}

#[test]
fn the_sitemap_lists_every_page_with_its_articles_updated_times() {
    let articles = articles(60);
    let site = feed::site(&settings(), &articles).unwrap();
    let sitemap = text(&site, "sitemap.xml");
    let document = roxmltree::Document::parse(&sitemap).unwrap();
    let urls: BTreeMap<&str, Option<&str>> = document
        .descendants()
        .filter(|node| node.has_tag_name("url"))
        .map(|url| {
            let child = |name: &str| {
                url.children().find(|node| node.has_tag_name(name)).and_then(|node| node.text())
            };
            (child("loc").unwrap(), child("lastmod"))
        })
        .collect();
    for article in &articles {
        let url = feed::article_url(&settings(), article);
        assert_eq!(urls[url.as_str()], Some(article.updated().to_rfc3339().as_str()), "{url}");
    }
    // Every HTML page people read is listed, and nothing else: not the 404 page, not search.
    let pages: Vec<&String> = site
        .keys()
        .filter(|path| path.ends_with(".html") && *path != "404.html" && *path != "search.html")
        .collect();
    assert_eq!(urls.len(), pages.len());
    for path in pages {
        let url = match path.as_str() {
            "index.html" => "https://news.example/wire/".to_owned(),
            path => format!("https://news.example/wire/{path}"),
        };
        assert!(urls.contains_key(url.as_str()), "{url}");
    }
    let robots = text(&site, "robots.txt");
    assert!(robots.contains("Sitemap: https://news.example/wire/sitemap.xml\n"), "{robots}");
    assert!(robots.contains("Sitemap: https://news.example/wire/news-sitemap.xml\n"), "{robots}");
}

#[test]
fn beyond_50000_addresses_the_sitemap_is_an_index_of_one_sitemap_per_archive_page() {
    let settings = Settings::from_toml("item-limit = 5").unwrap();
    let start = DateTime::parse_from_rfc3339("2020-01-01T00:00:00+00:00").unwrap();
    let entries: Vec<Entry> = (0..60_000)
        .map(|index| {
            let published = start + TimeDelta::minutes(20 * index as i64);
            let key = ArticleKey::new(&format!("k{index}")).unwrap();
            let place: Option<Arc<str>> = Some(Arc::from("Moscow"));
            Entry::from_parts(key, published, published, place, Box::new([]), 3_000)
        })
        .collect();
    let site = Site::new(&settings, &entries);
    let paths = site.paths();
    let sitemaps: Vec<&String> =
        paths.iter().filter(|path| path.starts_with("sitemaps/")).collect();
    let archives =
        paths.iter().filter(|path| path.starts_with("archive/") && path.ends_with(".html")).count();
    assert_eq!(sitemaps.len(), archives + 1, "one per archive page, and the other pages'");
    assert!(paths.contains(&"sitemaps/pages.xml".to_owned()));
    assert!(paths.iter().all(|path| feed::is_generated(path)));
    let small = Site::new(&settings, &entries[..1_000]);
    assert!(small.paths().iter().all(|path| !path.starts_with("sitemaps/")));
}

#[test]
fn the_news_sitemap_holds_the_two_days_up_to_the_newest_article() {
    let articles = articles(30);
    let site = feed::site(&settings(), &articles).unwrap();
    let news = text(&site, "news-sitemap.xml");
    let document = roxmltree::Document::parse(&news).unwrap();
    let listed: Vec<&str> = document
        .descendants()
        .filter(|node| node.tag_name().name() == "loc")
        .filter_map(|node| node.text())
        .collect();
    let newest = articles.iter().map(Article::published).max().unwrap();
    let expected: Vec<String> = articles
        .iter()
        .rev()
        .filter(|article| article.published() >= newest - TimeDelta::days(2))
        .map(|article| feed::article_url(&settings(), article))
        .collect();
    // One every 7 hours: 48 hours hold 7 of them (0, 7, ..., 42 hours before the newest).
    assert_eq!(expected.len(), 7);
    assert_eq!(listed, expected);
    assert!(news.contains("<news:name>wirefeed</news:name>"), "{news}");
    assert!(news.contains("<news:language>en</news:language>"));
    assert!(
        news.contains("<news:title>Gas deliveries number 29 rose sharply on the day</news:title>")
    );
}

#[test]
fn every_article_page_carries_news_article_data() {
    let articles = articles(3);
    let site = feed::site(&settings(), &articles).unwrap();
    for article in &articles {
        let page = Html::parse_document(&text(&site, &feed::article_path(article)));
        let blocks = select(&page, "script[type='application/ld+json']");
        assert_eq!(blocks.len(), 1);
        let json = blocks[0]
            .trim_start_matches(r#"<script type="application/ld+json">"#)
            .trim_end_matches("</script>");
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        let url = feed::article_url(&settings(), article);
        assert_eq!(data["@type"], "NewsArticle");
        assert_eq!(data["headline"], article.headline().as_str());
        assert_eq!(data["datePublished"], article.published().to_rfc3339());
        assert_eq!(data["dateModified"], article.updated().to_rfc3339());
        assert_eq!(data["author"][0]["name"], "TASS");
        assert_eq!(
            data["publisher"],
            serde_json::json!({ "@type": "Organization", "name": "TASS" })
        );
        assert_eq!(data["locationCreated"]["name"], article.place().unwrap().name());
        assert_eq!(data["inLanguage"], "en");
        assert_eq!(data["mainEntityOfPage"]["@id"], url.as_str());
        let published = article.published().to_rfc3339();
        let meta = select(&page, "meta[property='article:published_time']");
        assert!(meta.len() == 1 && meta[0].contains(&published), "{meta:?}");
        let description = select(&page, "meta[name=description]");
        assert!(description[0].contains("Gas deliveries number"), "the lede: {description:?}");
    }
}

#[test]
fn counts_are_true_and_older_pages_reach_every_article_once() {
    let articles = articles(200);
    let site = feed::site(&settings(), &articles).unwrap();
    let moscow = articles.iter().filter(|a| a.place().unwrap().name() == "Moscow").count();
    let page = text(&site, "places/moscow.html");
    assert!(page.contains(&format!("{moscow} articles filed in Moscow.")), "{page}");
    let front = Html::parse_document(&page);
    assert_eq!(select(&front, "ol.articles > li").len(), feed::layout::PAGE_ARTICLES);
    // The older pages of Moscow, by period, hold each of its articles once.
    let mut seen = Vec::new();
    for (path, _) in site.iter().filter(|(path, _)| path.starts_with("places/moscow/")) {
        let older = Html::parse_document(&text(&site, path));
        for link in select(&older, "ol.articles h2 a") {
            seen.push(link);
        }
    }
    assert_eq!(seen.len(), moscow);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), moscow);
    let index = text(&site, "index.html");
    assert!(index.contains("200 articles in all."), "{index}");
}

#[test]
fn an_added_article_rewrites_few_listing_pages_even_back_dated() {
    let settings = settings();
    let mut articles = articles(400);
    let before = feed::site(&settings, &articles).unwrap();
    // A back-dated article, filed in Moscow in the middle of the archive.
    let wire = "tags: Energy\ndate 2024-02-10T10:30:00+03:00\nMOSCOW, February 10. /TASS/. \
                A late report on gas deliveries arrived.";
    let key = ArticleKey::new("late").unwrap();
    articles
        .push(article::parse(&key, wire.as_bytes(), &settings.parse_options()).unwrap().article);
    let after = feed::site(&settings, &articles).unwrap();
    let changed: Vec<&String> = after
        .keys()
        .filter(|path| path.ends_with(".html") && before.get(*path) != after.get(*path))
        .filter(|path| path.starts_with("places/") || path.starts_with("tags/"))
        .collect();
    // Its period's page in Moscow and in Energy, and their first pages, whose counts grew;
    // nothing more.
    assert_eq!(
        changed,
        [
            "places/moscow.html",
            "places/moscow/2024-02.html",
            "tags/energy.html",
            "tags/energy/2024-02.html"
        ]
    );
}

#[test]
fn article_pages_link_the_articles_before_and_after_them() {
    let articles = articles(3);
    let site = feed::site(&settings(), &articles).unwrap();
    let middle = Html::parse_document(&text(&site, "articles/a0001.html"));
    assert_eq!(
        select(&middle, "nav.pages a"),
        [
            r#"<a href="a0000.html" rel="prev">Earlier article</a>"#,
            r#"<a href="a0002.html" rel="next">Later article</a>"#
        ]
    );
    let newest = Html::parse_document(&text(&site, "articles/a0002.html"));
    assert_eq!(select(&newest, "nav.pages a").len(), 1);
}

#[test]
fn autodiscovery_titles_name_their_topic_and_archive_pages_their_month() {
    let articles = articles(60);
    let site = feed::site(&settings(), &articles).unwrap();
    let page = text(&site, "places/moscow.html");
    assert!(page.contains(r#"title="Moscow — wirefeed (Atom)""#), "{page}");
    assert!(page.contains(r#"title="wirefeed (Atom)""#));
    let archive = text(&site, "archive.html");
    assert!(archive.contains(">January 2024</a>"), "{archive}");
    let missing = text(&site, "404.html");
    assert!(missing.contains(r#"<link rel="stylesheet" href="/wire/style.css">"#), "{missing}");
    assert!(missing.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(site["favicon.svg"].starts_with(b"<svg"));
}

#[test]
fn dates_show_what_the_copy_gave_in_the_offset_of_publication() {
    let settings = settings();
    let parse = |key: &str, wire: &str| {
        let key = ArticleKey::new(key).unwrap();
        article::parse(&key, wire.as_bytes(), &settings.parse_options()).unwrap().article
    };
    let articles = [
        parse("day", "date 2024-12-17\nMOSCOW, December 17. /TASS/. A day without a time."),
        parse(
            "timed",
            "updated: 2024-12-17T12:30:00Z\ndate 2024-12-17T14:05:00+03:00\n\
             MOSCOW, December 17. /TASS/. A time, corrected later.",
        ),
    ];
    let site = feed::site(&settings, &articles).unwrap();
    let day = text(&site, "articles/day.html");
    assert!(day.contains(r#"<time datetime="2024-12-17">17 December 2024</time>"#), "{day}");
    let shown = day.split("<main>").nth(1).unwrap();
    assert!(!shown.contains("00:00"), "no invented time: {shown}");
    let timed = text(&site, "articles/timed.html");
    assert!(timed.contains(">17 December 2024, 14:05 (UTC+03:00)</time>"), "{timed}");
    assert!(timed.contains("Updated <time datetime=\"2024-12-17T15:30:00+03:00\">17 December 2024, 15:30 (UTC+03:00)</time>"), "{timed}");
}
