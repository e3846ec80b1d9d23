//! ⑥ Search, continued: the names a search needs, without loading the
//! gazetteers.
//!
//! A search asks the gazetteers two things: does a query word or phrase
//! name an actor or a province (to widen it), and which facet paths does a
//! filter value name. Building the gazetteers from their TOML files takes
//! tens of milliseconds, many times what tantivy needs to answer a query,
//! so the indexer writes every answer into a [`NameTable`] in the index
//! folder: one sorted line per folded alias, looked up by binary search in
//! the file's text, with no parsing at start-up. The full gazetteers are
//! loaded only for what the table cannot answer: an unknown value (to
//! suggest the closest names) or a `Country/Province` path.
//!
//! The table starts with a line naming the gazetteer digest it was made
//! from and the length and fingerprint of the lines after it; a table that
//! does not match the index's stamp, or is damaged or cut short, is not
//! used (searches load the gazetteers instead) and the next `sitrep index`
//! writes it again.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::analyzer;
use crate::error::{Error, Result};
use crate::fields::FacetKind;
use crate::gazetteer::Gazetteer;
use crate::index_schema::SchemaFiles;

/// The file in the index folder.
pub const NAME_TABLE_FILE: &str = "names.tsv";

/// Version 4: the checksum is [`checksum`], no longer the byte-at-a-time
/// file fingerprint.
const HEADER: &str = "sitrep name table 4";

/// The first line of a table made from the gazetteers of digest `digest`,
/// whose lines after the first are `body`.
fn header_line(digest: &str, body: &[u8]) -> String {
    format!("{HEADER} {digest} {} {:016x}", body.len(), checksum(body))
}

/// A checksum of the table's lines, which every search verifies: a
/// damaged or cut table must not widen a query wrongly. It reads eight
/// bytes a step; the byte-at-a-time fingerprint took about 4 ms of a
/// 25 ms search on a 6 MB table.
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// Separates the values of one list in a line.
const LIST_SEPARATOR: char = '\u{1f}';

/// Writes the name table of `gazetteer` (whose digest is `digest`).
pub fn table_text(gazetteer: &Gazetteer, digest: &str) -> String {
    let mut keys: Vec<&str> = gazetteer.alias_phrases().collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = String::new();
    for key in keys {
        if key.is_empty() || key.contains(['\t', '\n']) {
            continue;
        }
        let expansion = match gazetteer.expansion(key) {
            Some((kind, label)) => format!("{}:{label}", kind_letter(kind)),
            None => String::new(),
        };
        let list = |kind| {
            gazetteer
                .resolve_known(kind, key)
                .join(&LIST_SEPARATOR.to_string())
        };
        out.push_str(&format!(
            "{key}\t{expansion}\t{}\t{}\t{}\t{}\n",
            list(FacetKind::Country),
            list(FacetKind::Province),
            list(FacetKind::Actor),
            list(FacetKind::Region)
        ));
    }
    format!("{}\n{out}", header_line(digest, out.as_bytes()))
}

fn kind_letter(kind: FacetKind) -> char {
    match kind {
        FacetKind::Actor => 'a',
        FacetKind::Province => 'p',
        FacetKind::Country => 'c',
        FacetKind::Region => 'r',
        FacetKind::Year => 'y',
        FacetKind::ActorKind => 'k',
    }
}

/// The precomputed answers, as the bytes of the table file: only the
/// lines a search looks at are checked to be UTF-8, not the whole table.
#[derive(Debug)]
pub struct NameTable {
    text: Vec<u8>,
    body: usize,
}

impl NameTable {
    /// Reads the table at `path`, if it exists, was made from the
    /// gazetteers of digest `digest`, and is whole.
    pub fn read(path: &Path, digest: &str) -> Option<NameTable> {
        // A regular file only: a named pipe would never end.
        if !std::fs::metadata(path).ok()?.is_file() {
            return None;
        }
        let text = std::fs::read(path).ok()?;
        let first = text.split(|&b| b == b'\n').next()?;
        let body = text.get(first.len() + 1..)?;
        if first != header_line(digest, body).as_bytes() {
            return None;
        }
        Some(NameTable {
            body: first.len() + 1,
            text,
        })
    }

    /// Whether the table at `path` was made from the gazetteers of digest
    /// `digest` and is whole.
    pub fn is_current(path: &Path, digest: &str) -> bool {
        NameTable::read(path, digest).is_some()
    }

    /// The line of folded alias `key`, by binary search over the sorted
    /// lines.
    fn line(&self, key: &str) -> Option<&str> {
        let bytes = self.text.get(self.body..)?;
        // `lo` is always at a line start; the answer, if any, lies in
        // lo..hi.
        let (mut lo, mut hi) = (0usize, bytes.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = bytes
                .get(..mid)?
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
                .max(lo);
            let end = bytes
                .get(start..)?
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| start + p);
            let line = bytes.get(start..end)?;
            let line_key = line.split(|&b| b == b'\t').next().unwrap_or(b"");
            match line_key.cmp(key.as_bytes()) {
                std::cmp::Ordering::Equal => return std::str::from_utf8(line).ok(),
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = start,
            }
        }
        None
    }

    /// See [`Gazetteer::expansion`].
    pub fn expansion(&self, phrase: &str) -> Option<(FacetKind, String)> {
        let line = self.line(&analyzer::fold_phrase(phrase))?;
        let field = line.split('\t').nth(1)?;
        let (letter, label) = field.split_once(':')?;
        let kind = match letter {
            "a" => FacetKind::Actor,
            "p" => FacetKind::Province,
            _ => return None,
        };
        Some((kind, label.to_owned()))
    }

    /// The paths `value` names as a `kind` filter, when the table knows
    /// the value.
    pub fn resolve(&self, kind: FacetKind, value: &str) -> Option<Vec<String>> {
        let line = self.line(&analyzer::fold_phrase(value))?;
        let column = match kind {
            FacetKind::Country => 2,
            FacetKind::Province => 3,
            FacetKind::Actor => 4,
            FacetKind::Region => 5,
            // Years and kinds are not names: the table holds none.
            FacetKind::Year | FacetKind::ActorKind => return None,
        };
        let list = line.split('\t').nth(column)?;
        let paths: Vec<String> = list
            .split(LIST_SEPARATOR)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        (!paths.is_empty()).then_some(paths)
    }
}

/// What a search knows about names: the table when the index has one, and
/// the full gazetteers, loaded from the index's copy only when needed.
pub struct Names {
    table: Option<NameTable>,
    schema_copy: PathBuf,
    full: OnceLock<std::result::Result<Gazetteer, String>>,
}

impl Names {
    /// Names from `table`, or (without one) from the gazetteers of the
    /// index's copy of index-schema at `schema_copy`, loaded at once.
    pub fn new(
        table: Option<NameTable>,
        schema_copy: PathBuf,
        files: &SchemaFiles,
    ) -> Result<Names> {
        let names = Names {
            table,
            schema_copy,
            full: OnceLock::new(),
        };
        if names.table.is_none() {
            let loaded = Gazetteer::load(files).map_err(|e| e.chain());
            if let Err(reason) = &loaded {
                return Err(Error::data(&names.schema_copy, None, reason.clone()));
            }
            let _ = names.full.set(loaded);
        }
        Ok(names)
    }

    /// Whether the precomputed table is in use (no gazetteer loaded yet).
    pub fn has_table(&self) -> bool {
        self.table.is_some()
    }

    /// The full gazetteers.
    pub fn gazetteer(&self) -> Result<&Gazetteer> {
        let loaded = self.full.get_or_init(|| {
            SchemaFiles::read_dir(&self.schema_copy)
                .and_then(|files| Gazetteer::load(&files))
                .map_err(|e| e.chain())
        });
        loaded
            .as_ref()
            .map_err(|reason| Error::data(&self.schema_copy, None, reason.clone()))
    }

    /// The actor or province a query word or phrase names, if exactly one.
    pub fn expansion(&self, phrase: &str) -> Option<(FacetKind, String)> {
        match &self.table {
            Some(table) => table.expansion(phrase),
            None => self.gazetteer().ok()?.expansion(phrase),
        }
    }

    /// The facet paths a filter value names; an unknown value is an error
    /// that suggests the closest names.
    pub fn resolve(&self, kind: FacetKind, value: &str) -> Result<Vec<String>> {
        if let Some(paths) = self.table.as_ref().and_then(|t| t.resolve(kind, value)) {
            return Ok(paths);
        }
        self.gazetteer()?.resolve(kind, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::tests::small;

    fn table(g: &Gazetteer) -> NameTable {
        let text = table_text(g, "d1");
        let body = text.lines().next().map_or(0, |l| l.len() + 1);
        NameTable {
            text: text.into_bytes(),
            body,
        }
    }

    #[test]
    fn the_table_answers_as_the_gazetteers_do() {
        let g = small();
        let t = table(&g);
        let mut keys: Vec<&str> = g.alias_phrases().collect();
        keys.sort_unstable();
        assert!(!keys.is_empty());
        for key in keys {
            // Keys are already folded: folding them again changes nothing.
            assert_eq!(analyzer::fold_phrase(key), key);
            assert_eq!(t.expansion(key), g.expansion(key), "{key}");
            for kind in [
                FacetKind::Country,
                FacetKind::Province,
                FacetKind::Actor,
                FacetKind::Region,
            ] {
                let known = g.resolve_known(kind, key);
                let expected = (!known.is_empty()).then_some(known);
                assert_eq!(t.resolve(kind, key), expected, "{key} {kind:?}");
            }
        }
        // Unfolded input is folded before the lookup.
        assert_eq!(
            t.resolve(FacetKind::Province, "NINAWA"),
            g.resolve(FacetKind::Province, "NINAWA").ok()
        );
        assert_eq!(t.resolve(FacetKind::Actor, "no such group"), None);
        assert_eq!(t.expansion("zzzz"), None);
    }

    #[test]
    fn a_table_of_other_gazetteers_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NAME_TABLE_FILE);
        std::fs::write(&path, table_text(&small(), "d1")).unwrap();
        assert!(NameTable::read(&path, "d1").is_some());
        assert!(NameTable::read(&path, "d2").is_none());
        assert!(NameTable::is_current(&path, "d1"));
        assert!(!NameTable::is_current(&path, "d2"));
        assert!(NameTable::read(&dir.path().join("missing"), "d1").is_none());
    }

    #[test]
    fn a_table_cut_short_or_changed_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NAME_TABLE_FILE);
        let text = table_text(&small(), "d1");
        std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        assert!(NameTable::read(&path, "d1").is_none());
        assert!(!NameTable::is_current(&path, "d1"));
        let mut flipped = text.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] ^= 1;
        std::fs::write(&path, flipped).unwrap();
        assert!(NameTable::read(&path, "d1").is_none());
        std::fs::write(&path, &text).unwrap();
        assert!(NameTable::is_current(&path, "d1"));
    }
}
