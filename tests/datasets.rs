//! Council datasets: the same assessment aggregates the same way whether its pages arrive
//! as separate files or as one whole-report file, and two assessments of one council stay
//! apart.

mod common;

use common::{read_csv, root};

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

fn analyse(inputs: &[&Path], out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_findings"))
        .arg("analyse")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

const PAGES: [&str; 11] = [
    "overview",
    "summary",
    "needs",
    "support",
    "equity",
    "care",
    "partnerships",
    "pathways",
    "safeguarding",
    "governance",
    "learning",
];

fn page(name: &str) -> String {
    std::fs::read_to_string(
        root()
            .join("corpus/text/northvale")
            .join(format!("{name}.txt")),
    )
    .unwrap()
}

/// The figures of a councils.csv row that must not depend on how pages were filed.
fn figures(row: &HashMap<String, String>) -> Vec<String> {
    let keys = [
        "council",
        "published",
        "overall_rating",
        "overall_percent",
        "needs",
        "support",
        "equity",
        "care",
        "partnerships",
        "pathways",
        "safeguarding",
        "governance",
        "learning",
        "sentences",
        "n_strength",
        "n_shortfall",
        "n_mixed",
        "n_neutral",
        "shortfall_share",
        "shortfall_share_needs",
    ];
    keys.iter().map(|k| row[*k].clone()).collect()
}

#[test]
fn separate_pages_and_a_whole_report_file_aggregate_alike() {
    let dir = tempfile::tempdir().unwrap();
    let separate = dir.path().join("separate/northvale");
    std::fs::create_dir_all(&separate).unwrap();
    for name in PAGES {
        std::fs::write(separate.join(format!("{name}.txt")), page(name)).unwrap();
    }
    let whole = dir.path().join("whole");
    std::fs::create_dir_all(&whole).unwrap();
    let report: Vec<String> = PAGES.iter().map(|p| page(p)).collect();
    std::fs::write(whole.join("northvale-report.txt"), report.join("\n\n")).unwrap();

    let out_a = dir.path().join("out-a");
    let out_b = dir.path().join("out-b");
    assert_eq!(
        analyse(&[&dir.path().join("separate")], &out_a)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(analyse(&[&whole], &out_b).status.code(), Some(0));

    let a = read_csv(&out_a.join("councils.csv"));
    let b = read_csv(&out_b.join("councils.csv"));
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_eq!(
        a[0]["published"], "2025-03-12",
        "QS pages take the summary's date"
    );
    assert_eq!(a[0]["needs"], "2");
    assert_eq!(a[0]["documents"], "11");
    assert_eq!(figures(&a[0]), figures(&b[0]));

    let reports = read_csv(&out_b.join("reports.csv"));
    let labels: Vec<&str> = reports
        .iter()
        .map(|r| r["path"].rsplit('#').next().unwrap())
        .collect();
    assert_eq!(labels, PAGES, "one document per page of the whole report");
}

#[test]
fn two_assessments_of_one_council_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    for (folder, date) in [("2024", "12 March 2024"), ("2025", "12 March 2025")] {
        let d = dir.path().join(folder);
        std::fs::create_dir_all(&d).unwrap();
        for name in ["summary", "needs", "safeguarding"] {
            let text = page(name).replace("12 March 2025", date);
            std::fs::write(d.join(format!("{name}.txt")), text).unwrap();
        }
    }
    let out = dir.path().join("out");
    assert_eq!(analyse(&[dir.path()], &out).status.code(), Some(0));
    let councils = read_csv(&out.join("councils.csv"));
    let dates: Vec<&str> = councils.iter().map(|r| r["published"].as_str()).collect();
    assert_eq!(dates, ["2024-03-12", "2025-03-12"]);
    assert!(councils.iter().all(|r| r["documents"] == "3"));
}

#[test]
fn report_name_variants_of_a_real_council_resolve_to_one_gss_code() {
    let dir = tempfile::tempdir().unwrap();
    let body = "\n\nAssessing needs\n\nScore: 2\n\nKey findings for this quality statement\n\nPeople waited.\n";
    for (file, name) in [
        ("a.txt", "Metropolitan Borough of Wirral"),
        ("b.txt", "Wirral Council"),
    ] {
        std::fs::write(
            dir.path().join(file),
            format!("{name}: local authority assessment{body}"),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    assert_eq!(analyse(&[dir.path()], &out).status.code(), Some(0));
    let councils = read_csv(&out.join("councils.csv"));
    assert_eq!(councils.len(), 1, "{councils:?}");
    assert_eq!(councils[0]["gss_code"], "E08000015");
    assert_eq!(councils[0]["region"], "North West");
    let findings = read_csv(&out.join("findings.csv"));
    assert!(findings.iter().all(|f| f["gss_code"] == "E08000015"));
}

#[test]
fn a_page_without_a_title_line_takes_its_council_from_its_folder_or_text_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let body = "Assessing needs\n\nScore: 2\n\nKey findings for this quality statement\n\n";
    let in_folder = dir.path().join("wirral");
    std::fs::create_dir(&in_folder).unwrap();
    std::fs::write(
        in_folder.join("needs.txt"),
        format!("{body}People waited.\n"),
    )
    .unwrap();
    let loose = dir.path().join("page.txt");
    std::fs::write(
        &loose,
        format!("{body}Leaders in Sefton knew the area. Sefton had plans.\n"),
    )
    .unwrap();
    let unknown = dir.path().join("other.txt");
    std::fs::write(&unknown, format!("{body}People waited.\n")).unwrap();
    let out = dir.path().join("out");
    assert_eq!(analyse(&[dir.path()], &out).status.code(), Some(0));
    let reports = read_csv(&out.join("reports.csv"));
    let gss = |file: &str| {
        reports
            .iter()
            .find(|r| r["path"].ends_with(file))
            .map(|r| (r["council"].clone(), r["gss_code"].clone()))
            .unwrap()
    };
    assert_eq!(gss("needs.txt").1, "E08000015", "Wirral, from its folder");
    assert!(!gss("needs.txt").0.is_empty());
    assert_eq!(
        gss("page.txt").1,
        "E08000014",
        "Sefton, named twice in the text"
    );
    assert_eq!(gss("other.txt"), (String::new(), String::new()));
    let warnings = read_csv(&out.join("errors.csv"));
    let warning = |file: &str| {
        warnings
            .iter()
            .find(|w| w["path"].ends_with(file))
            .map(|w| w["error"].clone())
            .unwrap()
    };
    assert!(warning("needs.txt").contains("inferred from its folder \"wirral\""));
    assert!(warning("page.txt").contains("inferred from its text"));
    assert!(warning("other.txt").contains("council left empty"));
}

#[test]
fn a_quality_statement_page_under_a_title_none_of_the_nine_keeps_its_score_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let page = |commitment: &str| {
        format!(
            "Wirral Council: local authority assessment\n\nQuality statement one\n\nScore: 2\n\nWhat people expect\n\nI have care and support.\n\nThe local authority commitment\n\n{commitment}\n\nFront door\n\nPeople waited too long.\n"
        )
    };
    std::fs::write(
        dir.path().join("known.txt"),
        page("We maximise the effectiveness of people's care and treatment."),
    )
    .unwrap();
    std::fs::write(dir.path().join("unknown.txt"), page("We do our best.")).unwrap();
    let out = dir.path().join("out");
    assert_eq!(analyse(&[dir.path()], &out).status.code(), Some(0));
    let reports = read_csv(&out.join("reports.csv"));
    let report = |file: &str| reports.iter().find(|r| r["path"].ends_with(file)).unwrap();
    for file in ["known.txt", "unknown.txt"] {
        assert_eq!(report(file)["kind"], "quality_statement", "{file}");
        assert_eq!(report(file)["score"], "2", "{file}");
        assert_eq!(
            report(file)["sentences"],
            "1",
            "{file}: framework wording is no finding"
        );
    }
    assert_eq!(report("known.txt")["qs_slug"], "needs");
    assert_eq!(report("unknown.txt")["qs_slug"], "");
    let warnings = read_csv(&out.join("errors.csv"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0]["path"].ends_with("unknown.txt"));
    assert!(warnings[0]["error"].contains("quality_statement left empty"));
}

#[test]
fn council_themes_has_a_row_per_council_and_theme_with_distinctiveness() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    analyse(&[&root().join("corpus/text")], &out);
    let rows = read_csv(&out.join("council_themes.csv"));
    assert_eq!(rows.len(), 2 * 22, "two councils x 22 themes");
    let carers = rows
        .iter()
        .find(|r| r["council"] == "Northvale County Council" && r["theme_id"] == "unpaid_carers")
        .unwrap();
    assert!(!carers["log_odds_z"].is_empty());
    let themes = read_csv(&out.join("themes.csv"));
    assert_eq!(themes.len(), 22);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["documents"], 22);
    assert_eq!(run["rules"]["fingerprint"].as_str().unwrap().len(), 16);
}
