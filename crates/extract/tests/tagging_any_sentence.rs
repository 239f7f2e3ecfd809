//! Tagging takes any sentence: the built-in rules read sentences rewritten (openers, "also",
//! hedges, quote marks and bracketed acronyms taken out, matches mapped back), so sentences
//! made of those very words, in any order and run together, must tag without a panic and
//! give matches that are spans of the sentence as written. (`fuzz/fuzz_targets/tag_sentence.rs` searches further.)

use extract::{Context, Polarity, RuleSet, Tags};

/// Words the rewriting and clause cutting look at, and some that make findings.
const WORDS: &[&str] = &[
    "Also,",
    "also",
    "In addition,",
    "Overall,",
    "In 2024,",
    "In 2023/24,",
    "At the time of our assessment,",
    "were",
    "was",
    "had",
    "been",
    "generally",
    "largely",
    "mostly",
    "usually",
    "\"",
    "\u{201C}",
    "\u{201D}",
    "\u{2019}",
    "\u{2018}",
    "people",
    "staff",
    "told",
    "us",
    "not",
    "always",
    "improving",
    "available",
    "waiting",
    "for",
    "an",
    "assessment",
    ",",
    ";",
    ":",
    "but",
    "although",
    "despite",
    "which",
    "who",
    "the",
    "local",
    "authority",
    "did",
    "no",
    "few",
    "some",
    "\u{2013}",
    "-",
    "\u{e9}",
    "\u{a3}2m",
    "80%",
    "(",
    ")",
    "(ASC)",
    "(DoLS)",
    "(LA",
    "However,",
    "For example,",
    "This",
    "seldom",
    "heard",
    "and",
    "unheard",
    "communities",
    "data",
    "on",
    "times",
    "showed",
    "improvement",
    ".",
    "?",
    "ly",
    "that",
    "We",
    "found",
    "Leaders",
    "said",
    "whether",
    "to",
    "ensure",
    "than",
    "the England average",
    "lower",
];

#[test]
fn sentences_of_awkward_words_tag_without_panic_and_matches_are_spans() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let strength = Tags::with_polarity(Polarity::Strength);
    // A fixed xorshift sequence: the same sentences on every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut matched = 0;
    for _ in 0..3_000 {
        let words = 1 + next() % 24;
        let separator = if next() % 4 == 0 { "" } else { " " };
        let text: Vec<&str> = (0..words)
            .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
            .collect();
        let text = text.join(separator);
        for (previous, page) in [(None, None), (Some(&strength), Some("needs"))] {
            let tags = rules.tag(&text, &Context { previous, page });
            for m in &tags.matches {
                assert!(
                    m.start <= m.end && text.get(m.start..m.end).is_some(),
                    "{text:?}: {m:?}"
                );
            }
            matched += tags.matches.len();
        }
    }
    assert!(
        matched > 1_000,
        "the sentences hold cues and themes ({matched})"
    );
}
