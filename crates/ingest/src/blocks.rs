//! Raw lines to normalised blocks, shared by text and HTML input so both give the
//! same document model.

use crate::{Block, BlockKind};
use regex::Regex;
use std::sync::LazyLock;

/// What the source says a block is, before normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    Heading(u8),
    Paragraph,
    ListItem,
    TableCell,
}

/// A block as found in the source: one or more physical lines.
#[derive(Debug, Clone)]
pub(crate) struct RawBlock {
    pub hint: Hint,
    pub lines: Vec<String>,
}

static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[•·▪◦●‣∙*]|[-–](?:\s|$))\s*").unwrap());
static STRAY_MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:p|div|span|br|li|ul|ol|strong|em|b|i|a)\s*/?>|/(?:p|div|span|li)>")
        .unwrap()
});
static PAGE_LAST_UPDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\bpage last updated:?\s*\d{1,2}\s+\p{L}+\s+\d{4}\s*").unwrap()
});

/// The lines of `text`, as [`str::lines`] gives them (a line ends at `\n` or `\r\n`; the
/// last line's end is optional), found with the `memchr` crate's vectorised search.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain([None])
        .filter_map(move |newline| {
            let line = match newline {
                Some(end) => {
                    let line = &text[start..end];
                    line.strip_suffix('\r').unwrap_or(line)
                }
                None if start < text.len() => &text[start..],
                None => return None,
            };
            start = newline.map_or(text.len(), |end| end + 1);
            Some(line)
        })
}

/// Split plain text into raw blocks: blank lines separate blocks, a bulleted line starts
/// a list item (indented lines after it continue the item).
pub(crate) fn text_raw_blocks(text: &str) -> Vec<RawBlock> {
    let mut blocks = Vec::new();
    let mut current: Option<RawBlock> = None;
    // Lines after one ending in a colon, up to a blank line: a list whose bullets a copy
    // dropped ("Key priorities included:" then one item a line).
    let mut unbulleted_list = false;
    for line in lines(text) {
        if line.trim().is_empty() {
            blocks.extend(current.take());
            unbulleted_list = false;
            continue;
        }
        if unbulleted_list {
            blocks.extend(current.take());
            current = Some(RawBlock {
                hint: Hint::ListItem,
                lines: vec![line.to_string()],
            });
            continue;
        }
        if line.trim_end().ends_with(':') && current.is_none() {
            unbulleted_list = true;
        }
        let first = line.trim_start().chars().next();
        let may_be_bullet = first.is_some_and(|c| {
            matches!(c, '•' | '·' | '▪' | '◦' | '●' | '‣' | '∙' | '*' | '-' | '–')
        });
        if let Some(bullet) = may_be_bullet.then(|| BULLET.find(line)).flatten() {
            blocks.extend(current.take());
            current = Some(RawBlock {
                hint: Hint::ListItem,
                lines: vec![line[bullet.end()..].to_string()],
            });
            continue;
        }
        let indented = line.starts_with(char::is_whitespace);
        match current.as_mut() {
            // A list item continues only on indented lines.
            Some(block) if block.hint != Hint::ListItem || indented => {
                block.lines.push(line.to_string())
            }
            _ => {
                blocks.extend(current.take());
                current = Some(RawBlock {
                    hint: Hint::Paragraph,
                    lines: vec![line.to_string()],
                })
            }
        }
    }
    blocks.extend(current);
    blocks
}

/// Normalise one line: unify spaces, drop invisible characters and stray markup, collapse
/// whitespace, trim.
pub(crate) fn normalise_line(line: &str) -> String {
    let out = trimmed_if_plain(line).unwrap_or_else(|| collapse_spaces(line));
    // The rare lines with markup debris or "Page last updated" go through the regexes.
    let has_markup = memchr::memchr(b'>', out.as_bytes()).is_some();
    if !has_markup && !crate::contains_ignore_ascii_case(&out, "updated") {
        return out;
    }
    let cleaned = STRAY_MARKUP.replace_all(&out, " ");
    let cleaned = PAGE_LAST_UPDATED.replace_all(&cleaned, " ");
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Most lines are printable ASCII with single spaces: collapsing their spaces would only
/// trim their ends.
fn trimmed_if_plain(line: &str) -> Option<String> {
    // (Folded without stopping early, so the compiler checks many bytes at a time.)
    let printable = |b: u8| b.wrapping_sub(0x20) < 0x5f;
    let bytes = line.as_bytes();
    let double_space = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |found, (&a, &b)| found | ((a == b' ') & (b == b' ')));
    let plain = bytes.iter().fold(true, |plain, &b| plain & printable(b)) && !double_space;
    plain.then(|| line.trim_matches(' ').to_string())
}

/// Drop invisible characters, turn every space or control character into a single
/// space and the Unicode hyphens into '-', trim.
fn collapse_spaces(line: &str) -> String {
    // One pass. Runs of plain ASCII are copied whole.
    let mut out = String::with_capacity(line.len());
    let mut space = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x21..0x7f).contains(&b) {
            // A run of printable ASCII with single spaces is copied whole.
            let mut end = i + 1;
            while end < bytes.len()
                && ((0x21..0x7f).contains(&bytes[end])
                    || (bytes[end] == b' '
                        && bytes.get(end + 1).is_some_and(|n| (0x21..0x7f).contains(n))))
            {
                end += 1;
            }
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(&line[i..end]);
            i = end;
            continue;
        }
        let c = if b < 0x80 {
            char::from(b)
        } else {
            line[i..].chars().next().expect("i is a character boundary")
        };
        i += c.len_utf8();
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else if matches!(c, '\u{2010}' | '\u{2011}') {
            // A hyphen or non-breaking hyphen is the hyphen the rules know ("well-led").
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push('-');
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Characters that are dropped: zero-width spaces and joiners, word joiner, byte order
/// mark, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
    )
}

const CONNECTORS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "their", "to", "that", "which", "with", "was", "were", "is", "are", "be", "this", "its",
];

/// A line that could be a heading: no closing punctuation, starts with a capital or a
/// digit, short, and not ending on a word that needs a continuation.
pub(crate) fn heading_like(line: &str) -> bool {
    let trimmed = line.trim_end_matches(['"', '\'', '’', '”', ')']);
    let Some(last) = trimmed.chars().last() else {
        return false;
    };
    let first = line.chars().next().unwrap_or(' ');
    if matches!(last, '.' | '!' | '?' | ':' | ';' | ',' | '…' | '-' | '–') {
        return false;
    }
    if !(first.is_uppercase() || first.is_ascii_digit() || first == '\'' || first == '‘') {
        return false;
    }
    // (Lines are normalised: single spaces, so words are counted by spaces.)
    let too_long = line.len() > 150 && line.chars().count() > 150;
    if too_long || line.bytes().filter(|&b| b == b' ').count() >= 20 {
        return false;
    }
    // A heading holds no sentence boundary ("Staff were kind. Waits were lo" is prose).
    let bytes = line.as_bytes();
    let has_inner_sentence = memchr::memchr_iter(b'.', bytes)
        .any(|i| bytes.get(i + 1) == Some(&b' ') && line[i + 2..].starts_with(char::is_uppercase));
    let last_word = trimmed.rsplit(' ').next().unwrap_or("");
    !has_inner_sentence && !CONNECTORS.iter().any(|c| c.eq_ignore_ascii_case(last_word))
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(['"', '\'', '’', '”', ')'])
        .ends_with(['.', '!', '?', ':'])
}

fn starts_lowercase(line: &str) -> bool {
    line.chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || matches!(c, '(' | '&' | '%'))
}

fn first_word_len(line: &str) -> usize {
    line.split(' ').next().map_or(0, |w| w.chars().count())
}

/// Group the normalised lines of one raw block into logical lines: hard-wrapped lines
/// of a paragraph are joined, a heading line is kept apart from what follows.
fn logical_lines(lines: &[String]) -> Vec<String> {
    const WRAP_MAX: usize = 150;
    let lengths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    // Not hard-wrapped: a line wider than any wrap width, or most lines ending a sentence
    // (one paragraph or heading per line, as text pasted from a browser).
    let sentence_ends = lines
        .iter()
        .take(lines.len().saturating_sub(1))
        .filter(|l| ends_sentence(l))
        .count();
    let unwrapped = lengths.iter().any(|&l| l > WRAP_MAX)
        || (lines.len() > 1 && sentence_ends * 2 >= lines.len() - 1);
    // The two widest wrap-width lines, so "the widest other line" is O(1) per line.
    let mut widest = [(0usize, usize::MAX); 2];
    for (j, &l) in lengths.iter().enumerate() {
        if l > WRAP_MAX {
            continue;
        }
        if l > widest[0].0 {
            widest[1] = widest[0];
            widest[0] = (l, j);
        } else if l > widest[1].0 {
            widest[1] = (l, j);
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, line) in lines.iter().enumerate() {
        // A line broken after a hyphen ("multi-" / "disciplinary") joins without a space.
        let after_hyphen = current.ends_with('-')
            && current[..current.len() - 1].ends_with(char::is_alphabetic)
            && line.starts_with(char::is_lowercase);
        if !current.is_empty() && !after_hyphen {
            current.push(' ');
        }
        current.push_str(line);
        let Some(next) = lines.get(i + 1) else { break };
        let len = lengths[i];
        let widest_other = if widest[0].1 == i {
            widest[1].0
        } else {
            widest[0].0
        };
        let width = widest_other.max(if len <= WRAP_MAX { len } else { 0 });
        let join = if starts_lowercase(next) {
            true
        } else if len > WRAP_MAX || unwrapped {
            // One paragraph per line: nothing here is hard-wrapped.
            false
        } else if ends_sentence(line) && heading_like(next) && lengths[i + 1] * 10 < width * 6 {
            // A finished sentence followed by a short heading-like line: the paragraph ended.
            false
        } else if len + 1 + first_word_len(next) <= width {
            // The next word would have fitted: this line ended early (paragraph end or heading).
            false
        } else {
            // A heading wider than the wrapped lines below it (at least two of them: a
            // paragraph's last line is short anyway).
            !(heading_like(line) && len > widest_other + 5 && i + 2 < lines.len())
        };
        if !join {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Normalise raw blocks into the document text and its blocks.
pub(crate) fn build(raw: Vec<RawBlock>) -> (String, Vec<Block>) {
    // Room for every line and the blank lines between blocks, so the text is not
    // regrown (and copied) as it fills.
    let room = raw
        .iter()
        .flat_map(|block| &block.lines)
        .map(|line| line.len() + 2)
        .sum();
    let mut text = String::with_capacity(room);
    let mut blocks = Vec::with_capacity(raw.len());
    for block in raw {
        let lines: Vec<String> = block
            .lines
            .into_iter()
            .map(|l| normalise_line(&l))
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let logical = match block.hint {
            _ if lines.len() == 1 => lines,
            Hint::Paragraph => logical_lines(&lines),
            _ => vec![lines.join(" ")],
        };
        for line in logical {
            let kind = match block.hint {
                Hint::Heading(level) => BlockKind::Heading(level),
                Hint::ListItem => BlockKind::ListItem,
                Hint::TableCell => BlockKind::TableCell,
                Hint::Paragraph if heading_like(&line) => BlockKind::Heading(heading_level(&line)),
                Hint::Paragraph => BlockKind::Paragraph,
            };
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let start = text.len();
            text.push_str(&line);
            blocks.push(Block {
                kind,
                start,
                end: text.len(),
            });
        }
    }
    (text, blocks)
}

fn heading_level(line: &str) -> u8 {
    const TITLE_END: &[u8] = b"local authority assessment";
    let bytes = line.as_bytes();
    let title = bytes.len() >= TITLE_END.len()
        && bytes[bytes.len() - TITLE_END.len()..].eq_ignore_ascii_case(TITLE_END);
    if title {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<(BlockKind, String)> {
        let (text, blocks) = build(text_raw_blocks(input));
        blocks
            .iter()
            .map(|b| (b.kind, text[b.start..b.end].to_string()))
            .collect()
    }

    #[test]
    fn hard_wrapped_paragraph_is_joined() {
        let input = "People told us that staff were kind and that they\nwere listened to by the team when they called the\nfront door. Waits were short.\n";
        assert_eq!(
            texts(input),
            [(
                BlockKind::Paragraph,
                "People told us that staff were kind and that they were listened to by the team when they called the front door. Waits were short.".to_string()
            )]
        );
    }

    #[test]
    fn unicode_hyphens_become_the_ascii_hyphen() {
        assert_eq!(
            texts("The service was well\u{2011}regarded and well\u{2010}led.\n")[0].1,
            "The service was well-regarded and well-led."
        );
    }

    #[test]
    fn a_line_broken_after_a_hyphen_joins_without_a_space() {
        let input = "People who did not meet the criteria for the multi-\ndisciplinary team were supported by other frontline staff.\n";
        assert_eq!(
            texts(input)[0].1,
            "People who did not meet the criteria for the multi-disciplinary team were supported by other frontline staff."
        );
    }

    #[test]
    fn heading_line_is_never_glued_to_the_paragraph_below() {
        let input =
            "Front door\nPeople told us that staff were kind and that they\nwere listened to.\n";
        let got = texts(input);
        assert_eq!(got[0], (BlockKind::Heading(2), "Front door".to_string()));
        assert_eq!(
            got[1].1,
            "People told us that staff were kind and that they were listened to."
        );
    }

    #[test]
    fn long_heading_above_wrapped_text_stays_a_heading() {
        let input = "Understanding and reducing barriers to care and support and reducing inequalities\nLocal authority leaders understood the demographic profile of the area,\nand they had insight into inequalities.\n";
        let got = texts(input);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, BlockKind::Heading(2));
    }

    #[test]
    fn an_unindented_line_after_a_list_item_starts_a_paragraph() {
        let got = texts("  • Hartlepool Borough Council\n    Good\nOverall rating for Hartlepool Borough Council: 70%\n");
        assert_eq!(
            got[0],
            (
                BlockKind::ListItem,
                "Hartlepool Borough Council Good".to_string()
            )
        );
        assert_eq!(
            got[1].1,
            "Overall rating for Hartlepool Borough Council: 70%"
        );
    }

    #[test]
    fn a_page_pasted_with_single_newlines_keeps_its_blocks() {
        let input = "We maximise the effectiveness of care by assessing and reviewing needs with people.\nKey findings for this quality statement\nPeople were able to access services in several ways, through the website and by phone.\n";
        let got: Vec<String> = texts(input).into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            got,
            [
                "We maximise the effectiveness of care by assessing and reviewing needs with people.",
                "Key findings for this quality statement",
                "People were able to access services in several ways, through the website and by phone."
            ]
        );
    }

    #[test]
    fn bullets_become_list_items_with_continuations() {
        let input = "  • Assessing needs\n    Score: 3\n  • Safeguarding\n    Score: 2\n";
        assert_eq!(
            texts(input),
            [
                (BlockKind::ListItem, "Assessing needs Score: 3".to_string()),
                (BlockKind::ListItem, "Safeguarding Score: 2".to_string())
            ]
        );
    }

    #[test]
    fn regression_a_list_whose_bullets_a_copy_dropped_is_a_list_not_a_heading() {
        let input = "Key priorities included:\nfaster reviews\nfewer delays\n\nStaff were skilled\nand kind.\n";
        assert_eq!(
            texts(input),
            [
                (BlockKind::Paragraph, "Key priorities included:".to_string()),
                (BlockKind::ListItem, "faster reviews".to_string()),
                (BlockKind::ListItem, "fewer delays".to_string()),
                (
                    BlockKind::Paragraph,
                    "Staff were skilled and kind.".to_string()
                )
            ]
        );
    }

    #[test]
    fn lines_are_the_lines_str_gives() {
        let pieces = ["a", "bc", " ", "\n", "\r", "\r\n", "’"];
        let mut next = crate::xorshift(0x1CE);
        for _ in 0..20_000 {
            let text: String = (0..next(8)).map(|_| pieces[next(pieces.len())]).collect();
            assert_eq!(
                super::lines(&text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    /// Collapsing copies runs of visible characters whole: it gives what the rule, said
    /// with splits and joins, gives.
    #[test]
    fn collapsed_lines_are_those_of_the_split_and_join_rule() {
        // The rule said another way: drop invisible characters, then join the words
        // between spaces and controls with single spaces.
        fn split_and_joined(line: &str) -> String {
            let visible: String = line.chars().filter(|&c| !super::is_invisible(c)).collect();
            visible
                .split(|c: char| c.is_whitespace() || c.is_control())
                .filter(|word| !word.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        }
        let alphabet = [
            ' ', ' ', 'a', 'Z', '.', '\t', '\u{a0}', '’', '\u{200b}', '\u{7f}', 'é', '\u{ad}',
            '\u{feff}', '\u{85}', '\u{3000}', '\u{2009}', '😀', '\n', '\u{1}',
        ];
        let mut next = crate::xorshift(0x5EED_1E55);
        for _ in 0..50_000 {
            let line: String = (0..next(16))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            assert_eq!(collapse_spaces(&line), split_and_joined(&line), "{line:?}");
        }
    }

    /// A plain line (printable ASCII, single spaces) is only trimmed: as collapsing its
    /// spaces would leave it.
    #[test]
    fn plain_lines_are_only_trimmed() {
        let alphabet = [
            ' ', ' ', 'a', 'Z', '.', '>', '\t', '\u{a0}', '’', '\u{200b}', '\u{7f}',
        ];
        let mut next = crate::xorshift(0x2545F4914F6CDD1D);
        let mut plain_lines = 0;
        for _ in 0..50_000 {
            let line: String = (0..next(12))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            if let Some(trimmed) = trimmed_if_plain(&line) {
                assert_eq!(trimmed, collapse_spaces(&line), "{line:?}");
                plain_lines += 1;
            }
        }
        assert!(plain_lines > 1_000, "the random lines include plain ones");
    }

    #[test]
    fn stray_markup_and_page_last_updated_are_removed() {
        assert_eq!(normalise_line("Staff were kind./p>"), "Staff were kind.");
        assert_eq!(
            normalise_line("Published: 21 March 2025 Page last updated: 21 March 2025"),
            "Published: 21 March 2025"
        );
    }
}
