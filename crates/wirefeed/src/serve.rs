//! `wirefeed serve`: the site over HTTP on loopback, as a good production static host serves it.
//!
//! This module owns the connections: its own accept loop hands each one to hyper, because
//! `axum::serve` exposes neither hyper's header-read timeout nor a limit on open connections.
//! A client has `HEADER_READ_TIMEOUT` to send a request's head, counted from when the server
//! starts waiting for it (at the accept, and on a kept-alive connection at the end of the
//! previous response), so one timer closes both half-sent requests and idle connections; a write
//! blocked for `WRITE_TIMEOUT` on a client that does not read drops the connection; a response
//! not ready within `RESPONSE_TIMEOUT` is a 503; and at most `MAX_CONNECTIONS` connections are
//! open at once (fewer if the open-file limit cannot hold them), the next ones waiting in the
//! kernel's backlog until a slot frees. Every response carries the security headers (a
//! `Content-Security-Policy` for pages that have a stylesheet and no script, widened on
//! `search.html` alone to the site's own scripts and index files, `nosniff`, a
//! `Referrer-Policy`).
//!
//! What a request gets is `files`'s business (which file, its media type, validators, range
//! and 404 page), with `compress` (gzip and brotli made once per file version and kept in
//! memory). `--watch` rebuilds the site when a seed or the settings change; a failed build
//! leaves the served files as they were.
//!
//! Deliberately absent: HTTP/2 and TLS (put a reverse proxy in front to serve the network),
//! directory listings, and limits per client address (on loopback every client has the same).

mod compress;
mod files;

use std::{io::Write as _, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{
    Router,
    http::{HeaderValue, StatusCode, header},
};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    net::{TcpListener, TcpSocket},
    sync::Semaphore,
};
use tokio_io_timeout::TimeoutStream;
use tower_http::{set_header::SetResponseHeaderLayer, timeout::TimeoutLayer};

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
    let connections = connection_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = listen(address).with_context(|| format!("cannot listen on {address}"))?;
        let address = listener.local_addr()?;
        // The first line of standard output is the address, so scripts and tests can read it.
        println!("serving {} at http://{address}/", display(dir));
        std::io::stdout().flush()?;
        accept(listener, router(served), connections).await
    })
}

/// How long a client has to send a request's head. hyper starts the timer when it begins to
/// wait for a request, so this is also how long an idle kept-alive connection stays open.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one write may stay blocked on a client that does not read. Every write that goes
/// through starts the count again, so a slow reader that keeps reading keeps its download.
const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long preparing a response may take: finding and opening the file, and compressing it
/// the first time it is asked for (waiting for a free core included).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections open at once, at most.
const MAX_CONNECTIONS: usize = 4096;

/// Connections the kernel holds for us past the limit (capped by `net.core.somaxconn`); the
/// 128 that tokio and std ask for would be full after a burst, and clients would wait for their
/// SYN to be sent again, a second and more later.
const BACKLOG: u32 = 1024;

/// Open files kept for everything but connections: standard streams, the runtime, the
/// watcher and the builds of `--watch`.
const RESERVED_FILES: u64 = 64;

/// The pages have a stylesheet and no script, image or frame of anyone else's. Fetches from the
/// site itself are allowed, which without a script only tools that fetch in the page's name use:
/// Lighthouse reads `robots.txt` so.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'";

/// The search page also runs the site's own search script, which fetches the index's JSON
/// files from the site: scripts and fetches from this origin, nothing inline, no `eval`.
const SEARCH_CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'";

/// The page that gets [`SEARCH_CONTENT_SECURITY_POLICY`], relative to the served directory.
const SEARCH_PAGE: &str = "search.html";

/// Other sites learn which site a reader came from, not which page, and nothing over plain
/// HTTP from an HTTPS page.
const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// Every request goes to `files::respond`, within `RESPONSE_TIMEOUT`; every response, the 503
/// of the timeout included, gets the security headers.
fn router(served: PathBuf) -> Router {
    Router::new()
        .fallback(files::respond)
        .with_state(Arc::new(files::Site::new(served)))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, RESPONSE_TIMEOUT))
        // `files::respond` sets the search page's own policy; every other response gets this.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static(REFERRER_POLICY),
        ))
}

/// A listener on `address` with a backlog of `BACKLOG`.
fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    // As tokio's own `bind` does: a restarted server can listen again at once.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(BACKLOG)
}

/// Accepts connections for ever, each served by hyper on a task of its own, at most `limit` at
/// once.
async fn accept(listener: TcpListener, app: Router, limit: usize) -> anyhow::Result<()> {
    let slots = Arc::new(Semaphore::new(limit));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    loop {
        // The slot is taken before the accept: past the limit, connections wait in the
        // kernel's backlog, where they cost this process neither a file nor memory.
        let slot = Arc::clone(&slots).acquire_owned().await.context("the connection slots")?;
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                // Out of files or memory: let connections end rather than spin on the error.
                eprintln!("serve: cannot accept a connection: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Responses go out in large writes; Nagle's algorithm would only hold back their ends.
        let _ = stream.set_nodelay(true);
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let connection = http.serve_connection(
            TokioIo::new(Box::pin(stream)),
            TowerToHyperService::new(app.clone()),
        );
        tokio::spawn(async move {
            // An error here is the client's (gone, too slow, not speaking HTTP/1.1), and hyper
            // has already answered what it could; the slot is free either way.
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// Errors of one connection that failed before it was accepted, not of the listener.
fn is_connection_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

/// How many connections may be open at once: `MAX_CONNECTIONS`, or fewer when the open-file
/// limit cannot hold them, since each holds its socket and, while it sends one, a file. The soft
/// limit is raised first as far as the hard one allows (as Go's runtime does), since the usual
/// 1,024 would hold fewer than 500.
#[cfg(target_os = "linux")]
fn connection_limit() -> usize {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let wanted = 2 * MAX_CONNECTIONS as u64 + RESERVED_FILES;
    let limit = getrlimit(Resource::Nofile);
    // No current limit is no limit.
    let mut files = limit.current.unwrap_or(u64::MAX);
    if files < wanted {
        let raised = limit.maximum.map_or(wanted, |maximum| maximum.min(wanted));
        let new = Rlimit { current: Some(raised), maximum: limit.maximum };
        if raised > files && setrlimit(Resource::Nofile, new).is_ok() {
            files = raised;
        }
    }
    let connections = files.saturating_sub(RESERVED_FILES) / 2;
    usize::try_from(connections).unwrap_or(usize::MAX).clamp(1, MAX_CONNECTIONS)
}

/// How many connections may be open at once; elsewhere than Linux the open-file limit is not
/// read.
#[cfg(not(target_os = "linux"))]
fn connection_limit() -> usize {
    MAX_CONNECTIONS
}
