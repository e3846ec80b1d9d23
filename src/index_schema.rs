//! The `index-schema/` folder as data: the schema and the gazetteers.
//!
//! [`SchemaFiles`] holds the files of an `index-schema/` folder in memory,
//! so an index can keep a copy of exactly the files that built it, and a
//! search can read the copy back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The files of an `index-schema/` folder, by path relative to it.
#[derive(Debug, Clone, Default)]
pub struct SchemaFiles {
    /// Where they were read from (for messages).
    pub root: PathBuf,
    files: BTreeMap<String, String>,
}

impl SchemaFiles {
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
        Ok(SchemaFiles {
            root: root.to_path_buf(),
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
            files,
        })
    }

    /// Files given as `(relative path, content)` pairs (for tests).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> SchemaFiles {
        SchemaFiles {
            root: PathBuf::from("index-schema"),
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
