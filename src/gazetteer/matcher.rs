//! Finding mentions in a text (longest alias first, over folded words) and
//! resolving them to an article's facet values.

use std::collections::{HashMap, HashSet};

use crate::analyzer;

use super::{Claim, Explained, Facets, Gazetteer, Mention, Role, RoledMention, Target};
use crate::fields::FacetKind;

impl Gazetteer {
    pub(super) fn country_of(&self, target: Target) -> Option<usize> {
        match target {
            Target::Country(c) | Target::Demonym(c) => Some(c),
            Target::Province(p) | Target::City(p) => self.provinces.get(p).map(|p| p.country),
            Target::Actor(a) => self.actors.get(a).and_then(|a| a.country),
        }
    }

    /// Every place in `text` where an alias matches, longest match first,
    /// left to right, without overlaps.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        self.mentions_in(&Tokens::new(text))
    }

    /// [`Gazetteer::mentions`] over words already cut and folded.
    pub(super) fn mentions_in(&self, tokens: &Tokens<'_>) -> Vec<Mention> {
        let text = tokens.text;
        let words = &tokens.words;
        let folded_word = |i: usize| tokens.folded(i);
        let original_word = |i: usize| tokens.original(i);

        let mut mentions = Vec::new();
        let mut i = 0;
        while i < words.len() {
            // Walk the trie as deep as the words go; keep the longest
            // alias whose claims accept the text's case.
            let mut matched = None;
            let mut node = 0usize;
            for k in 0.. {
                let Some(&child) = self
                    .trie
                    .get(node)
                    .and_then(|n| n.children.get(folded_word(i + k)))
                else {
                    break;
                };
                node = child as usize;
                let Some(here) = self.trie.get(node) else {
                    break;
                };
                if here.claims.is_empty() {
                    continue;
                }
                let claims: Vec<&Claim> = here
                    .claims
                    .iter()
                    .filter(|c| match &c.exact {
                        None => true,
                        Some(exact) => {
                            exact
                                .iter()
                                .enumerate()
                                .all(|(j, w)| original_word(i + j) == w)
                                && !in_shouting_line(text, words.get(i).map_or(0, |w| w.0))
                        }
                    })
                    .collect();
                if !claims.is_empty() {
                    matched = Some((k + 1, claims));
                }
            }
            match matched {
                Some((len, claims)) => {
                    let mut targets: Vec<Target> = claims.iter().map(|c| c.target).collect();
                    targets.sort();
                    targets.dedup();
                    mentions.push(Mention {
                        start: words.get(i).map_or(0, |w| w.0),
                        end: words.get(i + len - 1).map_or(0, |w| w.1),
                        ambiguous: claims.iter().any(|c| c.ambiguous),
                        targets,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        mentions
    }

    /// The facet values of an article with this title and body, published
    /// in `year` if known (what counts as an earlier period; when unknown,
    /// the latest year the text names).
    pub fn extract(&self, title: &str, body: &str, year: Option<u16>) -> Facets {
        let (facets, _) = self.extract_explained(title, body, year, false);
        facets
    }

    /// [`Gazetteer::extract`], plus what each mention resolved to when
    /// `explain` is set.
    pub fn extract_explained(
        &self,
        title: &str,
        body: &str,
        year: Option<u16>,
        explain: bool,
    ) -> (Facets, Vec<Explained>) {
        let (title_words, body_words) = (Tokens::new(title), Tokens::new(body));
        let mut all = self.mentions_in(&title_words);
        let title_len = all.len();
        all.extend(self.mentions_in(&body_words));
        let context = self.country_context(&all);
        let now = year.or_else(|| latest_year(&title_words).max(latest_year(&body_words)));
        let roles = self.roles((&title_words, &body_words), &all, title_len, now);
        let (mut events, mut mentioned) = (Found::default(), Found::default());
        let mut dateline = Found::default();
        let mut explained = Vec::new();
        let mut roled = Vec::new();
        for (k, m) in all.iter().enumerate() {
            let chosen = self.readings(m, &context);
            let resolved = resolved(&chosen);
            let in_title = k < title_len;
            let src = if in_title { title } else { body };
            let text = src.get(m.start..m.end).unwrap_or("");
            let (role, rule) = roles
                .get(k)
                .cloned()
                .unwrap_or((Role::Event, String::new()));
            if explain {
                explained.push(Explained {
                    text: text.to_owned(),
                    resolved: resolved.and_then(|t| self.facet_label(t)),
                    note: self.note(m, &chosen, resolved),
                    role: resolved.map(|_| role),
                    rule: rule.clone(),
                });
            }
            let Some(target) = resolved else { continue };
            mentioned.add(target);
            match role {
                Role::Event => events.add(target),
                Role::Dateline => dateline.add(target),
                _ => {}
            }
            if let (Some(kind), Some(value)) = (facet_kind(target), self.facet_label(target)) {
                roled.push(RoledMention {
                    kind,
                    value,
                    role,
                    offset: m.start,
                    in_title,
                    rule,
                    text: text.to_owned(),
                });
            }
        }
        // The dateline's place is the event place only when the article
        // names no other.
        if events.countries.is_empty() && events.provinces.is_empty() {
            events.countries = dateline.countries;
            events.provinces = dateline.provinces;
        }
        let mut facets = self.facets(&events);
        facets.regions = self.regions_of(&facets.places);
        let everything = self.facets(&mentioned);
        facets.mentioned_places = everything.places;
        facets.mentioned_actors = everything.actors;
        facets.mentions = roled;
        (facets, explained)
    }

    /// The regions that hold any of `places` (a member country holds
    /// each of its places; a member province only itself), each once, in
    /// the order of `regions.toml`.
    pub fn regions_of(&self, places: &[(String, Option<String>)]) -> Vec<String> {
        let mut found: Vec<usize> = Vec::new();
        for (country, province) in places {
            let province = province.as_ref().map(|p| format!("{country}/{p}"));
            for path in std::iter::once(country).chain(province.as_ref()) {
                found.extend(self.region_members.get(path).into_iter().flatten());
            }
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter_map(|r| self.regions.get(r).map(|r| r.name.clone()))
            .collect()
    }

    /// The countries an article is about, from its unambiguous mentions,
    /// with how often each is named.
    fn country_context(&self, mentions: &[Mention]) -> HashMap<usize, usize> {
        let mut context: HashMap<usize, usize> = HashMap::new();
        for m in mentions {
            // An actor gives its home country ("SSPDF" for South Sudan).
            if m.ambiguous {
                continue;
            }
            let mut countries = m.targets.iter().filter_map(|&t| self.country_of(t));
            if let Some(first) = countries.next() {
                if countries.all(|c| c == first) {
                    *context.entry(first).or_default() += 1;
                }
            }
        }
        context
    }

    /// The readings of `m` kept: all of them, or for an ambiguous name
    /// those whose country the article names most (Donetsk in an article
    /// about Ukraine that once mentions Russia is the Ukrainian oblast).
    fn readings(&self, m: &Mention, context: &HashMap<usize, usize>) -> Vec<Target> {
        if !m.ambiguous {
            return m.targets.clone();
        }
        let weight = |t: Target| {
            self.country_of(t)
                .and_then(|c| context.get(&c).copied())
                .unwrap_or(0)
        };
        let best = m.targets.iter().map(|&t| weight(t)).max().unwrap_or(0);
        m.targets
            .iter()
            .copied()
            .filter(|&t| best > 0 && weight(t) == best)
            .collect()
    }

    /// Why `m` counted as `resolved`, or was left out, for `--explain`.
    fn note(&self, m: &Mention, chosen: &[Target], resolved: Option<Target>) -> String {
        match (resolved, chosen.first()) {
            (Some(_), Some(&first)) => self.describe(first),
            (Some(t), None) => self.describe(t),
            (None, None) => format!(
                "left out: needs its country in the article ({})",
                self.describe_all(&m.targets)
            ),
            (None, Some(_)) => format!("left out: could be {}", self.describe_all(chosen)),
        }
    }

    /// The facet values of what was found, in order of first mention:
    /// provinces, then countries named without any of their provinces,
    /// then actors.
    fn facets(&self, found: &Found) -> Facets {
        let mut facets = Facets::default();
        let mut seen_places: HashSet<(usize, Option<usize>)> = HashSet::new();
        let countries_with_province: HashSet<usize> = found
            .provinces
            .iter()
            .filter_map(|&p| self.provinces.get(p))
            .map(|p| p.country)
            .collect();
        for &p in &found.provinces {
            if let Some(province) = self.provinces.get(p) {
                if seen_places.insert((province.country, Some(p))) {
                    if let Some(country) = self.countries.get(province.country) {
                        facets
                            .places
                            .push((country.name.clone(), Some(province.name.clone())));
                    }
                }
            }
        }
        for &c in &found.countries {
            if !countries_with_province.contains(&c) && seen_places.insert((c, None)) {
                if let Some(country) = self.countries.get(c) {
                    facets.places.push((country.name.clone(), None));
                }
            }
        }
        for actor in found.actors.iter().filter_map(|&a| self.actors.get(a)) {
            facets.actors.push(actor.path.clone());
            if !actor.kind.is_empty() && !facets.actor_kinds.contains(&actor.kind) {
                facets.actor_kinds.push(actor.kind.clone());
            }
        }
        facets
    }
}

/// The one facet a mention counts as, if its readings land on one (a city
/// counts as its province).
fn resolved(chosen: &[Target]) -> Option<Target> {
    let mut facet_keys: Vec<Target> = chosen
        .iter()
        .map(|&t| match t {
            Target::City(p) => Target::Province(p),
            other => other,
        })
        .collect();
    facet_keys.sort();
    facet_keys.dedup();
    match facet_keys.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The facet kind a resolved target counts under.
fn facet_kind(target: Target) -> Option<FacetKind> {
    match target {
        Target::Country(_) => Some(FacetKind::Country),
        Target::Province(_) | Target::City(_) => Some(FacetKind::Province),
        Target::Actor(_) => Some(FacetKind::Actor),
        Target::Demonym(_) => None,
    }
}

/// Countries, provinces and actors resolved so far, each once, in order of
/// first mention.
#[derive(Default)]
struct Found {
    countries: Vec<usize>,
    provinces: Vec<usize>,
    actors: Vec<usize>,
}

impl Found {
    fn add(&mut self, resolved: Target) {
        let (list, i) = match resolved {
            Target::Country(c) => (&mut self.countries, c),
            Target::Province(p) => (&mut self.provinces, p),
            Target::Actor(a) => (&mut self.actors, a),
            _ => return,
        };
        if !list.contains(&i) {
            list.push(i);
        }
    }
}

/// The words of a text, each with its byte range and its folded form.
pub(super) struct Tokens<'t> {
    /// The text.
    pub(super) text: &'t str,
    /// Every word folded, one after another.
    folded: String,
    /// Per word: its byte range in the text, then in `folded`.
    words: Vec<(usize, usize, usize, usize)>,
}

impl<'t> Tokens<'t> {
    pub(super) fn new(text: &'t str) -> Tokens<'t> {
        let mut folded = String::with_capacity(text.len());
        let mut words = Vec::new();
        for (offset, word) in analyzer::words(text) {
            let from = folded.len();
            analyzer::fold_into(word, &mut folded);
            words.push((offset, offset + word.len(), from, folded.len()));
        }
        Tokens {
            text,
            folded,
            words,
        }
    }

    /// How many words there are.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// Word `i` folded ("" past the end).
    pub(super) fn folded(&self, i: usize) -> &str {
        self.words
            .get(i)
            .and_then(|&(_, _, f, t)| self.folded.get(f..t))
            .unwrap_or("")
    }

    /// Word `i` as written ("" past the end).
    pub(super) fn original(&self, i: usize) -> &'t str {
        self.words
            .get(i)
            .and_then(|&(s, e, _, _)| self.text.get(s..e))
            .unwrap_or("")
    }

    /// Where word `i` starts in the text.
    pub(super) fn start(&self, i: usize) -> usize {
        self.words.get(i).map_or(self.text.len(), |w| w.0)
    }

    /// Where word `i` ends in the text.
    pub(super) fn end(&self, i: usize) -> usize {
        self.words.get(i).map_or(self.text.len(), |w| w.1)
    }

    /// The word that starts at byte `at`, if one does.
    pub(super) fn word_at(&self, at: usize) -> Option<usize> {
        self.words.binary_search_by_key(&at, |w| w.0).ok()
    }

    /// How many words start in the byte range `from..to`.
    pub(super) fn words_between(&self, from: usize, to: usize) -> usize {
        let first = self.words.partition_point(|w| w.0 < from);
        let end = self.words.partition_point(|w| w.0 < to);
        end.saturating_sub(first)
    }

    /// The text between word `i` and the next (to the end after the last).
    pub(super) fn gap_after(&self, i: usize) -> &'t str {
        self.text.get(self.end(i)..self.start(i + 1)).unwrap_or("")
    }

    /// The year word `i` is (1900-2100 written in four digits, or a
    /// decade: `1990s` is 1990), if it is.
    pub(super) fn year(&self, i: usize) -> Option<u16> {
        let w = self.original(i);
        let w = w.strip_suffix('s').unwrap_or(w);
        if w.len() != 4 || !w.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        w.parse().ok().filter(|y| (1900..=2100).contains(y))
    }
}

/// The latest year a text names, if any.
fn latest_year(tokens: &Tokens<'_>) -> Option<u16> {
    (0..tokens.len()).filter_map(|i| tokens.year(i)).max()
}

/// Whether the line holding byte `at` is written in capitals only (a
/// shouted headline), where `IS` is the verb, not the group.
fn in_shouting_line(text: &str, at: usize) -> bool {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| at + i);
    let line = &text[start..end];
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    letters > 6 && !line.chars().any(char::is_lowercase)
}
