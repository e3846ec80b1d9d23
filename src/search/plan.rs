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
const FACET_TEST_HINT: &str = "province:, country:, region:, actor:, actor-kind: and year: filter only as words of their own, not inside brackets or beside OR; write --where 'province:Borno OR province:Yobe' or use --province";

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

/// A query cut to a length that reads well in a message.
pub(crate) fn shorten(query: &str) -> String {
    if query.chars().count() <= 80 {
        query.to_owned()
    } else {
        format!("{}…", query.chars().take(80).collect::<String>())
    }
}

/// The apostrophes of `query` that belong to a word ("Sana'a", "al-Qa'ida",
/// "Houthis' drones", "Iraq’s") left out, since tantivy's grammar takes
/// an apostrophe for syntax. The analyzer drops them from words anyway
/// (`Sana'a` and `Sanaa` are one word), so nothing else changes.
pub(crate) fn apostrophes_as_text(query: &str) -> std::borrow::Cow<'_, str> {
    const APOSTROPHES: [char; 4] = ['\'', '’', '‘', 'ʼ'];
    if !query.contains(APOSTROPHES) {
        return std::borrow::Cow::Borrowed(query);
    }
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len());
    let mut skip_s = false;
    for (i, &c) in chars.iter().enumerate() {
        if std::mem::take(&mut skip_s) {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        // "Iraq's army": the possessive goes, as the analyzer drops it.
        let then = chars.get(i + 2).copied();
        if APOSTROPHES.contains(&c)
            && before.is_some_and(char::is_alphanumeric)
            && matches!(after, Some('s' | 'S'))
            && !then.is_some_and(char::is_alphanumeric)
        {
            skip_s = true;
            continue;
        }
        let inside =
            before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric);
        // A plural's possessive: "Houthis' drones".
        let possessive = matches!(before, Some('s' | 'S'))
            && after.is_none_or(|a| a.is_whitespace() || matches!(a, '"' | ')' | ',' | '.'));
        if APOSTROPHES.contains(&c) && (inside || possessive) {
            continue;
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// Why tantivy's grammar refused `query`, as far as can be told.
pub(crate) fn syntax_hint(query: &str) -> String {
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
    "the query syntax is not valid (quote words that hold : ( ) [ ] { } ^ ' \" - + to search for them)".into()
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
    // tantivy's grammar recurses once per bracket: a deep nest would
    // overflow the stack, so refuse it first.
    if nesting_depth(query) > MAX_NESTING {
        return Err(Error::Query {
            query: shorten(query),
            reason: format!("brackets nested more than {MAX_NESTING} deep"),
        });
    }
    let text = apostrophes_as_text(query);
    let ast = query_grammar::parse_query(&text).map_err(|_| Error::Query {
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
                    if let Some((len, expansion)) = expansion_at(open, rest) {
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
                    kind,
                    value,
                },
            )
        })
    })
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

    pub(crate) fn highlight_query(&self) -> Box<dyn Query> {
        boxed(BooleanQuery::union(
            self.highlight.iter().map(|q| q.box_clone()).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_inside_words_are_text() {
        for (typed, meant) in [
            ("Sana'a", "Sanaa"),
            ("al-Qa'ida attack", "al-Qaida attack"),
            ("Jama'at Nusrat", "Jamaat Nusrat"),
            ("Houthis' drones", "Houthis drones"),
            ("Iraq’s army", "Iraq army"),
            ("ISIS's leader", "ISIS leader"),
            ("\"Sana'a airport\" -Ta'izz", "\"Sanaa airport\" -Taizz"),
            ("Mosul", "Mosul"),
        ] {
            assert_eq!(apostrophes_as_text(typed), meant, "{typed}");
            assert!(
                query_grammar::parse_query(&apostrophes_as_text(typed)).is_ok(),
                "{typed}"
            );
        }
        // A quote mark standing alone is left for the grammar to judge.
        assert_eq!(apostrophes_as_text("' Mosul"), "' Mosul");
    }
}
