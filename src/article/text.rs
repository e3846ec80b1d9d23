//! `.txt` and `.md`: an optional block of `key: value` header lines
//! (date, published, source, url, author, id, title), or Markdown front
//! matter; then the first non-empty line is the title (a Markdown `#`
//! dropped) and the rest the body. The id is the file's relative path.

use super::{Article, Parsed};
use crate::corpus::{Format, SourceFile};
use crate::date;
use crate::error::{Problem, ProblemKind};

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

/// The article of a text or Markdown file.
pub(super) fn parse_text(file: &SourceFile, text: &str) -> Parsed {
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
