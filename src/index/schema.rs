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
use crate::fields::{leaf, FacetKind};
use crate::gazetteer::{Facets, Gazetteer};
use crate::index_schema::SchemaFiles;
use std::collections::HashMap;

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

/// The fields of `schema.toml`: what sitrep fills, with the kind each
/// must have.
const REQUIRED: [(&str, FieldKind); 15] = [
    (field::ID, FieldKind::String),
    (field::PATH, FieldKind::String),
    (field::TITLE, FieldKind::Text),
    (field::BODY, FieldKind::Text),
    (field::DATE, FieldKind::String),
    (field::PUBLISHED, FieldKind::Date),
    (field::SOURCE, FieldKind::String),
    (field::URL, FieldKind::String),
    (field::PROVINCE, FieldKind::Facet),
    (field::ACTOR, FieldKind::Facet),
    (field::YEAR, FieldKind::Facet),
    (field::MENTIONED_PROVINCE, FieldKind::Facet),
    (field::MENTIONED_ACTOR, FieldKind::Facet),
    (field::ACTOR_KIND, FieldKind::Facet),
    (field::REGION, FieldKind::Facet),
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
            if BOOKKEEPING.contains(&name.as_str()) {
                return Err(Error::data(
                    &path,
                    line_of(name),
                    format!("field {name:?} is sitrep's own bookkeeping, added by code: remove it from schema.toml"),
                ));
            }
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
                    // The id and the path are columns whatever the schema
                    // says: equal scores are ordered by the id, and the
                    // indexer reads each file's path back from its column.
                    if f.fast || name == field::ID || name == field::PATH {
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
        // The file stamps that tell a changed file: columns only, never
        // searched, never shown.
        for name in BOOKKEEPING {
            builder.add_u64_field(name, NumericOptions::default().set_fast());
        }
        builder.build()
    }

    /// The ranking boost of a field (1 when not set).
    pub fn boost(&self, name: &str) -> f32 {
        self.fields.get(name).and_then(|f| f.boost).unwrap_or(1.0)
    }
}

/// Fields sitrep adds to every index for its own use, whatever
/// `schema.toml` says: the stamps of each article's file.
const BOOKKEEPING: [&str; 3] = [field::FINGERPRINT, field::SIZE, field::MTIME];

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
    pub title: Field,
    pub body: Field,
    pub date: Field,
    pub published: Field,
    pub source: Field,
    pub url: Field,
    pub province: Field,
    pub actor: Field,
    pub year: Field,
    pub mentioned_province: Field,
    pub mentioned_actor: Field,
    pub actor_kind: Field,
    pub region: Field,
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
            title: get(field::TITLE)?,
            body: get(field::BODY)?,
            date: get(field::DATE)?,
            published: get(field::PUBLISHED)?,
            source: get(field::SOURCE)?,
            url: get(field::URL)?,
            province: get(field::PROVINCE)?,
            actor: get(field::ACTOR)?,
            year: get(field::YEAR)?,
            mentioned_province: get(field::MENTIONED_PROVINCE)?,
            mentioned_actor: get(field::MENTIONED_ACTOR)?,
            actor_kind: get(field::ACTOR_KIND)?,
            region: get(field::REGION)?,
        })
    }

    /// The tantivy document of `article` read from the file at `path`;
    /// `kinds` gives each event actor's kind.
    pub fn document(
        &self,
        article: &Article,
        facets: &Facets,
        path: &str,
        stamp: FileStamp,
        kinds: &ActorKinds,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &article.id);
        doc.add_text(self.path, path);
        doc.add_u64(self.fingerprint, stamp.fingerprint);
        doc.add_u64(self.size, stamp.size);
        doc.add_u64(self.mtime, stamp.mtime);
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
        for facet in place_facets(&facets.places) {
            doc.add_facet(self.province, facet);
        }
        for facet in place_facets(&facets.mentioned_places) {
            doc.add_facet(self.mentioned_province, facet);
        }
        for actor in &facets.actors {
            doc.add_facet(self.actor, actor_facet(actor));
        }
        for actor in &facets.mentioned_actors {
            doc.add_facet(self.mentioned_actor, actor_facet(actor));
        }
        for facet in kinds.facets(facets) {
            doc.add_facet(self.actor_kind, facet);
        }
        for region in &facets.regions {
            doc.add_facet(self.region, Facet::from_path([region.as_str()]));
        }
        doc
    }
}

/// Place facets: `/Country/Province`, or `/Country` alone.
fn place_facets(places: &[(String, Option<String>)]) -> impl Iterator<Item = Facet> + '_ {
    places.iter().map(|(country, province)| match province {
        Some(p) => Facet::from_path([country.as_str(), p.as_str()]),
        None => Facet::from_path([country.as_str()]),
    })
}

/// An actor's facet: its path split on `/` into steps, so that a parent's
/// term (`/Islamic State`) is indexed with each of its children's.
pub(crate) fn actor_facet(path: &str) -> Facet {
    Facet::from_path(path.split('/').filter(|step| !step.is_empty()))
}

/// The kind of every actor path the gazetteers know, for the `actor_kind`
/// facet: built once per indexing run.
#[derive(Debug, Clone, Default)]
pub struct ActorKinds {
    by_path: HashMap<String, String>,
}

impl ActorKinds {
    /// The kinds of the actors of `gazetteer`, by the facet path each
    /// actor's canonical name resolves to (its path once actors have
    /// parents) and by the name itself.
    pub fn of(gazetteer: &Gazetteer) -> ActorKinds {
        let mut by_path = HashMap::new();
        for actor in &gazetteer.actors {
            if actor.kind.trim().is_empty() {
                continue;
            }
            let name_leaf = leaf(&actor.name);
            for path in gazetteer.resolve_known(FacetKind::Actor, &actor.name) {
                if leaf(&path) == name_leaf {
                    by_path.entry(path).or_insert_with(|| actor.kind.clone());
                }
            }
            by_path
                .entry(actor.name.clone())
                .or_insert_with(|| actor.kind.clone());
        }
        ActorKinds { by_path }
    }

    /// The kind of the actor at `path`, if known.
    pub fn kind(&self, path: &str) -> Option<&str> {
        self.by_path.get(path).map(String::as_str)
    }

    /// The `actor_kind` facets of an article: `/Kind/Actor path` for each
    /// event actor whose kind is known, and `/Kind` alone for each kind of
    /// `facets.actor_kinds` no such actor covers.
    pub fn facets(&self, facets: &Facets) -> Vec<Facet> {
        let mut out = Vec::new();
        let mut covered: Vec<&str> = Vec::new();
        for actor in &facets.actors {
            if let Some(kind) = self.kind(actor) {
                let steps =
                    std::iter::once(kind).chain(actor.split('/').filter(|step| !step.is_empty()));
                out.push(Facet::from_path(steps));
                if !covered.contains(&kind) {
                    covered.push(kind);
                }
            }
        }
        for kind in &facets.actor_kinds {
            if !kind.trim().is_empty() && !covered.contains(&kind.as_str()) {
                out.push(Facet::from_path([kind.as_str()]));
            }
        }
        out
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
    fn bookkeeping_fields_are_added_by_code_and_refused_in_the_file() {
        let config =
            SchemaConfig::load(&SchemaFiles::from_pairs(&[("schema.toml", SCHEMA)])).unwrap();
        let schema = config.build();
        for name in BOOKKEEPING {
            let entry = schema.get_field_entry(schema.get_field(name).unwrap());
            assert!(entry.is_fast(), "{name}");
        }
        let with = format!("{SCHEMA}\n[fields.mtime]\nkind = \"u64\"\n");
        let err = SchemaConfig::load(&SchemaFiles::from_pairs(&[("schema.toml", &with)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bookkeeping"), "{err}");
        // A schema that keeps the path out of the columns still gets it.
        let slow = SCHEMA.replacen("fast = true", "fast = false", 1);
        let config =
            SchemaConfig::load(&SchemaFiles::from_pairs(&[("schema.toml", &slow)])).unwrap();
        let schema = config.build();
        let path = schema.get_field_entry(schema.get_field(field::PATH).unwrap());
        assert!(path.is_fast());
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
