//! Rules: load rule packs, validate them completely, compile them once, and run
//! them over a segmented document to produce [`Finding`]s.
//!
//! There are two kinds of rule, composed in TOML rather than written in code:
//!
//! - **pattern rules** (`[[rule]]`): a regex or phrase list, narrowed by scope,
//!   proximity (`near`), exceptions (`unless`), look-aheads from the match's
//!   end or its last word (`not_followed_by`, `verb_not_followed_by`) and
//!   quotation position;
//! - **document rules** (`[[document_rule]]`): a condition over the whole
//!   article's counts, evaluated after the ledger is built (see [`document`]).

pub mod compile;
pub mod condition;
pub mod document;
pub mod error;
pub mod expr;
pub mod matcher;
pub mod pack;
mod publisher;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

pub use compile::{CompiledRule, RuleSet};
pub use error::{Location, RuleError};
pub use pack::{Example, PackSource, Quotes, Scope, Severity, SourceKind};

use crate::input::Document;
use crate::names;
use crate::text::{Segments, Span};

/// The ten categories the built-in rules use and the corpus is scored on.
pub const CATEGORIES: &[&str] = &[
    "anonymous-source",
    "anonymity-reason",
    "declined-comment",
    "state-media",
    "vague-attribution",
    "named-source",
    "document-source",
    "unverified-claim",
    "other-outlet",
    "social-media",
];

/// Categories that mark an attribution: information credited to some source.
pub const ATTRIBUTION_CATEGORIES: &[&str] = &[
    "anonymous-source",
    "state-media",
    "vague-attribution",
    "named-source",
    "document-source",
    "other-outlet",
    "social-media",
];

/// The built-in packs, embedded in the binary.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("core.toml", include_str!("../../rules/core.toml")),
    (
        "state-media.toml",
        include_str!("../../rules/state-media.toml"),
    ),
    ("policy.toml", include_str!("../../rules/policy.toml")),
    ("scoring.toml", include_str!("../../rules/scoring.toml")),
];

/// The built-in packs as sources, named `<built-in>/FILE`.
pub fn builtin_sources() -> Vec<PackSource> {
    BUILTIN_PACKS
        .iter()
        .map(|(name, text)| PackSource {
            path: format!("<built-in>/{name}"),
            text: (*text).to_string(),
        })
        .collect()
}

/// Read the pack files under a path: the file itself, or every `.toml` in a
/// directory (sorted, not recursive). `path` is shown in messages as given.
pub fn read_packs(path: &std::path::Path) -> Result<Vec<PackSource>, RuleError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        RuleError::file(&name, format!("cannot read rules: {e}"))
            .help("check the path: a pack file ending in .toml, or a directory of them")
    })?;
    let mut files = Vec::new();
    if meta.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| RuleError::file(&name, format!("cannot list directory: {e}")))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
                files.push(p);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(RuleError::file(&name, "directory has no .toml rule packs")
                .help("put pack files ending in .toml in it"));
        }
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|p| {
            let path = p.display().to_string();
            let bytes = std::fs::read(&p)
                .map_err(|e| RuleError::file(&path, format!("cannot read rules: {e}")))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                RuleError::file(&path, "rule pack is not valid UTF-8")
                    .help("save the pack as UTF-8")
            })?;
            Ok(PackSource { path, text })
        })
        .collect()
}

/// Who a finding credits, as captured by the rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceMention {
    /// The name or description as written ("Hua Chunying", "U.S. officials").
    pub name: String,
    /// What kind of source the rule says it is.
    pub kind: SourceKind,
    /// A descriptor captured beside the name ("a Foreign Ministry spokeswoman").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<String>,
    /// Where the name sits in the text, when it was captured from a group (not a
    /// fixed `name`): `overridden_by` uses it to see that the source itself is, say,
    /// a state outlet.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: String,
    /// The rule's category.
    pub category: String,
    /// The rule's severity (after any override).
    pub severity: Severity,
    /// The rule's weight (after any override).
    pub weight: f64,
    /// The message, with capture groups filled in.
    pub message: String,
    /// The rule's advice.
    pub advice: String,
    /// The matched text, when the finding has a place.
    pub span: Option<Span>,
    /// The sentence around the match.
    pub sentence: Option<Span>,
    /// Index of that sentence in the document's segments.
    #[serde(skip)]
    pub sentence_index: Option<usize>,
    /// The source the match credits, for the ledger.
    pub source: Option<SourceMention>,
    /// Made by a document rule (policy over the whole article), whose span, when
    /// it has one, only points at an example.
    #[serde(skip)]
    pub document: bool,
}

/// Run every pattern rule over a document. Findings come back ordered by position,
/// then by rule order.
pub fn find(rules: &RuleSet, doc: &Document, seg: &Segments) -> Vec<Finding> {
    find_many(rules, &[(doc, seg)]).pop().unwrap_or_default()
}

/// [`find`] for several documents at once, one result per document, in order.
///
/// The findings are exactly those of [`find`] on each document; only the order
/// of the work differs. Each rule runs over every document of the batch before
/// the next rule starts, so its regex and lazy-DFA tables stay in the CPU's
/// caches: going document by document touches all the rules' tables (tens of
/// megabytes) for every article, and the rejection of candidate sentences runs
/// about half as fast.
pub fn find_many(rules: &RuleSet, docs: &[(&Document, &Segments)]) -> Vec<Vec<Finding>> {
    find_with(rules, &rules.matcher(), docs, false)
        .into_iter()
        .map(|(findings, _)| findings)
        .collect()
}

/// [`find_many`], each document's findings with the person mentions that
/// resolving its pronouns needed (`None` when it had none), for the ledger to
/// reuse: finding them is a full pass over the text. With `spread`, a lone
/// document's rules run on the current rayon pool (see [`find_with`]).
pub(crate) fn find_many_with_mentions(
    rules: &RuleSet,
    docs: &[(&Document, &Segments)],
    spread: bool,
) -> Vec<(Vec<Finding>, Option<names::Mentions>)> {
    find_with(rules, &rules.matcher(), docs, spread)
}

/// [`find_many`] with a given matcher (tests compare the fast path with a plain
/// one).
///
/// With `spread` and a single document, the rules run in parallel on the
/// current rayon pool. Only the command line asks for it: a caller that holds a
/// lock or a once-cell while auditing would deadlock if a job of the pool
/// waiting here for a rule took up work that waits for that same lock.
fn find_with(
    rules: &RuleSet,
    matcher: &matcher::Matcher,
    docs: &[(&Document, &Segments)],
    spread: bool,
) -> Vec<(Vec<Finding>, Option<names::Mentions>)> {
    // One scan of each document for every rule's literals; a rule then searches
    // only the units that hold one of them.
    let prepared: Vec<(matcher::Scan<'_>, Vec<Span>)> = docs
        .iter()
        .map(|(doc, seg)| {
            let sentences: Vec<Span> = seg.sentences.iter().map(|s| s.span).collect();
            (matcher.scan(&doc.text, &sentences), sentences)
        })
        .collect();
    let run = |order: usize, rule: &CompiledRule, k: usize, found: &mut Vec<(usize, Finding)>| {
        let ((doc, seg), (scan, sentences)) = (&docs[k], &prepared[k]);
        let whole = [Span::new(0, doc.text.len())];
        let units: &[Span] = match rule.scope {
            Scope::Sentence => sentences,
            Scope::Paragraph => &seg.paragraphs,
            Scope::Document => &whole,
        };
        match_rule(rule, order, (&doc.text, seg), scan, units, found);
    };
    let mut found: Vec<Vec<(usize, Finding)>> = docs.iter().map(|_| Vec::new()).collect();
    if let (true, [only]) = (spread, found.as_mut_slice()) {
        // One document (an editor's draft, a stream's record): its rules run
        // on every core, which cold start-up (lazy DFAs, first compiles)
        // makes worth it; a batch keeps each rule on one core (see
        // `find_many`).
        use rayon::prelude::*;
        let parts: Vec<Vec<(usize, Finding)>> = rules
            .rules
            .par_iter()
            .enumerate()
            .map(|(order, rule)| {
                let mut part = Vec::new();
                run(order, rule, 0, &mut part);
                part
            })
            .collect();
        *only = parts.concat();
    } else {
        let mut run_all = |order: usize| {
            for (k, found) in found.iter_mut().enumerate() {
                run(order, &rules.rules[order], k, found);
            }
        };
        // Workers share each rule's search caches (see `matcher::Derived`):
        // a rule another worker is running waits until the others are done,
        // when that worker has usually moved on. The order findings are
        // found in does not matter: `settle` sorts them.
        let mut later = Vec::new();
        for order in 0..rules.rules.len() {
            match matcher.claim(order) {
                Some(_claim) => run_all(order),
                None => later.push(order),
            }
        }
        for order in later {
            // Claimed or not: the caches' locks keep a shared search correct.
            let _claim = matcher.claim(order);
            run_all(order);
        }
    }
    found
        .into_iter()
        .zip(docs)
        .map(|(found, (doc, seg))| settle(rules, doc, seg, found))
        .collect()
}

/// Add the findings of rule number `order` in one document to `found`,
/// searching only the candidate units among `units`.
fn match_rule(
    rule: &CompiledRule,
    order: usize,
    (text, seg): (&str, &Segments),
    scan: &matcher::Scan<'_>,
    units: &[Span],
    found: &mut Vec<(usize, Finding)>,
) {
    let mut cache = compile::MatchCache::default();
    let mut pieces = Vec::new();
    let mut groups = Vec::new();
    for unit in scan.candidates(order, units) {
        let unit_text = &text[unit.start..unit.end];
        let mut emit = |groups: &[Option<Span>]| {
            let Some(span) = groups
                .first()
                .copied()
                .flatten()
                .filter(|m| m.start < m.end)
            else {
                return;
            };
            if let Some(f) = rule.finding(text, seg, unit, span, groups, &mut cache) {
                found.push((order, f));
            }
        };
        // A rule with several alternatives searches each apart (see
        // `matcher::Piece`), where the unit allows it.
        if scan.pieces(order, unit, &mut pieces).is_some() {
            pieces.retain(|re| re.is_match(unit_text));
            if pieces.is_empty() {
                continue;
            }
            if let Some(all) = matcher::each_match(&pieces, unit_text) {
                for caps in &all {
                    matcher::spans_of(caps, unit.start, &mut groups);
                    emit(&groups);
                }
                continue;
            }
        }
        // Most candidate units hold no match: a forward-only search on the lazy
        // DFA rejects them without the reverse search and capture engines a full
        // match needs, and without allocating.
        if !scan.may_match(order, rule, unit, unit_text) {
            continue;
        }
        // Only now: for a unit the ASCII twin cannot search, this may compile
        // the rule's own regex.
        scan.regex(order, rule, unit)
            .each_match(unit_text, unit.start, &mut groups, &mut emit);
    }
}

/// Order one document's raw matches, drop duplicates, apply `overridden_by`,
/// drop the article's own newsroom as "another outlet" and resolve pronouns.
fn settle(
    rules: &RuleSet,
    doc: &Document,
    seg: &Segments,
    mut found: Vec<(usize, Finding)>,
) -> (Vec<Finding>, Option<names::Mentions>) {
    found.sort_by_key(|(order, f)| (f.span.map(|s| s.start), *order));
    // One rule matching the same words twice (say, in overlapping paragraph and
    // sentence scopes) is one finding.
    let mut out: Vec<Finding> = Vec::with_capacity(found.len());
    for (_, f) in found {
        let dup = out.iter().rev().take(16).any(|g| {
            g.rule == f.rule
                && matches!((g.span, f.span), (Some(a), Some(b)) if a.start < b.end && b.start < a.end)
        });
        if !dup {
            out.push(f);
        }
    }
    let settled = apply_overrides(rules, &doc.text, out);
    resolve_pronouns(
        &doc.text,
        seg,
        publisher::drop_own_outlet(doc, seg, settled),
    )
}

/// How far back, in bytes, "It said" looks for what "it" is: about two
/// sentences of news copy.
const IT_REACH: usize = 400;

/// How far back, in bytes, "the agency" or "the newspaper" looks for the
/// newsroom it names again: a paragraph or two.
const OUTLET_REACH: usize = 800;

/// What a newsroom named by what it is must be to be the one just cited.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Newsroom {
    /// "The newspaper", "the network": any outlet or state medium.
    Any,
    /// "The agency": a news agency (see [`is_news_agency`]).
    NewsAgency,
    /// "The state agency": a state medium; otherwise a state government's body.
    StateMedium,
}

/// Whether finding `f` names a newsroom by what it is, pointing back to one
/// just cited, and what that newsroom must be. Three findings do: a named
/// institution "The agency" or "The network" (named-institution); an outlet
/// whose only name is its article, as the outlet rule reads "The newspaper
/// reported" (the capitalized "The" taken for a name); and a document "the
/// paper says" or "the site says", a press review's shorthand.
fn outlet_pointer(f: &Finding, text: &str) -> Option<Newsroom> {
    let matched = || {
        let span = f.span?;
        Some(text.get(span.start..span.end)?.to_ascii_lowercase())
    };
    if f.category == "document-source" {
        // A press review's shorthand: "The paper says", "the site says", "The
        // tabloid claims", "The paper's political editor says", "Its health
        // correspondent quotes", read by document-says. With an outlet just
        // cited it is that outlet; otherwise a paper is a study's ("the paper
        // reports" in a science story) and stays a document.
        let m = matched()?;
        const SHORTHANDS: [&str; 7] = [
            "the paper ",
            "the site ",
            "the tabloid ",
            "the masthead ",
            "the broadsheet ",
            "the paper's ",
            "the paper\u{2019}s ",
        ];
        // "Its" only with a newsroom's staff: "its annual report says" is
        // the council's own document.
        const STAFF: [&str; 6] = [
            "correspondent",
            "reporter",
            "columnist",
            "editor",
            "writer",
            "critic",
        ];
        let staff = m.starts_with("its ") && STAFF.iter().any(|w| m.contains(w));
        return (staff || SHORTHANDS.iter().any(|p| m.starts_with(p))).then_some(Newsroom::Any);
    }
    let source = f.source.as_ref()?;
    let kind = |rest: &str| {
        if rest.contains("state") {
            Newsroom::StateMedium
        } else if rest.split(' ').any(|w| w == "agency") {
            Newsroom::NewsAgency
        } else {
            Newsroom::Any
        }
    };
    match f.category.as_str() {
        "named-source" => {
            let name = source.name.trim().to_ascii_lowercase();
            let rest = name.strip_prefix("the ")?;
            matches!(
                rest,
                "agency"
                    | "news agency"
                    | "state agency"
                    | "state news agency"
                    | "network"
                    | "channel"
                    | "news channel"
                    | "state channel"
            )
            .then(|| kind(rest))
        }
        "other-outlet" if source.name.trim().eq_ignore_ascii_case("the") => Some(kind(&matched()?)),
        _ => None,
    }
}

/// Whether an outlet finding is a news agency: state media (the agencies and
/// broadcasters of `state_outlet`), a wire service the pipeline knows
/// ([`publisher::is_wire_service`]), or a name with one of [`AGENCY_WORDS`].
fn is_news_agency(f: &Finding) -> bool {
    let Some(source) = &f.source else {
        return f.category == "state-media";
    };
    let words = format!(
        " {} ",
        source
            .name
            .to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    );
    f.category == "state-media"
        || publisher::is_wire_service(&source.name)
        || AGENCY_WORDS
            .iter()
            .any(|w| words.contains(&format!(" {w} ")))
}

/// Words that make an outlet a news agency beyond the wires of
/// [`crate::newsrooms::NEWSROOMS`], matched as whole words.
const AGENCY_WORDS: [&str; 8] = [
    "agency",
    "agence",
    "kyodo",
    "yonhap",
    "efe",
    "ansa",
    "interfax",
    "press trust",
];

/// Give finding `i` the category and source of finding `a`, which it points
/// back to.
fn adopt(findings: &mut [Finding], i: usize, a: usize) {
    let (category, source) = (findings[a].category.clone(), findings[a].source.clone());
    findings[i].category = category;
    findings[i].source = source;
}

/// Give finding `i`, which points back to finding `a` ("It said", "the
/// statement read", "They found", "The agency said" after "Reuters
/// reported"), everything a reader weighs it by: category, source, severity,
/// weight and advice, with a message that says whom it is credited to again.
/// Left with the pointer's own text, "The agency said" under another category
/// would still read "on-record statement, healthy", and "They call for …"
/// after a study "Attribution to the last-named speaker".
fn adopt_pointer(findings: &mut [Finding], i: usize, a: usize, text: &str) {
    adopt(findings, i, a);
    let (severity, weight, advice) = (
        findings[a].severity,
        findings[a].weight,
        findings[a].advice.clone(),
    );
    let f = &mut findings[i];
    let matched = f
        .span
        .and_then(|s| text.get(s.start..s.end))
        .unwrap_or_default();
    let name = f.source.as_ref().map_or("", |s| s.name.as_str());
    f.message = if name.is_empty() {
        let what = match f.category.as_str() {
            "document-source" => "document",
            "other-outlet" => "outlet",
            "state-media" => "state medium",
            _ => "source",
        };
        format!("Credited again to the {what} just cited: {matched}")
    } else {
        format!("Credited again to {name}: {matched}")
    };
    (f.severity, f.weight, f.advice) = (severity, weight, advice);
}

/// What a newsroom named by what it is calls itself ("The newspaper"), up to
/// and including that word: with no outlet in reach to point back to, the
/// source is this description, not the capitalized "The" the outlet rule read
/// as a name.
fn name_unnamed_newsroom(f: &mut Finding, text: &str) {
    // The single words of the `outlet_kind` lexicon (rules/core.toml) the
    // outlet rule reads after "The": keep the two together.
    const NEWSROOM: &[&str] = &[
        "newspaper",
        "paper",
        "daily",
        "weekly",
        "magazine",
        "tabloid",
        "newsletter",
        "broadcaster",
        "website",
        "site",
        "agency",
        "outlet",
        "channel",
        "network",
        "portal",
        "service",
        "station",
        "publication",
        "podcast",
    ];
    let Some(source) = f.source.as_mut() else {
        return;
    };
    if f.category != "other-outlet" || !source.name.trim().eq_ignore_ascii_case("the") {
        return;
    }
    let Some(matched) = f.span.and_then(|s| text.get(s.start..s.end)) else {
        return;
    };
    let words: Vec<&str> = matched.split_whitespace().collect();
    let Some(last) = words
        .iter()
        .rposition(|w| NEWSROOM.contains(&w.to_ascii_lowercase().as_str()))
    else {
        return;
    };
    source.name = words[..=last].join(" ");
}

/// Whether anonymity finding `f` was granted to a group ("They were granted
/// anonymity", "Both asked not to be named"): read from its sentence's start to
/// the finding's end, so that "because they feared ..." after it does not count.
fn granted_to_a_group(f: &Finding, text: &str) -> bool {
    const PLURAL: &[&str] = &["they", "them", "their", "were", "both", "neither"];
    let (Some(sentence), Some(span)) = (f.sentence, f.span) else {
        return false;
    };
    text.get(sentence.start..span.end)
        .unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| PLURAL.iter().any(|p| w.eq_ignore_ascii_case(p)))
}

/// Whether finding `a` ends at most `reach` bytes before offset `at`.
fn ends_within(a: &Finding, at: usize, reach: usize) -> bool {
    a.span.is_some_and(|s| s.end <= at && at - s.end <= reach)
}

/// A pronoun attribution ("she said") means the last singular source in view:
/// after "a senior official said", "he added" is still anonymous. It takes the
/// category and source of the nearest preceding singular attribution when that is
/// anonymous and no person has been named in the narrative since; otherwise it
/// keeps its own (on the record). Anonymity granted to someone the rules could
/// not describe ("She asked not to be named because ...") counts as such an
/// attribution, unless it was a group's ("They were granted anonymity").
///
/// A role ("the engineer said") is read the same way, except that it may
/// point back to a plural source ("the prelate" after "two prelates").
///
/// "The agency said", "the newspaper reported" and "the paper says" take the
/// category, source, severity, weight and advice of the last outlet or state
/// medium cited within [`OUTLET_REACH`] bytes ("the agency" only a news
/// agency's, "the state agency" only a state medium's); otherwise they stay
/// what the rules found (see [`outlet_pointer`]), an outlet named only "The"
/// taking its description ("The newspaper") as its source.
///
/// "It said" takes the category and source of the last institution, outlet,
/// state medium or document cited, if that ends within [`IT_REACH`] bytes
/// before it; otherwise it is dropped. A fixed reach is safe here because
/// falling out of it drops the finding instead of changing what it credits.
///
/// Nearness is by order, not by a count of sentences: with a fixed reach in
/// sentences, adding an unrelated sentence could push an unnamed antecedent out
/// of reach and turn an anonymous "he said" into a named one, raising the score.
fn resolve_pronouns(
    text: &str,
    seg: &Segments,
    mut findings: Vec<Finding>,
) -> (Vec<Finding>, Option<names::Mentions>) {
    if !findings.iter().any(|f| {
        f.source
            .as_ref()
            .is_some_and(|s| s.kind == SourceKind::Pronoun)
            || outlet_pointer(f, text).is_some()
    }) {
        return (findings, None);
    }
    let mentions = names::person_mentions(text, seg, &named_people(&findings));
    // The last singular source, for "he" and "she"; and the last source of
    // either number, for a role ("the prelate said" after "two prelates said"
    // is one of them).
    let mut last: Option<usize> = None;
    let mut last_any: Option<usize> = None;
    // For "they": the last group or person quoted, a crowd included ("Others
    // believe…; the window, they say, …").
    let mut last_group: Option<usize> = None;
    // For "It said": the last body, outlet or document cited, and where it ends.
    let mut last_body: Option<usize> = None;
    // "they" with nothing to point back to is dropped, not read as named.
    let mut orphans: Vec<usize> = Vec::new();
    // For "the agency", "the newspaper": the last outlet or state medium cited.
    let mut last_outlet: Option<usize> = None;
    let mut last_social: Option<usize> = None;
    // Sentences where the rules read an unnamed source's description.
    let described_unnamed: HashSet<usize> = findings
        .iter()
        .filter(|g| {
            g.category == "anonymous-source"
                && g.source
                    .as_ref()
                    .is_some_and(|s| s.kind != SourceKind::Pronoun)
        })
        .filter_map(|g| g.sentence_index)
        .collect();
    for i in 0..findings.len() {
        if let Some(want) = outlet_pointer(&findings[i], text) {
            let at = findings[i].span.map_or(0, |s| s.start);
            let near = last_outlet.filter(|&a| {
                let f = &findings[a];
                ends_within(f, at, OUTLET_REACH)
                    && match want {
                        Newsroom::Any => true,
                        Newsroom::NewsAgency => is_news_agency(f),
                        Newsroom::StateMedium => f.category == "state-media",
                    }
            });
            // "A pro-Kremlin Telegram channel posted video. The channel
            // said": a channel on a platform, nearer than any newsroom, is
            // the post's source, not a broadcaster.
            let is_channel = findings[i]
                .source
                .as_ref()
                .is_some_and(|s| s.name.to_ascii_lowercase().ends_with("channel"));
            let social = last_social.filter(|&a| {
                is_channel
                    && ends_within(&findings[a], at, OUTLET_REACH)
                    && near.is_none_or(|n| a > n)
            });
            match social.or(near) {
                Some(a) => adopt_pointer(&mut findings, i, a, text),
                None => name_unnamed_newsroom(&mut findings[i], text),
            }
        }
        if matches!(
            findings[i].category.as_str(),
            "other-outlet" | "state-media"
        ) {
            last_outlet = Some(i);
        }
        if findings[i].category == "social-media" {
            last_social = Some(i);
        }
        let body = matches!(
            findings[i].category.as_str(),
            "document-source" | "other-outlet" | "state-media"
        ) || findings[i].source.as_ref().is_some_and(|s| {
            matches!(
                s.kind,
                SourceKind::NamedOrganization
                    | SourceKind::OtherOutlet
                    | SourceKind::StateMedia
                    | SourceKind::Document
            )
                // "Hanbit Telecom said …. It said …": a named source the
                // ledger will file as an organization is what "it" can be.
                || (s.kind == SourceKind::Named && names::looks_like_organization(&s.name))
        });
        if body {
            last_body = Some(i);
        }
        let Some(source) = &findings[i].source else {
            // "A nurse ..., who spoke on condition of anonymity ..., said";
            // "She asked not to be named because ...": anonymity granted, with
            // no description the rules could read, is still the person the
            // next "she said" quotes. Unless the sentence also has an unnamed
            // source the rules did read, which then decides (a plural
            // "officials" is no "she").
            let described = findings[i]
                .sentence_index
                .is_some_and(|s| described_unnamed.contains(&s));
            if findings[i].category == "anonymous-source" && !described {
                if !granted_to_a_group(&findings[i], text) {
                    last = Some(i);
                }
                last_any = Some(i);
            }
            continue;
        };
        if source.kind != SourceKind::Pronoun {
            // A surname may end in "s" ("Mr. Jones"); only descriptions of
            // unnamed sources are read for number.
            let (candidate, any) = match findings[i].category.as_str() {
                "named-source" => (true, true),
                "anonymous-source" => (!names::plural_source(&source.name), true),
                _ => (false, false),
            };
            if candidate {
                last = Some(i);
            }
            if any {
                last_any = Some(i);
            }
            if any || findings[i].category == "vague-attribution" {
                last_group = Some(i);
            }
            continue;
        }
        // "They found that …", capitalized: the rule reads it only at a
        // sentence's head with a verb of research, so it is a study's authors
        // and points back to a document; ", they said," below is a group.
        let study_authors = source.name == "They";
        if study_authors
            || source.name.eq_ignore_ascii_case("it")
            || source.name.eq_ignore_ascii_case("the statement")
        {
            // "It" points back only a sentence or two, to what was cited
            // there; with nothing such in view it is dropped, not read as a
            // named source.
            let at = findings[i].span.map_or(0, |s| s.start);
            let antecedent = last_body.filter(|&a| {
                ends_within(&findings[a], at, IT_REACH)
                    && (!study_authors || findings[a].category == "document-source")
            });
            match antecedent {
                Some(a) => adopt_pointer(&mut findings, i, a, text),
                None => orphans.push(i),
            }
            continue;
        }
        if source.name.eq_ignore_ascii_case("they") {
            // A group quoted just before is who "they" are, whoever has been
            // named since: a person named in between does not turn "they" into
            // that one person.
            match last_group {
                Some(a) if findings[a].category != "named-source" => adopt(&mut findings, i, a),
                Some(_) => {}
                None => orphans.push(i),
            }
            continue;
        }
        let pronoun = ["he", "she"]
            .iter()
            .any(|p| source.name.eq_ignore_ascii_case(p));
        let Some(a) = (if pronoun { last } else { last_any }) else {
            continue;
        };
        if findings[a].category != "anonymous-source" {
            continue;
        }
        // People named in the antecedent's own sentence are what it is about
        // ("Pence said President Trump speaks his mind"), not a new subject.
        let from = findings[a]
            .sentence
            .or(findings[a].span)
            .map_or(0, |s| s.end);
        let to = findings[i].span.map_or(0, |s| s.start);
        let named_since =
            mentions.partition_point(|m| m.0 < from) < mentions.partition_point(|m| m.0 < to);
        if !named_since {
            adopt(&mut findings, i, a);
        }
    }
    for i in orphans.into_iter().rev() {
        findings.remove(i);
    }
    (findings, Some(mentions))
}

/// The names of the article's named sources, as captured: whom a later "Mr. X"
/// or a bare surname may mention again.
pub(crate) fn named_people(findings: &[Finding]) -> Vec<&str> {
    findings
        .iter()
        .filter(|f| f.category == "named-source")
        .filter_map(|f| f.source.as_ref())
        .filter(|s| s.kind == SourceKind::Named)
        .map(|s| s.name.as_str())
        .collect()
}

/// One finding in [`apply_overrides`]'s index: start, end, the furthest end of
/// it and every entry before it, and the finding's index.
type Entry = (usize, usize, usize, usize);

/// Entries that may cover offset `x`: every one with start <= x <= end is among
/// them (walking back, the furthest end only shrinks).
fn around(list: &[Entry], x: usize) -> impl Iterator<Item = &Entry> {
    let n = list.partition_point(|e| e.0 <= x);
    list[..n].iter().rev().take_while(move |e| e.2 >= x)
}

/// Entries that start inside `c`.
fn inside(list: &[Entry], c: Span) -> impl Iterator<Item = &Entry> {
    let from = list.partition_point(|e| e.0 < c.start);
    let to = list.partition_point(|e| e.0 <= c.end);
    list[from..to.max(from)].iter()
}

/// Whether one span lies inside the other.
fn nested(a: Span, b: Span) -> bool {
    (a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end)
}

/// Drop findings whose rule yields to a category whose finding contains them,
/// starts where they start ("Hua Chunying, a Foreign Ministry spokeswoman, said" is
/// one named source, not also an unnamed spokeswoman), is the very source they
/// credit ("…," said KCNA is state media, not a named source on the record), or
/// takes over their verb from after their source (", said two officials").
/// Of two findings that would each yield to the other, the longer stands.
fn apply_overrides(rules: &RuleSet, text: &str, findings: Vec<Finding>) -> Vec<Finding> {
    let mut by_id: HashMap<&str, &CompiledRule> = HashMap::new();
    for r in &rules.rules {
        by_id.entry(r.id.as_str()).or_insert(r);
    }
    // Per category, its findings' spans by start, each with the furthest end
    // reached so far, so that the findings a span could yield to are found by
    // binary search instead of a scan of every finding (quadratic on a long
    // article).
    let mut index: HashMap<&str, Vec<Entry>> = HashMap::new();
    let mut spans: Vec<(&str, Span, usize)> = findings
        .iter()
        .enumerate()
        .filter_map(|(j, g)| g.span.map(|b| (g.category.as_str(), b, j)))
        .collect();
    spans.sort_by_key(|&(_, b, j)| (b.start, j));
    for (category, b, j) in spans {
        let list = index.entry(category).or_default();
        let furthest = list.last().map_or(b.end, |&(_, _, e, _)| e.max(b.end));
        list.push((b.start, b.end, furthest, j));
    }
    // For each finding, the findings it would yield to.
    let targets: Vec<Vec<usize>> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut to = Vec::new();
            let Some(rule) = by_id.get(f.rule.as_str()) else {
                return to;
            };
            let Some(a) = f.span else { return to };
            // The other finding contains this one, or names the same subject
            // ("Korean Central News Agency said" is state media, not a named source).
            let credited = f.source.as_ref().and_then(|s| s.span);
            // A rule may yield to its own category (a spokesperson inside a named
            // speaker's appositive), but a finding never yields to itself.
            let yields = |category: &str, &(start, end, _, j): &Entry| {
                let b = Span::new(start, end);
                j != i
                    && ((b.start <= a.start && a.end <= b.end)
                        || b.start == a.start
                        // Another reading of the same source in the same
                        // category is no reason to drop this one.
                        || (category != f.category
                            && credited.is_some_and(|c| {
                                nested(b, c)
                                    // A state medium inside this finding that
                                    // reads part of the same source words:
                                    // "The Vietnam News Agency said", an
                                    // outlet named "The Vietnam" and the
                                    // state agency. (Not for every category:
                                    // "Those close to the player say" holds
                                    // a role the pronoun rule reads.)
                                    || (category == "state-media"
                                        && a.start <= b.start
                                        && b.end <= a.end
                                        && b.start < c.end
                                        && c.start < b.end)
                            })))
            };
            for category in &rule.overridden_by {
                let Some(list) = index.get(category.as_str()) else {
                    continue;
                };
                let mut add = |e: &Entry| to.push(e.3);
                around(list, a.start)
                    .filter(|e| yields(category, e))
                    .for_each(&mut add);
                if let Some(c) = credited {
                    around(list, c.start)
                        .chain(inside(list, c))
                        .filter(|e| yields(category, e))
                        .for_each(&mut add);
                    // An inverted attribution starts at the comma or
                    // quotation mark after this one's source and runs
                    // past its end: the two share the verb, and the
                    // subject follows it ("killed near Natanz, said two
                    // officials" credits the officials, not Natanz).
                    inside(list, Span::new(c.end, a.end))
                        .filter(|&&(start, end, _, j)| {
                            j != i
                                    && start >= c.end
                                    && start < a.end
                                    && end > a.end
                                    && text[start..].starts_with([',', '"', '”', '’'])
                                    // ", said he" after "an adviser to the
                                    // governor" is that adviser again.
                                    && findings[j]
                                        .source
                                        .as_ref()
                                        .is_some_and(|s| s.kind != SourceKind::Pronoun)
                        })
                        .for_each(&mut add);
                }
            }
            to
        })
        .collect();
    // Two readings may each defer to the other: "Russia's Defence Ministry
    // spokesman denied the report, saying" as an unnamed spokesman and as the
    // ministry speaking. Dropping both would lose the attribution altogether,
    // so between two such findings the longer reading, which saw more of the
    // sentence, stands. Two as long yield to each other as before: there the
    // rules' own wording has to decide ('," said the adviser, John Roe' is
    // both, and John Roe's finding elsewhere carries it).
    let len = |j: usize| findings[j].span.map_or(0, |s| s.end - s.start);
    let keep: Vec<bool> = targets
        .iter()
        .enumerate()
        .map(|(i, to)| {
            !to.iter()
                .any(|&j| !targets[j].contains(&i) || len(j) >= len(i))
        })
        .collect();
    findings
        .into_iter()
        .zip(keep)
        .filter_map(|(f, k)| k.then_some(f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Format;

    /// The category and source name, after settling, of each finding of rule
    /// `rule` in `text`.
    fn settled_by(rule: &str, text: &str) -> Vec<(String, Option<String>)> {
        let auditor = crate::Auditor::builtin().unwrap();
        let doc = Document::from_text("t.txt", text.to_string(), Format::Text);
        let seg = crate::text::segment(&doc.text);
        find(&auditor.rules, &doc, &seg)
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.category, f.source.map(|s| s.name)))
            .collect()
    }

    /// The category of the one finding in `got`.
    fn only_category(got: &[(String, Option<String>)]) -> &str {
        assert_eq!(got.len(), 1, "{got:?}");
        &got[0].0
    }

    /// The category and source name of each "he/she said" in `text`.
    fn pronouns(text: &str) -> Vec<(String, Option<String>)> {
        settled_by("pronoun-speaker", text)
    }

    #[test]
    fn it_said_takes_the_body_outlet_or_document_just_cited() {
        let got = pronouns(
            "The college said it would write to those affected. It said it had notified the regulator.",
        );
        assert_eq!(got, [("named-source".into(), Some("The college".into()))]);
        let got = pronouns(
            "Reuters reported on Monday that the plant had closed. It said the closure was permanent.",
        );
        assert_eq!(only_category(&got), "other-outlet");
        let got = pronouns(
            "The audit, published on Monday, found that the fund was short. It said the shortfall had grown.",
        );
        assert_eq!(only_category(&got), "document-source");
        // Out of reach, or with nothing cited, "It" is dropped, not named.
        let filler = "The shelling went on. ".repeat(20);
        assert!(
            pronouns(&format!(
                "The college said it would write. {filler}It said it had acted."
            ))
            .is_empty()
        );
        assert!(pronouns("It said it had notified the regulator.").is_empty());
    }

    #[test]
    fn they_found_at_a_sentence_head_is_the_study_just_cited_or_nothing() {
        let text = "The study, published on Monday in the Lancet, followed 40,000 adults. They found that admissions rose.";
        let got = pronouns(text);
        assert_eq!(only_category(&got), "document-source");
        // It reads as the document it points to, not as a person's pronoun.
        let auditor = crate::Auditor::builtin().unwrap();
        let doc = Document::from_text("t.txt", text.to_string(), Format::Text);
        let seg = crate::text::segment(&doc.text);
        let they = find(&auditor.rules, &doc, &seg)
            .into_iter()
            .find(|f| f.rule == "pronoun-speaker")
            .unwrap();
        assert_eq!(
            they.message,
            "Credited again to the document just cited: They found"
        );
        assert!(!they.advice.contains("he' or 'she"), "{}", they.advice);
        // After people, not a document: dropped, not a named source "They".
        assert!(
            pronouns("Police said they searched the house. They found the bodies in the cellar.")
                .is_empty()
        );
    }

    #[test]
    fn it_said_takes_a_named_organization_and_reads_at_a_sentence_end() {
        // A name the ledger files as an organization is what "It" can be; a
        // person's name is not.
        let got = pronouns(
            "Kestrel Group said on Friday that data had been stolen. It said passwords were encrypted.",
        );
        assert_eq!(got, [("named-source".into(), Some("Kestrel Group".into()))]);
        assert!(pronouns("Mara Osei said the plan failed. It said the plan failed.").is_empty());
        // Inverted at the end of a sentence, "it" is the body just cited.
        let got = pronouns(
            "The navy said it had seized the tanker. The vessel had changed course, it said in a statement.",
        );
        assert_eq!(got, [("named-source".into(), Some("The navy".into()))]);
        // "…, it said it would" opens what was said: no attribution to "it".
        assert!(pronouns("The ministry said the toll rose, it said it would.").is_empty());
        // "the statement read" is the body that issued it, like "it said".
        let got = pronouns(
            "The club issued a statement on Monday. \u{201c}The board thanks him,\u{201d} the statement read.",
        );
        assert_eq!(got, [("named-source".into(), Some("The club".into()))]);
        assert!(pronouns("\u{201c}The board thanks him,\u{201d} the statement read.").is_empty());
    }

    #[test]
    fn one_unnamed_group_read_by_two_rules_is_one_finding() {
        // anonymous-interviews reads the counted workers and anonymous-described
        // the whole description; both begin at "Another", so one yields.
        let auditor = crate::Auditor::builtin().unwrap();
        let text = "Another two workers at a factory on the outskirts of Dhaka said the \
                    overtime was unpaid.";
        let doc = Document::from_text("t.txt", text.to_string(), Format::Text);
        let seg = crate::text::segment(&doc.text);
        let anonymous: Vec<_> = find(&auditor.rules, &doc, &seg)
            .into_iter()
            .filter(|f| f.category == "anonymous-source")
            .map(|f| f.source.map(|s| s.name))
            .collect();
        assert_eq!(anonymous, [Some("Another two workers".to_string())]);
    }

    #[test]
    fn she_said_after_anonymity_granted_stays_anonymous_unless_a_group_was() {
        // The description is too long for the rules to read as a source; the
        // anonymity granted still tells who "she" is.
        let got = pronouns(
            "A clinical officer at a dispensary in the south of Kitui County said the depot \
             sent no antivenom. She asked not to be named because staff are barred from \
             speaking to journalists.\n\n\"We write requisitions every fortnight,\" she said.",
        );
        assert_eq!(got.last().unwrap().0, "anonymous-source");
        // "They were granted anonymity" is a group: the next "he" is not one.
        let got = pronouns(
            "The plan would extend funding, the people said. They were granted anonymity to \
             describe private talks. Asked about it on Tuesday, he said only that all options \
             were open.",
        );
        assert_eq!(got.last().unwrap().0, "named-source");
    }

    #[test]
    fn a_state_agency_read_as_an_outlet_too_is_state_media_only() {
        // The outlet rule names it "The Vietnam" (before "News Agency"); the
        // state-media rule reads "Vietnam News Agency": one source, one reading.
        let text = "The Vietnam News Agency said the crew were safe.";
        assert!(settled_by("other-outlet", text).is_empty());
        assert_eq!(
            settled_by("state-media-outlet", text),
            [("state-media".into(), Some("Vietnam News Agency".into()))]
        );
        // An outlet that is no state medium keeps its finding.
        let text = "The Hindustan Times said the crew were safe.";
        assert_eq!(settled_by("other-outlet", text).len(), 1);
    }

    #[test]
    fn the_agency_or_the_newspaper_takes_the_newsroom_just_cited() {
        let settled = |text: &str| settled_by("named-institution", text);
        let got = settled(
            "KCNA reported the launch on Friday. The agency said the test posed no threat.",
        );
        assert_eq!(got, [("state-media".into(), Some("KCNA".into()))]);
        // A newspaper is no news agency: "the agency" is then some other body.
        let got = settled(
            "The Guardian reported the figures on Friday. The agency said the test posed no threat.",
        );
        assert_eq!(got, [("named-source".into(), Some("The agency".into()))]);
        // Agency names are whole words: "Defense" holds "efe" (Spain's EFE).
        let got = settled(
            "Defense News reported the contract on Friday. The agency said the award was on time.",
        );
        assert_eq!(got, [("named-source".into(), Some("The agency".into()))]);
        // With no newsroom in reach, it stays the institution it names.
        let filler = "The shelling went on. ".repeat(40);
        let got = settled(&format!(
            "KCNA reported the launch. {filler}The agency said the test posed no threat."
        ));
        assert_eq!(got, [("named-source".into(), Some("The agency".into()))]);
        // "The state agency" is a state medium only after one: after a wire
        // service it is a state government's body.
        let got = settled("Reuters reported the fine. The state agency said the plant complied.");
        assert_eq!(
            got,
            [("named-source".into(), Some("The state agency".into()))]
        );
        // "The newspaper reported", which the outlet rule names "The", is the
        // newspaper just cited.
        let outlets = |text: &str| settled_by("other-outlet", text);
        let got = outlets(
            "The Irish Times reported the bonus on Friday. The newspaper said no bonus was paid.",
        );
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[1],
            ("other-outlet".into(), Some("The Irish Times".into()))
        );
        // With none in reach, its source is what it calls itself, not "The".
        let got = outlets("The newspaper said no bonus was paid.");
        assert_eq!(got, [("other-outlet".into(), Some("The newspaper".into()))]);
        // A press review's "The paper says" is the paper just cited; a study's
        // "paper" with no outlet in reach stays a document.
        let documents = |text: &str| settled_by("document-says", text);
        let got = documents("The Guardian reported the deal. The paper says the mayor resigned.");
        assert_eq!(got, [("other-outlet".into(), Some("The Guardian".into()))]);
        let got = documents("The paper says urchins recovered within four years.");
        assert_eq!(got, [("document-source".into(), None)]);
        // Its other shorthands: the tabloid, the paper's editor, its
        // correspondent; but "its annual report" is the body's own document.
        for text in [
            "The Sun leads on the transfer. The tabloid claims the deal is done.",
            "The Sun leads on the transfer. The paper's sports editor says the deal is done.",
            "The Sun leads on the transfer. Its football correspondent says the deal is done.",
        ] {
            let got = documents(text);
            assert_eq!(
                got,
                [("other-outlet".into(), Some("The Sun".into()))],
                "{text}"
            );
        }
        let got = documents(
            "The Sun reported the fine. The council said its annual report says cheating is rising.",
        );
        assert_eq!(got, [("document-source".into(), None)]);
        // "The channel" after a broadcaster, and "the agency quoted": the
        // newsroom again, passing on another's words; but a channel on a
        // platform just cited is the post's, not a broadcaster (the third).
        let cases: [(&str, &str, Option<&str>); 3] = [
            (
                "Iranian state television showed the ship. The channel said the crew were safe.",
                "state-media",
                Some("state television"),
            ),
            (
                "IRNA reported the seizure. The agency quoted a local official as saying fuel was found.",
                "state-media",
                Some("IRNA"),
            ),
            (
                "Rybar, a pro-Kremlin Telegram channel, posted video of the strike. The channel said the drones had hit a depot.",
                "social-media",
                None,
            ),
        ];
        for (text, category, source) in cases {
            let got = settled(text);
            assert_eq!(only_category(&got), category, "{text}");
            if let Some(source) = source {
                assert_eq!(got[0].1.as_deref(), Some(source), "{text}");
            }
        }
        // Alone, the channel is what it names, and a firm quoting a price
        // passes on no one's words.
        let got = settled("The channel said it would stop broadcasting.");
        assert_eq!(got, [("named-source".into(), Some("The channel".into()))]);
        assert!(settled("The company quoted a price of five dollars.").is_empty());
    }

    #[test]
    fn a_newsroom_named_again_reads_as_the_newsroom_in_the_report() {
        let auditor = crate::Auditor::builtin().unwrap();
        let text = "Reuters reported the deal on Monday. The agency said the mayor had resigned.";
        let doc = Document::from_text("t.txt", text.to_string(), Format::Text);
        let seg = crate::text::segment(&doc.text);
        let found = find(&auditor.rules, &doc, &seg);
        let again = found
            .iter()
            .find(|f| f.rule == "named-institution")
            .expect("the agency is found");
        let reuters = found.iter().find(|f| f.rule == "other-outlet").unwrap();
        assert_eq!(again.category, "other-outlet");
        assert_eq!(again.message, "Credited again to Reuters: The agency said");
        assert_eq!(
            (again.severity, again.weight, &again.advice),
            (reuters.severity, reuters.weight, &reuters.advice)
        );
    }

    /// The categories found in `text` after every rule has settled.
    fn categories(text: &str) -> Vec<String> {
        let auditor = crate::Auditor::builtin().unwrap();
        let doc = Document::from_text("t.txt", text.to_string(), Format::Text);
        let seg = crate::text::segment(&doc.text);
        let mut got: Vec<String> = find(&auditor.rules, &doc, &seg)
            .into_iter()
            .map(|f| f.category)
            .filter(|c| c != "policy")
            .collect();
        got.sort();
        got.dedup();
        got
    }

    #[test]
    fn people_met_on_the_ground_stay_unnamed_after_settling() {
        // Read as an institution and as unnamed people, the two readings used
        // to yield to each other and both were dropped.
        assert_eq!(
            categories("Residents of Kibwezi said the borehole had been dry since March."),
            ["anonymous-source"]
        );
        // The crowd reading and the unnamed one both stand.
        assert_eq!(
            categories("Some residents said the attackers wore army uniforms."),
            ["anonymous-source", "vague-attribution"]
        );
        assert_eq!(
            categories("Some residents say they have stopped going out."),
            ["vague-attribution"]
        );
    }

    #[test]
    fn pronoun_after_an_unnamed_official_stays_anonymous_however_far() {
        let filler = "The shelling went on. ".repeat(12);
        let got = pronouns(&format!(
            "A senior official said the talks had stalled. {filler}\u{201c}It is over,\u{201d} he said."
        ));
        assert_eq!(only_category(&got), "anonymous-source");
        assert_eq!(got[0].1.as_deref(), Some("A senior official"));
    }

    #[test]
    fn pronoun_means_a_person_named_since_the_unnamed_source() {
        let got = pronouns(
            "A senior official said the talks had stalled. Mr. Blinken arrived on Tuesday. \
             \u{201c}It is over,\u{201d} he said.",
        );
        assert_eq!(got[0].0, "named-source");
    }

    #[test]
    fn he_or_she_never_means_plural_officials() {
        let got =
            pronouns("Officials said the talks had stalled. \u{201c}It is over,\u{201d} she said.");
        assert_eq!(got[0].0, "named-source");
        // "they" is not a pronoun this rule reads; a singular unnamed source is.
        let got = pronouns(
            "A person familiar with the talks said they had stalled. \u{201c}It is over,\u{201d} she said.",
        );
        assert_eq!(got[0].0, "anonymous-source");
    }

    #[test]
    fn a_role_points_back_to_the_last_speaker_of_either_number() {
        // After unnamed prelates, "the prelate" is one of them.
        let got = pronouns(
            "Two senior prelates familiar with the inquiry said it had examined the sale. \
             \u{201c}It is negligence,\u{201d} the prelate said.",
        );
        assert_eq!(only_category(&got), "anonymous-source");
        // After a named engineer, "the engineer" is that engineer.
        let got = pronouns(
            "Officials said the plant was safe. Jane Roe, an engineer, said it was not. \
             \u{201c}It leaks,\u{201d} the engineer said.",
        );
        assert_eq!(got[0].0, "named-source");
    }

    #[test]
    fn they_means_the_last_group_quoted_and_nothing_without_one() {
        // After unnamed people, "they" is them, whoever is named in between.
        let got = pronouns(
            "Two people familiar with the talks said a deal was near. Mr. Ito leads the \
             buyer. No final decision has been made, they added.",
        );
        assert_eq!(only_category(&got), "anonymous-source");
        assert_eq!(
            got[0].1.as_deref(),
            Some("Two people familiar with the talks")
        );
        // After a crowd, the crowd: "Others believe…; the window, they say, …".
        let got =
            pronouns("Critics say the plan is late. The window, they say, will not stay open.");
        assert_eq!(got[0].0, "vague-attribution");
        // After named senators, named.
        let got = pronouns(
            "Rodrigo Cifuentes and Paula Arancibia said they could not back it. \
             The bill, they said, asks too much.",
        );
        assert_eq!(got[0].0, "named-source");
        // With no one quoted before, "they" is not a source at all.
        assert!(pronouns("The main sticking point, they said, was the order.").is_empty());
    }

    /// The prefilter and the ASCII-boundary twins must never change a finding:
    /// compare with every rule run plainly over every unit.
    #[test]
    fn fast_path_finds_exactly_what_the_plain_path_finds() {
        let auditor = crate::Auditor::builtin().unwrap();
        let rules = &auditor.rules;
        let fast = rules.matcher();
        let plain = matcher::Matcher::plain(&rules.rules);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        assert!(texts.len() >= 10);
        for r in &rules.rules {
            texts.extend(r.examples.iter().map(|e| e.text.clone()));
        }
        // Non-ASCII word characters next to matches, where ASCII and Unicode
        // boundaries differ, and Unicode case folds (long s, Kelvin sign).
        texts.extend(
            [
                "Zoë Martínez said the talks had stalled.",
                "The officials ſaid the talks had stalled, according to Reuters.",
                "“It is over,” said José Álvarez, a spokesman. Officialsé said so.",
                "An official, who spoke on the condition of anonymity, \u{212A}new it.",
                "éofficials said so. Critics sayé. Reportedlyé, it failed.",
                // Case-insensitive rules whose every literal is spelled with a long s.
                "The ſtudy ſhows the riſk. Critics ſay it failed.",
                // Accented letters a rule spells out belong in its literals.
                "The ministry said so in a communiqué. El País reported the deal had failed.",
                // Latin letters beyond ASCII (the European twins), precomposed
                // and with combining accents, Greek and Cyrillic (the same), and
                // letters of the other groups of scripts (their own twins),
                // alone and in one sentence with others.
                "Nguyễn Văn An, a spokesman for the ministry, said the talks had stalled.",
                "Jose\u{301} A\u{301}lvarez said so. Łukasz Żółw, the minister, told reporters.",
                "Erdoğan's aides said it failed, according to officials familiar with the matter.",
                "Σωκράτης Παππάς, a spokesman, said the talks had stalled. Officials said so.",
                "Владимир Петров said so. José Martí and Σωκράτης, both officials, declined to comment.",
                "Officials in Ελλάδα said it failed; the Müller report, officials say, was leaked.",
                // A word that mixes scripts.
                "Alexandrος Papadopoulos, a spokesman, said it failed. Mr. Petrовић said so.",
                "习近平, the president, said so. Ahmad عبد الله, a spokesman, said it failed.",
                "Li习 Wang, an official, said so. Officials in 北京 said the talks had stalled.",
                // Each group of scripts, next to the words of a match and inside them.
                "محمود عباس, a spokesman, said so. Officials said it failed, according to נתניהו.",
                "नरेंद्र मोदी told reporters it failed. Officialsक said so; ทักษิณ declined to comment.",
                "岸田文雄 said the talks had stalled, and 윤석열, the president, said so too.",
                "Officials in 東京 said so. The ministry said in a statement that it failed, Ｒｅｕｔｅｒｓ reported.",
                // A non-ASCII letter as a sentence's first character (found in
                // review: a unit's scripts must count it).
                "ÉA senior minister said the cabinet would meet. Officials said so.",
                // Joiners and variation selectors, in every Persian sentence and
                // in emoji: word characters of no script of their own.
                "Officials said the talks failed, according to می\u{200C}خواهم. ❤\u{FE0F} Critics say so.",
                // Inside a name that starts with an ASCII capital, where a
                // twin missing its group's letters would cut the name short.
                "Aلعباس, a spokesman, said so.",
                "Mमोदी Singh, the minister, said it failed.",
                "Xi习近平, the president, said so.",
                "S𝐦𝐢𝐭𝐡 Jones said so.",
                // The fifth group: letters of no group (mathematical bold, Latin
                // Extended-D), and the long s and Kelvin sign beside letters of
                // the others.
                "𝐒𝐦𝐢𝐭𝐡, a spokesman, said so. Ꝺavid Jones, the minister, said it failed.",
                "Jameſ Smith, a spokesman, said so. Lord \u{212A}elvin said it failed.",
                "José and 习近平 ſaid so, officials said. Σωκράτης \u{212A}new it, a senior official said.",
                // Every group in one sentence: the rule's own regex.
                "José, 习近平, عباس, मोदी and 𝐒𝐦𝐢𝐭𝐡, all officials, said the talks had stalled.",
            ]
            .map(String::from),
        );
        let docs: Vec<Document> = texts
            .iter()
            .map(|t| Document::from_text("t.txt", t.clone(), Format::Text))
            .collect();
        let segs: Vec<_> = docs.iter().map(|d| crate::text::segment(&d.text)).collect();
        let pairs: Vec<_> = docs.iter().zip(&segs).collect();
        let batch = find_with(rules, &fast, &pairs, false);
        {
            // Rules another worker holds run after the others, with the same
            // findings.
            let held: Vec<_> = (0..rules.rules.len())
                .step_by(2)
                .map(|i| fast.claim(i).expect("unclaimed"))
                .collect();
            assert!(held.len() > 10 && fast.claim(0).is_none());
            let copy: matcher::Matcher = fast.as_ref().clone();
            assert!(copy.claim(0).is_some(), "a copy starts unclaimed");
            assert_eq!(find_with(rules, &fast, &pairs, false), batch);
        }
        assert!(fast.claim(0).is_some(), "a claim ends when dropped");
        // Workers sharing one matcher, its claims and its caches, find what
        // one finds alone.
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..3)
                .map(|_| s.spawn(|| find_with(rules, &fast, &pairs, false)))
                .collect();
            for worker in workers {
                assert_eq!(worker.join().unwrap(), batch);
            }
        });
        for (k, pair) in pairs.iter().enumerate() {
            // Alone, the document's rules run in parallel.
            let one = find_with(rules, &fast, std::slice::from_ref(pair), true);
            assert_eq!(
                one,
                find_with(rules, &plain, std::slice::from_ref(pair), false),
                "fast and plain matching differ on: {}",
                texts[k]
            );
            // A document's findings do not depend on the batch it is audited in.
            assert_eq!(one[0], batch[k], "batch and single differ on: {}", texts[k]);
            // Only the first group of scripts beyond the European that a
            // matcher meets gets twins: a new matcher gives it to this text's.
            let beyond = |c: char| regex_syntax::is_word_character(c) && c > '\u{52F}';
            if texts[k].contains(beyond) {
                let fresh = matcher::Matcher::new(&rules.rules);
                assert_eq!(
                    one,
                    find_with(rules, &fresh, std::slice::from_ref(pair), true),
                    "a new matcher differs on: {}",
                    texts[k]
                );
            }
        }
    }

    /// An auditor of one pack written in a test, and no other rules.
    fn auditor_of(path: &str, pack: &str) -> crate::Auditor {
        crate::Auditor::from_sources(&[PackSource {
            path: path.into(),
            text: pack.into(),
        }])
        .unwrap()
    }

    /// The findings of `auditor`'s rules in `text`, as one plain-text document.
    /// The source name of each finding in `text` (empty where none).
    fn sources_in(auditor: &crate::Auditor, text: &str) -> Vec<String> {
        findings_of(auditor, text)
            .into_iter()
            .map(|f| f.source.map(|s| s.name).unwrap_or_default())
            .collect()
    }

    fn findings_of(auditor: &crate::Auditor, text: &str) -> Vec<Finding> {
        let doc = Document::from_text("t.txt", text.into(), Format::Text);
        let seg = crate::text::segment(&doc.text);
        find(&auditor.rules, &doc, &seg)
    }

    /// `verb_not_followed_by` reads from the start of the match's last word,
    /// so it can tell a request ("asked the court to") from a question.
    #[test]
    fn verb_not_followed_by_reads_from_the_last_word() {
        let auditor = auditor_of(
            "verb.toml",
            r#"
[pack]
id = "verb"
[[rule]]
id = "asks"
category = "a"
pattern = '\b(?P<who>[A-Z][a-z]+)\s+(?:asked|said)\b'
verb_not_followed_by = ['asked\s+(?:the\s+[a-z]+\s+)?(?:to|for)\b']
source = { group = "who", kind = "named" }
message = "m"
"#,
        );
        let sources_of = |text: &str| sources_in(&auditor, text);
        assert!(sources_of("Nordwerk asked the government for a credit line.").is_empty());
        assert!(sources_of("Kohl asked the court to intervene.").is_empty());
        assert_eq!(sources_of("Kohl asked whether it was over."), ["Kohl"]);
        assert_eq!(sources_of("\"Why?\" Kohl asked."), ["Kohl"]);
        // Another verb is not read by a pattern written for "asked".
        assert_eq!(
            sources_of("Kohl said the court to intervene was full."),
            ["Kohl"]
        );
    }

    /// `not_followed_by` drops only the match it follows, read from the
    /// match's end (after an empty `end` group, where there is one); `unless`
    /// would drop every match in the sentence.
    #[test]
    fn not_followed_by_drops_only_the_match_it_follows() {
        let auditor = auditor_of(
            "after.toml",
            r#"
[pack]
id = "after"
[[rule]]
id = "claims"
category = "a"
pattern = '\b(?P<who>[A-Z][a-z]+|she)\s+claimed(?P<end>)\s'
not_followed_by = ['(?:her|his|the)\s+(?:[a-z]+\s+){0,2}(?:title|medal)', 'x{3}']
source = { group = "who", kind = "named" }
message = "m"
"#,
        );
        let sources_of = |text: &str| sources_in(&auditor, text);
        assert_eq!(
            sources_of("Nkosi claimed her third national title."),
            Vec::<String>::new()
        );
        assert_eq!(
            sources_of("After she claimed the gold medal, Nkosi claimed the referee was biased."),
            vec!["Nkosi".to_string()]
        );
        assert_eq!(
            sources_of("Nkosi claimed the referee was biased."),
            vec!["Nkosi".to_string()]
        );
        // Anchored at the end: a title later in the sentence does not count.
        assert_eq!(
            sources_of("Nkosi claimed on Sunday that the title was stolen."),
            vec!["Nkosi".to_string()]
        );
        // Any of the list drops it.
        assert_eq!(sources_of("Nkosi claimed xxx."), Vec::<String>::new());
    }

    /// Two readings that yield to each other: the longer stands, two as long
    /// both go (the rules must then decide), and a one-way yield is unchanged.
    #[test]
    fn mutual_yields_keep_the_longer_reading() {
        let auditor = auditor_of(
            "mutual.toml",
            r#"
[pack]
id = "mutual"
[[rule]]
id = "short"
category = "a"
pattern = '\bthe\s+aides?\s+said\b'
overridden_by = ["b", "d"]
message = "m"
[[rule]]
id = "long"
category = "b"
pattern = '\bthe\s+aides?\s+said\s+the\s+plan\b'
overridden_by = ["a"]
message = "m"
[[rule]]
id = "same"
category = "c"
pattern = '\bthe\s+aides?\s+said\b'
overridden_by = ["a"]
message = "m"
[[rule]]
id = "twin"
category = "d"
pattern = '\bthe\s+aides?\s+said\b'
overridden_by = ["a"]
message = "m"
"#,
        );
        let rules_of = |text: &str| {
            findings_of(&auditor, text)
                .into_iter()
                .map(|f| f.rule)
                .collect::<Vec<_>>()
        };
        // "long" holds "short" and each yields to the other: the longer stands.
        // "same" yields to "short" one way, and goes, as before.
        assert_eq!(
            rules_of("He left after the aides said the plan was dead."),
            ["long"]
        );
        // "short" and "twin" are as long and yield to each other: both go.
        assert!(rules_of("He left after the aides said no.").is_empty());
    }

    /// A pack whose literals hold accented letters and case folds: the fast
    /// path must find what the plain one finds in units that hold them.
    #[test]
    fn fast_path_keeps_accented_literals_and_folds() {
        let auditor = auditor_of(
            "accents.toml",
            r#"
[pack]
id = "accents"
[[rule]]
id = "communique"
category = "x"
pattern = '(?i)\bthe\s+communiqu[eé]\s+(?:said|says)\b'
message = "m"
[[rule]]
id = "pais"
category = "x"
pattern = '\bEl\s+Pa[ií]s\s+(?:reported|says)\b'
message = "m"
"#,
        );
        let rules = &auditor.rules;
        let plain = matcher::Matcher::plain(&rules.rules);
        for text in [
            "The communiqué said the talks had stalled.",
            "The communique said the talks had stalled, José added.",
            "The communiqué ſays the talks had stalled.",
            "El País reported it. El Pais says so.",
        ] {
            let doc = Document::from_text("t.txt", text.into(), Format::Text);
            let seg = crate::text::segment(&doc.text);
            let fast = find_with(rules, &rules.matcher(), &[(&doc, &seg)], true);
            assert_eq!(
                fast,
                find_with(rules, &plain, &[(&doc, &seg)], false),
                "{text}"
            );
            assert!(!fast[0].0.is_empty(), "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The same on generated sentences mixing attribution words with curly
        /// quotes, dashes, accented and long-s letters and words of other
        /// scripts: the ASCII twin (narrowed classes, ASCII `\b`), the script
        /// twins (each case starts a new matcher, so the first script beyond
        /// the European it meets varies) and the loose filter must find
        /// exactly what the rule's own regex finds.
        #[test]
        fn fast_path_equals_plain_path_on_generated_text(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "said", "says", "told", "officials", "Officials", "a senior official",
                "according to", "Mr.", "Ms. Hua", "Hua Chunying", "the ministry",
                "Reuters", "The Times", "spokesman", "who spoke on condition of anonymity",
                "declined to comment", "critics", "“", "”", "’s", "—", ",", ".",
                "\u{a0}", "é", "José", "ſaid", "Kelvin \u{212A}", "2021", "(", ")",
                // A word of each group of scripts, alone and glued to a name.
                "习近平", "X习", "عباس", "Aلع", "मोदी", "Mमो", "𝐒𝐦𝐢𝐭𝐡", "S𝐦", "Τσίπρας",
            ]), 1..24)
        ) {
            let auditor = crate::Auditor::builtin().unwrap();
            let rules = &auditor.rules;
            let text = words.join(" ");
            let doc = Document::from_text("t.txt", text.clone(), Format::Text);
            let seg = crate::text::segment(&doc.text);
            let plain = matcher::Matcher::plain(&rules.rules);
            proptest::prop_assert_eq!(
                find_with(rules, &rules.matcher(), &[(&doc, &seg)], false),
                find_with(rules, &plain, &[(&doc, &seg)], false),
                "on: {}", text
            );
        }
    }
}
