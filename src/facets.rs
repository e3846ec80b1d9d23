//! ⑥ Search, continued: pictures of a result set rather than a list.
//!
//! A [`Timeline`] counts articles by year or month of publication (with the
//! empty periods in between, so that a gap shows as a gap); a
//! [`CrossTable`] counts articles by two facets at once ("which actor in
//! which province"). Both are collectors run over the same articles whose
//! facet counts `sitrep search` prints, through [`crate::search::tally`].

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::date::civil_from_days;

/// A facet to count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// First-level divisions, `Country/Province`.
    Province,
    /// Countries (an article counts once per country).
    Country,
    /// Actors.
    Actor,
    /// Publication years.
    Year,
}

impl Dimension {
    /// The facet field it is read from.
    fn field(self) -> &'static str {
        match self {
            Dimension::Province | Dimension::Country => "province",
            Dimension::Actor => "actor",
            Dimension::Year => "year",
        }
    }

    /// Its name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Province => "province",
            Dimension::Country => "country",
            Dimension::Actor => "actor",
            Dimension::Year => "year",
        }
    }

    /// The value a stored facet path stands for in this dimension, if any.
    fn label(self, path: &[&str]) -> Option<String> {
        match self {
            Dimension::Province => (path.len() >= 2).then(|| path.join("/")),
            Dimension::Country => path.first().map(|c| (*c).to_owned()),
            Dimension::Actor | Dimension::Year => (!path.is_empty()).then(|| path.join("/")),
        }
    }
}

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
            column: reader.fast_fields().date("published").ok(),
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
    /// column value), most first.
    pub rows: Vec<(String, u64)>,
    /// Column values with the number of articles carrying each, most first.
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
    rows: Dimension,
    columns: Dimension,
}

impl CrossCollector {
    /// A collector counting `rows` × `columns`.
    pub fn new(rows: Dimension, columns: Dimension) -> Self {
        CrossCollector { rows, columns }
    }
}

/// Raw pair counts, by value.
#[derive(Debug, Default)]
pub struct PairCounts {
    pairs: HashMap<(String, String), u64>,
    rows: HashMap<String, u64>,
    columns: HashMap<String, u64>,
}

/// One facet column of a segment, with each ordinal's value in a
/// [`Dimension`].
struct DimensionColumn {
    reader: FacetReader,
    /// Facet ordinal → index into `names`, or none when the ordinal is
    /// not a value of the dimension (a country in the province column).
    label_of_ord: Vec<Option<u32>>,
    names: Vec<String>,
}

impl DimensionColumn {
    fn open(reader: &SegmentReader, dimension: Dimension) -> tantivy::Result<Self> {
        let facets = reader.facet_reader(dimension.field())?;
        let mut names: Vec<String> = Vec::new();
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        let mut label_of_ord = Vec::with_capacity(facets.num_facets());
        let mut facet = Facet::root();
        for ord in 0..facets.num_facets() as u64 {
            facets.facet_from_ord(ord, &mut facet)?;
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
    pairs: FxHashMap<(u32, u32), u64>,
    row_totals: FxHashMap<u32, u64>,
    column_totals: FxHashMap<u32, u64>,
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
        Ok(CrossSegment {
            rows: DimensionColumn::open(reader, self.rows)?,
            columns: DimensionColumn::open(reader, self.columns)?,
            pairs: FxHashMap::default(),
            row_totals: FxHashMap::default(),
            column_totals: FxHashMap::default(),
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
            for (k, v) in f.pairs {
                *out.pairs.entry(k).or_default() += v;
            }
            for (k, v) in f.rows {
                *out.rows.entry(k).or_default() += v;
            }
            for (k, v) in f.columns {
                *out.columns.entry(k).or_default() += v;
            }
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
        for &r in &self.row_values {
            *self.row_totals.entry(r).or_default() += 1;
        }
        for &c in &self.column_values {
            *self.column_totals.entry(c).or_default() += 1;
            for &r in &self.row_values {
                *self.pairs.entry((r, c)).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> PairCounts {
        let name = |column: &DimensionColumn, i: u32| {
            column.names.get(i as usize).cloned().unwrap_or_default()
        };
        PairCounts {
            pairs: self
                .pairs
                .iter()
                .map(|(&(r, c), &n)| ((name(&self.rows, r), name(&self.columns, c)), n))
                .collect(),
            rows: self
                .row_totals
                .iter()
                .map(|(&r, &n)| (name(&self.rows, r), n))
                .collect(),
            columns: self
                .column_totals
                .iter()
                .map(|(&c, &n)| (name(&self.columns, c), n))
                .collect(),
        }
    }
}

impl PairCounts {
    /// The table of the `max_rows` and `max_columns` most frequent values
    /// (0: all), each ordered by count, then name.
    pub fn table(&self, max_rows: usize, max_columns: usize) -> CrossTable {
        let top = |totals: &HashMap<String, u64>, max: usize| {
            let mut v: Vec<(String, u64)> = totals.iter().map(|(k, &n)| (k.clone(), n)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            if max > 0 {
                v.truncate(max);
            }
            v
        };
        let rows = top(&self.rows, max_rows);
        // Columns are ranked by their articles within the rows shown, so
        // that every row has its own places in the table.
        let mut within: HashMap<String, u64> = HashMap::new();
        for ((r, c), &n) in &self.pairs {
            if rows.iter().any(|(name, _)| name == r) {
                *within.entry(c.clone()).or_default() += n;
            }
        }
        let columns: Vec<(String, u64)> = top(&within, max_columns)
            .into_iter()
            .map(|(c, _)| {
                let n = self.columns.get(&c).copied().unwrap_or(0);
                (c, n)
            })
            .collect();
        let cells = rows
            .iter()
            .map(|(r, _)| {
                columns
                    .iter()
                    .map(|(c, _)| {
                        self.pairs
                            .get(&(r.clone(), c.clone()))
                            .copied()
                            .unwrap_or(0)
                    })
                    .collect()
            })
            .collect();
        CrossTable {
            rows,
            columns,
            cells,
            all_rows: self.rows.len(),
            all_columns: self.columns.len(),
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
            counts.pairs.insert((r.into(), c.into()), n);
            *counts.rows.entry(r.into()).or_default() += n;
            *counts.columns.entry(c.into()).or_default() += n;
        }
        let t = counts.table(1, 0);
        assert_eq!(t.rows, vec![("ISIS".to_owned(), 4)]);
        assert_eq!(t.columns.len(), 2);
        assert_eq!(t.cells, vec![vec![3, 1]]);
        assert_eq!(t.all_rows, 2);
    }

    #[test]
    fn dimensions_read_their_part_of_a_path() {
        assert_eq!(Dimension::Province.label(&["Iraq"]), None);
        assert_eq!(
            Dimension::Province.label(&["Iraq", "Nineveh"]).as_deref(),
            Some("Iraq/Nineveh")
        );
        assert_eq!(
            Dimension::Country.label(&["Iraq", "Nineveh"]).as_deref(),
            Some("Iraq")
        );
    }
}
