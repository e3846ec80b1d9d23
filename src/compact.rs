//! Compact bookkeeping for runs over millions of files: which files a walk
//! has reached, which article ids a run has given out, and which file each
//! id came from.
//!
//! As `HashSet<String>`s these took about 100 bytes per file and per id
//! (the string, its allocation, the table slot), some 370 MB at 2,000,000
//! articles, and made the heap of `sitrep index` grow with the corpus. A
//! fingerprint takes 8 bytes in a sorted shard ([`PrintTable`]), and the
//! paths that must be named again live in one buffer.

use std::hash::{BuildHasher, RandomState};

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
const SHARD_BITS: u32 = 16;

/// The part of a fingerprint a shard keeps: the 64 bits below the shard's.
type Key = [u32; 2];

/// A table keyed by fingerprints: 65,536 shards, each a sorted vector.
///
/// Hash tables were the first choice, and the heap of a 2,000,000-article
/// build grew 48 bytes an article with them: a table doubles in one step
/// and runs between half and seven eighths full. A sorted vector holds its
/// entries end to end and grows by an eighth; with 65,536 shards a shard
/// holds about 150 entries at ten million, so an insertion moves a
/// kilobyte or two, and a lookup is a binary search inside a few cache
/// lines. Ten million ids and their file numbers took 198 MB of heap,
/// against 341 MB in 1,024 hash tables: 12.7 bytes an entry of vector
/// capacity, the rest the allocator's pages that shards have outgrown.
///
/// A fingerprint is kept as 80 bits (16 pick the shard, 64 are the key),
/// 8 bytes aligned to 4, so an id and its file number take 12 bytes. Two
/// strings among ten million share all 80 bits by chance with probability
/// about 10¹⁴ / 2⁸¹, below 10⁻¹⁰.
struct PrintTable<V> {
    shards: Box<[Vec<(Key, V)>]>,
}

impl<V> PrintTable<V> {
    fn new() -> PrintTable<V> {
        PrintTable {
            shards: (0..1usize << SHARD_BITS).map(|_| Vec::new()).collect(),
        }
    }

    /// The shard of `print`, and its key there.
    fn locate(print: u128) -> (usize, Key) {
        let shard = (print >> (128 - SHARD_BITS)) as usize;
        let below = print >> (128 - SHARD_BITS - 64);
        (shard, [(below >> 32) as u32, below as u32])
    }

    /// The shard of `print`, and where its key is (or would go) in it.
    fn find(&self, print: u128) -> Option<(usize, Result<usize, usize>)> {
        let (shard, key) = Self::locate(print);
        let entries = self.shards.get(shard)?;
        Some((shard, entries.binary_search_by(|(k, _)| k.cmp(&key))))
    }

    fn get(&self, print: u128) -> Option<&V> {
        let (shard, Ok(at)) = self.find(print)? else {
            return None;
        };
        self.shards.get(shard)?.get(at).map(|(_, v)| v)
    }

    fn get_mut(&mut self, print: u128) -> Option<&mut V> {
        let (shard, Ok(at)) = self.find(print)? else {
            return None;
        };
        self.shards.get_mut(shard)?.get_mut(at).map(|(_, v)| v)
    }

    /// Sets `print`'s value; the value it had, if any.
    fn insert(&mut self, print: u128, value: V) -> Option<V> {
        let (shard, found) = self.find(print)?;
        let key = Self::locate(print).1;
        // `shard` is below the shard count: `find` looked it up.
        let entries = self.shards.get_mut(shard)?;
        match found {
            Ok(at) => entries
                .get_mut(at)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(at) => {
                if entries.len() == entries.capacity() {
                    // By an eighth, not double: the slack is the waste.
                    entries.reserve_exact((entries.len() / 8).max(4));
                }
                entries.insert(at, (key, value));
                None
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(Vec::len).sum()
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
        // 50,000 keys over 65,536 shards: about 35,000 shards hold one.
        assert!(used > 30_000, "{used} shards used");
        assert!(map
            .prints
            .shards
            .iter()
            .all(|s| s.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0))));
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
