//! `wirefeed serve` on a loopback port, as a feed reader and an attacker see it: media types,
//! validators and `304 Not Modified`, compression, no way out of the served directory, and
//! `--watch` regenerating on an edit.

use std::{
    fs,
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const GOOD: &str = "date 2022-01-10 MINSK, January 10. /TASS/. Peacekeepers will leave, he said.";
const SECRET: &str = "secret-outside-the-served-directory";

/// A running `serve`, killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write(path: PathBuf, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A project directory with seeds, generated feeds, and a secret beside them.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path().join("seeds/a.txt"), GOOD);
    write(dir.path().join("seeds/feed.toml"), "title = \"Served\"\n");
    write(dir.path().join("Cargo.toml"), SECRET);
    let status = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args(["build", "--seeds", "seeds", "--out", "feeds"])
        .current_dir(dir.path())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

fn serve(dir: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirefeed"))
        .args(["serve", "--port", "0", "--dir", "feeds"])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line
        .trim()
        .strip_prefix("serving feeds at http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    assert!(address.starts_with("127.0.0.1:"), "loopback by default: {address}");
    Server { child, address }
}

/// A response as it came over the wire.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends one raw HTTP/1.1 request, exactly as written (no client normalizes the path), and
/// reads the whole response.
fn request(server: &Server, method: &str, target: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut text =
        format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", server.address);
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|window| window == b"\r\n\r\n").expect("a header block");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_owned(), value.trim().to_owned())
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(name, value)| name.eq_ignore_ascii_case("transfer-encoding") && value == "chunked")
    {
        body = dechunk(&body);
    }
    Response { status, headers, body }
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let end = bytes.windows(2).position(|window| window == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&bytes[..end]).unwrap().trim(), 16).unwrap();
        bytes = &bytes[end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

fn get(server: &Server, target: &str) -> Response {
    request(server, "GET", target, &[])
}

#[test]
fn each_file_has_its_media_type_and_its_bytes() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    for (target, file, media_type) in [
        ("/atom.xml", "atom.xml", "application/atom+xml"),
        ("/rss.xml", "rss.xml", "application/rss+xml"),
        ("/archive/2022-01.atom.xml", "archive/2022-01.atom.xml", "application/atom+xml"),
        ("/places/minsk.rss.xml", "places/minsk.rss.xml", "application/rss+xml"),
        ("/feed.json", "feed.json", "application/feed+json"),
        ("/feeds.opml", "feeds.opml", "text/x-opml"),
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/articles/a.html", "articles/a.html", "text/html; charset=utf-8"),
        ("/style.css", "style.css", "text/css; charset=utf-8"),
    ] {
        let response = get(&server, target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.header("content-type"), Some(media_type), "{target}");
        assert_eq!(
            response.body,
            fs::read(dir.path().join("feeds").join(file)).unwrap(),
            "{target}"
        );
        assert!(response.header("etag").is_some_and(|etag| etag.starts_with("W/\"")), "{target}");
        assert!(
            response.header("last-modified").is_some_and(|date| date.ends_with(" GMT")),
            "{target}"
        );
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    }
    let head = request(&server, "HEAD", "/atom.xml", &[]);
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(head.header("content-type"), Some("application/atom+xml"));
    let post = request(&server, "POST", "/atom.xml", &[]);
    assert_eq!((post.status, post.header("allow")), (405, Some("GET, HEAD")));
    assert_eq!(get(&server, "/nothing.xml").status, 404);
    // A directory with an index gets its slash, as static hosts do; one without is not listed.
    fs::write(dir.path().join("feeds/archive/index.html"), "<!DOCTYPE html><title>x</title>")
        .unwrap();
    let redirect = get(&server, "/archive");
    assert_eq!((redirect.status, redirect.header("location")), (301, Some("/archive/")));
    assert_eq!(get(&server, "/places/").status, 404);
}

#[test]
fn a_repeated_conditional_get_is_answered_304() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let first = get(&server, "/atom.xml");
    let etag = first.header("etag").unwrap().to_owned();
    let modified = first.header("last-modified").unwrap().to_owned();
    let listed = format!("\"other\", W/\"x\", {etag}");

    for headers in [
        vec![("If-None-Match", etag.as_str())],
        vec![("If-None-Match", listed.as_str())],
        vec![("If-None-Match", "*")],
        vec![("If-Modified-Since", modified.as_str())],
        vec![("If-None-Match", etag.as_str()), ("Accept-Encoding", "gzip")],
    ] {
        let again = request(&server, "GET", "/atom.xml", &headers);
        assert_eq!(again.status, 304, "{headers:?}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
    }
    // A different tag, or an older date, gets the file; If-None-Match wins over the date.
    for headers in [
        vec![("If-None-Match", "W/\"stale\"")],
        vec![("If-Modified-Since", "Mon, 10 Jan 2000 00:00:00 GMT")],
        vec![("If-None-Match", "W/\"stale\""), ("If-Modified-Since", modified.as_str())],
    ] {
        assert_eq!(request(&server, "GET", "/atom.xml", &headers).status, 200, "{headers:?}");
    }
    // A new file gets a new tag.
    std::thread::sleep(Duration::from_millis(20));
    let path = dir.path().join("feeds/atom.xml");
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"\n");
    fs::write(&path, bytes).unwrap();
    let changed = request(&server, "GET", "/atom.xml", &[("If-None-Match", etag.as_str())]);
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
}

#[test]
fn responses_are_compressed_when_the_client_accepts_it() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let file = fs::read(dir.path().join("feeds/atom.xml")).unwrap();

    let gzip = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert!(
        gzip.header("vary")
            .is_some_and(|vary| vary.to_ascii_lowercase().contains("accept-encoding"))
    );
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(gzip.body.as_slice()).read_to_end(&mut decoded).unwrap();
    assert_eq!(decoded, file);
    assert!(gzip.body.len() < file.len());

    let br = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "br;q=1.0, gzip;q=0.5")]);
    assert_eq!(br.header("content-encoding"), Some("br"));
    let mut decoded = Vec::new();
    brotli::Decompressor::new(br.body.as_slice(), 4096).read_to_end(&mut decoded).unwrap();
    assert_eq!(decoded, file);

    let plain = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "identity")]);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, file);
}

#[test]
fn nothing_outside_the_served_directory_is_reachable() {
    let dir = project();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("Cargo.toml"),
            dir.path().join("feeds/leak.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("feeds/up")).unwrap();
    }
    let server = serve(dir.path(), &[]);
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/Cargo.toml",
        "/%2e%2e%2fCargo.toml",
        "/archive/../../Cargo.toml",
        "/archive/%2e%2e/%2e%2e/Cargo.toml",
        "/..%5cCargo.toml",
        "/leak.txt",
        "/up/Cargo.toml",
        "/.wirefeed-state",
        "/%2ewirefeed-state",
        "//Cargo.toml",
        "/atom.xml%00.html",
    ] {
        let response = get(&server, target);
        assert!(matches!(response.status, 400 | 403 | 404), "{target}: {}", response.status);
        assert!(!String::from_utf8_lossy(&response.body).contains(SECRET), "{target}");
    }
    // The refusals did not stop the server.
    assert_eq!(get(&server, "/atom.xml").status, 200);
}

#[test]
fn watch_regenerates_when_a_seed_changes() {
    let dir = project();
    let server = serve(dir.path(), &["--watch", "--seeds", "seeds"]);
    let before = get(&server, "/atom.xml").body;
    write(dir.path().join("seeds/b.txt"), "title: Breaking news\ndate 2022-01-12\nA new article.");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = get(&server, "/atom.xml").body;
        if now != before {
            assert!(String::from_utf8(now).unwrap().contains("Breaking news"));
            break;
        }
        assert!(Instant::now() < deadline, "the feed was not regenerated");
        std::thread::sleep(Duration::from_millis(100));
    }
    // A bad seed is refused and the served feeds stay as they were.
    let good = get(&server, "/atom.xml").body;
    write(dir.path().join("seeds/c.txt"), "no date line here");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(get(&server, "/atom.xml").body, good);
    assert!(get(&server, "/articles/b.html").status == 200);
}
