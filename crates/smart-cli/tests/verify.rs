//! `smart verify`, run as a user would: offline on RDF files, and online against a
//! running container.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn smart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smart"))
        .args(args)
        .output()
        .expect("run smart")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The reference material beside the clone (any ancestor's `shared/`), or `None` after
/// saying so loudly; under `CI=true` its absence fails the test.
fn shared_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            here.ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("spec").is_dir())
        })
        .filter(|d| d.join("data/reference-patients").is_dir());
    if found.is_none() {
        let msg = "REFERENCE MATERIAL MISSING: no shared/data/reference-patients in any \
                   ancestor of the crate; set SMART_SHARED_DIR";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
    }
    found
}

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smart-verify-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write temp file");
    path
}

/// The closing line's counts.
fn counts(text: &str) -> (usize, usize) {
    let last = text.lines().last().unwrap_or_default();
    let mut numbers = last
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().expect("a count"));
    let passed = numbers
        .next()
        .unwrap_or_else(|| panic!("no counts in {last:?}"));
    let failed = numbers
        .next()
        .unwrap_or_else(|| panic!("no counts in {last:?}"));
    assert!(
        last.ends_with(" failed") && last.contains(" passed, "),
        "closing line: {last:?}"
    );
    (passed, failed)
}

#[test]
fn reference_patients_pass_lenient_and_the_vitals_patient_fails_strict() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("data/reference-patients");
    let files: Vec<String> = ["99912345.xml", "p1032702.xml", "p1081332.xml"]
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let mut args = vec!["verify", "--lenient", "--file"];
    args.extend(files.iter().map(String::as_str));
    let o = smart(&args);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}{}", stderr(&o));
    assert_eq!(counts(&text), (3, 0), "{text}");
    for f in &files {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("PASS {f}: valid (lenient)"))),
            "{text}"
        );
    }

    // Strict by default: the vitals patient's documents have no sp:resource.
    let o = smart(&["verify", "--file", &files[0]]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert_eq!(counts(&text), (0, 1), "{text}");
    let line = text.lines().next().unwrap_or_default();
    assert!(line.starts_with(&format!("FAIL {}: ", files[0])), "{line}");
    assert!(
        line.contains("(strict)") && line.contains("sp:resource"),
        "{line}"
    );
}

const PROBLEM: &str = r#"@prefix sp: <http://smartplatforms.org/terms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://example.org/records/1> a sp:MedicalRecord .
[] a sp:Problem ; sp:belongsTo <http://example.org/records/1> ;
   sp:startDate "2010-03-04" ;
   sp:problemName [ a sp:CodedValue ; dcterms:title "Essential hypertension" ;
     sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/59621000> ] .
<http://purl.bioontology.org/ontology/SNOMEDCT/59621000> a sp:Code, <http://smartplatforms.org/terms/codes/SNOMED> ;
   dcterms:title "Essential hypertension" ; dcterms:identifier "59621000" ;
   sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
"#;

#[test]
fn broken_files_fail_naming_the_problem_and_good_ones_still_pass() {
    let good = temp_file("good.ttl", PROBLEM.as_bytes());
    let no_date = temp_file(
        "no-date.ttl",
        PROBLEM
            .replace("sp:startDate \"2010-03-04\" ;", "")
            .as_bytes(),
    );
    let bad_code = temp_file(
        "bad-code.ttl",
        PROBLEM
            .replace("SNOMEDCT/59621000", "RXNORM/59621000")
            .replace("SNOMEDCT/\"", "RXNORM/\"")
            .as_bytes(),
    );
    let description_root = temp_file(
        "description-root.xml",
        br#"<?xml version="1.0"?>
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:sp="http://smartplatforms.org/terms#" rdf:about="http://example.org/records/1">
  <rdf:type rdf:resource="http://smartplatforms.org/terms#MedicalRecord"/>
</rdf:Description>
"#,
    );
    let truncated = temp_file(
        "truncated.xml",
        br#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:sp="http://smartplatforms.org/terms#">
  <sp:MedicalRecord rdf:about="http://example.org/records/1"/>
"#,
    );
    let paths = [&good, &no_date, &bad_code, &description_root, &truncated];
    let mut args = vec!["verify", "--file"];
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    args.extend(shown.iter().map(String::as_str));
    let o = smart(&args);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert_eq!(counts(&text), (1, 4), "{text}");
    let line = |p: &str| {
        text.lines()
            .find(|l| l.contains(&format!(" {p}: ")))
            .unwrap_or_else(|| panic!("no line for {p} in {text}"))
            .to_owned()
    };
    assert!(line(&shown[0]).starts_with("PASS "), "{text}");
    let l = line(&shown[1]);
    assert!(l.starts_with("FAIL ") && l.contains("sp:startDate"), "{l}");
    let l = line(&shown[2]);
    assert!(
        l.starts_with("FAIL ") && l.contains("sp:problemName"),
        "{l}"
    );
    let l = line(&shown[3]);
    assert!(
        l.starts_with("FAIL ") && l.contains("rdf:Description"),
        "{l}"
    );
    let l = line(&shown[4]);
    assert!(l.starts_with("FAIL ") && l.contains("truncated"), "{l}");
}

#[test]
fn usage_errors_are_named() {
    let o = smart(&["verify"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("BASE_URL"), "{}", stderr(&o));

    let o = smart(&["verify", "http://127.0.0.1:9"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--consumer-key"), "{}", stderr(&o));

    // A token needs its secret and the record it was issued for.
    let o = smart(&[
        "verify",
        "http://127.0.0.1:9",
        "--consumer-key",
        "k",
        "--consumer-secret",
        "s",
        "--token",
        "t",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--token-secret"), "{}", stderr(&o));
}

#[test]
fn an_unreachable_container_is_a_failure_not_a_pass() {
    // Port 9 (discard) on localhost: nothing listens there on a test machine.
    let o = smart(&[
        "verify",
        "http://127.0.0.1:9",
        "--consumer-key",
        "k",
        "--consumer-secret",
        "s",
        "--timeout",
        "5",
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert!(text.starts_with("FAIL get_container_manifest: "), "{text}");
    let (passed, failed) = counts(&text);
    assert_eq!(passed, 0, "{text}");
    assert!(failed >= 1, "{text}");
}
