//! Sessions on the persistent directories: the embedded default across a restart, and
//! PostgreSQL.

use super::*;

/// A server on the embedded default over `dir`; stops when the sender is dropped or sent.
pub(super) async fn serve_dir(
    dir: &std::path::Path,
) -> (
    String,
    std::sync::Arc<smart_http::Container>,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = smart_http::ServerConfig::for_data_dir(dir);
    config.public_url = format!("http://{addr}");
    config.bind = addr;
    let container = std::sync::Arc::new(smart_http::Container::open(config).await.unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(smart_http::serve(container.clone(), listener, async move {
        let _ = rx.await;
    }));
    (format!("http://{addr}"), container, tx, task)
}

#[tokio::test]
async fn sessions_survive_a_restart_of_the_embedded_default() {
    let dir = tempfile::tempdir().unwrap();
    let (origin, container, stop, task) = serve_dir(dir.path()).await;
    let admin = container.local_admin().await.unwrap();
    container
        .provider()
        .create_account(&admin, USER, Some(PASSWORD), false)
        .await
        .unwrap();
    let mut v = Visitor {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        origin,
        base: String::new(),
        cookies: BTreeMap::new(),
    };
    v.login(USER).await;
    assert_eq!(v.get("/").await.status, 200);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    container.close().await;
    drop(container);

    let (origin, container, stop, task) = serve_dir(dir.path()).await;
    v.origin = origin;
    let a = v.get("/account").await;
    assert_eq!(
        a.status, 200,
        "the session is still there after the restart"
    );
    // And logging out still ends it.
    let csrf = a.csrf();
    let kept = v.cookies.clone();
    assert_eq!(v.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    // The old cookie, replayed, is nobody.
    v.cookies = kept;
    assert_eq!(v.get("/").await.status, 303);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    container.close().await;
}

/// Sessions and launch tokens on the PostgreSQL directory (a fresh database).
#[cfg(feature = "postgres")]
#[tokio::test]
async fn sessions_and_launch_tokens_work_on_postgresql() {
    use sqlx::Connection;
    let Some(admin_url) = std::env::var("SMART_TEST_POSTGRES_URL").ok() else {
        let msg = "SMART_TEST_POSTGRES_URL is not set (run scripts/test)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
        return;
    };
    let name = format!(
        "smart_http_ui_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    let db_url = format!("{prefix}/{name}");
    let server = server_with(|c| {
        c.store.directory = smart_http::config::DirectoryBackend::Postgres;
        c.store.postgres_url = Some(db_url.clone());
    })
    .await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let csrf = v.csrf().await;
    let a = v
        .launch(
            Some(&csrf),
            &serde_json::json!({"app_id": APP, "record_id": "p1"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let launch: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let token = launch["launch_token"].as_str().unwrap().to_owned();
    let r = v.relay("GET", "/records/p1/demographics", &token, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        v.relay("GET", "/records/p2/demographics", &token, "")
            .await
            .status,
        403
    );
    assert_eq!(v.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    v.login(USER).await;
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );
    server.stop().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}
