//! ② Articles: the [`Article`] type and one parser per file format.
//!
//! | format | file | articles | id |
//! |---|---|---|---|
//! | text, Markdown (`text`) | `.txt`, `.md` | one | the path |
//! | JSON, JSON Lines (`json`) | `.json`, `.jsonl` | one per object | its `id`, else `path#N` |
//! | web page (`html`) | `.html`, `.htm` | one: the page's main text | the path |
//! | feed (`feed`) | `.xml`, `.rss`, `.atom` | one per item | its guid or link |
//! | table (`table`) | `.csv`, `.tsv` | one per row | its id column, else `path#LINE` |
//! | mail (`mail`) | `.eml`, `.mbox` | one per message | the Message-ID (`.eml`: the path) |
//! | PDF (`pdf`) | `.pdf` | one: the text layer | the path |
//! | web archive (`warc`) | `.warc` | one per HTML response | its target URI |
//!
//! Any of them may be compressed (`.gz`, `.zst`; `corpus` decompresses).
//! Ids are stable across runs, so a re-read file updates its articles
//! instead of duplicating them. Undated articles are dated by the file
//! name (`2021-03-04-…`), else by a dateline.

mod card;
mod feed;
mod html;
mod json;
mod mail;
mod pdf;
mod table;
mod text;
mod warc;

pub use card::Card;
pub use table::Columns;

use crate::corpus::{self, read_content, Format, SourceFile, Text};
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
    /// Where it was published (`source:` header, JSON field, site name).
    pub source: Option<String>,
    /// Its address on the web.
    pub url: Option<String>,
    /// The line the record starts on (JSON Lines, tables, mailboxes).
    pub line: Option<usize>,
}

/// The articles of one file, and what was wrong with it.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Articles that could be read.
    pub articles: Vec<Article>,
    /// Records skipped and repairs made, each with its line where known.
    pub problems: Vec<Problem>,
    /// Set when the file turned out not to hold articles at all (an XML
    /// file that is not a feed): passed over, like a file of another
    /// format, rather than a problem.
    pub passed_over: Option<String>,
}

impl Parsed {
    /// A file that gave nothing but `problem`.
    fn problem(problem: Problem) -> Parsed {
        Parsed {
            problems: vec![problem],
            ..Parsed::default()
        }
    }
}

/// Choices about how files are read, made per index (recorded in its
/// stamp, so that a change re-reads the files it concerns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Which columns of a table hold the text, title, date and id.
    pub columns: Columns,
}

/// Parses the decoded text of `file` according to its format.
pub fn parse(file: &SourceFile, text: &str) -> Parsed {
    parse_bytes(file, text.as_bytes(), &ReadOptions::default())
}

/// Parses the (decompressed) bytes of `file` according to its format.
pub fn parse_bytes(file: &SourceFile, bytes: &[u8], options: &ReadOptions) -> Parsed {
    let parsed = match file.format {
        Format::Text
        | Format::Markdown
        | Format::Json
        | Format::JsonLines
        | Format::Csv
        | Format::Tsv => match corpus::decode(&file.path, bytes) {
            Ok(text) => parse_text_format(file, &text, options),
            Err(err) => Parsed::problem(err.into_problem(&file.path, None)),
        },
        Format::Html => html::parse(file, bytes),
        Format::Feed => feed::parse(file, bytes),
        Format::Email => mail::parse_message(file, bytes),
        Format::Mbox => mail::parse_mbox(file, bytes),
        Format::Pdf => pdf::parse(file, bytes),
        Format::Warc => warc::parse(file, bytes),
    };
    with_dates(file, parsed)
}

/// The articles of a text format, whose bytes decoded to `text`: a
/// decoding warning comes first among the problems.
fn parse_text_format(file: &SourceFile, text: &Text, options: &ReadOptions) -> Parsed {
    let mut parsed = match file.format {
        Format::Json => json::parse_json(file, &text.text),
        Format::JsonLines => json::parse_json_lines(file, &text.text),
        Format::Csv | Format::Tsv => table::parse(file, &text.text, &options.columns),
        _ => text::parse_text(file, &text.text),
    };
    if let Some(warning) = &text.warning {
        parsed.problems.insert(
            0,
            Problem::warning(&file.path, None, ProblemKind::Encoding(warning.clone())),
        );
    }
    parsed
}

/// Reads and parses `file`; a file that cannot be read, decompressed or
/// decoded is a problem.
pub fn read_file(file: &SourceFile, options: &ReadOptions) -> std::result::Result<Parsed, Problem> {
    match read_content(file) {
        Ok(content) => Ok(parse_bytes(file, &content.bytes, options)),
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

/// The date of `field` (a date as written), or a problem saying it
/// cannot be read: what every parser does with a date it finds.
fn read_date(field: Option<&str>, on_bad: impl FnOnce(String)) -> Option<Date> {
    let field = field?;
    let parsed = date::parse(field);
    if parsed.is_none() {
        on_bad(field.to_owned());
    }
    parsed
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
