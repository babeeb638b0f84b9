//! Atom 1.0 (RFC 4287): `atom_feed` builds an `atom::Feed` from articles and settings.
//!
//! Every field of `atom::Feed` and `atom::Entry` is set on purpose: in particular `updated`,
//! which `atom_syndication` would otherwise date at the 1970 epoch. The place is a category with
//! a scheme and a label, so readers can tell it from a topic.

use std::{collections::BTreeMap, io::Write};

use article::Article;
use atom_syndication as atom;

use chrono::{DateTime, FixedOffset};

use crate::{
    GENERATOR, Settings, VERSION, WriteError, article_url, atom_link, bylines, entry_id, html,
    hub_link,
    layout::Format,
    page::{self, Page},
    page_links,
    site::Shelf,
    splice::{self, Chunk},
    write::write_atom,
};

/// The Atom 1.0 main feed: the newest articles, linked to the newest archive page.
///
/// ```
/// let settings = feed::Settings::defaults();
/// let feed = feed::atom_feed(&settings, &[]);
/// assert_eq!(feed.id(), "tag:wirefeed.example,2022:feeds/main");
/// ```
pub fn atom_feed(settings: &Settings, articles: &[Article]) -> atom::Feed {
    let planned = crate::entry::entries(articles);
    let page = page::main_page(settings, &planned, &page::sorted(settings, &planned));
    let entries = page
        .articles
        .iter()
        .zip(&page.entries_updated)
        .map(|(&index, updated)| atom_entry(settings, &articles[index], *updated))
        .collect();
    let tombstones =
        page.tombstones.iter().map(|&index| tombstone(settings, &articles[index])).collect();
    atom_shell(settings, &planned, &page, entries, tombstones)
}

/// Writes a page as Atom, entry by entry, holding one entry at a time: the same bytes as
/// `write_atom(&atom_page(settings, page))`.
pub(crate) fn write_atom_page(
    settings: &Settings,
    shelf: &Shelf<'_>,
    page: &Page,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let tombstones = page
        .tombstones
        .iter()
        .map(|&index| Ok(tombstone(settings, &*shelf.article(index)?)))
        .collect::<Result<Vec<_>, WriteError>>()?;
    let mut entries = page.articles.iter().zip(&page.entries_updated);
    let Some((&first, first_updated)) = entries.next() else {
        let shell = atom_shell(settings, shelf.entries, page, Vec::new(), tombstones);
        return splice::all(out, &write_atom(&shell)?);
    };
    let first = shelf.article(first)?;
    let first_chunk = entry_chunk(settings, &first, *first_updated)?;
    let entry = atom_entry(settings, &first, *first_updated);
    drop(first);
    let document = write_atom(&atom_shell(settings, shelf.entries, page, vec![entry], tombstones))?;
    let rest =
        entries.map(|(&index, updated)| entry_chunk(settings, &*shelf.article(index)?, *updated));
    splice::splice(out, &document, first_chunk.as_bytes(), rest)
}

/// The bytes of one entry as `write_atom` writes it inside a feed, indentation included.
///
/// The entry is written with empty content, and its content — the article's HTML, escaped as
/// XML text — is put in place in one pass over the article's text, instead of building the HTML
/// and having the XML writer escape it again. The property tests hold the result equal to what
/// `atom_syndication` writes.
fn entry_chunk(
    settings: &Settings,
    article: &Article,
    updated: DateTime<FixedOffset>,
) -> Result<Chunk, WriteError> {
    let mut entry = atom_entry_without_content(settings, article, updated);
    entry.content.as_mut().expect("every entry has content").value = Some(String::new());
    let carrier = atom::Feed { entries: vec![entry], ..Default::default() };
    let document = write_atom(&carrier)?;
    let chunk = &document[splice::element(&document, "entry")?];
    let at = splice::empty_element_text(chunk, "content")?;
    let mut bytes = Vec::with_capacity(chunk.len() + 2 * article_length(article));
    bytes.extend_from_slice(&chunk[..at]);
    html::push_article_html_as_xml(&mut bytes, article);
    bytes.extend_from_slice(&chunk[at..]);
    Ok(Chunk::whole(bytes))
}

fn article_length(article: &Article) -> usize {
    article.blocks().iter().map(|block| block.text().len() + 10).sum()
}

/// The namespace of RFC 6721 tombstones.
const TOMBSTONES_NS: &str = "http://purl.org/atompub/tombstones/1.0";

/// An RFC 6721 tombstone for a withdrawn article: `<at:deleted-entry ref="ID" when="TIME">` with
/// the reason as `<at:comment>`, so that a reader that already has the entry can remove it.
fn tombstone(settings: &Settings, article: &Article) -> atom::extension::Extension {
    use atom::extension::Extension;
    let when = article.withdrawal().map_or(article.updated(), |withdrawal| withdrawal.when());
    let comment = article.withdrawal().map(|withdrawal| Extension {
        name: "at:comment".to_owned(),
        value: Some(withdrawal.reason().to_owned()),
        attrs: (article.language().map(|tag| ("xml:lang".to_owned(), tag.to_string())))
            .into_iter()
            .collect(),
        children: BTreeMap::new(),
    });
    Extension {
        name: "at:deleted-entry".to_owned(),
        value: None,
        attrs: BTreeMap::from([
            ("ref".to_owned(), entry_id(settings, article)),
            ("when".to_owned(), when.to_rfc3339()),
        ]),
        children: comment
            .map(|comment| BTreeMap::from([("comment".to_owned(), vec![comment])]))
            .unwrap_or_default(),
    }
}

/// The feed of a page around the given entries and tombstones.
fn atom_shell(
    settings: &Settings,
    planned: &[crate::Entry],
    page: &Page,
    entries: Vec<atom::Entry>,
    tombstones: Vec<atom::extension::Extension>,
) -> atom::Feed {
    let mut links = page_links(settings, page, Format::Atom);
    links.push(link(page.html_url(settings), "alternate", "text/html"));
    links.extend(hub_link(settings, page));
    let (mut extensions, mut namespaces) = if page.archive() {
        archive_marker!(atom::extension)
    } else {
        (BTreeMap::new(), BTreeMap::new())
    };
    if !tombstones.is_empty() {
        extensions
            .insert("at".to_owned(), BTreeMap::from([("deleted-entry".to_owned(), tombstones)]));
        namespaces.insert("at".to_owned(), TOMBSTONES_NS.to_owned());
    }
    atom::Feed {
        title: plain_text(&page.title, None),
        id: page.id.clone(),
        updated: page.atom_updated(planned),
        authors: vec![person(settings.author())],
        categories: Vec::new(),
        contributors: Vec::new(),
        generator: Some(atom::Generator {
            value: GENERATOR.to_owned(),
            uri: None,
            version: Some(VERSION.to_owned()),
        }),
        icon: None,
        links,
        logo: None,
        rights: None,
        subtitle: Some(plain_text(settings.description(), None)),
        entries,
        extensions,
        namespaces,
        base: None,
        lang: Some(settings.language().to_string()),
    }
}

fn atom_entry(
    settings: &Settings,
    article: &Article,
    updated: DateTime<FixedOffset>,
) -> atom::Entry {
    let mut entry = atom_entry_without_content(settings, article, updated);
    entry.content.as_mut().expect("every entry has content").value =
        Some(html::article_html(article));
    entry
}

/// An entry with everything but the value of its content.
fn atom_entry_without_content(
    settings: &Settings,
    article: &Article,
    updated: DateTime<FixedOffset>,
) -> atom::Entry {
    let language = article.language().map(|language| language.to_string());
    let lede = article.lede();
    let place = article.place().map(|place| atom::Category {
        term: place.name().to_owned(),
        scheme: Some(format!("{}place", settings.id_prefix())),
        label: Some(place.name().to_owned()),
    });
    let tags = article.tags().iter().map(|tag| atom::Category {
        term: tag.to_string(),
        scheme: None,
        label: None,
    });
    let urgency = article.urgency().map(|urgency| atom::Category {
        term: urgency.keyword().to_owned(),
        scheme: Some(format!("{}urgency", settings.id_prefix())),
        label: Some(urgency.label().to_owned()),
    });
    let mut links = vec![link(article_url(settings, article), "alternate", "text/html")];
    if let Some(image) = article.image() {
        links.push(atom_link(crate::image_url(settings, image), "enclosure", image.media_type()));
    }
    atom::Entry {
        title: plain_text(article.headline().as_str(), language.clone()),
        id: entry_id(settings, article),
        updated,
        authors: bylines(settings, article).into_iter().map(person).collect(),
        categories: urgency.into_iter().chain(place).chain(tags).collect(),
        contributors: Vec::new(),
        links,
        published: Some(article.published()),
        rights: None,
        source: None,
        summary: (!lede.is_empty()).then(|| plain_text(lede, language.clone())),
        content: Some(atom::Content {
            base: None,
            lang: language,
            value: None,
            src: None,
            content_type: Some("html".to_owned()),
        }),
        extensions: BTreeMap::new(),
        namespaces: BTreeMap::new(),
    }
}

/// An Atom text construct that readers show as exactly `value`: always `type="text"`.
///
/// Text holding `<` or `&` is still text. Sent as escaped HTML (`type="html"`), it was shown
/// right by 9 of the 19 consumers we tried; as text, by 17 (the other two take any title for
/// markup). The price is the W3C validator's warning on a title that holds an HTML end tag such
/// as `</script>`, the same warning an RSS title draws: a title is text, and we say so.
fn plain_text(value: &str, lang: Option<String>) -> atom::Text {
    atom::Text { value: value.to_owned(), base: None, lang, r#type: atom::TextType::Text }
}

fn person(name: &str) -> atom::Person {
    atom::Person { name: name.to_owned(), email: None, uri: None, extensions: BTreeMap::new() }
}

fn link(href: String, rel: &str, mime_type: &str) -> atom::Link {
    atom_link(href, rel, Some(mime_type))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parsed as article;

    #[test]
    fn entries_of_the_same_day_get_distinct_updated_instants() {
        let articles = [
            article("b", "date 2022-01-10\nB."),
            article("a", "date 2022-01-10\nA."),
            article("c", "date 2022-01-10T00:00:01Z\nC."),
            article("z", "date 9999-12-31T23:59:59Z\nZ."),
            article("y", "date 9999-12-31T23:59:59Z\nY."),
        ];
        let feed = atom_feed(&Settings::defaults(), &articles);
        let entries: Vec<(&str, String, String)> = feed
            .entries()
            .iter()
            .map(|entry| {
                (
                    entry.title().as_str(),
                    entry.published().unwrap().to_rfc3339(),
                    entry.updated().to_rfc3339(),
                )
            })
            .collect();
        assert_eq!(
            entries,
            [
                (
                    "Y",
                    "9999-12-31T23:59:59+00:00".to_owned(),
                    "9999-12-31T23:59:59+00:00".to_owned()
                ),
                (
                    "Z",
                    "9999-12-31T23:59:59+00:00".to_owned(),
                    "9999-12-31T23:59:59+00:00".to_owned()
                ),
                (
                    "C",
                    "2022-01-10T00:00:01+00:00".to_owned(),
                    "2022-01-10T00:00:01+00:00".to_owned()
                ),
                (
                    "A",
                    "2022-01-10T00:00:00+00:00".to_owned(),
                    "2022-01-10T00:00:00+00:00".to_owned()
                ),
                (
                    "B",
                    "2022-01-10T00:00:00+00:00".to_owned(),
                    "2022-01-10T00:00:02+00:00".to_owned()
                ),
            ]
        );
        assert_eq!(feed.updated().to_rfc3339(), "9999-12-31T23:59:59+00:00");
    }
}
