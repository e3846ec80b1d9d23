//! Comma-separated values for spreadsheets (RFC 4180).

use std::io::{self, Write};

use crate::search::tables::{CrossTable, Timeline};
use crate::search::Results;

use super::{facet_fields, sanitize, Style};
use crate::fields::FacetKind;

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line
/// break. A field that a spreadsheet would run as a formula (it starts
/// with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`,
/// as OWASP advises: article titles come from anywhere.
pub(crate) fn csv_field(text: &str) -> String {
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

/// Writes one CSV record, ended by CRLF as RFC 4180 says. On a terminal
/// (`style.sanitize`) each cell is sanitised after quoting, as text output
/// is: file names and titles come from anywhere. Piped, cells stay as
/// written, for the program reading them.
pub(crate) fn csv_row<W: Write, S: AsRef<str>>(
    w: &mut W,
    style: Style,
    fields: &[S],
) -> io::Result<()> {
    let line: Vec<String> = fields
        .iter()
        .map(|f| {
            let cell = csv_field(f.as_ref());
            if style.sanitize {
                sanitize(&cell)
            } else {
                cell
            }
        })
        .collect();
    write!(w, "{}\r\n", line.join(","))
}

/// Writes search results as CSV: a header, then one row per hit with id,
/// date, title, provinces, actors, path and score (several values in a
/// cell are separated by `; `).
pub(crate) fn results_csv<W: Write>(w: &mut W, results: &Results, style: Style) -> io::Result<()> {
    csv_row(
        w,
        style,
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
            style,
            &[
                hit.article.id.as_str(),
                hit.article.date.as_deref().unwrap_or(""),
                hit.title.text.as_str(),
                &hit.article.provinces.join("; "),
                &hit.article.actors.join("; "),
                hit.article.path.as_str(),
                &format!("{:.4}", hit.score),
            ],
        )?;
    }
    Ok(())
}

/// Writes the values of one facet as CSV: `value,count`.
pub(crate) fn facet_csv<W: Write>(
    w: &mut W,
    results: &Results,
    field: FacetKind,
    style: Style,
) -> io::Result<()> {
    csv_row(w, style, &[field.name(), "count"])?;
    if let Some((_, values)) = facet_fields(results).into_iter().find(|(f, _)| *f == field) {
        for v in values {
            csv_row(w, style, &[v.value.as_str(), &v.count.to_string()])?;
        }
    }
    Ok(())
}

/// Writes a timeline as CSV: `period,count`, then `undated`.
pub(crate) fn timeline_csv<W: Write>(
    w: &mut W,
    timeline: &Timeline,
    unit: &str,
    style: Style,
) -> io::Result<()> {
    csv_row(w, style, &[unit, "count"])?;
    for (period, count) in &timeline.periods {
        csv_row(w, style, &[period.as_str(), &count.to_string()])?;
    }
    csv_row(w, style, &["undated", &timeline.undated.to_string()])
}

/// Writes a cross table as CSV: a header naming the rows' facet, then the
/// column values; then one row per row value (full `Country/Province`
/// names). The first header cell is the rows' facet alone (`actor`), so
/// that a program reads that column by its name.
pub(crate) fn table_csv<W: Write>(
    w: &mut W,
    table: &CrossTable,
    dimensions: (&str, &str),
    style: Style,
) -> io::Result<()> {
    let mut header = vec![dimensions.0.to_owned()];
    header.extend(table.columns.iter().map(|(c, _)| c.clone()));
    csv_row(w, style, &header)?;
    for ((r, _), cells) in table.rows.iter().zip(&table.cells) {
        let mut row = vec![r.clone()];
        row.extend(cells.iter().map(u64::to_string));
        csv_row(w, style, &row)?;
    }
    Ok(())
}
