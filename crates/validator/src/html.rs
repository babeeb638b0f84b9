//! Escaped HTML inside feeds: what a reader would run or could not resolve.
//!
//! Feed readers render `description`, `content:encoded` and Atom `type="html"` text as HTML.
//! This is a scan, not an HTML parser: it looks for the constructs the W3C validator flags
//! (`<script>`, `on*=` event handlers, `javascript:` URLs) and for relative URLs, which a reader
//! has no base to resolve against.

/// A problem found in an HTML fragment.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HtmlProblem {
    /// Something a reader would execute.
    Unsafe(String),
    /// An `href` or `src` that is not absolute.
    RelativeUrl(String),
}

/// The first HTML end tag (`</b>`) in text that should be plain, as the W3C validator looks for.
pub(crate) fn end_tag_in_text(text: &str) -> Option<&str> {
    text.match_indices("</").find_map(|(at, _)| {
        let rest = &text[at + 2..];
        let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        (name_len > 0 && rest[name_len..].starts_with('>')).then(|| &text[at..at + 3 + name_len])
    })
}

pub(crate) fn check(html: &str) -> Vec<HtmlProblem> {
    let mut problems = Vec::new();
    let lower = html.to_ascii_lowercase();
    for tag in lower.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if matches!(name.as_str(), "script" | "iframe" | "object" | "embed") {
            problems.push(HtmlProblem::Unsafe(format!("<{name}> element")));
            continue;
        }
        if name.is_empty() {
            continue;
        }
        for (attribute, value) in attributes(&tag[name.len()..]) {
            if attribute.starts_with("on") {
                problems.push(HtmlProblem::Unsafe(format!("{attribute}= event handler")));
            } else if matches!(attribute.as_str(), "href" | "src") {
                let value = value.trim();
                if value.starts_with("javascript:") || value.starts_with("vbscript:") {
                    problems.push(HtmlProblem::Unsafe(format!("{attribute}=\"{value}\"")));
                } else if !value.starts_with('#') && !value.contains(':') {
                    problems.push(HtmlProblem::RelativeUrl(value.to_owned()));
                }
            }
        }
    }
    problems
}

/// `name="value"` pairs of a start tag's attributes (names lower-cased by the caller).
fn attributes(mut rest: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name: String =
            rest.chars().take_while(|&c| !c.is_whitespace() && c != '=' && c != '/').collect();
        if name.is_empty() {
            return pairs;
        }
        rest = rest[name.len()..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let end = after[1..].find(quote).map_or(after.len(), |end| end + 1);
                    rest = after.get(end + 1..).unwrap_or("");
                    after[1..end].to_owned()
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    rest = &after[end..];
                    after[..end].to_owned()
                }
            }
        } else {
            String::new()
        };
        pairs.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_would_run() {
        assert_eq!(check("<p>Safe &lt;script&gt; text</p>"), []);
        assert_eq!(
            check("<SCRIPT>alert(1)</SCRIPT>"),
            [HtmlProblem::Unsafe("<script> element".to_owned())]
        );
        assert_eq!(
            check("<img src=\"https://x/a.png\" onerror='alert(1)'>"),
            [HtmlProblem::Unsafe("onerror= event handler".to_owned())]
        );
        assert_eq!(
            check("<a href=\"javascript:alert(1)\">x</a>"),
            [HtmlProblem::Unsafe("href=\"javascript:alert(1)\"".to_owned())]
        );
        assert_eq!(check("<a href=/page>x</a>"), [HtmlProblem::RelativeUrl("/page".to_owned())]);
        assert_eq!(check("<a href=\"#top\">x</a><a href='https://e.org/'>y</a>"), []);
    }
}
