//! A damaged index gives a clear message naming the problem and the way
//! out (`sitrep index --rebuild`), never a panic.

use crate::util::*;

fn indexed() -> TestDir {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    t
}

fn segment_files(t: &TestDir, ext: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(t.path("index/tantivy"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

fn assert_rebuild_message(t: &TestDir, what: &str) {
    for args in [&["search", "Mosul"][..], &["stats"][..], &["facets"][..]] {
        let out = t.run(args);
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{what}, {args:?}: {err}");
        assert!(err.contains("--rebuild"), "{what}, {args:?}: {err}");
        assert!(!err.contains("panicked"), "{what}, {args:?}: {err}");
    }
    // The way out works.
    let out = t.run(&["index", "--rebuild", "corpus"]);
    assert_eq!(code(&out), 0, "{what}: {}", stderr(&out));
    assert_eq!(code(&t.run(&["search", "Mosul"])), 0, "{what}");
}

#[test]
fn truncated_segment_file() {
    let t = indexed();
    for f in segment_files(&t, "store") {
        let len = std::fs::metadata(&f).unwrap().len();
        let file = std::fs::OpenOptions::new().write(true).open(&f).unwrap();
        file.set_len(len / 3).unwrap();
    }
    assert_rebuild_message(&t, "truncated store");
}

#[test]
fn deleted_segment_file() {
    let t = indexed();
    for f in segment_files(&t, "idx") {
        std::fs::remove_file(f).unwrap();
    }
    assert_rebuild_message(&t, "deleted idx");
}

#[test]
fn garbage_meta_json() {
    let t = indexed();
    std::fs::write(t.path("index/tantivy/meta.json"), "{ this is not json").unwrap();
    assert_rebuild_message(&t, "garbage meta.json");
}

#[test]
fn garbage_stamp() {
    let t = indexed();
    std::fs::write(t.path("index/sitrep.json"), "\u{0}\u{1}binary").unwrap();
    assert_rebuild_message(&t, "garbage sitrep.json");
}

#[test]
fn index_from_an_older_sitrep() {
    let t = indexed();
    let stamp = std::fs::read_to_string(t.path("index/sitrep.json")).unwrap();
    let current = format!("\"format\": {}", sitrep::FORMAT_VERSION);
    assert!(stamp.contains(&current), "{stamp}");
    std::fs::write(
        t.path("index/sitrep.json"),
        stamp.replace(
            &current,
            &format!("\"format\": {}", sitrep::FORMAT_VERSION - 1),
        ),
    )
    .unwrap();
    assert_rebuild_message(&t, "older format");
}

#[test]
fn index_from_another_schema() {
    let t = indexed();
    // Its copy of the schema lacks a field sitrep needs.
    let path = t.path("index/index-schema/schema.toml");
    let schema = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, schema.replace("[fields.url]", "[fields.link]")).unwrap();
    assert_rebuild_message(&t, "other schema");
}
