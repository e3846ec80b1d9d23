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

use super::forces::{self, ACTOR_KINDS, REGIONS};
use super::format::{ActorsFile, CountriesFile, ForcesFile, PlacesFile, RegionsFile};
use super::roles::RoleRules;
use super::{Actor, Claim, Country, Gazetteer, Node, Province, Region, Target};

/// The list of ordinary English words, relative to `index-schema/`.
const COMMON_WORDS: &str = "gazetteers/common-words.txt";

/// The force nouns of the generated state forces, relative to
/// `index-schema/`; without it no state forces are generated.
const FORCES: &str = "gazetteers/forces.toml";

/// The named groups of countries and provinces, relative to
/// `index-schema/`; without it there are no regions.
const REGIONS_FILE: &str = "gazetteers/regions.toml";

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
    /// Each country's aliases, demonyms and ambiguous names, for the
    /// generated state forces.
    country_names: Vec<CountryNames>,
    phrases: BTreeMap<String, Vec<SourcedClaim>>,
    /// Each actor's `parent` as written, with its file and text.
    parents: Vec<(usize, Spanned<String>, PathBuf, Option<usize>)>,
    /// The line of each actor's entry, for problems with its place in
    /// the hierarchy.
    actor_lines: HashMap<usize, (PathBuf, Option<usize>)>,
    /// The explicit entry standing for a country's branch of state forces
    /// (`forces = "military"`): (country, branch) → actor.
    designated: HashMap<(usize, String), usize>,
    regions: Vec<Region>,
    /// Folded region name or alias → region.
    region_names: HashMap<String, usize>,
    /// Member path → regions.
    region_members: HashMap<String, Vec<usize>>,
    problems: Vec<Problem>,
}

/// A country's names as `countries.toml` lists them.
#[derive(Default)]
struct CountryNames {
    aliases: Vec<String>,
    demonyms: Vec<String>,
    ambiguous: Vec<String>,
}

/// A generated alias waiting for the explicit ones: its target, whether
/// it is ambiguous, the alias as written, and the line of its noun.
type GeneratedClaim = (Target, bool, String, Option<usize>);

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
            self.country_names.push(CountryNames {
                aliases: entry.aliases.iter().map(|a| a.get_ref().clone()).collect(),
                demonyms: entry.demonyms.iter().map(|d| d.get_ref().clone()).collect(),
                ambiguous: entry.ambiguous.clone(),
            });
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

    /// `regions.toml`, if there is one: each region's names, and its
    /// members checked against the countries and provinces loaded.
    fn regions(&mut self, files: &SchemaFiles) -> Result<()> {
        if files.get(REGIONS_FILE).is_err() {
            return Ok(());
        }
        let (path, text) = files.get(REGIONS_FILE)?;
        let parsed: RegionsFile = parse_toml(&path, text)?;
        let known: HashSet<String> = self
            .countries
            .iter()
            .map(|c| c.name.clone())
            .chain(self.provinces.iter().filter_map(|p| {
                let country = self.countries.get(p.country)?;
                Some(format!("{}/{}", country.name, p.name))
            }))
            .collect();
        for entry in parsed.region {
            let i = self.regions.len();
            let name = entry.name.get_ref().clone();
            if name.trim().is_empty() || name.contains('/') {
                let message =
                    format!("region {name:?}: a name needs words and may not contain `/`");
                self.problem(&path, line_of(text, &entry.name), message);
            }
            for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                let key = analyzer::fold_phrase(alias.get_ref());
                let line = line_of(text, alias);
                if key.is_empty() {
                    let message =
                        format!("region {name:?}: alias {:?} has no words", alias.get_ref());
                    self.problem(&path, line, message);
                    continue;
                }
                match self.region_names.get(&key) {
                    Some(&other) if other != i => {
                        let other = self.regions.get(other).map(|r| r.name.clone());
                        let message = format!(
                            "region {name:?}: alias {:?} is also a name of region {}",
                            alias.get_ref(),
                            other.map(|o| format!("{o:?}")).unwrap_or_default()
                        );
                        self.problem(&path, line, message);
                    }
                    _ => {
                        self.region_names.insert(key, i);
                    }
                }
            }
            if entry.members.is_empty() {
                let message = format!("region {name:?} has no members");
                self.problem(&path, line_of(text, &entry.name), message);
            }
            let mut members = Vec::new();
            for member in &entry.members {
                let value = member.get_ref();
                if !known.contains(value) {
                    let message = match value.split_once('/') {
                        Some((country, province)) => format!(
                            "region {name:?}: member {value:?}: there is no province {province:?} of {country:?} in places/ (write Country/Province with their canonical names)"
                        ),
                        None => format!(
                            "region {name:?}: member {value:?} is not a country in countries.toml (write a province as Country/Province)"
                        ),
                    };
                    self.problem(&path, line_of(text, member), message);
                    continue;
                }
                if members.contains(value) {
                    let message = format!("region {name:?}: member {value:?} is listed twice");
                    self.problem(&path, line_of(text, member), message);
                    continue;
                }
                self.region_members
                    .entry(value.clone())
                    .or_default()
                    .push(i);
                members.push(value.clone());
            }
            self.regions.push(Region { name, members });
        }
        Ok(())
    }

    /// `actors.toml`: armed groups, forces, agencies and organisations,
    /// each checked for its kind, region, years and branch.
    fn actors(&mut self, files: &SchemaFiles, branches: &[String]) -> Result<()> {
        let (path, text) = files.get("gazetteers/actors.toml")?;
        let parsed: ActorsFile = parse_toml(&path, text)?;
        for entry in parsed.actor {
            let i = self.actors.len();
            let name = entry.name.get_ref().clone();
            let name_line = line_of(text, &entry.name);
            if name.contains('/') {
                let message = format!(
                    "actor {name:?}: a name may not contain `/`, which separates the names of a facet path"
                );
                self.problem(&path, name_line, message);
            }
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
            let kind = entry.kind.map(|k| (line_of(text, &k), k.into_inner()));
            if let Some((line, kind)) = &kind {
                if !ACTOR_KINDS.contains(&kind.as_str()) {
                    let message = format!(
                        "actor {name:?}: kind {kind:?} is not one of {}",
                        ACTOR_KINDS.join(", ")
                    );
                    self.problem(&path, *line, message);
                }
            }
            let kind = kind.map(|(_, k)| k).unwrap_or_default();
            let region = match entry.region {
                None => String::new(),
                Some(region) => {
                    if !REGIONS.contains(&region.get_ref().as_str()) {
                        let message = format!(
                            "actor {name:?}: region {:?} is not one of {}",
                            region.get_ref(),
                            REGIONS.join(", ")
                        );
                        self.problem(&path, line_of(text, &region), message);
                    }
                    region.into_inner()
                }
            };
            let active = match entry.active {
                None => None,
                Some(active) => match forces::parse_active(active.get_ref()) {
                    Ok(years) => Some(years),
                    Err(why) => {
                        self.problem(
                            &path,
                            line_of(text, &active),
                            format!("actor {name:?}: {why}"),
                        );
                        None
                    }
                },
            };
            if let Some(branch) = entry.forces {
                self.designate(i, &name, &kind, country, &branch, branches, (&path, text));
            }
            if let Some(parent) = entry.parent {
                let line = line_of(text, &parent);
                self.parents.push((i, parent, path.clone(), line));
            }
            self.actor_lines.insert(i, (path.clone(), name_line));
            let ambiguous = folded(&entry.ambiguous);
            let source = (path.as_path(), text);
            let names = std::iter::once(&entry.name).chain(&entry.aliases);
            self.add_all(names, Target::Actor(i), &ambiguous, false, source, &name);
            self.add_all(
                &entry.exact_case,
                Target::Actor(i),
                &ambiguous,
                true,
                source,
                &name,
            );
            self.actors.push(Actor {
                path: name.clone(),
                name,
                kind,
                country,
                parent: None,
                active,
                region,
                generated: false,
            });
        }
        Ok(())
    }

    /// Records that actor `i` stands for its country's `branch` of state
    /// forces (`forces = "military"`), after checking it can.
    #[allow(clippy::too_many_arguments)]
    fn designate(
        &mut self,
        i: usize,
        name: &str,
        kind: &str,
        country: Option<usize>,
        branch: &Spanned<String>,
        branches: &[String],
        (path, text): (&Path, &str),
    ) {
        // Without forces.toml nothing is generated to stand for.
        if branches.is_empty() {
            return;
        }
        let line = line_of(text, branch);
        let branch = branch.get_ref();
        let why = if !branches.contains(branch) {
            Some(format!(
                "forces {branch:?} is not a branch in forces.toml ({})",
                branches.join(", ")
            ))
        } else if country.is_none() {
            Some(format!("forces {branch:?} needs the actor's country"))
        } else if !forces::is_state_kind(kind) {
            Some(format!(
                "forces {branch:?} is for a state force, police or intelligence service, not {kind:?}"
            ))
        } else {
            None
        };
        if let Some(why) = why {
            self.problem(path, line, format!("actor {name:?}: {why}"));
            return;
        }
        if let Some(c) = country {
            let key = (c, branch.clone());
            if let Some(&other) = self.designated.get(&key) {
                let other = self.actors.get(other).map(|a| a.name.clone());
                let message = format!(
                    "actor {name:?}: {other:?} already stands for this country's {branch:?}"
                );
                self.problem(path, line, message);
            } else {
                self.designated.insert(key, i);
            }
        }
    }

    /// The names of the branches `forces.toml` defines, read before the
    /// actors so an entry's `forces` can be checked.
    fn branch_names(files: &SchemaFiles) -> Result<Option<ForcesFile>> {
        if files.get(FORCES).is_err() {
            return Ok(None);
        }
        let (path, text) = files.get(FORCES)?;
        parse_toml(&path, text).map(Some)
    }

    /// The state forces of every country, from `forces.toml`: `<Country>
    /// state forces` and under it one actor per branch (`<Country>
    /// military`…), unless an entry of `actors.toml` stands for that
    /// branch. Their aliases are each of the country's names followed by
    /// each of the branch's nouns; an alias an entry of the gazetteers
    /// already claims stays that entry's alone.
    fn generate_forces(&mut self, files: &SchemaFiles, parsed: &ForcesFile) -> Result<()> {
        let (path, text) = files.get(FORCES)?;
        for entry in std::iter::once(&parsed.root).chain(&parsed.branch) {
            let kind = entry.kind.get_ref();
            if !ACTOR_KINDS.contains(&kind.as_str()) {
                let message = format!("kind {kind:?} is not one of {}", ACTOR_KINDS.join(", "));
                self.problem(&path, line_of(text, &entry.kind), message);
            }
            if entry.name.get_ref().contains('/') {
                let message = format!("name {:?} may not contain `/`", entry.name.get_ref());
                self.problem(&path, line_of(text, &entry.name), message);
            }
        }
        let mut by_name: HashMap<String, usize> = self
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        let mut generated: BTreeMap<String, Vec<GeneratedClaim>> = BTreeMap::new();
        for (c, names) in self.country_names.iter().enumerate() {
            let Some(country) = self.countries.get(c) else {
                continue;
            };
            let prefixes = forces::force_prefixes(
                &country.name,
                &names.aliases,
                &names.demonyms,
                &names.ambiguous,
            );
            let mut root = None;
            for (k, entry) in std::iter::once(&parsed.root)
                .chain(&parsed.branch)
                .enumerate()
            {
                let name = format!("{} {}", country.name, entry.name.get_ref());
                let branch = entry.name.get_ref().clone();
                let target = match self.designated.get(&(c, branch)).filter(|_| k > 0) {
                    Some(&explicit) => explicit,
                    None => match by_name.get(&name) {
                        Some(&existing) => existing,
                        None => {
                            let i = self.actors.len();
                            self.actors.push(Actor {
                                path: name.clone(),
                                name: name.clone(),
                                kind: entry.kind.get_ref().clone(),
                                country: Some(c),
                                parent: if k > 0 { root } else { None },
                                active: None,
                                region: String::new(),
                                generated: true,
                            });
                            by_name.insert(name.clone(), i);
                            i
                        }
                    },
                };
                if k == 0 {
                    root = Some(target);
                }
                // The generated name is an alias too, of the entry that
                // stands for the branch when there is one.
                generated
                    .entry(analyzer::fold_phrase(&name))
                    .or_default()
                    .push((
                        Target::Actor(target),
                        false,
                        name.clone(),
                        line_of(text, &entry.name),
                    ));
                for noun in &entry.nouns {
                    for (prefix, ambiguous) in &prefixes {
                        let alias = format!("{prefix} {}", noun.get_ref());
                        generated
                            .entry(analyzer::fold_phrase(&alias))
                            .or_default()
                            .push((
                                Target::Actor(target),
                                *ambiguous,
                                alias,
                                line_of(text, noun),
                            ));
                    }
                }
            }
        }
        for (key, mut claims) in generated {
            // Explicit entries keep their names.
            if key.is_empty() || self.phrases.contains_key(&key) {
                continue;
            }
            claims.sort_by_key(|c| c.0);
            claims.dedup_by_key(|c| c.0);
            // A demonym two countries share ("Congolese") names the forces
            // of whichever the article is about.
            let shared = claims.len() > 1;
            let entry = self.phrases.entry(key).or_default();
            for (target, ambiguous, alias, line) in claims {
                let owner = match target {
                    Target::Actor(a) => self.actors.get(a).map(|a| a.name.clone()),
                    _ => None,
                }
                .unwrap_or_default();
                entry.push((
                    Claim {
                        target,
                        ambiguous: ambiguous || shared,
                        exact: None,
                    },
                    path.clone(),
                    owner,
                    alias,
                    line,
                ));
            }
        }
        // Named forces go under their country's state forces.
        let roots: HashMap<usize, usize> = self
            .countries
            .iter()
            .enumerate()
            .filter_map(|(c, country)| {
                let name = format!("{} {}", country.name, parsed.root.name.get_ref());
                Some((c, *by_name.get(&name)?))
            })
            .collect();
        let explicit_parents: HashSet<usize> = self.parents.iter().map(|(i, ..)| *i).collect();
        for (i, actor) in self.actors.iter_mut().enumerate() {
            if actor.generated
                || explicit_parents.contains(&i)
                || !forces::is_state_kind(&actor.kind)
            {
                continue;
            }
            if let Some(&root) = actor.country.and_then(|c| roots.get(&c)) {
                if root != i {
                    actor.parent = Some(root);
                }
            }
        }
        Ok(())
    }

    /// Every actor's `parent` found by name, cycles broken, and every
    /// actor's facet path written from the root down.
    fn hierarchy(&mut self) {
        let by_name: HashMap<String, usize> = self
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        let parents = std::mem::take(&mut self.parents);
        let mut lines: HashMap<usize, (PathBuf, Option<usize>)> = HashMap::new();
        for (i, parent, path, line) in parents {
            let name = self
                .actors
                .get(i)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            match by_name.get(parent.get_ref()) {
                Some(&p) if p == i => {
                    self.problem(&path, line, format!("actor {name:?} is its own parent"));
                }
                Some(&p) => {
                    if let Some(actor) = self.actors.get_mut(i) {
                        actor.parent = Some(p);
                    }
                    lines.insert(i, (path, line));
                }
                None => {
                    let message = format!(
                        "actor {name:?}: parent {:?} is not the name of an actor",
                        parent.get_ref()
                    );
                    self.problem(&path, line, message);
                }
            }
        }
        // An actor whose parents lead back to itself is in a cycle: each
        // is reported once, on its `parent` line, and cut loose.
        let n = self.actors.len();
        let mut in_cycle = Vec::new();
        for start in 0..n {
            let mut at = self.actors.get(start).and_then(|a| a.parent);
            for _ in 0..n {
                match at {
                    Some(p) if p == start => {
                        in_cycle.push(start);
                        break;
                    }
                    Some(p) => at = self.actors.get(p).and_then(|a| a.parent),
                    None => break,
                }
            }
        }
        for &i in &in_cycle {
            let name = self
                .actors
                .get(i)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            let (path, line) = lines
                .get(&i)
                .or_else(|| self.actor_lines.get(&i))
                .cloned()
                .unwrap_or_default();
            self.problem(
                &path,
                line,
                format!("actor {name:?}: its parents lead back to itself"),
            );
        }
        for &i in &in_cycle {
            if let Some(actor) = self.actors.get_mut(i) {
                actor.parent = None;
            }
        }
        for i in 0..n {
            let mut names = Vec::new();
            let mut at = Some(i);
            while let Some(a) = at.and_then(|a| self.actors.get(a)) {
                names.push(a.name.as_str());
                at = a.parent;
                if names.len() > n {
                    break;
                }
            }
            names.reverse();
            let path = names.join("/");
            if let Some(actor) = self.actors.get_mut(i) {
                actor.path = path;
            }
        }
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
            // Collected in place, the vector keeps the allocation of the
            // sourced claims, almost three times its size, for the whole
            // run (heaptrack, a run over an empty folder: 75 MB of heap at
            // the peak before, 50 MB after).
            let mut claims: Vec<Claim> = claims.into_iter().map(|(c, ..)| c).collect();
            claims.shrink_to_fit();
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
            regions: self.regions,
            region_names: self.region_names,
            region_members: self.region_members,
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
        builder.regions(files)?;
        let forces_file = Builder::branch_names(files)?;
        let branches: Vec<String> = forces_file
            .iter()
            .flat_map(|f| f.branch.iter().map(|b| b.name.get_ref().clone()))
            .collect();
        builder.actors(files, &branches)?;
        if let Some(parsed) = &forces_file {
            builder.generate_forces(files, parsed)?;
        }
        builder.hierarchy();
        builder.check_common_words(files);
        let (mut gazetteer, problems) = builder.finish();
        gazetteer.roles = RoleRules::load(files)?;
        Ok((gazetteer, problems))
    }
}
