//! Any bytes, read as a plain text page: see `check_pages`.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "check_pages.rs"]
mod check_pages;

fuzz_target!(|data: &[u8]| check_pages::check_pages(data, ingest::Format::Text));
