//! The [`ClinicalStore`] trait: what the HTTP layer and the importer need from clinical
//! storage, whatever the backend.

use std::fmt;

use async_trait::async_trait;
use oxrdf::{Graph, NamedNode};
use smart_core::RecordId;
use smart_rdf::{SplitRecord, StatementGraph};

use super::query::StatementQuery;
use super::search::RecordSearch;
use crate::error::StoreResult;

/// One page of a collection query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementPage {
    /// The page's statement graphs, the graphs of the statements they link to (one hop,
    /// within the record), and the companion statements' graphs, merged.
    pub graph: Graph,
    /// The page's statements, in sort order.
    pub order: Vec<NamedNode>,
    /// How many statements passed the filters (before paging; companions not counted).
    pub total: usize,
    /// The companion statements included (e.g. allergy exclusions), by IRI.
    pub companions: Vec<NamedNode>,
}

/// One page of a record search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchPage {
    /// The matching records of this page, sorted by family name, given name, record id.
    pub records: Vec<RecordId>,
    /// Their demographics graphs, merged.
    pub graph: Graph,
    /// How many records matched (before paging).
    pub total: usize,
}

/// Clinical storage: records of statement graphs, in **storage form** (every minted IRI
/// under [`smart_rdf::STORAGE_BASE`]; the HTTP layer converts to and from public IRIs).
///
/// A record is its record graph (the record typed `sp:MedicalRecord`, with
/// `sp:hasStatement` to each statement) and one named graph per statement, named by the
/// statement IRI. Statement IRIs must lie under the record IRI
/// (`{record_iri}/...`, as [`smart_rdf::split_record`] mints them), which is what keeps
/// records apart. Blank-node labels are not preserved: a stored graph comes back
/// isomorphic to what was written, with fresh labels that never collide between graphs.
///
/// Every method is safe to call concurrently. Writes are atomic: a concurrent reader sees
/// a record either wholly before or wholly after a write. Errors carry an
/// [`crate::ErrorKind`] and name the record, statement or value concerned.
#[async_trait]
pub trait ClinicalStore: Send + Sync + fmt::Debug {
    /// Replaces everything stored for `record.record` with `record` (creating the record
    /// if needed): the old statements are gone and the new ones are all there, atomically.
    /// The record graph is rebuilt from the statements; `record.record_graph` and
    /// `record.orphans` are not stored. Fails with `Invalid` if a statement IRI does not
    /// lie under the record IRI or two statements share an IRI.
    async fn replace_record(&self, record: &SplitRecord) -> StoreResult<()>;

    /// Adds statements to a record (a POST), atomically, creating the record if it does
    /// not exist yet (whether it may is the caller's decision). Fails with `Conflict`
    /// naming the IRI if a statement with one of these IRIs is already stored, and with
    /// `Invalid` as [`ClinicalStore::replace_record`] does.
    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()>;

    /// Deletes one statement and its link from the record. `false` if the record has no
    /// such statement. Statements that linked to it keep their (now dangling) links.
    async fn delete_statement(&self, record: &RecordId, statement: &NamedNode)
    -> StoreResult<bool>;

    /// Deletes a record and all its statements. `false` if there was no such record.
    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool>;

    /// The ids of all stored records, sorted.
    async fn record_ids(&self) -> StoreResult<Vec<RecordId>>;

    /// One page of a record's statements (see [`StatementQuery`] for the semantics).
    /// Fails with `NotFound` if the record does not exist, and may fail with
    /// `Unavailable` if the record is rewritten continuously while it is read (a read
    /// never returns a mixture of two versions).
    async fn query(&self, record: &RecordId, query: &StatementQuery) -> StoreResult<StatementPage>;

    /// One statement's graph merged with the graphs of the statements it links to (one
    /// hop, and only statements of the same record). `None` if the record or the statement
    /// does not exist.
    async fn statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<Option<Graph>>;

    /// Records whose demographics match (see [`RecordSearch`]), one page.
    async fn search_records(&self, search: &RecordSearch) -> StoreResult<SearchPage>;
}

/// Compile-time check that the trait stays object-safe.
fn _object_safe(_: &dyn ClinicalStore) {}
