//! Issue 15, items 1, 2 and 9: an installed binary works from any folder,
//! every hit can be opened, and no article is lost to a name clash.

use std::path::Path;

use crate::util::{
    assert_stderr_has, code, hit_ids, ids_in, index_options, json_lines, small_corpus, stderr,
    stdout, TestDir,
};

/// `sitrep ARGS` as `cargo install` leaves it: the binary copied alone
/// into `bin/`, run from `work/`, with no schema, index or config setting.
fn installed(t: &TestDir, args: &[&str]) -> std::process::Output {
    let bin = t.path("bin");
    let exe = bin.join("sitrep");
    if !exe.exists() {
        std::fs::create_dir_all(&bin).expect("bin folder");
        std::fs::copy(env!("CARGO_BIN_EXE_sitrep"), &exe).expect("copy sitrep");
    }
    let work = t.path("work");
    std::fs::create_dir_all(&work).expect("work folder");
    let home = t.path("home");
    std::fs::create_dir_all(&home).expect("home folder");
    std::process::Command::new(exe)
        .current_dir(work)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("SITREP_CONFIG")
        .env_remove("SITREP_SCHEMA")
        .env_remove("SITREP_INDEX")
        .env_remove("SITREP_LIMIT")
        .env_remove("SITREP_COLOR")
        .args(args)
        .output()
        .expect("run the installed sitrep")
}

/// Item 1: `cargo install` copies the binary alone; it said "cannot find
/// an index-schema folder" outside the clone. The default index-schema is
/// built in now.
#[test]
fn an_installed_binary_indexes_and_searches_from_any_folder() {
    let t = TestDir::new();
    small_corpus(&t);
    let corpus = t.corpus();
    let corpus = corpus.to_str().expect("utf-8 path");
    let out = installed(&t, &["index", corpus]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "schema: the built-in index-schema");
    let out = installed(&t, &["search", "ISIS", "--province", "Ninawa", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        hit_ids(&out).contains(&"iraq/2021-03-03-mosul-cell.txt".to_owned()),
        "{}",
        stdout(&out)
    );
    let out = installed(&t, &["stats"]);
    assert!(
        stdout(&out).contains("from:       built-in"),
        "{}",
        stdout(&out)
    );
    let out = installed(&t, &["extract", corpus]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = installed(&t, &["gazetteer", "check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("the built-in index-schema: "),
        "{}",
        stdout(&out)
    );

    // The built-in folder written out to edit; never over a user's files.
    let out = installed(&t, &["gazetteer", "export", "my-schema"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exported = t.path("work/my-schema");
    assert!(exported.join("schema.toml").is_file());
    assert!(exported.join("gazetteers/FORMAT.md").is_file());
    assert!(exported.join("gazetteers/places/iraq.toml").is_file());
    let out = installed(&t, &["gazetteer", "check", "--schema", "my-schema"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = installed(&t, &["gazetteer", "export", "my-schema"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "is not empty");
}

/// Item 2: the text output showed neither ids nor the record of a JSON
/// Lines file, and `show` took only ids.
#[test]
fn every_hit_can_be_opened_by_id_printed_path_or_file_hash_id() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&["search", "Marib OR Hodeidah OR Kirkuk", "-n", "10"]);
    let text = stdout(&out);
    assert!(
        text.contains("corpus/feeds/yemen.jsonl#ye-1  id: ye-1"),
        "{text}"
    );
    assert!(
        text.contains("corpus/feeds/yemen.jsonl#2  id: feeds/yemen.jsonl#2"),
        "{text}"
    );
    assert!(
        text.contains("corpus/iraq/kirkuk-hunt.txt  id: iraq/kirkuk-hunt.txt"),
        "{text}"
    );
    let hits = json_lines(&t.run(&["search", "Marib", "--json"]));
    let hit = hits.iter().find(|m| m["type"] == "hit").expect("a hit");
    let location = hit["data"]["location"].as_str().expect("location");
    assert!(
        location.ends_with("corpus/feeds/yemen.jsonl#ye-1"),
        "{location}"
    );
    assert!(hit["data"]["path"]
        .as_str()
        .expect("path")
        .ends_with("yemen.jsonl"));

    let title_of = |what: &str| {
        let out = t.run(&["show", what]);
        assert_eq!(code(&out), 0, "show {what}: {}", stderr(&out));
        stdout(&out).lines().next().unwrap_or_default().to_owned()
    };
    let kirkuk = "Police hunt for the bombers";
    assert_eq!(title_of("iraq/kirkuk-hunt.txt"), kirkuk);
    assert_eq!(title_of("corpus/iraq/kirkuk-hunt.txt"), kirkuk);
    let absolute = t.corpus().join("iraq/kirkuk-hunt.txt");
    assert_eq!(title_of(absolute.to_str().expect("utf-8")), kirkuk);
    assert_eq!(
        title_of("corpus/feeds/yemen.jsonl#ye-1"),
        "Houthi drone hits Marib"
    );
    assert_eq!(
        title_of("corpus/feeds/yemen.jsonl#2"),
        "Clashes in Hodeidah"
    );
    assert_eq!(title_of(location), "Houthi drone hits Marib");

    // A file of several articles: their ids, and how to pick one.
    let out = t.run(&["show", "corpus/feeds/yemen.jsonl"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(stdout(&out), "feeds/yemen.jsonl#2\nye-1\n");
    assert_stderr_has(&out, "holds 2 articles");
    assert_stderr_has(&out, "sitrep show 'corpus/feeds/yemen.jsonl#ID'");
    let out = t.run(&["show", "corpus/feeds/yemen.jsonl#9"]);
    assert_eq!(code(&out), 1);
    assert_stderr_has(&out, "no article \"corpus/feeds/yemen.jsonl#9\"");
}

/// Every article id the index at `index` holds, sorted.
fn index_into(t: &TestDir, index: &str, paths: &[&str]) -> std::process::Output {
    let mut args = vec!["index", "--index", index];
    args.extend(paths);
    let out = t.run(&args);
    assert_eq!(code(&out), 0, "index {paths:?}: {}", stderr(&out));
    out
}

/// Item 9: `sitrep index A B`, both holding `iraq/x.txt`, skipped the
/// second as a duplicate id. Both are kept, qualified by their root,
/// whatever the order of the PATHs or of the runs.
#[test]
fn two_paths_holding_one_relative_path_keep_both_articles() {
    let t = TestDir::new();
    t.write("A/iraq/x.txt", "Report from A\nShelling near Mosul.\n");
    t.write("B/iraq/x.txt", "Report from B\nShelling near Kirkuk.\n");
    t.write("A/syria/y.txt", "Report from Syria\nClashes near Raqqa.\n");
    let both = ["A/iraq/x.txt", "B/iraq/x.txt", "syria/y.txt"];
    index_into(&t, "one", &["corpus/A", "corpus/B"]);
    assert_eq!(ids_in(&t, "one"), both);
    index_into(&t, "two", &["corpus/B", "corpus/A"]);
    assert_eq!(ids_in(&t, "two"), both);
    // One PATH a run: the first one's article is qualified in the second.
    index_into(&t, "three", &["corpus/A"]);
    assert_eq!(ids_in(&t, "three"), ["iraq/x.txt", "syria/y.txt"]);
    index_into(&t, "three", &["corpus/B"]);
    assert_eq!(ids_in(&t, "three"), both);
    let out = t.run(&["show", "A/iraq/x.txt", "--index", "three"]);
    assert!(
        stdout(&out).starts_with("Report from A"),
        "{}",
        stdout(&out)
    );
    // The clash gone, the plain id is back.
    std::fs::remove_file(t.corpus().join("B/iraq/x.txt")).expect("remove");
    index_into(&t, "one", &["corpus/A", "corpus/B"]);
    assert_eq!(ids_in(&t, "one"), ["iraq/x.txt", "syria/y.txt"]);
}

/// Item 9: ids depended on how the PATH was spelled (`corpus/iraq` gave
/// `x.txt` where `corpus` gave `iraq/x.txt`).
#[test]
fn ids_do_not_depend_on_how_the_path_is_spelled() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let ids = ids_in(&t, "index");
    assert!(ids.contains(&"iraq/kirkuk-hunt.txt".to_owned()), "{ids:?}");
    let absolute = t.corpus();
    let absolute = absolute.to_str().expect("utf-8 path");
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.corpus(), t.path("link")).expect("symlink");
    for spelled in [
        "./corpus/",
        absolute,
        "link",
        "corpus/iraq",
        "corpus/iraq/kirkuk-hunt.txt",
    ] {
        if !Path::new(&t.path(spelled)).exists() {
            continue;
        }
        let out = index_into(&t, "index", &[spelled]);
        assert_stderr_has(&out, ": 0 added, 0 updated, 0 removed");
        assert_eq!(ids_in(&t, "index"), ids, "{spelled}");
    }
    // A changed file under a narrower PATH keeps its id.
    t.write(
        "iraq/kirkuk-hunt.txt",
        "date: 2019-06-10\n\nPolice hunt for the bombers\nSecurity forces in Kirkuk arrested three men.\n",
    );
    let out = index_into(&t, "index", &["corpus/iraq"]);
    assert_stderr_has(&out, ": 0 added, 1 updated, 0 removed");
    assert_eq!(ids_in(&t, "index"), ids);
}

/// A run over one folder of an index reads only that folder's part of
/// the index's file list (a watcher's update at 2,000,000 files): what it
/// counts and removes is the folder's, never a neighbour's whose name
/// starts the same (`iraq-old` beside `iraq`).
#[test]
fn a_run_over_one_folder_touches_only_that_folder() {
    let t = TestDir::new();
    t.write("iraq/a.txt", "Mosul report\nClashes in Mosul.\n");
    t.write("iraq/b.txt", "Kirkuk report\nA bomb in Kirkuk.\n");
    t.write("iraq-old/c.txt", "Old report\nShelling in Tikrit.\n");
    t.write("iraq.txt", "Loose report\nArrests in Basra.\n");
    t.write("syria/d.txt", "Raqqa report\nFighting in Raqqa.\n");
    index_into(&t, "index", &["corpus"]);
    std::fs::remove_file(t.corpus().join("iraq/a.txt")).unwrap();
    std::fs::remove_file(t.corpus().join("iraq-old/c.txt")).unwrap();
    let out = index_into(&t, "index", &["corpus/iraq"]);
    assert_stderr_has(
        &out,
        ": 0 added, 0 updated, 1 removed, 1 unchanged; 4 articles",
    );
    assert_eq!(
        ids_in(&t, "index"),
        ["iraq-old/c.txt", "iraq.txt", "iraq/b.txt", "syria/d.txt"]
    );
    // The neighbour's removal is seen by a run over it.
    let out = index_into(&t, "index", &["corpus/iraq-old"]);
    assert_stderr_has(
        &out,
        ": 0 added, 0 updated, 1 removed, 0 unchanged; 3 articles",
    );
}

/// The library's `only`: an update told what changed looks at nothing
/// else, takes a path that is gone as removed with all it held, and a
/// rebuild still reads all the PATHs.
#[test]
fn an_update_told_what_changed_removes_what_is_gone() {
    let t = TestDir::new();
    t.write("iraq/a.txt", "Mosul report\nClashes in Mosul.\n");
    t.write("iraq/b.txt", "Kirkuk report\nA bomb in Kirkuk.\n");
    t.write("syria/c.txt", "Raqqa report\nFighting in Raqqa.\n");
    t.write("syria/2020/d.txt", "Idlib report\nShelling in Idlib.\n");
    index_into(&t, "index", &["corpus"]);
    std::fs::remove_file(t.corpus().join("iraq/a.txt")).unwrap();
    std::fs::remove_dir_all(t.corpus().join("syria")).unwrap();
    t.write("iraq/new.txt", "New report\nArrests in Basra.\n");
    let files = sitrep::SchemaFiles::read_dir(&crate::util::repo("index-schema")).unwrap();
    let mut options = sitrep::IndexOptions {
        only: Some(vec![
            t.corpus().join("iraq/a.txt"),
            t.corpus().join("syria"),
            t.corpus().join("iraq/new.txt"),
        ]),
        ..index_options(t.path("index"))
    };
    let report = sitrep::update(&[t.corpus()], &options, &files, &mut |_| {}).unwrap();
    assert_eq!(
        (report.added, report.removed, report.unchanged, report.total),
        (1, 3, 0, 2)
    );
    assert_eq!(ids_in(&t, "index"), ["iraq/b.txt", "iraq/new.txt"]);

    t.write("yemen/e.txt", "Marib report\nA drone over Marib.\n");
    options.rebuild = true;
    options.only = Some(vec![t.corpus().join("iraq/new.txt")]);
    let report = sitrep::update(&[t.corpus()], &options, &files, &mut |_| {}).unwrap();
    assert_eq!(report.total, 3);
    assert_eq!(
        ids_in(&t, "index"),
        ["iraq/b.txt", "iraq/new.txt", "yemen/e.txt"]
    );
}
