use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::*;

/// The lines of the NDJSON files `part-*.ndjson` of a run folder, parsed.
fn part_lines(run: &Path) -> Vec<Value> {
    let mut names: Vec<String> = std::fs::read_dir(run)
        .unwrap_or_else(|e| panic!("{}: {e}", run.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("part-") && n.ends_with(".ndjson"))
        .collect();
    names.sort();
    let mut lines = Vec::new();
    for name in names {
        let text = std::fs::read_to_string(run.join(&name)).unwrap();
        assert!(
            text.ends_with('\n'),
            "{name} does not end with a line break"
        );
        assert!(text.len() < 10_000_000, "{name}: {} bytes", text.len());
        for line in text.lines() {
            lines.push(
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("{name}: bad JSON line {line:?}: {e}")),
            );
        }
    }
    lines
}

/// The documents of a Quickwit run folder, by id.
fn quickwit_docs(run: &Path) -> Vec<Value> {
    part_lines(run)
}

/// The documents of an OpenSearch run folder: each after its action
/// line, whose `_id` must be the document's id.
fn opensearch_docs(run: &Path) -> Vec<Value> {
    let lines = part_lines(run);
    assert_eq!(lines.len() % 2, 0, "action and document lines pair up");
    lines
        .chunks(2)
        .map(|pair| {
            assert_eq!(pair[0]["index"]["_id"], pair[1]["id"], "{:?}", pair[0]);
            pair[1].clone()
        })
        .collect()
}

fn ids(docs: &[Value]) -> BTreeSet<String> {
    docs.iter()
        .map(|d| d["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn doc<'a>(docs: &'a [Value], id: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no document {id}"))
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_owned)
        .collect()
}

fn export(t: &TestDir, target: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["export", "--target", target, "out"];
    args.extend(extra);
    t.run(&args)
}

#[track_caller]
fn export_ok(t: &TestDir, target: &str, extra: &[&str]) -> String {
    let out = export(t, target, extra);
    assert_eq!(code(&out), 0, "export failed: {}", stderr(&out));
    stderr(&out)
}

/// How many articles the index holds.
fn articles(t: &TestDir) -> usize {
    let stats = t.run(&["stats", "--json"]);
    let stats: Value = serde_json::from_str(&stdout(&stats)).unwrap();
    stats["articles"].as_u64().unwrap() as usize
}

/// The names in the export folder.
fn out_names(t: &TestDir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(t.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_first_quickwit_export_holds_every_article_as_the_contract_says() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let err = export_ok(&t, "quickwit", &[]);
    assert!(err.contains("full export 1 for quickwit"), "{err}");
    assert!(err.contains("export-00001"), "{err}");
    assert_eq!(
        out_names(&t),
        ["export-00001", "export-state.tsv", "quickwit-index.yaml"]
    );
    let docs = quickwit_docs(&t.path("out/export-00001"));
    assert_eq!(docs.len(), articles(&t));
    assert_eq!(ids(&docs).len(), docs.len());

    let mosul = doc(&docs, "iraq/2021-03-03-mosul-cell.txt");
    assert_eq!(mosul["title"], "ISIS cell dismantled in Mosul");
    assert_eq!(mosul["date"], "2021-03-03");
    assert_eq!(mosul["published"], "2021-03-03T00:00:00Z");
    assert!(mosul["path"]
        .as_str()
        .unwrap()
        .ends_with("iraq/2021-03-03-mosul-cell.txt"));
    // The words as sitrep's analyser cuts them: folded and stemmed.
    assert_eq!(mosul["title_terms"], "isi cell dismantl in mosul");
    assert!(mosul["body_terms"]
        .as_str()
        .unwrap()
        .starts_with("iraqi forc said"));
    assert!(strings(&mosul["province"]).contains(&"Iraq/Nineveh"));
    assert_eq!(strings(&mosul["country"]), ["Iraq"]);
    assert!(strings(&mosul["actor"]).contains(&"Islamic State"));
    assert!(!strings(&mosul["actor_kind"]).is_empty());
    assert_eq!(strings(&mosul["year"]), ["2021"]);
    assert!(strings(&mosul["mentioned_country"]).contains(&"Iraq"));
    // Keyword arrays sorted, without duplicates or a leading slash.
    for d in &docs {
        for field in [
            "province",
            "country",
            "region",
            "actor",
            "actor_kind",
            "year",
            "mentioned_province",
            "mentioned_country",
            "mentioned_actor",
        ] {
            let values = strings(&d[field]);
            let mut sorted = values.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(values, sorted, "{field} of {}", d["id"]);
            assert!(values.iter().all(|v| !v.starts_with('/')), "{field}");
        }
    }
    let undated = doc(&docs, "undated.txt");
    assert!(undated.get("published").is_none(), "{undated}");
    assert!(undated.get("date").is_none(), "{undated}");
    assert_eq!(strings(&undated["year"]), Vec::<&str>::new());

    let yaml = std::fs::read_to_string(t.path("out/quickwit-index.yaml")).unwrap();
    assert!(yaml.contains("index_id: \"sitrep\""), "{yaml}");
    assert!(yaml.contains("    - name: mentioned_actor\n"), "{yaml}");
    let state = lines_of(&t.path("out/export-state.tsv"));
    assert_eq!(state.len(), docs.len() + 1);
    assert!(state[0].starts_with("sitrep-export-state\t1\tquickwit\t1"));
}

#[test]
fn an_opensearch_export_pairs_each_document_with_its_action() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    export_ok(&t, "opensearch", &["--remote-index", "ignored-here"]);
    let docs = opensearch_docs(&t.path("out/export-00001"));
    assert_eq!(docs.len(), articles(&t));
    let definition: Value = serde_json::from_str(
        &std::fs::read_to_string(t.path("out/opensearch-index.json")).unwrap(),
    )
    .unwrap();
    let properties = definition["mappings"]["properties"].as_object().unwrap();
    // Every field of every document is mapped (the mapping is strict).
    for d in &docs {
        for key in d.as_object().unwrap().keys() {
            assert!(properties.contains_key(key), "{key} is not mapped");
        }
    }
    assert_eq!(properties["title_terms"]["analyzer"], "whitespace");
}

#[test]
fn a_later_export_writes_only_what_changed_and_the_ids_to_delete() {
    for target in ["quickwit", "opensearch"] {
        let t = TestDir::new();
        small_corpus(&t);
        t.index();
        export_ok(&t, target, &[]);
        let total = articles(&t);

        t.write(
            "iraq/new.txt",
            "New article about Fallujah\nClashes in Fallujah.\n",
        );
        t.write(
            "iraq/kirkuk-hunt.txt",
            "date: 2019-06-10\n\nPolice hunt for the bombers\nThe suspects fled towards Tikrit.\n",
        );
        std::fs::remove_file(t.corpus().join("undated.txt")).unwrap();
        t.index();
        let err = export_ok(&t, target, &[]);
        assert!(
            err.contains(&format!(
                "export 2 for {target}: 2 documents written (1 new, 1 changed)"
            )),
            "{err}"
        );
        let run = t.path("out/export-00002");
        let docs = match target {
            "quickwit" => quickwit_docs(&run),
            _ => opensearch_docs(&run),
        };
        assert_eq!(
            ids(&docs),
            BTreeSet::from(["iraq/kirkuk-hunt.txt".to_owned(), "iraq/new.txt".to_owned()])
        );
        assert!(doc(&docs, "iraq/kirkuk-hunt.txt")["body_terms"]
            .as_str()
            .unwrap()
            .contains("tikrit"));
        let mut deleted = lines_of(&run.join("delete-ids.txt"));
        deleted.sort();
        if target == "quickwit" {
            // Quickwit replaces nothing by id: the changed one goes too.
            assert_eq!(deleted, ["iraq/kirkuk-hunt.txt", "undated.txt"]);
            let tasks = lines_of(&run.join("delete-tasks.ndjson"));
            assert_eq!(tasks.len(), 1);
            let task: Value = serde_json::from_str(&tasks[0]).unwrap();
            let query = task["query"].as_str().unwrap();
            assert!(query.starts_with("id:IN ["), "{query}");
            assert!(query.contains("\"undated.txt\""), "{query}");
            assert!(query.contains("\"iraq/kirkuk-hunt.txt\""), "{query}");
            assert!(!run.join("delete.ndjson").exists());
        } else {
            assert_eq!(deleted, ["undated.txt"]);
            assert_eq!(
                lines_of(&run.join("delete.ndjson")),
                ["{\"delete\":{\"_id\":\"undated.txt\"}}"]
            );
            assert!(!run.join("delete-tasks.ndjson").exists());
        }
        let state = lines_of(&t.path("out/export-state.tsv"));
        assert_eq!(state.len(), total + 1, "one removed, one added");
        assert!(state[0].ends_with("\t2"), "{}", state[0]);

        // Nothing changed: said, and no empty generation.
        let err = export_ok(&t, target, &[]);
        assert!(err.contains("nothing changed since export 2"), "{err}");
        assert!(!t.path("out/export-00003").exists());

        // --full: everything again, as a new generation that says so.
        let err = export_ok(&t, target, &["--full"]);
        assert!(err.contains("full export 3"), "{err}");
        let run = t.path("out/export-00003");
        let docs = match target {
            "quickwit" => quickwit_docs(&run),
            _ => opensearch_docs(&run),
        };
        assert_eq!(docs.len(), total);
        if target == "quickwit" {
            // Every document sent before is deleted before it comes again.
            assert_eq!(lines_of(&run.join("delete-ids.txt")).len(), total);
        } else {
            assert!(!run.join("delete-ids.txt").exists());
        }
    }
}

#[test]
fn an_export_folder_of_the_other_engine_is_refused() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    export_ok(&t, "quickwit", &[]);
    let out = export(&t, "opensearch", &[]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "holds an export for quickwit, not opensearch");
    assert!(!t.path("out/opensearch-index.json").exists());
    // A folder of other files is not written into either.
    std::fs::create_dir_all(t.path("mine")).unwrap();
    std::fs::write(t.path("mine/notes.txt"), "mine").unwrap();
    let out = t.run(&["export", "--target", "quickwit", "mine"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "not an export folder");
    // Nor a Quickwit index name Quickwit refuses.
    let out = t.run(&[
        "export",
        "--target",
        "quickwit",
        "other",
        "--remote-index",
        "a b",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "cannot name a Quickwit index");
}

#[test]
fn an_export_without_an_index_says_how_to_make_one() {
    let t = TestDir::new();
    let out = export(&t, "quickwit", &[]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "no index at");
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(!t.path("out").exists());
}

#[test]
fn an_interrupted_export_loses_nothing() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    export_ok(&t, "quickwit", &[]);
    let first_state = std::fs::read(t.path("out/export-state.tsv")).unwrap();

    // Killed while writing: its folder is debris, its articles come again.
    t.write(
        "iraq/new.txt",
        "New article about Fallujah\nClashes in Fallujah.\n",
    );
    t.index();
    std::fs::create_dir_all(t.path("out/.export-00002.partial")).unwrap();
    std::fs::write(
        t.path("out/.export-00002.partial/part-00001.ndjson"),
        "{\"id\":",
    )
    .unwrap();
    let err = export_ok(&t, "quickwit", &[]);
    assert!(err.contains("removed .export-00002.partial"), "{err}");
    assert_eq!(
        ids(&quickwit_docs(&t.path("out/export-00002"))),
        BTreeSet::from(["iraq/new.txt".to_owned()])
    );

    // Killed after its folder was complete but before its state was
    // recorded: the next run records it, and sends nothing twice.
    std::fs::rename(
        t.path("out/export-state.tsv"),
        t.path("out/export-00002/export-state.tsv"),
    )
    .unwrap();
    std::fs::write(t.path("out/export-state.tsv"), &first_state).unwrap();
    let err = export_ok(&t, "quickwit", &[]);
    assert!(err.contains("export-00002 was complete"), "{err}");
    assert!(err.contains("nothing changed since export 2"), "{err}");

    // Killed before anything was recorded (no state at all): everything
    // is exported again, in a generation after those on disk.
    std::fs::remove_file(t.path("out/export-state.tsv")).unwrap();
    let err = export_ok(&t, "quickwit", &[]);
    assert!(err.contains("full export 3"), "{err}");
    assert_eq!(
        quickwit_docs(&t.path("out/export-00003")).len(),
        articles(&t)
    );
}

/// SIGKILL at many moments of an export: whatever the moment, the runs on
/// disk after the next export hold every article.
#[cfg(unix)]
#[test]
fn exports_killed_at_any_moment_lose_no_article() {
    let t = TestDir::new();
    let mut feed = String::new();
    for n in 0..1500 {
        feed.push_str(&format!(
            "{{\"id\":\"a-{n}\",\"title\":\"Clashes near Mosul {n}\",\"body\":\"{}\",\"date\":\"2020-01-0{}\"}}\n",
            "Fighters of the Islamic State attacked a checkpoint near Mosul in Nineveh. ".repeat(40),
            n % 9 + 1
        ));
    }
    t.write("feed.jsonl", &feed);
    t.index();
    let all = articles(&t);
    for (round, wait_ms) in [5u64, 40, 120, 300].into_iter().enumerate() {
        let mut child = t
            .process(&["export", "--target", "opensearch", "out"])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Change something between rounds, so later runs have work to do.
        t.write(
            &format!("extra-{round}.txt"),
            format!("Extra article {round}\nClashes in Kirkuk.\n"),
        );
        t.index();
    }
    export_ok(&t, "opensearch", &[]);
    let mut exported = BTreeSet::new();
    for name in out_names(&t) {
        assert!(!name.ends_with(".partial"), "debris left: {name}");
        if name.starts_with("export-0") {
            exported.extend(ids(&opensearch_docs(&t.path("out").join(&name))));
        }
    }
    assert_eq!(exported.len(), all + 4);
    assert_eq!(lines_of(&t.path("out/export-state.tsv")).len(), all + 4 + 1);
}
