//! Per-article costs, measured with divan: parsing a wire article (and the whole real-copy
//! corpus of `tests/corpus/`), and writing it as an RSS item, an Atom entry, a JSON Feed item
//! and an HTML page. Run with `cargo bench -p feed`; the
//! whole-site figures against the I/O floor come from `cargo xtask bench`.

use article::{Article, ArticleKey};
use divan::{Bencher, counter::BytesCount};
use feed::Settings;

fn main() {
    divan::main();
}

/// The seed article (TASS), and a longer AP-style article with every field.
const ARTICLES: [(&str, &[u8]); 2] = [
    ("tass-seed", include_bytes!("../../../tests/data/tass-seed/seed.txt")),
    ("all-fields", include_bytes!("../../../tests/data/all-fields/seed.txt")),
];

fn parsed(name: &str, bytes: &[u8]) -> Article {
    let key = ArticleKey::new(name).unwrap();
    article::parse(&key, bytes, &Settings::defaults().parse_options()).unwrap().article
}

#[divan::bench(args = ["tass-seed", "all-fields"])]
fn parse(bencher: Bencher, name: &str) {
    let (_, bytes) = ARTICLES.iter().find(|(case, _)| *case == name).unwrap();
    let key = ArticleKey::new(name).unwrap();
    let options = Settings::defaults().parse_options();
    bencher
        .counter(BytesCount::of_slice(bytes))
        .bench(|| article::parse(&key, divan::black_box(bytes), &options).unwrap());
}

/// Every article of the real-copy corpus (`tests/corpus/`, 157 articles from 29 agencies in 12
/// languages), parsed one after another: the parser's cost on copy as the wires send it.
#[divan::bench]
fn parse_real_copy(bencher: Bencher) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let mut seeds: Vec<(ArticleKey, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "txt"))
        .map(|path| {
            let key = ArticleKey::new(path.file_stem().unwrap().to_str().unwrap()).unwrap();
            (key, std::fs::read(&path).unwrap())
        })
        .collect();
    seeds.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let bytes: usize = seeds.iter().map(|(_, bytes)| bytes.len()).sum();
    let options = Settings::defaults().parse_options();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for (key, bytes) in &seeds {
            let _ = divan::black_box(article::parse(key, divan::black_box(bytes), &options));
        }
    });
}

/// One article, written as each output of the site holding it alone.
#[divan::bench(args = ["rss", "atom", "feed.json", "html page"])]
fn serialize(bencher: Bencher, output: &str) {
    let settings = Settings::defaults();
    let (name, bytes) = ARTICLES[0];
    let articles = [parsed(name, bytes)];
    let html = feed::article_path(&articles[0]);
    bencher.bench(|| match output {
        "rss" => feed::write_rss(&feed::rss_channel(&settings, &articles)).unwrap(),
        "atom" => feed::write_atom(&feed::atom_feed(&settings, &articles)).unwrap(),
        _ => {
            let entries = feed::entries(&articles);
            let site = feed::Site::new(&settings, &entries);
            let path = if output == "feed.json" { "feed.json" } else { html.as_str() };
            let file = site.files().into_iter().find(|file| file.path() == path).unwrap();
            let mut bytes = Vec::new();
            site.write(&file, &articles[..], &mut bytes).unwrap();
            bytes
        }
    });
}

/// Planning the pages of 100,000 articles from their entries alone (no text): archives, places,
/// tags and the order of publication. Dated as wire copy often is, by day only, so that most
/// share an instant and the Atom `updated` values must be moved apart.
#[divan::bench(sample_count = 20)]
fn plan_100k(bencher: Bencher) {
    use std::sync::Arc;
    let settings = Settings::defaults();
    let places: Vec<Arc<str>> =
        ["Moscow", "Minsk", "Kyiv", "Paris", "Washington"].into_iter().map(Arc::from).collect();
    let tags: Vec<Arc<str>> =
        ["politics", "economy", "sport", "energy"].into_iter().map(Arc::from).collect();
    let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00+03:00").unwrap();
    let entries: Vec<feed::Entry> = (0..100_000_u32)
        .map(|n| {
            let day = start + chrono::TimeDelta::days(i64::from(n / 30));
            let key = ArticleKey::new(&format!("a{n:07}")).unwrap();
            let tag = Box::new([tags[n as usize % tags.len()].clone()]);
            let place = Some(places[n as usize % places.len()].clone());
            feed::Entry::from_parts(key, day, day, place, tag, 3_400)
        })
        .collect();
    bencher.bench(|| feed::Site::new(&settings, divan::black_box(&entries)));
}
