//! How the built-in rules judge sentences: one test per behaviour the labelling guide
//! asks for. The sentences are the project's own, written in inspectors' style.

use extract::{Context, EvidenceSource, Polarity, RuleSet, Tags};

fn rules() -> RuleSet {
    RuleSet::builtin().expect("built-in rules load")
}

fn polarity(text: &str) -> Polarity {
    rules().tag(text, &Context::default()).polarity
}

fn assert_polarity(expected: Polarity, sentences: &[&str]) {
    let rules = rules();
    for s in sentences {
        let tags = rules.tag(s, &Context::default());
        assert_eq!(tags.polarity, expected, "{s}\nmatches: {:?}", tags.matches);
    }
}

#[test]
fn positive_judgements_are_strengths() {
    assert_polarity(
        Polarity::Strength,
        &[
            "Partners described strong, open relationships with leaders.",
            "Safeguarding enquiries were completed in a timely way.",
            "People received the right support at the right time.",
            "Recruitment and retention had improved significantly.",
            "Staff told us they felt well supported by managers.",
        ],
    );
}

#[test]
fn negation_turns_a_judgement_round() {
    assert_eq!(
        polarity("Safeguarding enquiries were not completed in a timely way."),
        Polarity::Shortfall
    );
    assert_eq!(
        polarity("Staff did not have a clear understanding of the policy."),
        Polarity::Shortfall
    );
    assert_eq!(
        polarity("There was a lack of clear pathways into adult services."),
        Polarity::Shortfall
    );
    assert_eq!(
        polarity("There were no waiting lists for occupational therapy."),
        Polarity::Strength
    );
    assert_eq!(
        polarity("People did not have to wait for equipment."),
        Polarity::Strength
    );
}

#[test]
fn partial_coverage_and_hedges_are_shortfalls() {
    assert_polarity(
        Polarity::Shortfall,
        &[
            "Staff did not always record people's protected characteristics.",
            "Not all carers were offered a carer's assessment.",
            "Some people said information was inconsistent and hard to find.",
            "Feedback from providers was variable.",
        ],
    );
}

#[test]
fn contrast_between_clauses_makes_a_sentence_mixed() {
    assert_polarity(
        Polarity::Mixed,
        &[
            "Although some people had to repeat their stories, people said their experiences were positive.",
            "While the front door worked well, people waited too long for reviews.",
            "Most people were positive about the service, but carers told us respite was hard to arrange.",
            "Whilst the team was skilled there was a backlog of reviews.",
        ],
    );
    // A sentence-opening "However," contrasts with the sentence before, not within itself.
    assert_eq!(
        polarity("However, people said the reablement service was excellent."),
        Polarity::Strength
    );
}

#[test]
fn comparisons_with_a_comparator() {
    assert_eq!(
        polarity("This was worse than the England average (71.06%)."),
        Polarity::Shortfall
    );
    assert_eq!(
        polarity("This was better than the England average (58.10%)."),
        Polarity::Strength
    );
    assert_eq!(
        polarity("This was similar to the England average (62.48%)."),
        Polarity::Neutral
    );
    assert_eq!(
        polarity("National data showed 64.2% of people felt safe and secure."),
        Polarity::Neutral,
        "a figure with no comparator is neutral"
    );
}

#[test]
fn unfinished_work_and_backlogs_are_shortfalls() {
    assert_polarity(
        Polarity::Shortfall,
        &[
            "The carers strategy was at an early stage.",
            "The policy was still being developed at the time of our assessment.",
            "More work was needed to reduce waiting times.",
            "The market position statement was out of date.",
            "There was a backlog of 300 reviews.",
            "Annual reviews were overdue for 40% of people.",
            "Staff told us caseloads were high.",
            "The local authority relied heavily on agency staff.",
        ],
    );
}

#[test]
fn aims_are_not_achievements() {
    assert_eq!(
        polarity("The local authority had plans in place to improve this."),
        Polarity::Neutral
    );
    assert_eq!(
        polarity("Further work was needed to ensure recording was accurate and clear."),
        Polarity::Shortfall
    );
}

#[test]
fn description_is_neutral() {
    assert_polarity(
        Polarity::Neutral,
        &[
            "The local authority had a carers strategy for 2023 to 2026.",
            "The team comprised social workers and occupational therapists.",
            "A section 42 enquiry is the action a local authority takes when it has a concern.",
            "We were told about the monthly audits of case files.",
        ],
    );
}

#[test]
fn illustrations_take_the_judgement_they_illustrate() {
    let rules = rules();
    let before: Tags = rules.tag(
        "People waited too long for assessments.",
        &Context::default(),
    );
    let example = rules.tag(
        "For example, one carer described a six month wait.",
        &Context {
            previous: Some(&before),
            page: None,
        },
    );
    assert_eq!(example.polarity, Polarity::Shortfall);
    let this = rules.tag(
        "This included people living alone.",
        &Context {
            previous: Some(&before),
            page: None,
        },
    );
    assert_eq!(this.polarity, Polarity::Shortfall);
    assert!(this.themes.contains(&"waiting_delays"), "{:?}", this.themes);
    // Without context the same sentence is neutral.
    assert_eq!(
        polarity("This included people living alone."),
        Polarity::Neutral
    );
    // A list of what an offer included describes it: it takes nothing from before.
    let offer = rules.tag(
        "There was a good range of support for people to stay well.",
        &Context::default(),
    );
    assert_eq!(offer.polarity, Polarity::Strength);
    let listed = rules.tag(
        "These included courses on cooking and languages.",
        &Context {
            previous: Some(&offer),
            page: None,
        },
    );
    assert_eq!(listed.polarity, Polarity::Neutral);
}

#[test]
fn evidence_is_the_first_explicit_attribution() {
    let rules = rules();
    let source = |s: &str| rules.tag(s, &Context::default()).evidence;
    assert_eq!(
        source("Staff, leaders and partners told us the service was stretched."),
        EvidenceSource::Staff
    );
    assert_eq!(
        source("Partners told us that people said the service was stretched."),
        EvidenceSource::Partners
    );
    assert_eq!(
        source("Carers said respite was hard to arrange."),
        EvidenceSource::People
    );
    assert_eq!(
        source("Leaders recognised that waits were too long."),
        EvidenceSource::Leaders
    );
    assert_eq!(
        source("National data showed 70% of people were satisfied."),
        EvidenceSource::Data
    );
    assert_eq!(source("The service was stretched."), EvidenceSource::None);
}

#[test]
fn themes_need_a_specific_term_or_two_passing_mentions() {
    let rules = rules();
    let themes = |s: &str| rules.tag(s, &Context::default()).themes;
    assert!(themes("Carers told us respite was hard to find.").contains(&"unpaid_carers"));
    assert!(
        !themes("Leaders told us the service was stretched.").contains(&"leadership_strategy"),
        "an attribution is not a topic"
    );
    assert!(
        themes("Leaders had a clear vision and governance was strong.")
            .contains(&"leadership_strategy")
    );
    assert!(
        !themes("Information was shared.").contains(&"access_information"),
        "one passing word"
    );
    assert!(
        themes("Information and advice was available on the website.")
            .contains(&"access_information")
    );
}

#[test]
fn the_page_implies_themes() {
    let rules = rules();
    let tags = rules.tag(
        "Enquiries were completed promptly.",
        &Context {
            previous: None,
            page: Some("safeguarding"),
        },
    );
    assert!(tags.themes.contains(&"safeguarding"));
    assert!(tags
        .matches
        .iter()
        .any(|m| m.page && rules.rules()[m.rule].id == "T112"));
}

/// Regression: "a lack of capacity meant they could not always respond promptly" was a
/// strength, the "lack of" turning round the "could not" of what the lack caused.
#[test]
fn a_negated_noun_does_not_reach_past_what_it_caused() {
    assert_polarity(
        Polarity::Shortfall,
        &[
            "A lack of capacity meant they could not always respond promptly.",
            "The absence of a carers' strategy meant support was not consistent.",
            "No clear plan had been agreed, which led to some people not receiving a review.",
        ],
    );
    // A negated verb still reaches past one.
    assert_polarity(
        Polarity::Shortfall,
        &["The changes had not led to improvements in waiting times."],
    );
}

#[test]
fn a_negated_noun_does_not_reach_a_verb_coordinated_after_it() {
    assert_polarity(
        Polarity::Shortfall,
        &[
            "People with acquired brain injuries had no clear pathway and were passed between services.",
            "There was little support and carers were left to cope alone.",
        ],
    );
    // Cues listed with the negated one are still turned round.
    assert_polarity(
        Polarity::Strength,
        &["There were no delays or backlogs in arranging care."],
    );
}
