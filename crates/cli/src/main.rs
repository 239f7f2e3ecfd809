//! `findings`: turn CQC local authority assessment reports into auditable datasets.
//!
//! Exit codes: 0 every input succeeded; 1 some inputs failed (outputs still written for
//! the rest) or an evaluation missed its targets; 2 usage errors and fatal problems
//! (bad rules, unwritable output folder).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use extract::RuleSet;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Documents are many small allocations (lines, sentences, rows): mimalloc serves them
// faster than the system allocator. It is built without transparent huge pages: each
// first touch of a 2 MiB page was zeroed whole, a twentieth of a small run's time, and
// memory was two and a half times what the run uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "findings",
    version,
    about = "Turn CQC local authority assessment reports into structured, auditable datasets"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read reports (files or folders of .html, .htm, .txt) and write the datasets.
    Analyse {
        /// Files and folders to read.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Threads (default: one per core). With 1, everything runs on one thread; with
        /// more, that many workers and a thread that writes.
        #[arg(long)]
        jobs: Option<usize>,
        /// Rules folder to use instead of the built-in rules.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Largest input file accepted, in bytes.
        #[arg(long, default_value_t = ingest::DEFAULT_MAX_BYTES)]
        max_bytes: usize,
    },
    /// Show the tags of a sentence and the rules that gave them.
    Explain {
        /// The sentence to explain.
        sentence: Option<String>,
        /// Read the sentence from a file instead.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Polarity of the sentence before, as context (strength, shortfall, mixed, neutral).
        #[arg(long)]
        previous: Option<String>,
        /// Evidence source of the sentence before, as context for "They told us ..."
        /// (people, staff, leaders, partners, data, none).
        #[arg(long)]
        previous_evidence: Option<String>,
        /// Quality statement page the sentence is on (needs, support, equity, care,
        /// partnerships, pathways, safeguarding, governance, learning).
        #[arg(long)]
        page: Option<String>,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Work with rule folders.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Score the tagger: against a labelled gold file (--gold), and/or how the prose
    /// agrees with the official scores of the quality statement pages (--scores).
    Eval {
        /// Gold file (TSV: id, council_slug, page, section, text, polarity, themes, source),
        /// each sentence looked up in `PAGES/<council_slug>/<page>.txt`.
        #[arg(long)]
        gold: Option<PathBuf>,
        /// Folder of report pages.
        #[arg(long)]
        pages: PathBuf,
        /// Report the Spearman correlation between each QS page's shortfall share and
        /// its score, and the mean shortfall share per score.
        #[arg(long)]
        scores: bool,
        #[arg(long)]
        rules: Option<PathBuf>,
        /// List the sentences the tagger got wrong.
        #[arg(long)]
        errors: bool,
        /// Exit 1 unless the project targets are met (accuracy 0.85, has-shortfall F1
        /// 0.85, has-strength F1 0.88, themes micro-F1 0.80, evidence accuracy 0.95).
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Validate a rules folder and run every rule's examples (default: built-in rules).
    Check { dir: Option<PathBuf> },
    /// List the rules with their ids and descriptions.
    List { dir: Option<PathBuf> },
}

fn load_rules(dir: Option<&Path>) -> Result<RuleSet> {
    match dir {
        Some(dir) => RuleSet::from_dir(dir).map_err(|e| anyhow::anyhow!("{e}")),
        None => RuleSet::builtin().map_err(|e| anyhow::anyhow!("built-in rules: {e}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader stopped reading (`findings rules list | head`): nothing is wrong.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Analyse {
            paths,
            out,
            jobs,
            rules,
            max_bytes,
        } => analyse(&paths, &out, jobs, rules.as_deref(), max_bytes),
        Command::Explain {
            sentence,
            file,
            previous,
            previous_evidence,
            page,
            rules,
        } => {
            let text = match (sentence, file) {
                (Some(s), None) => s,
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .with_context(|| format!("cannot read {}", f.display()))?,
                (None, None) => anyhow::bail!("give a sentence, or --file with sentences"),
                (Some(_), Some(_)) => anyhow::bail!("give a sentence or --file, not both"),
            };
            let polarity = match &previous {
                Some(p) => extract::Polarity::parse(p)
                    .with_context(|| format!("unknown polarity {p:?}"))?,
                None => extract::Polarity::Neutral,
            };
            let evidence = match &previous_evidence {
                Some(e) => extract::EvidenceSource::parse(e)
                    .with_context(|| format!("unknown evidence source {e:?}"))?,
                None => extract::EvidenceSource::None,
            };
            let previous = (previous.is_some() || previous_evidence.is_some()).then(|| {
                let mut tags = extract::Tags::with_polarity(polarity);
                tags.evidence = evidence;
                tags
            });
            let rules = load_rules(rules.as_deref())?;
            explain(&rules, text.trim(), previous.as_ref(), page.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            command: RulesCommand::Check { dir },
        } => rules_check(dir.as_deref()),
        Command::Rules {
            command: RulesCommand::List { dir },
        } => {
            let rules = load_rules(dir.as_deref())?;
            let mut out = std::io::stdout().lock();
            for rule in rules.rules() {
                writeln!(out, "{:<6} {:<32} {}", rule.id, rule.name, rule.description)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            gold,
            pages,
            scores,
            rules,
            errors,
            check,
        } => {
            anyhow::ensure!(
                gold.is_some() || scores,
                "give --gold FILE, --scores, or both"
            );
            let rules = load_rules(rules.as_deref())?;
            let mut out = std::io::stdout().lock();
            let mut code = ExitCode::SUCCESS;
            let with_gold = gold.is_some();
            if let Some(gold) = gold {
                let gold = aggregate::read_gold(&gold)?;
                let scored = aggregate::score(&gold, &pages, &rules);
                let m = aggregate::metrics(&scored);
                write!(out, "{}", aggregate::report(&scored, &m, errors))?;
                if check {
                    let targets = [
                        ("polarity accuracy", m.accuracy, 0.85),
                        ("has-shortfall F1", m.has_shortfall_f1, 0.85),
                        ("has-strength F1", m.has_strength_f1, 0.88),
                        ("themes micro-F1", m.themes_micro_f1, 0.80),
                        ("evidence accuracy", m.evidence_accuracy, 0.95),
                    ];
                    let missed: Vec<String> = targets
                        .iter()
                        .filter(|(_, got, want)| got < want)
                        .map(|(name, got, want)| format!("{name} {got:.3} < {want:.2}"))
                        .collect();
                    if !missed.is_empty() {
                        eprintln!("targets missed: {}", missed.join(", "));
                        code = ExitCode::from(1);
                    }
                }
            }
            if scores {
                if with_gold {
                    writeln!(out)?;
                }
                write!(
                    out,
                    "{}",
                    aggregate::score_report(&aggregate::score_agreement(&pages, &rules))
                )?;
            }
            Ok(code)
        }
    }
}

fn analyse(
    paths: &[PathBuf],
    out: &Path,
    jobs: Option<usize>,
    rules: Option<&Path>,
    max_bytes: usize,
) -> Result<ExitCode> {
    if let Some(jobs) = jobs {
        anyhow::ensure!(jobs > 0, "--jobs must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global()
            .context("cannot start worker threads")?;
    }
    // The rules compile while the folders are walked, unless one thread was asked for.
    let (rules, inputs) = if jobs == Some(1) {
        (load_rules(rules), aggregate::Inputs::collect(paths))
    } else {
        let (rules, inputs) = std::thread::scope(|scope| {
            let rules = scope.spawn(|| load_rules(rules));
            let inputs = aggregate::Inputs::collect(paths);
            (rules.join(), inputs)
        });
        (
            rules.map_err(|_| anyhow::anyhow!("loading the rules failed"))?,
            inputs,
        )
    };
    let rules = rules?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(inputs.files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let options = aggregate::Options {
        max_bytes,
        ..aggregate::Options::default()
    };
    let summary = aggregate::run(&inputs, &rules, &options, out, |done| {
        bar.set_position(done as u64)
    })?;
    bar.finish_and_clear();
    eprintln!(
        "{} documents, {} sentences, {} errors, {} warnings, {} skipped, {:.2} s -> {}",
        summary.documents,
        summary.sentences,
        summary.errors,
        summary.warnings,
        summary.skipped,
        summary.seconds,
        out.display()
    );
    if summary.errors > 0 {
        eprintln!(
            "see {} for the files that failed",
            out.join("errors.csv").display()
        );
        Ok(ExitCode::from(1))
    } else if inputs.files.is_empty() {
        // Nothing failed, but nothing was read either: most likely the wrong folder.
        eprintln!(
            "error: no report files (.html, .htm, .txt) in {}",
            inputs.roots.join(", ")
        );
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn explain(
    rules: &RuleSet,
    text: &str,
    previous: Option<&extract::Tags>,
    page: Option<&str>,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let context = extract::Context { previous, page };
    let tags = rules.tag(text, &context);
    writeln!(out, "sentence:  {text}")?;
    writeln!(out, "polarity:  {}", tags.polarity.as_str())?;
    writeln!(
        out,
        "themes:    {}",
        if tags.themes.is_empty() {
            "-".to_string()
        } else {
            tags.themes.join(", ")
        }
    )?;
    writeln!(out, "evidence:  {}", tags.evidence.as_str())?;
    writeln!(out, "matches:")?;
    for m in &tags.matches {
        let rule = &rules.rules()[m.rule];
        let place = if m.page {
            "implied by the page".to_string()
        } else {
            format!("{:?} at {}..{}", &text[m.start..m.end], m.start, m.end)
        };
        let note = if m.aim {
            " (aim, not counted)".to_string()
        } else if m.circumstance {
            " (circumstance, not counted)".to_string()
        } else if m.superseded {
            " (its negation turns round a later cue of its kind; not counted)".to_string()
        } else if m.object {
            " (what the cue before it is about; not counted)".to_string()
        } else if m.negated {
            " (negated)".to_string()
        } else if let Some(reading) = m.reading {
            format!(" (against its comparator: {})", reading.as_str())
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {:<6} {place}{note} [{:?}] {}",
            rule.id, rule.signal, rule.description
        )?;
    }
    Ok(())
}

fn rules_check(dir: Option<&Path>) -> Result<ExitCode> {
    let rules = load_rules(dir)?;
    let (failures, examples) = rules.check_examples();
    let mut out = std::io::stdout().lock();
    for failure in &failures {
        writeln!(out, "{failure}")?;
    }
    writeln!(
        out,
        "{} rules, {} examples, {} failed (fingerprint {})",
        rules.rules().len(),
        examples,
        failures.len(),
        rules.fingerprint()
    )?;
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
