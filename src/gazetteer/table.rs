//! ⑥ Search, continued: the names a search needs, without loading the
//! gazetteers.
//!
//! A search asks the gazetteers two things: does a query word or phrase
//! name an actor or a province (to widen it), and which facet paths does a
//! filter value name. Building the gazetteers from their TOML files takes
//! tens of milliseconds, many times what tantivy needs to answer a query,
//! so the indexer writes every answer into a [`NameTable`] in the index
//! folder: one sorted line per folded alias. A search looks a name up by
//! binary search over the file, reading the twenty-odd lines it visits and
//! nothing else. The full gazetteers are loaded only for what the table
//! cannot answer: an unknown value (to suggest the closest names) or a
//! `Country/Province` path.
//!
//! The table starts with a line naming the gazetteer digest it was made
//! from and the length and checksum of the lines after it, and each line
//! ends with a checksum of its own. A search checks the length and every
//! line it reads: a table cut short, or a damaged line on a lookup's path,
//! is not used (the search loads the gazetteers instead). `sitrep index`
//! checks the whole table and writes it again when it does not match.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::analyzer;
use crate::error::{Error, Result};
use crate::fields::FacetKind;
use crate::gazetteer::Gazetteer;
use crate::index_schema::SchemaFiles;

/// The file in the index folder.
pub const NAME_TABLE_FILE: &str = "names.tsv";

/// Version 5: each line ends with a checksum of its own, so that a search
/// reads only the lines it needs; version 4 was read and checked whole by
/// every search (about 1.3 ms of a 10 ms search on a 6 MB table).
const HEADER: &str = "sitrep name table 5";

/// The first line of a table made from the gazetteers of digest `digest`,
/// whose lines after the first are `body`.
fn header_line(digest: &str, body: &[u8]) -> String {
    format!("{HEADER} {digest} {} {:016x}", body.len(), checksum(body))
}

/// A checksum of the table's lines, which each index run verifies: a
/// damaged or cut table must not widen a query wrongly.
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
        let line = format!(
            "{key}\t{expansion}\t{}\t{}\t{}\t{}",
            list(FacetKind::Country),
            list(FacetKind::Province),
            list(FacetKind::Actor),
            list(FacetKind::Region)
        );
        out.push_str(&format!("{line}\t{}\n", line_checksum(line.as_bytes())));
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

/// The checksum that ends each line of the table, over the line before
/// its last tab: eight hex digits.
fn line_checksum(line: &[u8]) -> String {
    format!("{:08x}", checksum(line) as u32)
}

/// A table that a lookup found damaged: the search asks the gazetteers.
#[derive(Debug, PartialEq, Eq)]
pub struct Damaged;

/// How many bytes a lookup reads at a time: most lines are shorter.
const READ_SIZE: usize = 512;

/// The precomputed answers: the table file, read a line at a time.
#[derive(Debug)]
pub struct NameTable {
    file: File,
    /// Where the lines start in the file.
    body_start: u64,
    /// How many bytes of lines follow the header.
    body_len: u64,
}

impl NameTable {
    /// Opens the table at `path`, if it exists, was made from the
    /// gazetteers of digest `digest`, and has the length its header says.
    /// Its lines are checked as lookups read them.
    pub fn read(path: &Path, digest: &str) -> Option<NameTable> {
        let mut file = File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        // A regular file only: a named pipe would never end.
        if !meta.is_file() {
            return None;
        }
        let mut head = Vec::new();
        (&mut file)
            .take(READ_SIZE as u64)
            .read_to_end(&mut head)
            .ok()?;
        let header = head.split(|&b| b == b'\n').next()?;
        if header.len() == head.len() {
            return None;
        }
        let header = std::str::from_utf8(header).ok()?;
        let rest = header.strip_prefix(&format!("{HEADER} {digest} "))?;
        let body_len: u64 = rest.split(' ').next()?.parse().ok()?;
        let body_start = header.len() as u64 + 1;
        if meta.len() != body_start.checked_add(body_len)? {
            return None;
        }
        Some(NameTable {
            file,
            body_start,
            body_len,
        })
    }

    /// Whether the table at `path` was made from the gazetteers of digest
    /// `digest` and is whole: every byte checked.
    pub fn is_current(path: &Path, digest: &str) -> bool {
        // A regular file only: a named pipe would never end.
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            return false;
        }
        let Ok(text) = std::fs::read(path) else {
            return false;
        };
        let Some(first) = text.split(|&b| b == b'\n').next() else {
            return false;
        };
        let body = text.get(first.len() + 1..).unwrap_or_default();
        // The header's checksum covers every line.
        first == header_line(digest, body).as_bytes()
    }

    /// Up to `len` bytes of the lines from `offset` on (fewer at the end).
    fn bytes_at(&self, offset: u64, len: usize) -> Result<Vec<u8>, Damaged> {
        let len = len.min(self.body_len.saturating_sub(offset) as usize);
        let mut file = &self.file;
        file.seek(SeekFrom::Start(self.body_start + offset))
            .map_err(|_| Damaged)?;
        let mut buf = Vec::with_capacity(len);
        match file.take(len as u64).read_to_end(&mut buf) {
            Ok(got) if got == len => Ok(buf),
            // Shorter than its header said: cut while in use.
            _ => Err(Damaged),
        }
    }

    /// Where the first line at or after `at` starts (the end of the lines
    /// if none does), `at` being past the start of a line.
    fn next_line_start(&self, at: u64) -> Result<u64, Damaged> {
        let mut from = at - 1;
        while from < self.body_len {
            let chunk = self.bytes_at(from, READ_SIZE)?;
            if let Some(p) = chunk.iter().position(|&b| b == b'\n') {
                return Ok(from + p as u64 + 1);
            }
            from += chunk.len() as u64;
        }
        Ok(self.body_len)
    }

    /// The line that starts at `start`, without its newline, and where it
    /// ends.
    fn line_at(&self, start: u64) -> Result<(Vec<u8>, u64), Damaged> {
        let mut line = Vec::new();
        loop {
            let from = start + line.len() as u64;
            if from >= self.body_len {
                // The last line has no newline: the table is cut.
                return Err(Damaged);
            }
            let chunk = self.bytes_at(from, READ_SIZE)?;
            match chunk.iter().position(|&b| b == b'\n') {
                Some(p) => {
                    line.extend_from_slice(chunk.get(..p).unwrap_or_default());
                    return Ok((line, from + p as u64));
                }
                None => line.extend_from_slice(&chunk),
            }
        }
    }

    /// The line of folded alias `key` (checksum removed), by binary search
    /// over the sorted lines, each line read checked.
    fn line(&self, key: &str) -> Result<Option<String>, Damaged> {
        // `lo` is always at a line start; the answer, if any, starts in
        // lo..hi.
        let (mut lo, mut hi) = (0u64, self.body_len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = match mid == lo {
                true => lo,
                false => self.next_line_start(mid)?,
            };
            if start >= hi {
                // No line starts in mid..hi.
                hi = mid;
                continue;
            }
            let (line, end) = self.line_at(start)?;
            let line = checked(&line)?;
            let line_key = line.split('\t').next().unwrap_or("");
            match line_key.cmp(key) {
                std::cmp::Ordering::Equal => return Ok(Some(line.to_owned())),
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = start,
            }
        }
        Ok(None)
    }

    /// See [`Gazetteer::expansion`].
    pub fn expansion(&self, phrase: &str) -> Result<Option<(FacetKind, String)>, Damaged> {
        let Some(line) = self.line(&analyzer::fold_phrase(phrase))? else {
            return Ok(None);
        };
        let expansion = || {
            let field = line.split('\t').nth(1)?;
            let (letter, label) = field.split_once(':')?;
            let kind = match letter {
                "a" => FacetKind::Actor,
                "p" => FacetKind::Province,
                _ => return None,
            };
            Some((kind, label.to_owned()))
        };
        Ok(expansion())
    }

    /// The paths `value` names as a `kind` filter, when the table knows
    /// the value.
    pub fn resolve(&self, kind: FacetKind, value: &str) -> Result<Option<Vec<String>>, Damaged> {
        let Some(line) = self.line(&analyzer::fold_phrase(value))? else {
            return Ok(None);
        };
        Ok(paths_in(&line, kind))
    }
}

/// A line of the table without its checksum, if the checksum matches and
/// the line is UTF-8.
fn checked(line: &[u8]) -> Result<&str, Damaged> {
    let split = line.iter().rposition(|&b| b == b'\t').ok_or(Damaged)?;
    let (content, sum) = (line.get(..split).ok_or(Damaged)?, line.get(split + 1..));
    if sum != Some(line_checksum(content).as_bytes()) {
        return Err(Damaged);
    }
    std::str::from_utf8(content).map_err(|_| Damaged)
}

/// The paths of a `kind` filter in a table line.
fn paths_in(line: &str, kind: FacetKind) -> Option<Vec<String>> {
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
        match self.table.as_ref().map(|t| t.expansion(phrase)) {
            Some(Ok(answer)) => answer,
            // No table, or a damaged line on the way: the gazetteers.
            Some(Err(Damaged)) | None => self.gazetteer().ok()?.expansion(phrase),
        }
    }

    /// The facet paths a filter value names; an unknown value is an error
    /// that suggests the closest names.
    pub fn resolve(&self, kind: FacetKind, value: &str) -> Result<Vec<String>> {
        if let Some(Ok(Some(paths))) = self.table.as_ref().map(|t| t.resolve(kind, value)) {
            return Ok(paths);
        }
        self.gazetteer()?.resolve(kind, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::tests::small;

    /// The table of `g`, written in a temporary folder.
    fn table(g: &Gazetteer) -> (tempfile::TempDir, NameTable) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NAME_TABLE_FILE);
        std::fs::write(&path, table_text(g, "d1")).unwrap();
        let table = NameTable::read(&path, "d1").unwrap();
        (dir, table)
    }

    #[test]
    fn the_table_answers_as_the_gazetteers_do() {
        let g = small();
        let (_dir, t) = table(&g);
        let mut keys: Vec<&str> = g.alias_phrases().collect();
        keys.sort_unstable();
        assert!(!keys.is_empty());
        for key in keys {
            // Keys are already folded: folding them again changes nothing.
            assert_eq!(analyzer::fold_phrase(key), key);
            assert_eq!(t.expansion(key), Ok(g.expansion(key)), "{key}");
            for kind in [
                FacetKind::Country,
                FacetKind::Province,
                FacetKind::Actor,
                FacetKind::Region,
            ] {
                let known = g.resolve_known(kind, key);
                let expected = (!known.is_empty()).then_some(known);
                assert_eq!(t.resolve(kind, key), Ok(expected), "{key} {kind:?}");
            }
        }
        // Unfolded input is folded before the lookup.
        assert_eq!(
            t.resolve(FacetKind::Province, "NINAWA"),
            Ok(g.resolve(FacetKind::Province, "NINAWA").ok())
        );
        for absent in ["no such group", "", "0", "zzzz", "\u{10ffff}"] {
            assert_eq!(t.resolve(FacetKind::Actor, absent), Ok(None), "{absent}");
            assert_eq!(t.expansion(absent), Ok(None), "{absent}");
        }
    }

    #[test]
    fn lines_longer_than_one_read_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NAME_TABLE_FILE);
        let long = "p".repeat(3 * READ_SIZE);
        let mut body = String::new();
        for key in ["a", long.as_str(), "q", "r"] {
            let line = format!("{key}\ta:{key}\t\t\t{long}\t");
            body.push_str(&format!("{line}\t{}\n", line_checksum(line.as_bytes())));
        }
        std::fs::write(
            &path,
            format!("{}\n{body}", header_line("d1", body.as_bytes())),
        )
        .unwrap();
        let t = NameTable::read(&path, "d1").unwrap();
        assert!(NameTable::is_current(&path, "d1"));
        for key in ["a", long.as_str(), "q", "r"] {
            let found = t.expansion(key).unwrap().map(|(_, label)| label);
            assert_eq!(found.as_deref(), Some(key));
            assert_eq!(
                t.resolve(FacetKind::Actor, key),
                Ok(Some(vec![long.clone()]))
            );
        }
        assert_eq!(t.expansion("b"), Ok(None));
        assert_eq!(t.expansion("zz"), Ok(None));
    }

    #[test]
    fn a_damaged_line_on_the_way_sends_the_lookup_to_the_gazetteers() {
        let g = small();
        let (dir, _) = table(&g);
        let path = dir.path().join(NAME_TABLE_FILE);
        let text = std::fs::read(&path).unwrap();
        let key = g.alias_phrases().next().unwrap().to_owned();
        let at = text
            .windows(key.len() + 2)
            .position(|w| w == format!("\n{key}\t").as_bytes())
            .unwrap();
        let mut flipped = text.clone();
        flipped[at + key.len() + 3] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let t = NameTable::read(&path, "d1").unwrap();
        assert_eq!(t.expansion(&key), Err(Damaged));
        assert!(!NameTable::is_current(&path, "d1"));
        let full = OnceLock::new();
        let _ = full.set(Ok(small()));
        let names = Names {
            table: Some(t),
            schema_copy: dir.path().to_path_buf(),
            full,
        };
        assert_eq!(names.expansion(&key), g.expansion(&key));
        for kind in [FacetKind::Country, FacetKind::Province, FacetKind::Actor] {
            assert_eq!(names.resolve(kind, &key).ok(), g.resolve(kind, &key).ok());
        }
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
        assert!(!NameTable::is_current(&path, "d1"));
        std::fs::write(&path, format!("{text}extra\n")).unwrap();
        assert!(NameTable::read(&path, "d1").is_none());
        std::fs::write(&path, &text).unwrap();
        assert!(NameTable::is_current(&path, "d1"));
    }
}
