//! Derived headlines: what an article is called when it has no `title:` field.
//!
//! The headline is the lede's first sentence, without parenthetical asides and without a
//! trailing attribution clause (`..., the minister said on Monday`), at most 110 characters,
//! cut at a word boundary with `…` when longer. This is heuristics over English and Russian
//! agency copy, tuned to keep the news and drop the sourcing; a `title:` field always wins.

/// The longest derived headline, in characters, ellipsis included.
pub(crate) const MAX_CHARS: usize = 110;

/// How much of the lede the heuristics read: far more than any first sentence, and a bound on
/// the work for a pathological article (a 50 MB first paragraph).
const WINDOW_BYTES: usize = 4096;

/// Derives a headline from the lede, or `None` when the lede has no words.
pub(crate) fn derive(lede: &str) -> Option<String> {
    let mut window = lede.len().min(WINDOW_BYTES);
    while !lede.is_char_boundary(window) {
        window -= 1;
    }
    let without_asides = strip_parentheticals(&lede[..window]);
    let sentence = first_sentence(&without_asides);
    let sentence = strip_attribution(sentence);
    let sentence = sentence
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':'));
    let headline = close_quotes(sentence.trim());
    let headline = shorten(&headline);
    (!headline.is_empty()).then_some(headline)
}

/// Removes `(...)` asides, nested ones included, with the space before them.
/// An unbalanced parenthesis is left alone.
fn strip_parentheticals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut just_closed = false;
    // For an aside that never closes: the length of `out` without the whitespace before the
    // aside, and where that whitespace starts in `text` (it was copied verbatim).
    let mut before_aside = (0, 0);
    for (offset, c) in text.char_indices() {
        if depth > 0 {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    just_closed = depth == 0;
                }
                _ => {}
            }
            continue;
        }
        // An aside opens after a space; `alert(1)` or `5(a)` is not one.
        if c == '(' && (out.is_empty() || out.ends_with(char::is_whitespace)) {
            depth = 1;
            let trimmed = out.trim_end().len();
            before_aside = (trimmed, offset - (out.len() - trimmed));
            out.truncate(trimmed);
            continue;
        }
        if std::mem::take(&mut just_closed)
            && !out.is_empty()
            && !c.is_whitespace()
            && !matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')')
        {
            out.push(' ');
        }
        out.push(c);
    }
    if depth > 0 {
        let (kept, start) = before_aside;
        out.truncate(kept);
        out.push_str(&text[start..]);
    }
    out
}

/// The text up to the first sentence end: `.`, `!`, `?` or `…` followed by a space and a new
/// sentence, skipping abbreviations and initials.
fn first_sentence(text: &str) -> &str {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (index, &(offset, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Closing quotes and brackets belong to the sentence they close.
        let mut end = index + 1;
        while end < chars.len() && is_closing(chars[end].1) {
            end += 1;
        }
        let followed_by_space = end < chars.len() && chars[end].1.is_whitespace();
        if !followed_by_space {
            continue;
        }
        let next = chars[end..].iter().map(|&(_, c)| c).find(|c| !c.is_whitespace());
        let starts_sentence =
            next.is_some_and(|c| c.is_uppercase() || c.is_numeric() || is_opening(c));
        if !starts_sentence || (c == '.' && is_abbreviation(&text[..offset])) {
            continue;
        }
        return &text[..chars.get(end).map_or(text.len(), |&(offset, _)| offset)];
    }
    text
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | '»' | ')' | ']')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '«' | '(' | '[')
}

/// Whether the word before a dot is an abbreviation or an initial rather than a sentence end.
fn is_abbreviation(before: &str) -> bool {
    const ABBREVIATIONS: [&str; 42] = [
        "mr", "mrs", "ms", "dr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
        "gov", "sen", "rep", "rev", "prof", "jr", "sr", "no", "inc", "ltd", "corp", "co", "vs",
        "etc", "approx", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec",
        "fig", "г", "ул", "им",
    ];
    let word = before.rsplit(|c: char| c.is_whitespace() || is_opening(c)).next().unwrap_or("");
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    // Initials (`A.`) and dotted abbreviations (`U.S.`) end in a single letter.
    letters == 1 || word.contains('.') || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// Drops a trailing `, <someone> said ...` clause.
fn strip_attribution(sentence: &str) -> &str {
    const VERBS: [&str; 49] = [
        "said",
        "says",
        "told",
        "tells",
        "stated",
        "states",
        "announced",
        "reported",
        "reports",
        "noted",
        "notes",
        "added",
        "adds",
        "stressed",
        "emphasized",
        "emphasised",
        "explained",
        "claimed",
        "warned",
        "quoted",
        "wrote",
        "writes",
        "according",
        "declared",
        "insisted",
        "argued",
        "say",
        "tell",
        "report",
        "note",
        "add",
        "claim",
        "warn",
        "write",
        "заявил",
        "заявила",
        "заявили",
        "сообщил",
        "сообщила",
        "сообщили",
        "сказал",
        "сказала",
        "сказали",
        "отметил",
        "отметила",
        "подчеркнул",
        "подчеркнула",
        "передает",
        "передаёт",
    ];
    const RELATIVES: [&str; 9] =
        ["who", "which", "that", "where", "when", "whose", "whom", "while", "and"];
    const MAX_SUBJECT_WORDS: usize = 16;
    for (comma, _) in sentence.match_indices(',') {
        let head = &sentence[..comma];
        if head.split_whitespace().count() < 3 {
            continue;
        }
        let clause =
            sentence[comma + 1..].trim_start_matches(|c: char| c.is_whitespace() || is_closing(c));
        let words: Vec<String> = clause
            .split_whitespace()
            .take(MAX_SUBJECT_WORDS + 1)
            .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .collect();
        let Some(first) = words.first() else { continue };
        if RELATIVES.contains(&first.as_str()) {
            continue;
        }
        if words.iter().any(|word| VERBS.contains(&word.as_str())) {
            // Keep a quote mark that closes the quoted part: `"...," he said` → `"..."`.
            let closing =
                sentence[comma + 1..].chars().next().filter(|&c| is_closing(c) && c != ')');
            return match closing {
                Some(c) => &sentence[..comma + 1 + c.len_utf8()],
                None => head,
            };
        }
    }
    sentence
}

/// Adds the closing quote a cut left open, so the headline still reads as quoted speech.
fn close_quotes(text: &str) -> String {
    let mut out = text.trim_end_matches(',').to_owned();
    if let Some(stripped) = text.strip_suffix(",\"").or_else(|| text.strip_suffix(",”")) {
        out = format!("{stripped}{}", &text[stripped.len() + 1..]);
    }
    let straight = out.matches('"').count();
    if straight % 2 == 1 {
        out.push('"');
    }
    for (open, close) in [('“', '”'), ('«', '»')] {
        if out.matches(open).count() > out.matches(close).count() {
            out.push(close);
        }
    }
    out
}

/// At most [`MAX_CHARS`] characters, cut at a word boundary with `…`.
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_CHARS {
        return text.to_owned();
    }
    // Room for `MAX_CHARS - 1` characters and the ellipsis.
    let end = text.char_indices().nth(MAX_CHARS - 1).map_or(text.len(), |(offset, _)| offset);
    let head = &text[..end];
    let cut = if text[end..].starts_with(char::is_whitespace) {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            Some(space) if space > 0 => &head[..space],
            _ => head,
        }
    };
    let cut = cut
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '—'));
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    fn check(lede: &str, expect: Expect) {
        expect.assert_eq(&format!("{:?}", super::derive(lede)));
    }

    #[test]
    fn seed() {
        check(
            "Not a single CSTO (Collective Security Treaty Organization) peacekeeper will stay in \
             Kazakhstan after the peacekeeping operation is over, State Secretary of the \
             Belarusian Security Council Alexander Volfovich said on Monday after the CSTO online \
             summit.",
            expect![[
                r#"Some("Not a single CSTO peacekeeper will stay in Kazakhstan after the peacekeeping operation is over")"#
            ]],
        );
    }

    #[test]
    fn first_sentence_only() {
        check("Prices rose. The bank said more.", expect![[r#"Some("Prices rose")"#]]);
        check("Is it over? Nobody knows.", expect![[r#"Some("Is it over?")"#]]);
        check(
            "The U.S. Senate passed the bill on Jan. 5 after Mr. Smith spoke. Then it rained.",
            expect![[r#"Some("The U.S. Senate passed the bill on Jan. 5 after Mr. Smith spoke")"#]],
        );
        check(
            "Growth was 2.5 percent in May. More later.",
            expect![[r#"Some("Growth was 2.5 percent in May")"#]],
        );
    }

    #[test]
    fn attribution() {
        check(
            "Prices will rise next year, the central bank said on Monday.",
            expect![[r#"Some("Prices will rise next year")"#]],
        );
        check(
            "The minister, who said nothing, left the building.",
            expect![[r#"Some("The minister, who said nothing, left the building")"#]],
        );
        check(
            "Потолок цен не будет введен, заявил в понедельник министр.",
            expect![[r#"Some("Потолок цен не будет введен")"#]],
        );
        check(
            "\"We will win this war,\" the president told reporters.",
            expect![[r#"Some("\"We will win this war\"")"#]],
        );
        check(
            "\"We will win, and we will rebuild the country,\" he said.",
            expect![[r#"Some("\"We will win, and we will rebuild the country\"")"#]],
        );
    }

    #[test]
    fn long_ledes_are_cut_at_a_word() {
        check(
            "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor \
             incididunt ut labore et dolore magna aliqua ut enim ad minim veniam",
            expect![[
                r#"Some("Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore…")"#
            ]],
        );
        check(
            &"x".repeat(200),
            expect![[
                r#"Some("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…")"#
            ]],
        );
    }

    #[test]
    fn empty() {
        check("", expect!["None"]);
        check("(aside only).", expect!["None"]);
    }

    #[test]
    fn asides() {
        check(
            "Kyiv (pop. 3 million) is calm (for now), officials say.",
            expect![[r#"Some("Kyiv is calm")"#]],
        );
        check("An unbalanced (aside stays", expect![[r#"Some("An unbalanced (aside stays")"#]]);
    }

    #[test]
    fn multibyte_text_is_cut_between_characters() {
        // Found by the fuzzer: the cut fell inside a two-byte Cyrillic letter.
        let lede = format!("Миротворцы ОДКБ начнут покида{}ть Казахстан в четверг", "}".repeat(85));
        check(&lede, expect![[r#"Some("Миротворцы ОДКБ начнут…")"#]]);
        for len in 100..130 {
            let headline = super::derive(&"я".repeat(len)).unwrap();
            assert!(headline.chars().count() <= super::MAX_CHARS, "{headline}");
        }
    }

    #[test]
    fn never_longer_than_the_limit() {
        for len in 100..130 {
            let lede = "word ".repeat(len / 5) + &"y".repeat(len % 5);
            let headline = super::derive(&lede).unwrap();
            assert!(headline.chars().count() <= super::MAX_CHARS, "{headline}");
        }
    }
}
