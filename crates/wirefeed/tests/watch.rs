//! `wirefeed watch`, run as a user runs it: every change to the seeds is published, a bad seed
//! leaves the site as it was, and replacing the seeds directory wholesale does not stop it.

use std::{
    fs,
    io::Read as _,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const GOOD: &str = "date 2022-01-10\nMINSK, January 10. /TASS/. Peacekeepers arrived.";

/// A `wirefeed watch` of the project in `dir`, killed when dropped; what it says goes to a file
/// (a pipe nobody reads would fill, and stop the watch).
struct Watch(Child, tempfile::NamedTempFile);

impl Watch {
    fn start(dir: &Path) -> Watch {
        let log = tempfile::NamedTempFile::new().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
            .arg("watch")
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        Watch(child, log)
    }

    /// Everything it said, once stopped.
    fn stop(mut self) -> String {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
        let mut said = String::new();
        self.1.reopen().unwrap().read_to_string(&mut said).unwrap();
        said
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (at most 30 s, for a slow machine) until `ready` holds.
fn eventually(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(30), "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn contains(path: &Path, text: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|found| found.contains(text))
}

/// A project with one seed, `seeds/2022/01/a.txt`, watched and built once: its directory, its
/// seeds and its site.
fn watched_project() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf, Watch) {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    fs::create_dir_all(seeds.join("2022/01")).unwrap();
    fs::write(seeds.join("2022/01/a.txt"), GOOD).unwrap();
    let watch = Watch::start(dir.path());
    let feeds = dir.path().join("feeds");
    eventually("the first build", || contains(&feeds.join("atom.xml"), "Peacekeepers"));
    (dir, seeds, feeds, watch)
}

#[test]
fn every_change_is_published_and_a_bad_seed_keeps_the_site() {
    let (_dir, seeds, feeds, watch) = watched_project();

    // A new seed, saved as editors do: a hidden temporary file renamed into place.
    fs::write(seeds.join("2022/01/.b.txt.swp"), GOOD.replace("Peacekeepers", "Observers")).unwrap();
    fs::rename(seeds.join("2022/01/.b.txt.swp"), seeds.join("2022/01/b.txt")).unwrap();
    eventually("the new article's page", || feeds.join("articles/b.html").exists());
    eventually("the new article in the feed", || contains(&feeds.join("atom.xml"), "Observers"));

    // An edit in place, in a new directory.
    fs::create_dir_all(seeds.join("2022/02")).unwrap();
    fs::write(seeds.join("2022/02/c.txt"), "date 2022-02-01\nThird.").unwrap();
    eventually("the third article", || feeds.join("articles/c.html").exists());
    fs::write(seeds.join("2022/02/c.txt"), "date 2022-02-01\nThird, edited.").unwrap();
    eventually("the edit", || contains(&feeds.join("articles/c.html"), "edited"));
    // The build writes its files one by one: the article page may land before the feed.
    eventually("the edit in the feed", || contains(&feeds.join("atom.xml"), "Third, edited."));

    // A bad seed: reported, and the site stays as it was.
    let before = fs::read(feeds.join("atom.xml")).unwrap();
    fs::write(seeds.join("2022/02/bad.txt"), "no date line").unwrap();
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(fs::read(feeds.join("atom.xml")).unwrap(), before);
    fs::remove_file(seeds.join("2022/02/bad.txt")).unwrap();

    // A deleted seed leaves the site.
    fs::remove_file(seeds.join("2022/01/b.txt")).unwrap();
    eventually("the deleted article's page gone", || !feeds.join("articles/b.html").exists());

    let said = watch.stop();
    assert!(said.contains("seeds/2022/02/bad.txt:1"), "{said}");
    assert!(said.contains("nothing was written"), "{said}");
}

#[test]
fn the_seeds_directory_replaced_wholesale_is_watched_again() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    fs::create_dir_all(&seeds).unwrap();
    fs::write(seeds.join("a.txt"), GOOD).unwrap();
    let watch = Watch::start(dir.path());
    let feeds = dir.path().join("feeds");
    eventually("the first build", || feeds.join("articles/a.html").exists());

    // As a deploy or a checkout does it: a new tree, renamed over the old one.
    let new = dir.path().join("seeds.new");
    fs::create_dir_all(&new).unwrap();
    fs::write(new.join("b.txt"), "date 2022-01-11\nReplaced.").unwrap();
    fs::rename(&seeds, dir.path().join("seeds.old")).unwrap();
    fs::rename(&new, &seeds).unwrap();
    eventually("the new tree published", || feeds.join("articles/b.html").exists());
    eventually("the old tree's article gone", || !feeds.join("articles/a.html").exists());

    // And the new directory is watched: a change in it is published too.
    fs::write(seeds.join("c.txt"), "date 2022-01-12\nAfter the swap.").unwrap();
    eventually("a change in the new tree", || feeds.join("articles/c.html").exists());
    drop(watch);
}

/// Every file below `dir`, by its path relative to it, with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in fs::read_dir(&at).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.insert(name, fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

/// The site a clean build of a copy of `seeds` makes.
fn clean_build(seeds: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("cp").arg("-R").arg(seeds).arg(dir.path()).status().unwrap();
    assert!(status.success());
    build_in(dir.path());
    tree(&dir.path().join("feeds"))
}

/// `wirefeed build` in the project at `dir`, which must succeed.
fn build_in(dir: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .arg("build")
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_watch_kept_warm_through_many_changes_ends_where_a_clean_build_does() {
    // The watch keeps its listing of the seeds between builds and brings it up to date from
    // the file system's events: whatever the changes, their bursts and the builds between
    // them, the site it leaves is the clean build's.
    let (_dir, seeds, feeds, watch) = watched_project();
    let mut state: u64 = 7;
    let mut next = |below: u64| {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % below
    };
    // `2022-x` sorts between `2022` and `2022/01`. Keys are unique to their directory, so
    // most builds publish (a key in two directories fails the build, as it should).
    let directories = ["2022/01", "2022/02", "2022/02/03", "2023", "2022-x"];
    for step in 0..60 {
        let at = next(5) as usize;
        let directory = seeds.join(directories[at]);
        let path = directory.join(format!("k{at}{}.txt", next(8)));
        match next(6) {
            0..=2 => {
                fs::create_dir_all(&directory).unwrap();
                let text = format!(
                    "date 2022-01-{:02}\nMINSK, January 10. /TASS/. Step {step} said.",
                    1 + next(28)
                );
                // An editor's save half the time: a temporary file renamed into place.
                if next(2) == 0 {
                    let temporary = directory.join(".save.tmp");
                    fs::write(&temporary, text).unwrap();
                    fs::rename(&temporary, &path).unwrap();
                } else {
                    fs::write(&path, text).unwrap();
                }
            }
            3 => {
                let _ = fs::remove_file(&path);
            }
            4 if directory.is_dir() => {
                // A directory moved whole, under a new name or back.
                let to = seeds.join(format!("moved/{}", next(3)));
                if !to.exists() {
                    fs::create_dir_all(seeds.join("moved")).unwrap();
                    fs::rename(&directory, &to).unwrap();
                }
            }
            _ => {
                // A bad seed for a while: the site waits for it to be mended.
                fs::create_dir_all(&directory).unwrap();
                fs::write(directory.join("bad.txt"), "no date line").unwrap();
                std::thread::sleep(Duration::from_millis(next(200)));
                fs::remove_file(directory.join("bad.txt")).unwrap();
            }
        }
        // Some changes come in one burst, some while a build runs, some after it.
        std::thread::sleep(Duration::from_millis(next(3) * 60));
    }
    // A key in two directories is a bad seed too; none is left at the end.
    let keys: Vec<String> = tree(&seeds).into_keys().collect();
    let mut seen = std::collections::BTreeSet::new();
    for name in keys {
        let key = Path::new(&name).file_name().unwrap().to_owned();
        if !seen.insert(key) {
            fs::remove_file(seeds.join(&name)).unwrap();
        }
    }
    let clean = clean_build(&seeds);
    eventually("the site of a clean build", || tree(&feeds) == clean);
    drop(watch);
}

#[test]
fn a_watch_started_on_a_built_site_with_a_photo_publishes_what_a_clean_build_does() {
    // The first build of this watch finds the site up to date, so the watch plans the site
    // itself while it waits; the next build takes the pages no new article is on, with the
    // fingerprints that plan gave them, which depend on the photo's size.
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    fs::create_dir_all(seeds.join("2022/01")).unwrap();
    fs::create_dir_all(seeds.join("photos")).unwrap();
    fs::write(seeds.join("photos/x.jpg"), b"\xff\xd8\xff\xe0 not much of a photo").unwrap();
    fs::write(seeds.join("2022/01/a.txt"), format!("image: photos/x.jpg\ntags: Energy\n{GOOD}"))
        .unwrap();
    build_in(dir.path());
    // Started as `Watch::start` does, saying how long each phase took.
    let log = tempfile::NamedTempFile::new().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .arg("watch")
        .env("WIREFEED_TIMINGS", "1")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let watch = Watch(child, log);
    let feeds = dir.path().join("feeds");
    // Once it has planned ahead, a story of the same place without the tag: the tag's page
    // is taken as it was.
    eventually("the watch planned ahead", || {
        let mut said = String::new();
        let _ = watch.1.reopen().map(|mut log| log.read_to_string(&mut said));
        said.contains("timing: planned ahead")
    });
    fs::write(seeds.join("2022/01/b.txt"), "date 2022-01-12\nMINSK, January 12. /TASS/. Talks.")
        .unwrap();
    eventually("the new story", || feeds.join("articles/b.html").exists());
    let clean = clean_build(&seeds);
    eventually("the site of a clean build", || tree(&feeds) == clean);
    let said = watch.stop();
    assert!(!said.contains("panicked"), "{said}");
}
