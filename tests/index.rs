use crate::util::*;

#[test]
fn sample_corpus_indexes_every_article() {
    let t = TestDir::new();
    t.copy_sample_corpus();
    let out = t.index();
    assert_stderr_has(&out, "added");
    // Cross-check: the index holds as many articles as `extract` reads.
    let extracted = json_lines(&t.run(&["extract", "corpus", "--json"])).len();
    let stats = t.run(&["stats", "--json"]);
    assert_eq!(code(&stats), 0);
    let stats: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(stats["articles"].as_u64(), Some(extracted as u64));
    assert!(extracted >= 61, "only {extracted} articles");
    assert!(stats["undated"].as_u64().unwrap_or(0) >= 3);
    assert!(stats["stamp"]["gazetteer_digest"].as_str().is_some());
}

#[test]
fn second_run_changes_nothing_then_picks_up_add_change_delete() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let again = t.index();
    assert!(
        stderr(&again).contains("0 added, 0 updated, 0 removed, 7 unchanged"),
        "{}",
        stderr(&again)
    );

    t.write(
        "iraq/new.txt",
        "New article about Fallujah\nClashes in Fallujah.\n",
    );
    // A change of content (size differs, so the fast check sees it).
    t.write(
        "iraq/kirkuk-hunt.txt",
        "date: 2019-06-10\n\nPolice hunt for the bombers\nThe suspects fled towards Tikrit.\n",
    );
    std::fs::remove_file(t.corpus().join("undated.txt")).unwrap();
    let out = t.index();
    assert_stderr_has(&out, "1 added, 1 updated, 1 removed, 5 unchanged");
    assert_eq!(
        hit_ids(&t.run(&["search", "Fallujah", "--json"])),
        vec!["iraq/new.txt"]
    );
    assert_eq!(
        hit_ids(&t.run(&["search", "Tikrit", "--json"])),
        vec!["iraq/kirkuk-hunt.txt"]
    );
    assert!(hit_ids(&t.run(&["search", "arrested", "--json", "--all"])).is_empty());
    assert!(hit_ids(&t.run(&["search", "Remembering", "--json", "--all"])).is_empty());
}

#[test]
fn rebuild_replaces_the_index() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&["index", "--rebuild", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "built");
    assert_stderr_has(&out, "7 articles in the index");
    // No debris left beside the index.
    let names: Vec<String> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| n != ".index.new" && n != ".index.old"),
        "{names:?}"
    );
}

/// A copy of the repository's index-schema at `dir`, with `edit` applied
/// to the file `rel`.
fn schema_copy(
    t: &TestDir,
    dir: &str,
    rel: &str,
    edit: impl Fn(String) -> String,
) -> std::path::PathBuf {
    let schema = t.path(dir);
    for entry in walkdir::WalkDir::new(repo("index-schema")) {
        let entry = entry.unwrap();
        let to = schema.join(entry.path().strip_prefix(repo("index-schema")).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    let text = std::fs::read_to_string(schema.join(rel)).unwrap();
    std::fs::write(schema.join(rel), edit(text)).unwrap();
    schema
}

/// `sitrep index DIR` with the schema folder `schema`.
fn index_with_schema(t: &TestDir, schema: &std::path::Path, dir: &str) -> std::process::Output {
    t.cmd(&["index", dir])
        .env("SITREP_SCHEMA", schema)
        .output()
        .unwrap()
}

/// A copy of index-schema/ in which the Syrian Democratic Forces are
/// named "SDF (Syria)": a gazetteer change, not a schema change.
fn sdf_renamed_schema(t: &TestDir) -> std::path::PathBuf {
    schema_copy(t, "my-schema", "gazetteers/actors.toml", |s| {
        s.replace(
            "name = \"Syrian Democratic Forces\"",
            "name = \"SDF (Syria)\"",
        )
    })
}

#[test]
fn schema_change_rebuilds_saying_so() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let schema = schema_copy(&t, "my-schema", "schema.toml", |s| {
        let bumped: Vec<String> = s
            .lines()
            .map(|l| match l.starts_with("version = ") {
                true => "version = 999".to_owned(),
                false => l.to_owned(),
            })
            .collect();
        assert!(
            bumped.iter().any(|l| l == "version = 999"),
            "no version line"
        );
        bumped.join("\n")
    });
    let out = index_with_schema(&t, &schema, "corpus");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "schema changed");
    assert_stderr_has(&out, "built");
    assert_stderr_has(&out, "7 articles in the index");
    let stats = stdout(&t.run(&["stats"]));
    assert!(stats.contains("version 999"), "{stats}");
}

#[test]
fn gazetteer_change_reextracts_stored_articles_without_their_files() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let schema = sdf_renamed_schema(&t);
    // The original files are gone: only the stored articles remain.
    std::fs::rename(t.corpus(), t.path("elsewhere")).unwrap();
    std::fs::create_dir_all(t.path("new-articles")).unwrap();
    let out = index_with_schema(&t, &schema, "new-articles");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "facets of 7 stored articles");
    let ids = hit_ids(&t.run(&["search", "", "--actor", "SDF (Syria)", "--json"]));
    assert_eq!(ids, vec!["syria/raqqa.md"]);
    assert_eq!(
        code(&t.run(&["search", "", "--actor", "Syrian Democratic Forces"])),
        2
    );
}

#[test]
fn reextraction_keeps_the_file_stamps_so_the_next_run_changes_nothing() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let schema = sdf_renamed_schema(&t);
    // Re-extracts from the stored articles, then checks the files: the
    // stamps came back from the index's columns, so none looks changed.
    let out = index_with_schema(&t, &schema, "corpus");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "facets of 7 stored articles");
    assert_stderr_has(&out, "0 added, 0 updated, 0 removed, 7 unchanged");
}

#[test]
fn the_doc_store_is_zstd_compressed() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let meta = std::fs::read_to_string(t.path("index/tantivy/meta.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    let settings = &meta["index_settings"];
    assert_eq!(
        settings["docstore_compression"].as_str(),
        Some("zstd(compression_level=3)"),
        "{settings}"
    );
    assert_eq!(settings["docstore_blocksize"].as_u64(), Some(32 * 1024));
}

#[test]
fn a_second_index_run_exits_at_once_while_one_holds_the_lock() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(t.path(".index.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "another sitrep process is updating");
    // Searching is not blocked.
    assert_eq!(code(&t.run(&["search", "Mosul"])), 0);
    drop(lock);
    assert_eq!(code(&t.run(&["index", "corpus"])), 0);
}

#[test]
fn search_without_index_says_how_to_build_one() {
    let t = TestDir::new();
    let out = t.run(&["search", "ISIS"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "sitrep index");
}

#[test]
fn show_and_stats() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&["show", "ye-1"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("Houthi drone hits Marib"));
    assert!(stdout(&out).contains("Yemen/Marib"), "{}", stdout(&out));
    assert_eq!(code(&t.run(&["show", "no-such-id"])), 1);
    let out = t.run(&["stats"]);
    assert!(
        stdout(&out).contains("7 (6 dated, 1 undated)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_existing_folder_that_is_not_an_index_is_never_replaced() {
    let t = TestDir::new();
    small_corpus(&t);
    std::fs::create_dir_all(t.path("precious")).unwrap();
    std::fs::write(t.path("precious/notes.txt"), "keep me").unwrap();
    let out = t.run(&["index", "corpus", "--index", "precious"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "not a sitrep index");
    assert_eq!(
        std::fs::read_to_string(t.path("precious/notes.txt")).unwrap(),
        "keep me"
    );
}

/// A running `sitrep index --watch`, its stderr read on a thread, so that
/// a line that never comes fails the test after 30 s instead of hanging
/// it. Dropped, it kills the process.
struct Watcher {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watcher {
    /// Starts `sitrep ARGS` (`t.process`, maybe with settings added).
    fn start(mut command: std::process::Command) -> Watcher {
        use std::io::{BufRead, BufReader};
        let mut child = command
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn sitrep --watch");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watcher {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next line.
    fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(line) => {
                self.seen.push(line.clone());
                line
            }
            Err(_) => {
                let _ = self.child.kill();
                panic!("no line after {:?}", self.seen);
            }
        }
    }

    /// Reads lines until one holds `text`, and returns it.
    fn wait_for(&mut self, text: &str) -> String {
        loop {
            let line = self.next_line();
            if line.contains(text) {
                return line;
            }
        }
    }

    /// Stops it as Ctrl-C does; its exit code and the lines it wrote
    /// after.
    fn interrupt(&mut self) -> (Option<i32>, Vec<String>) {
        let status = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
        let rest: Vec<String> = std::iter::from_fn(|| {
            self.lines
                .recv_timeout(std::time::Duration::from_secs(30))
                .ok()
        })
        .collect();
        (self.child.wait().expect("wait").code(), rest)
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_indexes_new_files_and_stops_cleanly_on_ctrl_c() {
    let t = TestDir::new();
    small_corpus(&t);
    let mut watcher = Watcher::start(t.process(&["index", "--watch", "corpus"]));
    let first = watcher.next_line();
    assert!(first.contains("7 articles in the index"), "{first}");

    // A burst of three new files and a deletion.
    for n in 0..3 {
        t.write(
            &format!("new/{n}.txt"),
            format!("Watched report {n}\nShelling near Aleppo, report {n}.\n"),
        );
    }
    std::fs::remove_file(t.corpus().join("undated.txt")).unwrap();
    // Normally one commit; a very slow machine may split the burst, so
    // read commits until the index holds the new state.
    watcher.wait_for("9 articles in the index");
    assert_eq!(hit_ids(&t.run(&["search", "Watched", "--json"])).len(), 3);

    let (exit, rest) = watcher.interrupt();
    assert_eq!(exit, Some(0), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("stopped watching")),
        "{rest:?}"
    );
}

/// The resident heap of process `pid` in MB (`RssAnon`), if readable.
#[cfg(target_os = "linux")]
fn heap_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[test]
#[cfg(target_os = "linux")]
fn watch_gives_back_the_memory_of_an_update_while_it_waits() {
    let t = TestDir::new();
    small_corpus(&t);
    let mut watcher = Watcher::start(t.process(&["index", "--watch", "corpus"]));
    watcher.wait_for("7 articles in the index");
    // The update's memory is free once it is done, and the allocator used
    // to keep it while the watcher waited: 68 MB here (a debug build over
    // seven articles), 12 MB once given back. It goes back right after
    // the commit line, so the heap is looked at a few times.
    let mut heap = Vec::new();
    for _ in 0..20 {
        heap.push(heap_mb(watcher.child.id()).unwrap_or(f64::MAX));
        if heap.last().is_some_and(|&mb| mb < 40.0) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(watcher.interrupt().0, Some(0));
    assert!(
        heap.last().is_some_and(|&mb| mb < 40.0),
        "heap while waiting, MB: {heap:?}"
    );
}

#[test]
fn watch_looks_only_where_events_happen_and_misses_no_kind_of_change() {
    let t = TestDir::new();
    let write = |rel: &str, text: &str| t.write(rel, format!("{text}\nA report from Mosul.\n"));
    write("iraq/mosul.txt", "Mosul report");
    write("iraq/kirkuk.txt", "Kirkuk report");
    write("syria/raqqa.txt", "Raqqa report");
    write("yemen/2020/marib.txt", "Marib report");
    let mut watcher = Watcher::start(t.process(&["index", "--watch", "corpus"]));
    watcher.wait_for("4 articles in the index");

    // A new file in new folders: only they are read; the four files
    // elsewhere are not even looked at (a full walk says "4 unchanged").
    write("iraq/2024/05/new.txt", "New report");
    let line = watcher.wait_for("5 articles in the index");
    assert!(line.contains("0 unchanged"), "{line}");
    // A changed file.
    write("syria/raqqa.txt", "Raqqa report, corrected");
    watcher.wait_for("1 updated");
    // A removed file, then a whole folder, renamed (its ids change) and
    // removed.
    std::fs::remove_file(t.corpus().join("iraq/kirkuk.txt")).unwrap();
    watcher.wait_for("4 articles in the index");
    std::fs::rename(t.corpus().join("yemen"), t.corpus().join("yemen-old")).unwrap();
    watcher.wait_for("1 added, 0 updated, 1 removed");
    std::fs::remove_dir_all(t.corpus().join("iraq/2024")).unwrap();
    watcher.wait_for("3 articles in the index");
    // Hidden files are never indexed; one renamed into view is.
    write(".drafts/draft.txt", "Draft report");
    write("syria/.partial.txt", "Partial report");
    std::fs::rename(
        t.corpus().join("syria/.partial.txt"),
        t.corpus().join("syria/complete.txt"),
    )
    .unwrap();
    watcher.wait_for("4 articles in the index");
    // A file beside the folders (a flat corpus) is looked at alone, when
    // it comes and when it goes.
    write("loose.txt", "Loose report");
    let line = watcher.wait_for("5 articles in the index");
    assert!(
        line.contains("1 added") && line.contains("0 unchanged"),
        "{line}"
    );
    std::fs::remove_file(t.corpus().join("loose.txt")).unwrap();
    let line = watcher.wait_for("4 articles in the index");
    assert!(
        line.contains("1 removed") && line.contains("0 unchanged"),
        "{line}"
    );
    // A name that is not UTF-8 comes and goes (its folder is looked at).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let odd = t
            .corpus()
            .join("iraq")
            .join(std::ffi::OsStr::from_bytes(b"odd\xffname.txt"));
        std::fs::write(&odd, "Odd report\nA report from Mosul.\n").unwrap();
        watcher.wait_for("5 articles in the index");
        std::fs::remove_file(&odd).unwrap();
        watcher.wait_for("4 articles in the index");
    }
    assert_eq!(watcher.interrupt().0, Some(0));

    // The watched index holds what a fresh build of the folder holds.
    let fresh = t.run(&["index", "corpus", "--index", "fresh"]);
    assert_eq!(code(&fresh), 0, "{}", stderr(&fresh));
    let watched = ids_in(&t, "index");
    assert_eq!(
        watched,
        [
            "iraq/mosul.txt",
            "syria/complete.txt",
            "syria/raqqa.txt",
            "yemen-old/2020/marib.txt"
        ]
    );
    assert_eq!(watched, ids_in(&t, "fresh"));
    let corrected = t.run(&["search", "corrected", "--json"]);
    assert_eq!(hit_ids(&corrected), ["syria/raqqa.txt"]);
}

/// Two watched PATHs holding one relative path: the watcher's update,
/// which looks only at the new file, still qualifies both ids, and
/// unqualifies the survivor when one goes, as a fresh build would.
#[test]
fn watch_settles_a_clash_between_two_paths_like_a_fresh_build() {
    let t = TestDir::new();
    let write = |rel: &str, text: &str| {
        let path = t.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("{text}\nA report from Mosul.\n")).unwrap();
    };
    write("a/iraq/x.txt", "First report");
    write("b/syria/y.txt", "Second report");
    let mut watcher = Watcher::start(t.process(&["index", "--watch", "a", "b"]));
    watcher.wait_for("2 articles in the index");
    write("b/iraq/x.txt", "Third report");
    watcher.wait_for("3 articles in the index");
    assert_eq!(
        ids_in(&t, "index"),
        ["a/iraq/x.txt", "b/iraq/x.txt", "syria/y.txt"]
    );
    std::fs::remove_file(t.path("a/iraq/x.txt")).unwrap();
    watcher.wait_for("2 articles in the index");
    assert_eq!(watcher.interrupt().0, Some(0));
    let fresh = t.run(&["index", "a", "b", "--index", "fresh"]);
    assert_eq!(code(&fresh), 0, "{}", stderr(&fresh));
    assert_eq!(ids_in(&t, "index"), ["iraq/x.txt", "syria/y.txt"]);
    assert_eq!(ids_in(&t, "index"), ids_in(&t, "fresh"));
}

#[test]
fn watch_polls_when_asked_and_says_nothing_when_nothing_changed() {
    let t = TestDir::new();
    small_corpus(&t);
    // Polling stands in for events on file systems that do not report
    // changes (and when the inotify limit is too low).
    let mut command = t.process(&["index", "--watch", "corpus"]);
    command.env("SITREP_WATCH_POLL", "0.5");
    let mut watcher = Watcher::start(command);
    let notice = watcher.next_line();
    assert!(
        notice.contains("looking for changes every 0.5 s"),
        "{notice}"
    );
    let first = watcher.next_line();
    assert!(first.contains("7 articles in the index"), "{first}");
    // Several polls find nothing: no line for them.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    t.write("new/0.txt", "Polled report\nShelling near Aleppo.\n");
    let line = watcher.next_line();
    assert!(
        line.contains("1 added") && line.contains("8 articles"),
        "{line}"
    );
    assert_eq!(watcher.interrupt().0, Some(0));
    assert_eq!(hit_ids(&t.run(&["search", "Polled", "--json"])).len(), 1);
}

#[test]
fn watch_retries_a_batch_while_another_process_holds_the_lock() {
    let t = TestDir::new();
    small_corpus(&t);
    let mut watcher = Watcher::start(t.process(&["index", "--watch", "corpus"]));
    watcher.wait_for("7 articles in the index");

    // Another `sitrep index` holds the lock while a file comes.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(t.path(".index.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    t.write("new/late.txt", "Late report\nShelling near Aleppo.\n");
    watcher.wait_for("another sitrep process is updating");
    // Once it is done, the waiting batch is indexed with no new event.
    drop(lock);
    watcher.wait_for("8 articles in the index");
    assert_eq!(watcher.interrupt().0, Some(0));
}

#[test]
fn an_index_inside_the_corpus_is_not_indexed_as_articles() {
    let t = TestDir::new();
    small_corpus(&t);
    let out = t.run(&["index", "corpus", "--index", "corpus/sitrep-index"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let again = t.run(&["index", "corpus", "--index", "corpus/sitrep-index"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stderr(&again).contains("0 added, 0 updated, 0 removed, 7 unchanged"),
        "{}",
        stderr(&again)
    );
}

/// A file's articles may lie in several segments (the writer's threads
/// each fill their own): a removal counts each article once, and a run
/// with nothing changed sees them all unchanged.
#[test]
fn a_file_spread_over_segments_is_counted_once() {
    let t = TestDir::new();
    let feed: String = (0..400)
        .map(|n| format!("{{\"id\": \"r{n}\", \"title\": \"Report {n}\", \"body\": \"Shelling near Mosul, day {n}.\"}}\n"))
        .collect();
    t.write("feed.jsonl", &feed);
    t.write("iraq/a.txt", "Mosul report\nClashes in Mosul.\n");
    // With two writer threads (two cores) the feed lies in both segments.
    t.index();
    assert_stderr_has(&t.index(), "0 added, 0 updated, 0 removed, 401 unchanged");
    std::fs::remove_file(t.corpus().join("feed.jsonl")).unwrap();
    assert_stderr_has(
        &t.index(),
        "0 added, 0 updated, 400 removed, 1 unchanged; 1 articles",
    );
}
