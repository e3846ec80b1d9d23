//! Output for people: hits, summaries, facet lists, timelines and tables,
//! fitted to the terminal and coloured when asked.

use std::io::{self, Write};

use crate::fields::leaf;
use crate::search::tables::{CrossTable, Timeline};
use crate::search::{Counted, FacetCount, FacetCounts, Hit, Results};

use super::layout::{
    bar, display_path, display_width, fit_middle, fit_str, fit_values, short_names, wrap,
    HEADER_MAX, MIN_ROOM,
};
use super::{facet_fields, summary_phrase, Style, BOLD, CYAN, DIM, GREEN};
use crate::article::Card;
use crate::fields::FacetKind;
use crate::gazetteer::extract::Extraction;
use crate::index::Stats;
use crate::search::pictures::Summary;
use std::path::Path;

/// Writes search results for people.
pub(crate) fn results_text<W: Write>(
    w: &mut W,
    results: &Results,
    style: Style,
    base: Option<&Path>,
) -> io::Result<()> {
    for hit in &results.hits {
        hit_text(w, hit, results.counted.words, style, base)?;
    }
    summary_text(w, results, style)
}

pub(crate) fn hit_text<W: Write>(
    w: &mut W,
    hit: &Hit,
    words: usize,
    style: Style,
    base: Option<&Path>,
) -> io::Result<()> {
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
    let room = style.room(INDENT.len());
    for line in facts_lines(hit, style, room) {
        writeln!(w, "{INDENT}{}", style.paint(CYAN, &line))?;
    }
    // Where it is, and the id `sitrep show` takes (either opens it); on a
    // terminal too narrow for both, the id goes on a line of its own.
    let location = style.clean(&display_path(&hit.article.location(), base));
    let id = format!("id: {}", style.clean(&hit.article.id));
    match room {
        Some(columns) if display_width(&location) + 2 + display_width(&id) > columns => {
            let location = fit_middle(&location, columns);
            writeln!(w, "{INDENT}{}", style.paint(GREEN, &location))?;
            let id = fit_middle(&id, columns);
            writeln!(w, "{INDENT}{}", style.paint(DIM, &id))?;
        }
        _ => writeln!(
            w,
            "{INDENT}{}  {}",
            style.paint(GREEN, &location),
            style.paint(DIM, &id)
        )?,
    }
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

/// A hit's date, places and actors: one line when they fit in `room`
/// columns (or it is not known), else the date and places on one line
/// and the actors on the next, each list cut between two values with the
/// number left out, so that neither pushes the other off the screen.
fn facts_lines(hit: &Hit, style: Style, room: Option<usize>) -> Vec<String> {
    let date = style.clean(hit.article.date.as_deref().unwrap_or("undated"));
    let places: Vec<String> = hit
        .article
        .provinces
        .iter()
        .map(|p| style.clean(p))
        .collect();
    // The actor's own name: its path is in JSON and CSV.
    let actors: Vec<String> = hit
        .article
        .actors
        .iter()
        .map(|a| style.clean(leaf(a)))
        .collect();
    let lists: Vec<&Vec<String>> = [&places, &actors]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect();
    let mut whole = vec![date.clone()];
    whole.extend(lists.iter().map(|l| l.join(", ")));
    let whole = whole.join(" · ");
    let Some(room) = room.filter(|&r| display_width(&whole) > r) else {
        return vec![whole];
    };
    let after_date = room.saturating_sub(display_width(&date) + 3);
    match lists.as_slice() {
        [] => vec![fit_str(&date, room)],
        [one] => vec![format!("{date} · {}", fit_values(one, after_date))],
        [first, second, ..] => vec![
            format!("{date} · {}", fit_values(first, after_date)),
            fit_values(second, room),
        ],
    }
}

/// The indent of the lines under a hit's title.
pub(crate) const INDENT: &str = "    ";

/// At most this many lines of snippet per hit on a terminal.
pub(crate) const SNIPPET_LINES: usize = 3;

pub(crate) fn counted_phrase(results: &Results) -> String {
    counted_words(results.counted, results.total)
}

/// `articles with all 2 words`, for `total` articles counted as `c` says.
pub(crate) fn counted_words(c: Counted, total: u64) -> String {
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

pub(crate) fn summary_text<W: Write>(w: &mut W, results: &Results, style: Style) -> io::Result<()> {
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
            e.kind,
            style.clean(&e.value)
        )?;
    }
    if results.full_matches == 0 && results.counted.words > 1 && !results.hits.is_empty() {
        writeln!(w, "No article has all the words; showing the closest.")?;
    }
    let item = |v: &FacetCount| format!("{} {}", style.clean(&v.value), v.count);
    let plain = |values: &[FacetCount]| values.iter().map(item).collect::<Vec<_>>();
    let facets = &results.facets;
    // Values counted but left out of the lists by the facet limit.
    let armed_listed = armed_actor_items(facets, style).len();
    for (label, items, unlisted) in [
        (
            "Provinces",
            plain(&facets.province),
            facets.more(FacetKind::Province),
        ),
        (
            "Countries",
            plain(&facets.country),
            facets.more(FacetKind::Country),
        ),
        (
            "Actors",
            armed_actor_items(facets, style),
            facets.distinct.armed_actor.saturating_sub(armed_listed),
        ),
        (
            "Kinds",
            plain(&facets.actor_kind),
            facets.more(FacetKind::ActorKind),
        ),
        ("Years", plain(&facets.year), facets.more(FacetKind::Year)),
    ] {
        if items.is_empty() {
            continue;
        }
        // As many values as fit on the line (8 when piped).
        let room = style.width.unwrap_or(usize::MAX);
        let mut used = label.len() + 2;
        let mut shown: Vec<&str> = Vec::new();
        for item in items.iter().take(if style.width.is_some() {
            items.len()
        } else {
            8
        }) {
            let more_room = if shown.len() + 1 < items.len() { 13 } else { 0 };
            if !shown.is_empty() && used + display_width(item) + 2 + more_room > room {
                break;
            }
            used += display_width(item) + 2;
            shown.push(item);
        }
        let more = items.len() - shown.len() + unlisted;
        let more = if more > 0 {
            format!(", … ({more} more)")
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

/// The summary's actors: the top-level armed actors (organisations are
/// left out) with their counts, which include their children's, and
/// their first children: `Islamic State 12 (ISWAP 5, ISKP 3)`.
fn armed_actor_items(facets: &FacetCounts, style: Style) -> Vec<String> {
    let mut items = Vec::new();
    for root in facets.actor.iter().filter(|v| !v.value.contains('/')) {
        if facets.is_unarmed(&root.value) {
            continue;
        }
        let prefix = format!("{}/", root.value);
        let children: Vec<String> = facets
            .actor
            .iter()
            .filter(|c| {
                c.value
                    .strip_prefix(&prefix)
                    .is_some_and(|rest| !rest.contains('/'))
            })
            .filter(|c| !facets.is_unarmed(&c.value))
            .take(SUMMARY_CHILDREN)
            .map(|c| format!("{} {}", style.clean(leaf(&c.value)), c.count))
            .collect();
        let mut item = format!("{} {}", style.clean(&root.value), root.count);
        if !children.is_empty() {
            item.push_str(&format!(" ({})", children.join(", ")));
        }
        items.push(item);
    }
    items
}

/// How many children of a top-level actor the summary names.
const SUMMARY_CHILDREN: usize = 2;

/// Writes the distribution of one facet (`sitrep facets`) for people.
pub(crate) fn facet_text<W: Write>(
    w: &mut W,
    results: &Results,
    field: FacetKind,
    style: Style,
) -> io::Result<()> {
    let Some((_, values)) = facet_fields(results).into_iter().find(|(f, _)| *f == field) else {
        return Ok(());
    };
    // Actors as a tree: each child indented under its parent, by its own
    // name.
    let names: Vec<String> = values
        .iter()
        .map(|v| match field {
            FacetKind::Actor => {
                let depth = v.value.matches('/').count();
                format!("{}{}", "  ".repeat(depth), leaf(&v.value))
            }
            _ => v.value.clone(),
        })
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let count_width = values
        .iter()
        .map(|v| v.count.to_string().len())
        .max()
        .unwrap_or(1);
    for (v, name) in values.iter().zip(&names) {
        writeln!(
            w,
            "{:<width$}  {:>count_width$}",
            style.clean(name),
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

/// Writes a timeline as a bar chart: one line per year or month.
pub(crate) fn timeline_text<W: Write>(
    w: &mut W,
    timeline: &Timeline,
    summary: &Summary,
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
            &format!(
                "{}{span}; {} undated.",
                summary_phrase(summary),
                timeline.undated
            )
        )
    )
}

/// The width of each column of a table: its header or its widest number.
fn cell_widths(table: &CrossTable, headers: &[String]) -> Vec<usize> {
    (0..headers.len())
        .map(|c| {
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
        })
        .collect()
}

/// How many columns of `widths` fit beside the row names on a terminal of
/// `width` columns (at least one; all of them when piped).
fn columns_that_fit(widths: &[usize], row_width: usize, width: Option<usize>) -> usize {
    let mut shown = 0;
    let mut used = row_width;
    for w in widths {
        let need = w + 2;
        if width.is_some_and(|width| used + need > width) && shown > 0 {
            break;
        }
        used += need;
        shown += 1;
    }
    shown
}

/// Writes a cross table: rows × columns, fitted to the terminal (fewer
/// columns when they do not fit: of years, the latest are kept); empty
/// cells show `·`, and a row left with no count in the columns that fit is
/// left out.
pub(crate) fn table_text<W: Write>(
    w: &mut W,
    table: &CrossTable,
    dimensions: (&str, &str),
    summary: &Summary,
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
                    summary_phrase(summary)
                )
            )
        );
    }
    // Short names, as in the header: an actor's own name, a province
    // without its country, unless two rows would then read the same.
    let row_names: Vec<String> = short_names(&table.rows)
        .iter()
        .map(|r| fit_str(&style.clean(r), 32))
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
    let widths = cell_widths(table, &headers);
    // Years run oldest first: when not all fit, the latest are kept.
    let by_time = dimensions.1 == FacetKind::Year.name();
    let columns: Vec<usize> = if by_time {
        let reversed: Vec<usize> = widths.iter().rev().copied().collect();
        let shown = columns_that_fit(&reversed, row_width, style.width);
        (widths.len().saturating_sub(shown)..widths.len()).collect()
    } else {
        (0..columns_that_fit(&widths, row_width, style.width)).collect()
    };
    let shown = columns.len();
    let count = |r: usize, c: usize| {
        table
            .cells
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(0)
    };
    let mut line = " ".repeat(row_width);
    for &c in &columns {
        let h = headers.get(c).map(String::as_str).unwrap_or("");
        let width = widths.get(c).copied().unwrap_or(0);
        line.push_str(&format!(
            "  {}{h}",
            " ".repeat(width.saturating_sub(display_width(h)))
        ));
    }
    writeln!(w, "{}", style.paint(BOLD, &line))?;
    let mut rows_shown = 0;
    for (r, name) in row_names.iter().enumerate() {
        // A row of empty cells says nothing and pushes others off the screen.
        if columns.iter().all(|&c| count(r, c) == 0) {
            continue;
        }
        rows_shown += 1;
        let mut line = format!("{name}{}", " ".repeat(row_width - display_width(name)));
        for &c in &columns {
            let n = count(r, c);
            let cell = if n == 0 {
                "·".to_owned()
            } else {
                n.to_string()
            };
            let width = widths.get(c).copied().unwrap_or(0);
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
                "{} {} of {} {} values × {} {} of {} {} values, over {}.",
                if dimensions.0 == FacetKind::Year.name() {
                    "Last"
                } else {
                    "Top"
                },
                rows_shown,
                table.all_rows,
                dimensions.0,
                if by_time { "last" } else { "top" },
                shown,
                table.all_columns,
                dimensions.1,
                summary_phrase(summary)
            )
        )
    )
}

/// Writes one article in full (`sitrep show`).
pub(crate) fn card_text<W: Write>(
    w: &mut W,
    card: &Card,
    style: Style,
    base: Option<&Path>,
) -> io::Result<()> {
    let clean = |s: &str| style.clean_keeping_lines(s);
    writeln!(w, "{}", style.paint(BOLD, &clean(&card.title)))?;
    writeln!(w, "id:        {}", clean(&card.id))?;
    writeln!(
        w,
        "date:      {}",
        clean(card.date.as_deref().unwrap_or("(undated)"))
    )?;
    if let Some(s) = &card.source {
        writeln!(w, "source:    {}", clean(s))?;
    }
    if let Some(u) = &card.url {
        writeln!(w, "url:       {}", clean(u))?;
    }
    writeln!(w, "file:      {}", clean(&display_path(&card.path, base)))?;
    writeln!(w, "provinces: {}", clean(&card.provinces.join(", ")))?;
    writeln!(w, "actors:    {}", clean(&card.actors.join(", ")))?;
    if !card.actor_kinds.is_empty() {
        writeln!(w, "kinds:     {}", clean(&card.actor_kinds.join(", ")))?;
    }
    let others: Vec<&str> = card
        .other_provinces()
        .chain(card.other_actors())
        .map(String::as_str)
        .collect();
    if !others.is_empty() {
        writeln!(w, "also mentioned: {}", clean(&others.join(", ")))?;
    }
    writeln!(w)?;
    for line in card.body.lines() {
        writeln!(w, "{}", clean(line))?;
    }
    Ok(())
}

/// Writes what the gazetteers found in one article (`sitrep extract`),
/// with each mention when they were asked to explain.
pub(crate) fn extraction_text<W: Write>(w: &mut W, x: &Extraction, style: Style) -> io::Result<()> {
    let clean = |s: &str| style.clean_keeping_lines(s);
    let card = &x.card;
    writeln!(w, "{}", clean(&card.id))?;
    writeln!(w, "  title:     {}", clean(&card.title))?;
    writeln!(
        w,
        "  date:      {}",
        clean(card.date.as_deref().unwrap_or("(undated)"))
    )?;
    writeln!(w, "  provinces: {}", clean(&card.provinces.join(", ")))?;
    writeln!(w, "  actors:    {}", clean(&card.actors.join(", ")))?;
    for e in &x.explained {
        let outcome = match (&e.resolved, e.role) {
            (Some(r), Some(role)) => format!("{} ({}) as {role}: {}", clean(r), e.note, e.rule),
            (Some(r), None) => format!("{} ({})", clean(r), e.note),
            (None, _) => e.note.clone(),
        };
        writeln!(w, "    {:?} → {outcome}", clean(&e.text))?;
    }
    Ok(())
}

/// Writes numbers about an index (`sitrep stats`).
pub(crate) fn stats_text<W: Write>(w: &mut W, stats: &Stats) -> io::Result<()> {
    writeln!(w, "index:      {}", stats.index)?;
    writeln!(
        w,
        "articles:   {} ({} dated, {} undated)",
        stats.articles, stats.dated, stats.undated
    )?;
    writeln!(
        w,
        "size:       {:.1} MB on disk, {} segment(s)",
        stats.size_bytes as f64 / 1e6,
        stats.segments
    )?;
    for segment in &stats.segment_list {
        let deleted = if segment.deleted > 0 {
            format!(" ({} deleted)", segment.deleted)
        } else {
            String::new()
        };
        writeln!(
            w,
            "  segment {}  {:>10.1} MB  {} articles{deleted}",
            segment.id.get(..8).unwrap_or(&segment.id),
            segment.size_bytes as f64 / 1e6,
            segment.articles,
        )?;
    }
    writeln!(
        w,
        "schema:     version {} ({})",
        stats.stamp.schema_version, stats.stamp.schema_digest
    )?;
    writeln!(w, "gazetteers: {}", stats.stamp.gazetteer_digest)?;
    if let Some(source) = &stats.stamp.schema_source {
        // Where a plain `sitrep index` reads them again.
        writeln!(w, "from:       {source}")?;
    }
    writeln!(
        w,
        "built by:   sitrep {} (index format {})",
        stats.stamp.sitrep_version, stats.stamp.format
    )
}
