//! Throughput of each stage, in bytes of input per second, on the project corpus:
//! HTML to document, text to document, sentence splitting, tagging with all rules,
//! loading the rules, and `analyse` end to end over a folder of copies of the corpus.
//!
//! `cargo bench -p aggregate` (figures in the README). The corpus is small pages, so the
//! per-document costs weigh as they do on real downloads.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use extract::RuleSet;
use std::path::{Path, PathBuf};

// The allocator the `findings` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn read_all(format: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for council in ["northvale", "eastmere"] {
        let dir = corpus().join(format).join(council);
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        for p in paths {
            files.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    files
}

fn total(files: &[(String, Vec<u8>)]) -> u64 {
    files.iter().map(|(_, b)| b.len() as u64).sum()
}

fn ingest_benches(c: &mut Criterion) {
    for (name, format) in [("html_to_document", "html"), ("text_to_document", "text")] {
        let files = read_all(format);
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(total(&files)));
        group.bench_function("corpus", |b| {
            b.iter(|| {
                for (path, bytes) in &files {
                    let pages = ingest::parse_pages(path, bytes, &Default::default()).unwrap();
                    std::hint::black_box(pages);
                }
            })
        });
        group.finish();
    }
}

fn paragraphs() -> Vec<String> {
    read_all("text")
        .iter()
        .flat_map(|(path, bytes)| ingest::parse_pages(path, bytes, &Default::default()).unwrap())
        .flat_map(|doc| {
            doc.sections
                .iter()
                .flat_map(|s| {
                    s.paragraphs
                        .iter()
                        .map(|p| doc.text[p.start..p.end].to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn splitting_and_tagging(c: &mut Criterion) {
    let paragraphs = paragraphs();
    let bytes: u64 = paragraphs.iter().map(|p| p.len() as u64).sum();
    let mut group = c.benchmark_group("sentence_splitting");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("corpus_paragraphs", |b| {
        b.iter(|| {
            for p in &paragraphs {
                std::hint::black_box(ingest::split_sentences(p));
            }
        })
    });
    group.finish();

    // Tagging as `analyse` does it: every findings sentence of a document, with the
    // pattern regexes compiled ahead as `analyse` compiles them beside the work.
    let rules = RuleSet::builtin().unwrap();
    rules.compile_patterns();
    let documents: Vec<ingest::Document> = read_all("text")
        .iter()
        .flat_map(|(path, bytes)| ingest::parse_pages(path, bytes, &Default::default()).unwrap())
        .collect();
    let bytes: u64 = documents
        .iter()
        .flat_map(|doc| doc.sentences().map(|s| (s.end - s.start) as u64))
        .sum();
    let mut group = c.benchmark_group("tagging_all_rules");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("corpus_documents", |b| {
        b.iter(|| {
            for doc in &documents {
                std::hint::black_box(rules.tag_document(doc));
            }
        })
    });
    group.finish();

    // The built-in rules (their literal automaton built at compile time), and the same
    // files loaded from the folder as `--rules` loads edited ones (everything built now).
    c.bench_function("rules_load_and_build", |b| {
        b.iter(|| std::hint::black_box(RuleSet::builtin().unwrap()))
    });
    let rules_dir = corpus().join("../rules");
    c.bench_function("rules_load_and_build_from_folder", |b| {
        b.iter(|| std::hint::black_box(RuleSet::from_dir(&rules_dir).unwrap()))
    });
}

fn end_to_end(c: &mut Criterion) {
    // 20 copies of the corpus folder, analysed with the machine's threads.
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = 0u64;
    for copy in 0..20 {
        for format in ["text", "html"] {
            for (path, data) in read_all(format) {
                let name = Path::new(&path).file_name().unwrap();
                let council = Path::new(&path).parent().unwrap().file_name().unwrap();
                let target = dir
                    .path()
                    .join(format!("{copy}"))
                    .join(format)
                    .join(council);
                std::fs::create_dir_all(&target).unwrap();
                std::fs::write(target.join(name), &data).unwrap();
                bytes += data.len() as u64;
            }
        }
    }
    let rules = RuleSet::builtin().unwrap();
    let inputs = aggregate::Inputs::collect(&[dir.path()]);
    let mut group = c.benchmark_group("analyse_end_to_end");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.bench_function("corpus_x20", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |out| {
                aggregate::run(
                    &inputs,
                    &rules,
                    &aggregate::Options::default(),
                    out.path(),
                    |_| {},
                )
                .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, ingest_benches, splitting_and_tagging, end_to_end);
criterion_main!(benches);
