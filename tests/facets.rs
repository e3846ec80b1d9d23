//! Event facets and mentions (issue 14): `--mentioned-*` filters against
//! the event filters, `--actor-kind`, actor paths whose parent includes
//! its children in filters and counts, organisations left out of the
//! summary, and an index of the schema before these fields.

use crate::util::*;

/// A copy of index-schema/ whose gazetteer has an organisation of its
/// own, besides the actors with parents it has (`Islamic State/Islamic
/// State West Africa Province`).
fn schema_with_paths(t: &TestDir) -> std::path::PathBuf {
    let schema = t.path("my-schema");
    for entry in walkdir::WalkDir::new(repo("index-schema")) {
        let entry = entry.expect("walk index-schema");
        let rel = entry
            .path()
            .strip_prefix(repo("index-schema"))
            .expect("inside");
        let to = schema.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("folder");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    let actors = schema.join("gazetteers/actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors.toml");
    assert!(
        text.contains("name = \"Islamic State West Africa Province\"")
            && text.contains("parent = \"Islamic State\""),
        "the gazetteer has no ISWAP entry under Islamic State"
    );
    let text = format!(
        "{text}\n[[actor]]\nname = \"Zorvanian Relief Mission\"\nkind = \"organisation\"\naliases = [\"ZRM\"]\n"
    );
    std::fs::write(&actors, text).expect("write actors.toml");
    schema
}

/// The corpus: a capital that speaks, a child actor, its parent, an
/// organisation.
fn corpus(t: &TestDir) {
    t.write(
        "iraq/anbar-convoy.txt",
        "date: 2021-04-06\n\nConvoy attacked near Ramadi\nBaghdad said gunmen attacked an army convoy near Ramadi on Tuesday.\n",
    );
    t.write(
        "nigeria/iswap-raid.txt",
        "date: 2021-05-01\n\nISWAP fighters raid a base\nFighters of ISWAP attacked a military base in Borno state.\n",
    );
    t.write(
        "syria/isis-cell.txt",
        "date: 2020-02-02\n\nISIS cell caught in Deir ez-Zor\nAn Islamic State cell was caught near Deir ez-Zor.\n",
    );
    t.write(
        "relief.txt",
        "date: 2022-01-01\n\nZRM counts the dead in Kandahar\nA report counts civilians killed in Kandahar province last year.\n",
    );
}

fn indexed() -> TestDir {
    let t = TestDir::new();
    corpus(&t);
    let schema = schema_with_paths(&t);
    let out = t
        .cmd(&["index", "corpus"])
        .env("SITREP_SCHEMA", &schema)
        .output()
        .expect("run sitrep");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    t
}

fn ids(t: &TestDir, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let out = t.run(&all);
    let mut ids = hit_ids(&out);
    ids.sort();
    (code(&out), ids)
}

/// The `facet` message of `field` in JSON Lines output, as (value, count).
fn facet_values(out: &std::process::Output, field: &str) -> Vec<(String, u64)> {
    json_lines(out)
        .iter()
        .filter(|m| m["type"] == "facet" && m["data"]["field"] == field)
        .flat_map(|m| m["data"]["values"].as_array().cloned().unwrap_or_default())
        .map(|v| {
            (
                v["value"].as_str().unwrap_or_default().to_owned(),
                v["count"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn a_capital_that_spoke_is_a_mentioned_province_not_an_event_one() {
    let t = indexed();
    let convoy = vec!["iraq/anbar-convoy.txt".to_owned()];
    // "Baghdad said": attribution, so not where the events happened.
    assert_eq!(ids(&t, &["", "--province", "Baghdad"]), (1, vec![]));
    assert_eq!(
        ids(&t, &["", "--mentioned-province", "Baghdad"]),
        (0, convoy.clone())
    );
    assert_eq!(ids(&t, &["", "--province", "Anbar"]), (0, convoy.clone()));
    assert_eq!(
        ids(&t, &["", "--mentioned-province", "Anbar"]),
        (0, convoy.clone())
    );
    assert_eq!(
        ids(&t, &["", "--mentioned-country", "Iraq"]),
        (0, convoy.clone())
    );
    // Repeated flags OR; any alias resolves.
    let (status, found) = ids(
        &t,
        &[
            "",
            "--mentioned-province",
            "baghdad",
            "--mentioned-province",
            "Deir al-Zour",
        ],
    );
    assert_eq!(status, 0);
    assert_eq!(found, ["iraq/anbar-convoy.txt", "syria/isis-cell.txt"]);
    // An unknown value is an error with suggestions, as for --province.
    let out = t.run(&["search", "", "--mentioned-province", "Bagdhad"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "Baghdad");
    // `show` prints the event facets and what else was mentioned.
    let shown = stdout(&t.run(&["show", "iraq/anbar-convoy.txt"]));
    assert!(shown.contains("provinces: Iraq/Anbar\n"), "{shown}");
    assert!(shown.contains("also mentioned: Iraq/Baghdad"), "{shown}");
    let json = json_lines(&t.run(&["show", "--json", "iraq/anbar-convoy.txt"]));
    let card = &json[0];
    assert_eq!(card["provinces"], serde_json::json!(["Iraq/Anbar"]));
    let mentioned = card["mentioned_provinces"].as_array().cloned();
    assert!(
        mentioned
            .unwrap_or_default()
            .contains(&serde_json::json!("Iraq/Baghdad")),
        "{card}"
    );
}

#[test]
fn a_parent_actor_includes_its_children_in_filters_and_counts() {
    let t = indexed();
    let both = vec![
        "nigeria/iswap-raid.txt".to_owned(),
        "syria/isis-cell.txt".to_owned(),
    ];
    assert_eq!(ids(&t, &["", "--actor", "Daesh"]), (0, both.clone()));
    assert_eq!(
        ids(&t, &["", "--actor", "ISWAP"]),
        (0, vec!["nigeria/iswap-raid.txt".to_owned()])
    );
    assert_eq!(ids(&t, &["", "--mentioned-actor", "ISIS"]), (0, both));
    // Counts roll up; JSON gives the full path.
    let out = t.run(&["facets", "--field", "actor", "--json"]);
    let values = facet_values(&out, "actor");
    assert!(
        values.contains(&("Islamic State".to_owned(), 2)),
        "{values:?}"
    );
    assert!(
        values.contains(&(
            "Islamic State/Islamic State West Africa Province".to_owned(),
            1
        )),
        "{values:?}"
    );
    // Search JSON: the hit's actors are paths.
    let out = t.run(&["search", "--json", "ISWAP"]);
    let hit = json_lines(&out)
        .into_iter()
        .find(|m| m["type"] == "hit")
        .expect("a hit");
    assert_eq!(
        hit["data"]["actors"],
        serde_json::json!(["Islamic State/Islamic State West Africa Province"])
    );
    assert_eq!(
        hit["data"]["actor_kinds"],
        serde_json::json!(["jihadist group"])
    );
    // Text: the hit names the actor by its own name, the summary the
    // parent with its rolled-up count and its first children.
    let text = stdout(&t.run(&["search", ""]));
    assert!(
        text.contains("· Islamic State West Africa Province\n"),
        "{text}"
    );
    assert!(
        text.contains("Actors: Islamic State 2 (Islamic State West Africa Province 1)"),
        "{text}"
    );
    // `sitrep facets --field actor`: a tree, children indented.
    let tree = stdout(&t.run(&["facets", "--field", "actor"]));
    let lines: Vec<&str> = tree.lines().collect();
    assert!(lines[0].starts_with("Islamic State "), "{tree}");
    assert!(
        lines[1].starts_with("  Islamic State West Africa Province "),
        "{tree}"
    );
}

#[test]
fn actor_kinds_filter_count_and_reject_unknown_kinds() {
    let t = indexed();
    assert_eq!(
        ids(&t, &["", "--actor-kind", "Jihadist Group"]),
        (
            0,
            vec![
                "nigeria/iswap-raid.txt".to_owned(),
                "syria/isis-cell.txt".to_owned()
            ]
        )
    );
    assert_eq!(
        ids(&t, &["", "--actor-kind", "organisation"]),
        (0, vec!["relief.txt".to_owned()])
    );
    // Known to the gazetteers but in no article: nothing found, no error.
    assert_eq!(
        ids(&t, &["", "--actor-kind", "criminal group"]),
        (1, vec![])
    );
    let out = t.run(&["search", "", "--actor-kind", "jihadist grup"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_stderr_has(&out, "jihadist group");
    let out = t.run(&["facets", "--field", "actor-kind", "--json"]);
    let values = facet_values(&out, "actor-kind");
    assert_eq!(
        values,
        [
            ("jihadist group".to_owned(), 2),
            ("organisation".to_owned(), 1)
        ]
    );
    let text = stdout(&t.run(&["search", ""]));
    assert!(
        text.contains("Kinds: jihadist group 2, organisation 1"),
        "{text}"
    );
}

#[test]
fn organisations_are_found_but_not_listed_among_armed_actors() {
    let t = indexed();
    assert_eq!(
        ids(&t, &["", "--actor", "ZRM"]),
        (0, vec!["relief.txt".to_owned()])
    );
    let text = stdout(&t.run(&["search", ""]));
    let actors = text
        .lines()
        .find(|l| l.starts_with("Actors:"))
        .unwrap_or_default();
    assert!(!actors.is_empty(), "{text}");
    assert!(!actors.contains("Zorvanian"), "{actors}");
    // Counted all the same, for programs and `sitrep facets`.
    let out = t.run(&["facets", "--field", "actor", "--json"]);
    let values = facet_values(&out, "actor");
    assert!(
        values.contains(&("Zorvanian Relief Mission".to_owned(), 1)),
        "{values:?}"
    );
}

#[test]
fn an_index_of_the_schema_before_mentions_needs_a_rebuild() {
    let t = indexed();
    // The copy of schema.toml an index built before these fields keeps.
    let path = t.path("index/index-schema/schema.toml");
    let schema = std::fs::read_to_string(&path).expect("schema copy");
    let old = schema
        .split("\n[fields.mentioned_province]")
        .next()
        .unwrap_or_default()
        .replace("version = 5", "version = 4");
    std::fs::write(&path, old).expect("write");
    let stamp = std::fs::read_to_string(t.path("index/sitrep.json")).expect("stamp");
    let mut stamp: serde_json::Value = serde_json::from_str(&stamp).expect("stamp is JSON");
    stamp["schema_version"] = serde_json::json!(4);
    stamp["schema_digest"] = serde_json::json!("0123456789abcdef");
    std::fs::write(t.path("index/sitrep.json"), stamp.to_string()).expect("write");
    for args in [
        &["search", "ISIS"][..],
        &["facets"][..],
        &["show", "relief.txt"][..],
    ] {
        let out = t.run(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_stderr_has(&out, "schema version 4");
        assert_stderr_has(&out, "mentioned_province");
        assert_stderr_has(&out, "sitrep index --rebuild");
        assert!(!stderr(&out).contains("panicked"));
    }
    // `sitrep index` rebuilds it by itself, saying why.
    let out = t
        .cmd(&["index", "corpus"])
        .env("SITREP_SCHEMA", t.path("my-schema"))
        .output()
        .expect("run sitrep");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_stderr_has(&out, "schema changed");
    assert_eq!(
        ids(&t, &["", "--mentioned-province", "Baghdad"]),
        (0, vec!["iraq/anbar-convoy.txt".to_owned()])
    );
}

#[test]
fn reextraction_fills_the_new_facets_too() {
    let t = indexed();
    // Only the gazetteers change: facets are extracted again from the
    // stored articles.
    let actors = t.path("my-schema/gazetteers/actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors.toml");
    std::fs::write(
        &actors,
        format!("{text}\n[[actor]]\nname = \"Quillon Brigade\"\nkind = \"militia\"\n"),
    )
    .expect("write");
    let out = t
        .cmd(&["index", "corpus"])
        .env("SITREP_SCHEMA", t.path("my-schema"))
        .output()
        .expect("run sitrep");
    assert_stderr_has(&out, "extracted the facets");
    assert_eq!(
        ids(&t, &["", "--mentioned-province", "Baghdad"]),
        (0, vec!["iraq/anbar-convoy.txt".to_owned()])
    );
    assert_eq!(
        ids(&t, &["", "--actor-kind", "organisation"]),
        (0, vec!["relief.txt".to_owned()])
    );
    assert_eq!(
        ids(&t, &["", "--actor", "Islamic State"]).1.len(),
        2,
        "the parent still includes its child"
    );
}
