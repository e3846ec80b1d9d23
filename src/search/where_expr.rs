//! `--where`: a boolean filter expression over the facets, such as
//! `actor:Hamas AND actor:"Israel Defense Forces" AND NOT country:Egypt`.
//!
//! The grammar, read by a small recursive-descent parser that keeps the
//! place of every token for its messages:
//!
//! ```text
//! expr    = and { "OR" and }
//! and     = unary { "AND" unary }
//! unary   = "NOT" unary | primary
//! primary = "(" expr ")" | FIELD ":" VALUE
//! VALUE   = a word, or text in double quotes
//! ```
//!
//! `AND`, `OR` and `NOT` are operators only in capitals; `AND` binds
//! tighter than `OR`. A value resolves exactly as the flag of its field
//! does (any alias; a region's name for a province or country). The
//! expression becomes a tantivy query of facet terms that adds nothing to
//! an article's score.

use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::Term;

use super::plan::boxed;
use crate::error::{Error, Result};
use crate::fields::FacetKind;
use crate::index::OpenIndex;

/// How deep brackets and `NOT`s may nest: the parser recurses once per
/// level, so a limit keeps a hostile expression from overflowing the
/// stack.
pub(crate) const MAX_DEPTH: usize = 64;

/// A field an expression may test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhereField {
    Province,
    Country,
    Region,
    Actor,
    ActorKind,
    Year,
    MentionedProvince,
    MentionedCountry,
    MentionedActor,
}

/// Every field by its name in an expression, as the flags spell them.
const FIELDS: [(&str, WhereField); 9] = [
    ("province", WhereField::Province),
    ("country", WhereField::Country),
    ("region", WhereField::Region),
    ("actor", WhereField::Actor),
    ("actor-kind", WhereField::ActorKind),
    ("year", WhereField::Year),
    ("mentioned-province", WhereField::MentionedProvince),
    ("mentioned-country", WhereField::MentionedCountry),
    ("mentioned-actor", WhereField::MentionedActor),
];

impl WhereField {
    /// The field named `name`: any case, `_` for `-`, and `kind` for
    /// `actor-kind`.
    pub(crate) fn parse(name: &str) -> Option<WhereField> {
        let name = name.trim().to_lowercase().replace('_', "-");
        if name == "kind" {
            return Some(WhereField::ActorKind);
        }
        FIELDS.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    /// The index field its values are terms of.
    pub(crate) fn index_field(self, open: &OpenIndex) -> Field {
        let f = &open.fields;
        match self {
            WhereField::Province | WhereField::Country => f.province,
            WhereField::Region => f.region,
            WhereField::Actor => f.actor,
            WhereField::ActorKind => f.actor_kind,
            WhereField::Year => f.year,
            WhereField::MentionedProvince | WhereField::MentionedCountry => f.mentioned_province,
            WhereField::MentionedActor => f.mentioned_actor,
        }
    }

    /// The names a value of it is resolved among.
    pub(crate) fn names(self) -> Option<FacetKind> {
        match self {
            WhereField::Province | WhereField::MentionedProvince => Some(FacetKind::Province),
            WhereField::Country | WhereField::MentionedCountry => Some(FacetKind::Country),
            WhereField::Actor | WhereField::MentionedActor => Some(FacetKind::Actor),
            WhereField::Region => Some(FacetKind::Region),
            WhereField::ActorKind | WhereField::Year => None,
        }
    }
}

/// The list of fields, for a message.
fn field_list() -> String {
    let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
    format!("{} (kind for actor-kind)", names.join(", "))
}

/// Byte offsets of a piece of the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    /// `field:value`, and where the value was written.
    Test {
        field: WhereField,
        value: String,
        span: Span,
    },
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// A mistake in an expression: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mistake {
    pub(crate) span: Span,
    pub(crate) reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Word(String),
    Quoted(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

/// The tokens of `text`, or the place of an unclosed quote.
fn tokens(text: &str) -> std::result::Result<Vec<Token>, Mistake> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let one = |tok| Token {
            tok,
            span: Span {
                start,
                end: start + c.len_utf8(),
            },
        };
        if c == '(' || c == ')' {
            chars.next();
            out.push(one(if c == '(' { Tok::Open } else { Tok::Close }));
            continue;
        }
        if is_quote(c) {
            chars.next();
            let mut value = String::new();
            let mut end = None;
            for (i, q) in chars.by_ref() {
                if is_quote(q) {
                    end = Some(i + q.len_utf8());
                    break;
                }
                value.push(q);
            }
            let Some(end) = end else {
                return Err(Mistake {
                    span: Span {
                        start,
                        end: start + c.len_utf8(),
                    },
                    reason: "this double quote is not closed".into(),
                });
            };
            out.push(Token {
                tok: Tok::Quoted(value),
                span: Span { start, end },
            });
            continue;
        }
        let mut end = start;
        let mut word = String::new();
        while let Some(&(i, w)) = chars.peek() {
            if w.is_whitespace() || w == '(' || w == ')' || is_quote(w) {
                break;
            }
            word.push(w);
            end = i + w.len_utf8();
            chars.next();
        }
        let tok = match word.as_str() {
            "AND" => Tok::And,
            "OR" => Tok::Or,
            "NOT" => Tok::Not,
            _ => Tok::Word(word),
        };
        out.push(Token {
            tok,
            span: Span { start, end },
        });
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
    /// Where the text ends, for a mistake at its end.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// A mistake at the current token, or at the end of the text.
    fn mistake(&self, reason: String) -> Mistake {
        let span = self.peek().map_or(
            Span {
                start: self.end,
                end: self.end,
            },
            |t| t.span,
        );
        Mistake { span, reason }
    }

    /// What the current token is, for a message.
    fn found(&self) -> String {
        match self.peek().map(|t| &t.tok) {
            None => "the end".into(),
            Some(Tok::Open) => "'('".into(),
            Some(Tok::Close) => "')'".into(),
            Some(Tok::And) => "AND".into(),
            Some(Tok::Or) => "OR".into(),
            Some(Tok::Not) => "NOT".into(),
            Some(Tok::Word(w)) => format!("{w:?}"),
            Some(Tok::Quoted(q)) => format!("\"{q}\""),
        }
    }

    fn deeper(&mut self) -> std::result::Result<(), Mistake> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.mistake(format!("brackets and NOTs nest more than {MAX_DEPTH} deep")));
        }
        Ok(())
    }

    fn expr(&mut self) -> std::result::Result<Expr, Mistake> {
        let mut items = vec![self.and()?];
        while matches!(self.peek().map(|t| &t.tok), Some(Tok::Or)) {
            self.at += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> std::result::Result<Expr, Mistake> {
        let mut items = vec![self.unary()?];
        while matches!(self.peek().map(|t| &t.tok), Some(Tok::And)) {
            self.at += 1;
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> std::result::Result<Expr, Mistake> {
        if matches!(self.peek().map(|t| &t.tok), Some(Tok::Not)) {
            self.at += 1;
            self.deeper()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> std::result::Result<Expr, Mistake> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.mistake("expected field:value or '(', found the end".into()));
        };
        match token.tok {
            Tok::Open => {
                self.deeper()?;
                self.at += 1;
                let inner = self.expr()?;
                if !matches!(self.peek().map(|t| &t.tok), Some(Tok::Close)) {
                    return Err(self.mistake(format!(
                        "expected AND, OR or ')' to close the '(' at column {}, found {}",
                        token.span.start + 1,
                        self.found()
                    )));
                }
                self.at += 1;
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Word(word) => self.test(&word, token.span),
            Tok::Close => Err(self.mistake("this ')' has no '('".into())),
            _ => Err(self.mistake(format!(
                "expected field:value or '(', found {}",
                self.found()
            ))),
        }
    }

    /// `field:value`, its first word being `word` at `span`.
    fn test(&mut self, word: &str, span: Span) -> std::result::Result<Expr, Mistake> {
        let Some((name, value)) = word.split_once(':') else {
            let hint = if ["and", "or", "not"].contains(&word.to_lowercase().as_str()) {
                " (AND, OR and NOT are written in capitals)"
            } else {
                ""
            };
            return Err(self.mistake(format!(
                "expected field:value, such as actor:Hamas, found {word:?}{hint}"
            )));
        };
        let Some(field) = WhereField::parse(name) else {
            return Err(Mistake {
                span: Span {
                    start: span.start,
                    end: span.start + name.len(),
                },
                reason: format!("unknown field {name:?}: use {}", field_list()),
            });
        };
        self.at += 1;
        if !value.is_empty() {
            return Ok(Expr::Test {
                field,
                value: value.to_owned(),
                span: Span {
                    start: span.start + name.len() + 1,
                    end: span.end,
                },
            });
        }
        // `actor:"Israel Defense Forces"`, or `actor: Hamas`.
        match self.peek().cloned() {
            Some(Token {
                tok: Tok::Quoted(value) | Tok::Word(value),
                span,
            }) if !value.trim().is_empty() => {
                self.at += 1;
                Ok(Expr::Test {
                    field,
                    value,
                    span,
                })
            }
            _ => Err(self.mistake(format!(
                "expected a value after {name}:, found {} (quote a value of several words: {name}:\"state force\")",
                self.found()
            ))),
        }
    }
}

/// Parses `text`; a mistake says where and what was expected.
pub(crate) fn parse(text: &str) -> std::result::Result<Expr, Mistake> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
        depth: 0,
        end: text.len(),
    };
    let expr = parser.expr()?;
    match parser.peek().map(|t| &t.tok) {
        None => Ok(expr),
        Some(Tok::Close) => Err(parser.mistake("this ')' has no '('".into())),
        Some(_) => Err(parser.mistake(format!(
            "expected AND, OR or the end, found {} (join conditions with AND or OR)",
            parser.found()
        ))),
    }
}

/// The error for a mistake at `span` of `text`: the expression, and a
/// caret line under the offending piece.
pub(crate) fn error(text: &str, span: Span, reason: String) -> Error {
    let column = text.get(..span.start).map_or(0, |t| t.chars().count());
    let width = text
        .get(span.start..span.end)
        .map_or(1, |t| t.chars().count())
        .max(1);
    // Tabs and line breaks would shift the caret: one space each.
    let shown: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    Error::Where {
        expr: shown,
        caret: format!("{}{}", " ".repeat(column), "^".repeat(width)),
        reason,
    }
}

/// The query `text` stands for: facet terms combined as written, scoring
/// nothing.
pub(crate) fn query(open: &OpenIndex, text: &str) -> Result<Box<dyn Query>> {
    let expr = parse(text).map_err(|m| error(text, m.span, m.reason))?;
    let q = build(open, text, &expr)?;
    Ok(boxed(ConstScoreQuery::new(q, 0.0)))
}

/// Every article but those of `q`.
fn all_but(q: Box<dyn Query>) -> Box<dyn Query> {
    boxed(BooleanQuery::new(vec![
        (Occur::Must, boxed(AllQuery)),
        (Occur::MustNot, q),
    ]))
}

fn build(open: &OpenIndex, text: &str, expr: &Expr) -> Result<Box<dyn Query>> {
    Ok(match expr {
        Expr::Test { field, value, span } => {
            let paths = resolve(open, *field, value).map_err(|e| match e {
                unknown @ Error::UnknownValue { .. } => error(text, *span, unknown.to_string()),
                other => other,
            })?;
            terms(field.index_field(open), &paths)
        }
        Expr::Not(inner) => all_but(build(open, text, inner)?),
        Expr::And(items) => {
            let mut clauses = Vec::with_capacity(items.len());
            for item in items {
                clauses.push(match item {
                    Expr::Not(inner) => (Occur::MustNot, build(open, text, inner)?),
                    other => (Occur::Must, build(open, text, other)?),
                });
            }
            if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
                clauses.push((Occur::Must, boxed(AllQuery)));
            }
            boxed(BooleanQuery::new(clauses))
        }
        Expr::Or(items) => {
            let mut clauses = Vec::with_capacity(items.len());
            for item in items {
                clauses.push(build(open, text, item)?);
            }
            boxed(BooleanQuery::union(clauses))
        }
    })
}

/// The facet paths `value` names in `field`, as its flag resolves them.
pub(crate) fn resolve(open: &OpenIndex, field: WhereField, value: &str) -> Result<Vec<String>> {
    match field.names() {
        Some(kind) => open.names.resolve(kind, value),
        None if field == WhereField::Year => super::filters::year_value(value).map(|y| vec![y]),
        None => super::filters::resolve_kinds(open, &[value.to_owned()]),
    }
}

/// Articles holding any of the facet `paths` of `field` (a parent's term
/// matches its children).
pub(crate) fn terms(field: Field, paths: &[String]) -> Box<dyn Query> {
    let terms: Vec<Box<dyn Query>> = paths
        .iter()
        .map(|p| {
            let facet = Facet::from_path(p.split('/').filter(|s| !s.is_empty()));
            boxed(TermQuery::new(
                Term::from_facet(field, &facet),
                IndexRecordOption::Basic,
            ))
        })
        .collect();
    boxed(BooleanQuery::union(terms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(field: WhereField, value: &str) -> Expr {
        Expr::Test {
            field,
            value: value.to_owned(),
            span: Span { start: 0, end: 0 },
        }
    }

    /// The expression with its spans blanked, for comparing shapes.
    fn shape(e: Expr) -> Expr {
        match e {
            Expr::Test { field, value, .. } => test(field, &value),
            Expr::Not(inner) => Expr::Not(Box::new(shape(*inner))),
            Expr::And(items) => Expr::And(items.into_iter().map(shape).collect()),
            Expr::Or(items) => Expr::Or(items.into_iter().map(shape).collect()),
        }
    }

    fn parsed(text: &str) -> Expr {
        shape(parse(text).unwrap_or_else(|m| panic!("{text}: {m:?}")))
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tightest() {
        use WhereField::*;
        assert_eq!(
            parsed(r#"actor:Hamas AND actor:"Israel Defense Forces" AND NOT country:Egypt"#),
            Expr::And(vec![
                test(Actor, "Hamas"),
                test(Actor, "Israel Defense Forces"),
                Expr::Not(Box::new(test(Country, "Egypt"))),
            ])
        );
        assert_eq!(
            parsed("region:Sahel OR province:Borno AND year:2021"),
            Expr::Or(vec![
                test(Region, "Sahel"),
                Expr::And(vec![test(Province, "Borno"), test(Year, "2021")]),
            ])
        );
        assert_eq!(
            parsed("(region:Sahel OR province:Borno) AND kind:\"state force\""),
            Expr::And(vec![
                Expr::Or(vec![test(Region, "Sahel"), test(Province, "Borno")]),
                test(ActorKind, "state force"),
            ])
        );
        assert_eq!(
            parsed("NOT NOT mentioned_actor: ISIS"),
            Expr::Not(Box::new(Expr::Not(Box::new(test(MentionedActor, "ISIS")))))
        );
        assert_eq!(parsed("Actor-Kind:militia"), test(ActorKind, "militia"));
    }

    fn mistake(text: &str) -> (String, String) {
        let m = parse(text).expect_err(text);
        let Error::Where { caret, reason, .. } = error(text, m.span, m.reason) else {
            panic!("not a --where error");
        };
        (caret, reason)
    }

    #[test]
    fn mistakes_point_at_their_place_and_say_what_was_expected() {
        let (caret, reason) = mistake("actor:Hamas AND cuntry:Egypt");
        assert_eq!(caret, "                ^^^^^^");
        assert!(reason.contains("unknown field \"cuntry\""), "{reason}");
        assert!(reason.contains("mentioned-actor"), "{reason}");

        let (caret, reason) = mistake("actor:Hamas and actor:IDF");
        assert_eq!(caret, "            ^^^");
        assert!(reason.contains("expected AND, OR or the end"), "{reason}");

        let (caret, reason) = mistake("(actor:Hamas OR actor:IDF");
        assert_eq!(caret, "                         ^");
        assert!(reason.contains("close the '(' at column 1"), "{reason}");

        let (caret, reason) = mistake("actor:Hamas)");
        assert_eq!(caret, "           ^");
        assert!(reason.contains("no '('"), "{reason}");

        let (caret, reason) = mistake("actor:\"Hamas");
        assert_eq!(caret, "      ^");
        assert!(reason.contains("not closed"), "{reason}");

        let (_, reason) = mistake("actor: AND year:2020");
        assert!(reason.contains("expected a value after actor:"), "{reason}");
        let (_, reason) = mistake("Hamas");
        assert!(reason.contains("expected field:value"), "{reason}");
        let (_, reason) = mistake("actor:Hamas AND");
        assert!(reason.contains("found the end"), "{reason}");
        let (_, reason) = mistake("");
        assert!(reason.contains("found the end"), "{reason}");
        let (_, reason) = mistake("actor:x and");
        assert!(reason.contains("AND, OR"), "{reason}");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        for text in [
            format!("{}actor:x{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("{}actor:x", "NOT ".repeat(10_000)),
            "(".repeat(10_000),
        ] {
            let (_, reason) = mistake(&text);
            assert!(reason.contains("deep"), "{reason}");
        }
        let ok = format!("{}actor:x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        // Long flat chains do not recurse.
        let long = vec!["actor:x"; 10_000].join(" OR ");
        assert!(parse(&long).is_ok());
    }

    #[test]
    fn random_text_never_panics() {
        // A small xorshift generator: the same strings in every run.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pieces = [
            "(",
            ")",
            "\"",
            "“",
            "”",
            " ",
            "AND",
            "OR",
            "NOT",
            "and",
            ":",
            "actor",
            "kind",
            "province:",
            "x",
            "é",
            "دارفور",
            "\t",
            "\n",
            "year:2020",
            "::",
            "\u{0}",
        ];
        let mut parsed = 0;
        for _ in 0..20_000 {
            let n = (next() % 12) as usize;
            let text: String = (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            match parse(&text) {
                Ok(_) => parsed += 1,
                Err(m) => {
                    // The span lies on character boundaries of the text.
                    assert!(text.get(m.span.start..m.span.end).is_some(), "{text:?}");
                    let _ = error(&text, m.span, m.reason);
                }
            }
        }
        assert!(parsed > 0);
    }
}
