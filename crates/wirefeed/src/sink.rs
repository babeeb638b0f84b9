//! Where a rendered file goes: compared with the file on disk as it streams, and written to a
//! temporary file beside it only from the first difference on.
//!
//! So a build holds no file whole in memory, reads (not rewrites) the files that did not change,
//! and `build --check` compares without writing anything.

use std::{
    fs::File,
    io::{self, BufReader, Read as _, Write},
    path::PathBuf,
};

/// What a sink does with a file that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Stage the new content in this temporary file.
    Write(PathBuf),
    /// Only tell.
    Check,
}

/// How a streamed file compared with the one on disk.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The same bytes: nothing was written.
    Unchanged,
    /// Different or new (`Mode::Write`): the new content, complete, in this temporary file.
    Staged(PathBuf),
    /// Different or new (`Mode::Check`).
    Differs,
}

/// A `Write` that compares with `path` and stages the difference. Wrap it in a `BufWriter`:
/// it compares chunk by chunk as written.
#[derive(Debug)]
pub(crate) struct Sink {
    path: PathBuf,
    /// Where to stage the new content; `None` in `Mode::Check`.
    temporary: Option<PathBuf>,
    old: Option<BufReader<File>>,
    /// How many leading bytes matched the old file.
    matched: u64,
    differs: bool,
    /// Unbuffered: the caller's `BufWriter` hands over large chunks.
    staged: Option<File>,
    scratch: Vec<u8>,
}

impl Sink {
    /// A sink for `path`.
    pub(crate) fn new(path: PathBuf, mode: Mode) -> Sink {
        let old = File::open(&path).ok().map(|file| BufReader::with_capacity(1 << 16, file));
        let temporary = match mode {
            Mode::Write(temporary) => Some(temporary),
            Mode::Check => None,
        };
        Sink { path, temporary, old, matched: 0, differs: false, staged: None, scratch: Vec::new() }
    }

    /// A sink for `path` where no file can be (its directory is new to this run), staging in
    /// `temporary`: nothing is opened to compare with.
    pub(crate) fn new_file(path: PathBuf, temporary: PathBuf) -> Sink {
        let temporary = Some(temporary);
        Sink {
            path,
            temporary,
            old: None,
            matched: 0,
            differs: false,
            staged: None,
            scratch: Vec::new(),
        }
    }

    /// Whether this sink stages what differs (`Mode::Write`), rather than only telling.
    pub(crate) fn writes(&self) -> bool {
        self.temporary.is_some()
    }

    /// The file this sink compares with and replaces.
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Ends the file: whether it changed, and where the new content is staged (not synced: the
    /// build makes every staged file durable at once, before the first rename).
    pub(crate) fn finish(mut self) -> io::Result<Outcome> {
        if !self.differs {
            let longer = match &mut self.old {
                Some(old) => old.read(&mut [0])? > 0,
                None => true,
            };
            if !longer {
                return Ok(Outcome::Unchanged);
            }
            self.diverge()?;
        }
        let (Some(staged), Some(temporary)) = (self.staged.take(), self.temporary.take()) else {
            return Ok(Outcome::Differs);
        };
        drop(staged);
        Ok(Outcome::Staged(temporary))
    }

    /// Whether the next `bytes.len()` bytes of the old file are `bytes`.
    fn continues_old(&mut self, bytes: &[u8]) -> io::Result<bool> {
        let Some(old) = &mut self.old else { return Ok(false) };
        self.scratch.resize(bytes.len(), 0);
        let mut filled = 0;
        while filled < bytes.len() {
            match old.read(&mut self.scratch[filled..])? {
                0 => return Ok(false),
                read => filled += read,
            }
        }
        Ok(self.scratch == bytes)
    }

    /// From here on the file differs: stage the matching prefix, then whatever comes.
    fn diverge(&mut self) -> io::Result<()> {
        self.differs = true;
        self.old = None;
        let Some(temporary) = &self.temporary else { return Ok(()) };
        let mut staged = File::create(temporary)?;
        if self.matched > 0 {
            let mut old = File::open(&self.path)?.take(self.matched);
            io::copy(&mut old, &mut staged)?;
        }
        self.staged = Some(staged);
        Ok(())
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_through(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn write_through(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.differs {
            if self.continues_old(bytes)? {
                self.matched += bytes.len() as u64;
                return Ok(bytes.len());
            }
            self.diverge()?;
        }
        if let Some(staged) = &mut self.staged {
            staged.write_all(bytes)?;
        }
        Ok(bytes.len())
    }
}

impl Drop for Sink {
    /// A sink dropped before `finish` (the render failed) leaves no temporary file behind.
    fn drop(&mut self) {
        if let (Some(_), Some(temporary)) = (self.staged.take(), &self.temporary) {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{fs, io::Write as _};

    use std::path::PathBuf;

    use super::{Mode, Outcome, Sink};

    fn holds(path: &std::path::Path, bytes: &[u8]) -> bool {
        fs::read(path).is_ok_and(|old| old == bytes)
    }

    /// Streams `new` in chunks of `chunk` bytes over a file holding `old` (or none).
    fn run(
        old: Option<&str>,
        new: &str,
        chunk: usize,
        mode: impl Fn(PathBuf) -> Mode,
    ) -> (String, Option<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let temporary = dir.path().join(".f.tmp");
        if let Some(old) = old {
            fs::write(&path, old).unwrap();
        }
        let mut sink = Sink::new(path.clone(), mode(temporary.clone()));
        for piece in new.as_bytes().chunks(chunk.max(1)) {
            sink.write_all(piece).unwrap();
        }
        let outcome = sink.finish().unwrap();
        let staged = match &outcome {
            Outcome::Staged(staged) => {
                assert_eq!(staged, &temporary);
                Some(fs::read_to_string(staged).unwrap())
            }
            _ => None,
        };
        if let Some(old) = old {
            assert!(holds(&path, old.as_bytes()), "the old file is never touched");
        }
        (format!("{outcome:?}").split('(').next().unwrap().to_owned(), staged)
    }

    #[test]
    fn compares_as_it_streams_and_stages_only_differences() {
        for chunk in [1, 3, 64] {
            let staged = |text: &str| ("Staged".to_owned(), Some(text.to_owned()));
            assert_eq!(
                run(Some("abcdef"), "abcdef", chunk, Mode::Write),
                ("Unchanged".to_owned(), None)
            );
            assert_eq!(run(Some("abcdef"), "abcXef", chunk, Mode::Write), staged("abcXef"));
            assert_eq!(run(Some("abcdef"), "abc", chunk, Mode::Write), staged("abc"));
            assert_eq!(run(Some("abc"), "abcdef", chunk, Mode::Write), staged("abcdef"));
            assert_eq!(run(None, "abc", chunk, Mode::Write), staged("abc"));
            assert_eq!(run(Some(""), "", chunk, Mode::Write), ("Unchanged".to_owned(), None));
            assert_eq!(run(None, "", chunk, Mode::Write), staged(""));
            assert_eq!(
                run(Some("abcdef"), "abcXef", chunk, |_| Mode::Check),
                ("Differs".to_owned(), None)
            );
            assert_eq!(
                run(Some("abcdef"), "abcdef", chunk, |_| Mode::Check),
                ("Unchanged".to_owned(), None)
            );
        }
    }

    #[test]
    fn a_sink_for_a_new_file_stages_all_of_it_without_reading_what_is_there() {
        for (chunk, text) in [(1, "abc"), (4, "abcdef"), (64, "")] {
            let dir = tempfile::tempdir().unwrap();
            let (path, temporary) = (dir.path().join("f"), dir.path().join(".f.tmp"));
            // Even a file that is there is not compared with: the caller knows it cannot be.
            fs::write(&path, text).unwrap();
            let mut sink = Sink::new_file(path.clone(), temporary.clone());
            for piece in text.as_bytes().chunks(chunk) {
                sink.write_all(piece).unwrap();
            }
            assert!(
                matches!(sink.finish().unwrap(), Outcome::Staged(staged) if staged == temporary)
            );
            assert_eq!(fs::read_to_string(&temporary).unwrap(), text);
        }
    }

    #[test]
    fn a_sink_dropped_unfinished_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let temporary = dir.path().join(".f.tmp");
        let mut sink = Sink::new(dir.path().join("f"), Mode::Write(temporary.clone()));
        sink.write_all(b"partial").unwrap();
        assert!(temporary.exists());
        drop(sink);
        assert!(!temporary.exists());
    }
}
