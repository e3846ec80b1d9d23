//! `.json` (one article object, or an array of them) and `.jsonl` (one
//! object per line). Fields: `title` (or `headline`), `body` (or `text`,
//! `content`), `date` (or `published`, `published_at`), `url` (or
//! `link`), `source`, `id`. A record's id is its own `id`, else `path#N`
//! (its line, or its position in the array); a lone object's is the path.

use serde_json::{Map, Value};

use super::{Article, Parsed};
use crate::corpus::SourceFile;
use crate::date;
use crate::error::{Problem, ProblemKind};

/// The articles of a JSON file.
pub(super) fn parse_json(file: &SourceFile, text: &str) -> Parsed {
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

/// The articles of a JSON Lines file.
pub(super) fn parse_json_lines(file: &SourceFile, text: &str) -> Parsed {
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
