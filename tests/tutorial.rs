//! The tutorial in docs/rules.md, run as written, so the docs cannot rot.
//!
//! The test reads docs/rules.md from the tutorial heading on and, in a fresh
//! temporary directory, plays its fenced blocks in order:
//!
//! - a block whose info string has `file=PATH` (```` ```toml file=sourcing.toml ````)
//!   is written to PATH;
//! - a ```` ```console ```` block holds commands (`$ sourcing …`) each followed by
//!   its expected output (standard output, then standard error). A line `...`
//!   stands for any number of lines, and `[..]` for any text within a line. A trailing `# exit N` comment gives the
//!   expected exit code (0 when absent); it is a shell comment, so the command
//!   still works when pasted.

use std::path::Path;
use std::process::Command;

const TUTORIAL_HEADING: &str = "## Tutorial";

#[derive(Debug)]
enum Step {
    File {
        path: String,
        text: String,
    },
    Run {
        line: usize,
        command: String,
        exit: i32,
        expected: Vec<String>,
    },
}

fn steps(doc: &str) -> Vec<Step> {
    let start = doc
        .find(TUTORIAL_HEADING)
        .expect("docs/rules.md has a tutorial section");
    let first_line = doc[..start].lines().count();
    let mut out = Vec::new();
    let mut lines = doc[start..].lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let info = info.trim();
        if info.is_empty() {
            continue;
        }
        let mut body = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.trim_end() == "```" {
                break;
            }
            body.push((first_line + n + 1, l));
        }
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("");
        if let Some(path) = words.find_map(|w| w.strip_prefix("file=")) {
            let mut text: String = body.iter().map(|(_, l)| format!("{l}\n")).collect();
            if text.is_empty() {
                text.push('\n');
            }
            out.push(Step::File {
                path: path.to_string(),
                text,
            });
        } else if lang == "console" {
            for (n, l) in body {
                if let Some(cmd) = l.strip_prefix("$ ") {
                    let (command, exit) = match cmd.split_once(" # exit ") {
                        Some((c, e)) => (c.trim().to_string(), e.trim().parse().unwrap()),
                        None => (cmd.trim().to_string(), 0),
                    };
                    out.push(Step::Run {
                        line: n,
                        command,
                        exit,
                        expected: Vec::new(),
                    });
                } else if let Some(Step::Run { expected, .. }) = out.last_mut() {
                    expected.push(l.trim_end().to_string());
                }
            }
        }
    }
    out
}

/// Split a command line into words, honouring single and double quotes.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut any = false;
    for c in command.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// Whether `actual` lines fit `expected`, where a `...` line matches any lines.
fn fits(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e == "..." => (0..=actual.len()).any(|i| fits(rest, &actual[i..])),
        Some((e, rest)) => actual
            .split_first()
            .is_some_and(|(a, arest)| line_fits(e, a) && fits(rest, arest)),
    }
}

/// Whether a line fits a pattern in which `[..]` matches any text.
fn line_fits(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn run(dir: &Path, line: usize, command: &str, exit: i32, expected: &[String]) {
    let argv = words(command);
    assert_eq!(
        argv.first().map(String::as_str),
        Some("sourcing"),
        "docs/rules.md:{line}: tutorial commands run `sourcing`"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .args(&argv[1..])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the sourcing binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut actual: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while actual.last().is_some_and(String::is_empty) {
        actual.pop();
    }
    let mut expected = expected.to_vec();
    while expected.last().is_some_and(String::is_empty) {
        expected.pop();
    }
    assert!(
        fits(&expected, &actual),
        "docs/rules.md:{line}: `{command}` printed\n{}\n--- but the tutorial shows\n{}",
        actual.join("\n"),
        expected.join("\n")
    );
    assert_eq!(
        out.status.code(),
        Some(exit),
        "docs/rules.md:{line}: `{command}` exit code"
    );
}

#[test]
fn tutorial_runs_as_written() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/rules.md exists");
    let dir = tempfile::tempdir().unwrap();
    let mut commands = Vec::new();
    for step in steps(&doc) {
        match step {
            Step::File { path, text } => {
                let p = dir.path().join(&path);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent).unwrap();
                }
                std::fs::write(p, text).unwrap();
            }
            Step::Run {
                line,
                command,
                exit,
                expected,
            } => {
                run(dir.path(), line, &command, exit, &expected);
                commands.push(command);
            }
        }
    }
    // The tutorial must keep covering each step a newsroom goes through.
    for needed in [
        "sourcing init",
        "sourcing rules test",
        "sourcing rules check",
        "sourcing rules list",
        "sourcing audit",
    ] {
        assert!(
            commands.iter().any(|c| c.starts_with(needed)),
            "the tutorial no longer runs `{needed}`"
        );
    }
}

#[test]
fn fits_handles_ellipsis() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(fits(&s(&["a", "...", "d"]), &s(&["a", "b", "c", "d"])));
    assert!(fits(&s(&["a", "..."]), &s(&["a"])));
    assert!(!fits(&s(&["a", "d"]), &s(&["a", "b", "d"])));
    assert!(line_fits("[..] passed, 0 failed", "85 passed, 0 failed"));
    assert!(line_fits("a [..] c [..]", "a b c d"));
    assert!(!line_fits("[..] passed, 0 failed", "85 passed, 1 failed"));
    assert_eq!(words("sourcing 'a b' c"), s(&["sourcing", "a b", "c"]));
}

/// The reference's TOML snippets are valid TOML, and its sourcing.toml example
/// is a valid configuration (every key known, every value the right type).
#[test]
fn reference_snippets_parse() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/rules.md exists");
    let reference = &doc[..doc.find(TUTORIAL_HEADING).unwrap()];
    let mut blocks = 0;
    let mut configs = 0;
    for chunk in reference.split("```toml\n").skip(1) {
        let body = chunk.split("```").next().unwrap();
        toml::from_str::<toml::Table>(body)
            .unwrap_or_else(|e| panic!("docs/rules.md snippet is not TOML: {e}\n{body}"));
        blocks += 1;
        if body.starts_with("packs =") {
            sourcing::config::Config::parse(sourcing::rules::PackSource {
                path: "docs/rules.md".into(),
                text: body.into(),
            })
            .unwrap_or_else(|e| panic!("{}", e.render()));
            configs += 1;
        }
    }
    assert!(
        blocks >= 8 && configs >= 1,
        "{blocks} snippets, {configs} configs"
    );
}
