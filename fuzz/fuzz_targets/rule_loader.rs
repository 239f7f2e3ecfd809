//! Any rule file: loading returns a rule or an error naming a line, never panics; a rule
//! that loads can tag text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|source: &str| {
    match extract::RuleSet::from_sources([("fuzz.toml".to_string(), source)]) {
        Ok(rules) => {
            let _ = rules.tag(
                "Staff did not always have a clear plan.",
                &extract::Context::default(),
            );
        }
        Err(e) => assert!(e.line >= 1),
    }
});
