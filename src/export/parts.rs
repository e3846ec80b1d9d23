//! The files of one export run: the documents as NDJSON parts under a
//! size limit (a cluster's request limit), never splitting a document, and
//! the ids to delete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes records (one or more whole lines each) into `part-00001.ndjson`,
/// `part-00002.ndjson`… of a folder, each file under a byte limit. A record
/// as large as the limit by itself gets a file of its own.
pub(crate) struct Parts {
    dir: PathBuf,
    limit: u64,
    current: Option<Part>,
    /// Files written so far.
    pub(crate) files: u64,
    /// Their bytes.
    pub(crate) bytes: u64,
    /// Records that did not fit under the limit on their own.
    pub(crate) oversized: u64,
}

struct Part {
    out: BufWriter<File>,
    path: PathBuf,
    len: u64,
}

impl Parts {
    /// Parts in `dir`, each under `limit` bytes.
    pub(crate) fn new(dir: &Path, limit: u64) -> Parts {
        Parts {
            dir: dir.to_path_buf(),
            limit: limit.max(1),
            current: None,
            files: 0,
            bytes: 0,
            oversized: 0,
        }
    }

    /// Appends `record`, which ends with a line break.
    pub(crate) fn write(&mut self, record: &[u8]) -> Result<()> {
        let len = record.len() as u64;
        let fits = |part: &Part| part.len + len < self.limit;
        if self.current.as_ref().is_some_and(|p| !fits(p)) {
            self.close()?;
        }
        if len >= self.limit {
            self.oversized += 1;
        }
        let part = match &mut self.current {
            Some(part) => part,
            None => {
                self.files += 1;
                let path = self.dir.join(format!("part-{:05}.ndjson", self.files));
                let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
                self.current.insert(Part {
                    out: BufWriter::new(file),
                    path,
                    len: 0,
                })
            }
        };
        part.out
            .write_all(record)
            .map_err(|e| Error::io(&part.path, e))?;
        part.len += len;
        self.bytes += len;
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        if let Some(part) = self.current.take() {
            finish(part.out, &part.path)?;
        }
        Ok(())
    }

    /// Closes the last part.
    pub(crate) fn finish(mut self) -> Result<Parts> {
        self.close()?;
        Ok(self)
    }
}

/// Flushes `out` and its file to disk.
pub(crate) fn finish(out: BufWriter<File>, path: &Path) -> Result<()> {
    let file = out
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io(path, e))
}

/// How many ids one Quickwit delete task names.
pub(crate) const IDS_PER_TASK: usize = 1000;

/// Writes the ids to delete as they come: `delete-ids.txt` (one a line),
/// and for Quickwit `delete-tasks.ndjson` (a delete-task request per
/// [`IDS_PER_TASK`] ids), for OpenSearch `delete.ndjson` (`_bulk` delete
/// actions). No id, no file.
pub(crate) struct Deletes {
    dir: PathBuf,
    quickwit: bool,
    per_task: usize,
    files: Option<(Sink, Sink)>,
    pending: Vec<String>,
    /// Ids written.
    pub(crate) count: u64,
}

struct Sink {
    out: BufWriter<File>,
    path: PathBuf,
    len: u64,
}

impl Sink {
    fn create(path: PathBuf) -> Result<Sink> {
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Sink {
            out: BufWriter::new(file),
            path,
            len: 0,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.len += bytes.len() as u64;
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }
}

/// The name of the list of ids to delete in a run folder.
pub(crate) const DELETE_IDS: &str = "delete-ids.txt";
/// The Quickwit delete-task requests of a run folder.
pub(crate) const DELETE_TASKS: &str = "delete-tasks.ndjson";
/// The OpenSearch bulk delete actions of a run folder.
pub(crate) const DELETE_BULK: &str = "delete.ndjson";

impl Deletes {
    /// Deletes written into `dir`, for Quickwit when `quickwit` is set.
    pub(crate) fn new(dir: &Path, quickwit: bool) -> Deletes {
        Deletes {
            dir: dir.to_path_buf(),
            quickwit,
            per_task: IDS_PER_TASK,
            files: None,
            pending: Vec::new(),
            count: 0,
        }
    }

    /// Adds the id of a document to delete.
    pub(crate) fn add(&mut self, id: &str) -> Result<()> {
        let (list, requests) = match &mut self.files {
            Some(files) => files,
            None => {
                let requests = if self.quickwit {
                    DELETE_TASKS
                } else {
                    DELETE_BULK
                };
                self.files.insert((
                    Sink::create(self.dir.join(DELETE_IDS))?,
                    Sink::create(self.dir.join(requests))?,
                ))
            }
        };
        list.write(id.as_bytes())?;
        list.write(b"\n")?;
        self.count += 1;
        if self.quickwit {
            self.pending.push(id.to_owned());
            if self.pending.len() >= self.per_task {
                requests.write(&quickwit_delete_task(&self.pending))?;
                self.pending.clear();
            }
        } else {
            requests.write(&opensearch_delete(id))?;
        }
        Ok(())
    }

    /// Writes what is pending and flushes the files; returns their bytes.
    pub(crate) fn finish(mut self) -> Result<u64> {
        let Some((list, mut requests)) = self.files.take() else {
            return Ok(0);
        };
        if !self.pending.is_empty() {
            requests.write(&quickwit_delete_task(&self.pending))?;
        }
        let bytes = list.len + requests.len;
        finish(list.out, &list.path)?;
        finish(requests.out, &requests.path)?;
        Ok(bytes)
    }
}

/// The Quickwit delete-task request (`{"query": …}` and a line break)
/// that deletes the documents with the ids `ids`.
///
/// The query is a term set on the raw `id` field, `id:IN ["a" "b"]`, in
/// the query language Quickwit takes from tantivy: inside double quotes
/// a backslash makes the next character plain, so escaping `\` and `"`
/// carries any id through.
pub(crate) fn quickwit_delete_task(ids: &[String]) -> Vec<u8> {
    let terms: Vec<String> = ids.iter().map(|id| quoted_term(id)).collect();
    let query = format!("{}:IN [{}]", crate::fields::remote::ID, terms.join(" "));
    let mut line = serde_json::json!({ "query": query })
        .to_string()
        .into_bytes();
    line.push(b'\n');
    line
}

/// `term` as a double-quoted term of the query language.
fn quoted_term(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('"');
    for c in term.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The OpenSearch `_bulk` delete action of `id`, with its line break.
pub(crate) fn opensearch_delete(id: &str) -> Vec<u8> {
    let mut line = serde_json::json!({ "delete": { "_id": id } })
        .to_string()
        .into_bytes();
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_stay_under_the_limit_and_keep_records_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut parts = Parts::new(dir.path(), 100);
        let mut records = Vec::new();
        for n in 0..40 {
            let record = format!("{{\"n\":{n},\"pad\":\"{}\"}}\n", "x".repeat(n % 17));
            parts.write(record.as_bytes()).unwrap();
            records.push(record);
        }
        // One record alone over the limit: a file of its own.
        let big = format!("{{\"big\":\"{}\"}}\n", "y".repeat(150));
        parts.write(big.as_bytes()).unwrap();
        parts.write(records[0].as_bytes()).unwrap();
        let parts = parts.finish().unwrap();
        assert_eq!(parts.oversized, 1);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len() as u64, parts.files);
        assert_eq!(names[0], "part-00001.ndjson");
        let mut all = String::new();
        let mut total = 0;
        for name in &names {
            let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
            total += text.len() as u64;
            if text != big {
                assert!(text.len() < 100, "{name}: {} bytes", text.len());
            }
            // Every line a whole JSON record.
            for line in text.lines() {
                serde_json::from_str::<serde_json::Value>(line).unwrap();
            }
            all.push_str(&text);
        }
        assert_eq!(total, parts.bytes);
        let mut expected: String = records.concat();
        expected.push_str(&big);
        expected.push_str(&records[0]);
        assert_eq!(all, expected);
    }

    #[test]
    fn no_record_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let parts = Parts::new(dir.path(), 100).finish().unwrap();
        assert_eq!(parts.files, 0);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn delete_task_queries_carry_any_id() {
        use tantivy::query_grammar::{parse_query, UserInputAst, UserInputLeaf};
        let ids: Vec<String> = [
            "plain.txt",
            "with space/and \"quotes\".txt",
            "back\\slash\\",
            "feeds/x.jsonl#ye-1",
            "IN",
            "-dash:colon]bracket[(paren)*",
            "ligne\nbreak",
        ]
        .map(String::from)
        .to_vec();
        let dir = tempfile::tempdir().unwrap();
        let mut deletes = Deletes::new(dir.path(), true);
        deletes.per_task = 3;
        for id in &ids {
            deletes.add(id).unwrap();
        }
        assert!(deletes.finish().unwrap() > 0);
        let tasks = std::fs::read_to_string(dir.path().join(DELETE_TASKS)).unwrap();
        let lines: Vec<&str> = tasks.lines().collect();
        assert_eq!(lines.len(), 3);
        let mut back = Vec::new();
        for line in lines {
            let request: serde_json::Value = serde_json::from_str(line).unwrap();
            let query = request["query"].as_str().unwrap();
            // Quickwit parses the query with tantivy's grammar.
            let ast = parse_query(query).unwrap_or_else(|_| panic!("{query}"));
            let UserInputAst::Leaf(leaf) = ast else {
                panic!("{query}: not one leaf")
            };
            let UserInputLeaf::Set { field, elements } = *leaf else {
                panic!("{query}: not a term set")
            };
            assert_eq!(field.as_deref(), Some("id"));
            back.extend(elements);
        }
        assert_eq!(back, ids);
    }

    #[test]
    fn opensearch_deletes_are_bulk_lines_and_ids_a_list() {
        let dir = tempfile::tempdir().unwrap();
        let mut deletes = Deletes::new(dir.path(), false);
        deletes.add("a\"b").unwrap();
        deletes.add("c").unwrap();
        deletes.finish().unwrap();
        let read = |name| std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(
            read(DELETE_BULK),
            "{\"delete\":{\"_id\":\"a\\\"b\"}}\n{\"delete\":{\"_id\":\"c\"}}\n"
        );
        assert_eq!(read(DELETE_IDS), "a\"b\nc\n");
        assert!(!dir.path().join(DELETE_TASKS).exists());
        // No id, no file.
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(Deletes::new(empty.path(), true).finish().unwrap(), 0);
        assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
    }
}
