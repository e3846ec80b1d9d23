//! One test per fixed bug, named after the issue that reported it, with
//! the symptom it had. Each failed before its fix.

use crate::util::{assert_stderr_has, code, have_tool, hit_ids, stderr, stdout, TestDir};

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
    if !have_tool("strace", "fault-injection test") {
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
    // The commit writes `.meta.json.tmp` and renames it onto meta.json;
    // strace matches the rename by its first path.
    let tmp = t.path("index/tantivy/.meta.json.tmp");
    let tmp = tmp.to_str().expect("utf-8 path");
    let Some(killed) = r19_under_strace(
        &t,
        &[
            "-P",
            tmp,
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
    assert_stderr_has(&out, "copy of index-schema/");
    assert!(t.path("index/index-schema/schema.toml").is_file());
    // A sound copy is left alone, silently (the summary names the schema
    // used, issue 15).
    let out = t.run(&["index", "corpus"]);
    assert!(
        !stderr(&out).contains("copy of index-schema"),
        "{}",
        stderr(&out)
    );
    assert_eq!(r19_all_ids(&t), ["one.txt"]);
}

// ---------------------------------------------------------------------
// Issue 19, h19-open: F5 (searches during swaps), F6 (read-only indexes),
// F8 (damaged segment files), F9 (name table, deletion files), F10
// (SITREP_CONFIG on a named pipe).

/// The article total a search sees, failing on any error.
///
/// Under strace (when there is one) every file open and stat of the
/// search waits 3 ms, so that its open spans the indexer's renames: the
/// test failed in 1 of 2 runs with the open's consistency check taken
/// out, against 0 of 3 with searches at full speed.
fn search_total(t: &TestDir, during: &str) -> u64 {
    let slow = [
        "-e",
        "trace=openat,statx,newfstatat",
        "-e",
        "inject=openat,statx,newfstatat:delay_exit=3000",
    ];
    let args = ["search", "", "--limit", "1", "--json"];
    let out = match r19_under_strace(t, &slow, &args) {
        Some(out) => out,
        None => t.run(&args),
    };
    assert!(
        code(&out) <= 1,
        "a search failed during {during}: {}",
        stderr(&out)
    );
    crate::util::json_lines(&out)
        .iter()
        .find(|m| m["type"] == "summary")
        .and_then(|m| m["data"]["total"].as_u64())
        .unwrap_or_else(|| panic!("no total during {during}: {}", crate::util::stdout(&out)))
}

/// Issue 19 (F5): during `--rebuild` or a gazetteer re-extraction, about
/// one search in 400 exited 2 calling the healthy index damaged
/// (FileDoesNotExist, a missing index-schema copy): an open could read
/// part of the folder before a swap and part after, or the `.old` folder
/// while it was being deleted. strace widens the windows (every rename and
/// unlink of the indexer waits), so that searches land in them.
#[test]
fn r19_f5_searches_never_fail_during_swaps_and_commits() {
    let t = TestDir::new();
    for n in 0..300 {
        t.write(
            &format!("batch-{}/{n:04}.txt", n / 50),
            format!("Report {n} from Mosul\nForces near Mosul said patrol {n} met resistance.\n"),
        );
    }
    t.index();
    let schema = t.path("my-schema");
    copy_tree(&repo("index-schema"), &schema);
    let strace = have_tool("strace", "widening the swap windows");
    let mut total = 300;
    for round in 0..6 {
        let (what, args): (&str, Vec<&str>) = match round % 3 {
            0 => ("--rebuild", vec!["index", "corpus", "--rebuild"]),
            1 => {
                // Another gazetteer digest: the facets are extracted again.
                let actors = schema.join("gazetteers/actors.toml");
                let text = std::fs::read_to_string(&actors).unwrap();
                std::fs::write(&actors, format!("{text}\n# round {round}\n")).unwrap();
                ("re-extraction", vec!["index", "corpus"])
            }
            _ => {
                for n in 0..20 {
                    t.write(
                        &format!("new-{round}/{n}.txt"),
                        format!("Round {round} report {n}\nA patrol in Kirkuk.\n"),
                    );
                }
                ("an incremental commit", vec!["index", "corpus"])
            }
        };
        let before = total;
        if round % 3 == 2 {
            total += 20;
        }
        let mut command = if strace {
            let mut c = std::process::Command::new("strace");
            c.args([
                "-f",
                "-qq",
                "-o",
                "/dev/null",
                "-e",
                "trace=rename,renameat,renameat2,unlink,unlinkat,rmdir",
                "-e",
                "inject=rename,renameat,renameat2:delay_exit=40000",
                "-e",
                "inject=unlink,unlinkat,rmdir:delay_exit=3000",
                env!("CARGO_BIN_EXE_sitrep"),
            ]);
            c.args(&args);
            c
        } else {
            let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"));
            c.args(&args);
            c
        };
        command
            .current_dir(t.path(""))
            .env("SITREP_SCHEMA", &schema)
            .env("SITREP_INDEX", t.path("index"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = command.spawn().expect("spawn the indexer");
        let mut searches = 0;
        while child.try_wait().expect("poll").is_none() {
            let seen = search_total(&t, what);
            assert!(seen == before || seen == total, "{what}: saw {seen}");
            searches += 1;
        }
        assert!(child.wait().expect("wait").success(), "{what} failed");
        assert_eq!(search_total(&t, what), total);
        eprintln!("{what}: {searches} searches");
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn repo(rel: &str) -> std::path::PathBuf {
    crate::util::repo(rel)
}

/// Issue 19 (F6): `meta.json` and `.managed.json` were created 0600
/// whatever the umask, and opening an index created tantivy's lock file:
/// another user, or a read-only mount, got "is damaged … run --rebuild".
#[test]
fn r19_f6_a_read_only_index_is_searchable() {
    use std::os::unix::fs::PermissionsExt;
    let t = TestDir::new();
    crate::util::small_corpus(&t);
    let out = std::process::Command::new("sh")
        .args(["-c", "umask 022 && exec \"$0\" index corpus"])
        .arg(env!("CARGO_BIN_EXE_sitrep"))
        .current_dir(t.path(""))
        .env("SITREP_SCHEMA", repo("index-schema"))
        .env("SITREP_INDEX", t.path("index"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Another update writes both files again.
    t.write("iraq/more.txt", "More news\nA patrol in Mosul.\n");
    let out = std::process::Command::new("sh")
        .args(["-c", "umask 022 && exec \"$0\" index corpus"])
        .arg(env!("CARGO_BIN_EXE_sitrep"))
        .current_dir(t.path(""))
        .env("SITREP_SCHEMA", repo("index-schema"))
        .env("SITREP_INDEX", t.path("index"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for name in ["meta.json", ".managed.json"] {
        let mode = std::fs::metadata(t.path("index/tantivy").join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{name}: {mode:o}");
    }
    let searched = |out: &std::process::Output, how: &str| {
        assert_eq!(code(out), 0, "{how}: {}", stderr(out));
        assert!(crate::util::stdout(out).contains("Mosul"), "{how}");
    };
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        // Without root: a folder tree without write permission.
        for entry in walkdir::WalkDir::new(t.path("index")) {
            let path = entry.unwrap().into_path();
            let mut perms = std::fs::metadata(&path).unwrap().permissions();
            perms.set_mode(perms.mode() & !0o222);
            std::fs::set_permissions(&path, perms).unwrap();
        }
        searched(&t.run(&["search", "Mosul"]), "read-only folders");
        for entry in walkdir::WalkDir::new(t.path("index")) {
            let path = entry.unwrap().into_path();
            let mut perms = std::fs::metadata(&path).unwrap().permissions();
            perms.set_mode(perms.mode() | 0o200);
            std::fs::set_permissions(&path, perms).unwrap();
        }
        return;
    }
    // Another user, who may read (and traverse) but not write.
    std::fs::set_permissions(t.path(""), std::fs::Permissions::from_mode(0o755)).unwrap();
    if have_tool("setpriv", "searching as another user") {
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_sitrep"))
            .args(["search", "Mosul"])
            .current_dir(t.path(""))
            .env("SITREP_SCHEMA", repo("index-schema"))
            .env("SITREP_INDEX", t.path("index"))
            .env("XDG_CONFIG_HOME", t.path("config"))
            .output()
            .unwrap();
        searched(&out, "another user");
    }
    // A read-only mount.
    let mount = t.path("mnt");
    std::fs::create_dir_all(&mount).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a tmpfs here: the read-only mount part skipped");
        return;
    }
    copy_tree(&t.path("index"), &mount.join("index"));
    let ro = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    let out = t
        .cmd(&["search", "Mosul"])
        .env("SITREP_INDEX", mount.join("index"))
        .output()
        .unwrap();
    let _ = std::process::Command::new("umount").arg(&mount).status();
    assert!(ro, "remount read-only failed");
    searched(&out, "a read-only mount");
}

/// Flips a byte in the middle of each file of the index's tantivy folder
/// whose extension is `ext`.
fn flip_bytes(t: &TestDir, ext: &str) -> usize {
    let mut flipped = 0;
    for entry in std::fs::read_dir(t.path("index/tantivy")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == ext) {
            let mut bytes = std::fs::read(&path).unwrap();
            for i in (bytes.len() / 4..bytes.len() / 2).step_by(7) {
                bytes[i] ^= 0x5a;
            }
            std::fs::write(&path, bytes).unwrap();
            flipped += 1;
        }
    }
    flipped
}

/// Issue 19 (F8): flipped bytes in `.idx`, `.term` or `.fast` files made
/// `search` panic (exit 101). Damage inside tantivy's segments must give
/// exit 2 and say what to run.
#[test]
fn r19_f8_flipped_bytes_in_segment_files_give_exit_2_and_the_way_out() {
    for ext in ["idx", "term", "fast"] {
        let t = TestDir::new();
        t.copy_sample_corpus();
        t.index();
        assert!(flip_bytes(&t, ext) > 0, "no .{ext} file");
        for args in [
            &["search", "Mosul"][..],
            &["search", "attack", "--sort", "date"][..],
            &["search", "", "--province", "Ninawa"][..],
            &["facets"][..],
            &["stats"][..],
        ] {
            let out = t.run(args);
            let err = stderr(&out);
            assert!(!err.contains("panicked"), ".{ext}, {args:?}: {err}");
            assert!(
                code(&out) <= 2,
                ".{ext}, {args:?}: exit {}: {err}",
                code(&out)
            );
            if code(&out) == 2 {
                assert!(err.contains("--rebuild"), ".{ext}, {args:?}: {err}");
            }
        }
        let out = t.run(&["index", "corpus", "--rebuild"]);
        assert_eq!(code(&out), 0, ".{ext}: {}", stderr(&out));
        assert_eq!(code(&t.run(&["search", "Mosul"])), 0, ".{ext}");
    }
}

/// Issue 19 (F8): with flipped bytes in a segment file, `sitrep index`
/// exited 0 and left the damage in place (a merge could even copy it into
/// a new segment with a good checksum). It now checks the segment files
/// it has not checked before, stops with exit 2 naming the damaged file
/// and the way out, and `--rebuild` repairs the index.
#[test]
fn r19_f8_index_runs_report_damaged_segment_files_and_rebuild_repairs_them() {
    for ext in ["idx", "term", "fast", "store", "pos", "fieldnorm"] {
        let t = TestDir::new();
        t.copy_sample_corpus();
        t.index();
        let clean = r19_all_ids(&t);
        assert!(flip_bytes(&t, ext) > 0, "no .{ext} file");
        // Twice: a failed run must not mark the damage as checked.
        for _ in 0..2 {
            let out = t.run(&["index", "corpus"]);
            let err = stderr(&out);
            assert_eq!(code(&out), 2, ".{ext}: {err}");
            assert!(err.contains("damaged"), ".{ext}: {err}");
            assert!(err.contains(&format!(".{ext}")), ".{ext}: {err}");
            assert!(err.contains("sitrep index --rebuild"), ".{ext}: {err}");
        }
        let out = t.run(&["index", "corpus", "--rebuild"]);
        assert_eq!(code(&out), 0, ".{ext}: {}", stderr(&out));
        let out = t.run(&["index", "corpus"]);
        assert_eq!(code(&out), 0, ".{ext}: {}", stderr(&out));
        assert_eq!(r19_all_ids(&t), clean, ".{ext}");
    }
}

/// The check of segment files reads a file in full once: an index run
/// after a build reads none, and all of them again when the list of
/// checked files is gone or damaged.
#[test]
fn r19_f8_segment_files_are_read_in_full_only_once() {
    let t = TestDir::new();
    t.copy_sample_corpus();
    t.index();
    let checked = |t: &TestDir| {
        let out = t.run(&["index", "corpus", "-v"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let err = stderr(&out);
        let line = err
            .lines()
            .find(|l| l.contains("segment files"))
            .unwrap_or_else(|| panic!("no line about checked segment files: {err}"));
        line.split_whitespace()
            .nth(2)
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no count in {line:?}"))
    };
    assert_eq!(checked(&t), 0, "files a build wrote were read again");
    let list = t.path("index/checked-segments.tsv");
    let text = std::fs::read_to_string(&list).expect("the list of checked files");
    std::fs::write(&list, text.replacen('\t', "\t1", 1)).expect("damage the list");
    assert!(checked(&t) > 0, "a damaged list was trusted");
    assert_eq!(checked(&t), 0);
    std::fs::remove_file(&list).expect("remove the list");
    assert!(checked(&t) > 0, "a missing list was not noticed");
}

/// Indexes the sample corpus, runs `queries`, damages `names.tsv` with
/// `damage`, and checks that the same queries give the same hits (`what`
/// names the damage) and that the next run writes the table again.
fn damaged_name_table_changes_no_answer(
    queries: &[&[&str]],
    what: &str,
    damage: impl Fn(&[u8]) -> Vec<u8>,
) {
    let t = TestDir::new();
    t.copy_sample_corpus();
    t.index();
    let table = t.path("index/names.tsv");
    let whole = std::fs::read(&table).unwrap();
    let answers: Vec<Vec<String>> = queries.iter().map(|q| hit_ids(&t.run(q))).collect();
    assert!(answers.iter().all(|a| !a.is_empty()), "{answers:?}");
    std::fs::write(&table, damage(&whole)).unwrap();
    for (q, want) in queries.iter().zip(&answers) {
        assert_eq!(&hit_ids(&t.run(q)), want, "{q:?} with {what}");
    }
    t.index();
    assert_eq!(
        std::fs::read(&table).unwrap(),
        whole,
        "the next run did not write the table again"
    );
}

/// Issue 19 (F9): `names.tsv` cut in half gave fewer hits (`search
/// Ninawa` found 1 article instead of 9), and no run repaired it.
#[test]
fn r19_f9_a_name_table_cut_short_is_not_used_and_is_written_again() {
    let queries: [&[&str]; 3] = [
        &["search", "Ninawa", "--json", "--limit", "1000"],
        &["search", "Houthis", "--json", "--limit", "1000"],
        &["search", "", "--actor", "SDF", "--json", "--limit", "1000"],
    ];
    damaged_name_table_changes_no_answer(&queries, "half a name table", |whole| {
        whole[..whole.len() / 2].to_vec()
    });
}

/// Searches read only the lines of `names.tsv` they look up: a flipped
/// byte in such a line must send the search to the gazetteers, not widen
/// or narrow it, and the next run must write the table again.
#[test]
fn a_flipped_byte_in_a_name_table_line_a_search_reads_is_not_used() {
    let queries: [&[&str]; 2] = [
        &["search", "Ninawa", "--json", "--limit", "1000"],
        &[
            "search",
            "",
            "--province",
            "Ninawa",
            "--json",
            "--limit",
            "1000",
        ],
    ];
    damaged_name_table_changes_no_answer(&queries, "a damaged line", |whole| {
        let line = whole
            .windows(8)
            .position(|w| w == b"\nninawa\t")
            .expect("a line for ninawa");
        // Inside the line's answers, after the key: "Nineveh" becomes "Nhneveh".
        let at = line + whole[line..].windows(2).position(|w| w == b"Ni").unwrap() + 1;
        let mut flipped = whole.to_vec();
        flipped[at] ^= 1;
        flipped
    });
}

/// Issue 19 (F9): one flipped bit in a `.del` file brought a deleted
/// article back for good. tantivy reads deletion files without checking
/// their checksum; sitrep checks it.
#[test]
fn r19_f9_a_flipped_bit_in_a_deletion_file_is_reported() {
    let t = TestDir::new();
    crate::util::small_corpus(&t);
    t.index();
    std::fs::remove_file(t.corpus().join("undated.txt")).unwrap();
    t.index();
    assert!(hit_ids(&t.run(&["search", "Remembering", "--json"])).is_empty());
    let mut flipped = 0;
    for entry in std::fs::read_dir(t.path("index/tantivy")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "del") {
            let mut bytes = std::fs::read(&path).unwrap();
            // Every bit of the bitset's first byte: the deleted article
            // is among the first eight of its segment here.
            bytes[0] ^= 0xff;
            std::fs::write(&path, bytes).unwrap();
            flipped += 1;
        }
    }
    assert_eq!(flipped, 1, "expected one deletion file");
    for args in [&["search", "Remembering"][..], &["stats"][..]] {
        let out = t.run(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_stderr_has(&out, "--rebuild");
    }
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "--rebuild");
    let out = t.run(&["index", "corpus", "--rebuild"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(hit_ids(&t.run(&["search", "Remembering", "--json"])).is_empty());
}

/// Issue 19 (F10): `SITREP_CONFIG` naming a named pipe made every command
/// wait for ever for a writer.
#[test]
fn r19_f10_a_config_file_that_is_a_named_pipe_is_refused() {
    if !have_tool("mkfifo", "the named-pipe config test") {
        return;
    }
    let t = TestDir::new();
    let fifo = t.path("config.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut child = t
        .process(&["search", "Mosul"])
        .env("SITREP_CONFIG", &fifo)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Not a timing assertion: a guard so that the bug fails the test
    // instead of hanging it.
    let mut waited = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if waited == 300 {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        waited += 1;
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let status = status.expect("sitrep still reading the named pipe after 30 s");
    assert_eq!(status.code(), Some(2));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("not a regular file"), "{err}");
    assert!(err.contains("config.fifo"), "{err}");
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

/// Writes `feeds` JSON Lines files of 1,000 records each, of 300 words
/// drawn from 50,000 (some 2 MB a file), named `feed{first}.jsonl` on:
/// enough for the writer to flush segments in the middle of a run at
/// `--memory 16`.
fn r19_feeds(t: &TestDir, first: usize, feeds: usize) {
    for f in first..first + feeds {
        let mut text = String::new();
        for i in 0..1000 {
            let n = f * 1000 + i;
            let body: Vec<String> = (0..300)
                .map(|j| format!("w{}", (n * 31 + j * 17) % 50_000))
                .collect();
            text.push_str(&format!(
                "{{\"id\": \"r{n}\", \"title\": \"Report {n}\", \"body\": \"{}\"}}\n",
                body.join(" ")
            ));
        }
        t.write(&format!("feed{f}.jsonl"), text);
    }
}

/// Issue 19 (F18): when a write of the index writer's worker thread
/// failed, `sitrep index` said only "An index writer was killed… A worker
/// thread encountered an error (io::Error most likely) or panicked",
/// hiding the cause. With the disk full at chosen writes (strace's fault
/// injection: the worker's segment flushes come before the commit), the
/// message names it and says what to do.
#[test]
fn r19_f18_a_writer_that_failed_names_its_cause() {
    let t = TestDir::new();
    r19_feeds(&t, 0, 4);
    for when in [50, 150, 300] {
        let _ = std::fs::remove_dir_all(t.path("index"));
        let _ = std::fs::remove_dir_all(t.path(".index.new"));
        let inject = format!("inject=write:error=ENOSPC:when={when}");
        let Some(out) = r19_under_strace(
            &t,
            &["-e", "trace=write", "-e", &inject],
            &["index", "corpus", "--memory", "16", "-q"],
        ) else {
            return;
        };
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "write {when}: {err}");
        assert!(!err.contains("was killed"), "write {when}: {err}");
        assert!(
            err.contains("No space left on device"),
            "write {when}: {err}"
        );
        assert!(err.contains("the disk is full"), "write {when}: {err}");
    }
}

/// Issue 19 (F1, full disks): with the disk full from a chosen write on
/// (strace makes every write from the Nth fail with ENOSPC) during an
/// incremental run that adds, changes and removes files, the committed
/// index is never damaged (it holds the articles before the run or
/// after it), and the next run gives exactly a clean build's articles.
#[test]
fn r19_f1_a_full_disk_at_any_write_never_damages_and_converges() {
    let t = TestDir::new();
    r19_feeds(&t, 0, 3);
    let out = t.run(&["index", "corpus", "--memory", "16", "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let before = r19_all_ids(&t);
    let saved = t.path("saved-index");
    copy_tree(&t.path("index"), &saved);
    // One file gone, one changed, one new.
    std::fs::remove_file(t.corpus().join("feed0.jsonl")).expect("remove");
    r19_feeds(&t, 3, 1);
    let changed = std::fs::read_to_string(t.corpus().join("feed1.jsonl")).expect("read");
    t.write(
        "feed1.jsonl",
        changed.replace("Report 1000\"", "Report one thousand\""),
    );
    let clean = r19_clean_ids(&t);
    let mut failed = 0;
    for when in [1, 10, 40, 120, 300, 600, 900] {
        std::fs::remove_dir_all(t.path("index")).expect("remove the index");
        copy_tree(&saved, &t.path("index"));
        let inject = format!("inject=write:error=ENOSPC:when={when}+");
        let Some(out) = r19_under_strace(
            &t,
            &["-e", "trace=write", "-e", &inject],
            &["index", "corpus", "--memory", "16", "-q"],
        ) else {
            return;
        };
        // stderr is full too: its message may be lost, its status not.
        assert!(code(&out) <= 2, "write {when}: exit {}", code(&out));
        if code(&out) != 0 {
            failed += 1;
        }
        let seen = r19_all_ids(&t);
        assert!(
            seen == before || seen == clean,
            "write {when}: the committed index holds neither the old nor the new articles ({} ids)",
            seen.len()
        );
        let out = t.run(&["index", "corpus", "-q"]);
        assert_eq!(
            code(&out),
            0,
            "write {when}, the next run: {}",
            stderr(&out)
        );
        assert_eq!(r19_all_ids(&t), clean, "write {when}: did not converge");
    }
    assert!(failed >= 3, "only {failed} runs met the full disk");
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

/// Issue 15: an ASCII apostrophe in a query was a parse error (`sitrep
/// search "Sana'a"` exited 2), in a field whose transliterations are full
/// of them. An apostrophe inside a word, or a possessive, is text.
#[test]
fn r15_apostrophes_in_words_are_text() {
    let t = TestDir::new();
    t.write(
        "yemen/sanaa.txt",
        "date: 2024-01-02\n\nStrikes near Sana'a airport\nHouthis' drones were shot down over Sana'a; al-Qa'ida was not involved, and Jama'at Nusrat fighters are far away. Iraq's army was not there.\n",
    );
    t.write(
        "iraq/other.txt",
        "date: 2024-01-03\n\nPatrol in Kirkuk\nA quiet patrol in Kirkuk.\n",
    );
    t.index();
    for query in [
        "Sana'a",
        "Sanaa",
        "Sana’a airport",
        "Houthis' drones",
        "al-Qa'ida",
        "Jama'at Nusrat",
        "\"Iraq's army\"",
        "Sana'a -Kirkuk",
    ] {
        let out = t.run(&["search", query, "--json"]);
        assert_eq!(code(&out), 0, "{query}: {}", stderr(&out));
        assert_eq!(hit_ids(&out), vec!["yemen/sanaa.txt"], "{query}");
    }
    // An apostrophe standing alone is punctuation, not a parse error.
    let out = t.run(&["search", "' Kirkuk", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(hit_ids(&out), vec!["iraq/other.txt"]);
}

/// `sitrep ARGS` with a stdout whose reading end is closed before it
/// starts, as `sitrep … | head -0` leaves it: every write fails at once.
fn r15_with_stdout_closed(t: &TestDir, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = t.process(args);
    cmd.stdout(writer).stderr(std::process::Stdio::piped());
    cmd.output().expect("run sitrep")
}

/// Issue 15: `sitrep completions bash | head -1` and `sitrep gazetteer
/// check | head -0` panicked with exit 101 (broken pipe). A closed stdout
/// ends any command quietly with status 0, as ripgrep does.
#[test]
fn r15_a_closed_stdout_ends_every_command_quietly() {
    let t = TestDir::new();
    crate::util::small_corpus(&t);
    t.index();
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["man"],
        &["gazetteer", "check"],
        &["search", "", "-n", "1000"],
        &["search", "Mosul", "--json"],
        &["search", "", "--format", "csv"],
        &["facets"],
        &["facets", "--field", "actor", "--by", "province"],
        &["facets", "--field", "year"],
        &["stats"],
        &["show", "undated.txt"],
        &["extract", "corpus"],
        &["--help"],
        &["--version"],
    ] {
        let out = r15_with_stdout_closed(&t, args);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code(&out), 0, "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

/// Issue 15: the man page had no section for the subcommands, and filled
/// the examples into one paragraph.
#[test]
fn r15_the_man_page_has_every_subcommand_and_the_examples_verbatim() {
    let t = TestDir::new();
    let out = t.run(&["man"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let roff = String::from_utf8_lossy(&out.stdout).into_owned();
    for heading in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH \"SITREP INDEX\"",
        ".SH \"SITREP SEARCH\"",
        ".SH \"SITREP FACETS\"",
        ".SH \"SITREP EXTRACT\"",
        ".SH \"SITREP SHOW\"",
        ".SH \"SITREP STATS\"",
        ".SH \"SITREP GAZETTEER\"",
        ".SH \"SITREP GAZETTEER CHECK\"",
        ".SH \"SITREP COMPLETIONS\"",
        ".SH \"SITREP MAN\"",
        ".SH EXAMPLES",
    ] {
        assert!(roff.lines().any(|l| l == heading), "no {heading}:\n{roff}");
    }
    // A subcommand's section has its own options.
    let search = roff
        .split(".SH \"SITREP SEARCH\"")
        .nth(1)
        .and_then(|s| s.split("\n.SH ").next())
        .unwrap_or_default();
    assert!(search.contains("\\-\\-offset"), "{search}");
    assert!(search.contains("sitrep search"), "{search}");
    // The examples are kept line for line, their dashes and quotes as typed.
    let examples = roff.split(".SH EXAMPLES\n").nth(1).unwrap_or_default();
    assert!(examples.starts_with(".nf\n"), "{examples}");
    let line = "  sitrep search ISIS \\-\\-actor\\-kind \\(aqstate force\\(aq ISIS where state forces take part";
    assert!(examples.lines().any(|l| l == line), "{examples}");
    assert!(!roff.lines().any(|l| l.starts_with(".SH EXTRA")), "{roff}");

    // Rendered, the example reads as typed.
    if !have_tool("groff", "rendering the man page") {
        return;
    }
    let page = std::env::temp_dir().join(format!("sitrep-r15-{}.1", std::process::id()));
    std::fs::write(&page, &out.stdout).expect("write page");
    let shown = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-P", "-cbou"])
        .arg(&page)
        .output()
        .expect("run groff");
    let _ = std::fs::remove_file(&page);
    let text = String::from_utf8_lossy(&shown.stdout).replace(['\u{2212}', '\u{2010}'], "-");
    assert!(
        text.contains(
            "sitrep search ISIS --actor-kind 'state force' ISIS where state forces take part"
        ),
        "{text}"
    );
    assert!(text.contains("SITREP GAZETTEER CHECK"), "{text}");
}

/// Issue 15: `-h` printed `[default: 0]` twice for --offset: once from
/// the doc comment, once from clap.
#[test]
fn r15_help_names_each_default_once() {
    let t = TestDir::new();
    for command in [
        &[][..],
        &["index"],
        &["search"],
        &["facets"],
        &["extract"],
        &["show"],
        &["stats"],
        &["gazetteer"],
        &["gazetteer", "check"],
        &["completions"],
        &["man"],
    ] {
        for flag in ["-h", "--help"] {
            let mut args = command.to_vec();
            args.push(flag);
            let out = t.run(&args);
            assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
            let help = String::from_utf8_lossy(&out.stdout).into_owned();
            // One block per option: its line and the lines under it.
            let mut blocks: Vec<String> = Vec::new();
            for line in help.lines() {
                if line.trim_start().starts_with('-') {
                    blocks.push(String::new());
                }
                if let Some(block) = blocks.last_mut() {
                    block.push_str(line);
                    block.push('\n');
                }
            }
            assert!(!blocks.is_empty(), "{args:?}: {help}");
            for block in &blocks {
                assert!(
                    block.matches("[default:").count() <= 1,
                    "{args:?}: a default twice:\n{block}"
                );
            }
        }
    }
    let offset = String::from_utf8_lossy(&t.run(&["search", "-h"]).stdout).into_owned();
    assert!(offset.contains("[default: 0]"), "{offset}");
}

/// Issue 15: a highlighted word's reset ended the title's bold, so the
/// rest of the title was printed plain.
#[test]
fn r15_the_title_stays_bold_after_a_highlighted_word() {
    let t = TestDir::new();
    crate::util::small_corpus(&t);
    t.index();
    let out = t.run(&["search", "Kirkuk checkpoint", "--color", "always"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let title = text
        .lines()
        .find(|l| l.contains("Bomb hits"))
        .unwrap_or_default();
    // Bold, the word in bold red, bold again, the rest, then the end.
    assert!(
        title.contains("\u{1b}[1;31mKirkuk\u{1b}[0m\u{1b}[1m "),
        "{title:?}"
    );
    assert!(title.ends_with("\u{1b}[0m"), "{title:?}");
}

/// Issue 15: `color = "always"` in the config file beat NO_COLOR, though
/// the environment beats the config file; flags and SITREP_COLOR still
/// beat NO_COLOR.
#[test]
fn r15_no_color_beats_the_config_file_but_not_a_flag() {
    let t = TestDir::new();
    crate::util::small_corpus(&t);
    t.index();
    let config = t.path("config/sitrep/config.toml");
    std::fs::create_dir_all(config.parent().expect("folder")).expect("config folder");
    std::fs::write(&config, "color = \"always\"\n").expect("config");
    let coloured = |env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = t.cmd(&["search", "Mosul"]);
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        out.stdout.contains(&0x1b)
    };
    assert!(coloured(&[], &[]), "the config file asks for colour");
    assert!(!coloured(&[("NO_COLOR", "1")], &[]), "NO_COLOR beats it");
    assert!(
        coloured(&[("NO_COLOR", "")], &[]),
        "an empty NO_COLOR is unset"
    );
    assert!(coloured(
        &[("NO_COLOR", "1"), ("SITREP_COLOR", "always")],
        &[]
    ));
    assert!(coloured(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!coloured(&[], &["--color", "never"]));
}

// ---- Issue 15, item 11: read-only commands, Ctrl-C, an edited
// gazetteer, --verbose, the progress bar's first frame.

/// Issue 15: `sitrep search x --index nowhere/idx` created `nowhere/`;
/// read-only commands create nothing and say how to build an index.
#[test]
fn r15_read_only_commands_create_nothing() {
    let t = TestDir::new();
    for args in [
        &["search", "x"][..],
        &["facets"][..],
        &["show", "x"][..],
        &["stats"][..],
    ] {
        let mut args = args.to_vec();
        args.extend(["--index", "nowhere/idx"]);
        let out = t.run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_stderr_has(
            &out,
            "no index at nowhere/idx: build one with `sitrep index PATH",
        );
        assert!(!t.path("nowhere").exists(), "{args:?} created nowhere/");
    }
}

/// Waits until `path` exists, failing after a minute (the run ended or
/// never began).
fn r15_wait_for(path: &std::path::Path, child: &mut std::process::Child) {
    for _ in 0..6000 {
        if path.exists() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("sitrep ended ({status}) before {} appeared", path.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{} never appeared", path.display());
}

/// Issue 15: Ctrl-C during `sitrep index` left `.NAME.lock` and a
/// `.NAME.new` folder behind. The run now stops cleanly: exit 2, a line
/// saying so, no lock, no `.new`, the last commit kept.
#[test]
fn r15_ctrl_c_stops_a_run_cleanly() {
    if !have_tool("kill", "Ctrl-C test") {
        return;
    }
    let t = TestDir::new();
    t.write("first.txt", "Patrol in Kirkuk\nA quiet patrol in Kirkuk.\n");
    t.index();
    // Some 40 MB of JSON Lines: seconds of work to interrupt.
    r19_feeds(&t, 0, 20);
    for (args, appears) in [
        (&["index", "corpus", "--memory", "16"][..], ".index.lock"),
        (
            &["index", "corpus", "--rebuild", "--memory", "16"][..],
            ".index.new",
        ),
    ] {
        let mut child = t
            .process(args)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn sitrep");
        r15_wait_for(&t.path(appears), &mut child);
        let sent = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let out = child.wait_with_output().expect("wait");
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_stderr_has(&out, "interrupted: the index at");
        assert!(!t.path(".index.lock").exists(), "{args:?} left its lock");
        assert!(!t.path(".index.new").exists(), "{args:?} left .index.new");
        assert_eq!(r19_all_ids(&t), ["first.txt"], "{args:?}");
    }
    // The next run completes it.
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "20001 articles in the index");
    assert!(!t.path(".index.lock").exists());
}

/// Issue 15: a gazetteer edited in a folder given with `--schema` was
/// silently reverted by the next plain `sitrep index` (it took
/// ./index-schema or the default one). The index records its schema's
/// folder and reads it again; when it is gone, the index keeps its copy.
#[test]
fn r15_an_edited_gazetteer_is_not_reverted_by_a_plain_index_run() {
    let t = TestDir::new();
    t.write(
        "a.txt",
        "Raid in Zorbaville\nGunmen raided Zorbaville overnight.\n",
    );
    let schema = t.path("my-schema");
    copy_tree(&repo("index-schema"), &schema);
    let places = schema.join("gazetteers/places/iraq.toml");
    let text = std::fs::read_to_string(&places).expect("iraq.toml");
    let edited = text.replacen("aliases = [", "aliases = [\"Zorbaville\", ", 1);
    assert_ne!(text, edited);
    std::fs::write(&places, edited).expect("edit");
    let plain = |args: &[&str]| {
        let mut cmd = t.cmd(args);
        cmd.env_remove("SITREP_SCHEMA");
        cmd.output().expect("run sitrep")
    };
    let out = plain(&["index", "corpus", "--schema", "my-schema"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Baghdad's new alias is found, or not.
    let province = |out: &std::process::Output| {
        json_of(out)["mentioned_provinces"]
            .as_array()
            .map(|a| a.len())
            .unwrap_or(0)
    };
    let shown = plain(&["show", "a.txt", "--json"]);
    assert_eq!(province(&shown), 1, "{}", stdout(&shown));
    // A plain run keeps the edited folder.
    let out = plain(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("gazetteers changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(province(&plain(&["show", "a.txt", "--json"])), 1);
    let stats = stdout(&plain(&["stats"]));
    assert!(stats.contains("my-schema"), "{stats}");
    // The folder gone: said, and the index's own copy kept.
    std::fs::remove_dir_all(&schema).expect("remove");
    let out = plain(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "is gone: the index keeps its own copy");
    assert_eq!(province(&plain(&["show", "a.txt", "--json"])), 1);
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// Issue 15: `index --verbose` said it lists the files passed over, but
/// hidden files and folders were passed over without a word.
#[test]
fn r15_verbose_lists_every_file_passed_over_with_its_reason() {
    let t = TestDir::new();
    t.write("a.txt", "Patrol in Kirkuk\nA quiet patrol in Kirkuk.\n");
    t.write("notes.docx", "%PDF");
    t.write(".draft.txt", "Draft\nNot for the index.\n");
    t.write(".git/config.txt", "Not an article\nat all.\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.corpus().join("a.txt"), t.corpus().join("link.txt"))
        .expect("symlink");
    let out = t.run(&["index", "corpus", "-v"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "passed over corpus/notes.docx: not an article format (.docx)",
    );
    assert_stderr_has(&out, "passed over corpus/.draft.txt: hidden");
    assert_stderr_has(&out, "passed over corpus/.git: hidden");
    #[cfg(unix)]
    assert_stderr_has(
        &out,
        "passed over corpus/link.txt: symbolic link, not followed",
    );
    assert!(!stderr(&out).contains("config.txt"), "{}", stderr(&out));
    // Without -v, the summary counts them.
    let out = t.run(&["index", "corpus", "--rebuild"]);
    assert_stderr_has(&out, "2 hidden");
}

/// Issue 15: the progress bar's first frame was full at 0 files
/// (indicatif draws a bar of length 0 as complete).
#[test]
fn r15_the_progress_bar_starts_empty() {
    let t = TestDir::new();
    t.write("a.txt", "Patrol in Kirkuk\nA quiet patrol in Kirkuk.\n");
    let Some(screen) = t.on_terminal(100, &[], &["index", "corpus"]) else {
        return;
    };
    let first = screen
        .split(['\r', '\n'])
        .find(|frame| frame.contains("0 files, 0 articles"))
        .unwrap_or_else(|| panic!("no first frame: {screen:?}"));
    let bar = first
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(bar, _)| bar)
        .unwrap_or_else(|| panic!("no bar: {first:?}"));
    assert!(
        !bar.contains('='),
        "the first frame claims progress: {first:?}"
    );
}

/// Issue 15: `province:Borno` typed in a query got tantivy's internal
/// wording ("The facet field is malformed: Failed to parse the facet
/// string") and exit 2, although the message for a wrong field listed
/// province and actor as searchable. A facet field in the query now
/// filters as its flag does, by any alias; inside brackets or beside OR
/// the message points to --where.
#[test]
fn r15_a_facet_field_in_the_query_filters_by_any_alias() {
    let t = TestDir::new();
    crate::util::small_corpus(&t);
    t.index();
    for (query, ids) in [
        (
            "province:Ninawa",
            vec!["iraq/2021-03-03-mosul-cell.txt", "undated.txt"],
        ),
        ("province:Kirkuk bomb", vec!["iraq/kirkuk-checkpoint.txt"]),
        ("actor:Daesh year:2019", vec!["iraq/kirkuk-checkpoint.txt"]),
        ("region:Levant", vec!["syria/raqqa.md"]),
        ("checkpoint -province:\"Kirkuk\"", vec![]),
    ] {
        let out = t.run(&["search", query, "--json"]);
        assert!(code(&out) < 2, "{query}: {}", stderr(&out));
        let mut found = hit_ids(&out);
        found.sort();
        assert_eq!(found, ids, "{query}");
    }
    // Both Yemen records (the id of one without its own may change).
    let out = t.run(&["search", "country:Yemen", "--json"]);
    let yemen = hit_ids(&out);
    assert!(
        yemen.len() == 2 && yemen.contains(&"ye-1".to_owned()),
        "{yemen:?}"
    );
    let out = t.run(&["search", "province:Ninawah"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        "unknown province \"Ninawah\"; did you mean one of \"Iraq/Nineveh\"",
    );
    let out = t.run(&["search", "province:Kirkuk OR Mosul"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "--where");
    assert!(!stderr(&out).contains("malformed"), "{}", stderr(&out));
}

/// Issue 15: `facets --format csv` with --by headed the first column
/// `actor \ province`, which is no column name a program can ask for. It
/// is the rows' facet now; a list is `FIELD,count` for every --field.
#[test]
fn r15_facets_csv_headers_name_the_field() {
    let t = TestDir::new();
    crate::util::small_corpus(&t);
    t.index();
    for field in [
        "province",
        "country",
        "region",
        "actor",
        "actor-kind",
        "year",
    ] {
        let out = t.run(&["facets", "--field", field, "--format", "csv"]);
        assert!(code(&out) < 2, "{field}: {}", stderr(&out));
        let text = crate::util::stdout(&out);
        assert_eq!(
            text.lines().next(),
            Some(format!("{field},count").as_str()),
            "{text}"
        );
    }
    for (field, by) in [
        ("actor", "province"),
        ("year", "country"),
        ("country", "year"),
    ] {
        let out = t.run(&["facets", "--field", field, "--by", by, "--format", "csv"]);
        assert_eq!(code(&out), 0, "{field} {by}: {}", stderr(&out));
        let text = crate::util::stdout(&out);
        let header = text.lines().next().unwrap_or_default();
        assert_eq!(header.split(',').next(), Some(field), "{text}");
        assert!(!header.contains('\\'), "{text}");
    }
}
