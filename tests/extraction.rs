//! Extraction quality on the labelled test set in `tests/labelled/`:
//! precision and recall of provinces, actors and years.

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
        labels.article.len() >= 100,
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
    for label in &labels.article {
        let Some(a) = got.get(&label.file) else {
            panic!("{} was not extracted", label.file);
        };
        // Labels name an actor by its canonical name, the last segment of
        // its facet path (`Islamic State/Islamic State West Africa Province`).
        let ga: BTreeSet<String> = set(&a["actors"])
            .into_iter()
            .map(|p| p.rsplit('/').next().unwrap_or_default().to_owned())
            .collect();
        let gp = set(&a["provinces"]);
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
    println!("articles not exactly right: {}", misses.len());
    for m in &misses {
        println!("  {m}");
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
