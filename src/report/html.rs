//! A standalone HTML page: the article with each finding highlighted in its
//! category's colour, the message and advice on hover and on keyboard focus, a
//! side panel with score, grade, breakdown and ledger, and a legend whose
//! checkboxes show or hide each category.
//!
//! The page is one self-contained file: inline CSS and a few lines of inline
//! script, no network and no external assets, and a Content-Security-Policy
//! that forbids loading anything. All article and rule text is HTML-escaped.
//! Colour is never the only cue: every highlight starts with a text badge naming
//! its category and has a category-specific underline style, and the colours
//! are light backgrounds under near-black text (contrast above 10:1).
//!
//! Overlapping findings nest as `<mark>` elements. Where two findings overlap
//! without one containing the other, the later one is split into several
//! `<mark>` pieces sharing its `data-finding` id; the first piece carries the
//! badge, the tooltip, `tabindex` and `aria-describedby`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::report::{AuditReport, FindingReport, InputFailure, Summary, category_tag, kind_name};

/// Escape text for HTML content and double- or single-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Background colour and underline style of the built-in categories; chosen
/// light enough that #111 text keeps a contrast ratio above 10:1.
fn known_style(category: &str) -> Option<(&'static str, &'static str)> {
    Some(match category {
        "anonymous-source" => ("#ffd59e", "solid"),
        "anonymity-reason" => ("#fff3a3", "dotted"),
        "declined-comment" => ("#e2e2e2", "dashed"),
        "state-media" => ("#ffb3b3", "double"),
        "vague-attribution" => ("#f5c2ec", "wavy"),
        "named-source" => ("#c4f5c0", "solid"),
        "document-source" => ("#b5f0f7", "dotted"),
        "unverified-claim" => ("#ffc9f5", "dashed"),
        "other-outlet" => ("#d2ccff", "double"),
        "social-media" => ("#bcd6ff", "wavy"),
        "policy" => ("#ffe0c2", "dashed"),
        _ => return None,
    })
}

/// Styles for categories a custom pack invents, taken in turn.
const EXTRA_STYLES: &[(&str, &str)] = &[
    ("#e6f0c8", "solid"),
    ("#f0dcc8", "dotted"),
    ("#d8e4ec", "dashed"),
    ("#ecd8e4", "double"),
];

struct Categories {
    /// Category name → (index, background, underline style, count).
    map: BTreeMap<String, (usize, &'static str, &'static str, usize)>,
}

impl Categories {
    fn of(reports: &[AuditReport]) -> Categories {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in reports {
            for (c, n) in &r.counts {
                *counts.entry(c.clone()).or_insert(0) += n;
            }
        }
        let mut extra = 0;
        let map = counts
            .into_iter()
            .enumerate()
            .map(|(i, (c, n))| {
                let (bg, line) = known_style(&c).unwrap_or_else(|| {
                    extra += 1;
                    EXTRA_STYLES[(extra - 1) % EXTRA_STYLES.len()]
                });
                (c, (i, bg, line, n))
            })
            .collect();
        Categories { map }
    }

    fn index(&self, category: &str) -> usize {
        self.map.get(category).map_or(0, |e| e.0)
    }
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; background: #fff; }
header { padding: .75rem 1.25rem; border-bottom: 1px solid #999; background: #f6f6f6; }
h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
fieldset.legend { border: 1px solid #999; margin: 0; padding: .4rem .6rem; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
fieldset.legend legend { font-weight: 600; padding: 0 .3rem; }
.legend label { display: inline-flex; align-items: center; gap: .35rem; cursor: pointer; }
.legend input:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.swatch { display: inline-block; padding: 0 .3rem; border-bottom: 3px solid #111; font-size: .75rem; font-weight: 700; letter-spacing: .02em; }
.report { display: grid; grid-template-columns: minmax(0, 1fr) 28rem; gap: 1.5rem; padding: 1rem 1.25rem; border-bottom: 1px solid #999; }
@media (max-width: 60rem) { .report { grid-template-columns: 1fr; } }
.article { white-space: pre-wrap; overflow-wrap: anywhere; font: 1rem/1.75 Georgia, "Times New Roman", serif; max-width: 46rem; }
mark.f { color: #111; padding: 0 .05em; border-bottom: 3px solid #111; position: relative; }
mark.f mark.f { border-bottom-width: 2px; }
mark.f.first::before { content: attr(data-tag); font: 700 .65rem/1 system-ui, sans-serif; background: #fff; color: #111; border: 1px solid #111; border-radius: 2px; padding: 1px 2px; margin-right: 2px; vertical-align: .15em; white-space: nowrap; }
mark.f:focus { outline: 3px solid #1d4ed8; outline-offset: 1px; }
mark.f.off { background: transparent !important; border-bottom-color: transparent !important; }
mark.f.off::before { content: none; }
.tip { display: none; position: absolute; left: 0; top: 100%; z-index: 10; width: max-content; max-width: min(28rem, 80vw); white-space: normal; font: .85rem/1.4 system-ui, sans-serif; background: #fff; color: #111; border: 2px solid #111; border-radius: 4px; padding: .4rem .55rem; box-shadow: 0 2px 6px rgba(0,0,0,.3); }
mark.f:focus:not(.closed) > .tip, mark.f.open > .tip, mark.f:hover:not(:has(mark.f:hover)) > .tip { display: block; }
mark.f.off > .tip { display: none !important; }
.tip b { font-weight: 700; }
.panel { font-size: .9rem; position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; }
.score { font-size: 2rem; font-weight: 700; margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .15rem .35rem; border-bottom: 1px solid #ccc; vertical-align: top; overflow-wrap: anywhere; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
ul.whole { padding-left: 1.1rem; }
.summary { padding: 1rem 1.25rem; }
.failed { color: #8a0000; }
"#;

const SCRIPT: &str = r#"
// Tooltips follow keyboard focus (the :focus rule alone does not fire while the
// window itself is unfocused), and Escape dismisses one (WCAG 1.4.13).
document.querySelectorAll('mark.f.first').forEach(function (m) {
  m.addEventListener('focus', function () { m.classList.remove('closed'); m.classList.add('open'); });
  m.addEventListener('blur', function () { m.classList.remove('open'); });
  m.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { m.classList.remove('open'); m.classList.add('closed'); }
  });
});
document.querySelectorAll('input[data-toggle]').forEach(function (box) {
  box.addEventListener('change', function () {
    var k = box.getAttribute('data-toggle');
    document.querySelectorAll('mark.f[data-k="' + k + '"]').forEach(function (m) {
      m.classList.toggle('off', !box.checked);
      if (m.classList.contains('first')) { m.tabIndex = box.checked ? 0 : -1; }
    });
  });
});
"#;

/// Render a run as one HTML page.
pub fn render(reports: &[AuditReport], failures: &[InputFailure]) -> String {
    let cats = Categories::of(reports);
    let mut out = String::new();
    let title = match reports {
        [one] => format!("Sourcing audit: {}", one.file),
        _ => format!("Sourcing audit: {} files", reports.len() + failures.len()),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>{STYLE}",
        escape(&title)
    );
    for (i, bg, line, _) in cats.map.values() {
        let _ = writeln!(
            out,
            "mark.f.k{i}, .swatch.k{i} {{ background: {bg}; border-bottom-style: {line}; }}"
        );
    }
    out.push_str("</style>\n</head>\n<body>\n<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    legend(&cats, &mut out);
    out.push_str("</header>\n<main>\n");
    for (n, r) in reports.iter().enumerate() {
        report(n, r, &cats, &mut out);
    }
    if reports.len() + failures.len() > 1 || !failures.is_empty() {
        summary(reports, failures, &mut out);
    }
    let _ = write!(
        out,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

fn legend(cats: &Categories, out: &mut String) {
    if cats.map.is_empty() {
        out.push_str("<p>No findings.</p>\n");
        return;
    }
    out.push_str(
        "<fieldset class=\"legend\"><legend>Categories (uncheck to hide highlights)</legend>\n",
    );
    for (name, (i, _, _, count)) in &cats.map {
        let _ = writeln!(
            out,
            "<label><input type=\"checkbox\" checked data-toggle=\"{i}\" data-category=\"{}\"> \
             <span class=\"swatch k{i}\">{}</span> {} ({count})</label>",
            escape(name),
            escape(category_tag(name)),
            escape(name),
        );
    }
    out.push_str("</fieldset>\n");
}

fn report(n: usize, r: &AuditReport, cats: &Categories, out: &mut String) {
    let _ = writeln!(
        out,
        "<section class=\"report\" id=\"report-{n}\" aria-labelledby=\"file-{n}\">"
    );
    out.push_str("<div>\n");
    let _ = writeln!(out, "<h2 id=\"file-{n}\">{}</h2>", escape(&r.file));
    if let Some(t) = &r.title {
        let _ = writeln!(out, "<p><b>Title:</b> {}</p>", escape(t));
    }
    if let Some(b) = &r.byline {
        let _ = writeln!(out, "<p><b>Byline:</b> {}</p>", escape(b));
    }
    let _ = write!(
        out,
        "<div class=\"article\" role=\"document\" aria-label=\"Article text with findings highlighted\">"
    );
    article(n, r, cats, out);
    out.push_str("</div>\n</div>\n");
    panel(r, out);
    out.push_str("</section>\n");
}

/// Tooltip text of a finding.
fn tip(f: &FindingReport) -> String {
    let mut s = format!(
        "<b>{} [{}]</b> {}<br>{}",
        escape(f.severity.as_str()),
        escape(&f.rule),
        escape(&f.category),
        escape(&f.message)
    );
    if !f.advice.is_empty() {
        let _ = write!(s, "<br><b>Advice:</b> {}", escape(&f.advice));
    }
    let _ = write!(s, "<br>Points: {:+.1}", f.points);
    s
}

/// Floor an offset to a character boundary of `text`.
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn article(n: usize, r: &AuditReport, cats: &Categories, out: &mut String) {
    let text: &str = &r.text;
    // (start, end, finding index) of every finding with a non-empty place.
    let mut spans: Vec<(usize, usize, usize)> = r
        .findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let s = f.span?;
            let (a, b) = (floor(text, s.start), floor(text, s.end));
            (a < b).then_some((a, b, i))
        })
        .collect();
    // Outer before inner: earlier start first, then the longer, then report order.
    spans.sort_by_key(|&(a, b, i)| (a, std::cmp::Reverse(b), i));
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for &(a, b, _) in &spans {
        cuts.push(a);
        cuts.push(b);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut opened = vec![false; r.findings.len()];
    for w in cuts.windows(2) {
        let (from, to) = (w[0], w[1]);
        let active: Vec<(usize, usize, usize)> = spans
            .iter()
            .copied()
            .filter(|&(a, b, _)| a <= from && from < b)
            .collect();
        let keep = open.iter().zip(&active).take_while(|(x, y)| x == y).count();
        for _ in keep..open.len() {
            out.push_str("</mark>");
        }
        open.truncate(keep);
        for &(a, b, i) in &active[keep..] {
            let f = &r.findings[i];
            let k = cats.index(&f.category);
            let first = !opened[i];
            opened[i] = true;
            let _ = write!(
                out,
                "<mark class=\"f k{k}{}\" data-finding=\"{n}-{i}\" data-k=\"{k}\" \
                 data-category=\"{}\" data-tag=\"{}\"",
                if first { " first" } else { "" },
                escape(&f.category),
                escape(category_tag(&f.category)),
            );
            if first {
                let _ = write!(
                    out,
                    " id=\"f{n}-{i}\" tabindex=\"0\" aria-describedby=\"tip{n}-{i}\">\
                     <span class=\"tip\" role=\"tooltip\" id=\"tip{n}-{i}\">{}</span>",
                    tip(f)
                );
            } else {
                out.push('>');
            }
            open.push((a, b, i));
        }
        out.push_str(&escape(&text[from..to]));
    }
    for _ in 0..open.len() {
        out.push_str("</mark>");
    }
}

fn panel(r: &AuditReport, out: &mut String) {
    let s = &r.score;
    out.push_str("<aside class=\"panel\" aria-label=\"Score and sources\">\n");
    let _ = writeln!(
        out,
        "<p class=\"score\">{}/100 <span aria-label=\"grade\">· grade {}</span></p>",
        s.value,
        escape(&s.grade)
    );
    let _ = writeln!(
        out,
        "<p>{} finding{}</p>",
        r.findings.len(),
        if r.findings.len() == 1 { "" } else { "s" }
    );
    out.push_str(
        "<h3>Score breakdown</h3>\n<table><thead><tr><th>Item</th><th class=\"n\">Findings</th>\
         <th class=\"n\">Points</th></tr></thead><tbody>\n",
    );
    let _ = writeln!(
        out,
        "<tr><td>base</td><td></td><td class=\"n\">{:+.1}</td></tr>",
        s.base
    );
    for c in &s.breakdown {
        let note = if c.capped {
            format!(" (capped; uncapped {:+.1})", c.uncapped)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:+.1}{}</td></tr>",
            escape(&c.category),
            c.findings,
            c.points,
            note
        );
    }
    out.push_str("</tbody></table>\n");

    let _ = writeln!(out, "<h3>Sources ({})</h3>", r.ledger.len());
    if r.ledger.is_empty() {
        out.push_str("<p>No sources identified.</p>\n");
    } else {
        out.push_str(
            "<table><thead><tr><th>Source</th><th>Kind</th><th class=\"n\">Mentions</th>\
             <th class=\"n\">Quotes</th><th class=\"n\">First</th></tr></thead><tbody>\n",
        );
        for e in &r.ledger {
            let desc = e
                .descriptor
                .as_deref()
                .map(|d| format!("<br><small>{}</small>", escape(d)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr><td>{}{desc}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}:{}</td></tr>",
                escape(&e.name),
                escape(&kind_name(e.kind)),
                e.mentions,
                e.quotes,
                e.first.line,
                e.first.column
            );
        }
        out.push_str("</tbody></table>\n");
    }

    let whole: Vec<&FindingReport> = r.findings.iter().filter(|f| f.span.is_none()).collect();
    if !whole.is_empty() {
        out.push_str("<h3>Whole-article findings</h3>\n<ul class=\"whole\">\n");
        for f in whole {
            let _ = writeln!(out, "<li>{}</li>", tip(f));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</aside>\n");
}

fn summary(reports: &[AuditReport], failures: &[InputFailure], out: &mut String) {
    let s = Summary::of(reports, failures);
    out.push_str("<section class=\"summary\" aria-labelledby=\"summary\">\n");
    let _ = writeln!(
        out,
        "<h2 id=\"summary\">Summary: {} files, {} audited, {} failed</h2>",
        s.files, s.audited, s.failed
    );
    let cats: Vec<&String> = s.counts.keys().collect();
    out.push_str("<table><thead><tr><th>File</th><th class=\"n\">Score</th><th>Grade</th>");
    for c in &cats {
        let _ = write!(
            out,
            "<th class=\"n\" title=\"{}\">{}</th>",
            escape(c),
            escape(category_tag(c))
        );
    }
    out.push_str("<th>Worst finding</th></tr></thead><tbody>\n");
    for (n, r) in reports.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><td><a href=\"#report-{n}\">{}</a></td><td class=\"n\">{}</td><td>{}</td>",
            escape(&r.file),
            r.score.value,
            escape(&r.score.grade)
        );
        for c in &cats {
            let _ = write!(
                out,
                "<td class=\"n\">{}</td>",
                r.counts.get(*c).copied().unwrap_or(0)
            );
        }
        let worst = r.worst_finding().map_or_else(
            || "none".to_string(),
            |f| format!("{} [{}]", escape(f.severity.as_str()), escape(&f.rule)),
        );
        let _ = writeln!(out, "<td>{worst}</td></tr>");
    }
    for f in failures {
        let _ = writeln!(
            out,
            "<tr class=\"failed\"><td>{}</td><td colspan=\"{}\">not audited: {}</td></tr>",
            escape(&f.file),
            cats.len() + 3,
            escape(&f.message)
        );
    }
    let _ = write!(
        out,
        "<tr><th>total</th><td class=\"n\">{}</td><td></td>",
        s.mean_score
            .map_or_else(|| "-".to_string(), |m| format!("mean {m:.1}"))
    );
    for c in &cats {
        let _ = write!(out, "<td class=\"n\"><b>{}</b></td>", s.counts[*c]);
    }
    out.push_str("<td></td></tr>\n</tbody></table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance of a #rrggbb colour.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn highlight_colours_keep_text_readable() {
        let text = luminance("#111111");
        let known = crate::rules::CATEGORIES.iter().chain(&["policy"]).map(|c| {
            known_style(c)
                .expect("every built-in category has a style")
                .0
        });
        for bg in known.chain(EXTRA_STYLES.iter().map(|s| s.0)) {
            let ratio = (luminance(bg) + 0.05) / (text + 0.05);
            assert!(ratio >= 10.0, "{bg}: contrast {ratio:.1}:1 under #111 text");
        }
    }

    #[test]
    fn escape_covers_text_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
