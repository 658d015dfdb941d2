//! JSON Lines streaming and ordered parallel output, tested through the binary.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use sourcing::Auditor;
use sourcing::input::{Document, Format};

fn sourcing() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sourcing"))
}

/// Start `sourcing audit ARGS` in `dir`, its standard streams piped.
fn spawn_audit(args: &[&str], dir: &std::path::Path) -> std::process::Child {
    sourcing()
        .current_dir(dir)
        .arg("audit")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs")
}

/// Run `sourcing audit ARGS` with `input` on stdin; returns stdout lines and the exit code.
fn run(args: &[&str], input: &str) -> (Vec<String>, i32) {
    let mut child = spawn_audit(args, std::path::Path::new("."));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        stdout.lines().map(String::from).collect(),
        out.status.code().unwrap_or(-1),
    )
}

fn article(i: usize) -> String {
    // Lengths vary a lot so that, on several threads, later records often
    // finish before earlier ones.
    let para = "The talks had stalled, the officials said. Hua Chunying, a Foreign Ministry \
                spokeswoman, said the meeting went well. The embassy did not respond to a \
                request for comment.";
    vec![para; 1 + (i * 7) % 23].join("\n\n")
}

#[test]
fn reports_come_back_in_input_order_with_fields_passed_through() {
    let records: Vec<Value> = (0..60)
        .map(|i| json!({"id": format!("doc-{i}"), "n": i, "meta": {"tags": ["a", i]}, "text": article(i)}))
        .collect();
    let input: String = records.iter().map(|r| format!("{r}\n")).collect();
    let (lines, code) = run(&["--input", "jsonl", "--jobs", "2", "-"], &input);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), records.len());
    let auditor = Auditor::builtin().unwrap();
    for (i, line) in lines.iter().enumerate() {
        let out: Value = serde_json::from_str(line).expect("each output line is JSON");
        assert_eq!(out["id"], format!("doc-{i}"), "order kept");
        assert_eq!(out["n"], i, "number passed through");
        assert_eq!(
            out["meta"],
            json!({"tags": ["a", i]}),
            "object passed through"
        );
        assert!(out.get("text").is_none(), "the article text is not echoed");
        // The report is the real audit of that record's text.
        let doc = Document::from_text(format!("doc-{i}"), article(i), Format::Text);
        let expected = serde_json::to_value(auditor.audit(&doc)).unwrap();
        assert_eq!(out["report"], expected);
    }
}

#[test]
fn bad_lines_become_error_records_and_the_stream_goes_on() {
    let input = [
        r#"{"id": "ok-1", "text": "The talks stalled, officials said."}"#,
        r#"{"id": "broken", "text": "unterminated"#,
        r#"{"id": "no-text", "body": "The officials said so."}"#,
        "",
        r#"{"id": 42, "text": ["not", "a", "string"]}"#,
        r#"[1, 2, 3]"#,
        r#"{"id": "ok-2", "text": "Critics say the plan failed."}"#,
    ]
    .join("\n");
    let (lines, code) = run(&["--input", "jsonl", "-"], &input);
    assert_eq!(code, 2, "bad input lines make the run exit 2");
    let out: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 6, "one record per non-blank line: {lines:?}");
    assert_eq!(out[0]["id"], "ok-1");
    assert!(!out[0]["report"]["findings"].as_array().unwrap().is_empty());
    let errors: Vec<(u64, String)> = out[1..5]
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors.iter().map(|e| e.0).collect::<Vec<_>>(),
        [2, 3, 5, 6],
        "line numbers count blank lines"
    );
    assert!(errors[0].1.contains("invalid JSON"), "{}", errors[0].1);
    assert!(errors[1].1.contains("no `text`"), "{}", errors[1].1);
    assert!(errors[2].1.contains("must be a string"), "{}", errors[2].1);
    assert!(errors[3].1.contains("not an object"), "{}", errors[3].1);
    assert_eq!(out[2]["id"], "no-text", "the id of a bad record is kept");
    assert_eq!(out[3]["id"], 42);
    assert!(out[1].get("report").is_none());
    assert_eq!(out[5]["id"], "ok-2");
    assert!(out[5]["report"].is_object());
}

/// Standard error names a bad record's line once, and its id when it has one.
#[test]
fn a_bad_record_is_named_once_on_standard_error() {
    let mut child = spawn_audit(&["--input", "jsonl", "-"], std::path::Path::new("."));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"text\": \"\"}\n{\"id\": \"a\", \"text\": \"\"}\n{\"id\": \"b\"}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].starts_with("error: line 1: file is empty"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("error: line 2: a: file is empty"),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with("error: line 3: no `text` field"),
        "{stderr}"
    );
}

#[test]
fn jsonl_output_streams_before_the_input_ends() {
    let mut child = sourcing()
        .args(["audit", "--input", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    writeln!(
        stdin,
        r#"{{"id": "first", "text": "The officials said so."}}"#
    )
    .unwrap();
    stdin.flush().unwrap();
    // Stdin stays open: the first report must arrive anyway.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        let _ = tx.send((line, reader));
    });
    let got = rx.recv_timeout(Duration::from_secs(120));
    drop(stdin);
    let _ = child.wait();
    let (line, _) = got.expect("a report before the input was closed");
    let out: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(out["id"], "first");
}

#[test]
fn parallel_json_run_equals_the_library_render_in_input_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = sourcing()
        .args(["audit", "--format", "json", "--jobs", "2"])
        .arg(&dir)
        .arg(dir.join("does-not-exist.txt"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing file is an input error"
    );
    let auditor = Auditor::builtin().unwrap();
    // The same files the command finds (sub-folders and HTML included), in its order.
    let files: Vec<_> = sourcing::input::expand_paths(std::slice::from_ref(&dir))
        .into_iter()
        .map(|p| p.unwrap())
        .collect();
    let reports: Vec<_> = files
        .iter()
        .map(|p| {
            let d = sourcing::input::read_file(p, sourcing::input::DEFAULT_MAX_BYTES).unwrap();
            auditor.audit(&d)
        })
        .collect();
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: Value =
        serde_json::from_str(&sourcing::report::json::render(&reports, &[])).unwrap();
    assert_eq!(printed["reports"], expected["reports"]);
    assert_eq!(printed["errors"].as_array().unwrap().len(), 1);
    assert_eq!(printed["summary"]["audited"], reports.len());
    assert_eq!(printed["summary"]["failed"], 1);
}

/// Batching is invisible: the JSON run over the fixtures (files, a missing one,
/// HTML and Markdown) is the same byte for byte whatever the batch size, from one
/// article at a time to all at once, and an absurd size is clamped, not trusted.
#[test]
fn batch_size_never_changes_the_output() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let run = |batch: Option<&str>| {
        let mut cmd = sourcing();
        cmd.args(["audit", "--no-config", "--format", "json", "--jobs", "2"])
            .arg(&dir)
            .arg(dir.join("does-not-exist.txt"));
        if let Some(b) = batch {
            cmd.env("SOURCING_BATCH", b);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "a missing file is an input error"
        );
        out.stdout
    };
    let default = run(None);
    assert!(default.len() > 10_000);
    for batch in ["1", "3", "0", "18446744073709551615", "not a number"] {
        assert!(
            run(Some(batch)) == default,
            "SOURCING_BATCH={batch} changed the output"
        );
    }
}

#[test]
fn jsonl_into_output_file_equals_standard_output_and_never_overwrites_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let input: String = (0..20)
        .map(|i| format!("{}\n", json!({"id": i, "text": article(i)})))
        .chain(["not json\n".to_string()])
        .collect();
    let records = tmp.path().join("articles.jsonl");
    std::fs::write(&records, &input).unwrap();
    let (lines, code) = run(&["--input", "jsonl", "-"], &input);
    assert_eq!(code, 2, "the bad line is an input error");
    // `audit --input jsonl --output OUT RECORDS`.
    let into = |out: &std::path::Path| {
        sourcing()
            .args(["audit", "--input", "jsonl", "--output"])
            .arg(out)
            .arg(&records)
            .output()
            .unwrap()
    };
    let out = tmp.path().join("reports.jsonl");
    std::fs::write(&out, "the old reports").unwrap();
    let o = into(&out);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "nothing on standard output");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().collect::<Vec<_>>(), lines);
    assert_eq!(
        written.lines().count(),
        21,
        "one line per record, error included"
    );
    // The records file itself, under another name: refused before writing.
    let link = tmp.path().join("link.jsonl");
    std::fs::hard_link(&records, &link).unwrap();
    let o = into(&link);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("also an input"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&records).unwrap(), input);
}

#[test]
fn a_config_that_disables_rules_does_not_stall_a_stream() {
    // A config with `disable` drops the matcher built while loading. It used
    // to be built again inside the first batch, with a once-lock held while
    // the build ran on the thread pool; a worker waiting there took up the
    // next batch, which asked for the matcher too, and the run hung. Records
    // that arrive over time are what made the batches interleave.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sourcing.toml"),
        "disable = ['state-media']\n",
    )
    .unwrap();
    let mut child = spawn_audit(&["--input", "jsonl", "--jobs", "8", "-"], dir.path());
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for i in 0..40 {
            let record = json!({"id": format!("d{i}"), "text": article(i % 3)});
            if writeln!(stdin, "{record}")
                .and_then(|()| stdin.flush())
                .is_err()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis([0, 1, 5, 20][i % 4]));
        }
    });
    // Drained, so that the run never waits on a full pipe of warnings.
    let mut stderr = child.stderr.take().unwrap();
    let drain = std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("the run did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    feeder.join().unwrap();
    drain.join().unwrap().unwrap();
    let lines = reader.join().unwrap();
    assert!(status.success(), "{status}");
    let ids: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].to_string())
        .collect();
    let expected: Vec<String> = (0..40).map(|i| format!("\"d{i}\"")).collect();
    assert_eq!(ids, expected);
}
