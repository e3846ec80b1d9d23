//! The `index-schema/` folder as data: the schema and the gazetteers.
//!
//! [`SchemaFiles`] holds the files of an `index-schema/` folder in memory,
//! so an index can keep a copy of exactly the files that built it, and a
//! search can read the copy back. The default folder is built into the
//! program ([`SchemaFiles::built_in`]), so an installed `sitrep` works
//! from any folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The default `index-schema/` folder, built into the program by
/// `build.rs`: every `.toml`, `.txt` and `.md` file, by relative path.
const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/built_in_schema.rs"));

/// What [`SchemaSource`] is called for the built-in copy, in the stamp
/// and in messages.
pub const BUILT_IN_NAME: &str = "built-in";

/// Where the schema and gazetteers come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SchemaSource {
    /// The copy built into the program.
    #[default]
    BuiltIn,
    /// A folder (its absolute path, links resolved, when it exists).
    Folder(PathBuf),
}

impl SchemaSource {
    /// The source as the index's stamp records it: `built-in` or a path.
    pub fn recorded(&self) -> String {
        match self {
            SchemaSource::BuiltIn => BUILT_IN_NAME.to_owned(),
            SchemaSource::Folder(dir) => dir.to_string_lossy().into_owned(),
        }
    }

    /// The source a stamp recorded (see [`SchemaSource::recorded`]).
    pub fn from_recorded(text: &str) -> SchemaSource {
        if text == BUILT_IN_NAME {
            SchemaSource::BuiltIn
        } else {
            SchemaSource::Folder(PathBuf::from(text))
        }
    }
}

impl std::fmt::Display for SchemaSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaSource::BuiltIn => f.write_str("the built-in index-schema"),
            SchemaSource::Folder(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// Whether a file under an `index-schema/` folder is read as part of it:
/// the `.md` notes are documentation, not data.
fn is_data(rel: &str) -> bool {
    rel.ends_with(".toml") || rel.ends_with(".txt")
}

/// The files of an `index-schema/` folder, by path relative to it.
#[derive(Debug, Clone, Default)]
pub struct SchemaFiles {
    /// Where they were read from (for messages): the folder, or
    /// `built-in index-schema` for the built-in copy.
    pub root: PathBuf,
    /// Where they come from, as the index's stamp records it.
    pub source: SchemaSource,
    files: BTreeMap<String, String>,
}

impl SchemaFiles {
    /// The default `index-schema/` folder built into the program.
    pub fn built_in() -> SchemaFiles {
        SchemaFiles {
            root: PathBuf::from(format!("{BUILT_IN_NAME} index-schema")),
            source: SchemaSource::BuiltIn,
            files: BUILT_IN
                .iter()
                .filter(|(rel, _)| is_data(rel))
                .map(|(rel, text)| ((*rel).to_owned(), (*text).to_owned()))
                .collect(),
        }
    }

    /// Writes the built-in folder, its notes (`FORMAT.md`) included, into
    /// `dir`, which must not exist or be empty: a user's edits are never
    /// overwritten. Returns the number of files written.
    pub fn export_built_in(dir: &Path) -> Result<usize> {
        let occupied = std::fs::read_dir(dir)
            .map(|mut entries| entries.next().is_some())
            .unwrap_or(false);
        if occupied {
            return Err(Error::data(
                dir,
                None,
                "exists and is not empty; name a new folder (its files are never overwritten)",
            ));
        }
        let all = SchemaFiles {
            root: dir.to_path_buf(),
            source: SchemaSource::Folder(dir.to_path_buf()),
            files: BUILT_IN
                .iter()
                .map(|(rel, text)| ((*rel).to_owned(), (*text).to_owned()))
                .collect(),
        };
        all.write_to(dir)?;
        Ok(all.len())
    }

    /// The same files, recorded as coming from `source` (an index's own
    /// copy standing in for a folder that is gone).
    pub fn with_source(mut self, source: SchemaSource) -> SchemaFiles {
        self.source = source;
        self
    }

    /// Reads `schema.toml` and the `.toml` and `.txt` files under it
    /// (the gazetteers and their word lists).
    pub fn read_dir(root: &Path) -> Result<SchemaFiles> {
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(root).to_path_buf();
                Error::io(
                    path,
                    e.into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("walk failed")),
                )
            })?;
            let path = entry.path();
            let wanted = path.extension().is_some_and(|e| e == "toml" || e == "txt");
            if !entry.file_type().is_file() || !wanted {
                continue;
            }
            let rel: Vec<String> = path
                .strip_prefix(root)
                .unwrap_or(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            files.insert(rel.join("/"), text);
        }
        if !files.contains_key("schema.toml") {
            return Err(Error::data(
                root.join("schema.toml"),
                None,
                "missing: this does not look like an index-schema folder",
            ));
        }
        let source =
            SchemaSource::Folder(std::fs::canonicalize(root).unwrap_or_else(|_| {
                std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf())
            }));
        Ok(SchemaFiles {
            root: root.to_path_buf(),
            source,
            files,
        })
    }

    /// Reads only the files `rels` of the folder at `root` (a search
    /// needs schema.toml, not the gazetteers).
    pub fn read_only(root: &Path, rels: &[&str]) -> Result<SchemaFiles> {
        let mut files = BTreeMap::new();
        for rel in rels {
            let path = root.join(rel);
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            files.insert((*rel).to_owned(), text);
        }
        Ok(SchemaFiles {
            root: root.to_path_buf(),
            source: SchemaSource::Folder(root.to_path_buf()),
            files,
        })
    }

    /// Files given as `(relative path, content)` pairs (for tests).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> SchemaFiles {
        SchemaFiles {
            root: PathBuf::from("index-schema"),
            source: SchemaSource::Folder(PathBuf::from("index-schema")),
            files: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// The file at `rel`, with its full path for messages.
    pub fn get(&self, rel: &str) -> Result<(PathBuf, &str)> {
        let path = self.root.join(rel);
        match self.files.get(rel) {
            Some(text) => Ok((path, text.as_str())),
            None => Err(Error::data(path, None, "missing file")),
        }
    }

    /// The files whose relative path starts with `prefix`, sorted.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (PathBuf, &'a str)> + 'a {
        self.files
            .range(prefix.to_owned()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (self.root.join(k), v.as_str()))
    }

    /// A fingerprint of the files under `prefix` (names and contents).
    pub fn digest(&self, prefix: &str) -> String {
        let mut bytes = Vec::new();
        for (name, text) in self.files.range(prefix.to_owned()..) {
            if !name.starts_with(prefix) {
                break;
            }
            bytes.extend(name.as_bytes());
            bytes.push(0);
            bytes.extend(text.as_bytes());
            bytes.push(0);
        }
        format!("{:016x}", crate::corpus::fingerprint(&bytes))
    }

    /// Writes the files into `dir`, creating folders as needed.
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        for (rel, text) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_copy_is_the_repository_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema");
        let folder = SchemaFiles::read_dir(&dir).unwrap();
        let built_in = SchemaFiles::built_in();
        assert_eq!(built_in.source, SchemaSource::BuiltIn);
        assert_eq!(built_in.len(), folder.len());
        // Switching between them never re-extracts an index.
        assert_eq!(built_in.digest(""), folder.digest(""));
        assert!(built_in.get("schema.toml").is_ok());
        assert_eq!(
            SchemaSource::from_recorded(&built_in.source.recorded()),
            SchemaSource::BuiltIn
        );
    }
}
