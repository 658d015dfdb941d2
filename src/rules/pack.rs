//! The rule-pack file format: what a pack's TOML may contain, as serde types.
//!
//! Every value a later check may complain about is wrapped in [`Spanned`] so the
//! complaint can name the line and column of the value itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::rules::error::{Lines, Location, RuleError};

/// One pack file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// The `[pack]` table: id and description.
    pub pack: PackMeta,
    /// Reusable regex fragments, referenced in patterns as `{name}`.
    #[serde(default)]
    pub lexicon: BTreeMap<String, Spanned<Vec<String>>>,
    /// Pattern rules: `[[rule]]`.
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    /// Whole-article policy rules: `[[document_rule]]`.
    #[serde(default)]
    pub document_rule: Vec<DocumentRuleDef>,
    /// An optional scoring model; the last pack loaded that has one wins.
    #[serde(default)]
    pub scoring: Option<crate::score::ScoringDef>,
}

/// The `[pack]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Short identifier, unique among loaded packs.
    pub id: Spanned<String>,
    /// What the pack is for.
    #[serde(default)]
    pub description: String,
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; often a healthy pattern.
    #[default]
    Note,
    /// Worth a second look.
    Warning,
    /// A standards problem.
    Error,
}

impl Severity {
    /// The lower-case name used in TOML and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which text a pattern is run over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Each sentence on its own (the default).
    #[default]
    Sentence,
    /// Each paragraph, so a match may cross sentences.
    Paragraph,
    /// The whole article.
    Document,
}

/// Where a match may fall relative to direct quotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Quotes {
    /// Anywhere.
    #[default]
    Any,
    /// Only outside quotation marks: the reporter's words.
    Outside,
    /// Only inside quotation marks: the source's words.
    Inside,
}

/// The kinds of source the ledger knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A named person or organization; the ledger decides which.
    Named,
    /// A named person.
    NamedPerson,
    /// A named organization or office speaking on the record.
    NamedOrganization,
    /// An unnamed person or group.
    Anonymous,
    /// State-controlled media or an official readout.
    StateMedia,
    /// A document, record or dataset.
    Document,
    /// Another news organization.
    OtherOutlet,
    /// A post on a social platform.
    SocialMedia,
    /// A pronoun (`she said`): resolved to the nearest preceding named person.
    Pronoun,
    /// Anything else.
    Other,
}

/// A `[[rule]]` table: a pattern that produces findings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Unique id, kebab-case by convention.
    pub id: Spanned<String>,
    /// Short human name; defaults to the id.
    #[serde(default)]
    pub name: Option<String>,
    /// One of the ten categories, or a custom one.
    pub category: Spanned<String>,
    /// note | warning | error.
    #[serde(default)]
    pub severity: Severity,
    /// Points, before the scoring model's decay, softening and caps.
    #[serde(default)]
    pub weight: f64,
    /// A regular expression (the `regex` crate's syntax) with `{lexicon}` references.
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// Plain phrases, matched case-insensitively as whole words.
    #[serde(default)]
    pub phrases: Option<Spanned<Vec<String>>>,
    /// Which text the pattern runs over.
    #[serde(default)]
    pub scope: Scope,
    /// Another pattern that must match within some words of this one.
    #[serde(default)]
    pub near: Option<NearDef>,
    /// Patterns that, matching anywhere in the same sentence, cancel the finding.
    #[serde(default)]
    pub unless: Vec<Spanned<String>>,
    /// Patterns that, matching right after the finding, cancel it: the
    /// negative look-ahead the regex crate lacks.
    #[serde(default)]
    pub not_followed_by: Vec<Spanned<String>>,
    /// Patterns that, matching from the start of the finding's last word (in
    /// an attribution, its verb) on, cancel it: a look-ahead that names the
    /// word it follows ("asked" then "the court to", a request).
    #[serde(default)]
    pub verb_not_followed_by: Vec<Spanned<String>>,
    /// Where the match may fall relative to direct quotations.
    #[serde(default)]
    pub quotes: Quotes,
    /// Which capture group names the source, and what kind it is.
    #[serde(default)]
    pub source: Option<SourceDef>,
    /// Drop this rule's finding when a finding of one of these categories contains it.
    #[serde(default)]
    pub overridden_by: Vec<String>,
    /// The finding's message; `{group}` inserts a capture group, `{match}` the match.
    pub message: Spanned<String>,
    /// What the editor should do about it.
    #[serde(default)]
    pub advice: String,
    /// Why the rule exists: the newsroom basis, in a paragraph.
    #[serde(default)]
    pub why: String,
    /// Links or citations for the basis.
    #[serde(default)]
    pub references: Vec<String>,
    /// Example sentences with the number of matches expected.
    #[serde(default)]
    pub example: Vec<ExampleDef>,
}

/// `near = { pattern = '…', within = N }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearDef {
    /// A regular expression with `{lexicon}` references.
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// Or plain phrases.
    #[serde(default)]
    pub phrases: Option<Spanned<Vec<String>>>,
    /// At most this many words between the two matches.
    pub within: usize,
}

/// `source = { group = "source", kind = "anonymous" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    /// Capture group holding the source's name or description.
    #[serde(default = "default_group")]
    pub group: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// Capture group holding a descriptor such as "a Foreign Ministry spokeswoman".
    #[serde(default)]
    pub descriptor: Option<String>,
    /// A fixed name for the source when the rule has no group for it (e.g. "Xinhua").
    #[serde(default)]
    pub name: Option<String>,
    /// A regex: when it matches the whole captured source, the finding is dropped
    /// (e.g. `(?i)officials|critics` so "Officials said" is not a named source).
    #[serde(default)]
    pub reject: Option<Spanned<String>>,
}

fn default_group() -> String {
    "source".to_string()
}

/// `[[rule.example]]` as written: a sentence and how many times the rule must match it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    /// The example text (a sentence, or an article for document rules).
    pub text: Spanned<String>,
    /// Expected number of findings from this rule.
    pub expect: usize,
}

/// A rule example, compiled: the text, the expected count, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// The example text (a sentence, or an article for document rules).
    pub text: String,
    /// Expected number of findings from this rule.
    pub expect: usize,
    /// Where the example's text is written, for messages about a failing example.
    #[serde(skip)]
    pub at: Option<Location>,
}

impl Example {
    /// Compile an example, remembering where its text is.
    pub fn from_def(src: &PackSource, def: &ExampleDef) -> Example {
        Example::from_def_in(src, &Lines::new(&src.text), def)
    }

    /// [`Example::from_def`], locating the text with the pack's line index
    /// (`src`'s, made once for all its examples).
    pub(crate) fn from_def_in(src: &PackSource, lines: &Lines, def: &ExampleDef) -> Example {
        Example {
            text: def.text.get_ref().clone(),
            expect: def.expect,
            at: Some(lines.locate(src, def.text.span())),
        }
    }
}

/// A `[[document_rule]]` table: a condition over the whole article.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRuleDef {
    /// Unique id.
    pub id: Spanned<String>,
    /// Short human name; defaults to the id.
    #[serde(default)]
    pub name: Option<String>,
    /// Category of the finding; `policy` by default.
    #[serde(default = "default_policy")]
    pub category: Spanned<String>,
    /// note | warning | error.
    #[serde(default)]
    pub severity: Severity,
    /// Points deducted when the condition holds.
    #[serde(default)]
    pub weight: f64,
    /// The condition, e.g. `anonymous-source > 0 and anonymity-reason == 0`.
    pub when: Spanned<String>,
    /// A category or rule id whose first finding the finding points at.
    #[serde(default)]
    pub anchor: Option<String>,
    /// The finding's message.
    pub message: Spanned<String>,
    /// What the editor should do about it.
    #[serde(default)]
    pub advice: String,
    /// Why the rule exists.
    #[serde(default)]
    pub why: String,
    /// Links or citations for the basis.
    #[serde(default)]
    pub references: Vec<String>,
    /// Example articles with the number of findings expected (0 or 1).
    #[serde(default)]
    pub example: Vec<ExampleDef>,
}

fn default_policy() -> Spanned<String> {
    Spanned::new(0..0, "policy".to_string())
}

/// A pack file's text and where it came from.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// Path shown in messages (`<built-in>/core.toml` for embedded packs).
    pub path: String,
    /// The TOML text.
    pub text: String,
}

/// Parse one pack file, locating syntax and shape errors.
pub fn parse(src: &PackSource) -> Result<PackFile, RuleError> {
    toml::from_str::<PackFile>(&src.text).map_err(|err| RuleError::from_toml(src, &err))
}
