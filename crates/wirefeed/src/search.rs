//! The site's full-text search: a static index below `search/`, made by the build from the
//! articles a reader may see, and a small script that queries it in the browser. No server.
//!
//! The index is an inverted index of words, sharded by a hash of the word, so a query fetches
//! one small file per word and one file of titles per page of results:
//!
//! - `search/index.json`: the format version, how many articles, shards and articles per chunk;
//! - `search/words/NNN.json`: `{"word": [first, gap, gap, ...]}`, the articles that hold the
//!   word, as gaps between ascending numbers, for every word whose hash falls in shard `NNN`;
//! - `search/docs/NNN.json`: `[[url, headline, date, place, language], ...]`, articles
//!   `NNN × CHUNK` onwards, newest first, so that the first results are the newest;
//! - `search/init.js` and `search/search.css`: the form and its results, mounted into
//!   `<div id="search">` of `search.html`; without JavaScript the page still works.
//!
//! A word is a maximal run of alphanumeric characters (Unicode), lower-cased, at most
//! [`MAX_WORD`] characters; the script splits queries by the same rule and hashes words with the
//! same FNV-1a over UTF-8. Only released, not withdrawn articles are indexed: an article under
//! embargo or withdrawn is in no file of `search/`. Every byte is a function of those articles:
//! words are written in order, shards by number, and nothing reads the clock.
//!
//! Every search file is rebuilt when the set or content of those articles changes, and only
//! then: the build fingerprints them all at once ([`fingerprint`]).

use std::{collections::HashMap, fmt::Write as _};

use feed::{Entry, Library, Settings};
use rayon::prelude::*;

/// The directory of the search files, `/`-terminated.
pub(crate) const DIR: &str = "search/";

/// The file whose recorded fingerprint says whether the search files are as the articles are.
pub(crate) const MANIFEST: &str = "search/index.json";

/// The version of the index's format, in the manifest and in the fingerprint.
const VERSION: u32 = 1;

/// Articles per `docs/` file.
const CHUNK: usize = 500;

/// About how many postings (word, article) a `words/` file holds.
const POSTINGS_PER_SHARD: usize = 16_384;

/// At most this many `words/` files.
const MAX_SHARDS: usize = 4096;

/// Longer runs of letters are not words a reader types (identifiers, URLs, garbage).
const MAX_WORD: usize = 40;

/// The script that mounts the search form into `search.html`.
const SCRIPT: &str = include_str!("search/init.js");

/// Its stylesheet.
const STYLE: &str = include_str!("search/search.css");

/// Whether `path` (relative to the output directory) is a file of the search index.
pub(crate) fn is_search_file(path: &str) -> bool {
    path.starts_with(DIR)
}

/// The entries the search indexes, by index: released at the site's `now`, not withdrawn.
fn indexed(settings: &Settings, entries: &[Entry]) -> Vec<usize> {
    let now = settings.now();
    let mut chosen: Vec<usize> = (0..entries.len())
        .filter(|&index| entries[index].released(now) && !entries[index].withdrawn())
        .collect();
    // Newest first; equal times in key order.
    chosen.sort_by(|&a, &b| {
        let (a, b) = (&entries[a], &entries[b]);
        b.published().cmp(&a.published()).then_with(|| a.key().cmp(b.key()))
    });
    chosen
}

/// Everything the search files' bytes depend on: the indexed articles, in order, by the hash
/// of each one's seed (`hash_of`), and the site's language.
pub(crate) fn fingerprint(
    settings: &Settings,
    entries: &[Entry],
    hash_of: impl Fn(usize) -> u128,
    state: &mut impl std::hash::Hasher,
) {
    state.write(b"search");
    state.write_u32(VERSION);
    state.write(settings.language().as_str().as_bytes());
    state.write_u8(0);
    for index in indexed(settings, entries) {
        state.write(entries[index].key().as_str().as_bytes());
        state.write_u8(0);
        state.write_u128(hash_of(index));
    }
}

/// Every search file, path and bytes, in path order.
pub(crate) fn files(
    settings: &Settings,
    entries: &[Entry],
    library: &(impl Library + ?Sized),
) -> Result<Vec<(String, Vec<u8>)>, feed::WriteError> {
    let chosen = indexed(settings, entries);
    let site_language = settings.language().as_str();

    // Each chunk of articles: its `docs/` file and its words' postings.
    type Postings = HashMap<String, Vec<u32>, std::hash::BuildHasherDefault<WordHasher>>;
    type Buckets = Vec<Vec<(String, Vec<u32>)>>;
    let chunks: Vec<Result<(Vec<u8>, Buckets), feed::WriteError>> = chosen
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(ordinal, chunk)| {
            let mut docs = String::from("[");
            let mut postings = Postings::default();
            for (offset, &index) in chunk.iter().enumerate() {
                let number = u32::try_from(ordinal * CHUNK + offset).expect("fewer than 2^32");
                let entry = &entries[index];
                let article = library.article(index).map_err(|source| {
                    feed::WriteError::Library { key: entry.key().to_string(), source }
                })?;
                let language = article.language().map_or(site_language, |tag| tag.as_str());
                if offset > 0 {
                    docs.push(',');
                }
                docs.push_str("\n[");
                json_string(&mut docs, &feed::layout::article_path(entry.key().as_str()));
                docs.push(',');
                json_string(&mut docs, article.headline().as_str());
                docs.push(',');
                json_string(&mut docs, &entry.published().format("%Y-%m-%d").to_string());
                docs.push(',');
                json_string(&mut docs, entry.place().map_or("", |place| place));
                docs.push(',');
                json_string(&mut docs, language);
                docs.push(']');
                let mut add = |text: &str| {
                    for word in raw_words(text) {
                        // Most words are lower-case ASCII already: no allocation for those.
                        let lower =
                            if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                                std::borrow::Cow::Borrowed(word)
                            } else {
                                std::borrow::Cow::Owned(word.to_lowercase())
                            };
                        match postings.get_mut(&*lower) {
                            Some(list) if list.last() == Some(&number) => {}
                            Some(list) => list.push(number),
                            None => {
                                postings.insert(lower.into_owned(), vec![number]);
                            }
                        }
                    }
                };
                add(article.headline().as_str());
                entry.place().inspect(|place| add(place));
                entry.tags().iter().for_each(|tag| add(tag));
                article.blocks().iter().for_each(|block| add(block.text()));
            }
            docs.push_str("\n]\n");
            // The chunk's words by the low bits of their hash, so that every shard, whatever
            // their number, takes whole buckets.
            let mut buckets: Buckets = vec![Vec::new(); MAX_SHARDS];
            for (word, numbers) in postings {
                buckets[hash_of(&word) as usize & (MAX_SHARDS - 1)].push((word, numbers));
            }
            Ok((docs.into_bytes(), buckets))
        })
        .collect();

    let mut files = Vec::new();
    // Bucket by bucket, each chunk's words in chunk order.
    let mut by_bucket: Vec<Vec<(String, Vec<u32>)>> = vec![Vec::new(); MAX_SHARDS];
    let mut total = 0;
    for (ordinal, chunk) in chunks.into_iter().enumerate() {
        let (docs, buckets) = chunk?;
        files.push((format!("{DIR}docs/{ordinal:03}.json"), docs));
        for (bucket, words) in buckets.into_iter().enumerate() {
            total += words.iter().map(|(_, numbers)| numbers.len()).sum::<usize>();
            by_bucket[bucket].extend(words);
        }
    }
    let shards = total.div_ceil(POSTINGS_PER_SHARD).next_power_of_two().clamp(1, MAX_SHARDS);
    let mut sharded: Vec<Vec<(String, Vec<u32>)>> = vec![Vec::new(); shards];
    for (bucket, words) in by_bucket.into_iter().enumerate() {
        sharded[bucket & (shards - 1)].extend(words);
    }
    let words: Vec<(String, Vec<u8>)> = sharded
        .into_par_iter()
        .enumerate()
        .map(|(shard, mut words)| {
            // Stable: a word's pieces stay in chunk order, so its numbers ascend.
            words.sort_by(|a, b| a.0.cmp(&b.0));
            let mut text = String::from("{");
            let mut at = 0;
            while at < words.len() {
                let word = &words[at].0;
                let end = at + words[at..].iter().take_while(|(other, _)| other == word).count();
                text.push_str(if at == 0 { "\n" } else { ",\n" });
                json_string(&mut text, word);
                text.push_str(":[");
                let mut previous = 0;
                let numbers = words[at..end].iter().flat_map(|(_, numbers)| numbers);
                for (nth, &number) in numbers.enumerate() {
                    if nth > 0 {
                        text.push(',');
                    }
                    let _ = write!(text, "{}", number - previous);
                    previous = number;
                }
                text.push(']');
                at = end;
            }
            text.push_str("\n}\n");
            (format!("{DIR}words/{shard:03x}.json"), text.into_bytes())
        })
        .collect();
    files.extend(words);

    let manifest = format!(
        "{{\"version\":{VERSION},\"articles\":{},\"chunk\":{CHUNK},\"shards\":{shards},\"maxWord\":{MAX_WORD}}}\n",
        chosen.len()
    );
    files.push((MANIFEST.to_owned(), manifest.into_bytes()));
    files.push((format!("{DIR}init.js"), SCRIPT.as_bytes().to_vec()));
    files.push((format!("{DIR}search.css"), STYLE.as_bytes().to_vec()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The words of `text`, as the index keeps them and the script looks them up.
#[cfg(test)]
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(str::to_lowercase)
}

/// The words of `text` before they are lower-cased.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| {
        !word.is_empty() && (word.len() <= MAX_WORD || word.chars().count() <= MAX_WORD)
    })
}

/// FNV-1a (32 bits) of `word`'s UTF-8 bytes: its shard is this modulo the number of shards,
/// a power of two.
fn hash_of(word: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in word.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The hasher of the words' table while it is filled: FNV-1a, quicker than the default for
/// short keys. Nothing is written in the table's order, so its hash is of no consequence.
#[derive(Debug, Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = self.0 ^ 0xcbf2_9ce4_8422_2325;
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `text` as a JSON string, appended to `out`.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            // `</script>` cannot end anything in a JSON file, but `<` costs little to keep out.
            c if (c as u32) < 0x20 || c == '<' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::{hash_of, json_string, words};

    #[test]
    fn words_are_lowercased_alphanumeric_runs() {
        let found: Vec<String> = words("MINSK, May 3 (Reuters) - Łódź's 2nd-quarter").collect();
        assert_eq!(found, ["minsk", "may", "3", "reuters", "łódź", "s", "2nd", "quarter"]);
        assert_eq!(words(&"a".repeat(41)).count(), 0);
    }

    #[test]
    fn shards_are_fnv1a_as_the_script_computes_them() {
        // FNV-1a 32 of "a" is 0xe40c292c; the script's `shardOf` gives the same.
        assert_eq!(hash_of("a"), 0xe40c_292c);
        assert_eq!(hash_of("ł"), 0x538f_31a6);
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        json_string(&mut out, "a\"b\\c\n<\u{1}");
        assert_eq!(out, r#""a\"b\\c\n\u003c\u0001""#);
    }
}
