//! Developer tool: time each pattern rule over a directory of articles.
//!
//! `cargo run --release --example rule_cost -- DIR`
use std::time::Instant;

use sourcing::Auditor;
use sourcing::input::{Document, Format};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: rule_cost DIR");
    let auditor = Auditor::builtin().expect("built-in packs load");
    let docs: Vec<Document> = std::fs::read_dir(&dir)
        .expect("readable directory")
        .flatten()
        .take(300)
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("UTF-8 article");
            Document::from_text("x", text, Format::Text)
        })
        .collect();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let segs: Vec<_> = docs
        .iter()
        .map(|d| sourcing::text::segment(&d.text))
        .collect();
    if std::env::args().nth(2).as_deref() == Some("audit") {
        for _ in 0..5 {
            for d in &docs {
                let _ = auditor.audit(d);
            }
        }
        return;
    }
    let t = Instant::now();
    for d in &docs {
        let _ = sourcing::text::segment(&d.text);
    }
    println!("segment: {:?}", t.elapsed());
    let matcher = auditor.rules.matcher();
    let t = Instant::now();
    for d in &docs {
        let _ = matcher.scan(&d.text);
    }
    println!("literal scan: {:?}", t.elapsed());
    for pass in 0..2 {
        println!("pass {pass}");
        for (i, rule) in auditor.rules.rules.iter().enumerate() {
            let t = Instant::now();
            let mut n = 0;
            for (d, s) in docs.iter().zip(&segs) {
                let scan = matcher.scan(&d.text);
                let units: Vec<_> = s.sentences.iter().map(|s| s.span).collect();
                for u in scan.candidates(i, &units) {
                    n += scan
                        .regex(i, &rule.regex, u)
                        .find_iter(&d.text[u.start..u.end])
                        .count();
                }
            }
            println!("{:32} {:?} {n}", rule.id, t.elapsed());
        }
    }
    for d in &docs {
        let _ = auditor.audit(d);
    }
    let t = Instant::now();
    for d in &docs {
        let _ = auditor.audit(d);
    }
    let e = t.elapsed();
    println!(
        "audit: {e:?} {:.1} MB/s",
        bytes as f64 / 1e6 / e.as_secs_f64()
    );
}
