//! Loading patient data into a test server: the reference patients (with their
//! documents) and a small record with a lab panel.

use super::TestServer;
use smart_core::RecordId;
use std::path::{Path, PathBuf};

impl TestServer {
    /// Imports reference patient files (by record id) into the stores, with their
    /// documents when a folder of them exists.
    pub async fn import_reference(&self, shared: &Path, ids: &[&str]) {
        for id in ids {
            let file = shared.join(format!("data/reference-patients/p{id}.xml"));
            let file = if file.is_file() {
                file
            } else {
                shared.join(format!("data/reference-patients/{id}.xml"))
            };
            self.import_file(&file, shared).await;
        }
    }

    /// Imports one file (record id from its name).
    pub async fn import_file(&self, file: &Path, shared: &Path) -> RecordId {
        let name = file.file_name().unwrap().to_str().unwrap();
        let record = RecordId::from_file_name(name).unwrap();
        self.import_file_as(file, shared, &record).await;
        record
    }

    /// Imports one file as `record` (tests on shared servers use ids of their own), with
    /// the documents of the file's own record id.
    pub async fn import_file_as(&self, file: &Path, shared: &Path, record: &RecordId) {
        let bytes = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        let source_id = RecordId::from_file_name(name).unwrap();
        let record = record.clone();
        let graph = smart_rdf::parse(&bytes, smart_rdf::RdfFormat::RdfXml, None).unwrap();
        let split = smart_rdf::split_record(&graph, &record).unwrap();
        self.container
            .clinical()
            .replace_record(&split)
            .await
            .unwrap();
        self.container
            .directory()
            .upsert_record(&record, "", smart_store::directory::Timestamp::now())
            .await
            .unwrap();
        let docs = shared
            .join("data/reference-documents")
            .join(source_id.as_str());
        if docs.is_dir() {
            for entry in std::fs::read_dir(&docs).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().to_owned();
                let ct = match path.extension().and_then(|e| e.to_str()) {
                    Some("txt") => "text/plain",
                    Some("pdf") => "application/pdf",
                    Some("jpg") => "image/jpeg",
                    Some("png") => "image/png",
                    Some("dcm") => "application/dicom",
                    _ => "application/octet-stream",
                };
                let bytes = std::fs::read(&path).unwrap();
                self.container
                    .blobs()
                    .put(&record, &name, ct, &bytes)
                    .await
                    .unwrap();
            }
        }
    }

    /// Imports every reference patient (60) with their documents; the record ids.
    pub async fn import_all(&self, shared: &Path) -> Vec<RecordId> {
        let mut ids = Vec::new();
        for file in reference_files(shared) {
            ids.push(self.import_file(&file, shared).await);
        }
        ids
    }
}

/// The 60 reference patient files, sorted (fails loudly if the set is incomplete).
pub fn reference_files(shared: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("data/reference-patients"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 60, "expected the 60 reference patients");
    files
}

/// The reference file of a record id.
pub fn reference_file(shared: &Path, record: &str) -> PathBuf {
    let p = shared.join(format!("data/reference-patients/p{record}.xml"));
    if p.is_file() {
        p
    } else {
        shared.join(format!("data/reference-patients/{record}.xml"))
    }
}

/// A reference patient file, parsed as it is (blank nodes, no server involved).
pub fn source_graph(file: &Path) -> oxrdf::Graph {
    smart_rdf::parse(
        &std::fs::read(file).unwrap(),
        smart_rdf::RdfFormat::RdfXml,
        None,
    )
    .unwrap()
}

/// A record with one lab panel (no reference patient has one), imported like the others.
pub const LAB_PANEL_RECORD: &str = "5550001";

impl TestServer {
    /// Imports [`LAB_PANEL_RECORD`]: a record with demographics and one lab panel.
    pub async fn import_lab_panel_record(&self) {
        let turtle = r#"
            @prefix sp: <http://smartplatforms.org/terms#> .
            @prefix dcterms: <http://purl.org/dc/terms/> .
            @prefix foaf: <http://xmlns.com/foaf/0.1/> .
            @prefix v: <http://www.w3.org/2006/vcard/ns#> .
            _:r a sp:MedicalRecord .
            _:d a sp:Demographics ; sp:belongsTo _:r ; foaf:gender "female" ;
                v:n [ a v:Name ; v:given-name "Panel" ; v:family-name "Patient" ] ;
                v:bday "1970-01-01" .
            _:p a sp:LabPanel ; sp:belongsTo _:r ; dcterms:date "2012-03-04" ;
                sp:labName [ a sp:CodedValue ; dcterms:title "Basic metabolic panel" ;
                    sp:code <http://purl.bioontology.org/ontology/LNC/51990-0> ] .
        "#;
        let graph =
            smart_rdf::parse(turtle.as_bytes(), smart_rdf::RdfFormat::Turtle, None).unwrap();
        let record = RecordId::new(LAB_PANEL_RECORD).unwrap();
        let split = smart_rdf::split_record(&graph, &record).unwrap();
        self.container
            .clinical()
            .replace_record(&split)
            .await
            .unwrap();
        self.container
            .directory()
            .upsert_record(&record, "", smart_store::directory::Timestamp::now())
            .await
            .unwrap();
    }
}
