//! What can go wrong, as types: a bad seed, a suspicious one, a stale file, a failed build.
//!
//! Each value keeps its cause (the parser's `ParseError`, the system's `io::Error`) and is put
//! into words once, by its `Display`, which names the file as the user should read it
//! (relative to the current directory) and its line: `seeds/a.txt:3: unknown field "titel"`.

use std::{fmt, io, path::PathBuf};

use crate::project::{SettingsProblem, display};

/// Why a seed was not published.
#[derive(Debug)]
#[non_exhaustive]
pub enum SeedProblem {
    /// The file breaks a rule of the wire format.
    Invalid {
        /// The seed.
        path: PathBuf,
        /// Which rule, and where.
        error: article::ParseError,
    },
    /// The file could not be read.
    Unreadable {
        /// The seed.
        path: PathBuf,
        /// What the system said.
        error: io::Error,
    },
    /// A symbolic link, which is never followed.
    SymbolicLink {
        /// The link.
        path: PathBuf,
    },
    /// A directory or another thing that is not a regular file.
    NotAFile {
        /// The entry.
        path: PathBuf,
    },
    /// A file that is not `NAME.txt`.
    NotAnArticle {
        /// The file.
        path: PathBuf,
    },
    /// `NAME.txt` whose name cannot be an article key.
    BadKey {
        /// The file.
        path: PathBuf,
        /// Why not.
        error: article::KeyError,
    },
    /// A seed whose name another seed in the tree already has: keys are unique across it.
    DuplicateKey {
        /// The second seed, in name order.
        path: PathBuf,
        /// The key.
        key: String,
        /// The seed that has it first.
        first: PathBuf,
    },
    /// An article whose `image:` names a photo below the seeds directory that is not there.
    MissingPhoto {
        /// The seed.
        path: PathBuf,
        /// The line of its `image:` field.
        line: usize,
        /// The photo's path below the seeds directory.
        photo: String,
    },
    /// An article whose id another seed already has.
    DuplicateId {
        /// The second seed.
        path: PathBuf,
        /// The id.
        id: String,
        /// The seed that has it first.
        first: PathBuf,
    },
}

impl SeedProblem {
    /// The seed.
    pub fn path(&self) -> &std::path::Path {
        match self {
            SeedProblem::Invalid { path, .. }
            | SeedProblem::Unreadable { path, .. }
            | SeedProblem::SymbolicLink { path }
            | SeedProblem::NotAFile { path }
            | SeedProblem::NotAnArticle { path }
            | SeedProblem::BadKey { path, .. }
            | SeedProblem::DuplicateKey { path, .. }
            | SeedProblem::MissingPhoto { path, .. }
            | SeedProblem::DuplicateId { path, .. } => path,
        }
    }

    /// `path`, `path:line` or `path:line:column`.
    pub fn location(&self) -> String {
        let path = display(self.path());
        match self {
            SeedProblem::Invalid { error, .. } => match error.column() {
                Some(column) => format!("{path}:{}:{column}", error.line()),
                None => format!("{path}:{}", error.line()),
            },
            SeedProblem::MissingPhoto { line, .. } => format!("{path}:{line}"),
            _ => path,
        }
    }

    /// What is wrong, without the location.
    pub fn message(&self) -> String {
        match self {
            SeedProblem::Invalid { error, .. } => error.kind().to_string(),
            SeedProblem::Unreadable { error, .. } => format!("cannot read: {error}"),
            SeedProblem::SymbolicLink { .. } => {
                "is a symbolic link; seeds are never followed, copy the article in instead"
                    .to_owned()
            }
            SeedProblem::NotAFile { .. } => {
                "is not a file; the seeds directory holds only NAME.txt articles".to_owned()
            }
            SeedProblem::NotAnArticle { .. } => {
                "is not a wire article: seeds are NAME.txt files".to_owned()
            }
            SeedProblem::BadKey { error, .. } => error.to_string(),
            SeedProblem::DuplicateKey { key, first, .. } => format!(
                "the key {key:?} is already taken by {}; seed names must be unique across the seeds tree",
                display(first)
            ),
            SeedProblem::MissingPhoto { photo, .. } => {
                format!("the photo {photo:?} is not in the seeds directory")
            }
            SeedProblem::DuplicateId { id, first, .. } => {
                format!("id {id:?} is already used by {}", display(first))
            }
        }
    }
}

impl fmt::Display for SeedProblem {
    /// `path:line: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message())
    }
}

impl std::error::Error for SeedProblem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SeedProblem::Invalid { error, .. } => Some(error),
            SeedProblem::Unreadable { error, .. } => Some(error),
            SeedProblem::BadKey { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Something suspicious about a seed that was published all the same.
#[derive(Debug, Clone)]
pub struct SeedWarning {
    /// The seed.
    pub path: PathBuf,
    /// What, and on which line.
    pub warning: article::Warning,
}

impl fmt::Display for SeedWarning {
    /// `path:line: warning: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, line) = (display(&self.path), self.warning.line());
        write!(f, "{path}:{line}: warning: {}", self.warning.kind())
    }
}

/// A file of the output that is not what a build would write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The build would write it; it is not there.
    Missing(PathBuf),
    /// It differs from what the build would write.
    Differs(PathBuf),
    /// The build does not write it.
    Stray(PathBuf),
    /// An article's page is missing because the article's embargo ended after the site was
    /// built: not a mistake, only a build to run.
    EmbargoLifted {
        /// The article's page.
        path: PathBuf,
        /// The article.
        key: String,
        /// When its embargo ended.
        at: chrono::DateTime<chrono::FixedOffset>,
    },
}

impl Stale {
    /// The file.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Stale::Missing(path) | Stale::Differs(path) | Stale::Stray(path) => path,
            Stale::EmbargoLifted { path, .. } => path,
        }
    }
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = display(self.path());
        match self {
            Stale::Missing(_) => write!(f, "{path}: missing"),
            Stale::Differs(_) => write!(f, "{path}: differs from what the build writes"),
            Stale::Stray(_) => write!(f, "{path}: not written by the build; remove it"),
            Stale::EmbargoLifted { key, at, .. } => write!(
                f,
                "{path}: missing because the embargo of {key} lifted at {}; run the build to \
                 publish it",
                at.to_rfc3339()
            ),
        }
    }
}

/// Why a build wrote nothing.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The settings could not be had.
    Settings(SettingsProblem),
    /// Some seeds are bad and `keep_going` was not set.
    BadSeeds {
        /// The bad seeds, in path order.
        problems: Vec<SeedProblem>,
        /// The suspicious ones.
        warnings: Vec<SeedWarning>,
        /// How many seeds were read.
        seeds: usize,
    },
    /// No seed is a good article.
    NoArticles {
        /// The seeds directory.
        seeds: PathBuf,
        /// The bad seeds, when `keep_going` let the build get this far.
        problems: Vec<SeedProblem>,
        /// The suspicious ones.
        warnings: Vec<SeedWarning>,
    },
    /// The file system refused.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What could not be done: `write`, `list`, `replace`, ...
        action: &'static str,
        /// What the system said.
        error: io::Error,
    },
    /// A file could not be rendered.
    Render {
        /// The file.
        path: PathBuf,
        /// What the writer said.
        error: feed::WriteError,
    },
    /// Seeds kept changing while the build read them; nothing was written.
    Unsettled {
        /// The last seed seen changing.
        path: PathBuf,
    },
    /// Another build holds the output directory, and this one was told not to wait.
    Locked {
        /// The output directory.
        out: PathBuf,
        /// Who holds it, as it said when it took it: `pid 4242: wirefeed build`.
        holder: String,
    },
}

impl BuildError {
    pub(crate) fn io(path: &std::path::Path, action: &'static str, error: io::Error) -> BuildError {
        BuildError::Io { path: path.to_owned(), action, error }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Settings(SettingsProblem::Read { path, error }) => {
                write!(f, "{}: cannot read the settings: {error}", display(path))
            }
            BuildError::Settings(SettingsProblem::Invalid { path, error }) => {
                write!(f, "{}:{error}", display(path))
            }
            BuildError::BadSeeds { problems, seeds, .. } => write!(
                f,
                "{} of {seeds} seeds are bad; nothing was written (fix them, or publish the rest with --keep-going)",
                problems.len()
            ),
            BuildError::NoArticles { seeds, .. } => write!(
                f,
                "{}: no articles to publish; the feeds were left as they are",
                display(seeds)
            ),
            BuildError::Io { path, action, error } => {
                write!(f, "{}: cannot {action}: {error}", display(path))
            }
            BuildError::Render { path, error } => {
                write!(f, "{}: cannot render: {error}", display(path))
            }
            BuildError::Unsettled { path } => write!(
                f,
                "{}: changed while the build read it, again and again; nothing was written (run the build again once the seeds are settled)",
                display(path)
            ),
            BuildError::Locked { out, holder } => write!(
                f,
                "{}: another build is writing it ({holder}); not waiting, so nothing was done",
                display(out)
            ),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Settings(SettingsProblem::Read { error, .. }) => Some(error),
            BuildError::Settings(SettingsProblem::Invalid { error, .. }) => Some(error),
            BuildError::Io { error, .. } => Some(error),
            BuildError::Render { error, .. } => Some(error),
            BuildError::BadSeeds { .. }
            | BuildError::NoArticles { .. }
            | BuildError::Unsettled { .. }
            | BuildError::Locked { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{SeedProblem, Stale};

    #[test]
    fn problems_name_the_file_and_line() {
        let key = article::ArticleKey::new("a").unwrap();
        let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
        let error = article::parse(&key, b"titel: x\ndate 2022-01-10 Text.", &options).unwrap_err();
        let problem = SeedProblem::Invalid { path: PathBuf::from("/nowhere/seeds/a.txt"), error };
        assert_eq!(problem.location(), "/nowhere/seeds/a.txt:1");
        assert!(problem.to_string().starts_with("/nowhere/seeds/a.txt:1: unknown field \"titel\""));
        let stray = Stale::Stray(PathBuf::from("/nowhere/feeds/x"));
        assert_eq!(stray.to_string(), "/nowhere/feeds/x: not written by the build; remove it");
    }
}
