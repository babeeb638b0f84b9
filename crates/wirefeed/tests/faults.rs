//! Faults: `wirefeed build` killed at any moment, a full disk, an output directory that cannot be made,
//! and two runs at once. In every case each feed on disk is a complete old or a complete new
//! file, never a truncated or mixed one, and nothing else is left behind.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn wirefeed() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wirefeed"))
}

/// A directory of `n` wire articles of about 3 KB, all published (`item-limit = 0`), and
/// `variant` changing one article's text and adding one, so two variants give different feeds.
fn corpus(dir: &Path, n: usize, variant: u32) -> PathBuf {
    let seeds = dir.join(format!("seeds-{variant}"));
    fs::create_dir_all(&seeds).unwrap();
    fs::write(seeds.join("feed.toml"), "item-limit = 0\n").unwrap();
    let paragraph =
        "Officials said the talks would continue & that <nothing> had been decided yet. ".repeat(8);
    for index in 0..n + variant as usize {
        let edit = if index == 0 { format!(" Edition {variant}.") } else { String::new() };
        let text = format!(
            "date 2022-{:02}-{:02}\nWASHINGTON (AP) — Article {index} reports news.{edit}\n\n{paragraph}\n\nSubheading\n\n{paragraph}\n\n{paragraph}\n",
            1 + index % 12,
            1 + index % 28,
        );
        fs::write(seeds.join(format!("a{index:05}.txt")), text).unwrap();
    }
    seeds
}

fn build(seeds: &Path, out: &Path) -> Command {
    let mut command = wirefeed();
    // Piped, so a test can read it; a run that prints more than a pipe holds would block.
    command
        .arg("build")
        // The build's cache goes into the test's directory, not the crate's.
        .arg("--root")
        .arg(seeds.parent().unwrap())
        .arg("--seeds")
        .arg(seeds)
        .arg("--out")
        .arg(out)
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    command
}

/// Every file of an output directory by relative path, hidden temporaries left out.
fn feeds(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(out).into_iter().filter(|(name, _)| !hidden(name)).collect()
}

/// Temporary files anywhere in an output directory, which a run left behind.
/// The temporary files below `out`, and the files in temporary directories (a first build's
/// directories staged whole, `.<directory>.<pid>.tmp/`).
fn temporaries(out: &Path) -> Vec<String> {
    walk(out)
        .into_keys()
        .filter(|name| name.split('/').any(|part| part.starts_with('.') && part.ends_with(".tmp")))
        .collect()
}

/// Whether `path` or a directory it is in is hidden.
fn hidden(path: &str) -> bool {
    path.split('/').any(|name| name.starts_with('.'))
}

fn walk(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        for entry in fs::read_dir(&directory).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                pending.push((entry.path(), format!("{name}/")));
            } else if let Ok(bytes) = fs::read(entry.path()) {
                files.insert(name, bytes);
            }
        }
    }
    files
}

/// The feeds of each seeds directory, each regenerated into a fresh directory of its own.
fn expected_feeds(dir: &Path, variants: &[PathBuf]) -> Vec<BTreeMap<String, Vec<u8>>> {
    variants
        .iter()
        .enumerate()
        .map(|(index, seeds)| {
            let out = dir.join(format!("expected-{index}"));
            assert!(build(seeds, &out).status().unwrap().success());
            feeds(&out)
        })
        .collect()
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}

#[test]
fn killed_at_any_moment_leaves_old_or_new_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let variants = [corpus(dir.path(), 1500, 0), corpus(dir.path(), 1500, 1)];
    let expected = expected_feeds(dir.path(), &variants);
    assert_ne!(expected[0], expected[1]);

    let out = dir.path().join("feeds");
    let start = Instant::now();
    assert!(build(&variants[0], &out).status().unwrap().success());
    let full_run = start.elapsed();

    let mut random = Lcg(2026);
    let mut outcomes = [0usize; 2];
    for round in 0..24 {
        let mut child = build(&variants[(round + 1) % 2], &out).spawn().unwrap();
        let delay = random.below(full_run.as_micros() as u64 * 2);
        std::thread::sleep(Duration::from_micros(delay));
        // SIGKILL: no destructor, no cleanup, as when a machine loses power mid-run.
        let _ = child.kill();
        child.wait().unwrap();
        let on_disk = feeds(&out);
        for (file, bytes) in &on_disk {
            let variant = expected.iter().position(|expected| expected.get(file) == Some(bytes));
            let Some(variant) = variant else {
                panic!(
                    "round {round}, delay {delay} µs: file {file} is neither the old nor the new feed"
                );
            };
            outcomes[variant] += 1;
        }
    }
    eprintln!(
        "full run {full_run:?}; after 24 kills: {} files held variant 0, {} variant 1",
        outcomes[0], outcomes[1]
    );
    // A complete run afterwards cleans up what the killed runs staged.
    assert!(build(&variants[0], &out).status().unwrap().success());
    assert_eq!(temporaries(&out), Vec::<String>::new());
    assert_eq!(feeds(&out), expected[0]);
}

#[test]
fn a_first_build_killed_at_any_moment_publishes_whole_files_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = corpus(dir.path(), 1500, 0);
    let expected = expected_feeds(dir.path(), std::slice::from_ref(&seeds)).remove(0);
    let start = Instant::now();
    assert!(build(&seeds, &dir.path().join("timed")).status().unwrap().success());
    let full_run = start.elapsed();

    let mut random = Lcg(1105);
    let mut published = Vec::new();
    for round in 0..12 {
        // Each round a first build, into an output directory that does not exist.
        let out = dir.path().join(format!("feeds-{round}"));
        let mut child = build(&seeds, &out).spawn().unwrap();
        let delay = random.below(full_run.as_micros() as u64 * 3 / 2);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        child.wait().unwrap();
        let on_disk = if out.exists() { feeds(&out) } else { BTreeMap::new() };
        for (file, bytes) in &on_disk {
            assert_eq!(
                expected.get(file),
                Some(bytes),
                "round {round}, delay {delay} µs: {file} is not the file a whole build makes"
            );
        }
        published.push(on_disk.len());
        // A complete run afterwards removes what the killed one staged, and ends in the
        // output a clean build gives.
        assert!(build(&seeds, &out).status().unwrap().success());
        assert_eq!(temporaries(&out), Vec::<String>::new(), "round {round}");
        assert_eq!(feeds(&out), expected, "round {round}");
    }
    eprintln!("full run {full_run:?}; files published when killed: {published:?}");
}

#[cfg(unix)]
#[test]
fn a_full_disk_leaves_the_old_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let small = corpus(dir.path(), 1, 0);
    let large = corpus(dir.path(), 60, 1);
    let out = dir.path().join("feeds");
    assert!(build(&small, &out).status().unwrap().success());
    let before = feeds(&out);

    // A file size limit makes writes fail with EFBIG, as a full disk fails them with ENOSPC; it
    // binds root too. The signal it would send is ignored, so the write returns the error.
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 64 && trap '' XFSZ && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_wirefeed"))
        .args(["build", "--seeds"])
        .arg(&large)
        .arg("--out")
        .arg(&out)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: feeds/") && stderr.contains(": cannot write: "), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(feeds(&out), before);
    assert_eq!(temporaries(&out), Vec::<String>::new());
}

#[test]
fn an_output_directory_that_cannot_be_made_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = corpus(dir.path(), 1, 0);
    fs::write(dir.path().join("blocker"), "a file, not a directory").unwrap();
    let output =
        build(&seeds, Path::new("blocker/feeds")).current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: blocker/feeds: cannot create the output directory: ")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
}

#[test]
fn concurrent_runs_leave_complete_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let variants = [corpus(dir.path(), 300, 0), corpus(dir.path(), 300, 1)];
    let expected = expected_feeds(dir.path(), &variants);
    let out = dir.path().join("feeds");
    for round in 0..6 {
        let children: Vec<_> =
            variants.iter().map(|seeds| build(seeds, &out).spawn().unwrap()).collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        for (file, bytes) in &feeds(&out) {
            assert!(
                expected.iter().any(|expected| expected.get(file) == Some(bytes)),
                "round {round}: {file} is mixed"
            );
        }
        assert_eq!(temporaries(&out), Vec::<String>::new());
    }
}
