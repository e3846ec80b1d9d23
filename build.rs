//! Builds the default `index-schema/` folder into the binary: a table of
//! `(relative path, include_str!(…))` for every file under it, so that an
//! installed `sitrep` (which `cargo install` copies alone) indexes and
//! extracts from any folder.
//!
//! A generated table rather than the `include_dir` crate: no dependency,
//! and `rerun-if-changed` on the folder makes cargo rebuild it when a file
//! is added, removed or edited (include_dir notices only edits to files it
//! already knew, on stable Rust).

use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join("index-schema");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut table = String::from("&[\n");
    for (rel, path) in &files {
        table.push_str(&format!("    ({rel:?}, include_str!({path:?})),\n"));
    }
    table.push(']');
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let target = Path::new(&out).join("built_in_schema.rs");
    if let Err(e) = std::fs::write(&target, table) {
        panic!("cannot write {}: {e}", target.display());
    }
}

/// Every text file under `dir` (`.toml`, `.txt`, `.md`), as its path
/// relative to `root` with `/` separators and its full path.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files);
            continue;
        }
        let wanted = path
            .extension()
            .is_some_and(|e| e == "toml" || e == "txt" || e == "md");
        if !wanted {
            continue;
        }
        let rel: Vec<String> = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push((rel.join("/"), path.to_string_lossy().into_owned()));
    }
}
