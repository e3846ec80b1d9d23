//! `.csv` and `.tsv` with a header row: each row is an article.
//!
//! Which column holds the text, the title, the date, the id, the url and
//! the source is given by [`Columns`] (`--columns text=notes,date=event_date`)
//! or found from common header names (ACLED's `notes`, `event_date` and
//! `event_id_cnty` among them); a table without a named column falls back
//! on the common names, so that one corpus may hold tables of several
//! kinds. A row without its own title is titled by
//! the start of its text. A row's id is its id column, else `path#LINE`.
//! Quoted fields may hold separators, quotes and newlines; a row with the
//! wrong number of fields is reported with its line and skipped.

use std::fmt;

use super::{read_date, Article, Parsed};
use crate::corpus::{Format, SourceFile};
use crate::error::{Problem, ProblemKind};

/// The roles a table column can play, in the order `--columns` lists them.
const ROLES: [&str; 6] = ["text", "title", "date", "id", "url", "source"];

/// Header names each role is found by when not named, compared after
/// lower-casing and turning spaces and dashes into `_`.
const KNOWN: [&[&str]; 6] = [
    &[
        "text",
        "body",
        "notes",
        "note",
        "content",
        "full_text",
        "article",
        "description",
        "summary",
    ],
    &["title", "headline", "subject", "heading"],
    &[
        "date",
        "event_date",
        "published",
        "published_at",
        "publication_date",
        "pubdate",
        "datetime",
    ],
    &[
        "id",
        "event_id_cnty",
        "event_id",
        "article_id",
        "record_id",
        "guid",
        "uuid",
    ],
    &["url", "link", "source_url", "permalink"],
    &["source", "outlet", "publisher", "source_name"],
];

/// Which columns of a table hold an article's parts, by header name; a
/// part left unnamed is found from common header names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    names: [Option<String>; 6],
}

impl Columns {
    /// Reads a `--columns` value: `role=header` pairs separated by
    /// commas, the roles being `text`, `title`, `date`, `id`, `url` and
    /// `source` (`text=notes,date=event_date`). An empty value names none.
    pub fn parse(spec: &str) -> Result<Columns, String> {
        let mut columns = Columns::default();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((role, name)) = pair.split_once('=') else {
                return Err(format!(
                    "{pair:?} is not ROLE=COLUMN (roles: {})",
                    ROLES.join(", ")
                ));
            };
            let role = role.trim().to_ascii_lowercase();
            let Some(slot) = ROLES.iter().position(|r| *r == role) else {
                return Err(format!(
                    "unknown role {role:?} in {pair:?} (roles: {})",
                    ROLES.join(", ")
                ));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("no column name after {role}= in {pair:?}"));
            }
            match columns.names.get_mut(slot) {
                Some(Some(_)) => return Err(format!("{role}= is given twice")),
                Some(given) => *given = Some(name.to_owned()),
                None => {}
            }
        }
        Ok(columns)
    }

    /// Whether no column is named.
    pub fn is_empty(&self) -> bool {
        self.names.iter().all(Option::is_none)
    }
}

impl fmt::Display for Columns {
    /// The `--columns` value that reads back as these columns.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (role, name) in ROLES.iter().zip(&self.names) {
            if let Some(name) = name {
                if !first {
                    f.write_str(",")?;
                }
                write!(f, "{role}={name}")?;
                first = false;
            }
        }
        Ok(())
    }
}

/// A header name as the detection compares it.
fn normalised(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{FEFF}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// For each role, the index of its column in `header`, or why the table
/// cannot be read.
fn column_indexes(header: &[String], columns: &Columns) -> Result<[Option<usize>; 6], String> {
    let listed = || header.join(", ");
    let mut found = [None; 6];
    let slots = found.iter_mut().zip(KNOWN.iter());
    for ((found, known), given) in slots.zip(&columns.names) {
        // A named column is used where a table has it; a table without
        // it (one corpus may hold tables of several kinds) falls back on
        // the common names.
        let named = given.as_ref().and_then(|name| {
            let wanted = normalised(name);
            header.iter().position(|h| normalised(h) == wanted)
        });
        *found = named.or_else(|| {
            known
                .iter()
                .find_map(|known| header.iter().position(|h| normalised(h) == *known))
        });
    }
    if found.first().is_none_or(Option::is_none) {
        let named = match columns.names.first().and_then(Option::as_ref) {
            Some(name) => format!("no column {name:?} (text=) nor one with a common name"),
            None => "no text column".to_owned(),
        };
        return Err(format!(
            "{named}: name it with --columns text=COLUMN (the header has: {})",
            listed()
        ));
    }
    Ok(found)
}

/// The articles of a table.
pub(super) fn parse(file: &SourceFile, text: &str, columns: &Columns) -> Parsed {
    let mut parsed = Parsed::default();
    let delimiter = if file.format == Format::Tsv {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(row)) => row.iter().map(str::to_owned).collect(),
        Some(Err(err)) => {
            parsed.problems.push(Problem::skipped(
                &file.path,
                Some(1),
                ProblemKind::Other(format!("cannot read the header row: {err}")),
            ));
            return parsed;
        }
        None => {
            parsed
                .problems
                .push(Problem::skipped(&file.path, None, ProblemKind::Empty));
            return parsed;
        }
    };
    let indexes = match column_indexes(&header, columns) {
        Ok(indexes) => indexes,
        Err(reason) => {
            parsed.problems.push(Problem::skipped(
                &file.path,
                Some(1),
                ProblemKind::Other(format!("{reason} (skipped)")),
            ));
            return parsed;
        }
    };
    let mut lines = LineCounter::default();
    for record in records {
        let row = match record {
            Ok(row) => row,
            Err(err) => {
                let line = err.position().map(|p| lines.line_of(text, p.byte()));
                parsed.problems.push(Problem::skipped(
                    &file.path,
                    line,
                    ProblemKind::Record(vec![format!("cannot read the row: {err}")]),
                ));
                continue;
            }
        };
        let line = row.position().map(|p| lines.line_of(text, p.byte()));
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if row.len() != header.len() {
            parsed.problems.push(Problem::skipped(
                &file.path,
                line,
                ProblemKind::Record(vec![format!(
                    "the row has {} fields, the header {} (skipped)",
                    row.len(),
                    header.len()
                )]),
            ));
            continue;
        }
        let cell = |slot: usize| -> Option<String> {
            let index = (*indexes.get(slot)?)?;
            let value = row.get(index)?.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let Some(body) = cell(0) else {
            parsed.problems.push(Problem::skipped(
                &file.path,
                line,
                ProblemKind::Record(vec![format!(
                    "the text column {:?} is empty (skipped)",
                    indexes
                        .first()
                        .copied()
                        .flatten()
                        .and_then(|i| header.get(i))
                        .map_or("", String::as_str)
                )]),
            ));
            continue;
        };
        let mut problems = Vec::new();
        let date_field = cell(2);
        let date = read_date(date_field.as_deref(), |d| {
            problems.push(format!(
                "cannot read the date {d:?}, so the article is undated"
            ));
        });
        if !problems.is_empty() {
            parsed.problems.push(Problem::warning(
                &file.path,
                line,
                ProblemKind::Record(problems),
            ));
        }
        let id = cell(3).unwrap_or_else(|| match line {
            Some(line) => format!("{}#{line}", file.rel_path),
            None => format!("{}#{}", file.rel_path, parsed.articles.len() + 1),
        });
        parsed.articles.push(Article {
            id,
            title: cell(1)
                .or_else(|| event_title(&header, &row))
                .unwrap_or_else(|| title_from(&body)),
            body,
            date_field,
            date,
            source: cell(5),
            url: cell(4),
            line,
        });
    }
    parsed
}

/// Lines of records, from their byte offsets: the csv reader's own line
/// numbers are one short after a `\r\n` (it ends a record at the `\r`).
#[derive(Default)]
struct LineCounter {
    byte: usize,
    newlines: usize,
}

impl LineCounter {
    /// The line a record starting at `byte` is on; offsets only grow. A
    /// record the reader says starts on the `\n` of a `\r\n` is on the
    /// next line.
    fn line_of(&mut self, text: &str, byte: u64) -> usize {
        let end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
            .min(text.len());
        if end > self.byte {
            let counted = text.as_bytes().get(self.byte..end).unwrap_or_default();
            self.newlines += counted.iter().filter(|&&b| b == b'\n').count();
            self.byte = end;
        }
        self.newlines + 1
    }
}

/// A title for a row of an event table (ACLED's layout) that has no title
/// column: `Armed clash in Tal Afar, Ninawa`, from its (sub-)event type
/// and location columns, when it has them.
fn event_title(header: &[String], row: &csv::StringRecord) -> Option<String> {
    let column = |names: &[&str]| -> Option<&str> {
        names.iter().find_map(|name| {
            let index = header.iter().position(|h| normalised(h) == *name)?;
            row.get(index).map(str::trim).filter(|v| !v.is_empty())
        })
    };
    let what = column(&["sub_event_type", "event_type"])?;
    let place = column(&["location", "admin2", "admin1"])?;
    let title = match column(&["admin1"]).filter(|region| *region != place) {
        Some(region) => format!("{what} in {place}, {region}"),
        None => format!("{what} in {place}"),
    };
    Some(title)
}

/// A title for a row that has none: the first sentence of its text, cut
/// at a word boundary past 100 characters.
pub(super) fn title_from(text: &str) -> String {
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let sentence_end = first_line
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && first_line[i + c.len_utf8()..].starts_with(' ')
                && i > 20
        })
        .map_or(first_line.len(), |(i, _)| i);
    let sentence = &first_line[..sentence_end];
    if sentence.chars().count() <= 110 {
        return sentence.to_owned();
    }
    let mut title = String::new();
    for word in sentence.split_whitespace() {
        if title.chars().count() + word.chars().count() > 100 {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    title.push('…');
    title
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(name: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(name),
            rel_path: name.to_owned(),
            format: Format::of(std::path::Path::new(name)).expect("a table format"),
            size: 0,
            mtime: 0,
        }
    }

    const ACLED: &str = "event_id_cnty,event_date,year,admin1,notes\n\
        IRQ1001,2021-04-17,2021,Ninewa,\"On 17 April 2021, ISIS militants attacked an army post near Mosul, killing two soldiers.\"\n\
        IRQ1002,18 April 2021,2021,Anbar,\"Security forces arrested a suspect in Ramadi, \"\"a senior ISIS figure\"\",\nthe statement said.\"\n\
        IRQ1003,2021-04-19,2021,Kirkuk\n\
        IRQ1004,2021-04-20,2021,Kirkuk,\n\
        IRQ1005,not a date,2021,Diyala,Clashes in Baqubah.\n";

    #[test]
    fn acled_columns_are_found_by_name() {
        let parsed = parse(&file("events.csv"), ACLED, &Columns::default());
        let ids: Vec<&str> = parsed.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["IRQ1001", "IRQ1002", "IRQ1005"]);
        let first = &parsed.articles[0];
        assert_eq!(
            first.date.map(|d| d.to_string()).as_deref(),
            Some("2021-04-17")
        );
        assert!(first
            .title
            .starts_with("On 17 April 2021, ISIS militants attacked"));
        assert_eq!(first.line, Some(2));
        // A quoted field with a newline and doubled quotes.
        let second = &parsed.articles[1];
        assert!(second
            .body
            .contains("\"a senior ISIS figure\",\nthe statement"));
        assert_eq!(
            second.date.map(|d| d.to_string()).as_deref(),
            Some("2021-04-18")
        );
        // The short row (line 5: the quoted newline makes row 3 two lines)
        // and the empty text are reported with their lines; the bad date
        // is a warning and the article stays, undated.
        let lines: Vec<(Option<usize>, String)> = parsed
            .problems
            .iter()
            .map(|p| (p.line, p.kind.to_string()))
            .collect();
        assert_eq!(lines[0].0, Some(5));
        assert!(lines[0].1.contains("4 fields, the header 5"), "{lines:?}");
        assert_eq!(lines[1].0, Some(6));
        assert!(lines[1].1.contains("empty"), "{lines:?}");
        assert_eq!(lines[2].0, Some(7));
        assert!(lines[2].1.contains("not a date"), "{lines:?}");
        assert_eq!(parsed.articles[2].date, None);
    }

    #[test]
    fn named_columns_win_and_unknown_names_are_reported() {
        let tsv = "Ref\tWhen\tHeadline_EN\tLede\n\
            SO-0041\t2019-12-28\tTruck bomb in Mogadishu\tA truck bomb exploded at a checkpoint.\n";
        let none = parse(&file("a.tsv"), tsv, &Columns::default());
        assert!(none.articles.is_empty());
        assert!(none.problems[0]
            .kind
            .to_string()
            .contains("--columns text="));
        let columns = Columns::parse("id=Ref, date=When, title=Headline_EN, text=Lede").unwrap();
        let parsed = parse(&file("a.tsv"), tsv, &columns);
        assert_eq!(parsed.articles.len(), 1);
        let a = &parsed.articles[0];
        assert_eq!(
            (a.id.as_str(), a.title.as_str()),
            ("SO-0041", "Truck bomb in Mogadishu")
        );
        assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2019-12-28"));
        let wrong = Columns::parse("text=Notes").unwrap();
        let parsed = parse(&file("a.tsv"), tsv, &wrong);
        let reason = parsed.problems[0].kind.to_string();
        assert!(
            reason.contains("no column \"Notes\" (text=)") && reason.contains("Lede"),
            "{reason}"
        );
    }

    #[test]
    fn columns_read_back_as_written() {
        let c = Columns::parse("date=event_date,text=notes").unwrap();
        assert_eq!(c.to_string(), "text=notes,date=event_date");
        assert_eq!(Columns::parse(&c.to_string()).unwrap(), c);
        assert!(Columns::parse("body=notes")
            .unwrap_err()
            .contains("unknown role"));
        assert!(Columns::parse("notes").unwrap_err().contains("ROLE=COLUMN"));
        assert!(Columns::parse("text=a,text=b")
            .unwrap_err()
            .contains("twice"));
        assert!(Columns::parse("").unwrap().is_empty());
    }

    #[test]
    fn rows_without_an_id_are_known_by_their_line() {
        let csv = "\u{FEFF}Date,Headline,Body\r\n2020-01-03,Strike,A drone strike near Baghdad airport.\r\n";
        let parsed = parse(&file("x.csv"), csv, &Columns::default());
        assert_eq!(parsed.articles[0].id, "x.csv#2");
        assert_eq!(parsed.articles[0].title, "Strike");
    }

    #[test]
    fn event_tables_are_titled_by_event_and_place() {
        let csv = "event_id_cnty,event_date,event_type,sub_event_type,admin1,location,notes\n\
            IRQ1,2017-08-20,Battles,Armed clash,Ninawa,Tal Afar,Iraqi forces advanced on Tal Afar.\n\
            IRQ2,2017-08-21,Battles,,Ninawa,Ninawa,Clashes went on.\n";
        let parsed = parse(&file("e.csv"), csv, &Columns::default());
        let titles: Vec<&str> = parsed.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Armed clash in Tal Afar, Ninawa", "Battles in Ninawa"]
        );
    }

    #[test]
    fn long_texts_are_titled_by_their_first_sentence() {
        assert_eq!(
            title_from("Gunmen attacked a police post in Borno. Two died."),
            "Gunmen attacked a police post in Borno"
        );
        let long = "word ".repeat(60);
        let title = title_from(&long);
        assert!(title.ends_with('…') && title.chars().count() <= 101);
    }
}
