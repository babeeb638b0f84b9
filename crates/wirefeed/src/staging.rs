//! Where a build stages the files it writes before renaming them into place.
//!
//! A file is staged beside the one it replaces (`.<name>.<pid>.tmp`) and renamed over it. But a
//! top-level directory of the site that does not exist yet (all of them in a first build) is
//! staged whole, in a hidden twin beside it (`.<directory>.<pid>.tmp/`, the files under their
//! own names), and the twin is renamed into place at once: a first build of a hundred thousand
//! articles renames a few directories instead of a hundred thousand files, and each directory
//! appears complete. A twin, like a temporary file, is named after its process, so a run that
//! is killed leaves it for the next one to remove.

use std::{
    collections::BTreeSet,
    fs, io,
    path::{Path, PathBuf},
    sync::Mutex,
};

/// How this run stages the files of the output directory `out`.
#[derive(Debug)]
pub(crate) struct Staging {
    out: PathBuf,
    pid: u32,
    /// The names in the output directory when the run began, sorted.
    existing: Vec<String>,
    /// Whether to stage every file beside its final path: the output directory could not be
    /// listed whole.
    every_directory_exists: bool,
    /// The top-level directories staged in twins so far, by name.
    twins: Mutex<BTreeSet<String>>,
}

impl Staging {
    /// Staging for `out`, as it is now. Twins this process left in an earlier build that
    /// failed (a publisher builds many times) are removed first.
    pub(crate) fn new(out: &Path) -> Staging {
        let pid = std::process::id();
        let mut existing = Vec::new();
        // Without a whole listing no directory can be known to be new: files are then staged
        // one by one, as in a directory that exists.
        let entries = fs::read_dir(out).and_then(|entries| entries.collect::<io::Result<Vec<_>>>());
        let every_directory_exists = entries.is_err();
        for entry in entries.into_iter().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if pid_of(&name) == Some(pid) && entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                let _ = fs::remove_dir_all(entry.path());
                continue;
            }
            existing.push(name);
        }
        existing.sort();
        let twins = Mutex::new(BTreeSet::new());
        Staging { out: out.to_owned(), pid, existing, every_directory_exists, twins }
    }

    /// The top-level directory `relative` (a `/`-separated path below the output directory)
    /// is in, and the rest of the path, when that directory is staged in a twin.
    fn in_twin<'a>(&self, relative: &'a str) -> Option<(&'a str, &'a str)> {
        let (top, rest) = relative.split_once('/')?;
        let exists = self.every_directory_exists
            || self.existing.binary_search_by(|name| name.as_str().cmp(top)).is_ok();
        (!exists).then_some((top, rest))
    }

    /// Whether the file at `relative` is staged in a twin, and moves with it.
    pub(crate) fn moves_with_twin(&self, relative: &str) -> bool {
        self.in_twin(relative).is_some()
    }

    /// The twin of the top-level directory `top`.
    fn twin(&self, top: &str) -> PathBuf {
        self.out.join(temporary_name(top, self.pid))
    }

    /// Where the file at `relative` is staged, and where it goes.
    pub(crate) fn paths(&self, relative: &str) -> (PathBuf, PathBuf) {
        let path = self.out.join(relative);
        match self.in_twin(relative) {
            Some((top, rest)) => (self.twin(top).join(rest), path),
            None => {
                let name = relative.rsplit('/').next().unwrap_or_default();
                (path.with_file_name(temporary_name(name, self.pid)), path)
            }
        }
    }

    /// Makes the directory `relative` (`""`: the output directory) where this run stages its
    /// files, and returns it.
    pub(crate) fn make_directory(&self, relative: &str) -> io::Result<PathBuf> {
        let with_slash = format!("{relative}/");
        let twin = if relative.is_empty() { None } else { self.in_twin(&with_slash) };
        let directory = match twin {
            Some((top, rest)) => {
                self.twins().insert(top.to_owned());
                self.twin(top).join(rest)
            }
            None => self.out.join(relative),
        };
        fs::create_dir_all(&directory)?;
        Ok(directory)
    }

    fn twins(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.twins.lock().unwrap_or_else(|poison| poison.into_inner())
    }

    /// Whether any directory is staged in a twin.
    pub(crate) fn has_twins(&self) -> bool {
        !self.twins().is_empty()
    }

    /// Renames the twins whose directory `which` chooses into place.
    pub(crate) fn rename_twins(
        &self,
        which: impl Fn(&str) -> bool,
    ) -> Result<(), (PathBuf, io::Error)> {
        let twins = self.twins().clone();
        for top in twins.iter().filter(|top| which(top)) {
            let path = self.out.join(top);
            fs::rename(self.twin(top), &path).map_err(|error| (path, error))?;
            self.twins().remove(top);
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// Twins not renamed into place (the build failed) are removed.
    fn drop(&mut self) {
        for top in self.twins().iter() {
            let _ = fs::remove_dir_all(self.twin(top));
        }
    }
}

/// The temporary file (or twin directory) a process stages `name` in: hidden, and named after
/// the process, so concurrent runs never write to the same one.
pub(crate) fn temporary_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// The process a temporary name (`.<name>.<pid>.tmp`) was made by.
pub(crate) fn pid_of(name: &str) -> Option<u32> {
    name.strip_prefix('.')?.strip_suffix(".tmp")?.rsplit('.').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::{Staging, pid_of, temporary_name};

    #[test]
    fn a_new_top_level_directory_is_staged_whole_and_an_existing_one_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir(out.join("articles")).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        let staging = Staging::new(out);
        let pid = std::process::id();
        let (temporary, path) = staging.paths("articles/a.html");
        assert_eq!(temporary, out.join("articles").join(temporary_name("a.html", pid)));
        assert_eq!(path, out.join("articles/a.html"));
        let (temporary, path) = staging.paths("index.html");
        assert_eq!(temporary, out.join(temporary_name("index.html", pid)));
        assert_eq!(path, out.join("index.html"));
        let (temporary, path) = staging.paths("archive/2024/07.xml");
        assert_eq!(temporary, out.join(temporary_name("archive", pid)).join("2024/07.xml"));
        assert_eq!(path, out.join("archive/2024/07.xml"));
        assert!(!staging.has_twins());

        assert_eq!(
            staging.make_directory("archive/2024").unwrap(),
            out.join(temporary_name("archive", pid)).join("2024")
        );
        assert_eq!(staging.make_directory("articles").unwrap(), out.join("articles"));
        assert_eq!(staging.make_directory("").unwrap(), out);
        assert!(staging.has_twins());
        fs::write(&temporary, "new").unwrap();
        staging.rename_twins(|_| true).unwrap();
        assert_eq!(fs::read_to_string(out.join("archive/2024/07.xml")).unwrap(), "new");
        assert!(!staging.has_twins());
        assert!(!out.join(temporary_name("archive", pid)).exists());
    }

    #[test]
    fn an_output_directory_that_cannot_be_listed_is_staged_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("not-there");
        let staging = Staging::new(&out);
        let (temporary, _) = staging.paths("articles/a.html");
        let name = temporary_name("a.html", std::process::id());
        assert_eq!(temporary, out.join("articles").join(name));
        assert!(!staging.moves_with_twin("articles/a.html"));
    }

    #[test]
    fn twins_not_renamed_are_removed_and_a_failed_builds_twins_too() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let twin = {
            let staging = Staging::new(out);
            let twin = staging.make_directory("tags").unwrap();
            fs::write(twin.join("a.xml"), "staged").unwrap();
            twin
        };
        assert!(!twin.exists());
        // A twin of this process left behind (as by a kill of a thread's build) is removed by
        // the next staging, and is not taken for an existing directory.
        fs::create_dir_all(&twin).unwrap();
        let staging = Staging::new(out);
        assert!(!twin.exists());
        assert!(staging.moves_with_twin("tags/a.xml"));
        assert_eq!(pid_of(&temporary_name("tags", 42)), Some(42));
        assert_eq!(pid_of("tags"), None);
    }
}
