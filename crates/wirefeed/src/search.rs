//! The site's full-text search: a static index below `search/`, made by the build from the
//! articles a reader may see, and a small script that queries it in the browser. No server.
//!
//! The index is an inverted index of words, sharded by a hash of the word, so a query fetches
//! one small file per word and one file of titles per page of results:
//!
//! - `search/index.json`: the format version, how many articles and word files, and where
//!   each docs file starts (`"docs": [first, gap, gap, ...]`, the numbers of their first
//!   articles);
//! - `search/words/XXX.json`: `{"word": [first, gap, gap, ...]}`, the articles that hold the
//!   word, as gaps between ascending numbers, for every word whose hash falls in shard `XXX`;
//! - `search/docs/N.json`: `[[number, url, headline, date, place, language], ...]`, the
//!   articles from number `N` on, up to the next docs file.
//!
//! An article's number is the second it was published (Unix time; before 1970 counts as 1970),
//! or, when an older article holds that number, the one after the older one's: numbers ascend
//! oldest first (by publication, then key), and the script lists results from the highest
//! number down, newest first. A number depends only on the articles published in the same
//! seconds just before it, so adding, editing, back-dating or deleting a story changes no
//! other article's number, and a patch touches only the word files of its words. The docs
//! files are cut where an article's key hashes to a multiple of [`CHUNK`] (or after
//! [`MAX_CHUNK`] articles): a cut depends on the article, not on its position, so a change
//! rewrites the docs file it falls in and no other.
//! - `search/init.js` and `search/search.css`: the form and its results, mounted into
//!   `<div id="search">` of `search.html`; without JavaScript the page still works.
//!
//! A word is a maximal run of alphanumeric characters (Unicode), lower-cased, at most
//! [`MAX_WORD`] characters; the script splits queries by the same rule and hashes words with the
//! same FNV-1a over UTF-8. Only released, not withdrawn articles are indexed: an article under
//! embargo or withdrawn is in no file of `search/`. Every byte is a function of those articles:
//! words are written in order, shards by number, and nothing reads the clock.
//!
//! The search files change only when the set or content of those articles changes: the build
//! fingerprints them all at once ([`fingerprint`]). Then, when the cache holds the [`State`] the
//! files on disk were made from, the build patches them ([`patch`]): it reads only the new and
//! edited articles, and rewrites the word files their words fall in, or, when articles left or
//! changed, every word file from the old ones, without reading a single unchanged article.
//! Otherwise it makes them all from the articles ([`files`]). Both give the same bytes.

use std::{collections::HashMap, fmt::Write as _};

use feed::{Entry, Library, Settings};
use rayon::prelude::*;

/// The directory of the search files, `/`-terminated.
pub(crate) const DIR: &str = "search/";

/// The file whose recorded fingerprint says whether the search files are as the articles are.
pub(crate) const MANIFEST: &str = "search/index.json";

/// The version of the index's format, in the manifest and in the fingerprint.
const VERSION: u32 = 3;

/// A docs file starts at each article whose key's hash is a multiple of this: it holds this
/// many articles on average.
const CHUNK: u64 = 512;

/// At most this many articles per docs file.
const MAX_CHUNK: usize = 2048;

/// The latest second an article's number is taken from (in 2096); later ones count as this.
/// Numbers above it are left for the articles of its seconds, up to `u32::MAX`.
const LAST_SECOND: i64 = 4_000_000_000;

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

/// The entries the search indexes, by index, in the order of their numbers: released at the
/// settings' `now`, not withdrawn, oldest first, articles published at the same instant in key
/// order. Sorted apart from the site's pages, so that the search is made while they are
/// planned: seeds in dated directories come nearly in this order, and a merge sort takes their
/// runs whole.
pub(crate) fn indexed(settings: &Settings, entries: &[Entry]) -> Vec<usize> {
    let now = settings.now();
    // The instant beside the index: entries are read again only for the keys of a tie.
    let mut chosen: Vec<((i64, u32), u32)> = (0..entries.len())
        .into_par_iter()
        .filter(|&index| entries[index].released(now) && !entries[index].withdrawn())
        .map(|index| {
            let instant = entries[index].instant();
            (instant, u32::try_from(index).expect("fewer than 2^32 entries"))
        })
        .collect();
    chosen.par_sort_by(|(a_instant, a), (b_instant, b)| {
        (a_instant.cmp(b_instant))
            .then_with(|| entries[*a as usize].key().cmp(entries[*b as usize].key()))
    });
    chosen.into_iter().map(|(_, index)| index as usize).collect()
}

/// [`indexed`], from an earlier build's (`earlier`, by its indices), whose entries became these
/// by a splice: `renumber` gives each earlier entry's index now (`u32::MAX` when gone or
/// changed) and `fresh` the entries new or changed since. The entries kept are the same, and
/// released as they were: they keep their order, and the fresh ones are sorted in.
pub(crate) fn indexed_after(
    settings: &Settings,
    entries: &[Entry],
    earlier: &[u32],
    renumber: &[u32],
    fresh: &[usize],
) -> Vec<usize> {
    let now = settings.now();
    let oldest_first = |a: usize, b: usize| {
        let (a, b) = (&entries[a], &entries[b]);
        (a.instant().cmp(&b.instant())).then_with(|| a.key().cmp(b.key()))
    };
    let fresh = (fresh.iter().copied())
        .filter(|&index| entries[index].released(now) && !entries[index].withdrawn());
    let chosen = feed::order_made_over(earlier, renumber, fresh, oldest_first);
    debug_assert_eq!(chosen, indexed(settings, entries), "the earlier order, made over");
    chosen
}

/// The indexed articles, in the order of their numbers (`chosen`): each one's key hashed, the
/// hash of its seed (`hash_of`) and its number. The keys are hashed in entry order, which is
/// memory order, and only then put in the order of the numbers.
pub(crate) fn listing(
    entries: &[Entry],
    chosen: &[usize],
    hash_of: &(dyn Fn(usize) -> u128 + Sync),
) -> Vec<Listed> {
    let keys: Vec<u64> = entries.par_iter().map(key_hash).collect();
    let mut listing: Vec<Listed> = chosen
        .par_iter()
        .map(|&index| {
            let second = entries[index].published().timestamp().clamp(0, LAST_SECOND);
            let number = u32::try_from(second).expect("LAST_SECOND is below 2^32");
            Listed { key: keys[index], seed: hash_of(index), number, words: 0 }
        })
        .collect();
    // The second it was published, or the one after the previous article's number.
    let mut next = 0;
    for listed in &mut listing {
        listed.number = listed.number.max(next);
        next = listed.number.checked_add(1).expect("fewer than 2^28 articles after 2096");
    }
    listing
}

/// Everything the search files' bytes depend on: the indexed articles in order (`listing`:
/// each one's key, by its hash, and the hash of its seed), and the site's language.
pub(crate) fn fingerprint(
    settings: &Settings,
    listing: &[Listed],
    state: &mut impl std::hash::Hasher,
) {
    state.write(b"search");
    state.write_u32(VERSION);
    state.write(settings.language().as_str().as_bytes());
    state.write_u8(0);
    state.write_usize(listing.len());
    for listed in listing {
        state.write_u64(listed.key);
        state.write_u128(listed.seed);
        state.write_u32(listed.number);
    }
}

/// The search files a build made, by either path.
pub(crate) struct Made {
    /// Every search file, in path order.
    pub(crate) names: Vec<String>,
    /// What they were made from, for the next build to patch them.
    pub(crate) list: List,
    /// Whether they were patched ([`patch`]) rather than made from every article.
    pub(crate) patched: bool,
}

/// The indexed articles in the order of their numbers, as the search files hold them, and how
/// many word files there are: what a later build needs to patch those files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct List {
    shards: u32,
    articles: Vec<Listed>,
}

/// One indexed article: a hash of its key, the hash of its seed, its number, and how many
/// distinct words it has (its postings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Listed {
    key: u64,
    seed: u128,
    number: u32,
    words: u32,
}

impl Listed {
    /// The same article with the same seed, whatever its number.
    fn same_article(&self, other: &Listed) -> bool {
        self.key == other.key && self.seed == other.seed
    }

    /// The same article with the same seed and the same number: the same lines in every file.
    fn same(&self, other: &Listed) -> bool {
        self.same_article(other) && self.number == other.number
    }

    /// Whether a docs file starts at this article (unless the one before is full).
    fn cuts(&self) -> bool {
        (self.key >> 32).is_multiple_of(CHUNK)
    }
}

/// Where each docs file starts, as positions in `articles`: at the first article, and at every
/// article that [`cuts`](Listed::cuts) or follows [`MAX_CHUNK`] articles of one file.
fn chunk_starts(articles: &[Listed]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(articles.len() / CHUNK as usize + 1);
    for (position, listed) in articles.iter().enumerate() {
        let starts_here = match starts.last() {
            None => true,
            Some(&start) => listed.cuts() || position - start == MAX_CHUNK,
        };
        if starts_here {
            starts.push(position);
        }
    }
    starts
}

/// The positions each docs file holds, from where they start (`starts`) among `count` articles.
fn chunk_ranges(starts: &[usize], count: usize) -> Vec<std::ops::Range<usize>> {
    let ends = starts.iter().skip(1).copied().chain(std::iter::once(count));
    starts.iter().zip(ends).map(|(&start, end)| start..end).collect()
}

/// The name of the docs file whose first article has `number`.
fn docs_name(number: u32) -> String {
    format!("{DIR}docs/{number}.json")
}

/// The name of word file `shard`.
fn words_name(shard: usize) -> String {
    format!("{DIR}words/{shard:03x}.json")
}

/// The file of the cache that holds the [`State`].
pub(crate) const STATE: &str = "search-state";

/// What the search files on disk were made from: the context they depend on besides their
/// articles (program, settings, format: [`State::context`]), the fingerprint the index records
/// for them, and the [`List`]. Trusted only when both match: then the files are as the list
/// says, since the index is stored, and trusted, only after every file of its run is in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) context: u128,
    pub(crate) print: u128,
    pub(crate) list: List,
}

/// The first bytes of the state file.
const STATE_MAGIC: &[u8; 16] = b"wirefeed-search\0";

/// The bytes of one [`Listed`] in the state file.
const LISTED_BYTES: usize = 8 + 16 + 4 + 4;

impl State {
    /// The context of the search files: `identity` (program and settings) and the format.
    pub(crate) fn context(program: &str, settings: u128) -> u128 {
        use std::hash::Hasher as _;
        let mut state = xxhash_rust::xxh3::Xxh3::new();
        state.write(b"search-context");
        state.write_u32(VERSION);
        state.write(program.as_bytes());
        state.write_u8(0);
        state.write_u128(settings);
        state.digest128()
    }

    /// The state in `path`, if it is whole and of this format.
    pub(crate) fn load(path: &std::path::Path) -> Option<State> {
        let bytes = std::fs::read(path).ok()?;
        let (head, rest) = bytes.split_at_checked(16 + 16 + 16 + 4 + 8)?;
        let (magic, head) = head.split_at(16);
        if magic != STATE_MAGIC {
            return None;
        }
        let u128_at = |at: usize| u128::from_le_bytes(head[at..at + 16].try_into().expect("16"));
        let context = u128_at(0);
        let print = u128_at(16);
        let shards = u32::from_le_bytes(head[32..36].try_into().expect("4"));
        let count =
            usize::try_from(u64::from_le_bytes(head[36..44].try_into().expect("8"))).ok()?;
        let (body, check) = rest.split_at_checked(count.checked_mul(LISTED_BYTES)?)?;
        if check != xxhash_rust::xxh3::xxh3_64(&bytes[..bytes.len() - 8]).to_le_bytes() {
            return None;
        }
        let articles = body
            .chunks_exact(LISTED_BYTES)
            .map(|piece| Listed {
                key: u64::from_le_bytes(piece[0..8].try_into().expect("8")),
                seed: u128::from_le_bytes(piece[8..24].try_into().expect("16")),
                number: u32::from_le_bytes(piece[24..28].try_into().expect("4")),
                words: u32::from_le_bytes(piece[28..32].try_into().expect("4")),
            })
            .collect();
        Some(State { context, print, list: List { shards, articles } })
    }

    /// Writes the state to `path` atomically (a temporary file renamed), checksummed.
    pub(crate) fn store(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(60 + LISTED_BYTES * self.list.articles.len() + 8);
        bytes.extend_from_slice(STATE_MAGIC);
        bytes.extend_from_slice(&self.context.to_le_bytes());
        bytes.extend_from_slice(&self.print.to_le_bytes());
        bytes.extend_from_slice(&self.list.shards.to_le_bytes());
        bytes.extend_from_slice(&(self.list.articles.len() as u64).to_le_bytes());
        for listed in &self.list.articles {
            bytes.extend_from_slice(&listed.key.to_le_bytes());
            bytes.extend_from_slice(&listed.seed.to_le_bytes());
            bytes.extend_from_slice(&listed.number.to_le_bytes());
            bytes.extend_from_slice(&listed.words.to_le_bytes());
        }
        let check = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend_from_slice(&check.to_le_bytes());
        let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
        std::fs::write(&temporary, &bytes)?;
        std::fs::rename(&temporary, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
    }
}

/// The hash of an article's key in the [`List`].
fn key_hash(entry: &Entry) -> u64 {
    xxhash_rust::xxh3::xxh3_64(entry.key().as_str().as_bytes())
}

/// How many word files hold `postings` postings.
fn shards_for(postings: u64) -> u32 {
    let shards = postings.div_ceil(POSTINGS_PER_SHARD as u64).next_power_of_two();
    shards.clamp(1, MAX_SHARDS as u64) as u32
}

/// Every search file's name for the indexed `articles`, their docs files starting at `starts`,
/// and `shards` word files, in order.
fn names(articles: &[Listed], starts: &[usize], shards: u32) -> Vec<String> {
    let mut names: Vec<String> =
        starts.iter().map(|&start| docs_name(articles[start].number)).collect();
    names.extend((0..shards as usize).map(words_name));
    names.extend([MANIFEST.to_owned(), format!("{DIR}init.js"), format!("{DIR}search.css")]);
    names.sort();
    names
}

/// The files that are the same whatever the articles, and the manifest; emitted last.
fn emit_rest(
    articles: &[Listed],
    starts: &[usize],
    shards: u32,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SearchError> + Sync),
) -> Result<(), SearchError> {
    let mut manifest = format!(
        "{{\"version\":{VERSION},\"articles\":{},\"shards\":{shards},\"maxWord\":{MAX_WORD},\"docs\":[",
        articles.len(),
    );
    let mut previous = 0;
    for (nth, &start) in starts.iter().enumerate() {
        if nth > 0 {
            manifest.push(',');
        }
        push_number(&mut manifest, articles[start].number - previous);
        previous = articles[start].number;
    }
    manifest.push_str("]}\n");
    emit(MANIFEST.to_owned(), manifest.into_bytes())?;
    emit(format!("{DIR}init.js"), SCRIPT.as_bytes().to_vec())?;
    emit(format!("{DIR}search.css"), STYLE.as_bytes().to_vec())
}

/// Every search file, path and bytes, handed to `emit` as it is made (on any thread; the
/// docs files in order, then the word files, then the rest), made from every indexed article.
///
/// Memory stays bounded whatever the number of articles: the articles are read a batch of
/// chunks at a time, and each chunk's postings are appended to one of [`GROUPS`] files in
/// `scratch` (created, and removed at the end) by their word's hash; the word files are then
/// made group by group. A million articles hold a few hundred million postings.
pub(crate) fn files(
    settings: &Settings,
    entries: &[Entry],
    chosen: &[usize],
    listing: &[Listed],
    library: &(impl Library + ?Sized),
    scratch: &std::path::Path,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SearchError> + Sync),
) -> Result<Made, SearchError> {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).map_err(|error| SearchError::scratch(scratch, error))?;
    let made = made(settings, entries, chosen, listing, library, scratch, emit);
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
    chosen: &[usize],
    listing: &[Listed],
    library: &(impl Library + ?Sized),
    scratch: &std::path::Path,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SearchError> + Sync),
) -> Result<Made, SearchError> {
    use std::io::{BufWriter, Write as _};
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
    let mut total = 0;
    let mut articles = Vec::with_capacity(chosen.len());
    let starts = chunk_starts(listing);
    let chunks = chunk_ranges(&starts, listing.len());
    // A word's record in a scratch file, made here again for each.
    let mut record = Vec::new();
    for batch in chunks.chunks(BATCH) {
        // Each chunk of articles: its `docs/` file and its words' postings, by bucket.
        let read: Vec<Result<(Buckets, Vec<u32>), SearchError>> = batch
            .par_iter()
            .map(|chunk| {
                let listed = &listing[chunk.clone()];
                let (docs, buckets, counts) =
                    chunk_postings(entries, library, site_language, &chosen[chunk.clone()], listed)
                        .map_err(SearchError::Write)?;
                emit(docs_name(listed[0].number), docs)?;
                Ok((buckets, counts))
            })
            .collect();
        for (chunk, read) in batch.iter().zip(read) {
            let (buckets, counts) = read?;
            let listed = &listing[chunk.clone()];
            articles.extend(
                listed.iter().zip(counts).map(|(listed, words)| Listed { words, ..*listed }),
            );
            // (Most of a chunk's 4,096 buckets are empty: nothing is done for them, not even
            // naming their group's file.)
            for (bucket, words) in buckets.into_iter().enumerate() {
                let group = bucket % GROUPS;
                let file = &mut groups[group];
                for (word, numbers) in words {
                    total += numbers.len();
                    record.clear();
                    record.extend_from_slice(&(bucket as u32).to_le_bytes());
                    record.extend_from_slice(&(word.len() as u32).to_le_bytes());
                    record.extend_from_slice(word.as_bytes());
                    record.extend_from_slice(&(numbers.len() as u32).to_le_bytes());
                    numbers
                        .iter()
                        .for_each(|number| record.extend_from_slice(&number.to_le_bytes()));
                    file.write_all(&record)
                        .map_err(|error| SearchError::scratch(&group_path(group), error))?;
                }
            }
        }
    }
    // Flushed, not synced: scratch files are read back by this run alone.
    for (group, file) in groups.into_iter().enumerate() {
        file.into_inner()
            .map_err(|error| SearchError::scratch(&group_path(group), error.into_error()))?;
    }

    let shards = shards_for(total as u64) as usize;
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
    sets.par_iter().with_max_len(1).try_for_each(|(set, owned)| {
        let mut by_shard: std::collections::BTreeMap<usize, Vec<(String, Vec<u32>)>> =
            owned.iter().map(|&shard| (shard, Vec::new())).collect();
        for &group in set {
            let path = group_path(group);
            let bytes = std::fs::read(&path).map_err(|error| SearchError::scratch(&path, error))?;
            let damaged =
                || SearchError::scratch(&path, std::io::Error::other("scratch file is damaged"));
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
        for (shard, words) in by_shard {
            emit(words_name(shard), shard_json(words))?;
        }
        Ok(())
    })?;
    emit_rest(&articles, &starts, shards as u32, emit)?;
    let names = names(&articles, &starts, shards as u32);
    Ok(Made { names, list: List { shards: shards as u32, articles }, patched: false })
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

/// The `docs/` file of the entries `chunk`, numbered as `listed` says, their words' postings
/// by bucket, so that every shard, whatever their number, takes whole buckets, and how many
/// distinct words each article has.
fn chunk_postings(
    entries: &[Entry],
    library: &(impl Library + ?Sized),
    site_language: &str,
    chunk: &[usize],
    listed: &[Listed],
) -> Result<(Vec<u8>, Buckets, Vec<u32>), feed::WriteError> {
    let mut docs = Vec::with_capacity(chunk.len());
    // Each word of the chunk, lower-cased, with its numbers, in the order first met; where each
    // is in it by the word lower-cased, and by each word as written that is not its own lower
    // case (`Москва`), so that a name or a sentence's first word is lower-cased once a chunk, not
    // every time it is met.
    let mut words: Vec<(String, Vec<u32>)> = Vec::new();
    let (mut lowered, mut written) = (WordTable::default(), WordTable::default());
    let mut buffer = String::new();
    let mut counts = Vec::with_capacity(chunk.len());
    for (offset, &index) in chunk.iter().enumerate() {
        let number = listed[offset].number;
        let entry = &entries[index];
        let article = read(library, entries, index)?;
        docs.push((number, doc(entry, &article, site_language)));
        let mut count = 0;
        texts(entry, &article, |word, lower| {
            let known = match lower {
                true => lowered.get(word),
                false => written.get(word),
            };
            let at = match known {
                Some(at) => at,
                None => {
                    let key = match lower {
                        true => word,
                        false => {
                            buffer.clear();
                            article::unicode::lowercase_into(&mut buffer, word);
                            &buffer
                        }
                    };
                    let at = match lowered.get(key) {
                        Some(at) => at,
                        None => {
                            let at = words.len() as u32;
                            words.push((key.to_owned(), Vec::new()));
                            lowered.insert(key, at);
                            at
                        }
                    };
                    if !lower {
                        written.insert(word, at);
                    }
                    at
                }
            };
            let numbers = &mut words[at as usize].1;
            if numbers.last() != Some(&number) {
                numbers.push(number);
                count += 1;
            }
        });
        counts.push(count);
    }
    let mut buckets: Buckets = vec![Vec::new(); MAX_SHARDS];
    for (word, numbers) in words {
        buckets[hash_of_word(&word) as usize & (MAX_SHARDS - 1)].push((word, numbers));
    }
    Ok((docs_json(&docs), buckets, counts))
}

/// Where each word of a chunk is in its list: most words have at most eight bytes, and are
/// found by those bytes as one number (one multiplication to hash, one comparison to match)
/// instead of as a string.
#[derive(Default)]
struct WordTable {
    short: HashMap<u64, u32, rustc_hash::FxBuildHasher>,
    long: HashMap<String, u32, rustc_hash::FxBuildHasher>,
}

impl WordTable {
    fn get(&self, word: &str) -> Option<u32> {
        match short_key(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(word).copied(),
        }
    }

    fn insert(&mut self, word: &str, at: u32) {
        match short_key(word) {
            Some(key) => self.short.insert(key, at),
            None => self.long.insert(word.to_owned(), at),
        };
    }
}

/// A word of one to eight bytes as a number: its bytes in little-endian order, zeros above.
/// No two such words share one, since a word holds no NUL. `None` for longer words.
fn short_key(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    let mut padded = [0; 8];
    padded.get_mut(..bytes.len())?.copy_from_slice(bytes);
    Some(u64::from_le_bytes(padded))
}

/// The article of entry `index`.
fn read<'a>(
    library: &'a (impl Library + ?Sized),
    entries: &[Entry],
    index: usize,
) -> Result<feed::Held<'a>, feed::WriteError> {
    library.article(index).map_err(|source| feed::WriteError::Library {
        key: entries[index].key().to_string(),
        source,
    })
}

/// Every word the index files an article under (repeats too), as written, and whether it is
/// its own lower case ([`each_word`]): its headline's, its place's, its tags' and its body's.
fn texts(entry: &Entry, article: &article::Article, mut add: impl FnMut(&str, bool)) {
    let mut words = |text: &str| each_word(text, &mut add);
    words(article.headline().as_str());
    entry.place().inspect(|place| words(place));
    entry.tags().iter().for_each(|tag| words(tag));
    article.blocks().iter().for_each(|block| words(block.text()));
}

/// The words of [`texts`], lower-cased.
fn lowered_texts(entry: &Entry, article: &article::Article, mut add: impl FnMut(&str)) {
    let mut buffer = String::new();
    texts(entry, article, |word, lower| match lower {
        true => add(word),
        false => {
            buffer.clear();
            article::unicode::lowercase_into(&mut buffer, word);
            add(&buffer);
        }
    });
}

/// An article's entry of a `docs/` file, after its number: `[url, headline, date, place,
/// language]`.
type Doc = [String; 5];

/// The [`Doc`] of an article.
fn doc(entry: &Entry, article: &article::Article, site_language: &str) -> Doc {
    [
        feed::layout::article_path(entry.key().as_str()),
        article.headline().as_str().to_owned(),
        entry.published().format("%Y-%m-%d").to_string(),
        entry.place().map_or("", |place| place).to_owned(),
        article.language().map_or(site_language, |tag| tag.as_str()).to_owned(),
    ]
}

/// A `docs/` file of these entries and their numbers.
fn docs_json(docs: &[(u32, Doc)]) -> Vec<u8> {
    docs_file(docs.iter(), |out, (number, doc)| push_doc_line(out, *number, doc))
}

/// A [`Doc`] and its article's number as its line of a `docs/` file, appended to `out`: a
/// JSON array, on one line since every string's line breaks are escaped.
fn push_doc_line(out: &mut String, number: u32, fields: &Doc) {
    out.push('[');
    push_number(out, number);
    for field in fields {
        out.push(',');
        json_string(out, field);
    }
    out.push(']');
}

/// A `docs/` file of these lines, each written by `push` ([`push_doc_line`], or a line of an
/// old file copied as it is).
fn docs_file<T>(lines: impl Iterator<Item = T>, push: impl Fn(&mut String, T)) -> Vec<u8> {
    let mut text = String::from("[");
    for (nth, line) in lines.enumerate() {
        text.push_str(if nth == 0 { "\n" } else { ",\n" });
        push(&mut text, line);
    }
    text.push_str("\n]\n");
    text.into_bytes()
}

/// The lines of a `docs/` file as [`docs_file`] writes it; `None` if `text` is not such a file.
fn doc_lines(text: &str) -> Option<Vec<&str>> {
    let body = text.strip_prefix("[\n")?.strip_suffix("\n]\n")?;
    body.split(",\n")
        .map(|line| (line.starts_with('[') && line.ends_with(']')).then_some(line))
        .collect()
}

/// Patches the search files on disk in `out`, made from `previous`, to index `entries`, handing
/// each file that may have changed to `emit`; `None` when a patch would cost about as much as
/// making them all (or the files on disk are not as `previous` says), and nothing was emitted
/// that [`files`] will not emit again.
///
/// The articles before the first change and after the last one are the old ones with their
/// numbers. Between them, each article is either one of the old ones with the same seed (kept;
/// when its number moved, because an article of the same seconds came or went, it is read
/// again), or new or edited, and read. The word files rewritten: those of the words of the
/// articles read, or, when an old article left or changed (its words are not known any more),
/// every one in which its number is found. In each, the numbers before the change and after
/// it are copied as text; only those between are mapped. The docs files rewritten: those
/// whose articles are not all the old ones, in the same file. No unchanged article is read.
#[allow(clippy::too_many_arguments)]
pub(crate) fn patch(
    settings: &Settings,
    entries: &[Entry],
    chosen: &[usize],
    listing: &[Listed],
    library: &(impl Library + ?Sized),
    previous: &List,
    out: &std::path::Path,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), SearchError> + Sync),
) -> Result<Option<Made>, SearchError> {
    let site_language = settings.language().as_str();
    let old = &previous.articles;
    let now = listing;
    let first = old.iter().zip(now).take_while(|(a, b)| a.same(b)).count();
    let last = (old[first..].iter().rev())
        .zip(now[first..].iter().rev())
        .take_while(|(a, b)| a.same(b))
        .count();
    let (old_end, now_end) = (old.len() - last, now.len() - last);
    // Where each old article between the changes went, if it is still there with its seed.
    let mut at: HashMap<u64, usize> = HashMap::with_capacity(now_end - first);
    for (position, listed) in now[..now_end].iter().enumerate().skip(first) {
        if at.insert(listed.key, position).is_some() {
            return Ok(None);
        }
    }
    let mut moved_to: Vec<Option<usize>> = vec![None; old_end - first];
    let mut kept = vec![false; now_end - first];
    for (offset, listed) in old[first..old_end].iter().enumerate() {
        if let Some(&position) = at.get(&listed.key).filter(|&&at| now[at].same_article(listed)) {
            moved_to[offset] = Some(position);
            kept[position - first] = true;
        }
    }
    drop(at);
    let left = moved_to.iter().filter(|to| to.is_none()).count();
    // New or edited articles, whose words are added; kept ones numbered anew, whose words are
    // moved. Both have new docs lines.
    let fresh: Vec<usize> = (first..now_end).filter(|&at| !kept[at - first]).collect();
    let shifted: Vec<usize> = (moved_to.iter().enumerate())
        .filter_map(|(offset, &to)| to.filter(|&at| now[at].number != old[first + offset].number))
        .collect();
    if fresh.len() + shifted.len() > (now.len() / 4).max(1_000) {
        return Ok(None);
    }
    let reading: Vec<usize> = fresh.iter().chain(&shifted).copied().collect();
    let read_all: Vec<Result<(String, Vec<String>), feed::WriteError>> = reading
        .par_iter()
        .map(|&position| {
            let index = chosen[position];
            let article = read(library, entries, index)?;
            let mut words = Vec::new();
            lowered_texts(&entries[index], &article, |word| words.push(word.to_owned()));
            words.sort_unstable();
            words.dedup();
            let mut line = String::new();
            push_doc_line(
                &mut line,
                now[position].number,
                &doc(&entries[index], &article, site_language),
            );
            Ok((line, words))
        })
        .collect();
    let mut new_lines: HashMap<usize, String> = HashMap::with_capacity(reading.len());
    let mut read_words: Vec<Vec<String>> = Vec::with_capacity(reading.len());
    for (&position, read) in reading.iter().zip(read_all) {
        let (line, words) = read.map_err(SearchError::Write)?;
        new_lines.insert(position, line);
        read_words.push(words);
    }
    let (fresh_words, shifted_words) = read_words.split_at(fresh.len());
    let mut articles = now.to_vec();
    for position in 0..first {
        articles[position].words = old[position].words;
    }
    for end in 0..last {
        articles[now_end + end].words = old[old_end + end].words;
    }
    for (offset, &to) in moved_to.iter().enumerate() {
        if let Some(to) = to {
            articles[to].words = old[first + offset].words;
        }
    }
    for (&position, words) in fresh.iter().zip(fresh_words) {
        articles[position].words = words.len() as u32;
    }
    let total: u64 = articles.iter().map(|listed| u64::from(listed.words)).sum();
    let shards = shards_for(total);
    if shards != previous.shards {
        return Ok(None);
    }
    // The old numbers between the changes: below `low` and from `high` on, numbers stay.
    let window = &old[first..old_end];
    let low = window.first().map_or(u32::MAX, |listed| listed.number);
    let high = old.get(old_end).map_or(u32::MAX, |listed| listed.number);
    // An old number between them: the new one, if its article is still there; `None` if it is
    // no article's number, and the file is not as the list says.
    let shift = |number: u32| -> Option<Option<u32>> {
        let offset = window.binary_search_by_key(&number, |listed| listed.number).ok()?;
        Some(moved_to[offset].map(|to| now[to].number))
    };
    let shard_of = |word: &str| (hash_of_word(word) & (shards - 1)) as usize;
    // The new articles' postings, by word file.
    let mut added: Vec<Vec<(&str, u32)>> = vec![Vec::new(); shards as usize];
    for (&position, words) in fresh.iter().zip(fresh_words) {
        for word in words {
            added[shard_of(word)].push((word, now[position].number));
        }
    }
    let due: Vec<usize> = match left > 0 {
        true => (0..shards as usize).collect(),
        false => {
            let mut due = vec![false; shards as usize];
            for (shard, words) in added.iter().enumerate() {
                due[shard] |= !words.is_empty();
            }
            for word in shifted_words.iter().flatten() {
                due[shard_of(word)] = true;
            }
            (0..shards as usize).filter(|&shard| due[shard]).collect()
        }
    };
    let patched: Result<Vec<bool>, SearchError> = due
        .par_iter()
        .map(|&shard| {
            let Ok(text) = std::fs::read_to_string(out.join(words_name(shard))) else {
                return Ok(false);
            };
            let Some(bytes) = patch_words(&text, &added[shard], low..high, shift) else {
                return Ok(false);
            };
            // A file the patch left as it was is not handed on to be compared again.
            if bytes != text.as_bytes() {
                emit(words_name(shard), bytes)?;
            }
            Ok(true)
        })
        .collect();
    if !patched?.into_iter().all(|done| done) {
        return Ok(None);
    }
    // The docs files: a file whose articles are the old ones of a file of the same start and
    // length, with their numbers, is the file on disk; the others are made from the old
    // files' lines and the new ones.
    let old_starts = chunk_starts(old);
    let old_chunks: HashMap<u32, std::ops::Range<usize>> = (chunk_ranges(&old_starts, old.len()))
        .into_iter()
        .map(|range| (old[range.start].number, range))
        .collect();
    let came_from: HashMap<usize, usize> = (moved_to.iter().enumerate())
        .filter_map(|(offset, &to)| {
            to.filter(|to| !new_lines.contains_key(to)).map(|to| (to, first + offset))
        })
        .collect();
    // Where an article's line is in the old files, unless it has a new one.
    let old_position = |position: usize| -> Option<usize> {
        match position {
            _ if new_lines.contains_key(&position) => None,
            _ if position < first => Some(position),
            _ if position >= now_end => Some(position - now_end + old_end),
            _ => came_from.get(&position).copied(),
        }
    };
    let starts = chunk_starts(&articles);
    // The start of the old docs file that holds the old article at `position`.
    let old_start =
        |position: usize| old_starts[old_starts.partition_point(|&start| start <= position) - 1];
    let patched: Result<Vec<bool>, SearchError> = chunk_ranges(&starts, articles.len())
        .into_par_iter()
        .map(|chunk| {
            let number = articles[chunk.start].number;
            if let Some(before) = old_chunks.get(&number)
                && before.len() == chunk.len()
                && chunk
                    .clone()
                    .zip(before.clone())
                    .all(|(now, old)| old_position(now) == Some(old))
            {
                return Ok(true);
            }
            // The old files the kept lines are in, read once each, spliced as text.
            let mut texts: HashMap<usize, String> = HashMap::new();
            for position in chunk.clone().filter_map(old_position) {
                let start = old_start(position);
                if let std::collections::hash_map::Entry::Vacant(vacant) = texts.entry(start) {
                    let path = out.join(docs_name(old[start].number));
                    let Ok(text) = std::fs::read_to_string(path) else {
                        return Ok(false);
                    };
                    vacant.insert(text);
                }
            }
            let mut lines: HashMap<usize, Vec<&str>> = HashMap::with_capacity(texts.len());
            for (&start, text) in &texts {
                let Some(split) = doc_lines(text) else {
                    return Ok(false);
                };
                lines.insert(start, split);
            }
            let mut docs: Vec<&str> = Vec::with_capacity(chunk.len());
            for position in chunk {
                match old_position(position) {
                    None => docs.push(&new_lines[&position]),
                    Some(source) => {
                        let start = old_start(source);
                        match lines[&start].get(source - start) {
                            Some(line) => docs.push(line),
                            None => return Ok(false),
                        }
                    }
                }
            }
            emit(docs_name(number), docs_file(docs.into_iter(), String::push_str))?;
            Ok(true)
        })
        .collect();
    if !patched?.into_iter().all(|done| done) {
        return Ok(None);
    }
    emit_rest(&articles, &starts, shards, emit)?;
    let names = names(&articles, &starts, shards);
    Ok(Some(Made { names, list: List { shards, articles }, patched: true }))
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
            push_number(&mut text, number - previous);
            previous = number;
        }
        text.push(']');
        at = end;
    }
    text.push_str("\n}\n");
    text.into_bytes()
}

/// A `words/` file as [`shard_json`] writes it, patched as text: each word's numbers in
/// `window` mapped by `shift` (a number it maps to `Some(None)` is dropped, and a word left
/// with none), and the postings `added` (words and new numbers, all in `window`'s range but
/// for its end, in any order) merged in. `None` if `text` is not such a file, or `shift`
/// knows one of its numbers in `window` for no article's. The numbers below and from the end
/// of `window` on stay, so each word's gaps are copied as they are but for those of the
/// window and the one after it: adding the newest article to a million copies the long lists
/// of common words, and appends a gap; deleting one in the middle drops it and merges two.
fn patch_words(
    text: &str,
    added: &[(&str, u32)],
    window: std::ops::Range<u32>,
    shift: impl Fn(u32) -> Option<Option<u32>>,
) -> Option<Vec<u8>> {
    /// Starts a word's line.
    fn start(out: &mut String) {
        out.push_str(if out.len() == 1 { "\n" } else { ",\n" });
    }
    /// Ends a word's line with `numbers`, as gaps from `previous`.
    fn numbers_from(out: &mut String, mut previous: u32, numbers: &[u32]) {
        for &number in numbers {
            if !out.ends_with('[') {
                out.push(',');
            }
            push_number(out, number - previous);
            previous = number;
        }
        out.push(']');
    }
    /// The lines of the words of `pending` (in order) before `before` (all, with none).
    fn new_words(out: &mut String, pending: &mut &[(&str, u32)], before: Option<&str>) {
        while let Some(&(word, _)) = pending.first()
            && before.is_none_or(|before| word < before)
        {
            let count = pending.iter().take_while(|(other, _)| *other == word).count();
            let numbers: Vec<u32> = pending[..count].iter().map(|&(_, number)| number).collect();
            start(out);
            json_string(out, word);
            out.push_str(":[");
            numbers_from(out, 0, &numbers);
            *pending = &pending[count..];
        }
    }
    let mut added = added.to_vec();
    added.sort_unstable();
    let mut pending = added.as_slice();
    let body = text.strip_prefix('{')?.strip_suffix("\n}\n")?;
    let lines = match body {
        "" => None,
        body => Some(body.strip_prefix('\n')?.split(",\n")),
    };
    let mut out = String::with_capacity(text.len() + added.len() * 24);
    out.push('{');
    let mut tail: Vec<u32> = Vec::new();
    for line in lines.into_iter().flatten() {
        let (key, rest) = line.strip_prefix('"')?.split_once("\":[")?;
        // Words are runs of letters and digits, which need no escape: a key with one is not
        // of a file this program wrote.
        if key.contains('\\') {
            return None;
        }
        let gaps = rest.strip_suffix(']')?;
        new_words(&mut out, &mut pending, Some(key));
        let count = pending.iter().take_while(|(other, _)| *other == key).count();
        let (mine, left) = pending.split_at(count);
        pending = left;
        // The gaps of the numbers below the window are kept as text (up to `kept_end`); the
        // numbers in it are mapped; the first one after it (`after`: it and where the text
        // after its gap starts) and the rest are kept.
        let (mut number, mut kept_end, mut kept_last, mut kept) = (0u32, 0, 0u32, false);
        let (mut at, mut in_tail, mut after) = (0, false, None);
        tail.clear();
        // The gaps, parsed a byte at a time: the word files of a million articles hold a few
        // hundred million, and a delete patches every file.
        let digits = gaps.as_bytes();
        while at <= digits.len() {
            let begin = at;
            let mut gap: u32 = 0;
            while let Some(&byte) = digits.get(at).filter(|&&byte| byte != b',') {
                let digit = byte.wrapping_sub(b'0');
                if digit > 9 {
                    return None;
                }
                gap = gap.checked_mul(10)?.checked_add(u32::from(digit))?;
                at += 1;
            }
            if at == begin {
                return None;
            }
            number = number.checked_add(gap)?;
            if number >= window.end {
                after = Some((number, at));
                break;
            }
            if !in_tail && number < window.start {
                (kept_end, kept_last, kept) = (at, number, true);
            } else {
                in_tail = true;
                tail.extend(shift(number)?);
            }
            // Past the comma, or the end.
            at += 1;
        }
        tail.extend(mine.iter().map(|&(_, number)| number));
        tail.sort_unstable();
        if !kept && tail.is_empty() && after.is_none() {
            continue;
        }
        start(&mut out);
        out.push('"');
        out.push_str(key);
        out.push_str("\":[");
        out.push_str(&gaps[..kept_end]);
        numbers_from(&mut out, kept_last, &tail);
        if let Some((number, end)) = after {
            // Its gap is from the last number before it now; the rest are as they were.
            out.pop();
            let previous = tail.last().copied().unwrap_or(kept_last);
            if !out.ends_with('[') {
                out.push(',');
            }
            push_number(&mut out, number.checked_sub(previous)?);
            out.push_str(&gaps[end..]);
            out.push(']');
        }
    }
    new_words(&mut out, &mut pending, None);
    out.push_str("\n}\n");
    Some(out.into_bytes())
}

/// The words of `text`, as the index keeps them and the script looks them up.
#[cfg(test)]
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(article::unicode::lowercase)
}

/// Hands `add` each word of `text` and whether it is its own lower case: each run of letters
/// and digits, but for those too long to be a word a reader types ([`MAX_WORD`]). One pass over
/// the bytes, ASCII classed from a table. Most words of most copy are their own lower case
/// (ASCII, but Cyrillic and accented Latin too); `false` may also be said of a word that is,
/// beyond the characters [`article::unicode::lowers_to_itself`] knows.
fn each_word(text: &str, add: &mut impl FnMut(&str, bool)) {
    /// An ASCII byte's class: not in a word, in a word as it is, or a capital.
    const SEPARATOR: u8 = 0;
    const LOWER: u8 = 1;
    const CAPITAL: u8 = 2;
    const CLASS: [u8; 128] = {
        let mut class = [SEPARATOR; 128];
        let mut byte = 0;
        while byte < 128 {
            let b = byte as u8;
            if b.is_ascii_lowercase() || b.is_ascii_digit() {
                class[byte] = LOWER;
            } else if b.is_ascii_uppercase() {
                class[byte] = CAPITAL;
            }
            byte += 1;
        }
        class
    };
    let bytes = text.as_bytes();
    let char_at = |at: usize| text[at..].chars().next().expect("a character at a boundary");
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte.is_ascii() {
            if CLASS[usize::from(byte)] == SEPARATOR {
                at += 1;
                continue;
            }
        } else {
            let c = char_at(at);
            if !article::unicode::is_alphanumeric(c) {
                at += c.len_utf8();
                continue;
            }
        }
        let start = at;
        // Whether the word is its own lower case.
        let mut lower = true;
        while at < bytes.len() {
            let byte = bytes[at];
            if byte.is_ascii() {
                match CLASS[usize::from(byte)] {
                    SEPARATOR => break,
                    LOWER => {}
                    _ => lower = false,
                }
                at += 1;
            } else {
                let c = char_at(at);
                if !article::unicode::is_alphanumeric(c) {
                    break;
                }
                lower &= article::unicode::lowers_to_itself(c);
                at += c.len_utf8();
            }
        }
        let word = &text[start..at];
        if word.len() > MAX_WORD && word.chars().count() > MAX_WORD {
            continue;
        }
        add(word, lower);
    }
}

/// The words of `text` before they are lower-cased, as [`each_word`] finds them, by splitting:
/// what the tests compare it with.
#[cfg(test)]
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !article::unicode::is_alphanumeric(c)).filter(|word| {
        !word.is_empty() && (word.len() <= MAX_WORD || word.chars().count() <= MAX_WORD)
    })
}

/// FNV-1a (32 bits) of `word`'s UTF-8 bytes: its shard is this modulo the number of shards,
/// a power of two.
fn hash_of_word(word: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in word.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// `number` in decimal, appended to `out`: a million articles' word files hold a few hundred
/// million gaps, and `itoa` writes them without `fmt`'s machinery.
fn push_number(out: &mut String, number: u32) {
    out.push_str(itoa::Buffer::new().format(number));
}

/// `text` as a JSON string, appended to `out`.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied whole.
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
        let separator = byte == 0xe2
            && bytes.get(at + 1) == Some(&0x80)
            && matches!(bytes.get(at + 2), Some(0xa8 | 0xa9));
        if !(byte < 0x20 || byte == b'"' || byte == b'\\' || byte == b'<' || separator) {
            at += 1;
            continue;
        }
        out.push_str(&text[start..at]);
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            // `</script>` cannot end anything in a JSON file, but `<` costs little to keep out.
            _ => {
                let c = text[at..].chars().next().expect("a character starts here");
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
        at += if separator { 3 } else { 1 };
        start = at;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::{each_word, hash_of_word, json_string, patch_words, shard_json, words};

    /// A words file patched as the build did before [`patch_words`]: parsed whole, each
    /// word's numbers mapped, the new ones added, written again.
    fn patched_by_parsing(
        text: &str,
        added: &[(&str, u32)],
        shift: impl Fn(u32) -> Option<u32>,
    ) -> Vec<u8> {
        let gaps: BTreeMap<String, Vec<u32>> = serde_json::from_str(text).expect("a words file");
        let mut words: BTreeMap<&str, Vec<u32>> = gaps
            .iter()
            .filter_map(|(word, gaps)| {
                let mut number = 0u32;
                let numbers: Vec<u32> = (gaps.iter())
                    .filter_map(|gap| {
                        number += gap;
                        shift(number)
                    })
                    .collect();
                (!numbers.is_empty()).then_some((word.as_str(), numbers))
            })
            .collect();
        for &(word, number) in added {
            words.entry(word).or_default().push(number);
        }
        let words = (words.into_iter())
            .map(|(word, mut numbers)| {
                numbers.sort_unstable();
                (word.to_owned(), numbers)
            })
            .collect();
        shard_json(words)
    }

    #[test]
    fn a_words_file_patched_as_text_is_the_file_patched_by_parsing_it() {
        const WORDS: [&str; 9] = ["a", "b", "ab", "the", "zürich", "é", "минск", "2024", "z9"];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for _ in 0..2_000 {
            // An old file: each word with some of `old` numbers.
            let old = 1 + random(40) as u32;
            let mut numbers: HashMap<&str, Vec<u32>> = HashMap::new();
            for number in 0..old {
                for word in WORDS {
                    if random(3) == 0 {
                        numbers.entry(word).or_default().push(10 * number);
                    }
                }
            }
            let present: std::collections::BTreeSet<u32> =
                numbers.values().flatten().copied().collect();
            let file: Vec<(String, Vec<u32>)> =
                numbers.into_iter().map(|(word, numbers)| (word.to_owned(), numbers)).collect();
            let text = String::from_utf8(shard_json(file)).expect("UTF-8");
            // The articles of a window of positions: some gone, the others kept, their
            // numbers moved or not, with new articles' numbers between them. Old numbers are
            // ten apart, so that new ones fit between; those outside the window stay.
            let first = random(u64::from(old) + 1) as u32;
            let end = first + random(u64::from(old - first) + 1) as u32;
            let low = if first == old { u32::MAX } else { 10 * first };
            let high = if end == old { u32::MAX } else { 10 * end };
            let mut moved: HashMap<u32, u32> = HashMap::new();
            let mut fresh = Vec::new();
            let mut next = if first == 0 { 0 } else { 10 * (first - 1) + 1 };
            for number in first..end {
                while random(4) == 0 {
                    fresh.push(next);
                    next += 1 + random(2) as u32;
                }
                if random(5) != 0 {
                    let to = if random(2) == 0 { (10 * number).max(next) } else { next };
                    moved.insert(10 * number, to);
                    next = to + 1 + random(2) as u32;
                }
            }
            if end == old {
                fresh.extend((0..random(3) as u32).map(|extra| next + 3 * extra));
            }
            if fresh.last().copied().max(moved.values().max().copied()) >= Some(high) {
                continue;
            }
            let shift = |number: u32| match number < low || number >= high {
                true => Some(number),
                false => moved.get(&number).copied(),
            };
            let mut added: Vec<(&str, u32)> = Vec::new();
            for &number in &fresh {
                for word in WORDS {
                    if random(4) == 0 {
                        added.push((word, number));
                    }
                }
            }
            let expected = patched_by_parsing(&text, &added, shift);
            let in_window = |number: u32| Some(moved.get(&number).copied());
            let patched = patch_words(&text, &added, low..high, in_window);
            assert_eq!(
                patched.as_deref().map(String::from_utf8_lossy),
                Some(String::from_utf8_lossy(&expected)),
                "{text} window {low}..{high} moved {moved:?} added {added:?}"
            );
            // A number in the window that is no article's: no patch.
            if let Some(&number) = present.range(low..high).next() {
                let unknown = |other: u32| (other != number).then(|| moved.get(&other).copied());
                assert_eq!(patch_words(&text, &added, low..high, unknown), None);
            }
        }
        // Not a words file: no patch.
        for text in ["", "{", "{\n}", "[1]", "{\n\"a\":[x]\n}\n", "{\n\"a\\u0041\":[1]\n}\n"] {
            assert_eq!(patch_words(text, &[], 0..1, |_| Some(None)), None, "{text}");
        }
    }

    #[test]
    fn articles_are_numbered_oldest_first_those_of_one_instant_in_key_order() {
        let settings = feed::Settings::from_toml("").expect("the default settings");
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).expect("a date");
        let entry = |key: &str, published: &str| {
            let key = article::ArticleKey::new(key).expect("a key");
            feed::Entry::from_parts(key, at(published), at(published), None, Box::new([]), 1)
        };
        // `b` is published at the instant of `a` and `c`, in another offset.
        let entries = [
            entry("c", "2024-07-10T12:00:00Z"),
            entry("a", "2024-07-10T12:00:00Z"),
            entry("z", "2024-07-09T08:00:00Z"),
            entry("b", "2024-07-10T14:00:00+02:00"),
            entry("d", "2024-07-11T00:00:00Z"),
        ];
        let numbered: Vec<&str> = (super::indexed(&settings, &entries).into_iter())
            .map(|index| entries[index].key().as_str())
            .collect();
        assert_eq!(numbered, ["z", "a", "b", "c", "d"]);
        // The site's order, newest first, read backwards but for the ties.
        let site = feed::Site::new(&settings, &entries);
        let newest: Vec<&str> =
            site.order().iter().map(|&index| entries[index].key().as_str()).collect();
        assert_eq!(newest, ["d", "a", "b", "c", "z"]);
    }

    #[test]
    fn words_are_lowercased_alphanumeric_runs() {
        let found: Vec<String> = words("MINSK, May 3 (Reuters) - Łódź's 2nd-quarter").collect();
        assert_eq!(found, ["minsk", "may", "3", "reuters", "łódź", "s", "2nd", "quarter"]);
        assert_eq!(words(&"a".repeat(41)).count(), 0);
    }

    #[test]
    fn shards_are_fnv1a_as_the_script_computes_them() {
        // FNV-1a 32 of "a" is 0xe40c292c; the script's `shardOf` gives the same.
        assert_eq!(hash_of_word("a"), 0xe40c_292c);
        assert_eq!(hash_of_word("ł"), 0x538f_31a6);
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        json_string(&mut out, "a\"b\\c\n<\u{1}");
        assert_eq!(out, r#""a\"b\\c\n\u003c\u0001""#);
    }

    /// The words [`each_word`] finds, lower-cased where it says they are not their own lower
    /// case (and checked to be where it says they are).
    fn found_words(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        each_word(text, &mut |word, lower| {
            let lowered = article::unicode::lowercase(word);
            assert!(!lower || lowered == word, "{word:?} is said to be its own lower case");
            found.push(lowered);
        });
        found
    }

    proptest::proptest! {
        /// A short word's key is its bytes, zero-padded, as a little-endian number; longer
        /// words have none.
        #[test]
        fn short_keys_are_the_padded_bytes(word in "[a-zA-Zé中𝄞0-9]{1,10}") {
            let bytes = word.as_bytes();
            let expected = (bytes.len() <= 8).then(|| {
                let mut padded = [0; 8];
                padded[..bytes.len()].copy_from_slice(bytes);
                u64::from_le_bytes(padded)
            });
            proptest::prop_assert_eq!(super::short_key(&word), expected);
        }

        /// The words found in one pass, lower-cased where they are said not to be their own
        /// lower case, are the words split out and lower-cased one by one.
        #[test]
        fn each_word_hands_over_the_words_lower_cased(
            text in "[a-zA-Z0-9 .,'\\-ÉéΣσςİÖАяЁ中文𝄞\u{300}\u{2028}]{0,80}",
        ) {
            proptest::prop_assert_eq!(found_words(&text), words(&text).collect::<Vec<_>>());
        }

        #[test]
        fn each_word_finds_the_words_of_any_text(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(found_words(&text), words(&text).collect::<Vec<_>>());
        }

        /// The escape that copies runs whole gives what escaping each character gives, for
        /// text full of characters that need one (and of their UTF-8 neighbours: U+2027,
        /// U+202A, U+0080).
        #[test]
        fn json_strings_are_escaped_as_character_by_character(
            text in "[a\"\\\\\n\t<>\u{0}-\u{1f}\u{7f}\u{80}é€\u{2027}-\u{202a}𝄞 ]{0,40}",
        ) {
            let mut by_characters = String::from('"');
            for c in text.chars() {
                match c {
                    '"' => by_characters.push_str("\\\""),
                    '\\' => by_characters.push_str("\\\\"),
                    '\n' => by_characters.push_str("\\n"),
                    '\t' => by_characters.push_str("\\t"),
                    c if (c as u32) < 0x20 || c == '<' || c == '\u{2028}' || c == '\u{2029}' => {
                        by_characters.push_str(&format!("\\u{:04x}", c as u32));
                    }
                    c => by_characters.push(c),
                }
            }
            by_characters.push('"');
            let mut out = String::new();
            json_string(&mut out, &text);
            proptest::prop_assert_eq!(out, by_characters);
        }
    }
}
