//! Any text through the full gazetteers: mentions lie inside the text, on
//! character boundaries, and extraction never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sitrep::{FacetKind, Gazetteer, SchemaFiles};

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../index-schema");
        let files = SchemaFiles::read_dir(&dir).unwrap_or_else(|e| panic!("index-schema: {e}"));
        Gazetteer::load(&files).unwrap_or_else(|e| panic!("gazetteers: {e}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let g = gazetteer();
    for m in g.mentions(&text) {
        assert!(m.start < m.end && m.end <= text.len());
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
    }
    let (title, body) = text.split_at(text.find('\n').unwrap_or(0));
    // The publication year moves what counts as background.
    let year = data.first().map(|&b| 1990 + u16::from(b % 40));
    let (facets, _) = g.extract_explained(title, body, year, true);
    for m in &facets.mentions {
        let source = if m.in_title { title } else { body };
        assert!(m.offset <= source.len() && source.is_char_boundary(m.offset));
    }
    // Resolving an unknown value ranks every alias for suggestions: keep
    // it to a sixteenth of the short inputs, one kind each, so the fuzzer
    // stays fast.
    if data.len() <= 24 && data.last().is_some_and(|b| b % 16 == 0) {
        let kind = match data.first().map(|b| b % 3) {
            Some(0) => FacetKind::Province,
            Some(1) => FacetKind::Actor,
            _ => FacetKind::Country,
        };
        let _ = g.resolve(kind, &text);
    }
});
