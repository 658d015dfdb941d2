//! `sourcing audit`.

use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use sourcing::input::{self, DEFAULT_MAX_BYTES, Format, InputError};
use sourcing::report::stream::{Entry, JsonStream, Totals};
use sourcing::report::{self, InputFailure, json};
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

/// Audit articles and print a scored sourcing report.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Articles to audit: files, directories (searched recursively for .txt, .md and
    /// .markdown), or - for standard input.
    #[arg(value_name = "PATH|-", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Exit with code 1 if any article scores below SCORE (0-100).
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub fail_under: Option<u8>,
    /// Exit with code 1 if any finding is at this severity or worse.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub deny: Option<DenyLevel>,
    /// Largest article accepted, in bytes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Print one summary line per article instead of the full report (text format).
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Audit at most N articles at once (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// How to read the inputs: `auto` (one article per file) or `jsonl`.
    #[arg(long, value_enum, value_name = "KIND", default_value_t = InputKind::Auto)]
    pub input: InputKind,
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

/// How to read the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputKind {
    /// Each path is one article; the format follows the file extension.
    Auto,
    /// JSON Lines: one article per line, `{"id": …, "text": …}`; writes one JSON
    /// report per line, in input order (whatever --format says).
    Jsonl,
}

enum Loaded {
    Doc(Box<sourcing::Document>),
    Failed(InputError),
}

fn load(path: &Path, max_bytes: u64) -> Loaded {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        let limit = max_bytes.saturating_add(1);
        if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
            return Loaded::Failed(InputError::Io {
                path: "<stdin>".into(),
                message: e.to_string(),
            });
        }
        return match input::decode("<stdin>", bytes, Format::Text, max_bytes) {
            Ok(d) => Loaded::Doc(Box::new(d)),
            Err(e) => Loaded::Failed(e),
        };
    }
    match input::read_file(path, max_bytes) {
        Ok(d) => Loaded::Doc(Box::new(d)),
        Err(e) => Loaded::Failed(e),
    }
}

/// Messages to the thread that writes output.
enum Event<A, T> {
    /// Input number `.0`, read and ready to audit.
    Item(usize, A),
    /// The input ran out after this many items.
    End(usize),
    /// Input number `.0`, audited.
    Done(usize, T),
}

/// Map `work` over `items` on the pool, handing each result to `emit` in input
/// order as soon as it and every earlier one are done. At most `window` items
/// are read but not yet emitted, so memory does not grow with the number of
/// inputs. `items` is read on a thread of its own, so that a slow input (a
/// pipe) never holds back output that is ready; `emit` runs on the calling
/// thread and the pool's threads do the work.
fn ordered_map<I, T, W, E>(pool: &rayon::ThreadPool, window: usize, items: I, work: W, mut emit: E)
where
    I: Iterator + Send,
    I::Item: Send,
    T: Send,
    W: Fn(I::Item) -> T + Sync,
    E: FnMut(T),
{
    let work = &work;
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
            while total != Some(next) {
                // `events` is alive here, so this cannot fail.
                let Ok(event) = inbox.recv() else { break };
                match event {
                    Event::Item(i, item) => {
                        let done = events.clone();
                        scope.spawn(move |_| {
                            let _ = done.send(Event::Done(i, work(item)));
                        });
                    }
                    Event::End(n) => total = Some(n),
                    Event::Done(i, t) => {
                        waiting.insert(i, t);
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
    let auditor = packs::auditor(&args.rules)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let window = pool.current_num_threads().max(1) * 8;

    // Only the text summary lists every article.
    let mut totals =
        Totals::new(args.input == InputKind::Auto && args.format == OutputFormat::Text);
    let mut denied = false;
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message: stop writing.
    let mut closed = false;

    if args.input == InputKind::Jsonl {
        let work = |(line, record): (usize, io::Result<String>)| {
            jsonl_record(&auditor, line, record, args.max_bytes)
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
            ordered_map(&pool, window, lines, work, &mut emit);
        }
        totals.failures.append(&mut unopened);
        return Ok(exit_code(&args, &totals, denied));
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let opts = report::text::TextOptions {
        color,
        quiet: args.quiet,
        width: 100,
    };
    let format = args.format;
    let paths = input::expand_paths(&args.paths);
    let work = |p: &Result<PathBuf, InputError>| {
        let loaded = match p {
            Err(e) => Loaded::Failed(e.clone()),
            Ok(path) => load(path, args.max_bytes),
        };
        match loaded {
            Loaded::Doc(doc) => {
                let report = auditor.audit(&doc);
                // Rendering is a good share of the work: do it here, in parallel.
                let rendered = match format {
                    OutputFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default(),
                    OutputFormat::Text => report::text::render(&report, opts),
                };
                Done::Report {
                    rendered,
                    entry: Entry::of(&report),
                    worst: report.worst(),
                }
            }
            Loaded::Failed(e) => Done::Failed(InputFailure {
                file: e.path().to_string(),
                message: e.to_string(),
            }),
        }
    };

    match format {
        OutputFormat::Json => {
            let mut json = JsonStream::new(&mut stdout).ok();
            ordered_map(&pool, window, paths.iter(), work, |done| {
                if let (Done::Report { rendered, .. }, Some(j)) = (&done, json.as_mut())
                    && j.report_json(rendered).is_err()
                {
                    json = None;
                }
                record(&mut totals, &mut denied, args.deny, done);
            });
            if let Some(j) = json {
                let _ = j.finish(&totals);
            }
        }
        OutputFormat::Text => {
            let mut printed = 0usize;
            ordered_map(&pool, window, paths.iter(), work, |done| {
                if let Done::Report { rendered, .. } = &done
                    && !closed
                {
                    let sep = if printed == 0 { "" } else { "\n" };
                    closed = write!(stdout, "{sep}{rendered}")
                        .and_then(|_| stdout.flush())
                        .is_err();
                    printed += 1;
                }
                record(&mut totals, &mut denied, args.deny, done);
            });
            if totals.audited + totals.failures.len() > 1 && !closed {
                let _ = write!(stdout, "\n{}", totals.text());
                let _ = stdout.flush();
            }
        }
    }
    Ok(exit_code(&args, &totals, denied))
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

fn exit_code(args: &AuditArgs, totals: &Totals, denied: bool) -> u8 {
    if !totals.failures.is_empty() {
        return EXIT_ERROR;
    }
    let below = args
        .fail_under
        .is_some_and(|min| totals.min_score.is_some_and(|low| low < min));
    if below || denied {
        EXIT_THRESHOLD
    } else {
        EXIT_OK
    }
}

/// Audit one JSON Lines record. Returns the output line, and what the run's
/// totals need. A bad record becomes an error record naming its line.
fn jsonl_record(
    auditor: &sourcing::Auditor,
    line: usize,
    record: io::Result<String>,
    max_bytes: u64,
) -> (String, Done) {
    let fail = |id: Option<&serde_json::Value>, message: String| {
        let mut out = serde_json::Map::new();
        out.insert("line".into(), line.into());
        if let Some(id) = id {
            out.insert("id".into(), id.clone());
        }
        out.insert("error".into(), message.clone().into());
        let file = match id {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => format!("line {line}"),
        };
        (
            serde_json::Value::Object(out).to_string(),
            Done::Failed(InputFailure {
                file,
                message: format!("line {line}: {message}"),
            }),
        )
    };
    let text = match record {
        Ok(t) => t,
        Err(e) => return fail(None, format!("cannot read the line: {e}")),
    };
    let mut fields = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => {
            return fail(
                None,
                "the line is JSON but not an object; write {\"id\": …, \"text\": \"…\"}".into(),
            );
        }
        Err(e) => return fail(None, format!("invalid JSON: {e}")),
    };
    let id = fields.get("id").cloned();
    let article = match fields.remove("text") {
        Some(serde_json::Value::String(s)) => s,
        Some(_) => return fail(id.as_ref(), "`text` must be a string".into()),
        None => {
            return fail(
                id.as_ref(),
                "no `text` field; each line needs {\"text\": \"…\"}".into(),
            );
        }
    };
    let name = match &id {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => format!("line {line}"),
    };
    let doc = match input::decode(&name, article.into_bytes(), Format::Text, max_bytes) {
        Ok(d) => d,
        Err(e) => return fail(id.as_ref(), e.to_string()),
    };
    let report = auditor.audit(&doc);
    // Every other field passes through, so the output joins back to the input;
    // the report keeps its own field order (a JSON map would sort it).
    fields.remove("report");
    let report_json = json::render_line(&report);
    let passthrough = serde_json::Value::Object(fields).to_string();
    let out = match passthrough.strip_suffix('}') {
        Some(head) if head.len() > 1 => format!("{head},\"report\":{report_json}}}"),
        _ => format!("{{\"report\":{report_json}}}"),
    };
    (
        out,
        Done::Report {
            rendered: String::new(),
            entry: Entry::of(&report),
            worst: report.worst(),
        },
    )
}
