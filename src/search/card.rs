//! The article behind a hit, and `sitrep show`: read from the index's doc
//! store, so a hit always shows what was indexed, however its file has
//! changed since.
//!
//! The store keeps articles zstd-compressed in blocks of 32 KiB, so reading
//! one decompresses a few articles, not a megabyte (see
//! `index::layout::index_settings`). An earlier design read each hit back
//! from its own file when the file looked unchanged; measured against this
//! one it saved no time and needed five bookkeeping columns.

use std::path::Path;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::article::Card;
use crate::corpus::file_key;
use crate::error::{Error, Result};
use crate::index::schema::{self, Fields};
use crate::index::OpenIndex;

/// The cards of the articles at `addresses`, in that order.
pub(crate) fn cards(
    searcher: &Searcher,
    fields: &Fields,
    addresses: &[DocAddress],
) -> Result<Vec<Card>> {
    addresses
        .iter()
        .map(|&address| {
            let doc: TantivyDocument = searcher.doc(address)?;
            Ok(stored_card(&doc, fields))
        })
        .collect()
}

/// The article with id `id` as it was indexed.
pub fn show(open: &OpenIndex, id: &str) -> Result<Card> {
    crate::index::guard(&open.dir, || show_unguarded(open, id))
}

/// See [`show`]; a panic inside tantivy is not caught here.
fn show_unguarded(open: &OpenIndex, id: &str) -> Result<Card> {
    let searcher = open.reader.searcher();
    let query = TermQuery::new(
        Term::from_field_text(open.fields.id, id),
        IndexRecordOption::Basic,
    );
    let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    let Some(&(_, address)) = top.first() else {
        return Err(Error::NoSuchArticle(id.to_owned()));
    };
    let doc: TantivyDocument = searcher.doc(address)?;
    Ok(stored_card(&doc, &open.fields))
}

/// What `sitrep show` found for what the user typed.
#[derive(Debug)]
pub enum Found {
    /// One article.
    Article(Box<Card>),
    /// A file that holds several articles: their ids, sorted.
    Several(Vec<String>),
}

/// Finds an article by its id, by the path of its file (as the text output
/// prints it: relative to `base`, the current folder, or absolute), or by
/// `file#id` for a record of a JSON Lines or JSON file. A file of several
/// articles gives their locations.
pub fn find(open: &OpenIndex, what: &str, base: Option<&Path>) -> Result<Found> {
    crate::index::guard(&open.dir, || find_unguarded(open, what, base))
}

fn find_unguarded(open: &OpenIndex, what: &str, base: Option<&Path>) -> Result<Found> {
    match show_unguarded(open, what) {
        Err(Error::NoSuchArticle(_)) => {}
        other => return other.map(|card| Found::Article(Box::new(card))),
    }
    let searcher = open.reader.searcher();
    let in_file = |path: &str| -> Result<Vec<Card>> {
        let absolute = match base {
            Some(base) => base.join(path),
            None => Path::new(path).to_path_buf(),
        };
        let mut keys = vec![file_key(&absolute)];
        // Keys of folders given through a link are the link's target.
        if let Ok(real) = std::fs::canonicalize(&absolute) {
            keys.push(real.to_string_lossy().into_owned());
        }
        keys.dedup();
        let mut cards = Vec::new();
        for key in keys {
            let query = TermQuery::new(
                Term::from_field_text(open.fields.path, &key),
                IndexRecordOption::Basic,
            );
            let mut addresses: Vec<DocAddress> = searcher
                .search(&query, &DocSetCollector)?
                .into_iter()
                .collect();
            addresses.sort();
            cards.extend(self::cards(&searcher, &open.fields, &addresses)?);
        }
        Ok(cards)
    };
    let mut cards = in_file(what)?;
    if cards.len() == 1 {
        if let Some(card) = cards.pop() {
            return Ok(Found::Article(Box::new(card)));
        }
    }
    if !cards.is_empty() {
        // Sorted: the articles of one file may lie in several segments.
        let mut ids: Vec<String> = cards.into_iter().map(|c| c.id).collect();
        ids.sort();
        return Ok(Found::Several(ids));
    }
    // `file#record`: the file's path may hold a `#` itself.
    for (at, _) in what.rmatch_indices('#') {
        let (Some(path), Some(record)) = (what.get(..at), what.get(at + 1..)) else {
            continue;
        };
        if path.is_empty() || record.is_empty() {
            continue;
        }
        if let Some(card) = in_file(path)?
            .into_iter()
            .find(|c| c.record() == Some(record) || c.id == record)
        {
            return Ok(Found::Article(Box::new(card)));
        }
    }
    Err(Error::NoSuchArticle(what.to_owned()))
}

/// The card of a document from the doc store: stored facets keep the
/// order of first mention.
fn stored_card(doc: &TantivyDocument, f: &Fields) -> Card {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    Card {
        id: text(f.id).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        body: text(f.body).unwrap_or_default(),
        date: text(f.date),
        provinces: schema::facet_values(doc, f.province),
        actors: schema::facet_values(doc, f.actor),
        actor_kinds: kinds_of(&schema::facet_values(doc, f.actor_kind)),
        mentioned_provinces: schema::facet_values(doc, f.mentioned_province),
        mentioned_actors: schema::facet_values(doc, f.mentioned_actor),
        path: text(f.path).unwrap_or_default(),
        source: text(f.source),
        url: text(f.url),
    }
}

/// The kinds of stored `actor_kind` values (`kind/Actor path`), each
/// once, in order.
fn kinds_of(values: &[String]) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    for value in values {
        let kind = value.split('/').next().unwrap_or(value);
        if !kind.is_empty() && !kinds.iter().any(|k| k == kind) {
            kinds.push(kind.to_owned());
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{self, IndexOptions};
    use crate::index_schema::SchemaFiles;
    use std::path::Path;

    const BODY: &str = "Gunmen of the Islamic State attacked a checkpoint near Mosul, \
                        and Peshmerga forces answered; later the Iraqi army \
                        reinforced Tikrit in Salahuddin.";

    fn build(root: &Path, index_dir: &Path) {
        let files =
            SchemaFiles::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema"))
                .unwrap();
        let options = IndexOptions {
            index_dir: index_dir.to_path_buf(),
            rebuild: true,
            memory_bytes: 32_000_000,
            count_files: false,
            columns: None,
            optimize: false,
            only: None,
        };
        index::update(&[root.to_path_buf()], &options, &files, &mut |_| {}).unwrap();
    }

    #[test]
    fn a_card_shows_what_was_indexed_even_after_its_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("iraq")).unwrap();
        let file = root.join("iraq/2021-03-04-mosul.txt");
        std::fs::write(
            &file,
            format!("source: Wire\n\nCheckpoint attacked near Mosul\n{BODY}\n"),
        )
        .unwrap();
        build(&root, &dir.path().join("index"));
        // Same size, other words: nothing of the new text may show.
        std::fs::write(
            &file,
            format!("source: Wire\n\nCheckpoint attacked near MOSUL\n{BODY}\n"),
        )
        .unwrap();
        let open = index::open(&dir.path().join("index")).unwrap();
        let card = show(&open, "iraq/2021-03-04-mosul.txt").unwrap();
        assert_eq!(card.title, "Checkpoint attacked near Mosul");
        assert_eq!(card.source.as_deref(), Some("Wire"));
        assert_eq!(card.date.as_deref(), Some("2021-03-04"));
        // Facets in order of first mention, not sorted.
        assert_eq!(
            card.provinces.first().map(String::as_str),
            Some("Iraq/Nineveh")
        );
        assert_eq!(
            card.actors.first().map(String::as_str),
            Some("Islamic State")
        );
        let searcher = open.reader.searcher();
        let all = cards(&searcher, &open.fields, &[DocAddress::new(0, 0)]).unwrap();
        assert_eq!(all, vec![card]);
        assert!(matches!(
            show(&open, "no/such.txt"),
            Err(Error::NoSuchArticle(_))
        ));
    }
}
