//! The end-to-end subset on the embedded default backend (the remote backends are in
//! `tests/remote.rs`, which needs the `postgres` and `sparql-remote` features).

use crate::common::subset::backend_subset;
use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_backend_end_to_end() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Embedded).await;
    backend_subset(&server, &shared, "").await;
    server.stop().await;
}
