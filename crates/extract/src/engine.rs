//! Compiled rules and the tagger.

use crate::literals::{
    anchors, fingerprint, from_prebuilt, literal_automaton, literal_table, patterns_of,
    prose_profile, End, LiteralValue, Meaning,
};
use crate::rules::{
    parse_rules_with, parse_source, read_rule_dir, size_checked_nfa, Better, Exceptions, Rule,
    RuleError, Scope, Signal, DEFAULT_NEGATION_REACH, PATTERN_SIZE_LIMIT,
};
use crate::{
    EvidenceSource, Polarity, BUILTIN_LITERALS, BUILTIN_LITERALS_FINGERPRINT, BUILTIN_RULES,
    RETIRED_IDS, THEMES,
};
use daachorse::DoubleArrayAhoCorasick;
use regex::Regex;
use regex_automata::{hybrid, meta, Anchored, Input};
use std::path::Path;
use std::sync::OnceLock;

/// One match of one rule in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Index into [`RuleSet::rules`].
    pub rule: usize,
    /// Byte span in the sentence.
    pub start: usize,
    pub end: usize,
    /// A strength or shortfall cue turned round by a negation before it.
    pub negated: bool,
    /// A cue after a goal signal in its clause ("to ensure ..."): it describes an aim,
    /// not a finding, and is not counted.
    pub aim: bool,
    /// A cue inside a circumstance clause ("When a provider left the market, ..."): it
    /// sets the scene, not a finding, and is not counted.
    pub circumstance: bool,
    /// A cue holding a negation that turns round a later cue of its own kind ("did not" in
    /// "did not have waiting lists"): the cue turned round carries the meaning, and this
    /// one is not counted.
    pub superseded: bool,
    /// A theme given by the page the sentence is on, not by a span (start = end = 0).
    pub page: bool,
    /// A cue that is the object of a cue of the other kind before it ("the challenges" in
    /// "understood the challenges"): what that cue is about, not counted.
    pub object: bool,
    /// A figure beside its comparator (signal `figure`): how it reads, `Strength`,
    /// `Shortfall` or `Neutral` (within the rule's margin).
    pub reading: Option<Polarity>,
}

/// What is known around a sentence.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The tags of the sentence before, in the same paragraph.
    pub previous: Option<&'a Tags>,
    /// The quality statement page slug (`needs`, `safeguarding`, ...) the sentence is on.
    pub page: Option<&'a str>,
}

/// The tags of one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Tags {
    pub polarity: Polarity,
    /// Theme ids, sorted, without repeats.
    pub themes: Vec<&'static str>,
    pub evidence: EvidenceSource,
    /// The rules that fired (indices into [`RuleSet::rules`]), without repeats; see
    /// [`Tags::rule_ids`].
    pub rules: Vec<usize>,
    /// Every match that fired, in sentence order.
    pub matches: Vec<Match>,
}

impl Tags {
    /// The ids of the rules that fired, sorted (rules are kept in order of id).
    pub fn rule_ids<'a>(&'a self, rules: &'a RuleSet) -> impl Iterator<Item = &'a str> + 'a {
        self.rules.iter().map(|&i| rules.rules[i].id.as_str())
    }

    /// Tags that carry only a polarity: context for [`RuleSet::tag`] when all that is
    /// known of the sentence before is its polarity.
    pub fn with_polarity(polarity: Polarity) -> Tags {
        Tags {
            polarity,
            themes: Vec::new(),
            evidence: EvidenceSource::None,
            rules: Vec::new(),
            matches: Vec::new(),
        }
    }
}

/// A rule pattern: a lazy DFA of its forward automaton for the anchored searches at its
/// anchors, and the whole regex, compiled on first use, for searches of whole sentences.
#[derive(Debug)]
struct Pattern {
    rule: usize,
    source: String,
    /// `None` when the lazy DFA cannot run the pattern (a Unicode word boundary).
    forward: Option<hybrid::dfa::DFA>,
    regex: OnceLock<meta::Regex>,
}

/// Each thread's working space for tagging: its buffers keep their capacity from one
/// sentence to the next.
#[derive(Debug, Default)]
struct Scratch {
    search: SearchScratch,
    sentence: SentenceScratch,
}

/// Working space for finding the raw matches (see [`RuleSet::raw_matches`]).
#[derive(Debug, Default)]
struct SearchScratch {
    /// The caches of the patterns' lazy DFAs, created on first use.
    caches: Vec<Option<hybrid::dfa::Cache>>,
    /// Per pattern, in the sentence at hand: start anchors found (counted up to one more
    /// than [`MAX_ANCHORED_SEARCHES`]), and whether an end anchor was.
    starts_found: Vec<u8>,
    end_found: Vec<bool>,
    /// (pattern, where a match of it may start) in the sentence at hand, and the starts of
    /// the pattern being tried.
    starts: Vec<(usize, usize)>,
    pattern_starts: Vec<usize>,
}

/// Working space for judging one sentence from its raw matches.
#[derive(Debug, Default)]
struct SentenceScratch {
    raw: Vec<Raw>,
    /// Where clauses start and end, and the clauses.
    cuts: Vec<usize>,
    clauses: Vec<(usize, usize)>,
    /// Rule, scope and result of each `unless` exception tried.
    unless: Vec<(usize, usize, usize, bool)>,
    /// The spans that can hide other matches (see [`RuleSet::kept_matches`]).
    /// Spans that can hide others: start, end, rule.
    outers: Vec<(usize, usize, usize)>,
    /// Negations; goal spans with the end of their aim, found when first needed;
    /// circumstance clauses.
    negations: Vec<Negation>,
    goals: Vec<(usize, usize, std::cell::OnceCell<usize>)>,
    circumstances: Vec<(usize, usize)>,
    /// Cue totals per clause.
    strength: Vec<f32>,
    shortfall: Vec<f32>,
    /// Theme weights, by index in [`THEMES`].
    theme_weight: [f32; THEMES.len()],
}

/// A negation in a sentence, and the cues it turns round.
#[derive(Debug)]
struct Negation {
    start: usize,
    end: usize,
    /// How many words after it the first cue it turns round may be (its rule's `reach`).
    reach: usize,
    /// The end and kind of the last cue it turned round.
    last_turned: Option<(usize, Signal)>,
    /// Whether a cue holding it ("did not", "lack of") is superseded by the first cue it
    /// turned round (see [`SUPERSEDING_REACH_WORDS`]).
    supersedes: bool,
}

/// Whether the text between two cues only lists them: "timely or effective",
/// "timely, effective and".
fn listed_after(between: &str) -> bool {
    between
        .split(|c: char| c.is_whitespace() || c == ',')
        .all(|w| matches!(w, "" | "and" | "or" | "nor"))
}

impl SentenceScratch {
    /// Lists kept from one sentence to the next hold at most this many items: one grown
    /// on a degenerate "sentence" (megabytes with no full stop) is given back, not kept
    /// by the thread.
    const MAX_KEPT: usize = 1 << 12;

    fn release_oversized(&mut self) {
        fn release<T>(list: &mut Vec<T>) {
            if list.capacity() > SentenceScratch::MAX_KEPT {
                *list = Vec::new();
            }
        }
        release(&mut self.raw);
        release(&mut self.cuts);
        release(&mut self.clauses);
        release(&mut self.unless);
        release(&mut self.outers);
        release(&mut self.negations);
        release(&mut self.goals);
        release(&mut self.circumstances);
        release(&mut self.strength);
        release(&mut self.shortfall);
    }
}

impl Pattern {
    /// Build a parsed pattern, refusing one whose automaton would pass the size limit (a
    /// pathological pattern is an error at load, not a hang or a failure at its first
    /// use). The whole regex, built on first use, has a limit eight times larger.
    fn build(rule: usize, source: String, hir: &regex_syntax::hir::Hir) -> Result<Pattern, String> {
        let nfa = size_checked_nfa(hir)?;
        let forward = hybrid::dfa::Builder::new().build_from_nfa(nfa).ok();
        Ok(Pattern {
            rule,
            source,
            forward,
            regex: OnceLock::new(),
        })
    }

    fn regex(&self) -> &meta::Regex {
        self.regex.get_or_init(|| {
            meta::Builder::new()
                .syntax(regex_automata::util::syntax::Config::new().utf8(false))
                .configure(meta::Config::new().nfa_size_limit(Some(PATTERN_SIZE_LIMIT * 8)))
                .build(&self.source)
                .expect("a pattern that passed Pattern::build compiles")
        })
    }

    /// The end of the match that starts at `start`, if there is one.
    fn match_at(
        &self,
        text: &str,
        start: usize,
        cache: &mut Option<hybrid::dfa::Cache>,
    ) -> Option<usize> {
        let input = Input::new(text)
            .span(start..text.len())
            .anchored(Anchored::Yes);
        if let Some(dfa) = &self.forward {
            let cache = cache.get_or_insert_with(|| dfa.create_cache());
            // The lazy DFA may give up (its cache thrashing); the whole regex does not.
            if let Ok(found) = dfa.try_search_fwd(cache, &input) {
                return found.map(|half| half.offset());
            }
        }
        self.regex().search(&input).map(|m| m.end())
    }

    /// Push the pattern's matches in `text` (non-empty, leftmost first, as `find_iter`
    /// finds them) to `found`. `starts`, when given, are the only positions (ascending)
    /// where a match can start: each is tried with an anchored search.
    fn push_matches(
        &self,
        text: &str,
        starts: Option<&[usize]>,
        cache: &mut Option<hybrid::dfa::Cache>,
        found: &mut Vec<Raw>,
    ) {
        let Some(starts) = starts else {
            for m in self.regex().find_iter(text).filter(|m| !m.is_empty()) {
                found.push((m.start(), char_end(text, m.end()), self.rule));
            }
            return;
        };
        // A match that starts at one of `starts` hides the ones that start inside it.
        let mut resume = 0;
        for &start in starts {
            if start < resume {
                continue;
            }
            if let Some(end) = self.match_at(text, start, cache) {
                let end = char_end(text, end);
                if end > start {
                    found.push((start, end, self.rule));
                }
                resume = end.max(start + 1);
            }
        }
    }
}

/// `at`, or the end of the character it falls inside (a pattern's byte-class gaps,
/// [`pattern_source`], may stop inside a character beyond ASCII).
fn char_end(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// A validated, compiled set of rules.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// The phrases of phrase rules and the anchors of regex patterns (see [`anchors`]),
    /// each distinct string once, in one automaton.
    literals: LiteralAutomaton,
    /// The same automaton laid out for prose like the rules' examples (see
    /// [`RuleSet::lay_out_for_prose`]), once built: scanned instead of `literals`.
    laid_out: OnceLock<Option<LiteralAutomaton>>,
    /// The literals and their values, kept to build `laid_out`; none when `literals` is
    /// laid out for prose already (the built-in rules' automaton, built at compile time).
    literal_values: Option<Vec<(Vec<u8>, u32)>>,
    /// What the literals with more than one meaning stand for, packed (see
    /// [`LiteralValue`]); a literal with one meaning carries it in the automaton.
    meanings: Vec<u32>,
    /// For each pattern: the ends its matches have anchors at (see [`anchors`]).
    anchored_ends: Vec<Ends>,
    /// The patterns with no anchors at the start of their matches: searched in whole
    /// sentences (those with end anchors, only where one is).
    searched_whole: Vec<usize>,
    patterns: Vec<Pattern>,
    /// Per page slug, the theme rules that page implies.
    page_themes: Vec<PageThemes>,
    /// Per rule, the index in [`THEMES`] of its theme.
    theme_of: Vec<Option<usize>>,
    /// Which rule set this is, for the thread's working space (see [`RuleSet::with_scratch`]).
    id: u64,
    fingerprint: String,
}

/// The ids of rule sets, from 1 (0 marks a thread's working space as no rule set's).
static NEXT_RULE_SET_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    /// Each thread's working space and the rule set it belongs to (its lazy DFA caches
    /// fit that rule set's patterns only).
    static SCRATCH: std::cell::RefCell<(u64, Scratch)> =
        std::cell::RefCell::new((0, Scratch::default()));
}

/// Where a rule set's literal automaton comes from.
enum LiteralSource {
    /// Built at compile time (the built-in rules), laid out for prose already.
    Prebuilt(DoubleArrayAhoCorasick<u32>),
    /// Gathered from the rules at load: the literals and their values, to build it from.
    Gathered(Vec<(Vec<u8>, u32)>),
}

/// The automaton of the literals: a double-array Aho-Corasick automaton (`daachorse`),
/// where a transition is two array reads.
struct LiteralAutomaton(DoubleArrayAhoCorasick<u32>);

impl std::fmt::Debug for LiteralAutomaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LiteralAutomaton({} bytes)", self.0.heap_bytes())
    }
}

/// Matches kept per sentence (see [`RuleSet::tag`]).
const MAX_MATCHES: usize = 1_000;
/// A cue holding a negation ("did not", "lack of") is superseded by a cue the negation
/// turns round at most this many words after it (anywhere in its reach when its rule
/// gives the negation a longer `reach` than the default).
const SUPERSEDING_REACH_WORDS: usize = 2;
/// A negation reaches at most its rule's `reach` in words, and never further than this
/// many bytes per word.
const NEGATION_REACH_BYTES_PER_WORD: usize = 16;

/// Where a concession's or a circumstance's clause ends: the next comma, or "there was"
/// when the comma is missing ("whilst waits were long there was support").
static CONCESSION_END: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r", | there (?:was|were|is|are|had been) ").unwrap());

/// Where the clause a concession or circumstance opens (its opener ending at
/// `opener_end`) ends: see [`CONCESSION_END`]; "there was" straight after the opener is
/// the clause's own start ("although there were delays, ...").
/// A comma followed by words that carry the clause on ("..., which was published in 2023,
/// ...", the items of a list) does not end it.
fn opened_clause_end(text: &str, opener_end: usize) -> Option<usize> {
    let rest = &text[opener_end..];
    // After a list's items, ", and" or ", or" brings its last one; after a comment on the
    // clause's subject, its verb goes on ("the service, which opened in 2023, was timely").
    let (mut in_list, mut after_comment) = (false, false);
    CONCESSION_END
        .find_iter(rest)
        .filter(|close| close.start() > 0 || close.as_str().starts_with(','))
        .find(|close| {
            let after = &rest[close.end()..];
            let last_item = after.starts_with("and ") || after.starts_with("or ");
            let verb_goes_on = after_comment && after.split(' ').next().is_some_and(is_verb_word);
            let carried = close.start() > 0
                && close.as_str() == ", "
                && (carries_clause_on(after) || (in_list && last_item) || verb_goes_on);
            in_list = carried && !last_item;
            after_comment = carried && COMMENT_OPENERS.iter().any(|word| after.starts_with(word));
            !carried
        })
        .map(|close| opener_end + close.start())
}

/// Whether a contrast led by "and" (`start..end` in `text`, `cuts` the clause cuts found
/// so far) opens a clause of its own: only after a verb of the words before it, for
/// without one "and" joins the parts of one subject ("few people and carers felt
/// listened to"); and, with no comma before it, only when those words hold no negation,
/// which may be the clause's verb that "and" joins two subjects under ("did not feel that
/// information and advice were easy to find"); nor after a goal or the items of a list.
/// Other contrasts always do, and so does "and" before "others", "some" or "there".
fn and_opens_a_clause(
    text: &str,
    cuts: &[usize],
    start: usize,
    end: usize,
    goal_before: impl Fn(usize) -> bool,
) -> bool {
    let contrast = &text[start..end];
    let after_comma =
        contrast.starts_with([',', ';']) || text[..start].trim_end().ends_with([',', ';']);
    let Some(after_and) = contrast
        .trim_start_matches([',', ';', ' '])
        .strip_prefix("and ")
    else {
        return true;
    };
    let first = after_and.split(' ').next().unwrap_or("");
    // "and others", "and some" set a group against the one before ("with some finding it
    // easy and others struggling"); "and there was" starts a clause of its own.
    if after_and.starts_with("others") || after_and.starts_with("some ") || first == "there" {
        return true;
    }
    // "and that ..." goes on with what was said, "and more were being developed" with
    // the same things.
    if matches!(
        first,
        "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "when"
            | "where"
            | "whether"
            | "if"
            | "how"
            | "more"
    ) {
        return false;
    }
    let from = cuts
        .iter()
        .copied()
        .filter(|&cut| cut <= start)
        .max()
        .unwrap_or(0);
    let before = &text[from..start];
    // After items of a list, "and" brings the last one ("risk, safeguarding, and other
    // circumstances were discussed").
    let is_item = |item: &str| !item.trim().is_empty() && is_list_item(item);
    let mut items = before.rsplit(',');
    if items.next().is_some_and(is_item) && items.next().is_some_and(is_item) {
        return false;
    }
    let mut words = before
        .as_bytes()
        .split(|byte| !byte.is_ascii_alphanumeric())
        .filter_map(|word| std::str::from_utf8(word).ok())
        .filter(|word| !word.is_empty());
    let verb = if after_comma {
        words.any(is_verb_word)
    } else {
        let negated = |word: &str| {
            matches!(
                word,
                "not" | "no" | "never" | "few" | "none" | "neither" | "nor"
            )
        };
        if before.contains("n't") || before.contains("n’t") {
            return false;
        }
        let mut verb = false;
        for word in words {
            if negated(word) {
                return false;
            }
            verb |= is_verb_word(word);
        }
        verb
    };
    // After a goal, "and" may go on with the aim ("to ensure records were complete, and
    // this recording was reviewed").
    verb && !goal_before(from)
}

/// Whether the aim a goal opens may be a clause, which a clause after "and" can go on
/// ("to ensure records were complete, and this recording was reviewed"). The aim of
/// other goals is a thing to do ("to address their needs"): a subject and its verb after
/// "and" open a clause of their own ("... and waiting times had reduced").
fn takes_a_clause(goal: &str) -> bool {
    const CLAUSE_GOALS: [&str; 5] = [
        "ensur",
        "make sure",
        "making sure",
        "so that",
        "in order that",
    ];
    CLAUSE_GOALS.iter().any(|words| goal.contains(words))
}

/// The words that open a comment on what stands before their comma ("the service, which
/// opened in 2023, ...").
const COMMENT_OPENERS: [&str; 3] = ["which ", "who ", "whose "];

/// Whether the words after a comma carry the clause before it on: a comment or example on
/// it ("which ...", "including ..."), or the next item of a list ("in person, telephone,
/// video, and braille").
fn carries_clause_on(after_comma: &str) -> bool {
    const EXAMPLE_OPENERS: [&str; 4] = ["including ", "such as ", "particularly ", "especially "];
    if COMMENT_OPENERS
        .iter()
        .chain(&EXAMPLE_OPENERS)
        .any(|word| after_comma.starts_with(word))
    {
        return true;
    }
    // A list item, then the next comma.
    after_comma.find(',').is_some_and(|end| {
        let item = &after_comma[..end];
        !item.is_empty() && is_list_item(item)
    })
}

/// Whether the words between two commas can be an item of a list: up to three words, none
/// of them a verb.
fn is_list_item(item: &str) -> bool {
    item.split_whitespace().take(4).count() <= 3 && !item.split_whitespace().any(is_verb_word)
}

/// Closing quotes and brackets, which may follow a stop.
const CLOSING_MARKS: [char; 5] = ['’', '\'', '"', '”', ')'];

/// Where a sentence starts inside `original` after a stop the sentence splitter kept
/// (a quoted name ending in a full stop: "called ‘Better Care Medway.’ Not all the
/// website was accessible"): a capital letter after `.`, `!` or `?`, closing quotes and a
/// space, unless the stop ends an abbreviation ("e.g.", "St.", "Dr.").
fn inner_sentence_starts(original: &str) -> impl Iterator<Item = usize> + '_ {
    // Most sentences have one stop, at their end: a byte search finds it.
    memchr::memchr3_iter(b'.', b'!', b'?', original.as_bytes()).filter_map(|stop| {
        let after = original[stop + 1..].trim_start_matches(CLOSING_MARKS);
        let next = after.strip_prefix(' ')?;
        if !next.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        let word = original[..stop].rsplit(' ').next().unwrap_or("");
        let abbreviation = word.contains('.')
            || (word.len() <= 2 && word.starts_with(|c: char| c.is_ascii_uppercase()))
            || matches!(
                word,
                "Mrs" | "Cllr" | "etc" | "approx" | "Ltd" | "Inc" | "Co" | "No"
            );
        (!abbreviation).then_some(original.len() - next.len())
    })
}

/// Whether `rest`, the text just after a circumstance's words, opens with the verb of the
/// sentence the circumstance sits inside ("[communication while they waited] was poor").
fn main_verb_follows(rest: &str) -> bool {
    [
        " was ",
        " were ",
        " had been ",
        " remained ",
        " is ",
        " are ",
        " has been ",
    ]
    .iter()
    .any(|verb| rest.starts_with(verb))
}

/// Whether a circumstance's words end with the subject of its own verb ("if they", "in
/// case there"): the verb after them is the circumstance's, not the sentence's.
fn ends_with_its_subject(circumstance: &str) -> bool {
    const SUBJECTS: &[&str] = &[
        "they",
        "there",
        "people",
        "someone",
        "anyone",
        "it",
        "he",
        "she",
        "we",
        "a",
        "an",
        "the",
        "their",
        "provider",
        "providers",
        "carer",
        "carers",
        "staff",
        "needs",
    ];
    circumstance
        .rsplit(' ')
        .find(|word| !word.is_empty())
        .is_some_and(|word| SUBJECTS.contains(&word))
}

/// A sentence that opens with a conceded clause ("Despite high demand, ...", "Although
/// there were plans, ...") and says nothing judged after it means the opposite of what it
/// conceded: "Despite significant pressures, the council had protected its prevention
/// services" is a strength, "Although a strategy was in place, it had not changed
/// practice" leans on its own cue. So when the clauses after the conceded one hold no
/// cue, the conceded clause's verdict is turned round into the next clause; a conceded
/// clause with no verdict of its own after "despite" or "in spite of" ("Despite being a
/// small authority, it had a voice at all levels") makes that clause a strength. After
/// "despite" the main clause alone is the finding; after "although" or "while" both are.
/// A lead-in before it ("We found that despite ...", "Staff told us that while ...",
/// "However, although ...") does not stop a conceded clause opening the sentence.
fn conceded_main_clause(
    text: &str,
    matches: &[Match],
    rules: &[Rule],
    clauses: &[(usize, usize)],
    strength: &mut [f32],
    shortfall: &mut [f32],
) {
    let Some(opener) = matches
        .iter()
        .find(|m| rules[m.rule].signal == Signal::Concession && opens_sentence(text, m.start))
    else {
        return;
    };
    // The conceded clause, after the lead-in's clause if there is one.
    let conceded = clauses
        .iter()
        .position(|&(start, end)| start <= opener.start && opener.start < end)
        .unwrap_or(0);
    if strength.len() < conceded + 2
        || strength[..conceded]
            .iter()
            .chain(&shortfall[..conceded])
            .chain(&strength[conceded + 1..])
            .chain(&shortfall[conceded + 1..])
            .any(|&w| w > 0.0)
    {
        return;
    }
    let (strength, shortfall) = (&mut strength[conceded..], &mut shortfall[conceded..]);
    let (conceded_strength, conceded_shortfall) = (strength[0], shortfall[0]);
    let overcome = text[opener.start..].starts_with("despite")
        || text[opener.start..].starts_with("in spite of");
    let main = if conceded_shortfall > conceded_strength
        || (overcome && conceded_strength == 0.0 && conceded_shortfall == 0.0)
    {
        &mut *strength
    } else if conceded_strength > conceded_shortfall {
        &mut *shortfall
    } else {
        return;
    };
    main[1] = CONCEDED_MAIN_WEIGHT;
    // A difficulty overcome is not a finding of its own; what "although" or "while"
    // grants still stands beside the main clause ("While the council understood health
    // inequalities well, it had less understanding of its communities' needs": mixed).
    if overcome {
        strength[0] = 0.0;
        shortfall[0] = 0.0;
    }
}

/// Whether an opener at `start` opens the sentence: at its start, or after a lead-in that
/// reports or links it and judges nothing ("we found that ", "leaders said ",
/// "however, ").
fn opens_sentence(text: &str, start: usize) -> bool {
    if start <= 2 {
        return true;
    }
    const REPORTING: [&str; 10] = [
        "that",
        "said",
        "told us",
        "reported",
        "explained",
        "described",
        "felt",
        "found",
        "stated",
        "noted",
    ];
    // A lead-in is a few short words: most openers stand further in. ("The principal
    // social worker told us that " has seven spaces.)
    const MAX_LEAD_IN_BYTES: usize = 64;
    const MAX_LEAD_IN_SPACES: usize = 8;
    if start > MAX_LEAD_IN_BYTES {
        return false;
    }
    let lead_in = &text[..start];
    // (An opener may hold the reporting word itself: "that while" in "staff said that
    // while".)
    let reported = || {
        !lead_in.contains([',', ';', ':'])
            && lead_in.bytes().filter(|&b| b == b' ').count() <= MAX_LEAD_IN_SPACES
            && REPORTING.iter().any(|word| {
                lead_in.trim_end().ends_with(word)
                    || text[start..]
                        .strip_prefix(word)
                        .is_some_and(|rest| rest.starts_with(' '))
            })
    };
    // (The openers that judge nothing, "in addition, ", "overall, " and the like, are taken
    // out before the sentence is read: see [`Shortened::PLAIN_OPENERS`].)
    let linked = [
        "however, ",
        "similarly, ",
        "for example, ",
        "in particular, ",
    ]
    .contains(&lead_in);
    linked || reported()
}

/// A sentence as the rules read it, shortened by words that judge nothing and would break
/// the phrases and sentence-opening patterns they stand in: an opener that links, sums up
/// or dates ("In addition, national data showed ..." and "In 2023/24, national data showed
/// ..." are read as "national data showed ..."), double quotes round quoted words, an
/// acronym in brackets after its name ("adult social care (ASC) staff"), and each "also " or
/// hedge after a form of "be" or "have" ("work was also needed", "were generally
/// positive"). Both the sentence as written and lowercased are kept, and where words came
/// out.
struct Shortened {
    original: String,
    lowered: String,
    /// Where words came out: the offset in the shortened sentence, and how many bytes.
    removed: Vec<(usize, usize)>,
}

impl Shortened {
    /// Openers that judge nothing: those that only link the sentence to the one before, a
    /// summing-up, the time of the assessment; not "however" (a contrast), nor "for
    /// example" or "similarly" (the sentence takes the one before's meaning). A year ("In
    /// 2024, ", "In 2023/24, ") is one too: see [`Shortened::year_opener`].
    const PLAIN_OPENERS: [&'static str; 16] = [
        "in addition, ",
        "additionally, ",
        "also, ",
        "further, ",
        "furthermore, ",
        "moreover, ",
        "overall, ",
        "in general, ",
        "generally, ",
        "broadly, ",
        "on the whole, ",
        "in summary, ",
        "at the time of our assessment, ",
        "at the time of the assessment, ",
        "at the time of assessment, ",
        "at the time of our onsite assessment, ",
    ];
    const ALSO: &'static [u8] = b" also ";
    /// Hedges that leave the verdict after them standing ("were generally positive").
    const HEDGES: [&'static str; 6] = [
        "generally",
        "largely",
        "mostly",
        "usually",
        "typically",
        "normally",
    ];
    /// Forms of "be" and "have"; not modals: "people could also access" lists one more
    /// thing on offer, where "could access" judges access.
    const AUXILIARIES: [&'static str; 8] =
        ["was", "were", "had", "has", "have", "is", "are", "been"];

    /// The sentence as the rules read it; `None` when that is the sentence itself.
    fn of(original: &str, lowered: &str) -> Option<Shortened> {
        static ALSO_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new(Shortened::ALSO));
        // The spans to take out, in order: (offset in the sentence, length).
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        if let Some(opener) = Self::PLAIN_OPENERS
            .iter()
            .find(|opener| lowered.starts_with(*opener))
        {
            cuts.push((0, opener.len()));
        } else if let Some(len) = Self::year_opener(lowered) {
            cuts.push((0, len));
        }
        cuts.extend(
            ALSO_FINDER
                .find_iter(lowered.as_bytes())
                .filter(|&at| Self::after_auxiliary(&lowered[..at]))
                .map(|at| (at + 1, Self::ALSO.len() - 1)),
        );
        // A hedge after a form of "be" or "have" ("were generally positive", "had largely
        // improved"): what follows is the verdict, read as if the hedge were not there;
        // not before "available", where the hedge is the verdict ("generally available"
        // judges availability, "available" only says a thing exists).
        static LY_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"ly "));
        cuts.extend(LY_FINDER.find_iter(lowered.as_bytes()).filter_map(|at| {
            let before = &lowered[..at + 2];
            let (rest, word) = before.rsplit_once(' ')?;
            (Self::HEDGES.contains(&word)
                && Self::after_auxiliary(rest)
                && !lowered[at + 3..].starts_with("available"))
            .then_some((at + 2 - word.len(), word.len() + 1))
        }));
        // Double quotes round words people said: 'felt "invisible"' is read as 'felt
        // invisible'.
        // (Curly quotes are found by their last byte, which is rarer in report text than
        // their first: 0xE2 also opens every curly apostrophe and dash.)
        let bytes = lowered.as_bytes();
        for at in memchr::memchr3_iter(b'"', 0x9C, 0x9D, bytes) {
            if bytes[at] == b'"' {
                cuts.push((at, 1));
            } else if at >= 2 && bytes[at - 2] == 0xE2 && bytes[at - 1] == 0x80 {
                cuts.push((at - 2, '\u{201C}'.len_utf8()));
            }
        }
        // An acronym in brackets after the name it stands for ("adult social care (ASC)
        // staff", "the local authority (LA) and partners"): read as if absent, so the words
        // round it still make their phrase.
        let written = original.as_bytes();
        cuts.extend(
            memchr::memchr_iter(b'(', written)
                .filter(|&at| at > 0 && written[at - 1] == b' ')
                .filter_map(|at| Some((at - 1, Self::bracketed_acronym(&written[at..])? + 1))),
        );
        if cuts.is_empty() {
            return None;
        }
        // (Each kind of cut was found in order; together they are put in order, and cuts
        // that overlap, an opener's last space and the space before an acronym after it,
        // are made one.)
        cuts.sort_unstable();
        cuts.dedup_by(|next, kept| {
            let overlaps = next.0 < kept.0 + kept.1;
            if overlaps {
                kept.1 = kept.1.max(next.0 + next.1 - kept.0);
            }
            overlaps
        });
        let cut = |text: &str| {
            let mut out = String::with_capacity(text.len());
            let mut from = 0;
            for &(at, len) in &cuts {
                out.push_str(&text[from..at]);
                from = at + len;
            }
            out.push_str(&text[from..]);
            out
        };
        let mut taken = 0;
        let removed = cuts
            .iter()
            .map(|&(at, len)| {
                let shortened_at = at - taken;
                taken += len;
                (shortened_at, len)
            })
            .collect();
        Some(Shortened {
            original: cut(original),
            lowered: cut(lowered),
            removed,
        })
    }

    /// The length of a bracketed acronym at the start of `text` ("(ASC)", "(DoLS)",
    /// "(ICB)"): two to eight letters, digits or '&', at least two of them capitals.
    fn bracketed_acronym(text: &[u8]) -> Option<usize> {
        let inside = text.strip_prefix(b"(")?;
        // (Only the first nine bytes are looked at: a sentence of many opening brackets
        // and no closing one stays linear.)
        let end = memchr::memchr(b')', &inside[..inside.len().min(9)])?;
        let acronym = &inside[..end];
        let capitals = acronym.iter().filter(|b| b.is_ascii_uppercase()).count();
        ((2..=8).contains(&acronym.len())
            && capitals >= 2
            && acronym
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'&'))
        .then_some(end + 2)
    }

    /// Whether the text before a word ends with a form of "be" or "have".
    fn after_auxiliary(before: &str) -> bool {
        let word = before.rsplit(' ').next().unwrap_or("");
        Self::AUXILIARIES.contains(&word)
    }

    /// The length of an opening year ("in 2024, ", "in 2023/24, ", "in 2023-2024, "), if the
    /// sentence opens with one.
    fn year_opener(lowered: &str) -> Option<usize> {
        let rest = lowered.strip_prefix("in ")?;
        let digits = |text: &str| text.bytes().take_while(u8::is_ascii_digit).count();
        let year = digits(rest);
        if year != 4 {
            return None;
        }
        let mut len = year;
        if let Some(after) = rest[len..].strip_prefix(['/', '-']) {
            let second = digits(after);
            if second != 2 && second != 4 {
                return None;
            }
            len += 1 + second;
        }
        rest[len..]
            .starts_with(", ")
            .then_some("in ".len() + len + ", ".len())
    }

    /// The offset in the sentence as written of `offset` in the shortened one: a match
    /// starting where words came out starts after them, one ending there ends before them.
    fn source_offset(&self, offset: usize, is_start: bool) -> usize {
        offset
            + self
                .removed
                .iter()
                .take_while(|&&(at, _)| if is_start { at <= offset } else { at < offset })
                .map(|&(_, len)| len)
                .sum::<usize>()
    }
}

/// The weight of the verdict a conceded clause gives a main clause with no cue of its own.
const CONCEDED_MAIN_WEIGHT: f32 = 1.0;

/// Where the scope of an aim ends: a semicolon, a new coordinated clause, or a clause after
/// a comma with a subject and verb of its own ("to improve how they understood feedback,
/// their current systems had not heard ...").
static AIM_END: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i);|,\s+(?:and|but|so|which|while|whilst|as|because)\b|\band (?:{CLAUSE_SUBJECTS})\b|,\s+(?:their|its|the|these|our) (?:[a-z]+ ){{0,2}}?(?:had|has|have|was|were|is|are|did|could)\b"
    ))
    .unwrap()
});

/// The subjects that open a new clause after "and" ("and there was", "and staff said").
const CLAUSE_SUBJECTS: &str =
    "there|it|they|this|these|the local authority|staff|people|leaders|partners";

/// [`CLAUSE_SUBJECTS`] at the start of a text, after its spaces.
static CLAUSE_SUBJECT: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(&format!(r"^\s+(?:{CLAUSE_SUBJECTS})\b")).unwrap());

/// Where the aim of a goal ending at `goal_end` ends ([`AIM_END`]). The ", and" closing a
/// list of the goal's verbs ("to identify, understand, and mitigate barriers") is not a
/// new clause, unless a subject follows it: the aim runs on past it.
fn aim_end_after(text: &str, goal_end: usize) -> usize {
    let mut from = goal_end;
    while let Some(m) = AIM_END.find_at(text, from) {
        let before = &text[goal_end..m.start()];
        let closes_verb_list = m.as_str().starts_with(',')
            && m.as_str().ends_with("and")
            && before.contains(',')
            && before
                .split(',')
                .skip(1)
                .all(|item| (1..=2).contains(&item.split_whitespace().count()))
            && !CLAUSE_SUBJECT.is_match(&text[m.end()..]);
        if !closes_verb_list {
            return m.start();
        }
        from = m.end();
    }
    text.len()
}

/// Whether a goal ending in "to support" or "to help" names the support rather than an aim,
/// by what follows it: "access to support as a postcode lottery", "routes to support for
/// carers", "access to help, advice and information".
fn support_as_a_noun(goal: &str, rest: &str) -> bool {
    if !(goal.ends_with("to support") || goal.ends_with("to help")) {
        return false;
    }
    let rest = rest.trim_start_matches(' ');
    rest.is_empty()
        || rest.starts_with([',', '.', ';', ':', ')'])
        || rest.split(' ').next().is_some_and(|word| {
            matches!(
                word,
                "as" | "for"
                    | "from"
                    | "was"
                    | "were"
                    | "is"
                    | "are"
                    | "had"
                    | "has"
                    | "remained"
                    | "when"
                    | "that"
                    | "which"
                    | "services"
                    | "options"
            )
        })
}

/// Whether a question the negated verb takes opens between a negation and a cue: what was
/// not known or explained is asked, not denied ("could not explain why waits were long",
/// "had not analysed why some communities did not use its services").
fn embedded_question_between(between: &str) -> bool {
    between
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| matches!(word, "why" | "whether" | "how"))
}

/// Whether a verb that examines something stands between a negation and a shortfall cue:
/// the cue is what was not examined, not a problem denied ("had not analysed inequalities
/// in access", "had not reviewed the waiting list").
fn examined_between(between: &str) -> bool {
    between.split_whitespace().any(|word| {
        matches!(
            word,
            "analysed"
                | "analyzed"
                | "explored"
                | "examined"
                | "investigated"
                | "mapped"
                | "assessed"
                | "considered"
                | "reviewed"
                | "monitored"
                | "tracked"
                | "measured"
                | "audited"
                | "analyse"
                | "explore"
                | "examine"
                | "investigate"
                | "assess"
                | "consider"
                | "review"
                | "monitor"
                | "track"
                | "measure"
        )
    })
}

/// Whether a word shows its clause has a verb already: auxiliaries and common irregular
/// pasts (regular pasts end in "ed").
fn is_verb_word(word: &str) -> bool {
    matches!(
        word,
        "was"
            | "were"
            | "is"
            | "are"
            | "be"
            | "been"
            | "being"
            | "had"
            | "has"
            | "have"
            | "did"
            | "do"
            | "does"
            | "could"
            | "would"
            | "will"
            | "can"
            | "should"
            | "may"
            | "might"
            | "must"
            | "told"
            | "said"
            | "saw"
            | "found"
            | "heard"
            | "made"
            | "took"
            | "gave"
            | "met"
            | "led"
            | "set"
            | "sought"
            | "kept"
            | "held"
            | "felt"
            | "knew"
            | "understood"
            | "thought"
            | "brought"
            | "built"
            | "began"
            | "spent"
            | "went"
            | "came"
            | "got"
            | "ran"
            | "put"
            | "chose"
            | "wrote"
            | "spoke"
            | "shown"
            | "seen"
            | "taken"
            | "given"
            | "known"
            | "done"
            | "uses"
            | "used"
    ) || (word.len() > 4 && word.ends_with("ed"))
}

/// The verb of a sentence after a goal in its subject ("plans to support carers [were]
/// limited"), a space before it.
static SUBJECT_VERB: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(r" (?:was|were|is|are|had|has|have|remained|remains|continued|did|could|would)\b")
        .unwrap()
});

/// Where the aim of a goal at `goal_start..goal_end` in a clause opening at `clause_start`
/// ends when the goal stands in the sentence's subject, with no verb before it ("plans to
/// support carers were limited", "access to support was poor"): at the sentence's verb,
/// whose judgement is of the subject, not part of the aim.
fn aim_end_in_subject(
    text: &str,
    clause_start: usize,
    goal_start: usize,
    goal_end: usize,
) -> Option<usize> {
    let before = &text[clause_start..goal_start];
    // An infinitive of purpose, or a noun of intention that opens the subject ("plans
    // to"); not a verb of intention ("the strategy aims to") or "would".
    let goal = &text[goal_start..goal_end];
    let opens_subject = || {
        before.split_whitespace().all(|word| {
            matches!(
                word,
                "the"
                    | "its"
                    | "their"
                    | "our"
                    | "these"
                    | "those"
                    | "any"
                    | "a"
                    | "an"
                    | "some"
                    | "new"
                    | "current"
                    | "existing"
                    | "further"
                    | "recent"
                    | "but"
                    | "and"
                    | "however"
                    | "however,"
            )
        })
    };
    // "plans to", or what progress was made in ("progress in reducing the backlog [had
    // been slow]").
    let noun_of_intention = [
        "plans to",
        "plan to",
        "intention to",
        "ambition to",
        "ambitions to",
    ]
    .contains(&goal)
        || goal.starts_with("progress ");
    if !(goal.starts_with("to ") || goal == "whether" || (noun_of_intention && opens_subject())) {
        return None;
    }
    let has_verb = before
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .any(is_verb_word);
    if has_verb || before.split_whitespace().count() > 8 {
        return None;
    }
    // Not the verb of a relative clause inside the subject ("carers who were isolated"),
    // nor that of a question the goal takes ("to identify which communities were
    // under-represented", "plans to understand how people were supported [were limited]").
    // ("Decisions about whether ..." is itself such a question.)
    let mut question_from = if goal == "whether" {
        goal_start
    } else {
        goal_end
    };
    SUBJECT_VERB
        .find_iter(&text[goal_end..])
        .map(|m| (goal_end + m.start(), goal_end + m.end()))
        .find(|&(verb, verb_end)| {
            let previous = text[..verb].rsplit(' ').next().unwrap_or("");
            let relative = matches!(previous, "who" | "which" | "that" | "whom" | "whose");
            let questioned = question_still_open(&text[question_from..verb]);
            if questioned {
                question_from = verb_end;
            }
            !relative && !questioned
        })
        .map(|(verb, _)| verb)
}

/// Whether a question opens in a text ("which communities", "how people") and has no verb
/// of its own yet: "whether concerns met the threshold" has had its verb, so a verb after
/// it is the sentence's.
fn question_still_open(text: &str) -> bool {
    let mut open = false;
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if matches!(word, "which" | "what" | "why" | "whether" | "how" | "where") {
            open = true;
        } else if open && is_verb_word(word) {
            open = false;
        }
    }
    open
}

/// Whether a comment on what went before (", which ...", ", who ..."), a coordinated
/// clause (", and ...", "and they ...") or a consequence (", so ...", ", meaning ...")
/// opens between a negation and a cue: the negation does not reach into it ("people no
/// longer required support, which was better than the national average"; "applications
/// were not prioritised, and some had waited over a year"; "leaders were not visible and
/// they did not feel part of it"; "not given information, so they did not know"), or a
/// clause after a comma with a pronoun for its subject ("nobody called back, we had to
/// chase").
fn comment_between(between: &str) -> bool {
    between.contains(", which")
        || between.contains(", who")
        || between.contains(", and ")
        || between.contains(", so ")
        || between.contains(", meaning ")
        || between.contains(", leaving ")
        || between
            .match_indices(" and")
            .any(|(i, and)| CLAUSE_SUBJECT.is_match(&between[i + and.len()..]))
        // A clause of its own after a comma, with a pronoun for its subject ("nobody
        // called us back, we had to chase for weeks").
        || between.match_indices(", ").any(|(i, comma)| {
            let next = &between[i + comma.len()..];
            ["we ", "i ", "you ", "they ", "he ", "she "]
                .iter()
                .any(|pronoun| next.starts_with(pronoun))
        })
}

/// Whether a negation that belongs to a noun ("lack of capacity", "no plan") ends before a
/// cue, `between` them: at a verb of consequence, the cue being in what that caused ("a
/// lack of capacity meant they could not always respond"), or at a verb of its own
/// coordinated after "and" ("had no clear pathway and were passed between services"). A
/// negation of a verb reaches past them ("had not led to improvements").
fn noun_negation_ends_between(negation: &str, between: &str) -> bool {
    const OF_A_NOUN: &[&str] = &[
        "lack of",
        "absence of",
        "no",
        "few",
        "fewer",
        "little",
        "less",
        "without",
    ];
    let words: Vec<&str> = between.split_whitespace().collect();
    OF_A_NOUN.contains(&negation)
        && words.iter().enumerate().any(|(i, word)| {
            let consequence = matches!(
                *word,
                "meant" | "means" | "led" | "leads" | "resulted" | "results" | "caused" | "causes"
            );
            let coordinated_verb = *word == "and"
                && words.get(i + 1).is_some_and(|next| {
                    matches!(
                        *next,
                        "were" | "was" | "had" | "have" | "has" | "did" | "could" | "are" | "is"
                    )
                });
            consequence || coordinated_verb
        })
}

/// Whether the cue at the start of `rest` compares a figure with its comparator after a
/// comma (`between` a negation and it): the comparison comments on the figure, and the
/// negation does not reach it ("needed no further support, better than the national
/// average").
fn comparison_after_comma(between: &str, rest: &str) -> bool {
    between.trim_end().ends_with(',')
        && [
            "better", "worse", "higher", "lower", "above", "below", "similar", "in line",
        ]
        .iter()
        .any(|word| rest.starts_with(word))
}

/// Whether the words from `start` to `end` open capitalised inside the sentence next to
/// another capitalised word, and do not run on past it: words of a name ("the Good Lives
/// team", "Safe Haven"), not a judgement.
fn in_name(original: &str, start: usize, end: usize) -> bool {
    let capitalised = |word: &str| word.starts_with(|c: char| c.is_ascii_uppercase());
    let before = original[..start].trim_end_matches(['‘', '\'', '"', '“', '(']);
    // The sentence's first word (after an opening quote) is capitalised anyway.
    if !capitalised(&original[start..]) || before.trim().is_empty() {
        return false;
    }
    // A name may join its words with "and", "of" or "for" ("Safe and Well").
    let joins = |word: &str| matches!(word, "and" | "&" | "of" | "for");
    // A cue that runs on past the name is not made of its words: "council worked with"
    // in "Bristol City Council worked with partners".
    if original[start..end]
        .split(' ')
        .skip(1)
        .any(|word| !word.is_empty() && !capitalised(word) && !joins(word))
    {
        return false;
    }
    let mut words_before = before.split(' ').rev().skip(1).peekable();
    if words_before.peek().is_some_and(|w| joins(w)) {
        words_before.next();
    }
    let previous = words_before.next().unwrap_or("");
    // A name does not run on over a stop or a comma ("called 'Better Care Support
    // Medway.' Not all the website...").
    let ends_a_stretch = previous
        .trim_end_matches(CLOSING_MARKS)
        .ends_with(['.', '!', '?', ':', ';', ',']);
    // ...and so is the word before it when that word opens the sentence.
    let previous_named =
        capitalised(previous) && !ends_a_stretch && words_before.any(|w| !w.is_empty());
    let mut words_after = original[end..].trim_start_matches(' ').split(' ');
    let next = match words_after.next() {
        Some(word) if joins(word) => words_after.next().unwrap_or(""),
        word => word.unwrap_or(""),
    };
    previous_named || capitalised(next)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl RuleSet {
    /// The rules built into the binary (the project's `rules/` folder), with their literal
    /// automaton built at compile time (`build.rs`).
    pub fn builtin() -> Result<RuleSet, RuleError> {
        // Their exceptions are checked in full by the test suite, not at every start.
        RuleSet::from_sources_with(
            BUILTIN_RULES
                .iter()
                .map(|(name, text)| (format!("rules/{name}"), *text)),
            Exceptions::Trusted,
            Some((BUILTIN_LITERALS_FINGERPRINT, BUILTIN_LITERALS)),
        )
    }

    /// Load every `*.toml` rule file of a folder.
    pub fn from_dir(dir: &Path) -> Result<RuleSet, RuleError> {
        let files = read_rule_dir(dir)?;
        RuleSet::from_sources(
            files
                .iter()
                .map(|(name, text)| (name.clone(), text.as_str())),
        )
    }

    /// Load rules from (file name, contents) pairs.
    pub fn from_sources<'a>(
        files: impl IntoIterator<Item = (String, &'a str)>,
    ) -> Result<RuleSet, RuleError> {
        RuleSet::from_sources_with(files, Exceptions::Checked, None)
    }

    /// `prebuilt`: the fingerprint of some rule files and their literals as
    /// [`crate::literals::prebuilt`] gives them, used when the files are those.
    fn from_sources_with<'a>(
        files: impl IntoIterator<Item = (String, &'a str)>,
        exceptions: Exceptions,
        prebuilt: Option<(&str, &[u8])>,
    ) -> Result<RuleSet, RuleError> {
        let files: Vec<(String, &str)> = files.into_iter().collect();
        let fingerprint = fingerprint(&files);
        let rules = parse_rules_with(files, RETIRED_IDS, exceptions)?;
        let prebuilt = prebuilt
            .filter(|(built_from, _)| *built_from == fingerprint)
            .map(|(_, literals)| literals);
        RuleSet::compile(rules, fingerprint, prebuilt)
    }

    fn compile(
        rules: Vec<Rule>,
        fingerprint: String,
        prebuilt: Option<&[u8]>,
    ) -> Result<RuleSet, RuleError> {
        use rayon::prelude::*;
        let sources = patterns_of(&rules);
        let bad_regex = |rule: usize, pattern: &str, line: usize, e: String| RuleError {
            file: rules[rule].file.clone(),
            line,
            message: format!("bad regex {pattern:?}: {e}"),
        };
        // The built-in rules' literal automaton was built at compile time, with their
        // patterns' anchors in it: only which ends of each pattern have anchors is read.
        let prebuilt = prebuilt
            .and_then(from_prebuilt)
            .filter(|built| built.anchored.len() == sources.len());
        // Patterns are parsed (other rules' for their anchors, which join the literals),
        // then the literal automaton and the patterns' automata are built at once.
        let parsed = sources
            .par_iter()
            .enumerate()
            .map(|(index, (rule, pattern, line, source))| {
                let hir = parse_source(source).map_err(|e| bad_regex(*rule, pattern, *line, e))?;
                Ok(match &prebuilt {
                    Some(built) => (hir, None, built.anchored[index]),
                    None => {
                        let anchors = anchors(&hir);
                        let ends = (anchors.0.is_some(), anchors.1.is_some());
                        (hir, Some(anchors), ends)
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        // A pattern whose matches all contain one of a few literals is searched only in
        // sentences where the automaton finds one of them.
        let mut anchored_ends = Vec::new();
        let mut searched_whole = Vec::new();
        for (index, (hir, _, (start, end))) in parsed.iter().enumerate() {
            let ends = Ends {
                start: *start,
                end: *end,
                at_sentence_start: hir
                    .properties()
                    .look_set_prefix()
                    .contains(regex_syntax::hir::Look::Start),
            };
            if !ends.start {
                searched_whole.push(index);
            }
            anchored_ends.push(ends);
        }
        let literal_error = |message: String| RuleError {
            file: "<rules>".into(),
            line: 1,
            message,
        };
        // The built-in rules' automaton was built at compile time, already laid out for
        // prose; other rules' literals are gathered and built now. Phrases are lowercase
        // and sentences are lowercased (ASCII) before matching. (The aho-corasick crate's
        // NFA took 1.5 times the instructions of this double array; its DFA, 20 MB of
        // table, did not stay in cache.) The double array's prefilter cost more than it
        // skipped: with phrases as short and common as "no" and "few", nearly every
        // position is a candidate.
        let (source, meanings) = match prebuilt {
            Some(built) => (LiteralSource::Prebuilt(built.automaton), built.meanings),
            None => {
                let table =
                    literal_table(&rules, parsed.iter().flat_map(|(_, anchors, _)| anchors));
                let (values, meanings) = table.values().map_err(literal_error)?;
                let values = table.strings.into_iter().zip(values).collect();
                (LiteralSource::Gathered(values), meanings)
            }
        };
        let (automaton, patterns) = rayon::join(
            || match source {
                LiteralSource::Prebuilt(automaton) => Ok((automaton, None)),
                LiteralSource::Gathered(values) => {
                    literal_automaton(&values, &[]).map(|automaton| (automaton, Some(values)))
                }
            },
            || {
                sources
                    .into_par_iter()
                    .zip(&parsed)
                    .map(|((rule, pattern, line, source), (hir, _, _))| {
                        Pattern::build(rule, source, hir)
                            .map_err(|e| bad_regex(rule, pattern, line, e))
                    })
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        let patterns = patterns?;
        let (literals, literal_values) = automaton
            .map(|(automaton, values)| (LiteralAutomaton(automaton), values))
            .map_err(|e| literal_error(format!("cannot build the literal automaton: {e}")))?;
        let page_themes = page_themes(&rules);
        let theme_of = rules
            .iter()
            .map(|rule| rule.theme.map(theme_index))
            .collect();
        Ok(RuleSet {
            page_themes,
            theme_of,
            rules,
            literals,
            laid_out: OnceLock::new(),
            literal_values,
            meanings,
            anchored_ends,
            searched_whole,
            patterns,
            id: NEXT_RULE_SET_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            fingerprint,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Compile the whole regexes of the patterns searched in whole sentences now (those
    /// with no anchors at the start of their matches). They are otherwise compiled the first
    /// time a sentence needs one; a thread can do this while others start working.
    pub fn compile_patterns(&self) {
        for (pattern, ends) in self.patterns.iter().zip(&self.anchored_ends) {
            if !ends.start || pattern.forward.is_none() {
                pattern.regex();
            }
        }
    }

    /// Lay the literal automaton out again for scanning prose: its states in the order
    /// a scan of the rules' own examples (sentences in inspectors' style) visits them, the
    /// busiest first and near each other, so that fewer of a scan's steps miss the cache
    /// (daachorse's profile-guided layout). Matches are the same either way; building it
    /// takes about as long as the first layout, so it is worth it only before a long run
    /// (`aggregate` does it once a run has written 16 MiB of rows). The built-in rules'
    /// automaton is laid out so at compile time: nothing to do. Idempotent.
    pub fn lay_out_for_prose(&self) {
        self.laid_out.get_or_init(|| {
            // The same literals built an automaton once already; were this to fail, the
            // first layout stays.
            let values = self.literal_values.as_ref()?;
            literal_automaton(values, &prose_profile(&self.rules))
                .ok()
                .map(LiteralAutomaton)
        });
    }

    /// A stable hash of the rule files' names and contents.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Raw matches of every rule in `text` (lowercased), sorted, into `found`.
    fn raw_matches(&self, text: &str, scratch: &mut SearchScratch, found: &mut Vec<Raw>) {
        found.clear();
        let SearchScratch {
            caches,
            starts_found,
            end_found,
            starts,
            pattern_starts,
        } = scratch;
        let count = self.patterns.len();
        caches.resize_with(count, || None);
        starts_found.clear();
        starts_found.resize(count, 0);
        end_found.clear();
        end_found.resize(count, false);
        // At most one more start per pattern than are tried, so a huge "sentence" keeps
        // this short.
        starts.clear();
        let literals = self
            .laid_out
            .get()
            .and_then(Option::as_ref)
            .unwrap_or(&self.literals);
        for m in literals.0.find_overlapping_iter(text) {
            let value = m.value();
            let meanings = match LiteralValue::span(value) {
                None => std::slice::from_ref(&value),
                Some((from, to)) => &self.meanings[from..to],
            };
            for &packed in meanings {
                match LiteralValue::meaning(packed) {
                    Meaning::Anchor {
                        pattern,
                        end: End::Start,
                    } => {
                        if m.start() > 0 && self.anchored_ends[pattern].at_sentence_start {
                            continue;
                        }
                        if usize::from(starts_found[pattern]) <= MAX_ANCHORED_SEARCHES {
                            starts_found[pattern] += 1;
                            starts.push((pattern, m.start()));
                        }
                    }
                    Meaning::Anchor {
                        pattern,
                        end: End::End,
                    } => end_found[pattern] = true,
                    Meaning::Phrase { rule, prefix } => {
                        if let Some(end) = phrase_end(text, m.start(), m.end(), prefix) {
                            found.push((m.start(), end, rule));
                        }
                    }
                }
            }
        }
        // Only the patterns whose anchors (at each end they have them) are in the sentence
        // can match; one whose matches start with its anchors is tried where they are
        // (unless they are many: each try may run to the end of the sentence).
        let ruled_out_by_end =
            |pattern: usize| self.anchored_ends[pattern].end && !end_found[pattern];
        starts.sort_unstable();
        starts.dedup();
        for group in starts.chunk_by(|a, b| a.0 == b.0) {
            let pattern = group[0].0;
            if ruled_out_by_end(pattern) {
                continue;
            }
            pattern_starts.clear();
            pattern_starts.extend(group.iter().map(|&(_, start)| start));
            let anchored = usize::from(starts_found[pattern]) <= MAX_ANCHORED_SEARCHES;
            self.patterns[pattern].push_matches(
                text,
                anchored.then_some(&pattern_starts[..]),
                &mut caches[pattern],
                found,
            );
        }
        // One whose matches all start at the sentence's start is tried only there (the
        // lazy DFA's anchored search, not the whole regex's search of the sentence).
        for &pattern in &self.searched_whole {
            if ruled_out_by_end(pattern) {
                continue;
            }
            let only_at_start = self.anchored_ends[pattern]
                .at_sentence_start
                .then_some(&[0][..]);
            self.patterns[pattern].push_matches(text, only_at_start, &mut caches[pattern], found);
        }
        found.sort_unstable();
        found.dedup();
        // Real sentences have a handful of matches; a degenerate "sentence" (megabytes
        // without a full stop) is judged on its first matches so the work stays linear.
        found.truncate(MAX_MATCHES);
    }

    /// Run every rule's `must_match` and `must_not_match` examples; returns one message
    /// per example that does not hold, and the number of examples run.
    pub fn check_examples(&self) -> (Vec<String>, usize) {
        let mut failures = Vec::new();
        let mut run = 0;
        for (index, rule) in self.rules.iter().enumerate() {
            for (examples, should_fire) in [(&rule.must_match, true), (&rule.must_not_match, false)]
            {
                for example in examples {
                    run += 1;
                    if self.rule_fires(index, example) != should_fire {
                        let verb = if should_fire {
                            "should fire"
                        } else {
                            "should not fire"
                        };
                        failures.push(format!("{}: {} {verb} on {example:?}", rule.file, rule.id));
                    }
                }
            }
        }
        (failures, run)
    }

    /// Does this rule fire on `text` on its own (used to run rule examples)?
    pub fn rule_fires(&self, rule_index: usize, text: &str) -> bool {
        let original = text;
        let lowered = text.to_ascii_lowercase();
        let text = lowered.as_str();
        self.with_scratch(|Scratch { search, sentence }| {
            self.raw_matches(text, search, &mut sentence.raw);
            self.clauses(original, text, sentence);
            let SentenceScratch {
                raw,
                clauses,
                unless,
                ..
            } = sentence;
            unless.clear();
            raw.iter()
                .any(|&(s, e, r)| r == rule_index && !self.excepted(r, s, e, text, clauses, unless))
        })
    }

    /// Run `f` with this thread's working space for this rule set: kept from one sentence
    /// to the next, and started afresh when the thread last tagged with another rule set.
    /// (A thread-local, not a pool: a pool hands its values to threads other than its
    /// first through a lock, and with two workers that was 1.6% of the CPU time.)
    fn with_scratch<R>(&self, f: impl FnOnce(&mut Scratch) -> R) -> R {
        SCRATCH.with_borrow_mut(|(owner, scratch)| {
            if *owner != self.id {
                *scratch = Scratch::default();
                *owner = self.id;
            }
            f(scratch)
        })
    }

    /// The sentence's clauses, from `scratch.raw` into `scratch.clauses`: cut where a
    /// contrast or concession stands, at the end of a concession's clause, and after a
    /// stop inside the sentence (see [`inner_sentence_starts`]).
    fn clauses(&self, original: &str, text: &str, scratch: &mut SentenceScratch) {
        let SentenceScratch {
            raw, cuts, clauses, ..
        } = scratch;
        cuts.clear();
        cuts.push(0);
        cuts.extend(inner_sentence_starts(original));
        for &(start, end, rule) in raw.iter() {
            let signal = self.rules[rule].signal;
            if !matches!(signal, Signal::Contrast | Signal::Concession) {
                continue;
            }
            if self.inside_a_mask(start, raw) {
                continue;
            }
            let goal_before = |from: usize| {
                raw.iter().any(|&(goal_start, goal_end, goal)| {
                    self.rules[goal].signal == Signal::Goal
                        && from <= goal_start
                        && goal_end <= start
                        && takes_a_clause(&text[goal_start..goal_end])
                })
            };
            if !and_opens_a_clause(text, cuts, start, end, goal_before) {
                continue;
            }
            if start > 2 {
                cuts.push(start);
            }
            // A contrast that opens the sentence with a clause of its own ("Whereas older
            // people were well supported, ...") concedes that clause as a concession does.
            if signal == Signal::Concession || opens_sentence(text, start) {
                if let Some(close) = opened_clause_end(text, end) {
                    if signal == Signal::Concession || close > end + 1 {
                        cuts.push(close + 1);
                    }
                }
            }
        }
        cuts.push(text.len());
        cuts.sort_unstable();
        cuts.dedup();
        clauses.clear();
        clauses.extend(cuts.windows(2).map(|w| (w[0], w[1])));
    }

    /// Where a pattern's cue starts when its words run across a clause cut after a comma:
    /// at the last such cut inside it, so the judgement it makes stands in its own clause
    /// and does not hide the cue before the cut. That is when the clause after the cut goes
    /// on with the same subject ("The number of people placed out of area had fallen, but
    /// remained higher than in similar councils"); when it has a subject of its own ("...,
    /// but national data showed 81% found advice helpful, lower than the England average")
    /// the words the pattern read as one measure belong to two clauses, and the cue is
    /// dropped (`None`). A contrast with no comma joins two words of one verdict ("long
    /// but falling quickly"), which the pattern may read as one; but an "and" with no comma
    /// cuts only before a subject and its verb, so a cue read across it starts at it
    /// ("worked to reduce delays and waiting times were falling").
    fn start_in_last_clause(
        &self,
        text: &str,
        start: usize,
        end: usize,
        rule: usize,
        clauses: &[(usize, usize)],
    ) -> Option<usize> {
        // A cut at a comma, before it (", and staff were") or after it (", but remained").
        let at_a_comma = |cut: usize| {
            text[..cut].trim_end().ends_with([',', ';', '.']) || text[cut..].starts_with([',', ';'])
        };
        // (Most matches stand inside one clause: that is looked at first.)
        let Some(cut) = clauses
            .iter()
            .map(|&(clause_start, _)| clause_start)
            .rfind(|&cut| {
                start < cut && cut < end && (at_a_comma(cut) || text[cut..].starts_with("and "))
            })
        else {
            return Some(start);
        };
        let r = &self.rules[rule];
        if r.kind != crate::Kind::Regex
            || !matches!(
                r.signal,
                Signal::Strength | Signal::Shortfall | Signal::Mixed
            )
        {
            return Some(start);
        }
        // "and" with no comma opens a clause only before a subject and its verb ("worked to
        // reduce delays and waiting times were falling"): the pattern read the words before
        // it into that subject, and its verdict is of the clause after the cut.
        if !at_a_comma(cut) {
            return Some(cut);
        }
        // The word after the contrast that opens the clause: a verb when the subject
        // before the cut goes on.
        let mut words = text[cut..]
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|word| !word.is_empty());
        let _contrast = words.next();
        let next = words.next().unwrap_or("");
        let same_subject = is_verb_word(next)
            || matches!(
                next,
                "remained" | "remains" | "still" | "continued" | "not" | "also" | "stayed"
            );
        same_subject.then_some(cut)
    }

    /// Whether an `unless` exception of the rule holds in the match's scope. Results are
    /// cached per rule and scope, so each exception runs once per clause.
    fn excepted(
        &self,
        rule: usize,
        start: usize,
        end: usize,
        text: &str,
        clauses: &[(usize, usize)],
        cache: &mut Vec<(usize, usize, usize, bool)>,
    ) -> bool {
        let r = &self.rules[rule];
        if r.unless.is_empty() {
            return false;
        }
        let (from, to) = match r.scope {
            Scope::Sentence => (0, text.len()),
            Scope::Clause => clauses
                .iter()
                .copied()
                .find(|(s, e)| *s <= start && end <= *e.max(&start))
                .unwrap_or((0, text.len())),
        };
        if let Some(&(.., hit)) = cache
            .iter()
            .find(|&&(r0, f, t, _)| (r0, f, t) == (rule, from, to))
        {
            return hit;
        }
        let hit = r.unless.is_match(&text[from..to]);
        cache.push((rule, from, to, hit));
        hit
    }

    /// Tag one sentence in its [`Context`]. `context.previous` (the tags of the sentence
    /// before it in the same paragraph) is used by context signals ("This ...", "For example, ..."): with no cue or
    /// theme of its own, such a sentence takes the previous polarity and themes.
    ///
    /// Polarity: the sentence is cut into clauses at contrast signals; in each clause
    /// strength and shortfall cues are summed by weight (a negation up to four words
    /// before a cue turns it round); a clause is strength, shortfall or (tied) mixed.
    /// Clauses that disagree make the sentence mixed. Neutral signals (a plain comparison,
    /// a figure with no comparator) win when their weight reaches the larger cue total.
    /// With no cue, a context signal at the start takes the previous sentence's polarity.
    pub fn tag(&self, text: &str, context: &Context) -> Tags {
        // Rules match lowercased text (ASCII lowercasing keeps every byte offset).
        let implied = context.page.map(|page| self.implied_themes(page));
        let lowered = text.to_ascii_lowercase();
        self.with_scratch(|scratch| {
            self.tag_lowered(text, &lowered, context.previous, implied, scratch)
        })
    }

    /// The theme rules a page implies (none for a page no rule names).
    fn implied_themes(&self, page: &str) -> &[ImpliedTheme] {
        self.page_themes
            .iter()
            .find(|p| p.slug == page)
            .map_or(&[][..], |p| p.implied.as_slice())
    }

    /// [`RuleSet::tag`] of a sentence (`original`) and its ASCII lowercasing (`text`: the
    /// same offsets), after the tags of `previous`, on a page that implies `implied` (when
    /// the page is known), in the thread's working space. The sentence is read
    /// [`Shortened`] by words that judge nothing; the matches' offsets are the sentence's
    /// own.
    fn tag_lowered(
        &self,
        original: &str,
        text: &str,
        previous: Option<&Tags>,
        implied: Option<&[ImpliedTheme]>,
        scratch: &mut Scratch,
    ) -> Tags {
        let Some(shortened) = Shortened::of(original, text) else {
            return self.tag_read(original, text, previous, implied, scratch);
        };
        let mut tags = self.tag_read(
            &shortened.original,
            &shortened.lowered,
            previous,
            implied,
            scratch,
        );
        // (A theme the page implies is no span of the sentence.)
        for m in tags.matches.iter_mut().filter(|m| !m.page) {
            m.start = shortened.source_offset(m.start, true);
            m.end = shortened.source_offset(m.end, false).max(m.start);
        }
        tags
    }

    /// [`RuleSet::tag_lowered`] of a sentence as it is read.
    fn tag_read(
        &self,
        original: &str,
        text: &str,
        previous: Option<&Tags>,
        implied: Option<&[ImpliedTheme]>,
        Scratch { search, sentence }: &mut Scratch,
    ) -> Tags {
        self.raw_matches(text, search, &mut sentence.raw);
        self.clauses(original, text, sentence);
        let mut matches = self.kept_matches(original, text, sentence);
        let judgement = self.judge(text, sentence, &mut matches);
        let polarity = judgement.polarity(previous);
        // A reversal is about what the sentence before was about, as a context is.
        let context_at_start = judgement.context_at_start || judgement.reversal;
        let themes = self.themes(&mut matches, context_at_start, previous, implied, sentence);
        let evidence = matches
            .iter()
            .filter(|m| self.rules[m.rule].evidence.is_some())
            .min_by_key(|m| m.start)
            .map_or(EvidenceSource::None, |m| {
                let rule = &self.rules[m.rule];
                let named_before = previous.map(|p| p.evidence).filter(|e| {
                    matches!(
                        e,
                        EvidenceSource::People
                            | EvidenceSource::Staff
                            | EvidenceSource::Leaders
                            | EvidenceSource::Partners
                    )
                });
                match named_before {
                    Some(before) if rule.evidence_from_previous => before,
                    _ => rule.evidence.unwrap_or(EvidenceSource::None),
                }
            });
        let mut rules: Vec<usize> = matches.iter().map(|m| m.rule).collect();
        rules.sort_unstable();
        rules.dedup();
        sentence.release_oversized();
        Tags {
            polarity,
            themes,
            evidence,
            rules,
            matches,
        }
    }

    /// Tag every findings sentence of a document, in document order, each in the context
    /// of the sentence before it in its paragraph and of the document's page (see
    /// [`RuleSet::tag`]).
    ///
    /// ```
    /// let doc = ingest::parse("page.txt", b"Staff were skilled. This was praised.").unwrap();
    /// let rules = extract::RuleSet::builtin().unwrap();
    /// let tags = rules.tag_document(&doc);
    /// assert_eq!(tags.len(), 2);
    /// assert_eq!(tags[0].polarity, extract::Polarity::Strength);
    /// ```
    pub fn tag_document(&self, document: &ingest::Document) -> Vec<Tags> {
        let implied = document
            .quality_statement
            .map(|qs| self.implied_themes(qs.slug));
        // The document lowercased once, for all its sentences.
        let lowered = document.text.to_ascii_lowercase();
        let mut tags: Vec<Tags> = Vec::with_capacity(document.sentence_count());
        self.with_scratch(|scratch| {
            for paragraph in document.sections.iter().flat_map(|s| &s.paragraphs) {
                let first = tags.len();
                for sentence in &paragraph.sentences {
                    let previous = tags[first..].last();
                    let span = sentence.start..sentence.end;
                    let t = self.tag_lowered(
                        &document.text[span.clone()],
                        &lowered[span],
                        previous,
                        implied,
                        scratch,
                    );
                    tags.push(t);
                }
            }
        });
        tags
    }

    /// Whether `at` falls inside (after the first word of) a mask among `spans` (start,
    /// end, rule): an "and" inside a set phrase ("care and support was ...") joins its
    /// words, not two clauses.
    fn inside_a_mask(&self, at: usize, spans: &[Raw]) -> bool {
        spans.iter().any(|&(start, end, rule)| {
            self.rules[rule].signal == Signal::Mask && start < at && at < end
        })
    }

    /// The matches that stand: `unless` exceptions applied; judgement cues inside a longer
    /// judgement or neutral expression dropped ("wait" in "waiting list"), cues and
    /// themes inside a mask ("delay" in "prevent, reduce, delay", "assessment" in "Joint
    /// Strategic Needs Assessment"), and cues that are words of a name ("Good" in "the
    /// Good Lives team").
    fn kept_matches(
        &self,
        original: &str,
        text: &str,
        scratch: &mut SentenceScratch,
    ) -> Vec<Match> {
        let SentenceScratch {
            raw,
            clauses,
            unless,
            outers,
            ..
        } = scratch;
        unless.clear();
        // Room for the page's theme matches too (see `themes`), so it is allocated once.
        let mut matches: Vec<Match> = Vec::with_capacity(raw.len() + 4);
        matches.extend(
            raw.iter()
                .filter_map(|&(start, end, rule)| {
                    Some((
                        self.start_in_last_clause(text, start, end, rule, clauses)?,
                        end,
                        rule,
                    ))
                })
                .filter(|&(s, e, r)| !self.excepted(r, s, e, text, clauses, unless))
                .map(|(start, end, rule)| Match {
                    rule,
                    start,
                    end,
                    negated: false,
                    aim: false,
                    circumstance: false,
                    superseded: false,
                    page: false,
                    object: false,
                    reading: None,
                }),
        );
        let judging = |signal: Signal| {
            matches!(
                signal,
                Signal::Strength
                    | Signal::Shortfall
                    | Signal::Mixed
                    | Signal::Neutral
                    | Signal::Figure
            )
        };
        // What a longer match hides inside it: a mask hides cues, themes, negations and
        // goals ("people who did not have eligible needs" negates nothing after it; "as
        // much contact as they would like" is no aim); a cue hides
        // cues; a negation hides cues and negations ("did not find any" is one negation,
        // not the shortfall cue "did not").
        // A mask with `keeps_themes` leaves its theme words counted.
        let hides = |outer: &Rule, inner: Signal| match outer.signal {
            Signal::Mask => {
                judging(inner)
                    || matches!(inner, Signal::Negation | Signal::Goal)
                    || (inner == Signal::Theme && !outer.keeps_themes)
            }
            Signal::Negation => judging(inner) || inner == Signal::Negation,
            outer => judging(outer) && judging(inner),
        };
        // The spans that can hide others, in order of start (as the matches are).
        outers.clear();
        outers.extend(
            matches
                .iter()
                .filter(|m| {
                    let signal = self.rules[m.rule].signal;
                    judging(signal) || matches!(signal, Signal::Mask | Signal::Negation)
                })
                .map(|m| (m.start, m.end, m.rule)),
        );
        matches.retain(|m| {
            let signal = self.rules[m.rule].signal;
            if judging(signal) && in_name(original, m.start, m.end) {
                return false;
            }
            if signal == Signal::Contrast && self.inside_a_mask(m.start, outers) {
                return false;
            }
            !outers
                .iter()
                .take_while(|&&(s, _, _)| s < m.end)
                .any(|&(s, e, outer)| {
                    let inside = s <= m.start && m.end <= e && (e - s) > (m.end - m.start);
                    // A cue that runs into a mask's first word and stops at a hyphen
                    // of it is made of the mask's words: "a strength" in "a
                    // strength-based approach".
                    let ends_inside_mask = m.start < s
                        && m.end < e
                        && self.rules[outer].signal == Signal::Mask
                        && judging(signal)
                        && text.as_bytes()[m.end] == b'-'
                        && !text[s..m.end].contains(' ');
                    // Two cues of one kind on the same words are one cue, the heavier:
                    // "outcomes were met" is a positive judgement and a thing done well,
                    // but says so once.
                    let same_words = s == m.start
                        && e == m.end
                        && outer != m.rule
                        && matches!(signal, Signal::Strength | Signal::Shortfall)
                        && self.rules[outer].signal == signal
                        && (self.rules[outer].weight, m.rule) > (self.rules[m.rule].weight, outer);
                    same_words
                        || ((inside || ends_inside_mask) && hides(&self.rules[outer], signal))
                })
        });
        matches
    }

    /// How a figure match reads against its comparator: the `value` and `comparator`
    /// groups of the rule's pattern that matched there, as numbers (`None` when they do
    /// not read as numbers).
    fn read_figure(&self, text: &str, m: &Match) -> Option<Polarity> {
        let rule = &self.rules[m.rule];
        let number = |caps: &regex_automata::util::captures::Captures, group: &str| {
            let span = caps.get_group_by_name(group)?;
            text[span.start..span.end]
                .replace(',', "")
                .parse::<f32>()
                .ok()
        };
        self.patterns
            .iter()
            .filter(|pattern| pattern.rule == m.rule)
            .find_map(|pattern| {
                let regex = pattern.regex();
                let mut caps = regex.create_captures();
                let input = Input::new(text)
                    .range(m.start..m.end)
                    .anchored(Anchored::Yes);
                regex.search_captures(&input, &mut caps);
                (caps.get_match()?.end() == m.end).then_some(())?;
                Some((number(&caps, "value")?, number(&caps, "comparator")?))
            })
            .map(|(value, comparator)| {
                let above = match rule.better {
                    Better::Higher => value - comparator,
                    Better::Lower => comparator - value,
                };
                if above.abs() <= rule.margin {
                    Polarity::Neutral
                } else if above > 0.0 {
                    Polarity::Strength
                } else {
                    Polarity::Shortfall
                }
            })
    }

    /// Weigh the cues clause by clause, marking the matches that are negated or are aims.
    fn judge<'s>(
        &self,
        text: &str,
        scratch: &'s mut SentenceScratch,
        matches: &mut [Match],
    ) -> Judgement<'s> {
        let SentenceScratch {
            clauses,
            negations,
            goals,
            circumstances,
            strength,
            shortfall,
            ..
        } = scratch;
        let clauses = &clauses[..];
        let clause_of = |pos: usize| {
            clauses
                .iter()
                .position(|&(s, e)| s <= pos && pos < e)
                .unwrap_or(0)
        };
        let spans_of = |signal: Signal| {
            matches
                .iter()
                .filter(move |m| self.rules[m.rule].signal == signal)
                .map(|m| (m.start, m.end))
        };
        negations.clear();
        // A negation right before a set phrase is about that phrase's noun ("no learning
        // disability"), not a cue after it; a negated subject ("none of") reaches past.
        let mask_follows = |end: usize| {
            matches.iter().any(|other| {
                self.rules[other.rule].signal == Signal::Mask
                    && other.start > end
                    && text[end..other.start].trim().is_empty()
            })
        };
        negations.extend(
            matches
                .iter()
                .filter(|m| {
                    let rule = &self.rules[m.rule];
                    rule.signal == Signal::Negation
                        && !(rule.reach <= DEFAULT_NEGATION_REACH && mask_follows(m.end))
                })
                .map(|m| Negation {
                    start: m.start,
                    end: m.end,
                    reach: self.rules[m.rule].reach,
                    last_turned: None,
                    supersedes: false,
                }),
        );
        // Each goal's aim runs to the next clause boundary (AIM_END) after it, looked for
        // only when a cue follows the goal in its clause.
        goals.clear();
        goals.extend(
            spans_of(Signal::Goal)
                .filter(|&(gs, ge)| !support_as_a_noun(&text[gs..ge], &text[ge..]))
                .map(|(gs, ge)| (gs, ge, std::cell::OnceCell::new())),
        );
        // A circumstance runs from its opener to the end of its clause, or ends with its
        // own words when the sentence's verb follows them ("communication with people
        // while they waited was poor").
        circumstances.clear();
        circumstances.extend(spans_of(Signal::Circumstance).map(|(start, end)| {
            let clause_end =
                if !ends_with_its_subject(&text[start..end]) && main_verb_follows(&text[end..]) {
                    end
                } else {
                    opened_clause_end(text, end).unwrap_or(text.len())
                };
            (start, clause_end)
        }));
        strength.clear();
        strength.resize(clauses.len(), 0.0);
        shortfall.clear();
        shortfall.resize(clauses.len(), 0.0);
        let aim_end = |cs: usize, gs: usize, ge: usize, end: &std::cell::OnceCell<usize>| {
            *end.get_or_init(|| {
                let clause_end = aim_end_after(text, ge);
                aim_end_in_subject(text, cs, gs, ge).map_or(clause_end, |verb| verb.min(clause_end))
            })
        };
        let (mut neutral, mut context_at_start, mut reversal, mut any_aim) =
            (0.0, false, false, false);
        for m in matches.iter_mut() {
            let rule = &self.rules[m.rule];
            match rule.signal {
                Signal::Strength | Signal::Shortfall | Signal::Mixed => {
                    let clause = clause_of(m.start);
                    let (cs, _) = clauses[clause];
                    // An aim runs from its goal signal to the end of the clause or to the
                    // next coordinated clause ("..., and there was ..."); a cue inside the
                    // goal itself ("understand" in "to understand") is part of the aim too.
                    m.aim = !rule.counts_in_aims
                        && goals.iter().any(|(gs, ge, end)| {
                            *gs >= cs
                                && ((*ge <= m.start && m.start < aim_end(cs, *gs, *ge, end))
                                    || (*gs <= m.start && m.end <= *ge))
                        });
                    if m.aim {
                        any_aim = true;
                        continue;
                    }
                    m.circumstance = circumstances
                        .iter()
                        .any(|&(start, end)| start <= m.start && m.end <= end);
                    if m.circumstance {
                        continue;
                    }
                    if rule.signal == Signal::Mixed {
                        strength[clause] += rule.weight;
                        shortfall[clause] += rule.weight;
                        continue;
                    }
                    let words_between = |ne: usize| text[ne..m.start].split_whitespace().count();
                    // A negation turns round the first cue after it, and the cues of its
                    // kind listed with that one ("no timely or effective support"), not
                    // every cue in reach ("lack of oversight of people waiting").
                    if let Some(k) = negations.iter().position(|n| {
                        rule.negatable
                            && n.start >= cs
                            // A negation in a goal's words is part of the aim ("plans to
                            // reduce the backlog [had been slow]").
                            && !goals.iter().any(|(gs, ge, _)| *gs <= n.start && n.end <= *ge)
                            && n.end <= m.start
                            && match n.last_turned {
                                None => {
                                    m.start - n.end <= n.reach * NEGATION_REACH_BYTES_PER_WORD
                                        && words_between(n.end) <= n.reach
                                        && !comment_between(&text[n.end..m.start])
                                        && !noun_negation_ends_between(
                                            &text[n.start..n.end],
                                            &text[n.end..m.start],
                                        )
                                        && !comparison_after_comma(
                                            &text[n.end..m.start],
                                            &text[m.start..],
                                        )
                                        && !embedded_question_between(&text[n.end..m.start])
                                        && !(rule.signal == Signal::Shortfall
                                            && examined_between(&text[n.end..m.start]))
                                        // Not out of the circumstance it stands in
                                        // ("where people lacked capacity, decisions
                                        // were not always recorded").
                                        && !circumstances.iter().any(|&(start, end)| {
                                            start <= n.start && n.end <= end && end <= m.start
                                        })
                                }
                                Some((end, signal)) => {
                                    signal == rule.signal
                                        && (m.start <= end || listed_after(&text[end..m.start]))
                                }
                            }
                    }) {
                        // Two negations in a row before a cue cancel ("had not yet reduced
                        // waiting times": the waits were not reduced), and neither turns it
                        // round, as a negation before a cue that holds one does ("care had
                        // been reduced without a review"); negations listed or coordinated
                        // ("no delays, no backlogs", "little or no wait", "neither ...
                        // nor") do not.
                        let first = &negations[k];
                        let doubled = first.last_turned.is_none()
                            && negations.iter().any(|other| {
                                let in_the_cue = other.start == m.start && other.end <= m.end;
                                if other.start < first.end || (other.end > m.start && !in_the_cue) {
                                    return false;
                                }
                                let between = &text[first.end..other.start];
                                other.last_turned.is_none()
                                    && &text[other.start..other.end] != "nor"
                                    && !between.contains(',')
                                    && !between.split_whitespace().any(|w| {
                                        let word = w.trim_matches(|c: char| !c.is_alphanumeric());
                                        matches!(word, "or" | "and" | "nor")
                                    })
                            });
                        if doubled {
                            continue;
                        }
                        m.negated = true;
                        let n = &mut negations[k];
                        // Only a cue close after it is surely what the negation is about;
                        // a negation that reaches further (a negated subject, "no one we
                        // spoke with ...") is about the cue of its verb, wherever it is.
                        if n.last_turned.is_none() {
                            let superseding_reach = if n.reach > DEFAULT_NEGATION_REACH {
                                n.reach
                            } else {
                                SUPERSEDING_REACH_WORDS
                            };
                            n.supersedes = words_between(n.end) <= superseding_reach;
                        }
                        let end = n.last_turned.map_or(m.end, |(end, _)| end.max(m.end));
                        n.last_turned = Some((end, rule.signal));
                    }
                }
                Signal::Neutral => neutral += rule.weight,
                Signal::Figure => {
                    m.reading = self.read_figure(text, m);
                    let clause = clause_of(m.start);
                    match m.reading {
                        Some(Polarity::Strength) => strength[clause] += rule.weight,
                        Some(Polarity::Shortfall) => shortfall[clause] += rule.weight,
                        Some(_) => neutral += rule.weight,
                        None => {}
                    }
                }
                Signal::Context if m.start <= 2 => context_at_start = true,
                Signal::Reversal => reversal = true,
                _ => {}
            }
        }
        // A cue holding a negation that turns round a cue of its own kind close after it
        // ("did not" before "have waiting lists", "lack of" before "delays") is
        // superseded: the cue turned round carries the meaning, and counting both would
        // judge "no delays" as mixed.
        // A cue of the other kind right after one that takes an object ("understood the
        // challenges", "insight into the barriers") is what that one is about.
        for i in 0..matches.len() {
            let m = &matches[i];
            let signal = self.rules[m.rule].signal;
            if m.aim || !matches!(signal, Signal::Strength | Signal::Shortfall) {
                continue;
            }
            // Matches are in order of start; an object is a few words after its taker, in
            // its clause ("resolved most enquiries at first contact, with some people
            // finding it hard to get through": what some people found is a finding of its own).
            let object = matches[..i]
                .iter()
                .rev()
                .take_while(|o| m.start.saturating_sub(o.start) <= OBJECT_REACH_BYTES)
                .any(|o| {
                    let taker = &self.rules[o.rule];
                    taker.takes_object
                        && !o.aim
                        && taker.signal != signal
                        && matches!(taker.signal, Signal::Strength | Signal::Shortfall)
                        && o.end <= m.start
                        && clause_of(o.start) == clause_of(m.start)
                        && links_an_object(&text[o.end..m.start])
                });
            // A cue of the same kind a few words after an object is still in it ("the
            // length of time people waited").
            let object = object
                || matches[..i].iter().rev().any(|o| {
                    if !(o.object && self.rules[o.rule].signal == signal && o.end <= m.start) {
                        return false;
                    }
                    let between = &text[o.end..m.start];
                    if among_examples(text, (o.start, o.end), m.start) {
                        return true;
                    }
                    !between.contains([',', ';', '.'])
                        && between.split_whitespace().count() <= 3
                        && !between.split_whitespace().any(|word| {
                            is_verb_word(word)
                                || matches!(word, "and" | "or")
                                || opens_a_clause(word)
                        })
                });
            matches[i].object = object;
        }
        for m in matches.iter_mut() {
            let rule = &self.rules[m.rule];
            if m.aim
                || m.circumstance
                || m.object
                || !matches!(rule.signal, Signal::Strength | Signal::Shortfall)
            {
                continue;
            }
            // Only where the two disagree: "did not" before "timely" both say shortfall.
            m.superseded = negations.iter().any(|n| {
                n.supersedes
                    && n.start >= m.start
                    && n.end <= m.end
                    && n.last_turned.is_some_and(|(_, kind)| kind == rule.signal)
            });
            if m.superseded {
                continue;
            }
            let clause = clause_of(m.start);
            if (rule.signal == Signal::Strength) != m.negated {
                strength[clause] += rule.weight;
            } else {
                shortfall[clause] += rule.weight;
            }
        }
        // A mixed verdict ("feedback was mixed") makes its clause a tie, whatever other
        // cues it holds ("mixed, with some finding it easy and others waiting").
        for m in matches.iter() {
            if self.rules[m.rule].signal == Signal::Mixed && !m.aim {
                let clause = clause_of(m.start);
                let top = strength[clause].max(shortfall[clause]);
                strength[clause] = top;
                shortfall[clause] = top;
            }
        }
        conceded_main_clause(text, matches, &self.rules, clauses, strength, shortfall);
        // A reversal in a clause with no cue of its own says the clause before it does not
        // hold here ("People generally received timely assessments, but this was not the
        // case for people waiting for occupational therapy"): the opposite of that clause.
        for m in matches.iter() {
            if self.rules[m.rule].signal != Signal::Reversal || m.aim {
                continue;
            }
            let clause = clause_of(m.start);
            if strength[clause] > 0.0 || shortfall[clause] > 0.0 {
                continue;
            }
            // (A clause with no cue, "; " before "however", stands between them.)
            let Some(before) = (0..clause)
                .rev()
                .find(|&before| strength[before] > 0.0 || shortfall[before] > 0.0)
            else {
                continue;
            };
            let (before_strength, before_shortfall) = (strength[before], shortfall[before]);
            let weight = self.rules[m.rule].weight;
            if before_strength > before_shortfall {
                shortfall[clause] = weight;
            } else if before_shortfall > before_strength {
                strength[clause] = weight;
            }
        }
        Judgement {
            strength,
            shortfall,
            neutral,
            context_at_start,
            reversal,
            any_aim,
        }
    }

    /// Themes: those whose matches weigh 1 or more (one specific term or two passing
    /// mentions; a theme word inside a longer one of its theme is not another mention);
    /// else, for a context sentence, the previous sentence's; plus those the page implies.
    /// Theme matches below the threshold are dropped from `matches`. (Sets of themes are
    /// bit sets over their indices in [`THEMES`].)
    fn themes(
        &self,
        matches: &mut Vec<Match>,
        context_at_start: bool,
        previous: Option<&Tags>,
        implied: Option<&[ImpliedTheme]>,
        scratch: &mut SentenceScratch,
    ) -> Vec<&'static str> {
        let weights = &mut scratch.theme_weight;
        *weights = [0.0; THEMES.len()];
        for m in matches.iter() {
            let Some(theme) = self.theme_of[m.rule] else {
                continue;
            };
            // A theme word inside a longer one of the same theme, weighing no more, is the
            // same mention: "partner" in "partner organisations".
            // (Only a word below the threshold needs the check: one at or above it makes
            // the theme whatever else is counted.)
            let inside_longer = !m.page
                && self.rules[m.rule].weight < 1.0
                && matches.iter().any(|outer| {
                    !outer.page
                        && self.theme_of[outer.rule] == Some(theme)
                        && outer.start <= m.start
                        && m.end <= outer.end
                        && outer.end - outer.start > m.end - m.start
                        && self.rules[outer.rule].weight >= self.rules[m.rule].weight
                });
            if !inside_longer {
                weights[theme] += self.rules[m.rule].weight;
            }
        }
        let weighed: u32 = (0..THEMES.len())
            .filter(|&theme| weights[theme] >= 1.0)
            .fold(0, |set, theme| set | 1 << theme);
        matches.retain(|m| self.theme_of[m.rule].is_none_or(|t| weighed & 1 << t != 0));
        let mut themes = weighed;
        // "This was similar to ...", "For example, ..." are about what the sentence before
        // was about.
        if themes == 0 && context_at_start {
            if let Some(previous) = previous {
                themes = previous
                    .themes
                    .iter()
                    .fold(0, |set, theme| set | 1 << theme_index(theme));
            }
        }
        if let Some(implied) = implied {
            let untagged = themes == 0;
            for theme in implied {
                if untagged || !theme.only_when_untagged {
                    themes |= 1 << theme.theme;
                    matches.push(Match {
                        rule: theme.rule,
                        start: 0,
                        end: 0,
                        negated: false,
                        aim: false,
                        circumstance: false,
                        superseded: false,
                        page: true,
                        object: false,
                        reading: None,
                    });
                }
            }
        }
        // Theme ids in order of name.
        THEMES_BY_NAME
            .iter()
            .filter(|&&theme| themes & 1 << theme != 0)
            .map(|&theme| THEMES[theme])
            .collect()
    }
}

/// The index of a theme id in [`THEMES`] (theme ids of rules and tags are all there).
fn theme_index(theme: &str) -> usize {
    THEMES
        .iter()
        .position(|&t| t == theme)
        .expect("a theme id of THEMES")
}

/// Indices of [`THEMES`] in order of theme id.
static THEMES_BY_NAME: std::sync::LazyLock<Vec<usize>> = std::sync::LazyLock::new(|| {
    let mut order: Vec<usize> = (0..THEMES.len()).collect();
    order.sort_by_key(|&theme| THEMES[theme]);
    order
});

/// The theme rules a quality statement page implies, in rule order.
#[derive(Debug)]
struct PageThemes {
    slug: String,
    implied: Vec<ImpliedTheme>,
}

#[derive(Debug)]
struct ImpliedTheme {
    rule: usize,
    /// Index in [`THEMES`].
    theme: usize,
    /// Only for a sentence with no theme of its own (`pages_when_untagged`).
    only_when_untagged: bool,
}

/// For each page slug a theme rule names, the theme rules that page implies.
fn page_themes(rules: &[Rule]) -> Vec<PageThemes> {
    let mut slugs: Vec<&String> = rules
        .iter()
        .flat_map(|rule| rule.pages.iter().chain(&rule.pages_when_untagged))
        .collect();
    slugs.sort_unstable();
    slugs.dedup();
    slugs
        .into_iter()
        .map(|slug| PageThemes {
            slug: slug.clone(),
            implied: rules
                .iter()
                .enumerate()
                .filter_map(|(index, rule)| {
                    let only_when_untagged = if rule.pages.contains(slug) {
                        false
                    } else if rule.pages_when_untagged.contains(slug) {
                        true
                    } else {
                        return None;
                    };
                    Some(ImpliedTheme {
                        rule: index,
                        theme: theme_index(rule.theme?),
                        only_when_untagged,
                    })
                })
                .collect(),
        })
        .collect()
}

/// Where a phrase found at `start..end` ends as a whole-word match (a prefix phrase runs
/// to the end of its word), or `None` when a letter or digit touches it.
fn phrase_end(text: &str, start: usize, end: usize, prefix: bool) -> Option<usize> {
    // "n't" ends the word it follows ("weren't").
    let clitic = text[start..].starts_with("n't") || text[start..].starts_with("n’t");
    let before_ok = clitic || !text[..start].chars().next_back().is_some_and(is_word_char);
    let after_ok = prefix || !text[end..].chars().next().is_some_and(is_word_char);
    if !(before_ok && after_ok) {
        return None;
    }
    Some(if prefix {
        end + text[end..]
            .find(|c: char| !is_word_char(c))
            .unwrap_or(text.len() - end)
    } else {
        end
    })
}

/// Words that may stand between a cue that takes an object and the object ("of the key",
/// "into the"), besides the items of a list ("the risks and"): at most
/// [`MAX_OBJECT_LINK_WORDS`] words in all.
const OBJECT_LINK_WORDS: &[&str] = &[
    "of",
    "into",
    "in",
    "on",
    "about",
    "the",
    "a",
    "an",
    "its",
    "their",
    "these",
    "those",
    "this",
    "key",
    "main",
    "many",
    "some",
    "current",
    "local",
    "significant",
    "specific",
    "particular",
    "potential",
    "existing",
    "emerging",
    "ongoing",
    "future",
    "wider",
    "and",
    "or",
    "where",
    "what",
    "how",
    "why",
    "such",
    "as",
    "including",
    "all",
    "everyone",
    "people",
    "those",
    // What is to be done about the issue: "urgency about reducing waiting times".
    "reducing",
    "tackling",
    "addressing",
    "clearing",
    // "candid about what still needed to improve".
    "still",
    // What the issue brings: "the risks associated with the long waits".
    "risk",
    "risks",
    "impact",
    "scale",
    "extent",
    "nature",
    "associated",
    "linked",
    "related",
    "with",
    "to",
];
const MAX_OBJECT_LINK_WORDS: usize = 8;
/// How far (in bytes, from start to start) a cue that takes an object looks for it.
const OBJECT_REACH_BYTES: usize = 160;

/// Whether the text between a cue that takes an object and a later cue links the two:
/// [`OBJECT_LINK_WORDS`], and words listed with the object ("risks" in "the risks and",
/// "risks," in "the risks, gaps and", "care market" in "its care market and"); ", and"
/// opens a new clause.
fn links_an_object(between: &str) -> bool {
    // "its care market, including the gaps": what comes before "including" or "such as"
    // is the object itself, a few words of any kind.
    if let Some(at) = after_examples_opener(between) {
        let object = between[..at].split_whitespace().count();
        let example = &between[at..];
        // An example may have its own words before the cue ("including long waits").
        let modified_cue = !example.contains([',', ';'])
            && example.split_whitespace().count() <= 2
            && !example.split_whitespace().any(is_verb_word);
        return object <= MAX_OBJECT_LINK_WORDS + 2 && (modified_cue || links_an_object(example));
    }
    let words: Vec<&str> = between.split_whitespace().collect();
    // A question about the object ("the areas where provision was [limited]"): a few words
    // of the object's own, with no verb, then the question's subject and verb.
    if let Some(q) = words
        .iter()
        .position(|w| matches!(*w, "where" | "what" | "how" | "why" | "whether"))
    {
        let (object, question) = (&words[..q], &words[q + 1..]);
        if object.len() <= 4
            && question.len() <= 4
            && !between.contains([',', ';'])
            && !object
                .iter()
                .any(|w| is_verb_word(w) || matches!(*w, "but" | "and" | "or" | "yet"))
        {
            return true;
        }
    }
    let and_or = |i: usize| words.get(i).is_some_and(|w| matches!(*w, "and" | "or"));
    // The subject of a question the object asks: "where it needed to improve".
    let asked_subject = |i: usize| {
        matches!(words[i], "it" | "they" | "we" | "there")
            && i > 0
            && matches!(words[i - 1], "where" | "what" | "how" | "why")
    };
    words.len() <= MAX_OBJECT_LINK_WORDS
        && words
            .iter()
            .enumerate()
            .all(|(i, word)| match word.strip_suffix(',') {
                Some(_) => !and_or(i + 1),
                // A noun of two words listed with the object ("its care market and its
                // pressures") is listed as one of one word is.
                None => {
                    OBJECT_LINK_WORDS.contains(word)
                        || and_or(i + 1)
                        || (and_or(i + 2) && !is_verb_word(word) && !and_or(i))
                        || asked_subject(i)
                }
            })
}

/// Where the examples of a list begin in `text`: after its last "including" or "such as".
fn after_examples_opener(text: &str) -> Option<usize> {
    ["including ", "such as "]
        .iter()
        .filter_map(|opener| text.rfind(opener).map(|at| at + opener.len()))
        .max()
}

/// Whether a word opens a clause of its own: a contrast, a concession or a relative
/// pronoun, which an object's words do not run past.
fn opens_a_clause(word: &str) -> bool {
    matches!(
        word,
        "but" | "yet" | "however" | "although" | "while" | "whilst" | "whereas" | "which" | "who"
    )
}

/// Whether a cue after an object (`object` is its span in `text`, the cue starts at
/// `cue`) is one of the examples listed after "including" or "such as" with it: the
/// object is one of them ("the issues, such as delays in reviews and gaps in provision")
/// or they are its examples ("the pressures facing the market, including rising costs,
/// recruitment difficulties"). The list holds no verb, and the cue is a few words, commas,
/// "and" or "or" into it ("gaps" is in the object as "delays" is).
fn among_examples(text: &str, object: (usize, usize), cue: usize) -> bool {
    const LIST_WORDS: usize = 6;
    let from = char_end(text, object.0.saturating_sub(OBJECT_REACH_BYTES));
    let Some(at) = after_examples_opener(&text[from..cue]).map(|at| from + at) else {
        return false;
    };
    let no_clause = |words: &str| {
        !words.contains([';', '.', ':'])
            && !words.split_whitespace().any(|word| {
                let word = word.trim_end_matches(',');
                is_verb_word(word) || word == "that" || opens_a_clause(word)
            })
    };
    let word_count = |words: &str| words.split_whitespace().count();
    if at <= object.0 {
        let between = &text[object.1..cue];
        no_clause(&text[at..object.0]) && no_clause(between) && word_count(between) <= LIST_WORDS
    } else if at < object.1 {
        // The opener is in the object's own words.
        false
    } else {
        let (head, list) = (&text[object.1..at], &text[at..cue]);
        no_clause(head)
            && word_count(head) <= MAX_OBJECT_LINK_WORDS
            && no_clause(list)
            && word_count(list) <= LIST_WORDS
    }
}

/// Anchored searches tried per pattern and sentence before searching the whole sentence.
const MAX_ANCHORED_SEARCHES: usize = 8;

/// The ends of a pattern's matches that have anchors.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ends {
    start: bool,
    end: bool,
    /// Its matches start where the sentence does (`^...`): a start anchor anywhere else
    /// is not tried.
    at_sentence_start: bool,
}

/// A raw match: `(start, end, rule index)`, offsets within the sentence.
type Raw = (usize, usize, usize);

/// The cue totals of a sentence, clause by clause.
struct Judgement<'s> {
    strength: &'s [f32],
    shortfall: &'s [f32],
    neutral: f32,
    context_at_start: bool,
    /// A reversal signal ("this was not the case").
    reversal: bool,
    any_aim: bool,
}

impl Judgement<'_> {
    /// A clause whose strength total beats its shortfall total is a strength (and the
    /// reverse; a tie is both). Clauses that disagree make the sentence mixed; one clause
    /// with both goes to the larger total. A decisive neutral expression wins when it
    /// weighs as much as the cues; with no cue, a context sentence takes the previous
    /// sentence's polarity, and a reversal its opposite.
    fn polarity(&self, previous: Option<&Tags>) -> Polarity {
        let (mut has_strength, mut has_shortfall) = (false, false);
        for (s, f) in self.strength.iter().zip(self.shortfall) {
            if s > f {
                has_strength = true;
            } else if f > s {
                has_shortfall = true;
            } else if *s > 0.0 {
                has_strength = true;
                has_shortfall = true;
            }
        }
        let total_s: f32 = self.strength.iter().sum();
        let total_f: f32 = self.shortfall.iter().sum();
        match (has_strength, has_shortfall) {
            _ if self.neutral > 0.0 && self.neutral >= total_s.max(total_f) => Polarity::Neutral,
            (true, true) if self.strength.len() == 1 && total_s != total_f => {
                if total_s > total_f {
                    Polarity::Strength
                } else {
                    Polarity::Shortfall
                }
            }
            (true, true) => Polarity::Mixed,
            (true, false) => Polarity::Strength,
            (false, true) => Polarity::Shortfall,
            (false, false) if self.reversal && self.neutral == 0.0 && !self.any_aim => {
                previous.map_or(Polarity::Neutral, |p| p.polarity.opposite())
            }
            (false, false) if self.context_at_start && self.neutral == 0.0 && !self.any_aim => {
                previous.map_or(Polarity::Neutral, |p| p.polarity)
            }
            (false, false) => Polarity::Neutral,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repeatable stream of numbers below the bound it is called with.
    fn xorshift(mut state: u64) -> impl FnMut(usize) -> usize {
        move |bound| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        }
    }

    #[test]
    fn a_degenerate_sentence_leaves_no_oversized_lists_behind() {
        let rules = RuleSet::builtin().unwrap();
        // Megabytes with no full stop: thousands of matches in one "sentence".
        let text = "staff were effective, but waits were long; ".repeat(20_000);
        let tags = rules.tag(&text, &Context::default());
        assert!(tags.matches.len() > 100, "the sentence has many matches");
        // The same thread's working space, as the next sentence gets it.
        rules.with_scratch(|scratch| {
            let sentence = &scratch.sentence;
            for (name, capacity) in [
                ("raw", sentence.raw.capacity()),
                ("cuts", sentence.cuts.capacity()),
                ("clauses", sentence.clauses.capacity()),
                ("outers", sentence.outers.capacity()),
            ] {
                assert!(capacity <= SentenceScratch::MAX_KEPT, "{name}: {capacity}");
            }
        });
    }

    #[test]
    fn laying_the_literals_out_for_prose_changes_no_tag() {
        let rules = built_at_run_time();
        let laid_out = built_at_run_time();
        laid_out.lay_out_for_prose();
        assert!(laid_out.laid_out.get().is_some_and(Option::is_some));
        let mut checked = 0;
        for text in sentences(&rules) {
            let (a, b) = (
                rules.tag(&text, &Context::default()),
                laid_out.tag(&text, &Context::default()),
            );
            assert_eq!(a.matches, b.matches, "{text}");
            checked += 1;
        }
        assert!(checked > 500, "{checked} sentences");
    }

    /// The built-in rule files, loaded as any other rules are: literals built now.
    fn built_at_run_time() -> RuleSet {
        let rules = RuleSet::from_sources(
            BUILTIN_RULES
                .iter()
                .map(|(name, text)| (format!("rules/{name}"), *text)),
        )
        .unwrap();
        assert!(rules.literal_values.is_some());
        rules
    }

    #[test]
    fn the_built_in_literal_automaton_is_the_one_its_rules_build_laid_out_for_prose() {
        let builtin = RuleSet::builtin().unwrap();
        assert!(
            builtin.literal_values.is_none(),
            "the built-in rules' automaton comes from the build script"
        );
        // Laying it out again has nothing to do.
        builtin.lay_out_for_prose();
        assert!(builtin.laid_out.get().is_some_and(Option::is_none));
        assert_eq!(
            crate::literals::prebuilt(&builtin.rules).unwrap(),
            BUILTIN_LITERALS
        );
        let at_run_time = built_at_run_time();
        assert_eq!(builtin.meanings, at_run_time.meanings);
        // The ends with anchors were read from the embedded bytes, not found at load.
        assert_eq!(builtin.anchored_ends, at_run_time.anchored_ends);
        assert_eq!(builtin.searched_whole, at_run_time.searched_whole);
        for text in sentences(&builtin) {
            assert_eq!(
                builtin.tag(&text, &Context::default()).matches,
                at_run_time.tag(&text, &Context::default()).matches,
                "{text}"
            );
        }
    }

    #[test]
    fn prebuilt_literals_that_are_not_such_bytes_are_refused() {
        let good = BUILTIN_LITERALS;
        assert!(from_prebuilt(good).is_some());
        for bad in [
            &[][..],
            &good[..3],
            &good[..good.len() - 1],
            &[0xff; 64][..],
        ] {
            assert!(from_prebuilt(bad).is_none(), "{} bytes", bad.len());
        }
        let mut trailing = good.to_vec();
        trailing.push(0);
        assert!(from_prebuilt(&trailing).is_none());
        // A pattern's flags say which of its two ends have anchors: nothing else.
        let meanings = u32::from_le_bytes(good[..4].try_into().unwrap()) as usize;
        let first_flag = 4 + 4 * meanings + 4;
        let mut bad_flag = good.to_vec();
        bad_flag[first_flag] = 4;
        assert!(from_prebuilt(&bad_flag).is_none());
        assert_eq!(
            from_prebuilt(good).unwrap().anchored.len(),
            RuleSet::builtin().unwrap().patterns.len()
        );
    }

    #[test]
    fn rule_files_other_than_the_built_in_ones_do_not_take_the_built_in_literals() {
        let load = |files: &[(String, String)]| {
            RuleSet::from_sources_with(
                files
                    .iter()
                    .map(|(name, text)| (name.clone(), text.as_str())),
                Exceptions::Trusted,
                Some((BUILTIN_LITERALS_FINGERPRINT, BUILTIN_LITERALS)),
            )
            .unwrap()
        };
        let mut files: Vec<(String, String)> = BUILTIN_RULES
            .iter()
            .map(|(name, text)| (format!("rules/{name}"), text.to_string()))
            .collect();
        assert!(
            load(&files).literal_values.is_none(),
            "the same files take them"
        );
        // An edited file: its literals are built from the files as they are now.
        files[0].1.push_str("\n# edited\n");
        assert!(load(&files).literal_values.is_some());
    }

    #[test]
    fn two_rule_sets_tagging_on_one_thread_each_get_their_own_working_space() {
        // One pattern each, with a lazy DFA of its own: the other's cache would not fit it.
        let one_pattern = |id: &str, signal: &str, pattern: &str| {
            format!(
                "id = \"{id}\"\nname = \"p\"\ndescription = \"d\"\nkind = \"regex\"\n\
                 signal = \"{signal}\"\npatterns = ['{pattern}']\nmust_match = [\"{pattern}\"]\n"
            )
        };
        let strengths = rule_set(&[one_pattern("S1", "strength", "staff were skilled")]);
        let shortfalls = rule_set(&[one_pattern("F1", "shortfall", "waits were long")]);
        // A thread's working space is its rule set's only: another starts it afresh.
        strengths.with_scratch(|scratch| scratch.search.pattern_starts.push(7));
        strengths.with_scratch(|scratch| assert_eq!(scratch.search.pattern_starts, [7]));
        shortfalls.with_scratch(|scratch| assert!(scratch.search.pattern_starts.is_empty()));
        let text = "Staff were skilled, but waits were long.";
        // Alternating on one thread: each finds its own matches, whatever the other left.
        for _ in 0..3 {
            let tags = strengths.tag(text, &Context::default());
            assert_eq!((tags.polarity, tags.rules.len()), (Polarity::Strength, 1));
            let tags = shortfalls.tag(text, &Context::default());
            assert_eq!((tags.polarity, tags.rules.len()), (Polarity::Shortfall, 1));
        }
    }

    /// The raw matches of `text`, found with fresh working space.
    fn raw_matches(rules: &RuleSet, text: &str) -> Vec<Raw> {
        let mut found = Vec::new();
        rules.raw_matches(text, &mut SearchScratch::default(), &mut found);
        found
    }

    /// What `raw_matches` must find: the phrase matches, and every pattern's matches as a
    /// search of the whole sentence finds them (no anchors).
    fn every_pattern_searched(rules: &RuleSet, text: &str) -> Vec<Raw> {
        let mut expected: Vec<Raw> = raw_matches(rules, text)
            .into_iter()
            .filter(|&(.., rule)| rules.rules[rule].kind == crate::Kind::Phrases)
            .collect();
        for pattern in &rules.patterns {
            pattern.push_matches(text, None, &mut None, &mut expected);
        }
        expected.sort_unstable();
        expected.dedup();
        expected
    }

    /// Sentences built from the rules' own examples and phrases, shuffled together with
    /// filler words, repeated anchors (more than the anchored searches tried) and
    /// overlapping cues.
    fn sentences(rules: &RuleSet) -> Vec<String> {
        let mut pieces: Vec<String> = Vec::new();
        for rule in &rules.rules {
            pieces.extend(rule.must_match.iter().chain(&rule.must_not_match).cloned());
            pieces.extend(
                rule.phrases
                    .iter()
                    .map(|p| p.trim_end_matches('*').to_string()),
            );
        }
        pieces.extend(
            [
                "people", "had", "were", "waiting", "the", "and", "not", "although", "85%", "’s",
            ]
            .map(String::from),
        );
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let mut out: Vec<String> = pieces.iter().map(|p| p.to_ascii_lowercase()).collect();
        for _ in 0..3_000 {
            let words = 1 + next(12);
            let sentence: Vec<&str> = (0..words)
                .map(|_| pieces[next(pieces.len())].as_str())
                .collect();
            out.push(sentence.join(" ").to_ascii_lowercase());
        }
        out.push("people told us ".repeat(20));
        out.push("waiting lists had reduced, people said, ".repeat(12));
        out
    }

    #[test]
    fn anchored_searches_find_what_whole_sentence_searches_find() {
        let rules = RuleSet::builtin().unwrap();
        for text in sentences(&rules) {
            let mut found = raw_matches(&rules, &text);
            found.sort_unstable();
            assert_eq!(found, every_pattern_searched(&rules, &text), "in {text:?}");
        }
    }

    /// Patterns whose anchors are awkward: shared and nested prefixes, optional and lazy
    /// parts, anchors at both ends of the text, classes too large to list, no word
    /// boundaries, overlapping occurrences.
    const TRICKY_PATTERNS: &str = r#"
id = "X1"
name = "tricky"
description = "Patterns with awkward anchors."
kind = "regex"
signal = "strength"
patterns = [
    '\b(?:wait|waits|waiting)(?: list| lists)?\b',
    '\bnot (?:always|yet)\b[^.]{0,20}\b(?:done|met)\b',
    '(?:abc|abcd)e?',
    '\bpeople\b(?:,? [a-z]+){0,3}? said\b',
    '^however\b',
    '\b(?:good|great)$',
    'x{3,}',
    '(?i:strong)ly\b',
    "\bcan(?:not|'t|’t)\b",
    '\d+ people',
    'ab(?:cab)*c',
]
must_match = ["waiting list"]
"#;

    #[test]
    fn anchored_searches_of_tricky_patterns_find_what_whole_sentence_searches_find() {
        let rules = RuleSet::from_sources([("x.toml".to_string(), TRICKY_PATTERNS)]).unwrap();
        // Both ways of searching are exercised.
        let anchored = rules.anchored_ends.iter().filter(|ends| ends.start).count();
        assert!(
            anchored >= 8 && !rules.searched_whole.is_empty(),
            "{anchored}"
        );
        let words = [
            "wait", "waits", "waiting", "list", "lists", "not", "always", "yet", "done", "met",
            "abc", "abcd", "abcde", "e", "cab", "people", "said", "however", "good", "great",
            "xxxx", "xx", "x", "strongly", "cannot", "can't", "can’t", "12", "3", "the", ",", ".",
            "é",
        ];
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..1 + next(16) {
                // Sometimes glued to the word before, to make overlapping occurrences.
                if !text.is_empty() && next(4) != 0 {
                    text.push(' ');
                }
                text.push_str(words[next(words.len())]);
            }
            let mut found = raw_matches(&rules, &text);
            found.sort_unstable();
            assert_eq!(found, every_pattern_searched(&rules, &text), "in {text:?}");
        }
    }

    #[test]
    fn a_rules_exceptions_compiled_together_hold_where_one_of_them_holds() {
        let rules = RuleSet::builtin().unwrap();
        let texts: Vec<String> = sentences(&rules);
        let mut held_somewhere = 0;
        for rule in rules.rules.iter().filter(|r| !r.unless.is_empty()) {
            let each: Vec<regex::bytes::Regex> = rule
                .unless
                .sources
                .iter()
                .map(|s| regex::bytes::Regex::new(s).unwrap())
                .collect();
            for text in &texts {
                let held = rule.unless.is_match(text);
                assert_eq!(
                    held,
                    each.iter().any(|r| r.is_match(text.as_bytes())),
                    "{} in {text:?}",
                    rule.id
                );
                held_somewhere += usize::from(held);
            }
        }
        assert!(
            held_somewhere >= 50,
            "exceptions held {held_somewhere} times"
        );
    }

    #[test]
    fn nearly_every_pattern_has_anchors() {
        let rules = RuleSet::builtin().unwrap();
        assert!(
            rules.searched_whole.len() * 10 <= rules.patterns.len(),
            "{} of {} patterns are searched in whole sentences",
            rules.searched_whole.len(),
            rules.patterns.len()
        );
    }

    #[test]
    fn rules_with_no_literals_at_all_load_and_tag() {
        // One pattern with no anchors: the literal automaton is built from nothing.
        let source = r#"
id = "X1"
name = "no-literals"
description = "A pattern with no literal at either end."
kind = "regex"
signal = "shortfall"
patterns = ["^\\w{2,4}ed\\b"]
must_match = ["Waited too long."]
must_not_match = ["Nothing here."]
"#;
        let rules = RuleSet::from_sources([("x.toml".to_string(), source)]).unwrap();
        assert!(rules.literals.0.num_states() <= 1, "no literal to find");
        assert_eq!(rules.check_examples().0, Vec::<String>::new());
        let tags = rules.tag("Waited too long.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Shortfall);
    }

    /// A phrases rule's source: `signal` (with `extra` lines such as `theme = ...`), the
    /// phrases as TOML list items, and one example they match.
    fn phrases_rule(id: &str, signal: &str, extra: &str, phrases: &str, example: &str) -> String {
        format!(
            "id = \"{id}\"\nname = \"r{id}\"\ndescription = \"d\"\nkind = \"phrases\"\n\
             signal = \"{signal}\"\n{extra}phrases = [{phrases}]\nmust_match = [\"{example}\"]\n\
             must_not_match = [\"Nothing.\"]\n"
        )
    }

    /// A regex rule of one pattern (a TOML string body), with `extra` keys, and an example
    /// it matches.
    fn regex_rule(id: &str, signal: &str, extra: &str, pattern: &str, example: &str) -> String {
        format!(
            "id = \"{id}\"\nname = \"r{id}\"\ndescription = \"d\"\nkind = \"regex\"\n\
             signal = \"{signal}\"\n{extra}patterns = [\"{pattern}\"]\nmust_match = [\"{example}\"]\n"
        )
    }

    /// A circumstance rule "C1" of one pattern (a TOML string body) and an example it matches.
    fn circumstance_rule(pattern: &str, example: &str) -> String {
        regex_rule("C1", "circumstance", "", pattern, example)
    }

    /// Whether the match of `words` in `text` is inside a circumstance.
    fn in_circumstance(tags: &Tags, text: &str, words: &str) -> bool {
        tags.matches
            .iter()
            .any(|m| m.circumstance && &text[m.start..m.end] == words)
    }

    /// The words of `text` each of the sentence's matches covers, in order.
    fn matched_words<'t>(tags: &Tags, text: &'t str) -> Vec<&'t str> {
        tags.matches.iter().map(|m| &text[m.start..m.end]).collect()
    }

    /// A rule set of these sources, each a file of its own.
    fn rule_set(sources: &[String]) -> RuleSet {
        RuleSet::from_sources(
            sources
                .iter()
                .enumerate()
                .map(|(i, source)| (format!("{i}.toml"), source.as_str())),
        )
        .unwrap()
    }

    /// A negation, a strength cue and a shortfall cue.
    fn negation_rules() -> RuleSet {
        rule_set(&[
            phrases_rule("N1", "negation", "", r#""not", "lack of""#, "not"),
            phrases_rule(
                "S1",
                "strength",
                "",
                r#""timely", "effective", "oversight""#,
                "timely",
            ),
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""did not", "lack of", "waiting", "delays""#,
                "delays",
            ),
        ])
    }

    #[test]
    fn a_negating_shortfall_cue_before_a_shortfall_cue_is_not_mixed() {
        // "did not" is a shortfall cue and holds a negation; counting it as well as the
        // "delays" it turns round made "no delays" mixed.
        let rules = negation_rules();
        for text in ["People did not have delays.", "There was a lack of delays."] {
            let tags = rules.tag(text, &Context::default());
            assert_eq!(tags.polarity, Polarity::Strength, "{text}");
            assert!(tags.matches.iter().any(|m| m.superseded), "{text}");
        }
        // Far from the cue it turns round, the negating cue still counts.
        let tags = rules.tag(
            "People did not have any of the delays.",
            &Context::default(),
        );
        assert!(tags.matches.iter().all(|m| !m.superseded));
    }

    #[test]
    fn a_mask_hides_the_negation_inside_it_and_a_longer_negation_the_cue_inside_it() {
        let rules = rule_set(&[
            phrases_rule(
                "M1",
                "mask",
                "",
                r#""who did not have eligible needs""#,
                "who did not have eligible needs",
            ),
            phrases_rule("N1", "negation", "", r#""not", "did not find any""#, "not"),
            phrases_rule("S1", "strength", "", r#""timely""#, "timely"),
            phrases_rule("F1", "shortfall", "", r#""did not", "delays""#, "delays"),
        ]);
        // The mask's "not" does not reach "timely" in the main clause.
        let tags = rules.tag(
            "People who did not have eligible needs got timely advice.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Strength);
        // "did not find any" is one negation: "did not" is not a shortfall cue of its own.
        let tags = rules.tag(
            "We did not find any evidence of delays.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Strength);
        assert!(tags
            .matches
            .iter()
            .all(|m| m.end - m.start != "did not".len()));
    }

    #[test]
    fn regression_a_cue_that_runs_into_a_mask_is_made_of_its_words() {
        // "a strength" matched in "a strength-based approach": it ends inside the mask.
        let rules = rule_set(&[
            phrases_rule("M1", "mask", "", r#""strength-based""#, "strength-based"),
            phrases_rule("S1", "strength", "", r#""a strength""#, "a strength"),
        ]);
        let tags = rules.tag(
            "The service used a strength-based model.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Neutral);
        assert!(tags.matches.iter().all(|m| rules.rules[m.rule].id != "S1"));
        // A cue that ends where the mask starts, or after it ends, stays.
        let tags = rules.tag(
            "Practice was a strength, and strength-based.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Strength);
    }

    #[test]
    fn regression_a_negation_before_a_set_phrase_is_about_the_phrase() {
        // "no learning disability" names who the finding is about; it does not turn
        // round "fell between" after it.
        let rules = rule_set(&[
            phrases_rule(
                "M1",
                "mask",
                "",
                r#""learning disability""#,
                "learning disability",
            ),
            phrases_rule("N1", "negation", "", r#""no""#, "no"),
            phrases_rule("F1", "shortfall", "", r#""fell between""#, "fell between"),
        ]);
        let text = "People with autism but no learning disability fell between services.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.polarity, Polarity::Shortfall);
        assert!(tags.matches.iter().all(|m| !m.negated));
        // Without the set phrase, the negation turns the cue round as before.
        let tags = rules.tag("No people fell between services.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
    }

    #[test]
    fn a_negated_subject_reaches_its_verb_and_its_own_cue_gives_way_to_it() {
        let rules = rule_set(&[
            phrases_rule("N1", "negation", "", r#""not""#, "not"),
            phrases_rule("N2", "negation", "reach = 10\n", r#""no one""#, "no one"),
            phrases_rule("F1", "shortfall", "", r#""no one", "delays""#, "delays"),
        ]);
        // Five words after the subject: past the four of a plain negation.
        let tags = rules.tag(
            "No one we spoke with had experienced delays.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Strength);
        let tags = rules.tag(
            "It was not the case that people we met had delays.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Shortfall);
        // With no cue of its verb to turn round, the negated subject is the finding.
        let tags = rules.tag("No one had contacted them.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Shortfall);
    }

    #[test]
    fn two_negations_in_a_row_cancel_but_listed_ones_do_not() {
        let rules = rule_set(&[
            phrases_rule(
                "N1",
                "negation",
                "",
                r#""not", "no", "reduced", "little", "without""#,
                "not",
            ),
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""waits", "backlogs", "without a review""#,
                "waits",
            ),
        ]);
        let context = Context::default();
        for (text, expected) in [
            ("The council had reduced waits.", Polarity::Strength),
            // A negation before a cue that holds one ("without") cancels it too.
            (
                "Their care had been reduced without a review.",
                Polarity::Shortfall,
            ),
            (
                "The council had not yet reduced waits.",
                Polarity::Shortfall,
            ),
            ("There were no waits, no backlogs.", Polarity::Strength),
            ("There were little or no waits.", Polarity::Strength),
        ] {
            assert_eq!(rules.tag(text, &context).polarity, expected, "{text}");
        }
    }

    #[test]
    fn a_cue_that_is_not_negatable_is_not_turned_round() {
        let rules = rule_set(&[
            phrases_rule("N1", "negation", "", r#""not""#, "not"),
            phrases_rule("F1", "shortfall", "", r#""for months""#, "for months"),
            phrases_rule(
                "F2",
                "shortfall",
                "negatable = false\n",
                r#""for years""#,
                "for years",
            ),
        ]);
        let context = Context::default();
        // The months are turned round by the "not" before them; the years are not.
        let tags = rules.tag("They had not been seen for months.", &context);
        assert_eq!(tags.polarity, Polarity::Strength);
        let tags = rules.tag("They had not been seen for years.", &context);
        assert_eq!(tags.polarity, Polarity::Shortfall);
    }

    #[test]
    fn a_byte_gap_that_stops_inside_a_character_ends_after_it() {
        // `[^-\w]` is a byte class (see `byte_gaps`): after "well" it takes the first byte
        // of the curly apostrophe, and the match must end after the whole character.
        let rules = rule_set(&[regex_rule(
            "S1",
            "strength",
            "",
            r"\\bmanaged well(?:$|[^-\\w])",
            "It was managed well.",
        )]);
        for text in [
            "It was managed well’s way.",
            "Managed well… and more.",
            "managed well–",
        ] {
            let tags = rules.tag(text, &Context::default());
            assert_eq!(tags.polarity, Polarity::Strength, "{text}");
            for m in &tags.matches {
                assert!(text.is_char_boundary(m.end), "{text}: ends at {}", m.end);
                assert!(text[m.start..m.end]
                    .to_lowercase()
                    .starts_with("managed well"));
            }
        }
    }

    #[test]
    fn a_circumstance_clause_sets_the_scene_and_its_cues_do_not_count() {
        let rules = rule_set(&[
            circumstance_rule("^(?:when|where)\\\\b", "When it rained, ..."),
            phrases_rule("S1", "strength", "", r#""kept informed""#, "kept informed"),
            phrases_rule("F1", "shortfall", "", r#""delays", "waited""#, "delays"),
        ]);
        // The delays are the occasion; being kept informed is the finding.
        let text = "Where there were delays, people were kept informed.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
        assert!(in_circumstance(&tags, text, "delays"));
        // The clause ends at its comma: a cue after it counts.
        let tags = rules.tag("When people called, they waited.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Shortfall);
        // Only at the start of the sentence: "when" later is no circumstance rule match.
        let tags = rules.tag("People waited, when delays were long.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Shortfall);
    }

    /// Regression: "where people lacked capacity, best interests decisions were not always
    /// recorded" was a strength, "lacked" turning round "not always" past the comma.
    /// Regression: with "reduce" a negation ("helped reduce waiting times"), "work to
    /// reduce the backlog had been slow" was a strength, the goal's own word turning round
    /// the verdict on the work; and "not given information, so they did not know" was
    /// mixed, the negation reaching into the consequence.
    #[test]
    fn regression_a_negation_in_a_goal_or_before_a_consequence_stays_there() {
        let rules = rule_set(&[
            phrases_rule("N1", "negation", "", r#""reduce", "not""#, "not"),
            phrases_rule("G1", "goal", "", r#""to reduce""#, "to reduce"),
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""slow", "waits", "did not know""#,
                "slow",
            ),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        assert_eq!(
            polarity("Work to reduce waits had been slow."),
            Polarity::Shortfall
        );
        assert_eq!(
            polarity("The model helped reduce waits."),
            Polarity::Strength
        );
        assert_eq!(
            polarity("People were not given information, so they did not know."),
            Polarity::Shortfall
        );
    }

    /// Regression: "leaders could not explain why waits were long" was a strength.
    #[test]
    fn regression_a_negation_does_not_turn_round_the_problem_a_verb_examines() {
        // "The local authority had not analysed inequalities in access to care" was a
        // strength: "not" turned round "inequalities", the object of "analysed".
        let rules = rule_set(&[
            phrases_rule("N1", "negation", "", r#""not""#, "not"),
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""inequalities", "delays""#,
                "delays",
            ),
            phrases_rule("S1", "strength", "", r#""promptly""#, "promptly"),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        assert_eq!(
            polarity("The council had not analysed inequalities in access."),
            Polarity::Shortfall
        );
        // Without such a verb the negation turns the problem round ...
        assert_eq!(polarity("There were not delays."), Polarity::Strength);
        // ... and a strength after the verb is how it was done, not what was examined.
        assert_eq!(
            polarity("People were not assessed promptly."),
            Polarity::Shortfall
        );
    }

    #[test]
    fn regression_a_negation_does_not_turn_round_a_question_it_takes() {
        let rules = rule_set(&[
            phrases_rule("N1", "negation", "", r#""not""#, "not"),
            phrases_rule("F1", "shortfall", "", r#""could not", "long""#, "long"),
        ]);
        let tags = rules.tag(
            "Leaders could not explain why waits were long.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Shortfall);
        assert!(tags.matches.iter().all(|m| !m.negated));
        let tags = rules.tag("Waits were not long.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
    }

    #[test]
    fn regression_a_negation_in_a_circumstance_does_not_reach_out_of_it() {
        let rules = rule_set(&[
            circumstance_rule("^(?:when|where)\\\\b", "When it rained, ..."),
            phrases_rule("N1", "negation", "", r#""lacked""#, "lacked"),
            phrases_rule("F1", "shortfall", "", r#""not always""#, "not always"),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        assert_eq!(
            polarity("Where people lacked capacity, decisions were not always recorded."),
            Polarity::Shortfall
        );
        // Outside a circumstance the same words are in reach.
        assert_eq!(
            polarity("People lacked capacity, not always recorded."),
            Polarity::Strength
        );
    }

    /// Regression: "communication with people while they waited was poor" was neutral, the
    /// circumstance running on to the end of the sentence and hiding "poor".
    #[test]
    fn a_circumstance_inside_the_subject_ends_at_the_sentence_s_verb() {
        let rules = rule_set(&[
            circumstance_rule("\\\\bwhile they waited\\\\b", "while they waited"),
            phrases_rule("F1", "shortfall", "", r#""poor", "waited""#, "poor"),
        ]);
        let text = "Communication with people while they waited was poor.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.polarity, Polarity::Shortfall);
        assert!(in_circumstance(&tags, text, "waited"));
        // With no verb straight after it, the circumstance runs to its clause's end.
        let text = "Staff called while they waited poor weeks.";
        let tags = rules.tag(text, &Context::default());
        assert!(in_circumstance(&tags, text, "poor"));
    }

    #[test]
    fn regression_a_circumstance_that_ends_with_its_subject_keeps_its_own_verb() {
        // "if they were unable to" is the circumstance's verb, not the sentence's: the
        // circumstance runs to the end of its clause.
        let rules = rule_set(&[
            circumstance_rule(r"\\bin case (?:they|there)\\b", "in case they"),
            phrases_rule("F1", "shortfall", "", r#""unable to""#, "unable to"),
            phrases_rule(
                "S1",
                "strength",
                "",
                r#""contingency plans in place""#,
                "contingency plans in place",
            ),
        ]);
        let text = "Carers had contingency plans in place in case they were unable to cope.";
        let tags = rules.tag(text, &Context::default());
        assert!(in_circumstance(&tags, text, "unable to"));
        assert_eq!(tags.polarity, Polarity::Strength);
    }

    #[test]
    fn a_mask_hides_the_goal_inside_it() {
        let rules = rule_set(&[
            phrases_rule(
                "M1",
                "mask",
                "",
                r#""as they would like""#,
                "as they would like",
            ),
            phrases_rule("G1", "goal", "", r#""would""#, "would"),
            phrases_rule("S1", "strength", "", r#""higher than""#, "higher than"),
        ]);
        // "would" in "as they would like" is no aim: the comparison after it is a finding.
        let text = "People had as much contact as they would like, higher than average.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
        // The same goal outside the mask still makes an aim of what follows it.
        let tags = rules.tag(
            "Leaders would make it higher than average.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Neutral);
    }

    #[test]
    fn a_passing_theme_word_inside_a_longer_one_is_one_mention() {
        // Regression: "partner" and "partner organisations" (both passing mentions, 0.5
        // each) made "Wellbeing was embedded in the local authority and partner
        // organisations' approach" a partnerships finding.
        let passing = "theme = \"partnerships_integration\"\nweight = 0.5\n";
        let rules = rule_set(&[
            phrases_rule(
                "T1",
                "theme",
                passing,
                r#""partner", "partner organisations", "jointly""#,
                "partner",
            ),
            phrases_rule(
                "T2",
                "theme",
                "theme = \"waiting_delays\"\n",
                r#""timeliness""#,
                "timeliness",
            ),
            phrases_rule(
                "T3",
                "theme",
                "theme = \"waiting_delays\"\nweight = 0.5\n",
                r#""timeliness of""#,
                "timeliness of",
            ),
        ]);
        let themes = |text: &str| rules.tag(text, &Context::default()).themes;
        assert!(themes("It was embedded in the partner organisations' approach.").is_empty());
        // Two mentions on different words still make the theme.
        assert_eq!(
            themes("Partner organisations worked jointly."),
            vec!["partnerships_integration"]
        );
        // A specific word inside a longer passing one keeps its weight.
        assert_eq!(
            themes("People described the timeliness of assessments."),
            vec!["waiting_delays"]
        );
    }

    #[test]
    fn two_strength_cues_on_the_same_words_count_once_against_a_comparator() {
        // Regression: "outcomes were met" was a positive judgement (S101) and a thing done
        // well (S109), and the two outweighed the figure worse than its comparator, so
        // "The proportion of people whose outcomes were met was 80%, lower than the
        // England average" was mixed.
        let rules = rule_set(&[
            phrases_rule(
                "S1",
                "strength",
                "",
                r#""outcomes were met""#,
                "outcomes were met",
            ),
            phrases_rule(
                "S2",
                "strength",
                "",
                r#""outcomes were met""#,
                "outcomes were met",
            ),
            phrases_rule(
                "F1",
                "shortfall",
                "weight = 1.5\n",
                r#""lower than the England average""#,
                "lower than the England average",
            ),
        ]);
        let text = "The proportion of people whose outcomes were met was 80%, lower than the England average.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.polarity, Polarity::Shortfall);
        let strength_cues = tags
            .matches
            .iter()
            .filter(|m| rules.rules[m.rule].signal == Signal::Strength);
        assert_eq!(
            strength_cues.count(),
            1,
            "one of the two same-span cues stands"
        );
        // Cues on different words each stand.
        let tags = rules.tag(
            "Outcomes were met, and outcomes were met again.",
            &Context::default(),
        );
        let strength_cues = tags
            .matches
            .iter()
            .filter(|m| rules.rules[m.rule].signal == Signal::Strength);
        assert_eq!(strength_cues.count(), 2);
    }

    #[test]
    fn a_negation_does_not_reach_into_a_comment_after_which() {
        let rules = rule_set(&[
            phrases_rule("N1", "negation", "", r#""no longer""#, "no longer"),
            phrases_rule("S1", "strength", "", r#""better than""#, "better than"),
        ]);
        // "better than" is three words after "no longer", but in the comment on the figure.
        let tags = rules.tag(
            "People no longer required support, which was better than average.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Strength);
        let tags = rules.tag(
            "People no longer required support better than average.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Shortfall);
    }

    #[test]
    fn regression_a_negated_subject_does_not_reach_past_a_comma_into_a_pronouns_clause() {
        // "Nobody called us back, we had to chase for weeks" was a strength: "nobody"
        // turned round "had to chase", the cue of the next clause.
        let rules = rule_set(&[
            phrases_rule("N1", "negation", "reach = 10\n", r#""nobody""#, "nobody"),
            phrases_rule("F1", "shortfall", "", r#""had to chase""#, "had to chase"),
        ]);
        for text in [
            "Nobody called us back, we had to chase for weeks.",
            "Nobody called us back, they had to chase for weeks.",
            "Nobody calls back, you had to chase for weeks.",
        ] {
            assert_eq!(
                rules.tag(text, &Context::default()).polarity,
                Polarity::Shortfall,
                "{text}"
            );
        }
        // Within its own clause it still turns the cue of its verb round.
        let tags = rules.tag("Nobody we spoke with had to chase.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
    }

    #[test]
    fn a_negation_turns_round_its_first_cue_and_those_listed_with_it() {
        let rules = negation_rules();
        let tags = rules.tag(
            "There was a lack of oversight of people waiting.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Shortfall);
        let negated: Vec<&str> = tags
            .matches
            .iter()
            .filter(|m| m.negated)
            .map(|m| &"there was a lack of oversight of people waiting."[m.start..m.end])
            .collect();
        assert_eq!(negated, ["oversight"]);
        let text = "People did not get timely or effective support.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.matches.iter().filter(|m| m.negated).count(), 2);
        assert_eq!(tags.polarity, Polarity::Shortfall);
        // A cue of the other kind after the list is not turned round.
        let tags = rules.tag(
            "People did not get timely support, and delays",
            &Context::default(),
        );
        assert!(tags
            .matches
            .iter()
            .any(|m| !m.negated && m.end - m.start == "delays".len()));
    }

    /// The clauses a rule set cuts a sentence into.
    fn clauses_of(rules: &RuleSet, text: &str) -> Vec<(usize, usize)> {
        let lowered = text.to_ascii_lowercase();
        let mut scratch = SentenceScratch::default();
        rules.raw_matches(&lowered, &mut SearchScratch::default(), &mut scratch.raw);
        rules.clauses(text, &lowered, &mut scratch);
        scratch.clauses
    }

    /// Each of `texts` is one clause.
    fn assert_one_clause(rules: &RuleSet, texts: &[&str]) {
        for text in texts {
            assert_eq!(clauses_of(rules, text), [(0, text.len())], "{text}");
        }
    }

    #[test]
    fn regression_a_stop_inside_a_sentence_starts_a_clause_of_its_own() {
        let rules = rule_set(&[phrases_rule("S1", "strength", "", r#""worked""#, "worked")]);
        let text = "Options were called ‘Better Care Medway.’ Not all of it worked.";
        let not = text.find("Not").unwrap();
        assert_eq!(clauses_of(&rules, text), [(0, not), (not, text.len())]);
        // Abbreviations and stops before lowercase words cut nothing.
        assert_one_clause(
            &rules,
            &[
                "Services, e.g. The Hub, worked.",
                "It ran at St. Helens and worked.",
                "A figure of 4.5 worked.",
                "It was called ‘Care.’ and worked.",
            ],
        );
    }

    #[test]
    fn a_conceded_clause_ends_at_its_comma_and_a_contrast_cuts_only_where_it_stands() {
        let openers = |signal: &str| {
            rule_set(&[phrases_rule(
                "C1",
                signal,
                "",
                r#""although", "but""#,
                "although",
            )])
        };
        let text = "Although there were delays, it worked well, but not for carers.";
        let comma = text.find(", ").unwrap() + 1;
        let but = text.find("but").unwrap();
        assert_eq!(
            clauses_of(&openers("concession"), text),
            [(0, comma), (comma, but), (but, text.len())]
        );
        // A contrast cuts where it stands, and opening the sentence it also ends its own
        // clause at the comma.
        assert_eq!(
            clauses_of(&openers("contrast"), text),
            [(0, comma), (comma, but), (but, text.len())]
        );
        let text = "It worked well, although there were delays, but not for carers.";
        let although = text.find("although").unwrap();
        let but = text.find("but").unwrap();
        assert_eq!(
            clauses_of(&openers("contrast"), text),
            [(0, although), (although, but), (but, text.len())]
        );
        let text = "But, in the end, it worked well.";
        assert_eq!(clauses_of(&openers("contrast"), text), [(0, text.len())]);
        // With no comma, "there was" ends the conceded clause.
        let text = "Whilst waits were long there was support for people waiting.";
        let rules = rule_set(&[phrases_rule(
            "C1",
            "concession",
            "",
            r#""whilst""#,
            "whilst",
        )]);
        let there = text.find(" there").unwrap() + 1;
        assert_eq!(clauses_of(&rules, text), [(0, there), (there, text.len())]);
    }

    #[test]
    fn an_and_inside_a_set_phrase_opens_no_clause() {
        // "care and support was" is one subject: the "and" is the set phrase's own.
        let rules = rule_set(&[
            phrases_rule("C1", "contrast", "", r#""and support""#, "and support"),
            phrases_rule(
                "M1",
                "mask",
                "",
                r#""care and support""#,
                "care and support",
            ),
        ]);
        assert_one_clause(
            &rules,
            &["People who were satisfied with their care and support was lower."],
        );
        // Without the set phrase the same words are cut.
        let text = "People were satisfied with it and support was lower.";
        let cut = text.find("and support").unwrap();
        assert_eq!(clauses_of(&rules, text), [(0, cut), (cut, text.len())]);
    }

    #[test]
    fn regression_and_between_the_parts_of_one_subject_opens_no_clause() {
        // "Few people and carers felt listened to" was cut at "and carers felt" (and read
        // as mixed): with no verb before it, "and" joins two parts of one subject.
        let rules = rule_set(&[
            phrases_rule(
                "C1",
                "contrast",
                "",
                r#""and carers", "and this", "and other", "and others", "and some", "and there""#,
                "and carers",
            ),
            phrases_rule("G1", "goal", "", r#""to ensure""#, "to ensure"),
        ]);
        let cut_at = |text: &str, at: &str| {
            let cut = text.find(at).unwrap();
            vec![(0, cut), (cut, text.len())]
        };
        assert_one_clause(
            &rules,
            &[
                "Few people and carers felt listened to.",
                // A negation before it may be the verb "and" joins two subjects under.
                "People did not feel staff and carers were listened to.",
                // Nor after a goal, which it may go on with, or after the items of a list.
                "Work was needed to ensure records were complete, and this recording was reviewed.",
                "Risk management, mental capacity, safeguarding, and other issues were discussed.",
            ],
        );
        let text = "Staff knew people well and carers felt listened to.";
        assert_eq!(clauses_of(&rules, text), cut_at(text, "and carers"));
        // After a comma, a negation before it belongs to the clause it ends.
        let text = "Reviews were not timely, and this was a risk.";
        assert_eq!(clauses_of(&rules, text), cut_at(text, "and this"));
        // "and others", "and some" set one group against another, verb or none.
        let text = "With some finding it easy and others struggling.";
        assert_eq!(clauses_of(&rules, text), cut_at(text, "and others"));
        // "and there was" opens a clause of its own, after a negation too.
        let text = "There was no plan and there was no money.";
        assert_eq!(clauses_of(&rules, text), cut_at(text, "and there"));
    }

    #[test]
    fn regression_and_after_a_goal_that_takes_a_thing_to_do_opens_a_clause() {
        // "trained in how to address their needs and waiting times had reduced" was one
        // clause, the improvement read as part of the aim (neutral): "address" takes a
        // thing to do, not a clause that "and" could go on with, as "ensure" does.
        let rules = rule_set(&[
            phrases_rule(
                "C1",
                "contrast",
                "",
                r#""and waiting times", "and this""#,
                "and this",
            ),
            phrases_rule(
                "G1",
                "goal",
                "",
                r#""to ensure", "to address""#,
                "to ensure",
            ),
            phrases_rule("S1", "strength", "", r#""had reduced""#, "had reduced"),
        ]);
        let text = "Teams were trained to address needs and waiting times had reduced.";
        let cut = text.find("and waiting").unwrap();
        assert_eq!(clauses_of(&rules, text), [(0, cut), (cut, text.len())]);
        assert_eq!(
            rules.tag(text, &Context::default()).polarity,
            Polarity::Strength
        );
        assert_one_clause(
            &rules,
            &["Work was needed to ensure records were complete, and this recording was reviewed."],
        );
    }

    #[test]
    fn regression_a_pattern_across_a_contrast_that_opens_with_its_comma_is_no_cue() {
        // "Carers found it difficult to get support, and satisfaction was lower than the
        // England average" was a strength: a pattern read "difficult ... lower than" as one
        // measure across ", and satisfaction was", a contrast whose match opens with the
        // comma, which the check for a comma before the cut missed.
        let rules = rule_set(&[
            regex_rule(
                "C1",
                "contrast",
                "",
                r", and satisfaction was\\b",
                ", and satisfaction was",
            ),
            regex_rule(
                "S1",
                "strength",
                "",
                r"\\bdifficult[^.]*?lower than average\\b",
                "difficult, lower than average",
            ),
            phrases_rule("F1", "shortfall", "", r#""difficult""#, "difficult"),
        ]);
        let text =
            "Carers found it difficult to get support, and satisfaction was lower than average.";
        let tags = rules.tag(text, &Context::default());
        assert!(tags.matches.iter().all(|m| rules.rules[m.rule].id != "S1"));
        assert_eq!(tags.polarity, Polarity::Shortfall);
    }

    #[test]
    fn regression_a_cue_read_across_and_with_no_comma_belongs_to_the_clause_after_it() {
        // "worked to reduce delays and waiting times were falling": the pattern read
        // "delays and waiting times" as the subject of "were falling", so the cue began
        // inside the goal's clause and was read as part of the aim (neutral).
        let rules = rule_set(&[
            phrases_rule(
                "C1",
                "contrast",
                "",
                r#""and waiting times""#,
                "and waiting times",
            ),
            phrases_rule("G1", "goal", "", r#""to reduce""#, "to reduce"),
            regex_rule(
                "S1",
                "strength",
                "",
                r"\\b(?:delays and )?waiting times were falling\\b",
                "waiting times were falling",
            ),
        ]);
        let text = "The team worked to reduce delays and waiting times were falling.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
        let cue = tags.matches.iter().find(|m| rules.rules[m.rule].id == "S1");
        assert_eq!(cue.map(|m| m.start), text.find("and waiting"));
    }

    #[test]
    fn a_mixed_verdict_makes_its_clause_mixed_whatever_else_it_holds() {
        let rules = rule_set(&[
            phrases_rule("M1", "mixed", "", r#""were mixed""#, "were mixed"),
            phrases_rule("S1", "strength", "", r#""easy""#, "easy"),
            phrases_rule("F1", "shortfall", "", r#""waiting", "delays""#, "delays"),
        ]);
        let text = "Experiences were mixed, some found it easy, others were waiting with delays.";
        let tags = rules.tag(text, &Context::default());
        assert_eq!(tags.polarity, Polarity::Mixed);
        // Without the verdict the larger side wins.
        let tags = rules.tag(
            "Some found it easy, others were waiting with delays.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Shortfall);
    }

    #[test]
    fn a_figure_reads_against_its_comparator_beyond_the_margin() {
        let figure_rule = |id: &str, better: &str| {
            format!(
                "id = \"{id}\"\nname = \"f\"\ndescription = \"d\"\nkind = \"regex\"\n\
                 signal = \"figure\"\nbetter = \"{better}\"\nmargin = 1.0\n\
                 patterns = ['(?<value>\\d+(?:\\.\\d+)?)% {id} \\(average (?<comparator>\\d+(?:\\.\\d+)?)%\\)']\n\
                 must_match = [\"60% {id} (average 50%)\"]\n"
            )
        };
        let rules = rule_set(&[figure_rule("up", "higher"), figure_rule("down", "lower")]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        assert_eq!(polarity("60% up (average 50%)."), Polarity::Strength);
        assert_eq!(polarity("40% up (average 50%)."), Polarity::Shortfall);
        assert_eq!(polarity("50.5% up (average 50%)."), Polarity::Neutral);
        assert_eq!(polarity("60% down (average 50%)."), Polarity::Shortfall);
        assert_eq!(polarity("40% down (average 50%)."), Polarity::Strength);
        let tags = rules.tag("60% up (average 50%).", &Context::default());
        assert_eq!(tags.matches[0].reading, Some(Polarity::Strength));
    }

    /// "understood", a strength cue that takes an object, and shortfall cues (`phrases`,
    /// the first of them its `example`) for it to be about.
    fn understood_and(phrases: &str, example: &str) -> RuleSet {
        rule_set(&[
            phrases_rule(
                "S1",
                "strength",
                "takes_object = true\n",
                r#""understood""#,
                "understood",
            ),
            phrases_rule("F1", "shortfall", "", phrases, example),
        ])
    }

    #[test]
    fn regression_an_object_holding_the_examples_opener_does_not_panic() {
        // An object whose own words hold "including" sliced the text backwards.
        let rules = understood_and(r#""gaps including all", "delays""#, "delays");
        let tags = rules.tag(
            "Leaders understood the gaps including all the many long delays.",
            &Context::default(),
        );
        assert!(tags.matches.iter().any(|m| m.object));
    }

    #[test]
    fn a_cue_right_after_one_that_takes_an_object_is_what_it_is_about() {
        let rules = understood_and(r#""gaps", "delays", "waited""#, "gaps");
        let tags = |text: &str| rules.tag(text, &Context::default());
        for text in [
            "Leaders understood the gaps in provision.",
            "Leaders understood the risks, gaps and delays.",
            "Leaders understood the main risks and delays.",
            "Leaders understood its care market and its gaps.",
            "Leaders understood tackling delays as their main task.",
            "Leaders understood what still delays assessments.",
            // A cue of the object's kind a few words on is still the object.
            "Leaders understood the delays people waited.",
            // A question about the object: its subject and verb stand before the cue.
            "Leaders understood the areas where provision had gaps.",
            "Leaders understood its market, including areas where provision had gaps.",
            "Leaders understood the risks associated with delays.",
            // An example of the object has words of its own before the cue, and the
            // examples listed after it are the object too.
            "Leaders understood the challenges, including long delays.",
            "Leaders understood the issues, such as delays in reviews and gaps in provision.",
            "Leaders understood the risks in the local care market, such as the gaps.",
            "Leaders understood the delays facing the service, including rising costs, gaps and waits.",
        ] {
            assert_eq!(tags(text).polarity, Polarity::Strength, "{text}");
            assert!(tags(text).matches.iter().any(|m| m.object), "{text}");
        }
        // A new clause, or words that are not a link, end the object.
        for text in [
            "Leaders understood the risks, and delays were growing.",
            "Leaders understood that there were gaps.",
            "Leaders understood the areas, where provision had gaps.",
            "Leaders understood the plan and staff said where there were gaps.",
        ] {
            assert!(tags(text).matches.iter().all(|m| !m.object), "{text}");
        }
        // ...but not past a verb or a contrast.
        for text in [
            "Leaders understood the gaps but delays grew.",
            "Leaders understood the gaps that were delays.",
            "Leaders understood the issues, such as gaps, and had reduced delays.",
            "Leaders understood the issues, such as gaps in reviews that caused delays.",
        ] {
            let tags = tags(text);
            let delays = tags
                .matches
                .iter()
                .find(|m| &text[m.start..m.end] == "delays");
            assert!(!delays.unwrap().object, "{text}");
        }
    }

    #[test]
    fn phrases_match_their_contractions_and_unhyphenated_forms() {
        let rules = rule_set(&[
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""not always", "did not know""#,
                "x",
            ),
            phrases_rule("N1", "negation", "", r#""not""#, "not"),
            phrases_rule("S1", "strength", "", r#""responsive""#, "responsive"),
        ]);
        let rules_with_hyphen = rule_set(&[phrases_rule(
            "S1",
            "strength",
            "",
            r#""person-centred""#,
            "person-centred",
        )]);
        let tags = rules_with_hyphen.tag("Plans were person centred.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
        for text in [
            "Staff weren't always responsive.",
            "Staff weren’t always responsive.",
            "People didn't know who to call.",
            "Staff were not responsive.",
            "Staff weren't responsive.",
        ] {
            let tags = rules.tag(text, &Context::default());
            assert_eq!(tags.polarity, Polarity::Shortfall, "{text}");
        }
    }

    /// A reversal ("this was not the case"), a strength cue ("worked well") and `other`.
    fn reversal_rules_and(other: String) -> Vec<String> {
        vec![
            phrases_rule(
                "R1",
                "reversal",
                "",
                r#""this was not the case""#,
                "However, this was not the case.",
            ),
            phrases_rule("S1", "strength", "", r#""worked well""#, "It worked well."),
            other,
        ]
    }

    #[test]
    fn a_reversal_takes_the_opposite_of_the_previous_polarity_and_its_themes() {
        let rules = rule_set(&reversal_rules_and(phrases_rule(
            "T1",
            "theme",
            "theme = \"access_information\"\n",
            r#""front door""#,
            "The front door.",
        )));
        let before = rules.tag("The front door worked well.", &Context::default());
        assert_eq!(before.polarity, Polarity::Strength);
        let after = Context {
            previous: Some(&before),
            page: None,
        };
        let tags = rules.tag("However, this was not the case out of hours.", &after);
        assert_eq!(tags.polarity, Polarity::Shortfall);
        assert_eq!(tags.themes, ["access_information"]);
        // With a cue of its own, the sentence is judged by it.
        let tags = rules.tag("This was not the case, and it worked well.", &after);
        assert_eq!(tags.polarity, Polarity::Strength);
        // With nothing before it, it is neutral.
        let tags = rules.tag("This was not the case.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Neutral);
    }

    #[test]
    fn a_reversal_in_a_clause_of_its_own_takes_the_opposite_of_the_clause_before() {
        let rules = rule_set(&reversal_rules_and(phrases_rule(
            "C1",
            "contrast",
            "",
            r#""but", "however""#,
            "but",
        )));
        for text in [
            "The front door worked well, but this was not the case out of hours.",
            "The front door worked well; however, this was not the case out of hours.",
        ] {
            let tags = rules.tag(text, &Context::default());
            assert_eq!(tags.polarity, Polarity::Mixed, "{text}");
        }
        // With a cue of its own, its clause is judged by that cue.
        let tags = rules.tag(
            "The front door worked well, but this was not the case and it worked well.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Strength);
    }

    #[test]
    fn a_cue_word_in_a_name_is_not_a_judgement() {
        use super::in_name;
        let at = |sentence: &str, word: &str| {
            let start = sentence.find(word).unwrap();
            in_name(sentence, start, start + word.len())
        };
        assert!(at("The Good Lives team was set up.", "Good"));
        assert!(at("It funded Safe and Well visits.", "Safe"));
        assert!(at("It funded Safe and Well visits.", "Well"));
        assert!(!at("Staff were Safe and happy.", "Safe"));
        assert!(at("The Safe Haven offered a place to go.", "Safe"));
        assert!(at("Staff at Good Hope Hospital said so.", "Good"));
        // Capitals that open the sentence, and ratings among lowercase words, are not names.
        assert!(!at("Good partnership working was evident.", "Good"));
        assert!(!at("‘Good Lives’ was set up.", "Good"));
        assert!(!at("Care homes rated Good or Outstanding.", "Good"));
        assert!(!at("Care homes rated Good or Outstanding.", "Outstanding"));
        assert!(!at(
            "Two homes were rated Requires Improvement by CQC.",
            "Requires Improvement"
        ));
        assert!(!at("Staff were skilled.", "skilled"));
    }

    /// "Bristol City Council worked with partners ..." was neutral where "The local
    /// authority worked with partners ..." was a strength: the cue "council worked with"
    /// opened on the name's last word and was taken for words of the name.
    #[test]
    fn regression_a_cue_that_runs_on_past_a_name_is_not_part_of_it() {
        use super::in_name;
        let at = |sentence: &str, words: &str| {
            let start = sentence.find(words).unwrap();
            in_name(sentence, start, start + words.len())
        };
        assert!(!at(
            "Bristol City Council worked with partners.",
            "Council worked with"
        ));
        // A cue that stays inside the name is still the name's.
        assert!(at("Staff at Good Hope Hospital said so.", "Good"));
        assert!(at("It funded Safe and Well visits.", "Safe"));
    }

    #[test]
    fn regression_a_name_does_not_run_on_over_a_full_stop_inside_the_sentence() {
        use super::in_name;
        let sentence =
            "Options were called ‘Better Care Medway.’ Not all the website was accessible.";
        let start = sentence.find("Not all").unwrap();
        assert!(!in_name(sentence, start, start + "Not all".len()));
        let sentence = "It was run in Leeds, Good practice was seen.";
        let start = sentence.find("Good").unwrap();
        assert!(!in_name(sentence, start, start + "Good".len()));
    }

    #[test]
    fn a_cue_inside_a_goal_is_part_of_the_aim() {
        let rules = rule_set(&[
            phrases_rule("G1", "goal", "", r#""to understand""#, "to understand"),
            phrases_rule("S1", "strength", "", r#""understand""#, "understand"),
        ]);
        let tags = rules.tag(
            "Projects were run to understand the market.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Neutral);
        assert!(tags.matches.iter().any(|m| m.aim));
        let tags = rules.tag("Leaders understand the market.", &Context::default());
        assert_eq!(tags.polarity, Polarity::Strength);
    }

    #[test]
    fn regression_a_goal_in_the_subject_ends_at_the_sentence_s_verb() {
        let rules = rule_set(&[
            phrases_rule(
                "G1",
                "goal",
                "",
                r#""to support", "plans to", "to reduce", "progress in reducing""#,
                "to support",
            ),
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""limited", "poor", "slow""#,
                "limited",
            ),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        // The verb after the goal judges the subject the goal sits in.
        assert_eq!(
            polarity("Plans to support carers were limited."),
            Polarity::Shortfall
        );
        assert_eq!(
            polarity("Work to reduce waits had been limited."),
            Polarity::Shortfall
        );
        // So does what progress was made in, after a contrast too.
        assert_eq!(
            polarity("Progress in reducing waits had been slow."),
            Polarity::Shortfall
        );
        assert_eq!(
            polarity("But plans to support carers were limited."),
            Polarity::Shortfall
        );
        assert_eq!(
            polarity("The council made progress in reducing waits which were limited."),
            Polarity::Neutral
        );
        // "To support" that names the support is no goal.
        assert_eq!(polarity("Access to support was poor."), Polarity::Shortfall);
        assert_eq!(
            polarity("People described access to support as poor."),
            Polarity::Shortfall
        );
        // After the sentence's verb, or after a verb of intention, the goal runs on.
        assert_eq!(
            polarity("Staff worked to support carers who were poor."),
            Polarity::Neutral
        );
        assert_eq!(
            polarity("The council planned to support carers who were poor."),
            Polarity::Neutral
        );
        // The verb of a relative clause in the subject is not the sentence's.
        assert_eq!(
            polarity("Its plans to support carers who were poor had been agreed."),
            Polarity::Neutral
        );
    }

    /// "In addition, national data from the Adult Social Care Survey showed 80.78% of
    /// people felt they had control ..." was a strength where the sentence without "In
    /// addition," was neutral: the figure's pattern opens at the sentence's start. So were
    /// the same sentence after "Overall,", "At the time of our assessment," or a year.
    #[test]
    fn regression_an_opener_that_judges_nothing_does_not_stop_a_pattern_at_the_sentence_start() {
        let rules = rule_set(&[
            regex_rule(
                "N1",
                "neutral",
                "weight = 3\n",
                "^national data showed",
                "National data showed it.",
            ),
            phrases_rule("S1", "strength", "", r#""control""#, "control"),
        ]);
        let tags = |text: &str| rules.tag(text, &Context::default());
        for opener in [
            "",
            "In addition, ",
            "Furthermore, ",
            "Also, ",
            "Overall, ",
            "Generally, ",
            "On the whole, ",
            "At the time of our assessment, ",
            "In 2024, ",
            "In 2023/24, ",
            "In 2023-2024, ",
        ] {
            let text = format!("{opener}national data showed 80% had control.");
            let tagged = tags(&text);
            assert_eq!(tagged.polarity, Polarity::Neutral, "{text}");
            let spans = matched_words(&tagged, &text);
            assert_eq!(spans, ["national data showed", "control"], "{text}");
        }
        // "However," is a contrast, not a link: it stays; so does what only looks like a
        // year.
        for opener in ["However, ", "In 20245, ", "In 2023/2, ", "In 2024 "] {
            assert_eq!(
                tags(&format!("{opener}national data showed 80% had control.")).polarity,
                Polarity::Strength,
                "{opener}"
            );
        }
    }

    /// "One carer said they felt \"invisible\" to the local authority" was neutral: the
    /// quote marks broke the phrase "felt invisible".
    #[test]
    fn regression_quote_marks_round_words_do_not_break_a_phrase() {
        let rules = rule_set(&[
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""felt invisible""#,
                "felt invisible",
            ),
            phrases_rule(
                "S1",
                "strength",
                "",
                r#""above and beyond""#,
                "above and beyond",
            ),
        ]);
        for (text, polarity, cue) in [
            (
                "One carer said they felt \"invisible\" to the council.",
                Polarity::Shortfall,
                "felt \"invisible",
            ),
            (
                "A person said their carer \u{201C}went above and beyond\u{201D}.",
                Polarity::Strength,
                "above and beyond",
            ),
            (
                "Also, staff were \u{201C}above and beyond\u{201D} in \"every\" way.",
                Polarity::Strength,
                "above and beyond",
            ),
        ] {
            let tags = rules.tag(text, &Context::default());
            assert_eq!(tags.polarity, polarity, "{text}");
            let spans = matched_words(&tags, text);
            assert_eq!(spans, [cue], "{text}");
        }
    }

    /// "The online portal was being introduced to adult social care (ASC) staff" named no
    /// workforce: the bracketed acronym broke the phrase "adult social care staff".
    #[test]
    fn regression_a_bracketed_acronym_does_not_break_a_phrase() {
        let rules = rule_set(&[phrases_rule(
            "T1",
            "theme",
            "theme = \"workforce\"\n",
            r#""adult social care staff""#,
            "adult social care staff",
        )]);
        for (text, words) in [
            (
                "The portal was introduced to adult social care (ASC) staff.",
                vec!["adult social care (ASC) staff"],
            ),
            (
                "It was introduced to adult social care (DoLS2) staff.",
                vec!["adult social care (DoLS2) staff"],
            ),
            // An opener's cut and the acronym's overlap (its last space is the one before
            // the bracket): this panicked before overlapping cuts were made one.
            (
                "In 2024, (ASC) adult social care staff were trained.",
                vec!["adult social care staff"],
            ),
            // Not an acronym: words, a year, one capital, or no space before the bracket.
            (
                "It was introduced to adult social care (see below) staff.",
                vec![],
            ),
            (
                "It was introduced to adult social care (2023) staff.",
                vec![],
            ),
            (
                "It was introduced to adult social care (Asc) staff.",
                vec![],
            ),
            ("It was introduced to adult social care(ASC) staff.", vec![]),
        ] {
            let tags = rules.tag(text, &Context::default());
            assert_eq!(matched_words(&tags, text), words, "{text}");
        }
        // Brackets that never close are looked at a few bytes on, not to the end of the
        // sentence (a search to the end from each would be quadratic in its length).
        let unclosed = format!("adult social care {}staff", " (AS".repeat(50_000));
        assert!(rules.tag(&unclosed, &Context::default()).matches.is_empty());
    }

    /// `findings analyse` panicked on "Also, it highlighted further development of care
    /// providers was needed" on the needs page: the theme the page implies (no span, 0..0)
    /// was moved past the opener as if it were a match in the sentence, to 6..0.
    #[test]
    fn regression_a_shortened_sentence_keeps_every_match_a_span_of_it() {
        let rules = RuleSet::builtin().unwrap();
        // The second panicked too: a hedge taken out before an "also" taken out, the cuts
        // out of order.
        for text in [
            "Also, it highlighted further development of care providers was also needed.",
            "Staff were generally aware of a programme of training but were also offered \"more\".",
        ] {
            for page in [None, Some("needs"), Some("safeguarding")] {
                let tags = rules.tag(
                    text,
                    &Context {
                        previous: None,
                        page,
                    },
                );
                assert!(!tags.matches.is_empty());
                for m in &tags.matches {
                    assert!(m.start <= m.end && m.end <= text.len(), "{page:?} {m:?}");
                    assert!(text.get(m.start..m.end).is_some(), "{page:?} {m:?}");
                }
            }
        }
    }

    /// "The experiences of unpaid carers were generally improving" was no improvement: the
    /// hedge broke the pattern "were improving".
    #[test]
    fn regression_a_hedge_after_an_auxiliary_does_not_break_a_pattern() {
        let rules = rule_set(&[
            regex_rule(
                "S1",
                "strength",
                "",
                "\\\\b(?:was|were|had) (?:improving|improved)\\\\b",
                "Things were improving.",
            ),
            phrases_rule(
                "S2",
                "strength",
                "",
                r#""generally available""#,
                "generally available",
            ),
        ]);
        let tags = |text: &str| rules.tag(text, &Context::default());
        for hedge in ["", "generally ", "largely ", "mostly ", "usually "] {
            let text = format!("Experiences were {hedge}improving.");
            let tagged = tags(&text);
            assert_eq!(tagged.polarity, Polarity::Strength, "{text}");
            let spans = matched_words(&tagged, &text);
            assert_eq!(spans, [format!("were {hedge}improving")], "{text}");
        }
        // Not before "available", where the hedge is the verdict.
        assert_eq!(
            tags("Home care was generally available.").polarity,
            Polarity::Strength
        );
        // Nor after a word that is no form of "be" or "have".
        assert_eq!(
            tags("Experiences generally improving.").polarity,
            Polarity::Neutral
        );
    }

    /// "More work was also needed to align these initiatives" was neutral where "More work
    /// was needed ..." was a shortfall: the "also" broke the phrase.
    #[test]
    fn regression_also_after_an_auxiliary_does_not_break_a_phrase() {
        let rules = rule_set(&[
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""was needed", "were gaps""#,
                "was needed",
            ),
            phrases_rule("S1", "strength", "", r#""could access""#, "could access"),
        ]);
        let tags = |text: &str| rules.tag(text, &Context::default());
        let text = "More work was also needed, and there were also gaps.";
        let tagged = tags(text);
        assert_eq!(tagged.polarity, Polarity::Shortfall);
        // The matches are spans of the sentence as written, "also" and all.
        let spans = matched_words(&tagged, text);
        assert_eq!(spans, ["was also needed", "were also gaps"]);
        // Not after a modal: "could also access" lists one more thing on offer.
        assert_eq!(
            tags("People could also access a club.").polarity,
            Polarity::Neutral
        );
        // "Also" that is no auxiliary's is left alone.
        assert_eq!(
            tags("Also, more work was needed.").polarity,
            Polarity::Shortfall
        );
    }

    /// "Although a provider offered in person, telephone, video, written, and braille
    /// services and access was timely, there were sometimes inconsistencies ..." was a
    /// shortfall: the conceded clause ended at its list's first comma, and "timely" was
    /// counted in the main clause.
    #[test]
    fn regression_a_list_or_comment_inside_a_conceded_clause_does_not_end_it() {
        let rules = rule_set(&[
            phrases_rule("C1", "concession", "", r#""although""#, "although"),
            phrases_rule("S1", "strength", "", r#""timely""#, "timely"),
            // Heavier, so a main clause holding both cues would be a shortfall.
            phrases_rule(
                "F1",
                "shortfall",
                "weight = 2\n",
                r#""inconsistent""#,
                "inconsistent",
            ),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        for text in [
            "Although it offered phone, video, written, and braille help that was timely, access was inconsistent.",
            "Although the service, which opened in 2023, was timely, access was inconsistent.",
            "Although it was timely, access was inconsistent.",
        ] {
            assert_eq!(polarity(text), Polarity::Mixed, "{text}");
        }
    }

    /// "We found that despite being a small authority, the local authority had a voice at
    /// all levels" was neutral, though the same sentence without "We found that" was a
    /// strength: a conceded clause opened the sentence only at its first bytes.
    #[test]
    fn regression_a_lead_in_does_not_stop_a_conceded_clause_opening_the_sentence() {
        let rules = rule_set(&[
            phrases_rule(
                "C1",
                "concession",
                "",
                r#""despite", "although""#,
                "despite",
            ),
            phrases_rule("S1", "strength", "", r#""valued""#, "valued"),
            phrases_rule("F1", "shortfall", "", r#""pressures""#, "pressures"),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        for lead_in in [
            "",
            "We found that ",
            "Staff told us that ",
            "Leaders said ",
            "However, ",
            // A role of several words is a lead-in too (it was not: one word too many).
            "The principal social worker told us that ",
        ] {
            let opened = |rest: &str| {
                let text = format!("{lead_in}{rest}");
                let mut chars = text.chars();
                let first = chars.next().unwrap().to_uppercase().collect::<String>();
                polarity(&(first + chars.as_str()))
            };
            // After "despite" the main clause alone is the finding: a difficulty overcome.
            assert_eq!(
                opened("despite pressures, the council kept its services."),
                Polarity::Strength,
                "{lead_in}"
            );
            // After "although" what was granted stands beside the main clause.
            assert_eq!(
                opened("although people valued it, the council kept it."),
                Polarity::Mixed,
                "{lead_in}"
            );
        }
        // A main clause before the concession is no lead-in.
        assert_eq!(
            polarity("The council kept it, although people valued it."),
            Polarity::Strength
        );
    }

    /// "The number of people placed out of area had fallen, but remained higher than in
    /// similar councils" was a shortfall: the comparison pattern ran from the measure across
    /// ", but" and hid the improvement inside it.
    #[test]
    fn regression_a_pattern_across_a_comma_and_contrast_judges_only_its_own_clause() {
        let rules = rule_set(&[
            regex_rule(
                "F1",
                "shortfall",
                "",
                r"\\bplaced out of area\\b.*?higher than similar",
                "People placed out of area were higher than similar.",
            ),
            phrases_rule(
                "S1",
                "strength",
                "",
                r#""placed out of area had fallen""#,
                "placed out of area had fallen",
            ),
            phrases_rule("C1", "contrast", "", r#""but""#, "but"),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        assert_eq!(
            polarity("People placed out of area had fallen, but remained higher than similar."),
            Polarity::Mixed
        );
        // A clause with a subject of its own is not the measure's: the pattern's words
        // belong to two clauses, and it is no cue.
        assert_eq!(
            polarity("People placed out of area had fallen, but staff were higher than similar."),
            Polarity::Strength
        );
        // With no comma the two words are one verdict, read as the pattern reads them.
        assert_eq!(
            polarity("People placed out of area had fallen but remained higher than similar."),
            Polarity::Shortfall
        );
    }

    /// "The local authority used data well to identify which communities were
    /// under-represented" was a shortfall: "used" was not known as a verb, so the goal was
    /// taken for part of the subject and its aim ended at the question's own "were".
    #[test]
    fn regression_the_verb_of_a_question_a_goal_takes_does_not_end_its_aim() {
        let rules = rule_set(&[
            phrases_rule(
                "G1",
                "goal",
                "",
                r#""to identify", "plans to", "whether""#,
                "to identify",
            ),
            phrases_rule(
                "F1",
                "shortfall",
                "",
                r#""under-represented", "limited""#,
                "limited",
            ),
        ]);
        let polarity = |text: &str| rules.tag(text, &Context::default()).polarity;
        assert_eq!(
            polarity("The council used data to identify which groups were under-represented."),
            Polarity::Neutral
        );
        assert_eq!(
            polarity("To identify which groups were under-represented, staff met weekly."),
            Polarity::Neutral
        );
        // The sentence's own verb after the question still ends the aim.
        assert_eq!(
            polarity("Plans to identify how carers were supported were limited."),
            Polarity::Shortfall
        );
        // A question that has had its own verb leaves the next one to the sentence.
        assert_eq!(
            polarity("Decisions about whether carers met the bar were limited."),
            Polarity::Shortfall
        );
        assert_eq!(
            polarity("Decisions about whether carers were eligible were limited."),
            Polarity::Shortfall
        );
    }

    #[test]
    fn regression_an_aim_ends_where_a_comma_opens_a_clause_with_its_own_subject() {
        let rules = rule_set(&[
            phrases_rule("G1", "goal", "", r#""to improve""#, "to improve"),
            phrases_rule("F1", "shortfall", "", r#""had not heard""#, "had not heard"),
        ]);
        let tags = rules.tag(
            "Work was under way to improve feedback, their current systems had not heard what people said.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Shortfall);
        // A list after the aim's verb is still the aim.
        let tags = rules.tag(
            "Work was under way to improve feedback, the systems and plans that had not heard people.",
            &Context::default(),
        );
        assert_eq!(tags.polarity, Polarity::Neutral);
    }
}
