//! # extract: rules as data, sentences in, auditable tags out
//!
//! `extract` loads the rule files of a `rules/` folder (TOML, one concept per file)
//! into a validated [`RuleSet`] and tags each findings sentence with a [`Polarity`]
//! (`strength`, `shortfall`, `mixed`, `neutral`), zero or more theme ids from
//! [`THEMES`], and an [`EvidenceSource`]. Every tag is traceable: [`Tags::matches`]
//! lists the rule, byte span and text of each match that fired.
//!
//! Rule kinds are few and fixed ([`Kind::Phrases`]: whole-word phrases compiled into one
//! Aho-Corasick automaton; [`Kind::Regex`]: patterns tried only where that automaton
//! finds the literals their matches start and end with); what
//! a match means is its [`Signal`]. Polarity is decided per clause (split at contrast
//! signals), with negation flipping the cue it governs, and context signals letting
//! "This ..." or "For example, ..." take the judgement of the sentence before. See
//! [`RuleSet::tag`] for one sentence and [`RuleSet::tag_document`] for every findings
//! sentence of an `ingest::Document`, each in its paragraph context.
//!
//! The crate is pure: no I/O except [`RuleSet::from_dir`]. The built-in rules
//! ([`RuleSet::builtin`]) are embedded at compile time, and so is their literal automaton:
//! `build.rs` builds it with this crate's own `literals` module, laid out for prose.
//!
//! ```
//! let rules = extract::RuleSet::builtin().unwrap();
//! let tags = rules.tag(
//!     "Staff told us waiting lists for assessments were too long.",
//!     &extract::Context::default(),
//! );
//! assert_eq!(tags.polarity, extract::Polarity::Shortfall);
//! assert_eq!(tags.evidence, extract::EvidenceSource::Staff);
//! assert!(tags.themes.contains(&"waiting_delays"));
//! ```

mod engine;
mod labels;
mod literals;
mod rules;

pub use engine::{Context, Match, RuleSet, Tags};
pub use labels::{EvidenceSource, Polarity, THEMES};
pub use rules::{
    parse_rule, parse_rules, read_rule_dir, Better, Kind, Rule, RuleError, Scope, Signal,
};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
