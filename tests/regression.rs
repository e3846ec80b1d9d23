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
