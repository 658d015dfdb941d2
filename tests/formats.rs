//! The report formats: snapshots of Markdown, SARIF, GitHub annotations and HTML
//! for every fixture (in the top-level `snapshots/` folder), SARIF validated
//! against the official 2.1.0 schema, and escaping checks with hostile articles
//! and hostile rule packs.

use std::path::Path;

use regex::Regex;
use serde_json::Value;
use sourcing::Auditor;
use sourcing::input::{Document, Format};
use sourcing::report::{AuditReport, InputFailure, RuleInfo, github, html, json, markdown, sarif};
use sourcing::rules::PackSource;

mod common;
use common::fixtures;

fn audit_fixtures(auditor: &Auditor) -> Vec<(String, AuditReport)> {
    fixtures()
        .into_iter()
        .map(|path| {
            let name = format!("fixtures/{}", path.file_name().unwrap().to_string_lossy());
            let original = std::fs::read_to_string(&path).unwrap();
            let doc = Document::from_text(name, original, Format::from_path(&path));
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            (stem, auditor.audit(&doc))
        })
        .collect()
}

#[test]
fn fixture_formats() {
    let auditor = Auditor::builtin().expect("built-in packs load");
    let catalog = RuleInfo::catalog(&auditor.rules);
    let reports = audit_fixtures(&auditor);
    assert!(reports.len() >= 11);
    for (stem, report) in &reports {
        let one = std::slice::from_ref(report);
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{stem}.md"), markdown::render_run(one, &[]));
            insta::assert_snapshot!(format!("{stem}.sarif"), sarif::render(one, &[], &catalog));
            insta::assert_snapshot!(format!("{stem}.github"), github::render(one, &[]));
            insta::assert_snapshot!(format!("{stem}.html"), html::render(one, &[]));
        });
    }
}

/// A run over every fixture plus an unreadable input: the multi-file summaries.
#[test]
fn run_summaries() {
    let auditor = Auditor::builtin().expect("built-in packs load");
    let reports: Vec<AuditReport> = audit_fixtures(&auditor)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let failures = [InputFailure {
        file: "fixtures/missing.txt".into(),
        message: "fixtures/missing.txt: no such file".into(),
    }];
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("run.summary.text", sourcing::report::text::summary(&reports, &failures));
        insta::assert_snapshot!("run.summary.md", markdown::summary(&reports, &failures));
    });
}

fn schema_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vendored SARIF schema"))
            .expect("schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not match the 2.1.0 schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_and_points_at_the_match() {
    let auditor = Auditor::builtin().expect("built-in packs load");
    let catalog = RuleInfo::catalog(&auditor.rules);
    let reports: Vec<AuditReport> = audit_fixtures(&auditor)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let failures = [InputFailure {
        file: "dir with space/<stdin>".into(),
        message: "cannot read".into(),
    }];
    let validator = schema_validator();
    let log: Value = serde_json::from_str(&sarif::render(&reports, &failures, &catalog)).unwrap();
    assert_valid_sarif(&validator, &log);

    // The validator must be able to fail: a result without a message is invalid.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken), "schema check is not biting");

    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let findings: Vec<_> = reports.iter().flat_map(|r| &r.findings).collect();
    assert_eq!(results.len(), findings.len());
    for (res, f) in results.iter().zip(&findings) {
        assert_eq!(res["ruleId"], f.rule.as_str());
        let rule = &rules[res["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], f.rule.as_str());
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        assert!(rule["help"]["text"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(
            res["level"],
            f.severity.as_str(),
            "severity maps one to one"
        );
        let loc = &res["locations"][0]["physicalLocation"];
        let artifact = loc["artifactLocation"]["index"].as_u64().unwrap() as usize;
        let report = &reports[artifact];
        match f.span {
            Some(span) => {
                let region = &loc["region"];
                let start = region["byteOffset"].as_u64().unwrap() as usize;
                let len = region["byteLength"].as_u64().unwrap() as usize;
                assert_eq!((start, start + len), (span.start, span.end));
                let lc = f.start.unwrap();
                assert_eq!(region["startLine"].as_u64().unwrap() as usize, lc.line);
                assert_eq!(region["startColumn"].as_u64().unwrap() as usize, lc.column);
                // endColumn is one past the last character of the match.
                let matched = &report.text[span.start..span.end];
                let end_line = region["endLine"].as_u64().unwrap() as usize;
                let end_col = region["endColumn"].as_u64().unwrap() as usize;
                let line_text = report.text.lines().nth(end_line - 1).unwrap();
                let last_line_of_match = matched.rsplit('\n').next().unwrap();
                let upto: String = line_text.chars().take(end_col - 1).collect();
                assert!(
                    upto.ends_with(last_line_of_match),
                    "{}: endColumn {end_col} does not end {matched:?}",
                    f.rule
                );
            }
            None => assert!(loc.get("region").is_none()),
        }
    }
}

fn pack(text: &str) -> Auditor {
    Auditor::from_sources(&[PackSource {
        path: "hostile.toml".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("test pack loads: {e:?}"))
}

/// A pack whose category, message and advice are themselves hostile.
const HOSTILE_PACK: &str = r#"
[pack]
id = "hostile"
description = "rule text that tries to break every format"

[[rule]]
id = "said"
category = 'x"><script>alert(1)</script>|cat'
severity = "warning"
weight = 1
pattern = '(?i)\bofficials said\b'
message = 'Found <b>bold</b> | pipe, comma: colon % and "quotes"'
advice = "Check [this](javascript:alert(1)) and `code`\nnext line"

[[rule]]
id = "alpha-beta"
category = "first"
pattern = '\balpha beta\b'
message = "alpha beta"

[[rule]]
id = "beta-gamma"
category = "second"
pattern = '\bbeta gamma\b'
message = "beta gamma"
"#;

/// An article that tries script and attribute injection, in and around matches.
const HOSTILE_ARTICLE: &str = "<script>alert('pwned')</script> The officials said \"><img src=x onerror=alert(1)> it.\n\
' onmouseover='alert(2)' officials said <b>bold</b> & more.\n\
alpha beta gamma <!-- comment --> ]]> </textarea></style>\n";

/// Strip tooltips and tags from the HTML article and unescape entities: what a
/// browser shows as the article's text.
fn article_text(page: &str) -> String {
    let start = page.find("<div class=\"article\"").unwrap();
    let open_end = start + page[start..].find('>').unwrap() + 1;
    let close = open_end + page[open_end..].find("</div>").unwrap();
    let inner = &page[open_end..close];
    let tips = Regex::new(r#"(?s)<span class="tip"[^>]*>.*?</span>"#).unwrap();
    let tags = Regex::new(r"</?mark[^>]*>").unwrap();
    let plain = tags
        .replace_all(&tips.replace_all(inner, ""), "")
        .to_string();
    plain
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn html_escapes_everything_and_keeps_the_text() {
    let auditor = pack(HOSTILE_PACK);
    let doc = Document::from_text("a\"b<c>.txt", HOSTILE_ARTICLE.into(), Format::Text);
    let report = auditor.audit(&doc);
    assert_eq!(report.findings.len(), 4, "{:#?}", report.findings);
    let page = html::render(std::slice::from_ref(&report), &[]);

    // The only script is ours; no tag from the article or the pack survives.
    assert_eq!(page.matches("<script").count(), 1, "{page}");
    for bad in [
        "<img",
        "<b>bold</b> |",
        "<!-- comment",
        "</textarea>",
        "</style>\n",
    ] {
        let count = page.matches(bad).count();
        let allowed = usize::from(bad == "</style>\n"); // our own stylesheet's end
        assert!(count <= allowed, "{bad:?} appears unescaped in\n{page}");
    }
    // Attribute values cannot be broken out of: every quote inside one is escaped.
    let attr = Regex::new(r#"\s[a-z-]+="([^"]*)""#).unwrap();
    for cap in attr.captures_iter(&page) {
        assert!(
            !cap[1].contains('<'),
            "unescaped < in attribute {:?}",
            &cap[0]
        );
    }
    assert!(page.contains("onmouseover=&#39;alert(2)&#39;"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"));

    // The article reads exactly as written, and tags balance although the two
    // "alpha beta" / "beta gamma" findings overlap without nesting.
    assert_eq!(article_text(&page), HOSTILE_ARTICLE);
    assert_eq!(
        page.matches("<mark").count(),
        page.matches("</mark>").count()
    );
    let ids: std::collections::BTreeSet<&str> = Regex::new(r#"data-finding="([^"]+)""#)
        .unwrap()
        .captures_iter(&page)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(ids.len(), 4, "every finding is highlighted");
    // Exactly one focusable piece (with its tooltip) per finding.
    assert_eq!(page.matches("tabindex=\"0\"").count(), 4);
    assert_eq!(page.matches("role=\"tooltip\"").count(), 4);
}

#[test]
fn markdown_escapes_tables_and_links() {
    let auditor = pack(HOSTILE_PACK);
    let doc = Document::from_text("a|b.txt", HOSTILE_ARTICLE.into(), Format::Text);
    let report = auditor.audit(&doc);
    let md = markdown::render_run(std::slice::from_ref(&report), &[]);
    // Every table row has as many unescaped pipes as its header row.
    let pipes = |line: &str| line.replace("\\|", "").matches('|').count();
    let mut header = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let n = pipes(line);
        match header {
            None => header = Some(n),
            Some(h) => assert_eq!(n, h, "broken table row: {line}\n{md}"),
        }
    }
    assert!(!md.contains("<script>"), "{md}");
    assert!(!md.contains("<b>"), "{md}");
    // A link needs an unescaped "](": brackets are escaped, so none forms.
    assert!(!Regex::new(r"[^\\]\]\(").unwrap().is_match(&md), "{md}");
    assert!(md.contains("\\<script\\>"));
}

#[test]
fn github_annotations_are_escaped() {
    let auditor = pack(HOSTILE_PACK);
    let doc = Document::from_text("dir,1/a:b%.txt", HOSTILE_ARTICLE.into(), Format::Text);
    let report = auditor.audit(&doc);
    let out = github::render(std::slice::from_ref(&report), &[]);
    let line = Regex::new(
        r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$",
    )
    .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), report.findings.len() + 1, "{out}");
    for l in &lines {
        let caps = line
            .captures(l)
            .unwrap_or_else(|| panic!("not a workflow command: {l}"));
        assert!(caps[2].contains("file=dir%2C1/a%3Ab%25.txt"), "{l}");
        assert!(!caps[3].contains('\n') && !caps[3].contains('\r'));
    }
    let said = lines.iter().find(|l| l.contains("title=said")).unwrap();
    assert!(said.starts_with("::warning "));
    assert!(said.contains("pipe, comma: colon %25 and"), "{said}");
    assert!(said.contains("`code`%0Anext line"), "{said}");
    let first = report.findings.iter().find(|f| f.rule == "said").unwrap();
    let lc = first.start.unwrap();
    assert!(said.contains(&format!("line={},col={},", lc.line, lc.column)));
}

#[test]
fn sarif_of_hostile_input_is_valid() {
    let auditor = pack(HOSTILE_PACK);
    let catalog = RuleInfo::catalog(&auditor.rules);
    let doc = Document::from_text("a b/<c>\\d.txt", HOSTILE_ARTICLE.into(), Format::Text);
    let report = auditor.audit(&doc);
    let log: Value =
        serde_json::from_str(&sarif::render(std::slice::from_ref(&report), &[], &catalog)).unwrap();
    assert_valid_sarif(&schema_validator(), &log);
    assert_eq!(
        log["runs"][0]["artifacts"][0]["location"]["uri"],
        "a%20b/%3Cc%3E/d.txt"
    );
    // JSON and SARIF agree on the number of findings.
    let j: Value = serde_json::from_str(&json::render(std::slice::from_ref(&report), &[])).unwrap();
    assert_eq!(
        j["reports"][0]["findings"].as_array().unwrap().len(),
        log["runs"][0]["results"].as_array().unwrap().len()
    );
}
