//! `sitrep index` killed with SIGKILL at any moment leaves an index that
//! opens and searches, and the next run ends with exactly the right
//! articles: none lost, none twice.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::util::*;

const PLACES: [&str; 6] = ["Mosul", "Raqqa", "Kirkuk", "Marib", "Kandahar", "Goma"];

fn article(n: usize, version: usize) -> String {
    let place = PLACES[n % PLACES.len()];
    format!(
        "date: 20{:02}-0{}-1{}\n\nReport {n} from {place}, version {version}\nForces in {place} said patrol {n} met resistance; report {n} revision {version}.\n",
        14 + n % 12,
        1 + n % 9,
        n % 9
    )
}

fn all_ids(t: &TestDir) -> Vec<String> {
    let out = t.run(&["search", "", "--limit", "100000", "--json"]);
    assert!(code(&out) <= 1, "search failed: {}", stderr(&out));
    hit_ids(&out)
}

#[test]
fn killed_at_any_moment_the_index_opens_and_the_next_run_is_exact() {
    let t = TestDir::new();
    for n in 0..1200 {
        t.write(&format!("batch-{}/{n:05}.txt", n / 100), article(n, 1));
    }
    t.index();
    assert_eq!(all_ids(&t).len(), 1200);

    // New, changed and deleted files for the runs to come.
    for n in 1200..1700 {
        t.write(&format!("batch-{}/{n:05}.txt", n / 100), article(n, 1));
    }
    for n in (0..1200).step_by(7) {
        t.write(&format!("batch-{}/{n:05}.txt", n / 100), article(n, 2));
    }
    let mut expected: BTreeSet<String> = (0..1700)
        .map(|n| format!("batch-{}/{n:05}.txt", n / 100))
        .collect();
    for n in (3..1200).step_by(11) {
        let rel = format!("batch-{}/{n:05}.txt", n / 100);
        std::fs::remove_file(t.corpus().join(&rel)).unwrap();
        expected.remove(&rel);
    }

    let delays = [0u64, 3, 10, 25, 50, 90, 150, 250, 400, 700];
    for (round, delay) in delays.iter().enumerate() {
        let args: &[&str] = if round % 3 == 2 {
            &["index", "corpus", "--rebuild"]
        } else {
            &["index", "corpus"]
        };
        let mut child = t.process(args).spawn().expect("spawn sitrep");
        std::thread::sleep(Duration::from_millis(*delay));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // Whatever the moment, the index opens and answers.
        let stats = t.run(&["stats", "--json"]);
        assert_eq!(code(&stats), 0, "round {round}: {}", stderr(&stats));
        let ids = all_ids(&t);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "round {round}: an article is there twice"
        );
    }

    let out = t.run(&["index", "corpus"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let ids = all_ids(&t);
    let got: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(got.len(), ids.len(), "an article is there twice");
    assert_eq!(got, expected);
    // Changed files carry their new text.
    let changed = hit_ids(&t.run(&[
        "search",
        "\"revision 2\"",
        "--json",
        "--limit",
        "1000",
        "--all",
    ]));
    let want = (0..1200).step_by(7).filter(|n| (n % 11) != 3).count();
    assert_eq!(changed.len(), want);
}

#[test]
fn searches_during_an_index_run_see_the_last_commit() {
    let t = TestDir::new();
    for n in 0..1000 {
        t.write(&format!("batch-{}/{n:05}.txt", n / 100), article(n, 1));
    }
    t.index();
    for n in 1000..1600 {
        t.write(&format!("batch-{}/{n:05}.txt", n / 100), article(n, 1));
    }
    let total = |t: &TestDir| -> Option<u64> {
        let out = t.run(&["search", "", "--limit", "1", "--json"]);
        assert!(
            code(&out) <= 1,
            "search failed during indexing: {}",
            stderr(&out)
        );
        json_lines(&out)
            .iter()
            .find(|m| m["type"] == "summary")
            .and_then(|m| m["data"]["total"].as_u64())
    };
    for args in [
        &["index", "corpus"][..],
        &["index", "corpus", "--rebuild"][..],
    ] {
        let mut child = t.process(args).spawn().expect("spawn sitrep");
        let mut seen = BTreeSet::new();
        while child.try_wait().expect("poll").is_none() {
            seen.insert(total(&t));
        }
        assert!(child.wait().expect("wait").success());
        seen.insert(total(&t));
        // Only whole commits are ever visible: before, or after.
        assert!(
            seen.iter().all(|s| *s == Some(1000) || *s == Some(1600)),
            "{args:?}: {seen:?}"
        );
        assert_eq!(total(&t), Some(1600));
    }
}

#[test]
fn optimize_merges_into_one_segment_and_a_kill_during_it_loses_nothing() {
    let t = TestDir::new();
    // Several runs make several segments (fewer than the merge policy's
    // eight that it merges on its own).
    for batch in 0..3 {
        for n in batch * 400..(batch + 1) * 400 {
            t.write(&format!("batch-{batch}/{n:05}.txt"), article(n, 1));
        }
        t.index();
    }
    let segments = |t: &TestDir| -> u64 {
        let out = t.run(&["stats", "--json"]);
        let stats: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stats JSON");
        assert_eq!(
            stats["segment_list"].as_array().map(Vec::len),
            stats["segments"].as_u64().map(|n| n as usize)
        );
        stats["segments"].as_u64().expect("segments")
    };
    assert!(segments(&t) > 1);
    let before: BTreeSet<String> = all_ids(&t).into_iter().collect();
    assert_eq!(before.len(), 1200);

    // Killed at moments during the merge: the index opens with every
    // article, once.
    for delay in [5u64, 20, 60, 150, 400] {
        let mut child = t
            .process(&["index", "corpus", "--optimize"])
            .spawn()
            .expect("spawn sitrep");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let ids = all_ids(&t);
        let got: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(got.len(), ids.len(), "{delay} ms: an article twice");
        assert_eq!(got, before, "{delay} ms");
    }

    let out = t.run(&["index", "corpus", "--optimize"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(segments(&t), 1);
    let after: BTreeSet<String> = all_ids(&t).into_iter().collect();
    assert_eq!(after, before);
    // The merged segment was recorded as checked, and nothing changed.
    let out = t.run(&["index", "corpus", "-v"]);
    assert!(stderr(&out).contains("1200 unchanged"), "{}", stderr(&out));
    assert_eq!(segments(&t), 1);
}
