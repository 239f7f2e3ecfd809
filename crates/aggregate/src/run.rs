//! The corpus run: parallel per file, ordered output, atomic writes.

use crate::councils::{Council, Councils};
use crate::inputs::{display_path, FileError, Inputs};
use crate::output::{ErrorsCsv, Outputs, Rendered, Renderer, StagedFile};
use crate::stats::{write_aggregates, Aggregator, PageCounts};
use extract::RuleSet;
use ingest::{Document, PageKind, ParseOptions};
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs larger than this many bytes are refused (an error row, not a crash).
    pub max_bytes: usize,
    /// Rows (in bytes, all files together) rendered by the workers before the writer
    /// takes them: each batch of files is sized, from the rows the files before it
    /// rendered, to hold about this much, which bounds memory whatever the files' sizes.
    pub batch_bytes: usize,
    /// With one thread, rows are written once this many bytes of them are rendered.
    pub write_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: ingest::DEFAULT_MAX_BYTES,
            batch_bytes: 4 << 20,
            write_bytes: 1 << 20,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub sentences: usize,
    pub errors: usize,
    pub warnings: usize,
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

/// Tag every findings sentence of a document, each in its context: the tags of the
/// sentence before it in the same paragraph, and the page it is on.
pub fn tag_document(rules: &RuleSet, document: Document) -> Tagged {
    let tags = rules.tag_document(&document);
    Tagged { document, tags }
}

/// One page, processed (its rows rendered): its counts, and a warning if any.
struct PageResult {
    counts: Option<PageCounts>,
    warning: Option<FileError>,
    sentences: usize,
}

/// Everything a worker does for one file: read, parse (a file may hold several pages),
/// tag, resolve the council, render the rows (after those in `rendered`). The writing only
/// appends bytes.
fn process_file(
    path: &Path,
    renderer: &Renderer,
    options: &ParseOptions,
    rendered: &mut Rendered,
) -> Result<Vec<PageResult>, FileError> {
    let pages = process(path, renderer.rules(), options)?;
    Ok(pages
        .into_iter()
        .map(|tagged| {
            let (council, warning) = match resolve_council(&tagged.document) {
                Ok(council) => (council, None),
                Err(warning) => (None, Some(warning)),
            };
            renderer.render(&tagged, council, rendered);
            PageResult {
                counts: Aggregator::page(&tagged, council),
                warning,
                sentences: tagged.tags.len(),
            }
        })
        .collect())
}

/// Read a whole file, refusing one over `limit` bytes before reading it.
fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot_read = |e: std::io::Error| format!("cannot read: {e}");
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > limit {
        return Err(format!(
            "file is {size} bytes, over the limit of {limit} bytes (--max-bytes)"
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    // A file that grew since: read no more than one byte past the limit.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    Ok(bytes)
}

/// Read, parse (a file may hold several pages) and tag one file.
pub(crate) fn process(
    path: &Path,
    rules: &RuleSet,
    options: &ParseOptions,
) -> Result<Vec<Tagged>, FileError> {
    let label = display_path(path);
    let bytes = read_limited(path, options.max_bytes as u64)
        .map_err(|message| FileError::error(label.clone(), message))?;
    let pages = ingest::parse_pages(&label, &bytes, options).map_err(|e| {
        let message = e.to_string();
        let message = message
            .strip_prefix(&format!("{label}: "))
            .unwrap_or(&message)
            .to_string();
        FileError::error(label.clone(), message)
    })?;
    Ok(pages
        .into_iter()
        .map(|doc| tag_document(rules, doc))
        .collect())
}

/// A council name resolved in the table. The pages of one council come together (files are
/// processed folder by folder), so each thread remembers its last name.
fn resolve_name(name: &str) -> Option<&'static Council> {
    thread_local! {
        static LAST: std::cell::RefCell<(String, Option<&'static Council>)> =
            const { std::cell::RefCell::new((String::new(), None)) };
    }
    LAST.with_borrow_mut(|(last, council)| {
        if last.as_str() != name || last.is_empty() {
            *council = Councils::builtin().resolve(name);
            name.clone_into(last);
        }
        *council
    })
}

/// The council of a document from the table, or a warning saying why there is none.
fn resolve_council(doc: &Document) -> Result<Option<&'static Council>, FileError> {
    match doc.council.as_deref() {
        Some(name) => resolve_name(name).map(Some).ok_or_else(|| {
            FileError::warning(
                doc.path.clone(),
                format!("council {name:?} is not in the council table: gss_code left empty"),
            )
        }),
        None if doc.kind != PageKind::Other => Err(FileError::warning(
            doc.path.clone(),
            "no council title line on the page: council left empty",
        )),
        None => Ok(None),
    }
}

/// Process every input and write the datasets into `out_dir`. `progress` is called with
/// the number of files finished so far, from the calling thread. With one thread in the
/// rayon pool everything runs on the calling thread; with more, the pool's workers process
/// batches of files while the calling thread writes.
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
        files: inputs.files.len(),
        skipped: inputs.skipped,
        ..Summary::default()
    };
    // Problems are written as they arrive (files come in path order), merged with the
    // problems found while walking the inputs.
    let mut problems = ErrorsCsv::create(out_dir, &inputs.errors)?;
    let mut aggregator = Aggregator::default();
    let renderer = Renderer::new(rules);
    let mut write = |result: Result<Vec<PageResult>, FileError>| -> Result<(), RunError> {
        match result {
            Ok(pages) => {
                for page in pages {
                    if let Some(warning) = &page.warning {
                        problems.push(warning)?;
                    }
                    summary.documents += 1;
                    summary.sentences += page.sentences;
                    if let Some(counts) = page.counts {
                        aggregator.add(counts);
                    }
                }
                Ok(())
            }
            Err(e) => problems.push(&e),
        }
    };
    if rayon::current_num_threads() == 1 {
        // One thread: each file is processed, its rows rendered after those of the files
        // before it, and written with them once there are enough.
        let mut rendered = Rendered::default();
        for (done, path) in inputs.files.iter().enumerate() {
            write(process_file(path, &renderer, &parse_options, &mut rendered))?;
            if rendered.byte_len() >= options.write_bytes {
                outputs.append(&mut rendered)?;
            }
            progress(done + 1);
        }
        outputs.append(&mut rendered)?;
    } else {
        // Workers process one batch while this thread writes the one before (at most two
        // batches wait), so the writing overlaps the work and the output keeps input order.
        let mut batch_sizes = BatchSizes::new(options.batch_bytes, rayon::current_num_threads());
        // Buffers the writer has emptied, for the workers to fill again at the capacity
        // they grew to.
        let spare: std::sync::Mutex<Vec<Rendered>> = std::sync::Mutex::default();
        let spare = &spare;
        let take_spare = || {
            spare
                .lock()
                .map(|mut buffers| buffers.pop())
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        std::thread::scope(|scope| -> Result<(), RunError> {
            // The patterns' own regexes compile beside the workers, not in their way.
            scope.spawn(|| rules.compile_patterns());
            let (sender, receiver) = std::sync::mpsc::sync_channel(2);
            scope.spawn(move || {
                let mut rest = inputs.files.as_slice();
                while !rest.is_empty() {
                    let (batch, after) = rest.split_at(batch_sizes.next().min(rest.len()));
                    rest = after;
                    // Each worker renders the rows of a run of files into one buffer, so
                    // the writer has few large buffers to write, not copy.
                    let run_length = batch_sizes.run_length(batch.len());
                    let results: Vec<RunOfFiles> = batch
                        .par_chunks(run_length)
                        .map(|paths| {
                            let mut rendered = take_spare();
                            let results = paths
                                .iter()
                                .map(|path| {
                                    process_file(path, &renderer, &parse_options, &mut rendered)
                                })
                                .collect();
                            (results, rendered)
                        })
                        .collect();
                    let bytes = results.iter().map(|(_, r)| r.byte_len()).sum();
                    batch_sizes.observe(batch.len(), bytes);
                    if sender.send((batch.len(), results)).is_err() {
                        break; // the writer stopped on an error
                    }
                }
            });
            let mut done = 0;
            for (files, runs) in receiver {
                for (results, mut rendered) in runs {
                    for result in results {
                        write(result)?;
                    }
                    outputs.append(&mut rendered)?;
                    if let Ok(mut buffers) = spare.lock() {
                        buffers.push(rendered);
                    }
                }
                done += files;
                progress(done);
            }
            Ok(())
        })?;
    }
    outputs.commit()?;
    (summary.errors, summary.warnings) = problems.commit()?;
    write_aggregates(out_dir, aggregator)?;
    summary.seconds = started.elapsed().as_secs_f64();
    write_run_json(out_dir, inputs, rules, &summary)?;
    Ok(summary)
}

/// What a worker made of a run of consecutive files: each file's pages, and their rows.
type RunOfFiles = (Vec<Result<Vec<PageResult>, FileError>>, Rendered);

/// How many files the next batch takes: enough for every worker to have several, few
/// enough that the batch's rows stay near the target size, judged from the rows files
/// rendered so far; and how many consecutive files of a batch a worker renders into one
/// buffer. Neither changes anything in the output.
struct BatchSizes {
    target_bytes: usize,
    workers: usize,
    min_files: usize,
    files: usize,
    bytes: usize,
}

impl BatchSizes {
    /// The most files in a batch, however small they are.
    const MAX_FILES: usize = 256;
    /// The rows a worker renders into one buffer, when the batch is large enough: enough
    /// for the writer to pass each file's part straight to the system, not copy it.
    const RUN_BYTES: usize = 256 << 10;

    fn new(target_bytes: usize, workers: usize) -> BatchSizes {
        BatchSizes {
            target_bytes,
            workers,
            min_files: (4 * workers).min(Self::MAX_FILES),
            files: 0,
            bytes: 0,
        }
    }

    fn bytes_per_file(&self) -> Option<usize> {
        (self.files > 0).then(|| (self.bytes / self.files).max(1))
    }

    fn next(&self) -> usize {
        match self.bytes_per_file() {
            None => self.min_files,
            Some(bytes) => (self.target_bytes / bytes).clamp(self.min_files, Self::MAX_FILES),
        }
    }

    /// Files a worker renders into one buffer: about [`Self::RUN_BYTES`] of rows, but
    /// no more than leaves every worker four runs of the batch.
    fn run_length(&self, batch_files: usize) -> usize {
        let most = batch_files.div_ceil(4 * self.workers);
        let by_bytes = self
            .bytes_per_file()
            .map_or(1, |bytes| Self::RUN_BYTES / bytes);
        by_bytes.min(most).max(1)
    }

    fn observe(&mut self, files: usize, bytes: usize) {
        self.files += files;
        self.bytes += bytes;
    }
}

/// run.json: what ran on what, and what came out. Only `seconds` varies between runs.
fn write_run_json(
    out_dir: &Path,
    inputs: &Inputs,
    rules: &RuleSet,
    summary: &Summary,
) -> Result<(), RunError> {
    let json = serde_json::json!({
        "tool": "findings",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": {
            "count": rules.rules().len(),
            "fingerprint": rules.fingerprint(),
        },
        "inputs": inputs.roots,
        "files": summary.files,
        "skipped": summary.skipped,
        "documents": summary.documents,
        "sentences": summary.sentences,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "seconds": (summary.seconds * 1000.0).round() / 1000.0,
    });
    let mut file = StagedFile::create(out_dir, "run.json")?;
    let mut bytes = serde_json::to_vec_pretty(&json).expect("JSON values serialise");
    bytes.push(b'\n');
    file.write_all(&bytes)?;
    file.commit()
}

/// Stable id of a sentence: a hash (FNV-1a) of the document path and its byte offsets.
pub fn sentence_id(path: &str, start: usize, end: usize) -> String {
    SentenceIds::new(path).id(start, end)
}

/// The ids of the sentences of one document: the path is hashed once.
pub struct SentenceIds {
    path_hash: u64,
}

impl SentenceIds {
    const PRIME: u64 = 0x100000001b3;

    pub fn new(path: &str) -> SentenceIds {
        let mut hash: u64 = 0xcbf29ce484222325;
        for byte in path.bytes().chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(Self::PRIME);
        }
        SentenceIds { path_hash: hash }
    }

    /// `s` and 16 hex digits.
    pub fn id(&self, start: usize, end: usize) -> String {
        let mut hash = self.path_hash;
        for byte in (start as u64)
            .to_le_bytes()
            .into_iter()
            .chain((end as u64).to_le_bytes())
        {
            hash = (hash ^ u64::from(byte)).wrapping_mul(Self::PRIME);
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut id = String::with_capacity(17);
        id.push('s');
        for shift in (0..16).rev() {
            id.push(char::from(HEX[(hash >> (shift * 4)) as usize & 0xf]));
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_batch_gives_every_worker_four_files() {
        assert_eq!(BatchSizes::new(4 << 20, 2).next(), 8);
        assert_eq!(BatchSizes::new(4 << 20, 1000).next(), BatchSizes::MAX_FILES);
    }

    #[test]
    fn batches_hold_about_the_target_bytes_of_rows_within_the_bounds() {
        let mut sizes = BatchSizes::new(1 << 20, 2);
        sizes.observe(8, 8 * (16 << 10)); // 16 KiB of rows a file
        assert_eq!(sizes.next(), 64);
        let mut small = BatchSizes::new(1 << 20, 2);
        small.observe(8, 8 * 100);
        assert_eq!(small.next(), BatchSizes::MAX_FILES);
        let mut huge = BatchSizes::new(1 << 20, 2);
        huge.observe(8, 8 << 30);
        assert_eq!(huge.next(), 8);
    }

    #[test]
    fn runs_hold_about_run_bytes_of_rows_and_leave_every_worker_four() {
        let sizes = BatchSizes::new(4 << 20, 2);
        assert_eq!(sizes.run_length(8), 1, "nothing rendered yet: a file a run");
        let mut sizes = BatchSizes::new(4 << 20, 2);
        sizes.observe(8, 8 * (32 << 10)); // 32 KiB of rows a file
        assert_eq!(sizes.run_length(128), 8);
        assert_eq!(sizes.run_length(24), 3, "24 files: 8 runs for 2 workers");
        let mut huge = BatchSizes::new(4 << 20, 2);
        huge.observe(8, 8 << 30);
        assert_eq!(huge.run_length(8), 1);
    }

    /// Run on the project corpus with `threads` threads, a batch target of `batch_bytes`
    /// and rows written (by one thread) every `write_bytes`; the output folder.
    fn run_corpus(
        threads: usize,
        batch_bytes: usize,
        write_bytes: usize,
        out: &Path,
    ) -> std::path::PathBuf {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let inputs = Inputs::collect(&[corpus]);
        assert!(inputs.files.len() > 8, "the project corpus has pages");
        let rules = RuleSet::builtin().unwrap();
        let dir = out.join(format!("{threads}-{batch_bytes}-{write_bytes}"));
        let options = Options {
            batch_bytes,
            write_bytes,
            ..Options::default()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| run(&inputs, &rules, &options, &dir, |_| {}))
            .unwrap();
        dir
    }

    fn assert_same_rows(a: &Path, b: &Path, what: &str) {
        for file in [
            "reports.csv",
            "sentences.csv",
            "findings.csv",
            "findings.jsonl",
            "errors.csv",
            "councils.csv",
            "council_themes.csv",
        ] {
            let [a, b] = [a, b].map(|dir| std::fs::read(dir.join(file)).unwrap());
            assert!(!a.is_empty());
            assert!(a == b, "{file} depends on {what}");
        }
    }

    #[test]
    fn the_batch_size_changes_nothing_in_the_output() {
        let out = tempfile::tempdir().unwrap();
        let one_file = run_corpus(2, 1, 1 << 20, out.path());
        let all_files = run_corpus(2, 64 << 20, 1 << 20, out.path());
        assert_same_rows(&one_file, &all_files, "the batch size");
    }

    #[test]
    fn one_thread_writes_what_several_write() {
        // One thread processes and writes each file in turn; more run the batch pipeline.
        let out = tempfile::tempdir().unwrap();
        let one = run_corpus(1, 4 << 20, 1 << 20, out.path());
        let three = run_corpus(3, 4 << 20, 1 << 20, out.path());
        assert_same_rows(&one, &three, "the thread count");
    }

    #[test]
    fn one_thread_writes_the_same_rows_however_often_it_writes() {
        let out = tempfile::tempdir().unwrap();
        let every_file = run_corpus(1, 4 << 20, 1, out.path());
        let at_the_end = run_corpus(1, 4 << 20, 1 << 30, out.path());
        assert_same_rows(&every_file, &at_the_end, "when rows are written");
    }
}
