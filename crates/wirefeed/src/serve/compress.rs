//! gzip and brotli bodies, made once per file version and kept in memory within a byte budget.
//!
//! A text file of at most `MAX_FILE` bytes is compressed the first time a client that accepts
//! compression asks for it, with both codings at once, at levels worth paying once (gzip's
//! best; brotli's best for files up to `BEST_BROTLI_UP_TO`, a faster level beyond). The bodies
//! are kept in a cache weighed in bytes (`BUDGET`) and keyed by the file's path and version
//! (inode, length, modification time), so an edited or rebuilt file is compressed again and the
//! old bodies age out; requests for a file being compressed wait for that one compression, and
//! at most one compression per core runs at a time. A body that is not smaller than the file is
//! not kept, and brotli's is not kept when larger than gzip's, so no client that accepts gzip
//! ever gets the larger of the two.
//!
//! Deliberately absent: `.gz` or `.br` files on disk (the served directory is the site as
//! committed, nothing more) and compression on the fly of large files, which stream as they are.

use std::{
    fs::File,
    io::{self, Read as _, Write as _},
    num::NonZero,
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    body::Bytes,
    http::{HeaderMap, header},
};
use tokio::sync::Semaphore;

use super::files::Version;

/// The compressed bodies kept, and the compressions running.
pub(super) struct Cache {
    bodies: quick_cache::sync::Cache<Key, Arc<Bodies>, Weight>,
    /// One compression per core: more would only slow each down.
    workers: Semaphore,
}

/// A content coding this server sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Encoding {
    Gzip,
    Br,
}

/// What a request's `Accept-Encoding` allows (RFC 9110 §12.5.3): each coding's weight, in
/// thousandths; 0 is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Accepted {
    gzip: u16,
    br: u16,
}

/// Bytes of compressed bodies kept, at most.
const BUDGET: u64 = 64 << 20;

/// The largest file compressed; larger ones stream as they are.
const MAX_FILE: u64 = 8 << 20;

/// The largest file given brotli's best level, which costs about a second a megabyte here.
const BEST_BROTLI_UP_TO: usize = 1 << 20;

/// Whether a file of this type and length may be worth compressing: text, neither empty nor
/// larger than `MAX_FILE`.
pub(super) fn worth_trying(media_type: &str, len: u64) -> bool {
    let text = media_type.starts_with("text/")
        || media_type.contains("xml")
        || media_type.contains("json");
    text && len > 0 && len <= MAX_FILE
}

impl Cache {
    pub(super) fn new() -> Cache {
        let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
        Cache {
            bodies: quick_cache::sync::Cache::with_weighter(1024, BUDGET, Weight),
            workers: Semaphore::new(cores),
        }
    }

    /// The body to send a client that accepts `accepted` for this version of the file at
    /// `path`, compressing the file if it is not in the cache; `None` means the file as it is.
    pub(super) async fn body(
        &self,
        path: &Path,
        version: Version,
        accepted: Accepted,
    ) -> Option<(Encoding, Bytes)> {
        let key = Key { path: path.to_owned(), version };
        let compress = async {
            let _worker = self.workers.acquire().await.map_err(io::Error::other)?;
            let path = key.path.clone();
            let compressed = tokio::task::spawn_blocking(move || compress_file(&path, version));
            compressed.await.map_err(io::Error::other)?.map(Arc::new)
        };
        // An error (the file changed since it was opened, a compression that panicked) is not
        // kept: the file goes out as it is, and the next request tries again.
        let bodies = self.bodies.get_or_insert_async(&key, compress).await.ok()?;
        bodies.choose(accepted)
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("bodies", &self.bodies.len()).finish_non_exhaustive()
    }
}

impl Encoding {
    /// The coding's name in `Content-Encoding`.
    pub(super) fn name(self) -> &'static str {
        match self {
            Encoding::Gzip => "gzip",
            Encoding::Br => "br",
        }
    }
}

impl Accepted {
    pub(super) fn of(request: &HeaderMap) -> Accepted {
        let (mut gzip, mut br, mut any) = (None, None, None);
        for value in request.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parameters = item.split(';');
                let coding = parameters.next().unwrap_or_default().trim();
                let weight = parameters
                    .filter_map(|parameter| parameter.split_once('='))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
                    .map_or(Some(1000), |(_, weight)| thousandths(weight.trim()));
                // An item whose weight cannot be read says nothing.
                let Some(weight) = weight else { continue };
                if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                    gzip = Some(weight);
                } else if coding.eq_ignore_ascii_case("br") {
                    br = Some(weight);
                } else if coding == "*" {
                    any = Some(weight);
                }
            }
        }
        Accepted { gzip: gzip.or(any).unwrap_or(0), br: br.or(any).unwrap_or(0) }
    }

    /// Whether any coding this server sends is accepted.
    pub(super) fn any(self) -> bool {
        self.gzip > 0 || self.br > 0
    }
}

/// A weight (`q=`) in thousandths: 0 to 1 with at most three decimals.
fn thousandths(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let fraction = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(fraction),
        "1" if fraction == 0 => Some(1000),
        _ => None,
    }
}

/// A cache entry's name: one version of one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    path: PathBuf,
    version: Version,
}

/// The compressed bodies of one file version; `None` where compressing did not pay.
#[derive(Debug)]
struct Bodies {
    gzip: Option<Bytes>,
    /// Never larger than `gzip`.
    br: Option<Bytes>,
}

/// An entry weighs its bodies, its key and a little for the cache's own bookkeeping.
#[derive(Clone, Debug)]
struct Weight;

impl quick_cache::Weighter<Key, Arc<Bodies>> for Weight {
    fn weight(&self, key: &Key, bodies: &Arc<Bodies>) -> u64 {
        let len = |body: &Option<Bytes>| body.as_ref().map_or(0, Bytes::len);
        let bytes = key.path.as_os_str().len() + len(&bodies.gzip) + len(&bodies.br) + 128;
        bytes as u64
    }
}

impl Bodies {
    fn of(text: &[u8]) -> Bodies {
        let smaller = |body: Vec<u8>| (body.len() < text.len()).then(|| Bytes::from(body));
        let gzip = smaller(gzip(text));
        let br = smaller(brotli(text))
            .filter(|br| gzip.as_ref().is_none_or(|gzip| br.len() <= gzip.len()));
        Bodies { gzip, br }
    }

    /// The body for a client that accepts `accepted`: the coding it prefers, brotli when it
    /// likes both as much (brotli is never the larger here).
    fn choose(&self, accepted: Accepted) -> Option<(Encoding, Bytes)> {
        let offer = |weight: u16, encoding: Encoding, body: &Option<Bytes>| {
            body.as_ref().filter(|_| weight > 0).map(|body| (weight, encoding, body.clone()))
        };
        let br = offer(accepted.br, Encoding::Br, &self.br);
        let gzip = offer(accepted.gzip, Encoding::Gzip, &self.gzip);
        let (_, encoding, body) = match (br, gzip) {
            (Some(br), Some(gzip)) => {
                if gzip.0 > br.0 {
                    gzip
                } else {
                    br
                }
            }
            (br, gzip) => br.or(gzip)?,
        };
        Some((encoding, body))
    }
}

/// The bodies of the file at `path`, if it is still `version`.
fn compress_file(path: &Path, version: Version) -> io::Result<Bodies> {
    let file = File::open(path)?;
    if Version::of(&file.metadata()?) != version {
        return Err(io::Error::other("the file changed since it was opened"));
    }
    let mut text = Vec::new();
    file.take(version.len()).read_to_end(&mut text)?;
    Ok(Bodies::of(&text))
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(text).expect("writing to memory does not fail");
    encoder.finish().expect("writing to memory does not fail")
}

fn brotli(text: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: if text.len() <= BEST_BROTLI_UP_TO { 11 } else { 9 },
        // A 4 MiB window, the most decoders are required to support (RFC 7932).
        lgwin: 22,
        size_hint: text.len(),
        ..Default::default()
    };
    let mut body = Vec::new();
    brotli::BrotliCompress(&mut &text[..], &mut body, &params)
        .expect("reading and writing memory does not fail");
    body
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::{Accepted, Bodies, Encoding, thousandths};

    fn accepted(values: &[&str]) -> Accepted {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        }
        Accepted::of(&headers)
    }

    #[test]
    fn accept_encoding() {
        let check = |values: &[&str], gzip: u16, br: u16| {
            assert_eq!(accepted(values), Accepted { gzip, br }, "{values:?}");
        };
        check(&[], 0, 0);
        check(&["gzip"], 1000, 0);
        check(&["gzip, deflate, br, zstd"], 1000, 1000);
        check(&["br;q=1.0, gzip;q=0.5"], 500, 1000);
        check(&["BR ; Q=0.8", "x-gzip"], 1000, 800);
        check(&["*"], 1000, 1000);
        check(&["*;q=0.1, gzip;q=0"], 0, 100);
        check(&["identity"], 0, 0);
        check(&["gzip;q=2, br;q=abc"], 0, 0);
    }

    #[test]
    fn weights() {
        for (text, expected) in [
            ("1", Some(1000)),
            ("1.000", Some(1000)),
            ("0", Some(0)),
            ("0.5", Some(500)),
            ("0.001", Some(1)),
            ("0.0001", None),
            ("1.5", None),
            ("-1", None),
            ("", None),
        ] {
            assert_eq!(thousandths(text), expected, "{text:?}");
        }
    }

    #[test]
    fn brotli_is_never_larger_than_gzip_and_neither_than_the_file() {
        let feed = "<entry><title>Peacekeepers will leave, he said</title></entry>\n".repeat(200);
        let bodies = Bodies::of(feed.as_bytes());
        let (gzip, br) = (bodies.gzip.as_ref().unwrap(), bodies.br.as_ref().unwrap());
        assert!(br.len() <= gzip.len() && gzip.len() < feed.len(), "{} {}", br.len(), gzip.len());
        // Too short to gain anything: nothing is kept, and the file goes out as it is.
        let tiny = Bodies::of(b"ok");
        assert!(tiny.gzip.is_none() && tiny.br.is_none());
        assert_eq!(tiny.choose(accepted(&["gzip, br"])), None);
    }

    #[test]
    fn the_client_chooses_and_brotli_wins_ties() {
        let bodies = Bodies { gzip: Some("g".into()), br: Some("b".into()) };
        let chosen =
            |values: &[&str]| bodies.choose(accepted(values)).map(|(encoding, _)| encoding);
        assert_eq!(chosen(&["gzip, br"]), Some(Encoding::Br));
        assert_eq!(chosen(&["gzip;q=1, br;q=0.5"]), Some(Encoding::Gzip));
        assert_eq!(chosen(&["gzip"]), Some(Encoding::Gzip));
        assert_eq!(chosen(&["br"]), Some(Encoding::Br));
        assert_eq!(chosen(&["identity"]), None);
        let gzip_only = Bodies { gzip: Some("g".into()), br: None };
        assert_eq!(gzip_only.choose(accepted(&["br"])), None);
    }
}
