//! What one request gets: the file it names inside the served directory, with its media type,
//! validators, range and encoding, or the site's 404 page.
//!
//! A request path is decoded and checked before the file system is asked anything (`..` and `.`
//! segments, encoded or not, hidden names, backslashes, NUL: 404), then resolved through
//! symbolic links: the target must be inside the served directory and hidden nowhere on the way
//! there, so a link to `.wirefeed/` or to a dotfile is refused like the dotfile itself. The file
//! is opened once, and its entity tag, its length and the bytes sent all come from that open
//! file, so a build renaming a new version into place mid-request cannot pair one version's tag
//! with the other's bytes. Files are streamed in chunks, never read whole (only `compress` reads
//! the text files it compresses, once per version).
//!
//! Entity tags are strong, made from the inode, the length and the modification time (as Apache
//! makes them), with the content coding appended for a compressed body: each encoding is a
//! representation of its own (RFC 9110 §8.8.3), and `If-Range` only ever matches strong tags.
//! `If-None-Match` is compared weakly and wins over `If-Modified-Since`. A `Range` (one range;
//! several get the whole file, as RFC 9110 §14.2 allows) is served from the file as it is, never
//! from a compressed body, and only when an `If-Range` says the client's copy is this version.

use std::{
    fs::Metadata,
    io::SeekFrom,
    ops::RangeInclusive,
    path::{Path, PathBuf},
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
use tokio_util::io::ReaderStream;

use super::compress::{self, Accepted, Encoding};

/// The served directory, and what is kept from one request to the next.
#[derive(Debug)]
pub(super) struct Site {
    /// Canonical, so that resolved paths can be checked against it.
    root: PathBuf,
    compressed: compress::Cache,
}

/// One version of a file: a new file renamed into place, or the file rewritten, has another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Version {
    inode: u64,
    len: u64,
    modified: SystemTime,
}

impl Site {
    pub(super) fn new(root: PathBuf) -> Site {
        Site { root, compressed: compress::Cache::new() }
    }
}

impl Version {
    pub(super) fn of(metadata: &Metadata) -> Version {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(metadata);
        #[cfg(not(unix))]
        let inode = 0;
        Version { inode, len: metadata.len(), modified: metadata.modified().unwrap_or(UNIX_EPOCH) }
    }

    pub(super) fn len(self) -> u64 {
        self.len
    }

    /// The strong entity tag of this version sent with `encoding`, or as it is.
    fn entity_tag(self, encoding: Option<Encoding>) -> String {
        let nanos = self.modified.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
        let Version { inode, len, .. } = self;
        match encoding {
            None => format!("\"{inode:x}-{len:x}-{nanos:x}\""),
            Some(encoding) => format!("\"{inode:x}-{len:x}-{nanos:x}-{}\"", encoding.name()),
        }
    }
}

/// Answers one request: see the module's documentation.
pub(super) async fn respond(State(site): State<Arc<Site>>, request: Request) -> Response {
    let head = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head {
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let (path, relative, file, version) = match find(&site.root, request.uri().path()).await {
        Found::File { path, relative, file, version } => (path, relative, file, version),
        Found::Directory => {
            // `/archive` → `/archive/`, as static hosts do, when there is an index to show.
            let location = format!("{}/", request.uri().path());
            return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
        }
        Found::Nothing => return not_found(&site, head).await,
    };
    let media_type = content_type(&relative);
    let compressible = compress::worth_trying(media_type, version.len());
    let asked = request.headers();
    // A range is a range of the file as it is: asking for one gets no compressed body.
    let accepted = Accepted::of(asked);
    let compressed = if compressible && accepted.any() && !asked.contains_key(header::RANGE) {
        site.compressed.body(&path, version, accepted).await
    } else {
        None
    };
    let etag = version.entity_tag(compressed.as_ref().map(|(encoding, _)| *encoding));
    let last_modified = httpdate::fmt_http_date(version.modified);
    let mut headers = HeaderMap::new();
    // Before the 304 below too: a cache updates the stored headers from a 304's.
    if relative == Path::new(super::SEARCH_PAGE) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(super::SEARCH_CONTENT_SECURITY_POLICY),
        );
    }
    headers.insert(header::ETAG, header_value(&etag));
    headers.insert(header::LAST_MODIFIED, header_value(&last_modified));
    // Feeds change when the seeds do: caches may keep a copy but must ask before using it.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Caches must keep each encoding apart, and a 304 says so too (RFC 9110 §15.4.5).
    if compressible {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if not_modified(asked, &etag, version.modified) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Some((encoding, body)) = compressed {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding.name()));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        let body = if head { Body::empty() } else { Body::from(body) };
        return (StatusCode::OK, headers, body).into_response();
    }
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let (status, start, length) = match extent(asked, &etag, version) {
        Extent::Whole => (StatusCode::OK, 0, version.len),
        Extent::Part(range) => {
            let content_range = format!("bytes {}-{}/{}", range.start(), range.end(), version.len);
            headers.insert(header::CONTENT_RANGE, header_value(&content_range));
            (StatusCode::PARTIAL_CONTENT, *range.start(), range.end() - range.start() + 1)
        }
        Extent::Unsatisfiable => {
            headers
                .insert(header::CONTENT_RANGE, header_value(&format!("bytes */{}", version.len)));
            return (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response();
        }
    };
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let body = if head { Body::empty() } else { stream(file, start, length).await };
    (status, headers, body).into_response()
}

/// What a request path leads to.
enum Found {
    /// A regular file: its canonical path, the path asked for (which gives the media type), the
    /// file opened and the version that is open.
    File { path: PathBuf, relative: PathBuf, file: std::fs::File, version: Version },
    /// A directory with an index, asked for without the final slash.
    Directory,
    /// Nothing that may be served.
    Nothing,
}

/// What `request_path` leads to, found in one trip to tokio's blocking pool: every
/// `tokio::fs` call would be a trip of its own, and a 304 costs little more than those trips.
async fn find(root: &Path, request_path: &str) -> Found {
    let (root, request_path) = (root.to_owned(), request_path.to_owned());
    tokio::task::spawn_blocking(move || locate(&root, &request_path))
        .await
        .unwrap_or(Found::Nothing)
}

fn locate(root: &Path, request_path: &str) -> Found {
    let Some(relative) = relative_path(request_path) else { return Found::Nothing };
    let Ok(path) = std::fs::canonicalize(root.join(&relative)) else { return Found::Nothing };
    // A symbolic link inside the directory may lead out of it, or to a hidden file in it: its
    // target is what counts.
    let Ok(inside) = path.strip_prefix(root) else { return Found::Nothing };
    if inside
        .components()
        .any(|component| component.as_os_str().as_encoded_bytes().starts_with(b"."))
    {
        return Found::Nothing;
    }
    let Ok(metadata) = std::fs::metadata(&path) else { return Found::Nothing };
    if metadata.is_dir() {
        let index = std::fs::metadata(path.join("index.html"));
        if !request_path.ends_with('/') && index.is_ok_and(|index| index.is_file()) {
            return Found::Directory;
        }
        return Found::Nothing;
    }
    // Not a FIFO (opening one would wait for a writer), a socket or a device.
    if !metadata.is_file() {
        return Found::Nothing;
    }
    // The version is the open file's, whatever was renamed into place since the look above.
    let Ok(file) = std::fs::File::open(&path) else { return Found::Nothing };
    match file.metadata() {
        Ok(metadata) if metadata.is_file() => {
            Found::File { version: Version::of(&metadata), path, relative, file }
        }
        Ok(_) | Err(_) => Found::Nothing,
    }
}

/// `length` bytes of `file` from `start`, read in chunks as the client takes them.
async fn stream(file: std::fs::File, start: u64, length: u64) -> Body {
    let mut file = tokio::fs::File::from_std(file);
    if start > 0 && file.seek(SeekFrom::Start(start)).await.is_err() {
        // The length sent is then not met, and hyper closes the connection, as it must.
        return Body::empty();
    }
    Body::from_stream(ReaderStream::with_capacity(file.take(length), CHUNK))
}

/// Bytes read from a file at a time: each read is a trip to tokio's blocking pool, and hyper
/// holds about one chunk per connection while the client is slow.
const CHUNK: usize = 256 * 1024;

/// A 404 with the site's own `404.html` as its body when it has one (found and checked as any
/// request would find it), else a line of plain text.
async fn not_found(site: &Site, head: bool) -> Response {
    let page = match find(&site.root, "/404.html").await {
        Found::File { file, version, .. } => Some((file, version)),
        Found::Directory | Found::Nothing => None,
    };
    let Some((file, version)) = page else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "404 Not Found\n",
        )
            .into_response();
    };
    let body = if head { Body::empty() } else { stream(file, 0, version.len).await };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        (header::CONTENT_LENGTH, HeaderValue::from(version.len)),
    ];
    (StatusCode::NOT_FOUND, headers, body).into_response()
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("entity tags, HTTP dates and ranges are visible ASCII")
}

/// The file a request path names, relative to the served directory, or `None` when the path
/// could lead anywhere else: `..` or `.` segments (percent-encoded too), hidden files such as
/// a stray state file, backslashes, NUL, or text that is not UTF-8. A path ending in `/` names that
/// directory's `index.html`.
fn relative_path(request_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(request_path).decode_utf8().ok()?;
    let rest = decoded.strip_prefix('/')?;
    if rest.contains(['\\', '\0']) {
        return None;
    }
    let mut path = PathBuf::new();
    let mut segments = rest.split('/').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        match segment {
            "" if last => path.push("index.html"),
            "" => return None,
            segment if segment.starts_with('.') => return None,
            segment => path.push(segment),
        }
    }
    Some(path)
}

/// Whether a conditional GET may be answered with 304 (RFC 9110 §13.2.2): `If-None-Match` when
/// present (weak comparison), otherwise `If-Modified-Since` at one-second precision.
fn not_modified(request: &HeaderMap, etag: &str, modified: SystemTime) -> bool {
    if let Some(value) = request.get(header::IF_NONE_MATCH) {
        let Ok(value) = value.to_str() else { return false };
        let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
        return value.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag));
    }
    let Some(since) = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| httpdate::parse_http_date(value).ok())
    else {
        return false;
    };
    seconds(modified) <= seconds(since)
}

fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

/// How much of a file a request gets.
#[derive(Debug, PartialEq, Eq)]
enum Extent {
    Whole,
    Part(RangeInclusive<u64>),
    Unsatisfiable,
}

/// The extent a `Range` asks for (RFC 9110 §14.2), when an `If-Range` does not say the client's
/// copy is another version (§13.1.5): a strong tag equal to ours, or exactly our
/// `Last-Modified`. Several ranges, a range of an empty file and a header we cannot read get the
/// whole file, as §14.2 allows; a range wholly past the end is unsatisfiable.
fn extent(request: &HeaderMap, etag: &str, version: Version) -> Extent {
    let Some(range) = request.get(header::RANGE).and_then(|value| value.to_str().ok()) else {
        return Extent::Whole;
    };
    if let Some(validator) = request.get(header::IF_RANGE) {
        let Ok(validator) = validator.to_str().map(str::trim) else { return Extent::Whole };
        let same = if validator.starts_with('"') {
            validator == etag
        } else {
            httpdate::parse_http_date(validator)
                .is_ok_and(|date| seconds(date) == seconds(version.modified))
        };
        if !same {
            return Extent::Whole;
        }
    }
    match http_range_header::parse_range_header(range)
        .and_then(|ranges| ranges.validate(version.len))
    {
        Ok(ranges) if ranges.len() == 1 => Extent::Part(ranges[0].clone()),
        Err(http_range_header::RangeUnsatisfiableError::Unsatisfiable) => Extent::Unsatisfiable,
        Ok(_) | Err(_) => Extent::Whole,
    }
}

/// The media type of a served file: the site's own (`feed::media_type`), else by extension;
/// every text type says it is UTF-8, which everything the build writes is.
fn content_type(path: &Path) -> &'static str {
    let site_type = path.to_str().and_then(|path| feed::media_type(&path.replace('\\', "/")));
    let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
    let media_type = if let Some(media_type) = site_type {
        media_type
    } else if name.ends_with(".atom.xml") {
        feed::layout::ATOM_TYPE
    } else if name.ends_with(".rss.xml") {
        feed::layout::RSS_TYPE
    } else {
        match path.extension().and_then(|extension| extension.to_str()).unwrap_or_default() {
            "opml" => feed::layout::OPML_TYPE,
            "html" => "text/html; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "xml" => "application/xml",
            "json" => "application/json",
            "txt" => "text/plain; charset=utf-8",
            "png" => "image/png",
            "svg" => "image/svg+xml",
            _ => "application/octet-stream",
        }
    };
    with_charset(media_type)
}

/// The feed crate's media types name no charset, since they also go into `type` attributes
/// of links; served, XML and JSON say `charset=utf-8` so that no reader guesses.
fn with_charset(media_type: &'static str) -> &'static str {
    match media_type {
        feed::layout::ATOM_TYPE => "application/atom+xml; charset=utf-8",
        feed::layout::RSS_TYPE => "application/rss+xml; charset=utf-8",
        feed::layout::JSON_FEED_TYPE => "application/feed+json; charset=utf-8",
        feed::layout::OPML_TYPE => "text/x-opml; charset=utf-8",
        "application/xml" => "application/xml; charset=utf-8",
        "application/json" => "application/json; charset=utf-8",
        "image/svg+xml" => "image/svg+xml; charset=utf-8",
        media_type => media_type,
    }
}

#[cfg(test)]
mod tests {
    use std::{
        path::Path,
        time::{Duration, UNIX_EPOCH},
    };

    use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

    use super::{Extent, Version, content_type, extent, relative_path};
    use crate::serve::compress::Encoding;

    #[test]
    fn request_paths() {
        let ok = |path: &str, file: &str| {
            assert_eq!(relative_path(path).as_deref(), Some(Path::new(file)), "{path}")
        };
        ok("/", "index.html");
        ok("/atom.xml", "atom.xml");
        ok("/archive/2022-01.atom.xml", "archive/2022-01.atom.xml");
        ok("/places/", "places/index.html");
        ok("/x%20y.html", "x y.html");
        ok("/articles/a..b.html", "articles/a..b.html");
        for refused in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E%2fCargo.toml",
            "/archive/../../x",
            "/./atom.xml",
            "/.wirefeed-state",
            "//etc/passwd",
            "/a//b",
            "/..%5cCargo.toml",
            "/%00",
            "/%ff",
            "atom.xml",
        ] {
            assert_eq!(relative_path(refused), None, "{refused}");
        }
    }

    #[test]
    fn content_types() {
        for (path, expected) in [
            ("atom.xml", "application/atom+xml; charset=utf-8"),
            ("archive/2022-01.atom.xml", "application/atom+xml; charset=utf-8"),
            ("x/y.atom.xml", "application/atom+xml; charset=utf-8"),
            ("rss.xml", "application/rss+xml; charset=utf-8"),
            ("tags/x.rss.xml", "application/rss+xml; charset=utf-8"),
            ("feed.json", "application/feed+json; charset=utf-8"),
            ("feeds.opml", "text/x-opml; charset=utf-8"),
            ("other.opml", "text/x-opml; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("data.json", "application/json; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("404.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("logo.png", "image/png"),
            ("other.bin", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn entity_tags_are_strong_and_differ_by_encoding() {
        let version =
            Version { inode: 7, len: 0x100, modified: UNIX_EPOCH + Duration::from_nanos(0xabc) };
        assert_eq!(version.entity_tag(None), "\"7-100-abc\"");
        assert_eq!(version.entity_tag(Some(Encoding::Gzip)), "\"7-100-abc-gzip\"");
        assert_eq!(version.entity_tag(Some(Encoding::Br)), "\"7-100-abc-br\"");
    }

    #[test]
    fn ranges() {
        let version =
            Version { inode: 1, len: 1000, modified: UNIX_EPOCH + Duration::from_secs(1_000_000) };
        let etag = version.entity_tag(None);
        let date = httpdate::fmt_http_date(version.modified);
        let check = |headers: &[(HeaderName, &str)], expected: Extent| {
            let mut map = HeaderMap::new();
            for (name, value) in headers {
                map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
            }
            assert_eq!(extent(&map, &etag, version), expected, "{headers:?}");
        };
        use header::{IF_RANGE, RANGE};
        check(&[], Extent::Whole);
        check(&[(RANGE, "bytes=0-99")], Extent::Part(0..=99));
        check(&[(RANGE, "bytes=990-")], Extent::Part(990..=999));
        check(&[(RANGE, "bytes=-10")], Extent::Part(990..=999));
        check(&[(RANGE, "bytes=900-2000")], Extent::Part(900..=999));
        check(&[(RANGE, "bytes=1000-")], Extent::Unsatisfiable);
        check(&[(RANGE, "bytes=0-1,5-6")], Extent::Whole);
        check(&[(RANGE, "lines=1-2")], Extent::Whole);
        check(&[(RANGE, "bytes=0-99"), (IF_RANGE, &etag)], Extent::Part(0..=99));
        check(&[(RANGE, "bytes=0-99"), (IF_RANGE, &date)], Extent::Part(0..=99));
        check(&[(RANGE, "bytes=0-99"), (IF_RANGE, "\"other\"")], Extent::Whole);
        // A weak tag never matches in If-Range (RFC 9110 §13.1.5), even our own made weak.
        check(&[(RANGE, "bytes=0-99"), (IF_RANGE, &format!("W/{etag}"))], Extent::Whole);
        check(&[(RANGE, "bytes=0-99"), (IF_RANGE, "Mon, 10 Jan 2000 00:00:00 GMT")], Extent::Whole);
    }
}
