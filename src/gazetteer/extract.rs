//! What the indexer extracts from articles, without indexing them.
//!
//! `sitrep extract` runs the first three stages (walk and read, parse,
//! gazetteer) on files and shows the result, so a person can check a
//! gazetteer edit before rebuilding an index.

use std::path::PathBuf;

use crate::article::{self, Card, ReadOptions};
use crate::corpus::{self, Entry};
use crate::error::Problem;
use crate::gazetteer::{Explained, Gazetteer, RoledMention};

/// One article and what the indexer extracts from it.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The article with its provinces and actors.
    pub card: Card,
    /// Each resolved mention with its role.
    pub mentions: Vec<RoledMention>,
    /// Each mention and what it resolved to (with `explain`).
    pub explained: Vec<Explained>,
}

/// Reads the articles under `paths` and extracts their facets, handing
/// each to `on_article` and each problem to `on_problem`.
pub fn extract(
    paths: &[PathBuf],
    gazetteer: &Gazetteer,
    reading: &ReadOptions,
    explain: bool,
    on_article: &mut dyn FnMut(Extraction),
    on_problem: &mut dyn FnMut(Problem),
) {
    for entry in corpus::files(paths, None) {
        let file = match entry {
            Entry::File(file) => file,
            Entry::Skipped(..) => continue,
            Entry::Problem(p) => {
                on_problem(p);
                continue;
            }
        };
        let parsed = match article::read_file(&file, reading) {
            Ok(parsed) => parsed,
            Err(p) => {
                on_problem(p);
                continue;
            }
        };
        parsed.problems.into_iter().for_each(&mut *on_problem);
        if parsed.passed_over.is_some() {
            continue;
        }
        for article in parsed.articles {
            let (facets, explained) = gazetteer.extract_explained(
                &article.title,
                &article.body,
                article.date.map(|d| d.year),
                explain,
            );
            let card = Card::new(
                article,
                file.path.display().to_string(),
                facets.place_paths(),
                facets.actors,
            );
            on_article(Extraction {
                card,
                mentions: facets.mentions,
                explained,
            });
        }
    }
}
