//! RSS 2.0: `rss_channel` builds an `rss::Channel` from articles and settings.
//!
//! Every field of `rss::Channel` and `rss::Item` is set on purpose, because the crate's defaults
//! are traps: `rss::Guid` is a permalink unless told otherwise, and an empty string is written
//! as an empty element. Names go in `dc:creator`, never in `<author>`, which RSS reserves for an
//! e-mail address.

use std::{collections::BTreeMap, io::Write};

use article::Article;
use rss::extension::Extension;

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
    let page = page::main_page(settings, &entries, &page::sorted(settings, &entries));
    let photos = crate::Photos::new();
    let items =
        page.articles.iter().map(|&index| rss_item(settings, &photos, &articles[index])).collect();
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
        Ok(rss_item(settings, shelf.photos, &*shelf.article(index)?))
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
    let (extensions, mut namespaces) = if page.archive() {
        archive_marker!(rss::extension)
    } else {
        (BTreeMap::new(), BTreeMap::new())
    };
    // Declared on every channel, as readers expect it on the root, though only items with a
    // photo use it.
    namespaces.insert("media".to_owned(), MEDIA_NS.to_owned());
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

/// The namespace of Media RSS.
const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// An extension element with text and attributes.
fn element(
    name: &str,
    value: Option<&str>,
    attrs: &[(&str, &str)],
    children: Vec<(&str, Extension)>,
) -> Extension {
    let mut grouped: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    for (name, child) in children {
        grouped.entry(name.to_owned()).or_default().push(child);
    }
    Extension {
        name: name.to_owned(),
        value: value.map(str::to_owned),
        attrs: attrs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        children: grouped,
    }
}

/// An item's extensions: `atom:updated` when the article was corrected, so that readers that
/// know it show the update (RSS has no element for it), and the photo as Media RSS
/// `media:content` with its caption and credit.
fn item_extensions(settings: &Settings, article: &Article) -> rss::extension::ExtensionMap {
    let mut extensions = rss::extension::ExtensionMap::new();
    if article.updated() != article.published() {
        let updated =
            element("atom:updated", Some(&article.updated().to_rfc3339()), &[], Vec::new());
        extensions
            .entry("atom".to_owned())
            .or_default()
            .insert("updated".to_owned(), vec![updated]);
    }
    if let Some(image) = article.image() {
        let mut children = Vec::new();
        if let Some(caption) = image.caption() {
            let description =
                element("media:description", Some(caption), &[("type", "plain")], Vec::new());
            children.push(("description", description));
        }
        if let Some(credit) = image.credit() {
            children.push(("credit", element("media:credit", Some(credit), &[], Vec::new())));
        }
        let url = crate::image_url(settings, image);
        let mut attrs = vec![("url", url.as_str()), ("medium", "image")];
        if let Some(media_type) = image.media_type() {
            attrs.push(("type", media_type));
        }
        let content = element("media:content", None, &attrs, children);
        extensions
            .entry("media".to_owned())
            .or_default()
            .insert("content".to_owned(), vec![content]);
    }
    extensions
}

fn rss_item(settings: &Settings, photos: &crate::Photos, article: &Article) -> rss::Item {
    let lede = article.lede();
    let urgency = article.urgency().map(|urgency| rss::Category {
        name: urgency.label().to_owned(),
        domain: Some(format!("{}urgency", settings.id_prefix())),
    });
    // RSS requires a length; a photo elsewhere has one we do not know, which RSS Best Practices
    // say to give as 0.
    let enclosure = article.image().and_then(|image| {
        Some(rss::Enclosure {
            url: crate::image_url(settings, image),
            length: crate::image_length(photos, image).unwrap_or(0).to_string(),
            mime_type: image.media_type()?.to_owned(),
        })
    });
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
        categories: urgency
            .into_iter()
            .chain(
                category_names(article)
                    .into_iter()
                    .map(|name| rss::Category { name: name.to_owned(), domain: None }),
            )
            .collect(),
        comments: None,
        enclosure,
        guid: Some(rss::Guid { value: entry_id(settings, article), permalink: false }),
        pub_date: Some(article.published().to_rfc2822()),
        source: None,
        content: Some(html::article_html(article)),
        extensions: item_extensions(settings, article),
        atom_ext: None,
        itunes_ext: None,
        dublin_core_ext: Some(dublin_core),
    }
}
