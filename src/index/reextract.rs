//! Extracting the facets of every stored article again when only the
//! gazetteers changed: no need for the original files.

use std::path::Path;

use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::article;
use crate::error::Result;
use crate::gazetteer::Gazetteer;
use crate::index::schema::{ActorKinds, Fields, SchemaConfig};
use crate::index_schema::SchemaFiles;

use super::{
    merge_policy, open_tantivy, prepare_fresh, swap, Access, Siblings, Stamp, StampColumns,
    TANTIVY_DIR,
};

/// Rebuilds the index at `dir` from its own stored articles with new
/// gazetteers, and swaps it in. Returns the number of articles.
pub(crate) fn reextract(
    dir: &Path,
    siblings: &Siblings,
    files: &SchemaFiles,
    config: &SchemaConfig,
    gazetteer: &Gazetteer,
    stamp: &Stamp,
) -> Result<u64> {
    let old = open_tantivy(dir, &dir.join(TANTIVY_DIR), Access::Update)?;
    // Damaged stored articles must not be copied into a sound index.
    super::verify::check(dir, &old)?;
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
    let kinds = ActorKinds::of(gazetteer);
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
            let facets =
                gazetteer.extract(&article.title, &article.body, article.date.map(|d| d.year));
            writer.add_document(fields.document(&article, &facets, &path, stamp, &kinds))?;
            n += 1;
        }
    }
    // The files that lost an id to another are still to be read again.
    let mut prepared = writer.prepare_commit()?;
    if let Some(payload) = super::update::last_payload(&old) {
        prepared.set_payload(&payload);
    }
    prepared.commit()?;
    writer.wait_merging_threads()?;
    super::verify::record(&siblings.fresh, &fresh)?;
    drop(fresh);
    stamp.write(&siblings.fresh)?;
    swap(dir, siblings)?;
    Ok(n)
}

/// An article back from its stored fields, with the file it came from.
pub(crate) fn stored_article(
    doc: &TantivyDocument,
    f: &Fields,
) -> Option<(article::Article, String)> {
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
        },
        text(f.path).unwrap_or_default(),
    ))
}
