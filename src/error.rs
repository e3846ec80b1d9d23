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
    /// Another process holds the index's writer lock.
    #[error("another sitrep process is updating the index at {}; try again when it is done", .0.display())]
    Locked(PathBuf),
    /// The query could not be parsed.
    #[error("cannot parse the query {query:?}: {reason}")]
    Query {
        /// The query as typed.
        query: String,
        /// Why, for a person.
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
    /// A `--since` / `--until` value that is not a year, month or day.
    #[error("cannot read {value:?} as a date for --{flag}: give a year (2021), a month (2021-03) or a day (2021-03-15)")]
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
    /// `sitrep facets --by` asks for a picture that cannot be drawn.
    #[error("{0}")]
    FacetsBy(&'static str),
    /// An article id that the index does not hold.
    #[error("no article with id {0:?} in the index")]
    NoSuchArticle(String),
    /// An error inside tantivy (the cause is the source).
    #[error("index error")]
    Tantivy(#[from] tantivy::TantivyError),
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
        let reason = match self {
            Error::Io { source, .. } => source.to_string(),
            Error::Data { message, .. } => message,
            other => other.chain(),
        };
        Problem::skipped(path, line, reason)
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
    /// What is wrong, for a person.
    pub message: String,
    /// Whether the article was still indexed (a warning) or skipped.
    pub severity: Severity,
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
    pub fn skipped(
        path: impl AsRef<Path>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            path: path.as_ref().to_path_buf(),
            line,
            message: message.into(),
            severity: Severity::Skipped,
        }
    }

    /// A problem that did not stop the article from being indexed.
    pub fn warning(
        path: impl AsRef<Path>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::skipped(path, line, message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}
