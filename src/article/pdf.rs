//! `.pdf`: a report, read through its text layer with `pdf-extract`
//! (pure Rust, on `lopdf`).
//!
//! The title is the document information's `Title` when it is a real one
//! (not a file name or a word processor's placeholder), else the first
//! line of text. The date is the information's `CreationDate`, else the
//! first date written in the opening lines. A PDF whose pages hold no text
//! (a scan) is reported, not indexed empty. The PDF reader panics on some
//! broken files: that is caught and reported like any unreadable file.

use super::{Article, Parsed};
use crate::corpus::SourceFile;
use crate::date::{self, Date};
use crate::error::{catch_panic, Problem, ProblemKind};

/// Fewer letters than this in all its pages: a PDF without a text layer.
const MIN_LETTERS: usize = 40;

/// The article of a PDF file.
pub(super) fn parse(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let skipped = |reason: String| Problem::skipped(&file.path, None, ProblemKind::Other(reason));
    let read = catch_panic(|| read_pdf(bytes));
    let (info, raw) = match read {
        Ok(Ok(read)) => read,
        Ok(Err(reason)) => {
            parsed
                .problems
                .push(skipped(format!("cannot read the PDF: {reason} (skipped)")));
            return parsed;
        }
        Err(panic) => {
            parsed.problems.push(skipped(format!(
                "cannot read the PDF: the reader failed on it ({panic}) (skipped)"
            )));
            return parsed;
        }
    };
    let text = tidy(&raw);
    if text.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS {
        parsed.problems.push(skipped(
            "no text layer (a scanned document?): run it through OCR to index it (skipped)".into(),
        ));
        return parsed;
    }
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let title = info
        .title
        .filter(|t| is_real_title(t))
        .unwrap_or_else(|| first_line.to_owned());
    // The first line is the title shown above the body; said once.
    let body = match text.trim_start().strip_prefix(first_line) {
        Some(rest) if first_line == title => rest.trim().to_owned(),
        _ => text.trim().to_owned(),
    };
    let date = info
        .created
        .as_deref()
        .and_then(date::parse)
        .or_else(|| date_in_opening(&text));
    parsed.articles.push(Article {
        id: file.rel_path.clone(),
        title,
        body,
        date_field: info.created,
        date,
        source: info.author,
        url: None,
        line: None,
    });
    parsed
}

/// What the document information dictionary says.
#[derive(Debug, Default)]
struct Info {
    title: Option<String>,
    author: Option<String>,
    created: Option<String>,
}

/// The information and the text of all pages.
fn read_pdf(bytes: &[u8]) -> Result<(Info, String), String> {
    use pdf_extract::{Document, Object, PlainTextOutput};
    let mut doc = Document::load_mem(bytes).map_err(|e| e.to_string())?;
    if doc.is_encrypted() {
        // Many reports are "encrypted" with an empty password, to forbid
        // printing or copying; those open.
        doc.decrypt("")
            .map_err(|_| "it is encrypted with a password".to_owned())?;
    }
    let info_dict = doc.trailer.get(b"Info").ok().and_then(|o| match o {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    });
    let field = |key: &[u8]| -> Option<String> {
        match info_dict?.get(key).ok()? {
            Object::String(bytes, _) => {
                let text = text_string(bytes);
                let text = text.trim();
                (!text.is_empty()).then(|| text.to_owned())
            }
            _ => None,
        }
    };
    let info = Info {
        title: field(b"Title"),
        author: field(b"Author"),
        created: field(b"CreationDate"),
    };
    let mut text = String::new();
    {
        let mut output = PlainTextOutput::new(&mut text);
        pdf_extract::output_doc(&doc, &mut output).map_err(|e| e.to_string())?;
    }
    Ok((info, text))
}

/// A PDF text string: UTF-16BE after a byte-order mark, else
/// PDFDocEncoding, which matches Latin-1 for the characters titles use.
fn text_string(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned(),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Whether a `Title` entry names the document, rather than the file it
/// was made from or a placeholder.
fn is_real_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    let file_like = [".doc", ".docx", ".pdf", ".odt", ".indd", ".rtf", ".txt"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    let placeholder = matches!(
        lower.as_str(),
        "untitled" | "title" | "document" | "slide 1"
    ) || lower.starts_with("microsoft word -")
        || lower.starts_with("untitled");
    title.chars().filter(|c| c.is_alphabetic()).count() >= 4 && !file_like && !placeholder
}

/// The text as read from the pages, tidied: spaces runs made one, a word
/// hyphenated across a line break joined, at most one blank line between
/// paragraphs.
fn tidy(raw: &str) -> String {
    let lines: Vec<String> = raw
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut out = String::with_capacity(raw.len());
    let mut blank = 0;
    for line in lines {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            let joins_hyphen = out.ends_with('-')
                && out[..out.len() - 1].ends_with(|c: char| c.is_lowercase())
                && line.starts_with(|c: char| c.is_lowercase());
            if joins_hyphen && blank == 0 {
                out.pop();
            } else {
                out.push_str(if blank > 0 { "\n\n" } else { "\n" });
            }
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// The first date with a day written in the opening lines of `text`
/// ("Situation report, 12 January 2024"; "2024-01-12").
fn date_in_opening(text: &str) -> Option<Date> {
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(15) {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '|' | '–' | '—'))
            .map(|w| w.trim_matches(|c: char| c == ',' || c == ';'))
            .filter(|w| !w.is_empty())
            .collect();
        for (i, word) in words.iter().enumerate() {
            if let Some(d) = date::from_file_name(word).filter(|_| word.len() == 10) {
                return Some(d);
            }
            for len in [3, 4] {
                if let Some(window) = words.get(i..i + len) {
                    let candidate = window.join(" ");
                    if let Some(d) = date::parse(&candidate).filter(|d| d.day.is_some()) {
                        return Some(d);
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_joins_hyphens_and_keeps_paragraphs() {
        let raw = "Fighting   near  El Fasher dis-\nplaced families.\n\n\n\nAid  agencies said";
        assert_eq!(
            tidy(raw),
            "Fighting near El Fasher displaced families.\n\nAid agencies said"
        );
    }

    #[test]
    fn titles_that_name_files_are_not_titles() {
        assert!(is_real_title("Sudan: El Fasher situation report"));
        assert!(!is_real_title("Microsoft Word - sitrep_12.docx"));
        assert!(!is_real_title("report.pdf"));
        assert!(!is_real_title("Untitled"));
    }

    #[test]
    fn a_date_is_found_in_the_opening_lines() {
        let text = "Situation Report No. 14\nIssued 12 January 2024 (covering 1-11 January)\nbody";
        assert_eq!(
            date_in_opening(text).map(|d| d.to_string()).as_deref(),
            Some("2024-01-12")
        );
        assert_eq!(
            date_in_opening("Report\nUpdated: 2023-05-02\n")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2023-05-02")
        );
        assert_eq!(date_in_opening("No date here\nat all"), None);
    }

    #[test]
    fn broken_pdfs_are_problems_not_panics() {
        let file = SourceFile {
            path: "r.pdf".into(),
            rel_path: "r.pdf".into(),
            format: crate::corpus::Format::Pdf,
            size: 0,
            mtime: 0,
        };
        for bytes in [
            &b""[..],
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
            b"%PDF-1.7\n\xff\xfe garbage",
        ] {
            let parsed = parse(&file, bytes);
            assert!(parsed.articles.is_empty());
            assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
            assert!(parsed.problems[0].kind.to_string().contains("PDF"));
        }
    }
}
