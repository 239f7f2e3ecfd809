//! Rule files: strict loading and validation.

use crate::{EvidenceSource, THEMES};
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;
use toml::Spanned;

/// What a rule's matches mean to the tagger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// A judgement that something works: counts towards `strength`.
    Strength,
    /// A gap, risk, delay or weakness: counts towards `shortfall`.
    Shortfall,
    /// Negates a strength cue that follows it in the same clause ("not", "lack of").
    Negation,
    /// Reports both a strength and a shortfall at once ("feedback was mixed").
    Mixed,
    /// A purpose or need ("to ensure", "needed to", "aimed to"): strength and shortfall
    /// cues after it in its clause describe an aim, not a finding, and are not counted.
    Goal,
    /// A fixed expression whose words are not what they seem ("prevent, reduce, delay",
    /// "Joint Strategic Needs Assessment", "staff told us"): hides the cue and theme
    /// matches inside it, and means nothing itself.
    Mask,
    /// Splits a sentence into clauses that are judged apart ("but", "however").
    Contrast,
    /// Opens a clause that concedes a point ("although", "despite", "apart from"): the
    /// sentence is cut where it opens, and the clause ends at the next comma (or at
    /// "there was" when the comma is missing), so the main clause is judged apart.
    Concession,
    /// Opens a clause that sets the scene at the start of a sentence ("When a provider left
    /// the market, ...", "Where people had complex needs, ..."): strength and shortfall cues
    /// from it to the next comma (or "there was") describe a circumstance, not a finding,
    /// and are not counted.
    Circumstance,
    /// Marks an explicit non-judgement (a figure "similar to" the average).
    Neutral,
    /// A figure beside its comparator with no word that judges it ("65% (national average
    /// 62%)"): the pattern's `value` and `comparator` groups are read as numbers, and a
    /// figure more than the rule's `margin` on the `better` side of its comparator counts
    /// as a strength cue, on the other side as a shortfall cue, within the margin as a
    /// plain comparison (neutral).
    Figure,
    /// The sentence leans on the one before ("This ...", "For example, ...").
    Context,
    /// The sentence says the one before does not hold ("However, this was not the case
    /// ..."): with no cue of its own it takes the opposite polarity, and its themes.
    Reversal,
    /// Tags a theme.
    Theme,
    /// Tags the evidence source.
    Evidence,
}

/// How a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Phrases matched as whole words, ignoring case, all rules in one Aho-Corasick automaton.
    Phrases,
    /// Regular expressions, each tried where the phrases' automaton finds its anchors
    /// (literals every match starts with and ends with).
    Regex,
}

/// Which side of its comparator a figure is better on (signal = "figure").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Higher is better (people satisfied, carers who found information easily).
    #[default]
    Higher,
    /// Lower is better (admissions to care homes, delays).
    Lower,
}

/// Where `unless` exceptions are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The clause the match sits in.
    Clause,
    /// The whole sentence.
    #[default]
    Sentence,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Spanned<String>,
    name: String,
    description: String,
    kind: Kind,
    signal: Signal,
    #[serde(default)]
    theme: Option<Spanned<String>>,
    #[serde(default)]
    evidence: Option<Spanned<EvidenceSource>>,
    #[serde(default = "default_weight")]
    weight: f32,
    #[serde(default)]
    scope: Scope,
    #[serde(default)]
    counts_in_aims: bool,
    #[serde(default = "default_negatable")]
    negatable: bool,
    #[serde(default)]
    takes_object: Option<Spanned<bool>>,
    #[serde(default)]
    reach: Option<Spanned<usize>>,
    #[serde(default)]
    keeps_themes: Option<Spanned<bool>>,
    #[serde(default)]
    evidence_from_previous: Option<Spanned<bool>>,
    #[serde(default)]
    better: Option<Spanned<Better>>,
    #[serde(default)]
    margin: Option<Spanned<f32>>,
    #[serde(default)]
    pages: Vec<Spanned<String>>,
    #[serde(default)]
    pages_when_untagged: Vec<Spanned<String>>,
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    must_match: Vec<String>,
    #[serde(default)]
    must_not_match: Vec<String>,
}

/// How many words a negation reaches unless its rule says (`reach`).
pub const DEFAULT_NEGATION_REACH: usize = 4;
/// The longest `reach` a negation rule may have.
pub const MAX_NEGATION_REACH: usize = 12;

fn default_weight() -> f32 {
    1.0
}

fn default_negatable() -> bool {
    true
}

/// A validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: Kind,
    pub signal: Signal,
    pub theme: Option<&'static str>,
    pub evidence: Option<EvidenceSource>,
    pub weight: f32,
    pub scope: Scope,
    /// Whether the cue still counts after a goal signal ("to understand needs were under
    /// development": the unfinished-work cue is the main verb, not part of the aim).
    pub counts_in_aims: bool,
    /// Whether a negation before the cue turns it round (a duration, "for several months",
    /// measures what was not done, and is not turned round by the "not" before it).
    pub negatable: bool,
    /// Whether a cue of the other kind right after it is its object, what it is about
    /// ("understood the challenges", "insight into the barriers"), not a finding.
    pub takes_object: bool,
    /// Negation rules: how many words after it a negation reaches for the cue it turns
    /// round ("none of the people we spoke with raised concerns" needs more than "not").
    pub reach: usize,
    /// Mask rules: whether the theme words inside the mask still count ("people waiting
    /// for an assessment" hides the wait as a finding, not as what the sentence is about).
    pub keeps_themes: bool,
    /// Evidence rules: whether the evidence is that of the sentence before when that one
    /// names a group (people, staff, leaders or partners), as a pronoun's is ("They told
    /// us ..." after "Staff described ..."); `evidence` when it names none.
    pub evidence_from_previous: bool,
    /// Figure rules: the side of the comparator that is better, and how far (in the
    /// figures' own units) a figure must be from its comparator to count as a cue.
    pub better: Better,
    pub margin: f32,
    /// Theme rules: quality statement pages (slugs) on which every finding is about
    /// this theme ("safeguarding" on the Safeguarding page).
    pub pages: Vec<String>,
    /// Theme rules: pages on which a finding that names no theme of its own is about
    /// this theme.
    pub pages_when_untagged: Vec<String>,
    pub phrases: Vec<String>,
    pub patterns: Vec<String>,
    /// The line of each pattern in its file.
    pub pattern_lines: Vec<usize>,
    pub unless: Unless,
    pub must_match: Vec<String>,
    pub must_not_match: Vec<String>,
    /// The file it came from.
    pub file: String,
}

/// A rule file that could not be loaded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}{}: {message}", match line { 0 => String::new(), n => format!(":{n}") })]
pub struct RuleError {
    pub file: String,
    /// The line the problem is on (1-based); 0 when it is about the file or folder as a
    /// whole (it cannot be read, it holds no rules).
    pub line: usize,
    pub message: String,
}

/// Prepare a rule pattern for matching lowercased English text: ASCII letters outside
/// escapes are lowercased (rules match whatever the case), and `\b`, `\w`, `\d`, `\s` (and
/// their negations) become their ASCII forms: `(?-u:\b)` keeps the regex engine on its fast
/// DFA, and the ASCII classes compile to a fraction of the states of the Unicode ones.
/// (The text is normalised: its spaces are ASCII spaces.) Case-sensitive patterns compile
/// several times faster than case-insensitive Unicode ones.
fn prepare_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // How deep in `[...]` classes we are; a `]` first in a class is a literal.
    let mut class_depth = 0usize;
    let mut class_just_opened = false;
    while let Some(c) = chars.next() {
        let opened = std::mem::take(&mut class_just_opened);
        match c {
            '\\' => {}
            '[' => {
                class_depth += 1;
                class_just_opened = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                continue;
            }
            ']' if class_depth > 0 && !opened => {
                class_depth -= 1;
                out.push(']');
                continue;
            }
            // A named group's "(?P<" keeps its capital P (lowercased, it is no syntax).
            '(' if class_depth == 0 && chars.clone().take(3).eq("?P<".chars()) => {
                out.push_str("(?P<");
                chars.nth(2);
                continue;
            }
            _ => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
        }
        match chars.next() {
            Some('b') if class_depth == 0 => out.push_str("(?-u:\\b)"),
            Some(shorthand @ ('w' | 'd' | 's' | 'W' | 'D' | 'S')) => {
                let name = match shorthand.to_ascii_lowercase() {
                    'w' => "word",
                    'd' => "digit",
                    _ => "space",
                };
                let negated = if shorthand.is_ascii_uppercase() {
                    "^"
                } else {
                    ""
                };
                if class_depth == 0 {
                    out.push_str(&format!("[[:{negated}{name}:]]"));
                } else {
                    out.push_str(&format!("[:{negated}{name}:]"));
                }
            }
            // \p{Lu}, \P{...}: copied as written
            Some(class @ ('p' | 'P')) => {
                out.push('\\');
                out.push(class);
                if chars.peek() == Some(&'{') {
                    for c in chars.by_ref() {
                        out.push(c);
                        if c == '}' {
                            break;
                        }
                    }
                }
            }
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A prepared pattern ([`prepare_pattern`]) with its negated classes of ASCII characters
/// (`[^.;]`, the gaps patterns skip between words) made byte classes, `(?-u:[^.;])`: a
/// Unicode class compiles to a UTF-8 automaton of several states and a gap of up to 60
/// characters to 60 copies of it, a byte class to one state a copy. A gap then steps over
/// a character beyond ASCII byte by byte (none of its bytes is one of the class's ASCII
/// characters, so the gap crosses it as before, but its bound counts the character's 2
/// to 4 bytes: "’" takes 3 of a `{0,60}`); a match that ends inside a character is
/// snapped to the character's end where it is found.
fn byte_gaps(prepared: &str) -> String {
    let bytes = prepared.as_bytes();
    let mut out = String::with_capacity(prepared.len() + 16);
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'[' if bytes.get(i + 1) == Some(&b'^') => {
                let Some(end) = class_end(bytes, i) else {
                    break;
                };
                if prepared[i..end].is_ascii() {
                    out.push_str(&prepared[copied..i]);
                    out.push_str("(?-u:");
                    out.push_str(&prepared[i..end]);
                    out.push(')');
                    copied = end;
                }
                i = end;
            }
            b'[' => i = class_end(bytes, i).unwrap_or(bytes.len()),
            _ => i += 1,
        }
    }
    out.push_str(&prepared[copied..]);
    out
}

/// The end (one past its `]`) of the class that opens at `open`, with the classes nested
/// in it (`[^-[:word:]]`); a `]` first in a class is a member.
fn class_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'[' => {
                depth += 1;
                i += 1;
                if bytes.get(i) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b']') {
                    i += 1;
                }
                continue;
            }
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The source a rule's pattern (or `unless` exception) compiles from: prepared
/// ([`prepare_pattern`]) and with its gaps made byte classes ([`byte_gaps`]).
pub(crate) fn pattern_source(pattern: &str) -> String {
    byte_gaps(&prepare_pattern(pattern))
}

/// The syntax tree of a [`pattern_source`] (its byte classes need `utf8(false)`).
pub(crate) fn parse_source(source: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(source)
        .map_err(|e| e.to_string())
}

/// The compiled size one pattern may take (bytes).
pub(crate) const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The forward automaton of a parsed pattern, refused when it would pass the size limit
/// (a pathological pattern is an error at load, not a hang or a failure at first use).
pub(crate) fn size_checked_nfa(
    hir: &regex_syntax::hir::Hir,
) -> Result<regex_automata::nfa::thompson::NFA, String> {
    use regex_automata::nfa::thompson::{Compiler, Config, WhichCaptures};
    Compiler::new()
        .configure(
            Config::new()
                .nfa_size_limit(Some(PATTERN_SIZE_LIMIT))
                .which_captures(WhichCaptures::None),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

/// A rule's `unless` exceptions: each checked at load (its syntax, and the size of its
/// automaton, so a pathological pattern is an error there, not a hang), all compiled into
/// one regex the first time a sentence needs them (one search of a clause instead of one
/// per exception: F102, S103 and S104 have seven to thirteen).
#[derive(Debug, Clone, Default)]
pub struct Unless {
    pub(crate) sources: Vec<String>,
    regex: OnceLock<regex_automata::meta::Regex>,
}

/// How loading treats the `unless` exceptions of rule files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceptions {
    /// Each is parsed and its automaton built to check its size (a rules folder).
    Checked,
    /// Each is kept to compile when first used: the built-in rules, whose exceptions the
    /// test suite checks in full (checking them was 7% of the instructions of loading).
    Trusted,
}

impl Unless {
    /// Check a pattern (see [`pattern_source`]) for use as an exception, unless it comes
    /// from a rule file the test suite has checked, and add it.
    fn push(&mut self, pattern: &str, exceptions: Exceptions) -> Result<(), String> {
        let source = pattern_source(pattern);
        if exceptions == Exceptions::Checked {
            let hir = parse_source(&source)?;
            size_checked_nfa(&hir)?;
        }
        self.sources.push(source);
        Ok(())
    }

    /// Whether the rule has no exceptions.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Whether one of the exceptions holds somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        if self.sources.is_empty() {
            return false;
        }
        self.regex
            .get_or_init(|| {
                // One alternation of their syntax trees, without capture groups (two
                // exceptions may name a group alike; flags stay inside each tree). A regex
                // set about doubled the instructions of these searches.
                use regex_automata::{meta, nfa::thompson::WhichCaptures};
                let trees: Vec<regex_syntax::hir::Hir> = self
                    .sources
                    .iter()
                    .map(|source| {
                        parse_source(source).expect("an exception that passed Unless::push parses")
                    })
                    .collect();
                meta::Builder::new()
                    .configure(
                        meta::Config::new()
                            .which_captures(WhichCaptures::None)
                            .nfa_size_limit(Some(PATTERN_SIZE_LIMIT * 8 * self.sources.len()))
                            .hybrid_cache_capacity(4 << 20),
                    )
                    .build_from_hir(&regex_syntax::hir::Hir::alternation(trees))
                    .expect("exceptions that passed Unless::push compile together")
            })
            .is_match(text.as_bytes())
    }
}

/// A phrase without its prefix mark, and whether it had one ("struggl*" matches any word
/// that starts "struggl").
pub(crate) fn phrase_body(phrase: &str) -> (&str, bool) {
    match phrase.strip_suffix('*') {
        Some(body) => (body, true),
        None => (phrase, false),
    }
}

/// The names of the capture groups in a parsed pattern.
fn capture_names(hir: &regex_syntax::hir::Hir) -> Vec<String> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(capture) => {
            let mut names: Vec<String> = capture.name.iter().map(|n| n.to_string()).collect();
            names.extend(capture_names(&capture.sub));
            names
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().flat_map(capture_names).collect()
        }
        HirKind::Repetition(repetition) => capture_names(&repetition.sub),
        _ => Vec::new(),
    }
}

fn line_of(source: &str, span: Range<usize>) -> usize {
    source[..span.start.min(source.len())].matches('\n').count() + 1
}

/// Parse and validate one rule file.
pub fn parse_rule(file: &str, source: &str) -> Result<Rule, RuleError> {
    parse_rule_with(file, source, Exceptions::Checked)
}

/// [`parse_rule`], with its exceptions checked or trusted.
pub(crate) fn parse_rule_with(
    file: &str,
    source: &str,
    exceptions: Exceptions,
) -> Result<Rule, RuleError> {
    let err = |span: Range<usize>, message: String| RuleError {
        file: file.to_string(),
        line: line_of(source, span),
        message,
    };
    let raw: RuleFile = toml::from_str(source).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(source, s));
        RuleError {
            file: file.to_string(),
            line,
            message: e.message().trim().to_string(),
        }
    })?;
    let id_ok = !raw.id.get_ref().is_empty()
        && raw
            .id
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        return Err(err(
            raw.id.span(),
            format!(
                "bad rule id {:?}: use letters, digits, - and _",
                raw.id.get_ref()
            ),
        ));
    }
    if raw.description.trim().is_empty() {
        return Err(err(0..0, "description is empty".into()));
    }
    match raw.kind {
        Kind::Phrases if raw.phrases.is_empty() => {
            return Err(err(
                0..0,
                "kind = \"phrases\" needs a non-empty `phrases` list".into(),
            ))
        }
        Kind::Regex if raw.patterns.is_empty() => {
            return Err(err(
                0..0,
                "kind = \"regex\" needs a non-empty `patterns` list".into(),
            ))
        }
        Kind::Phrases if !raw.patterns.is_empty() => {
            return Err(err(
                raw.patterns[0].span(),
                "`patterns` belongs to kind = \"regex\"".into(),
            ))
        }
        Kind::Regex if !raw.phrases.is_empty() => {
            return Err(err(
                raw.phrases[0].span(),
                "`phrases` belongs to kind = \"phrases\"".into(),
            ))
        }
        _ => {}
    }
    let mut seen = std::collections::HashSet::with_capacity(raw.phrases.len());
    for phrase in &raw.phrases {
        // "*" alone is empty too: the star only marks a prefix.
        if phrase.get_ref().trim().trim_end_matches('*').is_empty() {
            return Err(err(phrase.span(), "empty phrase".into()));
        }
        // Phrases match in any case, so "Staff" repeats "staff".
        if !seen.insert(phrase.get_ref().trim().to_lowercase()) {
            return Err(err(
                phrase.span(),
                format!("phrase {:?} is listed twice", phrase.get_ref()),
            ));
        }
    }
    // A phrase also matches its other forms (contracted, unhyphenated, with a curly
    // apostrophe): listing one of those as well says nothing more.
    let lowered: Vec<String> = raw
        .phrases
        .iter()
        .map(|phrase| phrase.get_ref().trim().to_lowercase())
        .collect();
    let mut forms = HashMap::new();
    for (index, phrase) in lowered.iter().enumerate() {
        let (body, prefix) = phrase_body(phrase);
        for form in crate::literals::phrase_variants(body).into_iter().skip(1) {
            forms.entry((form, prefix)).or_insert(index);
        }
    }
    for (phrase, lowered) in raw.phrases.iter().zip(&lowered) {
        let (body, prefix) = phrase_body(lowered);
        if let Some(&other) = forms.get(&(body.to_string(), prefix)) {
            let other = &raw.phrases[other];
            return Err(err(
                phrase.span(),
                format!(
                    "phrase {:?} is already matched by {:?} (line {}): a phrase also matches \
                     its contracted, unhyphenated and curly-apostrophe forms",
                    phrase.get_ref(),
                    other.get_ref(),
                    line_of(source, other.span())
                ),
            ));
        }
    }
    // Exceptions are checked here and compiled when first used; patterns are checked and
    // compiled once, with a size limit, by the rule set (its errors name this file and the
    // pattern's line too).
    let mut unless = Unless::default();
    for p in &raw.unless {
        unless
            .push(p.get_ref(), exceptions)
            .map_err(|e| err(p.span(), format!("bad regex {:?}: {e}", p.get_ref())))?;
    }
    let theme = match (&raw.signal, &raw.theme) {
        (Signal::Theme, None) => return Err(err(0..0, "signal = \"theme\" needs `theme`".into())),
        (Signal::Theme, Some(t)) => Some(
            THEMES
                .iter()
                .copied()
                .find(|known| *known == t.get_ref())
                .ok_or_else(|| err(t.span(), format!("unknown theme id {:?}", t.get_ref())))?,
        ),
        (_, Some(t)) => {
            return Err(err(
                t.span(),
                "`theme` is only for signal = \"theme\"".into(),
            ))
        }
        (_, None) => None,
    };
    let evidence = match (&raw.signal, &raw.evidence) {
        (Signal::Evidence, None) => {
            return Err(err(0..0, "signal = \"evidence\" needs `evidence`".into()))
        }
        (Signal::Evidence, Some(e)) => Some(*e.get_ref()),
        (_, Some(e)) => {
            return Err(err(
                e.span(),
                "`evidence` is only for signal = \"evidence\"".into(),
            ))
        }
        (_, None) => None,
    };
    for page in raw.pages.iter().chain(&raw.pages_when_untagged) {
        if raw.signal != Signal::Theme {
            return Err(err(
                page.span(),
                "`pages` and `pages_when_untagged` are only for signal = \"theme\"".into(),
            ));
        }
        if !ingest::QUALITY_STATEMENTS
            .iter()
            .any(|qs| qs.slug == page.get_ref())
        {
            return Err(err(
                page.span(),
                format!("unknown quality statement page {:?}", page.get_ref()),
            ));
        }
    }
    // Keys that belong to one kind of signal: given to a rule of another, each is refused
    // on its own line.
    let signal_keys = [
        (
            raw.better.as_ref().map(Spanned::span),
            raw.signal == Signal::Figure,
            "`better` and `margin` are only for signal = \"figure\"",
        ),
        (
            raw.margin.as_ref().map(Spanned::span),
            raw.signal == Signal::Figure,
            "`better` and `margin` are only for signal = \"figure\"",
        ),
        (
            raw.takes_object.as_ref().map(Spanned::span),
            matches!(raw.signal, Signal::Strength | Signal::Shortfall),
            "`takes_object` is only for signal = \"strength\" or \"shortfall\"",
        ),
        (
            raw.keeps_themes.as_ref().map(Spanned::span),
            raw.signal == Signal::Mask,
            "`keeps_themes` is only for signal = \"mask\"",
        ),
        (
            raw.evidence_from_previous.as_ref().map(Spanned::span),
            raw.signal == Signal::Evidence,
            "`evidence_from_previous` is only for signal = \"evidence\"",
        ),
        (
            raw.reach.as_ref().map(Spanned::span),
            raw.signal == Signal::Negation,
            "`reach` is only for signal = \"negation\"",
        ),
    ];
    for (span, belongs, message) in signal_keys {
        if let Some(span) = span.filter(|_| !belongs) {
            return Err(err(span, message.into()));
        }
    }
    if let Some(key) = &raw.reach {
        if !(1..=MAX_NEGATION_REACH).contains(key.get_ref()) {
            return Err(err(
                key.span(),
                format!("reach must be a number of words from 1 to {MAX_NEGATION_REACH}"),
            ));
        }
    }
    let margin = raw.margin.as_ref().map_or(0.0, |m| *m.get_ref());
    if !(margin.is_finite() && margin >= 0.0) {
        return Err(err(
            raw.margin.as_ref().map_or(0..0, Spanned::span),
            "margin must be a number, 0 or more".into(),
        ));
    }
    if raw.signal == Signal::Figure {
        if raw.kind != Kind::Regex {
            return Err(err(
                0..0,
                "signal = \"figure\" needs kind = \"regex\"".into(),
            ));
        }
        // The figures are read from the pattern's named groups (a syntax error is left
        // to the rule set, which compiles every pattern and names its line).
        for pattern in &raw.patterns {
            let Ok(hir) = parse_source(&pattern_source(pattern.get_ref())) else {
                continue;
            };
            let names = capture_names(&hir);
            for group in ["value", "comparator"] {
                if !names.iter().any(|name| name == group) {
                    return Err(err(
                        pattern.span(),
                        format!("a figure pattern needs a group named `{group}`: (?<{group}>...)"),
                    ));
                }
            }
        }
    }
    if raw.must_match.is_empty() {
        return Err(err(
            0..0,
            "a rule needs at least one `must_match` example".into(),
        ));
    }
    if !(raw.weight.is_finite() && raw.weight > 0.0) {
        return Err(err(0..0, "weight must be a positive number".into()));
    }
    Ok(Rule {
        id: raw.id.into_inner(),
        name: raw.name,
        description: raw.description.trim().to_string(),
        kind: raw.kind,
        signal: raw.signal,
        theme,
        evidence,
        weight: raw.weight,
        scope: raw.scope,
        counts_in_aims: raw.counts_in_aims,
        negatable: raw.negatable,
        takes_object: raw.takes_object.is_some_and(|t| *t.get_ref()),
        keeps_themes: raw.keeps_themes.is_some_and(|k| *k.get_ref()),
        evidence_from_previous: raw.evidence_from_previous.is_some_and(|e| *e.get_ref()),
        reach: raw
            .reach
            .map_or(DEFAULT_NEGATION_REACH, Spanned::into_inner),
        better: raw.better.map(Spanned::into_inner).unwrap_or_default(),
        margin,
        pages: raw.pages.into_iter().map(Spanned::into_inner).collect(),
        pages_when_untagged: raw
            .pages_when_untagged
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        phrases: raw
            .phrases
            .into_iter()
            .map(|p| p.into_inner().to_lowercase())
            .collect(),
        pattern_lines: raw
            .patterns
            .iter()
            .map(|p| line_of(source, p.span()))
            .collect(),
        patterns: raw.patterns.into_iter().map(Spanned::into_inner).collect(),
        unless,
        must_match: raw.must_match,
        must_not_match: raw.must_not_match,
        file: file.to_string(),
    })
}

/// Parse many rule files, rejecting duplicate ids and ids in `retired`.
pub fn parse_rules<'a>(
    files: impl IntoIterator<Item = (String, &'a str)>,
    retired: &[&str],
) -> Result<Vec<Rule>, RuleError> {
    parse_rules_with(files, retired, Exceptions::Checked)
}

/// [`parse_rules`], with the files' exceptions checked or trusted.
pub(crate) fn parse_rules_with<'a>(
    files: impl IntoIterator<Item = (String, &'a str)>,
    retired: &[&str],
    exceptions: Exceptions,
) -> Result<Vec<Rule>, RuleError> {
    use rayon::prelude::*;
    let files: Vec<(String, &str)> = files.into_iter().collect();
    // Files parse on every thread; their errors are reported in file order.
    let parsed: Vec<Result<Rule, RuleError>> = files
        .par_iter()
        .map(|(file, source)| parse_rule_with(file, source, exceptions))
        .collect();
    let mut rules: Vec<Rule> = Vec::new();
    let mut ids: HashMap<String, String> = HashMap::new();
    for ((file, source), rule) in files.into_iter().zip(parsed) {
        let rule = rule?;
        let id_line = source
            .lines()
            .position(|l| l.trim_start().starts_with("id"))
            .map_or(1, |p| p + 1);
        if retired.iter().any(|r| r.eq_ignore_ascii_case(&rule.id)) {
            return Err(RuleError {
                file,
                line: id_line,
                message: format!("rule id {:?} belonged to a deleted rule (rules/RETIRED): ids are never reused, pick a new one", rule.id),
            });
        }
        if let Some(first) = ids.insert(rule.id.to_lowercase(), file.clone()) {
            return Err(RuleError {
                file,
                line: id_line,
                message: format!("rule id {:?} is already used by {first}", rule.id),
            });
        }
        rules.push(rule);
    }
    if rules.is_empty() {
        return Err(RuleError {
            file: "<rules>".into(),
            line: 0,
            message: "no rule files (*.toml) found".into(),
        });
    }
    // In order of id, whatever the order of the files: a sentence's rules (kept in rule
    // order) then list in order of id.
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rules)
}

/// Read every `*.toml` file of a folder, sorted by name.
pub fn read_rule_dir(dir: &Path) -> Result<Vec<(String, String)>, RuleError> {
    let whole = |path: &Path, message: String| RuleError {
        file: path.display().to_string(),
        line: 0,
        message,
    };
    let io = |e: std::io::Error, path: &Path| whole(path, format!("cannot read: {e}"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(e, dir))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    if paths.is_empty() {
        return Err(whole(dir, "no rule files (*.toml) in this folder".into()));
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).map_err(|e| io(e, &p))?;
            let text = String::from_utf8(bytes).map_err(|_| whole(&p, "not UTF-8 text".into()))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_exception_passes_the_check_that_loading_them_skips() {
        // `RuleSet::builtin` trusts the exceptions of the built-in rules; here each rule
        // file is parsed with its exceptions parsed and their automata size-checked.
        for (name, text) in crate::BUILTIN_RULES {
            if let Err(e) = parse_rule(name, text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn patterns_are_lowercased_and_their_shorthand_classes_made_ascii() {
        assert_eq!(
            prepare_pattern(r"\bStaff\s+\w+ (?:\d{1,3})%\W"),
            r"(?-u:\b)staff[[:space:]]+[[:word:]]+ (?:[[:digit:]]{1,3})%[[:^word:]]"
        );
        // Inside a class the ASCII class goes in bare; a `]` first in a class is a
        // literal, and the class ends at the next one.
        assert_eq!(
            prepare_pattern(r"[\w’'-]+[^\d.][]A]\S"),
            r"[[:word:]’'-]+[^[:digit:].][]a][[:^space:]]"
        );
        assert_eq!(prepare_pattern(r"\p{Lu}\."), r"\p{Lu}\.");
        assert_eq!(prepare_pattern(r"(?P<Value>\d)"), r"(?P<value>[[:digit:]])");
        // What the rules mean on ASCII text is unchanged.
        for (pattern, text, expected) in [
            (r"\bwait\w*", "people waited", true),
            (r"[\w-]+ time", "long-term time", true),
            (r"\d+%", "85% of people", true),
            (r"\S+\s\S+", "a b", true),
            (r"[^\w ]", "abc def", false),
        ] {
            let regex = regex::Regex::new(&prepare_pattern(pattern)).unwrap();
            assert_eq!(regex.is_match(text), expected, "{pattern} on {text}");
        }
    }

    #[test]
    fn negated_classes_of_ascii_characters_become_byte_classes() {
        assert_eq!(
            byte_gaps(r"a[^.;]{0,40}?b(?:[^.]|\.[[:digit:]])*?"),
            r"a(?-u:[^.;]){0,40}?b(?:(?-u:[^.])|\.[[:digit:]])*?"
        );
        // Nested classes are part of the class; a `]` first in a class is a member.
        assert_eq!(byte_gaps(r"well[^-[:word:]]"), r"well(?-u:[^-[:word:]])");
        assert_eq!(byte_gaps(r"[^]a]x"), r"(?-u:[^]a])x");
        // Classes that are not negated, or name a character beyond ASCII, stay as they
        // are; so does an escaped bracket.
        for unchanged in [r"[a-z’' -]{0,40}", r"[^’.]+", r"\[^x\]", r"[[:^word:]]"] {
            assert_eq!(byte_gaps(unchanged), unchanged);
        }
        // On text beyond ASCII a byte gap finds what the Unicode gap finds.
        let unicode = regex::Regex::new(r"staff[^.;]{0,20}?waited").unwrap();
        let bytes = regex_automata::meta::Builder::new()
            .syntax(regex_automata::util::syntax::Config::new().utf8(false))
            .build(&byte_gaps(r"staff[^.;]{0,20}?waited"))
            .unwrap();
        for text in [
            "staff’s team – waited",
            "staff said é£ waited",
            "staff. waited",
        ] {
            assert_eq!(
                unicode.find(text).map(|m| m.range()),
                bytes.find(text).map(|m| m.range()),
                "{text}"
            );
        }
        // The bound counts bytes: eleven two-byte letters pass a gap of twenty.
        let text = "staff ééééééééééé waited";
        assert!(unicode.is_match(text));
        assert!(!bytes.is_match(text));
    }

    const GOOD: &str = r#"
id = "T1"
name = "test"
description = "A test rule."
kind = "phrases"
signal = "strength"
phrases = ["effective"]
must_match = ["It was effective."]
"#;

    #[test]
    fn a_good_rule_loads() {
        let rule = parse_rule("t.toml", GOOD).unwrap();
        assert_eq!(rule.id, "T1");
        assert_eq!(rule.signal, Signal::Strength);
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let source = format!("{GOOD}colour = \"red\"\n");
        let e = parse_rule("t.toml", &source).unwrap_err();
        assert_eq!(e.line, 9, "{e}");
        assert!(e.message.contains("colour"), "{e}");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse_rule("t.toml", "id = \"T1\"\nname = \n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn bad_regex_names_the_line() {
        let source = GOOD
            .replace("kind = \"phrases\"", "kind = \"regex\"")
            .replace("phrases = [\"effective\"]", "patterns = [\"(unclosed\"]");
        // Checked once, where the rule set compiles it.
        let e =
            crate::RuleSet::from_sources([("t.toml".to_string(), source.as_str())]).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("t.toml", 7), "{e}");
        assert!(e.message.contains("bad regex"), "{e}");
    }

    #[test]
    fn pathological_regex_is_refused_by_size_limit() {
        let source = GOOD
            .replace("kind = \"phrases\"", "kind = \"regex\"")
            .replace(
                "phrases = [\"effective\"]",
                "patterns = [\"(a{1000}){1000}\"]",
            );
        // The syntax is fine; the size limit of the compiled rule set refuses it, naming
        // the file and the pattern's line.
        assert!(parse_rule("t.toml", &source).is_ok());
        let e =
            crate::RuleSet::from_sources([("t.toml".to_string(), source.as_str())]).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("t.toml", 7), "{e}");
        assert!(e.message.contains("bad regex"), "{e}");
    }

    #[test]
    fn exceptions_naming_the_same_group_or_setting_flags_are_searched_together() {
        // Regression: the exceptions were once joined into one alternation, where two groups
        // of one name do not compile (a panic at the first sentence that needed them).
        let source = GOOD.replace(
            "phrases = [\"effective\"]",
            "phrases = [\"effective\"]\nunless = [\n    '(?P<n>not) effective',\n    '(?P<n>hardly) effective',\n    '(?x) barely \\s effective',\n    'x y',\n]",
        );
        let rule = parse_rule("t.toml", &source).unwrap();
        assert!(rule.unless.is_match("it was hardly effective"));
        assert!(rule.unless.is_match("it was barely effective"));
        assert!(
            rule.unless.is_match("x y"),
            "the flag of the third does not reach the fourth"
        );
        assert!(!rule.unless.is_match("it was effective"));
    }

    #[test]
    fn a_bad_or_pathological_exception_is_refused_at_load_with_its_line() {
        for (unless, problem) in [
            ("(a{1000}){1000}", "exceeded limit"),
            ("(unclosed", "unclosed"),
        ] {
            let source = GOOD.replace(
                "phrases = [\"effective\"]",
                &format!("phrases = [\"effective\"]\nunless = [\n    \"x\",\n    \"{unless}\",\n]"),
            );
            let e = parse_rule("t.toml", &source).unwrap_err();
            assert_eq!(e.line, 10, "{e}");
            assert!(
                e.message.contains("bad regex") && e.message.contains(problem),
                "{e}"
            );
        }
        // A good one is compiled when first used, and finds what it says.
        let source = GOOD.replace(
            "phrases = [\"effective\"]",
            "phrases = [\"effective\"]\nunless = [\"\\\\bnot (?:very )?effective\\\\b\"]",
        );
        let rule = parse_rule("t.toml", &source).unwrap();
        assert!(rule.unless.is_match("it was not very effective"));
        assert!(!rule.unless.is_match("it was noteffective"));
    }

    #[test]
    fn a_lone_star_phrase_is_an_empty_phrase_named_with_its_line() {
        // Regression: "*" (a prefix of nothing) reached the literal automaton, which
        // refused it with no file or line.
        let source = GOOD.replace("phrases = [\"effective\"]", "phrases = [\"good\", \" * \"]");
        let e = parse_rule("t.toml", &source).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(e.message.contains("empty phrase"), "{e}");
    }

    #[test]
    fn a_phrase_another_already_matches_is_refused_naming_both_lines() {
        for (listed, covered) in [
            ("well-managed", "well managed"),
            ("did not", "didn't"),
            ("people's views", "people’s views"),
        ] {
            let source = GOOD.replace(
                "phrases = [\"effective\"]",
                &format!("phrases = [\n    \"{listed}\",\n    \"{covered}\",\n]"),
            );
            let e = parse_rule("t.toml", &source).unwrap_err();
            assert_eq!(e.line, 9, "{e}");
            assert!(
                e.message.contains("already matched by") && e.message.contains("(line 8)"),
                "{e}"
            );
        }
        // A prefix phrase and a whole-word one are different phrases.
        let source = GOOD.replace(
            "phrases = [\"effective\"]",
            "phrases = [\"well-managed*\", \"well managed\"]",
        );
        assert!(parse_rule("t.toml", &source).is_ok());
    }

    #[test]
    fn a_phrase_listed_twice_is_refused_at_its_second_line() {
        let source = GOOD.replace(
            "phrases = [\"effective\"]",
            "phrases = [\n    \"effective\",\n    \"Effective\",\n]",
        );
        let e = parse_rule("t.toml", &source).unwrap_err();
        assert_eq!(e.line, 9, "{e}");
        assert!(e.message.contains("listed twice"), "{e}");
    }

    #[test]
    fn unknown_theme_is_rejected() {
        let source = GOOD.replace(
            "signal = \"strength\"",
            "signal = \"theme\"\ntheme = \"weather\"",
        );
        let e = parse_rule("t.toml", &source).unwrap_err();
        assert!(e.message.contains("unknown theme id \"weather\""), "{e}");
        assert_eq!(e.line, 7);
    }

    /// A figure rule with this pattern (raw TOML string content).
    fn figure_rule(pattern: &str) -> String {
        GOOD.replace("kind = \"phrases\"", "kind = \"regex\"")
            .replace("signal = \"strength\"", "signal = \"figure\"\nmargin = 1.0")
            .replace(
                "phrases = [\"effective\"]",
                &format!("patterns = ['{pattern}']"),
            )
    }

    #[test]
    fn a_figure_pattern_needs_its_value_and_comparator_groups() {
        let good = figure_rule(r"(?<value>\d+)% \(average (?<comparator>\d+)%\)");
        let rule = parse_rule("t.toml", &good).unwrap();
        assert_eq!((rule.better, rule.margin), (Better::Higher, 1.0));
        let e = parse_rule("t.toml", &figure_rule(r"(?<value>\d+)% \(average \d+%\)")).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(e.message.contains("`comparator`"), "{e}");
    }

    /// `GOOD` with its signal line replaced by `lines` (a signal and the keys after it).
    fn with_signal(lines: &str) -> String {
        GOOD.replace("signal = \"strength\"", lines)
    }

    /// A rule given `lines` is refused on the line of the key (7), with a message naming
    /// `what` the key is for.
    fn assert_refused(lines: &str, what: &str) {
        let e = parse_rule("t.toml", &with_signal(lines)).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(e.message.contains(what), "{e}");
    }

    #[test]
    fn better_and_margin_belong_to_figure_rules() {
        assert_refused(
            "signal = \"strength\"\nbetter = \"lower\"",
            "only for signal = \"figure\"",
        );
    }

    #[test]
    fn reach_belongs_to_negations_and_is_a_few_words() {
        let negation = |reach: &str| format!("signal = \"negation\"\nreach = {reach}");
        let source = with_signal(&negation("10"));
        assert_eq!(parse_rule("t.toml", &source).unwrap().reach, 10);
        assert_eq!(
            parse_rule("t.toml", GOOD).unwrap().reach,
            DEFAULT_NEGATION_REACH
        );
        for reach in ["0", "13"] {
            assert_refused(&negation(reach), "from 1 to 12");
        }
        assert_refused(
            "signal = \"strength\"\nreach = 6",
            "only for signal = \"negation\"",
        );
    }

    #[test]
    fn keeps_themes_belongs_to_masks() {
        assert_refused(
            "signal = \"strength\"\nkeeps_themes = true",
            "only for signal = \"mask\"",
        );
        let source = with_signal("signal = \"mask\"\nkeeps_themes = true");
        assert!(parse_rule("t.toml", &source).unwrap().keeps_themes);
    }

    #[test]
    fn evidence_from_previous_belongs_to_evidence_rules() {
        assert_refused(
            "signal = \"strength\"\nevidence_from_previous = true",
            "only for signal = \"evidence\"",
        );
        let source = with_signal(
            "signal = \"evidence\"\nevidence = \"leaders\"\nevidence_from_previous = true",
        );
        assert!(
            parse_rule("t.toml", &source)
                .unwrap()
                .evidence_from_previous
        );
    }

    #[test]
    fn takes_object_belongs_to_cues() {
        assert_refused("signal = \"contrast\"\ntakes_object = true", "takes_object");
        let source = with_signal("signal = \"strength\"\ntakes_object = true");
        assert!(parse_rule("t.toml", &source).unwrap().takes_object);
    }

    #[test]
    fn retired_ids_are_rejected() {
        let e = parse_rules([("a.toml".to_string(), GOOD)], &["t1"]).unwrap_err();
        assert!(e.message.contains("never reused"), "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn reused_ids_are_rejected() {
        let e = parse_rules(
            [("a.toml".to_string(), GOOD), ("b.toml".to_string(), GOOD)],
            &[],
        )
        .unwrap_err();
        assert_eq!(e.file, "b.toml");
        assert!(e.message.contains("already used by a.toml"));
    }
}
