//! What the ingest fuzz targets assert of any bytes read as a page.

/// Parse `data` in `format`: never panics; every document's sentences are in bounds, on
/// character boundaries and in order.
pub fn check_pages(data: &[u8], format: ingest::Format) {
    let options = ingest::ParseOptions {
        format: Some(format),
        ..Default::default()
    };
    let Ok(pages) = ingest::parse_pages("fuzz", data, &options) else {
        return;
    };
    for doc in pages {
        let mut last = 0;
        for s in doc.sentences() {
            assert!(s.start <= s.end && s.end <= doc.text.len());
            assert!(doc.text.is_char_boundary(s.start) && doc.text.is_char_boundary(s.end));
            assert!(s.start >= last);
            last = s.end;
        }
    }
}
