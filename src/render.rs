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

use crate::facets::{CrossTable, Timeline};
use crate::search::{Counted, FacetCount, Highlighted, Hit, Results};

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

/// Lines are never fitted narrower than this, however narrow the terminal.
const MIN_ROOM: usize = 20;

/// The display width of `text` in terminal columns.
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` cut to at most `columns` terminal columns, with `…` at the cut.
fn fit_str(text: &str, columns: usize) -> String {
    fit(
        &Highlighted {
            text: text.to_owned(),
            highlights: Vec::new(),
        },
        columns,
    )
    .text
}

/// `h` cut to at most `columns` terminal columns, with `…` at the cut
/// and the highlights inside it kept.
fn fit(h: &Highlighted, columns: usize) -> Highlighted {
    if display_width(&h.text) <= columns {
        return h.clone();
    }
    let budget = columns.saturating_sub(1);
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in h.text.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        cut = i + c.len_utf8();
    }
    let kept = h.text.get(..cut).unwrap_or("").trim_end();
    let end = kept.len();
    Highlighted {
        text: format!("{kept}…"),
        highlights: h
            .highlights
            .iter()
            .filter(|&&(start, _)| start < end)
            .map(|&(start, stop)| (start, stop.min(end)))
            .collect(),
    }
}

/// `text` cut in the middle to at most `columns` columns: for paths,
/// whose file name matters most.
fn fit_middle(text: &str, columns: usize) -> String {
    if display_width(text) <= columns {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let width = |cs: &[char]| {
        cs.iter()
            .map(|&c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum::<usize>()
    };
    let tail_budget = columns.saturating_sub(1) * 2 / 3;
    let mut tail = chars.len();
    while tail > 0 && width(chars.get(tail - 1..).unwrap_or(&[])) <= tail_budget {
        tail -= 1;
    }
    let head_budget = columns.saturating_sub(1) - width(chars.get(tail + 1..).unwrap_or(&[]));
    let mut head = 0;
    while head < tail && width(chars.get(..head + 1).unwrap_or(&[])) <= head_budget {
        head += 1;
    }
    let start: String = chars.get(..head).unwrap_or(&[]).iter().collect();
    let end: String = chars.get(tail + 1..).unwrap_or(&[]).iter().collect();
    format!("{start}…{end}")
}

/// `h` wrapped at spaces into lines of at most `columns` columns, at most
/// `max_lines` of them; the last is cut with `…` when text remains.
fn wrap(h: &Highlighted, columns: usize, max_lines: usize) -> Vec<Highlighted> {
    let text = &h.text;
    let mut lines = Vec::new();
    let mut start = 0;
    while start < text.len() && lines.len() < max_lines {
        // Skip the spaces a line would start with.
        let rest = text.get(start..).unwrap_or("");
        start += rest.len() - rest.trim_start().len();
        let rest = text.get(start..).unwrap_or("");
        if rest.is_empty() {
            break;
        }
        let last = lines.len() + 1 == max_lines;
        let end = if display_width(rest) <= columns || last {
            text.len()
        } else {
            // The last space before the width is used up.
            let mut used = 0;
            let mut split = None;
            let mut hard = start;
            for (i, c) in rest.char_indices() {
                let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if used + w > columns {
                    break;
                }
                if c == ' ' {
                    split = Some(start + i);
                }
                used += w;
                hard = start + i + c.len_utf8();
            }
            split.filter(|&s| s > start).unwrap_or(hard)
        };
        let piece = Highlighted {
            text: text.get(start..end).unwrap_or("").trim_end().to_owned(),
            highlights: h
                .highlights
                .iter()
                .filter(|&&(a, b)| a < end && b > start)
                .map(|&(a, b)| (a.max(start) - start, b.min(end) - start))
                .collect(),
        };
        lines.push(if last { fit(&piece, columns) } else { piece });
        start = end;
    }
    lines
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
        format!("  (partial: {} of {} words)", hit.words_matched, words)
    };
    let rank = format!("{:>2}.", hit.rank);
    let title_room = style
        .room(rank.len() + 1)
        .map(|r| r.saturating_sub(partial.len()).max(MIN_ROOM));
    writeln!(
        w,
        "{} {}{}",
        style.paint(BOLD, &rank),
        style.paint(BOLD, &style.highlighted_fit(&hit.title, title_room)),
        style.paint(DIM, &partial)
    )?;
    let mut meta = vec![hit.date.clone().unwrap_or_else(|| "undated".into())];
    if !hit.provinces.is_empty() {
        meta.push(hit.provinces.join(", "));
    }
    if !hit.actors.is_empty() {
        meta.push(hit.actors.join(", "));
    }
    let room = style.room(INDENT.len());
    writeln!(
        w,
        "{INDENT}{}",
        style.paint(CYAN, &style.plain_fit(&meta.join(" · "), room))
    )?;
    writeln!(
        w,
        "{INDENT}{}",
        style.paint(
            GREEN,
            &match room {
                Some(columns) => fit_middle(&style.clean(&display_path(&hit.path)), columns),
                None => style.clean(&display_path(&hit.path)),
            }
        )
    )?;
    if !hit.snippet.text.is_empty() {
        let snippet = style.cleaned(&hit.snippet);
        match room {
            Some(columns) => {
                for line in wrap(&snippet, columns, SNIPPET_LINES) {
                    writeln!(w, "{INDENT}{}", style.painted(&line))?;
                }
            }
            None => writeln!(w, "{INDENT}{}", style.painted(&snippet))?,
        }
    }
    writeln!(w)
}

/// The indent of the lines under a hit's title.
const INDENT: &str = "    ";

/// At most this many lines of snippet per hit on a terminal.
const SNIPPET_LINES: usize = 3;

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
    counted_words(results.counted, results.total)
}

/// `articles with all 2 words`, for `total` articles counted as `c` says.
fn counted_words(c: Counted, total: u64) -> String {
    let articles = if total == 1 { "article" } else { "articles" };
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
        // As many values as fit on the line (8 when piped).
        let room = style.width.unwrap_or(usize::MAX);
        let mut used = label.len() + 2;
        let mut shown: Vec<String> = Vec::new();
        for v in values.iter().take(if style.width.is_some() {
            values.len()
        } else {
            8
        }) {
            let item = format!("{} {}", style.clean(&v.value), v.count);
            let more_room = if shown.len() + 1 < values.len() {
                13
            } else {
                0
            };
            if !shown.is_empty() && used + display_width(&item) + 2 + more_room > room {
                break;
            }
            used += display_width(&item) + 2;
            shown.push(item);
        }
        let more = if values.len() > shown.len() {
            format!(", … ({} more)", values.len() - shown.len())
        } else {
            String::new()
        };
        let mut items = format!("{}{more}", shown.join(", "));
        if let Some(width) = style.width {
            // One value alone may be wider than the terminal.
            let room = width.saturating_sub(label.len() + 2).max(MIN_ROOM);
            if display_width(&items) > room {
                items = fit_str(&items, room);
            }
        }
        writeln!(w, "{} {items}", style.paint(BOLD, &format!("{label}:")))?;
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

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line
/// break. A field that a spreadsheet would run as a formula (it starts
/// with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`,
/// as OWASP advises: article titles come from anywhere.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Writes one CSV record, ended by CRLF as RFC 4180 says.
fn csv_row<W: Write, S: AsRef<str>>(w: &mut W, fields: &[S]) -> io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f.as_ref())).collect();
    write!(w, "{}\r\n", line.join(","))
}

/// Writes search results as CSV: a header, then one row per hit with id,
/// date, title, provinces, actors, path and score (several values in a
/// cell are separated by `; `).
pub fn results_csv<W: Write>(w: &mut W, results: &Results) -> io::Result<()> {
    csv_row(
        w,
        &[
            "id",
            "date",
            "title",
            "provinces",
            "actors",
            "path",
            "score",
        ],
    )?;
    for hit in &results.hits {
        csv_row(
            w,
            &[
                hit.id.as_str(),
                hit.date.as_deref().unwrap_or(""),
                hit.title.text.as_str(),
                &hit.provinces.join("; "),
                &hit.actors.join("; "),
                hit.path.as_str(),
                &format!("{:.4}", hit.score),
            ],
        )?;
    }
    Ok(())
}

/// Writes the values of one facet as CSV: `value,count`.
pub fn facet_csv<W: Write>(w: &mut W, results: &Results, field: &str) -> io::Result<()> {
    csv_row(w, &[field, "count"])?;
    if let Some((_, values)) = facet_fields(results).into_iter().find(|(f, _)| *f == field) {
        for v in values {
            csv_row(w, &[v.value.as_str(), &v.count.to_string()])?;
        }
    }
    Ok(())
}

const BAR_EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// A horizontal bar of `value / max` of `columns` columns, in eighths.
fn bar(value: u64, max: u64, columns: usize) -> String {
    if max == 0 || columns == 0 {
        return String::new();
    }
    let eighths = (value as u128 * columns as u128 * 8).div_ceil(max as u128) as usize;
    let mut out = "█".repeat(eighths / 8);
    if let Some(&c) = BAR_EIGHTHS
        .get(eighths % 8)
        .filter(|_| !eighths.is_multiple_of(8))
    {
        out.push(c);
    }
    out
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

/// Writes a timeline as a bar chart: one line per year or month.
pub fn timeline_text<W: Write>(
    w: &mut W,
    timeline: &Timeline,
    caption: &Caption<'_>,
    style: Style,
) -> io::Result<()> {
    let label_width = timeline
        .periods
        .iter()
        .map(|(p, _)| p.len())
        .max()
        .unwrap_or(4);
    let max = timeline.periods.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let count_width = max.to_string().len();
    let bar_width = style
        .width
        .unwrap_or(80)
        .saturating_sub(label_width + count_width + 4)
        .clamp(10, 60);
    for (period, count) in &timeline.periods {
        let bar = bar(*count, max, bar_width);
        let pad = bar_width.saturating_sub(bar.chars().count());
        writeln!(
            w,
            "{period:<label_width$}  {}{}  {count:>count_width$}",
            style.paint(CYAN, &bar),
            " ".repeat(pad)
        )?;
    }
    let span = match (timeline.periods.first(), timeline.periods.last()) {
        (Some((a, _)), Some((b, _))) if a != b => format!(", {a} to {b}"),
        (Some((a, _)), _) => format!(", {a}"),
        _ => String::new(),
    };
    writeln!(
        w,
        "{}",
        style.paint(
            BOLD,
            &format!("{}{span}; {} undated.", caption.phrase(), timeline.undated)
        )
    )
}

/// Writes a timeline as CSV: `period,count`, then `undated`.
pub fn timeline_csv<W: Write>(w: &mut W, timeline: &Timeline, unit: &str) -> io::Result<()> {
    csv_row(w, &[unit, "count"])?;
    for (period, count) in &timeline.periods {
        csv_row(w, &[period.as_str(), &count.to_string()])?;
    }
    csv_row(w, &["undated", &timeline.undated.to_string()])
}

/// Writes a timeline as one JSON Lines message of type `timeline`:
/// `unit`, `periods` (`period`, `count`), `undated`, `total`.
pub fn timeline_json<W: Write>(
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

/// The short name of a facet value for a column header: the province
/// without its country, unless two columns would then read the same.
fn short_names(values: &[(String, u64)]) -> Vec<String> {
    let last = |v: &str| v.rsplit('/').next().unwrap_or(v).to_owned();
    values
        .iter()
        .map(|(v, _)| {
            let short = last(v);
            let clash = values.iter().filter(|(o, _)| last(o) == short).count() > 1;
            if clash {
                v.clone()
            } else {
                short
            }
        })
        .collect()
}

/// Column headers are cut to this many columns.
const HEADER_MAX: usize = 14;

/// Writes a cross table: rows × columns, fitted to the terminal (fewer
/// columns when they do not fit); empty cells show `·`.
pub fn table_text<W: Write>(
    w: &mut W,
    table: &CrossTable,
    dimensions: (&str, &str),
    caption: &Caption<'_>,
    style: Style,
) -> io::Result<()> {
    if table.rows.is_empty() || table.columns.is_empty() {
        return writeln!(
            w,
            "{}",
            style.paint(
                BOLD,
                &format!(
                    "No {} with a {} among {}.",
                    dimensions.0,
                    dimensions.1,
                    caption.phrase()
                )
            )
        );
    }
    let row_names: Vec<String> = table
        .rows
        .iter()
        .map(|(r, _)| fit_str(&style.clean(r), 32))
        .collect();
    let row_width = row_names
        .iter()
        .map(|r| display_width(r))
        .max()
        .unwrap_or(0);
    let headers: Vec<String> = short_names(&table.columns)
        .iter()
        .map(|h| fit_str(&style.clean(h), HEADER_MAX))
        .collect();
    let cell_width = |c: usize| -> usize {
        let digits = table
            .cells
            .iter()
            .filter_map(|row| row.get(c))
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1);
        headers
            .get(c)
            .map(|h| display_width(h))
            .unwrap_or(0)
            .max(digits)
    };
    // As many columns as fit.
    let mut shown = 0;
    let mut used = row_width;
    for c in 0..headers.len() {
        let need = cell_width(c) + 2;
        if style.width.is_some_and(|width| used + need > width) && shown > 0 {
            break;
        }
        used += need;
        shown += 1;
    }
    let mut line = " ".repeat(row_width);
    for (c, h) in headers.iter().enumerate().take(shown) {
        let width = cell_width(c);
        line.push_str(&format!("  {}{h}", " ".repeat(width - display_width(h))));
    }
    writeln!(w, "{}", style.paint(BOLD, &line))?;
    for (r, name) in row_names.iter().enumerate() {
        let mut line = format!("{name}{}", " ".repeat(row_width - display_width(name)));
        for c in 0..shown {
            let n = table
                .cells
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(0);
            let cell = if n == 0 {
                "·".to_owned()
            } else {
                n.to_string()
            };
            let width = cell_width(c);
            line.push_str(&format!(
                "  {}{cell}",
                " ".repeat(width.saturating_sub(cell.chars().count()))
            ));
        }
        writeln!(w, "{line}")?;
    }
    writeln!(
        w,
        "{}",
        style.paint(
            BOLD,
            &format!(
                "Top {} of {} {} values × top {} of {} {} values, over {}.",
                table.rows.len(),
                table.all_rows,
                dimensions.0,
                shown,
                table.all_columns,
                dimensions.1,
                caption.phrase()
            )
        )
    )
}

/// Writes a cross table as CSV: a header of column values, then one row
/// per row value (full `Country/Province` names).
pub fn table_csv<W: Write>(
    w: &mut W,
    table: &CrossTable,
    dimensions: (&str, &str),
) -> io::Result<()> {
    let mut header = vec![format!("{} \\ {}", dimensions.0, dimensions.1)];
    header.extend(table.columns.iter().map(|(c, _)| c.clone()));
    csv_row(w, &header)?;
    for ((r, _), cells) in table.rows.iter().zip(&table.cells) {
        let mut row = vec![r.clone()];
        row.extend(cells.iter().map(u64::to_string));
        csv_row(w, &row)?;
    }
    Ok(())
}

/// Writes a cross table as one JSON Lines message of type `table`:
/// `rows` and `columns` (`value`, `count`: articles with the value),
/// `cells` (a row of counts per row value), `all_rows`, `all_columns`.
pub fn table_json<W: Write>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::FacetCounts;

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
