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
            Target::Actor(a) => self.actors.get(a).map(|a| a.name.clone()),
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
            return Err(Error::UnknownValue {
                kind: kind.name(),
                value: value.to_owned(),
                suggestions: self.suggest(kind, &analyzer::fold_phrase(value)),
            });
        }
        Ok(paths)
    }

    /// The facet paths `value` names as a `kind` filter, sorted; empty when
    /// it names none (see [`Gazetteer::resolve`]).
    pub fn resolve_known(&self, kind: FacetKind, value: &str) -> Vec<String> {
        let key = analyzer::fold_phrase(value);
        let claims = self.phrases.get(&key).map(Vec::as_slice).unwrap_or(&[]);
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
        paths.sort();
        paths.dedup();
        paths
    }

    /// Every alias, folded as `fold_phrase` folds a filter value.
    pub fn alias_phrases(&self) -> impl Iterator<Item = &str> {
        self.phrases.keys().map(String::as_str)
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

    /// The canonical names closest to `key` among those of `kind`.
    pub(super) fn suggest(&self, kind: FacetKind, key: &str) -> Vec<String> {
        let mut scored: Vec<(f64, String)> = Vec::new();
        for (phrase, claims) in &self.phrases {
            for claim in claims {
                let label = match (kind, claim.target) {
                    (FacetKind::Country, Target::Country(_))
                    | (FacetKind::Province, Target::Province(_) | Target::City(_))
                    | (FacetKind::Actor, Target::Actor(_)) => self.facet_label(claim.target),
                    _ => None,
                };
                if let Some(label) = label {
                    scored.push((strsim::jaro_winkler(key, phrase), label));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut out: Vec<String> = Vec::new();
        for (score, label) in scored {
            if score < 0.75 || out.len() == 3 {
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
