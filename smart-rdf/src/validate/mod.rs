//! Validation of a patient graph, or of a posted payload, against the SMART data model
//! ([`smart_core::model`]).
//!
//! ```
//! use smart_rdf::validate::{ValidationOptions, validate};
//! let ttl = b"@prefix sp: <http://smartplatforms.org/terms#> .
//!     [] a sp:Medication ; sp:startDate \"2011-06\" .";
//! let graph = smart_rdf::parse(ttl, smart_rdf::RdfFormat::Turtle, None)?;
//! let report = validate(&graph, &ValidationOptions::strict());
//! assert!(!report.is_valid());
//! assert!(report.errors().any(|f| f.message().contains("sp:drugName")));
//! # Result::<_, Box<dyn std::error::Error>>::Ok(())
//! ```
//!
//! # What is checked
//!
//! Every node typed with a clinical statement class (a subclass of `sp:Statement`, the
//! most specific one when there are several) is a root, and so is every
//! `sp:MedicalRecord`. From a root, each node is checked against its class, recursively:
//! the class of a nested node is its `rdf:type` (the most specific type that fits the
//! property's range) or, when it has none, the range itself. Each (node, class) pair is
//! checked once, so shared nodes are not reported twice and cycles do not loop. A
//! statement reached through a property (a fulfillment's `sp:medication`) is only
//! type-checked there, since it is checked as a root of its own. An IRI that is not
//! described in the graph at all is a reference to something elsewhere (another
//! statement on the server) and is accepted wherever a node is. `sp:belongsTo` is never
//! recursed into.
//!
//! The [`Rule`]s:
//! - [`Rule::UnknownClass`]: an `rdf:type` in the `sp:` or `spcode:` namespace that the
//!   model does not define (a typo such as `sp:Medicaton`).
//! - [`Rule::NoStatementClass`]: a node without a statement class that claims a record
//!   (`sp:belongsTo`), is listed by one (`sp:hasStatement`), or is a top-level node
//!   (nothing refers to it, so it is neither a statement nor part of one).
//! - [`Rule::MissingProperty`] / [`Rule::TooManyValues`]: the minimum and maximum
//!   cardinalities of every property, inherited ones included.
//! - [`Rule::UnknownProperty`]: an `sp:` property the model does not declare for the
//!   node's class. Other namespaces (vCard, FOAF, Dublin Core) are open: the model uses a
//!   few of their terms but does not own them.
//! - [`Rule::LiteralForNode`] / [`Rule::NodeForLiteral`]: the value's kind against the
//!   range (an IRI is accepted for an `xsd:anyURI` literal).
//! - [`Rule::WrongType`]: a node typed with classes none of which is the range or one of
//!   its subclasses.
//! - [`Rule::Datatype`]: a literal whose datatype is not the one the model names (a plain
//!   string whose text is valid for that datatype is accepted).
//! - [`Rule::Date`]: `sp:startDate`, `sp:endDate`, `dcterms:date`, `v:bday` and
//!   `v:deathdate` must be ISO-8601 dates or date-times of variable precision (`2011`,
//!   `2011-06`, `2011-06-12`, `2011-06-12T18:30Z`, with optional seconds, fraction and
//!   offset; a date-time without an offset is local time).
//! - [`Rule::Number`]: the `sp:value` of an `sp:ValueAndUnit` (or subclass) is a number.
//! - [`Rule::AllowedValue`]: `foaf:gender` is `male`, `female` or `undifferentiated`.
//!   The ontology's comment names only the first two, but the original API Verifier, the
//!   de-facto conformance test of SMART 0.6, also accepts the third (HL7's
//!   "undifferentiated" administrative gender), and we keep data it accepted valid.
//! - [`Rule::FixedUnit`]: `sp:unit` equals the unit the model fixes for the property
//!   (`mm[Hg]` for blood pressures, `cm` for heights, ...).
//! - Coded values: the value of a coded property is an `sp:CodedValue` with exactly one
//!   `dcterms:title` and one `sp:code` (cardinality rules), whose code node
//!   - is described in the graph and typed `sp:Code` plus the list class or a subclass
//!     ([`Rule::CodeType`]),
//!   - is an IRI in the namespace of the list's code system, e.g. RxNorm for a drug name
//!     ([`Rule::CodeSystem`]),
//!   - has `sp:system` + `dcterms:identifier` equal to its IRI ([`Rule::CodeIdentity`]),
//!   - for a closed list, is a member ([`Rule::CodeNotInList`]) whose identifier
//!     ([`Rule::CodeIdentity`]) and title ([`Rule::CodeTitle`], naming both titles) match,
//!     case-insensitively as the original verifier compared them.
//! - Payloads only ([`PayloadRules`]): [`Rule::EmptyPayload`] (no statement at all),
//!   [`Rule::StatementNotAllowed`] (a top-level statement of a class the call does not
//!   accept; statements nested in an accepted one are fine), and `sp:belongsTo` absent or
//!   equal to the given record ([`Rule::BelongsTo`]). In a patient graph with a single
//!   `sp:MedicalRecord`, every `sp:belongsTo` must point to it.
//! - Whole-record files only ([`RecordFile`], what `smart import` reads): a statement
//!   without `sp:belongsTo` belongs to the record the file is imported into, as the
//!   original loader had it; one naming another record is a [`Rule::BelongsTo`] error.
//! - [`Rule::OlderVocabulary`]: a document using terms of a SMART vocabulary older than
//!   0.6 (`sp:AllergyException`, `sp:ResultRange`, `sp:onset`, SNOMED codes under
//!   `http://www.ihtsdo.org/…`, ...) gets this one error naming them; its other findings
//!   become [`Severity::Detail`]s instead of a wall of unknown-class errors.
//!
//! # Lenient mode
//!
//! The 60 reference patients were written by the original generator (and one by hand),
//! and break the model in a few known ways. [`Mode::Lenient`] reports exactly these as
//! [`Severity::Warning`]s (each finding names its [`KnownDefect`]); [`Mode::Strict`]
//! reports them as errors like anything else. Each is matched narrowly:
//! - [`KnownDefect::LabResultWithoutRecord`]: missing `sp:belongsTo` on `sp:LabResult`
//!   (the generator's lab code never links results; the server's loader did).
//! - [`KnownDefect::NestedEncounterWithoutRecord`]: missing `sp:belongsTo` on an
//!   `sp:Encounter` reached through `sp:encounter` (same cause).
//! - [`KnownDefect::ProcedureCodedAsSnomed`]: a procedure name's code typed
//!   `spcode:SNOMED` but not `spcode:Procedure`, the subclass the ontology asks for.
//! - [`KnownDefect::DocumentWithoutResource`]: missing `sp:resource` on an `sp:Document`,
//!   `sp:Photograph` or `sp:MedicalImage` (the vitals patient keeps its files beside the
//!   record instead). Clinical notes are not covered: their content is the note.
//! - [`KnownDefect::MedicalImageWithoutStudy`]: a medical image without
//!   `sp:imagingStudy`, or whose `sp:imagingStudy` points to the `sp:MedicalRecord` (the
//!   vitals patient was written before the 2014 imaging classes).
//! - [`KnownDefect::MedicalImageTimestamp`]: a medical image's `dcterms:date` with a
//!   three-digit seconds field (`12:14:041.3421Z`), a typo in the vitals patient; other
//!   bad dates stay errors.
//! - [`KnownDefect::FamilyHistoryDateProperties`]: family history using `sp:dateOfBirth`
//!   and `sp:dateOfDeath`, which do not exist; the model uses `v:bday` and `v:deathdate`,
//!   whose labels are "dateOfBirth" and "dateOfDeath", which is where the generator's
//!   names come from. The values are still not checked as dates, since the properties
//!   are unknown.
//! - [`KnownDefect::ImmunizationProductSystem`]: a CVX product code whose `sp:system` is
//!   the vaccine-group namespace, a mistake copied from the ontology's own example.
//! - [`KnownDefect::LabValueNotNumeric`]: the value of a quantitative lab result
//!   (`sp:quantitativeResult` › `sp:valueAndUnit` › `sp:value`) that is a range, a
//!   comparison or a word (`0-2`, `<1`, `>20`, `Few`): the generator chooses a
//!   quantitative result from the test's LOINC scale, not from the value in its input
//!   table. Other non-numeric values stay errors.
//!
//! Not defects, so accepted in both modes: the generator's `v:country` (vCard is an open
//! namespace, see [`Rule::UnknownProperty`]), date-times without an offset, and titles
//! that differ from a closed list's only in case (`sitting` for `Sitting`).
//!
//! # Parsing
//!
//! Validation starts from a parsed graph: [`crate::parse`] refuses empty documents,
//! RDF/XML that declares XML entities (before any expansion) and truncated RDF/XML
//! (which the underlying parser would turn into a partial graph), and
//! reports malformed XML, bytes that are not UTF-8 and syntax errors as
//! [`crate::RdfParseError::Syntax`] errors naming the format.
//!
//! Validation never panics, whatever the graph: all lookups go through an index built in
//! one pass, every access is checked, and the walk uses an explicit stack, so neither
//! deep nesting nor cycles are a problem. Its cost is linear in the size of the graph.

mod checks;
mod codes;
mod finding;
mod index;
mod lenient;
mod lexical;
mod older;
mod values;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use oxrdf::Graph;
use smart_core::RecordId;

pub use finding::{Finding, Rule, Severity};
pub use lenient::KnownDefect;

/// How strictly the known defects of the reference patients are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Every deviation from the model is an error.
    #[default]
    Strict,
    /// The known defects of the original generator (see the module docs) are warnings.
    Lenient,
}

/// The extra rules for a posted payload (as opposed to a whole patient record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayloadRules {
    /// The statement classes the call accepts at the top level (subclasses included), or
    /// `None` for any. E.g. `POST …/clinical_notes/` accepts `sp:ClinicalNote`.
    pub allowed_statements: Option<Vec<&'static str>>,
    /// The record the payload is posted to: every `sp:belongsTo` must be this IRI. Either
    /// way a payload may leave `sp:belongsTo` out.
    pub record: Option<String>,
}

impl PayloadRules {
    /// Accepts only statements of these classes (or their subclasses) at the top level.
    pub fn allowing(classes: &[&'static str]) -> Self {
        Self {
            allowed_statements: Some(classes.to_vec()),
            record: None,
        }
    }

    /// The same rules, for a payload posted to this record.
    pub fn for_record(mut self, record_iri: impl Into<String>) -> Self {
        self.record = Some(record_iri.into());
        self
    }
}

/// The extra rules for a whole-record file: one document holding a patient's record, as
/// `smart import` reads it (the original loader's input).
///
/// Such a file need not link its statements to the record: a statement without
/// `sp:belongsTo` belongs to the record the file is imported into, which is what the
/// original loader did (its `attach_statements_to_record` linked every statement), and
/// what the importer's split does. So a missing `sp:belongsTo` is no finding, on any
/// statement, nested or not, in either mode. A statement that does name a record must
/// name this one ([`Rule::BelongsTo`]): the file's single `sp:MedicalRecord` node, or an
/// IRI naming the record id (`…/records/<id>`, under any base, as in an export).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordFile {
    /// The record the file is imported into (from its file name or `--record-id`), when
    /// known. Without it, only the file's own record node (if it has one) is checked.
    pub record: Option<RecordId>,
}

impl RecordFile {
    /// A file imported into `record`, if known.
    pub fn new(record: Option<RecordId>) -> Self {
        Self { record }
    }

    /// Whether `iri` names the record of this file: it ends with `/records/<id>`.
    pub(crate) fn names_record(&self, iri: &str) -> bool {
        self.record.as_ref().is_some_and(|id| {
            iri.rsplit_once("/records/")
                .is_some_and(|(_, tail)| tail == id.as_str())
        })
    }
}

/// What to validate and how.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationOptions {
    /// Strict or lenient.
    pub mode: Mode,
    /// `None` for a patient graph (a whole record); the payload rules for a posted
    /// payload.
    pub payload: Option<PayloadRules>,
    /// For a patient graph read from a whole-record file (as opposed to one a container
    /// answered, whose statements must all carry `sp:belongsTo`), the file's rules.
    /// Ignored for a payload.
    pub record_file: Option<RecordFile>,
}

impl ValidationOptions {
    /// A patient graph, strict.
    pub fn strict() -> Self {
        Self {
            mode: Mode::Strict,
            payload: None,
            record_file: None,
        }
    }

    /// A patient graph, tolerating the known generator defects.
    pub fn lenient() -> Self {
        Self {
            mode: Mode::Lenient,
            payload: None,
            record_file: None,
        }
    }

    /// The same mode, for a payload with these rules.
    pub fn with_payload(mut self, rules: PayloadRules) -> Self {
        self.payload = Some(rules);
        self
    }

    /// The same mode, for a whole-record file imported into `record` (if known); see
    /// [`RecordFile`].
    ///
    /// ```
    /// use smart_core::RecordId;
    /// use smart_rdf::validate::{RecordFile, ValidationOptions, validate};
    /// // A problem without sp:belongsTo, as the original de-identified files have them.
    /// let ttl = br#"@prefix sp: <http://smartplatforms.org/terms#> .
    ///     [] a sp:Problem ; sp:startDate "2011-06" ;
    ///        sp:problemName [ a sp:CodedValue ; <http://purl.org/dc/terms/title> "Fever" ;
    ///            sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/386661006> ] .
    ///     <http://purl.bioontology.org/ontology/SNOMEDCT/386661006> a sp:Code, <http://smartplatforms.org/terms/codes/SNOMED> ;
    ///        <http://purl.org/dc/terms/title> "Fever" ;
    ///        sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" ;
    ///        <http://purl.org/dc/terms/identifier> "386661006" ."#;
    /// let graph = smart_rdf::parse(ttl, smart_rdf::RdfFormat::Turtle, None)?;
    /// // As a container's answer, the link is missing ...
    /// assert!(!validate(&graph, &ValidationOptions::strict()).is_valid());
    /// // ... as a file imported into record 123, the problem belongs to that record.
    /// let file = RecordFile::new(Some(RecordId::new("123")?));
    /// let report = validate(&graph, &ValidationOptions::strict().with_record_file(file));
    /// assert!(report.is_valid(), "{report}");
    /// # Result::<_, Box<dyn std::error::Error>>::Ok(())
    /// ```
    pub fn with_record_file(mut self, file: RecordFile) -> Self {
        self.record_file = Some(file);
        self
    }

    /// The whole-record rules, unless this is a payload.
    pub(crate) fn record_file(&self) -> Option<&RecordFile> {
        match self.payload {
            Some(_) => None,
            None => self.record_file.as_ref(),
        }
    }
}

/// The outcome of a validation: every finding, in the order found (statement by
/// statement).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// All findings, errors and warnings.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The warnings (known defects, in lenient mode).
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// The details: findings that another error already explains (see
    /// [`Severity::Detail`]).
    pub fn details(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Detail)
    }

    /// How many details.
    pub fn detail_count(&self) -> usize {
        self.details().count()
    }

    /// True when the document is in a SMART vocabulary older than 0.6
    /// ([`Rule::OlderVocabulary`]).
    pub fn is_older_vocabulary(&self) -> bool {
        self.errors().any(|f| f.rule == Rule::OlderVocabulary)
    }

    /// True when there is no error (warnings are allowed).
    pub fn is_valid(&self) -> bool {
        self.error_count() == 0
    }

    /// How many errors.
    pub fn error_count(&self) -> usize {
        self.errors().count()
    }

    /// How many warnings.
    pub fn warning_count(&self) -> usize {
        self.warnings().count()
    }

    /// How many findings of a severity each rule produced (rules with none are absent).
    pub fn count_by_rule(&self, severity: Severity) -> BTreeMap<Rule, usize> {
        let mut counts = BTreeMap::new();
        for f in self.findings.iter().filter(|f| f.severity == severity) {
            *counts.entry(f.rule).or_insert(0) += 1;
        }
        counts
    }

    /// How many findings matched each known defect (whatever their severity).
    pub fn count_by_defect(&self) -> BTreeMap<KnownDefect, usize> {
        let mut counts = BTreeMap::new();
        for d in self.findings.iter().filter_map(|f| f.known_defect) {
            *counts.entry(d).or_insert(0) += 1;
        }
        counts
    }
}

impl fmt::Display for Report {
    /// One finding per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        Ok(())
    }
}

/// Validates a graph against the SMART model. Never panics; see the module docs for the
/// rules.
pub fn validate(graph: &Graph, options: &ValidationOptions) -> Report {
    let mut findings = checks::Validator::new(graph, options).run();
    let evidence = older::evidence(graph);
    if !evidence.is_empty() {
        // One error that says what the document is; the rest only as details.
        for f in &mut findings {
            f.severity = Severity::Detail;
        }
        findings.insert(0, older_vocabulary_finding(&evidence));
    }
    Report { findings }
}

/// How many marker terms the older-vocabulary finding names.
const MAX_MARKERS_SHOWN: usize = 6;

fn older_vocabulary_finding(evidence: &[String]) -> Finding {
    let mut shown = evidence
        .iter()
        .take(MAX_MARKERS_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if evidence.len() > MAX_MARKERS_SHOWN {
        shown.push_str(&format!(" and {} more", evidence.len() - MAX_MARKERS_SHOWN));
    }
    Finding {
        severity: Severity::Error,
        node: "(the document)".to_owned(),
        property: None,
        expected: "the SMART 0.6 vocabulary".to_owned(),
        found: format!(
            "a SMART vocabulary older than 0.6, which this container does not read \
             (convert the file first): {shown}"
        ),
        rule: Rule::OlderVocabulary,
        known_defect: None,
    }
}
