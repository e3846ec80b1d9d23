//! What an export folder has sent so far: `export-state.tsv`, one line per
//! article exported (its id, then a fingerprint of its document), under a
//! header naming the target and the last export generation.
//!
//! The next export compares each article's document with it: only new
//! and changed documents are written again, and the ids it holds that the
//! index no longer does are deleted. It is replaced whole (written beside,
//! then renamed) once an export's files are complete, so an interrupted
//! export leaves the previous state, and the next run exports again what
//! the interrupted one did not finish.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::compact::{Fingerprints, StrMap};
use crate::error::{Error, Result};

/// The state file's name in an export folder.
pub(crate) const STATE_FILE: &str = "export-state.tsv";

/// The first word of the header line.
const MAGIC: &str = "sitrep-export-state";

/// The version of the file's layout.
const LAYOUT: u32 = 1;

/// The header of a state file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// `quickwit` or `opensearch`.
    pub(crate) target: String,
    /// The generation of the last complete export.
    pub(crate) generation: u32,
}

/// The fingerprint of a document line as the state file records it.
pub(crate) fn content_hash(line: &[u8]) -> u64 {
    // FNV-1a of the bytes, mixed with the length: stable across runs and
    // versions, as a recorded value must be.
    crate::corpus::fingerprint(line) ^ (line.len() as u64).rotate_left(32)
}

/// The state of the last export, held as fingerprints of the ids (not the
/// strings), each with its document's hash and whether this run has met
/// it in the index.
pub(crate) struct Previous {
    pub(crate) header: Header,
    prints: Fingerprints,
    entries: StrMap<Entry>,
    path: PathBuf,
}

struct Entry {
    hash: u64,
    seen: bool,
}

/// What the last export knew of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// Not exported before.
    New,
    /// Exported with the same document.
    Same,
    /// Exported with another document.
    Changed,
}

impl Previous {
    /// Reads the state file at `path`, or `None` when there is none.
    pub(crate) fn read(path: &Path) -> Result<Option<Previous>> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let mut lines = BufReader::new(file).lines();
        let header = match lines.next() {
            Some(line) => parse_header(&line.map_err(|e| Error::io(path, e))?)
                .ok_or_else(|| bad(path, 1, "is not the state of a sitrep export"))?,
            None => {
                return Err(bad(
                    path,
                    1,
                    "is empty; remove it to export everything again",
                ))
            }
        };
        let prints = Fingerprints::new();
        let mut entries = StrMap::new();
        each_entry_of(path, lines, &mut |id, hash| {
            entries.insert(&prints, id, Entry { hash, seen: false });
        })?;
        Ok(Some(Previous {
            header,
            prints,
            entries,
            path: path.to_path_buf(),
        }))
    }

    /// What the last export knew of the article `id` whose document now
    /// hashes to `hash`; marks it met.
    pub(crate) fn meet(&mut self, id: &str, hash: u64) -> Known {
        match self.entries.get_mut(&self.prints, id) {
            None => Known::New,
            Some(entry) => {
                entry.seen = true;
                if entry.hash == hash {
                    Known::Same
                } else {
                    Known::Changed
                }
            }
        }
    }

    /// Calls `each` with every id of the last export that [`Previous::meet`]
    /// was not called with: articles gone from the index. Reads the file
    /// again, so that the ids need not be held in memory.
    pub(crate) fn each_unmet(&self, each: &mut dyn FnMut(&str) -> Result<()>) -> Result<()> {
        let file = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut lines = BufReader::new(file).lines();
        lines.next();
        let mut result = Ok(());
        each_entry_of(&self.path, lines, &mut |id, _| {
            let met = self.entries.get(&self.prints, id).is_some_and(|e| e.seen);
            if !met && result.is_ok() {
                result = each(id);
            }
        })?;
        result
    }

    /// How many articles the last export held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Reads only the header of the state file at `path`, if there is one.
pub(crate) fn read_header(path: &Path) -> Result<Option<Header>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut first = String::new();
    BufReader::new(file)
        .read_line(&mut first)
        .map_err(|e| Error::io(path, e))?;
    parse_header(first.trim_end_matches(['\n', '\r']))
        .map(Some)
        .ok_or_else(|| bad(path, 1, "is not the state of a sitrep export"))
}

fn parse_header(line: &str) -> Option<Header> {
    let mut parts = line.split('\t');
    let (Some(MAGIC), Some(layout), Some(target), Some(generation), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if layout.parse::<u32>().ok()? != LAYOUT {
        return None;
    }
    Some(Header {
        target: target.to_owned(),
        generation: generation.parse().ok()?,
    })
}

fn each_entry_of(
    path: &Path,
    lines: std::io::Lines<BufReader<std::fs::File>>,
    each: &mut dyn FnMut(&str, u64),
) -> Result<()> {
    for (n, line) in lines.enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        let number = n + 2;
        let (id, hash) = line
            .rsplit_once('\t')
            .ok_or_else(|| bad(path, number, "is not `id TAB fingerprint`"))?;
        let hash = u64::from_str_radix(hash, 16)
            .map_err(|_| bad(path, number, "has a fingerprint that is not 16 hex digits"))?;
        let id = unescape(id).ok_or_else(|| bad(path, number, "has a bad escape in its id"))?;
        each(&id, hash);
    }
    Ok(())
}

fn bad(path: &Path, line: usize, message: &str) -> Error {
    Error::data(
        path,
        Some(line),
        format!("{message}; remove the file to export everything again (--full does not read it)"),
    )
}

/// Writes a new state file, line by line.
pub(crate) struct Writer {
    out: BufWriter<std::fs::File>,
    path: PathBuf,
}

impl Writer {
    /// Creates the file at `path` with its header.
    pub(crate) fn create(path: &Path, header: &Header) -> Result<Writer> {
        let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        let mut writer = Writer {
            out: BufWriter::new(file),
            path: path.to_path_buf(),
        };
        let line = format!(
            "{MAGIC}\t{LAYOUT}\t{}\t{}\n",
            header.target, header.generation
        );
        writer.write(line.as_bytes())?;
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Records that the article `id` was exported with a document hashing
    /// to `hash`.
    pub(crate) fn add(&mut self, id: &str, hash: u64) -> Result<()> {
        let line = format!("{}\t{hash:016x}\n", escape(id));
        self.write(line.as_bytes())
    }

    /// Flushes the file to disk.
    pub(crate) fn finish(self) -> Result<()> {
        let path = self.path;
        let file = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&path, e))
    }
}

/// An id on one line of the state file: backslash, tab and line breaks
/// escaped.
fn escape(id: &str) -> std::borrow::Cow<'_, str> {
    if !id.contains(['\\', '\t', '\n', '\r']) {
        return id.into();
    }
    let mut out = String::with_capacity(id.len() + 4);
    for c in id.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.into()
}

fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '\\' => '\\',
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_file_reads_back_with_awkward_ids() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        let header = Header {
            target: "quickwit".into(),
            generation: 7,
        };
        let ids = [
            "plain.txt",
            "tab\there",
            "line\nbreak\\n",
            "back\\slash",
            "é/ü.txt",
        ];
        let mut writer = Writer::create(&path, &header).unwrap();
        for (n, id) in ids.iter().enumerate() {
            writer.add(id, n as u64 * 1000).unwrap();
        }
        writer.finish().unwrap();
        assert_eq!(read_header(&path).unwrap(), Some(header.clone()));
        let mut previous = Previous::read(&path).unwrap().unwrap();
        assert_eq!(previous.header, header);
        assert_eq!(previous.len(), ids.len());
        assert_eq!(previous.meet("tab\there", 1000), Known::Same);
        assert_eq!(previous.meet("line\nbreak\\n", 1), Known::Changed);
        assert_eq!(previous.meet("new", 1), Known::New);
        let mut unmet = Vec::new();
        previous
            .each_unmet(&mut |id| {
                unmet.push(id.to_owned());
                Ok(())
            })
            .unwrap();
        assert_eq!(unmet, ["plain.txt", "back\\slash", "é/ü.txt"]);
    }

    #[test]
    fn a_damaged_state_file_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        std::fs::write(
            &path,
            "sitrep-export-state\t1\topensearch\t2\nok\t00ff\nbroken\n",
        )
        .unwrap();
        let err = Previous::read(&path).err().unwrap().to_string();
        assert!(err.contains("export-state.tsv:3"), "{err}");
        std::fs::write(&path, "something else\n").unwrap();
        let err = read_header(&path).unwrap_err().to_string();
        assert!(err.contains("not the state of a sitrep export"), "{err}");
        assert!(Previous::read(&dir.path().join("none")).unwrap().is_none());
    }

    #[test]
    fn content_hashes_differ_for_different_lines() {
        assert_ne!(
            content_hash(b"{\"id\":\"a\"}"),
            content_hash(b"{\"id\":\"b\"}")
        );
        assert_eq!(content_hash(b"same"), content_hash(b"same"));
    }
}
