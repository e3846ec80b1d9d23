//! The command line: what the user typed (clap), and the settings it
//! resolves to. Only this file and `main.rs` know about clap, the
//! environment and the terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use sitrep::render::Style;
use sitrep::schema::SchemaFiles;
use sitrep::search::Matching;

const EXAMPLES: &str = "\
Examples:
  sitrep index sample-corpus                     build or update the index
  sitrep search ISIS --province Ninawa           ISIS in Nineveh, by any spelling
  sitrep search 'hunt for the Kirkuk bombers'    natural language works too
  sitrep search '\"suicide bomber\" -Baghdad' --year 2016 --year 2017
  sitrep facets --field actor                    who the corpus is about
  sitrep extract new-article.txt --explain       check what the gazetteers see";

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
    /// Print a stored article by its id.
    Show(ShowArgs),
    /// Numbers about the index: articles, dated, size, versions.
    Stats(StatsArgs),
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
    /// Where the index is written and read. Without this flag, the
    /// SITREP_INDEX environment variable, else `sitrep-index` in the current
    /// folder. Example: --index ~/news/index
    #[arg(long, value_name = "DIR", global = true)]
    pub index: Option<PathBuf>,
}

impl IndexLocation {
    /// The folder, resolved from the flag, the environment, or the default.
    pub fn dir(&self) -> PathBuf {
        self.index
            .clone()
            .or_else(|| {
                std::env::var_os("SITREP_INDEX")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from("sitrep-index"))
    }
}

/// `sitrep index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folders or files of articles (.txt, .md, .json, .jsonl)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Build a fresh index and swap it in when complete
    ///
    /// Without it, an existing index is updated: new files added, changed
    /// ones re-indexed, vanished ones removed. The old index stays usable
    /// until the new one is complete.
    #[arg(long)]
    pub rebuild: bool,
    /// The index-schema folder (schema and gazetteers) [env: SITREP_SCHEMA]
    ///
    /// Default: ./index-schema, else the one beside the sitrep program.
    #[arg(long, value_name = "DIR")]
    pub schema: Option<PathBuf>,
    /// Keep running and index files as they are added, changed or removed
    ///
    /// Bursts of changes are gathered into one commit; a line is printed per
    /// commit. Stop with Ctrl-C. Example: sitrep index --watch ~/news
    #[arg(long, conflicts_with = "rebuild")]
    pub watch: bool,
    /// Memory for the index writer, in MB [default: 128]
    ///
    /// The writer flushes a segment when its budget is used up, so memory
    /// stays bounded whatever the corpus size. Example: --memory 64
    #[arg(long, value_name = "MB", default_value_t = 128)]
    pub memory: usize,
    /// List files passed over (other formats, hidden, links)
    #[arg(short, long)]
    pub verbose: bool,
    /// Print only problems, no summary
    #[arg(short, long)]
    pub quiet: bool,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
    /// Only articles about this province (any alias; repeat to OR)
    ///
    /// A first-level division by any spelling (Ninawa, Ninewa, نينوى), a
    /// city inside one (Mosul), or Country/Province. Example: --province ninawa
    #[arg(long, value_name = "NAME")]
    pub province: Vec<String>,
    /// Only articles about this country (repeat to OR)
    #[arg(long, value_name = "NAME")]
    pub country: Vec<String>,
    /// Only articles mentioning this actor (any alias; repeat to OR)
    ///
    /// Example: --actor daesh (the same as --actor ISIS)
    #[arg(long, value_name = "NAME")]
    pub actor: Vec<String>,
    /// Only articles published this year (repeat to OR)
    #[arg(long, value_name = "YYYY")]
    pub year: Vec<String>,
}

/// `sitrep search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", -exclusions, field:term
    #[arg(allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub location: IndexLocation,
    /// How many hits to show [default: 10]
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Only articles with every word of the query
    #[arg(long, conflicts_with = "any")]
    pub all: bool,
    /// Rank articles with any of the words
    #[arg(long)]
    pub any: bool,
    /// Do not widen names of actors and provinces to their other aliases
    ///
    /// By default a query word that names an actor or province by any alias
    /// (Daesh, Ninawa) also finds articles tagged with it under another name
    /// (ISIS, Nineveh); the output says so.
    #[arg(long)]
    pub no_expand: bool,
    /// Print JSON Lines (documented in the README)
    #[arg(long)]
    pub json: bool,
    /// When to use colour [default: auto]
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
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
}

/// The facet fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetField {
    /// Country/Province.
    Province,
    /// Country.
    Country,
    /// Armed groups, forces, agencies.
    Actor,
    /// Publication year.
    Year,
}

impl FacetField {
    /// The field's name.
    pub fn name(self) -> &'static str {
        match self {
            FacetField::Province => "province",
            FacetField::Country => "country",
            FacetField::Actor => "actor",
            FacetField::Year => "year",
        }
    }
}

/// `sitrep facets`.
#[derive(Debug, Args)]
pub struct FacetsArgs {
    /// Count over this query's matches (default: the whole index)
    #[arg(allow_hyphen_values = true)]
    pub query: Option<String>,
    /// The facet to count [default: province]
    #[arg(long, value_enum, default_value_t = FacetField::Province)]
    pub field: FacetField,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print JSON Lines
    #[arg(long)]
    pub json: bool,
}

/// `sitrep extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Article files or folders
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The index-schema folder [env: SITREP_SCHEMA]
    #[arg(long, value_name = "DIR")]
    pub schema: Option<PathBuf>,
    /// Show each matched name and what it counted as
    #[arg(long)]
    pub explain: bool,
    /// Print one JSON object per article
    #[arg(long)]
    pub json: bool,
}

/// `sitrep show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article's id, as in search results
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print a JSON object
    #[arg(long)]
    pub json: bool,
}

/// `sitrep stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print a JSON object
    #[arg(long)]
    pub json: bool,
}

/// `sitrep gazetteer …`.
#[derive(Debug, Subcommand)]
pub enum GazetteerCommand {
    /// Validate the gazetteer files; report problems with file and line.
    Check {
        /// The index-schema folder [env: SITREP_SCHEMA]
        #[arg(long, value_name = "DIR")]
        schema: Option<PathBuf>,
    },
}

/// Whether stdout is a terminal (asked once).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Resolves `--color` against the terminal and NO_COLOR.
pub fn style(color: ColorWhen, json: bool) -> Style {
    let tty = stdout_is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Style {
        color: !json
            && match color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => tty && !no_color,
            },
        sanitize: tty,
    }
}

/// Finds and reads the index-schema folder: the flag, SITREP_SCHEMA,
/// ./index-schema, or one beside the program (or up to three folders
/// above it, as in a cargo build).
pub fn schema_files(flag: Option<&Path>) -> anyhow::Result<SchemaFiles> {
    let chosen = flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("SITREP_SCHEMA")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(dir) = chosen {
        return Ok(SchemaFiles::read_dir(&dir)?);
    }
    let mut candidates = vec![PathBuf::from("index-schema")];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(
            exe.ancestors()
                .skip(1)
                .take(4)
                .map(|d| d.join("index-schema")),
        );
    }
    for dir in candidates {
        if dir.join("schema.toml").is_file() {
            return Ok(SchemaFiles::read_dir(&dir)?);
        }
    }
    anyhow::bail!("cannot find an index-schema folder (schema.toml and gazetteers/): pass --schema DIR or set SITREP_SCHEMA")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

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
        assert_eq!(args.limit, 10);
        assert_eq!(args.matching(), Matching::Last);
    }

    #[test]
    fn a_query_may_start_with_an_exclusion() {
        for args in [
            &["sitrep", "search", "-Mosul", "--json"][..],
            &["sitrep", "search", "--json", "-Mosul"][..],
        ] {
            let cli = Cli::parse_from(args);
            let Command::Search(s) = cli.command else {
                panic!("not a search")
            };
            assert_eq!(s.query, "-Mosul");
            assert!(s.json);
        }
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
        assert_eq!(args.location.dir(), PathBuf::from("some/index"));
    }
}
