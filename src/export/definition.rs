//! The index definition a cluster engine needs before it takes sitrep's
//! documents: a Quickwit 0.9 index config (YAML) or an OpenSearch index
//! body (JSON), generated from the schema the local index was built with,
//! so each field carries the `doc` of `schema.toml`, and a field the index
//! does not store is left out.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::fields::{field, remote};
use crate::index::schema::SchemaConfig;

/// How a remote field is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One exact string, searchable (the id and the path).
    Keyword,
    /// Kept for display, never searched.
    Stored,
    /// Words as sitrep's analyser cut them, joined by spaces.
    Terms,
    /// A day, RFC 3339.
    Date,
    /// A sorted array of exact strings: a facet.
    Keywords,
}

/// A field of the exported document: its name in `fields::remote`, how it
/// is kept, the local field it comes from, and what it holds when it is not
/// that field's value as is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RemoteField {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) source: &'static str,
    derived: Option<&'static str>,
}

const fn f(
    name: &'static str,
    kind: Kind,
    source: &'static str,
    derived: Option<&'static str>,
) -> RemoteField {
    RemoteField {
        name,
        kind,
        source,
        derived,
    }
}

/// Every field of `fields::remote`, in the order definitions list them.
pub(crate) const FIELDS: [RemoteField; 19] = [
    f(remote::ID, Kind::Keyword, field::ID, None),
    f(remote::PATH, Kind::Keyword, field::PATH, None),
    f(remote::TITLE, Kind::Stored, field::TITLE, None),
    f(remote::BODY, Kind::Stored, field::BODY, None),
    f(remote::DATE, Kind::Stored, field::DATE, None),
    f(remote::SOURCE, Kind::Stored, field::SOURCE, None),
    f(remote::URL, Kind::Stored, field::URL, None),
    f(
        remote::PUBLISHED,
        Kind::Date,
        field::DATE,
        Some("the first day of `date`, RFC 3339 at midnight UTC; absent when undated"),
    ),
    f(
        remote::TITLE_TERMS,
        Kind::Terms,
        field::TITLE,
        Some("the words of `title` as sitrep's analyser cuts them (folded, stemmed), joined by spaces"),
    ),
    f(
        remote::BODY_TERMS,
        Kind::Terms,
        field::BODY,
        Some("the words of `body` as sitrep's analyser cuts them (folded, stemmed), joined by spaces"),
    ),
    f(
        remote::PROVINCE,
        Kind::Keywords,
        field::PROVINCE,
        Some("Country/Province of each event place"),
    ),
    f(
        remote::COUNTRY,
        Kind::Keywords,
        field::PROVINCE,
        Some("the country of each event place"),
    ),
    f(
        remote::REGION,
        Kind::Keywords,
        field::REGION,
        Some("each region holding an event place"),
    ),
    f(
        remote::ACTOR,
        Kind::Keywords,
        field::ACTOR,
        Some("every step of each event actor's path (Islamic State, Islamic State/ISWAP)"),
    ),
    f(
        remote::ACTOR_KIND,
        Kind::Keywords,
        field::ACTOR_KIND,
        Some("the kind of each event actor"),
    ),
    f(
        remote::YEAR,
        Kind::Keywords,
        field::YEAR,
        Some("the publication year"),
    ),
    f(
        remote::MENTIONED_PROVINCE,
        Kind::Keywords,
        field::MENTIONED_PROVINCE,
        Some("Country/Province of every place mentioned"),
    ),
    f(
        remote::MENTIONED_COUNTRY,
        Kind::Keywords,
        field::MENTIONED_PROVINCE,
        Some("the country of every place mentioned"),
    ),
    f(
        remote::MENTIONED_ACTOR,
        Kind::Keywords,
        field::MENTIONED_ACTOR,
        Some("every step of the path of every actor mentioned"),
    ),
];

/// The fields an export of an index built with `config` holds: those
/// whose local field the index stores.
pub(crate) fn included(config: &SchemaConfig) -> Vec<RemoteField> {
    FIELDS
        .into_iter()
        .filter(|f| is_stored(config, f.source))
        .collect()
}

/// Whether the index keeps the values of its field `name`.
pub(crate) fn is_stored(config: &SchemaConfig, name: &str) -> bool {
    // The id and the path are always stored: `schema.toml` is refused
    // otherwise.
    name == field::ID || name == field::PATH || config.fields.get(name).is_some_and(|f| f.stored)
}

/// What the field holds, for the definition: `schema.toml`'s `doc` of
/// its local field, after what the export made of it.
fn description(config: &SchemaConfig, field: &RemoteField) -> String {
    let doc = config
        .fields
        .get(field.source)
        .and_then(|f| f.doc.as_deref())
        .map(str::trim)
        .filter(|d| !d.is_empty());
    match (field.derived, doc) {
        (Some(derived), Some(doc)) => {
            format!("{derived} (sitrep field {}: {doc})", field.source)
        }
        (Some(derived), None) => derived.to_owned(),
        (None, Some(doc)) => doc.to_owned(),
        (None, None) => format!("sitrep field {}", field.source),
    }
}

/// The Quickwit 0.9 index config of an export holding `fields`, for the
/// index `index_id`.
///
/// Quickwit has no facet type and no English stemmer: facets are arrays of
/// raw keywords, columns for counting, and the words come already cut and
/// stemmed by sitrep, for its whitespace tokenizer. The id is indexed
/// raw, so delete tasks can find a document by it.
pub(crate) fn quickwit(config: &SchemaConfig, fields: &[RemoteField], index_id: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Quickwit 0.9 index config for articles exported by `sitrep export`,\n\
         # generated from the sitrep schema version {} the index was built with.\n\
         # Create the index with it, then ingest the parts of each export folder.",
        config.version
    );
    out.push_str("version: \"0.9\"\n");
    let _ = writeln!(out, "index_id: {}", yaml_string(index_id));
    out.push_str("doc_mapping:\n  mode: strict\n  field_mappings:\n");
    for field in fields {
        let _ = writeln!(out, "    - name: {}", field.name);
        let _ = writeln!(
            out,
            "      description: {}",
            yaml_string(&description(config, field))
        );
        let lines: &[&str] = match field.kind {
            Kind::Keyword => &[
                "type: text",
                "tokenizer: raw",
                "record: basic",
                "indexed: true",
                "stored: true",
                "fast: true",
            ],
            Kind::Stored => &["type: text", "indexed: false", "stored: true"],
            Kind::Terms => &[
                "type: text",
                "tokenizer: whitespace",
                "record: position",
                "fieldnorms: true",
                "indexed: true",
                "stored: false",
            ],
            Kind::Date => &[
                "type: datetime",
                "input_formats: [rfc3339]",
                "output_format: rfc3339",
                "fast_precision: seconds",
                "indexed: true",
                "stored: true",
                "fast: true",
            ],
            Kind::Keywords => &[
                "type: array<text>",
                "tokenizer: raw",
                "record: basic",
                "indexed: true",
                "stored: true",
                "fast: true",
            ],
        };
        for line in lines {
            let _ = writeln!(out, "      {line}");
        }
    }
    let search: Vec<&str> = fields
        .iter()
        .filter(|f| f.kind == Kind::Terms)
        .map(|f| f.name)
        .collect();
    let _ = writeln!(
        out,
        "search_settings:\n  default_search_fields: [{}]",
        search.join(", ")
    );
    out
}

/// The OpenSearch index body (settings and mappings) of an export holding
/// `fields`, pretty-printed.
///
/// One shard: BM25 then counts every document in its statistics, as a
/// local index does, and a relevance ranking is the same as sitrep's.
pub(crate) fn opensearch(config: &SchemaConfig, fields: &[RemoteField]) -> String {
    let mut properties = Map::new();
    let mut docs = Map::new();
    for field in fields {
        let mapping = match field.kind {
            Kind::Keyword | Kind::Keywords => json!({ "type": "keyword" }),
            Kind::Stored => json!({ "type": "text", "index": false }),
            Kind::Terms => json!({
                "type": "text",
                "analyzer": "whitespace",
                "index_options": "positions",
                "norms": true
            }),
            Kind::Date => json!({ "type": "date", "format": "strict_date_optional_time" }),
        };
        properties.insert(field.name.to_owned(), mapping);
        docs.insert(
            field.name.to_owned(),
            Value::String(description(config, field)),
        );
    }
    let body = json!({
        "settings": {
            "index": { "number_of_shards": 1 }
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {
                "generated_by": "sitrep export",
                "sitrep_schema_version": config.version,
                "fields": docs
            },
            "properties": properties
        }
    });
    let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
    text.push('\n');
    text
}

/// `text` as a YAML double-quoted scalar: only `"` and `\` are escaped
/// by a backslash, every control character, line or paragraph separator
/// and byte order mark by its code point, so no text can end the scalar
/// or fold into another line.
pub(crate) fn yaml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{85}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `id` may name a Quickwit index (its rule for identifiers).
pub(crate) fn is_quickwit_index_id(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    first_ok && rest_ok && (3..=255).contains(&id.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index_schema::SchemaFiles;

    const SCHEMA: &str = include_str!("../../index-schema/schema.toml");

    fn config(text: &str) -> SchemaConfig {
        SchemaConfig::load(&SchemaFiles::from_pairs(&[("schema.toml", text)])).unwrap()
    }

    /// The lines of the Quickwit field mapping of `name`.
    fn quickwit_field<'a>(yaml: &'a str, name: &str) -> Vec<&'a str> {
        let start = format!("    - name: {name}\n");
        let at = yaml.find(&start).unwrap_or_else(|| panic!("no {name}"));
        yaml[at + start.len()..]
            .lines()
            .take_while(|l| l.starts_with("      "))
            .map(str::trim)
            .collect()
    }

    #[test]
    fn every_field_of_the_contract_is_defined_once() {
        let mut names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        for name in remote::KEYWORDS {
            let field = FIELDS.iter().find(|f| f.name == name).unwrap();
            assert_eq!(field.kind, Kind::Keywords, "{name}");
        }
    }

    #[test]
    fn quickwit_config_types_each_field() {
        let config = config(SCHEMA);
        let yaml = quickwit(&config, &included(&config), "sitrep");
        assert!(
            yaml.contains("\nversion: \"0.9\"\nindex_id: \"sitrep\"\n"),
            "{yaml}"
        );
        assert!(yaml.contains("\n  mode: strict\n"));
        assert!(!yaml.contains("timestamp_field"));
        assert!(yaml
            .ends_with("search_settings:\n  default_search_fields: [title_terms, body_terms]\n"));
        for field in FIELDS {
            let lines = quickwit_field(&yaml, field.name);
            let has = |line: &str| lines.contains(&line);
            match field.kind {
                Kind::Keyword => {
                    assert!(has("type: text") && has("tokenizer: raw") && has("fast: true"))
                }
                Kind::Stored => {
                    assert!(has("type: text") && has("indexed: false") && has("stored: true"));
                    // Quickwit refuses a tokenizer, record or fieldnorms
                    // on a field that is not indexed.
                    assert!(!lines.iter().any(|l| l.starts_with("tokenizer")
                        || l.starts_with("record")
                        || l.starts_with("fieldnorms")));
                }
                Kind::Terms => assert!(
                    has("tokenizer: whitespace")
                        && has("record: position")
                        && has("fieldnorms: true")
                        && has("stored: false")
                ),
                Kind::Date => assert!(
                    has("type: datetime")
                        && has("input_formats: [rfc3339]")
                        && has("fast: true")
                        && has("fast_precision: seconds")
                ),
                Kind::Keywords => assert!(
                    has("type: array<text>") && has("tokenizer: raw") && has("fast: true"),
                    "{}: {lines:?}",
                    field.name
                ),
            }
            assert!(
                lines
                    .first()
                    .is_some_and(|l| l.starts_with("description: \"")),
                "{}",
                field.name
            );
        }
        // The doc of schema.toml flows through.
        let title = quickwit_field(&yaml, remote::TITLE);
        assert!(title.contains(
            &"description: \"the headline; a match here weighs twice a match in the body\""
        ));
    }

    #[test]
    fn opensearch_mapping_types_each_field() {
        let config = config(SCHEMA);
        let text = opensearch(&config, &included(&config));
        let body: Value = serde_json::from_str(&text).unwrap();
        let mappings = &body["mappings"];
        assert_eq!(mappings["dynamic"], "strict");
        let properties = mappings["properties"].as_object().unwrap();
        assert_eq!(properties.len(), FIELDS.len());
        for field in FIELDS {
            let m = &properties[field.name];
            match field.kind {
                Kind::Keyword | Kind::Keywords => assert_eq!(m["type"], "keyword"),
                Kind::Stored => {
                    assert_eq!(m["type"], "text");
                    assert_eq!(m["index"], false);
                }
                Kind::Terms => {
                    assert_eq!(m["analyzer"], "whitespace");
                    assert_eq!(m["index_options"], "positions");
                    assert_eq!(m["norms"], true);
                }
                Kind::Date => assert_eq!(m["type"], "date"),
            }
            assert!(mappings["_meta"]["fields"][field.name].is_string());
        }
    }

    #[test]
    fn a_field_the_index_does_not_store_is_left_out() {
        let unstored = SCHEMA.replace(
            "[fields.url]\nkind = \"string\"\nstored = true",
            "[fields.url]\nkind = \"string\"\nstored = false",
        );
        let config = config(&unstored);
        let fields = included(&config);
        assert!(!fields.iter().any(|f| f.name == remote::URL));
        assert_eq!(fields.len(), FIELDS.len() - 1);
        assert!(!quickwit(&config, &fields, "sitrep").contains("name: url\n"));
    }

    #[test]
    fn yaml_strings_cannot_break_out() {
        assert_eq!(yaml_string("plain"), "\"plain\"");
        assert_eq!(
            yaml_string("a \"quote\" \\ and\nline\ttab\u{2028}"),
            "\"a \\\"quote\\\" \\\\ and\\u000aline\\u0009tab\\u2028\""
        );
        // What YAML reads back is what JSON reads back: the escapes used
        // are common to both.
        let quoted = yaml_string("x\"y\\z\n\u{1}é");
        let back: String = serde_json::from_str(&quoted).unwrap();
        assert_eq!(back, "x\"y\\z\n\u{1}é");
    }

    #[test]
    fn quickwit_index_ids_follow_quickwit_rules() {
        assert!(is_quickwit_index_id("sitrep"));
        assert!(is_quickwit_index_id("news-2024.v1_a"));
        assert!(!is_quickwit_index_id("ab"));
        assert!(!is_quickwit_index_id("1news"));
        assert!(!is_quickwit_index_id("news index"));
        assert!(!is_quickwit_index_id("news\"x"));
    }
}
