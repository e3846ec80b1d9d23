//! ⑤ Index: creating, opening and updating a sitrep index on disk.
//!
//! An index folder holds:
//!
//! * `sitrep.json`: the stamp, saying which sitrep format, schema and
//!   gazetteer versions built it;
//! * `index-schema/`: a copy of the schema and gazetteer files that built
//!   it, so searches resolve aliases exactly as the indexer did;
//! * `tantivy/`: the tantivy index itself.
//!
//! [`update`] brings an index in line with the corpus folders: new files
//! are added, changed ones (size and modification time first, then a
//! content fingerprint) re-indexed, files gone from under the given
//! folders removed, all in one commit. A fresh index (or `--rebuild`) is
//! built in a sibling folder and swapped in only when complete.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Term;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::article;
use crate::corpus::{self, Entry, SkipReason};
use crate::error::{Error, Problem, Result, Severity};
use crate::gazetteer::Gazetteer;
use crate::names::{self, NameTable, Names, NAME_TABLE_FILE};
use crate::schema::{register_analyzer, Fields, FileStamp, RecordPlace, SchemaConfig, SchemaFiles};

/// The on-disk layout version of a sitrep index folder.
pub const FORMAT_VERSION: u32 = 1;

const STAMP_FILE: &str = "sitrep.json";
const SCHEMA_COPY: &str = "index-schema";
const TANTIVY_DIR: &str = "tantivy";

/// What built an index (`sitrep.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// [`FORMAT_VERSION`] of the sitrep that wrote it.
    pub format: u32,
    /// The sitrep release that wrote it last.
    pub sitrep_version: String,
    /// `version` of `schema.toml`.
    pub schema_version: u32,
    /// Fingerprint of the parsed schema.
    pub schema_digest: String,
    /// Fingerprint of the gazetteer files.
    pub gazetteer_digest: String,
}

impl Stamp {
    fn of(config: &SchemaConfig, files: &SchemaFiles) -> Stamp {
        Stamp {
            format: FORMAT_VERSION,
            sitrep_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: config.version,
            schema_digest: config.digest(),
            gazetteer_digest: files.digest("gazetteers/"),
        }
    }

    fn read(dir: &Path) -> Result<Stamp> {
        let path = dir.join(STAMP_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::RebuildNeeded {
            path: dir.to_path_buf(),
            reason: format!("has an unreadable {STAMP_FILE} ({e})"),
        })
    }

    fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(STAMP_FILE);
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        write_atomically(&path, text.as_bytes())
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// An index opened for searching.
pub struct OpenIndex {
    /// The index folder.
    pub dir: PathBuf,
    /// The tantivy index.
    pub index: Index,
    /// A reader on the last commit.
    pub reader: IndexReader,
    /// The fields of its schema.
    pub fields: Fields,
    /// Its schema config.
    pub config: SchemaConfig,
    /// The names of the gazetteers that built it.
    pub names: Names,
    /// What built it.
    pub stamp: Stamp,
}

/// Opens the index at `dir` for searching.
pub fn open(dir: &Path) -> Result<OpenIndex> {
    // Between the two renames of a swap the index waits beside its folder.
    let waiting = Siblings::of(dir).map(|s| s.old).ok();
    let dir = match waiting {
        Some(old) if !dir.exists() && old.join(STAMP_FILE).is_file() => old,
        _ => dir.to_path_buf(),
    };
    let dir = dir.as_path();
    let tantivy_dir = dir.join(TANTIVY_DIR);
    if !dir.join(STAMP_FILE).is_file() || !tantivy_dir.is_dir() {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    let stamp = Stamp::read(dir)?;
    if stamp.format != FORMAT_VERSION {
        return Err(Error::RebuildNeeded {
            path: dir.to_path_buf(),
            reason: format!(
                "has layout version {} but this sitrep reads version {FORMAT_VERSION}",
                stamp.format
            ),
        });
    }
    // The index's own copy of index-schema/: if this sitrep cannot read it,
    // the index was built by another version or damaged.
    let unreadable = |err: Error| Error::RebuildNeeded {
        path: dir.to_path_buf(),
        reason: format!("has a copy of index-schema/ this sitrep cannot use ({err})"),
    };
    // The precomputed name table spares loading the gazetteers (tens of
    // milliseconds) at every search, and reading their files.
    let table = NameTable::read(&dir.join(NAME_TABLE_FILE), &stamp.gazetteer_digest);
    let copy = dir.join(SCHEMA_COPY);
    let files = match table {
        Some(_) => SchemaFiles::read_only(&copy, &["schema.toml"]),
        None => SchemaFiles::read_dir(&copy),
    }
    .map_err(unreadable)?;
    let config = SchemaConfig::load(&files).map_err(unreadable)?;
    let names = Names::new(table, copy, &files).map_err(unreadable)?;
    let index = open_tantivy(dir, &tantivy_dir)?;
    let fields = Fields::new(&index.schema()).map_err(|_| Error::RebuildNeeded {
        path: dir.to_path_buf(),
        reason: "does not have the fields its schema lists".into(),
    })?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| damaged(dir, e))?;
    Ok(OpenIndex {
        dir: dir.to_path_buf(),
        index,
        reader,
        fields,
        config,
        names,
        stamp,
    })
}

fn damaged(dir: &Path, err: tantivy::TantivyError) -> Error {
    Error::RebuildNeeded {
        path: dir.to_path_buf(),
        reason: format!("is damaged ({err})"),
    }
}

fn open_tantivy(dir: &Path, tantivy_dir: &Path) -> Result<Index> {
    let directory = MmapDirectory::open(tantivy_dir).map_err(|e| Error::RebuildNeeded {
        path: dir.to_path_buf(),
        reason: format!("cannot be opened ({e})"),
    })?;
    let index = Index::open(directory).map_err(|e| damaged(dir, e))?;
    register_analyzer(&index);
    Ok(index)
}

/// How to run [`update`].
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// The index folder.
    pub index_dir: PathBuf,
    /// Build a fresh index and swap it in, instead of updating.
    pub rebuild: bool,
    /// The writer's memory budget in bytes (split among its threads).
    pub memory_bytes: usize,
    /// Count the files first, so that [`Event::Progress`] knows the total
    /// (one more walk of the folders; for a progress bar).
    pub count_files: bool,
}

/// What [`update`] did.
#[derive(Debug, Default)]
pub struct IndexReport {
    /// Articles added (from new files).
    pub added: u64,
    /// Articles re-indexed because their file changed.
    pub updated: u64,
    /// Articles removed because their file disappeared or changed.
    pub removed: u64,
    /// Articles left as they were.
    pub unchanged: u64,
    /// Article files read.
    pub files_read: u64,
    /// Files passed over, counted by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Bad files and records, and repairs made.
    pub problems: Vec<Problem>,
    /// Articles in the index after the commit.
    pub total: u64,
    /// Whether a fresh index was built.
    pub rebuilt: bool,
    /// Time taken.
    pub elapsed: Duration,
    /// Of which spent extracting provinces and actors.
    pub extraction: Duration,
    /// Stored articles whose facets were extracted again because the
    /// gazetteers changed.
    pub reextracted: Option<u64>,
}

impl IndexReport {
    /// Whether any file or record was skipped for a problem (not a warning).
    pub fn skipped_problems(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Skipped)
            .count()
    }
}

/// Progress reported while indexing.
#[derive(Debug)]
pub enum Event<'a> {
    /// A bad file or record, or a repair.
    Problem(&'a Problem),
    /// A file passed over.
    Skipped(&'a Path, &'a SkipReason),
    /// Something the user should know about the run.
    Notice(&'a str),
    /// Another file was looked at.
    Progress {
        /// Files looked at so far (changed or not).
        files: u64,
        /// Their size in bytes.
        bytes: u64,
        /// Files and bytes to look at in all, when
        /// [`IndexOptions::count_files`] is set.
        total: Option<(u64, u64)>,
        /// Articles added or updated so far.
        articles: u64,
    },
}

/// The state of one indexed file, from the index's fast fields.
#[derive(Debug, Clone, Copy)]
struct Indexed {
    stamp: FileStamp,
    articles: u64,
}

/// The folders beside an index: where a fresh build is made, where the
/// old index waits during the swap, and the lock file of update runs.
struct Siblings {
    fresh: PathBuf,
    old: PathBuf,
    lock: PathBuf,
}

impl Siblings {
    fn of(dir: &Path) -> Result<Siblings> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sitrep-index".into());
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        Ok(Siblings {
            fresh: parent.join(format!(".{name}.new")),
            old: parent.join(format!(".{name}.old")),
            lock: parent.join(format!(".{name}.lock")),
        })
    }
}

/// Holds the lock that lets one `sitrep index` at a time update an index;
/// the operating system releases it when the process ends, however it ends.
struct RunLock {
    _file: std::fs::File,
}

impl RunLock {
    fn acquire(dir: &Path, lock: &Path) -> Result<RunLock> {
        use fs4::fs_std::FileExt;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock)
            .map_err(|e| Error::io(lock, e))?;
        match file.try_lock_exclusive() {
            Ok(true) => Ok(RunLock { _file: file }),
            Ok(false) => Err(Error::Locked(dir.to_path_buf())),
            Err(e) => Err(Error::io(lock, e)),
        }
    }
}

/// Puts back an index whose swap was interrupted between its two renames.
fn recover_swap(dir: &Path, siblings: &Siblings) -> Result<()> {
    if !dir.exists() && siblings.old.join(STAMP_FILE).is_file() {
        std::fs::rename(&siblings.old, dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

/// Indexes the articles under `paths` into the index of `options`.
///
/// On an existing index only what changed is done; see the module
/// documentation. `files` are the schema and gazetteers to build with.
/// When the schema changed since the index was built, it is rebuilt from
/// `paths`; when only the gazetteers changed, the facets of every stored
/// article are extracted again (no need for the original files), and then
/// the files are updated as usual.
pub fn update(
    paths: &[PathBuf],
    options: &IndexOptions,
    files: &SchemaFiles,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<IndexReport> {
    let started = Instant::now();
    let config = SchemaConfig::load(files)?;
    let gazetteer = Gazetteer::load(files)?;
    let stamp = Stamp::of(&config, files);
    let dir = &options.index_dir;
    let siblings = Siblings::of(dir)?;
    let _lock = RunLock::acquire(dir, &siblings.lock)?;
    recover_swap(dir, &siblings)?;

    let mut rebuild_all = options.rebuild || !dir.join(STAMP_FILE).is_file();
    let mut reextracted = None;
    if !rebuild_all {
        let old = Stamp::read(dir)?;
        if old.format != FORMAT_VERSION || old.schema_digest != stamp.schema_digest {
            on_event(Event::Notice(&format!(
                "the schema changed since this index was built (version {} {}, now {} {}): rebuilding it from the given PATHs",
                old.schema_version, old.schema_digest, stamp.schema_version, stamp.schema_digest
            )));
            rebuild_all = true;
        } else if old.gazetteer_digest != stamp.gazetteer_digest {
            let n = reextract(dir, &siblings, files, &config, &gazetteer, &stamp)?;
            on_event(Event::Notice(&format!(
                "the gazetteers changed since this index was built: extracted the facets of {n} stored articles again"
            )));
            reextracted = Some(n);
        }
    }
    let mut report = if rebuild_all {
        let fresh = prepare_fresh(dir, &siblings, files, &config)?;
        let mut report = IndexReport {
            rebuilt: true,
            ..IndexReport::default()
        };
        fill(&fresh, paths, options, &gazetteer, &mut report, on_event)?;
        drop(fresh);
        stamp.write(&siblings.fresh)?;
        swap(dir, &siblings)?;
        report
    } else {
        let index = open_tantivy(dir, &dir.join(TANTIVY_DIR))?;
        let mut report = IndexReport::default();
        fill(&index, paths, options, &gazetteer, &mut report, on_event)?;
        report
    };
    report.reextracted = reextracted;
    write_name_table(dir, &gazetteer, &stamp)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Writes the index's name table (see [`crate::names`]) unless it is
/// already there for these gazetteers.
fn write_name_table(dir: &Path, gazetteer: &Gazetteer, stamp: &Stamp) -> Result<()> {
    let path = dir.join(NAME_TABLE_FILE);
    if NameTable::is_current(&path, &stamp.gazetteer_digest) {
        return Ok(());
    }
    write_atomically(
        &path,
        names::table_text(gazetteer, &stamp.gazetteer_digest).as_bytes(),
    )
}

/// Creates an empty index in the sibling `.new` folder, with a copy of
/// `files`, after clearing any debris of an interrupted run there.
fn prepare_fresh(
    dir: &Path,
    siblings: &Siblings,
    files: &SchemaFiles,
    config: &SchemaConfig,
) -> Result<Index> {
    // Never replace a folder that is not a sitrep index: it may be
    // anything of the user's (`--index ~/Documents`).
    if dir.exists() && !dir.join(STAMP_FILE).is_file() {
        let empty = std::fs::read_dir(dir)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Error::data(
                dir,
                None,
                "exists and is not a sitrep index; choose another --index folder",
            ));
        }
    }
    let fresh = &siblings.fresh;
    if fresh.exists() {
        // Debris of an interrupted run: never half an index.
        std::fs::remove_dir_all(fresh).map_err(|e| Error::io(fresh, e))?;
    }
    let tantivy_dir = fresh.join(TANTIVY_DIR);
    std::fs::create_dir_all(&tantivy_dir).map_err(|e| Error::io(&tantivy_dir, e))?;
    files.write_to(&fresh.join(SCHEMA_COPY))?;
    let directory = MmapDirectory::open(&tantivy_dir)
        .map_err(|e| Error::io(&tantivy_dir, std::io::Error::other(e.to_string())))?;
    let index = Index::create(directory, config.build(), index_settings())?;
    register_analyzer(&index);
    Ok(index)
}

/// The bytes of articles compressed together in the doc store.
const DOCSTORE_BLOCK: usize = 1024 * 1024;

/// The zstd level of the doc store.
const DOCSTORE_ZSTD_LEVEL: i32 = 3;

/// How a fresh index keeps its stored fields.
///
/// The stored title and body are most of an index: with tantivy's default
/// (lz4 on 16 KiB blocks) the doc store alone is 0.77 of the input. zstd
/// level 3 keeps it in 0.43 on 256 KiB blocks and 0.41 on 1 MiB blocks, on
/// tantivy's own store thread, for about 4 times the instructions of lz4
/// (higher levels cost 2.5 times more again for a few percent). Searches
/// read their hits from the articles' files (see `card`), so the store is
/// read only by `sitrep show`, for a hit whose file changed, and to extract
/// facets again: each of those decompresses one block (about a
/// millisecond), which is why the blocks can be large.
fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK,
        ..Default::default()
    }
}

/// Segments with more documents than this are never merged.
const MERGE_MAX_DOCS: usize = 10_000;

/// Which segments the writers merge: only small ones.
///
/// A merge reads its segments through memory maps, so every page of them
/// counts in the resident memory of the process until the merge ends:
/// tantivy's default policy, merging segments of up to 10 million
/// documents eight at a time, took a 500,000-article build to 740 MB (370
/// MB heap, 410 MB mapped files). The segments a build flushes at the
/// default `--memory` hold some 25,000 articles and stay as they are; the
/// small segments of incremental runs are merged, eight at a time, into
/// one of at most 80,000 articles.
fn merge_policy() -> Box<dyn tantivy::indexer::MergePolicy> {
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MERGE_MAX_DOCS);
    Box::new(policy)
}

/// Swaps the complete `.new` folder in: old → `.old`, new → the index
/// folder, then drops `.old`. An interruption between the two renames is
/// undone by [`recover_swap`] on the next run.
fn swap(dir: &Path, siblings: &Siblings) -> Result<()> {
    let old = &siblings.old;
    if old.exists() {
        std::fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    if dir.exists() {
        std::fs::rename(dir, old).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::rename(&siblings.fresh, dir).map_err(|e| Error::io(dir, e))?;
    if old.exists() {
        std::fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    Ok(())
}

/// Rebuilds the index at `dir` from its own stored articles with new
/// gazetteers, and swaps it in. Returns the number of articles.
fn reextract(
    dir: &Path,
    siblings: &Siblings,
    files: &SchemaFiles,
    config: &SchemaConfig,
    gazetteer: &Gazetteer,
    stamp: &Stamp,
) -> Result<u64> {
    let old = open_tantivy(dir, &dir.join(TANTIVY_DIR))?;
    let old_fields = Fields::new(&old.schema())?;
    let reader: IndexReader = old
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let fresh = prepare_fresh(dir, siblings, files, config)?;
    let fields = Fields::new(&fresh.schema())?;
    let mut writer: IndexWriter<TantivyDocument> = fresh.writer(64_000_000)?;
    writer.set_merge_policy(merge_policy());
    let mut n = 0u64;
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        // The file stamps are columns, not stored.
        let stamps = StampColumns::open(segment)?;
        for doc_id in segment.doc_ids_alive() {
            let address = tantivy::DocAddress::new(ordinal as u32, doc_id);
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some((article, path)) = stored_article(&doc, &old_fields) else {
                continue;
            };
            let stamp = stamps.of(doc_id);
            let place = stamps.place(doc_id);
            let facets = gazetteer.extract(&article.title, &article.body);
            writer.add_document(fields.document(&article, &facets, &path, stamp, place))?;
            n += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    drop(fresh);
    stamp.write(&siblings.fresh)?;
    swap(dir, siblings)?;
    Ok(n)
}

/// The file stamp and record place columns of a segment (fast fields,
/// not stored).
pub(crate) struct StampColumns {
    fingerprint: tantivy::columnar::Column<u64>,
    size: tantivy::columnar::Column<u64>,
    mtime: tantivy::columnar::Column<u64>,
    /// `record`, `record_line`, `record_hash`, `id_from`; none when the
    /// schema keeps any of them out of the columns.
    place: Option<[tantivy::columnar::Column<u64>; 4]>,
}

impl StampColumns {
    pub(crate) fn open(segment: &tantivy::SegmentReader) -> tantivy::Result<StampColumns> {
        let fast = segment.fast_fields();
        let place = ["record", "record_line", "record_hash", "id_from"].map(|name| fast.u64(name));
        Ok(StampColumns {
            fingerprint: fast.u64("fingerprint")?,
            size: fast.u64("size")?,
            mtime: fast.u64("mtime")?,
            place: match place {
                [Ok(record), Ok(line), Ok(hash), Ok(id_from)] => {
                    Some([record, line, hash, id_from])
                }
                _ => None,
            },
        })
    }

    /// Where article `doc` lies in its file (unknown without the columns).
    pub(crate) fn place(&self, doc: tantivy::DocId) -> RecordPlace {
        let Some([record, line, hash, id_from]) = &self.place else {
            return RecordPlace::default();
        };
        RecordPlace {
            record: record.first(doc).unwrap_or(0),
            line: line.first(doc).unwrap_or(0),
            hash: hash.first(doc).unwrap_or(0),
            id_from: id_from.first(doc).unwrap_or(0),
        }
    }

    /// The stamp of article `doc` (zeros where a column has no value).
    pub(crate) fn of(&self, doc: tantivy::DocId) -> FileStamp {
        FileStamp {
            fingerprint: self.fingerprint.first(doc).unwrap_or(0),
            size: self.size.first(doc).unwrap_or(0),
            mtime: self.mtime.first(doc).unwrap_or(0),
        }
    }
}

/// An article back from its stored fields, with the file it came from.
fn stored_article(doc: &TantivyDocument, f: &Fields) -> Option<(article::Article, String)> {
    use tantivy::schema::Value;
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let date_field = text(f.date);
    Some((
        article::Article {
            id: text(f.id)?,
            title: text(f.title).unwrap_or_default(),
            body: text(f.body).unwrap_or_default(),
            date: date_field.as_deref().and_then(crate::date::parse),
            date_field,
            source: text(f.source),
            url: text(f.url),
            line: None,
            span: None,
        },
        text(f.path).unwrap_or_default(),
    ))
}

/// The files an index holds, with their stamps and article counts.
fn indexed_files(index: &Index) -> Result<HashMap<String, Indexed>> {
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut out: HashMap<String, Indexed> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str("path")? else {
            continue;
        };
        // Read the path dictionary once, in order: looking each document's
        // path up by ordinal decompresses a block per call.
        let mut names: Vec<String> = Vec::with_capacity(paths.num_terms());
        let mut stream = paths
            .dictionary()
            .stream()
            .map_err(|e| Error::io("path column", e))?;
        while stream.advance() {
            names.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        let stamps = StampColumns::open(segment)?;
        for doc in segment.doc_ids_alive() {
            let Some(path) = paths
                .term_ords(doc)
                .next()
                .and_then(|ord| names.get(ord as usize))
            else {
                continue;
            };
            let entry = out.entry(path.clone()).or_insert(Indexed {
                stamp: stamps.of(doc),
                articles: 0,
            });
            entry.articles += 1;
        }
    }
    Ok(out)
}

/// The file that holds `id` in the last commit, when it is another file
/// than `key` and still exists (a file that is gone gives its ids up).
fn id_held_elsewhere(
    committed: &tantivy::Searcher,
    fields: &Fields,
    id: &str,
    key: &str,
) -> Option<String> {
    use tantivy::schema::Value;
    if committed.num_docs() == 0 {
        return None;
    }
    let query = tantivy::query::TermQuery::new(
        Term::from_field_text(fields.id, id),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let top = committed
        .search(
            &query,
            &tantivy::collector::TopDocs::with_limit(4).order_by_score(),
        )
        .ok()?;
    top.into_iter().find_map(|(_, address)| {
        let doc: TantivyDocument = committed.doc(address).ok()?;
        let path = doc.get_first(fields.path)?.as_str()?.to_owned();
        (path != key && Path::new(&path).exists()).then_some(path)
    })
}

/// Whether the path `key` is `dir` or lies under it (both absolute).
pub fn is_inside(key: &str, dir: &str) -> bool {
    key == dir
        || key
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with(std::path::MAIN_SEPARATOR))
}

/// The key an indexed file is known by: its absolute path.
pub fn file_key(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The number and total size of the article files under `paths`, outside
/// the index folder `index_key`.
fn count_files(paths: &[PathBuf], index_key: &str) -> (u64, u64) {
    let mut keys = HashSet::new();
    let mut bytes = 0;
    for root in paths {
        for entry in corpus::walk(root) {
            if let Entry::File(file) = entry {
                let key = file_key(&file.path);
                if !is_inside(&key, index_key) && keys.insert(key) {
                    bytes += file.size;
                }
            }
        }
    }
    (keys.len() as u64, bytes)
}

/// Walks `paths`, writes what changed into `index`, and commits once.
fn fill(
    index: &Index,
    paths: &[PathBuf],
    options: &IndexOptions,
    gazetteer: &Gazetteer,
    report: &mut IndexReport,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<()> {
    let fields = &Fields::new(&index.schema())?;
    let known = indexed_files(index)?;
    let mut writer: IndexWriter<TantivyDocument> = match index.writer(options.memory_bytes) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(..)) => {
            return Err(Error::Locked(options.index_dir.clone()))
        }
        Err(e) => return Err(e.into()),
    };
    writer.set_merge_policy(merge_policy());
    let mut seen: HashSet<String> = HashSet::new();
    let index_key = file_key(&options.index_dir);
    // Every article id of this run, with the file it came from (an index
    // into `id_files`: one copy of a path, not one per article).
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut id_files: Vec<String> = Vec::new();
    // The last commit, to catch an id that another file already holds.
    let committed = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map(|r: IndexReader| r.searcher())?;
    let problem = |report: &mut IndexReport, p: Problem, on_event: &mut dyn FnMut(Event<'_>)| {
        on_event(Event::Problem(&p));
        report.problems.push(p);
    };
    let total_files = options.count_files.then(|| count_files(paths, &index_key));
    let (mut files_done, mut bytes_done) = (0u64, 0u64);

    for root in paths {
        let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.clone());
        if !root.exists() {
            problem(
                report,
                Problem::skipped(root, None, "no such file or folder"),
                on_event,
            );
            continue;
        }
        for entry in corpus::walk(root) {
            let file = match entry {
                Entry::File(file) => file,
                Entry::Skipped(path, reason) => {
                    on_event(Event::Skipped(&path, &reason));
                    *report.skipped.entry(reason.to_string()).or_default() += 1;
                    continue;
                }
                Entry::Problem(p) => {
                    problem(report, p, on_event);
                    continue;
                }
            };
            let key = file_key(&file.path);
            if is_inside(&key, &index_key) {
                // `sitrep index .` with the index in ./sitrep-index: the
                // index's own files are not articles.
                continue;
            }
            if !seen.insert(key.clone()) {
                continue; // the same file reached through two PATHs
            }
            files_done += 1;
            bytes_done += file.size;
            on_event(Event::Progress {
                files: files_done,
                bytes: bytes_done,
                total: total_files,
                articles: report.added + report.updated,
            });
            let before = known.get(&key);
            if let Some(k) = before {
                if k.stamp.size == file.size && k.stamp.mtime == file.mtime && file.mtime != 0 {
                    report.unchanged += k.articles;
                    continue;
                }
            }
            let text = match corpus::read_text(&file.path) {
                Ok(text) => text,
                Err(err) => {
                    let reason = match err {
                        Error::Io { source, .. } => source.to_string(),
                        Error::Data { message, .. } => message,
                        other => other.to_string(),
                    };
                    problem(report, Problem::skipped(&file.path, None, reason), on_event);
                    continue;
                }
            };
            report.files_read += 1;
            if let Some(k) = before {
                if k.stamp.fingerprint == text.fingerprint {
                    report.unchanged += k.articles;
                    continue;
                }
            }
            if let Some(w) = &text.warning {
                problem(
                    report,
                    Problem::warning(&file.path, None, w.clone()),
                    on_event,
                );
            }
            let parsed = article::parse(&file, &text.text);
            for p in parsed.problems {
                problem(report, p, on_event);
            }
            if let Some(k) = before {
                writer.delete_term(Term::from_field_text(fields.path, &key));
                report.removed += k.articles;
            }
            let stamp = FileStamp {
                fingerprint: text.fingerprint,
                size: file.size,
                mtime: file.mtime,
            };
            for article in parsed.articles {
                let duplicate = match ids.get(&article.id) {
                    Some(&first) => Some(format!(
                        "first seen in {}",
                        id_files.get(first as usize).map_or("", String::as_str)
                    )),
                    None => id_held_elsewhere(&committed, fields, &article.id, &key)
                        .map(|other| format!("already indexed from {other}")),
                };
                if let Some(where_) = duplicate {
                    let message = format!("duplicate id {:?} ({where_}); skipped", article.id);
                    problem(
                        report,
                        Problem::skipped(&file.path, article.line, message),
                        on_event,
                    );
                    continue;
                }
                if id_files.last() != Some(&file.rel_path) {
                    id_files.push(file.rel_path.clone());
                }
                let file_number = u32::try_from(id_files.len() - 1).unwrap_or(u32::MAX);
                ids.insert(article.id.clone(), file_number);
                let extract_started = Instant::now();
                let facets = gazetteer.extract(&article.title, &article.body);
                report.extraction += extract_started.elapsed();
                let place = record_place(&text, &article, &file.rel_path, &key);
                let doc = fields.document(&article, &facets, &key, stamp, place);
                writer.add_document(doc)?;
                if before.is_some() {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
        }
        // Files indexed from under this root that are gone now.
        let prefix = file_key(&root_abs);
        for (key, k) in &known {
            if is_inside(key, &prefix) && !seen.contains(key) {
                writer.delete_term(Term::from_field_text(fields.path, key));
                report.removed += k.articles;
                seen.insert(key.clone());
            }
        }
    }
    // Updated articles were counted as removed and added again: report
    // them once, as updated.
    report.removed = report.removed.saturating_sub(report.updated);

    if let Err(e) = writer.commit() {
        let _ = writer.rollback();
        return Err(e.into());
    }
    writer.wait_merging_threads()?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    report.total = reader.searcher().num_docs();
    Ok(())
}

/// Where `article`, parsed from `text`, lies in its file, stored under
/// `key` with ids relative to `rel_path`. Unknown when the text is not the
/// file's bytes (it was decoded or repaired), when the record cannot be
/// parsed on its own, or when `rel_path` is not the end of `key`.
fn record_place(
    text: &corpus::Text,
    article: &article::Article,
    rel_path: &str,
    key: &str,
) -> RecordPlace {
    let (Some(from), Some(span)) = (text.verbatim_from, article.span.clone()) else {
        return RecordPlace::default();
    };
    let Some(bytes) = text.text.as_bytes().get(span.clone()) else {
        return RecordPlace::default();
    };
    let id_from = key
        .len()
        .checked_sub(rel_path.len())
        .filter(|&at| key.get(at..) == Some(rel_path));
    // A one-article file's record is the whole file: its fingerprint is
    // known already.
    let whole_file = from == 0 && span == (0..text.text.len());
    let fingerprint = whole_file.then_some(text.fingerprint);
    match id_from {
        Some(id_from) => {
            RecordPlace::new(from + span.start, bytes, fingerprint, article.line, id_from)
        }
        None => RecordPlace::default(),
    }
}

/// Numbers about an index, for `sitrep stats`.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// The index folder.
    pub index: String,
    /// Articles in the index.
    pub articles: u64,
    /// Articles with a publication date.
    pub dated: u64,
    /// Articles without one.
    pub undated: u64,
    /// Bytes on disk, all files of the folder.
    pub size_bytes: u64,
    /// Segments of the tantivy index.
    pub segments: usize,
    /// What built it.
    pub stamp: Stamp,
}

/// Computes [`Stats`] for an open index.
pub fn stats(open: &OpenIndex) -> Result<Stats> {
    let searcher = open.reader.searcher();
    let articles = searcher.num_docs();
    let dated = searcher.search(
        &tantivy::query::ExistsQuery::new("published".into(), false),
        &tantivy::collector::Count,
    )? as u64;
    let size_bytes = walkdir::WalkDir::new(&open.dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    Ok(Stats {
        index: open.dir.display().to_string(),
        articles,
        dated,
        undated: articles.saturating_sub(dated),
        size_bytes,
        segments: searcher.segment_readers().len(),
        stamp: open.stamp.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Candidate merges among segments of the given sizes, as sizes.
    fn merges(sizes: &[u32]) -> Vec<Vec<u32>> {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let metas: Vec<_> = sizes
            .iter()
            .map(|&n| index.new_segment_meta(tantivy::index::SegmentId::generate_random(), n))
            .collect();
        merge_policy()
            .compute_merge_candidates(&metas)
            .into_iter()
            .map(|candidate| {
                candidate
                    .0
                    .iter()
                    .filter_map(|id| metas.iter().find(|m| m.id() == *id))
                    .map(|m| m.max_doc())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn segments_a_build_flushes_are_never_merged() {
        assert!(merges(&[25_000; 20]).is_empty());
        assert!(merges(&[MERGE_MAX_DOCS as u32 + 1; 9]).is_empty());
    }

    #[test]
    fn small_segments_are_merged_eight_at_a_time() {
        let mut sizes = vec![25_000; 4];
        sizes.extend([5_000; 8]);
        let merges = merges(&sizes);
        assert_eq!(merges, vec![vec![5_000; 8]]);
    }
}
