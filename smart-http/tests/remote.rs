//! The end-to-end subset on the remote backends: clinical data on the SPARQL server of
//! `SMART_TEST_SPARQL_URL`, the directory on the PostgreSQL of `SMART_TEST_POSTGRES_URL`
//! (`scripts/services start`). Both servers may be shared with other tests: the
//! directory gets a fresh database that is dropped at the end, and the records get ids
//! of their own, deleted at the end.

mod common;

use common::subset::backend_subset;
use common::{Backend, TestServer, remote_urls, shared_dir};
use sqlx::Connection;

/// A fresh database on the PostgreSQL server; its URL and name.
async fn fresh_database(admin_url: &str, tag: &str) -> (String, String) {
    let name = format!("smart_http_e2e_{tag}");
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("connecting to SMART_TEST_POSTGRES_URL: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
    admin.close().await.ok();
    let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
    (format!("{base}/{name}"), name)
}

async fn drop_database(admin_url: &str, name: &str) {
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_backends_end_to_end() {
    let Some(shared) = shared_dir() else { return };
    let Some((_, pg)) = remote_urls() else { return };
    let tag = format!(
        "{}{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let (db_url, db_name) = fresh_database(&pg, &tag).await;
    let server = TestServer::start_with(Backend::Remote, |c| {
        c.store.postgres_url = Some(db_url.clone());
    })
    .await;
    let records = backend_subset(&server, &shared, &format!("e2e{tag}-")).await;
    for record in &records {
        assert!(
            server
                .container
                .clinical()
                .delete_record(record)
                .await
                .unwrap()
        );
    }
    server.stop().await;
    drop_database(&pg, &db_name).await;
}
