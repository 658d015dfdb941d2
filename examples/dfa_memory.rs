//! Developer tool: how much regex scratch memory each pattern rule needs per
//! worker thread, after matching the sentences of up to 300 articles.
//!
//! `cargo run --release --example dfa_memory -- DIR`
//!
//! The numbers are those of `regex_automata::meta` (the engine behind `regex`)
//! built with the limits `sourcing` uses: the compiled regex, its cache when
//! new, and its cache after the articles (lazy DFA states, PikeVM and
//! backtracker scratch). The rules' own regexes keep one such cache per worker
//! thread; the twins and pieces the matcher derives share one between the
//! workers (see `matcher::Derived`).
//! Each rule is measured twice: its own (Unicode) regex over every sentence, and
//! the regex the matcher runs on a sentence without non-ASCII word characters
//! (the narrowed ASCII twin) over those sentences, which are nearly all of them.
//! Then the rules' conditions, as the audit compiled them (see
//! `rules::condition`).
//! A rule whose pattern is a list of alternatives is measured whole; the audit
//! searches its alternatives apart (see `matcher::Piece`), whose caches add up
//! to less (21 MB whole against 6 MB apart for `document-says` over 300 varied
//! articles).
use regex_automata::meta::Regex;
use sourcing::input::{Document, Format};
use sourcing::rules::matcher::Engine;
use sourcing::text::Span;

/// Bytes of a regex, its new cache and its cache after the articles.
type Memory = (usize, usize, usize);

fn main() {
    let dir = std::env::args().nth(1).expect("usage: dfa_memory DIR");
    let auditor = sourcing::Auditor::builtin().expect("built-in packs load");
    let docs: Vec<Document> = std::fs::read_dir(&dir)
        .expect("readable directory")
        .flatten()
        .take(300)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|t| Document::from_text("x", t, Format::Text))
        .collect();
    let segs: Vec<_> = docs
        .iter()
        .map(|d| sourcing::text::segment(&d.text))
        .collect();
    // The matcher's choice for an ASCII sentence: the twin, where the rule has one.
    let matcher = auditor.rules.matcher();
    let ascii = "Officials said.";
    let whole = Span::new(0, ascii.len());
    let scan = matcher.scan(ascii, &[whole]);
    let ascii_words = |s: &str| !s.chars().any(|c| !c.is_ascii() && c.is_alphanumeric());
    let mut rows = Vec::new();
    for (i, rule) in auditor.rules.rules.iter().enumerate() {
        let own = compile(rule.regex.as_str());
        let fast = match scan.regex(i, rule, whole) {
            Engine::Derived(twin) => measure(twin.regex(), &docs, &segs, ascii_words),
            Engine::Own(_) => measure(&own, &docs, &segs, ascii_words),
        };
        let own = measure(&own, &docs, &segs, |_| true);
        rows.push((rule.id.clone(), own, fast));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.2));
    println!(
        "{:32} {:>10} {:>10} {:>10}   {:>10} {:>10} {:>10}",
        "rule", "regex KB", "cache KB", "after KB", "twin KB", "cache KB", "after KB"
    );
    for (id, (regex, new, after), (t_regex, t_new, t_after)) in &rows {
        println!(
            "{id:32} {:>10} {:>10} {:>10}   {:>10} {:>10} {:>10}",
            regex / 1024,
            new / 1024,
            after / 1024,
            t_regex / 1024,
            t_new / 1024,
            t_after / 1024
        );
    }
    let sum = |f: fn(&(String, Memory, Memory)) -> usize| rows.iter().map(f).sum::<usize>() >> 20;
    println!(
        "{} articles; own regexes {} MB, their caches after {} MB; twins {} MB, caches after {} MB",
        docs.len(),
        sum(|r| r.1.0),
        sum(|r| r.1.2),
        sum(|r| r.2.0),
        sum(|r| r.2.2),
    );
    conditions(&auditor, &docs);
}

/// The rules' conditions (`near`, `unless`, `not_followed_by`,
/// `verb_not_followed_by`, `source.reject`) after auditing the articles:
/// compiled on first use and shared by the rules that spell them the same,
/// so each is counted once, with the rules that use it.
fn conditions(auditor: &sourcing::Auditor, docs: &[Document]) {
    for d in docs {
        auditor.audit(d);
    }
    let mut seen: Vec<(
        *const sourcing::rules::condition::Condition,
        usize,
        Vec<&str>,
        String,
    )> = Vec::new();
    for rule in &auditor.rules.rules {
        for c in rule.conditions() {
            let key = std::sync::Arc::as_ptr(c);
            match seen.iter_mut().find(|s| s.0 == key) {
                Some(s) => s.2.push(&rule.id),
                None => seen.push((
                    key,
                    c.memory_usage(),
                    vec![&rule.id],
                    c.as_str().chars().take(40).collect(),
                )),
            }
        }
    }
    seen.sort_by_key(|s| std::cmp::Reverse(s.1));
    println!("\n{:>10}  {:40}  rules", "after KB", "condition");
    for (_, bytes, rules, pattern) in seen.iter().filter(|s| s.1 > 0) {
        println!("{:>10}  {pattern:40}  {}", bytes / 1024, rules.join(", "));
    }
    let used = seen.iter().filter(|s| s.1 > 0).count();
    println!(
        "{} distinct conditions, {used} compiled, {} KB with their caches",
        seen.len(),
        seen.iter().map(|s| s.1).sum::<usize>() / 1024
    );
}

/// `pattern` compiled as `sourcing` compiles it.
fn compile(pattern: &str) -> Regex {
    let config = Regex::config()
        .nfa_size_limit(Some(16 << 20))
        .hybrid_cache_capacity(32 << 20);
    Regex::builder()
        .configure(config)
        .build(pattern)
        .expect("a built-in pattern compiles")
}

/// Memory of `re`: the regex, its cache when new, and its cache after
/// searching the sentences `keep` selects.
fn measure(
    re: &Regex,
    docs: &[Document],
    segs: &[sourcing::text::Segments],
    keep: impl Fn(&str) -> bool,
) -> Memory {
    let mut cache = re.create_cache();
    let new = cache.memory_usage();
    let mut caps = re.create_captures();
    for (d, s) in docs.iter().zip(segs) {
        for sentence in &s.sentences {
            let text = &d.text[sentence.span.start..sentence.span.end];
            if keep(text) {
                re.search_captures_with(&mut cache, &regex_automata::Input::new(text), &mut caps);
            }
        }
    }
    (re.memory_usage(), new, cache.memory_usage())
}
