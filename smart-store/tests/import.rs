//! The importer: generated and reference patients with their documents, idempotent
//! re-import, refused graphs and missing documents leaving nothing stored, and a store
//! failing mid-import leaving no half-imported record.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use oxrdf::Graph;
use smart_core::RecordId;
use smart_rdf::{RdfFormat, parse};
use smart_samples::Generator;
use smart_store::blobs::{BlobMeta, BlobStore, MemoryBlobs};
use smart_store::clinical::{ClinicalStore, MemoryClinicalStore, StatementQuery};
use smart_store::directory::{MemoryDirectory, Page, RecordRegistry};
use smart_store::import::{
    DirDocuments, ImportErrorKind, MemoryDocuments, NoDocuments, PreparedRecord, Validation,
    commit, prepare,
};
use smart_store::{StoreError, StoreResult};

struct Stores {
    clinical: MemoryClinicalStore,
    directory: MemoryDirectory,
    blobs: MemoryBlobs,
}

impl Stores {
    fn new() -> Self {
        Self {
            clinical: MemoryClinicalStore::in_memory().expect("memory store"),
            directory: MemoryDirectory::new(),
            blobs: MemoryBlobs::new(),
        }
    }

    async fn commit(&self, prepared: &PreparedRecord) -> smart_store::import::ImportSummary {
        commit(&self.clinical, &self.directory, &self.blobs, prepared)
            .await
            .expect("commit")
    }

    /// Records in the clinical store and in the registry, and documents of `record`.
    async fn contents(&self, record: &RecordId) -> (Vec<RecordId>, Vec<RecordId>, Vec<BlobMeta>) {
        let clinical = self.clinical.record_ids().await.expect("record ids");
        let registered = self
            .directory
            .list_records(Page::first(Page::MAX_LIMIT))
            .await
            .expect("list")
            .items
            .into_iter()
            .map(|e| e.id)
            .collect();
        let blobs = self.blobs.list(record).await.expect("blobs");
        (clinical, registered, blobs)
    }

    /// Per stored statement of the prepared record, the size of its stored graph.
    async fn stored_sizes(&self, prepared: &PreparedRecord) -> Vec<usize> {
        let mut sizes = Vec::new();
        for s in &prepared.split.statements {
            let g = self
                .clinical
                .statement(prepared.record(), &s.iri)
                .await
                .expect("statement")
                .unwrap_or_else(|| panic!("statement {} is stored", s.iri));
            sizes.push(g.len());
        }
        sizes
    }
}

fn record(id: &str) -> RecordId {
    RecordId::new(id).expect("record id")
}

fn generated(index: u64) -> (Graph, RecordId, MemoryDocuments) {
    let patient = Generator::new(7).generate_patient(index);
    let mut docs = MemoryDocuments::new();
    for a in &patient.documents {
        docs.insert(
            a.file_name.clone(),
            Some(a.content_type.to_owned()),
            a.bytes.clone(),
        );
    }
    (patient.graph, record(&patient.record_id), docs)
}

/// The first generated patient (of the first 20) that has documents.
fn generated_with_documents() -> (Graph, RecordId, MemoryDocuments) {
    (0..20)
        .map(generated)
        .find(|(_, _, docs)| !docs.is_empty())
        .expect("some of 20 generated patients have documents")
}

#[tokio::test]
async fn generated_patient_is_imported_with_its_documents_and_reimport_is_idempotent() {
    let (graph, id, docs) = generated_with_documents();
    let stores = Stores::new();
    let prepared = prepare(&graph, id.clone(), Validation::Strict, &docs).expect("prepare");
    assert!(prepared.report.findings.is_empty(), "{}", prepared.report);
    assert_eq!(prepared.documents.len(), docs.len());
    assert!(
        !prepared.label.is_empty(),
        "the label is the patient's name"
    );

    let summary = stores.commit(&prepared).await;
    assert_eq!(summary.record, id);
    assert_eq!(summary.statements, prepared.split.statements.len());
    assert!(summary.statements > 10, "{summary:?}");
    assert_eq!(summary.triples, prepared.triples());
    assert_eq!(summary.documents, docs.len());
    assert_eq!(summary.removed_documents, 0);

    // Every class holds as many statements as the split made.
    for (class, count) in prepared.split.counts() {
        let page = stores
            .clinical
            .query(&id, &StatementQuery::all(class))
            .await
            .expect("query");
        assert!(page.total >= count, "{class}: {} < {count}", page.total);
    }
    let (clinical, registered, blobs) = stores.contents(&id).await;
    assert_eq!(clinical, vec![id.clone()]);
    assert_eq!(registered, vec![id.clone()]);
    assert_eq!(blobs.len(), docs.len());
    let entry = stores
        .directory
        .get_record(&id)
        .await
        .expect("get")
        .expect("registered");
    assert_eq!(entry.label, prepared.label);
    let sizes = stores.stored_sizes(&prepared).await;

    // The same graph again: same IRIs, same graphs, same documents.
    let again = prepare(&graph, id.clone(), Validation::Strict, &docs).expect("prepare");
    let iris: Vec<_> = prepared.split.statements.iter().map(|s| &s.iri).collect();
    let iris_again: Vec<_> = again.split.statements.iter().map(|s| &s.iri).collect();
    assert_eq!(iris, iris_again);
    assert_eq!(stores.commit(&again).await, summary);
    assert_eq!(stores.stored_sizes(&prepared).await, sizes);
    assert_eq!(stores.contents(&id).await, (clinical, registered, blobs));
}

#[tokio::test]
async fn invalid_graph_is_refused_and_nothing_is_stored() {
    let (graph, id, docs) = generated_with_documents();
    // Drop every sp:startDate: problems and medications require one.
    let start = oxrdf::NamedNodeRef::new_unchecked("http://smartplatforms.org/terms#startDate");
    let broken: Graph = graph
        .iter()
        .filter(|t| t.predicate != start)
        .map(|t| t.into_owned())
        .collect();
    assert!(broken.len() < graph.len());
    let err = prepare(&broken, id.clone(), Validation::Strict, &docs).unwrap_err();
    assert_eq!(err.kind(), ImportErrorKind::Invalid);
    assert_eq!(err.record(), &id);
    let report = err.report().expect("a validation report");
    assert!(report.error_count() > 0);
    assert!(err.to_string().contains("sp:startDate"), "{err}");
    // Lenient mode does not excuse it either: it is not a known generator defect.
    let err = prepare(&broken, id.clone(), Validation::Lenient, &docs).unwrap_err();
    assert_eq!(err.kind(), ImportErrorKind::Invalid);

    // A graph that cannot be split: two records.
    let two = parse(
        br#"@prefix sp: <http://smartplatforms.org/terms#> .
            _:a a sp:MedicalRecord . _:b a sp:MedicalRecord ."#,
        RdfFormat::Turtle,
        None,
    )
    .expect("turtle");
    let err = prepare(&two, id.clone(), Validation::Skip, &NoDocuments).unwrap_err();
    assert_eq!(err.kind(), ImportErrorKind::Invalid);
    assert!(err.to_string().contains("more than one"), "{err}");

    // prepare writes nothing, so the stores are as they were: empty.
    let stores = Stores::new();
    assert_eq!(stores.contents(&id).await, (vec![], vec![], vec![]));
}

#[tokio::test]
async fn missing_document_is_an_error_in_strict_mode_and_a_warning_in_lenient_mode() {
    let (graph, id, docs) = generated_with_documents();
    let err = prepare(&graph, id.clone(), Validation::Strict, &NoDocuments).unwrap_err();
    assert_eq!(err.kind(), ImportErrorKind::MissingDocument);
    let first = prepare(&graph, id.clone(), Validation::Skip, &docs)
        .expect("prepare")
        .documents[0]
        .file_name
        .clone();
    assert!(err.to_string().contains(&first), "{err} names {first}");

    let prepared = prepare(&graph, id.clone(), Validation::Lenient, &NoDocuments).expect("lenient");
    assert!(prepared.documents.is_empty());
    assert_eq!(
        prepared.warnings.len(),
        docs.len(),
        "{:?}",
        prepared.warnings
    );
    assert!(prepared.warnings.iter().any(|w| w.contains(&first)));
    let stores = Stores::new();
    let summary = stores.commit(&prepared).await;
    assert_eq!(summary.documents, 0);
    assert!(summary.statements > 0);
}

#[tokio::test]
async fn documents_the_record_no_longer_names_are_removed_on_reimport() {
    let (graph, id, docs) = generated_with_documents();
    let stores = Stores::new();
    stores
        .blobs
        .put(&id, "left-over.pdf", "application/pdf", b"%PDF-old")
        .await
        .expect("put");
    let prepared = prepare(&graph, id.clone(), Validation::Strict, &docs).expect("prepare");
    let summary = stores.commit(&prepared).await;
    assert_eq!(summary.removed_documents, 1);
    let names: Vec<String> = stores
        .blobs
        .list(&id)
        .await
        .expect("list")
        .into_iter()
        .map(|m| m.file_name)
        .collect();
    assert!(!names.iter().any(|n| n == "left-over.pdf"), "{names:?}");
    assert_eq!(names.len(), docs.len());
}

#[tokio::test]
async fn document_names_that_leave_the_folder_are_refused() {
    let ttl = br#"@prefix sp: <http://smartplatforms.org/terms#> .
        _:d a sp:Document ; sp:fileName "../../etc/passwd" ."#;
    let graph = parse(ttl, RdfFormat::Turtle, None).expect("turtle");
    let dir = tempfile::tempdir().expect("tempdir");
    let err = prepare(
        &graph,
        record("5"),
        Validation::Skip,
        &DirDocuments::new(dir.path()),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ImportErrorKind::Invalid);
    assert!(err.to_string().contains("passwd"), "{err}");
}

#[tokio::test]
async fn documents_are_read_from_a_folder_named_after_the_record() {
    let (graph, id, docs) = generated_with_documents();
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join(id.as_str());
    std::fs::create_dir_all(&folder).expect("mkdir");
    let from_memory = prepare(&graph, id.clone(), Validation::Strict, &docs).expect("memory");
    for d in &from_memory.documents {
        std::fs::write(folder.join(&d.file_name), &d.bytes).expect("write");
    }
    let from_dir = prepare(
        &graph,
        id.clone(),
        Validation::Strict,
        &DirDocuments::new(dir.path()),
    )
    .expect("dir");
    // Same bytes and, since the statements declare them, the same content types.
    assert_eq!(from_dir.documents, from_memory.documents);

    std::fs::remove_file(folder.join(&from_memory.documents[0].file_name)).expect("rm");
    let err = prepare(
        &graph,
        id.clone(),
        Validation::Strict,
        &DirDocuments::new(dir.path()),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ImportErrorKind::MissingDocument);
    assert!(
        err.to_string().contains(
            &folder
                .join(&from_memory.documents[0].file_name)
                .display()
                .to_string()
        ),
        "{err} names where it looked"
    );
}

/// Blobs that fail on the n-th put, to interrupt a commit.
#[derive(Debug)]
struct FailingBlobs {
    inner: MemoryBlobs,
    fail_at: usize,
    puts: std::sync::atomic::AtomicUsize,
}

#[async_trait]
impl BlobStore for FailingBlobs {
    async fn put(
        &self,
        record: &RecordId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<BlobMeta> {
        let n = self.puts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if n == self.fail_at {
            return Err(StoreError::unavailable("disk on fire"));
        }
        self.inner.put(record, file_name, content_type, bytes).await
    }
    async fn get(&self, r: &RecordId, f: &str) -> StoreResult<Option<(BlobMeta, Vec<u8>)>> {
        self.inner.get(r, f).await
    }
    async fn meta(&self, r: &RecordId, f: &str) -> StoreResult<Option<BlobMeta>> {
        self.inner.meta(r, f).await
    }
    async fn delete(&self, r: &RecordId, f: &str) -> StoreResult<bool> {
        self.inner.delete(r, f).await
    }
    async fn delete_record(&self, r: &RecordId) -> StoreResult<u64> {
        self.inner.delete_record(r).await
    }
    async fn list(&self, r: &RecordId) -> StoreResult<Vec<BlobMeta>> {
        self.inner.list(r).await
    }
}

#[tokio::test]
async fn a_store_failure_during_commit_leaves_no_record() {
    let (graph, id, docs) = generated_with_documents();
    let prepared = prepare(&graph, id.clone(), Validation::Strict, &docs).expect("prepare");
    let clinical = MemoryClinicalStore::in_memory().expect("store");
    let directory = MemoryDirectory::new();
    let blobs = FailingBlobs {
        inner: MemoryBlobs::new(),
        fail_at: prepared.documents.len() - 1,
        puts: Default::default(),
    };
    let err = commit(&clinical, &directory, &blobs, &prepared)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ImportErrorKind::Storage);
    assert!(err.to_string().contains("disk on fire"), "{err}");
    assert!(clinical.record_ids().await.expect("ids").is_empty());
    assert!(directory.get_record(&id).await.expect("get").is_none());
}

/// `shared/` with the reference patients, or `None` after saying so (a failure under
/// `CI=true`).
fn shared_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            here.ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("spec").is_dir())
        });
    match dir {
        Some(d) if d.join("data/reference-patients/99912345.xml").is_file() => Some(d),
        _ => {
            let msg = "the reference patients (shared/data) are not available; set \
                       SMART_SHARED_DIR";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}");
            }
            eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
            None
        }
    }
}

#[tokio::test]
async fn reference_patient_99912345_is_imported_with_its_five_documents() {
    let Some(shared) = shared_dir() else { return };
    let file = shared.join("data/reference-patients/99912345.xml");
    let bytes = std::fs::read(&file).expect("read");
    let graph = parse(&bytes, RdfFormat::RdfXml, None).expect("RDF/XML");
    let id = RecordId::from_file_name("99912345.xml").expect("id");
    let documents = DirDocuments::new(shared.join("data/reference-documents"));

    // The original generator's output has known defects: strict mode refuses it.
    let strict = prepare(&graph, id.clone(), Validation::Strict, &documents);
    if let Err(e) = &strict {
        assert_eq!(e.kind(), ImportErrorKind::Invalid, "{e}");
    }
    let prepared = prepare(&graph, id.clone(), Validation::Lenient, &documents).expect("lenient");
    let names: Vec<&str> = prepared
        .documents
        .iter()
        .map(|d| d.file_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "IM-0002-0001.dcm",
            "notes6267.txt",
            "photo831.jpg",
            "report4521.pdf",
            "reportScan713.png"
        ]
    );
    let types: Vec<&str> = prepared
        .documents
        .iter()
        .map(|d| d.content_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "application/dicom",
            "text/plain",
            "image/jpeg",
            "application/pdf",
            "image/png"
        ]
    );
    assert_eq!(prepared.label, "Allen Vitalis");

    let stores = Stores::new();
    let summary = stores.commit(&prepared).await;
    assert_eq!(summary.documents, 5);
    assert_eq!(summary.statements, prepared.split.statements.len());
    let on_disk: u64 = std::fs::read_dir(shared.join("data/reference-documents/99912345"))
        .expect("dir")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum();
    assert_eq!(summary.document_bytes, on_disk);
    let photo = stores
        .blobs
        .get(&id, "photo831.jpg")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(photo.0.content_type, "image/jpeg");
    assert_eq!(
        photo.1,
        std::fs::read(shared.join("data/reference-documents/99912345/photo831.jpg")).expect("read")
    );

    let sizes = stores.stored_sizes(&prepared).await;
    let before = stores.contents(&id).await;
    let again = prepare(&graph, id.clone(), Validation::Lenient, &documents).expect("again");
    assert_eq!(stores.commit(&again).await, summary);
    assert_eq!(stores.stored_sizes(&prepared).await, sizes);
    assert_eq!(stores.contents(&id).await, before);
}
