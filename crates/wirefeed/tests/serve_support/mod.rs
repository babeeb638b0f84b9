//! What the tests of `wirefeed serve` share: a built project, a running server, and raw HTTP/1.1
//! requests written and read by hand, so that no client normalizes what goes over the wire.

// Each test binary uses part of this.
#![allow(dead_code)]

use std::{
    fs,
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

pub const GOOD: &str =
    "date 2022-01-10 MINSK, January 10. /TASS/. Peacekeepers will leave, he said.";
pub const SECRET: &str = "secret-outside-the-served-directory";

/// A running `serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn write(path: PathBuf, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A project directory with seeds, generated feeds, and a secret beside them.
pub fn project() -> tempfile::TempDir {
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

/// `wirefeed serve` on a free loopback port in `dir`, with `extra` arguments.
pub fn serve(dir: &Path, extra: &[&str]) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wirefeed"));
    command.args(["serve", "--port", "0", "--dir", "feeds"]).args(extra);
    start(command, dir)
}

/// Starts a server from `command` in `dir`, and waits for the address it announces.
pub fn start(mut command: Command, dir: &Path) -> Server {
    let mut child =
        command.current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
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
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends one raw HTTP/1.1 request, exactly as written (no client normalizes the path), and
/// reads the whole response.
pub fn request(server: &Server, method: &str, target: &str, headers: &[(&str, &str)]) -> Response {
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
    parse(&raw)
}

/// A response read whole from its bytes.
pub fn parse(raw: &[u8]) -> Response {
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

pub fn get(server: &Server, target: &str) -> Response {
    request(server, "GET", target, &[])
}

/// Reads one response with a `Content-Length` from a connection that stays open.
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    let mut byte = [0];
    while !raw.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        raw.push(byte[0]);
    }
    let mut response = parse(&raw);
    let len: usize = response.header("content-length").expect("a length").parse().unwrap();
    response.body = vec![0; len];
    stream.read_exact(&mut response.body).unwrap();
    response
}
