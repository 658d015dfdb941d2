//! Finding and reading rule packs and `sourcing.toml` for every command that
//! loads rules.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use sourcing::Auditor;
use sourcing::config::Config;
use sourcing::rules::{PackSource, RuleError, builtin_sources};

use super::{OutputFormat, RuleArgs};

/// Read the pack files under a path: the file itself, or every `.toml` in a
/// directory (sorted, not recursive).
pub fn read_packs(path: &Path) -> Result<Vec<PackSource>, RuleError> {
    sourcing::rules::read_packs(path)
}

/// The configuration in effect: `--config FILE`, else `sourcing.toml` in the
/// current directory or its nearest parent that has one; none under `--no-config`.
pub fn config(args: &RuleArgs) -> Result<Option<Config>, RuleError> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| Config::discover(&cwd)),
    };
    let Some(path) = path else { return Ok(None) };
    let config = Config::read(&path)?;
    if let Some(f) = &config.file.audit.format
        && OutputFormat::from_str(f.get_ref(), false).is_err()
    {
        let names: Vec<String> = OutputFormat::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        return Err(RuleError::at(
            &config.source,
            f.span(),
            format!("unknown output format `{}`", f.get_ref()),
        )
        .help(format!("use one of: {}", names.join(", "))));
    }
    Ok(Some(config))
}

/// Everything a command needs from its rules: the auditor and the configuration.
pub struct Setup {
    /// Compiled rules with the configuration applied.
    pub auditor: Auditor,
    /// The configuration, if one was found.
    pub config: Option<Config>,
    /// The pack files read from `extra`.
    pub extra_files: Vec<String>,
}

/// Load everything: the configuration, the built-in packs unless disabled, the
/// config's packs, the `--rules` packs and then `extra`; compile, and apply the
/// configuration. Every problem in any of them is returned, not only the first.
pub fn load(args: &RuleArgs, extra: &[PathBuf]) -> Result<Setup, Vec<RuleError>> {
    let mut errors = Vec::new();
    let config = config(args).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let mut sources = if args.no_default_rules {
        Vec::new()
    } else {
        builtin_sources()
    };
    if let Some(c) = &config {
        let (mut packs, mut errs) = c.pack_sources();
        sources.append(&mut packs);
        errors.append(&mut errs);
    }
    for path in &args.rules {
        match read_packs(path) {
            Ok(mut packs) => sources.append(&mut packs),
            Err(e) => errors.push(e),
        }
    }
    // A file named both here and by the config or --rules (`rules test
    // rules/newsroom.toml` with that pack in sourcing.toml) is loaded once.
    let mut extra_files = Vec::new();
    for path in extra {
        match read_packs(path) {
            Ok(packs) => {
                for pack in packs {
                    let here = std::fs::canonicalize(&pack.path).ok();
                    let loaded = sources
                        .iter()
                        .find(|s| here.is_some() && std::fs::canonicalize(&s.path).ok() == here);
                    match loaded {
                        Some(s) => extra_files.push(s.path.clone()),
                        None => {
                            extra_files.push(pack.path.clone());
                            sources.push(pack);
                        }
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    match Auditor::from_sources(&sources) {
        Ok(mut auditor) => {
            if let Some(c) = &config {
                errors.extend(c.apply(&mut auditor.rules));
            }
            if errors.is_empty() {
                return Ok(Setup {
                    auditor,
                    config,
                    extra_files,
                });
            }
        }
        Err(mut errs) => errors.append(&mut errs),
    }
    Err(errors)
}

/// Print every rule error (rustc-style) to standard error; the one-line summary
/// for `main` to print last.
pub fn report(errors: &[RuleError]) -> String {
    for e in errors {
        eprintln!("{}", e.render());
    }
    format!(
        "{} problem{} in rule packs or configuration",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )
}

/// Load rules and configuration, printing every problem to standard error.
pub fn setup(args: &RuleArgs) -> Result<Setup, String> {
    load(args, &[]).map_err(|errors| format!("{}; nothing was audited", report(&errors)))
}

/// Build an auditor with the configuration applied, printing every rule error
/// (rustc-style) to standard error.
#[allow(dead_code)] // the entry point for commands that need only the auditor
pub fn auditor(args: &RuleArgs) -> Result<Auditor, String> {
    setup(args).map(|s| s.auditor)
}
