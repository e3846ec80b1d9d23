//! Facet and date filters: values typed by a user, resolved through the
//! gazetteers' names to facet term queries.

use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery};
use tantivy::{DateTime, Term};

use super::plan::boxed;
use super::where_expr::{self, terms};
use super::SearchRequest;
use crate::date::Period;
use crate::error::{Error, Result};
use crate::fields::FacetKind;
use crate::index::OpenIndex;

/// Filter queries, one per kind, and the filters as resolved for display.
pub(crate) type ResolvedFilters = (Vec<Box<dyn Query>>, Vec<(String, String)>);

/// Resolves the filters of `request` to facet term queries, one per kind
/// (values of a kind OR'ed), and lists them as resolved. Exclusions and
/// `--where` score nothing: they only decide which articles count.
pub(crate) fn resolve(open: &OpenIndex, request: &SearchRequest) -> Result<ResolvedFilters> {
    let f = &open.fields;
    let g = &open.names;
    let mut queries = Vec::new();
    let mut shown = Vec::new();
    let mut add = |field, name: &str, paths: Vec<String>| {
        // A filter on a parent matches its children: a facet's ancestors
        // are indexed with it.
        if !paths.is_empty() {
            queries.push(terms(field, &paths));
        }
        for p in paths {
            shown.push((name.to_owned(), p));
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
    let regions = resolve_all(FacetKind::Region, &request.regions)?;
    let actors = resolve_all(FacetKind::Actor, &request.actors)?;
    let mentioned_provinces = resolve_all(FacetKind::Province, &request.mentioned_provinces)?;
    let mentioned_countries = resolve_all(FacetKind::Country, &request.mentioned_countries)?;
    let mentioned_actors = resolve_all(FacetKind::Actor, &request.mentioned_actors)?;
    let kinds = resolve_kinds(open, &request.actor_kinds)?;
    let mut years = Vec::new();
    for y in &request.years {
        years.push(year_value(y)?);
    }
    let excluded = [
        (
            f.province,
            "not-province",
            resolve_all(FacetKind::Province, &request.not_provinces)?,
        ),
        (
            f.province,
            "not-country",
            resolve_all(FacetKind::Country, &request.not_countries)?,
        ),
        (
            f.region,
            "not-region",
            resolve_all(FacetKind::Region, &request.not_regions)?,
        ),
        (
            f.actor,
            "not-actor",
            resolve_all(FacetKind::Actor, &request.not_actors)?,
        ),
        (
            f.actor_kind,
            "not-actor-kind",
            resolve_kinds(open, &request.not_actor_kinds)?,
        ),
    ];
    add(f.province, "province", provinces);
    add(f.province, "country", countries);
    add(f.region, "region", regions);
    add(f.actor, "actor", actors);
    add(f.actor_kind, "actor-kind", kinds);
    add(
        f.mentioned_province,
        "mentioned-province",
        mentioned_provinces,
    );
    add(
        f.mentioned_province,
        "mentioned-country",
        mentioned_countries,
    );
    add(f.mentioned_actor, "mentioned-actor", mentioned_actors);
    add(f.year, "year", years);
    for (field, name, paths) in excluded {
        if paths.is_empty() {
            continue;
        }
        let all_but = BooleanQuery::new(vec![
            (Occur::Must, boxed(AllQuery)),
            (Occur::MustNot, terms(field, &paths)),
        ]);
        queries.push(boxed(ConstScoreQuery::new(boxed(all_but), 0.0)));
        shown.extend(paths.into_iter().map(|p| (name.to_owned(), p)));
    }
    if let Some(text) = &request.where_expr {
        queries.push(where_expr::query(open, text)?);
        shown.push(("where".to_owned(), text.clone()));
    }
    if let Some(range) = date_range(f.published, request, &mut shown)? {
        queries.push(range);
    }
    Ok((queries, shown))
}

/// A `--year` value: a year from 1900 to 2100, or an unknown year.
pub(crate) fn year_value(value: &str) -> Result<String> {
    let y = value.trim();
    match y.parse::<u16>() {
        Ok(n) if (1900..=2100).contains(&n) => Ok(n.to_string()),
        _ => Err(Error::UnknownValue {
            kind: "year",
            value: y.to_owned(),
            suggestions: Vec::new(),
        }),
    }
}

/// The actor kinds of `values` as spelt in the index, sorted; a kind
/// neither the index nor the gazetteers know is an error suggesting the
/// closest. The kinds in the index are read first (their dictionary is a
/// few terms); the gazetteers are loaded only for a kind it lacks.
pub(crate) fn resolve_kinds(open: &OpenIndex, values: &[String]) -> Result<Vec<String>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let indexed = indexed_kinds(open)?;
    let mut known: Option<Vec<String>> = None;
    let mut out = Vec::new();
    for value in values {
        let key = crate::analyzer::fold_phrase(value);
        let same = |kind: &String| crate::analyzer::fold_phrase(kind) == key;
        if let Some(kind) = indexed.iter().find(|k| same(k)) {
            out.push(kind.clone());
            continue;
        }
        let known = match &mut known {
            Some(k) => k,
            None => {
                let g = open.names.gazetteer()?;
                let mut kinds: Vec<String> = g
                    .actors
                    .iter()
                    .map(|a| a.kind.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .chain(indexed.iter().cloned())
                    .collect();
                kinds.sort();
                kinds.dedup();
                known.insert(kinds)
            }
        };
        match known.iter().find(|k| same(k)) {
            Some(kind) => out.push(kind.clone()),
            None => return Err(unknown_kind(value, known)),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A kind none of `known` is, with the closest of them suggested.
pub(crate) fn unknown_kind(value: &str, known: &[String]) -> Error {
    let key = crate::analyzer::fold_phrase(value);
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&key, &crate::analyzer::fold_phrase(k)),
                k,
            )
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    Error::UnknownValue {
        kind: "actor kind",
        value: value.to_owned(),
        suggestions: scored.into_iter().take(3).map(|(_, k)| k.clone()).collect(),
    }
}

/// The actor kinds the index holds: the first steps of its `actor_kind`
/// terms.
fn indexed_kinds(open: &OpenIndex) -> Result<Vec<String>> {
    let mut kinds = Vec::new();
    for segment in open.reader.searcher().segment_readers() {
        let inverted = segment.inverted_index(open.fields.actor_kind)?;
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while terms.advance() {
            // Keys are the facet's steps separated by NUL bytes.
            let key = terms.key();
            if key.is_empty() || key.contains(&0) {
                continue;
            }
            if let Ok(kind) = std::str::from_utf8(key) {
                kinds.push(kind.to_owned());
            }
        }
    }
    kinds.sort();
    kinds.dedup();
    Ok(kinds)
}

/// The `--since` / `--until` range over the publication date, if any.
pub(crate) fn date_range(
    field: tantivy::schema::Field,
    request: &SearchRequest,
    shown: &mut Vec<(String, String)>,
) -> Result<Option<Box<dyn Query>>> {
    use std::ops::Bound;
    let Some((since, until)) = period_bounds(request, shown)? else {
        return Ok(None);
    };
    let term = |day: i64| Term::from_field_date(field, DateTime::from_timestamp_secs(day * 86_400));
    let lower = since.map_or(Bound::Unbounded, |day| Bound::Included(term(day)));
    let upper = until.map_or(Bound::Unbounded, |day| Bound::Excluded(term(day)));
    Ok(Some(boxed(RangeQuery::new(lower, upper))))
}

/// The days `--since` and `--until` stand for, as days since 1970-01-01:
/// the first day included and the first day past the end; `None` when
/// neither is given. Each is listed in `shown`.
pub(crate) fn period_bounds(
    request: &SearchRequest,
    shown: &mut Vec<(String, String)>,
) -> Result<Option<(Option<i64>, Option<i64>)>> {
    let today = request.today.unwrap_or_else(today);
    let period = |flag: &'static str, value: &Option<String>| -> Result<Option<Period>> {
        value
            .as_deref()
            .map(|v| {
                Period::parse_at(v, today).ok_or_else(|| Error::BadDate {
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
    // A relative date is shown with the day it stands for.
    let show = |typed: &Option<String>, p: Period| {
        let typed = typed.clone().unwrap_or_default();
        if Period::parse(&typed).is_some() {
            typed
        } else {
            let (y, m, d) = crate::date::civil_from_days(p.first_day);
            format!("{typed} ({y:04}-{m:02}-{d:02})")
        }
    };
    if let Some(p) = since {
        shown.push(("since".into(), show(&request.since, p)));
    }
    if let Some(p) = until {
        shown.push(("until".into(), show(&request.until, p)));
    }
    Ok(Some((since.map(|p| p.first_day), until.map(|p| p.end_day))))
}

/// Today (UTC), in days since 1970-01-01.
fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs() / 86_400).unwrap_or(0))
        .unwrap_or(0)
}
