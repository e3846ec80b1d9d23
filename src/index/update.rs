//! Bringing an index in line with its folders: new files added, changed
//! ones re-indexed, vanished ones removed, in one commit.

use crate::fields::field;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::schema::Term;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::article;
use crate::corpus::{self, Entry};
use crate::error::{Error, Problem, Result};
use crate::gazetteer::table::{self, NameTable, NAME_TABLE_FILE};
use crate::gazetteer::Gazetteer;
use crate::index::schema::{Fields, FileStamp, RecordPlace, SchemaConfig};
use crate::index_schema::SchemaFiles;

use super::{
    file_key, is_inside, merge_policy, open_tantivy, prepare_fresh, recover_swap, swap,
    write_atomically, Event, IndexOptions, IndexReport, RunLock, Siblings, Stamp, StampColumns,
    FORMAT_VERSION, STAMP_FILE, TANTIVY_DIR,
};
use crate::index::reextract;

/// The state of one indexed file, from the index's fast fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Indexed {
    stamp: FileStamp,
    articles: u64,
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
    let stamp = Stamp::of(&config, files);
    let dir = &options.index_dir;
    let siblings = Siblings::of(dir)?;
    let _lock = RunLock::acquire(dir, &siblings.lock)?;
    recover_swap(dir, &siblings)?;

    let mut rebuild_all = options.rebuild || !dir.join(STAMP_FILE).is_file();
    let mut reextracted = None;
    if !rebuild_all {
        let old = Stamp::read(dir)?;
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
        }
    }
    let mut report = if rebuild_all {
        let fresh = prepare_fresh(dir, &siblings, files, &config)?;
        let mut report = IndexReport {
            rebuilt: true,
            ..IndexReport::default()
        };
        fill(&fresh, paths, options, &gazetteer, &mut report, on_event)?;
        drop(fresh);
        stamp.write(&siblings.fresh)?;
        swap(dir, &siblings)?;
        report
    } else {
        let index = open_tantivy(dir, &dir.join(TANTIVY_DIR))?;
        let mut report = IndexReport::default();
        fill(&index, paths, options, &gazetteer, &mut report, on_event)?;
        report
    };
    report.reextracted = reextracted;
    write_name_table(dir, &gazetteer, &stamp)?;
    report.elapsed = started.elapsed();
    Ok(report)
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

/// The files an index holds, with their stamps and article counts.
pub(crate) fn indexed_files(index: &Index) -> Result<HashMap<String, Indexed>> {
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut out: HashMap<String, Indexed> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str(field::PATH)? else {
            continue;
        };
        // Read the path dictionary once, in order: looking each document's
        // path up by ordinal decompresses a block per call.
        let mut names: Vec<String> = Vec::with_capacity(paths.num_terms());
        let mut stream = paths
            .dictionary()
            .stream()
            .map_err(|e| Error::io("path column", e))?;
        while stream.advance() {
            names.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        let stamps = StampColumns::open(segment)?;
        for doc in segment.doc_ids_alive() {
            let Some(path) = paths
                .term_ords(doc)
                .next()
                .and_then(|ord| names.get(ord as usize))
            else {
                continue;
            };
            let entry = out.entry(path.clone()).or_insert(Indexed {
                stamp: stamps.of(doc),
                articles: 0,
            });
            entry.articles += 1;
        }
    }
    Ok(out)
}

/// The file that holds `id` in the last commit, when it is another file
/// than `key` and still exists (a file that is gone gives its ids up).
pub(crate) fn id_held_elsewhere(
    committed: &tantivy::Searcher,
    fields: &Fields,
    id: &str,
    key: &str,
) -> Option<String> {
    use tantivy::schema::Value;
    if committed.num_docs() == 0 {
        return None;
    }
    let query = tantivy::query::TermQuery::new(
        Term::from_field_text(fields.id, id),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let top = committed
        .search(
            &query,
            &tantivy::collector::TopDocs::with_limit(4).order_by_score(),
        )
        .ok()?;
    top.into_iter().find_map(|(_, address)| {
        let doc: TantivyDocument = committed.doc(address).ok()?;
        let path = doc.get_first(fields.path)?.as_str()?.to_owned();
        (path != key && Path::new(&path).exists()).then_some(path)
    })
}

/// The number and total size of the article files under `paths`, outside
/// the index folder `index_key`.
pub(crate) fn count_files(paths: &[PathBuf], index_key: &str) -> (u64, u64) {
    let mut keys = HashSet::new();
    let mut bytes = 0;
    for root in paths {
        for entry in corpus::walk(root) {
            if let Entry::File(file) = entry {
                let key = file_key(&file.path);
                if !is_inside(&key, index_key) && keys.insert(key) {
                    bytes += file.size;
                }
            }
        }
    }
    (keys.len() as u64, bytes)
}

/// Walks `paths`, writes what changed into `index`, and commits once.
pub(crate) fn fill(
    index: &Index,
    paths: &[PathBuf],
    options: &IndexOptions,
    gazetteer: &Gazetteer,
    report: &mut IndexReport,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<()> {
    let fields = &Fields::new(&index.schema())?;
    let known = indexed_files(index)?;
    let mut writer: IndexWriter<TantivyDocument> = match index.writer(options.memory_bytes) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(..)) => {
            return Err(Error::Locked(options.index_dir.clone()))
        }
        Err(e) => return Err(e.into()),
    };
    writer.set_merge_policy(merge_policy());
    let mut seen: HashSet<String> = HashSet::new();
    let index_key = file_key(&options.index_dir);
    // Every article id of this run, with the file it came from (an index
    // into `id_files`: one copy of a path, not one per article).
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut id_files: Vec<String> = Vec::new();
    // The last commit, to catch an id that another file already holds.
    let committed = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map(|r: IndexReader| r.searcher())?;
    let problem = |report: &mut IndexReport, p: Problem, on_event: &mut dyn FnMut(Event<'_>)| {
        on_event(Event::Problem(&p));
        report.problems.push(p);
    };
    let total_files = options.count_files.then(|| count_files(paths, &index_key));
    let (mut files_done, mut bytes_done) = (0u64, 0u64);

    for root in paths {
        let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.clone());
        if !root.exists() {
            problem(
                report,
                Problem::skipped(root, None, "no such file or folder"),
                on_event,
            );
            continue;
        }
        for entry in corpus::walk(root) {
            let file = match entry {
                Entry::File(file) => file,
                Entry::Skipped(path, reason) => {
                    on_event(Event::Skipped(&path, &reason));
                    *report.skipped.entry(reason.to_string()).or_default() += 1;
                    continue;
                }
                Entry::Problem(p) => {
                    problem(report, p, on_event);
                    continue;
                }
            };
            let key = file_key(&file.path);
            if is_inside(&key, &index_key) {
                // `sitrep index .` with the index in ./sitrep-index: the
                // index's own files are not articles.
                continue;
            }
            if !seen.insert(key.clone()) {
                continue; // the same file reached through two PATHs
            }
            files_done += 1;
            bytes_done += file.size;
            on_event(Event::Progress {
                files: files_done,
                bytes: bytes_done,
                total: total_files,
                articles: report.added + report.updated,
            });
            let before = known.get(&key);
            if let Some(k) = before {
                if k.stamp.size == file.size && k.stamp.mtime == file.mtime && file.mtime != 0 {
                    report.unchanged += k.articles;
                    continue;
                }
            }
            let text = match corpus::read_text(&file.path) {
                Ok(text) => text,
                Err(err) => {
                    problem(report, err.into_problem(&file.path, None), on_event);
                    continue;
                }
            };
            report.files_read += 1;
            if let Some(k) = before {
                if k.stamp.fingerprint == text.fingerprint {
                    report.unchanged += k.articles;
                    continue;
                }
            }
            if let Some(w) = &text.warning {
                problem(
                    report,
                    Problem::warning(&file.path, None, w.clone()),
                    on_event,
                );
            }
            let parsed = article::parse(&file, &text.text);
            for p in parsed.problems {
                problem(report, p, on_event);
            }
            if let Some(k) = before {
                writer.delete_term(Term::from_field_text(fields.path, &key));
                report.removed += k.articles;
            }
            let stamp = FileStamp {
                fingerprint: text.fingerprint,
                size: file.size,
                mtime: file.mtime,
            };
            for article in parsed.articles {
                let duplicate = match ids.get(&article.id) {
                    Some(&first) => Some(format!(
                        "first seen in {}",
                        id_files.get(first as usize).map_or("", String::as_str)
                    )),
                    None => id_held_elsewhere(&committed, fields, &article.id, &key)
                        .map(|other| format!("already indexed from {other}")),
                };
                if let Some(where_) = duplicate {
                    let message = format!("duplicate id {:?} ({where_}); skipped", article.id);
                    problem(
                        report,
                        Problem::skipped(&file.path, article.line, message),
                        on_event,
                    );
                    continue;
                }
                if id_files.last() != Some(&file.rel_path) {
                    id_files.push(file.rel_path.clone());
                }
                let file_number = u32::try_from(id_files.len() - 1).unwrap_or(u32::MAX);
                ids.insert(article.id.clone(), file_number);
                let extract_started = Instant::now();
                let facets = gazetteer.extract(&article.title, &article.body);
                report.extraction += extract_started.elapsed();
                let place = record_place(&text, &article, &file.rel_path, &key);
                let doc = fields.document(&article, &facets, &key, stamp, place);
                writer.add_document(doc)?;
                if before.is_some() {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
        }
        // Files indexed from under this root that are gone now.
        let prefix = file_key(&root_abs);
        for (key, k) in &known {
            if is_inside(key, &prefix) && !seen.contains(key) {
                writer.delete_term(Term::from_field_text(fields.path, key));
                report.removed += k.articles;
                seen.insert(key.clone());
            }
        }
    }
    // Updated articles were counted as removed and added again: report
    // them once, as updated.
    report.removed = report.removed.saturating_sub(report.updated);

    if let Err(e) = writer.commit() {
        let _ = writer.rollback();
        return Err(e.into());
    }
    writer.wait_merging_threads()?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    report.total = reader.searcher().num_docs();
    Ok(())
}

/// Where `article`, parsed from `text`, lies in its file, stored under
/// `key` with ids relative to `rel_path`. Unknown when the text is not the
/// file's bytes (it was decoded or repaired), when the record cannot be
/// parsed on its own, or when `rel_path` is not the end of `key`.
pub(crate) fn record_place(
    text: &corpus::Text,
    article: &article::Article,
    rel_path: &str,
    key: &str,
) -> RecordPlace {
    let (Some(from), Some(span)) = (text.verbatim_from, article.span.clone()) else {
        return RecordPlace::default();
    };
    let Some(bytes) = text.text.as_bytes().get(span.clone()) else {
        return RecordPlace::default();
    };
    let id_from = key
        .len()
        .checked_sub(rel_path.len())
        .filter(|&at| key.get(at..) == Some(rel_path));
    // A one-article file's record is the whole file: its fingerprint is
    // known already.
    let whole_file = from == 0 && span == (0..text.text.len());
    let fingerprint = whole_file.then_some(text.fingerprint);
    match id_from {
        Some(id_from) => {
            RecordPlace::new(from + span.start, bytes, fingerprint, article.line, id_from)
        }
        None => RecordPlace::default(),
    }
}
