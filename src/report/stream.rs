//! Streaming output: reports written one by one as they are ready, with only
//! small totals kept for the closing summary, so memory stays flat however many
//! articles a run audits.
//!
//! [`JsonStream`] writes exactly what [`json::render`](super::json::render) would
//! for the same reports, one report at a time. [`Totals`] keeps what the text
//! and JSON summaries and the exit code need.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::input::LineCol;
use crate::report::{AUDIT_SCHEMA, AuditReport, InputFailure, Summary};
use crate::rules::Severity;

/// What a run remembers of one audited article.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The article's name.
    pub file: String,
    /// Its score.
    pub score: u8,
    /// Its grade.
    pub grade: String,
    /// Number of findings.
    pub findings: usize,
    /// The worst finding (see [`AuditReport::worst_finding`]): severity, rule id
    /// and where it starts.
    pub worst: Option<(Severity, String, Option<LineCol>)>,
    /// Findings per category.
    pub counts: BTreeMap<String, usize>,
}

impl Entry {
    /// The part of a report a run's summary needs.
    pub fn of(r: &AuditReport) -> Entry {
        Entry {
            file: r.file.clone(),
            score: r.score.value,
            grade: r.score.grade.to_string(),
            findings: r.findings.len(),
            worst: r
                .worst_finding()
                .map(|f| (f.severity, f.rule.clone(), f.start)),
            counts: r.counts.clone(),
        }
    }
}

/// Running totals of a run, in input order.
///
/// Only the text summary lists every article; a run that does not need that
/// list keeps aggregates only, so its memory does not grow with the number of
/// articles.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// One entry per audited article (without its counts), if kept.
    pub entries: Vec<Entry>,
    /// Whether to keep `entries`.
    pub keep_entries: bool,
    /// Articles audited.
    pub audited: usize,
    /// Sum of their scores.
    pub score_sum: u64,
    /// Lowest score.
    pub min_score: Option<u8>,
    /// Findings per category over all articles.
    pub counts: BTreeMap<String, usize>,
    /// Inputs that could not be audited.
    pub failures: Vec<InputFailure>,
}

impl Totals {
    /// Empty totals; `keep_entries` for runs that print the per-article list.
    pub fn new(keep_entries: bool) -> Totals {
        Totals {
            keep_entries,
            ..Totals::default()
        }
    }

    /// Add one audited article.
    pub fn push(&mut self, entry: Entry) {
        self.audited += 1;
        self.score_sum += u64::from(entry.score);
        self.min_score = Some(self.min_score.map_or(entry.score, |m| m.min(entry.score)));
        for (c, n) in &entry.counts {
            *self.counts.entry(c.clone()).or_insert(0) += n;
        }
        if self.keep_entries {
            self.entries.push(entry);
        }
    }

    /// The totals as the JSON summary reports them.
    pub fn summary(&self) -> Summary {
        let n = self.audited;
        Summary {
            files: n + self.failures.len(),
            audited: n,
            failed: self.failures.len(),
            mean_score: (n > 0).then(|| (self.score_sum as f64 / n as f64 * 10.0).round() / 10.0),
            min_score: self.min_score,
            counts: self.counts.clone(),
        }
    }

    /// The closing summary of a text run: the same table as
    /// [`text::summary`](super::text::summary) prints for a list of reports.
    pub fn text(&self) -> String {
        super::text::summary_table(&self.entries, &self.failures, &self.summary())
    }
}

/// `value` as pretty JSON (serde_json's layout, two spaces a level) placed
/// `depth` levels deep: every line after the first starts `depth` levels in.
///
/// Written by a formatter that starts at that depth, rather than printed and
/// then indented line by line: that second pass and its copies were about
/// 1.5 % of a one-job run. It is written into a buffer kept by the thread and
/// copied out at its exact size: the command line holds a batch of rendered
/// reports until their turn to be written, and a string grown by doubling
/// (or shrunk in place, which fragments the heap) cost about 1 MB more over
/// 107,541 files.
fn nested<T: Serialize + ?Sized>(value: &T, depth: usize) -> String {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with_borrow_mut(|buf| {
        buf.clear();
        let formatter = Nested {
            depth,
            has_value: false,
        };
        let written = value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *buf, formatter,
        ));
        // serde_json writes valid UTF-8.
        let out = match (written, std::str::from_utf8(buf)) {
            (Ok(()), Ok(json)) => json.to_owned(),
            _ => String::new(),
        };
        // A huge report's buffer is not kept for the rest of the run.
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new();
        }
        out
    })
}

/// serde_json's `PrettyFormatter` with two spaces a level, starting `depth`
/// levels deep.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        (0..self.depth).try_for_each(|_| w.write_all(b"  "))
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// One report as an element of the run's `reports` array: pretty JSON, indented
/// to its place.
pub fn element(r: &AuditReport) -> String {
    nested(r, 2)
}

/// Writes a run's JSON object incrementally: the `reports` array one element at
/// a time, then `errors` and `summary` at the end.
pub struct JsonStream<W: Write> {
    out: W,
    reports: usize,
}

impl<W: Write> JsonStream<W> {
    /// Start the run's object.
    pub fn new(mut out: W) -> io::Result<JsonStream<W>> {
        write!(
            out,
            "{{\n  \"schema\": \"{AUDIT_SCHEMA}\",\n  \"reports\": ["
        )?;
        Ok(JsonStream { out, reports: 0 })
    }

    /// Append one article's report and flush it.
    pub fn report(&mut self, r: &AuditReport) -> io::Result<()> {
        self.element(&element(r))
    }

    /// Append one report already rendered by [`element`] (rendering is the
    /// costly part, so workers do it in parallel and this thread only writes).
    pub fn element(&mut self, element: &str) -> io::Result<()> {
        let sep = if self.reports == 0 { "" } else { "," };
        write!(self.out, "{sep}\n    {element}")?;
        self.reports += 1;
        self.out.flush()
    }

    /// Close the array and write errors and summary.
    pub fn finish(mut self, totals: &Totals) -> io::Result<W> {
        if self.reports == 0 {
            write!(self.out, "]")?;
        } else {
            write!(self.out, "\n  ]")?;
        }
        write!(
            self.out,
            ",\n  \"errors\": {},\n  \"summary\": {}\n}}\n",
            nested(&totals.failures, 1),
            nested(&totals.summary(), 1)
        )?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Auditor;
    use crate::input::{Document, Format};
    use crate::report::{json, text};

    /// serde_json's pretty JSON with every line after the first indented
    /// `depth` levels: what `nested` must write.
    fn indented(value: &impl Serialize, depth: usize) -> String {
        let pretty = serde_json::to_string_pretty(value).unwrap();
        pretty.replace('\n', &format!("\n{}", "  ".repeat(depth)))
    }

    #[test]
    fn nested_json_is_pretty_json_indented_in_a_string_of_exact_size() {
        let values = [
            serde_json::json!({"a": 1, "b": [1, [], {}, [2, {"c": null}]], "d": {}}),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!("line\nbreak \"quoted\" é"),
            serde_json::json!([[[]], {"e": [{}]}]),
        ];
        for depth in 0..3 {
            for v in &values {
                let out = nested(v, depth);
                assert_eq!(out, indented(v, depth), "{v} at {depth}");
                assert_eq!(out.capacity(), out.len(), "{v}");
            }
            for r in reports() {
                assert_eq!(nested(&r, depth), indented(&r, depth));
            }
        }
    }

    fn reports() -> Vec<AuditReport> {
        let auditor = Auditor::builtin().unwrap();
        [
            "The talks stalled, officials said.\n\nA \"quoted\" line\nwith a break.",
            "Hua Chunying, a Foreign Ministry spokeswoman, said the talks went well.",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            auditor.audit(&Document::from_text(
                format!("{i}.txt"),
                t.to_string(),
                Format::Text,
            ))
        })
        .collect()
    }

    fn streamed(reports: &[AuditReport], failures: &[InputFailure]) -> String {
        let mut s = JsonStream::new(Vec::new()).unwrap();
        let mut totals = Totals::new(false);
        for r in reports {
            s.report(r).unwrap();
            totals.push(Entry::of(r));
        }
        totals.failures = failures.to_vec();
        String::from_utf8(s.finish(&totals).unwrap()).unwrap()
    }

    #[test]
    fn streamed_json_is_byte_identical_to_the_whole_run() {
        let reports = reports();
        let failures = [InputFailure {
            file: "bad.txt".into(),
            message: "not UTF-8".into(),
        }];
        for (r, f) in [
            (&reports[..], &failures[..]),
            (&reports[..1], &[][..]),
            (&[][..], &failures[..]),
            (&[][..], &[][..]),
        ] {
            assert_eq!(streamed(r, f), json::render(r, f));
        }
    }

    #[test]
    fn text_summary_matches_the_whole_run() {
        let reports = reports();
        let failures = vec![InputFailure {
            file: "bad.txt".into(),
            message: "not UTF-8".into(),
        }];
        let mut totals = Totals::new(true);
        for r in &reports {
            totals.push(Entry::of(r));
        }
        totals.failures = failures.clone();
        assert_eq!(totals.text(), text::summary(&reports, &failures));
    }
}
