//! The clinical store's engine on a remote SPARQL 1.1 endpoint (feature `sparql-remote`;
//! `https` endpoints need `sparql-remote-tls` too).
//!
//! [`RemoteSparqlEngine`] implements [`SparqlEngine`](super::SparqlEngine) over the SPARQL
//! 1.1 Protocol, so the clinical store runs unchanged on an external triplestore; it also
//! offers Graph Store Protocol helpers for bulk import. Only standard SPARQL 1.1 is sent (no
//! vendor `DEFINE`s or pragmas), always written by spargebra from algebra: see
//! [`RemoteSparqlEngine`] for why that is injection-safe and what "atomic" means per store.
//!
//! Store layouts ([`RemoteSparqlConfigBuilder`] has a preset for each):
//!
//! | store | query | update | graph store | notes |
//! |---|---|---|---|---|
//! | Oxigraph server | `/query` | `/update` | `/store` | all transports; one transaction per update request |
//! | Virtuoso | `/sparql` | `/sparql` | (`/sparql-graph-crud-auth`, digest only) | see [`RemoteSparqlConfigBuilder::virtuoso`]; **a multi-operation update is not atomic** |
//! | Fuseki | `/ds/query` | `/ds/update` | `/ds/data` | all transports |
//! | RDF4J, GraphDB | `/repositories/ID` | `/repositories/ID/statements` | `/repositories/ID/rdf-graphs/service` | all transports |
//!
//! Tested: the engine tests (`tests/remote_engine.rs`, `tests/remote_http.rs`) and the
//! clinical conformance suite (`tests/remote_conformance.rs`) run against the Oxigraph server
//! in CI. Against Virtuoso 7.2.5.1 (`SMART_TEST_SPARQL_FLAVOR=virtuoso`) the engine tests
//! pass and the suite passes except, in most parallel runs, `replace_is_atomic_for_readers`
//! (Virtuoso's updates are not atomic). Virtuoso needed, and gets, these standard-equivalent
//! adjustments: no `.` after `GRAPH` blocks in update templates, `INSERT DATA` with blank
//! nodes written as `INSERT … WHERE {}`, `VALUES`-only `UNION` branches written as `BIND`s
//! ([`SparqlDialect::Virtuoso`]), its `nodeID://` blank node labels relabelled, and one
//! connection per request. Fuseki, RDF4J and GraphDB are untested (not installable here).

mod client;
mod config;
mod results;
mod text;

pub use client::RemoteSparqlEngine;
pub use config::{
    BasicCredentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_GET_URL_LENGTH, DEFAULT_TIMEOUT,
    QueryTransport, RemoteSparqlConfig, RemoteSparqlConfigBuilder, ResultsFormat, SparqlDialect,
    UpdateTransport,
};
