//! `convert_corpus`: rewrites a JSON Lines corpus (as `gen_corpus --layout
//! jsonl` writes it) in another article format, to measure what reading
//! each format costs.
//!
//! ```text
//! cargo run --release --example convert_corpus -- FROM_DIR OUT_DIR FORMAT
//! ```
//!
//! FORMAT is one of `txt`, `html` (a page per article, with the navigation,
//! scripts, share bar, related list and footer of a news site), `feed`
//! (RSS 2.0 files of 50 items, HTML content in CDATA), `csv` (ACLED-like
//! tables of 5,000 rows), `eml` (a multipart mail per article), `mbox` (500
//! messages per mailbox), `pdf` (a PDF per article, a text layer in
//! Helvetica), `warc` (gzip-compressed archives of 500 HTTP responses),
//! `txt.gz` (gzip-compressed text files) or `mixed` (each article in the
//! next of these formats in turn). Each article keeps its id, title, date
//! and text, so the same facets come out of every format.
//!
//! FORMAT may also be `json`: a JSON article per file, with its `id`, in
//! `articles/<source>/<year>/<month>/<date> <title> <n>.json`, as a
//! scraper saves them (not part of `mixed`). Every file then names itself
//! in the run's list of files whose articles carry ids of their own.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;

type Result<T> = std::result::Result<T, String>;

const FORMATS: [&str; 9] = [
    "txt", "html", "feed", "csv", "eml", "mbox", "pdf", "warc", "txt.gz",
];

#[derive(Deserialize)]
struct Record {
    id: String,
    title: String,
    body: String,
    date: String,
    source: String,
    url: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, out, format] = args.as_slice() else {
        eprintln!(
            "usage: convert_corpus FROM_DIR OUT_DIR FORMAT (one of {}, mixed, json)",
            FORMATS.join(", ")
        );
        return ExitCode::from(2);
    };
    match run(Path::new(from), Path::new(out), format) {
        Ok(n) => {
            eprintln!("convert_corpus: {n} articles written as {format} into {out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("convert_corpus: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(from: &Path, out: &Path, format: &str) -> Result<u64> {
    if format != "mixed" && format != "json" && !FORMATS.contains(&format) {
        return Err(format!("unknown format {format:?}"));
    }
    let mut shards: Vec<PathBuf> = walk(from)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    shards.sort();
    let mut writer = Writers::new(out)?;
    let mut n = 0u64;
    for shard in shards {
        let file = File::open(&shard).map_err(|e| format!("{}: {e}", shard.display()))?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(|e| format!("{}: {e}", shard.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let record: Record =
                serde_json::from_str(&line).map_err(|e| format!("{}: {e}", shard.display()))?;
            let fmt = if format == "mixed" {
                FORMATS[(n % FORMATS.len() as u64) as usize]
            } else {
                format
            };
            writer.write(fmt, &record, n)?;
            n += 1;
        }
    }
    writer.finish()?;
    Ok(n)
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

/// A file that gathers many articles (feeds, tables, mailboxes, archives).
struct Shard {
    writer: BufWriter<Box<dyn Write>>,
    count: u64,
    limit: u64,
    close: &'static str,
}

struct Writers {
    out: PathBuf,
    shards: std::collections::HashMap<&'static str, Shard>,
    numbers: std::collections::HashMap<&'static str, u64>,
}

impl Writers {
    fn new(out: &Path) -> Result<Writers> {
        fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        Ok(Writers {
            out: out.to_path_buf(),
            shards: Default::default(),
            numbers: Default::default(),
        })
    }

    fn single(&self, folder: &str, name: String, bytes: &[u8]) -> Result<()> {
        let dir = self.out.join(folder);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join(name);
        fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The shard of `kind`, opened anew when the last one is full.
    fn shard(&mut self, kind: &'static str) -> Result<&mut Shard> {
        let full = self.shards.get(kind).is_some_and(|s| s.count >= s.limit);
        if full {
            if let Some(shard) = self.shards.remove(kind) {
                close(shard)?;
            }
        }
        if !self.shards.contains_key(kind) {
            let number = self.numbers.entry(kind).or_default();
            *number += 1;
            let (folder, ext, limit, open, close): (&str, &str, u64, String, &'static str) =
                match kind {
                    "feed" => ("feeds", "xml", 50, rss_open(), "</channel>\n</rss>\n"),
                    "csv" => (
                        "tables",
                        "csv",
                        5000,
                        "event_id_cnty,event_date,source,headline,notes\n".into(),
                        "",
                    ),
                    "mbox" => ("mail", "mbox", 500, String::new(), ""),
                    _ => ("archives", "warc.gz", 500, String::new(), ""),
                };
            let dir = self.out.join(folder);
            fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let path = dir.join(format!("{kind}-{number:04}.{ext}"));
            let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            // A web archive's records are each gzipped on their own, as
            // crawlers write them (see `write`).
            let mut writer = BufWriter::new(Box::new(file) as Box<dyn Write>);
            writer
                .write_all(open.as_bytes())
                .map_err(|e| e.to_string())?;
            self.shards.insert(
                kind,
                Shard {
                    writer,
                    count: 0,
                    limit,
                    close,
                },
            );
        }
        self.shards
            .get_mut(kind)
            .ok_or_else(|| "no shard".to_owned())
    }

    fn write(&mut self, format: &str, r: &Record, n: u64) -> Result<()> {
        match format {
            "txt" => self.single("text", format!("{n}.txt"), text(r).as_bytes()),
            "txt.gz" => self.single(
                "compressed",
                format!("{n}.txt.gz"),
                &gzip(text(r).as_bytes())?,
            ),
            "html" => self.single("web", format!("{n}.html"), page(r).as_bytes()),
            "eml" => self.single("mail", format!("{n}.eml"), mail(r).as_bytes()),
            "json" => {
                let (folder, name, bytes) = json_file(r, n);
                self.single(&folder, name, bytes.as_bytes())
            }
            "pdf" => self.single("reports", format!("{n}.pdf"), &pdf(r)),
            "feed" => self.append("feed", rss_item(r).as_bytes()),
            "csv" => self.append("csv", csv_row(r).as_bytes()),
            "mbox" => {
                let message = mail(r).replace("\nFrom ", "\n>From ");
                let entry =
                    format!("From alerts@example.org Mon Jan  8 07:00:00 2024\n{message}\n");
                self.append("mbox", entry.as_bytes())
            }
            "warc" => {
                let record = warc_response(r);
                self.append("warc", &gzip(&record)?)
            }
            other => Err(format!("unknown format {other:?}")),
        }
    }

    fn append(&mut self, kind: &'static str, bytes: &[u8]) -> Result<()> {
        let shard = self.shard(kind)?;
        shard.writer.write_all(bytes).map_err(|e| e.to_string())?;
        shard.count += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        for (_, shard) in self.shards.drain() {
            close(shard)?;
        }
        Ok(())
    }
}

fn close(mut shard: Shard) -> Result<()> {
    shard
        .writer
        .write_all(shard.close.as_bytes())
        .map_err(|e| e.to_string())?;
    shard.writer.flush().map_err(|e| e.to_string())
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn paragraphs(body: &str) -> impl Iterator<Item = &str> {
    body.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

/// The folder, name and content of `r` as a JSON article of its own.
fn json_file(r: &Record, n: u64) -> (String, String, String) {
    let (year, month) = (
        r.date.get(..4).unwrap_or("0000"),
        r.date.get(5..7).unwrap_or("00"),
    );
    let keep = |c: char| c.is_ascii_alphanumeric() || c == ' ' || c == '-';
    let source: String = r.source.chars().filter(|&c| keep(c)).collect();
    let title: String = r.title.chars().filter(|&c| keep(c)).take(70).collect();
    let day = r.date.get(..10).unwrap_or("");
    let record = serde_json::json!({
        "id": r.id, "title": r.title, "body": r.body, "date": r.date,
        "source": r.source, "url": r.url,
    });
    (
        format!("articles/{}/{year}/{month}", source.trim()),
        format!("{day} {} {n}.json", title.trim()),
        record.to_string(),
    )
}

fn text(r: &Record) -> String {
    format!(
        "date: {}\nsource: {}\nid: {}\n\n{}\n\n{}\n",
        r.date, r.source, r.id, r.title, r.body
    )
}

fn page(r: &Record) -> String {
    let mut html = String::with_capacity(r.body.len() * 2 + 4096);
    let _ = write!(
        html,
        r##"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {source}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{source}">
<meta property="article:published_time" content="{date}T08:00:00Z">
<link rel="canonical" href="{url}">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());</script>
<style>body{{font-family:sans-serif}} .nav a{{margin:0 4px}}</style></head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<header><nav class="nav"><a href="/">Home</a><a href="/world">World</a><a href="/politics">Politics</a><a href="/business">Business</a><a href="/sport">Sport</a><a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{title}</h1><div class="byline">By staff reporters · <time datetime="{date}">{date}</time></div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
"##,
        title = escape(&r.title),
        source = escape(&r.source),
        date = r.date,
        url = escape(&r.url),
    );
    for p in paragraphs(&r.body) {
        let _ = writeln!(html, "<p>{}</p>", escape(p));
    }
    html.push_str(
        r#"</article><aside class="related"><h2>Related stories</h2><ul>
<li><a href="/a">Talks stall as envoys leave the capital</a></li><li><a href="/b">Markets slip on fuel prices</a></li>
<li><a href="/c">Floods cut roads in the north</a></li></ul></aside></main>
<footer><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy policy</a> © News Group</footer>
<script>(function(){var s=document.createElement('script');s.src='/ads.js';document.body.appendChild(s);})();</script>
</body></html>
"#,
    );
    html
}

fn rss_open() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel><title>Wire feed</title><link>https://example.com/</link><description>Latest stories</description>\n".into()
}

fn rss_item(r: &Record) -> String {
    let mut content = String::new();
    for p in paragraphs(&r.body) {
        let _ = write!(content, "<p>{}</p>", escape(p));
    }
    format!(
        "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>{}</pubDate><description>{}</description><content:encoded><![CDATA[{}]]></content:encoded></item>\n",
        escape(&r.title),
        escape(&r.url),
        escape(&r.id),
        rfc2822(&r.date),
        escape(&r.title),
        content.replace("]]>", "]]&gt;")
    )
}

/// `2021-03-04` as `Thu, 04 Mar 2021 08:00:00 +0000` (the weekday left
/// out: it is optional).
fn rfc2822(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = date.split('-');
    let (y, m, d) = (
        parts.next().unwrap_or("2020"),
        parts.next().unwrap_or("01"),
        parts.next().unwrap_or("01"),
    );
    let month = m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .unwrap_or(&"Jan");
    format!("{d} {month} {y} 08:00:00 +0000")
}

fn csv_row(r: &Record) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    format!(
        "{},{},{},{},{}\n",
        quote(&r.id),
        r.date,
        quote(&r.source),
        quote(&r.title),
        quote(&r.body)
    )
}

fn mail(r: &Record) -> String {
    let mut html = String::new();
    for p in paragraphs(&r.body) {
        let _ = write!(html, "<p>{}</p>", escape(p));
    }
    format!(
        "From: {source} Alerts <alerts@example.org>\nTo: analyst@example.org\nSubject: {title}\nDate: {date}\nMessage-ID: <{id}@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n{body}\n\nUnsubscribe: https://example.org/u\n--b1\nContent-Type: text/html; charset=utf-8\n\n<html><body>{html}</body></html>\n--b1--\n",
        source = r.source,
        title = r.title,
        date = rfc2822(&r.date),
        id = r.id,
        body = r.body,
    )
}

fn warc_response(r: &Record) -> Vec<u8> {
    let html = page(r);
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    );
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {}\r\nWARC-Date: {}T09:00:00Z\r\nWARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        r.url,
        r.date,
        r.id,
        http.len()
    )
    .into_bytes();
    record.extend_from_slice(http.as_bytes());
    record.extend_from_slice(b"\r\n\r\n");
    record
}

/// A PDF of the article: Helvetica, 90 characters a line, 60 lines a
/// page, the title and date in the document information.
fn pdf(r: &Record) -> Vec<u8> {
    let mut lines = vec![r.title.clone(), String::new()];
    for p in paragraphs(&r.body) {
        let mut line = String::new();
        for word in p.split_whitespace() {
            if line.len() + word.len() > 90 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        lines.push(String::new());
    }
    let pages: Vec<&[String]> = lines.chunks(60).collect();
    let pdf_string = |s: &str| -> Vec<u8> {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(s);
        let mut out = b"(".to_vec();
        for &b in bytes.iter() {
            if matches!(b, b'(' | b')' | b'\\') {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b')');
        out
    };
    // Objects: 1 catalog, 2 pages, 3 font, 4 info, then page and content
    // pairs.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 5 + 2 * i))
        .collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut info = b"<< /Title ".to_vec();
    info.extend(pdf_string(&r.title));
    info.extend(
        format!(
            " /CreationDate (D:{}080000Z) /Producer (convert_corpus) >>",
            r.date.replace('-', "")
        )
        .into_bytes(),
    );
    objects.push(info);
    for (i, page_lines) in pages.iter().enumerate() {
        let mut content = b"BT /F1 10 Tf 12 TL 50 750 Td\n".to_vec();
        for line in page_lines.iter() {
            content.extend(pdf_string(line));
            content.extend(b" Tj T*\n");
        }
        content.extend(b"ET");
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"\nendstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend(object);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}
