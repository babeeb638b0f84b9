//! Finding the seeds: every `NAME.txt` in the seeds directory and the directories below it.
//!
//! The tree is read on every core, one directory per task, and every file is described by its
//! metadata alone (size, modification and change times, inode): nothing is opened. A seed's key
//! is its file name without `.txt`, and keys are unique across the whole tree, so
//! `seeds/2024/07/10/x.txt` is the article `x` and its page is `articles/x.html` wherever its seed
//! sits. Hidden entries (`.git`, editors' temporaries) are left out, and so is the settings file
//! at the top. Symbolic links are never followed, to a file or a directory.

use std::{
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

impl Scan {
    /// A digest of every seed's name and metadata, in name order: equal digests mean, short of
    /// a 128-bit collision, that every seed is listed as it was.
    pub(crate) fn digest(&self) -> u128 {
        let mut state = xxhash_rust::xxh3::Xxh3::new();
        for seed in &self.seeds {
            let Stamp { size, modified, changed, inode } = seed.stamp;
            state.update(seed.name.as_bytes());
            state.update(&[0]);
            for number in [size as i64, modified, changed, inode as i64] {
                state.update(&number.to_le_bytes());
            }
        }
        state.digest128()
    }
}

/// Lists every seed below `seeds`.
pub(crate) fn scan(seeds: &Path) -> Result<Scan, BuildError> {
    let top = fs::read_dir(seeds)
        .map_err(|error| BuildError::io(seeds, "read the seeds directory", error))?;
    drop(top);
    let Listing { mut found, mut problems, mut photos } = directory(seeds, "");
    photos.sort_by(|a, b| a.0.cmp(&b.0));
    // Directory order differs between file systems; the output must not. Each directory is
    // listed in name order, so the whole is too, but for names with a character that sorts
    // before `/`.
    if !found.is_sorted_by(|a, b| a.name < b.name) {
        found.par_sort_unstable_by(|a, b| a.name.cmp(&b.name));
    }
    problems.sort_by(|a, b| a.path().cmp(b.path()));
    // A key found again: the seed of that name first in name order keeps it.
    let mut twice = Vec::new();
    if !found.is_sorted_by(|a, b| a.key < b.key) {
        // Sorted by a hash of the key, equal keys are neighbours; a million hashes sort in a
        // few tens of milliseconds, where a map of the keys takes half a second.
        let mut hashes: Vec<(u64, usize)> = (found.par_iter().enumerate())
            .map(|(index, seed)| (xxhash_rust::xxh3::xxh3_64(seed.key.as_str().as_bytes()), index))
            .collect();
        hashes.par_sort_unstable();
        for run in hashes.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            // Equal hashes, in name order; the keys may still differ.
            let mut firsts: Vec<usize> = Vec::new();
            for &(_, index) in run {
                let key = &found[index].key;
                match firsts.iter().find(|&&first| found[first].key == *key) {
                    Some(&first) => twice.push((index, first)),
                    None => firsts.push(index),
                }
            }
        }
        twice.sort_unstable();
    }
    if !twice.is_empty() {
        let later: std::collections::BTreeSet<usize> =
            twice.iter().map(|&(index, _)| index).collect();
        problems.extend(twice.iter().map(|&(index, earlier)| SeedProblem::DuplicateKey {
            path: seeds.join(&found[index].name),
            key: found[index].key.to_string(),
            first: seeds.join(&found[earlier].name),
        }));
        let mut at = 0;
        found.retain(|_| {
            at += 1;
            !later.contains(&(at - 1))
        });
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
    /// A seed, or a directory to list, by its name in this directory.
    enum Item {
        Seed(Found),
        Below(PathBuf, String),
    }
    let mut items: Vec<(String, Item)> = Vec::new();
    let mut problems = Vec::new();
    let mut photos = Vec::new();
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(SeedProblem::Unreadable { path: path.to_owned(), error });
            return Listing { found: Vec::new(), problems, photos };
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
        let relative = || {
            let mut relative = String::with_capacity(prefix.len() + name.len() + 1);
            relative.push_str(prefix);
            relative.push_str(name);
            relative
        };
        if kind.is_symlink() {
            // A pull request must not be able to publish a file from outside the repository.
            problems.push(SeedProblem::SymbolicLink { path: entry.path() });
        } else if kind.is_dir() {
            let mut below = relative();
            below.push('/');
            items.push((name.to_owned(), Item::Below(entry.path(), below)));
        } else if !kind.is_file() {
            problems.push(SeedProblem::NotAFile { path: entry.path() });
        } else {
            let Some(stem) = name.strip_suffix(".txt") else {
                if article::media_type(name).is_some() {
                    photos.push((relative(), Stamp::of(&metadata)));
                } else {
                    problems.push(SeedProblem::NotAnArticle { path: entry.path() });
                }
                continue;
            };
            match ArticleKey::new(stem) {
                Ok(key) => {
                    let seed = Found { name: relative(), key, stamp: Stamp::of(&metadata) };
                    items.push((name.to_owned(), Item::Seed(seed)));
                }
                Err(error) => problems.push(SeedProblem::BadKey { path: entry.path(), error }),
            }
        }
    }
    items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut nested: std::vec::IntoIter<Listing> = items
        .par_iter()
        .filter_map(|(_, item)| match item {
            Item::Below(path, prefix) => Some(directory(path, prefix)),
            Item::Seed(_) => None,
        })
        .collect::<Vec<Listing>>()
        .into_iter();
    let mut found = Vec::with_capacity(items.len());
    for (_, item) in items {
        match item {
            Item::Seed(seed) => found.push(seed),
            Item::Below(..) => {
                let more = nested.next().expect("one listing per directory");
                found.extend(more.found);
                problems.extend(more.problems);
                photos.extend(more.photos);
            }
        }
    }
    Listing { found, problems, photos }
}
