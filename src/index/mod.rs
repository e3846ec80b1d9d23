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

pub mod ids;
pub mod schema;
pub(crate) mod stored;
pub mod watch;

mod columns;
mod directory;
mod layout;
mod reextract;
mod stats;
mod update;
mod verify;

pub(crate) use columns::StampColumns;
pub(crate) use directory::{Access, IndexDirectory};
pub(crate) use layout::RunLock;
use layout::{
    merge_policy, prepare_fresh, recover_swap, swap, write_atomically, Siblings, SCHEMA_COPY,
    STAMP_FILE, TANTIVY_DIR,
};
pub use layout::{Stamp, FORMAT_VERSION};
pub use stats::{stats, SegmentInfo, Stats};
pub use update::update;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::analyzer::register_analyzer;
use crate::corpus::SkipReason;
use crate::error::{Error, Problem, Result, Severity};
use crate::gazetteer::table::{NameTable, Names, NAME_TABLE_FILE};
use crate::index::schema::{Fields, SchemaConfig};
use crate::index_schema::SchemaFiles;

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
///
/// An index being updated is never damaged for a reader, only moving: a
/// commit's garbage collection can delete a segment file between reading
/// `meta.json` and opening the file, a rebuild or a re-extraction swaps
/// the whole folder, and the files of an open are read one after the
/// other. So an open is trusted only when the folder and its top files are
/// the same ones before and after it (`Generation`); otherwise, or when
/// a file is missing, it is tried again, for up to half a second.
pub fn open(dir: &Path) -> Result<OpenIndex> {
    const ATTEMPTS: usize = 20;
    let mut attempt = 1;
    loop {
        let before = Generation::of(dir);
        // Opening reads segment files too: damage there is no crash either.
        let result = guard(dir, || open_once(dir));
        let moved = Generation::of(dir) != before;
        let retry = match &result {
            Ok(_) => moved,
            Err(err) => moved || is_moving(err),
        };
        if !retry || attempt >= ATTEMPTS {
            return result;
        }
        attempt += 1;
        drop(result);
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

/// Which folder and files an index path names at one moment: every
/// update replaces `meta.json` (a commit) or the folder (a swap) by a
/// rename, which gives a new inode and change time.
#[derive(Debug, PartialEq, Eq)]
struct Generation(Vec<Option<(u64, i64, i64)>>);

impl Generation {
    fn of(dir: &Path) -> Generation {
        let id = |path: &Path| std::fs::symlink_metadata(path).ok().map(|m| file_id(&m));
        let siblings = Siblings::of(dir).ok();
        let mut ids = vec![
            id(dir),
            id(&dir.join(STAMP_FILE)),
            id(&dir.join(NAME_TABLE_FILE)),
            id(&dir.join(TANTIVY_DIR).join("meta.json")),
        ];
        if let Some(s) = siblings {
            ids.push(id(&s.old));
        }
        Generation(ids)
    }
}

/// Whether `err`, met while opening, may come from an update or a swap
/// under way rather than from damage: a file or folder that is not there.
fn is_moving(err: &Error) -> bool {
    match err {
        // A first build in progress swaps its folder in any moment.
        Error::NoIndex(dir) => match (dir.parent(), dir.file_name()) {
            (Some(parent), Some(name)) => parent
                .join(format!(".{}.new", name.to_string_lossy()))
                .exists(),
            _ => false,
        },
        Error::Tantivy(inner) | Error::Damaged { source: inner, .. } => matches!(
            inner,
            tantivy::TantivyError::OpenReadError(
                tantivy::directory::error::OpenReadError::FileDoesNotExist(_)
            ) | tantivy::TantivyError::OpenDirectoryError(_)
        ),
        Error::RebuildNeeded { reason, .. } => reason.contains("No such file"),
        Error::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> (u64, i64, i64) {
    use std::os::unix::fs::MetadataExt;
    (m.ino(), m.ctime(), m.ctime_nsec())
}

#[cfg(not(unix))]
fn file_id(m: &std::fs::Metadata) -> (u64, i64, i64) {
    let modified = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    (
        m.len(),
        modified.as_secs() as i64,
        i64::from(modified.subsec_nanos()),
    )
}

fn open_once(dir: &Path) -> Result<OpenIndex> {
    // Between the two renames of a swap the index waits beside its folder.
    let waiting = Siblings::of(dir).map(|s| s.old).ok();
    let dir = match waiting {
        Some(old) if !dir.exists() && old.join(STAMP_FILE).is_file() => old,
        _ => dir.to_path_buf(),
    };
    let dir = dir.as_path();
    let tantivy_dir = dir.join(TANTIVY_DIR);
    if !dir.join(STAMP_FILE).is_file() {
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    // What `sitrep index` does about it too: a rebuild.
    if !tantivy_dir.is_dir() {
        return Err(Error::RebuildNeeded {
            path: dir.to_path_buf(),
            reason: format!("has no {TANTIVY_DIR}/ folder"),
        });
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
    let unreadable = |err: Error| {
        Error::RebuildNeeded {
        path: dir.to_path_buf(),
        reason: format!(
            "was built with schema version {}, whose copy of index-schema/ this sitrep cannot use ({})",
            stamp.schema_version,
            err.chain()
        ),
    }
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
    let mut index = open_tantivy(dir, &tantivy_dir, Access::Search)?;
    let segments = index
        .searchable_segment_metas()
        .map_err(|e| damaged(dir, e))?
        .len();
    let threads = search_threads(segments);
    if threads > 1 {
        // A panic on damaged bytes in a search thread reaches the caller,
        // which reports it (see `guard`). If the system refuses threads,
        // the search runs in the calling thread.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|n| format!("sitrep-search-{n}"))
            .start_handler(|_| crate::error::panics_reach_a_catcher())
            .build();
        if let Ok(pool) = pool {
            index.set_executor(tantivy::Executor::ThreadPool(std::sync::Arc::new(pool)));
        }
    }
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

/// How many threads search the segments of an index (at most one per
/// segment): `SITREP_SEARCH_THREADS` when set to a number, else one per
/// core. With one thread, the segments are searched in the calling thread.
pub const SEARCH_THREADS_ENV: &str = "SITREP_SEARCH_THREADS";

/// The number of threads that search `segments` segments.
fn search_threads(segments: usize) -> usize {
    let wanted = std::env::var(SEARCH_THREADS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    wanted.min(segments).max(1)
}

/// Runs `read`, which reads the segments of the index at `dir`, and
/// reports a panic inside it as damage (exit 2 and the way out), not a
/// crash: tantivy checks no checksum when it reads a segment, and some
/// damaged bytes (a flipped bit in a posting list, a term dictionary or a
/// column) make its decoders panic (index out of bounds, failed asserts)
/// instead of returning an error.
pub(crate) fn guard<T>(dir: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    crate::error::catch_panic(read).unwrap_or_else(|what| {
        Err(damaged(
            dir,
            tantivy::TantivyError::InternalError(format!("reading its segments failed: {what}")),
        ))
    })
}

fn damaged(dir: &Path, err: tantivy::TantivyError) -> Error {
    Error::Damaged {
        path: dir.to_path_buf(),
        source: err,
    }
}

fn open_tantivy(dir: &Path, tantivy_dir: &Path, access: Access) -> Result<Index> {
    let directory =
        IndexDirectory::open(tantivy_dir, access).map_err(|e| Error::RebuildNeeded {
            path: dir.to_path_buf(),
            reason: format!("cannot be opened ({e})"),
        })?;
    let index = Index::open(directory).map_err(|e| damaged(dir, e))?;
    check_deletions(dir, &index)?;
    register_analyzer(&index);
    Ok(index)
}

/// Checks the checksums of the segments' deletion bitsets: tantivy reads
/// them without, and one flipped bit would bring a removed article back
/// for good. They are small (a bit per article), unlike the other segment
/// files, whose checksums only a full read could check.
fn check_deletions(dir: &Path, index: &Index) -> Result<()> {
    use tantivy::index::SegmentComponent;
    let metas = index
        .searchable_segment_metas()
        .map_err(|e| damaged(dir, e))?;
    for meta in metas.iter().filter(|m| m.has_deletes()) {
        let path = meta.relative_path(SegmentComponent::Delete);
        let intact = index
            .directory()
            .validate_checksum(&path)
            .map_err(|e| damaged(dir, e.into()))?;
        if !intact {
            let corruption = tantivy::error::DataCorruption::new(path, "checksum mismatch".into());
            return Err(damaged(dir, corruption.into()));
        }
    }
    Ok(())
}

/// Set by [`interrupt`]; read between files by [`update`].
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Asks the [`update`] under way to stop (Ctrl-C): it stops before the
/// next file, drops what it had not committed (a fresh build's `.NAME.new`
/// folder with it), releases and removes its lock, and returns
/// [`Error::Interrupted`]. The index keeps its last commit.
pub fn interrupt() {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether [`interrupt`] was called.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// The source of the schema and gazetteers that the stamp of the index at
/// `dir` records, or `None` when there is no index there or its stamp
/// (from an earlier version) records none. Reads only.
pub fn recorded_schema(dir: &Path) -> Option<crate::index_schema::SchemaSource> {
    let stamp = Stamp::read(dir).ok()?;
    stamp
        .schema_source
        .as_deref()
        .map(crate::index_schema::SchemaSource::from_recorded)
}

/// The copy of the schema and gazetteers that the index at `dir` keeps.
pub fn schema_copy(dir: &Path) -> Result<SchemaFiles> {
    SchemaFiles::read_dir(&dir.join(SCHEMA_COPY))
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
    /// Which table columns hold the text, title, date and id; `None`
    /// keeps those the index was built with.
    pub columns: Option<crate::article::Columns>,
    /// Merge all segments into one after the update.
    pub optimize: bool,
    /// Look only at these files and folders under the PATHs (a watcher's
    /// changes) instead of walking all the PATHs; one that does not exist
    /// was removed, with everything indexed from under it. A rebuild
    /// still reads all the PATHs.
    pub only: Option<Vec<PathBuf>>,
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
    /// With [`IndexOptions::optimize`]: how many segments were merged into
    /// one, when there were several.
    pub merged: Option<usize>,
    /// Segment files read in full to check them against their checksums
    /// (those not checked before, see `index/verify.rs`).
    pub checked_files: u64,
    /// Their bytes.
    pub checked_bytes: u64,
    /// The time the check of the segment files took, reading their
    /// footers included.
    pub checking: Duration,
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
