//! `wirefeed publish` against a WebSub hub stub on loopback: it refuses stale feeds, pings
//! the hub once per changed live feed with `hub.mode=publish`, remembers what it told the hub,
//! and fails clearly when the hub refuses.

mod support;

use std::{
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpListener,
    path::Path,
    process::Command,
    sync::{Arc, Mutex},
};

use support::write;

const GOOD: &str = "date 2022-01-10 MINSK, January 10. /TASS/. Peacekeepers will leave, he said.";

struct Run {
    code: i32,
    stderr: String,
}

fn wirefeed(dir: &Path, args: &[&str]) -> Run {
    let output =
        Command::new(env!("CARGO_BIN_EXE_wirefeed")).args(args).current_dir(dir).output().unwrap();
    Run { code: output.status.code().unwrap(), stderr: String::from_utf8(output.stderr).unwrap() }
}

/// A WebSub hub that records each request's body and answers with a fixed status and text.
struct Hub {
    url: String,
    received: Arc<Mutex<Vec<String>>>,
    answer: Arc<Mutex<(u16, &'static str)>>,
}

impl Hub {
    fn start() -> Hub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hub", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(Mutex::new((204, "")));
        let (log, reply) = (received.clone(), answer.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                let mut length = 0;
                let mut form = false;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let line = line.trim_end().to_ascii_lowercase();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap();
                    }
                    form |= line == "content-type: application/x-www-form-urlencoded";
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                assert!(request_line.starts_with("POST /hub "), "{request_line}");
                assert!(form, "a form post");
                log.lock().unwrap().push(String::from_utf8(body).unwrap());
                let (status, text) = *reply.lock().unwrap();
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
                stream.write_all(response.as_bytes()).unwrap();
            }
        });
        Hub { url, received, answer }
    }

    /// The feed URLs pinged since the last call, in order.
    fn take(&self) -> Vec<String> {
        let bodies = std::mem::take(&mut *self.received.lock().unwrap());
        bodies
            .iter()
            .map(|body| {
                let url = body
                    .strip_prefix("hub.mode=publish&hub.url=")
                    .unwrap_or_else(|| panic!("{body}"));
                percent_encoding::percent_decode_str(url).decode_utf8().unwrap().into_owned()
            })
            .collect()
    }
}

fn project(hub: &Hub) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    write(
        dir.path().join("seeds/feed.toml"),
        &format!("base-url = \"https://news.example/\"\nhub = \"{}\"\n", hub.url),
    );
    regen(dir.path());
    dir
}

fn regen(dir: &Path) {
    let run = wirefeed(dir, &["build", "--seeds", "seeds", "--out", "feeds"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn publish(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["publish", "--seeds", "seeds", "--out", "feeds"];
    args.extend_from_slice(extra);
    wirefeed(dir, &args)
}

#[test]
fn changed_feeds_are_pinged_once() {
    let hub = Hub::start();
    let dir = project(&hub);
    let live = [
        "https://news.example/atom.xml",
        "https://news.example/feed.json",
        "https://news.example/places/minsk.atom.xml",
        "https://news.example/places/minsk.rss.xml",
        "https://news.example/rss.xml",
    ];

    // Without --ping nothing is sent; it says what would be.
    let dry = publish(dir.path(), &[]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stderr.contains("would notify"), "{}", dry.stderr);
    assert!(hub.take().is_empty());

    let first = publish(dir.path(), &["--ping"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(hub.take(), live, "the first ping covers every live feed, never an archive");

    let again = publish(dir.path(), &["--ping"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("notified of 0 changed of 5 live feeds"), "{}", again.stderr);
    assert!(hub.take().is_empty());

    // An article without a place changes the main feeds only.
    write(dir.path().join("seeds/b.txt"), "date 2022-01-11\nA second article.");
    regen(dir.path());
    assert_eq!(publish(dir.path(), &["--ping"]).code, 0);
    assert_eq!(
        hub.take(),
        [
            "https://news.example/atom.xml",
            "https://news.example/feed.json",
            "https://news.example/rss.xml"
        ]
    );
    assert_eq!(publish(dir.path(), &["--ping", "--all"]).code, 0);
    assert_eq!(hub.take(), live);
}

#[test]
fn a_refusing_hub_is_a_clear_error() {
    let hub = Hub::start();
    let dir = project(&hub);
    *hub.answer.lock().unwrap() = (400, "hub.url is not a known topic");
    let run = publish(dir.path(), &["--ping"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("the hub refused https://news.example/atom.xml"), "{}", run.stderr);
    assert!(run.stderr.contains("400 Bad Request: hub.url is not a known topic"), "{}", run.stderr);
    assert_eq!(hub.take().len(), 1, "it stops at the first refusal");
    // Once the hub accepts again, everything not yet acknowledged is pinged.
    *hub.answer.lock().unwrap() = (202, "");
    assert_eq!(publish(dir.path(), &["--ping"]).code, 0);
    assert_eq!(hub.take().len(), 5);
}

#[test]
fn stale_or_unreachable_is_refused() {
    let hub = Hub::start();
    let dir = project(&hub);
    write(dir.path().join("seeds/b.txt"), "date 2022-01-11\nNot regenerated yet.");
    let stale = publish(dir.path(), &["--ping"]);
    assert_eq!(stale.code, 1);
    assert!(stale.stderr.contains("feeds is stale: run `wirefeed build`"), "{}", stale.stderr);
    assert!(hub.take().is_empty(), "stale feeds are never announced");

    // No hub setting: nothing to ping.
    write(dir.path().join("seeds/feed.toml"), "");
    regen(dir.path());
    let no_hub = publish(dir.path(), &["--ping"]);
    assert_eq!(no_hub.code, 1);
    assert!(no_hub.stderr.contains("no `hub` setting"), "{}", no_hub.stderr);

    // A hub nobody listens at.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    write(dir.path().join("seeds/feed.toml"), &format!("hub = \"http://{closed}/\"\n"));
    regen(dir.path());
    let unreachable = publish(dir.path(), &["--ping"]);
    assert_eq!(unreachable.code, 1);
    assert!(unreachable.stderr.contains("cannot reach the hub"), "{}", unreachable.stderr);
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// In CI nothing survives between runs: `--changed-since` asks git which feeds a push changed,
/// and pings exactly those, with no record of its own.
#[test]
fn changed_since_a_commit_pings_what_git_says_changed() {
    let hub = Hub::start();
    let dir = project(&hub);
    git(dir.path(), &["init", "--quiet"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "first"]);
    let run = publish(dir.path(), &["--ping", "--changed-since", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(hub.take().is_empty(), "nothing changed since HEAD");

    write(dir.path().join("seeds/b.txt"), "date 2022-01-11\nA second article.");
    regen(dir.path());
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "second"]);
    let run = publish(dir.path(), &["--ping", "--changed-since", "HEAD~1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let main = [
        "https://news.example/atom.xml",
        "https://news.example/feed.json",
        "https://news.example/rss.xml",
    ];
    assert_eq!(hub.take(), main);
    // Stateless: the same question gets the same answer.
    assert_eq!(publish(dir.path(), &["--ping", "--changed-since", "HEAD~1"]).code, 0);
    assert_eq!(hub.take(), main);

    // The first push of a branch names no commit before it (all zeros), and a force-push may
    // name one that is gone: then every live feed counts as changed.
    for missing in ["0000000000000000000000000000000000000000", "no-such-commit"] {
        let run = publish(dir.path(), &["--ping", "--changed-since", missing]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("every live feed counts as changed"), "{}", run.stderr);
        assert_eq!(hub.take().len(), 5);
    }
}

/// Every subcommand reads the same settings: a site built with `--config` is fresh for a
/// publish with the same `--config`, and stale for one without it.
#[test]
fn publish_honours_the_config_the_build_used() {
    let hub = Hub::start();
    let dir = project(&hub);
    write(dir.path().join("prod.toml"), "base-url = \"https://prod.example/\"\n");
    let run = wirefeed(dir.path(), &["build", "--config", "prod.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = wirefeed(dir.path(), &["publish", "--config", "prod.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("is fresh and valid"), "{}", run.stderr);
    assert_eq!(wirefeed(dir.path(), &["publish"]).code, 1);
}
