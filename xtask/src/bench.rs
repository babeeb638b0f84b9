//! `cargo xtask bench`: time full and incremental builds of synthetic corpora against the floor.
//!
//! For each size: builds (once, cached under `target/bench/`) a corpus with `corpus`, warms the
//! page cache by reading it, then, `--runs` times (5 by default), with the release `wirefeed`:
//!
//! 1. a cold full build — an empty output directory and an empty cache (each run has its own
//!    fresh `--root`, so `ROOT/.wirefeed` starts empty; the seeds stay in the corpus);
//! 2. the floor, right after it: reading every input file as `cat` does, then writing the files
//!    the build wrote, same paths and sizes, into an empty directory, synced as the build syncs;
//! 3. with `--baseline`, a cold full build by the older binary into its own root, before or
//!    after ours in alternate runs;
//! 4. a no-op build over the full build's output;
//! 5. three incremental builds: after adding one article (a new key, dated the corpus's newest
//!    day), after editing one (a mid-archive article's body, a different length) and after
//!    deleting one;
//! 6. the corpus restored byte for byte (also on error), and one more build back to step 4's
//!    state.
//!
//! Wall time, CPU time and peak memory of each build come from `wait4`. Ratios are computed
//! within each run (this VM's disk swings 3× between runs) and the table gives their medians;
//! every run's own figures go to stderr.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, ExitCode, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use wirefeed::display;

use crate::{
    corpus::{self, Layout},
    project_root,
};

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Corpus sizes to measure, comma-separated (1000000 is opt-in: `--n 1000000`)
    #[arg(long, value_delimiter = ',', default_values_t = [10_000, 100_000])]
    n: Vec<usize>,
    /// Runs per size; the table gives medians (and the highest peak memory)
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Articles per feed in the builds' settings (50 is the product's default); 0 puts every
    /// article in every feed
    #[arg(long, default_value_t = 50)]
    item_limit: usize,
    /// Build without the search index (`search = false`), whose whole rebuild on any change
    /// dominates incremental builds of large archives
    #[arg(long)]
    no_search: bool,
    /// Layout of the corpora: all articles in one directory, or under their dates
    #[arg(long, value_enum, default_value_t = Layout::Nested)]
    layout: Layout,
    /// An older `wirefeed` binary: each run also times a cold full build and the incremental
    /// builds with it, and the table gives the medians of the ratios ours / baseline (older
    /// binaries may need `--layout flat`)
    #[arg(long, value_name = "PATH")]
    baseline: Option<PathBuf>,
}

/// The generator's seed for every bench corpus.
const SEED: u64 = 1;

/// The file that marks a corpus as complete and unchanged; it is removed while a run changes
/// the corpus, so a corpus left changed by an interrupted bench is written again.
const COMPLETE: &str = ".complete";

/// The paragraph the "edit one" scenario appends to an article's body.
const EDIT: &str = "\n\nThe talks are due to resume next week, officials said.\n";

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if let Some(&n) = args.n.iter().find(|&&n| n < 2) {
        bail!("--n {n}: the bench needs at least 2 articles (one to edit, another to delete)");
    }
    let root = project_root();
    let baseline = args
        .baseline
        .as_deref()
        .map(|path| {
            fs::canonicalize(path)
                .with_context(|| format!("--baseline {}: no such binary", display(path)))
        })
        .transpose()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        // Builds and `watch`; no server, no pings.
        .args(["build", "--release", "--quiet", "--package", "wirefeed", "--no-default-features"])
        .args(["--features", "watch"])
        .current_dir(&root)
        .status()
        .with_context(|| format!("cannot run {cargo}"))?;
    if !status.success() {
        bail!("the release build of wirefeed failed ({status})");
    }
    let bench_dir = root.join("target/bench");
    fs::create_dir_all(&bench_dir)
        .with_context(|| format!("{}: cannot create", display(&bench_dir)))?;
    // The corpus's own feed.toml has `item-limit = 0` and search; other settings get a
    // settings file here.
    let config = match (args.item_limit, args.no_search) {
        (0, false) => None,
        (limit, no_search) => {
            let search = if no_search { "search = false\n" } else { "" };
            let name = format!(
                "feed-item-limit-{limit}{}.toml",
                if no_search { "-no-search" } else { "" }
            );
            let path = bench_dir.join(name);
            fs::write(&path, format!("item-limit = {limit}\ndate-offset = \"+03:00\"\n{search}"))
                .with_context(|| format!("{}: cannot write", display(&path)))?;
            Some(path)
        }
    };
    let mut session = Session::new(bench_dir.join(format!("session-{}", std::process::id())))?;
    let bench = Bench {
        binary: root.join("target/release/wirefeed"),
        baseline,
        config,
        runs: args.runs.max(1),
        layout: args.layout,
    };
    for &n in &args.n {
        let seeds = prepare_corpus(&bench_dir, n, args.layout)?;
        let size = bench.measure_size(&mut session, n, &seeds)?;
        print_table(args, &size);
    }
    session.remove()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the corpus of `n` articles in `layout` unless a complete one is already there;
/// returns its directory.
fn prepare_corpus(bench_dir: &Path, n: usize, layout: Layout) -> anyhow::Result<PathBuf> {
    let seeds = bench_dir.join(match layout {
        Layout::Flat => format!("corpus-{n}"),
        Layout::Nested => format!("corpus-{n}-nested"),
    });
    let marker = seeds.join(COMPLETE);
    if !marker.exists() {
        if seeds.exists() {
            eprintln!("{}: incomplete or left changed, writing it again", display(&seeds));
            fs::remove_dir_all(&seeds)
                .with_context(|| format!("{}: cannot remove", display(&seeds)))?;
        }
        eprintln!("building a corpus of {n} articles in {}", display(&seeds));
        corpus::write(&seeds, n, SEED, layout)?;
        fs::write(&marker, "").with_context(|| format!("{}: cannot write", display(&marker)))?;
    }
    Ok(seeds)
}

/// What every run uses.
struct Bench {
    /// The release `wirefeed` of this checkout.
    binary: PathBuf,
    /// The older `wirefeed` to compare cold full builds with.
    baseline: Option<PathBuf>,
    /// The settings file, unless the corpus's own `feed.toml` (`item-limit = 0`) is used.
    config: Option<PathBuf>,
    /// Runs per size.
    runs: usize,
    /// The corpora's layout.
    layout: Layout,
}

/// The runs at one size, and what is the same in all of them.
struct Size {
    /// Articles in the corpus.
    n: usize,
    /// Bytes of every input file (the articles and `feed.toml`).
    input_bytes: u64,
    /// Files the full build wrote.
    output_files: usize,
    /// Bytes of those files.
    output_bytes: u64,
    /// Every run's figures.
    runs: Vec<Run>,
}

/// One run at one size.
struct Run {
    /// The cold full build.
    full: Measurement,
    /// The baseline's cold full build, with `--baseline`.
    baseline: Option<Measurement>,
    /// The floor's reading of every input.
    read: Duration,
    /// The floor's writing of the files the full build wrote.
    write: Duration,
    /// Our incremental builds.
    steps: Steps,
    /// The baseline's incremental builds, from its cold full build, with `--baseline`.
    baseline_steps: Option<Steps>,
    /// The same changes published by our `wirefeed watch`.
    watch: Latencies,
}

/// How soon `wirefeed watch` publishes each change: from the seed written to its article's page
/// made, rewritten or removed; and what the watch used over its whole run.
#[derive(Debug, Clone, Copy)]
struct Latencies {
    add: Duration,
    edit: Duration,
    delete: Duration,
    /// The watch process, from its start (a build with nothing to do, the seeds listed and the
    /// index read) to its end.
    process: Measurement,
}

/// The incremental builds after a cold full build, in order.
#[derive(Debug, Clone, Copy)]
struct Steps {
    /// A build with nothing changed.
    noop: Measurement,
    /// A build after one article was added.
    add: Measurement,
    /// A build after one article's body was edited.
    edit: Measurement,
    /// A build after one article was deleted.
    delete: Measurement,
    /// The build after the corpus was restored (three changes undone).
    restore: Measurement,
}

impl Run {
    /// The floor: reading the inputs and writing the outputs.
    fn floor(&self) -> Duration {
        self.read + self.write
    }
}

/// The resources one build used.
#[derive(Debug, Clone, Copy)]
struct Measurement {
    /// Elapsed time, from spawning to reaping.
    wall: Duration,
    /// User and system time.
    cpu: Duration,
    /// Peak resident memory.
    peak_bytes: u64,
}

/// One build's figures picked from a run's incremental builds.
type Pick = fn(&Steps) -> Measurement;

/// The builds of the incremental scenarios, in the order they run, with their labels.
const INCREMENTAL: [(&str, Pick); 4] = [
    ("no-op", |steps| steps.noop),
    ("add one", |steps| steps.add),
    ("edit one", |steps| steps.edit),
    ("delete one", |steps| steps.delete),
];

/// One of a watch's latencies.
type Latency = fn(&Latencies) -> Duration;

/// The changes a watch publishes, with their labels.
const WATCHED: [(&str, Latency); 3] = [
    ("watch: add one, live in", |watch| watch.add),
    ("watch: edit one, live in", |watch| watch.edit),
    ("watch: delete one, gone in", |watch| watch.delete),
];

impl Bench {
    /// Every run at one size.
    fn measure_size(&self, session: &mut Session, n: usize, seeds: &Path) -> anyhow::Result<Size> {
        let inputs = wirefeed::list_files(seeds);
        // A first read warms the page cache, so the floor and the builds read from memory.
        let (_, input_bytes) = read_all(seeds, &inputs)?;
        let target = |index: usize| -> anyhow::Result<PathBuf> {
            let name = corpus::file_name(index);
            inputs
                .iter()
                .find(|path| path.rsplit('/').next() == Some(name.as_str()))
                .map(|path| seeds.join(path))
                .with_context(|| format!("{}: no {name} in the corpus", display(seeds)))
        };
        let changes = Scenario {
            added: corpus::extra(n, SEED, self.layout),
            edited: target(n / 2)?,
            deleted: target(n / 4)?,
        };
        eprintln!(
            "n = {n}: adding {}, editing {}, deleting {}",
            display(&seeds.join(&changes.added.0)),
            display(&changes.edited),
            display(&changes.deleted)
        );
        let mut size = Size { n, input_bytes, output_files: 0, output_bytes: 0, runs: Vec::new() };
        for index in 0..self.runs {
            let dir = session.run_dir(n, index)?;
            let (run, outputs) = self.one_run(&dir, seeds, &inputs, &changes, index)?;
            size.output_files = outputs.len();
            size.output_bytes = outputs.iter().map(|(_, bytes)| bytes).sum();
            print_run(n, index, self.runs, &run);
            size.runs.push(run);
            session.done(dir, n)?;
        }
        Ok(size)
    }

    /// One run: the cold full build, the floor, the baseline, then the incremental builds.
    /// Returns the run's figures and the files the full build wrote, with their sizes.
    fn one_run(
        &self,
        dir: &Path,
        seeds: &Path,
        inputs: &[String],
        scenario: &Scenario,
        index: usize,
    ) -> anyhow::Result<(Run, Vec<(PathBuf, u64)>)> {
        let ours = dir.join("ours");
        let log = dir.join("build.log");
        let build = |what: &str| self.build(&self.binary, seeds, &ours, &log, what);
        let baseline_build = || -> anyhow::Result<Option<Measurement>> {
            let Some(baseline) = &self.baseline else { return Ok(None) };
            let root = dir.join("baseline");
            Ok(Some(self.build(baseline, seeds, &root, &log, "the baseline's cold full build")?))
        };
        // The baseline goes first in odd runs, second in even ones.
        let baseline_first = index % 2 == 1;
        let mut baseline = if baseline_first { baseline_build()? } else { None };
        let full = build("the cold full build")?;
        let (read, _) = read_all(seeds, inputs)?;
        let outputs = output_files(&ours.join("feeds"))?;
        let write = write_files(&dir.join("floor"), &outputs)?;
        if !baseline_first {
            baseline = baseline_build()?;
        }
        // The no-op of each binary, before either changes the corpus (restoring it changes the
        // seeds' metadata, which the other's next build must notice).
        let baseline_noop = || -> anyhow::Result<Option<Measurement>> {
            let Some(binary) = &self.baseline else { return Ok(None) };
            let root = dir.join("baseline");
            Ok(Some(self.build(binary, seeds, &root, &log, "the baseline's no-op build")?))
        };
        let mut noop_before = if baseline_first { baseline_noop()? } else { None };
        let noop = build("the no-op build")?;
        if !baseline_first {
            noop_before = baseline_noop()?;
        }
        // The incremental builds of a binary in its project, from its cold full build.
        let steps = |binary: &Path, root: &Path, noop: Measurement| -> anyhow::Result<Steps> {
            let build = |what: &str| self.build(binary, seeds, root, &log, what);
            let mut changes = Changes::new(seeds)?;
            let (relative, text) = &scenario.added;
            changes.add(&seeds.join(relative), text.as_bytes())?;
            let add = build("the build after adding one article")?;
            changes.edit(&scenario.edited)?;
            let edit = build("the build after editing one article")?;
            changes.delete(&scenario.deleted)?;
            let delete = build("the build after deleting one article")?;
            changes.restore()?;
            let restore = build("the build after restoring the corpus")?;
            Ok(Steps { noop, add, edit, delete, restore })
        };
        let baseline_steps = || -> anyhow::Result<Option<Steps>> {
            let (Some(binary), Some(noop)) = (&self.baseline, noop_before) else { return Ok(None) };
            Ok(Some(steps(binary, &dir.join("baseline"), noop)?))
        };
        // Here too the baseline goes first in odd runs.
        let mut before = if baseline_first { baseline_steps()? } else { None };
        let ours_steps = steps(&self.binary, &ours, noop)?;
        if !baseline_first {
            before = baseline_steps()?;
        }
        let watch = self.watch(seeds, &ours, &dir.join("watch.log"), scenario)?;
        let run =
            Run { full, baseline, read, write, steps: ours_steps, baseline_steps: before, watch };
        Ok((run, outputs))
    }

    /// `binary subcommand` for the corpus `seeds` in the project at `root` (its site in
    /// `ROOT/feeds`, its cache in `ROOT/.wirefeed`), with the bench's settings, saying everything
    /// to `log`.
    fn command(
        &self,
        binary: &Path,
        subcommand: &str,
        seeds: &Path,
        root: &Path,
        log: &Path,
    ) -> anyhow::Result<Command> {
        let mut command = Command::new(binary);
        command.arg(subcommand).arg("--root").arg(root).arg("--seeds").arg(seeds);
        command.arg("--out").arg(root.join("feeds"));
        if let Some(config) = &self.config {
            command.arg("--config").arg(config);
        }
        let file =
            fs::File::create(log).with_context(|| format!("{}: cannot create", display(log)))?;
        let copy = file.try_clone().with_context(|| format!("{}: cannot open", display(log)))?;
        command.stdout(Stdio::from(copy)).stderr(Stdio::from(file));
        Ok(command)
    }

    /// The three changes made while our `wirefeed watch` of the project at `root` runs, each
    /// once the watch has published the one before and read its index again; timed from the
    /// seed written to its page changed.
    fn watch(
        &self,
        seeds: &Path,
        root: &Path,
        log: &Path,
        scenario: &Scenario,
    ) -> anyhow::Result<Latencies> {
        let mut command = self.command(&self.binary, "watch", seeds, root, log)?;
        command.env("WIREFEED_TIMINGS", "1");
        let start = Instant::now();
        let mut watching = Watching(Some(command.spawn().context("cannot run wirefeed watch")?));
        let mut ready = |times: usize| watching.ready(log, times);
        let page = |seed: &Path| {
            let key = seed.file_stem().unwrap_or_default().to_string_lossy();
            root.join("feeds").join("articles").join(format!("{key}.html"))
        };
        let modified =
            |path: &Path| fs::metadata(path).and_then(|metadata| metadata.modified()).ok();
        ready(1)?;
        let mut changes = Changes::new(seeds)?;
        let (relative, text) = &scenario.added;
        let added = seeds.join(relative);
        changes.add(&added, text.as_bytes())?;
        let add = until("the added article's page", || page(&added).exists())?;
        ready(2)?;
        let before = modified(&page(&scenario.edited));
        changes.edit(&scenario.edited)?;
        let edit =
            until("the edited article's page", || modified(&page(&scenario.edited)) != before)?;
        ready(3)?;
        changes.delete(&scenario.deleted)?;
        let delete =
            until("the deleted article's page gone", || !page(&scenario.deleted).exists())?;
        ready(4)?;
        changes.restore()?;
        until("the restored article's page", || page(&scenario.deleted).exists())?;
        ready(5)?;
        let process = watching.stop(start)?;
        Ok(Latencies { add, edit, delete, process })
    }

    /// One build by `binary` of the corpus `seeds` in the project at `root` (its site in
    /// `ROOT/feeds`, its cache in `ROOT/.wirefeed`), timed; its output goes to `log`, shown if it
    /// fails.
    fn build(
        &self,
        binary: &Path,
        seeds: &Path,
        root: &Path,
        log: &Path,
        what: &str,
    ) -> anyhow::Result<Measurement> {
        fs::create_dir_all(root).with_context(|| format!("{}: cannot create", display(root)))?;
        let mut command = self.command(binary, "build", seeds, root, log)?;
        measure(&mut command).or_else(|failure| {
            let output = fs::read(log).unwrap_or_default();
            let output = String::from_utf8_lossy(&output);
            let lines: Vec<&str> = output.lines().collect();
            let tail = lines[lines.len().saturating_sub(40)..].join("\n");
            bail!("{what} failed ({failure}): {command:?}\n{tail}")
        })
    }
}

/// Waits for `done`, looking every millisecond, for at most an hour; returns how long it took.
fn until(what: &str, done: impl Fn() -> bool) -> anyhow::Result<Duration> {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > Duration::from_secs(3600) {
            bail!("an hour passed waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(start.elapsed())
}

/// A running `wirefeed watch`, killed when dropped.
struct Watching(Option<std::process::Child>);

impl Watching {
    /// Waits until the watch has said `timing: read ahead` (which it says each time it is
    /// ready for the next change) `times` times in `log`; fails if it ends first.
    fn ready(&mut self, log: &Path, times: usize) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            let said = fs::read_to_string(log).unwrap_or_default();
            if said.matches("timing: read ahead").count() >= times {
                return Ok(());
            }
            let child = self.0.as_mut().context("the watch is stopped")?;
            if let Some(status) = child.try_wait().context("cannot wait for the watch")? {
                let tail: Vec<&str> = said.lines().rev().take(40).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                bail!("the watch ended ({status}): {}\n{}", display(log), tail.join("\n"));
            }
            if start.elapsed() > Duration::from_secs(3600) {
                bail!("an hour passed waiting for the watch ({})", display(log));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the watch and reads what it used since `start`.
    #[cfg(unix)]
    fn stop(&mut self, start: Instant) -> anyhow::Result<Measurement> {
        let Some(mut child) = self.0.take() else { bail!("the watch is stopped") };
        child.kill().context("cannot stop the watch")?;
        // Killed, it ends by a signal: its status says nothing.
        reap(&child, start).map(|(_, measurement)| measurement)
    }

    /// Elsewhere only the wall time is measured.
    #[cfg(not(unix))]
    fn stop(&mut self, start: Instant) -> anyhow::Result<Measurement> {
        let Some(mut child) = self.0.take() else { bail!("the watch is stopped") };
        child.kill().context("cannot stop the watch")?;
        child.wait().context("cannot wait for the watch")?;
        Ok(Measurement { wall: start.elapsed(), cpu: Duration::ZERO, peak_bytes: 0 })
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The three changes of the incremental scenarios at one size.
struct Scenario {
    /// The new article: its path relative to the corpus, and its text.
    added: (PathBuf, String),
    /// The article whose body is edited.
    edited: PathBuf,
    /// The article that is deleted.
    deleted: PathBuf,
}

/// Changes made to a corpus, undone by [`Changes::restore`] or, failing that, when dropped.
/// While there are any, the corpus's completeness marker is gone.
struct Changes<'a> {
    /// The corpus directory.
    seeds: &'a Path,
    /// Files added.
    added: Vec<PathBuf>,
    /// Directories made for them, deepest first.
    made: Vec<PathBuf>,
    /// Files edited or deleted, with their original bytes.
    originals: Vec<(PathBuf, Vec<u8>)>,
}

impl<'a> Changes<'a> {
    /// Starts changing the corpus in `seeds`: removes its completeness marker.
    fn new(seeds: &'a Path) -> anyhow::Result<Changes<'a>> {
        let marker = seeds.join(COMPLETE);
        fs::remove_file(&marker).with_context(|| format!("{}: cannot remove", display(&marker)))?;
        Ok(Changes { seeds, added: Vec::new(), made: Vec::new(), originals: Vec::new() })
    }

    /// Adds a file that is not in the corpus, and the directories it needs.
    fn add(&mut self, path: &Path, text: &[u8]) -> anyhow::Result<()> {
        if path.exists() {
            bail!("{}: already in the corpus", display(path));
        }
        let mut missing = Vec::new();
        let mut parent = path.parent();
        while let Some(dir) = parent.filter(|dir| !dir.exists()) {
            missing.push(dir.to_owned());
            parent = dir.parent();
        }
        for dir in missing.iter().rev() {
            fs::create_dir(dir).with_context(|| format!("{}: cannot create", display(dir)))?;
            self.made.insert(0, dir.clone());
        }
        self.added.push(path.to_owned());
        fs::write(path, text).with_context(|| format!("{}: cannot write", display(path)))
    }

    /// Appends a paragraph to an article's body.
    fn edit(&mut self, path: &Path) -> anyhow::Result<()> {
        let original = fs::read(path).with_context(|| format!("{}: cannot read", display(path)))?;
        let mut edited = original.trim_ascii_end().to_vec();
        edited.extend_from_slice(EDIT.as_bytes());
        self.originals.push((path.to_owned(), original));
        fs::write(path, edited).with_context(|| format!("{}: cannot write", display(path)))
    }

    /// Deletes an article.
    fn delete(&mut self, path: &Path) -> anyhow::Result<()> {
        let original = fs::read(path).with_context(|| format!("{}: cannot read", display(path)))?;
        self.originals.push((path.to_owned(), original));
        fs::remove_file(path).with_context(|| format!("{}: cannot remove", display(path)))
    }

    /// Undoes every change, byte for byte, and puts the completeness marker back; on failure
    /// the marker stays away, so the next bench writes the corpus again.
    fn restore(&mut self) -> anyhow::Result<()> {
        for path in &self.added {
            match fs::remove_file(path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(error).with_context(|| format!("{}: cannot remove", display(path)));
                }
                _ => {}
            }
        }
        for dir in &self.made {
            fs::remove_dir(dir).with_context(|| format!("{}: cannot remove", display(dir)))?;
        }
        for (path, original) in self.originals.iter().rev() {
            fs::write(path, original)
                .with_context(|| format!("{}: cannot restore", display(path)))?;
        }
        self.added.clear();
        self.made.clear();
        self.originals.clear();
        let marker = self.seeds.join(COMPLETE);
        fs::write(&marker, "").with_context(|| format!("{}: cannot write", display(&marker)))
    }
}

impl Drop for Changes<'_> {
    fn drop(&mut self) {
        if self.added.is_empty() && self.originals.is_empty() {
            return;
        }
        match self.restore() {
            Ok(()) => eprintln!("{}: restored", display(self.seeds)),
            Err(error) => eprintln!(
                "{}: could not restore ({error:#}); the next bench writes it again",
                display(self.seeds)
            ),
        }
    }
}

/// This invocation's working directory: a directory per run (project roots, outputs, floor),
/// kept until the end, since ext4 slows down making files right after many were deleted —
/// unless the disk needs the room. Removed when the bench ends, even on error.
struct Session {
    /// The directory.
    dir: PathBuf,
    /// Finished runs' directories still on disk, oldest first.
    kept: Vec<PathBuf>,
    /// Disk space a run used, per article, as measured after the last run.
    per_article: Option<f64>,
}

impl Session {
    /// Creates the session's directory.
    fn new(dir: PathBuf) -> anyhow::Result<Session> {
        fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", display(&dir)))?;
        Ok(Session { dir, kept: Vec::new(), per_article: None })
    }

    /// A new directory for run `index` at size `n`, having made room for it if the disk is short:
    /// then the oldest finished runs are deleted, which is said on stderr.
    fn run_dir(&mut self, n: usize, index: usize) -> anyhow::Result<PathBuf> {
        if let Some(per_article) = self.per_article {
            let needed = (per_article * n as f64 * 1.2) as u64;
            while free_bytes(&self.dir)? < needed && !self.kept.is_empty() {
                let old = self.kept.remove(0);
                eprintln!(
                    "removing {} to make room for {:.1} GB: the next full build follows a deletion",
                    display(&old),
                    needed as f64 / 1e9
                );
                fs::remove_dir_all(&old)
                    .with_context(|| format!("{}: cannot remove", display(&old)))?;
            }
        }
        let dir = self.dir.join(format!("{n}-{index}"));
        fs::create_dir(&dir).with_context(|| format!("{}: cannot create", display(&dir)))?;
        Ok(dir)
    }

    /// Keeps a finished run's directory, and learns how much room a run takes.
    fn done(&mut self, dir: PathBuf, n: usize) -> anyhow::Result<()> {
        self.per_article = Some(disk_usage(&dir)? as f64 / n as f64);
        self.kept.push(dir);
        Ok(())
    }

    /// Removes the session's directory.
    fn remove(mut self) -> anyhow::Result<()> {
        self.kept.clear();
        let dir = std::mem::take(&mut self.dir);
        fs::remove_dir_all(&dir).with_context(|| format!("{}: cannot remove", display(&dir)))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.dir.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Space free for an unprivileged user on the file system of `dir`.
#[cfg(target_os = "linux")]
fn free_bytes(dir: &Path) -> anyhow::Result<u64> {
    let stat =
        rustix::fs::statvfs(dir).with_context(|| format!("{}: cannot stat", display(dir)))?;
    Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// Elsewhere the room is not checked.
#[cfg(not(target_os = "linux"))]
fn free_bytes(_dir: &Path) -> anyhow::Result<u64> {
    Ok(u64::MAX)
}

/// Disk space of everything below `dir`, hidden files included.
fn disk_usage(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let list = || format!("{}: cannot list", display(&dir));
        for entry in fs::read_dir(&dir).with_context(list)? {
            let entry = entry.with_context(list)?;
            let metadata = entry.metadata().with_context(list)?;
            if metadata.is_dir() {
                pending.push(entry.path());
            }
            total += allocated(&metadata);
        }
    }
    Ok(total)
}

/// The blocks a file takes on disk (a small file takes a whole block).
#[cfg(unix)]
fn allocated(metadata: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::blocks(metadata) * 512
}

/// Elsewhere the file's length.
#[cfg(not(unix))]
fn allocated(metadata: &fs::Metadata) -> u64 {
    metadata.len()
}

/// Runs one build and reads its own resource use with `wait4`; fails with its exit status.
#[cfg(unix)]
fn measure(command: &mut Command) -> anyhow::Result<Measurement> {
    let start = Instant::now();
    let program = command.get_program().to_owned();
    let child =
        command.spawn().with_context(|| format!("cannot run {}", display(Path::new(&program))))?;
    let (status, measurement) = reap(&child, start)?;
    if libc::WIFSIGNALED(status) {
        bail!("killed by signal {}", libc::WTERMSIG(status));
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("exit status {}", libc::WEXITSTATUS(status));
    }
    Ok(measurement)
}

/// Waits for `child`, which nothing else waits for, with `wait4`: its status, and what it used
/// since `start`.
#[cfg(unix)]
#[allow(unsafe_code)]
fn reap(child: &std::process::Child, start: Instant) -> anyhow::Result<(i32, Measurement)> {
    let pid = i32::try_from(child.id())?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `wait4` writes only through the two pointers, which point to live locals, and
    // reaps the caller's child, which nothing else waits for.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if reaped != pid {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    let seconds =
        |time: libc::timeval| Duration::new(time.tv_sec as u64, time.tv_usec as u32 * 1000);
    Ok((
        status,
        Measurement {
            wall,
            cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
            // Linux reports the peak resident set in KiB.
            peak_bytes: usage.ru_maxrss as u64 * 1024,
        },
    ))
}

/// Elsewhere only the wall time is measured.
#[cfg(not(unix))]
fn measure(command: &mut Command) -> anyhow::Result<Measurement> {
    let start = Instant::now();
    let program = command.get_program().to_owned();
    let status =
        command.status().with_context(|| format!("cannot run {}", display(Path::new(&program))))?;
    if !status.success() {
        bail!("{status}");
    }
    Ok(Measurement { wall: start.elapsed(), cpu: Duration::ZERO, peak_bytes: 0 })
}

/// The floor of input: reading every input file (`inputs`, relative to `seeds`) once, as `cat`
/// would; returns the time and the bytes read.
fn read_all(seeds: &Path, inputs: &[String]) -> anyhow::Result<(Duration, u64)> {
    let start = Instant::now();
    let mut total = 0;
    for input in inputs {
        let path = seeds.join(input);
        total += fs::read(&path).with_context(|| format!("{}: cannot read", display(&path)))?.len()
            as u64;
    }
    Ok((start.elapsed(), total))
}

/// The floor of output: writing the files the build wrote — the same paths and sizes — into an
/// empty directory and syncing them, with no rendering, comparing or renaming.
fn write_files(floor: &Path, files: &[(PathBuf, u64)]) -> anyhow::Result<Duration> {
    let chunk = vec![b'x'; 1 << 20];
    let start = Instant::now();
    for (path, size) in files {
        let path = floor.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create", display(parent)))?;
        }
        let write = || format!("{}: cannot write", display(&path));
        let mut file = fs::File::create(&path).with_context(write)?;
        let mut left = *size;
        while left > 0 {
            let now = left.min(chunk.len() as u64) as usize;
            file.write_all(&chunk[..now]).with_context(write)?;
            left -= now as u64;
        }
    }
    sync(floor)?;
    Ok(start.elapsed())
}

/// Syncs as the build does: the whole file system at once on Linux.
#[cfg(target_os = "linux")]
fn sync(dir: &Path) -> anyhow::Result<()> {
    let sync = || format!("{}: cannot sync", display(dir));
    rustix::fs::syncfs(fs::File::open(dir).with_context(sync)?).with_context(sync)
}

/// Elsewhere the floor does not sync.
#[cfg(not(target_os = "linux"))]
fn sync(_dir: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Every file below `dir` that the build would see (hidden ones left out) with its size, in
/// path order.
fn output_files(dir: &Path) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    wirefeed::list_files(dir)
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let metadata =
                fs::metadata(&path).with_context(|| format!("{}: cannot stat", display(&path)))?;
            Ok((PathBuf::from(name), metadata.len()))
        })
        .collect()
}

/// One run's raw figures, on stderr, as they may be quoted.
fn print_run(n: usize, index: usize, runs: usize, run: &Run) {
    let full = run.full.wall.as_secs_f64();
    let floor = run.floor().as_secs_f64();
    eprintln!("n = {n}, run {} of {runs}:", index + 1);
    eprintln!("  {:<14} {}  {:.3}× floor", "full (cold)", figures(&run.full), full / floor);
    eprintln!(
        "  {:<14} wall {:>9}  (read {} + write {})",
        "floor",
        seconds(run.floor()),
        seconds(run.read),
        seconds(run.write)
    );
    if let Some(baseline) = &run.baseline {
        eprintln!(
            "  {:<14} {}  ours / baseline {:.3}",
            "baseline full",
            figures(baseline),
            full / baseline.wall.as_secs_f64()
        );
    }
    for (label, scenario) in INCREMENTAL {
        let measurement = scenario(&run.steps);
        let versus = run.baseline_steps.map_or(String::new(), |steps| {
            let ratio = measurement.wall.as_secs_f64() / scenario(&steps).wall.as_secs_f64();
            format!("  ours / baseline {ratio:.3} ({})", seconds(scenario(&steps).wall))
        });
        eprintln!(
            "  {label:<14} {}  {:.3}% of full{versus}",
            figures(&measurement),
            100.0 * measurement.wall.as_secs_f64() / full
        );
    }
    eprintln!("  {:<14} {}", "restore", figures(&run.steps.restore));
    let watch = &run.watch;
    eprintln!(
        "  {:<14} add live in {}, edit in {}, delete in {}; the watch: {}",
        "watch",
        seconds(watch.add),
        seconds(watch.edit),
        seconds(watch.delete),
        figures(&watch.process)
    );
}

/// Wall, CPU and peak memory of one build, for stderr.
fn figures(measurement: &Measurement) -> String {
    format!(
        "wall {:>9}  CPU {:>9}  peak {:>8.1} MB",
        seconds(measurement.wall),
        seconds(measurement.cpu),
        measurement.peak_bytes as f64 / 1e6
    )
}

/// A duration in seconds, to the millisecond.
fn seconds(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

/// A duration for the table: milliseconds below a second, else seconds.
fn short(seconds: f64) -> String {
    if seconds < 1.0 { format!("{:.0} ms", seconds * 1e3) } else { format!("{seconds:.2} s") }
}

/// The median of the runs' values (the mean of the middle two for an even count).
fn median(runs: &[Run], value: impl Fn(&Run) -> f64) -> f64 {
    let mut values: Vec<f64> = runs.iter().map(value).collect();
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

/// One size's table, on stdout: a row per build, medians of the runs (peak memory: the highest),
/// and ratios computed within each run.
fn print_table(args: &Args, size: &Size) {
    let runs = &size.runs;
    let full = |run: &Run| run.full.wall.as_secs_f64();
    let layout = match args.layout {
        Layout::Flat => "flat",
        Layout::Nested => "nested",
    };
    println!();
    println!(
        "{} articles ({layout}, item-limit {}{}): {:.1} MB in, {} files and {:.1} MB out; medians of {} run{}",
        size.n,
        args.item_limit,
        if args.no_search { ", no search" } else { "" },
        size.input_bytes as f64 / 1e6,
        size.output_files,
        size.output_bytes as f64 / 1e6,
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
    );
    if let Some(baseline) = &args.baseline {
        println!("baseline: {}", display(baseline));
    }
    println!();
    let with_baseline = runs.iter().all(|run| run.baseline.is_some());
    let (extra_head, extra_rule) =
        if with_baseline { (" ours / baseline |", "---:|") } else { ("", "") };
    println!("| build | wall | CPU | peak MB | of full build | to floor |{extra_head}");
    println!("|---|---:|---:|---:|---:|---:|{extra_rule}");
    let row = |label: &str, measurement: &dyn Fn(&Run) -> Measurement, rest: &str| {
        println!(
            "| {label} | {} | {} | {:.0} | {rest}",
            short(median(runs, |run| measurement(run).wall.as_secs_f64())),
            short(median(runs, |run| measurement(run).cpu.as_secs_f64())),
            runs.iter().map(|run| measurement(run).peak_bytes).max().unwrap_or(0) as f64 / 1e6,
        );
    };
    let baseline_ratio = if with_baseline {
        let ratio = median(runs, |run| {
            full(run) / run.baseline.map_or(f64::NAN, |baseline| baseline.wall.as_secs_f64())
        });
        format!(" {ratio:.3}× |")
    } else {
        String::new()
    };
    let floor_ratio = median(runs, |run| full(run) / run.floor().as_secs_f64());
    row("full (cold)", &|run| run.full, &format!("100% | {floor_ratio:.2}× |{baseline_ratio}"));
    let blank = if with_baseline { " |" } else { "" };
    println!(
        "| floor: read + write | {} ({} + {}) | | | | 1.00× |{blank}",
        short(median(runs, |run| run.floor().as_secs_f64())),
        short(median(runs, |run| run.read.as_secs_f64())),
        short(median(runs, |run| run.write.as_secs_f64())),
    );
    if with_baseline {
        let baseline = |run: &Run| run.baseline.unwrap_or(run.full);
        let to_floor =
            median(runs, |run| baseline(run).wall.as_secs_f64() / run.floor().as_secs_f64());
        row("baseline full (cold)", &baseline, &format!("| {to_floor:.2}× | |"));
    }
    for (label, scenario) in INCREMENTAL {
        let percent =
            median(runs, |run| 100.0 * scenario(&run.steps).wall.as_secs_f64() / full(run));
        let percent =
            if percent < 10.0 { format!("{percent:.2}%") } else { format!("{percent:.1}%") };
        let versus = match with_baseline {
            true => {
                let ratio = median(runs, |run| {
                    let baseline = run.baseline_steps.map_or(run.steps, |steps| steps);
                    scenario(&run.steps).wall.as_secs_f64() / scenario(&baseline).wall.as_secs_f64()
                });
                format!(" {ratio:.3}× |")
            }
            false => String::new(),
        };
        row(label, &|run| scenario(&run.steps), &format!("{percent} | |{versus}"));
    }
    // A watch's publishing: wall time from the seed written to its page changed; CPU and peak
    // memory are the watch process's, over its whole run, in a row of their own.
    let blanks = if with_baseline { " |" } else { "" };
    for (label, latency) in WATCHED {
        let wall = median(runs, |run| latency(&run.watch).as_secs_f64());
        let percent = median(runs, |run| 100.0 * latency(&run.watch).as_secs_f64() / full(run));
        println!("| {label} | {} | | | {percent:.2}% | |{blanks}", short(wall));
    }
    row("watch process (whole run)", &|run| run.watch.process, &format!("| |{blanks}"));
    if with_baseline {
        for (label, scenario) in INCREMENTAL {
            let baseline = |run: &Run| scenario(&run.baseline_steps.unwrap_or(run.steps));
            let percent = median(runs, |run| {
                let full = run.baseline.unwrap_or(run.full).wall.as_secs_f64();
                100.0 * baseline(run).wall.as_secs_f64() / full
            });
            let percent =
                if percent < 10.0 { format!("{percent:.2}%") } else { format!("{percent:.1}%") };
            row(&format!("baseline {label}"), &baseline, &format!("{percent} | | |"));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    use super::{COMPLETE, Changes};
    use crate::corpus::{self, Layout};

    /// Every file below `dir` with its bytes, in path order.
    fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
        wirefeed::list_files(dir)
            .into_iter()
            .map(|name| {
                let bytes = fs::read(dir.join(&name)).unwrap();
                (name, bytes)
            })
            .collect()
    }

    /// Every directory below `dir`, in path order.
    fn directories(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        let mut pending = vec![dir.to_owned()];
        while let Some(dir) = pending.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    found.push(path.clone());
                    pending.push(path);
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn changes_are_undone_byte_for_byte_even_when_a_run_fails() {
        let changed = tempfile::tempdir().unwrap();
        let fresh = tempfile::tempdir().unwrap();
        let seeds = changed.path();
        corpus::write(seeds, 20, 1, Layout::Nested).unwrap();
        corpus::write(fresh.path(), 20, 1, Layout::Nested).unwrap();
        fs::write(seeds.join(COMPLETE), "").unwrap();
        let files = wirefeed::list_files(seeds);
        let find = |name: &str| seeds.join(files.iter().find(|file| file.ends_with(name)).unwrap());
        let (edited, deleted) = (find("a0000010.txt"), find("a0000005.txt"));
        let (added, text) = corpus::extra(20, 1, Layout::Nested);
        assert!(!seeds.join("2024/12/28").exists(), "the added article needs a new directory");
        let before = directories(seeds);
        {
            let mut changes = Changes::new(seeds).unwrap();
            assert!(!seeds.join(COMPLETE).exists());
            changes.add(&seeds.join(&added), text.as_bytes()).unwrap();
            changes.edit(&edited).unwrap();
            changes.delete(&deleted).unwrap();
            assert_ne!(contents(seeds), contents(fresh.path()));
            // Dropped unrestored, as when a build fails.
        }
        assert!(seeds.join(COMPLETE).exists());
        assert_eq!(directories(seeds), before);
        assert_eq!(contents(seeds), contents(fresh.path()));
    }
}
