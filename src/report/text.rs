//! Terminal text: a header with the verdict, rustc-style diagnostics for each
//! finding (file:line:column, the lines of the sentence, the match underlined,
//! a help line), then the ledger and the score breakdown.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::report::stream::Entry;
use crate::report::{AuditReport, FindingReport, InputFailure, Summary, category_tag, kind_name};
use crate::rules::Severity;
use crate::text::Span;

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
    let group = match (f.span, f.sentence) {
        (Some(span), sentence) => {
            let text: &str = &r.text;
            let limit = super::EXCERPT_LIMIT;
            // Show whole lines from the sentence's first to the match's last, unless
            // the sentence is too long to show (a megabyte without a full stop).
            let (from, to) = match sentence {
                Some(s) if s.len() <= limit => (s.start.min(span.start), s.end.max(span.end)),
                _ => (span.start, span.end),
            };
            // Look for the line breaks only as far as a line may be shown: a scan to
            // the top of the file for every finding is quadratic in a long article.
            let back = text.floor_char_boundary(from.saturating_sub(limit));
            let line_start = text[back..from]
                .rfind('\n')
                .map(|i| back + i + 1)
                .or((back == 0).then_some(0));
            let ahead = text.ceil_char_boundary(to.saturating_add(limit).min(text.len()));
            let line_end = text[to..ahead]
                .find('\n')
                .map(|i| to + i)
                .or((ahead == text.len()).then_some(text.len()));
            let (line_start, line_end) = match (line_start, line_end) {
                (Some(a), Some(b)) if b - a <= limit => (a, b),
                _ => {
                    // A line too long to show whole: give its place and the words
                    // around the match instead.
                    let at = f
                        .start
                        .unwrap_or(crate::input::LineCol { line: 1, column: 1 });
                    let around = Span::new(line_start.unwrap_or(back), line_end.unwrap_or(ahead));
                    let shown = super::excerpt(text, around, span).unwrap_or_default();
                    let group = title
                        .element(
                            Origin::path(r.file.as_str())
                                .line(at.line)
                                .char_column(at.column),
                        )
                        .element(Level::NOTE.message(format!("{}: {shown}", f.category)));
                    return vec![with_advice(group, f)];
                }
            };
            // Count lines from the match's known line, not from the top of the file.
            let first_line = match f.start {
                Some(at) => at
                    .line
                    .saturating_sub(text[line_start..span.start].matches('\n').count()),
                None => text[..line_start].matches('\n').count() + 1,
            };
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
    vec![with_advice(group, f)]
}

fn with_advice<'a>(group: Group<'a>, f: &'a FindingReport) -> Group<'a> {
    if f.advice.is_empty() {
        group
    } else {
        group.element(Level::HELP.message(f.advice.as_str()))
    }
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
        let kind = kind_name(e.kind);
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

/// The closing summary of a run over several files: one row per file with its
/// score, grade, findings by category and worst finding, then totals. Category
/// columns use the short tags of [`category_tag`], explained under the table.
pub fn summary(reports: &[AuditReport], failures: &[InputFailure]) -> String {
    let entries: Vec<Entry> = reports.iter().map(Entry::of).collect();
    summary_table(&entries, failures, &Summary::of(reports, failures))
}

/// The closing summary table from what a run kept of each article; streaming
/// runs keep only [`Entry`]s, so both paths print through this one function.
pub fn summary_table(entries: &[Entry], failures: &[InputFailure], s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Summary: {} file{}, {} audited, {} failed",
        s.files,
        if s.files == 1 { "" } else { "s" },
        s.audited,
        s.failed
    );
    let cats: Vec<&String> = s.counts.keys().collect();
    let tags: Vec<&str> = cats.iter().map(|c| category_tag(c)).collect();
    let file_width = entries
        .iter()
        .map(|r| r.file.chars().count())
        .chain(failures.iter().map(|f| f.file.chars().count()))
        .chain([4, 5])
        .max()
        .unwrap_or(4);
    // Header.
    let _ = write!(out, "  {:<file_width$}  score grade", "file");
    for t in &tags {
        let _ = write!(out, " {t:>w$}", w = t.len().max(3));
    }
    out.push_str("  worst finding\n");
    for r in entries {
        let _ = write!(
            out,
            "  {:<file_width$}  {:>5} {:<5}",
            r.file, r.score, r.grade
        );
        for (c, t) in cats.iter().zip(&tags) {
            let n = r.counts.get(*c).copied().unwrap_or(0);
            let _ = write!(out, " {n:>w$}", w = t.len().max(3));
        }
        let worst = r.worst.as_ref().map_or_else(
            || "-".to_string(),
            |(severity, rule, start)| {
                let at = start
                    .map(|lc| format!(" at {}:{}", lc.line, lc.column))
                    .unwrap_or_default();
                format!("{}[{}]{}", severity.as_str(), rule, at)
            },
        );
        let _ = writeln!(out, "  {worst}");
    }
    for f in failures {
        let _ = write!(out, "  {:<file_width$}  {:>5} {:<5}", f.file, "-", "-");
        for t in &tags {
            let _ = write!(out, " {:>w$}", "-", w = t.len().max(3));
        }
        let _ = writeln!(out, "  not audited: {}", f.message);
    }
    let mean = s
        .mean_score
        .map_or_else(|| "-".to_string(), |m| format!("{m:.1}"));
    let _ = write!(out, "  {:<file_width$}  {:>5} {:<5}", "total", mean, "");
    for (c, t) in cats.iter().zip(&tags) {
        let _ = write!(out, " {:>w$}", s.counts[*c], w = t.len().max(3));
    }
    let findings: usize = s.counts.values().sum();
    let _ = writeln!(out, "  {findings} findings");
    if let (Some(mean), Some(min)) = (s.mean_score, s.min_score) {
        let _ = writeln!(out, "  mean score {mean:.1}, lowest {min}");
    }
    let legend: Vec<String> = cats
        .iter()
        .zip(&tags)
        .filter(|(c, t)| c.as_str() != **t)
        .map(|(c, t)| format!("{t} = {c}"))
        .collect();
    if !legend.is_empty() {
        let _ = writeln!(out, "  columns: {}", legend.join(", "));
    }
    out
}
