//! Errors in rule packs and configuration, located at the offending value.

use std::fmt;
use std::ops::Range;

use crate::rules::pack::PackSource;

/// A problem in a pack or config file, with where it is and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line, when the problem has a place.
    pub line: Option<usize>,
    /// 1-based column (characters), when the problem has a place.
    pub column: Option<usize>,
    /// The rule the problem is in, when there is one.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The text of the offending line, for a caret display.
    pub source_line: Option<String>,
    /// Width of the underline under the offending value, in characters.
    pub width: usize,
}

/// Where a value sits in a pack file, kept after compilation so that later
/// messages (a failing rule example) can still point at it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// The text of the line.
    pub source_line: String,
    /// Width of the value on that line, in characters.
    pub width: usize,
}

impl Location {
    /// The location of a byte range of a file's text.
    pub fn of(src: &PackSource, span: Range<usize>) -> Location {
        Location::from_error(RuleError::at(src, span, ""))
    }

    fn from_error(e: RuleError) -> Location {
        Location {
            file: e.file,
            line: e.line.unwrap_or(1),
            column: e.column.unwrap_or(1),
            source_line: e.source_line.unwrap_or_default(),
            width: e.width,
        }
    }
}

/// Where each line of a pack's text starts: locating a value is then a binary
/// search, where [`Location::of`] counts the lines before it. A pack locates
/// every rule example at load, and counting made that quadratic in its size
/// (a tenth of start-up for the built-in packs).
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let ends = text.bytes().enumerate().filter(|&(_, b)| b == b'\n');
        Lines(std::iter::once(0).chain(ends.map(|(i, _)| i + 1)).collect())
    }

    /// [`Location::of`], for a span of the text this index was made from.
    pub(crate) fn locate(&self, src: &PackSource, span: Range<usize>) -> Location {
        let start = snap(src, span.start);
        let line = self.0.partition_point(|&s| s <= start).saturating_sub(1);
        Location::from_error(RuleError::placed(src, span, line, ""))
    }
}

/// A span's start, inside the text and on a character boundary: spans come
/// from the TOML parser or from offsets into a value, and a miscount must
/// never panic.
fn snap(src: &PackSource, at: usize) -> usize {
    src.text.floor_char_boundary(at.min(src.text.len()))
}

impl RuleError {
    /// An error at a location kept from an earlier parse.
    pub fn located(loc: &Location, message: impl Into<String>) -> RuleError {
        RuleError {
            file: loc.file.clone(),
            line: Some(loc.line),
            column: Some(loc.column),
            rule: None,
            message: message.into(),
            help: None,
            source_line: Some(loc.source_line.clone()),
            width: loc.width.max(1),
        }
    }

    /// An error about a whole file (no position).
    pub fn file(file: &str, message: impl Into<String>) -> RuleError {
        RuleError {
            file: file.to_string(),
            line: None,
            column: None,
            rule: None,
            message: message.into(),
            help: None,
            source_line: None,
            width: 1,
        }
    }

    /// An error at a byte range of a file's text.
    pub fn at(src: &PackSource, span: Range<usize>, message: impl Into<String>) -> RuleError {
        let start = snap(src, span.start);
        let line = src.text.as_bytes()[..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        RuleError::placed(src, span, line, message)
    }

    /// [`RuleError::at`], with the 0-based number of the line `span` starts on.
    fn placed(
        src: &PackSource,
        span: Range<usize>,
        line: usize,
        message: impl Into<String>,
    ) -> RuleError {
        let mut err = RuleError::file(&src.path, message);
        if span.end > 0 || span.start > 0 {
            let start = snap(src, span.start);
            let line_start = src.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = src.text[start..]
                .find('\n')
                .map_or(src.text.len(), |i| start + i);
            err.line = Some(line + 1);
            err.column = Some(src.text[line_start..start].chars().count() + 1);
            err.source_line = Some(src.text[line_start..line_end].to_string());
            let end = src
                .text
                .floor_char_boundary(span.end.clamp(start, line_end));
            err.width = src.text[start..end].chars().count().max(1);
        }
        err
    }

    /// Attach the rule id.
    pub fn in_rule(mut self, rule: &str) -> RuleError {
        self.rule = Some(rule.to_string());
        self
    }

    /// Attach a help line.
    pub fn help(mut self, help: impl Into<String>) -> RuleError {
        self.help = Some(help.into());
        self
    }

    /// Translate a TOML parse or shape error, suggesting the nearest valid key for
    /// an unknown one.
    pub fn from_toml(src: &PackSource, err: &toml::de::Error) -> RuleError {
        let message = err.message().trim().to_string();
        let mut out = match err.span() {
            Some(span) => RuleError::at(src, span, first_line(&message)),
            None => RuleError::file(&src.path, first_line(&message)),
        };
        if let Some((unknown, expected)) = parse_unknown_field(&message) {
            out.message = format!("unknown key `{unknown}`");
            let nearest = nearest(&unknown, expected.iter().map(String::as_str));
            out.help = Some(match nearest {
                Some(n) => format!(
                    "did you mean `{n}`? valid keys here: {}",
                    expected.join(", ")
                ),
                None => format!("valid keys here: {}", expected.join(", ")),
            });
        } else if message.contains("unknown variant") {
            out.help = Some("check the spelling against the allowed values listed".to_string());
        } else if message.starts_with("invalid type") {
            // Say what serde calls f64 or a sequence in the words of the TOML file.
            out.message = out
                .message
                .replace("expected f64", "expected a number")
                .replace("expected usize", "expected a whole number, 0 or more")
                .replace("expected i64", "expected a whole number")
                .replace("expected a sequence", "expected a list [...]")
                .replace("expected a boolean", "expected true or false");
            out.help = Some(
                "check the value's type: strings are quoted, lists use [ ], numbers are bare"
                    .to_string(),
            );
        } else if out.help.is_none() {
            out.help = Some("fix the TOML at this position".to_string());
        }
        out
    }

    /// The rustc-style multi-line form: header, location, the line, a caret and help.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match &self.rule {
            Some(rule) => out.push_str(&format!("error[{rule}]: {}\n", self.message)),
            None => out.push_str(&format!("error: {}\n", self.message)),
        }
        // As rustc does, the gutter is as wide as the line number.
        let pad = " ".repeat(self.line.map_or(1, |l| l.to_string().len()));
        match (self.line, self.column) {
            (Some(l), Some(c)) => out.push_str(&format!("{pad}--> {}:{l}:{c}\n", self.file)),
            _ => out.push_str(&format!("{pad}--> {}\n", self.file)),
        }
        if let (Some(src), Some(l), Some(c)) = (&self.source_line, self.line, self.column) {
            out.push_str(&format!("{pad} |\n{l} | {src}\n{pad} | "));
            out.push_str(&" ".repeat(c.saturating_sub(1)));
            out.push_str(&"^".repeat(self.width));
            out.push('\n');
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, ": rule `{rule}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleError {}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// Pull the key and the expected keys out of serde's "unknown field" message.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((unknown.to_string(), expected))
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, c)| d <= (c.len().max(word.len()) / 3).max(2))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_nearest_key() {
        assert_eq!(
            nearest("patern", ["pattern", "phrases", "scope"]),
            Some("pattern")
        );
        assert_eq!(nearest("zzzzzz", ["pattern", "phrases"]), None);
    }

    #[test]
    fn locates_line_and_column() {
        let src = PackSource {
            path: "p.toml".into(),
            text: "a = 1\nb = 'x(y'\n".into(),
        };
        let err = RuleError::at(&src, 10..15, "bad");
        assert_eq!((err.line, err.column, err.width), (Some(2), Some(5), 5));
        assert!(err.render().contains("2 | b = 'x(y'"));
    }

    #[test]
    fn the_line_index_locates_as_counting_does() {
        let src = PackSource {
            path: "p.toml".into(),
            text: "\na = 'é'\r\n\n[[rule]]\ntext = \"中文 x\"\nlast".into(),
        };
        let lines = Lines::new(&src.text);
        for start in 0..=src.text.len() + 2 {
            for end in [start, start + 1, start + 4, start + 40] {
                let counted = Location::of(&src, start..end);
                assert_eq!(lines.locate(&src, start..end), counted, "{start}..{end}");
            }
        }
        assert_eq!(lines.locate(&src, 27..31).line, 5);
    }
}
