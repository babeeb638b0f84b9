//! `wirefeed serve` on a loopback port, as a feed reader and an attacker see it: media types
//! with their charset, validators and `304 Not Modified`, ranges, compression made once,
//! security headers, the site's 404 page, no way out of the served directory, and `--watch`
//! regenerating on an edit. How the server holds up under many or hostile connections is
//! `serve_limits.rs`.

mod serve_support;

use std::{
    fs,
    io::Read as _,
    process::Command,
    time::{Duration, Instant},
};

use serve_support::{SECRET, get, project, request, serve, write};

/// The headers every response carries, whatever its status.
fn assert_security_headers(response: &serve_support::Response, what: &str) {
    assert_eq!(
        response.header("content-security-policy"),
        Some("default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'"),
        "{what}"
    );
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(
        response.header("referrer-policy"),
        Some("strict-origin-when-cross-origin"),
        "{what}"
    );
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut decoded).unwrap(),
        "br" => brotli::Decompressor::new(body, 4096).read_to_end(&mut decoded).unwrap(),
        other => panic!("unexpected encoding {other}"),
    };
    decoded
}

#[test]
fn each_file_has_its_media_type_and_its_bytes() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    for (target, file, media_type) in [
        ("/atom.xml", "atom.xml", "application/atom+xml; charset=utf-8"),
        ("/rss.xml", "rss.xml", "application/rss+xml; charset=utf-8"),
        (
            "/archive/2022-01.atom.xml",
            "archive/2022-01.atom.xml",
            "application/atom+xml; charset=utf-8",
        ),
        ("/places/minsk.rss.xml", "places/minsk.rss.xml", "application/rss+xml; charset=utf-8"),
        ("/feed.json", "feed.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "feeds.opml", "text/x-opml; charset=utf-8"),
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
        // Strong, so that If-Range can use it: the file goes out as it is here.
        assert!(response.header("etag").is_some_and(|etag| etag.starts_with('"')), "{target}");
        assert!(
            response.header("last-modified").is_some_and(|date| date.ends_with(" GMT")),
            "{target}"
        );
        assert_eq!(response.header("accept-ranges"), Some("bytes"), "{target}");
        assert_security_headers(&response, target);
    }
    let head = request(&server, "HEAD", "/atom.xml", &[]);
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(head.header("content-type"), Some("application/atom+xml; charset=utf-8"));
    let file_len = fs::metadata(dir.path().join("feeds/atom.xml")).unwrap().len().to_string();
    assert_eq!(head.header("content-length"), Some(file_len.as_str()));
    let post = request(&server, "POST", "/atom.xml", &[]);
    assert_eq!((post.status, post.header("allow")), (405, Some("GET, HEAD")));
    assert_security_headers(&post, "405");
    let missing = get(&server, "/nothing.xml");
    assert_eq!(missing.status, 404);
    // The site's own page for a missing file.
    assert_eq!(missing.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(String::from_utf8_lossy(&missing.body).contains("Page not found"));
    assert_security_headers(&missing, "404");
    // A directory with an index gets its slash, as static hosts do; one without is not listed.
    fs::write(dir.path().join("feeds/archive/index.html"), "<!DOCTYPE html><title>x</title>")
        .unwrap();
    let redirect = get(&server, "/archive");
    assert_eq!((redirect.status, redirect.header("location")), (301, Some("/archive/")));
    assert_security_headers(&redirect, "301");
    assert_eq!(get(&server, "/places/").status, 404);
}

#[test]
fn the_search_page_alone_may_run_the_sites_scripts_and_fetch_its_index() {
    let dir = project();
    // `search.html` is the site's; a stand-in will do to see the headers it is served with.
    fs::write(dir.path().join("feeds/search.html"), "<!DOCTYPE html><title>Search</title>")
        .unwrap();
    let server = serve(dir.path(), &[]);
    let widened = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; \
                   connect-src 'self'";
    let page = get(&server, "/search.html");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-security-policy"), Some(widened));
    // A revalidated copy keeps its policy: a cache takes the 304's headers as the page's.
    let etag = page.header("etag").unwrap().to_owned();
    let again = request(&server, "GET", "/search.html", &[("If-None-Match", etag.as_str())]);
    assert_eq!((again.status, again.header("content-security-policy")), (304, Some(widened)));
    // The docs file is named after its first article's number.
    let docs = fs::read_dir(dir.path().join("feeds/search/docs")).unwrap().next().unwrap();
    let docs = format!("/search/docs/{}", docs.unwrap().file_name().to_str().unwrap());
    for (target, media_type) in [
        ("/search/init.js", "text/javascript; charset=utf-8"),
        ("/search/search.css", "text/css; charset=utf-8"),
        ("/search/index.json", "application/json; charset=utf-8"),
        ("/search/words/000.json", "application/json; charset=utf-8"),
        (docs.as_str(), "application/json; charset=utf-8"),
    ] {
        let response = get(&server, target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.header("content-type"), Some(media_type), "{target}");
        assert_security_headers(&response, target);
    }
    for target in ["/index.html", "/articles/a.html", "/search.html/", "/search/search.html"] {
        assert_security_headers(&get(&server, target), target);
    }
}

#[test]
fn a_repeated_conditional_get_is_answered_304() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let first = get(&server, "/atom.xml");
    let etag = first.header("etag").unwrap().to_owned();
    let modified = first.header("last-modified").unwrap().to_owned();
    let listed = format!("\"other\", W/\"x\", {etag}");
    let weak = format!("W/{etag}");
    let gzip = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip")]);
    let gzip_etag = gzip.header("etag").unwrap().to_owned();

    for headers in [
        vec![("If-None-Match", etag.as_str())],
        vec![("If-None-Match", listed.as_str())],
        vec![("If-None-Match", weak.as_str())],
        vec![("If-None-Match", "*")],
        vec![("If-Modified-Since", modified.as_str())],
        vec![("If-None-Match", gzip_etag.as_str()), ("Accept-Encoding", "gzip")],
    ] {
        let again = request(&server, "GET", "/atom.xml", &headers);
        assert_eq!(again.status, 304, "{headers:?}");
        assert!(again.body.is_empty());
        assert_ne!(again.header("etag"), None);
        assert_eq!(again.header("last-modified"), Some(modified.as_str()));
        // A cache keeps the encodings apart: the 304 says so as the 200 did.
        assert_eq!(again.header("vary"), Some("accept-encoding"), "{headers:?}");
        assert_security_headers(&again, "304");
    }
    let again = request(&server, "GET", "/atom.xml", &[("If-None-Match", etag.as_str())]);
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    // A different tag, or an older date, gets the file; If-None-Match wins over the date.
    for headers in [
        vec![("If-None-Match", "W/\"stale\"")],
        vec![("If-Modified-Since", "Mon, 10 Jan 2000 00:00:00 GMT")],
        vec![("If-None-Match", "W/\"stale\""), ("If-Modified-Since", modified.as_str())],
        // The tag of the file as it is does not stand for its gzip body, a representation of
        // its own (RFC 9110 §8.8.3): the client gets the body it now asks for.
        vec![("If-None-Match", etag.as_str()), ("Accept-Encoding", "gzip")],
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
fn a_range_gets_206_with_exactly_those_bytes() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let file = fs::read(dir.path().join("feeds/atom.xml")).unwrap();
    let len = file.len();
    let whole = get(&server, "/atom.xml");
    let etag = whole.header("etag").unwrap().to_owned();
    let modified = whole.header("last-modified").unwrap().to_owned();

    let part = request(&server, "GET", "/atom.xml", &[("Range", "bytes=0-99")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.body.len(), 100);
    assert_eq!(part.body, file[..100]);
    assert_eq!(part.header("content-range"), Some(format!("bytes 0-99/{len}").as_str()));
    assert_eq!(part.header("content-length"), Some("100"));
    assert_eq!(part.header("accept-ranges"), Some("bytes"));
    assert_eq!(part.header("etag"), Some(etag.as_str()));
    assert_security_headers(&part, "206");

    // The end of the file, and a range of the file as it is when compression is accepted.
    let tail = request(&server, "GET", "/atom.xml", &[("Range", "bytes=-10")]);
    assert_eq!((tail.status, tail.body.as_slice()), (206, &file[len - 10..]));
    let ranged_gzip = request(
        &server,
        "GET",
        "/atom.xml",
        &[("Range", "bytes=10-19"), ("Accept-Encoding", "gzip")],
    );
    assert_eq!((ranged_gzip.status, ranged_gzip.header("content-encoding")), (206, None));
    assert_eq!(ranged_gzip.body, file[10..20]);

    // If-Range: the range if the client's copy is this version, else the whole file.
    for (validator, status) in [
        (etag.as_str(), 206),
        (modified.as_str(), 206),
        ("\"another-version\"", 200),
        ("Mon, 10 Jan 2000 00:00:00 GMT", 200),
    ] {
        let response = request(
            &server,
            "GET",
            "/atom.xml",
            &[("Range", "bytes=0-99"), ("If-Range", validator)],
        );
        assert_eq!(response.status, status, "{validator}");
        assert_eq!(response.body.len(), if status == 206 { 100 } else { len }, "{validator}");
    }

    // Past the end: 416 with the length; several ranges or a broken header: the whole file.
    let past = request(&server, "GET", "/atom.xml", &[("Range", &format!("bytes={len}-"))]);
    assert_eq!(past.status, 416);
    assert_eq!(past.header("content-range"), Some(format!("bytes */{len}").as_str()));
    for range in ["bytes=0-1,5-6", "pages=1-2", "bytes=x-y"] {
        let response = request(&server, "GET", "/atom.xml", &[("Range", range)]);
        assert_eq!((response.status, response.body.len()), (200, len), "{range}");
    }
    let head = request(&server, "HEAD", "/atom.xml", &[("Range", "bytes=0-99")]);
    assert_eq!(
        (head.status, head.header("content-length"), head.body.len()),
        (206, Some("100"), 0)
    );
}

#[test]
fn responses_are_compressed_when_the_client_accepts_it() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let file = fs::read(dir.path().join("feeds/atom.xml")).unwrap();

    let gzip = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.header("vary"), Some("accept-encoding"));
    assert_eq!(gzip.header("content-type"), Some("application/atom+xml; charset=utf-8"));
    assert_eq!(decode("gzip", &gzip.body), file);
    assert!(gzip.body.len() < file.len());

    let br = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "br;q=1.0, gzip;q=0.5")]);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(decode("br", &br.body), file);
    // Brotli is chosen only when it is no larger than gzip.
    assert!(br.body.len() <= gzip.body.len(), "br {} > gzip {}", br.body.len(), gzip.body.len());
    let both = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!((both.header("content-encoding"), &both.body), (Some("br"), &br.body));
    let preferred = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip, br;q=0.1")]);
    assert_eq!(preferred.header("content-encoding"), Some("gzip"));

    // Each encoding is a representation with its own strong tag.
    let identity = get(&server, "/atom.xml");
    let tags = [&gzip, &br, &identity].map(|response| response.header("etag"));
    assert!(tags.iter().all(|tag| tag.is_some_and(|tag| tag.starts_with('"'))), "{tags:?}");
    assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2], "{tags:?}");

    let plain = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "identity")]);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, file);
    let head = request(&server, "HEAD", "/atom.xml", &[("Accept-Encoding", "gzip")]);
    let gzip_len = gzip.body.len().to_string();
    assert_eq!(head.header("content-length"), Some(gzip_len.as_str()));
    assert_eq!(head.header("content-encoding"), Some("gzip"));

    // Nothing is written beside the site's files.
    for entry in walk(&dir.path().join("feeds")) {
        let name = entry.to_string_lossy();
        assert!(!name.ends_with(".gz") && !name.ends_with(".br"), "{name}");
    }
}

#[test]
fn each_file_version_is_compressed_once() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let path = dir.path().join("feeds/atom.xml");
    let file = fs::read(&path).unwrap();
    let first = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(decode("gzip", &first.body), file);

    // Same bytes written in place with other letters, and the modification time put back: the
    // same version to the server (inode, length and time), so it sends what it compressed then,
    // while the file as it is shows the new letters. Only a cache can do that.
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let forged = String::from_utf8(file.clone()).unwrap().replace("Peacekeepers", "PEACEKEEPERS");
    assert_eq!(forged.len(), file.len());
    let handle = fs::OpenOptions::new().write(true).open(&path).unwrap();
    {
        use std::io::Write as _;
        (&handle).write_all(forged.as_bytes()).unwrap();
    }
    handle.set_modified(modified).unwrap();
    drop(handle);
    let cached = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(cached.body, first.body);
    assert_eq!(get(&server, "/atom.xml").body, forged.as_bytes());

    // A real edit is a new version: compressed again.
    let handle = fs::OpenOptions::new().write(true).open(&path).unwrap();
    handle.set_modified(modified + Duration::from_secs(1)).unwrap();
    drop(handle);
    let edited = request(&server, "GET", "/atom.xml", &[("Accept-Encoding", "gzip")]);
    assert_eq!(decode("gzip", &edited.body), forged.as_bytes());
    assert_ne!(edited.header("etag"), first.header("etag"));
}

#[test]
fn a_missing_file_gets_the_sites_404_page() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let page = "<!DOCTYPE html><title>Not here</title><p>No such page.\n";
    write(dir.path().join("feeds/404.html"), page);
    for target in ["/nothing.xml", "/archive/nothing/", "/../Cargo.toml", "/.wirefeed-state"] {
        let response = get(&server, target);
        assert_eq!(response.status, 404, "{target}");
        assert_eq!(response.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(response.body, page.as_bytes(), "{target}");
        assert_security_headers(&response, target);
    }
    let head = request(&server, "HEAD", "/nothing.xml", &[]);
    assert_eq!((head.status, head.body.len()), (404, 0));
    // A 404 page that leads out of the directory is not shown either.
    fs::remove_file(dir.path().join("feeds/404.html")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("Cargo.toml"),
            dir.path().join("feeds/404.html"),
        )
        .unwrap();
        let response = get(&server, "/nothing.xml");
        assert_eq!(response.status, 404);
        assert!(!String::from_utf8_lossy(&response.body).contains(SECRET));
        assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
    }
}

#[test]
fn nothing_outside_the_served_directory_is_reachable() {
    let dir = project();
    let feeds = dir.path().join("feeds");
    write(feeds.join(".hidden/secret.txt"), SECRET);
    write(feeds.join(".secret"), SECRET);
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(dir.path().join("Cargo.toml"), feeds.join("leak.txt")).unwrap();
        symlink(dir.path(), feeds.join("up")).unwrap();
        // Links that stay inside but lead to hidden files or directories.
        symlink(feeds.join(".secret"), feeds.join("visible.txt")).unwrap();
        symlink(".secret", feeds.join("relative.txt")).unwrap();
        symlink(feeds.join(".hidden"), feeds.join("shown")).unwrap();
        // Not a file: opening a FIFO would wait for a writer for ever.
        let fifo = Command::new("mkfifo").arg(feeds.join("pipe.xml")).status().unwrap();
        assert!(fifo.success());
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
        "/.secret",
        "/.hidden/secret.txt",
        "/visible.txt",
        "/relative.txt",
        "/shown/secret.txt",
        "/pipe.xml",
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

/// Every file under `dir`, recursively.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
