//! The cluster engines sitrep can search, as a table: where each one
//! answers the Elasticsearch-compatible calls sitrep makes. A third
//! engine speaking the same subset is one more row.

use std::fmt;
use std::str::FromStr;

/// A cluster engine: its name and the paths of the calls sitrep makes,
/// `{index}` standing for the index name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Engine {
    /// The name users give (`--remote-engine`).
    pub name: &'static str,
    /// Several searches in one request (`_msearch`, NDJSON).
    pub msearch: &'static str,
    /// Which fields the index has (`_field_caps`).
    pub field_caps: &'static str,
    /// A GET that only this engine answers with 200, to tell it apart.
    pub probe: &'static str,
}

/// Quickwit 0.9: the Elasticsearch-compatible API under `/api/v1/_elastic`.
pub const QUICKWIT: Engine = Engine {
    name: "quickwit",
    msearch: "/api/v1/_elastic/_msearch",
    field_caps: "/api/v1/_elastic/{index}/_field_caps",
    probe: "/api/v1/version",
};

/// OpenSearch (and Elasticsearch): the API at the root.
pub const OPENSEARCH: Engine = Engine {
    name: "opensearch",
    msearch: "/_msearch",
    field_caps: "/{index}/_field_caps",
    probe: "/",
};

/// Every engine, the one probed first first.
pub const ENGINES: [Engine; 2] = [QUICKWIT, OPENSEARCH];

impl Engine {
    /// `path` with the index name put in.
    pub fn path(&self, path: &str, index: &str) -> String {
        path.replace("{index}", &encode_segment(index))
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// An engine name sitrep does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown engine {0:?}: use quickwit or opensearch")]
pub struct UnknownEngine(pub String);

impl FromStr for Engine {
    type Err = UnknownEngine;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let name = text.trim().to_lowercase();
        let name = if name == "elasticsearch" {
            "opensearch"
        } else {
            &name
        };
        ENGINES
            .into_iter()
            .find(|e| e.name == name)
            .ok_or_else(|| UnknownEngine(text.to_owned()))
    }
}

/// `text` as one path segment: everything but unreserved characters
/// percent-encoded, so an index name cannot reach another path.
pub(crate) fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!("Quickwit".parse::<Engine>(), Ok(QUICKWIT));
        assert_eq!("opensearch".parse::<Engine>(), Ok(OPENSEARCH));
        assert_eq!("elasticsearch".parse::<Engine>(), Ok(OPENSEARCH));
        assert!("solr".parse::<Engine>().is_err());
    }

    #[test]
    fn index_names_stay_one_segment() {
        assert_eq!(
            QUICKWIT.path(QUICKWIT.field_caps, "news"),
            "/api/v1/_elastic/news/_field_caps"
        );
        assert_eq!(
            OPENSEARCH.path(OPENSEARCH.field_caps, "../_all x"),
            "/..%2F_all%20x/_field_caps"
        );
    }
}
