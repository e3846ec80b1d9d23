//! ③ Gazetteers: who and where an article is about.
//!
//! The gazetteers are TOML files in `index-schema/gazetteers/` (format in
//! `index-schema/gazetteers/FORMAT.md`): every country, the first-level
//! divisions of the countries sitrep knows in depth with their cities, and
//! the armed actors, each with aliases and transliterations. [`Gazetteer`]
//! loads and validates them, finds their mentions in a text
//! ([`Gazetteer::mentions`]) and resolves the mentions to facet values
//! ([`Gazetteer::extract`]); it also resolves a filter value typed by a user
//! ([`Gazetteer::resolve`]).
//!
//! Matching works on the words of [`crate::text`], folded but not stemmed,
//! longest alias first, so `Islamic State of Iraq and the Levant` is one
//! actor and `Hamas` is never `Hama`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::error::{Error, Problem, Result};
use crate::schema::SchemaFiles;
use crate::text;

/// What an alias names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A country, by index into [`Gazetteer::countries`].
    Country(usize),
    /// A demonym of a country ("Iraqi"): context for resolving other
    /// names, never a facet value by itself.
    Demonym(usize),
    /// A first-level division, by index into [`Gazetteer::provinces`].
    Province(usize),
    /// A city or town inside a province (the province's index).
    City(usize),
    /// An actor, by index into [`Gazetteer::actors`].
    Actor(usize),
}

/// A country.
#[derive(Debug, Clone)]
pub struct Country {
    /// Canonical name: the facet value `/Name`.
    pub name: String,
}

/// A first-level division of a country.
#[derive(Debug, Clone)]
pub struct Province {
    /// Canonical name: the facet value `/Country/Name`.
    pub name: String,
    /// The country it belongs to.
    pub country: usize,
    /// governorate, province, state, oblast…
    pub kind: String,
}

/// An armed group, state force or agency.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Canonical name: the facet value `/Name`.
    pub name: String,
    /// jihadist group, state force, militia…
    pub kind: String,
    /// The home country, if the actor belongs to one.
    pub country: Option<usize>,
}

#[derive(Debug, Clone)]
struct Claim {
    target: Target,
    /// Counts only when the target's country is otherwise in the article.
    ambiguous: bool,
    /// The alias as written, when it must match in exactly this case.
    exact: Option<Vec<String>>,
}

/// A node of the alias trie: one folded word deeper than its parent.
#[derive(Debug, Clone, Default)]
struct Node {
    /// The next folded word → child node.
    children: FxHashMap<Box<str>, u32>,
    /// The claims on the alias that ends here.
    claims: Vec<Claim>,
}

/// One place in a text where an alias matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte range in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// What the alias may name (more than one when it is ambiguous).
    pub targets: Vec<Target>,
    /// Whether the targets need their country in context.
    pub ambiguous: bool,
    /// A place used as the subject of a statement ("Baghdad announced",
    /// "Kyiv said"): it means that government, not where events happen,
    /// so it gives context but no facet.
    pub speaker: bool,
}

/// The facet values of one article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `(country, Some(province))` or `(country, None)` for a country
    /// mentioned with none of its provinces; in order of first mention.
    pub places: Vec<(String, Option<String>)>,
    /// Canonical actor names, in order of first mention.
    pub actors: Vec<String>,
}

impl Facets {
    /// The places as `Country/Province` or `Country` strings.
    pub fn place_paths(&self) -> Vec<String> {
        self.places
            .iter()
            .map(|(c, p)| match p {
                Some(p) => format!("{c}/{p}"),
                None => c.clone(),
            })
            .collect()
    }
}

/// A mention and what it resolved to, for `sitrep extract --explain`.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The words as written in the text.
    pub text: String,
    /// What it counted as, or `None` when it was left out.
    pub resolved: Option<String>,
    /// Why it was left out, or what kind of entry it matched.
    pub note: String,
}

/// The loaded, validated gazetteers.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    /// Every country.
    pub countries: Vec<Country>,
    /// Every province known in depth.
    pub provinces: Vec<Province>,
    /// Every actor.
    pub actors: Vec<Actor>,
    /// The aliases as a trie of folded words; node 0 is the root. (Fx
    /// hashing: the root lookup runs for every word of every article.)
    trie: Vec<Node>,
    /// Folded alias phrase → claims: for resolving filter values.
    phrases: HashMap<String, Vec<Claim>>,
}

// ---- the files ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountriesFile {
    #[serde(default)]
    country: Vec<CountryEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryEntry {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    demonyms: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacesFile {
    country: String,
    #[serde(default)]
    province: Vec<ProvinceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvinceEntry {
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    cities: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    #[serde(default)]
    actor: Vec<ActorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorEntry {
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    exact_case: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
}

/// The list of ordinary English words, relative to `index-schema/`.
const COMMON_WORDS: &str = "gazetteers/common-words.txt";

/// The 1-based line of the first occurrence of `"needle"` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    let quoted = format!("\"{needle}\"");
    let at = text.find(&quoted).or_else(|| text.find(needle))?;
    Some(text[..at].matches('\n').count() + 1)
}

/// The line of `alias` within the entry named `owner` (the first
/// occurrence after `name = "owner"`), else anywhere.
fn line_after(text: &str, owner: &str, alias: &str) -> Option<usize> {
    let entry = text.find(&format!("name = \"{owner}\"")).unwrap_or(0);
    let quoted = format!("\"{alias}\"");
    let at = text[entry..]
        .find(&quoted)
        .map(|i| i + entry)
        .or_else(|| text.find(&quoted))?;
    Some(text[..at].matches('\n').count() + 1)
}

fn parse_toml<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        Error::data(path, line, err.message().to_owned())
    })
}

/// A claim on an alias while loading: the claim, the file it was made
/// in, the entry that made it and the alias as written.
type SourcedClaim = (Claim, PathBuf, String, String);

/// Collects aliases while loading, and the problems found on the way.
struct Builder<'a> {
    phrases: BTreeMap<String, Vec<SourcedClaim>>,
    /// The text of each file, to find a line only when reporting.
    texts: HashMap<PathBuf, &'a str>,
    problems: Vec<Problem>,
}

impl<'a> Builder<'a> {
    fn add(
        &mut self,
        alias: &str,
        target: Target,
        ambiguous: bool,
        exact: bool,
        (path, source): (&Path, &'a str),
        owner: &str,
    ) {
        let key = text::fold_phrase(alias);
        if !self.texts.contains_key(path) {
            self.texts.insert(path.to_path_buf(), source);
        }
        if key.is_empty() {
            let line = line_after(source, owner, alias);
            self.problems.push(Problem::skipped(
                path,
                line,
                format!("alias {alias:?} of {owner:?} has no words"),
            ));
            return;
        }
        let exact = exact.then(|| text::words(alias).map(|(_, w)| w.to_owned()).collect());
        let claims = self.phrases.entry(key).or_default();
        // The same entry claiming one name twice (a city also listed as an
        // alias) is harmless.
        if claims
            .iter()
            .any(|(c, ..)| c.target == target && c.exact == exact)
        {
            return;
        }
        claims.push((
            Claim {
                target,
                ambiguous,
                exact,
            },
            path.to_path_buf(),
            owner.to_owned(),
            alias.to_owned(),
        ));
    }

    /// The line where `owner` lists `alias` in `path`.
    fn line(&self, path: &Path, owner: &str, alias: &str) -> Option<usize> {
        self.texts
            .get(path)
            .and_then(|text| line_after(text, owner, alias))
    }
}

impl Gazetteer {
    /// Loads and validates the gazetteers among `files`.
    ///
    /// Every problem (a parse error, an alias claimed by two entries that
    /// are not marked ambiguous, a province file for an unknown country)
    /// is collected; if there is any, loading fails with all of them.
    pub fn load(files: &SchemaFiles) -> Result<Gazetteer> {
        let (gazetteer, problems) = Self::load_with_problems(files)?;
        if problems.is_empty() {
            Ok(gazetteer)
        } else {
            Err(Error::Gazetteer(problems))
        }
    }

    /// Loads the gazetteers and returns the problems found alongside.
    ///
    /// Only a missing or unparsable file is an error here; everything
    /// else is a [`Problem`], so `sitrep gazetteer check` can list them all.
    pub fn load_with_problems(files: &SchemaFiles) -> Result<(Gazetteer, Vec<Problem>)> {
        let mut b = Builder {
            phrases: BTreeMap::new(),
            texts: HashMap::new(),
            problems: Vec::new(),
        };
        let mut countries = Vec::new();
        let mut provinces = Vec::new();
        let mut actors = Vec::new();
        let mut country_index: HashMap<String, usize> = HashMap::new();

        let (cpath, ctext) = files.get("gazetteers/countries.toml")?;
        let parsed: CountriesFile = parse_toml(&cpath, ctext)?;
        for entry in parsed.country {
            let i = countries.len();
            if country_index.insert(entry.name.clone(), i).is_some() {
                b.problems.push(Problem::skipped(
                    &cpath,
                    line_of(ctext, &entry.name),
                    format!("country {:?} is listed twice", entry.name),
                ));
            }
            let amb: HashSet<String> = entry
                .ambiguous
                .iter()
                .map(|a| text::fold_phrase(a))
                .collect();
            let is_amb = |a: &str| amb.contains(&text::fold_phrase(a));
            for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                b.add(
                    alias,
                    Target::Country(i),
                    is_amb(alias),
                    false,
                    (&cpath, ctext),
                    &entry.name,
                );
            }
            for demonym in &entry.demonyms {
                b.add(
                    demonym,
                    Target::Demonym(i),
                    is_amb(demonym),
                    false,
                    (&cpath, ctext),
                    &entry.name,
                );
            }
            countries.push(Country { name: entry.name });
        }

        for (ppath, ptext) in files.under("gazetteers/places/") {
            let parsed: PlacesFile = parse_toml(&ppath, ptext)?;
            let Some(&country) = country_index.get(&parsed.country) else {
                b.problems.push(Problem::skipped(
                    &ppath,
                    line_of(ptext, &parsed.country),
                    format!("country {:?} is not in countries.toml", parsed.country),
                ));
                continue;
            };
            for entry in parsed.province {
                let i = provinces.len();
                let amb: HashSet<String> = entry
                    .ambiguous
                    .iter()
                    .map(|a| text::fold_phrase(a))
                    .collect();
                let is_amb = |a: &str| amb.contains(&text::fold_phrase(a));
                for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                    b.add(
                        alias,
                        Target::Province(i),
                        is_amb(alias),
                        false,
                        (&ppath, ptext),
                        &entry.name,
                    );
                }
                for city in &entry.cities {
                    b.add(
                        city,
                        Target::City(i),
                        is_amb(city),
                        false,
                        (&ppath, ptext),
                        &entry.name,
                    );
                }
                provinces.push(Province {
                    name: entry.name,
                    country,
                    kind: entry.kind,
                });
            }
        }

        let (apath, atext) = files.get("gazetteers/actors.toml")?;
        let parsed: ActorsFile = parse_toml(&apath, atext)?;
        for entry in parsed.actor {
            let i = actors.len();
            let country = if entry.country.is_empty() {
                None
            } else {
                let found = country_index.get(&entry.country).copied();
                if found.is_none() {
                    b.problems.push(Problem::skipped(
                        &apath,
                        line_of(atext, &entry.country),
                        format!(
                            "actor {:?}: country {:?} is not in countries.toml",
                            entry.name, entry.country
                        ),
                    ));
                }
                found
            };
            let amb: HashSet<String> = entry
                .ambiguous
                .iter()
                .map(|a| text::fold_phrase(a))
                .collect();
            let is_amb = |a: &str| amb.contains(&text::fold_phrase(a));
            for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                b.add(
                    alias,
                    Target::Actor(i),
                    is_amb(alias),
                    false,
                    (&apath, atext),
                    &entry.name,
                );
            }
            for alias in &entry.exact_case {
                b.add(
                    alias,
                    Target::Actor(i),
                    is_amb(alias),
                    true,
                    (&apath, atext),
                    &entry.name,
                );
            }
            actors.push(Actor {
                name: entry.name,
                kind: entry.kind,
                country,
            });
        }

        // Ordinary English words make dangerous aliases ("Hit", "Unity"):
        // each needs a rule that says when it is the name.
        let common: HashSet<&str> = files
            .get(COMMON_WORDS)
            .map(|(_, text)| {
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .collect()
            })
            .unwrap_or_default();
        for (key, claims) in &b.phrases {
            if key.contains(' ') || !common.contains(key.as_str()) {
                continue;
            }
            for (claim, path, owner, alias) in claims {
                if claim.ambiguous || claim.exact.is_some() {
                    continue;
                }
                b.problems.push(Problem::skipped(
                    path,
                    b.line(path, owner, alias),
                    format!(
                        "alias {alias:?} of {owner:?} is an ordinary English word (gazetteers/common-words.txt); list it under `ambiguous` or `exact_case`, or remove it"
                    ),
                ));
            }
        }

        // An alias claimed by several entries must be marked ambiguous by
        // every one of them, or the gazetteer cannot tell them apart.
        let mut phrases: HashMap<String, Vec<Claim>> = HashMap::new();
        let mut trie: Vec<Node> = vec![Node::default()];
        for (key, claims) in std::mem::take(&mut b.phrases) {
            let case_free: Vec<_> = claims.iter().filter(|(c, ..)| c.exact.is_none()).collect();
            // Demonyms only give context, so two countries may share one
            // ("Congolese"); the context then stays undecided.
            let all_demonyms = case_free
                .iter()
                .all(|(c, ..)| matches!(c.target, Target::Demonym(_)));
            if case_free.len() > 1 && !all_demonyms && case_free.iter().any(|(c, ..)| !c.ambiguous)
            {
                let [(_, path, owner, alias), rest @ ..] = case_free.as_slice() else {
                    continue;
                };
                let others: Vec<String> = rest
                    .iter()
                    .map(|(_, p, o, a)| {
                        format!(
                            "{:?} ({}{})",
                            o,
                            p.file_name()
                                .map(|n| n.to_string_lossy())
                                .unwrap_or_default(),
                            b.line(p, o, a).map(|l| format!(":{l}")).unwrap_or_default()
                        )
                    })
                    .collect();
                let line = b.line(path, owner, alias);
                b.problems.push(Problem::skipped(
                    path,
                    line,
                    format!(
                        "alias {key:?} of {owner:?} is also claimed by {}; list it under `ambiguous` in every entry that claims it",
                        others.join(", ")
                    ),
                ));
            }
            let claims: Vec<Claim> = claims.into_iter().map(|(c, ..)| c).collect();
            let mut node = 0usize;
            for word in key.split(' ') {
                let next = trie.len() as u32;
                let Some(parent) = trie.get_mut(node) else {
                    break;
                };
                let child = *parent.children.entry(word.into()).or_insert(next);
                if child == next {
                    trie.push(Node::default());
                }
                node = child as usize;
            }
            if let Some(end) = trie.get_mut(node) {
                end.claims = claims.clone();
            }
            phrases.insert(key, claims);
        }
        Ok((
            Gazetteer {
                countries,
                provinces,
                actors,
                trie,
                phrases,
            },
            b.problems,
        ))
    }

    fn country_of(&self, target: Target) -> Option<usize> {
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
        for (offset, word) in text::words(text) {
            let from = folded.len();
            text::fold_into(word, &mut folded);
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
        let body_mentions = self.mentions(body);
        all.extend(body_mentions);
        let text_of = |k: usize, m: &Mention| -> String {
            let src = if k < title_len { title } else { body };
            src.get(m.start..m.end).unwrap_or("").to_owned()
        };

        // Countries the article is about, from unambiguous mentions, with
        // how often each is named.
        let mut context: HashMap<usize, usize> = HashMap::new();
        for m in &all {
            if m.ambiguous || m.targets.iter().any(|t| matches!(t, Target::Actor(_))) {
                continue;
            }
            let mut countries = m.targets.iter().filter_map(|&t| self.country_of(t));
            if let Some(first) = countries.next() {
                if countries.all(|c| c == first) {
                    *context.entry(first).or_default() += 1;
                }
            }
        }

        let mut facets = Facets::default();
        let mut seen_places: HashSet<(usize, Option<usize>)> = HashSet::new();
        let mut countries_named: Vec<usize> = Vec::new();
        let mut provinces_found: Vec<usize> = Vec::new();
        let mut actors_found: Vec<usize> = Vec::new();
        let mut explained = Vec::new();
        for (k, m) in all.iter().enumerate() {
            let chosen: Vec<Target> = if m.ambiguous {
                // Keep the readings whose country the article names most
                // (Donetsk in an article about Ukraine that once mentions
                // Russia is the Ukrainian oblast).
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
            } else {
                m.targets.clone()
            };
            // Several readings that land on one facet are one reading.
            let mut facet_keys: Vec<Target> = chosen
                .iter()
                .map(|&t| match t {
                    Target::City(p) => Target::Province(p),
                    other => other,
                })
                .collect();
            facet_keys.sort();
            facet_keys.dedup();
            let resolved = match facet_keys.as_slice() {
                [one] if !m.speaker => Some(*one),
                _ => None,
            };
            if explain {
                let note = match (resolved, chosen.first()) {
                    (None, Some(&first)) if m.speaker => format!(
                        "left out: speaks for its government ({})",
                        self.describe_all(&[first])
                    ),
                    (Some(_), Some(&first)) => self.describe(first),
                    (Some(t), None) => self.describe(t),
                    (None, None) => format!(
                        "left out: needs its country in the article ({})",
                        self.describe_all(&m.targets)
                    ),
                    (None, Some(_)) => format!("left out: could be {}", self.describe_all(&chosen)),
                };
                explained.push(Explained {
                    text: text_of(k, m),
                    resolved: resolved.and_then(|t| self.facet_label(t)),
                    note,
                });
            }
            match resolved {
                Some(Target::Country(c)) if !countries_named.contains(&c) => {
                    countries_named.push(c);
                }
                Some(Target::Province(p)) if !provinces_found.contains(&p) => {
                    provinces_found.push(p);
                }
                Some(Target::Actor(a)) if !actors_found.contains(&a) => {
                    actors_found.push(a);
                }
                _ => {}
            }
        }
        let countries_with_province: HashSet<usize> = provinces_found
            .iter()
            .filter_map(|&p| self.provinces.get(p))
            .map(|p| p.country)
            .collect();
        // Places in order of first mention: provinces, then countries named
        // without any of their provinces.
        for &p in &provinces_found {
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
        for &c in &countries_named {
            if !countries_with_province.contains(&c) && seen_places.insert((c, None)) {
                if let Some(country) = self.countries.get(c) {
                    facets.places.push((country.name.clone(), None));
                }
            }
        }
        facets.actors = actors_found
            .iter()
            .filter_map(|&a| self.actors.get(a))
            .map(|a| a.name.clone())
            .collect();
        (facets, explained)
    }

    fn facet_label(&self, target: Target) -> Option<String> {
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
    fn describe(&self, target: Target) -> String {
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

    fn describe_all(&self, targets: &[Target]) -> String {
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
    pub fn resolve(&self, kind: FilterKind, value: &str) -> Result<Vec<String>> {
        let paths = self.resolve_known(kind, value);
        if paths.is_empty() {
            return Err(Error::UnknownValue {
                kind: kind.name(),
                value: value.to_owned(),
                suggestions: self.suggest(kind, &text::fold_phrase(value)),
            });
        }
        Ok(paths)
    }

    /// The facet paths `value` names as a `kind` filter, sorted; empty when
    /// it names none (see [`Gazetteer::resolve`]).
    pub fn resolve_known(&self, kind: FilterKind, value: &str) -> Vec<String> {
        let key = text::fold_phrase(value);
        let claims = self.phrases.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        let mut paths: Vec<String> = claims
            .iter()
            .filter_map(|c| match (kind, c.target) {
                (FilterKind::Country, Target::Country(_) | Target::Demonym(_))
                | (FilterKind::Province, Target::Province(_) | Target::City(_))
                | (FilterKind::Actor, Target::Actor(_)) => self.facet_label(match c.target {
                    Target::Demonym(c) => Target::Country(c),
                    t => t,
                }),
                _ => None,
            })
            .collect();
        // Accept the canonical path itself: `Iraq/Nineveh`.
        if paths.is_empty() && kind == FilterKind::Province {
            if let Some((country, province)) = value.split_once('/') {
                let (ck, pk) = (text::fold_phrase(country), text::fold_phrase(province));
                paths.extend(
                    self.provinces
                        .iter()
                        .filter(|p| {
                            text::fold_phrase(&p.name) == pk
                                && self
                                    .countries
                                    .get(p.country)
                                    .is_some_and(|c| text::fold_phrase(&c.name) == ck)
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

    /// Every alias, folded as [`text::fold_phrase`] folds a filter value.
    pub fn alias_phrases(&self) -> impl Iterator<Item = &str> {
        self.phrases.keys().map(String::as_str)
    }

    /// The facet a query phrase names unambiguously, for query expansion:
    /// an actor or a province by any alias (`Daesh` → actor `Islamic
    /// State`). Cities, countries, ambiguous and exact-case aliases are
    /// not expanded: they would widen a search beyond what was asked.
    pub fn expansion(&self, phrase: &str) -> Option<(FilterKind, String)> {
        let claims = self.phrases.get(&text::fold_phrase(phrase))?;
        let mut found: Vec<(FilterKind, String)> = claims
            .iter()
            .filter(|c| c.exact.is_none() && !c.ambiguous)
            .filter_map(|c| match c.target {
                Target::Actor(_) => Some((FilterKind::Actor, self.facet_label(c.target)?)),
                Target::Province(_) => Some((FilterKind::Province, self.facet_label(c.target)?)),
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
    fn suggest(&self, kind: FilterKind, key: &str) -> Vec<String> {
        let mut scored: Vec<(f64, String)> = Vec::new();
        for (phrase, claims) in &self.phrases {
            for claim in claims {
                let label = match (kind, claim.target) {
                    (FilterKind::Country, Target::Country(_))
                    | (FilterKind::Province, Target::Province(_) | Target::City(_))
                    | (FilterKind::Actor, Target::Actor(_)) => self.facet_label(claim.target),
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

/// The kinds of filter a user can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// `--province`: a first-level division (or a city inside one).
    Province,
    /// `--country`.
    Country,
    /// `--actor`.
    Actor,
}

impl FilterKind {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            FilterKind::Province => "province",
            FilterKind::Country => "country",
            FilterKind::Actor => "actor",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small gazetteer in the real format.
    pub(crate) fn small() -> Gazetteer {
        let files = SchemaFiles::from_pairs(&[
            (
                "gazetteers/countries.toml",
                r#"
[[country]]
name = "Iraq"
aliases = ["Republic of Iraq", "العراق"]
demonyms = ["Iraqi"]

[[country]]
name = "Syria"
demonyms = ["Syrian"]

[[country]]
name = "Lebanon"

[[country]]
name = "Libya"

[[country]]
name = "United States"
aliases = ["U.S."]
"#,
            ),
            (
                "gazetteers/places/iraq.toml",
                r#"
country = "Iraq"
[[province]]
name = "Nineveh"
kind = "governorate"
aliases = ["Ninawa", "Ninewa", "نينوى"]
cities = ["Mosul", "Tal Afar", "الموصل"]
[[province]]
name = "Anbar"
aliases = ["al-Anbar"]
cities = ["Fallujah", "Ramadi"]
[[province]]
name = "Kirkuk"
"#,
            ),
            (
                "gazetteers/places/syria.toml",
                r#"
country = "Syria"
[[province]]
name = "Hama"
[[province]]
name = "Deir ez-Zor"
aliases = ["Deir al-Zour", "Deir Ezzor"]
"#,
            ),
            (
                "gazetteers/places/lebanon.toml",
                r#"
country = "Lebanon"
[[province]]
name = "North Governorate"
cities = ["Tripoli"]
ambiguous = ["Tripoli"]
"#,
            ),
            (
                "gazetteers/places/libya.toml",
                r#"
country = "Libya"
[[province]]
name = "Tripoli District"
aliases = ["Tripoli"]
ambiguous = ["Tripoli"]
"#,
            ),
            (
                "gazetteers/actors.toml",
                r#"
[[actor]]
name = "Islamic State"
kind = "jihadist group"
aliases = ["ISIS", "ISIL", "Islamic State of Iraq and the Levant", "Daesh", "داعش"]
exact_case = ["IS"]

[[actor]]
name = "Hamas"

[[actor]]
name = "National Security Service (Iraq)"
country = "Iraq"
aliases = ["National Security Agency"]
ambiguous = ["National Security Agency"]

[[actor]]
name = "National Security Agency (United States)"
country = "United States"
aliases = ["National Security Agency", "NSA"]
ambiguous = ["National Security Agency"]
"#,
            ),
        ]);
        Gazetteer::load(&files).expect("test gazetteer loads")
    }

    fn facets(g: &Gazetteer, text: &str) -> (Vec<String>, Vec<String>) {
        let f = g.extract(text, "");
        (f.place_paths(), f.actors)
    }

    #[test]
    fn aliases_resolve_to_one_actor() {
        let g = small();
        for text in [
            "ISIS",
            "ISIL fighters",
            "Islamic State",
            "Daesh cells",
            "خلايا داعش",
            "ISIS’s leader",
        ] {
            assert_eq!(facets(&g, text).1, vec!["Islamic State"], "{text}");
        }
    }

    #[test]
    fn longest_match_wins() {
        let g = small();
        let (places, actors) = facets(&g, "the Islamic State of Iraq and the Levant said");
        assert_eq!(actors, vec!["Islamic State"]);
        assert!(places.is_empty(), "{places:?}");
    }

    #[test]
    fn city_gives_its_province_and_spellings_agree() {
        let g = small();
        assert_eq!(facets(&g, "A bomb in Mosul").0, vec!["Iraq/Nineveh"]);
        assert_eq!(
            facets(&g, "Ninawa and Ninewa and نينوى").0,
            vec!["Iraq/Nineveh"]
        );
        assert_eq!(facets(&g, "in Deir al-Zour").0, vec!["Syria/Deir ez-Zor"]);
        assert_eq!(facets(&g, "in al-Anbar and Iraq").0, vec!["Iraq/Anbar"]);
        assert_eq!(facets(&g, "Iraq’s security").0, vec!["Iraq"]);
    }

    #[test]
    fn hamas_is_not_hama() {
        let g = small();
        let (places, actors) = facets(&g, "Hamas leaders met");
        assert!(places.is_empty());
        assert_eq!(actors, vec!["Hamas"]);
        assert_eq!(facets(&g, "shelling in Hama").0, vec!["Syria/Hama"]);
    }

    #[test]
    fn exact_case_alias_needs_its_case_and_no_shouting() {
        let g = small();
        assert_eq!(facets(&g, "IS claimed the attack").1, vec!["Islamic State"]);
        assert!(facets(&g, "this is it").1.is_empty());
        assert!(facets(&g, "WHY THE WAR IS NOT OVER").1.is_empty());
    }

    #[test]
    fn ambiguous_names_need_their_country() {
        let g = small();
        assert!(facets(&g, "Clashes in Tripoli").0.is_empty());
        assert_eq!(
            facets(&g, "Clashes in Tripoli, Libya").0,
            vec!["Libya/Tripoli District"]
        );
        assert_eq!(
            facets(&g, "The National Security Agency in Iraq").1,
            vec!["National Security Service (Iraq)"]
        );
        assert_eq!(
            facets(&g, "The National Security Agency and the U.S.").1,
            vec!["National Security Agency (United States)"]
        );
    }

    #[test]
    fn ambiguous_name_goes_to_the_country_named_most() {
        let g = small();
        let text =
            "Shelling in Tripoli. Libya's government and forces in Libya; a Lebanon envoy visited.";
        assert_eq!(
            facets(&g, text).0,
            vec!["Libya/Tripoli District", "Lebanon"]
        );
    }

    #[test]
    fn expansion_names_actors_and_provinces_only() {
        let g = small();
        assert_eq!(
            g.expansion("daesh"),
            Some((FilterKind::Actor, "Islamic State".into()))
        );
        assert_eq!(
            g.expansion("Ninawa"),
            Some((FilterKind::Province, "Iraq/Nineveh".into()))
        );
        assert_eq!(g.expansion("Mosul"), None);
        assert_eq!(g.expansion("Iraq"), None);
        assert_eq!(g.expansion("Tripoli"), None);
        assert_eq!(g.expansion("is"), None);
    }

    #[test]
    fn a_capital_speaking_is_its_government_not_the_place() {
        let g = small();
        let (places, _) = facets(&g, "Mosul announced an inquiry into the attack in Ramadi");
        assert_eq!(places, vec!["Iraq/Anbar"]);
        let (places, _) = facets(&g, "Clashes in Mosul; officials said three died");
        assert_eq!(places, vec!["Iraq/Nineveh"]);
        // A place after a preposition is where things happen.
        let (places, _) = facets(
            &g,
            "Security forces in Mosul said they had arrested two men",
        );
        assert_eq!(places, vec!["Iraq/Nineveh"]);
    }

    #[test]
    fn resolve_filter_values() {
        let g = small();
        assert_eq!(
            g.resolve(FilterKind::Province, "ninawa").unwrap(),
            vec!["Iraq/Nineveh"]
        );
        assert_eq!(
            g.resolve(FilterKind::Province, "Iraq/Nineveh").unwrap(),
            vec!["Iraq/Nineveh"]
        );
        assert_eq!(
            g.resolve(FilterKind::Actor, "daesh").unwrap(),
            vec!["Islamic State"]
        );
        assert_eq!(
            g.resolve(FilterKind::Country, "iraqi").unwrap(),
            vec!["Iraq"]
        );
        match g.resolve(FilterKind::Province, "Ninevah") {
            Err(Error::UnknownValue { suggestions, .. }) => {
                assert_eq!(
                    suggestions.first().map(String::as_str),
                    Some("Iraq/Nineveh")
                )
            }
            other => panic!("expected an unknown value, got {other:?}"),
        }
    }

    #[test]
    fn an_ordinary_word_as_alias_needs_a_rule() {
        let files = SchemaFiles::from_pairs(&[
            ("gazetteers/countries.toml", "[[country]]\nname = \"Iraq\"\n"),
            ("gazetteers/common-words.txt", "# words\nhit\nunity\n"),
            (
                "gazetteers/places/iraq.toml",
                "country = \"Iraq\"\n[[province]]\nname = \"Anbar\"\ncities = [\"Hit\", \"Ramadi\"]\n",
            ),
            (
                "gazetteers/actors.toml",
                "[[actor]]\nname = \"Unity Front\"\naliases = [\"Unity\"]\nambiguous = [\"Unity\"]\n",
            ),
        ]);
        let (_, problems) = Gazetteer::load_with_problems(&files).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].message.contains("\"Hit\" of \"Anbar\""),
            "{problems:?}"
        );
        assert_eq!(problems[0].line, Some(4));
    }

    #[test]
    fn duplicate_alias_is_reported_with_file_and_line() {
        let files = SchemaFiles::from_pairs(&[
            ("gazetteers/countries.toml", "[[country]]\nname = \"Iraq\"\n"),
            (
                "gazetteers/actors.toml",
                "[[actor]]\nname = \"A\"\naliases = [\"Shared\"]\n\n[[actor]]\nname = \"B\"\naliases = [\"Shared\"]\n",
            ),
        ]);
        let (_, problems) = Gazetteer::load_with_problems(&files).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("\"B\""));
    }
}
