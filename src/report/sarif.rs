//! SARIF 2.1.0, the OASIS interchange format that code-scanning tools read
//! (GitHub code scanning, VS Code's SARIF viewer, Azure DevOps).
//!
//! One run per invocation. `tool.driver.rules` lists the rules that produced a
//! result, with the rule's name as short description, its newsroom basis as full
//! description and its advice and references as help. Each finding is a result
//! with `ruleId`/`ruleIndex`, a `level` mapped from severity (error → error,
//! warning → warning, note → note), the message, and a physical location whose
//! region carries line, column and byte offsets. Columns count Unicode code
//! points (`columnKind: unicodeCodePoints`), `endColumn` is one past the last
//! character, as SARIF specifies. Inputs that could not be read are reported as
//! tool execution notifications.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::report::{AuditReport, FindingReport, InputFailure, RuleInfo};
use crate::rules::Severity;
use crate::text::Span;

/// The `$schema` URI of SARIF 2.1.0 (OASIS Standard, errata 01).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A file name as a relative URI reference: `/` separated, with every byte other
/// than unreserved characters and `/` percent-encoded (`<stdin>` → `%3Cstdin%3E`).
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule_descriptor(info: &RuleInfo) -> Value {
    let full = if info.why.is_empty() {
        info.name.clone()
    } else {
        info.why.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let mut help = info.advice.clone();
    let mut help_md = crate::report::markdown::escape(&info.advice);
    if !info.references.is_empty() {
        help.push_str(&format!(" References: {}.", info.references.join("; ")));
        let refs: Vec<String> = info
            .references
            .iter()
            .map(|r| format!("- {}", crate::report::markdown::escape(r)))
            .collect();
        help_md.push_str(&format!("\n\nReferences:\n\n{}", refs.join("\n")));
    }
    if help.is_empty() {
        help = full.clone();
        help_md = crate::report::markdown::escape(&full);
    }
    json!({
        "id": info.id,
        "shortDescription": { "text": info.name },
        "fullDescription": { "text": full },
        "help": { "text": help, "markdown": help_md },
        "defaultConfiguration": { "level": level(info.severity) },
        "properties": {
            "category": info.category,
            "pack": info.pack,
            "tags": [info.category],
        },
    })
}

/// A descriptor for a rule the catalog does not know (a caller passed an
/// incomplete catalog): still a valid rule, built from the finding.
fn fallback_descriptor(f: &FindingReport) -> Value {
    json!({
        "id": f.rule,
        "shortDescription": { "text": f.rule },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": { "category": f.category, "tags": [f.category] },
    })
}

fn result(r: &AuditReport, f: &FindingReport, rule_index: usize, artifact: usize) -> Value {
    let mut text = f.message.clone();
    if !f.advice.is_empty() {
        text.push_str(". ");
        text.push_str(&f.advice);
    }
    let mut location = json!({
        "artifactLocation": { "uri": uri(&r.file), "index": artifact },
    });
    if let Some(span) = f.span {
        location["region"] = region(r, span, f.matched.as_deref());
        if let Some(sentence) = f.sentence {
            location["contextRegion"] = region(r, sentence, f.excerpt.as_deref());
        }
    }
    let mut properties = json!({ "category": f.category, "points": f.points });
    if let Some(s) = &f.source {
        properties["source"] = json!(s);
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [ { "physicalLocation": location } ],
        "properties": properties,
    })
}

/// Render a run as one SARIF log. `rules` is the rule catalog
/// ([`RuleInfo::catalog`]); only rules with a result are listed.
pub fn render(reports: &[AuditReport], failures: &[InputFailure], rules: &[RuleInfo]) -> String {
    let catalog: BTreeMap<&str, (usize, &RuleInfo)> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), (i, r)))
        .collect();
    // Rules in catalog order (unknown ones last, by first use), each once.
    let mut used: Vec<(usize, &str)> = Vec::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        if !used.iter().any(|(_, id)| *id == f.rule) {
            let order = catalog.get(f.rule.as_str()).map_or(usize::MAX, |c| c.0);
            used.push((order, &f.rule));
        }
    }
    used.sort_by_key(|(order, _)| *order);
    let index: BTreeMap<&str, usize> = used
        .iter()
        .enumerate()
        .map(|(i, (_, id))| (*id, i))
        .collect();
    let descriptors: Vec<Value> = used
        .iter()
        .map(|(_, id)| match catalog.get(id) {
            Some((_, info)) => rule_descriptor(info),
            None => reports
                .iter()
                .flat_map(|r| &r.findings)
                .find(|f| f.rule == *id)
                .map(fallback_descriptor)
                .unwrap_or(Value::Null),
        })
        .collect();

    let artifacts: Vec<Value> = reports
        .iter()
        .map(|r| {
            json!({
                "location": { "uri": uri(&r.file) },
                "length": r.text.len(),
                "sourceLanguage": "text",
                "properties": {
                    "score": r.score.value,
                    "grade": r.score.grade,
                },
            })
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .enumerate()
        .flat_map(|(a, r)| r.findings.iter().map(move |f| (a, r, f)))
        .map(|(a, r, f)| result(r, f, index[f.rule.as_str()], a))
        .collect();
    let notifications: Vec<Value> = failures
        .iter()
        .map(|f| {
            json!({
                "level": "error",
                "message": { "text": f.message },
                "locations": [ { "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.file) }
                } } ],
            })
        })
        .collect();

    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "sourcing",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            } },
            "invocations": [ {
                "executionSuccessful": failures.is_empty(),
                "toolExecutionNotifications": notifications,
            } ],
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
        } ],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// A SARIF region: lines and columns (end column exclusive, as SARIF counts),
/// byte offsets, and the text as a snippet when there is one.
fn region(r: &AuditReport, span: Span, snippet: Option<&str>) -> Value {
    let from = r.line_col(span.start);
    let to = r.end_line_col(span);
    let mut region = json!({
        "startLine": from.line,
        "startColumn": from.column,
        "endLine": to.line,
        "endColumn": to.column + 1,
        "byteOffset": span.start,
        "byteLength": span.end - span.start,
    });
    if let Some(text) = snippet {
        region["snippet"] = json!({ "text": text });
    }
    region
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("fixtures/a b.txt"), "fixtures/a%20b.txt");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("dir\\é.md"), "dir/%C3%A9.md");
    }
}
