//! Bringing an index in line with its folders: new files added, changed
//! ones re-indexed, vanished ones removed, in one commit.

use crate::fields::field;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::columnar::TermOrdHit;
use tantivy::schema::Term;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::article::{self, Columns, ReadOptions};
use crate::corpus::{self, Entry};
use crate::error::{Error, Problem, ProblemKind, Result};
use crate::gazetteer::table::{self, NameTable, NAME_TABLE_FILE};
use crate::gazetteer::Gazetteer;
use crate::index::schema::{ActorKinds, Fields, FileStamp, SchemaConfig};
use crate::index_schema::SchemaFiles;

use crate::corpus::{file_key, is_inside, Format, SkipReason, SourceFile};

use super::{
    merge_policy, open_tantivy, prepare_fresh, recover_swap, swap, write_atomically, Access, Event,
    IndexOptions, IndexReport, RunLock, Siblings, Stamp, StampColumns, FORMAT_VERSION, SCHEMA_COPY,
    STAMP_FILE, TANTIVY_DIR,
};
use crate::compact::{Fingerprints, SpillList, SpillMap, StrMap, StrSet};
use crate::index::ids::{self, Clashes, IdRoot};
use crate::index::{reextract, verify};

/// How this run reads files and extracts their facets.
pub(crate) struct Reading<'a> {
    /// The gazetteers facets are extracted with.
    pub(crate) gazetteer: &'a Gazetteer,
    /// What the parsers are given.
    pub(crate) options: ReadOptions,
    /// The table columns differ from those the index was built with:
    /// tables are read again even when unchanged.
    pub(crate) reread_tables: bool,
}

/// A file the index held before the run, as [`Batch`] keeps it: 16
/// bytes, with its stamp left in the index's columns, since a run over
/// millions of files holds one of these for each.
#[derive(Debug, Clone, Copy)]
struct KnownFile {
    /// Its articles (all of them) and one of them, in the last commit.
    held: Held,
    /// This run has walked it (or read it again).
    walked: bool,
}

/// Indexes the articles under `paths` into the index of `options`.
///
/// On an existing index only what changed is done; see the module
/// documentation. `files` are the schema and gazetteers to build with.
/// When the schema changed since the index was built, it is rebuilt from
/// `paths`; when only the gazetteers changed, the facets of every stored
/// article are extracted again (no need for the original files), and then
/// the files are updated as usual.
pub fn update(
    paths: &[PathBuf],
    options: &IndexOptions,
    files: &SchemaFiles,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<IndexReport> {
    let started = Instant::now();
    let config = SchemaConfig::load(files)?;
    let gazetteer = Gazetteer::load(files)?;
    let mut stamp = Stamp::of(&config, files);
    let dir = &options.index_dir;
    let siblings = Siblings::of(dir)?;
    if let Some(parent) = siblings.lock.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let _lock = RunLock::acquire(dir, &siblings.lock)?;
    recover_swap(dir, &siblings)?;
    // Ids stay relative to the roots recorded before, a rebuild's too;
    // tables are read with the columns recorded, unless others are given.
    let mut recorded_columns = None;
    if let Ok(old) = Stamp::read(dir) {
        stamp.id_roots = old.id_roots;
        recorded_columns = old.columns;
    }
    let columns = match (&options.columns, &recorded_columns) {
        (Some(given), _) => given.clone(),
        (None, Some(spec)) => Columns::parse(spec).map_err(|reason| Error::RebuildNeeded {
            path: dir.to_path_buf(),
            reason: format!("records table columns that cannot be read ({reason})"),
        })?,
        (None, None) => Columns::default(),
    };
    stamp.columns = (!columns.is_empty()).then(|| columns.to_string());
    let reading = Reading {
        gazetteer: &gazetteer,
        reread_tables: stamp.columns != recorded_columns,
        options: ReadOptions { columns },
    };

    let mut rebuild_all = options.rebuild || !dir.join(STAMP_FILE).is_file();
    let mut reextracted = None;
    let mut old_stamp = None;
    if !rebuild_all {
        let old = Stamp::read(dir)?;
        old_stamp = Some(old.clone());
        if old.format != FORMAT_VERSION || old.schema_digest != stamp.schema_digest {
            on_event(Event::Notice(&format!(
                "the schema changed since this index was built (version {} {}, now {} {}): rebuilding it from the given PATHs",
                old.schema_version, old.schema_digest, stamp.schema_version, stamp.schema_digest
            )));
            rebuild_all = true;
        } else if old.gazetteer_digest != stamp.gazetteer_digest {
            let n = reextract::reextract(dir, &siblings, files, &config, &gazetteer, &stamp)?;
            on_event(Event::Notice(&format!(
                "the gazetteers changed since this index was built: extracted the facets of {n} stored articles again"
            )));
            reextracted = Some(n);
            old_stamp = Some(stamp.clone());
        }
    }
    if !rebuild_all && !dir.join(TANTIVY_DIR).is_dir() {
        on_event(Event::Notice(&format!(
            "the index at {} has no {TANTIVY_DIR}/ folder: rebuilding it from the given PATHs",
            dir.display()
        )));
        rebuild_all = true;
    }
    if !rebuild_all && reextracted.is_none() {
        repair_schema_copy(dir, files, &stamp, on_event)?;
    }
    let mut report = if rebuild_all {
        let fresh = prepare_fresh(dir, &siblings, files, &config)?;
        let mut report = IndexReport {
            rebuilt: true,
            ..IndexReport::default()
        };
        // A fresh index holds all the PATHs, whatever changed.
        let everything = IndexOptions {
            only: None,
            ..options.clone()
        };
        let filled = fill(
            &fresh,
            &siblings.fresh,
            paths,
            &everything,
            &reading,
            &mut stamp.id_roots,
            &mut report,
            on_event,
        );
        if let Err(err) = filled {
            drop(fresh);
            if matches!(err, Error::Interrupted(_)) {
                // Half an index is of no use to the next run.
                std::fs::remove_dir_all(&siblings.fresh)
                    .map_err(|e| Error::io(&siblings.fresh, e))?;
            }
            return Err(err);
        }
        if options.optimize {
            report.merged = merge_all(&fresh, options)?;
        }
        verify::record(&siblings.fresh, &fresh)?;
        drop(fresh);
        stamp.write(&siblings.fresh)?;
        swap(dir, &siblings)?;
        report
    } else {
        let index = open_tantivy(dir, &dir.join(TANTIVY_DIR), Access::Update)?;
        // Damaged bytes must stop the run before a merge hides them.
        let checked = verify::check(dir, &index)?;
        let mut report = IndexReport {
            checked_files: checked.files,
            checked_bytes: checked.bytes,
            checking: checked.elapsed,
            ..IndexReport::default()
        };
        fill(
            &index,
            dir,
            paths,
            options,
            &reading,
            &mut stamp.id_roots,
            &mut report,
            on_event,
        )?;
        if options.optimize {
            report.merged = merge_all(&index, options)?;
        }
        verify::record(dir, &index)?;
        // Same schema and gazetteers, maybe from another source (an
        // explicit --schema is recorded), another sitrep release, or new
        // id roots.
        if old_stamp.as_ref() != Some(&stamp) {
            stamp.write(dir)?;
        }
        report
    };
    report.reextracted = reextracted;
    write_name_table(dir, &gazetteer, &stamp)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Writes the index's copy of `index-schema/` again when it is missing or
/// is not what the stamp says built the index: searches read it.
fn repair_schema_copy(
    dir: &Path,
    files: &SchemaFiles,
    stamp: &Stamp,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<()> {
    let copy = dir.join(SCHEMA_COPY);
    let sound = SchemaFiles::read_dir(&copy).ok().is_some_and(|held| {
        held.digest("gazetteers/") == stamp.gazetteer_digest
            && SchemaConfig::load(&held).is_ok_and(|c| c.digest() == stamp.schema_digest)
    });
    if sound {
        return Ok(());
    }
    // Written beside it and renamed in, so that it is never half there.
    let tmp = dir.join(format!(".{SCHEMA_COPY}.tmp"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    files.write_to(&tmp)?;
    if copy.exists() {
        std::fs::remove_dir_all(&copy).map_err(|e| Error::io(&copy, e))?;
    }
    std::fs::rename(&tmp, &copy).map_err(|e| Error::io(&copy, e))?;
    on_event(Event::Notice(&format!(
        "the index's copy of {SCHEMA_COPY}/ was missing or damaged: written again"
    )));
    Ok(())
}

/// Writes the index's name table (see [`crate::gazetteer::table`]) unless it is
/// already there for these gazetteers.
pub(crate) fn write_name_table(dir: &Path, gazetteer: &Gazetteer, stamp: &Stamp) -> Result<()> {
    let path = dir.join(NAME_TABLE_FILE);
    if NameTable::is_current(&path, &stamp.gazetteer_digest) {
        return Ok(());
    }
    write_atomically(
        &path,
        table::table_text(gazetteer, &stamp.gazetteer_digest).as_bytes(),
    )
}

/// The articles of one indexed file in one segment.
#[derive(Debug, Clone, Copy)]
struct Held {
    /// The segment's place in the searcher.
    segment: u32,
    /// One of the articles.
    doc: tantivy::DocId,
    /// How many live articles of the file the segment holds.
    articles: u32,
}

/// Visits the files `searcher` holds: all of them, or with `scope` only
/// those inside one of its keys. `visit` is given a file's key and what
/// a segment holds of it, once for each segment holding its articles.
///
/// A run over a few folders of a large index (a watcher's update, or
/// `sitrep index corpus/iraq`) reads only their part of each segment's
/// sorted path dictionary: at 2,000,000 files the whole list cost a
/// second and 300 MB for an update of one file.
fn for_each_indexed(
    searcher: &tantivy::Searcher,
    scope: Option<&[String]>,
    mut visit: impl FnMut(&str, Held),
) -> Result<()> {
    let io = |e| Error::io("path column", e);
    // The keys whose part of the path dictionary is read (everything
    // starts with ""), each once: a PATH's spelling and its real path are
    // often the same, and a file must not be counted twice.
    let prefixes = match scope {
        Some(scope) => corpus::outermost(scope.iter().cloned()),
        None => vec![String::new()],
    };
    for (segment_ord, segment) in (0u32..).zip(searcher.segment_readers()) {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str(field::PATH)? else {
            continue;
        };
        let dictionary = paths.dictionary();
        // The dictionary is sorted: the paths starting with a prefix have
        // one range of ordinals. Ranges that overlap (`iraq` holds the
        // range of `iraq-old`) are read as one.
        let mut parts: Vec<PathRange<'_>> = Vec::new();
        let terms = dictionary.num_terms() as u64;
        for prefix in &prefixes {
            let ords = if prefix.is_empty() {
                0..terms
            } else {
                // No UTF-8 byte is 0xFF: every path inside comes before.
                let past = [prefix.as_bytes(), &[0xFF]].concat();
                // Past the last path, tantivy answers u64::MAX.
                let ord = |hit| match hit {
                    TermOrdHit::Exact(ord) | TermOrdHit::Next(ord) => ord.min(terms),
                };
                ord(dictionary.term_ord_or_next(prefix).map_err(io)?)
                    ..ord(dictionary.term_ord_or_next(&past).map_err(io)?)
            };
            if ords.is_empty() {
                continue;
            }
            match parts.last_mut() {
                Some(last) if ords.start < last.ords.end => {
                    last.ords.end = last.ords.end.max(ords.end);
                    last.prefixes.push(prefix.as_str());
                }
                _ => parts.push(PathRange::new(ords, prefix)),
            }
        }
        if parts.is_empty() {
            continue;
        }
        // For each path of those ranges, the number of its live articles
        // and one of them: 8 bytes a path, where a list of (path, article)
        // pairs to sort took 16 bytes an article.
        for doc in segment.doc_ids_alive() {
            let Some(ord) = paths.term_ords(doc).next() else {
                continue;
            };
            let after = parts.partition_point(|p| p.ords.start <= ord);
            if let Some(part) = after.checked_sub(1).and_then(|i| parts.get_mut(i)) {
                part.count(ord, doc);
            }
        }
        for part in &parts {
            let first = part.prefixes.first().copied().unwrap_or("");
            let mut stream = dictionary.range().ge(first).into_stream().map_err(io)?;
            while stream.advance() {
                let ord = stream.term_ord();
                if ord >= part.ords.end {
                    break;
                }
                let Some((articles, doc)) = part.articles_of(ord) else {
                    continue;
                };
                // `iraq-old/x.txt` starts with `iraq`, but is not inside it.
                let key = String::from_utf8_lossy(stream.key());
                if part
                    .prefixes
                    .iter()
                    .any(|p| p.is_empty() || is_inside(&key, p))
                {
                    let held = Held {
                        segment: segment_ord,
                        doc,
                        articles,
                    };
                    visit(&key, held);
                }
            }
        }
    }
    Ok(())
}

/// The paths of a segment's path dictionary starting with one of
/// `prefixes`: a range of ordinals, and for each ordinal the live articles
/// with that path.
struct PathRange<'p> {
    ords: std::ops::Range<u64>,
    prefixes: Vec<&'p str>,
    /// By ordinal from `ords.start`: how many live articles, and one.
    articles: Vec<(u32, tantivy::DocId)>,
}

impl<'p> PathRange<'p> {
    fn new(ords: std::ops::Range<u64>, prefix: &'p str) -> PathRange<'p> {
        PathRange {
            ords,
            prefixes: vec![prefix],
            articles: Vec::new(),
        }
    }

    /// Counts article `doc`, whose path has ordinal `ord`.
    fn count(&mut self, ord: u64, doc: tantivy::DocId) {
        if !self.ords.contains(&ord) {
            return;
        }
        if self.articles.is_empty() {
            // Sized once the ranges are final (they grow while merging).
            let len = usize::try_from(self.ords.end - self.ords.start).unwrap_or(0);
            self.articles = vec![(0, 0); len];
        }
        let at = usize::try_from(ord - self.ords.start).unwrap_or(usize::MAX);
        if let Some((n, first)) = self.articles.get_mut(at) {
            if *n == 0 {
                *first = doc;
            }
            *n = n.saturating_add(1);
        }
    }

    /// How many live articles have the path of ordinal `ord`, and one of
    /// them; `None` for none.
    fn articles_of(&self, ord: u64) -> Option<(u32, tantivy::DocId)> {
        let at = usize::try_from(ord.checked_sub(self.ords.start)?).ok()?;
        self.articles.get(at).copied().filter(|&(n, _)| n > 0)
    }
}

/// The files that hold `id` in the last commit.
pub(crate) fn id_holders(committed: &tantivy::Searcher, fields: &Fields, id: &str) -> Vec<String> {
    use tantivy::schema::Value;
    if committed.num_docs() == 0 {
        return Vec::new();
    }
    let query = tantivy::query::TermQuery::new(
        Term::from_field_text(fields.id, id),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let Ok(top) = committed.search(
        &query,
        &tantivy::collector::TopDocs::with_limit(4).order_by_score(),
    ) else {
        return Vec::new();
    };
    top.into_iter()
        .filter_map(|(_, address)| {
            let doc: TantivyDocument = committed.doc(address).ok()?;
            Some(doc.get_first(fields.path)?.as_str()?.to_owned())
        })
        .collect()
}

/// What a commit remembers besides its documents (its payload): the files
/// that hold an id another file won, so that they are read again until
/// they hold none (the winner may go away).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Payload {
    losers: Vec<String>,
}

impl Payload {
    fn of(index: &Index) -> HashSet<String> {
        index
            .load_metas()
            .ok()
            .and_then(|meta| meta.payload)
            .and_then(|text| serde_json::from_str::<Payload>(&text).ok())
            .map(|p| p.losers.into_iter().collect())
            .unwrap_or_default()
    }
}

/// The payload of the last commit of `index`, to carry over to a copy.
pub(crate) fn last_payload(index: &Index) -> Option<String> {
    index.load_metas().ok().and_then(|meta| meta.payload)
}

/// An error of the index writer, with its cause: when a worker thread
/// failed (disk full, no file handles left), tantivy only says that "an
/// index writer was killed"; the worker's own error comes back when its
/// thread is joined, which preparing a commit does.
fn writer_failure(
    writer: &mut IndexWriter<TantivyDocument>,
    dir: &Path,
    err: tantivy::TantivyError,
) -> Error {
    let err = match err {
        tantivy::TantivyError::ErrorInThread(_) => match writer.prepare_commit() {
            Err(cause) => cause,
            Ok(prepared) => {
                let _ = prepared.abort();
                err
            }
        },
        other => other,
    };
    match err {
        tantivy::TantivyError::IoError(io) => Error::io(
            dir.join(TANTIVY_DIR),
            std::io::Error::new(io.kind(), io.to_string()),
        ),
        other => other.into(),
    }
}

/// The number and total size of the article files under `paths`, outside
/// the index folder.
fn count_files(paths: &[PathBuf], index_dir: &Path) -> (u64, u64) {
    corpus::files(paths, Some(index_dir))
        .filter_map(|entry| match entry {
            Entry::File(file) => Some(file.size),
            _ => None,
        })
        .fold((0, 0), |(n, bytes), size| (n + 1, bytes + size))
}

/// Merges every segment of `index` into one (`sitrep index --optimize`),
/// keeping the last commit's payload; the number of segments there were,
/// when there was more than one.
fn merge_all(index: &Index, options: &IndexOptions) -> Result<Option<usize>> {
    let ids = index.searchable_segment_ids()?;
    if ids.len() < 2 {
        return Ok(None);
    }
    let mut writer: IndexWriter<TantivyDocument> = match index.writer(options.memory_bytes) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(..)) => {
            return Err(Error::Locked(options.index_dir.clone()))
        }
        Err(e) => return Err(e.into()),
    };
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    if let Err(e) = writer.merge(&ids).wait() {
        return Err(writer_failure(&mut writer, &options.index_dir, e));
    }
    if let Err(e) = writer.garbage_collect_files().wait() {
        return Err(writer_failure(&mut writer, &options.index_dir, e));
    }
    writer.wait_merging_threads()?;
    Ok(Some(ids.len()))
}

/// Walks `paths`, writes what changed into `index` (in the folder
/// `index_dir`), and commits once.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fill(
    index: &Index,
    index_dir: &Path,
    paths: &[PathBuf],
    options: &IndexOptions,
    reading: &Reading<'_>,
    id_roots: &mut Vec<IdRoot>,
    report: &mut IndexReport,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<()> {
    let mut writer: IndexWriter<TantivyDocument> = match index.writer(options.memory_bytes) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(..)) => {
            return Err(Error::Locked(options.index_dir.clone()))
        }
        Err(e) => return Err(e.into()),
    };
    writer.set_merge_policy(merge_policy());
    // A run killed (or out of disk) before its commit leaves files no
    // commit lists, such as a segment's `.del` file; the next run with the
    // same operations would write that very name again and fail. Only this
    // run writes (it holds the lock), so whatever the last commit does not
    // list is debris.
    if let Err(e) = writer.garbage_collect_files().wait() {
        return Err(writer_failure(&mut writer, &options.index_dir, e));
    }
    // Files are known by their path with the PATH's links resolved, so
    // that a link to a folder finds the files indexed through the folder.
    let mut spellings = Vec::new();
    let mut run_roots = Vec::new();
    let mut walked = Vec::new();
    let (paths, missing_removed) = match &options.only {
        Some(only) => (only.as_slice(), true),
        None => (paths, false),
    };
    for path in paths {
        if let Some(root) = IdRoot::of(path) {
            spellings.push((file_key(path), root.path.clone()));
            run_roots.push(root);
        } else if missing_removed && corpus::is_missing(path) {
            // Removed: nothing to walk, and what was indexed from it goes.
            spellings.push((file_key(path), corpus::missing_key(path)));
            continue;
        }
        walked.push(path.clone());
    }
    let paths = walked.as_slice();
    let keys = Keys(spellings);
    ids::record_roots(id_roots, &run_roots);
    // Files indexed through a PATH spelled with a link by an earlier
    // version are under the link's key: they count as under a root too.
    let roots: Vec<String> = keys
        .0
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    // With one id root no clash can happen, and only the files under
    // this run's PATHs matter; with several, a clash may change the ids
    // of files anywhere (`ids_changing`).
    let scope = (id_roots.len() <= 1).then(|| roots.clone());
    let committed = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map(|r: IndexReader| r.searcher())?;
    let prints = Fingerprints::new();
    let mut known = StrMap::new();
    for_each_indexed(&committed, scope.as_deref(), |key, held| {
        match known.get_mut(&prints, key) {
            // Its articles lie in several segments.
            Some(k) => {
                let k: &mut KnownFile = k;
                k.held.articles = k.held.articles.saturating_add(held.articles);
            }
            None => known.insert(
                &prints,
                key,
                KnownFile {
                    held,
                    walked: false,
                },
            ),
        }
    })?;
    let reid = if id_roots.len() < 2 {
        // One id root: no clash can begin or end.
        Reid::none()
    } else {
        let mut indexed = HashSet::new();
        for_each_indexed(&committed, None, |key, _| {
            indexed.insert(key.to_owned());
        })?;
        ids_changing(paths, options, id_roots, &keys, &roots, &indexed)
    };
    let stamps = committed
        .segment_readers()
        .iter()
        .map(StampColumns::open)
        .collect::<tantivy::Result<_>>()?;
    let mut batch = Batch {
        fields: Fields::new(&index.schema())?,
        known,
        stamps,
        several_paths: paths.len() > 1,
        committed,
        losers_before: Payload::of(index),
        writer: &mut writer,
        dir: &options.index_dir,
        gazetteer: reading.gazetteer,
        reading,
        kinds: ActorKinds::of(reading.gazetteer),
        report,
        on_event,
        roots,
        prints,
        walked_new: StrSet::new(),
        replaced: HashSet::new(),
        unknown: Vec::new(),
        losers: HashSet::new(),
        claims: Vec::new(),
        // An id in memory takes some 21 bytes: up to a million of them
        // (a sixth of the writer's budget) stay there, the rest go to disk.
        ids: SpillMap::new(
            Some(index_dir),
            (options.memory_bytes / 128).clamp(10_000, 1 << 20),
        ),
        // A path in memory takes its bytes: a few megabytes of them stay
        // there, the rest go to disk.
        id_files: SpillList::new(
            Some(index_dir),
            (options.memory_bytes / 64).clamp(1 << 16, 8 << 20),
        ),
        clashes: reid.clashes,
        reid: reid.keys,
    };
    let total = options
        .count_files
        .then(|| count_files(paths, &options.index_dir));
    let (mut files, mut bytes) = (0u64, 0u64);
    for entry in corpus::files(paths, Some(&options.index_dir)) {
        if super::interrupted() {
            return Err(batch.stop());
        }
        match entry {
            Entry::File(mut file) => {
                files += 1;
                bytes += file.size;
                let articles = batch.report.added + batch.report.updated;
                (batch.on_event)(Event::Progress {
                    files,
                    bytes,
                    total,
                    articles,
                });
                let key = keys.of(&file.path);
                // Reached twice, through a link and through its target.
                if batch.was_seen(&key) {
                    continue;
                }
                if let Some(rel) = batch.clashes.id_path(id_roots, &key) {
                    file.rel_path = rel;
                }
                batch.file(&file, key)?;
            }
            Entry::Skipped(path, reason) => {
                (batch.on_event)(Event::Skipped(&path, &reason));
                *batch.report.skipped.entry(reason.to_string()).or_default() += 1;
            }
            Entry::Problem(p) => {
                // What could not be visited may still be there.
                if p.kind != ProblemKind::NoSuchPath {
                    batch.unknown.push(file_key(&p.path));
                    batch.unknown.push(keys.of(&p.path));
                }
                batch.problem(p);
            }
        }
    }
    batch.reid_outside(id_roots)?;
    batch.settle_claims()?;
    batch.remove_gone(scope.as_deref())?;
    if super::interrupted() {
        return Err(batch.stop());
    }
    let payload = batch.payload();
    // Updated articles were counted as removed and added again: report
    // them once, as updated.
    report.removed = report.removed.saturating_sub(report.updated);
    let committed = writer.prepare_commit().and_then(|mut prepared| {
        prepared.set_payload(&payload);
        prepared.commit()
    });
    if let Err(e) = committed {
        let err = writer_failure(&mut writer, &options.index_dir, e);
        let _ = writer.rollback();
        return Err(err);
    }
    writer.wait_merging_threads()?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    report.total = reader.searcher().num_docs();
    Ok(())
}

/// The keys files are known by: the spelling of each PATH (as
/// [`file_key`] makes it) with the PATH's links resolved.
struct Keys(Vec<(String, String)>);

impl Keys {
    /// The key of a file walked under one of the PATHs.
    fn of(&self, path: &Path) -> String {
        let key = file_key(path);
        let root = self
            .0
            .iter()
            .filter(|(spelled, _)| is_inside(&key, spelled))
            .max_by_key(|(spelled, _)| spelled.len());
        match root {
            Some((spelled, real)) => format!("{real}{}", key.get(spelled.len()..).unwrap_or("")),
            None => key,
        }
    }
}

/// The clashes after a run, and the indexed files whose ids they change.
struct Reid {
    clashes: Clashes,
    keys: HashSet<String>,
}

impl Reid {
    /// No clash, no id to change.
    fn none() -> Reid {
        Reid {
            clashes: Clashes::default(),
            keys: HashSet::new(),
        }
    }
}

/// Which relative paths clash after this run (see `index/ids.rs`), and
/// which indexed files that stay must have their ids written again.
/// `known` holds the key of every indexed file. With a single id root in
/// play nothing can clash and nothing is walked.
fn ids_changing(
    paths: &[PathBuf],
    options: &IndexOptions,
    id_roots: &[IdRoot],
    keys: &Keys,
    roots: &[String],
    known: &HashSet<String>,
) -> Reid {
    let none = Reid::none();
    let mut bases: HashSet<&str> = known
        .iter()
        .filter_map(|k| ids::root_of(id_roots, k))
        .map(|r| r.base.as_str())
        .collect();
    bases.extend(
        keys.0
            .iter()
            .filter_map(|(_, real)| ids::root_of(id_roots, real))
            .map(|r| r.base.as_str()),
    );
    if bases.len() < 2 {
        return none;
    }
    // The files this run will walk, and what it cannot read.
    let mut walked = HashSet::new();
    let mut unknown = Vec::new();
    for entry in corpus::files(paths, Some(&options.index_dir)) {
        match entry {
            Entry::File(file) => {
                walked.insert(keys.of(&file.path));
            }
            Entry::Problem(p) if p.kind != ProblemKind::NoSuchPath => {
                unknown.push(file_key(&p.path));
                unknown.push(keys.of(&p.path));
            }
            _ => {}
        }
    }
    // What the index will hold: the files walked, and those indexed
    // before that this run does not remove.
    let stays = |key: &str| {
        walked.contains(key)
            || !roots.iter().any(|r| is_inside(key, r))
            || unknown.iter().any(|u| is_inside(key, u))
    };
    let after_keys: Vec<&str> = walked
        .iter()
        .map(String::as_str)
        .chain(
            known
                .iter()
                .map(String::as_str)
                .filter(|k| !walked.contains(*k) && stays(k)),
        )
        .collect();
    let clashes = Clashes::among(id_roots, after_keys.into_iter());
    let before = Clashes::among(id_roots, known.iter().map(String::as_str));
    if clashes.is_empty() && before.is_empty() {
        return none;
    }
    let keys = known
        .iter()
        .filter(|k| stays(k))
        .filter(|k| clashes.id_path(id_roots, k) != before.id_path(id_roots, k))
        .cloned()
        .collect();
    Reid { clashes, keys }
}

/// What the index held of a file before the run.
#[derive(Debug, Clone, Copy)]
struct Indexed {
    stamp: FileStamp,
    articles: u64,
}

/// An article whose id a file not walked yet holds in the last commit:
/// it wins if that file turns out to be later in the walk or gone, as
/// it would in a fresh build.
struct Claim {
    article: article::Article,
    file: SourceFile,
    key: String,
    stamp: FileStamp,
    holders: Vec<String>,
    count: Count,
}

/// How an article written again is reported.
#[derive(Debug, Clone, Copy)]
enum Count {
    Added,
    Updated,
    Unchanged,
}

/// In [`Batch::ids`]: the id is the relative path of its file.
const ID_IS_PATH: u32 = u32::MAX;

/// One run of [`fill`]: what the index held, what this run has seen, and
/// where its changes go.
struct Batch<'a> {
    fields: Fields,
    /// The files the index held before the run (inside the run's scope),
    /// by key.
    known: StrMap<KnownFile>,
    /// The stamp columns of each segment of `committed`.
    stamps: Vec<StampColumns>,
    /// This run walks more than one PATH, which may reach a file twice.
    several_paths: bool,
    /// The last commit, to catch an id that another file already holds.
    committed: tantivy::Searcher,
    /// The files of the last commit that hold an id another file won.
    losers_before: HashSet<String>,
    writer: &'a mut IndexWriter<TantivyDocument>,
    dir: &'a Path,
    gazetteer: &'a Gazetteer,
    reading: &'a Reading<'a>,
    /// The kind of each actor, for the `actor_kind` facet.
    kinds: ActorKinds,
    report: &'a mut IndexReport,
    on_event: &'a mut dyn FnMut(Event<'_>),
    /// The keys of the PATHs that exist.
    roots: Vec<String>,
    /// The fingerprint keys of this run.
    prints: Fingerprints,
    /// The files walked that `known` does not hold, where it matters: with
    /// several PATHs, and the files of `losers_before`. Those of `known`
    /// are marked there: a build from scratch keeps no list of its files.
    walked_new: StrSet,
    /// The files whose documents of the last commit this run deleted.
    replaced: HashSet<String>,
    /// The folders and files that could not be visited: what was indexed
    /// from under them is neither known to be there nor known to be gone.
    unknown: Vec<String>,
    /// The files of this run that hold an id another file won.
    losers: HashSet<String>,
    claims: Vec<Claim>,
    /// Every article id of this run, with the file it came from (an index
    /// into `id_files`: one copy of a path, not one per article).
    ids: SpillMap,
    id_files: SpillList,
    /// Relative paths under more than one id root, after this run.
    clashes: Clashes,
    /// Indexed files whose ids change (a clash begins or ends): read
    /// again, changed or not.
    reid: HashSet<String>,
}

impl Batch<'_> {
    /// Drops what this run wrote since the last commit, on an interruption.
    fn stop(&mut self) -> Error {
        let _ = self.writer.rollback();
        let _ = self.writer.garbage_collect_files().wait();
        Error::Interrupted(self.dir.to_path_buf())
    }

    fn problem(&mut self, p: Problem) {
        (self.on_event)(Event::Problem(&p));
        self.report.problems.push(p);
    }

    fn under_a_root(&self, key: &str) -> bool {
        self.roots.iter().any(|root| is_inside(key, root))
    }

    /// Whether this run has walked the file of `key`.
    fn was_seen(&self, key: &str) -> bool {
        match self.known.get(&self.prints, key) {
            Some(k) => k.walked,
            None => self.walked_new.contains(&self.prints, key),
        }
    }

    /// Records that this run walked the file of `key`; what the index
    /// knew of it before.
    fn mark_walked(&mut self, key: &str) -> Option<Indexed> {
        match self.known.get_mut(&self.prints, key) {
            Some(k) => {
                k.walked = true;
                let k = *k;
                let stamp = self.stamps.get(k.held.segment as usize)?.of(k.held.doc);
                Some(Indexed {
                    stamp,
                    articles: u64::from(k.held.articles),
                })
            }
            None => {
                if self.several_paths || self.losers_before.contains(key) {
                    self.walked_new.insert(&self.prints, key);
                }
                None
            }
        }
    }

    fn under_unknown(&self, key: &str) -> bool {
        self.unknown.iter().any(|dir| is_inside(key, dir))
    }

    /// Indexes `file` again if it changed (size and modification time
    /// first, then its fingerprint), or for the first time.
    fn file(&mut self, file: &SourceFile, key: String) -> Result<()> {
        let before = self.mark_walked(&key);
        // A file that lost an id is read again until it holds none; one
        // whose ids change, to write them.
        let loser = self.losers_before.contains(&key) || self.reid.contains(&key);
        // Tables are read again when their columns changed.
        let reread = self.reading.reread_tables && matches!(file.format, Format::Csv | Format::Tsv);
        if let Some(k) = before {
            if !loser
                && !reread
                && k.stamp.size == file.size
                && k.stamp.mtime == file.mtime
                && file.mtime != 0
            {
                self.report.unchanged += k.articles;
                return Ok(());
            }
        }
        let content = match corpus::read_content(file) {
            Ok(content) => content,
            Err(err) => {
                if loser {
                    self.losers.insert(key);
                }
                self.problem(err.into_problem(&file.path, None));
                return Ok(());
            }
        };
        self.report.files_read += 1;
        let mut count = if before.is_some() {
            Count::Updated
        } else {
            Count::Added
        };
        if let Some(k) = before {
            if k.stamp.fingerprint == content.fingerprint && !reread {
                if !loser {
                    self.report.unchanged += k.articles;
                    return Ok(());
                }
                count = Count::Unchanged;
            } else {
                self.report.removed += k.articles;
            }
            self.writer
                .delete_term(Term::from_field_text(self.fields.path, &key));
            self.replaced.insert(key.clone());
        }
        let content_fingerprint = content.fingerprint;
        let parsed = article::parse_bytes(file, &content.bytes, &self.reading.options);
        drop(content);
        if let Some(reason) = &parsed.passed_over {
            let reason = SkipReason::Content(reason.clone());
            (self.on_event)(Event::Skipped(&file.path, &reason));
            *self.report.skipped.entry(reason.to_string()).or_default() += 1;
        }
        for p in parsed.problems {
            self.problem(p);
        }
        let stamp = FileStamp {
            fingerprint: content_fingerprint,
            size: file.size,
            mtime: file.mtime,
        };
        for article in parsed.articles {
            self.add(article, file, &key, stamp, count)?;
        }
        Ok(())
    }

    /// Adds `article` of `file` (stored under `key`), unless a file before
    /// it in the walk holds its id; an id that a file not walked yet holds
    /// is settled after the walk.
    fn add(
        &mut self,
        article: article::Article,
        file: &SourceFile,
        key: &str,
        stamp: FileStamp,
        count: Count,
    ) -> Result<()> {
        let given = self
            .ids
            .get(&self.prints, &article.id)
            .map_err(|e| Error::io("the article ids this run spilled to disk", e))?;
        if let Some(first) = given {
            let first_file = match first {
                ID_IS_PATH => Cow::Borrowed(article.id.as_str()),
                n => self
                    .id_files
                    .get(n as usize)
                    .map_err(|e| Error::io("the file names this run spilled to disk", e))?
                    .unwrap_or_default(),
            };
            let elsewhere = format!("first seen in {first_file}");
            self.lose(article, file, key, elsewhere);
            return Ok(());
        }
        let mut later = Vec::new();
        let mut stale = false;
        for holder in id_holders(&self.committed, &self.fields, &article.id) {
            if holder == key || self.replaced.contains(&holder) {
                continue;
            }
            let keeps = if self.was_seen(&holder) {
                // Before this file in the walk, and unchanged.
                true
            } else if self.under_a_root(&holder) {
                later.push(holder.clone());
                false
            } else {
                // Outside this run's PATHs: it keeps its articles while
                // it may be there.
                !matches!(std::fs::symlink_metadata(&holder), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
            };
            if keeps {
                self.lose(article, file, key, format!("already indexed from {holder}"));
                return Ok(());
            }
            stale = true;
        }
        self.claim_id(&article.id, &file.rel_path);
        if !later.is_empty() {
            self.claims.push(Claim {
                article,
                file: file.clone(),
                key: key.to_owned(),
                stamp,
                holders: later,
                count,
            });
            return Ok(());
        }
        if stale {
            self.writer
                .delete_term(Term::from_field_text(self.fields.id, &article.id));
        }
        self.write(&article, key, stamp, count)
    }

    /// Records that this run gives `id` to the file `rel_path`.
    fn claim_id(&mut self, id: &str, rel_path: &str) {
        if id == rel_path {
            // A file of one article, whose id names it: nothing to keep.
            self.ids.insert(&self.prints, id, ID_IS_PATH);
            return;
        }
        if self.id_files.last() != Some(rel_path) {
            self.id_files.push(rel_path);
        }
        let file_number = u32::try_from(self.id_files.len() - 1).unwrap_or(u32::MAX);
        self.ids.insert(&self.prints, id, file_number);
    }

    /// Skips `article` of `file`: another file holds its id.
    fn lose(&mut self, article: article::Article, file: &SourceFile, key: &str, elsewhere: String) {
        self.losers.insert(key.to_owned());
        let kind = ProblemKind::DuplicateId {
            id: article.id,
            elsewhere,
        };
        self.problem(Problem::skipped(&file.path, article.line, kind));
    }

    fn write(
        &mut self,
        article: &article::Article,
        key: &str,
        stamp: FileStamp,
        count: Count,
    ) -> Result<()> {
        let started = Instant::now();
        let facets =
            self.gazetteer
                .extract(&article.title, &article.body, article.date.map(|d| d.year));
        self.report.extraction += started.elapsed();
        let doc = self
            .fields
            .document(article, &facets, key, stamp, &self.kinds);
        if let Err(e) = self.writer.add_document(doc) {
            return Err(writer_failure(self.writer, self.dir, e));
        }
        match count {
            Count::Added => self.report.added += 1,
            Count::Updated => self.report.updated += 1,
            Count::Unchanged => self.report.unchanged += 1,
        }
        Ok(())
    }

    /// Reads again the files outside this run's PATHs whose ids change
    /// (`index A` then `index B`, both holding `iraq/x.txt`: A's file is
    /// qualified too). One that is not there keeps its ids.
    fn reid_outside(&mut self, id_roots: &[IdRoot]) -> Result<()> {
        let mut outside: Vec<String> = self
            .reid
            .iter()
            .filter(|key| !self.was_seen(key))
            .cloned()
            .collect();
        outside.sort();
        for key in outside {
            let path = PathBuf::from(&key);
            let (Some(format), Ok(meta)) = (corpus::Format::of(&path), std::fs::metadata(&path))
            else {
                continue;
            };
            let Some(rel_path) = self.clashes.id_path(id_roots, &key) else {
                continue;
            };
            let file = SourceFile {
                path,
                rel_path,
                format,
                size: meta.len(),
                mtime: corpus::mtime_nanos(&meta),
            };
            self.file(&file, key)?;
        }
        Ok(())
    }

    /// Settles the ids claimed from files that were not walked yet: the
    /// claim wins over a file walked later or gone, not over one that
    /// could not be visited.
    fn settle_claims(&mut self) -> Result<()> {
        for claim in std::mem::take(&mut self.claims) {
            if let Some(holder) = claim.holders.iter().find(|h| self.under_unknown(h)) {
                let elsewhere = format!("already indexed from {holder}");
                self.lose(claim.article, &claim.file, &claim.key, elsewhere);
                continue;
            }
            for holder in &claim.holders {
                // Its copy goes, as in a fresh build: it is read again
                // (and its line told) until it holds the id no more.
                if self.was_seen(holder) && !self.replaced.contains(holder) {
                    self.losers.insert(holder.clone());
                    let kind = ProblemKind::DuplicateId {
                        id: claim.article.id.clone(),
                        elsewhere: format!("first seen in {}", claim.file.rel_path),
                    };
                    self.problem(Problem::skipped(holder, None, kind));
                }
            }
            self.writer
                .delete_term(Term::from_field_text(self.fields.id, &claim.article.id));
            self.write(&claim.article, &claim.key, claim.stamp, claim.count)?;
        }
        Ok(())
    }

    /// Removes the files indexed from under an existing PATH that are
    /// known to be gone: not walked, and not under a folder that could not
    /// be read. `scope` is the one `known` was read with.
    fn remove_gone(&mut self, scope: Option<&[String]>) -> Result<()> {
        // The keys are read from the index again, not kept through the
        // run: a string per file was most of the heap of a re-run.
        let committed = self.committed.clone();
        for_each_indexed(&committed, scope, |key, _| {
            if !self.under_a_root(key) || self.under_unknown(key) {
                return;
            }
            let Some(k) = self.known.get_mut(&self.prints, key) else {
                return;
            };
            if k.walked {
                return;
            }
            // Counted once, though its articles may lie in several
            // segments.
            k.walked = true;
            self.report.removed += u64::from(k.held.articles);
            self.writer
                .delete_term(Term::from_field_text(self.fields.path, key));
        })?;
        Ok(())
    }

    /// The payload of this run's commit.
    fn payload(&self) -> String {
        let kept = self.losers_before.iter().filter(|key| {
            !self.was_seen(key) && (!self.under_a_root(key) || self.under_unknown(key))
        });
        let mut losers: Vec<String> = self.losers.iter().chain(kept).cloned().collect();
        losers.sort();
        losers.dedup();
        serde_json::to_string(&Payload { losers }).unwrap_or_default()
    }
}
