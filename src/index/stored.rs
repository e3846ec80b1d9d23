//! Every stored article of an index, read back from the doc store as
//! plain data, and the words the index made of its text: what `sitrep
//! export` sends to a cluster engine, with no tantivy type in sight.

use tantivy::schema::{Field, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::TantivyDocument;

use crate::analyzer::{join_tokens, ANALYZER_NAME};
use crate::error::{Error, Result};
use crate::index::schema::{facet_values, Fields};
use crate::index::OpenIndex;

/// An article as the index stored it. Facets are paths without the
/// leading slash (`Iraq/Nineveh`, `Islamic State/ISWAP`), in the order
/// they were stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StoredArticle {
    /// The article id.
    pub(crate) id: String,
    /// The file it was read from.
    pub(crate) path: String,
    /// The headline.
    pub(crate) title: String,
    /// The text.
    pub(crate) body: String,
    /// The publication date as stored (`2021`, `2021-03`, `2021-03-03`).
    pub(crate) date: Option<String>,
    /// Publisher.
    pub(crate) source: Option<String>,
    /// Address.
    pub(crate) url: Option<String>,
    /// `province` facets: `Country/Province`, or `Country` alone.
    pub(crate) provinces: Vec<String>,
    /// `actor` facets: actor paths.
    pub(crate) actors: Vec<String>,
    /// `actor_kind` facets: `Kind/Actor path`, or `Kind` alone.
    pub(crate) actor_kinds: Vec<String>,
    /// `year` facets.
    pub(crate) years: Vec<String>,
    /// `region` facets.
    pub(crate) regions: Vec<String>,
    /// `mentioned_province` facets.
    pub(crate) mentioned_provinces: Vec<String>,
    /// `mentioned_actor` facets.
    pub(crate) mentioned_actors: Vec<String>,
}

/// Calls `each` with every live article of `open`, segment after
/// segment, and returns how many there were. Stops at the first error
/// `each` returns. A panic of tantivy on damaged bytes is reported as
/// damage, as for searches.
pub(crate) fn each_article(
    open: &OpenIndex,
    each: &mut dyn FnMut(StoredArticle) -> Result<()>,
) -> Result<u64> {
    crate::index::guard(&open.dir, || {
        let searcher = open.reader.searcher();
        let mut n = 0u64;
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(4)
                .map_err(|e| Error::io(&open.dir, e))?;
            for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                each(stored_article(&doc?, &open.fields))?;
                n += 1;
            }
        }
        Ok(n)
    })
}

fn stored_article(doc: &TantivyDocument, f: &Fields) -> StoredArticle {
    let text = |field: Field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    StoredArticle {
        id: text(f.id).unwrap_or_default(),
        path: text(f.path).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        body: text(f.body).unwrap_or_default(),
        date: text(f.date),
        source: text(f.source),
        url: text(f.url),
        provinces: facet_values(doc, f.province),
        actors: facet_values(doc, f.actor),
        actor_kinds: facet_values(doc, f.actor_kind),
        years: facet_values(doc, f.year),
        regions: facet_values(doc, f.region),
        mentioned_provinces: facet_values(doc, f.mentioned_province),
        mentioned_actors: facet_values(doc, f.mentioned_actor),
    }
}

/// The analysers of the headline and the body, as the index's schema
/// names them (sitrep's own unless `schema.toml` chose another): the words
/// an export sends are exactly the terms the local index holds.
pub(crate) struct Terms {
    title: TextAnalyzer,
    body: TextAnalyzer,
}

impl Terms {
    /// The analysers of `open`'s title and body fields. A field the schema
    /// does not index has no analyser of its own: sitrep's is used.
    pub(crate) fn of(open: &OpenIndex) -> Terms {
        let analyzer = |field: Field| {
            open.index
                .tokenizer_for_field(field)
                .ok()
                .or_else(|| open.index.tokenizers().get(ANALYZER_NAME))
                .unwrap_or_else(|| TextAnalyzer::from(crate::analyzer::SitrepTokenizer::default()))
        };
        Terms {
            title: analyzer(open.fields.title),
            body: analyzer(open.fields.body),
        }
    }

    /// The words of a headline, joined by single spaces.
    pub(crate) fn title(&mut self, text: &str) -> String {
        let mut out = String::new();
        join_tokens(&mut self.title, text, &mut out);
        out
    }

    /// The words of a body, joined by single spaces.
    pub(crate) fn body(&mut self, text: &str) -> String {
        let mut out = String::new();
        join_tokens(&mut self.body, text, &mut out);
        out
    }
}
