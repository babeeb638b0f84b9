//! `wirefeed init DIR`: a new site, ready to build — a sample article, commented settings, a
//! `.gitignore` for the cache, and a CI workflow that checks the site and deploys it.
//!
//! It never overwrites: a file that already exists is an error naming it, and nothing is
//! written.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

/// The files of a new site, relative to its directory.
pub const FILES: [&str; 4] =
    ["seeds/feed.toml", "seeds/welcome.txt", ".gitignore", ".github/workflows/wirefeed.yml"];

/// The text of each of [`FILES`]; `wirefeed_git` is the git repository CI installs wirefeed
/// from, if known.
fn texts(wirefeed_git: Option<&str>) -> [String; 4] {
    let workflow = WORKFLOW.replace("{wirefeed-git}", wirefeed_git.unwrap_or_default());
    [FEED_TOML.to_owned(), SAMPLE_ARTICLE.to_owned(), GITIGNORE.to_owned(), workflow]
}

/// Why `init` wrote nothing.
#[derive(Debug)]
pub enum InitError {
    /// A file of the new site is already there.
    Exists(PathBuf),
    /// The file system refused.
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Exists(path) => write!(
                f,
                "{}: already exists; init writes only into a new or empty project",
                crate::project::display(path)
            ),
            InitError::Io(path, error) => {
                write!(f, "{}: cannot write: {error}", crate::project::display(path))
            }
        }
    }
}

impl std::error::Error for InitError {}

/// Writes a new site into `dir` (created if needed); returns the files written. The CI
/// workflow installs wirefeed from the git repository `wirefeed_git`; without one, its first
/// step asks for it.
pub fn init(dir: &Path, wirefeed_git: Option<&str>) -> Result<Vec<PathBuf>, InitError> {
    let paths: Vec<PathBuf> = FILES.iter().map(|path| dir.join(path)).collect();
    if let Some(existing) = paths.iter().find(|path| path.exists()) {
        return Err(InitError::Exists(existing.clone()));
    }
    for (path, text) in paths.iter().zip(texts(wirefeed_git)) {
        let parent = path.parent().expect("every file is in the site's directory");
        fs::create_dir_all(parent).map_err(|error| InitError::Io(parent.to_owned(), error))?;
        fs::write(path, text).map_err(|error| InitError::Io(path.clone(), error))?;
    }
    Ok(paths)
}

const FEED_TOML: &str = r#"# wirefeed settings. Every key is optional; the values below are examples, and commented
# keys show the defaults. `wirefeed build` reads this file from seeds/feed.toml.

# The feeds' title, and what they are about.
title = "My newsroom"
description = "Wire articles from my newsroom"

# The absolute address where the feeds/ directory is published. Every link is built from it.
base-url = "https://news.example.org/"

# Credited when an article has neither an `author:` field nor a dateline agency.
author = "My newsroom desk"

# The feeds' language (BCP 47).
# language = "en"

# The permanent prefix of every article id (an RFC 4151 tag: URI). Choose it once and never
# change it: readers would show every article again as new.
id-prefix = "tag:news.example.org,2026:"

# Date-only articles (`date 2026-01-10`) are published at midnight at this UTC offset.
# date-offset = "+00:00"

# How many of the newest articles each live feed holds; 0 for all. Archives hold every one.
# item-limit = 50

# A WebSub hub to announce, which `wirefeed publish --ping` notifies when feeds change.
# hub = "https://hub.example.org/"

# The static full-text search below search/, rebuilt whole when an article in it changes; an
# archive of a hundred thousand articles or more may turn it off to keep edits quick.
# search = true
"#;

const SAMPLE_ARTICLE: &str = "tags: Newsroom\n\
date 2026-01-10 LONDON, Jan 10 (Wirefeed) - The newsroom published its first article with \
wirefeed on Saturday, a plain text file turned into feeds that readers can subscribe to.\n\
\n\
Each article is one text file in seeds/: optional fields such as title and tags, a date line, \
then the text as the wire sends it. Paragraphs are separated by blank lines.\n\
\n\
How to publish\n\
\n\
Run wirefeed build, then copy the feeds/ directory to any static host.\n";

const GITIGNORE: &str = "# wirefeed's cache: this machine's build fingerprint and WebSub ping record.\n\
/.wirefeed/\n";

const WORKFLOW: &str = r#"# Checks the site on every push and pull request; on main, deploys feeds/ to GitHub Pages and
# tells the WebSub hub (if seeds/feed.toml sets `hub`) which feeds changed.
# Enable Pages with "GitHub Actions" as the source, and set `base-url` to the Pages address.
name: wirefeed

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

env:
  # The git repository to install the wirefeed tool from (`wirefeed init --wirefeed-git URL`
  # fills it in).
  WIREFEED_GIT: "{wirefeed-git}"

concurrency:
  group: ${{ github.workflow }}-${{ github.ref }}
  cancel-in-progress: false

jobs:
  check:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      - name: Install wirefeed (build features only; no HTTP server or client is needed here)
        run: |
          if [ -z "$WIREFEED_GIT" ]; then
            echo "::error::set WIREFEED_GIT in .github/workflows/wirefeed.yml to the git URL of wirefeed"
            exit 1
          fi
          cargo install --locked --git "$WIREFEED_GIT" wirefeed --no-default-features
      # feeds/ must be what `wirefeed build` makes of seeds/, and every feed must be valid.
      - run: wirefeed build --check
      - run: wirefeed validate

  deploy:
    needs: check
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: dtolnay/rust-toolchain@stable
      - run: cargo install --locked --git "$WIREFEED_GIT" wirefeed --no-default-features --features ping
      - run: wirefeed publish
      - uses: actions/configure-pages@v5
      - uses: actions/upload-pages-artifact@v3
        with:
          path: feeds
      - id: deployment
        uses: actions/deploy-pages@v4
      # Only the feeds whose bytes changed in this push are announced.
      - name: Notify the WebSub hub
        run: |
          if grep -Eq '^[[:space:]]*hub[[:space:]]*=' seeds/feed.toml; then
            wirefeed publish --ping --changed-since "${{ github.event.before }}"
          fi
"#;

#[cfg(test)]
mod tests {
    #[test]
    fn init_writes_a_site_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let written = super::init(&site, Some("https://git.example/wirefeed.git")).unwrap();
        assert_eq!(written.len(), super::FILES.len());
        let workflow =
            std::fs::read_to_string(site.join(".github/workflows/wirefeed.yml")).unwrap();
        assert!(workflow.contains("WIREFEED_GIT: \"https://git.example/wirefeed.git\""));
        assert!(site.join("seeds/welcome.txt").is_file());
        let before = std::fs::read(site.join("seeds/feed.toml")).unwrap();
        std::fs::write(site.join("seeds/feed.toml"), "title = \"mine\"\n").unwrap();
        let error = super::init(&site, None).unwrap_err();
        assert!(matches!(error, super::InitError::Exists(_)), "{error}");
        assert_eq!(std::fs::read(site.join("seeds/feed.toml")).unwrap(), b"title = \"mine\"\n");
        assert_ne!(before, b"title = \"mine\"\n");
    }
}
