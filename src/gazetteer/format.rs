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
    pub(super) kind: String,
    #[serde(default)]
    pub(super) country: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) exact_case: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) ambiguous: Vec<String>,
}
