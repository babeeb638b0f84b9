//! OPML 2.0 (`feeds.opml`): every subscription feed of the site, for a reader to import at once.
//!
//! Lists the main feed in each XML format, then the place and tag feeds, grouped. Archive pages
//! are left out: they are history, reached from the feeds through their RFC 5005 links. So is the
//! JSON Feed: OPML outlines of `type="rss"` are for RSS and Atom, and readers that import OPML
//! (newsboat among them) fail on JSON.

use quick_xml::{
    Writer,
    events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event},
};

use crate::{
    Settings, WriteError,
    layout::{Format, PageKind},
    page::Page,
};

/// The OPML document listing `pages` (the main feed first), as bytes with a final newline.
pub(crate) fn write(settings: &Settings, pages: &[Page]) -> Result<Vec<u8>, WriteError> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let error = WriteError::Io;
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None))).map_err(error)?;
    writer
        .write_event(Event::Start(BytesStart::new("opml").with_attributes([("version", "2.0")])))
        .map_err(error)?;
    writer.write_event(Event::Start(BytesStart::new("head"))).map_err(error)?;
    for (name, value) in [
        ("title", settings.title()),
        ("ownerName", settings.author()),
        ("docs", "http://opml.org/spec2.opml"),
    ] {
        writer.create_element(name).write_text_content(BytesText::new(value)).map_err(error)?;
    }
    writer.write_event(Event::End(BytesEnd::new("head"))).map_err(error)?;
    writer.write_event(Event::Start(BytesStart::new("body"))).map_err(error)?;

    let main = &pages[0];
    for format in Format::ALL {
        let text = format!("{} ({})", main.title, format.label());
        outline(&mut writer, settings, &text, &settings.url_of(&main.path(format)))
            .map_err(error)?;
    }
    for group in ["Places", "Tags"] {
        let member = |kind: &PageKind| match kind {
            PageKind::Place(_) => group == "Places",
            PageKind::Tag(_) => group == "Tags",
            PageKind::Main | PageKind::Archive(_) => false,
        };
        let members: Vec<&Page> = pages.iter().filter(|page| member(&page.kind)).collect();
        if members.is_empty() {
            continue;
        }
        writer
            .write_event(Event::Start(
                BytesStart::new("outline").with_attributes([("text", group)]),
            ))
            .map_err(error)?;
        for page in members {
            for format in Format::ALL {
                let text = format!("{} ({})", page.title, format.label());
                outline(&mut writer, settings, &text, &settings.url_of(&page.path(format)))
                    .map_err(error)?;
            }
        }
        writer.write_event(Event::End(BytesEnd::new("outline"))).map_err(error)?;
    }
    writer.write_event(Event::End(BytesEnd::new("body"))).map_err(error)?;
    writer.write_event(Event::End(BytesEnd::new("opml"))).map_err(error)?;
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn outline(
    writer: &mut Writer<Vec<u8>>,
    settings: &Settings,
    text: &str,
    url: &str,
) -> std::io::Result<()> {
    let element = BytesStart::new("outline").with_attributes([
        ("type", "rss"),
        ("text", text),
        ("title", text),
        ("xmlUrl", url),
        ("htmlUrl", settings.base_url()),
    ]);
    writer.write_event(Event::Empty(element))
}
