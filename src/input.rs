//! Input: turn bytes from a file or standard input into a [`Document`].
//!
//! A document keeps its original text untouched, so every byte offset the later
//! stages produce is an offset into the file the user gave us. Formats that need
//! markup removed (Markdown front matter, for example) blank it out in a copy of
//! the text of the same length instead of deleting it, which keeps offsets exact
//! without an offset map.

use std::fmt;
use std::path::{Path, PathBuf};

/// Default largest input accepted, in bytes (16 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// File extensions audited when a directory is given.
pub const ARTICLE_EXTENSIONS: &[&str] = &["txt", "md", "markdown"];

/// The format an article is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain UTF-8 text; a blank line ends a paragraph.
    Text,
    /// Markdown: front matter is skipped, fenced code blocks are ignored.
    Markdown,
}

impl Format {
    /// Guess the format from a file name.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown") => {
                Format::Markdown
            }
            _ => Format::Text,
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
    /// The text the analysis reads: same length as `original`, with markup and
    /// front matter blanked to spaces so offsets need no translation.
    pub text: String,
    /// Title taken from front matter, when there is one.
    pub title: Option<String>,
    /// Byline or author taken from front matter, when there is one.
    pub byline: Option<String>,
    /// Start of each line in `original`, for line and column lookups.
    line_starts: Vec<usize>,
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
        let (text, title, byline) = match format {
            Format::Text => (original.clone(), None, None),
            Format::Markdown => markdown_to_text(&original),
        };
        let mut line_starts = vec![0];
        line_starts.extend(original.match_indices('\n').map(|(i, _)| i + 1));
        Document {
            name: name.into(),
            original,
            text,
            title,
            byline,
            line_starts,
        }
    }

    /// Line and column of a byte offset into the original text.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.original.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .original
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
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
                "{path}: directory has no articles (looked for .txt, .md and .markdown files)"
            ),
            InputError::Empty { path } => {
                write!(f, "{path}: file is empty; there is nothing to audit")
            }
            InputError::Binary { path } => write!(
                f,
                "{path}: looks like a binary file (contains NUL bytes); give a plain-text or Markdown article"
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
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Document, InputError> {
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
    decode(&name, bytes, Format::from_path(path), max_bytes)
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
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Ok(path.clone()));
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found);
                found.sort();
                if found.is_empty() {
                    out.push(Err(InputError::EmptyDirectory {
                        path: path.display().to_string(),
                    }));
                }
                out.extend(found.into_iter().map(Ok));
            }
            Ok(_) => out.push(Ok(path.clone())),
            Err(e) => out.push(Err(InputError::Io {
                path: path.display().to_string(),
                message: io_message(&e),
            })),
        }
    }
    out
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            // Hidden directories (.git and friends) never hold articles.
            if !entry.file_name().to_string_lossy().starts_with('.') {
                walk(&path, found);
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ARTICLE_EXTENSIONS.iter().any(|a| e.eq_ignore_ascii_case(a)))
        {
            found.push(path);
        }
    }
}

/// Reduce Markdown to text of the same byte length: front matter, fenced code,
/// heading marks, emphasis marks and link targets become spaces.
fn markdown_to_text(src: &str) -> (String, Option<String>, Option<String>) {
    let mut out: Vec<u8> = src.as_bytes().to_vec();
    let mut title = None;
    let mut byline = None;
    let mut body_start = 0;

    // Front matter: YAML between --- lines, or TOML between +++ lines, at the very top.
    for fence in ["---", "+++"] {
        if let Some(rest) = src.strip_prefix(fence)
            && rest.starts_with('\n')
            && let Some(end) = rest[1..]
                .match_indices(&format!("\n{fence}"))
                .map(|(i, _)| i)
                .next()
        {
            let fm_end = fence.len() + 1 + end + 1 + fence.len();
            let inner = &rest[1..1 + end];
            for line in inner.lines() {
                let sep = if fence == "---" { ':' } else { '=' };
                if let Some((k, v)) = line.split_once(sep) {
                    let v = v.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
                    match k.trim() {
                        "title" => title = Some(v),
                        "author" | "byline" => byline = Some(v),
                        _ => {}
                    }
                }
            }
            blank(&mut out, 0, fm_end.min(src.len()));
            body_start = fm_end.min(src.len());
            break;
        }
    }

    let mut in_code = false;
    let mut pos = body_start;
    for line in src[body_start..].split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            blank(&mut out, start, pos);
            continue;
        }
        if in_code {
            blank(&mut out, start, pos);
            continue;
        }
        // Leading block markers: headings, block quotes, list bullets.
        let marker_len = trimmed
            .bytes()
            .take_while(|b| matches!(b, b'#' | b'>' | b' '))
            .count();
        let mut m = marker_len;
        if m == 0 {
            let t = trimmed.as_bytes();
            if t.len() > 1 && matches!(t[0], b'-' | b'*' | b'+') && t[1] == b' ' {
                m = 2;
            }
        }
        blank(&mut out, start + indent, start + indent + m);
        // Inline: emphasis marks, backticks, and link targets `](...)`.
        let bytes = line.as_bytes();
        let mut i = indent + m;
        while i < bytes.len() {
            match bytes[i] {
                b'*' | b'_' | b'`' => {
                    let word_inside = i > 0
                        && i + 1 < bytes.len()
                        && bytes[i - 1].is_ascii_alphanumeric()
                        && bytes[i + 1].is_ascii_alphanumeric();
                    if !(bytes[i] == b'_' && word_inside) {
                        out[start + i] = b' ';
                    }
                }
                b'[' => out[start + i] = b' ',
                b']' if bytes.get(i + 1) == Some(&b'(') => {
                    if let Some(close) = line[i..].find(')') {
                        blank(&mut out, start + i, start + i + close + 1);
                        i += close;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by ASCII spaces, so this cannot fail; fall
    // back to the original rather than panic if that ever changes.
    let text = String::from_utf8(out).unwrap_or_else(|_| src.to_string());
    (text, title, byline)
}

fn blank(out: &mut [u8], from: usize, to: usize) {
    let to = to.min(out.len());
    for b in &mut out[from.min(to)..to] {
        if *b != b'\n' && b.is_ascii() {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let src = "---\ntitle: \"Talks\"\nauthor: Jane Roe\n---\n# Head\n\nOfficials **said** so, per [the memo](http://x).\n```\ncode said\n```\n";
        let doc = Document::from_text("a.md", src.to_string(), Format::Markdown);
        assert_eq!(doc.text.len(), src.len());
        assert_eq!(doc.title.as_deref(), Some("Talks"));
        assert_eq!(doc.byline.as_deref(), Some("Jane Roe"));
        assert!(!doc.text.contains("title"));
        assert!(!doc.text.contains("http"));
        assert!(!doc.text.contains("code said"));
        let at = doc.text.find("said").unwrap();
        assert_eq!(&src[at..at + 4], "said");
    }
}
