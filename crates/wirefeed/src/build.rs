//! The build: seeds in, site out, atomically; in check mode, compared instead of written.
//!
//! Every seed is parsed and every bad one reported before anything is decided. Unless
//! `keep_going` is set, one bad seed means nothing is written; with it, bad seeds are reported
//! and the site is built from the good ones. Each file is rendered on every core, the biggest
//! first, streamed through a [`Sink`] that compares it with the file on disk and stages it in a
//! temporary file beside it only from its first difference; when every file is staged, the
//! staged files are synced once and renamed over the old ones, and generated files that no page
//! produces any more are removed. A reader, a crash or a concurrent run only ever sees a
//! complete old or a complete new file. A clean run leaves a fingerprint in the cache, so the
//! next run with nothing changed is answered from metadata alone ([`crate::state`]).

use std::{
    collections::BTreeMap,
    fs, io,
    path::{Path, PathBuf},
};

use article::{Article, ArticleKey};
use feed::{Settings, WriteError};
use rayon::prelude::*;

use crate::{
    error::{BuildError, SeedProblem, SeedWarning, Stale},
    progress,
    project::{Project, SETTINGS_FILE},
    sink::{Mode as SinkMode, Outcome as SinkOutcome, Sink},
    state,
};

/// Whether a build writes the site or only compares it with what is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write every file that changed, remove stale pages.
    Write,
    /// Write nothing; report every file that differs (never trusts the no-op fingerprint).
    Check,
}

/// How a build should go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Write or check.
    pub mode: Mode,
    /// Publish the good seeds when some are bad, instead of writing nothing.
    pub keep_going: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct Report {
    /// How many seed files were read.
    pub seeds: usize,
    /// How many articles the site holds.
    pub articles: usize,
    /// Bad seeds that were left out (only with `keep_going`).
    pub problems: Vec<SeedProblem>,
    /// Suspicious seeds that were published all the same.
    pub warnings: Vec<SeedWarning>,
    /// What happened to the site.
    pub outcome: Outcome,
}

/// What happened to the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing changed since the last clean build: nothing was read or written.
    UpToDate,
    /// The site was written.
    Written {
        /// Files written because they were new or changed.
        rewritten: usize,
        /// Files of the site.
        files: usize,
        /// Generated files removed because no page produces them any more.
        removed: usize,
    },
    /// Check mode: every file is as a build would write it.
    Fresh {
        /// Files of the site.
        files: usize,
    },
    /// Check mode: these files differ from what a build would write, in path order.
    Stale(Vec<Stale>),
}

/// Builds (or checks) the site of `project`.
pub fn build(project: &Project, options: Options) -> Result<Report, BuildError> {
    let out = project.out();
    // Taken before any seed is read: a seed edited during this run counts as changed next time.
    let inputs = match options.mode {
        Mode::Check => None,
        Mode::Write => state::inputs(project),
    };
    if let Some(inputs) = &inputs
        && state::matches(project, inputs, &list_files(out))
        && LEGACY_STATE.iter().all(|name| !out.join(name).exists())
    {
        return Ok(Report {
            seeds: 0,
            articles: 0,
            problems: Vec::new(),
            warnings: Vec::new(),
            outcome: Outcome::UpToDate,
        });
    }
    let loaded = load(project)?;
    if !loaded.problems.is_empty() && !options.keep_going {
        return Err(BuildError::BadSeeds {
            problems: loaded.problems,
            warnings: loaded.warnings,
            seeds: loaded.seeds,
        });
    }
    if loaded.articles.is_empty() {
        return Err(BuildError::NoArticles {
            seeds: project.seeds().to_owned(),
            problems: loaded.problems,
            warnings: loaded.warnings,
        });
    }
    let site = loaded.site();
    let outcome = match options.mode {
        Mode::Check => match compare(out, &site)? {
            stale if stale.is_empty() => Outcome::Fresh { files: site.paths().len() },
            stale => Outcome::Stale(stale),
        },
        Mode::Write => {
            state::forget(project);
            let (rewritten, removed) = write(out, &site)?;
            // Only a clean run may be skipped next time: a run with bad seeds must be repeated,
            // so its problems are seen (and refused without keep_going).
            if loaded.problems.is_empty()
                && let Some(inputs) = inputs
            {
                state::store(project, &inputs, &list_files(out));
            }
            Outcome::Written { rewritten, files: site.paths().len(), removed }
        }
    };
    Ok(Report {
        seeds: loaded.seeds,
        articles: loaded.articles.len(),
        problems: loaded.problems,
        warnings: loaded.warnings,
        outcome,
    })
}

/// The settings and the parsed seeds of a project: what a build publishes.
#[derive(Debug)]
pub struct Loaded {
    /// The settings in use.
    pub settings: Settings,
    /// The good articles, in seed name order.
    pub articles: Vec<Article>,
    /// The bad seeds.
    pub problems: Vec<SeedProblem>,
    /// The suspicious ones.
    pub warnings: Vec<SeedWarning>,
    /// How many seed files were read.
    pub seeds: usize,
}

impl Loaded {
    /// The site of the good articles, to be rendered file by file.
    pub fn site(&self) -> feed::Site<'_> {
        feed::Site::new(&self.settings, &self.articles)
    }
}

/// Reads the settings and parses every seed, writing nothing.
pub fn load(project: &Project) -> Result<Loaded, BuildError> {
    let settings = project.settings().map_err(BuildError::Settings)?;
    let seeds = project.seeds();
    let list = |error| BuildError::io(seeds, "read the seeds directory", error);
    let mut paths = Vec::new();
    for entry in fs::read_dir(seeds).map_err(list)? {
        paths.push(entry.map_err(list)?.path());
    }
    // Directory order differs between file systems; the output must not.
    paths.sort();

    let options = settings.parse_options();
    let progress = progress::bar(paths.len(), "parsing");
    // Reading and parsing are independent per seed, so they run on every core; `collect` keeps
    // the name order, and everything after it is sequential.
    let outcomes: Vec<Option<Result<article::Parsed, SeedProblem>>> = paths
        .par_iter()
        .map(|path| {
            progress.inc(1);
            let name = path.file_name().and_then(|name| name.to_str());
            if name.is_some_and(|name| name.starts_with('.') || name == SETTINGS_FILE) {
                return None;
            }
            Some(parse_seed(path, &options))
        })
        .collect();
    progress.finish_and_clear();

    let mut loaded = Loaded {
        settings,
        articles: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
        seeds: 0,
    };
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, outcome) in paths.iter().zip(outcomes) {
        let Some(outcome) = outcome else { continue };
        loaded.seeds += 1;
        let parsed = match outcome {
            Ok(parsed) => parsed,
            Err(problem) => {
                loaded.problems.push(problem);
                continue;
            }
        };
        loaded.warnings.extend(
            parsed.warnings.into_iter().map(|warning| SeedWarning { path: path.clone(), warning }),
        );
        let id = parsed.article.id().to_string();
        if let Some(first) = ids.get(&id) {
            loaded.problems.push(SeedProblem::DuplicateId {
                path: path.clone(),
                id,
                first: first.clone(),
            });
            continue;
        }
        ids.insert(id, path.clone());
        loaded.articles.push(parsed.article);
    }
    Ok(loaded)
}

fn parse_seed(path: &Path, options: &article::Options) -> Result<article::Parsed, SeedProblem> {
    let key = seed_key(path)?;
    let bytes =
        fs::read(path).map_err(|error| SeedProblem::Unreadable { path: path.to_owned(), error })?;
    article::parse(&key, &bytes, options)
        .map_err(|error| SeedProblem::Invalid { path: path.to_owned(), error })
}

/// The article key of a seed path, or why the path is not a seed.
fn seed_key(path: &Path) -> Result<ArticleKey, SeedProblem> {
    let metadata = fs::symlink_metadata(path)
        .map_err(|error| SeedProblem::Unreadable { path: path.to_owned(), error })?;
    if metadata.file_type().is_symlink() {
        // A pull request must not be able to publish a file from outside the repository.
        return Err(SeedProblem::SymbolicLink { path: path.to_owned() });
    }
    if !metadata.is_file() {
        return Err(SeedProblem::NotAFile { path: path.to_owned() });
    }
    let (Some(stem), Some("txt")) = (
        path.file_stem().and_then(|stem| stem.to_str()),
        path.extension().and_then(|ext| ext.to_str()),
    ) else {
        return Err(SeedProblem::NotAnArticle { path: path.to_owned() });
    };
    ArticleKey::new(stem).map_err(|error| SeedProblem::BadKey { path: path.to_owned(), error })
}

/// Compares the output directory with what a build would write; returns every difference, in
/// path order.
pub fn compare(out: &Path, site: &feed::Site<'_>) -> Result<Vec<Stale>, BuildError> {
    let files = biggest_first(site);
    let compared: Vec<Result<Option<Stale>, BuildError>> = files
        .par_iter()
        .with_max_len(1)
        .map(|file| {
            let path = out.join(file.path());
            if stream(site, file, Sink::new(path.clone(), SinkMode::Check), false)? == Changed::No {
                return Ok(None);
            }
            Ok(Some(match fs::read(&path) {
                Err(_) => Stale::Missing(path),
                // A checkout with `core.autocrlf` holds CRLF copies of the LF files we write.
                Ok(actual) if normalize_newlines(&actual) == render(site, file, &path)? => {
                    return Ok(None);
                }
                Ok(_) => Stale::Differs(path),
            }))
        })
        .collect();
    let mut stale = Vec::new();
    for result in compared {
        stale.extend(result?);
    }
    let names: Vec<String> = site.paths();
    let legacy =
        LEGACY_STATE.iter().map(|name| name.to_string()).filter(|name| out.join(name).exists());
    for name in list_files(out).into_iter().chain(legacy) {
        if names.binary_search(&name).is_err() {
            stale.push(Stale::Stray(out.join(name)));
        }
    }
    stale.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(stale)
}

/// The site's files, the most work first, so the feeds of every article start at once and the
/// small pages fill in around them.
fn biggest_first(site: &feed::Site<'_>) -> Vec<feed::SiteFile> {
    let mut files = site.files();
    files.sort_by_key(|file| std::cmp::Reverse(site.weight(file)));
    files
}

/// Whether a streamed file changed.
#[derive(Debug, PartialEq, Eq)]
enum Changed {
    No,
    /// Yes; staged in this temporary file when the sink writes.
    Yes(Option<PathBuf>),
}

/// Renders `file` through `sink`.
fn stream(
    site: &feed::Site<'_>,
    file: &feed::SiteFile,
    sink: Sink,
    sync: bool,
) -> Result<Changed, BuildError> {
    let path = sink.path().to_owned();
    // A sink that only compares reads the old file; one that writes also stages the new one.
    let action = if sink.writes() { "write" } else { "compare" };
    let mut buffered = io::BufWriter::with_capacity(1 << 16, sink);
    site.write(file, &mut buffered).map_err(|error| match error {
        // The renderers write nowhere but into the sink: an I/O error is the file's.
        WriteError::Io(error) => BuildError::io(&path, action, error),
        error => BuildError::Render { path: path.clone(), error },
    })?;
    let sink =
        buffered.into_inner().map_err(|error| BuildError::io(&path, action, error.into_error()))?;
    Ok(match sink.finish(sync).map_err(|error| BuildError::io(&path, action, error))? {
        SinkOutcome::Unchanged => Changed::No,
        SinkOutcome::Staged(temporary) => Changed::Yes(Some(temporary)),
        SinkOutcome::Differs => Changed::Yes(None),
    })
}

/// One file, rendered whole: for the rare comparison that needs it.
fn render(
    site: &feed::Site<'_>,
    file: &feed::SiteFile,
    path: &Path,
) -> Result<Vec<u8>, BuildError> {
    let mut bytes = Vec::new();
    site.write(file, &mut bytes)
        .map_err(|error| BuildError::Render { path: path.to_owned(), error })?;
    Ok(bytes)
}

/// Every file below `dir` as a `/`-separated path relative to it, in path order; hidden files
/// and directories (temporaries, `.git`) are left out.
pub fn list_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&directory) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if name.starts_with('.') {
                continue;
            }
            let relative = format!("{prefix}{name}");
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push((entry.path(), format!("{relative}/"))),
                _ => files.push(relative),
            }
        }
    }
    files.sort();
    files
}

/// A checkout with `core.autocrlf` may hold CRLF copies of the LF files we write.
fn normalize_newlines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&byte) = iter.next() {
        if byte == b'\r' && iter.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(byte);
    }
    out
}

/// Writes every changed file atomically and deletes generated files no page produces any more
/// (the archive month or place of articles that were removed); returns how many files were
/// rewritten and how many deleted.
fn write(out: &Path, site: &feed::Site<'_>) -> Result<(usize, usize), BuildError> {
    let names = site.paths();
    let mut directories: Vec<PathBuf> = vec![out.to_path_buf()];
    directories.extend(
        names.iter().filter_map(|name| Path::new(name).parent()).map(|parent| out.join(parent)),
    );
    directories.sort();
    directories.dedup();
    for directory in &directories {
        fs::create_dir_all(directory)
            .map_err(|error| BuildError::io(directory, "create the output directory", error))?;
        remove_stale_temporaries(directory);
    }
    // Each file is compared with the one on disk as it is rendered, and staged only from its
    // first difference, so no file is ever whole in memory; every new file is complete on disk
    // before the first rename: a failure part-way (a full disk, a read-only directory) leaves
    // every file as it was.
    let sync_each = !SYNC_ONCE;
    let files = biggest_first(site);
    let progress = progress::bar(files.len(), "writing");
    let staged: Vec<Result<Option<(PathBuf, PathBuf)>, BuildError>> = files
        .par_iter()
        .with_max_len(1)
        .map(|file| {
            progress.inc(1);
            let path = out.join(file.path());
            let name = file.path().rsplit('/').next().unwrap_or_default();
            let temporary = path.with_file_name(temporary_name(name, std::process::id()));
            let sink = Sink::new(path.clone(), SinkMode::Write(temporary));
            Ok(match stream(site, file, sink, sync_each)? {
                Changed::No => None,
                Changed::Yes(temporary) => temporary.map(|temporary| (temporary, path)),
            })
        })
        .collect();
    progress.finish_and_clear();
    let mut renames = Vec::new();
    let mut failure = None;
    for result in staged {
        match result {
            Ok(Some(rename)) => renames.push(rename),
            Ok(None) => {}
            Err(error) => failure = failure.or(Some(error)),
        }
    }
    if failure.is_none() && SYNC_ONCE && !renames.is_empty() {
        failure = sync_file_system(out).err();
    }
    if let Some(error) = failure {
        for (temporary, _) in &renames {
            let _ = fs::remove_file(temporary);
        }
        return Err(error);
    }
    for (temporary, path) in &renames {
        fs::rename(temporary, path).map_err(|error| BuildError::io(path, "replace", error))?;
    }
    let stale: Vec<String> = list_files(out)
        .into_iter()
        .filter(|name| feed::is_generated(name) && names.binary_search(name).is_err())
        .collect();
    for name in &stale {
        let path = out.join(name);
        fs::remove_file(&path).map_err(|error| BuildError::io(&path, "remove", error))?;
    }
    for name in LEGACY_STATE {
        // Best effort: a leftover that cannot be removed is named by `--check`.
        let _ = fs::remove_file(out.join(name));
    }
    if !renames.is_empty() || !stale.is_empty() {
        for directory in &directories {
            if let Ok(dir) = fs::File::open(directory) {
                // Makes the renames durable; not every platform can sync a directory, hence no error.
                let _ = dir.sync_all();
            }
        }
    }
    Ok((renames.len(), stale.len()))
}

/// State files that versions before the cache kept inside the published directory: removed by
/// a build, named by a check, so that an old clone does not publish them.
const LEGACY_STATE: [&str; 2] = [".wirefeed-state", ".wirefeed-pinged"];

/// The temporary file a process stages `name` in: hidden, and named after the process, so
/// concurrent runs never write to the same temporary file.
fn temporary_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Removes temporary files left by runs that were killed. Only on systems with `/proc`, where a
/// dead process can be told from a live one whose rename is still to come.
fn remove_stale_temporaries(out: &Path) {
    let proc = Path::new("/proc");
    let Ok(entries) = fs::read_dir(out) else { return };
    if !proc.join("self").exists() {
        return;
    }
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_suffix(".tmp"))
            .and_then(|rest| rest.rsplit('.').next())
        else {
            continue;
        };
        let ours = name.to_str().is_some_and(|name| name.starts_with('.'));
        if ours && pid.parse::<u32>().is_ok() && !proc.join(pid).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether staged files are made durable all at once, by syncing the file system that holds
/// them, rather than one `fsync` per file: on Linux, where `syncfs` exists. With a page per
/// article, per-file syncs would cost more than the rest of a build.
const SYNC_ONCE: bool = cfg!(target_os = "linux");

/// Forces every staged file of `out`'s file system to disk, before the first rename.
#[cfg(target_os = "linux")]
fn sync_file_system(out: &Path) -> Result<(), BuildError> {
    let sync = || -> io::Result<()> { Ok(rustix::fs::syncfs(&fs::File::open(out)?)?) };
    sync().map_err(|error| BuildError::io(out, "sync the new files to disk", error))
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_out: &Path) -> Result<(), BuildError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalize_newlines;

    #[test]
    fn crlf_copies_count_as_fresh() {
        assert_eq!(normalize_newlines(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }
}
