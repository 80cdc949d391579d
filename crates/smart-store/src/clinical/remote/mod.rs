//! The clinical store's engine on a remote SPARQL 1.1 endpoint (feature `sparql-remote`;
//! `https` endpoints need `sparql-remote-tls` too).
//!
//! [`RemoteSparqlEngine`] implements [`SparqlEngine`](super::SparqlEngine) over the SPARQL
//! 1.1 Protocol, so the clinical store runs unchanged on an external triplestore; it also
//! offers Graph Store Protocol helpers for bulk import. Only standard SPARQL 1.1 is sent (no
//! vendor `DEFINE`s or pragmas), always written by spargebra from algebra: see
//! [`RemoteSparqlEngine`] for why that is injection-safe and what "atomic" means per store.
//!
//! Store layouts ([`RemoteSparqlConfigBuilder`] has a preset for each). The engine tests
//! (`tests/remote_engine.rs`) run against Oxigraph in CI and were run against Virtuoso
//! 7.2.5.1 (`SMART_TEST_SPARQL_FLAVOR=virtuoso`); Fuseki, RDF4J and GraphDB are untested
//! here (not installable on this machine kind).
//!
//! | store | query | update | graph store | notes |
//! |---|---|---|---|---|
//! | Oxigraph server | `/query` | `/update` | `/store` | all transports; one transaction per update request |
//! | Virtuoso | `/sparql` | `/sparql` | (`/sparql-graph-crud-auth`, digest only) | never `DirectPost` for queries (it hangs); anonymous updates need `GRANT SPARQL_UPDATE TO "SPARQL"`; use named graphs only; **a multi-operation update is not atomic** |
//! | Fuseki | `/ds/query` | `/ds/update` | `/ds/data` | all transports |
//! | RDF4J, GraphDB | `/repositories/ID` | `/repositories/ID/statements` | `/repositories/ID/rdf-graphs/service` | all transports |

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
