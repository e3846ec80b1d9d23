//! A page of hits: each article's card with its title highlighted and a
//! snippet of its body around the matched words.

use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score};

use super::plan::Plan;
use super::{Highlighted, Hit};
use crate::error::Result;
use crate::index::OpenIndex;

pub(crate) fn page(
    open: &OpenIndex,
    searcher: &tantivy::Searcher,
    plan: &Plan,
    found: Vec<(Score, DocAddress, usize)>,
    words: usize,
    offset: usize,
) -> Result<Vec<Hit>> {
    let f = &open.fields;
    let highlight = plan.highlight_query();
    let mut body_snippets = SnippetGenerator::create(searcher, &*highlight, f.body)?;
    body_snippets.set_max_num_chars(220);
    let mut title_snippets = SnippetGenerator::create(searcher, &*highlight, f.title)?;
    title_snippets.set_max_num_chars(1_000);
    let addresses: Vec<DocAddress> = found.iter().map(|&(_, address, _)| address).collect();
    let cards = super::card::cards(searcher, &open.fields, &addresses)?;

    let mut hits = Vec::with_capacity(found.len());
    for ((score, _, k), card) in found.into_iter().zip(cards) {
        let title = card.title.clone();
        let body = &card.body;
        let title_snippet = title_snippets.snippet(&title);
        let title_hl = Highlighted {
            highlights: title_snippet
                .highlighted()
                .iter()
                .map(|r| {
                    let off = title_snippet.fragment_range().start;
                    (r.start + off, r.end + off)
                })
                .collect(),
            text: title,
        };
        let snippet = body_snippet(&body_snippets, body);
        hits.push(Hit {
            rank: 0,
            score,
            full_match: k >= words,
            words_matched: k,
            title: title_hl,
            snippet,
            article: card,
        });
    }
    for (i, hit) in hits.iter_mut().enumerate() {
        hit.rank = offset + i + 1;
    }
    Ok(hits)
}

/// The snippet of `body` around the matched words, highlighted; its lead
/// when no matched word is in it.
pub(crate) fn body_snippet(generator: &SnippetGenerator, body: &str) -> Highlighted {
    let snippet = generator.snippet(body);
    if snippet.fragment().is_empty() {
        return Highlighted {
            text: lead(body, 220),
            highlights: Vec::new(),
        };
    }
    Highlighted {
        text: snippet.fragment().to_owned(),
        highlights: snippet
            .highlighted()
            .iter()
            .map(|r| (r.start, r.end))
            .collect(),
    }
}

/// The first `max` characters of `text`, cut at a word boundary.
pub(crate) fn lead(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(at) if at > max / 2 => format!("{}…", &cut[..at]),
        _ => format!("{cut}…"),
    }
}
