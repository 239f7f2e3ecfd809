//! No input can crash `findings`, hang it or lose its output. Each bad input gets a clear
//! message naming the file and the problem; every other input is processed; the exit code
//! is as documented (0 all good, 1 some inputs failed, 2 fatal). The pathological inputs
//! are big enough that super-linear work would make this suite crawl.

mod common;

use common::{findings, read_csv};

use std::path::PathBuf;
use std::process::{Command, Output};

const GOOD_PAGE: &str =
    "Example Council: local authority assessment\n\nSafeguarding\n\nScore: 3\n\n\
3 - Evidence shows a good standard\n\nKey findings for this quality statement\n\n\
Safeguarding enquiries were completed promptly. Staff were skilled.\n";

/// A folder with one good page and the given bad file; runs `analyse` on it.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let case = Case {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(case.input()).unwrap();
        std::fs::write(case.input().join("good.txt"), GOOD_PAGE).unwrap();
        case
    }
    fn input(&self) -> PathBuf {
        self.dir.path().join("in")
    }
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.input().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
    fn run(&self, extra: &[&str]) -> Output {
        let output = findings()
            .arg("analyse")
            .arg(self.input())
            .arg("--out")
            .arg(self.out())
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "panic: {stderr}");
        output
    }
    fn errors(&self) -> Vec<(String, String)> {
        read_csv(&self.out().join("errors.csv"))
            .into_iter()
            .filter(|e| e["level"] == "error")
            .map(|e| {
                (
                    e["path"].rsplit('/').next().unwrap().to_string(),
                    e["error"].clone(),
                )
            })
            .collect()
    }
    fn sentences_of(&self, name: &str) -> Vec<String> {
        read_csv(&self.out().join("sentences.csv"))
            .into_iter()
            .filter(|s| s["path"].ends_with(name))
            .map(|s| s["text"].clone())
            .collect()
    }
    /// The good page is always processed right.
    fn assert_good_page_processed(&self) {
        assert_eq!(
            self.sentences_of("good.txt"),
            [
                "Safeguarding enquiries were completed promptly.",
                "Staff were skilled."
            ]
        );
    }
}

fn assert_fails_with(name: &str, bytes: impl AsRef<[u8]>, message: &str) {
    let case = Case::new();
    case.write(name, bytes);
    let output = case.run(&[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{name}: a failed input means exit 1"
    );
    let errors = case.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, name);
    assert!(
        errors[0].1.contains(message),
        "{name}: {:?} should say {message:?}",
        errors[0].1
    );
    case.assert_good_page_processed();
}

fn assert_processed(name: &str, bytes: impl AsRef<[u8]>) -> Case {
    let case = Case::new();
    case.write(name, bytes);
    let output = case.run(&[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    case.assert_good_page_processed();
    case
}

#[test]
fn empty_file() {
    assert_fails_with("empty.txt", "", "empty file");
    assert_fails_with("blank.txt", "  \n\n\t\n", "empty file");
}

#[test]
fn binary_file() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    assert_fails_with("image.txt", bytes, "binary file");
}

#[test]
fn a_pdf_or_another_format_that_is_not_a_page_is_named_for_what_it_is() {
    // A PDF whose opening bytes would decode as text (Windows-1252) is still refused.
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    assert_fails_with(
        "report.txt",
        pdf.as_slice(),
        "a PDF (PDF reports are not read yet)",
    );
    assert_fails_with(
        "report.html",
        b"PK\x03\x04\x14\x00 word/document.xml".as_slice(),
        "a ZIP archive",
    );
}

#[test]
fn a_pdf_in_a_folder_is_skipped_with_a_warning_that_says_why() {
    let case = Case::new();
    case.write("report.pdf", b"%PDF-1.7\n");
    case.write("notes.docx", b"PK\x03\x04");
    let output = case.run(&[]);
    assert_eq!(output.status.code(), Some(0), "a warning is not a failure");
    let problems: Vec<(String, String, String)> = read_csv(&case.out().join("errors.csv"))
        .into_iter()
        .map(|e| {
            let name = e["path"].rsplit('/').next().unwrap().to_string();
            (name, e["level"].clone(), e["error"].clone())
        })
        .filter(|(name, ..)| name != "good.txt")
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let (name, level, message) = &problems[0];
    assert_eq!((name.as_str(), level.as_str()), ("report.pdf", "warning"));
    assert!(
        message.contains("PDF reports are not read yet"),
        "{message}"
    );
    case.assert_good_page_processed();
}

#[test]
fn invalid_utf8_is_read_as_windows_1252() {
    let case = assert_processed(
        "latin.txt",
        b"Notes\n\nPeople\x92s views were positive \x96 mostly.\n".as_slice(),
    );
    assert_eq!(
        case.sentences_of("latin.txt"),
        ["People\u{2019}s views were positive \u{2013} mostly."]
    );
}

#[test]
fn utf16_with_a_bom() {
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            GOOD_PAGE
                .replace("Staff were skilled.", "Carers were supported.")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let case = assert_processed("wide.txt", bytes);
    assert_eq!(
        case.sentences_of("wide.txt"),
        [
            "Safeguarding enquiries were completed promptly.",
            "Carers were supported."
        ]
    );
}

#[test]
fn windows_1252_html_with_a_charset_meta() {
    let html = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head>\
<body><h1>Example Council: local authority assessment</h1><h2>Safeguarding</h2><p>Score: 3</p>\
<h2>Key findings for this quality statement</h2><p>People\x92s concerns were heard \x96 quickly.</p></body></html>";
    let case = assert_processed("page.html", html.as_slice());
    assert_eq!(
        case.sentences_of("page.html"),
        ["People\u{2019}s concerns were heard \u{2013} quickly."]
    );
}

#[test]
fn a_100_mb_file_on_one_line_is_refused_by_the_size_limit() {
    let case = Case::new();
    let big = std::fs::File::create(case.input().join("huge.txt")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();
    let output = case.run(&[]);
    assert_eq!(output.status.code(), Some(1));
    let errors = case.errors();
    assert_eq!(errors[0].0, "huge.txt");
    assert!(errors[0].1.contains("over the limit"), "{errors:?}");
    assert!(
        errors[0].1.contains("--max-bytes"),
        "the message says how to raise the limit"
    );
    case.assert_good_page_processed();
}

#[test]
fn a_long_single_line_within_the_limit_is_processed() {
    let line = "People waited too long for assessments and staff were kind ".repeat(20_000);
    let case = assert_processed("line.txt", line);
    assert_eq!(case.sentences_of("line.txt").len(), 1);
}

#[test]
fn html_nested_200000_levels_deep() {
    let html = format!(
        "<html><body><h1>Example Council: local authority assessment</h1>{}<p>Deep text.</p>{}</body></html>",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    let case = assert_processed("deep.html", html);
    assert_eq!(case.sentences_of("deep.html"), ["Deep text."]);
}

#[test]
fn html_with_no_text() {
    assert_fails_with(
        "blank.html",
        "<html><head><title>x</title></head><body><div></div><script>1</script></body></html>",
        "no readable text",
    );
}

#[test]
fn truncated_html() {
    let case = assert_processed("cut.html", "<html><body><h1>Example Council: local authority assessment</h1><p>Staff were kind. Waits were lo");
    assert_eq!(
        case.sentences_of("cut.html"),
        ["Staff were kind.", "Waits were lo"]
    );
}

#[test]
fn millions_of_dots() {
    assert_processed("dots.txt", ".".repeat(2_000_000));
    assert_processed("spaced-dots.txt", ". ".repeat(1_000_000));
    assert_processed("initials.txt", "A. ".repeat(500_000));
}

#[test]
fn a_folder_symlink_loop_is_walked_once() {
    let case = Case::new();
    std::os::unix::fs::symlink(case.input(), case.input().join("loop")).unwrap();
    std::os::unix::fs::symlink("self.txt", case.input().join("self.txt")).unwrap();
    let output = case.run(&[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the self-link cannot be read"
    );
    let errors = case.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "self.txt");
    assert_eq!(
        case.sentences_of("good.txt").len(),
        2,
        "the loop does not read good.txt twice"
    );
}

#[test]
fn an_unreadable_file() {
    // Permissions do not stop root, so an unreadable input here is a pipe: reading it
    // would hang, so it is refused.
    let case = Case::new();
    let status = Command::new("mkfifo")
        .arg(case.input().join("pipe.txt"))
        .status()
        .unwrap();
    assert!(status.success());
    let output = case.run(&[]);
    assert_eq!(output.status.code(), Some(1));
    let errors = case.errors();
    assert_eq!(errors[0].0, "pipe.txt");
    assert!(errors[0].1.contains("not a regular file"), "{errors:?}");
    case.assert_good_page_processed();
}

#[test]
fn a_file_that_disappears_during_the_run() {
    let case = Case::new();
    let gone = case.write("gone.txt", GOOD_PAGE);
    let inputs = aggregate::Inputs::collect(&[case.input()]);
    std::fs::remove_file(gone).unwrap();
    let rules = extract::RuleSet::builtin().unwrap();
    let summary = aggregate::run(
        &inputs,
        &rules,
        &aggregate::Options::default(),
        &case.out(),
        |_| {},
    )
    .unwrap();
    assert_eq!(summary.errors, 1);
    assert_eq!(summary.documents, 1);
    let errors = case.errors();
    assert_eq!(errors[0].0, "gone.txt");
    assert!(errors[0].1.contains("cannot read"), "{errors:?}");
    case.assert_good_page_processed();
}

#[test]
fn non_utf8_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let case = Case::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(case.input().join(name), GOOD_PAGE).unwrap();
    let output = case.run(&[]);
    assert_eq!(output.status.code(), Some(0));
    let reports = read_csv(&case.out().join("reports.csv"));
    assert_eq!(reports.len(), 2);
    assert!(
        reports
            .iter()
            .any(|r| r["path"].ends_with("caf\u{FFFD}.txt")),
        "{reports:?}"
    );
}

fn rules_dir_with(file: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), file).unwrap();
    dir
}

fn assert_rules_refused(file: &str, line: usize, message: &str) {
    let rules = rules_dir_with(file);
    let case = Case::new();
    let output = findings()
        .arg("analyse")
        .arg(case.input())
        .arg("--out")
        .arg(case.out())
        .arg("--rules")
        .arg(rules.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "a broken rules file is fatal"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("bad.toml:{line}")), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert!(
        !case.out().join("sentences.csv").exists(),
        "nothing half-written"
    );
    let check = findings()
        .args(["rules", "check"])
        .arg(rules.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(2));
}

const RULE: &str = "id = \"X1\"\nname = \"x\"\ndescription = \"d\"\nkind = \"regex\"\nsignal = \"strength\"\npatterns = [\"good\"]\nmust_match = [\"good\"]\n";

#[test]
fn a_rules_file_with_a_syntax_error() {
    assert_rules_refused(&RULE.replace("name = \"x\"", "name = \"x"), 2, "");
}

#[test]
fn a_rules_file_with_an_unknown_key() {
    assert_rules_refused(&format!("{RULE}colour = \"red\"\n"), 8, "colour");
}

#[test]
fn a_rules_file_with_a_pathological_regex() {
    assert_rules_refused(
        &RULE.replace("[\"good\"]", "[\"(a{1000}){1000}\"]"),
        6,
        "bad regex",
    );
    assert_rules_refused(
        &RULE.replace("[\"good\"]", "[\"(unclosed\"]"),
        6,
        "bad regex",
    );
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_rules_folder_that_does_not_exist_or_holds_no_rules_is_named() {
    let case = Case::new();
    let empty = tempfile::tempdir().unwrap();
    let missing = case.dir.path().join("no-such-rules");
    for (rules, message) in [
        (
            empty.path().to_path_buf(),
            "no rule files (*.toml) in this folder",
        ),
        (missing, "cannot read"),
    ] {
        let output = case.run(&["--rules", rules.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2));
        let stderr = stderr_of(&output);
        // The folder as a whole is at fault: its name, no line number.
        assert!(
            stderr.contains(&format!("{}: {message}", rules.display())),
            "{stderr}"
        );
    }
}

#[test]
fn an_output_folder_that_is_a_file_is_reported_once() {
    let case = Case::new();
    std::fs::write(case.out(), "not a folder").unwrap();
    let output = case.run(&[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("cannot create output folder"), "{stderr}");
    // The system's reason is given once, not once per layer of the error.
    let reason = "File exists";
    assert_eq!(stderr.matches(reason).count(), 1, "{stderr}");
}

#[test]
fn explain_without_a_sentence_says_what_it_needs() {
    let output = findings().arg("explain").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("give a sentence, or --file with sentences"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn inputs_without_any_report_file_are_an_error_that_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("report.pdf"), b"%PDF-1.7").unwrap();
    let output = findings()
        .arg("analyse")
        .arg(&input)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "nothing was analysed");
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(&format!(
            "no report files (.html, .htm, .txt) in {}",
            input.display()
        )),
        "{stderr}"
    );
    // The (empty) datasets are still written, with their headers.
    let sentences = std::fs::read_to_string(dir.path().join("out/sentences.csv")).unwrap();
    assert!(sentences.starts_with("sentence_id,"), "{sentences}");
}
