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
