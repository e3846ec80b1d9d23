//! What an actor entry may say beyond its names: its kind, region and
//! years (checked against the lists here), and the state forces generated
//! for every country from `forces.toml` ("Israeli troops", "Palestinian
//! police", "Afghan intelligence"): the phrases a country's names and
//! demonyms make with the force nouns of that file.

use crate::analyzer;

/// Every actor kind an entry may give, in the order summaries list them.
pub const ACTOR_KINDS: [&str; 11] = [
    "state force",
    "police",
    "intelligence",
    "rebel group",
    "jihadist group",
    "militia",
    "armed group",
    "international force",
    "criminal group",
    "agency",
    "organisation",
];

/// Every region an entry may give (`region = "Sahel and West Africa"`).
pub const REGIONS: [&str; 14] = [
    "Middle East",
    "North Africa",
    "Sahel and West Africa",
    "Horn of Africa",
    "Central and East Africa",
    "Southern Africa",
    "South Asia",
    "Central Asia",
    "Caucasus",
    "Europe",
    "North America",
    "Latin America",
    "East and Southeast Asia",
    "Global",
];

/// Whether actors of `kind` take part in fighting: false for UN bodies,
/// aid and rights groups (`organisation`) and civilian agencies
/// (`agency`), which summaries list apart from the armed actors.
pub fn is_armed(kind: &str) -> bool {
    !matches!(kind, "organisation" | "agency")
}

/// Whether an actor of `kind` with a country belongs under that
/// country's generated state forces when it names no parent.
pub(super) fn is_state_kind(kind: &str) -> bool {
    matches!(kind, "state force" | "police" | "intelligence")
}

/// The years of `active = "1996-2001"` (`"2014-"`: still active;
/// `"2003"`: that year only), or why they cannot be read.
pub(super) fn parse_active(text: &str) -> Result<(u16, Option<u16>), String> {
    let year = |s: &str| -> Result<u16, String> {
        let s = s.trim();
        match s.parse::<u16>() {
            Ok(y) if s.len() == 4 && (1000..=2100).contains(&y) => Ok(y),
            _ => Err(format!(
                "active {text:?}: {s:?} is not a year; write \"1996-2001\", \"2014-\" or \"2003\""
            )),
        }
    };
    let (from, to) = match text.split_once('-') {
        None => {
            let y = year(text)?;
            (y, Some(y))
        }
        Some((from, to)) if to.trim().is_empty() => (year(from)?, None),
        Some((from, to)) => (year(from)?, Some(year(to)?)),
    };
    if to.is_some_and(|to| to < from) {
        return Err(format!(
            "active {text:?}: the last year is before the first"
        ));
    }
    Ok((from, to))
}

/// Whether an actor active over `active` was active at some time in the
/// years `from..=to`.
pub(super) fn active_within(active: (u16, Option<u16>), from: u16, to: u16) -> bool {
    active.0 <= to && active.1.is_none_or(|end| end >= from)
}

/// The names of a country that make force phrases: its demonyms (the
/// plural of another demonym left out: "Afghans troops" is not English),
/// its canonical name and its short Latin-script aliases ("U.S.", "UK"),
/// each with whether the country lists it as ambiguous.
pub(super) fn force_prefixes(
    name: &str,
    aliases: &[String],
    demonyms: &[String],
    ambiguous: &[String],
) -> Vec<(String, bool)> {
    let folded_demonyms: Vec<String> = demonyms.iter().map(|d| analyzer::fold_phrase(d)).collect();
    let ambiguous: Vec<String> = ambiguous.iter().map(|a| analyzer::fold_phrase(a)).collect();
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut push = |alias: &str| {
        let key = analyzer::fold_phrase(alias);
        if key.is_empty() || out.iter().any(|(a, _)| analyzer::fold_phrase(a) == key) {
            return;
        }
        out.push((alias.to_owned(), ambiguous.contains(&key)));
    };
    for (demonym, key) in demonyms.iter().zip(&folded_demonyms) {
        let plural_of_another = key
            .strip_suffix('s')
            .is_some_and(|singular| folded_demonyms.iter().any(|d| d == singular));
        if !plural_of_another {
            push(demonym);
        }
    }
    push(name);
    for alias in aliases {
        let key = analyzer::fold_phrase(alias);
        if key.split(' ').count() <= 2 && key.is_ascii() {
            push(alias);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_years_read_and_bad_ones_say_why() {
        assert_eq!(parse_active("1996-2001"), Ok((1996, Some(2001))));
        assert_eq!(parse_active("2014-"), Ok((2014, None)));
        assert_eq!(parse_active("2003"), Ok((2003, Some(2003))));
        assert!(parse_active("2001-1996").is_err());
        assert!(parse_active("nineties").is_err());
        assert!(parse_active("96-01").is_err());
        assert!(active_within((1996, Some(2001)), 2000, 2009));
        assert!(!active_within((1996, Some(2001)), 2010, 2019));
        assert!(active_within((2014, None), 2020, 2029));
    }

    #[test]
    fn prefixes_are_demonyms_name_and_short_latin_aliases() {
        let got = force_prefixes(
            "United States",
            &[
                "United States of America".into(),
                "U.S.".into(),
                "الولايات المتحدة".into(),
            ],
            &["American".into(), "Americans".into()],
            &[],
        );
        let names: Vec<&str> = got.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(names, ["American", "United States", "U.S."]);
    }

    #[test]
    fn organisations_and_agencies_are_not_armed() {
        assert!(!is_armed("organisation"));
        assert!(!is_armed("agency"));
        assert!(is_armed("intelligence"));
        assert!(is_armed("jihadist group"));
    }
}
