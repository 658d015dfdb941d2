//! Limits: inputs and rule packs built to hurt the tool must end in a clear
//! error or a normal report, in time and memory proportional to their size.
//!
//! None of these tests asserts a duration (the machines are shared); each one
//! is sized so that the quadratic behaviour it guards against would take
//! minutes, while the linear code takes well under a second in a release build.

use std::process::Command;
use std::time::Instant;

use sourcing::Auditor;
use sourcing::input::{self, Document, Format, InputError};
use sourcing::report::{json, text};
use sourcing::rules::{PackSource, RuleSet};

fn auditor() -> Auditor {
    Auditor::builtin().expect("built-in packs load")
}

/// Audit and render both ways; the renderers are where copies of long
/// sentences used to pile up.
fn audit_all(name: &str, body: String) -> sourcing::AuditReport {
    let len = body.len();
    let doc = Document::from_text(name, body, Format::Text);
    let started = Instant::now();
    let report = auditor().audit(&doc);
    let out_text = text::render(&report, text::TextOptions::default());
    let out_json = json::render(std::slice::from_ref(&report), &[]);
    eprintln!(
        "{name}: {len} bytes, {} findings, text {} bytes, json {} bytes, {:?}",
        report.findings.len(),
        out_text.len(),
        out_json.len(),
        started.elapsed()
    );
    // Output grows with the findings, never with findings × sentence length.
    let budget = 4 * len + 4_000 * (report.findings.len() + 1);
    assert!(out_text.len() < budget, "text report of {name} blew up");
    assert!(out_json.len() < budget, "JSON report of {name} blew up");
    report
}

#[test]
fn megabyte_line_without_punctuation() {
    let words = [
        "the",
        "talks",
        "had",
        "stalled",
        "officials",
        "in",
        "the",
        "capital",
        "said",
        "on",
        "Monday",
        "and",
        "people",
        "familiar",
        "with",
        "the",
        "matter",
        "told",
        "reporters",
        "critics",
        "say",
        "he",
    ];
    let mut body = String::with_capacity(1_000_100);
    let mut i = 0usize;
    while body.len() < 1_000_000 {
        // A fixed pseudo-random walk over the words, so matches are dense but irregular.
        i = (i * 7 + 3) % words.len();
        body.push_str(words[i]);
        body.push(' ');
    }
    let report = audit_all("line.txt", body);
    assert!(report.score.value <= 100);
    // The whole line is one sentence; every finding's excerpt is a window, not 1 MB.
    for f in &report.findings {
        if let Some(e) = &f.excerpt {
            assert!(
                e.len() <= sourcing::report::EXCERPT_LIMIT + 16,
                "excerpt not cut"
            );
        }
    }
}

#[test]
fn hundred_thousand_quotation_marks() {
    // Straight and curly: the curly mark is three bytes and not ASCII, which
    // takes the regex engines off their fastest path.
    for mark in ["\"", "“"] {
        let body = mark.repeat(100_000) + "\n";
        let report = audit_all("quotes.txt", body);
        assert!(report.score.value <= 100);
    }
    // Quotation marks around words, with attributions between them.
    let body = "“Yes,” officials said. ".repeat(5_000);
    let report = audit_all("quoted.txt", body);
    assert!(!report.findings.is_empty());
}

#[test]
fn tens_of_thousands_of_attributed_sentences() {
    // One line, many sentences: pronoun antecedents, ledger sets, softening and
    // line/column lookups all used to rescan everything before each finding.
    let body = "Officials said so. He said so. ".repeat(10_000);
    let report = audit_all("said.txt", body);
    assert!(report.findings.len() >= 20_000);
    // The same, one sentence per paragraph.
    let body = "A spokesman for the ministry said so.\n\n".repeat(10_000);
    let report = audit_all("paragraphs.txt", body);
    assert!(report.findings.len() >= 10_000);
    assert_eq!(report.ledger.len(), 1, "one source, cited 10,000 times");
    // A named person mentioned again before every pronoun: who "she" is must
    // not be decided by rereading every earlier mention.
    let body = format!(
        "Ann Lee said so. {}",
        "Ms. Lee came. \u{201c}Yes,\u{201d} she said. ".repeat(20_000)
    );
    let report = audit_all("mentions.txt", body);
    let lee = report.ledger.iter().find(|e| e.name == "Ann Lee");
    assert!(
        lee.is_some_and(|e| e.mentions > 20_000),
        "{:?}",
        report.ledger
    );
}

#[test]
fn a_credit_on_every_line() {
    let body = "Credit: Jane Roe/Agence France-Presse\n".repeat(20_000);
    let doc = Document::from_text("credits.txt", body, Format::Text);
    let seg = sourcing::text::segment(&doc.text);
    assert_eq!(seg.furniture.len(), 20_000);
    assert!(seg.in_furniture(doc.text.len() - 3));
    let report = audit_all("credits.txt", doc.original);
    assert!(report.findings.is_empty(), "furniture is never attribution");
}

#[test]
fn a_credit_glued_to_every_caption() {
    // "…said so.Credit: …" marks the caption before the credit as furniture; the
    // caption's start was searched for back to the top of the file each time
    // (10,000 lines: 18 s, 40,000: 200 s in a debug build).
    let body = "Officials said so.Credit: Jane Roe\n".repeat(20_000);
    let doc = Document::from_text("glued.txt", body, Format::Text);
    let seg = sourcing::text::segment(&doc.text);
    assert_eq!(seg.furniture.len(), 40_000, "each caption and each credit");
    let report = audit_all("glued.txt", doc.original);
    assert!(report.findings.is_empty(), "captions are never attribution");
}

#[test]
fn max_bytes_is_enforced_with_a_clear_error() {
    let err = input::decode("big.txt", vec![b'a'; 101], Format::Text, 100).unwrap_err();
    assert_eq!(
        err,
        InputError::TooLarge {
            path: "big.txt".into(),
            size: 101,
            limit: 100
        }
    );
    assert_eq!(
        err.to_string(),
        "big.txt: file is 101 bytes, over the limit of 100; raise it with --max-bytes if this is really one article"
    );
    assert!(input::decode("ok.txt", vec![b'a'; 100], Format::Text, 100).is_ok());
}

#[test]
fn max_bytes_on_the_command_line() {
    let dir = std::env::temp_dir().join(format!("sourcing-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.txt");
    let small = dir.join("small.txt");
    std::fs::write(&big, "Officials said the talks stalled. ".repeat(10)).unwrap();
    std::fs::write(&small, "Officials said so.").unwrap();
    let run = |args: &[&str], stdin: Option<&[u8]>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sourcing"));
        cmd.args(args);
        cmd.stdin(std::process::Stdio::piped());
        cmd.stdout(std::process::Stdio::piped());
        cmd.stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write;
            let mut pipe = child.stdin.take().unwrap();
            if let Some(bytes) = stdin {
                let _ = pipe.write_all(bytes);
            }
        }
        child.wait_with_output().unwrap()
    };
    let big_s = big.to_str().unwrap();
    let small_s = small.to_str().unwrap();

    // The big file is refused by name, the small one is still audited, exit 2.
    let out = run(&["audit", "--max-bytes", "100", big_s, small_s], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{big_s}: file is 340 bytes, over the limit of 100; raise it with --max-bytes"
        )),
        "{stderr}"
    );
    assert!(
        stdout.contains(small_s),
        "the other file is audited: {stdout}"
    );

    // Standard input is cut at the limit, not read to the end.
    let out = run(
        &["audit", "--max-bytes", "100", "-"],
        Some(&[b'a'; 100_000]),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("<stdin>: file is 101 bytes, over the limit of 100"),
        "{stderr}"
    );

    // Raising the limit lets the file through.
    let out = run(&["audit", "--max-bytes", "1000", big_s], None);
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

fn pack(name: &str, text: String) -> PackSource {
    PackSource {
        path: name.into(),
        text,
    }
}

fn load(src: &PackSource) -> Result<RuleSet, Vec<sourcing::RuleError>> {
    RuleSet::load(std::slice::from_ref(src), &sourcing::scoring_base())
}

fn one_rule_pack(pattern: &str) -> String {
    format!(
        "[pack]\nid = \"hostile\"\n\n[[rule]]\nid = \"blowup\"\ncategory = \"vague-attribution\"\npattern = '{pattern}'\nmessage = \"x\"\n"
    )
}

#[test]
fn nested_repetition_is_rejected_with_a_located_error() {
    let src = pack("hostile.toml", one_rule_pack("(?:a{100}){100}{100}"));
    let Err(errors) = load(&src) else {
        panic!("nested repetition must be refused");
    };
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!((e.line, e.column), (Some(7), Some(11)));
    assert_eq!(e.rule.as_deref(), Some("blowup"));
    assert!(
        e.message
            .contains("pattern compiles to more than 16777216 bytes"),
        "{}",
        e.message
    );
    let shown = e.render();
    assert!(shown.contains("hostile.toml:7:11"), "{shown}");
    assert!(shown.contains("counted repetition"), "{shown}");
}

#[test]
fn huge_character_class_repetition_is_rejected() {
    let src = pack("wide.toml", one_rule_pack(r"\w{1000}"));
    let Err(errors) = load(&src) else {
        panic!("a thousand Unicode word classes must be refused");
    };
    assert!(
        errors[0].message.contains("compiles to more than"),
        "{errors:?}"
    );
}

#[test]
fn huge_alternation_is_rejected() {
    // 3,000 alternatives, each three Unicode word characters and a number: a
    // 29 KB pattern whose compiled form is far over the limit.
    let alternation: Vec<String> = (0..3_000).map(|i| format!(r"\w{{3}}{i}")).collect();
    let src = pack("alt.toml", one_rule_pack(&alternation.join("|")));
    let Err(errors) = load(&src) else {
        panic!("a 3,000-way alternation of Unicode classes must be refused");
    };
    assert_eq!((errors[0].line, errors[0].column), (Some(7), Some(11)));
    assert!(
        errors[0].message.contains("compiles to more than"),
        "{}",
        errors[0].message
    );
}

#[test]
fn exponential_lexicon_expansion_is_rejected() {
    // Each level repeats the one below 64 times: level 5 would be 64^5 ≈ 10^9
    // copies of `x`, a gigabyte of pattern before the regex engine sees it.
    let mut text = String::from("[pack]\nid = \"lex\"\n\n[lexicon]\nl0 = ['x']\n");
    for level in 1..=5 {
        let refs = format!("{{l{}}}", level - 1).repeat(64);
        text.push_str(&format!("l{level} = ['{refs}']\n"));
    }
    text.push_str(
        "\n[[rule]]\nid = \"r\"\ncategory = \"vague-attribution\"\npattern = '{l5}'\nmessage = \"x\"\n",
    );
    let Err(errors) = load(&pack("lex.toml", text)) else {
        panic!("an exponential lexicon must be refused");
    };
    let e = errors
        .iter()
        .find(|e| e.message.contains("l4") || e.message.contains("l5"))
        .expect("the oversized lexicon is named");
    assert!(e.message.contains("longer than"), "{errors:?}");
    assert!(e.line.is_some());
}

#[test]
fn ten_thousand_rules_load() {
    let build = |n: usize| {
        let mut text =
            String::from("[pack]\nid = \"big\"\n\n[lexicon]\nspeech = ['said', 'told']\n");
        for i in 0..n {
            text.push_str(&format!(
                "\n[[rule]]\nid = \"rule-{i}\"\ncategory = \"vague-attribution\"\npattern = '(?i)\\bword{i}\\s+{{speech}}'\nmessage = \"rule {i}\"\n"
            ));
        }
        pack("big.toml", text)
    };
    let timed = |n: usize| {
        let src = build(n);
        let started = Instant::now();
        let Ok(set) = load(&src) else {
            panic!("a pack of {n} rules must load");
        };
        let took = started.elapsed();
        assert_eq!(set.rules.len(), n);
        eprintln!("{n} rules: {took:?}");
        (set, took)
    };
    if std::env::var_os("SOURCING_MEASURE").is_some() {
        // `SOURCING_MEASURE=1 cargo test --test limits ten_thousand -- --nocapture`
        // (see fuzz/README.md): a quarter of the rules should take about a
        // quarter of the time.
        let (_, quarter) = timed(2_500);
        let (_, full) = timed(10_000);
        eprintln!(
            "10,000 rules took {:.1}x as long as 2,500",
            full.as_secs_f64() / quarter.as_secs_f64().max(1e-9)
        );
    }
    let (set, _) = timed(10_000);
    // And the compiled set runs.
    let auditor = Auditor { rules: set };
    let doc = Document::from_text(
        "a.txt",
        "Word9999 said so. Word17 told them.".into(),
        Format::Text,
    );
    let report = auditor.audit(&doc);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, vec!["rule-9999", "rule-17"]);
}

/// The command line runs on jemalloc with the options `src/allocator.rs`
/// gives it (freed pages returned after a second, small thread caches): the
/// memory numbers of BENCHMARKS.md depend on both. jemalloc prints its
/// options at exit when asked to through its environment variable.
#[cfg(not(target_env = "msvc"))]
#[test]
fn the_command_line_runs_on_jemalloc_with_its_memory_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .args(["audit", "--no-config", "--format", "json"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/000-nyt-china-russia-intel.txt"
        ))
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats = String::from_utf8_lossy(&out.stderr);
    // The option as the binary sets it, and as jemalloc applied it (its
    // default, 10000, would also contain "1000").
    assert!(
        stats.contains(r#"Global variable malloc_conf: "dirty_decay_ms:1000,tcache_max:4096""#),
        "jemalloc's statistics, with its options, were not printed:\n{stats}"
    );
    assert!(stats.contains("opt.dirty_decay_ms: 1000 ("), "{stats}");
    assert!(stats.contains("opt.tcache_max: 4096\n"), "{stats}");
}
