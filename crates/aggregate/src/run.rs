//! The corpus run: parallel per file, ordered output, atomic writes.

use crate::councils::{Council, Councils, Inferred};
use crate::inputs::{display_path, FileError, Inputs};
use crate::output::{ErrorsCsv, Outputs, Rendered, Renderer, StagedFile};
use crate::stats::{write_aggregates, Aggregator, PageCounts};
use extract::RuleSet;
use ingest::{Document, PageKind, ParseOptions};
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs larger than this many bytes are refused (an error row, not a crash).
    pub max_bytes: usize,
    /// Rows (in bytes) a worker renders into one buffer before the writer takes it: each
    /// run of consecutive files is sized, from the rows files rendered so far, to hold
    /// about this much (with a few runs in flight a worker, this bounds memory whatever
    /// the files' sizes). 1 MiB, as the one thread's `write_bytes`: runs of 256 KiB made
    /// two threads switch context 3.4 times as often (the writer woken for each run, writes
    /// of a quarter of the size), and took 3% to 10% longer in alternating runs.
    pub run_bytes: usize,
    /// With one thread, rows are written once this many bytes of them are rendered.
    pub write_bytes: usize,
    /// Once this many bytes of rows are written the run is long enough to be worth laying
    /// the literal automaton out for prose (see `RuleSet::lay_out_for_prose`; the writing
    /// thread does it between writes): 16 MiB, about 2 MB of input, after which its 6 ms
    /// are repaid within a few hundred milliseconds. It changes no output.
    pub layout_after_rows: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: ingest::DEFAULT_MAX_BYTES,
            run_bytes: 1 << 20,
            write_bytes: 1 << 20,
            layout_after_rows: 16 << 20,
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
    #[error("cannot create output folder {path}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
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

/// One page, processed (its rows rendered): its counts, and its warnings.
struct PageResult {
    counts: Option<PageCounts>,
    warnings: Vec<FileError>,
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
            let doc = &tagged.document;
            let (council, council_warning) = resolve_council(doc);
            let unknown_statement = (doc.kind == PageKind::QualityStatement
                && doc.quality_statement.is_none())
            .then(|| {
                FileError::warning(
                    doc.path.clone(),
                    "a quality statement page whose title and commitment are none of the nine: quality_statement left empty",
                )
            });
            renderer.render(&tagged, council, rendered);
            PageResult {
                counts: Aggregator::page(&tagged, council),
                warnings: council_warning.into_iter().chain(unknown_statement).collect(),
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

/// The council of a document from the table, and a warning when its name is not in the
/// table, or when the page has no title line (the council is then inferred, if it can be,
/// from the page's folder or text, and the warning says so).
fn resolve_council(doc: &Document) -> (Option<&'static Council>, Option<FileError>) {
    let warning = |message: String| Some(FileError::warning(doc.path.clone(), message));
    match doc.council.as_deref() {
        Some(name) => match resolve_name(name) {
            Some(council) => (Some(council), None),
            None => (
                None,
                warning(format!(
                    "council {name:?} is not in the council table: gss_code left empty"
                )),
            ),
        },
        None if doc.kind != PageKind::Other => {
            match Councils::builtin().infer(&doc.path, &doc.text) {
                Some((council, how)) => {
                    let from = match how {
                        Inferred::Folder(folder) => format!("its folder {folder:?}"),
                        Inferred::Text(n) => format!("its text, which names it {n} times"),
                    };
                    (
                        Some(council),
                        warning(format!(
                            "no council title line on the page: council {:?} inferred from {from}",
                            council.short_name
                        )),
                    )
                }
                None => (
                    None,
                    warning("no council title line on the page: council left empty".into()),
                ),
            }
        }
        None => (None, None),
    }
}

/// Process every input and write the datasets into `out_dir`. `progress` is called with
/// the number of files finished so far, from the calling thread. With one thread in the
/// rayon pool everything runs on the calling thread; with more, the pool's workers process
/// runs of consecutive files while the calling thread hands them out and writes their rows
/// in input order.
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
                    for warning in &page.warnings {
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
    // A run long enough is worth laying the literal automaton out for prose; the
    // writing thread does it, between writes.
    let mut rows_before_layout = options.layout_after_rows;
    let mut lay_out_when_long = |rows: usize| {
        if rows_before_layout > 0 {
            rows_before_layout = rows_before_layout.saturating_sub(rows);
            if rows_before_layout == 0 {
                rules.lay_out_for_prose();
            }
        }
    };
    if rayon::current_num_threads() == 1 {
        // One thread: each file is processed, its rows rendered after those of the files
        // before it, and written with them once there are enough.
        let mut rendered = Rendered::default();
        for (done, path) in inputs.files.iter().enumerate() {
            write(process_file(path, &renderer, &parse_options, &mut rendered))?;
            if rendered.byte_len() >= options.write_bytes {
                lay_out_when_long(rendered.byte_len());
                outputs.append(&mut rendered)?;
            }
            progress(done + 1);
        }
        outputs.append(&mut rendered)?;
    } else {
        // The pool's workers process runs of consecutive files, each run rendered into one
        // buffer, and finish them in any order; this thread hands out the runs, writes them
        // in input order, and reuses each emptied buffer for one more run. At most
        // `in_flight` runs are rendered and not yet written (bounded memory), and no worker
        // waits for another.
        let in_flight = 4 * rayon::current_num_threads();
        let run_sizes = RunSizes::new(options.run_bytes);
        let (renderer, parse_options, run_sizes) = (&renderer, &parse_options, &run_sizes);
        let (finished, runs) =
            std::sync::mpsc::channel::<(usize, std::thread::Result<RunOfFiles>)>();
        std::thread::scope(|scope| -> Result<(), RunError> {
            // The patterns' own regexes compile beside the workers, not in their way.
            scope.spawn(|| rules.compile_patterns());
            rayon::in_place_scope(|pool| -> Result<(), RunError> {
                let mut free: Vec<Rendered> = (0..in_flight).map(|_| Rendered::default()).collect();
                let mut rest = inputs.files.as_slice();
                let (mut handed_out, mut written, mut done) = (0, 0, 0);
                let mut waiting = std::collections::BTreeMap::new();
                loop {
                    while !rest.is_empty() {
                        let Some(mut rendered) = free.pop() else {
                            break;
                        };
                        let (paths, after) = rest.split_at(run_sizes.run_length().min(rest.len()));
                        rest = after;
                        let (finished, index) = (finished.clone(), handed_out);
                        pool.spawn(move |_| {
                            let run = std::panic::catch_unwind(AssertUnwindSafe(move || {
                                let results: Vec<_> = paths
                                    .iter()
                                    .map(|path| {
                                        process_file(path, renderer, parse_options, &mut rendered)
                                    })
                                    .collect();
                                run_sizes.observe(paths.len(), rendered.byte_len());
                                (results, rendered)
                            }));
                            // The receiver lives until every run is done.
                            let _ = finished.send((index, run));
                        });
                        handed_out += 1;
                    }
                    if written == handed_out {
                        return Ok(()); // every file handed out and written
                    }
                    // Every run in flight sends its result, or the panic that stopped it
                    // (a bug), raised again here.
                    let (index, run) = runs.recv().expect("the sender lives in this scope");
                    waiting.insert(index, run.unwrap_or_else(|panic| resume_unwind(panic)));
                    while let Some((results, mut rendered)) = waiting.remove(&written) {
                        done += results.len();
                        for result in results {
                            write(result)?;
                        }
                        lay_out_when_long(rendered.byte_len());
                        outputs.append(&mut rendered)?;
                        free.push(rendered);
                        written += 1;
                    }
                    progress(done);
                }
            })
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

/// How many consecutive files a worker renders into one buffer: about `target_bytes` of
/// rows, judged from the rows the runs finished so far rendered a file. Run lengths change
/// nothing in the output.
struct RunSizes {
    target_bytes: usize,
    files: AtomicUsize,
    bytes: AtomicUsize,
}

impl RunSizes {
    /// The most files in a run, however small they are.
    const MAX_FILES: usize = 64;

    fn new(target_bytes: usize) -> RunSizes {
        RunSizes {
            target_bytes,
            files: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        }
    }

    fn run_length(&self) -> usize {
        let files = self.files.load(Ordering::Relaxed);
        if files == 0 {
            return 1;
        }
        let bytes_per_file = (self.bytes.load(Ordering::Relaxed) / files).max(1);
        (self.target_bytes / bytes_per_file).clamp(1, Self::MAX_FILES)
    }

    fn observe(&self, files: usize, bytes: usize) {
        self.files.fetch_add(files, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
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
    SentenceIds::new(path).id(start, end).as_str().to_string()
}

/// The ids of the sentences of one document: the path is hashed once.
pub struct SentenceIds {
    path_hash: u64,
}

/// A sentence id: `s` and 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceId([u8; 17]);

impl SentenceId {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("an id is ASCII")
    }

    /// The id's bytes (ASCII, nothing to quote or escape in CSV or JSON).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
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

    pub fn id(&self, start: usize, end: usize) -> SentenceId {
        let mut hash = self.path_hash;
        for byte in (start as u64)
            .to_le_bytes()
            .into_iter()
            .chain((end as u64).to_le_bytes())
        {
            hash = (hash ^ u64::from(byte)).wrapping_mul(Self::PRIME);
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut id = [b's'; 17];
        for (digit, place) in id[1..].iter_mut().enumerate() {
            *place = HEX[(hash >> ((15 - digit) * 4)) as usize & 0xf];
        }
        SentenceId(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_hold_about_the_target_bytes_of_rows_within_the_bounds() {
        let sizes = RunSizes::new(256 << 10);
        assert_eq!(sizes.run_length(), 1, "nothing rendered yet: a file a run");
        sizes.observe(8, 8 * (32 << 10)); // 32 KiB of rows a file
        assert_eq!(sizes.run_length(), 8);
        let small = RunSizes::new(256 << 10);
        small.observe(8, 8 * 100);
        assert_eq!(small.run_length(), RunSizes::MAX_FILES);
        let huge = RunSizes::new(256 << 10);
        huge.observe(8, 8 << 30);
        assert_eq!(huge.run_length(), 1);
    }

    /// Run on the project corpus with `threads` threads, runs of about `run_bytes` of rows
    /// and rows written (by one thread) every `write_bytes`; the output folder.
    fn run_corpus(
        threads: usize,
        run_bytes: usize,
        write_bytes: usize,
        out: &Path,
    ) -> std::path::PathBuf {
        run_corpus_laid_out_after(threads, run_bytes, write_bytes, usize::MAX, out)
    }

    /// [`run_corpus`], the literal automaton laid out for prose after `layout_after_rows`
    /// bytes of rows.
    fn run_corpus_laid_out_after(
        threads: usize,
        run_bytes: usize,
        write_bytes: usize,
        layout_after_rows: usize,
        out: &Path,
    ) -> std::path::PathBuf {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let inputs = Inputs::collect(&[corpus]);
        assert!(inputs.files.len() > 8, "the project corpus has pages");
        let rules = RuleSet::builtin().unwrap();
        let dir = out.join(format!(
            "{threads}-{run_bytes}-{write_bytes}-{layout_after_rows}"
        ));
        let options = Options {
            run_bytes,
            write_bytes,
            layout_after_rows,
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
    fn the_run_size_changes_nothing_in_the_output() {
        let out = tempfile::tempdir().unwrap();
        let one_file = run_corpus(2, 1, 1 << 20, out.path());
        let many_files = run_corpus(2, 64 << 20, 1 << 20, out.path());
        assert_same_rows(&one_file, &many_files, "the run size");
    }

    #[test]
    fn one_thread_writes_what_several_write() {
        // One thread processes and writes each file in turn; more run the pipeline.
        let out = tempfile::tempdir().unwrap();
        let one = run_corpus(1, 256 << 10, 1 << 20, out.path());
        let three = run_corpus(3, 256 << 10, 1 << 20, out.path());
        assert_same_rows(&one, &three, "the thread count");
    }

    #[test]
    fn laying_the_literals_out_for_prose_mid_run_changes_nothing_in_the_output() {
        let out = tempfile::tempdir().unwrap();
        let never = run_corpus(1, 256 << 10, 1, out.path());
        for threads in [1, 2] {
            // After the first file's rows: the rest are tagged with the new layout.
            let mid_run = run_corpus_laid_out_after(threads, 1, 1, 1, out.path());
            assert_same_rows(&never, &mid_run, "the automaton's layout");
        }
    }

    #[test]
    fn one_thread_writes_the_same_rows_however_often_it_writes() {
        let out = tempfile::tempdir().unwrap();
        let every_file = run_corpus(1, 256 << 10, 1, out.path());
        let at_the_end = run_corpus(1, 256 << 10, 1 << 30, out.path());
        assert_same_rows(&every_file, &at_the_end, "when rows are written");
    }
}
