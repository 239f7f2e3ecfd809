//! Sentence splitting: Unicode sentence boundaries (UAX #29, via `unicode-segmentation`)
//! corrected by a rule layer for English report prose.
//!
//! UAX #29 alone breaks after abbreviations ("e.g.|Leeds", "Dr.|Smith"), initials and list
//! numbers, and does not break before a sentence that opens with a figure. The rules below
//! merge and split its pieces. Where prose allows either reading, they follow pySBD, which
//! cut the labelled sentences of real reports: no break after an ellipsis character, a stop
//! inside a closing single curly quote, or a stop inside brackets opened mid-sentence.

use regex::Regex;
use std::sync::LazyLock;
use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations that never end a sentence (the next word belongs to the same sentence),
/// besides "e.g." and "i.e.".
const ABBREVIATIONS: &[&str] = &[
    "viz", "cf", "vs", "v", "approx", "incl", "esp", "dr", "mr", "mrs", "ms", "mx", "prof", "rev",
    "cllr", "st", "fig", "figs", "para", "paras", "ref", "sec", "dept", "min", "max", "c", "ca",
    "p", "pp", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "vol", "vols",
];
/// Roman numerals that mark list items.
const ROMAN_NUMERALS: &[&str] = &["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"];

/// A piece ending with an abbreviation that never ends a sentence.
static NEVER_FINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[\s(\[])(?:e\.\s?g|i\.\s?e|{})\.$",
        ABBREVIATIONS.join("|")
    ))
    .unwrap()
});
/// A single capital followed by a stop: an initial ("J. Smith").
static INITIAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[\s(\[])\p{Lu}\.$").unwrap());
/// A piece that is only a list marker ("1.", "(a)", "ii.") or ends with one after a colon.
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[:;,]\s*|\b(?:and|or)\s+)(?:\(?\d{{1,2}}[.)]|\(?[a-h][.)]|\(?(?:{})[.)])$",
        ROMAN_NUMERALS.join("|")
    ))
    .unwrap()
});
/// The last of a run of figures ("conversations 1, 2 and 3."), not a list marker.
static LAST_OF_FIGURES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d,?\s+(?:and|or)\s+\d{1,2}\.$").unwrap());

/// Whether a piece ends with a list marker ([`LIST_MARKER`]) that is not the last of a run
/// of figures ([`LAST_OF_FIGURES`]).
fn ends_with_list_marker(piece: &str) -> bool {
    LIST_MARKER.is_match(piece) && !LAST_OF_FIGURES.is_match(piece)
}

/// Whether a piece may end with an abbreviation ([`NEVER_FINAL`]), an initial
/// ([`INITIAL`]) or a list marker ([`LIST_MARKER`]), tested before those regexes: each
/// ends with a stop or a bracket after a whole run of letters or digits that is one
/// character, or (ASCII) an abbreviation, a roman numeral or two digits. Runs beyond ASCII
/// are left to the regexes (case folding makes "ſt" an "st").
fn may_end_with_short_token(piece: &str) -> bool {
    let Some(body) = piece.strip_suffix(['.', ')']) else {
        return false;
    };
    // The run of letters and digits at the end of `body` (looked at up to 7 characters).
    let (mut start, mut chars) = (body.len(), 0);
    for (at, c) in body.char_indices().rev().take(7) {
        if !c.is_alphanumeric() {
            break;
        }
        (start, chars) = (at, chars + 1);
    }
    let run = &body[start..];
    match chars {
        0 | 7 => return false,
        1 => return true,
        _ => {}
    }
    !run.is_ascii()
        || (run.len() == 2 && run.bytes().all(|b| b.is_ascii_digit()))
        || ABBREVIATIONS
            .iter()
            .chain(ROMAN_NUMERALS)
            .any(|word| word.eq_ignore_ascii_case(run))
}

/// Boundaries UAX #29 misses: after a stop when the next sentence starts with a figure.
static MISSED_BOUNDARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\p{Ll}{2}[.!?]|%[.!?]|\)[.!?])["'’”)\]]*\s+(?:\p{Lu}|\d)"#).unwrap()
});

/// Split a paragraph into sentences; returns `(start, end)` byte ranges with surrounding
/// whitespace trimmed. A paragraph is one logical line (hard wraps already joined).
///
/// ```
/// let text = "People waited (e.g. for OTs). Dr. Smith said so. 80.78% agreed.";
/// let got: Vec<&str> = ingest::split_sentences(text).into_iter().map(|(s, e)| &text[s..e]).collect();
/// assert_eq!(got, ["People waited (e.g. for OTs).", "Dr. Smith said so.", "80.78% agreed."]);
/// ```
pub fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    sentences(text, may_miss_boundaries(text))
}

/// Whether `text` may hold a boundary UAX #29 misses ([`MISSED_BOUNDARY`]): one before a
/// figure. Before a capital, UAX #29 breaks where MISSED_BOUNDARY would (SB11): searching
/// for those adds nothing.
fn may_miss_boundaries(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'.', b'!', b'?', bytes).any(|at| {
        text[at + 1..]
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ')' | ']' | '’' | '”')
            })
            .starts_with(char::is_numeric)
    })
}

/// [`split_sentences`], looking for the boundaries UAX #29 misses only if `missed`.
fn sentences(text: &str, missed: bool) -> Vec<(usize, usize)> {
    // 1. UAX #29 pieces, extra boundaries added.
    let mut cuts = uax29_cuts(text);
    let missed_boundaries = missed.then(|| MISSED_BOUNDARY.find_iter(text));
    for m in missed_boundaries.into_iter().flatten() {
        let matched = m.as_str();
        let last = matched.char_indices().last().map_or(0, |(i, _)| i);
        let cut = m.start() + last;
        let before = tail(text[..cut].trim_end());
        if !NEVER_FINAL.is_match(before) && !ends_with_list_marker(before) {
            cuts.push(cut);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();

    // 2. Drop the cuts that follow an abbreviation, initial or list marker.
    let mut kept: Vec<usize> = Vec::with_capacity(cuts.len());
    let mut piece_start = 0;
    for cut in cuts {
        // Only the end of a piece decides whether it ends a sentence; looking at its tail
        // keeps the work linear however many cuts are glued into one piece.
        let piece = tail(text[piece_start..cut].trim_end());
        let next = text[cut..].trim_start();
        let next_starts_name = next
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        // UAX #29 breaks after "!" and "?" even before a lowercase word (`"it was
        // great!" and staff agreed`); a sentence of report prose never starts with one.
        let next_starts_lowercase = next.chars().next().is_some_and(char::is_lowercase);
        let glue = piece.is_empty()
            || next_starts_lowercase
            || ends_inside_quote_or_bracket(text[piece_start..cut].trim())
            || (may_end_with_short_token(piece)
                && ((NEVER_FINAL.is_match(piece) && !ends_with_ambiguous_final(piece, next))
                    || (INITIAL.is_match(piece)
                        && next_starts_name
                        && !ends_with_acronym_sentence(piece))
                    || ends_with_list_marker(piece)));
        if !glue {
            kept.push(cut);
            piece_start = cut;
        }
    }

    // 3. Ranges, trimmed.
    let mut out = Vec::with_capacity(kept.len() + 1);
    let mut start = 0;
    for end in kept.into_iter().chain(std::iter::once(text.len())) {
        let piece = &text[start..end];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            out.push((start + lead, start + lead + trimmed.len()));
        }
        start = end;
    }
    out
}

/// Whether a piece ends with a stop that the reference segmentation (pySBD, which cut the
/// labelled sentences of real reports) does not take as the end of a sentence: one inside a
/// closing single curly quote ("options called ‘Better Care Support Medway.’ Not all the
/// website ...") or inside brackets opened after the sentence began ("People waited (in
/// some cases up to 6 months.) This was too long."). A bracketed sentence of its own, "(This
/// was new.)", still ends.
fn ends_inside_quote_or_bracket(piece: &str) -> bool {
    let stop_before = |closer: char| {
        piece
            .strip_suffix(closer)
            .is_some_and(|rest| rest.ends_with(['.', '!', '?']))
    };
    stop_before('’') || (stop_before(')') && !piece.starts_with('('))
}

/// UAX #29 sentence boundaries of `text`, found by running the Unicode rules only in a
/// small window around each `.`, `!` and `?`: the rules look a few characters back from
/// a boundary and ahead to the next letter, and prose is mostly letters, so this gives
/// the same boundaries at a fraction of the cost of segmenting every character.
fn uax29_cuts(text: &str) -> Vec<usize> {
    const BACK: usize = 8;
    const AHEAD: usize = 24;
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        while i < text.len() && !text.is_char_boundary(i) {
            i += 1;
        }
        i.min(text.len())
    };
    // Candidates: (terminator, last place its boundary can be, window start, window end).
    let mut candidates: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut plain_cuts: Vec<usize> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(offset) = memchr::memchr3(b'.', b'!', b'?', &bytes[i..]) {
        let at = i + offset;
        // The whole run of terminators is one candidate; its boundary, if any, comes after
        // the closing quotes, brackets and spaces that follow it.
        let mut run_end = at + 1;
        while run_end < bytes.len() && matches!(bytes[run_end], b'.' | b'!' | b'?') {
            run_end += 1;
        }
        let limit = run_end
            + text[run_end..]
                .find(|c: char| {
                    !(c.is_whitespace() || matches!(c, '"' | '\'' | ')' | ']' | '’' | '”' | '»'))
                })
                .unwrap_or(text.len() - run_end);
        // A terminator with only closers and spaces after it ends the text: its boundary
        // is the end, which is not a cut.
        if limit == bytes.len() {
            break;
        }
        // The commonest boundary needs no Unicode rules: one terminator, spaces, an ASCII
        // capital. UAX #29 always breaks there (SB11), before the capital.
        if run_end == at + 1
            && limit > run_end
            && bytes[run_end..limit].iter().all(|&b| b == b' ')
            && bytes.get(limit).is_some_and(u8::is_ascii_uppercase)
        {
            plain_cuts.push(limit);
            i = run_end;
            continue;
        }
        let start = floor(at.saturating_sub(BACK));
        // UAX #29 looks ahead to the next letter (to see whether it is lowercase).
        // (Bounded, so a megabyte of digits and dots stays linear.)
        let horizon = ceil(limit + 64);
        let next_letter = text[limit..horizon]
            .find(|c: char| c.is_alphabetic())
            .map_or(horizon, |p| limit + p);
        let end = ceil(next_letter.max(limit) + AHEAD);
        candidates.push((at, limit, start, end));
        i = run_end;
    }
    // Overlapping windows are segmented together, so no character is segmented twice.
    let mut cuts = plain_cuts;
    let mut group = 0;
    while group < candidates.len() {
        let (start, mut end) = (candidates[group].2, candidates[group].3);
        let mut last = group;
        while last + 1 < candidates.len() && candidates[last + 1].2 <= end {
            last += 1;
            end = end.max(candidates[last].3);
        }
        let ranges = &candidates[group..=last];
        let mut next = 0;
        for (b, _) in text[start..end].split_sentence_bound_indices() {
            let cut = start + b;
            // The candidate this cut could follow: the last one before it.
            while next + 1 < ranges.len() && ranges[next + 1].0 < cut {
                next += 1;
            }
            let (at, limit, ..) = ranges[next];
            if cut > at && cut <= limit {
                cuts.push(cut);
            }
        }
        group = last + 1;
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// The last few dozen bytes of a piece (on a character boundary), with the whole piece
/// when it is short: a piece that is only a list marker must still look like one.
fn tail(piece: &str) -> &str {
    const TAIL: usize = 48;
    if piece.len() <= TAIL {
        return piece;
    }
    let mut start = piece.len() - TAIL;
    while !piece.is_char_boundary(start) {
        start += 1;
    }
    // Start at a word boundary so "e.g." is not cut to "g.".
    match piece[start..].find(char::is_whitespace) {
        Some(space) => &piece[start + space..],
        None => &piece[start..],
    }
}

/// "No." ends a sentence unless a number follows; "St." unless a name follows.
fn ends_with_ambiguous_final(piece: &str, next: &str) -> bool {
    let lower = piece.to_lowercase();
    let next_first = next.chars().next().unwrap_or(' ');
    if lower.ends_with(" no.") || lower == "no." || lower.ends_with(" nos.") {
        return !next_first.is_ascii_digit();
    }
    false
}

/// "... in Appendix A." style endings are rare; "I." never is an initial of a sentence
/// end, but a pronoun "I" cannot take a stop, so keep it simple: only "A." and "I." at
/// the end of a long clause end a sentence.
fn ends_with_acronym_sentence(piece: &str) -> bool {
    let words: Vec<&str> = piece.split_whitespace().collect();
    matches!(words.last(), Some(&"A.") | Some(&"I.")) && words.len() > 3
}

#[cfg(test)]
mod tests {
    use super::split_sentences;

    /// Windowed UAX #29 gives the boundaries full segmentation gives, on random prose-like
    /// text (letters, digits, spaces, quotes, brackets, terminators).
    #[test]
    fn windowed_boundaries_equal_full_segmentation() {
        use unicode_segmentation::UnicodeSegmentation;
        // Tokens of report prose, joined by single spaces.
        const TOKENS: &[&str] = &[
            "the",
            "staff",
            "Staff",
            "People",
            "waited",
            "e.g.",
            "i.e.",
            "Dr.",
            "A.",
            "J.",
            "80.78%",
            "(EPIAs)",
            "(EPIAs).",
            "“They",
            "listened.”",
            "'A",
            "Deal.'",
            "end.",
            "end!",
            "end?!",
            "end...",
            "end…",
            "people’s",
            "No.",
            "5",
            "1.",
            "said:",
            "etc.",
            "(This",
            "was",
            "new.)",
            "2023/24",
            "St.",
            "Helens",
            "U.K.",
            "OK?",
        ];
        let mut next = crate::xorshift(0x2545F4914F6CDD1D);
        for _ in 0..20_000 {
            let mut words = Vec::new();
            for _ in 0..next(30) + 1 {
                words.push(TOKENS[next(TOKENS.len())]);
            }
            let text = words.join(" ");
            let full: Vec<usize> = text
                .split_sentence_bound_indices()
                .map(|(b, _)| b)
                .filter(|&b| b > 0)
                .collect();
            assert_eq!(super::uax29_cuts(&text), full, "{text:?}");
        }
    }

    /// Looking for the boundaries UAX #29 misses only where an ellipsis or a figure may
    /// make one gives the sentences looking everywhere gives.
    #[test]
    fn missed_boundaries_are_looked_for_wherever_they_can_be() {
        const TOKENS: &[&str] = &[
            "the", "staff", "Staff", "People", "Éva", "ok.", "ok!", "ok?", "end.", "end…", "…",
            "5", "5.", "٣", "1.", "(a)", "ii.", "e.g.", "Dr.", "No.", "80%.", "(x).", "ab.”",
            "ab.’", "ab.)", "ab.\"", "said:", "and", "or", "J.", "A.",
        ];
        const GAPS: &[&str] = &[" ", "  ", " \u{a0}", "\t"];
        let mut next = crate::xorshift(0x9E3779B97F4A7C15);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(20) + 1 {
                text.push_str(TOKENS[next(TOKENS.len())]);
                text.push_str(GAPS[next(GAPS.len())]);
            }
            assert_eq!(
                super::split_sentences(&text),
                super::sentences(&text, true),
                "{text:?}"
            );
        }
    }

    /// The cheap test before the abbreviation, initial and list-marker regexes never
    /// turns away a piece one of them matches.
    #[test]
    fn short_token_test_passes_every_piece_the_regexes_match() {
        use super::{may_end_with_short_token, INITIAL, LIST_MARKER, NEVER_FINAL};
        const TOKENS: &[&str] = &[
            "the",
            "staff",
            "people",
            "e.g.",
            "e. g.",
            "i.e.",
            "(e.g.",
            "Dr.",
            "dr.",
            "Approx.",
            "approx.",
            "approxi.",
            "St.",
            "ſt.",
            "K.",
            "J.",
            "É.",
            "(J.",
            "12.",
            "1.",
            "123.",
            "١٢.",
            "(a)",
            "b.",
            "(iv)",
            "viii.",
            "ix)",
            "and",
            "or",
            ":",
            "follows:1.",
            "x.",
            "No.",
            "nos.",
            "fig.)",
            "word.)",
            "2023.",
            "(12)",
            "paras.",
            "Cllr.",
            "ca.",
            "c.",
            "end.",
            "end)",
            "’",
            "“a.",
            "—",
        ];
        let mut next = crate::xorshift(0x51A7E5EED);
        let mut matched = 0;
        for _ in 0..50_000 {
            let mut words = Vec::new();
            for _ in 0..next(4) + 1 {
                words.push(TOKENS[next(TOKENS.len())]);
            }
            let piece = words.join(if next(3) == 0 { "" } else { " " });
            let any = NEVER_FINAL.is_match(&piece)
                || INITIAL.is_match(&piece)
                || LIST_MARKER.is_match(&piece);
            if any {
                matched += 1;
                assert!(may_end_with_short_token(&piece), "{piece:?}");
            }
        }
        assert!(matched > 5_000, "the random pieces include matching ones");
    }

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(
            split("Staff were kind. People waited."),
            ["Staff were kind.", "People waited."]
        );
    }

    #[test]
    fn latin_abbreviations_do_not_end_sentences() {
        assert_eq!(
            split("Some groups, e.g. Leeds carers, i.e. Young carers, were seen. Next."),
            [
                "Some groups, e.g. Leeds carers, i.e. Young carers, were seen.",
                "Next."
            ]
        );
    }

    #[test]
    fn etc_ends_a_sentence_before_a_capital() {
        assert_eq!(
            split("Leaflets, posters etc. The team agreed."),
            ["Leaflets, posters etc.", "The team agreed."]
        );
        assert_eq!(
            split("Leaflets, posters etc. were shared."),
            ["Leaflets, posters etc. were shared."]
        );
    }

    #[test]
    fn titles_do_not_end_sentences() {
        assert_eq!(
            split("We met Dr. Smith, Mr. Jones, Mrs. Patel and Cllr. Brown. St. Helens agreed."),
            [
                "We met Dr. Smith, Mr. Jones, Mrs. Patel and Cllr. Brown.",
                "St. Helens agreed."
            ]
        );
    }

    #[test]
    fn number_abbreviation_before_a_figure() {
        assert_eq!(
            split("See report No. 5 for detail. Done."),
            ["See report No. 5 for detail.", "Done."]
        );
    }

    #[test]
    fn a_page_reference_does_not_end_a_sentence() {
        assert_eq!(
            split("The plan set out its aims (see p. 12). Staff knew it (pp. 3-4). Done."),
            [
                "The plan set out its aims (see p. 12).",
                "Staff knew it (pp. 3-4).",
                "Done."
            ]
        );
    }

    #[test]
    fn approx_and_vs() {
        assert_eq!(
            split("There were approx. 500 people vs. 400 last year. Done."),
            ["There were approx. 500 people vs. 400 last year.", "Done."]
        );
    }

    #[test]
    fn abbreviated_months_do_not_end_sentences() {
        assert_eq!(
            split("About 1,200 people were waiting (Sept. 2024), down from Jan. 2023. Done."),
            [
                "About 1,200 people were waiting (Sept. 2024), down from Jan. 2023.",
                "Done."
            ]
        );
    }

    #[test]
    fn initials_do_not_end_sentences() {
        assert_eq!(
            split("The chair, J. R. Smith, agreed. Next."),
            ["The chair, J. R. Smith, agreed.", "Next."]
        );
    }

    #[test]
    fn decimals_and_percentages_stay_whole() {
        assert_eq!(
            split("It showed 80.78% of people felt in control. This was similar to the England average (77.62%)."),
            ["It showed 80.78% of people felt in control.", "This was similar to the England average (77.62%)."]
        );
    }

    #[test]
    fn bracketed_acronyms() {
        assert_eq!(
            split(
                "It introduced Equality Impact Assessments (EPIAs). The EPIAs (as below) helped."
            ),
            [
                "It introduced Equality Impact Assessments (EPIAs).",
                "The EPIAs (as below) helped."
            ]
        );
    }

    #[test]
    fn quotes_and_brackets_closing_after_the_stop() {
        assert_eq!(
            split("One carer said, “They really listened.” Staff agreed. (This was new.) Next."),
            [
                "One carer said, “They really listened.”",
                "Staff agreed.",
                "(This was new.)",
                "Next."
            ]
        );
        assert_eq!(
            split("It was called 'A Fair Deal.' Staff agreed."),
            ["It was called 'A Fair Deal.'", "Staff agreed."]
        );
    }

    /// Regression: "... self-assessment options called ‘Ask Sara’ and ‘Better Care Support
    /// Medway.’ Not all the website was fully accessible ..." is one labelled sentence of a
    /// real page (pySBD, which cut the labelled sentences, does not end one at a stop inside
    /// a closing single curly quote, nor inside brackets opened mid-sentence); it was cut in
    /// two, and neither half was found among the labelled sentences.
    #[test]
    fn a_stop_inside_a_curly_single_quote_or_mid_sentence_brackets_does_not_end_it() {
        assert_eq!(
            split("Options were called ‘Ask Sara’ and ‘Better Care Support.’ Not all worked."),
            ["Options were called ‘Ask Sara’ and ‘Better Care Support.’ Not all worked."]
        );
        assert_eq!(
            split("She asked ‘why?’ Then she left. It was ‘good.’ 45 people agreed."),
            [
                "She asked ‘why?’ Then she left.",
                "It was ‘good.’ 45 people agreed."
            ]
        );
        assert_eq!(
            split("People waited (in some cases up to 6 months.) This was too long. Next."),
            [
                "People waited (in some cases up to 6 months.) This was too long.",
                "Next."
            ]
        );
        // A straight quote, a double curly quote and a bracketed sentence still end one.
        assert_eq!(
            split(
                "It was 'good.' Staff agreed. He said “great.” Staff agreed. (It was new.) Next."
            ),
            [
                "It was 'good.'",
                "Staff agreed.",
                "He said “great.”",
                "Staff agreed.",
                "(It was new.)",
                "Next."
            ]
        );
    }

    /// Regression: a quoted exclamation or question before a lowercase word cut the
    /// sentence in two ("People said "it was great!"" | "and staff agreed.").
    #[test]
    fn a_quoted_exclamation_inside_a_sentence_does_not_end_it() {
        assert_eq!(
            split("People said \"it was great!\" and staff agreed. Was it? Yes."),
            [
                "People said \"it was great!\" and staff agreed.",
                "Was it?",
                "Yes."
            ]
        );
        assert_eq!(
            split("A carer asked “who do I call?” when she was stuck. Done."),
            [
                "A carer asked “who do I call?” when she was stuck.",
                "Done."
            ]
        );
    }

    #[test]
    fn a_volume_number_does_not_end_a_sentence() {
        assert_eq!(
            split("Vol. 2 of the strategy was published. Done."),
            ["Vol. 2 of the strategy was published.", "Done."]
        );
    }

    #[test]
    fn interrobangs() {
        assert_eq!(
            split("Was it safe?! Nobody knew!? Then yes."),
            ["Was it safe?!", "Nobody knew!?", "Then yes."]
        );
    }

    /// The labelled sentences of real reports were cut by pySBD, which does not end a
    /// sentence at an ellipsis character (three stops do end one).
    #[test]
    fn ellipses() {
        assert_eq!(
            split("People waited... Then they gave up."),
            ["People waited...", "Then they gave up."]
        );
        assert_eq!(
            split("People waited… Then they gave up."),
            ["People waited… Then they gave up."]
        );
        assert_eq!(
            split("People waited... and waited."),
            ["People waited... and waited."]
        );
    }

    #[test]
    fn numbered_items_inside_a_sentence() {
        assert_eq!(
            split("The plan had two aims: 1. Faster access and 2. Better reviews. Next."),
            [
                "The plan had two aims: 1. Faster access and 2. Better reviews.",
                "Next."
            ]
        );
        assert_eq!(
            split("1. Staff were trained. 2. Waits fell."),
            ["1. Staff were trained.", "2. Waits fell."]
        );
    }

    #[test]
    fn the_last_of_a_run_of_figures_ends_a_sentence() {
        assert_eq!(
            split("Staff used conversations 1, 2 and 3. The model worked well."),
            [
                "Staff used conversations 1, 2 and 3.",
                "The model worked well."
            ]
        );
        assert_eq!(
            split("Levels 1 or 2. Most staff had both."),
            ["Levels 1 or 2.", "Most staff had both."]
        );
    }

    #[test]
    fn a_sentence_may_open_with_a_figure() {
        assert_eq!(
            split("Waits were long. 58% of people were satisfied."),
            ["Waits were long.", "58% of people were satisfied."]
        );
    }

    #[test]
    fn offsets_point_at_trimmed_text() {
        let text = "  One.   Two.  ";
        assert_eq!(split_sentences(text), vec![(2, 6), (9, 13)]);
    }
}
