//! The site: every file a build writes, as bytes by path, from settings and articles.
//!
//! This is where the pages of `page` meet the formats: each page as Atom, RSS and HTML, the main
//! feed also as JSON Feed, the OPML list of them all, one HTML page per article and the
//! stylesheet. `Site` renders them one at a time on every
//! core, so the caller can write each file as it comes instead of holding the whole site.

use std::{borrow::Cow, collections::BTreeMap, io::Write};

use article::Article;
use rayon::prelude::*;

use crate::{
    Entry, Held, Library, Settings, WriteError,
    atom1::write_atom_page,
    entry::entries,
    json,
    layout::{self, Directory, FileKind, Format},
    opml,
    page::{self, Page, Period},
    rss2::write_rss_page,
    sitemap, splice, web,
};

/// Every file of the site by path relative to the output directory, in path order.
pub fn site(
    settings: &Settings,
    articles: &[Article],
) -> Result<BTreeMap<String, Vec<u8>>, WriteError> {
    let entries = entries(articles);
    Ok(Site::new(settings, &entries).render_each(articles, |_, bytes| bytes)?.into_iter().collect())
}

/// The site's files, described but not yet rendered, so a caller can write or compare each one
/// as soon as it is ready instead of holding them all.
#[derive(Debug)]
pub struct Site<'a> {
    settings: &'a Settings,
    entries: &'a [Entry],
    pages: Vec<Page>,
    /// The older pages of places and tags.
    periods: Vec<Period>,
    /// Every live article, newest first.
    order: Vec<usize>,
    /// Each entry's place in `order`, or `u32::MAX`.
    position: Vec<u32>,
    /// Every released article, withdrawn ones too, newest first.
    sorted: Vec<u32>,
    facts: page::Facts,
    /// The articles of every place and tag.
    groups: page::Groups,
    /// Which pages an earlier plan's are, as they were.
    taken: page::Taken,
    topics: web::Topics,
    /// The photos to copy, by path below the seeds directory, in path order.
    photos: Vec<String>,
    /// Their sizes, as far as known.
    sizes: crate::Photos,
}

/// One file of the site: its path, and what it is made of.
#[derive(Debug, Clone)]
pub struct SiteFile {
    path: String,
    kind: File,
}

impl SiteFile {
    /// The file's path relative to the output directory, `/`-separated.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the file is an article's own page: [`Site::kind`] without making its key.
    pub fn is_article(&self) -> bool {
        matches!(self.kind, File::Article(_))
    }

    /// The entry whose own page the file is, if it is an article's page.
    pub fn article(&self) -> Option<usize> {
        match self.kind {
            File::Article(index) => Some(index),
            _ => None,
        }
    }
}

impl Site<'_> {
    /// What kind of file `file` is.
    pub fn kind(&self, file: &SiteFile) -> FileKind {
        match file.kind {
            File::Page(index, format) => FileKind::Feed(self.pages[index].kind.clone(), format),
            File::Html(index) => FileKind::Html(self.pages[index].kind.clone()),
            File::Article(index) => FileKind::Article(self.entries[index].key().to_string()),
            File::Json => FileKind::JsonFeed,
            File::Opml => FileKind::Opml,
            File::Style => FileKind::Stylesheet,
            File::Photo(index) => FileKind::Photo(self.photos[index].clone()),
            File::Period(index) => {
                let period = &self.periods[index];
                FileKind::Period(period.topic.clone(), period.archive.name())
            }
            File::Directory(directory) => FileKind::Directory(directory),
            File::Search => FileKind::Search,
            File::NotFound => FileKind::NotFound,
            File::Favicon => FileKind::Favicon,
            File::Robots => FileKind::Robots,
            File::Sitemap(part) => FileKind::Sitemap(self.sitemap_name(part)),
            File::NewsSitemap => FileKind::NewsSitemap,
        }
    }

    fn sitemap_name(&self, part: Sitemap) -> Option<String> {
        match part {
            Sitemap::Whole | Sitemap::Index => None,
            Sitemap::Pages => Some(layout::SITEMAP_PAGES.to_owned()),
            Sitemap::Archive(index) => Some(self.pages[index].kind.as_archive()?.name()),
        }
    }
}

impl Site<'_> {
    /// Roughly how much work a file is, in articles written: for scheduling the biggest first,
    /// so that no core is left alone with a feed of every article at the end.
    pub fn weight(&self, file: &SiteFile) -> usize {
        match file.kind {
            File::Page(index, _) | File::Html(index) => self.pages[index].articles.len(),
            File::Json => self.pages[0].articles.len(),
            File::Period(index) => self.periods[index].articles.len(),
            File::Sitemap(Sitemap::Whole) => self.order.len(),
            File::Sitemap(Sitemap::Archive(index)) => self.pages[index].articles.len(),
            _ => 1,
        }
    }
}

/// What one file of the site is made of.
#[derive(Debug, Clone, Copy)]
enum File {
    Page(usize, Format),
    /// The HTML twin of a page; the main page's is `index.html`.
    Html(usize),
    /// An article's own page, by its index in the articles.
    Article(usize),
    Json,
    Opml,
    Style,
    /// A photo below the seeds directory, copied, by its index in the site's photos.
    Photo(usize),
    /// An older page of a place or tag, by its index in the periods.
    Period(usize),
    Directory(Directory),
    Search,
    NotFound,
    Favicon,
    Robots,
    Sitemap(Sitemap),
    NewsSitemap,
}

/// Which sitemap file.
#[derive(Debug, Clone, Copy)]
enum Sitemap {
    /// `sitemap.xml` listing every address, while there are at most 50,000.
    Whole,
    /// `sitemap.xml` as the index of the others, beyond.
    Index,
    /// The pages but the articles', beyond.
    Pages,
    /// The articles of one archive page, by its index in the pages, beyond.
    Archive(usize),
}

impl<'a> Site<'a> {
    /// Plans the site of `entries`: which pages, with which articles and links. Entry `i` is
    /// the article that the library given to [`Site::write`] gives for index `i`.
    pub fn new(settings: &'a Settings, entries: &'a [Entry]) -> Site<'a> {
        Site::planned(settings, entries, page::plan(settings, entries, None))
    }

    /// [`Site::new`], given what an `earlier` plan of the same entries but a few knew: the order
    /// of its articles is made over, not sorted again.
    pub fn new_after(
        settings: &'a Settings,
        entries: &'a [Entry],
        earlier: page::Earlier<'_>,
    ) -> Site<'a> {
        Site::planned(settings, entries, page::plan(settings, entries, Some(earlier)))
    }

    fn planned(settings: &'a Settings, entries: &'a [Entry], plan: page::Plan) -> Site<'a> {
        let page::Plan { pages, periods, order, sorted, facts, groups, taken } = plan;
        let mut position = vec![u32::MAX; entries.len()];
        for (at, &index) in order.iter().enumerate() {
            position[index] = u32::try_from(at).unwrap_or(u32::MAX);
        }
        let topics = web::Topics::new(&pages);
        let now = settings.now();
        let photos: std::collections::BTreeSet<&str> = (entries.iter())
            .filter(|entry| entry.released(now) && !entry.withdrawn())
            .filter_map(|entry| entry.photo().map(|photo| &**photo))
            .collect();
        let photos = photos.into_iter().map(str::to_owned).collect();
        Site {
            settings,
            entries,
            pages,
            periods,
            order,
            position,
            sorted,
            facts,
            groups,
            taken,
            topics,
            photos,
            sizes: crate::Photos::new(),
        }
    }

    /// The same site knowing the sizes of the photos below the seeds directory, which RSS
    /// enclosures give; without them, a length of 0.
    pub fn with_photo_sizes(self, sizes: crate::Photos) -> Site<'a> {
        Site { sizes, ..self }
    }

    /// The entries the site was planned from.
    pub fn entries(&self) -> &'a [Entry] {
        self.entries
    }

    /// Every live article (released at the settings' `now`, not withdrawn) by index, newest
    /// first, articles published at the same instant in key order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Every released article by index, withdrawn ones too, in the order of [`Site::order`]:
    /// what a later plan of the same entries but a few starts from ([`Site::new_after`]).
    pub fn sorted(&self) -> &[u32] {
        &self.sorted
    }

    /// What the archive's cut knows of every entry: what a later plan of the same entries but a
    /// few takes over ([`Site::new_after`]).
    pub fn facts(&self) -> &page::Facts {
        &self.facts
    }

    /// What a later plan of the same entries but a few makes its pages over from
    /// ([`Site::new_after`]): this plan's pages, older pages and the articles of each topic.
    pub fn into_kept(self) -> page::Kept {
        // The main page is made again every time, and may hold every article.
        let mut pages = self.pages;
        pages.remove(0);
        page::Kept { pages, periods: self.periods, groups: self.groups }
    }

    /// Whether `file` is made of a page that the earlier plan this one was made over from
    /// ([`Site::new_after`]) had as it is, links and all: then its [`Site::dependencies`] and
    /// bytes are as they were, with the same settings and articles.
    pub fn taken(&self, file: &SiteFile) -> bool {
        let at = |taken: &[bool], index: usize| taken.get(index).copied().unwrap_or(false);
        match file.kind {
            File::Page(index, _) | File::Html(index) | File::Sitemap(Sitemap::Archive(index)) => {
                at(&self.taken.pages, index)
            }
            File::Period(index) => at(&self.taken.periods, index),
            _ => false,
        }
    }

    /// Every file's path, in path order.
    pub fn paths(&self) -> Vec<String> {
        self.plan().into_iter().map(|(path, _)| path).collect()
    }

    /// The feeds readers subscribe to, which announce the WebSub hub and are pinged when they
    /// change: every page's Atom and RSS but the archives', and the JSON Feed. In path order.
    pub fn live_feeds(&self) -> Vec<String> {
        let mut feeds: Vec<String> = self
            .pages
            .iter()
            .filter(|page| !page.archive())
            .flat_map(|page| Format::ALL.map(|format| page.path(format)))
            .chain([layout::JSON_FEED_PATH.to_owned()])
            .collect();
        feeds.sort();
        feeds
    }

    /// Renders every file, on every core, and hands each to `use_file` with its path as soon as
    /// it is rendered; returns what `use_file` returned, in path order. At most one rendered
    /// file per core is alive at a time.
    pub fn render_each<R: Send>(
        &self,
        library: &(impl Library + ?Sized),
        use_file: impl Fn(&str, Vec<u8>) -> R + Sync,
    ) -> Result<Vec<(String, R)>, WriteError> {
        self.files()
            .into_par_iter()
            .map(|file| {
                let mut bytes = Vec::new();
                self.write(&file, library, &mut bytes)?;
                let result = use_file(&file.path, bytes);
                Ok((file.path, result))
            })
            .collect()
    }

    /// Every file of the site, in path order, to be written with [`Site::write`].
    pub fn files(&self) -> Vec<SiteFile> {
        self.plan().into_iter().map(|(path, kind)| SiteFile { path, kind }).collect()
    }

    /// The entries (by index) whose articles `file` shows, in the order it asks for them:
    /// borrowed from the plan where it holds them (a million article pages ask for one each).
    pub fn articles_of<'s>(&'s self, file: &'s SiteFile) -> Cow<'s, [usize]> {
        match &file.kind {
            File::Page(index, _) => {
                let page = &self.pages[*index];
                match page.tombstones.is_empty() {
                    true => Cow::Borrowed(&page.articles),
                    false => page.articles.iter().chain(&page.tombstones).copied().collect(),
                }
            }
            File::Html(index) => Cow::Borrowed(self.pages[*index].listed()),
            File::Json => Cow::Borrowed(&self.pages[0].articles),
            File::Article(index) => Cow::Borrowed(std::slice::from_ref(index)),
            File::Period(index) => Cow::Borrowed(&self.periods[*index].articles),
            File::NewsSitemap => Cow::Owned(self.news()),
            File::Opml
            | File::Style
            | File::Photo(_)
            | File::Directory(_)
            | File::Search
            | File::NotFound
            | File::Favicon
            | File::Robots
            | File::Sitemap(_) => Cow::Borrowed(&[]),
        }
    }

    /// The articles of the Google News sitemap: those published in the two days up to the
    /// newest, newest first, at most 1,000 (Google's limit).
    fn news(&self) -> Vec<usize> {
        let Some(&newest) = self.order.first() else { return Vec::new() };
        let since = self.entries[newest].published() - chrono::TimeDelta::days(2);
        (self.order.iter().copied())
            .take_while(|&index| self.entries[index].published() >= since)
            .take(sitemap::NEWS_URLS)
            .collect()
    }

    /// The article pages before and after entry `index`'s: the earlier and the later article.
    fn neighbours(&self, index: usize) -> (Option<usize>, Option<usize>) {
        let at = self.position[index];
        if at == u32::MAX {
            return (None, None);
        }
        let at = at as usize;
        let earlier = self.order.get(at + 1).copied();
        let later = at.checked_sub(1).map(|at| self.order[at]);
        (earlier, later)
    }

    /// How many addresses the sitemap lists: beyond [`layout::SITEMAP_URLS`], it is an index.
    fn sitemap_urls(&self) -> usize {
        self.pages.len() + Directory::ALL.len() + self.periods.len() + self.order.len()
    }

    /// [`Site::dependencies`] of entry `index`'s own page, without its [`SiteFile`]: its path,
    /// its key, the topic pages it links to and the articles before and after it. (A million
    /// article pages fed in entry order read the entries in memory order.)
    pub fn article_dependencies(&self, index: usize, state: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        let entry = &self.entries[index];
        // The path, as `str` feeds itself to a hasher (its bytes and 0xff), not made.
        for part in layout::article_path_parts(entry.key().as_str()) {
            state.write(part.as_bytes());
        }
        state.write_u8(0xff);
        entry.key().as_str().hash(state);
        for name in entry.place().into_iter().chain(entry.tags()) {
            self.topics.path_of(name).hash(state);
        }
        let (earlier, later) = self.neighbours(index);
        for neighbour in [earlier, later] {
            neighbour.map(|index| self.entries[index].key().as_str()).hash(state);
        }
    }

    /// Feeds `state` every topic page an article page may link to, by name, in name order: two
    /// plans that feed the same give every article the same links to its place and tags.
    pub fn topic_links(&self, state: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        for map in [&self.topics.places, &self.topics.tags] {
            let mut pairs: Vec<(&String, &String)> = map.iter().collect();
            pairs.sort_unstable();
            pairs.hash(state);
        }
    }

    /// The article pages before and after entry `index`'s in the order of publication (the
    /// earlier and the later article), on which its page depends.
    pub fn neighbours_of(&self, index: usize) -> (Option<usize>, Option<usize>) {
        self.neighbours(index)
    }

    /// Feeds `state` everything the bytes of `file` depend on but the settings, this program and
    /// the articles of [`Site::articles_of`]: its path, its page's title, links, articles and
    /// their order, and for the pages that list the site's pages or link to topics, those. Two
    /// plans that feed the same for a file, with the same settings and the same articles, write
    /// the same bytes for it: a caller that keeps what it fed last time can skip the file.
    pub fn dependencies(&self, file: &SiteFile, state: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        if let File::Article(index) = file.kind {
            return self.article_dependencies(index, state);
        }
        file.path.hash(state);
        let page = |page: &Page, state: &mut _| {
            (&page.kind, &page.title, &page.name, &page.id, &page.links).hash(state);
            for &index in &page.articles {
                self.entries[index].key().as_str().hash(state);
            }
            page.tombstones.len().hash(state);
            for &index in &page.tombstones {
                self.entries[index].key().as_str().hash(state);
            }
        };
        let keys = |indices: &[usize], state: &mut _| {
            indices.len().hash(state);
            for &index in indices {
                self.entries[index].key().as_str().hash(state);
            }
        };
        let dated = |indices: &[usize], state: &mut _| {
            for &index in indices {
                let entry = &self.entries[index];
                (entry.key().as_str(), entry.updated()).hash(state);
            }
        };
        match file.kind {
            File::Page(index, _) => page(&self.pages[index], state),
            File::Html(index) => {
                let shown = &self.pages[index];
                page(shown, state);
                (shown.total, &shown.older).hash(state);
                keys(&shown.front, state);
            }
            File::Json => page(&self.pages[0], state),
            File::Article(_) => {} // Fed above.
            File::Photo(index) => self.sizes.get(&self.photos[index]).hash(state),
            File::Period(index) => {
                let period = &self.periods[index];
                (&period.topic, &period.name, period.archive, period.earlier, period.later)
                    .hash(state);
                keys(&period.articles, state);
            }
            File::Directory(_) => {
                for page in &self.pages {
                    (&page.kind, &page.name, page.total).hash(state);
                }
            }
            File::Sitemap(Sitemap::Whole) => {
                for page in &self.pages {
                    (&page.kind, page.updated).hash(state);
                }
                for period in &self.periods {
                    (&period.topic, period.archive, period.updated).hash(state);
                }
                dated(&self.order, state);
            }
            File::Sitemap(Sitemap::Index | Sitemap::Pages) => {
                for page in &self.pages {
                    (&page.kind, page.updated).hash(state);
                }
                for period in &self.periods {
                    (&period.topic, period.archive, period.updated).hash(state);
                }
            }
            File::Sitemap(Sitemap::Archive(index)) => {
                let archive = &self.pages[index];
                (&archive.kind, archive.updated).hash(state);
                dated(&archive.articles, state);
            }
            File::NewsSitemap => dated(&self.news(), state),
            File::Opml
            | File::Style
            | File::Search
            | File::NotFound
            | File::Favicon
            | File::Robots => {}
        }
        // A page that shows a photo below the seeds directory gives its size in RSS. Most sites
        // have none, and this runs for every file.
        if !self.photos.is_empty() {
            for &index in self.articles_of(file).iter() {
                if let Some(photo) = self.entries[index].photo() {
                    self.sizes.get(&**photo).hash(state);
                }
            }
        }
        if let File::Opml = file.kind {
            for page in &self.pages {
                (&page.kind, &page.title, &page.name, page.articles.len()).hash(state);
            }
        }
    }

    /// Writes one file to `out` as it is rendered, asking `library` for each article as it
    /// comes: feeds item by item, so even a feed of every article is never whole in memory.
    /// `out` should be buffered.
    pub fn write(
        &self,
        file: &SiteFile,
        library: &(impl Library + ?Sized),
        out: &mut dyn Write,
    ) -> Result<(), WriteError> {
        let settings = self.settings;
        let shelf = Shelf { entries: self.entries, library: &Dyn(library), photos: &self.sizes };
        match file.kind {
            File::Page(index, Format::Atom) => {
                write_atom_page(settings, &shelf, &self.pages[index], out)
            }
            File::Page(index, Format::Rss) => {
                write_rss_page(settings, &shelf, &self.pages[index], out)
            }
            File::Json => json::write(settings, &shelf, &self.pages[0], out),
            File::Opml => splice::all(out, &opml::write(settings, &self.pages)?),
            File::Html(0) => {
                splice::all(out, web::index(settings, &shelf, &self.pages[0])?.as_bytes())
            }
            File::Html(index) => {
                splice::all(out, web::list_page(settings, &shelf, &self.pages[index])?.as_bytes())
            }
            File::Article(index) => {
                let (earlier, later) = self.neighbours(index);
                let key = |index: Option<usize>| index.map(|index| self.entries[index].key());
                let neighbours = web::Neighbours { earlier: key(earlier), later: key(later) };
                let article = shelf.article(index)?;
                let page = web::article_page(settings, &self.topics, &article, &neighbours);
                splice::all(out, page.as_bytes())
            }
            File::Period(index) => splice::all(
                out,
                web::period_page(settings, &shelf, &self.periods[index])?.as_bytes(),
            ),
            File::Directory(directory) => {
                splice::all(out, web::directory(settings, directory, &self.pages).as_bytes())
            }
            File::Search => splice::all(out, web::search_page(settings).as_bytes()),
            File::NotFound => splice::all(out, web::not_found(settings).as_bytes()),
            File::Favicon => splice::all(out, web::FAVICON.as_bytes()),
            File::Robots => splice::all(out, sitemap::robots(settings).as_bytes()),
            File::Sitemap(Sitemap::Whole) => {
                let urls = self.page_urls().chain(self.article_urls(&self.order));
                sitemap::urlset(out, urls)
            }
            File::Sitemap(Sitemap::Pages) => sitemap::urlset(out, self.page_urls()),
            File::Sitemap(Sitemap::Archive(index)) => {
                sitemap::urlset(out, self.article_urls(&self.pages[index].articles))
            }
            File::Sitemap(Sitemap::Index) => {
                let pages = self.pages.iter().map(|page| page.updated).max();
                let parts =
                    [(settings.url_of(&layout::sitemap_path(layout::SITEMAP_PAGES)), pages)]
                        .into_iter()
                        .chain(self.pages.iter().filter_map(|page| {
                            let archive = page.kind.as_archive()?;
                            let path = layout::sitemap_path(&archive.name());
                            Some((settings.url_of(&path), Some(page.updated)))
                        }));
                sitemap::index(out, parts)
            }
            File::NewsSitemap => sitemap::news(settings, &shelf, &self.news(), out),
            File::Style => splice::all(out, web::STYLESHEET.as_bytes()),
            File::Photo(index) => {
                let path = &self.photos[index];
                let bytes = library.photo(path).map_err(|source| WriteError::Library {
                    key: layout::photo_path(path),
                    source,
                })?;
                splice::all(out, &bytes)
            }
        }
    }

    fn plan(&self) -> Vec<(String, File)> {
        let others = self.others();
        // The article pages, a million at a million articles, sorted apart by their keys (as
        // their paths sort), then merged in: most keys differ in their first eight bytes,
        // compared as one number.
        let now = self.settings.now();
        let mut articles: Vec<(u64, u32)> = (self.entries.par_iter().enumerate())
            .filter(|(_, entry)| entry.released(now))
            .map(|(index, entry)| (path_prefix(entry.key().as_str()), index as u32))
            .collect();
        let key = |index: u32| self.entries[index as usize].key().as_str();
        articles.par_sort_unstable_by(|&(a_prefix, a), &(b_prefix, b)| {
            a_prefix.cmp(&b_prefix).then_with(|| cmp_article_paths(key(a), key(b)))
        });
        // Their paths made on every core, in that order; then the other files merged in from the
        // back, in place: no second list of a million paths.
        let mut merged: Vec<(String, File)> = Vec::with_capacity(articles.len() + others.len());
        merged.par_extend(
            (articles.into_par_iter()).map(|(_, index)| {
                (layout::article_path(key(index)), File::Article(index as usize))
            }),
        );
        merge_into(&mut merged, others);
        debug_assert!(merged.is_sorted_by(|a, b| a.0 < b.0), "the site's files in path order");
        merged
    }

    /// Every file but the articles' pages, in path order.
    fn others(&self) -> Vec<(String, File)> {
        let mut files: Vec<(String, File)> = Vec::with_capacity(3 * self.pages.len() + 3);
        for (index, page) in self.pages.iter().enumerate() {
            for format in Format::ALL {
                files.push((page.path(format), File::Page(index, format)));
            }
            files.push((page.html_path(), File::Html(index)));
        }
        files.push((layout::JSON_FEED_PATH.to_owned(), File::Json));
        files.push((layout::OPML_PATH.to_owned(), File::Opml));
        files.push((layout::STYLESHEET_PATH.to_owned(), File::Style));
        for (index, photo) in self.photos.iter().enumerate() {
            files.push((layout::photo_path(photo), File::Photo(index)));
        }
        for (index, period) in self.periods.iter().enumerate() {
            files.push((period.path(), File::Period(index)));
        }
        for directory in Directory::ALL {
            files.push((directory.path().to_owned(), File::Directory(directory)));
        }
        if self.settings.search() {
            files.push((layout::SEARCH_PATH.to_owned(), File::Search));
        }
        files.push((layout::NOT_FOUND_PATH.to_owned(), File::NotFound));
        files.push((layout::FAVICON_PATH.to_owned(), File::Favicon));
        files.push((layout::ROBOTS_PATH.to_owned(), File::Robots));
        files.push((layout::NEWS_SITEMAP_PATH.to_owned(), File::NewsSitemap));
        if self.sitemap_urls() <= layout::SITEMAP_URLS {
            files.push((layout::SITEMAP_PATH.to_owned(), File::Sitemap(Sitemap::Whole)));
        } else {
            files.push((layout::SITEMAP_PATH.to_owned(), File::Sitemap(Sitemap::Index)));
            let pages = layout::sitemap_path(layout::SITEMAP_PAGES);
            files.push((pages, File::Sitemap(Sitemap::Pages)));
            for (index, page) in self.pages.iter().enumerate() {
                if let Some(archive) = page.kind.as_archive() {
                    let path = layout::sitemap_path(&archive.name());
                    files.push((path, File::Sitemap(Sitemap::Archive(index))));
                }
            }
        }
        // Every path is the site's only file of that name: an unstable sort orders them as a
        // stable one would, without a buffer of half their number.
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files
    }

    /// [`Site::files`], given the files of an earlier plan of the same entries but a few:
    /// `renumber` gives each earlier entry's index in this plan's (`u32::MAX`: gone), and
    /// `fresh` the indices of the entries new or changed since, which had no page there or
    /// whose page goes. The earlier articles' pages are kept in place, renumbered, and only
    /// `fresh` ones made: a million article pages are not listed and sorted again for one
    /// story. Every entry kept must be released in this plan as in the earlier one (no embargo
    /// ended between them), and its key must be the same.
    pub fn files_reusing(
        &self,
        mut earlier: Vec<SiteFile>,
        renumber: &[u32],
        fresh: &[usize],
    ) -> Vec<SiteFile> {
        earlier.retain_mut(|file| match file.kind {
            File::Article(old) => match renumber.get(old) {
                Some(&new) if new != u32::MAX => {
                    file.kind = File::Article(new as usize);
                    true
                }
                _ => false,
            },
            _ => false,
        });
        let now = self.settings.now();
        let mut made: Vec<SiteFile> = (fresh.iter().copied())
            .filter(|&index| self.entries[index].released(now))
            .map(|index| SiteFile {
                path: layout::article_path(self.entries[index].key().as_str()),
                kind: File::Article(index),
            })
            .collect();
        made.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let as_file = |(path, kind)| SiteFile { path, kind };
        made.extend(self.others().into_iter().map(as_file));
        made.sort_by(|a, b| a.path.cmp(&b.path));
        merge_into(&mut earlier, made);
        debug_assert_eq!(
            earlier.iter().map(|file| (file.path(), file.article())).collect::<Vec<_>>(),
            self.files().iter().map(|file| (file.path(), file.article())).collect::<Vec<_>>(),
            "the files of an earlier plan, renumbered, are this plan's"
        );
        earlier
    }
}

/// Merges the sorted `small` into the sorted `big`, from the back and in place: no second list
/// of a million paths. No path is in both.
fn merge_into<T: HasPath>(big: &mut Vec<T>, small: Vec<T>) {
    let big_len = big.len();
    big.resize_with(big_len + small.len(), T::placeholder);
    let (mut unplaced, mut at) = (big_len, big.len());
    for other in small.into_iter().rev() {
        while unplaced > 0 && big[unplaced - 1].path() > other.path() {
            at -= 1;
            unplaced -= 1;
            big.swap(at, unplaced);
        }
        at -= 1;
        big[at] = other;
    }
}

/// What [`merge_into`] orders by.
trait HasPath {
    fn path(&self) -> &str;
    /// A value to hold a place until it is overwritten.
    fn placeholder() -> Self;
}

impl HasPath for (String, File) {
    fn path(&self) -> &str {
        &self.0
    }

    fn placeholder() -> Self {
        (String::new(), File::Json)
    }
}

impl HasPath for SiteFile {
    fn path(&self) -> &str {
        &self.path
    }

    fn placeholder() -> Self {
        SiteFile { path: String::new(), kind: File::Json }
    }
}

impl Site<'_> {
    /// The sitemap's entries for every page but the articles': the index, every archive, place
    /// and tag page, the lists and the older pages, with when they changed.
    fn page_urls(
        &self,
    ) -> impl Iterator<Item = (String, Option<chrono::DateTime<chrono::FixedOffset>>)> {
        let settings = self.settings;
        let pages =
            self.pages.iter().map(move |page| (page.html_url(settings), Some(page.updated)));
        let directories = (Directory::ALL.into_iter())
            .map(move |directory| (settings.url_of(directory.path()), None));
        let periods = (self.periods.iter())
            .map(move |period| (settings.url_of(&period.path()), Some(period.updated)));
        pages.chain(directories).chain(periods)
    }

    /// The sitemap's entries for the pages of `articles`, with their `updated`.
    fn article_urls<'s>(
        &'s self,
        articles: &'s [usize],
    ) -> impl Iterator<Item = (String, Option<chrono::DateTime<chrono::FixedOffset>>)> + 's {
        articles.iter().map(move |&index| {
            let entry = &self.entries[index];
            let path = layout::article_path(entry.key().as_str());
            (self.settings.url_of(&path), Some(entry.updated()))
        })
    }
}

/// The entries of a site and the library of their articles, as the renderers use them.
pub(crate) struct Shelf<'a> {
    pub(crate) entries: &'a [Entry],
    library: &'a dyn Library,
    /// The sizes of the photos below the seeds directory.
    pub(crate) photos: &'a crate::Photos,
}

impl<'a> Shelf<'a> {
    /// The article of entry `index`.
    pub(crate) fn article(&self, index: usize) -> Result<Held<'a>, WriteError> {
        self.library.article(index).map_err(|source| WriteError::Library {
            key: self.entries[index].key().to_string(),
            source,
        })
    }

    /// The articles of entries `indices`, in order.
    pub(crate) fn articles(&self, indices: &[usize]) -> Result<Vec<Held<'a>>, WriteError> {
        indices.iter().map(|&index| self.article(index)).collect()
    }
}

/// Any library as a trait object, sized or not.
struct Dyn<'a, L: Library + ?Sized>(&'a L);

impl<L: Library + ?Sized> Library for Dyn<'_, L> {
    fn article(&self, index: usize) -> Result<Held<'_>, crate::entry::LibraryError> {
        self.0.article(index)
    }

    fn photo(&self, path: &str) -> Result<Vec<u8>, crate::entry::LibraryError> {
        self.0.photo(path)
    }
}

/// The first eight bytes of an article page's path after `articles/` (its key, then `.html`),
/// as a number that orders as the bytes do.
fn path_prefix(key: &str) -> u64 {
    page::prefix_of(key.as_bytes().iter().chain(b".html"))
}

/// The order of the article pages of keys `a` and `b`: of their paths, `articles/<key>.html`,
/// without making them (a key that is a prefix of the other is compared with `.html`).
fn cmp_article_paths(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let suffix = b".html".iter();
        a[common..].iter().chain(suffix.clone()).cmp(b[common..].iter().chain(suffix))
    })
}

#[cfg(test)]
mod tests {
    use crate::{Settings, layout::FileKind, parsed as article};

    proptest::proptest! {
        /// Article pages sort by their number and their keys as their paths sort, keys that
        /// are prefixes of others (`a`, `a-b`, `a.b`, `a.html0`) and long shared starts
        /// included.
        #[test]
        fn article_pages_sort_by_key_as_their_paths_do(
            stem in "(a|2024-07-10-reuters|[a-z0-9]{0,9})",
            a_tail in "(|[a-z0-9._~-]{1,3}|\\.html[a-z0-9._~-]{0,2})",
            b_tail in "(|[a-z0-9._~-]{1,3}|\\.html[a-z0-9._~-]{0,2})",
        ) {
            let (a, b) = (format!("{stem}{a_tail}"), format!("{stem}{b_tail}"));
            let by_paths = crate::layout::article_path(&a).cmp(&crate::layout::article_path(&b));
            let by_keys = (super::path_prefix(&a).cmp(&super::path_prefix(&b)))
                .then_with(|| super::cmp_article_paths(&a, &b));
            proptest::prop_assert_eq!(by_keys, by_paths);
        }

        /// An earlier plan's order and files, renumbered through a splice of the entries, with
        /// the new and changed ones sorted in and their pages made, are the new plan's: articles removed,
        /// added in the middle and at the ends, changed in place, places and tags new and gone.
        #[test]
        fn files_made_over_from_an_earlier_plan_are_the_plans_own(
            old in proptest::collection::vec((0u32..500, 0u8..4), 1..140),
            edits in proptest::collection::vec((0usize..40, 0usize..3, proptest::collection::vec((0u32..500, 0u8..4), 0..3)), 0..4),
        ) {
            use std::sync::Arc;
            let entry = |&(n, topic): &(u32, u8)| {
                let key = article::ArticleKey::new(&format!("k{n:03}")).unwrap();
                // Over two months, some big enough that four fill an archive page: months
                // cut by day, days cut in parts.
                let time = chrono::DateTime::parse_from_rfc3339("2024-05-02T00:00:00+03:00").unwrap()
                    + chrono::TimeDelta::hours(i64::from(n % 97) * 9);
                let size = if n % 4 == 0 { 2_400_000 } else { 100 };
                let place: Option<Arc<str>> = (topic > 0).then(|| Arc::from(format!("P{}", topic % 2)));
                let tags: Box<[Arc<str>]> = Box::new([Arc::from(format!("t{}", n % 3))]);
                // Some withdrawn (tombstones, and no more in a topic's window), some under an
                // embargo that never ends (on no page).
                let embargo = (n % 11 == 5).then(|| time + chrono::TimeDelta::days(99_999));
                crate::Entry::from_parts(key, time, time, place, tags, size)
                    .with_desk(n % 7 == 3, embargo)
            };
            // Unique keys, in key order, as seeds in name order give them.
            let mut old: Vec<(u32, u8)> = old;
            old.sort_by_key(|&(n, _)| n);
            old.dedup_by_key(|&mut (n, _)| n);
            let settings = Settings::defaults();
            let old_entries: Vec<crate::Entry> = old.iter().map(entry).collect();
            let old_site = super::Site::new(&settings, &old_entries);
            let earlier = old_site.files();
            // The same plan again, to compare with after the first is taken over.
            let old_view = super::Site::new(&settings, &old_entries);
            let old_files = old_view.files();
            // Runs of old positions replaced, ascending and apart, each by entries whose keys
            // fit between their neighbours'.
            type Run = (usize, usize, Vec<(u32, u8)>);
            let mut runs: Vec<Run> = Vec::new();
            let mut next = 0;
            for (start, length, new) in edits {
                let start = next + start % (old.len() + 1 - next).max(1);
                if start > old.len() { break; }
                let end = (start + length).min(old.len());
                let low = if start == 0 { 0 } else { old[start - 1].0 + 1 };
                let high = old.get(end).map_or(500, |&(n, _)| n);
                let mut new: Vec<(u32, u8)> = new.into_iter()
                    .map(|(n, topic)| (low + n % (high - low).max(1), topic))
                    .filter(|&(n, _)| n >= low && n < high)
                    .collect();
                new.sort_by_key(|&(n, _)| n);
                new.dedup_by_key(|&mut (n, _)| n);
                runs.push((start, end, new));
                next = end + 1;
                if next > old.len() { break; }
            }
            let mut renumber = Vec::new();
            let mut fresh = Vec::new();
            let mut now: Vec<(u32, u8)> = Vec::new();
            let mut at = 0;
            for (start, end, new) in &runs {
                while at < *start { renumber.push(now.len() as u32); now.push(old[at]); at += 1; }
                fresh.extend(now.len()..now.len() + new.len());
                now.extend(new.iter().copied());
                while at < *end { renumber.push(u32::MAX); at += 1; }
            }
            while at < old.len() { renumber.push(now.len() as u32); now.push(old[at]); at += 1; }
            let new_entries: Vec<crate::Entry> = now.iter().map(entry).collect();
            let site = super::Site::new(&settings, &new_entries);
            let (sorted, facts) = (old_site.sorted().to_vec(), old_site.facts().clone());
            let old = crate::Earlier {
                sorted: &sorted,
                renumber: &renumber,
                fresh: &fresh,
                facts: &facts,
                kept: Some(old_site.into_kept()),
            };
            let after = super::Site::new_after(&settings, &new_entries, old);
            proptest::prop_assert_eq!(after.sorted(), site.sorted());
            proptest::prop_assert_eq!(after.order(), site.order());
            proptest::prop_assert!(after.pages == site.pages, "the pages made over");
            proptest::prop_assert!(after.periods == site.periods, "the older pages made over");
            proptest::prop_assert!(after.groups == site.groups, "the groups made over");
            // A file of a page taken as it was depends on what it did.
            let depends = |site: &super::Site<'_>, file: &super::SiteFile| {
                use std::hash::Hasher;
                let mut state = std::hash::DefaultHasher::new();
                site.dependencies(file, &mut state);
                for &index in site.articles_of(file).iter() {
                    state.write(site.entries[index].key().as_str().as_bytes());
                }
                state.finish()
            };
            let old_files: std::collections::BTreeMap<String, super::SiteFile> =
                old_files.into_iter().map(|file| (file.path().to_owned(), file)).collect();
            for file in after.files().iter().filter(|file| after.taken(file)) {
                let was = &old_files[file.path()];
                proptest::prop_assert_eq!(depends(&after, file), depends(&old_view, was), "{}", file.path());
            }
            let made = after.files_reusing(earlier, &renumber, &fresh);
            let expected = site.files();
            let shape = |files: &[super::SiteFile]| -> Vec<(String, Option<usize>)> {
                files.iter().map(|file| (file.path().to_owned(), file.article())).collect()
            };
            proptest::prop_assert_eq!(shape(&made), shape(&expected));
        }
    }

    /// `is_generated` is exactly what the plan produces: every planned file is one, and its
    /// kind is the one its path says, so no other module needs to read paths.
    #[test]
    fn every_planned_file_is_generated_and_its_path_names_its_kind() {
        let articles = [
            article("a", "tags: Politics, Économie\ndate 2022-01-10 MINSK, January 10. /TASS/. A."),
            article("b", "tags: politics\ndate 2022-02-11 МОСКВА, 11 февраля. /ТАСС/. B."),
            article("c", "date 2023-12-31 NEW YORK (AP) — C."),
        ];
        let settings = Settings::defaults();
        let entries = crate::entry::entries(&articles);
        let site = super::Site::new(&settings, &entries);
        let files = site.files();
        assert!(files.len() > 20);
        for file in &files {
            let kind = site.kind(file);
            assert_eq!(kind.path(), file.path());
            assert_eq!(FileKind::parse(file.path()), Some(kind), "{}", file.path());
            assert!(crate::is_generated(file.path()));
        }
    }
}
