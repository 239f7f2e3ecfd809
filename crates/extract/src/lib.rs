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
//! The crate is pure: no I/O except [`RuleSet::from_dir`].
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
mod rules;

pub use engine::{Context, Match, RuleSet, Tags};
pub use rules::{
    parse_rule, parse_rules, read_rule_dir, Better, Kind, Rule, RuleError, Scope, Signal,
};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The theme ids of `spec/themes.md`, in table order.
pub const THEMES: [&str; 22] = [
    "access_information",
    "assessment_planning",
    "waiting_delays",
    "unpaid_carers",
    "prevention_independence",
    "equality_inclusion",
    "accessibility_communication",
    "coproduction_voice",
    "partnerships_integration",
    "commissioning_market",
    "workforce",
    "safeguarding",
    "transitions",
    "hospital_discharge",
    "direct_payments",
    "housing",
    "data_quality_assurance",
    "leadership_strategy",
    "finance",
    "learning_innovation",
    "transport",
    "technology",
];

/// Whether a sentence reports a strength, a shortfall, both, or neither.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Strength,
    Shortfall,
    Mixed,
    Neutral,
}

impl Polarity {
    pub const ALL: [Polarity; 4] = [
        Polarity::Strength,
        Polarity::Shortfall,
        Polarity::Mixed,
        Polarity::Neutral,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Strength => "strength",
            Polarity::Shortfall => "shortfall",
            Polarity::Mixed => "mixed",
            Polarity::Neutral => "neutral",
        }
    }

    pub fn parse(s: &str) -> Option<Polarity> {
        Polarity::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// Strength for shortfall and the reverse; mixed and neutral stay as they are.
    pub fn opposite(self) -> Polarity {
        match self {
            Polarity::Strength => Polarity::Shortfall,
            Polarity::Shortfall => Polarity::Strength,
            other => other,
        }
    }
}

/// Who the sentence attributes its evidence to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    People,
    Staff,
    Leaders,
    Partners,
    Data,
    None,
}

impl EvidenceSource {
    pub const ALL: [EvidenceSource; 6] = [
        EvidenceSource::People,
        EvidenceSource::Staff,
        EvidenceSource::Leaders,
        EvidenceSource::Partners,
        EvidenceSource::Data,
        EvidenceSource::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceSource::People => "people",
            EvidenceSource::Staff => "staff",
            EvidenceSource::Leaders => "leaders",
            EvidenceSource::Partners => "partners",
            EvidenceSource::Data => "data",
            EvidenceSource::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<EvidenceSource> {
        EvidenceSource::ALL
            .into_iter()
            .find(|e| e.as_str() == s.trim())
    }
}
