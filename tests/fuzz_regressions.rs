//! Replays every input saved under `tests/fuzz-regressions/TARGET/` through the
//! same code the fuzz target `TARGET` runs (`fuzz/harness.rs`), so a crash found
//! by fuzzing stays fixed without libFuzzer or a nightly compiler.
//!
//! To add one: minimize it (`cargo fuzz tmin TARGET ARTIFACT`, see
//! fuzz/README.md) and copy it into the folder named after its target.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    for path in files {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("replaying {}", path.display());
        run(&data);
    }
}

#[test]
fn decode_segment_regressions() {
    replay("decode_segment", harness::decode_segment);
}

#[test]
fn rule_pack_regressions() {
    replay("rule_pack", harness::rule_pack);
}

#[test]
fn html_regressions() {
    replay("html", harness::html);
}

#[test]
fn audit_regressions() {
    replay("audit", harness::audit);
}

#[test]
fn jsonl_regressions() {
    replay("jsonl", harness::jsonl);
}
