//! `sourcing eval` must give the same numbers as the corpus's reference evaluator,
//! `tests/corpus/evaluate.py`, on the same input: same table, same `--details`
//! lines in the same order, same JSON. Runs both on a sample of corpus articles
//! plus a small synthetic case that exercises byte-offset gold, `occurrence` and
//! `allow`.

use std::path::{Path, PathBuf};
use std::process::Command;

const SAMPLE: &[&str] = &[
    "000-nyt-china-russia-intel",
    "009-hackers-attack-scientology-website",
    "010-scientology-imprisonment-claim",
    "016-italy-religious-schools-taxes",
    "031-mogadishu-attacks-twelve-dead",
    "039-travel-resumes-judge-blocks-executive-order",
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Python 3.11 or later (the reference evaluator needs `tomllib`), or why not.
fn python() -> Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import tomllib"])
        .output()
    {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "python3 cannot import tomllib (needs Python 3.11+): {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("python3 is not available: {e}")),
    }
}

/// A corpus of a few articles in a fresh directory.
fn sample_corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-reference");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    std::fs::create_dir_all(dir.join("gold")).unwrap();
    for stem in SAMPLE {
        for (sub, ext) in [("articles", "txt"), ("gold", "toml")] {
            std::fs::copy(
                corpus().join(sub).join(format!("{stem}.{ext}")),
                dir.join(sub).join(format!("{stem}.{ext}")),
            )
            .unwrap();
        }
    }
    // A synthetic article: the same sentence twice (occurrence), a sentence located
    // by bytes, an allowed category, a finding outside every gold sentence, and
    // non-ASCII text before the offsets.
    let article = "Café owners said “no.”\n\nThe talks stalled, officials said. Reportedly it rained.\n\nThe talks stalled, officials said. She declined to comment.\n";
    std::fs::write(dir.join("articles/900-synthetic.txt"), article).unwrap();
    let second = article.rfind("She declined").unwrap();
    let gold = format!(
        "article = \"900-synthetic.txt\"\n\n[[sentence]]\ntext = \"The talks stalled, officials said.\"\noccurrence = 2\ncategories = [\"anonymous-source\"]\n\n[[sentence]]\nstart = {second}\nend = {}\ncategories = [\"declined-comment\", \"named-source\"]\n\n[[sentence]]\ntext = 'Café owners said \"no.\"'\ncategories = []\nallow = [\"vague-attribution\", \"named-source\"]\n",
        second + "She declined to comment.".len()
    );
    std::fs::write(dir.join("gold/900-synthetic.toml"), gold).unwrap();
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn eval_matches_reference_evaluator() {
    if let Err(why) = python() {
        eprintln!("SKIPPED eval_matches_reference_evaluator: {why}");
        return;
    }
    let dir = sample_corpus();
    let bin = env!("CARGO_BIN_EXE_sourcing");
    let (articles, gold) = (dir.join("articles"), dir.join("gold"));
    let reference = |extra: &str| {
        let mut c = Command::new("python3");
        c.arg(corpus().join("evaluate.py"))
            .arg("--articles")
            .arg(&articles)
            .arg("--gold")
            .arg(&gold)
            .arg(extra)
            .args(["--", bin, "audit", "--format", "json"]);
        run(&mut c)
    };
    let ours = |format: &str| {
        let mut c = Command::new(bin);
        c.arg("eval")
            .arg("--articles")
            .arg(&articles)
            .arg("--gold")
            .arg(&gold)
            .args(["--format", format, "--details"]);
        run(&mut c)
    };

    let expected = reference("--details");
    assert_eq!(ours("text"), expected);
    // The comparison means something only if the sample has errors of both kinds.
    assert!(expected.contains(": miss [") && expected.contains(": false alarm ["));

    let expected: serde_json::Value = serde_json::from_str(&reference("--json")).unwrap();
    let mut actual: serde_json::Value = serde_json::from_str(&ours("json")).unwrap();
    let obj = actual.as_object_mut().unwrap();
    assert_eq!(obj.remove("schema").unwrap(), "sourcing/eval/v1");
    assert!(obj.remove("details").unwrap().as_array().unwrap().len() > 5);
    assert_eq!(actual, expected);
}

#[test]
fn eval_errors_name_the_file() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-errors");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("gold")).unwrap();
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    std::fs::write(dir.join("articles/a.txt"), "One sentence here.\n").unwrap();
    std::fs::write(
        dir.join("gold/a.toml"),
        "article = \"a.txt\"\n\n[[sentence]]\ntext = \"Not in the article.\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sourcing"))
        .arg("eval")
        .arg("--articles")
        .arg(dir.join("articles"))
        .arg("--gold")
        .arg(dir.join("gold"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a.toml:3:1: sentence 1 not found in a.txt"),
        "{err}"
    );
}
