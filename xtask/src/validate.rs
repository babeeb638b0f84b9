//! `cargo xtask validate`: runs the `validator` crate over feeds and prints its findings as
//! `file:line:col: error|warning: message [rule]`, then a summary line.

use std::{fs, path::PathBuf, process::ExitCode};

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
        let bytes = fs::read(path).with_context(|| format!("{}: cannot read", display(path)))?;
        for finding in validator::validate(&bytes) {
            match finding.severity {
                validator::Severity::Error => n_errors += 1,
                validator::Severity::Warning => n_warnings += 1,
            }
            println!("{}:{finding}", display(path));
        }
    }
    println!("{} feeds checked: {n_errors} errors, {n_warnings} warnings", files.len());
    let failed = n_errors > 0 || (n_warnings > 0 && !args.allow_warnings);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
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
