//! The article as an HTML fragment, for RSS `content:encoded` and Atom `content type="html"`.
//!
//! Article text is text: every `&`, `<` and `>` in it is escaped here, exactly once, and the XML
//! writers escape the whole fragment once more for the feed document. A reader that decodes the
//! XML and renders the HTML shows the characters the article holds, never markup.

use article::{Article, Block};

/// The full article as HTML: paragraphs as `<p>`, subheadings as `<h2>`, the dateline kept at the
/// start of the first paragraph.
///
/// ```
/// let key = article::ArticleKey::new("a").unwrap();
/// let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
/// let text = "date 2022-01-10\nA <b> & C.\n\nPart two\n\nMore.";
/// let article = article::parse(&key, text.as_bytes(), &options).unwrap().article;
/// assert_eq!(feed::article_html(&article), "<p>A &lt;b&gt; &amp; C.</p>\n<h2>Part two</h2>\n<p>More.</p>");
/// ```
pub fn article_html(article: &Article) -> String {
    let blocks = article.blocks();
    let length: usize = blocks.iter().map(|block| block.text().len() + 10).sum();
    let mut html = String::with_capacity(length + length / 16);
    for block in blocks {
        if !html.is_empty() {
            html.push('\n');
        }
        let (open, close) = match block {
            Block::Subheading(_) => ("<h2>", "</h2>"),
            _ => ("<p>", "</p>"),
        };
        html.push_str(open);
        push_text_html(&mut html, block.text());
        html.push_str(close);
    }
    html
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
    if text.contains('\u{feff}') {
        let escaped = html[from..].replace('\u{feff}', "&#xFEFF;");
        html.truncate(from);
        html.push_str(&escaped);
    }
}

/// Appends the article's HTML (as [`article_html`] gives it) escaped once more as XML text, the
/// way `quick_xml::escape::escape` does it (`&`, `<`, `>`, `'`, `"`), in one pass: the Atom
/// `content` of the article.
pub(crate) fn push_article_html_as_xml(xml: &mut Vec<u8>, article: &Article) {
    for (index, block) in article.blocks().iter().enumerate() {
        if index > 0 {
            xml.push(b'\n');
        }
        let (open, close): (&[u8], &[u8]) = match block {
            Block::Subheading(_) => (b"&lt;h2&gt;", b"&lt;/h2&gt;"),
            _ => (b"&lt;p&gt;", b"&lt;/p&gt;"),
        };
        xml.extend_from_slice(open);
        let text = block.text();
        let from = xml.len();
        let bytes = text.as_bytes();
        let mut start = 0;
        while let Some(offset) = bytes[start..].iter().position(|&byte| SPECIAL[usize::from(byte)])
        {
            let index = start + offset;
            xml.extend_from_slice(&bytes[start..index]);
            xml.extend_from_slice(match bytes[index] {
                b'&' => b"&amp;amp;",
                b'<' => b"&amp;lt;",
                b'>' => b"&amp;gt;",
                b'\'' => b"&apos;",
                _ => b"&quot;",
            });
            start = index + 1;
        }
        xml.extend_from_slice(&bytes[start..]);
        if text.contains('\u{feff}') {
            let escaped = String::from_utf8_lossy(&xml[from..]).replace('\u{feff}', "&amp;#xFEFF;");
            xml.truncate(from);
            xml.extend_from_slice(escaped.as_bytes());
        }
        xml.extend_from_slice(close);
    }
}

/// The bytes escaped in Atom content: HTML's `&`, `<`, `>`, and XML's quotes.
const SPECIAL: [bool; 256] = {
    let mut special = [false; 256];
    special[b'&' as usize] = true;
    special[b'<' as usize] = true;
    special[b'>' as usize] = true;
    special[b'\'' as usize] = true;
    special[b'"' as usize] = true;
    special
};

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
            let wire = format!("date 2022-01-10\n{text}\n\nA subheading {text}\n\nMore {text}.");
            let article = article::parse(&key, wire.as_bytes(), &options).unwrap().article;
            let mut xml = Vec::new();
            super::push_article_html_as_xml(&mut xml, &article);
            let expected = quick_xml::escape::escape(super::article_html(&article));
            assert_eq!(String::from_utf8(xml).unwrap(), expected, "{text}");
        }
    }
}
