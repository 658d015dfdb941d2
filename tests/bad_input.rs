//! The README's bad-input table, row by row: each kind of bad input gets a
//! message naming the file (and line:column for rule files) and exit code 2,
//! while the good article of the same run is still audited.

use std::path::Path;
use std::process::Command;

fn sourcing(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn pack(rule: &str) -> Vec<u8> {
    format!(
        "[pack]\nid = \"desk\"\n\n[[rule]]\nid = \"r\"\ncategory = \"c\"\n{rule}\nmessage = \"m\"\n"
    )
    .into_bytes()
}

#[test]
fn every_row_of_the_bad_input_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "good.txt", b"The talks stalled, officials said.\n");
    std::fs::create_dir(dir.join("emptydir")).unwrap();
    write(dir, "empty.txt", b"");
    write(dir, "binary.txt", b"ab\0cd");
    write(dir, "latin1.txt", b"caf\xe9 said\n");
    write(dir, "big.txt", &[b'a'; 200]);
    write(dir, "nottoml.toml", b"not = [toml\n");
    write(dir, "unknown.toml", &pack("patern = \"a\""));
    write(dir, "regex.toml", &pack("pattern = \"a(\""));
    write(dir, "lexicon.toml", &pack("pattern = \"{nope}\""));
    write(
        dir,
        "dup.toml",
        b"[pack]\nid = \"desk\"\n\n[[rule]]\nid = \"anonymous-subject\"\ncategory = \"c\"\npattern = \"a\"\nmessage = \"m\"\n",
    );
    write(dir, "badconf.toml", b"disable = [\"anonymous-subjekt\"]\n");
    write(
        dir,
        "in.jsonl",
        b"{\"id\": 1, \"text\": \"Officials said so.\"}\nnot json\n{\"id\": 3}\n",
    );

    // (arguments, words the message must contain). Article errors leave the good
    // article audited; rule and config errors stop the run before any audit.
    let article_rows: &[(&[&str], &[&str])] = &[
        (&["missing.txt"], &["missing.txt", "no such file"]),
        (&["emptydir"], &["emptydir", "no articles"]),
        (&["empty.txt"], &["empty.txt", "empty"]),
        (&["binary.txt"], &["binary.txt", "binary"]),
        (
            &["latin1.txt"],
            &["latin1.txt", "not valid UTF-8", "offset 3"],
        ),
        (
            &["--max-bytes", "100", "big.txt"],
            &["big.txt", "over the limit", "--max-bytes"],
        ),
    ];
    for (args, words) in article_rows {
        let mut all = vec!["audit", "--format", "json"];
        all.extend_from_slice(args);
        all.push("good.txt");
        let (code, stdout, stderr) = sourcing(dir, &all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        for w in *words {
            assert!(stderr.contains(w), "{args:?}: {w:?} not in {stderr}");
        }
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(
            stdout.contains("good.txt"),
            "{args:?}: the good article is still audited"
        );
    }

    let rule_rows: &[(&[&str], &[&str])] = &[
        (&["--rules", "nottoml.toml"], &["nottoml.toml:1:"]),
        (
            &["--rules", "unknown.toml"],
            &["unknown.toml:7:1", "unknown key `patern`", "pattern"],
        ),
        (
            &["--rules", "regex.toml"],
            &["regex.toml:7:", "invalid regex", "unclosed group"],
        ),
        (
            &["--rules", "lexicon.toml"],
            &["lexicon.toml:7:", "unknown lexicon `nope`"],
        ),
        (
            &["--rules", "dup.toml"],
            &["dup.toml:5:", "duplicate rule id `anonymous-subject`"],
        ),
        (
            &["--config", "badconf.toml"],
            &["badconf.toml:1:", "anonymous-subjekt", "anonymous-subject"],
        ),
    ];
    for (args, words) in rule_rows {
        let mut all = vec!["audit"];
        all.extend_from_slice(args);
        all.push("good.txt");
        let (code, stdout, stderr) = sourcing(dir, &all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        for w in *words {
            assert!(stderr.contains(w), "{args:?}: {w:?} not in {stderr}");
        }
        assert!(
            stdout.is_empty(),
            "{args:?}: nothing audited with a broken pack"
        );
    }

    let (code, stdout, stderr) = sourcing(dir, &["audit", "--input", "jsonl", "in.jsonl"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("line 2: invalid JSON"), "{stderr}");
    assert!(stderr.contains("line 3: no `text` field"), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "one record per input line: {stdout}");
    assert!(lines[0].contains("\"report\""));
    assert!(lines[1].contains("\"line\":2") && lines[1].contains("\"error\""));
    assert!(lines[2].contains("\"line\":3") && lines[2].contains("\"id\":3"));
}
