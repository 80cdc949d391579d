//! The local SPARQL engine: oxigraph's in-memory store (pure Rust, no RocksDB).
//!
//! Queries and updates are evaluated from the `spargebra` algebra directly
//! (`SparqlEvaluator::for_query`/`for_update` take parsed algebra), so no SPARQL text is
//! ever produced or parsed on this path. An update runs in one oxigraph transaction:
//! oxigraph's in-memory storage is versioned, so a concurrent query reads a snapshot that
//! has either none or all of the update's changes.
//!
//! Evaluation is synchronous and can take milliseconds on a large record, so it runs on
//! tokio's blocking pool rather than on the async worker that called it.

use std::fmt;

use async_trait::async_trait;
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use spargebra::{Query, Update};

use super::engine::{Solutions, SparqlEngine};
use crate::error::{StoreError, StoreResult};

/// oxigraph's in-memory store as a [`SparqlEngine`]. Cloning shares the store.
#[derive(Clone)]
pub struct OxigraphEngine {
    store: Store,
}

impl OxigraphEngine {
    /// A new, empty in-memory engine.
    pub fn new() -> StoreResult<Self> {
        let store = Store::new().map_err(|e| {
            StoreError::other("could not create the in-memory oxigraph store").with_source(e)
        })?;
        Ok(Self { store })
    }

    /// The number of quads held (for diagnostics and tests).
    pub fn len(&self) -> StoreResult<usize> {
        self.store
            .len()
            .map_err(|e| StoreError::other("could not count the stored quads").with_source(e))
    }

    /// True when no quad is held.
    pub fn is_empty(&self) -> StoreResult<bool> {
        Ok(self.len()? == 0)
    }
}

impl fmt::Debug for OxigraphEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OxigraphEngine").finish_non_exhaustive()
    }
}

/// Runs `work` on the blocking pool, mapping a panic or cancellation to an error.
async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        StoreError::other(format!("the oxigraph {what} did not complete")).with_source(e)
    })?
}

#[async_trait]
impl SparqlEngine for OxigraphEngine {
    async fn select(&self, query: &Query) -> StoreResult<Solutions> {
        let store = self.store.clone();
        let query = query.clone();
        blocking("query", move || {
            let results = SparqlEvaluator::new()
                .for_query(query)
                .on_store(&store)
                .execute()
                .map_err(|e| StoreError::other("oxigraph query failed").with_source(e))?;
            let QueryResults::Solutions(solutions) = results else {
                return Err(StoreError::other(
                    "oxigraph answered a SELECT query with something other than solutions",
                ));
            };
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for solution in solutions {
                let solution = solution
                    .map_err(|e| StoreError::other("oxigraph query failed").with_source(e))?;
                rows.push(solution.values().to_vec());
            }
            Ok(Solutions { variables, rows })
        })
        .await
    }

    async fn update(&self, update: &Update) -> StoreResult<()> {
        let store = self.store.clone();
        let update = update.clone();
        blocking("update", move || {
            SparqlEvaluator::new()
                .for_update(update)
                .on_store(&store)
                .execute()
                .map_err(|e| StoreError::other("oxigraph update failed").with_source(e))
        })
        .await
    }
}
