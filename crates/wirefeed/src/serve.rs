//! `wirefeed serve`: the site over HTTP on loopback, as a good static host serves it.
//!
//! Each file goes out with the media type of its format, a weak `ETag` and `Last-Modified`,
//! `304 Not Modified` for conditional requests that match, and gzip or brotli when the client
//! accepts them (tower-http's `CompressionLayer`). Only files inside the served directory are
//! reachable: `..` and `.` segments, encoded or not, hidden files and symbolic links that lead out
//! are refused with 404 before the file system is asked for anything else. `--watch` rebuilds
//! the site when a seed or the settings change; a failed build leaves the served files as they
//! were.

use std::{
    io::Write as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use anyhow::Context as _;
use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use tower_http::compression::CompressionLayer;

use crate::project::{Project, display};

pub use crate::watch::Reporter;

/// Serves the project's output directory on `address` until the process ends; with `watch`,
/// rebuilds it after each burst of changes to the seeds or the settings, and hands each
/// build's result to `report`. The first line of standard output is the address served.
pub fn serve(
    project: &Project,
    address: SocketAddr,
    watch: bool,
    report: Reporter,
) -> anyhow::Result<()> {
    let dir = project.out();
    let served =
        dir.canonicalize().with_context(|| format!("{}: cannot serve it", display(dir)))?;
    let _watching =
        if watch { Some(crate::watch::watch(project.clone(), false, report)?) } else { None };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        let address = listener.local_addr()?;
        // The first line of standard output is the address, so scripts and tests can read it.
        println!("serving {} at http://{address}/", display(dir));
        std::io::stdout().flush()?;
        axum::serve(listener, router(served)).await.context("the server stopped")
    })
}

/// The whole server: every request goes to `respond`, compressed on the way out when the client
/// accepts it.
fn router(served: PathBuf) -> Router {
    Router::new()
        .fallback(respond)
        .with_state(Arc::new(served))
        .layer(CompressionLayer::new().gzip(true).br(true))
}

async fn respond(State(served): State<Arc<PathBuf>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let Some(relative) = relative_path(request.uri().path()) else {
        return not_found();
    };
    let Ok(file) = tokio::fs::canonicalize(served.join(&relative)).await else {
        return not_found();
    };
    // A symbolic link inside the directory may lead out of it: its target is what counts.
    if !file.starts_with(served.as_path()) {
        return not_found();
    }
    let Ok(metadata) = tokio::fs::metadata(&file).await else { return not_found() };
    if metadata.is_dir() {
        // `/archive` → `/archive/`, as static hosts do, when there is an index to show.
        if !request.uri().path().ends_with('/') && file.join("index.html").is_file() {
            let location = format!("{}/", request.uri().path());
            return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
        }
        return not_found();
    }
    let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
    let etag = entity_tag(metadata.len(), modified);
    let last_modified = httpdate::fmt_http_date(modified);
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, header_value(&etag));
    headers.insert(header::LAST_MODIFIED, header_value(&last_modified));
    // Feeds change when the seeds do: caches may keep a copy but must ask before using it.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if not_modified(request.headers(), &etag, modified) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let Ok(bytes) = tokio::fs::read(&file).await else { return not_found() };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&relative)));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    (StatusCode::OK, headers, Body::from(bytes)).into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "404 Not Found\n",
    )
        .into_response()
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("entity tags and HTTP dates are visible ASCII")
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

/// A weak entity tag from the size and modification time, as nginx makes them: a build rewrites a
/// file only when its bytes change, so both stay put while the file does. Weak, because the
/// same file goes out compressed or not.
fn entity_tag(len: u64, modified: SystemTime) -> String {
    let nanos = modified.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("W/\"{len:x}-{nanos:x}\"")
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
    let seconds = |time: SystemTime| time.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    seconds(modified) <= seconds(since)
}

/// The media type of a served file: the site's own (`feed::media_type`), else by extension.
fn content_type(path: &Path) -> &'static str {
    let site_type = path.to_str().and_then(|path| feed::media_type(&path.replace('\\', "/")));
    if let Some(media_type) = site_type {
        return media_type;
    }
    let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
    if name.ends_with(".atom.xml") {
        return feed::layout::ATOM_TYPE;
    }
    if name.ends_with(".rss.xml") {
        return feed::layout::RSS_TYPE;
    }
    match path.extension().and_then(|extension| extension.to_str()).unwrap_or_default() {
        "opml" => feed::layout::OPML_TYPE,
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "xml" => "application/xml",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{content_type, relative_path};

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
            ("atom.xml", "application/atom+xml"),
            ("archive/2022-01.atom.xml", "application/atom+xml"),
            ("rss.xml", "application/rss+xml"),
            ("tags/x.rss.xml", "application/rss+xml"),
            ("feed.json", "application/feed+json"),
            ("feeds.opml", "text/x-opml"),
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("other.bin", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(path)), expected, "{path}");
        }
    }
}
