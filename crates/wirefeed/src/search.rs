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

/// Every search file, path and bytes, handed to `emit` as it is made (on any thread; the
/// docs files in order, then the word files, then the rest), the names returned in path order.
///
/// Memory stays bounded whatever the number of articles: the articles are read a batch of
/// chunks at a time, and each chunk's postings are appended to one of [`GROUPS`] files in
/// `scratch` (created, and removed at the end) by their word's hash; the word files are then
/// made group by group. A million articles hold a few hundred million postings.
pub(crate) fn files(
    settings: &Settings,
    entries: &[Entry],
    library: &(impl Library + ?Sized),
    scratch: &std::path::Path,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SearchError> + Sync),
) -> Result<Vec<String>, SearchError> {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).map_err(|error| SearchError::scratch(scratch, error))?;
    let made = made(settings, entries, library, scratch, emit);
    let _ = std::fs::remove_dir_all(scratch);
    made
}

/// Why the search files could not be made.
#[derive(Debug)]
pub(crate) enum SearchError {
    /// An article could not be read.
    Write(feed::WriteError),
    /// The scratch files could not be written or read.
    Scratch(std::path::PathBuf, std::io::Error),
    /// `emit` failed.
    Emit(Box<crate::error::BuildError>),
}

impl SearchError {
    fn scratch(path: &std::path::Path, error: std::io::Error) -> SearchError {
        SearchError::Scratch(path.to_owned(), error)
    }
}

/// How many scratch files the postings are spread over by their word's hash: each word file
/// takes its postings from one of them (or, with fewer word files, a few).
const GROUPS: usize = 64;

/// How many chunks of articles are read at a time.
const BATCH: usize = 16;

fn made(
    settings: &Settings,
    entries: &[Entry],
    library: &(impl Library + ?Sized),
    scratch: &std::path::Path,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SearchError> + Sync),
) -> Result<Vec<String>, SearchError> {
    use std::io::{BufWriter, Write as _};
    let chosen = indexed(settings, entries);
    let site_language = settings.language().as_str();
    let group_path = |group: usize| scratch.join(format!("group-{group:02}"));
    let mut groups: Vec<BufWriter<std::fs::File>> = (0..GROUPS)
        .map(|group| {
            let path = group_path(group);
            std::fs::File::create(&path)
                .map(|file| BufWriter::with_capacity(1 << 16, file))
                .map_err(|error| SearchError::scratch(&path, error))
        })
        .collect::<Result<_, _>>()?;
    let mut names = Vec::new();
    let mut total = 0;
    let chunks: Vec<&[usize]> = chosen.chunks(CHUNK).collect();
    for (batch_number, batch) in chunks.chunks(BATCH).enumerate() {
        // Each chunk of articles: its `docs/` file and its words' postings, by bucket.
        let read: Vec<Result<(String, Buckets), SearchError>> = batch
            .par_iter()
            .enumerate()
            .map(|(offset, chunk)| {
                let ordinal = batch_number * BATCH + offset;
                let (docs, buckets) =
                    chunk_postings(entries, library, site_language, ordinal, chunk)
                        .map_err(SearchError::Write)?;
                let name = format!("{DIR}docs/{ordinal:03}.json");
                emit(name.clone(), docs)?;
                Ok((name, buckets))
            })
            .collect();
        for chunk in read {
            let (name, buckets) = chunk?;
            names.push(name);
            for (bucket, words) in buckets.into_iter().enumerate() {
                let group = bucket % GROUPS;
                let path = group_path(group);
                let file = &mut groups[group];
                for (word, numbers) in words {
                    total += numbers.len();
                    let mut record = Vec::with_capacity(10 + word.len() + 4 * numbers.len());
                    record.extend_from_slice(&(bucket as u32).to_le_bytes());
                    record.extend_from_slice(&(word.len() as u32).to_le_bytes());
                    record.extend_from_slice(word.as_bytes());
                    record.extend_from_slice(&(numbers.len() as u32).to_le_bytes());
                    numbers
                        .iter()
                        .for_each(|number| record.extend_from_slice(&number.to_le_bytes()));
                    file.write_all(&record).map_err(|error| SearchError::scratch(&path, error))?;
                }
            }
        }
    }
    // Flushed, not synced: scratch files are read back by this run alone.
    for (group, file) in groups.into_iter().enumerate() {
        file.into_inner()
            .map_err(|error| SearchError::scratch(&group_path(group), error.into_error()))?;
    }

    let shards = total.div_ceil(POSTINGS_PER_SHARD).next_power_of_two().clamp(1, MAX_SHARDS);
    // Each word file takes the groups whose buckets fall in it: with at least `GROUPS` word
    // files, every group feeds word files of its own; with fewer, each word file reads a few
    // groups. A word's records are all in one group, in chunk order, so its numbers ascend.
    // Each set: the groups it reads, and the word files it makes (every one, even empty).
    let sets: Vec<(Vec<usize>, Vec<usize>)> = match shards >= GROUPS {
        true => (0..GROUPS)
            .map(|group| (vec![group], (group..shards).step_by(GROUPS).collect()))
            .collect(),
        false => (0..shards)
            .map(|shard| {
                let groups = (0..GROUPS).filter(|group| group & (shards - 1) == shard).collect();
                (groups, vec![shard])
            })
            .collect(),
    };
    let words: Vec<Result<Vec<String>, SearchError>> = sets
        .par_iter()
        .with_max_len(1)
        .map(|(set, owned)| {
            let mut by_shard: std::collections::BTreeMap<usize, Vec<(String, Vec<u32>)>> =
                owned.iter().map(|&shard| (shard, Vec::new())).collect();
            for &group in set {
                let path = group_path(group);
                let bytes =
                    std::fs::read(&path).map_err(|error| SearchError::scratch(&path, error))?;
                let damaged = || {
                    SearchError::scratch(&path, std::io::Error::other("scratch file is damaged"))
                };
                let mut rest: &[u8] = &bytes;
                while !rest.is_empty() {
                    let bucket = scratch_number(&mut rest).ok_or_else(damaged)? as usize;
                    let length = scratch_number(&mut rest).ok_or_else(damaged)? as usize;
                    let word = scratch_bytes(&mut rest, length).ok_or_else(damaged)?;
                    let word = std::str::from_utf8(word).map_err(|_| damaged())?.to_owned();
                    let count = scratch_number(&mut rest).ok_or_else(damaged)? as usize;
                    let numbers = scratch_bytes(&mut rest, 4 * count)
                        .ok_or_else(damaged)?
                        .chunks_exact(4)
                        .map(|piece| u32::from_le_bytes(piece.try_into().expect("4 bytes")))
                        .collect();
                    by_shard.entry(bucket & (shards - 1)).or_default().push((word, numbers));
                }
            }
            let mut names = Vec::new();
            for (shard, words) in by_shard {
                let name = format!("{DIR}words/{shard:03x}.json");
                emit(name.clone(), shard_json(words))?;
                names.push(name);
            }
            Ok(names)
        })
        .collect();
    for made in words {
        names.extend(made?);
    }

    let manifest = format!(
        "{{\"version\":{VERSION},\"articles\":{},\"chunk\":{CHUNK},\"shards\":{shards},\"maxWord\":{MAX_WORD}}}\n",
        chosen.len()
    );
    for (name, bytes) in [
        (MANIFEST.to_owned(), manifest.into_bytes()),
        (format!("{DIR}init.js"), SCRIPT.as_bytes().to_vec()),
        (format!("{DIR}search.css"), STYLE.as_bytes().to_vec()),
    ] {
        emit(name.clone(), bytes)?;
        names.push(name);
    }
    names.sort();
    Ok(names)
}

/// The next `count` bytes of a scratch file, if there are as many.
fn scratch_bytes<'a>(rest: &mut &'a [u8], count: usize) -> Option<&'a [u8]> {
    let (piece, after) = rest.split_at_checked(count)?;
    *rest = after;
    Some(piece)
}

/// The next number of a scratch file.
fn scratch_number(rest: &mut &[u8]) -> Option<u32> {
    scratch_bytes(rest, 4).map(|piece| u32::from_le_bytes(piece.try_into().expect("4 bytes")))
}

/// A chunk's words and their article numbers, by the low bits of their hash.
type Buckets = Vec<Vec<(String, Vec<u32>)>>;

/// The `docs/` file of chunk `ordinal`, and its words' postings by bucket, so that every
/// shard, whatever their number, takes whole buckets.
fn chunk_postings(
    entries: &[Entry],
    library: &(impl Library + ?Sized),
    site_language: &str,
    ordinal: usize,
    chunk: &[usize],
) -> Result<(Vec<u8>, Buckets), feed::WriteError> {
    type Postings = HashMap<String, Vec<u32>, std::hash::BuildHasherDefault<WordHasher>>;
    let mut docs = String::from("[");
    let mut postings = Postings::default();
    for (offset, &index) in chunk.iter().enumerate() {
        let number = u32::try_from(ordinal * CHUNK + offset).expect("fewer than 2^32");
        let entry = &entries[index];
        let article = library
            .article(index)
            .map_err(|source| feed::WriteError::Library { key: entry.key().to_string(), source })?;
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
                let lower = if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
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
    let mut buckets: Buckets = vec![Vec::new(); MAX_SHARDS];
    for (word, numbers) in postings {
        buckets[hash_of(&word) as usize & (MAX_SHARDS - 1)].push((word, numbers));
    }
    Ok((docs.into_bytes(), buckets))
}

/// A `words/` file: its words in order, each with its articles as gaps between ascending
/// numbers; a word's pieces (one per chunk) come in chunk order.
fn shard_json(mut words: Vec<(String, Vec<u32>)>) -> Vec<u8> {
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
    text.into_bytes()
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
