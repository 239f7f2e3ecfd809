//! Tagging a whole document gives what tagging each sentence on its own, in its paragraph
//! context, gives.

use extract::{Context, RuleSet, Tags};
use ingest::{Document, Paragraph, Section, Sentence};

/// Each sentence tagged alone, with the tags of the one before it in its paragraph.
fn one_by_one(rules: &RuleSet, doc: &Document) -> Vec<Tags> {
    let mut tags: Vec<Tags> = Vec::new();
    for paragraph in doc.sections.iter().flat_map(|s| &s.paragraphs) {
        let first = tags.len();
        for sentence in &paragraph.sentences {
            let context = Context {
                previous: tags[first..].last(),
                page: doc.quality_statement.map(|qs| qs.slug),
            };
            let t = rules.tag(doc.sentence_text(sentence), &context);
            tags.push(t);
        }
    }
    tags
}

const PAGE: &str = "Example Council: local authority assessment

Safeguarding

Score: 2

2 - Evidence shows some shortfalls

Key findings for this quality statement

Safeguarding enquiries

Staff told us waiting lists were too long. This was a concern for carers. However, leaders had improved the triage of referrals.

Data showed 61% of people felt safe, which was worse than the England average. People praised the advocacy service but not all carers were offered an assessment.

Partnerships

Partners described strong relationships. There were delays in hospital discharge, e.g. at weekends. Not all staff had received training on the Mental Capacity Act.
";

#[test]
fn a_document_is_tagged_as_its_sentences_are_one_by_one() {
    let rules = RuleSet::builtin().unwrap();
    let doc = ingest::parse("page.txt", PAGE.as_bytes()).unwrap();
    assert!(doc.sentence_count() >= 8, "the page has its sentences");
    let tags = rules.tag_document(&doc);
    assert_eq!(tags, one_by_one(&rules, &doc));
    assert!(tags.iter().any(|t| !t.matches.is_empty()));
}

#[test]
fn sentences_with_no_byte_between_them_are_tagged_one_by_one() {
    // Ingest never gives touching sentences, but a document built by hand may.
    let text = "Staff were skilled.Waits were too long.".to_string();
    let cut = text.find("Waits").unwrap();
    let sentence = |start, end| Sentence { start, end };
    let doc = Document {
        sections: vec![Section {
            heading: String::new(),
            paragraphs: vec![Paragraph {
                start: 0,
                end: text.len(),
                sentences: vec![sentence(0, cut), sentence(cut, text.len())],
            }],
        }],
        ..ingest::parse("page.txt", text.as_bytes()).unwrap()
    };
    let rules = RuleSet::builtin().unwrap();
    let tags = rules.tag_document(&doc);
    assert_eq!(tags.len(), 2);
    assert_eq!(tags, one_by_one(&rules, &doc));
    assert_eq!(tags[0].polarity, extract::Polarity::Strength);
    assert_eq!(tags[1].polarity, extract::Polarity::Shortfall);
}

#[test]
fn tags_are_the_same_before_and_after_the_patterns_are_compiled_ahead() {
    // `compile_patterns` builds each pattern's regex ahead; tagging must not depend on
    // whether it has run.
    let rules = RuleSet::builtin().unwrap();
    let doc = ingest::parse("page.txt", PAGE.as_bytes()).unwrap();
    let before = rules.tag_document(&doc);
    rules.compile_patterns();
    assert_eq!(rules.tag_document(&doc), before);
}
