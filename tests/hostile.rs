//! A hostile corpus, built here in a temporary folder: every good article
//! is indexed, every problem reported once with its file (and line), and
//! nothing panics or hangs.

use std::os::unix::ffi::OsStrExt;

use crate::util::*;

#[test]
fn hostile_corpus_indexes_exactly_the_good_articles() {
    let t = TestDir::new();
    let mut good = Vec::new();
    let mut add_good = |t: &TestDir, rel: &str, contents: &[u8]| {
        t.write(rel, contents);
        good.push(rel.to_owned());
    };

    // Encodings.
    add_good(
        &t,
        "latin1.txt",
        b"Caf\xE9 attack\nA bomb hit a caf\xE9 in Mosul.\n",
    );
    add_good(
        &t,
        "bom-utf8.txt",
        b"\xEF\xBB\xBFBOM title\nBody after a UTF-8 byte-order mark.\n",
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "UTF-16 title\nBody in UTF-16 about Raqqa.\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    add_good(&t, "bom-utf16.txt", &utf16);
    add_good(&t, "nul.txt", b"NUL title\nBody with a\0 NUL byte.\n");
    add_good(&t, "title-only.txt", b"Only a title here\n");
    // Titles that would hurt a terminal.
    add_good(
        &t,
        "escapes.txt",
        "Title \u{1b}[31mred\u{1b}[0m and \u{202e}reversed\u{7}\nBody.\n".as_bytes(),
    );
    // A single 20 MB line.
    let mut huge = b"Huge line\n".to_vec();
    huge.extend(std::iter::repeat_n(b"word ".as_slice(), 4_000_000).flatten());
    add_good(&t, "huge.txt", &huge);
    // A folder nested 200 deep.
    let deep: String = (0..200).map(|i| format!("d{i}/")).collect();
    add_good(&t, &format!("{deep}deep.txt"), b"Deep title\nDeep body.\n");
    // A file name that is not valid UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"bad-\xFF-name.txt");
    std::fs::write(t.corpus().join(name), b"Odd name\nBody.\n").unwrap();
    good.push("bad-\u{FFFD}-name.txt".to_owned());
    // JSON: one bad line among good ones, and two records with the same id.
    t.write(
        "feed.jsonl",
        "{\"id\":\"a\",\"title\":\"Feed A\",\"body\":\"x\"}\n{\"title\": oops}\n{\"id\":\"b\",\"title\":\"Feed B\",\"body\":\"y\"}\n{\"id\":\"a\",\"title\":\"Feed A again\",\"body\":\"z\"}\n",
    );
    good.push("a".into());
    good.push("b".into());
    t.write(
        "wrong-types.json",
        r#"{"title": 12, "body": ["x"], "date": true}"#,
    );
    t.write("truncated.json", r#"[{"title": "cut"#);

    // Bad input.
    t.write("empty.txt", b"");
    t.write("blank.txt", b"   \n\t\n");
    t.write(
        "binary.txt",
        (0..=255u8).cycle().take(10_000).collect::<Vec<_>>(),
    );
    std::os::unix::fs::symlink(t.corpus(), t.corpus().join("loop")).unwrap();

    let out = t.run(&["index", "corpus"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "problems make the status 2: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for (needle, times) in [
        ("feed.jsonl:2: invalid JSON", 1),
        ("feed.jsonl:4: duplicate id \"a\"", 1),
        ("wrong-types.json", 1),
        ("truncated.json:1: invalid JSON", 1),
        ("empty.txt: empty file", 1),
        ("blank.txt: empty file", 1),
        ("binary.txt: binary", 1),
        ("latin1.txt: invalid UTF-8", 1),
        ("nul.txt: NUL bytes removed", 1),
        ("title-only.txt: title only", 1),
    ] {
        assert_eq!(err.matches(needle).count(), times, "{needle:?} in:\n{err}");
    }
    let mut ids = hit_ids(&t.run(&["search", "", "--limit", "1000", "--json"]));
    ids.sort();
    good.sort();
    assert_eq!(ids, good);
}

#[test]
fn a_file_deleted_between_walk_and_read_is_reported_not_fatal() {
    // The indexer reports progress for each file the walk found, before
    // reading it: deleting the third file at its progress event makes it
    // vanish between walk and read, every time.
    let t = TestDir::new();
    for n in 0..5 {
        t.write(&format!("f/{n}.txt"), format!("Title {n}\nBody {n}.\n"));
    }
    let victim = t.corpus().join("f/2.txt");
    let files = sitrep::SchemaFiles::read_dir(&repo("index-schema")).unwrap();
    let options = index_options(t.path("index"));
    let mut deleted = false;
    let mut reported = Vec::new();
    let report = sitrep::update(&[t.corpus()], &options, &files, &mut |event| match event {
        sitrep::Event::Progress { files: 3, .. } => {
            std::fs::remove_file(&victim).unwrap();
            deleted = true;
        }
        sitrep::Event::Problem(p) => reported.push(p.to_string()),
        _ => {}
    })
    .expect("a vanished file is not fatal");
    assert!(deleted, "the third file's progress event never came");
    // Reported once, naming the file, as it happened...
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(reported[0].contains("2.txt"), "{reported:?}");
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let problem = &report.problems[0];
    assert_eq!(problem.path, victim, "{problem:?}");
    assert_eq!(problem.severity, sitrep::Severity::Skipped, "{problem:?}");
    assert!(
        matches!(&problem.kind, sitrep::ProblemKind::Unreadable(reason) if reason.contains("No such file")),
        "{problem:?}"
    );
    // ...and the other files indexed.
    assert_eq!(report.added, 4, "{report:?}");
    let mut ids = hit_ids(&t.run(&["search", "", "--limit", "100", "--json"]));
    ids.sort();
    assert_eq!(ids, ["f/0.txt", "f/1.txt", "f/3.txt", "f/4.txt"]);
}

#[test]
fn escape_sequences_are_neutralised_on_a_terminal_and_kept_in_json() {
    let t = TestDir::new();
    t.write(
        "evil.txt",
        "Evil \u{1b}[2J\u{1b}]0;pwned\u{7} title \u{202e}gnp.exe\nBody about Mosul with \u{1b}[31mred\u{1b}[0m text.\n",
    );
    t.index();
    // JSON carries the text exactly.
    let json = json_lines(&t.run(&["search", "Mosul", "--json"]));
    assert_eq!(
        json[0]["data"]["title"],
        "Evil \u{1b}[2J\u{1b}]0;pwned\u{7} title \u{202e}gnp.exe"
    );
    // On a terminal (a pseudo-terminal made by `script`), nothing of it
    // reaches the screen as a control character.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` command: terminal part skipped");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_sitrep");
    let line = format!("{bin} search Mosul --color never");
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(t.dir.path())
        .env("SITREP_SCHEMA", repo("index-schema"))
        .env("SITREP_INDEX", t.path("index"))
        .output()
        .expect("run script");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("Evil \\u{1b}[2J"), "{screen}");
    assert!(screen.contains("\\u{202e}gnp.exe"), "{screen}");
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    assert!(!screen.contains('\u{202e}'), "{screen:?}");
    assert!(!screen.contains('\u{7}'), "{screen:?}");
}
