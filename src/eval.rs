//! Eval: score the rules against hand-annotated articles, sentence by sentence.
//!
//! This is the evaluation of the project's annotated corpus (its README's "How a
//! tool is scored"), built in so a standards desk can measure its own rules on its
//! own annotated articles. The numbers are meant to equal those of the reference
//! evaluator (`evaluate.py`) on the same input, so every detail of locating gold
//! sentences and counting units follows it exactly, down to the order of the
//! `--details` lines.
//!
//! - A gold file names its article and lists sentences, each located by its text
//!   (white space runs and curly/straight quotes fold; `occurrence = N` picks the
//!   N-th match) or by byte offsets `start`/`end`.
//! - Units are (sentence, category) pairs. A finding belongs to the first gold
//!   sentence whose span holds its start; a finding outside every gold sentence is
//!   a unit of its own sentence span.
//! - True positive: predicted and gold; false positive: predicted, not gold, not
//!   allowed; false negative: gold, not predicted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use toml::Spanned;

use crate::Auditor;
use crate::input::{self, DEFAULT_MAX_BYTES};
use crate::report::AuditReport;
use crate::rules::error::nearest;
use crate::text::Span;

/// Version tag of the JSON output.
pub const EVAL_SCHEMA: &str = "sourcing/eval/v1";

/// Categories whose micro-average is the "flags" row: the ones an editor must look at.
pub const FLAG_CATEGORIES: &[&str] = &[
    "anonymous-source",
    "declined-comment",
    "state-media",
    "vague-attribution",
    "unverified-claim",
];

/// Every scored category, in the order of the table.
pub const ALL_CATEGORIES: &[&str] = &[
    "anonymous-source",
    "declined-comment",
    "state-media",
    "vague-attribution",
    "unverified-claim",
    "anonymity-reason",
    "named-source",
    "document-source",
    "other-outlet",
    "social-media",
];

/// Row name of the micro-average over [`FLAG_CATEGORIES`].
pub const FLAGS_ROW: &str = "flags (micro)";
/// Row name of the micro-average over every category.
pub const ALL_ROW: &str = "all (micro)";

/// Why an evaluation could not run. Each names the file and says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// A directory or file could not be read.
    Io {
        /// The path.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The gold directory holds no `.toml` files.
    NoGold {
        /// The directory.
        dir: String,
    },
    /// A gold file is not valid TOML or not in the gold format.
    Gold {
        /// The gold file.
        path: String,
        /// `line:column` when known.
        at: Option<(usize, usize)>,
        /// What is wrong.
        message: String,
    },
    /// The article a gold file names could not be read.
    Article {
        /// The input error, which names the file.
        message: String,
    },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Io { path, message } => write!(f, "{path}: {message}"),
            EvalError::NoGold { dir } => write!(
                f,
                "{dir}: no gold files (*.toml) here; give --gold the directory of annotations"
            ),
            EvalError::Gold { path, at, message } => match at {
                Some((l, c)) => write!(f, "{path}:{l}:{c}: {message}"),
                None => write!(f, "{path}: {message}"),
            },
            EvalError::Article { message } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for EvalError {}

/// One `[[sentence]]` of a gold file, as written.
#[derive(Debug, Clone, Deserialize)]
struct SentenceDef {
    text: Option<Spanned<String>>,
    occurrence: Option<Spanned<i64>>,
    start: Option<Spanned<i64>>,
    end: Option<Spanned<i64>>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    /// Anything else: ignored, as the reference evaluator ignores it, but warned about.
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

/// A gold file, as written.
#[derive(Debug, Clone, Deserialize)]
struct GoldDef {
    article: String,
    #[serde(default)]
    sentence: Vec<Spanned<SentenceDef>>,
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

const SENTENCE_KEYS: &[&str] = &["text", "occurrence", "start", "end", "categories", "allow"];

/// How a gold sentence is found in its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// By its text, white space and quotes folded; the `occurrence`-th match (1-based).
    Text {
        /// The sentence as written in the gold file.
        text: String,
        /// Which match to take.
        occurrence: usize,
    },
    /// By byte offsets into the article file, `end` exclusive.
    Bytes(Span),
}

/// One annotated sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldSentence {
    /// Where it is.
    pub locator: Locator,
    /// Categories it carries.
    pub categories: BTreeSet<String>,
    /// Categories that are defensible either way.
    pub allow: BTreeSet<String>,
    /// Byte offset of the entry in the gold file, for messages.
    at: usize,
}

/// One gold file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gold {
    /// Path of the gold file, for messages.
    pub path: String,
    /// File name of the article, relative to the articles directory.
    pub article: String,
    /// The annotated sentences.
    pub sentences: Vec<GoldSentence>,
    /// Things worth telling the annotator that do not stop the evaluation.
    pub warnings: Vec<String>,
    source: String,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl Gold {
    /// Parse a gold file's text; `path` is used in messages.
    pub fn parse(path: &str, source: &str) -> Result<Gold, EvalError> {
        let err = |at: Option<usize>, message: String| EvalError::Gold {
            path: path.to_string(),
            at: at.map(|a| line_col(source, a)),
            message,
        };
        let def: GoldDef = toml::from_str(source).map_err(|e| {
            err(
                e.span().map(|s| s.start),
                format!(
                    "{} (a gold file has `article = \"NAME.txt\"` and [[sentence]] tables)",
                    e.message()
                ),
            )
        })?;
        let mut warnings = Vec::new();
        for key in def.extra.keys() {
            warnings.push(format!(
                "{path}: unknown top-level key `{key}` ignored{}",
                suggest(key, &["article", "sentence"])
            ));
        }
        let mut sentences = Vec::new();
        for (n, spanned) in def.sentence.iter().enumerate() {
            let at = spanned.span().start;
            let s = spanned.get_ref();
            let (l, c) = line_col(source, at);
            for key in s.extra.keys() {
                warnings.push(format!(
                    "{path}:{l}:{c}: sentence {}: unknown key `{key}` ignored{}",
                    n + 1,
                    suggest(key, SENTENCE_KEYS)
                ));
            }
            for cat in s.categories.iter().chain(&s.allow) {
                if !ALL_CATEGORIES.contains(&cat.get_ref().as_str()) {
                    let (l, c) = line_col(source, cat.span().start);
                    warnings.push(format!(
                        "{path}:{l}:{c}: `{}` is not a scored category{}",
                        cat.get_ref(),
                        suggest(cat.get_ref(), ALL_CATEGORIES)
                    ));
                }
            }
            let locator = match (&s.start, &s.end, &s.text) {
                (Some(start), end, _) => {
                    let Some(end) = end else {
                        return Err(err(
                            Some(start.span().start),
                            format!("sentence {} has `start` but no `end`", n + 1),
                        ));
                    };
                    let (a, b) = (*start.get_ref(), *end.get_ref());
                    if a < 0 || b < a {
                        return Err(err(
                            Some(start.span().start),
                            format!(
                                "sentence {}: `start = {a}`, `end = {b}` is not a byte range (need 0 <= start <= end)",
                                n + 1
                            ),
                        ));
                    }
                    Locator::Bytes(Span::new(a as usize, b as usize))
                }
                (None, _, Some(text)) => {
                    let occurrence = s.occurrence.as_ref().map_or(1, |o| *o.get_ref());
                    if occurrence < 1 {
                        return Err(err(
                            s.occurrence.as_ref().map(|o| o.span().start),
                            format!("sentence {}: `occurrence` counts from 1", n + 1),
                        ));
                    }
                    if text.get_ref().trim().is_empty() {
                        return Err(err(
                            Some(text.span().start),
                            format!("sentence {}: `text` is empty", n + 1),
                        ));
                    }
                    Locator::Text {
                        text: text.get_ref().clone(),
                        occurrence: occurrence as usize,
                    }
                }
                (None, _, None) => {
                    return Err(err(
                        Some(at),
                        format!(
                            "sentence {} has neither `text` nor `start`/`end`; give the sentence's text",
                            n + 1
                        ),
                    ));
                }
            };
            let set = |v: &[Spanned<String>]| v.iter().map(|c| c.get_ref().clone()).collect();
            sentences.push(GoldSentence {
                locator,
                categories: set(&s.categories),
                allow: set(&s.allow),
                at,
            });
        }
        Ok(Gold {
            path: path.to_string(),
            article: def.article,
            sentences,
            warnings,
            source: source.to_string(),
        })
    }

    /// Find every gold sentence in the article's text.
    pub fn locate(&self, article_name: &str, text: &str) -> Result<Vec<Located>, EvalError> {
        let (folded, origin) = normalize(text);
        let mut out = Vec::with_capacity(self.sentences.len());
        for (n, s) in self.sentences.iter().enumerate() {
            let located = match &s.locator {
                Locator::Bytes(span) => {
                    if span.end > text.len() {
                        return Err(EvalError::Gold {
                            path: self.path.clone(),
                            at: Some(line_col(&self.source, s.at)),
                            message: format!(
                                "sentence {}: `end = {}` is past the end of {article_name} ({} bytes)",
                                n + 1,
                                span.end,
                                text.len()
                            ),
                        });
                    }
                    let bytes = &text.as_bytes()[span.start..span.end];
                    Located {
                        span: *span,
                        text: String::from_utf8_lossy(bytes).into_owned(),
                        categories: s.categories.clone(),
                        allow: s.allow.clone(),
                    }
                }
                Locator::Text {
                    text: wanted,
                    occurrence,
                } => {
                    let (needle, _) = normalize(py_strip(wanted));
                    let mut at: Option<usize> = None;
                    for _ in 0..*occurrence {
                        // Search again from just after the previous match's first
                        // character, so matches may overlap as in the reference.
                        let from = at.map_or(0, |a| {
                            a + folded[a..].chars().next().map_or(1, char::len_utf8)
                        });
                        at = folded
                            .get(from..)
                            .and_then(|rest| rest.find(&needle))
                            .map(|i| from + i);
                        if at.is_none() {
                            let short: String = wanted.chars().take(80).collect();
                            return Err(EvalError::Gold {
                                path: self.path.clone(),
                                at: Some(line_col(&self.source, s.at)),
                                message: format!(
                                    "sentence {} not found in {article_name}{}: {short:?}; copy the sentence exactly from the article (white space and quote style may differ)",
                                    n + 1,
                                    if *occurrence > 1 {
                                        format!(" {occurrence} times")
                                    } else {
                                        String::new()
                                    }
                                ),
                            });
                        }
                    }
                    let at = at.unwrap_or(0);
                    let last =
                        at + needle.len() - needle.chars().next_back().map_or(1, char::len_utf8);
                    let start = origin[&at].0;
                    let end = origin[&last].1;
                    Located {
                        span: Span::new(start, end),
                        text: wanted.clone(),
                        categories: s.categories.clone(),
                        allow: s.allow.clone(),
                    }
                }
            };
            out.push(located);
        }
        Ok(out)
    }
}

fn suggest(word: &str, candidates: &[&str]) -> String {
    nearest(word, candidates.iter().copied())
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

/// White space as Python's `str.isspace` sees it, which the reference evaluator uses:
/// Unicode white space plus the ASCII information separators.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(py_space)
}

fn fold_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => '"',
        c => c,
    }
}

/// Fold white space runs to one space and curly quotes to straight ones; map each
/// folded character's byte offset to the byte range of the original character it
/// came from.
fn normalize(text: &str) -> (String, std::collections::HashMap<usize, (usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut origin = std::collections::HashMap::new();
    let mut in_space = false;
    for (i, ch) in text.char_indices() {
        let range = (i, i + ch.len_utf8());
        if py_space(ch) {
            if !in_space && !out.is_empty() {
                origin.insert(out.len(), range);
                out.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        origin.insert(out.len(), range);
        out.push(fold_quote(ch));
    }
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    (out, origin)
}

/// A gold sentence found in its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Byte span in the article file.
    pub span: Span,
    /// Its text, for `--details` (the gold file's text when located by text).
    pub text: String,
    /// Categories it carries.
    pub categories: BTreeSet<String>,
    /// Categories allowed either way.
    pub allow: BTreeSet<String>,
}

/// Where a scoring unit is: a gold sentence, or a sentence the tool flagged that
/// the annotator did not list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Place {
    Gold(usize),
    Tool(usize, usize),
}

type Unit = (Place, String);

/// The key the reference evaluator sorts `--details` lines by: Python's `str()` of
/// the unit tuple.
fn python_key(unit: &Unit) -> String {
    match &unit.0 {
        Place::Gold(i) => format!("(('gold', {i}), '{}')", unit.1),
        Place::Tool(s, e) => format!("(('tool', {s}, {e}), '{}')", unit.1),
    }
}

/// Whether a miss or a false alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Flagged, but not in the gold (nor allowed).
    FalseAlarm,
    /// In the gold, but not flagged.
    Miss,
}

impl ErrorKind {
    /// The words used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::FalseAlarm => "false alarm",
            ErrorKind::Miss => "miss",
        }
    }
}

/// One miss or false alarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// Article file name.
    pub article: String,
    /// Miss or false alarm.
    pub kind: ErrorKind,
    /// The category.
    pub category: String,
    /// The sentence.
    pub sentence: String,
}

/// True positives, false positives and false negatives of one row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predicted and gold.
    pub tp: usize,
    /// Predicted, neither gold nor allowed.
    pub fp: usize,
    /// Gold, not predicted.
    pub fn_: usize,
}

impl Counts {
    /// Precision, when anything was predicted.
    pub fn precision(&self) -> Option<f64> {
        let d = self.tp + self.fp;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }

    /// Recall, when there was anything to find.
    pub fn recall(&self) -> Option<f64> {
        let d = self.tp + self.fn_;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }

    /// F1; 0 when precision or recall is 0; none when either is undefined.
    pub fn f1(&self) -> Option<f64> {
        match (self.precision(), self.recall()) {
            (Some(p), Some(r)) if p > 0.0 && r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        }
    }
}

/// The result of scoring one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleScore {
    /// Counts per category (only categories that occurred).
    pub counts: Vec<(String, Counts)>,
    /// Misses and false alarms, in the reference evaluator's order.
    pub details: Vec<Detail>,
}

/// Score one article's report against its located gold sentences.
pub fn score_article(
    article_name: &str,
    text: &str,
    gold: &[Located],
    report: &AuditReport,
) -> ArticleScore {
    let mut gold_units: BTreeSet<Unit> = BTreeSet::new();
    let mut allowed: BTreeSet<Unit> = BTreeSet::new();
    for (i, s) in gold.iter().enumerate() {
        gold_units.extend(s.categories.iter().map(|c| (Place::Gold(i), c.clone())));
        allowed.extend(s.allow.iter().map(|c| (Place::Gold(i), c.clone())));
    }
    let mut predicted: BTreeSet<Unit> = BTreeSet::new();
    for f in &report.findings {
        let Some(span) = f.span else { continue };
        if !ALL_CATEGORIES.contains(&f.category.as_str()) {
            continue; // custom and document-level categories are not scored
        }
        let place = match gold.iter().position(|s| s.span.contains(span.start)) {
            Some(i) => Place::Gold(i),
            None => {
                let s = f.sentence.unwrap_or(span);
                Place::Tool(s.start, s.end)
            }
        };
        predicted.insert((place, f.category.clone()));
    }
    let excused: BTreeSet<&Unit> = allowed.difference(&gold_units).collect();
    let counted: BTreeSet<&Unit> = predicted.iter().filter(|u| !excused.contains(u)).collect();
    let tp: Vec<&Unit> = counted
        .iter()
        .copied()
        .filter(|u| gold_units.contains(*u))
        .collect();
    let fp: Vec<&Unit> = counted
        .iter()
        .copied()
        .filter(|u| !gold_units.contains(*u))
        .collect();
    let fn_: Vec<&Unit> = gold_units.difference(&predicted).collect();

    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for u in &tp {
        counts.entry(u.1.clone()).or_default().tp += 1;
    }
    for u in &fp {
        counts.entry(u.1.clone()).or_default().fp += 1;
    }
    for u in &fn_ {
        counts.entry(u.1.clone()).or_default().fn_ += 1;
    }
    let describe = |u: &Unit, kind: ErrorKind| {
        let sentence = match u.0 {
            Place::Gold(i) => gold[i].text.clone(),
            Place::Tool(s, e) => text
                .as_bytes()
                .get(s..e)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
        };
        Detail {
            article: article_name.to_string(),
            kind,
            category: u.1.clone(),
            sentence,
        }
    };
    fn sorted(mut v: Vec<&Unit>) -> Vec<&Unit> {
        v.sort_by_cached_key(|u| python_key(u));
        v
    }
    let mut details: Vec<Detail> = sorted(fp)
        .into_iter()
        .map(|u| describe(u, ErrorKind::FalseAlarm))
        .collect();
    details.extend(
        sorted(fn_)
            .into_iter()
            .map(|u| describe(u, ErrorKind::Miss)),
    );
    ArticleScore {
        counts: counts.into_iter().collect(),
        details,
    }
}

/// A whole evaluation: the table and the details.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Number of gold files scored.
    pub articles: usize,
    /// Rows in table order: the ten categories, any other category the gold used,
    /// then the flags and all micro-averages.
    pub rows: Vec<(String, Counts)>,
    /// Every miss and false alarm, article by article.
    pub details: Vec<Detail>,
    /// Warnings about the gold files.
    pub warnings: Vec<String>,
}

impl Evaluation {
    /// The row with this name.
    pub fn row(&self, name: &str) -> Option<Counts> {
        self.rows.iter().find(|(n, _)| n == name).map(|(_, c)| *c)
    }

    /// The table as plain text, laid out as the reference evaluator lays it out;
    /// with `details`, every miss and false alarm follows.
    pub fn render_text(&self, details: bool) -> String {
        let fmt = |x: Option<f64>| x.map_or_else(|| "  -  ".to_string(), |v| format!("{v:.3}"));
        let mut out = format!("{} articles\n", self.articles);
        out.push_str(&format!(
            "{:<20} {:>4} {:>4} {:>4}  {:>5}  {:>6}  {:>5}\n",
            "category", "tp", "fp", "fn", "prec", "recall", "f1"
        ));
        for (name, c) in &self.rows {
            out.push_str(&format!(
                "{:<20} {:>4} {:>4} {:>4}  {}  {:>6}  {}\n",
                name,
                c.tp,
                c.fp,
                c.fn_,
                fmt(c.precision()),
                fmt(c.recall()),
                fmt(c.f1())
            ));
        }
        if details {
            for d in &self.details {
                let sentence: String = py_strip(&d.sentence).chars().take(160).collect();
                out.push_str(&format!(
                    "{}: {} [{}] {}\n",
                    d.article,
                    d.kind.as_str(),
                    d.category,
                    sentence
                ));
            }
        }
        out
    }

    /// The table as JSON: one object per row keyed by row name (as the reference
    /// evaluator's `--json`), plus `articles`, `schema`, and with `details` a
    /// `details` list.
    pub fn to_json(&self, details: bool) -> Value {
        let mut map = Map::new();
        map.insert("schema".into(), json!(EVAL_SCHEMA));
        for (name, c) in &self.rows {
            map.insert(
                name.clone(),
                json!({
                    "tp": c.tp, "fp": c.fp, "fn": c.fn_,
                    "precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
                }),
            );
        }
        map.insert("articles".into(), json!(self.articles));
        if details {
            map.insert(
                "details".into(),
                Value::Array(
                    self.details
                        .iter()
                        .map(|d| {
                            json!({
                                "article": d.article, "kind": d.kind.as_str(),
                                "category": d.category, "sentence": d.sentence,
                            })
                        })
                        .collect(),
                ),
            );
        }
        Value::Object(map)
    }
}

/// Add per-article counts into the table's rows and compute the micro-averages.
pub fn tabulate(articles: usize, scores: &[ArticleScore], warnings: Vec<String>) -> Evaluation {
    let mut rows: Vec<(String, Counts)> = ALL_CATEGORIES
        .iter()
        .map(|c| (c.to_string(), Counts::default()))
        .collect();
    let mut details = Vec::new();
    for s in scores {
        for (cat, c) in &s.counts {
            let i = match rows.iter().position(|(n, _)| n == cat) {
                Some(i) => i,
                None => {
                    rows.push((cat.clone(), Counts::default()));
                    rows.len() - 1
                }
            };
            rows[i].1.tp += c.tp;
            rows[i].1.fp += c.fp;
            rows[i].1.fn_ += c.fn_;
        }
        details.extend(s.details.iter().cloned());
    }
    let micro = |pick: &dyn Fn(&str) -> bool| {
        rows.iter()
            .filter(|(n, _)| pick(n))
            .fold(Counts::default(), |a, (_, c)| Counts {
                tp: a.tp + c.tp,
                fp: a.fp + c.fp,
                fn_: a.fn_ + c.fn_,
            })
    };
    let flags = micro(&|n| FLAG_CATEGORIES.contains(&n));
    let all = micro(&|_| true);
    rows.push((FLAGS_ROW.to_string(), flags));
    rows.push((ALL_ROW.to_string(), all));
    Evaluation {
        articles,
        rows,
        details,
        warnings,
    }
}

/// Evaluate an auditor on a corpus: every `*.toml` in `gold_dir`, each naming an
/// article in `articles_dir`. Articles are audited in parallel; the result does
/// not depend on the order they finish in.
pub fn evaluate(
    auditor: &Auditor,
    articles_dir: &Path,
    gold_dir: &Path,
) -> Result<Evaluation, EvalError> {
    let dir_err = |path: &Path, e: std::io::Error| EvalError::Io {
        path: path.display().to_string(),
        message: format!("cannot read the gold directory: {e}"),
    };
    let mut golds: Vec<PathBuf> = std::fs::read_dir(gold_dir)
        .map_err(|e| dir_err(gold_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    golds.sort();
    if golds.is_empty() {
        return Err(EvalError::NoGold {
            dir: gold_dir.display().to_string(),
        });
    }
    if !articles_dir.is_dir() {
        return Err(EvalError::Io {
            path: articles_dir.display().to_string(),
            message: "not a directory; give --articles the directory of article files".into(),
        });
    }
    let results: Vec<Result<(ArticleScore, Vec<String>), EvalError>> = golds
        .par_iter()
        .map(|gold_path| {
            let name = gold_path.display().to_string();
            let source = std::fs::read_to_string(gold_path).map_err(|e| EvalError::Io {
                path: name.clone(),
                message: format!("cannot read gold file: {e}"),
            })?;
            let gold = Gold::parse(&name, &source)?;
            let article_path = articles_dir.join(&gold.article);
            let doc = input::read_file(&article_path, DEFAULT_MAX_BYTES).map_err(|e| {
                EvalError::Article {
                    message: format!("{e} (named by `article` in {name})"),
                }
            })?;
            let article_name = article_path.file_name().map_or_else(
                || gold.article.clone(),
                |n| n.to_string_lossy().into_owned(),
            );
            let located = gold.locate(&article_name, &doc.original)?;
            let report = auditor.audit(&doc);
            Ok((
                score_article(&article_name, &doc.original, &located, &report),
                gold.warnings,
            ))
        })
        .collect();
    let mut scores = Vec::with_capacity(results.len());
    let mut warnings = Vec::new();
    for r in results {
        let (s, w) = r?;
        scores.push(s);
        warnings.extend(w);
    }
    Ok(tabulate(golds.len(), &scores, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Document, Format};

    fn gold(src: &str) -> Gold {
        Gold::parse("g.toml", src).unwrap()
    }

    #[test]
    fn locates_by_text_with_folding_and_occurrence() {
        let text = "He said “yes.”\n  He said \"yes.\" Then he left.";
        let g = gold(
            "article = \"a.txt\"\n[[sentence]]\ntext = 'He said \"yes.\"'\noccurrence = 2\ncategories = [\"named-source\"]\n[[sentence]]\ntext = \"He said “yes.”\"\n",
        );
        let loc = g.locate("a.txt", text).unwrap();
        assert_eq!(
            &text[loc[0].span.start..loc[0].span.end],
            "He said \"yes.\""
        );
        assert_eq!(&text[loc[1].span.start..loc[1].span.end], "He said “yes.”");
    }

    #[test]
    fn locates_by_bytes_and_reports_missing_sentences() {
        let text = "One. Two.";
        let g = gold("article = \"a.txt\"\n[[sentence]]\nstart = 5\nend = 9\n");
        assert_eq!(g.locate("a.txt", text).unwrap()[0].text, "Two.");
        let g = gold("article = \"a.txt\"\n\n[[sentence]]\ntext = \"Three.\"\n");
        let e = g.locate("a.txt", text).unwrap_err().to_string();
        assert!(
            e.starts_with("g.toml:3:1: sentence 1 not found in a.txt"),
            "{e}"
        );
    }

    #[test]
    fn gold_errors_and_warnings_name_the_place() {
        let e = Gold::parse("g.toml", "article = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.toml:1:"), "{e}");
        let g = gold("article = \"a.txt\"\n[[sentence]]\ntext = \"x\"\ncategroies = []\n");
        assert!(
            g.warnings[0].contains("did you mean `categories`"),
            "{:?}",
            g.warnings
        );
    }

    #[test]
    fn units_count_once_and_allow_excuses() {
        let auditor = Auditor::builtin().unwrap();
        let text = "The talks stalled, officials said. Reportedly, it rained.";
        let doc = Document::from_text("a.txt", text.into(), Format::Text);
        let report = auditor.audit(&doc);
        let g = gold(
            "article = \"a.txt\"\n[[sentence]]\ntext = \"The talks stalled, officials said.\"\ncategories = [\"anonymous-source\", \"unverified-claim\"]\n",
        );
        let s = score_article("a.txt", text, &g.locate("a.txt", text).unwrap(), &report);
        let ev = tabulate(1, &[s], vec![]);
        let anon = ev.row("anonymous-source").unwrap();
        assert_eq!((anon.tp, anon.fp, anon.fn_), (1, 0, 0));
        assert_eq!(ev.row("unverified-claim").unwrap().fn_, 1);
        // The second sentence is outside the gold: a unit of its own.
        assert_eq!(ev.row("vague-attribution").unwrap().fp, 1);
        assert_eq!(
            ev.row(FLAGS_ROW).unwrap(),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
    }

    #[test]
    fn ratios_follow_the_reference() {
        let c = Counts {
            tp: 0,
            fp: 2,
            fn_: 1,
        };
        assert_eq!(
            (c.precision(), c.recall(), c.f1()),
            (Some(0.0), Some(0.0), Some(0.0))
        );
        let c = Counts {
            tp: 0,
            fp: 0,
            fn_: 1,
        };
        assert_eq!(c.f1(), None);
        assert_eq!(
            python_key(&(Place::Gold(10), "x".into())),
            "(('gold', 10), 'x')"
        );
    }
}
