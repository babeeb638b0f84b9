//! Writing feeds to bytes: the fixed formatting that makes output byte-identical everywhere.
//!
//! Two spaces of indentation, an XML declaration that names UTF-8, LF line endings and a final
//! newline. Write errors are passed on, never swallowed: `to_string()` on the crates' types
//! returns `""` on failure, so it is never used.

use std::fmt;

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
pub fn write_rss(channel: &rss::Channel) -> Result<Vec<u8>, WriteError> {
    let mut bytes = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .map_err(|err| WriteError { message: err.to_string() })?;
    bytes.push(b'\n');
    Ok(bytes)
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
