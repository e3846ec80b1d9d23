//! `gen_corpus`: a deterministic synthetic corpus of conflict news for
//! benchmarking sitrep.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out DIR --articles N
//!     [--seed S] [--layout txt|jsonl|both] [--shard-size K] [--schema DIR]
//!     [--truth FILE]
//! ```
//!
//! * `--out DIR`: where to write; it must not exist yet or be empty.
//! * `--articles N`: how many articles (`100000` or `100_000`).
//! * `--seed S`: the seed (default 1). The same seed and N give
//!   byte-identical output: every article draws from its own splitmix64
//!   stream keyed by the seed and its number, and nothing depends on time,
//!   hash order or the order in which the file system lists the gazetteers.
//!   (The Zipf table uses `f64::powf`; a platform whose libm rounds
//!   differently could in principle shift a rare draw.)
//! * `--layout`: `txt` (the default), `jsonl`, or `both` (odd-numbered
//!   articles as text files, even-numbered ones as JSON Lines).
//! * `--shard-size K`: records per JSON Lines shard (default 5000).
//! * `--schema DIR`: the `index-schema` folder whose gazetteers name the
//!   places and actors (default `./index-schema`, else the one of this crate).
//! * `--truth FILE`: also writes the ground truth, one JSON line per article
//!   in the order generated: `{"id": ..., "provinces": ["Iraq/Nineveh", ...],
//!   "countries": ["Iraq", ...], "actors": ["Islamic State", ...], "year":
//!   2021}`. `id` is the one `examples/raw_tantivy` stores (the path relative
//!   to DIR with `/` separators for a text file, the record's `id` for JSON
//!   Lines); places and actors are the gazetteers' canonical names of what
//!   the generator chose, each once: a province as `Country/Province`, the
//!   countries those of the provinces plus any country named without a
//!   province, and `year` the publication year. The benchmark's full
//!   tantivy reference takes its facets from this file. FILE must lie
//!   outside DIR (it would be indexed with the corpus). The corpus is the
//!   same bytes with or without it: the truth is what was drawn anyway.
//!
//! **Text layout**: `DIR/<country>/<year>/<YYYY-MM-DD>-<n>.txt`, one wire story
//! per file. A folder never holds more than 500 files: a crowded year gets a
//! month level (`<year>/<MM>/`), and a crowded month numbered chunks
//! (`<year>/<MM>/<k>/`). About 60% of the files open with a `date:` /
//! `source:` header block; 20% carry their date only in the file name; 20%
//! only in a dateline opening the body (`MOSUL, Iraq, March 3, 2021 — ...`),
//! and those are named `wire-<n>.txt` so that the name gives no date. Then
//! comes the title line, then 150 to 600 words in paragraphs.
//!
//! **JSON Lines layout**: `DIR/feeds/shard-0001.jsonl`, … with K records
//! each: `id` (`gen-<seed>-<n>`), `title`, `body`, `date` (ISO), `source`,
//! `url`.
//!
//! **Text**: words are drawn from a Zipf distribution (s = 1.07) over 30,000
//! word types: English function words and a few hundred conflict-news words
//! at the top ranks, then pronounceable pseudo-words (built from syllables
//! with a fixed generator, so the vocabulary is the same for every seed) for
//! the long tail. Every article names 1 to 4 places and 1 to 3 actors taken
//! from the gazetteers under their various aliases, transliterations and
//! city names, sometimes a year in passing, and its title (6 to 14 words)
//! names one of them. Ambiguous aliases are never used, and no vocabulary
//! word or pair of adjacent words spells a gazetteer name, so the facets
//! sitrep extracts are exactly the places and actors the generator chose.
//!
//! Prints a one-line summary on stderr. Exit status 2 with
//! `gen_corpus: <error>` on a bad argument or an I/O error.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde::{Deserialize, Serialize};

type Result<T> = std::result::Result<T, String>;

const USAGE: &str = "\
usage: gen_corpus --out DIR --articles N [--seed S] [--layout txt|jsonl|both]
                  [--shard-size K] [--schema DIR] [--truth FILE]

Writes N synthetic conflict-news articles into DIR (new or empty), the same
bytes for the same seed and N. Layouts: txt (the default) writes
DIR/<country>/<year>/...txt, jsonl writes DIR/feeds/shard-NNNN.jsonl with K
records each (default 5000), both writes half of the articles each way.
--schema names the index-schema folder with the gazetteers (default
./index-schema). --truth writes the places, actors and year of each article
to FILE (outside DIR), one JSON line each.";

const FIRST_YEAR: i32 = 2014;
const LAST_YEAR: i32 = 2025;
const VOCAB_SIZE: usize = 30_000;
const ZIPF_S: f64 = 1.07;
const MAX_PER_FOLDER: u32 = 500;
const MIN_BODY_WORDS: usize = 150;
const MAX_BODY_WORDS: usize = 600;
/// The vocabulary does not depend on `--seed`: corpora of different seeds
/// share their words, as real news does.
const VOCAB_SEED: u64 = 0x5173_5EED_C0DE_0001;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gen_corpus: {error}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<()> {
    let Some(args) = Args::parse(std::env::args_os().skip(1).collect())? else {
        println!("{USAGE}");
        return Ok(());
    };
    let started = Instant::now();
    let world = World::load(&args.schema)?;
    let vocab = Vocab::build(&world.filters);
    let generator = Generator {
        seed: args.seed,
        world,
        vocab,
    };
    if let Some(truth) = &args.truth {
        check_outside(truth, &args.out)?;
    }
    prepare_out_dir(&args.out)?;
    let stats = write_corpus(&generator, &args)?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "gen_corpus: {} articles, {} files, {} bytes ({:.1} MiB), {:.2} s",
        args.articles,
        stats.files,
        stats.bytes,
        stats.bytes as f64 / (1024.0 * 1024.0),
        secs
    );
    Ok(())
}

// ---- arguments ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Txt,
    Jsonl,
    Both,
}

struct Args {
    out: PathBuf,
    articles: u64,
    seed: u64,
    layout: Layout,
    shard_size: u64,
    schema: PathBuf,
    truth: Option<PathBuf>,
}

impl Args {
    /// The parsed arguments, or `None` when help was asked for.
    fn parse(raw: Vec<OsString>) -> Result<Option<Args>> {
        let mut out = None;
        let mut articles = None;
        let mut seed = None;
        let mut layout = None;
        let mut shard_size = None;
        let mut schema = None;
        let mut truth = None;
        let mut it = raw.into_iter();
        while let Some(arg) = it.next() {
            let text = arg
                .to_str()
                .ok_or_else(|| format!("unexpected argument {arg:?}\n{USAGE}"))?
                .to_owned();
            if text == "-h" || text == "--help" {
                return Ok(None);
            }
            // `--flag value` or `--flag=value`.
            let (flag, inline) = match text.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(OsString::from(value)))
                }
                _ => (text.clone(), None),
            };
            let known = [
                "--out",
                "--articles",
                "--seed",
                "--layout",
                "--shard-size",
                "--schema",
                "--truth",
            ];
            if !known.contains(&flag.as_str()) {
                return Err(format!("unexpected argument '{text}'\n{USAGE}"));
            }
            let value = match inline {
                Some(value) => value,
                None => it
                    .next()
                    .filter(|v| !v.to_string_lossy().starts_with("--"))
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?,
            };
            let utf8 = || {
                value
                    .to_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{flag}: {value:?} is not valid UTF-8"))
            };
            let slot_taken = match flag.as_str() {
                "--out" => out.replace(PathBuf::from(&value)).is_some(),
                "--schema" => schema.replace(PathBuf::from(&value)).is_some(),
                "--truth" => truth.replace(PathBuf::from(&value)).is_some(),
                "--articles" => articles.replace(parse_count(&flag, &utf8()?, 1)?).is_some(),
                "--seed" => seed.replace(parse_count(&flag, &utf8()?, 0)?).is_some(),
                "--shard-size" => shard_size
                    .replace(parse_count(&flag, &utf8()?, 1)?)
                    .is_some(),
                _ => {
                    let name = utf8()?;
                    let parsed = match name.as_str() {
                        "txt" => Layout::Txt,
                        "jsonl" => Layout::Jsonl,
                        "both" => Layout::Both,
                        _ => {
                            return Err(format!(
                                "--layout: '{name}' is not one of txt, jsonl, both"
                            ))
                        }
                    };
                    layout.replace(parsed).is_some()
                }
            };
            if slot_taken {
                return Err(format!("{flag} given twice"));
            }
        }
        let out = out.ok_or_else(|| format!("--out DIR is required\n{USAGE}"))?;
        let articles = articles.ok_or_else(|| format!("--articles N is required\n{USAGE}"))?;
        let schema = schema.unwrap_or_else(|| {
            let here = PathBuf::from("index-schema");
            if here.is_dir() {
                here
            } else {
                PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/index-schema"))
            }
        });
        Ok(Some(Args {
            out,
            articles,
            seed: seed.unwrap_or(1),
            layout: layout.unwrap_or(Layout::Txt),
            shard_size: shard_size.unwrap_or(5000),
            schema,
            truth,
        }))
    }
}

fn parse_count(flag: &str, value: &str, min: u64) -> Result<u64> {
    let digits: String = value.chars().filter(|&c| c != '_').collect();
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{flag}: '{value}' is not a whole number"))?;
    if n < min {
        return Err(format!("{flag} must be at least {min}"));
    }
    Ok(n)
}

/// `path` made absolute with its symbolic links and `..` resolved, as far
/// as it exists; the rest is appended as written (`..` there steps back).
fn resolved(path: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(path).map_err(|e| format!("cannot resolve {}: {e}", path.display()))?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return Ok(out);
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return Ok(absolute),
        }
    }
}

/// The truth file must not be written into the corpus: it would be
/// indexed as an article.
fn check_outside(truth: &Path, out: &Path) -> Result<()> {
    if resolved(truth)?.starts_with(resolved(out)?) {
        return Err(format!(
            "--truth {} lies inside --out {}; write it outside the corpus, which is indexed",
            truth.display(),
            out.display()
        ));
    }
    Ok(())
}

fn prepare_out_dir(out: &Path) -> Result<()> {
    if out.exists() {
        if !out.is_dir() {
            return Err(format!("{} exists and is not a folder", out.display()));
        }
        let mut entries =
            fs::read_dir(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty; give a new or empty folder",
                out.display()
            ));
        }
    }
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))
}

// ---- random numbers ----

/// splitmix64: tiny, fast, and the same on every platform.
struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// An independent stream for article `n`: `lane` 1 decides where the
    /// article goes, lane 2 what it says.
    fn stream(seed: u64, n: u64, lane: u64) -> Rng {
        Rng(mix64(
            mix64(seed ^ 0x243F_6A88_85A3_08D3) ^ n.wrapping_mul(4).wrapping_add(lane),
        ))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---- gazetteers ----

#[derive(Deserialize, Default)]
struct CountriesFile {
    #[serde(default)]
    country: Vec<CountryEntry>,
}

#[derive(Deserialize, Default)]
struct CountryEntry {
    #[serde(default)]
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    demonyms: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
}

#[derive(Deserialize, Default)]
struct PlacesFile {
    #[serde(default)]
    country: String,
    #[serde(default)]
    province: Vec<ProvinceEntry>,
}

#[derive(Deserialize, Default)]
struct ProvinceEntry {
    #[serde(default)]
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    cities: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ActorsFile {
    #[serde(default)]
    actor: Vec<ActorEntry>,
}

#[derive(Deserialize, Default)]
struct ActorEntry {
    #[serde(default)]
    name: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    exact_case: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
}

/// The spellings of one place or actor that the generator may write.
struct Names {
    /// Latin-script spellings; the first `primary` are the entry's own name
    /// and aliases, the rest its cities.
    latin: Vec<String>,
    primary: usize,
    /// Spellings in other scripts (Arabic, Cyrillic…).
    other: Vec<String>,
    /// Upper-cased Latin spellings that read as a dateline place.
    dateline: Vec<String>,
}

impl Names {
    fn new(own: &[&String], cities: &[String], ambiguous: &[String]) -> Names {
        let ambiguous: HashSet<String> = ambiguous.iter().map(|a| fold_phrase(a)).collect();
        let mut names = Names {
            latin: Vec::new(),
            primary: 0,
            other: Vec::new(),
            dateline: Vec::new(),
        };
        let mut seen = HashSet::new();
        let own = own.iter().map(|s| (s.as_str(), true));
        let cities = cities.iter().map(|s| (s.as_str(), false));
        for (name, is_own) in own.chain(cities) {
            let name = name.trim();
            if !writable(name) || ambiguous.contains(&fold_phrase(name)) || !seen.insert(name) {
                continue;
            }
            if is_latin(name) {
                names.latin.push(name.to_owned());
                if is_own {
                    names.primary += 1;
                }
                let upper = name.to_uppercase();
                if reads_as_dateline_place(&upper) {
                    names.dateline.push(upper);
                }
            } else {
                names.other.push(name.to_owned());
            }
        }
        names
    }

    fn is_empty(&self) -> bool {
        self.latin.is_empty() && self.other.is_empty()
    }

    /// A spelling for running text: mostly Latin, now and then the local
    /// script; an entry's own name or alias about as often as a city.
    fn pick(&self, rng: &mut Rng) -> &str {
        if self.latin.is_empty() || (!self.other.is_empty() && rng.chance(0.1)) {
            return rng.pick(&self.other).as_str();
        }
        if self.primary > 0 && rng.chance(0.45) {
            return &self.latin[rng.below(self.primary)];
        }
        rng.pick(&self.latin).as_str()
    }

    /// A Latin spelling when there is one (titles).
    fn pick_latin(&self, rng: &mut Rng) -> &str {
        if self.latin.is_empty() {
            self.pick(rng)
        } else {
            rng.pick(&self.latin).as_str()
        }
    }
}

/// Whether a name can stand in generated text: nothing that would read as
/// a header, a dateline dash or a parenthesised qualifier.
fn writable(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(" - ")
        && !name.chars().any(|c| {
            matches!(
                c,
                '(' | ')' | '[' | ']' | ',' | ':' | ';' | '"' | '—' | '–' | '\\'
            ) || c.is_control()
        })
}

fn is_latin(name: &str) -> bool {
    name.chars().all(|c| {
        let c = c as u32;
        c < 0x0250 || (0x1E00..0x1F00).contains(&c) || c == 0x2019
    })
}

/// Mirrors sitrep's dateline test: at most four words, each capitalised.
fn reads_as_dateline_place(upper: &str) -> bool {
    let words: Vec<&str> = upper.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// A country with a places file: where articles happen.
struct Home {
    name: String,
    slug: String,
    provinces: Vec<Names>,
    /// The canonical name of each of `provinces` (for `--truth`).
    province_names: Vec<String>,
    /// Provinces with at least one spelling usable in a dateline.
    dateline_provinces: Vec<usize>,
    /// Actors whose home country this is.
    actors: Vec<usize>,
}

/// Gazetteer words that generated text must not spell by accident.
#[derive(Default)]
struct Filters {
    /// Folded names of one word.
    single: HashSet<String>,
    /// Case-exact names of one word.
    exact: HashSet<String>,
    /// The first two folded words of longer names.
    bigrams: HashSet<(String, String)>,
    /// Every folded word of every name.
    tokens: HashSet<String>,
}

impl Filters {
    fn add(&mut self, name: &str) {
        let words = fold_words(name);
        self.tokens.extend(words.iter().cloned());
        match words.as_slice() {
            [] => {}
            [one] => {
                self.single.insert(one.clone());
            }
            [first, second, ..] => {
                self.bigrams.insert((first.clone(), second.clone()));
            }
        }
    }

    fn add_exact(&mut self, name: &str) {
        let words = fold_words(name);
        self.tokens.extend(words.iter().cloned());
        if words.len() == 1 {
            self.exact.insert(name.trim().to_owned());
        }
    }
}

struct World {
    homes: Vec<Home>,
    /// Cumulative integer weights over `homes`.
    home_weights: Vec<u64>,
    countries: Vec<Names>,
    /// The canonical name of each of `countries` (for `--truth`).
    country_names: Vec<String>,
    actors: Vec<Names>,
    /// The canonical name of each of `actors` (for `--truth`).
    actor_names: Vec<String>,
    /// Actors without a home country (ISIS, the UN…).
    transnational: Vec<usize>,
    filters: Filters,
}

/// How often each country's conflicts make the news (default 1).
fn country_weight(name: &str) -> u64 {
    match name.to_lowercase().as_str() {
        "iraq" | "syria" | "ukraine" => 5,
        "yemen" | "afghanistan" => 4,
        "somalia" | "nigeria" | "mali" | "sudan" | "dr congo" | "palestine" | "pakistan" => 3,
        "burkina faso" | "niger" | "south sudan" | "ethiopia" | "libya" | "myanmar" | "israel"
        | "lebanon" | "mexico" | "colombia" | "russia" => 2,
        _ => 1,
    }
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

impl World {
    fn load(schema: &Path) -> Result<World> {
        let dir = schema.join("gazetteers");
        let countries_file: CountriesFile = read_toml(&dir.join("countries.toml"))?;
        let actors_file: ActorsFile = read_toml(&dir.join("actors.toml"))?;
        let places_dir = dir.join("places");
        let mut place_paths = Vec::new();
        let entries = fs::read_dir(&places_dir)
            .map_err(|e| format!("cannot read {}: {e}", places_dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read {}: {e}", places_dir.display()))?
                .path();
            if path.extension().is_some_and(|x| x == "toml") {
                place_paths.push(path);
            }
        }
        // read_dir order depends on the file system; the output must not.
        place_paths.sort();
        let mut places = Vec::new();
        for path in &place_paths {
            places.push(read_toml::<PlacesFile>(path)?);
        }

        let mut filters = Filters::default();
        let mut countries = Vec::new();
        let mut country_names = Vec::new();
        for c in &countries_file.country {
            for name in std::iter::once(&c.name)
                .chain(&c.aliases)
                .chain(&c.demonyms)
                .chain(&c.ambiguous)
            {
                filters.add(name);
            }
            let own: Vec<&String> = std::iter::once(&c.name).chain(&c.aliases).collect();
            let names = Names::new(&own, &[], &c.ambiguous);
            if !names.is_empty() {
                countries.push(names);
                country_names.push(c.name.trim().to_owned());
            }
        }

        let mut homes = Vec::new();
        for file in &places {
            let mut provinces = Vec::new();
            let mut province_names = Vec::new();
            for p in &file.province {
                for name in std::iter::once(&p.name)
                    .chain(&p.aliases)
                    .chain(&p.cities)
                    .chain(&p.ambiguous)
                {
                    filters.add(name);
                }
                let own: Vec<&String> = std::iter::once(&p.name).chain(&p.aliases).collect();
                let names = Names::new(&own, &p.cities, &p.ambiguous);
                if !names.is_empty() {
                    provinces.push(names);
                    province_names.push(p.name.trim().to_owned());
                }
            }
            let name = file.country.trim().to_owned();
            if provinces.is_empty() || name.is_empty() {
                continue;
            }
            let dateline_provinces = if writable(&name) && is_latin(&name) {
                (0..provinces.len())
                    .filter(|&i| !provinces[i].dateline.is_empty())
                    .collect()
            } else {
                Vec::new()
            };
            homes.push(Home {
                slug: slug(&name),
                name,
                provinces,
                province_names,
                dateline_provinces,
                actors: Vec::new(),
            });
        }
        if homes.is_empty() {
            return Err(format!("no places found in {}", places_dir.display()));
        }

        let mut actors = Vec::new();
        let mut actor_names = Vec::new();
        let mut transnational = Vec::new();
        for a in &actors_file.actor {
            for name in std::iter::once(&a.name)
                .chain(&a.aliases)
                .chain(&a.ambiguous)
            {
                filters.add(name);
            }
            for name in &a.exact_case {
                filters.add_exact(name);
            }
            let own: Vec<&String> = std::iter::once(&a.name)
                .chain(&a.aliases)
                .chain(&a.exact_case)
                .collect();
            let names = Names::new(&own, &[], &a.ambiguous);
            if names.is_empty() {
                continue;
            }
            if a.country.trim().is_empty() {
                transnational.push(actors.len());
            } else if let Some(home) = homes.iter_mut().find(|h| h.name == a.country.trim()) {
                home.actors.push(actors.len());
            }
            actors.push(names);
            actor_names.push(a.name.trim().to_owned());
        }
        if actors.is_empty() {
            return Err(format!(
                "no actors found in {}",
                dir.join("actors.toml").display()
            ));
        }

        let mut total = 0;
        let home_weights = homes
            .iter()
            .map(|h| {
                total += country_weight(&h.name);
                total
            })
            .collect();
        Ok(World {
            homes,
            home_weights,
            countries,
            country_names,
            actors,
            actor_names,
            transnational,
            filters,
        })
    }
}

/// A folder or URL name: `DR Congo` → `dr-congo`, `Côte d'Ivoire` →
/// `cote-divoire`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for word in fold_words(name) {
        let ascii: String = word.chars().filter(char::is_ascii_alphanumeric).collect();
        if !ascii.is_empty() {
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&ascii);
        }
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// The words of a name as sitrep compares them, closely enough: split at
/// anything but letters, digits and apostrophes; lower case; common accents
/// folded; apostrophes and a possessive `'s` dropped.
fn fold_words(name: &str) -> Vec<String> {
    name.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter_map(|word| {
            let mut folded = String::with_capacity(word.len());
            for c in word.chars().flat_map(char::to_lowercase) {
                folded.push(match c {
                    'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
                    'ç' | 'ć' | 'č' => 'c',
                    'è'..='ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
                    'ì'..='ï' | 'ī' | 'į' | 'ı' => 'i',
                    'ñ' | 'ń' | 'ň' => 'n',
                    'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
                    'ù'..='ü' | 'ū' | 'ů' | 'ű' => 'u',
                    'ý' | 'ÿ' => 'y',
                    'ş' | 'š' | 'ś' => 's',
                    'ž' | 'ź' | 'ż' => 'z',
                    'ḥ' => 'h',
                    'ṣ' => 's',
                    'ṭ' => 't',
                    'ḍ' => 'd',
                    'ẓ' => 'z',
                    '\u{2019}' => '\'',
                    other => other,
                });
            }
            if let Some(stem) = folded.strip_suffix("'s") {
                folded.truncate(stem.len());
            }
            folded.retain(|c| c != '\'');
            (!folded.is_empty()).then_some(folded)
        })
        .collect()
}

fn fold_phrase(name: &str) -> String {
    fold_words(name).join(" ")
}

// ---- vocabulary ----

/// Function words, roughly by frequency in news text.
const FUNCTION_WORDS: &str = "\
    the of to and a in said that on for was with by is at were from as had it have has an be \
    after their they he his but not who which been its are this or will more than also one two \
    would about other when into over there all last three up out no some her she could since \
    while during against before under near between those these where them what any new first \
    several many most only then because through told being did do our may still such both each \
    further without across around among toward including least four five six we if can so how \
    until outside inside along behind within despite amid already again however another second \
    third very much even later earlier just own same few every whose whom off down back yet nor \
    once should must might whether though although per via upon towards beyond above below";

/// Conflict-news words, roughly from common to rarer.
const NEWS_WORDS: &str = "\
    security forces killed attack officials people government police military group province \
    army fighters soldiers civilians wounded statement spokesman official militants city area \
    local troops attacks village district town ministry interior defence operation border war \
    fighting leader commander region according sources reported residents week day days year \
    years months night Monday Tuesday Wednesday Thursday Friday Saturday Sunday capital north \
    south east west northern southern eastern western central airstrike airstrikes checkpoint \
    convoy displaced ceasefire governor bomb bombing explosion explosive device roadside \
    suicide vehicle gunmen clashes offensive raid raids arrested detained arrest suspects cell \
    cells commanders leaders claimed responsibility casualties dead injured hospital medical \
    witnesses regional national international humanitarian aid agency agencies refugees camp \
    camps food water shelling artillery mortar rockets rocket drone drones missile missiles \
    strike strikes struck targeted ambush ambushed patrol patrols base outpost positions \
    territory control seized captured recaptured retook withdrew withdrawal advance advanced \
    frontline front siege besieged negotiations talks truce agreement deal peace mediators \
    envoy delegation minister president prime parliament council election elections protest \
    protesters demonstrators crackdown curfew emergency kidnapped kidnapping hostages released \
    prisoners prison court sentenced trial charges executed insurgents insurgency rebels rebel \
    militia militias jihadist jihadists extremist extremists terrorist terrorism tribal elders \
    clan ethnic sectarian violence violent unrest tensions crisis conflict warplanes helicopter \
    helicopters jets aircraft coalition allied alliance deployed deployment reinforcements \
    mission peacekeepers monitors observers investigation report reports confirmed denied \
    accused blamed condemned warned vowed pledged announced urged called demanded estimated \
    toll rose killing deaths bodies mass grave graves children women families men population \
    homes houses buildings market mosque church school schools road highway bridge airport port \
    river mountains desert valley areas outskirts neighbourhood neighbourhoods residential \
    weapons ammunition rifles explosives vehicles trucks fuel supplies smuggling smugglers \
    traffickers cartel gangs gang oil field fields pipeline infrastructure power electricity \
    shortages famine cholera outbreak hunger drought flooding evacuation evacuated fled fleeing \
    returned returnees shelter shelters tents crossing crossings corridor convoys assistance \
    donors funding sanctions embassy diplomats diplomatic foreign intelligence surveillance \
    informants operatives network networks financing recruits recruitment training trained \
    equipment armoured tanks units unit brigade battalion division regiment special \
    counterterrorism sweep clearance mines landmines demining improvised blast blasts fire \
    gunfire sniper snipers shot shooting assassination assassinated prominent senior former \
    deputy chief head director colonel general lieutenant captain officer officers soldier \
    policeman policemen guards guard villagers farmers herders cattle livestock land disputes \
    dispute reconciliation amnesty surrender surrendered defected defectors loyalists \
    opposition regime authorities administration state federal provincial municipal mayor tribe \
    tribes community communities activists journalists journalist media footage video images \
    satellite social online channels propaganda spokeswoman spokesperson telephone condition \
    anonymity authorised speak publicly weeks month morning afternoon evening dawn recent \
    recently ago yesterday dozen dozens hundred hundreds thousand thousands million percent \
    half number total nearly almost fewer heavy small large major key strategic remote rural \
    urban nearby main local armed unidentified unknown suspected alleged deadly deadliest fresh \
    renewed continued ongoing separate similar rival hardline moderate displacement abductions \
    looting arson massacre executions torture abuses violations rights law order stability \
    reconstruction rebuilding damage destroyed damaged collapsed burned looted occupied \
    liberated cleared secured surrounded encircled pushed repelled repulsed fired launched \
    intercepted downed shot detonated planted defused discovered found recovered identified \
    buried mourners funeral victims survivors orphans widows detainees camp court judge \
    prosecutor verdict appeal lawyers";

struct Vocab {
    words: Vec<String>,
    cdf: Vec<f64>,
    /// For each word, the words that may not follow it (they would spell the
    /// start of a gazetteer name).
    forbidden_next: Vec<Vec<u32>>,
    /// Lower-cased word to its rank.
    index: HashMap<String, u32>,
}

impl Vocab {
    fn build(filters: &Filters) -> Vocab {
        let mut words: Vec<String> = Vec::with_capacity(VOCAB_SIZE);
        let mut seen: HashSet<String> = HashSet::new();
        let mut take = |word: &str, words: &mut Vec<String>| {
            let lower = word.to_lowercase();
            let spells_a_name = filters.single.contains(&lower)
                || filters.exact.contains(word)
                || filters.exact.contains(&capitalised(word));
            if !spells_a_name && seen.insert(lower) {
                words.push(word.to_owned());
            }
        };
        // The commonest function words first, then the rest of them mixed
        // in among the news words, one for three.
        let function_words: Vec<&str> = FUNCTION_WORDS.split_whitespace().collect();
        let (top, rest) = function_words.split_at(40.min(function_words.len()));
        for w in top {
            take(w, &mut words);
        }
        let mut rest = rest.iter();
        for (i, w) in NEWS_WORDS.split_whitespace().enumerate() {
            if i % 3 == 0 {
                if let Some(f) = rest.next() {
                    take(f, &mut words);
                }
            }
            take(w, &mut words);
        }
        for f in rest {
            take(f, &mut words);
        }

        // The long tail: pseudo-words of two to four syllables.
        const ONSETS: &[&str] = &[
            "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "b", "d",
            "k", "l", "m", "n", "r", "s", "t", "br", "dr", "kh", "sh", "th", "gr", "st", "tr", "",
            "", "",
        ];
        const NUCLEI: &[&str] = &[
            "a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "ai", "ou", "ia", "ei",
        ];
        const CODAS: &[&str] = &[
            "", "", "", "", "", "", "", "n", "r", "l", "s", "m", "k", "t", "nd", "sh", "rt",
        ];
        let mut rng = Rng(VOCAB_SEED);
        let mut word = String::new();
        let mut attempts = 0;
        while words.len() < VOCAB_SIZE && attempts < VOCAB_SIZE * 50 {
            attempts += 1;
            word.clear();
            let syllables = match rng.below(20) {
                0..=11 => 2,
                12..=18 => 3,
                _ => 4,
            };
            for _ in 0..syllables {
                word.push_str(rng.word(ONSETS));
                word.push_str(rng.word(NUCLEI));
                word.push_str(rng.word(CODAS));
            }
            if word.len() >= 4 && !filters.tokens.contains(&word) && !seen.contains(&word) {
                seen.insert(word.clone());
                words.push(word.clone());
            }
        }

        let mut total = 0.0;
        let cdf = (1..=words.len())
            .map(|rank| {
                total += (rank as f64).powf(-ZIPF_S);
                total
            })
            .collect();
        let index: HashMap<String, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_lowercase(), i as u32))
            .collect();
        let mut forbidden_next = vec![Vec::new(); words.len()];
        for (first, second) in &filters.bigrams {
            if let (Some(&a), Some(&b)) = (index.get(first), index.get(second)) {
                forbidden_next[a as usize].push(b);
            }
        }
        for list in &mut forbidden_next {
            list.sort_unstable();
        }
        Vocab {
            words,
            cdf,
            forbidden_next,
            index,
        }
    }

    /// A Zipf-distributed word that may follow `prev`.
    fn sample(&self, rng: &mut Rng, prev: Option<u32>) -> u32 {
        let total = self.cdf[self.cdf.len() - 1];
        for _ in 0..16 {
            let u = rng.unit() * total;
            let i = self
                .cdf
                .partition_point(|&c| c <= u)
                .min(self.cdf.len() - 1) as u32;
            match prev {
                Some(p) if self.forbidden_next[p as usize].binary_search(&i).is_ok() => {}
                _ => return i,
            }
        }
        // The rarest word is a pseudo-word, which starts no name.
        (self.words.len() - 1) as u32
    }

    /// The rank of the last word of `name`, if it is a vocabulary word.
    fn last_word_of(&self, name: &str) -> Option<u32> {
        let last = fold_words(name).pop()?;
        self.index.get(&last).copied()
    }
}

fn capitalised(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    push_capitalised(&mut out, word);
    out
}

fn push_capitalised(out: &mut String, word: &str) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

// ---- dates ----

#[derive(Clone, Copy)]
struct Day {
    year: i32,
    month: u32,
    day: u32,
}

impl Day {
    fn from_days(z: i64) -> Day {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }

    fn iso(self, out: &mut String) {
        let _ = write!(out, "{:04}-{:02}-{:02}", self.year, self.month, self.day);
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const AP_MONTHS: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];

// ---- articles ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `date:` / `source:` header block.
    Header,
    /// Date only in the file name.
    FileName,
    /// Date only in a dateline opening the body.
    Dateline,
}

/// Where article `n` goes; a pure function of the seed and `n`, computed
/// once to size the folders and again to write.
struct Meta {
    home: usize,
    day: Day,
    txt: bool,
    style: Style,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Entity {
    Province(usize, usize),
    Country(usize),
    Actor(usize),
}

/// What an article names: its places (provinces and countries, the first
/// its main place) and its actors, possibly with repeats.
struct Chosen {
    places: Vec<Entity>,
    actors: Vec<Entity>,
}

#[derive(Clone, Copy)]
enum Insert {
    Place(Entity),
    Actor(Entity),
    Year(i32),
}

const SOURCES: &[(&str, &str)] = &[
    ("Levant Wire", "LW"),
    ("Sahel Monitor", "SM"),
    ("Horn Dispatch", "HD"),
    ("Frontline News Service", "FNS"),
    ("Gulf Desk", "GD"),
    ("Eastern Front Report", "EFR"),
    ("Crisis Wire", "CW"),
    ("Regional Security Digest", "RSD"),
    ("Example Wire", "EW"),
    ("Field Notes Agency", "FNA"),
];

const ATTRIBUTIONS: &[&str] = &[
    "a spokesman said",
    "a security official said",
    "the governor said",
    "a witness told reporters",
    "a local commander said",
    "an aid worker said",
    "a resident said",
    "a military source said",
    "a police officer said",
    "the ministry said in a statement",
];

const PLACE_PREPOSITIONS: &[&str] = &["in", "in", "in", "near", "outside", "around", "from"];
const YEAR_PREPOSITIONS: &[&str] = &["in", "in", "since", "until", "by", "early in", "late in"];

struct Generator {
    seed: u64,
    world: World,
    vocab: Vocab,
}

/// Writes words into a buffer, keeping track of spacing, capitals, the
/// previous vocabulary word and the word count.
struct Emitter<'a> {
    out: &'a mut String,
    prev: Option<u32>,
    capital: bool,
    glued: bool,
    words: usize,
}

impl<'a> Emitter<'a> {
    fn new(out: &'a mut String) -> Emitter<'a> {
        Emitter {
            out,
            prev: None,
            capital: true,
            glued: true,
            words: 0,
        }
    }

    fn text(&mut self, text: &str) {
        if !self.glued {
            self.out.push(' ');
        }
        self.glued = false;
        if self.capital {
            push_capitalised(self.out, text);
            self.capital = false;
        } else {
            self.out.push_str(text);
        }
    }

    fn vocab(&mut self, vocab: &Vocab, id: u32) {
        self.text(&vocab.words[id as usize]);
        self.prev = Some(id);
        self.words += 1;
    }

    fn name(&mut self, vocab: &Vocab, name: &str) {
        self.text(name);
        self.prev = vocab.last_word_of(name);
        self.words += name.split_whitespace().count();
    }

    fn plain(&mut self, text: &str) {
        self.text(text);
        self.prev = None;
        self.words += text.split_whitespace().count();
    }

    fn number(&mut self, n: usize) {
        if !self.glued {
            self.out.push(' ');
        }
        self.glued = false;
        self.capital = false;
        let _ = write!(self.out, "{n}");
        self.prev = None;
        self.words += 1;
    }

    fn punct(&mut self, p: &str) {
        self.out.push_str(p);
    }

    fn open_quote(&mut self) {
        if !self.glued {
            self.out.push(' ');
        }
        self.out.push('"');
        self.glued = true;
    }

    fn paragraph(&mut self) {
        self.out.push_str("\n\n");
        self.glued = true;
    }
}

impl Generator {
    fn meta(&self, n: u64, layout: Layout) -> Meta {
        let mut rng = Rng::stream(self.seed, n, 1);
        let weights = &self.world.home_weights;
        let r = rng.next_u64() % weights[weights.len() - 1];
        let home = weights.partition_point(|&w| w <= r);
        let first = sitrep::days_from_civil(i64::from(FIRST_YEAR), 1, 1);
        let last = sitrep::days_from_civil(i64::from(LAST_YEAR), 12, 31);
        let day = Day::from_days(first + rng.below((last - first + 1) as usize) as i64);
        let txt = match layout {
            Layout::Txt => true,
            Layout::Jsonl => false,
            Layout::Both => n % 2 == 1,
        };
        let u = rng.unit();
        let style = if u < 0.6 {
            Style::Header
        } else if u < 0.8 || self.world.homes[home].dateline_provinces.is_empty() {
            Style::FileName
        } else {
            Style::Dateline
        };
        Meta {
            home,
            day,
            txt,
            style,
        }
    }

    fn pick_entity_name(&self, e: Entity, rng: &mut Rng) -> &str {
        match e {
            Entity::Province(h, p) => self.world.homes[h].provinces[p].pick(rng),
            Entity::Country(c) => self.world.countries[c].pick(rng),
            Entity::Actor(a) => self.world.actors[a].pick(rng),
        }
    }

    /// Fills `title` and `body` for an article; with `dateline`, the body
    /// opens with one. Returns the places and actors it names.
    fn article(
        &self,
        meta: &Meta,
        dateline: bool,
        rng: &mut Rng,
        title: &mut String,
        body: &mut String,
    ) -> Chosen {
        title.clear();
        body.clear();
        let home = &self.world.homes[meta.home];

        // The places: the first in the home country (and fit for a
        // dateline when there is one), the others mostly there too.
        let mut places: Vec<Entity> = Vec::with_capacity(4);
        let first = if dateline {
            *rng.pick(&home.dateline_provinces)
        } else {
            rng.below(home.provinces.len())
        };
        places.push(Entity::Province(meta.home, first));
        let n_places = match rng.below(20) {
            0..=6 => 1,
            7..=13 => 2,
            14..=17 => 3,
            _ => 4,
        };
        while places.len() < n_places {
            let u = rng.unit();
            let e = if u < 0.7 {
                Entity::Province(meta.home, rng.below(home.provinces.len()))
            } else if u < 0.85 || self.world.countries.is_empty() {
                let h = rng.below(self.world.homes.len());
                Entity::Province(h, rng.below(self.world.homes[h].provinces.len()))
            } else {
                Entity::Country(rng.below(self.world.countries.len()))
            };
            if !places.contains(&e) || rng.chance(0.2) {
                places.push(e);
            }
        }
        let mut actors: Vec<Entity> = Vec::with_capacity(3);
        let n_actors = match rng.below(20) {
            0..=9 => 1,
            10..=16 => 2,
            _ => 3,
        };
        let mut tries = 0;
        while actors.len() < n_actors && tries < 20 {
            tries += 1;
            // Mostly the country's own actors, then transnational ones.
            let u = rng.unit();
            let a = if !home.actors.is_empty() && u < 0.6 {
                *rng.pick(&home.actors)
            } else if !self.world.transnational.is_empty() && u < 0.9 {
                *rng.pick(&self.world.transnational)
            } else {
                rng.below(self.world.actors.len())
            };
            let e = Entity::Actor(a);
            if !actors.contains(&e) {
                actors.push(e);
            }
        }
        let mut year = rng.chance(0.35).then(|| {
            let span = (meta.day.year - FIRST_YEAR) as usize;
            FIRST_YEAR + rng.below(span + 1) as i32
        });

        self.title(rng, title, places[0], actors[0]);

        // The body.
        let target = rng.range(MIN_BODY_WORDS, MAX_BODY_WORDS - 20);
        let mut em = Emitter::new(body);
        if dateline {
            let place = rng.pick(&home.provinces[first].dateline);
            let d = meta.day;
            let m = (d.month - 1) as usize;
            let _ = match rng.below(20) {
                0..=12 => write!(
                    em.out,
                    "{place}, {}, {} {}, {}",
                    home.name, MONTHS[m], d.day, d.year
                ),
                13..=17 => write!(
                    em.out,
                    "{place}, {}, {} {}, {}",
                    home.name, AP_MONTHS[m], d.day, d.year
                ),
                _ => write!(
                    em.out,
                    "{place}, {}, {} {} {}",
                    home.name, d.day, MONTHS[m], d.year
                ),
            };
            if rng.chance(0.3) {
                let _ = write!(em.out, " ({})", rng.pick(SOURCES).1);
            }
            em.punct(if rng.chance(0.85) { " —" } else { " -" });
            em.glued = false;
            em.words += 4;
        }
        let mut pending: Vec<Insert> = Vec::with_capacity(8);
        for &p in places[1..].iter().rev() {
            pending.push(Insert::Place(p));
        }
        for &a in actors[1..].iter().rev() {
            pending.push(Insert::Actor(a));
        }
        let mut para_left = rng.range(1, 2);
        let mut lead = true;
        let mut inserts: Vec<Insert> = Vec::with_capacity(4);
        loop {
            inserts.clear();
            if lead {
                inserts.push(Insert::Actor(actors[0]));
                inserts.push(Insert::Place(places[0]));
            } else {
                let done = em.words >= target;
                if !pending.is_empty() && (done || rng.chance(0.55)) {
                    if let Some(next) = pending.pop() {
                        inserts.push(next);
                    }
                } else if rng.chance(0.15) {
                    // Name something again, perhaps under another alias.
                    inserts.push(if rng.chance(0.5) {
                        Insert::Actor(*rng.pick(&actors))
                    } else {
                        Insert::Place(*rng.pick(&places))
                    });
                }
                if year.is_some() && (done || rng.chance(0.2)) {
                    inserts.extend(year.take().map(Insert::Year));
                }
            }
            let quote = !lead && rng.chance(0.08);
            self.sentence(rng, &mut em, &inserts, quote);
            lead = false;
            if em.words >= target && pending.is_empty() && year.is_none() {
                break;
            }
            para_left -= 1;
            if para_left == 0 {
                em.paragraph();
                para_left = rng.range(1, 4);
            }
        }
        Chosen { places, actors }
    }

    fn title(&self, rng: &mut Rng, title: &mut String, place: Entity, actor: Entity) {
        let entity = if rng.chance(0.55) { actor } else { place };
        let name = match entity {
            Entity::Province(h, p) => self.world.homes[h].provinces[p].pick_latin(rng),
            Entity::Country(c) => self.world.countries[c].pick_latin(rng),
            Entity::Actor(a) => self.world.actors[a].pick_latin(rng),
        };
        let total = rng.range(6, 14);
        let rest = total.saturating_sub(name.split_whitespace().count()).max(3);
        let before = rng.below(rest + 1);
        let mut em = Emitter::new(title);
        for i in 0..=rest {
            if i == before {
                em.name(&self.vocab, name);
            }
            if i == rest {
                break;
            }
            if rng.chance(0.03) {
                em.number(rng.range(2, 90));
                continue;
            }
            // Headlines are light on function words.
            let mut id = self.vocab.sample(rng, em.prev);
            for _ in 0..3 {
                if id >= 30 {
                    break;
                }
                id = self.vocab.sample(rng, em.prev);
            }
            em.vocab(&self.vocab, id);
        }
    }

    fn sentence(&self, rng: &mut Rng, em: &mut Emitter, inserts: &[Insert], quote: bool) {
        // Shorter sentences near the end keep bodies within 600 words.
        let room = MAX_BODY_WORDS.saturating_sub(em.words + 12).clamp(8, 30);
        let len = rng.range(8, room);
        let inserted: usize = inserts.len() * 2;
        let plain = len.saturating_sub(inserted).max(4);
        // Where each insert goes, in order.
        let mut at: [(usize, usize); 4] = [(usize::MAX, 0); 4];
        let count = inserts.len().min(at.len());
        for (k, slot) in at.iter_mut().enumerate().take(count) {
            *slot = (rng.below(plain + 1), k);
        }
        at[..count].sort_unstable();
        if quote {
            em.open_quote();
        }
        em.capital = true;
        let mut next = 0;
        for i in 0..=plain {
            while next < count && at[next].0 == i {
                self.insert(rng, em, inserts[at[next].1]);
                next += 1;
            }
            if i == plain {
                break;
            }
            if rng.chance(0.02) {
                let n = if rng.chance(0.8) {
                    rng.range(2, 99)
                } else {
                    // Never year-like: years in passing are chosen on purpose.
                    rng.range(100, 1800)
                };
                em.number(n);
            } else {
                let id = self.vocab.sample(rng, em.prev);
                em.vocab(&self.vocab, id);
            }
            if i + 1 < plain && rng.chance(0.06) {
                em.punct(",");
            }
        }
        if quote {
            em.punct(",\"");
            em.plain(rng.word(ATTRIBUTIONS));
        }
        em.punct(".");
    }

    fn insert(&self, rng: &mut Rng, em: &mut Emitter, insert: Insert) {
        match insert {
            Insert::Place(e) => {
                em.plain(rng.word(PLACE_PREPOSITIONS));
                em.name(&self.vocab, self.pick_entity_name(e, rng));
            }
            Insert::Actor(e) => {
                em.name(&self.vocab, self.pick_entity_name(e, rng));
            }
            Insert::Year(y) => {
                em.plain(rng.word(YEAR_PREPOSITIONS));
                em.number(y as usize);
            }
        }
    }
}

// ---- output ----

#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
    date: &'a str,
    source: &'a str,
    url: &'a str,
}

/// One line of `--truth`.
#[derive(Serialize)]
struct Truth<'a> {
    id: &'a str,
    provinces: Vec<String>,
    countries: Vec<&'a str>,
    actors: Vec<&'a str>,
    year: i32,
}

impl Generator {
    /// The canonical names of what an article names, each once, in the
    /// order first named; the countries are those of its provinces and
    /// those named without a province.
    fn truth<'a>(&'a self, id: &'a str, chosen: &Chosen, year: i32) -> Truth<'a> {
        let world = &self.world;
        let mut truth = Truth {
            id,
            provinces: Vec::with_capacity(chosen.places.len()),
            countries: Vec::with_capacity(chosen.places.len()),
            actors: Vec::with_capacity(chosen.actors.len()),
            year,
        };
        for &place in &chosen.places {
            let country = match place {
                Entity::Province(h, p) => {
                    let home = &world.homes[h];
                    let province = format!("{}/{}", home.name, home.province_names[p]);
                    if !truth.provinces.contains(&province) {
                        truth.provinces.push(province);
                    }
                    home.name.as_str()
                }
                Entity::Country(c) => world.country_names[c].as_str(),
                Entity::Actor(_) => continue,
            };
            if !truth.countries.contains(&country) {
                truth.countries.push(country);
            }
        }
        for &actor in &chosen.actors {
            if let Entity::Actor(a) = actor {
                let name = world.actor_names[a].as_str();
                if !truth.actors.contains(&name) {
                    truth.actors.push(name);
                }
            }
        }
        truth
    }
}

#[derive(Default)]
struct Stats {
    files: u64,
    bytes: u64,
}

/// Folder sizes for the text layout, by (country, year) and by
/// (country, year, month).
struct Folders {
    years: Vec<u32>,
    months: Vec<u32>,
    /// How many files each month folder has received so far.
    written: Vec<u32>,
}

const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

impl Folders {
    fn year_slot(home: usize, day: Day) -> usize {
        home * YEARS + (day.year - FIRST_YEAR) as usize
    }

    fn month_slot(home: usize, day: Day) -> usize {
        Self::year_slot(home, day) * 12 + (day.month - 1) as usize
    }

    /// The folder (relative to the country's) of the next file of `meta`.
    fn next_dir(&mut self, meta: &Meta, dir: &mut String) {
        let day = meta.day;
        let _ = write!(dir, "{}", day.year);
        if self.years[Self::year_slot(meta.home, day)] <= MAX_PER_FOLDER {
            return;
        }
        let _ = write!(dir, "/{:02}", day.month);
        let slot = Self::month_slot(meta.home, day);
        let rank = self.written[slot];
        self.written[slot] += 1;
        if self.months[slot] > MAX_PER_FOLDER {
            let _ = write!(dir, "/{:02}", rank / MAX_PER_FOLDER + 1);
        }
    }
}

fn write_corpus(generator: &Generator, args: &Args) -> Result<Stats> {
    let homes = generator.world.homes.len();
    let mut folders = Folders {
        years: vec![0; homes * YEARS],
        months: vec![0; homes * YEARS * 12],
        written: vec![0; homes * YEARS * 12],
    };
    if args.layout != Layout::Jsonl {
        for n in 1..=args.articles {
            let meta = generator.meta(n, args.layout);
            if meta.txt {
                folders.years[Folders::year_slot(meta.home, meta.day)] += 1;
                folders.months[Folders::month_slot(meta.home, meta.day)] += 1;
            }
        }
    }

    let mut stats = Stats::default();
    let mut made_dirs: HashSet<PathBuf> = HashSet::new();
    let mut shard: Option<(BufWriter<File>, PathBuf)> = None;
    let mut shard_count = 0u64;
    let mut in_shard = 0u64;
    let (mut title, mut body) = (String::new(), String::new());
    let (mut text, mut dir, mut date, mut url, mut id) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    let mut line: Vec<u8> = Vec::new();
    let mut truth = match &args.truth {
        Some(path) => {
            let file =
                File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            Some((BufWriter::with_capacity(1 << 20, file), path.clone()))
        }
        None => None,
    };
    for n in 1..=args.articles {
        let meta = generator.meta(n, args.layout);
        let mut rng = Rng::stream(generator.seed, n, 2);
        let dateline = meta.txt && meta.style == Style::Dateline;
        let chosen = generator.article(&meta, dateline, &mut rng, &mut title, &mut body);
        let (source, _) = *rng.pick(SOURCES);
        date.clear();
        meta.day.iso(&mut date);
        url.clear();
        let _ = write!(
            url,
            "https://example.com/{}/{}/{}",
            slug(source),
            date.replace('-', "/"),
            n
        );

        if meta.txt {
            let home = &generator.world.homes[meta.home];
            dir.clear();
            folders.next_dir(&meta, &mut dir);
            let folder = args.out.join(&home.slug).join(&dir);
            if !made_dirs.contains(&folder) {
                fs::create_dir_all(&folder)
                    .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
                made_dirs.insert(folder.clone());
            }
            text.clear();
            let file_name = if meta.style == Style::Dateline {
                format!("wire-{n}.txt")
            } else {
                format!("{date}-{n}.txt")
            };
            if meta.style == Style::Header {
                let d = meta.day;
                let _ = match rng.below(10) {
                    0..=7 => writeln!(text, "date: {date}"),
                    8 => writeln!(
                        text,
                        "date: {date}T{:02}:{:02}:00Z",
                        rng.below(24),
                        rng.below(60)
                    ),
                    _ => writeln!(
                        text,
                        "date: {} {}, {}",
                        MONTHS[(d.month - 1) as usize],
                        d.day,
                        d.year
                    ),
                };
                if rng.chance(0.9) {
                    let _ = writeln!(text, "source: {source}");
                }
                if rng.chance(0.3) {
                    let _ = writeln!(text, "url: {url}");
                }
                text.push('\n');
            }
            text.push_str(&title);
            text.push_str("\n\n");
            text.push_str(&body);
            text.push('\n');
            let path = folder.join(&file_name);
            fs::write(&path, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            // The id raw_tantivy gives it: the path under DIR.
            id.clear();
            let _ = write!(id, "{}/{dir}/{file_name}", home.slug);
            stats.files += 1;
            stats.bytes += text.len() as u64;
        } else {
            if shard.is_none() {
                shard_count += 1;
                let feeds = args.out.join("feeds");
                fs::create_dir_all(&feeds)
                    .map_err(|e| format!("cannot create {}: {e}", feeds.display()))?;
                let path = feeds.join(format!("shard-{shard_count:04}.jsonl"));
                let file = File::create(&path)
                    .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
                shard = Some((BufWriter::with_capacity(1 << 20, file), path));
                stats.files += 1;
            }
            id.clear();
            let _ = write!(id, "gen-{}-{n}", generator.seed);
            let record = Record {
                id: &id,
                title: &title,
                body: &body,
                date: &date,
                source,
                url: &url,
            };
            line.clear();
            serde_json::to_writer(&mut line, &record)
                .map_err(|e| format!("cannot encode article {n}: {e}"))?;
            line.push(b'\n');
            if let Some((writer, path)) = shard.as_mut() {
                writer
                    .write_all(&line)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            stats.bytes += line.len() as u64;
            in_shard += 1;
            if in_shard == args.shard_size {
                close_shard(shard.take())?;
                in_shard = 0;
            }
        }
        if let Some((writer, path)) = truth.as_mut() {
            line.clear();
            serde_json::to_writer(&mut line, &generator.truth(&id, &chosen, meta.day.year))
                .map_err(|e| format!("cannot encode the truth of article {n}: {e}"))?;
            line.push(b'\n');
            writer
                .write_all(&line)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    close_shard(shard.take())?;
    close_shard(truth)?;
    Ok(stats)
}

fn close_shard(shard: Option<(BufWriter<File>, PathBuf)>) -> Result<()> {
    if let Some((writer, path)) = shard {
        writer
            .into_inner()
            .map_err(|e| format!("cannot write {}: {}", path.display(), e.error()))?;
    }
    Ok(())
}
