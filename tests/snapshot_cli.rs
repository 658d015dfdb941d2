//! `sourcing snapshot` end to end: the built binary in temporary folders.

use std::path::{Path, PathBuf};
use std::process::Command;

const STORY: &str = "\
The ministry will cut the health budget by a fifth next year, officials said.

\"We have no other choice,\" said Maria Lopez, the finance minister, in a statement.

The health workers' union did not respond to requests for comment.
";

const OTHER: &str = "\
The council approved the new bridge on Tuesday, according to records released by the city.

Critics say the cost will double.
";

/// A pack that adds one rule: what a rule author would try against the reference set.
const EXTRA_PACK: &str = r#"
[pack]
id = "extra"
description = "Test pack: flags budget cuts"

[[rule]]
id = "budget-cut"
category = "vague-attribution"
severity = "warning"
weight = 5
phrases = ["cut the health budget"]
message = "Budget cut claim"
advice = "Check the figure against the budget document."
"#;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn sourcing(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sourcing");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// A temporary workspace with a small reference set:
/// `articles/politics/story one.txt` and `articles/other.txt`.
/// Write every article's snapshot, which must succeed.
fn update(root: &Path) -> Run {
    let run = sourcing(
        root,
        &["snapshot", "articles", "--dir", "snaps", "--update"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let articles = tmp.path().join("articles");
    std::fs::create_dir_all(articles.join("politics")).unwrap();
    std::fs::write(articles.join("politics/story one.txt"), STORY).unwrap();
    std::fs::write(articles.join("other.txt"), OTHER).unwrap();
    std::fs::write(tmp.path().join("extra.toml"), EXTRA_PACK).unwrap();
    tmp
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file under `dir`, recursively, relative to it.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

const SUMMARY_CLEAN: &str = "2 unchanged, 0 changed, 0 new, 0 missing";

#[test]
fn first_write_then_unchanged() {
    let ws = workspace();
    let root = ws.path();

    // Checking against a folder that does not exist yet: everything is new.
    let check = sourcing(root, &["snapshot", "articles", "--dir", "snaps"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check
            .stdout
            .contains("0 unchanged, 0 changed, 2 new, 0 missing")
    );
    assert!(!root.join("snaps").exists(), "a check never writes");

    update(root);
    assert_eq!(
        files_in(&root.join("snaps")),
        ["other.txt.snap", "politics__story_one.txt.snap"]
    );
    let stored = std::fs::read_to_string(root.join("snaps/politics__story_one.txt.snap")).unwrap();
    assert!(stored.starts_with(sourcing::snapshot::HEADER));
    assert!(stored.contains("article: politics/story one.txt\n"));
    assert!(stored.contains("\nscore: "));
    assert!(stored.contains("\ngrade: "));
    assert!(stored.contains("\nbreakdown:\n"));
    assert!(stored.contains("\nledger:\n"));
    assert!(stored.contains("Maria Lopez"));
    // A finding: line:column, rule id, category, and its sentence.
    assert!(
        stored.contains("[anonymous-source]"),
        "built-in rules flag 'officials said':\n{stored}"
    );
    assert!(stored.contains(
        "    sentence: The health workers' union did not respond to requests for comment.\n"
    ));
    assert!(stored.contains("\n  5:"), "findings carry line:column");
    // Nothing machine-specific.
    let tmp = root.to_string_lossy();
    assert!(!stored.contains(tmp.as_ref()), "no absolute paths");

    // The same run from elsewhere, with absolute paths, writes identical bytes.
    let again = sourcing(
        Path::new("/"),
        &[
            "snapshot",
            root.join("articles").to_str().unwrap(),
            "--dir",
            root.join("snaps").to_str().unwrap(),
        ],
    );
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.contains(SUMMARY_CLEAN), "{}", again.stdout);
    assert!(!again.stdout.contains("changed:"));
}

#[test]
fn changed_rules_show_the_difference() {
    let ws = workspace();
    let root = ws.path();
    update(root);
    let before = std::fs::read(root.join("snaps/politics__story_one.txt.snap")).unwrap();

    // A rule author adds a rule and checks it against the reference set.
    let check = sourcing(
        root,
        &[
            "snapshot",
            "articles",
            "--dir",
            "snaps",
            "--rules",
            "extra.toml",
        ],
    );
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stdout.contains("changed: politics/story one.txt"));
    assert!(check.stdout.contains("1 finding added:"));
    assert!(check.stdout.contains("+ 1:"));
    assert!(check.stdout.contains("budget-cut [vague-attribution]"));
    assert!(check.stdout.contains("(\u{2212}5)"), "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("1 unchanged, 1 changed, 0 new, 0 missing")
    );
    assert_eq!(
        std::fs::read(root.join("snaps/politics__story_one.txt.snap")).unwrap(),
        before,
        "a check never writes"
    );
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("snapshot-cli-changed", check.stdout);
    });

    // Without the built-in packs, the findings they made are reported removed.
    let bare = sourcing(
        root,
        &[
            "snapshot",
            "articles",
            "--dir",
            "snaps",
            "--no-default-rules",
            "--rules",
            "extra.toml",
        ],
    );
    assert_eq!(bare.code, 1, "{}", bare.stderr);
    assert!(
        bare.stdout
            .contains("0 unchanged, 2 changed, 0 new, 0 missing")
    );
    assert!(
        bare.stdout.contains("removed:"),
        "built-in findings disappear:\n{}",
        bare.stdout
    );
    assert!(bare.stdout.contains(
        "- 5:27 declined-comment [declined-comment]: The health workers' union did not respond to requests for comment."
    ), "{}", bare.stdout);
}

#[test]
fn update_accepts_a_change() {
    let ws = workspace();
    let root = ws.path();
    update(root);
    let with_extra = [
        "snapshot",
        "articles",
        "--dir",
        "snaps",
        "--rules",
        "extra.toml",
    ];
    let mut update = with_extra.to_vec();
    update.push("--update");
    let run = sourcing(root, &update);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("updated: wrote 1 snapshot\n"),
        "{}",
        run.stdout
    );
    let stored = std::fs::read_to_string(root.join("snaps/politics__story_one.txt.snap")).unwrap();
    assert!(stored.contains("budget-cut [vague-attribution]"));

    // Now the new rules are the reference, and the old ones are a change.
    let same = sourcing(root, &with_extra);
    assert_eq!(same.code, 0, "{}", same.stdout);
    assert!(same.stdout.contains(SUMMARY_CLEAN));
    let old = sourcing(root, &["snapshot", "articles", "--dir", "snaps"]);
    assert_eq!(old.code, 1);
    assert!(old.stdout.contains("1 finding removed:"));
    assert!(old.stdout.contains("(+5)"), "{}", old.stdout);
    // No temporary files are left behind.
    assert_eq!(
        files_in(&root.join("snaps")),
        ["other.txt.snap", "politics__story_one.txt.snap"]
    );
}

#[test]
fn new_and_missing_articles() {
    let ws = workspace();
    let root = ws.path();
    update(root);
    std::fs::remove_file(root.join("articles/other.txt")).unwrap();
    std::fs::write(root.join("articles/politics/third.md"), OTHER).unwrap();

    let check = sourcing(root, &["snapshot", "articles", "--dir", "snaps"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("new: politics/third.md (politics__third.md.snap)\n")
    );
    assert!(check.stdout.contains("missing: other.txt (other.txt.snap)"));
    assert!(
        check
            .stdout
            .contains("1 unchanged, 0 changed, 1 new, 1 missing")
    );

    // --update writes the new one and keeps the missing one without --prune.
    let update = sourcing(
        root,
        &["snapshot", "articles", "--dir", "snaps", "--update"],
    );
    assert_eq!(update.code, 0);
    assert_eq!(
        files_in(&root.join("snaps")),
        [
            "other.txt.snap",
            "politics__story_one.txt.snap",
            "politics__third.md.snap"
        ]
    );
    let again = sourcing(root, &["snapshot", "articles", "--dir", "snaps"]);
    assert!(
        again
            .stdout
            .contains("2 unchanged, 0 changed, 0 new, 1 missing"),
        "{}",
        again.stdout
    );
    assert_eq!(again.code, 1, "a missing article is not clean");
}

#[test]
fn prune_removes_only_snapshots_of_deleted_articles() {
    let ws = workspace();
    let root = ws.path();
    std::fs::write(root.join("articles/gone.txt"), OTHER).unwrap();
    update(root);
    // Not ours: a .snap file without our header is never touched.
    std::fs::write(root.join("snaps/foreign.snap"), "someone else's file\n").unwrap();
    std::fs::remove_file(root.join("articles/gone.txt")).unwrap();

    // --prune only makes sense with --update: a usage error.
    let bad = sourcing(root, &["snapshot", "articles", "--dir", "snaps", "--prune"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--update"), "{}", bad.stderr);
    assert!(root.join("snaps/gone.txt.snap").exists());

    // Run on one subfolder's neighbour only: other.txt is "missing" from the
    // inputs, but its article still exists, so prune keeps it.
    let run = sourcing(
        root,
        &[
            "snapshot",
            "articles/politics",
            "articles/other.txt",
            "--dir",
            "snaps",
            "--update",
            "--prune",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("pruned: deleted 1 snapshot\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        files_in(&root.join("snaps")),
        [
            "foreign.snap",
            "other.txt.snap",
            "politics__story_one.txt.snap"
        ]
    );

    std::fs::write(root.join("articles/later.txt"), OTHER).unwrap();
    let subset = sourcing(
        root,
        &[
            "snapshot",
            "articles/politics",
            "articles/later.txt",
            "--dir",
            "snaps",
            "--update",
            "--prune",
        ],
    );
    assert_eq!(subset.code, 0, "{}", subset.stderr);
    assert!(
        subset
            .stdout
            .contains("kept other.txt.snap: its article still exists"),
        "{}",
        subset.stdout
    );
    assert!(root.join("snaps/other.txt.snap").exists());
}

#[test]
fn names_never_escape_the_snapshot_folder() {
    let ws = workspace();
    let root = ws.path();
    let deep = root.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    // Names that would be paths elsewhere: backslashes, dots, quotes, colons.
    std::fs::write(root.join("articles/..\\..\\evil.txt"), OTHER).unwrap();
    std::fs::write(root.join("articles/.hidden: \"x\".txt"), STORY).unwrap();
    let before = tree(root);

    // Inputs through `..` components and an absolute path, from a nested folder.
    let abs = root.join("articles/other.txt");
    let run = sourcing(
        &deep,
        &[
            "snapshot",
            "../../articles/politics/../politics",
            "../../articles/..\\..\\evil.txt",
            "../../articles/.hidden: \"x\".txt",
            abs.to_str().unwrap(),
            "--dir",
            "../../snaps",
            "--update",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let after = tree(root);
    let created: Vec<&PathBuf> = after.iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(created.len(), 4, "{created:?}");
    for p in &created {
        assert_eq!(p.parent(), Some(Path::new("snaps")), "{p:?} escaped");
        let name = p.file_name().unwrap().to_string_lossy();
        assert!(!name.starts_with('.'), "{name}");
        assert!(name.ends_with(".snap"));
    }
    assert_eq!(
        files_in(&root.join("snaps")),
        [
            "________evil.txt.snap",
            "_hidden___x_.txt.snap",
            "other.txt.snap",
            "politics__story_one.txt.snap",
        ]
    );
    let stored = std::fs::read_to_string(root.join("snaps/other.txt.snap")).unwrap();
    assert!(
        stored.contains("article: other.txt\n"),
        "relative to the common root"
    );

    // A snapshot edited to claim an article outside the root: prune deletes the
    // snapshot (its article is not there) and touches nothing outside DIR.
    let outside = root.join("outside.txt");
    std::fs::write(&outside, OTHER).unwrap();
    let forged = std::fs::read_to_string(root.join("snaps/other.txt.snap"))
        .unwrap()
        .replace("article: other.txt", "article: ../outside.txt");
    std::fs::write(root.join("snaps/forged.snap"), forged).unwrap();
    let prune = sourcing(
        root,
        &[
            "snapshot", "articles", "--dir", "snaps", "--update", "--prune",
        ],
    );
    assert_eq!(prune.code, 0, "{}", prune.stderr);
    assert!(!root.join("snaps/forged.snap").exists());
    assert!(outside.exists());
}

#[test]
fn unwritable_dir_is_a_clear_error_and_loses_nothing() {
    let ws = workspace();
    let root = ws.path();
    // Permissions do not stop root (tests may run as root); a regular file
    // where the folder should be stops everyone.
    std::fs::write(root.join("snaps"), "precious\n").unwrap();
    for extra in [&[][..], &["--update"][..], &["--update", "--prune"][..]] {
        let mut args = vec!["snapshot", "articles", "--dir", "snaps"];
        args.extend_from_slice(extra);
        let run = sourcing(root, &args);
        assert_eq!(run.code, 2, "{extra:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("snaps: is not a folder"),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(root.join("snaps")).unwrap(),
        "precious\n"
    );

    // A folder under a regular file cannot be created.
    let run = sourcing(
        root,
        &["snapshot", "articles", "--dir", "snaps/inner", "--update"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("snaps/inner"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(root.join("snaps")).unwrap(),
        "precious\n"
    );
}

#[test]
fn a_broken_article_keeps_its_snapshot() {
    let ws = workspace();
    let root = ws.path();
    update(root);
    let before = std::fs::read(root.join("snaps/other.txt.snap")).unwrap();
    std::fs::write(root.join("articles/other.txt"), b"bad\0bytes").unwrap();
    let run = sourcing(
        root,
        &[
            "snapshot", "articles", "--dir", "snaps", "--update", "--prune",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("other.txt: looks like a binary file"));
    assert!(
        run.stdout
            .contains("1 unchanged, 0 changed, 0 new, 0 missing"),
        "a failed input is not missing: {}",
        run.stdout
    );
    assert_eq!(
        std::fs::read(root.join("snaps/other.txt.snap")).unwrap(),
        before
    );
}

#[test]
fn an_article_named_twice_counts_once_and_collisions_are_errors() {
    let ws = workspace();
    let root = ws.path();
    let run = sourcing(
        root,
        &[
            "snapshot",
            "articles",
            "articles/other.txt",
            "--dir",
            "snaps",
            "--update",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2 new"), "{}", run.stdout);

    // Two different articles whose names sanitize to the same snapshot file.
    std::fs::write(root.join("articles/a b.txt"), OTHER).unwrap();
    std::fs::write(root.join("articles/a_b.txt"), OTHER).unwrap();
    let clash = sourcing(
        root,
        &["snapshot", "articles", "--dir", "snaps", "--update"],
    );
    assert_eq!(clash.code, 2);
    assert!(
        clash
            .stderr
            .contains("a_b.txt: its snapshot name a_b.txt.snap is already used by a b.txt"),
        "{}",
        clash.stderr
    );
}

#[test]
fn standard_input_is_refused() {
    let ws = workspace();
    let run = sourcing(ws.path(), &["snapshot", "-", "--dir", "snaps"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("standard input"), "{}", run.stderr);
}
