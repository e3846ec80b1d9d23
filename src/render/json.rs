//! JSON Lines for programs: every line one typed message.
//!
//! # Format
//!
//! With `--json`, every line is one message `{"type": …, "data": …}`:
//!
//! * `hit`: `rank`, `id`, `score`, `match` (`"all"` or `"partial"`),
//!   `words_matched`, `words`, `title`, `title_highlights`, `date`, `year`,
//!   `provinces`, `actors` (the event places and actors; actors as paths,
//!   `Islamic State/ISWAP`), `actor_kinds`, `path`, `location` (`path#id`
//!   for a record of a JSON Lines or JSON file), `source`, `url`,
//!   `snippet` (`text`, `highlights`); highlights are `[start, end)` byte
//!   ranges;
//! * `facet`: `field` (`province`, `country`, `region`, `actor`,
//!   `actor-kind`, `year`), `counted` (`"all"` or `"partial"`), `values` (`value`,
//!   `count`), over all matching articles; actor values are paths, each
//!   after its parent, and a parent counts its children's articles too;
//!   `more`: how many further values `--facet-limit` left out (for actors,
//!   top-level actors), 0 when the list is whole;
//! * `summary`: `query`, `filters`, `total`, `full_matches`, `counted`,
//!   `words_required`, `words`, `shown`, `expansions` (`words`, `field`,
//!   `value`), `elapsed_ms`.
//!
//! Text in JSON is exactly as stored: nothing is escaped but what JSON
//! requires.

use std::io::{self, Write};

use serde::Serialize;

use crate::search::tables::{CrossTable, Timeline};
use crate::search::Results;

use super::facet_fields;
use crate::article::Card;
use crate::fields::FacetKind;
use crate::gazetteer::extract::Extraction;
use crate::index::Stats;

#[derive(Serialize)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
pub(crate) enum Message<'a> {
    Hit(HitData<'a>),
    Facet(FacetData<'a>),
    Summary(SummaryData<'a>),
}

#[derive(Serialize)]
pub(crate) struct HitData<'a> {
    rank: usize,
    id: &'a str,
    score: f32,
    #[serde(rename = "match")]
    match_kind: &'static str,
    words_matched: usize,
    words: usize,
    title: &'a str,
    title_highlights: &'a [(usize, usize)],
    date: Option<&'a str>,
    year: Option<u16>,
    provinces: &'a [String],
    actors: &'a [String],
    actor_kinds: &'a [String],
    path: &'a str,
    /// `path#id` for a record of a JSON Lines or JSON file, else the path:
    /// what `sitrep show` takes besides the id.
    location: String,
    source: Option<&'a str>,
    url: Option<&'a str>,
    snippet: SnippetData<'a>,
}

#[derive(Serialize)]
pub(crate) struct SnippetData<'a> {
    text: &'a str,
    highlights: &'a [(usize, usize)],
}

#[derive(Serialize)]
pub(crate) struct FacetData<'a> {
    field: &'a str,
    counted: &'static str,
    values: Vec<FacetValue<'a>>,
    /// How many further values the limit left out (0: the list is whole).
    more: usize,
}

#[derive(Serialize)]
pub(crate) struct FacetValue<'a> {
    value: &'a str,
    count: u64,
}

#[derive(Serialize)]
pub(crate) struct SummaryData<'a> {
    query: &'a str,
    filters: Vec<FilterData<'a>>,
    total: u64,
    full_matches: u64,
    counted: &'static str,
    words_required: usize,
    words: usize,
    shown: usize,
    expansions: Vec<ExpansionData<'a>>,
    elapsed_ms: u128,
}

#[derive(Serialize)]
pub(crate) struct ExpansionData<'a> {
    words: &'a str,
    field: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
pub(crate) struct FilterData<'a> {
    kind: &'a str,
    value: &'a str,
}

pub(crate) fn write_json<W: Write>(w: &mut W, message: &Message<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *w, message)?;
    w.write_all(b"\n")
}

pub(crate) fn year_of(date: Option<&str>) -> Option<u16> {
    date.and_then(|d| d.get(..4)).and_then(|y| y.parse().ok())
}

/// Writes search results as JSON Lines (see the module documentation).
pub(crate) fn results_json<W: Write>(
    w: &mut W,
    results: &Results,
    query: &str,
    elapsed_ms: u128,
) -> io::Result<()> {
    for hit in &results.hits {
        write_json(
            w,
            &Message::Hit(HitData {
                rank: hit.rank,
                id: &hit.article.id,
                score: hit.score,
                match_kind: if hit.full_match { "all" } else { "partial" },
                words_matched: hit.words_matched,
                words: results.counted.words,
                title: &hit.title.text,
                title_highlights: &hit.title.highlights,
                date: hit.article.date.as_deref(),
                year: year_of(hit.article.date.as_deref()),
                provinces: &hit.article.provinces,
                actors: &hit.article.actors,
                actor_kinds: &hit.article.actor_kinds,
                path: &hit.article.path,
                location: hit.article.location(),
                source: hit.article.source.as_deref(),
                url: hit.article.url.as_deref(),
                snippet: SnippetData {
                    text: &hit.snippet.text,
                    highlights: &hit.snippet.highlights,
                },
            }),
        )?;
    }
    let counted = if results.counted.all_words() {
        "all"
    } else {
        "partial"
    };
    facets_json(w, results, None, counted)?;
    write_json(
        w,
        &Message::Summary(SummaryData {
            query,
            filters: results
                .filters
                .iter()
                .map(|(k, v)| FilterData { kind: k, value: v })
                .collect(),
            total: results.total,
            full_matches: results.full_matches,
            counted,
            words_required: results.counted.words_required,
            words: results.counted.words,
            shown: results.hits.len(),
            expansions: results
                .expansions
                .iter()
                .map(|e| ExpansionData {
                    words: &e.words,
                    field: e.kind.name(),
                    value: &e.value,
                })
                .collect(),
            elapsed_ms,
        }),
    )
}

pub(crate) fn facets_json<W: Write>(
    w: &mut W,
    results: &Results,
    only: Option<FacetKind>,
    counted: &'static str,
) -> io::Result<()> {
    for (field, values) in facet_fields(results) {
        if only.is_some_and(|o| o != field) {
            continue;
        }
        write_json(
            w,
            &Message::Facet(FacetData {
                field: field.name(),
                counted,
                values: values
                    .iter()
                    .map(|v| FacetValue {
                        value: &v.value,
                        count: v.count,
                    })
                    .collect(),
                more: results.facets.more(field),
            }),
        )?;
    }
    Ok(())
}

/// Writes the distribution of one facet as JSON Lines.
pub(crate) fn facet_json<W: Write>(
    w: &mut W,
    results: &Results,
    field: FacetKind,
) -> io::Result<()> {
    let counted = if results.counted.all_words() {
        "all"
    } else {
        "partial"
    };
    facets_json(w, results, Some(field), counted)
}

/// Writes a timeline as one JSON Lines message of type `timeline`:
/// `unit`, `periods` (`period`, `count`), `undated`, `total`.
pub(crate) fn timeline_json<W: Write>(
    w: &mut W,
    timeline: &Timeline,
    unit: &str,
    total: u64,
) -> io::Result<()> {
    let periods: Vec<serde_json::Value> = timeline
        .periods
        .iter()
        .map(|(p, n)| serde_json::json!({"period": p, "count": n}))
        .collect();
    let message = serde_json::json!({
        "type": "timeline",
        "data": {"unit": unit, "periods": periods, "undated": timeline.undated, "total": total}
    });
    serde_json::to_writer(&mut *w, &message)?;
    w.write_all(b"\n")
}

/// Writes a cross table as one JSON Lines message of type `table`:
/// `rows` and `columns` (`value`, `count`: articles with the value),
/// `cells` (a row of counts per row value), `all_rows`, `all_columns`.
pub(crate) fn table_json<W: Write>(
    w: &mut W,
    table: &CrossTable,
    dimensions: (&str, &str),
) -> io::Result<()> {
    let values = |v: &[(String, u64)]| -> Vec<serde_json::Value> {
        v.iter()
            .map(|(value, count)| serde_json::json!({"value": value, "count": count}))
            .collect()
    };
    let message = serde_json::json!({
        "type": "table",
        "data": {
            "row_field": dimensions.0,
            "column_field": dimensions.1,
            "rows": values(&table.rows),
            "columns": values(&table.columns),
            "cells": table.cells,
            "all_rows": table.all_rows,
            "all_columns": table.all_columns,
        }
    });
    serde_json::to_writer(&mut *w, &message)?;
    w.write_all(b"\n")
}

/// Writes one article in full as a JSON object (`sitrep show --json`):
/// id, title, date, source, url, path, provinces, actors (the event
/// values), actor_kinds, mentioned_provinces, mentioned_actors (every
/// mention, whatever its role), body.
pub(crate) fn card_json<W: Write>(w: &mut W, card: &Card) -> io::Result<()> {
    serde_json::to_writer(&mut *w, card)?;
    w.write_all(b"\n")
}

/// `sitrep extract --json`: one object per article.
#[derive(Serialize)]
struct ExtractionData<'a> {
    id: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    year: Option<u16>,
    provinces: &'a [String],
    actors: &'a [String],
    path: &'a str,
    /// Every resolved mention with its role.
    mentions: Vec<RoledData<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    explained: Vec<ExplainedData<'a>>,
}

/// One resolved mention and its role.
#[derive(Serialize)]
struct RoledData<'a> {
    kind: &'static str,
    value: &'a str,
    role: &'static str,
    offset: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    in_title: bool,
    rule: &'a str,
    text: &'a str,
}

/// One mention, with `--explain`.
#[derive(Serialize)]
struct ExplainedData<'a> {
    text: &'a str,
    resolved: Option<&'a str>,
    role: Option<&'static str>,
    rule: &'a str,
    note: &'a str,
}

/// Writes what the gazetteers found in one article as a JSON object:
/// id, title, date, year, the event provinces and actors, path, every
/// mention with its role (kind, value, role, offset, rule, text), and with
/// `--explain` each match and what became of it (`explained`).
pub(crate) fn extraction_json<W: Write>(w: &mut W, x: &Extraction) -> io::Result<()> {
    let card = &x.card;
    let data = ExtractionData {
        id: &card.id,
        title: &card.title,
        date: card.date.as_deref(),
        year: card.year(),
        provinces: &card.provinces,
        actors: &card.actors,
        path: &card.path,
        mentions: x
            .mentions
            .iter()
            .map(|m| RoledData {
                kind: m.kind.name(),
                value: &m.value,
                role: m.role.name(),
                offset: m.offset,
                in_title: m.in_title,
                rule: &m.rule,
                text: &m.text,
            })
            .collect(),
        explained: x
            .explained
            .iter()
            .map(|e| ExplainedData {
                text: &e.text,
                resolved: e.resolved.as_deref(),
                role: e.role.map(|r| r.name()),
                rule: &e.rule,
                note: &e.note,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &data)?;
    w.write_all(b"\n")
}

/// Writes numbers about an index as a JSON object (`sitrep stats --json`).
pub(crate) fn stats_json<W: Write>(w: &mut W, stats: &Stats) -> io::Result<()> {
    serde_json::to_writer(&mut *w, stats)?;
    w.write_all(b"\n")
}
