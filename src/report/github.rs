//! GitHub Actions workflow commands: one `::warning file=…,line=…::message` line
//! per finding, which GitHub shows as an annotation on the file in a pull
//! request's diff and on the run's summary page.
//!
//! Escaping follows GitHub's runner (`@actions/core`): in the message `%`, `\r`
//! and `\n` become `%25`, `%0D` and `%0A`; in a property value `:` and `,` also
//! become `%3A` and `%2C`, since they delimit properties.

use std::fmt::Write as _;

use crate::report::{AuditReport, InputFailure};
use crate::rules::Severity;

/// Escape the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        // GitHub calls its lowest level "notice".
        Severity::Note => "notice",
    }
}

/// Render a run as workflow commands, one line per finding, then one `::error`
/// line per input that could not be read.
pub fn render(reports: &[AuditReport], failures: &[InputFailure]) -> String {
    let mut out = String::new();
    for r in reports {
        for f in &r.findings {
            let mut props = vec![format!("file={}", escape_property(&r.file))];
            if let Some(span) = f.span {
                let start = r.line_col(span.start);
                let end = r.end_line_col(span);
                props.push(format!("line={}", start.line));
                // GitHub accepts columns only when the annotation starts and ends
                // on the same line; across lines it would drop the annotation.
                if start.line == end.line {
                    props.push(format!("col={}", start.column));
                    props.push(format!("endLine={}", end.line));
                    props.push(format!("endColumn={}", end.column));
                } else {
                    props.push(format!("endLine={}", end.line));
                }
            }
            let title = format!("{} ({})", f.rule, f.category);
            props.push(format!("title={}", escape_property(&title)));
            let mut message = f.message.clone();
            if !f.advice.is_empty() {
                message.push('\n');
                message.push_str(&f.advice);
            }
            let _ = writeln!(
                out,
                "::{} {}::{}",
                command(f.severity),
                props.join(","),
                escape_data(&message)
            );
        }
        let _ = writeln!(
            out,
            "::notice file={},title={}::{}",
            escape_property(&r.file),
            escape_property("sourcing score"),
            escape_data(&format!(
                "score {}/100, grade {}, {} findings",
                r.score.value,
                r.score.grade,
                r.findings.len()
            ))
        );
    }
    for f in failures {
        let _ = writeln!(
            out,
            "::error file={},title={}::{}",
            escape_property(&f.file),
            escape_property("sourcing: cannot read input"),
            escape_data(&f.message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runner() {
        assert_eq!(escape_data("50% a\r\nb:c,d"), "50%25 a%0D%0Ab:c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
