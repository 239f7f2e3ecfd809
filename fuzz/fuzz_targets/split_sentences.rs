//! Any text: sentences are in order, non-empty, trimmed and on character boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut last = 0;
    for (start, end) in ingest::split_sentences(text) {
        assert!(last <= start && start < end && end <= text.len());
        let s = &text[start..end];
        assert_eq!(s, s.trim());
        last = end;
    }
});
