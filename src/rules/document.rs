//! Document rules: newsroom policy over the whole article, evaluated once the
//! sentence findings and the ledger exist.

use std::collections::{BTreeSet, HashMap};

use crate::ledger::Ledger;
use crate::rules::compile::RuleSet;
use crate::rules::{ATTRIBUTION_CATEGORIES, Finding, SourceKind};
use crate::text::Segments;

/// The counts a document rule's condition reads.
#[derive(Debug, Clone, Default)]
pub struct DocumentStats {
    vars: HashMap<String, f64>,
}

impl DocumentStats {
    /// Count what the article's findings and ledger hold.
    pub fn new(findings: &[Finding], ledger: &Ledger, seg: &Segments) -> DocumentStats {
        let mut vars: HashMap<String, f64> = HashMap::new();
        // Categories count sentences, not matches: two rules that both see
        // "officials said" in one sentence are one anonymous attribution.
        let mut by_category: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        let mut attributed: BTreeSet<usize> = BTreeSet::new();
        for f in findings {
            *vars.entry(format!("rule.{}", f.rule)).or_default() += 1.0;
            if let Some(s) = f.sentence_index {
                by_category.entry(&f.category).or_default().insert(s);
                if ATTRIBUTION_CATEGORIES.contains(&f.category.as_str()) {
                    attributed.insert(s);
                }
            }
        }
        for (cat, sentences) in &by_category {
            vars.insert(cat.to_string(), sentences.len() as f64);
        }
        let first = findings
            .iter()
            .filter(|f| ATTRIBUTION_CATEGORIES.contains(&f.category.as_str()))
            .min_by_key(|f| f.span.map(|s| s.start));
        if let Some(f) = first {
            // Several categories can share the first attributed sentence.
            for g in findings
                .iter()
                .filter(|g| g.sentence_index == f.sentence_index)
            {
                vars.insert(format!("first.{}", g.category), 1.0);
            }
        }
        vars.insert("attributions".into(), attributed.len() as f64);
        vars.insert("findings".into(), findings.len() as f64);
        vars.insert("sentences".into(), seg.sentences.len() as f64);
        vars.insert("sources".into(), ledger.entries.len() as f64);
        vars.insert("named_sources".into(), ledger.named_count() as f64);
        vars.insert("anonymous_sources".into(), ledger.anonymous_count() as f64);
        vars.insert(
            "top_source_share".into(),
            top_source_share(findings, ledger),
        );
        DocumentStats { vars }
    }

    /// A variable's value; names that never occurred are 0.
    pub fn get(&self, name: &str) -> f64 {
        self.vars.get(name).copied().unwrap_or(0.0)
    }
}

/// How far the most-relied-on source carries the story: for each source, the
/// sentences citing it over those plus the sentences that corroborate on the
/// record (an attribution other than an unnamed or vague one) without citing it;
/// the largest such share, 0 to 1.
///
/// An unnamed or vague attribution is not counted as corroboration: a story
/// resting on one source does not get better for adding "officials said", and a
/// share that such a sentence could dilute would let one more unnamed source lift
/// the score by removing this policy's finding. For the same reason the unnamed
/// sources are one pool here: a reader cannot tell "officials" from "senior
/// officials", and which of them a later "the officials said" joins must not
/// decide whether the story rests on one source.
fn top_source_share(findings: &[Finding], ledger: &Ledger) -> f64 {
    // Per sentence: the sources it cites, whether it is on the record, and
    // whether it cites an unnamed source.
    let mut sentences: HashMap<usize, (BTreeSet<usize>, bool, bool)> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(s) = f.sentence_index else { continue };
        if !ATTRIBUTION_CATEGORIES.contains(&f.category.as_str()) {
            continue;
        }
        let entry = sentences.entry(s).or_default();
        if let Some(Some(e)) = ledger.credited.get(i) {
            entry.0.insert(*e);
        }
        if !NO_CORROBORATION.contains(&f.category.as_str()) {
            entry.1 = true;
        }
        if f.category == "anonymous-source" {
            entry.2 = true;
        }
    }
    let on_record = sentences.values().filter(|s| s.1).count();
    let share = |own: usize, corroborated_with: usize| {
        let others = on_record - corroborated_with.min(on_record);
        own as f64 / (own + others).max(1) as f64
    };
    // On-record sentences that cite each source.
    let mut own_on_record = vec![0usize; ledger.entries.len()];
    for (cited, on, _) in sentences.values() {
        if *on {
            for &e in cited {
                if let Some(n) = own_on_record.get_mut(e) {
                    *n += 1;
                }
            }
        }
    }
    let named = ledger
        .entries
        .iter()
        .zip(&own_on_record)
        .filter(|(e, _)| e.sentences > 0 && e.kind != SourceKind::Anonymous)
        .map(|(e, &own)| share(e.sentences, own))
        .fold(0.0, f64::max);
    let unnamed = sentences.values().filter(|s| s.2).count();
    let unnamed_on_record = sentences.values().filter(|s| s.2 && s.1).count();
    named.max(share(unnamed, unnamed_on_record))
}

/// Attribution categories that do not corroborate another source.
const NO_CORROBORATION: &[&str] = &["anonymous-source", "vague-attribution"];

/// Evaluate every document rule; each whose condition holds yields one finding,
/// pointed at the first finding of its anchor when there is one.
pub fn evaluate(rules: &RuleSet, findings: &[Finding], stats: &DocumentStats) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in &rules.document_rules {
        if rule.when.eval(&|v| stats.get(v)) == 0.0 {
            continue;
        }
        let anchor = rule
            .anchor
            .as_deref()
            .and_then(|a| findings.iter().find(|f| f.category == a || f.rule == a));
        out.push(Finding {
            rule: rule.id.clone(),
            category: rule.category.clone(),
            severity: rule.severity,
            weight: rule.weight,
            message: rule.message.clone(),
            advice: rule.advice.clone(),
            span: anchor.and_then(|f| f.span),
            sentence: anchor.and_then(|f| f.sentence),
            sentence_index: anchor.and_then(|f| f.sentence_index),
            source: None,
            document: true,
        });
    }
    out
}
