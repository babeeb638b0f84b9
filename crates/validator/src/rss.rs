//! RSS 2.0 rules, after the RSS Advisory Board's specification and the W3C validator's messages.

use std::collections::BTreeMap;

use roxmltree::Node;

use crate::{
    Context, children,
    dates::{self, Rfc822Problem},
    html::{self, HtmlProblem},
    is_absolute_http_url, is_language_tag, text_of,
};

const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

const CHANNEL_ELEMENTS: [&str; 20] = [
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "managingEditor",
    "webMaster",
    "pubDate",
    "lastBuildDate",
    "category",
    "generator",
    "docs",
    "cloud",
    "ttl",
    "image",
    "rating",
    "textInput",
    "skipHours",
    "skipDays",
    "item",
];
const ITEM_ELEMENTS: [&str; 10] = [
    "title",
    "link",
    "description",
    "author",
    "category",
    "comments",
    "enclosure",
    "guid",
    "pubDate",
    "source",
];
/// Elements that may appear at most once in their parent.
const SINGLE_ELEMENTS: [&str; 19] = [
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "managingEditor",
    "webMaster",
    "pubDate",
    "lastBuildDate",
    "generator",
    "docs",
    "cloud",
    "ttl",
    "image",
    "rating",
    "textInput",
    "author",
    "guid",
    "source",
];
const DC_ELEMENTS: [&str; 15] = [
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
];

pub(crate) fn check(context: &mut Context<'_, '_>, rss: Node<'_, '_>) {
    if rss.attribute("version") != Some("2.0") {
        context.error(rss, "rss-version", "<rss> must have version=\"2.0\"");
    }
    let channels: Vec<Node<'_, '_>> = children(rss, None, "channel").collect();
    let Some(&channel) = channels.first() else {
        context.error(rss, "rss-missing-element", "<rss> has no <channel>");
        return;
    };
    if let Some(&extra) = channels.get(1) {
        context.error(extra, "rss-duplicate-element", "<rss> has more than one <channel>");
    }
    for name in ["title", "link", "description"] {
        if children(channel, None, name).next().is_none() {
            context.error(channel, "rss-missing-element", format!("<channel> has no <{name}>"));
        }
    }
    check_children(context, channel, &CHANNEL_ELEMENTS);
    let mut self_links = 0;
    for atom_link in children(channel, Some(ATOM_NS), "link") {
        if atom_link.attribute("rel") == Some("self") {
            self_links += 1;
            check_self_link(context, atom_link);
        }
    }
    if self_links == 0 {
        context.warning(
            channel,
            "rss-self-link",
            "<channel> has no <atom:link rel=\"self\"> giving the feed's own URL",
        );
    }
    let mut guids: BTreeMap<String, ()> = BTreeMap::new();
    for item in children(channel, None, "item") {
        check_item(context, item, &mut guids);
    }
}

fn check_self_link(context: &mut Context<'_, '_>, link: Node<'_, '_>) {
    match link.attribute("href") {
        Some(href) if is_absolute_http_url(href) => {}
        Some(href) => context.error(
            link,
            "rss-self-link",
            format!("the self link {href:?} is not an absolute URL"),
        ),
        None => context.error(link, "rss-self-link", "the self link has no href"),
    }
    if link.attribute("type").is_none() {
        context.warning(link, "rss-self-link", "the self link has no type (application/rss+xml)");
    }
}

fn check_item(context: &mut Context<'_, '_>, item: Node<'_, '_>, guids: &mut BTreeMap<String, ()>) {
    if children(item, None, "title").next().is_none()
        && children(item, None, "description").next().is_none()
    {
        context.error(
            item,
            "rss-item-title-or-description",
            "<item> has neither <title> nor <description>",
        );
    }
    check_children(context, item, &ITEM_ELEMENTS);
    if children(item, None, "guid").next().is_none() {
        context.warning(
            item,
            "rss-missing-guid",
            "<item> has no <guid>; readers cannot tell an edit from a new item",
        );
    }
    for enclosure in children(item, None, "enclosure") {
        for attribute in ["url", "length", "type"] {
            if enclosure.attribute(attribute).is_none_or(str::is_empty) {
                context.error(
                    enclosure,
                    "rss-enclosure",
                    format!("<enclosure> has no {attribute} attribute"),
                );
            }
        }
    }
    for guid in children(item, None, "guid") {
        let value = text_of(guid);
        let permalink = guid.attribute("isPermaLink").is_none_or(|value| value == "true");
        if permalink && !is_absolute_http_url(&value) {
            context.error(
                guid,
                "rss-guid-permalink",
                format!("<guid> {value:?} is a permalink (the default) but not a full URL; add isPermaLink=\"false\""),
            );
        }
        if guids.insert(value.clone(), ()).is_some() {
            context.error(
                guid,
                "rss-duplicate-guid",
                format!("<guid> {value:?} is used by another item"),
            );
        }
    }
    for content in
        children(item, Some(CONTENT_NS), "encoded").chain(children(item, None, "description"))
    {
        check_html(context, content);
    }
}

/// The Atom elements the W3C validator accepts in an RSS item (its `item.py`).
const ATOM_IN_ITEMS: [&str; 9] =
    ["id", "link", "title", "summary", "author", "contributor", "content", "published", "updated"];

/// Rules for every child element of a channel or an item.
fn check_children(context: &mut Context<'_, '_>, parent: Node<'_, '_>, known: &[&str]) {
    let parent_name = parent.tag_name().name();
    let mut seen: Vec<&str> = Vec::new();
    for child in parent.children().filter(Node::is_element) {
        let name = child.tag_name().name();
        match child.tag_name().namespace() {
            None => {
                if !known.contains(&name) {
                    context.error(
                        child,
                        "rss-unknown-element",
                        format!("<{parent_name}> has an undefined element <{name}>"),
                    );
                    continue;
                }
                if SINGLE_ELEMENTS.contains(&name) && seen.contains(&name) {
                    context.error(
                        child,
                        "rss-duplicate-element",
                        format!("<{parent_name}> has more than one <{name}>"),
                    );
                }
                seen.push(name);
                check_value(context, child, name);
            }
            Some(CONTENT_NS) if name != "encoded" || parent_name != "item" => {
                context.error(
                    child,
                    "ns-unknown-element",
                    format!("content:{name} is not defined here"),
                );
            }
            Some(DC_NS) if !DC_ELEMENTS.contains(&name) => {
                context.error(
                    child,
                    "ns-unknown-element",
                    format!("dc:{name} is not a Dublin Core element"),
                );
            }
            Some(DC_NS) if name == "language" && !is_language_tag(text_of(child).trim()) => {
                context.error(
                    child,
                    "rss-language",
                    format!("dc:language {:?} is not a language code", text_of(child)),
                );
            }
            Some(ATOM_NS)
                if name != "link" && !(parent_name == "item" && ATOM_IN_ITEMS.contains(&name)) =>
            {
                context.error(
                    child,
                    "ns-unknown-element",
                    format!("atom:{name} is not allowed in RSS"),
                );
            }
            Some(ATOM_NS)
                if matches!(name, "updated" | "published")
                    && dates::check_rfc3339(text_of(child).trim()).is_none() =>
            {
                context.error(
                    child,
                    "atom-date",
                    format!("atom:{name} {:?} is not an RFC 3339 date-time", text_of(child)),
                );
            }
            _ => {}
        }
    }
}

/// Rules for the value of a known RSS element.
fn check_value(context: &mut Context<'_, '_>, element: Node<'_, '_>, name: &str) {
    let value = text_of(element);
    let value = value.trim();
    match name {
        "link" | "docs" | "comments" if !is_absolute_http_url(value) => {
            context.error(element, "rss-url", format!("<{name}> {value:?} is not an absolute URL"));
        }
        "pubDate" | "lastBuildDate" => match dates::check_rfc822(value) {
            Ok(date) if dates::is_implausible(date) => context.warning(
                element,
                "implausible-date",
                format!("<{name}> {value:?} is before 1990; readers may sort or hide it oddly"),
            ),
            Ok(_) => {}
            Err(Rfc822Problem::Syntax) => context.error(
                element,
                "rss-date",
                format!("<{name}> {value:?} is not an RFC 822 date-time such as Mon, 10 Jan 2022 00:00:00 +0300"),
            ),
            Err(Rfc822Problem::Weekday { given, actual }) => context.error(
                element,
                "rss-weekday",
                format!("<{name}> {value:?} says {given}, but that day is a {actual}"),
            ),
        },
        "ttl" if value.parse::<u32>().is_err() => {
            context.error(element, "rss-ttl", format!("<ttl> {value:?} is not a whole number of minutes"));
        }
        "image" => {
            for child in ["url", "title", "link"] {
                if children(element, None, child).next().is_none() {
                    context.error(element, "rss-missing-element", format!("<image> has no <{child}>"));
                }
            }
        }
        "language" if !is_language_tag(value) => {
            context.error(element, "rss-language", format!("<language> {value:?} is not a language code"));
        }
        "author" | "managingEditor" | "webMaster" if !has_email(value) => context.error(
            element,
            "rss-author-email",
            format!("<{name}> {value:?} must start with an e-mail address; put names in <dc:creator>"),
        ),
        "title" if html::end_tag_in_text(value).is_some() => context.warning(
            element,
            "text-html",
            format!("<title> holds the HTML end tag {}; RSS titles are plain text", html::end_tag_in_text(value).unwrap_or("")),
        ),
        "title" | "description" | "category" | "generator" if value.is_empty() => {
            context.warning(element, "rss-empty-element", format!("<{name}> is empty"));
        }
        _ => {}
    }
}

fn has_email(value: &str) -> bool {
    let address = value.split_whitespace().next().unwrap_or("");
    address.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

/// HTML rules for an element whose text readers render as HTML.
pub(crate) fn check_html(context: &mut Context<'_, '_>, element: Node<'_, '_>) {
    for problem in html::check(&text_of(element)) {
        let name = element.tag_name().name();
        match problem {
            HtmlProblem::Unsafe(what) => {
                context.error(
                    element,
                    "html-unsafe",
                    format!("<{name}> holds HTML a reader would run: {what}"),
                );
            }
            HtmlProblem::RelativeUrl(url) => context.warning(
                element,
                "html-relative-url",
                format!("<{name}> links to the relative URL {url:?}, which readers cannot resolve"),
            ),
        }
    }
}
