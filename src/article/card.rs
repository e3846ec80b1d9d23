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
    /// Event actors as paths (`Parent/Child`), in order of first mention.
    pub actors: Vec<String>,
    /// The kinds of the event actors (`jihadist group`…), each once.
    pub actor_kinds: Vec<String>,
    /// Every place mentioned, whatever its role, as `provinces`.
    pub mentioned_provinces: Vec<String>,
    /// Every actor mentioned, whatever its role, as `actors`.
    pub mentioned_actors: Vec<String>,
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
            actor_kinds: Vec::new(),
            mentioned_provinces: Vec::new(),
            mentioned_actors: Vec::new(),
            body: article.body,
        }
    }

    /// The places mentioned that are not event places.
    pub fn other_provinces(&self) -> impl Iterator<Item = &String> {
        self.mentioned_provinces
            .iter()
            .filter(|p| !self.provinces.contains(p))
    }

    /// The actors mentioned that are not event actors.
    pub fn other_actors(&self) -> impl Iterator<Item = &String> {
        self.mentioned_actors
            .iter()
            .filter(|a| !self.actors.contains(a))
    }

    /// The publication year, if the date is known.
    pub fn year(&self) -> Option<u16> {
        self.date.as_deref()?.get(..4)?.parse().ok()
    }
}
