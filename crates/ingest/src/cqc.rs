//! Recognising CQC page kinds and facts in a normalised document.

use crate::{
    contains_ignore_ascii_case, split_sentences, Block, BlockKind, Document, Format, FrameworkKind,
    FrameworkStatement, ListedScore, PageKind, Paragraph, Section, Sentence,
};
use regex::Regex;
use std::sync::LazyLock;

/// One of the nine quality statements of the CQC local authority framework.
#[derive(Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct QualityStatement {
    /// Page slug as in CQC URLs, e.g. `needs`.
    pub slug: &'static str,
    /// Canonical title.
    pub title: &'static str,
    /// Framework theme 1-4.
    pub theme: u8,
}

/// The nine quality statements in framework order.
pub static QUALITY_STATEMENTS: [QualityStatement; 9] = [
    QualityStatement {
        slug: "needs",
        title: "Assessing needs",
        theme: 1,
    },
    QualityStatement {
        slug: "support",
        title: "Supporting people to live healthier lives",
        theme: 1,
    },
    QualityStatement {
        slug: "equity",
        title: "Equity in experience and outcomes",
        theme: 1,
    },
    QualityStatement {
        slug: "care",
        title: "Care provision, integration and continuity",
        theme: 2,
    },
    QualityStatement {
        slug: "partnerships",
        title: "Partnerships and communities",
        theme: 2,
    },
    QualityStatement {
        slug: "pathways",
        title: "Safe pathways, systems and transitions",
        theme: 3,
    },
    QualityStatement {
        slug: "safeguarding",
        title: "Safeguarding",
        theme: 3,
    },
    QualityStatement {
        slug: "governance",
        title: "Governance, management and sustainability",
        theme: 4,
    },
    QualityStatement {
        slug: "learning",
        title: "Learning, improvement and innovation",
        theme: 4,
    },
];

impl QualityStatement {
    /// Find a quality statement by its title in any of the forms pages use
    /// ("lead"/"live", "co-ordinated"/"coordinated", case, punctuation), or by slug.
    pub fn find(title_or_slug: &str) -> Option<&'static QualityStatement> {
        if title_or_slug.len() > MAX_KEY_BYTES {
            return None; // titles are short; a paragraph is never one
        }
        QualityStatement::find_keyed(title_or_slug, &match_key(title_or_slug))
    }

    /// [`QualityStatement::find`] of a text whose match key is already worked out.
    fn find_keyed(title_or_slug: &str, key: &str) -> Option<&'static QualityStatement> {
        QualityStatement::find_key(key).or_else(|| {
            QUALITY_STATEMENTS
                .iter()
                .find(|qs| qs.slug == title_or_slug)
        })
    }

    /// Find a quality statement by a block's match key (see `match_key`).
    fn find_key(key: &str) -> Option<&'static QualityStatement> {
        QUALITY_STATEMENTS
            .iter()
            .zip(TITLE_KEYS.iter())
            .find(|(_, title)| *title == key)
            .map(|(qs, _)| qs)
    }
}

/// The opening words of each quality statement's commitment ("The local authority
/// commitment"), the framework's fixed wording, as match keys: they name the quality
/// statement of a page whose title is none of the nine.
const COMMITMENT_OPENINGS: [(&str, &str); 9] = [
    ("needs", "we maximise the effectiveness of people's care"),
    (
        "support",
        "we support people to manage their health and wellbeing",
    ),
    (
        "equity",
        "we actively seek out and listen to information about people",
    ),
    (
        "care",
        "we understand the diverse health and care needs of people",
    ),
    (
        "partnerships",
        "we understand our duty to collaborate and work in partnership",
    ),
    (
        "pathways",
        "we work with people and our partners to establish and maintain safe systems",
    ),
    (
        "safeguarding",
        "we work with people to understand what being safe means to them",
    ),
    (
        "governance",
        "we have clear responsibilities roles systems of accountability",
    ),
    (
        "learning",
        "we focus on continuous learning innovation and improvement",
    ),
];

/// The quality statement whose commitment a page's commitment text opens with.
fn quality_statement_of_commitment(commitment: &str) -> Option<&'static QualityStatement> {
    let key = match_key(commitment);
    let (slug, _) = COMMITMENT_OPENINGS
        .iter()
        .find(|(_, opening)| key.starts_with(opening))?;
    QUALITY_STATEMENTS.iter().find(|qs| qs.slug == *slug)
}

/// Blocks longer than this are prose: no title, heading or marker is compared with them.
const MAX_KEY_BYTES: usize = 120;

/// The match keys of the nine titles, computed once.
static TITLE_KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    QUALITY_STATEMENTS
        .iter()
        .map(|qs| match_key(qs.title))
        .collect()
});

const SCORE_LABELS: [&str; 4] = [
    "1 - Evidence shows significant shortfalls",
    "2 - Evidence shows some shortfalls",
    "3 - Evidence shows a good standard",
    "4 - Evidence shows an exceptional standard",
];

/// Canonical label for a score 1-4.
pub fn score_label(score: u8) -> Option<&'static str> {
    SCORE_LABELS
        .get(usize::from(score).checked_sub(1)?)
        .copied()
}

const RATINGS: [&str; 4] = ["Outstanding", "Good", "Requires improvement", "Inadequate"];

fn canonical_rating(word: &str) -> Option<&'static str> {
    RATINGS
        .iter()
        .copied()
        .find(|r| r.eq_ignore_ascii_case(word.trim()))
}

/// A byte of text in a match key: a word break.
const KEY_BREAK: u8 = 0;
/// A byte of text in a match key: `&`, or the first byte of a character beyond ASCII,
/// which is decoded and looked at on its own.
const KEY_SPECIAL: u8 = 1;
/// What each byte of text becomes in a match key: ASCII letters, digits and the
/// apostrophe themselves (lowercased), other ASCII a word break, the rest special.
const KEY_BYTES: [u8; 256] = {
    let mut table = [KEY_BREAK; 256];
    let mut i = 0;
    while i < 256 {
        let byte = i as u8;
        if byte.is_ascii_alphanumeric() || byte == b'\'' {
            table[i] = byte.to_ascii_lowercase();
        } else if byte == b'&' || !byte.is_ascii() {
            table[i] = KEY_SPECIAL;
        }
        i += 1;
    }
    table
};

/// Lowercase, straight quotes, unified spellings, letters and digits only, words joined
/// by single spaces.
fn match_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len() + 4);
    let mut pending_space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII letters, digits and apostrophes are the common case: one byte, one push.
        match KEY_BYTES[usize::from(bytes[i])] {
            KEY_BREAK => {
                pending_space = true;
                i += 1;
                continue;
            }
            KEY_SPECIAL => {}
            kept => {
                if pending_space && !key.is_empty() {
                    key.push(' ');
                }
                pending_space = false;
                key.push(char::from(kept));
                i += 1;
                continue;
            }
        }
        // `&` and characters beyond ASCII, decoded.
        let c = text[i..].chars().next().expect("i is a character boundary");
        i += c.len_utf8();
        if c == '&' {
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str("and");
            pending_space = true;
        } else if matches!(c, '’' | '‘') || (!c.is_ascii() && c.is_alphanumeric()) {
            if pending_space && !key.is_empty() {
                key.push(' ');
            }
            pending_space = false;
            if matches!(c, '’' | '‘') {
                key.push('\'');
            } else {
                key.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
    // Spelling variants pages use (searchers built once: a `str::contains` sets one up on
    // every call).
    static VARIANTS: LazyLock<[memchr::memmem::Finder<'static>; 3]> = LazyLock::new(|| {
        ["co ordinat", "maximize", " lead healthier"].map(memchr::memmem::Finder::new)
    });
    if VARIANTS.iter().any(|v| v.find(key.as_bytes()).is_some()) {
        key = key
            .replace("co ordinat", "coordinat")
            .replace("maximize", "maximise")
            .replace(" lead healthier", " live healthier");
    }
    key
}

/// The council of a "<council>: local authority assessment" line (the separator may be
/// `:`, `|`, or a hyphen or dash), as written.
fn council_of_title_line(line: &str) -> Option<&str> {
    const TITLE: &str = "local authority assessment";
    let lower = line.to_ascii_lowercase();
    lower.match_indices(TITLE).find_map(|(at, _)| {
        let after = line[at + TITLE.len()..].chars().next();
        if after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let before = line[..at].trim_end();
        let council = before.strip_suffix([':', '|', '–', '—', '-'])?.trim();
        (!council.is_empty()).then_some(council)
    })
}

/// The council named in a saved page's `<title>` ("Assessing needs - Wigan Council: local
/// authority assessment - Care Quality Commission"): the title line's council, after the
/// page heading that may come before it.
pub(crate) fn council_of_page_title(title: &str) -> Option<&str> {
    let council = council_of_title_line(title)?;
    let after_heading = [" - ", " | ", " – ", " — "]
        .iter()
        .filter_map(|separator| council.rfind(separator).map(|at| at + separator.len()))
        .max()
        .unwrap_or(0);
    let council = council[after_heading..].trim();
    (!council.is_empty()).then_some(council)
}

static SCORE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^score\s*:?\s*([1-4])(?:$|[^0-9])").unwrap());
static SCORE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|\s)([1-4])\s*[-–—]\s*(?:(?:outstanding|good|requires improvement|inadequate)\s*[:–-]?\s*)?evidence shows",
    )
    .unwrap()
});
/// The label's words alone ("Evidence shows some shortfalls"), for pages that drop the number.
static SCORE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)evidence shows (significant shortfalls|some shortfalls|a good standard|an exceptional standard)").unwrap()
});

fn score_from_words(text: &str) -> Option<u8> {
    let words = SCORE_WORDS.captures(text)?[1].to_ascii_lowercase();
    Some(match words.as_str() {
        "significant shortfalls" => 1,
        "some shortfalls" => 2,
        "a good standard" => 3,
        _ => 4,
    })
}

/// A quality statement title with its score on the same line ("Assessing needs Score: 2").
fn title_with_score(text: &str) -> Option<(&'static QualityStatement, u8)> {
    if text.len() > MAX_KEY_BYTES || !contains_ignore_ascii_case(text, "score") {
        return None;
    }
    let found = LISTED_SCORE.find(text)?;
    let qs = QualityStatement::find(&text[..found.start()])?;
    let score = LISTED_SCORE.captures(text)?[1].parse().ok()?;
    Some((qs, score))
}

static LISTED_SCORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bscore\s*:?\s*([1-4])(?:$|[^0-9])").unwrap());
static OVERALL_PERCENT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)overall rating for [^:\n]{1,120}:\s*(\d{1,3})\s*%",
        r"(?i)\bscored\s+(\d{1,3})\s*(?:%|out of 100|per ?cent)",
        r"(?i)overall score\s*(?:of|:)?\s*(\d{1,3})\b",
        r"(?i)^score\s*:?\s*(\d{2,3})\s*%?$",
        r"(?i)^(?:outstanding|good|requires improvement|inadequate)?\s*(\d{1,3})\s*%$",
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap())
    .collect()
});
static OVERALL_RATING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:overall rating(?: for [^:\n]{1,120})?\s*(?::|is|was)\s*|rated\s+(?:as\s+)?|^|\s)(outstanding|good|requires improvement|inadequate)\s*(?:\d{1,3}\s*%)?(?:$|\s+overall (?:rating|score)\b)").unwrap()
});
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:assessment\s+)?published:?\s*(?:on\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\s+(\d{4})").unwrap()
});

fn iso_date(day: &str, month: &str, year: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = month.to_lowercase();
    let index = MONTHS.iter().position(|m| month.starts_with(m))? + 1;
    let day: u32 = day.parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year}-{index:02}-{day:02}"))
}

struct View<'a> {
    text: &'a str,
    blocks: &'a [Block],
    keys: Vec<String>,
}

impl View<'_> {
    fn text(&self, i: usize) -> &str {
        &self.text[self.blocks[i].start..self.blocks[i].end]
    }
    fn key(&self, i: usize) -> &str {
        &self.keys[i]
    }
    /// The quality statement whose title or slug block `i` is
    /// (`QualityStatement::find` of its text, with the match key already worked out).
    fn quality_statement(&self, i: usize) -> Option<&'static QualityStatement> {
        // A block too long to be a title has an empty key, and no slug is that long.
        QualityStatement::find_keyed(self.text(i), self.key(i))
    }
    fn position(&self, from: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
        (from..self.blocks.len()).find(|&i| pred(self.key(i)))
    }
    fn is_heading(&self, i: usize) -> bool {
        matches!(self.blocks[i].kind, BlockKind::Heading(_))
    }
}

fn strong_summary_marker(key: &str) -> bool {
    key.starts_with("summary of people's experiences")
        || key.starts_with("summary of peoples experiences")
        || key.starts_with("summary of strengths")
        || key == "local authority rating and score"
        || key == "quality statement scores"
}

fn overview_marker(key: &str) -> bool {
    key.starts_with("assessment published") || key == "demographics" || key == "financial facts"
}

/// The council of a "<council>: local authority assessment" title line among the first
/// blocks.
fn title_council(view: &View) -> Option<String> {
    (0..view.blocks.len().min(8)).find_map(|i| {
        if !view.key(i).ends_with("local authority assessment")
            && !view.key(i).contains("local authority assessment ")
        {
            return None;
        }
        council_of_title_line(view.text(i)).map(str::to_string)
    })
}

fn view<'a>(text: &'a str, blocks: &'a [Block]) -> View<'a> {
    let keys = blocks
        .iter()
        .map(|b| {
            let block = &text[b.start..b.end];
            if block.len() <= MAX_KEY_BYTES {
                match_key(block)
            } else {
                String::new()
            }
        })
        .collect();
    View { text, blocks, keys }
}

/// Where each page of a multi-page file starts: a quality statement title followed by
/// its score label or framework headings, the summary's first heading, the overview's
/// first marker. Quality statements listed with their scores on a summary page are not
/// page starts.
fn page_starts(view: &View) -> Vec<usize> {
    let n = view.blocks.len();
    let mut starts = Vec::new();
    let mut in_summary = false;
    let mut in_overview = false;
    for i in 0..n {
        let key = view.key(i);
        let is_title = QualityStatement::find_key(view.key(i)).is_some()
            || title_with_score(view.text(i)).is_some();
        let qs_page = is_title
            && (((i + 1)..n.min(i + 5))
                .any(|j| SCORE_LABEL.is_match(view.text(j)) || SCORE_WORDS.is_match(view.text(j)))
                || ((i + 1)..n.min(i + 9)).any(|j| {
                    let k = view.key(j);
                    k == "what people expect" || k == "the local authority commitment"
                }));
        if qs_page {
            starts.push(i);
            in_summary = false;
            in_overview = false;
        } else if !in_summary
            && (key == "overall summary" || key == "local authority rating and score")
        {
            starts.push(i);
            in_summary = true;
            in_overview = false;
        } else if !in_overview
            && (key == "how we assess local authorities" || key.starts_with("assessment published"))
        {
            starts.push(i);
            in_overview = true;
            in_summary = false;
        }
    }
    starts
}

/// Split a file into its pages; a file with fewer than two page starts is one page.
pub(crate) fn split_pages(
    path: &str,
    format: Format,
    text: String,
    blocks: Vec<Block>,
    council_hint: Option<&str>,
) -> Vec<Document> {
    let v = view(&text, &blocks);
    let starts = page_starts(&v);
    let council = title_council(&v).or_else(|| council_hint.map(str::to_string));
    let keys = v.keys;
    if starts.len() < 2 {
        return vec![recognise_keyed(
            path.to_string(),
            format,
            text,
            blocks,
            council,
            keys,
        )];
    }
    let mut bounds: Vec<usize> = starts.clone();
    bounds[0] = 0; // what comes before the first page (title, downloads) belongs to it
    bounds.push(blocks.len());
    let mut used: Vec<String> = Vec::new();
    let mut pages = Vec::new();
    for w in bounds.windows(2) {
        let mut part_text = String::new();
        let mut part_blocks = Vec::new();
        for block in &blocks[w[0]..w[1]] {
            if !part_text.is_empty() {
                part_text.push_str("\n\n");
            }
            let start = part_text.len();
            part_text.push_str(&text[block.start..block.end]);
            part_blocks.push(Block {
                kind: block.kind,
                start,
                end: part_text.len(),
            });
        }
        let mut doc = recognise(
            String::new(),
            format,
            part_text,
            part_blocks,
            council.as_deref(),
        );
        let base = match (doc.kind, doc.quality_statement) {
            (_, Some(qs)) => qs.slug.to_string(),
            (kind, None) => kind.as_str().to_string(),
        };
        let mut label = base.clone();
        let mut k = 2;
        while used.contains(&label) {
            label = format!("{base}-{k}");
            k += 1;
        }
        used.push(label.clone());
        doc.path = format!("{path}#{label}");
        pages.push(doc);
    }
    pages
}

/// Recognise page kind, facts and findings.
pub(crate) fn recognise(
    path: String,
    format: Format,
    text: String,
    blocks: Vec<Block>,
    council_hint: Option<&str>,
) -> Document {
    let v = view(&text, &blocks);
    let council = title_council(&v).or_else(|| council_hint.map(str::to_string));
    let keys = v.keys;
    recognise_keyed(path, format, text, blocks, council, keys)
}

/// [`recognise`] with the blocks' match keys and the council already worked out.
fn recognise_keyed(
    path: String,
    format: Format,
    text: String,
    blocks: Vec<Block>,
    council: Option<String>,
    keys: Vec<String>,
) -> Document {
    let view = View {
        text: &text,
        blocks: &blocks,
        keys,
    };
    let n = blocks.len();

    let published = contains_ignore_ascii_case(&text, "published")
        .then(|| PUBLISHED.captures(&text))
        .flatten()
        .and_then(|c| iso_date(&c[1], &c[2], &c[3]));

    // Quality statement title followed closely by a score or its label.
    let is_label =
        |j: usize| SCORE_LABEL.is_match(view.text(j)) || SCORE_WORDS.is_match(view.text(j));
    let scored_title = |i: usize| {
        let (qs, inline_score) = match QualityStatement::find_key(view.key(i)) {
            Some(qs) => (qs, None),
            None => title_with_score(view.text(i)).map(|(qs, score)| (qs, Some(score)))?,
        };
        let window = (i + 1)..n.min(i + 5);
        let score_at = window.clone().find(|&j| SCORE_LINE.is_match(view.text(j)));
        let label_at = window.clone().find(|&j| is_label(j));
        (inline_score.is_some() || score_at.is_some() || label_at.is_some()).then_some((
            i,
            qs,
            inline_score,
            score_at,
            label_at,
        ))
    };
    let qs_with_score = (0..n).find_map(scored_title);
    // A summary page lists the quality statements with their scores: an "Overall summary"
    // heading before the first title with a score, or a second such title, makes the page a
    // summary even when it has lost the summary's own headings (a copy of its opening).
    let second_titled_score = qs_with_score.is_some_and(|(title_at, first, ..)| {
        (title_at + 1..n)
            .filter_map(scored_title)
            .any(|(_, qs, ..)| !std::ptr::eq(qs, first))
    });
    let summary_heading_first = qs_with_score
        .is_some_and(|(title_at, ..)| (0..title_at).any(|i| view.key(i) == "overall summary"));
    let has_strong_summary = second_titled_score
        || summary_heading_first
        || (0..n).any(|i| strong_summary_marker(view.key(i)));
    let has_framework = (0..n).any(|i| {
        let k = view.key(i);
        k == "key findings for this quality statement" || k == "the local authority commitment"
    });

    let mut doc = Document {
        path,
        format,
        text: String::new(),
        blocks: Vec::new(),
        kind: PageKind::Other,
        council,
        quality_statement: None,
        score: None,
        score_label: None,
        overall_rating: None,
        overall_percent: None,
        listed_scores: Vec::new(),
        published,
        framework: Vec::new(),
        sections: Vec::new(),
    };

    let findings_from = if has_strong_summary {
        doc.kind = PageKind::Summary;
        summary_facts(&view, &mut doc);
        view.position(0, |k| k.starts_with("summary of"))
            .unwrap_or(n)
    } else if let Some((title_at, qs, inline_score, score_at, label_at)) = qs_with_score {
        doc.kind = PageKind::QualityStatement;
        doc.quality_statement = Some(qs);
        read_score(&view, &mut doc, inline_score, score_at, label_at);
        let after_score = score_at.max(label_at).unwrap_or(title_at);
        quality_statement_findings_start(&view, &mut doc, after_score + 1)
    } else if (0..n).any(|i| overview_marker(view.key(i))) {
        doc.kind = PageKind::Overview;
        n
    } else if (0..n).any(|i| view.key(i) == "overall summary") {
        doc.kind = PageKind::Summary;
        summary_facts(&view, &mut doc);
        view.position(0, |k| k.starts_with("summary of"))
            .unwrap_or(n)
    } else if let (true, Some(title_at)) = (
        has_framework,
        (0..n).find(|&i| QualityStatement::find_key(view.key(i)).is_some()),
    ) {
        doc.kind = PageKind::QualityStatement;
        doc.quality_statement = QualityStatement::find_key(view.key(title_at));
        quality_statement_findings_start(&view, &mut doc, title_at + 1)
    } else if let (true, Some(score_at)) = (
        has_framework,
        (0..n).find(|&i| SCORE_LINE.is_match(view.text(i))),
    ) {
        // The framework's wording and a score, under a title that is none of the nine (a
        // copy that renamed it): a quality statement page all the same, known by its
        // commitment's wording where that is there.
        doc.kind = PageKind::QualityStatement;
        let label_at = (score_at + 1..n.min(score_at + 3)).find(|&j| is_label(j));
        read_score(&view, &mut doc, None, Some(score_at), label_at);
        let findings_from =
            quality_statement_findings_start(&view, &mut doc, label_at.unwrap_or(score_at) + 1);
        doc.quality_statement = doc
            .framework
            .iter()
            .filter(|statement| statement.kind == FrameworkKind::Commitment)
            .find_map(|statement| quality_statement_of_commitment(&statement.text));
        findings_from
    } else {
        // Not a CQC page: everything after a title line is prose.
        usize::from(doc.council.is_some())
    };

    doc.sections = findings(&view, findings_from);
    drop(view);
    doc.text = text;
    doc.blocks = blocks;
    doc
}

/// Read a quality statement page's score: given on its title line, else from its score
/// line or score label (in figures or in words).
fn read_score(
    view: &View,
    doc: &mut Document,
    inline_score: Option<u8>,
    score_at: Option<usize>,
    label_at: Option<usize>,
) {
    let from_line = score_at.and_then(|j| SCORE_LINE.captures(view.text(j)));
    let from_label = label_at.and_then(|j| SCORE_LABEL.captures(view.text(j)));
    doc.score = inline_score
        .or_else(|| from_line.or(from_label).and_then(|c| c[1].parse().ok()))
        .or_else(|| label_at.and_then(|j| score_from_words(view.text(j))));
    doc.score_label = doc.score.and_then(score_label);
}

/// Read the framework wording after the score and return where the findings start: after
/// the "Key findings" heading where the page has one (whatever framework wording before it
/// went unrecognised), else after the framework wording.
fn quality_statement_findings_start(view: &View, doc: &mut Document, from: usize) -> usize {
    let n = view.blocks.len();
    let key_findings = view.position(from, |k| k == "key findings for this quality statement");
    let mut i = from;
    let mut findings_from = from;
    while i < n {
        let key = view.key(i);
        if !view.is_heading(i) && starts_with_i(view.text(i)) {
            // An "I ..." statement, under "What people expect" or without that heading.
            doc.framework.push(FrameworkStatement {
                kind: FrameworkKind::Expectation,
                text: view.text(i).to_string(),
            });
        } else if key == "the local authority commitment" {
            i += 1;
            while i < n && !view.is_heading(i) && view.text(i).starts_with("We ") {
                doc.framework.push(FrameworkStatement {
                    kind: FrameworkKind::Commitment,
                    text: view.text(i).to_string(),
                });
                i += 1;
            }
            findings_from = i;
            continue;
        } else if !(key == "what people expect"
            || key == "downloads"
            || SCORE_LINE.is_match(view.text(i))
            || SCORE_LABEL.is_match(view.text(i))
            || SCORE_WORDS.is_match(view.text(i)))
        {
            break;
        }
        i += 1;
        findings_from = i;
    }
    key_findings.map_or(findings_from, |k| k + 1)
}

fn starts_with_i(text: &str) -> bool {
    text.starts_with("I ")
        || text.starts_with("When I ")
        || text.starts_with("I’")
        || text.starts_with("I'")
}

fn summary_facts(view: &View, doc: &mut Document) {
    let n = view.blocks.len();
    let end = view
        .position(0, |k| k.starts_with("summary of"))
        .unwrap_or(n);
    for i in 0..end {
        let text = view.text(i);
        // Every form of the overall percentage has a digit.
        if doc.overall_percent.is_none() && text.bytes().any(|b| b.is_ascii_digit()) {
            doc.overall_percent = OVERALL_PERCENT
                .iter()
                .find_map(|re| re.captures(text))
                .and_then(|c| c[1].parse::<u8>().ok())
                .filter(|p| *p <= 100);
        }
        let title = view.quality_statement(i);
        if doc.overall_rating.is_none() && title.is_none() {
            doc.overall_rating = OVERALL_RATING
                .captures(text)
                .and_then(|c| canonical_rating(&c[1]));
        }
        // A quality statement title, with its score on the same line or the next.
        let title = if contains_ignore_ascii_case(text, "score") {
            QualityStatement::find(LISTED_SCORE.split(text).next().unwrap_or(text))
        } else {
            title // the title part is the whole block
        };
        if let Some(qs) = title {
            let score = LISTED_SCORE
                .captures(text)
                .or_else(|| {
                    (i + 1 < end)
                        .then(|| LISTED_SCORE.captures(view.text(i + 1)))
                        .flatten()
                })
                .and_then(|c| c[1].parse().ok());
            if let Some(score) = score {
                if !doc
                    .listed_scores
                    .iter()
                    .any(|l| std::ptr::eq(l.quality_statement, qs))
                {
                    doc.listed_scores.push(ListedScore {
                        quality_statement: qs,
                        score,
                    });
                }
            }
        }
    }
}

/// The first line of a page's footer, as a browser's text copy of a CQC page keeps it
/// ("Page last updated", "Is this page useful?", "Back to top", the copyright line): the
/// findings end there. Matched on the whole block, so a finding that opens with the same
/// words ("Last updated in 2019, the strategy ...") is not taken for it.
static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:page )?last updated:?(?:\s+\d{1,2}\s+\p{L}+\s+\d{4})?|(?:is|was) this page (?:useful|helpful)\??|report a problem(?: with this page)?|back to top|share this page|print this page|sign up (?:for|to) (?:our )?(?:newsletter|email updates?)\b.*|©\s*(?:\d{4}\s+)?care quality commission\b.*)$",
    )
    .unwrap()
});

/// Footer lines are short: longer blocks are not tried against [`FOOTER`].
const FOOTER_MAX_BYTES: usize = 160;

/// Sections, paragraphs and sentences from `from` to the end (or the page footer).
fn findings(view: &View, from: usize) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for i in from..view.blocks.len() {
        let block = &view.blocks[i];
        let text = view.text(i);
        if text.len() <= FOOTER_MAX_BYTES && FOOTER.is_match(text) {
            break;
        }
        if view.is_heading(i) {
            sections.push(Section {
                heading: text.to_string(),
                paragraphs: Vec::new(),
            });
            continue;
        }
        let sentences = split_sentences(text)
            .into_iter()
            .map(|(s, e)| Sentence {
                start: block.start + s,
                end: block.start + e,
            })
            .collect();
        if sections.is_empty() {
            sections.push(Section {
                heading: String::new(),
                paragraphs: Vec::new(),
            });
        }
        sections.last_mut().unwrap().paragraphs.push(Paragraph {
            start: block.start,
            end: block.end,
            sentences,
        });
    }
    sections.retain(|s| !s.paragraphs.is_empty());
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_match_in_every_spelling() {
        let lead = QualityStatement::find("Supporting people to lead healthier lives").unwrap();
        assert_eq!(lead.slug, "support");
        assert_eq!(
            QualityStatement::find("Care provision, integration and continuity")
                .unwrap()
                .theme,
            2
        );
        assert_eq!(
            QualityStatement::find("SAFEGUARDING").unwrap().slug,
            "safeguarding"
        );
        assert!(QualityStatement::find("Safeguarding adults board").is_none());
    }

    #[test]
    fn case_blind_search_finds_the_needle_anywhere_whole() {
        assert!(contains_ignore_ascii_case("Published: 4 July", "published"));
        assert!(contains_ignore_ascii_case(
            "Assessing needs SCORE: 3",
            "score"
        ));
        assert!(contains_ignore_ascii_case("a ps pscore", "score"));
        assert!(!contains_ignore_ascii_case("the scor", "score"));
        assert!(!contains_ignore_ascii_case("", "score"));
        assert!(contains_ignore_ascii_case("UPDATED", "updated"));
        assert!(!contains_ignore_ascii_case("dated", "updated"));
        // The same answer as comparing at every place, on random text.
        let mut next = crate::xorshift(0xC0FFEE);
        let letters = b"upPUdaAtTeEbBlLisShH d";
        for _ in 0..20_000 {
            let text: String = (0..next(14))
                .map(|_| char::from(letters[next(letters.len())]))
                .collect();
            for needle in ["updated", "published", "score", "a", "dd"] {
                let everywhere = (0..=text.len().saturating_sub(needle.len())).any(|at| {
                    text.get(at..at + needle.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(needle))
                });
                assert_eq!(
                    contains_ignore_ascii_case(&text, needle),
                    everywhere,
                    "{text:?} {needle:?}"
                );
            }
        }
        assert!(!contains_ignore_ascii_case("s c o r e", "score"));
    }

    #[test]
    fn match_keys_join_words_lowercase_with_single_spaces() {
        assert_eq!(
            match_key("  Safe pathways,  systems & transitions "),
            "safe pathways systems and transitions"
        );
        assert_eq!(match_key("People’s EXPERIENCES"), "people's experiences");
        assert_eq!(match_key("Co-ordinated care"), "coordinated care");
        assert_eq!(
            match_key("Maximize Ély’s 2nd team"),
            "maximise ély's 2nd team"
        );
        assert_eq!(match_key("&"), "and");
        assert_eq!(match_key("..."), "");
    }

    #[test]
    fn dates_become_iso() {
        assert_eq!(
            iso_date("3", "March", "2025").as_deref(),
            Some("2025-03-03")
        );
        assert_eq!(iso_date("40", "March", "2025"), None);
    }
}

#[cfg(test)]
mod variant_tests {
    use crate::cqc::council_of_title_line;
    use crate::{parse, PageKind};

    fn qs_page(score_lines: &str) -> String {
        format!(
            "Example Council: local authority assessment\n\nSafeguarding\n\n{score_lines}\n\nThe local authority commitment\n\nWe work with people.\n\nKey findings for this quality statement\n\nStaff were skilled.\n"
        )
    }

    #[test]
    fn every_score_form_is_read() {
        for (lines, score) in [
            ("Score: 2\n\n2 - Evidence shows some shortfalls", 2),
            ("Score 2\n\n2 – Evidence shows some shortfalls", 2),
            ("Score:3", 3),
            ("Score: 3 3 - Evidence shows a good standard", 3),
            ("2- Evidence shows some shortfalls", 2),
            ("1 - Inadequate: Evidence shows significant shortfalls", 1),
            ("Score: 4\n\n4 - Evidence shows an exceptional standard\n\n4 - Evidence shows an exceptional standard", 4),
        ] {
            let doc = parse("p.txt", qs_page(lines).as_bytes()).unwrap();
            assert_eq!(doc.kind, PageKind::QualityStatement, "{lines}");
            assert_eq!(doc.score, Some(score), "{lines}");
            assert_eq!(doc.quality_statement.unwrap().slug, "safeguarding");
            let sentences: Vec<&str> = doc.sentences().map(|s| doc.sentence_text(s)).collect();
            assert_eq!(sentences, ["Staff were skilled."], "{lines}");
        }
    }

    #[test]
    fn a_score_on_the_title_line_or_only_in_words_is_read() {
        for (lines, score) in [
            (
                "Assessing needs Score: 2\n\n2 - Evidence shows some shortfalls",
                2,
            ),
            ("Assessing needs\n\nEvidence shows a good standard", 3),
            (
                "Assessing needs\n\nScore\n\nEvidence shows significant shortfalls",
                1,
            ),
        ] {
            let page = format!(
                "X Council: local authority assessment\n\n{lines}\n\nKey findings for this quality statement\n\nStaff were skilled.\n"
            );
            let doc = parse("p.txt", page.as_bytes()).unwrap();
            assert_eq!(doc.kind, PageKind::QualityStatement, "{lines}");
            assert_eq!(doc.quality_statement.unwrap().slug, "needs", "{lines}");
            assert_eq!(doc.score, Some(score), "{lines}");
            assert_eq!(doc.sentence_count(), 1, "{lines}");
        }
    }

    #[test]
    fn a_page_with_a_renamed_title_is_known_by_its_commitment() {
        let commitments = [
            ("needs", "We maximise the effectiveness of people’s care and treatment by assessing and reviewing their health, care, wellbeing and communication needs with them."),
            ("support", "We support people to manage their health and wellbeing so they can maximise their independence, choice and control."),
            ("equity", "We actively seek out and listen to information about people who are most likely to experience inequality in experience or outcomes."),
            ("care", "We understand the diverse health and care needs of people and our local communities, so care is joined-up, flexible and supports choice and continuity."),
            ("partnerships", "We understand our duty to collaborate and work in partnership, so our services work seamlessly for people."),
            ("pathways", "We work with people and our partners to establish and maintain safe systems of care, in which safety is managed, monitored and assured."),
            ("safeguarding", "We work with people to understand what being safe means to them and work with our partners to develop the best way to achieve this."),
            ("governance", "We have clear responsibilities, roles, systems of accountability and good governance to manage and deliver good quality, sustainable care, treatment and support."),
            ("learning", "We focus on continuous learning, innovation and improvement across our organisation and the local system."),
        ];
        for (slug, commitment) in commitments {
            let page = format!("X Council: local authority assessment\n\nQuality statement seven\n\nScore: 2\n\n2 - Evidence shows some shortfalls\n\nWhat people expect\n\nI feel safe.\n\nThe local authority commitment\n\n{commitment}\n\nFront door\n\nPeople waited.\n");
            let doc = parse("p.txt", page.as_bytes()).unwrap();
            assert_eq!(doc.kind, PageKind::QualityStatement, "{slug}");
            assert_eq!(doc.quality_statement.map(|qs| qs.slug), Some(slug));
            assert_eq!(doc.score, Some(2), "{slug}");
            assert_eq!(doc.framework.len(), 2, "{slug}");
            assert_eq!(doc.sentence_count(), 1, "{slug}");
        }
    }

    #[test]
    fn a_page_with_a_renamed_title_and_unknown_commitment_is_still_a_scored_page() {
        let page = "X Council: local authority assessment\n\nAssessing people's needs\n\nScore: 3\n\nWhat people expect\n\nI have care and support.\n\nThe local authority commitment\n\nWe do our best.\n\nFront door\n\nPeople waited.\n";
        let doc = parse("p.txt", page.as_bytes()).unwrap();
        assert_eq!(doc.kind, PageKind::QualityStatement);
        assert_eq!(doc.quality_statement, None);
        assert_eq!(doc.score, Some(3));
        assert_eq!(doc.sentence_count(), 1);
    }

    #[test]
    fn framework_wording_is_kept_out_of_findings() {
        let page = "X Council: local authority assessment\n\nAssessing needs\n\nScore: 2\n\nWhat people expect\n\nI have care and support.\n\nI have care and support.\n\nThe local authority commitment\n\nWe maximise care.\n\nFront door\n\nPeople waited.\n";
        let doc = parse("p.txt", page.as_bytes()).unwrap();
        assert_eq!(doc.framework.len(), 3);
        assert_eq!(doc.sections.len(), 1);
        assert_eq!(doc.sections[0].heading, "Front door");
        assert_eq!(doc.sentence_count(), 1);
    }

    #[test]
    fn framework_wording_without_the_what_people_expect_heading_is_not_findings() {
        // With and without the "Key findings" heading that ends the framework wording.
        for key_findings in ["Key findings for this quality statement\n\n", ""] {
            let page = format!(
                "X Council: local authority assessment\n\nEquity in experience and outcomes\n\nScore: 2\n\n\
                 I have care and support that sees me as a unique person.\n\nThe local authority commitment\n\n\
                 We actively seek out information. We tailor the care in response.\n\n{key_findings}\
                 Understanding barriers\n\nLeaders understood the area.\n"
            );
            let doc = parse("p.txt", page.as_bytes()).unwrap();
            let sentences: Vec<&str> = doc.sentences().map(|s| doc.sentence_text(s)).collect();
            assert_eq!(
                sentences,
                ["Leaders understood the area."],
                "{key_findings:?}"
            );
            assert_eq!(doc.framework.len(), 2, "{key_findings:?}");
        }
    }

    #[test]
    fn the_footer_of_a_text_copy_is_not_findings() {
        for footer in [
            "Page last updated\n\n5 December 2024\n\nIs this page useful?\n\nYes\n\nNo",
            "Was this page helpful?",
            "Report a problem with this page\n\nSign up for our newsletter to get updates on our work.",
            "Back to top\n\nContact us\n\nCookies",
            "© Care Quality Commission",
        ] {
            let page = format!("{}\nLast updated in 2019, the procedures were out of date.\n\n{footer}\n\nThe team was praised.\n", qs_page("Score: 3"));
            let doc = parse("p.txt", page.as_bytes()).unwrap();
            let sentences: Vec<&str> = doc.sentences().map(|s| doc.sentence_text(s)).collect();
            assert_eq!(
                sentences,
                [
                    "Staff were skilled.",
                    "Last updated in 2019, the procedures were out of date."
                ],
                "{footer}"
            );
        }
    }

    #[test]
    fn the_council_is_read_from_every_title_line_form() {
        let council = |line| council_of_title_line(line);
        assert_eq!(
            council("Leeds City Council: local authority assessment"),
            Some("Leeds City Council")
        );
        assert_eq!(
            council("Leeds City Council : Local Authority Assessment"),
            Some("Leeds City Council")
        );
        assert_eq!(
            council("Wirral | local authority assessment 2024"),
            Some("Wirral")
        );
        assert_eq!(
            council("Bexley – local authority assessment"),
            Some("Bexley")
        );
        assert_eq!(
            council("Stoke-on-Trent - local authority assessment"),
            Some("Stoke-on-Trent")
        );
        assert_eq!(council(": local authority assessment"), None);
        assert_eq!(council("Leeds local authority assessment"), None);
        assert_eq!(council("Leeds: local authority assessments"), None);
    }

    #[test]
    fn a_saved_page_without_a_title_line_takes_the_council_of_its_html_title() {
        let page = |title: &str| {
            format!(
                "<html><head><title>{title}</title></head><body><h1>Assessing needs</h1>\
                 <p>Score: 3</p><h2>Key findings for this quality statement</h2>\
                 <p>People waited.</p></body></html>"
            )
        };
        let council = |title: &str| parse("p.html", page(title).as_bytes()).unwrap().council;
        assert_eq!(
            council("Assessing needs - Wigan Council: local authority assessment - Care Quality Commission"),
            Some("Wigan Council".into())
        );
        assert_eq!(
            council("Stoke-on-Trent: local authority assessment | CQC"),
            Some("Stoke-on-Trent".into())
        );
        assert_eq!(
            council("Hammersmith &amp; Fulham: local authority assessment"),
            Some("Hammersmith & Fulham".into())
        );
        assert_eq!(council("Assessing needs - Care Quality Commission"), None);
        // The page's own title line comes first.
        let doc = parse(
            "p.html",
            b"<title>Wigan Council: local authority assessment</title>\
              <p>Bolton Council: local authority assessment</p><h1>Assessing needs</h1>",
        )
        .unwrap();
        assert_eq!(doc.council.as_deref(), Some("Bolton Council"));
    }

    #[test]
    fn a_page_without_a_title_line_has_no_council() {
        let doc = parse("p.txt", b"Equity in experience and outcomes\n\nScore: 2\n\nKey findings for this quality statement\n\nStaff were skilled.\n").unwrap();
        assert_eq!(doc.council, None);
        assert_eq!(doc.quality_statement.unwrap().slug, "equity");
    }

    #[test]
    fn lead_healthier_lives_is_the_canonical_title() {
        let doc = parse(
            "p.txt",
            b"Supporting people to lead healthier lives\n\nScore: 3\n",
        )
        .unwrap();
        assert_eq!(
            doc.quality_statement.unwrap().title,
            "Supporting people to live healthier lives"
        );
    }

    #[test]
    fn regression_a_summary_cut_before_its_summary_headings_is_still_a_summary() {
        // The opening of a summary page, as a copy site may keep it: no "Quality statement
        // scores" or "Summary of ..." heading, so only the listed scores say what it is.
        for page in [
            "Example Council: local authority assessment\n\nOverall summary\n\nOverall rating for Example Council: 58%\n\nAssessing needs\n\nScore: 2\n",
            "Example Council: local authority assessment\n\nAssessing needs\n\nScore: 2\n\nSafeguarding\n\nScore: 3\n",
        ] {
            let doc = parse("s.txt", page.as_bytes()).unwrap();
            assert_eq!(doc.kind, PageKind::Summary, "{page}");
            assert!(doc.quality_statement.is_none());
            assert_eq!(doc.listed_scores[0].score, 2);
        }
        // A quality statement page that names another statement in its findings stays one.
        let page = "Example Council: local authority assessment\n\nSafeguarding\n\nScore: 2\n\nKey findings for this quality statement\n\nAssessing needs\n\nStaff were skilled.\n";
        let doc = parse("q.txt", page.as_bytes()).unwrap();
        assert_eq!(doc.kind, PageKind::QualityStatement);
        assert_eq!(doc.score, Some(2));
    }

    fn summary(rating_lines: &str) -> crate::Document {
        let page = format!(
            "Example Council: local authority assessment\n\nPublished: 14 May 2025\n\nOverall summary\n\nLocal authority rating and score\n\n{rating_lines}\n\nQuality statement scores\n\nAssessing needs\n\nScore: 3\n\nSafeguarding Score: 2\n\nSummary of people's experiences\n\nPeople were positive.\n"
        );
        parse("s.txt", page.as_bytes()).unwrap()
    }

    #[test]
    fn every_overall_score_form_is_read() {
        for (lines, rating, percent) in [
            (
                "Example Council\n\nGood\n\nOverall rating for Example Council: 70%",
                Some("Good"),
                Some(70),
            ),
            (
                "Example Council scored 78 out of 100 overall",
                None,
                Some(78),
            ),
            (
                "Requires improvement\n\nScore: 75",
                Some("Requires improvement"),
                Some(75),
            ),
            (
                "Overall score: 62\n\nOverall rating: Requires improvement",
                Some("Requires improvement"),
                Some(62),
            ),
        ] {
            let doc = summary(lines);
            assert_eq!(doc.kind, PageKind::Summary);
            assert_eq!(doc.overall_rating, rating, "{lines}");
            assert_eq!(doc.overall_percent, percent, "{lines}");
            assert_eq!(doc.published.as_deref(), Some("2025-05-14"));
            let listed: Vec<(&str, u8)> = doc
                .listed_scores
                .iter()
                .map(|l| (l.quality_statement.slug, l.score))
                .collect();
            assert_eq!(listed, [("needs", 3), ("safeguarding", 2)], "{lines}");
            assert_eq!(doc.sentence_count(), 1);
        }
    }

    #[test]
    fn overview_pages_have_no_findings() {
        let doc = parse("o.txt", b"X Council: local authority assessment\n\nAssessment published: 30 May 2025\n\nAbout X Council\n\nDemographics\n\nX has a population of 100,000.\n").unwrap();
        assert_eq!(doc.kind, PageKind::Overview);
        assert_eq!(doc.published.as_deref(), Some("2025-05-30"));
        assert_eq!(doc.sentence_count(), 0);
    }

    #[test]
    fn other_documents_are_processed_as_prose() {
        let doc = parse(
            "n.txt",
            b"Meeting notes\n\nWe discussed the budget. It was tight.\n",
        )
        .unwrap();
        assert_eq!(doc.kind, PageKind::Other);
        assert_eq!(doc.sentence_count(), 2);
        assert_eq!(doc.sections[0].heading, "Meeting notes");
    }
}
