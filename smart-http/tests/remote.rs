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

/// Two server processes behind one public URL, sharing the PostgreSQL directory and the
/// SPARQL store (a load-balanced deployment): a request replayed to the other server is
/// refused (nonces are shared by default with PostgreSQL), a note written through one is
/// read through the other at once, and a session ended on one is refused by the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_directory_and_store() {
    use common::*;
    use smart_core::{RecordId, sp};

    let Some(shared) = shared_dir() else { return };
    let Some((_, pg)) = remote_urls() else { return };
    let tag = format!(
        "two{}{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let (db_url, db_name) = fresh_database(&pg, &tag).await;
    let a = TestServer::start_with(Backend::Remote, |c| {
        c.store.postgres_url = Some(db_url.clone());
    })
    .await;
    // The second server answers for the same public URL, as behind a load balancer.
    let public = a.base.clone();
    let b = TestServer::start_with(Backend::Remote, |c| {
        c.store.postgres_url = Some(db_url.clone());
        c.public_url = public;
    })
    .await;
    let record = RecordId::new(format!("{tag}-967332")).unwrap();
    a.import_file_as(&reference_file(&shared, "967332"), &shared, &record)
        .await;
    let rid = record.as_str();

    // An app registered and a token issued through A work through B.
    let app = a.background_app("shared@apps.example.org").await;
    let token = a.background_token(&app, rid).await;
    let notes = format!("/records/{rid}/clinical_notes/");
    let path = format!("/records/{rid}/demographics");
    let header = a.authorization(&token, "GET", &path, &[], &[]);
    let send = |server: &TestServer, header: &str| {
        server
            .http
            .get(format!("{}{path}", server.base))
            .header("Authorization", header.to_owned())
            .send()
    };
    let first = send(&a, &header).await.unwrap();
    assert_eq!(first.status(), 200, "{}", first.text().await.unwrap());
    // The same signed request replayed to B: the nonce was seen (by A).
    let (status, text) = status_text(send(&b, &header).await.unwrap()).await;
    assert_eq!(status, 401, "a replay to the other server: {text}");
    assert!(text.contains("nonce"), "{text}");
    // A fresh signature of the same request is fine on B.
    let fresh = a.authorization(&token, "GET", &path, &[], &[]);
    assert_eq!(send(&b, &fresh).await.unwrap().status(), 200);

    // A note written through A is read through B at once.
    let count = |g: &oxrdf::Graph| typed(g, sp!("ClinicalNote")).len();
    let on_b = |h: String| {
        b.http
            .get(format!("{}{notes}", b.base))
            .header("Authorization", h)
            .send()
    };
    let before = count(
        &rdf_ok(
            on_b(a.authorization(&token, "GET", &notes, &[], &[]))
                .await
                .unwrap(),
        )
        .await,
    );
    // B answered from its store and kept the answer: its cache is on, kept correct by
    // the record generations both servers share in PostgreSQL.
    assert!(
        b.container.cached_answers().is_some_and(|n| n >= 1),
        "B caches answers with a SPARQL store and a PostgreSQL directory"
    );
    let stored = a
        .send_body(
            &token,
            "POST",
            &notes,
            "application/rdf+xml",
            note_rdfxml("written through A").into_bytes(),
        )
        .await;
    assert_eq!(stored.status(), 200);
    let after = count(
        &rdf_ok(
            on_b(a.authorization(&token, "GET", &notes, &[], &[]))
                .await
                .unwrap(),
        )
        .await,
    );
    assert_eq!(after, before + 1, "B reads the note written through A");
    // And B's cached answer is served again until the next write.
    let again = count(
        &rdf_ok(
            on_b(a.authorization(&token, "GET", &notes, &[], &[]))
                .await
                .unwrap(),
        )
        .await,
    );
    assert_eq!(again, after);

    // A session started on A and ended on A is refused by B.
    a.create_user("two@example.org").await;
    let session = a.login("two@example.org").await;
    let me = "/users/two@example.org";
    let me_on_b = || {
        b.http
            .get(format!("{}{me}", b.base))
            .header(
                "Authorization",
                a.authorization(&session, "GET", me, &[], &[]),
            )
            .send()
    };
    assert_eq!(
        me_on_b().await.unwrap().status(),
        200,
        "a session from A works on B"
    );
    let (status, _) = status_text(a.post_form(&session, "/oauth/logout", &[], &[]).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        me_on_b().await.unwrap().status(),
        401,
        "ended on A, refused on B"
    );

    assert!(a.container.clinical().delete_record(&record).await.unwrap());
    b.stop().await;
    a.stop().await;
    drop_database(&pg, &db_name).await;
}
