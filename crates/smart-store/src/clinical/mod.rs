//! The clinical store: record-scoped RDF, one named graph per statement.

pub mod engine;

pub use engine::{Solutions, SparqlEngine};
