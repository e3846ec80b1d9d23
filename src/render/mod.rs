//! ⑦ Render: results as text for people and as JSON Lines for programs.
//!
//! Everything here writes to a `W: Write` it is given and never looks at
//! the terminal itself: the caller decides colour and sanitising once
//! ([`Style`]).
//!
//! One folder, one file per format: `text.rs` for people, `json.rs`
//! (JSON Lines, its format documented there) and `csv.rs` for programs,
//! and `layout.rs` for fitting text to a terminal.

mod csv;
mod json;
mod layout;
mod text;

pub use layout::{display_width, sanitize};
use layout::{fit, MIN_ROOM};
use text::counted_words;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::article::Card;
use crate::fields::FacetKind;
use crate::gazetteer::extract::Extraction;
use crate::index::Stats;
use crate::search::pictures::{Picture, Summary};
use crate::search::tables::Granularity;

use crate::search::{FacetCount, Highlighted, Results};

/// How text output looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Use ANSI colours and bold.
    pub color: bool,
    /// Neutralise control characters, escape sequences and bidirectional
    /// overrides from article text (on a terminal).
    pub sanitize: bool,
    /// The terminal's width in columns: lines are fitted to it, long
    /// titles cut with an ellipsis and snippets wrapped. `None` (output
    /// piped to a program) leaves every line whole.
    pub width: Option<usize>,
}

const BOLD_RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

impl Style {
    /// `text` in `code`. A reset inside `text` (a highlighted word in a
    /// bold title) ends every attribute, so `code` is given again after it.
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            let inner = text.replace(RESET, &format!("{RESET}{code}"));
            format!("{code}{inner}{RESET}")
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

    /// Article text whose line breaks are kept (a body shown in full, a
    /// field on a line of its own): sanitised on a terminal, as it is
    /// elsewhere.
    fn clean_keeping_lines(&self, text: &str) -> String {
        if self.sanitize {
            sanitize(text)
        } else {
            text.to_owned()
        }
    }

    /// Text with highlighted ranges, sanitised piece by piece, with the
    /// ranges moved to match.
    fn cleaned(&self, h: &Highlighted) -> Highlighted {
        let mut out = Highlighted::default();
        let mut at = 0;
        for &(start, end) in &h.highlights {
            let (Some(before), Some(word)) = (h.text.get(at..start), h.text.get(start..end)) else {
                continue;
            };
            out.text.push_str(&self.clean(before));
            let from = out.text.len();
            out.text.push_str(&self.clean(word));
            out.highlights.push((from, out.text.len()));
            at = end;
        }
        out.text
            .push_str(&self.clean(h.text.get(at..).unwrap_or("")));
        out
    }

    /// Cleaned text with its highlighted words painted.
    fn painted(&self, h: &Highlighted) -> String {
        if !self.color {
            return h.text.clone();
        }
        let mut out = String::new();
        let mut at = 0;
        for &(start, end) in &h.highlights {
            let (Some(before), Some(word)) = (h.text.get(at..start), h.text.get(start..end)) else {
                continue;
            };
            out.push_str(before);
            out.push_str(&self.paint(BOLD_RED, word));
            at = end;
        }
        out.push_str(h.text.get(at..).unwrap_or(""));
        out
    }

    /// Text with highlighted ranges, cleaned, fitted to `columns` when the
    /// width is known, and painted.
    fn highlighted_fit(&self, h: &Highlighted, columns: Option<usize>) -> String {
        let clean = self.cleaned(h);
        match columns {
            Some(c) => self.painted(&fit(&clean, c)),
            None => self.painted(&clean),
        }
    }

    /// Columns left for text indented by `indent`, when the width is known.
    fn room(&self, indent: usize) -> Option<usize> {
        self.width.map(|w| w.saturating_sub(indent).max(MIN_ROOM))
    }
}

/// The facet fields in display order, with their counts in `results`.
fn facet_fields(results: &Results) -> [(FacetKind, &[FacetCount]); 6] {
    FacetKind::ALL.map(|kind| (kind, results.facets.of(kind)))
}

/// `1,204 articles with all 2 words (filtered by province Iraq/Nineveh)`:
/// what a timeline or table counted.
fn summary_phrase(summary: &Summary) -> String {
    let mut out = format!(
        "{} {}",
        summary.total,
        counted_words(summary.counted, summary.total)
    );
    if !summary.filters.is_empty() {
        let f: Vec<String> = summary
            .filters
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out.push_str(&format!(" (filtered by {})", f.join(", ")));
    }
    out
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// For people: aligned, fitted to the terminal, highlighted.
    Text,
    /// JSON Lines for programs (documented in `json.rs` and the README).
    Json,
    /// Comma-separated values for spreadsheets (RFC 4180).
    Csv,
}

/// Writes everything a command prints on stdout, in one format: one
/// printer with one method per thing shown, each format in its own file,
/// the way ripgrep has one printer per output mode.
///
/// Search results, facet counts, timelines and tables exist in all three
/// formats; a single article (`show`, `extract`) and index statistics are
/// text or JSON, CSV printing them as text.
pub struct Printer<W: Write> {
    out: W,
    format: OutputFormat,
    style: Style,
    /// Paths under this folder are shown relative to it (the current
    /// folder, given by the caller: the library never asks).
    base: Option<PathBuf>,
}

impl<W: Write> Printer<W> {
    /// A printer of `format` writing to `out`.
    pub fn new(out: W, format: OutputFormat, style: Style, base: Option<PathBuf>) -> Self {
        Printer {
            out,
            format,
            style,
            base,
        }
    }

    /// Search results: the hits, the facet counts and a summary.
    /// `elapsed_ms` goes into the JSON summary.
    pub fn results(&mut self, results: &Results, query: &str, elapsed_ms: u128) -> io::Result<()> {
        match self.format {
            OutputFormat::Text => {
                text::results_text(&mut self.out, results, self.style, self.base.as_deref())
            }
            OutputFormat::Json => json::results_json(&mut self.out, results, query, elapsed_ms),
            OutputFormat::Csv => csv::results_csv(&mut self.out, results, self.style),
        }
    }

    /// What `sitrep facets` drew.
    pub fn picture(&mut self, picture: &Picture) -> io::Result<()> {
        let w = &mut self.out;
        match (picture, self.format) {
            (Picture::Values { kind, results }, OutputFormat::Text) => {
                text::facet_text(w, results, *kind, self.style)
            }
            (Picture::Values { kind, results }, OutputFormat::Json) => {
                json::facet_json(w, results, *kind)
            }
            (Picture::Values { kind, results }, OutputFormat::Csv) => {
                csv::facet_csv(w, results, *kind, self.style)
            }
            (
                Picture::Timeline {
                    timeline,
                    granularity,
                    summary,
                },
                format,
            ) => {
                let unit = match granularity {
                    Granularity::Year => "year",
                    Granularity::Month => "month",
                };
                match format {
                    OutputFormat::Text => text::timeline_text(w, timeline, summary, self.style),
                    OutputFormat::Json => json::timeline_json(w, timeline, unit, summary.total),
                    OutputFormat::Csv => csv::timeline_csv(w, timeline, unit, self.style),
                }
            }
            (
                Picture::Table {
                    table,
                    kinds,
                    summary,
                },
                format,
            ) => {
                let names = (kinds.0.name(), kinds.1.name());
                match format {
                    OutputFormat::Text => text::table_text(w, table, names, summary, self.style),
                    OutputFormat::Json => json::table_json(w, table, names),
                    OutputFormat::Csv => csv::table_csv(w, table, names, self.style),
                }
            }
        }
    }

    /// One article in full (`sitrep show`).
    pub fn card(&mut self, card: &Card) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => json::card_json(&mut self.out, card),
            OutputFormat::Text | OutputFormat::Csv => {
                text::card_text(&mut self.out, card, self.style, self.base.as_deref())
            }
        }
    }

    /// One article and what the gazetteers found in it (`sitrep extract`).
    pub fn extraction(&mut self, extraction: &Extraction) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => json::extraction_json(&mut self.out, extraction),
            OutputFormat::Text | OutputFormat::Csv => {
                text::extraction_text(&mut self.out, extraction, self.style)
            }
        }
    }

    /// Numbers about an index (`sitrep stats`).
    pub fn stats(&mut self, stats: &Stats) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => json::stats_json(&mut self.out, stats),
            OutputFormat::Text | OutputFormat::Csv => text::stats_text(&mut self.out, stats),
        }
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Counted, FacetCounts, Hit};

    fn results() -> Results {
        Results {
            hits: vec![Hit {
                rank: 1,
                score: 3.5,
                full_match: true,
                words_matched: 1,
                title: Highlighted {
                    text: "ISIS cell \u{1b}[31mcaught".into(),
                    highlights: vec![(0, 4)],
                },
                snippet: Highlighted {
                    text: "An ISIS cell was caught".into(),
                    highlights: vec![(3, 7)],
                },
                article: Card {
                    id: "iraq/a.txt".into(),
                    title: "ISIS cell \u{1b}[31mcaught".into(),
                    date: Some("2021-03-03".into()),
                    source: None,
                    url: None,
                    path: "/corpus/iraq/a.txt".into(),
                    provinces: vec!["Iraq/Nineveh".into()],
                    actors: vec!["Islamic State".into()],
                    actor_kinds: vec!["jihadist group".into()],
                    mentioned_provinces: vec![],
                    mentioned_actors: vec![],
                    body: "An ISIS cell was caught".into(),
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

    fn print(out: &mut Vec<u8>, format: OutputFormat, style: Style, base: Option<&str>) {
        let mut printer = Printer::new(out, format, style, base.map(PathBuf::from));
        printer.results(&results(), "isis", 3).unwrap();
        printer.flush().unwrap();
    }

    #[test]
    fn paths_under_the_base_folder_are_shown_relative_to_it() {
        let mut out = Vec::new();
        print(
            &mut out,
            OutputFormat::Text,
            Style::default(),
            Some("/corpus"),
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("    iraq/a.txt  id: iraq/a.txt\n"), "{text}");
        let mut out = Vec::new();
        print(
            &mut out,
            OutputFormat::Text,
            Style::default(),
            Some("/elsewhere"),
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("    /corpus/iraq/a.txt  id: iraq/a.txt\n"),
            "{text}"
        );
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_hit() {
        let mut out = Vec::new();
        print(&mut out, OutputFormat::Csv, Style::default(), None);
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
        assert_eq!(rows.len(), 2, "{text}");
        assert!(rows[0].starts_with("id,date,title"), "{text}");
        assert!(rows[1].starts_with("iraq/a.txt,2021-03-03,"), "{text}");
    }

    #[test]
    fn json_lines_parse_back() {
        let mut out = Vec::new();
        print(&mut out, OutputFormat::Json, Style::default(), None);
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
            width: None,
        };
        print(&mut out, OutputFormat::Text, style, None);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\\u{1b}[31mcaught"), "{text}");
        assert!(text.contains(&format!("{BOLD_RED}ISIS{RESET}")));
    }

    #[test]
    fn plain_text_has_no_escape_codes() {
        let mut out = Vec::new();
        print(&mut out, OutputFormat::Text, Style::default(), None);
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(BOLD));
        assert!(
            text.contains("    /corpus/iraq/a.txt  id: iraq/a.txt\n"),
            "{text}"
        );
        assert!(text.contains("1 article with the word; 1 shown."), "{text}");
        assert!(text.contains("Provinces: Iraq/Nineveh 1"));
    }

    #[test]
    fn sanitize_neutralises_bidi_and_controls() {
        assert_eq!(sanitize("a\u{202e}b\u{7}c"), "a\\u{202e}b\\u{7}c");
        assert_eq!(sanitize("line\nnext"), "line next");
    }
}
