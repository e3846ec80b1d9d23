//! ⑥ Search, continued: the article behind a hit.
//!
//! The doc store keeps every article, compressed by blocks of a megabyte:
//! reading one hit from it means decompressing a whole block, which was
//! most of a search's time when the page has ten hits. So a hit is read
//! back from its own file when the file is as the index saw it: same size,
//! same modification time, and the record's bytes (a few kilobytes, found
//! through the `record` column) match the fingerprint in `record_hash`.
//! The record is then parsed again by the parser that indexed it, and the
//! provinces and actors come from the facet columns, put back in order of
//! first mention by `facet_order`. Anything else (a changed, moved or
//! unreadable file, a record that cannot be read alone) falls back to the
//! doc store, so a hit always shows what was indexed.

use crate::fields::field;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use tantivy::columnar::{Column, Dictionary, StrColumn};
use tantivy::fastfield::FacetReader;
use tantivy::schema::Value;
use tantivy::{DocAddress, DocId, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument};

use crate::article;
use crate::article::Card;
use crate::corpus::{self, Format, SourceFile};
use crate::error::{Error, Result};
use crate::index::schema::{self, Fields, FileStamp};
use crate::index::OpenIndex;
use crate::index::StampColumns;
use crate::search::tables::facet_of_key;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

/// Where each card came from, for tests and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Read back from the article's file.
    File,
    /// Read from the index's doc store.
    DocStore,
}

/// Reads the cards of hits.
pub struct Cards<'a> {
    searcher: &'a Searcher,
    fields: Fields,
}

impl<'a> Cards<'a> {
    /// Cards from the index behind `searcher`.
    pub fn new(searcher: &'a Searcher, fields: Fields) -> Cards<'a> {
        Cards { searcher, fields }
    }

    /// The cards of the articles at `addresses`, in that order, and where
    /// each was read.
    pub fn cards(&self, addresses: &[DocAddress]) -> Result<Vec<(Card, Origin)>> {
        let mut by_segment: HashMap<SegmentOrdinal, Vec<DocId>> = HashMap::new();
        for address in addresses {
            by_segment
                .entry(address.segment_ord)
                .or_default()
                .push(address.doc_id);
        }
        let mut from_files: HashMap<DocAddress, Card> = HashMap::new();
        for (&segment_ord, docs) in &by_segment {
            let segment = self.searcher.segment_reader(segment_ord);
            let Some(columns) = RecordColumns::open(segment) else {
                continue;
            };
            let Some(names) = columns.names(docs) else {
                continue;
            };
            for &doc in docs {
                if let Some(card) = columns.card(doc, &names) {
                    from_files.insert(DocAddress::new(segment_ord, doc), card);
                }
            }
        }
        addresses
            .iter()
            .map(|address| match from_files.remove(address) {
                Some(card) => Ok((card, Origin::File)),
                None => {
                    let doc: TantivyDocument = self.searcher.doc(*address)?;
                    Ok((stored_card(&doc, &self.fields), Origin::DocStore))
                }
            })
            .collect()
    }
}

/// The article with id `id` as it was indexed (from the doc store, never
/// from its file, which may have changed since).
pub fn show(open: &OpenIndex, id: &str) -> Result<Card> {
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

/// The card of a document from the doc store.
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
        path: text(f.path).unwrap_or_default(),
        source: text(f.source),
        url: text(f.url),
    }
}

/// The columns of one segment that locate and check a record.
struct RecordColumns {
    path: StrColumn,
    stamps: StampColumns,
    facet_order: Column<u64>,
    provinces: FacetReader,
    actors: FacetReader,
}

impl RecordColumns {
    /// The columns, or `None` when the schema keeps one of them out of
    /// the columns (every hit then comes from the doc store).
    fn open(segment: &SegmentReader) -> Option<RecordColumns> {
        let fast = segment.fast_fields();
        Some(RecordColumns {
            path: fast.str(field::PATH).ok()??,
            stamps: StampColumns::open(segment).ok()?,
            facet_order: fast.u64(field::FACET_ORDER).ok()?,
            provinces: segment.facet_reader(field::PROVINCE).ok()?,
            actors: segment.facet_reader(field::ACTOR).ok()?,
        })
    }

    /// The paths and facets of `docs`, looked up together: each lookup in
    /// a column's dictionary decompresses a block (with a new zstd
    /// context), so values sharing a block share the work.
    fn names(&self, docs: &[DocId]) -> Option<Names> {
        fn ords<'r>(reader: &'r FacetReader, docs: &'r [DocId]) -> impl Iterator<Item = u64> + 'r {
            docs.iter().flat_map(move |&d| reader.facet_ords(d))
        }
        Some(Names {
            paths: terms_of(
                self.path.dictionary(),
                docs.iter().filter_map(|&d| self.path.ords().first(d)),
            )?,
            provinces: terms_of(self.provinces.facet_dict(), ords(&self.provinces, docs))?,
            actors: terms_of(self.actors.facet_dict(), ords(&self.actors, docs))?,
        })
    }

    /// The card of `doc` read back from its file, if the file is as it was.
    fn card(&self, doc: DocId, names: &Names) -> Option<Card> {
        let place = self.stamps.place(doc);
        let (offset, len) = place.range()?;
        let path = std::str::from_utf8(names.paths.get(&self.path.ords().first(doc)?)?)
            .ok()?
            .to_owned();
        let FileStamp { size, mtime, .. } = self.stamps.of(doc);
        let bytes = read_unchanged(&path, size, mtime, offset, len)?;
        if schema::record_hash(&bytes) != place.hash {
            return None;
        }
        let record = String::from_utf8(bytes).ok()?;
        let file = SourceFile {
            rel_path: path.get(usize::try_from(place.id_from).ok()?..)?.to_owned(),
            format: Format::of(path.as_ref())?,
            path: PathBuf::from(&path),
            size,
            mtime,
        };
        let line = usize::try_from(place.line).ok().filter(|&l| l > 0);
        let mut articles = article::parse_record(&file, &record, line).articles;
        let article = articles.pop().filter(|_| articles.is_empty())?;
        let order = self.facet_order.first(doc)?;
        let (provinces, actors) = schema::in_mention_order(
            &facet_paths(&self.provinces, &names.provinces, doc)?,
            &facet_paths(&self.actors, &names.actors, doc)?,
            order,
        )?;
        Some(Card {
            id: article.id,
            title: article.title,
            body: article.body,
            date: article.date.map(|d| d.to_string()),
            provinces,
            actors,
            path,
            source: article.source,
            url: article.url,
        })
    }
}

/// `len` bytes at `offset` of the file at `path`, if it still has the
/// size and modification time the index recorded.
fn read_unchanged(path: &str, size: u64, mtime: u64, offset: u64, len: u64) -> Option<Vec<u8>> {
    let mut file = File::open(path).ok()?;
    // The stamp of the open file, so that it cannot change in between.
    let meta = file.metadata().ok()?;
    if mtime == 0 || meta.len() != size || corpus::mtime_nanos(&meta) != mtime {
        return None;
    }
    if offset.checked_add(len)? > size {
        return None;
    }
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut bytes = vec![0; usize::try_from(len).ok()?];
    file.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

/// Terms of a column's dictionary, by ordinal.
type Terms = HashMap<u64, Vec<u8>>;

/// The looked-up values of a segment's hits.
struct Names {
    paths: Terms,
    provinces: Terms,
    actors: Terms,
}

/// The terms of `ords` (in any order, repeated or not) in `dict`.
fn terms_of(dict: &Dictionary, ords: impl Iterator<Item = u64>) -> Option<Terms> {
    let mut sorted: Vec<u64> = ords.collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut terms = Vec::with_capacity(sorted.len());
    if !dict
        .sorted_ords_to_term_cb(&sorted, |term| terms.push(term.to_vec()))
        .ok()?
    {
        return None;
    }
    Some(sorted.into_iter().zip(terms).collect())
}

/// The values of a facet column for `doc`, as `a/b` paths, sorted as the
/// column keeps them.
fn facet_paths(reader: &FacetReader, terms: &Terms, doc: DocId) -> Option<Vec<String>> {
    reader
        .facet_ords(doc)
        .map(|ord| {
            let facet = facet_of_key(terms.get(&ord)?).ok()?;
            Some(facet.to_path().join("/"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{self, IndexOptions};
    use crate::index_schema::SchemaFiles;
    use std::collections::BTreeMap;
    use std::path::Path;

    const BODY: &str = "Gunmen of the Islamic State attacked a checkpoint near Mosul, \
                        and Peshmerga forces answered; later the Iraqi army \
                        reinforced Tikrit in Salahuddin.";

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// A corpus with every format and encoding the reader knows.
    fn corpus(root: &Path) {
        write(
            root,
            "iraq/2021-03-04-mosul.txt",
            format!("source: Wire\n\nCheckpoint attacked near Mosul\n{BODY}\n").as_bytes(),
        );
        write(
            root,
            "notes.md",
            format!("---\ndate: 2020-05-01\n---\n# Tikrit reinforced\n\n{BODY}\n").as_bytes(),
        );
        write(
            root,
            "one.json",
            format!(
                r#"{{"title": "One object", "body": "{BODY}", "url": "https://example.org/1"}}"#
            )
            .as_bytes(),
        );
        write(
            root,
            "many.json",
            format!(r#"[{{"title": "First of many", "body": "{BODY}"}}, {{"title": "Second of many", "body": "Houthi drones over Marib."}}]"#)
                .as_bytes(),
        );
        let wire = format!(
            "{{\"id\": \"w-1\", \"title\": \"Wire one\", \"body\": \"{BODY}\", \"date\": \"2022-01-02\"}}\r\n\
             \r\n\
             not json\r\n\
             {{\"title\": \"Wire two\", \"body\": \"Al-Shabaab fighters struck Mogadishu. {BODY}\"}}\r\n\
             {{\"title\": \"Wire three\", \"body\": \"Clashes in Kherson.\"}}"
        );
        write(root, "wire.jsonl", wire.as_bytes());
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(format!("With a byte-order mark\n{BODY}\n").as_bytes());
        write(root, "bom.txt", &bom);
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in format!("In UTF-16\n{BODY}\n").encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        write(root, "utf16.txt", &utf16);
        let mut broken = format!("Invalid byte\n{BODY} ").into_bytes();
        broken.push(0xFF);
        write(root, "broken.txt", &broken);
    }

    fn set_mtime(path: &Path, time: std::time::SystemTime) {
        let file = File::options().write(true).open(path).unwrap();
        file.set_modified(time).unwrap();
    }

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

    /// Every article's card, read both ways, by id: (through `Cards`, where
    /// it came from, from the doc store).
    fn cards(index_dir: &Path) -> BTreeMap<String, (Card, Origin, Card)> {
        let open = index::open(index_dir).unwrap();
        let searcher = open.reader.searcher();
        let addresses: Vec<DocAddress> = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .flat_map(|(ord, segment)| {
                segment
                    .doc_ids_alive()
                    .map(move |doc| DocAddress::new(ord as u32, doc))
            })
            .collect();
        let cards = Cards::new(&searcher, open.fields)
            .cards(&addresses)
            .unwrap();
        let mut out = BTreeMap::new();
        for (address, (card, origin)) in addresses.into_iter().zip(cards) {
            let stored: TantivyDocument = searcher.doc(address).unwrap();
            let stored = stored_card(&stored, &open.fields);
            out.insert(stored.id.clone(), (card, origin, stored));
        }
        out
    }

    #[test]
    fn hits_read_from_files_equal_the_doc_store() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        corpus(&root);
        build(&root, &dir.path().join("index"));
        let cards = cards(&dir.path().join("index"));
        let from_store = ["broken.txt", "many.json#1", "many.json#2", "utf16.txt"];
        let from_file = [
            "bom.txt",
            "iraq/2021-03-04-mosul.txt",
            "notes.md",
            "one.json",
            "w-1",
            "wire.jsonl#4",
            "wire.jsonl#5",
        ];
        let ids: Vec<&str> = cards.keys().map(String::as_str).collect();
        let mut expected: Vec<&str> = from_store.iter().chain(&from_file).copied().collect();
        expected.sort_unstable();
        assert_eq!(ids, expected);
        for (id, (card, origin, stored)) in &cards {
            assert_eq!(card, stored, "{id}");
            let want = if from_file.contains(&id.as_str()) {
                Origin::File
            } else {
                Origin::DocStore
            };
            assert_eq!(*origin, want, "{id}");
        }
        // The facets are in order of first mention, not sorted.
        let (mosul, _, _) = &cards["iraq/2021-03-04-mosul.txt"];
        assert_eq!(mosul.date.as_deref(), Some("2021-03-04"));
        assert_eq!(
            mosul.provinces.first().map(String::as_str),
            Some("Iraq/Nineveh")
        );
        assert_eq!(
            mosul.actors.first().map(String::as_str),
            Some("Islamic State")
        );
        let (two, _, _) = &cards["wire.jsonl#4"];
        assert_eq!(two.actors.first().map(String::as_str), Some("al-Shabaab"));
    }

    #[test]
    fn a_changed_file_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        corpus(&root);
        build(&root, &dir.path().join("index"));
        // Same size, same modification time, another word: only the
        // record's fingerprint tells.
        let wire = root.join("wire.jsonl");
        let mtime = std::fs::metadata(&wire).unwrap().modified().unwrap();
        let text = std::fs::read_to_string(&wire).unwrap();
        std::fs::write(&wire, text.replacen("Wire one", "Wire ONE", 1)).unwrap();
        set_mtime(&wire, mtime);
        // A file touched, a file gone.
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        set_mtime(&root.join("notes.md"), later);
        std::fs::remove_file(root.join("one.json")).unwrap();

        let cards = cards(&dir.path().join("index"));
        for id in ["w-1", "notes.md", "one.json"] {
            let (card, origin, stored) = &cards[id];
            assert_eq!(*origin, Origin::DocStore, "{id}");
            assert_eq!(card, stored, "{id}");
        }
        assert_eq!(cards["w-1"].0.title, "Wire one");
        // The other records of the changed file are still read from it.
        assert_eq!(cards["wire.jsonl#4"].1, Origin::File);
    }
}
