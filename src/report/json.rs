//! JSON: a versioned, stably ordered document for tools and snapshot tests.
//!
//! A run prints one object:
//!
//! ```json
//! { "schema": "sourcing/audit/v1", "reports": [ … ], "errors": [ … ], "summary": { … } }
//! ```
//!
//! Each element of `reports` is one article's report (`"schema":
//! "sourcing/report/v1"`). Offsets are bytes into the original file, `end`
//! exclusive; lines and columns are 1-based, columns in characters. Reports hold
//! no absolute paths unless the user gave one, and no timestamps.

use serde::Serialize;

use crate::report::{AUDIT_SCHEMA, AuditReport, InputFailure, Summary};

#[derive(Serialize)]
struct Run<'a> {
    schema: &'static str,
    reports: &'a [AuditReport],
    errors: &'a [InputFailure],
    summary: Summary,
}

/// Render a whole run as pretty-printed JSON.
pub fn render(reports: &[AuditReport], failures: &[InputFailure]) -> String {
    let run = Run {
        schema: AUDIT_SCHEMA,
        reports,
        errors: failures,
        summary: Summary::of(reports, failures),
    };
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(&run).unwrap_or_default() + "\n"
}

/// Render one article's report on a single line (for JSON Lines output).
pub fn render_line(report: &AuditReport) -> String {
    serde_json::to_string(report).unwrap_or_default()
}
