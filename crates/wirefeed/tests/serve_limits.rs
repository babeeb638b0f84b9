//! `wirefeed serve` against clients that would lock others out: a thousand half-sent requests,
//! idle kept-alive connections, clients that ask for a large file and never read it, and more
//! connections than the open-file limit holds. Each test is bounded in connections and in
//! time, and runs the `wirefeed` binary as a child process, so its memory is the server's own.
//!
//! The bounds come from `serve`'s limits: requests' heads within 10 s (also the idle timeout),
//! writes unblocked within 20 s, two open files per connection.

mod serve_support;

use std::{
    fs,
    io::{ErrorKind, Read as _, Write as _},
    net::TcpStream,
    time::{Duration, Instant},
};

use serve_support::{Server, project, read_response, serve};

/// hyper's header-read timeout in `serve`, which is also its idle timeout.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// `serve`'s write timeout.
const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

/// Leeway on the server's timeouts, for a loaded machine.
const SLACK: Duration = Duration::from_secs(5);

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

fn send(stream: &mut TcpStream, server: &Server, target: &str, extra: &str) {
    let text = format!("GET {target} HTTP/1.1\r\nHost: {}\r\n{extra}\r\n", server.address);
    stream.write_all(text.as_bytes()).unwrap();
}

/// Whether the server closed `stream` before `deadline`: everything it sent is read, then the
/// end of the stream (or a reset) comes.
fn closed_by(stream: &mut TcpStream, deadline: Instant) -> bool {
    let mut buffer = [0; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(error) if error.kind() == ErrorKind::ConnectionReset => return true,
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(error) => panic!("{error}"),
        }
    }
}

/// A file of `len` bytes of feed-like text in the served directory.
fn large_file(dir: &std::path::Path, name: &str, len: usize) {
    let line = "<entry><title>Peacekeepers will leave, he said</title></entry>\n";
    let mut text = line.repeat(len / line.len() + 1);
    text.truncate(len);
    fs::write(dir.join("feeds").join(name), text).unwrap();
}

/// Raises this process's soft limit of open files to at least `wanted` (the servers it starts
/// inherit it), or fails the test if the hard limit does not allow as many.
#[cfg(target_os = "linux")]
fn allow_open_files(wanted: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_none_or(|current| current >= wanted) {
        return;
    }
    assert!(
        limit.maximum.is_none_or(|maximum| maximum >= wanted),
        "the hard limit of open files is below {wanted}"
    );
    setrlimit(Resource::Nofile, Rlimit { current: Some(wanted), maximum: limit.maximum }).unwrap();
}

#[cfg(not(target_os = "linux"))]
fn allow_open_files(_wanted: u64) {}

/// The resident memory of process `pid`, in bytes.
fn resident(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).unwrap();
    let kilobytes: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kilobytes * 1024
}

#[test]
fn half_open_connections_do_not_lock_out_other_clients() {
    const HALF_OPEN: usize = 1000;
    allow_open_files(HALF_OPEN as u64 + 512);
    let dir = project();
    let server = serve(dir.path(), &[]);
    let opened = Instant::now();
    let mut half_open: Vec<TcpStream> = (0..HALF_OPEN)
        .map(|_| {
            let mut stream = connect(&server);
            stream.write_all(b"GET /atom.xml HT").unwrap();
            stream
        })
        .collect();

    let start = Instant::now();
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    send(&mut stream, &server, "/atom.xml", "");
    let response = read_response(&mut stream);
    let answered = start.elapsed();
    eprintln!("answered in {answered:?} beside {HALF_OPEN} half-open connections");
    assert_eq!(response.status, 200);
    assert!(answered < Duration::from_secs(1), "{answered:?}");

    // The half-sent requests are dropped once their time to send a head is up.
    let deadline = opened + HEADER_READ_TIMEOUT + SLACK;
    let open = half_open
        .iter_mut()
        .map(|stream| closed_by(stream, deadline))
        .filter(|closed| !closed)
        .count();
    assert_eq!(open, 0, "half-open connections still open {:?} after", HEADER_READ_TIMEOUT + SLACK);
}

#[test]
fn an_idle_connection_is_closed_and_a_busy_one_kept() {
    let dir = project();
    let server = serve(dir.path(), &[]);
    let mut stream = connect(&server);
    for _ in 0..3 {
        send(&mut stream, &server, "/atom.xml", "");
        assert_eq!(read_response(&mut stream).status, 200);
        std::thread::sleep(Duration::from_millis(500));
    }
    // Kept alive between requests, then closed once idle for the header-read timeout.
    let idle = Instant::now();
    assert!(closed_by(&mut stream, idle + HEADER_READ_TIMEOUT + SLACK), "still open");
    let closed_after = idle.elapsed();
    eprintln!("an idle connection was closed after {closed_after:?}");
    assert!(closed_after >= HEADER_READ_TIMEOUT - Duration::from_secs(1), "{closed_after:?}");
}

#[test]
fn clients_that_never_read_a_large_file_cost_little_memory() {
    const CLIENTS: usize = 40;
    const LEN: usize = 50 << 20;
    let dir = project();
    // Text, as a feed is: too large to be compressed, so it streams as it is.
    large_file(dir.path(), "big.xml", LEN);
    let server = serve(dir.path(), &[]);
    let pid = server.child.id();
    let mut warm = connect(&server);
    send(&mut warm, &server, "/big.xml", "Range: bytes=0-99\r\n");
    assert_eq!(read_response(&mut warm).status, 206);
    let before = resident(pid);

    let mut clients: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| {
            let mut stream = connect(&server);
            send(&mut stream, &server, "/big.xml", "Accept-Encoding: gzip, br\r\n");
            stream
        })
        .collect();
    // The server writes until the sockets' buffers are full; the most it holds meanwhile counts.
    let mut most = before;
    let watched = Instant::now();
    while watched.elapsed() < Duration::from_secs(3) {
        most = most.max(resident(pid));
        std::thread::sleep(Duration::from_millis(50));
    }
    let added = most.saturating_sub(before);
    eprintln!(
        "{CLIENTS} clients not reading a {} MB file: resident {} MB before, at most {} MB after \
         (+{} MB)",
        LEN >> 20,
        before >> 20,
        most >> 20,
        added >> 20
    );
    assert!(added <= 100 << 20, "{} MB added", added >> 20);
    // They were being answered: each has the head of a 200 with the whole length.
    for client in &mut clients {
        let mut head = [0; 12];
        client.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 200");
    }
}

#[test]
fn a_client_that_stops_reading_is_dropped() {
    const LEN: usize = 50 << 20;
    let dir = project();
    large_file(dir.path(), "big.xml", LEN);
    let server = serve(dir.path(), &[]);
    let mut stream = connect(&server);
    send(&mut stream, &server, "/big.xml", "");
    // The kernel's buffers on both sides hold a few megabytes at most: the server's writes block
    // long before the 50 MB are out, and the write timeout drops the connection.
    std::thread::sleep(WRITE_TIMEOUT + SLACK);
    let mut received = 0;
    let mut buffer = [0; 64 * 1024];
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(error) if error.kind() == ErrorKind::ConnectionReset => break,
            Err(error) => panic!("the connection was kept: {error} after {received} bytes"),
        }
    }
    eprintln!("a client that stopped reading got {} MB of {} MB", received >> 20, LEN >> 20);
    assert!(received < LEN, "the whole file came: the server waited for the client");
}

/// A server whose open-file limit (200) holds fewer connections than come: with one kept-alive
/// connection and 300 half-open ones, the server still has files to open for the connections
/// it accepted, instead of running out and answering 404 for lack of file descriptors.
#[cfg(target_os = "linux")]
#[test]
fn the_connection_limit_keeps_files_for_the_connections_it_has() {
    let dir = project();
    let mut command = std::process::Command::new("sh");
    command.args(["-c", "ulimit -n 200 && exec \"$0\" \"$@\""]);
    command.arg(env!("CARGO_BIN_EXE_wirefeed")).args(["serve", "--port", "0", "--dir", "feeds"]);
    let server = serve_support::start(command, dir.path());
    let limits = fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
    assert!(
        limits.lines().any(|line| line.starts_with("Max open files") && line.contains(" 200 ")),
        "{limits}"
    );
    let mut kept = connect(&server);
    send(&mut kept, &server, "/atom.xml", "");
    assert_eq!(read_response(&mut kept).status, 200);

    let _half_open: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = connect(&server);
            stream.write_all(b"GET /atom.xml HT").unwrap();
            stream
        })
        .collect();
    // Time for the server to accept every connection it will.
    std::thread::sleep(Duration::from_millis(500));
    for target in ["/atom.xml", "/rss.xml", "/index.html"] {
        send(&mut kept, &server, target, "");
        assert_eq!(read_response(&mut kept).status, 200, "{target}");
    }
}
