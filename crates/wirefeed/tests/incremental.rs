//! Incremental builds under faults: a run killed at random moments, a damaged or foreign index,
//! seeds edited while a run reads them, two runs into one site. Whatever happened, the site ends
//! exactly as a clean full build of the same seeds makes it.
//!
//! "A clean build" is a build of the same seeds with a fresh root (so a fresh cache) into a fresh
//! directory; sites are compared file set for file set and byte for byte, hidden files left out.
//! The tests know two names of the index's layout, [`HEAD`] and [`SEED_SHARDS`]; otherwise they
//! act on "every file under `.wirefeed/index/`". (And, on Linux, that a build holding an output
//! directory names itself, `pid N: …`, in a file directly in `.wirefeed/`.)

use std::{
    collections::BTreeMap,
    fs,
    io::{BufRead as _, BufReader, Read as _, Write as _},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant, SystemTime},
};

/// The index, below a project's root.
const INDEX: &str = ".wirefeed/index";
/// The index's commit point, written last.
const HEAD: &str = "head";
/// How the names of the index's files of seed records begin.
const SEED_SHARDS: &str = "seeds-";

/// How long any one run may take before the test calls it hung.
const HUNG: Duration = Duration::from_secs(60);

const WIREFEED: &str = env!("CARGO_BIN_EXE_wirefeed");

/// `wirefeed build` with the cache in `root`, run from `root` (so messages name paths relative to
/// it), standard error piped.
fn command(program: &Path, root: &Path, seeds: &Path, out: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--seeds")
        .arg(seeds)
        .arg("--out")
        .arg(out)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// A run of `wirefeed` that has been started; killed if dropped unfinished.
struct Running {
    child: Child,
    stderr: Option<thread::JoinHandle<String>>,
    /// Each line of standard error as it comes.
    lines: mpsc::Receiver<String>,
}

/// How a run ended.
#[derive(Debug)]
struct Run {
    status: ExitStatus,
    stderr: String,
}

impl Run {
    fn succeeded(&self) -> bool {
        self.status.success()
    }

    /// Panics unless the run succeeded.
    fn ok(self, context: &str) -> Run {
        assert!(
            self.succeeded(),
            "{context}: the build failed ({}):\n{}",
            self.status,
            self.stderr
        );
        self
    }

    fn noted(&self) -> bool {
        self.stderr.lines().any(|line| line.starts_with("note: "))
    }

    fn up_to_date(&self) -> bool {
        self.stderr.contains(" is up to date: nothing changed since the last build")
    }
}

impl Running {
    fn start(mut command: Command) -> Running {
        // A copy of the program just written may be "busy" while another test's child that
        // forked with it open has not yet exec'd: try again.
        let mut tries = 0;
        let mut child = loop {
            match command.spawn() {
                Ok(child) => break child,
                Err(error) if error.raw_os_error() == Some(26) && tries < 100 => {
                    tries += 1;
                    thread::sleep(Duration::from_millis(10));
                }
                Err(error) => panic!("cannot start {command:?}: {error}"),
            }
        };
        let mut pipe = BufReader::new(child.stderr.take().expect("standard error is piped"));
        let (send, lines) = mpsc::channel();
        let stderr = thread::spawn(move || {
            let mut all = String::new();
            let mut line = String::new();
            while pipe.read_line(&mut line).is_ok_and(|read| read > 0) {
                let _ = send.send(line.trim_end().to_owned());
                all.push_str(&line);
                line.clear();
            }
            let mut rest = Vec::new();
            let _ = pipe.read_to_end(&mut rest);
            all.push_str(&String::from_utf8_lossy(&rest));
            all
        });
        Running { child, stderr: Some(stderr), lines }
    }

    fn id(&self) -> u32 {
        self.child.id()
    }

    fn finished(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Waits for the run to end, for at most [`HUNG`].
    fn finish(mut self, what: &str) -> Run {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > HUNG {
                let _ = self.child.kill();
                panic!("{what}: the build did not end within {HUNG:?}");
            }
            thread::sleep(Duration::from_millis(2));
        };
        let stderr = self.stderr.take().unwrap().join().unwrap();
        Run { status, stderr }
    }

    /// SIGKILL: no destructor, no cleanup, as when a machine loses power mid-run. Whether the
    /// run had already ended by itself, and how.
    fn kill(mut self) -> Option<Run> {
        let ended = self.child.try_wait().unwrap();
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        let stderr = self.stderr.take().unwrap().join().unwrap();
        ended.map(|_| Run { status, stderr })
    }

    /// Waits, for at most [`HUNG`], for a line of standard error containing `text`.
    fn wait_for_line(&self, text: &str) -> String {
        let deadline = Instant::now() + HUNG;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with {text:?} on the standard error of the build"),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Also ends a run a test stopped (SIGKILL ends a stopped process too).
        if self.stderr.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A project in a temporary directory: `seeds/`, `feeds/`, and its cache `.wirefeed/`.
struct Project {
    dir: tempfile::TempDir,
    seeds: PathBuf,
    out: PathBuf,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let seeds = dir.path().join("seeds");
        let out = dir.path().join("feeds");
        fs::create_dir_all(&seeds).unwrap();
        Project { dir, seeds, out }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn command_of(&self, program: &Path, extra: &[&str]) -> Command {
        let mut command = command(program, self.root(), &self.seeds, &self.out);
        command.args(extra);
        command
    }

    fn start(&self, extra: &[&str]) -> Running {
        Running::start(self.command_of(Path::new(WIREFEED), extra))
    }

    /// A build to its end.
    fn build(&self, extra: &[&str], what: &str) -> Run {
        self.start(extra).finish(what)
    }

    fn index(&self) -> PathBuf {
        self.root().join(INDEX)
    }
}

/// Every file of a site by relative path, hidden files left out.
fn site(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(out)
        .into_iter()
        .filter(|(name, _)| !hidden(name))
        .map(|(name, path)| {
            let bytes = fs::read(&path).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Temporary files anywhere in a site, which a run left behind.
fn temporaries(out: &Path) -> Vec<String> {
    walk(out).into_keys().filter(|name| hidden(name) && name.ends_with(".tmp")).collect()
}

/// Each file of a site with its size, modification time and inode: what a rewrite changes.
fn metadata(out: &Path) -> BTreeMap<String, (u64, SystemTime, u64)> {
    walk(out)
        .into_iter()
        .filter(|(name, _)| !hidden(name))
        .map(|(name, path)| {
            let metadata = fs::metadata(&path).unwrap();
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
            #[cfg(not(unix))]
            let inode = 0;
            (name, (metadata.len(), metadata.modified().unwrap(), inode))
        })
        .collect()
}

fn hidden(path: &str) -> bool {
    path.split('/').any(|name| name.starts_with('.'))
}

/// Every file below `dir`, by `/`-separated relative path.
fn walk(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&directory) else { continue };
        for entry in entries {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                pending.push((entry.path(), format!("{name}/")));
            } else {
                files.insert(name, entry.path());
            }
        }
    }
    files
}

/// The site a clean build of `seeds` makes: a fresh root, so a fresh cache, and a fresh output
/// directory. A first build has nothing to note.
fn clean_build(seeds: &Path, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("feeds");
    let mut command = command(Path::new(WIREFEED), fresh.path(), seeds, &out);
    command.args(extra);
    let run = Running::start(command).finish("a clean build").ok("a clean build");
    assert!(!run.noted(), "a first build has nothing to note:\n{}", run.stderr);
    site(&out)
}

/// Panics unless the site in `out` is the one a clean build of `seeds` makes.
fn assert_as_clean(out: &Path, seeds: &Path, extra: &[&str], context: &str) {
    assert_site(out, &clean_build(seeds, extra), context);
}

/// Panics unless the site in `out` is `expected`, naming the files that differ.
fn assert_site(out: &Path, expected: &BTreeMap<String, Vec<u8>>, context: &str) {
    let actual = site(out);
    if actual == *expected {
        return;
    }
    let missing: Vec<&String> =
        expected.keys().filter(|name| !actual.contains_key(*name)).collect();
    let extra: Vec<&String> = actual.keys().filter(|name| !expected.contains_key(*name)).collect();
    let differ: Vec<&String> = actual
        .iter()
        .filter(|(name, bytes)| expected.get(*name).is_some_and(|expected| expected != *bytes))
        .map(|(name, _)| name)
        .collect();
    panic!(
        "{context}: the site is not what a clean build makes: missing {missing:?}, not made by a clean build {extra:?}, different {differ:?}"
    );
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }

    fn pick(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

const DATELINES: [&str; 4] =
    ["WASHINGTON (AP) —", "LONDON (Reuters) —", "PARIS (AFP) —", "TOKYO (Kyodo) —"];

/// The text of article `number` in its `version`, dated `date` (`YYYY-MM-DD`), about 1.5 KB.
fn article(number: u32, version: u32, date: &str, dateline: usize) -> String {
    let paragraph =
        "Officials said the talks would continue & that <nothing> had been decided yet. ".repeat(6);
    format!(
        "date {date}\n{} Article {number} reports news, version {version}.\n\n{paragraph}\n\nSubheading\n\n{paragraph}\n",
        DATELINES[dateline % DATELINES.len()]
    )
}

/// Seeds in nested directories, and what the test did to them.
struct Corpus {
    seeds: PathBuf,
    /// Each seed: its number and its path relative to the seeds directory.
    live: Vec<(u32, String)>,
    next: u32,
    version: u32,
    random: Lcg,
}

impl Corpus {
    /// `n` seeds in directories `YEAR/MONTH/`, with these settings.
    fn new(seeds: &Path, n: u32, settings: &str, random: u64) -> Corpus {
        fs::write(seeds.join("feed.toml"), settings).unwrap();
        let mut corpus = Corpus {
            seeds: seeds.to_owned(),
            live: Vec::new(),
            next: 0,
            version: 0,
            random: Lcg(random),
        };
        for _ in 0..n {
            let number = corpus.next;
            let name = format!("{}/{:02}/a{number:05}.txt", 2020 + number % 3, 1 + number % 12);
            corpus.write(number, &name, false);
            corpus.live.push((number, name));
            corpus.next += 1;
        }
        corpus
    }

    /// A date: mostly in 2022, whose months every site has; sometimes one of its own, whose
    /// archive comes and goes with it.
    fn date(&mut self) -> String {
        let year = if self.random.below(3) == 0 { 2000 + self.random.below(20) } else { 2022 };
        format!("{year}-{:02}-{:02}", 1 + self.random.below(12), 1 + self.random.below(28))
    }

    fn write(&mut self, number: u32, name: &str, atomically: bool) {
        self.version += 1;
        let date = self.date();
        let dateline = self.random.pick(DATELINES.len());
        let text = article(number, self.version, &date, dateline);
        let path = self.seeds.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if atomically {
            let temporary = path.with_file_name(format!(".{number}.{}.swp", self.version));
            fs::write(&temporary, text).unwrap();
            fs::rename(&temporary, &path).unwrap();
        } else {
            fs::write(&path, text).unwrap();
        }
    }

    fn directory(&mut self) -> String {
        let depth = self.random.below(4);
        (0..depth).map(|level| format!("d{level}{}/", self.random.below(3))).collect()
    }

    fn add(&mut self) {
        let number = self.next;
        self.next += 1;
        let name = format!("{}n{number:05}.txt", self.directory());
        self.write(number, &name, false);
        self.live.push((number, name));
    }

    /// Edits a seed; returns its key.
    fn edit(&mut self) -> String {
        let (number, name) = self.live[self.random.pick(self.live.len())].clone();
        let atomically = self.random.below(2) == 0;
        self.write(number, &name, atomically);
        name.rsplit('/').next().unwrap().trim_end_matches(".txt").to_owned()
    }

    fn delete(&mut self) {
        let (_, name) = self.live.swap_remove(self.random.pick(self.live.len()));
        fs::remove_file(self.seeds.join(name)).unwrap();
    }

    /// Moves a seed to another directory: the same key, another name.
    fn relocate(&mut self) {
        let at = self.random.pick(self.live.len());
        let (number, name) = self.live[at].clone();
        let file = name.rsplit('/').next().unwrap().to_owned();
        let moved = format!("{}moved/{file}", self.directory());
        if moved == name {
            return;
        }
        let target = self.seeds.join(&moved);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::rename(self.seeds.join(&name), target).unwrap();
        self.live[at] = (number, moved);
    }

    /// The seeds as they are now, to come back to.
    fn snapshot(&self) -> Snapshot {
        let files = walk(&self.seeds)
            .into_iter()
            .filter(|(name, _)| !hidden(name))
            .map(|(name, path)| (name, fs::read(path).unwrap()))
            .collect();
        Snapshot { files, live: self.live.clone() }
    }

    /// Puts the seeds back as they were: what was added since goes, what was deleted or edited
    /// comes back with its old bytes (and new metadata); what did not change is left alone.
    fn restore(&mut self, snapshot: &Snapshot) {
        for (name, path) in walk(&self.seeds) {
            if !hidden(&name) && !snapshot.files.contains_key(&name) {
                fs::remove_file(path).unwrap();
            }
        }
        for (name, bytes) in &snapshot.files {
            let path = self.seeds.join(name);
            if fs::read(&path).ok().as_ref() != Some(bytes) {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, bytes).unwrap();
            }
        }
        self.live = snapshot.live.clone();
    }

    /// One to three random changes, or (one time in five) none.
    fn change(&mut self) -> Vec<&'static str> {
        let mut done = Vec::new();
        if self.random.below(5) == 0 {
            return done;
        }
        for _ in 0..1 + self.random.below(3) {
            match self.random.below(4) {
                0 => {
                    self.add();
                    done.push("add");
                }
                1 => {
                    self.edit();
                    done.push("edit");
                }
                2 => {
                    self.delete();
                    done.push("delete");
                }
                _ => {
                    self.relocate();
                    done.push("move");
                }
            }
        }
        done
    }
}

/// The seeds at one moment.
struct Snapshot {
    files: BTreeMap<String, Vec<u8>>,
    live: Vec<(u32, String)>,
}

/// Every file under the index, by path.
fn index_files(project: &Project) -> Vec<PathBuf> {
    let files: Vec<PathBuf> = walk(&project.index()).into_values().collect();
    assert!(!files.is_empty(), "a build leaves an index in {}", project.index().display());
    files
}

fn name_of(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

fn is_head(path: &Path) -> bool {
    name_of(path) == HEAD
}

fn is_seed_shard(path: &Path) -> bool {
    name_of(path).starts_with(SEED_SHARDS)
}

/// The biggest of `files` (the first of equals, in path order).
fn biggest(files: impl IntoIterator<Item = PathBuf>) -> PathBuf {
    let mut files: Vec<PathBuf> = files.into_iter().collect();
    files.sort();
    files.into_iter().rev().max_by_key(|path| fs::metadata(path).unwrap().len()).unwrap()
}

fn truncate_to_half(path: &Path) {
    let len = fs::metadata(path).unwrap().len();
    fs::OpenOptions::new().write(true).open(path).unwrap().set_len(len / 2).unwrap();
}

#[test]
fn killed_during_incremental_runs_ends_as_a_clean_build() {
    let project = Project::new();
    let mut corpus = Corpus::new(&project.seeds, 60, "item-limit = 20\n", 2026);
    let first = project.build(&[], "the first build").ok("the first build");
    assert!(!first.noted(), "{}", first.stderr);

    // How long an incremental run takes (the median of three): the kills fall anywhere in one.
    let mut took: Vec<Duration> = (0..3)
        .map(|_| {
            corpus.edit();
            corpus.add();
            let start = Instant::now();
            project.build(&[], "an incremental build").ok("an incremental build");
            start.elapsed()
        })
        .collect();
    took.sort();
    let typical = took[1];

    // Even rounds kill a run at a random moment of a run's length; odd ones once it has begun to
    // replace files (its head is gone), at a random moment of what follows.
    let rounds = 14;
    let head = project.index().join(HEAD);
    let (mut killed, mut replacing, mut ended) = (0, 0, 0);
    // The seeds before the changes of the last run, if it was killed.
    let mut before: Option<Snapshot> = None;
    for round in 0..rounds {
        if round % 2 == 1 && !head.exists() {
            project.build(&[], "a complete run").ok(&format!("before round {round}"));
        }
        // Half the time after a kill, the seeds go back to what they were before the killed
        // run's changes (an undo, a checkout): the files it replaced must not be believed to be
        // what the index said they were.
        let changes = match &before {
            Some(before) if corpus.random.below(2) == 0 => {
                corpus.restore(before);
                vec!["undo"]
            }
            _ => {
                before = Some(corpus.snapshot());
                corpus.change()
            }
        };
        let mut running = project.start(&[]);
        if round % 2 == 0 {
            thread::sleep(Duration::from_micros(corpus.random.below(typical.as_micros() as u64)));
        } else {
            while head.exists() && !running.finished() {
                thread::sleep(Duration::from_micros(20));
            }
            thread::sleep(Duration::from_micros(corpus.random.below(20_000)));
        }
        let headless = !head.exists();
        match running.kill() {
            None => {
                killed += 1;
                replacing += usize::from(round % 2 == 1 && headless);
            }
            Some(run) => {
                ended += 1;
                before = None;
                run.ok(&format!("round {round} ({changes:?}), which ended before its kill"));
            }
        }
        // Now and then a run to the end, so that every kind of leftover meets a complete run.
        if round % 6 == 5 {
            let run = project.build(&[], "a complete run").ok(&format!("after round {round}"));
            assert!(!run.stderr.contains("starting over"), "{}", run.stderr);
            assert_eq!(temporaries(&project.out), Vec::<String>::new(), "after round {round}");
            assert_as_clean(&project.out, &project.seeds, &[], &format!("after round {round}"));
        }
    }
    eprintln!(
        "an incremental run takes {typical:?}; {killed} runs killed ({replacing} as they replaced files), {ended} ended"
    );
    // However fast the machine got since the runs were timed, most runs are killed: those after
    // a kill compare every file, and a run that replaces files does more after that.
    assert!(killed >= 3, "only {killed} of {rounds} runs were killed mid-run");

    corpus.edit();
    let run = project.build(&[], "the last build").ok("the last build");
    assert!(!run.stderr.contains("starting over"), "{}", run.stderr);
    assert_eq!(temporaries(&project.out), Vec::<String>::new());
    assert_as_clean(&project.out, &project.seeds, &[], "after every kill");
    let again = project.build(&[], "a no-op").ok("a no-op");
    assert!(again.up_to_date(), "the last build left a good index:\n{}", again.stderr);
}

#[test]
fn killed_while_replacing_files_then_undone_ends_as_a_clean_build() {
    let project = Project::new();
    let mut corpus = Corpus::new(&project.seeds, 80, "item-limit = 20\n", 77);
    project.build(&[], "the first build").ok("the first build");
    let head = project.index().join(HEAD);

    // A run is killed once it has replaced a file (an edited article's page is new), then the
    // edits are undone: the index of the run before describes the seeds again, and the site no
    // longer does.
    let mut caught = 0;
    for attempt in 0..12 {
        let before = corpus.snapshot();
        let keys: Vec<String> = (0..20).map(|_| corpus.edit()).collect();
        let page = project.out.join(format!("articles/{}.html", keys[0]));
        let old_page = fs::read(&page).unwrap();
        let mut running = project.start(&[]);
        while fs::read(&page).is_ok_and(|bytes| bytes == old_page) && !running.finished() {
            thread::sleep(Duration::from_micros(20));
        }
        let ended = running.kill();
        let headless = !head.exists();
        if let Some(run) = &ended {
            assert!(run.succeeded(), "attempt {attempt}: {}", run.stderr);
        }
        corpus.restore(&before);
        let run = project.build(&[], "the build after the undo").ok("the build after the undo");
        if headless {
            assert!(run.noted(), "attempt {attempt}: {}", run.stderr);
        }
        assert_eq!(temporaries(&project.out), Vec::<String>::new(), "attempt {attempt}");
        assert_as_clean(&project.out, &project.seeds, &[], &format!("attempt {attempt}, undone"));
        caught += usize::from(ended.is_none());
        eprintln!("attempt {attempt}: killed as it replaced files: {}", ended.is_none());
        if caught == 2 {
            break;
        }
    }
    assert!(caught > 0, "no run was killed as it replaced files");
}

/// Whether a build after a damage must say that it compared every file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Note {
    /// The head is damaged or missing: the build must say so.
    Said,
    /// Only seed records were lost: the run may or may not say so.
    Either,
}

#[test]
fn a_damaged_index_is_never_believed() {
    let project = Project::new();
    Corpus::new(&project.seeds, 80, "item-limit = 10\n", 7);
    // One seed goes back and forth between two states, so two clean builds are all it takes;
    // one of its dates is a month of its own, whose archive comes and goes with it.
    let toggled = project.seeds.join("2021/07/toggled.txt");
    fs::create_dir_all(toggled.parent().unwrap()).unwrap();
    let states = [article(7000, 1, "2022-03-04", 0), article(7000, 2, "1999-01-01", 3)];
    let expected: Vec<BTreeMap<String, Vec<u8>>> = states
        .iter()
        .map(|state| {
            fs::write(&toggled, state).unwrap();
            clean_build(&project.seeds, &[])
        })
        .collect();
    let mut state = 1;
    let first = project.build(&[], "the first build").ok("the first build");
    assert_site(&project.out, &expected[state], "the first build");
    assert!(!first.noted(), "a first build has nothing to note:\n{}", first.stderr);

    type Damage = fn(&Project);
    let damages: [(&str, Damage, Note); 10] = [
        (
            "every file truncated to half",
            |project| index_files(project).iter().for_each(|path| truncate_to_half(path)),
            Note::Said,
        ),
        (
            "the head truncated to half",
            |project| {
                truncate_to_half(
                    &index_files(project).into_iter().find(|path| is_head(path)).unwrap(),
                )
            },
            Note::Said,
        ),
        (
            "the biggest file of outputs truncated to half",
            |project| {
                let files = index_files(project).into_iter();
                truncate_to_half(&biggest(
                    files.filter(|path| !is_head(path) && !is_seed_shard(path)),
                ))
            },
            Note::Said,
        ),
        (
            "the biggest file of seeds truncated to half",
            |project| {
                truncate_to_half(&biggest(
                    index_files(project).into_iter().filter(|path| is_seed_shard(path)),
                ))
            },
            Note::Either,
        ),
        (
            "a byte flipped in the middle of every file",
            |project| {
                for path in index_files(project) {
                    let mut bytes = fs::read(&path).unwrap();
                    if !bytes.is_empty() {
                        let middle = bytes.len() / 2;
                        bytes[middle] ^= 0x20;
                        fs::write(&path, bytes).unwrap();
                    }
                }
            },
            Note::Said,
        ),
        (
            "the head deleted",
            |project| {
                fs::remove_file(
                    index_files(project).into_iter().find(|path| is_head(path)).unwrap(),
                )
                .unwrap()
            },
            Note::Said,
        ),
        (
            "every file of seeds deleted",
            |project| {
                index_files(project)
                    .into_iter()
                    .filter(|path| is_seed_shard(path))
                    .for_each(|path| fs::remove_file(path).unwrap())
            },
            Note::Either,
        ),
        (
            "every file emptied",
            |project| index_files(project).iter().for_each(|path| fs::write(path, b"").unwrap()),
            Note::Said,
        ),
        (
            "the two biggest files swapped",
            |project| {
                let mut files = index_files(project);
                let one = biggest(files.clone());
                files.retain(|path| *path != one);
                let other = biggest(files);
                let (a, b) = (fs::read(&one).unwrap(), fs::read(&other).unwrap());
                fs::write(&one, b).unwrap();
                fs::write(&other, a).unwrap();
            },
            Note::Either,
        ),
        ("the index deleted", |project| fs::remove_dir_all(project.index()).unwrap(), Note::Either),
    ];
    for (what, damage, note) in damages {
        damage(&project);
        state = 1 - state;
        fs::write(&toggled, &states[state]).unwrap();
        let run = project.build(&[], what).ok(what);
        if note == Note::Said {
            assert!(
                run.noted(),
                "{what}: the build does not say it compared every file:\n{}",
                run.stderr
            );
        }
        assert_eq!(temporaries(&project.out), Vec::<String>::new(), "{what}");
        assert_site(&project.out, &expected[state], what);
        // The damaged index was replaced by a good one.
        let again = project.build(&[], what).ok(what);
        assert!(again.up_to_date(), "{what}: the next build is not a no-op:\n{}", again.stderr);
    }
}

#[test]
fn an_index_restored_from_an_earlier_build_is_not_believed() {
    let project = Project::new();
    let corpus = Corpus::new(&project.seeds, 60, "item-limit = 10\n", 11);
    project.build(&[], "the first build").ok("the first build");
    let before: BTreeMap<String, Vec<u8>> = corpus
        .live
        .iter()
        .map(|(_, name)| (name.clone(), fs::read(project.seeds.join(name)).unwrap()))
        .collect();
    let saved = project.root().join("saved-index");
    copy_tree(&project.index(), &saved);

    // Another build changes some articles; then the index of the first build comes back, and so
    // do the seeds' old bytes (with new metadata): the index's fingerprints match the seeds,
    // not the site.
    let changed: Vec<&String> = before.keys().step_by(7).collect();
    for name in &changed {
        let path = project.seeds.join(name);
        let text = fs::read_to_string(&path).unwrap().replace("reports news", "reports other news");
        fs::write(&path, text).unwrap();
    }
    project.build(&[], "the second build").ok("the second build");
    fs::remove_dir_all(project.index()).unwrap();
    copy_tree(&saved, &project.index());
    for name in &changed {
        fs::write(project.seeds.join(name), &before[*name]).unwrap();
    }
    let expected = clean_build(&project.seeds, &[]);
    assert_ne!(site(&project.out), expected, "the site is the second build's");
    project.build(&[], "the build with the old index").ok("the build with the old index");
    assert_site(&project.out, &expected, "with the index of an earlier build");
}

#[test]
fn a_site_changed_behind_the_index_is_repaired() {
    let project = Project::new();
    Corpus::new(&project.seeds, 40, "item-limit = 10\n", 13);
    project.build(&[], "the first build").ok("the first build");
    let expected = clean_build(&project.seeds, &[]);
    assert_site(&project.out, &expected, "the first build");
    type Change = fn(&Path);
    let changes: [(&str, Change); 5] = [
        ("an article's page deleted", |out| {
            fs::remove_file(out.join("articles/a00003.html")).unwrap()
        }),
        ("an article's page replaced (renamed over)", |out| {
            fs::write(out.join("articles/replacement"), "edited by hand").unwrap();
            fs::rename(out.join("articles/replacement"), out.join("articles/a00004.html")).unwrap();
        }),
        ("the archive deleted", |out| fs::remove_dir_all(out.join("archive")).unwrap()),
        ("a feed edited in place", |out| {
            let mut feed = fs::OpenOptions::new().append(true).open(out.join("rss.xml")).unwrap();
            feed.write_all(b"<!-- edited by hand -->").unwrap();
        }),
        ("a feed deleted", |out| fs::remove_file(out.join("atom.xml")).unwrap()),
    ];
    for (what, change) in changes {
        change(&project.out);
        assert_ne!(site(&project.out), expected, "{what}");
        let run = project.build(&[], what).ok(what);
        assert!(!run.up_to_date(), "{what}: {}", run.stderr);
        assert_site(&project.out, &expected, what);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for (name, path) in walk(from) {
        let target = to.join(name);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(path, target).unwrap();
    }
}

/// Rewrites a seed with other bytes of the same size, and sets its modification time back: only
/// its bytes (and its change time, which no one can set) tell.
fn edit_keeping_size_and_time(path: &Path) {
    let modified = fs::metadata(path).unwrap().modified().unwrap();
    let mut bytes = fs::read(path).unwrap();
    let at = bytes
        .windows(7)
        .position(|window| window.eq_ignore_ascii_case(b"version"))
        .expect("a versioned seed");
    // `version` ↔ `VERSION`: the same size.
    if bytes[at].is_ascii_lowercase() {
        bytes[at..at + 7].make_ascii_uppercase();
    } else {
        bytes[at..at + 7].make_ascii_lowercase();
    }
    fs::write(path, &bytes).unwrap();
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(modified).unwrap();
}

#[test]
fn an_index_from_another_build_of_the_program_is_not_used() {
    let project = Project::new();
    let corpus = Corpus::new(&project.seeds, 60, "item-limit = 10\n", 5);
    // Another file, with another modification time: another build of the program.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("wirefeed-copy");
    fs::copy(WIREFEED, &copy).unwrap();
    let original = Path::new(WIREFEED);
    let seed = project.seeds.join(&corpus.live[17].1);

    for (first, second) in [(original, copy.as_path()), (copy.as_path(), original)] {
        let context = format!("built by {}, then by {}", first.display(), second.display());
        Running::start(project.command_of(first, &[])).finish(&context).ok(&context);
        edit_keeping_size_and_time(&seed);
        let run = Running::start(project.command_of(second, &[])).finish(&context).ok(&context);
        assert!(
            run.stderr.contains("note: the index was made by another build of wirefeed"),
            "{context}:\n{}",
            run.stderr
        );
        assert_as_clean(&project.out, &project.seeds, &[], &context);
        let again = Running::start(project.command_of(second, &[])).finish(&context).ok(&context);
        assert!(again.up_to_date(), "{context}: {}", again.stderr);
    }
}

/// Article `number` at its `edit`: in ASCII and always of the same size, so that a reader that
/// reads it while it is written in place over itself reads an article still.
fn fixed_article(number: u32, edit: u32, paragraphs: usize) -> String {
    let paragraph =
        "Officials said the talks would continue and that nothing had been decided yet. ".repeat(8);
    let body = vec![paragraph; paragraphs].join("\n\nSubheading\n\n");
    format!(
        "date 2022-{:02}-{:02}\nWASHINGTON (AP) - Article {number:05}, edit {edit:08}.\n\n{body}\n",
        1 + number % 12,
        1 + number % 28
    )
}

fn fixed_name(number: u32) -> String {
    format!("{}/{:02}/f{number:05}.txt", 2020 + number % 3, 1 + number % 12)
}

/// `n` seeds of [`fixed_article`], with these settings.
fn fixed_corpus(seeds: &Path, n: u32, edit: u32, paragraphs: usize, settings: &str) {
    fs::write(seeds.join("feed.toml"), settings).unwrap();
    for number in 0..n {
        let path = seeds.join(fixed_name(number));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, fixed_article(number, edit, paragraphs)).unwrap();
    }
}

#[test]
fn a_seed_edited_during_a_run_ends_as_a_clean_build() {
    let project = Project::new();
    // Every article in every feed: a run reads every seed the index knows again as it renders.
    let n = 150;
    fixed_corpus(&project.seeds, n, 0, 2, "item-limit = 0\n");
    project.build(&[], "the first build").ok("the first build");

    let stop = Arc::new(AtomicBool::new(false));
    let edits = Arc::new(AtomicUsize::new(0));
    let editor = {
        let (stop, edits, seeds) = (stop.clone(), edits.clone(), project.seeds.clone());
        thread::spawn(move || {
            let mut random = Lcg(4242);
            while !stop.load(Ordering::Relaxed) {
                let number = random.below(n.into()) as u32;
                let path = seeds.join(fixed_name(number));
                let edit = 1 + edits.fetch_add(1, Ordering::Relaxed) as u32;
                let text = fixed_article(number, edit, 2);
                if random.below(2) == 0 {
                    // As an editor that replaces the file.
                    let temporary = path.with_file_name(format!(".edit-{edit}.swp"));
                    fs::write(&temporary, text).unwrap();
                    fs::rename(&temporary, &path).unwrap();
                } else {
                    // As one that writes over it in place (the same size: never empty).
                    let mut file = fs::OpenOptions::new().write(true).open(&path).unwrap();
                    file.write_all(text.as_bytes()).unwrap();
                }
                thread::sleep(Duration::from_millis(2));
            }
        })
    };
    while edits.load(Ordering::Relaxed) == 0 {
        thread::sleep(Duration::from_millis(1));
    }
    let start = Instant::now();
    let run = project.start(&[]).finish("the build during the edits");
    let took = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    editor.join().unwrap();
    eprintln!("{} edits during a run of {took:?}:\n{}", edits.load(Ordering::Relaxed), run.stderr);

    // It may end well, or give up after starting over; it must not panic nor write half.
    assert!(
        run.succeeded() || run.stderr.contains("changed while the build read it"),
        "{}: {}",
        run.status,
        run.stderr
    );
    assert!(
        run.stderr.contains("changed during the build; starting over"),
        "the edits did not reach the run:\n{}",
        run.stderr
    );
    assert_eq!(temporaries(&project.out), Vec::<String>::new());

    let last = project.build(&[], "the build after the edits").ok("the build after the edits");
    assert!(!last.stderr.contains("starting over"), "{}", last.stderr);
    assert_as_clean(&project.out, &project.seeds, &[], "after seeds were edited during a run");
    let again = project.build(&[], "a no-op").ok("a no-op");
    assert!(again.up_to_date(), "{}", again.stderr);
}

/// The seeds (`.txt` files below `seeds`) that process `pid` has open.
#[cfg(target_os = "linux")]
fn open_seeds(pid: u32, seeds: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(format!("/proc/{pid}/fd")) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| fs::read_link(entry.path()).ok())
        .filter(|path| path.starts_with(seeds) && path.extension().is_some_and(|ext| ext == "txt"))
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn a_seed_deleted_after_a_run_listed_it_restarts_the_run() {
    let project = Project::new();
    let n = 600;
    fixed_corpus(&project.seeds, n, 0, 6, "item-limit = 10\n");
    project.build(&[], "the first build").ok("the first build");
    let seeds = fs::canonicalize(&project.seeds).unwrap();

    // Every seed edited: the next run lists them all, then reads and parses each. It is caught
    // reading them (a seed open), stopped, and half the seeds are deleted under it.
    let mut noticed = None;
    for attempt in 1..=10 {
        // (Which also brings back the seeds an attempt before deleted.)
        for number in 0..n {
            fs::write(seeds.join(fixed_name(number)), fixed_article(number, attempt, 6)).unwrap();
        }
        let mut running = project.start(&[]);
        let pid = running.id();
        while open_seeds(pid, &seeds).is_empty() && !running.finished() {
            thread::sleep(Duration::from_micros(20));
        }
        if running.finished() {
            running.finish("a run that was not caught").ok("a run that was not caught");
            continue;
        }
        signal("STOP", pid);
        while !stopped(pid) && !running.finished() {
            thread::sleep(Duration::from_micros(50));
        }
        if running.finished() {
            running.finish("a run that was not caught").ok("a run that was not caught");
            continue;
        }
        for number in (0..n).step_by(2) {
            fs::remove_file(seeds.join(fixed_name(number))).unwrap();
        }
        signal("CONT", pid);
        let run = running.finish("the run whose seeds were deleted");
        eprintln!("attempt {attempt}:\n{}", run.stderr);
        // A seed that was listed and is gone is a seed that changed during the run, not a bad
        // seed: the run starts over (or, if seeds never settle, says so).
        assert!(
            run.succeeded() || run.stderr.contains("changed while the build read it"),
            "seeds deleted after the run listed them made it fail ({}):\n{}",
            run.status,
            run.stderr
        );
        assert_eq!(temporaries(&project.out), Vec::<String>::new());
        if run.stderr.contains("starting over") {
            noticed = Some(attempt);
            break;
        }
    }
    assert!(noticed.is_some(), "no run was caught reading its seeds");
    let last = project.build(&[], "the build after the deletions").ok("after the deletions");
    assert!(!last.stderr.contains("starting over"), "{}", last.stderr);
    assert_as_clean(&project.out, &project.seeds, &[], "after seeds were deleted during a run");
}

#[test]
fn nested_seeds_and_duplicate_keys() {
    let project = Project::new();
    let write = |name: &str, text: &str| {
        let path = project.seeds.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("2024/07/10/x.txt", "date 2022-03-04\nLONDON (Reuters) — The later x.\n\nText.\n");
    write("y.txt", "date 2022-03-05\nPARIS (AFP) — Why.\n\nMore text.\n");
    project.build(&[], "the first build").ok("the first build");
    let x = project.out.join("articles/x.html");
    assert!(fs::read_to_string(&x).unwrap().contains("The later x."));
    assert_as_clean(&project.out, &project.seeds, &[], "nested seeds");

    write("2023/x.txt", "date 2022-03-06\nTOKYO (Kyodo) — The earlier x.\n\nText.\n");
    let before = metadata(&project.out);
    let run = project.build(&[], "a build with a key twice");
    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("seeds/2024/07/10/x.txt") && run.stderr.contains("seeds/2023/x.txt"),
        "the error names both seeds:\n{}",
        run.stderr
    );
    assert_eq!(metadata(&project.out), before, "a failed build writes nothing");
    assert_eq!(temporaries(&project.out), Vec::<String>::new());

    // A third: each later one is told which seed has the key first.
    write("2025/x.txt", "date 2022-03-07\nPARIS (AFP) — The last x.\n\nText.\n");
    let run = project.build(&[], "a build with a key three times");
    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
    for later in ["seeds/2024/07/10/x.txt", "seeds/2025/x.txt"] {
        assert!(
            run.stderr
                .lines()
                .any(|line| line.starts_with(later) && line.contains("seeds/2023/x.txt")),
            "{later} is not told that seeds/2023/x.txt has the key first:\n{}",
            run.stderr
        );
    }
    assert_eq!(metadata(&project.out), before, "a failed build writes nothing");

    // With --keep-going, the first in name order is published.
    project.build(&["--keep-going"], "--keep-going").ok("--keep-going");
    let page = fs::read_to_string(&x).unwrap();
    assert!(page.contains("The earlier x.") && !page.contains("The later x."), "{page}");
    assert_as_clean(&project.out, &project.seeds, &["--keep-going"], "a key thrice, --keep-going");

    fs::remove_file(project.seeds.join("2025/x.txt")).unwrap();
    fs::remove_file(project.seeds.join("2023/x.txt")).unwrap();
    project.build(&[], "the build with the key once again").ok("the key once again");
    assert!(fs::read_to_string(&x).unwrap().contains("The later x."));
    assert_as_clean(&project.out, &project.seeds, &[], "the key once again");
}

/// Whether `/proc` says every thread of process `pid` is stopped.
#[cfg(target_os = "linux")]
fn stopped(pid: u32) -> bool {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else { return false };
    tasks.filter_map(Result::ok).all(|task| {
        fs::read_to_string(task.path().join("stat"))
            .ok()
            .and_then(|stat| stat.rsplit_once(") ").map(|(_, rest)| rest.starts_with(['T', 't'])))
            .unwrap_or(false)
    })
}

/// Sends `signal` to `pid`, which the caller has not reaped (so it is no other process).
/// Sends `signal` to `pid`: a child the test has not reaped, so no other process.
#[cfg(target_os = "linux")]
fn signal(signal: &str, pid: u32) {
    let status =
        Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Whether a file directly in the cache says process `pid` is its holder.
#[cfg(target_os = "linux")]
fn holds(project: &Project, pid: u32) -> bool {
    let holder = format!("pid {pid}:");
    fs::read_dir(project.root().join(".wirefeed")).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|entry| {
            entry.file_type().is_ok_and(|kind| kind.is_file())
                && fs::read_to_string(entry.path()).is_ok_and(|text| text.contains(&holder))
        })
    })
}

#[cfg(target_os = "linux")]
#[test]
fn two_builds_never_interleave() {
    let project = Project::new();
    let mut corpus = Corpus::new(&project.seeds, 150, "item-limit = 10\n", 3);
    project.build(&[], "the first build").ok("the first build");

    // A run caught while it holds the output directory, and stopped there (SIGSTOP): it holds it
    // for as long as the test needs. A run that ends before it is caught is tried again.
    let mut holder = None;
    for _ in 0..20 {
        corpus.edit();
        let mut running = project.start(&[]);
        let pid = running.id();
        while !holds(&project, pid) && !running.finished() {
            thread::sleep(Duration::from_micros(200));
        }
        if running.finished() {
            running.finish("a run that got away").ok("a run that got away");
            continue;
        }
        signal("STOP", pid);
        while !stopped(pid) && !running.finished() {
            thread::sleep(Duration::from_micros(50));
        }
        if running.finished() {
            running.finish("a run that got away").ok("a run that got away");
            continue;
        }
        // The holder is forgotten before the lock is let go: still named, still held.
        if holds(&project, pid) {
            holder = Some(running);
            break;
        }
        signal("CONT", pid);
        running.finish("a run that got away").ok("a run that got away");
    }
    let holder = holder.expect("no run was caught holding the output directory");
    let pid = holder.id();

    let start = Instant::now();
    let refused = project.build(&["--no-wait"], "build --no-wait");
    let took = start.elapsed();
    assert_eq!(refused.status.code(), Some(1), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("another build is writing it")
            && refused.stderr.contains(&format!("pid {pid}:")),
        "{}",
        refused.stderr
    );
    assert!(took < Duration::from_secs(10), "--no-wait took {took:?}");

    corpus.edit();
    corpus.add();
    let mut waiting = project.start(&[]);
    let line = waiting.wait_for_line("waiting for the build that is writing");
    assert!(line.contains(&format!("pid {pid}:")), "{line}");
    thread::sleep(Duration::from_millis(100));
    assert!(!waiting.finished(), "a build that waits ended while the other held the lock");
    signal("CONT", pid);
    let first = holder.finish("the stopped build");
    first.ok("the stopped build");
    waiting.finish("the build that waited").ok("the build that waited");
    assert_eq!(temporaries(&project.out), Vec::<String>::new());
    assert_as_clean(&project.out, &project.seeds, &[], "after two builds at once");
}

#[test]
fn the_no_op_notices_an_added_deleted_or_edited_seed_in_a_nested_directory() {
    let project = Project::new();
    let corpus = Corpus::new(&project.seeds, 40, "", 1);
    // Seeds changed less than two seconds before a run are hashed again by the next, whatever
    // their metadata; these are older, so only their metadata can tell.
    thread::sleep(Duration::from_millis(2200));
    project.build(&[], "the first build").ok("the first build");
    let no_op = |context: &str| {
        let run = project.build(&[], context).ok(context);
        assert!(run.up_to_date(), "{context}: {}", run.stderr);
    };
    let notices = |context: &str| {
        let run = project.build(&[], context).ok(context);
        assert!(!run.up_to_date(), "{context}: the change went unnoticed: {}", run.stderr);
        assert_as_clean(&project.out, &project.seeds, &[], context);
        no_op(context);
    };
    no_op("nothing changed");

    // Its change time moves, and no tool can set that back.
    #[cfg(unix)]
    {
        edit_keeping_size_and_time(&project.seeds.join(&corpus.live[5].1));
        notices("a nested seed edited, its size and modification time kept");
    }

    let deep = project.seeds.join("2031/01/02/03");
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("added.txt"), article(900, 1, "2011-05-06", 1)).unwrap();
    notices("a seed added in a new nested directory");

    fs::write(deep.join("added.txt"), article(900, 2, "2011-05-07", 2)).unwrap();
    notices("a nested seed rewritten");

    fs::rename(deep.join("added.txt"), project.seeds.join("2020/added.txt")).unwrap();
    notices("a nested seed moved to another directory");

    fs::remove_file(project.seeds.join("2020/added.txt")).unwrap();
    notices("a nested seed deleted");

    fs::remove_dir_all(project.seeds.join("2021")).unwrap();
    notices("a directory of seeds deleted");
}

#[test]
fn touch_without_change_rewrites_nothing() {
    let project = Project::new();
    let corpus = Corpus::new(&project.seeds, 40, "", 2);
    project.build(&[], "the first build").ok("the first build");
    let before = metadata(&project.out);
    let touch = |name: &str| {
        let file = fs::File::options().write(true).open(project.seeds.join(name)).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(5)).unwrap();
    };

    touch(&corpus.live[3].1);
    let run = project.build(&[], "one seed touched").ok("one seed touched");
    let nothing = |run: &Run| run.up_to_date() || run.stderr.contains(": 0 of ");
    assert!(nothing(&run), "a touched seed rewrote files:\n{}", run.stderr);
    assert_eq!(metadata(&project.out), before, "a touched seed rewrote files");

    for (_, name) in &corpus.live {
        touch(name);
    }
    let run = project.build(&[], "every seed touched").ok("every seed touched");
    assert!(nothing(&run), "touched seeds rewrote files:\n{}", run.stderr);
    assert_eq!(metadata(&project.out), before, "touched seeds rewrote files");
    assert_as_clean(&project.out, &project.seeds, &[], "touched seeds");
    let again = project.build(&[], "a no-op").ok("a no-op");
    assert!(again.up_to_date(), "{}", again.stderr);
}

#[test]
fn a_no_op_is_answered_from_the_head_alone_once_no_seed_is_racy() {
    let project = Project::new();
    let mut corpus = Corpus::new(&project.seeds, 40, "", 3);
    let only_the_head = || {
        for path in index_files(&project) {
            if !is_head(&path) {
                fs::remove_file(path).unwrap();
            }
        }
    };
    // Seeds written just now are racy: the first build cannot vouch for them by metadata.
    project.build(&[], "the first build").ok("the first build");
    thread::sleep(Duration::from_millis(2200));
    // A no-op rehashes them; now old enough, they are vouched for in the head.
    let run = project.build(&[], "a no-op of racy seeds").ok("a no-op of racy seeds");
    assert!(run.up_to_date(), "{}", run.stderr);
    only_the_head();
    let run = project.build(&[], "a no-op with the head alone").ok("a no-op with the head alone");
    assert!(run.up_to_date(), "the head alone did not answer: {}", run.stderr);
    assert!(!run.noted(), "{}", run.stderr);

    // Any change is seen, and the shards that are gone cost a full comparison, not correctness.
    corpus.edit();
    let run = project.build(&[], "an edit without shards").ok("an edit without shards");
    assert!(!run.up_to_date(), "the edit went unnoticed: {}", run.stderr);
    assert_as_clean(&project.out, &project.seeds, &[], "an edit without shards");
    // The edited seed is racy again: the head says nothing of the seeds until a run vouches,
    // so without the shards every seed is read and every file compared, and none rewritten.
    only_the_head();
    let run = project.build(&[], "a no-op, the edit racy").ok("a no-op, the edit racy");
    assert!(run.stderr.contains(": 0 of "), "{}", run.stderr);
    assert_as_clean(&project.out, &project.seeds, &[], "a no-op, the edit racy");
}

#[cfg(unix)]
#[test]
fn a_run_after_a_kill_removes_its_temporaries_from_every_directory() {
    let project = Project::new();
    let mut corpus = Corpus::new(&project.seeds, 40, "", 8);
    project.build(&[], "the first build").ok("the first build");
    // What a run killed as it rendered leaves: temporary files of a process that is gone, here
    // in every directory of the site, though the next run writes to only a few of them.
    let mut dead = Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    let mut directories: Vec<PathBuf> = vec![project.out.clone()];
    directories.extend(
        walk(&project.out).into_values().filter_map(|path| path.parent().map(Path::to_owned)),
    );
    directories.sort();
    directories.dedup();
    assert!(directories.len() > 3, "{directories:?}");
    for directory in &directories {
        fs::write(directory.join(format!(".page.html.{pid}.tmp")), "half a page").unwrap();
    }
    let left = temporaries(&project.out);
    assert_eq!(left.len(), directories.len(), "{left:?}");

    corpus.edit();
    project.build(&[], "the run after the kill").ok("the run after the kill");
    assert_eq!(temporaries(&project.out), Vec::<String>::new());
    assert_as_clean(&project.out, &project.seeds, &[], "after the kill");
    let again = project.build(&[], "a no-op").ok("a no-op");
    assert!(again.up_to_date(), "{}", again.stderr);
}
