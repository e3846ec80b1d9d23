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
use crate::error::{Error, Problem, ProblemKind, Result};
use crate::gazetteer::table::{self, NameTable, NAME_TABLE_FILE};
use crate::gazetteer::Gazetteer;
use crate::index::schema::{Fields, FileStamp, SchemaConfig};
use crate::index_schema::SchemaFiles;

use crate::corpus::{file_key, is_inside, SourceFile};

use super::{
    merge_policy, open_tantivy, prepare_fresh, recover_swap, swap, write_atomically, Access, Event,
    IndexOptions, IndexReport, RunLock, Siblings, Stamp, StampColumns, FORMAT_VERSION, STAMP_FILE,
    TANTIVY_DIR,
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
        let index = open_tantivy(dir, &dir.join(TANTIVY_DIR), Access::Update)?;
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
/// the index folder.
fn count_files(paths: &[PathBuf], index_dir: &Path) -> (u64, u64) {
    corpus::files(paths, Some(index_dir))
        .filter_map(|entry| match entry {
            Entry::File(file) => Some(file.size),
            _ => None,
        })
        .fold((0, 0), |(n, bytes), size| (n + 1, bytes + size))
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
    let mut writer: IndexWriter<TantivyDocument> = match index.writer(options.memory_bytes) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(..)) => {
            return Err(Error::Locked(options.index_dir.clone()))
        }
        Err(e) => return Err(e.into()),
    };
    writer.set_merge_policy(merge_policy());
    let mut batch = Batch {
        fields: Fields::new(&index.schema())?,
        known: indexed_files(index)?,
        committed: index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map(|r: IndexReader| r.searcher())?,
        writer: &mut writer,
        gazetteer,
        report,
        on_event,
        seen: HashSet::new(),
        ids: HashMap::new(),
        id_files: Vec::new(),
    };
    let total = options
        .count_files
        .then(|| count_files(paths, &options.index_dir));
    let (mut files, mut bytes) = (0u64, 0u64);
    for entry in corpus::files(paths, Some(&options.index_dir)) {
        match entry {
            Entry::File(file) => {
                files += 1;
                bytes += file.size;
                let articles = batch.report.added + batch.report.updated;
                (batch.on_event)(Event::Progress {
                    files,
                    bytes,
                    total,
                    articles,
                });
                batch.file(&file)?;
            }
            Entry::Skipped(path, reason) => {
                (batch.on_event)(Event::Skipped(&path, &reason));
                *batch.report.skipped.entry(reason.to_string()).or_default() += 1;
            }
            Entry::Problem(p) => batch.problem(p),
        }
    }
    batch.remove_gone(paths);
    // Updated articles were counted as removed and added again: report
    // them once, as updated.
    report.removed = report.removed.saturating_sub(report.updated);
    if let Err(e) = writer.commit() {
        let _ = writer.rollback();
        return Err(e.into());
    }
    writer.wait_merging_threads()?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    report.total = reader.searcher().num_docs();
    Ok(())
}

/// One run of [`fill`]: what the index held, what this run has seen, and
/// where its changes go.
struct Batch<'a> {
    fields: Fields,
    /// The files the index held before the run, by key.
    known: HashMap<String, Indexed>,
    /// The last commit, to catch an id that another file already holds.
    committed: tantivy::Searcher,
    writer: &'a mut IndexWriter<TantivyDocument>,
    gazetteer: &'a Gazetteer,
    report: &'a mut IndexReport,
    on_event: &'a mut dyn FnMut(Event<'_>),
    /// The keys of the files walked.
    seen: HashSet<String>,
    /// Every article id of this run, with the file it came from (an index
    /// into `id_files`: one copy of a path, not one per article).
    ids: HashMap<String, u32>,
    id_files: Vec<String>,
}

impl Batch<'_> {
    fn problem(&mut self, p: Problem) {
        (self.on_event)(Event::Problem(&p));
        self.report.problems.push(p);
    }

    /// Indexes `file` again if it changed (size and modification time
    /// first, then its fingerprint), or for the first time.
    fn file(&mut self, file: &SourceFile) -> Result<()> {
        let key = file_key(&file.path);
        self.seen.insert(key.clone());
        let before = self.known.get(&key).copied();
        if let Some(k) = before {
            if k.stamp.size == file.size && k.stamp.mtime == file.mtime && file.mtime != 0 {
                self.report.unchanged += k.articles;
                return Ok(());
            }
        }
        let text = match corpus::read_text(&file.path) {
            Ok(text) => text,
            Err(err) => {
                self.problem(err.into_problem(&file.path, None));
                return Ok(());
            }
        };
        self.report.files_read += 1;
        if let Some(k) = before {
            if k.stamp.fingerprint == text.fingerprint {
                self.report.unchanged += k.articles;
                return Ok(());
            }
            self.writer
                .delete_term(Term::from_field_text(self.fields.path, &key));
            self.report.removed += k.articles;
        }
        let parsed = article::parse_decoded(file, &text);
        for p in parsed.problems {
            self.problem(p);
        }
        let stamp = FileStamp {
            fingerprint: text.fingerprint,
            size: file.size,
            mtime: file.mtime,
        };
        for article in parsed.articles {
            if self.add(article, file, &key, stamp)? {
                if before.is_some() {
                    self.report.updated += 1;
                } else {
                    self.report.added += 1;
                }
            }
        }
        Ok(())
    }

    /// Adds `article` of `file` (stored under `key`), unless another file
    /// holds its id; whether it was added.
    fn add(
        &mut self,
        article: article::Article,
        file: &SourceFile,
        key: &str,
        stamp: FileStamp,
    ) -> Result<bool> {
        let duplicate = match self.ids.get(&article.id) {
            Some(&first) => Some(format!(
                "first seen in {}",
                self.id_files.get(first as usize).map_or("", String::as_str)
            )),
            None => id_held_elsewhere(&self.committed, &self.fields, &article.id, key)
                .map(|other| format!("already indexed from {other}")),
        };
        if let Some(elsewhere) = duplicate {
            let kind = ProblemKind::DuplicateId {
                id: article.id,
                elsewhere,
            };
            self.problem(Problem::skipped(&file.path, article.line, kind));
            return Ok(false);
        }
        if self.id_files.last() != Some(&file.rel_path) {
            self.id_files.push(file.rel_path.clone());
        }
        let file_number = u32::try_from(self.id_files.len() - 1).unwrap_or(u32::MAX);
        self.ids.insert(article.id.clone(), file_number);
        let started = Instant::now();
        let facets = self.gazetteer.extract(&article.title, &article.body);
        self.report.extraction += started.elapsed();
        let doc = self.fields.document(&article, &facets, key, stamp);
        self.writer.add_document(doc)?;
        Ok(true)
    }

    /// Removes the files indexed from under an existing PATH that the walk
    /// did not find.
    fn remove_gone(&mut self, paths: &[PathBuf]) {
        let roots: Vec<String> = paths
            .iter()
            .filter(|root| root.exists())
            .map(|root| file_key(root))
            .collect();
        for (key, k) in &self.known {
            let under_a_root = roots.iter().any(|root| is_inside(key, root));
            if under_a_root && !self.seen.contains(key) {
                self.writer
                    .delete_term(Term::from_field_text(self.fields.path, key));
                self.report.removed += k.articles;
            }
        }
    }
}
