//! sitrep: full-text search over conflict news, with facets for the
//! provinces, actors and years the articles are about.
//!
//! The data flows through one module per stage:
//!
//! ```text
//!  corpus ──▶ article ──▶ gazetteer ──▶ schema ──▶ index ──▶ search ──▶ render
//!  walk,      parse        provinces,    tantivy     write,     query,     text,
//!  read       formats      actors, year  documents   commit     facets     JSON
//! ```
//!
//! [`text`] (words and the tantivy analyzer) and [`date`] serve several
//! stages; [`card`] reads a hit's article back for search; [`extract`] runs the first three without an index. The library
//! never prints, never reads the environment and never exits: the `sitrep`
//! binary does that.
//!
//! ```no_run
//! use sitrep::{index, search};
//! let open = index::open(std::path::Path::new("sitrep-index"))?;
//! let results = search::search(&open, &search::SearchRequest {
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

pub mod article;
pub mod card;
pub mod corpus;
pub mod date;
pub mod error;
pub mod extract;
pub mod facets;
pub mod gazetteer;
pub mod index;
pub mod names;
pub mod render;
pub mod schema;
pub mod search;
pub mod text;
pub mod watch;

pub use error::{Error, Problem, Result};
