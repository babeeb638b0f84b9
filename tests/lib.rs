//! Shared helpers for the end-to-end tests in this directory.
//!
//! Each `tests/data/<case>/` holds a `seed.txt` (one wire article), an optional `feed.toml`, and
//! the golden `expected.rss.xml`, `expected.atom.xml`, `expected.json` (the JSON Feed) and
//! `expected.html` that the feeds and the page of that article must equal byte for byte. `UPDATE_EXPECT=1 cargo test` rewrites the golden files; review the
//! change with `git diff`.

use std::{
    fs,
    path::{Path, PathBuf},
};

use article::{Article, ArticleKey};
use feed::Settings;

/// One golden case.
#[derive(Debug)]
pub struct Case {
    /// The case's directory name.
    pub name: String,
    /// The case's directory.
    pub dir: PathBuf,
    /// Its settings: `feed.toml` in the directory, or the defaults.
    pub settings: Settings,
    /// Its article, parsed from `seed.txt` under the key `<case>`.
    pub article: Article,
}

/// The checkout's root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the project root")
        .to_path_buf()
}

/// Every case under `tests/data/`, in name order.
pub fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(project_root().join("tests/data"))
        .expect("tests/data exists")
        .map(|entry| entry.expect("listable").path())
        .filter(|path| path.join("seed.txt").exists())
        .collect();
    dirs.sort();
    dirs.into_iter().map(|dir| load(&dir)).collect()
}

fn load(dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
    let settings = match fs::read_to_string(dir.join("feed.toml")) {
        Ok(text) => {
            Settings::from_toml(&text).unwrap_or_else(|err| panic!("{name}/feed.toml:{err}"))
        }
        Err(_) => Settings::defaults(),
    };
    let bytes = fs::read(dir.join("seed.txt")).unwrap();
    let key = ArticleKey::new(&name).unwrap();
    let article = article::parse(&key, &bytes, &settings.parse_options())
        .unwrap_or_else(|err| panic!("{name}/seed.txt:{err}"))
        .article;
    Case { name, dir: dir.to_path_buf(), settings, article }
}

/// Whom the feeds credit for an article: its authors, else its agency, else the feed's author.
pub fn expected_authors<'a>(settings: &'a Settings, article: &'a Article) -> Vec<&'a str> {
    let authors: Vec<&str> = article.authors().iter().map(|author| author.as_str()).collect();
    if !authors.is_empty() {
        return authors;
    }
    vec![article.agency().map_or(settings.author(), |agency| agency.as_str())]
}

/// The RSS and Atom documents of a set of articles, as regen writes them.
pub fn render(settings: &Settings, articles: &[Article]) -> (Vec<u8>, Vec<u8>) {
    let rss = feed::write_rss(&feed::rss_channel(settings, articles)).unwrap();
    let atom = feed::write_atom(&feed::atom_feed(settings, articles)).unwrap();
    (rss, atom)
}

/// Asserts that `path` holds `actual`, or rewrites it when `UPDATE_EXPECT` is set.
pub fn assert_golden(path: &Path, actual: &[u8]) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(path, actual).unwrap();
        return;
    }
    let expected = fs::read(path).unwrap_or_default();
    if expected != actual {
        panic!(
            "{} differs from the output (rerun with UPDATE_EXPECT=1 and review the diff):\n{}",
            path.display(),
            String::from_utf8_lossy(actual)
        );
    }
}
