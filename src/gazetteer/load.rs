//! Loading and validating the gazetteer files: every alias into the trie,
//! every problem (a duplicate alias, an unknown country, an ordinary word
//! used as a name) reported with its file and line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::analyzer;
use crate::error::{Error, Problem, ProblemKind, Result};
use crate::index_schema::SchemaFiles;

use super::format::{ActorsFile, CountriesFile, PlacesFile};
use super::roles::RoleRules;
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

/// Collects entries and aliases while loading, and the problems found on
/// the way.
#[derive(Default)]
struct Builder {
    countries: Vec<Country>,
    provinces: Vec<Province>,
    actors: Vec<Actor>,
    country_index: HashMap<String, usize>,
    phrases: BTreeMap<String, Vec<SourcedClaim>>,
    problems: Vec<Problem>,
}

/// The folded aliases an entry lists under `ambiguous`.
fn folded(list: &[String]) -> HashSet<String> {
    list.iter().map(|a| analyzer::fold_phrase(a)).collect()
}

impl Builder {
    fn problem(&mut self, path: &Path, line: Option<usize>, message: String) {
        self.problems.push(Problem::skipped(
            path,
            line,
            ProblemKind::Gazetteer(message),
        ));
    }

    /// Adds every name in `names` as an alias of `target`, owned by the
    /// entry `owner`.
    fn add_all<'n>(
        &mut self,
        names: impl IntoIterator<Item = &'n Spanned<String>>,
        target: Target,
        ambiguous: &HashSet<String>,
        exact: bool,
        source: (&Path, &str),
        owner: &str,
    ) {
        for name in names {
            let is_ambiguous = ambiguous.contains(&analyzer::fold_phrase(name.get_ref()));
            self.add(name, target, is_ambiguous, exact, source, owner);
        }
    }

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
            self.problem(
                path,
                line,
                format!("alias {alias:?} of {owner:?} has no words"),
            );
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

    /// `countries.toml`: every country, its aliases and demonyms.
    fn countries(&mut self, files: &SchemaFiles) -> Result<()> {
        let (path, text) = files.get("gazetteers/countries.toml")?;
        let parsed: CountriesFile = parse_toml(&path, text)?;
        for entry in parsed.country {
            let i = self.countries.len();
            let name = entry.name.get_ref();
            if self.country_index.insert(name.clone(), i).is_some() {
                let line = line_of(text, &entry.name);
                self.problem(&path, line, format!("country {name:?} is listed twice"));
            }
            let ambiguous = folded(&entry.ambiguous);
            let source = (path.as_path(), text);
            let names = std::iter::once(&entry.name).chain(&entry.aliases);
            self.add_all(names, Target::Country(i), &ambiguous, false, source, name);
            let demonyms = &entry.demonyms;
            self.add_all(
                demonyms,
                Target::Demonym(i),
                &ambiguous,
                false,
                source,
                name,
            );
            self.countries.push(Country {
                name: entry.name.into_inner(),
            });
        }
        Ok(())
    }

    /// `places/*.toml`: the first-level divisions of a country, with their
    /// aliases and cities.
    fn places(&mut self, files: &SchemaFiles) -> Result<()> {
        for (path, text) in files.under("gazetteers/places/") {
            let parsed: PlacesFile = parse_toml(&path, text)?;
            let Some(&country) = self.country_index.get(parsed.country.get_ref()) else {
                let line = line_of(text, &parsed.country);
                let message = format!(
                    "country {:?} is not in countries.toml",
                    parsed.country.get_ref()
                );
                self.problem(&path, line, message);
                continue;
            };
            for entry in parsed.province {
                let i = self.provinces.len();
                let name = entry.name.get_ref();
                let ambiguous = folded(&entry.ambiguous);
                let source = (path.as_path(), text);
                let names = std::iter::once(&entry.name).chain(&entry.aliases);
                self.add_all(names, Target::Province(i), &ambiguous, false, source, name);
                self.add_all(
                    &entry.cities,
                    Target::City(i),
                    &ambiguous,
                    false,
                    source,
                    name,
                );
                self.provinces.push(Province {
                    name: entry.name.into_inner(),
                    country,
                    kind: entry.kind,
                });
            }
        }
        Ok(())
    }

    /// `actors.toml`: armed groups, forces and agencies.
    fn actors(&mut self, files: &SchemaFiles) -> Result<()> {
        let (path, text) = files.get("gazetteers/actors.toml")?;
        let parsed: ActorsFile = parse_toml(&path, text)?;
        for entry in parsed.actor {
            let i = self.actors.len();
            let name = entry.name.get_ref();
            let country = match entry.country.filter(|c| !c.get_ref().is_empty()) {
                None => None,
                Some(spanned) => {
                    let found = self.country_index.get(spanned.get_ref()).copied();
                    if found.is_none() {
                        let line = line_of(text, &spanned);
                        let message = format!(
                            "actor {name:?}: country {:?} is not in countries.toml",
                            spanned.get_ref()
                        );
                        self.problem(&path, line, message);
                    }
                    found
                }
            };
            let ambiguous = folded(&entry.ambiguous);
            let source = (path.as_path(), text);
            let names = std::iter::once(&entry.name).chain(&entry.aliases);
            self.add_all(names, Target::Actor(i), &ambiguous, false, source, name);
            self.add_all(
                &entry.exact_case,
                Target::Actor(i),
                &ambiguous,
                true,
                source,
                name,
            );
            self.actors.push(Actor {
                name: entry.name.into_inner(),
                kind: entry.kind,
                country,
            });
        }
        Ok(())
    }

    /// Ordinary English words make dangerous aliases ("Hit", "Unity"): each
    /// needs a rule that says when it is the name.
    fn check_common_words(&mut self, files: &SchemaFiles) {
        let common: HashSet<&str> = files
            .get(COMMON_WORDS)
            .map(|(_, text)| {
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .collect()
            })
            .unwrap_or_default();
        let mut found = Vec::new();
        for (key, claims) in &self.phrases {
            if key.contains(' ') || !common.contains(key.as_str()) {
                continue;
            }
            for (claim, path, owner, alias, line) in claims {
                if !claim.ambiguous && claim.exact.is_none() {
                    found.push((path.clone(), *line, format!(
                        "alias {alias:?} of {owner:?} is an ordinary English word (gazetteers/common-words.txt); list it under `ambiguous` or `exact_case`, or remove it"
                    )));
                }
            }
        }
        for (path, line, message) in found {
            self.problem(&path, line, message);
        }
    }

    /// An alias claimed by several entries must be marked ambiguous by
    /// every one of them, or the gazetteer cannot tell them apart.
    fn check_shared(&mut self, key: &str, claims: &[SourcedClaim]) {
        let case_free: Vec<_> = claims.iter().filter(|(c, ..)| c.exact.is_none()).collect();
        // Demonyms only give context, so two countries may share one
        // ("Congolese"); the context then stays undecided.
        let all_demonyms = case_free
            .iter()
            .all(|(c, ..)| matches!(c.target, Target::Demonym(_)));
        if case_free.len() < 2 || all_demonyms || case_free.iter().all(|(c, ..)| c.ambiguous) {
            return;
        }
        let [(_, path, owner, _, line), rest @ ..] = case_free.as_slice() else {
            return;
        };
        let others: Vec<String> = rest
            .iter()
            .map(|(_, p, o, _, l)| {
                let file = p
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                let line = l.map(|l| format!(":{l}")).unwrap_or_default();
                format!("{o:?} ({file}{line})")
            })
            .collect();
        let message = format!(
            "alias {key:?} of {owner:?} is also claimed by {}; list it under `ambiguous` in every entry that claims it",
            others.join(", ")
        );
        self.problem(path, *line, message);
    }

    /// The gazetteer: every alias checked and put into the trie of folded
    /// words.
    fn finish(mut self) -> (Gazetteer, Vec<Problem>) {
        let mut phrases: HashMap<String, Vec<Claim>> = HashMap::new();
        let mut trie: Vec<Node> = vec![Node::default()];
        for (key, claims) in std::mem::take(&mut self.phrases) {
            self.check_shared(&key, &claims);
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
        let gazetteer = Gazetteer {
            countries: self.countries,
            provinces: self.provinces,
            actors: self.actors,
            trie,
            phrases,
            roles: RoleRules::default(),
        };
        (gazetteer, self.problems)
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
        let mut builder = Builder::default();
        builder.countries(files)?;
        builder.places(files)?;
        builder.actors(files)?;
        builder.check_common_words(files);
        let (mut gazetteer, problems) = builder.finish();
        gazetteer.roles = RoleRules::load(files)?;
        Ok((gazetteer, problems))
    }
}
