//! Wire furniture: the lines of agency copy that are not the news itself.
//!
//! Agencies send more than the story: transmission codes and slugs, editors' notes, bylines,
//! summary bullets and photo captions before the dateline; credits, links, sign-offs and
//! separators after the text. This module recognises each by its shape, one line or paragraph at
//! a time, so that the parser can keep it out of the headline, the lede and the subheadings while
//! keeping every word of it in the article as a named piece of [`Furniture`].
//!
//! The patterns are conventions shared by many agencies, not rules for one article: a byline is
//! `By` and capitalised names; a note is a paragraph wholly in parentheses before the dateline; a
//! sign-off is a known agency, desk initials, a transmission code or an end mark.

use crate::tables;
use crate::text::more_chars_than;
use crate::unicode;

/// A piece of wire furniture, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Furniture {
    kind: FurnitureKind,
    text: String,
}

/// What a piece of [`Furniture`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FurnitureKind {
    /// Transmission codes and fields: `ZCZC AAP`, `eca0003 3 i 380  dpa 0045`, `:(BRISBANE)`.
    Header,
    /// A slug or keyword line: `BC-US--Giant Lobster Death,127`, `UPDATE 1-...`, `REFILE`.
    Slug,
    /// The headline as the agency sent it, before the dateline.
    Headline,
    /// An agency's note on the version: `(Adds comments, detail)`, `(Corrects ...)`.
    Note,
    /// A note to editors: `EDITOR'S NOTE _ ...`, `Eds: ...`.
    EditorsNote,
    /// A byline: `By GERRY SHIH`, `AP Sports Writer`.
    Byline,
    /// A line that names the agency: `Associated Press`, `The Canadian Press`.
    Agency,
    /// A summary bullet: `* Dollar index down 0.1 percent`.
    Bullet,
    /// Text before the dateline that is neither headline nor any of the above: a web standfirst
    /// or summary.
    Standfirst,
    /// A photo caption or photo credit: `AP Photo GATK105`, `FILE - ... (AP Photo/...)`.
    Caption,
    /// A credit line: `(Reporting by ...; Editing by ...)`, `... contributed to this report.`
    Credit,
    /// The source of the text: `Источник: Reuters`.
    Source,
    /// Links for readers: `Online: https://...`, `Follow ... on Twitter`.
    Online,
    /// An end mark or desk sign-off: `Enditem`, `(END)`, `■`, `hh/ph/ts/hd`, `Reuter`,
    /// `AP-WF-08-29-16 1626GMT`.
    SignOff,
    /// A copyright line.
    Copyright,
    /// A separator outside the text, such as `___` before the links at the end.
    Separator,
    /// Material marked not for publication: dpa's notebook, editorial contacts.
    NotForPublication,
}

impl Furniture {
    pub(crate) fn new(kind: FurnitureKind, text: String) -> Furniture {
        Furniture { kind, text }
    }

    /// What it is.
    pub fn kind(&self) -> FurnitureKind {
        self.kind
    }

    /// The text as written, its soft line breaks turned into spaces.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl FurnitureKind {
    /// A lower-case name for people (`editor's note`, `sign-off`).
    pub fn name(self) -> &'static str {
        match self {
            FurnitureKind::Header => "transmission header",
            FurnitureKind::Slug => "slug",
            FurnitureKind::Headline => "headline",
            FurnitureKind::Note => "note",
            FurnitureKind::EditorsNote => "editor's note",
            FurnitureKind::Byline => "byline",
            FurnitureKind::Agency => "agency line",
            FurnitureKind::Bullet => "bullet",
            FurnitureKind::Standfirst => "standfirst",
            FurnitureKind::Caption => "caption",
            FurnitureKind::Credit => "credit",
            FurnitureKind::Source => "source",
            FurnitureKind::Online => "links",
            FurnitureKind::SignOff => "sign-off",
            FurnitureKind::Copyright => "copyright",
            FurnitureKind::Separator => "separator",
            FurnitureKind::NotForPublication => "not for publication",
        }
    }
}

/// The longest furniture after the dateline: a long caption or a list of credits.
const MAX_FURNITURE_BYTES: usize = 1200;

/// What a line or paragraph before the dateline is, when it is recognisably furniture.
/// `iptc` says the copy opened with an IPTC 7901 `ZCZC` line, whose fields start with a mark.
pub(crate) fn top(text: &str, iptc: bool) -> Option<FurnitureKind> {
    let text = text.trim();
    if iptc && is_iptc_field(text) {
        return Some(if text.starts_with('$') {
            FurnitureKind::Headline
        } else {
            FurnitureKind::Header
        });
    }
    if is_transmission(text) {
        return Some(FurnitureKind::Header);
    }
    if is_editors_note(text) {
        return Some(FurnitureKind::EditorsNote);
    }
    if text.starts_with('(') && text.ends_with(')') && !text[1..].contains('(') {
        return Some(FurnitureKind::Note);
    }
    if byline_names(text).is_some() || is_role_line(text) {
        return Some(FurnitureKind::Byline);
    }
    if agency_line(text).is_some() {
        return Some(FurnitureKind::Agency);
    }
    if is_caption(text) {
        return Some(FurnitureKind::Caption);
    }
    if slug_headline(text).is_some() || is_slug_line(text) {
        return Some(FurnitureKind::Slug);
    }
    if is_bullet(text) {
        return Some(FurnitureKind::Bullet);
    }
    None
}

/// What a paragraph or line after the text is, when it is recognisably furniture.
pub(crate) fn trailer(text: &str) -> Option<FurnitureKind> {
    let text = text.trim();
    // Furniture is short; a long paragraph is text, and costs nothing more to tell.
    if text.len() > MAX_FURNITURE_BYTES {
        return None;
    }
    let lower = unicode::lowercase(text);
    if is_separator(text) {
        return Some(FurnitureKind::Separator);
    }
    if is_credit(text, &lower) {
        return Some(FurnitureKind::Credit);
    }
    const SOURCES: [&str; 5] = ["источник:", "source:", "sources:", "по материалам", "quelle:"];
    if SOURCES.iter().any(|source| lower.starts_with(source)) && !more_chars_than(text, 120) {
        return Some(FurnitureKind::Source);
    }
    if is_online(text, &lower) {
        return Some(FurnitureKind::Online);
    }
    // `(Xinhua News Agency August 20, 2008)`: the agency and date of the source.
    if text.starts_with('(') && text.ends_with(')') && !more_chars_than(text, 80) {
        let words: Vec<&str> = text[1..text.len() - 1].split_whitespace().collect();
        if (1..=4)
            .rev()
            .any(|size| size <= words.len() && tables::agency(&words[..size].join(" ")).is_some())
        {
            return Some(FurnitureKind::Source);
        }
    }
    if !more_chars_than(text, 80) && byline_names(text).is_some_and(|names| !names.is_empty()) {
        return Some(FurnitureKind::Byline);
    }
    // Corrections at the end: `This story has been corrected to show ...`.
    if (lower.starts_with("this story has been corrected")
        || lower.starts_with("this version corrects")
        || lower.starts_with("this story has been updated")
        || lower.starts_with("correction:"))
        && text.len() <= 400
    {
        return Some(FurnitureKind::Note);
    }
    // Legal lines: `Copyright ...`, `© 2024 AFP`, `All rights reserved.`, `Our Standards: The
    // Thomson Reuters Trust Principles.`, `This material may not be published ...`.
    if lower.starts_with("copyright")
        || lower.starts_with('©')
        || lower.starts_with("(c) ")
        || lower.starts_with("all rights reserved")
        || lower.starts_with("our standards:")
        || lower.starts_with("this material may not be published")
    {
        return Some(FurnitureKind::Copyright);
    }
    // A desk's address on a line of its own (Yonhap: `jane@yna.co.kr`).
    let address = !text.contains(' ') && text.contains('@') && text.contains('.');
    if is_sign_off(text) || is_transmission(text) || address {
        return Some(FurnitureKind::SignOff);
    }
    if is_caption(text) {
        return Some(FurnitureKind::Caption);
    }
    if is_editors_note(text) {
        return Some(FurnitureKind::EditorsNote);
    }
    None
}

/// Furniture that may stand anywhere in the body: editors' notes and captions.
pub(crate) fn inside(text: &str) -> Option<FurnitureKind> {
    let text = text.trim();
    if text.len() > MAX_FURNITURE_BYTES {
        return None;
    }
    if is_editors_note(text) {
        return Some(FurnitureKind::EditorsNote);
    }
    if is_caption(text) {
        return Some(FurnitureKind::Caption);
    }
    // A byline or an agency line standing alone between paragraphs, as copy assembled from
    // several takes carries them.
    if !more_chars_than(text, 80) {
        if byline_names(text).is_some() || is_role_line(text) {
            return Some(FurnitureKind::Byline);
        }
        if agency_line(text).is_some() {
            return Some(FurnitureKind::Agency);
        }
    }
    // Credits are short: only their start matters beyond a few hundred bytes.
    let start = &text[..floor(text, text.len().min(500))];
    // Most paragraphs are not credits, and are not lower-cased.
    if !text.starts_with('(') && !says_contributed(start) {
        return None;
    }
    let lower = unicode::lowercase(start);
    if is_credit(text, &lower) && (text.starts_with('(') || lower.contains("contributed")) {
        return Some(FurnitureKind::Credit);
    }
    None
}

/// Whether `text` lower-cased holds `contributed`, without lower-casing it: `contributed` in
/// the lower case is `contributed` in any case of ASCII, since no other character lower-cases
/// to one of its letters. Compared only where a `c` or `C` is (memchr), not at every byte.
fn says_contributed(text: &str) -> bool {
    const WORD: &[u8] = b"contributed";
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'c', b'C', bytes)
        .any(|at| bytes[at..].get(..WORD.len()).is_some_and(|word| word.eq_ignore_ascii_case(WORD)))
}

/// Whether a line opens material not for publication: dpa's `# dpa NOTEBOOK`, `The following
/// information is not for publication`.
pub(crate) fn opens_not_for_publication(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with('#') {
        let lower = unicode::lowercase(text);
        return lower.contains("notebook") || lower.contains("notizblock");
    }
    // `not for publication`, `not intended for publication`; tested on bytes first, as this
    // runs on every line of the text.
    text.len() <= 200 && text.contains("ublication") && {
        let lower = unicode::lowercase(text);
        lower.contains("not for publication") || lower.contains("not intended for publication")
    }
}

/// A separator line: `___`, `---`, `* * *`, `-0-`, `###`.
pub(crate) fn is_separator(text: &str) -> bool {
    let text = text.trim();
    (text == "-0-" || text == "—" || text == "–")
        || (text.chars().all(|c| matches!(c, '_' | '-' | '*' | '#' | '=' | '~' | ' ' | '—'))
            && text.chars().filter(|c| !c.is_whitespace()).count() >= 3)
}

/// `By NAME`, `By NAME and NAME`, `By NAME, AP Sports Writer`, `By Sue Baker, Reuters`,
/// `By dpa correspondents =`: the people named (none for a desk or an agency).
pub(crate) fn byline_names(text: &str) -> Option<Vec<String>> {
    let text = text.trim().trim_end_matches('=').trim_end();
    // A web byline may go on with a date: `By UPI Staff | Jan. 03, 2018`.
    let text = text.split(" | ").next().unwrap_or(text);
    let rest = match ["By ", "BY ", "by ", "Por ", "Par ", "Von ", "Door ", "Av ", "Af "]
        .iter()
        .find_map(|by| text.strip_prefix(by))
    {
        Some(rest) => rest,
        // `Wiktor Nummelin/TT`: a name and the agency.
        None if text.split_once('/').is_some_and(|(name, desk)| {
            tables::agency(desk.trim()).is_some()
                && (2..=4).contains(&name.split_whitespace().count())
                && name.split_whitespace().all(|word| word.starts_with(char::is_uppercase))
        }) =>
        {
            let (name, _) = text.split_once('/').expect("checked");
            return Some(vec![person_name(name.trim())]);
        }
        // `keith grant, Reuters`: a name and the agency.
        None => {
            let (name, desk) = text.split_once(", ")?;
            let words = name.split_whitespace().count();
            let letters = name
                .chars()
                .all(|c| unicode::is_alphabetic(c) || matches!(c, ' ' | '-' | '.' | '\''));
            return (tables::agency(desk.trim()).is_some() && (2..=4).contains(&words) && letters)
                .then(|| vec![person_name(&title_case_words(name))]);
        }
    };
    if more_chars_than(text, 120) || rest.ends_with(['.', '?', '!', ':']) && !rest.ends_with(" Jr.")
    {
        return None;
    }
    let mut names = Vec::new();
    let mut saw_desk = false;
    // Copy stored in lower case: `By keith grant, Reuters` names a person before a desk.
    let parts: Vec<&str> = rest.split(',').map(str::trim).collect();
    if parts.len() >= 2
        && !rest.chars().take_while(|&c| c != ',').any(char::is_uppercase)
        && parts[1..].iter().any(|part| tables::agency(part).is_some() || is_role(part))
        && (2..=4).contains(&parts[0].split_whitespace().count())
        && parts[0].chars().all(|c| unicode::is_alphabetic(c) || matches!(c, ' ' | '-' | '\''))
    {
        return Some(vec![title_case_words(parts[0])]);
    }
    for part in rest.split([',', ';', '&']).flat_map(|part| part.split(" and ")) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let words: Vec<&str> = part.split_whitespace().collect();
        let capitalised = words.iter().all(|word| {
            word.starts_with(|c: char| c.is_uppercase())
                || matches!(
                    *word,
                    "de" | "da" | "van" | "von" | "der" | "bin" | "al" | "le" | "la" | "di" | "del"
                )
        });
        if is_role(part) || tables::agency(part).is_some() || words.first() == Some(&"The") {
            saw_desk = true;
            continue;
        }
        if !capitalised && names.is_empty() {
            // `By dpa correspondents`, `By staff`.
            if words.iter().any(|word| is_role(word) || tables::agency(word).is_some()) {
                saw_desk = true;
                continue;
            }
            return None;
        }
        if !capitalised || !(1..=5).contains(&words.len()) {
            if names.is_empty() && !saw_desk {
                return None;
            }
            continue;
        }
        if words.len() == 1 && names.is_empty() && !saw_desk {
            // `By Monday, ...` is a sentence; a byline names a person by at least two words.
            return None;
        }
        names.push(person_name(part));
    }
    (!names.is_empty() || saw_desk).then_some(names)
}

/// A name written all in lower case, with each word capitalised (`keith grant` → `Keith Grant`).
fn title_case_words(name: &str) -> String {
    if name.chars().any(char::is_uppercase) {
        return name.to_owned();
    }
    name.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name in capitals in title case (`CHET BROKAW` → `Chet Brokaw`); others as written.
fn person_name(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_owned();
    }
    crate::text::title_case(name)
}

/// A job title after a byline: `AP Sports Writer`, `Associated Press Writer`, `Staff
/// Correspondent`.
fn is_role(text: &str) -> bool {
    const ROLES: [&str; 14] = [
        "writer",
        "writers",
        "correspondent",
        "correspondents",
        "editor",
        "reporter",
        "reporters",
        "staff",
        "columnist",
        "bureau",
        "desk",
        "analyst",
        "contributor",
        "critic",
    ];
    text.split_whitespace().any(|word| {
        ROLES.contains(
            &unicode::lowercase(word.trim_matches(|c: char| !unicode::is_alphabetic(c))).as_str(),
        )
    })
}

/// A line that is only a job title, such as `AP Sports Writer`.
fn is_role_line(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=5).contains(&words)
        && is_role(text)
        && text.split_whitespace().all(|word| word.starts_with(|c: char| c.is_uppercase()))
}

/// A line that is only an agency's name (`Associated Press`, `The Canadian Press`, `Reuters`),
/// as its canonical name.
pub(crate) fn agency_line(text: &str) -> Option<&'static str> {
    let text = text.trim().trim_end_matches(['=', '.']).trim();
    if more_chars_than(text, 40) {
        return None;
    }
    tables::agency(text).or_else(|| text.strip_prefix("The ").and_then(tables::agency))
}

/// `EDITOR'S NOTE _ ...`, `Editor's note: ...`, `Eds: ...`, `(Eds: ...)`.
fn is_editors_note(text: &str) -> bool {
    let text = text.trim_start_matches('(');
    // Every mark below begins with `E` or `N` in either case (and no other character upper-cases
    // to them): most paragraphs are told at their first byte, without an upper-cased copy.
    if !text.starts_with(['E', 'e', 'N', 'n']) {
        return false;
    }
    // As many characters as the longest mark, `NOTE TO EDITORS`.
    let upper: String = text.chars().take(15).collect::<String>().to_uppercase();
    upper.starts_with("EDITOR'S NOTE")
        || upper.starts_with("EDITOR’S NOTE")
        || upper.starts_with("EDITORS NOTE")
        || upper.starts_with("NOTE TO EDITORS")
        || text.starts_with("Eds:")
        || text.starts_with("EDS:")
        || text.starts_with("Eds.")
}

/// What marks a caption anywhere in a paragraph.
const CAPTION_MARKS: [&str; 9] = [
    "(AP Photo",
    "AP Photo/",
    "REUTERS/",
    "AFP PHOTO",
    "(Photo:",
    "(Photo by",
    "Photo credit:",
    "(Xinhua/",
    "(Фото",
];

/// Every caption mark holds a slash or one of these: a paragraph with neither holds no mark.
const CAPTION_HINTS: [&str; 3] = ["hoto", "HOTO", "Фото"];

/// A photo caption or credit: `AP Photo GATK105`, `... (AP Photo/Mark Schiefelbein)`,
/// `FILE PHOTO: ...`, `REUTERS/Jason Lee`, `Фото: ...`.
fn is_caption(text: &str) -> bool {
    const STARTS: [&str; 8] =
        ["AP Photo", "FILE PHOTO", "FILE -", "FILE—", "Photo:", "PHOTO:", "Фото:", "Photo by "];
    // Every paragraph is asked: memchr's searchers, made once, skip through it on SIMD; the
    // four searches for the hints (and a slash) rule out most paragraphs before the nine for
    // the marks.
    static FINDERS: std::sync::LazyLock<[Vec<memchr::memmem::Finder<'static>>; 2]> =
        std::sync::LazyLock::new(|| {
            [CAPTION_HINTS.as_slice(), CAPTION_MARKS.as_slice()]
                .map(|needles| needles.iter().map(memchr::memmem::Finder::new).collect())
        });
    let [hints, marks] = &*FINDERS;
    let found = |finders: &[memchr::memmem::Finder<'_>]| {
        finders.iter().any(|finder| finder.find(text.as_bytes()).is_some())
    };
    STARTS.iter().any(|start| text.starts_with(start))
        || ((memchr::memchr(b'/', text.as_bytes()).is_some() || found(hints)) && found(marks))
}

/// `UPDATE 1-Oil prices rise`, `RPT-...`, `CORRECTED-...`, `GLOBAL MARKETS-...`: the slug and
/// the headline after it.
pub(crate) fn slug_headline(text: &str) -> Option<(&str, &str)> {
    const WORDS: [&str; 40] = [
        "UPDATE",
        "RPT",
        "REPEAT",
        "CORRECTED",
        "CORRECTION",
        "REFILE",
        "REFILED",
        "EXCLUSIVE",
        "GLOBAL MARKETS",
        "EMERGING MARKETS",
        "ANALYSIS",
        "FACTBOX",
        "INSIGHT",
        "WRAPUP",
        "BRIEF",
        "BUZZ",
        "URGENT",
        "FOCUS",
        "PREVIEW",
        "COLUMN",
        "BREAKINGVIEWS",
        "TIMELINE",
        "EXPLAINER",
        "SPECIAL REPORT",
        "INTERVIEW",
        "POLL",
        "WIDER IMAGE",
        "FEATURE",
        "PRECIOUS",
        "FOREX",
        "METALS",
        "GRAINS",
        "SOFTS",
        "OIL",
        "US STOCKS",
        "EUROPE STOCKS",
        "TREASURIES",
        "FLASH",
        "BULLETIN",
        "ADVISORY",
    ];
    let text = text.trim();
    let mut end = 0;
    let mut found = false;
    // A chain of capitalised slug words, each ending in `-`: `CORRECTED-UPDATE 2-`.
    loop {
        let rest = &text[end..];
        let Some(dash) = rest.find('-') else { break };
        let word = &rest[..dash];
        let bare = word.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
        let slug_like = !word.is_empty()
            && word.chars().all(|c| {
                c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, ' ' | '&' | '/')
            })
            && word.chars().any(|c| c.is_ascii_uppercase());
        if !slug_like {
            break;
        }
        let known = WORDS.contains(&bare) || (word.contains(' ') && bare.len() >= 6);
        if !known {
            break;
        }
        found = true;
        end += dash + 1;
    }
    let headline = text[end..].trim();
    (found && headline.chars().next().is_some_and(|c| !c.is_lowercase()) && headline.len() > 3)
        .then(|| (text[..end].trim_end_matches('-'), headline))
}

/// A keyword or transmission slug on a line of its own: `BC-US--Giant Lobster Death,127`,
/// `Switzerland/migration/UN/`, `REFILE`, `1ST LEAD`.
fn is_slug_line(text: &str) -> bool {
    const ALONE: [&str; 14] = [
        "REFILE",
        "URGENT",
        "FLASH",
        "BULLETIN",
        "EXTRA",
        "ADVISORY",
        "CORRECTION",
        "UPDATE",
        "LEAD",
        "1ST LEAD",
        "2ND LEAD",
        "3RD LEAD",
        "WRITETHRU",
        "BREAKING",
    ];
    let no_space = !text.contains(' ');
    let ordinal = text.split_whitespace().next().is_some_and(|first| {
        let digits = first.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && matches!(&first[digits..], "ST" | "ND" | "RD" | "TH")
    });
    ALONE.contains(&text)
        // `3RD NET`, `2ND LEAD`: the version of a story.
        || (ordinal && text.split_whitespace().count() <= 3 && !text.chars().any(char::is_lowercase))
        // `American Football/NFL/`: a dpa keyword path.
        || (text.ends_with('/') && text.matches('/').count() >= 2 && text.split_whitespace().count() <= 6)
        || (text.len() <= 12
            && text.ends_with(" LEAD")
            && text.starts_with(|c: char| c.is_ascii_digit()))
        || (no_space && text.len() >= 3 && (text.contains('/') || text.contains("--")))
        || ["BC-", "AM-", "PM-", "BN-", "AP-"].iter().any(|prefix| text.starts_with(prefix))
            && text.contains('-')
            && text.chars().filter(|c| c.is_whitespace()).count() <= 8
        || (text.contains("-Writethru") || text.contains("Ld-Writethru"))
}

/// A summary bullet before the dateline: `* ...`, `• ...`, `- ...`.
fn is_bullet(text: &str) -> bool {
    ["* ", "• ", "- ", "– ", "— "].iter().any(|mark| text.starts_with(mark))
}

/// A field of an IPTC 7901 header (AAP): `%A`, `#Legionella_BC1`, `$Headline`, `:(BRISBANE)`,
/// `&AAPIS\Huttonc`, `*07000000`, `@QLD`, and `ZCZC` itself.
fn is_iptc_field(text: &str) -> bool {
    text.starts_with("ZCZC")
        || text == "NNNN"
        || (text.len() >= 2
            && text.starts_with(['%', '#', '$', ':', '&', '*', '@', '^'])
            && !text[1..].starts_with(' '))
}

/// The place an IPTC 7901 header gives in its `:(PLACE)` field.
pub(crate) fn iptc_place(text: &str) -> Option<&str> {
    let place = text.trim().strip_prefix(":(")?.strip_suffix(')')?.trim();
    (!place.is_empty()).then_some(place)
}

/// Transmission codes: `ZCZC`, `NNNN`, `eca0003 3 i 380  dpa 0045`, `AP-WF-08-29-16 1626GMT`,
/// `212322 GMT Nov 18`.
fn is_transmission(text: &str) -> bool {
    if text.starts_with("ZCZC") || text == "NNNN" {
        return true;
    }
    if text.ends_with(['.', '!', '?']) {
        return false;
    }
    // Nine tokens tell that there are more than eight: a paragraph of prose is not split whole.
    let tokens: Vec<&str> = text.split_whitespace().take(9).collect();
    if tokens.is_empty() || tokens.len() > 8 {
        return false;
    }
    // `YY TDR`: short codes in capitals.
    if tokens.len() <= 3
        && tokens.iter().all(|token| {
            token.len() <= 5 && token.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        && tables::agency(text).is_none()
        && !matches!(text, "UPDATE" | "REFILE" | "URGENT" | "FLASH" | "EXTRA")
    {
        return true;
    }
    let numeric = tokens.iter().filter(|token| token.bytes().any(|b| b.is_ascii_digit())).count();
    let long_words = tokens
        .iter()
        .filter(|token| token.chars().filter(|c| unicode::is_alphabetic(*c)).count() > 4)
        .filter(|token| !token.ends_with("GMT"))
        .count();
    // `AP-WF-08-29-16 1626GMT`: a code and a time.
    let code = |token: &&str| {
        token.contains('-') && token.bytes().filter(|b| b.is_ascii_digit()).count() >= 4
    };
    // `1626GMT`, `1402EDT`, `0915Z`: a time of day and its zone's abbreviation.
    let time = |token: &&str| {
        let zone = token.trim_start_matches(|c: char| c.is_ascii_digit());
        token.ends_with("GMT")
            || token.ends_with("UTC")
            || (token.len() - zone.len() == 4
                && (1..=4).contains(&zone.len())
                && zone.bytes().all(|b| b.is_ascii_uppercase()))
    };
    (tokens.len() >= 3
        && numeric * 2 >= tokens.len()
        && long_words == 0
        && tokens[0].bytes().any(|b| b.is_ascii_digit()))
        || (tokens.len() <= 3 && tokens.iter().any(code) && tokens.iter().any(time))
        || (tokens.len() <= 4
            && tokens.iter().any(time)
            && tokens[0].len() >= 4
            && tokens[0].bytes().all(|b| b.is_ascii_digit()))
}

/// `(Reporting by ...)`, `Reporting by ...; Editing by ...`, `... contributed to this report.`,
/// `Contributing: ...`, `This report by The Canadian Press was first published ...`.
fn is_credit(text: &str, lower: &str) -> bool {
    const STARTS: [&str; 14] = [
        "reporting by",
        "additional reporting",
        "writing by",
        "editing by",
        "edited by",
        "compiled by",
        "research by",
        "reporting and writing by",
        "written by",
        "translated by",
        "contributing:",
        "with reporting by",
        "graphics by",
        "reported by",
    ];
    let inner = lower.trim_start_matches('(');
    STARTS.iter().any(|start| inner.starts_with(start))
        || (lower.contains("contributed to this report")
            || lower.contains("contributed to this story")
            || lower.contains("contributed reporting")
            || (lower.contains(" contributed") && text.ends_with('.') && text.len() <= 300))
            && !more_chars_than(text, 400)
        || (lower.starts_with("this report by") && lower.contains("first published"))
}

/// `Online: ...`, `On the Web: ...`, `Follow ... on Twitter`, a bare address.
fn is_online(text: &str, lower: &str) -> bool {
    const STARTS: [&str; 8] = [
        "online:",
        "on the web:",
        "on the internet:",
        "internet:",
        "read more",
        "more ap ",
        "more on ",
        "see also:",
    ];
    let bare_url = (lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("www."))
        && !text.contains(' ');
    STARTS.iter().any(|start| lower.starts_with(start))
        || (lower.starts_with("follow ")
            && ["twitter", " on x", "facebook", "instagram", "threads", "bluesky", "@", "http"]
                .iter()
                .any(|mark| lower.contains(mark))
            && !more_chars_than(text, 200))
        || bare_url
}

/// End marks and desk sign-offs: `Enditem`, `(END)`, `END`, `■`, `Reuter`, `– BERNAMA`,
/// `dpa wsz jln npr`, `AAP RTV`, `hh/ph/ts/hd`, `jc-ft/sbr`.
fn is_sign_off(text: &str) -> bool {
    let bare = text.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '–' | '—' | '(' | ')' | '[' | ']' | '.' | '=')
    });
    if bare.is_empty() {
        return false;
    }
    // (Lower-casing never makes fewer characters, so text of more than 28 bytes, more than 7
    // characters, is none of these words; a paragraph is not lower-cased to be compared.)
    if (bare.len() <= 28
        && matches!(
            unicode::lowercase(bare).as_str(),
            "enditem" | "end" | "ends" | "endit" | "endall" | "■" | "□" | "nnnn" | "xxx"
        ))
        || text.chars().all(|c| matches!(c, '■' | '□' | '●' | ' '))
    {
        return true;
    }
    // Desk initials: `hh/ph/ts/hd`, `jc-ft/sbr`.
    let initials = |token: &str| {
        (1..=4).contains(&token.len()) && token.chars().all(|c| c.is_ascii_lowercase())
    };
    // (Both are ASCII: memchr finds them without decoding the characters around them.)
    if memchr::memchr2(b'/', b'-', bare.as_bytes()).is_some()
        && !bare.contains(' ')
        && bare.split(['/', '-']).all(initials)
        && bare.split(['/', '-']).count() >= 2
    {
        return true;
    }
    // `/ritzau/`, `(SDA\/sj)`: an agency and desk initials in brackets or slashes. (At most
    // five parts are taken: more is too many. They are split out only from such a text.)
    if text.trim().starts_with(['(', '/', '['])
        && let parts = (text.trim().trim_matches(['(', ')', '/', '[', ']']))
            .split(['/', '\\', ' '])
            .filter(|part| !part.is_empty())
            .take(5)
            .collect::<Vec<&str>>()
        && (1..=4).contains(&parts.len())
        && tables::agency(parts[0]).is_some()
        && parts[1..].iter().all(|part| initials(part))
    {
        return true;
    }
    // A known agency, alone or with desk initials or codes: `Reuter`, `BERNAMA`, `dpa wsz jln`,
    // `AAP RTV`.
    let mut words = bare.split_whitespace();
    let first = words.next().unwrap_or("");
    // (At most seven are taken: more is too many.)
    let rest: Vec<&str> = words.take(7).collect();
    // Desk codes may be joined by slashes: `EFE xx/yy`.
    let code = |word: &&str| {
        word.split('/').all(|part| {
            (1..=6).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
    };
    rest.len() <= 6 && rest.iter().all(code) && tables::agency(first).is_some()
}

/// A sign-off at the very end of the last paragraph, after its last sentence: `... threat. –
/// BERNAMA`, `... Yang said.  Enditem`, `... (END)`. Returns where it starts.
pub(crate) fn trailing_sign_off(paragraph: &str) -> Option<usize> {
    let trimmed = paragraph.trim_end();
    let start = floor(trimmed, trimmed.len().saturating_sub(40));
    let tail = &trimmed[start..];
    // Candidates start after a sentence end and whitespace.
    for (index, _) in tail.char_indices() {
        let absolute = start + index;
        let before = trimmed[..absolute].trim_end();
        if absolute == 0 || !trimmed[..absolute].ends_with(char::is_whitespace) {
            continue;
        }
        if !before.ends_with(['.', '!', '?', '"', '”', '»', ')']) {
            continue;
        }
        let candidate = &trimmed[absolute..];
        let dashed = candidate.starts_with(['-', '–', '—']);
        let agency = candidate.trim_start_matches(['-', '–', '—', ' ']);
        let bracketed = candidate.starts_with('(')
            && candidate.ends_with(')')
            && tables::agency(&candidate[1..candidate.len() - 1]).is_some();
        if (dashed && tables::agency(agency.trim_end_matches('.')).is_some())
            || bracketed
            || matches!(candidate, "Enditem" | "(END)" | "(end)" | "■" | "END" | "ENDS")
        {
            return Some(absolute);
        }
    }
    None
}

fn floor(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The agency a piece of furniture names, for copy whose dateline names none: a sign-off
/// (`Reuter`, `– BERNAMA`, `dpa wsz`, `AAP RTV`, Xinhua's `Enditem`), an agency line, a
/// byline's desk (`By Sue Baker, Reuters`, `AP Sports Writer`), a transmission code
/// (`AP-WF-...`, `ZCZC AAP`), a credit (`Источник: Reuters`).
pub(crate) fn agency_hint(kind: FurnitureKind, text: &str) -> Option<&'static str> {
    let text = text.trim();
    if kind == FurnitureKind::SignOff && text.eq_ignore_ascii_case("enditem") {
        return tables::agency("Xinhua");
    }
    // `hh/ph/ts/hd`: AFP's desks sign off with their initials between slashes.
    if kind == FurnitureKind::SignOff
        && text.contains('/')
        && !text.contains(' ')
        && text.split('/').all(|part| {
            (2..=4).contains(&part.len()) && part.chars().all(|c| c.is_ascii_lowercase())
        })
    {
        return tables::agency("AFP");
    }
    if kind == FurnitureKind::Credit
        && text.starts_with('(')
        && unicode::lowercase(text).contains("reporting by")
        && text.contains(';')
    {
        return tables::agency("Reuters");
    }
    if kind == FurnitureKind::NotForPublication && is_sign_off(text) {
        return agency_hint(FurnitureKind::SignOff, text);
    }
    if kind == FurnitureKind::Byline {
        // `By Sue Baker, Reuters`, `By Sam Lister, PA Political Correspondent`, `Wiktor
        // Nummelin/TT`: the desk after the names, never a name.
        for part in text.split([',', '/']).skip(1) {
            if let Some(agency) = agency_line(part) {
                return Some(agency);
            }
            let first = part.split_whitespace().next().unwrap_or("");
            if first.len() >= 2
                && !first.chars().any(char::is_lowercase)
                && is_role(part)
                && let Some(agency) = tables::agency(first)
            {
                return Some(agency);
            }
        }
        let first = text.split_whitespace().next().unwrap_or("");
        if first.len() >= 2 && first.chars().all(|c| c.is_ascii_uppercase()) && is_role(text) {
            return tables::agency(first);
        }
        return None;
    }
    if !matches!(
        kind,
        FurnitureKind::SignOff
            | FurnitureKind::Agency
            | FurnitureKind::Header
            | FurnitureKind::Source
            | FurnitureKind::Copyright
            | FurnitureKind::Slug
    ) {
        return None;
    }
    if let Some(agency) = agency_line(text) {
        return Some(agency);
    }
    let separators =
        |c: char| c.is_whitespace() || matches!(c, ',' | ':' | '(' | ')' | '=' | '/' | '\\' | '©');
    for word in text.split(separators).filter(|word| !word.is_empty()).take(12) {
        let word = word.trim_matches(['-', '–', '—', '.']);
        // `AP-WF-08-29-16`, `dpa-tns`: the agency before the first dash of a code.
        let head = word.split_once('-').map_or(word, |(first, _)| first);
        for candidate in [word, head] {
            // A short alias in lower case is more often a word than an agency (`pa`, `dj`).
            let unambiguous = candidate.chars().count() >= 5
                || !candidate.chars().any(char::is_lowercase)
                || tables::agency(candidate) == Some(candidate);
            if unambiguous && let Some(agency) = tables::agency(candidate) {
                return Some(agency);
            }
        }
    }
    // `The Canadian Press`, `Xinhua News Agency`: a known agency's full name inside.
    let words: Vec<&str> = text.split_whitespace().collect();
    for size in (2..=4).rev() {
        for window in words.windows(size) {
            if let Some(agency) = tables::agency(&window.join(" ")) {
                return Some(agency);
            }
        }
    }
    None
}

/// The agency a lede names as its source, for copy with no dateline and no furniture naming
/// one: `..., an Ukrinform correspondent reports`, `..., передает корреспондент ТАСС`,
/// `..., BelTA has learned`. Only a name next to a word of reporting counts.
pub(crate) fn lede_agency(lede: &str) -> Option<&'static str> {
    const REPORTING: [&str; 16] = [
        "reports",
        "reported",
        "correspondent",
        "learned",
        "learnt",
        "told",
        "quoted",
        "says",
        "передает",
        "передаёт",
        "сообщает",
        "корреспондент",
        "корреспонденту",
        "сообщили",
        "сообщил",
        "рассказал",
    ];
    let head = &lede[..floor(lede, lede.len().min(600))];
    let words: Vec<&str> = head
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '(' | ')' | '«' | '»' | '"'))
        .filter(|word| !word.is_empty())
        .collect();
    for (index, word) in words.iter().enumerate() {
        let shouting = !word.chars().any(char::is_lowercase);
        let named = word.starts_with(char::is_uppercase) && (word.chars().count() >= 4 || shouting);
        let Some(agency) = named.then(|| tables::agency(word)).flatten() else { continue };
        let near = words[index.saturating_sub(3)..(index + 4).min(words.len())]
            .iter()
            .any(|word| REPORTING.contains(&unicode::lowercase(word).as_str()));
        if near {
            return Some(agency);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_e_and_n_upper_case_to_an_editors_notes_first_letter() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            if !matches!(c, 'E' | 'e' | 'N' | 'n') {
                assert!(!matches!(c.to_uppercase().next(), Some('E' | 'N')), "{c:?}");
            }
        }
        assert!(is_editors_note("(Eds: Adds quote)") && is_editors_note("editor's note: x"));
        assert!(is_editors_note("EDITORS NOTE: x") && !is_editors_note("A note to editors"));
        assert!(is_editors_note("NOTE TO EDITORS: The following corrects a date."));
    }

    #[test]
    fn bylines() {
        assert_eq!(byline_names("By GERRY SHIH"), Some(vec!["Gerry Shih".to_owned()]));
        assert_eq!(
            byline_names("By CHET BROKAW and JACK GILLUM"),
            Some(vec!["Chet Brokaw".to_owned(), "Jack Gillum".to_owned()])
        );
        assert_eq!(byline_names("By Sue Baker, Reuters"), Some(vec!["Sue Baker".to_owned()]));
        assert_eq!(
            byline_names("By CHARLES ODUM, AP Sports Writer"),
            Some(vec!["Charles Odum".to_owned()])
        );
        assert_eq!(byline_names("By the end of the year, prices rose."), None);
        assert_eq!(byline_names("By Monday, the water had gone"), None);
        assert_eq!(byline_names("By dpa correspondents ="), Some(vec![]));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug_headline("UPDATE 1-Oil prices rise"),
            Some(("UPDATE 1", "Oil prices rise"))
        );
        assert_eq!(
            slug_headline("CORRECTED-UPDATE 2-Oil prices rise"),
            Some(("CORRECTED-UPDATE 2", "Oil prices rise"))
        );
        assert_eq!(
            slug_headline("GLOBAL MARKETS-Asian shares slip"),
            Some(("GLOBAL MARKETS", "Asian shares slip"))
        );
        assert_eq!(slug_headline("NATO-Russia talks stall"), None);
        assert_eq!(slug_headline("U.S.-China talks"), None);
    }

    #[test]
    fn sign_offs() {
        for text in [
            "Enditem",
            "(END)",
            "■",
            "hh/ph/ts/hd",
            "Reuter",
            "dpa wsz jln npr",
            "AAP RTV",
            "AP-WF-08-29-16 1626GMT",
            "AP-WF-06-12-98 1402EDT",
            "131137 GMT Nov 13",
        ] {
            assert!(trailer(text).is_some(), "{text}");
        }
        for text in ["The end.", "He said no.", "Prices rose 5 percent on Monday"] {
            assert!(trailer(text).is_none(), "{text}");
        }
        let paragraph = "It said the quake did not pose any tsunami threat. – BERNAMA";
        assert_eq!(trailing_sign_off(paragraph).map(|at| &paragraph[at..]), Some("– BERNAMA"));
    }

    proptest::proptest! {
        /// `contributed` is found, in any case, where lower-casing the text finds it.
        #[test]
        fn contributed_is_found_as_in_the_lower_case(
            pieces in proptest::collection::vec("(contributed|CONTRIBUTED|Contributed|contribute|cC|[a-zé İK ]{0,6})", 0..6),
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(
                says_contributed(&text),
                unicode::lowercase(&text).contains("contributed"),
                "{:?}", text
            );
        }
    }

    #[test]
    fn every_caption_mark_holds_a_hint() {
        for mark in CAPTION_MARKS {
            assert!(is_caption(mark), "{mark}");
            let hinted = CAPTION_HINTS.iter().any(|hint| mark.contains(hint));
            assert!(mark.contains('/') || hinted, "{mark}");
        }
    }
}
