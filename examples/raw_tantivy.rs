//! `raw_tantivy`: the plainest tantivy index of the benchmark corpus, as the
//! ceiling sitrep is compared with in `bench/run`.
//!
//! ```text
//! cargo run --release --example raw_tantivy -- index CORPUS INDEX_DIR [--sitrep-tokenizer]
//! cargo run --release --example raw_tantivy -- search INDEX_DIR QUERY...
//! cargo run --release --example raw_tantivy -- count INDEX_DIR QUERY...
//! ```
//!
//! It does what any program built on tantivy must do and nothing more: no
//! facet extraction, no dates, no stemming, no stored text, no incremental
//! bookkeeping, no facet counts, no snippets. Whatever sitrep costs beyond
//! these figures is the price of its features, so the ratios in
//! `bench/RESULTS.md` say how close sitrep comes to the engine underneath.
//!
//! * `index` walks CORPUS in file-name order (as sitrep does) and reads the
//!   same files the same way: a `.txt` file may open with `key: value`
//!   header lines (`date`, `published`, `source`, `url`, `author`, `id`,
//!   `title`), then its first non-empty line is the title and the rest the
//!   body; a `.jsonl` file holds one JSON object per line with `title` and
//!   `body` (or `text` / `content`). Other files are passed over. The schema
//!   has `title` and `body` as `TEXT` (tantivy's default tokenizer:
//!   lower-cased words, positions kept for phrases), not stored, and `id`
//!   as a stored `STRING` (the path relative to CORPUS, or the record's
//!   `id`). The writer gets 128 MB, the default of `sitrep index --memory`,
//!   which tantivy splits among its indexing threads exactly as it does for
//!   sitrep; everything goes into one commit, then the merges are waited
//!   for, again as sitrep does. INDEX_DIR must not hold an index yet.
//!   With `--sitrep-tokenizer`, title and body go through sitrep's own
//!   tokenizer (UAX #29 words, folded, stemmed) instead of tantivy's
//!   default: the benchmark's way of telling the tokenizer's cost apart
//!   from the rest of what sitrep does.
//! * `search` prints the top 10 by BM25 over title and body, one `id score`
//!   line each. The query uses tantivy's query syntax; words are ANDed (the
//!   set of articles sitrep ranks first) and the title weighs twice the
//!   body, as in sitrep's schema.
//! * `count` prints how many articles match the query (the benchmark's
//!   check on the query set; it is not timed).
//!
//! Exit status 1 when a search matches nothing; 2 with `raw_tantivy: <error>`
//! on a bad argument or an error.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::Value;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{
    IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value as _, STORED, STRING, TEXT,
};
use tantivy::{doc, Index, IndexWriter, ReloadPolicy, TantivyDocument};
use walkdir::WalkDir;

/// The writer's budget: sitrep's default (`--memory 128`, in MB of 10^6).
const WRITER_BUDGET: usize = 128 * 1_000_000;
/// Header keys sitrep recognises before the title of a text article.
const HEADER_KEYS: [&str; 7] = [
    "date",
    "published",
    "source",
    "url",
    "author",
    "id",
    "title",
];

const USAGE: &str = "\
usage: raw_tantivy index CORPUS INDEX_DIR [--sitrep-tokenizer]
       raw_tantivy search INDEX_DIR QUERY...
       raw_tantivy count INDEX_DIR QUERY...";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("index") if args.len() == 3 => index(Path::new(&args[1]), Path::new(&args[2]), false),
        Some("index") if args.len() == 4 && args[3] == "--sitrep-tokenizer" => {
            index(Path::new(&args[1]), Path::new(&args[2]), true)
        }
        Some(command @ ("search" | "count")) if args.len() >= 3 => {
            match search(
                Path::new(&args[1]),
                &args[2..].join(" "),
                command == "count",
            ) {
                Ok(false) => return ExitCode::from(1),
                other => other.map(|_| ()),
            }
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(anyhow::anyhow!("bad arguments\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("raw_tantivy: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn schema(sitrep_tokenizer: bool) -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING | STORED);
    if sitrep_tokenizer {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(sitrep::ANALYZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        builder.add_text_field("title", text.clone());
        builder.add_text_field("body", text);
    } else {
        builder.add_text_field("title", TEXT);
        builder.add_text_field("body", TEXT);
    }
    builder.build()
}

fn index(corpus: &Path, dir: &Path, sitrep_tokenizer: bool) -> Result<()> {
    let started = Instant::now();
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let schema = schema(sitrep_tokenizer);
    let index = Index::create_in_dir(dir, schema.clone())
        .with_context(|| format!("cannot create an index in {}", dir.display()))?;
    sitrep::register_analyzer(&index);
    let id = schema.get_field("id")?;
    let title = schema.get_field("title")?;
    let body = schema.get_field("body")?;
    let mut writer: IndexWriter = index.writer(WRITER_BUDGET)?;

    let (mut articles, mut bytes) = (0u64, 0u64);
    let walk = WalkDir::new(corpus)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
        if ext != "txt" && ext != "jsonl" {
            continue;
        }
        let raw = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        bytes += raw.len() as u64;
        let text = String::from_utf8_lossy(&raw);
        let rel = path
            .strip_prefix(corpus)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        if ext == "txt" {
            if let Some((t, b)) = split_text(&text) {
                writer.add_document(doc!(id => rel, title => t, body => b))?;
                articles += 1;
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let Ok(Value::Object(record)) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let field = |names: &[&str]| {
                names
                    .iter()
                    .find_map(|n| record.get(*n).and_then(Value::as_str))
                    .unwrap_or("")
                    .to_owned()
            };
            let record_id = match record.get("id").and_then(Value::as_str) {
                Some(record_id) => record_id.to_owned(),
                None => format!("{rel}#{}", i + 1),
            };
            writer.add_document(doc!(
                id => record_id,
                title => field(&["title"]),
                body => field(&["body", "text", "content"]),
            ))?;
            articles += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "raw_tantivy: {articles} articles, {bytes} bytes, {secs:.2} s ({:.0} articles/s)",
        articles as f64 / secs
    );
    Ok(())
}

/// Title and body of a text article, by sitrep's rules for `.txt`.
fn split_text(text: &str) -> Option<(String, String)> {
    let mut lines = text.lines().peekable();
    while lines.peek().is_some_and(|l| l.trim().is_empty()) {
        lines.next();
    }
    let mut header_title = None;
    while let Some((key, value)) = lines.peek().and_then(|l| header_line(l)) {
        if key == "title" && !value.is_empty() && header_title.is_none() {
            header_title = Some(value.to_owned());
        }
        lines.next();
    }
    let title = match header_title {
        Some(title) => title,
        None => lines
            .by_ref()
            .map(str::trim)
            .find(|l| !l.is_empty())?
            .to_owned(),
    };
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_owned();
    Some((title, body))
}

fn header_line(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    HEADER_KEYS
        .contains(&key.as_str())
        .then_some((key, value.trim()))
}

/// Prints the top 10, or with `count` the number of matches; false when
/// nothing matched.
fn search(dir: &Path, query: &str, count: bool) -> Result<bool> {
    let index =
        Index::open_in_dir(dir).with_context(|| format!("cannot open {}", dir.display()))?;
    // For an index built with --sitrep-tokenizer.
    sitrep::register_analyzer(&index);
    let schema = index.schema();
    let id = schema.get_field("id")?;
    let title = schema.get_field("title")?;
    let body = schema.get_field("body")?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&index, vec![title, body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(title, 2.0);
    let query = parser.parse_query(query)?;
    if count {
        let n = searcher.search(&query, &Count)?;
        println!("{n}");
        return Ok(n > 0);
    }
    let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
    let mut out = String::new();
    for (score, address) in &top {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let doc_id = doc.get_first(id).and_then(|v| v.as_str()).unwrap_or("?");
        let _ = writeln!(out, "{doc_id} {score:.4}");
    }
    print!("{out}");
    Ok(!top.is_empty())
}
