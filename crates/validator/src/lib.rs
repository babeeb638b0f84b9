//! Offline feed validation: the last stage of the pipeline, and the one that does not trust the
//! others.
//!
//! `validate` reads a feed's bytes with its own strict XML 1.0 parser (`roxmltree`), not with the
//! crates that wrote it, and checks the rules of the W3C Feed Validation Service for RSS 2.0 and
//! Atom 1.0 (RFC 4287). Each finding names its rule, so tests can assert which one fired, and
//! carries a line and column. No network: a feed cannot make the validator fetch anything, and a
//! DOCTYPE is refused rather than read.
//!
//! This crate knows nothing about articles or how feeds are made; it judges any feed.

#![warn(missing_docs)]

mod atom;
mod dates;
mod html;
mod rss;

use std::fmt;

/// How bad a finding is. Both fail `cargo xtask validate` unless warnings are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Readers may show the feed wrongly, or some may not show it.
    Warning,
    /// The feed breaks its specification.
    Error,
}

/// One finding: where, how bad, what, and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// How bad it is.
    pub severity: Severity,
    /// The rule's stable name, such as `rss-weekday` or `atom-duplicate-id`.
    pub rule: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    /// `line:column: error|warning: message [rule]`, to be prefixed with the path and a colon.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}:{}: {}: {} [{}]", self.line, self.column, severity, self.message, self.rule)
    }
}

/// Validates one feed document, RSS 2.0 or Atom 1.0, and returns its findings in document order.
///
/// ```
/// let rss = br#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title></channel></rss>"#;
/// let findings = validator::validate(rss);
/// assert!(findings.iter().any(|finding| finding.rule == "rss-missing-element"));
/// ```
pub fn validate(bytes: &[u8]) -> Vec<Diagnostic> {
    let mut report = Report::default();
    let Some(text) = decode(bytes, &mut report) else { return report.finish() };
    let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: u32::MAX };
    match roxmltree::Document::parse_with_options(text, options) {
        Err(err) => {
            let pos = err.pos();
            let rule = match err {
                roxmltree::Error::UnknownNamespace(..) => "xml-undeclared-prefix",
                roxmltree::Error::DtdDetected => "xml-doctype",
                roxmltree::Error::NonXmlChar(..) => "xml-char",
                _ => "xml-well-formed",
            };
            report.findings.push(Diagnostic {
                line: pos.row,
                column: pos.col,
                severity: Severity::Error,
                rule,
                message: err.to_string(),
            });
        }
        Ok(document) => {
            let mut context = Context { document: &document, report: &mut report };
            let root = document.root_element();
            check_languages(&mut context, root);
            match (root.tag_name().namespace(), root.tag_name().name()) {
                (None, "rss") => rss::check(&mut context, root),
                (Some(atom::NS), "feed") => atom::check(&mut context, root),
                _ => context.error(
                    root,
                    "unknown-format",
                    "the root element is neither RSS 2.0 <rss> nor Atom 1.0 <feed>",
                ),
            }
        }
    }
    report.finish()
}

/// Every `xml:lang` in the document is a language tag, or empty.
fn check_languages(context: &mut Context<'_, '_>, root: roxmltree::Node<'_, '_>) {
    for node in root.descendants().filter(roxmltree::Node::is_element) {
        if let Some(lang) = node.attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
            && !lang.is_empty()
            && !is_language_tag(lang)
        {
            context.error(node, "xml-lang", format!("xml:lang {lang:?} is not a language tag"));
        }
    }
}

#[derive(Default)]
struct Report {
    findings: Vec<Diagnostic>,
}

impl Report {
    fn finish(mut self) -> Vec<Diagnostic> {
        // Rules run element by element, but a reader wants document order.
        self.findings.sort_by_key(|finding| (finding.line, finding.column));
        self.findings
    }
}

/// A parsed document and the findings so far; what every rule receives.
struct Context<'a, 'input> {
    document: &'a roxmltree::Document<'input>,
    report: &'a mut Report,
}

impl Context<'_, '_> {
    fn push(
        &mut self,
        node: roxmltree::Node<'_, '_>,
        severity: Severity,
        rule: &'static str,
        message: String,
    ) {
        let pos = self.document.text_pos_at(node.range().start);
        self.report.findings.push(Diagnostic {
            line: pos.row,
            column: pos.col,
            severity,
            rule,
            message,
        });
    }

    fn error(
        &mut self,
        node: roxmltree::Node<'_, '_>,
        rule: &'static str,
        message: impl Into<String>,
    ) {
        self.push(node, Severity::Error, rule, message.into());
    }

    fn warning(
        &mut self,
        node: roxmltree::Node<'_, '_>,
        rule: &'static str,
        message: impl Into<String>,
    ) {
        self.push(node, Severity::Warning, rule, message.into());
    }
}

/// UTF-8 (declared or implied) and only characters XML 1.0 allows; reports and returns `None`
/// otherwise.
fn decode<'a>(bytes: &'a [u8], report: &mut Report) -> Option<&'a str> {
    let at = |line: u32, column: u32, rule: &'static str, message: String| Diagnostic {
        line,
        column,
        severity: Severity::Error,
        rule,
        message,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let (line, column) = position(&String::from_utf8_lossy(&bytes[..err.valid_up_to()]));
            let message = format!("invalid UTF-8 at byte offset {}", err.valid_up_to());
            report.findings.push(at(line, column, "xml-encoding", message));
            return None;
        }
    };
    if let Some(declaration) =
        text.strip_prefix("<?xml").and_then(|rest| rest.split_once("?>")).map(|(decl, _)| decl)
        && let Some(encoding) = pseudo_attribute(declaration, "encoding")
        && !encoding.eq_ignore_ascii_case("utf-8")
    {
        let message =
            format!("the XML declaration says encoding {encoding:?}, but the document is UTF-8");
        report.findings.push(at(1, 1, "xml-encoding", message));
    }
    if !text.starts_with("<?xml") {
        report.findings.push(Diagnostic {
            line: 1,
            column: 1,
            severity: Severity::Warning,
            rule: "xml-declaration",
            message: "no XML declaration naming the encoding".to_owned(),
        });
    }
    let mut clean = true;
    for (offset, c) in text.char_indices().filter(|&(_, c)| !is_xml_char(c)) {
        let (line, column) = position(&text[..offset]);
        let message = format!("character U+{:04X} is not allowed in XML 1.0", u32::from(c));
        report.findings.push(at(line, column, "xml-char", message));
        clean = false;
    }
    // A character reference to a forbidden character is as fatal as the character itself.
    for (offset, _) in text.match_indices("&#") {
        let reference = &text[offset + 2..];
        let Some(end) = reference.find(';').filter(|&end| end <= 10) else { continue };
        let number = match reference[..end].strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => reference[..end].parse().ok(),
        };
        if let Some(number) = number
            && !char::from_u32(number).is_some_and(is_xml_char)
        {
            let (line, column) = position(&text[..offset]);
            let message = format!(
                "character reference &#{}; names a character XML 1.0 forbids",
                &reference[..end]
            );
            report.findings.push(at(line, column, "xml-char", message));
            clean = false;
        }
    }
    clean.then_some(text)
}

fn pseudo_attribute<'a>(declaration: &'a str, name: &str) -> Option<&'a str> {
    let rest = &declaration[declaration.find(name)? + name.len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}

/// Whether XML 1.0 allows the character (the `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn position(before: &str) -> (u32, u32) {
    let line = 1 + before.matches('\n').count();
    let column = 1 + before.rsplit('\n').next().unwrap_or("").chars().count();
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
}

/// An absolute http(s) URL, as feed links must be.
fn is_absolute_http_url(text: &str) -> bool {
    url::Url::parse(text.trim())
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
}

/// An absolute IRI: a scheme, a colon and something after it (`tag:`, `urn:`, `https:`).
fn is_absolute_iri(text: &str) -> bool {
    url::Url::parse(text).is_ok() && !text.chars().any(char::is_whitespace)
}

/// The syntax of an RFC 5646 language tag, which `xml:lang` and RSS `<language>` take.
fn is_language_tag(text: &str) -> bool {
    let mut subtags = text.split('-');
    let primary = subtags.next().unwrap_or("");
    let primary_ok = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        || primary.eq_ignore_ascii_case("x")
        || primary.eq_ignore_ascii_case("i");
    primary_ok
        && subtags.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// The text of an element's children, entities decoded.
fn text_of<'a>(node: roxmltree::Node<'a, '_>) -> String {
    node.children().filter_map(|child| child.text()).collect()
}

/// The element children of `node` with the local name `name` in namespace `namespace`.
fn children<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    namespace: Option<&'a str>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> + 'a {
    node.children().filter(move |child| {
        child.is_element()
            && child.tag_name().name() == name
            && child.tag_name().namespace() == namespace
    })
}
