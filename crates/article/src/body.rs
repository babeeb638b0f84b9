//! The body of a wire file: which lines are the article and which are wire furniture.
//!
//! Agency copy opens with furniture (codes, slugs, the headline, notes, bylines, bullets), then
//! the dateline and the text, and ends with more (credits, links, sign-offs). `split` finds the
//! dateline in the first paragraphs, on any line (a byline often sits right above it without a
//! blank line), takes everything before it as furniture, peels recognised furniture off the end,
//! and turns the rest into blocks: paragraphs, subheadings and breaks.
//!
//! Nothing is dropped: every line that is not in a block is in a named piece of furniture.
//! When the furniture rules would leave no text at all, the body is taken as it is, so that no
//! file that parsed before is refused now.

use crate::unicode;
use crate::{
    dateline::{self, Dateline, Place},
    furniture::{self, Furniture, FurnitureKind},
    model::Block,
};

/// A paragraph as the first stage found it: its first line number and its lines.
#[derive(Debug)]
pub(crate) struct Paragraph<'a> {
    pub(crate) line: usize,
    pub(crate) lines: Vec<&'a str>,
}

/// The body split into text and furniture.
#[derive(Debug)]
pub(crate) struct Body {
    /// Never empty; the first block is the paragraph that holds the dateline and the lede.
    pub(crate) blocks: Vec<Block>,
    /// The line of the first block.
    pub(crate) first_line: usize,
    pub(crate) dateline: Option<Dateline>,
    pub(crate) furniture: Vec<Furniture>,
    /// The headline the agency sent before the dateline, or after a slug.
    pub(crate) headline: Option<String>,
    /// The people the bylines name.
    pub(crate) authors: Vec<String>,
    /// The agency named by the furniture, for copy whose dateline names none.
    pub(crate) agency_hint: Option<&'static str>,
    /// A place given outside the dateline (an IPTC 7901 `:(PLACE)` field).
    pub(crate) place: Option<Place>,
}

/// How many paragraphs may come before the dateline.
const MAX_TOP_PARAGRAPHS: usize = 16;

/// How long a paragraph before the dateline may be: a summary or caption, not pages of text.
const MAX_TOP_CHARS: usize = 1500;

/// A run of lines of one paragraph, with the line number of the first.
type Lines<'a> = (usize, Vec<&'a str>);

/// Splits the body. `paragraphs` is never empty, nor is any paragraph.
pub(crate) fn split(paragraphs: &[Paragraph<'_>]) -> Body {
    let iptc = paragraphs[0].lines[0].trim_start().starts_with("ZCZC");
    let mut body = Body {
        blocks: Vec::new(),
        first_line: paragraphs[0].line,
        dateline: None,
        furniture: Vec::new(),
        headline: None,
        authors: Vec::new(),
        agency_hint: None,
        place: None,
    };
    // A digest of datelined items (`SYDNEY - ...`, `PERTH - ...`) has no one dateline.
    let (start, mut found) = match find_dateline(paragraphs).filter(|_| !is_digest(paragraphs)) {
        Some((start, found)) => (Some(start), Some(found)),
        None => (None, None),
    };
    let dateline_found = start.is_some();
    let (start_paragraph, start_line, start_column) = start
        .or_else(|| after_byline(paragraphs))
        .unwrap_or_else(|| leading_furniture(paragraphs, iptc));
    if start_paragraph >= paragraphs.len() {
        return whole(paragraphs);
    }

    // Everything before the start is furniture.
    let mut seen_byline = false;
    for (index, paragraph) in paragraphs[..=start_paragraph].iter().enumerate() {
        let mut lines: Vec<&str> = if index < start_paragraph {
            paragraph.lines.clone()
        } else {
            paragraph.lines[..start_line].to_vec()
        };
        if index == start_paragraph {
            let partial = &paragraph.lines[start_line][..start_column];
            if !partial.trim().is_empty() {
                lines.push(partial);
            }
        }
        if !lines.is_empty() {
            top_piece(&mut body, &lines, iptc, dateline_found, &mut seen_byline);
        }
    }

    // The text: the rest of the start paragraph, then every later paragraph.
    let first = &paragraphs[start_paragraph];
    let mut first_lines = vec![&first.lines[start_line][start_column..]];
    first_lines.extend(&first.lines[start_line + 1..]);
    let mut texts: Vec<Lines<'_>> = vec![(first.line + start_line, first_lines)];
    texts.extend(paragraphs[start_paragraph + 1..].iter().map(|p| (p.line, p.lines.clone())));

    let mut tail = not_for_publication(&mut texts);
    let mut trailers = trailers(&mut texts);
    trailers.append(&mut tail);

    // A dateline alone in its paragraph is followed by the lede in the next one.
    let first_text = join(&texts[0].1);
    let mut lede_paragraph = first_text.clone();
    // The dateline found on the start of this text is the one of all of it.
    let dateline = found.take().or_else(|| dateline::find(&first_text));
    if let Some(found) = &dateline
        && first_text.len() == found.len()
        && texts.len() > 1
        && !furniture::is_separator(&join(&texts[1].1))
    {
        let next = texts.remove(1);
        lede_paragraph = format!("{first_text} {}", join(&next.1));
    }
    body.first_line = texts[0].0;
    body.dateline = dateline;
    body.blocks.push(Block::Paragraph(typographic_quotes_of(lede_paragraph)));
    for (_, lines) in &texts[1..] {
        let text = join(lines);
        if furniture::is_separator(&text) {
            body.blocks.push(Block::Break(text));
        } else if let Some(kind) = furniture::inside(&text) {
            body.furniture.push(Furniture::new(kind, text));
        } else if lines.len() == 1 && is_subheading(&text) {
            body.blocks.push(Block::Subheading(typographic_quotes_of(text)));
        } else {
            body.blocks.push(Block::Paragraph(typographic_quotes_of(text)));
        }
    }
    // A break with no text after it separates nothing.
    while matches!(body.blocks.last(), Some(Block::Break(_))) && body.blocks.len() > 1 {
        let Some(Block::Break(text)) = body.blocks.pop() else { unreachable!() };
        trailers.insert(0, Furniture::new(FurnitureKind::Separator, text));
    }
    for piece in &trailers {
        if body.agency_hint.is_none() {
            body.agency_hint = furniture::agency_hint(piece.kind(), piece.text());
        }
        if piece.kind() == FurnitureKind::Byline {
            for name in furniture::byline_names(piece.text()).unwrap_or_default() {
                if !body.authors.contains(&name) {
                    body.authors.push(name);
                }
            }
        }
    }
    body.furniture.extend(trailers);
    body
}

/// Where the dateline is: a paragraph, a line in it, and a byte offset in that line (a dateline
/// may follow other text on a line after a wide gap, in copy taken from a web page).
fn find_dateline(paragraphs: &[Paragraph<'_>]) -> Option<((usize, usize, usize), Dateline)> {
    for (index, paragraph) in paragraphs.iter().enumerate().take(MAX_TOP_PARAGRAPHS) {
        for (line_index, line) in paragraph.lines.iter().enumerate() {
            let mut columns = vec![line.len() - line.trim_start().len()];
            // Cells of a line laid out with wide gaps.
            let mut from = 0;
            while let Some(gap) = line[from..].find("   ") {
                let cell =
                    from + gap + line[from + gap..].len() - line[from + gap..].trim_start().len();
                if cell >= line.len() {
                    break;
                }
                columns.push(cell);
                from = cell;
            }
            for column in columns {
                let mut text = line[column..].to_owned();
                for more in &paragraph.lines[line_index + 1..] {
                    if text.len() > 300 {
                        break;
                    }
                    text.push(' ');
                    text.push_str(more.trim());
                }
                if let Some(found) = dateline::find(&text) {
                    return Some(((index, line_index, column), found));
                }
            }
        }
        let length: usize = paragraph.lines.iter().map(|line| line.len() + 1).sum();
        if length > MAX_TOP_CHARS {
            return None;
        }
    }
    None
}

/// Whether three or more paragraphs open with a dateline: a digest of items, such as AAP's
/// highlights of the wire.
fn is_digest(paragraphs: &[Paragraph<'_>]) -> bool {
    // Items of a digest open with a place in capitals; testing that first keeps prose cheap.
    let capitals = |line: &str| {
        let first = line.split_whitespace().next().unwrap_or("");
        first.chars().filter(|c| unicode::is_alphabetic(*c)).count() >= 2
            && !first.chars().any(char::is_lowercase)
    };
    let opening: Vec<&Paragraph<'_>> =
        paragraphs.iter().take(40).filter(|paragraph| capitals(paragraph.lines[0])).collect();
    // Fewer than three such paragraphs (most copy: the dateline's) need no dateline looked for.
    opening.len() >= 3
        && opening
            .iter()
            .filter(|paragraph| dateline::find(paragraph.lines[0].trim_start()).is_some())
            .nth(2)
            .is_some()
}

/// Without a dateline: just after the last byline of the first paragraphs (`By The Associated
/// Press`), when only short paragraphs come before it.
fn after_byline(paragraphs: &[Paragraph<'_>]) -> Option<(usize, usize, usize)> {
    let mut found = None;
    for (index, paragraph) in paragraphs.iter().enumerate().take(MAX_TOP_PARAGRAPHS) {
        let text = join(&paragraph.lines);
        if crate::text::more_chars_than(&text, MAX_TOP_CHARS / 3) {
            break;
        }
        if furniture::byline_names(&text).is_some() && index + 1 < paragraphs.len() {
            found = Some((index + 1, 0, 0));
        }
    }
    found
}

/// Without a dateline: the furniture lines that open the copy, up to the first line that is not.
fn leading_furniture(paragraphs: &[Paragraph<'_>], iptc: bool) -> (usize, usize, usize) {
    for (index, paragraph) in paragraphs.iter().enumerate().take(MAX_TOP_PARAGRAPHS) {
        if furniture::top(&join(&paragraph.lines), iptc).is_some() {
            continue;
        }
        match paragraph.lines.iter().position(|line| furniture::top(line, iptc).is_none()) {
            Some(line) => return (index, line, 0),
            None => continue,
        }
    }
    (paragraphs.len().min(MAX_TOP_PARAGRAPHS), 0, 0)
}

/// Records a paragraph (or the lines of one) before the text as furniture: the whole of it when
/// it is one piece, otherwise line by line, unknown lines taken together.
fn top_piece(
    body: &mut Body,
    lines: &[&str],
    iptc: bool,
    dateline_found: bool,
    seen_byline: &mut bool,
) {
    let whole_text = join(lines);
    let mut pieces: Vec<(Option<FurnitureKind>, String)> = Vec::new();
    // A paragraph that is one piece of furniture whole (a note, or a single line) stays whole;
    // otherwise each line is judged alone, and runs of text lines are joined again.
    match furniture::top(&whole_text, iptc) {
        Some(kind) if lines.len() == 1 || kind == FurnitureKind::Note => {
            pieces.push((Some(kind), whole_text));
        }
        _ => {
            for line in lines {
                let kind = furniture::top(line, iptc);
                match pieces.last_mut() {
                    Some((None, text)) if kind.is_none() => {
                        text.push(' ');
                        text.push_str(line.trim());
                    }
                    _ => pieces.push((kind, line.trim().to_owned())),
                }
            }
        }
    }
    for (kind, text) in pieces {
        if text.is_empty() {
            continue;
        }
        let kind = kind.unwrap_or_else(|| {
            if !*seen_byline && body.headline.is_none() && dateline_found && is_headline_like(&text)
            {
                FurnitureKind::Headline
            } else {
                FurnitureKind::Standfirst
            }
        });
        match kind {
            FurnitureKind::Headline if body.headline.is_none() && !*seen_byline => {
                let headline = text.trim_start_matches('$').trim_end_matches('=').trim();
                if !headline.is_empty() {
                    body.headline = Some(typographic_quotes(headline));
                }
            }
            FurnitureKind::Slug if body.headline.is_none() => {
                if let Some((_, headline)) = furniture::slug_headline(&text) {
                    body.headline = Some(typographic_quotes(headline.trim_end_matches('=').trim()));
                }
            }
            FurnitureKind::Byline => {
                *seen_byline = true;
                for name in furniture::byline_names(&text).unwrap_or_default() {
                    if !body.authors.contains(&name) {
                        body.authors.push(name);
                    }
                }
            }
            FurnitureKind::Header => {
                if body.place.is_none()
                    && let Some(place) = furniture::iptc_place(&text)
                {
                    body.place = Some(Place::resolve(place, None));
                }
            }
            _ => {}
        }
        if body.agency_hint.is_none() {
            body.agency_hint = furniture::agency_hint(kind, &text);
        }
        body.furniture.push(Furniture::new(kind, text));
    }
}

/// A headline sent before the dateline: one short line of words that does not end a sentence
/// with a full stop.
fn is_headline_like(text: &str) -> bool {
    let text = text.trim().trim_end_matches('=').trim_end();
    let words = text.split_whitespace().count();
    (2..=30).contains(&words)
        && !crate::text::more_chars_than(text, 200)
        && !text.ends_with(['.', ',', ';', ':'])
        && text.starts_with(|c: char| {
            c.is_uppercase() || c.is_numeric() || matches!(c, '"' | '“' | '«' | '$' | '\'')
        })
}

/// Material not for publication (dpa's notebook), which runs to the end of the copy.
fn not_for_publication(texts: &mut Vec<Lines<'_>>) -> Vec<Furniture> {
    let found = texts.iter().enumerate().skip(1).find_map(|(index, (_, lines))| {
        lines
            .iter()
            .position(|line| furniture::opens_not_for_publication(line))
            .map(|line| (index, line))
    });
    let Some((index, line)) = found else { return Vec::new() };
    let mut pieces =
        vec![Furniture::new(FurnitureKind::NotForPublication, join(&texts[index].1[line..]))];
    for (_, lines) in &texts[index + 1..] {
        pieces.push(Furniture::new(FurnitureKind::NotForPublication, join(lines)));
    }
    texts.truncate(index + 1);
    texts[index].1.truncate(line);
    if texts[index].1.is_empty() {
        texts.pop();
    }
    pieces
}

/// Peels credits, links, sign-offs and separators off the end of the text, whole paragraphs or
/// their last lines. The first paragraph always stays.
fn trailers(texts: &mut Vec<Lines<'_>>) -> Vec<Furniture> {
    let mut found = Vec::new();
    loop {
        let only = texts.len() == 1;
        let (_, lines) = texts.last_mut().expect("never empty");
        let whole_text = join(lines);
        if !only && let Some(kind) = furniture::trailer(&whole_text) {
            found.push(Furniture::new(kind, whole_text));
            texts.pop();
            continue;
        }
        let mut peeled = false;
        while lines.len() > 1 {
            let last = lines.last().expect("more than one").trim();
            // A line is furniture of its own only after a line that ends a sentence; otherwise
            // it is the soft-wrapped end of one (`...\nends here.`).
            let before = lines[lines.len() - 2].trim_end();
            if !before.ends_with(['.', '!', '?', '"', '”', '»', ')', '…']) {
                break;
            }
            match furniture::trailer(last) {
                Some(kind) => {
                    found.push(Furniture::new(kind, last.to_owned()));
                    lines.pop();
                    peeled = true;
                }
                None => break,
            }
        }
        if peeled {
            continue;
        }
        let last = lines.last_mut().expect("never empty");
        if let Some(at) = furniture::trailing_sign_off(last)
            && !last[..at].trim().is_empty()
        {
            found.push(Furniture::new(FurnitureKind::SignOff, last[at..].trim().to_owned()));
            *last = last[..at].trim_end();
        }
        break;
    }
    found.reverse();
    found
}

/// The body taken as it is, without furniture: for copy that would otherwise have no text.
fn whole(paragraphs: &[Paragraph<'_>]) -> Body {
    let first = join(&paragraphs[0].lines);
    let mut blocks = vec![Block::Paragraph(first.clone())];
    for paragraph in &paragraphs[1..] {
        let text = join(&paragraph.lines);
        if paragraph.lines.len() == 1 && is_subheading(&text) {
            blocks.push(Block::Subheading(text));
        } else {
            blocks.push(Block::Paragraph(text));
        }
    }
    Body {
        blocks,
        first_line: paragraphs[0].line,
        dateline: dateline::find(&first),
        furniture: Vec::new(),
        headline: None,
        authors: Vec::new(),
        agency_hint: None,
        place: None,
    }
}

/// Lines joined with single spaces, as soft wraps are.
fn join(lines: &[&str]) -> String {
    // Room for every line and a space after each, so that the text is never moved as it grows.
    let mut out = String::with_capacity(lines.iter().map(|line| line.len() + 1).sum());
    for line in lines.iter().map(|line| line.trim()).filter(|line| !line.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A single line of at most 80 characters that does not end a sentence. A line wholly in
/// parentheses is a note, such as Reuters' `(Reporting by ...; Editing by ...)`, not a heading.
pub(crate) fn is_subheading(line: &str) -> bool {
    if line.starts_with('(') && line.ends_with(')') {
        return false;
    }
    const MAX_CHARS: usize = 80;
    let ends_sentence = |c: char| matches!(c, '.' | '!' | '?' | ':' | ';' | '…');
    let is_quote = |c: char| matches!(c, '"' | '\'' | '”' | '’' | '»');
    let mut last = line.chars().rev().skip_while(|&c| is_quote(c));
    let ended = line.ends_with(is_quote) && last.next().is_some_and(ends_sentence);
    !crate::text::more_chars_than(line, MAX_CHARS) && !line.ends_with(ends_sentence) && !ended
}

/// The old wire's straight quotes, ``like this'', as typographic quotes, “like this”.
pub(crate) fn typographic_quotes(text: &str) -> String {
    if !text.contains("``") {
        return text.to_owned();
    }
    text.replace("``", "“").replace("''", "”")
}

/// [`typographic_quotes`] of a paragraph the caller is done with: most have none of the old
/// quotes, and are kept as they are rather than copied.
fn typographic_quotes_of(text: String) -> String {
    if !text.contains("``") {
        return text;
    }
    typographic_quotes(&text)
}
