//! What the indexer extracts from articles, without indexing them.
//!
//! `sitrep extract` runs the first three stages (walk and read, parse,
//! gazetteer) on files and shows the result, so a person can check a
//! gazetteer edit before rebuilding an index.

use std::path::PathBuf;

use crate::article::{self, Card};
use crate::corpus::{self, Entry};
use crate::error::Problem;
use crate::gazetteer::{Explained, Gazetteer};

/// One article and what the indexer extracts from it.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The article with its provinces and actors.
    pub card: Card,
    /// Each mention and what it resolved to (with `explain`).
    pub explained: Vec<Explained>,
}

/// Reads the articles under `paths` and extracts their facets, handing
/// each to `on_article` and each problem to `on_problem`.
pub fn extract(
    paths: &[PathBuf],
    gazetteer: &Gazetteer,
    explain: bool,
    on_article: &mut dyn FnMut(Extraction),
    on_problem: &mut dyn FnMut(Problem),
) {
    for root in paths {
        if !root.exists() {
            on_problem(Problem::skipped(root, None, "no such file or folder"));
            continue;
        }
        for entry in corpus::walk(root) {
            let file = match entry {
                Entry::File(file) => file,
                Entry::Skipped(..) => continue,
                Entry::Problem(p) => {
                    on_problem(p);
                    continue;
                }
            };
            let text = match corpus::read_text(&file.path) {
                Ok(text) => text,
                Err(err) => {
                    on_problem(err.into_problem(&file.path, None));
                    continue;
                }
            };
            if let Some(w) = text.warning {
                on_problem(Problem::warning(&file.path, None, w));
            }
            let parsed = article::parse(&file, &text.text);
            parsed.problems.into_iter().for_each(&mut *on_problem);
            for article in parsed.articles {
                let (facets, explained) =
                    gazetteer.extract_explained(&article.title, &article.body, explain);
                let card = Card::new(
                    article,
                    file.path.display().to_string(),
                    facets.place_paths(),
                    facets.actors,
                );
                on_article(Extraction { card, explained });
            }
        }
    }
}
