//! The labels every output uses: theme ids, polarities, evidence sources.

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
