//! The literals of a rule set: every phrase (in each of its written forms) and every
//! pattern's anchors, each distinct string once with what it stands for, and the
//! double-array automaton that finds them. Shared with the build script, which builds the
//! built-in rules' automaton at compile time (see `build.rs`); it knows the rules and
//! nothing of tagging.

use crate::rules::{parse_source, pattern_source, phrase_body, Kind, Rule};
use daachorse::DoubleArrayAhoCorasick;

/// The double array of the literals (each with its packed value), its states laid out in
/// the order a scan of `profile` visits them (none: the builder's own order).
pub(crate) fn literal_automaton(
    literals: &[(Vec<u8>, u32)],
    profile: &[String],
) -> Result<DoubleArrayAhoCorasick<u32>, daachorse::errors::DaachorseError> {
    // An empty corpus is daachorse's own order, as no corpus is.
    daachorse::DoubleArrayAhoCorasickBuilder::new()
        .use_prefilter(false)
        .corpus(profile)
        .build_with_values(literals.iter().map(|(literal, value)| (literal, *value)))
}

/// Minimum length of an anchor literal: shorter ones are in most sentences.
const MIN_ANCHOR_LEN: usize = 3;
/// Maximum number of anchor literals of one pattern.
const MAX_ANCHORS: usize = 250;
/// A pattern's anchor literals, when it has more than `TRIM_ABOVE` of them, are cut to
/// their first (or last) `ANCHOR_BYTES` bytes.
const ANCHOR_BYTES: usize = 10;
const TRIM_ABOVE: usize = 16;

/// What a literal of the automaton stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Meaning {
    /// A phrase of a phrase rule (its index), and whether the phrase ends with `*`.
    Phrase { rule: usize, prefix: bool },
    /// An anchor of a pattern (its index) at one end of its matches.
    Anchor { pattern: usize, end: End },
}

/// The literals of the automaton, each distinct string once, with what it stands for.
#[derive(Default)]
pub(crate) struct LiteralTable {
    pub(crate) strings: Vec<Vec<u8>>,
    ids: std::collections::HashMap<Vec<u8>, usize>,
    meanings: Vec<Vec<Meaning>>,
}

impl LiteralTable {
    fn add(&mut self, string: Vec<u8>, meaning: Meaning) {
        let next = self.strings.len();
        let id = *self.ids.entry(string.clone()).or_insert(next);
        if id == next {
            self.strings.push(string);
            self.meanings.push(Vec::new());
        }
        self.meanings[id].push(meaning);
    }

    /// Per literal, its value in the automaton, and the packed meanings of the literals
    /// that have several (see [`LiteralValue`]).
    pub(crate) fn values(&self) -> Result<(Vec<u32>, Vec<u32>), String> {
        let mut values = Vec::with_capacity(self.meanings.len());
        let mut several = Vec::new();
        for meanings in &self.meanings {
            let packed = meanings
                .iter()
                .map(|&meaning| LiteralValue::pack(meaning))
                .collect::<Result<Vec<u32>, String>>()?;
            values.push(match packed[..] {
                [single] => single,
                _ => {
                    let value = LiteralValue::pack_span(several.len(), packed.len())?;
                    several.extend(packed);
                    value
                }
            });
        }
        Ok((values, several))
    }
}

/// The value of a literal in the automaton: its one meaning, packed in 31 bits (2 bits of
/// kind, 29 of rule or pattern index), or, with the top bit set, where its several packed
/// meanings are in [`RuleSet`]'s `meanings` (21 bits of start, 10 of count). A match then
/// needs no table lookup for most literals, which have one meaning: each lookup was a cache
/// miss at every match.
pub(crate) struct LiteralValue;

impl LiteralValue {
    const SPAN: u32 = 1 << 31;
    const INDEX_BITS: u32 = 29;
    const COUNT_BITS: u32 = 10;
    const START_BITS: u32 = 21;

    pub(crate) fn pack(meaning: Meaning) -> Result<u32, String> {
        let (kind, index) = match meaning {
            Meaning::Phrase { rule, prefix } => (u32::from(prefix), rule),
            Meaning::Anchor { pattern, end } => (2 + u32::from(end == End::End), pattern),
        };
        let index = u32::try_from(index)
            .ok()
            .filter(|&i| i < 1 << Self::INDEX_BITS)
            .ok_or_else(|| format!("too many rules or patterns ({index})"))?;
        Ok(kind << Self::INDEX_BITS | index)
    }

    pub(crate) fn meaning(packed: u32) -> Meaning {
        let index = (packed & ((1 << Self::INDEX_BITS) - 1)) as usize;
        match packed >> Self::INDEX_BITS & 0b11 {
            0 => Meaning::Phrase {
                rule: index,
                prefix: false,
            },
            1 => Meaning::Phrase {
                rule: index,
                prefix: true,
            },
            2 => Meaning::Anchor {
                pattern: index,
                end: End::Start,
            },
            _ => Meaning::Anchor {
                pattern: index,
                end: End::End,
            },
        }
    }

    pub(crate) fn pack_span(start: usize, count: usize) -> Result<u32, String> {
        if start >= 1 << Self::START_BITS || count >= 1 << Self::COUNT_BITS {
            return Err(format!(
                "a literal has too many meanings ({count}) or the rules too many literals"
            ));
        }
        Ok(Self::SPAN | (start as u32) << Self::COUNT_BITS | count as u32)
    }

    /// The span of a literal's meanings in `meanings`, or `None` for a single meaning.
    pub(crate) fn span(value: u32) -> Option<(usize, usize)> {
        (value & Self::SPAN != 0).then(|| {
            let start = ((value & !Self::SPAN) >> Self::COUNT_BITS) as usize;
            (
                start,
                start + (value & ((1 << Self::COUNT_BITS) - 1)) as usize,
            )
        })
    }
}

/// Auxiliaries that take "n't" ("did not" is "didn't"), and their contracted forms.
const CONTRACTIONS: &[(&str, &str)] = &[
    ("did", "didn't"),
    ("do", "don't"),
    ("does", "doesn't"),
    ("was", "wasn't"),
    ("were", "weren't"),
    ("is", "isn't"),
    ("are", "aren't"),
    ("had", "hadn't"),
    ("has", "hasn't"),
    ("have", "haven't"),
    ("could", "couldn't"),
    ("would", "wouldn't"),
    ("should", "shouldn't"),
    ("can", "can't"),
    ("will", "won't"),
];

/// The contracted form of a phrase with "not" in it, if it has one: "did not always" is
/// also "didn't always", and "not always" also "n't always" (which follows any
/// auxiliary: "weren't always"); "cannot" is also "can't".
fn contracted(phrase: &str) -> Option<String> {
    if phrase == "cannot" || phrase.starts_with("cannot ") {
        return Some(phrase.replacen("cannot", "can't", 1));
    }
    let mut words: Vec<&str> = phrase.split(' ').collect();
    let not = words.iter().position(|w| *w == "not")?;
    if not == 0 {
        words[0] = "n't";
    } else {
        let (_, short) = CONTRACTIONS
            .iter()
            .find(|(aux, _)| *aux == words[not - 1])?;
        words[not - 1] = short;
        words.remove(not);
    }
    Some(words.join(" "))
}

/// The forms a phrase is matched in: itself (first), its contraction ([`contracted`]),
/// with each hyphen also as a space ("person centred") or left out ("coordinated",
/// "multiagency"), and with curly apostrophes for straight ones.
pub(crate) fn phrase_variants(body: &str) -> Vec<String> {
    // Most phrases have no hyphen, apostrophe or "not": they are their only form.
    if !body.contains(['-', '\'']) && !body.split(' ').any(|w| w == "not" || w == "cannot") {
        return vec![body.to_string()];
    }
    let mut variants: Vec<String> = std::iter::once(body.to_string())
        .chain(contracted(body))
        .flat_map(|form| hyphen_forms(&form))
        .collect();
    for i in 0..variants.len() {
        if variants[i].contains('\'') {
            variants.push(variants[i].replace('\'', "’"));
        }
    }
    // The phrase itself first, then its other forms, each once.
    let mut others = variants.split_off(1);
    others.sort_unstable();
    others.dedup();
    others.retain(|form| form != body);
    variants.extend(others);
    variants
}

/// A phrase with each of its hyphens (up to [`MAX_VARIED_HYPHENS`]) kept or turned into
/// a space, and after a prefix that is also written joined ([`JOINED_PREFIXES`]) left
/// out, in every combination: "well-co-ordinated" is also "well coordinated" and
/// "well-coordinated". The phrase itself comes first.
fn hyphen_forms(phrase: &str) -> Vec<String> {
    let mut parts = phrase.split('-');
    let first = parts.next().unwrap_or_default();
    let mut forms = vec![first.to_string()];
    // The word before the hyphen at hand.
    let mut before = first.rsplit(' ').next().unwrap_or_default();
    for (i, part) in parts.enumerate() {
        let joined =
            JOINED_PREFIXES.contains(&before) || (before == "well" && part.starts_with("being"));
        let joiners: &[&str] = match (i < MAX_VARIED_HYPHENS, joined) {
            (true, true) => &["-", " ", ""],
            (true, false) => &["-", " "],
            (false, _) => &["-"],
        };
        before = part.rsplit(' ').next().unwrap_or_default();
        forms = forms
            .iter()
            .flat_map(|form| joiners.iter().map(move |j| format!("{form}{j}{part}")))
            .collect();
    }
    forms
}

/// The hyphens of a phrase that take their other forms (a fourth and later keep theirs).
const MAX_VARIED_HYPHENS: usize = 3;

/// Prefixes whose hyphen reports also leave out ("coordinated", "multiagency",
/// "reablement", "underrepresented"); "well-being" is also "wellbeing". Other hyphenated
/// words ("well-led", "person-centred") are not written joined, and their joined forms
/// would only swell the automaton.
const JOINED_PREFIXES: &[&str] = &[
    "co", "re", "multi", "pre", "post", "non", "under", "over", "cross", "sub", "inter",
];

/// Which end of a pattern's matches an anchor literal is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Start,
    End,
}

/// Byte strings searched by the literal automaton.
pub(crate) type Literals = Vec<Vec<u8>>;

/// A pattern's start anchors and end anchors (see [`anchors`]).
pub(crate) type Anchors = (Option<Literals>, Option<Literals>);

/// A pattern's anchors: literals one of which every match starts with, and literals one
/// of which every match ends with, each when there is a small set of them long enough to
/// be selective. A sentence can hold a match only if it holds an anchor of each set.
pub(crate) fn anchors(hir: &regex_syntax::hir::Hir) -> Anchors {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let selective = |kind: ExtractKind| {
        let prefix = matches!(kind, ExtractKind::Prefix);
        let mut seq = Extractor::new().kind(kind).extract(hir);
        // A pattern with many anchors (alternatives times optional words) has them cut to
        // their first (or last) bytes, which many share: a much smaller automaton to build
        // (rule loading 225M -> 167M instructions), and the few extra candidate starts
        // cost the scan about nothing. Small sets keep their whole, more selective, literals.
        if seq.len().is_some_and(|n| n > TRIM_ABOVE) {
            if prefix {
                seq.keep_first_bytes(ANCHOR_BYTES);
            } else {
                seq.keep_last_bytes(ANCHOR_BYTES);
            }
        }
        seq.dedup();
        let literals = seq.literals()?;
        let shortest = literals.iter().map(|l| l.len()).min()?;
        (literals.len() <= MAX_ANCHORS && shortest >= MIN_ANCHOR_LEN)
            .then(|| literals.iter().map(|l| l.as_bytes().to_vec()).collect())
    };
    (
        selective(ExtractKind::Prefix),
        selective(ExtractKind::Suffix),
    )
}

/// FNV-1a over file names and contents, as hex.
pub(crate) fn fingerprint(files: &[(String, &str)]) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    let mut sorted: Vec<&(String, &str)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.rsplit('/').next().cmp(&b.0.rsplit('/').next()));
    for (name, text) in sorted {
        let base = name.rsplit('/').next().unwrap_or(name);
        for byte in base.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x100000001b3);
        }
    }
    format!("{hash:016x}")
}

/// Every pattern of the rules, in rule order: (rule index, the pattern as written, its
/// line, its prepared source). A pattern's index in this list is its index everywhere.
pub(crate) fn patterns_of(rules: &[Rule]) -> Vec<(usize, &str, usize, String)> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.kind == Kind::Regex)
        .flat_map(|(index, rule)| {
            rule.patterns
                .iter()
                .zip(&rule.pattern_lines)
                .map(move |(pattern, &line)| {
                    (index, pattern.as_str(), line, pattern_source(pattern))
                })
        })
        .collect()
}

/// The literals of the rules: every form of every phrase (rule order), then the anchors
/// of every pattern (`anchors`, one entry per pattern of [`patterns_of`]).
pub(crate) fn literal_table<'a>(
    rules: &[Rule],
    anchors: impl IntoIterator<Item = &'a Anchors>,
) -> LiteralTable {
    let mut literals = LiteralTable::default();
    for (index, rule) in rules.iter().enumerate() {
        if rule.kind != Kind::Phrases {
            continue;
        }
        for phrase in &rule.phrases {
            let (body, prefix) = phrase_body(phrase);
            for variant in phrase_variants(body) {
                literals.add(
                    variant.into_bytes(),
                    Meaning::Phrase {
                        rule: index,
                        prefix,
                    },
                );
            }
        }
    }
    for (index, (prefixes, suffixes)) in anchors.into_iter().enumerate() {
        for (literals_of_end, end) in [(prefixes, End::Start), (suffixes, End::End)] {
            for literal in literals_of_end.iter().flatten() {
                literals.add(
                    literal.clone(),
                    Meaning::Anchor {
                        pattern: index,
                        end,
                    },
                );
            }
        }
    }
    literals
}

/// Prose in inspectors' style to lay the automaton out by: the rules' own examples,
/// lowercased as sentences are before a scan.
pub(crate) fn prose_profile(rules: &[Rule]) -> Vec<String> {
    rules
        .iter()
        .flat_map(|rule| rule.must_match.iter().chain(&rule.must_not_match))
        .map(|example| example.to_ascii_lowercase())
        .collect()
}

/// The literal automaton of `rules` laid out for prose, the packed meanings of the literals
/// that have several, and which ends of each pattern have anchors, built as
/// [`crate::RuleSet`] builds them, as bytes: the build script makes these for the built-in
/// rules (see [`from_prebuilt`]), so loading them finds no anchors.
// Called by the build script and the test that checks its output.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn prebuilt(rules: &[Rule]) -> Result<Vec<u8>, String> {
    let anchors = patterns_of(rules)
        .iter()
        .map(|(_, _, _, source)| parse_source(source).map(|hir| anchors(&hir)))
        .collect::<Result<Vec<_>, String>>()?;
    let table = literal_table(rules, &anchors);
    let (values, meanings) = table.values()?;
    let literal_values: Vec<(Vec<u8>, u32)> = table.strings.into_iter().zip(values).collect();
    let automaton = literal_automaton(&literal_values, &prose_profile(rules))
        .map_err(|e| format!("cannot build the literal automaton: {e}"))?;
    let count = u32::try_from(meanings.len()).map_err(|_| "too many meanings".to_string())?;
    let mut bytes = count.to_le_bytes().to_vec();
    bytes.extend(meanings.iter().flat_map(|m| m.to_le_bytes()));
    let patterns = u32::try_from(anchors.len()).map_err(|_| "too many patterns".to_string())?;
    bytes.extend(patterns.to_le_bytes());
    bytes.extend(
        anchors
            .iter()
            .map(|(start, end)| u8::from(start.is_some()) | u8::from(end.is_some()) << 1),
    );
    bytes.extend(automaton.serialize());
    Ok(bytes)
}

/// What [`prebuilt`] bytes hold.
pub(crate) struct Prebuilt {
    pub(crate) automaton: DoubleArrayAhoCorasick<u32>,
    pub(crate) meanings: Vec<u32>,
    /// For each pattern, in order: whether its matches start, and whether they end, with
    /// one of its anchors.
    pub(crate) anchored: Vec<(bool, bool)>,
}

/// What [`prebuilt`] bytes hold, or `None` when they are not such bytes (daachorse checks
/// its own part).
pub(crate) fn from_prebuilt(bytes: &[u8]) -> Option<Prebuilt> {
    let (count, rest) = bytes.split_first_chunk::<4>()?;
    let count = usize::try_from(u32::from_le_bytes(*count)).ok()?;
    let (meanings, rest) = rest.split_at_checked(count.checked_mul(4)?)?;
    let meanings = meanings
        .chunks_exact(4)
        .map(|m| u32::from_le_bytes(m.try_into().expect("chunks of four")))
        .collect();
    let (patterns, rest) = rest.split_first_chunk::<4>()?;
    let patterns = usize::try_from(u32::from_le_bytes(*patterns)).ok()?;
    let (flags, automaton) = rest.split_at_checked(patterns)?;
    let anchored = flags
        .iter()
        .map(|&flag| (flag < 4).then_some((flag & 1 != 0, flag & 2 != 0)))
        .collect::<Option<Vec<_>>>()?;
    let (automaton, rest) = DoubleArrayAhoCorasick::<u32>::deserialize(automaton).ok()?;
    rest.is_empty().then_some(Prebuilt {
        automaton,
        meanings,
        anchored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_values_carry_one_meaning_or_the_span_of_several() {
        let meanings = [
            Meaning::Phrase {
                rule: 0,
                prefix: false,
            },
            Meaning::Phrase {
                rule: 7,
                prefix: true,
            },
            Meaning::Anchor {
                pattern: (1 << 29) - 1,
                end: End::Start,
            },
            Meaning::Anchor {
                pattern: 3,
                end: End::End,
            },
        ];
        for meaning in meanings {
            let packed = LiteralValue::pack(meaning).unwrap();
            assert_eq!(LiteralValue::span(packed), None);
            assert_eq!(
                format!("{:?}", LiteralValue::meaning(packed)),
                format!("{meaning:?}")
            );
        }
        assert!(LiteralValue::pack(Meaning::Phrase {
            rule: 1 << 29,
            prefix: false
        })
        .is_err());
        let span = LiteralValue::pack_span(1_000, 48).unwrap();
        assert_eq!(LiteralValue::span(span), Some((1_000, 1_048)));
        assert!(LiteralValue::pack_span(0, 1 << 10).is_err());
        assert!(LiteralValue::pack_span(1 << 21, 2).is_err());
    }

    #[test]
    fn a_phrase_s_forms_are_its_contractions_and_unhyphenated_spellings() {
        assert_eq!(
            contracted("did not always").as_deref(),
            Some("didn't always")
        );
        assert_eq!(contracted("not always").as_deref(), Some("n't always"));
        assert_eq!(contracted("will not").as_deref(), Some("won't"));
        assert_eq!(contracted("cannot").as_deref(), Some("can't"));
        assert_eq!(contracted("went not"), None);
        assert_eq!(contracted("timely"), None);
        assert_eq!(
            phrase_variants("didn't-stop"),
            ["didn't-stop", "didn't stop", "didn’t stop", "didn’t-stop"]
        );
        assert_eq!(
            phrase_variants("well-being"),
            ["well-being", "well being", "wellbeing"]
        );
        assert_eq!(phrase_variants("well-led"), ["well-led", "well led"]);
        assert_eq!(
            phrase_variants("co-ordinated"),
            ["co-ordinated", "co ordinated", "coordinated"]
        );
        assert_eq!(
            phrase_variants("well-co-ordinated"),
            [
                "well-co-ordinated",
                "well co ordinated",
                "well co-ordinated",
                "well coordinated",
                "well-co ordinated",
                "well-coordinated"
            ]
        );
    }
}
