//! The `smart` binary, run as a user would: output, exit status, messages.

use std::path::PathBuf;
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

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smart-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write temp file");
    path
}

const NOTE: &str = r#"@prefix sp: <http://smartplatforms.org/terms#> .
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
fn catalog_lists_every_call() {
    let o = smart(&["catalog"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("get_medications"), "{text}");
    assert!(text.trim_end().ends_with("47 calls"), "{text}");
    let json = smart(&["catalog", "--json"]);
    let calls: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(calls.as_array().map(Vec::len), Some(47));
}

#[test]
fn valid_file_passes_and_invalid_file_fails_naming_the_problem() {
    let good = temp_file("good.ttl", NOTE.as_bytes());
    let o = smart(&["validate", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("valid (strict)"));

    let bad = temp_file(
        "bad.ttl",
        NOTE.replace("sp:startDate \"2010-03-04\" ;", "").as_bytes(),
    );
    let o = smart(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("sp:startDate") && text.contains("INVALID"),
        "{text}"
    );
}

#[test]
fn unreadable_inputs_give_one_clear_line_and_exit_1() {
    let malformed = temp_file("broken.xml", b"<?xml version=\"1.0\"?><rdf:RDF");
    let o = smart(&["validate", malformed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("invalid RDF/XML"), "{}", stdout(&o));

    let o = smart(&["convert", "/nonexistent/patient.xml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("smart: ") && err.contains("/nonexistent/patient.xml"),
        "{err}"
    );

    let odd = temp_file("patient.docx", b"x");
    let o = smart(&["convert", odd.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown RDF file extension"));
}

#[test]
fn convert_and_ontology_produce_parseable_rdf() {
    let good = temp_file("convert.ttl", NOTE.as_bytes());
    let o = smart(&["convert", good.to_str().unwrap(), "--to", "rdfxml"]);
    assert!(o.status.success());
    let g = smart_rdf::parse(&o.stdout, smart_rdf::RdfFormat::RdfXml, None).expect("RDF/XML");
    assert_eq!(g.len(), 13);
    let o = smart(&["ontology", "--format", "turtle"]);
    assert!(o.status.success());
    assert!(smart_rdf::parse(&o.stdout, smart_rdf::RdfFormat::Turtle, None).is_ok());
}
