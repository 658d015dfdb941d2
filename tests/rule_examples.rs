//! Every built-in rule's examples pass, and every built-in rule has at least one
//! example that must match and one that must not (as proselint's suite requires).

use sourcing::Auditor;

#[test]
fn builtin_rule_examples_pass() {
    let auditor = Auditor::builtin().expect("built-in packs load");
    let outcomes = sourcing::examples::run(&auditor);
    assert!(!outcomes.is_empty());
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| {
            format!(
                "{}: expected {}, found {}: {:?}",
                o.rule, o.expected, o.found, o.text
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "failing examples:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_builtin_rule_has_positive_and_negative_examples() {
    let auditor = Auditor::builtin().expect("built-in packs load");
    let mut missing = Vec::new();
    let rules = auditor
        .rules
        .rules
        .iter()
        .map(|r| (&r.id, &r.examples))
        .chain(
            auditor
                .rules
                .document_rules
                .iter()
                .map(|r| (&r.id, &r.examples)),
        );
    for (id, examples) in rules {
        if !examples.iter().any(|e| e.expect > 0) {
            missing.push(format!("{id}: no example that must match"));
        }
        if !examples.iter().any(|e| e.expect == 0) {
            missing.push(format!("{id}: no example that must not match"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// A lexicon entry listed twice adds nothing but a second copy of its automaton
/// to every rule that uses the lexicon (the `speech` list once held three).
#[test]
fn builtin_lexicons_list_each_entry_once() {
    let mut repeats = Vec::new();
    for pack in sourcing::rules::builtin_sources() {
        let table: toml::Table = pack.text.parse().expect("built-in pack is TOML");
        let Some(lexicons) = table.get("lexicon").and_then(|l| l.as_table()) else {
            continue;
        };
        for (name, entries) in lexicons {
            let mut seen = std::collections::HashSet::new();
            for entry in entries.as_array().into_iter().flatten() {
                if !seen.insert(entry.as_str().unwrap_or_default()) {
                    repeats.push(format!("{}: {name}: {entry}", pack.path));
                }
            }
        }
    }
    assert!(
        repeats.is_empty(),
        "repeated entries:\n{}",
        repeats.join("\n")
    );
}
