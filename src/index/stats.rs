//! Numbers about an index, for `sitrep stats`.

use crate::fields::field;
use serde::Serialize;

use crate::error::Result;

use super::{OpenIndex, Stamp};

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
    /// Each segment, the largest first.
    pub segment_list: Vec<SegmentInfo>,
    /// What built it.
    pub stamp: Stamp,
}

/// One segment of the index: a part searched on its own, merged with
/// others as the index grows.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentInfo {
    /// Its id (tantivy's, the start of its files' names).
    pub id: String,
    /// Articles in it.
    pub articles: u32,
    /// Articles deleted from it, still taking space until a merge.
    pub deleted: u32,
    /// Bytes of its files on disk.
    pub size_bytes: u64,
}

/// Computes [`Stats`] for an open index.
pub fn stats(open: &OpenIndex) -> Result<Stats> {
    crate::index::guard(&open.dir, || stats_unguarded(open))
}

/// See [`stats`]; a panic inside tantivy is not caught here.
fn stats_unguarded(open: &OpenIndex) -> Result<Stats> {
    let searcher = open.reader.searcher();
    let articles = searcher.num_docs();
    let dated = searcher.search(
        &tantivy::query::ExistsQuery::new(field::PUBLISHED.into(), false),
        &tantivy::collector::Count,
    )? as u64;
    let size_bytes = walkdir::WalkDir::new(&open.dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    // Segment files are named after their segment's id.
    let mut file_sizes: Vec<(String, u64)> = Vec::new();
    let tantivy_dir = open.dir.join(super::TANTIVY_DIR);
    if let Ok(entries) = std::fs::read_dir(&tantivy_dir) {
        for entry in entries.flatten() {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            file_sizes.push((entry.file_name().to_string_lossy().into_owned(), size));
        }
    }
    let mut segment_list: Vec<SegmentInfo> = searcher
        .segment_readers()
        .iter()
        .map(|reader| {
            let id = reader.segment_id().uuid_string();
            let size_bytes = file_sizes
                .iter()
                .filter(|(name, _)| name.starts_with(&id))
                .map(|(_, size)| size)
                .sum();
            SegmentInfo {
                id,
                articles: reader.num_docs(),
                deleted: reader.num_deleted_docs(),
                size_bytes,
            }
        })
        .collect();
    segment_list.sort_by(|a, b| b.size_bytes.cmp(&a.size_bytes).then(a.id.cmp(&b.id)));
    Ok(Stats {
        index: open.dir.display().to_string(),
        articles,
        dated,
        undated: articles.saturating_sub(dated),
        size_bytes,
        segments: segment_list.len(),
        segment_list,
        stamp: open.stamp.clone(),
    })
}
