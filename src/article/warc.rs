//! `.warc` (and `.warc.gz`, each record its own gzip member, which
//! `corpus` reads through): a web archive, as crawlers and archiving
//! tools write it (WARC 1.0 and 1.1).
//!
//! Each `response` record holding a successful HTTP response with an
//! HTML page, and each `resource` record holding HTML, is an article: the
//! page's main text through `html`, its id the record's target URI. The
//! date is the page's own, else the `WARC-Date` of the capture. Other
//! records (requests, metadata, revisits, images, scripts, error pages)
//! hold no article. A URI captured twice is the later capture.

use std::collections::HashMap;
use std::io::Read;

use super::html;
use super::{Article, Parsed};
use crate::corpus::{SourceFile, MAX_FILE_BYTES};
use crate::date;
use crate::error::{Problem, ProblemKind};

/// One record: its header fields (names lower-cased) and its block.
#[derive(Debug)]
struct Record<'a> {
    headers: Vec<(String, String)>,
    block: &'a [u8],
    /// The line of the file its `WARC/` version line is on.
    line: usize,
}

impl Record<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The articles of a web archive.
pub(super) fn parse(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let mut at_uri: HashMap<String, usize> = HashMap::new();
    let mut records = Records {
        bytes,
        pos: 0,
        line: 1,
    };
    if !bytes.trim_ascii_start().starts_with(b"WARC/") {
        parsed.problems.push(Problem::skipped(
            &file.path,
            None,
            ProblemKind::Other(
                "not a web archive: it does not start with a WARC/ record (skipped)".into(),
            ),
        ));
        return parsed;
    }
    loop {
        let record = match records.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err((line, reason)) => {
                parsed.problems.push(Problem::skipped(
                    &file.path,
                    Some(line),
                    ProblemKind::Record(vec![format!(
                        "{reason}; the records after it are not read"
                    )]),
                ));
                break;
            }
        };
        let Some(page) = html_of(&record) else {
            continue;
        };
        let uri = record
            .header("warc-target-uri")
            .map(|u| u.trim_matches(|c| c == '<' || c == '>').to_owned());
        let Some(uri) = uri.filter(|u| !u.is_empty()) else {
            parsed.problems.push(Problem::skipped(
                &file.path,
                Some(record.line),
                ProblemKind::Record(vec![
                    "an HTML record without WARC-Target-URI (skipped)".into()
                ]),
            ));
            continue;
        };
        let (text, warning) = html::decode_page(&page.body, page.charset.as_deref());
        if let Some(warning) = warning {
            parsed.problems.push(Problem::warning(
                &file.path,
                Some(record.line),
                ProblemKind::Encoding(format!("{uri}: {warning}")),
            ));
        }
        let extracted = match html::extract_page(&text) {
            Ok(extracted) => extracted,
            Err(reason) => {
                parsed.problems.push(Problem::skipped(
                    &file.path,
                    Some(record.line),
                    ProblemKind::Record(vec![format!("{uri}: {reason} (skipped)")]),
                ));
                continue;
            }
        };
        let captured = record.header("warc-date").map(str::to_owned);
        let date_field = extracted.date_field.or(captured);
        let article = Article {
            title: extracted.title.unwrap_or_else(|| uri.clone()),
            body: extracted.body,
            date: date_field.as_deref().and_then(date::parse),
            date_field,
            source: extracted.source.or_else(|| host_of(&uri)),
            url: Some(uri.clone()),
            id: uri.clone(),
            line: Some(record.line),
        };
        // A page captured again replaces the earlier capture.
        match at_uri.get(&uri) {
            Some(&i) => {
                if let Some(earlier) = parsed.articles.get_mut(i) {
                    *earlier = article;
                }
            }
            None => {
                at_uri.insert(uri, parsed.articles.len());
                parsed.articles.push(article);
            }
        }
    }
    parsed
}

/// The records of an archive, one after the other.
struct Records<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Records<'a> {
    /// The next record; `Err` with the line and the reason when the
    /// archive is cut or malformed there.
    fn next_record(&mut self) -> Result<Option<Record<'a>>, (usize, String)> {
        // Records are separated by two line ends; be lenient about more.
        while let Some(&b) = self.bytes.get(self.pos) {
            if !b.is_ascii_whitespace() {
                break;
            }
            if b == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let start_line = self.line;
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let Some(head_len) = find(rest, b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| find(rest, b"\n\n").map(|i| (i, 2)))
        else {
            return Err((start_line, "a record's header is cut off".into()));
        };
        let head = String::from_utf8_lossy(rest.get(..head_len.0).unwrap_or_default());
        let mut lines = head.lines();
        if !lines.next().is_some_and(|l| l.trim().starts_with("WARC/")) {
            return Err((start_line, "expected a WARC/ version line".into()));
        }
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .ok_or((
                start_line,
                "a record without a valid Content-Length".to_owned(),
            ))?;
        let block_start = head_len.0 + head_len.1;
        let Some(block) = rest.get(block_start..block_start.saturating_add(length)) else {
            return Err((
                start_line,
                format!(
                    "a record is cut off ({} of its {length} bytes are there)",
                    rest.len().saturating_sub(block_start)
                ),
            ));
        };
        let consumed = rest.get(..block_start + length).unwrap_or_default();
        self.line += consumed.iter().filter(|&&b| b == b'\n').count();
        self.pos += block_start + length;
        Ok(Some(Record {
            headers,
            block,
            line: start_line,
        }))
    }
}

/// An HTML page inside a record, and the charset its HTTP header gave.
struct HtmlBody {
    body: Vec<u8>,
    charset: Option<String>,
}

/// The HTML page a record holds, if it holds one.
fn html_of(record: &Record<'_>) -> Option<HtmlBody> {
    let kind = record.header("warc-type")?.to_ascii_lowercase();
    let content_type = record
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    match kind.as_str() {
        "response" if content_type.starts_with("application/http") => http_html(record.block),
        "resource" if is_html(&content_type) => Some(HtmlBody {
            body: record.block.to_vec(),
            charset: charset_of(&content_type),
        }),
        _ => None,
    }
}

fn is_html(content_type: &str) -> bool {
    content_type.starts_with("text/html") || content_type.starts_with("application/xhtml")
}

/// The `charset` parameter of a Content-Type value.
fn charset_of(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
}

/// The body of a successful HTTP response holding HTML, de-chunked and
/// decompressed.
fn http_html(block: &[u8]) -> Option<HtmlBody> {
    let (head_end, sep) = find(block, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| find(block, b"\n\n").map(|i| (i, 2)))?;
    let head = String::from_utf8_lossy(block.get(..head_end)?);
    let mut lines = head.lines();
    let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    if !(200..300).contains(&status) {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let content_type = header("content-type").unwrap_or_default();
    if !is_html(&content_type) {
        return None;
    }
    let mut body = block.get(head_end + sep..)?.to_vec();
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body)?;
    }
    match header("content-encoding").as_deref() {
        None | Some("identity") => {}
        Some("gzip" | "x-gzip") => body = inflate(flate2::read::MultiGzDecoder::new(&body[..]))?,
        Some("deflate") => body = inflate(flate2::read::ZlibDecoder::new(&body[..]))?,
        Some(_) => return None,
    }
    Some(HtmlBody {
        body,
        charset: charset_of(&content_type),
    })
}

/// All a decoder gives, up to the file size limit.
fn inflate(reader: impl Read) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    reader.take(MAX_FILE_BYTES).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The body of a chunked HTTP message (`size CRLF data CRLF`… `0`).
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = find(data, b"\n")?;
        let size_text = String::from_utf8_lossy(data.get(..line_end)?);
        let size_text = size_text.trim().split(';').next()?.trim().to_owned();
        let size = usize::from_str_radix(&size_text, 16).ok()?;
        data = data.get(line_end + 1..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?;
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}

/// The host of a URI, as the source of an article that names none.
fn host_of(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        let body = b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";
        assert_eq!(dechunk(body).as_deref(), Some(&b"hello, world"[..]));
        assert_eq!(dechunk(b"ff\r\nshort"), None);
    }

    #[test]
    fn records_are_read_one_after_the_other_and_cut_ones_reported() {
        let archive = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 5\r\n\r\nabcde\r\n\r\n\
WARC/1.0\r\nWARC-Type: request\r\nContent-Length: 3\r\n\r\nxyz\r\n\r\n\
WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999\r\n\r\ncut";
        let mut records = Records {
            bytes: archive,
            pos: 0,
            line: 1,
        };
        let first = records.next_record().unwrap().unwrap();
        assert_eq!(
            (first.header("warc-type"), first.block, first.line),
            (Some("warcinfo"), &b"abcde"[..], 1)
        );
        let second = records.next_record().unwrap().unwrap();
        assert_eq!((second.block, second.line), (&b"xyz"[..], 7));
        let (line, reason) = records.next_record().unwrap_err();
        assert_eq!(line, 13);
        assert!(reason.contains("cut off"), "{reason}");
    }

    #[test]
    fn only_successful_html_responses_hold_pages() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n<p>x</p>";
        let page = http_html(ok).unwrap();
        assert_eq!(page.charset.as_deref(), Some("iso-8859-1"));
        assert_eq!(page.body, b"<p>x</p>");
        assert!(
            http_html(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>x</p>")
                .is_none()
        );
        assert!(
            http_html(b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8").is_none()
        );
    }

    #[test]
    fn hosts_name_sources() {
        assert_eq!(
            host_of("https://www.example.com:443/a/b?c").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("not a uri"), None);
    }
}
