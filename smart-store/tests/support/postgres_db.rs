//! A fresh PostgreSQL database per test, on the server named by `SMART_TEST_POSTGRES_URL`.
//!
//! Other people may use the same server, so every test creates its own database under a
//! random name and drops it at the end; no two tests share a table. Without the variable
//! the PostgreSQL tests are skipped loudly, except under `CI=true`, where they fail.

use sqlx::Connection;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

const VAR: &str = "SMART_TEST_POSTGRES_URL";

/// A database created for one test.
#[derive(Debug)]
pub(crate) struct PgTestDb {
    admin_url: String,
    name: String,
    url: String,
}

impl PgTestDb {
    /// Creates a database, or returns `None` (after saying so) when PostgreSQL is not
    /// configured on a developer machine.
    pub(crate) async fn create() -> Option<Self> {
        let admin_url = match std::env::var(VAR) {
            Ok(url) if !url.is_empty() => url,
            _ => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{VAR} is not set: under CI=true the PostgreSQL tests must run");
                }
                eprintln!("!!!!! SKIPPING postgres tests: {VAR} not set !!!!!");
                return None;
            }
        };
        let name = random_name();
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("connecting to {VAR}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        admin.close().await.ok();
        let url = with_database(&admin_url, &name);
        Some(Self {
            admin_url,
            name,
            url,
        })
    }

    /// The URL of the test database.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Drops the database (closing any connection still open to it).
    pub(crate) async fn drop_database(self) {
        let result = async {
            let mut admin = sqlx::PgConnection::connect(&self.admin_url).await?;
            let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut admin)
                .await?;
            admin.close().await
        }
        .await;
        if let Err(e) = result {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

fn random_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one((std::process::id(), n, std::time::SystemTime::now()));
    format!("smart_test_{random:016x}")
}

/// `url` with its database (path) replaced by `name`, keeping any query string.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}
