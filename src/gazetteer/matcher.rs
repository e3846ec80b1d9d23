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
        let mut folded = String::with_capacity(text.len());
        let mut words: Vec<(usize, usize, usize, usize)> = Vec::new(); // text range, folded range
        for (offset, word) in analyzer::words(text) {
            let from = folded.len();
            analyzer::fold_into(word, &mut folded);
            words.push((offset, offset + word.len(), from, folded.len()));
        }
        let folded_word = |i: usize| -> &str {
            words
                .get(i)
                .and_then(|&(_, _, f, t)| folded.get(f..t))
                .unwrap_or("")
        };
        let original_word = |i: usize| -> &str {
            words
                .get(i)
                .and_then(|&(s, e, _, _)| text.get(s..e))
                .unwrap_or("")
        };

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
                    let speaker = targets
                        .iter()
                        .all(|t| matches!(t, Target::Province(_) | Target::City(_)))
                        && is_reporting_verb(folded_word(i + len))
                        && !(i > 0 && is_place_preposition(folded_word(i - 1)));
                    mentions.push(Mention {
                        start: words.get(i).map_or(0, |w| w.0),
                        end: words.get(i + len - 1).map_or(0, |w| w.1),
                        ambiguous: claims.iter().any(|c| c.ambiguous),
                        targets,
                        speaker,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        mentions
    }

    /// The facet values of an article with this title and body.
    pub fn extract(&self, title: &str, body: &str) -> Facets {
        let (facets, _) = self.extract_explained(title, body, false);
        facets
    }

    /// [`Gazetteer::extract`], plus what each mention resolved to when
    /// `explain` is set.
    pub fn extract_explained(
        &self,
        title: &str,
        body: &str,
        explain: bool,
    ) -> (Facets, Vec<Explained>) {
        let mut all = self.mentions(title);
        let title_len = all.len();
        all.extend(self.mentions(body));
        let context = self.country_context(&all);
        let roles = self.roles(title, body, &all, title_len);
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
        let everything = self.facets(&mentioned);
        facets.mentioned_places = everything.places;
        facets.mentioned_actors = everything.actors;
        facets.mentions = roled;
        (facets, explained)
    }

    /// The countries an article is about, from its unambiguous mentions,
    /// with how often each is named.
    fn country_context(&self, mentions: &[Mention]) -> HashMap<usize, usize> {
        let mut context: HashMap<usize, usize> = HashMap::new();
        for m in mentions {
            // A state force's name ("Iraqi troops", "Iraq's army") holds
            // its country's name or demonym: context, as the demonym was
            // before generated forces took the phrase.
            let named_actor = |t: &Target| match t {
                Target::Actor(a) => self
                    .actors
                    .get(*a)
                    .is_none_or(|a| a.country.is_none() || !super::forces::is_state_kind(&a.kind)),
                _ => false,
            };
            if m.ambiguous || m.targets.iter().any(named_actor) {
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

/// Words that make the place after them a location ("forces in Ninawa
/// said"), whatever verb follows.
fn is_place_preposition(folded: &str) -> bool {
    const WORDS: [&str; 14] = [
        "across",
        "around",
        "at",
        "from",
        "in",
        "inside",
        "into",
        "near",
        "of",
        "outside",
        "throughout",
        "to",
        "toward",
        "towards",
    ];
    WORDS.contains(&folded)
}

/// Verbs that make a place before them the voice of its government.
fn is_reporting_verb(folded: &str) -> bool {
    const VERBS: [&str; 24] = [
        "accused",
        "accuses",
        "announced",
        "announces",
        "blamed",
        "blames",
        "claimed",
        "condemned",
        "condemns",
        "denied",
        "denies",
        "insisted",
        "rejected",
        "rejects",
        "responded",
        "said",
        "says",
        "urged",
        "urges",
        "vowed",
        "vows",
        "warned",
        "warns",
        "welcomed",
    ];
    VERBS.contains(&folded)
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
