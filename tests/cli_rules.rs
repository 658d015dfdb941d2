//! The `rules` and `init` commands and sourcing.toml, through the built binary,
//! each in a throwaway directory.

use std::path::Path;
use std::process::{Command, Output};

fn sourcing(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the sourcing binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

const PACK: &str = r#"[pack]
id = "newsroom"

[[rule]]
id = "paid-expert"
category = "paid-expert"
severity = "warning"
weight = 4
pattern = '(?i)\b(?:consultant|expert|economist)\b[^.]{0,40}?\bpaid\s+by\b'
message = "Expert paid by an interested party"
[[rule.example]]
text = "It is safe, said Ann Lee, a consultant paid by the maker."
expect = 1
[[rule.example]]
text = "It is safe, said Ann Lee, a consultant at the university."
expect = 0
"#;

const ARTICLE: &str = "The plan will fail, said Ann Lee, an economist paid by the company.\n\nThe talks stalled, officials said.\n";

fn newsroom(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/newsroom.toml"), PACK).unwrap();
    std::fs::write(dir.path().join("sourcing.toml"), config).unwrap();
    std::fs::write(dir.path().join("article.txt"), ARTICLE).unwrap();
    dir
}

#[test]
fn config_is_found_in_a_parent_directory_and_can_be_ignored() {
    let dir = newsroom("packs = [\"rules/newsroom.toml\"]\n");
    let deep = dir.path().join("desk/drafts");
    std::fs::create_dir_all(&deep).unwrap();
    let o = sourcing(&deep, &["rules", "list", "--pack", "newsroom"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("paid-expert"));
    let o = sourcing(
        &deep,
        &["rules", "list", "--pack", "newsroom", "--no-config"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no loaded rule has the pack `newsroom`"));
}

#[test]
fn disable_and_override_change_the_audit() {
    let plain = newsroom("packs = [\"rules/newsroom.toml\"]\n");
    let tuned = newsroom(
        "packs = [\"rules/newsroom.toml\"]\ndisable = [\"anonymous-inverted\", \"anonymous-subject\", \"policy\"]\n[override.paid-expert]\nweight = 9\nseverity = \"error\"\n",
    );
    let json = |dir: &Path| {
        let o = sourcing(dir, &["audit", "--format", "json", "article.txt"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let rules_of = |v: &serde_json::Value| -> Vec<(String, String, f64)> {
        v["reports"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["points"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let before = rules_of(&json(plain.path()));
    let after = rules_of(&json(tuned.path()));
    assert!(
        before
            .iter()
            .any(|(r, s, p)| r == "paid-expert" && s == "warning" && *p == -4.0)
    );
    assert!(
        after
            .iter()
            .any(|(r, s, p)| r == "paid-expert" && s == "error" && *p == -9.0)
    );
    // The anonymous "officials said" is flagged by default, not once its rules are off;
    // the policy pack is off entirely.
    assert!(before.iter().any(|(r, ..)| r.starts_with("anonymous-")));
    assert!(!after.iter().any(|(r, ..)| r.starts_with("anonymous-")));
    assert!(before.iter().any(|(r, ..)| r == "anonymity-without-reason"));
    assert!(!after.iter().any(|(r, ..)| r == "anonymity-without-reason"));
}

#[test]
fn audit_defaults_come_from_the_config_and_flags_win() {
    let dir = newsroom("[audit]\nformat = \"json\"\nfail-under = 95\n");
    let o = sourcing(dir.path(), &["audit", "article.txt"]);
    assert!(stdout(&o).trim_start().starts_with('{'), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(1), "scores below 95 fail");
    let o = sourcing(
        dir.path(),
        &[
            "audit",
            "--format",
            "text",
            "--fail-under",
            "10",
            "article.txt",
        ],
    );
    assert!(stdout(&o).starts_with("article.txt: score"));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn unknown_output_format_in_config_is_located() {
    let dir = newsroom("[audit]\nformat = \"jsno\"\n");
    let o = sourcing(dir.path(), &["audit", "article.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("sourcing.toml:2:10"), "{err}");
    assert!(err.contains("use one of: text, json"), "{err}");
}

#[test]
fn check_reports_every_problem() {
    let dir = newsroom(
        "packs = [\"rules/newsroom.toml\", \"rules/missing.toml\"]\ndisable = [\"weasel-reportedly\"]\n",
    );
    std::fs::write(
        dir.path().join("rules/broken.toml"),
        "[pack]\nid = \"broken\"\n[[rule]]\nid = \"a\"\ncategory = \"x\"\npattern = '(unclosed'\nmessage = \"m\"\n[[rule]]\nid = \"b\"\ncategory = \"x\"\npattern = '{nope}'\nmessage = \"m\"\n",
    )
    .unwrap();
    let o = sourcing(dir.path(), &["rules", "check", "rules/broken.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("rules/missing.toml"), "{err}");
    assert!(err.contains("error[a]: invalid regex"), "{err}");
    assert!(err.contains("error[b]: unknown lexicon `nope`"), "{err}");
    assert!(
        err.contains("error: 3 problems in rule packs or configuration"),
        "{err}"
    );
    // The good files alone pass.
    let o = sourcing(dir.path(), &["rules", "check", "--config", "/dev/null"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: "));
}

#[test]
fn list_filters_and_json() {
    let dir = newsroom("packs = [\"rules/newsroom.toml\"]\n");
    let o = sourcing(
        dir.path(),
        &[
            "rules",
            "list",
            "--format",
            "json",
            "--category",
            "paid-expert",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "sourcing/rules/v1");
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["id"], "paid-expert");
    assert_eq!(rules[0]["pack"], "newsroom");
    assert_eq!(rules[0]["weight"], 4.0);
    let o = sourcing(
        dir.path(),
        &["rules", "list", "--category", "anonymous-sorce"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `anonymous-source`?"));
}

/// `not_followed_by` is shown with its lexicons expanded, as `unless` is,
/// and with no anchor of the engine's (it has none).
#[test]
fn show_lists_not_followed_by() {
    let dir = tempfile::tempdir().unwrap();
    let o = sourcing(dir.path(), &["rules", "show", "named-office"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("right after the match"))
        .unwrap_or_else(|| panic!("no not_followed_by line in {out}"));
    assert!(line.contains("Not when `(?:(?:Mass|"), "{line}");
    assert!(!line.contains("`^"), "{line}");
    // `verb_not_followed_by`, read from the verb: the request after "asked".
    let line = out
        .lines()
        .find(|l| l.contains("from the match's last word on"))
        .unwrap_or_else(|| panic!("no verb_not_followed_by line in {out}"));
    assert!(line.contains("Not when `(?:asked"), "{line}");
}

#[test]
fn show_explains_a_rule_with_its_compiled_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let o = sourcing(dir.path(), &["rules", "show", "anonymous-subject"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for section in [
        "What it flags",
        "Why",
        "Pattern, as written",
        "Pattern, as compiled",
        "Message",
        "Advice",
        "Examples",
    ] {
        assert!(out.contains(&format!("\n{section}")), "{section} in {out}");
    }
    let written = out.split("Pattern, as written").nth(1).unwrap();
    let compiled = out.split("Pattern, as compiled").nth(1).unwrap();
    assert!(written.contains("{anon_np}"));
    assert!(
        !compiled
            .split("\nMessage")
            .next()
            .unwrap()
            .contains("{anon_np}")
    );
    let o = sourcing(dir.path(), &["rules", "show", "anonymous-subjet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `anonymous-subject`?"));
}

#[test]
fn builtin_packs_pass_rules_test() {
    let dir = tempfile::tempdir().unwrap();
    let o = sourcing(dir.path(), &["rules", "test"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let last = out.lines().last().unwrap();
    let passed: usize = last
        .strip_suffix(" passed, 0 failed")
        .unwrap()
        .parse()
        .unwrap();
    assert!(passed >= 60, "{last}");
}

#[test]
fn init_writes_a_working_starter_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let o = sourcing(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let config = std::fs::read_to_string(dir.path().join("sourcing.toml")).unwrap();
    assert!(
        config.lines().filter(|l| l.starts_with('#')).count() > 10,
        "commented"
    );
    // The starter files are valid and their examples pass.
    let o = sourcing(dir.path(), &["rules", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("sourcing.toml"));
    let o = sourcing(dir.path(), &["rules", "test", "rules/newsroom.toml"]);
    assert_eq!(stdout(&o), "2 passed, 0 failed\n");
    assert_eq!(stderr(&o), "", "the starter rule has both kinds of example");

    // One existing file is enough to refuse, and nothing is written.
    std::fs::remove_file(dir.path().join("sourcing.toml")).unwrap();
    std::fs::write(dir.path().join("rules/newsroom.toml"), "mine").unwrap();
    let o = sourcing(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"));
    assert!(!dir.path().join("sourcing.toml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("rules/newsroom.toml")).unwrap(),
        "mine"
    );

    let o = sourcing(dir.path(), &["init", "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_ne!(
        std::fs::read_to_string(dir.path().join("rules/newsroom.toml")).unwrap(),
        "mine"
    );
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .chain(std::fs::read_dir(dir.path().join("rules")).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}
