//! The no-op check: how a build knows, without reading a seed, that nothing changed.
//!
//! After a clean build (no bad seed), the fingerprint of the run is stored in the project's
//! cache (`.wirefeed/build-state`, never in the published directory): the program (its version,
//! and the size and modification time of the executable), the settings file, where the seeds
//! and the output are, every entry of the seeds directory, and every file of the output, each by name, size and
//! modification time in nanoseconds. The next build computes the same from metadata alone and
//! stops when they agree. The input part is taken before the seeds are read, so a seed edited
//! during a run is seen as changed by the next.
//!
//! Check mode never uses it: a check always renders everything and compares bytes.

use std::{fs, path::Path, time::UNIX_EPOCH};

use crate::project::Project;

/// The file the fingerprint is kept in, inside the cache directory.
const STATE_FILE: &str = "build-state";

/// The program, settings, seeds and output directory, from metadata; `None` when something
/// cannot be read.
pub(crate) fn inputs(project: &Project) -> Option<String> {
    let mut lines = vec![format!("wirefeed {}", env!("CARGO_PKG_VERSION"))];
    let executable = std::env::current_exe().ok()?;
    lines.push(format!("program {}", stamp(&fs::metadata(executable).ok()?)));
    if let Some(settings) = project.settings_path() {
        lines.push(format!(
            "settings {} {}",
            settings.display(),
            stamp(&fs::metadata(&settings).ok()?)
        ));
    }
    lines.push(format!("seeds {}", project.seeds().display()));
    lines.push(format!("out {}", project.out().display()));
    let mut entries: Vec<String> = Vec::new();
    for entry in fs::read_dir(project.seeds()).ok()? {
        let entry = entry.ok()?;
        let metadata = fs::symlink_metadata(entry.path()).ok()?;
        let kind = if metadata.file_type().is_symlink() { "link" } else { "seed" };
        entries.push(format!(
            "{kind} {} {}",
            entry.file_name().to_string_lossy(),
            stamp(&metadata)
        ));
    }
    entries.sort();
    lines.extend(entries);
    Some(lines.join("\n"))
}

/// Every file of the output directory (hidden ones aside), from metadata.
fn outputs(out: &Path, files: &[String]) -> Option<String> {
    let mut lines = Vec::new();
    for name in files {
        lines.push(format!("file {name} {}", stamp(&fs::metadata(out.join(name)).ok()?)));
    }
    Some(lines.join("\n"))
}

/// Whether the last clean build stored exactly these inputs and these output files.
pub(crate) fn matches(project: &Project, inputs: &str, files: &[String]) -> bool {
    let Ok(stored) = fs::read_to_string(project.cache().join(STATE_FILE)) else { return false };
    outputs(project.out(), files).is_some_and(|outputs| stored == format!("{inputs}\n{outputs}"))
}

/// Stores a fingerprint, replacing the old one atomically. Failing to store it only costs the
/// next run its shortcut, so errors are ignored.
pub(crate) fn store(project: &Project, inputs: &str, files: &[String]) {
    let Some(outputs) = outputs(project.out(), files) else { return };
    let cache = project.cache();
    if fs::create_dir_all(&cache).is_err() {
        return;
    }
    let temporary = cache.join(format!("{STATE_FILE}.{}.tmp", std::process::id()));
    if fs::write(&temporary, format!("{inputs}\n{outputs}")).is_err()
        || fs::rename(&temporary, cache.join(STATE_FILE)).is_err()
    {
        let _ = fs::remove_file(&temporary);
    }
}

/// Removes the stored fingerprint, before anything in the output directory changes.
pub(crate) fn forget(project: &Project) {
    let _ = fs::remove_file(project.cache().join(STATE_FILE));
}

fn stamp(metadata: &fs::Metadata) -> String {
    let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
    let nanos = modified.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
    format!("{} {nanos}", metadata.len())
}
