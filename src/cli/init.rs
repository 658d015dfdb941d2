//! `sourcing init`: a commented starter `sourcing.toml` and an example rule pack.

use std::path::{Path, PathBuf};

use super::EXIT_OK;

/// The starter configuration.
pub const STARTER_CONFIG: &str = include_str!("templates/sourcing.toml");
/// The example pack, written to `rules/newsroom.toml`.
pub const STARTER_PACK: &str = include_str!("templates/newsroom.toml");

/// Write a commented starter sourcing.toml and an example rule pack
/// (rules/newsroom.toml) into DIR. Existing files are left alone unless --force.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write the files.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

/// Run `sourcing init`.
pub fn run(args: InitArgs) -> Result<u8, String> {
    // `sourcing.toml`, not `./sourcing.toml`, in messages about the current directory.
    let dir = if args.dir == Path::new(".") {
        PathBuf::new()
    } else {
        args.dir.clone()
    };
    let config = dir.join(sourcing::config::FILE_NAME);
    let pack = dir.join("rules").join("newsroom.toml");
    let files = [(&config, STARTER_CONFIG), (&pack, STARTER_PACK)];
    // Check both before writing either, so a refusal leaves nothing half done.
    if !args.force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "{} already exist{}; nothing was written (pass --force to overwrite)",
                existing.join(" and "),
                if existing.len() == 1 { "s" } else { "" }
            ));
        }
    }
    if let Some(rules_dir) = pack.parent() {
        std::fs::create_dir_all(rules_dir)
            .map_err(|e| format!("cannot create {}: {e}", rules_dir.display()))?;
    }
    for (path, text) in files {
        sourcing::atomic::write(path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    println!(
        "next: `sourcing rules test` runs the example pack's examples; `sourcing rules check` validates both files"
    );
    Ok(EXIT_OK)
}
