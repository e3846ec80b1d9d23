//! One test per fixed bug, named after the issue that reported it, with
//! the symptom it had. Each failed before its fix.

use crate::util::{code, hit_ids, stderr, TestDir};

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

// ---- Issue 19, F15 (bounded memory; h19-soak) ----

/// `prlimit` runs `sitrep ARGS` of `t` with `limit` (`--as=…`,
/// `--nofile=…`); `None`, with a message, when there is no `prlimit`.
fn under_prlimit(t: &TestDir, limit: &str, args: &[&str]) -> Option<std::process::Output> {
    let available = std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("no `prlimit` command (util-linux): resource-limit test skipped");
        return None;
    }
    let out = std::process::Command::new("prlimit")
        .arg(limit)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .current_dir(t.dir.path())
        .env("SITREP_SCHEMA", crate::util::repo("index-schema"))
        .env("SITREP_INDEX", t.path("index"))
        .env("XDG_CONFIG_HOME", t.path("config"))
        .env_remove("SITREP_CONFIG")
        .output()
        .expect("run prlimit");
    Some(out)
}

/// Issue 19 (F15): a file of any size was read, decoded and parsed
/// whole (a 500 MB single-line file peaked at 5.6 GB, whatever
/// `--memory` said). Files over the documented 64 MB are now a problem
/// naming the file; the rest is indexed.
#[test]
fn r19_f15_a_file_over_the_size_limit_is_skipped_as_too_large() {
    let t = TestDir::new();
    t.write(
        "good.txt",
        "Checkpoint attack\nGunmen attacked a checkpoint.\n",
    );
    let mut huge = b"Huge\n".to_vec();
    huge.resize(64_000_001, b'w');
    t.write("huge.txt", &huge);
    drop(huge);
    let out = t.run(&["index", "corpus"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(
        err.contains("huge.txt") && err.contains("too large"),
        "{err}"
    );
    assert!(err.contains("64 MB"), "{err}");
    let out = t.run(&["search", "checkpoint", "--json"]);
    assert_eq!(hit_ids(&out), ["good.txt"], "{}", stderr(&out));
    // The limit is documented where users look.
    let help = crate::util::stdout(&t.run(&["index", "--help"]));
    assert!(help.contains("64 MB"), "{help}");
}

/// Issue 19 (F15): under a memory cap, `sitrep index` aborted with exit
/// 134, a core dump and "memory allocation of N bytes failed". Running
/// out of memory now ends with a message saying so and exit status 2.
#[test]
fn r19_f15_running_out_of_memory_ends_with_a_message_and_exit_2() {
    let t = TestDir::new();
    t.write(
        "good.txt",
        "Checkpoint attack\nGunmen attacked a checkpoint.\n",
    );
    // One 40 MB record: indexing it takes some ten times that, far
    // beyond the 200 MB of address space allowed.
    let body = "attack Mosul checkpoint ".repeat(40_000_000 / 24);
    t.write(
        "huge.jsonl",
        format!("{{\"id\": \"x\", \"title\": \"Huge\", \"body\": \"{body}\"}}\n"),
    );
    drop(body);
    let Some(out) = under_prlimit(&t, "--as=200000000", &["index", "corpus"]) else {
        return;
    };
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("out of memory"), "{err}");
    assert!(!err.contains("backtrace"), "{err}");
}

/// Issue 19 (F15): running out of file handles ended with tantivy's
/// debug dump of the error; it now says what ran out and what to do.
#[test]
fn r19_f15_running_out_of_file_handles_says_so() {
    let t = TestDir::new();
    for i in 0..20 {
        t.write(
            &format!("a{i}.txt"),
            format!("Title {i}\nBody of article {i}.\n"),
        );
    }
    let Some(out) = under_prlimit(&t, "--nofile=10", &["index", "corpus"]) else {
        return;
    };
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(
        err.contains("too many open files: allow sitrep more"),
        "{err}"
    );
}
