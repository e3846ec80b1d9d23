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
    /// What built it.
    pub stamp: Stamp,
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
