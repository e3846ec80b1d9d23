//! The gazetteer files as serde reads them (`index-schema/gazetteers/`,
//! described in its `FORMAT.md`).
//!
//! Names and aliases keep their place in the file ([`Spanned`]), so a
//! problem with one is reported on its own line.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CountriesFile {
    #[serde(default)]
    pub(super) country: Vec<CountryEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CountryEntry {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) demonyms: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) ambiguous: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlacesFile {
    pub(super) country: Spanned<String>,
    #[serde(default)]
    pub(super) province: Vec<ProvinceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProvinceEntry {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) cities: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) ambiguous: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActorsFile {
    #[serde(default)]
    pub(super) actor: Vec<ActorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActorEntry {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) kind: Option<Spanned<String>>,
    /// The canonical name of the actor it belongs to.
    #[serde(default)]
    pub(super) parent: Option<Spanned<String>>,
    /// Years active: `1996-2001`, `2014-`, `2003`.
    #[serde(default)]
    pub(super) active: Option<Spanned<String>>,
    /// One of [`super::REGIONS`].
    #[serde(default)]
    pub(super) region: Option<Spanned<String>>,
    /// The branch of its country's generated state forces this entry
    /// stands for (`military`, `police`, `intelligence`).
    #[serde(default)]
    pub(super) forces: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) country: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) exact_case: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) ambiguous: Vec<String>,
}

/// `forces.toml`: the state forces generated for every country.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ForcesFile {
    /// `<Country> state forces`, the parent of the branches.
    pub(super) root: ForceEntry,
    /// `<Country> military`, `<Country> police`…
    #[serde(default)]
    pub(super) branch: Vec<ForceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ForceEntry {
    /// The word after the country's name: `state forces`, `military`.
    pub(super) name: Spanned<String>,
    pub(super) kind: Spanned<String>,
    /// The nouns that follow a demonym or the country's name.
    #[serde(default)]
    pub(super) nouns: Vec<Spanned<String>>,
}

/// `regions.toml`: named groups of countries and provinces.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RegionsFile {
    #[serde(default)]
    pub(super) region: Vec<RegionEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RegionEntry {
    /// Canonical name: the facet value `/Name`.
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
    /// Countries (`Mali`) and provinces (`Sudan/North Darfur`), by their
    /// canonical names.
    #[serde(default)]
    pub(super) members: Vec<Spanned<String>>,
}
