//! `corpus-gen`: write N copies of the project's corpus, each as a different fictional
//! council, so speed and memory can be measured at scale (1 GB and beyond).
//!
//! ```text
//! cargo run --release -p corpus-gen -- --copies 10000 --out /tmp/big
//! cargo run --release -p corpus-gen -- --copies 1000 --layout reports --out /tmp/big
//! ```
//! Each copy renames the corpus councils ("Northvale County Council" becomes "Northvale
//! County Council 0042", cycling through `--councils` names) and, in `reports` layout, joins
//! each council's pages into one whole-report file per format, as a downloaded PDF's text
//! would be.

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(about = "Generate a large corpus from copies of the project's corpus")]
struct Args {
    /// How many copies to write.
    #[arg(long)]
    copies: usize,
    /// Output folder (created; must be empty or missing).
    #[arg(long)]
    out: PathBuf,
    /// The corpus to copy.
    #[arg(long, default_value = "corpus")]
    from: PathBuf,
    /// `pages`: one file per page, as saved from the web; `reports`: one file per council
    /// and format.
    #[arg(long, value_enum, default_value = "pages")]
    layout: Layout,
    /// Distinct council names the copies cycle through (England has 153): copies of one
    /// name are the same assessment saved again. 0 gives every copy its own council.
    #[arg(long, default_value_t = 153)]
    councils: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum Layout {
    Pages,
    Reports,
}

/// The councils of the project corpus: (folder, name as the pages write it).
const COUNCILS: &[(&str, &str)] = &[
    ("northvale", "Northvale County Council"),
    ("eastmere", "Royal Borough of Eastmere"),
];

fn files_of(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.out.exists() && std::fs::read_dir(&args.out)?.next().is_some() {
        bail!("{} is not empty", args.out.display());
    }
    let mut bytes = 0u64;
    let mut files = 0u64;
    for format in ["text", "html"] {
        for (folder, name) in COUNCILS {
            let pages: Vec<(PathBuf, String)> = files_of(&args.from.join(format).join(folder))?
                .into_iter()
                .map(|p| {
                    let text = std::fs::read_to_string(&p)
                        .with_context(|| format!("cannot read {}", p.display()))?;
                    Ok((p, text))
                })
                .collect::<Result<_>>()?;
            for copy in 0..args.copies {
                let number = if args.councils == 0 {
                    copy
                } else {
                    copy % args.councils
                };
                let renamed = format!("{name} {number:04}");
                let dir = args
                    .out
                    .join(format!("{copy:05}"))
                    .join(format)
                    .join(folder);
                std::fs::create_dir_all(&dir)?;
                let mut write = |file: &Path, text: &str| -> Result<()> {
                    std::fs::write(file, text)
                        .with_context(|| format!("cannot write {}", file.display()))?;
                    bytes += text.len() as u64;
                    files += 1;
                    Ok(())
                };
                match args.layout {
                    Layout::Pages => {
                        for (path, text) in &pages {
                            write(
                                &dir.join(path.file_name().unwrap()),
                                &text.replace(name, &renamed),
                            )?;
                        }
                    }
                    Layout::Reports => {
                        let joined: Vec<String> = pages
                            .iter()
                            .map(|(_, t)| t.replace(name, &renamed))
                            .collect();
                        let ext = if format == "html" { "html" } else { "txt" };
                        write(&dir.join(format!("report.{ext}")), &joined.join("\n\n"))?;
                    }
                }
            }
        }
    }
    eprintln!(
        "{files} files, {:.1} MB -> {}",
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}
