//! Rule examples: every rule carries example texts with the number of findings
//! it must produce on them; this runs them through the whole pipeline, so
//! `overridden_by`, `unless` and pronoun resolution are exercised as in a real audit.

use crate::Auditor;
use crate::input::{Document, Format};

/// The result of one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleOutcome {
    /// The rule the example belongs to.
    pub rule: String,
    /// The pack the rule belongs to.
    pub pack: String,
    /// The example text.
    pub text: String,
    /// Findings the example expects from the rule.
    pub expected: usize,
    /// Findings the rule produced.
    pub found: usize,
}

impl ExampleOutcome {
    /// Whether the rule did what the example expects.
    pub fn passed(&self) -> bool {
        self.expected == self.found
    }
}

/// Run every example of every rule (pattern and document rules) in the auditor.
pub fn run(auditor: &Auditor) -> Vec<ExampleOutcome> {
    let pattern = auditor
        .rules
        .rules
        .iter()
        .map(|r| (&r.id, &r.pack, &r.examples));
    let document = auditor
        .rules
        .document_rules
        .iter()
        .map(|r| (&r.id, &r.pack, &r.examples));
    pattern
        .chain(document)
        .flat_map(|(id, pack, examples)| {
            examples.iter().map(move |ex| {
                let doc = Document::from_text("<example>", ex.text.clone(), Format::Text);
                let report = auditor.audit(&doc);
                ExampleOutcome {
                    rule: id.clone(),
                    pack: pack.clone(),
                    text: ex.text.clone(),
                    expected: ex.expect,
                    found: report.findings.iter().filter(|f| &f.rule == id).count(),
                }
            })
        })
        .collect()
}
