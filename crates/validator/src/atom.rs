//! Atom 1.0 rules, after RFC 4287 and the W3C validator's messages.

use std::collections::BTreeMap;

use roxmltree::Node;

use crate::{
    Context, children, dates, is_absolute_http_url, is_absolute_iri, rss::check_html, text_of,
};

/// The Atom namespace.
pub(crate) const NS: &str = "http://www.w3.org/2005/Atom";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

const FEED_ELEMENTS: [&str; 13] = [
    "author",
    "category",
    "contributor",
    "generator",
    "icon",
    "id",
    "link",
    "logo",
    "rights",
    "subtitle",
    "title",
    "updated",
    "entry",
];
const ENTRY_ELEMENTS: [&str; 12] = [
    "author",
    "category",
    "content",
    "contributor",
    "id",
    "link",
    "published",
    "rights",
    "source",
    "summary",
    "title",
    "updated",
];
const SINGLE_ELEMENTS: [&str; 11] = [
    "generator",
    "icon",
    "id",
    "logo",
    "rights",
    "subtitle",
    "title",
    "updated",
    "content",
    "published",
    "summary",
];

pub(crate) fn check(context: &mut Context<'_, '_>, feed: Node<'_, '_>) {
    check_children(context, feed, &FEED_ELEMENTS, &["id", "title", "updated"]);
    let feed_has_author = children(feed, Some(NS), "author").next().is_some();
    let self_link =
        children(feed, Some(NS), "link").find(|link| link.attribute("rel") == Some("self"));
    match self_link {
        None => context.warning(
            feed,
            "atom-self-link",
            "<feed> has no <link rel=\"self\"> giving the feed's own URL",
        ),
        Some(link) if !link.attribute("href").is_some_and(is_absolute_http_url) => {
            context.error(link, "atom-self-link", "the self link's href is not an absolute URL");
        }
        Some(_) => {}
    }
    let mut ids: BTreeMap<String, ()> = BTreeMap::new();
    let mut updated: BTreeMap<String, ()> = BTreeMap::new();
    for entry in children(feed, Some(NS), "entry") {
        for value in children(entry, Some(NS), "updated") {
            let instant =
                dates::check_rfc3339(&text_of(value)).map(|date| date.to_utc().to_rfc3339());
            if let Some(instant) = instant
                && updated.insert(instant, ()).is_some()
            {
                context.warning(
                    value,
                    "atom-duplicate-updated",
                    "two entries have the same <updated>; aggregators may take them for one",
                );
            }
        }
        check_children(context, entry, &ENTRY_ELEMENTS, &["id", "title", "updated"]);
        let has_author = children(entry, Some(NS), "author").next().is_some()
            || children(entry, Some(NS), "source")
                .any(|source| children(source, Some(NS), "author").next().is_some());
        if !has_author && !feed_has_author {
            context.error(
                entry,
                "atom-missing-author",
                "<entry> has no <author>, and neither has the feed",
            );
        }
        let contents: Vec<Node<'_, '_>> = children(entry, Some(NS), "content").collect();
        let has_content = !contents.is_empty();
        let needs_summary = contents.iter().any(|content| {
            content.attribute("src").is_some()
                || content.attribute("type").is_some_and(|kind| {
                    kind.contains('/')
                        && !kind.starts_with("text/")
                        && !kind.ends_with("+xml")
                        && !kind.ends_with("/xml")
                })
        });
        if needs_summary && children(entry, Some(NS), "summary").next().is_none() {
            context.error(
                entry,
                "atom-missing-summary",
                "<entry> with out-of-line or binary <content> has no <summary>",
            );
        }
        let has_alternate = children(entry, Some(NS), "link")
            .any(|link| link.attribute("rel").is_none_or(|rel| rel == "alternate"));
        if !has_content && !has_alternate {
            context.error(
                entry,
                "atom-missing-content",
                "<entry> has neither <content> nor <link rel=\"alternate\">",
            );
        }
        for id in children(entry, Some(NS), "id") {
            let value = text_of(id).trim().to_owned();
            if ids.insert(value.clone(), ()).is_some() {
                context.error(
                    id,
                    "atom-duplicate-id",
                    format!("entry id {value:?} is used by another entry"),
                );
            }
        }
    }
}

/// Required and single elements, and the rules for each known child.
fn check_children(
    context: &mut Context<'_, '_>,
    parent: Node<'_, '_>,
    known: &[&str],
    required: &[&str],
) {
    let parent_name = parent.tag_name().name();
    for name in required {
        if children(parent, Some(NS), name).next().is_none() {
            context.error(
                parent,
                "atom-missing-element",
                format!("<{parent_name}> has no <{name}>"),
            );
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for child in parent
        .children()
        .filter(Node::is_element)
        .filter(|child| child.tag_name().namespace() == Some(NS))
    {
        let name = child.tag_name().name();
        if !known.contains(&name) {
            context.error(
                child,
                "atom-unknown-element",
                format!("<{parent_name}> has an undefined element <{name}>"),
            );
            continue;
        }
        if SINGLE_ELEMENTS.contains(&name) && seen.contains(&name) {
            context.error(
                child,
                "atom-duplicate-element",
                format!("<{parent_name}> has more than one <{name}>"),
            );
        }
        seen.push(name);
        check_element(context, child, name);
    }
}

fn check_element(context: &mut Context<'_, '_>, element: Node<'_, '_>, name: &str) {
    let value = text_of(element);
    let value = value.trim();
    match name {
        "id" if !is_absolute_iri(value) => {
            context.error(element, "atom-id-iri", format!("<id> {value:?} is not an absolute IRI"));
        }
        "updated" | "published"
            if dates::check_rfc3339(value).is_some_and(dates::is_implausible) =>
        {
            context.warning(
                element,
                "implausible-date",
                format!("<{name}> {value:?} is before 1990; readers may sort or hide it oddly"),
            )
        }
        "updated" | "published" if dates::check_rfc3339(value).is_none() => context.error(
            element,
            "atom-date",
            format!(
                "<{name}> {value:?} is not an RFC 3339 date-time such as 2022-01-10T00:00:00+03:00"
            ),
        ),
        "author" | "contributor" if children(element, Some(NS), "name").next().is_none() => {
            context.error(element, "atom-missing-element", format!("<{name}> has no <name>"));
        }
        "link" if element.attribute("href").is_none() => {
            context.error(element, "atom-missing-element", "<link> has no href");
        }
        "link" if element.attribute("rel").is_some_and(|rel| !is_known_relation(rel)) => {
            let rel = element.attribute("rel").unwrap_or_default();
            context.warning(
                element,
                "atom-link-rel",
                format!("<link rel={rel:?}> is neither a registered relation nor an IRI"),
            );
        }
        "category" if element.attribute("term").is_none_or(str::is_empty) => {
            context.error(element, "atom-missing-element", "<category> has no term");
        }
        "title" | "subtitle" | "summary" | "rights" | "content" => {
            check_text_construct(context, element, name)
        }
        _ => {}
    }
}

/// IANA-registered link relations that feeds use, or an absolute IRI (RFC 4287 section 4.2.7.2).
fn is_known_relation(rel: &str) -> bool {
    const REGISTERED: [&str; 19] = [
        "alternate",
        "related",
        "self",
        "enclosure",
        "via",
        "first",
        "last",
        "next",
        "previous",
        "prev",
        "current",
        "prev-archive",
        "next-archive",
        "hub",
        "license",
        "replies",
        "edit",
        "payment",
        "search",
    ];
    REGISTERED.contains(&rel) || rel.contains(':')
}

/// `type="text"` has no markup, `type="html"` is escaped HTML, `type="xhtml"` is one XHTML div.
fn check_text_construct(context: &mut Context<'_, '_>, element: Node<'_, '_>, name: &str) {
    let kind = element.attribute("type").unwrap_or("text");
    let elements: Vec<Node<'_, '_>> = element.children().filter(Node::is_element).collect();
    match kind {
        "text" | "html" if !elements.is_empty() => context.error(
            element,
            "atom-text-markup",
            format!("<{name} type=\"{kind}\"> holds elements; HTML must be escaped, or use type=\"xhtml\""),
        ),
        "html" => check_html(context, element),
        "xhtml" => {
            let is_div =
                |node: &Node<'_, '_>| node.tag_name().namespace() == Some(XHTML_NS) && node.tag_name().name() == "div";
            let stray_text = element.children().any(|child| child.is_text() && child.text().is_some_and(|text| !text.trim().is_empty()));
            if elements.len() != 1 || !is_div(&elements[0]) || stray_text {
                context.error(element, "atom-xhtml-div", format!("<{name} type=\"xhtml\"> must hold exactly one xhtml:div"));
            }
        }
        "text" => {
            if let Some(tag) = crate::html::end_tag_in_text(&text_of(element)) {
                context.warning(
                    element,
                    "text-html",
                    format!("<{name}> holds the HTML end tag {tag} but is type=\"text\"; use type=\"html\""),
                );
            }
        }
        _ if name == "content" && kind.contains('/') => {}
        _ => context.error(element, "atom-text-type", format!("<{name}> has the unknown type {kind:?}")),
    }
}
