//! Rule examples: every rule carries example texts with the number of findings
//! it must produce on them; this runs them through the whole pipeline, so
//! `overridden_by`, `unless` and pronoun resolution are exercised as in a real audit.

use crate::Auditor;
use crate::input::{Document, Format};
use crate::rules::{Example, RuleError};

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
    /// What other rules of the same category (or of a category that overrides
    /// this rule) found in the example, as `rule (category): "matched text"`: on a
    /// failure this shows, say, that another rule took the words.
    pub others: Vec<String>,
    /// Findings per category in the example: what a document rule's condition saw.
    pub counts: Vec<(String, usize)>,
    /// Whether the rule is a document rule.
    pub document: bool,
    /// The matched text of each of this rule's own findings.
    pub matches: Vec<String>,
    /// Where the example is written.
    pub example: Example,
}

impl ExampleOutcome {
    /// Whether the rule did what the example expects.
    pub fn passed(&self) -> bool {
        self.expected == self.found
    }

    /// A failing example as a located, rustc-style error: the example's text in
    /// its pack, what was expected and what happened.
    pub fn to_error(&self) -> RuleError {
        let plural = |n: usize| if n == 1 { "finding" } else { "findings" };
        let message = format!(
            "example expected {} {}, found {}",
            self.expected,
            plural(self.expected),
            self.found
        );
        let mut err = match &self.example.at {
            Some(at) => RuleError::located(at, message),
            None => RuleError::file("<example>", message),
        }
        .in_rule(&self.rule);
        let mut help = Vec::new();
        if !self.matches.is_empty() {
            help.push(format!(
                "`{}` matched: {}",
                self.rule,
                self.matches
                    .iter()
                    .map(|m| format!("{m:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.document {
            let counts: Vec<String> = self
                .counts
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            help.push(if counts.is_empty() {
                "the example has no findings".to_string()
            } else {
                format!("findings in the example: {}", counts.join(", "))
            });
        } else if self.others.is_empty() {
            help.push("no other rule of the category matched the example".to_string());
        } else {
            help.push(format!("other rules matched: {}", self.others.join("; ")));
        }
        err.help = Some(help.join("; "));
        err
    }
}

/// Run every example of every rule (pattern and document rules) in the auditor.
pub fn run(auditor: &Auditor) -> Vec<ExampleOutcome> {
    run_where(auditor, &|_, _| true)
}

/// Run the examples of the rules for which `select(rule id, pack id)` holds.
pub fn run_where(auditor: &Auditor, select: &dyn Fn(&str, &str) -> bool) -> Vec<ExampleOutcome> {
    // (id, pack, examples, document rule?, categories whose findings explain a failure)
    let pattern = auditor.rules.rules.iter().map(|r| {
        let mut related = vec![r.category.clone()];
        related.extend(r.overridden_by.iter().cloned());
        (&r.id, &r.pack, &r.examples, false, related)
    });
    let document = auditor
        .rules
        .document_rules
        .iter()
        .map(|r| (&r.id, &r.pack, &r.examples, true, Vec::new()));
    pattern
        .chain(document)
        .filter(|(id, pack, ..)| select(id, pack))
        .flat_map(|(id, pack, examples, is_document, related)| {
            examples.iter().map(move |ex| {
                let doc = Document::from_text("<example>", ex.text.clone(), Format::Text);
                let report = auditor.audit(&doc);
                let quoted = |f: &crate::report::FindingReport| {
                    f.matched
                        .clone()
                        .unwrap_or_else(|| "(the whole article)".to_string())
                };
                let (mine, others): (Vec<_>, Vec<_>) =
                    report.findings.iter().partition(|f| &f.rule == id);
                ExampleOutcome {
                    rule: id.clone(),
                    pack: pack.clone(),
                    text: ex.text.clone(),
                    expected: ex.expect,
                    found: mine.len(),
                    matches: mine.iter().map(|f| quoted(f)).collect(),
                    others: others
                        .iter()
                        .filter(|f| related.contains(&f.category))
                        .map(|f| format!("{} ({}): {:?}", f.rule, f.category, quoted(f)))
                        .collect(),
                    counts: report.counts.iter().map(|(c, n)| (c.clone(), *n)).collect(),
                    document: is_document,
                    example: ex.clone(),
                }
            })
        })
        .collect()
}
