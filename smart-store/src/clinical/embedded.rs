//! The embedded default: the in-memory store, made durable in SQLite under one data
//! directory (`{dir}/clinical.sqlite3`).
//!
//! # Why this design
//!
//! - **No C++ build, one file format we trust.** oxigraph's on-disk backend needs
//!   RocksDB (a C++ build and its own crash semantics). SQLite is bundled by sqlx as C
//!   that every toolchain compiles, and its transactions are atomic and durable across
//!   `kill -9` and power loss (write-ahead log with `synchronous=FULL`: a commit has
//!   reached the disk when it returns).
//! - **Queries stay SPARQL.** The query engine is the same oxigraph in-memory engine as
//!   [`super::MemoryClinicalStore`], loaded from SQLite at open, so every backend shares
//!   one implementation of filters, paging and expansion. Clinical data is small (the 60
//!   reference patients are 265k triples), so holding it in memory is cheap.
//! - **SQLite first, then memory.** Every write commits to SQLite in ONE transaction
//!   before the same change is applied to the engine, and writes are serialised by a
//!   mutex so both see them in the same order. A write that returned is durable; one
//!   interrupted by a crash left nothing (the transaction rolls back), so a reopened store
//!   has each record either complete or absent.
//! - **Self-checking.** Each record has a registry row (statement count, triple count,
//!   SHA-256 of its content) written in the same transaction; `open` recomputes them from
//!   the stored graphs and refuses a store that does not match (`Corrupt`, naming the
//!   record).
//! - **One process per directory.** The connection uses SQLite's exclusive locking mode,
//!   so a second process opening the same directory waits briefly and then fails
//!   (`Unavailable`) instead of keeping a second, diverging in-memory copy.
//!
//! Layout: `clinical_records(record_id, statements, triples, content_sha256)` and
//! `clinical_statements(record_id, iri, class, triples, ntriples)`, one row per statement
//! graph, as sorted N-Triples (blank-node labels as written).

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use oxrdf::{Graph, NamedNode};
use sha2::{Digest, Sha256};
use smart_core::{RecordId, model};
use smart_rdf::split::record_iri;
use smart_rdf::{RdfFormat, SplitRecord, StatementGraph};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use tokio::sync::Mutex;

use super::query::StatementQuery;
use super::search::RecordSearch;
use super::sparql_store::check_split;
use super::store::{ClinicalStore, SearchPage, StatementPage};
use super::{MemoryClinicalStore, sparql_store};
use crate::error::{ErrorKind, StoreError, StoreResult};

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "clinical.sqlite3";

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS clinical_records (
        record_id TEXT PRIMARY KEY NOT NULL,
        statements INTEGER NOT NULL,
        triples INTEGER NOT NULL,
        content_sha256 TEXT NOT NULL
    ) STRICT",
    "CREATE TABLE IF NOT EXISTS clinical_statements (
        record_id TEXT NOT NULL,
        iri TEXT NOT NULL,
        class TEXT NOT NULL,
        triples INTEGER NOT NULL,
        ntriples TEXT NOT NULL,
        PRIMARY KEY (record_id, iri)
    ) STRICT, WITHOUT ROWID",
];

/// The clinical store of the embedded default (see the module docs).
#[derive(Debug)]
pub struct EmbeddedClinicalStore {
    dir: PathBuf,
    pool: SqlitePool,
    memory: MemoryClinicalStore,
    /// Serialises writes so that SQLite and the engine apply them in the same order.
    writes: Mutex<()>,
}

/// One stored statement row.
struct Row {
    iri: String,
    class: String,
    triples: i64,
    ntriples: String,
}

impl Row {
    fn of(s: &StatementGraph) -> Self {
        let bytes = smart_rdf::serialize(&s.graph, RdfFormat::NTriples);
        Self {
            iri: s.iri.as_str().to_owned(),
            class: s.class.iri.to_owned(),
            triples: i64::try_from(s.graph.len()).unwrap_or(i64::MAX),
            // N-Triples output is UTF-8.
            ntriples: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// The registry values of a record: statements, triples and the content hash over the
/// rows in IRI order (each field length-prefixed, so the encoding is unambiguous).
fn registry_values<'a>(rows: impl IntoIterator<Item = &'a Row>) -> (i64, i64, String) {
    let mut hasher = Sha256::new();
    let (mut statements, mut triples) = (0i64, 0i64);
    for row in rows {
        for field in [row.iri.as_str(), row.class.as_str(), row.ntriples.as_str()] {
            hasher.update((field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        statements += 1;
        triples += row.triples;
    }
    let digest = hasher.finalize();
    let hex = smart_core::encoding::hex_lower(&digest);
    (statements, triples, hex)
}

fn db_error(what: String) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| {
        let kind = match &e {
            sqlx::Error::Database(d) if d.message().contains("locked") => ErrorKind::Unavailable,
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => ErrorKind::Unavailable,
            _ => ErrorKind::Other,
        };
        StoreError::new(kind, what).with_source(e)
    }
}

impl EmbeddedClinicalStore {
    /// Opens (creating if needed) the store under `dir`, loads it into memory and checks
    /// every record against its registry row.
    pub async fn open(dir: impl AsRef<Path>) -> StoreResult<Self> {
        let dir = dir.as_ref().to_path_buf();
        let file = dir.join(DATABASE_FILE);
        // Folder 0700, database 0600 (SQLite gives its -wal and -shm files the same mode).
        crate::private_fs::create_dir_all(&dir)
            .and_then(|()| crate::private_fs::touch(&file))
            .map_err(|e| {
                let kind = StoreError::from(std::io::Error::new(e.kind(), "")).kind();
                StoreError::new(kind, format!("could not create {}", file.display())).with_source(e)
            })?;
        let options = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .locking_mode(SqliteLockingMode::Exclusive)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = crate::sqlite_pool::discarding_broken_transactions(SqlitePoolOptions::new())
            .max_connections(1)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(db_error(format!("could not open {}", file.display())))?;
        let store = Self {
            dir,
            pool,
            memory: MemoryClinicalStore::in_memory()?,
            writes: Mutex::new(()),
        };
        for statement in SCHEMA {
            sqlx::query(*statement)
                .execute(&store.pool)
                .await
                .map_err(db_error(format!(
                    "could not create the tables in {}",
                    file.display()
                )))?;
        }
        store.load().await?;
        Ok(store)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Closes the database (waiting for the connection to finish), so that the directory
    /// can be opened again right away.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Reads every record from SQLite, checks it and loads it into the engine.
    async fn load(&self) -> StoreResult<()> {
        let registry: Vec<(String, i64, i64, String)> = sqlx::query_as(
            "SELECT record_id, statements, triples, content_sha256 FROM clinical_records
             ORDER BY record_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error("could not read the record registry".to_owned()))?;
        for (id, statements, triples, hash) in registry {
            let record = RecordId::new(id.as_str()).map_err(|e| {
                StoreError::corrupt(format!("the registry has an invalid record id {id:?}: {e}"))
            })?;
            let rows = self.rows(&record).await?;
            let (n, t, h) = registry_values(&rows);
            if (n, t, h.as_str()) != (statements, triples, hash.as_str()) {
                return Err(StoreError::corrupt(format!(
                    "record {record} does not match its registry entry: {n} statements, \
                     {t} triples, content {h} stored, but the registry says {statements}, \
                     {triples}, {hash}"
                )));
            }
            let split = SplitRecord {
                record_iri: record_iri(&record),
                record_graph: Graph::new(),
                statements: rows
                    .iter()
                    .map(|row| parse_row(&record, row))
                    .collect::<StoreResult<_>>()?,
                orphans: Vec::new(),
                record,
            };
            self.memory.replace_record(&split).await?;
        }
        let (stray,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM clinical_statements
             WHERE record_id NOT IN (SELECT record_id FROM clinical_records)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db_error("could not check the statement rows".to_owned()))?;
        if stray > 0 {
            return Err(StoreError::corrupt(format!(
                "{stray} stored statements belong to no registered record"
            )));
        }
        Ok(())
    }

    async fn rows(&self, record: &RecordId) -> StoreResult<Vec<Row>> {
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT iri, class, triples, ntriples FROM clinical_statements
             WHERE record_id = ? ORDER BY iri",
        )
        .bind(record.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error(format!("could not read record {record}")))?;
        Ok(rows
            .into_iter()
            .map(|(iri, class, triples, ntriples)| Row {
                iri,
                class,
                triples,
                ntriples,
            })
            .collect())
    }

    /// Recomputes and writes the registry row of `record` from its statement rows.
    async fn write_registry(
        tx: &mut Transaction<'_, Sqlite>,
        record: &RecordId,
    ) -> StoreResult<()> {
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT iri, class, triples, ntriples FROM clinical_statements
             WHERE record_id = ? ORDER BY iri",
        )
        .bind(record.as_str())
        .fetch_all(&mut **tx)
        .await
        .map_err(db_error(format!("could not read record {record}")))?;
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|(iri, class, triples, ntriples)| Row {
                iri,
                class,
                triples,
                ntriples,
            })
            .collect();
        upsert_registry(tx, record, &rows).await
    }
}

async fn upsert_registry(
    tx: &mut Transaction<'_, Sqlite>,
    record: &RecordId,
    rows: &[Row],
) -> StoreResult<()> {
    let (statements, triples, hash) = registry_values(rows);
    sqlx::query(
        "INSERT INTO clinical_records (record_id, statements, triples, content_sha256)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (record_id) DO UPDATE SET statements = excluded.statements,
             triples = excluded.triples, content_sha256 = excluded.content_sha256",
    )
    .bind(record.as_str())
    .bind(statements)
    .bind(triples)
    .bind(hash)
    .execute(&mut **tx)
    .await
    .map_err(db_error(format!("could not register record {record}")))?;
    Ok(())
}

async fn insert_rows(
    tx: &mut Transaction<'_, Sqlite>,
    record: &RecordId,
    rows: &[Row],
) -> StoreResult<()> {
    for row in rows {
        sqlx::query(
            "INSERT INTO clinical_statements (record_id, iri, class, triples, ntriples)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(record.as_str())
        .bind(&row.iri)
        .bind(&row.class)
        .bind(row.triples)
        .bind(&row.ntriples)
        .execute(&mut **tx)
        .await
        .map_err(|e| {
            if let sqlx::Error::Database(d) = &e {
                if d.is_unique_violation() {
                    return StoreError::conflict(format!(
                        "record {record} already has a statement {}",
                        row.iri
                    ))
                    .with_source(e);
                }
            }
            db_error(format!(
                "could not store statement {} of record {record}",
                row.iri
            ))(e)
        })?;
    }
    Ok(())
}

/// A stored row back as a statement graph.
fn parse_row(record: &RecordId, row: &Row) -> StoreResult<StatementGraph> {
    let corrupt = |what: String| {
        StoreError::corrupt(format!("record {record}: statement {}: {what}", row.iri))
    };
    let iri = NamedNode::new(row.iri.as_str()).map_err(|e| corrupt(format!("bad IRI: {e}")))?;
    let class = model::class(&row.class)
        .filter(|c| c.is_statement())
        .ok_or_else(|| corrupt(format!("unknown statement class {}", row.class)))?;
    let graph = smart_rdf::parse(row.ntriples.as_bytes(), RdfFormat::NTriples, None)
        .map_err(|e| corrupt(format!("stored N-Triples do not parse: {e}")))?;
    Ok(StatementGraph { iri, class, graph })
}

impl EmbeddedClinicalStore {
    async fn begin(&self, record: &RecordId) -> StoreResult<Transaction<'static, Sqlite>> {
        self.pool.begin().await.map_err(db_error(format!(
            "could not start a transaction for record {record}"
        )))
    }

    async fn commit(tx: Transaction<'static, Sqlite>, record: &RecordId) -> StoreResult<()> {
        tx.commit().await.map_err(db_error(format!(
            "could not commit the write to record {record}"
        )))
    }

    /// After a durable write, applies it to the engine; a failure there leaves memory
    /// behind disk, which reopening repairs, so the error says so.
    fn applied<T>(result: StoreResult<T>, record: &RecordId) -> StoreResult<T> {
        result.map_err(|e| {
            StoreError::new(
                e.kind(),
                format!(
                    "the write to record {record} is stored durably but could not be applied \
                     in memory; reopen the store"
                ),
            )
            .with_source(e)
        })
    }
}

#[async_trait]
impl ClinicalStore for EmbeddedClinicalStore {
    async fn replace_record(&self, split: &SplitRecord) -> StoreResult<()> {
        check_split(split)?;
        let record = &split.record;
        let mut rows: Vec<Row> = split.statements.iter().map(Row::of).collect();
        rows.sort_by(|a, b| a.iri.cmp(&b.iri));
        let _guard = self.writes.lock().await;
        let mut tx = self.begin(record).await?;
        sqlx::query("DELETE FROM clinical_statements WHERE record_id = ?")
            .bind(record.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_error(format!("could not replace record {record}")))?;
        insert_rows(&mut tx, record, &rows).await?;
        upsert_registry(&mut tx, record, &rows).await?;
        Self::commit(tx, record).await?;
        Self::applied(self.memory.replace_record(split).await, record)
    }

    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()> {
        sparql_store::check_statements(record, statements)?;
        if statements.is_empty() {
            return Ok(());
        }
        let rows: Vec<Row> = statements.iter().map(Row::of).collect();
        let _guard = self.writes.lock().await;
        let mut tx = self.begin(record).await?;
        insert_rows(&mut tx, record, &rows).await?;
        Self::write_registry(&mut tx, record).await?;
        Self::commit(tx, record).await?;
        Self::applied(self.memory.add_statements(record, statements).await, record)
    }

    async fn delete_statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<bool> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin(record).await?;
        let deleted =
            sqlx::query("DELETE FROM clinical_statements WHERE record_id = ? AND iri = ?")
                .bind(record.as_str())
                .bind(statement.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_error(format!(
                    "could not delete statement {statement} of record {record}"
                )))?
                .rows_affected();
        if deleted == 0 {
            // Nothing to do; dropping the transaction rolls it back.
            return Ok(false);
        }
        Self::write_registry(&mut tx, record).await?;
        Self::commit(tx, record).await?;
        Self::applied(
            self.memory.delete_statement(record, statement).await,
            record,
        )
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin(record).await?;
        sqlx::query("DELETE FROM clinical_statements WHERE record_id = ?")
            .bind(record.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_error(format!("could not delete record {record}")))?;
        let deleted = sqlx::query("DELETE FROM clinical_records WHERE record_id = ?")
            .bind(record.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_error(format!("could not delete record {record}")))?
            .rows_affected();
        if deleted == 0 {
            return Ok(false);
        }
        Self::commit(tx, record).await?;
        Self::applied(self.memory.delete_record(record).await, record)
    }

    async fn record_ids(&self) -> StoreResult<Vec<RecordId>> {
        self.memory.record_ids().await
    }

    async fn query(&self, record: &RecordId, query: &StatementQuery) -> StoreResult<StatementPage> {
        self.memory.query(record, query).await
    }

    async fn statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<Option<Graph>> {
        self.memory.statement(record, statement).await
    }

    async fn search_records(&self, search: &RecordSearch) -> StoreResult<SearchPage> {
        self.memory.search_records(search).await
    }
}
