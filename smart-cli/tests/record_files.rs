//! Whole-record files, older vocabularies and RDF/XML entity declarations through
//! `smart validate`, `smart verify --file` and `smart import`, run as a user would. The
//! patient fixtures are smart-store's (written for these tests).

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../smart-store/tests/fixtures")
        .join(name);
    assert!(path.is_file(), "{}", path.display());
    path.display().to_string()
}

/// Runs `smart` in a scratch data directory with a clean environment.
fn smart(data: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("smart").expect("smart binary");
    for (k, _) in std::env::vars() {
        if k.starts_with("SMART_") {
            cmd.env_remove(k);
        }
    }
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run smart")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A patient file of under 1 KB whose nested entities would expand to a billion "lol"s.
fn laughing_file(dir: &Path) -> PathBuf {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for level in 1..=9 {
        let previous = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{previous}\">"));
    }
    let doc = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [{dtd}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:sp="http://smartplatforms.org/terms#">
  <sp:Problem><sp:startDate>&lol9;</sp:startDate></sp:Problem>
</rdf:RDF>"#
    );
    assert!(doc.len() < 1024, "{} bytes", doc.len());
    let path = dir.join("p5550009.xml");
    std::fs::write(&path, doc).expect("write");
    path
}

#[test]
fn validate_reads_whole_record_files_as_import_does() {
    let data = tempfile::tempdir().expect("tempdir");
    let unlinked = fixture("whole-record/p5550001.xml");
    let mixed = fixture("whole-record/p5550002.xml");
    for mode in [&[][..], &["--lenient"][..]] {
        let mut args = vec!["validate"];
        args.extend_from_slice(mode);
        args.extend([unlinked.as_str(), mixed.as_str()]);
        let o = smart(data.path(), &args);
        let out = text(&o);
        assert!(o.status.success(), "{out}");
        assert!(out.contains("2 files, 0 invalid, 0 errors"), "{out}");
    }
    // Another record: named in the error.
    let foreign = fixture("whole-record/p5550003.xml");
    let o = smart(data.path(), &["validate", &foreign]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("error[belongs-to]"), "{out}");
    assert!(
        out.contains("expected record 5550003") && out.contains("records/5550999"),
        "{out}"
    );
    // --record-id names the record instead of the file name: then it is that record's.
    let o = smart(
        data.path(),
        &["validate", "--record-id", "5550999", &foreign],
    );
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn an_older_vocabulary_is_one_line_and_warnings_list_the_details() {
    let data = tempfile::tempdir().expect("tempdir");
    let old = fixture("older-vocabulary/p5550004.xml");
    let o = smart(data.path(), &["validate", &old]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let findings: Vec<&str> = out.lines().filter(|l| l.contains("]")).collect();
    assert_eq!(findings.len(), 1, "{out}");
    assert!(findings[0].contains("error[older-vocabulary]"), "{out}");
    assert!(
        findings[0].contains("sp:AllergyException") && findings[0].contains("sp:ResultRange"),
        "{out}"
    );
    assert!(out.contains("details (--warnings lists them)"), "{out}");

    let o = smart(data.path(), &["validate", "--warnings", &old]);
    let out = text(&o);
    let details = out.lines().filter(|l| l.contains(": detail[")).count();
    assert!(details > 10, "{out}");
    assert!(out.contains("detail[unknown-class]"), "{out}");

    let o = smart(data.path(), &["verify", "--file", &old]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let fail: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL ")).collect();
    assert_eq!(fail.len(), 1, "{out}");
    assert!(fail[0].contains("older than 0.6"), "{out}");
    assert!(!fail[0].contains("unknown-class"), "{out}");

    // smart import: one line, and the details with --warnings; nothing stored.
    let o = smart(data.path(), &["import", &old]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let rejected: Vec<&str> = out.lines().filter(|l| l.contains("REJECTED")).collect();
    assert_eq!(rejected.len(), 1, "{out}");
    assert!(rejected[0].contains("older than 0.6"), "{out}");
    assert!(!out.contains("detail["), "{out}");
    let o = smart(data.path(), &["import", "--warnings", &old]);
    let out = text(&o);
    assert!(
        out.lines().filter(|l| l.contains("detail[")).count() > 10,
        "{out}"
    );
    let o = smart(data.path(), &["records", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
}

#[test]
fn import_stores_whole_record_files_with_the_statements_of_the_file() {
    let data = tempfile::tempdir().expect("tempdir");
    let unlinked = fixture("whole-record/p5550001.xml");
    let mixed = fixture("whole-record/p5550002.xml");
    let foreign = fixture("whole-record/p5550003.xml");
    let o = smart(data.path(), &["import", &unlinked, &mixed, &foreign]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("imported 2 patients"), "{out}");
    assert!(out.contains("1 rejected"), "{out}");
    assert!(
        out.contains("p5550003.xml: REJECTED") && out.contains("records/5550999"),
        "{out}"
    );
    for (record, statements, classes) in [
        (
            "5550001",
            6,
            serde_json::json!({"sp:Demographics": 1, "sp:Encounter": 1, "sp:LabResult": 1,
                "sp:Problem": 1, "sp:VitalSignSet": 2}),
        ),
        (
            "5550002",
            4,
            serde_json::json!({"sp:Demographics": 1, "sp:LabResult": 1, "sp:Problem": 2}),
        ),
    ] {
        let o = smart(data.path(), &["records", "show", record, "--json"]);
        assert!(o.status.success(), "{}", text(&o));
        let shown: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        assert_eq!(shown["statements"], statements, "{shown}");
        assert_eq!(shown["classes"], classes, "{shown}");
    }
}

#[test]
fn entity_declarations_are_refused_by_validate_verify_and_import() {
    let data = tempfile::tempdir().expect("tempdir");
    let laughs = laughing_file(data.path());
    let laughs = laughs.display().to_string();
    for args in [
        vec!["validate", laughs.as_str()],
        vec!["verify", "--file", laughs.as_str()],
        vec!["import", laughs.as_str()],
        vec!["convert", laughs.as_str()],
    ] {
        let o = smart(&data.path().join("data"), &args);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {out}");
        assert!(
            out.contains("declares XML entities (<!ENTITY"),
            "{args:?}: {out}"
        );
    }
}
