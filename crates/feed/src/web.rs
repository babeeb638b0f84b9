//! The HTML face of the site: pages for people who open a feed's address in a browser.
//!
//! `index.html` (the newest articles and how to subscribe), one page per article
//! (`articles/<key>.html`, the link every feed gives for it) and one per archive page, place and
//! tag, each the twin of the feed of the same stem. Every page announces its feeds with
//! autodiscovery links, needs no JavaScript and links only relatively inside the site, so it
//! works from any host and from `cargo xtask serve`.
//!
//! Markup is written with `maud`, which escapes every value it is given: article text reaches
//! the page as text, never as markup, and no escaping is done by hand here.

use std::collections::BTreeMap;

use article::{Article, Block};
use chrono::{DateTime, FixedOffset};
use maud::{DOCTYPE, Markup, html};

use crate::{
    GENERATOR, Held, Settings, VERSION, WriteError, article_path, article_url,
    layout::{self, Archive, Format, JSON_FEED_TYPE, OPML_TYPE, PageKind},
    page::Page,
    site::Shelf,
};

/// The site's one stylesheet, written as `style.css`.
pub(crate) const STYLESHEET: &str = include_str!("style.css");

/// The HTML pages of places and tags by name, so an article page can link to them.
#[derive(Debug, Default)]
pub(crate) struct Topics {
    places: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
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
}

/// The site's own feeds, most useful first: readers that find several take the first.
fn main_feeds() -> Vec<Feed> {
    vec![
        Feed {
            label: Format::Atom.label(),
            media_type: Format::Atom.media_type(),
            path: PageKind::Main.feed_path(Format::Atom),
        },
        Feed {
            label: Format::Rss.label(),
            media_type: Format::Rss.media_type(),
            path: PageKind::Main.feed_path(Format::Rss),
        },
        Feed {
            label: "JSON Feed",
            media_type: JSON_FEED_TYPE,
            path: layout::JSON_FEED_PATH.to_owned(),
        },
    ]
}

/// The feeds of one page (an archive month, place or tag).
fn page_feeds(page: &Page) -> Vec<Feed> {
    Format::ALL
        .into_iter()
        .map(|format| Feed {
            label: format.label(),
            media_type: format.media_type(),
            path: page.path(format),
        })
        .collect()
}

/// What every page shares: the head with its autodiscovery links, the site header and footer.
struct Layout<'a> {
    settings: &'a Settings,
    /// From the page to the output directory: `""` or `"../"`.
    root: &'static str,
    title: String,
    /// Absolute.
    canonical: String,
    /// The page's own feeds, announced before the site's.
    feeds: Vec<Feed>,
    /// More of the head: an article's photo for link previews, a withdrawn article's `noindex`.
    head: Markup,
}

impl Layout<'_> {
    fn render(self, main: Markup) -> String {
        let Layout { settings, root, title, canonical, feeds, head } = self;
        let site_feeds = main_feeds();
        let announced = feeds.iter().chain(&site_feeds);
        html! {
            (DOCTYPE) "\n"
            html lang=(settings.language().as_str()) {
                head {
                    "\n"
                    meta charset="utf-8"; "\n"
                    meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                    title { (title) } "\n"
                    meta name="description" content=(settings.description()); "\n"
                    meta name="generator" content={ (GENERATOR) " " (VERSION) }; "\n"
                    link rel="canonical" href=(canonical); "\n"
                    link rel="stylesheet" href={ (root) (layout::STYLESHEET_PATH) }; "\n"
                    (head)
                    @for feed in announced {
                        link rel="alternate" type=(feed.media_type)
                            href={ (root) (feed.path) } title={ (settings.title()) " (" (feed.label) ")" }; "\n"
                    }
                }
                "\n"
                body {
                    "\n"
                    header {
                        a.site href={ (root) (PageKind::Main.html_path()) } { (settings.title()) }
                    }
                    "\n"
                    main { (main) }
                    "\n"
                    footer {
                        p {
                            "Subscribe: "
                            @for (index, feed) in site_feeds.iter().enumerate() {
                                @if index > 0 { " · " }
                                a href={ (root) (feed.path) } type=(feed.media_type) { (feed.label) }
                            }
                            " · "
                            a href={ (root) (layout::OPML_PATH) } type=(OPML_TYPE) { "OPML" }
                        }
                    }
                    "\n"
                }
            }
        }
        .into_string()
    }
}

/// `index.html`: the newest articles, how to subscribe, and the way to every other page.
pub(crate) fn index(
    settings: &Settings,
    shelf: &Shelf<'_>,
    main: &Page,
    pages: &[Page],
) -> Result<String, WriteError> {
    let latest = shelf.articles(&main.articles)?;
    let mut lists: [(&str, &str, Vec<&Page>); 3] = [
        ("places", "Places", Vec::new()),
        ("tags", "Topics", Vec::new()),
        ("archive", "Archive", Vec::new()),
    ];
    for page in pages {
        let list = match page.kind {
            PageKind::Main => continue,
            PageKind::Place(_) => &mut lists[0].2,
            PageKind::Tag(_) => &mut lists[1].2,
            PageKind::Archive(_) => &mut lists[2].2,
        };
        list.push(page);
    }
    // The newest archive page first, as people read an archive.
    lists[2].2.reverse();
    let subscribe = main_feeds().into_iter().chain([Feed {
        label: "OPML",
        media_type: OPML_TYPE,
        path: layout::OPML_PATH.to_owned(),
    }]);
    let body = html! {
        "\n" h1 { (settings.title()) }
        "\n" p.lede { (settings.description()) }
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
        "\n" section aria-labelledby="latest-heading" {
            "\n" h2 #latest-heading { "Latest articles" }
            (article_list("", &latest, 3))
        }
        @for (directory, heading, list) in &lists {
            @if !list.is_empty() {
                "\n" section aria-labelledby={ (directory) "-heading" } {
                    "\n" h2 id={ (directory) "-heading" } { (heading) }
                    "\n" ul.topics {
                        @for page in list {
                            "\n" li { a href=(page.html_path()) { (page.name) } " (" (page.articles.len()) ")" }
                        }
                    }
                }
            }
        }
    };
    Ok(Layout {
        settings,
        root: "",
        title: settings.title().to_owned(),
        canonical: settings.base_url().to_owned(),
        feeds: Vec::new(),
        head: html! {},
    }
    .render(body))
}

/// The page of an archive (a month, a day or part of one), place or tag: its articles and its
/// own feeds.
pub(crate) fn list_page(
    settings: &Settings,
    shelf: &Shelf<'_>,
    page: &Page,
) -> Result<String, WriteError> {
    let articles = shelf.articles(&page.articles)?;
    let what = match page.kind {
        PageKind::Archive(_) => "Articles published in",
        PageKind::Place(_) => "Articles filed in",
        PageKind::Main | PageKind::Tag(_) => "Articles on",
    };
    let neighbours: Vec<(&str, String)> = page
        .links
        .iter()
        .filter_map(|(rel, kind)| {
            // A month's neighbour is a month, or a day (or part of one) of a month too big for
            // one page; the labels say which only when it is a month.
            let month = matches!(kind.as_archive(), Some(Archive::Month { .. }));
            let label = match (*rel, month) {
                ("prev-archive", true) => "Earlier month",
                ("prev-archive", false) => "Earlier",
                ("next-archive", true) => "Later month",
                ("next-archive", false) => "Later",
                _ => return None,
            };
            Some((label, kind.html_path()))
        })
        .collect();
    let feeds = page_feeds(page);
    let body = html! {
        "\n" h1 { (page.name) }
        "\n" p.lede { (what) " " (page.name) ": " (page.articles.len()) }
        "\n" p.feeds {
            "This page as a feed: "
            @for (index, feed) in feeds.iter().enumerate() {
                @if index > 0 { " · " }
                a href={ "../" (feed.path) } type=(feed.media_type) { (feed.label) }
            }
        }
        @if !neighbours.is_empty() {
            "\n" nav aria-label="Archive" {
                "\n" ul.topics {
                    @for (label, path) in &neighbours {
                        "\n" li { a href={ "../" (path) } { (label) } }
                    }
                }
            }
        }
        (article_list("../", &articles, 2))
    };
    Ok(Layout {
        settings,
        root: "../",
        title: page.title.clone(),
        canonical: page.html_url(settings),
        feeds,
        head: html! {},
    }
    .render(body))
}

/// An article's own page, in full.
pub(crate) fn article_page(settings: &Settings, topics: &Topics, article: &Article) -> String {
    let place = article.place().map(|place| {
        let stem = topics.places.get(place.name());
        (place.name(), stem)
    });
    let tags: Vec<(&str, Option<&String>)> =
        article.tags().iter().map(|tag| (tag.as_str(), topics.tags.get(tag.as_str()))).collect();
    let language = article.language().map(|language| language.as_str());
    let body = match article.withdrawal() {
        Some(withdrawal) => html! {
            "\n" article.withdrawn lang=[language] {
                // Nothing of the text, not even its headline: a kill is often for legal reasons.
                "\n" h1 { "Article withdrawn" }
                (meta(article))
                "\n" p.withdrawal {
                    strong { "This article was withdrawn" } " on " (time(withdrawal.when())) ": "
                    (withdrawal.reason())
                }
                "\n" p { "Its text is no longer published. Please do not use it." }
            }
        },
        None => html! {
        "\n" article lang=[language] {
            @if let Some(urgency) = article.urgency() {
                "\n" p.urgency { (urgency.label()) }
            }
            "\n" h1 { (article.headline().as_str()) }
            (meta(article))
            @if article.updated() != article.published() {
                "\n" p.meta { "Updated " (time(article.updated())) }
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
                    _ => { "\n" p { (block.text()) } }
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
        },
    };
    let head = html! {
        @if article.withdrawal().is_some() {
            meta name="robots" content="noindex"; "\n"
        } @else if let Some(image) = article.image() {
            meta property="og:image" content=(crate::image_url(settings, image)); "\n"
        }
    };
    Layout {
        settings,
        root: "../",
        title: match article.withdrawal() {
            Some(_) => format!("Article withdrawn — {}", settings.title()),
            None => format!("{} — {}", article.headline().as_str(), settings.title()),
        },
        canonical: article_url(settings, article),
        feeds: Vec::new(),
        head,
    }
    .render(body)
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

/// Articles as a list of headlines with their dateline facts and lede; `level` is the heading
/// level of each headline under the list's own heading.
fn article_list(root: &str, articles: &[Held<'_>], level: u8) -> Markup {
    html! {
        @if articles.is_empty() {
            "\n" p { "No articles yet." }
        } @else {
            "\n" ol.articles {
                @for article in articles {
                    "\n" li {
                        "\n" article lang=[article.language().map(|language| language.as_str())] {
                            @let link = html! { a href={ (root) (article_path(article)) } { (article.headline().as_str()) } };
                            "\n"
                            @if level == 2 { h2 { (link) } } @else { h3 { (link) } }
                            (meta(article))
                            @if !article.lede().is_empty() {
                                "\n" p { (article.lede()) }
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
            (time(article.published()))
            @for fact in [place, agency, authors.as_deref()].into_iter().flatten() {
                " · " (fact)
            }
        }
    }
}

/// A `<time>` element: the exact instant for machines, a plain date and time for people.
fn time(instant: DateTime<FixedOffset>) -> Markup {
    html! {
        time datetime=(instant.to_rfc3339()) {
            (instant.format("%-d %B %Y, %H:%M (UTC%:z)").to_string())
        }
    }
}
