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

    /// Where to find the article, as the text output prints it and `sitrep
    /// show` takes it: its file, and for a record of a JSON Lines or JSON
    /// file `file#id` (`file#N` for a record without an id of its own, N
    /// its line or position).
    pub fn location(&self) -> String {
        match self.record() {
            Some(record) => format!("{}#{record}", self.path),
            None => self.path.clone(),
        }
    }

    /// What follows `#` in [`Card::location`], for a record that may share
    /// its file with others.
    pub fn record(&self) -> Option<&str> {
        use crate::corpus::Format;
        let format = Format::of(std::path::Path::new(&self.path))?;
        if !format.holds_many() {
            return None;
        }
        // An id made from the file's path: `path#N`.
        if let Some((prefix, n)) = self.id.rsplit_once('#') {
            if self.path_ends_with(prefix) && n.parse::<usize>().is_ok() {
                return Some(n);
            }
        }
        // A file of one object, known by its path.
        if self.path_ends_with(&self.id) {
            return None;
        }
        Some(self.id.as_str())
    }

    /// Whether the file's path ends with the relative path `rel`.
    fn path_ends_with(&self, rel: &str) -> bool {
        let rel = rel.replace('/', std::path::MAIN_SEPARATOR_STR);
        self.path == rel
            || self
                .path
                .strip_suffix(&rel)
                .is_some_and(|head| head.ends_with(std::path::MAIN_SEPARATOR))
    }

    /// The publication year, if the date is known.
    pub fn year(&self) -> Option<u16> {
        self.date.as_deref()?.get(..4)?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, path: &str) -> Card {
        Card {
            id: id.into(),
            title: String::new(),
            date: None,
            source: None,
            url: None,
            path: path.into(),
            provinces: Vec::new(),
            actors: Vec::new(),
            actor_kinds: Vec::new(),
            mentioned_provinces: Vec::new(),
            mentioned_actors: Vec::new(),
            body: String::new(),
        }
    }

    #[test]
    fn records_are_located_in_their_file() {
        let feed = "/n/corpus/feeds/yemen.jsonl";
        assert_eq!(card("ye-1", feed).location(), format!("{feed}#ye-1"));
        assert_eq!(
            card("feeds/yemen.jsonl#2", feed).location(),
            format!("{feed}#2")
        );
        assert_eq!(
            card("corpus/feeds/yemen.jsonl#2", feed).location(),
            format!("{feed}#2")
        );
        // A one-article file is its own location.
        let one = "/n/corpus/one.json";
        assert_eq!(card("one.json", one).location(), one);
        assert_eq!(card("x-7", one).location(), format!("{one}#x-7"));
        let text = "/n/corpus/iraq/x.txt";
        assert_eq!(card("iraq/x.txt", text).location(), text);
        assert_eq!(card("own-id", text).location(), text);
    }
}
