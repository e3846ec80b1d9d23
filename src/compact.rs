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

    /// The shard of `print`, its key, and where the key is (or would go)
    /// in the shard.
    fn find(&self, print: u128) -> Option<(usize, Key, Result<usize, usize>)> {
        let (shard, key) = Self::locate(print);
        let entries = self.shards.get(shard)?;
        Some((shard, key, entries.binary_search_by(|(k, _)| k.cmp(&key))))
    }

    fn get(&self, print: u128) -> Option<&V> {
        let (shard, _, Ok(at)) = self.find(print)? else {
            return None;
        };
        self.shards.get(shard)?.get(at).map(|(_, v)| v)
    }

    fn get_mut(&mut self, print: u128) -> Option<&mut V> {
        let (shard, _, Ok(at)) = self.find(print)? else {
            return None;
        };
        self.shards.get_mut(shard)?.get_mut(at).map(|(_, v)| v)
    }

    /// Sets `print`'s value; the value it had, if any.
    fn insert(&mut self, print: u128, value: V) -> Option<V> {
        let (shard, key, found) = self.find(print)?;
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

/// A map from strings to numbers for a run over tens of millions of them
/// (the article ids of a build, each with its file): the newest in memory,
/// the rest spilled to disk in sorted runs, each behind a Bloom filter.
///
/// In memory an id took about 21 bytes of heap, so a build of ten million
/// articles would have held 200 MB of them. Past `limit` entries the
/// table is written out in fingerprint order (14 bytes an entry, to an
/// unnamed temporary file that vanishes with the process, killed or not)
/// and emptied. What stays in memory for a spilled run is its filter (10
/// bits an entry) and the first fingerprint of every 256 entries. A
/// lookup asks the filters; only a yes (the id is there, or one time in
/// about a hundred by chance) reads one page of 3.5 KB from the file.
/// When a file cannot be written, the entries stay in memory: a run is
/// never stopped by it.
pub(crate) struct SpillMap {
    recent: PrintTable<u32>,
    recent_len: usize,
    limit: usize,
    /// Where runs are written; `None` once writing failed.
    dir: Option<std::path::PathBuf>,
    runs: Vec<SpilledRun>,
}

/// The bytes of a fingerprint's 80 bits on disk.
const PRINT_BYTES: usize = 10;
/// The bytes of an entry on disk: fingerprint, then the value.
const ENTRY_BYTES: usize = PRINT_BYTES + 4;
/// The entries of a page: what one lookup in a run reads.
const PAGE: usize = 256;

impl SpillMap {
    /// A map that spills its entries under `dir` past `limit` of them.
    pub(crate) fn new(dir: Option<&std::path::Path>, limit: usize) -> SpillMap {
        SpillMap {
            recent: PrintTable::new(),
            recent_len: 0,
            limit: limit.max(1),
            dir: dir.map(std::path::Path::to_path_buf),
            runs: Vec::new(),
        }
    }

    /// The value of `text`, newest first.
    pub(crate) fn get(
        &self,
        fingerprints: &Fingerprints,
        text: &str,
    ) -> std::io::Result<Option<u32>> {
        let print = fingerprints.of(text);
        if let Some(&value) = self.recent.get(print) {
            return Ok(Some(value));
        }
        let key = print80(print);
        for run in self.runs.iter().rev() {
            if let Some(value) = run.find(key)? {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// Sets the value of `text`.
    pub(crate) fn insert(&mut self, fingerprints: &Fingerprints, text: &str, value: u32) {
        if self.recent.insert(fingerprints.of(text), value).is_none() {
            self.recent_len += 1;
        }
        if self.recent_len >= self.limit {
            if let Some(dir) = &self.dir {
                match SpilledRun::write(dir, &self.recent, self.recent_len) {
                    Ok(run) => {
                        self.runs.push(run);
                        self.recent = PrintTable::new();
                        self.recent_len = 0;
                    }
                    // Kept in memory from now on: slower to nothing,
                    // heavier, never wrong.
                    Err(_) => self.dir = None,
                }
            }
        }
    }

    /// How many runs went to disk.
    #[cfg(test)]
    fn spilled(&self) -> usize {
        self.runs.len()
    }
}

/// The 80 bits of `print` a [`PrintTable`] keeps, in their order there.
fn print80(print: u128) -> u128 {
    print >> (128 - SHARD_BITS - 64)
}

/// Entries of a [`SpillMap`] written to disk, sorted by fingerprint.
struct SpilledRun {
    file: std::fs::File,
    len: usize,
    /// The first fingerprint of each page.
    firsts: Vec<u128>,
    bloom: Bloom,
}

impl SpilledRun {
    /// Writes the `len` entries of `table` to a new file under `dir`.
    fn write(
        dir: &std::path::Path,
        table: &PrintTable<u32>,
        len: usize,
    ) -> std::io::Result<SpilledRun> {
        use std::io::Write;
        let file = tempfile::tempfile_in(dir)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, &file);
        let mut firsts = Vec::with_capacity(len / PAGE + 1);
        let mut bloom = Bloom::new(len);
        let mut written = 0usize;
        // Shards in order, each sorted: the whole in fingerprint order.
        for (shard, entries) in (0u128..).zip(table.shards.iter()) {
            for (key, value) in entries {
                let print = (shard << 64) | (u128::from(key[0]) << 32) | u128::from(key[1]);
                if written.is_multiple_of(PAGE) {
                    firsts.push(print);
                }
                bloom.add(print);
                out.write_all(
                    print
                        .to_be_bytes()
                        .get(16 - PRINT_BYTES..)
                        .unwrap_or_default(),
                )?;
                out.write_all(&value.to_le_bytes())?;
                written += 1;
            }
        }
        out.flush()?;
        drop(out);
        Ok(SpilledRun {
            file,
            len: written,
            firsts,
            bloom,
        })
    }

    /// The value of fingerprint `print` (its 80 bits), if the run has it.
    fn find(&self, print: u128) -> std::io::Result<Option<u32>> {
        if !self.bloom.may_hold(print) {
            return Ok(None);
        }
        let Some(page) = self.firsts.partition_point(|&f| f <= print).checked_sub(1) else {
            return Ok(None);
        };
        let start = page * PAGE;
        let entries = PAGE.min(self.len.saturating_sub(start));
        let bytes = read_at(
            &self.file,
            (start * ENTRY_BYTES) as u64,
            entries * ENTRY_BYTES,
        )?;
        let entry = |i: usize| -> Option<(u128, u32)> {
            let raw = bytes.get(i * ENTRY_BYTES..(i + 1) * ENTRY_BYTES)?;
            let (p, v) = raw.split_at(PRINT_BYTES);
            let mut wide = [0u8; 16];
            wide.get_mut(16 - PRINT_BYTES..)?.copy_from_slice(p);
            Some((
                u128::from_be_bytes(wide),
                u32::from_le_bytes(v.try_into().ok()?),
            ))
        };
        let (mut low, mut high) = (0, entries);
        while low < high {
            let mid = (low + high) / 2;
            match entry(mid) {
                Some((p, value)) if p == print => return Ok(Some(value)),
                Some((p, _)) if p < print => low = mid + 1,
                Some(_) => high = mid,
                None => break,
            }
        }
        Ok(None)
    }
}

/// `len` bytes of `file` from `offset`: one page of a spilled run or list.
fn read_at(file: &std::fs::File, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut bytes = vec![0u8; len];
    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// A blocked Bloom filter over fingerprints: 10 bits an entry, five of a
/// block of 512 set per entry, so a test touches one cache line and says
/// yes by chance about once in a hundred.
struct Bloom {
    blocks: Vec<[u64; 8]>,
}

impl Bloom {
    fn new(entries: usize) -> Bloom {
        Bloom {
            blocks: vec![[0; 8]; (entries * 10).div_ceil(512).max(1)],
        }
    }

    /// The block of `print` and the five bits it sets there. Fingerprints
    /// are uniformly random: their own bits serve as the hashes.
    fn bits(&self, print: u128) -> (usize, [u32; 5]) {
        let block = ((u128::from(print as u32) * self.blocks.len() as u128) >> 32) as usize;
        let rest = (print >> 32) as u64;
        let bit = |i: u32| ((rest >> (9 * i)) & 511) as u32;
        (block, [bit(0), bit(1), bit(2), bit(3), bit(4)])
    }

    fn add(&mut self, print: u128) {
        let (block, bits) = self.bits(print);
        if let Some(block) = self.blocks.get_mut(block) {
            for bit in bits {
                if let Some(word) = block.get_mut((bit / 64) as usize) {
                    *word |= 1 << (bit % 64);
                }
            }
        }
    }

    fn may_hold(&self, print: u128) -> bool {
        let (block, bits) = self.bits(print);
        self.blocks.get(block).is_some_and(|block| {
            bits.iter().all(|&bit| {
                block
                    .get((bit / 64) as usize)
                    .is_some_and(|word| word & (1 << (bit % 64)) != 0)
            })
        })
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

/// A list of strings that keeps only its newest ones in memory: past
/// `limit` bytes of them, they are appended to an unnamed file (each its
/// length, then its bytes), and only where every 256th begins stays in
/// memory. A run over millions of files whose articles carry ids of their
/// own (`.json` articles with an `id`) names each file once here, for the
/// rare "first seen in" message, without holding every path.
///
/// When the file cannot be written, the strings stay in memory: a run is
/// never stopped by it.
pub(crate) struct SpillList {
    /// Strings `on_disk_len..`, in memory.
    recent: StrList,
    /// How many strings went to disk.
    on_disk_len: usize,
    /// Where strings 0, 256, 512, … begin on disk.
    page_starts: Vec<u64>,
    /// How many bytes went to disk.
    on_disk_bytes: u64,
    limit: usize,
    /// Where the file is made; `None` once writing failed.
    dir: Option<std::path::PathBuf>,
    file: Option<std::fs::File>,
}

impl SpillList {
    /// A list that spills its strings under `dir` past `limit` bytes.
    pub(crate) fn new(dir: Option<&std::path::Path>, limit: usize) -> SpillList {
        SpillList {
            recent: StrList::default(),
            on_disk_len: 0,
            page_starts: Vec::new(),
            on_disk_bytes: 0,
            limit: limit.max(1),
            dir: dir.map(std::path::Path::to_path_buf),
            file: None,
        }
    }

    /// Appends `item`; its number is `len() - 1`. It stays in memory at
    /// least until the next push, so [`SpillList::last`] never reads.
    pub(crate) fn push(&mut self, item: &str) {
        // A failed write keeps the strings in memory from now on: heavier,
        // never wrong.
        if self.recent.text.len() >= self.limit && self.spill().is_err() {
            self.dir = None;
        }
        self.recent.push(item);
    }

    pub(crate) fn len(&self) -> usize {
        self.on_disk_len + self.recent.len()
    }

    /// The string numbered `i`, read from disk if it went there.
    pub(crate) fn get(&self, i: usize) -> std::io::Result<Option<std::borrow::Cow<'_, str>>> {
        if let Some(recent) = i.checked_sub(self.on_disk_len) {
            return Ok(self.recent.get(recent).map(std::borrow::Cow::Borrowed));
        }
        let (Some(file), Some(&start)) = (&self.file, self.page_starts.get(i / PAGE)) else {
            return Ok(None);
        };
        let end = self
            .page_starts
            .get(i / PAGE + 1)
            .copied()
            .unwrap_or(self.on_disk_bytes);
        let damaged = || std::io::Error::new(std::io::ErrorKind::InvalidData, "a damaged page");
        let page = read_at(
            file,
            start,
            usize::try_from(end - start).map_err(|_| damaged())?,
        )?;
        let mut rest = page.as_slice();
        for skip in (0..=i % PAGE).rev() {
            let (len, after) = rest.split_first_chunk::<4>().ok_or_else(damaged)?;
            let len = u32::from_le_bytes(*len) as usize;
            let (item, after) = after.split_at_checked(len).ok_or_else(damaged)?;
            if skip == 0 {
                let item = std::str::from_utf8(item).map_err(|_| damaged())?;
                return Ok(Some(std::borrow::Cow::Owned(item.to_owned())));
            }
            rest = after;
        }
        Err(damaged())
    }

    /// The string pushed last.
    pub(crate) fn last(&self) -> Option<&str> {
        self.recent.last()
    }

    /// Appends the strings in memory to the file, making it first;
    /// nothing once writing failed.
    fn spill(&mut self) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom, Write};
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let mut bytes = Vec::with_capacity(self.recent.text.len() + 4 * self.recent.len());
        let mut starts = Vec::new();
        for k in 0..self.recent.len() {
            if (self.on_disk_len + k).is_multiple_of(PAGE) {
                starts.push(self.on_disk_bytes + bytes.len() as u64);
            }
            let item = self.recent.get(k).unwrap_or_default();
            let len = u32::try_from(item.len())
                .map_err(|_| std::io::Error::other("a string over 4 GB"))?;
            bytes.extend_from_slice(&len.to_le_bytes());
            bytes.extend_from_slice(item.as_bytes());
        }
        if self.file.is_none() {
            self.file = Some(tempfile::tempfile_in(dir)?);
        }
        let Some(mut file) = self.file.as_ref() else {
            return Ok(());
        };
        file.seek(SeekFrom::Start(self.on_disk_bytes))?;
        file.write_all(&bytes)?;
        self.page_starts.extend(starts);
        self.on_disk_bytes += bytes.len() as u64;
        self.on_disk_len += self.recent.len();
        self.recent.text.clear();
        self.recent.ends.clear();
        Ok(())
    }

    /// How many strings went to disk.
    #[cfg(test)]
    fn spilled(&self) -> usize {
        self.on_disk_len
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
    fn a_spilling_map_finds_every_entry_in_memory_and_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let prints = Fingerprints::new();
        let mut map = SpillMap::new(Some(dir.path()), 1_000);
        for n in 0..10_500u32 {
            map.insert(&prints, &format!("gen-{n}"), n);
        }
        assert_eq!(map.spilled(), 10);
        for n in 0..10_500u32 {
            assert_eq!(
                map.get(&prints, &format!("gen-{n}")).unwrap(),
                Some(n),
                "gen-{n}"
            );
        }
        let absent =
            (10_500..30_500).filter(|n| map.get(&prints, &format!("gen-{n}")).unwrap().is_some());
        assert_eq!(absent.count(), 0);
        // An id given again is found with its newest value.
        map.insert(&prints, "gen-3", 99);
        assert_eq!(map.get(&prints, "gen-3").unwrap(), Some(99));
    }

    #[test]
    fn a_map_that_cannot_spill_keeps_everything_in_memory() {
        let prints = Fingerprints::new();
        let gone = std::path::Path::new("/nonexistent/sitrep-spill");
        let mut map = SpillMap::new(Some(gone), 100);
        for n in 0..1_000u32 {
            map.insert(&prints, &format!("gen-{n}"), n);
        }
        assert_eq!(map.spilled(), 0);
        assert!((0..1_000u32).all(|n| map.get(&prints, &format!("gen-{n}")).unwrap() == Some(n)));
        assert_eq!(map.get(&prints, "gen-1000").unwrap(), None);
    }

    #[test]
    fn a_bloom_filter_holds_what_was_added_and_seldom_more() {
        let prints = Fingerprints::new();
        let mut bloom = Bloom::new(10_000);
        for n in 0..10_000 {
            bloom.add(print80(prints.of(&format!("in-{n}"))));
        }
        assert!((0..10_000).all(|n| bloom.may_hold(print80(prints.of(&format!("in-{n}"))))));
        let false_yes = (0..100_000)
            .filter(|n| bloom.may_hold(print80(prints.of(&format!("out-{n}")))))
            .count();
        // About 1% expected; 3% would mean the bits are not independent.
        assert!(false_yes < 3_000, "{false_yes} of 100,000");
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

    #[test]
    fn a_spilling_list_gives_back_every_string_from_memory_and_disk() {
        let dir = tempfile::tempdir().unwrap();
        let mut list = SpillList::new(Some(dir.path()), 1_000);
        let item = |n: usize| match n % 7 {
            0 => String::new(),
            1 => format!("اليمن/مأرب-{n}.json"),
            _ => format!("news/2024/{n:06}.json"),
        };
        for n in 0..10_000 {
            list.push(&item(n));
            assert_eq!(list.last(), Some(item(n).as_str()));
        }
        assert_eq!(list.len(), 10_000);
        assert!(list.spilled() > 9_000, "{} on disk", list.spilled());
        for n in 0..10_000 {
            assert_eq!(
                list.get(n).unwrap().as_deref(),
                Some(item(n).as_str()),
                "{n}"
            );
        }
        assert_eq!(list.get(10_000).unwrap(), None);
    }

    #[test]
    fn a_list_that_cannot_spill_keeps_everything_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        let mut list = SpillList::new(Some(&gone), 10);
        for n in 0..500 {
            list.push(&format!("a/{n}.json"));
        }
        assert_eq!(list.spilled(), 0);
        assert_eq!(list.get(3).unwrap().as_deref(), Some("a/3.json"));
        assert_eq!(list.get(499).unwrap().as_deref(), Some("a/499.json"));
    }
}
