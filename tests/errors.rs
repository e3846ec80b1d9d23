use crate::util::*;

#[test]
fn bad_files_are_named_and_the_rest_indexed() {
    let t = TestDir::new();
    t.write(
        "good.txt",
        "Strike near Raqqa\nAn air strike hit a building near Raqqa.\n",
    );
    t.write(
        "feed.jsonl",
        "{\"title\":\"Good one\",\"body\":\"Fighting in Idlib.\"}\n{broken json\n{\"title\":\"Good two\",\"body\":\"Shelling in Hama.\"}\n",
    );
    t.write("bad.json", "{\"title\": \"cut off");
    t.write(
        "binary.txt",
        (0..=255u8).cycle().take(4096).collect::<Vec<u8>>(),
    );
    t.write("empty.txt", "   \n");
    t.write("notes.pdf", "%PDF-1.4");
    t.write(
        "latin1.txt",
        b"Caf\xE9 bombing\nA bomb hit a caf\xE9 in Mosul.\n",
    );
    let out = t.run(&["index", "corpus"]);
    let err = stderr(&out);
    assert_eq!(
        code(&out),
        2,
        "skipped input makes the exit status 2: {err}"
    );
    assert!(err.contains("feed.jsonl:2: invalid JSON"), "{err}");
    assert!(err.contains("bad.json:1: invalid JSON"), "{err}");
    assert!(err.contains("binary.txt: binary"), "{err}");
    assert!(err.contains("empty.txt: empty file"), "{err}");
    assert!(err.contains("latin1.txt: invalid UTF-8"), "{err}");
    assert!(!err.contains("panicked"));
    assert!(err.contains("4 articles in the index"), "{err}");
    let ids = hit_ids(&t.run(&["search", "Mosul", "--json"]));
    assert_eq!(ids, vec!["latin1.txt"]);
    let verbose = t.run(&["index", "corpus", "--verbose"]);
    assert!(
        stderr(&verbose).contains("notes.pdf"),
        "{}",
        stderr(&verbose)
    );
}

#[test]
fn a_missing_path_is_reported_and_the_others_indexed() {
    let t = TestDir::new();
    t.write("a.txt", "Title\nBody about Kirkuk.\n");
    let out = t.run(&["index", "corpus", "nope"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "nope: no such file or folder");
    assert_eq!(code(&t.run(&["search", "Kirkuk"])), 0);
}

#[test]
fn duplicate_ids_are_reported_once_and_the_first_kept() {
    let t = TestDir::new();
    t.write(
        "feed.jsonl",
        "{\"id\":\"x\",\"title\":\"First\",\"body\":\"one\"}\n{\"id\":\"x\",\"title\":\"Second\",\"body\":\"two\"}\n",
    );
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        "feed.jsonl:2: duplicate id \"x\" (first seen in feed.jsonl)",
    );
    assert_eq!(hit_ids(&t.run(&["search", "First", "--json"])), vec!["x"]);
}

#[test]
fn a_duplicate_id_names_the_file_that_had_it_first() {
    let t = TestDir::new();
    t.write(
        "a.jsonl",
        "{\"id\":\"y\",\"title\":\"Alpha\",\"body\":\"one\"}\n",
    );
    t.write(
        "b.jsonl",
        "{\"id\":\"z\",\"title\":\"Beta\",\"body\":\"two\"}\n",
    );
    t.write(
        "c.jsonl",
        "{\"id\":\"y\",\"title\":\"Gamma\",\"body\":\"three\"}\n",
    );
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        "c.jsonl:1: duplicate id \"y\" (first seen in a.jsonl)",
    );
}

/// Past a few hundred kilobytes of them (with `--memory 16`), the names
/// of files whose articles carry ids of their own go to disk: the
/// message must still name the right file, from disk or from memory.
#[test]
fn a_duplicate_id_names_its_first_file_after_the_names_went_to_disk() {
    let t = TestDir::new();
    let folder = "f".repeat(200);
    for n in 0..1_500 {
        t.write(
            &format!("{folder}/{n:04}.jsonl"),
            format!("{{\"id\":\"m{n}\",\"title\":\"Story {n}\",\"body\":\"text\"}}\n"),
        );
    }
    t.write(
        "z.jsonl",
        "{\"id\":\"m3\",\"title\":\"Again\",\"body\":\"x\"}\n{\"id\":\"m1499\",\"title\":\"Again\",\"body\":\"y\"}\n",
    );
    let out = t.run(&["index", "corpus", "--memory", "16"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        &format!("z.jsonl:1: duplicate id \"m3\" (first seen in {folder}/0003.jsonl)"),
    );
    assert_stderr_has(
        &out,
        &format!("z.jsonl:2: duplicate id \"m1499\" (first seen in {folder}/1499.jsonl)"),
    );
}

/// A text file's id is its path, which the run no longer stores apart
/// from the id: the message must still name the file.
#[test]
fn a_record_whose_id_is_the_path_of_a_text_file_names_that_file() {
    let t = TestDir::new();
    t.write("a/story.txt", "Alpha headline\n\nThe first body.\n");
    t.write(
        "b.jsonl",
        "{\"id\":\"a/story.txt\",\"title\":\"Beta\",\"body\":\"two\"}\n",
    );
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        "b.jsonl:1: duplicate id \"a/story.txt\" (first seen in a/story.txt)",
    );
}

#[test]
fn an_id_already_indexed_from_another_file_is_reported_in_a_later_run() {
    let t = TestDir::new();
    t.write(
        "one.jsonl",
        "{\"id\":\"x\",\"title\":\"First\",\"body\":\"one\"}\n",
    );
    t.index();
    t.write(
        "two.jsonl",
        "{\"id\":\"x\",\"title\":\"Second\",\"body\":\"two\"}\n",
    );
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        "two.jsonl:1: duplicate id \"x\" (already indexed from",
    );
    assert_eq!(hit_ids(&t.run(&["search", "", "--json"])), vec!["x"]);
    // Once the first file is gone, its id is free again.
    std::fs::remove_file(t.corpus().join("one.jsonl")).unwrap();
    std::fs::write(
        t.corpus().join("two.jsonl"),
        "{\"id\":\"x\",\"title\":\"Second\",\"body\":\"two!\"}\n",
    )
    .unwrap();
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(hit_ids(&t.run(&["search", "Second", "--json"])), vec!["x"]);
    assert_eq!(hit_ids(&t.run(&["search", "", "--json"])).len(), 1);
}
