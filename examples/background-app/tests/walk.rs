//! The background app walks a real container over HTTP: every record once, in the
//! container's order, each with the name and last blood pressure of its source file.

use example_background_app::{App, HIGH, RecordReport, latest_blood_pressure, patient_name};
use smart_auth::{MachineCredential, Secret};
use smart_core::RecordId;
use smart_core::manifest::AppManifest;
use smart_http::Container;
use smart_http::config::ServerConfig;
use smart_store::blobs::MemoryBlobs;
use smart_store::clinical::MemoryClinicalStore;
use smart_store::directory::MemoryDirectory;
use smart_store::import::{self, MemoryDocuments, Validation};
use std::sync::Arc;

/// A container on 127.0.0.1 with `count` generated patients and this example's app
/// registered: its base URL, the app's secret, the expected report and a stop handle.
async fn container_with_patients(
    count: u64,
) -> (
    String,
    String,
    Vec<RecordReport>,
    tokio::sync::oneshot::Sender<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = ServerConfig::default();
    config.public_url = format!("http://{addr}");
    config.ui.consumer_secret = Some("a test UI secret of 32 bytes or more".to_owned());
    let service = Arc::new(
        smart_store::Container::from_parts(
            config.container_config(),
            Arc::new(MemoryClinicalStore::in_memory().unwrap()),
            Arc::new(MemoryDirectory::new()),
            Arc::new(MemoryBlobs::new()),
            MachineCredential::new("admin", Secret::new("a test admin secret, long enough"))
                .unwrap(),
        )
        .unwrap(),
    );
    let container = Arc::new(Container::with_service(service, config));

    let generator = smart_samples::Generator::new(11);
    let mut expected = Vec::new();
    for i in 0..count {
        let patient = generator.generate_patient(i);
        let record = RecordId::new(&patient.record_id).unwrap();
        let mut documents = MemoryDocuments::new();
        for d in &patient.documents {
            documents.insert(
                d.file_name.clone(),
                Some(d.content_type.to_owned()),
                d.bytes.clone(),
            );
        }
        let prepared =
            import::prepare(&patient.graph, record, Validation::Strict, &documents).unwrap();
        import::commit(
            container.clinical().as_ref(),
            container.directory().as_ref(),
            container.blobs().as_ref(),
            &prepared,
        )
        .await
        .unwrap();
        // What the report must say, read from the source graph.
        let last = latest_blood_pressure(&patient.graph);
        expected.push(RecordReport {
            record_id: patient.record_id.clone(),
            name: patient_name(&patient.graph).unwrap(),
            last_bp_date: last.as_ref().map(|(d, _)| d.clone()),
            last_bp: last.map(|(_, bp)| bp),
        });
    }
    expected.sort_by(|a, b| a.record_id.cmp(&b.record_id));

    let admin = container.local_admin().await.unwrap();
    let manifest =
        AppManifest::from_json(include_str!("../manifest.json")).expect("the example's manifest");
    let creds = container
        .provider()
        .register_app(&admin, manifest)
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(smart_http::serve(container, listener, async move {
        let _ = stopped.await;
    }));
    (
        format!("http://{addr}"),
        creds.consumer_secret.expose().to_owned(),
        expected,
        stop,
    )
}

const APP_ID: &str = "bp-report@apps.smart-rs.local";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_every_record_and_reads_its_vitals() {
    let (base, secret, expected, stop) = container_with_patients(8).await;
    let rows = App::new(&base, APP_ID, &secret).walk().await.unwrap();
    assert_eq!(
        rows, expected,
        "every record once, in id order, as in its file"
    );
    // The data shows both kinds of patient, so the report below is not trivially empty
    // or full.
    let high = rows
        .iter()
        .filter(|r| r.last_bp.is_some_and(|bp| bp.is_high(HIGH)))
        .count();
    assert!(
        rows.iter().any(|r| r.last_bp.is_some()),
        "some patients have blood pressures: {rows:?}"
    );
    assert!(
        high > 0 && high < rows.len(),
        "some patients are hypertensive, not all: {rows:?}"
    );

    // The binary prints one line per high reading and the summary.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_example-background-app"))
        .args([base.as_str(), APP_ID])
        .env("SMART_CONSUMER_SECRET", &secret)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{high} of {} records", rows.len())),
        "{stdout}"
    );
    for row in rows
        .iter()
        .filter(|r| r.last_bp.is_some_and(|bp| bp.is_high(HIGH)))
    {
        assert!(
            stdout.contains(&format!("{}\t{}", row.record_id, row.name)),
            "{stdout}"
        );
    }
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_refused_with_the_containers_reason() {
    let (base, _secret, _, stop) = container_with_patients(1).await;
    let err = App::new(&base, APP_ID, "not the secret")
        .walk()
        .await
        .unwrap_err();
    match err {
        example_background_app::Error::Status { status, .. } => assert_eq!(status, 401),
        other => panic!("expected a 401, got {other}"),
    }
    let _ = stop.send(());
}
