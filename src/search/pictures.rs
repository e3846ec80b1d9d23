//! `sitrep facets`: the counts of one facet, a timeline, or a table of
//! two facets, over the articles a query counts.

use super::tables::{CrossCollector, CrossTable, Granularity, Timeline, TimelineCollector};
use super::{search, tally, Counted, Results, SearchRequest};
use crate::date::Period;
use crate::error::{Error, Result};
use crate::fields::FacetKind;
use crate::index::OpenIndex;

/// What to count a facet by, besides itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// A second facet: a table.
    Facet(FacetKind),
    /// Months of publication (with the year facet: a monthly timeline).
    Month,
}

/// A `sitrep facets` request.
#[derive(Debug, Clone)]
pub struct FacetsRequest {
    /// The articles to count: a query and filters (an empty query counts
    /// the whole index).
    pub search: SearchRequest,
    /// The facet counted.
    pub kind: FacetKind,
    /// A second dimension, if any.
    pub by: Option<By>,
    /// How many values to list (rows of a table; default all, 10 rows).
    pub top: Option<usize>,
    /// How many columns a table has at most (default 8).
    pub columns: Option<usize>,
}

/// The answer to a [`FacetsRequest`].
#[derive(Debug)]
pub enum Picture {
    /// The values of one facet with their counts.
    Values {
        /// The facet.
        kind: FacetKind,
        /// The search whose facet counts they are.
        results: Results,
    },
    /// Articles by year or month of publication.
    Timeline {
        /// The bars.
        timeline: Timeline,
        /// Years or months.
        granularity: Granularity,
        /// What was counted.
        summary: Summary,
    },
    /// Articles by two facets.
    Table {
        /// The cells.
        table: CrossTable,
        /// The facet of the rows, then that of the columns.
        kinds: (FacetKind, FacetKind),
        /// What was counted.
        summary: Summary,
    },
}

/// What a timeline or a table counted.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Articles counted.
    pub total: u64,
    /// Which articles they are.
    pub counted: Counted,
    /// The filters as resolved.
    pub filters: Vec<(String, String)>,
}

impl Picture {
    /// The number of articles counted.
    pub fn total(&self) -> u64 {
        match self {
            Picture::Values { results, .. } => results.total,
            Picture::Timeline { summary, .. } | Picture::Table { summary, .. } => summary.total,
        }
    }
}

/// Counts what `request` asks for.
pub fn facets(open: &OpenIndex, request: &FacetsRequest) -> Result<Picture> {
    crate::index::guard(&open.dir, || facets_unguarded(open, request))
}

/// See [`facets`]; a panic inside tantivy is not caught here.
fn facets_unguarded(open: &OpenIndex, request: &FacetsRequest) -> Result<Picture> {
    let search_request = SearchRequest {
        limit: 0,
        ..request.search.clone()
    };
    match (request.kind, request.by) {
        (FacetKind::Year, None | Some(By::Month | By::Facet(FacetKind::Year))) => {
            let granularity = match request.by {
                Some(By::Month) => Granularity::Month,
                _ => Granularity::Year,
            };
            let t = tally(open, &search_request, TimelineCollector::new(granularity))?;
            // --since / --until were checked by the tally; here they set
            // the span drawn.
            let from = search_request.since.as_deref().and_then(Period::parse);
            let to = search_request.until.as_deref().and_then(Period::parse);
            let timeline = t
                .fruit
                .timeline_within(from.map(|p| p.first_day), to.map(|p| p.end_day - 1));
            Ok(Picture::Timeline {
                timeline,
                granularity,
                summary: Summary {
                    total: t.total,
                    counted: t.counted,
                    filters: t.filters,
                },
            })
        }
        (_, Some(By::Month)) => Err(Error::FacetsBy(
            "--by month goes with --field year (a timeline by month)",
        )),
        (rows, Some(By::Facet(columns))) => {
            if rows == columns {
                return Err(Error::FacetsBy(
                    "--field and --by name the same facet; choose two different ones",
                ));
            }
            let t = tally(open, &search_request, CrossCollector::new(rows, columns))?;
            let table = t.fruit.table(
                (rows, columns),
                request.top.unwrap_or(10),
                request.columns.unwrap_or(8),
            );
            Ok(Picture::Table {
                table,
                kinds: (rows, columns),
                summary: Summary {
                    total: t.total,
                    counted: t.counted,
                    filters: t.filters,
                },
            })
        }
        (kind, None) => {
            let results = search(
                open,
                &SearchRequest {
                    facet_limit: request.top.unwrap_or(0),
                    ..search_request
                },
            )?;
            Ok(Picture::Values { kind, results })
        }
    }
}
