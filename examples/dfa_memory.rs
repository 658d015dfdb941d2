//! Developer tool: how much regex scratch memory each pattern rule needs per
//! worker thread, after matching the sentences of up to 300 articles.
//!
//! `cargo run --release --example dfa_memory -- DIR`
//!
//! The numbers are those of `regex_automata::meta` (the engine behind `regex`)
//! built with the limits `sourcing` uses: the compiled regex, its cache when
//! new, and its cache after the articles (lazy DFA states, PikeVM and
//! backtracker scratch). Every worker thread holds one such cache per rule.
use regex_automata::meta::Regex;
use sourcing::input::{Document, Format};

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
    let mut rows = Vec::new();
    for rule in &auditor.rules.rules {
        let config = Regex::config()
            .nfa_size_limit(Some(16 << 20))
            .hybrid_cache_capacity(32 << 20);
        let re = Regex::builder()
            .configure(config)
            .build(rule.regex.as_str())
            .expect("a built-in pattern compiles");
        let mut cache = re.create_cache();
        let new = cache.memory_usage();
        let mut caps = re.create_captures();
        for (d, s) in docs.iter().zip(&segs) {
            for sentence in &s.sentences {
                let text = &d.text[sentence.span.start..sentence.span.end];
                re.search_captures_with(&mut cache, &regex_automata::Input::new(text), &mut caps);
            }
        }
        rows.push((
            rule.id.clone(),
            re.memory_usage(),
            new,
            cache.memory_usage(),
        ));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.3));
    println!(
        "{:32} {:>10} {:>10} {:>10}",
        "rule", "regex KB", "cache KB", "after KB"
    );
    for (id, regex, new, after) in &rows {
        println!(
            "{id:32} {:>10} {:>10} {:>10}",
            regex / 1024,
            new / 1024,
            after / 1024
        );
    }
    let regex: usize = rows.iter().map(|r| r.1).sum();
    let after: usize = rows.iter().map(|r| r.3).sum();
    println!(
        "{} articles; all regexes {} MB, all caches after {} MB",
        docs.len(),
        regex >> 20,
        after >> 20
    );
}
