//! Any bytes, in any of the article formats: decode and parse without
//! panicking.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use sitrep::{decode, parse_articles, parse_date, Format, SourceFile};

fuzz_target!(|data: &[u8]| {
    for (name, format) in [
        ("a.txt", Format::Text),
        ("2021-03-03-a.md", Format::Markdown),
        ("a.json", Format::Json),
        ("a.jsonl", Format::JsonLines),
    ] {
        let path = PathBuf::from(name);
        if let Ok(text) = decode(&path, data) {
            let file = SourceFile {
                path: path.clone(),
                rel_path: name.to_owned(),
                format,
                size: data.len() as u64,
                mtime: 0,
            };
            let parsed = parse_articles(&file, &text.text);
            for a in parsed.articles {
                // Dates that parse print as ISO and parse back.
                if let Some(d) = a.date {
                    assert_eq!(parse_date(&d.to_string()), Some(d));
                }
            }
        }
    }
});
