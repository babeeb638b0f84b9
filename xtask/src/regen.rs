//! `cargo xtask regen`: seeds in, feeds out, atomically; `--check` compares instead of writing.
//!
//! Every seed is parsed and every bad one reported (`path:line: message`) before anything is
//! decided. Without `--keep-going` one bad seed means nothing is written; with it, bad seeds are
//! warnings and the feeds are built from the good ones. Files are written to a temporary file in
//! the output directory and renamed over the old one, so a reader, a crash or a concurrent run
//! only ever sees a complete old or a complete new feed. Unchanged files are not touched.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{Context, bail};
use article::{Article, ArticleKey};
use feed::Settings;
use rayon::prelude::*;

use crate::{
    display, progress, project_root,
    sink::{Mode, Outcome, Sink},
    state,
};

/// Options of `cargo xtask regen`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Directory of wire articles, one NAME.txt per article [default: seeds/]
    #[arg(long, value_name = "DIR")]
    seeds: Option<PathBuf>,
    /// Directory the feeds are written to [default: feeds/]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Feed settings [default: feed.toml in the seeds directory, if there is one]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report bad seeds as warnings and publish the good ones
    #[arg(long)]
    keep_going: bool,
    /// Write nothing; fail and name every file that differs from what regen would write
    #[arg(long)]
    check: bool,
}

impl Args {
    /// A plain `regen --seeds SEEDS --out OUT`, as `serve --watch` runs it.
    pub(crate) fn new(seeds: PathBuf, out: PathBuf) -> Args {
        Args { seeds: Some(seeds), out: Some(out), config: None, keep_going: false, check: false }
    }
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = project_root();
    let seeds = args.seeds.clone().unwrap_or_else(|| root.join("seeds"));
    let out = args.out.clone().unwrap_or_else(|| root.join("feeds"));
    // Taken before any seed is read: a seed edited during this run counts as changed next time.
    let inputs = if args.check {
        None
    } else {
        state::inputs(&seeds, settings_path(&seeds, args.config.as_deref()).as_deref())
    };
    if let Some(inputs) = &inputs
        && let Some(stored) = state::stored(&out)
        && state::outputs(&out, &list_files(&out))
            .is_some_and(|outputs| stored == format!("{inputs}\n{outputs}"))
    {
        eprintln!("{} is up to date: nothing changed since the last regen", display(&out));
        return Ok(ExitCode::SUCCESS);
    }
    let build = build(&seeds, args.config.as_deref())?;
    for warning in &build.warnings {
        eprintln!("{warning}");
    }
    if !build.bad.is_empty() {
        if !args.keep_going {
            for problem in &build.bad {
                eprintln!("{problem}");
            }
            eprintln!(
                "error: {} of {} seeds are bad; nothing was written (fix them, or publish the rest with --keep-going)",
                build.bad.len(),
                build.n_seeds
            );
            return Ok(ExitCode::FAILURE);
        }
        for problem in &build.bad {
            eprintln!("{}", as_warning(problem));
        }
    }
    if build.articles.is_empty() {
        bail!("{}: no articles to publish; the feeds were left as they are", display(&seeds));
    }
    if args.check {
        let stale = check(&out, &build.site())?;
        for problem in &stale {
            eprintln!("{problem}");
        }
        if !stale.is_empty() {
            eprintln!("error: {} is stale: run `cargo xtask regen`", display(&out));
            return Ok(ExitCode::FAILURE);
        }
        return Ok(ExitCode::SUCCESS);
    }
    state::forget(&out);
    let site = build.site();
    let (written, removed) = write(&out, &site)?;
    // Only a clean run may be skipped next time: a run with bad seeds must be repeated, so its
    // errors are seen (and refused without --keep-going).
    if build.bad.is_empty()
        && let Some(inputs) = inputs
        && let Some(outputs) = state::outputs(&out, &list_files(&out))
    {
        state::store(&out, &format!("{inputs}\n{outputs}"));
    }
    let removed = if removed > 0 { format!(", {removed} stale removed") } else { String::new() };
    eprintln!(
        "{} article(s): {} of {} file(s) in {} rewritten{removed}",
        build.articles.len(),
        written,
        site.paths().len(),
        display(&out)
    );
    Ok(ExitCode::SUCCESS)
}

/// What `regen` would publish, and what it found wrong on the way.
pub(crate) struct Build {
    settings: Settings,
    /// The good articles, in seed name order.
    pub(crate) articles: Vec<Article>,
    /// One `path:line: message` per bad seed.
    pub(crate) bad: Vec<String>,
    /// One `path:line: warning: message` per suspicious seed.
    pub(crate) warnings: Vec<String>,
    pub(crate) n_seeds: usize,
}

impl Build {
    /// The settings the build used.
    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The site of the good articles, to be rendered file by file.
    pub(crate) fn site(&self) -> feed::Site<'_> {
        feed::Site::new(&self.settings, &self.articles)
    }
}

/// Reads settings and seeds, writing nothing.
pub(crate) fn build(seeds: &Path, config: Option<&Path>) -> anyhow::Result<Build> {
    let settings = load_settings(seeds, config)?;
    let (articles, n_seeds, bad, warnings) = read_seeds(seeds, &settings)?;
    Ok(Build { settings, articles, bad, warnings, n_seeds })
}

/// The settings file of a seeds directory: `--config`, else `feed.toml` beside the seeds, else
/// the defaults.
const SETTINGS_FILE: &str = "feed.toml";

/// The settings file in use, if there is one.
fn settings_path(seeds: &Path, config: Option<&Path>) -> Option<PathBuf> {
    match config {
        Some(path) => Some(path.to_path_buf()),
        None => Some(seeds.join(SETTINGS_FILE)).filter(|path| path.exists()),
    }
}

fn load_settings(seeds: &Path, config: Option<&Path>) -> anyhow::Result<Settings> {
    let Some(path) = settings_path(seeds, config) else { return Ok(Settings::defaults()) };
    let text = fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read the settings", display(&path)))?;
    Settings::from_toml(&text).map_err(|err| anyhow::anyhow!("{}:{err}", display(&path)))
}

type Seeds = (Vec<Article>, usize, Vec<String>, Vec<String>);

/// Parses every seed, in file name order. Returns the good articles, the number of seeds, and
/// the bad seeds and warnings as messages that name file and line.
fn read_seeds(seeds: &Path, settings: &Settings) -> anyhow::Result<Seeds> {
    let entries = fs::read_dir(seeds)
        .with_context(|| format!("{}: cannot read the seeds directory", display(seeds)))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry
            .with_context(|| format!("{}: cannot list the seeds directory", display(seeds)))?;
        paths.push(entry.path());
    }
    // Directory order differs between file systems; the output must not.
    paths.sort();

    let options = settings.parse_options();
    let progress = progress::bar(paths.len(), "parsing");
    // Reading and parsing are independent per seed, so they run on every core; `collect` keeps
    // the name order, and everything after it is sequential.
    let outcomes: Vec<Option<Result<article::Parsed, String>>> = paths
        .par_iter()
        .map(|path| {
            progress.inc(1);
            let name = path.file_name().and_then(|name| name.to_str());
            if name.is_some_and(|name| name.starts_with('.') || name == SETTINGS_FILE) {
                return None;
            }
            let key = seed_key(path).map_err(|message| format!("{}: {message}", display(path)));
            let bytes = key.and_then(|key| {
                fs::read(path)
                    .map(|bytes| (key, bytes))
                    .map_err(|err| format!("{}: cannot read: {err}", display(path)))
            });
            Some(bytes.and_then(|(key, bytes)| {
                article::parse(&key, &bytes, &options)
                    .map_err(|err| format!("{}:{err}", display(path)))
            }))
        })
        .collect();
    progress.finish_and_clear();

    let mut articles: Vec<Article> = Vec::new();
    let mut bad = Vec::new();
    let mut warnings = Vec::new();
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut n_seeds = 0;
    for (path, outcome) in paths.iter().zip(outcomes) {
        let Some(outcome) = outcome else { continue };
        n_seeds += 1;
        let parsed = match outcome {
            Ok(parsed) => parsed,
            Err(problem) => {
                bad.push(problem);
                continue;
            }
        };
        warnings.extend(parsed.warnings.iter().map(|warning| {
            let text = warning.to_string();
            let (line, message) = text.split_once(": ").expect("warnings start with their line");
            format!("{}:{line}: warning: {message}", display(path))
        }));
        let id = parsed.article.id().to_string();
        if let Some(first) = ids.get(&id) {
            bad.push(format!("{}: id {id:?} is already used by {}", display(path), display(first)));
            continue;
        }
        ids.insert(id, path.clone());
        articles.push(parsed.article);
    }
    Ok((articles, n_seeds, bad, warnings))
}

/// The article key of a seed path, or why the path is not a seed.
fn seed_key(path: &Path) -> Result<ArticleKey, String> {
    let metadata = fs::symlink_metadata(path).map_err(|err| format!("cannot read: {err}"))?;
    if metadata.file_type().is_symlink() {
        // A pull request must not be able to publish a file from outside the repository.
        return Err(
            "is a symbolic link; seeds are never followed, copy the article in instead".to_owned()
        );
    }
    if !metadata.is_file() {
        return Err("is not a file; the seeds directory holds only NAME.txt articles".to_owned());
    }
    let (Some(stem), Some("txt")) = (
        path.file_stem().and_then(|stem| stem.to_str()),
        path.extension().and_then(|ext| ext.to_str()),
    ) else {
        return Err("is not a wire article: seeds are NAME.txt files".to_owned());
    };
    ArticleKey::new(stem).map_err(|err| err.to_string())
}

/// `path:line: message` → `path:line: warning: message`.
fn as_warning(problem: &str) -> String {
    let split = problem.find(": ").map_or(problem.len(), |at| at + 2);
    format!("{}warning: {}", &problem[..split], &problem[split..])
}

/// Compares the output directory with what regen would write; returns one line per difference.
pub(crate) fn check(out: &Path, site: &feed::Site<'_>) -> anyhow::Result<Vec<String>> {
    let files = biggest_first(site);
    let compared: Vec<anyhow::Result<Option<String>>> = files
        .par_iter()
        .with_max_len(1)
        .map(|file| {
            let path = out.join(file.path());
            if stream(site, file, Sink::new(path.clone(), Mode::Check), false)? == Changed::No {
                return Ok(None);
            }
            let problem = match fs::read(&path) {
                Err(_) => format!("{}: missing", display(&path)),
                // A checkout with `core.autocrlf` holds CRLF copies of the LF files regen writes.
                Ok(actual) if normalize_newlines(&actual) == render(site, file)? => {
                    return Ok(None);
                }
                Ok(_) => {
                    format!("{}: differs from what `cargo xtask regen` writes", display(&path))
                }
            };
            Ok(Some(problem))
        })
        .collect();
    let mut problems = Vec::new();
    for result in compared {
        problems.extend(result?);
    }
    // Reported in path order, whatever order they were found in.
    problems.sort();
    let names: Vec<String> = site.paths();
    for name in list_files(out) {
        if names.binary_search(&name).is_err() {
            problems.push(format!("{}: not written by regen; remove it", display(&out.join(name))));
        }
    }
    Ok(problems)
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
) -> anyhow::Result<Changed> {
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, sink);
    if let Err(err) = site.write(file, &mut buffered) {
        let path = display(buffered.get_ref().path());
        // An I/O error of the sink, passed on by the renderer, is the file's, not the render's.
        match buffered.get_ref().failure() {
            Some(failure) => bail!("{path}: cannot write: {failure}"),
            None => bail!("{path}: cannot render: {err}"),
        }
    }
    let path = buffered.get_ref().path().to_path_buf();
    let sink = buffered
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)
        .with_context(|| format!("{}: cannot write", display(&path)))?;
    Ok(match sink.finish(sync).with_context(|| format!("{}: cannot write", display(&path)))? {
        Outcome::Unchanged => Changed::No,
        Outcome::Staged(temporary) => Changed::Yes(Some(temporary)),
        Outcome::Differs => Changed::Yes(None),
    })
}

/// One file, rendered whole: for the rare comparison that needs it.
fn render(site: &feed::Site<'_>, file: &feed::SiteFile) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    site.write(file, &mut bytes).with_context(|| format!("{}: cannot render", file.path()))?;
    Ok(bytes)
}

/// Every file below `dir` as a `/`-separated path relative to it, in path order; hidden files
/// and directories (temporaries, `.git`) are left out.
pub(crate) fn list_files(dir: &Path) -> Vec<String> {
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

/// A checkout with `core.autocrlf` may hold CRLF copies of the LF files regen writes.
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
fn write(out: &Path, site: &feed::Site<'_>) -> anyhow::Result<(usize, usize)> {
    let names = site.paths();
    let mut directories: Vec<PathBuf> = vec![out.to_path_buf()];
    directories.extend(
        names.iter().filter_map(|name| Path::new(name).parent()).map(|parent| out.join(parent)),
    );
    directories.sort();
    directories.dedup();
    for directory in &directories {
        fs::create_dir_all(directory).with_context(|| {
            format!("{}: cannot create the output directory", display(directory))
        })?;
        remove_stale_temporaries(directory);
    }
    // Each file is compared with the one on disk as it is rendered, and staged only from its
    // first difference, so no file is ever whole in memory; every new file is complete on disk
    // before the first rename: a failure part-way (a full disk, a read-only directory) leaves
    // every feed as it was.
    let sync_each = !SYNC_ONCE;
    let files = biggest_first(site);
    let progress = progress::bar(files.len(), "writing");
    let staged: Vec<anyhow::Result<Option<(PathBuf, PathBuf)>>> = files
        .par_iter()
        .with_max_len(1)
        .map(|file| {
            progress.inc(1);
            let path = out.join(file.path());
            let name = file.path().rsplit('/').next().unwrap_or_default();
            let temporary = path.with_file_name(temporary_name(name, std::process::id()));
            let sink = Sink::new(path.clone(), Mode::Write(temporary));
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
            Err(err) => failure = failure.or(Some(err)),
        }
    }
    if failure.is_none() && SYNC_ONCE && !renames.is_empty() {
        failure = sync_file_system(out).err();
    }
    if let Some(err) = failure {
        for (temporary, _) in &renames {
            let _ = fs::remove_file(temporary);
        }
        return Err(err);
    }
    for (temporary, path) in &renames {
        fs::rename(temporary, path)
            .with_context(|| format!("{}: cannot replace", display(path)))?;
    }
    let stale: Vec<String> = list_files(out)
        .into_iter()
        .filter(|name| feed::is_generated(name) && names.binary_search(name).is_err())
        .collect();
    for name in &stale {
        let path = out.join(name);
        fs::remove_file(&path).with_context(|| format!("{}: cannot remove", display(&path)))?;
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
/// article, per-file syncs would cost more than the rest of a regen.
const SYNC_ONCE: bool = cfg!(target_os = "linux");

/// Forces every staged file of `out`'s file system to disk, before the first rename.
#[cfg(target_os = "linux")]
fn sync_file_system(out: &Path) -> anyhow::Result<()> {
    let directory = fs::File::open(out)?;
    rustix::fs::syncfs(&directory)
        .with_context(|| format!("{}: cannot sync the new files to disk", display(out)))
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_out: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when the committed feeds are stale, as CI's `regen --check` does.
    #[test]
    fn feeds_are_fresh() {
        let root = project_root();
        let build = build(&root.join("seeds"), None).unwrap();
        assert!(build.bad.is_empty(), "bad seeds: {:?}", build.bad);
        let problems = check(&root.join("feeds"), &build.site()).unwrap();
        assert!(
            problems.is_empty(),
            "feeds/ is stale, run `cargo xtask regen`:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn crlf_copies_count_as_fresh() {
        assert_eq!(normalize_newlines(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }

    #[test]
    fn warnings_keep_the_location() {
        assert_eq!(as_warning("seeds/a.txt:3: bad"), "seeds/a.txt:3: warning: bad");
    }
}
