//! `cargo xtask`: the repository's chores, one binary, the first argument names the task.
//!
//! - `regen` regenerates `feeds/` from `seeds/` (`--check` only compares);
//! - `validate` checks feeds against the RSS 2.0, Atom 1.0 and XML 1.0 rules;
//! - `serve` serves `feeds/` on loopback (`--watch` regenerates it when a seed changes);
//! - `publish` checks that `feeds/` is fresh and valid and, with `--ping`, notifies the WebSub hub;
//! - `corpus` writes a synthetic wire corpus, and `bench` times `regen` on such corpora.
//!
//! xtask stays thin: parsing and serializing live in the `article` and `feed` crates, validation
//! in `validator`. xtask lists files, calls them, compares and writes. Paths default to the
//! project root, never the current directory, so the tasks work from anywhere in the checkout.

mod bench;
mod corpus;
mod progress;
mod publish;
mod regen;
mod serve;
mod sink;
mod state;
mod tidy;
mod validate;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Parser, Subcommand};

/// wirefeed's repository tasks.
#[derive(Parser)]
#[command(name = "cargo xtask", about)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the feeds from the seeds (the main job).
    Regen(regen::Args),
    /// Check feeds against the rules of RSS 2.0, Atom 1.0 and XML 1.0.
    Validate(validate::Args),
    /// Serve the feeds over HTTP on 127.0.0.1, as a static host would.
    Serve(serve::Args),
    /// Check that the feeds are fresh and valid; with --ping, notify the WebSub hub.
    Publish(publish::Args),
    /// Write a deterministic synthetic wire corpus.
    Corpus(corpus::Args),
    /// Time regen against the floor (reading the inputs, writing the outputs).
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Regen(args) => regen::run(&args),
        Task::Validate(args) => validate::run(&args),
        Task::Serve(args) => serve::run(&args),
        Task::Publish(args) => publish::run(&args),
        Task::Corpus(args) => corpus::run(&args),
        Task::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The checkout's root: the parent of xtask's manifest directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the project root")
        .to_path_buf()
}

/// A path as the user should read it: relative to the current directory when it is below it.
fn display(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    shown.display().to_string()
}
