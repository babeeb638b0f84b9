//! Writing feeds to bytes: the fixed formatting that makes output byte-identical everywhere.
//!
//! Two spaces of indentation, an XML declaration that names UTF-8, LF line endings and a final
//! newline. Write errors are passed on, never swallowed: `to_string()` on the crates' types
//! returns `""` on failure, so it is never used.

use std::{fmt, io::Write};

use atom_syndication as atom;

/// An RSS or Atom writer failed.
#[derive(Debug)]
pub struct WriteError {
    message: String,
}

impl WriteError {
    pub(crate) fn new(message: String) -> WriteError {
        WriteError { message }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write the feed: {}", self.message)
    }
}

impl std::error::Error for WriteError {}

/// The RSS document as bytes.
///
/// Outside CDATA sections, `&` and `<` in text and attributes are written as the hexadecimal
/// character references `&#x26;` and `&#x3C;`, as the RSS Advisory Board's profile recommends
/// for plain text: RSS has no way to say that a title is text, and readers (and the W3C
/// validator) take `&lt;b&gt;` in a title for markup, but not `&#x3C;b>`.
pub fn write_rss(channel: &rss::Channel) -> Result<Vec<u8>, WriteError> {
    let bytes = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .map_err(|err| WriteError { message: err.to_string() })?;
    let mut bytes = hex_references(&bytes);
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `bytes`, passing on an I/O error as a `WriteError`.
pub(crate) fn all(out: &mut dyn Write, bytes: &[u8]) -> Result<(), WriteError> {
    out.write_all(bytes).map_err(|err| WriteError::new(err.to_string()))
}

/// The bytes of one item or entry: `bytes[range]`, so a carrier document need not be copied.
pub(crate) struct Chunk {
    pub(crate) bytes: Vec<u8>,
    pub(crate) range: std::ops::Range<usize>,
}

impl Chunk {
    /// The element `name` of a carrier document holding one item or entry.
    pub(crate) fn of(document: Vec<u8>, name: &str) -> Chunk {
        let range = element(&document, name);
        Chunk { bytes: document, range }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.range.clone()]
    }
}

/// Writes `document`, a feed written with only its first item or entry (whose bytes are
/// `first`), with the bytes of the others spliced in after it, one at a time.
pub(crate) fn splice(
    out: &mut dyn Write,
    document: &[u8],
    first: &[u8],
    rest: impl Iterator<Item = Result<Chunk, WriteError>>,
) -> Result<(), WriteError> {
    let at = memchr::memmem::find(document, first)
        .ok_or_else(|| WriteError::new("an item is written differently alone".to_owned()))?
        + first.len();
    all(out, &document[..at])?;
    for chunk in rest {
        all(out, chunk?.as_bytes())?;
    }
    all(out, &document[at..])
}

/// The first `<name>` element of a pretty-printed document through the last `</name>`, with
/// the line break and indentation before it: the bytes the element takes in any document
/// where it sits at the same depth. Element text is escaped (`&lt;`) or in CDATA as escaped
/// HTML, so neither tag occurs inside an element.
pub(crate) fn element(document: &[u8], name: &str) -> std::ops::Range<usize> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = memchr::memmem::find(document, open.as_bytes()).unwrap_or(0);
    let start = document[..start]
        .iter()
        .rposition(|&byte| byte != b' ')
        .filter(|&index| document[index] == b'\n')
        .unwrap_or(start);
    let end = memchr::memmem::rfind(document, close.as_bytes())
        .map_or(document.len(), |end| end + close.len());
    start..end
}

/// `&lt;` → `&#x3C;` and `&amp;` → `&#x26;`, except inside CDATA sections, where they are
/// characters of the text rather than references.
fn hex_references(xml: &[u8]) -> Vec<u8> {
    const CDATA_START: &[u8] = b"<![CDATA[";
    const CDATA_END: &[u8] = b"]]>";
    let mut out = Vec::with_capacity(xml.len() + xml.len() / 64);
    let mut rest = xml;
    while !rest.is_empty() {
        let (outside, after) = match find(rest, CDATA_START) {
            Some(start) => rest.split_at(start),
            None => (rest, &[][..]),
        };
        let mut text = outside;
        while let Some(index) = memchr::memchr(b'&', text) {
            out.extend_from_slice(&text[..index]);
            let tail = &text[index..];
            if tail.starts_with(b"&lt;") {
                out.extend_from_slice(b"&#x3C;");
                text = &tail[4..];
            } else if tail.starts_with(b"&amp;") {
                out.extend_from_slice(b"&#x26;");
                text = &tail[5..];
            } else {
                out.push(b'&');
                text = &tail[1..];
            }
        }
        out.extend_from_slice(text);
        // The CDATA section, copied as it is.
        let end = find(after, CDATA_END).map_or(after.len(), |end| end + CDATA_END.len());
        out.extend_from_slice(&after[..end]);
        rest = &after[end..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The Atom document as bytes.
pub fn write_atom(feed: &atom::Feed) -> Result<Vec<u8>, WriteError> {
    // The crate's own declaration does not name the encoding; ours does, as RSS's does.
    let bytes = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n".to_vec();
    let config = atom::WriteConfig { write_document_declaration: false, indent_size: Some(2) };
    let mut bytes = feed
        .write_with_config(bytes, config)
        .map_err(|err| WriteError { message: err.to_string() })?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_references_outside_cdata_only() {
        let xml = b"<t a=\"x&amp;y\">&lt;b&gt; &amp;amp; &quot;</t><![CDATA[&lt;p&gt; &amp;]]><t>&lt;</t>";
        assert_eq!(
            String::from_utf8(super::hex_references(xml)).unwrap(),
            "<t a=\"x&#x26;y\">&#x3C;b&gt; &#x26;amp; &quot;</t><![CDATA[&lt;p&gt; &amp;]]><t>&#x3C;</t>"
        );
    }
}
