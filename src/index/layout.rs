//! The index folder on disk: the stamp saying what built it, the sibling
//! folders of a rebuild and their swap, the run lock, and the tantivy
//! settings of a fresh index.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;

use crate::analyzer::register_analyzer;
use crate::error::{Error, Result};
use crate::index::schema::SchemaConfig;
use crate::index::{Access, IndexDirectory};
use crate::index_schema::SchemaFiles;

/// The on-disk layout version of a sitrep index folder.
pub const FORMAT_VERSION: u32 = 2;

pub(crate) const STAMP_FILE: &str = "sitrep.json";
pub(crate) const SCHEMA_COPY: &str = "index-schema";
pub(crate) const TANTIVY_DIR: &str = "tantivy";

/// What built an index (`sitrep.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// [`crate::FORMAT_VERSION`] of the sitrep that wrote it.
    pub format: u32,
    /// The sitrep release that wrote it last.
    pub sitrep_version: String,
    /// `version` of `schema.toml`.
    pub schema_version: u32,
    /// Fingerprint of the parsed schema.
    pub schema_digest: String,
    /// Fingerprint of the gazetteer files.
    pub gazetteer_digest: String,
    /// Where the schema and gazetteers came from: `built-in`, or the
    /// folder's absolute path. A later run given no schema uses the same
    /// source again, so an edited gazetteer is never silently reverted.
    /// Absent in stamps of earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_source: Option<String>,
    /// The folders article ids are relative to (see `index/ids.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_roots: Vec<super::ids::IdRoot>,
    /// The table columns given with `--columns` (as written back by
    /// [`crate::Columns`]), which later runs use when given none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<String>,
}

impl Stamp {
    pub(crate) fn of(config: &SchemaConfig, files: &SchemaFiles) -> Stamp {
        Stamp {
            format: FORMAT_VERSION,
            sitrep_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: config.version,
            schema_digest: config.digest(),
            gazetteer_digest: files.digest("gazetteers/"),
            schema_source: Some(files.source.recorded()),
            id_roots: Vec::new(),
            columns: None,
        }
    }

    pub(crate) fn read(dir: &Path) -> Result<Stamp> {
        let path = dir.join(STAMP_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::RebuildNeeded {
            path: dir.to_path_buf(),
            reason: format!("has an unreadable {STAMP_FILE} ({e})"),
        })
    }

    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(STAMP_FILE);
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        write_atomically(&path, text.as_bytes())
    }
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// The folders beside an index: where a fresh build is made, where the
/// old index waits during the swap, and the lock file of update runs.
pub(crate) struct Siblings {
    pub(crate) fresh: PathBuf,
    pub(crate) old: PathBuf,
    pub(crate) lock: PathBuf,
}

impl Siblings {
    pub(crate) fn of(dir: &Path) -> Result<Siblings> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sitrep-index".into());
        // Only names: searches must create nothing (`update` creates the
        // parent folder before it takes the lock).
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Siblings {
            fresh: parent.join(format!(".{name}.new")),
            old: parent.join(format!(".{name}.old")),
            lock: parent.join(format!(".{name}.lock")),
        })
    }
}

/// Holds the lock that lets one `sitrep index` at a time update an index;
/// the operating system releases it when the process ends, however it ends.
/// A run that ends normally (or is interrupted) removes the lock file.
pub(crate) struct RunLock {
    file: std::fs::File,
    path: PathBuf,
}

impl RunLock {
    pub(crate) fn acquire(dir: &Path, lock: &Path) -> Result<RunLock> {
        loop {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(lock)
                .map_err(|e| Error::io(lock, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Locked(dir.to_path_buf()))
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(lock, e)),
            }
            // The run before may have removed the file between our open
            // and our lock: then the lock is on a file nobody else sees.
            if same_file(&file, lock) {
                return Ok(RunLock {
                    file,
                    path: lock.to_path_buf(),
                });
            }
        }
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while still held, so the next run locks a new file.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether the open `file` is the one at `path` now.
#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

/// Clears what an interrupted run left beside the index, under the run
/// lock: an index whose swap stopped between its two renames is put back;
/// with the index in place, a `.old` folder (whole or half deleted) and a
/// `.new` folder (a build that never finished) are debris, as are the
/// temporary files of sitrep's own atomic writes.
pub(crate) fn recover_swap(dir: &Path, siblings: &Siblings) -> Result<()> {
    if !dir.exists() && siblings.old.join(STAMP_FILE).is_file() {
        std::fs::rename(&siblings.old, dir).map_err(|e| Error::io(dir, e))?;
    }
    // A first build is complete once its stamp is written, its last step.
    if !dir.exists() && siblings.fresh.join(STAMP_FILE).is_file() {
        std::fs::rename(&siblings.fresh, dir).map_err(|e| Error::io(dir, e))?;
    }
    for debris in [&siblings.old, &siblings.fresh] {
        if debris.symlink_metadata().is_ok() && (dir.exists() || debris == &siblings.fresh) {
            remove_debris(debris)?;
        }
    }
    for file in [
        STAMP_FILE,
        crate::gazetteer::table::NAME_TABLE_FILE,
        super::verify::CHECKED_FILE,
    ] {
        let tmp = dir.join(file).with_extension("tmp");
        if tmp.is_file() {
            std::fs::remove_file(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
    }
    Ok(())
}

fn remove_debris(path: &Path) -> Result<()> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Creates an empty index in the sibling `.new` folder, with a copy of
/// `files`, after clearing any debris of an interrupted run there.
pub(crate) fn prepare_fresh(
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
    let directory = IndexDirectory::open(&tantivy_dir, Access::Update)
        .map_err(|e| Error::io(&tantivy_dir, std::io::Error::other(e.to_string())))?;
    let index = Index::create(directory, config.build(), index_settings())?;
    register_analyzer(&index);
    Ok(index)
}

/// The bytes of articles compressed together in the doc store.
pub(crate) const DOCSTORE_BLOCK: usize = 32 * 1024;

/// The zstd level of the doc store.
pub(crate) const DOCSTORE_ZSTD_LEVEL: i32 = 3;

/// How a fresh index keeps its stored fields.
///
/// The stored title and body are most of an index: with tantivy's default
/// (lz4 on 16 KiB blocks) the doc store alone is 0.77 of the input; zstd
/// level 3 keeps it in 0.48 on 32 KiB blocks (0.40 on 1 MiB blocks). Every
/// hit on a page is read from the store, and each read decompresses one
/// block (about a million instructions for 64 KiB). Measured at 100,000
/// articles: 1 MiB blocks made a search about twice as slow, 128, 64 and
/// 32 KiB blocks each faster than the one before; 32 KiB searched faster
/// than reading each hit back from its own file had (13.2 against 15.3
/// ms for a common word), for 10% more index.
pub(crate) fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK,
        ..Default::default()
    }
}

/// How many segments of one size class are merged together.
pub(crate) const MERGE_FAN_IN: usize = 8;

/// A segment of which more than this share is deleted is rewritten, alone
/// if need be, so that a corpus edited over years does not keep searching
/// (and storing) articles that are gone.
const MERGE_DELETED_RATIO: f32 = 0.5;

/// Which segments the writers merge: a log-structured policy, so that the
/// segment count grows with the logarithm of the corpus.
///
/// Segments are grouped in size classes (sizes within a factor of 1.7 of
/// each other; everything under 10,000 articles is one class), and eight
/// segments of one class are merged into one of the next. A build at the
/// default `--memory` flushes segments of some 25,000 articles: 2,000,000
/// articles end as about seven segments (one of 1,600,000, two of 200,000
/// and the last flushed ones) instead of 80, never more than seven per
/// class, and each article is
/// merged about `log8(N / 25,000)` times, in background threads while the
/// build goes on. Incremental runs add one small segment each, merged eight at a time
/// with the others of their class.
///
/// Merging reads segments through memory maps: their pages count in the
/// resident size of the process while a merge runs, but they are page
/// cache the kernel reclaims; the heap a merge adds is small (bench/RESULTS.md).
pub(crate) fn merge_policy() -> Box<dyn tantivy::indexer::MergePolicy> {
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_min_num_segments(MERGE_FAN_IN);
    policy.set_max_docs_before_merge(usize::MAX);
    policy.set_del_docs_ratio_before_merge(MERGE_DELETED_RATIO);
    Box::new(policy)
}

/// Swaps the complete `.new` folder in: old → `.old`, new → the index
/// folder, then drops `.old`. An interruption between the two renames is
/// undone by [`recover_swap`] on the next run.
pub(crate) fn swap(dir: &Path, siblings: &Siblings) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Candidate merges among segments of the given sizes, as sizes.
    pub(crate) fn merges(sizes: &[u32]) -> Vec<Vec<u32>> {
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

    /// The segments left after flushing `flushes` segments of `size`
    /// articles one by one, merging whatever the policy asks for.
    fn after_flushes(flushes: usize, size: u32) -> Vec<u32> {
        let mut segments = Vec::new();
        for _ in 0..flushes {
            segments.push(size);
            loop {
                let candidates = merges(&segments);
                let Some(merge) = candidates.first() else {
                    break;
                };
                for size in merge {
                    let at = segments
                        .iter()
                        .position(|s| s == size)
                        .expect("merged segment exists");
                    segments.swap_remove(at);
                }
                segments.push(merge.iter().sum());
            }
        }
        segments.sort_unstable_by(|a, b| b.cmp(a));
        segments
    }

    #[test]
    fn eight_segments_of_a_size_class_are_merged_into_one() {
        assert_eq!(merges(&[25_000; 7]), Vec::<Vec<u32>>::new());
        assert_eq!(merges(&[25_000; 8]), vec![vec![25_000; 8]]);
        let mut sizes = vec![200_000; 3];
        sizes.extend([5_000; 8]);
        assert_eq!(merges(&sizes), vec![vec![5_000; 8]]);
    }

    #[test]
    fn the_segment_count_grows_with_the_logarithm_of_the_corpus() {
        let counts: Vec<usize> = [10, 100, 1_000]
            .iter()
            .map(|&flushes| after_flushes(flushes, 12_000).len())
            .collect();
        // Ten times the articles adds at most one size class of at most
        // seven segments, where flushed segments would add 90 and 900.
        assert!(counts.iter().all(|&n| n <= 7 * 4), "{counts:?}");
        assert!(counts[2] <= counts[0] + 14, "{counts:?}");
        assert_eq!(after_flushes(1_000, 12_000).iter().sum::<u32>(), 12_000_000);
    }

    #[test]
    fn a_segment_mostly_deleted_is_rewritten_alone() {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let meta = index
            .new_segment_meta(tantivy::index::SegmentId::generate_random(), 100_000)
            .with_delete_meta(60_000, 1);
        assert_eq!(merge_policy().compute_merge_candidates(&[meta]).len(), 1);
    }
}
