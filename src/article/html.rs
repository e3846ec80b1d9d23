//! `.html`: a saved web page. (Being written: readability-style main
//! text, metadata, charset.)

use super::Parsed;
use crate::corpus::SourceFile;

/// What a web page says about itself, and its main text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Page {
    /// From `og:title`, `<title>` (site name trimmed) or the first `h1`.
    pub title: Option<String>,
    /// The main text, paragraphs separated by blank lines.
    pub body: String,
    /// From `article:published_time`, JSON-LD `datePublished`, `<time datetime>`.
    pub date_field: Option<String>,
    /// From the canonical link or `og:url`.
    pub url: Option<String>,
    /// The site's name (`og:site_name`, the part of `<title>` trimmed).
    pub source: Option<String>,
}

/// The text of a page's bytes: the charset from the BOM, `<meta charset>`,
/// the `http-equiv` header or `charset_hint` (an HTTP header's), else
/// UTF-8, else Windows-1252; with a warning when bytes had to be replaced.
pub(crate) fn decode_page(bytes: &[u8], charset_hint: Option<&str>) -> (String, Option<String>) {
    let _ = charset_hint;
    (String::from_utf8_lossy(bytes).into_owned(), None)
}

/// The main text and metadata of a page, or why it has no main text.
pub(crate) fn extract_page(html: &str) -> Result<Page, String> {
    let _ = html;
    Err("not written yet".into())
}

/// The text of an HTML fragment (a feed item's content, a mail's HTML
/// part): its main text when one stands out, else all its text, without
/// scripts and styles.
pub(crate) fn fragment_text(html: &str) -> String {
    html.to_owned()
}

/// The article of a web page file.
pub(super) fn parse(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let _ = (file, bytes);
    Parsed::default()
}
