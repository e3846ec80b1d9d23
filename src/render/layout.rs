//! Fitting text to a terminal: display widths, cutting and wrapping with
//! highlights kept, bars, and neutralising escape sequences.

use crate::search::Highlighted;

/// Lines are never fitted narrower than this, however narrow the terminal.
pub(crate) const MIN_ROOM: usize = 20;

/// The display width of `text` in terminal columns.
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` cut to at most `columns` terminal columns, with `…` at the cut.
pub(crate) fn fit_str(text: &str, columns: usize) -> String {
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
pub(crate) fn fit(h: &Highlighted, columns: usize) -> Highlighted {
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

/// `values` joined with `, ` in at most `columns` columns: as many whole
/// values as fit, then `… (+N)` for the N left out; a first value too wide
/// alone is cut with `…`.
pub(crate) fn fit_values(values: &[String], columns: usize) -> String {
    let whole = values.join(", ");
    if display_width(&whole) <= columns {
        return whole;
    }
    let more = |shown: usize| format!("… (+{})", values.len() - shown);
    let mut shown = 0;
    let mut used = 0;
    for value in values {
        // The value, its separator, and the count of those after it.
        let need = if shown == 0 { 0 } else { 2 } + display_width(value);
        let tail = if shown + 1 < values.len() {
            2 + display_width(&more(shown + 1))
        } else {
            0
        };
        if used + need + tail > columns {
            break;
        }
        used += need;
        shown += 1;
    }
    match values.first() {
        Some(first) if values.len() == 1 => fit_str(first, columns),
        Some(first) if shown == 0 => {
            let tail = format!(" (+{})", values.len() - 1);
            let cut = fit_str(first, columns.saturating_sub(display_width(&tail)));
            format!("{cut}{tail}")
        }
        _ => format!(
            "{}, {}",
            values.get(..shown).unwrap_or(&[]).join(", "),
            more(shown)
        ),
    }
}

/// `text` cut in the middle to at most `columns` columns: for paths,
/// whose file name matters most.
pub(crate) fn fit_middle(text: &str, columns: usize) -> String {
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
pub(crate) fn wrap(h: &Highlighted, columns: usize, max_lines: usize) -> Vec<Highlighted> {
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

pub(crate) const BAR_EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// A horizontal bar of `value / max` of `columns` columns, in eighths.
pub(crate) fn bar(value: u64, max: u64, columns: usize) -> String {
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

/// The short name of a facet value for a column header: the province
/// without its country, unless two columns would then read the same.
pub(crate) fn short_names(values: &[(String, u64)]) -> Vec<String> {
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
pub(crate) const HEADER_MAX: usize = 14;

/// A stored path, relative to `base` (the current folder) when it lies
/// inside it.
pub(crate) fn display_path(path: &str, base: Option<&std::path::Path>) -> String {
    let p = std::path::Path::new(path);
    base.and_then(|base| p.strip_prefix(base).ok())
        .map(|r| r.display().to_string())
        .unwrap_or_else(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn values_are_cut_between_values_with_the_count_left_out() {
        let v = values(&["Iraq/Nineveh", "Iraq/Kirkuk", "Syria/Raqqa", "Syria/Idlib"]);
        assert_eq!(fit_values(&v, 100), v.join(", "));
        let cut = fit_values(&v, 34);
        assert_eq!(cut, "Iraq/Nineveh, Iraq/Kirkuk, … (+2)");
        assert!(display_width(&cut) <= 34);
        // The count's room is kept even when only one value fits.
        assert_eq!(fit_values(&v, 24), "Iraq/Nineveh, … (+3)");
        // A first value too wide alone is cut inside.
        assert_eq!(fit_values(&v, 12), "Iraq/N… (+3)");
        assert_eq!(
            fit_values(&values(&["Democratic Forces"]), 10),
            "Democrati…"
        );
        assert_eq!(fit_values(&[], 10), "");
    }
}
