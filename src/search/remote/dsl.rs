//! sitrep's query language translated to the Elasticsearch query DSL, in
//! the subset Quickwit 0.9 and OpenSearch both accept: `bool`, `term`,
//! `terms`, `match_phrase`, `prefix`, `match_phrase_prefix`, `range` and
//! `match_all`.
//!
//! The query is parsed exactly as for a local search (`typed`, tantivy's
//! grammar, the same plan of units, stop words and alias expansion); only
//! the leaves differ. Words are cut by sitrep's own analyser and sent as
//! the terms `sitrep export` wrote into `title_terms` and `body_terms`, so
//! no text typed by the user ever reaches the server's own parser.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};
use tantivy::query_grammar::{
    Delimiter, Occur as GrammarOccur, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};

use crate::analyzer;
use crate::error::{Error, Result};
use crate::fields::{remote as field, FacetKind};
use crate::gazetteer::table::Names;
use crate::search::plan::{
    expansion_at, flatten_negations, is_stop_word_unit, parse_grammar, shorten, EXPANSION_SCORE,
    FACET_TEST_HINT,
};
use crate::search::where_expr::{self, Expr, WhereField};
use crate::search::{filters, Expansion, SearchRequest};

/// What translating needs besides the query: the names aliases resolve
/// among, and the schema's field boosts.
pub(crate) struct Vocabulary<'a> {
    /// The gazetteers' names.
    pub(crate) names: &'a Names,
    /// The boost of title matches (`schema.toml`).
    pub(crate) title_boost: f32,
    /// The boost of body matches.
    pub(crate) body_boost: f32,
}

/// One unit of the query subject to the matching strategy.
pub(crate) struct Unit {
    pub(crate) query: Value,
    pub(crate) stop_word: bool,
    /// How to tell whether an article read back holds it (`--any`).
    pub(crate) test: Presence,
}

/// Whether an article holds a unit, told from its stored text and facets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Presence {
    /// Term sequences that must all occur; the last term of a prefix
    /// sequence needs only to start a word.
    pub(crate) sequences: Vec<(Vec<String>, bool)>,
    /// Or: the article is tagged with this facet (field, value).
    pub(crate) tag: Option<(&'static str, String)>,
}

/// The parsed query, split for the matching strategy (see `plan::Plan`).
#[derive(Default)]
pub(crate) struct RemotePlan {
    /// Always required, scoring.
    pub(crate) required: Vec<Value>,
    /// Facet tests typed as words (`province:Borno`): required, scoring
    /// nothing.
    pub(crate) filters: Vec<Value>,
    /// Never allowed.
    pub(crate) excluded: Vec<Value>,
    /// Subject to the strategy.
    pub(crate) words: Vec<Unit>,
    /// The analysed terms of every positive word, for snippets.
    pub(crate) highlight: BTreeSet<String>,
    /// Units widened to a facet.
    pub(crate) expansions: Vec<Expansion>,
}

/// Matches no article.
fn nothing() -> Value {
    json!({"bool": {"must_not": [{"match_all": {}}]}})
}

fn match_all() -> Value {
    json!({"match_all": {}})
}

/// A `bool` query with only the clauses that are not empty.
pub(crate) fn boolean(
    must: Vec<Value>,
    should: Vec<Value>,
    filter: Vec<Value>,
    must_not: Vec<Value>,
) -> Value {
    let mut b = Map::new();
    for (name, clauses) in [
        ("must", must),
        ("should", should),
        ("filter", filter),
        ("must_not", must_not),
    ] {
        if !clauses.is_empty() {
            b.insert(name.into(), Value::Array(clauses));
        }
    }
    json!({ "bool": b })
}

/// `query` with its score multiplied by `boost` (kept as is at 1).
fn boosted(query: Value, boost: f32) -> Value {
    if (boost - 1.0).abs() < f32::EPSILON {
        return query;
    }
    json!({"bool": {"must": [query], "boost": boost}})
}

/// Parses `query` as a local search does (see `plan::parse`).
pub(crate) fn parse(vocab: &Vocabulary, query: &str, expand: bool) -> Result<RemotePlan> {
    let mut plan = RemotePlan::default();
    if query.trim().is_empty() {
        return Ok(plan);
    }
    let ast = parse_grammar(query, |name| {
        matches!(name, "title" | "body" | "id") || WhereField::parse(name).is_some()
    })?;
    let mut tr = Translator {
        vocab,
        query,
        highlight: BTreeSet::new(),
    };
    let items = match ast {
        UserInputAst::Clause(items) => flatten_negations(items),
        other => vec![(None, other)],
    };
    let boolean_mode = items
        .iter()
        .any(|(occur, _)| matches!(occur, Some(GrammarOccur::Should)));
    if boolean_mode {
        plan.required
            .push(tr.ast(&UserInputAst::Clause(items), false)?);
        plan.highlight = tr.highlight;
        return Ok(plan);
    }
    let mut i = 0;
    while let Some((occur, item)) = items.get(i) {
        if let Some(filter) = tr.facet_test(item)? {
            match occur {
                Some(GrammarOccur::MustNot) => plan.excluded.push(filter),
                _ => plan.filters.push(filter),
            }
            i += 1;
            continue;
        }
        match occur {
            Some(GrammarOccur::MustNot) => plan.excluded.push(tr.ast(item, true)?),
            Some(GrammarOccur::Must) => plan.required.push(tr.ast(item, false)?),
            _ => {
                let rest = items.get(i..).unwrap_or(&[]);
                if let Some((len, expansion)) =
                    expand.then(|| expansion_at(vocab.names, rest)).flatten()
                {
                    let mut words = Vec::new();
                    let mut test = Presence::default();
                    for (_, w) in rest.iter().take(len) {
                        words.push(tr.ast(w, false)?);
                        test.sequences.extend(presence(w).sequences);
                    }
                    let (name, value) = facet_term(expansion.kind, &expansion.value);
                    // A constant score, as `constant_score` would give
                    // (which Quickwit lacks): `match_all` scores 1.
                    let tagged = boosted(
                        boolean(
                            vec![match_all()],
                            vec![],
                            vec![json!({"term": {name: value.clone()}})],
                            vec![],
                        ),
                        EXPANSION_SCORE,
                    );
                    test.tag = Some((name, value));
                    plan.words.push(Unit {
                        query: boolean(
                            Vec::new(),
                            vec![boolean(words, vec![], vec![], vec![]), tagged],
                            vec![],
                            vec![],
                        ),
                        stop_word: false,
                        test,
                    });
                    plan.expansions.push(expansion);
                    i += len;
                    continue;
                }
                plan.words.push(Unit {
                    query: tr.ast(item, false)?,
                    stop_word: is_stop_word_unit(item),
                    test: presence(item),
                });
            }
        }
        i += 1;
    }
    plan.highlight = tr.highlight;
    Ok(plan)
}

/// How to tell an article read back holds `item`: its literal's terms.
fn presence(item: &UserInputAst) -> Presence {
    let mut p = Presence::default();
    if let UserInputAst::Leaf(leaf) = item {
        if let UserInputLeaf::Literal(lit) = leaf.as_ref() {
            p.sequences
                .push((analyzer::analyzed_terms(&lit.phrase), lit.prefix));
        }
    }
    p
}

/// The remote keyword field and value of a facet path of `kind`.
fn facet_term(kind: FacetKind, path: &str) -> (&'static str, String) {
    let value = path.trim_start_matches('/').to_owned();
    let name = match kind {
        FacetKind::Actor => field::ACTOR,
        FacetKind::ActorKind => field::ACTOR_KIND,
        FacetKind::Region => field::REGION,
        FacetKind::Year => field::YEAR,
        _ if value.contains('/') => field::PROVINCE,
        _ => field::COUNTRY,
    };
    (name, value)
}

/// Articles holding any of the facet `paths` of `where_field`, as remote
/// keyword terms (places split between provinces and countries).
pub(crate) fn facet_terms(where_field: WhereField, paths: &[String]) -> Value {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for p in paths {
        let value = p.trim_start_matches('/').to_owned();
        let deep = value.contains('/');
        let name = match where_field {
            WhereField::Province | WhereField::Country if deep => field::PROVINCE,
            WhereField::Province | WhereField::Country => field::COUNTRY,
            WhereField::MentionedProvince | WhereField::MentionedCountry if deep => {
                field::MENTIONED_PROVINCE
            }
            WhereField::MentionedProvince | WhereField::MentionedCountry => {
                field::MENTIONED_COUNTRY
            }
            WhereField::Region => field::REGION,
            WhereField::Actor => field::ACTOR,
            WhereField::MentionedActor => field::MENTIONED_ACTOR,
            WhereField::ActorKind => field::ACTOR_KIND,
            WhereField::Year => field::YEAR,
        };
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => groups.push((name, vec![value])),
        }
    }
    let mut queries: Vec<Value> = groups
        .into_iter()
        .map(|(name, values)| json!({"terms": {name: values}}))
        .collect();
    match queries.len() {
        0 => nothing(),
        1 => queries.remove(0),
        _ => boolean(vec![], queries, vec![], vec![]),
    }
}

/// The facet paths `value` names in `where_field`, as its flag resolves
/// them.
fn resolve(names: &Names, where_field: WhereField, value: &str) -> Result<Vec<String>> {
    match where_field.names() {
        Some(kind) => names.resolve(kind, value),
        None if where_field == WhereField::Year => filters::year_value(value).map(|y| vec![y]),
        None => resolve_kinds(names, &[value.to_owned()]),
    }
}

/// Actor kinds as the gazetteers spell them (a remote index's own terms
/// are not at hand); a kind they lack is an error suggesting the closest.
fn resolve_kinds(names: &Names, values: &[String]) -> Result<Vec<String>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut known: Vec<String> = names
        .gazetteer()?
        .actors
        .iter()
        .map(|a| a.kind.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    known.sort();
    known.dedup();
    let mut out = Vec::new();
    for value in values {
        let key = analyzer::fold_phrase(value);
        match known.iter().find(|k| analyzer::fold_phrase(k) == key) {
            Some(kind) => out.push(kind.clone()),
            None => return Err(filters::unknown_kind(value, &known)),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Turns the grammar's tree into DSL, collecting the terms to highlight.
struct Translator<'a> {
    vocab: &'a Vocabulary<'a>,
    query: &'a str,
    highlight: BTreeSet<String>,
}

impl Translator<'_> {
    fn error(&self, reason: impl Into<String>) -> Error {
        Error::Query {
            query: shorten(self.query),
            reason: reason.into(),
        }
    }

    /// A word such as `province:Borno` (any field of `--where`), as a
    /// filter; `None` for any other word.
    fn facet_test(&self, item: &UserInputAst) -> Result<Option<Value>> {
        let UserInputAst::Leaf(leaf) = item else {
            return Ok(None);
        };
        let UserInputLeaf::Literal(lit) = leaf.as_ref() else {
            return Ok(None);
        };
        let Some(wf) = lit.field_name.as_deref().and_then(WhereField::parse) else {
            return Ok(None);
        };
        let paths = resolve(self.vocab.names, wf, &lit.phrase)?;
        Ok(Some(facet_terms(wf, &paths)))
    }

    fn ast(&mut self, ast: &UserInputAst, negated: bool) -> Result<Value> {
        match ast {
            UserInputAst::Clause(items) => {
                let items = flatten_negations(items.clone());
                let (mut must, mut should, mut must_not) = (vec![], vec![], vec![]);
                for (occur, item) in &items {
                    match occur {
                        Some(GrammarOccur::MustNot) => must_not.push(self.ast(item, !negated)?),
                        Some(GrammarOccur::Should) => should.push(self.ast(item, negated)?),
                        // The default is AND, as locally.
                        _ => must.push(self.ast(item, negated)?),
                    }
                }
                if must.is_empty() && should.is_empty() {
                    must.push(match_all());
                }
                Ok(boolean(must, should, vec![], must_not))
            }
            UserInputAst::Boost(inner, boost) => {
                Ok(boosted(self.ast(inner, negated)?, boost.into_inner() as f32))
            }
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(lit) => self.literal(lit, negated),
                UserInputLeaf::All => Ok(match_all()),
                UserInputLeaf::Range {
                    field: Some(name),
                    lower,
                    upper,
                } if WhereField::parse(name) == Some(WhereField::Year) => {
                    self.year_range(lower, upper)
                }
                UserInputLeaf::Range { .. } => Err(self.error(
                    "ranges work on year only (year:[2019 TO 2021]); for dates use --since and --until",
                )),
                UserInputLeaf::Set { .. } => {
                    Err(self.error("field IN [...] sets are not supported with --remote"))
                }
                UserInputLeaf::Exists { .. } => {
                    Err(self.error("field:* tests are not supported with --remote"))
                }
                UserInputLeaf::Regex { .. } => {
                    Err(self.error("regular expressions are not supported"))
                }
            },
        }
    }

    fn literal(&mut self, lit: &UserInputLiteral, negated: bool) -> Result<Value> {
        let fields: Vec<(&str, f32)> = match lit.field_name.as_deref() {
            None => vec![
                (field::TITLE_TERMS, self.vocab.title_boost),
                (field::BODY_TERMS, self.vocab.body_boost),
            ],
            Some("title") => vec![(field::TITLE_TERMS, self.vocab.title_boost)],
            Some("body") => vec![(field::BODY_TERMS, self.vocab.body_boost)],
            Some("id") => return Ok(json!({"term": {field::ID: {"value": lit.phrase}}})),
            Some(name) if WhereField::parse(name).is_some() => {
                return Err(self.error(FACET_TEST_HINT))
            }
            Some(name) => return Err(self.error(format!(
                "there is no field {name:?}; searchable fields are title, body and id, and the facets province, country, region, actor, actor-kind and year (put text with a colon in quotes)"
            ))),
        };
        let terms = analyzer::analyzed_terms(&lit.phrase);
        if terms.is_empty() {
            return Ok(nothing());
        }
        if !negated && !lit.prefix {
            self.highlight.extend(terms.iter().cloned());
        }
        // Unquoted words the analyser cuts in several (`al-Shabaab`) are a
        // phrase, as tantivy's parser makes them.
        let slop = if lit.delimiter == Delimiter::None {
            0
        } else {
            lit.slop
        };
        let joined = terms.join(" ");
        let per_field: Vec<Value> = fields
            .into_iter()
            .map(|(name, boost)| match (terms.as_slice(), lit.prefix) {
                ([one], false) => json!({"term": {name: {"value": one, "boost": boost}}}),
                ([one], true) => boosted(json!({"prefix": {name: {"value": one}}}), boost),
                (_, true) => boosted(
                    json!({"match_phrase_prefix": {name: {"query": joined}}}),
                    boost,
                ),
                (_, false) => boosted(
                    json!({"match_phrase": {name: {"query": joined, "slop": slop}}}),
                    boost,
                ),
            })
            .collect();
        Ok(match <[Value; 1]>::try_from(per_field) {
            Ok([one]) => one,
            Err(many) => boolean(vec![], many, vec![], vec![]),
        })
    }

    /// `year:[2019 TO 2021]`: the years in the range, as terms.
    fn year_range(&self, lower: &UserInputBound, upper: &UserInputBound) -> Result<Value> {
        let bound = |b: &UserInputBound, unbounded: u16| -> Result<(u16, bool)> {
            match b {
                UserInputBound::Inclusive(y) => Ok((self.year(y)?, true)),
                UserInputBound::Exclusive(y) => Ok((self.year(y)?, false)),
                UserInputBound::Unbounded => Ok((unbounded, true)),
            }
        };
        let (low, low_in) = bound(lower, 1900)?;
        let (high, high_in) = bound(upper, 2100)?;
        let first = if low_in { low } else { low.saturating_add(1) };
        let last = if high_in {
            high
        } else {
            high.saturating_sub(1)
        };
        let years: Vec<String> = (first..=last).map(|y| y.to_string()).collect();
        Ok(facet_terms(WhereField::Year, &years))
    }

    fn year(&self, text: &str) -> Result<u16> {
        filters::year_value(text)?
            .parse()
            .map_err(|_| self.error(format!("{text:?} is not a year")))
    }
}

/// The filters of a request, as DSL: the required ones and the excluded
/// ones, and the filters as resolved for display.
pub(crate) struct RemoteFilters {
    pub(crate) filter: Vec<Value>,
    pub(crate) must_not: Vec<Value>,
    pub(crate) shown: Vec<(String, String)>,
}

/// The flags of `request` (see `filters::resolve`) as DSL.
pub(crate) fn resolve_filters(names: &Names, request: &SearchRequest) -> Result<RemoteFilters> {
    let mut out = RemoteFilters {
        filter: Vec::new(),
        must_not: Vec::new(),
        shown: Vec::new(),
    };
    let resolve_all = |wf: WhereField, values: &[String]| -> Result<Vec<String>> {
        let mut paths = match wf {
            WhereField::ActorKind => resolve_kinds(names, values)?,
            _ => {
                let mut paths = Vec::new();
                for v in values {
                    paths.extend(resolve(names, wf, v)?);
                }
                paths
            }
        };
        paths.sort();
        paths.dedup();
        Ok(paths)
    };
    let included = [
        (WhereField::Province, "province", &request.provinces),
        (WhereField::Country, "country", &request.countries),
        (WhereField::Region, "region", &request.regions),
        (WhereField::Actor, "actor", &request.actors),
        (WhereField::ActorKind, "actor-kind", &request.actor_kinds),
        (
            WhereField::MentionedProvince,
            "mentioned-province",
            &request.mentioned_provinces,
        ),
        (
            WhereField::MentionedCountry,
            "mentioned-country",
            &request.mentioned_countries,
        ),
        (
            WhereField::MentionedActor,
            "mentioned-actor",
            &request.mentioned_actors,
        ),
        (WhereField::Year, "year", &request.years),
    ];
    let excluded = [
        (WhereField::Province, "not-province", &request.not_provinces),
        (WhereField::Country, "not-country", &request.not_countries),
        (WhereField::Region, "not-region", &request.not_regions),
        (WhereField::Actor, "not-actor", &request.not_actors),
        (
            WhereField::ActorKind,
            "not-actor-kind",
            &request.not_actor_kinds,
        ),
    ];
    // Resolve everything before listing anything: an unknown value
    // stops the search.
    let mut resolved = Vec::new();
    for (wf, name, values) in included {
        resolved.push((wf, name, resolve_all(wf, values)?, false));
    }
    for (wf, name, values) in excluded {
        resolved.push((wf, name, resolve_all(wf, values)?, true));
    }
    resolved.sort_by_key(|r| r.3);
    for (wf, name, paths, exclude) in resolved {
        if paths.is_empty() {
            continue;
        }
        let q = facet_terms(wf, &paths);
        if exclude {
            out.must_not.push(q);
        } else {
            out.filter.push(q);
        }
        out.shown
            .extend(paths.into_iter().map(|p| (name.to_owned(), p)));
    }
    if let Some(text) = &request.where_expr {
        out.filter.push(where_query(names, text)?);
        out.shown.push(("where".to_owned(), text.clone()));
    }
    if let Some((since, until)) = filters::period_bounds(request, &mut out.shown)? {
        let mut range = Map::new();
        if let Some(day) = since {
            range.insert("gte".into(), Value::String(rfc3339(day)));
        }
        if let Some(day) = until {
            range.insert("lt".into(), Value::String(rfc3339(day)));
        }
        out.filter.push(json!({"range": {field::PUBLISHED: range}}));
    }
    Ok(out)
}

/// Midnight UTC of `day` (days since 1970-01-01), as RFC 3339.
fn rfc3339(day: i64) -> String {
    let (y, m, d) = crate::date::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
}

/// A `--where` expression as DSL.
pub(crate) fn where_query(names: &Names, text: &str) -> Result<Value> {
    let expr = where_expr::parse(text).map_err(|m| where_expr::error(text, m.span, m.reason))?;
    where_dsl(names, text, &expr)
}

fn where_dsl(names: &Names, text: &str, expr: &Expr) -> Result<Value> {
    Ok(match expr {
        Expr::Test { field, value, span } => {
            let paths = resolve(names, *field, value).map_err(|e| match e {
                unknown @ Error::UnknownValue { .. } => {
                    where_expr::error(text, *span, unknown.to_string())
                }
                other => other,
            })?;
            facet_terms(*field, &paths)
        }
        Expr::Not(inner) => boolean(
            vec![match_all()],
            vec![],
            vec![],
            vec![where_dsl(names, text, inner)?],
        ),
        Expr::And(items) => {
            let (mut must, mut must_not) = (Vec::new(), Vec::new());
            for item in items {
                match item {
                    Expr::Not(inner) => must_not.push(where_dsl(names, text, inner)?),
                    other => must.push(where_dsl(names, text, other)?),
                }
            }
            if must.is_empty() {
                must.push(match_all());
            }
            boolean(must, vec![], vec![], must_not)
        }
        Expr::Or(items) => {
            let mut should = Vec::with_capacity(items.len());
            for item in items {
                should.push(where_dsl(names, text, item)?);
            }
            boolean(vec![], should, vec![], vec![])
        }
    })
}

impl RemotePlan {
    /// The content words: stop words count only when all are.
    pub(crate) fn content_words(&self) -> usize {
        let content = self.words.iter().filter(|u| !u.stop_word).count();
        if content == 0 {
            self.words.len()
        } else {
            content
        }
    }

    fn content(&self) -> Vec<&Unit> {
        let all_stop = self.words.iter().all(|u| u.stop_word);
        self.words
            .iter()
            .filter(|u| all_stop || !u.stop_word)
            .collect()
    }

    /// Articles with at least `k` of the content words (see `Plan::tier`).
    pub(crate) fn tier(&self, k: usize, filters: &RemoteFilters) -> Value {
        let all_stop = self.words.iter().all(|u| u.stop_word);
        let content: Vec<Value> = self.content().iter().map(|u| u.query.clone()).collect();
        let mut must = Vec::new();
        if !content.is_empty() && k > 0 {
            if k >= content.len() {
                must.extend(content);
            } else {
                must.push(json!({"bool": {"should": content, "minimum_should_match": k}}));
            }
        }
        let should: Vec<Value> = if all_stop {
            Vec::new()
        } else {
            self.words
                .iter()
                .filter(|u| u.stop_word)
                .map(|u| u.query.clone())
                .collect()
        };
        self.finish(must, should, filters)
    }

    /// Articles with every word, stop words included (`--all`).
    pub(crate) fn every(&self, filters: &RemoteFilters) -> Value {
        let must = self.words.iter().map(|u| u.query.clone()).collect();
        self.finish(must, Vec::new(), filters)
    }

    /// Articles with any word (`--any`).
    pub(crate) fn any(&self, filters: &RemoteFilters) -> Value {
        let mut must = Vec::new();
        if !self.words.is_empty() {
            let all: Vec<Value> = self.words.iter().map(|u| u.query.clone()).collect();
            must.push(boolean(vec![], all, vec![], vec![]));
        }
        self.finish(must, Vec::new(), filters)
    }

    fn finish(&self, mut must: Vec<Value>, should: Vec<Value>, filters: &RemoteFilters) -> Value {
        must.extend(self.required.iter().cloned());
        if must.is_empty() {
            must.push(match_all());
        }
        let filter = self
            .filters
            .iter()
            .chain(&filters.filter)
            .cloned()
            .collect();
        let must_not = self
            .excluded
            .iter()
            .chain(&filters.must_not)
            .cloned()
            .collect();
        boolean(must, should, filter, must_not)
    }

    /// How many content words an article holds, told from its analysed
    /// text and facets (`--any` shows it per hit).
    pub(crate) fn words_in(&self, terms: &[String], has_tag: impl Fn(&str, &str) -> bool) -> usize {
        self.content()
            .iter()
            .filter(|u| {
                let t = &u.test;
                let tagged = t.tag.as_ref().is_some_and(|(f, v)| has_tag(f, v));
                let spelt = !t.sequences.is_empty()
                    && t.sequences
                        .iter()
                        .all(|(seq, prefix)| holds(terms, seq, *prefix));
                tagged || spelt
            })
            .count()
    }
}

/// Whether `terms` hold `seq` in a row (its last term only starting a word
/// when `prefix`).
fn holds(terms: &[String], seq: &[String], prefix: bool) -> bool {
    if seq.is_empty() {
        return false;
    }
    terms.windows(seq.len()).any(|w| {
        w.iter().zip(seq).enumerate().all(|(i, (t, s))| {
            if prefix && i + 1 == seq.len() {
                t.starts_with(s.as_str())
            } else {
                t == s
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index_schema::SchemaFiles;

    fn names() -> Names {
        let files = SchemaFiles::built_in();
        Names::new(None, std::path::PathBuf::new(), &files).expect("built-in gazetteers")
    }

    /// The first-tier query of `query` with `flags` applied, as JSON text.
    fn tier_of(names: &Names, query: &str, request: SearchRequest) -> String {
        let vocab = Vocabulary {
            names,
            title_boost: 2.0,
            body_boost: 1.0,
        };
        let plan = parse(&vocab, query, true).expect("query");
        let filters = resolve_filters(names, &request).expect("filters");
        plan.tier(plan.content_words(), &filters).to_string()
    }

    fn request() -> SearchRequest {
        SearchRequest {
            today: Some(crate::date::days_from_civil(2026, 12, 3)),
            ..SearchRequest::default()
        }
    }

    #[test]
    fn golden_requests() {
        let names = names();
        let matrix: Vec<(&str, SearchRequest)> = vec![
            ("Mosul", request()),
            ("car bombs", request()),
            ("\"security forces\"~1", request()),
            ("kill* -Baghdad", request()),
            ("the attack", request()),
            ("title:Kabul OR body:Herat", request()),
            ("Daesh", request()),
            ("raid province:Ninawa", request()),
            ("year:[2019 TO 2020]", request()),
            (
                "attack",
                SearchRequest {
                    provinces: vec!["Ninewa".into()],
                    not_actors: vec!["ISIL".into()],
                    years: vec!["2021".into()],
                    ..request()
                },
            ),
            (
                "",
                SearchRequest {
                    where_expr: Some("country:Syria AND NOT actor-kind:\"state force\"".into()),
                    since: Some("2020-03".into()),
                    until: Some("2021".into()),
                    ..request()
                },
            ),
        ];
        let mut got = String::new();
        for (query, request) in matrix {
            got.push_str(&format!(
                "{query:?} => {}\n",
                tier_of(&names, query, request)
            ));
        }
        // One line per case: the query typed, then the DSL sent. Rewrite
        // the file from this output when a change to the requests is meant.
        let want = include_str!("golden-requests.txt");
        for (g, w) in got.lines().zip(want.lines()) {
            assert_eq!(g, w);
        }
        assert_eq!(got.lines().count(), want.lines().count(), "{got}");
    }
}
