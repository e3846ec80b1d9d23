//! `.html`: a web page as saved from a browser, and the HTML that feeds,
//! mail and web archives carry.
//!
//! The article is the page's main text, found the way readability tools
//! find it, on html5ever's HTML5 parser (through `scraper`): scripts,
//! styles, forms, navigation, headers, footers, asides and blocks whose
//! class, id or role say boilerplate (menus, share bars, related stories,
//! comments, cookie banners, newsletters, ads) are dropped; every block
//! with some text scores its parent and grandparent by its length and
//! commas; scores are cut by the share of link text; the best block and
//! its worthy siblings are the article. A page where no block holds
//! enough text that is not links (a section front, a link list) has no
//! article and is reported.
//!
//! Metadata: the title from `og:title`, else `<title>` without the site
//! name, else the first `h1`; the date from `article:published_time`,
//! JSON-LD `datePublished`, `itemprop=datePublished`, a `date` meta or a
//! `<time datetime>`; the URL from the canonical link or `og:url`; the
//! source from `og:site_name` or the site part of `<title>`.

use std::collections::HashMap;

use ego_tree::NodeId;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use scraper::{ElementRef, Html, Node, Selector};

use super::{read_date, Article, Parsed};
use crate::corpus::SourceFile;
use crate::error::{Problem, ProblemKind};

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

/// Less main text than this (characters outside links): not an article.
const MIN_TEXT: usize = 250;
/// A block with less text than this adds nothing to its parents' scores.
const MIN_BLOCK: usize = 25;

/// Elements that never hold article text.
const SKIPPED_TAGS: [&str; 22] = [
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "nav", "aside",
    "header", "footer", "select", "input", "textarea", "object", "embed", "canvas", "video",
    "audio", "menu", "dialog",
];

/// Words in a class or id that mark boilerplate.
const BOILERPLATE: [&str; 34] = [
    "nav",
    "menu",
    "breadcrumb",
    "share",
    "social",
    "related",
    "recommend",
    "promo",
    "newsletter",
    "subscribe",
    "signup",
    "sign-up",
    "comment",
    "cookie",
    "consent",
    "banner",
    "advert",
    "sponsor",
    "footer",
    "sidebar",
    "popup",
    "modal",
    "outbrain",
    "taboola",
    "more-stories",
    "read-more",
    "readmore",
    "byline",
    "author",
    "tags",
    "masthead",
    "toolbar",
    "skip-link",
    "paywall",
];

/// Words in a class or id that mark the article's text.
const ARTICLE_WORDS: [&str; 12] = [
    "article", "body", "content", "entry", "main", "page", "post", "text", "story", "blog",
    "column", "prose",
];

/// Tags that break text into paragraphs.
const BLOCK_TAGS: [&str; 30] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "br",
    "hr",
    "address",
    "center",
    "body",
];

/// The text of a page's bytes: the charset from the BOM, `<meta charset>`,
/// the `http-equiv` header or `charset_hint` (an HTTP header's), else
/// UTF-8, else Windows-1252; with a warning when bytes had to be replaced.
pub(crate) fn decode_page(bytes: &[u8], charset_hint: Option<&str>) -> (String, Option<String>) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        return decode_with(encoding, rest);
    }
    let declared = meta_charset(bytes)
        .or_else(|| charset_hint.map(str::to_owned))
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        // UTF-16 without a byte-order mark is a mislabelled ASCII page.
        .map(|e| {
            if e.output_encoding() == UTF_8 {
                UTF_8
            } else {
                e
            }
        });
    match declared {
        Some(encoding) => decode_with(encoding, bytes),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), None),
            Err(_) => {
                let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
                (
                    text.into_owned(),
                    Some("no charset declared and not UTF-8: read as Windows-1252".into()),
                )
            }
        },
    }
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> (String, Option<String>) {
    let (text, bad) = encoding.decode_without_bom_handling(bytes);
    let warning = bad.then(|| {
        format!(
            "invalid {}; bad bytes replaced with U+FFFD",
            encoding.name()
        )
    });
    (text.into_owned(), warning)
}

/// The charset a `<meta>` tag in the first 2048 bytes declares, in
/// either form (`<meta charset=…>`, `http-equiv` with `content=…;
/// charset=…`).
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..2048).unwrap_or(bytes);
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(start) = rest.find("<meta") {
        let tag_and_more = rest.get(start..)?;
        let end = tag_and_more.find('>').unwrap_or(tag_and_more.len());
        let tag = tag_and_more.get(..end)?;
        if let Some(at) = tag.find("charset") {
            let value = tag.get(at + "charset".len()..)?.trim_start();
            if let Some(value) = value.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                let label: String = value
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '\'' | ';' | ' ' | '/' | '>'))
                    .collect();
                if !label.is_empty() {
                    return Some(label);
                }
            }
        }
        rest = tag_and_more.get(end..)?;
    }
    None
}

/// Deeper nesting than this is no page a browser could show; the HTML5
/// parser's scope checks walk the open elements for each tag, so the cost
/// of such a page grows with the square of its depth.
const MAX_NESTING: usize = 2_000;

/// The main text and metadata of a page, or why it has no main text.
pub(crate) fn extract_page(html: &str) -> Result<Page, String> {
    let depth = nesting(html);
    if depth > MAX_NESTING {
        return Err(format!(
            "elements nested {depth} deep, more than {MAX_NESTING}: not a page a browser could show"
        ));
    }
    let doc = Html::parse_document(html);
    let site = meta(&doc, "meta[property='og:site_name']");
    let (title, title_site) = title_of(&doc, site.as_deref());
    let body = main_text(&doc, title.as_deref())?;
    Ok(Page {
        title,
        body,
        date_field: date_of(&doc),
        url: first_attr(&doc, "link[rel='canonical']", "href")
            .or_else(|| meta(&doc, "meta[property='og:url']")),
        source: site.or(title_site).or_else(|| json_ld_publisher(&doc)),
    })
}

/// How deep the elements of `html` nest at most, counted roughly and in
/// one pass: `<name` opens (unless void or `/>`), `</` closes.
fn nesting(html: &str) -> usize {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        i += offset + 1;
        match bytes.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b) if b.is_ascii_alphabetic() => {
                let name: String = bytes
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .map(|&b| char::from(b.to_ascii_lowercase()))
                    .collect();
                let end = bytes
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|&b| b == b'>'))
                    .map_or(bytes.len(), |e| i + e);
                let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

/// The text of an HTML fragment (a feed item's content, a mail's HTML
/// part): its main text when one stands out, else all its text, without
/// scripts, styles and boilerplate.
pub(crate) fn fragment_text(html: &str) -> String {
    // Without tags or entities there is nothing to parse.
    if !html.contains(['<', '&']) {
        return tidy_plain(html);
    }
    if nesting(html) > MAX_NESTING {
        // Too deep to parse in reasonable time: the text between tags.
        let mut text = String::with_capacity(html.len());
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    text.push(' ');
                }
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        return tidy_plain(&text);
    }
    if let Ok(page) = extract_page(html) {
        return page.body;
    }
    let doc = Html::parse_fragment(html);
    let mut paragraphs = Paragraphs::default();
    render(doc.root_element(), &mut paragraphs, false);
    paragraphs.finish(None, false)
}

/// Plain text with its whitespace tidied: lines trimmed, runs of blank
/// lines made one.
fn tidy_plain(text: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n") {
        let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&line);
        }
    }
    out
}

/// The article of a web page file.
pub(super) fn parse(file: &SourceFile, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let (html, warning) = decode_page(bytes, None);
    if let Some(warning) = warning {
        parsed.problems.push(Problem::warning(
            &file.path,
            None,
            ProblemKind::Encoding(warning),
        ));
    }
    let page = match extract_page(&html) {
        Ok(page) => page,
        Err(reason) => {
            parsed.problems.push(Problem::skipped(
                &file.path,
                None,
                ProblemKind::Other(format!("{reason} (skipped)")),
            ));
            return parsed;
        }
    };
    let title = page
        .title
        .clone()
        .or_else(|| super::table::title_from(&page.body).into())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| file.rel_path.clone());
    let mut bad_dates = Vec::new();
    let date = read_date(page.date_field.as_deref(), |d| bad_dates.push(d));
    for d in bad_dates {
        parsed
            .problems
            .push(Problem::warning(&file.path, None, ProblemKind::BadDate(d)));
    }
    parsed.articles.push(Article {
        id: file.rel_path.clone(),
        title,
        body: page.body,
        date_field: page.date_field,
        date,
        source: page.source,
        url: page.url,
        line: None,
    });
    parsed
}

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

/// The `attr` of the first element `css` selects, trimmed, when not empty.
fn first_attr(doc: &Html, css: &str, attr: &str) -> Option<String> {
    let selector = selector(css)?;
    doc.select(&selector)
        .filter_map(|e| e.value().attr(attr))
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|v| !v.is_empty())
}

fn meta(doc: &Html, css: &str) -> Option<String> {
    first_attr(doc, css, "content")
}

/// The page's title, and the site name a `<title>` carried beside it.
fn title_of(doc: &Html, site: Option<&str>) -> (Option<String>, Option<String>) {
    let og =
        meta(doc, "meta[property='og:title']").or_else(|| meta(doc, "meta[name='twitter:title']"));
    let title_tag = selector("title")
        .and_then(|s| doc.select(&s).next().map(|e| element_text(e)))
        .filter(|t| !t.is_empty());
    let (from_tag, title_site) = match &title_tag {
        Some(t) => split_site_name(t, site),
        None => (None, None),
    };
    let h1 =
        || selector("h1").and_then(|s| doc.select(&s).map(element_text).find(|t| !t.is_empty()));
    (og.or(from_tag).or_else(h1), title_site)
}

/// `Headline | Site` (or with ` - `, ` — `, ` – `, ` :: `, ` · `): the
/// headline and the site. With a known site name, the part that is not
/// it; else the first part, when the rest is shorter.
fn split_site_name(title: &str, site: Option<&str>) -> (Option<String>, Option<String>) {
    for separator in [" | ", " — ", " – ", " - ", " :: ", " · ", " » "] {
        let parts: Vec<&str> = title.split(separator).map(str::trim).collect();
        if parts.len() < 2 {
            continue;
        }
        if let Some(site) = site {
            let is_site = |p: &&str| p.eq_ignore_ascii_case(site.trim());
            if parts.iter().any(is_site) {
                let rest: Vec<&str> = parts.iter().filter(|p| !is_site(p)).copied().collect();
                return (Some(rest.join(separator)), Some(site.to_owned()));
            }
        }
        let (last, head) = parts.split_last().unwrap_or((&"", &[]));
        let head = head.join(separator);
        if last.len() < head.len() && last.split_whitespace().count() <= 5 {
            return (Some(head), Some((*last).to_owned()));
        }
    }
    (Some(title.to_owned()), None)
}

/// The publication date as written, from the page's metadata.
fn date_of(doc: &Html) -> Option<String> {
    meta(doc, "meta[property='article:published_time']")
        .or_else(|| json_ld(doc, "datePublished"))
        .or_else(|| meta(doc, "meta[itemprop='datePublished']"))
        .or_else(|| first_attr(doc, "[itemprop='datePublished']", "datetime"))
        .or_else(|| {
            meta(
                doc,
                "meta[name='date'], meta[name='pubdate'], meta[name='publishdate'], \
                 meta[name='DC.date.issued'], meta[name='dc.date'], meta[name='sailthru.date']",
            )
        })
        .or_else(|| first_attr(doc, "article time[datetime]", "datetime"))
        .or_else(|| first_attr(doc, "time[datetime]", "datetime"))
}

/// The first string value of `key` in the page's JSON-LD blocks, at any
/// depth (`@graph` lists included).
fn json_ld(doc: &Html, key: &str) -> Option<String> {
    let selector = selector("script[type='application/ld+json']")?;
    doc.select(&selector).find_map(|script| {
        let text: String = script.text().collect();
        let value: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
        find_key(&value, key)
    })
}

fn find_key(value: &serde_json::Value, key: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Object(map) => match map.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => map.values().find_map(|v| find_key(v, key)),
        },
        Value::Array(items) => items.iter().find_map(|v| find_key(v, key)),
        _ => None,
    }
}

fn json_ld_publisher(doc: &Html) -> Option<String> {
    let selector = selector("script[type='application/ld+json']")?;
    doc.select(&selector).find_map(|script| {
        let text: String = script.text().collect();
        let value: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
        let publisher = value.get("publisher")?;
        find_key(publisher, "name")
    })
}

/// The text of an element, whitespace collapsed.
fn element_text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `element` and what it holds are left out of the text.
fn is_boilerplate(element: ElementRef<'_>) -> bool {
    let e = element.value();
    let name = e.name();
    if SKIPPED_TAGS.contains(&name) {
        return true;
    }
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if matches!(
        e.attr("role"),
        Some("navigation" | "banner" | "contentinfo" | "complementary" | "search" | "dialog")
    ) {
        return true;
    }
    if matches!(name, "article" | "main" | "body" | "html")
        || e.attr("itemprop") == Some("articleBody")
    {
        return false;
    }
    let names = class_and_id(element);
    if names.is_empty() {
        return false;
    }
    // The article's own container may say "comments" or "share" in its
    // class, as in `story-with-comments`: its own words win.
    let says_article = [
        "article-body",
        "articlebody",
        "story-body",
        "entry-content",
        "post-content",
        "article-content",
        "main-content",
    ]
    .iter()
    .any(|w| names.contains(w));
    if says_article {
        return false;
    }
    BOILERPLATE.iter().any(|w| names.contains(w))
        || names.split(' ').any(|n| {
            n == "ad"
                || n == "ads"
                || n.starts_with("ad-")
                || n.starts_with("ads-")
                || n.starts_with("advert")
        })
}

/// The class names and id of an element, lower-cased, separated by spaces.
fn class_and_id(element: ElementRef<'_>) -> String {
    let e = element.value();
    let mut names: Vec<String> = e.classes().map(str::to_ascii_lowercase).collect();
    if let Some(id) = e.id() {
        names.push(id.to_ascii_lowercase());
    }
    names.join(" ")
}

/// A class or id weight: +25 for words of article text, −25 for
/// boilerplate.
fn class_weight(element: ElementRef<'_>) -> f64 {
    let names = class_and_id(element);
    let mut weight = 0.0;
    if ARTICLE_WORDS.iter().any(|w| names.contains(w)) {
        weight += 25.0;
    }
    if BOILERPLATE.iter().any(|w| names.contains(w)) {
        weight -= 25.0;
    }
    match element.value().name() {
        "article" => weight += 30.0,
        "main" => weight += 10.0,
        "div" => weight += 5.0,
        "pre" | "td" | "blockquote" => weight += 3.0,
        "ol" | "ul" | "dl" | "li" | "form" => weight -= 3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => weight -= 5.0,
        _ => {}
    }
    if element.value().attr("itemprop") == Some("articleBody") {
        weight += 30.0;
    }
    weight
}

/// Text and link text lengths of a subtree, boilerplate left out.
#[derive(Debug, Default, Clone, Copy)]
struct Lengths {
    text: usize,
    links: usize,
    commas: usize,
}

impl Lengths {
    fn link_density(self) -> f64 {
        if self.text == 0 {
            1.0
        } else {
            self.links as f64 / self.text as f64
        }
    }
}

/// What the walk learns: each element's lengths and each candidate's score.
#[derive(Default)]
struct Scores {
    lengths: HashMap<NodeId, Lengths>,
    scores: HashMap<NodeId, f64>,
}

/// Walks the tree below `element` (not boilerplate), recording lengths
/// and adding each block's score to its parent and grandparent; returns
/// the element's lengths. Iterative, so that deep nesting cannot exhaust
/// the stack.
fn measure(root: ElementRef<'_>, scores: &mut Scores) {
    // (element, whether its children were pushed, whether inside a link)
    let mut stack: Vec<(ElementRef<'_>, bool, bool)> = vec![(root, false, false)];
    while let Some((element, expanded, in_link)) = stack.pop() {
        if !expanded {
            stack.push((element, true, in_link));
            let link = in_link || element.value().name() == "a";
            for child in element.children().rev() {
                if let Some(child) = ElementRef::wrap(child) {
                    if !is_boilerplate(child) {
                        stack.push((child, false, link));
                    }
                }
            }
            continue;
        }
        // Children are done: sum them with this element's own text.
        let mut lengths = Lengths::default();
        let mut own_text = 0;
        let link = in_link || element.value().name() == "a";
        for child in element.children() {
            match child.value() {
                Node::Text(text) => {
                    let n = text.trim().chars().count();
                    own_text += n;
                    lengths.text += n;
                    lengths.commas += text.matches(',').count();
                    if link {
                        lengths.links += n;
                    }
                }
                Node::Element(_) => {
                    if let Some(l) = scores.lengths.get(&child.id()) {
                        lengths.text += l.text;
                        lengths.links += l.links;
                        lengths.commas += l.commas;
                    }
                }
                _ => {}
            }
        }
        scores.lengths.insert(element.id(), lengths);
        let name = element.value().name();
        let is_block = matches!(name, "p" | "pre" | "blockquote" | "td")
            || (name == "div" && own_text >= MIN_BLOCK);
        if is_block && lengths.text >= MIN_BLOCK {
            let score = 1.0 + lengths.commas as f64 + (lengths.text as f64 / 100.0).min(3.0);
            let mut ancestor = element.parent().and_then(ElementRef::wrap);
            for share in [1.0, 0.5] {
                let Some(a) = ancestor else { break };
                let entry = scores
                    .scores
                    .entry(a.id())
                    .or_insert_with(|| class_weight(a));
                *entry += score * share;
                ancestor = a.parent().and_then(ElementRef::wrap);
            }
            // A div of text is a candidate itself as well.
            if name == "div" {
                let entry = scores
                    .scores
                    .entry(element.id())
                    .or_insert_with(|| class_weight(element));
                *entry += score;
            }
        }
    }
}

/// The page's main text: the best-scoring block and its worthy siblings.
fn main_text(doc: &Html, title: Option<&str>) -> Result<String, String> {
    let body = selector("body")
        .and_then(|s| doc.select(&s).next())
        .unwrap_or_else(|| doc.root_element());
    let mut scores = Scores::default();
    measure(body, &mut scores);
    let scored = |id: &NodeId, score: &f64| {
        let density = scores.lengths.get(id).map_or(1.0, |l| l.link_density());
        (*id, score * (1.0 - density))
    };
    let best = scores
        .scores
        .iter()
        .map(|(id, score)| scored(id, score))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let no_text = || "no article text found (a section page or a list of links?)".to_owned();
    let (best_id, best_score) = best.ok_or_else(no_text)?;
    let best = doc
        .tree
        .get(best_id)
        .and_then(ElementRef::wrap)
        .ok_or_else(no_text)?;
    // Siblings that score well, or read as paragraphs of the article.
    let threshold = (best_score * 0.2).max(10.0);
    let mut chosen = Vec::new();
    match best.parent() {
        Some(parent) => {
            for sibling in parent.children().filter_map(ElementRef::wrap) {
                if sibling.id() == best.id() {
                    chosen.push(sibling);
                    continue;
                }
                if is_boilerplate(sibling) {
                    continue;
                }
                let lengths = scores
                    .lengths
                    .get(&sibling.id())
                    .copied()
                    .unwrap_or_default();
                let score = scores
                    .scores
                    .get(&sibling.id())
                    .map(|s| s * (1.0 - lengths.link_density()));
                let paragraph = sibling.value().name() == "p"
                    && lengths.text > 80
                    && lengths.link_density() < 0.25;
                if score.is_some_and(|s| s >= threshold) || paragraph {
                    chosen.push(sibling);
                }
            }
        }
        None => chosen.push(best),
    }
    let mut paragraphs = Paragraphs::default();
    for element in chosen {
        render(element, &mut paragraphs, false);
        paragraphs.end();
    }
    let text = paragraphs.finish(title, true);
    let plain = paragraphs.plain_chars;
    if plain < MIN_TEXT {
        return Err(no_text());
    }
    Ok(text)
}

/// Paragraphs as the text is rendered, with the share of each that is
/// link text.
#[derive(Default)]
struct Paragraphs {
    done: Vec<(String, usize)>,
    current: String,
    current_links: usize,
    /// Characters outside links in the kept paragraphs.
    plain_chars: usize,
}

impl Paragraphs {
    /// Appends a text node: words joined by single spaces, and glued to
    /// what came before when the node does not start with a space (as a
    /// browser shows `<a>link</a>, said`).
    fn push(&mut self, text: &str, in_link: bool) {
        let glued = !text.starts_with(char::is_whitespace);
        for (i, word) in text.split_whitespace().enumerate() {
            let space = i > 0 || !glued;
            if space && !self.current.is_empty() && !self.current.ends_with(' ') {
                self.current.push(' ');
            }
            self.current.push_str(word);
            if in_link {
                self.current_links += word.chars().count();
            }
        }
        if text.ends_with(char::is_whitespace)
            && !self.current.is_empty()
            && !self.current.ends_with(' ')
        {
            self.current.push(' ');
        }
    }

    fn end(&mut self) {
        let text = self.current.trim().to_owned();
        if !text.is_empty() {
            self.done.push((text, self.current_links));
        }
        self.current.clear();
        self.current_links = 0;
    }

    /// The paragraphs joined by blank lines: link lists, "Read more"
    /// lines and (with `title`) a repeat of the title dropped.
    fn finish(&mut self, title: Option<&str>, strict: bool) -> String {
        self.end();
        let mut out = String::new();
        self.plain_chars = 0;
        for (i, (text, links)) in self.done.iter().enumerate() {
            let chars = text.chars().count();
            let mostly_links = *links * 2 > chars && chars < 300;
            let lower = text.to_lowercase();
            let teaser = [
                "read more",
                "related:",
                "see also:",
                "more on this",
                "advertisement",
                "sign up",
                "subscribe",
            ]
            .iter()
            .any(|p| lower.starts_with(p))
                && chars < 200;
            let repeats_title = i == 0 && title.is_some_and(|t| t.trim() == text);
            if strict && (mostly_links || teaser || repeats_title) {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(text);
            self.plain_chars += chars.saturating_sub(*links);
        }
        out
    }
}

/// Appends the text of `element` to `paragraphs`, blocks as paragraphs.
/// Iterative, like [`measure`].
fn render(root: ElementRef<'_>, paragraphs: &mut Paragraphs, in_link: bool) {
    enum Step<'a> {
        Open(ElementRef<'a>, bool),
        Text(&'a str, bool),
        Close(bool),
    }
    let mut stack = vec![Step::Open(root, in_link)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close(block) => {
                if block {
                    paragraphs.end();
                }
            }
            Step::Text(text, link) => paragraphs.push(text, link),
            Step::Open(element, in_link) => {
                if is_boilerplate(element) {
                    continue;
                }
                let name = element.value().name();
                let block = BLOCK_TAGS.contains(&name);
                if block {
                    paragraphs.end();
                }
                let link = in_link || name == "a";
                stack.push(Step::Close(block));
                // Children in reverse: the first is handled first.
                for child in element.children().rev() {
                    match child.value() {
                        Node::Element(_) => {
                            if let Some(e) = ElementRef::wrap(child) {
                                stack.push(Step::Open(e, link));
                            }
                        }
                        Node::Text(text) => stack.push(Step::Text(text, link)),
                        _ => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWS: &str = r##"<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Gunmen storm hotel in Mogadishu | The Horn Courier</title>
<meta property="og:site_name" content="The Horn Courier">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},{"@type":"NewsArticle","datePublished":"2022-08-20T06:30:00Z","publisher":{"name":"Horn Courier Ltd"}}]}</script>
<link rel="canonical" href="https://horn.example/2022/08/20/hotel">
<script>googletag.cmd.push(function(){});</script><style>.a{}</style></head>
<body><div id="cookie-banner">We use cookies on this site. Accept all cookies to continue reading.</div>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="page"><div class="article-body story-with-comments">
<h1>Gunmen storm hotel in Mogadishu</h1>
<div class="share-tools"><a href="#">Share on Facebook</a></div>
<p>Al-Shabaab gunmen stormed the Hayat hotel in <a href="/somalia">Mogadishu</a>, the Somali capital, on Friday evening, police said.</p>
<p>Security forces surrounded the building through the night, and officials said more than twenty people were killed before the siege ended.</p>
<p>Read more: <a href="/x">Somalia's long war</a></p>
<p>The group, which is linked to al-Qaeda, said its fighters had targeted officials who used the hotel for meetings, a claim that could not be verified.</p>
</div>
<div class="related-stories"><h2>Related stories</h2><ul><li><a href="/a">Drought deepens in the south of the country</a></li><li><a href="/b">Election talks resume in the capital</a></li></ul></div>
<div class="comments"><p>Reader comment: terrible news, stay safe everyone in the city tonight.</p></div>
</div><footer>© The Horn Courier. All rights reserved. Privacy policy and terms of use.</footer></body></html>"##;

    #[test]
    fn the_story_is_kept_and_the_boilerplate_left_out() {
        let page = extract_page(NEWS).expect("an article");
        assert_eq!(
            page.title.as_deref(),
            Some("Gunmen storm hotel in Mogadishu")
        );
        assert_eq!(page.source.as_deref(), Some("The Horn Courier"));
        assert_eq!(page.date_field.as_deref(), Some("2022-08-20T06:30:00Z"));
        assert_eq!(
            page.url.as_deref(),
            Some("https://horn.example/2022/08/20/hotel")
        );
        assert!(
            page.body.starts_with(
                "Al-Shabaab gunmen stormed the Hayat hotel in Mogadishu, the Somali capital"
            ),
            "{}",
            page.body
        );
        assert!(page.body.contains("more than twenty people"));
        assert!(page.body.contains("could not be verified."));
        for noise in [
            "cookies",
            "Home",
            "Share on Facebook",
            "Read more",
            "Related stories",
            "Drought",
            "Reader comment",
            "googletag",
            "rights reserved",
        ] {
            assert!(!page.body.contains(noise), "{noise} in {}", page.body);
        }
        assert_eq!(page.body.matches("\n\n").count(), 2, "{}", page.body);
    }

    #[test]
    fn a_list_of_links_is_not_an_article() {
        let mut html = String::from(
            "<html><body><nav><a href='/'>Home</a></nav><main><h1>World news</h1><ul>",
        );
        for i in 0..40 {
            html.push_str(&format!("<li><a href='/s/{i}'>Headline number {i} about the war in the north</a><p>Short teaser {i}.</p></li>"));
        }
        html.push_str("</ul></main></body></html>");
        let err = extract_page(&html).unwrap_err();
        assert!(err.contains("no article text"), "{err}");
    }

    #[test]
    fn br_separated_text_and_h1_titles() {
        let html = "<html><body><div class='content'><h1>Iraqi forces declare Mosul retaken</h1>\
            <div>MOSUL, Iraq, July 10, 2017 — Prime Minister Haider al-Abadi arrived in Mosul on Monday to congratulate the armed forces on retaking the city from Islamic State after nine months of fighting.<br><br>\
            Pockets of militants were still holding out in the old city near the Tigris, commanders said, and engineers were clearing booby traps from streets and houses.<br><br>\
            Aid agencies said nearly a million people had fled during the battle.</div></div></body></html>";
        let page = extract_page(html).expect("an article");
        assert_eq!(
            page.title.as_deref(),
            Some("Iraqi forces declare Mosul retaken")
        );
        assert!(
            page.body.starts_with("MOSUL, Iraq, July 10, 2017 —"),
            "{}",
            page.body
        );
        assert!(page.body.contains("booby traps"));
        assert_eq!(page.date_field, None);
    }

    #[test]
    fn charsets_are_found_before_the_text_is_read() {
        let latin = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head><body>M\xe9decins \x93here\x94</body></html>";
        let (text, warning) = decode_page(latin, None);
        assert!(text.contains("Médecins “here”"), "{text}");
        assert_eq!(warning, None);
        let (text, _) = decode_page(b"<meta charset='windows-1252'><p>caf\xe9</p>", None);
        assert!(text.contains("café"));
        let (text, warning) = decode_page(b"<p>caf\xe9 without a charset</p>", None);
        assert!(text.contains("café") && warning.is_some());
        let (text, _) = decode_page(
            b"\xEF\xBB\xBF<p>\xd8\xa7\xd9\x84\xd9\x85\xd9\x88\xd8\xb5\xd9\x84</p>",
            Some("iso-8859-1"),
        );
        assert!(text.contains("الموصل"), "{text}");
        let (text, _) = decode_page(b"<p>caf\xe9</p>", Some("latin1"));
        assert!(text.contains("café"));
    }

    #[test]
    fn site_names_are_trimmed_from_titles() {
        assert_eq!(
            split_site_name("Drone strike hits Kharkiv - Kyiv Daily", None),
            (
                Some("Drone strike hits Kharkiv".into()),
                Some("Kyiv Daily".into())
            )
        );
        assert_eq!(
            split_site_name(
                "World | Drone strike hits Kharkiv | Kyiv Daily",
                Some("Kyiv Daily")
            ),
            (
                Some("World | Drone strike hits Kharkiv".into()),
                Some("Kyiv Daily".into())
            )
        );
        assert_eq!(
            split_site_name("Ceasefire - what next", None).0.as_deref(),
            Some("Ceasefire - what next")
        );
    }

    #[test]
    fn fragments_lose_their_markup() {
        let item = "<p>Boko Haram fighters killed nine villagers near Gwoza.</p><script>track()</script><div class='share'>Share this</div><p>Soldiers arrived <em>the next</em> morning.</p>";
        assert_eq!(
            fragment_text(item),
            "Boko Haram fighters killed nine villagers near Gwoza.\n\nSoldiers arrived the next morning."
        );
        assert_eq!(
            fragment_text("  plain   text\n\n\n more "),
            "plain text\n\nmore"
        );
        assert_eq!(
            fragment_text("Marib &amp; its oil fields"),
            "Marib & its oil fields"
        );
        let deep = "<div>".repeat(5_000) + "deep text";
        assert_eq!(fragment_text(&deep), "deep text");
    }

    #[test]
    fn hostile_pages_do_not_panic() {
        assert!(extract_page("").is_err());
        assert!(extract_page("<<<>>><p><div></p></div>").is_err());
        let deep = "<div>".repeat(20_000) + "text" + &"</div>".repeat(10);
        assert!(extract_page(&deep)
            .unwrap_err()
            .contains("nested 20000 deep"));
        let nested = "<html><body>".to_owned()
            + &"<div><p>x</p><br><img src=a/>".repeat(3000)
            + "</body></html>";
        assert!(nesting(&nested) > 3000);
        assert_eq!(nesting("<html><body><p>a<br>b</p><img/></body></html>"), 3);
        let binary: String = (0..5000u32).filter_map(char::from_u32).collect();
        let _ = extract_page(&binary);
        let _ = decode_page(&[0xFF; 100], Some("no-such-charset"));
    }
}
