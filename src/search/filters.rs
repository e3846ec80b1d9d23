//! Facet and date filters: values typed by a user, resolved through the
//! gazetteers' names to facet term queries.

use tantivy::query::{BooleanQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{DateTime, Term};

use super::plan::boxed;
use super::SearchRequest;
use crate::date::Period;
use crate::error::{Error, Result};
use crate::fields::FacetKind;
use crate::index::OpenIndex;

/// Filter queries, one per kind, and the filters as resolved for display.
pub(crate) type ResolvedFilters = (Vec<Box<dyn Query>>, Vec<(String, String)>);

/// Resolves the filters of `request` to facet term queries, one per kind
/// (values of a kind OR'ed), and lists them as resolved.
pub(crate) fn resolve(open: &OpenIndex, request: &SearchRequest) -> Result<ResolvedFilters> {
    let f = &open.fields;
    let g = &open.names;
    let mut queries = Vec::new();
    let mut shown = Vec::new();
    let mut add = |field, name: &str, paths: Vec<String>| {
        let terms: Vec<Box<dyn Query>> = paths
            .iter()
            .map(|p| {
                let facet = Facet::from_path(p.split('/'));
                boxed(TermQuery::new(
                    Term::from_facet(field, &facet),
                    IndexRecordOption::Basic,
                ))
            })
            .collect();
        for p in paths {
            shown.push((name.to_owned(), p));
        }
        if !terms.is_empty() {
            queries.push(boxed(BooleanQuery::union(terms)));
        }
    };
    let resolve_all = |kind: FacetKind, values: &[String]| -> Result<Vec<String>> {
        let mut out = Vec::new();
        for v in values {
            out.extend(g.resolve(kind, v)?);
        }
        out.sort();
        out.dedup();
        Ok(out)
    };
    let provinces = resolve_all(FacetKind::Province, &request.provinces)?;
    let countries = resolve_all(FacetKind::Country, &request.countries)?;
    let actors = resolve_all(FacetKind::Actor, &request.actors)?;
    let mut years = Vec::new();
    for y in &request.years {
        let y = y.trim();
        match y.parse::<u16>() {
            Ok(n) if (1900..=2100).contains(&n) => years.push(n.to_string()),
            _ => {
                return Err(Error::UnknownValue {
                    kind: "year",
                    value: y.to_owned(),
                    suggestions: Vec::new(),
                })
            }
        }
    }
    add(f.province, "province", provinces);
    add(f.province, "country", countries);
    add(f.actor, "actor", actors);
    add(f.year, "year", years);
    if let Some(range) = date_range(f.published, request, &mut shown)? {
        queries.push(range);
    }
    Ok((queries, shown))
}

/// The `--since` / `--until` range over the publication date, if any.
pub(crate) fn date_range(
    field: tantivy::schema::Field,
    request: &SearchRequest,
    shown: &mut Vec<(String, String)>,
) -> Result<Option<Box<dyn Query>>> {
    use std::ops::Bound;
    let period = |flag: &'static str, value: &Option<String>| -> Result<Option<Period>> {
        value
            .as_deref()
            .map(|v| {
                Period::parse(v).ok_or_else(|| Error::BadDate {
                    flag,
                    value: v.to_owned(),
                })
            })
            .transpose()
    };
    let since = period("since", &request.since)?;
    let until = period("until", &request.until)?;
    if since.is_none() && until.is_none() {
        return Ok(None);
    }
    if let (Some(s), Some(u)) = (since, until) {
        if s.first_day >= u.end_day {
            return Err(Error::EmptyPeriod {
                since: request.since.clone().unwrap_or_default(),
                until: request.until.clone().unwrap_or_default(),
            });
        }
    }
    let term = |day: i64| Term::from_field_date(field, DateTime::from_timestamp_secs(day * 86_400));
    let lower = match since {
        Some(p) => {
            shown.push(("since".into(), request.since.clone().unwrap_or_default()));
            Bound::Included(term(p.first_day))
        }
        None => Bound::Unbounded,
    };
    let upper = match until {
        Some(p) => {
            shown.push(("until".into(), request.until.clone().unwrap_or_default()));
            Bound::Excluded(term(p.end_day))
        }
        None => Bound::Unbounded,
    };
    Ok(Some(boxed(RangeQuery::new(lower, upper))))
}
