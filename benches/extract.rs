//! Extraction throughput: how fast the full gazetteers find provinces and
//! actors in article text, in MB/s.
//!
//! Run with `cargo bench --bench extract`. The text is every article of
//! `sample-corpus/` and `tests/labelled/articles/`, read once.
//!
//! "without generated state forces" loads the same gazetteers without
//! `forces.toml`, and "without role rules" without `roles.toml`: their
//! ratios to the full run are what the generated state forces and the
//! role rules' word lists cost.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sitrep::{Entry, Gazetteer, SchemaFiles};

fn articles() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let dirs: Vec<PathBuf> = ["sample-corpus", "tests/labelled/articles"]
        .iter()
        .map(|dir| root.join(dir))
        .collect();
    for entry in sitrep::article_files(&dirs, None) {
        let Entry::File(file) = entry else { continue };
        let Ok(parsed) = sitrep::read_articles(&file, &sitrep::ReadOptions::default()) else {
            continue;
        };
        out.extend(parsed.articles.into_iter().map(|a| (a.title, a.body)));
    }
    out
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = match SchemaFiles::read_dir(&root.join("index-schema")) {
        Ok(files) => files,
        Err(err) => panic!("cannot read index-schema: {err}"),
    };
    let gazetteer = match Gazetteer::load(&files) {
        Ok(g) => g,
        Err(err) => panic!("cannot load the gazetteers: {err}"),
    };
    // The same gazetteers without one file, to measure in one run what
    // "Israeli troops" (forces.toml) and the role rules (roles.toml) cost.
    let without = |file: &str| {
        let copy = tempfile::tempdir().unwrap_or_else(|err| panic!("temp dir: {err}"));
        if let Err(err) = files.write_to(copy.path()) {
            panic!("cannot copy index-schema: {err}");
        }
        let _ = std::fs::remove_file(copy.path().join("gazetteers").join(file));
        match SchemaFiles::read_dir(copy.path()).and_then(|f| Gazetteer::load(&f)) {
            Ok(g) => g,
            Err(err) => panic!("cannot load the gazetteers without {file}: {err}"),
        }
    };
    let without_forces = without("forces.toml");
    let without_roles = without("roles.toml");
    let articles = articles();
    let bytes: usize = articles.iter().map(|(t, b)| t.len() + b.len()).sum();

    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("full gazetteers, sample + labelled articles", |b| {
        b.iter(|| {
            for (title, body) in &articles {
                black_box(gazetteer.extract(title, body, None));
            }
        })
    });
    group.bench_function("without generated state forces (reference)", |b| {
        b.iter(|| {
            for (title, body) in &articles {
                black_box(without_forces.extract(title, body, None));
            }
        })
    });
    group.bench_function("without role rules (reference)", |b| {
        b.iter(|| {
            for (title, body) in &articles {
                black_box(without_roles.extract(title, body, None));
            }
        })
    });
    group.bench_function("UAX #29 words only (reference)", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (title, body) in &articles {
                n += sitrep::words(title).count() + sitrep::words(body).count();
            }
            black_box(n)
        })
    });
    group.bench_function("words + fold only (reference)", |b| {
        let mut buf = String::new();
        b.iter(|| {
            for (title, body) in &articles {
                for text in [title, body] {
                    buf.clear();
                    for (_, w) in sitrep::words(text) {
                        sitrep::fold_into(w, &mut buf);
                    }
                }
            }
            black_box(buf.len())
        })
    });
    group.finish();

    c.bench_function("load gazetteers", |b| {
        b.iter(|| black_box(Gazetteer::load(&files).is_ok()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
