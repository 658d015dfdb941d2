//! Regression snapshots: lock an article's verdict into a small text file, and
//! show exactly what moved when rules or configuration change.
//!
//! A snapshot is a stable, diff-friendly rendering of an [`AuditReport`]: the
//! score, grade, breakdown, ledger and every finding with its rule id, category,
//! line:column and sentence. It names the article by its path relative to the
//! common root of the inputs and holds nothing that changes between runs or
//! machines (no absolute paths, no timestamps, no colour), so two runs with the
//! same rules on the same text write byte-identical files.
//!
//! ```
//! use sourcing::{Auditor, snapshot, input::{Document, Format}};
//! let auditor = Auditor::builtin().unwrap();
//! let doc = Document::from_text("a.txt", "The talks stalled, officials said.".into(), Format::Text);
//! let text = snapshot::render(&auditor.audit(&doc), "politics/a.txt");
//! assert!(text.starts_with(snapshot::HEADER));
//! assert_eq!(snapshot::file_name("politics/story one.txt"), "politics__story_one.txt.snap");
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::report::AuditReport;

/// First line of every snapshot file; files in the snapshot folder without it
/// are not ours and are never reported missing or pruned.
pub const HEADER: &str = "# sourcing snapshot v1";

/// Extension of snapshot files.
pub const EXTENSION: &str = "snap";

/// Longest snapshot file name we produce, in bytes: well under the 255-byte
/// limit of common file systems, leaving room for the temporary-file suffix.
const MAX_NAME: usize = 200;

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Points with one decimal and a sign; `-0.0` prints as `+0.0` so a rule whose
/// weight is zero does not flip between signs.
fn points(p: f64) -> String {
    let p = if p == 0.0 { 0.0 } else { p };
    format!("{p:+.1}")
}

/// Render the snapshot of one article. `article` is the name stored in the file:
/// the article's path relative to the common root of the inputs.
pub fn render(report: &AuditReport, article: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{HEADER}: written by `sourcing snapshot --update`; review changes, do not edit"
    );
    let _ = writeln!(out, "article: {}", fold(article));
    if let Some(t) = &report.title {
        let _ = writeln!(out, "title: {}", fold(t));
    }
    if let Some(b) = &report.byline {
        let _ = writeln!(out, "byline: {}", fold(b));
    }
    let s = &report.score;
    let _ = writeln!(out, "score: {}", s.value);
    let _ = writeln!(out, "grade: {}", s.grade);

    // No column padding anywhere: a longer name elsewhere must not re-indent
    // unrelated lines and bloat the diff.
    out.push_str("\nbreakdown:\n");
    let _ = writeln!(out, "  base {}", points(s.base));
    for c in &s.breakdown {
        let _ = write!(
            out,
            "  {} ({} finding{}) {}",
            c.category,
            c.findings,
            if c.findings == 1 { "" } else { "s" },
            points(c.points)
        );
        if c.capped {
            let _ = write!(out, " (capped; uncapped {})", points(c.uncapped));
        }
        out.push('\n');
    }

    out.push_str("\nledger:\n");
    if report.ledger.is_empty() {
        out.push_str("  (none)\n");
    }
    for e in &report.ledger {
        let kind = serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} [{kind}] first at {}:{}, {} mention{}, {} sentence{}, {} quote{}",
            fold(&e.name),
            e.first.line,
            e.first.column,
            e.mentions,
            if e.mentions == 1 { "" } else { "s" },
            e.sentences,
            if e.sentences == 1 { "" } else { "s" },
            e.quotes,
            if e.quotes == 1 { "" } else { "s" },
        );
        if let Some(d) = &e.descriptor {
            let _ = writeln!(out, "    descriptor: {}", fold(d));
        }
    }

    out.push_str("\nfindings:\n");
    if report.findings.is_empty() {
        out.push_str("  (none)\n");
    }
    for f in &report.findings {
        let place = f
            .start
            .map_or_else(|| "-".to_string(), |p| format!("{}:{}", p.line, p.column));
        let _ = writeln!(
            out,
            "  {place} {} [{}] {} {}",
            f.rule,
            f.category,
            f.severity.as_str(),
            points(f.points)
        );
        let _ = writeln!(out, "    message: {}", fold(&f.message));
        if let Some(m) = &f.matched {
            let _ = writeln!(out, "    match: {m}");
        }
        if let Some(s) = &f.excerpt {
            let _ = writeln!(out, "    sentence: {s}");
        }
        if let Some(src) = &f.source {
            let _ = writeln!(out, "    source: {}", fold(src));
        }
    }
    out
}

/// One finding as read back from a snapshot: enough to say which finding was
/// added or removed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingEntry {
    /// `line:column`, or `-` for a finding about the whole article.
    pub place: String,
    /// Rule id.
    pub rule: String,
    /// Category.
    pub category: String,
    /// The sentence, when the finding has one.
    pub sentence: String,
}

impl FindingEntry {
    /// Sort key in document order: line, then column; whole-article findings last.
    fn order(&self) -> (usize, usize) {
        let mut it = self
            .place
            .split(':')
            .map(|n| n.parse().unwrap_or(usize::MAX));
        (
            it.next().unwrap_or(usize::MAX),
            it.next().unwrap_or(usize::MAX),
        )
    }
}

/// The parts of a snapshot that the difference summary reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The article's name.
    pub article: Option<String>,
    /// The score, if the file has one.
    pub score: Option<u8>,
    /// The grade.
    pub grade: Option<String>,
    /// Findings in file order.
    pub findings: Vec<FindingEntry>,
}

/// Read a snapshot back. Lenient by design: a file edited by hand or written
/// by another version yields whatever it can, and the unified diff still shows
/// everything.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut section = "";
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            if let Some(section_name) = line.strip_suffix(':') {
                section = match section_name {
                    "breakdown" => "breakdown",
                    "ledger" => "ledger",
                    "findings" => "findings",
                    _ => "",
                };
                continue;
            }
            if let Some((key, value)) = line.split_once(": ") {
                match key {
                    "article" => parsed.article = Some(value.to_string()),
                    "score" => parsed.score = value.trim().parse().ok(),
                    "grade" => parsed.grade = Some(value.trim().to_string()),
                    _ => {}
                }
            }
            continue;
        }
        if section != "findings" {
            continue;
        }
        if let Some(field) = line.strip_prefix("    ") {
            if let (Some(last), Some(sentence)) =
                (parsed.findings.last_mut(), field.strip_prefix("sentence: "))
            {
                last.sentence = sentence.to_string();
            }
        } else if let Some(head) = line.strip_prefix("  ") {
            if head == "(none)" {
                continue;
            }
            let mut words = head.split(' ');
            let place = words.next().unwrap_or_default().to_string();
            let rule = words.next().unwrap_or_default().to_string();
            let category = head
                .split_once('[')
                .and_then(|(_, rest)| rest.rsplit_once(']'))
                .map(|(c, _)| c.to_string())
                .unwrap_or_default();
            parsed.findings.push(FindingEntry {
                place,
                rule,
                category,
                sentence: String::new(),
            });
        }
    }
    parsed
}

/// `62 → 58 (−4)`: the score change with a typographic minus.
fn score_change(old: u8, new: u8) -> String {
    let delta = i32::from(new) - i32::from(old);
    match delta {
        0 => format!("score {new} (unchanged)"),
        d if d < 0 => format!("score {old} → {new} (\u{2212}{})", -d),
        d => format!("score {old} → {new} (+{d})"),
    }
}

/// Findings in `a` but not in `b`, counting repeats (a multiset difference).
fn minus(a: &[FindingEntry], b: &[FindingEntry]) -> Vec<FindingEntry> {
    let mut left: BTreeMap<&FindingEntry, usize> = BTreeMap::new();
    for f in b {
        *left.entry(f).or_insert(0) += 1;
    }
    let mut out = Vec::new();
    for f in a {
        match left.get_mut(f) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(f.clone()),
        }
    }
    out
}

fn finding_line(sign: char, f: &FindingEntry) -> String {
    let place = if f.place == "-" {
        "(whole article)"
    } else {
        &f.place
    };
    let mut line = format!("  {sign} {place} {} [{}]", f.rule, f.category);
    if !f.sentence.is_empty() {
        let _ = write!(line, ": {}", f.sentence);
    }
    line
}

/// The readable difference between a stored snapshot and the current one: the
/// score change, the findings removed and added (with line:column and
/// sentence), then a unified diff of the two files.
pub fn difference(stored: &str, current: &str) -> String {
    let old = parse(stored);
    let new = parse(current);
    let mut out = String::new();
    let mut headline = Vec::new();
    match (old.score, new.score) {
        (Some(a), Some(b)) => headline.push(score_change(a, b)),
        (None, Some(b)) => headline.push(format!("score ? → {b} (stored snapshot has none)")),
        _ => {}
    }
    if let (Some(a), Some(b)) = (&old.grade, &new.grade)
        && a != b
    {
        headline.push(format!("grade {a} → {b}"));
    }
    if !headline.is_empty() {
        let _ = writeln!(out, "  {}", headline.join(", "));
    }

    let mut removed = minus(&old.findings, &new.findings);
    let mut added = minus(&new.findings, &old.findings);
    removed.sort_by_key(FindingEntry::order);
    added.sort_by_key(FindingEntry::order);
    for (label, list, sign) in [("removed", &removed, '-'), ("added", &added, '+')] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  {} finding{} {label}:",
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        );
        for f in list.iter() {
            let _ = writeln!(out, "  {}", finding_line(sign, f));
        }
    }
    if removed.is_empty() && added.is_empty() && old.findings.len() == new.findings.len() {
        out.push_str("  same findings; details changed (see the diff)\n");
    }

    let diff = similar::TextDiff::from_lines(stored, current);
    let unified = diff
        .unified_diff()
        .context_radius(2)
        .header("stored", "current")
        .to_string();
    for line in unified.lines() {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// A path made absolute against the current directory, with `.` and `..`
/// resolved lexically (without touching the file system, so a symlinked
/// folder keeps the name the user gave it).
pub fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The deepest folder that holds every input: a directory input counts as
/// itself, a file as its parent folder.
pub fn common_root(inputs: &[PathBuf]) -> PathBuf {
    let mut root: Option<PathBuf> = None;
    for input in inputs {
        let p = normalize(input);
        let dir = if p.is_dir() {
            p
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or(p)
        };
        root = Some(match root {
            None => dir,
            Some(r) => r
                .components()
                .zip(dir.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    root.unwrap_or_default()
}

/// The article's name in snapshots: its path relative to `root`, with `/`
/// between components whatever the platform.
pub fn article_name(root: &Path, file: &Path) -> String {
    let p = normalize(file);
    let rel = p.strip_prefix(root).unwrap_or(&p);
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        // The root is the file itself only when it has no parent; keep a name.
        p.file_name().map_or_else(
            || "article".to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    } else {
        parts.join("/")
    }
}

/// The snapshot file name for an article name: components joined by `__`, every
/// character outside `A-Z a-z 0-9 . _ -` replaced by `_`, no leading dot, and
/// `.snap` appended. The result never holds a path separator and is never `.`
/// or `..`, so joined to the snapshot folder it always names a file directly
/// inside it.
pub fn file_name(article: &str) -> String {
    let parts: Vec<String> = article
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .map(|part| {
            if part.chars().all(|c| c == '.') {
                // `.` and `..` components carry no name; never let them through.
                return "_".repeat(part.len());
            }
            part.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    let mut name = parts.join("__");
    if name.is_empty() {
        name.push_str("article");
    }
    if name.starts_with('.') {
        // Hidden files are easy to miss in review, and the leading dot is what
        // our temporary files use.
        name.replace_range(0..1, "_");
    }
    if name.len() + EXTENSION.len() + 1 > MAX_NAME {
        // Keep a readable prefix and make it unique with a hash of the full name.
        let keep = MAX_NAME - EXTENSION.len() - 1 - 17;
        name.truncate(keep); // ASCII only, so any byte index is a char boundary
        let _ = write!(name, "-{:016x}", fnv1a(article.as_bytes()));
    }
    name.push('.');
    name.push_str(EXTENSION);
    name
}

/// FNV-1a: a tiny hash whose value never changes between Rust releases or
/// machines, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A snapshot file found in the snapshot folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// File name inside the folder.
    pub file: String,
    /// The article it records (from its `article:` line).
    pub article: Option<String>,
}

/// The snapshots in `dir` (files ending in `.snap` that start with [`HEADER`]),
/// sorted by file name. Other files are left alone.
pub fn list(dir: &Path) -> std::io::Result<Vec<Stored>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(&format!(".{EXTENSION}")) || !entry.file_type()?.is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if !text.starts_with(HEADER) {
            continue;
        }
        out.push(Stored {
            file: name,
            article: parse(&text).article,
        });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

/// Write `contents` to `dir/name` atomically: into a temporary file in `dir`,
/// flushed to disk, then renamed over the target. A reader (or a run that is
/// interrupted) sees the old snapshot or the new one, never half of one; on
/// failure the temporary file is removed and the old snapshot stays.
pub fn write_atomic(dir: &Path, name: &str, contents: &str) -> std::io::Result<()> {
    crate::atomic::write(&dir.join(name), contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_inside_the_folder() {
        for article in [
            "../../etc/passwd",
            "/etc/passwd",
            "..",
            ".",
            "a/../../b.txt",
            "..\\..\\windows\\x.txt",
            ".hidden.txt",
            "",
            "C:\\x.txt",
        ] {
            let name = file_name(article);
            let dir = Path::new("/snaps");
            let joined = dir.join(&name);
            assert_eq!(joined.parent(), Some(dir), "{article} -> {name}");
            assert!(!name.starts_with('.'), "{article} -> {name}");
            assert!(!name.contains('/') && !name.contains('\\'), "{name}");
            assert!(name.ends_with(".snap"));
        }
        assert_eq!(file_name("../../etc/passwd"), "________etc__passwd.snap");
    }

    #[test]
    fn file_names_are_readable_and_safe() {
        assert_eq!(
            file_name("politics/story one.txt"),
            "politics__story_one.txt.snap"
        );
        assert_eq!(file_name("a:b?c*\"d\".md"), "a_b_c__d_.md.snap");
        assert_eq!(file_name("café.txt"), "caf_.txt.snap");
    }

    #[test]
    fn long_names_are_shortened_uniquely() {
        let a = format!("{}a.txt", "x".repeat(300));
        let b = format!("{}b.txt", "x".repeat(300));
        let (na, nb) = (file_name(&a), file_name(&b));
        assert!(na.len() <= MAX_NAME, "{}", na.len());
        assert_ne!(na, nb);
        assert_eq!(na, file_name(&a), "stable");
    }

    #[test]
    fn root_and_names() {
        let root = common_root(&[PathBuf::from("/x/y/a.txt"), PathBuf::from("/x/z/b.txt")]);
        assert_eq!(root, PathBuf::from("/x"));
        assert_eq!(article_name(&root, Path::new("/x/y/a.txt")), "y/a.txt");
        assert_eq!(
            article_name(&root, Path::new("/x/y/../z/./b.txt")),
            "z/b.txt"
        );
        let one = common_root(&[PathBuf::from("/x/y/a.txt")]);
        assert_eq!(article_name(&one, Path::new("/x/y/a.txt")), "a.txt");
    }

    #[test]
    fn parses_score_and_findings() {
        let text = format!(
            "{HEADER}: x\narticle: a.txt\nscore: 62\ngrade: C\n\nbreakdown:\n  base +100.0\n\n\
             findings:\n  3:5 anon [anonymous-source] warning -6.0\n    message: m\n    \
             sentence: Officials said so.\n  - doc-rule [policy] note -1.0\n    message: n\n"
        );
        let p = parse(&text);
        assert_eq!(p.article.as_deref(), Some("a.txt"));
        assert_eq!((p.score, p.grade.as_deref()), (Some(62), Some("C")));
        assert_eq!(p.findings.len(), 2);
        assert_eq!(p.findings[0].place, "3:5");
        assert_eq!(p.findings[0].category, "anonymous-source");
        assert_eq!(p.findings[0].sentence, "Officials said so.");
        assert_eq!(p.findings[1].rule, "doc-rule");
    }

    #[test]
    fn score_change_reads_like_prose() {
        assert_eq!(score_change(62, 58), "score 62 → 58 (\u{2212}4)");
        assert_eq!(score_change(58, 62), "score 58 → 62 (+4)");
        assert_eq!(score_change(5, 5), "score 5 (unchanged)");
    }

    #[test]
    fn repeated_findings_count_as_a_multiset() {
        let f = |p: &str| FindingEntry {
            place: p.into(),
            rule: "r".into(),
            category: "c".into(),
            sentence: "s".into(),
        };
        let old = vec![f("1:1"), f("1:1"), f("2:1")];
        let new = vec![f("1:1"), f("3:1")];
        assert_eq!(minus(&old, &new), vec![f("1:1"), f("2:1")]);
        assert_eq!(minus(&new, &old), vec![f("3:1")]);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "a.snap", "one").unwrap();
        write_atomic(dir.path(), "a.snap", "two").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.snap")).unwrap(),
            "two"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.snap")]);
    }
}
