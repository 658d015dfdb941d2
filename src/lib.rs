//! `sourcing` audits how a news article sources its claims.
//!
//! The pipeline runs one way, each stage a module with one job:
//!
//! ```text
//! input ──► text ──► rules ──► ledger ──► rules::document ──► score ──► report
//! ```
//!
//! [`Auditor`] holds the compiled rules and runs the pipeline on a [`Document`]:
//!
//! ```
//! use sourcing::{Auditor, input::{Document, Format}};
//! let auditor = Auditor::builtin().unwrap();
//! let doc = Document::from_text("a.txt", "The talks stalled, officials said.".into(), Format::Text);
//! let report = auditor.audit(&doc);
//! assert_eq!(report.findings[0].category, "anonymous-source");
//! ```

// RuleError is a full diagnostic (file, line, column, the source line, help);
// it is built only when a pack is wrong, never on the audit's hot path, so
// boxing it would cost clarity for nothing.
#![allow(clippy::result_large_err)]
// No panicking shortcuts in the product: every failure is a typed error that
// the binary turns into a message and exit code 2. Tests may unwrap.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod atomic;
pub mod config;
pub mod eval;
pub mod examples;
pub mod input;
pub mod ledger;
mod names;
mod newsrooms;
pub mod report;
pub mod rules;
pub mod score;
pub mod snapshot;
pub mod text;

pub use input::Document;
pub use report::AuditReport;
pub use rules::{RuleError, RuleSet};

/// Most documents the command line hands a worker at once, for
/// [`Auditor::audit_many`] (the benchmark and `examples/rule_cost` batch the
/// same way). Rules run over a whole batch one rule at a time, which keeps
/// each rule's regex tables in the CPU's caches: 32 articles audit about 1.4
/// times as fast as one at a time (`cargo run --release --example rule_cost
/// -- DIR batch`), and 128 were 10–20 % faster again than 32 on two cores.
/// 256 gained nothing more and took 100 MB over 107,541 files, against 83 MB
/// at 128 (BENCHMARKS.md, "One cache per regex"). 64 since the rules grew and
/// the workers share their caches: over 107,541 files 128 reached 97–101 MB,
/// 96 94–99 MB and 64 92 MB, in the same time (BENCHMARKS.md, "Smaller
/// batches"). 48 since the eleventh session's rules took 64 to 94–96 MB: 48
/// held 92.9–93.7 MB, in the same time within the machine's noise
/// (BENCHMARKS.md, "The eleventh session's rules"). 40 since the twelfth
/// session's rules took 48 to 95.8–96.6 MB: 40 held 94.4–94.8 MB for 3–5 %
/// more CPU on one thread (BENCHMARKS.md, "The twelfth session's rules").
/// 32 since the thirteenth session's rules took 40 to 97–99 MB: 32 held
/// 95.6–97.3 MB, with one thread's CPU the same within the noise
/// (BENCHMARKS.md, "The thirteenth session's rules"). 64 again since the
/// rules' conditions share their caches and the literal scan remembers
/// literals by sentence: over 107,541 files 64 held 88.9–89.5 MB against
/// 83.8–84.6 MB for 32, for 12 % less CPU (88–93 MB over four later runs;
/// BENCHMARKS.md, "Literals remembered by sentence").
pub const BATCH: usize = 64;

/// The source of the default scoring model, always loaded first.
pub fn scoring_base() -> rules::PackSource {
    rules::builtin_sources()
        .into_iter()
        .find(|s| s.path.ends_with("scoring.toml"))
        .unwrap_or(rules::PackSource {
            path: "<built-in>/scoring.toml".into(),
            text: String::new(),
        })
}

/// Runs the whole pipeline with one compiled rule set.
#[derive(Debug, Clone)]
pub struct Auditor {
    /// The compiled rules and scoring model.
    pub rules: RuleSet,
}

impl Auditor {
    /// An auditor with the built-in packs only.
    pub fn builtin() -> Result<Auditor, Vec<RuleError>> {
        Auditor::from_sources(&rules::builtin_sources())
    }

    /// An auditor with the given packs (the default scoring model applies unless a
    /// pack has its own `[scoring]`).
    pub fn from_sources(sources: &[rules::PackSource]) -> Result<Auditor, Vec<RuleError>> {
        Ok(Auditor {
            rules: RuleSet::load(sources, &scoring_base())?,
        })
    }

    /// Audit one document.
    pub fn audit(&self, doc: &Document) -> AuditReport {
        let seg = text::segment(&doc.text);
        let (findings, mentions) =
            rules::find_many_with_mentions(&self.rules, &[(doc, &seg)], false)
                .pop()
                .unwrap_or_default();
        self.report(doc, &seg, findings, mentions)
    }

    /// Audit several documents: the same reports as [`Auditor::audit`] on each, in
    /// order, faster per document (see [`rules::find_many`]). The command line
    /// hands a worker [`BATCH`] articles at a time.
    pub fn audit_many(&self, docs: &[&Document]) -> Vec<AuditReport> {
        self.audit_batch(docs, false)
    }

    /// [`Auditor::audit_many`], where a batch of one document runs its rules
    /// in parallel on the current rayon pool: an editor's single draft then
    /// takes every core, where it took one (the command line's choice).
    ///
    /// Call it only while holding no lock or once-cell that another job on
    /// the same pool may wait for: waiting here for its rules, a worker may
    /// take up such a job, and the two would wait for each other.
    pub fn audit_many_spread(&self, docs: &[&Document]) -> Vec<AuditReport> {
        self.audit_batch(docs, true)
    }

    fn audit_batch(&self, docs: &[&Document], spread: bool) -> Vec<AuditReport> {
        let segs: Vec<text::Segments> = docs.iter().map(|d| text::segment(&d.text)).collect();
        let pairs: Vec<(&Document, &text::Segments)> =
            docs.iter().copied().zip(segs.iter()).collect();
        rules::find_many_with_mentions(&self.rules, &pairs, spread)
            .into_iter()
            .zip(pairs)
            .map(|((findings, mentions), (doc, seg))| self.report(doc, seg, findings, mentions))
            .collect()
    }

    /// The stages after pattern matching: ledger, document rules, score, report.
    fn report(
        &self,
        doc: &Document,
        seg: &text::Segments,
        mut findings: Vec<rules::Finding>,
        mentions: Option<names::Mentions>,
    ) -> AuditReport {
        let ledger = ledger::build_with(&findings, &doc.text, seg, mentions);
        let stats = rules::document::DocumentStats::new(&findings, &ledger, seg);
        findings.extend(rules::document::evaluate(&self.rules, &findings, &stats));
        let mut ledger = ledger;
        ledger.credited.resize(findings.len(), None);
        let score = score::score(&self.rules.scoring, &findings, seg);
        AuditReport::from_parts(doc, findings, ledger, score).with_story(doc, &seg.story)
    }
}
