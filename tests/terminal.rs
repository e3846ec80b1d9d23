//! The terminal tool: progress, layout, sorting and time, pictures,
//! exports, help and settings, each tried through the binary.

use std::collections::BTreeMap;

use crate::util::*;

fn small() -> TestDir {
    let t = TestDir::new();
    small_corpus(&t);
    t.index();
    t
}

fn sample() -> TestDir {
    let t = TestDir::new();
    t.copy_sample_corpus();
    t.index();
    t
}

/// Text without ANSI escape sequences.
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ params final-byte
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn indexing_shows_a_progress_bar_only_on_a_terminal() {
    let t = TestDir::new();
    t.copy_sample_corpus();
    // Piped: no bar, only the summary.
    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("files,"), "{}", stderr(&out));
    assert!(stderr(&out).contains("articles in the index"));

    let Some(screen) = t.on_terminal(100, &[], &["index", "corpus", "--rebuild"]) else {
        return;
    };
    assert!(screen.contains(" files, "), "{screen:?}");
    assert!(screen.contains("/s · "), "{screen:?}");
    assert!(screen.contains("left"), "{screen:?}");
    assert!(screen.contains("articles in the index"), "{screen:?}");

    let quiet = t
        .on_terminal(100, &[], &["index", "corpus", "--rebuild", "--quiet"])
        .unwrap_or_default();
    assert!(!quiet.contains(" files, "), "{quiet:?}");
    assert!(!quiet.contains("articles in the index"), "{quiet:?}");
}

#[test]
fn results_fit_the_terminal_and_stay_whole_when_piped() {
    let t = sample();
    let long_title = "Iraq launches offensive to retake Mosul from Islamic State";
    let args = ["search", "Mosul offensive", "-n", "3"];
    let piped = stdout(&t.run(&args));
    assert!(piped.contains(long_title), "{piped}");
    assert!(!piped.contains('\u{1b}'));

    let Some(screen) = t.on_terminal(50, &[], &args) else {
        return;
    };
    let screen = strip_ansi(&screen);
    for line in screen.lines() {
        let width = line.trim_end_matches('\r').chars().count();
        assert!(width <= 50, "{width} columns: {line:?}");
    }
    assert!(!screen.contains(long_title), "{screen}");
    assert!(
        screen.contains("Iraq launches offensive to retake Mosul from…"),
        "{screen}"
    );

    // Colour on a terminal by default, with the query words highlighted…
    let coloured = t.on_terminal(80, &[], &args).unwrap_or_default();
    assert!(coloured.contains("\u{1b}[1;31m"), "{coloured:?}");
    // …and not with NO_COLOR or --color never.
    for (env, extra) in [(&[("NO_COLOR", "1")][..], None), (&[][..], Some("never"))] {
        let mut a = args.to_vec();
        if let Some(when) = extra {
            a.extend(["--color", when]);
        }
        let plain = t.on_terminal(80, env, &a).unwrap_or_default();
        assert!(!plain.contains("\u{1b}[1;31m"), "{plain:?}");
    }
}

fn dates(out: &std::process::Output) -> Vec<Option<String>> {
    json_lines(out)
        .iter()
        .filter(|m| m["type"] == "hit")
        .map(|m| m["data"]["date"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn sort_by_date_puts_the_newest_first_and_undated_last() {
    let t = small();
    let out = t.run(&["search", "", "--sort", "date", "--json", "-n", "100"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = dates(&out);
    assert_eq!(got.len(), 7);
    assert_eq!(got.last(), Some(&None), "undated last: {got:?}");
    let dated: Vec<&String> = got.iter().flatten().collect();
    let mut sorted = dated.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dated, sorted);
    assert_eq!(dated.first().map(|d| d.as_str()), Some("2021-03-03"));
    // Relevance scores are still reported.
    let scores: Vec<f64> = json_lines(&out)
        .iter()
        .filter(|m| m["type"] == "hit")
        .filter_map(|m| m["data"]["score"].as_f64())
        .collect();
    assert_eq!(scores.len(), 7);
}

#[test]
fn since_and_until_take_a_year_a_month_or_a_day() {
    let t = small();
    let within = |since: &str, until: &str| -> Vec<String> {
        let out = t.run(&[
            "search", "", "--since", since, "--until", until, "--json", "-n", "100",
        ]);
        let mut d: Vec<String> = dates(&out).into_iter().flatten().collect();
        d.sort();
        d
    };
    assert_eq!(within("2019", "2019"), ["2019-05-02", "2019-06-10"]);
    assert_eq!(within("2019-06", "2021-02"), ["2019-06-10", "2021-02-14"]);
    assert_eq!(
        within("2021-02-14", "2021-03-03"),
        ["2021-02-14", "2021-03-03"]
    );
    assert_eq!(within("2018-11-10", "2019-05-01"), Vec::<String>::new());
    // Only one bound.
    let out = t.run(&["search", "", "--since", "2021", "--json"]);
    assert_eq!(dates(&out).len(), 2);

    let bad = t.run(&["search", "Mosul", "--since", "March 2021"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("give a year (2021), a month (2021-03), a day"));
    let empty = t.run(&["search", "Mosul", "--since", "2022", "--until", "2021"]);
    assert_eq!(code(&empty), 2);
    assert!(stderr(&empty).contains("--since 2022 is after --until 2021"));
}

#[test]
fn offset_pages_through_the_same_ranking() {
    let t = sample();
    for sort in ["relevance", "date"] {
        let ids = |n: &str, offset: &str| {
            hit_ids(&t.run(&[
                "search", "Iraq", "--json", "--sort", sort, "-n", n, "--offset", offset,
            ]))
        };
        let all = ids("9", "0");
        assert_eq!(all.len(), 9);
        let pages: Vec<String> = [ids("3", "0"), ids("3", "3"), ids("3", "6")].concat();
        assert_eq!(pages, all, "sort {sort}");
    }
    // A huge page holds every match, and a page far past the end is
    // empty, not an allocation failure; articles matched, so the status
    // is 0 (issue 15: it was 1).
    for sort in ["relevance", "date"] {
        for (args, whole_page) in [
            (["-n", "99999999999", "--offset", "0"], true),
            (["-n", "3", "--offset", "99999999999"], false),
        ] {
            let mut a = vec!["search", "Iraq", "--json", "--sort", sort];
            a.extend(args);
            let out = t.run(&a);
            assert_eq!(code(&out), 0, "{a:?}: {}", stderr(&out));
            assert!(stderr(&out).is_empty(), "{a:?}: {}", stderr(&out));
            let lines = json_lines(&out);
            let total = lines.last().unwrap()["data"]["total"].as_u64().unwrap();
            assert!(total > 9, "{a:?}: {total}");
            let shown = hit_ids(&out).len() as u64;
            assert_eq!(shown, if whole_page { total } else { 0 }, "{a:?}");
        }
    }
    let out = t.run(&["search", "Iraq", "-n", "2", "--offset", "4", "--json"]);
    let ranks: Vec<u64> = json_lines(&out)
        .iter()
        .filter(|m| m["type"] == "hit")
        .filter_map(|m| m["data"]["rank"].as_u64())
        .collect();
    assert_eq!(ranks, [5, 6]);
}

#[test]
fn the_year_timeline_is_a_bar_chart_with_every_year() {
    let t = small();
    let out = t.run(&["facets", "--field", "year"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("20")).collect();
    let years: Vec<&str> = rows.iter().map(|l| &l[..4]).collect();
    assert_eq!(years, ["2017", "2018", "2019", "2020", "2021"], "{text}");
    // Bars as long as the counts: 2019 and 2021 have two articles each,
    // 2017 and 2018 one; an empty year has no bar.
    let bar_len = |l: &str| l.chars().filter(|&c| c == '█').count();
    let bar = |year: &str| {
        rows.iter()
            .find(|l| l.starts_with(year))
            .map_or(0, |l| bar_len(l))
    };
    assert_eq!(bar("2019"), bar("2021"), "{text}");
    assert_eq!(bar("2017"), bar("2018"), "{text}");
    assert!(bar("2019") > bar("2017") && bar("2017") > 0, "{text}");
    let empty = rows
        .iter()
        .find(|l| l.starts_with("2020"))
        .copied()
        .unwrap_or("");
    assert_eq!(bar_len(empty), 0, "{empty}");
    assert!(empty.trim_end().ends_with(" 0"), "{empty}");
    assert!(
        text.contains("7 articles, 2017 to 2021; 1 undated."),
        "{text}"
    );

    // By month, as CSV: every month from the first to the last.
    let csv = stdout(&t.run(&[
        "facets", "--field", "year", "--by", "month", "--format", "csv",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.first(), Some(&"month,count"));
    assert_eq!(lines.get(1), Some(&"2017-06,1"));
    assert!(lines.contains(&"2019-05,1") && lines.contains(&"2020-01,0"));
    assert_eq!(lines.last(), Some(&"undated,1"));
    // 2017-06 to 2021-03 is 46 months.
    assert_eq!(lines.len(), 1 + 46 + 1);
    let total: u64 = lines[1..]
        .iter()
        .filter_map(|l| l.split(',').nth(1)?.parse::<u64>().ok())
        .sum();
    assert_eq!(total, 7);

    // The span asked for is drawn whole.
    let span = stdout(&t.run(&[
        "facets", "--field", "year", "--since", "2015", "--until", "2022",
    ]));
    let years: Vec<&str> = span
        .lines()
        .filter(|l| l.starts_with("20"))
        .map(|l| &l[..4])
        .collect();
    assert_eq!(
        years,
        ["2015", "2016", "2017", "2018", "2019", "2020", "2021", "2022"],
        "{span}"
    );

    // For a query.
    let q = stdout(&t.run(&["facets", "Kirkuk", "--field", "year"]));
    assert!(
        q.contains("2 articles with the word, 2019; 0 undated."),
        "{q}"
    );
}

#[test]
fn actor_by_province_table_counts_articles_with_both() {
    let t = sample();
    let facts = facts_by_extract(&t);
    let out = t.run(&[
        "facets",
        "--field",
        "actor",
        "--by",
        "province",
        "--format",
        "json",
        "--top",
        "5",
        "--columns",
        "4",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let table = &json_lines(&out)[0]["data"];
    let rows: Vec<&str> = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_str().unwrap())
        .collect();
    let columns: Vec<&str> = table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_str().unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(columns.len(), 4);
    for (r, actor) in rows.iter().enumerate() {
        for (c, province) in columns.iter().enumerate() {
            let expected = facts
                .values()
                .filter(|(provinces, actors)| {
                    actors.iter().any(|a| a == actor) && provinces.iter().any(|p| p == province)
                })
                .count() as u64;
            assert_eq!(
                table["cells"][r][c].as_u64(),
                Some(expected),
                "{actor} × {province}"
            );
        }
    }
    // As text: a header of short province names, a row per actor.
    let text = stdout(&t.run(&[
        "facets", "--field", "actor", "--by", "province", "--top", "5",
    ]));
    assert!(
        text.lines().nth(1).is_some_and(|l| l.starts_with(rows[0])),
        "{text}"
    );
    assert!(text.contains("Nineveh") && !text.lines().next().unwrap_or("").contains("Iraq/"));
    assert!(text.contains("Top 5 of "), "{text}");
    // As CSV, full names.
    let csv = stdout(&t.run(&[
        "facets", "--field", "actor", "--by", "province", "--format", "csv", "--top", "3",
    ]));
    assert!(csv.starts_with("actor,"), "{csv}");
    assert!(csv.contains("Iraq/Nineveh"));
    assert_eq!(csv.lines().count(), 4);

    let same = t.run(&["facets", "--field", "actor", "--by", "actor"]);
    assert_eq!(code(&same), 2);
    let month = t.run(&["facets", "--field", "actor", "--by", "month"]);
    assert_eq!(code(&month), 2);
    assert!(stderr(&month).contains("--by month goes with --field year"));
}

/// Provinces and actors of every article, by id, from `sitrep extract`.
fn facts_by_extract(t: &TestDir) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let out = t.run(&["extract", "corpus", "--json"]);
    json_lines(&out)
        .iter()
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
                a["id"].as_str().unwrap_or_default().to_owned(),
                (list("provinces"), list("actors")),
            )
        })
        .collect()
}

/// Splits CSV text into records (RFC 4180 quoting).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

#[test]
fn csv_export_has_one_row_per_hit() {
    let t = small();
    t.write(
        "tricky.txt",
        "date: 2020-01-05\n\n=HYPERLINK(\"x\"), \"quoted\" Mosul title\nISIS struck again in Mosul.\n",
    );
    t.index();
    let out = t.run(&["search", "Mosul", "--format", "csv", "-n", "50"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.ends_with("\r\n"), "RFC 4180 line ends");
    let records = parse_csv(&text);
    assert_eq!(
        records[0],
        [
            "id",
            "date",
            "title",
            "provinces",
            "actors",
            "path",
            "score"
        ]
    );
    let json_ids = hit_ids(&t.run(&["search", "Mosul", "--json", "-n", "50"]));
    let csv_ids: Vec<&str> = records[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(csv_ids, json_ids);
    for r in &records[1..] {
        assert_eq!(r.len(), 7, "{r:?}");
        assert!(r[6].parse::<f64>().is_ok(), "score {r:?}");
    }
    let tricky = records
        .iter()
        .find(|r| r[0] == "tricky.txt")
        .expect("tricky row");
    // A formula is neutralised; quotes and commas survive.
    assert_eq!(tricky[2], "'=HYPERLINK(\"x\"), \"quoted\" Mosul title");
    assert_eq!(tricky[1], "2020-01-05");
    assert!(tricky[3].contains("Iraq/Nineveh"));
    // Several values in one cell.
    let cell = records
        .iter()
        .find(|r| r[0] == "iraq/2021-03-03-mosul-cell.txt")
        .expect("mosul row");
    assert!(cell[4].contains("Islamic State"));

    let facets = stdout(&t.run(&["facets", "--field", "actor", "--format", "csv"]));
    assert!(facets.starts_with("actor,count\r\n"), "{facets}");
    assert!(facets.contains("Islamic State,"), "{facets}");
}

#[test]
fn help_gives_defaults_and_examples_for_every_flag() {
    let t = TestDir::new();
    for command in [
        &["index"][..],
        &["search"],
        &["facets"],
        &["extract"],
        &["show"],
        &["stats"],
        &["gazetteer", "check"],
        &["completions"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = stdout(&t.run(&args));
        // Every option's long help block has an example or names its default.
        let mut blocks: Vec<String> = Vec::new();
        for line in help.lines() {
            let indent = line.len() - line.trim_start().len();
            if (1..=6).contains(&indent) && line.trim_start().starts_with('-') {
                blocks.push(line.to_owned());
            } else if let Some(block) = blocks.last_mut() {
                block.push('\n');
                block.push_str(line);
            }
        }
        assert!(!blocks.is_empty(), "{help}");
        for block in &blocks {
            let name = block.lines().next().unwrap_or_default();
            if name.contains("--help") {
                continue;
            }
            let teaches = block.contains("Example")
                || block.contains("[default:")
                || block.contains("example")
                || block.contains("Possible values");
            assert!(
                teaches,
                "sitrep {command:?}: {name:?} has no default or example:\n{block}"
            );
        }
    }
    let search = stdout(&t.run(&["search", "--help"]));
    assert!(search.contains("[default: 10]") && search.contains("SITREP_LIMIT"));
    let top = stdout(&t.run(&["--help"]));
    assert!(top.contains("Examples:") && top.contains("sitrep facets --field year --by month"));
    let typo = t.run(&["serach", "Mosul"]);
    assert_eq!(code(&typo), 2);
    assert!(stderr(&typo).contains("search"), "{}", stderr(&typo));
}

#[test]
fn settings_come_from_flags_then_environment_then_config_file() {
    let t = small();
    let config = t.path("config/sitrep/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    // The config file names the index by a path relative to itself.
    std::fs::write(
        &config,
        "index = \"../../index\"\nlimit = 2\ncolor = \"always\"\n",
    )
    .unwrap();
    let search = |extra_env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = t.cmd(&["search", ""]);
        cmd.env_remove("SITREP_INDEX");
        cmd.args(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd.output().expect("run")
    };
    let from_file = search(&[], &[]);
    assert_eq!(code(&from_file), 0, "{}", stderr(&from_file));
    let text = stdout(&from_file);
    assert!(text.contains("; 2 shown."), "{text}");
    assert!(text.contains("\u{1b}["), "colour from the file: {text:?}");

    let from_env = search(&[("SITREP_LIMIT", "1"), ("SITREP_COLOR", "never")], &[]);
    let text = stdout(&from_env);
    assert!(
        text.contains("; 1 shown.") && !text.contains('\u{1b}'),
        "{text}"
    );

    let from_flags = search(
        &[("SITREP_LIMIT", "1"), ("SITREP_COLOR", "always")],
        &["-n", "3", "--color", "never"],
    );
    let text = stdout(&from_flags);
    assert!(
        text.contains("; 3 shown.") && !text.contains('\u{1b}'),
        "{text}"
    );

    let bad_env = search(&[("SITREP_LIMIT", "ten")], &[]);
    assert_eq!(code(&bad_env), 2);
    assert!(stderr(&bad_env).contains("SITREP_LIMIT"));

    std::fs::write(&config, "limit = 2\nlimt = 3\n").unwrap();
    let bad = search(&[], &[]);
    assert_eq!(code(&bad), 2);
    let message = stderr(&bad);
    assert!(message.contains("config.toml:2"), "{message}");
    assert!(message.contains("limt"), "{message}");

    // SITREP_CONFIG names the file explicitly.
    let elsewhere = t.path("my-settings.toml");
    std::fs::write(
        &elsewhere,
        format!("index = {:?}\nlimit = 1\n", t.path("index")),
    )
    .unwrap();
    let chosen = search(&[("SITREP_CONFIG", elsewhere.to_str().unwrap())], &[]);
    assert!(
        stdout(&chosen).contains("; 1 shown."),
        "{}",
        stderr(&chosen)
    );
}

/// Issue 15, item 10: at 80 columns a hit with many places pushed its
/// actors off the line. Places and actors each keep a line when they do
/// not fit on one, cut between two values with the number left out.
#[test]
fn a_hit_shows_its_places_and_its_actors_at_any_width() {
    let t = TestDir::new();
    t.write(
        "war.txt",
        "date: 2024-05-01\n\nFighting spreads from Mosul to Raqqa\nIslamic State fighters attacked in Mosul, Kirkuk, Tikrit, Ramadi, Fallujah, Baqubah and Samarra, and in Raqqa, Deir ez-Zor, Aleppo and Idlib. The Iraqi Army, the Peshmerga, the Popular Mobilization Forces, the Syrian Democratic Forces, Hayat Tahrir al-Sham and the Syrian Arab Army fought back.\n",
    );
    t.index();
    let places = [
        "Iraq/Nineveh",
        "Syria/Raqqa",
        "Iraq/Kirkuk",
        "Iraq/Salahuddin",
        "Iraq/Anbar",
        "Iraq/Diyala",
        "Syria/Deir ez-Zor",
        "Syria/Aleppo",
        "Syria/Idlib",
    ];
    let actors = [
        "Islamic State",
        "Iraqi Army",
        "Peshmerga",
        "Popular Mobilization Forces",
        "Syrian Democratic Forces",
        "Hayat Tahrir al-Sham",
        "Syrian Arab Army",
    ];
    // Piped: one line, whole.
    let piped = stdout(&t.run(&["search", "Fighting spreads"]));
    let whole = format!(
        "    2024-05-01 · {} · {}\n",
        places.join(", "),
        actors.join(", ")
    );
    assert!(piped.contains(&whole), "{piped}");

    // The values shown, and how many the line says it left out.
    let values = |line: &str| -> (Vec<String>, usize) {
        let mut shown: Vec<String> = line.split(", ").map(str::to_owned).collect();
        let more = match shown.last().and_then(|l| l.strip_prefix("… (+")) {
            Some(n) => n.trim_end_matches(')').parse().unwrap_or(usize::MAX),
            None => 0,
        };
        if more > 0 {
            shown.pop();
        }
        (shown, more)
    };
    for width in [60, 80, 120] {
        let Some(screen) = t.on_terminal(
            width,
            &[],
            &["search", "Fighting spreads", "--color", "never"],
        ) else {
            return;
        };
        let lines: Vec<&str> = screen.lines().map(|l| l.trim_end_matches('\r')).collect();
        for line in &lines {
            assert!(line.chars().count() <= width, "{width}: {line:?}");
        }
        let title = lines
            .iter()
            .position(|l| l.contains("Fighting spreads"))
            .expect("the hit");
        let place_line = lines
            .get(title + 1)
            .and_then(|l| l.strip_prefix("    2024-05-01 · "))
            .unwrap_or_else(|| panic!("{width}: no date and places:\n{screen}"));
        let actor_line = lines
            .get(title + 2)
            .and_then(|l| l.strip_prefix("    "))
            .unwrap_or_default();
        for (line, all) in [(place_line, &places[..]), (actor_line, &actors[..])] {
            let (shown, more) = values(line);
            assert!(!shown.is_empty(), "{width}: {line:?}");
            // Whole values, the first ones, and the right number left out.
            assert_eq!(shown, all[..shown.len()], "{width}: {line:?}");
            assert_eq!(shown.len() + more, all.len(), "{width}: {line:?}");
        }
    }
}

/// Issue 15, item 10: `--by year` tables ordered years by count, not by
/// time; a row whose values all lay in columns left out filled the table
/// with empty cells (Houthis × the top provinces, none in Yemen).
#[test]
fn tables_order_years_by_time_and_have_no_empty_row() {
    let t = sample();
    let table = |args: &[&str]| {
        let mut a = vec!["facets", "--format", "json"];
        a.extend(args);
        let out = t.run(&a);
        assert_eq!(code(&out), 0, "{a:?}: {}", stderr(&out));
        json_lines(&out)[0]["data"].clone()
    };
    let values = |side: &serde_json::Value| -> Vec<String> {
        side.as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .filter_map(|v| v["value"].as_str().map(str::to_owned))
            .collect()
    };
    let latest = dates_in_index(&t);
    for (args, side) in [
        (&["--field", "actor", "--by", "year"][..], "columns"),
        (
            &["--field", "province", "--by", "year", "--country", "Iraq"],
            "columns",
        ),
        (&["--field", "year", "--by", "actor", "--top", "4"], "rows"),
    ] {
        let data = table(args);
        let got = values(&data[side]);
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(got, sorted, "{args:?}: years by time");
        assert!(got.len() > 2, "{args:?}: {got:?}");
        // The latest years are kept.
        if !args.contains(&"--country") {
            assert_eq!(got.last(), latest.as_ref(), "{args:?}");
        }
    }
    for args in [
        &["--field", "actor", "--by", "province"][..],
        &["--field", "actor", "--by", "year"],
        &["--field", "province", "--by", "year", "--country", "Iraq"],
        &["--field", "actor", "--by", "province", "--country", "Syria"],
    ] {
        let data = table(args);
        let cells = data["cells"].as_array().cloned().unwrap_or_default();
        assert!(!cells.is_empty(), "{args:?}");
        for (r, row) in cells.iter().enumerate() {
            let sum: u64 = row
                .as_array()
                .map(|r| r.iter().filter_map(|n| n.as_u64()).sum())
                .unwrap_or(0);
            assert!(sum > 0, "{args:?}: row {} is empty", data["rows"][r]);
        }
    }
    // On a narrow terminal, fewer columns: still no empty row, and of
    // years the latest.
    for args in [
        &["facets", "--field", "actor", "--by", "province"][..],
        &["facets", "--field", "actor", "--by", "year"],
    ] {
        let Some(screen) = t.on_terminal(50, &[], args) else {
            return;
        };
        let screen = strip_ansi(&screen);
        let lines: Vec<&str> = screen.lines().map(|l| l.trim_end_matches('\r')).collect();
        let body = &lines[1..lines.len() - 1];
        assert!(!body.is_empty(), "{screen}");
        for line in body {
            assert!(
                line.chars().any(|c| c.is_ascii_digit()),
                "empty row: {line:?}\n{screen}"
            );
        }
        if args.contains(&"year") {
            let header = lines[0].split_whitespace().last().map(str::to_owned);
            assert_eq!(header, latest, "{screen}");
        }
    }
}

/// The latest publication year in the index.
fn dates_in_index(t: &TestDir) -> Option<String> {
    let out = t.run(&["facets", "--field", "year", "--format", "json"]);
    json_lines(&out)[0]["data"]["periods"]
        .as_array()
        .and_then(|p| p.last())
        .and_then(|p| p["period"].as_str().map(str::to_owned))
}
