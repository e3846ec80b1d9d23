//! ⑥ Search: from a request to ranked hits and facet counts.
//!
//! A [`SearchRequest`] is a query in tantivy's syntax plus facet filters.
//! The words of the query are matched with a strategy modelled on
//! Meilisearch's "last": articles with all the words come first, ranked by
//! BM25 over the title (boosted) and the body; when fewer than a page have
//! them all, the page is filled with the best articles that have most of
//! them, marked as partial. English stop words never make a query fail.
//! `+word`, `-word`, phrases, `field:term` and explicit `AND` / `OR` keep
//! their meaning. The [`Results`] carry no tantivy types.

use std::collections::{BTreeMap, HashSet};

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, QueryParserError,
    RangeQuery, TermQuery,
};
use tantivy::query_grammar::{self, Delimiter, UserInputAst, UserInputLeaf};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, DocAddress, DocId, Order, Score, SegmentOrdinal, SegmentReader, Term};

use crate::card::Cards;
use crate::date::Period;
use crate::error::{Error, Result};
use crate::facets::facet_of_key;
use crate::gazetteer::FilterKind;
use crate::index::OpenIndex;
use crate::text;

/// How the words of a query must match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Matching {
    /// All the words first, then articles with most of them (default).
    #[default]
    Last,
    /// Only articles with every word.
    All,
    /// Articles with any of the words, by relevance.
    Any,
}

/// A search: query text and filters.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query in tantivy's syntax; empty means every article.
    pub query: String,
    /// Province filters (any alias, or a city inside the province).
    pub provinces: Vec<String>,
    /// Country filters.
    pub countries: Vec<String>,
    /// Actor filters.
    pub actors: Vec<String>,
    /// Year filters.
    pub years: Vec<String>,
    /// How many hits to return.
    pub limit: usize,
    /// The matching strategy.
    pub matching: Matching,
    /// How many values of each facet to return (0: all).
    pub facet_limit: usize,
    /// Do not widen query words that name an actor or province to the
    /// articles tagged with it.
    pub no_expand: bool,
    /// The order of the hits.
    pub sort: SortOrder,
    /// Only articles published in or after this period (`2021`,
    /// `2021-03`, `2021-03-15`); undated articles are left out.
    pub since: Option<String>,
    /// Only articles published in or before this period.
    pub until: Option<String>,
    /// How many hits to pass over before the page (for paging).
    pub offset: usize,
}

/// The order of the hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Best match first (full matches before partial ones).
    #[default]
    Relevance,
    /// Newest first; undated articles last.
    Date,
}

/// A query word or phrase that also matched articles tagged with the
/// actor or province it names (`Daesh` → actor `Islamic State`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The words as typed.
    pub words: String,
    /// `actor` or `province`.
    pub field: &'static str,
    /// The facet value.
    pub value: String,
}

/// A highlighted piece of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlighted {
    /// The text.
    pub text: String,
    /// Byte ranges of `text` holding matched words.
    pub highlights: Vec<(usize, usize)>,
}

/// One article in the results.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// The article's id.
    pub id: String,
    /// BM25 score.
    pub score: f32,
    /// Whether the article has every word of the query.
    pub full_match: bool,
    /// How many of the query's words it has.
    pub words_matched: usize,
    /// The headline, with the matched words.
    pub title: Highlighted,
    /// Publication date (ISO 8601), if known.
    pub date: Option<String>,
    /// `Country/Province` or `Country` values.
    pub provinces: Vec<String>,
    /// Canonical actor names.
    pub actors: Vec<String>,
    /// The file it was read from.
    pub path: String,
    /// Publisher, if known.
    pub source: Option<String>,
    /// Address, if known.
    pub url: Option<String>,
    /// A piece of the body around the matched words.
    pub snippet: Highlighted,
}

/// A facet value and how many matching articles carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// `Iraq/Nineveh`, `Iraq`, `Islamic State`, `2021`.
    pub value: String,
    /// Number of articles.
    pub count: u64,
}

/// Facet counts over every matching article (not only the page shown).
#[derive(Debug, Clone, Default)]
pub struct FacetCounts {
    /// First-level divisions, `Country/Province`.
    pub province: Vec<FacetCount>,
    /// Countries (an article counts once per country).
    pub country: Vec<FacetCount>,
    /// Actors.
    pub actor: Vec<FacetCount>,
    /// Publication years.
    pub year: Vec<FacetCount>,
}

/// Which articles the total and the facet counts are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// The articles counted have at least this many of the query's words.
    pub words_required: usize,
    /// The number of words in the query subject to the strategy.
    pub words: usize,
}

impl Counted {
    /// Whether the counts are of articles with every word.
    pub fn all_words(&self) -> bool {
        self.words_required >= self.words
    }
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct Results {
    /// The page of hits, best first.
    pub hits: Vec<Hit>,
    /// Number of articles matching (see `counted`).
    pub total: u64,
    /// Number of articles with every word (0 in `Any` mode with no such).
    pub full_matches: u64,
    /// What `total` and `facets` count.
    pub counted: Counted,
    /// Facet counts over all counted articles.
    pub facets: FacetCounts,
    /// The filters as resolved: `province: Iraq/Nineveh`…
    pub filters: Vec<(String, String)>,
    /// Query words widened to a facet.
    pub expansions: Vec<Expansion>,
}

/// One unit of the query: a word, a phrase, a `field:term`.
struct Unit {
    query: Box<dyn Query>,
    stop_word: bool,
}

/// The parsed query, split for the matching strategy.
struct Plan {
    /// Always required (`+x`, or the whole query in boolean mode).
    required: Vec<Box<dyn Query>>,
    /// Never allowed (`-x`).
    excluded: Vec<Box<dyn Query>>,
    /// Subject to the strategy.
    words: Vec<Unit>,
    /// Every positive unit, for snippets.
    highlight: Vec<Box<dyn Query>>,
    /// Units widened to a facet.
    expansions: Vec<Expansion>,
}

fn query_error(query: &str, err: QueryParserError) -> Error {
    let reason = match err {
        QueryParserError::FieldDoesNotExist(field) => format!(
            "there is no field {field:?}; searchable fields are title, body, id, province, actor, year (put text with a colon in quotes)"
        ),
        QueryParserError::AllButQueryForbidden => "a query cannot only exclude words".into(),
        other => other.to_string(),
    };
    Error::Query {
        query: shorten(query),
        reason,
    }
}

/// The deepest nesting of brackets tantivy's grammar will be given.
const MAX_NESTING: usize = 64;

/// How deep brackets nest in `query`, outside quotes.
fn nesting_depth(query: &str) -> usize {
    let (mut depth, mut max, mut quoted) = (0usize, 0usize, false);
    for c in query.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A query cut to a length that reads well in a message.
fn shorten(query: &str) -> String {
    if query.chars().count() <= 80 {
        query.to_owned()
    } else {
        format!("{}…", query.chars().take(80).collect::<String>())
    }
}

/// Why tantivy's grammar refused `query`, as far as can be told.
fn syntax_hint(query: &str) -> String {
    if query.matches('"').count() % 2 == 1 {
        return "a double quote is not closed".into();
    }
    let mut depth: i64 = 0;
    for c in query.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return "a ')' has no '('".into();
        }
    }
    if depth > 0 {
        return "a '(' is not closed".into();
    }
    if query.contains('[') || query.contains('{') {
        return "a range must look like field:[a TO b]".into();
    }
    "the query syntax is not valid (quote words that hold : ( ) [ ] { } ^ \" - + to search for them)".into()
}

fn is_stop_word_unit(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(lit) => {
                lit.field_name.is_none()
                    && lit.delimiter == Delimiter::None
                    && !lit.prefix
                    && text::words(&lit.phrase).count() == 1
                    && text::is_stop_word(&text::fold(&lit.phrase))
            }
            _ => false,
        },
        _ => false,
    }
}

fn parser(open: &OpenIndex) -> QueryParser {
    let f = &open.fields;
    let mut parser = QueryParser::for_index(&open.index, vec![f.title, f.body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(f.title, open.config.boost("title"));
    parser.set_field_boost(f.body, open.config.boost("body"));
    parser
}

fn plan(open: &OpenIndex, query: &str, expand: bool) -> Result<Plan> {
    let parser = parser(open);
    let mut plan = Plan {
        required: Vec::new(),
        excluded: Vec::new(),
        words: Vec::new(),
        highlight: Vec::new(),
        expansions: Vec::new(),
    };
    if query.trim().is_empty() {
        return Ok(plan);
    }
    // tantivy's grammar recurses once per bracket: a deep nest would
    // overflow the stack, so refuse it first.
    if nesting_depth(query) > MAX_NESTING {
        return Err(Error::Query {
            query: shorten(query),
            reason: format!("brackets nested more than {MAX_NESTING} deep"),
        });
    }
    let ast = query_grammar::parse_query(query).map_err(|_| Error::Query {
        query: shorten(query),
        reason: syntax_hint(query),
    })?;
    let build = |ast: UserInputAst| {
        parser
            .build_query_from_user_input_ast(ast)
            .map_err(|e| query_error(query, e))
    };
    let items = match ast {
        UserInputAst::Clause(items) => items,
        other => vec![(None, other)],
    };
    let boolean_mode = items
        .iter()
        .any(|(occur, _)| matches!(occur, Some(query_grammar::Occur::Should)));
    if boolean_mode {
        let whole = UserInputAst::Clause(items);
        plan.required.push(build(whole.clone())?);
        plan.highlight.push(build(whole)?);
        return Ok(plan);
    }
    let mut i = 0;
    while i < items.len() {
        let Some((occur, item)) = items.get(i) else {
            break;
        };
        match occur {
            Some(query_grammar::Occur::MustNot) => plan.excluded.push(build(item.clone())?),
            Some(query_grammar::Occur::Must) => {
                plan.highlight.push(build(item.clone())?);
                plan.required.push(build(item.clone())?);
            }
            _ => {
                // The longest run of plain words from here that names an
                // actor or province becomes one unit: its words, or the
                // articles tagged with what it names.
                if expand {
                    let rest = items.get(i..).unwrap_or(&[]);
                    if let Some((len, expansion)) = expansion_at(open, rest) {
                        let mut words: Vec<Box<dyn Query>> = Vec::new();
                        for (_, w) in rest.iter().take(len) {
                            plan.highlight.push(build(w.clone())?);
                            words.push(build(w.clone())?);
                        }
                        let field = match expansion.field {
                            "actor" => open.fields.actor,
                            _ => open.fields.province,
                        };
                        let facet = Facet::from_path(expansion.value.split('/'));
                        let tagged = ConstScoreQuery::new(
                            boxed(TermQuery::new(
                                Term::from_facet(field, &facet),
                                IndexRecordOption::Basic,
                            )),
                            EXPANSION_SCORE,
                        );
                        plan.words.push(Unit {
                            query: boxed(BooleanQuery::union(vec![
                                boxed(BooleanQuery::intersection(words)),
                                boxed(tagged),
                            ])),
                            stop_word: false,
                        });
                        plan.expansions.push(expansion);
                        i += len;
                        continue;
                    }
                }
                let stop_word = is_stop_word_unit(item);
                plan.highlight.push(build(item.clone())?);
                plan.words.push(Unit {
                    query: build(item.clone())?,
                    stop_word,
                });
            }
        }
        i += 1;
    }
    Ok(plan)
}

/// The score an article gets for being tagged with what a query word
/// names, when the word itself is not in it: about that of one ordinary
/// word match.
const EXPANSION_SCORE: Score = 1.0;

/// The plain text of a word or quoted phrase with no field and no operator.
fn plain_literal(item: &(Option<query_grammar::Occur>, UserInputAst)) -> Option<&str> {
    match item {
        (None, UserInputAst::Leaf(leaf)) => match leaf.as_ref() {
            UserInputLeaf::Literal(lit) if lit.field_name.is_none() && !lit.prefix => {
                Some(&lit.phrase)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The longest run of plain words at the start of `items` (up to six)
/// that names an actor or province, and what it names.
fn expansion_at(
    open: &OpenIndex,
    items: &[(Option<query_grammar::Occur>, UserInputAst)],
) -> Option<(usize, Expansion)> {
    let words: Vec<&str> = items.iter().take(6).map_while(plain_literal).collect();
    (1..=words.len()).rev().find_map(|len| {
        let phrase = words
            .iter()
            .take(len)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        open.names.expansion(&phrase).map(|(kind, value)| {
            (
                len,
                Expansion {
                    words: phrase,
                    field: kind.name(),
                    value,
                },
            )
        })
    })
}

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

impl Plan {
    fn content_words(&self) -> usize {
        let content = self.words.iter().filter(|u| !u.stop_word).count();
        if content == 0 {
            self.words.len()
        } else {
            content
        }
    }

    /// The query for articles with at least `k` of the content words
    /// (stop words add to the score only), within `filters`.
    fn tier(&self, k: usize, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
        let all_stop = self.words.iter().all(|u| u.stop_word);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let content: Vec<Box<dyn Query>> = self
            .words
            .iter()
            .filter(|u| all_stop || !u.stop_word)
            .map(|u| u.query.box_clone())
            .collect();
        if !content.is_empty() && k > 0 {
            if k >= content.len() {
                clauses.extend(content.into_iter().map(|q| (Occur::Must, q)));
            } else {
                clauses.push((
                    Occur::Must,
                    boxed(BooleanQuery::union_with_minimum_required_clauses(
                        content, k,
                    )),
                ));
            }
        }
        if !all_stop {
            for unit in self.words.iter().filter(|u| u.stop_word) {
                clauses.push((Occur::Should, unit.query.box_clone()));
            }
        }
        self.finish(clauses, filters)
    }

    /// Articles with every word, stop words included (`--all`).
    fn every(&self, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
        let clauses = self
            .words
            .iter()
            .map(|u| (Occur::Must, u.query.box_clone()))
            .collect();
        self.finish(clauses, filters)
    }

    /// Articles with any word, ranked by relevance.
    fn any(&self, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !self.words.is_empty() {
            let all: Vec<Box<dyn Query>> = self.words.iter().map(|u| u.query.box_clone()).collect();
            clauses.push((Occur::Must, boxed(BooleanQuery::union(all))));
        }
        self.finish(clauses, filters)
    }

    fn finish(
        &self,
        mut clauses: Vec<(Occur, Box<dyn Query>)>,
        filters: &[Box<dyn Query>],
    ) -> Box<dyn Query> {
        clauses.extend(self.required.iter().map(|q| (Occur::Must, q.box_clone())));
        clauses.extend(filters.iter().map(|q| (Occur::Must, q.box_clone())));
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, boxed(AllQuery)));
        }
        clauses.extend(
            self.excluded
                .iter()
                .map(|q| (Occur::MustNot, q.box_clone())),
        );
        boxed(BooleanQuery::new(clauses))
    }

    fn highlight_query(&self) -> Box<dyn Query> {
        boxed(BooleanQuery::union(
            self.highlight.iter().map(|q| q.box_clone()).collect(),
        ))
    }
}

/// Filter queries, one per kind, and the filters as resolved for display.
type ResolvedFilters = (Vec<Box<dyn Query>>, Vec<(String, String)>);

/// Resolves the filters of `request` to facet term queries, one per kind
/// (values of a kind OR'ed), and lists them as resolved.
fn filters(open: &OpenIndex, request: &SearchRequest) -> Result<ResolvedFilters> {
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
    let resolve_all = |kind: FilterKind, values: &[String]| -> Result<Vec<String>> {
        let mut out = Vec::new();
        for v in values {
            out.extend(g.resolve(kind, v)?);
        }
        out.sort();
        out.dedup();
        Ok(out)
    };
    let provinces = resolve_all(FilterKind::Province, &request.provinces)?;
    let countries = resolve_all(FilterKind::Country, &request.countries)?;
    let actors = resolve_all(FilterKind::Actor, &request.actors)?;
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
fn date_range(
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

/// The set of articles a request counts and sorts by date, as a query.
struct CountedSet {
    query: Box<dyn Query>,
    /// The articles have at least this many of the query's words.
    words_required: usize,
}

/// Which articles a request is about: those with every word when there
/// are any (or with the `--all` / `--any` rule); otherwise, under the
/// "last" strategy, those with the most words that still fill a page of
/// `page` hits, as in [`search`].
fn counted_set(
    searcher: &tantivy::Searcher,
    plan: &Plan,
    filters: &[Box<dyn Query>],
    matching: Matching,
    page: usize,
) -> Result<CountedSet> {
    let words = plan.content_words();
    match matching {
        Matching::All => Ok(CountedSet {
            query: plan.every(filters),
            words_required: words,
        }),
        Matching::Any if !plan.words.is_empty() => Ok(CountedSet {
            query: plan.any(filters),
            words_required: 1.min(words),
        }),
        _ => {
            let full = plan.tier(words, filters);
            if words <= 1 || searcher.search(&*full, &Count)? > 0 {
                return Ok(CountedSet {
                    query: full,
                    words_required: words,
                });
            }
            let mut k = words - 1;
            loop {
                let q = plan.tier(k, filters);
                if k <= 1 || searcher.search(&*q, &Count)? >= page.max(1) {
                    return Ok(CountedSet {
                        query: q,
                        words_required: k,
                    });
                }
                k -= 1;
            }
        }
    }
}

/// What a collector gathered over the articles a request counts (see
/// [`tally`]).
#[derive(Debug)]
pub struct Tallied<T> {
    /// The collector's result.
    pub fruit: T,
    /// Number of articles counted.
    pub total: u64,
    /// Which articles were counted.
    pub counted: Counted,
    /// The filters as resolved.
    pub filters: Vec<(String, String)>,
    /// Query words widened to a facet.
    pub expansions: Vec<Expansion>,
}

/// Runs `collector` over the articles `request` counts: the same articles
/// whose facets [`search`] counts. Used for timelines and cross tables.
pub fn tally<C: Collector>(
    open: &OpenIndex,
    request: &SearchRequest,
    collector: C,
) -> Result<Tallied<C::Fruit>> {
    let searcher = open.reader.searcher();
    let plan = plan(open, &request.query, !request.no_expand)?;
    let (filter_queries, shown_filters) = filters(open, request)?;
    let set = counted_set(
        &searcher,
        &plan,
        &filter_queries,
        request.matching,
        request.limit,
    )?;
    let (total, fruit) = searcher.search(&*set.query, &(Count, collector))?;
    Ok(Tallied {
        fruit,
        total: total as u64,
        counted: Counted {
            words_required: set.words_required,
            words: plan.content_words(),
        },
        filters: shown_filters,
        expansions: plan.expansions,
    })
}

/// Runs `request` against `open`.
pub fn search(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    // tantivy's top-k collectors allocate their page up front: a page or
    // an offset beyond the index's size asks for no more than the index.
    let docs = usize::try_from(open.reader.searcher().num_docs()).unwrap_or(usize::MAX);
    let clamped;
    let request = if request.limit > docs || request.offset > docs {
        clamped = SearchRequest {
            limit: request.limit.min(docs),
            offset: request.offset.min(docs),
            ..request.clone()
        };
        &clamped
    } else {
        request
    };
    if request.sort == SortOrder::Date {
        return search_by_date(open, request);
    }
    let searcher = open.reader.searcher();
    let plan = plan(open, &request.query, !request.no_expand)?;
    let (filter_queries, shown_filters) = filters(open, request)?;
    // Paging: the best `offset + limit`, of which the first `offset` are
    // passed over.
    let limit = request.offset.saturating_add(request.limit);
    let words = plan.content_words();
    let tally = FacetTally::new();
    let page = limit.max(1);

    let mut found: Vec<(Score, DocAddress, usize)> = Vec::new();
    let mut seen: HashSet<DocAddress> = HashSet::new();
    let (total, full_matches, counted, raw_facets);

    if request.matching == Matching::Any && !plan.words.is_empty() {
        let q = plan.any(&filter_queries);
        let (top, count, facets) = ranked_and_tallied(&searcher, &*q, page, &tally)?;
        found.extend(top.into_iter().map(|(s, a)| (s, a, 0)));
        let full = searcher.search(&*plan.tier(words, &filter_queries), &Count)?;
        total = count as u64;
        full_matches = full as u64;
        counted = Counted {
            words_required: 1.min(words),
            words,
        };
        raw_facets = facets;
    } else {
        let q = if request.matching == Matching::All {
            plan.every(&filter_queries)
        } else {
            plan.tier(words, &filter_queries)
        };
        let (top, count, facets) = ranked_and_tallied(&searcher, &*q, page, &tally)?;
        for (s, a) in top {
            seen.insert(a);
            found.push((s, a, words));
        }
        full_matches = count as u64;
        let mut counted_tier = (count as u64, words, facets);
        if request.matching == Matching::Last && found.len() < limit && words > 1 {
            for k in (1..words).rev() {
                let q = plan.tier(k, &filter_queries);
                let (top, count, facets) =
                    ranked_and_tallied(&searcher, &*q, limit.max(1) + seen.len(), &tally)?;
                if full_matches == 0 {
                    counted_tier = (count as u64, k, facets);
                }
                for (s, a) in top {
                    if found.len() >= limit {
                        break;
                    }
                    if seen.insert(a) {
                        found.push((s, a, k));
                    }
                }
                if found.len() >= limit {
                    break;
                }
            }
        }
        total = counted_tier.0;
        counted = Counted {
            words_required: counted_tier.1,
            words,
        };
        raw_facets = counted_tier.2;
    }

    // Full matches first, then by words matched and score; the address
    // keeps equal scores in a stable order from page to page.
    found.sort_by(|a, b| b.2.cmp(&a.2).then(b.0.total_cmp(&a.0)).then(a.1.cmp(&b.1)));
    let page: Vec<_> = found.into_iter().skip(request.offset).collect();
    let hits = hits(open, &searcher, &plan, page, words, request.offset)?;
    Ok(Results {
        hits,
        total,
        full_matches,
        counted,
        facets: raw_facets.into_counts(request.facet_limit),
        filters: shown_filters,
        expansions: plan.expansions,
    })
}

/// A page of hits: score and address, best first.
type Page = Vec<(Score, DocAddress)>;

/// The best page of `query` by relevance, the number of its matches and
/// their facet counts, in one pass over the matches.
///
/// Counting visits every match anyway, so the block-WAND skipping a top-k
/// collector can do alone saves nothing there: a separate ranking pass
/// (tried) cost as much as it saved on single words and, for phrases,
/// decoded every position twice.
fn ranked_and_tallied(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    page: usize,
    tally: &FacetTally,
) -> Result<(Page, usize, Tallies)> {
    let page = TopDocs::with_limit(page).order_by_score();
    Ok(searcher.search(query, &(page, Count, tally.clone()))?)
}

/// `--sort date`: the counted articles (see [`counted_set`]), newest
/// first, undated last; each hit keeps its relevance score.
fn search_by_date(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    let searcher = open.reader.searcher();
    let plan = plan(open, &request.query, !request.no_expand)?;
    let (filter_queries, shown_filters) = filters(open, request)?;
    let words = plan.content_words();
    let set = counted_set(
        &searcher,
        &plan,
        &filter_queries,
        request.matching,
        request.offset.saturating_add(request.limit),
    )?;
    let newest = TopDocs::with_limit(request.limit.max(1))
        .and_offset(request.offset)
        .order_by_fast_field::<DateTime>("published", Order::Desc);
    let (top, count, facets) = searcher.search(&*set.query, &(newest, Count, FacetTally::new()))?;
    let full_matches = if set.words_required >= words {
        count as u64
    } else {
        searcher.search(&*plan.tier(words, &filter_queries), &Count)? as u64
    };
    let mut page = Vec::with_capacity(top.len());
    for (_, address) in top.into_iter().take(request.limit) {
        let score = set
            .query
            .explain(&searcher, address)
            .map(|e| e.value())
            .unwrap_or(0.0);
        page.push((score, address, set.words_required));
    }
    let hits = hits(open, &searcher, &plan, page, words, request.offset)?;
    Ok(Results {
        hits,
        total: count as u64,
        full_matches,
        counted: Counted {
            words_required: set.words_required,
            words,
        },
        facets: facets.into_counts(request.facet_limit),
        filters: shown_filters,
        expansions: plan.expansions,
    })
}

fn hits(
    open: &OpenIndex,
    searcher: &tantivy::Searcher,
    plan: &Plan,
    found: Vec<(Score, DocAddress, usize)>,
    words: usize,
    offset: usize,
) -> Result<Vec<Hit>> {
    let f = &open.fields;
    let highlight = plan.highlight_query();
    let mut body_snippets = SnippetGenerator::create(searcher, &*highlight, f.body)?;
    body_snippets.set_max_num_chars(220);
    let mut title_snippets = SnippetGenerator::create(searcher, &*highlight, f.title)?;
    title_snippets.set_max_num_chars(1_000);
    let addresses: Vec<DocAddress> = found.iter().map(|&(_, address, _)| address).collect();
    let cards = Cards::new(searcher, open.fields).cards(&addresses)?;

    let mut hits = Vec::with_capacity(found.len());
    for ((score, _, k), (card, _)) in found.into_iter().zip(cards) {
        let title = card.title;
        let body = card.body;
        let title_snippet = title_snippets.snippet(&title);
        let title_hl = Highlighted {
            highlights: title_snippet
                .highlighted()
                .iter()
                .map(|r| {
                    let off = title_snippet.fragment_range().start;
                    (r.start + off, r.end + off)
                })
                .collect(),
            text: title,
        };
        let snippet = body_snippets.snippet(&body);
        let snippet = if snippet.fragment().is_empty() {
            Highlighted {
                text: lead(&body, 220),
                highlights: Vec::new(),
            }
        } else {
            Highlighted {
                text: snippet.fragment().to_owned(),
                highlights: snippet
                    .highlighted()
                    .iter()
                    .map(|r| (r.start, r.end))
                    .collect(),
            }
        };
        hits.push(Hit {
            rank: 0,
            id: card.id,
            score,
            full_match: k >= words,
            words_matched: k,
            title: title_hl,
            date: card.date,
            provinces: card.provinces,
            actors: card.actors,
            path: card.path,
            source: card.source,
            url: card.url,
            snippet,
        });
    }
    for (i, hit) in hits.iter_mut().enumerate() {
        hit.rank = offset + i + 1;
    }
    Ok(hits)
}

/// The first `max` characters of `text`, cut at a word boundary.
fn lead(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(at) if at > max / 2 => format!("{}…", &cut[..at]),
        _ => format!("{cut}…"),
    }
}

/// Counts every facet value of the province, actor and year fields over
/// the matching articles, plus countries (each article once per country,
/// however many of its provinces it names).
///
/// A segment's matches are gathered first and counted at harvest, in one
/// of two ways (the same counts either way):
///
/// * few matches: each match's facet ordinals are read from the facet
///   columns (a few column lookups per article);
/// * many matches, as for a common word: the postings of every facet
///   value are intersected with the matches. The facet values are few,
///   their postings decode in blocks, and a country's own facet term
///   (`/Iraq`, indexed with every `/Iraq/…`) counts each article once.
///
/// A segment with no match reads no facet dictionary at all.
#[derive(Clone)]
struct FacetTally;

impl FacetTally {
    fn new() -> Self {
        FacetTally
    }
}

/// Raw counts, by facet path.
#[derive(Debug, Default)]
struct Tallies {
    province: BTreeMap<String, u64>,
    country: BTreeMap<String, u64>,
    actor: BTreeMap<String, u64>,
    year: BTreeMap<String, u64>,
}

impl Tallies {
    fn into_counts(self, limit: usize) -> FacetCounts {
        let sorted = |map: BTreeMap<String, u64>, only_deep: bool| -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = map
                .into_iter()
                .filter(|(k, _)| !only_deep || k.contains('/'))
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            if limit > 0 {
                v.truncate(limit);
            }
            v
        };
        let mut year = sorted(self.year, false);
        // Years read best in order, newest first, whatever their counts.
        year.sort_by(|a, b| b.value.cmp(&a.value));
        FacetCounts {
            province: sorted(self.province, true),
            country: sorted(self.country, false),
            actor: sorted(self.actor, false),
            year,
        }
    }

    fn add(&mut self, other: Tallies) {
        for (src, dst) in [
            (other.province, &mut self.province),
            (other.country, &mut self.country),
            (other.actor, &mut self.actor),
            (other.year, &mut self.year),
        ] {
            for (k, v) in src {
                *dst.entry(k).or_default() += v;
            }
        }
    }
}

/// The facet fields a [`FacetTally`] counts, in the order of its arrays.
const TALLIED: [&str; 3] = ["province", "actor", "year"];

/// Below one match in this many articles of a segment, a tally reads the
/// facet columns of each match; above, it intersects facet postings.
/// Roughly where the two cost the same: a column lookup costs tens of
/// nanoseconds, a decoded posting a few, and an article has a handful of
/// facet terms.
const POSTINGS_TALLY_RATIO: usize = 8;

struct TallySegment {
    segment: SegmentReader,
    /// The matching articles, in order.
    docs: Vec<DocId>,
}

impl Collector for FacetTally {
    type Fruit = Tallies;
    type Child = TallySegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TallySegment> {
        Ok(TallySegment {
            segment: reader.clone(),
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<tantivy::Result<Tallies>>) -> tantivy::Result<Tallies> {
        let mut out = Tallies::default();
        for t in fruits {
            out.add(t?);
        }
        Ok(out)
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = tantivy::Result<Tallies>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.docs.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(self) -> tantivy::Result<Tallies> {
        if self.docs.is_empty() {
            return Ok(Tallies::default());
        }
        let max_doc = self.segment.max_doc() as usize;
        if self.docs.len().saturating_mul(POSTINGS_TALLY_RATIO) >= max_doc {
            tally_by_postings(&self.segment, &self.docs)
        } else {
            tally_by_columns(&self.segment, &self.docs)
        }
    }
}

/// Counts by reading each match's facet ordinals from the columns.
fn tally_by_columns(segment: &SegmentReader, docs: &[DocId]) -> tantivy::Result<Tallies> {
    let mut out = Tallies::default();
    let targets = [&mut out.province, &mut out.actor, &mut out.year];
    let mut countries: Vec<String> = Vec::new();
    let mut per_country = OncePerArticle::default();
    for (field, target) in TALLIED.into_iter().zip(targets) {
        let reader = segment.facet_reader(field)?;
        let pairs: Vec<(DocId, u64)> = docs
            .iter()
            .flat_map(|&doc| reader.facet_ords(doc).map(move |ord| (doc, ord)))
            .collect();
        let mut ords: Vec<u64> = pairs.iter().map(|&(_, ord)| ord).collect();
        ords.sort_unstable();
        ords.dedup();
        // Only the values these articles hold are looked up: each block of
        // the dictionary read costs a zstd decompression.
        let mut facets = Vec::with_capacity(ords.len());
        let mut bad_key = None;
        let complete =
            reader
                .facet_dict()
                .sorted_ords_to_term_cb(&ords, |key| match facet_of_key(key) {
                    Ok(facet) => facets.push(facet),
                    Err(err) => bad_key = Some(err),
                })?;
        if let Some(err) = bad_key {
            return Err(err);
        }
        if !complete || facets.len() != ords.len() {
            return Err(tantivy::TantivyError::InternalError(format!(
                "the {field} column names a value its dictionary lacks"
            )));
        }
        // Countries: a province → its country, counted once per article
        // however many of its provinces the article names.
        let mut country_of: Vec<usize> = Vec::new();
        if field == "province" {
            for facet in &facets {
                let country = facet.to_path().first().map(|s| (*s).to_owned());
                let country = country.unwrap_or_default();
                if countries.last() != Some(&country) {
                    countries.push(country);
                }
                country_of.push(countries.len() - 1);
            }
            per_country = OncePerArticle::new(countries.len());
        }
        let mut per_value = OncePerArticle::new(ords.len());
        for &(doc, ord) in &pairs {
            let Ok(value) = ords.binary_search(&ord) else {
                continue;
            };
            per_value.count(value, doc);
            if let Some(&country) = country_of.get(value) {
                per_country.count(country, doc);
            }
        }
        for (facet, count) in facets.iter().zip(per_value.counts) {
            if count > 0 {
                target.insert(facet.to_path().join("/"), count);
            }
        }
    }
    for (name, count) in countries.into_iter().zip(per_country.counts) {
        if count > 0 {
            out.country.insert(name, count);
        }
    }
    Ok(out)
}

/// Article counts by value, where an article counts once for a value
/// however often it holds it.
#[derive(Default)]
struct OncePerArticle {
    counts: Vec<u64>,
    /// The last article counted for each value.
    last: Vec<DocId>,
}

impl OncePerArticle {
    fn new(values: usize) -> Self {
        OncePerArticle {
            counts: vec![0; values],
            last: vec![DocId::MAX; values],
        }
    }

    fn count(&mut self, value: usize, doc: DocId) {
        if let (Some(n), Some(last)) = (self.counts.get_mut(value), self.last.get_mut(value)) {
            if *last != doc {
                *last = doc;
                *n += 1;
            }
        }
    }
}

/// Counts by intersecting the postings of every facet value with the
/// matches.
fn tally_by_postings(segment: &SegmentReader, docs: &[DocId]) -> tantivy::Result<Tallies> {
    let mut matches = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
    for &doc in docs {
        if let Some(word) = matches.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
        }
    }
    let matched = |doc: DocId| {
        matches
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    };
    let mut out = Tallies::default();
    let schema = segment.schema();
    for name in TALLIED {
        let field = schema.get_field(name)?;
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            if terms.key().is_empty() {
                continue; // the root, which every article with a value has
            }
            let facet = facet_of_key(terms.key())?;
            let path = facet.to_path();
            // Block by block: a block's doc ids decode at once.
            let mut postings = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut count = 0u64;
            loop {
                let block = postings.docs();
                if block.is_empty() {
                    break;
                }
                count += block
                    .iter()
                    .map(|&doc| u64::from(matched(doc)))
                    .sum::<u64>();
                postings.advance();
            }
            if count == 0 {
                continue;
            }
            let target = match (name, path.len()) {
                // `/Iraq` is indexed for every article naming Iraq or any
                // of its provinces: the country count. `/Iraq` as a value
                // of its own is only ever shown as a country.
                ("province", 1) => &mut out.country,
                ("province", _) => &mut out.province,
                ("actor", _) => &mut out.actor,
                _ => &mut out.year,
            };
            target.insert(path.join("/"), count);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{SchemaConfig, SchemaFiles};
    use tantivy::{doc, Index, TantivyDocument};

    /// An index of 40 articles in one segment, with 0–3 provinces (some
    /// countries alone), 0–2 actors and a year for most.
    fn facet_index() -> Index {
        let files = SchemaFiles::from_pairs(&[(
            "schema.toml",
            include_str!("../index-schema/schema.toml"),
        )]);
        let schema = SchemaConfig::load(&files).unwrap().build();
        let index = Index::create_in_ram(schema.clone());
        crate::schema::register_analyzer(&index);
        let field = |name: &str| schema.get_field(name).unwrap();
        let places = [
            "/Iraq/Nineveh",
            "/Iraq/Anbar",
            "/Iraq",
            "/Syria/Idlib",
            "/Yemen/Marib",
            "/Yemen",
        ];
        let actors = ["/ISIS", "/Houthis", "/Iraqi Army"];
        let mut writer = index.writer::<TantivyDocument>(15_000_000).unwrap();
        for i in 0..40usize {
            let mut doc = doc!(field("id") => format!("a{i}"));
            for k in 0..(i % 4) {
                let facet = Facet::from(places[(i * 7 + k * 3) % places.len()]);
                doc.add_facet(field("province"), facet);
            }
            for k in 0..(i % 3) {
                doc.add_facet(field("actor"), Facet::from(actors[(i + k) % actors.len()]));
            }
            if i % 5 != 0 {
                let year = format!("/{}", 2015 + i % 4);
                doc.add_facet(field("year"), Facet::from(year.as_str()));
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        index
    }

    fn as_lists(t: &Tallies) -> Vec<Vec<(String, u64)>> {
        [&t.province, &t.country, &t.actor, &t.year]
            .iter()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| k.contains('/') || !std::ptr::eq(*m, &t.province))
                    .map(|(k, v)| (k.clone(), *v))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn both_ways_of_tallying_give_the_same_counts() {
        let index = facet_index();
        let reader = index.reader().unwrap();
        let searcher = reader.searcher();
        let segment = searcher.segment_reader(0);
        let all: Vec<DocId> = (0..40).collect();
        let subsets: Vec<Vec<DocId>> = vec![
            all.clone(),
            all.iter().copied().filter(|d| d % 3 == 1).collect(),
            vec![7],
            vec![0, 39],
        ];
        for docs in subsets {
            let by_columns = tally_by_columns(segment, &docs).unwrap();
            let by_postings = tally_by_postings(segment, &docs).unwrap();
            assert_eq!(as_lists(&by_columns), as_lists(&by_postings), "{docs:?}");
        }
        // A country counts an article once, however many of its
        // provinces it names; `/Iraq` alone counts for Iraq too.
        let whole = tally_by_postings(segment, &all).unwrap();
        let iraq = (0..40usize)
            .filter(|i| (0..i % 4).any(|k| (i * 7 + k * 3) % 6 < 3))
            .count() as u64;
        assert_eq!(whole.country.get("Iraq"), Some(&iraq));
        assert!(whole.year.values().sum::<u64>() == 32);
    }
}
