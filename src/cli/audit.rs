//! `sourcing audit`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use rayon::prelude::*;

use sourcing::input::{self, DEFAULT_MAX_BYTES, Format, InputError};
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
}

impl InputChoice {
    fn format(self) -> Option<Format> {
        match self {
            InputChoice::Auto => None,
            InputChoice::Text => Some(Format::Text),
            InputChoice::Markdown => Some(Format::Markdown),
            InputChoice::Html => Some(Format::Html),
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
    /// atomically (written beside it, then renamed); it may not be one of the inputs.
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
    /// Audit at most N articles at once (default: one per core).
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

/// A path made absolute and free of `.`/`..`/symlinks as far as it exists, so
/// two spellings of one file compare equal even before the file is created.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = parent.unwrap_or(Path::new(".")).canonicalize().ok()?;
    Some(dir.join(name))
}

/// Refuse an `--output` that would overwrite an article being audited.
fn check_output(output: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let Some(out) = resolved(output) else {
        return Ok(());
    };
    for input in inputs {
        if input.as_os_str() != "-" && resolved(input).is_some_and(|i| i == out) {
            return Err(format!(
                "--output {} is also an input; the report would overwrite the article. \
                 Choose another file name.",
                output.display()
            ));
        }
    }
    Ok(())
}

/// Write `data` to `path` atomically: a temporary file in the same directory
/// (so the rename cannot cross file systems), flushed, then renamed over
/// `path`. Readers see the old report or the new one, never half of one.
fn write_atomic(path: &Path, data: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail =
        |what: &str, e: std::io::Error| format!("cannot write {}: {what}: {e}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".sourcing-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            fail(
                &format!("cannot create a temporary file in {}", dir.display()),
                e,
            )
        })?;
    tmp.write_all(data).map_err(|e| fail("write failed", e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| fail("flush failed", e))?;
    // A temporary file is private (0600); a report is an ordinary file. Keep the
    // permissions of a file being replaced.
    let perms = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                Some(std::fs::Permissions::from_mode(0o644))
            }
            #[cfg(not(unix))]
            {
                None
            }
        }
    };
    if let Some(p) = perms {
        let _ = tmp.as_file().set_permissions(p);
    }
    tmp.persist(path)
        .map_err(|e| fail("rename failed", e.error))?;
    Ok(())
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

pub fn run(args: AuditArgs) -> Result<u8, String> {
    let setup = packs::setup(&args.rules)?;
    let auditor = setup.auditor;
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
    let paths = input::expand_paths(&args.paths);
    if let Some(out) = &args.output {
        let inputs: Vec<PathBuf> = paths
            .iter()
            .filter_map(|p| p.as_ref().ok().cloned())
            .chain(args.paths.iter().cloned())
            .collect();
        check_output(out, &inputs)?;
    }
    let bar = progress(paths.len());

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let results: Vec<Result<AuditReport, InputError>> = pool.install(|| {
        paths
            .par_iter()
            .map(|p| {
                let result = match p {
                    Err(e) => Err(e.clone()),
                    Ok(path) => match load(path, args.max_bytes, args.input.format()) {
                        Loaded::Doc(doc) => Ok(auditor.audit(&doc)),
                        Loaded::Failed(e) => Err(e),
                    },
                };
                bar.inc(1);
                result
            })
            .collect()
    });
    bar.finish_and_clear();

    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for r in results {
        match r {
            Ok(report) => reports.push(report),
            Err(e) => {
                eprintln!("error: {e}");
                failures.push(InputFailure {
                    file: e.path().to_string(),
                    message: e.to_string(),
                });
            }
        }
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let out = match format {
        OutputFormat::Json => report::json::render(&reports, &failures),
        OutputFormat::Markdown => report::markdown::render_run(&reports, &failures),
        OutputFormat::Sarif => {
            let catalog = report::RuleInfo::catalog(&auditor.rules);
            report::sarif::render(&reports, &failures, &catalog)
        }
        OutputFormat::Github => report::github::render(&reports, &failures),
        OutputFormat::Html => report::html::render(&reports, &failures),
        OutputFormat::Text => {
            let opts = report::text::TextOptions {
                color,
                quiet: args.quiet,
                width: text_width(to_terminal),
            };
            let mut s: String = reports
                .iter()
                .map(|r| report::text::render(r, opts))
                .collect::<Vec<_>>()
                .join(if args.quiet { "" } else { "\n" });
            // --quiet is one line per file and nothing else.
            if reports.len() + failures.len() > 1 && !args.quiet {
                s.push('\n');
                s.push_str(&report::text::summary(&reports, &failures));
            }
            s
        }
    };
    match &args.output {
        Some(path) => write_atomic(path, out.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(out.as_bytes());
            let _ = stdout.flush();
        }
    }

    if !failures.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let below = fail_under.is_some_and(|min| reports.iter().any(|r| r.score.value < min));
    let denied = args.deny.is_some_and(|d| {
        reports
            .iter()
            .any(|r| r.worst().is_some_and(|w| w >= d.severity()))
    });
    Ok(if below || denied {
        EXIT_THRESHOLD
    } else {
        EXIT_OK
    })
}
