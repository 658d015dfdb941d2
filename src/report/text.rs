//! Terminal text: a header with the verdict, rustc-style diagnostics for each
//! finding (file:line:column, the lines of the sentence, the match underlined,
//! a help line), then the ledger and the score breakdown.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::report::{AuditReport, FindingReport, InputFailure, Summary};
use crate::rules::Severity;

/// How to render text.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// ANSI colour.
    pub color: bool,
    /// One summary line per file instead of the full report.
    pub quiet: bool,
    /// Terminal width for long lines.
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            quiet: false,
            width: 100,
        }
    }
}

fn level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// One line: the verdict for a file.
pub fn headline(r: &AuditReport) -> String {
    let counts: Vec<String> = r.counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
    format!(
        "{}: score {}/100 (grade {}), {} finding{}{}",
        r.file,
        r.score.value,
        r.score.grade,
        r.findings.len(),
        if r.findings.len() == 1 { "" } else { "s" },
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        }
    )
}

/// Render one article's full report.
pub fn render(r: &AuditReport, opts: TextOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(r));
    if opts.quiet {
        return out;
    }
    if let Some(t) = &r.title {
        let _ = writeln!(out, "title: {t}");
    }
    if let Some(b) = &r.byline {
        let _ = writeln!(out, "byline: {b}");
    }
    if let Some(d) = &r.dateline {
        let _ = writeln!(out, "dateline: {d}");
    }
    if let Some(d) = &r.date {
        let _ = writeln!(out, "date: {d}");
    }
    out.push('\n');
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .term_width(opts.width);
    for f in &r.findings {
        out.push_str(&renderer.render(&diagnostic(r, f)));
        out.push_str("\n\n");
    }
    ledger(r, &mut out);
    breakdown(r, &mut out);
    out
}

fn diagnostic<'a>(r: &'a AuditReport, f: &'a FindingReport) -> Vec<Group<'a>> {
    let title = level(f.severity)
        .primary_title(f.message.as_str())
        .id(f.rule.as_str());
    let mut group = match (f.span, f.sentence) {
        (Some(span), sentence) => {
            let text: &str = &r.text;
            // Show whole lines from the sentence's first to the match's last.
            let from = sentence.map_or(span.start, |s| s.start.min(span.start));
            let to = sentence.map_or(span.end, |s| s.end.max(span.end));
            let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[to..].find('\n').map_or(text.len(), |i| to + i);
            let first_line = text[..line_start].matches('\n').count() + 1;
            let snippet = Snippet::source(&text[line_start..line_end])
                .line_start(first_line)
                .path(r.file.as_str())
                .annotation(
                    AnnotationKind::Primary
                        .span(span.start - line_start..span.end - line_start)
                        .label(f.category.as_str()),
                );
            title.element(snippet)
        }
        _ => title.element(Level::NOTE.message(format!("{} (whole article)", f.category))),
    };
    if !f.advice.is_empty() {
        group = group.element(Level::HELP.message(f.advice.as_str()));
    }
    vec![group]
}

fn ledger(r: &AuditReport, out: &mut String) {
    if r.ledger.is_empty() {
        let _ = writeln!(out, "Sources: none identified\n");
        return;
    }
    let _ = writeln!(out, "Sources ({}):", r.ledger.len());
    let width = r
        .ledger
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for e in &r.ledger {
        let kind = serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = write!(
            out,
            "  {:<width$}  {:<18} {} mention{}, {} quote{}, first at {}:{}",
            e.name,
            kind,
            e.mentions,
            if e.mentions == 1 { "" } else { "s" },
            e.quotes,
            if e.quotes == 1 { "" } else { "s" },
            e.first.line,
            e.first.column,
        );
        if let Some(d) = &e.descriptor {
            let _ = write!(out, " ({d})");
        }
        out.push('\n');
    }
    out.push('\n');
}

fn breakdown(r: &AuditReport, out: &mut String) {
    let s = &r.score;
    let _ = writeln!(out, "Score: {}/100, grade {}", s.value, s.grade);
    let _ = writeln!(out, "  {:<28} {:>+7.1}", "base", s.base);
    for c in &s.breakdown {
        let label = format!("{} ({})", c.category, c.findings);
        let _ = write!(out, "  {:<28} {:>+7.1}", label, c.points);
        if c.capped {
            let _ = write!(out, "  (capped; uncapped {:+.1})", c.uncapped);
        }
        out.push('\n');
    }
}

/// The closing summary of a run over several files.
pub fn summary(reports: &[AuditReport], failures: &[InputFailure]) -> String {
    let s = Summary::of(reports, failures);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Summary: {} file{}, {} audited, {} failed",
        s.files,
        if s.files == 1 { "" } else { "s" },
        s.audited,
        s.failed
    );
    for r in reports {
        let worst = r
            .findings
            .iter()
            .max_by_key(|f| f.severity)
            .map(|f| format!("{}[{}]", f.severity.as_str(), f.rule))
            .unwrap_or_else(|| "-".to_string());
        let _ = writeln!(
            out,
            "  {:>3} {:<2} {:>3} findings  {}  worst: {}",
            r.score.value,
            r.score.grade,
            r.findings.len(),
            r.file,
            worst
        );
    }
    for f in failures {
        let _ = writeln!(
            out,
            "    -  -    -           {}  error: {}",
            f.file, f.message
        );
    }
    if let (Some(mean), Some(min)) = (s.mean_score, s.min_score) {
        let _ = writeln!(out, "  mean score {mean:.1}, lowest {min}");
    }
    out
}
