//! Facet logic (issue 15, items 4 to 6): exclusions (`--not-*`), a
//! boolean expression over the facets (`--where`), regions (`--region`,
//! a region's name as a province, `facets --field region`) and actor
//! kinds (`facets --field actor-kind`, `kind:` in an expression).

use crate::util::*;

/// Six articles whose event facets are known (checked with `sitrep
/// extract`): a Darfur state, Borno, al-Shabaab in Kenya and in Somalia,
/// Hamas with the IDF in Gaza, Russian forces in Donetsk.
fn corpus(t: &TestDir) {
    for (name, text) in [
        (
            "a.txt",
            "date: 2023-06-01\n\nRSF fighters attack El Fasher\nRapid Support Forces fighters attacked El Fasher in North Darfur on Thursday, residents said.\n",
        ),
        (
            "b.txt",
            "date: 2022-03-04\n\nBoko Haram raid in Borno\nBoko Haram fighters raided a village near Maiduguri in Borno State, killing five farmers.\n",
        ),
        (
            "c.txt",
            "date: 2021-07-09\n\nAl-Shabaab attack in Mandera\nAl-Shabaab militants attacked a police post in Mandera, Kenya, on Friday.\n",
        ),
        (
            "d.txt",
            "date: 2021-08-09\n\nAl-Shabaab bomb in Mogadishu\nAl-Shabaab fighters detonated a car bomb in Mogadishu, Somalia, killing four people.\n",
        ),
        (
            "e.txt",
            "date: 2014-07-18\n\nIsraeli troops enter Gaza\nIsrael Defense Forces troops entered the Gaza Strip on Friday to destroy Hamas tunnels, the army said.\n",
        ),
        (
            "f.txt",
            "date: 2020-02-02\n\nShelling in Donetsk\nShelling hit Donetsk Oblast overnight, Ukrainian officials said, as Russian forces pressed on.\n",
        ),
    ] {
        t.write(name, text);
    }
    t.index();
}

/// The ids found by `sitrep search '' ARGS --json`, sorted.
fn found(t: &TestDir, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "", "--json", "-n", "50"];
    all.extend_from_slice(args);
    let out = t.run(&all);
    assert!(code(&out) < 2, "{args:?}: {}", stderr(&out));
    let mut ids = hit_ids(&out);
    ids.sort();
    ids
}

/// The counts of `sitrep facets --field FIELD ARGS --json`.
fn counts(t: &TestDir, field: &str, args: &[&str]) -> Vec<(String, u64)> {
    let mut all = vec!["facets", "--field", field, "--json"];
    all.extend_from_slice(args);
    let out = t.run(&all);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    json_lines(&out)
        .iter()
        .filter(|m| m["type"] == "facet" && m["data"]["field"] == field)
        .flat_map(|m| m["data"]["values"].as_array().cloned().unwrap_or_default())
        .map(|v| {
            let value = v["value"].as_str().unwrap_or_default().to_owned();
            (value, v["count"].as_u64().unwrap_or_default())
        })
        .collect()
}

#[test]
fn exclusions_leave_out_articles_with_the_facet() {
    let t = TestDir::new();
    corpus(&t);
    assert_eq!(found(&t, &["--actor", "al-Shabaab"]), ["c.txt", "d.txt"]);
    // al-Shabaab outside Somalia, by country, by a city of the province,
    // by region.
    for not in [
        ["--not-country", "Somalia"],
        ["--not-province", "Mogadishu"],
        ["--not-region", "Horn of Africa"],
    ] {
        let mut args = vec!["--actor", "al-Shabaab"];
        args.extend_from_slice(&not);
        assert_eq!(found(&t, &args), ["c.txt"], "{not:?}");
    }
    assert_eq!(
        found(&t, &["--not-actor", "Hamas", "--not-actor", "Boko Haram"]),
        ["a.txt", "c.txt", "d.txt", "f.txt"]
    );
    assert_eq!(
        found(
            &t,
            &["--not-actor-kind", "state force", "--not-country", "Kenya"]
        ),
        ["a.txt", "b.txt", "d.txt"]
    );
    // A parent leaves out its children: al-Shabaab is al-Qaeda's.
    assert_eq!(
        found(&t, &["--not-actor", "al-Qaeda", "--year", "2021"]),
        Vec::<String>::new()
    );
    // The summary says what was left out.
    let out = t.run(&[
        "search",
        "",
        "--actor",
        "al-Shabaab",
        "--not-country",
        "Somalia",
    ]);
    assert!(
        stdout(&out).contains("not-country Somalia"),
        "{}",
        stdout(&out)
    );
    // An unknown value is an error, as for the other filters.
    let out = t.run(&["search", "", "--not-country", "Somalya"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "did you mean one of \"Somalia\"");
}

#[test]
fn repeated_flags_keep_their_or() {
    let t = TestDir::new();
    corpus(&t);
    assert_eq!(
        found(&t, &["--actor", "Hamas", "--actor", "Boko Haram"]),
        ["b.txt", "e.txt"]
    );
    assert_eq!(
        found(&t, &["--region", "Darfur", "--region", "Donbas"]),
        ["a.txt", "f.txt"]
    );
}

#[test]
fn where_combines_facet_tests_with_and_or_not() {
    let t = TestDir::new();
    corpus(&t);
    let w = |expr: &str| found(&t, &["--where", expr]);
    assert_eq!(
        w(r#"actor:Hamas AND actor:"Israel Defense Forces" AND NOT country:Egypt"#),
        ["e.txt"]
    );
    // Any alias; both actors in one article, unlike repeated flags.
    assert_eq!(w("actor:Hamas AND actor:IDF"), ["e.txt"]);
    assert!(w("actor:Hamas AND actor:\"Boko Haram\"").is_empty());
    assert_eq!(w("actor:Hamas OR actor:\"Boko Haram\""), ["b.txt", "e.txt"]);
    assert_eq!(
        w("(region:Darfur OR province:Borno) AND NOT year:2023"),
        ["b.txt"]
    );
    // A region as a province, a kind by its alias `kind`.
    assert_eq!(w("province:Darfur"), ["a.txt"]);
    assert_eq!(w("kind:\"state force\""), ["e.txt", "f.txt"]);
    assert_eq!(
        w("NOT actor-kind:\"state force\" AND NOT region:Sahel").len(),
        4
    );
    assert_eq!(w("mentioned-country:Kenya"), ["c.txt"]);
    // AND'ed with the other filters.
    assert_eq!(
        found(
            &t,
            &["--where", "kind:\"state force\"", "--region", "Donbas"]
        ),
        ["f.txt"]
    );
}

#[test]
fn a_where_mistake_points_at_its_place() {
    let t = TestDir::new();
    corpus(&t);
    let out = t.run(&["search", "", "--where", "actor:Hamas AND cuntry:Egypt"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("unknown field \"cuntry\""), "{err}");
    assert!(err.contains("mentioned-province"), "{err}");
    assert!(err.contains("\n  actor:Hamas AND cuntry:Egypt\n"), "{err}");
    assert!(err.contains("\n                  ^^^^^^"), "{err}");

    let out = t.run(&["facets", "--where", "(actor:Hamas OR actor:IDF"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "expected AND, OR or ')' to close the '(' at column 1");

    let out = t.run(&["search", "", "--where", "actor:Hamaz"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "unknown actor \"Hamaz\"; did you mean");
    assert_stderr_has(&out, "\n        ^^^^^");

    let deep = format!("{}actor:Hamas{}", "(".repeat(10_000), ")".repeat(10_000));
    let out = t.run(&["search", "", "--where", &deep]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "nest more than 64 deep");
}

#[test]
fn regions_filter_and_count() {
    let t = TestDir::new();
    corpus(&t);
    assert_eq!(found(&t, &["--region", "Darfur"]), ["a.txt"]);
    assert_eq!(found(&t, &["--region", "lake chad"]), ["b.txt"]);
    // A region's name where a province or country is asked for.
    assert_eq!(found(&t, &["--province", "Darfur"]), ["a.txt"]);
    assert_eq!(found(&t, &["--country", "Donbass"]), ["f.txt"]);
    assert_eq!(
        found(&t, &["--mentioned-province", "Horn of Africa"]),
        ["d.txt"]
    );
    let regions = counts(&t, "region", &[]);
    for (region, n) in [
        ("Darfur", 1),
        ("Lake Chad Basin", 1),
        ("Horn of Africa", 1),
        ("Levant", 1),
        ("Donbas", 1),
    ] {
        assert!(
            regions.contains(&(region.to_owned(), n)),
            "{region}: {regions:?}"
        );
    }
    // Kenya is in no region; Sahel has no article.
    assert_eq!(regions.len(), 5, "{regions:?}");
    assert_eq!(
        counts(&t, "region", &["--actor", "al-Shabaab"]),
        [("Horn of Africa".to_owned(), 1)]
    );
    let out = t.run(&["search", "", "--region", "Sahl"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "unknown region \"Sahl\"; did you mean \"Sahel\"");
    // A table by region.
    let out = t.run(&[
        "facets", "--field", "region", "--by", "year", "--format", "csv",
    ]);
    assert!(stdout(&out).starts_with("region,"), "{}", stdout(&out));
}

#[test]
fn kinds_are_counted_and_tested() {
    let t = TestDir::new();
    corpus(&t);
    let kinds = counts(&t, "actor-kind", &[]);
    assert!(kinds.contains(&("state force".to_owned(), 2)), "{kinds:?}");
    assert!(
        kinds.contains(&("jihadist group".to_owned(), 3)),
        "{kinds:?}"
    );
    assert_eq!(
        counts(
            &t,
            "actor-kind",
            &["--where", "kind:\"state force\" AND region:Donbas"]
        ),
        [("state force".to_owned(), 1)]
    );
    assert_eq!(
        found(&t, &["--actor-kind", "State Force"]),
        ["e.txt", "f.txt"]
    );
}
