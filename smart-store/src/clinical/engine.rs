//! The seam between the clinical store and a SPARQL 1.1 engine.
//!
//! The clinical store's logic (which graphs a record has, filters, sort, paging, one-hop
//! expansion, atomic replacement) is written once against [`SparqlEngine`]; an engine only
//! runs queries and updates. Queries and updates are handed over as `spargebra` algebra,
//! never as text assembled from request values: a local engine evaluates the algebra
//! directly, a remote one serializes it (spargebra writes literals and IRIs escaped).

use std::fmt;

use async_trait::async_trait;
use oxrdf::{Term, Variable};
use spargebra::{Query, Update};

use crate::error::StoreResult;

/// The rows of a SELECT query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Solutions {
    /// The projected variables, in order.
    pub variables: Vec<Variable>,
    /// One entry per row, aligned with `variables`; `None` for an unbound variable.
    pub rows: Vec<Vec<Option<Term>>>,
}

impl Solutions {
    /// The column of a variable.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.as_str() == name)
    }
}

/// A SPARQL 1.1 engine: local (oxigraph in memory) or remote (an HTTP endpoint).
#[async_trait]
pub trait SparqlEngine: Send + Sync + fmt::Debug {
    /// Runs a SELECT query and returns its rows in the order the engine produced them.
    async fn select(&self, query: &Query) -> StoreResult<Solutions>;

    /// Runs an update as one request. An engine applies it atomically: after it returns,
    /// either every operation took effect or (on error) none did, and concurrent readers
    /// never see a part of it.
    async fn update(&self, update: &Update) -> StoreResult<()>;
}
