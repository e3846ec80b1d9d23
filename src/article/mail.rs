//! `.eml` (one message) and `.mbox` (a mailbox of them): news alerts and
//! newsletters, read with mail-parser (MIME, encoded words,
//! quoted-printable, base64, charsets).
//!
//! A message is an article: its Subject the title (else one made from
//! the text), its text the `text/plain` part, else the HTML part through
//! `html::fragment_text`, with a signature (after a `-- ` line) and
//! newsletter links ("Unsubscribe", "View in browser") dropped;
//! attachments never become text. The date is the Date header as written,
//! the source the sender's name (else address). An `.eml` file's article
//! has the file's path as id; a mailbox message has its Message-ID, else
//! `path#LINE`, LINE the line of its `From ` separator.

use std::collections::HashMap;

use mail_parser::{HeaderName, Message, MessageParser, PartType};

use super::feed::one_line;
use super::html::fragment_text;
use super::table::title_from;
use super::{read_date, Article, Parsed};
use crate::corpus::SourceFile;
use crate::date::Date;
use crate::error::{Problem, ProblemKind};

/// The article of one `.eml` message.
pub(super) fn parse_message(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    if bytes.trim_ascii().is_empty() {
        return Parsed::problem(Problem::skipped(&file.path, None, ProblemKind::Empty));
    }
    // A message saved from a mailbox may keep its `From ` line.
    let bytes = if bytes.starts_with(b"From ") {
        bytes
            .iter()
            .position(|&b| b == b'\n')
            .and_then(|end| bytes.get(end + 1..))
            .unwrap_or_default()
    } else {
        bytes
    };
    let mut bad_date = None;
    match read_message(bytes, |d| bad_date = Some(d)) {
        Ok(mail) => {
            if let Some(date) = bad_date {
                parsed.problems.push(Problem::warning(
                    &file.path,
                    None,
                    ProblemKind::BadDate(date),
                ));
            }
            parsed
                .articles
                .push(mail.into_article(file.rel_path.clone(), None));
        }
        Err(reason) => parsed.problems.push(Problem::skipped(
            &file.path,
            None,
            ProblemKind::Other(format!("{reason} (skipped)")),
        )),
    }
    parsed
}

/// The articles of an mbox file.
pub(super) fn parse_mbox(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    if bytes.trim_ascii().is_empty() {
        return Parsed::problem(Problem::skipped(&file.path, None, ProblemKind::Empty));
    }
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for (line, message) in split_mbox(bytes) {
        let mut bad_date = None;
        let mail = match read_message(&message, |d| bad_date = Some(d)) {
            Ok(mail) => mail,
            Err(reason) => {
                parsed.problems.push(Problem::skipped(
                    &file.path,
                    Some(line),
                    ProblemKind::Record(vec![format!("{reason} (skipped)")]),
                ));
                continue;
            }
        };
        let id = mail
            .message_id
            .clone()
            .unwrap_or_else(|| format!("{}#{line}", file.rel_path));
        if let Some(&first) = first_line_of.get(&id) {
            parsed.problems.push(Problem::skipped(
                &file.path,
                Some(line),
                ProblemKind::DuplicateId {
                    id,
                    elsewhere: format!("first seen at line {first}"),
                },
            ));
            continue;
        }
        if let Some(date) = bad_date {
            parsed.problems.push(Problem::warning(
                &file.path,
                Some(line),
                ProblemKind::BadDate(date),
            ));
        }
        first_line_of.insert(id.clone(), line);
        parsed.articles.push(mail.into_article(id, Some(line)));
    }
    parsed
}

/// What a message gives an article.
#[derive(Debug)]
struct Mail {
    title: String,
    body: String,
    date_field: Option<String>,
    date: Option<Date>,
    source: Option<String>,
    message_id: Option<String>,
}

impl Mail {
    fn into_article(self, id: String, line: Option<usize>) -> Article {
        Article {
            id,
            title: self.title,
            body: self.body,
            date_field: self.date_field,
            date: self.date,
            source: self.source,
            url: None,
            line,
        }
    }
}

/// The article a message's bytes hold, or why they hold none. A Date
/// header that neither sitrep nor mail-parser can read goes to `on_bad_date`.
fn read_message(bytes: &[u8], on_bad_date: impl FnOnce(String)) -> Result<Mail, String> {
    if bytes.trim_ascii().is_empty() {
        return Err("an empty message".into());
    }
    let message = MessageParser::default()
        .parse(bytes)
        .filter(is_mail)
        .ok_or("not a mail message: no header lines")?;
    let body = body_of(&message);
    let subject = message.subject().map(one_line).filter(|s| !s.is_empty());
    let (title, body) = match (subject, body) {
        (_, None) if message.attachment_count() > 0 => {
            return Err("a message with attachments only, no text".into())
        }
        (_, None) => return Err("a message without text".into()),
        (Some(title), Some(body)) => {
            let body = without_title(&body, &title);
            (title, body)
        }
        (None, Some(body)) => (title_from(&body), body),
    };

    // The Date header as written; mail-parser's reading of it when
    // sitrep's cannot read it (obsolete forms, odd zones).
    let parsed_date = message
        .date()
        .filter(|d| d.is_valid())
        .map(|d| d.to_rfc3339());
    let written = message
        .header_raw(HeaderName::Date)
        .map(one_line)
        .filter(|d| !d.is_empty());
    let date_field = written.or_else(|| parsed_date.clone());
    let date = read_date(date_field.as_deref(), |bad| {
        if parsed_date.is_none() {
            on_bad_date(bad);
        }
    })
    .or_else(|| parsed_date.as_deref().and_then(crate::date::parse));

    let source = message
        .from()
        .and_then(|from| from.first())
        .and_then(|addr| {
            addr.name()
                .map(|n| one_line(n.trim_matches('"')))
                .filter(|n| !n.is_empty())
                .or_else(|| addr.address().map(|a| a.trim().to_owned()))
                .filter(|s| !s.is_empty())
        });
    let message_id = message
        .message_id()
        .map(|id| {
            id.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .trim()
                .to_owned()
        })
        .filter(|id| !id.is_empty());
    Ok(Mail {
        title,
        body,
        date_field,
        date,
        source,
        message_id,
    })
}

/// Whether a parsed message has a header of mail (From, Date, Subject,
/// MIME…), not only lines that happen to hold a colon.
fn is_mail(message: &Message<'_>) -> bool {
    message
        .headers()
        .iter()
        .any(|h| !matches!(h.name, HeaderName::Other(_)))
}

/// The text of a message: its plain-text parts, else its HTML parts,
/// without signature and newsletter boilerplate; `None` when nothing is
/// left.
fn body_of(message: &Message<'_>) -> Option<String> {
    // mail-parser lists an HTML part among the text bodies when there is
    // no plain alternative: only real text parts count here.
    let plain: Vec<String> = message
        .text_bodies()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(without_boilerplate(text)),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    let texts = if plain.is_empty() {
        message
            .html_bodies()
            .filter_map(|part| match &part.body {
                PartType::Html(html) => Some(without_boilerplate(&fragment_text(html))),
                _ => None,
            })
            .filter(|t| !t.is_empty())
            .collect()
    } else {
        plain
    };
    let body = texts.join("\n\n");
    (!body.is_empty()).then_some(body)
}

/// `body` without the subject repeated as a line of its first lines, as
/// alert services and newsletters head their text (what stands before it
/// there is a banner, dropped as well).
fn without_title(body: &str, title: &str) -> String {
    let mut offset = 0;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if i >= 4 {
            break;
        }
        if line.trim() == title.trim() {
            let rest = body
                .get(offset + line.len()..)
                .unwrap_or_default()
                .trim_start();
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
        offset += line.len();
    }
    body.to_owned()
}

/// The most lines a signature after a bare `--` line may have: a longer
/// tail is text that used `--` as a separator.
const MAX_SIGNATURE_LINES: usize = 12;

/// `text` without its signature (everything after a line `-- `, or after
/// a bare `--` when few lines follow, as many mailers write it) and
/// without lines that are only newsletter links ("Unsubscribe",
/// "View in browser", "Manage preferences", alone or joined by `|`).
fn without_boilerplate(text: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line == "-- " {
            break;
        }
        if line.trim_end() == "--" {
            let rest = lines.get(i + 1..).unwrap_or_default();
            if rest.iter().filter(|l| !l.trim().is_empty()).count() <= MAX_SIGNATURE_LINES {
                break;
            }
        }
        if !is_boilerplate(line) {
            kept.push(line.trim_end());
        }
    }
    // Blank lines left where links were: at most one in a row.
    let mut out = String::new();
    let mut blank = false;
    for line in kept {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// What newsletter link lines say, lower-cased, without punctuation.
const BOILERPLATE: &[&str] = &[
    "unsubscribe",
    "unsubscribe here",
    "click here to unsubscribe",
    "to unsubscribe click here",
    "unsubscribe from this list",
    "unsubscribe from these emails",
    "unsubscribe instantly",
    "view in browser",
    "view in your browser",
    "view it in your browser",
    "view online",
    "view this email in your browser",
    "view this email in a browser",
    "view this email online",
    "view as a web page",
    "view web version",
    "view the web version",
    "having trouble viewing this email view it in your browser",
    "manage preferences",
    "manage your preferences",
    "update your preferences",
    "update preferences",
    "email preferences",
    "manage subscription",
    "manage your subscription",
    "manage your subscriptions",
    "forward to a friend",
];

/// Whether `line` is only newsletter links: each of its pieces (split at
/// `|`, `•`, `·`) one of [`BOILERPLATE`], once addresses and link
/// punctuation are removed.
fn is_boilerplate(line: &str) -> bool {
    let cleaned: String = without_addresses(line)
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '|' | '•' | '·' => '|',
            c if c.is_alphanumeric() || c.is_whitespace() => c,
            _ => ' ',
        })
        .collect();
    let mut pieces = cleaned
        .split('|')
        .map(one_line)
        .filter(|p| !p.is_empty())
        .peekable();
    pieces.peek().is_some() && pieces.all(|p| BOILERPLATE.contains(&p.as_str()))
}

/// `line` without web and mail addresses (`https://…`, `mailto:…`), up
/// to the space, `)`, `>` or `]` that ends them.
fn without_addresses(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = ["http://", "https://", "mailto:"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']'))
            .map_or(rest.len(), |e| at + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The messages of a mailbox, each with the line of its `From `
/// separator (or line 1 for text before the first separator), `>From `
/// lines un-escaped (mboxrd: one `>` removed) and the blank line before
/// the next separator dropped.
///
/// A separator is a line starting with `From ` at the start of the file
/// or after a blank line, followed by a header line: a `From ` line in a
/// body that an mbox writer did not escape (mboxo) stays text.
fn split_mbox(bytes: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let blank = |l: &[u8]| l.trim_ascii().is_empty();
    let first_text = lines.iter().position(|l| !blank(l)).unwrap_or(lines.len());
    let separator = |i: usize, line: &[u8]| {
        line.starts_with(b"From ")
            && (i == first_text
                || i.checked_sub(1)
                    .and_then(|p| lines.get(p))
                    .is_some_and(|p| blank(p)))
            && lines.get(i + 1).is_some_and(|next| is_header_line(next))
    };
    // Each message: the line it starts on, its bytes.
    let mut messages: Vec<(usize, Vec<u8>)> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(first_text) {
        if separator(i, line) {
            messages.push((i + 1, Vec::new()));
            continue;
        }
        if messages.is_empty() {
            // Text before any separator: a message too, or not.
            messages.push((i + 1, Vec::new()));
        }
        let Some((_, content)) = messages.last_mut() else {
            continue;
        };
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        match line.get(quotes..) {
            Some(rest) if quotes > 0 && rest.starts_with(b"From ") => {
                content.extend_from_slice(line.get(1..).unwrap_or_default());
            }
            _ => content.extend_from_slice(line),
        }
    }
    for (_, content) in &mut messages {
        // The blank line written before the next separator.
        if content.ends_with(b"\r\n\r\n") {
            content.truncate(content.len() - 2);
        } else if content.ends_with(b"\n\n") {
            content.truncate(content.len() - 1);
        }
    }
    messages
}

/// Whether `line` is a header field (`Name: value`, the name printable
/// ASCII without spaces).
fn is_header_line(line: &[u8]) -> bool {
    let name_len = line
        .iter()
        .take_while(|&&b| b.is_ascii_graphic() && b != b':')
        .count();
    name_len > 0 && line.get(name_len) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::super::feed::mutated;
    use super::*;
    use crate::corpus::Format;
    use crate::error::Severity;
    use std::path::PathBuf;

    fn file(rel: &str, format: Format) -> SourceFile {
        SourceFile {
            path: PathBuf::from("corpus").join(rel),
            rel_path: rel.to_owned(),
            format,
            size: 0,
            mtime: 0,
        }
    }

    fn eml(bytes: &str) -> Parsed {
        parse_message(
            &file("alerts/gao.eml", Format::Email),
            bytes.replace('\n', "\r\n").as_bytes(),
        )
    }

    /// An alert as a mail client saves it: multipart/alternative, a
    /// quoted-printable text part with a signature and links, an HTML
    /// alternative, a base64 UTF-8 Subject.
    const ALERT: &str = "Return-Path: <alerts@crisiswatch.example>
Received: from mail.crisiswatch.example (mail.crisiswatch.example [203.0.113.5])
\tby mx.example.org with ESMTPS id 4417abc
\tfor <analyst@example.org>; Tue, 14 Mar 2023 09:31:02 +0000
From: \"CrisisWatch Alerts\" <alerts@crisiswatch.example>
To: analyst@example.org
Subject: =?UTF-8?B?QWxlcnRlIDogYXR0YXF1ZSBwcsOocyBkZSBHYW8g4oCUIDMgc29sZGF0cyB0dcOpcw==?=
Date: Tue, 14 Mar 2023 09:30:00 +0000
Message-ID: <20230314093000.4417@crisiswatch.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary=\"=_alt_4417\"

This is a multi-part message in MIME format.

--=_alt_4417
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

ALERT =E2=80=94 Gunmen attacked a military post near Gao on Monday night, kil=
ling three soldiers, the army said.

The attackers fled toward the M=C3=A9naka border area.

View in browser: https://crisiswatch.example/a/4417
Unsubscribe | Manage preferences

--=20
CrisisWatch Alerts
You receive this because you subscribed at crisiswatch.example

--=_alt_4417
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>HTML VERSION of the alert</p></body></html>
--=_alt_4417--
";

    #[test]
    fn an_alert_is_one_article_from_its_text_part() {
        let p = eml(ALERT);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let a = &p.articles[0];
        assert_eq!(a.id, "alerts/gao.eml");
        assert_eq!(
            a.title,
            "Alerte : attaque pr\u{e8}s de Gao \u{2014} 3 soldats tu\u{e9}s"
        );
        assert_eq!(
            a.body,
            "ALERT \u{2014} Gunmen attacked a military post near Gao on Monday night, killing three \
             soldiers, the army said.\n\nThe attackers fled toward the M\u{e9}naka border area."
        );
        assert_eq!(
            a.date_field.as_deref(),
            Some("Tue, 14 Mar 2023 09:30:00 +0000")
        );
        assert_eq!(a.date.unwrap().to_string(), "2023-03-14");
        assert_eq!(a.source.as_deref(), Some("CrisisWatch Alerts"));
        assert_eq!(a.url, None);
        assert_eq!(a.line, None);
    }

    const NEWSLETTER: &str = "From: The Mosul Dispatch <newsletter@dispatch.example>
To: reader@example.org
Subject: Weekly dispatch: water returns to west Mosul
Date: Fri, 17 Mar 2023 06:00:00 -0500
Message-ID: <weekly-88@dispatch.example>
MIME-Version: 1.0
Content-Type: text/html; charset=\"iso-8859-1\"
Content-Transfer-Encoding: quoted-printable

<html><head><style>p { color: #333333 }</style></head><body>
<p><a href=3D\"https://dispatch.example/web/88\">View in browser</a></p>
<h1>Water returns</h1>
<p>Pumping stations in west Mosul resumed operation this week, officials s=
aid. Caf=E9 owners on the river bank reopened.</p>
<script>var tracking =3D 1;</script>
<p><a href=3D\"https://dispatch.example/u/88\">Unsubscribe</a></p>
</body></html>
";

    #[test]
    fn an_html_only_newsletter_is_read_from_its_html() {
        let p = eml(NEWSLETTER);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let a = &p.articles[0];
        assert_eq!(a.title, "Weekly dispatch: water returns to west Mosul");
        assert!(
            a.body.contains(
                "Pumping stations in west Mosul resumed operation this week, officials said."
            ),
            "{}",
            a.body
        );
        assert!(a.body.contains("Caf\u{e9} owners"), "{}", a.body);
        assert_eq!(a.date.unwrap().to_string(), "2023-03-17");
        assert_eq!(a.source.as_deref(), Some("The Mosul Dispatch"));
    }

    #[test]
    fn an_html_newsletter_loses_its_markup_and_links() {
        let a = &eml(NEWSLETTER).articles[0];
        for junk in [
            "<",
            "color: #333333",
            "tracking",
            "Unsubscribe",
            "View in browser",
        ] {
            assert!(!a.body.contains(junk), "{junk} in {}", a.body);
        }
    }

    #[test]
    fn a_message_without_subject_or_text() {
        let p = eml("From: desk@wire.example\nDate: 2 Apr 2023 10:00 +0000\n\nShelling resumed in Bakhmut overnight. More later.\n");
        let a = &p.articles[0];
        assert_eq!(a.title, "Shelling resumed in Bakhmut overnight");
        assert_eq!(a.source.as_deref(), Some("desk@wire.example"));
        assert_eq!(a.date.unwrap().to_string(), "2023-04-02");

        let p = eml("From: a@b.example\nSubject: Map attached\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: image/png\n\
Content-Disposition: attachment; filename=\"map.png\"\nContent-Transfer-Encoding: base64\n\n\
iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n--x--\n");
        assert!(p.articles.is_empty());
        assert_eq!(p.problems.len(), 1);
        assert!(
            p.problems[0].kind.to_string().contains("attachments only"),
            "{}",
            p.problems[0].kind
        );

        let p = eml("From: a@b.example\nSubject: Nothing\nDate: not a date at all\n\nText.\n");
        assert_eq!(p.articles[0].date, None);
        assert_eq!(
            p.problems[0].kind,
            ProblemKind::BadDate("not a date at all".into())
        );
        assert_eq!(p.problems[0].severity, Severity::Warning);
    }

    #[test]
    fn mangled_messages_never_panic() {
        for (seed, sample) in (0..1500).zip([ALERT, NEWSLETTER, MBOX].iter().cycle()) {
            let bytes = mutated(sample.as_bytes(), seed);
            let _ = parse_message(&file("m.eml", Format::Email), &bytes);
            let p = parse_mbox(&file("m.mbox", Format::Mbox), &bytes);
            assert!(p.articles.len() <= 4, "seed {seed}");
        }
    }

    #[test]
    fn garbage_and_empty_messages_are_problems() {
        let garbage: &[&[u8]] = &[
            b"",
            b" \r\n\r\n",
            b"just some words, no headers\nand a second line\n",
            b"Note: a colon does not make a mail\n\nText.\n",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\xfe",
            b"From: \n\n",
        ];
        for bytes in garbage {
            for p in [
                parse_message(&file("g.eml", Format::Email), bytes),
                parse_mbox(&file("g.mbox", Format::Mbox), bytes),
            ] {
                assert!(p.articles.is_empty(), "{bytes:?}");
                assert_eq!(p.problems.len(), 1, "{bytes:?}: {:?}", p.problems);
                assert_eq!(p.problems[0].severity, Severity::Skipped);
            }
        }
    }

    const MBOX: &str = "From alerts@crisiswatch.example Tue Mar 14 09:30:00 2023
Return-Path: <alerts@crisiswatch.example>
From: CrisisWatch <alerts@crisiswatch.example>
Subject: Convoy attacked near Gao
Date: Tue, 14 Mar 2023 09:30:00 +0000
Message-ID: <a1@crisiswatch.example>

A convoy was attacked near Gao.
>From the scene, witnesses reported heavy gunfire.
>>From here, a quoted separator stays quoted once.

From editor@dispatch.example Wed Mar 15 10:00:00 2023
From: Dispatch Desk <editor@dispatch.example>
Subject: Situation report with map
Date: Wed, 15 Mar 2023 10:00:00 +0000
Message-ID: <b2@dispatch.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=\"mix-b2\"

--mix-b2
Content-Type: text/plain; charset=us-ascii

Attached is the situation report for Kidal.

--mix-b2
Content-Type: application/pdf; name=\"sitrep-kidal.pdf\"
Content-Disposition: attachment; filename=\"sitrep-kidal.pdf\"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK
--mix-b2--

From desk@wire.example Thu Mar 16 08:00:00 2023
From: desk@wire.example
Subject: No id here
Date: Thu, 16 Mar 2023 08:00:00 +0000

Third message body.
From here on, an unescaped From line (mboxo) stays text.
";

    #[test]
    fn a_mailbox_gives_one_article_per_message() {
        let p = parse_mbox(&file("mail/inbox.mbox", Format::Mbox), MBOX.as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let ids: Vec<&str> = p.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "a1@crisiswatch.example",
                "b2@dispatch.example",
                "mail/inbox.mbox#33"
            ]
        );
        let lines: Vec<_> = p.articles.iter().map(|a| a.line).collect();
        assert_eq!(lines, [Some(1), Some(12), Some(33)]);
        assert_eq!(
            p.articles[0].body,
            "A convoy was attacked near Gao.\nFrom the scene, witnesses reported heavy gunfire.\n\
             >From here, a quoted separator stays quoted once."
        );
        assert_eq!(
            p.articles[1].body,
            "Attached is the situation report for Kidal."
        );
        assert_eq!(p.articles[1].source.as_deref(), Some("Dispatch Desk"));
        assert_eq!(
            p.articles[2].body,
            "Third message body.\nFrom here on, an unescaped From line (mboxo) stays text."
        );
        assert_eq!(p.articles[2].date.unwrap().to_string(), "2023-03-16");
    }

    #[test]
    fn bad_and_duplicate_messages_are_reported_with_their_lines() {
        let mbox = MBOX.replace("\n", "\r\n")
            + "\r\nFrom x Fri Mar 17 00:00:00 2023\r\nX-Junk: 1\r\n\r\n\r\n\
From again@crisiswatch.example Sat Mar 18 00:00:00 2023\r\nFrom: a@b.example\r\n\
Subject: Again\r\nMessage-ID: <a1@crisiswatch.example>\r\n\r\nSame id.\r\n";
        let p = parse_mbox(&file("inbox.mbox", Format::Mbox), mbox.as_bytes());
        assert_eq!(p.articles.len(), 3);
        assert_eq!(p.articles[0].body.lines().count(), 3);
        let problems: Vec<(Option<usize>, String)> = p
            .problems
            .iter()
            .map(|p| (p.line, p.kind.to_string()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    Some(41),
                    "not a mail message: no header lines (skipped)".to_owned()
                ),
                (
                    Some(45),
                    "duplicate id \"a1@crisiswatch.example\" (first seen at line 1); skipped"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_subject_heading_the_text_is_said_once() {
        let body = "ALERTS | Yemen\n\nHouthi missile hits ship\n\nA missile struck a ship.\n--\nManage your alerts: https://a.example/p";
        let text = without_boilerplate(body);
        assert_eq!(
            without_title(&text, "Houthi missile hits ship"),
            "A missile struck a ship."
        );
        assert_eq!(
            without_title("A missile struck.", "Houthi missile"),
            "A missile struck."
        );
    }

    #[test]
    fn signatures_and_newsletter_links_are_dropped() {
        let text = "Fighting continued.\r\n\r\nView this email in your browser <https://x.example/v>\r\n\
[Unsubscribe](https://x.example/u) \u{b7} Manage your preferences\r\n\r\nMore text -- with dashes.\r\n\
-- \r\nJane, Desk editor\r\n";
        assert_eq!(
            without_boilerplate(text),
            "Fighting continued.\n\nMore text -- with dashes."
        );
        assert!(is_boilerplate("UNSUBSCRIBE: https://x.example/u?id=1"));
        assert!(!is_boilerplate(
            "Residents were told to unsubscribe from nothing."
        ));
        assert!(!is_boilerplate("https://x.example/story"));
        assert!(!is_boilerplate(""));
        assert_eq!(
            without_addresses("Read: https://x.example/a?b=c (or <mailto:desk@x.example>)"),
            "Read:  (or <>)"
        );
    }
}
