//! `cargo xtask corpus`: a deterministic synthetic wire corpus for benchmarks and scale tests.
//!
//! Articles of about 3 KB on average in every dateline style, with subheadings, quotes,
//! `& < >`, Cyrillic and accented words, and a few metadata fields; the same `--seed` gives the
//! same bytes everywhere (a fixed generator, no system randomness).

use std::{fs, path::PathBuf, process::ExitCode};

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
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let bytes = write(&args.out, args.n, args.seed)?;
    eprintln!("{} articles, {:.1} MB in {}", args.n, bytes as f64 / 1e6, display(&args.out));
    Ok(ExitCode::SUCCESS)
}

/// Writes `n` articles and a `feed.toml` that publishes all of them; returns the bytes written.
pub(crate) fn write(out: &std::path::Path, n: usize, seed: u64) -> anyhow::Result<u64> {
    fs::create_dir_all(out).with_context(|| format!("{}: cannot create", display(out)))?;
    fs::write(out.join("feed.toml"), "item-limit = 0\ndate-offset = \"+03:00\"\n")?;
    let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut total = 0;
    for index in 0..n {
        let text = article(&mut random, index);
        total += text.len() as u64;
        let path = out.join(format!("a{index:07}.txt"));
        fs::write(&path, text).with_context(|| format!("{}: cannot write", display(&path)))?;
    }
    Ok(total)
}

/// xorshift64*: tiny, fast and the same on every platform.
struct Random(u64);

impl Random {
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

fn article(random: &mut Random, index: usize) -> String {
    let (year, month, day) = (2015 + random.below(10), 1 + random.below(12), 1 + random.below(28));
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
    #[test]
    fn the_corpus_is_deterministic_and_parses() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let bytes = super::write(one.path(), 200, 7).unwrap();
        assert_eq!(super::write(two.path(), 200, 7).unwrap(), bytes);
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
}
