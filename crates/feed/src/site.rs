//! The site: every file `regen` writes, as bytes by path, from settings and articles.
//!
//! This is where the pages of `page` meet the formats: each page as Atom and RSS, the main feed
//! also as JSON Feed, and the OPML list of them all. The caller only writes the map to disk.

use std::collections::BTreeMap;

use article::Article;
use rayon::prelude::*;

use crate::{
    Settings, WriteError,
    atom1::atom_page,
    json, opml,
    page::{self, Format},
    rss2::rss_page,
    write::{write_atom, write_rss},
};

/// Every file of the site by path relative to the output directory, in path order.
pub fn site(
    settings: &Settings,
    articles: &[Article],
) -> Result<BTreeMap<String, Vec<u8>>, WriteError> {
    let pages = page::pages(settings, articles);
    // Pages are independent, so they are rendered on every core; the map orders the result.
    let rendered: Vec<[(String, Vec<u8>); 2]> = pages
        .par_iter()
        .map(|page| {
            Ok([
                (page.path(Format::Atom), write_atom(&atom_page(settings, page))?),
                (page.path(Format::Rss), write_rss(&rss_page(settings, page))?),
            ])
        })
        .collect::<Result<_, WriteError>>()?;
    let mut files: BTreeMap<String, Vec<u8>> = rendered.into_iter().flatten().collect();
    files.insert("feed.json".to_owned(), json::write(settings, &pages[0])?);
    files.insert("feeds.opml".to_owned(), opml::write(settings, &pages)?);
    Ok(files)
}

/// Whether a path of the output directory is one `site` may write, so that `regen` may delete
/// it when no page produces it any more (an archive month or place whose articles are gone).
pub fn is_generated(path: &str) -> bool {
    let in_directory = |directory: &str| {
        path.strip_prefix(directory).is_some_and(|name| {
            !name.contains('/') && (name.ends_with(".atom.xml") || name.ends_with(".rss.xml"))
        })
    };
    matches!(path, "rss.xml" | "atom.xml" | "feed.json" | "feeds.opml")
        || ["archive/", "places/", "tags/"].into_iter().any(in_directory)
}
