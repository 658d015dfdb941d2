//! Articles as people have them: a saved web page or a Markdown draft of a corpus
//! article must audit exactly like its plain text, and every finding must point
//! into the story in the file the user gave.
//!
//! The HTML fixtures in `tests/fixtures/html/` wrap the text of the top-level
//! fixture of the same name in page furniture whose words would be findings if
//! they were read: navigation, related-link lists and headlines with "officials
//! said", a cookie banner, scripts and JSON-LD, captions, a footer. The Markdown
//! fixtures in `tests/fixtures/markdown/` add front matter, headings, links,
//! emphasis, lists, block quotes and code blocks.

use std::path::{Path, PathBuf};

use sourcing::input::{Document, Format};
use sourcing::report::AuditReport;
use sourcing::{Auditor, input};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn audit(auditor: &Auditor, path: &Path) -> (Document, AuditReport) {
    let doc = input::read_file(path, input::DEFAULT_MAX_BYTES).expect("fixture reads");
    let report = auditor.audit(&doc);
    (doc, report)
}

/// What a finding says, independent of where the file put it.
fn findings(r: &AuditReport) -> Vec<(String, String, Option<String>, Option<String>)> {
    let mut v: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.clone(),
                f.category.clone(),
                f.matched.clone(),
                f.excerpt.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Strip tags and decode the few entities the fixtures use, then fold white space:
/// what a reader sees of a stretch of the page.
fn visible(html: &str) -> String {
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    let text = tags.replace_all(html, "");
    let text = text
        .replace("&rsquo;", "’")
        .replace("&ldquo;", "“")
        .replace("&rdquo;", "”")
        .replace("&mdash;", "—")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Line and column (1-based, column in characters) of a byte offset, counted
/// independently of the library.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

fn check_page(stem: &str, story_start: &str, story_end: &str) {
    let auditor = Auditor::builtin().expect("built-in packs load");
    let (_, plain) = audit(&auditor, &fixture(&format!("{stem}.txt")));
    let page_path = fixture(&format!("html/{stem}.html"));
    let (doc, page) = audit(&auditor, &page_path);
    assert_eq!(doc.format, Format::Html);
    assert!(!plain.findings.is_empty());
    assert_eq!(
        findings(&page),
        findings(&plain),
        "{stem}: the page must audit like its text"
    );

    let src = std::fs::read_to_string(&page_path).unwrap();
    let from = src.find(story_start).expect("story start marker");
    let to = src.rfind(story_end).expect("story end marker");
    for f in &page.findings {
        for span in [f.span, f.sentence].into_iter().flatten() {
            assert!(
                from < span.start && span.end <= to,
                "{stem}: {} at {}..{} is outside the story ({from}..{to})",
                f.rule,
                span.start,
                span.end
            );
        }
        let span = f.span.expect("sentence findings have a place");
        let raw = &src[span.start..span.end];
        assert_eq!(
            Some(visible(raw)),
            f.matched,
            "{stem}: {} span {raw:?} is not the matched words",
            f.rule
        );
        let sentence = f.sentence.expect("and a sentence");
        assert_eq!(
            Some(visible(&src[sentence.start..sentence.end])),
            f.excerpt,
            "{stem}: {} sentence span",
            f.rule
        );
        let start = f.start.expect("and a line");
        assert_eq!(
            (start.line, start.column),
            line_col(&src, span.start),
            "{stem}: {} line:column",
            f.rule
        );
    }
    for e in &page.ledger {
        assert!(e.first.line > src[..from].matches('\n').count());
    }
}

#[test]
fn nyt_page_audits_like_its_text() {
    check_page("000-nyt-china-russia-intel", "<article", "</article>");
    let auditor = Auditor::builtin().unwrap();
    let (doc, page) = audit(&auditor, &fixture("html/000-nyt-china-russia-intel.html"));
    assert_eq!(
        page.title.as_deref(),
        Some("U.S. Officials Had Urged China to Help Avert War in Ukraine")
    );
    assert_eq!(page.byline.as_deref(), Some("Edward Wong | New York Times"));
    assert_eq!(page.date.as_deref(), Some("2022-02-25T18:44:00-05:00"));
    // None of the furniture's words reach the analysis.
    for furniture in [
        "Related Coverage",
        "cookies",
        "Advertisement",
        "track(",
        "Getty Images",
        "video summit",
        "appears in print",
        "More on China",
    ] {
        assert!(!doc.text.contains(furniture), "{furniture:?} leaked");
    }
}

#[test]
fn wiki_page_without_article_markup_audits_like_its_text() {
    check_page(
        "021-us-airstrikes-basra-militants",
        "<div id=\"mw-content-text\">",
        "<h2>",
    );
    let auditor = Auditor::builtin().unwrap();
    let (doc, page) = audit(
        &auditor,
        &fixture("html/021-us-airstrikes-basra-militants.html"),
    );
    assert_eq!(
        page.title.as_deref(),
        Some("U.S. launches airstrikes against Basra militants")
    );
    assert!(!doc.text.contains("Related news"));
    assert!(!doc.text.contains("Main page"));
}

#[test]
fn input_format_follows_extension_or_choice() {
    assert_eq!(Format::from_path(Path::new("a.HTM")), Format::Html);
    assert_eq!(Format::from_path(Path::new("a.html")), Format::Html);
    assert_eq!(Format::from_path(Path::new("a.md")), Format::Markdown);
    assert_eq!(Format::from_path(Path::new("a.txt")), Format::Text);
    // A page saved as .txt is still read as HTML when asked.
    let path = fixture("html/000-nyt-china-russia-intel.html");
    let as_text = input::read_file_as(&path, input::DEFAULT_MAX_BYTES, Some(Format::Text)).unwrap();
    assert!(as_text.text.contains("<script"));
    let as_html = input::read_file_as(&path, input::DEFAULT_MAX_BYTES, Some(Format::Html)).unwrap();
    assert!(!as_html.text.contains("<script"));
}

/// What a reader sees of a stretch of Markdown: link targets, emphasis and block
/// quote marks removed, white space folded.
fn visible_md(md: &str) -> String {
    let targets = regex::Regex::new(r"\]\([^)]*\)|\]\[[^\]]*\]").unwrap();
    let quote = regex::Regex::new(r"(?m)^> ").unwrap();
    let text = targets.replace_all(md, "");
    let text = quote.replace_all(&text, "");
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '[' | ']'))
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn markdown_draft_audits_like_its_text() {
    let stem = "013-australian-iodine-deficiency-study";
    let auditor = Auditor::builtin().unwrap();
    let (_, plain) = audit(&auditor, &fixture(&format!("{stem}.txt")));
    let path = fixture(&format!("markdown/{stem}.md"));
    let (doc, draft) = audit(&auditor, &path);
    assert_eq!(doc.format, Format::Markdown);
    assert_eq!(findings(&draft), findings(&plain));
    assert_eq!(draft.title, plain.title);
    assert_eq!(draft.byline.as_deref(), Some("Wikinews"));
    assert_eq!(draft.date.as_deref(), Some("2006-11-24"));
    for furniture in ["code sample", "editor:", "who.int", "mja.com.au", "tags"] {
        assert!(!doc.text.contains(furniture), "{furniture:?} leaked");
    }
    let src = std::fs::read_to_string(&path).unwrap();
    for f in &draft.findings {
        let span = f.span.unwrap();
        assert_eq!(Some(visible_md(&src[span.start..span.end])), f.matched);
        let sentence = f.sentence.unwrap();
        assert_eq!(
            Some(visible_md(&src[sentence.start..sentence.end])),
            f.excerpt
        );
        let start = f.start.unwrap();
        assert_eq!((start.line, start.column), line_col(&src, span.start));
    }
}

#[test]
fn cli_reads_standard_input_as_the_format_asked() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let page = "<html><body><nav><a href=/>Officials said</a></nav><article><h1>Talks</h1><p>The talks stalled, officials&nbsp;said.</p></article></body></html>";
    let run = |input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sourcing"))
            .args(["audit", "--format", "json", "--input", input, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("binary runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON report")
    };
    let html = run("html");
    let report = &html["reports"][0];
    assert_eq!(report["title"], "Talks");
    let findings = report["findings"].as_array().unwrap();
    let anon: Vec<_> = findings
        .iter()
        .filter(|f| f["category"] == "anonymous-source")
        .collect();
    assert_eq!(
        anon.len(),
        1,
        "only the article's attribution: {findings:?}"
    );
    let start = anon[0]["span"]["start"].as_u64().unwrap() as usize;
    let end = anon[0]["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&page[start..end], "officials&nbsp;said");
    // Read as text (the default for standard input), the markup is all there is.
    let text = run("auto");
    assert!(text["reports"][0].get("title").is_none());
}

/// Escape text for HTML, spelling some characters as entities the way CMSes do.
fn to_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('’', "&rsquo;")
        .replace('"', "&quot;")
        .replace('—', "&#8212;")
}

#[test]
fn every_fixture_as_a_web_page_audits_like_its_text() {
    let auditor = Auditor::builtin().unwrap();
    let dir = fixture("");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let plain = auditor.audit(&Document::from_text("a.txt", text.clone(), Format::Text));
        // Paragraphs become <p>; soft line breaks inside them become <br>, so
        // line-based furniture (a byline, a credit) stays on its own line.
        let body: String = text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| format!("<p>{}</p>\n", to_html(p.trim()).replace('\n', "<br>\n")))
            .collect();
        let page = format!(
            "<!DOCTYPE html><html><head><title>Officials said</title><script>var s = \"officials said\";</script></head><body>\
             <div class=cookie-banner><p>We use cookies, officials said.</p></div>\
             <nav><ul><li><a href=/a>Critics say the world</a></li></ul></nav>\
             <main><article>\n{body}</article>\
             <aside><h2>Related</h2><ul><li><a href=/b>U.S. officials said so</a></li></ul></aside></main>\
             <footer><p>According to our terms, sources said.</p></footer></body></html>"
        );
        let doc = Document::from_text("a.html", page.clone(), Format::Html);
        let report = auditor.audit(&doc);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(findings(&report), findings(&plain), "{name}");
        let from = page.find("<article>").unwrap();
        let to = page.find("</article>").unwrap();
        for f in &report.findings {
            if let Some(span) = f.span {
                assert!(from < span.start && span.end <= to, "{name}: {}", f.rule);
                let shown = visible(&page[span.start..span.end].replace("&#8212;", "—"));
                assert_eq!(Some(shown), f.matched, "{name}: {}", f.rule);
            }
        }
    }
}
