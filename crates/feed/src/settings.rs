//! Feed settings: the one TOML file that says what the feeds are called and where they live.
//!
//! Every setting has a working default, so an empty file (or none) gives valid feeds. Unknown
//! keys and wrong types are errors with the line, because a typo that silently falls back to a
//! default would publish the wrong feed. Values are checked here, once, so the serializers can
//! trust them.

use std::fmt;

use article::LanguageTag;
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use toml::Spanned;

/// Checked feed settings. Built only by [`Settings::from_toml`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    title: String,
    description: String,
    base_url: String,
    author: String,
    language: LanguageTag,
    id_prefix: String,
    date_offset: FixedOffset,
    item_limit: Option<usize>,
    hub: Option<String>,
    /// Whether the build writes the static search index below `search/`.
    search: bool,
    /// The time embargoes are measured against; not a setting of the file but of the run.
    now: Option<DateTime<FixedOffset>>,
}

/// Why a settings file was refused: the line, the setting and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    line: usize,
    setting: Option<String>,
    message: String,
}

impl Settings {
    /// Reads settings from TOML text; missing keys take their defaults.
    ///
    /// ```
    /// let settings = feed::Settings::from_toml("title = \"Minsk wire\"\nitem-limit = 10").unwrap();
    /// assert_eq!(settings.title(), "Minsk wire");
    /// assert_eq!(settings.item_limit(), Some(10));
    /// assert_eq!(settings.base_url(), "https://wirefeed.example/");
    /// let err = feed::Settings::from_toml("\ntitel = \"x\"").unwrap_err();
    /// assert!(err.to_string().starts_with("2: unknown field `titel`"), "{err}");
    /// ```
    pub fn from_toml(text: &str) -> Result<Settings, SettingsError> {
        let raw: RawSettings = toml::from_str(text).map_err(|err| {
            let offset = err.span().map_or(0, |span| span.start);
            SettingsError {
                line: line_of(text, offset),
                setting: key_at(text, offset),
                message: err
                    .message()
                    .trim()
                    .replace('\n', " ")
                    .replace("expected i64", "expected a whole number"),
            }
        })?;
        let checker = Checker { text };
        Ok(Settings {
            title: checker.text("title", raw.title, DEFAULT_TITLE)?,
            description: checker.text("description", raw.description, DEFAULT_DESCRIPTION)?,
            base_url: checker.base_url(raw.base_url)?,
            author: checker.text("author", raw.author, DEFAULT_AUTHOR)?,
            language: checker.language(raw.language)?,
            id_prefix: checker.id_prefix(raw.id_prefix)?,
            date_offset: checker.date_offset(raw.date_offset)?,
            item_limit: checker.item_limit(raw.item_limit)?,
            hub: raw.hub.map(|hub| checker.hub(hub)).transpose()?,
            search: raw.search.is_none_or(Spanned::into_inner),
            now: None,
        })
    }

    /// The defaults, as documented in the README.
    pub fn defaults() -> Settings {
        Settings::from_toml("").expect("the defaults are valid")
    }

    /// The feeds' title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// What the feeds are about (RSS `description`, Atom `subtitle`).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The absolute http(s) URL that `feeds/` is published at, ending in `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The author credited when an article has neither an `author:` field nor a dateline agency.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// The feeds' language.
    pub fn language(&self) -> &LanguageTag {
        &self.language
    }

    /// The start of every id: a `tag:` URI prefix such as `tag:example.org,2022:`.
    pub fn id_prefix(&self) -> &str {
        &self.id_prefix
    }

    /// The offset at which a date-only article is published (at midnight).
    pub fn date_offset(&self) -> FixedOffset {
        self.date_offset
    }

    /// How many of the newest articles a feed holds; `None` for all of them.
    pub fn item_limit(&self) -> Option<usize> {
        self.item_limit
    }

    /// The WebSub hub that readers may subscribe at for pushed updates, if any: an absolute
    /// http(s) URL, announced with `rel="hub"` links and pinged by `cargo xtask publish --ping`.
    pub fn hub(&self) -> Option<&str> {
        self.hub.as_deref()
    }

    /// Whether the build writes the static full-text search index below `search/` (`search`,
    /// default true). It is made again whole when an article it holds changes, which costs an
    /// incremental build of a very large archive a read of every article: such a site may do
    /// without it.
    pub fn search(&self) -> bool {
        self.search
    }

    /// The same settings for a build at `now`: an article under an embargo appears only once
    /// `now` has reached its end. Without a time (the default), no embargoed article appears.
    pub fn at(self, now: DateTime<FixedOffset>) -> Settings {
        Settings { now: Some(now), ..self }
    }

    /// The time embargoes are measured against, if the build has one.
    pub fn now(&self) -> Option<DateTime<FixedOffset>> {
        self.now
    }

    /// What the article parser needs from the settings.
    pub fn parse_options(&self) -> article::Options {
        article::Options { date_offset: self.date_offset }
    }

    /// The absolute URL of a file published under `feeds/`.
    pub fn url_of(&self, file: &str) -> String {
        self.url_of_parts(&[file])
    }

    /// [`Settings::url_of`] the file whose path is `parts` one after another, made at once
    /// (an article's URL is made several times for each of its pages).
    pub(crate) fn url_of_parts(&self, parts: &[&str]) -> String {
        let base = self.base_url.as_str();
        let mut url =
            String::with_capacity(base.len() + parts.iter().map(|part| part.len()).sum::<usize>());
        url.push_str(base);
        parts.iter().for_each(|part| url.push_str(part));
        url
    }
}

impl fmt::Display for SettingsError {
    /// `line: setting `name`: message`, to be prefixed with the path and a colon.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.setting {
            Some(setting) => write!(f, "{}: setting `{}`: {}", self.line, setting, self.message),
            None => write!(f, "{}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for SettingsError {}

const DEFAULT_TITLE: &str = "wirefeed";
const DEFAULT_DESCRIPTION: &str = "News agency articles, published with wirefeed";
const DEFAULT_BASE_URL: &str = "https://wirefeed.example/";
const DEFAULT_AUTHOR: &str = "wirefeed";
const DEFAULT_LANGUAGE: &str = "en";
const DEFAULT_ID_PREFIX: &str = "tag:wirefeed.example,2022:";
const DEFAULT_DATE_OFFSET: &str = "+00:00";
const DEFAULT_ITEM_LIMIT: i64 = 50;

/// The file as written, before checking. Only this type crosses the serde boundary.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSettings {
    title: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    id_prefix: Option<Spanned<String>>,
    date_offset: Option<Spanned<String>>,
    item_limit: Option<Spanned<i64>>,
    hub: Option<Spanned<String>>,
    search: Option<Spanned<bool>>,
}

/// Checks values and turns failures into errors that name the line and the setting.
struct Checker<'a> {
    text: &'a str,
}

impl Checker<'_> {
    fn error<T>(&self, setting: &str, value: &Spanned<T>, message: &str) -> SettingsError {
        SettingsError {
            line: line_of(self.text, value.span().start),
            setting: Some(setting.to_owned()),
            message: message.to_owned(),
        }
    }

    /// A non-empty single line of characters that XML 1.0 allows.
    fn text(
        &self,
        setting: &str,
        value: Option<Spanned<String>>,
        default: &str,
    ) -> Result<String, SettingsError> {
        let Some(value) = value else { return Ok(default.to_owned()) };
        let text = value.get_ref().trim();
        if text.is_empty() || text.contains(['\n', '\r']) {
            return Err(self.error(setting, &value, "must be a non-empty single line"));
        }
        if let Some(c) = text.chars().find(|&c| !article::is_xml_char(c)) {
            let message = format!("character U+{:04X} is not allowed in XML 1.0", u32::from(c));
            return Err(self.error(setting, &value, &message));
        }
        Ok(text.to_owned())
    }

    fn base_url(&self, value: Option<Spanned<String>>) -> Result<String, SettingsError> {
        let Some(value) = value else { return Ok(DEFAULT_BASE_URL.to_owned()) };
        let message = "must be an absolute http or https URL, such as https://example.org/feeds/";
        let link = article::Link::parse(value.get_ref())
            .map_err(|_| self.error("base-url", &value, message))?;
        let mut url = link.as_str().to_owned();
        if url.contains(['?', '#']) {
            return Err(self.error("base-url", &value, "must not have a query or a fragment"));
        }
        // Feed files are resolved against the base URL as a directory.
        if !url.ends_with('/') {
            url.push('/');
        }
        Ok(url)
    }

    fn hub(&self, value: Spanned<String>) -> Result<String, SettingsError> {
        let message = "must be an absolute http or https URL, such as https://hub.example.org/";
        let link = article::Link::parse(value.get_ref().trim())
            .map_err(|_| self.error("hub", &value, message))?;
        Ok(link.as_str().to_owned())
    }

    fn language(&self, value: Option<Spanned<String>>) -> Result<LanguageTag, SettingsError> {
        let text = value.as_ref().map_or(DEFAULT_LANGUAGE, |value| value.get_ref().as_str());
        LanguageTag::parse(text).ok_or_else(|| {
            let value = value.as_ref().expect("the default is valid");
            self.error("language", value, "must be a BCP 47 language tag such as en or pt-BR")
        })
    }

    /// `tag:AUTHORITY,DATE:` with an optional specific part, per RFC 4151.
    fn id_prefix(&self, value: Option<Spanned<String>>) -> Result<String, SettingsError> {
        let Some(value) = value else { return Ok(DEFAULT_ID_PREFIX.to_owned()) };
        let text = value.get_ref().trim();
        let message = "must be a tag: URI prefix such as tag:example.org,2022: (RFC 4151)";
        let valid = (|| {
            let rest = text.strip_prefix("tag:")?;
            let (authority, rest) = rest.split_once(',')?;
            let (date, specific) = rest.split_once(':')?;
            let authority_ok = !authority.is_empty()
                && authority
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '@'));
            let date_ok = matches!(date.len(), 4 | 7 | 10)
                && date.chars().enumerate().all(|(index, c)| match index {
                    4 | 7 => c == '-',
                    _ => c.is_ascii_digit(),
                });
            let specific_ok = specific.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '~' | ':' | '/')
            });
            (authority_ok && date_ok && specific_ok).then_some(())
        })();
        match valid {
            Some(()) => Ok(text.to_owned()),
            None => Err(self.error("id-prefix", &value, message)),
        }
    }

    fn date_offset(&self, value: Option<Spanned<String>>) -> Result<FixedOffset, SettingsError> {
        let text = value.as_ref().map_or(DEFAULT_DATE_OFFSET, |value| value.get_ref().as_str());
        parse_offset(text).ok_or_else(|| {
            let value = value.as_ref().expect("the default is valid");
            self.error(
                "date-offset",
                value,
                "must be a UTC offset such as +03:00, -05:00 or +00:00",
            )
        })
    }

    fn item_limit(&self, value: Option<Spanned<i64>>) -> Result<Option<usize>, SettingsError> {
        let limit = value.as_ref().map_or(DEFAULT_ITEM_LIMIT, |value| *value.get_ref());
        match usize::try_from(limit) {
            Ok(0) => Ok(None),
            Ok(limit) => Ok(Some(limit)),
            Err(_) => Err(self.error(
                "item-limit",
                value.as_ref().expect("the default is valid"),
                "must be a positive number of items, or 0 for all of them",
            )),
        }
    }
}

/// `+03:00` → three hours east of UTC.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let bytes = text.as_bytes();
    if bytes.len() != 6 || bytes[3] != b':' {
        return None;
    }
    let sign = match bytes[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = text[1..3].parse().ok().filter(|&hours| hours <= 23)?;
    let minutes: i32 = text[4..6].parse().ok().filter(|&minutes| minutes <= 59)?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// The key of the `key = value` line that holds `offset`, if the error is in a value.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let (key, _) = text[start..offset].split_once('=')?;
    let key = key.trim();
    let valid =
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| key.to_owned())
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())].iter().filter(|&&byte| byte == b'\n').count()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    fn check(toml: &str, expect: Expect) {
        let actual = match super::Settings::from_toml(toml) {
            Ok(settings) => format!("{settings:?}"),
            Err(err) => format!("error: {err}"),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn defaults() {
        check(
            "",
            expect![[
                r#"Settings { title: "wirefeed", description: "News agency articles, published with wirefeed", base_url: "https://wirefeed.example/", author: "wirefeed", language: LanguageTag("en"), id_prefix: "tag:wirefeed.example,2022:", date_offset: +00:00, item_limit: Some(50), hub: None, search: true, now: None }"#
            ]],
        );
    }

    #[test]
    fn all_settings() {
        check(
            r#"
title = "Minsk wire"
description = "From the Minsk desk"
base-url = "https://news.example.org/feeds"
author = "The desk"
language = "ru"
id-prefix = "tag:news.example.org,2022-01:wire/"
date-offset = "+03:00"
item-limit = 0
hub = "https://hub.example.org/"
"#,
            expect![[
                r#"Settings { title: "Minsk wire", description: "From the Minsk desk", base_url: "https://news.example.org/feeds/", author: "The desk", language: LanguageTag("ru"), id_prefix: "tag:news.example.org,2022-01:wire/", date_offset: +03:00, item_limit: None, hub: Some("https://hub.example.org/"), search: true, now: None }"#
            ]],
        );
    }

    #[test]
    fn errors() {
        check(
            "titel = \"x\"",
            expect![
                "error: 1: unknown field `titel`, expected one of `title`, `description`, `base-url`, `author`, `language`, `id-prefix`, `date-offset`, `item-limit`, `hub`, `search`"
            ],
        );
        check(
            "\nitem-limit = \"fifty\"",
            expect![[
                r#"error: 2: setting `item-limit`: invalid type: string "fifty", expected a whole number"#
            ]],
        );
        check(
            "item-limit = -1",
            expect![
                "error: 1: setting `item-limit`: must be a positive number of items, or 0 for all of them"
            ],
        );
        check(
            "base-url = \"/feeds/\"",
            expect![
                "error: 1: setting `base-url`: must be an absolute http or https URL, such as https://example.org/feeds/"
            ],
        );
        check(
            "base-url = \"ftp://example.org/\"",
            expect![
                "error: 1: setting `base-url`: must be an absolute http or https URL, such as https://example.org/feeds/"
            ],
        );
        check(
            "id-prefix = \"urn:x\"",
            expect![
                "error: 1: setting `id-prefix`: must be a tag: URI prefix such as tag:example.org,2022: (RFC 4151)"
            ],
        );
        check(
            "date-offset = \"Europe/Minsk\"",
            expect![
                "error: 1: setting `date-offset`: must be a UTC offset such as +03:00, -05:00 or +00:00"
            ],
        );
        check(
            "hub = \"mailto:hub@example.org\"",
            expect![
                "error: 1: setting `hub`: must be an absolute http or https URL, such as https://hub.example.org/"
            ],
        );
        check(
            "language = \"english\"",
            expect![
                "error: 1: setting `language`: must be a BCP 47 language tag such as en or pt-BR"
            ],
        );
        check(
            "title = \"\\u0000\"",
            expect!["error: 1: setting `title`: character U+0000 is not allowed in XML 1.0"],
        );
        check(
            "title = \"  \"",
            expect!["error: 1: setting `title`: must be a non-empty single line"],
        );
        check(
            "title = ",
            expect![
                "error: 1: setting `title`: string values must be quoted, expected literal string"
            ],
        );
    }
}
