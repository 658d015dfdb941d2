//! Report: one [`AuditReport`] value per article, and renderers that only read it.
//!
//! The report holds everything a renderer needs, including the original text for
//! excerpts, so no renderer reaches back into earlier stages.

pub mod json;
pub mod stream;
pub mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::input::{Document, LineCol};
use crate::ledger::Ledger;
use crate::rules::{Finding, Severity, SourceKind};
use crate::score::Score;
use crate::text::Span;

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
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl AuditReport {
    /// Assemble a report from the pipeline's results.
    pub fn new(doc: &Document, findings: &[Finding], ledger: &Ledger, score: Score) -> AuditReport {
        let text = &doc.original;
        let slice = |s: Span| text.get(s.start..s.end).map(fold);
        let mut out: Vec<FindingReport> = findings
            .iter()
            .enumerate()
            .map(|(i, f)| FindingReport {
                rule: f.rule.clone(),
                category: f.category.clone(),
                severity: f.severity,
                message: f.message.clone(),
                advice: f.advice.clone(),
                span: f.span,
                sentence: f.sentence,
                start: f.span.map(|s| doc.line_col(s.start)),
                matched: f.span.and_then(slice),
                excerpt: f.sentence.and_then(slice),
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
            score,
            counts,
            findings: out,
            ledger: ledger
                .entries
                .iter()
                .map(|e| SourceReport {
                    name: e.name.clone(),
                    kind: e.kind,
                    descriptor: e.descriptor.clone(),
                    mentions: e.mentions,
                    sentences: e.sentences,
                    quotes: e.quotes,
                    first: doc.line_col(e.first),
                })
                .collect(),
            text: Arc::from(text.as_str()),
        }
    }

    /// The most severe finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
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
