//! Facet counts over every matching article: the collector that runs in
//! the same pass as ranking.

use crate::fields::field;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::{FacetCount, FacetCounts, FacetTotals};
use crate::search::tables::facet_of_key;

/// Counts every facet value of the province, actor and year fields over
/// the matching articles, plus countries (each article once per country,
/// however many of its provinces it names).
///
/// A segment's matches are gathered first and counted at harvest, in one
/// of two ways (the same counts either way):
///
/// * few matches: each match's facet ordinals are read from the facet
///   columns (a few column lookups per article);
/// * many matches, as for a common word: the postings of every facet
///   value are intersected with the matches. The facet values are few,
///   their postings decode in blocks, and a country's own facet term
///   (`/Iraq`, indexed with every `/Iraq/…`) counts each article once.
///
/// A segment with no match reads no facet dictionary at all.
#[derive(Clone)]
pub(crate) struct FacetTally;

impl FacetTally {
    pub(crate) fn new() -> Self {
        FacetTally
    }
}

/// Raw counts, by facet path. A parent's count is that of the articles
/// holding it or any of its children (a country's, an actor's).
#[derive(Debug, Default)]
pub(crate) struct Tallies {
    province: BTreeMap<String, u64>,
    country: BTreeMap<String, u64>,
    region: BTreeMap<String, u64>,
    actor: BTreeMap<String, u64>,
    actor_kind: BTreeMap<String, u64>,
    year: BTreeMap<String, u64>,
    /// The actor paths indexed with a kind that is not armed
    /// (organisations), in the segments counted.
    unarmed: BTreeSet<String>,
}

impl Tallies {
    /// Counts gathered elsewhere (a cluster engine's terms aggregations):
    /// `counts(name)` gives the values of the remote field `name` with
    /// their counts, paths without a leading slash; `unarmed` the actor
    /// paths of kinds that are not armed.
    pub(crate) fn from_remote(
        mut counts: impl FnMut(&str) -> BTreeMap<String, u64>,
        unarmed: BTreeSet<String>,
    ) -> Tallies {
        use crate::fields::remote;
        Tallies {
            province: counts(remote::PROVINCE),
            country: counts(remote::COUNTRY),
            region: counts(remote::REGION),
            actor: counts(remote::ACTOR),
            actor_kind: counts(remote::ACTOR_KIND),
            year: counts(remote::YEAR),
            unarmed,
        }
    }

    pub(crate) fn into_counts(self, limit: usize) -> FacetCounts {
        let sorted = |map: BTreeMap<String, u64>, only_deep: bool| -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = map
                .into_iter()
                .filter(|(k, _)| !only_deep || k.contains('/'))
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            if limit > 0 {
                v.truncate(limit);
            }
            v
        };
        // How many values each list would hold without the limit, so
        // that "(N more)" and JSON's `more` tell the truth.
        let roots = self.actor.keys().filter(|k| !k.contains('/'));
        let distinct = FacetTotals {
            province: self.province.keys().filter(|k| k.contains('/')).count(),
            country: self.country.len(),
            region: self.region.len(),
            actor: roots.clone().count(),
            armed_actor: roots.filter(|k| !self.unarmed.contains(*k)).count(),
            actor_kind: self.actor_kind.len(),
            year: self.year.len(),
        };
        let mut year = sorted(self.year, false);
        // Years read best in order, newest first, whatever their counts.
        year.sort_by(|a, b| b.value.cmp(&a.value));
        FacetCounts {
            province: sorted(self.province, true),
            country: sorted(self.country, false),
            region: sorted(self.region, false),
            actor: by_tree(self.actor, limit),
            actor_kind: sorted(self.actor_kind, false),
            year,
            unarmed: self.unarmed.into_iter().collect(),
            distinct,
        }
    }

    pub(crate) fn add(&mut self, other: Tallies) {
        for (src, dst) in [
            (other.province, &mut self.province),
            (other.country, &mut self.country),
            (other.region, &mut self.region),
            (other.actor, &mut self.actor),
            (other.actor_kind, &mut self.actor_kind),
            (other.year, &mut self.year),
        ] {
            for (k, v) in src {
                *dst.entry(k).or_default() += v;
            }
        }
        self.unarmed.extend(other.unarmed);
    }
}

/// Hierarchical counts (`all`, by path) limited the way a user reads
/// them: the best `limit` top-level values (all when 0), each with its
/// descendants. Each value follows its parent, siblings by count.
fn by_tree(all: BTreeMap<String, u64>, limit: usize) -> Vec<FacetCount> {
    let mut roots: Vec<FacetCount> = all
        .iter()
        .filter(|(k, _)| !k.contains('/'))
        .map(|(value, &count)| FacetCount {
            value: value.clone(),
            count,
        })
        .collect();
    roots.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    if limit > 0 {
        roots.truncate(limit);
    }
    let mut out = Vec::new();
    fn descend(parent: &str, count: u64, all: &BTreeMap<String, u64>, out: &mut Vec<FacetCount>) {
        out.push(FacetCount {
            value: parent.to_owned(),
            count,
        });
        let prefix = format!("{parent}/");
        let mut children: Vec<(&String, &u64)> = all
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| {
                k.get(prefix.len()..)
                    .is_some_and(|rest| !rest.contains('/'))
            })
            .collect();
        children.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (child, n) in children {
            descend(child, *n, all, out);
        }
    }
    for root in roots {
        descend(&root.value, root.count, &all, &mut out);
    }
    out
}

/// The facet fields a [`FacetTally`] counts, in the order of its arrays.
pub(crate) const TALLIED: [&str; 5] = [
    field::PROVINCE,
    field::ACTOR,
    field::ACTOR_KIND,
    field::YEAR,
    field::REGION,
];

/// Where the count of a value of facet field `name` at `depth` steps goes,
/// if anywhere.
fn target<'a>(
    out: &'a mut Tallies,
    name: &str,
    depth: usize,
) -> Option<&'a mut BTreeMap<String, u64>> {
    match (name, depth) {
        // `/Iraq` is indexed for every article naming Iraq or any of its
        // provinces: the country count. `/Iraq` as a value of its own is
        // only ever shown as a country.
        (field::PROVINCE, 1) => Some(&mut out.country),
        (field::PROVINCE, _) => Some(&mut out.province),
        (field::ACTOR, _) => Some(&mut out.actor),
        // `/kind/Actor…` values count for their kind only.
        (field::ACTOR_KIND, 1) => Some(&mut out.actor_kind),
        (field::ACTOR_KIND, _) => None,
        (field::REGION, _) => Some(&mut out.region),
        _ => Some(&mut out.year),
    }
}

/// The actor paths of `segment` indexed with a kind that is not armed
/// (`/organisation/UNAMA`), read from the column's dictionary: it holds
/// only the values documents were given, not their ancestors.
fn unarmed_actors(segment: &SegmentReader) -> tantivy::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let Ok(reader) = segment.facet_reader(field::ACTOR_KIND) else {
        return Ok(out);
    };
    let mut terms = reader.facet_dict().stream()?;
    while terms.advance() {
        let facet = facet_of_key(terms.key())?;
        let path = facet.to_path();
        if let Some((kind, actor)) = path.split_first() {
            if !actor.is_empty() && !crate::fields::is_armed_kind(kind) {
                out.insert(actor.join("/"));
            }
        }
    }
    Ok(out)
}

/// Below one match in this many articles of a segment, a tally reads the
/// facet columns of each match; above, it intersects facet postings.
/// Roughly where the two cost the same: a column lookup costs tens of
/// nanoseconds, a decoded posting a few, and an article has a handful of
/// facet terms.
pub(crate) const POSTINGS_TALLY_RATIO: usize = 8;

pub(crate) struct TallySegment {
    segment: SegmentReader,
    /// The matching articles, in order.
    docs: Vec<DocId>,
}

impl Collector for FacetTally {
    type Fruit = Tallies;
    type Child = TallySegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TallySegment> {
        Ok(TallySegment {
            segment: reader.clone(),
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<tantivy::Result<Tallies>>) -> tantivy::Result<Tallies> {
        let mut out = Tallies::default();
        for t in fruits {
            out.add(t?);
        }
        Ok(out)
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = tantivy::Result<Tallies>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.docs.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(self) -> tantivy::Result<Tallies> {
        if self.docs.is_empty() {
            return Ok(Tallies::default());
        }
        let max_doc = self.segment.max_doc() as usize;
        let mut out = if self.docs.len().saturating_mul(POSTINGS_TALLY_RATIO) >= max_doc {
            tally_by_postings(&self.segment, &self.docs)?
        } else {
            tally_by_columns(&self.segment, &self.docs)?
        };
        out.unarmed = unarmed_actors(&self.segment)?;
        Ok(out)
    }
}

/// Counts by reading each match's facet ordinals from the columns. A
/// column holds the values a document was given, not their ancestors:
/// each value counts for every step of its path (`Iraq/Nineveh` for
/// `Iraq` too), once per article however many of its values share it.
pub(crate) fn tally_by_columns(
    segment: &SegmentReader,
    docs: &[DocId],
) -> tantivy::Result<Tallies> {
    let mut out = Tallies::default();
    for field in TALLIED {
        let reader = segment.facet_reader(field)?;
        // A segment's facet dictionary holds a few thousand values at
        // most: tables indexed by ordinal replace sorting the ordinals of
        // every match and searching them for every pair.
        let num_values = reader.num_facets();
        let mut present = vec![false; num_values];
        let mut pairs: Vec<(DocId, u32)> = Vec::with_capacity(docs.len());
        for &doc in docs {
            for ord in reader.facet_ords(doc) {
                let slot = usize::try_from(ord)
                    .ok()
                    .and_then(|i| present.get_mut(i).map(|p| (i, p)));
                let Some((i, seen)) = slot else {
                    return Err(unknown_value(field));
                };
                *seen = true;
                // `i` < `num_values`, a dictionary's length, fits u32.
                pairs.push((doc, u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
        // The values these articles hold, in dictionary order, and where
        // each ordinal sits among them.
        let mut slot_of = vec![u32::MAX; num_values];
        let mut ords: Vec<u64> = Vec::new();
        for (ord, _) in present.iter().enumerate().filter(|(_, &seen)| seen) {
            if let Some(slot) = slot_of.get_mut(ord) {
                *slot = u32::try_from(ords.len()).unwrap_or(u32::MAX);
            }
            ords.push(ord as u64);
        }
        // Only the values these articles hold are looked up: each block of
        // the dictionary read costs a zstd decompression.
        let mut facets = Vec::with_capacity(ords.len());
        let mut bad_key = None;
        let complete =
            reader
                .facet_dict()
                .sorted_ords_to_term_cb(&ords, |key| match facet_of_key(key) {
                    Ok(facet) => facets.push(facet),
                    Err(err) => bad_key = Some(err),
                })?;
        if let Some(err) = bad_key {
            return Err(err);
        }
        if !complete || facets.len() != ords.len() {
            return Err(unknown_value(field));
        }
        // Every step of every value, numbered; each value → its steps.
        let mut steps: Vec<String> = Vec::new();
        let mut step_ids: HashMap<String, usize> = HashMap::new();
        let mut steps_of: Vec<Vec<usize>> = Vec::with_capacity(facets.len());
        for facet in &facets {
            let path = facet.to_path();
            let mut ids = Vec::with_capacity(path.len());
            let mut step = String::new();
            for name in &path {
                if !step.is_empty() {
                    step.push('/');
                }
                step.push_str(name);
                let step = step.clone();
                let id = *step_ids.entry(step.clone()).or_insert_with(|| {
                    steps.push(step);
                    steps.len() - 1
                });
                ids.push(id);
            }
            steps_of.push(ids);
        }
        let mut per_step = OncePerArticle::new(steps.len());
        for &(doc, ord) in &pairs {
            let value = slot_of
                .get(ord as usize)
                .map_or(usize::MAX, |&v| v as usize);
            for &id in steps_of.get(value).map(Vec::as_slice).unwrap_or(&[]) {
                per_step.count(id, doc);
            }
        }
        for (step, count) in steps.into_iter().zip(per_step.counts) {
            let depth = step.split('/').count();
            if count > 0 {
                if let Some(target) = target(&mut out, field, depth) {
                    target.insert(step, count);
                }
            }
        }
    }
    Ok(out)
}

/// A facet column that names a value its dictionary lacks: a damaged
/// segment.
fn unknown_value(field: &str) -> tantivy::TantivyError {
    tantivy::TantivyError::InternalError(format!(
        "the {field} column names a value its dictionary lacks"
    ))
}

/// Article counts by value, where an article counts once for a value
/// however often it holds it.
#[derive(Default)]
pub(crate) struct OncePerArticle {
    counts: Vec<u64>,
    /// The last article counted for each value.
    last: Vec<DocId>,
}

impl OncePerArticle {
    pub(crate) fn new(values: usize) -> Self {
        OncePerArticle {
            counts: vec![0; values],
            last: vec![DocId::MAX; values],
        }
    }

    fn count(&mut self, value: usize, doc: DocId) {
        if let (Some(n), Some(last)) = (self.counts.get_mut(value), self.last.get_mut(value)) {
            if *last != doc {
                *last = doc;
                *n += 1;
            }
        }
    }
}

/// Counts by intersecting the postings of every facet value with the
/// matches.
pub(crate) fn tally_by_postings(
    segment: &SegmentReader,
    docs: &[DocId],
) -> tantivy::Result<Tallies> {
    let mut matches = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
    for &doc in docs {
        if let Some(word) = matches.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
        }
    }
    let matched = |doc: DocId| {
        matches
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    };
    let mut out = Tallies::default();
    let schema = segment.schema();
    for name in TALLIED {
        let field = schema.get_field(name)?;
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            if terms.key().is_empty() {
                continue; // the root, which every article with a value has
            }
            let facet = facet_of_key(terms.key())?;
            let path = facet.to_path();
            if name == field::ACTOR_KIND && path.len() > 1 {
                continue; // counted for its kind, `/kind`
            }
            // Block by block: a block's doc ids decode at once.
            let mut postings = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut count = 0u64;
            loop {
                let block = postings.docs();
                if block.is_empty() {
                    break;
                }
                count += block
                    .iter()
                    .map(|&doc| u64::from(matched(doc)))
                    .sum::<u64>();
                postings.advance();
            }
            if count == 0 {
                continue;
            }
            if let Some(target) = target(&mut out, name, path.len()) {
                target.insert(path.join("/"), count);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::SchemaConfig;
    use crate::index_schema::SchemaFiles;
    use tantivy::schema::Facet;
    use tantivy::{doc, Index, TantivyDocument};

    /// An index of 40 articles in one segment, with 0–3 provinces (some
    /// countries alone), 0–2 actors and a year for most.
    fn facet_index() -> Index {
        let files = SchemaFiles::from_pairs(&[(
            "schema.toml",
            include_str!("../../index-schema/schema.toml"),
        )]);
        let schema = SchemaConfig::load(&files).unwrap().build();
        let index = Index::create_in_ram(schema.clone());
        crate::analyzer::register_analyzer(&index);
        let field = |name: &str| schema.get_field(name).unwrap();
        let places = [
            "/Iraq/Nineveh",
            "/Iraq/Anbar",
            "/Iraq",
            "/Syria/Idlib",
            "/Yemen/Marib",
            "/Yemen",
        ];
        let actors = ["/ISIS", "/Houthis", "/ISIS/ISWAP", "/Iraqi Army"];
        let kinds = [
            "/jihadist group/ISIS",
            "/rebel group/Houthis",
            "/jihadist group/ISIS/ISWAP",
            "/organisation/UN",
        ];
        let mut writer = index.writer::<TantivyDocument>(15_000_000).unwrap();
        for i in 0..40usize {
            let mut doc = doc!(field("id") => format!("a{i}"));
            for k in 0..(i % 4) {
                let facet = Facet::from(places[(i * 7 + k * 3) % places.len()]);
                doc.add_facet(field("province"), facet);
            }
            for k in 0..(i % 3) {
                doc.add_facet(field("actor"), Facet::from(actors[(i + k) % actors.len()]));
                doc.add_facet(
                    field("actor_kind"),
                    Facet::from(kinds[(i + k) % kinds.len()]),
                );
            }
            if i % 5 != 0 {
                let year = format!("/{}", 2015 + i % 4);
                doc.add_facet(field("year"), Facet::from(year.as_str()));
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        index
    }

    fn as_lists(t: &Tallies) -> Vec<Vec<(String, u64)>> {
        [&t.province, &t.country, &t.actor, &t.actor_kind, &t.year]
            .iter()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| k.contains('/') || !std::ptr::eq(*m, &t.province))
                    .map(|(k, v)| (k.clone(), *v))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn both_ways_of_tallying_give_the_same_counts() {
        let index = facet_index();
        let reader = index.reader().unwrap();
        let searcher = reader.searcher();
        let segment = searcher.segment_reader(0);
        let all: Vec<DocId> = (0..40).collect();
        let subsets: Vec<Vec<DocId>> = vec![
            all.clone(),
            all.iter().copied().filter(|d| d % 3 == 1).collect(),
            vec![7],
            vec![0, 39],
        ];
        for docs in subsets {
            let by_columns = tally_by_columns(segment, &docs).unwrap();
            let by_postings = tally_by_postings(segment, &docs).unwrap();
            assert_eq!(as_lists(&by_columns), as_lists(&by_postings), "{docs:?}");
        }
        // A country counts an article once, however many of its
        // provinces it names; `/Iraq` alone counts for Iraq too.
        let whole = tally_by_postings(segment, &all).unwrap();
        let iraq = (0..40usize)
            .filter(|i| (0..i % 4).any(|k| (i * 7 + k * 3) % 6 < 3))
            .count() as u64;
        assert_eq!(whole.country.get("Iraq"), Some(&iraq));
        assert!(whole.year.values().sum::<u64>() == 32);
        // A parent counts its children's articles, each once.
        let isis = (0..40usize)
            .filter(|i| (0..i % 3).any(|k| matches!((i + k) % 4, 0 | 2)))
            .count() as u64;
        assert_eq!(whole.actor.get("ISIS"), Some(&isis));
        assert!(whole.actor.get("ISIS/ISWAP") < Some(&isis));
        let jihadist = whole.actor_kind.get("jihadist group");
        assert_eq!(jihadist, Some(&isis));
        assert_eq!(
            unarmed_actors(segment)
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            ["UN"]
        );
    }

    #[test]
    fn hierarchical_counts_list_each_child_after_its_parent() {
        let all: BTreeMap<String, u64> = [
            ("A", 5),
            ("A/x", 1),
            ("A/y", 4),
            ("A/y/z", 2),
            ("B", 7),
            ("C", 1),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let order = |limit| {
            by_tree(all.clone(), limit)
                .into_iter()
                .map(|c| c.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(order(0), ["B", "A", "A/y", "A/y/z", "A/x", "C"]);
        assert_eq!(order(2), ["B", "A", "A/y", "A/y/z", "A/x"]);
    }
}
