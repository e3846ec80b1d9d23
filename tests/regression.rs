//! One test per fixed bug, named after the issue that reported it, with
//! the symptom it had. Each failed before its fix.

use crate::util::{assert_stderr_has, code, hit_ids, stderr, TestDir};

/// Issue 13: every I/O error printed its cause twice
/// (`/nonexistent: No such file or directory (os error 2): No such file
/// or directory (os error 2)`).
#[test]
fn r13_an_io_error_names_its_cause_once() {
    let t = TestDir::new();
    let missing = t.path("no-such-schema");
    let out = t.run(&[
        "extract",
        "corpus",
        "--schema",
        missing.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
    assert!(err.contains("no-such-schema"), "{err}");
}

/// Issue 13: `extract` printed a skipped file's path twice
/// (`skipped: a.txt: a.txt: …`).
#[test]
fn r13_extract_names_a_skipped_file_once() {
    let t = TestDir::new();
    t.write("binary.txt", b"\x00\x01\x02\x03 not text \x00\x00\x00\x00");
    let out = t.run(&["extract", "corpus"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.matches("binary.txt").count(), 1, "{err}");
    assert!(err.contains("skipped"), "{err}");
}

/// Issues 13 and 19 (F12): a file name holding an escape sequence reached
/// the terminal raw through `index -v` and through problem lines: stderr
/// was not sanitised as stdout is.
#[test]
fn r13_escape_sequences_in_file_names_never_reach_stderr_raw() {
    let t = TestDir::new();
    t.write("\u{1b}[31mred.xyz", "not an article format");
    t.write("\u{1b}]0;title\u{7}bad.json", "{ not json");
    t.write("good.txt", "A title\nAn ordinary article about Mosul.\n");
    let out = t.run(&["index", "corpus", "-v"]);
    let err = stderr(&out);
    assert!(err.contains("red.xyz"), "{err}");
    assert!(err.contains("bad.json"), "{err}");
    assert!(!err.contains('\u{1b}'), "raw escape on stderr: {err:?}");
    assert!(!err.contains('\u{7}'), "raw bell on stderr: {err:?}");
}

/// Issue 13: ties in ranking broke on the document's address, which a
/// merge changes: two builds of one corpus could order equal scores
/// differently. They break on the article id now.
#[test]
fn r13_equal_scores_are_ordered_by_article_id() {
    let t = TestDir::new();
    let record = |id: &str| {
        format!(
            r#"{{"id": "{id}", "title": "Checkpoint attack", "body": "Gunmen attacked a checkpoint near Kirkuk."}}"#
        )
    };
    // Indexed in the order zz, mm, aa: their addresses run the other way
    // round from their ids.
    t.write(
        "wire.jsonl",
        format!("{}\n{}\n{}\n", record("zz"), record("mm"), record("aa")),
    );
    t.index();
    let out = t.run(&["search", "checkpoint", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(hit_ids(&out), ["aa", "mm", "zz"]);
    // Paging keeps the same order.
    let out = t.run(&["search", "checkpoint", "--json", "-n", "1", "--offset", "1"]);
    assert_eq!(hit_ids(&out), ["mm"]);
}

// ---- Issue 19, `sitrep index` runs (F1, F2, F3, F7, F16, F17, F18):
// recovery, removal, duplicate ids, debris, a nested index, messages.

/// Every article id the index holds, sorted.
fn r19_all_ids(t: &TestDir) -> Vec<String> {
    let out = t.run(&["search", "", "--limit", "100000", "--json"]);
    assert!(code(&out) <= 1, "search failed: {}", stderr(&out));
    let mut ids = hit_ids(&out);
    ids.sort();
    ids
}

/// The ids a fresh build of the same corpus holds, built in another index.
fn r19_clean_ids(t: &TestDir) -> Vec<String> {
    let clean = t.path("clean-index");
    let clean = clean.to_str().expect("utf-8 path");
    let out = t.run(&["index", "corpus", "--index", clean, "--rebuild"]);
    assert!(code(&out) <= 2, "{}", stderr(&out));
    let out = t.run(&[
        "search", "", "--limit", "100000", "--json", "--index", clean,
    ]);
    assert!(code(&out) <= 1, "search failed: {}", stderr(&out));
    let mut ids = hit_ids(&out);
    ids.sort();
    ids
}

/// `sitrep ARGS` under `strace STRACE_ARGS`, or `None` (with a message)
/// when strace is not installed.
fn r19_under_strace(t: &TestDir, strace: &[&str], args: &[&str]) -> Option<std::process::Output> {
    let available = std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("no strace here: fault-injection test skipped");
        return None;
    }
    let out = std::process::Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null"])
        .args(strace)
        .arg(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .current_dir(t.dir.path())
        .env("SITREP_SCHEMA", crate::util::repo("index-schema"))
        .env("SITREP_INDEX", t.path("index"))
        .env("XDG_CONFIG_HOME", t.path("config"))
        .env_remove("SITREP_CONFIG")
        .output()
        .expect("run strace");
    Some(out)
}

fn r19_article(title: &str) -> String {
    format!("{title}\nA report about {title} near Mosul.\n")
}

/// Issue 19, F1: a run killed just before `meta.json`'s commit rename left
/// an orphan `.del` file, and every later run failed with
/// `FileAlreadyExists` until `--rebuild`.
#[test]
fn r19_f1_a_run_killed_before_its_commit_is_not_stuck() {
    let t = TestDir::new();
    for n in 0..6 {
        t.write(&format!("a{n}.txt"), r19_article(&format!("Report {n}")));
    }
    t.index();
    std::fs::remove_file(t.corpus().join("a1.txt")).expect("remove");
    t.write("a2.txt", r19_article("Report two, changed"));
    let meta = t.path("index/tantivy/meta.json");
    let meta = meta.to_str().expect("utf-8 path");
    let Some(killed) = r19_under_strace(
        &t,
        &[
            "-P",
            meta,
            "-e",
            "trace=rename,renameat,renameat2",
            "-e",
            "inject=rename,renameat,renameat2:signal=KILL",
        ],
        &["index", "corpus"],
    ) else {
        return;
    };
    assert!(!killed.status.success(), "the run was not killed");
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(r19_all_ids(&t), r19_clean_ids(&t));
}

/// Issue 19, F2: with a trailing slash on PATH, deleted files were never
/// removed.
#[test]
fn r19_f2_a_trailing_slash_on_path_still_removes_deleted_files() {
    let t = TestDir::new();
    t.write("iraq/one.txt", r19_article("First"));
    t.write("iraq/two.txt", r19_article("Second"));
    let out = t.run(&["index", "corpus/"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::fs::remove_file(t.corpus().join("iraq/two.txt")).expect("remove");
    for spelling in ["corpus/", "./corpus", "corpus/../corpus/"] {
        let out = t.run(&["index", spelling]);
        assert_eq!(code(&out), 0, "{spelling}: {}", stderr(&out));
        assert_eq!(r19_all_ids(&t), ["iraq/one.txt"], "{spelling}");
    }
}

/// Issue 19, F3: a JSON Lines record moved into a file that sorts earlier
/// was skipped as a duplicate of the copy removed in the same run.
#[test]
fn r19_f3_a_record_moved_to_an_earlier_file_is_kept() {
    let t = TestDir::new();
    let record = |id: &str| {
        format!(r#"{{"id": "{id}", "title": "Report {id}", "body": "Fighting near Mosul."}}"#)
    };
    t.write("a.jsonl", format!("{}\n", record("a1")));
    t.write("b.jsonl", format!("{}\n{}\n", record("x"), record("b1")));
    t.index();
    // The feed rotates: x moves to the earlier file.
    t.write("a.jsonl", format!("{}\n{}\n", record("a1"), record("x")));
    t.write("b.jsonl", format!("{}\n", record("b1")));
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(r19_all_ids(&t), ["a1", "b1", "x"]);
    assert_eq!(r19_all_ids(&t), r19_clean_ids(&t));
}

/// Issue 19, F3: of two files holding one id, the second's copy never
/// came back after the first was deleted.
#[test]
fn r19_f3_the_other_copy_of_an_id_comes_back_when_the_winner_goes() {
    let t = TestDir::new();
    let record = |id: &str, title: &str| {
        format!(r#"{{"id": "{id}", "title": "{title}", "body": "Fighting near Mosul."}}"#)
    };
    t.write("a.jsonl", format!("{}\n", record("x", "From a")));
    t.write(
        "b.jsonl",
        format!("{}\n{}\n", record("x", "From b"), record("y", "Other")),
    );
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2, "the duplicate is a problem");
    std::fs::remove_file(t.corpus().join("a.jsonl")).expect("remove");
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(r19_all_ids(&t), ["x", "y"]);
    let out = t.run(&["search", "\"From b\"", "--json"]);
    assert_eq!(hit_ids(&out), ["x"], "{}", stderr(&out));
    // And the other way round: a file that sorts earlier takes the id.
    t.write("0.jsonl", format!("{}\n", record("x", "From zero")));
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2, "the duplicate is a problem");
    assert_eq!(r19_all_ids(&t), r19_clean_ids(&t));
    let out = t.run(&["search", "\"From zero\"", "--json"]);
    assert_eq!(hit_ids(&out), ["x"], "{}", stderr(&out));
}

/// Issue 19, F7: a folder that could not be read had its articles
/// removed, although its files still existed.
#[test]
fn r19_f7_an_unreadable_folder_keeps_its_articles() {
    let t = TestDir::new();
    t.write("iraq/one.txt", r19_article("First"));
    t.write("iraq/two.txt", r19_article("Second"));
    t.write("syria/three.txt", r19_article("Third"));
    t.index();
    // Opening the folder fails, as after `chmod 000` (which root ignores).
    let iraq = t.corpus().join("iraq");
    let Some(out) = r19_under_strace(
        &t,
        &[
            "-P",
            iraq.to_str().expect("utf-8 path"),
            "-P",
            "corpus/iraq",
            "-e",
            "trace=open,openat",
            "-e",
            "inject=open,openat:error=EACCES",
        ],
        &["index", "corpus"],
    ) else {
        return;
    };
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "iraq");
    assert_eq!(
        r19_all_ids(&t),
        ["iraq/one.txt", "iraq/two.txt", "syria/three.txt"]
    );
}

/// Issue 19, F16: a killed `--rebuild` left `.NAME.new` behind, and a kill
/// while `.NAME.old` was deleted left it half there; nothing cleaned
/// either up.
#[test]
fn r19_f16_debris_of_killed_runs_is_cleared() {
    let t = TestDir::new();
    t.write("one.txt", r19_article("First"));
    t.index();
    let new = t.path(".index.new");
    let old = t.path(".index.old");
    std::fs::create_dir_all(new.join("tantivy")).expect("debris");
    std::fs::write(new.join("tantivy/half.idx"), "half a build").expect("debris");
    std::fs::create_dir_all(old.join("tantivy")).expect("debris");
    std::fs::write(old.join("tantivy/meta.json"), "{").expect("debris");
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!new.exists(), ".index.new left behind");
    assert!(!old.exists(), ".index.old left behind");
    assert_eq!(r19_all_ids(&t), ["one.txt"]);
}

/// Issue 19, F17: an index inside the corpus tree was read as articles.
#[test]
fn r19_f17_an_index_inside_the_corpus_is_not_read() {
    let t = TestDir::new();
    t.write("one.txt", r19_article("First"));
    // Another index inside the corpus, and this run's own index spelled
    // with a trailing slash.
    let other = t.corpus().join("other-index");
    let out = t.run(&["index", "corpus", "--index", other.to_str().expect("utf-8")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = t.run(&["index", "corpus", "--index", "corpus/own-index/"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = t.run(&["index", "corpus", "--index", "corpus/own-index/"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = t.run(&[
        "search",
        "",
        "--json",
        "--limit",
        "100",
        "--index",
        "corpus/own-index",
    ]);
    assert_eq!(hit_ids(&out), ["one.txt"], "{}", stderr(&out));
}

/// Issue 19, F18: `search` and `index` disagreed about a missing
/// `tantivy/` folder, and a missing copy of `index-schema/` went unnoticed
/// by `sitrep index`.
#[test]
fn r19_f18_index_repairs_what_search_reports() {
    let t = TestDir::new();
    t.write("one.txt", r19_article("First"));
    t.index();
    std::fs::remove_dir_all(t.path("index/tantivy")).expect("remove");
    let out = t.run(&["search", "first"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "--rebuild");
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(r19_all_ids(&t), ["one.txt"]);

    std::fs::remove_dir_all(t.path("index/index-schema")).expect("remove");
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "index-schema");
    assert!(t.path("index/index-schema/schema.toml").is_file());
    // A sound copy is left alone, silently.
    let out = t.run(&["index", "corpus"]);
    assert!(!stderr(&out).contains("index-schema"), "{}", stderr(&out));
    assert_eq!(r19_all_ids(&t), ["one.txt"]);
}
