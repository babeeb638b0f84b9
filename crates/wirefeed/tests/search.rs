//! The static search index below `feeds/search/` through the `wirefeed` binary: made from the
//! articles a reader may see (none under embargo, none withdrawn), byte for byte the same run
//! to run, checked by `build --check`, and kept as a clean build would make it by incremental
//! builds, stale shards removed.

mod support;

use std::{fs, path::Path, process::Command};

use support::{files, write};

fn wirefeed(dir: &Path, args: &[&str]) -> String {
    wirefeed_with(dir, args, &[])
}

/// `wirefeed` with these environment variables; its standard error, once it succeeded.
fn wirefeed_with(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .envs(vars.iter().copied())
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
    // The article's number is the second it was published, 2024-05-01T08:00:00Z.
    assert_eq!(
        names,
        ["docs/1714550400.json", "index.json", "init.js", "search.css", "words/000.json"],
        "the files search.html and its script need"
    );
    assert_eq!(files(&a.join("search")), files(&b.join("search")));
    let text = search_text(&a);
    assert!(text.contains("\"fares\":[1714550400]"), "{text}");
    assert!(text.contains("[1714550400,\"articles/live.html\",\"Fares rose"), "{text}");
    assert!(text.contains("\"docs\":[1714550400]}"), "{text}");
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
    assert!(text.contains("\"nationalise\":[1714716000]") && !text.contains("libel"), "{text}");
    // Both articles share a word; its gaps ascend from the older one.
    assert!(text.contains("\"london\":[1714550400,165600]"), "{text}");
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

/// Article `n`, published `minute` minutes after 08:00 on 1 May 2024, with `words` words of its
/// own and a few every article shares.
fn timed(n: usize, minute: usize, words: usize) -> String {
    let text: Vec<String> = (0..words).map(|i| format!("w{n}x{i}")).collect();
    format!(
        "date 2024-05-01T{:02}:{:02}:00Z\nLONDON, May 1 (Reuters) - {}.",
        8 + minute / 60,
        minute % 60,
        text.join(" ")
    )
}

/// A build of `dir`'s seeds into `out` with a cache of its own (so from scratch), as `wirefeed`
/// files it.
fn clean(dir: &Path, out: &Path) -> Vec<(String, Vec<u8>)> {
    let fresh = tempfile::tempdir().unwrap();
    let seeds = dir.join("seeds");
    let (seeds, target) = (seeds.to_str().unwrap(), out.to_str().unwrap());
    wirefeed(fresh.path(), &["build", "--seeds", seeds, "--out", target, "--now", AFTER]);
    files(out)
}

/// A build with its timings, which name how the search files were made.
fn timed_build(dir: &Path) -> String {
    wirefeed_with(dir, &["build", "--now", AFTER], &[("WIREFEED_TIMINGS", "1")])
}

#[test]
fn incremental_builds_patch_the_index_into_what_a_clean_build_makes() {
    let dir = tempfile::tempdir().unwrap();
    let seed = |n: usize| dir.path().join(format!("seeds/2024/05/m{n:03}.txt"));
    // About 70,000 postings: several word files, so that a patch leaves some alone.
    for n in 0..300 {
        write(seed(n), &timed(n, n, 230));
    }
    let feeds = dir.path().join("feeds");
    let first = timed_build(dir.path());
    assert!(first.contains("timing: search ") && !first.contains("search patch"), "{first}");
    let index = fs::read_to_string(feeds.join("search/index.json")).unwrap();
    assert!(index.contains("\"shards\":8,"), "{index}");
    let words = |feeds: &Path| {
        let files = files(&feeds.join("search/words"));
        files.into_iter().collect::<std::collections::BTreeMap<_, _>>()
    };

    // Each change, and whether the build patches the index: a new story (the newest), a story
    // dated back among the others, an edit, deletions, an article that leaves the index by
    // being withdrawn, and one that changes nothing the index holds.
    let steps: [(&str, &dyn Fn()); 7] = [
        ("a new story", &|| write(seed(300), &timed(300, 400, 1))),
        ("a back-dated story", &|| write(seed(301), &timed(301, 150, 1))),
        ("an edit", &|| write(seed(7), &timed(7, 7, 40).replace("w7x3 ", "edited "))),
        ("a deletion", &|| fs::remove_file(seed(100)).unwrap()),
        ("a deletion of few words", &|| fs::remove_file(seed(301)).unwrap()),
        ("a withdrawal", &|| {
            let text = timed(200, 200, 230);
            write(
                seed(200),
                &format!(
                    "status: withdrawn\nreason: Legal.\nupdated: 2024-05-02T12:00:00Z\n{text}"
                ),
            );
        }),
        ("an unindexed change", &|| write(dir.path().join("seeds/feed.toml"), "title = \"T\"\n")),
    ];
    for (what, change) in steps {
        let before = words(&feeds);
        change();
        let said = timed_build(dir.path());
        let clean_out = dir.path().join("clean");
        let _ = fs::remove_dir_all(&clean_out);
        assert_eq!(files(&feeds), clean(dir.path(), &clean_out), "after {what}");
        if what == "an unindexed change" {
            // The settings are part of what the index depends on: made again, the same.
            assert!(!said.contains("search patch"), "{what}: {said}");
            continue;
        }
        assert!(said.contains("timing: search patch"), "{what}: not patched: {said}");
        let after = words(&feeds);
        let changed = after.iter().filter(|(name, bytes)| before.get(*name) != Some(bytes));
        if matches!(what, "a new story" | "a back-dated story" | "a deletion of few words") {
            // Its one word and the shared ones fall in a few word files; the rest are as
            // they were, their numbers unchanged, even when it is in the middle.
            assert!(changed.count() < after.len(), "{what}: every word file changed");
        }
    }
    wirefeed(dir.path(), &["build", "--check", "--now", AFTER]);

    // A state file from another run, or damaged, is not believed: the index is made again.
    let state = dir.path().join(".wirefeed/search-state");
    let mut bytes = fs::read(&state).unwrap();
    let last = bytes.len() - 9;
    bytes[last] ^= 1;
    fs::write(&state, bytes).unwrap();
    write(seed(302), &timed(302, 500, 20));
    let said = timed_build(dir.path());
    assert!(!said.contains("search patch"), "a damaged state was believed: {said}");
    let clean_out = dir.path().join("clean");
    let _ = fs::remove_dir_all(&clean_out);
    assert_eq!(files(&feeds), clean(dir.path(), &clean_out));
}

#[test]
fn a_change_rewrites_the_docs_file_it_falls_in_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let seed = |n: usize| dir.path().join(format!("seeds/2024/05/d{n:04}.txt"));
    // Several docs files (512 articles each on average). Three articles a minute, from 08:00:
    // those of one minute are numbered from its first second on, so a deletion or a story
    // dated back among them moves the others' numbers, and their lines.
    for n in 0..2_000 {
        write(seed(n), &timed(n, n / 3, 1));
    }
    let feeds = dir.path().join("feeds");
    timed_build(dir.path());
    let docs = |feeds: &Path| files(&feeds.join("search/docs"));
    assert!(docs(&feeds).len() >= 3, "{:?}", docs(&feeds).len());
    let steps: [(&str, &dyn Fn()); 4] = [
        ("a deletion", &|| fs::remove_file(seed(3)).unwrap()),
        ("a back-dated story", &|| write(seed(2_000), &timed(2_000, 1, 2))),
        ("an edit", &|| write(seed(600), &timed(600, 200, 3))),
        ("a deletion in the middle", &|| fs::remove_file(seed(1_000)).unwrap()),
    ];
    for (what, change) in steps {
        let before = docs(&feeds);
        change();
        let said = timed_build(dir.path());
        assert!(said.contains("timing: search patch"), "{what}: not patched: {said}");
        let after = docs(&feeds);
        let clean_out = dir.path().join("clean");
        let _ = fs::remove_dir_all(&clean_out);
        assert_eq!(files(&feeds), clean(dir.path(), &clean_out), "after {what}");
        // Files changed, made or removed: the change's own, and the next one when the change
        // is at a cut between two.
        let kept = before.iter().filter(|file| after.contains(file)).count();
        assert!(kept + 2 >= before.len().max(after.len()), "{what}: {kept} of {}", after.len());
    }
}
