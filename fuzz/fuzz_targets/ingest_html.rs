//! Any bytes, read as a saved HTML page: never panics; offsets are in bounds and on
//! character boundaries; sentences are in order.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ingest::ParseOptions {
        format: Some(ingest::Format::Html),
        ..Default::default()
    };
    if let Ok(pages) = ingest::parse_pages("fuzz.html", data, &options) {
        for doc in pages {
            check(&doc);
        }
    }
});

fn check(doc: &ingest::Document) {
    let mut last = 0;
    for s in doc.sentences() {
        assert!(s.start <= s.end && s.end <= doc.text.len());
        assert!(doc.text.is_char_boundary(s.start) && doc.text.is_char_boundary(s.end));
        assert!(s.start >= last);
        last = s.end;
    }
}
