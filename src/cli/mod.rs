//! The command line: what the user typed (clap), and the settings it
//! resolves to. Only this file and `main.rs` know about clap, the
//! environment and the terminal.

pub mod config;
pub mod man;
pub mod run;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use sitrep::{By, FacetKind, Matching, OutputFormat};

const EXAMPLES: &str = "\
Examples:
  sitrep index sample-corpus                     build or update the index
  sitrep search ISIS --province Ninawa           ISIS in Nineveh, by any spelling
  sitrep search 'hunt for the Kirkuk bombers'    natural language works too
  sitrep search ISIS --actor-kind 'state force' ISIS where state forces take part
  sitrep search '' --actor al-Shabaab --not-country Somalia   al-Shabaab outside Somalia
  sitrep search '' --where 'actor:Hamas AND actor:IDF'   both in the same article
  sitrep facets --field actor --region Sahel     who takes part in the Sahel
  sitrep facets --mentioned-province Baghdad     event places of articles naming Baghdad
  sitrep search Houthis --sort date --since 2020 newest first, from 2020 on
  sitrep search airstrike --format csv > hits.csv   a table for a spreadsheet
  sitrep facets --field year --by month          a timeline of the whole index
  sitrep facets --field actor --by province      who, where: a table
  sitrep extract new-article.txt --explain       check what the gazetteers see
  sitrep export --target quickwit to-cluster     the articles for a cluster engine

Settings: flags win over SITREP_INDEX, SITREP_LIMIT, SITREP_COLOR and
SITREP_SCHEMA, which win over the config file (SITREP_CONFIG, else
~/.config/sitrep/config.toml), e.g.:
  index = \"~/news/sitrep-index\"
  limit = 20
  color = \"never\"";

/// Full-text search over conflict news, with province, actor and year facets.
#[derive(Debug, Parser)]
#[command(name = "sitrep", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index the articles under PATHs (only what changed, on an existing index).
    Index(IndexArgs),
    /// Search the index, ranked by relevance, with facet filters and counts.
    Search(SearchArgs),
    /// Count the values of a facet over the index or a query's matches.
    Facets(FacetsArgs),
    /// Show what the indexer extracts from articles, without indexing them.
    Extract(ExtractArgs),
    /// Print a stored article by its id, its file, or FILE#ID.
    Show(ShowArgs),
    /// Numbers about the index: articles, dated, size, versions.
    Stats(StatsArgs),
    /// Write the index's articles for Quickwit or OpenSearch: the index
    /// definition and NDJSON files (only what changed since the last export).
    Export(ExportArgs),
    /// Work with the gazetteers.
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// Example: sitrep completions bash > ~/.local/share/bash-completion/completions/sitrep
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), made from the same definitions as --help.
    ///
    /// Example: sitrep man > sitrep.1 && man ./sitrep.1
    Man,
}

/// Where the index lives.
#[derive(Debug, Args)]
pub struct IndexLocation {
    /// The index folder [env: SITREP_INDEX] [default: sitrep-index]
    ///
    /// Where the index is written and read. Without this flag: the
    /// SITREP_INDEX environment variable, else `index` in the config file,
    /// else `sitrep-index` in the current folder. Example: --index ~/news/index
    #[arg(long, value_name = "DIR", global = true)]
    pub index: Option<PathBuf>,
}

/// Where `sitrep search --remote` sends a search.
#[derive(Debug, Default, Args)]
pub struct RemoteArgs {
    /// Search a Quickwit or OpenSearch index instead of a local one
    ///
    /// The engine's address; the index is one `sitrep export` wrote (see
    /// the README, "When one machine is not enough"). Same queries,
    /// filters, paging, sorting and formats; the gazetteers and schema
    /// are read from --schema (else `schema` in the config file, else the
    /// built-in ones). Also `remote` in the config file.
    /// Example: --remote http://127.0.0.1:7280
    #[arg(long, value_name = "URL")]
    pub remote: Option<String>,
    /// The remote index name [default: sitrep]
    ///
    /// Also `remote_index` in the config file. Example: --remote-index news
    #[arg(long, value_name = "NAME")]
    pub remote_index: Option<String>,
    /// The remote engine: quickwit or opensearch [default: ask the server]
    ///
    /// Also `remote_engine` in the config file. Example: --remote-engine opensearch
    #[arg(long, value_name = "ENGINE")]
    pub remote_engine: Option<String>,
    /// Seconds to wait for each answer of the remote engine [default: 30]
    ///
    /// Example: --remote-timeout 5
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub remote_timeout: Option<u64>,
    /// The index-schema folder whose gazetteers resolve aliases remotely
    ///
    /// Use the one the exported index was built with. Example: --schema my-schema
    #[arg(long, value_name = "DIR", requires = "remote")]
    pub schema: Option<PathBuf>,
}

/// `sitrep index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folders or files of articles
    ///
    /// Formats: .txt .md .json .jsonl, web pages (.html .htm), RSS and Atom
    /// feeds (.xml .rss .atom), tables (.csv .tsv), mail (.eml .mbox), PDF
    /// reports (.pdf) and web archives (.warc), any of them compressed
    /// (.gz .zst).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Build a fresh index and swap it in when complete
    ///
    /// Without it, an existing index is updated: new files added, changed
    /// ones re-indexed, vanished ones removed. The old index stays usable
    /// until the new one is complete. Example: sitrep index --rebuild ~/news
    #[arg(long)]
    pub rebuild: bool,
    /// The index-schema folder (schema and gazetteers) [env: SITREP_SCHEMA]
    ///
    /// Default: `schema` in the config file, else the source an existing
    /// index was built from (that folder read again, or the built-in copy),
    /// else ./index-schema when it holds a schema.toml, else the copy built
    /// into sitrep. It is recorded in the index. Example: --schema ~/my-gazetteers
    #[arg(long, value_name = "DIR")]
    pub schema: Option<PathBuf>,
    /// Keep running and index files as they are added, changed or removed
    ///
    /// Bursts of changes are gathered into one commit; a line is printed per
    /// commit, counting the files looked at: each update looks only at the
    /// files and folders that changed. Stop with Ctrl-C. When the inotify
    /// watch limit is too low (at the start, or once new folders reach it),
    /// or with
    /// SITREP_WATCH_POLL=SECONDS (network file systems), it looks for
    /// changes every 30 s (or SECONDS) instead, and says how to raise the
    /// limit. Example: sitrep index --watch ~/news
    #[arg(long, conflicts_with = "rebuild")]
    pub watch: bool,
    /// Which columns of .csv and .tsv files hold the text, title, date, id
    ///
    /// ROLE=HEADER pairs, the roles being text, title, date, id, url and
    /// source. A role not named, or named but missing from a table, is
    /// found from common header names (text, body, notes, content; title,
    /// headline; date, published, event_date; id, event_id_cnty), and a
    /// table with no text column is reported. Recorded in the index: later runs use the same columns,
    /// and other columns re-read the tables. Example: --columns
    /// text=Summary,date=When,title=Headline_EN,id=Ref
    #[arg(long, value_name = "ROLE=HEADER,...", value_parser = parse_columns)]
    pub columns: Option<sitrep::Columns>,
    /// Merge the index's segments into one after the update
    ///
    /// Segments are merged as the index grows; a search visits each, so
    /// one segment is the fastest to search, at the cost of rewriting the
    /// whole index once. `sitrep stats` lists the segments. Example:
    /// sitrep index ~/news --optimize
    #[arg(long)]
    pub optimize: bool,
    /// Memory for the index writer, in MB
    ///
    /// The writer flushes a segment when its budget is used up, so memory
    /// stays bounded whatever the corpus size. Each file is read whole on
    /// top of that budget: files over 64 MB are skipped as too large (split
    /// a bigger JSON Lines feed). When memory runs out all the same, the
    /// run ends with a message and exit status 2; the index keeps its last
    /// commit. Example: --memory 64
    #[arg(long, value_name = "MB", default_value_t = 128)]
    pub memory: usize,
    /// List each file passed over, with the reason
    ///
    /// Other formats, XML files that are not feeds, hidden files and
    /// folders, symbolic links, a sitrep index inside a PATH; then how many
    /// segment files were checked.
    /// Off by default: the summary only counts them by reason.
    /// Example: sitrep index -v ~/news
    #[arg(short, long)]
    pub verbose: bool,
    /// Print only problems: no progress bar, no summary
    ///
    /// On a terminal, indexing shows a progress bar (files and articles
    /// done, rate, time left) on stderr; it never shows when stderr is not
    /// a terminal. Example: sitrep index -q ~/news (for cron jobs)
    #[arg(short, long)]
    pub quiet: bool,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Facet filters, shared by `search` and `facets`.
#[derive(Debug, Args)]
pub struct Filters {
    /// Only articles about events in this province (any alias; repeat to OR)
    ///
    /// A first-level division by any spelling (Ninawa, Ninewa, نينوى), a
    /// city inside one (Mosul), or Country/Province; a region's name
    /// (Darfur) stands for its provinces. Only where the
    /// reported events happen counts, not a dateline, a capital speaking
    /// for its government or a background mention (see
    /// --mentioned-province). Example: --province ninawa
    #[arg(long, value_name = "NAME")]
    pub province: Vec<String>,
    /// Only articles about events in this country (repeat to OR)
    ///
    /// Any name or demonym the gazetteer knows. Example: --country Yemen
    #[arg(long, value_name = "NAME")]
    pub country: Vec<String>,
    /// Only articles about events in this region (any alias; repeat to OR)
    ///
    /// A region of index-schema/gazetteers/regions.toml: Sahel, Lake Chad
    /// Basin, Horn of Africa, Great Lakes, Darfur, Donbas, Kurdistan
    /// Region, Levant, Maghreb, Gulf, Caucasus, Balkans, Kashmir…; an
    /// article counts when an event place is one of its countries or
    /// provinces. Example: --region Sahel
    #[arg(long, value_name = "NAME")]
    pub region: Vec<String>,
    /// Only articles where this actor takes part (any alias; repeat to OR)
    ///
    /// A parent includes its children: --actor "Islamic State" finds
    /// ISWAP too. Example: --actor daesh (the same as --actor ISIS)
    #[arg(long, value_name = "NAME")]
    pub actor: Vec<String>,
    /// Only articles whose event actors include one of this kind (repeat to OR)
    ///
    /// A kind the gazetteers know: state force, police, intelligence,
    /// rebel group, jihadist group, militia, international force…
    /// Example: --actor-kind "jihadist group"
    #[arg(long, value_name = "KIND")]
    pub actor_kind: Vec<String>,
    /// Only articles mentioning this province in any role (repeat to OR)
    ///
    /// As --province, but any mention counts: a dateline, a capital
    /// speaking ("Baghdad said"), background. Example: --mentioned-province Baghdad
    #[arg(long, value_name = "NAME")]
    pub mentioned_province: Vec<String>,
    /// Only articles mentioning this country in any role (repeat to OR)
    ///
    /// As --country, but any mention counts. Example: --mentioned-country Iran
    #[arg(long, value_name = "NAME")]
    pub mentioned_country: Vec<String>,
    /// Only articles mentioning this actor in any role (any alias; repeat to OR)
    ///
    /// As --actor, but any mention counts: denied, quoted, background.
    /// Example: --mentioned-actor "Boko Haram"
    #[arg(long, value_name = "NAME")]
    pub mentioned_actor: Vec<String>,
    /// Leave out articles about events in this province (any alias, or a region; repeatable)
    ///
    /// Example: --actor al-Shabaab --not-province Banadir
    #[arg(long, value_name = "NAME")]
    pub not_province: Vec<String>,
    /// Leave out articles about events in this country (repeatable)
    ///
    /// Example: --actor al-Shabaab --not-country Somalia (al-Shabaab
    /// outside Somalia)
    #[arg(long, value_name = "NAME")]
    pub not_country: Vec<String>,
    /// Leave out articles about events in this region (repeatable)
    ///
    /// Example: --actor JNIM --not-region Sahel
    #[arg(long, value_name = "NAME")]
    pub not_region: Vec<String>,
    /// Leave out articles where this actor takes part (any alias; repeatable)
    ///
    /// A parent leaves out its children too. Example: --actor Hamas
    /// --not-actor "Palestinian Islamic Jihad"
    #[arg(long, value_name = "NAME")]
    pub not_actor: Vec<String>,
    /// Leave out articles whose event actors include one of this kind (repeatable)
    ///
    /// Example: --actor-kind "jihadist group" --not-actor-kind "state force"
    #[arg(long, value_name = "KIND")]
    pub not_actor_kind: Vec<String>,
    /// Only articles matching a boolean expression over the facets
    ///
    /// field:value tests joined by AND, OR, NOT (capitals) and brackets;
    /// quote a value of several words. Fields: province, country, region,
    /// actor, actor-kind (or kind), year, mentioned-province,
    /// mentioned-country, mentioned-actor; a value resolves as the flag
    /// of its field does (any alias, a region, a kind). AND'ed with the
    /// other filters. Example: --where 'actor:Hamas AND actor:"Israel
    /// Defense Forces" AND NOT country:Egypt'
    #[arg(long = "where", value_name = "EXPR")]
    pub where_expr: Option<String>,
    /// Only articles published this year (repeat to OR)
    ///
    /// Example: --year 2016 --year 2017
    #[arg(long, value_name = "YYYY")]
    pub year: Vec<String>,
    /// Only articles published in or after DATE: a year, month or day, or a time back from today
    ///
    /// 2021 means from 1 January 2021, 2021-03 from 1 March, 2021-03-15
    /// from that day; 30d, 2w, 6m and 1y count back from today (UTC), and
    /// yesterday and today are days too. Undated articles are left out.
    /// Example: --since 30d
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles published in or before DATE: a year, month or day, or a time back from today
    ///
    /// 2021 means until 31 December 2021, 2021-03 until 31 March, and
    /// 2021-03-15 until the end of that day; 6m until the end of the day
    /// six months ago. Example: --until 2022
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: aligned, fitted to the terminal, highlighted.
    Text,
    /// JSON Lines for programs (documented in the README).
    Json,
    /// Comma-separated values for spreadsheets (RFC 4180).
    Csv,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortBy {
    /// Best match first.
    Relevance,
    /// Newest first; undated articles last.
    #[value(alias = "newest")]
    Date,
    /// Oldest first; undated articles last.
    Oldest,
}

/// A count typed by a user (`--limit`, `--offset`): a whole number, 0 or
/// more, said plainly when it is not (clap would suggest `-- -1`).
fn count_parser(value: &str) -> Result<usize, String> {
    match value.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("{n} is negative: give 0 or more")),
        Ok(n) => usize::try_from(n).map_err(|_| format!("{n} is too large")),
        Err(_) => Err(format!("{value:?} is not a whole number")),
    }
}

/// `sitrep search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", -exclusions, field:term
    ///
    /// Several words need no quotes: `sitrep search ISIS Mosul` is one
    /// query. Articles with all the words come first, then those with most
    /// of them (marked partial). Punctuation inside words is text (Sana'a,
    /// al-Qa'ida, U.S., Kirkuk/Hawija); only quotes, a leading + or -,
    /// field:, AND/OR/NOT in capitals and brackets are syntax.
    /// Example: '"car bomb"' Kirkuk -Baghdad
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Words to leave out, typed as `-word` among the query's words (see
    /// [`with_exclusions_marked`]).
    #[arg(long = EXCLUDED_WORD, value_name = "WORD", hide = true)]
    pub excluded: Vec<String>,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub location: IndexLocation,
    /// How many hits to show [env: SITREP_LIMIT] [default: 10]
    ///
    /// Also `limit` in the config file. 0 shows no hits, only the counts.
    /// Example: -n 25
    #[arg(short = 'n', long, value_name = "N", allow_negative_numbers = true, value_parser = count_parser)]
    pub limit: Option<usize>,
    /// Pass over the first N hits (for paging)
    ///
    /// Example: -n 10 --offset 10 shows hits 11 to 20.
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true, value_parser = count_parser)]
    pub offset: usize,
    /// How many values of each facet the summary lists [default: 10]
    ///
    /// 0 lists them all. The lines end with how many more there are.
    /// Example: --facet-limit 3
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count_parser)]
    pub facet_limit: Option<usize>,
    /// The order of hits: relevance, date (newest first) or oldest
    ///
    /// `date` (or `newest`) puts the newest first, `oldest` the oldest;
    /// undated articles come last in both. When too few articles have
    /// every word, the page is filled with those having most of them,
    /// as by relevance. The facet counts do not change. Example: --sort oldest
    #[arg(long, value_enum, default_value_t = SortBy::Relevance, value_name = "ORDER")]
    pub sort: SortBy,
    /// Only articles with every word of the query
    ///
    /// Stop words too (the, of, in). Example: --all 'attack on the convoy'
    #[arg(long, conflicts_with = "any")]
    pub all: bool,
    /// Rank articles with any of the words
    ///
    /// Example: --any Kirkuk Hawija Tuz
    #[arg(long)]
    pub any: bool,
    /// Do not widen names of actors and provinces to their other aliases
    ///
    /// By default a query word that names an actor or province by any alias
    /// (Daesh, Ninawa) also finds articles tagged with it under another name
    /// (ISIS, Nineveh); the output says so. Example: --no-expand Daesh
    #[arg(long)]
    pub no_expand: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// Output format: text, json or csv [default: text]
    ///
    /// json: JSON Lines (hits, facet counts, a summary; see the README).
    /// csv: one row per hit with id, date, title, provinces, actors, path,
    /// score. Example: --format csv > hits.csv
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// The same as --format json
    ///
    /// Example: --json | jq .data.title
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// When to use colour: auto, always, never [env: SITREP_COLOR] [default: auto]
    ///
    /// auto: on a terminal, unless NO_COLOR is set. Also `color` in the
    /// config file, which NO_COLOR beats. Example: --color never
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorWhen>,
}

impl SearchArgs {
    /// The matching strategy chosen.
    pub fn matching(&self) -> Matching {
        if self.all {
            Matching::All
        } else if self.any {
            Matching::Any
        } else {
            Matching::Last
        }
    }

    /// The output format chosen.
    pub fn format(&self) -> Format {
        output_format(self.format, self.json)
    }

    /// The query as one text: several words without quotes are one query.
    pub fn query_text(&self) -> String {
        query_text(&self.query, &self.excluded)
    }
}

/// The words of a query typed as several arguments, joined, with the words
/// to leave out after them.
pub fn query_text(words: &[String], excluded: &[String]) -> String {
    let mut text = words.join(" ");
    for word in excluded {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push('-');
        text.push_str(word);
    }
    text
}

/// The hidden option that carries a `-word` typed among a query's words.
const EXCLUDED_WORD: &str = "excluded-word";

/// The command line with each `-word` among the query words of `search`
/// and `facets` turned into `--excluded-word=word`, so that clap reads
/// options as options (`-i`, `--limit -1` are refused as such, not
/// searched for) while `sitrep search Kirkuk -Baghdad` still leaves out
/// Baghdad. A word is an exclusion when it is not an option of the
/// command, not an option's value, and has at least two characters after
/// its minus sign; everything after `--` is left alone.
pub fn with_exclusions_marked(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let command = Cli::command();
    // The subcommand is the first word that is not an option.
    let Some(position) = args
        .iter()
        .skip(1)
        .position(|a| !a.to_string_lossy().starts_with('-'))
        .map(|p| p + 1)
        .filter(|&p| args.get(p).is_some_and(|a| a == "search" || a == "facets"))
    else {
        return args;
    };
    let name = args
        .get(position)
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(sub) = command.find_subcommand(&name) else {
        return args;
    };
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let long_takes_value = |name: &str| {
        sub.get_arguments()
            .find(|a| {
                a.get_long() == Some(name)
                    || a.get_all_aliases().is_some_and(|al| al.contains(&name))
            })
            .map(takes_value)
    };
    let short_takes_value = |c: char| {
        sub.get_arguments()
            .find(|a| a.get_short() == Some(c))
            .map(takes_value)
    };
    let mut out: Vec<std::ffi::OsString> = args.iter().take(position + 1).cloned().collect();
    let mut rest = args.into_iter().skip(position + 1);
    let mut value_next = false;
    while let Some(arg) = rest.next() {
        let text = arg.to_string_lossy().into_owned();
        if text == "--" {
            out.push(arg);
            out.extend(rest);
            break;
        }
        if std::mem::take(&mut value_next) {
            out.push(arg);
            continue;
        }
        if let Some(long) = text.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            value_next = !long.contains('=') && long_takes_value(name) == Some(true);
            out.push(arg);
            continue;
        }
        let mut chars = text.chars();
        match (chars.next(), chars.next(), chars.next()) {
            (Some('-'), Some(c), third) => match short_takes_value(c) {
                // `-n 5`, `-n5`, `-h`: an option of the command.
                Some(takes) => {
                    value_next = takes && third.is_none();
                    out.push(arg);
                }
                // `-Baghdad`, `-"car bomb"`: a word to leave out.
                None if third.is_some() => {
                    out.push(format!("--{EXCLUDED_WORD}={}", &text[1..]).into());
                }
                // `-i`: left for clap to refuse.
                None => out.push(arg),
            },
            _ => out.push(arg),
        }
    }
    out
}
/// `--format`, with `--json` standing for `--format json`.
impl From<Format> for OutputFormat {
    fn from(format: Format) -> OutputFormat {
        match format {
            Format::Text => OutputFormat::Text,
            Format::Json => OutputFormat::Json,
            Format::Csv => OutputFormat::Csv,
        }
    }
}

fn output_format(format: Option<Format>, json: bool) -> Format {
    match (format, json) {
        (Some(f), _) => f,
        (None, true) => Format::Json,
        (None, false) => Format::Text,
    }
}

/// `--field`: a facet kind, parsed straight into the library's type.
fn facet_kind_parser() -> impl clap::builder::TypedValueParser<Value = FacetKind> {
    PossibleValuesParser::new(facet_values()).try_map(|s| s.parse::<FacetKind>())
}

/// `--by`: a facet kind, or `month`.
fn by_parser() -> impl clap::builder::TypedValueParser<Value = By> {
    let mut values = vec![PossibleValue::new("month")
        .help("Months of publication (with --field year: a monthly timeline)")];
    values.extend(facet_values());
    PossibleValuesParser::new(values).try_map(|s| match s.as_str() {
        "month" => Ok(By::Month),
        other => other.parse::<FacetKind>().map(By::Facet),
    })
}

/// The facet kinds as possible values, with their help.
fn facet_values() -> Vec<PossibleValue> {
    FacetKind::ALL
        .into_iter()
        .map(|kind| {
            PossibleValue::new(kind.name()).help(match kind {
                FacetKind::Province => "Country/Province",
                FacetKind::Country => "Country",
                FacetKind::Region => "Regions of regions.toml (Sahel, Darfur, Donbas…)",
                FacetKind::Actor => "Armed groups, forces, agencies (a tree)",
                FacetKind::ActorKind => "Kinds of the event actors",
                FacetKind::Year => "Publication year",
            })
        })
        .collect()
}

/// `sitrep facets`.
#[derive(Debug, Args)]
pub struct FacetsArgs {
    /// Count over this query's matches (default: the whole index)
    ///
    /// The same articles whose counts `sitrep search` prints. Example: 'car bomb'
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Words to leave out (see [`SearchArgs::excluded`]).
    #[arg(long = EXCLUDED_WORD, value_name = "WORD", hide = true)]
    pub excluded: Vec<String>,
    /// The facet to count
    ///
    /// `year` draws a timeline as a bar chart. Example: --field actor
    #[arg(long, value_parser = facet_kind_parser(), default_value = "province", value_name = "FIELD")]
    pub field: FacetKind,
    /// Count by a second facet: a table of --field × --by, or with
    /// --field year, `month` for a monthly timeline
    ///
    /// Years in a table run oldest first (the latest kept).
    /// Example: --field actor --by province (who, where);
    /// --field year --by month (a timeline by month).
    #[arg(long, value_parser = by_parser(), value_name = "FIELD")]
    pub by: Option<By>,
    /// How many values to list, or rows of a table [default: all; 10 rows]
    ///
    /// Example: --top 5
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// How many columns a table has at most [default: 8, or what fits]
    ///
    /// On a terminal, fewer when they do not fit. Example: --columns 4
    #[arg(long, value_name = "N")]
    pub columns: Option<usize>,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Output format: text, json or csv [default: text]
    ///
    /// Example: --field year --format csv > timeline.csv
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// The same as --format json
    ///
    /// Example: --json | jq .data.title
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// When to use colour: auto, always, never [env: SITREP_COLOR] [default: auto]
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorWhen>,
}

impl FacetsArgs {
    /// The output format chosen.
    pub fn format(&self) -> Format {
        output_format(self.format, self.json)
    }
}

/// `sitrep extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Article files or folders
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The index-schema folder [env: SITREP_SCHEMA]
    ///
    /// Default: `schema` in the config file, else ./index-schema when it
    /// holds a schema.toml, else the copy built into sitrep. Example:
    /// --schema ~/my-gazetteers
    #[arg(long, value_name = "DIR")]
    pub schema: Option<PathBuf>,
    /// Which columns of .csv and .tsv files hold the text, title, date, id
    ///
    /// ROLE=HEADER pairs, the roles being text, title, date, id, url and
    /// source. A role not named, or named but missing from a table, is
    /// found from common header names (text, body, notes, content; title,
    /// headline; date, published, event_date; id, event_id_cnty), and a
    /// table with no text column is reported. Example: --columns
    /// text=Summary,date=When,title=Headline_EN,id=Ref
    #[arg(long, value_name = "ROLE=HEADER,...", value_parser = parse_columns)]
    pub columns: Option<sitrep::Columns>,
    /// Show each matched name, what it counted as, and its role
    ///
    /// Each name's role (event, dateline, attribution, modifier,
    /// reference, quote, negated, background, destination, name-part) and
    /// the rule of index-schema/gazetteers/roles.toml that decided it;
    /// only event names fill the facets. Also the names left out, and why
    /// (an ambiguous name with no context). Example: sitrep extract
    /// new.txt --explain
    #[arg(long)]
    pub explain: bool,
    /// Print one JSON object per article
    ///
    /// Fields: id, title, date, year, provinces and actors (the event
    /// values), path, mentions (each with kind, value, role, offset, rule,
    /// text), and explained with --explain. Example: --json | jq
    /// '.mentions[] | select(.role != "event")'
    #[arg(long)]
    pub json: bool,
}

/// `sitrep show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article: its id, its file as search prints it, or FILE#ID
    ///
    /// The id is printed under each hit; a file path may be relative to
    /// the current folder or absolute; a record of a file of many
    /// articles (JSON, JSON Lines, feed, table, mailbox, web archive) is
    /// FILE#ID (or FILE#N, its line or position, when it has no id). A file of several articles lists their ids and exits 2.
    /// Example: sitrep show corpus/feeds/yemen.jsonl#ye-1
    #[arg(value_name = "ARTICLE")]
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print a JSON object
    ///
    /// Fields: id, title, date, source, url, path, provinces, actors,
    /// body. Example: sitrep show yw-2022-0402 --json
    #[arg(long)]
    pub json: bool,
}

/// `sitrep stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print a JSON object
    ///
    /// Example: sitrep stats --json | jq .articles
    #[arg(long)]
    pub json: bool,
}

/// The cluster engine `sitrep export` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Quickwit 0.9: quickwit-index.yaml, ingest API files, delete tasks.
    Quickwit,
    /// OpenSearch: opensearch-index.json and _bulk API files.
    Opensearch,
}

impl From<Target> for sitrep::ExportTarget {
    fn from(target: Target) -> sitrep::ExportTarget {
        match target {
            Target::Quickwit => sitrep::ExportTarget::Quickwit,
            Target::Opensearch => sitrep::ExportTarget::OpenSearch,
        }
    }
}

/// `sitrep export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The export folder: new, empty, or one an earlier export to the same
    /// engine wrote
    ///
    /// It gets the index definition (quickwit-index.yaml or
    /// opensearch-index.json), a folder per run (export-00001/,
    /// export-00002/…) holding the documents as NDJSON parts under 10 MB
    /// (part-00001.ndjson…) and the ids to delete (delete-ids.txt, with
    /// delete-tasks.ndjson for Quickwit or delete.ndjson for OpenSearch),
    /// and export-state.tsv, what was exported so far.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    /// The engine: quickwit or opensearch
    ///
    /// Quickwit: documents for the ingest API, one JSON object a line; a
    /// changed article is deleted (delete tasks) and ingested again.
    /// OpenSearch: _bulk files, an index action before each document.
    /// Example: --target opensearch
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub target: Target,
    #[command(flatten)]
    pub location: IndexLocation,
    /// The index name in the Quickwit index config [default: sitrep]
    ///
    /// 3 to 255 letters, digits, `-`, `_` or `.`, starting with a letter.
    /// Example: --remote-index news
    #[arg(long, value_name = "NAME")]
    pub remote_index: Option<String>,
    /// Export every article again, as a new full run
    ///
    /// Without it, a run writes only the articles new or changed since the
    /// last export to OUT, and the ids of those gone; when nothing changed
    /// it writes nothing. For Quickwit, a full run also lists every
    /// article exported before for deletion, so none is held twice.
    /// Example: sitrep export --target quickwit --full to-cluster
    #[arg(long)]
    pub full: bool,
    /// Print only problems: no summary
    ///
    /// Example: sitrep export -q --target quickwit to-cluster (for cron jobs)
    #[arg(short, long)]
    pub quiet: bool,
}

/// `sitrep gazetteer …`.
#[derive(Debug, Subcommand)]
pub enum GazetteerCommand {
    /// Validate the gazetteer files; report problems with file and line.
    Check {
        /// The index-schema folder [env: SITREP_SCHEMA]
        ///
        /// Default: `schema` in the config file, else ./index-schema when
        /// it holds a schema.toml, else the copy built into sitrep.
        /// Example: --schema ~/my-gazetteers
        #[arg(long, value_name = "DIR")]
        schema: Option<PathBuf>,
    },
    /// Write the built-in index-schema (schema and gazetteers) to DIR, to edit.
    ///
    /// DIR must be new or empty. Then index with --schema DIR; the index
    /// records the folder, and later runs read it again.
    /// Example: sitrep gazetteer export my-schema
    Export {
        /// The folder to write (new or empty)
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Reads a `--columns` value.
fn parse_columns(spec: &str) -> Result<sitrep::Columns, String> {
    sitrep::Columns::parse(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::config::{self, Config};
    use clap::CommandFactory;
    use std::path::Path;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn repeated_filters_collect() {
        let cli = Cli::parse_from([
            "sitrep",
            "search",
            "x",
            "--province",
            "a",
            "--province",
            "b",
            "--year",
            "2020",
        ]);
        let Command::Search(args) = cli.command else {
            panic!("not a search")
        };
        assert_eq!(args.filters.province, vec!["a", "b"]);
        assert_eq!(args.filters.year, vec!["2020"]);
        assert_eq!(args.limit, None);
        assert_eq!(args.matching(), Matching::Last);
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(with_exclusions_marked(
            args.iter().map(std::ffi::OsString::from).collect(),
        ))
    }

    #[test]
    fn a_query_may_start_with_an_exclusion() {
        for args in [
            &["sitrep", "search", "-Mosul", "--json"][..],
            &["sitrep", "search", "--json", "-Mosul"][..],
            &["sitrep", "search", "--index", "i", "-Mosul", "--json"][..],
        ] {
            let Ok(Cli {
                command: Command::Search(s),
            }) = parse(args)
            else {
                panic!("not a search: {args:?}")
            };
            assert_eq!(s.query_text(), "-Mosul");
            assert_eq!(s.format(), Format::Json);
        }
    }

    #[test]
    fn options_are_options_and_words_are_words() {
        let query = |args: &[&str]| match parse(args) {
            Ok(Cli {
                command: Command::Search(s),
            }) => Ok((s.query_text(), s.limit)),
            Ok(_) => panic!("not a search"),
            Err(e) => Err(e.kind()),
        };
        assert_eq!(
            query(&["sitrep", "search", "ISIS", "Mosul", "-n", "5", "-Baghdad"]),
            Ok(("ISIS Mosul -Baghdad".into(), Some(5)))
        );
        assert_eq!(
            query(&["sitrep", "search", "x", "-n5"]),
            Ok(("x".into(), Some(5)))
        );
        // An option's value is not a word, whatever it looks like.
        assert!(query(&["sitrep", "search", "x", "-n", "-Baghdad"]).is_err());
        assert_eq!(
            query(&["sitrep", "search", "--", "-i", "x"]).map(|q| q.0),
            Ok("-i x".into())
        );
        assert!(query(&["sitrep", "search", "-i", "x"]).is_err());
        assert!(query(&["sitrep", "search", "x", "--limt", "3"]).is_err());
        assert!(query(&["sitrep", "search", "x", "--limit", "-1"]).is_err());
    }

    #[test]
    fn export_takes_a_target_and_a_folder() {
        let cli = Cli::parse_from([
            "sitrep",
            "export",
            "--target",
            "opensearch",
            "out",
            "--full",
            "--remote-index",
            "news",
        ]);
        let Command::Export(args) = cli.command else {
            panic!("not export")
        };
        assert_eq!(args.target, Target::Opensearch);
        assert_eq!(args.out, PathBuf::from("out"));
        assert!(args.full);
        assert_eq!(args.remote_index.as_deref(), Some("news"));
        assert!(Cli::try_parse_from(["sitrep", "export", "out"]).is_err());
        assert!(Cli::try_parse_from(["sitrep", "export", "--target", "solr", "out"]).is_err());
    }

    #[test]
    fn all_and_any_conflict() {
        assert!(Cli::try_parse_from(["sitrep", "search", "x", "--all", "--any"]).is_err());
    }

    #[test]
    fn index_flag_wins_over_default() {
        let cli = Cli::parse_from(["sitrep", "stats", "--index", "some/index"]);
        let Command::Stats(args) = cli.command else {
            panic!("not stats")
        };
        let config = Config {
            index: Some(PathBuf::from("elsewhere")),
            ..Config::default()
        };
        assert_eq!(
            config::index_dir(&args.location, &config),
            PathBuf::from("some/index")
        );
    }

    #[test]
    fn config_files_are_read_with_paths_resolved() {
        let config = Config::parse(
            "index = \"~/news/index\"\nlimit = 25\ncolor = \"never\"\nschema = \"schema\"\n",
            Path::new("conf/config.toml"),
            Some(Path::new("home")),
        )
        .unwrap();
        assert_eq!(config.index, Some(PathBuf::from("home/news/index")));
        assert_eq!(config.schema, Some(PathBuf::from("conf/schema")));
        assert_eq!(config.limit, Some(25));
        assert_eq!(config.color, Some(ColorWhen::Never));
    }

    #[test]
    fn config_mistakes_name_the_file_and_line() {
        let err = Config::parse("limit = 5\ncolour = \"never\"\n", Path::new("c.toml"), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("c.toml:2"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }
}
