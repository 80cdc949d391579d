//! Importing patient records: one importer for `smart import`, for the sample patients a
//! server stores on its first start, and for tests.
//!
//! An import has two steps, so that the CPU-bound part can run in parallel and the writes
//! one record at a time:
//!
//! 1. [`prepare`] (synchronous, no store involved): validates the graph, splits it into
//!    statement graphs with deterministic IRIs ([`smart_rdf::split_record`]) and reads the
//!    binaries that its `sp:fileName` statements name from a [`DocumentSource`].
//! 2. [`commit`]: stores the documents, replaces the record in the clinical store
//!    atomically, registers it with its label (the patient's name) and drops documents a
//!    previous import stored that the record no longer names.
//!
//! Re-importing the same file stores the same IRIs and graphs: the split's ids come from a
//! hash of each statement's content, so an import is idempotent.
//!
//! # Whole-record files
//!
//! A graph is validated as a whole-record file
//! ([`smart_rdf::validate::RecordFile`]): statements without `sp:belongsTo` belong to the
//! record being imported, as the original loader's `attach_statements_to_record` had it,
//! in strict and lenient mode alike (the split links every statement); a statement naming
//! another record refuses the file. A file in a SMART vocabulary older than 0.6 is refused
//! with one [`ImportError::Validation`] error that says so, its other findings kept in the
//! report as details.
//!
//! # Missing documents
//!
//! A statement naming a file that the source does not have is an error
//! ([`ImportErrorKind::MissingDocument`]) under [`Validation::Strict`] and
//! [`Validation::Skip`], and a warning under [`Validation::Lenient`]: lenient mode exists
//! for the original generator's output, whose documents were often shipped separately, and
//! a record without its binaries is still useful (the document calls answer 404 for the
//! bytes while the metadata is there).
//!
//! # Failures and what they leave behind
//!
//! [`prepare`] writes nothing. [`commit`] writes in the order blobs, clinical record,
//! registry:
//!
//! - a failure while storing blobs leaves the clinical store untouched; the blobs written so
//!   far stay (a blob is keyed by record and file name, so the next import of the record
//!   overwrites them, and no statement refers to a document of a record that was never
//!   stored);
//! - [`crate::clinical::ClinicalStore::replace_record`] is atomic: the record is wholly the
//!   old or wholly the new version;
//! - a failure registering the record leaves it stored but unregistered (or with its old
//!   label); [`crate::reconcile::reconcile_records`], which a container runs when it opens
//!   its stores, registers it again. The error is still returned.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use smart_core::{RecordId, dcterms, sp, vcard};
use smart_rdf::validate::{RecordFile, ValidationOptions, validate};
use smart_rdf::{Finding, Report, SplitError, SplitRecord, split_record};

use crate::blobs::{BlobStore, check_file_name};
use crate::clinical::ClinicalStore;
use crate::directory::backend::check_content_type;
use crate::directory::{RecordRegistry, Timestamp};
use crate::error::StoreError;

/// How a record is validated before it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Validation {
    /// Every deviation from the SMART model refuses the record.
    #[default]
    Strict,
    /// The known defects of the original sample-patient generator are warnings; anything
    /// else refuses the record. Missing documents are warnings too.
    Lenient,
    /// No validation, for graphs that are valid by construction (generated patients).
    Skip,
}

/// Where the binaries named by `sp:fileName` come from.
pub trait DocumentSource: Send + Sync + fmt::Debug {
    /// The bytes of `file_name` of `record` and, if the source knows it, the content
    /// type; `Ok(None)` if the source has no such file. `file_name` has passed
    /// [`check_file_name`].
    fn read(&self, record: &RecordId, file_name: &str) -> io::Result<Option<Document>>;

    /// Where the source looks for `file_name` of `record`, for messages.
    fn location(&self, record: &RecordId, file_name: &str) -> String;
}

/// A document's bytes as a [`DocumentSource`] returns them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Document {
    /// The content type, if the source knows it.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Document {
    /// A document of these bytes, with an optional known content type.
    pub fn new(content_type: Option<String>, bytes: Vec<u8>) -> Self {
        Self {
            content_type,
            bytes,
        }
    }
}

/// Documents in a directory laid out as `<root>/<record id>/<file name>`, as `smart
/// generate` writes them beside the patient files and as the reference documents are
/// shipped.
#[derive(Debug, Clone)]
pub struct DirDocuments {
    root: PathBuf,
}

impl DirDocuments {
    /// Documents under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory holding the records' folders.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, record: &RecordId, file_name: &str) -> PathBuf {
        self.root.join(record.as_str()).join(file_name)
    }
}

impl DocumentSource for DirDocuments {
    fn read(&self, record: &RecordId, file_name: &str) -> io::Result<Option<Document>> {
        // The trait promises checked names, but this is public: never leave the folder.
        check_file_name(record, file_name)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        match std::fs::read(self.path(record, file_name)) {
            Ok(bytes) => Ok(Some(Document::new(None, bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn location(&self, record: &RecordId, file_name: &str) -> String {
        self.path(record, file_name).display().to_string()
    }
}

/// Documents held in memory, e.g. a generated patient's attachments. They belong to one
/// record: the record argument of [`DocumentSource::read`] is not consulted.
#[derive(Debug, Clone, Default)]
pub struct MemoryDocuments {
    files: HashMap<String, Document>,
}

impl MemoryDocuments {
    /// No documents.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(
        &mut self,
        file_name: impl Into<String>,
        content_type: Option<String>,
        bytes: Vec<u8>,
    ) {
        self.files
            .insert(file_name.into(), Document::new(content_type, bytes));
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True if it holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl DocumentSource for MemoryDocuments {
    fn read(&self, _record: &RecordId, file_name: &str) -> io::Result<Option<Document>> {
        Ok(self.files.get(file_name).cloned())
    }

    fn location(&self, _record: &RecordId, file_name: &str) -> String {
        format!("{file_name} (in memory)")
    }
}

/// A source without documents: every named document is missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDocuments;

impl DocumentSource for NoDocuments {
    fn read(&self, _record: &RecordId, _file_name: &str) -> io::Result<Option<Document>> {
        Ok(None)
    }

    fn location(&self, _record: &RecordId, file_name: &str) -> String {
        format!("{file_name} (no document source)")
    }
}

/// A document ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreparedDocument {
    /// The file name, as in `sp:fileName`.
    pub file_name: String,
    /// The content type it will be stored with.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A validated, split record with its documents, ready for [`commit`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PreparedRecord {
    /// The split record (storage form).
    pub split: SplitRecord,
    /// The registry label: the patient's name from the demographics, or empty.
    pub label: String,
    /// The documents named by the record, one per file name, ordered by file name.
    pub documents: Vec<PreparedDocument>,
    /// The validation report (warnings only: a record with errors is refused).
    pub report: Report,
    /// Other things worth telling the user: missing documents in lenient mode, triples
    /// that belong to no statement.
    pub warnings: Vec<String>,
}

impl PreparedRecord {
    /// The record id.
    pub fn record(&self) -> &RecordId {
        &self.split.record
    }

    /// The number of triples that will be stored: every statement graph plus the record
    /// graph.
    pub fn triples(&self) -> usize {
        self.split.record_graph.len()
            + self
                .split
                .statements
                .iter()
                .map(|s| s.graph.len())
                .sum::<usize>()
    }
}

/// What [`commit`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportSummary {
    /// The record.
    pub record: RecordId,
    /// Its registry label.
    pub label: String,
    /// How many statements.
    pub statements: usize,
    /// How many triples (statement graphs plus the record graph).
    pub triples: usize,
    /// How many documents were stored.
    pub documents: usize,
    /// Their total size in bytes.
    pub document_bytes: u64,
    /// Documents of an earlier import that the record no longer names, now deleted.
    pub removed_documents: usize,
}

/// What kind of failure an [`ImportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImportErrorKind {
    /// The graph is not an acceptable record (validation errors, cannot be split, a bad
    /// document name or content type).
    Invalid,
    /// A document named by the record is not in the document source.
    MissingDocument,
    /// A document exists but cannot be read.
    Unreadable,
    /// A store failed.
    Storage,
}

/// Why a record was not imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Validation found errors; the report holds every finding. A file in a SMART
    /// vocabulary older than 0.6 has one error that says so
    /// ([`smart_rdf::validate::Rule::OlderVocabulary`]), the rest being details.
    #[error("record {record}: {}", validation_summary(report))]
    Validation {
        /// The record.
        record: RecordId,
        /// The full report.
        report: Report,
    },
    /// The graph cannot be split into statements.
    #[error("record {record}: {source}")]
    Split {
        /// The record.
        record: RecordId,
        /// Why (boxed: it is large and rare).
        source: Box<SplitError>,
    },
    /// A document name or content type is not acceptable.
    #[error("record {record}: {message}")]
    BadDocument {
        /// The record.
        record: RecordId,
        /// What is wrong, naming the document.
        message: String,
    },
    /// A named document is not in the source.
    #[error("record {record}: document {file_name:?} is missing (looked for {location})")]
    MissingDocument {
        /// The record.
        record: RecordId,
        /// The file name from `sp:fileName`.
        file_name: String,
        /// Where it was looked for.
        location: String,
    },
    /// A document cannot be read.
    #[error("record {record}: cannot read document {location}: {source}")]
    Unreadable {
        /// The record.
        record: RecordId,
        /// Where the document is.
        location: String,
        /// The I/O error.
        source: io::Error,
    },
    /// A store failed; `stage` says which write.
    #[error("record {record}: {stage}: {source}")]
    Store {
        /// The record.
        record: RecordId,
        /// What was being written (`storing document "x.pdf"`, `storing the record`, ...).
        stage: String,
        /// The store's error.
        source: StoreError,
    },
}

/// One line: the older-vocabulary verdict, or the error count and the first error.
fn validation_summary(report: &Report) -> String {
    let first = report
        .errors()
        .next()
        .map(Finding::message)
        .unwrap_or_default();
    if report.is_older_vocabulary() {
        format!("{first} ({} details)", report.detail_count())
    } else {
        format!("{} validation errors, first: {first}", report.error_count())
    }
}

impl ImportError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ImportErrorKind {
        match self {
            Self::Validation { .. } | Self::Split { .. } | Self::BadDocument { .. } => {
                ImportErrorKind::Invalid
            }
            Self::MissingDocument { .. } => ImportErrorKind::MissingDocument,
            Self::Unreadable { .. } => ImportErrorKind::Unreadable,
            Self::Store { .. } => ImportErrorKind::Storage,
        }
    }

    /// The record concerned.
    pub fn record(&self) -> &RecordId {
        match self {
            Self::Validation { record, .. }
            | Self::Split { record, .. }
            | Self::BadDocument { record, .. }
            | Self::MissingDocument { record, .. }
            | Self::Unreadable { record, .. }
            | Self::Store { record, .. } => record,
        }
    }

    /// The validation report, for a [`ImportError::Validation`] error.
    pub fn report(&self) -> Option<&Report> {
        match self {
            Self::Validation { report, .. } => Some(report),
            _ => None,
        }
    }
}

/// Validates, splits and collects the documents of one patient graph. Writes nothing.
///
/// `graph` must be in storage form (convert a re-imported export with
/// [`smart_rdf::to_storage`] first); its nodes are usually blank. It is validated as a
/// whole-record file ([`RecordFile`]): statements without `sp:belongsTo` belong to
/// `record`, as the original loader attached them (the split links every statement),
/// and a statement naming another record refuses the file. Validation errors refuse the
/// record; warnings are returned in [`PreparedRecord::report`].
pub fn prepare(
    graph: &Graph,
    record: RecordId,
    validation: Validation,
    documents: &dyn DocumentSource,
) -> Result<PreparedRecord, ImportError> {
    let file = RecordFile::new(Some(record.clone()));
    let report = match validation {
        Validation::Strict => validate(graph, &ValidationOptions::strict().with_record_file(file)),
        Validation::Lenient => {
            validate(graph, &ValidationOptions::lenient().with_record_file(file))
        }
        Validation::Skip => Report::default(),
    };
    if !report.is_valid() {
        return Err(ImportError::Validation { record, report });
    }
    let split = split_record(graph, &record).map_err(|source| ImportError::Split {
        record: record.clone(),
        source: Box::new(source),
    })?;
    let mut warnings = Vec::new();
    if !split.orphans.is_empty() {
        warnings.push(format!(
            "{} triples belong to no statement and are not stored (first: {})",
            split.orphans.len(),
            split.orphans[0]
        ));
    }
    let mut prepared = Vec::new();
    for (file_name, declared) in named_documents(graph) {
        check_file_name(&record, &file_name).map_err(|e| ImportError::BadDocument {
            record: record.clone(),
            message: e.message().to_owned(),
        })?;
        let location = documents.location(&record, &file_name);
        let found =
            documents
                .read(&record, &file_name)
                .map_err(|source| ImportError::Unreadable {
                    record: record.clone(),
                    location: location.clone(),
                    source,
                })?;
        let Some(document) = found else {
            if validation == Validation::Lenient {
                warnings.push(format!(
                    "document {file_name:?} is missing (looked for {location}); \
                     its statements are imported without it"
                ));
                continue;
            }
            return Err(ImportError::MissingDocument {
                record,
                file_name,
                location,
            });
        };
        let content_type = content_type(&file_name, declared, document.content_type);
        check_content_type(&format!("document {file_name:?}"), &content_type).map_err(|e| {
            ImportError::BadDocument {
                record: record.clone(),
                message: e.message().to_owned(),
            }
        })?;
        prepared.push(PreparedDocument {
            file_name,
            content_type,
            bytes: document.bytes,
        });
    }
    let label = patient_label(&split);
    Ok(PreparedRecord {
        split,
        label,
        documents: prepared,
        report,
        warnings,
    })
}

/// Why one patient file could not be prepared: it is not RDF in its format, or
/// [`prepare`] refused it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The bytes do not parse in the file's format.
    #[error("{0}")]
    Parse(#[from] smart_rdf::RdfParseError),
    /// [`prepare`] refused the graph.
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// One patient file, from its bytes: parses them in `format`, converts an export of this
/// container (statements named under `api_base`) to storage form, and [`prepare`]s the
/// graph. `smart import` runs it on each file, the web UI's record import on each upload,
/// so both accept and refuse the same files. Writes nothing.
pub fn prepare_file(
    bytes: &[u8],
    format: smart_rdf::RdfFormat,
    record: RecordId,
    api_base: &smart_rdf::ApiBase,
    validation: Validation,
    documents: &dyn DocumentSource,
) -> Result<PreparedRecord, FileError> {
    let graph = smart_rdf::parse(bytes, format, None)?;
    let graph = smart_rdf::to_storage(&graph, api_base);
    Ok(prepare(&graph, record, validation, documents)?)
}

/// Stores a prepared record: documents, then the clinical record (atomically), then its
/// registry entry; finally deletes documents of an earlier import that the record no
/// longer names. See the module docs for what a failure leaves behind.
pub async fn commit(
    clinical: &dyn ClinicalStore,
    registry: &dyn RecordRegistry,
    blobs: &dyn BlobStore,
    prepared: &PreparedRecord,
) -> Result<ImportSummary, ImportError> {
    let record = prepared.record();
    let store_error = |stage: String| {
        move |source: StoreError| ImportError::Store {
            record: record.clone(),
            stage,
            source,
        }
    };
    let mut document_bytes = 0u64;
    for doc in &prepared.documents {
        let meta = blobs
            .put(record, &doc.file_name, &doc.content_type, &doc.bytes)
            .await
            .map_err(store_error(format!("storing document {:?}", doc.file_name)))?;
        document_bytes += meta.size;
    }
    clinical
        .replace_record(&prepared.split)
        .await
        .map_err(store_error("storing the record".to_owned()))?;
    registry
        .upsert_record(record, &prepared.label, Timestamp::now())
        .await
        .map_err(store_error("registering the record".to_owned()))?;
    let mut removed_documents = 0;
    let stale = blobs
        .list(record)
        .await
        .map_err(store_error("listing its documents".to_owned()))?;
    for meta in stale {
        let named = prepared
            .documents
            .binary_search_by(|d| d.file_name.as_str().cmp(&meta.file_name))
            .is_ok();
        if !named {
            blobs
                .delete(record, &meta.file_name)
                .await
                .map_err(store_error(format!(
                    "deleting the stale document {:?}",
                    meta.file_name
                )))?;
            removed_documents += 1;
        }
    }
    Ok(ImportSummary {
        record: record.clone(),
        label: prepared.label.clone(),
        statements: prepared.split.statements.len(),
        triples: prepared.triples(),
        documents: prepared.documents.len(),
        document_bytes,
        removed_documents,
    })
}

/// Every `sp:fileName` of the graph with the content type its statement declares (the
/// `rdfs:label` of its `dcterms:format`, else the media-type IRI's path), one entry per
/// file name (the reference patients name one DICOM file from many images), by name.
fn named_documents(graph: &Graph) -> BTreeMap<String, Option<String>> {
    let file_name = NamedNodeRef::new_unchecked(sp!("fileName"));
    let format = NamedNodeRef::new_unchecked(dcterms!("format"));
    let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
    for t in graph.triples_for_predicate(file_name) {
        let TermRef::Literal(name) = t.object else {
            continue;
        };
        let declared = graph
            .objects_for_subject_predicate(t.subject, format)
            .find_map(|f| declared_type(graph, f));
        let entry = out.entry(name.value().to_owned()).or_default();
        if entry.is_none() {
            *entry = declared;
        }
    }
    out
}

/// The media type a `dcterms:format` value names.
fn declared_type(graph: &Graph, format: TermRef<'_>) -> Option<String> {
    let label = NamedNodeRef::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label");
    // `if let` rather than `match`: oxrdf adds a variant under its `rdf-12` feature.
    let node = if let TermRef::NamedNode(n) = format {
        NamedOrBlankNodeRef::from(n)
    } else if let TermRef::BlankNode(b) = format {
        NamedOrBlankNodeRef::from(b)
    } else if let TermRef::Literal(l) = format {
        return Some(l.value().trim().to_owned());
    } else {
        return None;
    };
    let labelled = graph
        .objects_for_subject_predicate(node, label)
        .find_map(|l| match l {
            TermRef::Literal(l) => Some(l.value().trim().to_owned()),
            _ => None,
        });
    labelled.or_else(|| match node {
        NamedOrBlankNodeRef::NamedNode(n) => n
            .as_str()
            .split_once("/mediatypes/")
            .map(|(_, t)| t.to_owned()),
        NamedOrBlankNodeRef::BlankNode(_) => None,
    })
}

/// The content type to store: the statement's declaration, else the source's, else one
/// guessed from the extension.
fn content_type(file_name: &str, declared: Option<String>, from_source: Option<String>) -> String {
    declared
        .filter(|t| !t.is_empty())
        .or(from_source)
        .unwrap_or_else(|| by_extension(file_name).to_owned())
}

fn by_extension(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "dcm" => "application/dicom",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// "Given Family" from the demographics statement's `vcard:n`, or empty.
fn patient_label(split: &SplitRecord) -> String {
    let Some(demographics) = split
        .statements
        .iter()
        .find(|s| s.class.iri == sp!("Demographics"))
    else {
        return String::new();
    };
    let g = &demographics.graph;
    let n = NamedNodeRef::new_unchecked(vcard!("n"));
    let subject = NamedOrBlankNodeRef::from(demographics.iri.as_ref());
    let Some(name) = g.objects_for_subject_predicate(subject, n).find_map(|o| {
        if let TermRef::NamedNode(n) = o {
            Some(NamedOrBlankNodeRef::from(n))
        } else if let TermRef::BlankNode(b) = o {
            Some(NamedOrBlankNodeRef::from(b))
        } else {
            None
        }
    }) else {
        return String::new();
    };
    let part = |local: &str| {
        let p = oxrdf::NamedNode::new_unchecked(format!("http://www.w3.org/2006/vcard/ns#{local}"));
        g.objects_for_subject_predicate(name, p.as_ref())
            .find_map(|o| match o {
                TermRef::Literal(l) => Some(l.value().trim().to_owned()),
                _ => None,
            })
            .unwrap_or_default()
    };
    let label = [part("given-name"), part("family-name")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // The registry accepts labels of up to 300 characters.
    label.chars().take(300).collect()
}
