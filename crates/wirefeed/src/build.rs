//! The build: seeds in, site out, atomically; in check mode, compared instead of written.
//!
//! Every seed is parsed and every bad one reported before anything is decided. Unless
//! `keep_going` is set, one bad seed means nothing is written; with it, bad seeds are reported
//! and the site is built from the good ones. Each file is rendered on every core, the biggest
//! first, streamed through a [`Sink`] that compares it with the file on disk and stages it in a
//! temporary file beside it only from its first difference; when every file is staged, the
//! staged files are synced once and renamed over the old ones, and generated files that no page
//! produces any more are removed. A reader, a crash or a concurrent run only ever sees a
//! complete old or a complete new file. A clean run leaves a fingerprint in the cache, so the
//! next run with nothing changed is answered from metadata alone ([`crate::state`]).

use std::{
    collections::BTreeMap,
    fs,
    hash::Hasher as _,
    io,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use article::{Article, ArticleKey};
use feed::{Settings, WriteError};
use rayon::prelude::*;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use crate::{
    error::{BuildError, SeedProblem, SeedWarning, Stale},
    index, lock, progress,
    project::{Project, display},
    scan, search,
    sink::{Mode as SinkMode, Outcome as SinkOutcome, Sink},
    staging::Staging,
};

/// Whether a build writes the site or only compares it with what is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write every file that changed, remove stale pages.
    Write,
    /// Write nothing; report every file that differs (never trusts the no-op fingerprint).
    Check,
}

/// How a build should go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Write or check.
    pub mode: Mode,
    /// Publish the good seeds when some are bad, instead of writing nothing.
    pub keep_going: bool,
    /// When another build is writing the same output, wait for it (else fail at once).
    pub wait: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct Report {
    /// How many seed files were read.
    pub seeds: usize,
    /// How many articles the site holds.
    pub articles: usize,
    /// Bad seeds that were left out (only with `keep_going`).
    pub problems: Vec<SeedProblem>,
    /// Suspicious seeds that were published all the same.
    pub warnings: Vec<SeedWarning>,
    /// What happened to the site.
    pub outcome: Outcome,
    /// Why the build could not trust its index and compared every file, if it could not.
    pub note: Option<String>,
    /// When the next embargo ends, after the time the build was made for: the site changes
    /// then, with no seed changing.
    pub next_embargo: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// What happened to the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing changed since the last clean build: nothing was read or written.
    UpToDate,
    /// The site was written.
    Written {
        /// Files written because they were new or changed.
        rewritten: usize,
        /// Files of the site.
        files: usize,
        /// Generated files removed because no page produces them any more.
        removed: usize,
    },
    /// Check mode: every file is as a build would write it.
    Fresh {
        /// Files of the site.
        files: usize,
    },
    /// Check mode: these files differ from what a build would write, in path order.
    Stale(Vec<Stale>),
}

/// Builds (or checks) the site of `project`.
///
/// A build that writes holds the output directory's lock throughout ([`crate::lock`]). If a
/// seed changes while it is read, the build starts over, at most a few times.
pub fn build(project: &Project, options: Options) -> Result<Report, BuildError> {
    build_with(project, options, &|holder| say_waiting(project, holder))
}

/// Tells, on standard error, that a build waits for `holder`, the build writing the output.
pub(crate) fn say_waiting(project: &Project, holder: &str) {
    eprintln!("waiting for the build that is writing {} ({holder})", display(project.out()));
}

/// [`build`], telling `waiting` who holds the output directory when it has to wait.
pub fn build_with(
    project: &Project,
    options: Options,
    waiting: &dyn Fn(&str),
) -> Result<Report, BuildError> {
    build_warm(project, options, waiting, None)
}

/// What a long-running publisher keeps between builds so that the next one need not find it
/// again: the listing of the seeds, brought up to date from the file system's events
/// ([`Warm::seeds_changed`]), and the index, both read while it waited ([`Warm::prepare`]). A
/// build takes them (a million seeds' names are not held twice at its peak), and one given them
/// ends in exactly the output a build without them gives.
#[derive(Debug, Default)]
pub(crate) struct Warm {
    listing: Option<scan::Listing>,
    index: Option<Prepared>,
    /// The last build's site files, for the next to make over rather than list again.
    carried: Option<Carried>,
    /// The seeds the last build stored in the index, for the index to be read ahead without
    /// them.
    handed: Option<Handed>,
}

/// What a build that stored the index hands a publisher, so that the index is read ahead
/// without its seed shards (and a million entries made from them again): the entries and
/// records it stored, the checksums of the seed shards they are in, and the index's head as
/// the build left it, without which they are not used.
#[derive(Debug)]
#[cfg_attr(not(feature = "watch"), allow(dead_code))] // Read ahead by the watch alone.
struct Handed {
    identity: index::Identity,
    head: Option<u128>,
    seed_shards: Vec<Option<u128>>,
    made: index::MadeSeeds,
    /// The photos the build listed, when every seed it listed was good: its entries are then
    /// the seeds as listed, each with its metadata in its record.
    photos: Option<Vec<(String, scan::Stamp)>>,
}

#[cfg(feature = "watch")]
impl Handed {
    /// The listing the build made, when every seed was good: the next events bring it up to
    /// date, as they would the listing the build took.
    fn listing(&self) -> Option<scan::Listing> {
        let photos = self.photos.clone()?;
        let index::MadeSeeds { entries, records } = &self.made;
        let found = (entries.par_iter().zip(records))
            .map(|(entry, record)| scan::Found {
                name: record.name(entry.key()),
                key: entry.key().clone(),
                stamp: record.stamp,
            })
            .collect();
        Some(scan::Listing::of(found, photos))
    }
}

/// What [`index::store`] left: the digest of the head it wrote and the seed shards' checksums.
#[derive(Debug)]
struct Stored {
    head: Option<u128>,
    seed_shards: Vec<Option<u128>>,
}

/// What a build leaves a long-running publisher for the next: its site's files, planned from
/// the entries it stored in the index, which [`entries_digest`] tells apart.
#[derive(Debug)]
struct Carried {
    digest: u128,
    /// The time the plan was made for: entries under embargo have no page.
    now: Option<index::Instant>,
    files: Vec<feed::SiteFile>,
    planned: Planned,
    /// The articles the search indexed, in the order of their numbers ([`search::indexed`]).
    indexed: Vec<u32>,
    /// What the build stored in the index, when it could.
    stored: Option<Stored>,
}

/// What a plan leaves the next plan of the same entries but a few to make over (besides its
/// files): every entry's article page fingerprint, with what decides which of them the next
/// shares (the program and settings, the topic pages articles link to, each article's
/// neighbours in the order of publication), the orders of publication and the archive's facts.
#[derive(Debug)]
struct Planned {
    /// [`identity_hash`].
    identity: u128,
    /// [`topics_hash`].
    topics: u128,
    /// The live articles by index, newest first ([`feed::Site::order`]).
    order: Vec<u32>,
    /// The released ones, withdrawn ones too ([`feed::Site::sorted`]).
    sorted: Vec<u32>,
    /// What the archive's cut knows of each entry ([`feed::Site::facts`]).
    facts: feed::Facts,
    /// Each entry's page's fingerprint, by index.
    prints: Vec<u128>,
    /// The plan's pages, for the next to take those no fresh or gone article is on.
    kept: Option<feed::Kept>,
    /// The fingerprints of the other files, by path in path order: the next plan's files of
    /// the pages it takes ([`feed::Site::taken`]) have the same.
    others: Vec<(String, u128)>,
}

impl Planned {
    /// The fingerprints of every article page of `site`, with what the next plan needs.
    #[cfg(feature = "watch")]
    fn of(site: &feed::Site<'_>, identity: u128, records: &[index::Slim]) -> Planned {
        let prints = Planned::all(site, identity, records);
        Planned::with(site, identity, topics_hash(site), prints)
    }

    /// The fingerprints of every article page of `site`, by entry.
    fn all(site: &feed::Site<'_>, identity: u128, records: &[index::Slim]) -> Vec<u128> {
        (0..records.len())
            .into_par_iter()
            .map_init(Vec::new, |gathered, index| {
                article_fingerprint(site, index, identity, records, gathered)
            })
            .collect()
    }

    /// `prints`, the fingerprints of `site`'s article pages, with what the next plan needs.
    fn with(site: &feed::Site<'_>, identity: u128, topics: u128, prints: Vec<u128>) -> Planned {
        let order = site.order().iter().map(|&index| index as u32).collect();
        let (sorted, facts) = (site.sorted().to_vec(), site.facts().clone());
        Planned { identity, topics, order, sorted, facts, prints, kept: None, others: Vec::new() }
    }

    /// The fingerprints of every article page of `site`, whose entries are those of `self`'s
    /// plan renumbered (`renumber`: each old entry's new index, `u32::MAX` when gone or
    /// changed) and `fresh` ones: only the pages whose inputs may have changed are
    /// fingerprinted again, those of the fresh entries and of the articles beside them, now or
    /// before. An article kept is the same entry with the same seed, and the articles kept
    /// keep their order among themselves: one whose neighbours differ has a fresh one beside
    /// it now, or had one gone beside it before.
    fn reused(
        &self,
        site: &feed::Site<'_>,
        records: &[index::Slim],
        renumber: &[u32],
        fresh: &[usize],
    ) -> Vec<u128> {
        let mut prints = vec![0; records.len()];
        for (old, &new) in renumber.iter().enumerate() {
            if let Some(print) = prints.get_mut(new as usize) {
                *print = self.prints[old];
            }
        }
        let mut again: Vec<usize> = Vec::new();
        for &index in fresh {
            let (earlier, later) = site.neighbours_of(index);
            again.extend([Some(index), earlier, later].into_iter().flatten());
        }
        let gone: Vec<u32> =
            (0..renumber.len() as u32).filter(|&old| renumber[old as usize] == u32::MAX).collect();
        if !gone.is_empty() {
            for (at, old) in self.order.iter().enumerate() {
                if gone.binary_search(old).is_ok() {
                    let beside = [at.checked_sub(1), Some(at + 1)].into_iter().flatten();
                    again.extend(
                        (beside.filter_map(|at| self.order.get(at)))
                            .filter_map(|&old| renumber.get(old as usize))
                            .filter(|&&new| new != u32::MAX)
                            .map(|&new| new as usize),
                    );
                }
            }
        }
        again.sort_unstable();
        again.dedup();
        let mut gathered = Vec::new();
        for index in again {
            prints[index] = article_fingerprint(site, index, self.identity, records, &mut gathered);
        }
        debug_assert_eq!(
            prints,
            Planned::all(site, self.identity, records),
            "the article pages fingerprinted again are all those whose inputs changed"
        );
        prints
    }
}

/// A digest of the topic pages `site`'s articles link to ([`feed::Site::topic_links`]).
fn topics_hash(site: &feed::Site<'_>) -> u128 {
    let mut gathered = Vec::new();
    print_of(0, &mut gathered, |state| site.topic_links(state))
}

/// A run of old entries' positions, `start..end`, replaced by `count` new entries.
type Run = (usize, usize, usize);

/// The last build's site files and how its entries became this build's: each old entry's new
/// index (`u32::MAX`: gone or changed) and the entries new or changed since
/// ([`feed::Site::files_reusing`]).
#[derive(Debug)]
struct Reuse {
    files: Vec<feed::SiteFile>,
    planned: Planned,
    indexed: Vec<u32>,
    renumber: Vec<u32>,
    fresh: Vec<usize>,
}

/// The site's half of [`Reuse`].
struct SiteReuse<'r> {
    files: Vec<feed::SiteFile>,
    planned: Planned,
    renumber: &'r [u32],
    fresh: &'r [usize],
}

impl Reuse {
    /// What `carried` planned for `old` entries, which became this build's by `edits`
    /// ([`renumbering`]).
    fn new(carried: Carried, old: usize, edits: &[Run]) -> Reuse {
        let (renumber, fresh) = renumbering(old, edits);
        let (files, planned, indexed) = (carried.files, carried.planned, carried.indexed);
        Reuse { files, planned, indexed, renumber, fresh }
    }
}

/// How `old` entries become new ones by `edits` (ascending runs of old positions
/// `start..end`, each replaced by `count` new entries): each old entry's new index
/// (`u32::MAX`: gone), and the new entries' indices.
fn renumbering(old: usize, edits: &[Run]) -> (Vec<u32>, Vec<usize>) {
    let mut renumber = Vec::with_capacity(old);
    let mut fresh = Vec::new();
    // The new index of the old one at `at`, past the edits before it.
    let (mut at, mut shift) = (0, 0isize);
    let keep_until = |renumber: &mut Vec<u32>, at: &mut usize, until: usize, shift| {
        renumber.extend((*at..until).map(|old| old.saturating_add_signed(shift) as u32));
        *at = until;
    };
    for &(start, end, count) in edits {
        keep_until(&mut renumber, &mut at, start, shift);
        let new_start = start.saturating_add_signed(shift);
        fresh.extend(new_start..new_start + count);
        renumber.resize(end, u32::MAX);
        at = end;
        shift += count as isize - (end - start) as isize;
    }
    keep_until(&mut renumber, &mut at, old, shift);
    (renumber, fresh)
}

/// A digest of a build's entries, in order: each one's seed (its directory, key and bytes'
/// hash), which determines the entry.
fn entries_digest(entries: &[feed::Entry], records: &[index::Slim]) -> u128 {
    const CHUNK: usize = 1 << 14;
    let chunks: Vec<u128> = (entries.par_chunks(CHUNK).zip(records.par_chunks(CHUNK)))
        .map_init(Vec::new, |gathered, (entries, records)| {
            gathered.clear();
            for (entry, record) in entries.iter().zip(records) {
                gathered.extend_from_slice(record.dir.as_bytes());
                gathered.extend_from_slice(entry.key().as_str().as_bytes());
                gathered.push(0xff);
                gathered.extend_from_slice(&record.hash.to_le_bytes());
            }
            xxh3_128(gathered)
        })
        .collect();
    let mut state = Xxh3::new();
    state.update(&(entries.len() as u64).to_le_bytes());
    for chunk in chunks {
        state.update(&chunk.to_le_bytes());
    }
    state.digest128()
}

/// The index read ahead of a build.
#[derive(Debug)]
struct Prepared {
    identity: index::Identity,
    /// The head's hash before and after the index was read: a build, another process's or a
    /// hand's, that replaced it since leaves the index read ahead unused.
    head: Option<u128>,
    /// The index without its seed records, which are in `made`.
    loaded: index::Loaded,
    /// The index's seeds made into entries and slim records, in name order; `None` when one
    /// could not be made (the build reads the index again, and finds it).
    made: Option<index::MadeSeeds>,
    /// Their [`entries_digest`].
    digest: Option<u128>,
}

#[cfg(feature = "watch")]
impl Warm {
    /// Takes in paths below the seeds directory that the file system says changed; `None`
    /// (events were lost, the directory was replaced) lists the seeds again at the next build.
    pub(crate) fn seeds_changed(&mut self, project: &Project, paths: Option<&[PathBuf]>) {
        let listed = match (&mut self.listing, paths) {
            (Some(listing), Some(paths)) => listing.update(project.seeds(), paths),
            _ => false,
        };
        if !listed {
            self.listing = None;
        }
    }

    /// Reads the index (and lists the seeds, if they are not listed) ahead of the next build,
    /// while nothing is waiting to be published.
    pub(crate) fn prepare(&mut self, project: &Project) {
        let mut timer = Timer::start();
        let handed = self.handed.take();
        if self.listing.is_none() {
            // The last build's listing, made again from the seeds it stored when it can be.
            self.listing = match handed.as_ref().and_then(Handed::listing) {
                Some(listing) => Some(listing),
                None => scan::list(project.seeds()).ok(),
            };
            timer.lap("listed ahead");
        }
        if let (Some(listing), None) = (&self.listing, &self.index) {
            let cache = project.cache();
            let identity = identity_of(project, listing.photos());
            let head = head_digest(&cache);
            // The seeds the last build stored, while the index is the one it left.
            let handed = handed.filter(|handed| {
                handed.identity == identity && handed.head.is_some() && handed.head == head
            });
            let (loaded, made) = match handed {
                Some(Handed { seed_shards, made, .. }) => {
                    index::load_handed(&cache, &identity, seed_shards, made)
                }
                None => index::load_made(&cache, &identity),
            };
            let digest = made.as_ref().map(|made| entries_digest(&made.entries, &made.records));
            if head_digest(&cache) == head {
                self.index = Some(Prepared { identity, head, loaded, made, digest });
            }
        }
        // The site's files, for the next build to make over, when no build left them (the
        // first, or one that failed).
        if self.carried.is_none()
            && let Some(Prepared { made: Some(made), digest: Some(digest), identity, .. }) =
                &self.index
            && let Ok(settings) = project.settings()
        {
            // With the photos' sizes, as a build's site has them: the files' fingerprints
            // depend on them.
            let sizes = (self.listing.iter().flat_map(|listing| listing.photos()))
                .map(|(name, stamp)| (name.clone(), stamp.size))
                .collect();
            let site = feed::Site::new(&settings, &made.entries).with_photo_sizes(sizes);
            let mut planned = Planned::of(&site, identity_hash(identity), &made.records);
            let now = settings.now().map(index::Instant::of);
            let indexed = search::indexed(&settings, &made.entries);
            let indexed = indexed.into_iter().map(|index| index as u32).collect();
            let files = site.files();
            planned.others = (files.par_iter())
                .filter(|file| file.article().is_none())
                .map_init(Vec::new, |gathered, file| {
                    let print = fingerprint(&site, file, planned.identity, &made.records, gathered);
                    (file.path().to_owned(), print)
                })
                .collect();
            planned.kept = Some(site.into_kept());
            self.carried =
                Some(Carried { digest: *digest, now, files, planned, indexed, stored: None });
            timer.lap("planned ahead");
        }
        // (`cargo xtask bench` waits for this line before it changes a seed.)
        timer.lap("read ahead");
    }
}

/// A hash of the index's head, if it is there: the head holds the checksum of every shard, so
/// an index rewritten since has another (its metadata could stay, in one tick of a coarse clock).
fn head_digest(cache: &Path) -> Option<u128> {
    fs::read(index::directory(cache).join("head")).ok().map(|bytes| xxh3_128(&bytes))
}

/// [`build_with`], with what a long-running publisher kept from the builds before.
pub(crate) fn build_warm(
    project: &Project,
    options: Options,
    waiting: &dyn Fn(&str),
    mut warm: Option<&mut Warm>,
) -> Result<Report, BuildError> {
    let _lock = match options.mode {
        Mode::Write => Some(lock::acquire(project, options.wait, waiting)?),
        Mode::Check => None,
    };
    let mut attempt = 0;
    loop {
        match run(project, options, warm.as_deref_mut()) {
            Err(Restart(path)) if attempt < 3 => {
                attempt += 1;
                // (A publisher's listing was taken by the attempt: the seeds are listed again.)
                eprintln!("{}: changed during the build; starting over", display(&path));
            }
            Err(Restart(path)) => return Err(BuildError::Unsettled { path }),
            Ok(result) => return result,
        }
    }
}

/// A seed changed between being listed and being read again: the run's view is not one
/// moment's, so it starts over.
struct Restart(PathBuf);

fn run(
    project: &Project,
    options: Options,
    warm: Option<&mut Warm>,
) -> Result<Result<Report, BuildError>, Restart> {
    let mut warm = warm;
    let catalog = match catalog(project, options.mode, warm.as_deref_mut()) {
        Ok(Cataloged::UpToDate(next_embargo)) => {
            return Ok(Ok(Report {
                seeds: 0,
                articles: 0,
                problems: Vec::new(),
                warnings: Vec::new(),
                outcome: Outcome::UpToDate,
                note: None,
                next_embargo,
            }));
        }
        Ok(Cataloged::Changed(catalog)) => *catalog,
        Ok(Cataloged::Restart(path)) => return Err(Restart(path)),
        Err(error) => return Ok(Err(error)),
    };
    let Catalog { loaded, index, note, reuse } = catalog;
    if !loaded.problems.is_empty() && !options.keep_going {
        return Ok(Err(BuildError::BadSeeds {
            problems: loaded.problems,
            warnings: loaded.warnings,
            seeds: loaded.seeds,
        }));
    }
    if loaded.entries.is_empty() {
        return Ok(Err(BuildError::NoArticles {
            seeds: project.seeds().to_owned(),
            problems: loaded.problems,
            warnings: loaded.warnings,
        }));
    }
    let mut stored = None;
    let outcome = match options.mode {
        Mode::Check => {
            let site = loaded.site();
            match compare(project.out(), &site, &loaded, &loaded.settings) {
                Ok(stale) if stale.is_empty() => Outcome::Fresh { files: site.paths().len() },
                Ok(stale) => Outcome::Stale(explain_embargoes(project.out(), &loaded, stale)),
                Err(error) => return restart_or(error),
            }
        }
        Mode::Write => {
            let carry = warm.is_some();
            match write(project, &loaded, &index, reuse, carry) {
                Ok((written, mut carried)) => {
                    stored = carried.as_mut().and_then(|carried| carried.stored.take());
                    if let Some(warm) = warm.as_deref_mut() {
                        warm.carried = carried;
                    }
                    written
                }
                Err(error) => return restart_or(error),
            }
        }
    };
    let now = loaded.settings.now();
    let next_embargo = (loaded.entries.iter())
        .filter_map(|entry| entry.embargo().filter(|_| !entry.released(now)))
        .min();
    let articles = loaded.entries.len();
    let listable = loaded.problems.is_empty();
    let mut loaded = loaded;
    // The entries and records just stored, handed to the publisher: its index is read ahead
    // without them.
    if let (Some(warm), Some(Stored { head, seed_shards })) = (warm, stored) {
        let entries = std::mem::take(&mut loaded.entries);
        let records = std::mem::take(&mut loaded.shelf.records);
        let made = index::MadeSeeds { entries, records };
        let photos = listable.then_some(index.photos);
        warm.handed = Some(Handed { identity: index.identity, head, seed_shards, made, photos });
    }
    Ok(Ok(Report {
        next_embargo,
        seeds: loaded.seeds,
        articles,
        problems: loaded.problems,
        warnings: loaded.warnings,
        outcome,
        note,
    }))
}

/// The missing pages of articles whose embargo has ended, told as such: the site is out of date
/// because time passed, not because someone forgot to build. They come first.
fn explain_embargoes(out: &Path, loaded: &Loaded, stale: Vec<Stale>) -> Vec<Stale> {
    let now = loaded.settings.now();
    let lifted: std::collections::BTreeMap<PathBuf, (&str, chrono::DateTime<chrono::FixedOffset>)> =
        loaded
            .entries
            .iter()
            .filter_map(|entry| {
                let at = entry.embargo().filter(|_| entry.released(now))?;
                let key = entry.key().as_str();
                Some((out.join(feed::layout::article_path(key)), (key, at)))
            })
            .collect();
    let (mut explained, rest): (Vec<Stale>, Vec<Stale>) = stale
        .into_iter()
        .map(|stale| match stale {
            Stale::Missing(path) => match lifted.get(&path) {
                Some(&(key, at)) => Stale::EmbargoLifted { path, key: key.to_owned(), at },
                None => Stale::Missing(path),
            },
            other => other,
        })
        .partition(|stale| matches!(stale, Stale::EmbargoLifted { .. }));
    explained.extend(rest);
    explained
}

/// A render that failed because a seed changed under it starts the run over; any other
/// failure is the run's.
fn restart_or(error: BuildError) -> Result<Result<Report, BuildError>, Restart> {
    if let BuildError::Render { error: WriteError::Library { source, .. }, .. } = &error
        && let Some(changed) = source.downcast_ref::<SeedChanged>()
    {
        return Err(Restart(changed.0.clone()));
    }
    Ok(Err(error))
}

/// The settings and the seeds of a project, parsed or taken from the index: what a build
/// publishes. It is also the [`feed::Library`] of its site: the articles it read are kept up to
/// a memory budget, and the others are read again when a file shows them.
#[derive(Debug)]
pub struct Loaded {
    /// The settings in use.
    pub settings: Settings,
    /// The good articles' entries, in seed name order.
    pub entries: Vec<feed::Entry>,
    /// The bad seeds.
    pub problems: Vec<SeedProblem>,
    /// The suspicious ones (of the seeds this run parsed).
    pub warnings: Vec<SeedWarning>,
    /// How many seed files there are.
    pub seeds: usize,
    /// The photos below the seeds directory, with their sizes.
    pub photos: feed::Photos,
    shelf: Shelf,
}

impl Loaded {
    /// The site of the good articles, to be rendered file by file.
    pub fn site(&self) -> feed::Site<'_> {
        feed::Site::new(&self.settings, &self.entries).with_photo_sizes(self.photos.clone())
    }

    /// [`Loaded::site`], given what an earlier plan of the same entries but a few knew.
    fn site_after(&self, earlier: feed::Earlier<'_>) -> feed::Site<'_> {
        (feed::Site::new_after(&self.settings, &self.entries, earlier))
            .with_photo_sizes(self.photos.clone())
    }
}

impl feed::Library for Loaded {
    fn article(&self, index: usize) -> Result<feed::Held<'_>, feed::LibraryError> {
        self.shelf.article(index, self.entries[index].key())
    }

    fn photo(&self, path: &str) -> Result<Vec<u8>, feed::LibraryError> {
        if !self.photos.contains_key(path) {
            return Err(format!("{path} is not a photo in the seeds directory").into());
        }
        let file = self.shelf.seeds.join(path);
        // Listed as a regular file; one replaced by a link since is not followed.
        if fs::symlink_metadata(&file)?.file_type().is_symlink() {
            return Err(format!("{path} became a symbolic link during the build").into());
        }
        Ok(fs::read(&file)?)
    }
}

/// Where the articles of a build's entries are: in memory, or in their seeds.
#[derive(Debug)]
struct Shelf {
    seeds: PathBuf,
    options: article::Options,
    /// Each entry's record: its seed's name and the hash of the bytes its entry was made from.
    records: Vec<index::Slim>,
    /// Articles parsed when the seeds were read, within [`keep_bytes`].
    kept: Vec<Option<Box<Article>>>,
    /// Articles read again since, the most recently used.
    recent: std::sync::Mutex<lru::LruCache<usize, Arc<Article>>>,
}

impl Shelf {
    /// A shelf that keeps up to `room` bytes (of seeds) of articles read again.
    fn new(
        seeds: PathBuf,
        options: article::Options,
        records: Vec<index::Slim>,
        kept: Vec<Option<Box<Article>>>,
        room: u64,
    ) -> Shelf {
        // Pages that hold every article of a topic (`item-limit = 0`) read them in an order of
        // their own: what memory allows is kept, or each page would read every article again.
        let average = records.iter().map(|record| record.stamp.size).sum::<u64>()
            / records.len().max(1) as u64;
        let fits = usize::try_from(room / average.max(1024)).unwrap_or(usize::MAX);
        let capacity = std::num::NonZeroUsize::new(RECENT.max(fits)).expect("RECENT is not zero");
        let recent = std::sync::Mutex::new(lru::LruCache::new(capacity));
        Shelf { seeds, options, records, kept, recent }
    }

    fn article(
        &self,
        index: usize,
        key: &ArticleKey,
    ) -> Result<feed::Held<'_>, feed::LibraryError> {
        if let Some(article) = &self.kept[index] {
            return Ok(feed::Held::Borrowed(article));
        }
        let recent = || self.recent.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some(article) = recent().get(&index) {
            return Ok(feed::Held::Shared(article.clone()));
        }
        let article = Arc::new(self.read(index, key)?);
        recent().put(index, article.clone());
        Ok(feed::Held::Shared(article))
    }

    /// Reads and parses the seed of entry `index` (of `key`), which must be as it was listed.
    fn read(&self, index: usize, key: &ArticleKey) -> Result<Article, feed::LibraryError> {
        let record = &self.records[index];
        let path = self.seeds.join(record.name(key));
        let changed = || Box::new(SeedChanged(path.clone()));
        let bytes = fs::read(&path).map_err(|_| changed())?;
        if xxh3_128(&bytes) != record.hash {
            return Err(changed());
        }
        let parsed = article::parse(key, &bytes, &self.options).map_err(|_| changed())?;
        Ok(parsed.article)
    }
}

/// A seed is not what it was when the build listed it.
#[derive(Debug)]
struct SeedChanged(PathBuf);

impl std::fmt::Display for SeedChanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} changed during the build", display(&self.0))
    }
}

impl std::error::Error for SeedChanged {}

/// How many bytes of seeds a build of `seeds` seeds keeps parsed in memory, so that the files
/// that show them need not read them again: what is left of [`MEMORY`] once every seed's
/// record, entry and place in the plan (about 600 bytes each, measured at a million) are
/// counted, at 1.5 bytes of parsed article per byte of seed (measured: a hundred thousand seeds
/// of 336 MB parsed take 500 MB). A hundred thousand seeds are all kept, and parsed once; at a
/// million, a few per cent are, and the rest are read again when a file shows them: memory
/// stays bounded.
fn keep_bytes(seeds: usize) -> u64 {
    let metadata = seeds as u64 * 600;
    MEMORY.saturating_sub(metadata) * 10 / 15
}

/// The memory a build aims to stay within, whatever the number of seeds.
const MEMORY: u64 = 600 << 20;

/// How many articles read again while rendering are kept at least: enough for the files of a
/// few archive pages (at most about a thousand articles each) and their articles' pages,
/// rendered together on every core. More are kept when the memory budget leaves room.
const RECENT: usize = 4096;

/// Prints how long each phase of the build took, when `WIREFEED_TIMINGS` is set: for profiling
/// the build at scale, never in its output. Wall time, and the CPU time of every thread (which
/// says how much of a phase ran on one core only), with memory.
struct Timer(Option<(std::time::Instant, f64)>);

/// The CPU time of this process so far, in seconds, where `/proc` says it (user and system,
/// every thread; in clock ticks, taken as the usual 100 a second).
fn cpu_seconds() -> f64 {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's name, which is in parentheses and may hold spaces.
    let fields = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = (fields.split_whitespace().skip(11).take(2))
        .map(|field| field.parse::<u64>().unwrap_or(0))
        .sum();
    ticks as f64 / 100.0
}

impl Timer {
    fn start() -> Timer {
        Timer(
            std::env::var_os("WIREFEED_TIMINGS")
                .map(|_| (std::time::Instant::now(), cpu_seconds())),
        )
    }

    fn lap(&mut self, phase: &str) {
        if let Some((start, cpu)) = &mut self.0 {
            // The resident and the peak memory so far, where `/proc` says them.
            let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |name: &str| {
                let line = status.lines().find(|line| line.starts_with(name));
                let kilobytes = line.and_then(|line| line.split_whitespace().nth(1));
                kilobytes.and_then(|kb| kb.parse::<u64>().ok()).map_or(0, |kb| kb >> 10)
            };
            let now = cpu_seconds();
            eprintln!(
                "timing: {phase:<12} {:>8.3} s {:>6} MiB resident {:>6} MiB peak {:>7.2} s CPU",
                start.elapsed().as_secs_f64(),
                field("VmRSS:"),
                field("VmHWM:"),
                now - *cpu,
            );
            *start = std::time::Instant::now();
            *cpu = now;
        }
    }
}

/// What `catalog` found.
enum Cataloged {
    /// Nothing changed since the last build: the site is as it would be written. When the next
    /// embargo ends.
    UpToDate(Option<chrono::DateTime<chrono::FixedOffset>>),
    /// A seed changed while it was read.
    Restart(PathBuf),
    Changed(Box<Catalog>),
}

#[derive(Debug)]
struct Catalog {
    loaded: Loaded,
    /// The last build's site files, when this one's entries are its own with a few spliced in.
    reuse: Option<Reuse>,
    /// What the index held, and each seed's new record, for the write to store.
    index: IndexRun,
    /// Why the index could not be used in full, for the report.
    note: Option<String>,
}

/// The index's part of one run.
#[derive(Debug)]
struct IndexRun {
    identity: index::Identity,
    old: index::Loaded,
    /// Which seed shards changed in this run.
    seeds_dirty: Vec<bool>,
    /// The digest of the seeds as listed, when none was a problem.
    digest: Option<u128>,
    /// The photos as listed.
    photos: Vec<(String, scan::Stamp)>,
}

/// Lists the seeds and reads the ones the index does not know as they are; in write mode,
/// answers `UpToDate` when nothing changed at all.
fn catalog(
    project: &Project,
    mode: Mode,
    warm: Option<&mut Warm>,
) -> Result<Cataloged, BuildError> {
    let settings = project.settings().map_err(BuildError::Settings)?;
    let cache = project.cache();
    let mut timer = Timer::start();
    let started = clock(&cache);
    // A publisher's listing, kept up to date from the file system's events, or a new one;
    // either is the build's to take apart.
    let mut warm = warm;
    let (listing, prepared) = match warm.as_deref_mut() {
        Some(warm) => (warm.listing.take(), warm.index.take()),
        None => (None, None),
    };
    let listing = match listing {
        Some(listing) => listing,
        None => scan::list(project.seeds())?,
    };
    timer.lap("scan");
    // A photo that changes changes the feeds that give its size and its copy: like new
    // settings, it makes the run render and compare every file.
    let identity = identity_of(project, listing.photos());
    // Every seed good and listed as the last run left it, none racy, no embargo ending since,
    // the site as it was written: up to date, known from the head alone, no shard read. (Told
    // before the keys are checked for duplicates: the listing is the one the head recorded,
    // which had none.)
    if mode == Mode::Write
        && let Some(head) = index::head(&cache, &identity)
        && head.seeds_digest.is_some()
        && head.seeds_digest == listing.digest_if_clean()
        && !embargo_crossed(&head.embargoes, head.now, settings.now())
        && site_as_recorded(project, &head)
    {
        timer.lap("no-op check");
        return Ok(Cataloged::UpToDate(next_embargo(&head.embargoes, settings.now())));
    }
    timer.lap("head");
    let scan = listing.scan(project.seeds());
    let listed_photos = scan.photos.clone();
    let photos: feed::Photos =
        scan.photos.iter().map(|(name, stamp)| (name.clone(), stamp.size)).collect();
    let digest = scan.problems.is_empty().then(|| scan.digest());
    timer.lap("keys");
    // The index read ahead, if it was read for this identity and its head is as it was.
    let read_ahead = prepared.and_then(|prepared| {
        (prepared.identity == identity && head_digest(&cache) == prepared.head).then_some((
            prepared.loaded,
            prepared.made,
            prepared.digest,
        ))
    });
    // The files the publisher kept, if they were planned from the entries read ahead.
    let made_digest = read_ahead.as_ref().and_then(|(_, _, digest)| *digest);
    let (mut old, old_seeds) = match (mode, read_ahead) {
        // A check trusts nothing: it parses every seed and compares every byte.
        (Mode::Check, _) => (index::Loaded::default(), Known::Records(Vec::new())),
        (Mode::Write, Some((loaded, Some(made), _))) => (loaded, Known::Made(made)),
        (Mode::Write, _) => {
            let mut loaded = index::load(&cache, &identity);
            let records = std::mem::take(&mut loaded.seeds);
            (loaded, Known::Records(records))
        }
    };
    timer.lap("index load");

    // Each seed found, with the position of the index's record of it when the name is known:
    // at a million seeds, a copy of the records would be a few hundred megabytes.
    let recorded = old_seeds.len();
    // An embargo that ended since the last run (or, with an earlier `--now`, one that has not
    // ended yet) changes the site though no seed changed.
    let embargoes = embargoes_of((0..recorded).filter_map(|at| old_seeds.embargo(at)));
    let next_embargo = next_embargo(&embargoes, settings.now());
    let last_now = old.head.as_ref().and_then(|head| head.now);
    let embargo_ended = embargo_crossed(&embargoes, last_now, settings.now());
    let (known, gone) = walk_beside(
        &scan.seeds,
        |seed| &seed.name,
        recorded,
        |at, name| old_seeds.cmp_name(at, name),
        WALKED_AT_ONCE,
    );
    let mut seeds_dirty = vec![false; index::SHARDS];
    for gone in gone {
        seeds_dirty[old_seeds.shard(gone)] = true;
    }
    let record_of = |at: &Option<u32>| at.map(|at| old_seeds.was(at as usize));
    // Racy records are as good as their bytes: those are hashed again.
    let unchanged = |(seed, at): (&scan::Found, &Option<u32>)| {
        record_of(at).is_some_and(|record| {
            record.stamp == seed.stamp
                && (!record.racy
                    || fs::read(project.seeds().join(&seed.name))
                        .is_ok_and(|bytes| xxh3_128(&bytes) == record.hash))
        })
    };
    if mode == Mode::Write
        && !embargo_ended
        && scan.problems.is_empty()
        && recorded == scan.seeds.len()
        && scan.seeds.par_iter().zip(known.par_iter()).all(unchanged)
        && outputs_as_recorded(project, &old)
    {
        // The racy records were as their bytes; once they are old enough to be trusted, the
        // head says so, and the next no-op reads no shard.
        if let Some(mut head) = old.head.take()
            && head.seeds_digest != digest
            && let Some(started) = started
            && known.iter().filter_map(record_of).all(|record| {
                record.stamp.modified.max(record.stamp.changed) < started - RACY_NANOS
            })
        {
            head.seeds_digest = digest;
            head.embargoes = embargoes;
            // Failing costs the next no-op its shortcut, not its correctness.
            let _ = index::rewrite_head(&cache, &head);
        }
        timer.lap("no-op check");
        return Ok(Cataloged::UpToDate(next_embargo));
    }
    timer.lap("no-op check");

    let options = settings.parse_options();
    let seeds_dir = project.seeds();
    let progress = progress::bar(scan.seeds.len(), "reading");
    let budget = std::sync::atomic::AtomicU64::new(keep_bytes(scan.seeds.len()));
    let seeds = scan.seeds.len() + scan.problems.len();
    let read: Vec<(ArticleKey, Read)> = scan
        .seeds
        .into_par_iter()
        .zip(known.into_par_iter())
        .map(|(seed, at)| {
            progress.inc(1);
            let known = at.map(|at| (at, old_seeds.was(at as usize)));
            // The key moved, not copied: a million seeds' keys are not made twice.
            let read = read_seed(
                seeds_dir, seed.name, &seed.key, seed.stamp, known, started, &options, &budget,
            );
            (seed.key, read)
        })
        .collect();
    progress.finish_and_clear();
    timer.lap("read");

    let mut problems = scan.problems;
    let mut warnings = Vec::new();
    // Places, tags and seed directories, one shared copy of each: looked up by text, made
    // only when new (a million seeds hold a few thousand).
    let mut names = index::Interner::default();
    let mut intern = |name: &str| names.get(name);
    // A seed read and parsed in this run, with its warnings: its entry and slim record.
    let mut fresh = |mut record: index::SeedRecord, key, found: Box<[article::Warning]>| {
        record.intern(&mut intern);
        let Some(entry) = record.entry(key) else {
            // A record whose dates do not make sense is damaged: read the seed again.
            return Err(BuildError::io(
                &seeds_dir.join(&record.name),
                "use the index record of",
                io::Error::other("damaged record; remove the .wirefeed directory"),
            ));
        };
        if !found.is_empty() {
            let path = seeds_dir.join(&record.name);
            warnings.extend(
                (found.into_vec().into_iter())
                    .map(|warning| SeedWarning { path: path.clone(), warning }),
            );
        }
        Ok((entry, record.slim(&mut intern)))
    };
    let (mut entries, mut kept, mut good_records);
    // How the entries read ahead became these: their number and the runs replaced.
    let mut spliced: Option<(usize, Vec<Run>)> = None;
    match old_seeds {
        // The index's seeds made while the publisher waited, and only a few seeds new, changed
        // or gone (a publisher's usual build): those made are edited in place, not a million
        // entries and records moved into new ones. (Their warnings were reported when they were
        // parsed.)
        Known::Made(made) if few_changed(&read, made.entries.len()) => {
            (entries, good_records) = (made.entries, made.records);
            kept = Vec::with_capacity(read.len());
            // Each run of old positions gone (`start..end`) and the new seeds in their place.
            let mut edits: Vec<(usize, usize, Vec<index::Made>)> = Vec::new();
            // The old position after the last one kept.
            let mut next = 0;
            for (key, outcome) in read {
                let (record, article, found) = match outcome {
                    Read::Moved(path) => return Ok(Cataloged::Restart(path)),
                    Read::Bad(problem) => {
                        let name = relative_name(seeds_dir, problem.path());
                        seeds_dirty[index::shard_of(&name)] = true;
                        problems.push(*problem);
                        continue;
                    }
                    Read::Good { record, article, warnings } => (record, article, warnings),
                };
                kept.push(article);
                let at = match record {
                    Record::Known(at) => at as usize,
                    Record::Touched(at, touched) => {
                        let (stamp, racy) = *touched;
                        let slim = &mut good_records[at as usize];
                        seeds_dirty[slim.shard(entries[at as usize].key())] = true;
                        (slim.stamp, slim.racy) = (stamp, racy);
                        at as usize
                    }
                    Record::New(record) => {
                        seeds_dirty[index::shard_of(&record.name)] = true;
                        let made = fresh(*record, key, found)?;
                        match edits.last_mut() {
                            Some((_, end, new)) if *end == next => new.push(made),
                            _ => edits.push((next, next, vec![made])),
                        }
                        continue;
                    }
                };
                gone_until(&mut edits, next, at);
                next = at + 1;
            }
            gone_until(&mut edits, next, entries.len());
            let shape = edits.iter().map(|(start, end, new)| (*start, *end, new.len())).collect();
            spliced = Some((entries.len(), shape));
            // From the last, so that the others' positions stay as they were.
            for (start, end, new) in edits.into_iter().rev() {
                let (new_entries, new_records): (Vec<_>, Vec<_>) = new.into_iter().unzip();
                entries.splice(start..end, new_entries);
                good_records.splice(start..end, new_records);
            }
        }
        old_seeds => {
            entries = Vec::with_capacity(read.len());
            kept = Vec::with_capacity(read.len());
            good_records = Vec::with_capacity(read.len());
            // The known records are moved out in name order, as `read` holds them.
            let mut take = old_seeds.taker();
            for (key, outcome) in read {
                match outcome {
                    Read::Moved(path) => return Ok(Cataloged::Restart(path)),
                    Read::Bad(problem) => {
                        let name = relative_name(seeds_dir, problem.path());
                        seeds_dirty[index::shard_of(&name)] = true;
                        problems.push(*problem);
                    }
                    Read::Good { record, article, warnings: found } => {
                        let taken = match record {
                            Record::Known(at) => take(at),
                            Record::Touched(at, touched) => {
                                let (stamp, racy) = *touched;
                                let mut taken = take(at);
                                seeds_dirty[taken.shard()] = true;
                                taken.restamp(stamp, racy);
                                taken
                            }
                            Record::New(record) => {
                                seeds_dirty[index::shard_of(&record.name)] = true;
                                Taken::Record(*record)
                            }
                        };
                        let (entry, slim) = match taken {
                            Taken::Record(record) => fresh(record, key, found)?,
                            // Made while the publisher waited: its warnings were reported when
                            // it was parsed, and it was not parsed in this run.
                            Taken::Made(made) => made,
                        };
                        entries.push(entry);
                        kept.push(article);
                        good_records.push(slim);
                    }
                }
            }
        }
    }
    drop(names);
    let spliced_len = entries.len();

    // Ids are keys unless an `id:` field says otherwise, so only those fields can collide: with
    // each other, or with another article's key. The first seed in name order keeps the id.
    let mut holders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, record) in good_records.iter().enumerate() {
        if let Some(id) = &record.id {
            holders.entry(&**id).or_default().push(index);
        }
    }
    if !holders.is_empty() {
        for (index, entry) in entries.iter().enumerate() {
            if good_records[index].id.is_none()
                && let Some(holding) = holders.get_mut(entry.key().as_str())
            {
                holding.push(index);
            }
        }
        let mut refused: Vec<(usize, String, usize)> = Vec::new();
        for (id, mut holding) in holders {
            holding.sort_unstable();
            refused.extend(holding[1..].iter().map(|&later| (later, id.to_owned(), holding[0])));
        }
        refused.sort_unstable();
        for (index, id, first) in refused.into_iter().rev() {
            let name = good_records[index].name(entries[index].key());
            problems.push(SeedProblem::DuplicateId {
                path: seeds_dir.join(&name),
                id,
                first: seeds_dir.join(good_records[first].name(entries[first].key())),
            });
            seeds_dirty[index::shard_of(&name)] = true;
            entries.remove(index);
            kept.remove(index);
            good_records.remove(index);
        }
    }
    // A photo an article names below the seeds directory must be there.
    for index in (0..entries.len()).rev() {
        let Some(photo) = entries[index].photo() else { continue };
        if photos.contains_key(&**photo) {
            continue;
        }
        let name = good_records[index].name(entries[index].key());
        problems.push(SeedProblem::MissingPhoto {
            path: seeds_dir.join(&name),
            line: good_records[index].photo_line as usize,
            photo: photo.to_string(),
        });
        seeds_dirty[index::shard_of(&name)] = true;
        entries.remove(index);
        kept.remove(index);
        good_records.remove(index);
    }
    problems.sort_by(|a, b| a.path().cmp(b.path()));
    // The last build's files are made over when its entries became these by the splice alone
    // (none refused since) and every entry kept is released as it was (no embargo ended).
    let carried = warm.and_then(|warm| warm.carried.take());
    let reuse = match (carried, spliced) {
        (Some(carried), Some((old, edits)))
            if Some(carried.digest) == made_digest
                && carried.planned.identity == identity_hash(&identity)
                && entries.len() == spliced_len
                && !embargo_crossed(&embargoes, carried.now, settings.now()) =>
        {
            Some(Reuse::new(carried, old, &edits))
        }
        _ => None,
    };
    timer.lap("entries");

    let note = match mode {
        Mode::Write => old.distrust.clone(),
        Mode::Check => None,
    };
    let loaded = Loaded {
        settings,
        entries,
        problems,
        warnings,
        seeds,
        photos,
        shelf: Shelf::new(
            seeds_dir.to_owned(),
            options,
            good_records,
            kept,
            budget.load(std::sync::atomic::Ordering::Relaxed),
        ),
    };
    Ok(Cataloged::Changed(Box::new(Catalog {
        loaded,
        reuse,
        index: IndexRun { identity, old, seeds_dirty, digest, photos: listed_photos },
        note,
    })))
}

/// At most this many seeds new, changed or gone are edited into the seeds read ahead in place:
/// each run of them that adds or removes seeds moves those after it once.
const EDITED_IN_PLACE: usize = 8;

/// Whether `read` (in name order) has few enough seeds new or gone among the `known` seeds read
/// ahead to edit those in place.
fn few_changed(read: &[(ArticleKey, Read)], known: usize) -> bool {
    let (mut kept, mut changed) = (0, 0);
    for (_, outcome) in read {
        match outcome {
            Read::Good { record: Record::Known(_) | Record::Touched(..), .. } => kept += 1,
            _ => changed += 1,
        }
    }
    changed + known.saturating_sub(kept) <= EDITED_IN_PLACE
}

/// Notes that the old positions from `next` to `at` are gone: in the last run of `edits` if it
/// ends at `next`, else in a new one.
fn gone_until(edits: &mut Vec<(usize, usize, Vec<index::Made>)>, next: usize, at: usize) {
    if at > next {
        match edits.last_mut() {
            Some((_, end, _)) if *end == next => *end = at,
            _ => edits.push((next, at, Vec::new())),
        }
    }
}

/// How many seeds one core walks beside the records at a time ([`walk_beside`]).
const WALKED_AT_ONCE: usize = 16_384;

/// Walks `seeds` (in name order, by `name_of`) beside `recorded` records in name order
/// (`cmp_name(at, name)`: how the record at `at` sorts against `name`), `slice` seeds at a time
/// on every core, each slice from the first record not before its first name: the position of
/// each seed's record, if there is one, and the positions of the records of no seed.
fn walk_beside<T: Sync>(
    seeds: &[T],
    name_of: impl Fn(&T) -> &str + Sync,
    recorded: usize,
    cmp_name: impl Fn(usize, &str) -> std::cmp::Ordering + Sync,
    slice: usize,
) -> (Vec<Option<u32>>, Vec<usize>) {
    let first_not_before = |name: &str| {
        let (mut low, mut high) = (0, recorded);
        while low < high {
            let middle = low + (high - low) / 2;
            match cmp_name(middle, name).is_lt() {
                true => low = middle + 1,
                false => high = middle,
            }
        }
        low
    };
    let mut starts: Vec<usize> =
        seeds.par_chunks(slice).map(|seeds| first_not_before(name_of(&seeds[0]))).collect();
    // The first slice also walks the records before the first name; the last, those after the
    // last.
    if let Some(first) = starts.first_mut() {
        *first = 0;
    }
    starts.push(recorded);
    let mut known: Vec<Option<u32>> = vec![None; seeds.len()];
    let gone: Vec<Vec<usize>> = (known.par_chunks_mut(slice))
        .zip(seeds.par_chunks(slice))
        .zip(starts.par_windows(2))
        .map(|((known, seeds), bounds)| {
            let (mut at, end) = (bounds[0], bounds[1]);
            let mut gone = Vec::new();
            for (known, seed) in known.iter_mut().zip(seeds) {
                let name = name_of(seed);
                while at < end && cmp_name(at, name).is_lt() {
                    gone.push(at);
                    at += 1;
                }
                let found = at < end && cmp_name(at, name).is_eq();
                *known = found.then(|| u32::try_from(at).expect("fewer than 2^32 seeds"));
                at += usize::from(found);
            }
            gone.extend(at..end);
            gone
        })
        .collect();
    // No slice when there is no seed: every record is gone.
    let gone = match seeds.is_empty() {
        true => (0..recorded).collect(),
        false => gone.into_iter().flatten().collect(),
    };
    (known, gone)
}

/// The seeds the index knew, in name order: its records as read, or, read ahead by a publisher
/// while it waited, already made into what a build keeps of them.
enum Known {
    Records(Vec<index::SeedRecord>),
    Made(index::MadeSeeds),
}

/// What a run needs of a known seed's record to tell whether the seed changed.
#[derive(Clone, Copy)]
struct Was {
    stamp: scan::Stamp,
    racy: bool,
    hash: u128,
}

/// A known seed's record, moved out of [`Known`].
enum Taken {
    Record(index::SeedRecord),
    Made(index::Made),
}

impl Known {
    fn len(&self) -> usize {
        match self {
            Known::Records(records) => records.len(),
            Known::Made(made) => made.entries.len(),
        }
    }

    /// How the name of the seed at `at` sorts against `name`.
    fn cmp_name(&self, at: usize, name: &str) -> std::cmp::Ordering {
        match self {
            Known::Records(records) => records[at].name.as_str().cmp(name),
            Known::Made(made) => made.records[at].cmp_to(made.entries[at].key(), name),
        }
    }

    fn was(&self, at: usize) -> Was {
        match self {
            Known::Records(records) => {
                let record = &records[at];
                Was { stamp: record.stamp, racy: record.racy, hash: record.hash }
            }
            Known::Made(made) => {
                let slim = &made.records[at];
                Was { stamp: slim.stamp, racy: slim.racy, hash: slim.hash }
            }
        }
    }

    /// The index shard of the seed at `at`.
    fn shard(&self, at: usize) -> usize {
        match self {
            Known::Records(records) => index::shard_of(&records[at].name),
            Known::Made(made) => made.records[at].shard(made.entries[at].key()),
        }
    }

    fn embargo(&self, at: usize) -> Option<index::Instant> {
        match self {
            Known::Records(records) => records[at].embargo,
            Known::Made(made) => made.entries[at].embargo().map(index::Instant::of),
        }
    }

    /// Moves the records out by increasing position, each once (those skipped are dropped).
    fn taker(self) -> impl FnMut(u32) -> Taken {
        enum Left {
            Records(std::vec::IntoIter<index::SeedRecord>),
            Made(std::iter::Zip<std::vec::IntoIter<feed::Entry>, std::vec::IntoIter<index::Slim>>),
        }
        let mut left = match self {
            Known::Records(records) => Left::Records(records.into_iter()),
            Known::Made(made) => Left::Made(made.entries.into_iter().zip(made.records)),
        };
        // The position of the next record in `left`.
        let mut next = 0;
        move |at: u32| {
            let skip = (at as usize).checked_sub(next).expect("records are taken in order");
            next = at as usize + 1;
            let taken = match &mut left {
                Left::Records(records) => records.nth(skip).map(Taken::Record),
                Left::Made(made) => made.nth(skip).map(Taken::Made),
            };
            taken.expect("a known record is taken once")
        }
    }
}

impl Taken {
    fn shard(&self) -> usize {
        match self {
            Taken::Record(record) => index::shard_of(&record.name),
            Taken::Made((entry, slim)) => slim.shard(entry.key()),
        }
    }

    /// Gives the record new metadata (its bytes are as they were).
    fn restamp(&mut self, stamp: scan::Stamp, racy: bool) {
        let (old_stamp, old_racy) = match self {
            Taken::Record(record) => (&mut record.stamp, &mut record.racy),
            Taken::Made((_, slim)) => (&mut slim.stamp, &mut slim.racy),
        };
        *old_stamp = stamp;
        *old_racy = racy;
    }
}

/// One seed, read or known.
enum Read {
    Good {
        record: Record,
        /// Parsed in this run and kept within the budget.
        article: Option<Box<Article>>,
        /// A boxed slice: nearly every seed has none, and a million seeds are read at once.
        warnings: Box<[article::Warning]>,
    },
    Bad(Box<SeedProblem>),
    /// The seed is not as it was listed (deleted, or being rewritten): the run starts over.
    Moved(PathBuf),
}

/// A good seed's record: the index's as it was, the index's with new metadata, or new.
enum Record {
    /// The index's record at this position.
    Known(u32),
    /// The index's record at this position, its bytes unchanged but its metadata (and whether
    /// that is racy) new.
    Touched(u32, Box<(scan::Stamp, bool)>),
    New(Box<index::SeedRecord>),
}

/// The record of `seed`: the index's (at its position) when its metadata says it is
/// unchanged, else made by reading it (and parsing it, unless its bytes are the ones the index
/// knew).
#[allow(clippy::too_many_arguments)]
fn read_seed(
    seeds: &Path,
    name: String,
    key: &ArticleKey,
    stamp: scan::Stamp,
    known: Option<(u32, Was)>,
    started: Option<i64>,
    options: &article::Options,
    budget: &std::sync::atomic::AtomicU64,
) -> Read {
    use std::sync::atomic::Ordering;
    let racy = |stamp: &scan::Stamp| {
        started.is_none_or(|started| stamp.modified.max(stamp.changed) >= started - RACY_NANOS)
    };
    if let Some((at, record)) = known
        && record.stamp == stamp
        && !record.racy
    {
        return Read::Good { record: Record::Known(at), article: None, warnings: Box::default() };
    }
    let path = seeds.join(&name);
    // A seed that cannot be read or parsed may be one that changed since it was listed: gone,
    // or caught half-written. Only one still as listed is bad; the others restart the run.
    let moved = |path: &Path| {
        fs::symlink_metadata(path).map_or(true, |metadata| scan::Stamp::of(&metadata) != stamp)
    };
    let bytes = match read_listed(&path, stamp.size) {
        Ok(bytes) => bytes,
        Err(_) if moved(&path) => return Read::Moved(path),
        Err(error) => return Read::Bad(Box::new(SeedProblem::Unreadable { path, error })),
    };
    let hash = xxh3_128(&bytes);
    if let Some((at, record)) = known
        && record.hash == hash
    {
        // The metadata moved, the bytes did not (`touch`, a checkout): no need to parse.
        let racy = racy(&stamp);
        let record = match record.stamp == stamp && record.racy == racy {
            true => Record::Known(at),
            false => Record::Touched(at, Box::new((stamp, racy))),
        };
        return Read::Good { record, article: None, warnings: Box::default() };
    }
    let parsed = match article::parse(key, &bytes, options) {
        Ok(parsed) => parsed,
        Err(_) if moved(&path) => return Read::Moved(path),
        Err(error) => return Read::Bad(Box::new(SeedProblem::Invalid { path, error })),
    };
    let entry = feed::Entry::of(&parsed.article);
    let mut record = index::SeedRecord::new(name, stamp, hash, &parsed.article, &entry);
    record.racy = racy(&stamp);
    let size = bytes.len() as u64;
    let keep = budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(size))
        .is_ok();
    Read::Good {
        record: Record::New(Box::new(record)),
        article: keep.then(|| Box::new(parsed.article)),
        warnings: parsed.warnings.into_boxed_slice(),
    }
}

/// The bytes of the file at `path`, listed as `size` bytes long: read into room for one byte
/// more, without asking the file system for its size again as `fs::read` does (a call per seed,
/// a hundred thousand in a first build). A file that changed since it was listed is read whole
/// all the same; its stamp tells the run.
fn read_listed(path: &Path, size: u64) -> io::Result<Vec<u8>> {
    use io::Read as _;
    let file = fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    // Through `Take`: a `File`'s own `read_to_end` asks for its size first.
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// How close to the start of a run a seed's modification makes its metadata untrustworthy:
/// file systems keep times in ticks (two seconds on FAT), and an edit within the tick of the
/// listing would leave them as they were.
const RACY_NANOS: i64 = 2_000_000_000;

/// The current time on the file system of `cache`, read from a file made there: the clock
/// seeds' modification times are compared with. `None` if it cannot be had, which makes every
/// record racy.
fn clock(cache: &Path) -> Option<i64> {
    fs::create_dir_all(cache).ok()?;
    let path = cache.join(format!("clock.{}", std::process::id()));
    fs::write(&path, b"").ok()?;
    let stamp = fs::metadata(&path).ok().map(|metadata| scan::Stamp::of(&metadata));
    let _ = fs::remove_file(&path);
    stamp.map(|stamp| stamp.modified)
}

/// The program, for the index: its version, and the size and modification time of its
/// executable, so that a rebuilt program never trusts an index it did not make.
fn program_identity() -> String {
    let executable = std::env::current_exe()
        .and_then(fs::metadata)
        .map(|metadata| {
            let stamp = scan::Stamp::of(&metadata);
            format!("{} {}", stamp.size, stamp.modified)
        })
        .unwrap_or_default();
    format!("wirefeed {} {executable}", env!("CARGO_PKG_VERSION"))
}

/// Which build an index must come from: this program, these settings and these photos.
fn identity_of(project: &Project, photos: &[(String, scan::Stamp)]) -> index::Identity {
    index::Identity { program: program_identity(), settings: settings_hash(project, photos) }
}

/// A hash of the settings file's bytes (the defaults have none).
fn settings_hash(project: &Project, photos: &[(String, scan::Stamp)]) -> u128 {
    let mut bytes =
        project.settings_path().and_then(|path| fs::read(path).ok()).unwrap_or_default();
    for (name, stamp) in photos {
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(0);
        for number in [stamp.size as i64, stamp.modified, stamp.changed, stamp.inode as i64] {
            bytes.extend_from_slice(&number.to_le_bytes());
        }
    }
    xxh3_128(&bytes)
}

/// The distinct ends of embargoes of `records`, in time order.
fn embargoes_of(embargoes: impl Iterator<Item = index::Instant>) -> Vec<index::Instant> {
    let mut embargoes: Vec<index::Instant> = embargoes.collect();
    embargoes.sort_unstable();
    embargoes.dedup();
    embargoes
}

/// Whether an embargo of `embargoes` ended between the time the last run measured them
/// against (`last`; none known counts as a change) and `now`, or, with an earlier `--now`,
/// had ended then and has not now.
fn embargo_crossed(
    embargoes: &[index::Instant],
    last: Option<index::Instant>,
    now: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> bool {
    let last = last.and_then(index::Instant::time);
    let released = |embargo, at: Option<chrono::DateTime<chrono::FixedOffset>>| {
        at.is_some_and(|at| embargo <= at)
    };
    embargoes
        .iter()
        .filter_map(|embargo| embargo.time())
        .any(|embargo| last.is_none() || released(embargo, last) != released(embargo, now))
}

/// The first end of an embargo of `embargoes` after `now`.
fn next_embargo(
    embargoes: &[index::Instant],
    now: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    (embargoes.iter())
        .filter_map(|embargo| embargo.time())
        .filter(|&embargo| now.is_none_or(|now| embargo > now))
        .min()
}

/// Whether the output directory is as the index's head recorded it: the same place, and no
/// directory of it changed since.
fn outputs_as_recorded(project: &Project, old: &index::Loaded) -> bool {
    let (Some(head), Some(_)) = (&old.head, &old.outputs) else { return false };
    site_as_recorded(project, head)
}

/// Whether the output directory is as `head` recorded it.
fn site_as_recorded(project: &Project, head: &index::Head) -> bool {
    let out = project.out();
    head.out == out
        && directories(out, &head.directories) == head.directories
        && head.files.par_iter().all(|(name, stamp)| {
            fs::symlink_metadata(out.join(name))
                .is_ok_and(|metadata| scan::Stamp::of(&metadata) == *stamp)
        })
}

/// The metadata of every file of the site but the articles' pages, for the head.
fn watched_files(
    files: &[feed::SiteFile],
    stamp_of: &(dyn Fn(&str) -> Option<scan::Stamp> + Sync),
) -> Vec<(String, scan::Stamp)> {
    files
        .par_iter()
        .filter(|file| !file.is_article())
        .filter_map(|file| Some((file.path().to_owned(), stamp_of(file.path())?)))
        .collect()
}

/// The modification times of `recorded`'s directories (or, with none recorded, of the output
/// directory itself), in name order.
fn directories(out: &Path, recorded: &[(String, i64)]) -> Vec<(String, i64)> {
    let names: Vec<&str> = if recorded.is_empty() {
        vec![""]
    } else {
        recorded.iter().map(|(name, _)| name.as_str()).collect()
    };
    names
        .into_iter()
        .map(|name| {
            let time = fs::metadata(out.join(name))
                .map(|metadata| scan::Stamp::of(&metadata).modified)
                .unwrap_or(-1);
            (name.to_owned(), time)
        })
        .collect()
}

/// Reads the settings and every seed, writing nothing and trusting no index.
pub fn load(project: &Project) -> Result<Loaded, BuildError> {
    match catalog(project, Mode::Check, None)? {
        Cataloged::Changed(catalog) => Ok(catalog.loaded),
        Cataloged::UpToDate(_) => unreachable!("a check never answers from the index"),
        Cataloged::Restart(path) => Err(BuildError::Unsettled { path }),
    }
}

/// A seed's name relative to the seeds directory, `/`-separated, as the index keeps it.
fn relative_name(seeds: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(seeds).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Compares the output directory with what a build would write; returns every difference, in
/// path order.
pub fn compare(
    out: &Path,
    site: &feed::Site<'_>,
    library: &(impl feed::Library + ?Sized),
    settings: &Settings,
) -> Result<Vec<Stale>, BuildError> {
    let files = biggest_first(site, site.files());
    let compared: Vec<Result<Option<Stale>, BuildError>> = files
        .par_iter()
        .with_max_len(1)
        .map(|file| {
            let path = out.join(file.path());
            let sink = Sink::new(path.clone(), SinkMode::Check);
            if stream(site, library, file, sink)? == Changed::No {
                return Ok(None);
            }
            Ok(Some(match fs::read(&path) {
                Err(_) => Stale::Missing(path),
                // A checkout with `core.autocrlf` holds CRLF copies of the LF files we write.
                Ok(actual)
                    if normalize_newlines(&actual) == render(site, library, file, &path)? =>
                {
                    return Ok(None);
                }
                Ok(_) => Stale::Differs(path),
            }))
        })
        .collect();
    let mut stale = Vec::new();
    for result in compared {
        stale.extend(result?);
    }
    let searched_stale = std::sync::Mutex::new(Vec::new());
    let searched = match settings.search() {
        true => {
            remove_dead_scratch(&std::env::temp_dir(), "wirefeed-search.");
            let scratch =
                std::env::temp_dir().join(format!("wirefeed-search.{}", std::process::id()));
            let emit = |name: String, bytes: Vec<u8>| {
                let path = out.join(&name);
                let stale = match fs::read(&path) {
                    Err(_) => Stale::Missing(path),
                    Ok(actual) if normalize_newlines(&actual) != bytes => Stale::Differs(path),
                    Ok(_) => return Ok(()),
                };
                searched_stale.lock().unwrap_or_else(|poison| poison.into_inner()).push(stale);
                Ok(())
            };
            // The list of what was indexed is for a later build to patch; a check keeps none.
            let entries = site.entries();
            let chosen = search::indexed(settings, entries);
            let listing = search::listing(entries, &chosen, &|_| 0);
            let (previous, discard) = (None, &|| {});
            search_files(
                out, &scratch, settings, entries, &chosen, &listing, library, previous, &emit,
                discard,
            )?
            .names
        }
        false => Vec::new(),
    };
    stale.extend(searched_stale.into_inner().unwrap_or_else(|poison| poison.into_inner()));
    let mut names: Vec<String> = site.paths();
    names.extend(searched);
    names.sort();
    let legacy =
        LEGACY_STATE.iter().map(|name| name.to_string()).filter(|name| out.join(name).exists());
    for name in list_files(out).into_iter().chain(legacy) {
        if names.binary_search(&name).is_err() {
            stale.push(Stale::Stray(out.join(name)));
        }
    }
    stale.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(stale)
}

/// `files`, the most work first, so the feeds of every article start at once and the small
/// pages fill in around them.
fn biggest_first(site: &feed::Site<'_>, mut files: Vec<feed::SiteFile>) -> Vec<feed::SiteFile> {
    files.sort_by_key(|file| std::cmp::Reverse(site.weight(file)));
    files
}

/// `files` in the order that reads each article the fewest times: the biggest pages first
/// (the main and topic feeds, which may hold every article), then each archive page's files
/// followed by the pages of its articles, so that those are still among the recently read.
fn together(site: &feed::Site<'_>, files: &[feed::SiteFile], due: Vec<usize>) -> Vec<usize> {
    use feed::layout::{FileKind, PageKind};
    let archive_name = |kind: FileKind| match kind {
        FileKind::Feed(PageKind::Archive(name), _) | FileKind::Html(PageKind::Archive(name)) => {
            Some(name)
        }
        _ => None,
    };
    // Archive pages by name, in time order, and each entry's archive page.
    let mut archives: Vec<(String, usize)> = files
        .iter()
        .enumerate()
        .filter(|(_, file)| !file.is_article())
        .filter_map(|(at, file)| match site.kind(file) {
            kind @ FileKind::Feed(PageKind::Archive(_), feed::layout::Format::Atom) => {
                archive_name(kind).map(|name| (name, at))
            }
            _ => None,
        })
        .collect();
    archives.sort();
    let mut archive_of = vec![usize::MAX; site.entries().len()];
    for (ordinal, (_, at)) in archives.iter().enumerate() {
        for &index in site.articles_of(&files[*at]).iter() {
            archive_of[index] = ordinal;
        }
    }
    let ordinal_of = |name: &str| {
        archives.binary_search_by(|(other, _)| other.as_str().cmp(name)).unwrap_or(usize::MAX)
    };
    // (0, 0, weight) for the pages that are not archives; (1, archive, 1) for an archive
    // page's files and (1, archive, 0) for its articles' pages, which come right after them.
    type Order = (usize, usize, std::cmp::Reverse<usize>);
    let mut keyed: Vec<(Order, usize)> = due
        .into_iter()
        .map(|at| {
            let file = &files[at];
            let kind = site.kind(file);
            let key = match kind {
                FileKind::Article(_) => {
                    let index = site.articles_of(file)[0];
                    (1, archive_of[index], std::cmp::Reverse(0))
                }
                kind => match archive_name(kind) {
                    Some(name) => (1, ordinal_of(&name), std::cmp::Reverse(1)),
                    None => (0, 0, std::cmp::Reverse(site.weight(file))),
                },
            };
            (key, at)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, at)| at).collect()
}

/// Whether a streamed file changed.
#[derive(Debug, PartialEq, Eq)]
enum Changed {
    No,
    /// Yes; staged in this temporary file when the sink writes.
    Yes(Option<PathBuf>),
}

/// Renders `file` through `sink`.
fn stream(
    site: &feed::Site<'_>,
    library: &(impl feed::Library + ?Sized),
    file: &feed::SiteFile,
    sink: Sink,
) -> Result<Changed, BuildError> {
    let path = sink.path().to_owned();
    // A sink that only compares reads the old file; one that writes also stages the new one.
    let action = if sink.writes() { "write" } else { "compare" };
    let mut buffered = io::BufWriter::with_capacity(1 << 16, sink);
    site.write(file, library, &mut buffered).map_err(|error| match error {
        // The renderers write nowhere but into the sink: an I/O error is the file's.
        WriteError::Io(error) => BuildError::io(&path, action, error),
        error => BuildError::Render { path: path.clone(), error },
    })?;
    let sink =
        buffered.into_inner().map_err(|error| BuildError::io(&path, action, error.into_error()))?;
    Ok(match sink.finish().map_err(|error| BuildError::io(&path, action, error))? {
        SinkOutcome::Unchanged => Changed::No,
        SinkOutcome::Staged(temporary) => Changed::Yes(Some(temporary)),
        SinkOutcome::Differs => Changed::Yes(None),
    })
}

/// One file, rendered whole: for the rare comparison that needs it.
fn render(
    site: &feed::Site<'_>,
    library: &(impl feed::Library + ?Sized),
    file: &feed::SiteFile,
    path: &Path,
) -> Result<Vec<u8>, BuildError> {
    let mut bytes = Vec::new();
    site.write(file, library, &mut bytes)
        .map_err(|error| BuildError::Render { path: path.to_owned(), error })?;
    Ok(bytes)
}

/// Makes the search files of `site`'s articles, handing each to `emit`: by patching the files in
/// `out` when `previous` says what they were made from and a patch is worth it
/// ([`search::patch`]), else from every article ([`search::files`]) with scratch files in
/// `scratch`. A failure to render is named after the manifest in `out`.
#[allow(clippy::too_many_arguments)]
fn search_files(
    out: &Path,
    scratch: &Path,
    settings: &Settings,
    entries: &[feed::Entry],
    chosen: &[usize],
    listing: &[search::Listed],
    library: &(impl feed::Library + ?Sized),
    previous: Option<&search::List>,
    emit: &(dyn Fn(String, Vec<u8>) -> Result<(), BuildError> + Sync),
    discard: &dyn Fn(),
) -> Result<search::Made, BuildError> {
    let emit = |name: String, bytes: Vec<u8>| {
        emit(name, bytes).map_err(|error| search::SearchError::Emit(Box::new(error)))
    };
    let made = match previous {
        Some(previous) => {
            let patched =
                search::patch(settings, entries, chosen, listing, library, previous, out, &emit);
            if matches!(patched, Ok(None)) {
                // What the patch staged is made again.
                discard();
            }
            patched.transpose()
        }
        None => None,
    };
    made.unwrap_or_else(|| {
        search::files(settings, entries, chosen, listing, library, scratch, &emit)
    })
    .map_err(|error| match error {
        search::SearchError::Write(error) => {
            BuildError::Render { path: out.join(search::MANIFEST), error }
        }
        search::SearchError::Scratch(path, error) => {
            BuildError::io(&path, "make the search index with", error)
        }
        search::SearchError::Emit(error) => *error,
    })
}

/// The fingerprint of everything the search files depend on: the program, the settings and
/// the articles they index (`listing`).
fn search_fingerprint(
    listing: &[search::Listed],
    settings: &Settings,
    identity: &index::Identity,
) -> u128 {
    let mut state = Xxh3::new();
    state.write(identity.program.as_bytes());
    state.write_u128(identity.settings);
    search::fingerprint(settings, listing, &mut state);
    state.digest128()
}

/// Compares `bytes` with the file at `path` and stages them in `temporary` if they differ.
fn stage(temporary: PathBuf, path: PathBuf, bytes: &[u8]) -> Result<Changed, BuildError> {
    use io::Write as _;
    let mut sink = Sink::new(path.clone(), SinkMode::Write(temporary));
    sink.write_all(bytes).map_err(|error| BuildError::io(&path, "write", error))?;
    Ok(match sink.finish().map_err(|error| BuildError::io(&path, "write", error))? {
        SinkOutcome::Unchanged => Changed::No,
        SinkOutcome::Staged(temporary) => Changed::Yes(Some(temporary)),
        SinkOutcome::Differs => Changed::Yes(None),
    })
}

/// Every file below `dir` as a `/`-separated path relative to it, in path order; hidden files
/// and directories (temporaries, `.git`) are left out.
pub fn list_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    each_file(dir, &mut |name| files.push(name.to_owned()));
    files.sort();
    files
}

/// Calls `found` with the name of every file below `dir` as [`list_files`] lists them, in no
/// particular order, without holding them all.
fn each_file(dir: &Path, found: &mut dyn FnMut(&str)) {
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&directory) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if name.starts_with('.') {
                continue;
            }
            let relative = format!("{prefix}{name}");
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push((entry.path(), format!("{relative}/"))),
                _ => found(&relative),
            }
        }
    }
}

/// A checkout with `core.autocrlf` may hold CRLF copies of the LF files we write.
fn normalize_newlines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&byte) = iter.next() {
        if byte == b'\r' && iter.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(byte);
    }
    out
}

/// The fingerprint of everything `file`'s bytes depend on.
fn fingerprint(
    site: &feed::Site<'_>,
    file: &feed::SiteFile,
    identity: u128,
    records: &[index::Slim],
    gathered: &mut Vec<u8>,
) -> u128 {
    print_of(identity, gathered, |state| {
        site.dependencies(file, state);
        for &index in site.articles_of(file).iter() {
            state.write_u128(records[index].hash);
        }
    })
}

/// [`fingerprint`] of entry `index`'s own page, without its [`feed::SiteFile`].
fn article_fingerprint(
    site: &feed::Site<'_>,
    index: usize,
    identity: u128,
    records: &[index::Slim],
    gathered: &mut Vec<u8>,
) -> u128 {
    print_of(identity, gathered, |state| {
        site.article_dependencies(index, state);
        state.write_u128(records[index].hash);
    })
}

/// `identity` and what `feed` gives, gathered in `gathered` and hashed at once.
fn print_of(identity: u128, gathered: &mut Vec<u8>, feed: impl FnOnce(&mut Gather<'_>)) -> u128 {
    gathered.clear();
    let mut state = Gather(gathered);
    state.write_u128(identity);
    feed(&mut state);
    xxh3_128(state.0)
}

/// A hasher that gathers what it is given, to be hashed in one call: a file's dependencies
/// come as a dozen small writes, and a million article pages' fed to a streaming xxh3 state
/// (set up anew for each) cost more than their bytes hashed at once.
struct Gather<'a>(&'a mut Vec<u8>);

impl std::hash::Hasher for Gather<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(self.0)
    }
}

/// The program and the settings, hashed once for every file's fingerprint.
fn identity_hash(identity: &index::Identity) -> u128 {
    let mut state = Xxh3::new();
    state.update(identity.program.as_bytes());
    state.update(&identity.settings.to_le_bytes());
    state.digest128()
}

/// Writes every file whose inputs changed since the index recorded them (every file, when the
/// index cannot be trusted), atomically, and deletes generated files no page produces any
/// more; then stores the index.
fn write(
    project: &Project,
    loaded: &Loaded,
    index: &IndexRun,
    reuse: Option<Reuse>,
    carry: bool,
) -> Result<(Outcome, Option<Carried>), BuildError> {
    let out = project.out();
    let mut timer = Timer::start();
    // With a trusted index, only the files whose inputs changed are rendered; else every file,
    // compared.
    let recorded = index.old.outputs.as_ref().filter(|_| outputs_as_recorded(project, &index.old));
    // Where files are staged: beside the files they replace, or in twins of the directories the
    // site does not have yet (removed when dropped, unless renamed into place).
    let staging = Staging::new(out);
    // The search files are staged as they are made, so that they are never all in memory.
    let search_staged = std::sync::Mutex::new(Vec::new());
    let discard = || {
        let mut staged = search_staged.lock().unwrap_or_else(|poison| poison.into_inner());
        for (temporary, _) in staged.drain(..) {
            let _ = fs::remove_file(temporary);
        }
    };
    // The site (planned, its files listed, fingerprinted and staged) and the search files are
    // made at once, on both cores: neither reads what the other makes, and both are only
    // staged; a story is live when both are done.
    let (moved, splice) = match reuse {
        Some(Reuse { files, planned, indexed, renumber, fresh }) => {
            (Some((files, planned)), Some((indexed, renumber, fresh)))
        }
        None => (None, None),
    };
    // A build that stages every file writes them back while it renders.
    let flusher = recorded.is_none().then(|| Flusher::start(out)).flatten();
    let (site_made, searched) = rayon::join(
        || {
            let mut timer = Timer::start();
            let mut reuse =
                moved.zip(splice.as_ref()).map(|((files, planned), (_, renumber, fresh))| {
                    SiteReuse { files, planned, renumber, fresh }
                });
            let site = match &mut reuse {
                // The order of the articles kept and the pages they alone are on, made over.
                Some(reuse) => loaded.site_after(feed::Earlier {
                    sorted: &reuse.planned.sorted,
                    renumber: reuse.renumber,
                    fresh: reuse.fresh,
                    facts: &reuse.planned.facts,
                    kept: reuse.planned.kept.take(),
                }),
                None => loaded.site(),
            };
            timer.lap("pages");
            let mut made =
                site_files(project, &staging, &site, loaded, index, recorded, reuse, carry)?;
            if let Some(planned) = &mut made.planned {
                planned.kept = Some(site.into_kept());
            }
            Ok(made)
        },
        || {
            let earlier = splice.as_ref().map(|(indexed, renumber, fresh)| {
                (indexed.as_slice(), renumber.as_slice(), fresh.as_slice())
            });
            make_search(
                project,
                loaded,
                index,
                recorded,
                &staging,
                &search_staged,
                &discard,
                earlier,
            )
        },
    );
    drop(flusher);
    timer.lap("made");
    let SiteMade {
        files,
        prints,
        shards,
        due,
        gone,
        staged,
        failure,
        directories: site_directories,
        planned,
    } = match site_made {
        Ok(made) => made,
        Err(error) => {
            discard();
            return Err(error);
        }
    };
    let search_staged = search_staged.into_inner().unwrap_or_else(|poison| poison.into_inner());
    // A failure to make the search leaves the staged site files to be removed below.
    let (
        Searched { print: search_print, context: search_context, kept, made: search_made, chosen },
        mut failure,
    ) = match searched {
        Ok(searched) => (searched, failure),
        Err(error) => {
            let none = Searched { print: 0, context: 0, kept: false, made: None, chosen: None };
            (none, failure.or(Some(error)))
        }
    };
    let records = &loaded.shelf.records;
    let search_state = project.cache().join(search::STATE);
    // The search files unchanged: the recorded ones, among the recorded files the site does
    // not make.
    let search_kept: Option<Vec<String>> = kept.then(|| {
        (gone.iter()).filter(|path| search::is_search_file(path)).map(|&path| path.into()).collect()
    });
    let search_names: Vec<String> = match (search_kept, &search_made) {
        (Some(names), _) => names,
        (None, Some(made)) => made.names.clone(),
        (None, None) => Vec::new(),
    };

    // The site's directories and the search's, made as its files were staged: cleared of a
    // killed run's temporaries as the site's were.
    let search_directories = directories_of(out, search_names.iter().map(String::as_str));
    if recorded.is_none() {
        for directory in search_directories.iter().filter(|directory| **directory != out) {
            remove_stale_temporaries(directory);
        }
    }
    let mut directories = site_directories;
    directories.extend(search_directories);
    directories.sort();
    directories.dedup();
    // Every rename: a site file by its index, a search file by `files.len()` + its place in
    // `search_staged`; with its depth below the output directory.
    let depth = |relative: &str| relative.matches('/').count() as u32 + 1;
    let mut renames: Vec<(u32, u32)> = Vec::with_capacity(staged.len() + search_staged.len());
    renames.extend(staged.iter().map(|&at| (depth(files[at as usize].path()), at)));
    drop(staged);
    renames.extend(search_staged.iter().enumerate().map(|(nth, (_, path))| {
        let relative = path.strip_prefix(out).unwrap_or(path).to_string_lossy();
        (depth(&relative), (files.len() + nth) as u32)
    }));
    let paths_of = |at: u32| -> (PathBuf, PathBuf) {
        match (at as usize).checked_sub(files.len()) {
            None => staging.paths(files[at as usize].path()),
            Some(nth) => search_staged[nth].clone(),
        }
    };
    // The path of a rename relative to the output directory.
    let paths_of_relative = |at: u32| -> &Path {
        match (at as usize).checked_sub(files.len()) {
            None => Path::new(files[at as usize].path()),
            Some(nth) => search_staged[nth].1.strip_prefix(out).unwrap_or(&search_staged[nth].1),
        }
    };
    // Generated files no page produces any more: the index knows the last run's, unless it
    // cannot be trusted, and then the directory is listed.
    let stale: Vec<String> = match recorded {
        // The recorded files the site does not make, but for this run's search files.
        Some(_) => (gone.into_iter())
            .filter(|&name| {
                search_names.binary_search_by(|search| search.as_str().cmp(name)).is_err()
            })
            .map(str::to_owned)
            .collect(),
        // The directory walked, only the stale names kept: a full build of a million
        // articles would hold a million names more.
        None => {
            let mut names: Vec<&str> = files.iter().map(|file| file.path()).collect();
            names.extend(search_names.iter().map(String::as_str));
            // Two sorted runs: a stable sort merges them in one pass.
            names.sort();
            let mut stale = Vec::new();
            each_file(out, &mut |name| {
                if (feed::is_generated(name) || search::is_search_file(name))
                    && names.binary_search(&name).is_err()
                {
                    stale.push(name.to_owned());
                }
            });
            stale.sort();
            stale
        }
    };
    let cache = project.cache();
    if failure.is_none() && (!renames.is_empty() || !stale.is_empty()) {
        // From the first rename on, the site differs from what the index says.
        failure = index::forget(&cache)
            .map_err(|error| BuildError::io(&cache, "update the index in", error))
            .err();
    }
    if failure.is_none() && !renames.is_empty() {
        failure = make_durable(out, renames.len(), staging.has_twins(), &|nth| {
            paths_of(renames[nth].1).0
        })
        .err();
    }
    if let Some(error) = failure {
        for &(_, at) in &renames {
            let _ = fs::remove_file(paths_of(at).0);
        }
        return Err(error);
    }
    // What links comes after what it links to: articles, then archives and topics, then the
    // search (whose results link to articles), then the pages at the top (the search page
    // among them); a reader following links mid-run finds every page it is sent to.
    // (Files of one depth are renamed in any order; an unstable sort needs no buffer.)
    let top = files.len();
    renames.sort_unstable_by_key(|&(depth, at)| {
        let class = match (at as usize >= top, depth) {
            (false, 2..) => 0,
            (true, _) => 1,
            (false, _) => 2,
        };
        (class, std::cmp::Reverse(depth))
    });
    // The directories staged whole go first in their class: those of the site with the
    // articles, the search's with the search files.
    let is_search = |top: &str| search::is_search_file(&format!("{top}/"));
    let rename_twins = |search: bool| {
        (staging.rename_twins(|top| is_search(top) == search))
            .map_err(|(path, error)| BuildError::io(&path, "replace", error))
    };
    let twins_renamed = staging.has_twins();
    rename_twins(false)?;
    let mut search_twins = false;
    for &(depth, at) in &renames {
        if !search_twins && (at as usize >= top || depth == 1) {
            rename_twins(true)?;
            search_twins = true;
        }
        if staging.moves_with_twin(&paths_of_relative(at).to_string_lossy()) {
            continue;
        }
        let (temporary, path) = paths_of(at);
        fs::rename(&temporary, &path).map_err(|error| BuildError::io(&path, "replace", error))?;
    }
    rename_twins(true)?;
    for name in &stale {
        let path = out.join(name);
        match fs::remove_file(&path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                return Err(BuildError::io(&path, "remove", error));
            }
            _ => {}
        }
    }
    for name in LEGACY_STATE {
        // Best effort: a leftover that cannot be removed is named by `--check`.
        let _ = fs::remove_file(out.join(name));
    }
    // The directories whose entries changed: those of the files renamed or removed.
    // (The output directory holds the directories staged whole; where the file system was
    // synced, so was what is in them.)
    let changed: std::collections::BTreeSet<PathBuf> = (renames.iter())
        .filter(|&&(_, at)| {
            !SYNC_ONCE || !staging.moves_with_twin(&paths_of_relative(at).to_string_lossy())
        })
        .filter_map(|&(_, at)| paths_of(at).1.parent().map(Path::to_path_buf))
        .chain(stale.iter().filter_map(|name| out.join(name).parent().map(Path::to_path_buf)))
        .chain(twins_renamed.then(|| out.to_path_buf()))
        .collect();
    for directory in &changed {
        if let Ok(dir) = fs::File::open(directory) {
            // Makes the renames durable; not every platform can sync a directory, hence no error.
            let _ = dir.sync_all();
        }
    }

    timer.lap("rename");
    // Only what this run made sure of is stored: the good seeds and every file of the site.
    let relative: Vec<(String, i64)> = directories
        .iter()
        .map(|directory| {
            let name = directory.strip_prefix(out).unwrap_or(directory);
            (name.to_string_lossy().replace('\\', "/"), 0)
        })
        .collect();
    let mut outputs_dirty = vec![recorded.is_none(); index::SHARDS];
    for &at in &due {
        outputs_dirty[usize::from(shards[at])] = true;
    }
    for name in &stale {
        outputs_dirty[index::shard_of(name)] = true;
    }
    // Only the manifest records the search files' fingerprint; the others record nothing, so
    // that the index changes where a search file came or went, not wherever one is.
    if search_made.is_some() {
        outputs_dirty[index::shard_of(search::MANIFEST)] = true;
    }
    let was_recorded = |name: &str| {
        recorded.is_some_and(|shards| shards[index::shard_of(name)].find(name).is_some())
    };
    for name in &search_names {
        if !was_recorded(name) {
            outputs_dirty[index::shard_of(name)] = true;
        }
    }
    let output = |at: usize| match at.checked_sub(files.len()) {
        None => (files[at].path(), prints[at], usize::from(shards[at])),
        Some(nth) => {
            let name = search_names[nth].as_str();
            let print = if name == search::MANIFEST { search_print } else { 0 };
            (name, print, index::shard_of(name))
        }
    };
    // The stamps of the files the next run checks. A file this run did not replace is as the
    // check of the trusted index found it (its stamp the head's): only the others are read
    // again, not the tens of thousands of pages at a million articles.
    // (Without a trusted index, as in a full build of a million files, nothing is kept and
    // no set of the files replaced is made.)
    type Kept<'a> =
        (std::collections::HashMap<&'a str, scan::Stamp>, std::collections::HashSet<&'a Path>);
    let kept: Option<Kept> = recorded.and(index.old.head.as_ref()).map(|head| {
        let verified = head.files.iter().map(|(name, stamp)| (name.as_str(), *stamp)).collect();
        let replaced = renames.iter().map(|&(_, at)| paths_of_relative(at)).collect();
        (verified, replaced)
    });
    let stamp_of = |name: &str| -> Option<scan::Stamp> {
        let kept = kept.as_ref().filter(|(_, replaced)| !replaced.contains(Path::new(name)));
        if let Some(&stamp) = kept.and_then(|(verified, _)| verified.get(name)) {
            return Some(stamp);
        }
        let metadata = fs::symlink_metadata(out.join(name)).ok()?;
        Some(scan::Stamp::of(&metadata))
    };
    let mut watched = watched_files(&files, &stamp_of);
    watched.extend(search_names.iter().filter_map(|name| Some((name.clone(), stamp_of(name)?))));
    // What the search files were made from, for the next run to patch them; stored before the
    // index that vouches for it, and removed when there is no search.
    match search_made.map(|made| made.list) {
        Some(list) => {
            let state = search::State { context: search_context, print: search_print, list };
            if let Err(error) = state.store(&search_state) {
                eprintln!("{}: cannot store the search state: {error}", display(&search_state));
                let _ = fs::remove_file(&search_state);
            }
        }
        None if !loaded.settings.search() => {
            let _ = fs::remove_file(&search_state);
        }
        None => {}
    }
    let store = index::Store {
        seeds_dirty: index.seeds_dirty.clone(),
        outputs_dirty,
        identity: &index.identity,
        seeds: &loaded.shelf.records,
        entries: &loaded.entries,
        output: &output,
        outputs_len: files.len() + search_names.len(),
        out,
        directories: self::directories(out, &relative),
        files: watched,
        now: loaded.settings.now().map(index::Instant::of),
        seeds_digest: index
            .digest
            .filter(|_| loaded.problems.is_empty() && records.iter().all(|record| !record.racy)),
        embargoes: embargoes_of(
            loaded.entries.iter().filter_map(feed::Entry::embargo).map(index::Instant::of),
        ),
    };
    // Failing to store the index costs the next run its shortcuts, not its correctness.
    let stored = match index::store(&cache, store, &index.old) {
        Ok(seed_shards) => Some(Stored { head: head_digest(&cache), seed_shards }),
        Err(error) => {
            eprintln!("{}: cannot store the index: {error}", display(&cache));
            None
        }
    };
    timer.lap("index store");
    let count = files.len() + search_names.len();
    let outcome = Outcome::Written { rewritten: renames.len(), files: count, removed: stale.len() };
    // For a publisher's next build: these files, planned from the entries just stored.
    let carried = planned.zip(chosen).map(|(planned, indexed)| Carried {
        digest: entries_digest(&loaded.entries, &loaded.shelf.records),
        now: loaded.settings.now().map(index::Instant::of),
        files,
        planned,
        indexed,
        stored,
    });
    Ok((outcome, carried))
}

/// What the site's half of a build made ([`site_files`]).
struct SiteMade<'a> {
    /// Every file of the site, in path order, with its fingerprint and its index shard.
    files: Vec<feed::SiteFile>,
    prints: Vec<u128>,
    shards: Vec<u8>,
    /// The files rendered (those whose inputs changed, or all), by position in `files`.
    due: Vec<usize>,
    /// The recorded files the site does not make (the search's among them).
    gone: Vec<&'a str>,
    /// The files that differed from the ones on disk, staged, by position in `files`.
    staged: Vec<u32>,
    /// The first failure to render, in `due` order; what was staged is still named.
    failure: Option<BuildError>,
    /// The directories of the files, the output directory first, in path order.
    directories: Vec<PathBuf>,
    /// What the plan leaves a publisher's next build ([`Planned`]).
    planned: Option<Planned>,
}

/// Lists, fingerprints and stages the site's files: with the `recorded` outputs of a trusted
/// index, only those whose fingerprint changed are rendered; else every one, compared.
#[allow(clippy::too_many_arguments)]
fn site_files<'a>(
    project: &Project,
    staging: &Staging,
    site: &feed::Site<'_>,
    loaded: &Loaded,
    index: &IndexRun,
    recorded: Option<&'a Vec<index::Recorded>>,
    reuse: Option<SiteReuse<'_>>,
    carry: bool,
) -> Result<SiteMade<'a>, BuildError> {
    let out = project.out();
    let mut timer = Timer::start();
    let records = &loaded.shelf.records;
    let identity = identity_hash(&index.identity);
    let topics = topics_hash(site);
    let (files, mut earlier) = match reuse {
        Some(SiteReuse { files, planned, renumber, fresh }) => {
            let files = site.files_reusing(files, renumber, fresh);
            // The earlier fingerprints serve when they were made by this program with these
            // settings, and every article links to the same topic pages.
            let same = planned.identity == identity && planned.topics == topics;
            (files, same.then_some((planned, renumber, fresh)))
        }
        None => (site.files(), None),
    };
    timer.lap("files");
    // The fingerprints of the other files of the pages the plan took as they were.
    let others = earlier.as_mut().map(|(planned, ..)| std::mem::take(&mut planned.others));
    let taken_print = |file: &feed::SiteFile| {
        let others = others.as_ref().filter(|_| site.taken(file))?;
        let at = others.binary_search_by(|(path, _)| path.as_str().cmp(file.path())).ok()?;
        Some(others[at].1)
    };
    // The article pages, a million at a million articles, fingerprinted in entry order: their
    // entries, records and neighbours are then read in memory order, not at random as in path
    // order (which took five cache misses a page).
    let article_prints = match earlier {
        Some((earlier, renumber, fresh)) => earlier.reused(site, records, renumber, fresh),
        None => Planned::all(site, identity, records),
    };
    let prints: Vec<u128> = (files.par_iter())
        .map_init(Vec::new, |gathered, file| match file.article() {
            Some(index) => article_prints[index],
            None => match taken_print(file) {
                Some(print) => {
                    debug_assert_eq!(
                        print,
                        fingerprint(site, file, identity, records, gathered),
                        "the fingerprint of {} as it was",
                        file.path()
                    );
                    print
                }
                None => fingerprint(site, file, identity, records, gathered),
            },
        })
        .collect();
    // Kept only for a publisher's next build (16 MB at a million articles, and the other
    // files' fingerprints).
    let planned = carry.then(|| {
        let mut planned = Planned::with(site, identity, topics, article_prints);
        planned.others = (files.iter().zip(&prints))
            .filter(|(file, _)| file.article().is_none())
            .map(|(file, &print)| (file.path().to_owned(), print))
            .collect();
        planned
    });
    // Each file's index shard, hashed once for the walk below and for the index store.
    let shards: Vec<u8> = files.par_iter().map(|file| index::shard_of(file.path()) as u8).collect();
    let (due, gone): (Vec<usize>, Vec<&str>) = match recorded {
        None => ((0..files.len()).collect(), Vec::new()),
        Some(recorded) => due_and_gone(recorded, &files, &prints, &shards),
    };
    timer.lap("fingerprint");

    let directories = directories_of(out, files.iter().map(feed::SiteFile::path));
    for directory in &directories {
        let relative = directory.strip_prefix(out).unwrap_or(directory).to_string_lossy();
        staging
            .make_directory(&relative)
            .map_err(|error| BuildError::io(directory, "create the output directory", error))?;
    }
    // Temporary files of a killed run, in every directory of the site. A build that ends
    // leaves none, and one that is killed leaves them only in directories it wrote to, whose
    // modification times the index then no longer matches: they are looked for only when the
    // index is not trusted. (Listing a directory of a million articles takes a second.)
    if recorded.is_none() {
        for directory in &directories {
            remove_stale_temporaries(directory);
        }
    }
    // Each file is compared with the one on disk as it is rendered, and staged only from its
    // first difference, so no file is ever whole in memory; every new file is complete on disk
    // before the first rename: a failure part-way (a full disk, a read-only directory) leaves
    // every file as it was.
    let due_together = together(site, &files, due.clone());
    let progress = progress::bar(due_together.len(), "writing");
    // Each staged file by its index alone (its paths are made again to rename it): a full build
    // of a million articles stages over a million files. The first failure in `due` order.
    let failed: std::sync::Mutex<Option<(usize, BuildError)>> = std::sync::Mutex::new(None);
    // A flag per due file, not a collected list: one task per file, and a parallel collect
    // would keep a list node per task until the end, 90 MB at a million files.
    let was_staged: Vec<AtomicBool> = due_together.iter().map(|_| AtomicBool::new(false)).collect();
    due_together.par_iter().enumerate().with_max_len(1).for_each(|(nth, &at)| {
        let file = &files[at];
        progress.inc(1);
        let (temporary, path) = staging.paths(file.path());
        let sink = match staging.moves_with_twin(file.path()) {
            // In a directory this run makes: there is no file to compare with (a first build
            // of a hundred thousand articles asked for a hundred thousand missing files).
            true => Sink::new_file(path, temporary),
            false => Sink::new(path, SinkMode::Write(temporary)),
        };
        match stream(site, loaded, file, sink) {
            Ok(Changed::Yes(Some(_))) => was_staged[nth].store(true, Ordering::Relaxed),
            Ok(_) => {}
            Err(error) => {
                let mut failed = failed.lock().unwrap_or_else(|poison| poison.into_inner());
                if failed.as_ref().is_none_or(|(first, _)| nth < *first) {
                    *failed = Some((nth, error));
                }
            }
        }
    });
    let staged: Vec<u32> = (due_together.iter().zip(was_staged))
        .filter_map(|(&at, staged)| staged.into_inner().then_some(at as u32))
        .collect();
    progress.finish_and_clear();
    timer.lap("render");
    let failure =
        failed.into_inner().unwrap_or_else(|poison| poison.into_inner()).map(|(_, error)| error);
    Ok(SiteMade { files, prints, shards, due, gone, staged, failure, directories, planned })
}

/// The search's half of a build: the fingerprint of what the search files index, and the
/// files made, patched or from every article, when they changed (staged in `staged`).
struct Searched {
    /// The fingerprint of what the search files index.
    print: u128,
    /// What else they depend on ([`search::State::context`]).
    context: u128,
    /// Whether the recorded search files are as they should be, and were kept.
    kept: bool,
    made: Option<search::Made>,
    /// The articles indexed, in the order of their numbers, for a publisher's next build.
    chosen: Option<Vec<u32>>,
}

/// Fingerprints the articles the search indexes and, when the search files changed, patches or
/// makes them ([`Searched`]).
#[allow(clippy::too_many_arguments)]
fn make_search(
    project: &Project,
    loaded: &Loaded,
    index: &IndexRun,
    recorded: Option<&Vec<index::Recorded>>,
    staging: &Staging,
    staged: &std::sync::Mutex<Vec<(PathBuf, PathBuf)>>,
    discard: &(dyn Fn() + Sync),
    earlier: Option<(&[u32], &[u32], &[usize])>,
) -> Result<Searched, BuildError> {
    let out = project.out();
    let mut timer = Timer::start();
    let records = &loaded.shelf.records;
    // The articles the search indexes, in the order of their numbers.
    let entries = &loaded.entries;
    let chosen = match earlier {
        // The order of the articles kept, made over.
        Some((indexed, renumber, fresh)) => {
            search::indexed_after(&loaded.settings, entries, indexed, renumber, fresh)
        }
        None => search::indexed(&loaded.settings, entries),
    };
    let listing = search::listing(entries, &chosen, &|index| records[index].hash);
    // For a publisher's next build (4 MB at a million articles).
    let carried: Vec<u32> = chosen.iter().map(|&index| index as u32).collect();
    let search_print = search_fingerprint(&listing, &loaded.settings, &index.identity);
    // The search files change only when the articles they index changed: with a trusted index
    // whose manifest has this fingerprint, they are as recorded.
    let recorded_search: Option<u128> = recorded
        .and_then(|shards| shards[index::shard_of(search::MANIFEST)].find(search::MANIFEST));
    let kept = recorded.is_some() && recorded_search == Some(search_print);
    let search_context = search::State::context(&index.identity.program, index.identity.settings);
    let searched = |made| Searched {
        print: search_print,
        context: search_context,
        kept,
        made,
        chosen: Some(carried),
    };
    if kept || !loaded.settings.search() {
        return Ok(searched(None));
    }
    // What the search files on disk were made from, when the cache knows and the index
    // vouches for it: they are patched instead of made again.
    let previous: Option<search::State> = recorded_search.and_then(|print| {
        search::State::load(&project.cache().join(search::STATE))
            .filter(|state| state.context == search_context && state.print == print)
    });
    remove_dead_scratch(&project.cache(), "search.");
    let scratch = project.cache().join(format!("search.{}", std::process::id()));
    let emit = |name: String, bytes: Vec<u8>| {
        let (temporary, path) = staging.paths(&name);
        staging.make_directory(parent_of(&name)).map_err(|error| {
            BuildError::io(&out.join(parent_of(&name)), "create the output directory", error)
        })?;
        if let Changed::Yes(Some(temporary)) = stage(temporary, path.clone(), &bytes)? {
            staged.lock().unwrap_or_else(|poison| poison.into_inner()).push((temporary, path));
        }
        Ok(())
    };
    let previous = previous.as_ref().map(|state| &state.list);
    let made = search_files(
        out,
        &scratch,
        &loaded.settings,
        entries,
        &chosen,
        &listing,
        loaded,
        previous,
        &emit,
        discard,
    );
    match made {
        Ok(made) => {
            timer.lap(if made.patched { "search patch" } else { "search" });
            Ok(searched(Some(made)))
        }
        Err(error) => {
            discard();
            Err(error)
        }
    }
}

/// The directories of the output `out` that hold `names` (relative paths, in path order), the
/// output directory itself first, in path order.
fn directories_of<'a>(out: &Path, names: impl Iterator<Item = &'a str>) -> Vec<PathBuf> {
    let in_out =
        |parent: &str| if parent.is_empty() { out.to_path_buf() } else { out.join(parent) };
    // Names in path order come a directory at a time: the repeats of the one before are
    // skipped, not sorted again (a million names in a few thousand directories).
    let mut parents: Vec<&str> = vec![""];
    for name in names {
        let parent = parent_of(name);
        if parents.last() != Some(&parent) {
            parents.push(parent);
        }
    }
    let parents: std::collections::BTreeSet<&str> = parents.into_iter().collect();
    let mut directories: Vec<PathBuf> = parents.into_iter().map(in_out).collect();
    directories.sort();
    directories
}

/// The files of `files` (with their fingerprints `prints` and shards `shards`) whose fingerprint
/// is not the one `recorded` holds, in file order, and the recorded paths that are not among
/// `files`: each shard of the index walked beside this run's files of the same shard, both in
/// path order, so that a million files cost no search each.
fn due_and_gone<'a>(
    recorded: &'a [index::Recorded],
    files: &[feed::SiteFile],
    prints: &[u128],
    shards: &[u8],
) -> (Vec<usize>, Vec<&'a str>) {
    use itertools::{EitherOrBoth, Itertools as _};
    let mut mine: Vec<Vec<u32>> = vec![Vec::new(); index::SHARDS];
    for (at, &shard) in shards.iter().enumerate() {
        mine[usize::from(shard)].push(at as u32);
    }
    let walked: Vec<(Vec<usize>, Vec<&str>)> = (recorded.par_iter().zip(mine.par_iter()))
        .map(|(recorded, mine)| {
            let (mut due, mut gone) = (Vec::new(), Vec::new());
            let mine = mine.iter().map(|&at| at as usize);
            let by_path = |&(path, _): &(&str, u128), &at: &usize| path.cmp(files[at].path());
            for side in recorded.iter().merge_join_by(mine, by_path) {
                match side {
                    EitherOrBoth::Left((path, _)) => gone.push(path),
                    EitherOrBoth::Right(at) => due.push(at),
                    EitherOrBoth::Both((_, was), at) if was != prints[at] => due.push(at),
                    EitherOrBoth::Both(..) => {}
                }
            }
            (due, gone)
        })
        .collect();
    let (mut due, mut gone) = (Vec::new(), Vec::new());
    for (more_due, more_gone) in walked {
        due.extend(more_due);
        gone.extend(more_gone);
    }
    due.sort_unstable();
    gone.sort_unstable();
    (due, gone)
}

/// State files that versions before the cache kept inside the published directory: removed by
/// a build, named by a check, so that an old clone does not publish them.
const LEGACY_STATE: [&str; 2] = [".wirefeed-state", ".wirefeed-pinged"];

/// The directory of `name` relative to the output directory (`""`: the output directory).
fn parent_of(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// Removes temporary files, and the twins of whole directories ([`Staging`]), left by runs
/// that were killed (`.<name>.<pid>.tmp`).
fn remove_stale_temporaries(out: &Path) {
    for entry in of_dead_processes(out, crate::staging::pid_of) {
        let _ = match entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            true => fs::remove_dir_all(entry.path()),
            false => fs::remove_file(entry.path()),
        };
    }
}

/// Removes the scratch directories `prefix<pid>` in `dir` of runs that were killed.
fn remove_dead_scratch(dir: &Path, prefix: &str) {
    for entry in of_dead_processes(dir, |name| name.strip_prefix(prefix)?.parse().ok()) {
        let _ = fs::remove_dir_all(entry.path());
    }
}

/// The entries of `dir` whose name gives (by `pid_of`) the id of a process that is no more.
/// None on systems without `/proc`, where a dead process cannot be told from a live one.
fn of_dead_processes(dir: &Path, pid_of: impl Fn(&str) -> Option<u32>) -> Vec<fs::DirEntry> {
    let proc = Path::new("/proc");
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    if !proc.join("self").exists() {
        return Vec::new();
    }
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let pid = name.to_str().and_then(&pid_of);
            pid.is_some_and(|pid| !proc.join(pid.to_string()).exists())
        })
        .collect()
}

/// Whether staged files are made durable all at once, by syncing the file system that holds
/// them, rather than one `fsync` per file: on Linux, where `syncfs` exists. With a page per
/// article, per-file syncs would cost more than the rest of a build.
const SYNC_ONCE: bool = cfg!(target_os = "linux");

/// Up to how many files a run syncs one by one even where it could sync them all at once: a
/// publisher's build stages a few hundred (a story's page, its neighbours and feeds, the word
/// files of its words), synced on 16 threads in a few milliseconds, where syncing the file
/// system took 40-50 ms at a million articles (it waits for everything written there).
const FEW: usize = 1024;

/// Forces the `count` staged files `temporary` names (by number) to disk, before the first
/// rename: with more than [`FEW`] or with `whole_directories` staged, by syncing the file
/// system of `out` where that can be done,
/// else one by one, several at once, so that the file system commits them together.
fn make_durable(
    out: &Path,
    count: usize,
    whole_directories: bool,
    temporary: &(dyn Fn(usize) -> PathBuf + Sync),
) -> Result<(), BuildError> {
    // Directories staged whole hold directories of their own, which a file's sync does not
    // make durable.
    if SYNC_ONCE && (count > FEW || whole_directories) {
        return sync_file_system(out);
    }
    let sync = |path: &PathBuf| {
        // Opened for reading on Unix, which syncs it so: a restrictive umask may have made it
        // read-only (the handle that wrote it is closed). Windows flushes only a file opened
        // for writing, and has no umask.
        let mut options = fs::OpenOptions::new();
        match cfg!(unix) {
            true => options.read(true),
            false => options.write(true),
        };
        options
            .open(path)
            .and_then(|file| file.sync_all())
            .map_err(|error| BuildError::io(path, "sync", error))
    };
    let paths: Vec<PathBuf> = (0..count).map(temporary).collect();
    // Waiting on the disk, not working: more threads than cores, up to 16.
    std::thread::scope(|scope| {
        let threads: Vec<_> = (paths.chunks(count.div_ceil(16).max(1)))
            .map(|chunk| scope.spawn(move || chunk.iter().try_for_each(sync)))
            .collect();
        threads.into_iter().try_for_each(|thread| thread.join().expect("a sync thread panicked"))
    })
}

/// Syncs the output's file system every [`FLUSH_EVERY`] on a thread of its own while a build
/// stages every file of the site, until dropped. The kernel would start writing them only once
/// a tenth of the memory is dirty (2 GB of files at 24 GiB), so the build's final sync waited
/// for the disk to take them all while both cores were idle: 1.3-1.7 s of a 100,000-article
/// build. Synced as they come, they reach the disk while the build still renders. The kernel's
/// flusher does the writing; this thread only waits.
struct Flusher {
    /// Dropped to stop the thread.
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How often a [`Flusher`] syncs.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

impl Flusher {
    /// A flusher of `out`'s file system, where it can be synced whole (Linux); `None` elsewhere
    /// or when it cannot be opened (the build's own sync then says why).
    fn start(out: &Path) -> Option<Flusher> {
        if !SYNC_ONCE {
            return None;
        }
        let directory = fs::File::open(out).ok()?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("flusher".to_owned())
            .spawn(move || {
                // Until the sender is dropped; a failure costs nothing but time, and the final
                // sync says what failed.
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(FLUSH_EVERY)
                {
                    let _ = sync_directory_file_system(&directory);
                }
            })
            .ok()?;
        Some(Flusher { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Syncs the file system that holds `directory`.
#[cfg(target_os = "linux")]
fn sync_directory_file_system(directory: &fs::File) -> io::Result<()> {
    Ok(rustix::fs::syncfs(directory)?)
}

#[cfg(not(target_os = "linux"))]
fn sync_directory_file_system(_directory: &fs::File) -> io::Result<()> {
    Ok(())
}

/// Forces every staged file of `out`'s file system to disk, before the first rename.
#[cfg(target_os = "linux")]
fn sync_file_system(out: &Path) -> Result<(), BuildError> {
    let sync = || sync_directory_file_system(&fs::File::open(out)?);
    sync().map_err(|error| BuildError::io(out, "sync the new files to disk", error))
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_out: &Path) -> Result<(), BuildError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{normalize_newlines, renumbering, walk_beside};

    proptest! {
        /// The renumbering of a splice is where each old entry lands when the runs are
        /// replaced one by one, and the new entries are the places no old one landed.
        #[test]
        fn a_splice_renumbers_the_entries_it_keeps(
            old in 0usize..30,
            runs in proptest::collection::vec((0usize..6, 0usize..4, 0usize..4), 0..5),
        ) {
            let mut edits = Vec::new();
            let mut next = 0;
            for (gap, length, count) in runs {
                let start = (next + gap).min(old);
                let end = (start + length).min(old);
                if start < next || (start == end && count == 0) { continue; }
                edits.push((start, end, count));
                next = end + 1;
                if next > old { break; }
            }
            let mut spliced: Vec<Option<usize>> = (0..old).map(Some).collect();
            for &(start, end, count) in edits.iter().rev() {
                spliced.splice(start..end, std::iter::repeat_n(None, count));
            }
            let (renumber, fresh) = renumbering(old, &edits);
            let expected: Vec<u32> = (0..old)
                .map(|at| spliced.iter().position(|&was| was == Some(at)).map_or(u32::MAX, |new| new as u32))
                .collect();
            prop_assert_eq!(renumber, expected);
            let expected_fresh: Vec<usize> =
                (0..spliced.len()).filter(|&new| spliced[new].is_none()).collect();
            prop_assert_eq!(fresh, expected_fresh);
        }

        /// Slices walked on their own find what one walk from the first name finds.
        #[test]
        fn seeds_walked_a_slice_at_a_time_meet_their_records(
            seeds in proptest::collection::btree_set("[a-d]{1,3}", 0..40),
            records in proptest::collection::btree_set("[a-d]{1,3}", 0..40),
            slice in 1..6usize,
        ) {
            let seeds: Vec<String> = seeds.into_iter().collect();
            let records: Vec<String> = records.into_iter().collect();
            let (known, gone) = walk_beside(
                &seeds,
                String::as_str,
                records.len(),
                |at, name| records[at].as_str().cmp(name),
                slice,
            );
            let expected: Vec<Option<u32>> = seeds
                .iter()
                .map(|seed| records.binary_search(seed).ok().map(|at| at as u32))
                .collect();
            prop_assert_eq!(known, expected);
            let expected: Vec<usize> =
                (0..records.len()).filter(|&at| seeds.binary_search(&records[at]).is_err()).collect();
            prop_assert_eq!(gone, expected);
        }
    }

    #[test]
    fn crlf_copies_count_as_fresh() {
        assert_eq!(normalize_newlines(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }
}
