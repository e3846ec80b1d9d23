//! `.xml`, `.rss`, `.atom`: a news feed (RSS 2.0, RSS 1.0/RDF, Atom),
//! read with feed-rs.
//!
//! Whether a file is a feed is decided by its content: its first element
//! must be `rss`, `feed` or `rdf:RDF`. Any other XML (a sitemap, a
//! configuration file) is passed over, not reported; a file that starts
//! like a feed and does not parse is a problem.
//!
//! The bytes are decoded here (a BOM, else the XML declaration's
//! `encoding`, else UTF-8 with the Windows-1252 fallback of
//! `corpus::decode`) and feed-rs is handed UTF-8 with a declaration that
//! says so: the decoding is the same as for every other text format, and
//! a feed that lies about its encoding is warned about, not garbled.
//!
//! Each item (entry) is an article: its title and text as plain text
//! (HTML through `html::fragment_text`), the text from `content:encoded`
//! or Atom `content`, else `description` or `summary`; its date the
//! published date, else the updated one, as written; its address the
//! item's link (Atom: `rel="alternate"`); its source the feed's title.
//! Its id is its guid (Atom: `id`) as written, else its link, else
//! `path#N` (N its position), so a feed fetched again updates its items
//! instead of duplicating them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use encoding_rs::{Encoding, UTF_8};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};

use super::html::fragment_text;
use super::table::title_from;
use super::{read_date, Article, Parsed};
use crate::corpus::{self, SourceFile};
use crate::error::{catch_panic, Problem, ProblemKind};

/// Why an XML file that is not a feed is passed over.
const NOT_A_FEED: &str = "XML, not an RSS or Atom feed";

/// The articles of a feed file.
pub(super) fn parse(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let text = match decode(file, bytes) {
        Ok((text, warning)) => {
            if let Some(warning) = warning {
                parsed.problems.push(Problem::warning(
                    &file.path,
                    None,
                    ProblemKind::Encoding(warning),
                ));
            }
            text
        }
        Err(problem) => return Parsed::problem(problem),
    };
    let root = match root_element(&text) {
        Root::Empty => {
            parsed
                .problems
                .push(Problem::skipped(&file.path, None, ProblemKind::Empty));
            return parsed;
        }
        Root::NotXml(at) => {
            parsed.problems.push(Problem::skipped(
                &file.path,
                Some(line_of(&text, at)),
                ProblemKind::Other(
                    "not XML: a feed starts with <rss>, <feed> or <rdf:RDF> (skipped)".into(),
                ),
            ));
            return parsed;
        }
        Root::Element(tag) => tag,
    };
    let kind = match local_name(root.name) {
        "rss" => FeedKind::Rss,
        "RDF" => FeedKind::Rdf,
        "feed" => FeedKind::Atom,
        _ => {
            parsed.passed_over = Some(NOT_A_FEED.into());
            return parsed;
        }
    };

    if kind == FeedKind::Rdf && !has_element(&text, &["channel", "item"]) {
        // RDF data, not an RSS 1.0 feed.
        parsed.passed_over = Some(NOT_A_FEED.into());
        return parsed;
    }
    let (xml, bare) = escape_bare_ampersands(for_feed_rs(&text, &root));
    if let Some((count, first)) = bare {
        parsed.problems.push(Problem::warning(
            &file.path,
            Some(line_of(&xml, first)),
            ProblemKind::Other(format!(
                "{count} bare `&` (not well-formed XML) read as `&amp;`"
            )),
        ));
    }
    let (feed, dates) = match read_feed(&xml) {
        Ok(read) => read,
        Err(failure) => {
            let reason = match failure {
                Failure::NoChannel => "no <channel> in the feed".to_owned(),
                Failure::Parser(reason) => reason,
            };
            parsed.problems.push(Problem::skipped(
                &file.path,
                error_line(&text),
                ProblemKind::Other(format!("cannot read the feed: {reason} (skipped)")),
            ));
            return parsed;
        }
    };

    let item_tag = if kind == FeedKind::Atom {
        "entry"
    } else {
        "item"
    };
    let mut lines = item_lines(&text, item_tag);
    if lines.len() != feed.entries.len() {
        // feed-rs dropped an item (RSS 1.0 items without a link) or the
        // scan miscounted: no line is better than a wrong one.
        lines = Vec::new();
    }
    let source = feed
        .title
        .as_ref()
        .map(|t| one_line(&plain_text(&t.content, is_html(t.content_type.as_ref()))))
        .filter(|s| !s.is_empty());
    let mut first_with_id: HashMap<String, (usize, Option<usize>)> = HashMap::new();
    for (i, entry) in feed.entries.iter().enumerate() {
        let number = i + 1;
        let line = lines.get(i).copied();
        let skip = |parsed: &mut Parsed, what: String| {
            parsed.problems.push(Problem::skipped(
                &file.path,
                line,
                ProblemKind::Record(vec![format!("{item_tag} {number}: {what} (skipped)")]),
            ));
        };
        let title = entry
            .title
            .as_ref()
            .map(|t| one_line(&plain_text(&t.content, is_html(t.content_type.as_ref()))))
            .filter(|t| !t.is_empty());
        let content = entry.content.as_ref().and_then(|c| {
            let kind = c.content_type.to_string();
            let readable = is_html(&kind) || kind.starts_with("text/");
            c.body
                .as_deref()
                .filter(|_| readable)
                .map(|b| plain_text(b, is_html(&kind)))
        });
        let body = content.filter(|b| !b.is_empty()).or_else(|| {
            entry
                .summary
                .as_ref()
                .map(|s| plain_text(&s.content, is_html(s.content_type.as_ref())))
                .filter(|b| !b.is_empty())
        });
        let url = link_of(entry);
        let id = if entry.id.trim().is_empty() {
            url.clone()
                .unwrap_or_else(|| format!("{}#{number}", file.rel_path))
        } else {
            entry.id.trim().to_owned()
        };
        let (title, body) = match (title, body) {
            (None, None) => {
                skip(&mut parsed, "no title and no text".into());
                continue;
            }
            (Some(_), None) => {
                skip(&mut parsed, format!("{id}: title only, no text"));
                continue;
            }
            (Some(title), Some(body)) => (title, body),
            (None, Some(body)) => (title_from(&body), body),
        };
        if let Some(&(first, first_line)) = first_with_id.get(&id) {
            let elsewhere = match first_line {
                Some(l) => format!("first seen at line {l}"),
                None => format!("first seen in {item_tag} {first}"),
            };
            parsed.problems.push(Problem::skipped(
                &file.path,
                line,
                ProblemKind::DuplicateId { id, elsewhere },
            ));
            continue;
        }
        first_with_id.insert(id.clone(), (number, line));
        let written = entry
            .published
            .or(entry.updated)
            .and_then(|d| usize::try_from(d.timestamp()).ok())
            .and_then(|i| dates.get(i))
            .map(|d| d.trim().to_owned());
        let date = read_date(written.as_deref(), |bad| {
            parsed.problems.push(Problem::warning(
                &file.path,
                line,
                ProblemKind::BadDate(bad),
            ));
        });
        parsed.articles.push(Article {
            id,
            title,
            body,
            date_field: written,
            date,
            source: source.clone(),
            url,
            line,
        });
    }
    parsed
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeedKind {
    Rss,
    Rdf,
    Atom,
}

/// Why feed-rs could not read a feed.
enum Failure {
    /// The root element is right but holds no channel.
    NoChannel,
    /// The XML is broken (the parser's reason).
    Parser(String),
}

/// The feed in `xml` (UTF-8), and the dates as written in it: feed-rs
/// turns dates into timestamps and drops those it cannot read, so its
/// timestamp parser here keeps each date's text and gives feed-rs the
/// text's index (as seconds after 1970) instead. Ids feed-rs would
/// generate for items without one (a hash of link and title) stay empty,
/// to be replaced by the link.
fn read_feed(xml: &str) -> Result<(feed_rs::model::Feed, Vec<String>), Failure> {
    let dates: Arc<Mutex<Vec<String>>> = Arc::default();
    let kept = Arc::clone(&dates);
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .timestamp_parser(move |text| {
            let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
            let index = kept.len() as u64;
            kept.push(text.to_owned());
            Some((UNIX_EPOCH + Duration::from_secs(index)).into())
        })
        .build();
    let result = catch_panic(|| parser.parse(xml.as_bytes()))
        .map_err(|panic| Failure::Parser(format!("the feed parser failed: {panic}")))?;
    let feed = result.map_err(|err| match err {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => Failure::NoChannel,
        other => {
            // "unable to parse XML: Parser error: syntax error: …"
            let reason = other.to_string();
            let reason = reason
                .strip_prefix("unable to parse XML: ")
                .unwrap_or(&reason);
            let reason = reason.strip_prefix("Parser error: ").unwrap_or(reason);
            Failure::Parser(reason.to_owned())
        }
    })?;
    let dates = std::mem::take(&mut *dates.lock().unwrap_or_else(PoisonError::into_inner));
    Ok((feed, dates))
}

/// The address of an item: its first alternate link (RSS `<link>`, Atom
/// `rel="alternate"` or no `rel`), not a comments link.
fn link_of(entry: &feed_rs::model::Entry) -> Option<String> {
    entry
        .links
        .iter()
        .find(|l| l.target.is_none() && l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// Whether a media type (`text/html`, `application/xhtml+xml`) is HTML.
fn is_html(media_type: &str) -> bool {
    media_type.contains("html")
}

/// Feed text as plain text: HTML (or text that holds tags or entities
/// anyway, as RSS titles and RSS 1.0 descriptions often do) through
/// `fragment_text`.
fn plain_text(text: &str, html: bool) -> String {
    if html || has_markup(text) {
        fragment_text(text).trim().to_owned()
    } else {
        text.trim().to_owned()
    }
}

/// Whether `text` holds an HTML tag (`<p`, `</`, `<br/>`) or an entity
/// (`&rsquo;`, `&#8217;`).
fn has_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'<' => bytes
            .get(i + 1)
            .is_some_and(|&n| n.is_ascii_alphabetic() || n == b'/' || n == b'!'),
        b'&' => {
            let rest = bytes.get(i + 1..).unwrap_or_default();
            let name = rest
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
                .count();
            name > 0 && rest.get(name) == Some(&b';')
        }
        _ => false,
    })
}

/// `text` on one line, runs of white space as one space.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a feed's bytes and a warning when they were not clean:
/// a BOM decides, else the XML declaration's `encoding`, else they are
/// read as every text file is (UTF-8, Windows-1252 when not UTF-8).
fn decode(file: &SourceFile, bytes: &[u8]) -> Result<(String, Option<String>), Problem> {
    let foreign = |encoding: &'static Encoding, bytes: &[u8]| {
        let (text, bad) = encoding.decode_without_bom_handling(bytes);
        let warning = bad.then(|| format!("invalid {}; replaced with U+FFFD", encoding.name()));
        (text.into_owned(), warning)
    };
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        if encoding != UTF_8 {
            return Ok(foreign(encoding, bytes.get(bom..).unwrap_or_default()));
        }
    } else {
        // UTF-16 without a BOM: `<?` in two-byte units.
        match bytes {
            [b'<', 0, b'?', 0, ..] => return Ok(foreign(encoding_rs::UTF_16LE, bytes)),
            [0, b'<', 0, b'?', ..] => return Ok(foreign(encoding_rs::UTF_16BE, bytes)),
            _ => {}
        }
        let declared = declared_encoding(bytes);
        match declared
            .as_deref()
            .map(|l| (l, Encoding::for_label(l.as_bytes())))
        {
            // ISO-8859-1 is Windows-1252 here, as in browsers.
            Some((_, Some(encoding))) if encoding != UTF_8 && encoding.is_ascii_compatible() => {
                return Ok(foreign(encoding, bytes));
            }
            Some((label, None)) => {
                let text = corpus::decode(&file.path, bytes)
                    .map_err(|e| e.into_problem(&file.path, None))?;
                let warning = format!(
                    "unknown encoding {label:?} in the XML declaration; read as {}",
                    if text.warning.is_some() {
                        "Windows-1252"
                    } else {
                        "UTF-8"
                    }
                );
                return Ok((text.text, Some(warning)));
            }
            _ => {}
        }
    }
    let text = corpus::decode(&file.path, bytes).map_err(|e| e.into_problem(&file.path, None))?;
    Ok((text.text, text.warning))
}

/// The `encoding` of the XML declaration opening `bytes`, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..1024).unwrap_or(bytes).trim_ascii_start();
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    let (_, after) = decl.split_once("encoding")?;
    let value = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|&q| q == '"' || q == '\'')?;
    let value = &value[1..];
    Some(value[..value.find(quote)?].trim().to_owned())
}

/// The text handed to feed-rs: `text` with its XML declaration saying
/// UTF-8 (feed-rs would otherwise decode it again as the declared
/// encoding) and an RSS root without a version it knows said to be 2.0
/// (feed-rs rejects `<rss>` without `version="2.0"`).
fn for_feed_rs(text: &str, root: &Tag<'_>) -> String {
    let mut out = String::with_capacity(text.len() + 40);
    let mut from = 0;
    let start = text.len() - text.trim_start().len();
    if text[start..].starts_with("<?xml") {
        if let Some(end) = text.find("?>") {
            // White space before the declaration is not XML either.
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            // Keep the lines where they were.
            out.extend(text[..end].matches('\n').map(|_| '\n'));
            from = end + 2;
        }
    }
    if local_name(root.name) == "rss" && root.at >= from {
        let tag = &text[root.at..root.end];
        let version = attribute(tag, "version");
        if !matches!(version, Some((_, "2.0" | "0.91" | "0.92" | ""))) {
            out.push_str(&text[from..root.at]);
            match version {
                Some((range, _)) => {
                    out.push_str(&tag[..range.start]);
                    out.push_str("2.0");
                    out.push_str(&tag[range.end..]);
                }
                None => {
                    let name_end = 1 + root.name.len();
                    out.push_str(&tag[..name_end]);
                    out.push_str(" version=\"2.0\"");
                    out.push_str(&tag[name_end..]);
                }
            }
            from = root.end;
        }
    }
    out.push_str(&text[from..]);
    out
}

/// `xml` with each `&` that starts no entity or character reference
/// (`AT&T`, `?a=1&b=2`: common in feeds, and fatal to an XML parser)
/// written `&amp;`, outside CDATA sections and comments; and how many
/// there were, and where the first was.
fn escape_bare_ampersands(xml: String) -> (String, Option<(usize, usize)>) {
    let bytes = xml.as_bytes();
    let mut bare: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(found) = xml[i..].find(['&', '<']) {
        let at = i + found;
        let rest = &xml[at..];
        if rest.starts_with('<') {
            let close = if rest.starts_with("<![CDATA[") {
                "]]>"
            } else if rest.starts_with("<!--") {
                "-->"
            } else {
                i = at + 1;
                continue;
            };
            match rest.find(close) {
                Some(end) => i = at + end + close.len(),
                None => break,
            }
            continue;
        }
        let name = bytes.get(at + 1..).unwrap_or_default();
        let count = |from: usize, ok: fn(&u8) -> bool| {
            name.get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| ok(b))
                .count()
        };
        // The length of a reference's name, when it has one.
        let len = match name.first() {
            Some(b'#') if matches!(name.get(1), Some(b'x' | b'X')) => {
                Some(count(2, u8::is_ascii_hexdigit))
                    .filter(|&n| n > 0)
                    .map(|n| n + 2)
            }
            Some(b'#') => Some(count(1, u8::is_ascii_digit))
                .filter(|&n| n > 0)
                .map(|n| n + 1),
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => Some(count(0, |b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
            })),
            _ => None,
        };
        let is_reference = len.is_some_and(|len| name.get(len) == Some(&b';'));
        if !is_reference {
            bare.push(at);
        }
        i = at + 1;
    }
    let Some(&first) = bare.first() else {
        return (xml, None);
    };
    let mut out = String::with_capacity(xml.len() + 4 * bare.len());
    let mut from = 0;
    for &at in &bare {
        out.push_str(&xml[from..at]);
        out.push_str("&amp;");
        from = at + 1;
    }
    out.push_str(&xml[from..]);
    (out, Some((bare.len(), first)))
}

/// The value of attribute `name` in a start tag, and where it is.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<(std::ops::Range<usize>, &'t str)> {
    let mut search = 0;
    while let Some(found) = tag[search..].find(name) {
        let at = search + found;
        search = at + name.len();
        let before_ok = tag[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = tag[search..].trim_start();
        let Some(value) = rest.strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let quote = value.chars().next().filter(|&q| q == '"' || q == '\'')?;
        let start = tag.len() - value.len() + 1;
        let len = tag[start..].find(quote)?;
        return Some((start..start + len, &tag[start..start + len]));
    }
    None
}

/// A piece of markup found by [`tags`].
#[derive(Debug, Clone, Copy)]
struct Tag<'a> {
    /// The element's name (empty for other markup).
    name: &'a str,
    /// Where its `<` is.
    at: usize,
    /// Just after its `>`.
    end: usize,
    kind: TagKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// `<name …>`.
    Start,
    /// `<name …/>`.
    Empty,
    /// `</name>`.
    End,
    /// A comment, CDATA section, processing instruction or declaration.
    Other,
}

/// The tags of XML `text`, and its comments, CDATA sections, processing
/// instructions and declarations as [`TagKind::Other`]: a scan cheap enough
/// to find items' lines and where broken XML breaks, which feed-rs does
/// not tell. `Err` holds where a construct is not closed, or a `<` does
/// not start one.
fn tags(text: &str) -> impl Iterator<Item = Result<Tag<'_>, usize>> + '_ {
    let mut pos = 0;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let at = pos + text[pos..].find('<')?;
        let rest = &text[at..];
        let skip_to = |end: &str| rest.find(end).map(|e| at + e + end.len());
        let next = if rest.starts_with("<!--") {
            skip_to("-->")
        } else if rest.starts_with("<![CDATA[") {
            skip_to("]]>")
        } else if rest.starts_with("<?") {
            skip_to("?>")
        } else if rest.starts_with("<!") {
            // A doctype, with perhaps an internal subset in brackets.
            rest.find('>')
                .and_then(|close| match rest[..close].find('[') {
                    Some(open) => rest[open..]
                        .find(']')
                        .and_then(|c| rest[open + c..].find('>').map(|e| at + open + c + e + 1)),
                    None => Some(at + close + 1),
                })
        } else {
            let closing = rest.starts_with("</");
            let name_start = if closing { 2 } else { 1 };
            let name_len = rest[name_start..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len() - name_start);
            let name = &rest[name_start..name_start + name_len];
            let starts_name = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
            let end = tag_end(rest).filter(|_| starts_name);
            let Some(end) = end else {
                failed = true;
                return Some(Err(at));
            };
            pos = at + end;
            let kind = if closing {
                TagKind::End
            } else if rest[..end - 1].ends_with('/') {
                TagKind::Empty
            } else {
                TagKind::Start
            };
            return Some(Ok(Tag {
                name,
                at,
                end: at + end,
                kind,
            }));
        };
        match next {
            Some(next) => {
                pos = next;
                Some(Ok(Tag {
                    name: "",
                    at,
                    end: next,
                    kind: TagKind::Other,
                }))
            }
            None => {
                failed = true;
                Some(Err(at))
            }
        }
    })
}

/// Just after the `>` ending the tag that opens `rest`, quoted attribute
/// values (which may hold `>`) skipped.
fn tag_end(rest: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            (None, '<') if i > 0 => return None,
            _ => {}
        }
    }
    None
}

/// `prefix:name` → `name`.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// What a file opens with.
enum Root<'a> {
    /// Nothing but white space.
    Empty,
    /// Text that is not XML, from this byte.
    NotXml(usize),
    /// The first element's start tag.
    Element(Tag<'a>),
}

/// The first element of `text`, after the XML declaration, comments,
/// processing instructions and the doctype.
fn root_element(text: &str) -> Root<'_> {
    let body = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if body.is_empty() {
        return Root::Empty;
    }
    let mut last_end = text.len() - body.len();
    for tag in tags(text) {
        let tag = match tag {
            Ok(tag) => tag,
            Err(at) => return Root::NotXml(at),
        };
        if !text[last_end..tag.at].trim().is_empty() {
            return Root::NotXml(last_end);
        }
        match tag.kind {
            TagKind::Other => last_end = tag.end,
            TagKind::End => return Root::NotXml(tag.at),
            TagKind::Start | TagKind::Empty => return Root::Element(tag),
        }
    }
    // Only a declaration and comments: XML without an element.
    if body.starts_with('<') {
        Root::Empty
    } else {
        Root::NotXml(last_end)
    }
}

/// The lines of the start tags named `name` (any prefix), in order.
fn item_lines(text: &str, name: &str) -> Vec<usize> {
    let mut lines = Lines::new(text);
    tags(text)
        .map_while(Result::ok)
        .filter(|t| matches!(t.kind, TagKind::Start | TagKind::Empty) && local_name(t.name) == name)
        .map(|t| lines.at(t.at))
        .collect()
}

/// Whether `text` has an element of one of these local names.
fn has_element(text: &str, names: &[&str]) -> bool {
    tags(text)
        .map_while(Result::ok)
        .any(|t| t.kind != TagKind::Other && names.contains(&local_name(t.name)))
}

/// The line where the XML of `text` breaks, as far as [`tags`] can tell:
/// a tag or comment not closed, an end tag that does not match, or the
/// end of a file cut short.
fn error_line(text: &str) -> Option<usize> {
    let mut open: Vec<&str> = Vec::new();
    let mut seen_root = false;
    for tag in tags(text) {
        match tag {
            Err(at) => return Some(line_of(text, at)),
            Ok(tag) => match tag.kind {
                TagKind::End if open.pop() != Some(tag.name) => {
                    return Some(line_of(text, tag.at));
                }
                TagKind::Start | TagKind::Empty if open.is_empty() && seen_root => {
                    return Some(line_of(text, tag.at));
                }
                TagKind::Start => {
                    seen_root = true;
                    open.push(tag.name);
                }
                TagKind::Empty => seen_root = true,
                TagKind::End | TagKind::Other => {}
            },
        }
    }
    (!open.is_empty()).then(|| line_of(text, text.trim_end().len()))
}

/// The 1-based line of byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    Lines::new(text).at(at)
}

/// Lines of byte offsets asked in increasing order, counted once.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    fn at(&mut self, at: usize) -> usize {
        let at = at.min(self.text.len());
        if at >= self.pos {
            self.line += self
                .text
                .get(self.pos..at)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.pos = at;
        }
        self.line
    }
}

/// `bytes` changed in a few places, the same way for the same `seed`:
/// inputs for the tests that bad bytes never panic a parser.
#[cfg(test)]
pub(super) fn mutated(bytes: &[u8], seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    let mut out = bytes.to_vec();
    for _ in 0..1 + next(4) {
        let at = next(out.len() + 1);
        match next(3) {
            0 => {
                let junk = b"<>&;/\"'\n\r\x00\xff\xc3#=-: ";
                out.insert(at, junk[next(junk.len())]);
            }
            1 => {
                let end = (at + next(40)).min(out.len());
                out.drain(at..end);
            }
            _ => {
                let end = (at + next(40)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Format;
    use crate::error::Severity;
    use std::path::PathBuf;

    fn file(rel: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("corpus").join(rel),
            rel_path: rel.to_owned(),
            format: Format::Feed,
            size: 0,
            mtime: 0,
        }
    }

    fn ids(parsed: &Parsed) -> Vec<&str> {
        parsed.articles.iter().map(|a| a.id.as_str()).collect()
    }

    /// A wire service's RSS 2.0 feed, as served.
    const WIRE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Levant Wire &amp; Partners</title>
  <link>https://levantwire.example/</link>
  <atom:link href="https://levantwire.example/feed/" rel="self" type="application/rss+xml"/>
  <description>News from Iraq and Syria</description>
  <lastBuildDate>Tue, 14 Mar 2023 10:00:00 +0000</lastBuildDate>
  <item>
    <title>Mosul&#8217;s old city: rebuilding &amp; return</title>
    <link>https://levantwire.example/2023/03/14/mosul-rebuilding/</link>
    <comments>https://levantwire.example/2023/03/14/mosul-rebuilding/#comments</comments>
    <dc:creator><![CDATA[Staff]]></dc:creator>
    <pubDate>Tue, 14 Mar 2023 09:30:00 +0000</pubDate>
    <guid isPermaLink="false">lw-2023-0314-001</guid>
    <description><![CDATA[<p>Families return to the old city&hellip;</p>]]></description>
    <content:encoded><![CDATA[<p>MOSUL &mdash; Families returned on Tuesday to the old city, where
reconstruction of the al-Nuri mosque is under way.</p>
<script>window.track('lw-001');</script>
<p>The governor said 4,000 houses had been rebuilt.</p>]]></content:encoded>
  </item>
  <item>
    <title>Drone strike near Deir ez-Zor</title>
    <link>https://levantwire.example/2023/03/13/drone-strike/</link>
    <pubDate>Mon, 13 Mar 2023 18:05:00 GMT</pubDate>
    <guid isPermaLink="true">https://levantwire.example/?p=8812</guid>
    <description>A drone struck a convoy &lt;b&gt;east of the Euphrates&lt;/b&gt;, officials said.</description>
  </item>
</channel>
</rss>
"#;

    #[test]
    fn rss_items_are_articles_with_their_guids_dates_and_lines() {
        let p = parse(&file("feeds/wire.xml"), WIRE.as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.passed_over, None);
        assert_eq!(
            ids(&p),
            ["lw-2023-0314-001", "https://levantwire.example/?p=8812"]
        );
        let a = &p.articles[0];
        assert_eq!(a.title, "Mosul\u{2019}s old city: rebuilding & return");
        assert!(
            a.body.contains("Families returned on Tuesday"),
            "{}",
            a.body
        );
        assert!(a.body.contains("4,000 houses"), "{}", a.body);
        // content:encoded wins over the teaser in description.
        assert!(!a.body.contains("Families return to"), "{}", a.body);
        assert_eq!(
            a.date_field.as_deref(),
            Some("Tue, 14 Mar 2023 09:30:00 +0000")
        );
        assert_eq!(a.date.unwrap().to_string(), "2023-03-14");
        assert_eq!(a.source.as_deref(), Some("Levant Wire & Partners"));
        assert_eq!(
            a.url.as_deref(),
            Some("https://levantwire.example/2023/03/14/mosul-rebuilding/")
        );
        assert_eq!(a.line, Some(12));
        let b = &p.articles[1];
        assert_eq!(b.date.unwrap().to_string(), "2023-03-13");
        assert_eq!(b.line, Some(25));
        assert!(b.body.starts_with("A drone struck a convoy"), "{}", b.body);
    }

    #[test]
    fn rss_html_becomes_plain_text() {
        let p = parse(&file("feeds/wire.xml"), WIRE.as_bytes());
        let a = &p.articles[0];
        assert!(a.body.starts_with("MOSUL \u{2014} Families"), "{}", a.body);
        for markup in ["<p>", "</p>", "&mdash;", "window.track", "<script"] {
            assert!(!a.body.contains(markup), "{markup} in {}", a.body);
        }
        let b = &p.articles[1];
        assert!(!b.body.contains("<b>"), "{}", b.body);
        assert!(
            b.body.contains("east of the Euphrates, officials said"),
            "{}",
            b.body
        );
    }

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Sahel Monitor</title>
  <id>tag:sahelmonitor.example,2023:feed</id>
  <updated>2023-05-02T08:00:00Z</updated>
  <link rel="self" href="https://sahelmonitor.example/atom.xml"/>
  <entry>
    <title type="html">&lt;em&gt;Gao&lt;/em&gt; convoy ambushed &amp;amp; looted</title>
    <link rel="related" href="https://sahelmonitor.example/map/gao"/>
    <link rel="alternate" type="text/html" href="https://sahelmonitor.example/2023/05/gao-convoy"/>
    <id>tag:sahelmonitor.example,2023:entry-417</id>
    <published>2023-05-01T21:40:00+00:00</published>
    <updated>2023-05-02T07:15:00Z</updated>
    <summary>Short version.</summary>
    <content type="html">&lt;p&gt;A supply convoy was ambushed near &lt;strong&gt;Gao&lt;/strong&gt; on Monday.&lt;/p&gt;
&lt;p&gt;Three trucks were burned.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Curfew lifted in Kidal</title>
    <link href="https://sahelmonitor.example/2023/04/kidal-curfew"/>
    <id>tag:sahelmonitor.example,2023:entry-409</id>
    <updated>2023-04-28T12:00:00Z</updated>
    <summary>The regional governor lifted the night curfew in Kidal after two weeks.</summary>
  </entry>
</feed>
"#;

    #[test]
    fn atom_entries_use_id_alternate_link_and_summary_when_no_content() {
        let p = parse(&file("sahel.atom"), ATOM.as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(
            ids(&p),
            [
                "tag:sahelmonitor.example,2023:entry-417",
                "tag:sahelmonitor.example,2023:entry-409"
            ]
        );
        let a = &p.articles[0];
        assert_eq!(
            a.url.as_deref(),
            Some("https://sahelmonitor.example/2023/05/gao-convoy")
        );
        assert_eq!(a.date_field.as_deref(), Some("2023-05-01T21:40:00+00:00"));
        assert_eq!(a.date.unwrap().to_string(), "2023-05-01");
        assert!(a.body.contains("Three trucks were burned."), "{}", a.body);
        assert!(!a.body.contains("Short version"), "{}", a.body);
        assert_eq!(a.source.as_deref(), Some("Sahel Monitor"));
        assert_eq!(a.line, Some(7));
        let b = &p.articles[1];
        assert_eq!(b.title, "Curfew lifted in Kidal");
        assert_eq!(
            b.body,
            "The regional governor lifted the night curfew in Kidal after two weeks."
        );
        // No published date: the updated one.
        assert_eq!(b.date.unwrap().to_string(), "2023-04-28");
        assert_eq!(
            b.url.as_deref(),
            Some("https://sahelmonitor.example/2023/04/kidal-curfew")
        );
        assert_eq!(b.line, Some(18));
    }

    #[test]
    fn atom_html_title_and_content_become_plain_text() {
        let p = parse(&file("sahel.atom"), ATOM.as_bytes());
        let a = &p.articles[0];
        assert_eq!(a.title, "Gao convoy ambushed & looted");
        assert!(
            a.body
                .starts_with("A supply convoy was ambushed near Gao on Monday."),
            "{}",
            a.body
        );
        assert!(!a.body.contains('<'), "{}", a.body);
    }

    fn blog(items: &[(&str, &str)]) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Field notes</title>\n",
        );
        for (slug, title) in items {
            xml.push_str(&format!(
                "<item><title>{title}</title><link>https://notes.example/{slug}</link>\
                 <description>Notes about {title}.</description></item>\n"
            ));
        }
        xml.push_str("</channel></rss>\n");
        xml
    }

    #[test]
    fn items_without_guid_are_known_by_their_link_across_fetches() {
        let first = blog(&[("raqqa", "Raqqa"), ("idlib", "Idlib")]);
        let p = parse(&file("notes.rss"), first.as_bytes());
        assert_eq!(
            ids(&p),
            ["https://notes.example/raqqa", "https://notes.example/idlib"]
        );
        // The same feed read again: the same ids (no random or hashed id).
        assert_eq!(ids(&parse(&file("notes.rss"), first.as_bytes())), ids(&p));
        // Fetched again with a new item on top: the others keep their ids.
        let second = blog(&[("homs", "Homs"), ("raqqa", "Raqqa"), ("idlib", "Idlib")]);
        let q = parse(&file("notes.rss"), second.as_bytes());
        assert_eq!(
            ids(&q),
            [
                "https://notes.example/homs",
                "https://notes.example/raqqa",
                "https://notes.example/idlib"
            ]
        );
        assert_eq!(q.articles[2].line, Some(5));
    }

    #[test]
    fn items_without_guid_or_link_are_known_by_their_position() {
        let xml = "<rss version=\"2.0\"><channel><title>T</title>\
            <item><description>First report from Aleppo. More follows.</description></item>\
            <item><guid>  </guid><title>Second</title><description>Body two.</description></item>\
            </channel></rss>";
        let p = parse(&file("f/x.xml"), xml.as_bytes());
        assert_eq!(ids(&p), ["f/x.xml#1", "f/x.xml#2"]);
        // No title: one made from the text.
        assert_eq!(p.articles[0].title, "First report from Aleppo");
    }

    #[test]
    fn windows_1252_feed_is_decoded_by_its_declaration() {
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n\
<rss version=\"2.0\"><channel><title>Le Monde \x96 Afrique</title>\n<item>\n\
<title>L\x92arm\xe9e d\xe9ment \x93toute offensive\x94</title>\n\
<link>https://afrique.example/a</link>\n\
<description>Le porte-parole a d\xe9menti \x93toute offensive\x94 \xe0 Tombouctou.</description>\n\
</item></channel></rss>\n"
            .to_vec();
        let p = parse(&file("afrique.xml"), &bytes);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let a = &p.articles[0];
        assert_eq!(
            a.title,
            "L\u{2019}arm\u{e9}e d\u{e9}ment \u{201c}toute offensive\u{201d}"
        );
        assert_eq!(
            a.body,
            "Le porte-parole a d\u{e9}menti \u{201c}toute offensive\u{201d} \u{e0} Tombouctou."
        );
        assert_eq!(a.source.as_deref(), Some("Le Monde \u{2013} Afrique"));
        assert_eq!(a.line, Some(3));
        // ISO-8859-1 is read as its Windows-1252 superset, as browsers do.
        let at = bytes
            .windows(12)
            .position(|w| w == b"windows-1252")
            .unwrap();
        bytes.splice(at..at + 12, b"ISO-8859-1".iter().copied());
        let p = parse(&file("afrique.xml"), &bytes);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.articles[0].title.starts_with("L\u{2019}arm\u{e9}e"));
        // Even after blank lines, which a declaration should not follow.
        bytes.splice(0..0, *b"\n\n");
        let p = parse(&file("afrique.xml"), &bytes);
        assert!(
            p.articles[0].title.starts_with("L\u{2019}arm\u{e9}e"),
            "{:?}",
            p.articles
        );
        assert_eq!(p.articles[0].line, Some(5));
    }

    #[test]
    fn undeclared_latin_bytes_and_utf16_are_read_too() {
        let latin =
            b"<rss version=\"2.0\"><channel><title>T</title><item><title>Caf\xe9 attack</title>\
<description>Texte \xe9crit.</description></item></channel></rss>";
        let p = parse(&file("l.xml"), latin);
        assert_eq!(p.articles[0].title, "Caf\u{e9} attack");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].severity, Severity::Warning);
        assert!(matches!(p.problems[0].kind, ProblemKind::Encoding(_)));

        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
<item><title>\u{201c}Quoted\u{201d}</title><description>\u{41a}\u{438}\u{435}\u{432}</description></item></channel></rss>";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
        let p = parse(&file("u.xml"), &utf16);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.articles[0].title, "\u{201c}Quoted\u{201d}");
        assert_eq!(p.articles[0].body, "\u{41a}\u{438}\u{435}\u{432}");
    }

    #[test]
    fn xml_that_is_not_a_feed_is_passed_over() {
        let sitemap = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by the CMS -->
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://news.example/2023/03/mosul</loc><lastmod>2023-03-14</lastmod></url>
</urlset>"#;
        let config = "<?xml version=\"1.0\"?>\n<!DOCTYPE config [\n<!ENTITY x \"<rss>\">\n]>\n\
<config><feed>not this</feed></config>";
        let rdf_data = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="x"/></rdf:RDF>"#;
        for xml in [sitemap, config, rdf_data] {
            let p = parse(&file("sitemap.xml"), xml.as_bytes());
            assert_eq!(p.passed_over.as_deref(), Some(NOT_A_FEED), "{xml}");
            assert!(
                p.articles.is_empty() && p.problems.is_empty(),
                "{:?}",
                p.problems
            );
        }
    }

    #[test]
    fn a_cut_feed_is_a_problem_with_its_line() {
        let cut = &WIRE[..WIRE.find("<guid isPermaLink=\"true\"").unwrap() + 10];
        let p = parse(&file("wire.xml"), cut.as_bytes());
        assert!(p.articles.is_empty());
        assert_eq!(p.passed_over, None);
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].severity, Severity::Skipped);
        assert_eq!(p.problems[0].line, Some(29));
        assert!(
            p.problems[0]
                .kind
                .to_string()
                .starts_with("cannot read the feed: "),
            "{}",
            p.problems[0].kind
        );

        let mismatched =
            "<rss version=\"2.0\"><channel>\n<item><title>A</b></item>\n</channel></rss>";
        let p = parse(&file("m.xml"), mismatched.as_bytes());
        assert_eq!(p.problems[0].line, Some(2));
    }

    #[test]
    fn no_prefix_of_a_feed_panics() {
        // Every byte prefix, cuts inside a character too.
        for end in 0..WIRE.len() {
            let p = parse(&file("wire.xml"), &WIRE.as_bytes()[..end]);
            assert!(
                p.articles.is_empty() || end > WIRE.find("</item>").unwrap(),
                "articles from a feed cut at {end}"
            );
            assert!(p.passed_over.is_none() || end < 40, "cut at {end}");
        }
    }

    #[test]
    fn mangled_feeds_never_panic() {
        for (seed, sample) in (0..1500).zip([WIRE, ATOM].iter().cycle()) {
            let bytes = mutated(sample.as_bytes(), seed);
            let p = parse(&file("m.xml"), &bytes);
            assert!(p.articles.len() <= 2, "seed {seed}");
        }
    }

    #[test]
    fn garbage_and_empty_files_are_problems() {
        for bytes in [&b""[..], b"  \n", b"<?xml version=\"1.0\"?>\n"] {
            let p = parse(&file("e.xml"), bytes);
            assert!(p.articles.is_empty());
            assert_eq!(p.problems.len(), 1, "{bytes:?}");
            assert_eq!(p.problems[0].kind, ProblemKind::Empty);
        }
        for bytes in [
            &b"just some text\n"[..],
            b"{\"items\": []}",
            b"\x00\x01\x02\x03binary\xff\xfe\x00",
        ] {
            let p = parse(&file("g.xml"), bytes);
            assert!(p.articles.is_empty());
            assert_eq!(p.passed_over, None);
            assert_eq!(p.problems.len(), 1, "{bytes:?}: {:?}", p.problems);
            assert_eq!(p.problems[0].severity, Severity::Skipped);
        }
    }

    #[test]
    fn title_only_empty_and_duplicate_items_are_reported() {
        let xml = "<rss version=\"2.0\"><channel><title>T</title>\n\
<item><title>Breaking: blast in Kabul</title><link>https://k.example/1</link></item>\n\
<item><link>https://k.example/2</link></item>\n\
<item><guid>k-3</guid><title>Three</title><description>Body three.</description></item>\n\
<item><guid>k-3</guid><title>Three again</title><description>Body three, again.</description></item>\n\
</channel></rss>";
        let p = parse(&file("k.xml"), xml.as_bytes());
        assert_eq!(ids(&p), ["k-3"]);
        assert_eq!(p.articles[0].title, "Three");
        let lines: Vec<_> = p.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(5)]);
        assert!(p.problems.iter().all(|p| p.severity == Severity::Skipped));
        let messages: Vec<String> = p.problems.iter().map(|p| p.kind.to_string()).collect();
        assert!(
            messages[0].contains("title only, no text"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("no title and no text"),
            "{}",
            messages[1]
        );
        assert_eq!(
            messages[2],
            "duplicate id \"k-3\" (first seen at line 4); skipped"
        );
    }

    #[test]
    fn rss_without_version_rdf_and_bad_dates() {
        let xml =
            "<rss><channel><title>T</title><item><title>A</title><description>Body.</description>\
<pubDate>sometime last week</pubDate></item></channel></rss>";
        let p = parse(&file("n.xml"), xml.as_bytes());
        assert_eq!(p.articles.len(), 1, "{:?}", p.problems);
        assert_eq!(p.articles[0].date, None);
        assert_eq!(
            p.articles[0].date_field.as_deref(),
            Some("sometime last week")
        );
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].severity, Severity::Warning);
        assert_eq!(
            p.problems[0].kind,
            ProblemKind::BadDate("sometime last week".into())
        );

        let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example/"><title>Old Wire</title>
    <items><rdf:Seq><rdf:li rdf:resource="https://old.example/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://old.example/1">
    <title>Fighting in Grozny</title><link>https://old.example/1</link>
    <description>Heavy fighting was reported.</description>
    <dc:date>2000-01-20T10:00:00+03:00</dc:date>
  </item>
</rdf:RDF>"#;
        let p = parse(&file("old.rdf.xml"), rdf.as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let a = &p.articles[0];
        assert_eq!(a.id, "https://old.example/1");
        assert_eq!(a.date.unwrap().to_string(), "2000-01-20");
        assert_eq!(a.source.as_deref(), Some("Old Wire"));
        assert_eq!(a.line, Some(6));
    }

    #[test]
    fn bare_ampersands_are_repaired_and_reported() {
        let xml = "<rss version=\"2.0\"><channel><title>Q&amp;A</title>\n\
<item><title>AT&T deal &#8211; &#x201C;done&#x201d; &nbsp;</title>\n\
<link>https://x.example/a?id=1&ref=rss</link>\n\
<description><![CDATA[Tom & Jerry]]> and R&D</description></item></channel></rss>";
        let p = parse(&file("amp.xml"), xml.as_bytes());
        assert_eq!(p.articles.len(), 1, "{:?}", p.problems);
        let a = &p.articles[0];
        assert!(
            a.title
                .starts_with("AT&T deal \u{2013} \u{201c}done\u{201d}"),
            "{}",
            a.title
        );
        assert_eq!(a.url.as_deref(), Some("https://x.example/a?id=1&ref=rss"));
        assert_eq!(a.body, "Tom & Jerry and R&D");
        assert_eq!(a.source.as_deref(), Some("Q&A"));
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].severity, Severity::Warning);
        assert_eq!(p.problems[0].line, Some(2));
        assert!(
            p.problems[0].kind.to_string().starts_with("3 bare `&`"),
            "{}",
            p.problems[0].kind
        );
    }

    #[test]
    fn declarations_and_markup_are_recognised() {
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding = 'ISO-8859-1' ?><rss/>").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\"?><rss/>"), None);
        assert_eq!(declared_encoding(b"<rss/>"), None);
        assert!(
            has_markup("a <b>bold</b> move") && has_markup("it&rsquo;s") && has_markup("&#8217;")
        );
        assert!(!has_markup("AT&T said 3 < 4 & more"));
        assert_eq!(error_line("<a>\n<b>\n</a>"), Some(3));
        assert_eq!(error_line("<a>\n<b/>\n</a>\n"), None);
        assert_eq!(error_line("<a>\n<b>text\n\n"), Some(2));
        assert_eq!(error_line("<a><!-- open\n\n"), Some(1));
    }
}
