//! The document an article becomes in a cluster engine, field by field as
//! `fields::remote` defines it: the one JSON line an export writes per
//! article (after an action line for OpenSearch).

use std::collections::BTreeSet;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::fields::remote;
use crate::index::stored::StoredArticle;

/// A JSON object whose keys keep the order they were added in (the
/// order of `fields::remote`), so every line reads the same way.
#[derive(Debug, Default)]
pub(crate) struct Doc(Vec<(&'static str, Value)>);

impl Doc {
    fn push(&mut self, name: &'static str, value: Value) {
        self.0.push((name, value));
    }

    /// The value of the field `name`, if the document has it.
    #[cfg(test)]
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The document as one line of JSON, without the line break.
    pub(crate) fn to_line(&self) -> Vec<u8> {
        // Serialising strings and arrays of strings cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Serialize for Doc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The document of `article`. `title_terms` and `body_terms` are its
/// headline and text as the index's analyser cut them, words joined by
/// spaces; `included` says whether a remote field is exported (a field the
/// index does not store cannot be).
pub(crate) fn document(
    article: &StoredArticle,
    title_terms: String,
    body_terms: String,
    included: &dyn Fn(&str) -> bool,
) -> Doc {
    let mut doc = Doc::default();
    let text = |doc: &mut Doc, name: &'static str, value: Option<&str>| {
        if let Some(value) = value {
            if included(name) {
                doc.push(name, Value::String(value.to_owned()));
            }
        }
    };
    text(&mut doc, remote::ID, Some(&article.id));
    text(&mut doc, remote::PATH, Some(&article.path));
    text(&mut doc, remote::TITLE, Some(&article.title));
    text(&mut doc, remote::DATE, article.date.as_deref());
    let published = article.date.as_deref().and_then(published);
    text(&mut doc, remote::PUBLISHED, published.as_deref());
    text(&mut doc, remote::SOURCE, article.source.as_deref());
    text(&mut doc, remote::URL, article.url.as_deref());
    let keywords: [(&'static str, BTreeSet<String>); 9] = [
        (remote::PROVINCE, provinces(&article.provinces)),
        (remote::COUNTRY, countries(&article.provinces)),
        (remote::REGION, as_set(&article.regions)),
        (remote::ACTOR, actor_steps(&article.actors)),
        (remote::ACTOR_KIND, countries(&article.actor_kinds)),
        (remote::YEAR, as_set(&article.years)),
        (
            remote::MENTIONED_PROVINCE,
            provinces(&article.mentioned_provinces),
        ),
        (
            remote::MENTIONED_COUNTRY,
            countries(&article.mentioned_provinces),
        ),
        (
            remote::MENTIONED_ACTOR,
            actor_steps(&article.mentioned_actors),
        ),
    ];
    debug_assert!(keywords
        .iter()
        .map(|(name, _)| *name)
        .eq(remote::KEYWORDS.into_iter()));
    for (name, values) in keywords {
        // Every keyword field is written, `[]` when empty: one shape for
        // every line.
        if included(name) {
            doc.push(
                name,
                Value::Array(values.into_iter().map(Value::String).collect()),
            );
        }
    }
    text(&mut doc, remote::TITLE_TERMS, Some(&title_terms));
    text(&mut doc, remote::BODY, Some(&article.body));
    text(&mut doc, remote::BODY_TERMS, Some(&body_terms));
    doc
}

/// The first day of a stored date (`2021`, `2021-03`, `2021-03-03`) as
/// RFC 3339 at midnight UTC, or `None` when it is not a date.
pub(crate) fn published(date: &str) -> Option<String> {
    let date = crate::date::parse(date)?;
    // Dates are 1900 to 2100 (`date::parse`): four digits.
    Some(format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        date.year,
        date.month.unwrap_or(1),
        date.day.unwrap_or(1)
    ))
}

/// `Country/Province` values: a bare `Country` is a country only.
fn provinces(values: &[String]) -> BTreeSet<String> {
    values.iter().filter(|v| v.contains('/')).cloned().collect()
}

/// The first step of each value: the countries of place facets, the
/// kinds of `actor_kind` facets.
fn countries(values: &[String]) -> BTreeSet<String> {
    values
        .iter()
        .filter_map(|v| v.split('/').next())
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every step of every actor path: `Islamic State/ISWAP` gives
/// `Islamic State` and `Islamic State/ISWAP`, so a filter on a parent
/// finds its children, as a facet term does locally.
fn actor_steps(paths: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for path in paths {
        let mut prefix = String::new();
        for step in path.split('/').filter(|s| !s.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(step);
            out.insert(prefix.clone());
        }
    }
    out
}

fn as_set(values: &[String]) -> BTreeSet<String> {
    values.iter().filter(|v| !v.is_empty()).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> StoredArticle {
        StoredArticle {
            id: "nigeria/2021-06-01-borno.txt".into(),
            path: "/corpus/nigeria/2021-06-01-borno.txt".into(),
            title: "ISWAP fighters attack Monguno".into(),
            body: "Fighters of ISWAP attacked Monguno; the army said.".into(),
            date: Some("2021-06".into()),
            source: Some("Wire".into()),
            url: None,
            provinces: vec![
                "Nigeria/Borno".into(),
                "Niger".into(),
                "Nigeria/Borno".into(),
            ],
            actors: vec![
                "Islamic State/ISWAP".into(),
                "Nigeria state forces/Nigerian Army".into(),
            ],
            actor_kinds: vec![
                "jihadist group/Islamic State/ISWAP".into(),
                "state force/Nigeria state forces/Nigerian Army".into(),
                "state force".into(),
            ],
            years: vec!["2021".into()],
            regions: vec!["Lake Chad Basin".into()],
            mentioned_provinces: vec!["Nigeria/Borno".into(), "Chad/Lac".into()],
            mentioned_actors: vec!["Islamic State/ISWAP".into()],
        }
    }

    fn strings(doc: &Doc, name: &str) -> Vec<String> {
        doc.get(name)
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{name} is not an array"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn facets_become_sorted_keyword_arrays_with_their_ancestors() {
        let doc = document(
            &article(),
            "iswap fighter".into(),
            "fighter".into(),
            &|_| true,
        );
        assert_eq!(strings(&doc, remote::PROVINCE), ["Nigeria/Borno"]);
        // A bare country facet goes to `country` only.
        assert_eq!(strings(&doc, remote::COUNTRY), ["Niger", "Nigeria"]);
        assert_eq!(
            strings(&doc, remote::ACTOR),
            [
                "Islamic State",
                "Islamic State/ISWAP",
                "Nigeria state forces",
                "Nigeria state forces/Nigerian Army"
            ]
        );
        assert_eq!(
            strings(&doc, remote::ACTOR_KIND),
            ["jihadist group", "state force"]
        );
        assert_eq!(strings(&doc, remote::YEAR), ["2021"]);
        assert_eq!(strings(&doc, remote::REGION), ["Lake Chad Basin"]);
        assert_eq!(
            strings(&doc, remote::MENTIONED_PROVINCE),
            ["Chad/Lac", "Nigeria/Borno"]
        );
        assert_eq!(
            strings(&doc, remote::MENTIONED_COUNTRY),
            ["Chad", "Nigeria"]
        );
        assert_eq!(
            strings(&doc, remote::MENTIONED_ACTOR),
            ["Islamic State", "Islamic State/ISWAP"]
        );
        assert_eq!(doc.get(remote::DATE), Some(&Value::from("2021-06")));
        assert_eq!(
            doc.get(remote::PUBLISHED),
            Some(&Value::from("2021-06-01T00:00:00Z"))
        );
        assert_eq!(doc.get(remote::SOURCE), Some(&Value::from("Wire")));
        assert_eq!(doc.get(remote::URL), None);
        assert_eq!(
            doc.get(remote::TITLE_TERMS),
            Some(&Value::from("iswap fighter"))
        );
    }

    #[test]
    fn the_line_holds_every_field_of_the_contract_in_order() {
        let line = document(&article(), "a".into(), "b".into(), &|_| true).to_line();
        let text = String::from_utf8(line).unwrap();
        assert!(!text.contains('\n'));
        let value: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
        let mut expected = vec![
            remote::ID,
            remote::PATH,
            remote::TITLE,
            remote::DATE,
            remote::PUBLISHED,
            remote::SOURCE,
        ];
        expected.extend(remote::KEYWORDS);
        expected.extend([remote::TITLE_TERMS, remote::BODY, remote::BODY_TERMS]);
        let mut got: Vec<&str> = value.keys().map(String::as_str).collect();
        got.sort();
        expected.sort();
        assert_eq!(got, expected);
        assert!(text.starts_with("{\"id\":\"nigeria/2021-06-01-borno.txt\",\"path\":"));
    }

    #[test]
    fn an_undated_article_has_no_published_and_empty_arrays() {
        let bare = StoredArticle {
            id: "x".into(),
            path: "/x".into(),
            title: "t".into(),
            body: "b".into(),
            ..StoredArticle::default()
        };
        let doc = document(&bare, "t".into(), "b".into(), &|_| true);
        assert_eq!(doc.get(remote::DATE), None);
        assert_eq!(doc.get(remote::PUBLISHED), None);
        for name in remote::KEYWORDS {
            assert_eq!(doc.get(name), Some(&Value::Array(Vec::new())), "{name}");
        }
    }

    #[test]
    fn fields_left_out_are_not_written() {
        let doc = document(&article(), "a".into(), "b".into(), &|name| {
            name != remote::BODY && name != remote::REGION
        });
        assert_eq!(doc.get(remote::BODY), None);
        assert_eq!(doc.get(remote::REGION), None);
        assert!(doc.get(remote::BODY_TERMS).is_some());
    }

    #[test]
    fn published_is_the_first_day_of_the_date() {
        assert_eq!(published("2021").as_deref(), Some("2021-01-01T00:00:00Z"));
        assert_eq!(
            published("2021-03-04").as_deref(),
            Some("2021-03-04T00:00:00Z")
        );
        assert_eq!(published("someday"), None);
    }
}
