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
    if std::env::args().nth(2).as_deref() == Some("batch") {
        // Auditor::audit_many by batch size, after a warm-up pass.
        let refs: Vec<&Document> = docs.iter().collect();
        let _ = auditor.audit_many(&refs);
        for size in [1, 2, 4, 8, 16, 32, 64, 300] {
            let t = Instant::now();
            for chunk in refs.chunks(size) {
                std::hint::black_box(auditor.audit_many(chunk));
            }
            let e = t.elapsed();
            println!(
                "batch {size:>3}: {:>7.1} ms {:.1} MB/s",
                e.as_secs_f64() * 1e3,
                bytes as f64 / 1e6 / e.as_secs_f64()
            );
        }
        return;
    }
    if std::env::args().nth(2).as_deref() == Some("stages") {
        stages(&auditor, &docs, bytes);
        return;
    }
    if std::env::args().nth(2).as_deref() == Some("audit") {
        // For profiling: the library call the command line makes.
        let refs: Vec<&Document> = docs.iter().collect();
        let passes = std::env::var("PASSES")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(5);
        for _ in 0..passes {
            for chunk in refs.chunks(sourcing::BATCH) {
                std::hint::black_box(auditor.audit_many(chunk));
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
    let units: Vec<Vec<_>> = segs
        .iter()
        .map(|s| s.sentences.iter().map(|s| s.span).collect())
        .collect();
    let t = Instant::now();
    for (d, units) in docs.iter().zip(&units) {
        let _ = matcher.scan(&d.text, units);
    }
    println!("literal scan: {:?}", t.elapsed());
    let scans: Vec<_> = docs
        .iter()
        .zip(&units)
        .map(|(d, units)| matcher.scan(&d.text, units))
        .collect();
    for pass in 0..2 {
        println!("pass {pass}: rule, time, candidate sentences, matches");
        for (i, rule) in auditor.rules.rules.iter().enumerate() {
            let t = Instant::now();
            let (mut n, mut c) = (0, 0);
            let mut groups = Vec::new();
            for ((d, scan), units) in docs.iter().zip(&scans).zip(&units) {
                for u in scan.candidates(i, units) {
                    c += 1;
                    scan.regex(i, rule, u).each_match(
                        &d.text[u.start..u.end],
                        u.start,
                        &mut groups,
                        |_| n += 1,
                    );
                }
            }
            println!("{:32} {:>12?} {c:>6} {n:>6}", rule.id, t.elapsed());
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

/// Time each stage of `Auditor::audit` separately (after a warm-up pass, so the
/// lazily built DFA states and ASCII twins are in place).
fn stages(auditor: &Auditor, docs: &[Document], bytes: usize) {
    use sourcing::{ledger, report, rules, score, text};
    let mut t = [std::time::Duration::ZERO; 7];
    for pass in 0..2 {
        for d in docs {
            let c = Instant::now();
            let seg = text::segment(&d.text);
            let c1 = Instant::now();
            let mut findings = rules::find(&auditor.rules, d, &seg);
            let c2 = Instant::now();
            let mut led = ledger::build(&findings, &d.text, &seg);
            let c3 = Instant::now();
            let stats = rules::document::DocumentStats::new(&findings, &led, &seg);
            findings.extend(rules::document::evaluate(&auditor.rules, &findings, &stats));
            led.credited.resize(findings.len(), None);
            let c4 = Instant::now();
            let sc = score::score(&auditor.rules.scoring, &findings, &seg);
            let c5 = Instant::now();
            let r = report::AuditReport::from_parts(d, findings, led, sc).with_story(d, &seg.story);
            let c6 = Instant::now();
            let json = report::json::render_line(&r);
            let c7 = Instant::now();
            std::hint::black_box(json);
            if pass == 1 {
                for (i, (a, b)) in [
                    (c, c1),
                    (c1, c2),
                    (c2, c3),
                    (c3, c4),
                    (c4, c5),
                    (c5, c6),
                    (c6, c7),
                ]
                .into_iter()
                .enumerate()
                {
                    t[i] += b - a;
                }
            }
        }
    }
    // Inside rules::find: the literal scan, the forward-only rejection of
    // candidates, and the capture search of the candidates that match.
    // (A rule whose pattern is a list of alternatives is timed here as its
    // whole ASCII twin; since d9c1857 the audit searches it alternative by
    // alternative, see `matcher::Piece`, so these stages overstate it.)
    let matcher = auditor.rules.matcher();
    let zero = std::time::Duration::ZERO;
    let (mut scan_t, mut reject_t, mut caps_t) = (zero, zero, zero);
    let (mut cands, mut matched) = (0usize, 0usize);
    for (k, d) in docs.iter().chain(docs).enumerate() {
        if k == docs.len() {
            // The first round warmed the caches; count the second only.
            (scan_t, reject_t, caps_t, cands, matched) = (zero, zero, zero, 0, 0);
        }
        let seg = text::segment(&d.text);
        let units: Vec<_> = seg.sentences.iter().map(|s| s.span).collect();
        let c = Instant::now();
        let scan = matcher.scan(&d.text, &units);
        scan_t += c.elapsed();
        for (i, rule) in auditor.rules.rules.iter().enumerate() {
            let units = match rule.scope {
                rules::Scope::Sentence => &units[..],
                rules::Scope::Paragraph => &seg.paragraphs[..],
                rules::Scope::Document => continue,
            };
            let mut groups = Vec::new();
            for u in scan.candidates(i, units) {
                let re = scan.regex(i, rule, u);
                let unit = &d.text[u.start..u.end];
                cands += 1;
                let c = Instant::now();
                let hit = scan.may_match(i, rule, u, unit);
                reject_t += c.elapsed();
                if hit {
                    matched += 1;
                    let c = Instant::now();
                    let mut n = 0;
                    re.each_match(unit, u.start, &mut groups, |_| n += 1);
                    std::hint::black_box(n);
                    caps_t += c.elapsed();
                }
            }
        }
    }
    {
        // The same rejection, rule by rule over all documents.
        let segs: Vec<_> = docs.iter().map(|d| text::segment(&d.text)).collect();
        let units: Vec<Vec<_>> = segs
            .iter()
            .map(|s| s.sentences.iter().map(|s| s.span).collect())
            .collect();
        let scans: Vec<_> = docs
            .iter()
            .zip(&units)
            .map(|(d, units)| matcher.scan(&d.text, units))
            .collect();
        let c = Instant::now();
        let mut hits = 0;
        for (i, rule) in auditor.rules.rules.iter().enumerate() {
            for ((d, scan), units) in docs.iter().zip(&scans).zip(&units) {
                for u in scan.candidates(i, units) {
                    hits += scan.may_match(i, rule, u, &d.text[u.start..u.end]) as usize;
                }
            }
        }
        println!(
            "  reject, rule-major {:>8.1} ms ({hits})",
            c.elapsed().as_secs_f64() * 1e3
        );
    }
    for (n, d) in [
        ("  literal scan", scan_t),
        ("  reject", reject_t),
        ("  captures", caps_t),
    ] {
        println!("{n:16} {:>8.1} ms", d.as_secs_f64() * 1e3);
    }
    println!("  {cands} candidate units, {matched} with a match");
    let names = [
        "segment",
        "rules::find",
        "ledger",
        "document rules",
        "score",
        "report",
        "json",
    ];
    let total: std::time::Duration = t.iter().sum();
    for (n, d) in names.iter().zip(t) {
        println!(
            "{n:16} {:>8.1} ms {:>5.1} %",
            d.as_secs_f64() * 1e3,
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    println!(
        "total            {:>8.1} ms {:.1} MB/s",
        total.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / total.as_secs_f64()
    );
}
