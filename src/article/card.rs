//! An article as sitrep shows it.

use serde::Serialize;

/// An article as sitrep shows it: a hit's article, `sitrep show`, and
/// `sitrep extract`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// The article's id.
    pub id: String,
    /// The headline.
    pub title: String,
    /// Publication date (ISO 8601), if known.
    pub date: Option<String>,
    /// Publisher, if known.
    pub source: Option<String>,
    /// Address, if known.
    pub url: Option<String>,
    /// The file it was read from.
    pub path: String,
    /// `Country/Province` or `Country` values, in order of first mention.
    pub provinces: Vec<String>,
    /// Canonical actor names, in order of first mention.
    pub actors: Vec<String>,
    /// The text.
    pub body: String,
}

impl Card {
    /// The card of `article`, read from `path`, with the places and actors
    /// extracted from it.
    pub fn new(
        article: super::Article,
        path: String,
        provinces: Vec<String>,
        actors: Vec<String>,
    ) -> Card {
        Card {
            id: article.id,
            title: article.title,
            date: article.date.map(|d| d.to_string()),
            source: article.source,
            url: article.url,
            path,
            provinces,
            actors,
            body: article.body,
        }
    }

    /// The publication year, if the date is known.
    pub fn year(&self) -> Option<u16> {
        self.date.as_deref()?.get(..4)?.parse().ok()
    }
}
