//! # aggregate: a parallel, deterministic corpus run
//!
//! `aggregate` walks input paths, ingests every report in parallel with `rayon`, tags
//! each findings sentence with an [`extract::RuleSet`], and streams the rows into CSV
//! and JSON datasets in a fixed order, so the output is byte-identical whatever the
//! number of threads. Per-file failures are collected as [`FileError`]s, never fatal.
//!
//! Main types: [`Inputs`] (what was found on disk), [`Options`], [`Summary`] (what a
//! run did) and [`run`], which writes the datasets into a folder atomically.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let page = dir.path().join("needs.txt");
//! std::fs::write(&page, "Example Council: local authority assessment\n\nAssessing needs\n\n\
//!     Score: 2\n\nKey findings for this quality statement\n\nPeople waited too long.\n").unwrap();
//! let inputs = aggregate::Inputs::collect(&[page]);
//! let out = dir.path().join("out");
//! let rules = extract::RuleSet::builtin().unwrap();
//! let summary = aggregate::run(&inputs, &rules, &aggregate::Options::default(), &out, |_| {}).unwrap();
//! assert_eq!(summary.documents, 1);
//! assert_eq!(summary.sentences, 1);
//! let sentences = std::fs::read_to_string(out.join("sentences.csv")).unwrap();
//! assert!(sentences.contains("People waited too long."));
//! ```

mod councils;
mod eval;
mod inputs;
mod output;
mod run;
mod stats;

pub use councils::{Council, Councils};
pub use eval::{
    metrics, read_gold, report, score, score_agreement, score_report, spearman, EvalError, GoldRow,
    Metrics, ScoreAgreement, Scored,
};
pub use inputs::{FileError, Inputs, Level};
pub use output::{sentence_rows, SentenceRow};
pub use run::{run, sentence_id, tag_document, Options, RunError, Summary, Tagged};
pub use stats::weighted_log_odds;
