//! Validation: the `validator` crate over the site's XML feeds, file by file.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use validator::{Diagnostic, Severity};

/// What the validator found in one file.
#[derive(Debug)]
pub struct Checked {
    /// The file.
    pub path: PathBuf,
    /// Every finding, in document order.
    pub findings: Vec<Diagnostic>,
}

impl Checked {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|finding| finding.severity == severity).count()
    }
}

/// Reads and validates one feed.
pub fn check_file(path: &Path) -> io::Result<Checked> {
    let bytes = fs::read(path)?;
    Ok(Checked { path: path.to_owned(), findings: validator::validate(&bytes) })
}

/// Every `.xml` file under `out` but the sitemaps, in path order: the site's feeds, and any
/// other XML file put there. Hidden directories are not looked into: they are not served, and
/// a build stages new directories whole in hidden twins (`.articles.<pid>.tmp/`).
pub fn feed_files(out: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut directories = vec![out.to_owned()];
    while let Some(directory) = directories.pop() {
        for entry in fs::read_dir(&directory)? {
            let path = entry?.path();
            if path.is_dir() {
                let hidden =
                    path.file_name().is_some_and(|name| name.as_encoded_bytes().starts_with(b"."));
                if !hidden {
                    directories.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "xml") && !is_sitemap(out, &path) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Whether `path` below `out` is one of the site's sitemaps, which are not feeds.
fn is_sitemap(out: &Path, path: &Path) -> bool {
    let Some(relative) = path.strip_prefix(out).ok().and_then(Path::to_str) else { return false };
    let relative = relative.replace(std::path::MAIN_SEPARATOR, "/");
    matches!(
        feed::layout::FileKind::parse(&relative),
        Some(feed::layout::FileKind::Sitemap(_) | feed::layout::FileKind::NewsSitemap)
    )
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::feed_files;

    #[test]
    fn feeds_in_hidden_directories_are_not_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for path in ["rss.xml", "tags/a.xml", ".tags.42.tmp/a.xml", "tags/.b.xml.42.tmp"] {
            let path = out.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "<rss/>").unwrap();
        }
        assert_eq!(feed_files(out).unwrap(), [out.join("rss.xml"), out.join("tags/a.xml")]);
    }
}
