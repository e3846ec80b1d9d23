//! ④ Schema: `index-schema/` as data, the tantivy schema, and documents.
//!
//! [`SchemaFiles`] holds the files of an `index-schema/` folder (the
//! schema and the gazetteers) in memory, so an index can keep a copy of
//! exactly the files that built it. [`SchemaConfig`] is `schema.toml`;
//! [`Fields`] is the tantivy schema built from it, with a handle for every
//! field sitrep fills; [`Fields::document`] turns an article and its facets
//! into a tantivy document.

use crate::fields::field;
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions,
    Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument};

use crate::analyzer::ANALYZER_NAME;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::gazetteer::Facets;
use crate::index_schema::SchemaFiles;

/// The kind of an index field in `schema.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// Analysed text (words), searchable by the query language.
    Text,
    /// One exact string, indexed as a single term.
    String,
    /// A hierarchical facet: `/Iraq/Nineveh`.
    Facet,
    /// An unsigned integer.
    U64,
    /// A date.
    Date,
}

/// One field of `schema.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldConfig {
    /// What kind of value it holds.
    pub kind: FieldKind,
    /// Whether the value is kept for display.
    #[serde(default)]
    pub stored: bool,
    /// Whether it can be searched (default: yes).
    #[serde(default = "yes")]
    pub indexed: bool,
    /// Whether it is a column for sorting and counting.
    #[serde(default)]
    pub fast: bool,
    /// The analyzer of a text field (default: `sitrep`).
    #[serde(default)]
    pub tokenizer: Option<String>,
    /// The weight of a text field in ranking (default 1).
    #[serde(default)]
    pub boost: Option<f32>,
    /// What the field is for (documentation only).
    #[serde(default)]
    pub doc: Option<String>,
}

fn yes() -> bool {
    true
}

/// `index-schema/schema.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaConfig {
    /// Bumped on every change; an index built by another version must be
    /// rebuilt.
    pub version: u32,
    /// The fields, by name.
    pub fields: BTreeMap<String, FieldConfig>,
}

/// The fields sitrep fills, with the kind each must have.
const REQUIRED: [(&str, FieldKind); 19] = [
    (field::ID, FieldKind::String),
    (field::PATH, FieldKind::String),
    (field::FINGERPRINT, FieldKind::U64),
    (field::SIZE, FieldKind::U64),
    (field::MTIME, FieldKind::U64),
    (field::RECORD, FieldKind::U64),
    (field::RECORD_LINE, FieldKind::U64),
    (field::RECORD_HASH, FieldKind::U64),
    (field::ID_FROM, FieldKind::U64),
    (field::FACET_ORDER, FieldKind::U64),
    (field::TITLE, FieldKind::Text),
    (field::BODY, FieldKind::Text),
    (field::DATE, FieldKind::String),
    (field::PUBLISHED, FieldKind::Date),
    (field::SOURCE, FieldKind::String),
    (field::URL, FieldKind::String),
    (field::PROVINCE, FieldKind::Facet),
    (field::ACTOR, FieldKind::Facet),
    (field::YEAR, FieldKind::Facet),
];

impl SchemaConfig {
    /// Reads and checks `schema.toml` from `files`.
    pub fn load(files: &SchemaFiles) -> Result<SchemaConfig> {
        let (path, text) = files.get("schema.toml")?;
        let config: SchemaConfig = toml::from_str(text).map_err(|err| {
            let line = err
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            Error::data(&path, line, err.message().to_owned())
        })?;
        let line_of = |name: &str| {
            text.find(&format!("[fields.{name}]"))
                .map(|at| text[..at].matches('\n').count() + 1)
        };
        for (name, kind) in REQUIRED {
            match config.fields.get(name) {
                None => {
                    return Err(Error::data(
                        &path,
                        None,
                        format!("field {name:?} is missing; sitrep needs it"),
                    ))
                }
                Some(f) if f.kind != kind => {
                    return Err(Error::data(
                        &path,
                        line_of(name),
                        format!("field {name:?} must be of kind {kind:?}, not {:?}", f.kind),
                    ))
                }
                Some(_) => {}
            }
        }
        for (name, field) in &config.fields {
            if !REQUIRED.iter().any(|(n, _)| n == name) {
                return Err(Error::data(
                    &path,
                    line_of(name),
                    format!("unknown field {name:?}: sitrep only fills {}", field_list()),
                ));
            }
            if let Some(tok) = &field.tokenizer {
                if field.kind != FieldKind::Text {
                    return Err(Error::data(
                        &path,
                        line_of(name),
                        "only text fields take a tokenizer",
                    ));
                }
                if !["sitrep", "default", "raw", "en_stem", "whitespace"].contains(&tok.as_str()) {
                    return Err(Error::data(
                        &path,
                        line_of(name),
                        format!("unknown tokenizer {tok:?}; use \"sitrep\""),
                    ));
                }
            }
        }
        for name in [field::ID, field::PATH] {
            if config
                .fields
                .get(name)
                .is_some_and(|f| !f.indexed || !f.stored)
            {
                return Err(Error::data(
                    &path,
                    line_of(name),
                    format!("field {name:?} must be indexed and stored"),
                ));
            }
        }
        Ok(config)
    }

    /// A fingerprint of the parsed schema: comments and layout do not count.
    pub fn digest(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{:016x}", crate::corpus::fingerprint(&json))
    }

    /// The tantivy schema this config describes.
    pub fn build(&self) -> Schema {
        let mut builder = Schema::builder();
        for (name, f) in &self.fields {
            match f.kind {
                FieldKind::Text | FieldKind::String => {
                    let mut options = TextOptions::default();
                    if f.indexed {
                        let indexing = if f.kind == FieldKind::Text {
                            TextFieldIndexing::default()
                                .set_tokenizer(f.tokenizer.as_deref().unwrap_or(ANALYZER_NAME))
                                .set_index_option(IndexRecordOption::WithFreqsAndPositions)
                        } else {
                            TextFieldIndexing::default()
                                .set_tokenizer("raw")
                                .set_index_option(IndexRecordOption::Basic)
                        };
                        options = options.set_indexing_options(indexing);
                    }
                    if f.stored {
                        options = options.set_stored();
                    }
                    // The id is a column whatever the schema says: equal
                    // scores are ordered by it, which no merge changes.
                    if f.fast || name == field::ID {
                        options = options.set_fast("raw");
                    }
                    builder.add_text_field(name, options);
                }
                FieldKind::Facet => {
                    let mut options = FacetOptions::default();
                    if f.stored {
                        options = options.set_stored();
                    }
                    builder.add_facet_field(name, options);
                }
                FieldKind::U64 => {
                    let mut options = NumericOptions::default();
                    if f.indexed {
                        options = options.set_indexed();
                    }
                    if f.stored {
                        options = options.set_stored();
                    }
                    if f.fast {
                        options = options.set_fast();
                    }
                    builder.add_u64_field(name, options);
                }
                FieldKind::Date => {
                    let mut options =
                        DateOptions::default().set_precision(DateTimePrecision::Seconds);
                    if f.indexed {
                        options = options.set_indexed();
                    }
                    if f.stored {
                        options = options.set_stored();
                    }
                    if f.fast {
                        options = options.set_fast();
                    }
                    builder.add_date_field(name, options);
                }
            }
        }
        builder.build()
    }

    /// The ranking boost of a field (1 when not set).
    pub fn boost(&self, name: &str) -> f32 {
        self.fields.get(name).and_then(|f| f.boost).unwrap_or(1.0)
    }
}

fn field_list() -> String {
    REQUIRED
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Handles to the fields of an index's schema.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub struct Fields {
    pub id: Field,
    pub path: Field,
    pub fingerprint: Field,
    pub size: Field,
    pub mtime: Field,
    pub record: Field,
    pub record_line: Field,
    pub record_hash: Field,
    pub id_from: Field,
    pub facet_order: Field,
    pub title: Field,
    pub body: Field,
    pub date: Field,
    pub published: Field,
    pub source: Field,
    pub url: Field,
    pub province: Field,
    pub actor: Field,
    pub year: Field,
}

/// Where an article came from on disk, stored to notice changed files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStamp {
    /// Content fingerprint.
    pub fingerprint: u64,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: u64,
}

/// Where an article's record lies in its file: what a search needs to
/// read a hit back from the file instead of the doc store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordPlace {
    /// Byte offset × 2^24 + length; 0 when the record cannot be read back.
    pub record: u64,
    /// The record's line in a JSON Lines file, else 0.
    pub line: u64,
    /// [`record_hash`] of the record's bytes.
    pub hash: u64,
    /// Where the path relative to the corpus root starts in the stored path.
    pub id_from: u64,
}

/// Bits of [`RecordPlace::record`] that hold the length.
const LENGTH_BITS: u32 = 24;

impl RecordPlace {
    /// The place of `bytes`, found `offset` bytes into a file; unknown
    /// (all zeros) when the offset or the length is too large to encode.
    /// `fingerprint` is that of `bytes` when already known (a record that
    /// is the whole file), to spare hashing them twice.
    pub fn new(
        offset: usize,
        bytes: &[u8],
        fingerprint: Option<u64>,
        line: Option<usize>,
        id_from: usize,
    ) -> RecordPlace {
        let (Ok(offset), Ok(len)) = (u64::try_from(offset), u64::try_from(bytes.len())) else {
            return RecordPlace::default();
        };
        if len == 0 || len >> LENGTH_BITS != 0 || offset >> (64 - LENGTH_BITS) != 0 {
            return RecordPlace::default();
        }
        RecordPlace {
            record: offset << LENGTH_BITS | len,
            line: line.map_or(0, |l| l as u64),
            hash: fold_fingerprint(
                fingerprint.unwrap_or_else(|| crate::corpus::fingerprint(bytes)),
            ),
            id_from: id_from as u64,
        }
    }

    /// The byte offset and length of the record, when known.
    pub fn range(&self) -> Option<(u64, u64)> {
        let len = self.record & ((1 << LENGTH_BITS) - 1);
        (len > 0).then_some((self.record >> LENGTH_BITS, len))
    }
}

/// The fingerprint a record is checked against before a hit trusts it:
/// FNV-1a folded to 32 bits, which keeps the column narrow.
pub fn record_hash(bytes: &[u8]) -> u64 {
    fold_fingerprint(crate::corpus::fingerprint(bytes))
}

fn fold_fingerprint(hash: u64) -> u64 {
    (hash >> 32) ^ (hash & 0xffff_ffff)
}

/// At most this many province and actor values have their order kept.
const ORDER_SLOTS: usize = 16;

/// The order of first mention of `provinces` then `actors`, which facet
/// columns lose (they sort a document's values): digit `i` (4 bits) is
/// the place of value `i` among its field's values sorted as the column
/// sorts them. `None` for more than 16 values or a repeated one.
pub fn facet_order(provinces: &[Facet], actors: &[Facet]) -> Option<u64> {
    if provinces.len() + actors.len() > ORDER_SLOTS {
        return None;
    }
    let mut order = 0u64;
    let mut digit = 0;
    for values in [provinces, actors] {
        let mut sorted: Vec<&str> = values.iter().map(Facet::encoded_str).collect();
        sorted.sort_unstable();
        if sorted.windows(2).any(|pair| pair.first() == pair.last()) {
            return None;
        }
        for value in values {
            let place = sorted.binary_search(&value.encoded_str()).ok()?;
            order |= (place as u64) << (4 * digit);
            digit += 1;
        }
    }
    Some(order)
}

/// `provinces` and `actors`, each as its facet column sorts them, put back
/// in the order of first mention recorded by [`facet_order`]. `None` when
/// `order` does not fit the values.
pub fn in_mention_order<T: Clone>(
    provinces: &[T],
    actors: &[T],
    order: u64,
) -> Option<(Vec<T>, Vec<T>)> {
    if provinces.len() + actors.len() > ORDER_SLOTS {
        return None;
    }
    let mut digits = (0..ORDER_SLOTS).map(|i| (order >> (4 * i) & 0xf) as usize);
    let mut reorder = |sorted: &[T]| -> Option<Vec<T>> {
        let mut out = Vec::with_capacity(sorted.len());
        let mut used = [false; ORDER_SLOTS];
        for _ in 0..sorted.len() {
            let place = digits.next()?;
            let seen = used.get_mut(place)?;
            if std::mem::replace(seen, true) {
                return None;
            }
            out.push(sorted.get(place)?.clone());
        }
        Some(out)
    };
    Some((reorder(provinces)?, reorder(actors)?))
}

impl Fields {
    /// Looks the fields up in `schema`.
    pub fn new(schema: &Schema) -> Result<Fields> {
        let get = |name: &str| {
            schema.get_field(name).map_err(|_| Error::RebuildNeeded {
                path: PathBuf::new(),
                reason: format!("has no field {name:?}"),
            })
        };
        Ok(Fields {
            id: get(field::ID)?,
            path: get(field::PATH)?,
            fingerprint: get(field::FINGERPRINT)?,
            size: get(field::SIZE)?,
            mtime: get(field::MTIME)?,
            record: get(field::RECORD)?,
            record_line: get(field::RECORD_LINE)?,
            record_hash: get(field::RECORD_HASH)?,
            id_from: get(field::ID_FROM)?,
            facet_order: get(field::FACET_ORDER)?,
            title: get(field::TITLE)?,
            body: get(field::BODY)?,
            date: get(field::DATE)?,
            published: get(field::PUBLISHED)?,
            source: get(field::SOURCE)?,
            url: get(field::URL)?,
            province: get(field::PROVINCE)?,
            actor: get(field::ACTOR)?,
            year: get(field::YEAR)?,
        })
    }

    /// The tantivy document of `article` read from `path`, where it lies
    /// at `place`.
    pub fn document(
        &self,
        article: &Article,
        facets: &Facets,
        path: &str,
        stamp: FileStamp,
        place: RecordPlace,
    ) -> TantivyDocument {
        let provinces: Vec<Facet> = facets
            .places
            .iter()
            .map(|(country, province)| match province {
                Some(p) => Facet::from_path([country.as_str(), p.as_str()]),
                None => Facet::from_path([country.as_str()]),
            })
            .collect();
        let actors: Vec<Facet> = facets
            .actors
            .iter()
            .map(|actor| Facet::from_path([actor.as_str()]))
            .collect();
        // A hit read back from the file takes its facets from the columns,
        // so without their order it must come from the doc store.
        let (place, order) = match facet_order(&provinces, &actors) {
            Some(order) => (place, order),
            None => (RecordPlace::default(), 0),
        };
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &article.id);
        doc.add_text(self.path, path);
        doc.add_u64(self.fingerprint, stamp.fingerprint);
        doc.add_u64(self.size, stamp.size);
        doc.add_u64(self.mtime, stamp.mtime);
        doc.add_u64(self.record, place.record);
        doc.add_u64(self.record_line, place.line);
        doc.add_u64(self.record_hash, place.hash);
        doc.add_u64(self.id_from, place.id_from);
        doc.add_u64(self.facet_order, order);
        doc.add_text(self.title, &article.title);
        doc.add_text(self.body, &article.body);
        if let Some(date) = article.date {
            doc.add_text(self.date, date.to_string());
            doc.add_date(
                self.published,
                DateTime::from_timestamp_secs(date.days_since_epoch() * 86_400),
            );
            doc.add_facet(self.year, Facet::from_path([date.year.to_string()]));
        }
        if let Some(source) = &article.source {
            doc.add_text(self.source, source);
        }
        if let Some(url) = &article.url {
            doc.add_text(self.url, url);
        }
        for facet in provinces {
            doc.add_facet(self.province, facet);
        }
        for facet in actors {
            doc.add_facet(self.actor, facet);
        }
        doc
    }
}

/// The values of a stored facet field as `Country/Province` paths.
pub fn facet_values(doc: &TantivyDocument, field: Field) -> Vec<String> {
    use tantivy::schema::Value;
    doc.get_all(field)
        .filter_map(|v| v.as_facet())
        // Stored facets come back encoded, steps separated by NUL bytes.
        .map(|encoded| Facet::from_encoded(encoded.as_bytes().to_vec()))
        .filter_map(|facet| facet.ok())
        .map(|facet| facet.to_path().join("/"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = include_str!("../../index-schema/schema.toml");

    #[test]
    fn bundled_schema_loads_and_builds() {
        let files = SchemaFiles::from_pairs(&[("schema.toml", SCHEMA)]);
        let config = SchemaConfig::load(&files).unwrap();
        let schema = config.build();
        Fields::new(&schema).unwrap();
        assert!(config.boost("title") > config.boost("body"));
    }

    #[test]
    fn facet_order_puts_sorted_values_back_in_mention_order() {
        let facets = |paths: &[&[&str]]| -> Vec<Facet> {
            paths.iter().map(|p| Facet::from_path(p.iter())).collect()
        };
        let provinces = facets(&[&["Syria", "Idlib"], &["Iraq", "Nineveh"], &["Iraq"]]);
        let actors = facets(&[&["Taliban"], &["Islamic State"]]);
        let order = facet_order(&provinces, &actors).unwrap();
        let sorted = |values: &[Facet]| {
            let mut v: Vec<String> = values.iter().map(|f| f.to_path().join("/")).collect();
            v.sort_unstable_by_key(|path| path.replace('/', "\0"));
            v
        };
        let (p, a) = in_mention_order(&sorted(&provinces), &sorted(&actors), order).unwrap();
        assert_eq!(p, ["Syria/Idlib", "Iraq/Nineveh", "Iraq"]);
        assert_eq!(a, ["Taliban", "Islamic State"]);
        // An order that does not fit the values is refused, not guessed.
        assert!(in_mention_order(&["a", "b"], &[], 0).is_none());
        assert!(in_mention_order(&["a"], &[], 0x1).is_none());
        // Too many values, or one twice, keep no order.
        let many: Vec<Facet> = (0..17).map(|i| Facet::from_path([i.to_string()])).collect();
        assert!(facet_order(&many, &[]).is_none());
        assert!(facet_order(&actors, &[]).is_some());
        let twice = facets(&[&["Taliban"], &["Taliban"]]);
        assert!(facet_order(&[], &twice).is_none());
    }

    #[test]
    fn record_place_keeps_offset_and_length() {
        let record = b"{\"title\": \"x\"}";
        let place = RecordPlace::new(123_456_789, record, None, Some(7), 12);
        let known = crate::corpus::fingerprint(record);
        assert_eq!(
            RecordPlace::new(123_456_789, record, Some(known), Some(7), 12),
            place
        );
        assert_eq!(place.range(), Some((123_456_789, 14)));
        assert_eq!(place.line, 7);
        assert_eq!(place.hash, record_hash(b"{\"title\": \"x\"}"));
        assert_eq!(RecordPlace::new(0, b"", None, None, 0).range(), None);
        let huge = vec![b'x'; 1 << 24];
        assert_eq!(
            RecordPlace::new(0, &huge, None, None, 0),
            RecordPlace::default()
        );
    }

    #[test]
    fn digest_ignores_comments() {
        let a = SchemaConfig::load(&SchemaFiles::from_pairs(&[("schema.toml", SCHEMA)])).unwrap();
        let commented = format!("# a new comment\n{SCHEMA}");
        let b =
            SchemaConfig::load(&SchemaFiles::from_pairs(&[("schema.toml", &commented)])).unwrap();
        assert_eq!(a.digest(), b.digest());
    }

    #[test]
    fn unknown_kind_is_rejected_with_its_line() {
        let bad = SCHEMA.replacen("kind = \"text\"", "kind = \"blob\"", 1);
        let err =
            SchemaConfig::load(&SchemaFiles::from_pairs(&[("schema.toml", &bad)])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("schema.toml:"), "{msg}");
        assert!(msg.contains("blob"), "{msg}");
    }

    #[test]
    fn missing_field_is_rejected() {
        let files = SchemaFiles::from_pairs(&[(
            "schema.toml",
            "version = 1\n[fields.id]\nkind = \"string\"\nstored = true\n",
        )]);
        let err = SchemaConfig::load(&files).unwrap_err().to_string();
        assert!(err.contains("missing"), "{err}");
    }
}
