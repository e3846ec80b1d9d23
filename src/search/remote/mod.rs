//! `sitrep search --remote`: the same search, run by a cluster engine
//! (Quickwit or OpenSearch) on the documents `sitrep export` wrote.
//!
//! Three parts, each replaceable on its own:
//!
//! * `engine`: a table of where each engine answers the calls made here;
//! * `transport`: how a request reaches it (HTTP, or a test's stand-in);
//! * `dsl`: the query language and filters as Elasticsearch query DSL.
//!
//! This file runs the strategy of a local search with them: every search
//! of a round goes in one `_msearch` request; totals come from
//! `track_total_hits`, facet counts from terms aggregations, and titles
//! and snippets are made here from the stored text, highlighted by
//! sitrep's own analyser.

mod dsl;
pub mod engine;
pub mod transport;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tantivy::snippet::SnippetGenerator;

use super::collect::Tallies;
use super::hits::body_snippet;
use super::{candidates, Counted, Highlighted, Hit, Matching, Results, SearchRequest, SortOrder};
use crate::analyzer;
use crate::article::Card;
use crate::error::{Error, Result};
use crate::fields::{is_armed_kind, remote as field};
use crate::gazetteer::table::Names;
use crate::index::schema::SchemaConfig;
use crate::index_schema::SchemaFiles;
use dsl::{RemoteFilters, RemotePlan, Vocabulary};
pub use engine::{Engine, UnknownEngine, OPENSEARCH, QUICKWIT};
pub use transport::{Http, Reply, Transport};

/// Where a remote search goes.
#[derive(Debug, Clone)]
pub struct Remote {
    /// The engine's address: `http://host:7280` (Quickwit),
    /// `http://host:9200` (OpenSearch).
    pub url: String,
    /// The index name.
    pub index: String,
    /// The engine, or `None` to ask the server.
    pub engine: Option<Engine>,
    /// How long to wait for each answer.
    pub timeout: Duration,
}

/// The facet fields counted, as terms aggregations of their own names.
const COUNTED: [&str; 6] = [
    field::PROVINCE,
    field::COUNTRY,
    field::REGION,
    field::ACTOR,
    field::ACTOR_KIND,
    field::YEAR,
];

/// The most buckets asked of a terms aggregation: every value of a facet
/// in practice (the gazetteers hold a few thousand).
const BUCKETS: usize = 10_000;

/// The most hits either engine returns for one search (`from + size`):
/// Quickwit's `max_hits`, OpenSearch's default `max_result_window`.
const MAX_HITS: usize = 10_000;

/// The fields a search reads back.
const SOURCE: [&str; 14] = [
    field::ID,
    field::PATH,
    field::TITLE,
    field::BODY,
    field::DATE,
    field::SOURCE,
    field::URL,
    field::PROVINCE,
    field::COUNTRY,
    field::ACTOR,
    field::ACTOR_KIND,
    field::MENTIONED_PROVINCE,
    field::MENTIONED_COUNTRY,
    field::MENTIONED_ACTOR,
];

/// Runs `request` on the engine at `remote`, over HTTP. `files` are the
/// schema and gazetteers whose names resolve aliases (those the export
/// was made with).
pub fn search_remote(
    remote: &Remote,
    files: &SchemaFiles,
    request: &SearchRequest,
) -> Result<Results> {
    let http = Http::new(&remote.url, remote.timeout);
    let names = Names::new(None, files.root.clone(), files)?;
    let config = SchemaConfig::load(files)?;
    search_with(&http, remote, &names, &config, request)
}

/// Runs `request` through `transport` (see [`search_remote`]).
pub fn search_with(
    transport: &dyn Transport,
    remote: &Remote,
    names: &Names,
    config: &SchemaConfig,
    request: &SearchRequest,
) -> Result<Results> {
    let vocab = Vocabulary {
        names,
        title_boost: config.boost("title"),
        body_boost: config.boost("body"),
    };
    // Everything the user typed is checked before the server is asked.
    let end = request.offset.saturating_add(request.limit);
    if end > MAX_HITS {
        return Err(remote_error(
            &remote.url,
            format!(
                "a cluster engine returns at most {MAX_HITS} hits a search, and --offset {} with --limit {} reaches {end}: page with smaller numbers",
                request.offset, request.limit
            ),
        ));
    }
    let plan = dsl::parse(&vocab, &request.query, !request.no_expand)?;
    let filters = dsl::resolve_filters(names, request)?;
    let engine = match remote.engine {
        Some(engine) => engine,
        None => detect(transport, &remote.url)?,
    };
    let client = Client {
        transport,
        engine,
        url: &remote.url,
        index: &remote.index,
    };
    let unarmed: BTreeSet<String> = names
        .gazetteer()?
        .actors
        .iter()
        .filter(|a| !a.kind.trim().is_empty() && !is_armed_kind(&a.kind))
        .map(|a| a.path.clone())
        .collect();
    let found = if request.sort == SortOrder::Relevance {
        by_relevance(&client, &plan, &filters, request)?
    } else {
        by_date(&client, &plan, &filters, request)?
    };
    if found.total == 0 {
        client.check_fields()?;
    }
    let words = plan.content_words();
    let hits = page(&plan, found.page, words, request);
    let tallies = Tallies::from_remote(
        |name| found.facets.get(name).cloned().unwrap_or_default(),
        unarmed,
    );
    Ok(Results {
        hits,
        total: found.total,
        full_matches: found.full_matches,
        counted: Counted {
            words_required: found.words_required,
            words,
        },
        facets: tallies.into_counts(request.facet_limit),
        filters: filters.shown,
        expansions: plan.expansions,
    })
}

/// Which engine answers at `url`: Quickwit answers its version call.
fn detect(transport: &dyn Transport, url: &str) -> Result<Engine> {
    let reply = transport
        .get(QUICKWIT.probe)
        .map_err(|e| remote_error(url, e.to_string()))?;
    if reply.status == 200 && reply.body.contains("\"version\"") {
        return Ok(QUICKWIT);
    }
    Ok(OPENSEARCH)
}

fn remote_error(url: &str, reason: String) -> Error {
    Error::Remote {
        url: url.to_owned(),
        reason,
    }
}

/// One engine's index, asked over one transport.
struct Client<'a> {
    transport: &'a dyn Transport,
    engine: Engine,
    url: &'a str,
    index: &'a str,
}

/// One search's answer.
#[derive(Debug, Default)]
struct Answer {
    total: u64,
    hits: Vec<RemoteHit>,
    facets: BTreeMap<String, BTreeMap<String, u64>>,
}

/// A hit as the engine returned it.
#[derive(Debug, Clone)]
struct RemoteHit {
    score: f32,
    id: String,
    source: Map<String, Value>,
}

impl Client<'_> {
    fn error(&self, reason: String) -> Error {
        remote_error(self.url, reason)
    }

    fn missing_index(&self) -> Error {
        self.error(format!(
            "{} has no index {:?}: create it from `sitrep export` (see README, \"When one machine is not enough\"), or name another with --remote-index",
            self.engine, self.index
        ))
    }

    /// Runs `bodies` as one `_msearch`: their answers, in order.
    fn msearch(&self, bodies: &[Value]) -> Result<Vec<Answer>> {
        let header = json!({ "index": self.index }).to_string();
        let mut ndjson = String::new();
        for body in bodies {
            ndjson.push_str(&header);
            ndjson.push('\n');
            ndjson.push_str(&body.to_string());
            ndjson.push('\n');
        }
        let reply = self
            .transport
            .post(self.engine.msearch, "application/x-ndjson", &ndjson)
            .map_err(|e| self.error(e.to_string()))?;
        let value = self.answer(&reply)?;
        let Some(responses) = value.get("responses").and_then(Value::as_array) else {
            return Err(self.error("the answer to _msearch has no responses".into()));
        };
        if responses.len() != bodies.len() {
            return Err(self.error(format!(
                "_msearch answered {} searches of {}",
                responses.len(),
                bodies.len()
            )));
        }
        let mut answers = Vec::with_capacity(responses.len());
        for (r, body) in responses.iter().zip(bodies) {
            if let Some(error) = r.get("error") {
                let status = r.get("status").and_then(Value::as_u64).unwrap_or(0);
                return Err(self.failure(status, error));
            }
            answers.push(read_answer(r, body["sort"] == json!(["_score"])));
        }
        Ok(answers)
    }

    /// The JSON of a reply with status 200; any other status as an error.
    fn answer(&self, reply: &Reply) -> Result<Value> {
        let parsed: Option<Value> = serde_json::from_str(&reply.body).ok();
        if reply.status == 200 {
            return parsed.ok_or_else(|| {
                self.error(format!("the answer is not JSON: {}", excerpt(&reply.body)))
            });
        }
        let error = parsed
            .as_ref()
            .map(|v| v.get("error").unwrap_or(v).clone())
            .unwrap_or_else(|| Value::String(reply.body.clone()));
        Err(self.failure(u64::from(reply.status), &error))
    }

    /// The error for a failed search: a missing index, an index without
    /// sitrep's fields, or the server's own reason.
    fn failure(&self, status: u64, error: &Value) -> Error {
        let reason = reason_of(error);
        let lower = reason.to_lowercase();
        if status == 404
            || lower.contains("index_not_found")
            || lower.contains("no such index")
            || (lower.contains("index") && lower.contains("not found"))
            || lower.contains("could not find index")
        {
            return self.missing_index();
        }
        if status == 400 {
            // A refused query is most often an index without the fields
            // it names.
            if let Err(e) = self.check_fields() {
                return e;
            }
            return self.error(format!(
                "{} refused the search (status 400): {reason}",
                self.engine
            ));
        }
        if status >= 500 {
            return self.error(format!(
                "{} failed (status {status}): {reason}",
                self.engine
            ));
        }
        self.error(format!(
            "{} answered status {status}: {reason}",
            self.engine
        ))
    }

    /// An error when the index lacks the fields `sitrep export` writes;
    /// `Ok` when it has them or the engine cannot tell.
    fn check_fields(&self) -> Result<()> {
        let wanted = [
            field::TITLE_TERMS,
            field::BODY_TERMS,
            field::PROVINCE,
            field::ACTOR,
            field::YEAR,
        ];
        let path = format!(
            "{}?fields={}",
            self.engine.path(self.engine.field_caps, self.index),
            wanted.join(",")
        );
        let Ok(reply) = self.transport.get(&path) else {
            return Ok(());
        };
        if reply.status == 404 {
            return Err(self.missing_index());
        }
        let Some(fields) = serde_json::from_str::<Value>(&reply.body)
            .ok()
            .filter(|_| reply.status == 200)
            .and_then(|v| v.get("fields").cloned())
        else {
            return Ok(());
        };
        let missing: Vec<&str> = wanted
            .into_iter()
            .filter(|f| fields.get(f).is_none())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(self.error(format!(
            "index {:?} does not hold sitrep's fields (no {}): create it from the definition `sitrep export` writes",
            self.index,
            missing.join(", ")
        )))
    }
}

/// A search's answer read from its JSON: the hits, the exact total and
/// the buckets of each terms aggregation. `by_score`: the search was
/// sorted by score, which Quickwit then gives as the hit's sort value
/// instead of `_score`.
fn read_answer(r: &Value, by_score: bool) -> Answer {
    let total = r
        .pointer("/hits/total/value")
        .or_else(|| r.pointer("/hits/total"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let hits = r
        .pointer("/hits/hits")
        .and_then(Value::as_array)
        .map(|hits| hits.iter().filter_map(|h| read_hit(h, by_score)).collect())
        .unwrap_or_default();
    let mut facets = BTreeMap::new();
    if let Some(aggs) = r.get("aggregations").and_then(Value::as_object) {
        for (name, agg) in aggs {
            let mut counts = BTreeMap::new();
            for bucket in agg
                .get("buckets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = match bucket.get("key") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => continue,
                };
                let count = bucket.get("doc_count").and_then(Value::as_u64).unwrap_or(0);
                if count > 0 {
                    counts.insert(key, count);
                }
            }
            facets.insert(name.clone(), counts);
        }
    }
    Answer {
        total,
        hits,
        facets,
    }
}

fn read_hit(hit: &Value, by_score: bool) -> Option<RemoteHit> {
    let source = hit.get("_source")?.as_object()?.clone();
    let id = source
        .get(field::ID)
        .and_then(Value::as_str)
        .or_else(|| hit.get("_id").and_then(Value::as_str))?
        .to_owned();
    let score = hit
        .get("_score")
        .and_then(Value::as_f64)
        .or_else(|| {
            by_score
                .then(|| hit.pointer("/sort/0").and_then(Value::as_f64))
                .flatten()
        })
        .unwrap_or(0.0) as f32;
    Some(RemoteHit { score, id, source })
}

/// What an error object says, for a person.
fn reason_of(error: &Value) -> String {
    let text = match error {
        Value::String(s) => s.clone(),
        other => other
            .pointer("/root_cause/0/reason")
            .or_else(|| other.get("reason"))
            .or_else(|| other.get("message"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| other.to_string()),
    };
    excerpt(&text)
}

/// At most 300 characters of `text`, on one line.
fn excerpt(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 300 {
        flat
    } else {
        format!("{}…", flat.chars().take(300).collect::<String>())
    }
}

/// How a search's hits are ordered.
#[derive(Clone, Copy)]
enum By {
    Score,
    Date(SortOrder),
}

/// A search body: `query`, ranked, `size` hits, exact total, and facet
/// counts when `counts`.
fn body(query: &Value, size: usize, counts: bool, by: By) -> Value {
    let mut b = Map::new();
    b.insert("query".into(), query.clone());
    b.insert("size".into(), json!(size.min(MAX_HITS)));
    b.insert("track_total_hits".into(), json!(true));
    let sort = match by {
        By::Score => json!(["_score"]),
        By::Date(order) => {
            let order = if order == SortOrder::Oldest {
                "asc"
            } else {
                "desc"
            };
            json!([{ field::PUBLISHED: { "order": order } }])
        }
    };
    b.insert("sort".into(), sort);
    if size > 0 {
        b.insert("_source".into(), json!(SOURCE));
    }
    if counts {
        let aggs: Map<String, Value> = COUNTED
            .iter()
            .map(|name| {
                (
                    (*name).to_owned(),
                    json!({"terms": {"field": name, "size": BUCKETS}}),
                )
            })
            .collect();
        b.insert("aggs".into(), Value::Object(aggs));
    }
    Value::Object(b)
}

/// The articles found: the page's hits with the words each holds, what
/// the counted articles number and hold.
struct Found {
    page: Vec<(RemoteHit, usize)>,
    total: u64,
    full_matches: u64,
    words_required: usize,
    facets: BTreeMap<String, BTreeMap<String, u64>>,
}

/// By relevance: full matches first (`--all`: only), then, under the
/// default strategy, articles with fewer words filling the page (see
/// `rank_tiers` and `rank_any` of a local search).
fn by_relevance(
    client: &Client,
    plan: &RemotePlan,
    filters: &RemoteFilters,
    request: &SearchRequest,
) -> Result<Found> {
    let words = plan.content_words();
    let limit = request.offset.saturating_add(request.limit);
    let size = candidates(limit);
    if request.matching == Matching::Any && !plan.words.is_empty() {
        let answers = client.msearch(&[
            body(&plan.any(filters), size, true, By::Score),
            body(&plan.tier(words, filters), 0, false, By::Score),
        ])?;
        let [any, full] = two(answers, client)?;
        let mut found: Vec<(RemoteHit, usize)> = any
            .hits
            .into_iter()
            .map(|h| {
                let k = words_in(plan, &h);
                (h, k)
            })
            .collect();
        best_first(&mut found);
        return Ok(Found {
            page: paged(found, limit, request.offset),
            total: any.total,
            full_matches: full.total,
            words_required: 1.min(words),
            facets: any.facets,
        });
    }
    let first = if request.matching == Matching::All {
        plan.every(filters)
    } else {
        plan.tier(words, filters)
    };
    let full = one(
        client.msearch(&[body(&first, size, true, By::Score)])?,
        client,
    )?;
    let mut seen: HashSet<String> = full.hits.iter().map(|h| h.id.clone()).collect();
    let mut found: Vec<(RemoteHit, usize)> = full.hits.into_iter().map(|h| (h, words)).collect();
    let full_matches = full.total;
    let mut counted = (full.total, words, full.facets);
    if request.matching == Matching::Last && found.len() < limit && words > 1 {
        // Every lower tier in one round; each is asked for enough to fill
        // the page past the articles already found.
        let tiers: Vec<usize> = (1..words).rev().collect();
        let bodies: Vec<Value> = tiers
            .iter()
            .map(|&k| {
                body(
                    &plan.tier(k, filters),
                    size + found.len(),
                    full_matches == 0,
                    By::Score,
                )
            })
            .collect();
        for (k, answer) in tiers.into_iter().zip(client.msearch(&bodies)?) {
            if full_matches == 0 {
                counted = (answer.total, k, answer.facets);
            }
            for hit in answer.hits {
                if found.len() >= limit {
                    break;
                }
                if seen.insert(hit.id.clone()) {
                    found.push((hit, k));
                }
            }
            if found.len() >= limit {
                break;
            }
        }
    }
    best_first(&mut found);
    Ok(Found {
        page: paged(found, limit, request.offset),
        total: counted.0,
        full_matches,
        words_required: counted.1,
        facets: counted.2,
    })
}

/// By date (`--sort date|oldest`): the counted articles newest (oldest)
/// first, undated last; under the default strategy full matches first,
/// as a local search does.
fn by_date(
    client: &Client,
    plan: &RemotePlan,
    filters: &RemoteFilters,
    request: &SearchRequest,
) -> Result<Found> {
    let words = plan.content_words();
    let wanted = request.offset.saturating_add(request.limit);
    let by = By::Date(request.sort);
    // Which articles count: under the default strategy, the tier with
    // every word if any has it, else the first lower tier that fills the
    // page (see `counted_set`).
    let (set, k_set, full_known) = match request.matching {
        Matching::All => (plan.every(filters), words, None),
        Matching::Any if !plan.words.is_empty() => (plan.any(filters), 1.min(words), None),
        _ if words <= 1 => (plan.tier(words, filters), words, None),
        _ => {
            let tiers: Vec<usize> = (1..=words).rev().collect();
            let bodies: Vec<Value> = tiers
                .iter()
                .map(|&k| body(&plan.tier(k, filters), 0, false, by))
                .collect();
            let counts: Vec<u64> = client.msearch(&bodies)?.iter().map(|a| a.total).collect();
            let full = counts.first().copied().unwrap_or(0);
            let mut chosen = words;
            if full == 0 {
                for (&k, &count) in tiers.iter().zip(&counts).skip(1) {
                    chosen = k;
                    if k <= 1 || count >= wanted.max(1) as u64 {
                        break;
                    }
                }
            }
            (plan.tier(chosen, filters), chosen, Some(full))
        }
    };
    let tiers: Vec<(usize, Value)> = if request.matching == Matching::Last && k_set < words {
        (k_set..=words)
            .rev()
            .map(|k| (k, plan.tier(k, filters)))
            .collect()
    } else {
        vec![(k_set, set.clone())]
    };
    let mut bodies = vec![body(&set, 0, true, by)];
    bodies.extend(
        tiers
            .iter()
            .map(|(_, q)| body(q, wanted.saturating_mul(2).max(1), false, by)),
    );
    let needs_full = full_known.is_none() && k_set < words;
    if needs_full {
        bodies.push(body(&plan.tier(words, filters), 0, false, by));
    }
    let mut answers = client.msearch(&bodies)?.into_iter();
    let counted = answers.next().unwrap_or_default();
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for (k, _) in &tiers {
        let answer = answers.next().unwrap_or_default();
        for hit in answer.hits {
            if found.len() >= wanted {
                break;
            }
            if seen.insert(hit.id.clone()) {
                found.push((hit, *k));
            }
        }
    }
    let full_matches = match full_known {
        Some(full) => full,
        None if needs_full => answers.next().unwrap_or_default().total,
        None => counted.total,
    };
    Ok(Found {
        page: found.into_iter().skip(request.offset).collect(),
        total: counted.total,
        full_matches,
        words_required: k_set,
        facets: counted.facets,
    })
}

fn one(answers: Vec<Answer>, client: &Client) -> Result<Answer> {
    answers
        .into_iter()
        .next()
        .ok_or_else(|| client.error("_msearch answered nothing".into()))
}

fn two(answers: Vec<Answer>, client: &Client) -> Result<[Answer; 2]> {
    <[Answer; 2]>::try_from(answers)
        .map_err(|_| client.error("_msearch answered too few searches".into()))
}

/// Full matches first, then by words matched and score; the article id
/// orders equal scores, the same way in every run.
fn best_first(found: &mut [(RemoteHit, usize)]) {
    found.sort_by(|(a, ka), (b, kb)| {
        kb.cmp(ka)
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.id.cmp(&b.id))
    });
}

fn paged(found: Vec<(RemoteHit, usize)>, limit: usize, offset: usize) -> Vec<(RemoteHit, usize)> {
    found.into_iter().take(limit).skip(offset).collect()
}

/// How many content words a hit read back holds (`--any`).
fn words_in(plan: &RemotePlan, hit: &RemoteHit) -> usize {
    let text = |name: &str| hit.source.get(name).and_then(Value::as_str).unwrap_or("");
    let mut terms = analyzer::analyzed_terms(text(field::TITLE));
    terms.extend(analyzer::analyzed_terms(text(field::BODY)));
    plan.words_in(&terms, |name, value| {
        strings(&hit.source, name).iter().any(|v| v == value)
    })
}

/// The strings of an array field of `source` (a lone string counts as one).
fn strings(source: &Map<String, Value>, name: &str) -> Vec<String> {
    match source.get(name) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The card of a hit: the stored fields, places as `Country/Province`
/// (a country alone when none of its provinces is named) and actors as
/// their deepest paths.
fn card(source: &Map<String, Value>, id: String) -> Card {
    let text = |name: &str| {
        source
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let places = |provinces: &str, countries: &str| {
        let mut out = strings(source, provinces);
        for country in strings(source, countries) {
            let prefix = format!("{country}/");
            if !out.iter().any(|p| p.starts_with(&prefix)) {
                out.push(country);
            }
        }
        out
    };
    let leaves = |name: &str| {
        let all = strings(source, name);
        all.iter()
            .filter(|a| {
                let prefix = format!("{a}/");
                !all.iter().any(|b| b.starts_with(&prefix))
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    Card {
        id,
        title: text(field::TITLE).unwrap_or_default(),
        date: text(field::DATE),
        source: text(field::SOURCE),
        url: text(field::URL),
        path: text(field::PATH).unwrap_or_default(),
        provinces: places(field::PROVINCE, field::COUNTRY),
        actors: leaves(field::ACTOR),
        actor_kinds: strings(source, field::ACTOR_KIND),
        mentioned_provinces: places(field::MENTIONED_PROVINCE, field::MENTIONED_COUNTRY),
        mentioned_actors: leaves(field::MENTIONED_ACTOR),
        body: text(field::BODY).unwrap_or_default(),
    }
}

/// The hits of the page with titles and snippets highlighted here: the
/// terms of the query's words, found by sitrep's analyser in the text.
fn page(
    plan: &RemotePlan,
    found: Vec<(RemoteHit, usize)>,
    words: usize,
    request: &SearchRequest,
) -> Vec<Hit> {
    let terms: BTreeMap<String, f32> = plan.highlight.iter().map(|t| (t.clone(), 1.0)).collect();
    // The field is not read: the generator only cuts and scores the text.
    let any_field = tantivy::schema::Field::from_field_id(0);
    let body_snippets =
        SnippetGenerator::new(terms.clone(), analyzer::text_analyzer(), any_field, 220);
    let title_snippets = SnippetGenerator::new(terms, analyzer::text_analyzer(), any_field, 1_000);
    found
        .into_iter()
        .enumerate()
        .map(|(i, (hit, k))| {
            let card = card(&hit.source, hit.id);
            let title = title_snippets.snippet(&card.title);
            let start = title.fragment_range().start;
            let title = Highlighted {
                highlights: title
                    .highlighted()
                    .iter()
                    .map(|r| (r.start + start, r.end + start))
                    .collect(),
                text: card.title.clone(),
            };
            let snippet = body_snippet(&body_snippets, &card.body);
            Hit {
                rank: request.offset + i + 1,
                score: hit.score,
                full_match: k >= words,
                words_matched: k,
                title,
                snippet,
                article: card,
            }
        })
        .collect()
}
