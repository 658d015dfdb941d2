//! Command-line definitions and dispatch.

mod audit;
mod eval;
mod init;
mod packs;
mod rules;
mod snapshot;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code: nothing failed.
pub const EXIT_OK: u8 = 0;
/// Exit code: a threshold failed (`--fail-under`, `--deny`), or a rule test failed.
pub const EXIT_THRESHOLD: u8 = 1;
/// Exit code: usage, configuration or input errors.
pub const EXIT_ERROR: u8 = 2;

/// Audit how news articles source their claims.
///
/// sourcing finds every attribution in an article (anonymous officials, declined
/// comment, state-media readouts, vague "critics say", named on-record sources,
/// documents), builds a ledger of who the article relies on, and scores its
/// sourcing from 0 to 100 with every point explained.
///
/// Exit codes: 0 clean, 1 a threshold failed, 2 usage, configuration or input errors.
#[derive(Debug, Parser)]
#[command(name = "sourcing", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit articles: files, directories (searched for .txt, .md, .markdown, .html, .htm) or - for stdin.
    Audit(audit::AuditArgs),
    /// Regression snapshots: compare articles with their stored verdicts, or --update them.
    #[command(long_about = snapshot::LONG_ABOUT)]
    Snapshot(snapshot::SnapshotArgs),
    /// List, explain, check and test rules: built-in packs, your packs and sourcing.toml.
    Rules(rules::RulesArgs),
    /// Write a commented starter sourcing.toml and an example rule pack.
    Init(init::InitArgs),
    /// Score the rules against annotated articles: precision, recall and F1 per category.
    Eval(eval::EvalArgs),
}

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable diagnostics, ledger and score breakdown.
    Text,
    /// One JSON object: {"schema": "sourcing/audit/v1", "reports": [...], "errors": [...], "summary": {...}}.
    Json,
    /// Markdown for a review ticket or pull request: tables, findings by category, ledger.
    Markdown,
    /// SARIF 2.1.0 for code-scanning tools (GitHub code scanning, SARIF viewers).
    Sarif,
    /// GitHub Actions annotations (::warning file=...,line=...::message), one per finding.
    Github,
    /// One self-contained HTML page: the article with findings highlighted, score panel, legend.
    Html,
}

/// Where rules come from: shared by every command that loads packs.
#[derive(Debug, Clone, clap::Args)]
pub struct RuleArgs {
    /// Add a rule pack: a TOML file, or a directory of them. Repeatable.
    #[arg(long = "rules", value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in packs (the default scoring model still applies).
    #[arg(long)]
    pub no_default_rules: bool,
    /// Read this configuration instead of the sourcing.toml found in the current
    /// directory or its parents.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore sourcing.toml.
    #[arg(long)]
    pub no_config: bool,
}

/// Run a parsed command line; returns the exit code, or a message for exit 2.
pub fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Audit(args) => audit::run(args),
        Command::Snapshot(args) => snapshot::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Init(args) => init::run(args),
        Command::Eval(args) => eval::run(args),
    }
}
