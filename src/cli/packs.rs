//! Finding and reading rule packs named on the command line.

use std::path::Path;

use sourcing::Auditor;
use sourcing::rules::{PackSource, RuleError, builtin_sources};

use super::RuleArgs;

/// Read the pack files under a path: the file itself, or every `.toml` in a
/// directory (sorted, not recursive).
pub fn read_packs(path: &Path) -> Result<Vec<PackSource>, RuleError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        RuleError::file(&name, format!("cannot read rules: {e}"))
            .help("check the path given to --rules")
    })?;
    let mut files = Vec::new();
    if meta.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| RuleError::file(&name, format!("cannot list directory: {e}")))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
                files.push(p);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(RuleError::file(&name, "directory has no .toml rule packs")
                .help("put pack files ending in .toml in it"));
        }
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|p| {
            let path = p.display().to_string();
            let bytes = std::fs::read(&p)
                .map_err(|e| RuleError::file(&path, format!("cannot read rules: {e}")))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                RuleError::file(&path, "rule pack is not valid UTF-8")
                    .help("save the pack as UTF-8")
            })?;
            Ok(PackSource { path, text })
        })
        .collect()
}

/// Every pack source a command should load: built-ins unless disabled, then the
/// `--rules` packs in the order given.
pub fn sources(args: &RuleArgs) -> Result<Vec<PackSource>, Vec<RuleError>> {
    let mut out = if args.no_default_rules {
        Vec::new()
    } else {
        builtin_sources()
    };
    let mut errors = Vec::new();
    for path in &args.rules {
        match read_packs(path) {
            Ok(mut packs) => out.append(&mut packs),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Build an auditor, printing every rule error (rustc-style) to standard error.
pub fn auditor(args: &RuleArgs) -> Result<Auditor, String> {
    let result = sources(args).and_then(|s| Auditor::from_sources(&s));
    result.map_err(|errors| {
        for e in &errors {
            eprint!("{}", e.render());
        }
        format!(
            "{} problem{} in rule packs; nothing was audited",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )
    })
}
