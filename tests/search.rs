use std::collections::{BTreeMap, BTreeSet};

use crate::util::*;

fn sample() -> TestDir {
    let t = TestDir::new();
    t.copy_sample_corpus();
    t.index();
    t
}

const SEED: &str = "iraq/iraqi-security-arrests-32-isis-elements.txt";

#[test]
fn isis_in_ninawa_finds_the_seed_article() {
    let t = sample();
    let out = t.run(&[
        "search",
        "ISIS",
        "--province",
        "Ninawa",
        "--json",
        "--limit",
        "100",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        hit_ids(&out).contains(&SEED.to_owned()),
        "{:?}",
        hit_ids(&out)
    );
}

#[test]
fn text_output_shows_title_date_places_actors_and_snippet() {
    let t = sample();
    let out = t.run(&["search", "32 ISIS elements", "--limit", "1"]);
    let text = stdout(&out);
    assert!(
        text.contains(" 1. Iraqi security arrests 32 ISIS elements"),
        "{text}"
    );
    assert!(text.contains("undated"), "{text}");
    assert!(text.contains("Iraq/Nineveh"), "{text}");
    assert!(text.contains("Islamic State"), "{text}");
    assert!(text.contains(SEED), "{text}");
    // Piped: no colour codes.
    assert!(!text.contains('\u{1b}'), "{text}");
    let coloured = stdout(&t.run(&["search", "ISIS", "--limit", "1", "--color", "always"]));
    assert!(coloured.contains("\u{1b}[1;31m"), "{coloured}");
}

/// The hits of a few queries as JSON, without the timing.
fn hits_json(t: &TestDir) -> Vec<serde_json::Value> {
    let mut hits = Vec::new();
    for query in ["ISIS", "Mosul", "killed", "drone strike", "Houthis", ""] {
        let out = t.run(&["search", query, "--json", "--limit", "100"]);
        assert_eq!(code(&out), 0, "{query}: {}", stderr(&out));
        hits.extend(json_lines(&out).into_iter().filter(|m| m["type"] == "hit"));
    }
    hits
}

#[test]
fn hits_show_what_was_indexed_whatever_became_of_the_files() {
    let t = sample();
    let indexed = hits_json(&t);
    assert!(indexed.len() > 50, "{}", indexed.len());
    // Rewritten since indexing, with the same size and modification time:
    // hits still show what was indexed.
    for entry in walkdir::WalkDir::new(t.corpus()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let meta = entry.metadata().unwrap();
            let bytes = std::fs::read(entry.path()).unwrap();
            let swapped: Vec<u8> = bytes
                .iter()
                .map(|b| {
                    if b.is_ascii_lowercase() {
                        b.to_ascii_uppercase()
                    } else {
                        *b
                    }
                })
                .collect();
            std::fs::write(entry.path(), swapped).unwrap();
            std::fs::File::options()
                .append(true)
                .open(entry.path())
                .unwrap()
                .set_modified(meta.modified().unwrap())
                .unwrap();
        }
    }
    assert_eq!(hits_json(&t), indexed);
    // Gone: the index's copy still shows every hit whole.
    std::fs::remove_dir_all(t.corpus()).unwrap();
    assert_eq!(hits_json(&t), indexed);
}

/// An article's id, places, actors and year.
type Fact = (String, Vec<String>, Vec<String>, Option<u64>);

/// Province, actor and year of every article, read through `extract`.
fn facts(t: &TestDir) -> Vec<Fact> {
    json_lines(&t.run(&["extract", "corpus", "--json"]))
        .into_iter()
        .map(|a| {
            let list = |k: &str| -> Vec<String> {
                a[k].as_array()
                    .map(|v| {
                        v.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            (
                a["id"].as_str().unwrap().to_owned(),
                list("provinces"),
                list("actors"),
                a["year"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn filters_or_within_a_kind_and_across_kinds() {
    let t = sample();
    let facts = facts(&t);
    let mut expected: Vec<String> = facts
        .iter()
        .filter(|(_, p, a, _)| {
            let place = p.iter().any(|p| p == "Iraq/Nineveh" || p == "Iraq/Kirkuk");
            place && a.iter().any(|a| a == "Islamic State")
        })
        .map(|f| f.0.clone())
        .collect();
    expected.sort();
    let out = t.run(&[
        "search",
        "",
        "--province",
        "ninewa",
        "--province",
        "KIRKUK",
        "--actor",
        "daesh",
        "--json",
        "--limit",
        "1000",
    ]);
    let mut got = hit_ids(&out);
    got.sort();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);

    let by_year: Vec<String> = facts
        .iter()
        .filter(|f| f.3 == Some(2017))
        .map(|f| f.0.clone())
        .collect();
    let mut got = hit_ids(&t.run(&["search", "", "--year", "2017", "--json", "--limit", "1000"]));
    got.sort();
    let mut want = by_year;
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn facet_counts_equal_counts_from_extract() {
    let t = sample();
    let facts = facts(&t);
    let mut provinces: BTreeMap<String, u64> = BTreeMap::new();
    let mut actors: BTreeMap<String, u64> = BTreeMap::new();
    for (_, p, a, _) in &facts {
        for p in p.iter().filter(|p| p.contains('/')) {
            *provinces.entry(p.clone()).or_default() += 1;
        }
        // A parent's count rolls up its children's articles, each once.
        let mut steps: BTreeSet<String> = BTreeSet::new();
        for a in a {
            let mut path = String::new();
            for step in a.split('/') {
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(step);
                steps.insert(path.clone());
            }
        }
        for step in steps {
            *actors.entry(step).or_default() += 1;
        }
    }
    for (field, want) in [("province", provinces), ("actor", actors)] {
        let out = t.run(&["facets", "--field", field, "--json"]);
        let msg = &json_lines(&out)[0];
        let got: BTreeMap<String, u64> = msg["data"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["value"].as_str().unwrap().to_owned(),
                    v["count"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, want, "{field}");
    }
}

/// The values of the `field` facet of a `--json` search, with their counts.
fn facet_counts(lines: &[serde_json::Value], field: &str) -> BTreeMap<String, u64> {
    let facet = lines
        .iter()
        .find(|m| m["type"] == "facet" && m["data"]["field"] == field)
        .unwrap_or_else(|| panic!("no {field} facet in {lines:?}"));
    facet["data"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_owned(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn search_facets_count_all_matches_not_just_the_page() {
    // Twelve articles about a convoy, with known years, places and actors,
    // and three others that must not be counted.
    let t = TestDir::new();
    let convoys: [(&str, &str, bool); 12] = [
        ("2015-01-10", "Mosul", true),
        ("2015-02-11", "Mosul", true),
        ("2015-03-12", "Mosul", false),
        ("2015-04-13", "Kirkuk", true),
        ("2015-05-14", "Kirkuk", false),
        ("2016-01-15", "Mosul", true),
        ("2016-02-16", "Mosul", false),
        ("2016-03-17", "Kirkuk", true),
        ("2016-04-18", "Kirkuk", false),
        ("2017-01-19", "Mosul", true),
        ("2017-02-20", "Kirkuk", false),
        ("", "Mosul", false),
    ];
    for (n, (date, place, isis)) in convoys.iter().enumerate() {
        let header = if date.is_empty() {
            String::new()
        } else {
            format!("date: {date}\n\n")
        };
        let by = if *isis { " by ISIS fighters" } else { "" };
        t.write(
            &format!("convoy-{n:02}.txt"),
            format!("{header}Convoy attacked near {place}\nA supply convoy was attacked near {place}{by}.\n"),
        );
    }
    for n in 0..3 {
        t.write(
            &format!("other-{n}.txt"),
            format!("date: 2015-06-0{}\n\nMarket bombing near Mosul\nA bomb hit a market near Mosul; ISIS claimed it.\n", n + 1),
        );
    }
    t.index();

    let out = t.run(&["search", "convoy", "--limit", "2", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = json_lines(&out);
    // The page is much smaller than the matches.
    assert_eq!(hit_ids(&out).len(), 2);
    let summary = lines.iter().find(|m| m["type"] == "summary").unwrap();
    assert_eq!(summary["data"]["total"], 12, "{summary}");
    assert_eq!(summary["data"]["counted"], "all", "{summary}");

    let want = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
        pairs.iter().map(|(v, n)| ((*v).to_owned(), *n)).collect()
    };
    assert_eq!(
        facet_counts(&lines, "year"),
        want(&[("2015", 5), ("2016", 4), ("2017", 2)])
    );
    assert_eq!(
        facet_counts(&lines, "province"),
        want(&[("Iraq/Nineveh", 7), ("Iraq/Kirkuk", 5)])
    );
    assert_eq!(facet_counts(&lines, "actor"), want(&[("Islamic State", 6)]));
}

#[test]
fn long_natural_query_fills_the_page_with_partial_matches() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&[
        "search",
        "hunt for the bombers of the Kirkuk checkpoint",
        "--json",
    ]);
    assert_eq!(code(&out), 0);
    let lines = json_lines(&out);
    let hits: Vec<&serde_json::Value> = lines.iter().filter(|m| m["type"] == "hit").collect();
    let ids: Vec<&str> = hits
        .iter()
        .map(|h| h["data"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        &ids[..2],
        ["iraq/kirkuk-hunt.txt", "iraq/kirkuk-checkpoint.txt"]
    );
    assert!(hits
        .iter()
        .all(|h| h["data"]["match"] == "partial" || h["data"]["id"] == "iraq/kirkuk-hunt.txt"));
    // --all keeps only articles with every word.
    let all = t.run(&[
        "search",
        "hunt for the bombers of the Kirkuk checkpoint",
        "--all",
        "--json",
    ]);
    assert_eq!(code(&all), 1);
}

#[test]
fn stop_words_never_make_a_query_fail() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&["search", "the Marib drone", "--all", "--json"]);
    assert_eq!(code(&out), 1, "--all needs every word, `the` included");
    let out = t.run(&["search", "the Marib drone", "--json"]);
    assert_eq!(hit_ids(&out)[0], "ye-1");
    let hits = json_lines(&out);
    assert_eq!(hits[0]["data"]["match"], "all");
}

#[test]
fn query_syntax_phrases_exclusion_and_fields() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    assert_eq!(
        hit_ids(&t.run(&["search", "\"car bomb\"", "--json"])),
        vec!["iraq/kirkuk-checkpoint.txt"]
    );
    let ids = hit_ids(&t.run(&["search", "Kirkuk -checkpoint", "--json", "--all"]));
    assert!(ids.is_empty(), "{ids:?}");
    assert_eq!(
        hit_ids(&t.run(&["search", "title:raqqa", "--json"])),
        vec!["syria/raqqa.md"]
    );
    assert_eq!(
        hit_ids(&t.run(&["search", "Marib OR Raqqa", "--json"])).len(),
        2
    );
}

#[test]
fn exit_codes_follow_grep() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    assert_eq!(code(&t.run(&["search", "Mosul"])), 0);
    assert_eq!(code(&t.run(&["search", "zanzibar"])), 1);
    let broken = t.run(&["search", "\"unclosed"]);
    assert_eq!(code(&broken), 2);
    assert!(
        stderr(&broken).contains("double quote"),
        "{}",
        stderr(&broken)
    );
    assert!(!stderr(&broken).contains("panicked"));
    // A colon after a name that is no field is text (issue 15).
    let nofield = t.run(&["search", "nosuchfield:x"]);
    assert_eq!(code(&nofield), 1, "{}", stderr(&nofield));
    assert!(stderr(&nofield).is_empty(), "{}", stderr(&nofield));
}

#[test]
fn unknown_filter_value_suggests_the_closest() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&["search", "x", "--province", "Ninevva"]);
    assert_eq!(code(&out), 2);
    assert_stderr_has(&out, "Iraq/Nineveh");
    let out = t.run(&["search", "x", "--year", "last"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn city_filter_and_country_filter() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let mut ids = hit_ids(&t.run(&["search", "", "--province", "Mosul", "--json"]));
    ids.sort();
    assert_eq!(ids, vec!["iraq/2021-03-03-mosul-cell.txt", "undated.txt"]);
    let ids = hit_ids(&t.run(&["search", "", "--country", "yemen", "--json"]));
    assert_eq!(ids.len(), 2);
}

#[test]
fn alias_in_the_query_finds_articles_tagged_under_another_name() {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    let out = t.run(&["search", "Daesh", "--json", "--all"]);
    let ids = hit_ids(&out);
    assert!(
        ids.contains(&"iraq/2021-03-03-mosul-cell.txt".to_owned()),
        "{ids:?}"
    );
    assert_eq!(
        ids[0], "iraq/kirkuk-checkpoint.txt",
        "the article with the word itself ranks first"
    );
    let summary = json_lines(&out).pop().unwrap();
    assert_eq!(summary["data"]["expansions"][0]["value"], "Islamic State");
    let text = stdout(&t.run(&["search", "Daesh"]));
    assert!(
        text.contains("also matched articles tagged actor Islamic State"),
        "{text}"
    );
    let plain = hit_ids(&t.run(&["search", "Daesh", "--json", "--all", "--no-expand"]));
    assert_eq!(plain, vec!["iraq/kirkuk-checkpoint.txt"]);
}

#[test]
fn completions_and_man_page_come_from_the_definitions() {
    let t = TestDir::new();
    for (shell, needle) in [
        ("bash", "_sitrep()"),
        ("zsh", "#compdef sitrep"),
        ("fish", "complete -c sitrep"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = t.run(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}");
        let script = stdout(&out);
        assert!(
            script.contains(needle),
            "{shell}: {}",
            &script[..script.len().min(300)]
        );
        assert!(script.contains("province"), "{shell}");
    }
    let man = stdout(&t.run(&["man"]));
    assert!(man.contains(".TH sitrep"), "{}", &man[..man.len().min(300)]);
    assert!(man.contains("search"));
}

#[test]
fn output_cut_short_by_head_exits_quietly() {
    use std::io::Read;
    let t = TestDir::new();
    // Enough output to overflow a pipe's buffer (64 KiB on Linux).
    for n in 0..400 {
        t.write(
            &format!("a/{n:03}.txt"),
            format!(
                "Report {n} from Mosul\n{}\n",
                "Forces in Mosul reported clashes near the old city. ".repeat(6)
            ),
        );
    }
    t.index();
    let mut child = t
        .process(&["search", "Mosul", "--limit", "400"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then close the pipe, as `head -1` does.
    let mut first = [0u8; 8];
    let _ = child.stdout.as_mut().unwrap().read(&mut first);
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.code() == Some(0), "{status:?} {err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn the_name_table_answers_as_the_gazetteers_do() {
    let t = sample();
    let table = t.path("index/names.tsv");
    assert!(table.is_file(), "the indexer writes a name table");
    let queries: [&[&str]; 4] = [
        &[
            "search",
            "Daesh",
            "--province",
            "Ninawa",
            "--json",
            "-n",
            "50",
        ],
        &[
            "search",
            "Houthis",
            "--actor",
            "ansar allah",
            "--json",
            "-n",
            "50",
        ],
        &["search", "", "--country", "Iraqi", "--json", "-n", "50"],
        &[
            "search",
            "",
            "--province",
            "Iraq/Nineveh",
            "--json",
            "-n",
            "50",
        ],
    ];
    let with_table: Vec<Vec<String>> = queries.iter().map(|q| hit_ids(&t.run(q))).collect();
    assert!(
        with_table.iter().all(|ids| !ids.is_empty()),
        "{with_table:?}"
    );
    // An unknown value still gets suggestions (the gazetteers are loaded
    // for it).
    let unknown = t.run(&["search", "x", "--province", "Ninawwa"]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("Iraq/Nineveh"),
        "{}",
        stderr(&unknown)
    );

    // A table of other gazetteers (or garbage) is not used: the answers
    // come from the gazetteers themselves, and are the same.
    std::fs::write(
        &table,
        "sitrep name table 1 0000000000000000\nninawa\t\t\tSyria/Raqqa\t\n",
    )
    .unwrap();
    let without: Vec<Vec<String>> = queries.iter().map(|q| hit_ids(&t.run(q))).collect();
    assert_eq!(with_table, without);
    // The next run of the indexer writes it again.
    t.index();
    let table_text = std::fs::read_to_string(&table).unwrap();
    assert!(!table_text.contains("0000000000000000"));
}
