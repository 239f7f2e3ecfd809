//! Dataset writers. Every file is written to a temporary file in the output folder and
//! renamed into place at the end, so a file is there whole or not at all, and no other
//! file in the folder is touched.

use crate::councils::Council;
use crate::inputs::{FileError, Level};
use crate::run::{RunError, SentenceId, SentenceIds, Tagged};
use extract::{RuleSet, Tags};
use ingest::Document;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// One sentence of findings with its place and tags.
pub struct SentenceRow<'a> {
    pub document: &'a Document,
    pub section: &'a str,
    /// 1-based paragraph number within the document's findings.
    pub paragraph: usize,
    /// 1-based sentence number within its paragraph.
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub tags: &'a Tags,
}

impl SentenceRow<'_> {
    pub fn text(&self) -> &str {
        &self.document.text[self.start..self.end]
    }
}

/// Rows for one document's sentences, in document order.
pub fn sentence_rows(tagged: &Tagged) -> Vec<SentenceRow<'_>> {
    let doc = &tagged.document;
    let mut rows = Vec::with_capacity(tagged.tags.len());
    let mut tags = tagged.tags.iter();
    let paragraphs = doc
        .sections
        .iter()
        .flat_map(|section| section.paragraphs.iter().map(move |p| (section, p)));
    for (p, (section, paragraph)) in paragraphs.enumerate() {
        for (s, sentence) in paragraph.sentences.iter().enumerate() {
            let Some(t) = tags.next() else { return rows };
            rows.push(SentenceRow {
                document: doc,
                section: &section.heading,
                paragraph: p + 1,
                sentence: s + 1,
                start: sentence.start,
                end: sentence.end,
                tags: t,
            });
        }
    }
    rows
}

/// A file being written in the output folder under a temporary name.
pub struct StagedFile {
    temp: NamedTempFile,
    target: PathBuf,
    writer: BufWriter<File>,
}

impl StagedFile {
    pub fn create(dir: &Path, name: &str) -> Result<StagedFile, RunError> {
        let target = dir.join(name);
        let fail = |source| RunError::Write {
            path: target.display().to_string(),
            source,
        };
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempfile_in(dir)
            .map_err(fail)?;
        // Rendered runs of rows are larger than the buffer and go straight to the file;
        // the buffer gathers the small writes (header, error rows, aggregate rows).
        let writer = BufWriter::with_capacity(32 << 10, temp.reopen().map_err(fail)?);
        Ok(StagedFile {
            temp,
            target,
            writer,
        })
    }

    fn error(&self, source: std::io::Error) -> RunError {
        RunError::Write {
            path: self.target.display().to_string(),
            source,
        }
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), RunError> {
        self.writer.write_all(bytes).map_err(|e| self.error(e))
    }

    /// Flush and rename into place.
    pub fn commit(mut self) -> Result<(), RunError> {
        self.writer.flush().map_err(|e| self.error(e))?;
        let StagedFile {
            temp,
            target,
            writer,
        } = self;
        drop(writer);
        readable(&temp).map_err(|source| RunError::Write {
            path: target.display().to_string(),
            source,
        })?;
        temp.persist(&target)
            .map(|_| ())
            .map_err(|e| RunError::Write {
                path: target.display().to_string(),
                source: e.error,
            })
    }
}

/// A CSV file being written under a temporary name.
pub struct StagedCsv {
    file: StagedFile,
    /// The row being written (one encoder for all rows: building a `csv::Writer` a row
    /// cost more than the row).
    row: CsvRows,
}

impl StagedCsv {
    pub fn create(dir: &Path, name: &str, header: &[&str]) -> Result<StagedCsv, RunError> {
        let mut csv = StagedCsv {
            file: StagedFile::create(dir, name)?,
            row: CsvRows::new(256),
        };
        csv.row(header)?;
        Ok(csv)
    }

    /// Write a row of one or more fields.
    pub fn row<I, T>(&mut self, fields: I) -> Result<(), RunError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut fields = fields.into_iter().peekable();
        debug_assert!(fields.peek().is_some(), "a CSV row needs a field");
        while let Some(field) = fields.next() {
            if fields.peek().is_some() {
                self.row.field(field);
            } else {
                self.row.last_field(field);
            }
        }
        let written = self.file.write_all(&self.row.out);
        self.row.out.clear();
        written
    }

    /// Append rows already rendered as CSV (see [`render`]).
    pub fn append_rendered(&mut self, rows: &[u8]) -> Result<(), RunError> {
        self.file.write_all(rows)
    }

    /// Flush and rename into place.
    pub fn commit(self) -> Result<(), RunError> {
        self.file.commit()
    }
}

/// Give a finished output file the permissions of a normal new file (temporary files are
/// created private).
fn readable(temp: &NamedTempFile) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = temp;
    Ok(())
}

pub fn report_columns() -> Vec<&'static str> {
    [
        &[
            "path",
            "kind",
            "council",
            "gss_code",
            "quality_statement",
            "qs_slug",
            "theme",
            "score",
            "score_label",
            "overall_rating",
            "overall_percent",
            "published",
            "format",
        ][..],
        &crate::stats::COUNT_COLUMNS,
        &["shortfall_share", "listed_scores"],
    ]
    .concat()
}
pub const SENTENCE_COLUMNS: &[&str] = &[
    "sentence_id",
    "path",
    "council",
    "gss_code",
    "quality_statement",
    "section",
    "paragraph",
    "sentence",
    "start",
    "end",
    "polarity",
    "themes",
    "evidence_source",
    "rules",
    "text",
];
pub const FINDING_COLUMNS: &[&str] = &[
    "sentence_id",
    "council",
    "gss_code",
    "quality_statement",
    "theme_id",
    "polarity",
    "evidence_source",
    "path",
    "text",
];

pub(crate) fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// `numerator / denominator` to four places, empty when the denominator is 0.
pub(crate) fn share(numerator: usize, denominator: usize) -> String {
    if denominator == 0 {
        String::new()
    } else {
        fixed(numerator as f64 / denominator as f64, 4)
    }
}

/// `value` to `places` decimal places (at most 4), exactly as `format!("{value:.places$}")`
/// writes it, without its cost (a thousand instructions and more a number, a row of the
/// aggregate tables has several): the scaled value rounds to an integer whose digits are
/// written out, unless it is close to halfway between two (where the formatter's exact
/// rounding of the binary value decides) or too large to scale exactly.
pub(crate) fn fixed(value: f64, places: u32) -> String {
    debug_assert!(places <= 4);
    let scale = 10u64.pow(places);
    let scaled = value.abs() * scale as f64;
    // The product's rounding error is below 1e-7 up to 1e9: far from halfway, the nearest
    // integer is the formatter's.
    if scaled.is_nan() || scaled >= 1e9 || (scaled.fract() - 0.5).abs() < 1e-6 {
        return format!("{value:.prec$}", prec = places as usize);
    }
    let units = scaled.round() as u64;
    let mut out = String::with_capacity(16);
    if value.is_sign_negative() {
        out.push('-');
    }
    let mut digits = itoa::Buffer::new();
    out.push_str(digits.format(units / scale));
    if places > 0 {
        out.push('.');
        let fraction = digits.format(units % scale);
        for _ in fraction.len()..places as usize {
            out.push('0');
        }
        out.push_str(fraction);
    }
    out
}

/// Whether a string is a name (an id or a label): letters, digits, `-` and `_`, which
/// neither JSON nor CSV needs to escape or quote.
fn is_name(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether a JSON string holds nothing to escape: no quote, backslash or control
/// character. (Folded without stopping early, so the compiler checks many bytes at a time.)
fn needs_no_escape(s: &str) -> bool {
    s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    })
}

/// findings.jsonl, a line per sentence, written piece by piece: the keys are constants,
/// numbers go through itoa, names need no escaping, and other strings go through
/// serde_json's escaping (the path once a document). Derived `Serialize` spent more on the
/// keys and the map machinery than on the text (a quarter of the rendering).
struct JsonLines<'a> {
    out: Vec<u8>,
    path: Vec<u8>,
    /// See [`Renderer::match_openings`].
    match_openings: &'a [Vec<u8>],
}

impl<'a> JsonLines<'a> {
    /// Lines appended to `out`, with room for `additional` bytes more.
    fn after(
        mut out: Vec<u8>,
        additional: usize,
        path: &str,
        match_openings: &'a [Vec<u8>],
    ) -> JsonLines<'a> {
        out.reserve(additional);
        let path = serde_json::to_vec(path).expect("a string serialises");
        JsonLines {
            out,
            path,
            match_openings,
        }
    }

    /// `{"sentence_id":…,"path":…,"start":…,"end":…,"polarity":…,"themes":[…],
    /// "evidence_source":…,"matches":[{"rule":…,"start":…,"end":…,"text":…}, …]}`, where a
    /// match also carries each of its flags that holds (`"negated":true`, `"aim":true`,
    /// `"circumstance":true`, `"page":true`, ...), and a match of the page (not of the
    /// text) has null offsets.
    fn push(&mut self, id: &SentenceId, row: &SentenceRow) {
        self.raw(b"{\"sentence_id\":\"");
        self.raw(id.as_bytes());
        self.raw(b"\",\"path\":");
        self.out.extend_from_slice(&self.path);
        self.raw(b",\"start\":");
        self.number(Some(row.start));
        self.raw(b",\"end\":");
        self.number(Some(row.end));
        self.raw(b",\"polarity\":");
        self.name(row.tags.polarity.as_str());
        self.raw(b",\"themes\":[");
        for (i, theme) in row.tags.themes.iter().enumerate() {
            if i > 0 {
                self.raw(b",");
            }
            self.name(theme);
        }
        self.raw(b"],\"evidence_source\":");
        self.name(row.tags.evidence.as_str());
        self.raw(b",\"matches\":[");
        // Matched text is part of the sentence: when the sentence has nothing to escape,
        // neither has any of it.
        let sentence_plain = needs_no_escape(row.text());
        for (i, m) in row.tags.matches.iter().enumerate() {
            if i > 0 {
                self.raw(b",");
            }
            self.out.extend_from_slice(&self.match_openings[m.rule]);
            self.number((!m.page).then_some(row.start + m.start));
            self.raw(b",\"end\":");
            self.number((!m.page).then_some(row.start + m.end));
            self.raw(b",\"text\":");
            let text = &row.text()[m.start..m.end];
            if sentence_plain {
                self.quoted(text);
            } else {
                self.string(text);
            }
            for (flag, key) in [
                (m.negated, &b",\"negated\":true"[..]),
                (m.aim, b",\"aim\":true"),
                (m.circumstance, b",\"circumstance\":true"),
                (m.superseded, b",\"superseded\":true"),
                (m.object, b",\"object\":true"),
                (m.page, b",\"page\":true"),
            ] {
                if flag {
                    self.raw(key);
                }
            }
            if let Some(reading) = m.reading {
                self.raw(b",\"reading\":\"");
                self.raw(reading.as_str().as_bytes());
                self.raw(b"\"");
            }
            self.raw(b"}");
        }
        self.raw(b"]}\n");
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// A JSON string as `serde_json` writes it; one with nothing to escape (most matched
    /// text) is copied between quotes.
    fn string(&mut self, s: &str) {
        if needs_no_escape(s) {
            self.quoted(s);
        } else {
            serde_json::to_writer(&mut self.out, s).expect("a string serialises");
        }
    }

    /// A string with nothing to escape, between quotes.
    fn quoted(&mut self, s: &str) {
        debug_assert!(needs_no_escape(s), "{s:?}");
        self.raw(b"\"");
        self.raw(s.as_bytes());
        self.raw(b"\"");
    }

    /// A string of letters, digits, `-` and `_` (sentence and rule ids, labels): nothing
    /// in it to escape.
    fn name(&mut self, s: &str) {
        debug_assert!(is_name(s), "{s:?}");
        self.raw(b"\"");
        self.raw(s.as_bytes());
        self.raw(b"\"");
    }

    fn number(&mut self, n: Option<usize>) {
        match n {
            Some(n) => self.raw(itoa::Buffer::new().format(n).as_bytes()),
            None => self.raw(b"null"),
        }
    }
}

/// Documents' rows, rendered (in a worker thread) to the bytes of each file, in input
/// order.
#[derive(Default)]
pub struct Rendered {
    reports: Vec<u8>,
    sentences: Vec<u8>,
    findings: Vec<u8>,
    jsonl: Vec<u8>,
}

impl Rendered {
    /// The bytes rendered, all files together.
    pub fn byte_len(&self) -> usize {
        self.reports.len() + self.sentences.len() + self.findings.len() + self.jsonl.len()
    }

    fn clear(&mut self) {
        self.reports.clear();
        self.sentences.clear();
        self.findings.clear();
        self.jsonl.clear();
    }
}

/// CSV rows written by csv_core (the csv crate's engine, quoting and escaping as the
/// crate does) straight into a buffer. The fields every row of a document shares are
/// encoded once ([`CsvRows::encoded`]) and copied into each row; numbers, ids and labels
/// ([`CsvRows::names`]) need no quoting.
struct CsvRows {
    out: Vec<u8>,
    writer: csv_core::Writer,
}

impl CsvRows {
    fn new(capacity: usize) -> CsvRows {
        CsvRows::after(Vec::new(), capacity)
    }

    /// Rows appended to `out`, with room for `additional` bytes more.
    fn after(mut out: Vec<u8>, additional: usize) -> CsvRows {
        out.reserve(additional);
        CsvRows {
            out,
            writer: csv_core::Writer::new(),
        }
    }

    /// `fields`, each followed by its delimiter, to copy into rows with [`CsvRows::raw`].
    fn encoded<'a>(fields: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
        let mut rows = CsvRows::new(256);
        for field in fields {
            rows.field(field);
        }
        rows.out
    }

    /// A field and the delimiter after it.
    fn field(&mut self, field: impl AsRef<[u8]>) {
        self.encode(field.as_ref(), csv_core::Writer::delimiter);
    }

    /// The last field of a row and the row's end.
    fn last_field(&mut self, field: impl AsRef<[u8]>) {
        self.encode(field.as_ref(), csv_core::Writer::terminator);
    }

    fn encode(
        &mut self,
        field: &[u8],
        end: fn(&mut csv_core::Writer, &mut [u8]) -> (csv_core::WriteResult, usize),
    ) {
        // Room for the worst case: every byte a quote (doubled), two quotes, the end.
        let start = self.out.len();
        self.out.resize(start + 2 * field.len() + 4, 0);
        let (_, read, written) = self.writer.field(field, &mut self.out[start..]);
        debug_assert_eq!(read, field.len());
        let (_, ended) = end(&mut self.writer, &mut self.out[start + written..]);
        self.out.truncate(start + written + ended);
    }

    /// A field of names (ids and labels: letters, digits, `-` and `_`) joined by `;`, and
    /// the delimiter after it: nothing in it to quote.
    fn names<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        for (i, name) in names.into_iter().enumerate() {
            debug_assert!(is_name(name), "{name:?}");
            if i > 0 {
                self.out.push(b';');
            }
            self.raw(name.as_bytes());
        }
        self.out.push(b',');
    }

    /// A sentence id and the delimiter after it.
    fn id(&mut self, id: &SentenceId) {
        self.raw(id.as_bytes());
        self.out.push(b',');
    }

    /// A number and the delimiter after it.
    fn number(&mut self, n: usize) {
        self.raw(itoa::Buffer::new().format(n).as_bytes());
        self.out.push(b',');
    }

    /// Bytes already encoded (see [`CsvRows::encoded`]).
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
}

/// Renders documents' rows with one rule set: what every document's rows share is worked
/// out once.
pub struct Renderer<'a> {
    rules: &'a RuleSet,
    /// Per rule, the start of a findings.jsonl match object up to its start offset:
    /// `{"rule":"<id>","start":`.
    match_openings: Vec<Vec<u8>>,
}

impl<'a> Renderer<'a> {
    pub fn new(rules: &'a RuleSet) -> Renderer<'a> {
        let match_openings = rules
            .rules()
            .iter()
            .map(|rule| format!("{{\"rule\":\"{}\",\"start\":", rule.id).into_bytes())
            .collect();
        Renderer {
            rules,
            match_openings,
        }
    }

    pub fn rules(&self) -> &'a RuleSet {
        self.rules
    }

    /// Render one document's rows of reports.csv, sentences.csv, findings.csv and
    /// findings.jsonl after those already in `out`.
    pub fn render(&self, tagged: &Tagged, council: Option<&Council>, out: &mut Rendered) {
        let rules = self.rules;
        let doc = &tagged.document;
        let counts = crate::stats::polarity_counts(&tagged.tags);
        let listed = doc
            .listed_scores
            .iter()
            .map(|l| format!("{}={}", l.quality_statement.slug, l.score))
            .collect::<Vec<_>>()
            .join(";");
        let qs = doc.quality_statement;
        // As the page writes it, or the table's name for a council inferred without a title.
        let council_name = opt(doc.council.as_deref().or(council.map(|c| c.name.as_str())));
        let gss = opt(council.map(|c| c.gss_code.as_str()));
        let qs_title = opt(qs.map(|q| q.title));
        let mut reports = CsvRows::after(std::mem::take(&mut out.reports), 512);
        for field in [
            doc.path.clone(),
            doc.kind.to_string(),
            council_name.clone(),
            gss.clone(),
            qs_title.clone(),
            opt(qs.map(|q| q.slug)),
            opt(qs.map(|q| q.theme)),
            opt(doc.score),
            opt(doc.score_label),
            opt(doc.overall_rating),
            opt(doc.overall_percent),
            opt(doc.published.as_deref()),
            match doc.format {
                ingest::Format::Html => "html".into(),
                ingest::Format::Text => "text".into(),
            },
        ]
        .into_iter()
        .chain(crate::stats::count_fields(&counts))
        .chain([crate::stats::shortfall_share(&counts)])
        {
            reports.field(field);
        }
        reports.last_field(listed);
        let rows = sentence_rows(tagged);
        // Room for the rows, so the buffers are not grown (and copied) as they fill: a row
        // holds its sentence, the document's names, and about a hundred bytes more (in
        // sentences.csv, also its section and rule ids); a JSON line, a few dozen bytes per
        // match.
        let names = doc.path.len() + council_name.len() + gss.len() + qs_title.len();
        let row_bytes = |row: &SentenceRow| row.end - row.start + names + 128;
        let sentences_bytes: usize = rows
            .iter()
            .map(|row| row_bytes(row) + row.section.len() + 8 * row.tags.rules.len())
            .sum();
        let findings_bytes: usize = rows
            .iter()
            .map(|row| row.tags.themes.len() * row_bytes(row))
            .sum();
        let jsonl_bytes: usize = rows
            .iter()
            .map(|row| row_bytes(row) + 64 * row.tags.matches.len())
            .sum();
        let sentence_ids = SentenceIds::new(&doc.path);
        let ids: Vec<SentenceId> = rows
            .iter()
            .map(|r| sentence_ids.id(r.start, r.end))
            .collect();
        // The fields every row of the document shares, encoded once.
        let path = CsvRows::encoded([doc.path.as_str()]);
        let council_gss_qs = CsvRows::encoded([council_name.as_str(), gss.as_str(), &qs_title]);
        let mut sentences = CsvRows::after(std::mem::take(&mut out.sentences), sentences_bytes);
        let mut findings = CsvRows::after(std::mem::take(&mut out.findings), findings_bytes);
        // A section's heading is encoded once for its rows.
        let mut section: (&str, Vec<u8>) = ("", CsvRows::encoded([""]));
        for (row, id) in rows.iter().zip(&ids) {
            if !std::ptr::eq(section.0, row.section) {
                section = (row.section, CsvRows::encoded([row.section]));
            }
            sentences.id(id);
            sentences.raw(&path);
            sentences.raw(&council_gss_qs);
            sentences.raw(&section.1);
            for n in [row.paragraph, row.sentence, row.start, row.end] {
                sentences.number(n);
            }
            sentences.names([row.tags.polarity.as_str()]);
            sentences.names(row.tags.themes.iter().copied());
            sentences.names([row.tags.evidence.as_str()]);
            sentences.names(row.tags.rule_ids(rules));
            // The text ends each row of both files: encoded once, copied into findings rows.
            let text_at = sentences.out.len();
            sentences.last_field(row.text());
            let text = &sentences.out[text_at..];
            for theme in &row.tags.themes {
                findings.id(id);
                findings.raw(&council_gss_qs);
                for name in [
                    theme,
                    row.tags.polarity.as_str(),
                    row.tags.evidence.as_str(),
                ] {
                    findings.names([name]);
                }
                findings.raw(&path);
                findings.raw(text);
            }
        }
        let mut jsonl = JsonLines::after(
            std::mem::take(&mut out.jsonl),
            jsonl_bytes,
            &doc.path,
            &self.match_openings,
        );
        for (row, id) in rows.iter().zip(&ids) {
            jsonl.push(id, row);
        }
        *out = Rendered {
            reports: reports.out,
            sentences: sentences.out,
            findings: findings.out,
            jsonl: jsonl.out,
        };
    }
}

/// The per-sentence outputs, appended in input order as documents arrive.
pub struct Outputs {
    reports: StagedCsv,
    sentences: StagedCsv,
    findings: StagedCsv,
    matches: StagedFile,
}

impl Outputs {
    pub fn create(dir: &Path) -> Result<Outputs, RunError> {
        Ok(Outputs {
            reports: StagedCsv::create(dir, "reports.csv", &report_columns())?,
            sentences: StagedCsv::create(dir, "sentences.csv", SENTENCE_COLUMNS)?,
            findings: StagedCsv::create(dir, "findings.csv", FINDING_COLUMNS)?,
            matches: StagedFile::create(dir, "findings.jsonl")?,
        })
    }

    /// Write the rows `rendered` holds and empty it for more.
    pub fn append(&mut self, rendered: &mut Rendered) -> Result<(), RunError> {
        self.reports.append_rendered(&rendered.reports)?;
        self.sentences.append_rendered(&rendered.sentences)?;
        self.findings.append_rendered(&rendered.findings)?;
        self.matches.write_all(&rendered.jsonl)?;
        rendered.clear();
        Ok(())
    }

    /// Rename the per-sentence files into place.
    pub fn commit(self) -> Result<(), RunError> {
        self.reports.commit()?;
        self.sentences.commit()?;
        self.findings.commit()?;
        self.matches.commit()
    }
}

/// errors.csv (`path, error, level`), written as problems arrive in path order, with the
/// problems found while walking the inputs merged in by path.
pub struct ErrorsCsv {
    csv: StagedCsv,
    walk: std::vec::IntoIter<FileError>,
    next_walk: Option<FileError>,
    errors: usize,
    warnings: usize,
}

impl ErrorsCsv {
    pub fn create(dir: &Path, walk_errors: &[FileError]) -> Result<ErrorsCsv, RunError> {
        let mut walk = walk_errors.to_vec();
        walk.sort_by(|a, b| a.path.cmp(&b.path));
        let mut walk = walk.into_iter();
        let next_walk = walk.next();
        Ok(ErrorsCsv {
            csv: StagedCsv::create(dir, "errors.csv", &["path", "error", "level"])?,
            walk,
            next_walk,
            errors: 0,
            warnings: 0,
        })
    }

    fn write(&mut self, e: &FileError) -> Result<(), RunError> {
        match e.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
        }
        self.csv
            .row([e.path.as_str(), e.error.as_str(), e.level.as_str()])
    }

    /// Write the walk problems that sort before `path`.
    fn flush_walk(&mut self, path: Option<&str>) -> Result<(), RunError> {
        while let Some(e) = self.next_walk.take() {
            if path.is_some_and(|p| e.path.as_str() > p) {
                self.next_walk = Some(e);
                break;
            }
            self.write(&e)?;
            self.next_walk = self.walk.next();
        }
        Ok(())
    }

    pub fn push(&mut self, e: &FileError) -> Result<(), RunError> {
        self.flush_walk(Some(&e.path))?;
        self.write(e)
    }

    /// Write the rest, rename into place, and return (errors, warnings).
    pub fn commit(mut self) -> Result<(usize, usize), RunError> {
        self.flush_walk(None)?;
        let counts = (self.errors, self.warnings);
        self.csv.commit()?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_places_are_written_as_the_formatter_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.03125,
            -0.03125,
            0.00005,
            0.99995,
            0.125,
            0.375,
            2.5,
            1.0 / 3.0,
            2.0 / 3.0,
            -0.00004,
            123_456.789_15,
            1e12,
            -1e12,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        // Every share of small counts, as the tables hold.
        for denominator in 1..=400u32 {
            for numerator in 0..=denominator {
                values.push(f64::from(numerator) / f64::from(denominator));
            }
        }
        // And log-odds and z-scores: any sign, magnitude and last digit.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            values.push((unit - 0.5) * 10f64.powi((state % 12) as i32 - 4));
        }
        for value in values {
            for places in [2, 4] {
                assert_eq!(
                    fixed(value, places),
                    format!("{value:.prec$}", prec = places as usize),
                    "{value:e} to {places} places"
                );
            }
        }
    }

    #[test]
    fn json_strings_are_written_as_serde_json_writes_them() {
        let strings = [
            "plain words",
            "",
            "people’s views",
            "a \"quote\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "bell\u{7}",
            "del\u{7f}",
            "é and 😀",
        ];
        for s in strings {
            let mut lines = JsonLines::after(Vec::new(), 0, "", &[]);
            lines.string(s);
            assert_eq!(
                String::from_utf8(lines.out).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    /// A page whose path and sentences hold what JSON must escape: quotes, backslashes,
    /// a tab, and characters beyond ASCII.
    fn awkward_page() -> Tagged {
        let text = "Metropolitan Borough of Wirral: local authority assessment\n\n\
            Equity in experience and outcomes\n\nScore: 2\n\n\
            Key findings for this quality statement\n\n\
            Understanding barriers\n\n\
            Staff told us the \"front door\" was not always responsive, and waits \\ delays \
            were long.\tUnpaid carers said the £40 respite grant was not enough.\n\n\
            People’s experiences of the carers’ service were positive.\n";
        let document = ingest::parse("dir \"a\\b\"/page.txt", text.as_bytes()).unwrap();
        crate::run::tag_document(&RuleSet::builtin().unwrap(), document)
    }

    /// The awkward page, tagged and rendered with the built-in rules.
    fn rendered_awkward_page() -> (RuleSet, Tagged, Rendered) {
        let rules = RuleSet::builtin().unwrap();
        let tagged = awkward_page();
        let mut rendered = Rendered::default();
        Renderer::new(&rules).render(&tagged, None, &mut rendered);
        (rules, tagged, rendered)
    }

    #[test]
    fn csv_rows_read_back_as_the_fields_they_were_written_from() {
        let (rules, tagged, rendered) = rendered_awkward_page();
        let read = |bytes: &[u8]| -> Vec<csv::StringRecord> {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(bytes)
                .records()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let rows = sentence_rows(&tagged);
        let ids = SentenceIds::new(&tagged.document.path);
        let path = "dir \"a\\b\"/page.txt";
        let qs = "Equity in experience and outcomes";
        let sentences = read(&rendered.sentences);
        assert_eq!(sentences.len(), rows.len());
        let mut expected_findings = Vec::new();
        for (record, row) in sentences.iter().zip(&rows) {
            let id = ids.id(row.start, row.end);
            let numbers = [row.paragraph, row.sentence, row.start, row.end].map(|n| n.to_string());
            let themes = row.tags.themes.join(";");
            let rule_ids = row.tags.rule_ids(&rules).collect::<Vec<_>>().join(";");
            let expected = [
                id.as_str(),
                path,
                "Metropolitan Borough of Wirral",
                "",
                qs,
                "Understanding barriers",
                &numbers[0],
                &numbers[1],
                &numbers[2],
                &numbers[3],
                row.tags.polarity.as_str(),
                &themes,
                row.tags.evidence.as_str(),
                &rule_ids,
                row.text(),
            ];
            assert_eq!(record.iter().collect::<Vec<_>>(), expected);
            for theme in &row.tags.themes {
                expected_findings.push(vec![
                    id.as_str().to_string(),
                    "Metropolitan Borough of Wirral".into(),
                    String::new(),
                    qs.into(),
                    theme.to_string(),
                    row.tags.polarity.as_str().into(),
                    row.tags.evidence.as_str().into(),
                    path.into(),
                    row.text().into(),
                ]);
            }
        }
        assert!(rows.iter().any(|row| row.text().contains('"')));
        let findings: Vec<Vec<String>> = read(&rendered.findings)
            .iter()
            .map(|r| r.iter().map(String::from).collect())
            .collect();
        assert!(!findings.is_empty());
        assert_eq!(findings, expected_findings);
        let report = &read(&rendered.reports)[0];
        assert_eq!(report.len(), report_columns().len());
        assert_eq!(&report[0], path);
    }

    #[test]
    fn each_json_line_parses_and_says_what_the_tags_say() {
        let (rules, tagged, rendered) = rendered_awkward_page();
        let lines = std::str::from_utf8(&rendered.jsonl).unwrap().lines();
        let rows = sentence_rows(&tagged);
        assert!(rows.len() >= 3, "the page has findings sentences");
        assert_eq!(lines.clone().count(), rows.len());
        let ids = SentenceIds::new(&tagged.document.path);
        for (line, row) in lines.zip(&rows) {
            let parsed: serde_json::Value = serde_json::from_str(line).unwrap();
            let matches: Vec<serde_json::Value> = row
                .tags
                .matches
                .iter()
                .map(|m| {
                    let mut json = serde_json::json!({
                        "rule": rules.rules()[m.rule].id,
                        "start": (!m.page).then_some(row.start + m.start),
                        "end": (!m.page).then_some(row.start + m.end),
                        "text": &row.text()[m.start..m.end],
                    });
                    for (flag, key) in [
                        (m.negated, "negated"),
                        (m.aim, "aim"),
                        (m.circumstance, "circumstance"),
                        (m.superseded, "superseded"),
                        (m.object, "object"),
                        (m.page, "page"),
                    ] {
                        if flag {
                            json[key] = true.into();
                        }
                    }
                    if let Some(reading) = m.reading {
                        json["reading"] = reading.as_str().into();
                    }
                    json
                })
                .collect();
            assert!(!matches.is_empty(), "every sentence here matches a rule");
            let expected = serde_json::json!({
                "sentence_id": ids.id(row.start, row.end).as_str(),
                "path": "dir \"a\\b\"/page.txt",
                "start": row.start,
                "end": row.end,
                "polarity": row.tags.polarity.as_str(),
                "themes": row.tags.themes,
                "evidence_source": row.tags.evidence.as_str(),
                "matches": matches,
            });
            assert_eq!(parsed, expected);
        }
    }
}
