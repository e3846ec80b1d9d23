//! Names typed by a user: filter values resolved to facet paths (any
//! alias, any case), query words widened to what they name, and the
//! closest names suggested for an unknown value.

use crate::analyzer;
use crate::error::{Error, Result};

use super::{Gazetteer, Target};
use crate::fields::FacetKind;

impl Gazetteer {
    pub(super) fn facet_label(&self, target: Target) -> Option<String> {
        match target {
            Target::Country(c) => self.countries.get(c).map(|c| c.name.clone()),
            Target::Demonym(_) => None,
            Target::Province(p) | Target::City(p) => {
                let p = self.provinces.get(p)?;
                let c = self.countries.get(p.country)?;
                Some(format!("{}/{}", c.name, p.name))
            }
            Target::Actor(a) => self.actors.get(a).map(|a| a.path.clone()),
        }
    }

    /// What kind of entry a target is, for `--explain`.
    pub(super) fn describe(&self, target: Target) -> String {
        let country = |c: usize| {
            self.countries
                .get(c)
                .map(|c| c.name.as_str())
                .unwrap_or("?")
        };
        match target {
            Target::Country(_) => "country".into(),
            Target::Demonym(c) => format!("demonym of {}: context only", country(c)),
            Target::Province(p) => self
                .provinces
                .get(p)
                .map(|p| p.kind.clone())
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| "province".into()),
            Target::City(p) => format!(
                "city in {}",
                self.facet_label(Target::Province(p)).unwrap_or_default()
            ),
            Target::Actor(a) => match self.actors.get(a) {
                Some(actor) if !actor.kind.is_empty() => format!("actor, {}", actor.kind),
                _ => "actor".into(),
            },
        }
    }

    pub(super) fn describe_all(&self, targets: &[Target]) -> String {
        targets
            .iter()
            .map(|&t| match self.facet_label(t) {
                Some(label) => format!("{label}, {}", self.describe(t)),
                None => self.describe(t),
            })
            .collect::<Vec<_>>()
            .join("; or ")
    }

    /// Resolves a filter value typed by a user (any alias, any case) to
    /// the facet path it means, or an error suggesting the closest names.
    pub fn resolve(&self, kind: FacetKind, value: &str) -> Result<Vec<String>> {
        let paths = self.resolve_known(kind, value);
        if paths.is_empty() {
            let key = analyzer::fold_phrase(value);
            let own = match kind {
                FacetKind::Region => Vec::new(),
                _ => self.suggest(kind, &key),
            };
            // A place may be meant as a region ("Dafur" → Darfur): a close
            // region name comes first, a distant one after the places.
            let mut suggestions = Vec::new();
            let regions = match kind {
                FacetKind::Province | FacetKind::Country | FacetKind::Region => {
                    self.suggest_regions(&key)
                }
                _ => Vec::new(),
            };
            let close = |score: f64| score >= REGION_FIRST || kind == FacetKind::Region;
            let (first, after): (Vec<_>, Vec<_>) = regions.into_iter().partition(|r| close(r.0));
            for name in first
                .into_iter()
                .map(|r| r.1)
                .chain(own)
                .chain(after.into_iter().map(|r| r.1))
            {
                if suggestions.len() < 3 && !suggestions.contains(&name) {
                    suggestions.push(name);
                }
            }
            return Err(Error::UnknownValue {
                kind: kind.name(),
                value: value.to_owned(),
                suggestions,
            });
        }
        Ok(paths)
    }

    /// The facet paths `value` names as a `kind` filter, sorted; empty when
    /// it names none (see [`Gazetteer::resolve`]). A region filter gives
    /// the region's name; a province or country filter that names no
    /// province or country but a region (`--province Darfur`) gives the
    /// region's members.
    pub fn resolve_known(&self, kind: FacetKind, value: &str) -> Vec<String> {
        let key = analyzer::fold_phrase(value);
        let region = self
            .region_names
            .get(&key)
            .and_then(|&r| self.regions.get(r));
        if kind == FacetKind::Region {
            return region.map(|r| vec![r.name.clone()]).unwrap_or_default();
        }
        let mut paths = self.resolve_own(kind, value, &key);
        if paths.is_empty() && matches!(kind, FacetKind::Province | FacetKind::Country) {
            if let Some(region) = region {
                paths = region.members.clone();
                paths.sort();
            }
        }
        paths
    }

    /// [`Gazetteer::resolve_known`] without regions: the provinces,
    /// countries or actors `value` (folded: `key`) names.
    fn resolve_own(&self, kind: FacetKind, value: &str, key: &str) -> Vec<String> {
        let claims = self.phrases.get(key).map(Vec::as_slice).unwrap_or(&[]);
        let mut paths: Vec<String> = claims
            .iter()
            .filter_map(|c| match (kind, c.target) {
                (FacetKind::Country, Target::Country(_) | Target::Demonym(_))
                | (FacetKind::Province, Target::Province(_) | Target::City(_))
                | (FacetKind::Actor, Target::Actor(_)) => self.facet_label(match c.target {
                    Target::Demonym(c) => Target::Country(c),
                    t => t,
                }),
                _ => None,
            })
            .collect();
        // Accept the canonical path itself: `Iraq/Nineveh`.
        if paths.is_empty() && kind == FacetKind::Province {
            if let Some((country, province)) = value.split_once('/') {
                let (ck, pk) = (
                    analyzer::fold_phrase(country),
                    analyzer::fold_phrase(province),
                );
                paths.extend(
                    self.provinces
                        .iter()
                        .filter(|p| {
                            analyzer::fold_phrase(&p.name) == pk
                                && self
                                    .countries
                                    .get(p.country)
                                    .is_some_and(|c| analyzer::fold_phrase(&c.name) == ck)
                        })
                        .filter_map(|p| {
                            Some(format!(
                                "{}/{}",
                                self.countries.get(p.country)?.name,
                                p.name
                            ))
                        }),
                );
            }
        }
        // Accept an actor's path itself: `Islamic State/Islamic State
        // West Africa Province`.
        if paths.is_empty() && kind == FacetKind::Actor && value.contains('/') {
            let want: Vec<String> = value.split('/').map(analyzer::fold_phrase).collect();
            paths.extend(
                self.actors
                    .iter()
                    .filter(|a| {
                        a.path
                            .split('/')
                            .map(analyzer::fold_phrase)
                            .eq(want.iter().cloned())
                    })
                    .map(|a| a.path.clone()),
            );
        }
        paths.sort();
        paths.dedup();
        paths
    }

    /// Every actor kind, in the order summaries list them (see
    /// [`super::is_armed`] for which are armed actors).
    pub fn actor_kind_names() -> &'static [&'static str] {
        &super::ACTOR_KINDS
    }

    /// Every alias, folded as `fold_phrase` folds a filter value: those
    /// of places and actors, then those of regions.
    pub fn alias_phrases(&self) -> impl Iterator<Item = &str> {
        self.phrases
            .keys()
            .chain(self.region_names.keys())
            .map(String::as_str)
    }

    /// The region names closest to `key` (folded), up to three, best
    /// first, with their scores: region names are few, so every one is
    /// scored.
    fn suggest_regions(&self, key: &str) -> Vec<(f64, String)> {
        let mut scored: Vec<(f64, &str)> = self
            .region_names
            .iter()
            .filter_map(|(alias, &r)| {
                let score = strsim::jaro_winkler(key, alias);
                let name = self.regions.get(r)?.name.as_str();
                (score >= SUGGEST_MIN).then_some((score, name))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut out: Vec<(f64, String)> = Vec::new();
        for (score, name) in scored {
            if out.len() == 3 {
                break;
            }
            if !out.iter().any(|o| o.1 == name) {
                out.push((score, name.to_owned()));
            }
        }
        out
    }

    /// The facet a query phrase names unambiguously, for query expansion:
    /// an actor or a province by any alias (`Daesh` → actor `Islamic
    /// State`). Cities, countries, ambiguous and exact-case aliases are
    /// not expanded: they would widen a search beyond what was asked.
    pub fn expansion(&self, phrase: &str) -> Option<(FacetKind, String)> {
        let claims = self.phrases.get(&analyzer::fold_phrase(phrase))?;
        let mut found: Vec<(FacetKind, String)> = claims
            .iter()
            .filter(|c| c.exact.is_none() && !c.ambiguous)
            .filter_map(|c| match c.target {
                Target::Actor(_) => Some((FacetKind::Actor, self.facet_label(c.target)?)),
                Target::Province(_) => Some((FacetKind::Province, self.facet_label(c.target)?)),
                _ => None,
            })
            .collect();
        found.dedup();
        match found.len() {
            1 => found.pop(),
            _ => None,
        }
    }

    /// The canonical names closest to `key` among those of `kind`: up to
    /// three, best first, whose aliases have a Jaro-Winkler similarity to
    /// `key` of at least [`SUGGEST_MIN`]. Aliases that cannot reach it
    /// (see [`SuggestKey::may_reach`]) are passed over unscored: scoring
    /// all of them took tens of milliseconds per unknown value.
    pub(super) fn suggest(&self, kind: FacetKind, key: &str) -> Vec<String> {
        let probe = SuggestKey::new(key);
        let mut scored: Vec<(f64, String)> = Vec::new();
        for (phrase, claims) in &self.phrases {
            if !probe.may_reach(phrase) {
                continue;
            }
            let mut of_kind = claims
                .iter()
                .filter(|c| suggests(kind, c.target))
                .peekable();
            if of_kind.peek().is_none() {
                continue;
            }
            let score = strsim::jaro_winkler(key, phrase);
            if score < SUGGEST_MIN {
                continue;
            }
            scored.extend(of_kind.filter_map(|c| Some((score, self.facet_label(c.target)?))));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, label) in scored {
            if out.len() == 3 {
                break;
            }
            if !out.contains(&label) {
                out.push(label);
            }
        }
        out
    }

    /// The facet path of a country's name (`Iraq` → `Iraq`), for counting.
    pub fn country_names(&self) -> impl Iterator<Item = &str> {
        self.countries.iter().map(|c| c.name.as_str())
    }
}

/// The least similarity of a suggestion to the value typed.
const SUGGEST_MIN: f64 = 0.75;

/// The similarity from which a region is suggested before the provinces
/// or countries for a `--province` or `--country` value.
const REGION_FIRST: f64 = 0.85;

/// Whether an alias naming `target` can be suggested for a `kind` filter.
fn suggests(kind: FacetKind, target: Target) -> bool {
    matches!(
        (kind, target),
        (FacetKind::Country, Target::Country(_))
            | (FacetKind::Province, Target::Province(_) | Target::City(_))
            | (FacetKind::Actor, Target::Actor(_))
    )
}

/// A folded value to suggest names for, with what bounds its similarity to
/// an alias cheaply.
struct SuggestKey<'a> {
    key: &'a str,
    /// Its first character.
    first: Option<char>,
    /// Its length in characters (what Jaro counts).
    len: usize,
    /// How many times each ASCII character occurs in it.
    ascii: [u32; 128],
    /// Its other characters, sorted, with repeats.
    other: Vec<char>,
}

impl<'a> SuggestKey<'a> {
    fn new(key: &'a str) -> SuggestKey<'a> {
        let mut ascii = [0u32; 128];
        let mut other = Vec::new();
        let mut len = 0;
        for c in key.chars() {
            len += 1;
            match ascii.get_mut(c as usize) {
                Some(n) => *n += 1,
                None => other.push(c),
            }
        }
        other.sort_unstable();
        SuggestKey {
            key,
            first: key.chars().next(),
            len,
            ascii,
            other,
        }
    }

    /// Whether `strsim::jaro_winkler(key, phrase)` may be at least
    /// [`SUGGEST_MIN`]; false only when it is certainly below.
    ///
    /// Jaro is `(m/|key| + m/|phrase| + (m-t)/m) / 3` for `m` matching
    /// characters and `t` transpositions, and the matches pair equal
    /// characters, so `m` is at most the characters the two have in common
    /// (counted with repeats) and the third term at most 1. Winkler adds
    /// `0.1 p (1 - jaro)` for a common prefix of `p` ≤ 4 characters when
    /// Jaro is above 0.7, which grows with Jaro: the bound is the same
    /// formula on the bound of Jaro.
    fn may_reach(&self, phrase: &str) -> bool {
        // `chars().count()` is the standard library's, fast even in a
        // debug build: the length alone rules most aliases out.
        let len = phrase.chars().count();
        if self.len == 0 || len == 0 {
            return self.len == len; // strsim: 1 for two empty strings, else 0
        }
        // Most aliases start with another letter: no prefix, and no need
        // to walk one.
        let prefix = if phrase.chars().next() != self.first {
            0
        } else {
            self.key
                .chars()
                .zip(phrase.chars())
                .take(4)
                .take_while(|(a, b)| a == b)
                .count()
        };
        if !self.bound_reaches(len, self.len.min(len), prefix) {
            return false;
        }
        let mut seen = [0u32; 128];
        let mut common = 0usize;
        for c in phrase.chars() {
            match seen.get_mut(c as usize) {
                Some(n) => {
                    *n += 1;
                    common += usize::from(self.ascii.get(c as usize).is_some_and(|&k| *n <= k));
                }
                // Not counted with repeats: a looser bound, still a bound.
                None => common += usize::from(self.other.binary_search(&c).is_ok()),
            }
        }
        self.bound_reaches(len, common.min(self.len).min(len), prefix)
    }

    /// Whether Jaro-Winkler may reach [`SUGGEST_MIN`] with at most
    /// `matches` matching characters against an alias of `len` characters
    /// that shares a prefix of `prefix` characters with the key.
    fn bound_reaches(&self, len: usize, matches: usize, prefix: usize) -> bool {
        if matches == 0 {
            return false; // Jaro is 0
        }
        let m = matches as f64;
        let jaro = (m / self.len as f64 + m / len as f64 + 1.0) / 3.0;
        let bound = jaro + 0.1 * prefix as f64 * (1.0 - jaro);
        // A margin for rounding: never skip an alias that reaches it.
        bound >= SUGGEST_MIN - 1e-9
    }
}
