//! The built-in rules on a table of sentences written in inspectors' style
//! (`judgements.tsv`): the polarity, themes or evidence source each must get. Every row is
//! checked and every failure reported together, so a rule change shows all it breaks.

use extract::{Context, EvidenceSource, Polarity, RuleSet, Tags};

const TABLE: &str = include_str!("judgements.tsv");

#[test]
fn every_sentence_in_the_table_is_judged_as_it_says() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (number, line) in TABLE.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let [what, expected, sentence] = line.splitn(3, '\t').collect::<Vec<_>>()[..] else {
            panic!(
                "judgements.tsv:{}: expected three tab-separated columns",
                number + 1
            );
        };
        // "polarity-after-shortfall": the polarity when the sentence before was a shortfall;
        // "evidence-after-staff": the evidence source when the sentence before was the staff's.
        let previous_polarity = what.strip_prefix("polarity-after-").map(|before| {
            let polarity = Polarity::parse(before).unwrap_or_else(|| {
                panic!("judgements.tsv:{}: unknown polarity {before:?}", number + 1)
            });
            Tags::with_polarity(polarity)
        });
        let previous_evidence = what.strip_prefix("evidence-after-").map(|before| {
            let mut tags = Tags::with_polarity(Polarity::Neutral);
            tags.evidence = EvidenceSource::parse(before).unwrap_or_else(|| {
                panic!(
                    "judgements.tsv:{}: unknown evidence source {before:?}",
                    number + 1
                )
            });
            tags
        });
        let previous = previous_polarity.or(previous_evidence);
        let context = Context {
            previous: previous.as_ref(),
            ..Context::default()
        };
        let tags = rules.tag(sentence, &context);
        let holds = match what {
            "polarity" => tags.polarity.as_str() == expected,
            _ if what.starts_with("polarity-after-") => tags.polarity.as_str() == expected,
            _ if what.starts_with("evidence-after-") => tags.evidence.as_str() == expected,
            "evidence" => tags.evidence.as_str() == expected,
            "themes" => expected
                .split(',')
                .all(|theme| tags.themes.contains(&theme)),
            "without-themes" => expected
                .split(',')
                .all(|theme| !tags.themes.contains(&theme)),
            other => panic!("judgements.tsv:{}: unknown check {other:?}", number + 1),
        };
        checked += 1;
        if !holds {
            failures.push(format!(
                "judgements.tsv:{}: {what} should be {expected}: {sentence}\n  got {} / {} / {}; rules {:?}",
                number + 1,
                tags.polarity.as_str(),
                tags.themes.join(","),
                tags.evidence.as_str(),
                tags.rule_ids(&rules).collect::<Vec<_>>(),
            ));
        }
    }
    assert!(checked > 300, "the table has its rows ({checked})");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
