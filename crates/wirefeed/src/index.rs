//! The index: what the last build knew, kept in the cache so the next build reads, parses and
//! renders only what changed.
//!
//! It lives in `.wirefeed/index/` (never in the published directory) as files of three kinds:
//!
//! - `seeds-NN` (256 shards by a hash of the seed's name): for every good seed, its metadata
//!   ([`Stamp`]), a hash of its bytes and its [`feed::Entry`] — what planning needs, a hundred
//!   bytes or so, never its text. A record is used only while the seed's metadata is exactly as
//!   recorded; a record whose seed was modified less than two seconds before the run that made it
//!   started is *racy* (a later edit in the same clock tick would keep the metadata), so it is
//!   hashed again before it is trusted. Metadata that changed with bytes that did not (`touch`,
//!   a checkout) costs a read and a hash, not a parse.
//! - `outputs-NN` (256 shards by a hash of the path): every file of the site with the
//!   fingerprint of everything its bytes depend on (its articles' hashes, its page's shape, the
//!   settings, this program). A file whose fingerprint is unchanged is not rendered.
//! - `head`, written last, the commit point of a run: the shards' checksums, the output
//!   directory, and the modification times of its directories (which move whenever a file in
//!   them is created, removed or renamed, so a site changed behind the index's back is seen);
//!   and, when no seed was bad or racy, a digest of every seed's name and metadata, so that a
//!   no-op at a million seeds lists them and reads no shard.
//!   A run removes it before it renames the first file, so a run killed at any moment leaves no
//!   head, and the next run trusts no fingerprint.
//!
//! Every file carries its format version, the program's identity (version, size and time of
//! the executable) and the settings' hash, and ends in a checksum of its bytes: a truncated,
//! corrupted or foreign file is never believed. Without a trusted head the next build renders
//! every file and compares bytes (the sink writes only what differs), which is always correct;
//! seed shards that are still valid spare it the parsing. Files are written whole to a
//! temporary file and renamed, one shard at a time, and a run rewrites only the shards whose
//! records changed, so adding one article to a million rewrites a few hundred kilobytes.

use std::{
    fs, io,
    path::{Path, PathBuf},
    sync::Arc,
};

use article::ArticleKey;
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scan::Stamp;

/// The number of shards of each kind.
pub(crate) const SHARDS: usize = 256;

// A shard's number fits a byte: a build keeps one per file.
const _: () = assert!(SHARDS <= 1 << 8);

/// Bumped whenever the layout of a file changes.
const FORMAT: u32 = 3;

/// The first bytes of every index file.
const MAGIC: &[u8; 16] = b"wirefeed-index\0\x01";

/// Which build an index belongs to: files made by another program or under other settings are
/// not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Identity {
    /// The version, and the size and modification time of the executable.
    pub(crate) program: String,
    /// A hash of the settings.
    pub(crate) settings: u128,
}

/// What the index knows of one good seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SeedRecord {
    /// Relative to the seeds directory, `/`-separated.
    pub(crate) name: String,
    pub(crate) stamp: Stamp,
    /// Modified too close to the start of the run that recorded it to trust the metadata.
    pub(crate) racy: bool,
    /// A hash of the seed's bytes.
    pub(crate) hash: u128,
    /// The `id:` field, when it is not the key.
    pub(crate) id: Option<String>,
    pub(crate) published: Instant,
    pub(crate) updated: Instant,
    pub(crate) place: Option<Arc<str>>,
    pub(crate) tags: Vec<Arc<str>>,
    pub(crate) size: u32,
    /// Withdrawn (`status: withdrawn`).
    pub(crate) withdrawn: bool,
    /// The end of its embargo, if it has one.
    pub(crate) embargo: Option<Instant>,
    /// Its photo below the seeds directory, with the line of the `image:` field.
    pub(crate) photo: Option<(Arc<str>, u32)>,
}

/// What a build keeps of a good seed's record besides its entry, which holds the rest: a third
/// of the record's size, a hundred megabytes less at a million seeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slim {
    /// The seed's directory relative to the seeds directory, with a final `/` (empty at the
    /// top), shared by every seed in it: the seed's name is this, its key and `.txt`.
    pub(crate) dir: Arc<str>,
    pub(crate) stamp: Stamp,
    pub(crate) racy: bool,
    pub(crate) hash: u128,
    /// The `id:` field, when it is not the key.
    pub(crate) id: Option<Box<str>>,
    /// The line of the `image:` field naming a photo below the seeds directory.
    pub(crate) photo_line: u32,
}

impl Slim {
    /// The seed's name relative to the seeds directory, given its key.
    pub(crate) fn name(&self, key: &ArticleKey) -> String {
        let mut name = String::with_capacity(self.dir.len() + key.as_str().len() + 4);
        name.push_str(&self.dir);
        name.push_str(key.as_str());
        name.push_str(".txt");
        name
    }

    /// The seed's directory, with a final `/` (empty at the top).
    #[cfg(any(feature = "watch", test))]
    pub(crate) fn dir(&self) -> &str {
        &self.dir
    }

    /// How the seed's name, given its key, sorts against the name of a seed in `dir` with
    /// `other`, without making either name.
    #[cfg(any(feature = "watch", test))]
    pub(crate) fn cmp_name(
        &self,
        key: &ArticleKey,
        dir: &str,
        other: &ArticleKey,
    ) -> std::cmp::Ordering {
        cmp_joined(self.parts(key), [dir, other.as_str(), ".txt"])
    }

    /// How the seed's name, given its key, sorts against `name`, without making it.
    pub(crate) fn cmp_to(&self, key: &ArticleKey, name: &str) -> std::cmp::Ordering {
        cmp_joined(self.parts(key), [name])
    }

    /// The seed's name, given its key, in the parts it is made of.
    fn parts<'a>(&'a self, key: &'a ArticleKey) -> [&'a str; 3] {
        [&self.dir, key.as_str(), ".txt"]
    }

    /// The shard of the seed's name ([`shard_of`]), given its key, without making the name.
    pub(crate) fn shard(&self, key: &ArticleKey) -> usize {
        let mut state = xxhash_rust::xxh3::Xxh3::new();
        for part in self.parts(key) {
            state.update(part.as_bytes());
        }
        shard_of_hash(state.digest())
    }

    /// The whole record, from this and the entry made of it.
    pub(crate) fn record(&self, entry: &feed::Entry) -> SeedRecord {
        SeedRecord {
            name: self.name(entry.key()),
            stamp: self.stamp,
            racy: self.racy,
            hash: self.hash,
            id: self.id.as_deref().map(str::to_owned),
            published: Instant::of(entry.published()),
            updated: Instant::of(entry.updated()),
            place: entry.place().cloned(),
            tags: entry.tags().to_vec(),
            size: entry.size(),
            withdrawn: entry.withdrawn(),
            embargo: entry.embargo().map(Instant::of),
            photo: entry.photo().map(|photo| (photo.clone(), self.photo_line)),
        }
    }
}

/// How two strings given in parts sort, as they would joined, without joining them.
fn cmp_joined<const A: usize, const B: usize>(a: [&str; A], b: [&str; B]) -> std::cmp::Ordering {
    let mut a = a.into_iter().map(str::as_bytes).filter(|part| !part.is_empty());
    let mut b = b.into_iter().map(str::as_bytes).filter(|part| !part.is_empty());
    let (mut x, mut y): (&[u8], &[u8]) = (&[], &[]);
    loop {
        if x.is_empty() {
            x = a.next().unwrap_or_default();
        }
        if y.is_empty() {
            y = b.next().unwrap_or_default();
        }
        if x.is_empty() || y.is_empty() {
            // (Parts are never empty: an empty one here means that side is over.)
            return x.len().cmp(&y.len());
        }
        let common = x.len().min(y.len());
        match x[..common].cmp(&y[..common]) {
            std::cmp::Ordering::Equal => (x, y) = (&x[common..], &y[common..]),
            unequal => return unequal,
        }
    }
}

/// A date-time with its offset, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Instant {
    seconds: i64,
    nanos: u32,
    offset: i32,
}

impl Instant {
    pub(crate) fn of(time: DateTime<FixedOffset>) -> Instant {
        Instant {
            seconds: time.timestamp(),
            nanos: time.timestamp_subsec_nanos(),
            offset: time.offset().local_minus_utc(),
        }
    }

    pub(crate) fn time(self) -> Option<DateTime<FixedOffset>> {
        let offset = FixedOffset::east_opt(self.offset)?;
        Some(DateTime::from_timestamp(self.seconds, self.nanos)?.with_timezone(&offset))
    }
}

impl SeedRecord {
    /// The record of a seed just parsed.
    pub(crate) fn new(
        name: String,
        stamp: Stamp,
        hash: u128,
        article: &article::Article,
        entry: &feed::Entry,
    ) -> SeedRecord {
        let id = article.id().as_str();
        let line = article.image().map_or(0, |image| image.line());
        let slim = Slim {
            dir: Arc::from(directory_of(&name)),
            stamp,
            racy: true,
            hash,
            id: (id != article.key().as_str()).then(|| id.into()),
            photo_line: u32::try_from(line).unwrap_or(u32::MAX),
        };
        slim.record(entry)
    }

    /// The entry this record describes, or `None` if the record is damaged.
    pub(crate) fn entry(&self, key: ArticleKey) -> Option<feed::Entry> {
        let embargo = match self.embargo {
            Some(embargo) => Some(embargo.time()?),
            None => None,
        };
        let entry = feed::Entry::from_parts(
            key,
            self.published.time()?,
            self.updated.time()?,
            self.place.clone(),
            self.tags.iter().cloned().collect(),
            self.size,
        );
        let photo = self.photo.as_ref().map(|(photo, _)| photo.clone());
        Some(entry.with_desk(self.withdrawn, embargo).with_photo(photo))
    }

    /// What a build keeps of the record once its entry is made, its directory shared through
    /// `intern`.
    pub(crate) fn slim(self, intern: &mut impl FnMut(&str) -> Arc<str>) -> Slim {
        Slim {
            dir: intern(directory_of(&self.name)),
            stamp: self.stamp,
            racy: self.racy,
            hash: self.hash,
            id: self.id.map(String::into_boxed_str),
            photo_line: self.photo.map_or(0, |(_, line)| line),
        }
    }

    /// The same record with its names replaced by equal shared ones.
    pub(crate) fn intern(&mut self, intern: &mut impl FnMut(&str) -> Arc<str>) {
        if let Some(place) = &mut self.place {
            *place = intern(place);
        }
        for tag in &mut self.tags {
            *tag = intern(tag);
        }
    }
}

/// One output shard as read: every file's path and the fingerprint of its inputs, in path
/// order, the paths in one block of text. (A `String` each would be a million allocations
/// at a million articles, on every run.)
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    text: String,
    /// Where each path starts and ends in `text`, and its fingerprint.
    files: Vec<(u32, u32, u128)>,
}

impl Recorded {
    fn of(files: &[(&str, u128)]) -> Recorded {
        let mut text = String::with_capacity(files.iter().map(|(path, _)| path.len()).sum());
        let offset =
            |text: &String| u32::try_from(text.len()).expect("a shard's paths fit in 4 GB");
        let files = (files.iter())
            .map(|&(path, print)| {
                let start = offset(&text);
                text.push_str(path);
                (start, offset(&text), print)
            })
            .collect();
        Recorded { text, files }
    }

    /// Every file with its fingerprint, in path order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u128)> {
        (self.files.iter())
            .map(|&(start, end, print)| (&self.text[start as usize..end as usize], print))
    }

    /// The fingerprint recorded for `path`, if it is a file of the shard.
    pub(crate) fn find(&self, path: &str) -> Option<u128> {
        let at = (self.files)
            .binary_search_by(|&(start, end, _)| self.text[start as usize..end as usize].cmp(path))
            .ok()?;
        Some(self.files[at].2)
    }
}

#[derive(Debug, Deserialize)]
struct SeedShard {
    identity: Identity,
    records: Vec<SeedRecord>,
}

/// A seed shard as written, borrowing its records.
#[derive(Debug, Serialize)]
struct SeedShardOut<'a> {
    identity: &'a Identity,
    records: Vec<&'a SeedRecord>,
}

#[derive(Debug, Deserialize)]
struct OutputShard<'a> {
    identity: Identity,
    #[serde(borrow)]
    files: Vec<(&'a str, u128)>,
}

/// An output shard as written, borrowing its paths.
#[derive(Debug, Serialize)]
struct OutputShardOut<'a> {
    identity: &'a Identity,
    files: Vec<(&'a str, u128)>,
}

/// The commit point of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Head {
    pub(crate) identity: Identity,
    /// The output directory.
    pub(crate) out: PathBuf,
    /// Each directory of the site with its modification time, in name order.
    pub(crate) directories: Vec<(String, i64)>,
    /// Every file of the site but the articles' pages, with its metadata: the feeds and pages
    /// a hand might edit in place, which moves no directory's time. (The articles' pages, a
    /// million at wire volume, would cost the no-op its speed; `build --check` sees all.)
    pub(crate) files: Vec<(String, Stamp)>,
    /// The checksum of each output shard.
    pub(crate) outputs: Vec<u128>,
    /// The time the run measured embargoes against.
    pub(crate) now: Option<Instant>,
    /// A digest of every seed's name and metadata as listed ([`crate::scan::Scan::digest`]),
    /// when every seed was good and none was racy: a run that lists the same digest, with no
    /// embargo ending in between, knows the site is as it would write it without reading a shard.
    pub(crate) seeds_digest: Option<u128>,
    /// The ends of the seeds' embargoes, in time order, each once.
    pub(crate) embargoes: Vec<Instant>,
}

/// What was read from the cache.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// Every record of every valid seed shard, in name order.
    pub(crate) seeds: Vec<SeedRecord>,
    /// The checksums of the seed shards as read (`None`: missing or invalid).
    pub(crate) seed_shards: Vec<Option<u128>>,
    /// The fingerprints of the site's files, when the head and every output shard agree.
    pub(crate) outputs: Option<Vec<Recorded>>,
    /// The head, if it was valid, whether or not the shards agreed with it.
    pub(crate) head: Option<Head>,
    /// Why the index could not be used in full, for the run to say.
    pub(crate) distrust: Option<String>,
}

/// Where the index is.
pub(crate) fn directory(cache: &Path) -> PathBuf {
    cache.join("index")
}

fn shard_path(dir: &Path, kind: &str, shard: usize) -> PathBuf {
    dir.join(format!("{kind}-{shard:02x}"))
}

/// The shard a name belongs to.
/// The directory part of a seed's name, with its final `/` (empty for a seed at the top).
fn directory_of(name: &str) -> &str {
    name.rfind('/').map_or("", |slash| &name[..=slash])
}

pub(crate) fn shard_of(name: &str) -> usize {
    shard_of_hash(xxhash_rust::xxh3::xxh3_64(name.as_bytes()))
}

/// The shard of a name whose xxh3 hash is `hash`.
fn shard_of_hash(hash: u64) -> usize {
    (hash % SHARDS as u64) as usize
}

/// The head alone, if it is there, whole and made by this program under these settings.
pub(crate) fn head(cache: &Path, identity: &Identity) -> Option<Head> {
    let bytes = fs::read(directory(cache).join("head")).ok()?;
    decode::<Head>(&bytes).map(|(head, _)| head).filter(|head| &head.identity == identity)
}

/// Replaces the head (with one that says the same of the site and more of the seeds).
pub(crate) fn rewrite_head(cache: &Path, head: &Head) -> io::Result<()> {
    write_atomically(&directory(cache).join("head"), &encode(head))
}

/// Reads the index; anything missing, damaged or foreign is left out and said why.
pub(crate) fn load(cache: &Path, identity: &Identity) -> Loaded {
    let (mut loaded, shards) = read(cache, identity, Some(&|records| records));
    for records in shards.into_iter().flatten() {
        loaded.seeds.extend(records);
    }
    loaded.seeds.par_sort_unstable_by(|a, b| a.name.cmp(&b.name));
    loaded
}

/// A seed the index knew, made into what a build keeps of it: its entry and its slim record.
pub(crate) type Made = (feed::Entry, Slim);

/// Every seed the index knew, made: their entries and their slim records, apart (as a build
/// keeps them), in name order.
#[derive(Debug)]
pub(crate) struct MadeSeeds {
    pub(crate) entries: Vec<feed::Entry>,
    pub(crate) records: Vec<Slim>,
}

/// [`load`] for a publisher reading ahead while it waits: each shard's records are made into
/// the entries and slim records a build keeps as soon as the shard is read, in name order, so
/// that the build need not make a million of them (half a second at a million seeds). `None`
/// instead of them when a record cannot be made (a damaged date, a name that is no seed's),
/// for a build to find again and report. The returned index holds no records.
#[cfg(feature = "watch")]
pub(crate) fn load_made(cache: &Path, identity: &Identity) -> (Loaded, Option<MadeSeeds>) {
    let (loaded, shards) = read(
        cache,
        identity,
        Some(&|records: Vec<SeedRecord>| {
            // Places, tags and directories shared within the shard: a few thousand names.
            let mut intern = Interner::default();
            (records.into_iter())
                .map(|mut record| {
                    let stem = record.name.rsplit('/').next()?.strip_suffix(".txt")?;
                    let key = ArticleKey::new(stem).ok()?;
                    record.intern(&mut |name| intern.get(name));
                    let entry = record.entry(key)?;
                    Some((entry, record.slim(&mut |name| intern.get(name))))
                })
                .collect::<Option<Vec<Made>>>()
        }),
    );
    let made: Option<Vec<Vec<Made>>> = shards.into_iter().flatten().collect();
    let made = made.map(|shards| {
        // (Moved, not `concat`, which would clone every entry.)
        let mut made = Vec::with_capacity(shards.iter().map(Vec::len).sum());
        for shard in shards {
            made.extend(shard);
        }
        made.par_sort_unstable_by(|a, b| a.1.cmp_name(a.0.key(), b.1.dir(), b.0.key()));
        // Taken apart from the back a slice at a time, each slice's memory given back as it is
        // moved: the pairs and the two halves are never all held at once (200 MB more at a
        // million seeds).
        const SLICE: usize = 1 << 16;
        let mut entries = Vec::with_capacity(made.len());
        let mut records = Vec::with_capacity(made.len());
        while !made.is_empty() {
            let from = made.len().saturating_sub(SLICE);
            for (entry, record) in made.drain(from..).rev() {
                entries.push(entry);
                records.push(record);
            }
            made.shrink_to_fit();
        }
        entries.reverse();
        records.reverse();
        MadeSeeds { entries, records }
    });
    (loaded, made)
}

/// [`load_made`] for a publisher right after its build stored the index: the seeds are the
/// ones the build made (`made`, in name order) and the seed shards' checksums the ones
/// [`store`] returned, so only the head and the output shards are read.
#[cfg(feature = "watch")]
pub(crate) fn load_handed(
    cache: &Path,
    identity: &Identity,
    seed_shards: Vec<Option<u128>>,
    made: MadeSeeds,
) -> (Loaded, Option<MadeSeeds>) {
    // Each seed shard must still end in the checksum it was handed with (a file another
    // process wrote in between would not): else the index is read whole.
    let dir = directory(cache);
    let tail_of = |shard: usize| -> Option<u128> {
        use std::io::{Read as _, Seek as _};
        let mut file = fs::File::open(shard_path(&dir, "seeds", shard)).ok()?;
        file.seek(io::SeekFrom::End(-16)).ok()?;
        let mut tail = [0u8; 16];
        file.read_exact(&mut tail).ok()?;
        Some(u128::from_le_bytes(tail))
    };
    if (0..SHARDS).any(|shard| seed_shards.get(shard).copied().flatten() != tail_of(shard)) {
        return load_made(cache, identity);
    }
    let (mut loaded, _) = read::<()>(cache, identity, None);
    loaded.seed_shards = seed_shards;
    #[cfg(debug_assertions)]
    {
        let (read, read_made) = load_made(cache, identity);
        assert_eq!(read.seed_shards, loaded.seed_shards, "the seed shards handed are the stored");
        let read_made = read_made.expect("the seeds stored make entries");
        assert!(read_made.entries == made.entries, "the entries handed are the stored ones");
        assert!(read_made.records == made.records, "the records handed are the stored ones");
    }
    (loaded, Some(made))
}

/// Names shared by equal text, looked up by it and made only when new. The table is never
/// iterated, so its hasher (xxh3, quicker than the default for short keys) orders nothing.
#[derive(Default)]
pub(crate) struct Interner(
    std::collections::HashMap<Arc<str>, (), xxhash_rust::xxh3::Xxh3DefaultBuilder>,
);

impl Interner {
    /// The shared copy of `name`.
    pub(crate) fn get(&mut self, name: &str) -> Arc<str> {
        match self.0.get_key_value(name) {
            Some((shared, ())) => shared.clone(),
            None => {
                let shared: Arc<str> = Arc::from(name);
                self.0.insert(shared.clone(), ());
                shared
            }
        }
    }
}

/// Reads the head and every shard, handing each seed shard's records to `each` as soon as it
/// is decoded; the seed shards come back in shard order (`None`: missing, damaged or foreign).
fn read<T: Send>(
    cache: &Path,
    identity: &Identity,
    each: Option<&(dyn Fn(Vec<SeedRecord>) -> T + Sync)>,
) -> (Loaded, Vec<Option<T>>) {
    let dir = directory(cache);
    let head_bytes = fs::read(dir.join("head"));
    let mut distrust = None;
    let head: Option<Head> = match &head_bytes {
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            // A first build has nothing to say; a missing head beside shards means a run died.
            if dir.exists() {
                distrust = Some("the last build did not finish".to_owned());
            }
            None
        }
        Err(error) => {
            distrust = Some(format!("the index cannot be read: {error}"));
            None
        }
        Ok(bytes) => match decode::<Head>(bytes) {
            Some((head, _)) if &head.identity == identity => Some(head),
            Some((head, _)) => {
                distrust = Some(if head.identity.program != identity.program {
                    "the index was made by another build of wirefeed".into()
                } else {
                    "the settings or a photo changed".into()
                });
                None
            }
            None if foreign_format(bytes) => {
                distrust = Some("the index was made by another version of wirefeed".into());
                None
            }
            None => {
                distrust = Some("the index is damaged".into());
                None
            }
        },
    };
    /// A shard as read, with its checksum; `None` if missing, damaged or foreign.
    type Read<T> = Option<(T, u128)>;
    let shards: Vec<(Read<T>, Read<Recorded>)> = (0..SHARDS)
        .into_par_iter()
        .map(|shard| {
            let seeds = each.and_then(|each| {
                let bytes = fs::read(shard_path(&dir, "seeds", shard)).ok()?;
                decode::<SeedShard>(&bytes)
                    .filter(|(shard, _)| &shard.identity == identity)
                    .map(|(shard, checksum)| (each(shard.records), checksum))
            });
            let outputs = head.as_ref().and_then(|_| {
                let bytes = fs::read(shard_path(&dir, "outputs", shard)).ok()?;
                decode::<OutputShard<'_>>(&bytes)
                    .filter(|(shard, _)| &shard.identity == identity)
                    .map(|(shard, checksum)| (Recorded::of(&shard.files), checksum))
            });
            (seeds, outputs)
        })
        .collect();
    let mut loaded = Loaded::default();
    let mut made = Vec::with_capacity(SHARDS);
    let mut outputs = Vec::with_capacity(SHARDS);
    let mut outputs_agree = head.is_some();
    for (index, (seeds, files)) in shards.into_iter().enumerate() {
        match seeds {
            Some((shard, checksum)) => {
                made.push(Some(shard));
                loaded.seed_shards.push(Some(checksum));
            }
            None => {
                made.push(None);
                loaded.seed_shards.push(None);
            }
        }
        match (files, &head) {
            (Some((shard, checksum)), Some(head)) if head.outputs.get(index) == Some(&checksum) => {
                outputs.push(shard);
            }
            _ => outputs_agree = false,
        }
    }
    if head.is_some() && !outputs_agree {
        distrust = Some("the index is incomplete or damaged".into());
    }
    loaded.outputs = outputs_agree.then_some(outputs);
    loaded.head = head;
    loaded.distrust = distrust;
    (loaded, made)
}

/// Removes the head: from now on, the output directory may differ from what the index says.
pub(crate) fn forget(cache: &Path) -> io::Result<()> {
    match fs::remove_file(directory(cache).join("head")) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// What a run leaves for the next.
pub(crate) struct Store<'a> {
    pub(crate) identity: &'a Identity,
    /// Every good seed's record, in any order, as kept, and the entry made of it.
    pub(crate) seeds: &'a [Slim],
    pub(crate) entries: &'a [feed::Entry],
    /// Every file of the site with its fingerprint and its shard ([`shard_of`]), by number
    /// below `outputs_len`, in any order: made on demand, for a list of a million would be
    /// 32 MB more at the build's peak.
    pub(crate) output: &'a (dyn Fn(usize) -> (&'a str, u128, usize) + Sync),
    pub(crate) outputs_len: usize,
    /// Which seed shards hold a record that changed, came or went since the index was read.
    pub(crate) seeds_dirty: Vec<bool>,
    /// Which output shards do.
    pub(crate) outputs_dirty: Vec<bool>,
    pub(crate) out: &'a Path,
    pub(crate) directories: Vec<(String, i64)>,
    pub(crate) files: Vec<(String, Stamp)>,
    pub(crate) now: Option<Instant>,
    pub(crate) seeds_digest: Option<u128>,
    pub(crate) embargoes: Vec<Instant>,
}

/// Writes the shards that differ from `old`, then the head; returns the checksum of every seed
/// shard it left in the cache, as [`load`] would read them while nothing else writes there. Fails only if the cache cannot be
/// written, and then leaves no head: the next run will compare every file.
pub(crate) fn store(cache: &Path, store: Store<'_>, old: &Loaded) -> io::Result<Vec<Option<u128>>> {
    let dir = directory(cache);
    fs::create_dir_all(&dir)?;
    // A shard nothing changed in keeps its file and checksum, unencoded: a run that adds one
    // article to a million encodes a few shards, not all of them.
    let old_seeds = |index: usize| old.seed_shards.get(index).copied().flatten();
    let old_outputs = |index: usize| {
        old.outputs
            .as_ref()
            .and(old.head.as_ref())
            .and_then(|head| head.outputs.get(index).copied())
    };
    let clean_seeds: Vec<Option<u128>> = (0..SHARDS)
        .map(|index| {
            old_seeds(index).filter(|_| !store.seeds_dirty.get(index).copied().unwrap_or(true))
        })
        .collect();
    let clean_outputs: Vec<Option<u128>> = (0..SHARDS)
        .map(|index| {
            old_outputs(index).filter(|_| !store.outputs_dirty.get(index).copied().unwrap_or(true))
        })
        .collect();
    // Only the shards to be written are made whole again, each as it is encoded: a full build
    // of a million seeds would otherwise hold every record at once.
    // Each record's shard is a hash of its name: a million of them, hashed on every core.
    let shards: Vec<u8> = (store.seeds.par_iter().zip(store.entries))
        .map(|(record, entry)| record.shard(entry.key()) as u8)
        .collect();
    let mut seeds: Vec<Vec<u32>> = vec![Vec::new(); SHARDS];
    for (at, &shard) in shards.iter().enumerate() {
        let shard = usize::from(shard);
        if clean_seeds[shard].is_none() {
            seeds[shard].push(at as u32);
        }
    }
    drop(shards);
    // The files by number.
    let mut outputs: Vec<Vec<u32>> = vec![Vec::new(); SHARDS];
    for at in 0..store.outputs_len {
        let shard = (store.output)(at).2;
        if clean_outputs[shard].is_none() {
            outputs[shard].push(at as u32);
        }
    }
    let identity = store.identity;
    let written: Vec<io::Result<(u128, u128)>> = seeds
        .into_par_iter()
        .zip(outputs.into_par_iter())
        .enumerate()
        .map(|(index, (members, files))| {
            let mut seeds_checksum = clean_seeds[index];
            if seeds_checksum.is_none() {
                let mut records: Vec<SeedRecord> = (members.iter())
                    .map(|&at| store.seeds[at as usize].record(&store.entries[at as usize]))
                    .collect();
                drop(members);
                records.sort_by(|a, b| a.name.cmp(&b.name));
                let records = records.iter().collect();
                let bytes = encode(&SeedShardOut { identity, records });
                let checksum = checksum_of(&bytes);
                if old_seeds(index) != Some(checksum) {
                    write_atomically(&shard_path(&dir, "seeds", index), &bytes)?;
                }
                seeds_checksum = Some(checksum);
            }
            let seeds_checksum = seeds_checksum.expect("every seed shard clean or written");
            if let Some(checksum) = clean_outputs[index] {
                return Ok((seeds_checksum, checksum));
            }
            let mut files: Vec<(&str, u128)> = (files.iter())
                .map(|&at| {
                    let (path, print, _) = (store.output)(at as usize);
                    (path, print)
                })
                .collect();
            files.sort();
            let bytes = encode(&OutputShardOut { identity, files });
            let checksum = checksum_of(&bytes);
            if old_outputs(index) != Some(checksum) {
                write_atomically(&shard_path(&dir, "outputs", index), &bytes)?;
            }
            Ok((seeds_checksum, checksum))
        })
        .collect();
    let (seed_shards, outputs): (Vec<u128>, Vec<u128>) =
        written.into_iter().collect::<io::Result<Vec<(u128, u128)>>>()?.into_iter().unzip();
    let head = Head {
        identity: identity.clone(),
        out: store.out.to_owned(),
        directories: store.directories,
        files: store.files,
        outputs,
        now: store.now,
        seeds_digest: store.seeds_digest,
        embargoes: store.embargoes,
    };
    write_atomically(&dir.join("head"), &encode(&head))?;
    Ok(seed_shards.into_iter().map(Some).collect())
}

/// `MAGIC`, the format, the payload, then a checksum of all of it.
fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    let bytes = postcard::to_extend(value, bytes).expect("a Vec grows as needed");
    let mut bytes = bytes;
    let checksum = xxhash_rust::xxh3::xxh3_128(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    bytes
}

/// The format, payload and checksum of a whole file `encode` wrote (of any format), or `None`
/// if it is not one.
fn frame(bytes: &[u8]) -> Option<(u32, &[u8], u128)> {
    let (body, checksum) = bytes.split_at_checked(bytes.len().checked_sub(16)?)?;
    let checksum = u128::from_le_bytes(checksum.try_into().ok()?);
    if xxhash_rust::xxh3::xxh3_128(body) != checksum {
        return None;
    }
    let rest = body.strip_prefix(MAGIC.as_slice())?;
    let (format, payload) = rest.split_at_checked(4)?;
    Some((u32::from_le_bytes(format.try_into().ok()?), payload, checksum))
}

/// The value and the checksum of a file `encode` wrote, or `None` if it is not one.
fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<(T, u128)> {
    let (format, payload, checksum) = frame(bytes)?;
    if format != FORMAT {
        return None;
    }
    let value = postcard::from_bytes(payload).ok()?;
    Some((value, checksum))
}

/// Whether `bytes` are a whole index file of another format than this program's.
fn foreign_format(bytes: &[u8]) -> bool {
    frame(bytes).is_some_and(|(format, _, _)| format != FORMAT)
}

/// The checksum `encode` appended.
fn checksum_of(bytes: &[u8]) -> u128 {
    let tail: [u8; 16] = bytes[bytes.len() - 16..].try_into().expect("encode appends 16 bytes");
    u128::from_le_bytes(tail)
}

/// Writes `path` whole or not at all. Not synced: a file that a crash damages fails its
/// checksum, and the next run does without it.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
    let written = fs::write(&temporary, bytes).and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::{Recorded, Slim, shard_of};

    #[test]
    fn a_seed_record_finds_the_shard_of_its_name_without_making_it() {
        let keys = ["a", "reuters-2024-07-10-0001", "x".repeat(200).leak(), "tass_1"];
        for dir in ["", "2024/", "2024/07/10/", "агентства/тасс/"] {
            for key in keys {
                let stamp = crate::scan::Stamp { size: 0, modified: 0, changed: 0, inode: 0 };
                let slim =
                    Slim { dir: dir.into(), stamp, racy: false, hash: 0, id: None, photo_line: 0 };
                let key = article::ArticleKey::new(key).expect("a valid key");
                assert_eq!(slim.shard(&key), shard_of(&slim.name(&key)), "{dir}{key}");
            }
        }
    }

    #[test]
    fn a_seed_record_sorts_by_its_name_without_making_it() {
        // Names whose parts sort otherwise than the names: `a/` before `a/b/` as directories,
        // but `a/c.txt` after `a/b/x.txt`; `.` and `-` before `/`; a key that is a prefix.
        let names = [
            "a.txt",
            "a/b.txt",
            "a/b/x.txt",
            "a/c.txt",
            "a-b.txt",
            "a.b.txt",
            "ab.txt",
            "a/b.c.txt",
            "a/b-c/x.txt",
            "a/bb.txt",
            "b.txt",
            "2024/07/10/x.txt",
            "2024/07/10.txt",
            "2024.txt",
            "2024-07/x.txt",
            "z/a.txt",
            "z.txt",
            "я/a.txt",
            "a/b/xy.txt",
            "a/b/x/y.txt",
        ];
        let slim = |name: &str| {
            let (dir, file) = name.rsplit_once('/').map_or(("", name), |(dir, file)| (dir, file));
            let dir = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            let key = article::ArticleKey::new(file.strip_suffix(".txt").expect("a seed"))
                .expect("a valid key");
            let stamp = crate::scan::Stamp { size: 0, modified: 0, changed: 0, inode: 0 };
            (Slim { dir: dir.into(), stamp, racy: false, hash: 0, id: None, photo_line: 0 }, key)
        };
        for a in names {
            let (ours, key) = slim(a);
            assert_eq!(ours.name(&key), a);
            for b in names.iter().chain(&["", "a", "a/", "a.tx", "a.txt2", "a/b.txt/"]) {
                assert_eq!(ours.cmp_to(&key, b), a.cmp(b), "{a} against the name {b}");
            }
            for b in names {
                let (theirs, other) = slim(b);
                assert_eq!(ours.cmp_name(&key, theirs.dir(), &other), a.cmp(b), "{a} against {b}");
            }
        }
    }

    #[test]
    fn a_recorded_shard_gives_back_its_files_and_finds_each() {
        let files = [("articles/a.html", 1), ("articles/b.html", 2), ("index.html", 3), ("x", 4)];
        let recorded = Recorded::of(&files);
        assert_eq!(recorded.iter().collect::<Vec<_>>(), files);
        for (path, print) in files {
            assert_eq!(recorded.find(path), Some(print), "{path}");
        }
        for absent in ["", "articles", "articles/a.htm", "index.html2", "y"] {
            assert_eq!(recorded.find(absent), None, "{absent}");
        }
        assert_eq!(Recorded::of(&[]).find("x"), None);
    }
}
