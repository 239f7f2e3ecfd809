//! Dataset writers. Every file is written to a temporary file in the output folder and
//! renamed into place at the end, so a file is there whole or not at all.

use crate::inputs::FileError;
use crate::run::{sentence_id, sentence_rows, RunError, Tagged};
use extract::{Polarity, Tags};
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
    pub fn id(&self) -> String {
        sentence_id(&self.document.path, self.start, self.end)
    }
}

pub const REPORT_COLUMNS: &[&str] = &[
    "path",
    "kind",
    "council",
    "quality_statement",
    "qs_slug",
    "theme",
    "score",
    "score_label",
    "overall_rating",
    "overall_percent",
    "published",
    "format",
    "sentences",
    "n_strength",
    "n_shortfall",
    "n_mixed",
    "n_neutral",
    "shortfall_share",
    "listed_scores",
];
pub const SENTENCE_COLUMNS: &[&str] = &[
    "sentence_id",
    "path",
    "council",
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
    "quality_statement",
    "theme_id",
    "polarity",
    "evidence_source",
    "path",
    "text",
];

struct Staged {
    temp: NamedTempFile,
    target: PathBuf,
}

fn stage(dir: &Path, name: &str) -> Result<(Staged, BufWriter<File>), RunError> {
    let target = dir.join(name);
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempfile_in(dir)
        .map_err(|source| RunError::Write {
            path: target.display().to_string(),
            source,
        })?;
    let file = temp.reopen().map_err(|source| RunError::Write {
        path: target.display().to_string(),
        source,
    })?;
    Ok((Staged { temp, target }, BufWriter::new(file)))
}

/// The open output files of a run.
pub struct Outputs {
    staged: Vec<Staged>,
    reports: csv::Writer<BufWriter<File>>,
    sentences: csv::Writer<BufWriter<File>>,
    findings: csv::Writer<BufWriter<File>>,
    matches: BufWriter<File>,
    dir: PathBuf,
}

fn csv_error(path: &Path, e: csv::Error) -> RunError {
    RunError::Write {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    }
}

fn io_error(path: &Path, source: std::io::Error) -> RunError {
    RunError::Write {
        path: path.display().to_string(),
        source,
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl Outputs {
    pub fn create(dir: &Path) -> Result<Outputs, RunError> {
        let mut staged = Vec::new();
        let mut open_csv =
            |name: &str, header: &[&str]| -> Result<csv::Writer<BufWriter<File>>, RunError> {
                let (s, w) = stage(dir, name)?;
                let mut writer = csv::Writer::from_writer(w);
                writer
                    .write_record(header)
                    .map_err(|e| csv_error(&s.target, e))?;
                staged.push(s);
                Ok(writer)
            };
        let reports = open_csv("reports.csv", REPORT_COLUMNS)?;
        let sentences = open_csv("sentences.csv", SENTENCE_COLUMNS)?;
        let findings = open_csv("findings.csv", FINDING_COLUMNS)?;
        let (s, matches) = stage(dir, "findings.jsonl")?;
        staged.push(s);
        Ok(Outputs {
            staged,
            reports,
            sentences,
            findings,
            matches,
            dir: dir.to_path_buf(),
        })
    }

    pub fn write_document(&mut self, tagged: &Tagged) -> Result<(), RunError> {
        let doc = &tagged.document;
        let count = |p: Polarity| tagged.tags.iter().filter(|t| t.polarity == p).count();
        let (s, f, m, n) = (
            count(Polarity::Strength),
            count(Polarity::Shortfall),
            count(Polarity::Mixed),
            count(Polarity::Neutral),
        );
        let judged = s + f + m;
        let share = if judged == 0 {
            String::new()
        } else {
            format!("{:.4}", (f + m) as f64 / judged as f64)
        };
        let listed = doc
            .listed_scores
            .iter()
            .map(|l| format!("{}={}", l.quality_statement.slug, l.score))
            .collect::<Vec<_>>()
            .join(";");
        let qs = doc.quality_statement;
        let record = [
            doc.path.clone(),
            doc.kind.to_string(),
            opt(doc.council.as_deref()),
            opt(qs.map(|q| q.title)),
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
            tagged.tags.len().to_string(),
            s.to_string(),
            f.to_string(),
            m.to_string(),
            n.to_string(),
            share,
            listed,
        ];
        let target = self.dir.join("reports.csv");
        self.reports
            .write_record(&record)
            .map_err(|e| csv_error(&target, e))?;

        for row in sentence_rows(tagged) {
            let id = row.id();
            let council = opt(doc.council.as_deref());
            let qs_title = opt(qs.map(|q| q.title));
            let themes = row.tags.themes.join(";");
            let record = [
                id.clone(),
                doc.path.clone(),
                council.clone(),
                qs_title.clone(),
                row.section.to_string(),
                row.paragraph.to_string(),
                row.sentence.to_string(),
                row.start.to_string(),
                row.end.to_string(),
                row.tags.polarity.as_str().to_string(),
                themes,
                row.tags.evidence.as_str().to_string(),
                row.tags.rules.join(";"),
                row.text().to_string(),
            ];
            self.sentences
                .write_record(&record)
                .map_err(|e| csv_error(&self.dir.join("sentences.csv"), e))?;
            for theme in &row.tags.themes {
                self.findings
                    .write_record([
                        id.as_str(),
                        council.as_str(),
                        qs_title.as_str(),
                        theme,
                        row.tags.polarity.as_str(),
                        row.tags.evidence.as_str(),
                        doc.path.as_str(),
                        row.text(),
                    ])
                    .map_err(|e| csv_error(&self.dir.join("findings.csv"), e))?;
            }
            let matches: Vec<serde_json::Value> = row
                .tags
                .matches
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "rule": m.rule_id,
                        "start": (!m.page).then_some(row.start + m.start),
                        "end": (!m.page).then_some(row.start + m.end),
                        "text": m.text,
                        "negated": m.negated,
                        "aim": m.aim,
                        "page": m.page,
                    })
                })
                .collect();
            let line = serde_json::json!({
                "sentence_id": id,
                "path": doc.path,
                "start": row.start,
                "end": row.end,
                "polarity": row.tags.polarity.as_str(),
                "themes": row.tags.themes,
                "evidence_source": row.tags.evidence.as_str(),
                "matches": matches,
            });
            let target = self.dir.join("findings.jsonl");
            serde_json::to_writer(&mut self.matches, &line)
                .map_err(|e| io_error(&target, e.into()))?;
            self.matches
                .write_all(b"\n")
                .map_err(|e| io_error(&target, e))?;
        }
        Ok(())
    }

    /// Write errors.csv, flush everything and rename all files into place.
    pub fn finish(mut self, errors: &[FileError]) -> Result<(), RunError> {
        let (s, w) = stage(&self.dir, "errors.csv")?;
        let mut writer = csv::Writer::from_writer(w);
        writer
            .write_record(["path", "error"])
            .map_err(|e| csv_error(&s.target, e))?;
        for e in errors {
            writer
                .write_record([&e.path, &e.error])
                .map_err(|err| csv_error(&s.target, err))?;
        }
        self.staged.push(s);
        writer
            .flush()
            .map_err(|e| io_error(&self.dir.join("errors.csv"), e))?;
        self.reports
            .flush()
            .map_err(|e| io_error(&self.dir.join("reports.csv"), e))?;
        self.sentences
            .flush()
            .map_err(|e| io_error(&self.dir.join("sentences.csv"), e))?;
        self.findings
            .flush()
            .map_err(|e| io_error(&self.dir.join("findings.csv"), e))?;
        self.matches
            .flush()
            .map_err(|e| io_error(&self.dir.join("findings.jsonl"), e))?;
        drop((
            writer,
            self.reports,
            self.sentences,
            self.findings,
            self.matches,
        ));
        for staged in self.staged {
            staged
                .temp
                .persist(&staged.target)
                .map_err(|e| io_error(&staged.target, e.error))?;
        }
        Ok(())
    }
}
