//! The HTML face of the site: pages for people who open a feed's address in a browser.
//!
//! `index.html` (the newest articles and how to subscribe), one page per article
//! (`articles/<key>.html`, the link every feed gives for it) and one per archive page, place and
//! tag, each the twin of the feed of the same stem; older pages of places and tags; the lists
//! of places, topics and archive pages; the search page and the page for a missing file. Every
//! page has the masthead and its navigation, announces its feeds with autodiscovery links,
//! carries Open Graph and Twitter card metadata, needs no JavaScript (the search page uses it
//! when it can) and links only relatively inside the site, so it works from any host and from
//! `cargo xtask serve`. Article pages carry schema.org `NewsArticle` data in JSON-LD.
//!
//! Markup is written with `maud`, which escapes every value it is given: article text reaches
//! the page as text, never as markup. The one exception is the JSON-LD block, which is JSON
//! from `serde_json` with `<`, `>` and `&` written as JSON escapes, so that no text can end the
//! script element.

use article::{Article, ArticleKey, Block};
use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate, Timelike as _};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::{
    GENERATOR, Held, Settings, VERSION, WriteError, article_path, article_url,
    layout::{self, Directory, Format, JSON_FEED_TYPE, OPML_TYPE, PageKind},
    page::{Page, Period},
    site::Shelf,
};

/// The site's one stylesheet, written as `style.css`.
pub(crate) const STYLESHEET: &str = include_str!("style.css");

/// The site's icon, written as `favicon.svg`.
pub(crate) const FAVICON: &str = include_str!("favicon.svg");

/// The longest meta description, in characters: what search engines show.
const DESCRIPTION_CHARS: usize = 160;

/// Text for a page, escaped as `maud` escapes text and attribute values (`&`, `<`, `>`, `"`),
/// but with the runs between those copied whole, found by `memchr` in long texts and by a look
/// at each byte in short ones: `maud` pushes every byte on its own, and the body of every
/// article page goes through it (a tenth of a full build's instructions).
#[derive(Debug, Clone, Copy)]
struct Text<'a>(&'a str);

/// Renders nothing, but makes room for this many more bytes: put first in a page whose size is
/// known to be about that, it saves the page's buffer from growing (and being copied) as it is
/// filled.
struct Reserve(usize);

impl maud::Render for Reserve {
    fn render_to(&self, out: &mut String) {
        out.reserve(self.0);
    }
}

/// About how many bytes a page's skeleton (head, masthead, footer) takes, beyond its main part
/// and the extra head it is given.
const SKELETON_BYTES: usize = 3 << 10;

impl maud::Render for Text<'_> {
    fn render_to(&self, out: &mut String) {
        /// The escape of a byte `maud` escapes.
        fn escape(byte: u8) -> &'static str {
            match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                _ => "&quot;",
            }
        }
        /// Whether `maud` escapes the byte.
        const ESCAPED: [bool; 256] = {
            let mut escaped = [false; 256];
            escaped[b'&' as usize] = true;
            escaped[b'<' as usize] = true;
            escaped[b'>' as usize] = true;
            escaped[b'"' as usize] = true;
            escaped
        };
        /// Below this many bytes (paths, names, dates) a look at each byte is quicker than
        /// setting up `memchr`'s searches.
        const SHORT: usize = 64;
        let (text, bytes) = (self.0, self.0.as_bytes());
        out.reserve(text.len());
        let mut start = 0;
        if bytes.len() < SHORT {
            for (at, &byte) in bytes.iter().enumerate() {
                if ESCAPED[usize::from(byte)] {
                    out.push_str(&text[start..at]);
                    out.push_str(escape(byte));
                    start = at + 1;
                }
            }
            out.push_str(&text[start..]);
            return;
        }
        // `&`, `<` and `>` are rare in copy, quotes common: the runs between the first are
        // found by `memchr3`, and in them the quotes by `memchr`.
        let push_quoted = |out: &mut String, run: &str| {
            let mut start = 0;
            for at in memchr::memchr_iter(b'"', run.as_bytes()) {
                out.push_str(&run[start..at]);
                out.push_str("&quot;");
                start = at + 1;
            }
            out.push_str(&run[start..]);
        };
        for at in memchr::memchr3_iter(b'&', b'<', b'>', bytes) {
            push_quoted(out, &text[start..at]);
            out.push_str(escape(bytes[at]));
            start = at + 1;
        }
        push_quoted(out, &text[start..]);
    }
}

/// The HTML pages of places and tags by name, so an article page can link to them. Looked up
/// for every article page's fingerprint (a million at a million articles), never iterated:
/// hash maps with a fast hasher, not ordered ones.
#[derive(Debug, Default)]
pub(crate) struct Topics {
    pub(crate) places: rustc_hash::FxHashMap<String, String>,
    pub(crate) tags: rustc_hash::FxHashMap<String, String>,
}

impl Topics {
    pub(crate) fn new(pages: &[Page]) -> Topics {
        let mut topics = Topics::default();
        for page in pages {
            let map = match &page.kind {
                PageKind::Place(_) => &mut topics.places,
                PageKind::Tag(_) => &mut topics.tags,
                PageKind::Main | PageKind::Archive(_) => continue,
            };
            map.insert(page.name.clone(), page.html_path());
        }
        topics
    }

    /// The page a place or tag of this name links to, if there is one; places first.
    pub(crate) fn path_of(&self, name: &str) -> (Option<&String>, Option<&String>) {
        (self.places.get(name), self.tags.get(name))
    }
}

/// A feed announced in a page's head and listed in its body.
struct Feed {
    label: &'static str,
    media_type: &'static str,
    /// Relative to the output directory.
    path: String,
    /// The autodiscovery title, which names the feed's topic.
    title: String,
}

/// The site's own feeds, most useful first: readers that find several take the first.
fn main_feeds(settings: &Settings) -> Vec<Feed> {
    let feed = |label: &'static str, media_type: &'static str, path: String| Feed {
        label,
        media_type,
        path,
        title: format!("{} ({label})", settings.title()),
    };
    vec![
        feed(
            Format::Atom.label(),
            Format::Atom.media_type(),
            PageKind::Main.feed_path(Format::Atom),
        ),
        feed(Format::Rss.label(), Format::Rss.media_type(), PageKind::Main.feed_path(Format::Rss)),
        feed("JSON Feed", JSON_FEED_TYPE, layout::JSON_FEED_PATH.to_owned()),
    ]
}

/// The feeds of one page (an archive page, place or tag), titled with its topic:
/// `Moscow — wirefeed (Atom)`.
fn page_feeds(settings: &Settings, kind: &PageKind, name: &str) -> Vec<Feed> {
    Format::ALL
        .into_iter()
        .map(|format| Feed {
            label: format.label(),
            media_type: format.media_type(),
            path: kind.feed_path(format),
            title: format!("{name} — {} ({})", settings.title(), format.label()),
        })
        .collect()
}

/// The article pages before and after an article's, in the order of publication.
#[derive(Debug)]
pub(crate) struct Neighbours<'a> {
    pub(crate) earlier: Option<&'a ArticleKey>,
    pub(crate) later: Option<&'a ArticleKey>,
}

/// Where a page is in the navigation, so its link is marked as the current page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Latest,
    List(Directory),
    Search,
    None,
}

/// What every page shares: the head with its metadata and autodiscovery links, the masthead
/// with the navigation, and the footer.
struct Layout<'a> {
    settings: &'a Settings,
    /// From the page to the output directory: `""`, `"../"`, `"../../"`, or for the page of a
    /// missing file, which is shown at any address, the site's absolute path.
    root: String,
    /// The language of the page's text.
    lang: &'a str,
    title: String,
    description: String,
    /// Absolute; none for the page of a missing file.
    canonical: Option<String>,
    /// The page's own feeds, announced before the site's.
    feeds: Vec<Feed>,
    /// Open Graph's type: `website` or `article`.
    kind: &'static str,
    /// A photo for link previews, absolute.
    image: Option<String>,
    section: Section,
    /// More of the head: an article's dates and JSON-LD, a withdrawn article's `noindex`.
    head: Markup,
}

impl<'a> Layout<'a> {
    fn new(settings: &'a Settings, root: &str, title: String, section: Section) -> Layout<'a> {
        Layout {
            settings,
            root: root.to_owned(),
            lang: settings.language().as_str(),
            title,
            description: settings.description().to_owned(),
            canonical: None,
            feeds: Vec::new(),
            kind: "website",
            image: None,
            section,
            head: html! {},
        }
    }

    fn render(self, main: Markup) -> String {
        let Layout {
            settings,
            root,
            lang,
            title,
            description,
            canonical,
            feeds,
            kind,
            image,
            section,
            head,
        } = self;
        let site_feeds = main_feeds(settings);
        let announced = feeds.iter().chain(&site_feeds);
        let navigation = [
            (Section::Latest, PageKind::Main.html_path(), "Latest"),
            (Section::List(Directory::Places), Directory::Places.path().to_owned(), "Places"),
            (Section::List(Directory::Topics), Directory::Topics.path().to_owned(), "Topics"),
            (Section::List(Directory::Archive), Directory::Archive.path().to_owned(), "Archive"),
            (Section::Search, layout::SEARCH_PATH.to_owned(), "Search"),
        ];
        html! {
            (Reserve(main.0.len() + head.0.len() + SKELETON_BYTES))
            (DOCTYPE) "\n"
            html lang=(Text(lang)) {
                head {
                    "\n"
                    meta charset="utf-8"; "\n"
                    meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                    title { (Text(&title)) } "\n"
                    meta name="description" content=(Text(&description)); "\n"
                    meta name="generator" content={ (Text(GENERATOR)) " " (Text(VERSION)) }; "\n"
                    @if let Some(canonical) = &canonical {
                        link rel="canonical" href=(Text(canonical)); "\n"
                    }
                    link rel="icon" href={ (Text(&root)) (Text(layout::FAVICON_PATH)) } type=(Text(layout::SVG_TYPE)); "\n"
                    link rel="stylesheet" href={ (Text(&root)) (Text(layout::STYLESHEET_PATH)) }; "\n"
                    meta property="og:site_name" content=(Text(settings.title())); "\n"
                    meta property="og:type" content=(Text(kind)); "\n"
                    meta property="og:title" content=(Text(&title)); "\n"
                    meta property="og:description" content=(Text(&description)); "\n"
                    @if let Some(canonical) = &canonical {
                        meta property="og:url" content=(Text(canonical)); "\n"
                    }
                    @if let Some(image) = &image {
                        meta property="og:image" content=(Text(image)); "\n"
                        meta name="twitter:card" content="summary_large_image"; "\n"
                    } @else {
                        meta name="twitter:card" content="summary"; "\n"
                    }
                    (head)
                    @for feed in announced {
                        link rel="alternate" type=(Text(feed.media_type))
                            href={ (Text(&root)) (Text(&feed.path)) } title=(Text(&feed.title)); "\n"
                    }
                }
                "\n"
                body {
                    "\n"
                    header.masthead {
                        "\n" a.site href={ (Text(&root)) (Text(&PageKind::Main.html_path())) } { (Text(settings.title())) }
                        "\n" nav aria-label="Sections" {
                            ul {
                                @for (place, path, label) in &navigation {
                                    @if *place != Section::Search || settings.search() {
                                        li {
                                            a href={ (Text(&root)) (Text(path)) } aria-current=[(*place == section).then_some("page")] { (Text(label)) }
                                        }
                                    }
                                }
                            }
                        }
                        "\n"
                    }
                    "\n"
                    main { (main) }
                    "\n"
                    footer {
                        p {
                            "Subscribe: "
                            @for (index, feed) in site_feeds.iter().enumerate() {
                                @if index > 0 { " · " }
                                a href={ (Text(&root)) (Text(&feed.path)) } type=(Text(feed.media_type)) { (Text(feed.label)) }
                            }
                            " · "
                            a href={ (Text(&root)) (Text(layout::OPML_PATH)) } type=(Text(OPML_TYPE)) { "OPML" }
                        }
                    }
                    "\n"
                }
            }
        }
        .into_string()
    }
}

/// `index.html`: the newest articles, the way to older ones, and how to subscribe.
pub(crate) fn index(
    settings: &Settings,
    shelf: &Shelf<'_>,
    main: &Page,
) -> Result<String, WriteError> {
    let latest = shelf.articles(&main.front)?;
    let subscribe = main_feeds(settings).into_iter().chain([Feed {
        label: "OPML",
        media_type: OPML_TYPE,
        path: layout::OPML_PATH.to_owned(),
        title: String::new(),
    }]);
    let body = html! {
        "\n" h1 { "Latest news" }
        @if let Some((lead, others)) = latest.split_first() {
            "\n" article.lead lang=[lead.language().map(|language| language.as_str())] {
                @if let Some(urgency) = lead.urgency() {
                    "\n" p.urgency { (urgency.label()) }
                }
                "\n" h2 { a href=(article_path(lead)) { (lead.headline().as_str()) } }
                (meta(lead))
                @if !lead.summary().is_empty() {
                    "\n" p.summary { (lead.summary()) }
                }
            }
            (article_list("", others))
        } @else {
            "\n" p { "No articles yet." }
        }
        "\n" p.more {
            (count(main.total, "article")) " in all."
            @if let Some(older) = &main.older {
                " " a href=(older) { "Older articles" }
            }
        }
        "\n" section #subscribe aria-labelledby="subscribe-heading" {
            "\n" h2 #subscribe-heading { "Subscribe" }
            "\n" p {
                "Copy an address below into your feed reader, or give it this page's address: "
                "readers find the feeds themselves. Atom and RSS hold the same articles; "
                "choose whichever your reader prefers. The OPML file lists every feed of this site, "
                "for readers that import subscriptions in bulk."
            }
            "\n" ul.feeds {
                @for feed in subscribe {
                    "\n" li {
                        a href=(feed.path) type=(feed.media_type) { (feed.label) }
                        " "
                        code { (settings.url_of(&feed.path)) }
                    }
                }
            }
        }
    };
    let mut layout = Layout::new(settings, "", settings.title().to_owned(), Section::Latest);
    layout.canonical = Some(settings.base_url().to_owned());
    Ok(layout.render(body))
}

/// `3,180 articles`, `1 article`.
fn count(number: usize, noun: &str) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match number {
        1 => format!("{grouped} {noun}"),
        _ => format!("{grouped} {noun}s"),
    }
}

/// What a page's count says its articles are: `filed in Moscow`, `on Politics`,
/// `published in March 2023`.
fn counted(kind: &PageKind, name: &str) -> String {
    match kind {
        PageKind::Archive(_)
            if kind
                .as_archive()
                .is_some_and(|archive| !matches!(archive, layout::Archive::Month { .. })) =>
        {
            format!("published on {name}")
        }
        PageKind::Archive(_) => format!("published in {name}"),
        PageKind::Place(_) => format!("filed in {name}"),
        PageKind::Main | PageKind::Tag(_) => format!("on {name}"),
    }
}

/// The page of an archive (a month, a day or part of one), place or tag: its articles (a
/// place's or tag's newest, with the way to older ones) and its own feeds.
pub(crate) fn list_page(
    settings: &Settings,
    shelf: &Shelf<'_>,
    page: &Page,
) -> Result<String, WriteError> {
    let articles = shelf.articles(page.listed())?;
    let neighbours: Vec<(&str, String, String)> = page
        .links
        .iter()
        .filter_map(|(rel, kind)| {
            let label = match *rel {
                "prev-archive" => "Earlier",
                "next-archive" => "Later",
                _ => return None,
            };
            let name = kind.as_archive()?.label();
            Some((label, name, kind.html_path()))
        })
        .collect();
    let feeds = page_feeds(settings, &page.kind, &page.name);
    let summary = format!("{} {}", count(page.total, "article"), counted(&page.kind, &page.name));
    let body = html! {
        "\n" h1 { (page.name) }
        "\n" p.lede { (summary) "." }
        "\n" p.feeds {
            "This page as a feed: "
            @for (index, feed) in feeds.iter().enumerate() {
                @if index > 0 { " · " }
                a href={ "../" (feed.path) } type=(feed.media_type) { (feed.label) }
            }
        }
        @if !neighbours.is_empty() {
            "\n" nav.pages aria-label="Archive" {
                "\n" ul {
                    @for (label, name, path) in &neighbours {
                        "\n" li { (label) ": " a href={ "../" (path) } { (name) } }
                    }
                }
            }
        }
        (article_list("../", &articles))
        @if let Some(older) = &page.older {
            "\n" p.more { a href={ "../" (older) } { "Older articles " (counted(&page.kind, &page.name)) } }
        }
    };
    let section = match page.kind {
        PageKind::Place(_) => Section::List(Directory::Places),
        PageKind::Tag(_) => Section::List(Directory::Topics),
        _ => Section::List(Directory::Archive),
    };
    let mut layout =
        Layout::new(settings, "../", format!("{} — {}", page.name, settings.title()), section);
    layout.description = format!("{summary}, newest first.");
    layout.canonical = Some(page.html_url(settings));
    layout.feeds = feeds;
    Ok(layout.render(body))
}

/// An older page of a place or tag: its articles of one period, linked to the periods before
/// and after it and to its newest articles.
pub(crate) fn period_page(
    settings: &Settings,
    shelf: &Shelf<'_>,
    period: &Period,
) -> Result<String, WriteError> {
    let articles = shelf.articles(&period.articles)?;
    let label = period.archive.label();
    let what = counted(&period.topic, &period.name);
    let summary = format!("{} {what}, {label}", count(period.articles.len(), "article"));
    let links = [("Earlier", period.earlier), ("Later", period.later)];
    let body = html! {
        "\n" h1 { (period.name) ": " (label) }
        "\n" p.lede { (summary) "." }
        "\n" nav.pages aria-label="Older pages" {
            "\n" ul {
                @for (name, archive) in links {
                    @if let Some(archive) = archive {
                        "\n" li { (name) ": " a href={ "../../" (period.path_of(archive)) } { (archive.label()) } }
                    }
                }
                "\n" li { a href={ "../../" (period.topic.html_path()) } { "Newest articles " (what) } }
            }
        }
        (article_list("../../", &articles))
    };
    let section = match period.topic {
        PageKind::Place(_) => Section::List(Directory::Places),
        _ => Section::List(Directory::Topics),
    };
    let title = format!("{}, {label} — {}", period.name, settings.title());
    let mut layout = Layout::new(settings, "../../", title, section);
    layout.description = format!("{summary}, newest first.");
    layout.canonical = Some(settings.url_of(&period.path()));
    layout.feeds = page_feeds(settings, &period.topic, &period.name);
    Ok(layout.render(body))
}

/// `places.html`, `topics.html`, `archive.html`: every page of a kind, with its count.
pub(crate) fn directory(settings: &Settings, directory: Directory, pages: &[Page]) -> String {
    let mut listed: Vec<&Page> = pages
        .iter()
        .filter(|page| {
            matches!(
                (&page.kind, directory),
                (PageKind::Place(_), Directory::Places)
                    | (PageKind::Tag(_), Directory::Topics)
                    | (PageKind::Archive(_), Directory::Archive)
            )
        })
        .collect();
    // The newest archive page first, as people read an archive.
    if directory == Directory::Archive {
        listed.reverse();
    }
    let (heading, noun, intro) = match directory {
        Directory::Places => {
            ("Places", "place", "Where the articles were filed, by their datelines.")
        }
        Directory::Topics => ("Topics", "topic", "What the articles are about."),
        Directory::Archive => (
            "Archive",
            "archive page",
            "Every article, by when it was published; each page is also a feed.",
        ),
    };
    let body = html! {
        "\n" h1 { (heading) }
        "\n" p.lede { (intro) " " (count(listed.len(), noun)) "." }
        @if !listed.is_empty() {
            "\n" ul.topics {
                @for page in &listed {
                    "\n" li { a href=(page.html_path()) { (page.name) } " (" (count(page.total, "article")) ")" }
                }
            }
        }
    };
    let mut layout = Layout::new(
        settings,
        "",
        format!("{heading} — {}", settings.title()),
        Section::List(directory),
    );
    layout.description = format!("{} {intro}", settings.title());
    layout.canonical = Some(settings.url_of(directory.path()));
    layout.render(body)
}

/// `search.html`: a search box over every article, run in the browser by `search/init.js` over
/// the static index the build writes in `search/` (`crates/wirefeed`). Without JavaScript, it
/// points to the lists.
pub(crate) fn search_page(settings: &Settings) -> String {
    let body = html! {
        "\n" h1 { "Search" }
        "\n" noscript {
            p {
                "Search runs in your browser and needs JavaScript. Without it, browse the "
                a href=(Directory::Places.path()) { "places" } ", the "
                a href=(Directory::Topics.path()) { "topics" } " or the "
                a href=(Directory::Archive.path()) { "archive" } "."
            }
        }
        "\n" div #search {}
    };
    let mut layout =
        Layout::new(settings, "", format!("Search — {}", settings.title()), Section::Search);
    layout.description = format!("Search every article of {}.", settings.title());
    layout.canonical = Some(settings.url_of(layout::SEARCH_PATH));
    layout.head = html! {
        link rel="stylesheet" href="search/search.css"; "\n"
        script src="search/init.js" defer {} "\n"
    };
    layout.render(body)
}

/// `404.html`, which static hosts show for a missing file, at its address: its links start at
/// the site's absolute path.
pub(crate) fn not_found(settings: &Settings) -> String {
    let root = site_path(settings.base_url());
    let body = html! {
        "\n" h1 { "Page not found" }
        "\n" p { "There is no page at this address. The article may have been withdrawn, or the address mistyped." }
        "\n" p {
            "Read the " a href={ (root) (PageKind::Main.html_path()) } { "latest news" } " or browse the "
            a href={ (root) (Directory::Archive.path()) } { "archive" }
            @if settings.search() {
                ", or " a href={ (root) (layout::SEARCH_PATH) } { "search" } " for it"
            }
            "."
        }
    };
    let mut layout = Layout::new(
        settings,
        &root,
        format!("Page not found — {}", settings.title()),
        Section::None,
    );
    layout.head = html! { meta name="robots" content="noindex"; "\n" };
    layout.render(body)
}

/// The path of an absolute URL, ending in `/`: `https://example.com/news/` → `/news/`.
fn site_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(start) => {
            let path = &after_scheme[start..];
            let path = &path[..path.rfind('/').map_or(path.len(), |end| end + 1)];
            path.to_owned()
        }
        None => "/".to_owned(),
    }
}

/// An article's own page, in full.
pub(crate) fn article_page(
    settings: &Settings,
    topics: &Topics,
    article: &Article,
    neighbours: &Neighbours<'_>,
) -> String {
    let place = article.place().map(|place| {
        let stem = topics.places.get(place.name());
        (place.name(), stem)
    });
    let tags: Vec<(&str, Option<&String>)> =
        article.tags().iter().map(|tag| (tag.as_str(), topics.tags.get(tag.as_str()))).collect();
    let lang = article.language().unwrap_or(settings.language()).as_str();
    let body = match article.withdrawal() {
        Some(withdrawal) => html! {
            "\n" article.withdrawn {
                // Nothing of the text, not even its headline: a kill is often for legal reasons.
                "\n" h1 { "Article withdrawn" }
                (meta(article))
                "\n" p.withdrawal {
                    strong { "This article was withdrawn" } " on " (time(withdrawal.when(), false)) ": "
                    (withdrawal.reason())
                }
                "\n" p { "Its text is no longer published. Please do not use it." }
            }
        },
        None => html! {
        (Reserve(article.blocks().iter().map(|block| block.text().len() + 16).sum::<usize>() + 1024))
        "\n" article {
            @if let Some(urgency) = article.urgency() {
                "\n" p.urgency { (urgency.label()) }
            }
            "\n" h1 { (Text(article.headline().as_str())) }
            (meta(article))
            @if article.updated() != article.published() {
                "\n" p.meta { "Updated " (updated_time(article)) }
            }
            @for correction in article.corrections() {
                "\n" p.correction { strong { "Correction:" } " " (correction) }
            }
            @for note in article.other_notes() {
                "\n" p.note { (note.text()) }
            }
            @if let Some(image) = article.image() {
                "\n" figure {
                    img src=(page_image_src(settings, image)) alt=(image.alt());
                    @if image.caption().is_some() || image.credit().is_some() {
                        figcaption {
                            @if let Some(caption) = image.caption() { (caption) }
                            @if let Some(credit) = image.credit() {
                                @if image.caption().is_some() { " " }
                                span.credit { (credit) }
                            }
                        }
                    }
                }
            }
            @for block in article.blocks() {
                @match block {
                    Block::Subheading(text) => { "\n" h2 { (text) } }
                    Block::Break(_) => { "\n" hr; }
                    _ => { "\n" p { (Text(block.text())) } }
                }
            }
            @for credit in article.credits() {
                "\n" p.credit { (credit.text()) }
            }
            @if place.is_some() || !tags.is_empty() {
                "\n" p.topics {
                    @if let Some((name, stem)) = place {
                        "Filed in " (topic_link(name, stem))
                        @if !tags.is_empty() { ". " }
                    }
                    @if !tags.is_empty() {
                        "Topics: "
                        @for (index, (name, stem)) in tags.iter().enumerate() {
                            @if index > 0 { ", " }
                            (topic_link(name, *stem))
                        }
                    }
                }
            }
            @if let Some(link) = article.link() {
                "\n" p { a href=(link.as_str()) rel="external" { "Read the original" } }
            }
        }
        @if neighbours.earlier.is_some() || neighbours.later.is_some() {
            "\n" nav.pages aria-label="More articles" {
                "\n" ul {
                    @if let Some(key) = neighbours.earlier {
                        "\n" li { a href={ (key.as_str()) ".html" } rel="prev" { "Earlier article" } }
                    }
                    @if let Some(key) = neighbours.later {
                        "\n" li { a href={ (key.as_str()) ".html" } rel="next" { "Later article" } }
                    }
                }
            }
        }
        },
    };
    let withdrawn = article.withdrawal().is_some();
    let head = html! {
        @if withdrawn {
            meta name="robots" content="noindex"; "\n"
        } @else {
            meta property="article:published_time" content=(article.published().to_rfc3339()); "\n"
            meta property="article:modified_time" content=(article.updated().to_rfc3339()); "\n"
            @if let Some(place) = article.place() {
                meta property="article:section" content=(place.name()); "\n"
            }
            @for tag in article.tags() {
                meta property="article:tag" content=(tag.as_str()); "\n"
            }
            script type="application/ld+json" { (PreEscaped(news_article(settings, article))) } "\n"
        }
    };
    let title = match article.withdrawal() {
        Some(_) => format!("Article withdrawn — {}", settings.title()),
        None => format!("{} — {}", article.headline().as_str(), settings.title()),
    };
    let mut layout = Layout::new(settings, "../", title, Section::None);
    layout.lang = lang;
    layout.canonical = Some(article_url(settings, article));
    layout.kind = "article";
    if !withdrawn {
        layout.description = clip(
            Some(article.lede())
                .filter(|lede| !lede.is_empty())
                .unwrap_or(article.headline().as_str()),
            DESCRIPTION_CHARS,
        );
        layout.image = article.image().map(|image| crate::image_url(settings, image));
    }
    layout.head = head;
    layout.render(body)
}

/// `text` cut at a word to at most `chars` characters, with `…` when cut.
fn clip(text: &str, chars: usize) -> String {
    debug_assert!(chars > 0, "a clip keeps a character");
    // Where character `chars - 1` starts, when there is one after it: the text is counted only
    // as far as that (a lede may be long).
    let mut indices = text.char_indices();
    let Some((end, _)) = indices.nth(chars - 1) else { return text.to_owned() };
    if indices.next().is_none() {
        return text.to_owned();
    }
    let cut = &text[..end];
    let cut = match cut.rfind(char::is_whitespace) {
        Some(space) if space > end / 2 => &cut[..space],
        _ => cut,
    };
    [cut.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()), "…"].concat()
}

/// The schema.org `NewsArticle` of an article, as JSON that is safe inside a `<script>`.
fn news_article(settings: &Settings, article: &Article) -> String {
    /// A schema.org thing with a name: an organization, a person, a place.
    #[derive(serde::Serialize)]
    struct Named<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        name: &'a str,
    }
    /// The page an article is the main entity of.
    #[derive(serde::Serialize)]
    struct WebPage<'a> {
        #[serde(rename = "@id")]
        id: &'a str,
        #[serde(rename = "@type")]
        kind: &'static str,
    }
    /// The `NewsArticle`, its fields in the order of their names, as a map of them was written
    /// (`serde_json`'s maps are sorted), without building that map for every page.
    #[derive(serde::Serialize)]
    struct NewsArticle<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@type")]
        kind: &'static str,
        author: Vec<Named<'a>>,
        #[serde(rename = "dateModified")]
        date_modified: String,
        #[serde(rename = "datePublished")]
        date_published: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        headline: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        image: Option<[String; 1]>,
        #[serde(rename = "inLanguage")]
        in_language: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        keywords: Option<String>,
        #[serde(rename = "locationCreated", skip_serializing_if = "Option::is_none")]
        location_created: Option<Named<'a>>,
        #[serde(rename = "mainEntityOfPage")]
        main_entity_of_page: WebPage<'a>,
        publisher: Named<'a>,
        url: &'a str,
    }
    let url = article_url(settings, article);
    let publisher = article.agency().map_or(settings.author(), |agency| agency.as_str());
    let organization = |name| Named { kind: "Organization", name };
    let author = match article.authors() {
        [] => vec![organization(publisher)],
        authors => {
            authors.iter().map(|author| Named { kind: "Person", name: author.as_str() }).collect()
        }
    };
    let data = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        author,
        date_modified: article.updated().to_rfc3339(),
        date_published: article.published().to_rfc3339(),
        description: (!article.lede().is_empty()).then(|| clip(article.lede(), DESCRIPTION_CHARS)),
        headline: clip(article.headline().as_str(), 110),
        image: article.image().map(|image| [crate::image_url(settings, image)]),
        in_language: article.language().unwrap_or(settings.language()).as_str(),
        keywords: (!article.tags().is_empty())
            .then(|| article.tags().iter().map(|tag| tag.as_str()).collect::<Vec<_>>().join(", ")),
        location_created: article.place().map(|place| Named { kind: "Place", name: place.name() }),
        main_entity_of_page: WebPage { id: &url, kind: "WebPage" },
        publisher: organization(publisher),
        url: &url,
    };
    let json = serde_json::to_string(&data).expect("JSON of strings");
    // `<`, `>` and `&` only occur inside JSON strings, where their escapes mean the same.
    let mut escaped = String::with_capacity(json.len());
    let mut start = 0;
    for at in memchr::memchr3_iter(b'<', b'>', b'&', json.as_bytes()) {
        escaped.push_str(&json[start..at]);
        escaped.push_str(match json.as_bytes()[at] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        start = at + 1;
    }
    escaped.push_str(&json[start..]);
    escaped
}

/// A photo's address from an article's page: relative for a copy under `media/`, so that it
/// shows wherever the site is served.
fn page_image_src(settings: &Settings, image: &article::Image) -> String {
    match image.source() {
        article::ImageSource::Local(path) => format!("../{}", layout::photo_path(path)),
        article::ImageSource::Remote(_) => crate::image_url(settings, image),
    }
}

fn topic_link(name: &str, page: Option<&String>) -> Markup {
    html! {
        @match page {
            Some(path) => a href={ "../" (path) } { (name) },
            None => (name),
        }
    }
}

/// Articles as a list of headlines, each with its dateline facts and a summary that does not
/// repeat the headline.
fn article_list(root: &str, articles: &[Held<'_>]) -> Markup {
    html! {
        @if !articles.is_empty() {
            "\n" ol.articles {
                @for article in articles {
                    "\n" li {
                        "\n" article lang=[article.language().map(|language| language.as_str())] {
                            "\n" h2 { a href={ (root) (article_path(article)) } { (Text(article.headline().as_str())) } }
                            (meta(article))
                            @let summary = article.summary();
                            @if !summary.is_empty() {
                                "\n" p.summary { (Text(summary)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The publication time, place, agency and authors of an article, on one line.
fn meta(article: &Article) -> Markup {
    let place = article.place().map(|place| place.name());
    let agency = article.agency().map(|agency| agency.as_str());
    let authors: Vec<&str> = article.authors().iter().map(|author| author.as_str()).collect();
    let authors = (!authors.is_empty()).then(|| authors.join(", "));
    html! {
        "\n" p.meta {
            (time(article.published(), article.date_only()))
            @for fact in [place, agency, authors.as_deref()].into_iter().flatten() {
                " · " (fact)
            }
        }
    }
}

/// When an article was last updated, in the offset of its publication, so that the two read
/// alike; a day alone when that is all the copy gave.
fn updated_time(article: &Article) -> Markup {
    let updated = article.updated();
    if article.updated_date_only() {
        return day(updated.date_naive());
    }
    time(updated.with_timezone(article.published().offset()), false)
}

/// A `<time>` element: the exact instant for machines, a plain date and time for people, or
/// the date alone for an article dated with a day only.
fn time(instant: DateTime<FixedOffset>, date_only: bool) -> Markup {
    if date_only {
        return day(instant.date_naive());
    }
    html! {
        time datetime=(instant.to_rfc3339()) { (date_and_time(instant)) }
    }
}

/// A day as a `<time>` element.
fn day(date: NaiveDate) -> Markup {
    html! {
        time datetime=(iso_date(date)) { (long_date(date)) }
    }
}

/// The name of month `month0` (0 to 11), as chrono's `%B` writes it.
fn month_name(month0: u32) -> &'static str {
    let month = u8::try_from(month0 + 1).ok().and_then(|month| chrono::Month::try_from(month).ok());
    month.map_or("", |month| month.name())
}

// The dates of every list item and article page, written without chrono's parsing of a format
// string on each call (a twentieth of a full build's instructions). Years chrono writes
// otherwise than with four digits, and offsets with seconds, are left to it.

/// Appends `number` in decimal, with zeros before it up to `width` digits, as `{:0width$}`
/// formats a number below 10,000.
fn push_digits(out: &mut String, number: u32, width: usize) {
    let mut digits = [b'0'; 4];
    let mut left = number;
    let mut at = digits.len();
    while left > 0 || at == digits.len() {
        at -= 1;
        digits[at] = b'0' + (left % 10) as u8;
        left /= 10;
    }
    let start = at.min(digits.len() - width.min(digits.len()));
    out.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

/// `date.format("%Y-%m-%d")`.
fn iso_date(date: NaiveDate) -> String {
    if !(0..=9999).contains(&date.year()) {
        return date.format("%Y-%m-%d").to_string();
    }
    let mut out = String::with_capacity(10);
    push_digits(&mut out, date.year().unsigned_abs(), 4);
    out.push('-');
    push_digits(&mut out, date.month(), 2);
    out.push('-');
    push_digits(&mut out, date.day(), 2);
    out
}

/// Appends `date.format("%-d %B %Y")` for a year of four digits.
fn push_long_date(out: &mut String, date: NaiveDate) {
    push_digits(out, date.day(), 1);
    out.push(' ');
    out.push_str(month_name(date.month0()));
    out.push(' ');
    push_digits(out, date.year().unsigned_abs(), 4);
}

/// `date.format("%-d %B %Y")`.
fn long_date(date: NaiveDate) -> String {
    if !(0..=9999).contains(&date.year()) {
        return date.format("%-d %B %Y").to_string();
    }
    let mut out = String::with_capacity(20);
    push_long_date(&mut out, date);
    out
}

/// `instant.format("%-d %B %Y, %H:%M (UTC%:z)")`.
fn date_and_time(instant: DateTime<FixedOffset>) -> String {
    let offset = instant.offset().local_minus_utc();
    if !(0..=9999).contains(&instant.year()) || offset % 60 != 0 {
        return instant.format("%-d %B %Y, %H:%M (UTC%:z)").to_string();
    }
    let (sign, minutes) = if offset < 0 { ('-', -offset / 60) } else { ('+', offset / 60) };
    let minutes = minutes.unsigned_abs();
    let mut out = String::with_capacity(40);
    push_long_date(&mut out, instant.date_naive());
    out.push_str(", ");
    push_digits(&mut out, instant.hour(), 2);
    out.push(':');
    push_digits(&mut out, instant.minute(), 2);
    out.push_str(" (UTC");
    out.push(sign);
    push_digits(&mut out, minutes / 60, 2);
    out.push(':');
    push_digits(&mut out, minutes % 60, 2);
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use maud::{Render as _, html};
    use proptest::prelude::*;

    use super::{DESCRIPTION_CHARS, Text, clip};
    use crate::{Settings, article_url};

    /// The JSON-LD as it was written before [`super::news_article`] serialized a struct: a
    /// `serde_json` map, and three replaces.
    fn news_article_by_map(settings: &Settings, article: &article::Article) -> String {
        let url = article_url(settings, article);
        let publisher = article.agency().map_or(settings.author(), |agency| agency.as_str());
        let organization =
            |name: &str| serde_json::json!({ "@type": "Organization", "name": name });
        let authors: Vec<serde_json::Value> = match article.authors() {
            [] => vec![organization(publisher)],
            authors => authors
                .iter()
                .map(|author| serde_json::json!({ "@type": "Person", "name": author.as_str() }))
                .collect(),
        };
        let mut data = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": clip(article.headline().as_str(), 110),
            "datePublished": article.published().to_rfc3339(),
            "dateModified": article.updated().to_rfc3339(),
            "author": authors,
            "publisher": organization(publisher),
            "inLanguage": article.language().unwrap_or(settings.language()).as_str(),
            "mainEntityOfPage": { "@type": "WebPage", "@id": url },
            "url": url,
        });
        let object = data.as_object_mut().expect("an object");
        if let Some(place) = article.place() {
            object.insert(
                "locationCreated".to_owned(),
                serde_json::json!({ "@type": "Place", "name": place.name() }),
            );
        }
        if !article.lede().is_empty() {
            object.insert("description".to_owned(), clip(article.lede(), DESCRIPTION_CHARS).into());
        }
        if let Some(image) = article.image() {
            object.insert("image".to_owned(), vec![crate::image_url(settings, image)].into());
        }
        if !article.tags().is_empty() {
            let keywords: Vec<&str> = article.tags().iter().map(|tag| tag.as_str()).collect();
            object.insert("keywords".to_owned(), keywords.join(", ").into());
        }
        serde_json::to_string(&data)
            .expect("JSON of strings")
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    #[test]
    fn the_json_ld_is_the_map_it_was() {
        let settings = Settings::from_toml("").unwrap();
        let options = settings.parse_options();
        let key = article::ArticleKey::new("a").unwrap();
        let mut covered = Vec::new();
        // The test articles of the repository: every field of the format, and hostile text.
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
        let mut seeds: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .map(|entry| entry.unwrap().path().join("seed.txt"))
            .filter(|path| path.is_file())
            .collect();
        seeds.sort();
        for path in seeds {
            let wire = std::fs::read_to_string(&path).unwrap();
            let Ok(parsed) = article::parse(&key, wire.as_bytes(), &options) else { continue };
            let article = parsed.article;
            covered.push((
                !article.authors().is_empty(),
                !article.tags().is_empty(),
                article.image().is_some(),
                article.place().is_some(),
            ));
            assert_eq!(
                super::news_article(&settings, &article),
                news_article_by_map(&settings, &article),
                "{}",
                path.display()
            );
        }
        // Authors, tags, a photo and a place were each in some article, and each missing.
        for field in 0..4 {
            let has = |row: &(bool, bool, bool, bool)| [row.0, row.1, row.2, row.3][field];
            assert!(covered.iter().any(has) && !covered.iter().all(has), "{covered:?}");
        }
    }

    proptest! {
        /// A clip counts the text only as far as it keeps, and says what counting it all said.
        #[test]
        fn clips_are_as_they_were(text in "[a-z .,;!é中\u{2003}]{0,40}", chars in 1usize..30) {
            let was = if text.chars().count() <= chars {
                text.clone()
            } else {
                let end = text.char_indices().nth(chars - 1).map_or(text.len(), |(at, _)| at);
                let cut = &text[..end];
                let cut = match cut.rfind(char::is_whitespace) {
                    Some(space) if space > end / 2 => &cut[..space],
                    _ => cut,
                };
                format!(
                    "{}…",
                    cut.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
                )
            };
            prop_assert_eq!(clip(&text, chars), was);
        }

        /// Dates and times are written as chrono writes them from the format strings.
        #[test]
        fn dates_are_written_as_chrono_formats_them(
            days in -1_000_000i32..4_000_000,
            seconds in 0u32..86_400,
            offset in -86_399i32..86_400,
            whole_minutes in any::<bool>(),
        ) {
            let offset = if whole_minutes { offset / 60 * 60 } else { offset };
            let date = chrono::NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            prop_assert_eq!(super::iso_date(date), date.format("%Y-%m-%d").to_string());
            prop_assert_eq!(super::long_date(date), date.format("%-d %B %Y").to_string());
            let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).unwrap();
            let offset = chrono::FixedOffset::east_opt(offset).unwrap();
            let instant = date.and_time(time).and_local_timezone(offset).single().unwrap();
            prop_assert_eq!(
                super::date_and_time(instant),
                instant.format("%-d %B %Y, %H:%M (UTC%:z)").to_string()
            );
        }

        /// Text escapes as `maud` escapes a string, in text and in attribute values.
        #[test]
        fn text_is_escaped_as_maud_escapes_it(text in "[a&<>\"'é€\n ]{0,200}|.{0,200}") {
            prop_assert_eq!(Text(&text).render().into_string(), html! { (text) }.into_string());
            prop_assert_eq!(
                html! { p title=(Text(&text)) { (Text(&text)) } }.into_string(),
                html! { p title=(text) { (text) } }.into_string()
            );
        }
    }
}
