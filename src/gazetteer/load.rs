//! Loading and validating the gazetteer files: every alias into the trie,
//! every problem (a duplicate alias, an unknown country, an ordinary word
//! used as a name) reported with its file and line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::analyzer;
use crate::error::{Error, Problem, Result};
use crate::index_schema::SchemaFiles;

use super::format::{ActorsFile, CountriesFile, PlacesFile};
use super::{Actor, Claim, Country, Gazetteer, Node, Province, Target};

/// The list of ordinary English words, relative to `index-schema/`.
const COMMON_WORDS: &str = "gazetteers/common-words.txt";

/// The 1-based line of the byte at `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// The line of a value read with its place in `text`.
fn line_of<T>(text: &str, value: &Spanned<T>) -> Option<usize> {
    Some(line_at(text, value.span().start))
}

fn parse_toml<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|err| {
        let line = err.span().map(|span| line_at(text, span.start));
        Error::data(path, line, err.message().to_owned())
    })
}

/// A claim on an alias while loading: the claim, the file it was made
/// in, the entry that made it, the alias as written and its line.
type SourcedClaim = (Claim, PathBuf, String, String, Option<usize>);

/// Collects aliases while loading, and the problems found on the way.
struct Builder {
    phrases: BTreeMap<String, Vec<SourcedClaim>>,
    problems: Vec<Problem>,
}

impl Builder {
    fn add(
        &mut self,
        alias: &Spanned<String>,
        target: Target,
        ambiguous: bool,
        exact: bool,
        (path, source): (&Path, &str),
        owner: &str,
    ) {
        let line = line_of(source, alias);
        let alias = alias.get_ref();
        let key = analyzer::fold_phrase(alias);
        if key.is_empty() {
            self.problems.push(Problem::skipped(
                path,
                line,
                format!("alias {alias:?} of {owner:?} has no words"),
            ));
            return;
        }
        let exact = exact.then(|| analyzer::words(alias).map(|(_, w)| w.to_owned()).collect());
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
            line,
        ));
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
            let name = entry.name.get_ref();
            if country_index.insert(name.clone(), i).is_some() {
                b.problems.push(Problem::skipped(
                    &cpath,
                    line_of(ctext, &entry.name),
                    format!("country {name:?} is listed twice"),
                ));
            }
            let amb: HashSet<String> = entry
                .ambiguous
                .iter()
                .map(|a| analyzer::fold_phrase(a))
                .collect();
            let is_amb = |a: &Spanned<String>| amb.contains(&analyzer::fold_phrase(a.get_ref()));
            for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                b.add(
                    alias,
                    Target::Country(i),
                    is_amb(alias),
                    false,
                    (&cpath, ctext),
                    name,
                );
            }
            for demonym in &entry.demonyms {
                b.add(
                    demonym,
                    Target::Demonym(i),
                    is_amb(demonym),
                    false,
                    (&cpath, ctext),
                    name,
                );
            }
            countries.push(Country {
                name: entry.name.into_inner(),
            });
        }

        for (ppath, ptext) in files.under("gazetteers/places/") {
            let parsed: PlacesFile = parse_toml(&ppath, ptext)?;
            let Some(&country) = country_index.get(parsed.country.get_ref()) else {
                b.problems.push(Problem::skipped(
                    &ppath,
                    line_of(ptext, &parsed.country),
                    format!(
                        "country {:?} is not in countries.toml",
                        parsed.country.get_ref()
                    ),
                ));
                continue;
            };
            for entry in parsed.province {
                let i = provinces.len();
                let name = entry.name.get_ref();
                let amb: HashSet<String> = entry
                    .ambiguous
                    .iter()
                    .map(|a| analyzer::fold_phrase(a))
                    .collect();
                let is_amb =
                    |a: &Spanned<String>| amb.contains(&analyzer::fold_phrase(a.get_ref()));
                for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                    b.add(
                        alias,
                        Target::Province(i),
                        is_amb(alias),
                        false,
                        (&ppath, ptext),
                        name,
                    );
                }
                for city in &entry.cities {
                    b.add(
                        city,
                        Target::City(i),
                        is_amb(city),
                        false,
                        (&ppath, ptext),
                        name,
                    );
                }
                provinces.push(Province {
                    name: entry.name.into_inner(),
                    country,
                    kind: entry.kind,
                });
            }
        }

        let (apath, atext) = files.get("gazetteers/actors.toml")?;
        let parsed: ActorsFile = parse_toml(&apath, atext)?;
        for entry in parsed.actor {
            let i = actors.len();
            let name = entry.name.get_ref();
            let country = match entry.country.filter(|c| !c.get_ref().is_empty()) {
                None => None,
                Some(spanned) => {
                    let found = country_index.get(spanned.get_ref()).copied();
                    if found.is_none() {
                        b.problems.push(Problem::skipped(
                            &apath,
                            line_of(atext, &spanned),
                            format!(
                                "actor {name:?}: country {:?} is not in countries.toml",
                                spanned.get_ref()
                            ),
                        ));
                    }
                    found
                }
            };
            let amb: HashSet<String> = entry
                .ambiguous
                .iter()
                .map(|a| analyzer::fold_phrase(a))
                .collect();
            let is_amb = |a: &Spanned<String>| amb.contains(&analyzer::fold_phrase(a.get_ref()));
            for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                b.add(
                    alias,
                    Target::Actor(i),
                    is_amb(alias),
                    false,
                    (&apath, atext),
                    name,
                );
            }
            for alias in &entry.exact_case {
                b.add(
                    alias,
                    Target::Actor(i),
                    is_amb(alias),
                    true,
                    (&apath, atext),
                    name,
                );
            }
            actors.push(Actor {
                name: entry.name.into_inner(),
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
            for (claim, path, owner, alias, line) in claims {
                if claim.ambiguous || claim.exact.is_some() {
                    continue;
                }
                b.problems.push(Problem::skipped(
                    path,
                    *line,
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
                let [(_, path, owner, _, line), rest @ ..] = case_free.as_slice() else {
                    continue;
                };
                let others: Vec<String> = rest
                    .iter()
                    .map(|(_, p, o, _, l)| {
                        format!(
                            "{:?} ({}{})",
                            o,
                            p.file_name()
                                .map(|n| n.to_string_lossy())
                                .unwrap_or_default(),
                            l.map(|l| format!(":{l}")).unwrap_or_default()
                        )
                    })
                    .collect();
                b.problems.push(Problem::skipped(
                    path,
                    *line,
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
}
