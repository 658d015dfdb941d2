//! Report: one [`AuditReport`] value per article, and renderers that only read it.
//!
//! The report holds everything a renderer needs, including the original text for
//! excerpts, so no renderer reaches back into earlier stages.

pub mod github;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod stream;
pub mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::input::{Document, LineCol};
use crate::ledger::Ledger;
use crate::rules::{Finding, RuleSet, Severity, SourceKind};
use crate::score::Score;
use crate::text::{Span, Story};

/// Version tag of one article's report in JSON.
pub const REPORT_SCHEMA: &str = "sourcing/report/v1";
/// Version tag of a whole run's JSON output.
pub const AUDIT_SCHEMA: &str = "sourcing/audit/v1";

/// One finding as reported: where it is and why it matters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReport {
    /// Rule id.
    pub rule: String,
    /// Category.
    pub category: String,
    /// note, warning or error.
    pub severity: Severity,
    /// What was found.
    pub message: String,
    /// What to do.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub advice: String,
    /// Byte offsets of the match in the original file.
    pub span: Option<Span>,
    /// Byte offsets of the sentence in the original file.
    pub sentence: Option<Span>,
    /// Line and column where the match starts.
    #[serde(flatten)]
    pub start: Option<LineCol>,
    /// The matched words, white space folded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// The sentence, white space folded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// The ledger source this finding credits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Signed points this finding moved the score, before category caps.
    pub points: f64,
}

/// One ledger entry as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceReport {
    /// Name or description.
    pub name: String,
    /// Kind of source.
    pub kind: SourceKind,
    /// Descriptor, if captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<String>,
    /// Findings citing it.
    pub mentions: usize,
    /// Distinct sentences citing it.
    pub sentences: usize,
    /// Direct quotations attributed to it.
    pub quotes: usize,
    /// Where it is first cited.
    pub first: LineCol,
}

/// The audit of one article.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Always [`REPORT_SCHEMA`].
    pub schema: &'static str,
    /// The article's name as the user gave it.
    pub file: String,
    /// Title, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Byline, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    /// Dateline ("WASHINGTON (AP) —"), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dateline: Option<String>,
    /// Publication date or time stamp, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Score, grade and breakdown.
    pub score: Score,
    /// Number of findings per category.
    pub counts: BTreeMap<String, usize>,
    /// Findings in document order; document-level findings without a place last.
    pub findings: Vec<FindingReport>,
    /// Sources, in order of first citation.
    pub ledger: Vec<SourceReport>,
    /// The original text, for renderers that show excerpts.
    #[serde(skip)]
    pub text: Arc<str>,
}

fn fold(s: &str) -> String {
    if is_folded(s.as_bytes()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `fold` would leave `b` as it is: single ASCII spaces between words
/// and no other white space (`char::is_whitespace`). Checked by byte, since
/// nearly every sentence of news is like that and decoding each character (as
/// `split_whitespace` does) costs more than the copy. A UTF-8 continuation byte
/// never equals a lead byte, so the multi-byte spaces are found by their bytes.
fn is_folded(b: &[u8]) -> bool {
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut after_space = false;
    for (i, &c) in b.iter().enumerate() {
        let space = match c {
            b' ' if after_space => return false,
            b' ' => true,
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => return false,
            // U+0085, U+00A0
            0xC2 if matches!(at(i + 1), 0x85 | 0xA0) => return false,
            // U+1680
            0xE1 if at(i + 1) == 0x9A && at(i + 2) == 0x80 => return false,
            // U+2000..=U+200A, U+2028, U+2029, U+202F; U+205F
            0xE2 if at(i + 1) == 0x80 && matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => {
                return false;
            }
            0xE2 if at(i + 1) == 0x81 && at(i + 2) == 0x9F => return false,
            // U+3000
            0xE3 if at(i + 1) == 0x80 && at(i + 2) == 0x80 => return false,
            _ => false,
        };
        after_space = space;
    }
    true
}

/// Longest excerpt shown whole, in bytes. A "sentence" longer than this is not
/// prose (a megabyte line with no full stop) and copying it into every finding
/// would make the report quadratic in the input.
pub const EXCERPT_LIMIT: usize = 2000;
/// Bytes of context kept on each side of the match when an excerpt is cut.
const EXCERPT_CONTEXT: usize = 240;

/// `text[outer]` with white space folded; when `outer` is longer than
/// [`EXCERPT_LIMIT`], only the part around `inner`, with `…` where it was cut.
pub fn excerpt(text: &str, outer: Span, inner: Span) -> Option<String> {
    if outer.len() <= EXCERPT_LIMIT {
        return text.get(outer.start..outer.end).map(fold);
    }
    let from =
        text.floor_char_boundary(inner.start.saturating_sub(EXCERPT_CONTEXT).max(outer.start));
    let to = inner
        .end
        .min(inner.start.saturating_add(EXCERPT_LIMIT))
        .saturating_add(EXCERPT_CONTEXT)
        .min(outer.end);
    let to = text.ceil_char_boundary(to.max(from));
    let mut out = String::new();
    if from > outer.start {
        out.push('…');
    }
    out.push_str(&fold(text.get(from..to)?));
    if to < outer.end {
        out.push('…');
    }
    Some(out)
}

impl AuditReport {
    /// Assemble a report from the pipeline's results.
    ///
    /// Findings carry spans into the analysis text; the report turns them into
    /// spans, lines and columns of the original file, and quotes the words from the
    /// analysis text (so an HTML page's excerpt has no tags in it).
    pub fn new(doc: &Document, findings: &[Finding], ledger: &Ledger, score: Score) -> AuditReport {
        AuditReport::from_parts(doc, findings.to_vec(), ledger.clone(), score)
    }

    /// [`AuditReport::new`] from findings and a ledger the caller is done
    /// with: their strings move into the report instead of being copied
    /// (five or six per finding, for every article of an archive).
    ///
    /// As for `new`, `ledger.credited` goes finding by finding with
    /// `findings` (a finding past its end credits no source), and
    /// `score.finding_points` likewise (no points past its end).
    pub fn from_parts(
        doc: &Document,
        findings: Vec<Finding>,
        ledger: Ledger,
        score: Score,
    ) -> AuditReport {
        let text = &doc.original;
        let slice = |s: Span| doc.text.get(s.start..s.end).map(fold);
        let orig = |s: Span| doc.original_span(s);
        let mut out: Vec<FindingReport> = findings
            .into_iter()
            .enumerate()
            .map(|(i, f)| FindingReport {
                rule: f.rule,
                category: f.category,
                severity: f.severity,
                message: f.message,
                advice: f.advice,
                span: f.span.map(orig),
                sentence: f.sentence.map(orig),
                start: f.span.map(|s| doc.line_col(orig(s).start)),
                matched: f.span.and_then(slice),
                excerpt: f
                    .sentence
                    .and_then(|s| excerpt(&doc.text, s, f.span.unwrap_or(s))),
                source: ledger
                    .credited
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|e| ledger.entries[e].name.clone()),
                points: score.finding_points.get(i).copied().unwrap_or(0.0),
            })
            .collect();
        out.sort_by(|a, b| {
            let key = |f: &FindingReport| f.span.map_or(usize::MAX, |s| s.start);
            key(a).cmp(&key(b))
        });
        let mut counts = BTreeMap::new();
        for f in &out {
            *counts.entry(f.category.clone()).or_insert(0) += 1;
        }
        AuditReport {
            schema: REPORT_SCHEMA,
            file: doc.name.clone(),
            title: doc.title.clone(),
            byline: doc.byline.clone(),
            dateline: doc.dateline.clone(),
            date: doc.date.clone(),
            score,
            counts,
            findings: out,
            ledger: ledger
                .entries
                .into_iter()
                .map(|e| SourceReport {
                    name: e.name,
                    kind: e.kind,
                    descriptor: e.descriptor,
                    mentions: e.mentions,
                    sentences: e.sentences,
                    quotes: e.quotes,
                    first: doc.locate(e.first),
                })
                .collect(),
            text: Arc::from(text.as_str()),
        }
    }

    /// Fill the document summary from the story furniture found in the text, where
    /// front matter or page markup did not already give it.
    pub fn with_story(mut self, doc: &Document, story: &Story) -> AuditReport {
        let words = |s: Option<Span>| {
            s.and_then(|s| doc.text.get(s.start..s.end))
                .map(fold)
                .filter(|w| !w.is_empty())
        };
        if self.title.is_none() {
            self.title = words(story.headline);
        }
        if self.byline.is_none() {
            self.byline = words(story.byline).map(|b| {
                let rest = b.strip_prefix("By ").or_else(|| b.strip_prefix("BY "));
                rest.unwrap_or(&b).to_string()
            });
        }
        if self.dateline.is_none() {
            self.dateline = words(story.dateline);
        }
        if self.date.is_none() {
            self.date = words(story.timestamp);
        }
        self
    }

    /// The most severe finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The finding an editor should look at first: the most severe, then the one
    /// that cost the most points, then the earliest.
    pub fn worst_finding(&self) -> Option<&FindingReport> {
        // `min_by` keeps the first of equals, so ties go to the earliest finding.
        self.findings.iter().min_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.points.total_cmp(&b.points))
        })
    }

    /// Line and column of a byte offset into [`AuditReport::text`]: 1-based, the
    /// column counted in Unicode scalar values like [`FindingReport::start`].
    /// Offsets inside a character or past the end are clamped.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let text: &str = &self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        LineCol {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// Where a finding's match ends: the line and column of its last character
    /// (inclusive), as SARIF's `endColumn` minus one and GitHub's `endColumn` expect.
    pub fn end_line_col(&self, span: Span) -> LineCol {
        let text: &str = &self.text;
        let end = span.end.min(text.len());
        let last = text[..end]
            .char_indices()
            .next_back()
            .map_or(end, |(i, _)| i.max(span.start));
        self.line_col(last)
    }
}

/// What a renderer may say about a rule, independently of any one article: the
/// SARIF renderer lists these as `tool.driver.rules`. Built from the loaded
/// [`RuleSet`] by the caller and passed to renderers explicitly, so no renderer
/// reaches back into the rule engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleInfo {
    /// Rule id, as in [`FindingReport::rule`].
    pub id: String,
    /// Short human name.
    pub name: String,
    /// The pack the rule comes from.
    pub pack: String,
    /// Category of its findings.
    pub category: String,
    /// Default severity (after any user override).
    pub severity: Severity,
    /// Why the rule exists: the newsroom basis.
    pub why: String,
    /// What the editor should do about a finding.
    pub advice: String,
    /// Citations for the basis.
    pub references: Vec<String>,
}

impl RuleInfo {
    /// Every rule of a rule set, pattern rules then document rules, in load order.
    pub fn catalog(rules: &RuleSet) -> Vec<RuleInfo> {
        // Pattern and document rules are different types with the same metadata
        // fields; one macro keeps the two conversions from drifting apart.
        macro_rules! info {
            ($r:expr) => {
                RuleInfo {
                    id: $r.id.clone(),
                    name: $r.name.clone(),
                    pack: $r.pack.clone(),
                    category: $r.category.clone(),
                    severity: $r.severity,
                    why: $r.why.trim().to_string(),
                    advice: $r.advice.clone(),
                    references: $r.references.clone(),
                }
            };
        }
        let pattern = rules.rules.iter().map(|r| info!(r));
        let document = rules.document_rules.iter().map(|r| info!(r));
        pattern.chain(document).collect()
    }
}

/// A short, stable label for a category, used where colour alone must not carry
/// the meaning (HTML badges, summary table headings). Categories a custom pack
/// invents get their own name.
pub fn category_tag(category: &str) -> &str {
    match category {
        "anonymous-source" => "anon",
        "anonymity-reason" => "reason",
        "declined-comment" => "declined",
        "state-media" => "state",
        "vague-attribution" => "vague",
        "named-source" => "named",
        "document-source" => "doc",
        "unverified-claim" => "unverified",
        "other-outlet" => "outlet",
        "social-media" => "social",
        "policy" => "policy",
        other => other,
    }
}

/// The kind of a ledger source as written in reports (`named-person`, …).
pub fn kind_name(kind: SourceKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// An input that could not be audited, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFailure {
    /// The path as given.
    pub file: String,
    /// What went wrong and what to do.
    pub message: String,
}

/// Totals over a run of several articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Inputs named (articles found plus inputs that failed).
    pub files: usize,
    /// Articles audited.
    pub audited: usize,
    /// Inputs that could not be read.
    pub failed: usize,
    /// Mean score of audited articles, one decimal.
    pub mean_score: Option<f64>,
    /// Lowest score.
    pub min_score: Option<u8>,
    /// Findings per category over all articles.
    pub counts: BTreeMap<String, usize>,
}

impl Summary {
    /// Total the reports of a run.
    pub fn of(reports: &[AuditReport], failures: &[InputFailure]) -> Summary {
        let mut counts = BTreeMap::new();
        for r in reports {
            for (c, n) in &r.counts {
                *counts.entry(c.clone()).or_insert(0) += n;
            }
        }
        let sum: f64 = reports.iter().map(|r| f64::from(r.score.value)).sum();
        Summary {
            files: reports.len() + failures.len(),
            audited: reports.len(),
            failed: failures.len(),
            mean_score: (!reports.is_empty())
                .then(|| (sum / reports.len() as f64 * 10.0).round() / 10.0),
            min_score: reports.iter().map(|r| r.score.value).min(),
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_is_split_whitespace_joined() {
        for t in [
            "",
            " ",
            "a",
            "a b",
            " a b",
            "a b ",
            "a  b",
            "a\tb",
            "a\nb",
            "a\x0bb",
            "a\x0cb",
            "a\rb",
            "a\u{85}b",
            "a\u{a0}b",
            "caf\u{e9} au lait",
            "a \u{2009}b",
            "  \n ",
            "a\x1cb",
            "“It is over,” said José — a \u{3000}spokesman’s aide\u{2028}",
            "\u{a0}“a”\u{85}",
        ] {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(fold(t), want, "{t:?}");
        }
    }

    proptest::proptest! {
        /// Every white space character Unicode has, beside the curly quotes and
        /// dashes that share their lead bytes.
        #[test]
        fn fold_equals_split_whitespace_joined(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "said", " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\u{85}", "\u{a0}",
                "\u{1680}", "\u{2000}", "\u{2005}", "\u{200a}", "\u{200b}", "\u{2013}", "\u{2014}",
                "\u{2019}", "\u{201c}", "\u{201d}", "\u{2026}", "\u{2028}", "\u{2029}",
                "\u{202f}", "\u{205f}", "\u{3000}", "\u{3001}", "é", "\u{c0}", "\u{1681}",
            ]), 0..12)
        ) {
            let t = parts.concat();
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(fold(&t), want, "{:?}", t);
        }
    }
}
