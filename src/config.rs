//! `sourcing.toml`: a newsroom's own configuration.
//!
//! The file is found in the current directory or the nearest parent that has one
//! (like `rustfmt.toml` or `.vale.ini`), or named with `--config`. It can
//!
//! - add rule packs (`packs`, paths relative to the config file),
//! - switch off built-in rules or whole packs by id (`disable`),
//! - change a rule's severity or weight (`[override.RULE-ID]`),
//! - adjust the scoring model (`[scoring]`, merged over the default model),
//! - set defaults for `sourcing audit` (`[audit]`: `format`, `fail-under`).
//!
//! Unknown keys are errors, and so is any id that names no loaded rule or pack;
//! every error points at the offending value, with the nearest valid name.
//!
//! ```
//! use sourcing::config::Config;
//! use sourcing::rules::PackSource;
//! let cfg = Config::parse(PackSource {
//!     path: "sourcing.toml".into(),
//!     text: "disable = ['weasel-reportedly']\n[override.anonymous-subject]\nweight = 6\n".into(),
//! })
//! .unwrap();
//! let mut auditor = sourcing::Auditor::builtin().unwrap();
//! assert!(cfg.apply(&mut auditor.rules).is_empty());
//! assert_eq!(auditor.rules.rule("anonymous-subject").unwrap().weight, 6.0);
//! assert!(auditor.rules.rule("weasel-reportedly").is_none());
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::rules::error::nearest;
use crate::rules::{PackSource, RuleError, RuleSet, Severity};
use crate::score::{CategoryDef, GradeDef, ScoringDef, ScoringModel, SoftenDef};

/// The configuration file's name, searched for in the current directory and its parents.
pub const FILE_NAME: &str = "sourcing.toml";

/// `sourcing.toml` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Extra rule packs: files, or directories of `.toml` files, relative to the config.
    #[serde(default)]
    pub packs: Vec<Spanned<String>>,
    /// Rule ids or pack ids to switch off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Severity and weight overrides, by rule id: `[override.anonymous-subject]`.
    #[serde(default, rename = "override")]
    pub overrides: BTreeMap<Spanned<String>, RuleOverride>,
    /// Changes to the scoring model, merged over the model the packs define.
    #[serde(default)]
    pub scoring: Option<Spanned<ScoringPatch>>,
    /// Defaults for `sourcing audit`.
    #[serde(default)]
    pub audit: AuditDefaults,
}

/// `[override.RULE-ID]`: what to change about one rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// New severity: note, warning or error.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// New weight, in points.
    #[serde(default)]
    pub weight: Option<Spanned<f64>>,
}

/// `[audit]`: defaults for `sourcing audit`; flags given on the command line win.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuditDefaults {
    /// Output format, as `--format` spells it.
    #[serde(default)]
    pub format: Option<Spanned<String>>,
    /// Exit with code 1 when an article scores below this (0-100).
    #[serde(default)]
    pub fail_under: Option<Spanned<i64>>,
}

/// `[scoring]` in `sourcing.toml`: any part of the scoring model, merged over the
/// model the packs define. `base` and `decay` replace the model's; each category
/// listed under `categories` replaces that category's entry (the others stay);
/// `soften` and `grades`, when given, replace the whole list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringPatch {
    /// Score before any finding counts.
    #[serde(default)]
    pub base: Option<f64>,
    /// Each repeat of the same rule counts this much of the previous one.
    #[serde(default)]
    pub decay: Option<f64>,
    /// How categories count: `{ effect = "deduct" | "credit" | "none", cap = N }`.
    #[serde(default)]
    pub categories: BTreeMap<String, CategoryDef>,
    /// Softenings, replacing the model's.
    #[serde(default)]
    pub soften: Option<Vec<SoftenDef>>,
    /// Grade bands, replacing the model's.
    #[serde(default)]
    pub grades: Option<Vec<GradeDef>>,
}

impl ScoringPatch {
    /// The model `def` with this patch applied.
    pub fn apply(&self, def: &ScoringDef) -> ScoringDef {
        let mut out = def.clone();
        if let Some(b) = self.base {
            out.base = b;
        }
        if let Some(d) = self.decay {
            out.decay = d;
        }
        for (name, c) in &self.categories {
            out.categories.insert(name.clone(), c.clone());
        }
        if let Some(s) = &self.soften {
            out.soften = s.clone();
        }
        if let Some(g) = &self.grades {
            out.grades = g.clone();
        }
        out
    }
}

/// A parsed configuration file and its text (for locating errors).
#[derive(Debug, Clone)]
pub struct Config {
    /// The file's path as shown in messages, and its text.
    pub source: PackSource,
    /// What it says.
    pub file: ConfigFile,
}

impl Config {
    /// Parse a configuration file's text; unknown keys and wrong types are located errors.
    pub fn parse(source: PackSource) -> Result<Config, RuleError> {
        let file: ConfigFile =
            toml::from_str(&source.text).map_err(|err| RuleError::from_toml(&source, &err))?;
        let config = Config { source, file };
        if let Some(f) = &config.file.audit.fail_under
            && !(0..=100).contains(f.get_ref())
        {
            return Err(RuleError::at(
                &config.source,
                f.span(),
                format!("fail-under must be between 0 and 100, not {}", f.get_ref()),
            )
            .help("fail-under is a score: audits scoring below it exit with code 1"));
        }
        Ok(config)
    }

    /// Read and parse a configuration file; `path` is shown in messages as given.
    pub fn read(path: &Path) -> Result<Config, RuleError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            RuleError::file(&name, format!("cannot read configuration: {e}"))
                .help("check the path given to --config, or pass --no-config")
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            RuleError::file(&name, "configuration is not valid UTF-8").help("save it as UTF-8")
        })?;
        Config::parse(PackSource { path: name, text })
    }

    /// Find `sourcing.toml` in `start` or its nearest parent that has one. The
    /// path comes back relative to `start` (`sourcing.toml`, `../sourcing.toml`)
    /// so that messages stay short.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        for (up, dir) in start.ancestors().enumerate() {
            if dir.join(FILE_NAME).is_file() {
                let mut rel = PathBuf::new();
                for _ in 0..up {
                    rel.push("..");
                }
                return Some(rel.join(FILE_NAME));
            }
        }
        None
    }

    /// The directory that pack paths are relative to.
    pub fn dir(&self) -> PathBuf {
        Path::new(&self.source.path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The paths of the packs the config adds, resolved against its directory.
    pub fn pack_paths(&self) -> Vec<PathBuf> {
        let dir = self.dir();
        self.file
            .packs
            .iter()
            .map(|p| dir.join(p.get_ref()))
            .collect()
    }

    /// Read the packs the config adds. A path that cannot be read is reported at
    /// its entry in the config; the packs that could be read are still returned.
    pub fn pack_sources(&self) -> (Vec<PackSource>, Vec<RuleError>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (entry, path) in self.file.packs.iter().zip(self.pack_paths()) {
            match crate::rules::read_packs(&path) {
                Ok(mut packs) => out.append(&mut packs),
                Err(e) => errors.push(
                    RuleError::at(
                        &self.source,
                        entry.span(),
                        format!("{}: {}", e.file, e.message),
                    )
                    .help(format!(
                        "paths in `packs` are relative to the directory of {}; {}",
                        self.source.path,
                        e.help
                            .as_deref()
                            .unwrap_or("give a pack file or a directory of them")
                    )),
                ),
            }
        }
        (out, errors)
    }

    /// Apply overrides, disables and scoring changes to a loaded rule set. Every
    /// problem is returned; the set is changed only where an entry is valid.
    pub fn apply(&self, set: &mut RuleSet) -> Vec<RuleError> {
        let mut errors = Vec::new();
        let rule_ids: Vec<String> = set.ids().map(str::to_string).collect();
        let pack_ids: Vec<String> = set.packs.iter().map(|p| p.id.clone()).collect();

        for (id, ov) in &self.file.overrides {
            let name = id.get_ref().as_str();
            if let Some(w) = &ov.weight
                && (!w.get_ref().is_finite() || *w.get_ref() < 0.0)
            {
                errors.push(
                    RuleError::at(&self.source, w.span(), format!("weight {} is negative", w.get_ref()))
                        .in_rule(name)
                        .help("weights are points, 0 or more; the scoring model decides whether a category adds or subtracts them"),
                );
                continue;
            }
            let weight = ov.weight.as_ref().map(|w| *w.get_ref());
            if let Some(r) = set.rules.iter_mut().find(|r| r.id == name) {
                r.severity = ov.severity.unwrap_or(r.severity);
                r.weight = weight.unwrap_or(r.weight);
            } else if let Some(r) = set.document_rules.iter_mut().find(|r| r.id == name) {
                r.severity = ov.severity.unwrap_or(r.severity);
                r.weight = weight.unwrap_or(r.weight);
            } else {
                let mut e = unknown(&self.source, id, "no loaded rule has the id", &rule_ids);
                if pack_ids.iter().any(|p| p == name) {
                    e.help = Some(format!(
                        "`{name}` is a pack; overrides name one rule each (`sourcing rules list --pack {name}` lists them)"
                    ));
                }
                errors.push(e);
            }
        }

        for id in &self.file.disable {
            let name = id.get_ref().as_str();
            let is_rule = rule_ids.iter().any(|r| r == name);
            let is_pack = pack_ids.iter().any(|p| p == name);
            if !is_rule && !is_pack {
                let candidates: Vec<String> = rule_ids.iter().chain(&pack_ids).cloned().collect();
                errors.push(unknown(
                    &self.source,
                    id,
                    "no loaded rule or pack has the id",
                    &candidates,
                ));
                continue;
            }
            let gone = |rid: &str, pack: &str| rid == name || (is_pack && pack == name);
            set.rules.retain(|r| !gone(&r.id, &r.pack));
            set.document_rules.retain(|r| !gone(&r.id, &r.pack));
        }
        // The matcher was built for the rules as loaded; without this, every
        // batch would find it no longer fits and build (and compile the twins
        // of) a new one: a run with any rule disabled took 4 to 6 times as long.
        if !self.file.disable.is_empty() {
            set.rules_changed();
        }

        if let Some(patch) = &self.file.scoring {
            let def = patch.get_ref().apply(&set.scoring.def);
            match ScoringModel::from_def(def) {
                Ok(model) => set.scoring = model,
                Err(msg) => errors.push(
                    RuleError::at(&self.source, patch.span(), format!("[scoring]: {msg}")).help(
                        "the config's [scoring] is merged over the default model; fix the value named",
                    ),
                ),
            }
        }
        errors
    }
}

/// An id that names nothing loaded, with the nearest one suggested.
fn unknown(src: &PackSource, id: &Spanned<String>, what: &str, candidates: &[String]) -> RuleError {
    let name = id.get_ref();
    let err = RuleError::at(src, id.span(), format!("{what} `{name}`"));
    match nearest(name, candidates.iter().map(String::as_str)) {
        Some(n) => err.help(format!(
            "did you mean `{n}`? `sourcing rules list` shows every loaded id"
        )),
        None => err.help("`sourcing rules list` shows every loaded rule id and its pack"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Result<Config, RuleError> {
        Config::parse(PackSource {
            path: "sourcing.toml".into(),
            text: text.into(),
        })
    }

    #[test]
    fn scoring_patch_merges_categories_and_keeps_the_rest() {
        let c = cfg("[scoring]\nbase = 80\n[scoring.categories]\npaid-expert = { effect = \"deduct\", cap = 10 }\n").unwrap();
        let mut a = crate::Auditor::builtin().unwrap();
        let before = a.rules.scoring.def.clone();
        assert!(c.apply(&mut a.rules).is_empty());
        let after = &a.rules.scoring.def;
        assert_eq!(after.base, 80.0);
        assert_eq!(after.decay, before.decay);
        assert!(after.categories.contains_key("paid-expert"));
        assert!(after.categories.contains_key("named-source"));
        assert_eq!(after.grades.len(), before.grades.len());
    }

    #[test]
    fn disabling_a_pack_removes_all_its_rules() {
        let c = cfg("disable = ['state-media']").unwrap();
        let mut a = crate::Auditor::builtin().unwrap();
        assert!(a.rules.rules.iter().any(|r| r.pack == "state-media"));
        assert!(c.apply(&mut a.rules).is_empty());
        assert!(!a.rules.rules.iter().any(|r| r.pack == "state-media"));
        assert!(a.rules.rules.iter().any(|r| r.pack == "core"));
        // One matcher for the rules left, kept for the whole run.
        assert!(matches!(a.rules.matcher(), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn unknown_ids_are_errors_with_suggestions() {
        let c = cfg("disable = ['anonymous-subjct']\n[override.anonymous-subjet]\nweight = 2\n")
            .unwrap();
        let mut a = crate::Auditor::builtin().unwrap();
        let errs = c.apply(&mut a.rules);
        assert_eq!(errs.len(), 2);
        assert!(
            errs.iter()
                .all(|e| e.help.as_deref().unwrap().contains("`anonymous-subject`"))
        );
    }

    #[test]
    fn fail_under_out_of_range_is_located() {
        let e = cfg("[audit]\nfail-under = 120\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(14)));
    }

    #[test]
    fn discovers_in_parents() {
        let dir = std::env::temp_dir().join(format!("sourcing-cfg-{}", std::process::id()));
        let deep = dir.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(dir.join(FILE_NAME), "").unwrap();
        assert_eq!(
            Config::discover(&deep),
            Some(PathBuf::from("../../sourcing.toml"))
        );
        assert_eq!(Config::discover(&dir), Some(PathBuf::from("sourcing.toml")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
