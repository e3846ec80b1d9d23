//! Errors and problems.
//!
//! An [`Error`] stops the operation it came from (the index cannot be
//! opened, the query cannot be parsed). A [`Problem`] does not: it is one bad
//! file or record, reported with its path and line while the run goes on
//! with everything else.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The result type of sitrep's library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a sitrep operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed. The message names the file; the
    /// cause is the error's source, printed once by whoever prints the
    /// chain.
    #[error("{}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A data file (schema, gazetteer, index stamp) is malformed.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Data {
        /// The file concerned.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// What is wrong, for a person.
        message: String,
    },
    /// The gazetteers hold errors (each names its file and line).
    #[error("the gazetteers have {} error(s):\n  {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    Gazetteer(Vec<Problem>),
    /// There is no index where one was expected.
    #[error("no index at {}: build one with `sitrep index PATH --index {}`", .0.display(), .0.display())]
    NoIndex(PathBuf),
    /// The index was built by another schema or sitrep version.
    #[error("the index at {} {reason}; run `sitrep index --rebuild PATH...` to rebuild it", path.display())]
    RebuildNeeded {
        /// The index folder.
        path: PathBuf,
        /// Why it cannot be used as it is.
        reason: String,
    },
    /// tantivy cannot read the index's segments.
    #[error("the index at {} is damaged; run `sitrep index --rebuild PATH...` to rebuild it", path.display())]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What tantivy said.
        source: tantivy::TantivyError,
    },
    /// Segment files of the index whose bytes do not match the checksums
    /// tantivy wrote into them.
    #[error("the index at {} is damaged: {}; run `sitrep index --rebuild PATH...` to rebuild it", path.display(), damaged_files(.files))]
    DamagedSegments {
        /// The index folder.
        path: PathBuf,
        /// Each damaged file of its `tantivy/` folder, with what is wrong.
        files: Vec<String>,
    },
    /// Another process holds the index's writer lock.
    #[error("another sitrep process is updating the index at {}; try again when it is done", .0.display())]
    Locked(PathBuf),
    /// `sitrep index` was interrupted (Ctrl-C) and stopped cleanly.
    #[error("interrupted: the index at {} keeps its last commit; nothing of this run was kept (run the same command again to finish)", .0.display())]
    Interrupted(PathBuf),
    /// A cluster engine could not run a search (`search --remote`): it
    /// could not be reached, did not answer in time, lacks the index or
    /// its fields, or failed.
    #[error("{url}: {reason}")]
    Remote {
        /// The engine's address.
        url: String,
        /// Why, for a person.
        reason: String,
    },
    /// The query could not be parsed.
    #[error("cannot parse the query {query:?}: {reason}")]
    Query {
        /// The query as typed.
        query: String,
        /// Why, for a person.
        reason: String,
    },
    /// A `--where` expression with a mistake or an unknown value: the
    /// expression, with a caret line under the place.
    #[error("cannot read --where: {reason}\n  {expr}\n  {caret}")]
    Where {
        /// The expression as typed (whitespace as spaces).
        expr: String,
        /// Spaces, then `^` under the offending piece.
        caret: String,
        /// What was expected there, or why the value is unknown.
        reason: String,
    },
    /// A filter value (province, actor, country, year) is not known.
    #[error("unknown {kind} {value:?}{}", suggest(.suggestions))]
    UnknownValue {
        /// `province`, `actor`, `country` or `year`.
        kind: &'static str,
        /// The value as typed.
        value: String,
        /// The closest known names.
        suggestions: Vec<String>,
    },
    /// A `--since` / `--until` value that is not a year, month, day or
    /// relative date.
    #[error("cannot read {value:?} as a date for --{flag}: give a year (2021), a month (2021-03), a day (2021-03-15), or a time back from today (30d, 2w, 6m, 1y, yesterday)")]
    BadDate {
        /// `since` or `until`.
        flag: &'static str,
        /// The value as typed.
        value: String,
    },
    /// `--since` falls after `--until`.
    #[error("--since {since} is after --until {until}")]
    EmptyPeriod {
        /// The value of `--since`.
        since: String,
        /// The value of `--until`.
        until: String,
    },
    /// A file that holds binary data, not text.
    #[error("{}: binary content, not text", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// A file larger than sitrep reads (see [`crate::MAX_FILE_BYTES`]).
    #[error("{}: {}", path.display(), too_large(*.size, *.limit))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes, or at least this many.
        size: u64,
        /// The largest size read.
        limit: u64,
    },
    /// `sitrep facets --by` asks for a picture that cannot be drawn.
    #[error("{0}")]
    FacetsBy(&'static str),
    /// An article id (or file, or `file#id`) that the index does not hold.
    #[error("no article {0:?} in the index: give an id, a file as `sitrep search` prints it, or FILE#ID")]
    NoSuchArticle(String),
    /// An error inside tantivy (the cause is the source).
    #[error("index error")]
    Tantivy(#[from] tantivy::TantivyError),
}

fn damaged_files(files: &[String]) -> String {
    const SHOWN: usize = 4;
    let shown = files
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = match files.len() {
        1 => format!("a segment file in tantivy/ fails its checksum: {shown}"),
        n => format!("{n} segment files in tantivy/ fail their checksums: {shown}"),
    };
    if files.len() > SHOWN {
        out.push_str(&format!(" and {} more", files.len() - SHOWN));
    }
    out
}

fn suggest(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("; did you mean {one:?}?"),
        many => format!(
            "; did you mean one of {}?",
            many.iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Error {
    /// The error and its causes on one line, `a: b: c`, the way the
    /// binary prints an error: for messages that embed an error.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }

    /// This error as a problem with the file at `path`: what is wrong,
    /// without repeating the path the problem already names.
    pub fn into_problem(self, path: impl AsRef<Path>, line: Option<usize>) -> Problem {
        let kind = match self {
            Error::Io { source, .. } => ProblemKind::Unreadable(source.to_string()),
            Error::Binary { .. } => ProblemKind::Binary,
            Error::TooLarge { size, limit, .. } => ProblemKind::TooLarge { size, limit },
            Error::Data { message, .. } => ProblemKind::Other(message),
            other => ProblemKind::Other(other.chain()),
        };
        Problem::skipped(path, line, kind)
    }

    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: io::Error) -> Error {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// A malformed data file.
    pub fn data(path: impl AsRef<Path>, line: Option<usize>, message: impl Into<String>) -> Error {
        Error::Data {
            path: path.as_ref().to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// One bad file or record: reported, skipped, and the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file concerned.
    pub path: PathBuf,
    /// The 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub kind: ProblemKind,
    /// Whether the article was still indexed (a warning) or skipped.
    pub severity: Severity,
}

/// What is wrong with a file or record. Its `Display` is the message a
/// person reads after the file's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A PATH given on the command line does not exist.
    #[error("no such file or folder")]
    NoSuchPath,
    /// The file or folder could not be read (the system's reason).
    #[error("{0}")]
    Unreadable(String),
    /// The file holds binary data.
    #[error("binary content, not text (skipped)")]
    Binary,
    /// The file is larger than sitrep reads.
    #[error("{}", too_large(*.size, *.limit))]
    TooLarge {
        /// Its size in bytes, or at least this many.
        size: u64,
        /// The largest size read.
        limit: u64,
    },
    /// The bytes were not clean text and were decoded anyway.
    #[error("{0}")]
    Encoding(String),
    /// A text file with nothing in it.
    #[error("empty file: no title, no body")]
    Empty,
    /// A text file with a title and nothing else.
    #[error("title only, no body")]
    TitleOnly,
    /// A date that cannot be read: the article is indexed undated.
    #[error("cannot read the date {0:?}; the article is undated")]
    BadDate(String),
    /// Text that is not valid JSON (the parser's reason).
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// A JSON value where an article object was expected.
    #[error("{}", not_an_article(*.item, .found))]
    NotAnArticle {
        /// Which item of a top-level array, if it was one.
        item: Option<usize>,
        /// What was found instead (`a string`, `an array`…).
        found: &'static str,
    },
    /// What is wrong with one record's fields, all in one report.
    #[error("{}", .0.join("; "))]
    Record(Vec<String>),
    /// Another article already has this id.
    #[error("duplicate id {id:?} ({elsewhere}); skipped")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where it was seen first.
        elsewhere: String,
    },
    /// A gazetteer entry that cannot be used as it is.
    #[error("{0}")]
    Gazetteer(String),
    /// Anything else, as the error that caused it said.
    #[error("{0}")]
    Other(String),
}

fn too_large(size: u64, limit: u64) -> String {
    let mb = |n: u64| n.div_ceil(1_000_000);
    format!(
        "too large ({} MB; files over {} MB are not read): split it into smaller files (skipped)",
        mb(size),
        mb(limit)
    )
}

fn not_an_article(item: Option<usize>, found: &str) -> String {
    match item {
        Some(i) => format!("item {i} of the array is {found}, not an article object"),
        None => format!("expected an article object, found {found}"),
    }
}

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Something was off but the article was indexed anyway.
    Warning,
    /// The file or record was skipped.
    Skipped,
}

impl Problem {
    /// A problem that made sitrep skip the file or record.
    pub fn skipped(path: impl AsRef<Path>, line: Option<usize>, kind: ProblemKind) -> Self {
        Problem {
            path: path.as_ref().to_path_buf(),
            line,
            kind,
            severity: Severity::Skipped,
        }
    }

    /// A problem that did not stop the article from being indexed.
    pub fn warning(path: impl AsRef<Path>, line: Option<usize>, kind: ProblemKind) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::skipped(path, line, kind)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

thread_local! {
    /// How many [`catch_panic`] calls the current thread is inside.
    static CATCHING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, turning a panic inside it into `Err` with the panic's
/// message. For code that panics on bad input instead of returning an
/// error (tantivy on damaged segments, the PDF reader on broken files):
/// the caller reports it as a problem, and the panic hook stays quiet
/// (see [`panic_is_reported`]).
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    CATCHING.with(|c| c.set(c.get() + 1));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into())
    })
}

/// Marks the current thread, for good, as one whose panics reach a
/// caller inside [`catch_panic`]: the search threads, whose panics tantivy
/// hands back to the thread that asked for the search. The hook stays
/// quiet about them as it does in the caller's own thread.
pub fn panics_reach_a_catcher() {
    CATCHING.with(|c| c.set(c.get() + 1));
}

/// Whether the current thread is inside [`catch_panic`], whose panics are
/// reported as problems: a panic hook can stay quiet about them.
pub fn panic_is_reported() -> bool {
    CATCHING.with(|c| c.get() > 0)
}
