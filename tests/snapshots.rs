//! Snapshot tests: the text and JSON report of every fixture article, stored in
//! the top-level `snapshots/` folder. Review every diff (`cargo insta review`).

use sourcing::Auditor;
use sourcing::input::{Document, Format};
use sourcing::report::{json, text};

mod common;
use common::fixtures;

#[test]
fn fixture_reports() {
    let auditor = Auditor::builtin().expect("built-in packs load");
    let files = fixtures();
    assert!(
        files.len() >= 11,
        "need the seed article and at least ten more"
    );
    for path in files {
        let name = format!("fixtures/{}", path.file_name().unwrap().to_string_lossy());
        let original = std::fs::read_to_string(&path).unwrap();
        let doc = Document::from_text(name, original, Format::from_path(&path));
        let report = auditor.audit(&doc);
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{stem}.text"), text::render(&report, text::TextOptions::default()));
            insta::assert_snapshot!(format!("{stem}.json"), json::render(std::slice::from_ref(&report), &[]));
        });
    }
}
