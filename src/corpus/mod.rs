//! ① Corpus: walking the folders and reading the files.
//!
//! [`walk`] visits every file under a corpus root in a stable (sorted)
//! order without following symbolic links, and says for each whether it is
//! an article file (by extension) or why it is skipped. [`read_text`] turns
//! a file's bytes into text: byte-order marks are honoured, UTF-16 is
//! decoded, text that is not UTF-8 is read as Windows-1252 or decoded
//! lossily, with a warning, and binary files are refused, as are files
//! over [`MAX_FILE_BYTES`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use walkdir::WalkDir;

use crate::compact::{Fingerprints, StrSet};
use crate::error::{Error, Problem, ProblemKind, Result};

/// The article formats sitrep reads, by file extension (looking through
/// a `.gz` or `.zst` suffix: `feed.xml.gz` is a compressed feed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`: optional `key: value` header, title line, body.
    Text,
    /// `.md`: like text; a leading `#` on the title and front matter are understood.
    Markdown,
    /// `.json`: one article object or an array of them.
    Json,
    /// `.jsonl`: one article object per line.
    JsonLines,
    /// `.html`, `.htm`, `.xhtml`: a web page; its main text is the article.
    Html,
    /// `.xml`, `.rss`, `.atom`: an RSS or Atom feed, each item an article
    /// (a file that turns out not to be a feed is passed over).
    Feed,
    /// `.csv`: a table with a header row, each row an article.
    Csv,
    /// `.tsv`, `.tab`: the same, separated by tabs.
    Tsv,
    /// `.eml`: one mail message.
    Email,
    /// `.mbox`: a mailbox, each message an article.
    Mbox,
    /// `.pdf`: a report; its text layer is the article.
    Pdf,
    /// `.warc`: a web archive, each HTML response an article.
    Warc,
}

impl Format {
    /// The format of a file, from its extension (case-insensitive), looking
    /// through a compression suffix.
    pub fn of(path: &Path) -> Option<Format> {
        // A name that is not UTF-8 still has its extension.
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let name = match Compression::of(path) {
            Some(_) => name.rsplit_once('.')?.0,
            None => &name,
        };
        let (_, ext) = name.rsplit_once('.')?;
        match ext {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "html" | "htm" | "xhtml" | "shtml" => Some(Format::Html),
            "xml" | "rss" | "atom" => Some(Format::Feed),
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "eml" => Some(Format::Email),
            "mbox" | "mbx" => Some(Format::Mbox),
            "pdf" => Some(Format::Pdf),
            "warc" => Some(Format::Warc),
            _ => None,
        }
    }

    /// Whether a file of this format may hold many articles, each shown
    /// as `file#record`.
    pub fn holds_many(self) -> bool {
        matches!(
            self,
            Format::Json
                | Format::JsonLines
                | Format::Feed
                | Format::Csv
                | Format::Tsv
                | Format::Mbox
                | Format::Warc
        )
    }

    /// Whether the format is text, so that bytes that look binary are
    /// refused before parsing (PDFs and web archives hold binary parts).
    pub fn is_text(self) -> bool {
        !matches!(self, Format::Pdf | Format::Warc)
    }
}

/// How a file is compressed, from its last extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `.gz`: gzip, one member or several (as web archives write them).
    Gzip,
    /// `.zst`, `.zstd`: Zstandard.
    Zstd,
}

impl Compression {
    /// The compression of `path`, from its last extension.
    pub fn of(path: &Path) -> Option<Compression> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "gz" | "gzip" => Some(Compression::Gzip),
            "zst" | "zstd" => Some(Compression::Zstd),
            _ => None,
        }
    }
}

/// A file found by [`walk`] that holds articles.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as walked (the corpus root joined with the relative path).
    pub path: PathBuf,
    /// The path relative to the corpus root, with `/` separators: the base
    /// of the ids of the articles inside.
    pub rel_path: String,
    /// The article format.
    pub format: Format,
    /// Size in bytes when walked.
    pub size: u64,
    /// Modification time (nanoseconds since the Unix epoch; 0 if unknown).
    pub mtime: u64,
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// Not an article format (the extension, or `(none)`).
    Extension(String),
    /// A hidden file or folder (name starting with a dot).
    Hidden,
    /// A symbolic link (never followed).
    Symlink,
    /// A folder holding a sitrep index, not articles.
    Index,
    /// Read, but not what its name says (an XML file that is not a feed).
    Content(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Extension(ext) => write!(f, "not an article format ({ext})"),
            SkipReason::Hidden => f.write_str("hidden"),
            SkipReason::Symlink => f.write_str("symbolic link, not followed"),
            SkipReason::Index => f.write_str("a sitrep index, not articles"),
            SkipReason::Content(reason) => f.write_str(reason),
        }
    }
}

/// One thing [`walk`] found.
#[derive(Debug)]
pub enum Entry {
    /// A file to read.
    File(SourceFile),
    /// A file passed over, and why.
    Skipped(PathBuf, SkipReason),
    /// A folder or file that could not be visited.
    Problem(Problem),
}

/// Walks `root` (a folder, or a single file) in sorted order.
///
/// Symbolic links are never followed, hidden entries (a name starting with
/// `.`) are passed over, and an unreadable folder is a [`Problem`] that does
/// not stop the walk.
pub fn walk(root: &Path) -> impl Iterator<Item = Entry> + '_ {
    let base = if root.is_file() {
        root.parent().unwrap_or(Path::new("")).to_path_buf()
    } else {
        root.to_path_buf()
    };
    let mut entries = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    std::iter::from_fn(move || loop {
        let entry = match entries.next()? {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                let reason = err
                    .io_error()
                    .map(ToString::to_string)
                    .unwrap_or_else(|| err.to_string());
                return Some(Entry::Problem(Problem::skipped(
                    path,
                    None,
                    ProblemKind::Unreadable(reason),
                )));
            }
        };
        let path = entry.path();
        let file_type = entry.file_type();
        // A hidden folder is passed over whole, and said once.
        if entry.depth() > 0 && is_hidden(entry.file_name()) {
            if file_type.is_dir() {
                entries.skip_current_dir();
            }
            return Some(Entry::Skipped(path.to_path_buf(), SkipReason::Hidden));
        }
        if file_type.is_symlink() {
            return Some(Entry::Skipped(path.to_path_buf(), SkipReason::Symlink));
        }
        if file_type.is_dir() {
            // Another index (or this one, however its PATH is spelled)
            // inside the corpus tree holds no articles.
            if entry.depth() > 0 && is_index(path) {
                entries.skip_current_dir();
                return Some(Entry::Skipped(path.to_path_buf(), SkipReason::Index));
            }
            continue;
        }
        if !file_type.is_file() {
            continue;
        }
        let Some(format) = Format::of(path) else {
            let ext = path
                .extension()
                .map(|e| format!(".{}", e.to_string_lossy()))
                .unwrap_or_else(|| "no extension".into());
            return Some(Entry::Skipped(
                path.to_path_buf(),
                SkipReason::Extension(ext),
            ));
        };
        return Some(match entry.metadata() {
            Ok(meta) => Entry::File(SourceFile {
                rel_path: relative(path, &base),
                path: path.to_path_buf(),
                format,
                size: meta.len(),
                mtime: mtime_nanos(&meta),
            }),
            Err(err) => Entry::Problem(Problem::skipped(
                path,
                None,
                ProblemKind::Unreadable(format!("cannot read metadata: {err}")),
            )),
        });
    })
}

/// Whether the folder `dir` is a sitrep index: its stamp beside a tantivy
/// folder.
fn is_index(dir: &Path) -> bool {
    dir.join("sitrep.json").is_file() && dir.join("tantivy").is_dir()
}

/// Every article file under `paths`, each once, in the order of the
/// PATHs and then sorted: what both `sitrep index` and `sitrep extract`
/// read.
///
/// A PATH that does not exist is a [`Problem`]; a file reached through two
/// PATHs is visited once; files inside `exclude` (the index's own folder,
/// when it lies under a PATH) are passed over silently.
pub fn files<'a>(paths: &'a [PathBuf], exclude: Option<&Path>) -> impl Iterator<Item = Entry> + 'a {
    let exclude = exclude.map(file_key);
    // One PATH is walked without following links, so it yields each file
    // once; only several PATHs can reach a file twice. Fingerprints, not
    // keys: a walk of millions of files would hold every path twice over.
    let several = paths.len() > 1;
    let prints = Fingerprints::new();
    let mut seen = StrSet::new();
    paths
        .iter()
        .flat_map(|root| -> Box<dyn Iterator<Item = Entry> + 'a> {
            if root.exists() {
                Box::new(walk(root))
            } else {
                Box::new(std::iter::once(Entry::Problem(Problem::skipped(
                    root,
                    None,
                    ProblemKind::NoSuchPath,
                ))))
            }
        })
        .filter(move |entry| match entry {
            Entry::File(file) => {
                let key = file_key(&file.path);
                !exclude.as_deref().is_some_and(|dir| is_inside(&key, dir))
                    && (!several || seen.insert(&prints, &key))
            }
            _ => true,
        })
}

/// The key an indexed file is known by: its absolute path, however it
/// was spelled.
///
/// `c`, `c/`, `./c` and `c/../c` give one key: a trailing separator and
/// `.` components are dropped, and a path with `..` in it has the part up
/// to its last `..` resolved by the file system (lexically when that part
/// does not exist), so that the files under a PATH keep their keys from
/// one run to the next.
pub fn file_key(path: &Path) -> String {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let components: Vec<Component<'_>> = absolute.components().collect();
    let last_parent = components
        .iter()
        .rposition(|c| matches!(c, Component::ParentDir));
    let mut key = PathBuf::new();
    let rest = match last_parent {
        Some(i) => {
            let head: PathBuf = components.iter().take(i + 1).collect();
            key = std::fs::canonicalize(&head).unwrap_or_else(|_| lexical(&head));
            components.get(i + 1..).unwrap_or_default()
        }
        None => &components[..],
    };
    for c in rest {
        key.push(c);
    }
    key.to_string_lossy().into_owned()
}

/// The keys of `keys` not inside another of them (see [`is_inside`]),
/// sorted, each once: what a run over all of them must look at.
pub fn outermost<I: IntoIterator<Item = String>>(keys: I) -> Vec<String> {
    let mut sorted: Vec<String> = keys.into_iter().collect();
    // A folder sorts before what it holds.
    sorted.sort_unstable();
    sorted.dedup();
    let mut kept: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut out = Vec::new();
    for key in sorted {
        let held = Path::new(&key)
            .ancestors()
            .skip(1)
            .any(|a| kept.contains(a.to_string_lossy().as_ref()));
        if !held {
            kept.insert(key.clone());
            out.push(key);
        }
    }
    out
}

/// Whether nothing is at `path`, not even a broken link (a folder that
/// cannot be read is not missing).
pub fn is_missing(path: &Path) -> bool {
    matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// The key files under the missing `path` were indexed by: its nearest
/// existing folder with its links resolved, then the rest as spelled.
pub fn missing_key(path: &Path) -> String {
    let key = PathBuf::from(file_key(path));
    let mut existing = key.as_path();
    while let Some(parent) = existing.parent() {
        existing = parent;
        if let Ok(real) = std::fs::canonicalize(existing) {
            let rest = key.strip_prefix(existing).unwrap_or(Path::new(""));
            return real.join(rest).to_string_lossy().into_owned();
        }
    }
    key.to_string_lossy().into_owned()
}

/// `path` with each `..` taking the component before it away.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether the path `key` is `dir` or lies under it (both keys).
pub fn is_inside(key: &str, dir: &str) -> bool {
    key == dir
        || key
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with(std::path::MAIN_SEPARATOR))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The modification time of a file in nanoseconds since the epoch, or 0.
pub fn mtime_nanos(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The text of a file, and a warning when it had to be repaired.
#[derive(Debug)]
pub struct Text {
    /// The decoded text.
    pub text: String,
    /// Set when the bytes were not clean UTF-8 or UTF-16 and were decoded
    /// lossily or as Windows-1252.
    pub warning: Option<String>,
    /// A fingerprint of the raw bytes, to notice changed files.
    pub fingerprint: u64,
}

/// Reads `path` as text (see the module documentation for the rules).
///
/// A binary file is an error naming the file: the caller skips it.
pub fn read_text(path: &Path) -> Result<Text> {
    let bytes = read_bounded(path)?;
    let fingerprint = fingerprint(&bytes);
    // Clean UTF-8, by far the most common case, becomes the text without
    // a copy: one file's bytes are held once, not twice.
    if Encoding::for_bom(&bytes).is_none() && !bytes.contains(&0) && !looks_binary(&bytes) {
        match String::from_utf8(bytes) {
            Ok(text) => {
                return Ok(Text {
                    text,
                    warning: None,
                    fingerprint,
                })
            }
            Err(err) => return decode(path, err.as_bytes()),
        }
    }
    decode(path, &bytes)
}

/// The bytes of an article file, decompressed, and a fingerprint of the
/// file as it is stored.
#[derive(Debug)]
pub struct Content {
    /// The file's bytes, decompressed when it is `.gz` or `.zst`.
    pub bytes: Vec<u8>,
    /// A fingerprint of the stored bytes, to notice changed files.
    pub fingerprint: u64,
}

/// Reads `file` for parsing: decompressed when its name ends in `.gz` or
/// `.zst`, and refused when a text format holds binary bytes (a file that
/// is not what its name says). Decompressed content is bounded by
/// [`MAX_FILE_BYTES`] like a plain file.
pub fn read_content(file: &SourceFile) -> Result<Content> {
    let stored = read_bounded(&file.path)?;
    let fingerprint = fingerprint(&stored);
    let bytes = match Compression::of(&file.path) {
        Some(compression) => decompress(&file.path, compression, &stored)?,
        None => stored,
    };
    if file.format.is_text() && Encoding::for_bom(&bytes).is_none() && looks_binary(&bytes) {
        return Err(Error::Binary {
            path: file.path.clone(),
        });
    }
    Ok(Content { bytes, fingerprint })
}

/// The content of the compressed bytes `stored`, at most
/// [`MAX_FILE_BYTES`] of it.
fn decompress(path: &Path, compression: Compression, stored: &[u8]) -> Result<Vec<u8>> {
    use std::io::Read;
    let damaged = |e: std::io::Error| {
        let name = match compression {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        };
        Error::data(
            path,
            None,
            format!("cannot decompress ({name}): {e} (skipped)"),
        )
    };
    let reader: Box<dyn Read + '_> = match compression {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(stored)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(stored).map_err(damaged)?),
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(damaged)?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// The largest article file sitrep reads: 64 MB.
///
/// A file is read, decoded and parsed whole, and its largest record is
/// handed to the index writer in one piece, so memory grows with the file
/// (some ten times its size for a single huge record) and not with
/// `--memory`, which bounds only what the writer holds between flushes.
/// A larger file is a problem (skipped), not a run that exhausts memory.
/// News articles are far smaller; a larger JSON Lines feed can be split
/// (`split -l 100000 feed.jsonl part- --additional-suffix=.jsonl`).
pub const MAX_FILE_BYTES: u64 = 64_000_000;

/// The bytes of `path`, or [`Error::TooLarge`] past [`MAX_FILE_BYTES`].
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let too_large = |size: u64| Error::TooLarge {
        path: path.to_path_buf(),
        size,
        limit: MAX_FILE_BYTES,
    };
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    // One byte past the limit: a file that grew since its size was read
    // is caught as well.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > MAX_FILE_BYTES {
        return Err(too_large(read));
    }
    Ok(bytes)
}

/// Decodes file bytes as [`read_text`] does.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<Text> {
    let fingerprint = fingerprint(bytes);
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        if encoding == UTF_8 {
            return Ok(from_utf8(rest, fingerprint));
        }
        // UTF-16, little or big endian.
        let (text, bad) = encoding.decode_without_bom_handling(rest);
        return Ok(Text {
            text: text.into_owned(),
            warning: bad.then(|| format!("invalid {}; replaced with U+FFFD", encoding.name())),
            fingerprint,
        });
    }
    if looks_binary(bytes) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
        });
    }
    Ok(from_utf8(bytes, fingerprint))
}

/// `bytes` as text.
///
/// Bytes that are not UTF-8 and hold no UTF-8 character beyond ASCII
/// are read as Windows-1252 (a superset of Latin-1), what older tools
/// save by default; text with some UTF-8 in it is decoded lossily.
fn from_utf8(bytes: &[u8], fingerprint: u64) -> Text {
    let (text, mut warning) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(err) if bytes.utf8_chunks().all(|c| c.valid().is_ascii()) => (
            WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            Some(format!(
                "invalid UTF-8 at byte {}; read as Windows-1252",
                err.valid_up_to()
            )),
        ),
        Err(err) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Some(format!(
                "invalid UTF-8 at byte {}; bad bytes replaced with U+FFFD",
                err.valid_up_to()
            )),
        ),
    };
    let text = if text.contains('\0') {
        warning.get_or_insert_with(|| "NUL bytes removed".into());
        text.replace('\0', "")
    } else {
        text
    };
    Text {
        text,
        warning,
        fingerprint,
    }
}

/// A file is binary when its first 8 KiB hold NUL bytes and are not
/// UTF-8, or when more than a tenth of them are control characters.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..8192).unwrap_or(bytes);
    if head.is_empty() {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    let has_nul = head.contains(&0);
    let valid_utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut by the 8 KiB window is still UTF-8.
        Err(e) => e.error_len().is_none(),
    };
    (has_nul && !valid_utf8) || controls * 10 > head.len()
}

/// FNV-1a, 64 bits: a fingerprint to notice changed content, not a
/// cryptographic hash.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outermost_keeps_what_no_other_key_holds() {
        let keys = [
            "/c/iraq/a.txt",
            "/c/iraq-old",
            "/c/iraq",
            "/c/iraq/2024",
            "/c/iraq",
            "/d",
        ];
        assert_eq!(
            outermost(keys.iter().map(|k| k.to_string())),
            ["/c/iraq", "/c/iraq-old", "/d"]
        );
    }

    #[test]
    fn a_missing_path_is_keyed_through_its_nearest_real_folder() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir_all(&real).unwrap();
        let gone = real.join("gone/x.txt");
        assert!(is_missing(&gone));
        assert!(!is_missing(&real));
        let canonical = std::fs::canonicalize(&real).unwrap();
        assert_eq!(missing_key(&gone), file_key(&canonical.join("gone/x.txt")));
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            assert_eq!(missing_key(&link.join("gone/x.txt")), missing_key(&gone));
            // A broken link is there: not missing.
            std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("broken"))
                .unwrap();
            assert!(!is_missing(&dir.path().join("broken")));
        }
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/b.TXT")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("b.jsonl")), Some(Format::JsonLines));
        assert_eq!(Format::of(Path::new("b.pdf")), Some(Format::Pdf));
        assert_eq!(Format::of(Path::new("b.docx")), None);
        assert_eq!(Format::of(Path::new("crawl.WARC.gz")), Some(Format::Warc));
        assert_eq!(Format::of(Path::new("feed.rss.zst")), Some(Format::Feed));
        assert_eq!(Format::of(Path::new("x.gz")), None);
        use std::os::unix::ffi::OsStrExt;
        let odd = std::ffi::OsStr::from_bytes(b"bad-\xFF-name.txt");
        assert_eq!(Format::of(Path::new(odd)), Some(Format::Text));
        assert_eq!(
            Compression::of(Path::new("crawl.warc.gz")),
            Some(Compression::Gzip)
        );
        assert_eq!(Format::of(Path::new("README")), None);
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let t = decode(Path::new("x"), b"\xEF\xBB\xBFTitle\nBody").unwrap();
        assert_eq!(t.text, "Title\nBody");
        assert!(t.warning.is_none());
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Mosul".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(decode(Path::new("x"), &bytes).unwrap().text, "Mosul");
        let mut bytes = vec![0xFE, 0xFF];
        for u in "Raqqa".encode_utf16() {
            bytes.extend(u.to_be_bytes());
        }
        assert_eq!(decode(Path::new("x"), &bytes).unwrap().text, "Raqqa");
    }

    #[test]
    fn latin1_is_read_as_windows_1252_with_a_warning() {
        let t = decode(Path::new("x"), b"Title\nCaf\xE9 bombing \x93here\x94").unwrap();
        assert_eq!(t.text, "Title\nCaf\u{E9} bombing \u{201C}here\u{201D}");
        assert!(t.warning.unwrap().contains("invalid UTF-8"));
    }

    #[test]
    fn broken_utf8_is_decoded_lossily_with_a_warning() {
        let t = decode(Path::new("x"), "Title\nCaf\u{E9} ".as_bytes()).unwrap();
        assert!(t.warning.is_none());
        let mut bytes = "Title\nCaf\u{E9} ".as_bytes().to_vec();
        bytes.extend(b"bomb\xE9ing");
        let t = decode(Path::new("x"), &bytes).unwrap();
        assert_eq!(t.text, "Title\nCaf\u{E9} bomb\u{FFFD}ing");
        assert!(t.warning.unwrap().contains("invalid UTF-8"));
    }

    #[test]
    fn utf16_with_an_odd_byte_is_decoded_with_a_warning() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "Mosul".encode_utf16() {
            bytes.extend(u.to_be_bytes());
        }
        bytes.push(b'x');
        let t = decode(Path::new("x"), &bytes).unwrap();
        assert_eq!(t.text, "Mosul\u{FFFD}");
        assert!(t.warning.unwrap().contains("UTF-16BE"));
    }

    #[test]
    fn binary_is_refused() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert!(decode(Path::new("x.txt"), &bytes).is_err());
    }

    #[test]
    fn stray_nul_in_utf8_text_is_removed() {
        let t = decode(Path::new("x"), b"Title\nsome\0text").unwrap();
        assert_eq!(t.text, "Title\nsometext");
        assert!(t.warning.is_some());
    }
}
