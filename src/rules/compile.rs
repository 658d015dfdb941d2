//! Compiling packs: lexicon expansion, regex compilation and every check a pack
//! must pass before it is used. A pack with any error is never half-loaded.

use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use regex::{Regex, RegexBuilder};

use crate::rules::condition::Condition;
use crate::rules::error::{Lines, RuleError, nearest};
use crate::rules::expr::{self, Expr};
use crate::rules::matcher::Matcher;
use crate::rules::pack::{
    self, Example, PackFile, PackSource, Quotes, Scope, Severity, SourceDef, SourceKind,
};
use crate::rules::{CATEGORIES, Finding, SourceMention};
use crate::score::{ScoringDef, ScoringModel};
use crate::text::{Segments, Span};

/// Most bytes a compiled regex may take; keeps a hostile pattern from exhausting memory.
pub(crate) const REGEX_SIZE_LIMIT: usize = 16 * 1024 * 1024;
/// Most bytes of lazy-DFA cache per regex. At 8 MiB the built-in rules' large
/// lexicons overflowed it on real articles: the cache was cleared and rebuilt over
/// and over, and building DFA states took half the audit's time (44 s on one core
/// for the 52 MB benchmark corpus against 22 s at 32 MiB; see BENCHMARKS.md).
/// The cache grows only as states are used, so most regexes stay far below it.
pub(crate) const DFA_SIZE_LIMIT: usize = 32 * 1024 * 1024;

/// A rule's own regex. Compiled while loading for packs a user wrote, so that a
/// wrong pattern is reported there with its place in the pack. For the built-in
/// packs, which the test suite compiles, it is compiled on first use instead:
/// on English text the matcher runs the rules' ASCII twins, so a run over one
/// article needs few of them or none, and compiling them all was half of
/// start-up. A user's pattern is checked while loading (see `check_regex`),
/// not compiled, for the same reason; it is compiled at once only when the
/// matcher has no twin for its rule.
#[derive(Debug, Clone)]
pub struct RuleRegex {
    pattern: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl RuleRegex {
    fn deferred(pattern: String) -> RuleRegex {
        RuleRegex {
            pattern,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The regex, compiled now if it was not yet.
    ///
    /// # Panics
    ///
    /// If a deferred pattern does not compile. Only the built-in packs are
    /// deferred, and the tests compile every one of their patterns (a user's
    /// pattern is deferred only after `check_regex`, which fails exactly where
    /// compiling does, accepted it while loading); were one
    /// broken anyway, the run stops with an internal error rather than silently
    /// dropping a rule or one of its conditions.
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            built_or_panic(
                build_regex(&self.pattern),
                &self.pattern,
                "a built-in pattern",
            )
        })
    }

    /// The pattern, as compiled.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }
}

/// A deferred pattern's regex, built on first use: one that does not build
/// is an internal error (see [`RuleRegex::get`]), reported with `what` and
/// the pattern's start.
pub(crate) fn built_or_panic<T, E: std::fmt::Display>(
    built: Result<T, E>,
    pattern: &str,
    what: &str,
) -> T {
    match built {
        Ok(re) => re,
        #[allow(clippy::panic)]
        Err(e) => panic!(
            "{what} does not compile ({e}): {}",
            pattern.chars().take(200).collect::<String>()
        ),
    }
}

/// The names of a pattern's capture groups by number (`None` for group 0 and
/// unnamed groups), read from its syntax without compiling it.
fn group_names(pattern: &str) -> Option<Vec<Option<String>>> {
    use regex_syntax::ast::{Ast, GroupKind};
    fn walk(ast: &Ast, out: &mut Vec<(u32, Option<String>)>) {
        match ast {
            Ast::Group(g) => {
                match &g.kind {
                    GroupKind::CaptureIndex(i) => out.push((*i, None)),
                    GroupKind::CaptureName { name, .. } => {
                        out.push((name.index, Some(name.name.clone())))
                    }
                    GroupKind::NonCapturing(_) => {}
                }
                walk(&g.ast, out);
            }
            Ast::Repetition(r) => walk(&r.ast, out),
            Ast::Alternation(a) => a.asts.iter().for_each(|a| walk(a, out)),
            Ast::Concat(c) => c.asts.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .ok()?;
    let mut found = Vec::new();
    walk(&ast, &mut found);
    let mut names = vec![None; found.len() + 1];
    for (i, name) in found {
        *names.get_mut(i as usize)? = name;
    }
    Some(names)
}

/// A pattern rule, compiled and ready to run.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// Unique id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// The pack it came from.
    pub pack: String,
    /// Category of its findings.
    pub category: String,
    /// Severity of its findings.
    pub severity: Severity,
    /// Weight of its findings.
    pub weight: f64,
    /// Which text it runs over.
    pub scope: Scope,
    /// Where matches may fall relative to quotations.
    pub quotes: Quotes,
    /// The pattern as written (or the phrase list joined with ` | `).
    pub pattern_source: String,
    /// The pattern after lexicon expansion, as compiled.
    pub pattern_compiled: String,
    /// The compiled pattern.
    pub regex: RuleRegex,
    /// The names of its capture groups by number (`None` for group 0 and
    /// unnamed groups).
    pub groups: Vec<Option<String>>,
    /// A pattern that must match within a number of words.
    pub near: Option<(Arc<Condition>, usize)>,
    /// Patterns that cancel a finding when they match in its sentence.
    pub unless: Vec<Arc<Condition>>,
    /// Patterns that cancel a finding when a match of theirs starts where it
    /// ends (past white space), read to the end of its sentence.
    pub not_followed_by: Vec<Arc<Condition>>,
    /// Patterns that cancel a finding when a match of theirs starts where its
    /// last word starts, read to the end of its sentence.
    pub verb_not_followed_by: Vec<Arc<Condition>>,
    /// How to read the source from the match.
    pub source: Option<SourceDef>,
    /// Drops the finding when it matches the whole captured source.
    pub reject: Option<Arc<Condition>>,
    /// Categories that take precedence over this rule where they overlap.
    pub overridden_by: Vec<String>,
    /// Message template.
    pub message: String,
    /// Advice for the editor.
    pub advice: String,
    /// The newsroom basis.
    pub why: String,
    /// Citations.
    pub references: Vec<String>,
    /// Examples for `rules test`.
    pub examples: Vec<Example>,
}

/// A document rule, compiled.
#[derive(Debug, Clone)]
pub struct CompiledDocumentRule {
    /// Unique id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// The pack it came from.
    pub pack: String,
    /// Category of its finding (usually `policy`).
    pub category: String,
    /// Severity.
    pub severity: Severity,
    /// Weight.
    pub weight: f64,
    /// The condition as written.
    pub when_source: String,
    /// The parsed condition.
    pub when: Expr,
    /// Category or rule id whose first finding it points at.
    pub anchor: Option<String>,
    /// Message.
    pub message: String,
    /// Advice.
    pub advice: String,
    /// Basis.
    pub why: String,
    /// Citations.
    pub references: Vec<String>,
    /// Example articles for `rules test`.
    pub examples: Vec<Example>,
}

/// A loaded pack's identity.
#[derive(Debug, Clone)]
pub struct PackInfo {
    /// Pack id.
    pub id: String,
    /// Description.
    pub description: String,
    /// File it was read from.
    pub path: String,
}

/// Every rule of every loaded pack, compiled once per run.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Pattern rules, in load order. After adding, removing or reordering
    /// them, call [`RuleSet::rules_changed`].
    pub rules: Vec<CompiledRule>,
    /// Document rules, in load order.
    pub document_rules: Vec<CompiledDocumentRule>,
    /// The scoring model.
    pub scoring: ScoringModel,
    /// The packs loaded.
    pub packs: Vec<PackInfo>,
    /// The single-pass prefilter over `rules`, built once per rule set.
    pub(crate) matcher: std::sync::OnceLock<Matcher>,
}

impl RuleSet {
    /// Load, check and compile packs. `scoring_base` is the default scoring model's
    /// source, always read first; any pack's `[scoring]` replaces it.
    ///
    /// Returns every problem found, not only the first; no rule set is built if
    /// there is any.
    pub fn load(
        sources: &[PackSource],
        scoring_base: &PackSource,
    ) -> Result<RuleSet, Vec<RuleError>> {
        let mut errors = Vec::new();
        let mut parsed: Vec<(&PackSource, PackFile)> = Vec::new();
        let mut scoring_def: Option<(&PackSource, ScoringDef)> = None;
        match pack::parse(scoring_base) {
            Ok(p) => {
                if let Some(s) = p.scoring {
                    scoring_def = Some((scoring_base, s));
                }
            }
            Err(e) => errors.push(e),
        }
        for src in sources {
            if std::ptr::eq(src, scoring_base) || src.path == scoring_base.path {
                continue;
            }
            match pack::parse(src) {
                Ok(p) => parsed.push((src, p)),
                Err(e) => errors.push(e),
            }
        }

        let mut set = RuleSet {
            rules: Vec::new(),
            document_rules: Vec::new(),
            scoring: ScoringModel::default(),
            packs: Vec::new(),
            matcher: std::sync::OnceLock::new(),
        };
        let mut seen_ids: HashMap<String, String> = HashMap::new();
        let mut seen_packs: HashMap<String, String> = HashMap::new();
        // Lexicons are visible to the pack that defines them and every pack after it.
        let mut global_lexicon: HashMap<String, String> = HashMap::new();

        // Built-in packs, unchanged and ahead of any other (whose lexicons
        // could change what their patterns expand to), are known to compile.
        let mut builtin_so_far = true;
        // Each pack's line index, for locating its rule examples.
        let lines: Vec<Lines> = parsed
            .iter()
            .map(|(src, _)| Lines::new(&src.text))
            .collect();
        for (k, (src, file)) in parsed.iter_mut().enumerate() {
            builtin_so_far &= crate::rules::BUILTIN_PACKS
                .get(k)
                .is_some_and(|(name, text)| {
                    src.path.strip_prefix("<built-in>/") == Some(*name) && *text == src.text
                });
            let defer = builtin_so_far;
            let pack_id = file.pack.id.get_ref().clone();
            if let Some(prev) = seen_packs.insert(pack_id.clone(), src.path.clone()) {
                errors.push(
                    RuleError::at(
                        src,
                        file.pack.id.span(),
                        format!("duplicate pack id `{pack_id}`"),
                    )
                    .help(format!(
                        "`{pack_id}` is already loaded from {prev}; give this pack another id"
                    )),
                );
            }
            set.packs.push(PackInfo {
                id: pack_id.clone(),
                description: file.pack.description.clone(),
                path: src.path.clone(),
            });
            if let Some(s) = file.scoring.take() {
                scoring_def = Some((src, s));
            }

            let mut lexicon = global_lexicon.clone();
            let raw: HashMap<&str, &toml::Spanned<Vec<String>>> =
                file.lexicon.iter().map(|(k, v)| (k.as_str(), v)).collect();
            for (name, entries) in &file.lexicon {
                match expand_lexicon(name, &raw, &global_lexicon, 0) {
                    Ok(alt) => {
                        lexicon.insert(name.clone(), alt);
                    }
                    Err(msg) => errors.push(
                        RuleError::at(src, entries.span(), format!("lexicon `{name}`: {msg}"))
                            .help(
                                "a lexicon entry may use another lexicon as {name}, without cycles",
                            ),
                    ),
                }
            }

            // Compiling the regexes is most of start-up, and rules compile
            // independently: in parallel (on the caller's thread pool, so
            // `--jobs` holds), then taken in order.
            let lines = &lines[k];
            let compiled: Vec<_> = file
                .rule
                .par_iter()
                .map(|def| compile_rule((src, lines), &pack_id, def, &lexicon, defer))
                .collect();
            for (def, compiled) in file.rule.iter().zip(compiled) {
                let id = def.id.get_ref().clone();
                if let Some(prev) = seen_ids.insert(id.clone(), src.path.clone()) {
                    errors.push(
                        RuleError::at(src, def.id.span(), format!("duplicate rule id `{id}`"))
                            .in_rule(&id)
                            .help(format!("`{id}` is already defined in {prev}; rule ids must be unique across packs")),
                    );
                }
                match compiled {
                    Ok(rule) => set.rules.push(rule),
                    Err(mut errs) => errors.append(&mut errs),
                }
            }
            for (name, alt) in lexicon {
                global_lexicon.entry(name).or_insert(alt);
            }
        }

        // Document rules see every category and rule id of every pack.
        let categories: BTreeSet<String> = CATEGORIES
            .iter()
            .map(|c| c.to_string())
            .chain(set.rules.iter().map(|r| r.category.clone()))
            .collect();
        let rule_ids: BTreeSet<String> = set.rules.iter().map(|r| r.id.clone()).collect();
        for ((src, file), lines) in parsed.iter().zip(&lines) {
            let pack_id = file.pack.id.get_ref().clone();
            for def in &file.document_rule {
                let id = def.id.get_ref().clone();
                if let Some(prev) = seen_ids.insert(id.clone(), src.path.clone()) {
                    errors.push(
                        RuleError::at(src, def.id.span(), format!("duplicate rule id `{id}`"))
                            .in_rule(&id)
                            .help(format!("`{id}` is already defined in {prev}; rule ids must be unique across packs")),
                    );
                }
                match compile_document_rule((src, lines), &pack_id, def, &categories, &rule_ids) {
                    Ok(rule) => set.document_rules.push(rule),
                    Err(e) => errors.push(e),
                }
            }
        }

        if let Some((src, def)) = scoring_def {
            match ScoringModel::from_def(def) {
                Ok(model) => set.scoring = model,
                Err(msg) => errors.push(RuleError::file(&src.path, format!("[scoring]: {msg}"))),
            }
        }

        if errors.is_empty() {
            share_conditions(&mut set.rules);
            // A rule without a twin runs its own regex on every unit: compile
            // those now, in parallel, rather than one by one in the first
            // document.
            let matcher = set.matcher();
            set.rules.par_iter().enumerate().for_each(|(i, rule)| {
                if !matcher.has_twin(i) {
                    rule.regex.get();
                }
            });
            drop(matcher);
            Ok(set)
        } else {
            Err(errors)
        }
    }

    /// The single-pass prefilter for the current rules. If `rules` was changed
    /// after loading without [`RuleSet::rules_changed`], every call builds a
    /// new one, compiling every twin: correct, but slow.
    pub fn matcher(&self) -> std::borrow::Cow<'_, Matcher> {
        // Built before it is stored, not inside `get_or_init`: `Matcher::new`
        // runs on the thread pool, and a worker waiting there may take up a
        // job that asks for the matcher too. With the once-lock held through
        // the build, that job deadlocked the run (a config with `disable`,
        // which drops the matcher, and documents streamed in). Two threads
        // may now build it at once; the first one stored is kept.
        let built = match self.matcher.get() {
            Some(built) => built,
            None => {
                let fresh = Matcher::new(&self.rules);
                self.matcher.get_or_init(|| fresh)
            }
        };
        if built.fits(&self.rules) {
            std::borrow::Cow::Borrowed(built)
        } else {
            std::borrow::Cow::Owned(Matcher::new(&self.rules))
        }
    }

    /// Drop the matcher built for the rules as loaded, after `rules` was
    /// changed; the next [`RuleSet::matcher`] builds one for them and keeps it.
    pub fn rules_changed(&mut self) {
        self.matcher = std::sync::OnceLock::new();
    }

    /// A pattern rule by id.
    pub fn rule(&self, id: &str) -> Option<&CompiledRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Every rule id, pattern and document rules alike.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .map(|r| r.id.as_str())
            .chain(self.document_rules.iter().map(|r| r.id.as_str()))
    }
}

fn expand_lexicon(
    name: &str,
    raw: &HashMap<&str, &toml::Spanned<Vec<String>>>,
    global: &HashMap<String, String>,
    depth: usize,
) -> Result<String, String> {
    if depth > 8 {
        return Err("lexicons refer to each other in a cycle".to_string());
    }
    let Some(entries) = raw.get(name) else {
        return global
            .get(name)
            .cloned()
            .ok_or_else(|| format!("unknown lexicon `{name}`"));
    };
    let mut parts = Vec::new();
    let mut total = 0usize;
    for entry in entries.get_ref() {
        // Keep the reason a nested lexicon failed (a cycle, or too long) rather
        // than reporting it as unknown.
        let inner = std::cell::RefCell::new(None);
        let expanded = expand(
            entry,
            &|n| match expand_lexicon(n, raw, global, depth + 1) {
                Ok(alt) => Some(alt),
                Err(msg) => {
                    inner.borrow_mut().get_or_insert(msg);
                    None
                }
            },
        )
        .map_err(|(_, _, msg)| inner.take().unwrap_or(msg))?;
        total += expanded.len() + 1;
        if total > MAX_EXPANDED_PATTERN {
            return Err(too_long());
        }
        parts.push(expanded);
    }
    if parts.is_empty() {
        return Err("is empty".to_string());
    }
    Ok(format!("(?:{})", parts.join("|")))
}

/// Longest pattern text accepted after lexicon expansion. Lexicons that repeat
/// each other (`a = ['{b}{b}{b}…']`) grow exponentially with depth; this stops a
/// hostile pack long before memory runs out, and far above any real pattern
/// (the built-in packs' longest is about 4 KB).
const MAX_EXPANDED_PATTERN: usize = 1024 * 1024;

fn too_long() -> String {
    format!(
        "is longer than {MAX_EXPANDED_PATTERN} bytes once its lexicons are expanded; lexicons that repeat each other grow exponentially"
    )
}

/// Replace `{name}` lexicon references in a pattern. Regex repetition such as
/// `{2}` or `{2,3}` starts with a digit and is left alone, as is an escaped `\{`.
/// On error returns the byte range of the reference and a message.
pub fn expand(
    pattern: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, (usize, usize, String)> {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                    // `\p{L}`, `\x{2014}`: the braces belong to the escape.
                    if matches!(n, 'p' | 'P' | 'x' | 'u' | 'U')
                        && chars.peek().is_some_and(|&(_, b)| b == '{')
                    {
                        for (_, b) in chars.by_ref() {
                            out.push(b);
                            if b == '}' {
                                break;
                            }
                        }
                    }
                }
            }
            '{' => {
                let rest = &pattern[i + 1..];
                let name_len = rest
                    .char_indices()
                    .take_while(|&(j, ch)| {
                        ch == '_'
                            || ch.is_ascii_alphabetic()
                            || (j > 0 && (ch.is_ascii_alphanumeric() || ch == '-'))
                    })
                    .count();
                if name_len > 0 && rest[name_len..].starts_with('}') {
                    let name = &rest[..name_len];
                    match lookup(name) {
                        Some(alt) => out.push_str(&alt),
                        None => {
                            return Err((i, i + name_len + 2, format!("unknown lexicon `{name}`")));
                        }
                    }
                    if out.len() > MAX_EXPANDED_PATTERN {
                        return Err((i, i + name_len + 2, format!("pattern {}", too_long())));
                    }
                    for _ in 0..=name_len {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

fn phrases_to_regex(phrases: &[String]) -> String {
    let alts: Vec<String> = phrases
        .iter()
        .map(|p| {
            p.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .filter(|p| !p.is_empty())
        .collect();
    format!(r"(?i)\b(?:{})\b", alts.join("|"))
}

/// Compile a pattern with the rules' size limits (rules, their twins and filters).
pub(crate) fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .build()
}

/// Whether [`build_regex`] would compile `pattern`, and if so its capture
/// group names, without building what only searching needs.
///
/// `regex` fails to build for a syntax error or an NFA (forward or reverse)
/// over the size limit, nothing else; this builds the same NFAs with the same
/// syntax and limits (those `RegexBuilder` sets, in regex's `builders.rs`).
/// It leaves out the literal prefilter and the one-pass DFA, which never
/// fail a build (the regex crate drops them when they cannot be made):
/// loading a pack of 1,000 phrase rules spent two thirds of its time on them.
///
/// A failure is left to [`build_regex`] itself, for its verdict and message:
/// an alternation of thousands of plain literals (a lexicon of names) fails
/// here, where `regex` searches it with Aho-Corasick and never builds the
/// NFAs that exceed the limit.
fn check_regex(pattern: &str) -> Result<Vec<Option<String>>, regex::Error> {
    use regex_automata::{MatchKind, PatternID, meta};
    let config = meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(DFA_SIZE_LIMIT)
        .onepass(false)
        .auto_prefilter(false);
    let syntax = regex_automata::util::syntax::Config::new().utf8(true);
    let built = meta::Builder::new()
        .configure(config)
        .syntax(syntax)
        .build(pattern);
    let names = match &built {
        Ok(built) => built.group_info().pattern_names(PatternID::ZERO),
        Err(_) => return build_regex(pattern).map(|re| group_names_of(&re)),
    };
    Ok(names.map(|n| n.map(String::from)).collect())
}

fn group_names_of(re: &Regex) -> Vec<Option<String>> {
    re.capture_names().map(|n| n.map(String::from)).collect()
}

fn regex_message(err: &regex::Error) -> String {
    match err {
        regex::Error::CompiledTooBig(limit) => format!(
            "pattern compiles to more than {limit} bytes; simplify it or split it into several rules"
        ),
        _ => {
            let text = err.to_string();
            text.lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .map(|l| l.trim_start_matches("error:").trim().to_string())
                .unwrap_or(text)
        }
    }
}

/// `pattern` made to match only a whole text, as `^(?:pattern)$`. A pattern
/// in verbose mode (`(?x)`) that ends in a `# comment` gets a line break
/// first: the comment would otherwise run over the closing `)$`, and a
/// valid pattern would fail to load as an "unclosed group".
fn whole_match(pattern: &str) -> String {
    let ends_in_comment = regex_syntax::ast::parse::Parser::new()
        .parse_with_comments(pattern)
        .is_ok_and(|parsed| {
            parsed
                .comments
                .iter()
                .any(|c| c.span.end.offset == pattern.len())
        });
    let end = if ends_in_comment { "\n" } else { "" };
    format!("^(?:{pattern}{end})$")
}

/// Make the rules whose conditions are spelled the same share one compiled
/// condition and its cache: the built-in packs repeat several look-aheads in
/// four or five rules.
fn share_conditions(rules: &mut [CompiledRule]) {
    let mut interned: HashMap<String, Arc<Condition>> = HashMap::new();
    for rule in rules {
        let CompiledRule {
            near,
            unless,
            not_followed_by,
            verb_not_followed_by,
            reject,
            ..
        } = rule;
        for c in (near.iter_mut().map(|(c, _)| c))
            .chain(unless)
            .chain(not_followed_by)
            .chain(verb_not_followed_by)
            .chain(reject)
        {
            *c = Arc::clone(
                interned
                    .entry(c.as_str().to_string())
                    .or_insert_with(|| c.clone()),
            );
        }
    }
}

/// The condition of an expanded pattern (see [`expand_pattern`]), compiled on
/// first use (see [`Condition`]). Unless `known_good`, the pattern is checked
/// now, and any error located at its value.
fn load_condition(
    src: &PackSource,
    rule_id: &str,
    what: &str,
    (written, expanded, span): (String, String, std::ops::Range<usize>),
    known_good: bool,
) -> Result<Arc<Condition>, RuleError> {
    if !known_good {
        build_located(
            (src, rule_id, what),
            span,
            (&written, &expanded),
            check_regex,
        )?;
    }
    Ok(Arc::new(Condition::new(expanded)))
}

/// Expand one pattern or phrase list: the pattern as written, as expanded, and
/// where it is in the pack.
fn expand_pattern(
    src: &PackSource,
    rule_id: &str,
    what: &str,
    pattern: Option<&toml::Spanned<String>>,
    phrases: Option<&toml::Spanned<Vec<String>>>,
    lexicon: &HashMap<String, String>,
    owner_span: std::ops::Range<usize>,
) -> Result<(String, String, std::ops::Range<usize>), RuleError> {
    Ok(match (pattern, phrases) {
        (Some(_), Some(p)) => {
            return Err(RuleError::at(
                src,
                p.span(),
                format!("{what} has both `pattern` and `phrases`"),
            )
            .in_rule(rule_id)
            .help("keep one: a regex in `pattern`, or plain phrases in `phrases`"));
        }
        (None, None) => {
            return Err(RuleError::at(
                src,
                owner_span,
                format!("{what} has neither `pattern` nor `phrases`"),
            )
            .in_rule(rule_id)
            .help("add `pattern = '…'` (a regex) or `phrases = ['…']` (plain phrases)"));
        }
        (Some(p), None) => {
            let written = p.get_ref().clone();
            let expanded =
                expand(&written, &|n| lexicon.get(n).cloned()).map_err(|(a, b, msg)| {
                    let at = value_range(src, p.span(), &written, a..b);
                    let known: Vec<&str> = lexicon.keys().map(String::as_str).collect();
                    let name = &written[a + 1..b - 1];
                    let help = match nearest(name, known.iter().copied()) {
                        _ if lexicon.contains_key(name) => {
                            "use fewer nested lexicon references".to_string()
                        }
                        Some(n) => {
                            format!("did you mean `{{{n}}}`? define lexicons under [lexicon]")
                        }
                        None => "define it under [lexicon], or escape a literal brace as \\{"
                            .to_string(),
                    };
                    RuleError::at(src, at, msg).in_rule(rule_id).help(help)
                })?;
            (written, expanded, p.span())
        }
        (None, Some(list)) => {
            if list.get_ref().iter().all(|p| p.trim().is_empty()) {
                return Err(RuleError::at(src, list.span(), "`phrases` is empty")
                    .in_rule(rule_id)
                    .help("list at least one phrase"));
            }
            (
                list.get_ref().join(" | "),
                phrases_to_regex(list.get_ref()),
                list.span(),
            )
        }
    })
}

/// Compile an expanded pattern with `build` (one of [`build_regex`] and
/// [`check_regex`]), locating an error at `span`.
fn build_located<T>(
    (src, rule_id, what): (&PackSource, &str, &str),
    span: std::ops::Range<usize>,
    (written, expanded): (&str, &str),
    build: fn(&str) -> Result<T, regex::Error>,
) -> Result<T, RuleError> {
    build(expanded).map_err(|e| {
        let mut err = RuleError::at(
            src,
            span,
            format!("invalid regex in {what}: {}", regex_message(&e)),
        )
        .in_rule(rule_id);
        err.help = Some(if matches!(e, regex::Error::CompiledTooBig(_)) {
            "user packs are limited so that a pattern cannot exhaust memory: avoid nested counted repetition such as (?:a{100}){100} and long repeats of large classes such as \\w{1000}; list long alternatives as several rules".to_string()
        } else if expanded != written {
            format!("after lexicon expansion the pattern is: {expanded}")
        } else {
            "see https://docs.rs/regex/latest/regex/#syntax; no look-around or backreferences"
                .to_string()
        });
        err
    })
}

/// Where `range`, a byte range of a string value's contents, lies in the pack
/// text. Exact when the value is written without escapes (the usual case for
/// patterns in literal strings); otherwise, since an escape such as `\t` or
/// `\u00e9` changes the length, the whole value, which is never wrong.
fn value_range(
    src: &PackSource,
    value: std::ops::Range<usize>,
    contents: &str,
    range: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    let raw = src.text.get(value.clone()).unwrap_or_default();
    for quote in ["'''", "\"\"\"", "'", "\""] {
        let Some(inner) = raw.strip_prefix(quote).and_then(|r| r.strip_suffix(quote)) else {
            continue;
        };
        // A multi-line string drops a line break right after its opening quotes.
        let mut skip = quote.len();
        let mut inner = inner;
        if quote.len() == 3 {
            for newline in ["\r\n", "\n"] {
                if let Some(rest) = inner.strip_prefix(newline) {
                    skip += newline.len();
                    inner = rest;
                    break;
                }
            }
        }
        if inner == contents && range.end <= contents.len() {
            return value.start + skip + range.start..value.start + skip + range.end;
        }
        break;
    }
    value
}

fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

fn compile_rule(
    (src, lines): (&PackSource, &Lines),
    pack_id: &str,
    def: &pack::RuleDef,
    lexicon: &HashMap<String, String>,
    defer: bool,
) -> Result<CompiledRule, Vec<RuleError>> {
    let id = def.id.get_ref().as_str();
    let mut errors = Vec::new();
    let whole = def.id.span();
    if def.category.get_ref().trim().is_empty() {
        errors.push(
            RuleError::at(src, def.category.span(), "category is empty")
                .in_rule(id)
                .help(format!(
                    "use one of {} or a custom category name",
                    CATEGORIES.join(", ")
                )),
        );
    }
    if !def.weight.is_finite() || def.weight < 0.0 {
        errors.push(
            RuleError::at(src, whole.clone(), format!("weight {} is not a non-negative number", def.weight))
                .in_rule(id)
                .help("weights are points, 0 or more; the scoring model decides whether they add or subtract"),
        );
    }
    let main = expand_pattern(
        src,
        id,
        "pattern",
        def.pattern.as_ref(),
        def.phrases.as_ref(),
        lexicon,
        whole.clone(),
    )
    .and_then(|(written, expanded, span)| {
        let deferred = defer.then(|| group_names(&expanded)).flatten();
        let regex = match deferred {
            Some(groups) => (RuleRegex::deferred(expanded.clone()), groups),
            None => {
                // Checked to report a wrong pattern here, not kept: the
                // matcher's twin searches English text instead (see
                // `RuleRegex`), and held, the regexes of a pack of 1,000
                // phrase rules took about 150 MB.
                let groups = build_located(
                    (src, id, "pattern"),
                    span,
                    (&written, &expanded),
                    check_regex,
                )?;
                (RuleRegex::deferred(expanded.clone()), groups)
            }
        };
        Ok((written, expanded, regex))
    });
    // The conditions: `near`, `unless`, `not_followed_by`,
    // `verb_not_followed_by` and `source.reject`.
    let condition = |what, pattern, phrases| {
        expand_pattern(src, id, what, pattern, phrases, lexicon, whole.clone())
            .and_then(|e| load_condition(src, id, what, e, defer))
    };
    let near = def.near.as_ref().map(|n| {
        condition("near", n.pattern.as_ref(), n.phrases.as_ref()).map(|re| (re, n.within))
    });
    let mut unless = Vec::new();
    for u in &def.unless {
        match condition("unless", Some(u), None) {
            Ok(re) => unless.push(re),
            Err(e) => errors.push(e),
        }
    }
    let mut not_followed_by = Vec::new();
    for f in &def.not_followed_by {
        match condition("not_followed_by", Some(f), None) {
            Ok(re) => not_followed_by.push(re),
            Err(e) => errors.push(e),
        }
    }
    let mut verb_not_followed_by = Vec::new();
    for f in &def.verb_not_followed_by {
        match condition("verb_not_followed_by", Some(f), None) {
            Ok(re) => verb_not_followed_by.push(re),
            Err(e) => errors.push(e),
        }
    }
    let near = match near {
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None => None,
    };
    let (written, expanded, (regex, group_list)) = match main {
        Ok(m) => m,
        Err(e) => {
            errors.push(e);
            return Err(errors);
        }
    };
    let mut reject = None;
    if let Some(r) = def.source.as_ref().and_then(|s| s.reject.as_ref()) {
        let anchored = toml::Spanned::new(r.span(), whole_match(r.get_ref()));
        match condition("source.reject", Some(&anchored), None) {
            Ok(re) => reject = Some(re),
            Err(e) => errors.push(e),
        }
    }
    let groups: Vec<&str> = group_list.iter().flatten().map(String::as_str).collect();
    if let Some(s) = &def.source {
        for g in std::iter::once(&s.group).chain(s.descriptor.as_ref()) {
            if s.name.is_none()
                && !groups.contains(&g.as_str())
                && !('2'..='9').any(|d| groups.contains(&format!("{g}{d}").as_str()))
            {
                errors.push(
                    RuleError::at(src, def.pattern.as_ref().map_or(whole.clone(), |p| p.span()), format!("the pattern has no capture group named `{g}`"))
                        .in_rule(id)
                        .help(format!("name a group in the pattern as (?P<{g}>…), or set `source.name` to a fixed name")),
                );
            }
            // Alternatives name their group `source`, `source2` … `source9`
            // (see `named` in `finding`); `source10` or `source1` would never
            // be read, and the finding would silently lose its source.
            for unread in groups.iter().filter(|n| {
                n.strip_prefix(g.as_str()).is_some_and(|d| {
                    !d.is_empty()
                        && d.bytes().all(|b| b.is_ascii_digit())
                        && !(d.len() == 1 && (b'2'..=b'9').contains(&d.as_bytes()[0]))
                })
            }) {
                errors.push(
                    RuleError::at(src, def.pattern.as_ref().map_or(whole.clone(), |p| p.span()), format!("the capture group `{unread}` is never read"))
                        .in_rule(id)
                        .help(format!("alternatives may name their group `{g}`, `{g}2` … `{g}9`; use one of those not yet taken")),
                );
            }
        }
    }
    for ph in placeholders(def.message.get_ref()) {
        if ph != "match" && !groups.contains(&ph) {
            errors.push(
                RuleError::at(
                    src,
                    def.message.span(),
                    format!("message uses `{{{ph}}}`, which is not a capture group of the pattern"),
                )
                .in_rule(id)
                .help(format!(
                    "available: {{match}}{}",
                    groups
                        .iter()
                        .map(|g| format!(", {{{g}}}"))
                        .collect::<String>()
                )),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CompiledRule {
        id: id.to_string(),
        name: def.name.clone().unwrap_or_else(|| id.to_string()),
        pack: pack_id.to_string(),
        category: def.category.get_ref().trim().to_string(),
        severity: def.severity,
        weight: def.weight,
        scope: def.scope,
        quotes: def.quotes,
        pattern_source: written,
        pattern_compiled: expanded,
        regex,
        groups: group_list,
        near,
        unless,
        not_followed_by,
        verb_not_followed_by,
        source: def.source.clone(),
        reject,
        overridden_by: def.overridden_by.clone(),
        message: def.message.get_ref().clone(),
        advice: def.advice.clone(),
        why: def.why.clone(),
        references: def.references.clone(),
        examples: def
            .example
            .iter()
            .map(|e| Example::from_def_in(src, lines, e))
            .collect(),
    })
}

/// Variables a document rule may read, beside the category names and `rule.ID`.
pub const DOCUMENT_VARIABLES: &[(&str, &str)] = &[
    (
        "attributions",
        "sentences with at least one attribution finding (anonymous, named, state media, vague, document, other outlet, social media)",
    ),
    ("findings", "all pattern findings"),
    ("sentences", "sentences in the article"),
    ("sources", "distinct sources in the ledger"),
    (
        "named_sources",
        "distinct named people and organizations in the ledger",
    ),
    (
        "anonymous_sources",
        "distinct anonymous sources in the ledger",
    ),
    (
        "top_source_share",
        "how far one source carries the story (0 to 1): the sentences citing it over those plus the on-record sentences citing anyone else (unnamed and vague attributions are no corroboration; unnamed sources count as one pool)",
    ),
];

fn compile_document_rule(
    (src, lines): (&PackSource, &Lines),
    pack_id: &str,
    def: &pack::DocumentRuleDef,
    categories: &BTreeSet<String>,
    rule_ids: &BTreeSet<String>,
) -> Result<CompiledDocumentRule, RuleError> {
    let id = def.id.get_ref().as_str();
    let known = |name: &str| {
        categories.contains(name)
            || DOCUMENT_VARIABLES.iter().any(|(v, _)| *v == name)
            || name
                .strip_prefix("rule.")
                .is_some_and(|r| rule_ids.contains(r))
            || name
                .strip_prefix("first.")
                .is_some_and(|c| categories.contains(c))
    };
    let when = expr::parse(def.when.get_ref(), &known).map_err(|e| {
        let at = value_range(src, def.when.span(), def.when.get_ref(), e.offset..e.offset + e.len);
        let mut err = RuleError::at(src, at, format!("in `when`: {}", e.message)).in_rule(id);
        let candidates: Vec<String> = categories
            .iter()
            .cloned()
            .chain(DOCUMENT_VARIABLES.iter().map(|(v, _)| v.to_string()))
            .chain(rule_ids.iter().map(|r| format!("rule.{r}")))
            .chain(categories.iter().map(|c| format!("first.{c}")))
            .collect();
        err.help = Some(match e.unknown.as_deref().and_then(|u| nearest(u, candidates.iter().map(String::as_str))) {
            Some(n) => format!("did you mean `{n}`? variables are category names, rule.ID, first.CATEGORY and {}", DOCUMENT_VARIABLES.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ")),
            None => format!(
                "variables are category names, rule.ID, first.CATEGORY and {}; operators: and or not > >= < <= == != + - * /",
                DOCUMENT_VARIABLES.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ")
            ),
        });
        err
    })?;
    if let Some(anchor) = &def.anchor
        && !categories.contains(anchor)
        && !rule_ids.contains(anchor)
    {
        return Err(RuleError::at(
            src,
            def.id.span(),
            format!("anchor `{anchor}` is neither a category nor a rule id"),
        )
        .in_rule(id)
        .help(
            "anchor names the category or rule whose first finding the policy finding points at",
        ));
    }
    Ok(CompiledDocumentRule {
        id: id.to_string(),
        name: def.name.clone().unwrap_or_else(|| id.to_string()),
        pack: pack_id.to_string(),
        category: def.category.get_ref().clone(),
        severity: def.severity,
        weight: def.weight,
        when_source: def.when.get_ref().clone(),
        when,
        anchor: def.anchor.clone(),
        message: def.message.get_ref().clone(),
        advice: def.advice.clone(),
        why: def.why.clone(),
        references: def.references.clone(),
        examples: def
            .example
            .iter()
            .map(|e| Example::from_def_in(src, lines, e))
            .collect(),
    })
}

/// Number of words between two spans (0 when they touch or overlap), counted up
/// to `max + 1` only: a match far from its `near` word in a long sentence costs
/// `max` words, not the whole gap.
fn words_between(text: &str, a: Span, b: Span, max: usize) -> usize {
    let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
    if second.start <= first.end {
        return 0;
    }
    text.get(first.end..second.start).map_or(usize::MAX, |gap| {
        gap.split_whitespace().take(max.saturating_add(1)).count()
    })
}

/// What consecutive matches of one rule share, so that a long sentence with many
/// matches is not searched again for each one: the `unless` verdict of the last
/// sentence checked and the `near` matches of the last unit searched.
#[derive(Debug, Default)]
pub(crate) struct MatchCache {
    unless: Option<(Span, bool)>,
    near: Option<(Span, Vec<Span>)>,
}

impl CompiledRule {
    /// Its conditions: `near`, `unless`, `not_followed_by`,
    /// `verb_not_followed_by` and `source.reject`, in that order.
    pub fn conditions(&self) -> impl Iterator<Item = &Arc<Condition>> {
        (self.near.iter().map(|(c, _)| c))
            .chain(&self.unless)
            .chain(&self.not_followed_by)
            .chain(&self.verb_not_followed_by)
            .chain(&self.reject)
    }

    /// Turn one regex match into a finding, or `None` if a condition rejects it.
    /// `groups` holds where each capture group lies in `text`, by number.
    pub(crate) fn finding(
        &self,
        text: &str,
        seg: &Segments,
        unit: Span,
        span: Span,
        groups: &[Option<Span>],
        cache: &mut MatchCache,
    ) -> Option<Finding> {
        let caps = |i: usize| groups.get(i).copied().flatten();
        if seg.in_furniture(span.start) {
            return None;
        }
        // Groups named `start` and `end` stand in for the look-behind and
        // look-ahead the regex crate lacks: what comes before `start` and after
        // `end` had to match, but is not part of the finding. A regex cannot
        // repeat a group name, so alternatives use `end2`, `start2` and so on;
        // the one that took part in the match counts.
        let mark = |name: &str| {
            self.groups.iter().enumerate().find_map(|(i, n)| {
                let rest = n.as_deref()?.strip_prefix(name)?;
                if !rest.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                caps(i).map(|m| m.start)
            })
        };
        let start = mark("start")
            .filter(|&s| s < span.end)
            .unwrap_or(span.start);
        let end = mark("end").filter(|&e| e > start).unwrap_or(span.end);
        let span = Span::new(start, end);
        // Judge quotation position by the first word of the match, not by the
        // punctuation before it: in '…retreat," said a senior official' the comma
        // sits inside the quotation but the attribution does not.
        let matched = &text[span.start..span.end];
        let lead = matched
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
            .map_or(0, |(i, _)| i);
        let at = span.start + lead;
        match self.quotes {
            Quotes::Any => {}
            Quotes::Outside if seg.in_quote(at) => return None,
            Quotes::Inside if !seg.in_quote(at) => return None,
            _ => {}
        }
        let sentence_index = seg.sentence_at(span.start);
        let sentence = sentence_index.map(|i| seg.sentences[i].span);
        let check = sentence.unwrap_or(unit);
        let unless = match cache.unless {
            Some((at, verdict)) if at == check => verdict,
            _ => {
                let check_text = &text[check.start..check.end];
                let verdict = self.unless.iter().any(|u| u.is_match(check_text));
                cache.unless = Some((check, verdict));
                verdict
            }
        };
        if unless {
            return None;
        }
        // Read from the first character after the finding that is not white
        // space ("claimed" then "her third national title"), to the end of
        // its sentence, anchored there.
        if !self.not_followed_by.is_empty() {
            let rest = text[span.end..check.end.max(span.end)].trim_start();
            let follows = |f: &Arc<Condition>| f.matches_at_start(rest);
            if self.not_followed_by.iter().any(follows) {
                return None;
            }
        }
        // Read from the start of the finding's last word: its verb, in an
        // attribution ("asked" then "the court to set aside").
        if !self.verb_not_followed_by.is_empty() {
            let head = &text[span.start..span.end];
            let word = head
                .trim_end()
                .rfind(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
                .map_or(0, |i| {
                    i + head[i..].chars().next().map_or(1, char::len_utf8)
                });
            let rest = &text[span.start + word..check.end.max(span.end)];
            if self
                .verb_not_followed_by
                .iter()
                .any(|f| f.matches_at_start(rest))
            {
                return None;
            }
        }
        if let Some((near, within)) = &self.near {
            let hits = match &mut cache.near {
                Some((at, hits)) if *at == unit => hits,
                slot => {
                    let hits = near.find_spans(&text[unit.start..unit.end], unit.start);
                    &mut slot.insert((unit, hits)).1
                }
            };
            // The hits do not overlap and come in order, so the nearest one before
            // the match is the last that starts at or before it and the nearest
            // after is the next one: no other hit can be fewer words away.
            let i = hits.partition_point(|n| n.start <= span.start);
            let close = hits[i.saturating_sub(1)..(i + 1).min(hits.len())]
                .iter()
                .any(|&n| words_between(text, span, n, *within) <= *within);
            if !close {
                return None;
            }
        }
        // An alternation may name the same group `source`, `source2` … `source9`,
        // since a regex cannot repeat a group name; the first that took part in
        // the match, in that order, is the one.
        // Found by index: looking `source2` up by name would format the name and
        // hash it, for every group of every match.
        let named = |name: &str| {
            std::iter::once(None)
                .chain(('2'..='9').map(Some))
                .find_map(|suffix| {
                    let i = self.groups.iter().position(|n| {
                        n.as_deref().is_some_and(|n| match suffix {
                            None => n == name,
                            Some(c) => n.strip_suffix(c) == Some(name),
                        })
                    })?;
                    caps(i)
                })
        };
        let group = |name: &str| named(name).map(|m| clean(&text[m.start..m.end]));
        // Where the named group sits in the text, for `overridden_by`.
        let group_span = named;
        let source = self.source.as_ref().and_then(|s| {
            let name = s.name.clone().or_else(|| group(&s.group))?;
            if name.is_empty() {
                return None;
            }
            Some(SourceMention {
                span: if s.name.is_some() {
                    None
                } else {
                    group_span(&s.group)
                },
                name,
                kind: s.kind,
                descriptor: s
                    .descriptor
                    .as_deref()
                    .and_then(group)
                    .filter(|d| !d.is_empty()),
            })
        });
        if let (Some(reject), Some(src)) = (&self.reject, &source)
            && reject.is_match(&src.name)
        {
            return None;
        }
        let message = fill(&self.message, &|name| {
            if name == "match" {
                Some(clean(&text[span.start..span.end]))
            } else {
                group(name)
            }
        });
        Some(Finding {
            rule: self.id.clone(),
            category: self.category.clone(),
            severity: self.severity,
            weight: self.weight,
            message,
            advice: self.advice.clone(),
            span: Some(trim_span(text, span)),
            sentence,
            sentence_index,
            source,
            document: false,
        })
    }

    /// The kind of source this rule names, if any.
    pub fn source_kind(&self) -> Option<SourceKind> {
        self.source.as_ref().map(|s| s.kind)
    }
}

/// Trim white space, and sentence punctuation at the end, from a match: "according
/// to the Sydney Morning Herald." and "…the Sydney Morning Herald" are the same
/// mention, so a rule that yields to another (`overridden_by`) must see them as one.
fn trim_span(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len()
        - s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':'))
            .len();
    if lead + trail >= s.len() {
        return span;
    }
    Span::new(span.start + lead, span.end - trail)
}

/// Collapse white space (soft line wraps) and trim punctuation from a capture.
///
/// In one allocation: every finding's source, descriptor and message pass
/// through here, and the vector of words and the copies it used to make
/// were among the largest counts of allocations per article.
fn clean(s: &str) -> String {
    let mut joined = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    let edge = |c: char| matches!(c, ',' | ';' | ':' | '—' | '–' | '-') || c.is_whitespace();
    let start = joined.len() - joined.trim_start_matches(edge).len();
    // What is kept starts where the trim does: cut `joined` down to it.
    let end = start + without_full_stop(joined[start..].trim_end_matches(edge)).len();
    joined.truncate(end);
    joined.drain(..start);
    joined
}

/// Drop the full stop that ends a sentence from a name matched up to it ("said
/// Deng Alor." is Deng Alor), but keep the one of an abbreviation or initial:
/// "U.S.", "Jr.", "J.", "Acme Inc.".
fn without_full_stop(s: &str) -> &str {
    const ABBREVIATIONS: &[&str] = &[
        "jr", "sr", "inc", "co", "corp", "ltd", "bros", "st", "mt", "ft", "gen", "col", "sgt",
        "lt", "capt", "gov", "sen", "rep", "dr", "mr", "mrs", "ms", "prof", "rev", "hon", "esq",
        "ave", "dept", "no", "vs", "etc", "plc", "llc", "jan", "feb", "aug", "sept", "oct", "nov",
        "dec",
    ];
    let Some(body) = s.strip_suffix('.') else {
        return s;
    };
    let last = body.rsplit([' ', '-']).next().unwrap_or(body);
    let word = last.chars().all(char::is_alphabetic) && last.chars().count() > 1;
    // The abbreviations are ASCII, and no other letter lowercases to one of
    // theirs but the Kelvin sign, which none holds.
    if word && !ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(last)) {
        body
    } else {
        s
    }
}

/// Fill `{name}` placeholders in a template.
pub fn fill(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                out.push_str(&value(name).unwrap_or_default());
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_lexicons_but_not_quantifiers() {
        let lookup = |n: &str| (n == "speech").then(|| "(?:said|says)".to_string());
        assert_eq!(
            expand(r"\w{2,3} {speech}", &lookup).unwrap(),
            r"\w{2,3} (?:said|says)"
        );
        assert_eq!(expand(r"a{2}\{speech}", &lookup).unwrap(), r"a{2}\{speech}");
        assert_eq!(
            expand(r"\p{L}+ \x{2014} {speech}", &lookup).unwrap(),
            r"\p{L}+ \x{2014} (?:said|says)"
        );
        let err = expand("x {speach}", &lookup).unwrap_err();
        assert_eq!((err.0, err.1), (2, 10));
    }

    #[test]
    fn groups_named_start_and_end_bound_the_finding_but_must_match() {
        let pack = PackSource {
            path: "p.toml".into(),
            text: r#"
[pack]
id = "p"
[[rule]]
id = "said-name"
category = "named-source"
pattern = '(?:\bin\s+)?(?P<start>)(?:said)\s+(?P<source>[A-Z]\w+)(?P<end>)(?:\s*[,.]|\s+of\b)|(?P<start2>)told\s+(?P<source2>[A-Z]\w+)(?P<end2>)\s+(?:that|how)\b'
source = { group = "source", kind = "named" }
message = "{match}"
"#
            .into(),
        };
        let auditor = crate::Auditor::from_sources(&[pack]).unwrap();
        let found = |text: &str| {
            let doc = crate::Document::from_text("t.txt", text.into(), crate::input::Format::Text);
            let seg = crate::text::segment(&doc.text);
            crate::rules::find(&auditor.rules, &doc, &seg)
                .into_iter()
                .map(|f| {
                    let span = f.span.unwrap();
                    (doc.text[span.start..span.end].to_string(), f.message)
                })
                .collect::<Vec<_>>()
        };
        // What follows `end` is required but neither underlined nor in `{match}`.
        let said = ("said Harris".to_string(), "said Harris".to_string());
        assert_eq!(found("It failed, said Harris of Iowa."), vec![said.clone()]);
        assert_eq!(found("It failed, said Harris."), vec![said]);
        assert!(found("It failed, said Harris would go.").is_empty());
        // Nor is what comes before `start`.
        assert_eq!(
            found("All in said Harris of Iowa."),
            vec![("said Harris".to_string(), "said Harris".to_string())]
        );
        // `start2` and `end2` do the same in another alternative.
        assert_eq!(
            found("She told Harris that it failed."),
            vec![("told Harris".to_string(), "told Harris".to_string())]
        );
    }

    #[test]
    fn a_sentence_full_stop_leaves_a_name_but_an_abbreviation_keeps_its_own() {
        assert_eq!(clean("Deng Alor."), "Deng Alor");
        assert_eq!(clean(" the Bank of England. "), "the Bank of England");
        for kept in [
            "U.S.",
            "Martin Luther King Jr.",
            "J.",
            "Acme Inc.",
            "ACME INC.",
            "Smith",
        ] {
            assert_eq!(clean(kept), kept);
        }
        // Line wraps collapse to one space; punctuation and space at either
        // end go, whatever is left of the text.
        assert_eq!(clean("Deng\n   Alor,\t"), "Deng Alor");
        assert_eq!(clean(" , — Deng Alor ;: "), "Deng Alor");
        assert_eq!(clean("said Ms. Ruto."), "said Ms. Ruto");
        assert_eq!(clean(" —, "), "");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn phrases_match_whole_words_case_insensitively() {
        let re = build_regex(&phrases_to_regex(&[
            "critics say".into(),
            "it is widely believed".into(),
        ]))
        .unwrap();
        assert!(re.is_match("Critics  say the plan failed"));
        assert!(re.is_match("it is\nwidely believed that"));
        assert!(!re.is_match("the criticssay"));
    }

    #[test]
    fn error_positions_survive_escapes() {
        let pack = |pattern: &str| PackSource {
            path: "p.toml".into(),
            text: format!(
                "[pack]\nid = \"p\"\n[[rule]]\nid = \"r\"\ncategory = \"x\"\npattern = {pattern}\nmessage = \"m\"\n"
            ),
        };
        let column = |pattern: &str| {
            let errors = RuleSet::load(&[pack(pattern)], &crate::scoring_base()).unwrap_err();
            (errors[0].line, errors[0].column, errors[0].width)
        };
        // Literal string: the unknown lexicon itself is underlined.
        assert_eq!(column("'日本 {nope}'"), (Some(6), Some(15), 6));
        assert_eq!(column("'''\n日本 {nope}'''"), (Some(7), Some(4), 6));
        // An escape changes lengths: the whole value is pointed at, and a
        // multi-byte character after the escape no longer splits the offset.
        assert_eq!(column("\"\\t日本{nope}\""), (Some(6), Some(11), 12));
    }

    #[test]
    fn word_distance() {
        let t = "officials in the capital said";
        assert_eq!(words_between(t, Span::new(0, 9), Span::new(25, 29), 10), 3);
        assert_eq!(words_between(t, Span::new(25, 29), Span::new(0, 9), 10), 3);
        // Counting stops one past the limit.
        assert_eq!(words_between(t, Span::new(0, 9), Span::new(25, 29), 1), 2);
    }
}

#[cfg(test)]
mod whole_match_tests {
    use super::whole_match;

    #[test]
    fn a_verbose_pattern_may_end_in_a_comment() {
        let whole = |p: &str| regex::Regex::new(&whole_match(p)).unwrap();
        let verbose = whole("(?x) Kremlin | Moscow  # places, not people");
        assert!(verbose.is_match("Moscow") && !verbose.is_match("Moscow sources"));
        // Without a comment, or outside verbose mode, nothing is added: a
        // literal `#` stays part of the pattern.
        assert_eq!(whole_match("Kremlin|Moscow"), "^(?:Kremlin|Moscow)$");
        assert!(whole("Room #4").is_match("Room #4"));
        assert!(!whole("Room #4").is_match("Room #4\n"));
    }
}

#[cfg(test)]
mod deferred_tests {
    use super::*;
    use crate::input::{Document, Format};

    /// How many rule patterns and distinct conditions are compiled.
    fn compiled(rules: &RuleSet) -> usize {
        let patterns = rules
            .rules
            .iter()
            .filter(|r| r.regex.compiled.get().is_some())
            .count();
        let mut seen = std::collections::HashSet::new();
        let conditions = rules
            .rules
            .iter()
            .flat_map(CompiledRule::conditions)
            .filter(|c| c.is_compiled() && seen.insert(Arc::as_ptr(c)))
            .count();
        patterns + conditions
    }

    #[test]
    fn builtin_regexes_compile_on_first_use_and_user_packs_at_load() {
        let builtin = crate::Auditor::builtin().unwrap();
        assert_eq!(compiled(&builtin.rules), 0, "nothing compiled at load");
        let audit = |text: &str| {
            let found = builtin.audit(&Document::from_text("t", text.into(), Format::Text));
            found
                .findings
                .into_iter()
                .map(|f| f.rule)
                .collect::<Vec<_>>()
        };
        let patterns = |rules: &RuleSet| {
            rules
                .rules
                .iter()
                .filter(|r| r.regex.compiled.get().is_some())
                .count()
        };
        // English text runs on the ASCII twins: no rule needs its own regex.
        let found =
            audit("The talks stalled, officials said. Hua Chunying, a spokeswoman, said so.");
        assert!(!found.is_empty());
        assert_eq!(patterns(&builtin.rules), 0);
        // Only the conditions of the rules that matched were needed (the names
        // the found sources must not be): a handful of all of them. A
        // condition spelled the same in two rules is one, compiled for either.
        let rules = &builtin.rules.rules;
        let ready: Vec<&Arc<Condition>> = rules
            .iter()
            .flat_map(CompiledRule::conditions)
            .filter(|c| c.is_compiled())
            .collect();
        assert!(!ready.is_empty());
        for c in &ready {
            assert!(
                rules
                    .iter()
                    .filter(|r| r.conditions().any(|x| Arc::ptr_eq(x, c)))
                    .any(|r| found.contains(&r.id)),
                "{} compiled for no rule that found something",
                c.as_str()
            );
        }
        let compiled_conditions = compiled(&builtin.rules);
        let all: std::collections::HashSet<_> = rules
            .iter()
            .flat_map(CompiledRule::conditions)
            .map(Arc::as_ptr)
            .collect();
        assert!(
            compiled_conditions * 4 < all.len(),
            "{compiled_conditions} of {}",
            all.len()
        );
        // Accented Latin letters, Greek and Cyrillic run on the European twins:
        // still none.
        let found = audit("José Martí, a senior official, said the talks stalled.");
        assert!(found.iter().any(|r| r == "named-speaker"));
        assert!(!audit("Σωκράτης Παππάς, a senior official, said the talks stalled.").is_empty());
        assert_eq!(patterns(&builtin.rules), 0);
        // So does the first script beyond them the run meets, on its twins,
        // even beside European letters.
        assert!(!audit("Officials close to 习近平 said the talks stalled.").is_empty());
        assert!(!audit("José and 岸田, the ministers, said the talks stalled.").is_empty());
        assert_eq!(patterns(&builtin.rules), 0);
        // Another script needs the own regexes of the rules that may match
        // there, and only those.
        assert!(!audit("محمود عباس, a senior official, said the talks stalled.").is_empty());
        let n = patterns(&builtin.rules);
        assert!(n > 0 && n < builtin.rules.rules.len(), "{n}");
        // The same packs given as a user's files are checked while loading,
        // so that a wrong pattern is reported there (tests/rule_errors.rs), but
        // kept compiled only where nothing
        // else can stand in: a rule's own pattern where no twin searches
        // English text instead of it. Conditions wait for their first use.
        let mut user = crate::rules::builtin_sources();
        for src in &mut user {
            src.path = src.path.replace("<built-in>/", "my-packs/");
        }
        let untwinned = |loaded: &RuleSet| {
            let matcher = loaded.matcher();
            (0..loaded.rules.len())
                .filter(|&i| !matcher.has_twin(i))
                .count()
        };
        let loaded = RuleSet::load(&user, &crate::scoring_base()).unwrap();
        let kept = untwinned(&loaded);
        assert!(kept * 4 < loaded.rules.len(), "{kept}");
        assert_eq!(compiled(&loaded), kept);
        assert_eq!(patterns(&loaded), kept);
        // So are the built-in packs out of their order: what a pattern expands
        // to was only checked as shipped.
        let mut reordered = crate::rules::builtin_sources();
        reordered.swap(0, 1);
        let loaded = RuleSet::load(&reordered, &crate::scoring_base()).unwrap();
        assert_eq!(compiled(&loaded), kept);
    }

    /// Rules whose conditions are spelled the same share one, and only
    /// those: one compiled condition per distinct pattern.
    #[test]
    fn conditions_spelled_the_same_are_shared() {
        let builtin = crate::Auditor::builtin().unwrap();
        let all: Vec<&Arc<Condition>> = builtin
            .rules
            .rules
            .iter()
            .flat_map(CompiledRule::conditions)
            .collect();
        let patterns: std::collections::HashSet<&str> = all.iter().map(|c| c.as_str()).collect();
        let shared: std::collections::HashSet<*const Condition> =
            all.iter().map(|c| Arc::as_ptr(c)).collect();
        assert_eq!(shared.len(), patterns.len());
        // The built-in packs do repeat some (look-aheads written in several
        // rules), so sharing is exercised.
        assert!(
            patterns.len() < all.len(),
            "{} of {}",
            patterns.len(),
            all.len()
        );
    }

    #[test]
    fn a_users_pattern_is_kept_compiled_only_when_no_twin_stands_in() {
        let pack = PackSource {
            path: "mine.toml".into(),
            text: "[pack]\nid = \"mine\"\n\
                   [[rule]]\nid = \"plain\"\ncategory = \"x\"\npattern = 'said'\nmessage = \"m\"\n\
                   [[rule]]\nid = \"bounded\"\ncategory = \"x\"\npattern = '\\bsaid\\b'\nmessage = \"m\"\n"
                .into(),
        };
        let loaded = RuleSet::load(&[pack], &crate::scoring_base()).unwrap();
        let matcher = loaded.matcher();
        let rule = |id: &str| loaded.rules.iter().position(|r| r.id == id).unwrap();
        let (plain, bounded) = (rule("plain"), rule("bounded"));
        // `said` is its own ASCII twin: it runs on every unit, compiled now.
        assert!(!matcher.has_twin(plain));
        assert!(loaded.rules[plain].regex.compiled.get().is_some());
        // `\bsaid\b` has a twin with ASCII boundaries: its own waits.
        assert!(matcher.has_twin(bounded));
        assert!(loaded.rules[bounded].regex.compiled.get().is_none());
        // And both still match.
        let doc = Document::from_text("t", "She said so.".into(), Format::Text);
        let seg = crate::text::segment(&doc.text);
        let found: Vec<String> = crate::rules::find(&loaded, &doc, &seg)
            .into_iter()
            .map(|f| f.rule)
            .collect();
        assert!(found.contains(&"plain".to_string()) && found.contains(&"bounded".to_string()));
    }

    #[test]
    fn checking_a_pattern_fails_exactly_where_compiling_it_does() {
        let builtin = crate::Auditor::builtin().unwrap();
        let mut patterns: Vec<String> = [
            r"(?i)\b(?:said|told)\b",
            r"(?P<who>\w+) (?P<v>said)|(\d+)",
            r"(unclosed",
            r"a{2,1}",
            r"(?<=x)y",
            r"\1",
            r"\w{1000}",
            // Within the limit forward, over it reversed: the check must
            // build the reverse NFA as `regex` does.
            r"\w{400}",
            r"\w{300}",
            r"(?:\w{100}){100}",
            r"\p{Greek}{300}",
            r"[\s\S]{5000}",
            "",
        ]
        .map(String::from)
        .to_vec();
        patterns.extend(
            builtin
                .rules
                .rules
                .iter()
                .map(|r| r.pattern_compiled.clone()),
        );
        // Thousands of plain literals whose NFAs would exceed the limit, which
        // `regex` searches with Aho-Corasick and so accepts (found in review):
        // random words, which share few prefixes.
        let mut seed = 7u64;
        let mut letter = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from(b'a' + ((seed >> 59) % 26) as u8)
        };
        let words: Vec<String> = (0..45_000)
            .map(|_| (0..10).map(|_| letter()).collect())
            .collect();
        patterns.push(words.join("|"));
        let (mut ok, mut failed) = (0, 0);
        for p in &patterns {
            let shown: String = p.chars().take(80).collect();
            match (build_regex(p), check_regex(p)) {
                (Ok(re), Ok(groups)) => {
                    ok += 1;
                    assert_eq!(groups, group_names_of(&re), "{shown}");
                }
                (Err(a), Err(b)) => {
                    failed += 1;
                    assert_eq!(a.to_string(), b.to_string(), "{shown}");
                    assert_eq!(regex_message(&a), regex_message(&b), "{shown}");
                }
                (a, b) => panic!("{shown}: compiled {:?}, checked {:?}", a.is_ok(), b.is_ok()),
            }
        }
        // Both kinds of failure were tried: syntax and size.
        assert!(
            failed >= 7 && ok > builtin.rules.rules.len(),
            "{ok} {failed}"
        );
        assert!(matches!(
            check_regex(r"(?:\w{100}){100}"),
            Err(regex::Error::CompiledTooBig(_))
        ));
    }

    #[test]
    fn builtin_patterns_compile_and_their_groups_are_read_right() {
        let builtin = crate::Auditor::builtin().unwrap();
        for r in &builtin.rules.rules {
            let re = build_regex(&r.pattern_compiled).unwrap();
            assert_eq!(r.groups, group_names_of(&re), "{}", r.id);
            // A condition compiles as a user's would be checked, and as the
            // audit compiles it on first use.
            for c in r.conditions() {
                build_regex(c.as_str()).unwrap();
                crate::rules::matcher::condition_regex(c.as_str()).unwrap();
            }
        }
        assert_eq!(
            group_names(r"(a)(?P<x>b(?:c)(d))|(?<y>e)").unwrap(),
            [None, None, Some("x".into()), None, Some("y".into())]
        );
    }
}
