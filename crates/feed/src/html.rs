//! The article as an HTML fragment, for RSS `content:encoded` and Atom `content type="html"`.
//!
//! Article text is text: every `&`, `<` and `>` in it is escaped here, exactly once, and the XML
//! writers escape the whole fragment once more for the feed document. A reader that decodes the
//! XML and renders the HTML shows the characters the article holds, never markup.

use article::{Article, Block};

/// The full article as HTML: corrections first (`<p class="correction">`), then the agency's
/// other notes (`<p class="note">`), then paragraphs as
/// `<p>`, subheadings as `<h2>` and breaks as `<hr>`, the dateline kept at the start of the first
/// paragraph, and the credits last (`<p class="credit">`).
///
/// ```
/// let key = article::ArticleKey::new("a").unwrap();
/// let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
/// let text = "date 2022-01-10\nA <b> & C.\n\nPart two\n\nMore.";
/// let article = article::parse(&key, text.as_bytes(), &options).unwrap().article;
/// assert_eq!(feed::article_html(&article), "<p>A &lt;b&gt; &amp; C.</p>\n<h2>Part two</h2>\n<p>More.</p>");
/// ```
pub fn article_html(article: &Article) -> String {
    let length: usize = article.blocks().iter().map(|block| block.text().len() + 10).sum();
    let mut html = String::with_capacity(length + length / 16);
    for (element, text) in parts(article) {
        if !html.is_empty() {
            html.push('\n');
        }
        html.push_str(element.open());
        push_text_html(&mut html, text);
        html.push_str(element.close());
    }
    html
}

/// The elements of an article's HTML.
#[derive(Debug, Clone, Copy)]
enum Element {
    Correction,
    Note,
    Paragraph,
    Subheading,
    Break,
    Credit,
}

impl Element {
    fn open(self) -> &'static str {
        match self {
            Element::Correction => "<p class=\"correction\"><strong>Correction:</strong> ",
            Element::Note => "<p class=\"note\">",
            Element::Paragraph => "<p>",
            Element::Subheading => "<h2>",
            Element::Break => "<hr>",
            Element::Credit => "<p class=\"credit\">",
        }
    }

    fn close(self) -> &'static str {
        match self {
            Element::Correction | Element::Note | Element::Paragraph | Element::Credit => "</p>",
            Element::Subheading => "</h2>",
            Element::Break => "",
        }
    }

    /// `open` escaped as XML text, as `quick_xml::escape::escape` does it.
    fn open_xml(self) -> &'static [u8] {
        match self {
            Element::Correction => {
                b"&lt;p class=&quot;correction&quot;&gt;&lt;strong&gt;Correction:&lt;/strong&gt; "
            }
            Element::Note => b"&lt;p class=&quot;note&quot;&gt;",
            Element::Paragraph => b"&lt;p&gt;",
            Element::Subheading => b"&lt;h2&gt;",
            Element::Break => b"&lt;hr&gt;",
            Element::Credit => b"&lt;p class=&quot;credit&quot;&gt;",
        }
    }

    fn close_xml(self) -> &'static [u8] {
        match self {
            Element::Correction | Element::Note | Element::Paragraph | Element::Credit => {
                b"&lt;/p&gt;"
            }
            Element::Subheading => b"&lt;/h2&gt;",
            Element::Break => b"",
        }
    }
}

/// The article's elements in order, each with its text (none for a break).
fn parts(article: &Article) -> impl Iterator<Item = (Element, &str)> {
    let corrections = article.corrections().map(|text| (Element::Correction, text));
    let notes = article.other_notes().map(|note| (Element::Note, note.text()));
    let blocks = article.blocks().iter().map(|block| match block {
        Block::Subheading(text) => (Element::Subheading, text.as_str()),
        Block::Break(_) => (Element::Break, ""),
        _ => (Element::Paragraph, block.text()),
    });
    let credits = article.credits().map(|credit| (Element::Credit, credit.text()));
    corrections.chain(notes).chain(blocks).chain(credits)
}

/// Plain text as HTML text: `&`, `<` and `>` escaped, and U+FEFF written as a character
/// reference, because an HTML parser drops it as a byte-order mark at the start of its input.
pub fn text_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 16);
    push_text_html(&mut html, text);
    html
}

/// Appends `text` to `html` escaped as by [`text_html`]. The search for the characters to escape
/// is `memchr`'s, so runs of plain text are copied whole.
fn push_text_html(html: &mut String, text: &str) {
    let from = html.len();
    let bytes = text.as_bytes();
    let mut start = 0;
    for index in memchr::memchr3_iter(b'&', b'<', b'>', bytes) {
        html.push_str(&text[start..index]);
        html.push_str(match bytes[index] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        start = index + 1;
    }
    html.push_str(&text[start..]);
    if article::unicode::contains_char(text, '\u{feff}') {
        let escaped = html[from..].replace('\u{feff}', "&#xFEFF;");
        html.truncate(from);
        html.push_str(&escaped);
    }
}

/// Appends the article's HTML (as [`article_html`] gives it) escaped once more as XML text, the
/// way `quick_xml::escape::escape` does it (`&`, `<`, `>`, `'`, `"`), in one pass: the Atom
/// `content` of the article.
pub(crate) fn push_article_html_as_xml(xml: &mut Vec<u8>, article: &Article) {
    for (index, (element, text)) in parts(article).enumerate() {
        if index > 0 {
            xml.push(b'\n');
        }
        xml.extend_from_slice(element.open_xml());
        let from = xml.len();
        let bytes = text.as_bytes();
        // The runs between `&`, `<` and `>` (rare in copy), and in them the quotes (common), are
        // found by `memchr` and copied whole.
        let mut start = 0;
        for index in memchr::memchr3_iter(b'&', b'<', b'>', bytes) {
            push_quotes_as_xml(xml, &bytes[start..index]);
            xml.extend_from_slice(match bytes[index] {
                b'&' => b"&amp;amp;",
                b'<' => b"&amp;lt;",
                _ => b"&amp;gt;",
            });
            start = index + 1;
        }
        push_quotes_as_xml(xml, &bytes[start..]);
        if article::unicode::contains_char(text, '\u{feff}') {
            let escaped = String::from_utf8_lossy(&xml[from..]).replace('\u{feff}', "&amp;#xFEFF;");
            xml.truncate(from);
            xml.extend_from_slice(escaped.as_bytes());
        }
        xml.extend_from_slice(element.close_xml());
    }
}

/// Appends `run` with its quotes escaped as XML text (`'`, `"`).
fn push_quotes_as_xml(xml: &mut Vec<u8>, run: &[u8]) {
    let mut start = 0;
    for index in memchr::memchr2_iter(b'\'', b'"', run) {
        xml.extend_from_slice(&run[start..index]);
        xml.extend_from_slice(if run[index] == b'"' { b"&quot;" } else { b"&apos;" });
        start = index + 1;
    }
    xml.extend_from_slice(&run[start..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn atom_content_is_the_html_escaped_once_more() {
        let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
        let key = article::ArticleKey::new("a").unwrap();
        for text in [
            "plain",
            "a & b < c > d \"q\" 'a'",
            "\u{feff}start \u{feff} middle",
            "&amp; &lt; &#xFEFF; ]]>",
            "Москва — “quotes” 𝄞",
        ] {
            let wire = format!(
                "date 2022-01-10\n(Adds {text})\n\nLede {text}.\n\n___\n\nMore.\n\n(Reporting by {text})"
            );
            let article = article::parse(&key, wire.as_bytes(), &options).unwrap().article;
            let mut xml = Vec::new();
            super::push_article_html_as_xml(&mut xml, &article);
            let expected = quick_xml::escape::escape(super::article_html(&article));
            assert_eq!(String::from_utf8(xml).unwrap(), expected, "{text}");
            let wire = format!("date 2022-01-10\n{text}\n\nA subheading {text}\n\nMore {text}.");
            let article = article::parse(&key, wire.as_bytes(), &options).unwrap().article;
            let mut xml = Vec::new();
            super::push_article_html_as_xml(&mut xml, &article);
            let expected = quick_xml::escape::escape(super::article_html(&article));
            assert_eq!(String::from_utf8(xml).unwrap(), expected, "{text}");
        }
    }
}
