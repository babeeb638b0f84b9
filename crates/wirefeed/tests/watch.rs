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

/// A `wirefeed watch` of the project in `dir`, killed when dropped.
struct Watch(Child);

impl Watch {
    fn start(dir: &Path) -> Watch {
        let child = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
            .arg("watch")
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Watch(child)
    }

    /// Everything it said, once stopped.
    fn stop(mut self) -> String {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
        let mut said = String::new();
        self.0.stderr.take().unwrap().read_to_string(&mut said).unwrap();
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

#[test]
fn every_change_is_published_and_a_bad_seed_keeps_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    fs::create_dir_all(seeds.join("2022/01")).unwrap();
    fs::write(seeds.join("2022/01/a.txt"), GOOD).unwrap();
    let watch = Watch::start(dir.path());
    let feeds = dir.path().join("feeds");
    eventually("the first build", || contains(&feeds.join("atom.xml"), "Peacekeepers"));

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
