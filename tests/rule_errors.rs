//! Every kind of mistake a rule author can make is pointed out rustc-style:
//! file:line:column, the offending line, a caret under the value and a help
//! line. Each message is snapshotted in the top-level `snapshots/` folder.

use std::process::Command;

use sourcing::Auditor;
use sourcing::config::Config;
use sourcing::rules::{PackSource, RuleError, builtin_sources};

fn pack(path: &str, text: &str) -> PackSource {
    PackSource {
        path: path.into(),
        text: text.into(),
    }
}

/// Load the built-in packs plus `extra`; render every error.
fn errors_with_builtins(extra: &[PackSource]) -> String {
    let mut sources = builtin_sources();
    sources.extend_from_slice(extra);
    render(Auditor::from_sources(&sources).expect_err("the pack is broken"))
}

/// Load the built-in packs plus `text` as `rules/newsroom.toml`; the errors
/// must say `message` at `place` (file:line:column). Returns them rendered.
fn located(text: &str, message: &str, place: &str) -> String {
    let out = errors_with_builtins(&[pack("rules/newsroom.toml", text)]);
    assert!(out.contains(message), "{out}");
    assert!(out.contains(place), "{out}");
    out
}

fn render(errors: Vec<RuleError>) -> String {
    errors
        .iter()
        .map(RuleError::render)
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

const HEAD: &str = "[pack]\nid = \"newsroom\"\n\n";

#[test]
fn toml_syntax_error() {
    let text = format!("{HEAD}[[rule]\nid = \"kremlin-insider\"\n");
    let out = errors_with_builtins(&[pack("rules/newsroom.toml", &text)]);
    assert!(out.contains("rules/newsroom.toml:4:"), "{out}");
    snap!("error-toml-syntax", out);
}

#[test]
fn unknown_key_suggests_nearest() {
    let text = format!(
        "{HEAD}[[rule]]\nid = \"kremlin-insider\"\ncategory = \"anonymous-source\"\npatern = '(?i)close to the Kremlin'\nmessage = \"m\"\n"
    );
    let out = errors_with_builtins(&[pack("rules/newsroom.toml", &text)]);
    assert!(out.contains("did you mean `pattern`?"), "{out}");
    snap!("error-unknown-key", out);
}

#[test]
fn unknown_config_key_suggests_nearest() {
    let err = Config::parse(pack(
        "sourcing.toml",
        "disabled = [\"weasel-reportedly\"]\n",
    ))
    .expect_err("unknown key");
    assert!(err.render().contains("did you mean `disable`?"));
    snap!("error-config-unknown-key", err.render());
}

#[test]
fn wrong_value_type() {
    let text = format!(
        "{HEAD}[[rule]]\nid = \"kremlin-insider\"\ncategory = \"anonymous-source\"\nweight = \"six\"\npattern = '(?i)close to the Kremlin'\nmessage = \"m\"\n"
    );
    let out = errors_with_builtins(&[pack("rules/newsroom.toml", &text)]);
    assert!(out.contains("rules/newsroom.toml:7:10"), "{out}");
    snap!("error-wrong-type", out);
}

/// A pack with one rule, `kremlin-insider`, whose remaining lines are `rest`
/// (the pattern on the pack's line 7).
fn kremlin_rule(rest: &str) -> String {
    format!(
        "{HEAD}[[rule]]\nid = \"kremlin-insider\"\ncategory = \"anonymous-source\"\n{rest}message = \"m\"\n"
    )
}

#[test]
fn invalid_regex_is_located_at_the_pattern() {
    let text = kremlin_rule("pattern = '(?i)(?P<source>person close to the Kremlin'\n");
    let out = located(&text, "unclosed group", "rules/newsroom.toml:7:11");
    snap!("error-invalid-regex", out);
}

/// A wrong `not_followed_by` is reported while loading, at its entry, like
/// any other pattern (it is checked there, then searched anchored).
#[test]
fn invalid_not_followed_by_is_located_at_its_entry() {
    let text = kremlin_rule(
        "pattern = '(?P<source>Kremlin)\\s+said'\nnot_followed_by = ['Mass', '(?:her\\s+title']\nsource = { group = \"source\", kind = \"anonymous\" }\n",
    );
    located(&text, "unclosed group", "rules/newsroom.toml:8:28");
}

/// So are `unless`, `near` and `source.reject`, which the audit compiles
/// only on first use: a pack that loads never fails later in a run.
#[test]
fn invalid_conditions_are_located_at_their_entries() {
    let rule = |condition: &str| {
        kremlin_rule(&format!(
            "pattern = '(?P<source>Kremlin)\\s+said'\n{condition}\nsource = {{ group = \"source\", kind = \"anonymous\" }}\n"
        ))
    };
    located(
        &rule("unless = ['Mass', 'ties)']"),
        "unopened group",
        "rules/newsroom.toml:8:19",
    );
    located(
        &rule("near = { pattern = '[a-', within = 3 }"),
        "unclosed character class",
        "rules/newsroom.toml:8:",
    );
    let reject = kremlin_rule(
        "pattern = '(?P<source>Kremlin)\\s+said'\nsource = { group = \"source\", kind = \"anonymous\", reject = '\\w{5000}' }\n",
    );
    located(&reject, "compiles to more than", "rules/newsroom.toml:8:");
}

#[test]
fn a_numbered_source_group_beyond_nine_is_pointed_out() {
    let text = kremlin_rule(
        "pattern = '(?P<source>insiders) said|(?P<source10>aides) said'\nsource = { group = \"source\", kind = \"anonymous\" }\n",
    );
    let out = located(
        &text,
        "`source10` is never read",
        "rules/newsroom.toml:7:11",
    );
    snap!("error-unread-source-group", out);
    // source2 … source9 are read, and pass.
    let ok = text.replace("source10", "source9");
    let mut sources = builtin_sources();
    sources.push(pack("rules/newsroom.toml", &ok));
    assert!(Auditor::from_sources(&sources).is_ok());
}

#[test]
fn unknown_lexicon_suggests_nearest() {
    let text = format!(
        "{HEAD}[[rule]]\nid = \"kremlin-insider\"\ncategory = \"anonymous-source\"\npattern = '(?i)close to the Kremlin,? {{speach}}'\nmessage = \"m\"\n"
    );
    let out = errors_with_builtins(&[pack("rules/newsroom.toml", &text)]);
    assert!(out.contains("did you mean `{speech}`?"), "{out}");
    snap!("error-unknown-lexicon", out);
}

/// A regex repetition such as `{2,3}` beside lexicon references is regex, not a
/// lexicon: the pack loads and the rule matches.
#[test]
fn literal_quantifier_next_to_lexicon_keeps_working() {
    let text = format!(
        "{HEAD}[lexicon]\nhead = ['officials?', 'diplomats?']\n\n[[rule]]\nid = \"counted-officials\"\ncategory = \"anonymous-source\"\npattern = '\\b\\d{{2,3}} {{head}} {{speech}}'\nmessage = \"{{match}}\"\n[[rule.example]]\ntext = \"Some 120 diplomats said the talks failed.\"\nexpect = 1\n[[rule.example]]\ntext = \"Some 1200 diplomats said the talks failed.\"\nexpect = 0\n"
    );
    let mut sources = builtin_sources();
    sources.push(pack("rules/newsroom.toml", &text));
    let auditor = Auditor::from_sources(&sources).expect("a quantifier is not a lexicon");
    let rule = auditor.rules.rule("counted-officials").unwrap();
    assert!(
        rule.pattern_compiled
            .starts_with(r"\b\d{2,3} (?:officials?|diplomats?) (?:said|")
    );
    let outcomes = sourcing::examples::run_where(&auditor, &|id, _| id == "counted-officials");
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.iter().all(|o| o.passed()), "{outcomes:#?}");
    snap!(
        "quantifier-next-to-lexicon",
        format!(
            "written:  {}\ncompiled prefix: {}",
            rule.pattern_source,
            &rule.pattern_compiled[..60]
        )
    );
}

#[test]
fn duplicate_rule_id_across_packs() {
    let text = format!(
        "{HEAD}[[rule]]\nid = \"anonymous-subject\"\ncategory = \"anonymous-source\"\nphrases = ['close to the Kremlin']\nmessage = \"m\"\n"
    );
    let out = errors_with_builtins(&[pack("rules/newsroom.toml", &text)]);
    assert!(
        out.contains("already defined in <built-in>/core.toml"),
        "{out}"
    );
    snap!("error-duplicate-rule-id", out);
}

#[test]
fn override_or_disable_of_unknown_rule_suggests_nearest() {
    let config = Config::parse(pack(
        "sourcing.toml",
        "disable = [\"weasel-reportedy\", \"state-medai\"]\n\n[override.anonymous-subjct]\nweight = 6\n",
    ))
    .unwrap();
    let mut auditor = Auditor::builtin().unwrap();
    let errors = config.apply(&mut auditor.rules);
    assert_eq!(errors.len(), 3);
    let out = render(errors);
    for want in [
        "`anonymous-subject`?",
        "`weasel-reportedly`?",
        "`state-media`?",
    ] {
        assert!(out.contains(want), "{want} in {out}");
    }
    snap!("error-unknown-override-or-disable", out);
}

#[test]
fn document_rule_unknown_variable() {
    let text = format!(
        "{HEAD}[[document_rule]]\nid = \"too-many-insiders\"\nwhen = \"anonymous_source > 3\"\nmessage = \"m\"\n"
    );
    let out = errors_with_builtins(&[pack("rules/newsroom.toml", &text)]);
    assert!(out.contains("rules/newsroom.toml:6:9"), "{out}");
    snap!("error-document-rule-unknown-variable", out);
}

/// `sourcing rules test` on a pack whose example fails: the failure names the
/// rule, points at the example, says what happened; the run ends with the count.
#[test]
fn failing_example_from_rules_test() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEAD}[[rule]]\nid = \"kremlin-insider\"\ncategory = \"anonymous-source\"\nseverity = \"warning\"\nweight = 4\npattern = '(?i)\\ba person close to the Kremlin\\b'\nmessage = \"Unnamed source close to the Kremlin\"\n\n[[rule.example]]\ntext = \"A person close to the Kremlin said the talks had stalled.\"\nexpect = 1\n\n[[rule.example]]\ntext = \"Two people close to the Kremlin said the talks had stalled.\"\nexpect = 1\n"
    );
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/newsroom.toml"), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .args(["rules", "test", "rules/newsroom.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
    snap!("error-failing-example", stdout);
}
