//! `cargo xtask`: this repository's chores, one binary, the first argument names the task.
//!
//! - `regen`, `validate`, `serve` and `publish` are the `wirefeed` tool's `build`, `validate`,
//!   `serve` and `publish`, run on this checkout (whatever the current directory);
//! - `corpus` writes a synthetic wire corpus, and `bench` times builds on such corpora;
//! - the tidy tests (`cargo test`) hold the house rules, the dependency rules and the freshness
//!   of the committed feeds.
//!
//! xtask holds no product logic: everything a newsroom needs is in the `wirefeed` crate.

mod bench;
mod corpus;
mod tidy;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Parser, Subcommand};
use wirefeed::{
    ProjectArgs,
    cli::{self, BuildArgs, Invocation, PublishArgs, ServeArgs, ValidateArgs, WatchArgs},
};

/// wirefeed's repository tasks.
#[derive(Parser)]
#[command(name = "cargo xtask", about)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

/// A `wirefeed` subcommand's options and the project options, which default to this checkout.
#[derive(clap::Args)]
struct On<T: clap::Args> {
    #[command(flatten)]
    project: ProjectArgs,
    #[command(flatten)]
    args: T,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate feeds/ from seeds/ (the main job): `wirefeed build` on this checkout.
    Regen(On<BuildArgs>),
    /// Check feeds against the rules of RSS 2.0, Atom 1.0 and XML 1.0.
    Validate(On<ValidateArgs>),
    /// Serve feeds/ over HTTP on 127.0.0.1, as a static host would.
    Serve(On<ServeArgs>),
    /// Regenerate feeds/ now and after every change to seeds/, until interrupted.
    Watch(On<WatchArgs>),
    /// Check that feeds/ is fresh and valid; with --ping, notify the WebSub hub.
    Publish(On<PublishArgs>),
    /// Write a deterministic synthetic wire corpus.
    Corpus(corpus::Args),
    /// Time builds against the floor (reading the inputs, writing the outputs).
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let invocation =
        Invocation { default_root: project_root(), build_command: "cargo xtask regen" };
    let root = &invocation.default_root;
    cli::finish(match &cli.task {
        Task::Regen(on) => cli::run_build(&on.project.resolve(root), &on.args, &invocation),
        Task::Validate(on) => cli::run_validate(&on.project.resolve(root), &on.args),
        Task::Serve(on) => cli::run_serve(&on.project.resolve(root), &on.args, &invocation),
        Task::Watch(on) => cli::run_watch(&on.project.resolve(root), &on.args, &invocation),
        Task::Publish(on) => cli::run_publish(&on.project.resolve(root), &on.args, &invocation),
        Task::Corpus(args) => corpus::run(args),
        Task::Bench(args) => bench::run(args),
    })
}

/// The checkout's root: the parent of xtask's manifest directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the project root")
        .to_path_buf()
}
