//! HTML input: find the story in a saved web page and turn it into analysis text
//! whose every byte maps back to the page's own bytes.
//!
//! Structure comes from a real HTML5 parser (html5ever, through `scraper`), which
//! knows implied end tags, misnested markup and raw-text elements. html5ever does
//! not report byte offsets, so positions come from a second, much smaller pass: a
//! scan of the original bytes that lists every character of character data
//! (outside tags, comments and raw-text elements), with entities decoded and the
//! byte range each character came from. The parser's text nodes, taken in
//! document order, are then aligned with that list. The two agree character for
//! character except where the tree builder drops or moves text (white space before
//! `<html>`, text fostered out of a table); there the alignment searches forward.
//!
//! The story is the first that fits of `[itemprop=articleBody]`, `<article>`,
//! `<main>` (each only if it holds at least half of the page's densest paragraph
//! block), else that densest block. Inside it, navigation, headers, footers,
//! asides, forms, scripts, figures and captions, cookie banners, related-link lists
//! and similar furniture are dropped; the headline (`<h1>`), byline markup and
//! `<time>` feed the document's metadata instead.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef, iter::Edge};
use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};
use scraper::{ElementRef, Html, Node, Selector, node::Element};

use super::offsets::{MapBuilder, OffsetMap};
use crate::text::Span;

/// What HTML extraction yields.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// The story's text: paragraphs separated by blank lines.
    pub text: String,
    /// From `text` offsets back to the page's offsets.
    pub map: OffsetMap,
    /// The headline.
    pub title: Option<String>,
    /// The byline, without a leading "By".
    pub byline: Option<String>,
    /// The dateline, from `.dateline` markup.
    pub dateline: Option<String>,
    /// The publication date or time stamp.
    pub date: Option<String>,
}

/// Elements whose contents the tokenizer reads as raw text (no tags, no entities).
const RAW_TEXT: &[&str] = &[
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript",
];
/// Elements whose contents are text with entities but no tags.
const RCDATA: &[&str] = &["title", "textarea"];

/// Elements that are never part of the story.
const DROP_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "label",
    "iframe",
    "svg",
    "math",
    "canvas",
    "video",
    "audio",
    "object",
    "embed",
    "dialog",
    "menu",
    "head",
    "title",
    "figure",
    "figcaption",
    "picture",
    "img",
    "h1",
    "xmp",
    "noembed",
    "noframes",
];

/// ARIA roles of page furniture.
const DROP_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
    "alert",
];

/// Words in a class or id (split at `-` and `_`) that mark page furniture.
const DROP_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "related",
    "recirc",
    "recirculation",
    "newsletter",
    "promo",
    "share",
    "sharing",
    "social",
    "advert",
    "advertisement",
    "sponsor",
    "sponsored",
    "outbrain",
    "taboola",
    "comments",
    "footer",
    "header",
    "sidebar",
    "subscribe",
    "paywall",
    "modal",
    "popup",
    "byline",
    "dateline",
    "timestamp",
    "caption",
    "credit",
    "credits",
    "toolbar",
];

/// Whole class tokens that mark advertising (as words they are too short to trust).
const DROP_CLASSES: &[&str] = &[
    "ad",
    "ads",
    "ad-slot",
    "ad-container",
    "advertising",
    "author",
];

/// Elements inside which a `<time>` is part of the prose, not a stand-alone stamp.
const PROSE_TAGS: &[&str] = &[
    "p",
    "li",
    "blockquote",
    "td",
    "dd",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
];

/// Elements that start a new paragraph.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// One character of character data in the original and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SrcChar {
    ch: char,
    start: usize,
    end: usize,
}

/// Extract the story from an HTML page.
pub fn extract(src: &str) -> Extracted {
    let html = Html::parse_document(src);
    let stream = data_chars(src);
    let positions = align(&html, &stream);
    let stats = Stats::collect(&html);
    let root = choose_root(&html, &stats);

    let scope = story_scope(root);
    let title = headline(&html, root, scope);
    let byline = byline(&html, scope);
    let date = date(&html, scope);
    let dateline = first_text(scope, ".dateline, [class~=dateline]");

    let (text, map) = emit(src, root, &stats, &stream, &positions);
    Extracted {
        text,
        map,
        title,
        byline,
        dateline,
        date,
    }
}

// ---------------------------------------------------------------------------
// The scan of the original bytes.

/// Every character of character data in `src`, with entities decoded and CR LF
/// folded as the HTML tokenizer does, each with the byte range it came from.
fn data_chars(src: &str) -> Vec<SrcChar> {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 2);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<'
            && let Some((end, name)) = markup_end(src, i)
        {
            i = end;
            if let Some(name) = name {
                if RAW_TEXT.contains(&name.as_str()) {
                    i = end_tag_at(src, i, &name);
                } else if RCDATA.contains(&name.as_str()) {
                    let close = end_tag_at(src, i, &name);
                    while i < close {
                        i = push_char(src, i, close, true, &mut out);
                    }
                } else if name == "plaintext" {
                    while i < b.len() {
                        i = push_char(src, i, b.len(), false, &mut out);
                    }
                }
            }
            continue;
        }
        i = push_char(src, i, b.len(), true, &mut out);
    }
    out
}

/// Decode one character (or character reference) at `i`, push it, return the next offset.
fn push_char(src: &str, i: usize, limit: usize, refs: bool, out: &mut Vec<SrcChar>) -> usize {
    let b = src.as_bytes();
    if b[i] == b'\r' {
        let end = if b.get(i + 1) == Some(&b'\n') && i + 1 < limit {
            i + 2
        } else {
            i + 1
        };
        out.push(SrcChar {
            ch: '\n',
            start: i,
            end,
        });
        return end;
    }
    if refs
        && b[i] == b'&'
        && let Some((c1, c2, len)) = char_ref(&src[i..limit])
    {
        out.push(SrcChar {
            ch: c1,
            start: i,
            end: i + len,
        });
        if let Some(c2) = c2 {
            out.push(SrcChar {
                ch: c2,
                start: i,
                end: i + len,
            });
        }
        return i + len;
    }
    let ch = src[i..].chars().next().unwrap_or('\u{fffd}');
    let end = i + ch.len_utf8();
    out.push(SrcChar { ch, start: i, end });
    end
}

/// Decode a character reference at the start of `s` (which begins with `&`), as
/// the tokenizer does in text: numeric references with or without `;`, and the
/// longest named reference, legacy ones without `;` included.
fn char_ref(s: &str) -> Option<(char, Option<char>, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let from = if hex { 3 } else { 2 };
        let digits = b[from.min(b.len())..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let mut value: u32 = 0;
        for &c in &b[from..from + digits] {
            let d = (c as char).to_digit(16).unwrap_or(0);
            value = value
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d)
                .min(0x11_0000);
        }
        let mut len = from + digits;
        if b.get(len) == Some(&b';') {
            len += 1;
        }
        let ch = match value {
            0 | 0xD800..=0xDFFF | 0x11_0000.. => '\u{fffd}',
            0x80..=0x9F => C1_REPLACEMENTS[(value - 0x80) as usize]
                .unwrap_or_else(|| char::from_u32(value).unwrap_or('\u{fffd}')),
            v => char::from_u32(v).unwrap_or('\u{fffd}'),
        };
        return Some((ch, None, len));
    }
    let name_len = b[1..]
        .iter()
        .take(40)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 {
        return None;
    }
    let max = name_len + usize::from(b.get(1 + name_len) == Some(&b';'));
    (1..=max).rev().find_map(|len| {
        let &(c1, c2) = NAMED_ENTITIES.get(&s[1..1 + len])?;
        let c1 = char::from_u32(c1).filter(|_| c1 != 0)?;
        Some((c1, char::from_u32(c2).filter(|_| c2 != 0), 1 + len))
    })
}

/// If a tag, comment, doctype or processing instruction starts at `i` (a `<`),
/// where it ends, and the lower-cased name when it is a start tag.
fn markup_end(src: &str, i: usize) -> Option<(usize, Option<String>)> {
    let b = src.as_bytes();
    let find = |from: usize, pat: &str| {
        src.get(from..)
            .and_then(|s| s.find(pat))
            .map(|p| from + p + pat.len())
    };
    match b.get(i + 1)? {
        b'!' => {
            if src[i..].starts_with("<!--") {
                if src[i..].starts_with("<!-->") {
                    return Some((i + 5, None));
                }
                if src[i..].starts_with("<!--->") {
                    return Some((i + 6, None));
                }
                let end = [find(i + 4, "-->"), find(i + 4, "--!>")]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(b.len());
                return Some((end, None));
            }
            Some((find(i + 2, ">").unwrap_or(b.len()), None))
        }
        b'?' => Some((find(i + 2, ">").unwrap_or(b.len()), None)),
        b'/' => match b.get(i + 2) {
            None => None,
            Some(b'>') => Some((i + 3, None)),
            Some(c) if c.is_ascii_alphabetic() => Some((tag_end(src, i + 2).0, None)),
            Some(_) => Some((find(i + 2, ">").unwrap_or(b.len()), None)),
        },
        c if c.is_ascii_alphabetic() => {
            let (end, name) = tag_end(src, i + 1);
            Some((end, Some(name)))
        }
        _ => None,
    }
}

/// Scan a tag from its name at `i` to just past its `>`; returns the end and the
/// lower-cased name. Attribute values may hold `>` inside quotes.
fn tag_end(src: &str, mut i: usize) -> (usize, String) {
    let b = src.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let name_start = i;
    while i < b.len() && !ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = src[name_start..i].to_ascii_lowercase();
    loop {
        while i < b.len() && (ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (b.len(), name);
        }
        if b[i] == b'>' {
            return (i + 1, name);
        }
        let mut first = true;
        while i < b.len() && !ws(b[i]) && b[i] != b'/' && b[i] != b'>' && (first || b[i] != b'=') {
            i += 1;
            first = false;
        }
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    i = src[i + 1..]
                        .find(q as char)
                        .map_or(b.len(), |p| i + 1 + p + 1);
                }
                Some(b'>') | None => {}
                Some(_) => {
                    while i < b.len() && !ws(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
    }
}

/// Offset of the `</name` that closes a raw-text element, or the end of input.
fn end_tag_at(src: &str, from: usize, name: &str) -> usize {
    let b = src.as_bytes();
    let mut i = from;
    while let Some(p) = src.get(i..).and_then(|s| s.find("</")) {
        let at = i + p;
        let after = at + 2 + name.len();
        if src
            .get(at + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && b.get(after)
                .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'))
        {
            return at;
        }
        i = at + 2;
    }
    b.len()
}

// ---------------------------------------------------------------------------
// Aligning the parser's text nodes with the scan.

/// Give up searching after this many text nodes could not be found, so a page the
/// scan misreads costs linear time, not quadratic.
const MAX_MISSES: usize = 64;

/// Where a text node's characters are in the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// One contiguous run from this index.
    Run(usize),
    /// Character by character: the tree builder joined text from apart (text
    /// fostered out of a table merges with the text before the table).
    Chars(Vec<usize>),
}

impl Place {
    fn index(&self, j: usize) -> Option<usize> {
        match self {
            Place::Run(p) => Some(p + j),
            Place::Chars(v) => v.get(j).copied(),
        }
    }
}

/// How far apart two characters of one text node may be in the scan when it is
/// matched character by character.
const MAX_GAP: usize = 512;

/// Where each text node's characters are in the scan.
fn align(html: &Html, stream: &[SrcChar]) -> HashMap<NodeId, Place> {
    let mut out = HashMap::new();
    let mut cursor = 0;
    let mut misses = 0;
    for node in html.tree.root().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        if node
            .parent()
            .and_then(|p| p.value().as_element().map(|e| RAW_TEXT.contains(&e.name())))
            .unwrap_or(false)
        {
            continue;
        }
        let needle: Vec<char> = t.chars().collect();
        if needle.is_empty() {
            continue;
        }
        let matches_at = |p: usize| {
            stream.len() >= p + needle.len()
                && stream[p..p + needle.len()]
                    .iter()
                    .zip(&needle)
                    .all(|(s, c)| s.ch == *c)
        };
        if matches_at(cursor) {
            out.insert(node.id(), Place::Run(cursor));
            cursor += needle.len();
            continue;
        }
        if misses >= MAX_MISSES {
            continue;
        }
        // Text dropped or moved by the tree builder: look further on, then
        // character by character, then (for text moved earlier) from the top.
        if let Some(p) = (cursor + 1..stream.len()).find(|&p| matches_at(p)) {
            out.insert(node.id(), Place::Run(p));
            cursor = p + needle.len();
        } else if let Some(v) = subsequence(stream, cursor, &needle) {
            cursor = v.last().map_or(cursor, |l| l + 1);
            out.insert(node.id(), Place::Chars(v));
        } else if let Some(p) = (0..cursor).find(|&p| matches_at(p)) {
            out.insert(node.id(), Place::Run(p));
        } else {
            misses += 1;
        }
    }
    out
}

/// Match `needle` in order from `from`, each character within [`MAX_GAP`] of the last.
fn subsequence(stream: &[SrcChar], from: usize, needle: &[char]) -> Option<Vec<usize>> {
    let mut out = Vec::with_capacity(needle.len());
    let mut p = from;
    for (j, c) in needle.iter().enumerate() {
        let limit = if j == 0 {
            stream.len()
        } else {
            (p + MAX_GAP).min(stream.len())
        };
        let hit = (p..limit).find(|&k| stream[k].ch == *c)?;
        out.push(hit);
        p = hit + 1;
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// Finding the story.

/// Text counts for one element, over its content that is not dropped.
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    /// Non-space characters.
    text: usize,
    /// Non-space characters inside links.
    link: usize,
    /// Non-space characters inside paragraphs.
    para: usize,
    /// Paragraph text of direct children, plus half that of grandchildren: how
    /// much this element looks like the story's container.
    density: usize,
    /// Furniture itself, or inside furniture.
    dropped: bool,
}

#[derive(Debug, Default)]
struct Stats {
    counts: HashMap<NodeId, Count>,
}

impl Stats {
    fn get(&self, id: NodeId) -> Count {
        self.counts.get(&id).copied().unwrap_or_default()
    }

    /// One pass over the tree, bottom-up, without recursion (pages nest deeply).
    fn collect(html: &Html) -> Stats {
        struct Frame {
            id: NodeId,
            count: Count,
            /// Paragraph text of direct child paragraphs.
            child_para: usize,
            /// Paragraph text of grandchild paragraphs.
            grand_para: usize,
            drop: Drop,
            prose: bool,
        }
        // Bottom-up: counts, and whether each element is furniture itself.
        let mut counts = HashMap::new();
        let mut own_drop: HashMap<NodeId, bool> = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    if let Some(el) = node.value().as_element() {
                        let in_prose = stack.last().is_some_and(|f| f.prose);
                        stack.push(Frame {
                            id: node.id(),
                            count: Count::default(),
                            child_para: 0,
                            grand_para: 0,
                            drop: drops_statically(el, in_prose),
                            prose: in_prose || PROSE_TAGS.contains(&el.name()),
                        });
                    } else if let Node::Text(t) = node.value()
                        && let Some(top) = stack.last_mut()
                    {
                        top.count.text += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                Edge::Close(node) => {
                    let Some(el) = node.value().as_element() else {
                        continue;
                    };
                    let Some(mut f) = stack.pop() else { continue };
                    let name = el.name();
                    if name == "a" {
                        f.count.link = f.count.text;
                    }
                    let is_para = matches!(name, "p" | "pre");
                    if is_para {
                        f.count.para = f.count.text;
                    }
                    f.count.density = f.child_para + f.grand_para / 2;
                    let dropped = match f.drop {
                        Drop::Hard => true,
                        Drop::Soft => f.count.para < STORY_SIZED,
                        Drop::Keep => false,
                    } || link_dense(name, &f.count);
                    own_drop.insert(f.id, dropped);
                    counts.insert(f.id, f.count);
                    if let Some(parent) = stack.last_mut()
                        && !dropped
                    {
                        parent.count.text += f.count.text;
                        parent.count.link += f.count.link;
                        parent.count.para += f.count.para;
                        if is_para && f.count.text >= 25 {
                            parent.child_para += f.count.text;
                        }
                        parent.grand_para += f.child_para;
                    }
                }
            }
        }
        // Top-down: furniture itself or inside furniture.
        let mut inside: Vec<bool> = Vec::new();
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(node) if node.value().is_element() => {
                    let d = inside.last().copied().unwrap_or(false)
                        || own_drop.get(&node.id()).copied().unwrap_or(false);
                    if let Some(c) = counts.get_mut(&node.id()) {
                        c.dropped = d;
                    }
                    inside.push(d);
                }
                Edge::Close(node) if node.value().is_element() => {
                    inside.pop();
                }
                _ => {}
            }
        }
        Stats { counts }
    }
}

/// How sure a static judgement of furniture is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drop {
    /// Part of the story, as far as its markup says.
    Keep,
    /// Furniture by tag, role or attribute.
    Hard,
    /// Furniture by its class or id names only: kept after all if it turns out to
    /// hold a story's worth of paragraphs ("article-body social-share-enabled").
    Soft,
}

/// Paragraph text (non-space characters) that overrules a furniture class name.
const STORY_SIZED: usize = 400;

/// Whether an element is furniture by its tag, role, attributes or class names.
/// `in_prose` says whether it sits inside a paragraph or similar.
fn drops_statically(el: &Element, in_prose: bool) -> Drop {
    let name = el.name();
    if DROP_TAGS.contains(&name) {
        return Drop::Hard;
    }
    // A stand-alone time stamp is furniture; "on <time>Tuesday</time>" is prose.
    if name == "time" {
        return if in_prose { Drop::Keep } else { Drop::Hard };
    }
    if el.attr("hidden").is_some()
        || el.attr("aria-hidden") == Some("true")
        || el
            .attr("role")
            .is_some_and(|r| DROP_ROLES.iter().any(|d| r.eq_ignore_ascii_case(d)))
        || el
            .attr("rel")
            .is_some_and(|r| r.split_whitespace().any(|w| w == "author"))
        || el.attr("itemprop").is_some_and(|p| {
            p.split_whitespace()
                .any(|w| w == "author" || w == "headline")
        })
    {
        return Drop::Hard;
    }
    // Class names are the page's own words for its parts; the containers a story
    // lives in are judged by their content instead (a WordPress <article> carries
    // classes such as "author-jane" and "category-news").
    if matches!(name, "html" | "body" | "article" | "main")
        || el
            .attr("itemprop")
            .is_some_and(|p| p.split_whitespace().any(|w| w == "articleBody"))
    {
        return Drop::Keep;
    }
    let tokens = el.classes().chain(el.id());
    for token in tokens {
        let lower = token.to_ascii_lowercase();
        if DROP_CLASSES.contains(&lower.as_str()) {
            return Drop::Soft;
        }
        // The word must lead or close the name: "site-header", "related-links",
        // but not "has-header-image".
        let parts: Vec<&str> = lower.split(['-', '_']).filter(|w| !w.is_empty()).collect();
        if [parts.first(), parts.last()]
            .into_iter()
            .flatten()
            .any(|w| DROP_WORDS.contains(w))
        {
            return Drop::Soft;
        }
    }
    Drop::Keep
}

/// Lists and boxes that are mostly links are related-story rails and menus.
fn link_dense(name: &str, c: &Count) -> bool {
    if c.text == 0 {
        return false;
    }
    match name {
        "ul" | "ol" | "dl" | "div" | "section" | "table" => c.link * 2 > c.text,
        "p" | "li" => c.link * 10 > c.text * 8,
        _ => false,
    }
}

fn selector(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

/// The element that holds the story.
fn choose_root<'a>(html: &'a Html, stats: &Stats) -> ElementRef<'a> {
    let densest = html
        .tree
        .root()
        .descendants()
        .filter(|n| n.value().is_element())
        .map(|n| (n, stats.get(n.id())))
        .filter(|(_, c)| !c.dropped && c.density > 0)
        .max_by_key(|(n, c)| (c.density, std::cmp::Reverse(n.id())))
        .and_then(|(n, _)| ElementRef::wrap(n));
    let dense_para = densest.map_or(0, |d| stats.get(d.id()).para);
    for css in ["[itemprop~=articleBody]", "article", "main, [role=main]"] {
        let Some(sel) = selector(css) else { continue };
        let best = html
            .select(&sel)
            .map(|e| (e, stats.get(e.id())))
            .filter(|(_, c)| !c.dropped && c.text > 0)
            .max_by_key(|(e, c)| (c.para, c.text, std::cmp::Reverse(e.id())));
        if let Some((e, c)) = best
            && c.para * 2 >= dense_para
        {
            return e;
        }
    }
    if let Some(d) = densest {
        return d;
    }
    selector("body")
        .and_then(|s| html.select(&s).next())
        .unwrap_or_else(|| html.root_element())
}

/// Where to look for the story's headline and byline: its nearest enclosing
/// `<article>` (which also holds the header the body lacks), else itself.
fn story_scope(root: ElementRef<'_>) -> ElementRef<'_> {
    root.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "article")
        .unwrap_or(root)
}

fn folded(e: ElementRef<'_>) -> String {
    let s: String = e.text().collect::<Vec<_>>().join("");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_text(scope: ElementRef<'_>, css: &str) -> Option<String> {
    let sel = selector(css)?;
    scope.select(&sel).map(folded).find(|t| !t.is_empty())
}

fn meta(html: &Html, css: &str) -> Option<String> {
    let sel = selector(css)?;
    html.select(&sel)
        .filter_map(|e| e.attr("content"))
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|c| !c.is_empty())
}

fn headline(html: &Html, root: ElementRef<'_>, scope: ElementRef<'_>) -> Option<String> {
    first_text(root, "h1")
        .or_else(|| first_text(scope, "h1, [itemprop~=headline]"))
        .or_else(|| {
            meta(
                html,
                "meta[property='og:title'], meta[name='twitter:title']",
            )
        })
        .or_else(|| {
            let sel = selector("h1")?;
            html.select(&sel)
                .filter(|e| {
                    !e.ancestors()
                        .filter_map(ElementRef::wrap)
                        .any(|a| matches!(a.value().name(), "header" | "nav"))
                })
                .map(folded)
                .find(|t| !t.is_empty())
        })
        .or_else(|| first_text(html.root_element(), "title"))
}

fn byline(html: &Html, scope: ElementRef<'_>) -> Option<String> {
    let css = ".byline, [class~=byline], [itemprop~=author], [rel~=author], .author";
    let from_markup = selector(css).and_then(|sel| {
        let pick = |e: ElementRef<'_>| {
            let t = folded(e);
            if !t.is_empty() {
                return Some(t);
            }
            e.attr("content").map(str::to_string).or_else(|| {
                let name = selector("[itemprop~=name]")?;
                e.select(&name)
                    .find_map(|n| n.attr("content").map(str::to_string))
            })
        };
        scope
            .select(&sel)
            .find_map(pick)
            .or_else(|| html.select(&sel).find_map(pick))
    });
    from_markup
        .or_else(|| meta(html, "meta[name='author'], meta[property='article:author']"))
        .map(|b| strip_by(&b))
        .filter(|b| !b.is_empty())
}

fn strip_by(b: &str) -> String {
    let t = b.trim();
    for p in ["By ", "BY ", "by "] {
        if let Some(rest) = t.strip_prefix(p) {
            return rest.trim().to_string();
        }
    }
    t.to_string()
}

fn date(html: &Html, scope: ElementRef<'_>) -> Option<String> {
    let sel = selector("time")?;
    scope
        .select(&sel)
        .chain(html.select(&sel))
        .find_map(|t| {
            t.attr("datetime")
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .or_else(|| Some(folded(t)).filter(|d| !d.is_empty()))
        })
        .or_else(|| {
            meta(
                html,
                "meta[property='article:published_time'], meta[itemprop='datePublished'], meta[name='date']",
            )
        })
}

// ---------------------------------------------------------------------------
// Emitting the analysis text.

/// Build the story's text from `root`, mapping every character to the page.
fn emit(
    src: &str,
    root: ElementRef<'_>,
    stats: &Stats,
    stream: &[SrcChar],
    positions: &HashMap<NodeId, Place>,
) -> (String, OffsetMap) {
    let mut out = Emitter {
        src,
        b: MapBuilder::new(),
        space: None,
        breaks: 0,
        last_end: 0,
    };
    let root_node: NodeRef<'_, Node> = *root;
    let mut skip: Option<NodeId> = None;
    for edge in root_node.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(el) => {
                        let dropped = node.id() != root_node.id() && stats.get(node.id()).dropped;
                        if dropped {
                            skip = Some(node.id());
                            continue;
                        }
                        if el.name() == "br" {
                            out.breaks = (out.breaks + 1).min(2);
                        } else if BLOCK_TAGS.contains(&el.name()) {
                            out.breaks = 2;
                        }
                    }
                    Node::Text(t) => {
                        let at = positions.get(&node.id());
                        for (j, ch) in t.chars().enumerate() {
                            let from = at
                                .and_then(|p| p.index(j))
                                .and_then(|k| stream.get(k))
                                .copied();
                            out.push(ch, from);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_none()
                    && let Some(el) = node.value().as_element()
                    && BLOCK_TAGS.contains(&el.name())
                {
                    out.breaks = 2;
                }
            }
        }
    }
    out.b.finish()
}

struct Emitter<'a> {
    src: &'a str,
    b: MapBuilder,
    /// White space seen since the last character, as a range of the original.
    space: Option<Span>,
    /// Line breaks owed before the next character (2 = paragraph break).
    breaks: u8,
    /// End in the original of the last character emitted.
    last_end: usize,
}

impl Emitter<'_> {
    fn push(&mut self, ch: char, from: Option<SrcChar>) {
        let (start, end) = from.map_or((self.last_end, self.last_end), |s| (s.start, s.end));
        if ch.is_whitespace() || ch == '\u{feff}' {
            self.space = Some(match self.space {
                Some(s) => Span::new(s.start, end.max(s.end)),
                None => Span::new(start, end),
            });
            return;
        }
        if !self.b.text().is_empty() {
            if self.breaks > 0 {
                let nl = if self.breaks >= 2 { "\n\n" } else { "\n" };
                self.b.atomic(nl, Span::new(start, start));
            } else if let Some(s) = self.space {
                if self.src.get(s.start..s.end) == Some(" ") {
                    self.b.verbatim(" ", s.start);
                } else {
                    self.b.atomic(" ", s);
                }
            }
        }
        self.space = None;
        self.breaks = 0;
        let mut buf = [0u8; 4];
        let s = ch.encode_utf8(&mut buf);
        match from {
            Some(f) if self.src.get(f.start..f.end) == Some(s) => self.b.verbatim(s, f.start),
            _ => self.b.atomic(s, Span::new(start, end)),
        }
        self.last_end = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(src: &str) -> String {
        data_chars(src).iter().map(|c| c.ch).collect()
    }

    #[test]
    fn scan_skips_markup_and_decodes_entities() {
        assert_eq!(chars("<p class=\"a>b\">x &amp; y</p>"), "x & y");
        assert_eq!(
            chars("a<!-- <p>no</p> -->b<script>if (a<b) x='said'</script>c"),
            "abc"
        );
        assert_eq!(
            chars("&notit; &#8220;&#x201D; &copy 1 &bogus;"),
            "¬it; “” © 1 &bogus;"
        );
        assert_eq!(chars("<title>A &amp; <b></title>"), "A & <b>");
        assert_eq!(chars("1 < 2 and a\r\nb"), "1 < 2 and a\nb");
        assert_eq!(chars("&#0;&#x110000;&#150;"), "\u{fffd}\u{fffd}–");
    }

    #[test]
    fn every_character_maps_to_its_bytes() {
        let src = "<p>Caf&eacute; &#8220;hi&#8221;</p>";
        for c in data_chars(src) {
            let raw = &src[c.start..c.end];
            assert!(raw.starts_with('&') || raw == c.ch.to_string(), "{raw:?}");
        }
    }

    #[test]
    fn story_text_and_offsets() {
        let src = "<html><body><nav><a href=/>Officials said</a></nav>\n<article><h1>Talks stall</h1>\n<p class=byline>By Jane Roe</p><p>The talks &amp; the\n   deal stalled, offi<b>cials</b> said.</p><p>Second.</p></article><footer>U.S. officials said</footer></body></html>";
        let x = extract(src);
        assert_eq!(
            x.text,
            "The talks & the deal stalled, officials said.\n\nSecond."
        );
        assert_eq!(x.title.as_deref(), Some("Talks stall"));
        assert_eq!(x.byline.as_deref(), Some("Jane Roe"));
        let at = x.text.find("officials").unwrap();
        let span = x.map.span(Span::new(at, at + "officials said".len()));
        assert_eq!(&src[span.start..span.end], "offi<b>cials</b> said");
        let amp = x.text.find('&').unwrap();
        let span = x.map.span(Span::new(amp, amp + 1));
        assert_eq!(&src[span.start..span.end], "&amp;");
        let second = x.text.find("Second").unwrap();
        assert_eq!(x.map.start(second), src.find("Second").unwrap());
    }

    #[test]
    fn densest_block_without_article_markup() {
        let long = "Officials said the talks had stalled over the weekend in the capital.";
        let src = format!(
            "<div class=menu><p>Home</p></div><div id=x><p>{long}</p><p>{long}</p></div><div><ul><li><a>Officials said one</a></li><li><a>Officials said two</a></li></ul></div>"
        );
        let x = extract(&src);
        assert_eq!(x.text, format!("{long}\n\n{long}"));
    }

    #[test]
    fn hostile_pages_never_panic_and_map_to_char_boundaries() {
        let deep = "<div>".repeat(2_000) + "Officials said so." + &"</div>".repeat(3);
        let pages = [
            String::new(),
            "<".to_string(),
            "<p".to_string(),
            "<!--".to_string(),
            "&".to_string(),
            "&#".to_string(),
            "&#x;".to_string(),
            "<script>officials said".to_string(),
            "<p>a<table><tr><td>cell</td></tr>fostered text<p>b".to_string(),
            "\u{feff}<p>Caf\u{e9}\r\nna\u{ef}ve &NotEqualTilde; &#x1F600; \u{201c}q\u{201d}</p>"
                .to_string(),
            "<plaintext><p>officials said &amp;".to_string(),
            "<p title='a>b' data-x=\"<p>\">Officials <b>said</p> so</b>.</i>".to_string(),
            "<svg><style>p{}</style><text>in svg</text></svg><p>After.</p>".to_string(),
            "<pre>\nline one\n  line two</pre><textarea>\nx &amp; y</textarea>".to_string(),
            deep,
        ];
        for src in &pages {
            let x = extract(src);
            for (i, _) in x.text.char_indices().chain([(x.text.len(), ' ')]) {
                let a = x.map.start(i);
                let b = x.map.end(i);
                assert!(a <= src.len() && b <= src.len(), "{src:?}");
                assert!(
                    src.is_char_boundary(a) && src.is_char_boundary(b),
                    "{src:?} at {i}"
                );
            }
        }
        // Text the tree builder moves (out of a table) still finds its place.
        let src = "<p>a<table><tr><td>cell</td></tr>fostered text</table>";
        let x = extract(src);
        let at = x.text.find("fostered").unwrap();
        assert_eq!(x.map.start(at), src.find("fostered").unwrap());
    }

    #[test]
    fn class_names_do_not_drop_a_story_sized_block() {
        let para =
            "<p>Officials said the talks had stalled over the weekend in the capital city.</p>";
        let src = format!(
            "<article><div class=\"story social-share-enabled\">{}</div><div class=has-header-image><p>Kept text here.</p></div><div class=share-tools><p>Share this</p></div></article>",
            para.repeat(8)
        );
        let x = extract(&src);
        assert!(x.text.starts_with("Officials said"), "{}", x.text);
        assert!(x.text.contains("Kept text here."), "{}", x.text);
        assert!(!x.text.contains("Share this"));
    }

    #[test]
    fn article_body_beats_cards_and_time_in_prose_stays() {
        let long = "<p>The minister said on <time datetime=\"2022-03-01\">Tuesday</time> that the talks had stalled badly.</p>";
        let src = format!(
            "<article class=card><p>Officials said card one is a teaser for another story.</p></article><div itemprop=articleBody>{}</div><article class=card><p>Officials said card two.</p></article>",
            long.repeat(3)
        );
        let x = extract(&src);
        assert!(!x.text.contains("card"), "{}", x.text);
        assert!(x.text.contains("said on Tuesday that"), "{}", x.text);
        assert_eq!(x.date.as_deref(), Some("2022-03-01"));
    }

    #[test]
    fn dateline_and_byline_markup() {
        let src = "<article><h1>Talks stall</h1><div class=byline>By <span itemprop=author>Jane Roe</span></div><p>WASHINGTON (AP) &mdash; Officials said the talks stalled.</p></article>";
        let doc = crate::input::Document::from_text(
            "a.html",
            src.to_string(),
            crate::input::Format::Html,
        );
        assert_eq!(doc.byline.as_deref(), Some("Jane Roe"));
        assert_eq!(doc.title.as_deref(), Some("Talks stall"));
        let seg = crate::text::segment(&doc.text);
        let d = seg.story.dateline.expect("dateline");
        let orig = doc.original_span(d);
        assert_eq!(&src[orig.start..orig.end], "WASHINGTON (AP) &mdash; ");
        assert!(seg.in_furniture(doc.text.find("(AP)").unwrap()));
        assert!(!seg.in_furniture(doc.text.find("Officials").unwrap()));
    }
}
