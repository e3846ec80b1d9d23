//! The article behind a hit, and `sitrep show`: read from the index's doc
//! store, so a hit always shows what was indexed, however its file has
//! changed since.
//!
//! The store keeps articles zstd-compressed in blocks of 32 KiB, so reading
//! one decompresses a few articles, not a megabyte (see
//! `index::layout::index_settings`). An earlier design read each hit back
//! from its own file when the file looked unchanged; measured against this
//! one it saved no time and needed five bookkeeping columns.

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::article::Card;
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
