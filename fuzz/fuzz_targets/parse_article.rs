//! Any bytes, in any of the article formats: decode and parse without
//! panicking.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use sitrep::{parse_article_bytes, parse_date, Format, ReadOptions, SourceFile};

fuzz_target!(|data: &[u8]| {
    for name in [
        "a.txt",
        "2021-03-03-a.md",
        "a.json",
        "a.jsonl",
        "a.html",
        "a.xml",
        "a.csv",
        "a.tsv",
        "a.eml",
        "a.mbox",
        "a.pdf",
        "a.warc",
    ] {
        let path = PathBuf::from(name);
        let Some(format) = Format::of(&path) else {
            continue;
        };
        let file = SourceFile {
            path: path.clone(),
            rel_path: name.to_owned(),
            format,
            size: data.len() as u64,
            mtime: 0,
        };
        let parsed = parse_article_bytes(&file, data, &ReadOptions::default());
        for a in parsed.articles {
            // Dates that parse print as ISO and parse back.
            if let Some(d) = a.date {
                assert_eq!(parse_date(&d.to_string()), Some(d));
            }
        }
    }
});
