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
    let mut html = String::new();
    for block in article.blocks() {
        if !html.is_empty() {
            html.push('\n');
        }
        let (open, close) = match block {
            Block::Subheading(_) => ("<h2>", "</h2>"),
            _ => ("<p>", "</p>"),
        };
        html.push_str(open);
        html.push_str(&text_html(block.text()));
        html.push_str(close);
    }
    html
}

/// Plain text as HTML text: `&`, `<` and `>` escaped, and U+FEFF written as a character
/// reference, because an HTML parser drops it as a byte-order mark at the start of its input.
pub fn text_html(text: &str) -> String {
    let escaped = quick_xml::escape::partial_escape(text);
    if escaped.contains('\u{feff}') {
        escaped.replace('\u{feff}', "&#xFEFF;")
    } else {
        escaped.into_owned()
    }
}
