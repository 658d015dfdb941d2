//! `sourcing eval`: precision and recall of the rules on annotated articles.

use std::io::Write;
use std::path::PathBuf;

use sourcing::eval;

use super::{EXIT_OK, RuleArgs, packs};

/// Output formats of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    /// The table evaluate.py prints.
    Text,
    /// The JSON of evaluate.py --json, plus `schema` and `details`.
    Json,
}

/// Score the rules against hand-annotated articles, sentence by sentence.
///
/// Each gold file (TOML) names an article in --articles and lists its sentences
/// with the categories they carry. Prints precision, recall and F1 per category
/// and two micro-averages: flags (anonymous, declined, state media, vague,
/// unverified) and all. The numbers equal those of the corpus's reference
/// evaluator, evaluate.py.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Directory of the articles the gold files name.
    #[arg(long, value_name = "DIR")]
    pub articles: PathBuf,
    /// Directory of gold annotations (*.toml).
    #[arg(long, value_name = "DIR")]
    pub gold: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// List every miss and false alarm with its sentence.
    #[arg(long)]
    pub details: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn run(args: EvalArgs) -> Result<u8, String> {
    let auditor = packs::auditor(&args.rules)?;
    let evaluation =
        eval::evaluate(&auditor, &args.articles, &args.gold).map_err(|e| e.to_string())?;
    for w in &evaluation.warnings {
        eprintln!("warning: {w}");
    }
    let out = match args.format {
        EvalFormat::Text => evaluation.render_text(args.details),
        EvalFormat::Json => {
            // Serializing plain data with string keys cannot fail.
            serde_json::to_string_pretty(&evaluation.to_json(args.details)).unwrap_or_default()
                + "\n"
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(EXIT_OK)
}
