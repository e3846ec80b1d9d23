//! ② Articles: the [`Article`] type and one parser per file format.
//!
//! * `.txt` / `.md`: an optional block of `key: value` header lines (date,
//!   published, source, url, author, id), then the first non-empty line is
//!   the title and the rest the body. Markdown may use `---` front matter
//!   and a `#` before the title.
//! * `.json`: one article object, or an array of them.
//! * `.jsonl`: one article object per line.
//!
//! JSON fields: `title`, `body` (or `text` / `content`), `date` (or
//! `published`), `url`, `source`, `id`. Ids are stable: the file's path
//! relative to the corpus root for a one-article file; for a record in a
//! JSON array or JSON Lines file, the record's own `id`, else `path#N`
//! (the line number, or the position in the array).

mod card;

pub use card::Card;

use serde_json::{Map, Value};

use crate::corpus::{read_text, Format, SourceFile, Text};
use crate::date::{self, Date};
use crate::error::{Problem, ProblemKind};

/// One news article, as read from the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Stable id (see the module documentation).
    pub id: String,
    /// The headline.
    pub title: String,
    /// The text under the headline.
    pub body: String,
    /// The date as written in the article's own date field, if any.
    pub date_field: Option<String>,
    /// The publication date, from the date field, the file name or a dateline.
    pub date: Option<Date>,
    /// Where it was published (`source:` header or JSON field).
    pub source: Option<String>,
    /// Its address on the web.
    pub url: Option<String>,
    /// The line the record starts on, for JSON Lines.
    pub line: Option<usize>,
}

/// The articles of one file, and what was wrong with it.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Articles that could be read.
    pub articles: Vec<Article>,
    /// Records skipped and repairs made, each with its line where known.
    pub problems: Vec<Problem>,
}

/// Parses the text of `file` according to its format.
pub fn parse(file: &SourceFile, text: &str) -> Parsed {
    let parsed = match file.format {
        Format::Text | Format::Markdown => parse_text(file, text),
        Format::Json => parse_json(file, text),
        Format::JsonLines => parse_json_lines(file, text),
    };
    with_dates(file, parsed)
}

/// The articles of `file`, whose bytes decoded to `text`: a decoding
/// warning comes first among the problems.
pub fn parse_decoded(file: &SourceFile, text: &Text) -> Parsed {
    let mut parsed = parse(file, &text.text);
    if let Some(warning) = &text.warning {
        parsed.problems.insert(
            0,
            Problem::warning(&file.path, None, ProblemKind::Encoding(warning.clone())),
        );
    }
    parsed
}

/// Reads and parses `file`; a file that cannot be read or decoded is a
/// problem.
pub fn read_file(file: &SourceFile) -> std::result::Result<Parsed, Problem> {
    match read_text(&file.path) {
        Ok(text) => Ok(parse_decoded(file, &text)),
        Err(err) => Err(err.into_problem(&file.path, None)),
    }
}

/// Dates the undated articles of `parsed` by the file name, else by
/// their dateline.
fn with_dates(file: &SourceFile, mut parsed: Parsed) -> Parsed {
    let file_date = file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(date::from_file_name);
    for article in &mut parsed.articles {
        if article.date.is_none() {
            article.date = file_date.or_else(|| date::from_dateline(&article.body));
        }
    }
    parsed
}

const HEADER_KEYS: [&str; 7] = [
    "date",
    "published",
    "source",
    "url",
    "author",
    "id",
    "title",
];

fn header_line(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    HEADER_KEYS
        .contains(&key.as_str())
        .then_some((key, value.trim()))
}

/// The text of `text` from its line `index` (as `str::lines` counts) on.
fn line_tail(text: &str, index: usize) -> &str {
    let mut rest = text;
    for _ in 0..index {
        match rest.find('\n') {
            Some(end) => rest = &rest[end + 1..],
            None => return "",
        }
    }
    rest
}

/// Whether `line` (trimmed) is a Markdown thematic break: three or more
/// of one of `-`, `*`, `_`, spaces allowed between them.
fn is_rule(line: &str) -> bool {
    let marks: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&m| marks.iter().all(|&c| c == m))
}

/// When `text` opens with YAML front matter, the number of lines between
/// its `---` rules. A `---` line opens front matter only when a `---`
/// line closes it and every line between is a `key: value` line (or the
/// indented or `- ` continuation of one); otherwise the rule is part of
/// the text, as Markdown has it.
fn front_matter_lines(text: &str) -> Option<usize> {
    let mut lines = text.lines();
    if lines.next()?.trim() != "---" {
        return None;
    }
    let mut keys = 0;
    for (count, line) in lines.enumerate() {
        if line.trim() == "---" {
            return (keys > 0).then_some(count);
        }
        let continuation = line.starts_with([' ', '\t']) || line.starts_with("- ");
        if line.trim().is_empty() || (keys > 0 && continuation) {
            continue;
        }
        let (key, _) = line.split_once(':')?;
        let is_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if !is_key {
            return None;
        }
        keys += 1;
    }
    None
}

fn parse_text(file: &SourceFile, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut lines = text.lines().enumerate().peekable();
    let mut fields: Vec<(String, String)> = Vec::new();

    // Skip leading blank lines, then read a header block or front matter.
    while lines.peek().is_some_and(|(_, l)| l.trim().is_empty()) {
        lines.next();
    }
    let rest = lines.peek().map_or("", |&(i, _)| line_tail(text, i));
    let front_matter = (file.format == Format::Markdown)
        .then(|| front_matter_lines(rest))
        .flatten();
    if let Some(count) = front_matter {
        // The opening rule, the block and the closing rule.
        for (_, line) in lines.by_ref().take(count + 2).skip(1) {
            if let Some((key, value)) = header_line(line) {
                fields.push((key, value.trim_matches('"').to_owned()));
            }
        }
    } else {
        while let Some((key, value)) = lines.peek().and_then(|(_, l)| header_line(l)) {
            fields.push((key, value.to_owned()));
            lines.next();
        }
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };

    let mut title = field("title");
    if title.is_none() {
        for (_, line) in lines.by_ref() {
            let line = line.trim();
            // A Markdown rule (`---`, `***`, `___`) has no words to be a
            // title.
            let rule = file.format == Format::Markdown && is_rule(line);
            if !line.is_empty() && !rule {
                let line = if file.format == Format::Markdown {
                    line.trim_start_matches('#').trim()
                } else {
                    line
                };
                title = Some(line.to_owned());
                break;
            }
        }
    }
    let body_lines: Vec<&str> = lines.map(|(_, l)| l).collect();
    let body = body_lines.join("\n").trim().to_owned();

    let Some(title) = title else {
        parsed
            .problems
            .push(Problem::skipped(&file.path, None, ProblemKind::Empty));
        return parsed;
    };
    if body.is_empty() {
        parsed
            .problems
            .push(Problem::warning(&file.path, None, ProblemKind::TitleOnly));
    }
    let date_field = field("date").or_else(|| field("published"));
    let date = date_field.as_deref().and_then(|d| {
        let parsed_date = date::parse(d);
        if parsed_date.is_none() {
            parsed.problems.push(Problem::warning(
                &file.path,
                None,
                ProblemKind::BadDate(d.to_owned()),
            ));
        }
        parsed_date
    });
    parsed.articles.push(Article {
        id: field("id").unwrap_or_else(|| file.rel_path.clone()),
        title,
        body,
        date_field,
        date,
        source: field("source"),
        url: field("url"),
        line: None,
    });
    parsed
}

fn parse_json(file: &SourceFile, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(err) => {
            parsed.problems.push(Problem::skipped(
                &file.path,
                Some(err.line()),
                ProblemKind::InvalidJson(err.to_string()),
            ));
            return parsed;
        }
    };
    match value {
        Value::Object(map) => {
            let default_id = file.rel_path.clone();
            let raw = raw_id(&map, text);
            push_record(file, &map, raw.as_deref(), default_id, None, &mut parsed);
        }
        Value::Array(items) => {
            // The number ids of the array's objects as written, read
            // again only when one was rounded.
            let rounded = items.iter().any(|item| rounded_id(item).is_some());
            let raw_ids = if rounded {
                raw_ids(text, 2)
            } else {
                Vec::new()
            };
            let mut objects = 0;
            for (i, item) in items.iter().enumerate() {
                let default_id = format!("{}#{}", file.rel_path, i + 1);
                let raw = raw_ids.get(objects).and_then(|r| r.as_deref());
                objects += usize::from(item.is_object());
                match item {
                    Value::Object(map) => {
                        push_record(file, map, raw, default_id, None, &mut parsed)
                    }
                    other => parsed.problems.push(Problem::skipped(
                        &file.path,
                        None,
                        ProblemKind::NotAnArticle {
                            item: Some(i + 1),
                            found: kind(other),
                        },
                    )),
                }
            }
        }
        other => parsed.problems.push(Problem::skipped(
            &file.path,
            None,
            ProblemKind::NotAnArticle {
                item: None,
                found: kind(&other),
            },
        )),
    }
    parsed
}

fn parse_json_lines(file: &SourceFile, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (i, line) in text.lines().enumerate() {
        json_line(file, line, i + 1, &mut parsed);
    }
    parsed
}

/// Reads line `number` of a JSON Lines file.
fn json_line(file: &SourceFile, line: &str, number: usize, parsed: &mut Parsed) {
    if line.trim().is_empty() {
        return;
    }
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(map)) => {
            let default_id = format!("{}#{}", file.rel_path, number);
            let raw = raw_id(&map, line);
            push_record(file, &map, raw.as_deref(), default_id, Some(number), parsed);
        }
        Ok(other) => parsed.problems.push(Problem::skipped(
            &file.path,
            Some(number),
            ProblemKind::NotAnArticle {
                item: None,
                found: kind(&other),
            },
        )),
        Err(err) => parsed.problems.push(Problem::skipped(
            &file.path,
            Some(number),
            ProblemKind::InvalidJson(err.to_string()),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The `id` of a record when it is a number serde_json read as a float,
/// which may have rounded it: integers beyond 64 bits go through `f64`.
fn rounded_id(record: &Value) -> Option<&serde_json::Number> {
    record
        .get("id")
        .and_then(Value::as_number)
        .filter(|n| n.is_f64())
}

/// The number id of `map`, read from its JSON `text`, as written, when
/// serde_json read it as a float (which may have rounded it).
fn raw_id(map: &Map<String, Value>, text: &str) -> Option<String> {
    match map.get("id") {
        Some(Value::Number(n)) if n.is_f64() => raw_ids(text, 1).pop().flatten(),
        _ => None,
    }
}

/// For each object at nesting `depth` of the valid JSON `text` (1: the
/// text is the object; 2: objects in a top-level array), in order, its
/// `id` as written when that is a number: the digits, not what a float
/// makes of them, so that `12345678901234567890123` and `…124` stay two
/// ids. The last of repeated keys wins, as in `Value`.
fn raw_ids(text: &str, depth: usize) -> Vec<Option<String>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut level = 0;
    let mut key: Option<String> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                // A string, escapes skipped; a key when a `:` follows.
                let start = i;
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                }
                let rest = text.get(i..).unwrap_or("").trim_start();
                if level == depth && rest.starts_with(':') {
                    key = text
                        .get(start..i)
                        .and_then(|k| serde_json::from_str::<String>(k).ok());
                }
                continue;
            }
            b'{' | b'[' => {
                level += 1;
                if level == depth && b == b'{' {
                    out.push(None);
                }
            }
            b'}' | b']' => level = level.saturating_sub(1),
            b'-' | b'0'..=b'9' if level == depth && key.as_deref() == Some("id") => {
                let end = text
                    .get(i..)
                    .unwrap_or("")
                    .find(|c: char| !matches!(c, '-' | '+' | '.' | 'e' | 'E' | '0'..='9'))
                    .map_or(text.len(), |n| i + n);
                if let Some(last) = out.last_mut() {
                    *last = text.get(i..end).map(str::to_owned);
                }
                i = end;
                continue;
            }
            b',' if level == depth => key = None,
            _ => {}
        }
        i += 1;
    }
    out
}

/// Reads one JSON article object into `parsed`; `raw` is its number id
/// as written, when it has one.
fn push_record(
    file: &SourceFile,
    map: &Map<String, Value>,
    raw: Option<&str>,
    default_id: String,
    line: Option<usize>,
    parsed: &mut Parsed,
) {
    let mut problems = Vec::new();
    let mut text_field = |names: &[&str]| -> Option<String> {
        for name in names {
            match map.get(*name) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) => return Some(s.clone()),
                Some(Value::Number(n)) if *name == "id" => {
                    let as_written = raw.filter(|_| n.is_f64()).map(str::to_owned);
                    return Some(as_written.unwrap_or_else(|| n.to_string()));
                }
                Some(other) => {
                    problems.push(format!("field {name:?} is {}, not a string", kind(other)));
                    continue;
                }
            }
        }
        None
    };
    let id = text_field(&["id"]).filter(|s| !s.trim().is_empty());
    let title = text_field(&["title", "headline"]);
    let body = text_field(&["body", "text", "content"]).unwrap_or_default();
    let date_field = text_field(&["date", "published", "published_at"]);
    let source = text_field(&["source"]);
    let url = text_field(&["url", "link"]);
    // One report per record, however many things are wrong with it.
    let title = match title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        Some(title) => title,
        None => match body.lines().map(str::trim).find(|l| !l.is_empty()) {
            Some(first) => {
                problems.push("no title, so the first line of the body is used".into());
                first.chars().take(120).collect()
            }
            None => {
                problems.push("the record has neither a title nor a body (skipped)".into());
                parsed.problems.push(Problem::skipped(
                    &file.path,
                    line,
                    ProblemKind::Record(problems),
                ));
                return;
            }
        },
    };
    let date = date_field.as_deref().and_then(|d| {
        let parsed_date = date::parse(d);
        if parsed_date.is_none() {
            problems.push(format!(
                "cannot read the date {d:?}, so the article is undated"
            ));
        }
        parsed_date
    });
    if !problems.is_empty() {
        parsed.problems.push(Problem::warning(
            &file.path,
            line,
            ProblemKind::Record(problems),
        ));
    }
    parsed.articles.push(Article {
        id: id.unwrap_or(default_id),
        title,
        body: body.trim().to_owned(),
        date_field,
        date,
        source,
        url,
        line,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(rel: &str) -> SourceFile {
        let path = PathBuf::from("corpus").join(rel);
        SourceFile {
            format: Format::of(&path).unwrap(),
            path,
            rel_path: rel.to_owned(),
            size: 0,
            mtime: 0,
        }
    }

    #[test]
    fn text_with_header_block() {
        let p = parse(
            &file("iraq/a.txt"),
            "date: 2021-03-03\nsource: Wire\nurl: https://example.org/a\n\nTitle: here\nBody one.\nBody two.\n",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let a = &p.articles[0];
        assert_eq!(a.id, "iraq/a.txt");
        assert_eq!(a.title, "Title: here");
        assert_eq!(a.body, "Body one.\nBody two.");
        assert_eq!(a.date.unwrap().to_string(), "2021-03-03");
        assert_eq!(a.source.as_deref(), Some("Wire"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
    }

    #[test]
    fn text_without_header_takes_date_from_name_or_dateline() {
        let p = parse(
            &file("2017-07-10-mosul.txt"),
            "Mosul retaken\nIraqi forces...",
        );
        assert_eq!(p.articles[0].date.unwrap().to_string(), "2017-07-10");
        let p = parse(
            &file("b.txt"),
            "Blast in Kirkuk\nKIRKUK, Iraq, May 2, 2019 — A bomb went off in 2014 style.",
        );
        assert_eq!(p.articles[0].date.unwrap().to_string(), "2019-05-02");
        let p = parse(&file("c.txt"), "Old war\nISIS overran Mosul in 2014.");
        assert_eq!(p.articles[0].date, None);
    }

    #[test]
    fn markdown_title_and_front_matter() {
        let p = parse(
            &file("a.md"),
            "---\ntitle: \"Front title\"\ndate: 2016-10-17\n---\n\nBody here.",
        );
        assert_eq!(p.articles[0].title, "Front title");
        assert_eq!(p.articles[0].body, "Body here.");
        let p = parse(&file("b.md"), "# Heading title\n\nBody.");
        assert_eq!(p.articles[0].title, "Heading title");
    }

    #[test]
    fn empty_text_is_skipped_and_title_only_warned() {
        let p = parse(&file("e.txt"), "  \n\n ");
        assert!(p.articles.is_empty());
        assert_eq!(p.problems.len(), 1);
        let p = parse(&file("t.txt"), "Only a title\n");
        assert_eq!(p.articles.len(), 1);
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn json_object_and_array() {
        let p = parse(
            &file("one.json"),
            r#"{"title":"T","text":"B","published":"2020-01-02T00:00:00Z"}"#,
        );
        assert_eq!(p.articles[0].id, "one.json");
        assert_eq!(p.articles[0].body, "B");
        assert_eq!(p.articles[0].date.unwrap().to_string(), "2020-01-02");
        let p = parse(
            &file("many.json"),
            r#"[{"title":"A","body":"x"},{"id":7,"title":"B","content":"y"},3]"#,
        );
        let ids: Vec<&str> = p.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["many.json#1", "7"]);
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn json_lines_bad_line_reports_its_number() {
        let text = "{\"id\":\"a1\",\"title\":\"A\",\"body\":\"x\"}\n{\"title\": broken\n\n{\"title\":\"C\",\"body\":\"z\",\"date\":\"2018-05-06\"}\n";
        let p = parse(&file("feed.jsonl"), text);
        let ids: Vec<&str> = p.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["a1", "feed.jsonl#4"]);
        assert_eq!(p.articles[1].line, Some(4));
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].line, Some(2));
        assert!(p.problems[0].kind.to_string().contains("invalid JSON"));
    }

    #[test]
    fn json_wrong_types_are_reported_not_fatal() {
        let p = parse(
            &file("w.jsonl"),
            r#"{"title":["x"],"body":"Text line","date":5}"#,
        );
        assert_eq!(p.articles.len(), 1);
        assert_eq!(p.articles[0].title, "Text line");
        assert!(p
            .problems
            .iter()
            .any(|p| p.kind.to_string().contains("\"title\"")));
    }

    #[test]
    fn number_ids_are_kept_as_written() {
        let text = r#"[{"id":12345678901234567890123,"title":"A","body":"x","n":{"id":1}},3,{"title":"B","id":1.50,"body":"y"}]"#;
        let p = parse(&file("big.json"), text);
        let ids: Vec<&str> = p.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["12345678901234567890123", "1.50"]);
        let p = parse(
            &file("big.jsonl"),
            "{\"i\\u0064\": -99999999999999999999999, \"title\": \"A\"}\n{\"id\": 7, \"title\": \"B\"}\n",
        );
        let ids: Vec<&str> = p.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["-99999999999999999999999", "7"]);
    }

    #[test]
    fn a_markdown_rule_is_not_front_matter() {
        let p = parse(&file("r.md"), "---\n\nTitle\n\nBody.\n");
        assert_eq!(p.articles[0].title, "Title");
        let p = parse(
            &file("s.md"),
            "---\nA sentence: not front matter\n---\nBody.",
        );
        assert_eq!(p.articles[0].title, "A sentence: not front matter");
        let p = parse(&file("f.md"), "---\ntags:\n  - a\nid: x\n---\n# T\nB");
        assert_eq!(p.articles[0].id, "x");
        assert_eq!(p.articles[0].title, "T");
    }
}
