//! Markdown for review tickets and pull requests: a summary table, the findings
//! grouped by category with line numbers and the quoted sentence, the ledger as
//! a table and the score breakdown. Written for GitHub-flavoured Markdown (GFM
//! tables); every piece of article or rule text is escaped so an article cannot
//! break a table or inject links, HTML or emphasis.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::report::{AuditReport, FindingReport, InputFailure, Summary, category_tag, kind_name};

/// Escape inline text: a backslash before every character Markdown (and GFM)
/// may read as syntax, and HTML's `<` and `&` so no tag or entity survives.
/// Newlines fold to spaces, since every place we put text is one line.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
    for c in folded.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // Some characters are syntax only at the start of a line (list items,
    // setext underlines); the text may land there, as in a block quote.
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    // A digit run and a period at the start of a line reads as a list item.
    if let Some(dot) = out.find(['.', ')'])
        && dot > 0
        && out[..dot].bytes().all(|b| b.is_ascii_digit())
    {
        out.insert(dot, '\\');
    }
    out
}

/// Code span that survives any backticks inside it.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace(['\n', '\r'], " "))
}

/// Render one article's report.
pub fn render(r: &AuditReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Sourcing audit: {}\n", escape(&r.file));
    if let Some(t) = &r.title {
        let _ = writeln!(out, "**Title:** {}  ", escape(t));
    }
    if let Some(b) = &r.byline {
        let _ = writeln!(out, "**Byline:** {}  ", escape(b));
    }
    if r.title.is_some() || r.byline.is_some() {
        out.push('\n');
    }

    // Summary: score, grade and one column per category found.
    let _ = write!(out, "| Score | Grade | Findings |");
    for c in r.counts.keys() {
        let _ = write!(out, " {} |", escape(c));
    }
    let _ = write!(out, "\n| ---: | :---: | ---: |");
    for _ in r.counts.keys() {
        out.push_str(" ---: |");
    }
    let _ = write!(
        out,
        "\n| {}/100 | {} | {} |",
        r.score.value,
        escape(&r.score.grade),
        r.findings.len()
    );
    for n in r.counts.values() {
        let _ = write!(out, " {n} |");
    }
    out.push_str("\n\n");

    findings(r, &mut out);
    ledger(r, &mut out);
    breakdown(r, &mut out);
    out
}

fn findings(r: &AuditReport, out: &mut String) {
    if r.findings.is_empty() {
        out.push_str("### Findings\n\nNo findings.\n\n");
        return;
    }
    let mut by_category: BTreeMap<&str, Vec<&FindingReport>> = BTreeMap::new();
    for f in &r.findings {
        by_category.entry(&f.category).or_default().push(f);
    }
    out.push_str("### Findings\n\n");
    for (category, list) in by_category {
        let _ = writeln!(out, "#### {} ({})\n", escape(category), list.len());
        for f in list {
            let place = match f.start {
                Some(lc) => format!("line {}:{}", lc.line, lc.column),
                None => "whole article".to_string(),
            };
            let _ = writeln!(
                out,
                "- **{}** · {} {}: {}",
                place,
                f.severity.as_str(),
                code(&f.rule),
                escape(&f.message)
            );
            if let Some(q) = quoted(r, f) {
                let _ = writeln!(out, "\n  > {q}\n");
            }
            if !f.advice.is_empty() {
                let _ = writeln!(out, "  *Advice:* {}", escape(&f.advice));
            }
        }
        out.push('\n');
    }
}

/// The finding's sentence with the matched words in bold.
fn quoted(r: &AuditReport, f: &FindingReport) -> Option<String> {
    let (span, sentence) = (f.span?, f.sentence.unwrap_or(f.span?));
    let text: &str = &r.text;
    let from = sentence.start.min(span.start);
    let to = sentence.end.max(span.end);
    let before = text.get(from..span.start)?;
    let matched = text.get(span.start..span.end)?;
    let after = text.get(span.end..to)?;
    // Keep the spaces around the bold part: escape() folds each piece on its own.
    let pad = |s: &str, lead: bool| {
        let e = escape(s);
        let ws = if lead {
            s.ends_with(char::is_whitespace)
        } else {
            s.starts_with(char::is_whitespace)
        };
        match (ws && !e.is_empty(), lead) {
            (true, true) => format!("{e} "),
            (true, false) => format!(" {e}"),
            _ => e,
        }
    };
    Some(format!(
        "{}**{}**{}",
        pad(before, true),
        escape(matched),
        pad(after, false)
    ))
}

fn ledger(r: &AuditReport, out: &mut String) {
    let _ = writeln!(out, "### Sources ({})\n", r.ledger.len());
    if r.ledger.is_empty() {
        out.push_str("No sources identified.\n\n");
        return;
    }
    out.push_str("| Source | Kind | Descriptor | Mentions | Quotes | First cited |\n");
    out.push_str("| --- | --- | --- | ---: | ---: | ---: |\n");
    for e in &r.ledger {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | line {}:{} |",
            escape(&e.name),
            escape(&kind_name(e.kind)),
            e.descriptor.as_deref().map(escape).unwrap_or_default(),
            e.mentions,
            e.quotes,
            e.first.line,
            e.first.column
        );
    }
    out.push('\n');
}

fn breakdown(r: &AuditReport, out: &mut String) {
    let s = &r.score;
    let _ = writeln!(
        out,
        "### Score breakdown: {}/100, grade {}\n",
        s.value,
        escape(&s.grade)
    );
    out.push_str("| Item | Findings | Points |\n| --- | ---: | ---: |\n");
    let _ = writeln!(out, "| base | | {:+.1} |", s.base);
    for c in &s.breakdown {
        let capped = if c.capped {
            format!(" (capped; uncapped {:+.1})", c.uncapped)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:+.1}{} |",
            escape(&c.category),
            c.findings,
            c.points,
            capped
        );
    }
    let _ = writeln!(out, "| **score** | | **{}** |\n", s.value);
}

/// Render a whole run: each article's report, then, for several inputs, a
/// closing table and any inputs that could not be read.
pub fn render_run(reports: &[AuditReport], failures: &[InputFailure]) -> String {
    let mut out = String::from("# Sourcing audit\n\n");
    for r in reports {
        out.push_str(&render(r));
    }
    if reports.len() + failures.len() > 1 {
        out.push_str(&summary(reports, failures));
    } else {
        errors(failures, &mut out);
    }
    out
}

fn errors(failures: &[InputFailure], out: &mut String) {
    if failures.is_empty() {
        return;
    }
    out.push_str("### Inputs not audited\n\n");
    for f in failures {
        let _ = writeln!(out, "- {}: {}", escape(&f.file), escape(&f.message));
    }
    out.push('\n');
}

/// The closing summary of several files: one row per file with its counts by
/// category and worst finding, then totals.
pub fn summary(reports: &[AuditReport], failures: &[InputFailure]) -> String {
    let s = Summary::of(reports, failures);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Summary: {} files, {} audited, {} failed\n",
        s.files, s.audited, s.failed
    );
    let cats: Vec<&String> = s.counts.keys().collect();
    out.push_str("| File | Score | Grade |");
    for c in &cats {
        let _ = write!(out, " {} |", escape(category_tag(c)));
    }
    out.push_str(" Worst finding |\n| --- | ---: | :---: |");
    for _ in &cats {
        out.push_str(" ---: |");
    }
    out.push_str(" --- |\n");
    for r in reports {
        let _ = write!(
            out,
            "| {} | {} | {} |",
            escape(&r.file),
            r.score.value,
            escape(&r.score.grade)
        );
        for c in &cats {
            let _ = write!(out, " {} |", r.counts.get(*c).copied().unwrap_or(0));
        }
        let worst = r.worst_finding().map_or_else(
            || "none".to_string(),
            |f| {
                let at = f
                    .start
                    .map(|lc| format!(" at {}:{}", lc.line, lc.column))
                    .unwrap_or_default();
                format!("{} {}{}", f.severity.as_str(), code(&f.rule), at)
            },
        );
        let _ = writeln!(out, " {worst} |");
    }
    for f in failures {
        let _ = write!(out, "| {} | | |", escape(&f.file));
        for _ in &cats {
            out.push_str(" |");
        }
        out.push_str(" not audited |\n");
    }
    let _ = write!(
        out,
        "| **total** | {} | |",
        s.mean_score
            .map_or_else(|| "-".to_string(), |m| format!("mean {m:.1}"))
    );
    for c in &cats {
        let _ = write!(out, " **{}** |", s.counts[*c]);
    }
    out.push_str(" |\n\n");
    if !cats.is_empty() {
        let legend: Vec<String> = cats
            .iter()
            .map(|c| format!("{} = {}", escape(category_tag(c)), escape(c)))
            .collect();
        let _ = writeln!(out, "Columns: {}.\n", legend.join(", "));
    }
    errors(failures, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralizes_markdown_and_html() {
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(escape("- a-b"), "\\- a-b");
        assert_eq!(escape("*bold* _it_"), "\\*bold\\* \\_it\\_");
        assert_eq!(escape("1. item"), "1\\. item");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(escape("&amp;"), "\\&amp;");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
