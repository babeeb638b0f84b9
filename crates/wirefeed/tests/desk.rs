//! The wire desk through the `wirefeed` binary: embargoes measured against `--now`,
//! `SOURCE_DATE_EPOCH` or the clock, `build --check` telling a lifted embargo from a stale
//! site, the incremental build and `watch` noticing an embargo's end, withdrawals, and bad
//! values of the desk's fields as errors that write nothing.

mod support;

use std::{fs, path::Path, process::Command};

use support::{files, write};

struct Run {
    code: i32,
    stderr: String,
}

fn wirefeed(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap();
    Run { code: output.status.code().unwrap(), stderr: String::from_utf8(output.stderr).unwrap() }
}

const LIVE: &str =
    "date 2024-05-01T08:00:00Z\nLONDON, May 1 (Reuters) - Fares rose, the regulator said.";
const EMBARGOED: &str = "embargo: 2024-05-03T06:00:00Z\ndate 2024-05-03T06:00:00Z\n\
    LONDON, May 3 (Reuters) - Britain will nationalise its railways, the government said.";
const BEFORE: &str = "2024-05-03T05:59:59Z";
const AFTER: &str = "2024-05-03T06:00:00Z";
/// `AFTER` in seconds since 1970.
const AFTER_EPOCH: &str = "1714716000";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/live.txt"), LIVE);
    write(dir.path().join("seeds/2024/05/embargoed.txt"), EMBARGOED);
    dir
}

#[test]
fn an_embargo_is_measured_against_now_and_the_output_is_a_function_of_it() {
    let dir = project();
    let build = |out: &str, now: &str| {
        let run = wirefeed(dir.path(), &["build", "--out", out, "--now", now], &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        files(&dir.path().join(out))
    };
    let before = build("before", BEFORE);
    assert!(
        before.iter().all(|(_, bytes)| !String::from_utf8_lossy(bytes).contains("nationalise"))
    );
    assert!(!dir.path().join("before/articles/embargoed.html").exists());
    assert_eq!(build("before-again", BEFORE), before);

    let after = build("after", AFTER);
    assert!(dir.path().join("after/articles/embargoed.html").exists());
    assert!(fs::read_to_string(dir.path().join("after/atom.xml")).unwrap().contains("nationalise"));
    // SOURCE_DATE_EPOCH is the same time; `--now` wins over it.
    let run =
        wirefeed(dir.path(), &["build", "--out", "epoch"], &[("SOURCE_DATE_EPOCH", AFTER_EPOCH)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files(&dir.path().join("epoch")), after);
    let run = wirefeed(
        dir.path(),
        &["build", "--out", "both", "--now", BEFORE],
        &[("SOURCE_DATE_EPOCH", AFTER_EPOCH)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files(&dir.path().join("both")), before);

    // A bad time is refused before anything is read.
    let run = wirefeed(dir.path(), &["build", "--out", "bad"], &[("SOURCE_DATE_EPOCH", "soon")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("SOURCE_DATE_EPOCH"), "{}", run.stderr);
    let run = wirefeed(dir.path(), &["build", "--out", "bad", "--now", "tomorrow"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn check_says_an_embargo_lifted_rather_than_that_the_site_is_stale() {
    let dir = project();
    let run = wirefeed(dir.path(), &["build", "--now", BEFORE], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(wirefeed(dir.path(), &["build", "--check", "--now", BEFORE], &[]).code, 0);
    let run = wirefeed(dir.path(), &["build", "--check", "--now", AFTER], &[]);
    assert_eq!(run.code, 1);
    let first = run.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        "feeds/articles/embargoed.html: missing because the embargo of embargoed lifted at \
         2024-05-03T06:00:00+00:00; run the build to publish it"
    );
    assert!(
        run.stderr.ends_with(
            "error: feeds is out of date because the embargo of embargoed lifted: run `wirefeed build`\n"
        ),
        "{}",
        run.stderr
    );
    // A stale site with no embargo involved still says so.
    write(dir.path().join("seeds/other.txt"), "date 2024-05-02\nAnother article.");
    let run = wirefeed(dir.path(), &["build", "--check", "--now", BEFORE], &[]);
    assert!(
        run.stderr.ends_with("error: feeds is stale: run `wirefeed build`\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_incremental_build_publishes_an_embargo_that_ended_with_no_seed_changed() {
    let dir = project();
    for now in [BEFORE, BEFORE] {
        let run = wirefeed(dir.path(), &["build", "--now", now], &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let run = wirefeed(dir.path(), &["build", "--now", AFTER], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("feeds/articles/embargoed.html").exists(), "{}", run.stderr);
    assert_eq!(wirefeed(dir.path(), &["build", "--check", "--now", AFTER], &[]).code, 0);
    // And back: with an earlier time the article is withheld again.
    let run = wirefeed(dir.path(), &["build", "--now", BEFORE], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dir.path().join("feeds/articles/embargoed.html").exists());
    assert_eq!(wirefeed(dir.path(), &["build", "--check", "--now", BEFORE], &[]).code, 0);
}

#[test]
#[cfg(feature = "watch")]
fn watch_publishes_an_embargoed_article_when_its_time_comes() {
    use std::{
        process::Stdio,
        time::{Duration, Instant},
    };

    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/live.txt"), LIVE);
    // Three seconds from now, by the clock the build will read.
    let now = || chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let end = now() + chrono::TimeDelta::seconds(3);
    let end = end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    write(
        dir.path().join("seeds/soon.txt"),
        &format!("embargo: {end}\ndate 2024-05-03\nLONDON, May 3 (Reuters) - It is time."),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .arg("watch")
        .env_remove("SOURCE_DATE_EPOCH")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let page = dir.path().join("feeds/articles/soon.html");
    let start = Instant::now();
    let mut seen_at = None;
    while start.elapsed() < Duration::from_secs(30) {
        if page.exists() {
            seen_at = Some(now());
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let seen_at = seen_at.expect("never published");
    let end = chrono::DateTime::parse_from_rfc3339(&end).unwrap();
    assert!(seen_at >= end, "published at {seen_at}, before its embargo ended at {end}");
    // Within a second of its time, as a new seed would be.
    let late = seen_at.signed_duration_since(end);
    assert!(late < chrono::TimeDelta::seconds(1), "published only at {seen_at}");
    assert!(dir.path().join("feeds/articles/live.html").exists());
}

#[test]
fn a_withdrawn_article_becomes_a_notice_and_a_tombstone() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/live.txt"), LIVE);
    write(
        dir.path().join("seeds/killed.txt"),
        "date 2024-05-01T10:00:00Z\nLONDON, May 1 (Reuters) - A libel.",
    );
    assert_eq!(wirefeed(dir.path(), &["build"], &[]).code, 0);
    write(
        dir.path().join("seeds/killed.txt"),
        "status: withdrawn\nreason: Legal.\nupdated: 2024-05-01T12:00:00Z\n\
         date 2024-05-01T10:00:00Z\nLONDON, May 1 (Reuters) - A libel.",
    );
    let run = wirefeed(dir.path(), &["build"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let feeds = dir.path().join("feeds");
    let page = fs::read_to_string(feeds.join("articles/killed.html")).unwrap();
    assert!(page.contains("Article withdrawn") && !page.contains("libel"), "{page}");
    let atom = fs::read_to_string(feeds.join("atom.xml")).unwrap();
    assert!(atom.contains("<at:deleted-entry ref=\"tag:wirefeed.example,2022:killed\""), "{atom}");
    assert!(!atom.contains("libel"));
    for feed in ["rss.xml", "feed.json", "index.html"] {
        assert!(!fs::read_to_string(feeds.join(feed)).unwrap().contains("killed"), "{feed}");
    }
    assert_eq!(wirefeed(dir.path(), &["validate"], &[]).code, 0);
    assert_eq!(wirefeed(dir.path(), &["build", "--check"], &[]).code, 0);
}

#[test]
fn bad_values_of_the_desk_fields_name_the_file_and_line_and_write_nothing() {
    let cases = [
        (
            "status: dead\ndate 2024-05-01\nText.",
            "1:9: invalid status \"dead\": the status is live, withdrawn or killed",
        ),
        (
            "status: withdrawn\nupdated: 2024-05-02\ndate 2024-05-01\nText.",
            "1:9: invalid status \"withdrawn\": a withdrawn article needs a reason: field saying why",
        ),
        (
            "status: withdrawn\nreason: Legal.\ndate 2024-05-01\nText.",
            "1:9: invalid status \"withdrawn\": a withdrawn article needs an updated: field, the time it was withdrawn",
        ),
        (
            "tags: x\nreason: Legal.\ndate 2024-05-01\nText.",
            "2:9: invalid reason \"Legal.\": a reason is for an article with status: withdrawn",
        ),
        ("embargo: next week\ndate 2024-05-01\nText.", "1:10: invalid date \"next week\""),
        (
            "urgency: high\ndate 2024-05-01\nText.",
            "1:10: invalid urgency \"high\": the urgency is flash, bulletin, urgent or alert",
        ),
        ("image: ../x.jpg\ndate 2024-05-01\nText.", "1:8: invalid image \"../x.jpg\""),
        ("image: photos/x.txt\ndate 2024-05-01\nText.", "1:8: invalid image \"photos/x.txt\""),
        (
            "image: photos/none.jpg\ndate 2024-05-01\nText.",
            "1: the photo \"photos/none.jpg\" is not in the seeds directory",
        ),
        (
            "image: ftp://x.example/a.jpg\ndate 2024-05-01\nText.",
            "1:8: invalid image \"ftp://x.example/a.jpg\": scheme \"ftp\" is not http or https",
        ),
        (
            "image-caption: A photo.\ndate 2024-05-01\nText.",
            "1:16: invalid image-caption \"A photo.\": there is no image: field for it to describe",
        ),
    ];
    for (text, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path().join("seeds/good.txt"), LIVE);
        write(dir.path().join("seeds/bad.txt"), text);
        let run = wirefeed(dir.path(), &["build"], &[]);
        assert_eq!(run.code, 1, "{text}");
        let expected = format!("seeds/bad.txt:{message}");
        assert!(run.stderr.starts_with(&expected), "{text}:\n{}\nexpected: {expected}", run.stderr);
        assert!(!dir.path().join("feeds").exists(), "{text}");
    }
}

#[test]
fn a_photo_below_the_seeds_is_published_with_its_length_and_type() {
    let dir = tempfile::tempdir().unwrap();
    let photo: Vec<u8> = b"\xFF\xD8\xFF\xE0 not really a JPEG, but bytes to copy".to_vec();
    fs::create_dir_all(dir.path().join("seeds/photos/2024")).unwrap();
    fs::write(dir.path().join("seeds/photos/2024/station.jpg"), &photo).unwrap();
    let seed = "image: photos/2024/station.jpg\nimage-caption: The station.\n\
                date 2024-05-01T08:00:00Z\nLONDON, May 1 (Reuters) - Trains stopped.";
    write(dir.path().join("seeds/station.txt"), seed);
    let run = wirefeed(dir.path(), &["build"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let feeds = dir.path().join("feeds");
    let copy = feeds.join("media/photos/2024/station.jpg");
    assert_eq!(fs::read(&copy).unwrap(), photo);
    let enclosure = |length: usize| {
        format!(
            "<enclosure url=\"https://wirefeed.example/media/photos/2024/station.jpg\" \
             length=\"{length}\" type=\"image/jpeg\"/>"
        )
    };
    let rss = fs::read_to_string(feeds.join("rss.xml")).unwrap();
    assert!(rss.contains(&enclosure(photo.len())), "{rss}");
    let page = fs::read_to_string(feeds.join("articles/station.html")).unwrap();
    assert!(page.contains(r#"<img src="../media/photos/2024/station.jpg" alt="The station.">"#));
    assert_eq!(wirefeed(dir.path(), &["validate"], &[]).code, 0);
    assert_eq!(wirefeed(dir.path(), &["build", "--check"], &[]).code, 0);

    // A new photo of another size: the copy and the length follow, with no seed changed.
    let bigger = [photo.as_slice(), b" and more"].concat();
    fs::write(dir.path().join("seeds/photos/2024/station.jpg"), &bigger).unwrap();
    let run = wirefeed(dir.path(), &["build"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read(&copy).unwrap(), bigger);
    assert!(fs::read_to_string(feeds.join("rss.xml")).unwrap().contains(&enclosure(bigger.len())));
    assert_eq!(wirefeed(dir.path(), &["build", "--check"], &[]).code, 0);

    // No article names it any more: its copy goes; the photo in seeds/ stays.
    write(dir.path().join("seeds/station.txt"), "date 2024-05-01T08:00:00Z\nTrains stopped.");
    let run = wirefeed(dir.path(), &["build"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!copy.exists());
    assert!(dir.path().join("seeds/photos/2024/station.jpg").exists());
}
