//! `cargo xtask validate`: runs the `validator` crate over feeds and prints its findings as
//! `file:line:col: error|warning: message [rule]`, then a summary line.

use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context;

use crate::{display, project_root};

/// Options of `cargo xtask validate`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Feeds to check [default: every .xml file in feeds/]
    files: Vec<PathBuf>,
    /// Pass when there are warnings but no errors
    #[arg(long)]
    allow_warnings: bool,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let files = if args.files.is_empty() { feed_files()? } else { args.files.clone() };
    let (mut n_errors, mut n_warnings) = (0, 0);
    for path in &files {
        let checked = check_file(path)?;
        for line in &checked.lines {
            println!("{line}");
        }
        n_errors += checked.errors;
        n_warnings += checked.warnings;
    }
    println!("{} feeds checked: {n_errors} errors, {n_warnings} warnings", files.len());
    let failed = n_errors > 0 || (n_warnings > 0 && !args.allow_warnings);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// What the validator found in one file.
pub(crate) struct Checked {
    /// One `path:line:col: severity: message [rule]` per finding.
    pub(crate) lines: Vec<String>,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
}

/// Reads and validates one feed.
pub(crate) fn check_file(path: &Path) -> anyhow::Result<Checked> {
    let bytes = fs::read(path).with_context(|| format!("{}: cannot read", display(path)))?;
    let mut checked = Checked { lines: Vec::new(), errors: 0, warnings: 0 };
    for finding in validator::validate(&bytes) {
        match finding.severity {
            validator::Severity::Error => checked.errors += 1,
            validator::Severity::Warning => checked.warnings += 1,
        }
        checked.lines.push(format!("{}:{finding}", display(path)));
    }
    Ok(checked)
}

/// Every `.xml` file under `feeds/`, in name order.
fn feed_files() -> anyhow::Result<Vec<PathBuf>> {
    let feeds = project_root().join("feeds");
    let mut files = Vec::new();
    let mut directories = vec![feeds];
    while let Some(directory) = directories.pop() {
        let entries = fs::read_dir(&directory)
            .with_context(|| format!("{}: cannot list", display(&directory)))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                directories.push(path);
            } else if path.extension().is_some_and(|ext| ext == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}
