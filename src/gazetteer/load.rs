//! Loading and validating the gazetteer files: every alias into the trie,
//! every problem (a duplicate alias, an unknown country, an ordinary word
//! used as a name) reported with its file and line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::analyzer;
use crate::error::{Error, Problem, Result};
use crate::index_schema::SchemaFiles;

use super::format::{ActorsFile, CountriesFile, PlacesFile};
use super::{Actor, Claim, Country, Gazetteer, Node, Province, Target};

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
        let key = analyzer::fold_phrase(alias);
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
                .map(|a| analyzer::fold_phrase(a))
                .collect();
            let is_amb = |a: &str| amb.contains(&analyzer::fold_phrase(a));
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
                    .map(|a| analyzer::fold_phrase(a))
                    .collect();
                let is_amb = |a: &str| amb.contains(&analyzer::fold_phrase(a));
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
                .map(|a| analyzer::fold_phrase(a))
                .collect();
            let is_amb = |a: &str| amb.contains(&analyzer::fold_phrase(a));
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
}
