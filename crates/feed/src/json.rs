//! JSON Feed 1.1 (`feed.json`): the main feed's articles, with the same ids and dates as Atom.
//!
//! Written with serde from structs whose field order is the output order, so the bytes are as
//! deterministic as the XML feeds'.

use std::io::Write;

use article::Article;
use serde::Serialize;

use std::sync::Mutex;

use crate::{
    Settings, WriteError, article_url, bylines, category_names, entry_id, html, page::Page,
    site::Shelf, splice,
};

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    description: &'a str,
    language: String,
    /// JSON Feed 1.0's single author, which 1.1 keeps for readers that know only 1.0.
    author: Author<'a>,
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hubs: Vec<Hub<'a>>,
    items: Items<'a>,
}

/// The items, made one at a time as serde writes them, so the feed is never whole in memory.
struct Items<'a> {
    settings: &'a Settings,
    shelf: &'a Shelf<'a>,
    page: &'a Page,
    /// Where a library's failure waits while serde unwinds with a plain message.
    failure: &'a Mutex<Option<WriteError>>,
}

impl Serialize for Items<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq as _};
        let mut seq = serializer.serialize_seq(Some(self.page.articles.len()))?;
        for (&index, modified) in self.page.articles.iter().zip(&self.page.entries_updated) {
            let article = match self.shelf.article(index) {
                Ok(article) => article,
                Err(error) => {
                    let message = error.to_string();
                    *self.failure.lock().unwrap_or_else(|poison| poison.into_inner()) = Some(error);
                    return Err(S::Error::custom(message));
                }
            };
            seq.serialize_element(&item(self.settings, &article, *modified))?;
        }
        seq.end()
    }
}

#[derive(Serialize, Clone, Copy)]
struct Author<'a> {
    name: &'a str,
}

/// A WebSub hub (JSON Feed 1.1 `hubs`).
#[derive(Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: String,
    url: String,
    title: &'a str,
    content_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    /// The photo's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: String,
    date_modified: String,
    /// The first of `authors`, for readers that know only JSON Feed 1.0 (atoma, gofeed).
    author: Author<'a>,
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
}

/// Writes the JSON Feed of a page (the main feed), with a final newline.
pub(crate) fn write(
    settings: &Settings,
    shelf: &Shelf<'_>,
    page: &Page,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let failure = Mutex::new(None);
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &page.title,
        home_page_url: settings.base_url(),
        feed_url: settings.url_of(crate::layout::JSON_FEED_PATH),
        description: settings.description(),
        language: settings.language().to_string(),
        author: Author { name: settings.author() },
        authors: vec![Author { name: settings.author() }],
        hubs: page.hub(settings).map(|url| Hub { kind: "WebSub", url }).into_iter().collect(),
        items: Items { settings, shelf, page, failure: &failure },
    };
    let written = serde_json::to_writer_pretty(&mut *out, &feed);
    if let Some(error) = failure.into_inner().unwrap_or_else(|poison| poison.into_inner()) {
        return Err(error);
    }
    written.map_err(|err| match err.io_error_kind() {
        Some(_) => WriteError::Io(err.into()),
        None => WriteError::format("JSON Feed", err),
    })?;
    splice::all(out, b"\n")
}

fn item<'a>(
    settings: &'a Settings,
    article: &'a Article,
    modified: chrono::DateTime<chrono::FixedOffset>,
) -> Item<'a> {
    let lede = article.lede();
    let authors: Vec<Author<'a>> =
        bylines(settings, article).into_iter().map(|name| Author { name }).collect();
    Item {
        id: entry_id(settings, article),
        url: article_url(settings, article),
        title: article.headline().as_str(),
        content_html: html::article_html(article),
        summary: (!lede.is_empty()).then_some(lede),
        image: article.image().map(|image| crate::image_url(settings, image)),
        date_published: article.published().to_rfc3339(),
        date_modified: modified.to_rfc3339(),
        author: authors[0],
        authors,
        // The urgency is a category, as in the XML feeds: JSON Feed's categories are its tags.
        tags: (article.urgency().map(|urgency| urgency.label()))
            .into_iter()
            .chain(category_names(article))
            .collect(),
        language: article.language().map(|language| language.as_str()),
    }
}
