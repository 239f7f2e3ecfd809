//! Embeds every rule file under `rules/` into the binary, so a new rule is just a file, and
//! builds their literal automaton (with which ends of each pattern have anchors in it) now
//! rather than at every start: the rules are fixed at build time, and the automaton is most
//! of the work of loading them. It is built by the
//! library's own code (the modules included below), laid out for prose like the rules'
//! examples. Rule files this script cannot load are loaded at run time instead, where
//! their errors are reported with file and line.
use std::{env, fs, path::PathBuf};

#[allow(dead_code)]
#[path = "src/labels.rs"]
mod labels;
#[allow(dead_code)]
#[path = "src/literals.rs"]
mod literals;
#[allow(dead_code)]
#[path = "src/rules.rs"]
mod rules;

// `rules.rs` names these as `crate::...`.
use labels::{EvidenceSource, THEMES};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    for module in ["labels", "literals", "rules"] {
        println!("cargo:rerun-if-changed=src/{module}.rs");
    }
    let root = manifest.join("../../rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&root)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut out = String::from("/// Built-in rule files: (file name, contents).\npub static BUILTIN_RULES: &[(&str, &str)] = &[\n");
    let mut sources = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().unwrap().to_string_lossy();
        let abs = fs::canonicalize(file).unwrap();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
        sources.push((
            format!("rules/{name}"),
            fs::read_to_string(file).unwrap_or_default(),
        ));
    }
    out.push_str("];\n");
    let retired_file = root.join("RETIRED");
    println!("cargo:rerun-if-changed={}", retired_file.display());
    let retired = fs::read_to_string(&retired_file).unwrap_or_default();
    let retired: Vec<&str> = retired
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    out.push_str("/// Ids of deleted rules (rules/RETIRED), never to be reused.\npub static RETIRED_IDS: &[&str] = &[\n");
    for id in &retired {
        out.push_str(&format!("    {id:?},\n"));
    }
    out.push_str("];\n");

    let files: Vec<(String, &str)> = sources
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str()))
        .collect();
    let fingerprint = literals::fingerprint(&files);
    let prebuilt = rules::parse_rules_with(files, &retired, rules::Exceptions::Trusted)
        .map_err(|e| e.to_string())
        .and_then(|rules| literals::prebuilt(&rules));
    let prebuilt = prebuilt.unwrap_or_else(|e| {
        println!("cargo:warning=the rules' literal automaton is built at run time: {e}");
        Vec::new()
    });
    let literals_file = out_dir.join("builtin_literals.bin");
    fs::write(&literals_file, prebuilt).unwrap();
    out.push_str(&format!(
        "/// The fingerprint of the rule files `BUILTIN_LITERALS` was built from.\n\
         pub(crate) static BUILTIN_LITERALS_FINGERPRINT: &str = {fingerprint:?};\n\
         /// The built-in rules' literal automaton, built at compile time (empty when the\n\
         /// rules did not load then).\n\
         pub(crate) static BUILTIN_LITERALS: &[u8] = include_bytes!({:?});\n",
        literals_file.display().to_string()
    ));
    fs::write(out_dir.join("builtin_rules.rs"), out).unwrap();
}
