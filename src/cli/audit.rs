//! `sourcing audit`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

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
    /// Read articles as this format (default: by extension; stdin as text).
    #[arg(long = "input", value_enum, value_name = "FORMAT", default_value_t = InputChoice::Auto)]
    pub input: InputChoice,
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

pub fn run(args: AuditArgs) -> Result<u8, String> {
    let auditor = packs::auditor(&args.rules)?;
    let paths = input::expand_paths(&args.paths);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let results: Vec<Result<AuditReport, InputError>> = pool.install(|| {
        paths
            .par_iter()
            .map(|p| match p {
                Err(e) => Err(e.clone()),
                Ok(path) => match load(path, args.max_bytes, args.input.format()) {
                    Loaded::Doc(doc) => Ok(auditor.audit(&doc)),
                    Loaded::Failed(e) => Err(e),
                },
            })
            .collect()
    });

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

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let out = match args.format {
        OutputFormat::Json => report::json::render(&reports, &failures),
        OutputFormat::Text => {
            let opts = report::text::TextOptions {
                color,
                quiet: args.quiet,
                width: 100,
            };
            let mut s: String = reports
                .iter()
                .map(|r| report::text::render(r, opts))
                .collect::<Vec<_>>()
                .join("\n");
            if reports.len() + failures.len() > 1 {
                s.push('\n');
                s.push_str(&report::text::summary(&reports, &failures));
            }
            s
        }
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();

    if !failures.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let below = args
        .fail_under
        .is_some_and(|min| reports.iter().any(|r| r.score.value < min));
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
