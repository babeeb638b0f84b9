//! The files crawlers read: `robots.txt`, the sitemap (sitemaps.org 0.9) and the Google News
//! sitemap.
//!
//! `sitemap.xml` lists every page people read, each with when it last changed (an article's
//! `updated`); beyond 50,000 addresses, the protocol's limit, it is an index of one sitemap for
//! the pages that are not articles and one per archive page, so an added article changes its
//! archive page's sitemap and the index only. The Google News sitemap holds the articles of the
//! two days up to the newest article's publication, not up to the clock, so that the same seeds
//! give the same file.

use std::io::Write;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use quick_xml::{
    Writer,
    events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event},
};

use crate::{Settings, WriteError, layout, site::Shelf};

/// The most articles a Google News sitemap may list.
pub(crate) const NEWS_URLS: usize = 1_000;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// `robots.txt`: everything may be crawled; here are the sitemaps.
pub(crate) fn robots(settings: &Settings) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        settings.url_of(layout::SITEMAP_PATH),
        settings.url_of(layout::NEWS_SITEMAP_PATH),
    )
}

/// An address and when its page last changed, if that is known.
type Url = (String, Option<DateTime<FixedOffset>>);

/// A `<urlset>` of `urls`.
pub(crate) fn urlset(
    out: &mut dyn Write,
    urls: impl Iterator<Item = Url>,
) -> Result<(), WriteError> {
    document(out, "urlset", &[("xmlns", SITEMAP_NS)], "url", urls)
}

/// A `<sitemapindex>` of `sitemaps`.
pub(crate) fn index(
    out: &mut dyn Write,
    sitemaps: impl Iterator<Item = Url>,
) -> Result<(), WriteError> {
    document(out, "sitemapindex", &[("xmlns", SITEMAP_NS)], "sitemap", sitemaps)
}

fn document(
    out: &mut dyn Write,
    root: &str,
    attributes: &[(&str, &str)],
    item: &str,
    urls: impl Iterator<Item = Url>,
) -> Result<(), WriteError> {
    let mut writer = start(out, root, attributes)?;
    for (url, modified) in urls {
        element(&mut writer, item, |writer| {
            text(writer, "loc", &url)?;
            match modified {
                Some(modified) => text(writer, "lastmod", &w3c(modified)),
                None => Ok(()),
            }
        })?;
    }
    end(writer, root)
}

/// The Google News sitemap of `articles` (newest first).
pub(crate) fn news(
    settings: &Settings,
    shelf: &Shelf<'_>,
    articles: &[usize],
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let attributes = [("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)];
    let mut writer = start(out, "urlset", &attributes)?;
    for &index in articles {
        let article = shelf.article(index)?;
        let language = article.language().unwrap_or(settings.language());
        element(&mut writer, "url", |writer| {
            text(writer, "loc", &crate::article_url(settings, &article))?;
            element(writer, "news:news", |writer| {
                element(writer, "news:publication", |writer| {
                    text(writer, "news:name", settings.title())?;
                    text(writer, "news:language", &news_language(language.as_str()))
                })?;
                text(writer, "news:publication_date", &w3c(article.published()))?;
                text(writer, "news:title", article.headline().as_str())
            })
        })?;
    }
    end(writer, "urlset")
}

/// The language as Google News wants it: an ISO 639 code, except `zh-cn` and `zh-tw`.
fn news_language(tag: &str) -> String {
    let tag = tag.to_ascii_lowercase();
    match tag.as_str() {
        "zh-cn" | "zh-hans" | "zh-hans-cn" => "zh-cn".to_owned(),
        "zh-tw" | "zh-hant" | "zh-hant-tw" => "zh-tw".to_owned(),
        _ => tag.split('-').next().unwrap_or(&tag).to_owned(),
    }
}

/// A W3C datetime in the article's own offset, to the second.
fn w3c(instant: DateTime<FixedOffset>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

type Xml<'a> = Writer<&'a mut dyn Write>;

fn start<'a>(
    out: &'a mut dyn Write,
    root: &str,
    attributes: &[(&str, &str)],
) -> Result<Xml<'a>, WriteError> {
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer.write_event(Event::Start(
        BytesStart::new(root).with_attributes(attributes.iter().copied()),
    ))?;
    Ok(writer)
}

fn end(mut writer: Xml<'_>, root: &str) -> Result<(), WriteError> {
    writer.write_event(Event::End(BytesEnd::new(root)))?;
    writer.get_mut().write_all(b"\n")?;
    Ok(())
}

fn element(
    writer: &mut Xml<'_>,
    name: &str,
    content: impl FnOnce(&mut Xml<'_>) -> Result<(), WriteError>,
) -> Result<(), WriteError> {
    writer.write_event(Event::Start(BytesStart::new(name)))?;
    content(writer)?;
    writer.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

fn text(writer: &mut Xml<'_>, name: &str, value: &str) -> Result<(), WriteError> {
    writer.create_element(name).write_text_content(BytesText::new(value))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::news_language;

    #[test]
    fn news_languages_are_iso_639_but_for_chinese() {
        assert_eq!(news_language("en"), "en");
        assert_eq!(news_language("en-GB"), "en");
        assert_eq!(news_language("ru"), "ru");
        assert_eq!(news_language("zh-Hans"), "zh-cn");
        assert_eq!(news_language("zh-TW"), "zh-tw");
    }
}
