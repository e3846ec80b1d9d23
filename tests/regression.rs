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

// ---- Issue 19, F12 to F14 (h19-small): CSV on a terminal, Markdown
// rules, big ids.

/// Issue 19 (F12): `search --format csv` on a terminal printed escape
/// sequences from file names and titles raw; piped, they stay as written.
#[test]
fn r19_f12_csv_on_a_terminal_is_sanitised() {
    let t = TestDir::new();
    t.write(
        "\u{1b}]0;pwned\u{7}mosul.txt",
        "Mosul \u{1b}[31mbridge\u{1b}[0m reopened\nThe old bridge in Mosul reopened.\n",
    );
    t.index();
    let args = ["search", "bridge", "--format", "csv"];
    // Piped, the cells are the article's own text, byte for byte.
    let piped = t.run(&args);
    assert_eq!(code(&piped), 0, "{}", stderr(&piped));
    let out = crate::util::stdout(&piped);
    assert!(out.contains("Mosul \u{1b}[31mbridge"), "{out:?}");
    assert!(out.contains("\u{1b}]0;pwned\u{7}mosul.txt"), "{out:?}");
    let Some(screen) = t.on_terminal(200, &[], &args) else {
        return;
    };
    assert!(screen.contains("bridge"), "{screen:?}");
    assert!(
        !screen.contains('\u{1b}'),
        "raw escape on the screen: {screen:?}"
    );
    assert!(
        !screen.contains('\u{7}'),
        "raw bell on the screen: {screen:?}"
    );
    assert!(screen.contains("\\u{1b}[31mbridge"), "{screen:?}");
}

/// Issue 19 (F13): a Markdown file opening with a `---` rule and no front
/// matter was skipped as "empty file"; only a closed `---` block of
/// `key: value` lines is front matter.
#[test]
fn r19_f13_a_markdown_rule_is_not_front_matter() {
    let t = TestDir::new();
    t.write(
        "rule.md",
        "---\n\nMosul bridge reopened\n\nThe old bridge in Mosul reopened.\n",
    );
    t.write(
        "unclosed-looking.md",
        "---\nKirkuk bridge: a history\n\nThe bridge in Kirkuk was built long ago.\n\n---\n\nMore text.\n",
    );
    t.write(
        "front.md",
        "---\nid: front-1\ndate: 2020-05-01\nlayout: post\n---\n\n# Basra bridge opens\n\nA bridge opened in Basra.\n",
    );
    t.index();
    let out = t.run(&["search", "bridge", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut ids = hit_ids(&out);
    ids.sort();
    assert_eq!(ids, ["front-1", "rule.md", "unclosed-looking.md"]);
    let titles: Vec<String> = crate::util::json_lines(&out)
        .iter()
        .filter(|m| m["type"] == "hit")
        .map(|m| m["data"]["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        titles.contains(&"Mosul bridge reopened".to_owned()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Kirkuk bridge: a history".to_owned()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Basra bridge opens".to_owned()),
        "{titles:?}"
    );
}

/// Issue 19 (F14): integer ids above 64 bits went through a float, so
/// two records collided as `1.2345678901234568e+22`; ids are kept as
/// written.
#[test]
fn r19_f14_big_integer_ids_are_kept_as_written() {
    let t = TestDir::new();
    t.write(
        "feed.jsonl",
        concat!(
            "{\"id\":12345678901234567890123,\"title\":\"Mosul bridge reopened\",\"body\":\"x\"}\n",
            "{\"id\":12345678901234567890124,\"title\":\"Kirkuk bridge closed\",\"body\":\"y\"}\n",
        ),
    );
    t.write(
        "list.json",
        "[{\"id\": 99999999999999999999999, \"title\": \"Basra bridge\", \"body\": \"z\"}, 3]",
    );
    let out = t.run(&["index", "corpus"]);
    // The array's `3` is reported; nothing else is.
    let err = stderr(&out);
    assert!(!err.contains("duplicate"), "{err}");
    let out = t.run(&["search", "bridge", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut ids = hit_ids(&out);
    ids.sort();
    assert_eq!(
        ids,
        [
            "12345678901234567890123",
            "12345678901234567890124",
            "99999999999999999999999"
        ]
    );
}
