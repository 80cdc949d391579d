//! Shared helpers for the workspace tests: locating `../shared` (the reference material
//! beside the clone) and loading the SMART ontology and reference patients from it.
#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

/// The `shared/` directory beside the clone (override with `SMART_SHARED_DIR`).
///
/// Returns `None` (after saying so loudly) when it is absent on a developer machine; under
/// `CI=true` its absence fails the test, because CI always has it.
pub fn shared_dir() -> Option<PathBuf> {
    // CI has it beside the clone; a git worktree may sit deeper, so look in every ancestor.
    let dir = std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let here = Path::new(env!("CARGO_MANIFEST_DIR"));
            here.ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("spec/smart.owl").is_file())
                .unwrap_or_else(|| here.join("../../shared"))
        });
    if dir.join("spec/smart.owl").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "REFERENCE MATERIAL MISSING: {} has no spec/smart.owl; set SMART_SHARED_DIR",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
    None
}

/// Removes `xml:lang` attributes whose value is not a well-formed language tag. smart.owl
/// has one (in the comment of `get_app_manifest`, where the end of the comment leaked into
/// the attribute), and strict RDF/XML parsers rightly refuse it.
pub fn repair_xml_lang(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    const ATTR: &str = " xml:lang=\"";
    while let Some(pos) = rest.find(ATTR) {
        let value_start = pos + ATTR.len();
        let Some(value_len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + value_len];
        out.push_str(&rest[..pos]);
        if is_language_tag(value) {
            out.push_str(&rest[pos..value_start + value_len + 1]);
        }
        rest = &rest[value_start + value_len + 1..];
    }
    out.push_str(rest);
    out
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (1..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The 2014 SMART ontology (`spec/smart.owl`), repaired and parsed.
pub fn load_ontology(shared: &Path) -> oxrdf::Graph {
    let raw = std::fs::read_to_string(shared.join("spec/smart.owl")).expect("read smart.owl");
    let repaired = expand_namespace_entities(&repair_xml_lang(&raw));
    smart_rdf::parse(
        repaired.as_bytes(),
        smart_rdf::RdfFormat::RdfXml,
        Some("http://smartplatforms.org/terms"),
    )
    .expect("the repaired smart.owl parses")
}

/// The ontology abbreviates namespaces with XML entities (`&sp;Medication`), which
/// smart-rdf refuses in any document (they can nest without bound). Expands them here,
/// for this trusted file only: every declaration is a plain IRI without references, and
/// the document type declaration is dropped.
pub fn expand_namespace_entities(text: &str) -> String {
    let (Some(start), Some(end)) = (text.find("<!DOCTYPE"), text.find("]>")) else {
        return text.to_owned();
    };
    let mut entities = Vec::new();
    for declaration in text[start..end].split("<!ENTITY").skip(1) {
        let mut parts = declaration.split('"');
        let name = parts.next().unwrap_or_default().trim();
        let value = parts.next().unwrap_or_default();
        assert!(!value.contains('&'), "nested entity {name}");
        entities.push((format!("&{name};"), value.to_owned()));
    }
    let mut out = format!("{}{}", &text[..start], &text[end + 2..]);
    for (reference, value) in entities {
        out = out.replace(&reference, &value);
    }
    out
}

/// Paths of the 60 reference patient files, sorted.
pub fn reference_patient_files(shared: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("data/reference-patients"))
        .expect("read reference-patients")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}
