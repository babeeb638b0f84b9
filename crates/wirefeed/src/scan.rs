//! Finding the seeds: every `NAME.txt` in the seeds directory and the directories below it.
//!
//! The tree is read on every core, one directory per task, and every file is described by its
//! metadata alone (size, modification and change times, inode): nothing is opened. A seed's key
//! is its file name without `.txt`, and keys are unique across the whole tree, so
//! `seeds/2024/07/10/x.txt` is the article `x` and its page is `articles/x.html` wherever its seed
//! sits. Hidden entries (`.git`, editors' temporaries) are left out, and so is the settings file
//! at the top. Symbolic links are never followed, to a file or a directory.

use std::{
    collections::BTreeMap,
    fs, io,
    path::{Path, PathBuf},
    time::UNIX_EPOCH,
};

use article::ArticleKey;
use rayon::prelude::*;

use crate::{
    error::{BuildError, SeedProblem},
    project::SETTINGS_FILE,
};

/// A file's metadata, as far as telling whether it changed goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stamp {
    pub(crate) size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub(crate) modified: i64,
    /// Status change time (Unix), which no tool can set back: an edit that keeps the
    /// modification time still moves it.
    pub(crate) changed: i64,
    pub(crate) inode: u64,
}

impl Stamp {
    pub(crate) fn of(metadata: &fs::Metadata) -> Stamp {
        let nanos = |time: io::Result<std::time::SystemTime>| {
            time.ok()
                .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |since| i64::try_from(since.as_nanos()).unwrap_or(i64::MAX))
        };
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                metadata
                    .ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(metadata.ctime_nsec()),
                metadata.ino(),
            )
        };
        #[cfg(not(unix))]
        let (changed, inode) = (0, 0);
        Stamp { size: metadata.len(), modified: nanos(metadata.modified()), changed, inode }
    }
}

/// One seed file found.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// Relative to the seeds directory, `/`-separated: `2024/07/10/x.txt`.
    pub(crate) name: String,
    pub(crate) key: ArticleKey,
    pub(crate) stamp: Stamp,
}

/// What the seeds directory holds.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// The seeds, in name order.
    pub(crate) seeds: Vec<Found>,
    /// Entries that cannot be seeds, and keys found twice.
    pub(crate) problems: Vec<SeedProblem>,
    /// The photos (files with a photo's extension), by name relative to the seeds directory,
    /// in name order.
    pub(crate) photos: Vec<(String, Stamp)>,
}

/// Lists every seed below `seeds`.
pub(crate) fn scan(seeds: &Path) -> Result<Scan, BuildError> {
    let top = fs::read_dir(seeds)
        .map_err(|error| BuildError::io(seeds, "read the seeds directory", error))?;
    drop(top);
    let Listing { mut found, mut problems, mut photos } = directory(seeds, "");
    photos.sort_by(|a, b| a.0.cmp(&b.0));
    // Directory order differs between file systems; the output must not.
    found.par_sort_unstable_by(|a, b| a.name.cmp(&b.name));
    problems.sort_by(|a, b| a.path().cmp(b.path()));
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    let mut twice = Vec::new();
    for seed in &found {
        if let Some(earlier) = first.insert(seed.key.as_str(), &seed.name) {
            twice.push((seed.name.clone(), earlier.to_owned(), seed.key.to_string()));
            first.insert(seed.key.as_str(), earlier);
        }
    }
    drop(first);
    if !twice.is_empty() {
        let names: std::collections::BTreeSet<&str> =
            twice.iter().map(|(name, _, _)| name.as_str()).collect();
        problems.extend(twice.iter().map(|(name, first, key)| SeedProblem::DuplicateKey {
            path: seeds.join(name),
            key: key.clone(),
            first: seeds.join(first),
        }));
        found.retain(|seed| !names.contains(seed.name.as_str()));
        problems.sort_by(|a, b| a.path().cmp(b.path()));
    }
    Ok(Scan { seeds: found, problems, photos })
}

/// What one directory and those below it hold.
#[derive(Default)]
struct Listing {
    found: Vec<Found>,
    problems: Vec<SeedProblem>,
    photos: Vec<(String, Stamp)>,
}

/// The seeds and problems of one directory and those below it; `prefix` is its name relative
/// to the seeds directory, with a final `/` unless it is the top.
fn directory(path: &Path, prefix: &str) -> Listing {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut photos = Vec::new();
    let mut below: Vec<(PathBuf, String)> = Vec::new();
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(SeedProblem::Unreadable { path: path.to_owned(), error });
            return Listing { found, problems, photos };
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(SeedProblem::Unreadable { path: path.to_owned(), error });
                continue;
            }
        };
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            problems.push(SeedProblem::NotAnArticle { path: entry.path() });
            continue;
        };
        if name.starts_with('.') || (prefix.is_empty() && name == SETTINGS_FILE) {
            continue;
        }
        // Not followed: `DirEntry::metadata` describes a link itself.
        let metadata = match entry.metadata() {
            Ok(metadata) => metadata,
            Err(error) => {
                problems.push(SeedProblem::Unreadable { path: entry.path(), error });
                continue;
            }
        };
        let kind = metadata.file_type();
        if kind.is_symlink() {
            // A pull request must not be able to publish a file from outside the repository.
            problems.push(SeedProblem::SymbolicLink { path: entry.path() });
        } else if kind.is_dir() {
            below.push((entry.path(), format!("{prefix}{name}/")));
        } else if !kind.is_file() {
            problems.push(SeedProblem::NotAFile { path: entry.path() });
        } else {
            let Some(stem) = name.strip_suffix(".txt") else {
                if article::media_type(name).is_some() {
                    photos.push((format!("{prefix}{name}"), Stamp::of(&metadata)));
                } else {
                    problems.push(SeedProblem::NotAnArticle { path: entry.path() });
                }
                continue;
            };
            match ArticleKey::new(stem) {
                Ok(key) => found.push(Found {
                    name: format!("{prefix}{name}"),
                    key,
                    stamp: Stamp::of(&metadata),
                }),
                Err(error) => problems.push(SeedProblem::BadKey { path: entry.path(), error }),
            }
        }
    }
    let nested: Vec<Listing> =
        below.par_iter().map(|(path, prefix)| directory(path, prefix)).collect();
    for more in nested {
        found.extend(more.found);
        problems.extend(more.problems);
        photos.extend(more.photos);
    }
    Listing { found, problems, photos }
}
