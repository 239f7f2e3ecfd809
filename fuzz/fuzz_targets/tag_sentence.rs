//! Any sentence, after any polarity and on any page: tagging the built-in rules does not
//! panic, and every match is a span of the sentence on character boundaries (the page's
//! implied themes have no span).
#![no_main]
use std::sync::LazyLock;

use extract::{Context, Polarity, RuleSet, Tags};
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in rules"));

fuzz_target!(|text: &str| {
    let previous = Tags::with_polarity(Polarity::Strength);
    for (previous, page) in [(None, None), (Some(&previous), Some("needs"))] {
        let tags = RULES.tag(text, &Context { previous, page });
        for m in &tags.matches {
            assert!(m.start <= m.end && m.end <= text.len(), "{m:?}");
            assert!(text.get(m.start..m.end).is_some(), "{m:?}");
        }
    }
});
