//! Any query and filter against a small index: results or an error,
//! never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sitrep::{IndexOptions, Matching, OpenIndex, SchemaFiles, SearchRequest};

fn open() -> &'static OpenIndex {
    static OPEN: OnceLock<OpenIndex> = OnceLock::new();
    OPEN.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let files = SchemaFiles::read_dir(&root.join("index-schema")).unwrap_or_else(|e| panic!("{e}"));
        let dir = std::env::temp_dir().join(format!("sitrep-fuzz-index-{}", std::process::id()));
        let options = IndexOptions {
            index_dir: dir.clone(),
            rebuild: true,
            memory_bytes: 32_000_000,
            count_files: false,
            columns: None,
            optimize: false,
            only: None,
        };
        sitrep::update(&[root.join("sample-corpus")], &options, &files, &mut |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        sitrep::open(&dir).unwrap_or_else(|e| panic!("{e}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(2, '\u{1}');
    let query = parts.next().unwrap_or("").to_owned();
    let filter = parts.next().unwrap_or("").to_owned();
    let matching = match data.first().map(|b| b % 3) {
        Some(0) => Matching::All,
        Some(1) => Matching::Any,
        _ => Matching::Last,
    };
    let mut request = SearchRequest {
        query,
        limit: 10,
        matching,
        facet_limit: 5,
        ..Default::default()
    };
    if !filter.is_empty() {
        request.provinces.push(filter.clone());
        request.years.push(filter);
    }
    let _ = sitrep::search(open(), &request);
});
