//! Score: a 0–100 sourcing score and a letter grade from a scoring model that
//! lives in TOML (`[scoring]`), with every point traced to the findings behind it.
//!
//! The model: start from `base`; each finding is worth its rule's weight, shrunk
//! by any `soften` entry that applies (a stated reason for anonymity nearby),
//! then by `decay` for each finding of the same rule and category worth as
//! much or more that counted before it (the tenth "officials said" tells an
//! editor less than the first; ranking by worth keeps one more finding from
//! ever lowering the rule's total in a category); categories that `credit` add
//! their points and categories that `deduct` subtract them, each up to its
//! `cap`. The total is clamped to 0–100 and rounded.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::rules::{Finding, Scope};
use crate::text::Segments;

/// Whether a category's findings add to or subtract from the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Subtracts points (anonymous sources, vague attribution…).
    Deduct,
    /// Adds points (named sources, documents).
    Credit,
    /// Shown, but worth nothing.
    None,
}

/// How one category counts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// Deduct or credit.
    pub effect: Effect,
    /// Most points the category can move the score, either way.
    #[serde(default)]
    pub cap: Option<f64>,
}

/// A softening: findings of `target` near a finding of `by` count `factor` times.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SoftenDef {
    /// The category that softens (e.g. `anonymity-reason`).
    pub by: String,
    /// The category softened (e.g. `anonymous-source`).
    pub target: String,
    /// Multiplier, 0 to 1.
    pub factor: f64,
    /// How near: same sentence, same paragraph, or anywhere in the document.
    #[serde(default = "paragraph")]
    pub within: Scope,
}

fn paragraph() -> Scope {
    Scope::Paragraph
}

/// A grade band: the grade applies from `min` up.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GradeDef {
    /// The grade's label.
    pub grade: String,
    /// Lowest score with this grade.
    pub min: f64,
}

/// The `[scoring]` table as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringDef {
    /// Score before any finding counts.
    pub base: f64,
    /// Each repeat of the same rule in the same category counts this much of the
    /// previous one.
    #[serde(default = "one")]
    pub decay: f64,
    /// How each category counts; unlisted categories deduct without a cap.
    #[serde(default)]
    pub categories: BTreeMap<String, CategoryDef>,
    /// Softenings.
    #[serde(default)]
    pub soften: Vec<SoftenDef>,
    /// Grade bands.
    #[serde(default)]
    pub grades: Vec<GradeDef>,
}

fn one() -> f64 {
    1.0
}

/// A checked scoring model.
#[derive(Debug, Clone, Serialize)]
pub struct ScoringModel {
    /// The definition it was built from.
    pub def: ScoringDef,
}

impl Default for ScoringModel {
    fn default() -> Self {
        ScoringModel {
            def: ScoringDef {
                base: 100.0,
                decay: 1.0,
                categories: BTreeMap::new(),
                soften: Vec::new(),
                grades: Vec::new(),
            },
        }
    }
}

impl ScoringModel {
    /// Check a definition: numbers in range, grades sorted high to low.
    pub fn from_def(mut def: ScoringDef) -> Result<ScoringModel, String> {
        if !(0.0..=100.0).contains(&def.base) {
            return Err(format!("base must be between 0 and 100, not {}", def.base));
        }
        if !(0.0..=1.0).contains(&def.decay) {
            return Err(format!("decay must be between 0 and 1, not {}", def.decay));
        }
        for s in &def.soften {
            if !(0.0..=1.0).contains(&s.factor) {
                return Err(format!(
                    "soften factor must be between 0 and 1, not {}",
                    s.factor
                ));
            }
        }
        for (name, c) in &def.categories {
            if c.cap.is_some_and(|cap| cap < 0.0 || !cap.is_finite()) {
                return Err(format!("cap of `{name}` must be 0 or more"));
            }
        }
        def.grades.sort_by(|a, b| b.min.total_cmp(&a.min));
        Ok(ScoringModel { def })
    }

    fn effect(&self, category: &str) -> Effect {
        self.def
            .categories
            .get(category)
            .map_or(Effect::Deduct, |c| c.effect)
    }

    /// The grade for a score.
    pub fn grade(&self, value: f64) -> String {
        self.def
            .grades
            .iter()
            .find(|g| value >= g.min)
            .map_or_else(|| "-".to_string(), |g| g.grade.clone())
    }
}

/// Points one category moved the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryPoints {
    /// The category.
    pub category: String,
    /// Deduct or credit.
    pub effect: Effect,
    /// Findings counted.
    pub findings: usize,
    /// Points before the cap (signed).
    pub uncapped: f64,
    /// Points after the cap (signed): what the score moved.
    pub points: f64,
    /// Whether the cap applied.
    pub capped: bool,
}

/// The score and its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// 0 to 100.
    pub value: u8,
    /// Letter grade.
    pub grade: String,
    /// Starting points.
    pub base: f64,
    /// Points by category, in the order of the largest effect first.
    pub breakdown: Vec<CategoryPoints>,
    /// Signed points of each finding (same order as the findings), before caps.
    #[serde(skip)]
    pub finding_points: Vec<f64>,
}

/// Which findings another finding of the same category already counts for: in
/// each run of pattern findings of one category whose spans overlap, all but the
/// one worth the most (the first among equals).
fn shadowed(findings: &[Finding], points: &[f64]) -> Vec<bool> {
    let mut out = vec![false; findings.len()];
    let mut by_category: BTreeMap<&str, Vec<(usize, usize, usize)>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if let (Some(span), false) = (f.span, f.document) {
            by_category
                .entry(&f.category)
                .or_default()
                .push((span.start, span.end, i));
        }
    }
    for mut spans in by_category.into_values() {
        spans.sort_unstable();
        let mut from = 0;
        while from < spans.len() {
            // A run: every span that starts before the furthest end so far.
            let mut end = spans[from].1;
            let mut to = from + 1;
            while to < spans.len() && spans[to].0 < end {
                end = end.max(spans[to].1);
                to += 1;
            }
            let run = spans[from..to].iter().map(|&(_, _, i)| i);
            let best = run
                .clone()
                .max_by(|&a, &b| points[a].total_cmp(&points[b]).then(b.cmp(&a)));
            for j in run {
                out[j] = Some(j) != best;
            }
            from = to;
        }
    }
    out
}

/// Score an article's findings.
pub fn score(model: &ScoringModel, findings: &[Finding], seg: &Segments) -> Score {
    let mut finding_points = Vec::with_capacity(findings.len());
    // Where each softening category occurs, looked up once rather than by scanning
    // every finding for every finding (quadratic on a long article).
    let softeners: Vec<Softeners> = model
        .def
        .soften
        .iter()
        .map(|s| Softeners::of(seg, findings, &s.by))
        .collect();
    // Each finding's points before decay: its weight, softened where that applies.
    let undecayed: Vec<f64> = findings
        .iter()
        .map(|f| {
            let mut points = f.weight;
            for (s, by) in model.def.soften.iter().zip(&softeners) {
                if s.target == f.category && by.near(seg, f, s.within) {
                    points *= s.factor;
                }
            }
            points
        })
        .collect();
    // One attribution matched by two rules of the same category ("Patrick Leahy,
    // a Democrat on the Senate Judiciary committee, said" is a named speaker and
    // a named institution) counts once, at the larger of its points.
    let mut undecayed = undecayed;
    let shadowed = shadowed(findings, &undecayed);
    for (points, &s) in undecayed.iter_mut().zip(&shadowed) {
        if s {
            *points = 0.0;
        }
    }
    // Decay by rank within each rule, the largest points first (document order
    // among equals). Decaying in document order instead let one more softened
    // finding early in the article push its rule's unsoftened ones down the
    // decay and lower the total: an extra unnamed source could raise the score.
    // Within each rule *and category*: a pointer ("They call for …" after a
    // study) takes its antecedent's category and weight, and ranked among the
    // rule's other category it pushed those down the decay, so one more
    // document cited lowered the named sources' credit.
    let mut chains: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        // A shadowed finding takes no place in its rule's decay.
        if !shadowed[i] {
            chains.entry((&f.rule, &f.category)).or_default().push(i);
        }
    }
    let mut decayed = vec![0.0; findings.len()];
    for indices in chains.values_mut() {
        indices.sort_by(|&a, &b| undecayed[b].total_cmp(&undecayed[a]).then(a.cmp(&b)));
        let mut factor = 1.0;
        for &i in indices.iter() {
            decayed[i] = undecayed[i] * factor;
            factor *= model.def.decay;
        }
    }
    for (f, points) in findings.iter().zip(decayed) {
        finding_points.push(match model.effect(&f.category) {
            Effect::Deduct => -points,
            Effect::Credit => points,
            Effect::None => 0.0,
        });
    }
    let mut by_category: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for (f, p) in findings.iter().zip(&finding_points) {
        let e = by_category.entry(&f.category).or_default();
        e.0 += 1;
        e.1 += p;
    }
    let mut breakdown: Vec<CategoryPoints> = by_category
        .into_iter()
        .map(|(category, (count, uncapped))| {
            let cap = model.def.categories.get(category).and_then(|c| c.cap);
            let points = match cap {
                Some(cap) => uncapped.clamp(-cap, cap),
                None => uncapped,
            };
            CategoryPoints {
                category: category.to_string(),
                effect: model.effect(category),
                findings: count,
                uncapped: round1(uncapped),
                points: round1(points),
                capped: (points - uncapped).abs() > 1e-9,
            }
        })
        .collect();
    breakdown.sort_by(|a, b| {
        b.points
            .abs()
            .total_cmp(&a.points.abs())
            .then(a.category.cmp(&b.category))
    });
    let total = model.def.base + breakdown.iter().map(|c| c.points).sum::<f64>();
    let value = total.clamp(0.0, 100.0).round() as u8;
    Score {
        value,
        grade: model.grade(f64::from(value)),
        base: model.def.base,
        breakdown,
        finding_points: finding_points.into_iter().map(round1).collect(),
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The sentences and paragraphs holding findings of one softening category.
struct Softeners {
    any: bool,
    sentences: BTreeSet<usize>,
    paragraphs: BTreeSet<usize>,
}

impl Softeners {
    fn of(seg: &Segments, findings: &[Finding], category: &str) -> Softeners {
        let mut out = Softeners {
            any: false,
            sentences: BTreeSet::new(),
            paragraphs: BTreeSet::new(),
        };
        for g in findings.iter().filter(|g| g.category == category) {
            out.any = true;
            if let Some(s) = g.sentence_index {
                out.sentences.insert(s);
                if let Some(sentence) = seg.sentences.get(s) {
                    out.paragraphs.insert(sentence.paragraph);
                }
            }
        }
        out
    }

    /// Whether a softening finding lies within `within` of `f`.
    fn near(&self, seg: &Segments, f: &Finding, within: Scope) -> bool {
        match (within, f.sentence_index) {
            (Scope::Document, _) => self.any,
            (Scope::Sentence, Some(x)) => self.sentences.contains(&x),
            (Scope::Paragraph, Some(x)) => seg
                .sentences
                .get(x)
                .is_some_and(|s| self.paragraphs.contains(&s.paragraph)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Severity;
    use crate::text::{Span, segment};

    fn finding(rule: &str, category: &str, weight: f64, sentence: usize) -> Finding {
        Finding {
            rule: rule.into(),
            category: category.into(),
            severity: Severity::Warning,
            weight,
            message: String::new(),
            advice: String::new(),
            span: Some(Span::new(sentence * 10, sentence * 10 + 1)),
            sentence: None,
            sentence_index: Some(sentence),
            source: None,
            document: false,
        }
    }

    /// One unnamed-source finding of weight 8 in each of `sentences`.
    fn anonymous(sentences: std::ops::Range<usize>) -> Vec<Finding> {
        sentences
            .map(|i| finding("anon", "anonymous-source", 8.0, i))
            .collect()
    }

    fn model() -> ScoringModel {
        let def: ScoringDef = toml::from_str(
            r#"
base = 70
decay = 0.5
[categories]
anonymous-source = { effect = "deduct", cap = 10 }
named-source = { effect = "credit", cap = 20 }
[[soften]]
by = "anonymity-reason"
target = "anonymous-source"
factor = 0.5
within = "paragraph"
[[grades]]
grade = "A"
min = 90
[[grades]]
grade = "C"
min = 60
[[grades]]
grade = "F"
min = 0
"#,
        )
        .unwrap();
        ScoringModel::from_def(def).unwrap()
    }

    #[test]
    fn decay_caps_and_grades() {
        let seg = segment("One. Two.\n\nThree.");
        let f = anonymous(0..3);
        let s = score(&model(), &f, &seg);
        // 8 + 4 + 2 = 14, capped at 10.
        assert_eq!(s.finding_points, vec![-8.0, -4.0, -2.0]);
        assert_eq!(s.breakdown[0].points, -10.0);
        assert!(s.breakdown[0].capped);
        assert_eq!(s.value, 60);
        assert_eq!(s.grade, "C");
    }

    #[test]
    fn softening_applies_within_paragraph_only() {
        let seg = segment("One. Two.\n\nThree.");
        let f = vec![
            finding("anon", "anonymous-source", 8.0, 0),
            finding("why", "anonymity-reason", 0.0, 1),
            finding("anon2", "anonymous-source", 8.0, 2),
        ];
        let s = score(&model(), &f, &seg);
        assert_eq!(s.finding_points[0], -4.0);
        assert_eq!(s.finding_points[2], -8.0);
    }

    #[test]
    fn a_finding_of_another_category_takes_no_place_in_a_rules_decay() {
        // One rule's findings in two categories: the named ones decay among
        // themselves, and a heavier anonymous one beside them does not push
        // them down (it used to: 4·0.5 + 4·0.25 = 3 instead of 4 + 2 = 6).
        let seg = segment("One. Two. Three.");
        let named = vec![
            finding("pronoun", "named-source", 4.0, 0),
            finding("pronoun", "named-source", 4.0, 1),
        ];
        let mut with = named.clone();
        with.push(finding("pronoun", "anonymous-source", 8.0, 2));
        let credit = |f: &[Finding]| -> f64 {
            score(&model(), f, &seg)
                .finding_points
                .iter()
                .filter(|p| **p > 0.0)
                .sum()
        };
        assert_eq!(credit(&named), 6.0);
        assert_eq!(credit(&with), 6.0);
        assert_eq!(score(&model(), &with, &seg).finding_points[2], -8.0);
    }

    #[test]
    fn one_more_softened_finding_never_lowers_the_deduction() {
        // Paragraph 1 has a stated reason, so its anonymous finding is halved;
        // the three in paragraph 2 are not. Adding the halved one first used to
        // push the others down the decay: 4 + 8·0.5 + 8·0.25 + 8·0.125 = 11
        // against 8 + 4 + 2 = 14 without it.
        let seg = segment("One. Two.\n\nThree. Four. Five.");
        let without = anonymous(2..5);
        let mut with = vec![
            finding("anon", "anonymous-source", 8.0, 0),
            finding("why", "anonymity-reason", 0.0, 1),
        ];
        with.extend(without.clone());
        let total = |f: &[Finding]| -> f64 { score(&model(), f, &seg).finding_points.iter().sum() };
        assert_eq!(total(&without), -14.0);
        // The unsoftened findings keep the full weight and the first decays; the
        // halved one ranks last: 8 + 4 + 2 + 4·0.125.
        assert_eq!(total(&with), -14.5);
        assert_eq!(score(&model(), &with, &seg).finding_points[0], -0.5);
    }

    #[test]
    fn one_attribution_matched_by_two_rules_counts_once() {
        let seg = segment("One.");
        let at = |rule: &str, category: &str, weight: f64, start: usize, end: usize| {
            let mut f = finding(rule, category, weight, 0);
            f.span = Some(Span::new(start, end));
            f
        };
        let points = |f: &[Finding]| score(&model(), f, &seg).finding_points;
        // Same category, overlapping: only the larger counts, the other shows 0.
        let f = [
            at("speaker", "named-source", 1.0, 0, 20),
            at("institution", "named-source", 2.0, 4, 30),
        ];
        assert_eq!(points(&f), [0.0, 2.0]);
        // Side by side, or in different categories, both count.
        let f = [
            at("speaker", "named-source", 1.0, 0, 20),
            at("institution", "named-source", 2.0, 20, 30),
            at("unnamed", "anonymous-source", 4.0, 5, 25),
        ];
        assert_eq!(points(&f), [1.0, 2.0, -4.0]);
        // Policy findings anchored at the same sentence are separate findings.
        let mut a = at("lead", "policy", 3.0, 0, 20);
        let mut b = at("no-reason", "policy", 3.0, 0, 20);
        (a.document, b.document) = (true, true);
        assert_eq!(points(&[a, b]), [-3.0, -3.0]);
    }

    #[test]
    fn score_stays_in_range() {
        let seg = segment("One.");
        let f: Vec<Finding> = (0..50)
            .map(|i| finding(&format!("r{i}"), "policy", 50.0, i))
            .collect();
        assert_eq!(score(&model(), &f, &seg).value, 0);
        let f: Vec<Finding> = (0..50)
            .map(|i| finding(&format!("r{i}"), "named-source", 50.0, i))
            .collect();
        assert_eq!(score(&model(), &f, &seg).value, 90);
    }
}
