//! `sourcing audit` from the outside: exit codes, and a clear error for every
//! bad input, with the rest of the run still audited.

use std::path::Path;
use std::process::Command;

const GOOD: &str = "\
The ministry will cut the health budget, officials said.

\"We have no other choice,\" said Maria Lopez, the finance minister.
";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn audit(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .current_dir(cwd)
        .arg("audit")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sourcing");
    let run = Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("good.txt"), GOOD).unwrap();
    tmp
}

/// The good article was still audited and reported.
fn good_was_audited(run: &Run) {
    assert!(
        run.stdout.contains("good.txt: score "),
        "the other file is still audited:\n{}",
        run.stdout
    );
}

#[test]
fn exit_codes() {
    let ws = workspace();
    let dir = ws.path();
    let ok = audit(dir, &["good.txt"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    good_was_audited(&ok);
    assert!(ok.stderr.is_empty(), "{}", ok.stderr);

    let below = audit(dir, &["good.txt", "--fail-under", "100"]);
    assert_eq!(below.code, 1);
    good_was_audited(&below);
    let denied = audit(dir, &["good.txt", "--deny", "warning"]);
    assert_eq!(denied.code, 1, "'officials said' is a warning");
    let passes = audit(dir, &["good.txt", "--fail-under", "0"]);
    assert_eq!(passes.code, 0);

    let usage = audit(dir, &["good.txt", "--fail-under", "101"]);
    assert_eq!(usage.code, 2, "clap usage errors exit 2");
    let nothing = audit(dir, &[]);
    assert_eq!(nothing.code, 2);
}

/// Audit `good.txt` plus one bad input; expect exit 2, one error line naming
/// the bad input, and the good article still reported.
fn bad_article(dir: &Path, bad: &str, extra: &[&str], expect: &str) {
    let mut args = vec!["good.txt", bad];
    args.extend_from_slice(extra);
    let run = audit(dir, &args);
    assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
    good_was_audited(&run);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line per failed input: {}", run.stderr);
    assert!(
        lines[0].starts_with(&format!("error: {bad}: ")),
        "names the file: {}",
        lines[0]
    );
    assert!(lines[0].contains(expect), "{bad}: {}", lines[0]);
    // The summary lists the failure beside the audited article.
    assert!(run.stdout.contains("1 audited, 1 failed"), "{}", run.stdout);
}

#[test]
fn bad_articles_fail_alone() {
    let ws = workspace();
    let dir = ws.path();
    std::fs::create_dir(dir.join("no-articles")).unwrap();
    std::fs::write(dir.join("no-articles/notes.pdf"), "x").unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    std::fs::write(dir.join("blank.txt"), "  \n\n \t\n").unwrap();
    std::fs::write(dir.join("bom-only.txt"), "\u{feff}\n\n").unwrap();
    std::fs::write(dir.join("binary.txt"), b"PK\x03\x04\0\0binary").unwrap();
    std::fs::write(dir.join("latin1.txt"), b"Caf\xe9 officials said so.\n").unwrap();
    std::fs::write(dir.join("big.txt"), GOOD.repeat(20)).unwrap();

    bad_article(dir, "missing.txt", &[], "no such file or directory");
    bad_article(dir, "no-articles", &[], "directory has no articles");
    bad_article(dir, "empty.txt", &[], "file is empty");
    bad_article(dir, "blank.txt", &[], "file is empty");
    bad_article(dir, "bom-only.txt", &[], "file is empty");
    bad_article(dir, "binary.txt", &[], "binary file");
    bad_article(
        dir,
        "latin1.txt",
        &[],
        "not valid UTF-8 (first bad byte at offset 3)",
    );
    let limit = (GOOD.len() * 2).to_string();
    bad_article(
        dir,
        "big.txt",
        &["--max-bytes", &limit],
        "over the limit of",
    );
}

#[test]
fn several_bad_articles_each_get_a_line() {
    let ws = workspace();
    let dir = ws.path();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    let run = audit(dir, &["missing.txt", "good.txt", "empty.txt"]);
    assert_eq!(run.code, 2);
    good_was_audited(&run);
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
    assert!(run.stdout.contains("3 files, 1 audited, 2 failed"));
}

#[test]
fn bad_article_from_standard_input() {
    let ws = workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .current_dir(ws.path())
        .args(["audit", "-", "good.txt"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: <stdin>: file is empty"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("good.txt: score "));
}

/// A broken rule pack: exit 2, the error names `file:line:column` and says
/// what is wrong. Nothing is audited with a partial rule set, since those
/// verdicts would be wrong.
fn bad_pack(dir: &Path, name: &str, pack: &str, place: &str, expect: &str) {
    std::fs::write(dir.join(name), pack).unwrap();
    let run = audit(dir, &["good.txt", "--rules", name]);
    assert_eq!(run.code, 2, "{name}");
    assert!(
        run.stderr.contains(&format!("{name}:{place}")),
        "{name}: names file:line:column:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains(expect), "{name}:\n{}", run.stderr);
    assert!(
        run.stderr.contains("help: "),
        "says what to do:\n{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

/// A rule table without its pattern; the pack header is `HEAD`.
const BODY: &str = "[[rule]]\nid = \"r\"\ncategory = \"anonymous-source\"\nmessage = \"m\"\n";
const HEAD: &str = "[pack]\nid = \"t\"\n\n";

#[test]
fn bad_rule_packs() {
    let ws = workspace();
    let dir = ws.path();
    bad_pack(
        dir,
        "not-toml.toml",
        "[pack\nid = \"t\"\n",
        "1:6",
        "unclosed table",
    );
    bad_pack(
        dir,
        "unknown-key.toml",
        &format!("{HEAD}{BODY}patern = 'officials'\n"),
        "8:1",
        "did you mean `pattern`?",
    );
    bad_pack(
        dir,
        "bad-regex.toml",
        &format!("{HEAD}{BODY}pattern = 'officials ('\n"),
        "8:11",
        "invalid regex",
    );
    bad_pack(
        dir,
        "bad-lexicon.toml",
        &format!("{HEAD}{BODY}pattern = '{{nosuch}} said'\n"),
        "8:12",
        "unknown lexicon `nosuch`",
    );
    bad_pack(
        dir,
        "duplicate.toml",
        &format!("{HEAD}{BODY}pattern = 'a'\n\n{BODY}pattern = 'b'\n"),
        "11:6",
        "duplicate rule id `r`",
    );
    // A rule id the built-in packs already use.
    bad_pack(
        dir,
        "clash.toml",
        "[pack]\nid = \"t\"\n[[rule]]\nid = \"anonymous-subject\"\ncategory = \"x\"\nmessage = \"m\"\npattern = 'a'\n",
        "4:6",
        "already defined in <built-in>/",
    );

    let missing = audit(dir, &["good.txt", "--rules", "nope.toml"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.toml"), "{}", missing.stderr);
}

/// `--help` states the batch the workers really take: the number is written
/// out in the help text, so it must follow the library's constant.
#[test]
fn help_states_the_batch_size() {
    let dir = workspace();
    let run = audit(dir.path(), &["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let help = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    let batch = sourcing::BATCH;
    assert!(
        help.contains(&format!("takes up to {batch} consecutive articles")),
        "{help}"
    );
    assert!(help.contains(&format!("changes the {batch}")), "{help}");
}
