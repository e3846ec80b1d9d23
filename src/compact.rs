//! Compact bookkeeping for runs over millions of files: which files a walk
//! has reached, which article ids a run has given out, and which file each
//! id came from.
//!
//! As `HashSet<String>`s these took about 100 bytes per file and per id
//! (the string, its allocation, the table slot), some 370 MB at 2,000,000
//! articles, and made the heap of `sitrep index` grow with the corpus. A
//! set of 128-bit fingerprints takes 16 bytes a slot, and the paths that
//! must be named again live in one buffer.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use rustc_hash::FxBuildHasher;

/// 128-bit keyed fingerprints of strings.
///
/// The keys are drawn at random for each run (SipHash, as std's hash
/// maps), so no input can be made to collide on purpose; two different
/// strings share a fingerprint by chance with probability 2⁻¹²⁸, about
/// one in 10²⁵ for any pair among ten million strings.
pub(crate) struct Fingerprints {
    low: RandomState,
    high: RandomState,
}

impl Fingerprints {
    pub(crate) fn new() -> Fingerprints {
        Fingerprints {
            low: RandomState::new(),
            high: RandomState::new(),
        }
    }

    /// The fingerprint of `text`.
    pub(crate) fn of(&self, text: &str) -> u128 {
        (u128::from(self.high.hash_one(text)) << 64) | u128::from(self.low.hash_one(text))
    }
}

/// A set of strings kept as fingerprints.
pub(crate) struct StrSet {
    prints: HashSet<u128, FxBuildHasher>,
}

impl StrSet {
    pub(crate) fn new() -> StrSet {
        StrSet {
            prints: HashSet::default(),
        }
    }

    /// Adds `text`; false when it was there already.
    pub(crate) fn insert(&mut self, fingerprints: &Fingerprints, text: &str) -> bool {
        self.prints.insert(fingerprints.of(text))
    }

    pub(crate) fn contains(&self, fingerprints: &Fingerprints, text: &str) -> bool {
        self.prints.contains(&fingerprints.of(text))
    }
}

/// A map from strings, kept as fingerprints, to small numbers.
///
/// The fingerprint is kept as two `u64`s: a `u128` key would be aligned
/// to 16 bytes and pad each slot from 24 bytes to 32.
pub(crate) struct StrMap {
    prints: HashMap<[u64; 2], u32, FxBuildHasher>,
}

/// A fingerprint as a map key.
fn halves(print: u128) -> [u64; 2] {
    [(print >> 64) as u64, print as u64]
}

impl StrMap {
    pub(crate) fn new() -> StrMap {
        StrMap {
            prints: HashMap::default(),
        }
    }

    pub(crate) fn get(&self, fingerprints: &Fingerprints, text: &str) -> Option<u32> {
        self.prints.get(&halves(fingerprints.of(text))).copied()
    }

    pub(crate) fn insert(&mut self, fingerprints: &Fingerprints, text: &str, value: u32) {
        self.prints.insert(halves(fingerprints.of(text)), value);
    }
}

/// A list of strings in one buffer: a path costs its bytes and one offset.
#[derive(Default)]
pub(crate) struct StrList {
    text: String,
    ends: Vec<usize>,
}

impl StrList {
    /// Appends `item`; its number is `len() - 1`.
    pub(crate) fn push(&mut self, item: &str) {
        self.text.push_str(item);
        self.ends.push(self.text.len());
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The string numbered `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => *self.ends.get(i - 1)?,
        };
        self.text.get(start..end)
    }

    pub(crate) fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_maps_know_their_strings_and_only_them() {
        let prints = Fingerprints::new();
        let mut set = StrSet::new();
        assert!(set.insert(&prints, "iraq/2021/a.txt"));
        assert!(!set.insert(&prints, "iraq/2021/a.txt"));
        assert!(set.contains(&prints, "iraq/2021/a.txt"));
        assert!(!set.contains(&prints, "iraq/2021/b.txt"));
        assert!(!set.contains(&prints, ""));
        let mut map = StrMap::new();
        map.insert(&prints, "gen-1-2", 7);
        assert_eq!(map.get(&prints, "gen-1-2"), Some(7));
        assert_eq!(map.get(&prints, "gen-1-20"), None);
    }

    #[test]
    fn fingerprints_of_many_strings_are_all_different() {
        let prints = Fingerprints::new();
        let all: HashSet<u128> = (0..200_000)
            .map(|n| prints.of(&format!("feeds/shard-{n}.jsonl")))
            .collect();
        assert_eq!(all.len(), 200_000);
        // The two halves are keyed apart, not one hash twice.
        let one = prints.of("x");
        assert_ne!(one >> 64, one & u128::from(u64::MAX));
    }

    #[test]
    fn a_list_gives_back_each_string_with_empty_ones_and_multibyte_text() {
        let mut list = StrList::default();
        assert_eq!(list.last(), None);
        for item in ["a.txt", "", "اليمن/مأرب.txt", "z"] {
            list.push(item);
        }
        assert_eq!(list.len(), 4);
        assert_eq!(list.get(0), Some("a.txt"));
        assert_eq!(list.get(1), Some(""));
        assert_eq!(list.get(2), Some("اليمن/مأرب.txt"));
        assert_eq!(list.last(), Some("z"));
        assert_eq!(list.get(4), None);
    }
}
