//! `raw_tantivy`: tantivy programs over the benchmark corpus that sitrep is
//! compared with in `bench/run`: the plainest index and search, and a full
//! reference that does the job of `sitrep search` with tantivy's own parts.
//!
//! ```text
//! cargo run --release --example raw_tantivy -- index CORPUS INDEX_DIR [--sitrep-tokenizer]
//! cargo run --release --example raw_tantivy -- index CORPUS INDEX_DIR --full TRUTH_FILE
//! cargo run --release --example raw_tantivy -- search INDEX_DIR QUERY...
//! cargo run --release --example raw_tantivy -- full-search INDEX_DIR QUERY... [FILTER...]
//! cargo run --release --example raw_tantivy -- count INDEX_DIR QUERY... [FILTER...]
//! ```
//!
//! The plain index and `search` do what any program built on tantivy must
//! do and nothing more: no facet extraction, no dates, no stemming, no
//! stored text, no incremental bookkeeping, no facet counts, no snippets.
//! Whatever sitrep costs beyond these figures is the price of its
//! features, so those ratios say how close sitrep comes to the engine
//! underneath. The full reference (`--full`, `full-search`) answers the
//! same question as sitrep's default search, the way a program written
//! straight on tantivy would, and is the one sitrep should not be slower
//! than.
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
//! * `index ... --full TRUTH_FILE` builds the full reference: sitrep's
//!   tokenizer, title and body also STORED, in the doc store sitrep uses
//!   (zstd level 3 on 32 KiB blocks, the values of `index_settings()` in
//!   `src/index/layout.rs`), and four facet fields filled from the ground
//!   truth that `gen_corpus --truth` wrote (one JSON line per article, by
//!   id; an article without a line is an error), one field per kind, each
//!   value one step: `province` (`/Iraq\/Nineveh`, the country and the
//!   province as one step, so that a single `FacetCollector` on the root
//!   counts every province; with `/Iraq/Nineveh` it would need one facet
//!   per country), `country` (`/Iraq`), `actor` (`/Islamic State`, the
//!   canonical name, without sitrep's parent path) and `year` (`/2021`, the
//!   publication year). sitrep extracts these from the text instead; the
//!   reference is given them, so extraction is not part of its figures.
//!   The truth holds every place and actor an article names, whatever its
//!   role: what sitrep's `--mentioned-province` and `--mentioned-actor`
//!   filter on, where its `--province` and `--actor` take only the event's.
//! * `search` prints the top 10 by BM25 over title and body, one `id score`
//!   line each. The query uses tantivy's query syntax; words are ANDed (the
//!   set of articles sitrep ranks first) and the title weighs twice the
//!   body, as in sitrep's schema.
//! * `full-search` does what `sitrep search` does by default, in the plain
//!   way: the same conjunctive BM25 query over title (boost 2) and body,
//!   each filter a facet `TermQuery` ANDed in (`Occur::Must`), then ONE
//!   `searcher.search` with a tuple of collectors: `TopDocs` (top 10),
//!   `Count`, and a `FacetCollector` per kind (province, country, actor,
//!   year) over all the matches. Then for each of the 10 hits it reads the
//!   stored title and body and makes a snippet of the body with tantivy's
//!   `SnippetGenerator` (220 characters, as sitrep), matched words between
//!   `**`, and prints a plain text list (rank and title; id; snippet),
//!   then the count and the ten commonest values of each kind.
//!   Filters: `--province Country/Province` (canonical names: `--province
//!   Iraq/Nineveh`, not an alias or a city), `--country C`, `--actor A`
//!   (canonical name), `--year Y`; each may be repeated, and all must hold.
//! * `count` prints how many articles match the query (the benchmark's
//!   check on the query set; it is not timed); on a full index it takes
//!   the filters of `full-search` too.
//!
//! Exit status 1 when a search matches nothing; 2 with `raw_tantivy: <error>`
//! on a bad argument or an error.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::Value;
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
    Value as _, STORED, STRING, TEXT,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use walkdir::WalkDir;

/// The writer's budget: sitrep's default (`--memory 128`, in MB of 10^6).
const WRITER_BUDGET: usize = 128 * 1_000_000;
/// The doc store of the full reference, as sitrep's (`DOCSTORE_BLOCK` and
/// `DOCSTORE_ZSTD_LEVEL` in `src/index/layout.rs`).
const DOCSTORE_BLOCK: usize = 32 * 1024;
const DOCSTORE_ZSTD_LEVEL: i32 = 3;
/// Hits shown, and values shown per facet kind.
const PAGE: usize = 10;
/// The length of a snippet, as sitrep's.
const SNIPPET_CHARS: usize = 220;
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
/// The facet kinds of the full reference: field name and heading.
const KINDS: [(&str, &str); 4] = [
    ("province", "provinces"),
    ("country", "countries"),
    ("actor", "actors"),
    ("year", "years"),
];

const USAGE: &str = "\
usage: raw_tantivy index CORPUS INDEX_DIR [--sitrep-tokenizer | --full TRUTH_FILE]
       raw_tantivy search INDEX_DIR QUERY...
       raw_tantivy full-search INDEX_DIR QUERY... [FILTER...]
       raw_tantivy count INDEX_DIR QUERY... [FILTER...]
FILTER: --province Country/Province, --country C, --actor A, --year Y
(canonical gazetteer names; full index only)";

/// What kind of index to build.
enum Kind<'a> {
    Plain,
    SitrepTokenizer,
    Full(&'a Path),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("index") if args.len() == 3 => {
            index(Path::new(&args[1]), Path::new(&args[2]), Kind::Plain)
        }
        Some("index") if args.len() == 4 && args[3] == "--sitrep-tokenizer" => index(
            Path::new(&args[1]),
            Path::new(&args[2]),
            Kind::SitrepTokenizer,
        ),
        Some("index") if args.len() == 5 && args[3] == "--full" => index(
            Path::new(&args[1]),
            Path::new(&args[2]),
            Kind::Full(Path::new(&args[4])),
        ),
        Some(command @ ("search" | "count" | "full-search")) if args.len() >= 3 => {
            let found = parse_query(&args[2..]).and_then(|(query, filters)| {
                let dir = Path::new(&args[1]);
                match command {
                    "full-search" => full_search(dir, &query, &filters),
                    _ if !filters.is_empty() && command == "search" => {
                        bail!("filters are for full-search and count\n{USAGE}")
                    }
                    _ => search(dir, &query, &filters, command == "count"),
                }
            });
            match found {
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

/// The query words (joined by spaces) and the facet filters, as
/// (facet field, value) pairs.
fn parse_query(args: &[String]) -> Result<(String, Vec<(&'static str, String)>)> {
    let mut words = Vec::new();
    let mut filters = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let field = match arg.as_str() {
            "--province" => "province",
            "--country" => "country",
            "--actor" => "actor",
            "--year" => "year",
            _ => {
                words.push(arg.as_str());
                continue;
            }
        };
        let value = it
            .next()
            .with_context(|| format!("{arg} needs a value\n{USAGE}"))?;
        filters.push((field, value.clone()));
    }
    Ok((words.join(" "), filters))
}

fn schema(kind: &Kind) -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING | STORED);
    match kind {
        Kind::Plain => {
            builder.add_text_field("title", TEXT);
            builder.add_text_field("body", TEXT);
        }
        Kind::SitrepTokenizer | Kind::Full(_) => {
            let mut text = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(sitrep::ANALYZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if matches!(kind, Kind::Full(_)) {
                text = text.set_stored();
            }
            builder.add_text_field("title", text.clone());
            builder.add_text_field("body", text);
        }
    }
    if matches!(kind, Kind::Full(_)) {
        for (name, _) in KINDS {
            builder.add_facet_field(name, FacetOptions::default());
        }
    }
    builder.build()
}

/// One line of the ground truth `gen_corpus --truth` writes.
#[derive(Deserialize)]
struct Truth {
    id: String,
    provinces: Vec<String>,
    countries: Vec<String>,
    actors: Vec<String>,
    year: i32,
}

/// The ground truth by article id.
fn read_truth(path: &Path) -> Result<HashMap<String, Truth>> {
    let file = fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut truths = HashMap::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let truth: Truth = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a truth line", path.display(), i + 1))?;
        truths.insert(truth.id.clone(), truth);
    }
    Ok(truths)
}

/// The fields an article goes into, and for the full reference its
/// facet fields and the ground truth they are filled from.
struct Sink {
    id: Field,
    title: Field,
    body: Field,
    facets: Option<(Vec<Field>, HashMap<String, Truth>)>,
}

impl Sink {
    fn add(&self, writer: &IndexWriter, id: String, title: String, body: String) -> Result<()> {
        let mut doc = TantivyDocument::new();
        if let Some((fields, truths)) = &self.facets {
            let truth = truths
                .get(&id)
                .with_context(|| format!("the truth file has no line for {id}"))?;
            let year = truth.year.to_string();
            let values: [&[String]; 4] = [
                &truth.provinces,
                &truth.countries,
                &truth.actors,
                std::slice::from_ref(&year),
            ];
            for (&field, values) in fields.iter().zip(values) {
                for value in values {
                    doc.add_facet(field, Facet::from_path([value]));
                }
            }
        }
        doc.add_text(self.id, id);
        doc.add_text(self.title, title);
        doc.add_text(self.body, body);
        writer.add_document(doc)?;
        Ok(())
    }
}

fn index(corpus: &Path, dir: &Path, kind: Kind) -> Result<()> {
    let started = Instant::now();
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let schema = schema(&kind);
    let mut settings = IndexSettings::default();
    let facets = match kind {
        Kind::Full(truth) => {
            settings.docstore_compression =
                tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
                    compression_level: Some(DOCSTORE_ZSTD_LEVEL),
                });
            settings.docstore_blocksize = DOCSTORE_BLOCK;
            let fields = KINDS
                .iter()
                .map(|(name, _)| schema.get_field(name))
                .collect::<tantivy::Result<Vec<Field>>>()?;
            Some((fields, read_truth(truth)?))
        }
        _ => None,
    };
    let index = Index::builder()
        .schema(schema.clone())
        .settings(settings)
        .create_in_dir(dir)
        .with_context(|| format!("cannot create an index in {}", dir.display()))?;
    sitrep::register_analyzer(&index);
    let sink = Sink {
        id: schema.get_field("id")?,
        title: schema.get_field("title")?,
        body: schema.get_field("body")?,
        facets,
    };
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
                sink.add(&writer, rel, t, b)?;
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
            sink.add(
                &writer,
                record_id,
                field(&["title"]),
                field(&["body", "text", "content"]),
            )?;
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

/// An open index: its searcher and the text query (words ANDed, title
/// boosted twice) with the facet filters ANDed in.
struct Opened {
    searcher: Searcher,
    schema: Schema,
    query: Box<dyn Query>,
}

fn open(dir: &Path, text: &str, filters: &[(&str, String)]) -> Result<Opened> {
    let index =
        Index::open_in_dir(dir).with_context(|| format!("cannot open {}", dir.display()))?;
    // For an index built with --sitrep-tokenizer or --full.
    sitrep::register_analyzer(&index);
    let schema = index.schema();
    let title = schema.get_field("title")?;
    let body = schema.get_field("body")?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let mut parser = QueryParser::for_index(&index, vec![title, body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(title, 2.0);
    let mut query = parser.parse_query(text)?;
    if !filters.is_empty() {
        let mut clauses = vec![(Occur::Must, query)];
        for (name, value) in filters {
            let field = schema.get_field(name).with_context(|| {
                format!(
                    "{} has no {name} facets: build it with --full",
                    dir.display()
                )
            })?;
            let term = Term::from_facet(field, &Facet::from_path([value]));
            let filter: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            clauses.push((Occur::Must, filter));
        }
        query = Box::new(BooleanQuery::new(clauses));
    }
    Ok(Opened {
        searcher: reader.searcher(),
        schema,
        query,
    })
}

/// Prints the top 10 (`id score` lines), or with `count` the number of
/// matches; false when nothing matched.
fn search(dir: &Path, text: &str, filters: &[(&str, String)], count: bool) -> Result<bool> {
    let Opened {
        searcher,
        schema,
        query,
    } = open(dir, text, filters)?;
    if count {
        let n = searcher.search(&query, &Count)?;
        println!("{n}");
        return Ok(n > 0);
    }
    let id = schema.get_field("id")?;
    let top = searcher.search(&query, &TopDocs::with_limit(PAGE).order_by_score())?;
    let mut out = String::new();
    for (score, address) in &top {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let doc_id = doc.get_first(id).and_then(|v| v.as_str()).unwrap_or("?");
        let _ = writeln!(out, "{doc_id} {score:.4}");
    }
    print!("{out}");
    Ok(!top.is_empty())
}

/// What `sitrep search` does by default, with tantivy's own collectors:
/// the top 10 with titles and snippets, the count, and the facet counts
/// over every match. False when nothing matched.
fn full_search(dir: &Path, text: &str, filters: &[(&str, String)]) -> Result<bool> {
    let Opened {
        searcher,
        schema,
        query,
    } = open(dir, text, filters)?;
    let (id, title, body) = (
        schema.get_field("id")?,
        schema.get_field("title")?,
        schema.get_field("body")?,
    );
    let facet_collector = |name: &str| {
        let mut collector = FacetCollector::for_field(name);
        collector.add_facet(Facet::root());
        collector
    };
    let collectors = (
        TopDocs::with_limit(PAGE).order_by_score(),
        Count,
        (
            facet_collector(KINDS[0].0),
            facet_collector(KINDS[1].0),
            facet_collector(KINDS[2].0),
            facet_collector(KINDS[3].0),
        ),
    );
    let (top, total, (provinces, countries, actors, years)) =
        searcher.search(&query, &collectors)?;

    let mut snippets = SnippetGenerator::create(&searcher, &*query, body)?;
    snippets.set_max_num_chars(SNIPPET_CHARS);
    let mut out = String::new();
    for (rank, (_, address)) in top.iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let stored = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
        let _ = writeln!(out, "{:>2}. {}", rank + 1, stored(title));
        let _ = writeln!(out, "    id: {}", stored(id));
        let snippet = snippets.snippet(stored(body));
        let _ = writeln!(out, "    {}\n", highlighted(&snippet, stored(body)));
    }
    let _ = writeln!(out, "{total} matches");
    for (counts, (_, heading)) in [provinces, countries, actors, years].iter().zip(KINDS) {
        let top: Vec<String> = top_values(counts)
            .into_iter()
            .map(|(value, count)| format!("{value} {count}"))
            .collect();
        let _ = writeln!(out, "{heading}: {}", top.join(", "));
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(total > 0)
}

/// The commonest values of one facet kind, most first (ties by name).
fn top_values(counts: &FacetCounts) -> Vec<(String, u64)> {
    counts
        .top_k(Facet::root(), PAGE)
        .into_iter()
        .map(|(facet, count)| (facet.to_path().join("/"), count))
        .collect()
}

/// A snippet's fragment, on one line, with its matched words between `**`;
/// when the body has none of the words (they were in the title), the
/// opening of the body, as sitrep shows it.
fn highlighted(snippet: &tantivy::snippet::Snippet, body: &str) -> String {
    let fragment = snippet.fragment();
    if fragment.is_empty() {
        return body
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(SNIPPET_CHARS)
            .collect();
    }
    let mut out = String::with_capacity(fragment.len() + 16);
    let mut from = 0;
    for range in snippet.highlighted() {
        let (Some(before), Some(word)) =
            (fragment.get(from..range.start), fragment.get(range.clone()))
        else {
            continue;
        };
        out.push_str(before);
        out.push_str("**");
        out.push_str(word);
        out.push_str("**");
        from = range.end;
    }
    out.push_str(fragment.get(from..).unwrap_or(""));
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
