//! What each fuzz target does with one input, shared by the fuzz targets in
//! `fuzz_targets/` and by `tests/fuzz_regressions.rs`, which replays saved crash
//! inputs in the ordinary test suite. Each function panics (or hangs) only if the
//! library does, or if an invariant the later stages rely on is broken.

#![allow(dead_code)]

use std::sync::OnceLock;

use sourcing::input::{self, Document, Format};
use sourcing::report::{json, text as text_report};
use sourcing::rules::PackSource;
use sourcing::text::{self, Span};

use sourcing::{Auditor, RuleSet};

/// Largest input the targets decode; libFuzzer's inputs are far smaller.
const MAX_BYTES: u64 = 1 << 20;

fn check_span(text: &str, span: Span) {
    assert!(span.start <= span.end, "inverted span {span:?}");
    assert!(
        span.end <= text.len(),
        "span {span:?} past end {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start),
        "span {span:?} starts inside a character"
    );
    assert!(
        text.is_char_boundary(span.end),
        "span {span:?} ends inside a character"
    );
}

/// The first byte picks the format (plain text, Markdown or HTML); the rest is
/// the file.
fn split_format(data: &[u8]) -> Option<(Format, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let format = match first % 3 {
        0 => Format::Text,
        1 => Format::Markdown,
        _ => Format::Html,
    };
    Some((format, rest))
}

/// Segment a decoded document and check every span: inside the analysis text
/// and on its character boundaries, and mapped back to the original file the
/// same way.
fn check_document(doc: &Document) {
    let seg = text::segment(&doc.text);
    let spans = seg
        .paragraphs
        .iter()
        .chain(seg.sentences.iter().map(|s| &s.span))
        .chain(&seg.quotes)
        .chain(&seg.furniture);
    for &span in spans {
        check_span(&doc.text, span);
        let original = doc.original_span(span);
        check_span(&doc.original, original);
        let _ = doc.locate(span.start);
        let _ = doc.line_col(original.end);
        let _ = doc.line_range(original.start, original.end);
    }
    for s in &seg.sentences {
        let p = seg.paragraphs[s.paragraph];
        assert!(
            p.start <= s.span.start && s.span.end <= p.end,
            "sentence outside its paragraph"
        );
    }
    for list in [&seg.quotes, &seg.furniture, &seg.paragraphs] {
        assert!(
            list.windows(2).all(|w| w[0].end <= w[1].start),
            "spans overlap or are out of order"
        );
    }
}

/// Input decoding (text, Markdown or HTML) and segmentation on arbitrary bytes.
pub fn decode_segment(data: &[u8]) {
    let Some((format, rest)) = split_format(data) else {
        return;
    };
    if let Ok(doc) = input::decode("fuzz", rest.to_vec(), format, MAX_BYTES) {
        check_document(&doc);
    }
}

/// The HTML extractor on arbitrary bytes: decode, segment, audit and render.
pub fn html(data: &[u8]) {
    if let Ok(doc) = input::decode("fuzz.html", data.to_vec(), Format::Html, MAX_BYTES) {
        check_document(&doc);
        audit_document(&doc);
    }
}

/// A short article every compiled fuzz pack is run over.
const ARTICLE: &str = "By Jane Roe\n\n\
“We will not comment,” a spokeswoman said. U.S. officials, who spoke on the condition \
of anonymity, said the talks had stalled, according to a readout from Xinhua.\n\n\
Critics say the plan failed. Records show Mr. Xi met Vladimir V. Putin on Jan. 6.";

/// Rule-pack parsing and compiling on arbitrary TOML: every error is rendered as
/// the command line would; a pack that compiles is run over a short article.
pub fn rule_pack(data: &[u8]) {
    let Ok(toml) = std::str::from_utf8(data) else {
        return;
    };
    let src = PackSource {
        path: "fuzz.toml".into(),
        text: toml.to_string(),
    };
    match RuleSet::load(std::slice::from_ref(&src), &sourcing::scoring_base()) {
        Ok(rules) => {
            let auditor = Auditor { rules };
            let doc = Document::from_text("a.txt", ARTICLE.to_string(), Format::Text);
            let report = auditor.audit(&doc);
            assert!(report.score.value <= 100);
            let _ = json::render(std::slice::from_ref(&report), &[]);
            let _ = text_report::render(&report, text_report::TextOptions::default());
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a failed load names its problems");
            for e in errors {
                let _ = e.render();
                let _ = e.to_string();
            }
        }
    }
}

fn auditor() -> &'static Auditor {
    static AUDITOR: OnceLock<Auditor> = OnceLock::new();
    AUDITOR.get_or_init(|| match Auditor::builtin() {
        Ok(a) => a,
        Err(e) => panic!("built-in packs must load: {e:?}"),
    })
}

/// A full audit of arbitrary text with the built-in rules (compiled once),
/// rendered as text and JSON.
pub fn audit(data: &[u8]) {
    let Some((format, rest)) = split_format(data) else {
        return;
    };
    if let Ok(doc) = input::decode("fuzz.txt", rest.to_vec(), format, MAX_BYTES) {
        audit_document(&doc);
    }
}

fn audit_document(doc: &Document) {
    let report = auditor().audit(doc);
    assert!(report.score.value <= 100);
    let mut last = 0;
    for f in &report.findings {
        if let Some(s) = f.span {
            check_span(&doc.original, s);
            assert!(s.start >= last, "findings out of order");
            last = s.start;
        }
        if let Some(s) = f.sentence {
            check_span(&doc.original, s);
        }
    }
    let _ = text_report::render(&report, text_report::TextOptions::default());
    let _ = json::render(std::slice::from_ref(&report), &[]);
}

/// The JSON Lines reader on one arbitrary line: a record is audited and its
/// output line must be a JSON object that keeps every other field and adds the
/// report; anything else must be an error record naming the line.
pub fn jsonl(data: &[u8]) {
    // `BufRead::lines` hands the reader UTF-8 lines without their newline.
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let line = line.split('\n').next().unwrap_or("");
    match input::jsonl::parse(3, line, MAX_BYTES) {
        Ok(record) => {
            let report = auditor().audit(&record.document);
            let out = input::jsonl::render(&record.fields, &report);
            let value: serde_json::Value = match serde_json::from_str(&out) {
                Ok(v) => v,
                Err(e) => panic!("output line is not JSON ({e}): {out}"),
            };
            let obj = value.as_object().expect("output line is an object");
            assert!(obj.get("report").is_some_and(|r| r.is_object()));
            assert!(!obj.contains_key("text"), "the article text leaked through");
            for (k, v) in &record.fields {
                assert_eq!(obj.get(k), Some(v), "field {k} did not pass through");
            }
        }
        Err(e) => {
            let value: serde_json::Value = match serde_json::from_str(&e.to_json()) {
                Ok(v) => v,
                Err(err) => panic!("error record is not JSON ({err})"),
            };
            assert_eq!(value["line"], 3);
            assert!(value["error"].is_string());
            assert!(!e.name().is_empty());
        }
    }
}
