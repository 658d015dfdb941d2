//! `sourcing rules list | show | check | test`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use sourcing::rules::error::nearest;
use sourcing::rules::{Example, RuleError, Severity};

use super::{EXIT_OK, EXIT_THRESHOLD, RuleArgs, packs};

/// List, explain, check and test rules.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

/// The `rules` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// List the loaded rules: id, category, severity, weight and pack (after sourcing.toml).
    List(ListArgs),
    /// Explain one rule: what it flags and why, its pattern as written and as compiled,
    /// message, advice, references and examples.
    Show(ShowArgs),
    /// Validate rule packs and sourcing.toml, reporting every problem (exit 2 if any).
    ///
    /// With no FILE, checks the built-in packs, the configuration and its packs and
    /// any --rules packs. A FILE named sourcing.toml is checked as the configuration.
    Check(CheckArgs),
    /// Run rules' examples and report each failure; ends with `N passed, N failed`
    /// (exit 1 if any failed).
    ///
    /// With no FILE, tests every loaded rule: the built-in packs and the
    /// configuration's packs. With FILEs, tests only the rules in those packs (the
    /// built-in packs still load, so their lexicons and `overridden_by` apply).
    Test(TestArgs),
}

/// Output formats of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// An aligned table.
    Text,
    /// {"schema": "sourcing/rules/v1", "rules": [...]}.
    Json,
}

/// `rules list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only rules of this category.
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Only rules of this pack.
    #[arg(long, value_name = "PACK")]
    pub pack: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// `rules show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The rule's id (`sourcing rules list` shows them).
    pub id: String,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// `rules check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Pack files or directories to check (a file named sourcing.toml is checked
    /// as the configuration).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// `rules test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Pack files or directories whose rules to test.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Run a `rules` subcommand.
pub fn run(args: RulesArgs) -> Result<u8, String> {
    match args.command {
        RulesCommand::List(a) => list(a),
        RulesCommand::Show(a) => show(a),
        RulesCommand::Check(a) => check(a),
        RulesCommand::Test(a) => test(a),
    }
}

fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// One row of `rules list`.
#[derive(Debug, Serialize)]
struct Row {
    id: String,
    name: String,
    kind: &'static str,
    category: String,
    severity: Severity,
    weight: f64,
    pack: String,
}

fn list(args: ListArgs) -> Result<u8, String> {
    let setup = packs::setup(&args.rules)?;
    let set = &setup.auditor.rules;
    let mut rows: Vec<Row> = set
        .rules
        .iter()
        .map(|r| Row {
            id: r.id.clone(),
            name: r.name.clone(),
            kind: "pattern",
            category: r.category.clone(),
            severity: r.severity,
            weight: r.weight,
            pack: r.pack.clone(),
        })
        .chain(set.document_rules.iter().map(|r| Row {
            id: r.id.clone(),
            name: r.name.clone(),
            kind: "document",
            category: r.category.clone(),
            severity: r.severity,
            weight: r.weight,
            pack: r.pack.clone(),
        }))
        .collect();
    // A filter that matches nothing is most often a typo: say so.
    if let Some(c) = &args.category {
        let known: Vec<&str> = rows.iter().map(|r| r.category.as_str()).collect();
        if !known.contains(&c.as_str()) {
            return Err(no_such("category", c, &known));
        }
    }
    if let Some(p) = &args.pack {
        let known: Vec<&str> = set.packs.iter().map(|p| p.id.as_str()).collect();
        if !known.contains(&p.as_str()) {
            return Err(no_such("pack", p, &known));
        }
    }
    rows.retain(|r| {
        args.category.as_ref().is_none_or(|c| &r.category == c)
            && args.pack.as_ref().is_none_or(|p| &r.pack == p)
    });
    let out = match args.format {
        ListFormat::Json => {
            let doc = serde_json::json!({ "schema": "sourcing/rules/v1", "rules": rows });
            let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let head = ["ID", "CATEGORY", "SEVERITY", "WEIGHT", "PACK"];
            let cells: Vec<[String; 5]> = rows
                .iter()
                .map(|r| {
                    [
                        r.id.clone(),
                        r.category.clone(),
                        r.severity.as_str().to_string(),
                        r.weight.to_string(),
                        r.pack.clone(),
                    ]
                })
                .collect();
            let mut width = head.map(str::len);
            for row in &cells {
                for (w, c) in width.iter_mut().zip(row) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let mut s = String::new();
            let line = |s: &mut String, row: [&str; 5]| {
                let mut l = String::new();
                for (i, (c, w)) in row.iter().zip(width).enumerate() {
                    if i == 4 {
                        l.push_str(c);
                    } else {
                        let _ = write!(l, "{c:<w$}  ");
                    }
                }
                let _ = writeln!(s, "{}", l.trim_end());
            };
            line(&mut s, head);
            for row in &cells {
                line(&mut s, row.each_ref().map(String::as_str));
            }
            let _ = writeln!(
                s,
                "\n{} rule{}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            );
            s
        }
    };
    print(&out);
    Ok(EXIT_OK)
}

fn no_such(what: &str, name: &str, known: &[&str]) -> String {
    let mut known: Vec<&str> = known.to_vec();
    known.sort_unstable();
    known.dedup();
    match nearest(name, known.iter().copied()) {
        Some(n) => format!("no loaded rule has the {what} `{name}`; did you mean `{n}`?"),
        None => format!(
            "no loaded rule has the {what} `{name}`; loaded: {}",
            known.join(", ")
        ),
    }
}

/// Indent every line of a block of text.
fn indent(text: &str, by: &str) -> String {
    text.trim()
        .lines()
        .map(|l| format!("{by}{}\n", l.trim_end()))
        .collect()
}

fn examples_section(out: &mut String, examples: &[Example]) {
    if examples.is_empty() {
        out.push_str("\nExamples\n    (none: add [[rule.example]] tables so `sourcing rules test` can check the rule)\n");
        return;
    }
    out.push_str("\nExamples\n");
    for e in examples {
        let what = match e.expect {
            0 => "must not match".to_string(),
            1 => "must match once".to_string(),
            n => format!("must match {n} times"),
        };
        let _ = writeln!(out, "    {what}:");
        out.push_str(&indent(&e.text, "        "));
    }
}

fn common_tail(out: &mut String, message: &str, advice: &str, refs: &[String], ex: &[Example]) {
    let _ = write!(out, "\nMessage\n{}", indent(message, "    "));
    if !advice.trim().is_empty() {
        let _ = write!(out, "\nAdvice\n{}", indent(advice, "    "));
    }
    if !refs.is_empty() {
        out.push_str("\nReferences\n");
        for r in refs {
            let _ = writeln!(out, "    - {r}");
        }
    }
    examples_section(out, ex);
}

fn show(args: ShowArgs) -> Result<u8, String> {
    let setup = packs::setup(&args.rules)?;
    let set = &setup.auditor.rules;
    let pack_path = |id: &str| {
        set.packs
            .iter()
            .find(|p| p.id == id)
            .map_or(String::new(), |p| format!(" ({})", p.path))
    };
    // The first two lines, alike for both kinds of rule.
    let header = |out: &mut String,
                  kind: &str,
                  [id, name, pack, category, severity]: [&str; 5],
                  weight: f64| {
        let _ = writeln!(out, "{id}: {name}");
        let _ = writeln!(out, "{kind} rule in pack `{pack}`{}", pack_path(pack));
        let _ = writeln!(
            out,
            "category {category}, severity {severity}, weight {weight}"
        );
    };
    let mut out = String::new();
    if let Some(r) = set.rule(&args.id) {
        header(
            &mut out,
            "pattern",
            [&r.id, &r.name, &r.pack, &r.category, r.severity.as_str()],
            r.weight,
        );
        let scope = format!("{:?}", r.scope).to_lowercase();
        let quotes = match r.quotes {
            sourcing::rules::Quotes::Any => "anywhere",
            sourcing::rules::Quotes::Outside => "outside direct quotations only",
            sourcing::rules::Quotes::Inside => "inside direct quotations only",
        };
        let _ = write!(
            out,
            "\nWhat it flags\n    Each match of the pattern in a {scope}, {quotes}, as `{}`.\n",
            r.category
        );
        if let Some((near, within)) = &r.near {
            let _ = writeln!(
                out,
                "    Only when `{}` matches within {within} words.",
                near.as_str()
            );
        }
        for u in &r.unless {
            let _ = writeln!(
                out,
                "    Not when `{}` matches in the same sentence.",
                u.as_str()
            );
        }
        for f in &r.not_followed_by {
            let _ = writeln!(
                out,
                "    Not when `{}` matches right after the match.",
                f.as_str()
            );
        }
        for f in &r.verb_not_followed_by {
            let _ = writeln!(
                out,
                "    Not when `{}` matches from the match's last word on.",
                f.as_str()
            );
        }
        if !r.overridden_by.is_empty() {
            let _ = writeln!(
                out,
                "    Not where a finding of {} covers the match.",
                r.overridden_by.join(" or ")
            );
        }
        if let Some(s) = &r.source {
            let kind = serde_json::to_value(s.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            match &s.name {
                Some(n) => {
                    let _ = writeln!(out, "    Credits the source `{n}` ({kind}) in the ledger.");
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    Credits the source captured by group `{}` ({kind}) in the ledger.",
                        s.group
                    );
                }
            }
        }
        if !r.why.trim().is_empty() {
            let _ = write!(out, "\nWhy\n{}", indent(&r.why, "    "));
        }
        let _ = write!(
            out,
            "\nPattern, as written\n{}",
            indent(&r.pattern_source, "    ")
        );
        let _ = write!(
            out,
            "\nPattern, as compiled (lexicons expanded)\n{}",
            indent(&r.pattern_compiled, "    ")
        );
        common_tail(&mut out, &r.message, &r.advice, &r.references, &r.examples);
    } else if let Some(r) = set.document_rules.iter().find(|r| r.id == args.id) {
        header(
            &mut out,
            "document",
            [&r.id, &r.name, &r.pack, &r.category, r.severity.as_str()],
            r.weight,
        );
        let _ = write!(
            out,
            "\nWhat it flags\n    The whole article, once, when this condition holds:\n        {}\n",
            r.when_source
        );
        if let Some(a) = &r.anchor {
            let _ = writeln!(out, "    The finding points at the first finding of `{a}`.");
        }
        if !r.why.trim().is_empty() {
            let _ = write!(out, "\nWhy\n{}", indent(&r.why, "    "));
        }
        common_tail(&mut out, &r.message, &r.advice, &r.references, &r.examples);
    } else {
        let ids: Vec<&str> = set.ids().collect();
        return Err(match nearest(&args.id, ids.iter().copied()) {
            Some(n) => format!(
                "no loaded rule has the id `{}`; did you mean `{n}`?",
                args.id
            ),
            None => format!(
                "no loaded rule has the id `{}`; `sourcing rules list` shows them all",
                args.id
            ),
        });
    }
    print(&out);
    Ok(EXIT_OK)
}

/// Split FILEs into the configuration (a file named sourcing.toml) and packs.
fn split_config(
    mut rules: RuleArgs,
    files: Vec<PathBuf>,
) -> Result<(RuleArgs, Vec<PathBuf>), String> {
    let mut packs = Vec::new();
    for f in files {
        if f.file_name()
            .is_some_and(|n| n == sourcing::config::FILE_NAME)
        {
            if rules.config.as_ref().is_some_and(|c| c != &f) {
                return Err(format!(
                    "two configurations given: {} and {}",
                    rules
                        .config
                        .as_ref()
                        .map_or(String::new(), |c| c.display().to_string()),
                    f.display()
                ));
            }
            rules.no_config = false;
            rules.config = Some(f);
        } else {
            packs.push(f);
        }
    }
    Ok((rules, packs))
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let (rules, files) = split_config(args.rules, args.files)?;
    match packs::load(&rules, &files) {
        Ok(setup) => {
            let set = &setup.auditor.rules;
            let config = setup
                .config
                .as_ref()
                .map_or("no sourcing.toml".to_string(), |c| c.source.path.clone());
            print(&format!(
                "ok: {} pack{}, {} pattern rule{}, {} document rule{}; {}\n",
                set.packs.len(),
                if set.packs.len() == 1 { "" } else { "s" },
                set.rules.len(),
                if set.rules.len() == 1 { "" } else { "s" },
                set.document_rules.len(),
                if set.document_rules.len() == 1 {
                    ""
                } else {
                    "s"
                },
                config
            ));
            Ok(EXIT_OK)
        }
        Err(errors) => Err(packs::report(&errors)),
    }
}

fn test(args: TestArgs) -> Result<u8, String> {
    let (rules, files) = split_config(args.rules, args.files)?;
    let setup = packs::load(&rules, &files)
        .map_err(|errors| format!("{}; no example was run", packs::report(&errors)))?;
    let set = &setup.auditor.rules;
    let selected: Vec<&str> = set
        .packs
        .iter()
        .filter(|p| setup.extra_files.contains(&p.path))
        .map(|p| p.id.as_str())
        .collect();
    let select = |_: &str, pack: &str| files.is_empty() || selected.contains(&pack);

    // A rule without both kinds of example is untested in one direction.
    let all = set
        .rules
        .iter()
        .map(|r| (&r.id, &r.pack, &r.examples))
        .chain(
            set.document_rules
                .iter()
                .map(|r| (&r.id, &r.pack, &r.examples)),
        );
    for (id, pack, examples) in all {
        if !select(id, pack) {
            continue;
        }
        if !examples.iter().any(|e| e.expect > 0) {
            eprintln!("warning: rule `{id}` has no example that must match");
        }
        if !examples.iter().any(|e| e.expect == 0) {
            eprintln!("warning: rule `{id}` has no example that must not match");
        }
    }

    let outcomes = sourcing::examples::run_where(&setup.auditor, &select);
    let mut out = String::new();
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
    for o in &failed {
        let err: RuleError = o.to_error();
        out.push_str(&err.render());
        // The caret line shows the example's first line; show it whole when it
        // spans more (document-rule articles).
        let shown = err.source_line.as_deref().unwrap_or("");
        if !shown.contains(o.text.trim()) {
            let folded = o.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "  = example: {folded:?}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} passed, {} failed",
        outcomes.len() - failed.len(),
        failed.len()
    );
    print(&out);
    Ok(if failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_THRESHOLD
    })
}
