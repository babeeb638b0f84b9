//! Streaming a feed one item at a time by splicing: how a page of any size is written without
//! ever being whole in memory.
//!
//! The `rss` and `atom_syndication` crates write a whole document from a value that holds every
//! item. Instead, a page is written with its first item only (the *document*), and every other
//! item is written alone in a small *carrier* document whose `<item>` (or `<entry>`) bytes are
//! cut out and inserted after the first. At the same depth and with the same indentation, an
//! element's bytes are the same in any document, so the result is byte for byte the document
//! the crate would write with every item; the property test below (and `tests/properties.rs`,
//! on arbitrary articles) holds that.
//!
//! Every cut is checked: a tag that is not where it must be is a `WriteError::Splice`, never a
//! silent cut at the start or end of a document.

use std::io::Write;

use crate::WriteError;

/// Writes `bytes`, passing on an I/O error.
pub(crate) fn all(out: &mut dyn Write, bytes: &[u8]) -> Result<(), WriteError> {
    out.write_all(bytes).map_err(WriteError::Io)
}

/// The bytes of one item or entry: `bytes[range]`, so a carrier document need not be copied.
pub(crate) struct Chunk {
    pub(crate) bytes: Vec<u8>,
    pub(crate) range: std::ops::Range<usize>,
}

impl Chunk {
    /// The element `name` of a carrier document holding one item or entry.
    pub(crate) fn of(document: Vec<u8>, name: &str) -> Result<Chunk, WriteError> {
        let range = element(&document, name)?;
        Ok(Chunk { bytes: document, range })
    }

    /// Bytes that are a chunk whole.
    pub(crate) fn whole(bytes: Vec<u8>) -> Chunk {
        let range = 0..bytes.len();
        Chunk { bytes, range }
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
    let at = find(document, first)
        .ok_or_else(|| missing("the first item, written alone the same way"))?
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
pub(crate) fn element(document: &[u8], name: &str) -> Result<std::ops::Range<usize>, WriteError> {
    // (Made for every entry of every feed: pushed, not formatted.)
    let tag = |before: &str, after: &str| [before, name, after].concat();
    let (open, close) = (tag("<", ">"), tag("</", ">"));
    let start = find(document, open.as_bytes()).ok_or_else(|| missing(&open))?;
    let start = document[..start]
        .iter()
        .rposition(|&byte| byte != b' ')
        .filter(|&index| document[index] == b'\n')
        .unwrap_or(start);
    let end = memchr::memmem::rfind(document, close.as_bytes()).ok_or_else(|| missing(&close))?
        + close.len();
    if end <= start {
        return Err(missing(&format!("{close} after {open}")));
    }
    Ok(start..end)
}

/// Where the text of an empty element `<name ...></name>` goes inside `chunk`: right after the
/// start tag's `>`. Atom entries are written with empty content, which is then filled in.
pub(crate) fn empty_element_text(chunk: &[u8], name: &str) -> Result<usize, WriteError> {
    let end_tag = ["></", name, ">"].concat();
    Ok(find(chunk, end_tag.as_bytes()).ok_or_else(|| missing(&format!("empty <{name}>")))? + 1)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn missing(what: &str) -> WriteError {
    WriteError::Splice { missing: what.to_owned() }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Chunk, element, empty_element_text, splice};
    use crate::write::write_rss;

    fn channel(titles: &[String]) -> rss::Channel {
        let items = titles
            .iter()
            .map(|title| rss::Item { title: Some(title.clone()), ..Default::default() })
            .collect();
        rss::Channel { title: "t".to_owned(), items, ..Default::default() }
    }

    proptest! {
        /// A channel streamed item by item is the channel written whole.
        #[test]
        fn spliced_documents_are_whole_documents(
            titles in prop::collection::vec("[a-z<>&\"' \u{e9}\u{416}\\]]{0,12}", 1..6)
        ) {
            let whole = write_rss(&channel(&titles)).unwrap();
            let document = write_rss(&channel(&titles[..1])).unwrap();
            let item = |title: &String| Chunk::of(write_rss(&channel(std::slice::from_ref(title)))?, "item");
            let first = item(&titles[0]).unwrap();
            let mut out = Vec::new();
            splice(&mut out, &document, first.as_bytes(), titles[1..].iter().map(item)).unwrap();
            prop_assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(whole).unwrap());
        }
    }

    #[test]
    fn a_missing_tag_is_an_error_not_a_guess() {
        assert!(element(b"<rss>\n  <channel></channel>\n</rss>", "item").is_err());
        assert!(element(b"<item>", "item").is_err());
        assert_eq!(element(b"<a>\n  <item>x</item>\n</a>", "item").unwrap(), 3..20);
        assert!(empty_element_text(b"<content type=\"html\">x</content>", "content").is_err());
        assert_eq!(
            empty_element_text(b"<content type=\"html\"></content>", "content").unwrap(),
            21
        );
        let mut out = Vec::new();
        let result = splice(&mut out, b"<rss></rss>", b"<item>", std::iter::empty());
        assert!(matches!(result, Err(crate::WriteError::Splice { .. })));
    }
}
