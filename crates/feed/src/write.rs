//! Writing feeds to bytes: the fixed formatting that makes output byte-identical everywhere.
//!
//! Two spaces of indentation, an XML declaration that names UTF-8, LF line endings and a final
//! newline. Write errors are passed on, never swallowed: `to_string()` on the crates' types
//! returns `""` on failure, so it is never used.

use std::fmt;

use atom_syndication as atom;

/// Writing a file of the site failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WriteError {
    /// The destination refused the bytes (a full disk, a closed pipe).
    Io(std::io::Error),
    /// The RSS, Atom, JSON or OPML writer failed.
    Format {
        /// Which format.
        format: &'static str,
        /// What its writer said.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A document streamed in pieces did not have a piece where it must be; the writer crate
    /// writes it differently than this crate expects. A bug, reported rather than hidden.
    Splice {
        /// What was missing.
        missing: String,
    },
    /// The library could not give an article the file shows.
    Library {
        /// The article's key.
        key: String,
        /// What the library said.
        source: crate::entry::LibraryError,
    },
}

impl WriteError {
    pub(crate) fn format(
        format: &'static str,
        error: impl std::error::Error + Send + Sync + 'static,
    ) -> WriteError {
        WriteError::Format { format, source: Box::new(error) }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Io(error) => write!(f, "{error}"),
            WriteError::Format { format, source } => {
                write!(f, "cannot write the {format} document: {source}")
            }
            WriteError::Splice { missing } => {
                write!(f, "cannot stream the document: {missing} is missing")
            }
            WriteError::Library { key, source } => write!(f, "article {key}: {source}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io(error) => Some(error),
            WriteError::Format { source, .. } => Some(source.as_ref()),
            WriteError::Splice { .. } => None,
            WriteError::Library { source, .. } => Some(source.as_ref()),
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(error: std::io::Error) -> WriteError {
        WriteError::Io(error)
    }
}

/// The RSS document as bytes.
///
/// Outside CDATA sections, `&` and `<` in text and attributes are written as the hexadecimal
/// character references `&#x26;` and `&#x3C;`, as the RSS Advisory Board's profile recommends
/// for plain text: RSS has no way to say that a title is text, and readers (and the W3C
/// validator) take `&lt;b&gt;` in a title for markup, but not `&#x3C;b>`.
pub fn write_rss(channel: &rss::Channel) -> Result<Vec<u8>, WriteError> {
    // Room for a channel around one item (how pages are written, [`crate::splice`]), so that
    // the writer does not move the bytes as they grow.
    let bytes = channel
        .pretty_write_to(Vec::with_capacity(DOCUMENT_BYTES), b' ', 2)
        .map_err(|err| WriteError::format("RSS", err))?;
    let mut bytes = hex_references(&bytes);
    bytes.push(b'\n');
    Ok(bytes)
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

/// The room a document's bytes are given at first: a feed around one article.
const DOCUMENT_BYTES: usize = 16 << 10;

/// The Atom document as bytes.
pub fn write_atom(feed: &atom::Feed) -> Result<Vec<u8>, WriteError> {
    // The crate's own declaration does not name the encoding; ours does, as RSS's does.
    let mut bytes = Vec::with_capacity(DOCUMENT_BYTES);
    bytes.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let config = atom::WriteConfig { write_document_declaration: false, indent_size: Some(2) };
    let mut bytes =
        feed.write_with_config(bytes, config).map_err(|err| WriteError::format("Atom", err))?;
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
