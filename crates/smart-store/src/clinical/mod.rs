//! The clinical store: record-scoped RDF, one named graph per statement.

pub mod engine;
#[cfg(feature = "sparql-remote")]
pub mod remote;

pub use engine::{Solutions, SparqlEngine};
