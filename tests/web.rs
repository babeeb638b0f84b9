//! The HTML face, read as a browser reads it (html5ever, through `scraper`): every page has its
//! language, title and feed autodiscovery; every link inside the site leads to a file the site
//! has; article text is text, never markup; every article has a page, and every feed links to it.

use std::collections::BTreeMap;

use article::{Article, ArticleKey};
use feed::Settings;
use scraper::{Html, Selector};
use tests::cases;

fn settings() -> Settings {
    Settings::from_toml("item-limit = 3\nhub = \"https://hub.example.org/\"").unwrap()
}

/// The golden articles plus a few more in other months and places, so the site has archives,
/// places and tags to link.
fn articles() -> Vec<Article> {
    let settings = settings();
    let mut articles: Vec<Article> = cases().into_iter().map(|case| case.article).collect();
    for (index, wire) in [
        "tags: Weather, Économie\ndate 2022-03-05\nParis (AFP) - Rain is expected.",
        "date 2021-12-31\nMOSCOW, December 31. /TASS/. A year ends.",
    ]
    .into_iter()
    .enumerate()
    {
        let key = ArticleKey::new(&format!("extra-{index}")).unwrap();
        articles.push(
            article::parse(&key, wire.as_bytes(), &settings.parse_options()).unwrap().article,
        );
    }
    articles
}

fn pages(site: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&String, Html)> {
    site.iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, Html::parse_document(std::str::from_utf8(bytes).unwrap())))
}

fn select<'a>(page: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    page.select(&Selector::parse(selector).unwrap()).collect()
}

/// Resolves a relative link of the page at `from` to a path of the site, or `None` when the link
/// leaves it.
fn resolve(from: &str, href: &str) -> Option<String> {
    if href.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    // The page for a missing file links from the site's root, its base URL's path.
    let href = match href.strip_prefix('/') {
        Some(rooted) => {
            parts.clear();
            rooted
        }
        None => href,
    };
    for part in href.split('/') {
        match part {
            ".." => {
                parts.pop()?;
            }
            "." => {}
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[test]
fn every_page_is_complete_and_every_link_inside_the_site_resolves() {
    let site = feed::site(&settings(), &articles()).unwrap();
    let mut checked = 0;
    for (path, page) in pages(&site) {
        assert!(page.errors.is_empty(), "{path}: {:?}", page.errors);
        let lang = select(&page, "html")[0].value().attr("lang").unwrap().to_owned();
        assert!(["en", "en-GB", "ru"].contains(&lang.as_str()), "{path}: {lang}");
        assert_eq!(select(&page, "head > title").len(), 1, "{path}");
        assert_eq!(select(&page, "meta[name=viewport]").len(), 1, "{path}");
        assert_eq!(select(&page, "meta[name=description]").len(), 1, "{path}");
        assert_eq!(select(&page, "link[rel=icon]").len(), 1, "{path}");
        assert_eq!(select(&page, "meta[property='og:title']").len(), 1, "{path}");
        assert_eq!(select(&page, "h1").len(), 1, "{path}: one main heading");
        assert_eq!(select(&page, "header nav a").len(), 5, "{path}: the sections");
        // Only the search page runs a script, and only to search; the rest is data.
        let scripts = select(&page, "script:not([type='application/ld+json'])").len();
        assert_eq!(scripts, if path == "search.html" { 1 } else { 0 }, "{path}");
        let alternates: Vec<&str> = select(&page, "link[rel=alternate]")
            .iter()
            .map(|link| link.value().attr("type").unwrap())
            .collect();
        for media_type in ["application/atom+xml", "application/rss+xml", "application/feed+json"] {
            assert!(alternates.contains(&media_type), "{path}: no {media_type} autodiscovery");
        }
        for element in select(&page, "[href], [src]") {
            let href = element.value().attr("href").or(element.value().attr("src")).unwrap();
            if let Some(target) = resolve(path, href) {
                // The search index is written by the build beside the site (crates/wirefeed).
                if target.starts_with("search/") {
                    continue;
                }
                assert!(site.contains_key(&target), "{path}: {href} leads nowhere");
                checked += 1;
            } else {
                assert!(href.starts_with("https://"), "{path}: {href}");
            }
        }
        for time in select(&page, "time") {
            let datetime = time.value().attr("datetime").unwrap();
            assert!(
                chrono::DateTime::parse_from_rfc3339(datetime).is_ok()
                    || chrono::NaiveDate::parse_from_str(datetime, "%Y-%m-%d").is_ok(),
                "{path}: {datetime}"
            );
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn every_article_has_a_page_that_every_feed_links_to() {
    let settings = settings();
    let articles = articles();
    let site = feed::site(&settings, &articles).unwrap();
    for article in &articles {
        let path = feed::article_path(article);
        assert!(site.contains_key(&path), "{path}");
        let url = feed::article_url(&settings, article);
        match article.link() {
            Some(link) => assert_eq!(url, link.as_str()),
            None => assert_eq!(url, format!("https://wirefeed.example/{path}")),
        }
        let page = Html::parse_document(std::str::from_utf8(&site[&path]).unwrap());
        let canonical = select(&page, "link[rel=canonical]");
        assert_eq!(canonical[0].value().attr("href"), Some(url.as_str()));
        // The archive month's feeds hold every article: each links to the article's URL.
        let month = article.published().format("%Y-%m");
        for format in ["atom", "rss"] {
            let feed =
                std::str::from_utf8(&site[&format!("archive/{month}.{format}.xml")]).unwrap();
            assert!(
                feed.contains(&quick_xml::escape::escape(url.as_str()).into_owned()),
                "{format}: {url}"
            );
        }
    }
}

#[test]
fn article_text_is_text_on_the_page() {
    let site = feed::site(&settings(), &articles()).unwrap();
    let page = |key: &str| {
        Html::parse_document(std::str::from_utf8(&site[&format!("articles/{key}.html")]).unwrap())
    };

    let seed = page("tass-seed");
    let headline = select(&seed, "h1")[0].text().collect::<String>();
    assert_eq!(
        headline,
        "Not a single CSTO peacekeeper will stay in Kazakhstan after the peacekeeping operation is over"
    );
    let body: String = select(&seed, "article p").iter().flat_map(|p| p.text()).collect();
    assert!(body.contains("very silly. <…> After all"), "the elision is text on the page");
    assert_eq!(
        select(&seed, "article h2")[0].text().collect::<String>(),
        "Situation in Kazakhstan"
    );
    // The copy gives a day, not a time: the page shows the day alone.
    let time = select(&seed, "time")[0];
    assert_eq!(time.value().attr("datetime"), Some("2022-01-10"));
    assert_eq!(time.text().collect::<String>(), "10 January 2022");
    assert_eq!(
        select(&seed, "a[href='../places/minsk.html']")[0].text().collect::<String>(),
        "Minsk"
    );

    let hostile = page("hostile-text");
    assert_eq!(
        select(&hostile, "h1")[0].text().collect::<String>(),
        "<script>alert(\"x\")</script> & ]]> in a title"
    );
    for selector in ["script:not([type='application/ld+json'])", "img", "b", "a[href^=javascript]"]
    {
        assert!(select(&hostile, selector).is_empty(), "{selector}");
    }
    // In the JSON-LD, the headline is JSON that cannot close the script element, and means the
    // same.
    let data = select(&hostile, "script[type='application/ld+json']")[0].inner_html();
    assert!(!data.contains('<') && data.contains(r"\u003cscript\u003e"), "{data}");
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["headline"], "<script>alert(\"x\")</script> & ]]> in a title");
    let title = select(&hostile, "title")[0].text().collect::<String>();
    assert!(title.starts_with("<script>alert(\"x\")</script>"), "{title}");
}

#[test]
fn the_index_shows_the_newest_articles_and_how_to_subscribe() {
    let settings = settings();
    let articles = articles();
    let site = feed::site(&settings, &articles).unwrap();
    let index = Html::parse_document(std::str::from_utf8(&site["index.html"]).unwrap());
    let listed: Vec<String> = select(&index, "main article h2 a")
        .iter()
        .map(|link| link.value().attr("href").unwrap().to_owned())
        .collect();
    // The newest first, leading, and then every other up to a page of 50, whatever the feeds'
    // item limit.
    let newest: Vec<String> =
        feed::newest(&settings, &articles).into_iter().map(feed::article_path).collect();
    assert_eq!(listed[..newest.len()], newest);
    assert_eq!(listed.len(), articles.len().min(feed::layout::PAGE_ARTICLES));
    assert_eq!(select(&index, "main > article.lead").len(), 1);
    let addresses: Vec<String> =
        select(&index, "#subscribe code").iter().map(|code| code.text().collect()).collect();
    assert_eq!(
        addresses,
        [
            "https://wirefeed.example/atom.xml",
            "https://wirefeed.example/rss.xml",
            "https://wirefeed.example/feed.json",
            "https://wirefeed.example/feeds.opml"
        ]
    );
    // Every place, tag and archive page has its page, listed on the list of its kind.
    for (list, directory) in
        [("places.html", "places/"), ("topics.html", "tags/"), ("archive.html", "archive/")]
    {
        let list = Html::parse_document(std::str::from_utf8(&site[list]).unwrap());
        for path in site.keys().filter(|path| path.ends_with(".html")) {
            if path.starts_with(directory) && path.matches('/').count() == 1 {
                assert_eq!(select(&list, &format!("a[href='{path}']")).len(), 1, "{path}");
            }
        }
    }
}

#[test]
fn the_hub_is_announced_by_every_live_feed_and_never_by_archives() {
    let site = feed::site(&settings(), &articles()).unwrap();
    for (path, bytes) in &site {
        let text = std::str::from_utf8(bytes).unwrap();
        let announced = match path.as_str() {
            path if path.ends_with(".atom.xml") || path == "atom.xml" => {
                text.contains(r#"<link href="https://hub.example.org/" rel="hub"/>"#)
            }
            path if path.ends_with(".rss.xml") || path == "rss.xml" => {
                text.contains(r#"<atom:link href="https://hub.example.org/" rel="hub"/>"#)
            }
            "feed.json" => text.contains(r#""type": "WebSub""#),
            _ => continue,
        };
        assert_eq!(announced, !path.starts_with("archive/"), "{path}");
        // `rel="hub"` is a registered relation: the validator accepts it. (The hostile golden
        // article's title draws its known RSS warning.)
        let findings = if path == "feed.json" { Vec::new() } else { validator::validate(bytes) };
        assert!(
            findings.iter().all(|finding| finding.rule == "text-html"),
            "{path}: {findings:#?}"
        );
    }
    let without = feed::site(&Settings::defaults(), &articles()).unwrap();
    assert!(without.values().all(|bytes| !String::from_utf8_lossy(bytes).contains("hub")));
}
