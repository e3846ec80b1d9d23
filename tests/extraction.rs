//! Extraction quality on the labelled test set in `tests/labelled/`:
//! precision and recall of the event provinces, actors and years, and how
//! often a value that the text names only in another role (a dateline, a
//! government speaking, background…) wrongly became an event facet.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use crate::util::*;

#[derive(Debug, Deserialize)]
struct Labels {
    article: Vec<Label>,
}

#[derive(Debug, Deserialize)]
struct Label {
    file: String,
    #[serde(default)]
    provinces: Vec<String>,
    #[serde(default)]
    actors: Vec<String>,
    year: Option<u64>,
    #[serde(default)]
    not_provinces: Vec<String>,
    #[serde(default)]
    not_actors: Vec<String>,
    /// Values the text names only in a non-event role.
    #[serde(default)]
    role: Vec<Trap>,
}

#[derive(Debug, Deserialize)]
struct Trap {
    kind: String,
    value: String,
    role: String,
}

/// An actor value's last step: labels name actors by their own name, the
/// facet gives the path of their parents.
fn leaf(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

#[derive(Debug, Default)]
struct Score {
    true_positives: usize,
    predicted: usize,
    expected: usize,
    forbidden_hits: Vec<String>,
}

impl Score {
    fn add(
        &mut self,
        file: &str,
        expected: &BTreeSet<String>,
        got: &BTreeSet<String>,
        forbidden: &[String],
    ) {
        self.expected += expected.len();
        self.predicted += got.len();
        self.true_positives += expected.intersection(got).count();
        for f in forbidden.iter().filter(|f| got.contains(*f)) {
            self.forbidden_hits.push(format!("{file}: {f}"));
        }
    }

    fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.predicted as f64
        }
    }

    fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.expected as f64
        }
    }
}

#[test]
fn labelled_set_precision_and_recall() {
    let dir = repo("tests/labelled");
    let text = std::fs::read_to_string(dir.join("labels.toml")).expect("labels.toml");
    let labels: Labels = toml::from_str(&text).expect("labels.toml parses");
    assert!(
        labels.article.len() >= 200,
        "only {} labelled articles",
        labels.article.len()
    );

    let t = TestDir::new();
    let out = t.run(&["extract", dir.join("articles").to_str().unwrap(), "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got: HashMap<String, serde_json::Value> = json_lines(&out)
        .into_iter()
        .map(|a| (a["id"].as_str().unwrap_or_default().to_owned(), a))
        .collect();

    let set = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (mut provinces, mut actors, mut years) =
        (Score::default(), Score::default(), Score::default());
    let mut misses = Vec::new();
    // role → (traps, traps that became events, traps given that role)
    let mut traps: std::collections::BTreeMap<String, (usize, usize, usize)> = Default::default();
    let mut wrong_role = Vec::new();
    for label in &labels.article {
        let Some(a) = got.get(&label.file) else {
            panic!("{} was not extracted", label.file);
        };
        let gp = set(&a["provinces"]);
        let ga: BTreeSet<String> = set(&a["actors"]).iter().map(|v| leaf(v)).collect();
        let (ep, ea): (BTreeSet<String>, BTreeSet<String>) = (
            label.provinces.iter().cloned().collect(),
            label.actors.iter().cloned().collect(),
        );
        provinces.add(&label.file, &ep, &gp, &label.not_provinces);
        actors.add(&label.file, &ea, &ga, &label.not_actors);
        let gy: BTreeSet<String> = a["year"]
            .as_u64()
            .map(|y| y.to_string())
            .into_iter()
            .collect();
        let ey: BTreeSet<String> = label.year.map(|y| y.to_string()).into_iter().collect();
        years.add(&label.file, &ey, &gy, &[]);
        let mut wrong_here = Vec::new();
        for trap in &label.role {
            let entry = traps.entry(trap.role.clone()).or_insert((0, 0, 0));
            entry.0 += 1;
            let is_event = match trap.kind.as_str() {
                "actor" => ga.contains(&trap.value),
                _ => gp.contains(&trap.value),
            };
            if is_event {
                entry.1 += 1;
                wrong_here.push(format!("{} ({})", trap.value, trap.role));
            }
            // The mention itself was given the labelled role.
            let named = a["mentions"].as_array().is_some_and(|ms| {
                ms.iter().any(|m| {
                    m["role"] == trap.role.as_str()
                        && m["value"]
                            .as_str()
                            .is_some_and(|v| v == trap.value || leaf(v) == trap.value)
                })
            });
            entry.2 += usize::from(named);
        }
        if !wrong_here.is_empty() {
            wrong_role.push(format!("{}: {}", label.file, wrong_here.join(", ")));
        }
        if gp != ep || ga != ea || gy != ey {
            misses.push(format!(
                "{}:\n    provinces want {ep:?} got {gp:?}\n    actors want {ea:?} got {ga:?}\n    year want {ey:?} got {gy:?}",
                label.file
            ));
        }
    }
    println!("{} labelled articles", labels.article.len());
    for (name, s) in [
        ("provinces", &provinces),
        ("actors", &actors),
        ("years", &years),
    ] {
        println!(
            "{name:<10} precision {:.3}  recall {:.3}  ({} right of {} found, {} expected)",
            s.precision(),
            s.recall(),
            s.true_positives,
            s.predicted,
            s.expected
        );
    }
    for (name, s) in [("provinces", &provinces), ("actors", &actors)] {
        for hit in &s.forbidden_hits {
            println!("  {name}: a value the labels rule out: {hit}");
        }
    }
    println!("role traps (values named only in that role):");
    for (role, (n, wrong, named)) in &traps {
        println!("  {role:<12} {n:>3} traps, {wrong} became events, {named} given that role");
    }
    println!(
        "articles with a wrong-role value: {} of {}",
        wrong_role.len(),
        labels.article.len()
    );
    for w in &wrong_role {
        println!("  {w}");
    }
    println!("articles not exactly right: {}", misses.len());
    for m in &misses {
        println!("  {m}");
    }
    assert!(
        wrong_role.len() * 20 <= labels.article.len(),
        "{} articles of {} have a wrong-role value (at most 1 in 20)",
        wrong_role.len(),
        labels.article.len()
    );
    for role in [
        "dateline",
        "attribution",
        "modifier",
        "reference",
        "quote",
        "negated",
        "background",
        "destination",
        "name-part",
    ] {
        let n = traps.get(role).map_or(0, |t| t.0);
        assert!(n >= 8, "only {n} {role} traps in the labelled set");
    }
    for (name, s) in [
        ("provinces", &provinces),
        ("actors", &actors),
        ("years", &years),
    ] {
        assert!(
            s.precision() >= 0.95,
            "{name}: precision {:.3} < 0.95",
            s.precision()
        );
        assert!(
            s.recall() >= 0.90,
            "{name}: recall {:.3} < 0.90",
            s.recall()
        );
    }
}
