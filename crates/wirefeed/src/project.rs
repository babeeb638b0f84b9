//! The project: where the seeds, the settings, the published site and the cache are, resolved
//! once from the command line and shared by every subcommand.
//!
//! A project is a directory (the *root*, the current directory unless `--root` says otherwise)
//! with `seeds/` (articles and `feed.toml`), `feeds/` (the site, nothing else) and `.wirefeed/`
//! (the cache: the no-op fingerprint and the WebSub ping record, never published). Each of the
//! first three can be moved with its own flag; paths given on the command line are taken
//! relative to the current directory, as a user expects.

use std::{
    fs,
    path::{Path, PathBuf},
};

use chrono::{DateTime, FixedOffset};
use feed::Settings;

/// The settings file looked for in the seeds directory when `--config` is not given.
pub const SETTINGS_FILE: &str = "feed.toml";

/// The cache directory under the root: machine-local state that is never published.
pub const CACHE_DIR: &str = ".wirefeed";

/// The arguments every subcommand takes, as clap parses them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ProjectArgs {
    /// The project directory, holding seeds/ and feeds/ [default: the current directory; for
    /// cargo xtask, the checkout]
    #[arg(long, value_name = "DIR", global = true)]
    pub root: Option<PathBuf>,
    /// Directory of wire articles [default: ROOT/seeds]
    #[arg(long, value_name = "DIR", global = true)]
    pub seeds: Option<PathBuf>,
    /// Directory of the published site [default: ROOT/feeds]
    #[arg(long, value_name = "DIR", global = true, visible_alias = "dir")]
    pub out: Option<PathBuf>,
    /// Feed settings [default: feed.toml in the seeds directory, if there is one]
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// The time embargoes are measured against, in RFC 3339 (2024-05-02T08:00:00Z) [default:
    /// SOURCE_DATE_EPOCH, else the clock]
    #[arg(long, value_name = "TIME", global = true, value_parser = parse_time)]
    pub now: Option<DateTime<FixedOffset>>,
    /// The reproducible-builds convention: "now", in seconds since 1970, from the environment.
    #[arg(long, env = "SOURCE_DATE_EPOCH", hide = true, global = true, value_parser = parse_epoch)]
    pub source_date_epoch: Option<DateTime<FixedOffset>>,
}

fn parse_time(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|error| format!("{error}: use RFC 3339, such as 2024-05-02T08:00:00Z"))
}

fn parse_epoch(text: &str) -> Result<DateTime<FixedOffset>, String> {
    text.parse::<i64>()
        .ok()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .map(|time| time.fixed_offset())
        .ok_or_else(|| format!("SOURCE_DATE_EPOCH={text:?} is not a number of seconds since 1970"))
}

/// Where everything of one project is. Built by [`ProjectArgs::resolve`] or [`Project::at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    root: PathBuf,
    seeds: PathBuf,
    out: PathBuf,
    config: Option<PathBuf>,
    /// The time embargoes are measured against; `None` for the clock at each build.
    now: Option<DateTime<FixedOffset>>,
}

impl ProjectArgs {
    /// The project these arguments name; `default_root` is used when `--root` is not given
    /// (the current directory for `wirefeed`, the checkout for `cargo xtask`).
    pub fn resolve(&self, default_root: &Path) -> Project {
        let cwd = std::env::current_dir().unwrap_or_default();
        let absolute =
            |path: &Path| if path.is_absolute() { path.to_owned() } else { cwd.join(path) };
        let root = self.root.as_deref().map_or_else(|| absolute(default_root), absolute);
        let mut project = Project::at(&root);
        if let Some(seeds) = &self.seeds {
            project.seeds = absolute(seeds);
        }
        if let Some(out) = &self.out {
            project.out = absolute(out);
        }
        project.config = self.config.as_deref().map(absolute);
        project.now = self.now.or(self.source_date_epoch);
        project
    }
}

impl Project {
    /// The project at `root`, with every directory in its default place.
    pub fn at(root: &Path) -> Project {
        Project {
            root: root.to_owned(),
            seeds: root.join("seeds"),
            out: root.join("feeds"),
            config: None,
            now: None,
        }
    }

    /// The same project built as if it were `now`, for embargoes; without it, a build takes
    /// the clock's time.
    pub fn with_now(mut self, now: DateTime<FixedOffset>) -> Project {
        self.now = Some(now);
        self
    }

    /// Whether builds take the clock's time (no `--now` and no `SOURCE_DATE_EPOCH`).
    pub fn clocked(&self) -> bool {
        self.now.is_none()
    }

    /// The same project with its seeds elsewhere.
    pub fn with_seeds(mut self, seeds: PathBuf) -> Project {
        self.seeds = seeds;
        self
    }

    /// The same project with its site elsewhere.
    pub fn with_out(mut self, out: PathBuf) -> Project {
        self.out = out;
        self
    }

    /// The same project with its settings in `config`.
    pub fn with_config(mut self, config: PathBuf) -> Project {
        self.config = Some(config);
        self
    }

    /// The project directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of wire articles.
    pub fn seeds(&self) -> &Path {
        &self.seeds
    }

    /// The directory of the published site.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The machine-local cache, outside the published site: `ROOT/.wirefeed`.
    pub fn cache(&self) -> PathBuf {
        self.root.join(CACHE_DIR)
    }

    /// The settings file in use: `--config`, else `feed.toml` in the seeds directory if it
    /// exists, else none (the defaults).
    pub fn settings_path(&self) -> Option<PathBuf> {
        match &self.config {
            Some(path) => Some(path.clone()),
            None => Some(self.seeds.join(SETTINGS_FILE)).filter(|path| path.exists()),
        }
    }

    /// Reads the settings, for a build at the project's time (the clock's unless set): only
    /// embargoed articles depend on it.
    pub fn settings(&self) -> Result<Settings, SettingsProblem> {
        let now = self.now.unwrap_or_else(|| {
            chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).fixed_offset()
        });
        let Some(path) = self.settings_path() else { return Ok(Settings::defaults().at(now)) };
        let text = fs::read_to_string(&path)
            .map_err(|error| SettingsProblem::Read { path: path.clone(), error })?;
        Settings::from_toml(&text)
            .map(|settings| settings.at(now))
            .map_err(|error| SettingsProblem::Invalid { path, error })
    }
}

/// Why the settings could not be had.
#[derive(Debug)]
pub enum SettingsProblem {
    /// The file could not be read.
    Read {
        /// The settings file.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The file breaks a rule of the settings.
    Invalid {
        /// The settings file.
        path: PathBuf,
        /// Which rule, and where.
        error: feed::SettingsError,
    },
}

impl SettingsProblem {
    /// The settings file.
    pub fn path(&self) -> &Path {
        match self {
            SettingsProblem::Read { path, .. } | SettingsProblem::Invalid { path, .. } => path,
        }
    }
}

/// A path as the user should read it: relative to the current directory when it is below it.
pub fn display(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let shown = shown.display().to_string();
    if shown.is_empty() { ".".to_owned() } else { shown }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Project, ProjectArgs};

    #[test]
    fn defaults_hang_off_the_root_and_flags_move_one_thing_each() {
        let root = Path::new("/srv/news");
        let args = ProjectArgs::default();
        let project = args.resolve(root);
        assert_eq!(project, Project::at(root));
        assert_eq!(project.seeds(), Path::new("/srv/news/seeds"));
        assert_eq!(project.out(), Path::new("/srv/news/feeds"));
        assert_eq!(project.cache(), Path::new("/srv/news/.wirefeed"));
        let args = ProjectArgs {
            root: Some(PathBuf::from("/elsewhere")),
            out: Some(PathBuf::from("/var/www")),
            config: Some(PathBuf::from("/etc/prod.toml")),
            ..ProjectArgs::default()
        };
        let project = args.resolve(root);
        assert_eq!(project.seeds(), Path::new("/elsewhere/seeds"));
        assert_eq!(project.out(), Path::new("/var/www"));
        assert_eq!(project.settings_path(), Some(PathBuf::from("/etc/prod.toml")));
        assert_eq!(project.cache(), Path::new("/elsewhere/.wirefeed"));
    }
}
