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
//! Matching works on the words of [`crate::analyzer`], folded but not stemmed,
//! longest alias first, so `Islamic State of Iraq and the Levant` is one
//! actor and `Hamas` is never `Hama`.

pub mod extract;
mod forces;
mod format;
mod load;
mod matcher;
mod resolve;
mod roles;
pub mod table;

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::fields::FacetKind;

pub use forces::{is_armed, ACTOR_KINDS, REGIONS};

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

/// An armed group, state force, agency or organisation.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Canonical name: the last segment of its facet path.
    pub name: String,
    /// One of [`ACTOR_KINDS`] (jihadist group, state force, militia…), or
    /// empty when the entry gives none.
    pub kind: String,
    /// The home country, if the actor belongs to one.
    pub country: Option<usize>,
    /// The actor it belongs to, by index into [`Gazetteer::actors`]:
    /// its `parent` in `actors.toml`, else for a state force, police or
    /// intelligence service with a country that country's generated
    /// `<Country> state forces`.
    pub parent: Option<usize>,
    /// The facet value: the canonical names from the root down, joined by
    /// `/` (`Islamic State/Islamic State West Africa Province`).
    pub path: String,
    /// The years it was active: the first, and the last unless it still
    /// is (`active = "2014-"`).
    pub active: Option<(u16, Option<u16>)>,
    /// One of [`REGIONS`], or empty when the entry gives none.
    pub region: String,
    /// Whether it was generated from `forces.toml` rather than listed in
    /// `actors.toml`.
    pub generated: bool,
}

/// A named group of countries and provinces (`regions.toml`): the Sahel,
/// Darfur, the Kurdistan Region.
#[derive(Debug, Clone)]
pub struct Region {
    /// Canonical name: the facet value `/Name`.
    pub name: String,
    /// Its countries (`Mali`) and provinces (`Sudan/North Darfur`), as
    /// facet paths, in the file's order.
    pub members: Vec<String>,
}

impl Actor {
    /// Whether it was active at some time in the years `from..=to`;
    /// false when its years are not known.
    pub fn active_between(&self, from: u16, to: u16) -> bool {
        self.active
            .is_some_and(|years| forces::active_within(years, from, to))
    }
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
}

/// What a mention does in its article: only `Event` mentions say where
/// the reported events happen or who takes part, and only they fill the
/// `province`, `country` and `actor` facets. Every role stays searchable
/// in the `mentioned_*` facets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Where the reported events happen, or who takes part.
    Event,
    /// The place of the dateline ("NAIROBI (Conflict Wire) -").
    Dateline,
    /// A capital or country used for its government ("Moscow said").
    Attribution,
    /// Part of a modifier or affiliation ("Iran-backed", "anti-Taliban").
    Modifier,
    /// A distance, border or direction ("60 km north of Baghdad").
    Reference,
    /// Only inside quoted speech.
    Quote,
    /// Ruled out or denied ("Boko Haram was ruled out").
    Negated,
    /// In a clause about an earlier period ("ISIS lost Mosul in 2017").
    Background,
    /// A venue of refugees or talks ("fled to Bangladesh").
    Destination,
    /// Inside a person's, people's or organisation's name.
    NamePart,
}

impl Role {
    /// Every role, in the order `--explain` and the docs list them.
    pub const ALL: [Role; 10] = [
        Role::Event,
        Role::Dateline,
        Role::Attribution,
        Role::Modifier,
        Role::Reference,
        Role::Quote,
        Role::Negated,
        Role::Background,
        Role::Destination,
        Role::NamePart,
    ];

    /// The role's name as written in `index-schema/` and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Role::Event => "event",
            Role::Dateline => "dateline",
            Role::Attribution => "attribution",
            Role::Modifier => "modifier",
            Role::Reference => "reference",
            Role::Quote => "quote",
            Role::Negated => "negated",
            Role::Background => "background",
            Role::Destination => "destination",
            Role::NamePart => "name-part",
        }
    }

    /// The role named `name`, if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One resolved mention with its role, for `extract --json` and
/// `--explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoledMention {
    /// `province`, `country` or `actor`.
    pub kind: FacetKind,
    /// The facet value: `Country/Province`, `Country`, or the actor's path.
    pub value: String,
    /// What the mention does in the article.
    pub role: Role,
    /// Byte offset in the title (when `in_title`) or the body.
    pub offset: usize,
    /// Whether the mention is in the title.
    pub in_title: bool,
    /// The rule that decided the role (`title`, `speech verb "said"`…).
    pub rule: String,
    /// The words as written.
    pub text: String,
}

/// The facet values of one article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Event places: `(country, Some(province))` or `(country, None)` for
    /// a country with none of its provinces; in order of first mention.
    pub places: Vec<(String, Option<String>)>,
    /// Event actors as paths (`Parent/Child`), in order of first mention.
    pub actors: Vec<String>,
    /// The kinds of the event actors (`jihadist group`…), each once.
    pub actor_kinds: Vec<String>,
    /// The regions of the event places (`Darfur`…), each once, in the
    /// order of `regions.toml`.
    pub regions: Vec<String>,
    /// Every place mentioned, whatever its role, as `places`.
    pub mentioned_places: Vec<(String, Option<String>)>,
    /// Every actor mentioned, whatever its role, as `actors`.
    pub mentioned_actors: Vec<String>,
    /// Each resolved mention with its role, in text order (title first).
    pub mentions: Vec<RoledMention>,
}

impl Facets {
    /// The event places as `Country/Province` or `Country` strings.
    pub fn place_paths(&self) -> Vec<String> {
        paths(&self.places)
    }

    /// Every mentioned place as `Country/Province` or `Country` strings.
    pub fn mentioned_place_paths(&self) -> Vec<String> {
        paths(&self.mentioned_places)
    }
}

fn paths(places: &[(String, Option<String>)]) -> Vec<String> {
    places
        .iter()
        .map(|(c, p)| match p {
            Some(p) => format!("{c}/{p}"),
            None => c.clone(),
        })
        .collect()
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
    /// Its role, when it resolved to a facet value.
    pub role: Option<Role>,
    /// The rule that decided the role.
    pub rule: String,
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
    /// Every region of `regions.toml` (none without the file).
    pub regions: Vec<Region>,
    /// Folded region name or alias → region, for filter values only:
    /// region names are never looked for in article text.
    region_names: HashMap<String, usize>,
    /// A member's facet path → the regions it belongs to.
    region_members: HashMap<String, Vec<usize>>,
    /// The aliases as a trie of folded words; node 0 is the root. (Fx
    /// hashing: the root lookup runs for every word of every article.)
    trie: Vec<Node>,
    /// Folded alias phrase → claims: for resolving filter values.
    phrases: HashMap<String, Vec<Claim>>,
    /// The word lists of the role rules (`roles.toml`).
    roles: roles::RoleRules,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::error::Error;
    use crate::fields::FacetKind;
    use crate::index_schema::SchemaFiles;

    /// A small gazetteer in the real format.
    pub(crate) fn small() -> Gazetteer {
        let files = SchemaFiles::from_pairs(&[
            (
                "gazetteers/roles.toml",
                include_str!("../../index-schema/gazetteers/roles.toml"),
            ),
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
                "gazetteers/regions.toml",
                r#"
[[region]]
name = "Northern Iraq"
aliases = ["North Iraq"]
members = ["Iraq/Nineveh", "Iraq/Kirkuk"]

[[region]]
name = "Levant"
aliases = ["Bilad al-Sham"]
members = ["Syria", "Lebanon"]
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
        let f = g.extract("", text, None);
        (f.place_paths(), f.actors)
    }

    #[test]
    fn the_claims_of_each_phrase_hold_no_spare_capacity() {
        // Held for a whole run: the gazetteers are loaded once per process.
        let g = small();
        assert!(!g.phrases.is_empty());
        for (phrase, claims) in &g.phrases {
            assert_eq!(claims.capacity(), claims.len(), "{phrase}");
        }
        for node in &g.trie {
            assert_eq!(node.claims.capacity(), node.claims.len());
        }
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
            "Shelling in Tripoli. Clashes in Libya and forces in Libya; a ship was seized off Lebanon.";
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
            Some((FacetKind::Actor, "Islamic State".into()))
        );
        assert_eq!(
            g.expansion("Ninawa"),
            Some((FacetKind::Province, "Iraq/Nineveh".into()))
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
            g.resolve(FacetKind::Province, "ninawa").unwrap(),
            vec!["Iraq/Nineveh"]
        );
        assert_eq!(
            g.resolve(FacetKind::Province, "Iraq/Nineveh").unwrap(),
            vec!["Iraq/Nineveh"]
        );
        assert_eq!(
            g.resolve(FacetKind::Actor, "daesh").unwrap(),
            vec!["Islamic State"]
        );
        assert_eq!(
            g.resolve(FacetKind::Country, "iraqi").unwrap(),
            vec!["Iraq"]
        );
        match g.resolve(FacetKind::Province, "Ninevah") {
            Err(Error::UnknownValue { suggestions, .. }) => {
                assert_eq!(
                    suggestions.first().map(String::as_str),
                    Some("Iraq/Nineveh")
                )
            }
            other => panic!("expected an unknown value, got {other:?}"),
        }
    }

    /// Suggestions as first written: every alias of the kind scored.
    fn suggest_by_scoring_all(g: &Gazetteer, kind: FacetKind, key: &str) -> Vec<String> {
        let mut scored: Vec<(f64, String)> = Vec::new();
        for (phrase, claims) in &g.phrases {
            for claim in claims {
                let label = match (kind, claim.target) {
                    (FacetKind::Country, Target::Country(_))
                    | (FacetKind::Province, Target::Province(_) | Target::City(_))
                    | (FacetKind::Actor, Target::Actor(_)) => g.facet_label(claim.target),
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

    #[test]
    fn suggestions_are_those_of_scoring_every_alias() {
        let files = SchemaFiles::read_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema"),
        )
        .expect("index-schema");
        let real = Gazetteer::load(&files).expect("gazetteers load");
        let small = small();
        let mut compared = 0;
        let mut suggested = 0;
        // Every alias of the small gazetteer, a dozen of the real one (its
        // generated state forces made it 40,000 phrases, each scored for
        // every key here).
        let real_step = (real.phrases.len() / 12).max(1);
        for (g, step) in [(&small, 1), (&real, real_step)] {
            let mut phrases: Vec<&String> = g.phrases.keys().collect();
            phrases.sort();
            for key in misspellings(phrases.into_iter().step_by(step)).chain(
                [
                    "",
                    "x",
                    "ninevah",
                    "ninawwa",
                    "isi",
                    "year 2010 to 2020",
                    "the mosul title province nosuchfield",
                    "الموص",
                    "🙂",
                    "mosul mosul mosul mosul mosul mosul mosul mosul mosul",
                ]
                .map(str::to_owned),
            ) {
                for kind in [FacetKind::Province, FacetKind::Country, FacetKind::Actor] {
                    let want = suggest_by_scoring_all(g, kind, &key);
                    assert_eq!(g.suggest(kind, &key), want, "{kind:?} {key:?}");
                    compared += 1;
                    suggested += usize::from(!want.is_empty());
                }
            }
        }
        assert!(compared > 400, "{compared}");
        // Most keys have suggestions: the comparison is not of empty lists.
        assert!(suggested * 3 > compared, "{suggested} of {compared}");
    }

    /// Each phrase, and misspellings of it: a letter dropped, doubled,
    /// changed, two swapped, a word added.
    fn misspellings<'a>(
        phrases: impl Iterator<Item = &'a String> + 'a,
    ) -> impl Iterator<Item = String> + 'a {
        phrases.flat_map(|p| {
            let c: Vec<char> = p.chars().collect();
            let n = c.len();
            let at = |i: usize| i.min(n.saturating_sub(1));
            let mut swapped = c.clone();
            if n > 2 {
                swapped.swap(1, 2);
            }
            let mut changed = c.clone();
            if n > 0 {
                changed[at(n / 2)] = 'x';
            }
            [
                p.clone(),
                c.iter()
                    .enumerate()
                    .filter(|&(i, _)| i != at(n / 3))
                    .map(|(_, c)| c)
                    .collect(),
                c.iter().flat_map(|&ch| [ch, ch]).take(n + 1).collect(),
                swapped.into_iter().collect(),
                changed.into_iter().collect(),
                format!("{p} province"),
            ]
        })
    }

    /// A gazetteer with generated state forces and a hierarchy.
    fn with_forces(actors: &str) -> (Gazetteer, Vec<crate::error::Problem>) {
        let files = SchemaFiles::from_pairs(&[
            (
                "gazetteers/countries.toml",
                r#"
[[country]]
name = "Iraq"
demonyms = ["Iraqi", "Iraqis"]

[[country]]
name = "Israel"
demonyms = ["Israeli", "Israelis"]

[[country]]
name = "DR Congo"
demonyms = ["Congolese"]

[[country]]
name = "Republic of the Congo"
demonyms = ["Congolese"]

[[country]]
name = "United States"
aliases = ["U.S.", "United States of America"]
demonyms = ["American"]
"#,
            ),
            (
                "gazetteers/forces.toml",
                r#"
[root]
name = "state forces"
kind = "state force"
nouns = ["security forces"]

[[branch]]
name = "military"
kind = "state force"
nouns = ["troops", "forces"]

[[branch]]
name = "police"
kind = "police"
nouns = ["police"]
"#,
            ),
            ("gazetteers/actors.toml", actors),
        ]);
        Gazetteer::load_with_problems(&files).expect("parses")
    }

    const HIERARCHY: &str = r#"
[[actor]]
name = "Islamic State"
kind = "jihadist group"
aliases = ["ISIS"]

[[actor]]
name = "Islamic State West Africa Province"
kind = "jihadist group"
parent = "Islamic State"
aliases = ["ISWAP"]

[[actor]]
name = "Iraqi Security Forces"
kind = "state force"
country = "Iraq"

[[actor]]
name = "Iraqi Army"
kind = "state force"
parent = "Iraqi Security Forces"
country = "Iraq"
aliases = ["Iraqi troops"]

[[actor]]
name = "Israel Defense Forces"
kind = "state force"
forces = "military"
country = "Israel"
aliases = ["IDF"]

[[actor]]
name = "Northern Alliance"
kind = "rebel group"
aliases = ["Afghan opposition forces"]
"#;

    fn path_of(g: &Gazetteer, name: &str) -> String {
        g.actors
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.path.clone())
            .unwrap_or_default()
    }

    #[test]
    fn actor_paths_run_from_the_root() {
        let (g, problems) = with_forces(HIERARCHY);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            path_of(&g, "Islamic State West Africa Province"),
            "Islamic State/Islamic State West Africa Province"
        );
        // A named state force goes under its country's generated forces.
        assert_eq!(
            path_of(&g, "Iraqi Army"),
            "Iraq state forces/Iraqi Security Forces/Iraqi Army"
        );
        assert_eq!(path_of(&g, "Iraq police"), "Iraq state forces/Iraq police");
        assert_eq!(
            facets(&g, "ISWAP fighters attacked").1,
            vec!["Islamic State/Islamic State West Africa Province"]
        );
    }

    #[test]
    fn state_forces_are_generated_and_explicit_names_win() {
        let (g, _) = with_forces(HIERARCHY);
        let actors = |text| facets(&g, text).1;
        // Generated: demonym or name + noun.
        assert_eq!(
            actors("Iraqi police said"),
            vec!["Iraq state forces/Iraq police"]
        );
        assert_eq!(
            actors("U.S. troops left"),
            vec!["United States state forces/United States military"]
        );
        assert_eq!(
            actors("American forces left"),
            vec!["United States state forces/United States military"]
        );
        assert_eq!(
            actors("Israeli security forces"),
            vec!["Israel state forces"]
        );
        // An explicit alias keeps its phrase, and an entry standing for a
        // branch takes the branch's phrases.
        assert_eq!(
            actors("Iraqi troops advanced"),
            vec!["Iraq state forces/Iraqi Security Forces/Iraqi Army"]
        );
        assert_eq!(
            actors("Israeli troops and Israeli forces"),
            vec!["Israel state forces/Israel Defense Forces"]
        );
        assert!(!g.actors.iter().any(|a| a.name == "Israel military"));
        assert_eq!(
            g.resolve(FacetKind::Actor, "Israel military").unwrap(),
            vec!["Israel state forces/Israel Defense Forces"]
        );
        // The longer explicit alias wins over the generated one inside it.
        assert_eq!(
            actors("Afghan opposition forces advanced"),
            vec!["Northern Alliance"]
        );
        // Generic phrases name no one.
        for text in [
            "the forces",
            "Security forces fired",
            "government forces",
            "troops",
        ] {
            assert!(actors(text).is_empty(), "{text}");
        }
        // A shared demonym needs its country.
        assert!(actors("Congolese troops").is_empty());
        assert_eq!(
            actors("Congolese troops in DR Congo"),
            vec!["DR Congo state forces/DR Congo military"]
        );
    }

    #[test]
    fn actor_filters_take_any_alias_or_the_path() {
        let (g, _) = with_forces(HIERARCHY);
        let want = vec!["Iraq state forces/Iraqi Security Forces/Iraqi Army".to_owned()];
        assert_eq!(g.resolve(FacetKind::Actor, "iraqi troops").unwrap(), want);
        assert_eq!(g.resolve(FacetKind::Actor, "Iraqi Army").unwrap(), want);
        assert_eq!(
            g.resolve(
                FacetKind::Actor,
                "Iraq state forces/Iraqi Security Forces/Iraqi Army"
            )
            .unwrap(),
            want
        );
        assert_eq!(
            g.resolve(
                FacetKind::Actor,
                "iraq state forces / iraqi security forces"
            )
            .unwrap(),
            vec!["Iraq state forces/Iraqi Security Forces"]
        );
        assert!(g
            .resolve(FacetKind::Actor, "Iraqi Security Forces/Nobody")
            .is_err());
        assert_eq!(
            g.expansion("iswap"),
            Some((
                FacetKind::Actor,
                "Islamic State/Islamic State West Africa Province".into()
            ))
        );
        match g.resolve(FacetKind::Actor, "Iraqi Armmy") {
            Err(Error::UnknownValue { suggestions, .. }) => {
                assert_eq!(
                    suggestions.first().map(String::as_str),
                    Some(want[0].as_str())
                )
            }
            other => panic!("expected an unknown value, got {other:?}"),
        }
    }

    #[test]
    fn bad_parents_kinds_regions_and_years_are_problems_on_their_line() {
        let (g, problems) = with_forces(
            "[[actor]]\nname = \"A\"\nparent = \"B\"\n\n\
             [[actor]]\nname = \"B\"\nparent = \"A\"\n\n\
             [[actor]]\nname = \"C\"\nparent = \"Nobody\"\n\n\
             [[actor]]\nname = \"D/E\"\nkind = \"gang\"\nregion = \"Mars\"\nactive = \"2001-1999\"\n\n\
             [[actor]]\nname = \"F\"\nkind = \"militia\"\nforces = \"military\"\ncountry = \"Iraq\"\n",
        );
        let said: Vec<(Option<usize>, String)> = problems
            .iter()
            .map(|p| (p.line, p.kind.to_string()))
            .collect();
        let has = |line: usize, text: &str| {
            said.iter()
                .any(|(l, m)| *l == Some(line) && m.contains(text))
        };
        assert!(has(3, "\"A\": its parents lead back to itself"), "{said:?}");
        assert!(has(7, "\"B\": its parents lead back to itself"), "{said:?}");
        assert!(
            has(11, "parent \"Nobody\" is not the name of an actor"),
            "{said:?}"
        );
        assert!(has(14, "may not contain `/`"), "{said:?}");
        assert!(has(15, "kind \"gang\" is not one of"), "{said:?}");
        assert!(has(16, "region \"Mars\" is not one of"), "{said:?}");
        assert!(has(17, "the last year is before the first"), "{said:?}");
        assert!(
            has(22, "forces \"military\" is for a state force"),
            "{said:?}"
        );
        assert_eq!(said.len(), 8, "{said:?}");
        // Cut loose, the cycle's actors still have paths.
        assert_eq!(path_of(&g, "A"), "A");
        assert!(problems.iter().all(|p| p.path.ends_with("actors.toml")));
    }

    #[test]
    fn regions_hold_the_places_of_their_members() {
        let g = small();
        let regions = |text| g.extract("", text, None).regions;
        // A member province, and any place of a member country.
        assert_eq!(regions("A bomb in Mosul"), ["Northern Iraq"]);
        assert_eq!(
            regions("Shelling in Hama and in Kirkuk"),
            ["Northern Iraq", "Levant"]
        );
        assert_eq!(regions("Clashes in Syria"), ["Levant"]);
        // A country alone is not in a region of some of its provinces.
        assert!(regions("Clashes in Iraq").is_empty());
        assert!(regions("Fighting in Ramadi").is_empty());
        // The region's name is not looked for in the text.
        assert!(regions("Northern Iraq and the Levant").is_empty());
    }

    #[test]
    fn a_region_name_resolves_as_a_region_or_as_its_members() {
        let g = small();
        assert_eq!(
            g.resolve(FacetKind::Region, "north iraq").unwrap(),
            ["Northern Iraq"]
        );
        // `--province Northern Iraq`: no such province, so the region's.
        assert_eq!(
            g.resolve(FacetKind::Province, "Northern Iraq").unwrap(),
            ["Iraq/Kirkuk", "Iraq/Nineveh"]
        );
        assert_eq!(
            g.resolve(FacetKind::Country, "Bilad al-Sham").unwrap(),
            ["Lebanon", "Syria"]
        );
        // A province keeps its own name; actors know no regions.
        assert_eq!(
            g.resolve(FacetKind::Province, "Kirkuk").unwrap(),
            ["Iraq/Kirkuk"]
        );
        assert!(g.resolve_known(FacetKind::Actor, "Levant").is_empty());
        assert!(g.resolve_known(FacetKind::Region, "Kirkuk").is_empty());
        match g.resolve(FacetKind::Province, "Levnt") {
            Err(Error::UnknownValue { suggestions, .. }) => {
                assert_eq!(suggestions.first().map(String::as_str), Some("Levant"))
            }
            other => panic!("expected an unknown value, got {other:?}"),
        }
    }

    #[test]
    fn bad_region_members_are_problems_on_their_line() {
        let files = SchemaFiles::from_pairs(&[
            (
                "gazetteers/countries.toml",
                "[[country]]\nname = \"Iraq\"\n\n[[country]]\nname = \"Syria\"\n",
            ),
            (
                "gazetteers/places/iraq.toml",
                "country = \"Iraq\"\n[[province]]\nname = \"Nineveh\"\n",
            ),
            ("gazetteers/actors.toml", ""),
            (
                "gazetteers/regions.toml",
                "[[region]]\nname = \"A\"\nmembers = [\n  \"Iraq/Nineveh\",\n  \"Iraq/Ninawa\",\n  \"Atlantis\",\n  \"Syria\",\n  \"Syria\",\n]\n\n\
                 [[region]]\nname = \"B\"\naliases = [\"a\"]\n",
            ),
        ]);
        let (g, problems) = Gazetteer::load_with_problems(&files).expect("parses");
        let said: Vec<(Option<usize>, String)> = problems
            .iter()
            .map(|p| (p.line, p.kind.to_string()))
            .collect();
        let has = |line: usize, text: &str| {
            said.iter()
                .any(|(l, m)| *l == Some(line) && m.contains(text))
        };
        assert!(has(5, "no province \"Ninawa\" of \"Iraq\""), "{said:?}");
        assert!(has(6, "\"Atlantis\" is not a country"), "{said:?}");
        assert!(has(8, "\"Syria\" is listed twice"), "{said:?}");
        assert!(has(13, "also a name of region \"A\""), "{said:?}");
        assert!(has(12, "region \"B\" has no members"), "{said:?}");
        assert_eq!(said.len(), 5, "{said:?}");
        assert!(problems.iter().all(|p| p.path.ends_with("regions.toml")));
        assert_eq!(g.regions.first().map(|r| r.members.len()), Some(2));
    }

    #[test]
    fn the_real_regions_are_those_analysts_ask_for() {
        let files = SchemaFiles::read_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema"),
        )
        .expect("index-schema");
        let g = Gazetteer::load(&files).expect("gazetteers load");
        let members = |name: &str| {
            let mut m = g.resolve(FacetKind::Province, name).unwrap_or_default();
            m.sort();
            m
        };
        for name in [
            "Sahel",
            "Lake Chad Basin",
            "Horn of Africa",
            "Great Lakes",
            "Darfur",
            "Donbas",
            "Kurdistan Region",
            "Levant",
            "Maghreb",
            "Gulf",
            "Caucasus",
            "Balkans",
            "Kashmir",
        ] {
            assert_eq!(g.resolve_known(FacetKind::Region, name), [name]);
        }
        assert_eq!(
            members("Darfur"),
            [
                "Sudan/Central Darfur",
                "Sudan/East Darfur",
                "Sudan/North Darfur",
                "Sudan/South Darfur",
                "Sudan/West Darfur"
            ]
        );
        assert_eq!(
            members("Donbass"),
            ["Ukraine/Donetsk Oblast", "Ukraine/Luhansk Oblast"]
        );
        assert_eq!(
            members("Iraqi Kurdistan"),
            [
                "Iraq/Dohuk",
                "Iraq/Erbil",
                "Iraq/Halabja",
                "Iraq/Sulaymaniyah"
            ]
        );
        assert_eq!(
            members("Sahel"),
            ["Burkina Faso", "Chad", "Mali", "Mauritania", "Niger"]
        );
    }

    /// The real gazetteers cover the wars of 1990-2025 in time and space:
    /// enough entries active in each decade and in each region.
    #[test]
    fn the_real_actors_cover_every_decade_and_region() {
        let files = SchemaFiles::read_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema"),
        )
        .expect("index-schema");
        let g = Gazetteer::load(&files).expect("gazetteers load");
        let listed: Vec<&Actor> = g.actors.iter().filter(|a| !a.generated).collect();
        let undated: Vec<&str> = listed
            .iter()
            .filter(|a| a.active.is_none() || a.region.is_empty())
            .map(|a| a.name.as_str())
            .collect();
        assert!(
            undated.is_empty(),
            "entries without active or region: {undated:?}"
        );
        const PER_DECADE: usize = 40;
        const PER_REGION: usize = 6;
        let armed = |a: &&&Actor| is_armed(&a.kind);
        for decade in [1990u16, 2000, 2010, 2020] {
            let n = listed
                .iter()
                .filter(armed)
                .filter(|a| a.active_between(decade, decade + 9))
                .count();
            assert!(n >= PER_DECADE, "{decade}s: {n} armed actors");
        }
        // `Global` holds the transnational actors, not a place to cover.
        for region in REGIONS.into_iter().filter(|&r| r != "Global") {
            let n = listed
                .iter()
                .filter(armed)
                .filter(|a| a.region == region)
                .count();
            assert!(n >= PER_REGION, "{region}: {n} armed actors");
        }
    }

    /// What sitrep's own matcher makes of the phrases of 2001 wire
    /// stories that name state forces generically.
    #[test]
    fn the_real_gazetteers_name_generic_state_forces() {
        let files = SchemaFiles::read_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema"),
        )
        .expect("index-schema");
        let g = Gazetteer::load(&files).expect("gazetteers load");
        for (text, want) in [
            (
                "Israeli troops",
                "Israel state forces/Israel Defense Forces",
            ),
            (
                "US forces",
                "United States state forces/United States Armed Forces",
            ),
            (
                "U.S. forces",
                "United States state forces/United States Armed Forces",
            ),
            (
                "Palestinian police",
                "Palestine state forces/Palestine police",
            ),
            (
                "British soldiers",
                "United Kingdom state forces/British Armed Forces",
            ),
            (
                "Russian warplanes",
                "Russia state forces/Russian Armed Forces",
            ),
            (
                "Afghan intelligence",
                "Afghanistan state forces/Afghanistan intelligence",
            ),
            ("Afghan opposition fighters", "Northern Alliance"),
            (
                "Iraqi troops",
                "Iraq state forces/Iraqi Security Forces/Iraqi Army",
            ),
        ] {
            assert_eq!(
                facets(&g, &format!("{text} moved in")).1,
                vec![want],
                "{text}"
            );
        }
        for text in [
            "the forces",
            "security forces",
            "government forces",
            "troops and police",
        ] {
            assert!(facets(&g, text).1.is_empty(), "{text}");
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
            problems[0]
                .kind
                .to_string()
                .contains("\"Hit\" of \"Anbar\""),
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
        assert!(problems[0].kind.to_string().contains("\"B\""));
    }

    #[test]
    fn problems_point_at_the_line_of_the_value_itself() {
        // Searching the text for the name found the first "Iraq" (line 2),
        // and "Shared" within B's entry found A's alias (line 3).
        let files = SchemaFiles::from_pairs(&[
            (
                "gazetteers/countries.toml",
                "[[country]]\nname = \"Iraq\"\n\n[[country]]\nname = \"Iraq\"\n",
            ),
            (
                "gazetteers/actors.toml",
                "[[actor]]\nname=\"A\"\naliases = [\"Shared\"]\n\n[[actor]]\nname=\"B\"\naliases = [\n  \"Other\",\n  \"Shared\",\n]\n",
            ),
        ]);
        let (_, problems) = Gazetteer::load_with_problems(&files).unwrap();
        // The twice-listed country, its name claimed twice, the alias.
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].line, Some(5), "{problems:?}");
        assert!(
            problems[1].kind.to_string().contains("(countries.toml:5)"),
            "{problems:?}"
        );
        assert!(
            problems[2].kind.to_string().contains("(actors.toml:9)"),
            "{problems:?}"
        );
    }
}
