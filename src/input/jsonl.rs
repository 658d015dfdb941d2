//! JSON Lines records: one article per line, `{"id": …, "text": "…", …}`, as a
//! newsroom exports its archive. Each line is read on its own, so one bad record
//! becomes one error record naming its line and the rest of the stream goes on.
//!
//! The output line is the input object with a `report` field added: every other
//! field passes through unchanged, so results join back to the archive by any
//! key the archive already has.

use serde_json::{Map, Value};

use super::{Document, Format, decode};
use crate::report::{AuditReport, json};

/// One record read from a line, ready to audit.
#[derive(Debug)]
pub struct Record {
    /// The article, decoded as plain text and named after the record.
    pub document: Document,
    /// Every field of the record but `text` (and any old `report`), to pass
    /// through to the output line.
    pub fields: Map<String, Value>,
}

/// A line that is not a record: what the output line and the run's summary say.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    /// The line number, from 1.
    pub line: usize,
    /// The record's `id`, when the line was an object that had one.
    pub id: Option<Value>,
    /// What is wrong, and what to write instead.
    pub message: String,
}

impl RecordError {
    /// How the summary names the failed record: its `id`, or its line.
    pub fn name(&self) -> String {
        record_name(self.line, self.id.as_ref())
    }

    /// The error record: `{"line": N, "id": …, "error": "…"}`.
    pub fn to_json(&self) -> String {
        let mut out = Map::new();
        out.insert("line".into(), self.line.into());
        if let Some(id) = &self.id {
            out.insert("id".into(), id.clone());
        }
        out.insert("error".into(), self.message.clone().into());
        Value::Object(out).to_string()
    }
}

/// A record's name in reports: its `id` as written (a string as is, anything
/// else as JSON), or `line N` when it has none.
fn record_name(line: usize, id: Option<&Value>) -> String {
    match id {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => format!("line {line}"),
    }
}

/// Read line number `line` (from 1) as a record. The article is decoded as plain
/// text and refused over `max_bytes`, as a file would be.
pub fn parse(line: usize, text: &str, max_bytes: u64) -> Result<Record, RecordError> {
    let fail = |id: Option<&Value>, message: String| RecordError {
        line,
        id: id.cloned(),
        message,
    };
    let mut fields = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return Err(fail(
                None,
                "the line is JSON but not an object; write {\"id\": …, \"text\": \"…\"}".into(),
            ));
        }
        Err(e) => return Err(fail(None, format!("invalid JSON: {e}"))),
    };
    let id = fields.get("id").cloned();
    let article = match fields.remove("text") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(fail(id.as_ref(), "`text` must be a string".into())),
        None => {
            return Err(fail(
                id.as_ref(),
                "no `text` field; each line needs {\"text\": \"…\"}".into(),
            ));
        }
    };
    let name = record_name(line, id.as_ref());
    let document = decode(&name, article.into_bytes(), Format::Text, max_bytes)
        .map_err(|e| fail(id.as_ref(), e.to_string()))?;
    // A `report` already in the record (say, from an earlier run) is replaced.
    fields.remove("report");
    Ok(Record { document, fields })
}

/// The output line: the record's other fields, then `"report": {…}` with the
/// report in its own field order (a JSON map would sort it).
pub fn render(fields: &Map<String, Value>, report: &AuditReport) -> String {
    let report_json = json::render_line(report);
    let passthrough = Value::Object(fields.clone()).to_string();
    match passthrough.strip_suffix('}') {
        Some(head) if head.len() > 1 => format!("{head},\"report\":{report_json}}}"),
        _ => format!("{{\"report\":{report_json}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(line: &str) -> RecordError {
        parse(7, line, 1 << 20).unwrap_err()
    }

    #[test]
    fn a_record_keeps_its_other_fields_and_loses_text_and_report() {
        let r = parse(
            1,
            r#"{"id":"a1","text":"Officials said so.","desk":"metro","report":1}"#,
            1 << 20,
        )
        .unwrap();
        assert_eq!(r.document.text, "Officials said so.");
        assert_eq!(r.document.name, "a1");
        let keys: Vec<&str> = r.fields.keys().map(String::as_str).collect();
        assert_eq!(keys, ["desk", "id"]);
    }

    #[test]
    fn bad_lines_say_what_is_wrong_and_keep_the_id() {
        assert!(error("{").message.starts_with("invalid JSON"));
        assert!(error("[1]").message.contains("not an object"));
        let e = error(r#"{"id":5,"text":3}"#);
        assert_eq!(e.message, "`text` must be a string");
        assert_eq!(e.name(), "5");
        let e = error(r#"{"id":"x"}"#);
        assert!(e.message.starts_with("no `text` field"));
        let out: Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(out["line"], 7);
        assert_eq!(out["id"], "x");
        assert_eq!(out["error"].as_str(), Some(e.message.as_str()));
        assert_eq!(error("null").name(), "line 7");
    }

    #[test]
    fn an_article_over_the_limit_is_refused_by_name() {
        let e = parse(2, r#"{"id":"big","text":"0123456789"}"#, 4).unwrap_err();
        assert!(e.message.contains("big"), "{}", e.message);
    }
}
