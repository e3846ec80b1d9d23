//! ⑦ Render: results as text for people and as JSON Lines for programs.
//!
//! Everything here writes to a `W: Write` it is given and never looks at
//! the terminal itself: the caller decides colour and sanitising once
//! ([`Style`]).
//!
//! # JSON Lines format
//!
//! With `--json`, every line is one message `{"type": …, "data": …}`:
//!
//! * `hit`: `rank`, `id`, `score`, `match` (`"all"` or `"partial"`),
//!   `words_matched`, `words`, `title`, `title_highlights`, `date`, `year`,
//!   `provinces`, `actors`, `path`, `source`, `url`, `snippet` (`text`,
//!   `highlights`); highlights are `[start, end)` byte ranges;
//! * `facet`: `field` (`province`, `country`, `actor`, `year`), `counted`
//!   (`"all"` or `"partial"`), `values` (`value`, `count`), over all
//!   matching articles;
//! * `summary`: `query`, `filters`, `total`, `full_matches`, `counted`,
//!   `words_required`, `words`, `shown`, `expansions` (`words`, `field`,
//!   `value`), `elapsed_ms`.
//!
//! Text in JSON is exactly as stored: nothing is escaped but what JSON
//! requires.

use std::io::{self, Write};

use serde::Serialize;

use crate::search::{FacetCount, Highlighted, Hit, Results};

/// How text output looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Use ANSI colours and bold.
    pub color: bool,
    /// Neutralise control characters, escape sequences and bidirectional
    /// overrides from article text (on a terminal).
    pub sanitize: bool,
}

const BOLD_RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// Article text for one line of output: sanitised on a terminal, and
    /// line breaks turned into spaces everywhere.
    fn clean(&self, text: &str) -> String {
        if self.sanitize {
            sanitize(text)
        } else {
            text.replace(['\n', '\r', '\t'], " ")
        }
    }

    /// Text with highlighted ranges, sanitised piece by piece.
    fn highlighted(&self, h: &Highlighted) -> String {
        let mut out = String::new();
        let mut at = 0;
        for &(start, end) in &h.highlights {
            let (Some(before), Some(word)) = (h.text.get(at..start), h.text.get(start..end)) else {
                continue;
            };
            out.push_str(&self.clean(before));
            if self.color {
                out.push_str(&self.paint(BOLD_RED, &self.clean(word)));
            } else {
                out.push_str(&self.clean(word));
            }
            at = end;
        }
        out.push_str(&self.clean(h.text.get(at..).unwrap_or("")));
        out
    }
}

/// Makes article text safe to print on a terminal: control characters
/// (escape sequences included), bidirectional overrides and invisible
/// formatting characters become visible `\u{…}` escapes; newlines and
/// tabs become spaces.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Writes search results for people.
pub fn results_text<W: Write>(w: &mut W, results: &Results, style: Style) -> io::Result<()> {
    for hit in &results.hits {
        hit_text(w, hit, results.counted.words, style)?;
    }
    summary_text(w, results, style)
}

fn hit_text<W: Write>(w: &mut W, hit: &Hit, words: usize, style: Style) -> io::Result<()> {
    let partial = if hit.full_match {
        String::new()
    } else {
        style.paint(
            DIM,
            &format!("  (partial: {} of {} words)", hit.words_matched, words),
        )
    };
    writeln!(
        w,
        "{} {}{}",
        style.paint(BOLD, &format!("{:>2}.", hit.rank)),
        style.paint(BOLD, &style.highlighted(&hit.title)),
        partial
    )?;
    let mut meta = vec![hit.date.clone().unwrap_or_else(|| "undated".into())];
    if !hit.provinces.is_empty() {
        meta.push(style.clean(&hit.provinces.join(", ")));
    }
    if !hit.actors.is_empty() {
        meta.push(style.clean(&hit.actors.join(", ")));
    }
    writeln!(w, "    {}", style.paint(CYAN, &meta.join(" · ")))?;
    writeln!(
        w,
        "    {}",
        style.paint(GREEN, &style.clean(&display_path(&hit.path)))
    )?;
    if !hit.snippet.text.is_empty() {
        writeln!(w, "    {}", style.highlighted(&hit.snippet))?;
    }
    writeln!(w)
}

/// A stored path, relative to the current folder when it lies inside it.
pub fn display_path(path: &str) -> String {
    let p = std::path::Path::new(path);
    match std::env::current_dir() {
        Ok(cwd) => p
            .strip_prefix(&cwd)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| path.to_owned()),
        Err(_) => path.to_owned(),
    }
}

fn counted_phrase(results: &Results) -> String {
    let c = results.counted;
    let articles = if results.total == 1 {
        "article"
    } else {
        "articles"
    };
    if c.words == 0 {
        articles.into()
    } else if c.all_words() {
        if c.words == 1 {
            format!("{articles} with the word")
        } else {
            format!("{articles} with all {} words", c.words)
        }
    } else {
        format!(
            "{articles} with at least {} of the {} words (partial matches)",
            c.words_required, c.words
        )
    }
}

fn summary_text<W: Write>(w: &mut W, results: &Results, style: Style) -> io::Result<()> {
    let filters = if results.filters.is_empty() {
        String::new()
    } else {
        let f: Vec<String> = results
            .filters
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        format!(" (filtered by {})", f.join(", "))
    };
    writeln!(
        w,
        "{}",
        style.paint(
            BOLD,
            &format!(
                "{} {}{}; {} shown.",
                results.total,
                counted_phrase(results),
                filters,
                results.hits.len()
            )
        )
    )?;
    for e in &results.expansions {
        writeln!(
            w,
            "{:?} also matched articles tagged {} {} (--no-expand turns this off).",
            e.words,
            e.field,
            style.clean(&e.value)
        )?;
    }
    if results.full_matches == 0 && results.counted.words > 1 && !results.hits.is_empty() {
        writeln!(w, "No article has all the words; showing the closest.")?;
    }
    for (label, values) in [
        ("Provinces", &results.facets.province),
        ("Countries", &results.facets.country),
        ("Actors", &results.facets.actor),
        ("Years", &results.facets.year),
    ] {
        if values.is_empty() {
            continue;
        }
        let shown: Vec<String> = values
            .iter()
            .take(8)
            .map(|v| format!("{} {}", style.clean(&v.value), v.count))
            .collect();
        let more = if values.len() > 8 {
            format!(", … ({} more)", values.len() - 8)
        } else {
            String::new()
        };
        writeln!(
            w,
            "{} {}{}",
            style.paint(BOLD, &format!("{label}:")),
            shown.join(", "),
            more
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
enum Message<'a> {
    Hit(HitData<'a>),
    Facet(FacetData<'a>),
    Summary(SummaryData<'a>),
}

#[derive(Serialize)]
struct HitData<'a> {
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
    path: &'a str,
    source: Option<&'a str>,
    url: Option<&'a str>,
    snippet: SnippetData<'a>,
}

#[derive(Serialize)]
struct SnippetData<'a> {
    text: &'a str,
    highlights: &'a [(usize, usize)],
}

#[derive(Serialize)]
struct FacetData<'a> {
    field: &'a str,
    counted: &'static str,
    values: Vec<FacetValue<'a>>,
}

#[derive(Serialize)]
struct FacetValue<'a> {
    value: &'a str,
    count: u64,
}

#[derive(Serialize)]
struct SummaryData<'a> {
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
struct ExpansionData<'a> {
    words: &'a str,
    field: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct FilterData<'a> {
    kind: &'a str,
    value: &'a str,
}

fn write_json<W: Write>(w: &mut W, message: &Message<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *w, message)?;
    w.write_all(b"\n")
}

fn year_of(date: Option<&str>) -> Option<u16> {
    date.and_then(|d| d.get(..4)).and_then(|y| y.parse().ok())
}

/// Writes search results as JSON Lines (see the module documentation).
pub fn results_json<W: Write>(
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
                id: &hit.id,
                score: hit.score,
                match_kind: if hit.full_match { "all" } else { "partial" },
                words_matched: hit.words_matched,
                words: results.counted.words,
                title: &hit.title.text,
                title_highlights: &hit.title.highlights,
                date: hit.date.as_deref(),
                year: year_of(hit.date.as_deref()),
                provinces: &hit.provinces,
                actors: &hit.actors,
                path: &hit.path,
                source: hit.source.as_deref(),
                url: hit.url.as_deref(),
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
                    field: e.field,
                    value: &e.value,
                })
                .collect(),
            elapsed_ms,
        }),
    )
}

/// The facet fields in display order, with their counts in `results`.
fn facet_fields(results: &Results) -> [(&'static str, &[FacetCount]); 4] {
    [
        ("province", &results.facets.province),
        ("country", &results.facets.country),
        ("actor", &results.facets.actor),
        ("year", &results.facets.year),
    ]
}

fn facets_json<W: Write>(
    w: &mut W,
    results: &Results,
    only: Option<&str>,
    counted: &'static str,
) -> io::Result<()> {
    for (field, values) in facet_fields(results) {
        if only.is_some_and(|o| o != field) {
            continue;
        }
        write_json(
            w,
            &Message::Facet(FacetData {
                field,
                counted,
                values: values
                    .iter()
                    .map(|v| FacetValue {
                        value: &v.value,
                        count: v.count,
                    })
                    .collect(),
            }),
        )?;
    }
    Ok(())
}

/// Writes the distribution of one facet (`sitrep facets`) for people.
pub fn facet_text<W: Write>(
    w: &mut W,
    results: &Results,
    field: &str,
    style: Style,
) -> io::Result<()> {
    let Some((_, values)) = facet_fields(results).into_iter().find(|(f, _)| *f == field) else {
        return Ok(());
    };
    let width = values
        .iter()
        .map(|v| v.value.chars().count())
        .max()
        .unwrap_or(0);
    let count_width = values
        .iter()
        .map(|v| v.count.to_string().len())
        .max()
        .unwrap_or(1);
    for v in values {
        writeln!(
            w,
            "{:<width$}  {:>count_width$}",
            style.clean(&v.value),
            v.count,
        )?;
    }
    writeln!(
        w,
        "{}",
        style.paint(
            BOLD,
            &format!(
                "{} values of {field} over {} {}.",
                values.len(),
                results.total,
                counted_phrase(results)
            )
        )
    )
}

/// Writes the distribution of one facet as JSON Lines.
pub fn facet_json<W: Write>(w: &mut W, results: &Results, field: &str) -> io::Result<()> {
    let counted = if results.counted.all_words() {
        "all"
    } else {
        "partial"
    };
    facets_json(w, results, Some(field), counted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Counted, FacetCounts};

    fn results() -> Results {
        Results {
            hits: vec![Hit {
                rank: 1,
                id: "iraq/a.txt".into(),
                score: 3.5,
                full_match: true,
                words_matched: 1,
                title: Highlighted {
                    text: "ISIS cell \u{1b}[31mcaught".into(),
                    highlights: vec![(0, 4)],
                },
                date: Some("2021-03-03".into()),
                provinces: vec!["Iraq/Nineveh".into()],
                actors: vec!["Islamic State".into()],
                path: "/corpus/iraq/a.txt".into(),
                source: None,
                url: None,
                snippet: Highlighted {
                    text: "An ISIS cell was caught".into(),
                    highlights: vec![(3, 7)],
                },
            }],
            total: 1,
            full_matches: 1,
            counted: Counted {
                words_required: 1,
                words: 1,
            },
            facets: FacetCounts {
                province: vec![FacetCount {
                    value: "Iraq/Nineveh".into(),
                    count: 1,
                }],
                ..FacetCounts::default()
            },
            filters: vec![],
            expansions: vec![],
        }
    }

    #[test]
    fn json_lines_parse_back() {
        let mut out = Vec::new();
        results_json(&mut out, &results(), "isis", 3).unwrap();
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["type"], "hit");
        assert_eq!(lines[0]["data"]["year"], 2021);
        assert_eq!(lines[0]["data"]["match"], "all");
        // JSON passes article text through untouched.
        assert_eq!(lines[0]["data"]["title"], "ISIS cell \u{1b}[31mcaught");
        assert_eq!(lines[1]["type"], "facet");
        assert_eq!(lines.last().unwrap()["type"], "summary");
        assert_eq!(lines.last().unwrap()["data"]["total"], 1);
    }

    #[test]
    fn text_is_sanitised_on_a_terminal_and_highlighted_in_colour() {
        let mut out = Vec::new();
        let style = Style {
            color: true,
            sanitize: true,
        };
        results_text(&mut out, &results(), style).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\\u{1b}[31mcaught"), "{text}");
        assert!(text.contains(&format!("{BOLD_RED}ISIS{RESET}")));
    }

    #[test]
    fn plain_text_has_no_escape_codes() {
        let mut out = Vec::new();
        results_text(&mut out, &results(), Style::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(BOLD));
        assert!(text.contains("1 article with the word; 1 shown."), "{text}");
        assert!(text.contains("Provinces: Iraq/Nineveh 1"));
    }

    #[test]
    fn sanitize_neutralises_bidi_and_controls() {
        assert_eq!(sanitize("a\u{202e}b\u{7}c"), "a\\u{202e}b\\u{7}c");
        assert_eq!(sanitize("line\nnext"), "line next");
    }
}
