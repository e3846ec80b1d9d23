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

pub mod schema;
pub mod watch;

mod columns;
mod layout;
mod reextract;
mod stats;
mod update;

pub(crate) use columns::StampColumns;
use layout::{
    merge_policy, prepare_fresh, recover_swap, swap, write_atomically, RunLock, Siblings,
    SCHEMA_COPY, STAMP_FILE, TANTIVY_DIR,
};
pub use layout::{Stamp, FORMAT_VERSION};
pub use stats::{stats, Stats};
pub use update::update;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tantivy::directory::MmapDirectory;
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
/// `meta.json` and opening the file, and a rebuild swaps the whole folder.
/// A missing file is therefore tried again, a few times over half a second,
/// before it is reported.
pub fn open(dir: &Path) -> Result<OpenIndex> {
    const ATTEMPTS: usize = 20;
    let mut attempt = 1;
    loop {
        match open_once(dir) {
            Err(err) if attempt < ATTEMPTS && is_moving(&err) => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            result => return result,
        }
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
    let unreadable = |err: Error| Error::RebuildNeeded {
        path: dir.to_path_buf(),
        reason: format!(
            "has a copy of index-schema/ this sitrep cannot use ({})",
            err.chain()
        ),
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
    Error::Damaged {
        path: dir.to_path_buf(),
        source: err,
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
