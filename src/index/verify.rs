//! Checking tantivy's segment files against their checksums before an
//! update builds on them, and remembering which files were checked.
//!
//! tantivy ends every segment file with a CRC32 of its bytes but checks
//! it on no read: flipped bytes read as wrong answers, an error or a
//! panic, and an update that merges the segment would write the damage
//! into a new segment with a good checksum, where nothing finds it again.
//! So `sitrep index` checks the segment files before it writes, and stops
//! with the damaged files named and the way out (`--rebuild`).
//!
//! Reading every byte of a large index at every run costs much more than
//! an incremental run itself when the index is not in the page cache
//! (bench/RESULTS.md), so a file is read in full once. The index folder
//! keeps [`CHECKED_FILE`]: one line per checked file with its size,
//! modification and change times, inode and the checksum its footer
//! holds. A file listed with the same values (a `stat` and the footer's
//! last bytes) is not read again; a write to it, a copy of the index, or
//! another footer makes it checked again. The files an update writes
//! itself are listed without being read. The list opens with a line
//! holding its body's length and fingerprint: a damaged or cut list is
//! not used, and every file is read again.
//!
//! Not caught: bytes that change on the disk without any write (bit rot)
//! after a file was checked. Deleting [`CHECKED_FILE`] makes the next
//! `sitrep index` read every file again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::directory::footer::Footer;
use tantivy::directory::{Directory, MmapDirectory};
use tantivy::index::SegmentComponent;
use tantivy::Index;

use crate::error::{Error, Result};

use super::layout::write_atomically;
use super::TANTIVY_DIR;

/// The list of checked segment files, in the index folder.
pub(crate) const CHECKED_FILE: &str = "checked-segments.tsv";

const HEADER: &str = "sitrep checked segments 1";

/// What a check of the segment files read.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Checked {
    /// Files read in full.
    pub(crate) files: u64,
    /// Their bytes.
    pub(crate) bytes: u64,
    /// The time it took, listing the files included.
    pub(crate) elapsed: Duration,
}

/// The files of the committed segments of `index`, relative to its
/// tantivy folder.
fn segment_files(index: &Index) -> tantivy::Result<Vec<PathBuf>> {
    use SegmentComponent::{FastFields, FieldNorms, Positions, Postings, Store, Terms};
    let mut files = Vec::new();
    for meta in index.searchable_segment_metas()? {
        for component in [Postings, Positions, Terms, FastFields, FieldNorms, Store] {
            files.push(meta.relative_path(component));
        }
        if meta.delete_opstamp().is_some() {
            files.push(meta.relative_path(SegmentComponent::Delete));
        }
    }
    files.sort();
    Ok(files)
}

/// The tantivy folder of the index at `dir`, read as it is on disk.
fn raw_directory(dir: &Path) -> Result<MmapDirectory> {
    let tantivy_dir = dir.join(TANTIVY_DIR);
    MmapDirectory::open(&tantivy_dir)
        .map_err(|e| Error::io(&tantivy_dir, std::io::Error::other(e.to_string())))
}

/// A file as it is on disk now: size, times, inode and its footer's
/// checksum, as one line of [`CHECKED_FILE`] after the name. `None` for a
/// file that is not there (tantivy writes no empty component); an error
/// naming what is wrong when its footer cannot be read.
fn identity(
    raw: &MmapDirectory,
    tantivy_dir: &Path,
    name: &Path,
) -> Result<Option<String>, String> {
    let meta = match std::fs::symlink_metadata(tantivy_dir.join(name)) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    // The file with its footer: tantivy's managed directory cuts it off.
    let slice = raw.open_read(name).map_err(|e| e.to_string())?;
    let (footer, _) = Footer::extract_footer(slice).map_err(|e| e.to_string())?;
    Ok(Some(format!("{}\t{}", stat_line(&meta), footer.crc)))
}

#[cfg(unix)]
fn stat_line(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!(
        "{}\t{}.{:09}\t{}.{:09}\t{}:{}",
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec(),
        meta.dev(),
        meta.ino()
    )
}

#[cfg(not(unix))]
fn stat_line(meta: &std::fs::Metadata) -> String {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    format!("{}\t{}", meta.len(), modified.as_nanos())
}

/// The files [`CHECKED_FILE`] lists, with their identities; empty when it
/// is missing, damaged or cut short.
fn read_list(dir: &Path) -> HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(dir.join(CHECKED_FILE)) else {
        return HashMap::new();
    };
    let Some((header, body)) = text.split_once('\n') else {
        return HashMap::new();
    };
    if header != header_line(body.as_bytes()) {
        return HashMap::new();
    }
    body.lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(name, identity)| (name.to_owned(), identity.to_owned()))
        .collect()
}

fn header_line(body: &[u8]) -> String {
    format!(
        "{HEADER} {} {:016x}",
        body.len(),
        crate::corpus::fingerprint(body)
    )
}

/// Writes the list of checked files. A list that cannot be written (a
/// full disk) is no error: it only spares reading files again, and the
/// next run reads the files it does not list.
fn write_list(dir: &Path, list: &HashMap<String, String>) {
    let mut lines: Vec<String> = list
        .iter()
        .map(|(name, identity)| format!("{name}\t{identity}\n"))
        .collect();
    lines.sort();
    let body = lines.concat();
    let text = format!("{}\n{body}", header_line(body.as_bytes()));
    let path = dir.join(CHECKED_FILE);
    if write_atomically(&path, text.as_bytes()).is_err() {
        // Not the old list either: it may list a file this run changed.
        let _ = std::fs::remove_file(&path);
    }
}

/// Checks the segment files of `index` (the tantivy index of the index
/// folder `dir`) that [`CHECKED_FILE`] does not list as they are now,
/// reading each in full, and lists them. Damage is an error naming the
/// damaged files and saying to run `--rebuild`.
pub(crate) fn check(dir: &Path, index: &Index) -> Result<Checked> {
    let started = Instant::now();
    let tantivy_dir = dir.join(TANTIVY_DIR);
    let listed = read_list(dir);
    let mut checked = Checked::default();
    let mut list = HashMap::new();
    let mut damaged = Vec::new();
    let files = segment_files(index).map_err(|e| super::damaged(dir, e))?;
    let raw = raw_directory(dir)?;
    for name in files {
        let key = name.to_string_lossy().into_owned();
        let identity = match identity(&raw, &tantivy_dir, &name) {
            Ok(Some(identity)) => identity,
            Ok(None) => continue,
            Err(reason) => {
                damaged.push(format!("{key} (its footer: {reason})"));
                continue;
            }
        };
        if listed.get(&key) != Some(&identity) {
            let sound = index
                .directory()
                .validate_checksum(&name)
                .map_err(|e| Error::io(tantivy_dir.join(&name), std::io::Error::other(e)))?;
            if !sound {
                damaged.push(key);
                continue;
            }
            checked.files += 1;
            checked.bytes += identity
                .split('\t')
                .next()
                .and_then(|size| size.parse::<u64>().ok())
                .unwrap_or(0);
        }
        list.insert(key, identity);
    }
    if !damaged.is_empty() {
        return Err(Error::DamagedSegments {
            path: dir.to_path_buf(),
            files: damaged,
        });
    }
    if list != listed {
        write_list(dir, &list);
    }
    checked.elapsed = started.elapsed();
    Ok(checked)
}

/// Lists every segment file of the index at `dir` as checked, after an
/// update that held the run lock: the files listed before it were checked
/// by [`check`], the others this run wrote.
pub(crate) fn record(dir: &Path, index: &Index) -> Result<()> {
    let tantivy_dir = dir.join(TANTIVY_DIR);
    let mut list = HashMap::new();
    let files = segment_files(index).map_err(|e| super::damaged(dir, e))?;
    let raw = raw_directory(dir)?;
    for name in files {
        // A footer that cannot be read now is left for the next check.
        if let Ok(Some(identity)) = identity(&raw, &tantivy_dir, &name) {
            list.insert(name.to_string_lossy().into_owned(), identity);
        }
    }
    if list != read_list(dir) {
        write_list(dir, &list);
    }
    Ok(())
}
