//! The `audit` command's output options, run as a real process: colour and
//! NO_COLOR (under a pseudo-terminal from util-linux `script`), terminal width,
//! --quiet, --output (atomic, never over an input), the progress bar's silence
//! off a terminal (and its drawing on one), and every --format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sourcing");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const SEED: &str = "000-nyt-china-russia-intel.txt";
const WIDE: &str = "001-north-korea-quasi-state-of-war.txt";

fn audit(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("audit")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("sourcing runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Run a shell command line under a pseudo-terminal; None where `script` is missing.
fn on_terminal(cmdline: &str, no_color: bool) -> Option<String> {
    let mut cmd = Command::new("script");
    cmd.args(["-qec", cmdline, "/dev/null"])
        .env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    match cmd.output() {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Err(e) => {
            eprintln!("note: skipping terminal check, cannot run `script`: {e}");
            None
        }
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_without_no_color() {
    let seed = fixture(SEED);
    let seed = seed.to_str().unwrap();
    assert!(stdout(&audit(&["--color", "always", seed])).contains("\x1b["));
    assert!(!stdout(&audit(&["--color", "never", seed])).contains("\x1b["));
    // stdout is a pipe here: auto means plain.
    assert!(!stdout(&audit(&["--color", "auto", seed])).contains("\x1b["));

    let line = format!("{BIN} audit --color auto {seed}");
    if let Some(tty) = on_terminal(&line, false) {
        assert!(tty.contains("\x1b["), "auto colours on a terminal:\n{tty}");
        let plain = on_terminal(&line, true).unwrap();
        assert!(plain.contains("score 57/100"), "{plain}");
        assert!(
            !plain.contains("\x1b["),
            "NO_COLOR must turn colour off:\n{plain}"
        );
    }
}

#[test]
fn diagnostics_fit_the_terminal_width() {
    let wide = fixture(WIDE);
    let line = format!(
        "stty rows 40 cols 60; {BIN} audit --color never {}",
        wide.display()
    );
    let Some(tty) = on_terminal(&line, false) else {
        return;
    };
    let source_lines: Vec<&str> = tty
        .lines()
        .filter(|l| {
            l.trim_start()
                .split(" |")
                .next()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .collect();
    assert!(!source_lines.is_empty(), "{tty}");
    assert!(
        source_lines.iter().any(|l| l.contains("...")),
        "long lines are shortened:\n{tty}"
    );
    for l in source_lines {
        assert!(
            l.trim_end().chars().count() <= 60,
            "wider than 60 columns: {l:?}"
        );
    }
    // Off a terminal the width is fixed, so pipes and files are reproducible.
    let piped = stdout(&audit(&[wide.to_str().unwrap()]));
    assert!(
        piped
            .lines()
            .any(|l| l.chars().count() > 60 && l.contains(" | "))
    );
}

#[test]
fn quiet_prints_one_line_per_file() {
    let files = [
        fixture(SEED),
        fixture(WIDE),
        fixture("003-uk-asylum-questionnaire.txt"),
    ];
    let args: Vec<&str> = std::iter::once("--quiet")
        .chain(files.iter().map(|f| f.to_str().unwrap()))
        .collect();
    let o = audit(&args);
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for (line, f) in lines.iter().zip(&files) {
        assert!(
            line.starts_with(&format!("{}: score ", f.display())),
            "{line}"
        );
        assert!(line.contains("grade"));
    }
}

#[test]
fn progress_bar_is_silent_off_a_terminal() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let o = audit(&["--quiet", dir.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(
        o.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn output_is_written_atomically_and_never_over_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let article = tmp.path().join("a.txt");
    std::fs::copy(fixture(SEED), &article).unwrap();
    let a = article.to_str().unwrap();

    let report = tmp.path().join("report.md");
    let o = audit(&[
        "--format",
        "markdown",
        "--output",
        report.to_str().unwrap(),
        a,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.stdout.is_empty(),
        "the report goes to the file, not stdout"
    );
    let written = std::fs::read_to_string(&report).unwrap();
    assert_eq!(written, stdout(&audit(&["--format", "markdown", a])));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "a report is an ordinary readable file");
    }
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left behind: {names:?}");

    // The input itself, under another spelling, and via its directory: refused.
    let before = std::fs::read(&article).unwrap();
    let respelled = tmp.path().join(".").join("a.txt");
    for (args, name) in [
        (vec![a], respelled.to_str().unwrap()),
        (vec![tmp.path().to_str().unwrap()], a),
    ] {
        let mut full = vec!["--format", "html", "--output", name];
        full.extend(args);
        let o = audit(&full);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("also an input"), "{err}");
        assert_eq!(
            std::fs::read(&article).unwrap(),
            before,
            "the article is untouched"
        );
    }
}

#[test]
fn streamed_output_file_holds_what_standard_output_prints() {
    // Text and JSON are streamed into --output as the run goes (through a
    // temporary file renamed at the end): the file must hold exactly what
    // standard output gets, summary and all.
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("");
    let dir = dir.to_str().unwrap();
    for format in ["json", "text"] {
        let report = tmp.path().join(format!("report.{format}"));
        let o = audit(&[
            "--no-config",
            "--format",
            format,
            "--output",
            report.to_str().unwrap(),
            dir,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty());
        let printed = audit(&["--no-config", "--format", format, dir]);
        assert_eq!(
            std::fs::read_to_string(&report).unwrap(),
            stdout(&printed),
            "{format}"
        );
    }
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert_eq!(names.len(), 2, "no temporary file left behind");
}

/// A JSON audit of `input` into `output` that must be refused (exit 2, nothing
/// on standard output): its error message.
fn refused(output: &Path, input: &Path) -> String {
    let o = audit(&[
        "--format",
        "json",
        "--output",
        output.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn output_refused_before_the_run_when_it_is_an_input_or_cannot_be_written() {
    let tmp = tempfile::tempdir().unwrap();
    let article = tmp.path().join("a.txt");
    std::fs::copy(fixture(SEED), &article).unwrap();
    let before = std::fs::read(&article).unwrap();
    // A hard link is the same file under another name.
    let link = tmp.path().join("link.json");
    std::fs::hard_link(&article, &link).unwrap();
    let err = refused(&link, tmp.path());
    assert!(err.contains("also an input"), "{err}");
    assert_eq!(std::fs::read(&article).unwrap(), before);
    // A folder that does not exist: said at once, naming the file.
    let err = refused(&tmp.path().join("no-such-dir/report.json"), &article);
    assert!(
        err.contains("cannot write") && err.contains("report.json"),
        "{err}"
    );
    // A folder: the rename would fail only after the run; said at once.
    let err = refused(tmp.path(), &article);
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn every_format_renders_from_the_command_line() {
    let seed = fixture(SEED);
    let seed = seed.to_str().unwrap();
    for (format, marker) in [
        ("text", "score 57/100"),
        ("json", "\"sourcing/audit/v1\""),
        ("markdown", "| Score | Grade |"),
        ("sarif", "\"version\": \"2.1.0\""),
        ("github", "::warning file="),
        ("html", "<!DOCTYPE html>"),
    ] {
        let o = audit(&["--format", format, seed]);
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            stdout(&o).contains(marker),
            "{format} output lacks {marker:?}"
        );
    }
}

#[test]
fn progress_bar_draws_on_a_terminal() {
    let files = [
        fixture(SEED),
        fixture(WIDE),
        fixture("003-uk-asylum-questionnaire.txt"),
    ];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    // Only standard error reaches the terminal's capture.
    let line = format!(
        "stty rows 40 cols 100; {BIN} audit --quiet {} 2>&1 >/dev/null",
        names.join(" ")
    );
    if let Some(tty) = on_terminal(&line, false) {
        assert!(
            tty.contains("auditing"),
            "no progress bar on a terminal:\n{tty:?}"
        );
    }
}

/// A run blocked on a named pipe, so that it stays in progress with its
/// temporary `--output` file open until a signal comes; killed when dropped.
#[cfg(unix)]
struct BlockedRun {
    child: std::process::Child,
    dir: tempfile::TempDir,
    out: std::path::PathBuf,
}

#[cfg(unix)]
impl BlockedRun {
    /// `None` where `mkfifo` is missing. `wrapper` runs the binary through
    /// another command (such as `nohup`).
    fn start(wrapper: &[&str]) -> Option<BlockedRun> {
        use std::time::{Duration, Instant};
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe.txt");
        let made = Command::new("mkfifo").arg(&pipe).status();
        if !made.is_ok_and(|s| s.success()) {
            return None;
        }
        let out = dir.path().join("report.json");
        std::fs::write(&out, "the old report").unwrap();
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(BIN);
                c
            }
            None => Command::new(BIN),
        };
        // The run starts with the default action for the signals under test,
        // whatever this test inherited: a harness started in the background
        // of a non-interactive shell ignores SIGINT, which the run rightly
        // keeps ignoring (see `an_ignored_hangup_stays_ignored`).
        use std::os::unix::process::CommandExt;
        // SAFETY: `signal` is async-signal-safe, the only kind of call
        // allowed between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                    libc::signal(sig, libc::SIG_DFL);
                }
                Ok(())
            });
        }
        let child = cmd
            .args(["audit", "--format", "json", "--output"])
            .arg(&out)
            .arg(fixture(SEED))
            .arg(&pipe)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let run = BlockedRun { child, dir, out };
        let start = Instant::now();
        while !run.temporary() && start.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(run.temporary(), "the run writes into a temporary file");
        Some(run)
    }

    fn temporary(&self) -> bool {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// The exit status once the run ends, or `None` if it is still running
    /// after `secs` seconds.
    fn wait(&mut self, secs: u64) -> Option<std::process::ExitStatus> {
        use std::time::{Duration, Instant};
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(secs) {
            if let Some(s) = self.child.try_wait().unwrap() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

#[cfg(unix)]
impl Drop for BlockedRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Ctrl-C, SIGTERM or SIGHUP in the middle of a run into `--output`: the
/// report the user had stays as it was, no temporary file is left beside it,
/// and the process dies of the signal (so a calling script stops too).
#[cfg(unix)]
#[test]
fn interrupted_output_leaves_the_old_file_and_no_temporary_one() {
    use std::os::unix::process::ExitStatusExt;
    for (name, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let Some(mut run) = BlockedRun::start(&[]) else {
            eprintln!("skipped: no mkfifo");
            return;
        };
        run.signal(name);
        let status = run.wait(30).expect("the signal ends the run");
        assert_eq!(status.signal(), Some(number), "SIG{name}: {status:?}");
        assert!(!run.temporary(), "SIG{name} left a temporary file");
        assert_eq!(std::fs::read_to_string(&run.out).unwrap(), "the old report");
    }
}

/// Under `nohup` a hang-up is ignored, and stays so: the run goes on.
#[cfg(unix)]
#[test]
fn an_ignored_hangup_stays_ignored() {
    if !Command::new("nohup")
        .arg("true")
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: no nohup");
        return;
    }
    let Some(mut run) = BlockedRun::start(&["nohup"]) else {
        eprintln!("skipped: no mkfifo");
        return;
    };
    run.signal("HUP");
    assert!(run.wait(1).is_none(), "SIGHUP ended a run under nohup");
    assert!(run.temporary());
    run.signal("TERM");
    assert!(run.wait(30).is_some());
    assert!(!run.temporary());
}
