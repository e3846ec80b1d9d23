//! The vocabulary every stage shares: the facet kinds, and the names of
//! the index fields sitrep fills.

use std::fmt;
use std::str::FromStr;

/// The names of the index fields, in one place.
///
/// The fields a user may tune live in `index-schema/schema.toml`; the
/// bookkeeping fields (file stamps, where a record lies in its file) are
/// added by code and never offered there.
pub(crate) mod field {
    /// The article's id (a string term).
    pub const ID: &str = "id";
    /// The file it came from: an absolute path.
    pub const PATH: &str = "path";
    /// Headline (text).
    pub const TITLE: &str = "title";
    /// Body (text).
    pub const BODY: &str = "body";
    /// Publication date as written, ISO 8601.
    pub const DATE: &str = "date";
    /// Publication date as a date column, for ranges and sorting.
    pub const PUBLISHED: &str = "published";
    /// Publisher.
    pub const SOURCE: &str = "source";
    /// Address.
    pub const URL: &str = "url";
    /// `/Country/Province` facets (and `/Country` alone).
    pub const PROVINCE: &str = "province";
    /// `/Actor` facets.
    pub const ACTOR: &str = "actor";
    /// `/2021` facets.
    pub const YEAR: &str = "year";
    /// The file's content fingerprint (bookkeeping).
    pub const FINGERPRINT: &str = "fingerprint";
    /// The file's size in bytes (bookkeeping).
    pub const SIZE: &str = "size";
    /// The file's modification time in nanoseconds (bookkeeping).
    pub const MTIME: &str = "mtime";
}

/// The four ways sitrep counts and filters articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetKind {
    /// First-level divisions, `Country/Province`.
    Province,
    /// Countries (an article counts once per country).
    Country,
    /// Armed groups, state forces, agencies.
    Actor,
    /// Publication years.
    Year,
}

impl FacetKind {
    /// Every kind, in display order.
    pub const ALL: [FacetKind; 4] = [
        FacetKind::Province,
        FacetKind::Country,
        FacetKind::Actor,
        FacetKind::Year,
    ];

    /// Its name, as on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FacetKind::Province => "province",
            FacetKind::Country => "country",
            FacetKind::Actor => "actor",
            FacetKind::Year => "year",
        }
    }

    /// The index field its values are read from: a country is the first
    /// step of a province facet.
    pub(crate) fn field(self) -> &'static str {
        match self {
            FacetKind::Province | FacetKind::Country => field::PROVINCE,
            FacetKind::Actor => field::ACTOR,
            FacetKind::Year => field::YEAR,
        }
    }

    /// The value a stored facet path stands for in this kind, if any.
    pub(crate) fn label(self, path: &[&str]) -> Option<String> {
        match self {
            FacetKind::Province => (path.len() >= 2).then(|| path.join("/")),
            FacetKind::Country => path.first().map(|c| (*c).to_owned()),
            FacetKind::Actor | FacetKind::Year => (!path.is_empty()).then(|| path.join("/")),
        }
    }
}

impl fmt::Display for FacetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A facet kind's name that sitrep does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown facet {0:?}: use province, country, actor or year")]
pub struct UnknownFacet(pub String);

impl FromStr for FacetKind {
    type Err = UnknownFacet;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FacetKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownFacet(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for kind in FacetKind::ALL {
            assert_eq!(kind.name().parse::<FacetKind>(), Ok(kind));
            assert_eq!(kind.name().to_uppercase().parse::<FacetKind>(), Ok(kind));
        }
        assert!("month".parse::<FacetKind>().is_err());
    }

    #[test]
    fn a_country_is_the_first_step_of_a_province() {
        let path = ["Iraq", "Nineveh"];
        assert_eq!(FacetKind::Country.label(&path).as_deref(), Some("Iraq"));
        assert_eq!(
            FacetKind::Province.label(&path).as_deref(),
            Some("Iraq/Nineveh")
        );
        assert_eq!(FacetKind::Province.label(&["Iraq"]), None);
    }
}
