//! Any rule file: loading returns a rule or an error naming a line, never panics; a rule
//! that loads can tag any text. The input is the rule file, then optionally a NUL and the
//! text to tag.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let (source, text) = input
        .split_once('\0')
        .unwrap_or((input, "Staff did not always have a clear plan."));
    match extract::RuleSet::from_sources([("fuzz.toml".to_string(), source)]) {
        Ok(rules) => {
            let _ = rules.tag(text, &extract::Context::default());
        }
        Err(e) => assert!(e.line >= 1),
    }
});
