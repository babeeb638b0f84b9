//! RSS 2.0: `rss_channel` builds an `rss::Channel` from articles and settings.
//!
//! Every field of `rss::Channel` and `rss::Item` is set on purpose, because the crate's defaults
//! are traps: `rss::Guid` is a permalink unless told otherwise, and an empty string is written
//! as an empty element. Names go in `dc:creator`, never in `<author>`, which RSS reserves for an
//! e-mail address.

use std::{collections::BTreeMap, io::Write};

use article::Article;

use crate::{
    GENERATOR, Settings, VERSION, WriteError, article_url, bylines, category_names, entry_id, html,
    hub_link,
    layout::Format,
    page::{self, Page},
    page_links,
    site::Shelf,
    splice::{self, Chunk},
    write::write_rss,
};

/// The RSS 2.0 main channel: the newest articles, linked to the newest archive page.
///
/// ```
/// let settings = feed::Settings::defaults();
/// let channel = feed::rss_channel(&settings, &[]);
/// assert_eq!(channel.title(), "wirefeed");
/// assert!(channel.items().is_empty());
/// ```
pub fn rss_channel(settings: &Settings, articles: &[Article]) -> rss::Channel {
    let entries = crate::entry::entries(articles);
    let page = page::main_page(settings, &entries, &page::sorted(&entries));
    let items = page.articles.iter().map(|&index| rss_item(settings, &articles[index])).collect();
    rss_shell(settings, &entries, &page, items)
}

/// Writes a page as RSS, item by item, holding one item at a time: the same bytes as
/// `write_rss(&rss_page(settings, page))`.
pub(crate) fn write_rss_page(
    settings: &Settings,
    shelf: &Shelf<'_>,
    page: &Page,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let mut items = page.articles.iter().map(|&index| -> Result<rss::Item, WriteError> {
        Ok(rss_item(settings, &*shelf.article(index)?))
    });
    let Some(first) = items.next() else {
        return splice::all(
            out,
            &write_rss(&rss_shell(settings, shelf.entries, page, Vec::new()))?,
        );
    };
    let first = first?;
    let first_chunk = item_chunk(first.clone())?;
    let document = write_rss(&rss_shell(settings, shelf.entries, page, vec![first]))?;
    splice::splice(out, &document, first_chunk.as_bytes(), items.map(|item| item_chunk(item?)))
}

/// The bytes of one item as `write_rss` writes it inside a channel, indentation included.
fn item_chunk(item: rss::Item) -> Result<Chunk, WriteError> {
    let carrier = rss::Channel { items: vec![item], ..Default::default() };
    Chunk::of(write_rss(&carrier)?, "item")
}

/// The channel of a page around the given items.
fn rss_shell(
    settings: &Settings,
    entries: &[crate::Entry],
    page: &Page,
    items: Vec<rss::Item>,
) -> rss::Channel {
    let mut links = page_links(settings, page, Format::Rss);
    links.extend(hub_link(settings, page));
    let (extensions, namespaces) = if page.archive() {
        archive_marker!(rss::extension)
    } else {
        (BTreeMap::new(), BTreeMap::new())
    };
    rss::Channel {
        title: page.title.clone(),
        link: page.html_url(settings),
        description: settings.description().to_owned(),
        language: Some(settings.language().to_string()),
        copyright: None,
        managing_editor: None,
        webmaster: None,
        pub_date: page.published(entries).map(|date| date.to_rfc2822()),
        last_build_date: Some(page.updated.to_rfc2822()),
        categories: Vec::new(),
        generator: Some(format!("{GENERATOR} {VERSION}")),
        docs: Some("https://www.rssboard.org/rss-specification".to_owned()),
        cloud: None,
        rating: None,
        ttl: None,
        image: None,
        text_input: None,
        skip_hours: Vec::new(),
        skip_days: Vec::new(),
        items,
        extensions,
        atom_ext: Some(rss::extension::atom::AtomExtension { links }),
        itunes_ext: None,
        dublin_core_ext: None,
        syndication_ext: None,
        namespaces,
    }
}

fn rss_item(settings: &Settings, article: &Article) -> rss::Item {
    let lede = article.lede();
    let dublin_core = rss::extension::dublincore::DublinCoreExtension {
        creators: bylines(settings, article).into_iter().map(str::to_owned).collect(),
        languages: article.language().map(|language| language.to_string()).into_iter().collect(),
        ..Default::default()
    };
    rss::Item {
        title: Some(article.headline().to_string()),
        link: Some(article_url(settings, article)),
        // RSS readers render `description` as HTML, so plain text is escaped to stay text.
        description: (!lede.is_empty()).then(|| html::text_html(lede)),
        author: None,
        categories: category_names(article)
            .into_iter()
            .map(|name| rss::Category { name: name.to_owned(), domain: None })
            .collect(),
        comments: None,
        enclosure: None,
        guid: Some(rss::Guid { value: entry_id(settings, article), permalink: false }),
        pub_date: Some(article.published().to_rfc2822()),
        source: None,
        content: Some(html::article_html(article)),
        extensions: BTreeMap::new(),
        atom_ext: None,
        itunes_ext: None,
        dublin_core_ext: Some(dublin_core),
    }
}
