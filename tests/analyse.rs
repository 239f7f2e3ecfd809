//! The `findings` binary, driven end to end on the project corpus and on fixtures.

mod common;

use common::{findings, read_csv, root, DATASETS};

#[test]
fn analyse_corpus_writes_every_dataset_and_exits_zero() {
    let out = tempfile::tempdir().unwrap();
    let status = findings()
        .args(["analyse", "corpus", "--out"])
        .arg(out.path())
        .current_dir(root())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    for file in DATASETS.iter().chain(&["run.json"]) {
        assert!(out.path().join(file).exists(), "{file} missing");
    }
    let reports = read_csv(&out.path().join("reports.csv"));
    assert_eq!(reports.len(), 44, "two councils x 11 pages x text and HTML");
    let qs: Vec<_> = reports
        .iter()
        .filter(|r| r["kind"] == "quality_statement")
        .collect();
    assert_eq!(qs.len(), 36);
    assert!(qs
        .iter()
        .all(|r| !r["score"].is_empty() && !r["council"].is_empty() && !r["theme"].is_empty()));
    let summaries: Vec<_> = reports.iter().filter(|r| r["kind"] == "summary").collect();
    assert_eq!(summaries.len(), 4);
    assert!(summaries
        .iter()
        .all(|r| r["overall_rating"] == "Good" && !r["overall_percent"].is_empty()));
    let sentences = read_csv(&out.path().join("sentences.csv"));
    assert!(sentences
        .iter()
        .all(|s| ["strength", "shortfall", "mixed", "neutral"].contains(&s["polarity"].as_str())));
    // Framework wording never appears as a finding.
    assert!(!sentences
        .iter()
        .any(|s| s["text"].starts_with("I have care and support")));
    assert!(!sentences
        .iter()
        .any(|s| s["text"].starts_with("We maximise")));
    // Offsets are stable between the text and HTML copy of a page.
    let text: Vec<_> = sentences
        .iter()
        .filter(|s| s["path"].ends_with("text/northvale/needs.txt"))
        .map(|s| &s["text"])
        .collect();
    let html: Vec<_> = sentences
        .iter()
        .filter(|s| s["path"].ends_with("html/northvale/needs.html"))
        .map(|s| &s["text"])
        .collect();
    assert!(!text.is_empty());
    assert_eq!(text, html);
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_processed() {
    let out = tempfile::tempdir().unwrap();
    let output = findings()
        .args(["analyse", "tests/fixtures", "--out"])
        .arg(out.path())
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "some inputs failed: exit 1");
    let errors: Vec<_> = read_csv(&out.path().join("errors.csv"))
        .into_iter()
        .filter(|e| e["level"] == "error")
        .collect();
    let failed: Vec<&str> = errors
        .iter()
        .map(|e| e["path"].rsplit('/').next().unwrap())
        .collect();
    assert_eq!(failed, ["binary.txt", "empty.txt"]);
    assert!(errors[0]["error"].contains("binary"));
    assert!(errors[1]["error"].contains("empty"));
    let warnings = read_csv(&out.path().join("errors.csv"))
        .into_iter()
        .filter(|e| e["level"] == "warning")
        .count();
    assert!(warnings >= 3, "unknown councils are warnings, not errors");
    let reports = read_csv(&out.path().join("reports.csv"));
    let by_name = |name: &str| reports.iter().find(|r| r["path"].ends_with(name)).unwrap();
    assert_eq!(by_name("score-variants.txt")["score"], "2");
    assert_eq!(by_name("cp1252.html")["quality_statement"], "Safeguarding");
    assert_eq!(by_name("notes.txt")["kind"], "other");
    assert_eq!(by_name("truncated.html")["council"], "Example Council");
    let sentences = read_csv(&out.path().join("sentences.csv"));
    assert!(sentences
        .iter()
        .any(|s| s["text"] == "People’s concerns were acted on quickly."));
    assert!(sentences
        .iter()
        .any(|s| s["text"] == "People waited too long for assessments, e.g. Dr. Smith said so."));
    assert!(sentences.iter().any(|s| s["text"] == "Staff were skilled."));
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for (dir, jobs) in [(&one, "1"), (&two, "2")] {
        let status = findings()
            .args([
                "analyse",
                "corpus",
                "tests/fixtures",
                "--jobs",
                jobs,
                "--out",
            ])
            .arg(dir.path())
            .current_dir(root())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
    }
    for file in DATASETS {
        let a = std::fs::read(one.path().join(file)).unwrap();
        let b = std::fs::read(two.path().join(file)).unwrap();
        assert!(a == b, "{file} differs between --jobs 1 and --jobs 2");
    }
    // run.json too, but for the elapsed time.
    let run = |dir: &tempfile::TempDir| {
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("run.json")).unwrap()).unwrap();
        json.as_object_mut().unwrap().remove("seconds");
        json
    };
    assert_eq!(run(&one), run(&two));
}

#[test]
fn other_files_in_the_output_folder_are_left_alone() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("mine.txt"), "keep me").unwrap();
    findings()
        .args(["analyse", "corpus/text/northvale/needs.txt", "--out"])
        .arg(out.path())
        .current_dir(root())
        .status()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(out.path().join("mine.txt")).unwrap(),
        "keep me"
    );
    // Outputs are ordinary files others can read, not private temporary files.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(out.path().join("reports.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o644,
        "regression: outputs were left 0600 by the temporary-file rename"
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn the_rules_folder_given_with_rules_tags_as_the_built_in_rules_do() {
    // The built-in rules' literal automaton is built at compile time; the same files
    // loaded from the folder build theirs at load. The datasets must not differ.
    let analyse = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let status = findings()
            .args(["analyse", "corpus", "--out"])
            .arg(out.path())
            .args(extra)
            .current_dir(root())
            .status()
            .unwrap();
        assert!(status.success());
        out
    };
    let builtin = analyse(&[]);
    let folder = analyse(&["--rules", "rules"]);
    for name in [
        "sentences.csv",
        "findings.csv",
        "findings.jsonl",
        "reports.csv",
    ] {
        let a = std::fs::read(builtin.path().join(name)).unwrap();
        let b = std::fs::read(folder.path().join(name)).unwrap();
        assert!(!a.is_empty(), "{name} is empty");
        assert!(
            a == b,
            "{name} differs between the built-in rules and --rules rules"
        );
    }
}

#[test]
fn a_broken_rules_folder_stops_the_run_with_exit_2_and_names_file_and_line() {
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("bad.toml"),
        "id = \"X1\"\nname = \"x\"\ndescription = \"d\"\nkind = \"phrases\"\nsignal = \"strength\"\nphrases = [\"good\"]\nmust_match = [\"good\"]\ncolour = \"red\"\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = findings()
        .args(["analyse", "corpus", "--rules"])
        .arg(rules.path())
        .arg("--out")
        .arg(out.path())
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.toml:8"), "{stderr}");
    assert!(stderr.contains("colour"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(findings().arg("analyse").status().unwrap().code(), Some(2));
    assert_eq!(
        findings().arg("frobnicate").status().unwrap().code(),
        Some(2)
    );
}

#[test]
fn explain_names_the_rules_behind_each_tag() {
    let output = findings()
        .args([
            "explain",
            "However, people did not always have a named social worker.",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("polarity:  shortfall"), "{stdout}");
    assert!(stdout.contains("F106"), "{stdout}");
    assert!(stdout.contains("\"did not always\""), "{stdout}");
}

#[test]
fn explain_takes_the_evidence_source_of_the_sentence_before_as_context() {
    let explain = |args: &[&str]| {
        let output = findings().arg("explain").args(args).output().unwrap();
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let sentence = "They told us managers were visible.";
    let after_staff = explain(&["--previous-evidence", "staff", "--", sentence]);
    assert!(after_staff.contains("evidence:  staff"), "{after_staff}");
    assert!(after_staff.contains("E106"), "{after_staff}");
    // With no sentence before it, "they" is the local authority's leaders.
    let alone = explain(&[sentence]);
    assert!(alone.contains("evidence:  leaders"), "{alone}");
    let output = findings()
        .args(["explain", "--previous-evidence", "visitors", "--", sentence])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown evidence source"));
}

#[test]
fn rules_check_passes_on_the_project_rules() {
    let output = findings()
        .args(["rules", "check", "rules"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn regression_a_reader_that_stops_early_does_not_make_rules_list_panic() {
    // `findings rules list | head -1`: the reader has gone before the listing is written
    // (the rules take milliseconds to load; the read end is closed at once).
    let mut child = findings()
        .args(["rules", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{stderr}");
}
