//! # ingest: bytes to a structured [`Document`]
//!
//! `ingest` turns a report as downloaded (a saved HTML page or plain text) into a
//! [`Document`]: the normalised text, its [`Block`]s (headings, paragraphs, list items,
//! table cells) in order, the CQC page facts it can recognise (page [`PageKind`],
//! council, [`QualityStatement`], score, overall rating, published date), the
//! framework's fixed wording, and the findings split into [`Section`]s, paragraphs
//! and [`Sentence`]s with byte offsets into [`Document::text`].
//!
//! It knows nothing about rules or tagging: that is the `extract` crate's job.
//!
//! Main entry points: [`parse`] (bytes plus a path label, format sniffed) and
//! [`split_sentences`] (the sentence splitter on its own).
//!
//! ```
//! let page = "Example Council: local authority assessment\n\n\
//!             Assessing needs\n\nScore: 3\n\n3 - Evidence shows a good standard\n\n\
//!             Key findings for this quality statement\n\n\
//!             Front door\n\n\
//!             People said staff were kind, e.g. Dr. Smith. Waits were long.\n";
//! let doc = ingest::parse("example/needs.txt", page.as_bytes()).unwrap();
//! assert_eq!(doc.kind, ingest::PageKind::QualityStatement);
//! assert_eq!(doc.council.as_deref(), Some("Example Council"));
//! assert_eq!(doc.quality_statement.unwrap().title, "Assessing needs");
//! assert_eq!(doc.score, Some(3));
//! let sentences: Vec<&str> = doc.sentences().map(|s| doc.sentence_text(s)).collect();
//! assert_eq!(sentences, ["People said staff were kind, e.g. Dr. Smith.", "Waits were long."]);
//! assert_eq!(doc.sections[0].heading, "Front door");
//! ```

mod blocks;
mod cqc;
mod decode;
mod html;
mod sentences;

/// Whether `needle` (lowercase ASCII, not empty) occurs in `haystack`, ignoring ASCII case.
pub(crate) fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (n, h) = (needle.as_bytes(), haystack.as_bytes());
    let first = n[0];
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), h).any(|at| {
        h[at..]
            .get(..n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// A repeatable stream of numbers below the bound it is called with, for the randomised
/// tests.
#[cfg(test)]
pub(crate) fn xorshift(mut state: u64) -> impl FnMut(usize) -> usize {
    move |bound| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    }
}

use std::fmt;

pub use cqc::{QualityStatement, QUALITY_STATEMENTS};
pub use decode::{decode, Decoded};
pub use sentences::split_sentences;

/// Largest input accepted by default (bytes); see [`ParseOptions::max_bytes`]. Report
/// pages are tens of kilobytes and whole reports a few megabytes; the limit keeps one
/// stray huge file from exhausting memory.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// How the input was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Html,
    Text,
}

/// Which CQC page a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// One of the nine quality statement pages.
    QualityStatement,
    /// The "Overall summary" page with the rating and the nine scores.
    Summary,
    /// The "About `<council>`" page: demographics and financial facts.
    Overview,
    /// Anything else: processed as plain prose.
    Other,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::QualityStatement => "quality_statement",
            PageKind::Summary => "summary",
            PageKind::Overview => "overview",
            PageKind::Other => "other",
        }
    }
}

impl fmt::Display for PageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a block of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading; level 1-6 (text input: 2 for the title line, 3 otherwise).
    Heading(u8),
    Paragraph,
    ListItem,
    TableCell,
}

/// One block of the normalised text: `text[start..end]` of the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Block {
    pub kind: BlockKind,
    pub start: usize,
    pub end: usize,
}

/// Which part of the framework's fixed wording a statement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameworkKind {
    /// An "I ..." statement under "What people expect".
    Expectation,
    /// The "We ..." statement under "The local authority commitment".
    Commitment,
}

/// A piece of the framework's fixed wording (not a finding about the council).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FrameworkStatement {
    pub kind: FrameworkKind,
    pub text: String,
}

/// A sentence of findings: `text[start..end]` of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

/// A paragraph of findings and its sentences.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Paragraph {
    pub start: usize,
    pub end: usize,
    pub sentences: Vec<Sentence>,
}

/// Findings under one sub-heading (the heading is empty before the first one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<Paragraph>,
}

/// A quality statement score listed on a summary page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ListedScore {
    pub quality_statement: &'static QualityStatement,
    pub score: u8,
}

/// A parsed report page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Document {
    /// The path label the document was parsed under.
    pub path: String,
    pub format: Format,
    /// Normalised text: blocks separated by a blank line. All offsets point here.
    pub text: String,
    pub blocks: Vec<Block>,
    pub kind: PageKind,
    /// Council name from the "`<council>`: local authority assessment" title line.
    pub council: Option<String>,
    pub quality_statement: Option<&'static QualityStatement>,
    pub score: Option<u8>,
    /// Canonical label, e.g. "3 - Evidence shows a good standard".
    pub score_label: Option<&'static str>,
    /// Overall rating stated on a summary page.
    pub overall_rating: Option<&'static str>,
    /// Overall score (percent) stated on a summary page.
    pub overall_percent: Option<u8>,
    /// The nine scores listed on a summary page, in page order.
    pub listed_scores: Vec<ListedScore>,
    /// Publication date as `YYYY-MM-DD`.
    pub published: Option<String>,
    pub framework: Vec<FrameworkStatement>,
    pub sections: Vec<Section>,
}

impl Document {
    /// All findings sentences in document order.
    pub fn sentences(&self) -> impl Iterator<Item = &Sentence> {
        self.sections
            .iter()
            .flat_map(|s| s.paragraphs.iter())
            .flat_map(|p| p.sentences.iter())
    }

    pub fn sentence_text(&self, sentence: &Sentence) -> &str {
        &self.text[sentence.start..sentence.end]
    }

    pub fn block_text(&self, block: &Block) -> &str {
        &self.text[block.start..block.end]
    }

    pub fn sentence_count(&self) -> usize {
        self.sentences().count()
    }
}

/// Why a file could not be ingested.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IngestError {
    #[error("{path}: empty file")]
    Empty { path: String },
    #[error("{path}: binary file (byte {offset} is not text)")]
    Binary { path: String, offset: usize },
    #[error("{path}: file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        path: String,
        size: usize,
        limit: usize,
    },
    #[error("{path}: no readable text")]
    NoText { path: String },
    #[error(
        "{path}: {what}, not a saved web page or text: save the report's pages as HTML or text"
    )]
    NotAPage { path: String, what: &'static str },
}

/// What a file is when its first bytes are those of a format that is not a page (a PDF,
/// an archive, an image), so the error can say so rather than "binary" or read it as text.
fn other_format(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF-", "a PDF (PDF reports are not read yet)"),
        (b"PK\x03\x04", "a ZIP archive (or a Word or Excel file)"),
        (b"\xD0\xCF\x11\xE0", "an old Word or Excel file"),
        (b"{\\rtf", "an RTF document"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|&(_, what)| what)
}

/// Options for [`parse_with`].
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Inputs larger than this are refused with [`IngestError::TooLarge`].
    pub max_bytes: usize,
    /// Force a format instead of sniffing it from the path and content.
    pub format: Option<Format>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            format: None,
        }
    }
}

/// Parse a document with default options; `path` labels it and helps sniff the format.
pub fn parse(path: &str, bytes: &[u8]) -> Result<Document, IngestError> {
    parse_with(path, bytes, &ParseOptions::default())
}

/// Parse a document as one page.
pub fn parse_with(
    path: &str,
    bytes: &[u8],
    options: &ParseOptions,
) -> Result<Document, IngestError> {
    let (format, text, blocks, council) = read_blocks(path, bytes, options)?;
    Ok(cqc::recognise(
        path.to_string(),
        format,
        text,
        blocks,
        council.as_deref(),
    ))
}

/// Parse a file that may hold several report pages (a whole report saved as one file):
/// each page becomes its own [`Document`], labelled `<path>#<page>` (`report.txt#needs`,
/// `report.txt#summary`). A file with one page gives one document labelled `path`.
///
/// ```
/// let report = "Example Council: local authority assessment\n\n\
///     Assessing needs\n\nScore: 2\n\n2 - Evidence shows some shortfalls\n\n\
///     Key findings for this quality statement\n\nPeople waited.\n\n\
///     Safeguarding\n\nScore: 3\n\n3 - Evidence shows a good standard\n\n\
///     Key findings for this quality statement\n\nEnquiries were prompt.\n";
/// let pages = ingest::parse_pages("report.txt", report.as_bytes(), &Default::default()).unwrap();
/// let labels: Vec<&str> = pages.iter().map(|d| d.path.as_str()).collect();
/// assert_eq!(labels, ["report.txt#needs", "report.txt#safeguarding"]);
/// assert_eq!(pages[1].council.as_deref(), Some("Example Council"));
/// assert_eq!(pages[1].score, Some(3));
/// ```
pub fn parse_pages(
    path: &str,
    bytes: &[u8],
    options: &ParseOptions,
) -> Result<Vec<Document>, IngestError> {
    let (format, text, blocks, council) = read_blocks(path, bytes, options)?;
    Ok(cqc::split_pages(
        path,
        format,
        text,
        blocks,
        council.as_deref(),
    ))
}

/// A file's format, normalised text and blocks, and (for HTML) the council its `<title>`
/// names.
type ReadBlocks = (Format, String, Vec<Block>, Option<String>);

fn read_blocks(
    path: &str,
    bytes: &[u8],
    options: &ParseOptions,
) -> Result<ReadBlocks, IngestError> {
    if bytes.len() > options.max_bytes {
        return Err(IngestError::TooLarge {
            path: path.to_string(),
            size: bytes.len(),
            limit: options.max_bytes,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty {
            path: path.to_string(),
        });
    }
    if let Some(what) = other_format(bytes) {
        return Err(IngestError::NotAPage {
            path: path.to_string(),
            what,
        });
    }
    let format = options.format.unwrap_or_else(|| sniff_format(path, bytes));
    let decoded = decode(bytes, format == Format::Html);
    if let Some(offset) = decode::binary_offset(&decoded.text) {
        return Err(IngestError::Binary {
            path: path.to_string(),
            offset,
        });
    }
    let (raw, council) = match format {
        Format::Html => (
            html::raw_blocks(&decoded.text),
            html::title(&decoded.text)
                .and_then(|title| cqc::council_of_page_title(&title).map(str::to_string)),
        ),
        Format::Text => (blocks::text_raw_blocks(&decoded.text), None),
    };
    let (text, blocks) = blocks::build(raw);
    if blocks.is_empty() {
        return Err(IngestError::NoText {
            path: path.to_string(),
        });
    }
    Ok((format, text, blocks, council))
}

/// Decide HTML or text from the extension, then from the first bytes.
pub fn sniff_format(path: &str, bytes: &[u8]) -> Format {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
        return Format::Html;
    }
    if lower.ends_with(".txt") || lower.ends_with(".text") {
        return Format::Text;
    }
    let head: Vec<u8> = bytes
        .iter()
        .take(512)
        .filter(|b| **b != 0)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let head = String::from_utf8_lossy(&head);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body") {
        Format::Html
    } else {
        Format::Text
    }
}
