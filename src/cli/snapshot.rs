//! `sourcing snapshot`: regression snapshots of a set of reference articles.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use sourcing::input::{self, DEFAULT_MAX_BYTES};
use sourcing::snapshot;

use super::{EXIT_ERROR, EXIT_OK, EXIT_THRESHOLD, RuleArgs, packs};

/// The long `--help` text: what a snapshot holds and what the exit codes mean.
pub const LONG_ABOUT: &str = "\
Regression snapshots: compare articles with their stored verdicts, or --update them.

Each article is audited and its verdict (score, grade, breakdown, ledger and findings) \
kept as a small text file in DIR, named after the article's path relative to the common \
folder of the inputs. Without --update, each changed article is shown with its score \
change, the findings added and removed, and a diff of its snapshot.

Exit codes: 0 every article unchanged (or --update succeeded), 1 something changed, \
is new or is missing, 2 usage, rule or input errors.";

/// Arguments of `sourcing snapshot`.
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// Articles: files, or directories searched recursively for .txt, .md and .markdown.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Folder holding the snapshots (created by --update).
    #[arg(long, value_name = "DIR", required = true)]
    pub dir: PathBuf,
    /// Accept the current verdicts: write new and changed snapshots, exit 0.
    #[arg(long)]
    pub update: bool,
    /// With --update: delete snapshots whose article no longer exists.
    #[arg(long, requires = "update")]
    pub prune: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Largest article accepted, in bytes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

/// What became of one article.
enum Outcome {
    Unchanged,
    Changed { stored: String },
    New,
}

struct Article {
    name: String,
    file: String,
    current: String,
    outcome: Outcome,
}

/// Does the snapshot folder exist? An error if the path exists but cannot be a
/// folder (a regular file, or a path through one).
fn dir_exists(dir: &Path) -> Result<bool, String> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(true),
        Ok(_) => Err(format!(
            "{}: is not a folder; give --dir a folder for the snapshots (it is created if missing)",
            dir.display()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!(
            "{}: cannot use as the snapshot folder: {e}; give --dir a folder you can write",
            dir.display()
        )),
    }
}

pub fn run(args: SnapshotArgs) -> Result<u8, String> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(
            "snapshot needs article files: standard input (-) has no name to store a snapshot under"
                .to_string(),
        );
    }
    let auditor = packs::auditor(&args.rules)?;
    let dir = &args.dir;
    let exists = dir_exists(dir)?;

    let root = snapshot::common_root(&args.paths);
    let mut errors: Vec<String> = Vec::new();
    // Snapshot file name → article name, to catch two articles whose names
    // sanitize to the same file.
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    let mut jobs: Vec<(PathBuf, String, String)> = Vec::new();
    for p in input::expand_paths(&args.paths) {
        match p {
            Err(e) => errors.push(e.to_string()),
            Ok(path) => {
                let name = snapshot::article_name(&root, &path);
                let file = snapshot::file_name(&name);
                if let Some(other) = taken.get(&file) {
                    if *other == name {
                        // The same article named twice (`dir dir/a.txt`): audit it once.
                        continue;
                    }
                    errors.push(format!(
                        "{}: its snapshot name {file} is already used by {other}; rename one of the two articles",
                        path.display()
                    ));
                    continue;
                }
                taken.insert(file.clone(), name.clone());
                jobs.push((path, name, file));
            }
        }
    }

    let audited: Vec<Result<(String, String, String), String>> = jobs
        .par_iter()
        .map(|(path, name, file)| {
            let doc = input::read_file(path, args.max_bytes).map_err(|e| e.to_string())?;
            let report = auditor.audit(&doc);
            Ok((name.clone(), file.clone(), snapshot::render(&report, name)))
        })
        .collect();

    let mut articles = Vec::new();
    for r in audited {
        let (name, file, current) = match r {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let outcome = if exists {
            match std::fs::read(dir.join(&file)) {
                Ok(bytes) => match String::from_utf8_lossy(&bytes) {
                    stored if stored == current => Outcome::Unchanged,
                    stored => Outcome::Changed {
                        stored: stored.into_owned(),
                    },
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Outcome::New,
                Err(e) => {
                    errors.push(format!(
                        "{}: cannot read snapshot: {e}",
                        dir.join(&file).display()
                    ));
                    continue;
                }
            }
        } else {
            Outcome::New
        };
        articles.push(Article {
            name,
            file,
            current,
            outcome,
        });
    }
    articles.sort_by(|a, b| a.name.cmp(&b.name));

    // Missing: our snapshots in DIR that no input of this run maps to. Inputs
    // that failed to read still claim their name, so a broken file is reported
    // as an error, not as missing.
    let missing: Vec<snapshot::Stored> = if exists {
        snapshot::list(dir)
            .map_err(|e| format!("{}: cannot list snapshots: {e}", dir.display()))?
            .into_iter()
            .filter(|s| !taken.contains_key(&s.file))
            .collect()
    } else {
        Vec::new()
    };

    let mut out = String::new();
    let (mut unchanged, mut changed, mut new) = (0, 0, 0);
    for a in &articles {
        match &a.outcome {
            Outcome::Unchanged => unchanged += 1,
            Outcome::Changed { stored } => {
                changed += 1;
                out.push_str(&format!("changed: {} ({})\n", a.name, a.file));
                out.push_str(&snapshot::difference(stored, &a.current));
                out.push('\n');
            }
            Outcome::New => {
                new += 1;
                out.push_str(&format!("new: {} ({})\n", a.name, a.file));
            }
        }
    }
    for m in &missing {
        out.push_str(&format!(
            "missing: {} ({}): no input maps to this snapshot\n",
            m.article.as_deref().unwrap_or("(unknown article)"),
            m.file
        ));
    }
    if new > 0 || !missing.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!(
        "{unchanged} unchanged, {changed} changed, {new} new, {} missing\n",
        missing.len()
    ));

    if args.update {
        out.push_str(&update(
            &args,
            &root,
            exists,
            &articles,
            &missing,
            &mut errors,
        ));
    } else if changed + new + missing.len() > 0 {
        out.push_str(
            "review the differences above; run again with --update to accept them \
             (add --prune to delete snapshots of articles that no longer exist)\n",
        );
    }

    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    for e in &errors {
        eprintln!("error: {e}");
    }
    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if args.update || changed + new + missing.len() == 0 {
        EXIT_OK
    } else {
        EXIT_THRESHOLD
    })
}

/// Write new and changed snapshots, and prune if asked. Returns the lines to print;
/// failures go to `errors`, and never cost a stored snapshot.
fn update(
    args: &SnapshotArgs,
    root: &Path,
    exists: bool,
    articles: &[Article],
    missing: &[snapshot::Stored],
    errors: &mut Vec<String>,
) -> String {
    let dir = &args.dir;
    let mut out = String::new();
    let to_write: Vec<&Article> = articles
        .iter()
        .filter(|a| !matches!(a.outcome, Outcome::Unchanged))
        .collect();
    if !to_write.is_empty()
        && !exists
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        errors.push(format!(
            "{}: cannot create the snapshot folder: {e}; nothing was written",
            dir.display()
        ));
        return out;
    }
    let mut written = 0;
    for a in to_write {
        match snapshot::write_atomic(dir, &a.file, &a.current) {
            Ok(()) => written += 1,
            Err(e) => errors.push(format!(
                "{}: cannot write snapshot: {e}; the stored snapshot, if any, is unchanged",
                dir.join(&a.file).display()
            )),
        }
    }
    out.push_str(&format!(
        "updated: wrote {written} snapshot{}\n",
        if written == 1 { "" } else { "s" }
    ));

    if !args.prune {
        if !missing.is_empty() {
            out.push_str("kept missing snapshots; add --prune to delete those whose article no longer exists\n");
        }
        return out;
    }
    let mut pruned = 0;
    let mut kept = BTreeSet::new();
    for m in missing {
        let article_exists = m.article.as_deref().is_some_and(|a| {
            let rel = Path::new(a);
            // A snapshot edited to point outside the root proves nothing exists.
            rel.is_relative()
                && rel
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
                && root.join(rel).exists()
        });
        if article_exists {
            kept.insert(m.file.clone());
            continue;
        }
        match std::fs::remove_file(dir.join(&m.file)) {
            Ok(()) => pruned += 1,
            Err(e) => errors.push(format!(
                "{}: cannot delete snapshot: {e}",
                dir.join(&m.file).display()
            )),
        }
    }
    out.push_str(&format!(
        "pruned: deleted {pruned} snapshot{}\n",
        if pruned == 1 { "" } else { "s" }
    ));
    for k in kept {
        out.push_str(&format!(
            "kept {k}: its article still exists but was not among the inputs\n"
        ));
    }
    out
}
