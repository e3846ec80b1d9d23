//! Queries cannot hurt sitrep: random and adversarial queries and filter
//! values, through the library (thousands) and the binary (a sample), give
//! results or a readable error, never a panic.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use sitrep::{IndexOptions, Matching, OpenIndex, SchemaFiles, SearchRequest};

use crate::util::*;

/// The shared index, opened once: opening loads the gazetteers.
fn open() -> &'static OpenIndex {
    static OPEN: OnceLock<OpenIndex> = OnceLock::new();
    OPEN.get_or_init(|| sitrep::open(&shared_index().1).expect("index opens"))
}

/// One index of a small corpus, shared by the property tests.
fn shared_index() -> &'static (TestDir, PathBuf) {
    static INDEX: OnceLock<(TestDir, PathBuf)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let t = TestDir::new();
        small_corpus(&t);
        let files = SchemaFiles::read_dir(&repo("index-schema")).expect("index-schema");
        let dir = t.path("index");
        let options = IndexOptions {
            rebuild: true,
            ..index_options(dir.clone())
        };
        sitrep::update(&[t.corpus()], &options, &files, &mut |_| {}).expect("index builds");
        (t, dir)
    })
}

/// Pieces that break parsers: operators, quotes, brackets, field names,
/// scripts, control characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(" AND ".to_owned()),
        Just(" OR ".to_owned()),
        Just(" NOT ".to_owned()),
        Just("-".to_owned()),
        Just("+".to_owned()),
        Just("*".to_owned()),
        Just("^2".to_owned()),
        Just("~".to_owned()),
        Just(":".to_owned()),
        Just("\\".to_owned()),
        Just("title:".to_owned()),
        Just("nosuchfield:".to_owned()),
        Just("province:".to_owned()),
        Just("year:[2010 TO 2020]".to_owned()),
        Just("/".to_owned()),
        Just("Mosul".to_owned()),
        Just("the".to_owned()),
        Just("داعش".to_owned()),
        Just("🙂".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{0}".to_owned()),
        Just("\u{1b}[31m".to_owned()),
        Just(" ".to_owned()),
        "[a-zA-Z]{1,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat())
}

fn check(open: &OpenIndex, request: &SearchRequest) {
    match sitrep::search(open, request) {
        Ok(results) => assert!(results.hits.len() <= request.limit.max(1)),
        Err(err) => {
            let message = err.to_string();
            assert!(!message.is_empty());
            assert!(!message.contains("panicked"), "{message}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn any_query_gives_results_or_a_readable_error(q in query(), mode in 0u8..3, limit in 0usize..30) {
        let open = open();
        let matching = [Matching::Last, Matching::All, Matching::Any][mode as usize];
        check(open, &SearchRequest { query: q, limit, matching, facet_limit: 5, ..Default::default() });
    }

    #[test]
    fn any_filter_value_gives_results_or_a_readable_error(v in query()) {
        let open = open();
        let request = SearchRequest {
            provinces: vec![v.clone()],
            actors: vec![v.clone()],
            countries: vec![v.clone()],
            years: vec![v],
            limit: 5,
            ..Default::default()
        };
        check(open, &request);
    }
}

#[test]
fn huge_and_deeply_nested_queries() {
    let open = open();
    let huge = "Mosul ".repeat(20_000);
    let nested = format!("{}Mosul{}", "(".repeat(5_000), ")".repeat(5_000));
    let unbalanced = "(".repeat(10_000);
    let quotes = "\"".repeat(10_001);
    for q in [huge, nested, unbalanced, quotes] {
        check(
            open,
            &SearchRequest {
                query: q,
                limit: 10,
                ..Default::default()
            },
        );
    }
}

#[test]
fn the_binary_answers_bad_queries_with_status_2_and_a_message() {
    let (t, _) = shared_index();
    // (A NUL byte cannot be passed as an argument: the property tests
    // give it to the library instead.)
    // Unparsable queries: status 2 and one line saying why. Odd but valid
    // ones: found (0) or not (1), and nothing on stderr.
    for (q, status) in [
        ("\"open", 2),
        ("(((", 2),
        (")", 2),
        ("AND", 2),
        ("title:(", 2),
        // Punctuation that is not deliberate syntax is text (issue 15):
        // no field "a", no range, an escape sequence.
        ("a:b", 1),
        ("[1 TO", 1),
        ("\u{1b}[2J", 1),
        ("-Mosul", 0),
        ("🙂🙂", 1),
    ] {
        for command in ["search", "facets"] {
            let out = t.run(&[command, q]);
            let err = stderr(&out);
            assert_eq!(code(&out), status, "{command} {q:?}: {err}");
            if status == 2 {
                assert!(
                    err.starts_with("sitrep: cannot parse the query "),
                    "{command} {q:?}: {err}"
                );
                assert_eq!(err.lines().count(), 1, "{command} {q:?}: {err}");
            } else {
                assert!(err.is_empty(), "{command} {q:?}: {err}");
            }
        }
    }
}
