//! `sourcing audit`.

use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use sourcing::BATCH;
use sourcing::atomic::AtomicFile;
use sourcing::input::{self, DEFAULT_MAX_BYTES, Format, InputError};
use sourcing::report::stream::{Entry, JsonStream, Totals};
use sourcing::report::{self, AuditReport, InputFailure};
use sourcing::rules::Severity;

use super::{EXIT_ERROR, EXIT_OK, EXIT_THRESHOLD, OutputFormat, RuleArgs, packs};

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// How to read the articles given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputChoice {
    /// By extension: .md/.markdown Markdown, .html/.htm HTML, else text; stdin is text.
    Auto,
    /// Plain text.
    Text,
    /// Markdown (front matter and code skipped).
    Markdown,
    /// An HTML page (only the story's body is audited).
    Html,
    /// JSON Lines: one article per line, `{"id": …, "text": …}`; writes one JSON
    /// record per line, in input order, whatever --format says.
    Jsonl,
}

impl InputChoice {
    fn format(self) -> Option<Format> {
        match self {
            InputChoice::Auto => None,
            InputChoice::Text => Some(Format::Text),
            InputChoice::Markdown => Some(Format::Markdown),
            InputChoice::Html => Some(Format::Html),
            InputChoice::Jsonl => Some(Format::Text),
        }
    }
}

/// Audit articles and print a scored sourcing report.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Articles to audit: files, directories (searched recursively for .txt, .md,
    /// .markdown, .html and .htm), or - for standard input.
    #[arg(value_name = "PATH|-", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format [default: text, or `format` under [audit] in sourcing.toml].
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write the report to FILE instead of standard output. The file is replaced
    /// atomically (written beside it, then renamed), so it holds the old report
    /// until the run ends; text, JSON and JSON Lines are written as the run goes,
    /// so memory stays flat over an archive. An interrupted run (Ctrl-C, SIGTERM) keeps the
    /// old FILE and removes the temporary one. FILE may not be one of the inputs
    /// (hard links and symlinks included).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Exit with code 1 if any article scores below SCORE (0-100) [default: `fail-under`
    /// under [audit] in sourcing.toml].
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub fail_under: Option<u8>,
    /// Exit with code 1 if any finding is at this severity or worse.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub deny: Option<DenyLevel>,
    /// Read articles as this format (default: by extension; stdin as text).
    #[arg(long = "input", value_enum, value_name = "FORMAT", default_value_t = InputChoice::Auto)]
    pub input: InputChoice,
    /// Largest article accepted, in bytes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Print one summary line per article instead of the full report (text format).
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour terminal output: auto colours only when standard output is a terminal
    /// and NO_COLOR is unset or empty.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: one per core). Each takes up to 64 consecutive
    /// articles at a time and runs every rule over all of them, which keeps the
    /// rules' tables in the CPU caches; the environment variable SOURCING_BATCH
    /// changes the 64 (for measurements). With more than eight workers batches
    /// get smaller, so that at most 1,024 articles are in flight.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Severities `--deny` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DenyLevel {
    /// Any finding.
    Note,
    /// Warnings and errors.
    Warning,
    /// Errors only.
    Error,
}

impl DenyLevel {
    fn severity(self) -> Severity {
        match self {
            DenyLevel::Note => Severity::Note,
            DenyLevel::Warning => Severity::Warning,
            DenyLevel::Error => Severity::Error,
        }
    }
}

enum Loaded {
    Doc(Box<sourcing::Document>),
    Failed(InputError),
}

fn load(path: &Path, max_bytes: u64, format: Option<Format>) -> Loaded {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        let limit = max_bytes.saturating_add(1);
        if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
            return Loaded::Failed(InputError::Io {
                path: "<stdin>".into(),
                message: e.to_string(),
            });
        }
        let format = format.unwrap_or(Format::Text);
        return match input::decode("<stdin>", bytes, format, max_bytes) {
            Ok(d) => Loaded::Doc(Box::new(d)),
            Err(e) => Loaded::Failed(e),
        };
    }
    match input::read_file_as(path, max_bytes, format) {
        Ok(d) => Loaded::Doc(Box::new(d)),
        Err(e) => Loaded::Failed(e),
    }
}

/// What makes two paths one file: device and inode where there are such (hard
/// links and symlinks included), else the canonical path. `None` for a path
/// that names no file: such a path is not an article that could be overwritten.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

/// Walk the inputs once before the run, keeping nothing but their number (a
/// progress bar's total), and refuse an `--output` that is one of them before
/// anything is written. The run then walks them again as it goes, so neither
/// walk holds a list of an archive's names.
fn pre_walk(paths: &[PathBuf], output: Option<&Path>) -> Result<usize, String> {
    let check = output_check(output);
    let mut count = 0;
    for path in paths {
        check(path)?;
    }
    for entry in input::walk_paths(paths) {
        count += 1;
        if let Ok(path) = entry {
            check(&path)?;
        }
    }
    Ok(count)
}

/// A check that refuses an input which is the `--output` file itself, by
/// device and inode (so under another name, or through a link, too).
fn output_check(output: Option<&Path>) -> impl Fn(&Path) -> Result<(), String> + '_ {
    let out = output.and_then(|o| file_id(o).map(|id| (o, id)));
    move |input: &Path| match &out {
        Some((o, id)) if input.as_os_str() != "-" && file_id(input).as_ref() == Some(id) => {
            Err(format!(
                "--output {} is also an input; the report would overwrite the article. \
                 Choose another file name.",
                o.display()
            ))
        }
        _ => Ok(()),
    }
}

fn write_error(path: &Path, e: std::io::Error) -> String {
    format!("cannot write {}: {e}", path.display())
}

/// Where the report goes: standard output, or an `--output` file that replaces
/// the old one only once the whole report is written.
enum Sink {
    Stdout(io::StdoutLock<'static>),
    File {
        out: io::BufWriter<AtomicFile>,
        /// The first write that failed: the run then fails, and the old file stays.
        error: Option<io::Error>,
    },
}

impl Sink {
    fn open(output: Option<&Path>) -> Result<Sink, String> {
        Ok(match output {
            None => Sink::Stdout(io::stdout().lock()),
            // Said now: the rename would only fail after the whole run.
            Some(path) if path.is_dir() => {
                return Err(format!(
                    "--output {} is a directory; give the report a file name, such as {}",
                    path.display(),
                    path.join("report.json").display()
                ));
            }
            Some(path) => Sink::File {
                out: io::BufWriter::new(
                    AtomicFile::create(path).map_err(|e| write_error(path, e))?,
                ),
                error: None,
            },
        })
    }

    /// Replace the `--output` file with what was written (standard output needs
    /// nothing: a closed pipe, as with `| head`, is not an error worth a message).
    fn finish(self) -> Result<(), String> {
        match self {
            Sink::Stdout(mut s) => {
                let _ = s.flush();
                Ok(())
            }
            Sink::File { out, error } => {
                let path = out.get_ref().path().to_path_buf();
                let fail = |e: io::Error| {
                    write_error(
                        &path,
                        io::Error::new(e.kind(), format!("write failed: {e}")),
                    )
                };
                if let Some(e) = error {
                    return Err(fail(e));
                }
                let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
                file.commit().map_err(|e| write_error(&path, e))
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            // An interrupted write is retried by write_all; anything else fails
            // the run.
            Sink::File { out, error } => out.write(buf).inspect_err(|e| {
                if e.kind() != io::ErrorKind::Interrupted {
                    error.get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
                }
            }),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            // A file is flushed once, when the run is complete.
            Sink::File { .. } => Ok(()),
        }
    }
}

/// A progress bar on standard error for runs over several files, drawn only
/// when standard error is a terminal (never into a log or a pipe).
fn progress(total: usize) -> ProgressBar {
    if total < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} auditing {pos}/{len} [{bar:30}] {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Width to fit diagnostics into: the terminal's when printing to one, else a
/// fixed 100 columns so files and pipes get the same output on every machine.
fn text_width(to_terminal: bool) -> usize {
    const DEFAULT: usize = 100;
    if !to_terminal {
        return DEFAULT;
    }
    console::Term::stdout()
        .size_checked()
        .map_or(DEFAULT, |(_, cols)| usize::from(cols).max(40))
}

/// Messages to the thread that writes output.
enum Event<A, T> {
    /// Input number `.0`, read and ready to audit.
    Item(usize, A),
    /// The input ran out after this many items.
    End(usize),
    /// The batch that starts at input number `.0`, audited, one result per input.
    Done(usize, Vec<T>),
}

/// Most text a worker audits together (see `audit_in_place`).
const PART_BYTES: usize = 4 << 20;

/// Most inputs read and not yet written, over all workers, unless
/// SOURCING_BATCH says otherwise: with many workers, batches get smaller
/// instead. The rules' caches are shared by the workers (see
/// `rules::matcher::Derived`), so the documents in flight are what grows with
/// the number of cores: with two workers, 64 more documents each in flight
/// cost about 5 MB over the repeated corpus (BENCHMARKS.md).
const IN_FLIGHT: usize = 1024;

/// Map `work` over `items` on the pool, handing each result to `emit` in input
/// order as soon as it and every earlier one are done. At most `window` items
/// are read but not yet emitted, so memory does not grow with the number of
/// inputs. `items` is read on a thread of its own, so that a slow input (a
/// pipe) never holds back output that is ready; `emit` runs on the calling
/// thread and the pool's threads do the work.
///
/// `work` gets consecutive items in batches of up to `batch` and returns one
/// result per item. A batch is sent off when it is full, when the input ends,
/// or when a worker is idle and no more input is waiting: items that trickle in
/// from a pipe are audited at once, not held until a batch fills.
fn ordered_map<I, T, W, E>(
    pool: &rayon::ThreadPool,
    window: usize,
    batch: usize,
    items: I,
    work: W,
    mut emit: E,
) where
    I: Iterator + Send,
    I::Item: Send,
    T: Send,
    W: Fn(Vec<I::Item>) -> Vec<T> + Sync,
    E: FnMut(T),
{
    let work = &work;
    let batch = batch.max(1);
    let workers = pool.current_num_threads().max(1);
    let (events, inbox) = mpsc::channel::<Event<I::Item, T>>();
    // One token per item read and not yet emitted: the reader blocks when the
    // window is full.
    let (take_slot, free_slot) = mpsc::sync_channel::<()>(window.max(1));
    std::thread::scope(|threads| {
        let reader = events.clone();
        threads.spawn(move || {
            let mut n = 0;
            for (i, item) in items.enumerate() {
                if take_slot.send(()).is_err() || reader.send(Event::Item(i, item)).is_err() {
                    return;
                }
                n = i + 1;
            }
            let _ = reader.send(Event::End(n));
        });
        pool.in_place_scope(|scope| {
            let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
            let mut next = 0usize;
            let mut total = None;
            // Items read and not yet sent to a worker, from number `first` on.
            let mut pending: Vec<I::Item> = Vec::new();
            let mut first = 0usize;
            let mut busy = 0usize;
            let send = |pending: &mut Vec<I::Item>, first: usize, busy: &mut usize| {
                let items = std::mem::take(pending);
                let done = events.clone();
                *busy += 1;
                scope.spawn(move |_| {
                    let _ = done.send(Event::Done(first, work(items)));
                });
            };
            while total != Some(next) {
                let event = if !pending.is_empty() && busy < workers {
                    // A worker is free: take what input is waiting, then start.
                    match inbox.try_recv() {
                        Ok(event) => event,
                        Err(mpsc::TryRecvError::Empty) => {
                            send(&mut pending, first, &mut busy);
                            continue;
                        }
                        Err(mpsc::TryRecvError::Disconnected) => break,
                    }
                } else {
                    // `events` is alive here, so this cannot fail.
                    let Ok(event) = inbox.recv() else { break };
                    event
                };
                match event {
                    Event::Item(i, item) => {
                        if pending.is_empty() {
                            first = i;
                        }
                        pending.push(item);
                        if pending.len() >= batch {
                            send(&mut pending, first, &mut busy);
                        }
                    }
                    Event::End(n) => {
                        total = Some(n);
                        if !pending.is_empty() {
                            send(&mut pending, first, &mut busy);
                        }
                    }
                    Event::Done(at, results) => {
                        busy = busy.saturating_sub(1);
                        waiting.extend(results.into_iter().enumerate().map(|(k, t)| (at + k, t)));
                        while let Some(t) = waiting.remove(&next) {
                            emit(t);
                            next += 1;
                            let _ = free_slot.recv();
                        }
                    }
                }
            }
        });
    });
}

/// What a worker hands back for one input.
enum Done {
    Report {
        rendered: String,
        entry: Entry,
        worst: Option<Severity>,
    },
    Failed(InputFailure),
}

pub fn run(args: AuditArgs) -> Result<u8, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    // Start-up compiles the rules on the workers too (it is most of the time
    // a one-article run takes), the matcher's twins and pieces included.
    let setup = pool.install(|| packs::setup(&args.rules))?;
    // Never freed: the OS takes back the compiled rules at exit at once, where
    // freeing them piece by piece took about 10 ms of a 0.2 s one-article run.
    let auditor = std::mem::ManuallyDrop::new(setup.auditor);
    // Loading built the matcher, but a config that disables rules drops it:
    // build it again now, on every core, rather than in the first batch.
    pool.install(|| drop(auditor.rules.matcher()));
    // Flags win over sourcing.toml's [audit] defaults.
    let defaults = setup.config.map(|c| c.file.audit).unwrap_or_default();
    let format = args
        .format
        .or_else(|| {
            let f = defaults.format?;
            <OutputFormat as clap::ValueEnum>::from_str(f.get_ref(), false).ok()
        })
        .unwrap_or(OutputFormat::Text);
    let fail_under = args.fail_under.or_else(|| {
        defaults
            .fail_under
            .and_then(|f| u8::try_from(*f.get_ref()).ok())
    });
    // Two full batches per worker may wait, read but not yet written.
    // SOURCING_BATCH: batch size for measurements (BENCHMARKS.md), 1 to 1,024:
    // the window below holds that many inputs per worker twice over, and its
    // channel's slots are allocated up front.
    let workers = pool.current_num_threads().max(1);
    let batch: usize = std::env::var("SOURCING_BATCH")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(BATCH.min(IN_FLIGHT / (2 * workers)))
        .clamp(1, 1024);
    let window = workers * 2 * batch;
    let mut denied = false;

    if args.input == InputChoice::Jsonl {
        // The inputs are JSON Lines files (or standard input), never walked.
        let check = output_check(args.output.as_deref());
        for path in &args.paths {
            check(path)?;
        }
        let mut totals = Totals::new(false);
        let mut stdout = Sink::open(args.output.as_deref())?;
        // A closed pipe (`| head`) is not an error worth a message: stop writing.
        let mut closed = false;
        let work = |records: Vec<(usize, io::Result<String>)>| {
            jsonl_records(&auditor, records, args.max_bytes)
        };
        let mut emit = |(out, done): (String, Done)| {
            if !closed {
                closed = writeln!(stdout, "{out}")
                    .and_then(|_| stdout.flush())
                    .is_err();
            }
            record(&mut totals, &mut denied, args.deny, done);
        };
        let mut unopened = Vec::new();
        for path in &args.paths {
            let reader: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
                Box::new(io::BufReader::new(io::stdin()))
            } else {
                match std::fs::File::open(path) {
                    Ok(f) => Box::new(io::BufReader::new(f)),
                    Err(e) => {
                        let e = InputError::Io {
                            path: path.display().to_string(),
                            message: e.to_string(),
                        };
                        eprintln!("error: {e}");
                        unopened.push(InputFailure {
                            file: e.path().to_string(),
                            message: e.to_string(),
                        });
                        continue;
                    }
                }
            };
            let lines = reader
                .lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l))
                .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()));
            ordered_map(&pool, window, batch, lines, work, &mut emit);
        }
        stdout.finish()?;
        totals.failures.append(&mut unopened);
        return Ok(exit_code(fail_under, &totals, denied));
    }

    // Text and JSON stream: each report is written as soon as it and every
    // earlier one are done, and only small totals are kept, so memory stays
    // flat over an archive (into --output too, through a temporary file that
    // replaces it at the end). The other formats are whole documents, rendered
    // once at the end.
    let streaming = matches!(format, OutputFormat::Text | OutputFormat::Json);
    // A first walk, when something needs it, counts the inputs for a progress
    // bar on a terminal and checks that --output is not one of them; the run
    // walks the directories again as it goes. Neither holds a list of names.
    let total = if args.output.is_some() || std::io::stderr().is_terminal() {
        pre_walk(&args.paths, args.output.as_deref())?
    } else {
        0
    };
    let bar = progress(total);
    let inputs = input::walk_paths(&args.paths);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let opts = report::text::TextOptions {
        color,
        quiet: args.quiet,
        width: text_width(to_terminal),
    };
    let audit_batch = |batch: Vec<Result<PathBuf, InputError>>| {
        // Loaded as the batch is audited, part by part (see `audit_in_place`).
        let loaded = batch.iter().map(|p| {
            let loaded = match p {
                Err(e) => Loaded::Failed(e.clone()),
                Ok(path) => load(path, args.max_bytes, args.input.format()),
            };
            match loaded {
                Loaded::Doc(doc) => Ok(doc),
                Loaded::Failed(e) => Err(InputFailure {
                    file: e.path().to_string(),
                    message: e.to_string(),
                }),
            }
        });
        let results = audit_in_place(
            &auditor,
            loaded,
            PART_BYTES,
            |doc| doc,
            |_doc| (),
            |doc| InputFailure {
                file: doc.name.clone(),
                message: "internal error: no report was produced".into(),
            },
        );
        bar.inc(batch.len() as u64);
        results
            .into_iter()
            .map(|r| r.map(|(_, report)| report))
            .collect::<Vec<_>>()
    };

    // Opened before the run, so that an --output that cannot be written is
    // said at once, not after auditing an archive.
    let mut sink = Sink::open(args.output.as_deref())?;
    if streaming {
        let mut totals = Totals::new(format == OutputFormat::Text);
        let stdout = &mut sink;
        let mut closed = false;
        let work = |batch: Vec<Result<PathBuf, InputError>>| -> Vec<Done> {
            audit_batch(batch)
                .into_iter()
                .map(|result| match result {
                    Ok(report) => Done::Report {
                        // Rendering is a good share of the work: do it here, in parallel.
                        rendered: match format {
                            OutputFormat::Json => report::stream::element(&report),
                            _ => report::text::render(&report, opts),
                        },
                        entry: Entry::of(&report),
                        worst: report.worst(),
                    },
                    Err(f) => Done::Failed(f),
                })
                .collect()
        };
        if format == OutputFormat::Json {
            let mut json = JsonStream::new(&mut *stdout).ok();
            ordered_map(&pool, window, batch, inputs, work, |done| {
                if let (Done::Report { rendered, .. }, Some(j)) = (&done, json.as_mut())
                    && j.element(rendered).is_err()
                {
                    json = None;
                }
                record(&mut totals, &mut denied, args.deny, done);
            });
            bar.finish_and_clear();
            if let Some(j) = json {
                let _ = j.finish(&totals);
            }
        } else {
            let mut printed = 0usize;
            ordered_map(&pool, window, batch, inputs, work, |done| {
                if let Done::Report { rendered, .. } = &done
                    && !closed
                {
                    // --quiet is one line per file and nothing else.
                    let sep = if printed == 0 || args.quiet { "" } else { "\n" };
                    closed = write!(stdout, "{sep}{rendered}")
                        .and_then(|_| stdout.flush())
                        .is_err();
                    printed += 1;
                }
                record(&mut totals, &mut denied, args.deny, done);
            });
            bar.finish_and_clear();
            if totals.audited + totals.failures.len() > 1 && !args.quiet && !closed {
                let _ = write!(stdout, "\n{}", totals.text());
            }
        }
        sink.finish()?;
        return Ok(exit_code(fail_under, &totals, denied));
    }

    let mut reports = Vec::new();
    let mut totals = Totals::new(false);
    ordered_map(
        &pool,
        window,
        batch,
        inputs,
        audit_batch,
        |result| match result {
            Ok(report) => {
                record(
                    &mut totals,
                    &mut denied,
                    args.deny,
                    Done::Report {
                        rendered: String::new(),
                        entry: Entry::of(&report),
                        worst: report.worst(),
                    },
                );
                reports.push(report);
            }
            Err(f) => record(&mut totals, &mut denied, args.deny, Done::Failed(f)),
        },
    );
    bar.finish_and_clear();
    let failures = &totals.failures;
    let out = match format {
        OutputFormat::Json => report::json::render(&reports, failures),
        OutputFormat::Markdown => report::markdown::render_run(&reports, failures),
        OutputFormat::Sarif => {
            let catalog = report::RuleInfo::catalog(&auditor.rules);
            report::sarif::render(&reports, failures, &catalog)
        }
        OutputFormat::Github => report::github::render(&reports, failures),
        OutputFormat::Html => report::html::render(&reports, failures),
        OutputFormat::Text => {
            let mut s: String = reports
                .iter()
                .map(|r| report::text::render(r, opts))
                .collect::<Vec<_>>()
                .join(if args.quiet { "" } else { "\n" });
            if reports.len() + failures.len() > 1 && !args.quiet {
                s.push('\n');
                s.push_str(&report::text::summary(&reports, failures));
            }
            s
        }
    };
    let _ = sink.write_all(out.as_bytes());
    sink.finish()?;
    Ok(exit_code(fail_under, &totals, denied))
}

/// Fold one finished input into the run's totals, reporting a failure on stderr.
fn record(totals: &mut Totals, denied: &mut bool, deny: Option<DenyLevel>, done: Done) {
    match done {
        Done::Report { entry, worst, .. } => {
            *denied |= deny.is_some_and(|d| worst.is_some_and(|w| w >= d.severity()));
            totals.push(entry);
        }
        Done::Failed(f) => {
            eprintln!("error: {}", f.message);
            totals.failures.push(f);
        }
    }
}

fn exit_code(fail_under: Option<u8>, totals: &Totals, denied: bool) -> u8 {
    if !totals.failures.is_empty() {
        return EXIT_ERROR;
    }
    let below = fail_under.is_some_and(|min| totals.min_score.is_some_and(|low| low < min));
    if below || denied {
        EXIT_THRESHOLD
    } else {
        EXIT_OK
    }
}

/// Audit the documents among `items` as one batch
/// ([`Auditor::audit_many_spread`]), or in consecutive parts of about
/// `part_bytes` of text, each report in its item's place beside what `keep`
/// takes of the item; failed items stay as they are.
///
/// [`Auditor::audit_many_spread`]: sourcing::Auditor::audit_many_spread
fn audit_in_place<T, K, E>(
    auditor: &sourcing::Auditor,
    items: impl IntoIterator<Item = Result<T, E>>,
    part_bytes: usize,
    doc: impl Fn(&T) -> &sourcing::Document,
    keep: impl Fn(T) -> K,
    missing: impl Fn(&T) -> E,
) -> Vec<Result<(K, AuditReport), E>> {
    // A part is audited once its documents' text reaches `part_bytes`: a batch
    // of 40 files of up to --max-bytes each would otherwise hold 640 MiB of text
    // (and its segments and literal hits) at once. Articles are a few KB, so a
    // batch of them is one part. Only what `keep` takes of an audited item
    // stays until the batch is done, not its document.
    let mut out = Vec::new();
    let mut part = Vec::new();
    let mut bytes = 0usize;
    for item in items {
        if let Ok(t) = &item {
            bytes = bytes.saturating_add(doc(t).text.len());
        }
        part.push(item);
        if bytes >= part_bytes {
            out.extend(audit_part(
                auditor,
                std::mem::take(&mut part),
                &doc,
                &keep,
                &missing,
            ));
            bytes = 0;
        }
    }
    if !part.is_empty() {
        out.extend(audit_part(auditor, part, &doc, &keep, &missing));
    }
    out
}

/// Audit the documents among `items` together; see [`audit_in_place`].
fn audit_part<T, K, E>(
    auditor: &sourcing::Auditor,
    items: Vec<Result<T, E>>,
    doc: &impl Fn(&T) -> &sourcing::Document,
    keep: &impl Fn(T) -> K,
    missing: &impl Fn(&T) -> E,
) -> Vec<Result<(K, AuditReport), E>> {
    let docs: Vec<&sourcing::Document> = items
        .iter()
        .filter_map(|i| i.as_ref().ok().map(&doc))
        .collect();
    // One report per document, in order. ordered_map waits for one result per
    // input, so even a missing report must not lose its item: `missing` says so.
    // The command line holds no lock while auditing, so a lone document may
    // take every core.
    let mut reports = auditor.audit_many_spread(&docs).into_iter();
    items
        .into_iter()
        .map(|item| {
            let t = item?;
            match reports.next() {
                Some(report) => Ok((keep(t), report)),
                None => Err(missing(&t)),
            }
        })
        .collect()
}

/// Audit a batch of JSON Lines records (line number, line): for each, the line to
/// write (the report or an error record) and what it adds to the totals.
fn jsonl_records(
    auditor: &sourcing::Auditor,
    records: Vec<(usize, io::Result<String>)>,
    max_bytes: u64,
) -> Vec<(String, Done)> {
    let parsed = records.into_iter().map(|(line, record)| match record {
        Ok(text) => input::jsonl::parse(line, &text, max_bytes).map(|r| (line, r)),
        Err(e) => Err(input::jsonl::RecordError {
            line,
            id: None,
            message: format!("cannot read the line: {e}"),
        }),
    });
    let audited = audit_in_place(
        auditor,
        parsed,
        PART_BYTES,
        |(_, record)| &record.document,
        |(line, record)| (line, record.fields),
        |&(line, _)| input::jsonl::RecordError {
            line,
            id: None,
            message: "internal error: no report was produced".into(),
        },
    );
    audited
        .into_iter()
        .map(|result| match result {
            Ok(((_, fields), report)) => (
                input::jsonl::render(&fields, &report),
                Done::Report {
                    rendered: String::new(),
                    entry: Entry::of(&report),
                    worst: report.worst(),
                },
            ),
            Err(e) => (
                e.to_json(),
                Done::Failed(InputFailure {
                    file: e.name(),
                    message: {
                        // A record without an id is named by its line, which
                        // an input error already starts with.
                        let line = format!("line {}: ", e.line);
                        if e.message.starts_with(&line) {
                            e.message
                        } else {
                            line + &e.message
                        }
                    },
                }),
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sourcing::Document;
    use sourcing::input::Format;

    /// A batch audited in parts gets the reports it gets whole, each in its
    /// item's place, failed items kept, whatever the size of a part.
    #[test]
    fn a_batch_audited_in_parts_gets_the_same_reports_in_order() {
        let auditor = sourcing::Auditor::builtin().unwrap();
        let texts = [
            "The talks stalled, officials said.",
            "Hua Chunying, a Foreign Ministry spokeswoman, said the talks went well.",
            "Critics say the plan failed. The embassy did not respond to requests for comment.",
            "It rained.",
        ];
        let items = || -> Vec<Result<Document, usize>> {
            let mut items: Vec<_> = texts
                .iter()
                .enumerate()
                .map(|(k, t)| {
                    Ok(Document::from_text(
                        format!("{k}.txt"),
                        t.to_string(),
                        Format::Text,
                    ))
                })
                .collect();
            items.insert(2, Err(99));
            items
        };
        let run = |part_bytes| {
            audit_in_place(&auditor, items(), part_bytes, |d| d, |d| d, |_| 0)
                .into_iter()
                .map(|r| r.map(|(doc, report)| (doc.name, serde_json::to_string(&report).unwrap())))
                .collect::<Vec<_>>()
        };
        let whole = run(usize::MAX);
        assert_eq!(whole.len(), 5);
        assert_eq!(whole[2], Err(99));
        assert!(
            whole[3]
                .as_ref()
                .is_ok_and(|(_, r)| r.contains("declined-comment"))
        );
        // Parts of one document, and parts that end beside the failed item.
        for part_bytes in [1, 40, 80] {
            assert_eq!(run(part_bytes), whole, "parts of {part_bytes} bytes");
        }
    }
}
