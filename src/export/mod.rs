//! ⑥ Export: the articles of an index, as a cluster engine (Quickwit or
//! OpenSearch) takes them, into a folder the user sends from.
//!
//! An export folder holds:
//!
//! * the index definition, generated from the schema the index was built
//!   with: `quickwit-index.yaml` or `opensearch-index.json`;
//! * one folder per export run, `export-00001/`, `export-00002/`…, with
//!   the documents as NDJSON parts under a size limit (`part-00001.ndjson`…)
//!   and, when documents are to be deleted, `delete-ids.txt` plus
//!   `delete-tasks.ndjson` (Quickwit delete-task requests) or
//!   `delete.ndjson` (OpenSearch bulk deletes);
//! * `export-state.tsv`, what has been exported so far (see `state`), so
//!   the next run writes only new and changed documents and the ids gone.
//!
//! A run is built in `.export-NNNNN.partial/` with its new state inside,
//! renamed to `export-NNNNN/` when complete (the commit), and its state
//! then moved to the folder's top. A run interrupted before the rename
//! leaves debris the next run removes; one interrupted after it is
//! recorded by the next run from the state it left inside. Either way no
//! change is lost: what was not recorded is exported again.
//!
//! Documents follow `fields::remote`; their words are cut by the analyser
//! the index itself uses. The articles are read from the index's doc
//! store (`index::stored`), never from their files.

mod definition;
mod document;
mod parts;
mod state;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::index::stored::{self, Terms};
use crate::index::{OpenIndex, RunLock};
use definition::RemoteField;
use parts::{Deletes, Parts};
use state::{Header, Known, Previous, STATE_FILE};

/// The largest part file, in bytes: parts stay under it. Quickwit's ingest
/// API takes at most 10 MiB a request.
pub const PART_BYTES: u64 = 10_000_000;

/// The index name a Quickwit config gets unless told otherwise.
pub const DEFAULT_REMOTE_INDEX: &str = "sitrep";

/// The engine an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTarget {
    /// Quickwit 0.9: an index config in YAML, documents for the ingest
    /// API, delete tasks.
    Quickwit,
    /// OpenSearch (and Elasticsearch): an index body in JSON, documents
    /// for the `_bulk` API.
    OpenSearch,
}

impl ExportTarget {
    /// Its name, as on the command line and in the state file.
    pub fn name(self) -> &'static str {
        match self {
            ExportTarget::Quickwit => "quickwit",
            ExportTarget::OpenSearch => "opensearch",
        }
    }

    /// The file of the index definition in an export folder.
    pub fn definition_file(self) -> &'static str {
        match self {
            ExportTarget::Quickwit => "quickwit-index.yaml",
            ExportTarget::OpenSearch => "opensearch-index.json",
        }
    }

    fn other(self) -> ExportTarget {
        match self {
            ExportTarget::Quickwit => ExportTarget::OpenSearch,
            ExportTarget::OpenSearch => ExportTarget::Quickwit,
        }
    }
}

impl std::fmt::Display for ExportTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How to run [`export`].
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The export folder (created if need be).
    pub out: PathBuf,
    /// The engine.
    pub target: ExportTarget,
    /// The index name in a Quickwit config.
    pub remote_index: String,
    /// Export every article, not only those new or changed since the last
    /// export to `out`.
    pub full: bool,
    /// Parts stay under this many bytes ([`PART_BYTES`]).
    pub part_bytes: u64,
}

/// What [`export`] did.
#[derive(Debug, Clone)]
pub struct ExportReport {
    /// The engine.
    pub target: ExportTarget,
    /// The definition file.
    pub definition: PathBuf,
    /// Whether the definition file was written (new or different).
    pub definition_written: bool,
    /// The run's folder, or `None` when nothing changed since the last
    /// export (and no folder was written).
    pub run_dir: Option<PathBuf>,
    /// The run's generation, or the last one when nothing changed.
    pub generation: u32,
    /// Whether every article was exported (`--full`, or a first export).
    pub full: bool,
    /// Articles in the index.
    pub articles: u64,
    /// Documents written.
    pub written: u64,
    /// Of which new since the last export.
    pub new: u64,
    /// Ids to delete.
    pub deleted: u64,
    /// Part files written.
    pub files: u64,
    /// Bytes written into the run's folder (parts and delete files).
    pub bytes: u64,
    /// Time taken.
    pub elapsed: Duration,
}

/// Exports the articles of `open` as `options` say. `notice` hears about
/// what the user should know (debris removed, an interrupted run
/// recorded, fields left out, documents too large or ids too long for the
/// engine).
pub fn export(
    open: &OpenIndex,
    options: &ExportOptions,
    notice: &mut dyn FnMut(&str),
) -> Result<ExportReport> {
    let started = Instant::now();
    let out = &options.out;
    let target = options.target;
    if target == ExportTarget::Quickwit && !definition::is_quickwit_index_id(&options.remote_index)
    {
        return Err(Error::data(
            out,
            None,
            format!(
                "{:?} cannot name a Quickwit index: use 3 to 255 letters, digits, `-`, `_` or `.`, starting with a letter (--remote-index)",
                options.remote_index
            ),
        ));
    }
    prepare_folder(out, target)?;
    let _lock = RunLock::acquire(out, &out.join(".export.lock")).map_err(|e| match e {
        Error::Locked(_) => Error::data(
            out,
            None,
            "another sitrep export is writing to this folder; try again when it is done",
        ),
        other => other,
    })?;
    clear_debris(out, notice)?;
    recover_interrupted(out, notice)?;
    let state_path = out.join(STATE_FILE);
    check_target(out, target, state::read_header(&state_path)?.as_ref())?;

    // The definition: rewritten only when it changed.
    let fields = definition::included(&open.config);
    for left_out in definition::FIELDS
        .iter()
        .filter(|f| !fields.iter().any(|g| g.name == f.name))
    {
        notice(&format!(
            "the index does not store its field {:?}: {:?} is left out of the export",
            left_out.source, left_out.name
        ));
    }
    let text = match target {
        ExportTarget::Quickwit => {
            definition::quickwit(&open.config, &fields, &options.remote_index)
        }
        ExportTarget::OpenSearch => definition::opensearch(&open.config, &fields),
    };
    let definition_path = out.join(target.definition_file());
    let definition_written =
        std::fs::read(&definition_path).ok().as_deref() != Some(text.as_bytes());
    if definition_written {
        write_atomically(&definition_path, text.as_bytes())?;
    }

    // What was exported before: even a full export reads it, for the ids
    // to delete (a damaged state is then only a notice).
    let previous = match Previous::read(&state_path) {
        Ok(previous) => previous,
        Err(err @ Error::Data { .. }) if options.full => {
            notice(&format!(
                "{}; no document is deleted by this export",
                err.chain()
            ));
            None
        }
        Err(err) => return Err(err),
    };
    let last = match &previous {
        Some(p) => p.header.generation,
        None => state::read_header(&state_path)
            .ok()
            .flatten()
            .map_or(0, |h| h.generation),
    };
    let generation = next_generation(out, last)?;
    let run_name = run_name(generation);
    let partial = out.join(format!(".{run_name}.partial"));
    std::fs::create_dir(&partial).map_err(|e| Error::io(&partial, e))?;
    let result = write_run(
        open, options, &fields, &partial, generation, previous, notice,
    );
    let run = match result {
        Ok(run) => run,
        Err(err) => {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(err);
        }
    };
    let mut report = ExportReport {
        target,
        definition: definition_path,
        definition_written,
        run_dir: None,
        generation,
        full: run.full,
        articles: run.articles,
        written: run.written,
        new: run.new,
        deleted: run.deleted,
        files: run.files,
        bytes: run.bytes,
        elapsed: Duration::ZERO,
    };
    if !run.full && run.written == 0 && run.deleted == 0 {
        // Nothing to send: no empty generation.
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
        report.generation = last;
        report.elapsed = started.elapsed();
        return Ok(report);
    }
    // The commit: the complete run takes its name; then its state goes to
    // the folder's top.
    let run_dir = out.join(&run_name);
    std::fs::rename(&partial, &run_dir).map_err(|e| Error::io(&run_dir, e))?;
    let inner = run_dir.join(STATE_FILE);
    std::fs::rename(&inner, &state_path).map_err(|e| Error::io(&state_path, e))?;
    report.run_dir = Some(run_dir);
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What one run wrote.
struct Run {
    full: bool,
    articles: u64,
    written: u64,
    new: u64,
    deleted: u64,
    files: u64,
    bytes: u64,
}

/// Writes the documents and deletes of a run, and its state, into
/// `dir`.
fn write_run(
    open: &OpenIndex,
    options: &ExportOptions,
    fields: &[RemoteField],
    dir: &Path,
    generation: u32,
    mut previous: Option<Previous>,
    notice: &mut dyn FnMut(&str),
) -> Result<Run> {
    let target = options.target;
    let quickwit = target == ExportTarget::Quickwit;
    let full = options.full || previous.is_none();
    let mut state = state::Writer::create(
        &dir.join(STATE_FILE),
        &Header {
            target: target.name().to_owned(),
            generation,
        },
    )?;
    let mut parts = Parts::new(dir, options.part_bytes);
    let mut deletes = Deletes::new(dir, quickwit);
    let mut terms = Terms::of(open);
    let included = |name: &str| fields.iter().any(|f| f.name == name);
    // The longest id an engine finds again: Quickwit's raw tokenizer drops
    // longer tokens (so a delete task misses them), OpenSearch refuses a
    // longer `_id`.
    let id_limit = if quickwit { 255 } else { 512 };
    let (mut written, mut new, mut long_ids) = (0u64, 0u64, 0u64);
    let articles = stored::each_article(open, &mut |article| {
        let doc = document::document(
            &article,
            terms.title(&article.title),
            terms.body(&article.body),
            &included,
        );
        let line = doc.to_line();
        let hash = state::content_hash(&line);
        state.add(&article.id, hash)?;
        let known = match &mut previous {
            Some(previous) => previous.meet(&article.id, hash),
            None => Known::New,
        };
        if known == Known::Same && !full {
            return Ok(());
        }
        if known != Known::New && quickwit {
            // Quickwit does not replace a document by its id: the one
            // sent before is deleted first.
            deletes.add(&article.id)?;
        }
        if article.id.len() > id_limit {
            long_ids += 1;
        }
        let mut record = Vec::with_capacity(line.len() + 64);
        if !quickwit {
            let action = serde_json::json!({ "index": { "_id": article.id } });
            record.extend(action.to_string().as_bytes());
            record.push(b'\n');
        }
        record.extend(&line);
        record.push(b'\n');
        parts.write(&record)?;
        written += 1;
        if known == Known::New {
            new += 1;
        }
        Ok(())
    })?;
    // The articles gone from the index since the last export.
    if let Some(previous) = &previous {
        previous.each_unmet(&mut |id| deletes.add(id))?;
    }
    let parts = parts.finish()?;
    let deleted = deletes.count;
    let delete_bytes = deletes.finish()?;
    state.finish()?;
    if parts.oversized > 0 {
        notice(&format!(
            "{} document(s) are {} bytes or more on their own: each is in a part of its own, which may be over the engine's request limit",
            parts.oversized, options.part_bytes
        ));
    }
    if long_ids > 0 {
        notice(&format!(
            "{long_ids} article id(s) are longer than {id_limit} bytes: {target} cannot find such a document again by its id"
        ));
    }
    Ok(Run {
        full,
        articles,
        written,
        new,
        deleted,
        files: parts.files,
        bytes: parts.bytes + delete_bytes,
    })
}

/// `export-00001` for generation 1.
fn run_name(generation: u32) -> String {
    format!("export-{generation:05}")
}

/// The generation of a run folder's name, if it is one.
fn generation_of(name: &str) -> Option<u32> {
    let digits = name.strip_prefix("export-")?;
    (digits.len() >= 5 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The generation of the next run: after the last recorded, and after
/// every run folder there (the state may have been removed by hand).
fn next_generation(out: &Path, last: u32) -> Result<u32> {
    let mut highest = last;
    for name in entries(out)? {
        if let Some(n) = generation_of(&name) {
            highest = highest.max(n);
        }
    }
    highest
        .checked_add(1)
        .ok_or_else(|| Error::data(out, None, "holds too many export runs"))
}

/// The names of the entries of `dir`.
fn entries(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Creates the export folder, or checks that an existing one is empty or
/// an export folder: a folder of other files is never written into.
fn prepare_folder(out: &Path, target: ExportTarget) -> Result<()> {
    if !out.exists() {
        return std::fs::create_dir_all(out).map_err(|e| Error::io(out, e));
    }
    if !out.is_dir() {
        return Err(Error::data(
            out,
            None,
            "is not a folder: name a new or empty folder, or one an earlier export wrote",
        ));
    }
    let names = entries(out)?;
    let ours = |name: &str| {
        name == STATE_FILE
            || name == target.definition_file()
            || name == target.other().definition_file()
            || generation_of(name).is_some()
            || (name.starts_with(".export-") && name.ends_with(".partial"))
            || name == ".export.lock"
    };
    if !names.is_empty() && !names.iter().any(|n| ours(n)) {
        return Err(Error::data(
            out,
            None,
            "is not empty and not an export folder: name a new or empty folder, or one an earlier export wrote",
        ));
    }
    Ok(())
}

/// Removes the folders of runs interrupted before they were complete.
fn clear_debris(out: &Path, notice: &mut dyn FnMut(&str)) -> Result<()> {
    for name in entries(out)? {
        if name.starts_with(".export-") && name.ends_with(".partial") {
            let path = out.join(&name);
            std::fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
            notice(&format!(
                "removed {name}, left by an interrupted export; its articles are exported again"
            ));
        }
    }
    Ok(())
}

/// Records the state of a run that was complete but interrupted before
/// its state reached the folder's top.
fn recover_interrupted(out: &Path, notice: &mut dyn FnMut(&str)) -> Result<()> {
    let last = entries(out)?
        .into_iter()
        .filter_map(|n| generation_of(&n).map(|g| (g, n)))
        .max();
    let Some((generation, name)) = last else {
        return Ok(());
    };
    let inner = out.join(&name).join(STATE_FILE);
    let Some(header) = state::read_header(&inner)? else {
        return Ok(());
    };
    let state_path = out.join(STATE_FILE);
    let recorded = state::read_header(&state_path)?.map_or(0, |h| h.generation);
    if header.generation == generation && generation > recorded {
        std::fs::rename(&inner, &state_path).map_err(|e| Error::io(&state_path, e))?;
        notice(&format!(
            "{name} was complete when an export was interrupted: recorded it as exported"
        ));
    }
    Ok(())
}

/// Refuses an export folder made for the other engine.
fn check_target(out: &Path, target: ExportTarget, header: Option<&Header>) -> Result<()> {
    let made_for = match header {
        Some(h) if h.target != target.name() => Some(h.target.clone()),
        Some(_) => None,
        None => out
            .join(target.other().definition_file())
            .exists()
            .then(|| target.other().name().to_owned()),
    };
    match made_for {
        Some(other) => Err(Error::data(
            out,
            None,
            format!(
                "holds an export for {other}, not {target}: export to {target} into another folder"
            ),
        )),
        None => Ok(()),
    }
}

/// Writes `bytes` to `path` through a file beside it and a rename, so
/// the file is never seen half written.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_folders_are_numbered() {
        assert_eq!(run_name(3), "export-00003");
        assert_eq!(generation_of("export-00003"), Some(3));
        assert_eq!(generation_of("export-123456"), Some(123_456));
        assert_eq!(generation_of("export-3"), None);
        assert_eq!(generation_of("export-0000x"), None);
        assert_eq!(generation_of(".export-00003.partial"), None);
    }

    #[test]
    fn a_folder_of_other_files_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = prepare_folder(dir.path(), ExportTarget::Quickwit).unwrap_err();
        assert!(err.to_string().contains("not an export folder"), "{err}");
        let fresh = dir.path().join("new/out");
        prepare_folder(&fresh, ExportTarget::Quickwit).unwrap();
        assert!(fresh.is_dir());
    }

    #[test]
    fn the_other_engine_s_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("opensearch-index.json"), "{}").unwrap();
        let err = check_target(dir.path(), ExportTarget::Quickwit, None).unwrap_err();
        assert!(
            err.to_string().contains("holds an export for opensearch"),
            "{err}"
        );
        let header = Header {
            target: "quickwit".into(),
            generation: 1,
        };
        assert!(check_target(dir.path(), ExportTarget::Quickwit, Some(&header)).is_ok());
        assert!(check_target(dir.path(), ExportTarget::OpenSearch, Some(&header)).is_err());
    }
}
