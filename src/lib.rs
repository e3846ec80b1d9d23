//! sitrep: full-text search over conflict news, with facets for the
//! provinces, actors and years the articles are about.
//!
//! The data flows through one module per stage, and each stage imports
//! only the stages before it:
//!
//! ```text
//!  corpus ──▶ article ──▶ gazetteer ──▶ index ──────▶ search ──▶ render
//!  walk,      parse        provinces,    schema,        plan,      text,
//!  read       formats      actors        write, commit  rank,      JSON,
//!                          (extraction)  open, watch    count      CSV
//! ```
//!
//! Beside them: [`SchemaFiles`] (the `index-schema/` folder as data),
//! the analyzer (words, folding, the tantivy tokenizer), dates, the facet
//! kinds and the errors. `ARCHITECTURE.md` draws the same map with each
//! folder's invariants. The library never prints, never reads the
//! environment or the current folder, and never exits: the `sitrep`
//! binary does that.
//!
//! ```no_run
//! let open = sitrep::open(std::path::Path::new("sitrep-index"))?;
//! let results = sitrep::search(&open, &sitrep::SearchRequest {
//!     query: "ISIS".into(),
//!     provinces: vec!["Ninawa".into()],
//!     limit: 10,
//!     ..Default::default()
//! })?;
//! for hit in &results.hits {
//!     println!("{} {}", hit.rank, hit.title.text);
//! }
//! # Ok::<(), sitrep::Error>(())
//! ```
#![deny(missing_docs)]
// Data from files, arguments and the index must never panic the program.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

mod analyzer;
mod article;
mod compact;
mod corpus;
mod date;
mod error;
mod export;
mod fields;
mod gazetteer;
mod index;
mod index_schema;
mod render;
mod search;

pub use analyzer::{fold_into, register_analyzer, words, ANALYZER_NAME};
pub use article::{
    parse as parse_articles, parse_bytes as parse_article_bytes, read_file as read_articles,
    Article, Card, Columns, Parsed, ReadOptions,
};
pub use corpus::{
    decode, files as article_files, read_content, read_text, walk, Compression, Content, Entry,
    Format, SkipReason, SourceFile, Text, MAX_FILE_BYTES,
};
pub use date::{days_from_civil, parse as parse_date, Date, Period};
pub use error::{catch_panic, panic_is_reported, Error, Problem, ProblemKind, Result, Severity};
pub use export::{
    export, ExportOptions, ExportReport, ExportTarget, DEFAULT_REMOTE_INDEX, PART_BYTES,
};
pub use fields::{is_armed_kind, leaf, FacetKind, UnknownFacet, ORGANISATION_KIND};
pub use gazetteer::extract::{extract, Extraction};
pub use gazetteer::{
    is_armed, Explained, Facets, Gazetteer, Role, RoledMention, ACTOR_KINDS, REGIONS,
};
pub use index::ids::IdRoot;
pub use index::watch::watch;
pub use index::{
    interrupt, open, recorded_schema, schema_copy, stats, update, Event, IndexOptions, IndexReport,
    OpenIndex, SegmentInfo, Stamp, Stats, FORMAT_VERSION,
};
pub use index_schema::{SchemaFiles, SchemaSource};
pub use render::{display_width, sanitize, OutputFormat, Printer, Style};
pub use search::card::{find, show, Found};
pub use search::pictures::{facets, By, FacetsRequest, Picture, Summary};
pub use search::remote::{search_remote, Engine, Remote, UnknownEngine};
pub use search::tables::{CrossCollector, CrossTable, Granularity, Timeline, TimelineCollector};
pub use search::{
    search, tally, Counted, Expansion, FacetCount, FacetCounts, FacetTotals, Highlighted, Hit,
    Matching, Results, SearchRequest, SortOrder, Tallied,
};
