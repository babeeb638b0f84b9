//! wirefeed: news-agency wire articles in, a static site of feeds out.
//!
//! The engine behind the `wirefeed` command and this repository's `cargo xtask`: a
//! [`Project`] says where the seeds, the settings, the site and the cache are; [`build`] parses
//! every seed (the `article` crate), plans and renders every file of the site (the `feed`
//! crate), streams each through a comparison with the file on disk, stages what changed, syncs
//! once and renames, or in check mode only reports what differs. [`validate`] runs the
//! independent `validator` over the feeds, [`publish`] refuses stale or invalid sites and pings
//! a WebSub hub (feature `ping`), `serve` is a local static host (feature `serve`), and [`init`]
//! scaffolds a new site.
//!
//! ```no_run
//! use wirefeed::{Mode, Options, Outcome, Project};
//!
//! let project = Project::at(std::path::Path::new("/srv/newsroom"));
//! let options = Options { mode: Mode::Write, keep_going: false, wait: true };
//! let report = wirefeed::build(&project, options)?;
//! if let Outcome::Written { rewritten, .. } = report.outcome {
//!     println!("{rewritten} files rewritten");
//! }
//! # Ok::<(), wirefeed::BuildError>(())
//! ```

#![warn(missing_docs)]

/// jemalloc, for every program that links the engine: a build makes millions of small
/// allocations on every core, and glibc's allocator spent a tenth of a cold build's CPU on
/// its arena locks. See the dependency's note in `Cargo.toml` for the figures.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod build;
pub mod cli;
mod error;
mod index;
pub mod init;
mod lock;
mod progress;
mod project;
pub mod publish;
mod scan;
mod search;
#[cfg(feature = "serve")]
pub mod serve;
mod sink;
mod staging;
pub mod validate;
#[cfg(feature = "watch")]
pub mod watch;

pub use crate::{
    build::{Loaded, Mode, Options, Outcome, Report, build, build_with, compare, list_files, load},
    error::{BuildError, SeedProblem, SeedWarning, Stale},
    project::{CACHE_DIR, Project, ProjectArgs, SETTINGS_FILE, SettingsProblem, display},
};
