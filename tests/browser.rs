//! The HTML report in a real browser: headless Chromium renders the seed
//! article's report with a small checking script appended, and the test reads
//! the rendered DOM back. It checks that every finding with a place is
//! highlighted (against the JSON report's count), that unchecking a category in
//! the legend hides exactly that category's highlights, that focusing a
//! highlight shows its tooltip, and that the article text survives intact. A
//! screenshot is kept in tests/output/ (git-ignored) for people to look at.
//!
//! Chromium comes from Debian's `chromium` package; `.ci/run` installs it. Where
//! it is missing the test fails under CI (CI=true) and is skipped otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sourcing::Auditor;
use sourcing::input::{Document, Format};
use sourcing::report::{html, json};

const SEED: &str = "tests/fixtures/000-nyt-china-russia-intel.txt";
/// The category the test switches off.
const TOGGLED: &str = "anonymous-source";

fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser", "google-chrome"];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Run Chromium headless with a time limit; returns its standard output.
fn run_chromium(bin: &Path, profile: &Path, args: &[String]) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--mute-audio",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 90 s: {args:?}");
            }
        }
    }
    let out = child.wait_with_output().expect("chromium output");
    assert!(
        out.status.success(),
        "chromium failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs in the page after the report's own script; writes its observations as
/// JSON into <pre id="test-result">.
const CHECK_SCRIPT: &str = r#"<script>
(function () {
  function highlighted() {
    var seen = {};
    document.querySelectorAll('mark.f').forEach(function (m) {
      var bg = getComputedStyle(m).backgroundColor;
      if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
        seen[m.getAttribute('data-finding')] = m.getAttribute('data-category');
      }
    });
    return seen;
  }
  function count(seen, category) {
    return Object.keys(seen).filter(function (k) {
      return category === undefined || seen[k] === category;
    }).length;
  }
  var toggled = 'TOGGLED';
  var result = {};
  var before = highlighted();
  result.before = count(before);
  result.beforeToggled = count(before, toggled);
  result.ids = Object.keys(before).sort();

  var first = document.querySelector('mark.f.first');
  // While its window does not have focus yet (which, headless, depends on
  // timing), Chromium moves focus without firing focus and blur events; the
  // report reacts to those events, so deliver any that were held back.
  var events = 0;
  first.addEventListener('focus', function () { events++; });
  first.addEventListener('blur', function () { events++; });
  first.focus();
  if (events === 0) { first.dispatchEvent(new FocusEvent('focus')); }
  var tip = document.getElementById(first.getAttribute('aria-describedby'));
  result.focused = document.activeElement === first;
  result.tipOnFocus = getComputedStyle(tip).display;
  result.tipText = tip.textContent;
  events = 0;
  first.blur();
  if (events === 0) { first.dispatchEvent(new FocusEvent('blur')); }
  result.tipAfterBlur = getComputedStyle(tip).display;

  var box = document.querySelector('input[data-category="' + toggled + '"]');
  box.click();
  var after = highlighted();
  result.checkedAfterClick = box.checked;
  result.after = count(after);
  result.afterToggled = count(after, toggled);
  result.focusableToggled = Array.prototype.filter.call(
    document.querySelectorAll('mark.f.first'), function (m) {
      return m.getAttribute('data-category') === toggled && m.tabIndex >= 0;
    }).length;
  box.click();
  result.restored = count(highlighted());

  var article = document.querySelector('.article').cloneNode(true);
  article.querySelectorAll('.tip').forEach(function (t) { t.remove(); });
  result.text = article.textContent;
  result.external = document.querySelectorAll('[src], link[href]').length;

  var pre = document.createElement('pre');
  pre.id = 'test-result';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
})();
</script>"#;

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[test]
fn html_report_in_headless_chromium() {
    let Some(bin) = chromium() else {
        let msg = "chromium is not installed: the HTML report's browser test needs it \
                   (Debian: apt-get install chromium; .ci/run installs it)";
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("{msg}");
        }
        eprintln!("note: skipping html_report_in_headless_chromium: {msg}");
        return;
    };

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = std::fs::read_to_string(root.join(SEED)).expect("seed article");
    let doc = Document::from_text(
        "fixtures/000-nyt-china-russia-intel.txt",
        original,
        Format::Text,
    );
    let report = Auditor::builtin().expect("built-in packs").audit(&doc);
    let page = html::render(std::slice::from_ref(&report), &[]);

    // What the JSON report says: findings that have a place in the text.
    let j: Value = serde_json::from_str(&json::render(std::slice::from_ref(&report), &[])).unwrap();
    let findings = j["reports"][0]["findings"].as_array().unwrap();
    let placed = findings.iter().filter(|f| !f["span"].is_null()).count();
    let placed_toggled = findings
        .iter()
        .filter(|f| !f["span"].is_null() && f["category"] == TOGGLED)
        .count();
    assert!(
        placed > 0 && placed_toggled > 0,
        "the seed article must have findings"
    );

    let out = root.join("tests/output");
    std::fs::create_dir_all(&out).unwrap();
    let report_path = out.join("seed-report.html");
    std::fs::write(&report_path, &page).unwrap();
    let check_path = out.join("seed-report-check.html");
    let check = page.replacen(
        "</body>",
        &format!("{}\n</body>", CHECK_SCRIPT.replace("TOGGLED", TOGGLED)),
        1,
    );
    std::fs::write(&check_path, check).unwrap();

    let profile = tempfile::tempdir().unwrap();
    let dom = run_chromium(
        &bin,
        profile.path(),
        &[
            "--dump-dom".into(),
            format!("file://{}", check_path.display()),
        ],
    );
    let start = dom
        .find("<pre id=\"test-result\">")
        .unwrap_or_else(|| panic!("the check script did not run; DOM:\n{dom}"));
    let body = &dom[start + "<pre id=\"test-result\">".len()..];
    let body = &body[..body.find("</pre>").unwrap()];
    let result: Value = serde_json::from_str(&unescape(body)).expect("check result is JSON");

    assert_eq!(
        result["before"], placed,
        "highlighted findings vs JSON findings with a span"
    );
    let expected_ids: Vec<String> = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.span.is_some())
        .map(|(i, _)| format!("0-{i}"))
        .collect();
    let mut expected_ids = expected_ids;
    expected_ids.sort();
    assert_eq!(result["ids"], serde_json::json!(expected_ids));
    assert_eq!(result["beforeToggled"], placed_toggled);
    assert_eq!(result["checkedAfterClick"], false);
    assert_eq!(
        result["afterToggled"], 0,
        "unchecking {TOGGLED} hides its highlights"
    );
    assert_eq!(
        result["after"],
        placed - placed_toggled,
        "other categories stay highlighted"
    );
    assert_eq!(
        result["focusableToggled"], 0,
        "hidden highlights leave the tab order"
    );
    assert_eq!(
        result["restored"], placed,
        "checking it again brings them back"
    );
    assert_eq!(result["focused"], true);
    assert_eq!(
        result["tipOnFocus"], "block",
        "tooltip shows on keyboard focus"
    );
    assert_eq!(result["tipAfterBlur"], "none");
    assert!(
        result["tipText"]
            .as_str()
            .is_some_and(|t| t.contains(&report.findings[0].message)),
        "tooltip carries the message: {}",
        result["tipText"]
    );
    assert_eq!(result["text"], report.text.as_ref(), "article text intact");
    assert_eq!(result["external"], 0, "no external resources");

    // A picture for people; its presence is checked, its pixels are not.
    let shot = out.join("seed-report.png");
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        &bin,
        profile.path(),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1400,1800".into(),
            format!("file://{}", report_path.display()),
        ],
    );
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot at {}",
        shot.display()
    );
    eprintln!("screenshot: {}", shot.display());
}
