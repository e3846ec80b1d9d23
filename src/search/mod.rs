//! ⑥ Search: from a request to ranked hits and facet counts.
//!
//! A [`SearchRequest`] is a query in tantivy's syntax plus facet filters.
//! The words of the query are matched with a strategy modelled on
//! Meilisearch's "last": articles with all the words come first, ranked by
//! BM25 over the title (boosted) and the body; when fewer than a page have
//! them all, the page is filled with the best articles that have most of
//! them, marked as partial. English stop words never make a query fail.
//! `+word`, `-word`, phrases, `field:term` and explicit `AND` / `OR` keep
//! their meaning. The [`Results`] carry no tantivy types.

pub mod card;
mod collect;
mod filters;
mod hits;
pub mod pictures;
mod plan;
pub mod remote;
mod typed;
mod where_expr;

use crate::fields::field;
use collect::{FacetTally, Tallies};
use plan::Plan;
pub mod tables;

use std::collections::HashSet;

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::Query;
use tantivy::{DateTime, DocAddress, Order, Score};

use crate::article::Card;
use crate::error::Result;
use crate::fields::FacetKind;
use crate::index::OpenIndex;

/// How the words of a query must match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Matching {
    /// All the words first, then articles with most of them (default).
    #[default]
    Last,
    /// Only articles with every word.
    All,
    /// Articles with any of the words, by relevance.
    Any,
}

/// A search: query text and filters.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query in tantivy's syntax; empty means every article.
    pub query: String,
    /// Province filters (any alias, or a city inside the province).
    pub provinces: Vec<String>,
    /// Country filters.
    pub countries: Vec<String>,
    /// Actor filters (a parent includes its children).
    pub actors: Vec<String>,
    /// Filters on every place mentioned, whatever its role (any alias).
    pub mentioned_provinces: Vec<String>,
    /// Filters on the country of every place mentioned.
    pub mentioned_countries: Vec<String>,
    /// Filters on every actor mentioned, whatever its role.
    pub mentioned_actors: Vec<String>,
    /// Filters on the kinds of the event actors (`state force`…).
    pub actor_kinds: Vec<String>,
    /// Region filters (`regions.toml`: Sahel, Darfur…; any alias).
    pub regions: Vec<String>,
    /// Exclusions: no article with an event in any of these provinces
    /// (any alias, or a region).
    pub not_provinces: Vec<String>,
    /// Exclusions by country of the event places.
    pub not_countries: Vec<String>,
    /// Exclusions by event actor (a parent excludes its children too).
    pub not_actors: Vec<String>,
    /// Exclusions by kind of the event actors.
    pub not_actor_kinds: Vec<String>,
    /// Exclusions by region.
    pub not_regions: Vec<String>,
    /// A boolean filter expression over the facets (`--where`), AND'ed
    /// with the other filters.
    pub where_expr: Option<String>,
    /// Year filters.
    pub years: Vec<String>,
    /// How many hits to return.
    pub limit: usize,
    /// The matching strategy.
    pub matching: Matching,
    /// How many values of each facet to return (0: all).
    pub facet_limit: usize,
    /// Do not widen query words that name an actor or province to the
    /// articles tagged with it.
    pub no_expand: bool,
    /// The order of the hits.
    pub sort: SortOrder,
    /// Only articles published in or after this period (`2021`,
    /// `2021-03`, `2021-03-15`, or relative: `30d`, `6m`, `yesterday`);
    /// undated articles are left out.
    pub since: Option<String>,
    /// Only articles published in or before this period.
    pub until: Option<String>,
    /// How many hits to pass over before the page (for paging).
    pub offset: usize,
    /// The day relative dates (`--since 30d`) count back from, in days
    /// since 1970-01-01; `None`: today (UTC).
    pub today: Option<i64>,
}

/// The order of the hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Best match first (full matches before partial ones).
    #[default]
    Relevance,
    /// Newest first; undated articles last.
    Date,
    /// Oldest first; undated articles last.
    Oldest,
}

/// A query word or phrase that also matched articles tagged with the
/// actor or province it names (`Daesh` → actor `Islamic State`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The words as typed.
    pub words: String,
    /// What it names: an actor or a province.
    pub kind: FacetKind,
    /// The facet value.
    pub value: String,
}

/// A highlighted piece of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlighted {
    /// The text.
    pub text: String,
    /// Byte ranges of `text` holding matched words.
    pub highlights: Vec<(usize, usize)>,
}

/// One article in the results.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// BM25 score.
    pub score: f32,
    /// Whether the article has every word of the query.
    pub full_match: bool,
    /// How many of the query's words it has.
    pub words_matched: usize,
    /// The headline, with the matched words.
    pub title: Highlighted,
    /// A piece of the body around the matched words.
    pub snippet: Highlighted,
    /// The article: id, date, places, actors, file, whole text.
    pub article: Card,
}

/// A facet value and how many matching articles carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// `Iraq/Nineveh`, `Iraq`, `Islamic State`, `2021`.
    pub value: String,
    /// Number of articles.
    pub count: u64,
}

/// Facet counts over every matching article (not only the page shown).
#[derive(Debug, Clone, Default)]
pub struct FacetCounts {
    /// First-level divisions, `Country/Province`.
    pub province: Vec<FacetCount>,
    /// Countries (an article counts once per country).
    pub country: Vec<FacetCount>,
    /// Regions of `regions.toml` (an article counts once per region).
    pub region: Vec<FacetCount>,
    /// Actors by path (`Islamic State`, `Islamic State/ISWAP`…), each
    /// followed by its children: a parent counts the articles of its
    /// children too. The limit applies to the top-level actors.
    pub actor: Vec<FacetCount>,
    /// The kinds of the event actors (`jihadist group`…).
    pub actor_kind: Vec<FacetCount>,
    /// Publication years.
    pub year: Vec<FacetCount>,
    /// The actor paths of `actor` whose kind is not armed
    /// (organisations): counted, but left out of the default summary.
    pub unarmed: Vec<String>,
    /// How many values each list holds before the limit.
    pub distinct: FacetTotals,
}

/// How many distinct values the counted articles hold, per facet, whatever
/// the limit on the lists: the lists' lengths plus what was left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FacetTotals {
    /// Provinces.
    pub province: usize,
    /// Countries.
    pub country: usize,
    /// Regions.
    pub region: usize,
    /// Top-level actors (the limit applies to them).
    pub actor: usize,
    /// Top-level actors that are armed (not organisations).
    pub armed_actor: usize,
    /// Actor kinds.
    pub actor_kind: usize,
    /// Years.
    pub year: usize,
}

impl FacetCounts {
    /// The counts of facet `kind`.
    pub fn of(&self, kind: FacetKind) -> &[FacetCount] {
        match kind {
            FacetKind::Province => &self.province,
            FacetKind::Country => &self.country,
            FacetKind::Region => &self.region,
            FacetKind::Actor => &self.actor,
            FacetKind::ActorKind => &self.actor_kind,
            FacetKind::Year => &self.year,
        }
    }

    /// How many values of facet `kind` the limit left out of its list
    /// (for actors: top-level actors).
    pub fn more(&self, kind: FacetKind) -> usize {
        let listed = match kind {
            FacetKind::Actor => self.actor.iter().filter(|v| !v.value.contains('/')).count(),
            other => self.of(other).len(),
        };
        let distinct = match kind {
            FacetKind::Province => self.distinct.province,
            FacetKind::Country => self.distinct.country,
            FacetKind::Region => self.distinct.region,
            FacetKind::Actor => self.distinct.actor,
            FacetKind::ActorKind => self.distinct.actor_kind,
            FacetKind::Year => self.distinct.year,
        };
        distinct.saturating_sub(listed)
    }

    /// Whether the actor at `path` is not armed (an organisation).
    pub fn is_unarmed(&self, path: &str) -> bool {
        self.unarmed
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_ok()
    }
}

/// Which articles the total and the facet counts are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// The articles counted have at least this many of the query's words.
    pub words_required: usize,
    /// The number of words in the query subject to the strategy.
    pub words: usize,
}

impl Counted {
    /// Whether the counts are of articles with every word.
    pub fn all_words(&self) -> bool {
        self.words_required >= self.words
    }
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct Results {
    /// The page of hits, best first.
    pub hits: Vec<Hit>,
    /// Number of articles matching (see `counted`).
    pub total: u64,
    /// Number of articles with every word (0 in `Any` mode with no such).
    pub full_matches: u64,
    /// What `total` and `facets` count.
    pub counted: Counted,
    /// Facet counts over all counted articles.
    pub facets: FacetCounts,
    /// The filters as resolved: `province: Iraq/Nineveh`…
    pub filters: Vec<(String, String)>,
    /// Query words widened to a facet.
    pub expansions: Vec<Expansion>,
}

/// The set of articles a request counts and sorts by date, as a query.
struct CountedSet {
    query: Box<dyn Query>,
    /// The articles have at least this many of the query's words.
    words_required: usize,
}

/// Which articles a request is about: those with every word when there
/// are any (or with the `--all` / `--any` rule); otherwise, under the
/// "last" strategy, those with the most words that still fill a page of
/// `page` hits, as in [`search`].
fn counted_set(
    searcher: &tantivy::Searcher,
    plan: &Plan,
    filters: &[Box<dyn Query>],
    matching: Matching,
    page: usize,
) -> Result<CountedSet> {
    let words = plan.content_words();
    match matching {
        Matching::All => Ok(CountedSet {
            query: plan.every(filters),
            words_required: words,
        }),
        Matching::Any if !plan.words.is_empty() => Ok(CountedSet {
            query: plan.any(filters),
            words_required: 1.min(words),
        }),
        _ => {
            let full = plan.tier(words, filters);
            if words <= 1 || searcher.search(&*full, &Count)? > 0 {
                return Ok(CountedSet {
                    query: full,
                    words_required: words,
                });
            }
            let mut k = words - 1;
            loop {
                let q = plan.tier(k, filters);
                if k <= 1 || searcher.search(&*q, &Count)? >= page.max(1) {
                    return Ok(CountedSet {
                        query: q,
                        words_required: k,
                    });
                }
                k -= 1;
            }
        }
    }
}

/// What a collector gathered over the articles a request counts (see
/// [`tally`]).
#[derive(Debug)]
pub struct Tallied<T> {
    /// The collector's result.
    pub fruit: T,
    /// Number of articles counted.
    pub total: u64,
    /// Which articles were counted.
    pub counted: Counted,
    /// The filters as resolved.
    pub filters: Vec<(String, String)>,
    /// Query words widened to a facet.
    pub expansions: Vec<Expansion>,
}

/// Runs `collector` over the articles `request` counts: the same articles
/// whose facets [`search`] counts. Used for timelines and cross tables.
pub fn tally<C: Collector>(
    open: &OpenIndex,
    request: &SearchRequest,
    collector: C,
) -> Result<Tallied<C::Fruit>> {
    let searcher = open.reader.searcher();
    let plan = plan::parse(open, &request.query, !request.no_expand)?;
    let (filter_queries, shown_filters) = filters::resolve(open, request)?;
    let set = counted_set(
        &searcher,
        &plan,
        &filter_queries,
        request.matching,
        request.limit,
    )?;
    let (total, fruit) = searcher.search(&*set.query, &(Count, collector))?;
    Ok(Tallied {
        fruit,
        total: total as u64,
        counted: Counted {
            words_required: set.words_required,
            words: plan.content_words(),
        },
        filters: shown_filters,
        expansions: plan.expansions,
    })
}

/// Runs `request` against `open`.
pub fn search(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    crate::index::guard(&open.dir, || search_unguarded(open, request))
}

/// See [`search`]; a panic inside tantivy is not caught here.
fn search_unguarded(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    // tantivy's top-k collectors allocate their page up front: a page or
    // an offset beyond the index's size asks for no more than the index.
    let docs = usize::try_from(open.reader.searcher().num_docs()).unwrap_or(usize::MAX);
    let clamped;
    let request = if request.limit > docs || request.offset > docs {
        clamped = SearchRequest {
            limit: request.limit.min(docs),
            offset: request.offset.min(docs),
            ..request.clone()
        };
        &clamped
    } else {
        request
    };
    if request.sort != SortOrder::Relevance {
        return search_by_date(open, request);
    }
    let searcher = open.reader.searcher();
    let plan = plan::parse(open, &request.query, !request.no_expand)?;
    let (filter_queries, shown_filters) = filters::resolve(open, request)?;
    // Paging: the best `offset + limit`, of which the first `offset` are
    // passed over.
    let limit = request.offset.saturating_add(request.limit);
    let ranked = if request.matching == Matching::Any && !plan.words.is_empty() {
        rank_any(&searcher, &plan, &filter_queries, limit)?
    } else {
        rank_tiers(&searcher, &plan, &filter_queries, request.matching, limit)?
    };
    let mut page = best_first(&searcher, ranked.found, limit, request.offset)?;
    if request.matching == Matching::Any {
        // Any word will do, so each hit says how many it has.
        for (_, address, k) in &mut page {
            *k = plan.words_in(&searcher, *address);
        }
    }
    let words = plan.content_words();
    let hits = hits::page(open, &searcher, &plan, page, words, request.offset)?;
    Ok(Results {
        hits,
        total: ranked.total,
        full_matches: ranked.full_matches,
        counted: ranked.counted,
        facets: ranked.facets.into_counts(request.facet_limit),
        filters: shown_filters,
        expansions: plan.expansions,
    })
}

/// Matches found by relevance: candidates for the page (score, address,
/// words matched), and what the counted articles number and hold.
struct Ranked {
    found: Vec<(Score, DocAddress, usize)>,
    total: u64,
    full_matches: u64,
    counted: Counted,
    facets: Tallies,
}

/// A few more than the page are ranked: articles tied with the last one on
/// the page are then ordered by id too, not by where they lie in the index.
pub(crate) fn candidates(limit: usize) -> usize {
    limit.max(1).saturating_add(TIE_SLACK)
}

/// `--any`: articles with any of the words, by relevance.
fn rank_any(
    searcher: &tantivy::Searcher,
    plan: &Plan,
    filters: &[Box<dyn Query>],
    limit: usize,
) -> Result<Ranked> {
    let words = plan.content_words();
    let q = plan.any(filters);
    let (top, count, facets) =
        ranked_and_tallied(searcher, &*q, candidates(limit), &FacetTally::new())?;
    let full = searcher.search(&*plan.tier(words, filters), &Count)?;
    Ok(Ranked {
        found: top.into_iter().map(|(s, a)| (s, a, 0)).collect(),
        total: count as u64,
        full_matches: full as u64,
        counted: Counted {
            words_required: 1.min(words),
            words,
        },
        facets,
    })
}

/// Articles with every word (`--all`, or the first tier of the default
/// strategy); by default, when they do not fill the page, the page is
/// filled from articles with one word fewer, then two… The counts are of
/// the full matches, or of the first tier that has any.
fn rank_tiers(
    searcher: &tantivy::Searcher,
    plan: &Plan,
    filters: &[Box<dyn Query>],
    matching: Matching,
    limit: usize,
) -> Result<Ranked> {
    let words = plan.content_words();
    let tally = FacetTally::new();
    let q = if matching == Matching::All {
        plan.every(filters)
    } else {
        plan.tier(words, filters)
    };
    let (top, count, facets) = ranked_and_tallied(searcher, &*q, candidates(limit), &tally)?;
    let mut seen: HashSet<DocAddress> = top.iter().map(|&(_, a)| a).collect();
    let mut found: Vec<_> = top.into_iter().map(|(s, a)| (s, a, words)).collect();
    let full_matches = count as u64;
    let mut counted = (count as u64, words, facets);
    if matching == Matching::Last && found.len() < limit && words > 1 {
        for k in (1..words).rev() {
            let q = plan.tier(k, filters);
            let page = limit.max(1) + seen.len();
            let (top, count, facets) = ranked_and_tallied(searcher, &*q, page, &tally)?;
            if full_matches == 0 {
                counted = (count as u64, k, facets);
            }
            for (s, a) in top {
                if found.len() >= limit {
                    break;
                }
                if seen.insert(a) {
                    found.push((s, a, k));
                }
            }
            if found.len() >= limit {
                break;
            }
        }
    }
    Ok(Ranked {
        found,
        total: counted.0,
        full_matches,
        counted: Counted {
            words_required: counted.1,
            words,
        },
        facets: counted.2,
    })
}

/// The page: full matches first, then by words matched and score; the
/// article id orders equal scores, the same way in every run and after
/// every merge (a document's address changes when segments merge).
fn best_first(
    searcher: &tantivy::Searcher,
    found: Vec<(Score, DocAddress, usize)>,
    limit: usize,
    offset: usize,
) -> Result<Vec<(Score, DocAddress, usize)>> {
    let by_score = |a: &(Score, DocAddress, usize), b: &(Score, DocAddress, usize)| {
        b.2.cmp(&a.2).then(b.0.total_cmp(&a.0))
    };
    let mut found = found;
    found.sort_by(|a, b| by_score(a, b).then(a.1.cmp(&b.1)));
    // Ids are looked up only for articles that tie with a neighbour: each
    // lookup reads the id column's dictionary, and ties are rare.
    let tied: Vec<bool> = (0..found.len())
        .map(|i| {
            let equal = |j: usize| {
                matches!((found.get(i), found.get(j)), (Some(a), Some(b)) if by_score(a, b).is_eq())
            };
            (i > 0 && equal(i - 1)) || equal(i + 1)
        })
        .collect();
    let tied_addresses = found
        .iter()
        .zip(&tied)
        .filter(|(_, &t)| t)
        .map(|(f, _)| f.1);
    let mut tied_ids = ids_of(searcher, tied_addresses)?.into_iter();
    let mut found: Vec<_> = found
        .into_iter()
        .zip(tied)
        .map(|(f, t)| (f, if t { tied_ids.next().flatten() } else { None }))
        .collect();
    found.sort_by(|(a, a_id), (b, b_id)| {
        by_score(a, b)
            .then_with(|| a_id.cmp(b_id))
            .then(a.1.cmp(&b.1))
    });
    Ok(found
        .into_iter()
        .map(|(f, _)| f)
        .take(limit)
        .skip(offset)
        .collect())
}

/// The article ids of the documents at `addresses`, from the id column
/// (`None` in an index built before the id was a column).
fn ids_of(
    searcher: &tantivy::Searcher,
    addresses: impl Iterator<Item = DocAddress>,
) -> Result<Vec<Option<String>>> {
    let mut columns = std::collections::HashMap::new();
    let mut ids = Vec::new();
    for address in addresses {
        let column = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .str(field::ID)?,
            ),
        };
        let id = column.as_ref().and_then(|c| {
            let ord = c.term_ords(address.doc_id).next()?;
            let mut id = String::new();
            c.ord_to_str(ord, &mut id).ok()?.then_some(id)
        });
        ids.push(id);
    }
    Ok(ids)
}

/// How many articles past the page are ranked too, so that ties at the
/// page's edge break on the article id (ties of more are rare: equal BM25
/// scores need equal field lengths and term counts).
const TIE_SLACK: usize = 32;

/// A page of hits: score and address, best first.
type Page = Vec<(Score, DocAddress)>;

/// The best page of `query` by relevance, the number of its matches and
/// their facet counts, in one pass over the matches.
///
/// Counting visits every match anyway, so the block-WAND skipping a top-k
/// collector can do alone saves nothing there: a separate ranking pass
/// (tried) cost as much as it saved on single words and, for phrases,
/// decoded every position twice.
fn ranked_and_tallied(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    page: usize,
    tally: &FacetTally,
) -> Result<(Page, usize, Tallies)> {
    let page = TopDocs::with_limit(page).order_by_score();
    Ok(searcher.search(query, &(page, Count, tally.clone()))?)
}

/// `--sort date` and `--sort oldest`: the counted articles (see
/// [`counted_set`]) by date, undated last; each hit keeps its relevance
/// score. Under the default strategy the articles with every word come
/// first and those with fewer fill the page, as by relevance.
fn search_by_date(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    let searcher = open.reader.searcher();
    let plan = plan::parse(open, &request.query, !request.no_expand)?;
    let (filter_queries, shown_filters) = filters::resolve(open, request)?;
    let words = plan.content_words();
    let wanted = request.offset.saturating_add(request.limit);
    let set = counted_set(&searcher, &plan, &filter_queries, request.matching, wanted)?;
    let order = if request.sort == SortOrder::Oldest {
        Order::Asc
    } else {
        Order::Desc
    };
    let (count, facets) = searcher.search(&*set.query, &(Count, FacetTally::new()))?;
    let full_matches = if set.words_required >= words {
        count as u64
    } else {
        searcher.search(&*plan.tier(words, &filter_queries), &Count)? as u64
    };
    // The tiers, most words first: the default strategy fills the page
    // from each in turn; the others have one.
    let tiers: Vec<(usize, Box<dyn Query>)> =
        if request.matching == Matching::Last && set.words_required < words {
            (set.words_required..=words)
                .rev()
                .map(|k| (k, plan.tier(k, &filter_queries)))
                .collect()
        } else {
            vec![(set.words_required, set.query.box_clone())]
        };
    let mut seen: HashSet<DocAddress> = HashSet::new();
    let mut found: Vec<(DocAddress, usize)> = Vec::new();
    for (k, tier) in &tiers {
        if found.len() >= wanted {
            break;
        }
        // Enough from this tier to fill the page past the ones seen.
        let by_date = TopDocs::with_limit(wanted.saturating_add(seen.len()).max(1))
            .order_by_fast_field::<DateTime>(field::PUBLISHED, order);
        for (_, address) in searcher.search(&**tier, &by_date)? {
            if found.len() >= wanted {
                break;
            }
            if seen.insert(address) {
                found.push((address, *k));
            }
        }
    }
    let mut page = Vec::with_capacity(request.limit);
    for (address, k) in found.into_iter().skip(request.offset) {
        let score = plan::score_of(&searcher, &*set.query, address, true).unwrap_or(0.0);
        page.push((score, address, k));
    }
    let hits = hits::page(open, &searcher, &plan, page, words, request.offset)?;
    Ok(Results {
        hits,
        total: count as u64,
        full_matches,
        counted: Counted {
            words_required: set.words_required,
            words,
        },
        facets: facets.into_counts(request.facet_limit),
        filters: shown_filters,
        expansions: plan.expansions,
    })
}
