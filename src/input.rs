//! Input: turn bytes from a file or standard input into a [`Document`].
//!
//! A document keeps its original text untouched, and the text the analysis reads
//! beside it. Plain text and Markdown blank markup out in a copy of the same length
//! (front matter, link targets), so their offsets need no translation. HTML cannot
//! work that way (tags vanish, entities shrink), so its analysis text carries an
//! [`OffsetMap`] back to the page's bytes. Every position a report shows goes
//! through [`Document::original_span`] or [`Document::locate`].

mod html;
pub mod jsonl;
mod offsets;

use std::fmt;
use std::path::{Path, PathBuf};

pub use offsets::{MapBuilder, OffsetMap};

use crate::text::Span;

/// Default largest input accepted, in bytes (16 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// File extensions audited when a directory is given.
pub const ARTICLE_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "xhtml"];

/// The format an article is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain UTF-8 text; a blank line ends a paragraph.
    Text,
    /// Markdown: front matter is skipped, fenced code blocks are ignored.
    Markdown,
    /// An HTML page: only the story's body is read.
    Html,
}

impl Format {
    /// Guess the format from a file name: `.md`/`.markdown` are Markdown,
    /// `.html`/`.htm` HTML, anything else plain text.
    pub fn from_path(path: &Path) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let is = |e: &str| ext.eq_ignore_ascii_case(e);
        if is("md") || is("markdown") {
            Format::Markdown
        } else if is("html") || is("htm") || is("xhtml") {
            Format::Html
        } else {
            Format::Text
        }
    }
}

/// One article ready for analysis.
#[derive(Debug, Clone)]
pub struct Document {
    /// How the article is named in reports: the path as given, or `<stdin>`.
    pub name: String,
    /// The original text, exactly as read.
    pub original: String,
    /// The text the analysis reads. For plain text and Markdown it is the same
    /// length as `original` (markup blanked to spaces); for HTML it is the story's
    /// text alone. Offsets into it become offsets into `original` through
    /// [`Document::original_span`].
    pub text: String,
    /// The format the document was read as.
    pub format: Format,
    /// Title from front matter or page markup, when there is one.
    pub title: Option<String>,
    /// Byline or author from front matter or page markup, when there is one.
    pub byline: Option<String>,
    /// Dateline from page markup, when there is one.
    pub dateline: Option<String>,
    /// Publication date from front matter or page markup, when there is one.
    pub date: Option<String>,
    /// From offsets in `text` to offsets in `original`.
    map: OffsetMap,
    /// Start of each line in `original`, for line and column lookups.
    line_starts: Vec<usize>,
    /// `(byte offset, characters before it)` every [`CHAR_MARK_EVERY`] bytes, so a
    /// column in a very long line is counted from a nearby mark, not the line start.
    char_marks: Vec<(usize, usize)>,
}

/// Spacing of [`Document`]'s character-count marks, in bytes.
const CHAR_MARK_EVERY: usize = 1024;

fn char_marks(text: &str) -> Vec<(usize, usize)> {
    let mut marks = vec![(0, 0)];
    let mut next = CHAR_MARK_EVERY;
    for (chars, (byte, _)) in text.char_indices().enumerate() {
        if byte >= next {
            marks.push((byte, chars));
            next = byte + CHAR_MARK_EVERY;
        }
    }
    marks
}

/// A 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

impl Document {
    /// Build a document from text already known to be valid UTF-8.
    pub fn from_text(name: impl Into<String>, original: String, format: Format) -> Document {
        let mut meta = Meta::default();
        let mut map = OffsetMap::identity();
        let text = match format {
            Format::Text => original.clone(),
            Format::Markdown => {
                let (text, m, md) = markdown_to_text(&original);
                map = m;
                meta = md;
                text
            }
            Format::Html => {
                let x = html::extract(&original);
                map = x.map;
                meta = Meta {
                    title: x.title,
                    byline: x.byline,
                    date: x.date,
                    dateline: x.dateline,
                };
                x.text
            }
        };
        let mut line_starts = vec![0];
        line_starts.extend(original.match_indices('\n').map(|(i, _)| i + 1));
        let char_marks = char_marks(&original);
        Document {
            name: name.into(),
            original,
            text,
            format,
            title: meta.title,
            byline: meta.byline,
            dateline: meta.dateline,
            date: meta.date,
            map,
            line_starts,
            char_marks,
        }
    }

    /// The bytes of `original` that a span of `text` stands for.
    pub fn original_span(&self, span: Span) -> Span {
        self.map.span(span)
    }

    /// The offset in `original` of the byte at `offset` in `text`.
    pub fn original_offset(&self, offset: usize) -> usize {
        self.map.start(offset)
    }

    /// Line and column in the original file of a byte offset into `text`.
    pub fn locate(&self, offset: usize) -> LineCol {
        self.line_col(self.original_offset(offset))
    }

    /// The map from `text` offsets to `original` offsets.
    pub fn offset_map(&self) -> &OffsetMap {
        &self.map
    }

    /// Line and column of a byte offset into the original text (not `text`: use
    /// [`Document::locate`] for those).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.original.len());
        let line = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .chars_before(offset)
            .saturating_sub(self.chars_before(start))
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Characters before a byte offset, counted from the nearest mark.
    fn chars_before(&self, offset: usize) -> usize {
        let i = self
            .char_marks
            .partition_point(|&(b, _)| b <= offset)
            .saturating_sub(1);
        let (byte, chars) = self.char_marks.get(i).copied().unwrap_or((0, 0));
        chars
            + self
                .original
                .get(byte..offset)
                .map_or(offset - byte, |s| s.chars().count())
    }

    /// Byte range of the whole line(s) covering `start..end` in the original.
    pub fn line_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let first = self.line_starts.partition_point(|&s| s <= start) - 1;
        let last = self.line_starts.partition_point(|&s| s <= end.max(start)) - 1;
        let from = self.line_starts[first];
        let to = self
            .line_starts
            .get(last + 1)
            .map_or(self.original.len(), |&s| s.saturating_sub(1));
        from..to.max(from)
    }
}

/// Why an input could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The path does not exist or cannot be opened.
    Io { path: String, message: String },
    /// A directory held no file with an article extension.
    EmptyDirectory { path: String },
    /// The file has no text at all (or only white space).
    Empty { path: String },
    /// The file looks like binary data (it contains NUL bytes).
    Binary { path: String },
    /// The bytes are not UTF-8; `offset` is the first bad byte.
    InvalidUtf8 { path: String, offset: usize },
    /// The file is larger than the configured limit.
    TooLarge { path: String, size: u64, limit: u64 },
}

impl InputError {
    /// The path the error is about.
    pub fn path(&self) -> &str {
        match self {
            InputError::Io { path, .. }
            | InputError::EmptyDirectory { path }
            | InputError::Empty { path }
            | InputError::Binary { path }
            | InputError::InvalidUtf8 { path, .. }
            | InputError::TooLarge { path, .. } => path,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { path, message } => write!(f, "{path}: cannot read: {message}"),
            InputError::EmptyDirectory { path } => write!(
                f,
                "{path}: directory has no articles (looked for .txt, .md, .markdown, .html, .htm and .xhtml files)"
            ),
            InputError::Empty { path } => {
                write!(f, "{path}: file is empty; there is nothing to audit")
            }
            InputError::Binary { path } => write!(
                f,
                "{path}: looks like a binary file (contains NUL bytes); give a plain-text, Markdown or HTML article"
            ),
            InputError::InvalidUtf8 { path, offset } => write!(
                f,
                "{path}: not valid UTF-8 (first bad byte at offset {offset}); re-save the file as UTF-8"
            ),
            InputError::TooLarge { path, size, limit } => write!(
                f,
                "{path}: file is {size} bytes, over the limit of {limit}; raise it with --max-bytes if this is really one article"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Decode raw bytes into a document, checking emptiness, binary data, UTF-8 and size.
pub fn decode(
    name: &str,
    bytes: Vec<u8>,
    format: Format,
    max_bytes: u64,
) -> Result<Document, InputError> {
    let path = name.to_string();
    if bytes.len() as u64 > max_bytes {
        return Err(InputError::TooLarge {
            path,
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    if bytes.contains(&0) {
        return Err(InputError::Binary { path });
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return Err(InputError::InvalidUtf8 {
                path,
                offset: err.utf8_error().valid_up_to(),
            });
        }
    };
    // A byte-order mark is not text: a file holding only one is empty too.
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(InputError::Empty { path });
    }
    // A byte-order mark is not part of the article; blank it so offsets stay true.
    let doc = Document::from_text(name, text, format);
    Ok(strip_bom(doc))
}

fn strip_bom(mut doc: Document) -> Document {
    if doc.text.starts_with('\u{feff}') {
        doc.text.replace_range(0..3, "   ");
    }
    doc
}

/// Read one file from disk, refusing it before reading if it is over the limit.
/// The format follows the file's extension.
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Document, InputError> {
    read_file_as(path, max_bytes, None)
}

/// Read one file from disk as `format`, or by its extension when `None`.
pub fn read_file_as(
    path: &Path,
    max_bytes: u64,
    format: Option<Format>,
) -> Result<Document, InputError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| InputError::Io {
        path: name.clone(),
        message: io_message(&e),
    })?;
    if meta.len() > max_bytes {
        return Err(InputError::TooLarge {
            path: name,
            size: meta.len(),
            limit: max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| InputError::Io {
        path: name.clone(),
        message: io_message(&e),
    })?;
    decode(
        &name,
        bytes,
        format.unwrap_or_else(|| Format::from_path(path)),
        max_bytes,
    )
}

fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}

/// Expand the paths given on the command line into article files, in a stable order.
///
/// Directories are walked recursively for files with an article extension, sorted
/// by path. `-` stands for standard input and is passed through as is.
pub fn expand_paths(paths: &[PathBuf]) -> Vec<Result<PathBuf, InputError>> {
    walk_paths(paths).collect()
}

/// [`expand_paths`] as an iterator, in the same order, that holds only the
/// entries of the directories it is in: a run over millions of files does not
/// keep a list of them all.
pub fn walk_paths(paths: &[PathBuf]) -> Paths {
    // Owned, so that the walk can move to the thread that reads the inputs.
    let args: Vec<PathBuf> = paths.to_vec();
    Paths {
        args: args.into_iter(),
        stack: Vec::new(),
        root: None,
    }
}

/// The iterator of [`walk_paths`].
#[derive(Debug)]
pub struct Paths {
    args: std::vec::IntoIter<PathBuf>,
    /// The directories being walked, outermost first: each one's entries not yet
    /// visited, sorted by name, with whether each is a directory.
    stack: Vec<std::vec::IntoIter<(PathBuf, bool)>>,
    /// The directory named on the command line that is being walked, and
    /// whether it has yielded a file yet.
    root: Option<(PathBuf, bool)>,
}

impl Iterator for Paths {
    type Item = Result<PathBuf, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(entries) = self.stack.last_mut() {
                match entries.next() {
                    // Sorting each directory's entries by name and visiting them
                    // in order yields every file in the order of a sort by path.
                    Some((dir, true)) => self.stack.push(sorted_entries(&dir)),
                    Some((file, false)) => {
                        if let Some(root) = &mut self.root {
                            root.1 = true;
                        }
                        return Some(Ok(file));
                    }
                    None => {
                        self.stack.pop();
                    }
                }
                continue;
            }
            if let Some((root, found)) = self.root.take()
                && !found
            {
                return Some(Err(InputError::EmptyDirectory {
                    path: root.display().to_string(),
                }));
            }
            let path = self.args.next()?;
            if path.as_os_str() == "-" {
                return Some(Ok(path));
            }
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    self.stack.push(sorted_entries(&path));
                    self.root = Some((path, false));
                }
                Ok(_) => return Some(Ok(path)),
                Err(e) => {
                    return Some(Err(InputError::Io {
                        path: path.display().to_string(),
                        message: io_message(&e),
                    }));
                }
            }
        }
    }
}

/// A directory's sub-directories (not hidden) and article files, sorted by name.
fn sorted_entries(dir: &Path) -> std::vec::IntoIter<(PathBuf, bool)> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                // Hidden directories (.git and friends) never hold articles.
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    found.push((path, true));
                }
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ARTICLE_EXTENSIONS.iter().any(|a| e.eq_ignore_ascii_case(a)))
            {
                found.push((path, false));
            }
        }
    }
    found.sort();
    found.into_iter()
}

/// Story metadata read from front matter or page markup.
#[derive(Debug, Clone, Default)]
struct Meta {
    title: Option<String>,
    byline: Option<String>,
    dateline: Option<String>,
    date: Option<String>,
}

/// Front matter at the very top: YAML between `---` lines (closed by `---` or
/// `...`), or TOML between `+++` lines. Returns where the body starts.
fn front_matter(src: &str, meta: &mut Meta) -> usize {
    let body = src.strip_prefix('\u{feff}').unwrap_or(src);
    let bom = src.len() - body.len();
    for (fence, closers, sep) in [
        ("---", &["---", "..."][..], ':'),
        ("+++", &["+++"][..], '='),
    ] {
        let Some(rest) = body.strip_prefix(fence) else {
            continue;
        };
        if !(rest.starts_with('\n') || rest.starts_with("\r\n")) {
            continue;
        }
        // Offset just past the current line; the fence line ends the first one.
        let mut pos = bom + fence.len();
        let mut fields = Vec::new();
        for (n, line) in rest.split_inclusive('\n').enumerate() {
            pos += line.len();
            if n == 0 {
                continue;
            }
            let content = line.trim_end();
            if closers.contains(&content) {
                for (k, v) in fields {
                    set_meta(meta, k, v);
                }
                return pos;
            }
            if let Some((k, v)) = content.split_once(sep)
                && !content.starts_with([' ', '\t', '-', '#'])
            {
                fields.push((k.trim(), v.trim()));
            }
        }
        // Unclosed: not front matter after all.
        return 0;
    }
    0
}

fn set_meta(meta: &mut Meta, key: &str, value: &str) {
    let v = value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|p| p.trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if v.is_empty() {
        return;
    }
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    match key.to_ascii_lowercase().as_str() {
        "title" | "headline" => meta.title = Some(v),
        "author" | "authors" | "byline" => meta.byline = Some(v),
        "date" | "published" | "pubdate" => meta.date = Some(v),
        "dateline" => meta.dateline = Some(v),
        _ => {}
    }
}

/// Marks a Markdown byte as markup to delete. NUL never reaches here from a file
/// (binary input is refused), so it cannot be confused with text.
const MARKUP: u8 = 0;

/// Reduce Markdown to the text a reader sees: front matter, code blocks, heading
/// and list marks, emphasis marks, link targets, images' `!`, reference
/// definitions and inline HTML are deleted (line breaks are kept, so lines and
/// paragraphs stay where they were), with a map back to the original bytes. A
/// list bullet or heading mark becomes a line break instead, so each item and
/// heading is a paragraph.
fn markdown_to_text(src: &str) -> (String, OffsetMap, Meta) {
    let mut out: Vec<u8> = src.as_bytes().to_vec();
    let mut meta = Meta::default();
    let body_start = front_matter(src, &mut meta);
    blank(&mut out, 0, body_start);

    // An open fence: its character and length; it closes on a line of at least as many.
    let mut fence: Option<(u8, usize)> = None;
    // The line breaks that end headings, which become blank lines.
    let mut heading_ends: Vec<usize> = Vec::new();
    let mut prev_blank = true;
    let mut in_indented_code = false;
    let mut in_list = false;
    let mut prev_para = false;
    let mut pos = body_start;
    for line in src[body_start..].split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let content = trimmed.trim_end();
        let tb = content.as_bytes();
        let run = |c: u8| tb.iter().take_while(|&&b| b == c).count();
        if let Some((c, n)) = fence {
            if !tb.is_empty() && tb[0] == c && run(c) >= n && content[run(c)..].trim().is_empty() {
                fence = None;
            }
            blank(&mut out, start, pos);
            continue;
        }
        if indent < 4 && (content.starts_with("```") || content.starts_with("~~~")) {
            let c = tb[0];
            fence = Some((c, run(c)));
            blank(&mut out, start, pos);
            prev_blank = false;
            continue;
        }
        if content.is_empty() {
            prev_blank = true;
            prev_para = false;
            continue;
        }
        // Indented code: four spaces or a tab after a blank line, outside lists.
        let indented = line.starts_with('\t') || line.starts_with("    ");
        if indented && !in_list && (prev_blank || in_indented_code) && !prev_para {
            in_indented_code = true;
            blank(&mut out, start, pos);
            prev_blank = false;
            continue;
        }
        in_indented_code = false;
        prev_blank = false;
        // Thematic breaks and setext underlines.
        let marks: String = content.chars().filter(|c| !c.is_whitespace()).collect();
        if marks.len() >= 3
            && ["-", "*", "_", "="]
                .iter()
                .any(|m| marks.chars().all(|c| c.to_string() == *m))
        {
            blank(&mut out, start, pos);
            prev_para = false;
            continue;
        }
        // Reference definitions: `[id]: http://...`.
        if content.starts_with('[')
            && let Some(close) = content.find("]:")
            && !content[1..close].contains('[')
        {
            blank(&mut out, start, pos);
            continue;
        }
        // Leading block markers: block quotes, then a heading or list mark.
        let lb = line.as_bytes();
        let mut i = indent;
        while i < lb.len() && (lb[i] == b'>' || lb[i] == b' ') {
            i += 1;
        }
        blank(&mut out, start + indent, start + i);
        let rest = &lb[i..];
        let hashes = rest.iter().take_while(|&&b| b == b'#').count();
        let mut m = 0;
        let mut item = false;
        if (1..=6).contains(&hashes) && rest.get(hashes).is_none_or(|b| b.is_ascii_whitespace()) {
            m = hashes;
            // Closing hashes of `## Heading ##`.
            let end = start + line.trim_end().len();
            let tail = line
                .trim_end()
                .bytes()
                .rev()
                .take_while(|&b| b == b'#')
                .count();
            if tail > 0 && end - tail > start + i + m {
                blank(&mut out, end - tail, end);
            }
            // A heading ends its paragraph even when text follows on the next line.
            if line.ends_with('\n') {
                heading_ends.push(pos - 1);
            }
            item = true;
        } else if rest.len() > 1 && matches!(rest[0], b'-' | b'*' | b'+') && rest[1] == b' ' {
            m = 1;
            item = true;
            in_list = true;
        } else {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if (1..=9).contains(&digits)
                && matches!(rest.get(digits), Some(b'.' | b')'))
                && rest.get(digits + 1).is_some_and(|b| *b == b' ')
            {
                m = digits + 1;
                item = true;
                in_list = true;
            }
        }
        if !item && indent == 0 && i == 0 {
            in_list = false;
        }
        blank(&mut out, start + i, start + i + m);
        // A heading or list item starts its own paragraph: its mark becomes a
        // line break, which with the previous line's makes a blank line.
        if item && start > body_start && m > 0 {
            out[start + i] = b'\n';
        }
        prev_para = !item;
        inline(line, start, i + m, &mut out);
    }
    // Keep what is not markup. Only ASCII bytes were changed, so every kept run
    // is whole characters; a run that is not valid UTF-8 is skipped, not a panic.
    let mut b = MapBuilder::new();
    let mut i = 0;
    while i < out.len() {
        if out[i] == MARKUP {
            i += 1;
            continue;
        }
        if heading_ends.binary_search(&i).is_ok() {
            b.atomic("\n\n", Span::new(i, i + 1));
            i += 1;
            continue;
        }
        if out[i] != src.as_bytes()[i] {
            // A mark turned into a line break or a space.
            b.atomic(
                if out[i] == b'\n' { "\n" } else { " " },
                Span::new(i, i + 1),
            );
            i += 1;
            continue;
        }
        let mut j = i;
        while j < out.len()
            && out[j] != MARKUP
            && out[j] == src.as_bytes()[j]
            && heading_ends.binary_search(&j).is_err()
        {
            j += 1;
        }
        if let Some(run) = src.get(i..j) {
            b.verbatim(run, i);
        }
        i = j;
    }
    let (text, map) = b.finish();
    (text, map, meta)
}

/// Blank inline Markdown in one line from `from`: emphasis, code and strike
/// marks, escapes, link and image brackets and targets, and inline HTML.
fn inline(line: &str, start: usize, from: usize, out: &mut [u8]) {
    let bytes = line.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                out[start + i] = MARKUP;
                i += 1;
            }
            b'*' | b'`' => out[start + i] = MARKUP,
            b'~' if bytes.get(i + 1) == Some(&b'~') => {
                blank(out, start + i, start + i + 2);
                i += 1;
            }
            b'_' => {
                let word_inside = i > 0
                    && i + 1 < bytes.len()
                    && bytes[i - 1].is_ascii_alphanumeric()
                    && bytes[i + 1].is_ascii_alphanumeric();
                if !word_inside {
                    out[start + i] = MARKUP;
                }
            }
            b'!' if bytes.get(i + 1) == Some(&b'[') => out[start + i] = MARKUP,
            b'[' => {
                out[start + i] = MARKUP;
                depth += 1;
            }
            b']' if depth > 0 => {
                depth -= 1;
                out[start + i] = MARKUP;
                let target = match bytes.get(i + 1) {
                    Some(b'(') => matching(bytes, i + 1, b'(', b')'),
                    Some(b'[') => matching(bytes, i + 1, b'[', b']'),
                    _ => None,
                };
                if let Some(end) = target {
                    blank(out, start + i, start + end + 1);
                    i = end;
                }
            }
            b'<' if bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!')) =>
            {
                if let Some(end) = line[i..].find('>') {
                    // A tag between words still separates them.
                    blank(out, start + i, start + i + end + 1);
                    out[start + i] = b' ';
                    i += end;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Index of the bracket closing the one at `open`, counting nesting.
fn matching(bytes: &[u8], open: usize, o: u8, c: u8) -> Option<usize> {
    let mut depth = 0;
    for (k, &b) in bytes.iter().enumerate().skip(open) {
        if b == o {
            depth += 1;
        } else if b == c {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

fn blank(out: &mut [u8], from: usize, to: usize) {
    let to = to.min(out.len());
    for b in &mut out[from.min(to)..to] {
        if *b != b'\n' && b.is_ascii() {
            *b = MARKUP;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streaming walk yields what a full listing sorted by path would, with
    /// errors in the places of the arguments they are about.
    #[test]
    fn walk_yields_files_in_path_order_without_listing_them_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            "a.txt",
            "a-b.txt",
            "a/x.txt",
            "a/b/deep.md",
            "a/b.html",
            "B.txt",
            "z/y/w.txt",
            ".hidden/skipped.txt",
            "a/notes.pdf",
        ];
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "Officials said so.").unwrap();
        }
        std::fs::create_dir_all(root.join("empty/inner")).unwrap();
        // The reference: every article file under `root`, sorted by path.
        fn all(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().to_string();
                if p.is_dir() {
                    if !name.starts_with('.') {
                        all(&p, out);
                    }
                } else if ["txt", "md", "html"].iter().any(|x| name.ends_with(x)) {
                    out.push(p);
                }
            }
        }
        let mut expected = Vec::new();
        all(root, &mut expected);
        expected.sort();
        assert_eq!(expected.len(), 7);
        let args = [
            root.join("a/x.txt"),
            root.to_path_buf(),
            root.join("empty"),
            root.join("missing.txt"),
            PathBuf::from("-"),
        ];
        let got: Vec<_> = walk_paths(&args).collect();
        assert_eq!(got.len(), 1 + 7 + 1 + 1 + 1);
        assert_eq!(got[0].as_ref().unwrap(), &root.join("a/x.txt"));
        let walked: Vec<PathBuf> = got[1..8].iter().map(|r| r.clone().unwrap()).collect();
        assert_eq!(walked, expected);
        assert!(matches!(got[8], Err(InputError::EmptyDirectory { .. })));
        assert!(matches!(got[9], Err(InputError::Io { .. })));
        assert_eq!(got[10].as_ref().unwrap(), &PathBuf::from("-"));
    }

    #[test]
    fn line_col_counts_characters() {
        let doc = Document::from_text("t", "ab\n“cd” ef\n".to_string(), Format::Text);
        assert_eq!(doc.line_col(0), LineCol { line: 1, column: 1 });
        let e = doc.original.find('e').unwrap();
        assert_eq!(doc.line_col(e), LineCol { line: 2, column: 6 });
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            decode("x", vec![], Format::Text, 100),
            Err(InputError::Empty { .. })
        ));
        assert!(matches!(
            decode("x", "\u{feff}\n \n".into(), Format::Text, 100),
            Err(InputError::Empty { .. })
        ));
        assert!(matches!(
            decode("x", vec![b'a', 0, b'b'], Format::Text, 100),
            Err(InputError::Binary { .. })
        ));
        assert!(matches!(
            decode("x", vec![b'a', 0xff, b'b'], Format::Text, 100),
            Err(InputError::InvalidUtf8 { offset: 1, .. })
        ));
        assert!(matches!(
            decode("x", vec![b'a'; 10], Format::Text, 5),
            Err(InputError::TooLarge { .. })
        ));
    }

    #[test]
    fn markdown_keeps_offsets_and_reads_front_matter() {
        let src = "---\ntitle: \"Talks\"\nauthor: Jane Roe\ndate: 2022-03-01\n---\n# Head\n\nOfficials **said** so, per [the memo](http://x).\n```\ncode said\n```\n";
        let doc = Document::from_text("a.md", src.to_string(), Format::Markdown);
        assert_eq!(doc.title.as_deref(), Some("Talks"));
        assert_eq!(doc.byline.as_deref(), Some("Jane Roe"));
        assert_eq!(doc.date.as_deref(), Some("2022-03-01"));
        assert!(!doc.text.contains("title"));
        assert!(!doc.text.contains("http"));
        assert!(!doc.text.contains("code said"));
        assert!(doc.text.contains("Officials said so, per the memo."));
        let at = doc.text.find("said").unwrap();
        let span = doc.original_span(Span::new(at, at + 4));
        assert_eq!(&src[span.start..span.end], "said");
        let at = doc.text.find("the memo.").unwrap();
        let span = doc.original_span(Span::new(at, at + "the memo.".len()));
        assert_eq!(&src[span.start..span.end], "the memo](http://x).");
        assert_eq!(doc.locate(at).line, 8);
    }

    fn md(src: &str) -> Document {
        Document::from_text("a.md", src.to_string(), Format::Markdown)
    }

    #[test]
    fn markdown_front_matter_variants() {
        let toml = md(
            "+++\ntitle = \"Talks stall\"\nauthors = [\"Jane Roe\", \"John Doe\"]\ndate = 2022-03-01\n+++\nBody.",
        );
        assert_eq!(toml.title.as_deref(), Some("Talks stall"));
        assert_eq!(toml.byline.as_deref(), Some("Jane Roe, John Doe"));
        assert_eq!(toml.text.trim(), "Body.");
        let crlf = md("---\r\ntitle: Talks\r\n...\r\nBody.");
        assert_eq!(crlf.title.as_deref(), Some("Talks"));
        assert_eq!(crlf.text.trim(), "Body.");
        // An unclosed fence is a thematic break, not front matter.
        let open = md("---\ntitle: Talks\n\nBody.");
        assert_eq!(open.title, None);
        assert!(open.text.contains("title: Talks"));
    }

    #[test]
    fn markdown_blocks_and_inlines() {
        let doc = md(
            "Head\n====\n\n> Officials *said* so.\n\n    indented code said\n\n- one item\n- two `items`\n1. first\n\n~~~~\n```\nstill code\n~~~~\n\nAfter \\*literal\\* ![a chart](c.png) <br>and [ref][1] ~~gone~~.\n\n[1]: http://example.com\n\n***\n",
        );
        let t = &doc.text;
        for gone in [
            "====",
            "code said",
            "still code",
            "example.com",
            "***",
            "`",
            "~~",
            "(c.png)",
        ] {
            assert!(!t.contains(gone), "{gone:?} in {t:?}");
        }
        assert!(t.contains("Officials said so."), "{t:?}");
        assert!(t.contains("*literal*"), "{t:?}");
        assert!(t.contains("a chart  and ref gone."), "{t:?}");
        // Each list item is a paragraph of its own.
        let seg = crate::text::segment(t);
        let paras: Vec<&str> = seg.paragraphs.iter().map(|p| &t[p.start..p.end]).collect();
        assert!(paras.contains(&"one item"), "{paras:?}");
        assert!(paras.contains(&"two items"), "{paras:?}");
        assert!(paras.contains(&"first"), "{paras:?}");
        // A heading is a paragraph even with text right under it.
        let doc = md("Intro.\n## Officials said\nThe talks stalled.\n");
        let seg = crate::text::segment(&doc.text);
        let paras: Vec<&str> = seg
            .paragraphs
            .iter()
            .map(|p| &doc.text[p.start..p.end])
            .collect();
        assert_eq!(paras, ["Intro.", "Officials said", "The talks stalled."]);
    }
}
