//! A query's plan: the parsed query split into units for the matching
//! strategy, with query words that name an actor or province widened to
//! the articles tagged with it.

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, QueryParserError, TermQuery,
};
use tantivy::query_grammar::{self, Delimiter, UserInputAst, UserInputLeaf};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{Score, Term};

use super::Expansion;
use crate::analyzer;
use crate::error::{Error, Result};
use crate::fields::FacetKind;
use crate::index::OpenIndex;

/// One unit of the query: a word, a phrase, a `field:term`.
pub(crate) struct Unit {
    pub(crate) query: Box<dyn Query>,
    pub(crate) stop_word: bool,
}

/// The parsed query, split for the matching strategy.
pub(crate) struct Plan {
    /// Always required (`+x`, or the whole query in boolean mode).
    pub(crate) required: Vec<Box<dyn Query>>,
    /// Never allowed (`-x`).
    pub(crate) excluded: Vec<Box<dyn Query>>,
    /// Subject to the strategy.
    pub(crate) words: Vec<Unit>,
    /// Every positive unit, for snippets.
    pub(crate) highlight: Vec<Box<dyn Query>>,
    /// Units widened to a facet.
    pub(crate) expansions: Vec<Expansion>,
}

pub(crate) fn query_error(query: &str, err: QueryParserError) -> Error {
    let reason = match err {
        // A facet test tantivy was left with: inside brackets or beside OR.
        QueryParserError::FacetFormatError(_) => FACET_TEST_HINT.into(),
        QueryParserError::FieldDoesNotExist(field)
            if super::where_expr::WhereField::parse(&field).is_some() =>
        {
            FACET_TEST_HINT.into()
        }
        QueryParserError::FieldDoesNotExist(field) => format!(
            "there is no field {field:?}; searchable fields are title, body and id, and the facets province, country, region, actor, actor-kind and year (put text with a colon in quotes)"
        ),
        QueryParserError::AllButQueryForbidden => "a query cannot only exclude words".into(),
        other => other.to_string(),
    };
    Error::Query {
        query: shorten(query),
        reason,
    }
}

/// Why a `field:value` facet test was refused where tantivy met it.
pub(crate) const FACET_TEST_HINT: &str = "province:, country:, region:, actor:, actor-kind: and year: filter only as words of their own, not inside brackets or beside OR; write --where 'province:Borno OR province:Yobe' or use --province";

/// A word of the query such as `province:Borno`, `actor:"Boko Haram"`,
/// `region:Sahel` or `year:2021` (any field of `--where`): the articles
/// with that facet, the value resolved as its flag resolves it (any
/// alias). `None` for any other word. It scores nothing, as a filter.
fn facet_test(open: &OpenIndex, item: &UserInputAst) -> Result<Option<Box<dyn Query>>> {
    let UserInputAst::Leaf(leaf) = item else {
        return Ok(None);
    };
    let UserInputLeaf::Literal(lit) = leaf.as_ref() else {
        return Ok(None);
    };
    let Some(field) = lit
        .field_name
        .as_deref()
        .and_then(super::where_expr::WhereField::parse)
    else {
        return Ok(None);
    };
    let paths = super::where_expr::resolve(open, field, &lit.phrase)?;
    let terms = super::where_expr::terms(field.index_field(open), &paths);
    Ok(Some(boxed(ConstScoreQuery::new(terms, 0.0))))
}

/// The deepest nesting of brackets tantivy's grammar will be given.
pub(crate) const MAX_NESTING: usize = 64;

/// How deep brackets nest in `query`, outside quotes.
pub(crate) fn nesting_depth(query: &str) -> usize {
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

/// `query` as tantivy's grammar reads it, after
/// [`super::typed::to_grammar`] (`is_field` tells field names from
/// words); a local and a remote search both start here.
pub(crate) fn parse_grammar(query: &str, is_field: impl Fn(&str) -> bool) -> Result<UserInputAst> {
    // tantivy's grammar recurses once per bracket: a deep nest would
    // overflow the stack, so refuse it first.
    if nesting_depth(query) > MAX_NESTING {
        return Err(Error::Query {
            query: shorten(query),
            reason: format!("brackets nested more than {MAX_NESTING} deep"),
        });
    }
    let text = super::typed::to_grammar(query, is_field).map_err(|typo| Error::Query {
        query: shorten(query),
        reason: format!("at character {}, {}", typo.position, typo.reason),
    })?;
    query_grammar::parse_query(&text).map_err(|_| Error::Query {
        query: shorten(query),
        reason: syntax_hint(&text),
    })
}

/// A query cut to a length that reads well in a message.
pub(crate) fn shorten(query: &str) -> String {
    if query.chars().count() <= 80 {
        query.to_owned()
    } else {
        format!("{}…", query.chars().take(80).collect::<String>())
    }
}

/// Why tantivy's grammar refused `grammar` (a query already through
/// [`super::typed::to_grammar`], so quotes and brackets are balanced), as
/// far as can be told, and how to write it.
pub(crate) fn syntax_hint(grammar: &str) -> String {
    let words: Vec<&str> = grammar.split_whitespace().collect();
    let operator = |w: &&str| matches!(*w, "AND" | "OR" | "NOT");
    if let Some(first) = words.first().filter(|w| matches!(**w, "AND" | "OR")) {
        return format!(
            "{first} at the start joins nothing: write Mosul {first} Kirkuk, or {} in lower case to search for the word",
            first.to_lowercase()
        );
    }
    if let Some(last) = words.last().filter(|w| operator(w)) {
        return format!(
            "{last} at the end has nothing after it: write Mosul {last} Kirkuk, or {} in lower case to search for the word",
            last.to_lowercase()
        );
    }
    if words.windows(2).any(|w| w.iter().all(operator)) {
        return "two operators in a row (AND OR NOT): write Mosul AND NOT Kirkuk, or the words in lower case".into();
    }
    if grammar.contains('[') || grammar.contains('{') {
        return "a range must look like year:[2019 TO 2021]".into();
    }
    if grammar.contains(':') {
        return "a field needs a value: title:Mosul or title:\"car bomb\"".into();
    }
    "the query syntax is not valid: write words, \"a phrase\", -word to leave it out, or (a OR b)"
        .into()
}

pub(crate) fn is_stop_word_unit(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(lit) => {
                lit.field_name.is_none()
                    && lit.delimiter == Delimiter::None
                    && !lit.prefix
                    && analyzer::words(&lit.phrase).count() == 1
                    && analyzer::is_stop_word(&analyzer::fold(&lit.phrase))
            }
            _ => false,
        },
        _ => false,
    }
}

pub(crate) fn parser(open: &OpenIndex) -> QueryParser {
    let f = &open.fields;
    let mut parser = QueryParser::for_index(&open.index, vec![f.title, f.body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(f.title, open.config.boost("title"));
    parser.set_field_boost(f.body, open.config.boost("body"));
    parser
}

pub(crate) fn parse(open: &OpenIndex, query: &str, expand: bool) -> Result<Plan> {
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
    let schema = open.index.schema();
    let ast = parse_grammar(query, |name| {
        schema.get_field(name).is_ok() || super::where_expr::WhereField::parse(name).is_some()
    })?;
    let build = |ast: UserInputAst| {
        parser
            .build_query_from_user_input_ast(ast)
            .map_err(|e| query_error(query, e))
    };
    let items = match ast {
        UserInputAst::Clause(items) => flatten_negations(items),
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
        if let Some(filter) = facet_test(open, item)? {
            match occur {
                Some(query_grammar::Occur::MustNot) => plan.excluded.push(filter),
                _ => plan.required.push(filter),
            }
            i += 1;
            continue;
        }
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
                    if let Some((len, expansion)) = expansion_at(&open.names, rest) {
                        let mut words: Vec<Box<dyn Query>> = Vec::new();
                        for (_, w) in rest.iter().take(len) {
                            plan.highlight.push(build(w.clone())?);
                            words.push(build(w.clone())?);
                        }
                        plan.words.push(Unit {
                            query: widened(open, words, &expansion),
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

/// `a AND NOT b` as the grammar gives it (`b` alone in a clause of its
/// own, which tantivy refuses to build: "cannot only exclude") turned into
/// the exclusion it means, as `a -b`.
pub(crate) fn flatten_negations(
    items: Vec<(Option<query_grammar::Occur>, UserInputAst)>,
) -> Vec<(Option<query_grammar::Occur>, UserInputAst)> {
    use query_grammar::Occur as O;
    let mut out = Vec::with_capacity(items.len());
    for (occur, item) in items {
        match item {
            UserInputAst::Clause(inner)
                if occur != Some(O::MustNot)
                    && !inner.is_empty()
                    && inner.iter().all(|(o, _)| *o == Some(O::MustNot)) =>
            {
                out.extend(inner);
            }
            other => out.push((occur, other)),
        }
    }
    out
}

/// The words of a phrase that names an actor or province, or the
/// articles tagged with what it names.
fn widened(open: &OpenIndex, words: Vec<Box<dyn Query>>, expansion: &Expansion) -> Box<dyn Query> {
    let field = match expansion.kind {
        FacetKind::Actor => open.fields.actor,
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
    boxed(BooleanQuery::union(vec![
        boxed(BooleanQuery::intersection(words)),
        boxed(tagged),
    ]))
}

/// The score an article gets for being tagged with what a query word
/// names, when the word itself is not in it: about that of one ordinary
/// word match.
pub(crate) const EXPANSION_SCORE: Score = 1.0;

/// The plain text of a word or quoted phrase with no field and no operator.
pub(crate) fn plain_literal(item: &(Option<query_grammar::Occur>, UserInputAst)) -> Option<&str> {
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
pub(crate) fn expansion_at(
    names: &crate::gazetteer::table::Names,
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
        names.expansion(&phrase).map(|(kind, value)| {
            (
                len,
                Expansion {
                    words: phrase,
                    kind,
                    value,
                },
            )
        })
    })
}

/// Whether the article at `address` matches `query`.
fn has(searcher: &tantivy::Searcher, query: &dyn Query, address: tantivy::DocAddress) -> bool {
    score_of(searcher, query, address, false).is_some()
}

/// The score of the article at `address` for `query` (1.0 when not
/// `scoring`), or `None` when it does not match. `Query::explain` would
/// do, but a union's scorer may start past the article and then asserts
/// instead of saying no.
pub(crate) fn score_of(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    address: tantivy::DocAddress,
    scoring: bool,
) -> Option<Score> {
    use tantivy::query::EnableScoring;
    use tantivy::{DocSet, TERMINATED};
    let enable = if scoring {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(enable).ok()?;
    let segment = searcher.segment_reader(address.segment_ord);
    let mut scorer = weight.scorer(segment, 1.0).ok()?;
    let doc = address.doc_id;
    let at = scorer.doc();
    let found = at != TERMINATED && at <= doc && (at == doc || scorer.seek(doc) == doc);
    found.then(|| if scoring { scorer.score() } else { 1.0 })
}

pub(crate) fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

impl Plan {
    pub(crate) fn content_words(&self) -> usize {
        let content = self.words.iter().filter(|u| !u.stop_word).count();
        if content == 0 {
            self.words.len()
        } else {
            content
        }
    }

    /// The query for articles with at least `k` of the content words
    /// (stop words add to the score only), within `filters`.
    pub(crate) fn tier(&self, k: usize, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
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
    pub(crate) fn every(&self, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
        let clauses = self
            .words
            .iter()
            .map(|u| (Occur::Must, u.query.box_clone()))
            .collect();
        self.finish(clauses, filters)
    }

    /// Articles with any word, ranked by relevance.
    pub(crate) fn any(&self, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !self.words.is_empty() {
            let all: Vec<Box<dyn Query>> = self.words.iter().map(|u| u.query.box_clone()).collect();
            clauses.push((Occur::Must, boxed(BooleanQuery::union(all))));
        }
        self.finish(clauses, filters)
    }

    pub(crate) fn finish(
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

    /// How many of the content words (all words, when every one is a stop
    /// word) the article at `address` has.
    pub(crate) fn words_in(
        &self,
        searcher: &tantivy::Searcher,
        address: tantivy::DocAddress,
    ) -> usize {
        let all_stop = self.words.iter().all(|u| u.stop_word);
        self.words
            .iter()
            .filter(|u| all_stop || !u.stop_word)
            .filter(|u| has(searcher, &*u.query, address))
            .count()
    }

    pub(crate) fn highlight_query(&self) -> Box<dyn Query> {
        boxed(BooleanQuery::union(
            self.highlight.iter().map(|q| q.box_clone()).collect(),
        ))
    }
}
