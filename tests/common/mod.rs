//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every dataset `analyse` writes, but run.json (whose `seconds` vary).
pub const DATASETS: &[&str] = &[
    "reports.csv",
    "sentences.csv",
    "errors.csv",
    "findings.csv",
    "findings.jsonl",
    "councils.csv",
    "council_themes.csv",
    "themes.csv",
];

/// The `findings` binary under test.
pub fn findings() -> Command {
    Command::new(env!("CARGO_BIN_EXE_findings"))
}

/// The project root (where `corpus/` and `rules/` are).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A CSV file as rows of column -> value.
pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .map(str::to_string)
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}
