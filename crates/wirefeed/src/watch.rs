//! `wirefeed watch` (and `serve --watch`): a long-running publisher.
//!
//! Builds once, then again after every burst of changes to the seeds tree or the settings.
//! Each build is an ordinary incremental build ([`crate::build`]): it holds the output's lock,
//! writes only what changed, file by file through temporary files and renames (leaves before
//! the pages that link to them), so readers never see a half-written file or a link to a page
//! not yet there; a bad seed fails the build and leaves the published site as it was.
//!
//! Editors save in several steps (a temporary file, a rename, a backup removed), so a build
//! starts once no change has come for [`QUIET`] ([`SETTLED`] when every file written to in the
//! burst has been closed), and never later than [`PATIENCE`] after the first change of a burst.
//! The seeds directory is watched recursively, and so is its parent (not recursively): when the
//! directory is replaced wholesale (`mv seeds.new seeds`, a checkout), the watch on the old one
//! is dropped and a new one set on the new one.

use std::{
    path::{Path, PathBuf},
    sync::mpsc,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use notify::Watcher as _;

use crate::{
    build::{Mode, Options, Report, Warm, build_warm, say_waiting},
    error::BuildError,
    project::{Project, display},
};

/// What the watcher does with each build's result.
pub type Reporter = Box<dyn Fn(Result<Report, BuildError>) + Send>;

/// How long the seeds must be quiet before a build starts.
const QUIET: Duration = Duration::from_millis(50);

/// How long they must be quiet when every file written to in the burst has been closed: the
/// steps of a save (a temporary file closed, renamed, a backup removed) then follow each other
/// within microseconds, and a story dropped whole is published that much sooner.
const SETTLED: Duration = Duration::from_millis(10);

/// How long after the first change of a burst a build starts, quiet or not.
const PATIENCE: Duration = Duration::from_millis(300);

/// A running watch; dropping it stops watching.
#[derive(Debug)]
pub struct Watching {
    _thread: std::thread::JoinHandle<()>,
}

/// Builds `project` now, then after every burst of changes, handing each result to `report`,
/// on a thread of its own; `keep_going` publishes the good seeds when some are bad.
pub fn watch(project: Project, keep_going: bool, report: Reporter) -> anyhow::Result<Watching> {
    let (sender, events) = mpsc::channel::<notify::Result<notify::Event>>();
    // Reading a seed is an event too (inotify's "opened"), and a build reads them all: those
    // are dropped where they arise, or a first build of a million seeds would queue a million
    // of them, a gigabyte, before the watch looked at one. A file written and closed is kept.
    let forward = move |event: notify::Result<notify::Event>| {
        if !event.as_ref().is_ok_and(|event| event.kind.is_access() && !closed_written(event)) {
            let _ = sender.send(event);
        }
    };
    // A link below the seeds is never followed, so nothing behind one is watched either.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher =
        notify::RecommendedWatcher::new(forward, config).context("cannot watch the seeds")?;
    let watched = Watched::set(&mut watcher, &project)?;
    eprintln!(
        "watching {}: every change is published to {}",
        display(project.seeds()),
        display(project.out())
    );
    let options = Options { mode: Mode::Write, keep_going, wait: true };
    let thread = std::thread::spawn(move || {
        let (mut watcher, mut watched) = (watcher, watched);
        // The listing of the seeds and the index, kept between builds.
        let mut warm = Warm::default();
        let publish = |warm: &mut Warm| {
            let waiting = |holder: &str| say_waiting(&project, holder);
            let report_of = build_warm(&project, options, &waiting, Some(&mut *warm));
            let next = report_of.as_ref().ok().and_then(|report| report.next_embargo);
            report(report_of);
            // While nothing waits to be published, the next build's index is read.
            warm.prepare(&project);
            give_back_free_memory();
            next
        };
        let mut next_embargo = publish(&mut warm);
        loop {
            // Blocks until something happens, or until the next embargo ends (by the clock;
            // with a fixed `--now`, time does not pass); a closed channel ends the watch.
            let first = match next_embargo.filter(|_| project.clocked()) {
                None => events.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                Some(at) => {
                    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
                    let wait = at.to_utc().signed_duration_since(now).to_std().unwrap_or_default();
                    // A moment past the end, so the build's clock has certainly reached it.
                    events.recv_timeout(wait + Duration::from_millis(10))
                }
            };
            let first = match first {
                Ok(first) => first,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    next_embargo = publish(&mut warm);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            // The paths that changed, or `None` when events were lost.
            let mut paths: Option<Vec<PathBuf>> = Some(Vec::new());
            let mut relevant = watched.concerns(&first, &mut paths);
            let mut writing = Writing::default();
            writing.note(&first);
            let started = Instant::now();
            loop {
                let left = PATIENCE.saturating_sub(started.elapsed());
                let quiet = if writing.settled() { SETTLED } else { QUIET };
                match events.recv_timeout(quiet.min(left)) {
                    Ok(event) => {
                        writing.note(&event);
                        relevant |= watched.concerns(&event, &mut paths);
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
                if started.elapsed() >= PATIENCE {
                    break;
                }
            }
            if !relevant {
                continue;
            }
            if watched.seeds_replaced(&project) {
                paths = None;
                match Watched::set(&mut watcher, &project) {
                    Ok(again) => watched = again,
                    Err(error) => eprintln!("error: {error:#}"),
                }
            }
            warm.seeds_changed(&project, paths.as_deref());
            next_embargo = publish(&mut warm);
        }
    });
    // The watcher lives as long as the thread that reads its events.
    Ok(Watching { _thread: thread })
}

/// Whether `event` says a file opened for writing was closed.
fn closed_written(event: &notify::Event) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    matches!(event.kind, EventKind::Access(AccessKind::Close(AccessMode::Write)))
}

/// The files a burst of events created or wrote to and has not seen closed: while there are
/// any, a writer may be part-way through one.
#[derive(Debug, Default)]
struct Writing(std::collections::HashSet<PathBuf>);

impl Writing {
    fn note(&mut self, event: &notify::Result<notify::Event>) {
        use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};
        let Ok(event) = event else { return };
        match event.kind {
            EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)) => {
                self.0.extend(event.paths.iter().cloned());
            }
            // A file being written, renamed: still being written, under its new name.
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
                if let [from, to] = &event.paths[..]
                    && self.0.remove(from)
                {
                    self.0.insert(to.clone());
                }
            }
            EventKind::Remove(_) => {
                for path in &event.paths {
                    self.0.remove(path);
                }
            }
            _ if closed_written(event) => {
                for path in &event.paths {
                    self.0.remove(path);
                }
            }
            _ => {}
        }
    }

    /// Whether every file written to has been closed (or none was).
    fn settled(&self) -> bool {
        self.0.is_empty()
    }
}

/// What is being watched.
#[derive(Debug)]
struct Watched {
    seeds: PathBuf,
    /// The seeds directory's identity when the watch was set.
    identity: Option<(u64, u64)>,
    settings: Option<PathBuf>,
}

impl Watched {
    /// Sets (or sets again) every watch `project` needs.
    fn set(watcher: &mut notify::RecommendedWatcher, project: &Project) -> anyhow::Result<Watched> {
        let seeds = project.seeds().to_owned();
        // A watch set before may be gone with its directory; failing to remove it is fine.
        let _ = watcher.unwatch(&seeds);
        watcher
            .watch(&seeds, notify::RecursiveMode::Recursive)
            .with_context(|| format!("{}: cannot watch it", display(&seeds)))?;
        // Directories watched without recursion: the seeds' parent (to see the seeds directory
        // replaced) and the settings' directory.
        let mut shallow: Vec<PathBuf> = Vec::new();
        let settings = project.settings_path();
        // The settings' directory, not the file: editors save by renaming a new file over it.
        let settings_dir = settings.as_deref().and_then(Path::parent).map(Path::to_owned);
        for directory in [seeds.parent().map(Path::to_owned), settings_dir].into_iter().flatten() {
            if directory.starts_with(&seeds) || shallow.contains(&directory) {
                continue;
            }
            if watcher.watch(&directory, notify::RecursiveMode::NonRecursive).is_ok() {
                shallow.push(directory);
            }
        }
        Ok(Watched { identity: identity(&seeds), seeds, settings })
    }

    /// Whether an event may change the site: anything in the seeds tree, the settings file,
    /// or the seeds directory itself coming or going. The paths it names in the seeds tree go
    /// to `paths`; an event that says some were lost makes it `None`.
    fn concerns(
        &self,
        event: &notify::Result<notify::Event>,
        paths: &mut Option<Vec<PathBuf>>,
    ) -> bool {
        let Ok(event) = event else {
            *paths = None;
            return true;
        };
        if event.kind.is_access() {
            return false;
        }
        if event.need_rescan() {
            *paths = None;
            return true;
        }
        let mut concerns = false;
        for path in &event.paths {
            if path.starts_with(&self.seeds) {
                concerns = true;
                if let Some(paths) = paths {
                    paths.push(path.clone());
                }
            } else if self.settings.as_deref() == Some(path.as_path()) {
                concerns = true;
            }
        }
        concerns
    }

    /// Whether the seeds directory is not the one the watch was set on.
    fn seeds_replaced(&self, project: &Project) -> bool {
        identity(project.seeds()) != self.identity
    }
}

/// A directory's device and inode: a new directory under the old name has another.
fn identity(path: &Path) -> Option<(u64, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        Some((0, 0))
    }
}

/// Returns the pages the last build freed to the system. The allocator keeps freed memory
/// for reuse, returning it only as later allocations go by, so an idle watch would keep its
/// last build's peak: at a million seeds, a watch's resident memory between builds was 1 GiB,
/// most of it free.
#[cfg(not(target_env = "msvc"))]
#[allow(unsafe_code)]
fn give_back_free_memory() {
    // `arena.<i>.purge` with `i` = MALLCTL_ARENAS_ALL: every arena's unused dirty pages.
    const PURGE_ALL: &std::ffi::CStr = c"arena.4096.purge";
    // SAFETY: a `void` control (no value read or written), given a NUL-terminated name; jemalloc
    // is this program's allocator (lib.rs), and it may be called at any time from any thread.
    let status = unsafe {
        tikv_jemalloc_sys::mallctl(
            PURGE_ALL.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        )
    };
    debug_assert_eq!(status, 0, "mallctl {PURGE_ALL:?} failed");
}

/// Elsewhere the allocator decides.
#[cfg(target_env = "msvc")]
fn give_back_free_memory() {}

#[cfg(test)]
mod tests {
    use notify::event::{
        AccessKind, AccessMode, CreateKind, DataChange, EventKind, ModifyKind, RemoveKind,
        RenameMode,
    };

    use super::Writing;

    fn event(kind: EventKind, paths: &[&str]) -> notify::Result<notify::Event> {
        let event = notify::Event::new(kind);
        Ok(paths.iter().fold(event, |event, path| event.add_path(path.into())))
    }

    #[test]
    fn a_burst_is_settled_once_every_file_written_is_closed() {
        let created = EventKind::Create(CreateKind::File);
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let mut writing = Writing::default();
        writing.note(&event(EventKind::Create(CreateKind::Folder), &["s/2024"]));
        assert!(writing.settled(), "a new directory is not being written");
        writing.note(&event(created, &["s/2024/.a.tmp"]));
        writing.note(&event(written, &["s/2024/.a.tmp"]));
        writing.note(&event(written, &["s/b.txt"]));
        assert!(!writing.settled());
        writing.note(&event(closed, &["s/2024/.a.tmp"]));
        assert!(!writing.settled(), "b.txt is still open");
        // Renamed while still open: written under its new name.
        writing.note(&event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["s/b.txt", "s/c.txt"],
        ));
        assert!(!writing.settled());
        writing.note(&event(closed, &["s/b.txt"]));
        assert!(!writing.settled(), "closed under the name it has now");
        writing.note(&event(closed, &["s/c.txt"]));
        assert!(writing.settled());
        writing.note(&event(written, &["s/d.txt"]));
        writing.note(&event(EventKind::Remove(RemoveKind::File), &["s/d.txt"]));
        assert!(writing.settled(), "a file removed is not written under its name");
        // Lost events say nothing of what is open.
        writing.note(&Err(notify::Error::generic("lost")));
        assert!(writing.settled());
    }
}
