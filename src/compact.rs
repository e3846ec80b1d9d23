//! Compact bookkeeping for runs over millions of files: which files a walk
//! has reached, which article ids a run has given out, and which file each
//! id came from.
//!
//! As `HashSet<String>`s these took about 100 bytes per file and per id
//! (the string, its allocation, the table slot), some 370 MB at 2,000,000
//! articles, and made the heap of `sitrep index` grow with the corpus. A
//! set of 128-bit fingerprints takes 16 bytes a slot, and the paths that
//! must be named again live in one buffer.

use std::collections::HashMap;
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

/// The shards of a [`PrintTable`]: the top bits of a fingerprint pick one.
const SHARD_BITS: u32 = 10;

/// A hash table keyed by fingerprints, split into 1,024 shards.
///
/// One table of two million keys doubles in one step, and while it does it
/// holds the old slots and twice as many new ones: 150 MB at once for the
/// article ids of a 2,000,000-article build, the largest single item of
/// its heap peak. Shards grow one at a time, so the spike is a
/// thousandth of that.
///
/// A key is 96 bits of the fingerprint below the 10 that pick its shard,
/// 12 bytes aligned to 4, so a slot of the id map is 16 bytes, not 24.
/// Two strings among ten million then share shard and key by chance with
/// probability about 10¹⁴ / 2¹⁰⁷, below 10⁻¹⁸.
struct PrintTable<V> {
    shards: Box<[HashMap<[u32; 3], V, FxBuildHasher>]>,
}

impl<V> PrintTable<V> {
    fn new() -> PrintTable<V> {
        PrintTable {
            shards: (0..1usize << SHARD_BITS)
                .map(|_| HashMap::default())
                .collect(),
        }
    }

    /// The shard of `print`, and its key there.
    fn locate(&self, print: u128) -> (usize, [u32; 3]) {
        let shard = (print >> (128 - SHARD_BITS)) as usize;
        let key = [(print >> 64) as u32, (print >> 32) as u32, print as u32];
        (shard, key)
    }

    fn get(&self, print: u128) -> Option<&V> {
        let (shard, key) = self.locate(print);
        self.shards.get(shard)?.get(&key)
    }

    fn get_mut(&mut self, print: u128) -> Option<&mut V> {
        let (shard, key) = self.locate(print);
        self.shards.get_mut(shard)?.get_mut(&key)
    }

    /// Sets `print`'s value; the value it had, if any.
    fn insert(&mut self, print: u128, value: V) -> Option<V> {
        let (shard, key) = self.locate(print);
        // `shard` is below the shard count by construction.
        self.shards.get_mut(shard)?.insert(key, value)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(HashMap::len).sum()
    }
}

/// A set of strings kept as fingerprints.
pub(crate) struct StrSet {
    prints: PrintTable<()>,
}

impl StrSet {
    pub(crate) fn new() -> StrSet {
        StrSet {
            prints: PrintTable::new(),
        }
    }

    /// Adds `text`; false when it was there already.
    pub(crate) fn insert(&mut self, fingerprints: &Fingerprints, text: &str) -> bool {
        self.prints.insert(fingerprints.of(text), ()).is_none()
    }

    pub(crate) fn contains(&self, fingerprints: &Fingerprints, text: &str) -> bool {
        self.prints.get(fingerprints.of(text)).is_some()
    }
}

/// A map from strings, kept as fingerprints, to values.
pub(crate) struct StrMap<V = u32> {
    prints: PrintTable<V>,
}

impl<V> StrMap<V> {
    pub(crate) fn new() -> StrMap<V> {
        StrMap {
            prints: PrintTable::new(),
        }
    }

    pub(crate) fn get(&self, fingerprints: &Fingerprints, text: &str) -> Option<&V> {
        self.prints.get(fingerprints.of(text))
    }

    pub(crate) fn get_mut(&mut self, fingerprints: &Fingerprints, text: &str) -> Option<&mut V> {
        self.prints.get_mut(fingerprints.of(text))
    }

    pub(crate) fn insert(&mut self, fingerprints: &Fingerprints, text: &str, value: V) {
        self.prints.insert(fingerprints.of(text), value);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.prints.len()
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
    use std::collections::HashSet;

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
        assert_eq!(map.get(&prints, "gen-1-2"), Some(&7));
        assert_eq!(map.get(&prints, "gen-1-3"), None);
        if let Some(value) = map.get_mut(&prints, "gen-1-2") {
            *value = 8;
        }
        assert_eq!(map.get(&prints, "gen-1-2"), Some(&8));
        assert_eq!(map.get(&prints, "gen-1-20"), None);
    }

    #[test]
    fn a_table_spread_over_every_shard_keeps_each_key_apart() {
        let prints = Fingerprints::new();
        let mut map = StrMap::new();
        for n in 0..50_000u32 {
            map.insert(&prints, &format!("gen-{n}"), n);
        }
        assert_eq!(map.len(), 50_000);
        assert!((0..50_000u32).all(|n| map.get(&prints, &format!("gen-{n}")) == Some(&n)));
        assert_eq!(map.get(&prints, "gen-50000"), None);
        let used = map.prints.shards.iter().filter(|s| !s.is_empty()).count();
        assert_eq!(used, 1 << SHARD_BITS);
        let mut set = StrSet::new();
        assert!((0..50_000).all(|n| set.insert(&prints, &format!("p/{n}"))));
        assert!((0..50_000).all(|n| !set.insert(&prints, &format!("p/{n}"))));
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
