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

/// What the seeds directory holds, as a build takes it.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// The seeds, in name order, each key once.
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
        digest(&self.seeds)
    }
}

/// The digest of `seeds`' names and metadata, in their order.
fn digest(seeds: &[Found]) -> u128 {
    let mut state = xxhash_rust::xxh3::Xxh3::new();
    for seed in seeds {
        let Stamp { size, modified, changed, inode } = seed.stamp;
        state.update(seed.name.as_bytes());
        state.update(&[0]);
        for number in [size as i64, modified, changed, inode as i64] {
            state.update(&number.to_le_bytes());
        }
    }
    state.digest128()
}

/// Everything below the seeds directory that a build looks at, kept by `watch` between builds
/// and brought up to date path by path from the file system's events: the seeds (a key found
/// twice included), the photos and the entries that cannot be seeds, each in name order. A
/// build takes it whole ([`Listing::scan`]): a million seeds' names are not kept twice.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    found: Vec<Found>,
    problems: Vec<SeedProblem>,
    photos: Vec<(String, Stamp)>,
}

impl Listing {
    /// The listing of `found` seeds, every one good, in name order, and of `photos`, as a
    /// build that took one left them.
    #[cfg(feature = "watch")]
    pub(crate) fn of(found: Vec<Found>, photos: Vec<(String, Stamp)>) -> Listing {
        let mut listing = Listing { found, problems: Vec::new(), photos };
        listing.order();
        listing
    }
}

/// Lists every seed below `seeds`.
pub(crate) fn list(seeds: &Path) -> Result<Listing, BuildError> {
    let top = fs::read_dir(seeds)
        .map_err(|error| BuildError::io(seeds, "read the seeds directory", error))?;
    drop(top);
    let mut listing = directory(seeds, "");
    listing.order();
    Ok(listing)
}

impl Listing {
    /// Puts each list in name order. Each directory is listed in name order, so the seeds
    /// are too, but for names with a character that sorts before `/`; directory order differs
    /// between file systems, and the output must not.
    fn order(&mut self) {
        self.photos.sort_by(|a, b| a.0.cmp(&b.0));
        if !self.found.is_sorted_by(|a, b| a.name < b.name) {
            self.found.par_sort_unstable_by(|a, b| a.name.cmp(&b.name));
        }
        self.problems.sort_by(|a, b| a.path().cmp(b.path()));
    }

    /// The photos, in name order.
    pub(crate) fn photos(&self) -> &[(String, Stamp)] {
        &self.photos
    }

    /// [`Scan::digest`] of the scan this listing gives, when it lists no entry that cannot be
    /// a seed; known before keys are checked for duplicates. A listing with a key twice gives
    /// a digest no scan without problems gives, so equal to a digest recorded by a build
    /// without problems, it means the same seeds and none twice.
    pub(crate) fn digest_if_clean(&self) -> Option<u128> {
        self.problems.is_empty().then(|| digest(&self.found))
    }

    /// The seeds as a build takes them: a key found again is a problem, and the seed of that
    /// name first in name order keeps it.
    pub(crate) fn scan(self, seeds: &Path) -> Scan {
        let Listing { mut found, mut problems, photos } = self;
        let mut twice = Vec::new();
        if !found.is_sorted_by(|a, b| a.key < b.key) {
            // Sorted by a hash of the key, equal keys are neighbours; a million hashes sort in
            // a few tens of milliseconds, where a map of the keys takes half a second.
            let mut hashes: Vec<(u64, usize)> = (found.par_iter().enumerate())
                .map(|(index, seed)| {
                    (xxhash_rust::xxh3::xxh3_64(seed.key.as_str().as_bytes()), index)
                })
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
            problems.extend(twice.iter().map(|&(index, earlier)| SeedProblem::DuplicateKey {
                path: seeds.join(&found[index].name),
                key: found[index].key.to_string(),
                first: seeds.join(&found[earlier].name),
            }));
            problems.sort_by(|a, b| a.path().cmp(b.path()));
            let later: std::collections::BTreeSet<usize> =
                twice.iter().map(|&(index, _)| index).collect();
            let mut at = 0;
            found.retain(|_| {
                at += 1;
                !later.contains(&(at - 1))
            });
        }
        Scan { seeds: found, problems, photos }
    }

    /// Brings the listing up to date with the paths the file system says changed (created,
    /// written, removed, renamed from or to), each looked at again as [`list`] would: a file by
    /// its metadata, a directory listed whole. Returns `false`, leaving the listing as it was,
    /// when a path says the seeds must be listed again from the top: the seeds directory
    /// itself, or a name that is not UTF-8.
    #[cfg(feature = "watch")]
    pub(crate) fn update(&mut self, seeds: &Path, paths: &[PathBuf]) -> bool {
        let mut changed: Vec<String> = Vec::with_capacity(paths.len());
        for path in paths {
            let Ok(relative) = path.strip_prefix(seeds) else { continue };
            let mut name = String::new();
            for part in relative.components() {
                let std::path::Component::Normal(part) = part else { return false };
                let Some(part) = part.to_str() else { return false };
                if !name.is_empty() {
                    name.push('/');
                }
                name.push_str(part);
            }
            if name.is_empty() {
                return false;
            }
            changed.push(name);
        }
        // In the order of their parts, everything below a path comes right after it (in the
        // order of their bytes, `d.txt` would come between `d` and `d/x.txt`), and a path
        // below another that changed is listed with it.
        changed.sort_unstable_by(|a, b| a.split('/').cmp(b.split('/')));
        changed.dedup();
        let mut tops: Vec<String> = Vec::with_capacity(changed.len());
        for name in changed {
            if !tops.last().is_some_and(|top| {
                name.strip_prefix(top.as_str()).is_some_and(|rest| rest.starts_with('/'))
            }) {
                tops.push(name);
            }
        }
        let mut fresh = Listing::default();
        for name in &tops {
            let more = entry(seeds, name);
            fresh.found.extend(more.found);
            fresh.problems.extend(more.problems);
            fresh.photos.extend(more.photos);
        }
        // Out goes what the listing held at or below each changed path; in comes what is
        // there now. A photo by its name, a problem by its path (which need not be UTF-8):
        // either is gone when it or a directory above it changed.
        let names: std::collections::BTreeSet<&str> = tops.iter().map(String::as_str).collect();
        let below = |name: &str| {
            names.contains(name)
                || name.match_indices('/').any(|(slash, _)| names.contains(&name[..slash]))
        };
        let paths: std::collections::BTreeSet<PathBuf> =
            tops.iter().map(|top| seeds.join(top)).collect();
        let below_path = |path: &Path| path.ancestors().any(|above| paths.contains(above));
        // The seeds at or below the changed paths, as ranges of the list in name order: a
        // million seeds are not all compared with them.
        let mut gone: Vec<std::ops::Range<usize>> = Vec::with_capacity(tops.len() * 2);
        for top in &tops {
            let exact = self.found.partition_point(|seed| seed.name.as_str() < top.as_str());
            if self.found.get(exact).is_some_and(|seed| seed.name == *top) {
                gone.push(exact..exact + 1);
            }
            let (from, to) = (format!("{top}/"), format!("{top}0"));
            let start = self.found.partition_point(|seed| seed.name < from);
            let end = self.found.partition_point(|seed| seed.name < to);
            gone.push(start..end);
        }
        gone.sort_unstable_by_key(|range| range.start);
        let (mut at, mut next) = (0, 0);
        self.found.retain(|_| {
            while gone.get(next).is_some_and(|range| range.end <= at) {
                next += 1;
            }
            at += 1;
            !gone.get(next).is_some_and(|range| range.contains(&(at - 1)))
        });
        self.photos.retain(|(name, _)| !below(name));
        self.problems.retain(|problem| !below_path(problem.path()));
        // A few seeds are put in their places; many are sorted in.
        fresh.found.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        if fresh.found.len() <= 16 {
            for seed in fresh.found {
                let at = self.found.partition_point(|found| found.name < seed.name);
                self.found.insert(at, seed);
            }
        } else {
            self.found.append(&mut fresh.found);
        }
        self.photos.append(&mut fresh.photos);
        self.problems.append(&mut fresh.problems);
        self.order();
        true
    }
}

/// What the tree holds at `name` (relative to `seeds`, `/`-separated) as [`list`] would find
/// it: nothing when it is gone, hidden, or below something that is not a directory listed.
#[cfg(feature = "watch")]
fn entry(seeds: &Path, name: &str) -> Listing {
    let mut listing = Listing::default();
    let (parent, file_name) = name.rsplit_once('/').unwrap_or(("", name));
    // Hidden names are skipped at every level, and the settings file (or whatever has its
    // name) at the top.
    if name.split('/').any(|part| part.starts_with('.'))
        || name.split('/').next() == Some(SETTINGS_FILE)
    {
        return listing;
    }
    // Every directory on the way must be one that is listed: not a link, not gone.
    let mut at = seeds.to_path_buf();
    for part in parent.split('/').filter(|part| !part.is_empty()) {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(metadata) if metadata.file_type().is_dir() => {}
            _ => return listing,
        }
    }
    let path = seeds.join(name);
    let metadata = match fs::symlink_metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return listing,
        Err(error) => {
            listing.problems.push(SeedProblem::Unreadable { path, error });
            return listing;
        }
    };
    let prefix = if parent.is_empty() { String::new() } else { format!("{parent}/") };
    match classify(&|| path.clone(), file_name, &prefix, &metadata) {
        Item::Seed(seed) => listing.found.push(seed),
        Item::Photo(name, stamp) => listing.photos.push((name, stamp)),
        Item::Problem(problem) => listing.problems.push(problem),
        Item::Below(path, prefix) => listing = directory(&path, &prefix),
    }
    listing
}

/// One entry of a directory, as the listing takes it.
enum Item {
    Seed(Found),
    Photo(String, Stamp),
    Problem(SeedProblem),
    /// A directory to list, with its name relative to the seeds directory and a final `/`.
    Below(PathBuf, String),
}

/// What the entry `name` at `path`, in the directory `prefix` (relative to the seeds
/// directory, with a final `/` unless it is the top), is to the listing. Symbolic links are
/// never followed: `metadata` describes a link itself.
fn classify(path: &dyn Fn() -> PathBuf, name: &str, prefix: &str, metadata: &fs::Metadata) -> Item {
    let kind = metadata.file_type();
    let relative = || {
        let mut relative = String::with_capacity(prefix.len() + name.len() + 1);
        relative.push_str(prefix);
        relative.push_str(name);
        relative
    };
    if kind.is_symlink() {
        // A pull request must not be able to publish a file from outside the repository.
        Item::Problem(SeedProblem::SymbolicLink { path: path() })
    } else if kind.is_dir() {
        let mut below = relative();
        below.push('/');
        Item::Below(path(), below)
    } else if !kind.is_file() {
        Item::Problem(SeedProblem::NotAFile { path: path() })
    } else {
        let Some(stem) = name.strip_suffix(".txt") else {
            return match article::media_type(name) {
                Some(_) => Item::Photo(relative(), Stamp::of(metadata)),
                None => Item::Problem(SeedProblem::NotAnArticle { path: path() }),
            };
        };
        match ArticleKey::new(stem) {
            Ok(key) => Item::Seed(Found { name: relative(), key, stamp: Stamp::of(metadata) }),
            Err(error) => Item::Problem(SeedProblem::BadKey { path: path(), error }),
        }
    }
}

/// The seeds and problems of one directory and those below it; `prefix` is its name relative
/// to the seeds directory, with a final `/` unless it is the top.
fn directory(path: &Path, prefix: &str) -> Listing {
    let mut pieces = Vec::new();
    directory_pieces(path, prefix, &mut pieces);
    let mut listing = Listing {
        found: Vec::with_capacity(pieces.iter().map(|piece| piece.found.len()).sum()),
        problems: Vec::new(),
        photos: Vec::new(),
    };
    for piece in pieces {
        listing.found.extend(piece.found);
        listing.problems.extend(piece.problems);
        listing.photos.extend(piece.photos);
    }
    listing
}

/// [`directory`] as pieces appended to `pieces`, in order: each directory's seeds between its
/// directories, then its photos and problems. Concatenated once at the end, a million seeds
/// in a tree four levels deep are not copied (and their memory faulted in) at every level.
fn directory_pieces(path: &Path, prefix: &str, pieces: &mut Vec<Listing>) {
    let mut items: Vec<Item> = Vec::new();
    let mut problems = Vec::new();
    let mut photos = Vec::new();
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(SeedProblem::Unreadable { path: path.to_owned(), error });
            pieces.push(Listing { found: Vec::new(), problems, photos });
            return;
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
        // The entry's path is made only for a directory or a problem, not for each seed.
        match classify(&|| entry.path(), name, prefix, &metadata) {
            Item::Photo(name, stamp) => photos.push((name, stamp)),
            Item::Problem(problem) => problems.push(problem),
            item => items.push(item),
        }
    }
    // In the order of the entries' names, read from the names relative to the seeds directory
    // (a seed's, or a directory's without its final `/`).
    fn name_of<'a>(item: &'a Item, prefix: &str) -> &'a str {
        match item {
            Item::Seed(seed) => &seed.name[prefix.len()..],
            Item::Below(_, below) => &below[prefix.len()..below.len() - 1],
            Item::Photo(..) | Item::Problem(_) => unreachable!("kept apart above"),
        }
    }
    items.sort_unstable_by(|a, b| name_of(a, prefix).cmp(name_of(b, prefix)));
    let mut nested: std::vec::IntoIter<Vec<Listing>> = items
        .par_iter()
        .filter_map(|item| match item {
            Item::Below(path, prefix) => {
                let mut below = Vec::new();
                directory_pieces(path, prefix, &mut below);
                Some(below)
            }
            _ => None,
        })
        .collect::<Vec<Vec<Listing>>>()
        .into_iter();
    let mut found = Vec::new();
    for item in items {
        match item {
            Item::Seed(seed) => found.push(seed),
            Item::Below(..) => {
                if !found.is_empty() {
                    let seeds = std::mem::take(&mut found);
                    pieces.push(Listing { found: seeds, ..Listing::default() });
                }
                pieces.extend(nested.next().expect("one listing per directory"));
            }
            Item::Photo(..) | Item::Problem(_) => unreachable!("kept apart above"),
        }
    }
    pieces.push(Listing { found, problems, photos });
}

#[cfg(all(test, feature = "watch"))]
mod tests {
    use super::*;

    /// What a listing holds, in a form two listings can be compared in.
    fn shown(listing: &Listing) -> Vec<String> {
        let mut shown: Vec<String> = (listing.found.iter())
            .map(|seed| format!("seed {} {} {:?}", seed.name, seed.key, seed.stamp))
            .collect();
        shown.extend(listing.photos.iter().map(|(name, stamp)| format!("photo {name} {stamp:?}")));
        shown.extend(listing.problems.iter().map(|problem| format!("problem {problem:?}")));
        shown
    }

    #[test]
    fn a_listing_updated_from_the_changed_paths_is_the_tree_listed_again() {
        let dir = tempfile::tempdir().unwrap();
        let seeds = dir.path().join("seeds");
        fs::create_dir_all(&seeds).unwrap();
        let mut listing = list(&seeds).unwrap();
        // A small linear congruential generator: the same steps on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |below: usize| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((state >> 33) as usize) % below
        };
        // Names that sort before `/` (`2024-old`, `2024.x`, `a b`) beside the ones they start.
        let directories = [
            "",
            "2024",
            "2024/07",
            "2024/07/10",
            "2024/08",
            "2024-old",
            "2024.x",
            "a b",
            ".hidden",
        ];
        let names =
            ["a.txt", "b.txt", "c.txt", "a b.txt", "p.jpg", "n.doc", ".tmp.txt", "feed.toml"];
        // The paths of one burst: a few steps' changes, given to the listing at once.
        let mut changed: Vec<PathBuf> = Vec::new();
        for step in 0..900 {
            let directory = seeds.join(directories[next(directories.len())]);
            let name = names[next(names.len())];
            let path = directory.join(name);
            // The paths the file system would name for this step.
            match next(7) {
                0 | 1 => {
                    // A file written, its parents made first (each an event of its own).
                    let mut parent = directory.clone();
                    let mut made = Vec::new();
                    while !parent.exists() {
                        made.push(parent.clone());
                        parent.pop();
                    }
                    fs::create_dir_all(&directory).unwrap();
                    changed.extend(made.into_iter().rev());
                    if fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_dir()) {
                        continue;
                    }
                    let _ = fs::remove_file(&path);
                    fs::write(&path, format!("step {step}")).unwrap();
                    changed.push(path);
                }
                2 if fs::remove_file(&path).is_ok() => changed.push(path),
                3 if directory != seeds => {
                    // A directory removed or renamed whole.
                    let mut to = seeds.join(directories[next(directories.len())]);
                    if to.exists() || !to.parent().is_some_and(Path::is_dir) {
                        to = seeds.join(format!("moved{step}"));
                    }
                    if !directory.is_dir() || to.starts_with(&directory) {
                        continue;
                    }
                    if next(2) == 0 {
                        fs::remove_dir_all(&directory).unwrap();
                    } else {
                        fs::rename(&directory, &to).unwrap();
                        changed.push(to);
                    }
                    changed.push(directory);
                }
                // A symbolic link, to a file or to a directory.
                #[cfg(unix)]
                4 if directory.is_dir() && fs::symlink_metadata(&path).is_err() => {
                    std::os::unix::fs::symlink(&seeds, &path).unwrap();
                    changed.push(path);
                }
                5 if path.is_file() => {
                    // A file renamed into another directory that is there.
                    let other = seeds.join(directories[next(directories.len())]);
                    let to = other.join(format!("r{}.txt", next(3)));
                    if other.is_dir() && fs::symlink_metadata(&to).is_err() {
                        fs::rename(&path, &to).unwrap();
                        changed.extend([path, to]);
                    }
                }
                _ => {}
            }
            if next(3) > 0 {
                continue;
            }
            assert!(listing.update(&seeds, &changed), "step {step}: {changed:?}");
            let again = list(&seeds).unwrap();
            assert_eq!(shown(&listing), shown(&again), "step {step}: {changed:?}");
            changed.clear();
        }
        assert!(
            !listing.update(&seeds, std::slice::from_ref(&seeds)),
            "the seeds directory itself"
        );
    }

    #[test]
    fn each_corner_of_the_tree_is_listed_as_a_fresh_listing_would() {
        // (what the tree holds, what changes, the paths the events name); found by review.
        type Step = fn(&Path) -> Vec<PathBuf>;
        let cases: Vec<(&str, Step, Step)> = vec![
            (
                "a directory renamed to a name that sorts between it and its files",
                |seeds| {
                    fs::create_dir_all(seeds.join("photos")).unwrap();
                    fs::write(seeds.join("photos/a.jpg"), "x").unwrap();
                    fs::write(seeds.join("photos/a.doc"), "x").unwrap();
                    vec![]
                },
                |seeds| {
                    fs::rename(seeds.join("photos"), seeds.join("photos-old")).unwrap();
                    vec![seeds.join("photos"), seeds.join("photos-old")]
                },
            ),
            (
                "a directory, a file below it and a file that sorts between them",
                |_| vec![],
                |seeds| {
                    fs::create_dir_all(seeds.join("d")).unwrap();
                    fs::write(seeds.join("d/x.txt"), "x").unwrap();
                    fs::write(seeds.join("d.txt"), "x").unwrap();
                    vec![seeds.join("d"), seeds.join("d/x.txt"), seeds.join("d.txt")]
                },
            ),
            (
                "a backslash in a name",
                |seeds| {
                    fs::write(seeds.join("a\\b.doc"), "x").unwrap();
                    vec![]
                },
                |seeds| {
                    fs::write(seeds.join("a\\b.doc"), "xy").unwrap();
                    vec![seeds.join("a\\b.doc")]
                },
            ),
            (
                "a directory named like the settings file",
                |seeds| {
                    fs::create_dir_all(seeds.join(SETTINGS_FILE)).unwrap();
                    vec![]
                },
                |seeds| {
                    fs::write(seeds.join(SETTINGS_FILE).join("x.txt"), "x").unwrap();
                    vec![seeds.join(SETTINGS_FILE).join("x.txt")]
                },
            ),
            (
                "more seeds than are put in their places one by one",
                |seeds| {
                    fs::create_dir_all(seeds.join("a")).unwrap();
                    fs::write(seeds.join("b.txt"), "x").unwrap();
                    fs::write(seeds.join("0.txt"), "x").unwrap();
                    vec![]
                },
                |seeds| {
                    (0..40)
                        .map(|at| {
                            let path = seeds.join(format!("a/k{at}.txt"));
                            fs::write(&path, "x").unwrap();
                            path
                        })
                        .collect()
                },
            ),
            #[cfg(unix)]
            (
                "a name that is not UTF-8 in a renamed directory",
                |seeds| {
                    use std::os::unix::ffi::OsStrExt;
                    fs::create_dir_all(seeds.join("d")).unwrap();
                    let name = std::ffi::OsStr::from_bytes(b"\xff.txt");
                    fs::write(seeds.join("d").join(name), "x").unwrap();
                    vec![]
                },
                |seeds| {
                    fs::rename(seeds.join("d"), seeds.join("e")).unwrap();
                    vec![seeds.join("d"), seeds.join("e")]
                },
            ),
            #[cfg(unix)]
            (
                "a directory replaced by a link to another",
                |seeds| {
                    fs::create_dir_all(seeds.join("d")).unwrap();
                    fs::create_dir_all(seeds.join("e")).unwrap();
                    fs::write(seeds.join("d/x.txt"), "x").unwrap();
                    fs::write(seeds.join("e/y.txt"), "x").unwrap();
                    vec![]
                },
                |seeds| {
                    fs::remove_dir_all(seeds.join("d")).unwrap();
                    std::os::unix::fs::symlink(seeds.join("e"), seeds.join("d")).unwrap();
                    fs::write(seeds.join("e/z.txt"), "x").unwrap();
                    // A watch that followed the link would name the new file below it too.
                    vec![seeds.join("d"), seeds.join("d/z.txt"), seeds.join("e/z.txt")]
                },
            ),
        ];
        for (case, before, change) in cases {
            let dir = tempfile::tempdir().unwrap();
            let seeds = dir.path().join("seeds");
            fs::create_dir_all(&seeds).unwrap();
            before(&seeds);
            let mut listing = list(&seeds).unwrap();
            let paths = change(&seeds);
            assert!(listing.update(&seeds, &paths), "{case}");
            assert_eq!(shown(&listing), shown(&list(&seeds).unwrap()), "{case}");
        }
    }
}
