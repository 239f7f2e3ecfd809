//! The corpus run: parallel per file, ordered output, atomic writes.

use crate::inputs::{display_path, FileError, Inputs};
use crate::output::{Outputs, SentenceRow};
use extract::{Context, RuleSet};
use ingest::{Document, ParseOptions};
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs larger than this many bytes are refused (an error row, not a crash).
    pub max_bytes: usize,
    /// Files processed together before their rows are written; bounds memory.
    pub batch: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: ingest::DEFAULT_MAX_BYTES,
            batch: 256,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub documents: usize,
    pub sentences: usize,
    pub errors: usize,
    pub skipped: usize,
    pub seconds: f64,
}

/// A problem that stops the whole run (not a bad input file).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot create output folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// A document with the tags of each of its findings sentences.
pub struct Tagged {
    pub document: Document,
    pub tags: Vec<extract::Tags>,
}

/// Tag every findings sentence of a document, each with the tags of the sentence before
/// it in the same paragraph as context.
pub fn tag_document(rules: &RuleSet, document: Document) -> Tagged {
    let mut tags = Vec::with_capacity(document.sentence_count());
    for section in &document.sections {
        for paragraph in &section.paragraphs {
            let first = tags.len();
            for sentence in &paragraph.sentences {
                let context = Context {
                    previous: tags[first..].last(),
                    page: document.quality_statement.map(|qs| qs.slug),
                };
                let t = rules.tag(document.sentence_text(sentence), &context);
                tags.push(t);
            }
        }
    }
    Tagged { document, tags }
}

fn process(path: &Path, rules: &RuleSet, options: &ParseOptions) -> Result<Tagged, FileError> {
    let label = display_path(path);
    let bytes = match std::fs::metadata(path) {
        Ok(meta) if meta.len() as usize > options.max_bytes => {
            return Err(FileError {
                path: label.clone(),
                error: format!(
                    "file is {} bytes, over the limit of {} bytes",
                    meta.len(),
                    options.max_bytes
                ),
            })
        }
        _ => std::fs::read(path).map_err(|e| FileError {
            path: label.clone(),
            error: format!("cannot read: {e}"),
        })?,
    };
    let document = ingest::parse_with(&label, &bytes, options).map_err(|e| FileError {
        path: label.clone(),
        error: e
            .to_string()
            .strip_prefix(&format!("{label}: "))
            .map(str::to_string)
            .unwrap_or_else(|| e.to_string()),
    })?;
    Ok(tag_document(rules, document))
}

/// Process every input and write the datasets into `out_dir`. `progress` is called with
/// the number of files finished so far, from the calling thread.
pub fn run(
    inputs: &Inputs,
    rules: &RuleSet,
    options: &Options,
    out_dir: &Path,
    progress: impl Fn(usize),
) -> Result<Summary, RunError> {
    let started = Instant::now();
    std::fs::create_dir_all(out_dir).map_err(|source| RunError::CreateDir {
        path: out_dir.display().to_string(),
        source,
    })?;
    let parse_options = ParseOptions {
        max_bytes: options.max_bytes,
        format: None,
    };
    let mut outputs = Outputs::create(out_dir)?;
    let mut summary = Summary {
        skipped: inputs.skipped,
        ..Summary::default()
    };
    let mut errors: Vec<FileError> = inputs.errors.clone();
    let mut done = 0;
    for batch in inputs.files.chunks(options.batch.max(1)) {
        let results: Vec<Result<Tagged, FileError>> = batch
            .par_iter()
            .map(|path| process(path, rules, &parse_options))
            .collect();
        for result in results {
            match result {
                Ok(tagged) => {
                    summary.documents += 1;
                    summary.sentences += tagged.tags.len();
                    outputs.write_document(&tagged)?;
                }
                Err(e) => errors.push(e),
            }
        }
        done += batch.len();
        progress(done);
    }
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    summary.errors = errors.len();
    outputs.finish(&errors)?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Stable id of a sentence: a hash of the document path and its byte offsets.
pub fn sentence_id(path: &str, start: usize, end: usize) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for byte in path
        .bytes()
        .chain([0])
        .chain(start.to_le_bytes())
        .chain(end.to_le_bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    format!("s{hash:016x}")
}

/// Rows for one document's sentences (used by the writers and by `eval`).
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
