//! ⑥ Search, continued: pictures of a result set rather than a list.
//!
//! A [`Timeline`] counts articles by year or month of publication (with the
//! empty periods in between, so that a gap shows as a gap); a
//! [`CrossTable`] counts articles by two facets at once ("which actor in
//! which province"). Both are collectors run over the same articles whose
//! facet counts `sitrep search` prints, through [`crate::search::tally`].

use crate::fields::field;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::date::civil_from_days;
use crate::fields::FacetKind;

/// The granularity of a [`Timeline`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// One bar per year.
    Year,
    /// One bar per month.
    Month,
}

/// Articles counted by period of publication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// `2021` or `2021-03`, oldest first, with every period between the
    /// first and the last, empty ones included.
    pub periods: Vec<(String, u64)>,
    /// Articles with no publication date.
    pub undated: u64,
}

/// Counts matching articles by year or month of publication, from the
/// `published` date column.
pub struct TimelineCollector {
    granularity: Granularity,
}

impl TimelineCollector {
    /// A collector for bars of `granularity`.
    pub fn new(granularity: Granularity) -> Self {
        TimelineCollector { granularity }
    }
}

/// Raw counts: (year, month or 0) → articles, and undated articles.
#[derive(Debug, Default)]
pub struct PeriodCounts {
    counts: BTreeMap<(i64, u32), u64>,
    undated: u64,
    granularity: Option<Granularity>,
}

/// The per-segment part of [`TimelineCollector`].
pub struct TimelineSegment {
    column: Option<Column<DateTime>>,
    granularity: Granularity,
    out: PeriodCounts,
}

impl Collector for TimelineCollector {
    type Fruit = PeriodCounts;
    type Child = TimelineSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(TimelineSegment {
            column: reader.fast_fields().date(field::PUBLISHED).ok(),
            granularity: self.granularity,
            out: PeriodCounts::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<PeriodCounts>) -> tantivy::Result<PeriodCounts> {
        let mut out = PeriodCounts {
            granularity: Some(self.granularity),
            ..PeriodCounts::default()
        };
        for f in fruits {
            out.undated += f.undated;
            for (k, v) in f.counts {
                *out.counts.entry(k).or_default() += v;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for TimelineSegment {
    type Fruit = PeriodCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(date) = self.column.as_ref().and_then(|c| c.first(doc)) else {
            self.out.undated += 1;
            return;
        };
        let (year, month, _) = civil_from_days(date.into_timestamp_secs().div_euclid(86_400));
        let month = match self.granularity {
            Granularity::Year => 0,
            Granularity::Month => month,
        };
        *self.out.counts.entry((year, month)).or_default() += 1;
    }

    fn harvest(self) -> PeriodCounts {
        self.out
    }
}

impl PeriodCounts {
    /// The timeline, with the empty periods between the first and last.
    pub fn timeline(&self) -> Timeline {
        self.timeline_within(None, None)
    }

    /// The timeline from the period holding day `from` (days since
    /// 1970-01-01) or the first article, whichever is earlier, to the one
    /// holding day `to` or the last article, whichever is later: a
    /// `--since 2019 --until 2020` timeline shows all of 2019 and 2020.
    pub fn timeline_within(&self, from: Option<i64>, to: Option<i64>) -> Timeline {
        let granularity = self.granularity.unwrap_or(Granularity::Year);
        let key = |day: i64| {
            let (year, month, _) = civil_from_days(day);
            match granularity {
                Granularity::Year => (year, 0),
                Granularity::Month => (year, month),
            }
        };
        let first = [
            self.counts.first_key_value().map(|(k, _)| *k),
            from.map(key),
        ]
        .into_iter()
        .flatten()
        .min();
        let last = [self.counts.last_key_value().map(|(k, _)| *k), to.map(key)]
            .into_iter()
            .flatten()
            .max();
        let mut periods = Vec::new();
        if let (Some(first), Some(last)) = (first, last) {
            let (mut year, mut month) = first;
            while (year, month) <= last {
                let count = self.counts.get(&(year, month)).copied().unwrap_or(0);
                match granularity {
                    Granularity::Year => {
                        periods.push((format!("{year:04}"), count));
                        year += 1;
                    }
                    Granularity::Month => {
                        periods.push((format!("{year:04}-{month:02}"), count));
                        if month >= 12 {
                            year += 1;
                            month = 1;
                        } else {
                            month += 1;
                        }
                    }
                }
            }
        }
        Timeline {
            periods,
            undated: self.undated,
        }
    }
}

/// Articles counted by two facets at once: the top rows and columns.
/// Only articles with a value of each facet are counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrossTable {
    /// Row values with the number of articles carrying each (and some
    /// column value), most first (years: the latest, oldest first).
    pub rows: Vec<(String, u64)>,
    /// Column values with the number of articles carrying each, most first
    /// (years: the latest, oldest first).
    pub columns: Vec<(String, u64)>,
    /// `cells[r][c]`: articles carrying row value `r` and column value `c`.
    pub cells: Vec<Vec<u64>>,
    /// How many row values there were before keeping the top ones.
    pub all_rows: usize,
    /// How many column values there were before keeping the top ones.
    pub all_columns: usize,
}

/// Counts matching articles by pairs of values of two facets.
pub struct CrossCollector {
    rows: FacetKind,
    columns: FacetKind,
}

impl CrossCollector {
    /// A collector counting `rows` × `columns`.
    pub fn new(rows: FacetKind, columns: FacetKind) -> Self {
        CrossCollector { rows, columns }
    }
}

/// Raw pair counts. Values are interned: only names are hashed as
/// strings, once per segment, never per pair.
#[derive(Debug, Default)]
pub struct PairCounts {
    rows: Interned,
    columns: Interned,
    pairs: FxHashMap<(u32, u32), u64>,
}

/// How the values of one side of a table are chosen and ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Most articles first.
    Count,
    /// Years: the latest kept, shown oldest first.
    Time,
}

impl Order {
    fn of(kind: FacetKind) -> Order {
        match kind {
            FacetKind::Year => Order::Time,
            _ => Order::Count,
        }
    }
}

/// Facet values by number, with a count of articles each.
#[derive(Debug, Default)]
struct Interned {
    names: Vec<String>,
    index: FxHashMap<String, u32>,
    totals: Vec<u64>,
}

impl Interned {
    /// The number of `name`, adding `n` articles to it.
    fn add(&mut self, name: &str, n: u64) -> u32 {
        let id = match self.index.get(name) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(name.to_owned());
                self.index.insert(name.to_owned(), id);
                self.totals.push(0);
                id
            }
        };
        if let Some(t) = self.totals.get_mut(id as usize) {
            *t += n;
        }
        id
    }

    /// The `max` values with articles by `totals` (0: all), in `order`:
    /// those with most articles, by count then name; or, for years, the
    /// latest, oldest first as on a timeline.
    fn top(&self, totals: &[u64], max: usize, order: Order) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.names.len() as u32)
            .filter(|&i| totals.get(i as usize).is_some_and(|&n| n > 0))
            .collect();
        let name = |i: u32| self.names.get(i as usize).map(String::as_str).unwrap_or("");
        let total = |i: u32| totals.get(i as usize).copied().unwrap_or(0);
        match order {
            Order::Count => {
                ids.sort_by(|&a, &b| total(b).cmp(&total(a)).then_with(|| name(a).cmp(name(b))))
            }
            Order::Time => ids.sort_by(|&a, &b| name(b).cmp(name(a))),
        }
        if max > 0 {
            ids.truncate(max);
        }
        if order == Order::Time {
            ids.reverse();
        }
        ids
    }

    fn entry(&self, id: u32) -> (String, u64) {
        (
            self.names.get(id as usize).cloned().unwrap_or_default(),
            self.totals.get(id as usize).copied().unwrap_or(0),
        )
    }
}

impl PairCounts {
    /// Adds `n` articles with both `row` and `column`, counting them in
    /// each value's total too.
    #[cfg(test)]
    fn add(&mut self, row: &str, column: &str, n: u64) {
        let r = self.rows.add(row, n);
        let c = self.columns.add(column, n);
        *self.pairs.entry((r, c)).or_default() += n;
    }

    /// Adds `other`'s counts to these.
    fn absorb(&mut self, other: PairCounts) {
        let rows: Vec<u32> = other
            .rows
            .names
            .iter()
            .zip(&other.rows.totals)
            .map(|(name, &n)| self.rows.add(name, n))
            .collect();
        let columns: Vec<u32> = other
            .columns
            .names
            .iter()
            .zip(&other.columns.totals)
            .map(|(name, &n)| self.columns.add(name, n))
            .collect();
        for ((r, c), n) in other.pairs {
            if let (Some(&r), Some(&c)) = (rows.get(r as usize), columns.get(c as usize)) {
                *self.pairs.entry((r, c)).or_default() += n;
            }
        }
    }
}

/// One facet column of a segment, with each ordinal's value in a
/// [`FacetKind`].
struct DimensionColumn {
    reader: FacetReader,
    /// Facet ordinal → index into `names`, or none when the ordinal is
    /// not a value of the dimension (a country in the province column).
    label_of_ord: Vec<Option<u32>>,
    names: Vec<String>,
}

/// Every facet of a segment's facet column, in ordinal order.
///
/// The dictionary is streamed once: looking facets up one ordinal at a
/// time decompresses a dictionary block per call (creating a zstd context
/// each time), which cost half of a search's time on a large index.
pub fn facets_by_ord(reader: &FacetReader) -> tantivy::Result<Vec<Facet>> {
    let mut out = Vec::with_capacity(reader.num_facets());
    let mut stream = reader.facet_dict().stream()?;
    while stream.advance() {
        out.push(facet_of_key(stream.key())?);
    }
    Ok(out)
}

/// The facet a dictionary key (a facet column's or a facet field's term)
/// encodes.
pub fn facet_of_key(key: &[u8]) -> tantivy::Result<Facet> {
    Facet::from_encoded(key.to_vec())
        .map_err(|e| tantivy::TantivyError::InvalidArgument(format!("a facet is not UTF-8: {e}")))
}

impl DimensionColumn {
    fn open(reader: &SegmentReader, dimension: FacetKind) -> tantivy::Result<Self> {
        let facets = reader.facet_reader(dimension.field())?;
        let mut names: Vec<String> = Vec::new();
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        let mut label_of_ord = Vec::with_capacity(facets.num_facets());
        for facet in facets_by_ord(&facets)? {
            let label = dimension.label(&facet.to_path()).map(|name| {
                *index.entry(name.clone()).or_insert_with(|| {
                    names.push(name);
                    (names.len() - 1) as u32
                })
            });
            label_of_ord.push(label);
        }
        Ok(DimensionColumn {
            reader: facets,
            label_of_ord,
            names,
        })
    }

    /// The distinct values of `doc`, into `out`.
    fn values(&self, doc: DocId, out: &mut Vec<u32>) {
        out.clear();
        for ord in self.reader.facet_ords(doc) {
            if let Some(Some(label)) = self.label_of_ord.get(ord as usize) {
                if !out.contains(label) {
                    out.push(*label);
                }
            }
        }
    }
}

/// The per-segment part of [`CrossCollector`].
pub struct CrossSegment {
    rows: DimensionColumn,
    columns: DimensionColumn,
    /// Dense counts, `row * columns + column`: a few hundred values a
    /// side, so a flat table beats hashing every pair of every article.
    pairs: Vec<u32>,
    row_totals: Vec<u64>,
    column_totals: Vec<u64>,
    row_values: Vec<u32>,
    column_values: Vec<u32>,
}

impl Collector for CrossCollector {
    type Fruit = PairCounts;
    type Child = CrossSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let rows = DimensionColumn::open(reader, self.rows)?;
        let columns = DimensionColumn::open(reader, self.columns)?;
        let (r, c) = (rows.names.len(), columns.names.len());
        Ok(CrossSegment {
            pairs: vec![0; r * c],
            row_totals: vec![0; r],
            column_totals: vec![0; c],
            rows,
            columns,
            row_values: Vec::new(),
            column_values: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<PairCounts>) -> tantivy::Result<PairCounts> {
        let mut out = PairCounts::default();
        for f in fruits {
            out.absorb(f);
        }
        Ok(out)
    }
}

impl SegmentCollector for CrossSegment {
    type Fruit = PairCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.rows.values(doc, &mut self.row_values);
        self.columns.values(doc, &mut self.column_values);
        // Only articles with values on both sides count: a row of empty
        // cells says nothing.
        if self.row_values.is_empty() || self.column_values.is_empty() {
            return;
        }
        let width = self.column_totals.len();
        for &r in &self.row_values {
            if let Some(n) = self.row_totals.get_mut(r as usize) {
                *n += 1;
            }
        }
        for &c in &self.column_values {
            if let Some(n) = self.column_totals.get_mut(c as usize) {
                *n += 1;
            }
            for &r in &self.row_values {
                if let Some(n) = self.pairs.get_mut(r as usize * width + c as usize) {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> PairCounts {
        let mut out = PairCounts::default();
        let width = self.column_totals.len().max(1);
        fn name(column: &DimensionColumn, i: usize) -> &str {
            column.names.get(i).map(String::as_str).unwrap_or("")
        }
        let rows: Vec<u32> = self
            .row_totals
            .iter()
            .enumerate()
            .map(|(r, &n)| out.rows.add(name(&self.rows, r), n))
            .collect();
        let columns: Vec<u32> = self
            .column_totals
            .iter()
            .enumerate()
            .map(|(c, &n)| out.columns.add(name(&self.columns, c), n))
            .collect();
        for (i, &n) in self.pairs.iter().enumerate() {
            if n == 0 {
                continue;
            }
            if let (Some(&r), Some(&c)) = (rows.get(i / width), columns.get(i % width)) {
                *out.pairs.entry((r, c)).or_default() += u64::from(n);
            }
        }
        out
    }
}

impl PairCounts {
    /// The table of the `max_rows` and `max_columns` most frequent values
    /// (0: all) of `kinds` (rows, columns), each ordered by count, then
    /// name; years are the latest, ordered by time.
    pub fn table(
        &self,
        kinds: (FacetKind, FacetKind),
        max_rows: usize,
        max_columns: usize,
    ) -> CrossTable {
        let (row_order, column_order) = (Order::of(kinds.0), Order::of(kinds.1));
        let first_rows = self.rows.top(&self.rows.totals, max_rows, row_order);
        // Columns are ranked by their articles within the rows shown, so
        // that every row has its own places in the table.
        let mut within = vec![0u64; self.columns.names.len()];
        for (&(r, c), &n) in &self.pairs {
            if first_rows.contains(&r) {
                if let Some(w) = within.get_mut(c as usize) {
                    *w += n;
                }
            }
        }
        let columns = self.columns.top(&within, max_columns, column_order);
        // A row whose articles all lie in columns left out would be a row
        // of empty cells: the next row with a count in them takes its place.
        let mut totals = self.rows.totals.clone();
        for (r, total) in totals.iter_mut().enumerate() {
            let r = r as u32;
            if !columns.iter().any(|&c| self.pairs.contains_key(&(r, c))) {
                *total = 0;
            }
        }
        let rows = self.rows.top(&totals, max_rows, row_order);
        let cells = rows
            .iter()
            .map(|&r| {
                columns
                    .iter()
                    .map(|&c| self.pairs.get(&(r, c)).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        let all = |v: &Interned| v.totals.iter().filter(|&&n| n > 0).count();
        CrossTable {
            rows: rows.iter().map(|&r| self.rows.entry(r)).collect(),
            columns: columns.iter().map(|&c| self.columns.entry(c)).collect(),
            cells,
            all_rows: all(&self.rows),
            all_columns: all(&self.columns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timelines_fill_the_gaps() {
        let mut counts = PeriodCounts {
            granularity: Some(Granularity::Month),
            ..PeriodCounts::default()
        };
        counts.counts.insert((2020, 11), 2);
        counts.counts.insert((2021, 2), 1);
        let t = counts.timeline();
        let labels: Vec<&str> = t.periods.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(labels, ["2020-11", "2020-12", "2021-01", "2021-02"]);
        assert_eq!(t.periods[0].1, 2);
        assert_eq!(t.periods[1].1, 0);
        // Asked-for bounds widen it.
        let from = crate::date::days_from_civil(2020, 9, 1);
        let to = crate::date::days_from_civil(2021, 3, 31);
        let wide = counts.timeline_within(Some(from), Some(to));
        assert_eq!(wide.periods.first().map(|p| p.0.as_str()), Some("2020-09"));
        assert_eq!(wide.periods.last().map(|p| p.0.as_str()), Some("2021-03"));
        assert_eq!(wide.periods.len(), 7);
    }

    #[test]
    fn tables_keep_the_top_values() {
        let mut counts = PairCounts::default();
        for (r, c, n) in [
            ("ISIS", "Nineveh", 3),
            ("ISIS", "Anbar", 1),
            ("PKK", "Anbar", 2),
        ] {
            counts.add(r, c, n);
        }
        // Merging keeps the counts.
        let mut merged = PairCounts::default();
        merged.absorb(counts);
        let counts = merged;
        let t = counts.table((FacetKind::Actor, FacetKind::Province), 1, 0);
        assert_eq!(t.rows, vec![("ISIS".to_owned(), 4)]);
        assert_eq!(t.columns.len(), 2);
        assert_eq!(t.cells, vec![vec![3, 1]]);
        assert_eq!(t.all_rows, 2);
    }

    #[test]
    fn dimensions_read_their_part_of_a_path() {
        assert_eq!(FacetKind::Province.label(&["Iraq"]), None);
        assert_eq!(
            FacetKind::Province.label(&["Iraq", "Nineveh"]).as_deref(),
            Some("Iraq/Nineveh")
        );
        assert_eq!(
            FacetKind::Country.label(&["Iraq", "Nineveh"]).as_deref(),
            Some("Iraq")
        );
    }
}
