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

pub use csv::{facet_csv, results_csv, table_csv, timeline_csv};
pub use json::{facet_json, results_json, table_json, timeline_json};
pub use layout::{display_path, display_width, sanitize};
use layout::{fit, fit_str, MIN_ROOM};
use text::counted_words;
pub use text::{facet_text, results_text, table_text, timeline_text};

use crate::search::{Counted, FacetCount, Highlighted, Results};

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
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
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

    /// Plain text cleaned and fitted to `columns` when given.
    fn plain_fit(&self, text: &str, columns: Option<usize>) -> String {
        let clean = self.clean(text);
        match columns {
            Some(c) => fit_str(&clean, c),
            None => clean,
        }
    }

    /// Columns left for text indented by `indent`, when the width is known.
    fn room(&self, indent: usize) -> Option<usize> {
        self.width.map(|w| w.saturating_sub(indent).max(MIN_ROOM))
    }
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

/// What a picture is about: its total, filters and the kind of count.
pub struct Caption<'a> {
    /// Articles counted.
    pub total: u64,
    /// What they are (`articles with all 2 words`).
    pub counted: Counted,
    /// The filters as resolved.
    pub filters: &'a [(String, String)],
}

impl Caption<'_> {
    fn phrase(&self) -> String {
        let mut out = format!("{} {}", self.total, counted_words(self.counted, self.total));
        if !self.filters.is_empty() {
            let f: Vec<String> = self
                .filters
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            out.push_str(&format!(" (filtered by {})", f.join(", ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Counted, FacetCounts, Highlighted, Hit, Results};

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
            width: None,
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
