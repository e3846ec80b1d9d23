//! Article ids made from paths: the same however a PATH is spelled, and
//! never shared by two PATHs that hold the same relative path.
//!
//! An article without an id of its own is known by its file's path
//! relative to an *id root*. The index's stamp records its id roots (each
//! PATH, its links resolved, the first time it is indexed), so that
//! `corpus`, `./corpus/`, an absolute path or a link to it give the same
//! ids, and so does a later run given only `corpus/iraq`: a PATH inside a
//! recorded root keeps that root's ids. A file's id root is the innermost
//! recorded root holding it.
//!
//! When files under two id roots have the same relative path
//! (`A/iraq/x.txt` and `B/iraq/x.txt`), both are *qualified*: their ids
//! start with their root's path from where the roots part (`A/iraq/x.txt`,
//! `B/iraq/x.txt`), whatever the order of the PATHs, and go back to the
//! plain relative path when the clash is gone.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::corpus::is_inside;

/// A folder (or file) whose articles' ids are paths relative to `base`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRoot {
    /// The PATH as first indexed, its links resolved.
    pub path: String,
    /// What ids are relative to: the folder itself, or a file's folder.
    pub base: String,
}

impl IdRoot {
    /// The id root of the existing PATH `path`, links resolved.
    pub(crate) fn of(path: &Path) -> Option<IdRoot> {
        let real = std::fs::canonicalize(path).ok()?;
        let base = if real.is_file() {
            real.parent()?.to_path_buf()
        } else {
            real.clone()
        };
        Some(IdRoot {
            path: real.to_string_lossy().into_owned(),
            base: base.to_string_lossy().into_owned(),
        })
    }
}

/// Adds to `recorded` the roots of `paths` that no recorded root or other
/// PATH holds (a PATH inside one keeps its ids).
pub(crate) fn record_roots(recorded: &mut Vec<IdRoot>, paths: &[IdRoot]) {
    for root in paths {
        let held = recorded.iter().any(|r| is_inside(&root.path, &r.path))
            || paths
                .iter()
                .any(|other| other.path != root.path && is_inside(&root.path, &other.path));
        if !held {
            recorded.push(root.clone());
        }
    }
}

/// The innermost of `roots` that holds the file with key `key`.
pub(crate) fn root_of<'a>(roots: &'a [IdRoot], key: &str) -> Option<&'a IdRoot> {
    roots
        .iter()
        .filter(|r| is_inside(key, &r.path))
        .max_by_key(|r| r.path.len())
}

/// The path of `key` relative to `base`, with `/` between its parts.
pub(crate) fn relative(key: &str, base: &str) -> String {
    let parts: Vec<String> = Path::new(key)
        .strip_prefix(base)
        .unwrap_or(Path::new(key))
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Relative paths held under more than one id root, with those roots'
/// bases.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Clashes(HashMap<String, BTreeSet<String>>);

impl Clashes {
    /// The clashes among the files `keys`.
    pub(crate) fn among<'a>(roots: &[IdRoot], keys: impl Iterator<Item = &'a str>) -> Clashes {
        let mut bases: HashMap<String, BTreeSet<String>> = HashMap::new();
        for key in keys {
            if let Some(root) = root_of(roots, key) {
                bases
                    .entry(relative(key, &root.base))
                    .or_default()
                    .insert(root.base.clone());
            }
        }
        bases.retain(|_, b| b.len() > 1);
        Clashes(bases)
    }

    /// Whether there is no clash at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The path the ids of the file `key` are made from: relative to its
    /// id root, qualified when it clashes; `None` outside every root.
    pub(crate) fn id_path(&self, roots: &[IdRoot], key: &str) -> Option<String> {
        let root = root_of(roots, key)?;
        let rel = relative(key, &root.base);
        Some(match self.0.get(&rel) {
            Some(bases) => {
                let label = label(&root.base, bases);
                if label.is_empty() {
                    rel
                } else {
                    format!("{label}/{rel}")
                }
            }
            None => rel,
        })
    }
}

/// The part of `base` that tells it apart from the other `bases`: its path
/// from their common folder (from the folder above when that is one of
/// them).
fn label(base: &str, bases: &BTreeSet<String>) -> String {
    let parts = |p: &str| -> Vec<String> {
        Path::new(p)
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    };
    let all: Vec<Vec<String>> = bases.iter().map(|b| parts(b)).collect();
    let mut common = all.first().map_or(0, Vec::len);
    for other in &all {
        let first = all.first().map(Vec::as_slice).unwrap_or_default();
        common = common.min(first.iter().zip(other).take_while(|(a, b)| a == b).count());
    }
    if all.iter().any(|p| p.len() == common) {
        common = common.saturating_sub(1);
    }
    parts(base).get(common..).unwrap_or_default().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(path: &str) -> IdRoot {
        IdRoot {
            path: path.into(),
            base: path.into(),
        }
    }

    #[test]
    fn clashing_paths_are_qualified_on_both_sides_whatever_the_order() {
        let roots = vec![root("/n/A"), root("/n/B")];
        let keys = ["/n/A/iraq/x.txt", "/n/B/iraq/x.txt", "/n/A/syria/y.txt"];
        let clashes = Clashes::among(&roots, keys.into_iter());
        let ids: Vec<_> = keys
            .iter()
            .map(|k| clashes.id_path(&roots, k).unwrap())
            .collect();
        assert_eq!(ids, ["A/iraq/x.txt", "B/iraq/x.txt", "syria/y.txt"]);
        let reversed = vec![root("/n/B"), root("/n/A")];
        let again = Clashes::among(&reversed, keys.into_iter().rev());
        assert_eq!(
            again.id_path(&reversed, "/n/A/iraq/x.txt").as_deref(),
            Some("A/iraq/x.txt")
        );
    }

    #[test]
    fn roots_of_one_name_are_told_apart_by_the_folders_above() {
        let roots = vec![root("/n/x/corpus"), root("/n/y/corpus")];
        let keys = ["/n/x/corpus/a.txt", "/n/y/corpus/a.txt"];
        let clashes = Clashes::among(&roots, keys.into_iter());
        assert_eq!(
            clashes.id_path(&roots, "/n/y/corpus/a.txt").as_deref(),
            Some("y/corpus/a.txt")
        );
        // One root inside another: the outer one is named too.
        let roots = vec![root("/n/c"), root("/n/c/sub")];
        let keys = ["/n/c/a.txt", "/n/c/sub/a.txt"];
        let clashes = Clashes::among(&roots, keys.into_iter());
        assert_eq!(
            clashes.id_path(&roots, "/n/c/a.txt").as_deref(),
            Some("c/a.txt")
        );
        assert_eq!(
            clashes.id_path(&roots, "/n/c/sub/a.txt").as_deref(),
            Some("c/sub/a.txt")
        );
    }

    #[test]
    fn a_path_inside_a_recorded_root_keeps_its_ids() {
        let mut recorded = vec![root("/n/corpus")];
        record_roots(&mut recorded, &[root("/n/corpus/iraq")]);
        assert_eq!(recorded, vec![root("/n/corpus")]);
        assert_eq!(
            Clashes::default()
                .id_path(&recorded, "/n/corpus/iraq/x.txt")
                .as_deref(),
            Some("iraq/x.txt")
        );
        // A PATH holding a recorded root is recorded; the inner root's
        // files keep their ids.
        let mut recorded = vec![root("/n/corpus/iraq")];
        record_roots(&mut recorded, &[root("/n/corpus")]);
        assert_eq!(recorded.len(), 2);
        let none = Clashes::default();
        assert_eq!(
            none.id_path(&recorded, "/n/corpus/iraq/x.txt").as_deref(),
            Some("x.txt")
        );
        assert_eq!(
            none.id_path(&recorded, "/n/corpus/syria/y.txt").as_deref(),
            Some("syria/y.txt")
        );
        // Two PATHs of one run, one inside the other: only the outer one.
        let mut fresh = Vec::new();
        record_roots(&mut fresh, &[root("/n/corpus/iraq"), root("/n/corpus")]);
        assert_eq!(fresh, vec![root("/n/corpus")]);
    }
}
