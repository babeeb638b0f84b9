//! `cargo xtask corpus`: a deterministic synthetic wire corpus for benchmarks and scale tests.
//!
//! Articles of about 3 KB on average in every dateline style, with subheadings, quotes,
//! `& < >`, Cyrillic and accented words, and a few metadata fields; the same `--seed` gives the
//! same bytes everywhere (a fixed generator, no system randomness). The layout only moves files:
//! flat and nested corpora of one seed hold the same articles, byte for byte.

use std::{
    collections::HashSet,
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context;

use wirefeed::display;

/// Options of `cargo xtask corpus`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// How many articles
    #[arg(long)]
    n: usize,
    /// Directory to write them into (created; existing articles are overwritten)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Seed of the generator
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where the articles go: all in DIR, or under their dates (DIR/YYYY/MM/DD/)
    #[arg(long, value_enum, default_value_t = Layout::Flat)]
    layout: Layout,
}

/// Where a corpus puts its articles; `feed.toml` is at the corpus's root in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Layout {
    /// Every article in the corpus directory: `a0000001.txt`
    Flat,
    /// Every article under its own date: `2024/07/10/a0000001.txt`
    Nested,
}

impl Layout {
    /// The path of article `index`, dated `date`, relative to the corpus directory.
    pub(crate) fn path(self, index: usize, date: Day) -> PathBuf {
        let name = file_name(index);
        match self {
            Layout::Flat => PathBuf::from(name),
            Layout::Nested => date.directory().join(name),
        }
    }
}

/// The file name of article `index`: its key, `a` and seven digits, with `.txt`.
pub(crate) fn file_name(index: usize) -> String {
    format!("a{index:07}.txt")
}

/// A calendar day of the corpus (the generator dates articles in 2015–2024, days 1 to 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Day {
    year: usize,
    month: usize,
    day: usize,
}

impl Day {
    /// The newest day the generator gives an article.
    pub(crate) const NEWEST: Day = Day { year: 2024, month: 12, day: 28 };

    /// The nested layout's directory for this day: `YYYY/MM/DD`.
    fn directory(self) -> PathBuf {
        let Day { year, month, day } = self;
        PathBuf::from(format!("{year:04}/{month:02}/{day:02}"))
    }
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let bytes = write(&args.out, args.n, args.seed, args.layout)?;
    eprintln!("{} articles, {:.1} MB in {}", args.n, bytes as f64 / 1e6, display(&args.out));
    Ok(ExitCode::SUCCESS)
}

/// Writes `n` articles in `layout` and a `feed.toml` that publishes all of them; returns the
/// bytes of the articles written.
pub(crate) fn write(out: &Path, n: usize, seed: u64, layout: Layout) -> anyhow::Result<u64> {
    fs::create_dir_all(out).with_context(|| format!("{}: cannot create", display(out)))?;
    let settings = out.join("feed.toml");
    fs::write(&settings, "item-limit = 0\ndate-offset = \"+03:00\"\n")
        .with_context(|| format!("{}: cannot write", display(&settings)))?;
    let mut random = Random::new(seed);
    // Each day's directory is made once, not once per article.
    let mut made: HashSet<Day> = HashSet::new();
    let mut total = 0;
    for index in 0..n {
        let (date, text) = article(&mut random, index);
        total += text.len() as u64;
        let path = out.join(layout.path(index, date));
        if layout == Layout::Nested && made.insert(date) {
            let directory = out.join(date.directory());
            fs::create_dir_all(&directory)
                .with_context(|| format!("{}: cannot create", display(&directory)))?;
        }
        fs::write(&path, text).with_context(|| format!("{}: cannot write", display(&path)))?;
    }
    Ok(total)
}

/// An article that is not in the corpus of `seed`: key `index` (at least the corpus's size),
/// dated [`Day::NEWEST`], as a newly arrived story would be; its path relative to the corpus
/// directory in `layout`, and its text.
pub(crate) fn extra(index: usize, seed: u64, layout: Layout) -> (PathBuf, String) {
    let mut random = Random::new(seed ^ (index as u64).rotate_left(32));
    let date = Day::NEWEST;
    (layout.path(index, date), compose(&mut random, index, date))
}

/// xorshift64*: tiny, fast and the same on every platform.
struct Random(u64);

impl Random {
    /// The generator for `seed` (any seed, zero included, gives a nonzero state).
    fn new(seed: u64) -> Random {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: [&str; 40] = [
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "continue",
    "on",
    "Monday",
    "prices",
    "rose",
    "in",
    "the",
    "region",
    "after",
    "officials",
    "met",
    "delegates",
    "of",
    "both",
    "sides",
    "agreed",
    "to",
    "a",
    "ceasefire",
    "AT&T",
    "<draft>",
    "café",
    "Zürich",
    "naïve",
    "Kraków",
    "Минск",
    "Москва",
    "переговоры",
    "продолжатся",
    "économie",
    "São",
    "Paulo",
    "report",
    "and",
    "market",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// The next article of the corpus, number `index`: its date and its text.
fn article(random: &mut Random, index: usize) -> (Day, String) {
    let date = Day {
        year: 2015 + random.below(10),
        month: 1 + random.below(12),
        day: 1 + random.below(28),
    };
    (date, compose(random, index, date))
}

/// The text of article `index` dated `date`, the rest drawn from `random`.
fn compose(random: &mut Random, index: usize, date: Day) -> String {
    let Day { year, month, day } = date;
    let mut text = String::with_capacity(4096);
    if random.below(4) == 0 {
        text.push_str(&format!(
            "tags: {}, {}\n",
            random.pick(&["Politics", "Economy", "Экономика"]),
            random.pick(&["Europe", "Asia", "Central Asia"])
        ));
    }
    if random.below(8) == 0 {
        text.push_str(&format!("title: Report {index} on \"{}\" & more\n", random.pick(&WORDS)));
    }
    if random.below(10) == 0 {
        text.push_str(&format!("updated: {year:04}-{month:02}-{day:02}T18:30:00+03:00\n"));
    }
    if random.below(10) == 0 {
        text.push_str("lang: ru\n");
    }
    text.push_str(&format!("date {year:04}-{month:02}-{day:02}\n"));
    let place = random.pick(&[
        "MINSK",
        "ST. PETERSBURG",
        "NUR-SULTAN",
        "KYIV",
        "WASHINGTON",
        "Paris",
        "МОСКВА",
    ]);
    let dateline = match random.below(5) {
        0 => format!("{place}, {} {day}. /TASS/. ", MONTHS[month - 1]),
        1 => format!("МОСКВА, {day} {}. /ТАСС/. ", MONTHS_RU[month - 1]),
        2 => format!("{place}, {} {day} (Reuters) - ", &MONTHS[month - 1][..3]),
        3 => format!("{place} (AP) — "),
        _ => format!("{place} (AFP) - "),
    };
    text.push_str(&dateline);
    let paragraphs = 5 + random.below(6);
    for paragraph in 0..paragraphs {
        if paragraph > 0 {
            text.push_str("\n\n");
        }
        if paragraph == paragraphs / 2 {
            text.push_str(&format!(
                "Situation in {}\n\n",
                random.pick(&["Kazakhstan", "the region", "Минск"])
            ));
        }
        let words = 40 + random.below(40);
        for word in 0..words {
            if word > 0 {
                // Soft wraps, as agency copy has them.
                text.push(if word % 14 == 0 { '\n' } else { ' ' });
            }
            text.push_str(random.pick(&WORDS));
        }
        text.push_str(if random.below(3) == 0 { ", \"he said.\"" } else { "." });
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::Layout;

    #[test]
    fn the_corpus_is_deterministic_and_parses() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let bytes = super::write(one.path(), 200, 7, Layout::Flat).unwrap();
        assert_eq!(super::write(two.path(), 200, 7, Layout::Flat).unwrap(), bytes);
        let average = bytes / 200;
        assert!((2_000..4_500).contains(&average), "average article size {average} bytes");
        for index in [0, 99, 199] {
            let name = format!("a{index:07}.txt");
            let text = std::fs::read(one.path().join(&name)).unwrap();
            assert_eq!(text, std::fs::read(two.path().join(&name)).unwrap());
            let key = article::ArticleKey::new(&name[..8]).unwrap();
            let options =
                article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
            article::parse(&key, &text, &options).unwrap();
        }
        let project = wirefeed::Project::at(one.path()).with_seeds(one.path().to_owned());
        let loaded = wirefeed::load(&project).unwrap();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.entries.len(), 200);
    }

    #[test]
    fn the_nested_corpus_holds_the_flat_articles_under_their_dates() {
        let flat = tempfile::tempdir().unwrap();
        let nested = tempfile::tempdir().unwrap();
        let bytes = super::write(flat.path(), 100, 3, Layout::Flat).unwrap();
        assert_eq!(super::write(nested.path(), 100, 3, Layout::Nested).unwrap(), bytes);
        let files = wirefeed::list_files(nested.path());
        assert_eq!(files.len(), 101, "100 articles and feed.toml");
        assert!(files.contains(&"feed.toml".to_owned()));
        for relative in files.iter().filter(|name| *name != "feed.toml") {
            let (directory, name) = relative.rsplit_once('/').unwrap();
            let text = std::fs::read_to_string(nested.path().join(relative)).unwrap();
            assert_eq!(text, std::fs::read_to_string(flat.path().join(name)).unwrap());
            let date = format!("date {}", directory.replace('/', "-"));
            assert!(text.lines().any(|line| line == date), "{relative}: not {date}");
        }
    }

    #[test]
    fn the_extra_article_is_new_dated_newest_and_parses() {
        let (path, text) = super::extra(100, 3, Layout::Nested);
        assert_eq!(path, std::path::Path::new("2024/12/28/a0000100.txt"));
        assert!(text.lines().any(|line| line == "date 2024-12-28"));
        assert_eq!(super::extra(100, 3, Layout::Flat).1, text);
        let key = article::ArticleKey::new("a0000100").unwrap();
        let options = article::Options { date_offset: chrono::FixedOffset::east_opt(0).unwrap() };
        article::parse(&key, text.as_bytes(), &options).unwrap();
    }
}
