//! One build at a time per output directory.
//!
//! A build that writes takes an exclusive lock on the output directory itself (on Unix; a lock
//! file in the cache elsewhere) before it reads the index, and holds it until the index is
//! stored: two builds into one site never interleave, whatever their projects. The lock is the
//! kernel's (`flock`), so a killed build releases it as it dies, and no stale lock file ever
//! needs removing. The holder writes who it is to the cache, so the one that waits can say.

use std::{
    fs::{self, File},
    io,
    path::{Path, PathBuf},
};

use crate::{error::BuildError, project::Project};

/// Held while a build writes; released when dropped (or when the process dies).
#[derive(Debug)]
pub(crate) struct Lock {
    _file: File,
    holder: PathBuf,
    /// The output directory, if taking the lock created it: removed again if still empty, so
    /// a build that fails leaves no trace.
    created: Option<PathBuf>,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.holder);
        if let Some(out) = &self.created {
            // Fails, as it should, unless the directory is empty.
            let _ = fs::remove_dir(out);
        }
    }
}

/// Takes the lock of `project`'s output directory. If another build holds it, waits for it
/// (saying so through `waiting`), or with `wait` unset returns [`BuildError::Locked`].
pub(crate) fn acquire(
    project: &Project,
    wait: bool,
    waiting: &dyn Fn(&str),
) -> Result<Lock, BuildError> {
    let out = project.out();
    let created = (!out.exists()).then(|| out.to_owned());
    fs::create_dir_all(out)
        .map_err(|error| BuildError::io(out, "create the output directory", error))?;
    let cache = project.cache();
    fs::create_dir_all(&cache)
        .map_err(|error| BuildError::io(&cache, "create the cache directory", error))?;
    let target = if cfg!(unix) { out.to_owned() } else { cache.join("lock") };
    let file = open(&target).map_err(|error| BuildError::io(&target, "lock", error))?;
    let holder = cache.join("holder");
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let who = fs::read_to_string(&holder)
                .map(|text| text.trim().to_owned())
                .unwrap_or_else(|_| "another wirefeed process".to_owned());
            if !wait {
                return Err(BuildError::Locked { out: out.to_owned(), holder: who });
            }
            waiting(&who);
            file.lock().map_err(|error| BuildError::io(&target, "lock", error))?;
        }
        Err(fs::TryLockError::Error(error)) => return Err(BuildError::io(&target, "lock", error)),
    }
    let me =
        format!("pid {}: {}", std::process::id(), std::env::args().collect::<Vec<_>>().join(" "));
    // Only for the message of a build that waits: failing to write it changes nothing else.
    let _ = fs::write(&holder, me);
    Ok(Lock { _file: file, holder, created })
}

fn open(target: &Path) -> io::Result<File> {
    if cfg!(unix) {
        File::open(target)
    } else {
        File::options().create(true).truncate(false).write(true).open(target)
    }
}
