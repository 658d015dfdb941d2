//! Benchmarks: `cargo bench --bench audit`.
//!
//! - `one_article`: latency of auditing one typical article (the seed fixture);
//! - `corpus`: throughput over at least 50 MB of articles in many files, built at
//!   bench time in a temporary directory by repeating `tests/fixtures/`, on one
//!   thread and on two (reading files included, as the command line does);
//! - `compile`: loading the built-in packs (as shipped, and as a user's files,
//!   which compiles every regex at once), and a generated pack of 1,000 phrase
//!   rules;
//! - `segment`: paragraph, sentence and quotation segmentation alone.
//!
//! Set `SOURCING_BENCH_MB` to change the corpus size (default 50).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::counter::BytesCount;
use rayon::prelude::*;
use sourcing::Auditor;
use sourcing::input::{DEFAULT_MAX_BYTES, Document, Format, read_file};
use sourcing::rules::{PackSource, RuleSet, builtin_sources};

// The command line's allocator, so that these numbers are what users run.
#[path = "../src/allocator.rs"]
mod allocator;

fn main() {
    divan::main();
    // Remove the generated corpus; it is never committed.
    if let Some(c) = LazyLock::get(&CORPUS) {
        let _ = std::fs::remove_dir_all(&c.dir);
    }
}

fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("tests/fixtures exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

static AUDITOR: LazyLock<Auditor> = LazyLock::new(|| Auditor::builtin().unwrap());

struct Corpus {
    dir: PathBuf,
    files: Vec<PathBuf>,
    bytes: usize,
}

/// At least `SOURCING_BENCH_MB` (default 50) MB of articles, 1,000 files a folder.
static CORPUS: LazyLock<Corpus> = LazyLock::new(|| {
    let mb: usize = std::env::var("SOURCING_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let dir = std::env::temp_dir().join(format!("sourcing-bench-{}", std::process::id()));
    let articles = fixtures();
    let (mut files, mut bytes) = (Vec::new(), 0usize);
    while bytes < mb * 1024 * 1024 {
        for (name, text) in &articles {
            let n = files.len();
            let sub = dir.join(format!("{:04}", n / 1000));
            std::fs::create_dir_all(&sub).unwrap();
            let path = sub.join(format!("{n:06}-{name}"));
            // A distinct first line, so no two files are the same.
            let body = format!("Copy {n} of {name}.\n\n{text}");
            std::fs::write(&path, &body).unwrap();
            bytes += body.len();
            files.push(path);
        }
    }
    Corpus { dir, files, bytes }
});

#[divan::bench]
fn one_article(bencher: divan::Bencher) {
    let (name, text) = fixtures().into_iter().next().unwrap();
    let doc = Document::from_text(name, text, Format::Text);
    let auditor = &*AUDITOR;
    bencher
        .counter(BytesCount::new(doc.original.len()))
        .bench(|| auditor.audit(divan::black_box(&doc)));
}

/// Audit files the way the command line does: batches of [`sourcing::BATCH`] consecutive files,
/// each batch rule by rule (`Auditor::audit_many`), batches in parallel.
fn audit_files(files: &[PathBuf]) -> usize {
    files
        .par_chunks(sourcing::BATCH)
        .map(|chunk| {
            let docs: Vec<_> = chunk
                .iter()
                .map(|p| read_file(p, DEFAULT_MAX_BYTES).unwrap())
                .collect();
            let refs: Vec<&Document> = docs.iter().collect();
            AUDITOR
                .audit_many(&refs)
                .iter()
                .map(|r| r.findings.len())
                .sum::<usize>()
        })
        .sum()
}

/// The whole corpus: read, segment, match, ledger, score, report.
#[divan::bench(args = [1, 2], sample_count = 3, sample_size = 1)]
fn corpus(bencher: divan::Bencher, threads: usize) {
    let corpus = &*CORPUS;
    let _ = &*AUDITOR;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    bencher
        .counter(BytesCount::new(corpus.bytes))
        .bench(|| pool.install(|| audit_files(&corpus.files)));
}

mod compile {
    use super::*;

    /// As the command line loads them: the matcher's twins and pieces are
    /// compiled while loading, each rule's own regex on first use.
    #[divan::bench(sample_count = 10)]
    fn builtin_packs() -> RuleSet {
        RuleSet::load(&builtin_sources(), &sourcing::scoring_base()).unwrap()
    }

    /// The same packs as a user's files: every regex compiled while loading.
    #[divan::bench(sample_count = 10)]
    fn builtin_packs_as_user_files() -> RuleSet {
        let mut sources = builtin_sources();
        for s in &mut sources {
            s.path = s.path.replace("<built-in>/", "packs/");
        }
        RuleSet::load(&sources, &sourcing::scoring_base()).unwrap()
    }

    /// 1,000 rules of three phrases each.
    fn thousand_rules() -> PackSource {
        let mut text =
            String::from("[pack]\nid = \"generated\"\ndescription = \"1,000 phrase rules\"\n");
        for i in 0..1000 {
            text.push_str(&format!(
                "\n[[rule]]\nid = \"phrase-{i}\"\ncategory = \"vague-attribution\"\nweight = 1\n\
                 phrases = [\"term{i} experts say\", \"it is believed{i}\", \"observers of {i} note\"]\n\
                 message = \"Vague attribution {i}\"\n"
            ));
        }
        PackSource {
            path: "generated.toml".into(),
            text,
        }
    }

    #[divan::bench(sample_count = 5)]
    fn thousand_phrase_rules(bencher: divan::Bencher) {
        let pack = [thousand_rules()];
        bencher.bench(|| RuleSet::load(&pack, &sourcing::scoring_base()).unwrap());
    }
}

#[divan::bench]
fn segment(bencher: divan::Bencher) {
    let texts: Vec<String> = fixtures().into_iter().map(|(_, t)| t).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        texts
            .iter()
            .map(|t| sourcing::text::segment(divan::black_box(t)).sentences.len())
            .sum::<usize>()
    });
}
