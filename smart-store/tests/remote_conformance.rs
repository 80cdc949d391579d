//! The clinical store conformance suite on `SparqlClinicalStore<RemoteSparqlEngine>`, against
//! the SPARQL server at `SMART_TEST_SPARQL_URL` (an Oxigraph server layout, or Virtuoso's
//! with `SMART_TEST_SPARQL_FLAVOR=virtuoso`). Unset: skipped with a notice, except under
//! `CI=true`, where every case fails.
//!
//! The server is shared with other tests and keeps its data between runs: the cases isolate
//! themselves by fresh record ids and name prefixes (`conformance::fixtures::unique_token`),
//! and nothing here clears the store.

use std::io::Write as _;
use std::sync::Arc;

use async_trait::async_trait;
use smart_store::clinical::remote::{RemoteSparqlConfigBuilder, RemoteSparqlEngine};
use smart_store::clinical::{ClinicalStore, SparqlClinicalStore};
use smart_store::conformance::Backend;

/// One engine (one connection pool) per case; the server's data is the store.
struct RemoteBackend {
    engine: RemoteSparqlEngine,
}

#[async_trait]
impl Backend for RemoteBackend {
    async fn open(&self) -> Arc<dyn ClinicalStore> {
        Arc::new(SparqlClinicalStore::new(self.engine.clone()))
    }

    async fn reopen(&self, store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore> {
        // A restart of the client: a new store and engine over the same server.
        drop(store);
        let engine = RemoteSparqlEngine::new(self.engine.config().clone())
            .expect("the remote engine reopens");
        Arc::new(SparqlClinicalStore::new(engine))
    }
}

/// The backend, or `None` (after a notice) when no server is configured outside CI.
fn remote_backend() -> Option<RemoteBackend> {
    let url = match std::env::var("SMART_TEST_SPARQL_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "SMART_TEST_SPARQL_URL is not set, but CI=true: CI must start the SPARQL \
                 server (scripts/services start) and export it"
            );
            // Written to stderr directly: libtest captures `eprintln!` of passing tests.
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "\n==== SKIPPING remote SPARQL conformance: SMART_TEST_SPARQL_URL not set ====\n"
                );
            });
            return None;
        }
    };
    let builder = if std::env::var("SMART_TEST_SPARQL_FLAVOR").as_deref() == Ok("virtuoso") {
        RemoteSparqlConfigBuilder::virtuoso(&url)
    } else {
        RemoteSparqlConfigBuilder::oxigraph(&url)
    };
    let config = builder
        .build()
        .expect("a valid remote SPARQL configuration");
    let engine = RemoteSparqlEngine::new(config).expect("the remote engine starts");
    Some(RemoteBackend { engine })
}

// The macro evaluates its argument inside each generated test function, so `return` there
// skips that case.
smart_store::clinical_store_conformance!({
    let Some(backend) = remote_backend() else {
        return;
    };
    backend
});
