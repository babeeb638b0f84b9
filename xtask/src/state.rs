//! The no-op check: how `regen` knows, without reading a seed, that nothing changed.
//!
//! After a clean run (no bad seed), `regen` stores beside its output, in the hidden file
//! `.wirefeed-state`, a fingerprint: the program (its version, and the size and modification
//! time of the executable), the settings file, every entry of the seeds directory, and every
//! file of the output, each by name, size and modification time in nanoseconds. The next run
//! computes the same from metadata alone and stops when they agree. The input part is taken
//! before the seeds are read, so a seed edited during a run is seen as changed by the next.
//!
//! `regen --check` never uses it: the check always renders everything and compares bytes.

use std::{fs, path::Path, time::UNIX_EPOCH};

/// The file the fingerprint is kept in, inside the output directory.
pub(crate) const STATE_FILE: &str = ".wirefeed-state";

/// The program, settings and seeds, from metadata; `None` when something cannot be read.
pub(crate) fn inputs(seeds: &Path, settings: Option<&Path>) -> Option<String> {
    let mut lines = vec![format!("wirefeed {}", env!("CARGO_PKG_VERSION"))];
    let executable = std::env::current_exe().ok()?;
    lines.push(format!("program {}", stamp(&fs::metadata(executable).ok()?)));
    if let Some(settings) = settings {
        lines.push(format!(
            "settings {} {}",
            settings.display(),
            stamp(&fs::metadata(settings).ok()?)
        ));
    }
    let mut entries: Vec<String> = Vec::new();
    for entry in fs::read_dir(seeds).ok()? {
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
pub(crate) fn outputs(out: &Path, files: &[String]) -> Option<String> {
    let mut lines = Vec::new();
    for name in files {
        lines.push(format!("out {name} {}", stamp(&fs::metadata(out.join(name)).ok()?)));
    }
    Some(lines.join("\n"))
}

/// The fingerprint stored by the last clean run, if any.
pub(crate) fn stored(out: &Path) -> Option<String> {
    fs::read_to_string(out.join(STATE_FILE)).ok()
}

/// Stores a fingerprint, replacing the old one atomically. Failing to store it only costs the
/// next run its shortcut, so errors are ignored.
pub(crate) fn store(out: &Path, fingerprint: &str) {
    let temporary = out.join(format!("{STATE_FILE}.{}.tmp", std::process::id()));
    if fs::write(&temporary, fingerprint).is_err()
        || fs::rename(&temporary, out.join(STATE_FILE)).is_err()
    {
        let _ = fs::remove_file(&temporary);
    }
}

/// Removes the stored fingerprint, before anything in the output directory changes.
pub(crate) fn forget(out: &Path) {
    let _ = fs::remove_file(out.join(STATE_FILE));
}

fn stamp(metadata: &fs::Metadata) -> String {
    let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
    let nanos = modified.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
    format!("{} {nanos}", metadata.len())
}
