//! The static search index below `feeds/search/` through the `wirefeed` binary: made from the
//! articles a reader may see (none under embargo, none withdrawn), byte for byte the same run
//! to run, checked by `build --check`, and kept as a clean build would make it by incremental
//! builds, stale shards removed.

mod support;

use std::{fs, path::Path, process::Command};

use support::{files, write};

fn wirefeed(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "wirefeed {args:?}: {stderr}");
    stderr
}

/// The text of every search file, one after the other.
fn search_text(out: &Path) -> String {
    files(&out.join("search"))
        .into_iter()
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect()
}

const LIVE: &str =
    "date 2024-05-01T08:00:00Z\nLONDON, May 1 (Reuters) - Fares rose, the regulator said.";
const EMBARGOED: &str = "embargo: 2024-05-03T06:00:00Z\ndate 2024-05-03T06:00:00Z\n\
    LONDON, May 3 (Reuters) - Britain will nationalise its railways, the government said.";
const WITHDRAWN: &str = "status: withdrawn\nreason: Legal.\nupdated: 2024-05-01T12:00:00Z\n\
    date 2024-05-01T10:00:00Z\nLONDON, May 1 (Reuters) - A libel about a minister.";
const BEFORE: &str = "2024-05-03T05:59:59Z";
const AFTER: &str = "2024-05-03T06:00:00Z";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/live.txt"), LIVE);
    write(dir.path().join("seeds/2024/05/embargoed.txt"), EMBARGOED);
    write(dir.path().join("seeds/killed.txt"), WITHDRAWN);
    dir
}

#[test]
fn the_index_holds_only_what_readers_may_see_and_is_the_same_run_to_run() {
    let dir = project();
    wirefeed(dir.path(), &["build", "--out", "a", "--now", BEFORE]);
    wirefeed(dir.path(), &["build", "--out", "b", "--now", BEFORE]);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let names: Vec<String> = files(&a.join("search")).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        ["docs/000.json", "index.json", "init.js", "search.css", "words/000.json"],
        "the files search.html and its script need"
    );
    assert_eq!(files(&a.join("search")), files(&b.join("search")));
    let text = search_text(&a);
    assert!(text.contains("\"fares\":[0]") && text.contains("\"articles/live.html\""), "{text}");
    for word in ["nationalise", "embargoed", "libel", "killed"] {
        assert!(!text.contains(word), "{word} is in the index:\n{text}");
    }
    assert!(text.contains("\"articles\":1,"), "{text}");
    wirefeed(dir.path(), &["build", "--check", "--out", "a", "--now", BEFORE]);

    // Once the embargo is over, the article is found; `--check` knew the index was stale.
    let check = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args(["build", "--check", "--out", "a", "--now", AFTER])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8(check.stderr).unwrap();
    assert!(!check.status.success() && said.contains("search/index.json"), "{said}");
    wirefeed(dir.path(), &["build", "--out", "a", "--now", AFTER]);
    let text = search_text(&a);
    assert!(text.contains("\"nationalise\":[0]") && !text.contains("libel"), "{text}");
    assert!(text.contains("\"articles\":2,"), "{text}");
}

/// An article of its own words: `w<n>x<i>` for i below `words`.
fn numbered(n: usize, words: usize) -> String {
    let text: Vec<String> = (0..words).map(|i| format!("w{n}x{i}")).collect();
    format!("date 2024-05-01T08:00:00Z\nLONDON, May 1 (Reuters) - {}.", text.join(" "))
}

#[test]
fn an_incremental_build_ends_with_the_index_a_clean_build_makes() {
    let dir = project();
    // Enough postings for two shards of words.
    for n in 0..220 {
        write(dir.path().join(format!("seeds/many/m{n:03}.txt")), &numbered(n, 80));
    }
    wirefeed(dir.path(), &["build", "--now", BEFORE]);
    let feeds = dir.path().join("feeds");
    assert!(feeds.join("search/words/001.json").exists());
    let index = fs::read_to_string(feeds.join("search/index.json")).unwrap();
    assert!(index.contains("\"shards\":2,"), "{index}");

    // Fewer articles: one shard; the other is removed. An embargo ends in the same run.
    for n in 20..220 {
        fs::remove_file(dir.path().join(format!("seeds/many/m{n:03}.txt"))).unwrap();
    }
    wirefeed(dir.path(), &["build", "--now", AFTER]);
    assert!(!feeds.join("search/words/001.json").exists());
    wirefeed(dir.path(), &["build", "--out", "clean", "--now", AFTER]);
    assert_eq!(files(&feeds), files(&dir.path().join("clean")));

    // An edit that changes what is indexed rewrites it; one that does not leaves it as it is.
    write(dir.path().join("seeds/live.txt"), &LIVE.replace("Fares", "Tickets"));
    wirefeed(dir.path(), &["build", "--now", AFTER]);
    let text = search_text(&feeds);
    assert!(text.contains("\"tickets\":[") && !text.contains("\"fares\""), "{text}");
    let before = fs::metadata(feeds.join("search/index.json")).unwrap().modified().unwrap();
    write(dir.path().join("seeds/killed.txt"), &WITHDRAWN.replace("minister", "judge"));
    wirefeed(dir.path(), &["build", "--now", AFTER]);
    let after = fs::metadata(feeds.join("search/index.json")).unwrap().modified().unwrap();
    assert_eq!(before, after);
    wirefeed(dir.path(), &["build", "--check", "--now", AFTER]);

    // A search file removed by hand is made again.
    fs::remove_file(feeds.join("search/init.js")).unwrap();
    wirefeed(dir.path(), &["build", "--now", AFTER]);
    assert!(feeds.join("search/init.js").exists());
    wirefeed(dir.path(), &["build", "--check", "--now", AFTER]);
}

#[test]
fn a_site_may_do_without_search() {
    let dir = project();
    wirefeed(dir.path(), &["build", "--now", AFTER]);
    let feeds = dir.path().join("feeds");
    assert!(feeds.join("search/index.json").exists());
    write(dir.path().join("seeds/feed.toml"), "search = false\n");
    wirefeed(dir.path(), &["build", "--now", AFTER]);
    assert!(!feeds.join("search/index.json").exists() && !feeds.join("search/init.js").exists());
    wirefeed(dir.path(), &["build", "--check", "--now", AFTER]);
    write(dir.path().join("seeds/feed.toml"), "search = true\n");
    wirefeed(dir.path(), &["build", "--now", AFTER]);
    assert!(feeds.join("search/words/000.json").exists());
    wirefeed(dir.path(), &["build", "--check", "--now", AFTER]);
}
