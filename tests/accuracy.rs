//! The accuracy report: every article of the real-copy corpus (`tests/corpus/`, agency copy as
//! the agencies sent it) parsed and compared with the truth in `tests/corpus/manifest.toml`.
//!
//! `cargo test -p tests --test accuracy -- --nocapture` prints, per agency and in total: the
//! share of places and agencies found, of bylines found where the copy has one, furniture left
//! in headlines, summaries or subheadings, derived headlines cut with `…`, good articles refused,
//! words of the input found nowhere in the output, and the mean overlap of derived headlines
//! with the real ones. The test fails when a figure falls below its floor.
//!
//! The furniture check here is independent of the parser's own rules: it looks for the marks of
//! datelines, bylines, slugs, notes and sign-offs in what a reader is shown.

use std::{collections::BTreeMap, fs};

use article::{Article, ArticleKey, Block, Options};
use chrono::FixedOffset;
use serde::Deserialize;
use tests::project_root;

#[derive(Debug, Deserialize)]
struct Manifest {
    article: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    file: String,
    agency: String,
    place: String,
    #[serde(default)]
    byline: Vec<String>,
    #[serde(default)]
    headline: String,
    /// False when the copy itself does not give the place (it was only in the source's
    /// metadata): such an entry does not count towards the place figure.
    #[serde(default = "yes")]
    place_in_copy: bool,
    /// The same for the agency.
    #[serde(default = "yes")]
    agency_in_copy: bool,
    /// The same for the byline.
    #[serde(default = "yes")]
    byline_in_copy: bool,
}

fn yes() -> bool {
    true
}

/// The figures of a group of articles.
#[derive(Debug, Default)]
struct Figures {
    articles: usize,
    places: usize,
    place_ok: usize,
    agencies: usize,
    agency_ok: usize,
    bylines: usize,
    byline_ok: usize,
    furniture: usize,
    derived: usize,
    cut: usize,
    refused: usize,
    lost_words: usize,
    overlap_sum: f64,
    overlap_n: usize,
}

impl Figures {
    fn add(&mut self, other: &Figures) {
        self.articles += other.articles;
        self.places += other.places;
        self.agencies += other.agencies;
        self.place_ok += other.place_ok;
        self.agency_ok += other.agency_ok;
        self.bylines += other.bylines;
        self.byline_ok += other.byline_ok;
        self.furniture += other.furniture;
        self.derived += other.derived;
        self.cut += other.cut;
        self.refused += other.refused;
        self.lost_words += other.lost_words;
        self.overlap_sum += other.overlap_sum;
        self.overlap_n += other.overlap_n;
    }

    fn percent(part: usize, whole: usize) -> f64 {
        if whole == 0 { 100.0 } else { 100.0 * part as f64 / whole as f64 }
    }

    fn place(&self) -> f64 {
        Figures::percent(self.place_ok, self.places)
    }
    fn agency(&self) -> f64 {
        Figures::percent(self.agency_ok, self.agencies)
    }
    fn byline(&self) -> f64 {
        Figures::percent(self.byline_ok, self.bylines)
    }
    fn cut(&self) -> f64 {
        if self.derived == 0 { 0.0 } else { Figures::percent(self.cut, self.derived) }
    }
    fn overlap(&self) -> f64 {
        if self.overlap_n == 0 { 0.0 } else { 100.0 * self.overlap_sum / self.overlap_n as f64 }
    }

    fn row(&self, name: &str) -> String {
        format!(
            "{name:<14} {:>4} {:>6.1} {:>6.1} {:>6} {:>5} {:>6.1} {:>7} {:>5} {:>7.1}",
            self.articles,
            self.place(),
            self.agency(),
            if self.bylines == 0 { "-".to_owned() } else { format!("{:.1}", self.byline()) },
            self.furniture,
            self.cut(),
            self.refused,
            self.lost_words,
            self.overlap(),
        )
    }
}

const HEADER: &str =
    "agency         n    place% agency% byline% furn. cut%  refused lost  overlap%";

#[test]
fn accuracy_on_the_real_copy_corpus() {
    let root = project_root().join("tests/corpus");
    let manifest: Manifest =
        toml::from_str(&fs::read_to_string(root.join("manifest.toml")).unwrap()).unwrap();
    assert!(manifest.article.len() >= 150, "the corpus has {} articles", manifest.article.len());
    let options = Options { date_offset: FixedOffset::east_opt(0).unwrap() };
    let mut by_agency: BTreeMap<String, Figures> = BTreeMap::new();
    let mut report = Vec::new();
    for entry in &manifest.article {
        let bytes = fs::read(root.join(&entry.file)).unwrap();
        let key = ArticleKey::new(entry.file.trim_end_matches(".txt")).unwrap();
        let figures = by_agency.entry(entry.agency.clone()).or_default();
        figures.articles += 1;
        figures.places += usize::from(entry.place_in_copy);
        figures.agencies += usize::from(entry.agency_in_copy);
        let byline_counts = !entry.byline.is_empty() && entry.byline_in_copy;
        figures.bylines += usize::from(byline_counts);
        let article = match article::parse(&key, &bytes, &options) {
            Ok(parsed) => parsed.article,
            Err(err) => {
                figures.refused += 1;
                report.push(format!("{}: refused: {err}", entry.file));
                continue;
            }
        };
        let place = article.place().map(|place| place.name().to_owned()).unwrap_or_default();
        if !entry.place_in_copy {
        } else if place.to_lowercase() == entry.place.to_lowercase() {
            figures.place_ok += 1;
        } else {
            report.push(format!("{}: place {place:?}, expected {:?}", entry.file, entry.place));
        }
        let agency = article.agency().map(|agency| agency.as_str().to_owned()).unwrap_or_default();
        if !entry.agency_in_copy {
        } else if same_agency(&agency, &entry.agency) {
            figures.agency_ok += 1;
        } else {
            report.push(format!("{}: agency {agency:?}, expected {:?}", entry.file, entry.agency));
        }
        if byline_counts {
            let found: Vec<String> =
                authors(&article).iter().map(|name| name.to_lowercase()).collect();
            if entry.byline.iter().all(|name| found.contains(&name.to_lowercase())) {
                figures.byline_ok += 1;
            } else {
                report.push(format!(
                    "{}: authors {found:?}, expected {:?}",
                    entry.file, entry.byline
                ));
            }
        }
        let mut shown =
            vec![("headline", article.headline().as_str()), ("summary", article.lede())];
        for block in article.blocks() {
            if let Block::Subheading(text) = block {
                shown.push(("subheading", text.as_str()));
            }
        }
        for (what, text) in shown {
            if let Some(mark) = furniture_mark(text, &article) {
                figures.furniture += 1;
                report.push(format!("{}: furniture ({mark}) in the {what}: {text:?}", entry.file));
            }
        }
        if article.headline_derived() {
            figures.derived += 1;
            if article.headline().as_str().ends_with('…') {
                figures.cut += 1;
                report.push(format!(
                    "{}: cut headline {:?}",
                    entry.file,
                    article.headline().as_str()
                ));
            }
        }
        let lost = lost_words(&bytes, &article);
        if !lost.is_empty() {
            figures.lost_words += lost.len();
            report.push(format!("{}: lost words {lost:?}", entry.file));
        }
        if !entry.headline.is_empty() && article.headline_derived() {
            let real = words(&entry.headline);
            let derived = words(article.headline().as_str());
            let common = real.iter().filter(|word| derived.contains(word)).count();
            figures.overlap_sum += common as f64 / real.len().max(1) as f64;
            figures.overlap_n += 1;
        }
        report.push(format!("{}: headline {:?}", entry.file, article.headline().as_str()));
        if std::env::var("ACCURACY_SHOW").is_ok_and(|file| file == entry.file) {
            println!("dateline {:?}", article.dateline().map(|dateline| dateline.text()));
            for piece in article.furniture() {
                println!("furniture {}: {:?}", piece.kind().name(), piece.text());
            }
            for block in article.blocks() {
                println!("block {:?}", block);
            }
        }
    }
    let mut total = Figures::default();
    let mut table = vec![HEADER.to_owned()];
    for (agency, figures) in &by_agency {
        total.add(figures);
        table.push(figures.row(agency));
    }
    table.push(total.row("total"));
    if std::env::var_os("ACCURACY_DETAILS").is_some() {
        println!("{}", report.join("\n"));
    }
    println!("{}", table.join("\n"));
    // Floors: the acceptance figures, and the headline overlap just below its measure.
    assert!(total.place() >= 95.0, "place {:.1}%", total.place());
    assert!(total.agency() >= 95.0, "agency {:.1}%", total.agency());
    assert!(total.byline() >= 90.0, "byline {:.1}%", total.byline());
    assert_eq!(total.furniture, 0, "furniture in what readers see");
    assert!(total.cut() <= 20.0, "cut headlines {:.1}%", total.cut());
    assert_eq!(total.refused, 0, "refused articles");
    assert_eq!(total.lost_words, 0, "lost words");
    assert!(total.overlap() >= OVERLAP_FLOOR, "headline overlap {:.1}%", total.overlap());
}

/// The mean headline overlap measured when the floor was set, less a margin.
const OVERLAP_FLOOR: f64 = 50.0;

fn same_agency(found: &str, expected: &str) -> bool {
    let canonical = |name: &str| article::agency_name(name).unwrap_or(name).to_lowercase();
    !found.is_empty() && canonical(found) == canonical(expected)
}

fn authors(article: &Article) -> Vec<String> {
    article.authors().iter().map(|author| author.as_str().to_owned()).collect()
}

fn furniture_texts(article: &Article) -> Vec<String> {
    article.furniture().iter().map(|piece| piece.text().to_owned()).collect()
}

/// Lower-case words: runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of the body (after the `date` line) that are in no block, furniture or headline,
/// counted with their repeats.
fn lost_words(bytes: &[u8], article: &Article) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let body = text.split_once('\n').map_or("", |(_, body)| body);
    let mut output: BTreeMap<String, isize> = BTreeMap::new();
    let mut shown: Vec<String> =
        article.blocks().iter().map(|block| block.text().to_owned()).collect();
    shown.extend(furniture_texts(article));
    for text in &shown {
        for word in words(text) {
            *output.entry(word).or_default() += 1;
        }
    }
    let mut lost = Vec::new();
    for word in words(body) {
        let count = output.entry(word.clone()).or_default();
        *count -= 1;
        if *count < 0 {
            lost.push(word);
        }
    }
    lost
}

/// A mark of wire furniture in text shown to readers, found without the parser's rules.
fn furniture_mark(text: &str, article: &Article) -> Option<&'static str> {
    let text = text.trim();
    let lower = text.to_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|prefix| text.starts_with(prefix));
    if starts(&["By ", "BY "])
        && text.split_whitespace().nth(1).is_some_and(|word| word.starts_with(char::is_uppercase))
        && text.len() < 80
    {
        return Some("byline");
    }
    if starts(&[
        "(Adds",
        "(Updates",
        "(Corrects",
        "(Recasts",
        "(Repeats",
        "(Refiles",
        "(Changes",
        "EDITOR'S NOTE",
        "Eds:",
        "(Eds",
    ]) {
        return Some("note");
    }
    if starts(&[
        "* ",
        "• ",
        "___",
        "ZCZC",
        "BC-",
        "Online:",
        "AP Photo",
        "Источник:",
        "(Reporting",
        "Reporting by",
    ]) {
        return Some("wire mark");
    }
    let slug = text.split_once('-').is_some_and(|(head, _)| {
        ["UPDATE", "RPT", "CORRECTED", "REFILE", "GLOBAL MARKETS", "EXCLUSIVE", "PRECIOUS"]
            .iter()
            .any(|word| head.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ') == *word)
    });
    if slug {
        return Some("slug");
    }
    let head: String = text.chars().take(120).collect();
    for mark in [
        "(Reuters)",
        "(AP)",
        "(AFP)",
        "(Xinhua)",
        "(UPI)",
        "(dpa)",
        "(ANSA)",
        "(EFE)",
        "/TASS/",
        "/ТАСС/",
        "INTERFAX.RU",
        "РИА Новости.",
        "(Yonhap)",
        "(Kyodo)",
        "(PTI)",
        "(IANS)",
        "(ANI)",
        "(Bernama)",
    ] {
        if head.contains(mark) {
            return Some("dateline");
        }
    }
    if lower.contains("contributed to this report")
        || matches!(
            lower.as_str(),
            "enditem"
                | "(end)"
                | "■"
                | "associated press"
                | "the associated press"
                | "reuter"
                | "reuters"
        )
    {
        return Some("credit or sign-off");
    }
    let desk = !text.contains(' ')
        && text.contains('/')
        && text.split('/').all(|part| {
            (1..=4).contains(&part.len()) && part.chars().all(|c| c.is_ascii_lowercase())
        });
    if desk {
        return Some("desk initials");
    }
    if let Some(place) = article.place()
        && (text == place.name() || text == place.original())
    {
        return Some("the place alone");
    }
    None
}
