//! Every rule's `must_match` examples fire it and its `must_not_match` examples do not.

use extract::RuleSet;

#[test]
fn every_builtin_rule_example_holds() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let (failures, run) = rules.check_examples();
    assert!(run >= rules.rules().len(), "every rule has examples");
    assert!(
        failures.is_empty(),
        "rule examples failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_theme_has_a_rule() {
    let rules = RuleSet::builtin().unwrap();
    for theme in extract::THEMES {
        assert!(
            rules.rules().iter().any(|r| r.theme == Some(theme)),
            "no rule tags theme {theme}"
        );
    }
}

#[test]
fn every_evidence_source_but_none_has_a_rule() {
    let rules = RuleSet::builtin().unwrap();
    for source in extract::EvidenceSource::ALL {
        if source != extract::EvidenceSource::None {
            assert!(
                rules.rules().iter().any(|r| r.evidence == Some(source)),
                "no rule for {source:?}"
            );
        }
    }
}
