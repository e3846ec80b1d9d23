//! The vocabulary every stage shares: the facet kinds, and the names of
//! the index fields sitrep fills.

use std::fmt;
use std::str::FromStr;

/// The fields of an article as exported to a cluster engine (`sitrep
/// export`) and searched there (`sitrep search --remote`): the one
/// contract between the two sides.
///
/// A document holds the stored text (`id`, `path`, `title`, `body`,
/// `date`, `source`, `url`), the publication day as an RFC 3339 date
/// (`published`, absent when undated), the text as sitrep's analyser cut
/// it, words joined by single spaces (`title_terms`, `body_terms`, indexed
/// by the engine's whitespace tokenizer with positions and field norms, so
/// stemming, folding and Arabic normalisation behave as locally), and the
/// facets as keyword arrays without a leading slash: `province`
/// (`Country/Province`, event places), `country` (their countries),
/// `region`, `actor` (every step of each path: `Islamic State` and
/// `Islamic State/ISWAP`), `actor_kind` (the kinds alone), `year`, and the
/// `mentioned_*` fields the same way for every mention.
pub(crate) mod remote {
    /// Stored article id, a keyword; documents are replaced by it.
    pub const ID: &str = "id";
    /// Stored file path, a keyword.
    pub const PATH: &str = "path";
    /// Stored headline (not indexed).
    pub const TITLE: &str = "title";
    /// Stored article text (not indexed).
    pub const BODY: &str = "body";
    /// Stored publication date as written (`2021`, `2021-03`, `2021-03-03`).
    pub const DATE: &str = "date";
    /// Publisher, stored.
    pub const SOURCE: &str = "source";
    /// Address, stored.
    pub const URL: &str = "url";
    /// The first day of the publication date, RFC 3339, a fast date field.
    pub const PUBLISHED: &str = "published";
    /// The headline's analysed words.
    pub const TITLE_TERMS: &str = "title_terms";
    /// The body's analysed words.
    pub const BODY_TERMS: &str = "body_terms";
    /// Event provinces, `Country/Province`.
    pub const PROVINCE: &str = "province";
    /// Countries of the event places.
    pub const COUNTRY: &str = "country";
    /// Regions holding an event place.
    pub const REGION: &str = "region";
    /// Event actors, every step of each path.
    pub const ACTOR: &str = "actor";
    /// Kinds of the event actors.
    pub const ACTOR_KIND: &str = "actor_kind";
    /// Publication year.
    pub const YEAR: &str = "year";
    /// Every province mentioned.
    pub const MENTIONED_PROVINCE: &str = "mentioned_province";
    /// Countries of every place mentioned.
    pub const MENTIONED_COUNTRY: &str = "mentioned_country";
    /// Every actor mentioned, every step of each path.
    pub const MENTIONED_ACTOR: &str = "mentioned_actor";
    /// The keyword fields, in the order they are written.
    pub const KEYWORDS: [&str; 9] = [
        PROVINCE,
        COUNTRY,
        REGION,
        ACTOR,
        ACTOR_KIND,
        YEAR,
        MENTIONED_PROVINCE,
        MENTIONED_COUNTRY,
        MENTIONED_ACTOR,
    ];
}

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
    /// `/Country/Province` facets (and `/Country` alone) of every place
    /// mentioned, whatever its role.
    pub const MENTIONED_PROVINCE: &str = "mentioned_province";
    /// `/Actor` path facets of every actor mentioned, whatever its role.
    pub const MENTIONED_ACTOR: &str = "mentioned_actor";
    /// `/Kind/Actor` facets of the event actors: `/jihadist group` is
    /// indexed with every `/jihadist group/Islamic State`.
    pub const ACTOR_KIND: &str = "actor_kind";
    /// `/Region` facets: the regions of `regions.toml` holding an event
    /// place of the article.
    pub const REGION: &str = "region";
    /// The file's content fingerprint (bookkeeping).
    pub const FINGERPRINT: &str = "fingerprint";
    /// The file's size in bytes (bookkeeping).
    pub const SIZE: &str = "size";
    /// The file's modification time in nanoseconds (bookkeeping).
    pub const MTIME: &str = "mtime";
}

/// The ways sitrep counts and filters articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetKind {
    /// First-level divisions, `Country/Province`.
    Province,
    /// Countries (an article counts once per country).
    Country,
    /// Regions of `regions.toml` (the Sahel, Darfur…): an article counts
    /// once per region holding any of its event places.
    Region,
    /// Armed groups, state forces, agencies: paths (`Parent/Child`).
    Actor,
    /// The kinds of the event actors (`jihadist group`, `state force`…).
    ActorKind,
    /// Publication years.
    Year,
}

impl FacetKind {
    /// Every kind, in display order.
    pub const ALL: [FacetKind; 6] = [
        FacetKind::Province,
        FacetKind::Country,
        FacetKind::Region,
        FacetKind::Actor,
        FacetKind::ActorKind,
        FacetKind::Year,
    ];

    /// Its name, as on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FacetKind::Province => "province",
            FacetKind::Country => "country",
            FacetKind::Region => "region",
            FacetKind::Actor => "actor",
            FacetKind::ActorKind => "actor-kind",
            FacetKind::Year => "year",
        }
    }

    /// The index field its values are read from: a country is the first
    /// step of a province facet.
    pub(crate) fn field(self) -> &'static str {
        match self {
            FacetKind::Province | FacetKind::Country => field::PROVINCE,
            FacetKind::Region => field::REGION,
            FacetKind::Actor => field::ACTOR,
            FacetKind::ActorKind => field::ACTOR_KIND,
            FacetKind::Year => field::YEAR,
        }
    }

    /// The value a stored facet path stands for in this kind, if any.
    pub(crate) fn label(self, path: &[&str]) -> Option<String> {
        match self {
            FacetKind::Province => (path.len() >= 2).then(|| path.join("/")),
            FacetKind::Country | FacetKind::Region | FacetKind::ActorKind => {
                path.first().map(|c| (*c).to_owned())
            }
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
#[error("unknown facet {0:?}: use province, country, region, actor, actor-kind or year")]
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

/// The actor kind of UN bodies, aid and rights groups: searchable and
/// filterable, but not an armed actor, so the default summary leaves
/// these actors out of its list.
pub const ORGANISATION_KIND: &str = "organisation";

/// Whether actors of `kind` are armed (everything but organisations).
/// The one place that rule is written on the index and search side.
pub fn is_armed_kind(kind: &str) -> bool {
    !kind.trim().eq_ignore_ascii_case(ORGANISATION_KIND)
}

/// The last step of a facet path: how text output names an actor
/// (`Iraq state forces/Iraqi Army` → `Iraqi Army`).
pub fn leaf(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
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
        assert_eq!("Actor-Kind".parse::<FacetKind>(), Ok(FacetKind::ActorKind));
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
        let kind = ["jihadist group", "Islamic State"];
        assert_eq!(
            FacetKind::ActorKind.label(&kind).as_deref(),
            Some("jihadist group")
        );
    }

    #[test]
    fn leaves_and_armed_kinds() {
        assert_eq!(leaf("Islamic State/ISWAP"), "ISWAP");
        assert_eq!(leaf("Hamas"), "Hamas");
        assert!(is_armed_kind("jihadist group"));
        assert!(!is_armed_kind("organisation"));
    }
}
