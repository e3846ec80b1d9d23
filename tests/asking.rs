//! Questions as analysts type them (issue 15): several words without
//! quotes, natural punctuation, options that are options, relative dates,
//! oldest first, pages that fill under every sort, and facet summaries
//! that say how many values they leave out.

use crate::util::{assert_stderr_has, code, hit_ids, json_lines, stderr, stdout, TestDir};

/// Days since 1970-01-01 of today (UTC), as the program reckons it.
fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs / 86_400).expect("days fit")
}

/// `YYYY-MM-DD` of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, written out again so the test does not trust the
/// program's own).
fn day(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The `facet` message of `field` in a JSON search's output.
fn facet_of(out: &std::process::Output, field: &str) -> serde_json::Value {
    json_lines(out)
        .into_iter()
        .find(|m| m["type"] == "facet" && m["data"]["field"] == field)
        .unwrap_or_else(|| panic!("no {field} facet in {}", stdout(out)))
}

fn article(t: &TestDir, rel: &str, date: Option<&str>, title: &str, body: &str) {
    let header = date.map(|d| format!("date: {d}\n\n")).unwrap_or_default();
    t.write(rel, format!("{header}{title}\n{body}\n"));
}

#[test]
fn several_words_without_quotes_are_one_query() {
    let t = TestDir::new();
    article(
        &t,
        "a.txt",
        Some("2020-01-01"),
        "Raid in Mosul",
        "ISIS fighters were killed in Mosul.",
    );
    article(
        &t,
        "b.txt",
        Some("2020-01-02"),
        "Raid in Raqqa",
        "ISIS fighters were killed in Raqqa.",
    );
    t.index();
    let joined = t.run(&["search", "ISIS", "Mosul", "--json"]);
    assert_eq!(code(&joined), 0, "{}", stderr(&joined));
    let quoted = t.run(&["search", "ISIS Mosul", "--json"]);
    assert_eq!(hit_ids(&joined), hit_ids(&quoted));
    assert_eq!(hit_ids(&joined).first().map(String::as_str), Some("a.txt"));
    // A word to leave out, among the words and after an option.
    for args in [
        &["search", "ISIS", "-Mosul", "--json"][..],
        &["search", "ISIS", "--json", "-Mosul"][..],
        &["search", "-Mosul", "ISIS", "--json"][..],
    ] {
        let out = t.run(args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_eq!(hit_ids(&out), vec!["b.txt"], "{args:?}");
    }
    // The --any example of `search --help`, as written there.
    let help = stdout(&t.run(&["search", "--help"]));
    let example = help
        .lines()
        .find_map(|l| l.trim().strip_prefix("Example: --any "))
        .expect("an --any example in --help");
    let mut args = vec!["search", "--any"];
    args.extend(example.split_whitespace());
    let out = t.run(&args);
    assert_ne!(code(&out), 2, "{args:?}: {}", stderr(&out));
}

#[test]
fn natural_punctuation_is_text_and_syntax_errors_point_at_the_character() {
    let t = TestDir::new();
    article(
        &t,
        "us.txt",
        Some("2021-05-01"),
        "U.S. forces strike near Kirkuk/Hawija at 10:30",
        "The U.S. military said its aircraft hit a target on the Kirkuk/Hawija road at 10:30 {local time} [update 2] after al-Qa'ida^ claims.",
    );
    article(
        &t,
        "other.txt",
        Some("2021-05-02"),
        "Quiet day",
        "Nothing happened in Basra.",
    );
    t.index();
    for query in [
        "U.S. forces",
        "Kirkuk/Hawija",
        "10:30",
        "{local time}",
        "[update 2]",
        "al-Qa'ida^",
        "Update: U.S.",
        "forces - Hawija",
    ] {
        let out = t.run(&["search", query, "--json"]);
        assert_eq!(code(&out), 0, "{query}: {}", stderr(&out));
        assert_eq!(
            hit_ids(&out).first().map(String::as_str),
            Some("us.txt"),
            "{query}"
        );
    }
    // Deliberate syntax stays syntax.
    let out = t.run(&["search", "(Basra OR Hawija) AND NOT Kirkuk", "--json"]);
    assert_eq!(hit_ids(&out), vec!["other.txt"]);
    let out = t.run(&["search", "title:quiet", "--json"]);
    assert_eq!(hit_ids(&out), vec!["other.txt"]);
    // What cannot be read is named, with the way to write it.
    let out = t.run(&["search", "attack \"car bomb"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        "at character 8, this double quote is not closed: write \"car bomb\"",
    );
    let out = t.run(&["search", "(Kirkuk OR Hawija"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "at character 1, this '(' is not closed");
    let out = t.run(&["search", "Mosul AND"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(
        &out,
        "AND at the end has nothing after it: write Mosul AND Kirkuk",
    );
}

/// Issue 15: `search -i` searched for "-i"; `--limit -1` suggested `-- -1`.
#[test]
fn options_are_options_and_counts_are_checked() {
    let t = TestDir::new();
    article(
        &t,
        "a.txt",
        Some("2020-01-01"),
        "Raid in Mosul",
        "ISIS fighters were killed.",
    );
    t.index();
    let out = t.run(&["search", "-i", "Mosul"]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert_stderr_has(&out, "'-i'");
    let out = t.run(&["search", "Mosul", "--limt", "3"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "--limt");
    for flag in ["--limit", "--offset", "--facet-limit"] {
        let out = t.run(&["search", "Mosul", flag, "-1"]);
        assert_eq!(code(&out), 2, "{flag}");
        assert_stderr_has(&out, "-1 is negative: give 0 or more");
        assert!(!stderr(&out).contains("-- -1"), "{flag}: {}", stderr(&out));
    }
    let out = t.run(&["facets", "-i"]);
    assert_eq!(code(&out), 2);
}

/// Issue 15: `--limit 0` showed a hit; `--offset` past the end exited 1
/// although articles matched.
#[test]
fn limit_zero_shows_counts_only_and_a_far_offset_still_found() {
    let t = TestDir::new();
    for i in 0..3 {
        article(
            &t,
            &format!("a{i}.txt"),
            Some("2020-01-01"),
            "Raid in Mosul",
            "ISIS fighters were killed in Mosul.",
        );
    }
    t.index();
    for sort in ["relevance", "date", "oldest"] {
        let out = t.run(&["search", "Mosul", "--limit", "0", "--sort", sort, "--json"]);
        assert_eq!(code(&out), 0, "{sort}: {}", stderr(&out));
        assert!(hit_ids(&out).is_empty(), "{sort}");
        let summary = json_lines(&out)
            .into_iter()
            .find(|m| m["type"] == "summary")
            .expect("summary");
        assert_eq!(summary["data"]["total"], 3, "{sort}");
        let out = t.run(&["search", "Mosul", "--limit", "0", "--sort", sort]);
        assert!(
            stdout(&out).contains("3 articles"),
            "{sort}: {}",
            stdout(&out)
        );
        assert!(!stdout(&out).contains(" 1. "), "{sort}: {}", stdout(&out));
        let out = t.run(&[
            "search", "Mosul", "--offset", "50", "--sort", sort, "--json",
        ]);
        assert_eq!(code(&out), 0, "{sort}: {}", stderr(&out));
        assert!(hit_ids(&out).is_empty());
    }
    let out = t.run(&["search", "Raqqa"]);
    assert_eq!(code(&out), 1);
}

/// Issue 15: oldest first; and `--sort date` on a query no article had
/// every word of called a healthy index damaged (a tantivy assertion).
#[test]
fn date_orders_fill_the_page_with_partial_matches() {
    let t = TestDir::new();
    article(
        &t,
        "k1.txt",
        Some("2019-03-01"),
        "Kirkuk blast",
        "A bomb in Kirkuk near Hawija.",
    );
    article(
        &t,
        "k2.txt",
        Some("2022-03-01"),
        "Kirkuk patrol",
        "Police in Kirkuk near Hawija.",
    );
    article(
        &t,
        "k3.txt",
        Some("2021-03-01"),
        "Kirkuk market",
        "Shoppers in Kirkuk.",
    );
    article(
        &t,
        "k4.txt",
        None,
        "Kirkuk memory",
        "An undated piece on Kirkuk and Hawija.",
    );
    article(
        &t,
        "t1.txt",
        Some("2020-03-01"),
        "Tuz clash",
        "Clashes in Tuz.",
    );
    t.index();
    // No article has all three words: those with two come first, each
    // tier by date, undated last; the ones with one word fill the page.
    let out = t.run(&[
        "search", "Kirkuk", "Hawija", "Tuz", "--sort", "date", "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        hit_ids(&out),
        vec!["k2.txt", "k1.txt", "k4.txt", "k3.txt", "t1.txt"]
    );
    let out = t.run(&[
        "search", "Kirkuk", "Hawija", "Tuz", "--sort", "oldest", "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        hit_ids(&out),
        vec!["k1.txt", "k2.txt", "k4.txt", "t1.txt", "k3.txt"]
    );
    let out = t.run(&["search", "Kirkuk", "--sort", "oldest", "--json"]);
    assert_eq!(hit_ids(&out), vec!["k1.txt", "k3.txt", "k2.txt", "k4.txt"]);
    // Paging goes on where the first page stopped.
    let out = t.run(&[
        "search", "Kirkuk", "--sort", "oldest", "-n", "2", "--offset", "2", "--json",
    ]);
    assert_eq!(hit_ids(&out), vec!["k2.txt", "k4.txt"]);
}

#[test]
fn relative_dates_count_back_from_today() {
    let t = TestDir::new();
    let now = today();
    article(
        &t,
        "today.txt",
        Some(&day(now)),
        "Raid today",
        "A raid in Mosul.",
    );
    article(
        &t,
        "yesterday.txt",
        Some(&day(now - 1)),
        "Raid yesterday",
        "A raid in Mosul.",
    );
    article(
        &t,
        "weeks.txt",
        Some(&day(now - 20)),
        "Raid weeks ago",
        "A raid in Mosul.",
    );
    article(
        &t,
        "months.txt",
        Some(&day(now - 100)),
        "Raid months ago",
        "A raid in Mosul.",
    );
    article(
        &t,
        "years.txt",
        Some(&day(now - 800)),
        "Raid years ago",
        "A raid in Mosul.",
    );
    article(&t, "undated.txt", None, "Raid some day", "A raid in Mosul.");
    t.index();
    let ids = |extra: &[&str]| {
        let mut args = vec!["search", "raid", "--json", "--sort", "date"];
        args.extend(extra);
        let out = t.run(&args);
        assert_ne!(code(&out), 2, "{extra:?}: {}", stderr(&out));
        hit_ids(&out)
    };
    assert_eq!(
        ids(&["--since", "30d"]),
        vec!["today.txt", "yesterday.txt", "weeks.txt"]
    );
    assert_eq!(ids(&["--since", "2w"]), vec!["today.txt", "yesterday.txt"]);
    assert_eq!(
        ids(&["--since", "yesterday"]),
        vec!["today.txt", "yesterday.txt"]
    );
    assert_eq!(ids(&["--since", "today"]), vec!["today.txt"]);
    assert_eq!(
        ids(&["--since", "6m", "--until", "30d"]),
        vec!["months.txt"]
    );
    assert_eq!(ids(&["--until", "1y"]), vec!["years.txt"]);
    let year = &day(now - 800)[..4];
    assert!(ids(&["--until", year]).contains(&"years.txt".to_owned()));
    // The summary says which day a relative date stood for.
    let out = t.run(&["search", "raid", "--since", "30d"]);
    assert!(
        stdout(&out).contains(&format!("since 30d ({})", day(now - 30))),
        "{}",
        stdout(&out)
    );
    // Further back than any date: every dated article, not a "damaged
    // index" (tantivy's timestamps overflowed).
    assert_eq!(ids(&["--since", "5000y"]).len(), 5);
    let out = t.run(&["search", "raid", "--since", "30 parsecs"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "a time back from today (30d, 2w, 6m, 1y, yesterday)");
}

/// Issue 15: "… (2 more)" after the facet lines was wrong (there were 10
/// more actors), and JSON facet lists were cut to 10 without saying so.
#[test]
fn facet_summaries_say_how_many_more_there_are() {
    let t = TestDir::new();
    let provinces = [
        "Nineveh", "Anbar", "Kirkuk", "Diyala", "Basra", "Najaf", "Karbala", "Babil", "Wasit",
        "Maysan", "Dhi Qar", "Muthanna", "Erbil", "Duhok",
    ];
    for (i, p) in provinces.iter().enumerate() {
        article(
            &t,
            &format!("p{i}.txt"),
            Some("2020-01-01"),
            &format!("Attack in {p} province"),
            &format!("Gunmen attacked a checkpoint in {p} province, Iraq, killing two."),
        );
    }
    t.index();
    let out = t.run(&["search", "attack", "--json"]);
    let facet = facet_of(&out, "province");
    let listed = facet["data"]["values"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert_eq!(listed, 10);
    assert_eq!(facet["data"]["more"], 4);
    let out = t.run(&["search", "attack", "--json", "--facet-limit", "0"]);
    let facet = facet_of(&out, "province");
    assert_eq!(facet["data"]["values"].as_array().map(Vec::len), Some(14));
    assert_eq!(facet["data"]["more"], 0);
    let out = t.run(&["search", "attack", "--facet-limit", "3", "--color", "never"]);
    let line = stdout(&out)
        .lines()
        .find(|l| l.starts_with("Provinces:"))
        .map(str::to_owned)
        .expect("a provinces line");
    assert!(line.ends_with("… (11 more)"), "{line}");
    let out = t.run(&[
        "facets", "attack", "--field", "province", "--top", "5", "--json",
    ]);
    let facet = json_lines(&out)
        .into_iter()
        .find(|m| m["type"] == "facet")
        .expect("a facet");
    assert_eq!(facet["data"]["more"], 9);
}

/// The facet limit counts top-level actors: the actor list was cut to the
/// ten most frequent paths first, so a query whose children filled those
/// ten lost top-level actors (ISIS in Nineveh listed 5 of its 8, and said
/// "more": 3).
#[test]
fn the_actor_limit_counts_top_level_actors() {
    let t = TestDir::new();
    t.copy_sample_corpus();
    t.index();
    let out = t.run(&["search", "ISIS", "--province", "Ninawa", "--json"]);
    let facet = facet_of(&out, "actor");
    let values = facet["data"]["values"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(values.len() > 10, "{values:?}");
    let roots = values
        .iter()
        .filter(|v| v["value"].as_str().is_some_and(|p| !p.contains('/')))
        .count();
    let all = t.run(&[
        "search",
        "ISIS",
        "--province",
        "Ninawa",
        "--json",
        "--facet-limit",
        "0",
    ]);
    let all_roots = Some(facet_of(&all, "actor"))
        .and_then(|m| m["data"]["values"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|v| v["value"].as_str().is_some_and(|p| !p.contains('/')))
        .count();
    assert_eq!(roots, all_roots.min(10));
    assert_eq!(facet["data"]["more"], all_roots.saturating_sub(10));
}
