//! `wirefeed build` and `validate` as a user runs them: exit codes, messages, files on disk.
//!
//! Each test works in its own temporary directory, with the binary's current directory set
//! there, so messages show paths as a user in that directory would see them.

mod support;

use std::{fs, path::Path, process::Command};

use support::write;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn wirefeed(dir: &Path, args: &[&str]) -> Run {
    let output =
        Command::new(env!("CARGO_BIN_EXE_wirefeed")).args(args).current_dir(dir).output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

const GOOD: &str = "date 2022-01-10 MINSK, January 10. /TASS/. Peacekeepers will leave, he said.";

#[test]
fn two_runs_into_fresh_directories_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    write(dir.path().join("seeds/b.txt"), "title: B\ndate 2022-01-11\nText of b.");
    for out in ["one", "two"] {
        let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    for file in ["rss.xml", "atom.xml"] {
        let one = fs::read(dir.path().join("one").join(file)).unwrap();
        assert_eq!(one, fs::read(dir.path().join("two").join(file)).unwrap());
        assert!(one.ends_with(b">\n"));
    }
}

#[test]
fn bad_seeds_are_all_listed_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/good.txt"), GOOD);
    write(dir.path().join("seeds/typo.txt"), "title: x\ntitel: y\ndate 2022-01-10 Text.");
    write(dir.path().join("seeds/no-date.txt"), "Just text.");
    write(dir.path().join("seeds/notes.md"), "# notes");
    write(dir.path().join("feeds/rss.xml"), "old rss");
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "seeds/no-date.txt:1:1: expected a `name: value` field or the `date YYYY-MM-DD` line, found \"Just text.\"\n\
         seeds/notes.md: is not a wire article: seeds are NAME.txt files\n\
         seeds/typo.txt:2: unknown field \"titel\" (known: title, id, updated, tags, lang, author, link, \
         correction, status, reason, embargo, urgency, image, image-caption, image-credit, image-alt)\n\
         error: 3 of 4 seeds are bad; nothing was written (fix them, or publish the rest with --keep-going)\n"
    );
    assert_eq!(fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap(), "old rss");
    assert!(!dir.path().join("feeds/atom.xml").exists());

    let run =
        wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds", "--keep-going"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("seeds/typo.txt:2: warning: unknown field \"titel\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("seeds/notes.md: warning: is not a wire article"),
        "{}",
        run.stderr
    );
    let rss = fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap();
    assert_eq!(rss.matches("<item>").count(), 1);
    assert!(rss.contains("<title>Peacekeepers will leave</title>"));
}

#[test]
fn check_names_every_stale_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    assert_eq!(wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]).code, 0);
    let check =
        || wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds", "--check"]);
    assert_eq!(check().code, 0);

    write(dir.path().join("seeds/b.txt"), "date 2022-01-12\nA new article.");
    write(dir.path().join("feeds/stray.xml"), "<x/>");
    let run = check();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "feeds/archive/2022-01.atom.xml: differs from what the build writes\n\
         feeds/archive/2022-01.html: differs from what the build writes\n\
         feeds/archive/2022-01.rss.xml: differs from what the build writes\n\
         feeds/archive.html: differs from what the build writes\n\
         feeds/articles/a.html: differs from what the build writes\n\
         feeds/articles/b.html: missing\n\
         feeds/atom.xml: differs from what the build writes\n\
         feeds/feed.json: differs from what the build writes\n\
         feeds/index.html: differs from what the build writes\n\
         feeds/news-sitemap.xml: differs from what the build writes\n\
         feeds/rss.xml: differs from what the build writes\n\
         feeds/search/docs/1641772800.json: differs from what the build writes\n\
         feeds/search/index.json: differs from what the build writes\n\
         feeds/search/words/000.json: differs from what the build writes\n\
         feeds/sitemap.xml: differs from what the build writes\n\
         feeds/stray.xml: not written by the build; remove it\n\
         error: feeds is stale: run `wirefeed build`\n"
    );
    // Check mode writes nothing.
    assert!(
        !fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap().contains("A new article")
    );
}

#[test]
fn unchanged_feeds_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    assert_eq!(wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]).code, 0);
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(run.stderr, "feeds is up to date: nothing changed since the last build\n");
    let leftovers: Vec<String> = fs::read_dir(dir.path().join("feeds"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files were left behind: {leftovers:?}");
}

#[test]
fn the_no_op_shortcut_notices_every_change() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    let build = || wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(build().code, 0);
    let up_to_date = "feeds is up to date: nothing changed since the last build\n";
    assert_eq!(build().stderr, up_to_date);

    // An edited seed (same size, so only the modification time tells) is rebuilt.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(dir.path().join("seeds/a.txt"), &GOOD.replace("Peacekeepers", "Peacemakers"));
    assert_eq!(build().stderr, "1 article(s): 14 of 27 file(s) in feeds rewritten\n");
    assert_eq!(build().stderr, up_to_date);

    // A feed edited by hand is restored; a new settings file and a new seed count as well.
    write(dir.path().join("feeds/atom.xml"), "edited by hand");
    assert!(build().stderr.starts_with("1 article(s): 1 of 27"));
    write(dir.path().join("seeds/feed.toml"), "title = \"Renamed\"\n");
    assert_eq!(
        build().stderr,
        "note: the settings or a photo changed: every file was rendered and compared\n\
         1 article(s): 18 of 27 file(s) in feeds rewritten\n"
    );
    write(dir.path().join("seeds/b.txt"), "date 2022-01-12\nAnother.");
    assert!(build().stderr.starts_with("2 article(s)"));

    // A run with bad seeds is never skipped: without --keep-going it still fails.
    write(dir.path().join("seeds/bad.txt"), "no date");
    assert_eq!(
        wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds", "--keep-going"]).code,
        0
    );
    assert_eq!(build().code, 1);
    // And --check never trusts it.
    fs::remove_file(dir.path().join("seeds/bad.txt")).unwrap();
    assert_eq!(build().code, 0);
    write(dir.path().join("feeds/rss.xml"), "edited by hand");
    let check = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds", "--check"]);
    assert_eq!(check.code, 1);
}

#[test]
fn pages_of_removed_articles_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    write(
        dir.path().join("seeds/b.txt"),
        "tags: Weather\ndate 2022-03-05\nParis (AFP) - Rain is expected.",
    );
    write(dir.path().join("feeds/notes.txt"), "a file of the user's, not generated");
    assert_eq!(wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]).code, 0);
    for page in ["archive/2022-03.atom.xml", "places/paris.rss.xml", "tags/weather.atom.xml"] {
        assert!(dir.path().join("feeds").join(page).exists(), "{page}");
    }
    fs::remove_file(dir.path().join("seeds/b.txt")).unwrap();
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(run.stderr, "1 article(s): 17 of 27 file(s) in feeds rewritten, 10 stale removed\n");
    for page in [
        "archive/2022-03.atom.xml",
        "places/paris.rss.xml",
        "tags/weather.atom.xml",
        "tags/weather.html",
        "articles/b.html",
    ] {
        assert!(!dir.path().join("feeds").join(page).exists(), "{page}");
    }
    // Files the build does not own are never deleted; check mode names them instead.
    assert!(dir.path().join("feeds/notes.txt").exists());
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds", "--check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("feeds/notes.txt: not written by the build; remove it\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), "id: same\ndate 2022-01-10\nOne.");
    write(dir.path().join("seeds/b.txt"), "id: same\ndate 2022-01-11\nTwo.");
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("seeds/b.txt: id \"same\" is already used by seeds/a.txt\n"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlinks_in_seeds_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("outside.txt"), "date 2022-01-10\nA secret from outside the repository.");
    write(dir.path().join("seeds/a.txt"), GOOD);
    std::os::unix::fs::symlink(dir.path().join("outside.txt"), dir.path().join("seeds/link.txt"))
        .unwrap();
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("seeds/link.txt: is a symbolic link"), "{}", run.stderr);
    let run =
        wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds", "--keep-going"]);
    assert_eq!(run.code, 0);
    assert!(!fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap().contains("secret"));
}

#[test]
fn empty_or_missing_seeds_and_bad_settings_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let run = wirefeed(dir.path(), &["build", "--seeds", "empty", "--out", "feeds"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, "error: empty: no articles to publish; the feeds were left as they are\n")
    );

    let run = wirefeed(dir.path(), &["build", "--seeds", "missing", "--out", "feeds"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("error: missing: cannot read the seeds directory: "),
        "{}",
        run.stderr
    );

    write(dir.path().join("seeds/a.txt"), GOOD);
    write(dir.path().join("seeds/feed.toml"), "title = \"x\"\nitem-limit = \"ten\"\n");
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            "error: seeds/feed.toml:2: setting `item-limit`: invalid type: string \"ten\", expected a whole number\n"
        )
    );
    assert!(!dir.path().join("feeds").exists());
}

#[test]
fn validate_passes_our_feeds_and_names_the_rule_it_breaks() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    assert_eq!(wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]).code, 0);
    let run = wirefeed(dir.path(), &["validate", "feeds/rss.xml", "feeds/atom.xml"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "2 feeds checked: 0 errors, 0 warnings\n"));

    let rss = fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap();
    write(dir.path().join("broken.xml"), &rss.replace("Mon, 10 Jan 2022", "Tue, 10 Jan 2022"));
    let run = wirefeed(dir.path(), &["validate", "broken.xml"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(": error: <pubDate> \"Tue, 10 Jan 2022 00:00:00 +0000\" says Tue, but that day is a Mon [rss-weekday]"), "{}", run.stdout);
}

#[test]
fn file_names_that_are_not_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/good.txt"), GOOD);
    write(dir.path().join("seeds/with space.txt"), GOOD);
    write(dir.path().join("seeds/статья.txt"), GOOD);
    write(dir.path().join("seeds/x..y.txt"), "date 2022-01-09\nDots inside a key are harmless.");
    write(
        dir.path().join("seeds/.hidden.txt"),
        "editor swap files and drafts starting with a dot are skipped",
    );
    let run = wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "seeds/with space.txt: \"with space\" is not a valid article key: use 1 to 200 ASCII letters, digits, '.', '_', '-' or '~', starting with a letter or digit\n\
         seeds/статья.txt: \"статья\" is not a valid article key: use 1 to 200 ASCII letters, digits, '.', '_', '-' or '~', starting with a letter or digit\n\
         error: 2 of 4 seeds are bad; nothing was written (fix them, or publish the rest with --keep-going)\n"
    );
    let run =
        wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds", "--keep-going"]);
    assert_eq!(run.code, 0);
    let atom = fs::read_to_string(dir.path().join("feeds/atom.xml")).unwrap();
    assert!(atom.contains("<id>tag:wirefeed.example,2022:x..y</id>"));
    assert_eq!(atom.matches("<entry>").count(), 2);
}

#[test]
fn warnings_fail_validation_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    assert_eq!(wirefeed(dir.path(), &["build", "--seeds", "seeds", "--out", "feeds"]).code, 0);
    let rss = fs::read_to_string(dir.path().join("feeds/rss.xml")).unwrap();
    // Without its self link the feed is valid but draws a warning.
    let self_link = rss.lines().find(|line| line.contains("rel=\"self\"")).unwrap();
    write(dir.path().join("warned.xml"), &rss.replace(self_link, ""));
    let run = wirefeed(dir.path(), &["validate", "warned.xml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("warned.xml:3:3: warning: <channel> has no <atom:link rel=\"self\">"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("1 feeds checked: 0 errors, 1 warnings\n"), "{}", run.stdout);
    assert_eq!(wirefeed(dir.path(), &["validate", "--allow-warnings", "warned.xml"]).code, 0);
}

/// Every file below `dir`, hidden ones included.
fn every_file(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(every_file(&path));
        } else {
            files.push(path.display().to_string());
        }
    }
    files
}

/// `feeds/` is what a static host publishes: a build leaves nothing else there. Its cache is
/// in `.wirefeed/` beside it, which keeps the no-op shortcut working.
#[test]
fn the_site_holds_only_the_site() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    for _ in 0..2 {
        assert_eq!(wirefeed(dir.path(), &["build"]).code, 0);
    }
    let feeds = dir.path().join("feeds");
    for file in every_file(&feeds) {
        let relative = Path::new(&file).strip_prefix(&feeds).unwrap().to_str().unwrap();
        assert!(!relative.split('/').any(|part| part.starts_with('.')), "{relative}");
        // The feed crate's plan, or the search index the build adds below `search/`.
        assert!(feed::is_generated(relative) || relative.starts_with("search/"), "{relative}");
    }
    assert!(dir.path().join(".wirefeed/index/head").is_file());
    assert_eq!(
        wirefeed(dir.path(), &["build"]).stderr,
        "feeds is up to date: nothing changed since the last build\n"
    );
}

/// A newsroom's first steps: `init`, then `build`, `build --check` and `validate` pass, from
/// the new site's directory and from outside it with `--root`.
#[test]
fn init_makes_a_site_that_builds_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let run = wirefeed(dir.path(), &["init", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = dir.path().join("site");
    let run = wirefeed(&site, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with("1 article(s): "), "{}", run.stderr);
    assert_eq!(wirefeed(&site, &["build", "--check"]).code, 0);
    let run = wirefeed(dir.path(), &["--root", "site", "validate"]);
    assert_eq!(
        (run.code, run.stdout.lines().last()),
        (0, Some("8 feeds checked: 0 errors, 0 warnings"))
    );
    let again = wirefeed(dir.path(), &["init", "site"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("site/seeds/feed.toml: already exists"), "{}", again.stderr);
}

/// The no-op shortcut reads metadata; `--check` compares bytes. A feed edited in place is
/// seen (its status-change time moves, whatever is done to its modification time), but an
/// article's page edited in place is not, by design: a million of them would cost every build a
/// million `stat` calls. The check sees it.
#[test]
fn check_never_trusts_the_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    assert_eq!(wirefeed(dir.path(), &["build"]).code, 0);
    let up_to_date = "feeds is up to date: nothing changed since the last build\n";
    let edit = |path: &Path| {
        let modified = fs::metadata(path).unwrap().modified().unwrap();
        let mut bytes = fs::read(path).unwrap();
        let at = bytes.windows(12).position(|w| w == b"Peacekeepers").unwrap();
        bytes[at] = b'X';
        fs::write(path, &bytes).unwrap();
        fs::File::options().write(true).open(path).unwrap().set_modified(modified).unwrap();
    };
    edit(&dir.path().join("feeds/atom.xml"));
    assert_eq!(
        wirefeed(dir.path(), &["build"]).stderr,
        "1 article(s): 1 of 27 file(s) in feeds rewritten\n"
    );
    edit(&dir.path().join("feeds/articles/a.html"));
    assert_eq!(wirefeed(dir.path(), &["build"]).stderr, up_to_date);
    let check = wirefeed(dir.path(), &["build", "--check"]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.starts_with("feeds/articles/a.html: differs"), "{}", check.stderr);
}

/// `--keep-going` with every seed bad still says why each one is bad.
#[test]
fn keep_going_with_nothing_good_names_every_bad_seed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), "no date here");
    let run = wirefeed(dir.path(), &["build", "--keep-going"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "seeds/a.txt:1:1: warning: expected a `name: value` field or the `date YYYY-MM-DD` line, found \"no date here\"\n\
         error: seeds: no articles to publish; the feeds were left as they are\n"
    );
}

/// Versions before the cache kept their state inside feeds/; a build removes it, and a check
/// names it, so an old clone never publishes it.
#[test]
fn state_files_of_earlier_versions_leave_the_site() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    assert_eq!(wirefeed(dir.path(), &["build"]).code, 0);
    write(dir.path().join("feeds/.wirefeed-state"), "old");
    let check = wirefeed(dir.path(), &["build", "--check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.starts_with("feeds/.wirefeed-state: not written by the build"),
        "{}",
        check.stderr
    );
    assert_eq!(wirefeed(dir.path(), &["build"]).code, 0);
    assert!(!dir.path().join("feeds/.wirefeed-state").exists());
    assert_eq!(wirefeed(dir.path(), &["build", "--check"]).code, 0);
}
