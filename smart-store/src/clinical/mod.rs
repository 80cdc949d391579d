//! The clinical store: record-scoped RDF, one named graph per statement.
//!
//! - [`ClinicalStore`] is the trait the HTTP layer and the importer use; everything is in
//!   storage form (IRIs under [`smart_rdf::STORAGE_BASE`]).
//! - [`StatementQuery`] and [`RecordSearch`] are what a request asks for, validated from
//!   its parameters; [`dates`] holds the date semantics of the filters.
//! - [`SparqlClinicalStore`] implements the trait once over any [`SparqlEngine`];
//!   [`OxigraphEngine`] is the local engine, and [`MemoryClinicalStore`] the two together.
//! - `EmbeddedClinicalStore` (feature `embedded`) keeps the same in-memory engine durable
//!   in SQLite under one data directory.

mod algebra;
pub mod dates;
#[cfg(feature = "embedded")]
pub mod embedded;
pub mod engine;
pub mod oxigraph_engine;
pub mod query;
#[cfg(feature = "sparql-remote")]
pub mod remote;
pub mod search;
pub mod sparql_store;
pub mod store;

pub use dates::{DateError, DateInterval, Timestamp};
#[cfg(feature = "embedded")]
pub use embedded::EmbeddedClinicalStore;
pub use engine::{Solutions, SparqlEngine};
pub use oxigraph_engine::OxigraphEngine;
pub use query::{CodeFilter, DateFilter, IndexEntry, MAX_LIMIT, StatementQuery};
pub use search::RecordSearch;
pub use sparql_store::SparqlClinicalStore;
pub use store::{ClinicalStore, SearchPage, StatementPage};

/// The in-memory clinical store: the shared SPARQL implementation over oxigraph's
/// in-memory engine. Nothing survives the process; for tests, demos and as the query
/// engine of the embedded store.
pub type MemoryClinicalStore = SparqlClinicalStore<OxigraphEngine>;

impl MemoryClinicalStore {
    /// A new, empty in-memory store.
    pub fn in_memory() -> crate::StoreResult<Self> {
        Ok(Self::new(OxigraphEngine::new()?))
    }
}
