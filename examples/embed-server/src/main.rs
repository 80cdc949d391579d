//! An EHR that embeds the SMART container: it builds the stores itself (here in memory;
//! a vendor would wrap its own database behind the `ClinicalStore` and `DirectoryStore`
//! traits), loads a patient through the importer, registers a background app, and serves
//! the SMART REST API from its own process.
//!
//! Run: `cargo run -p example-embed-server -- 127.0.0.1:7400` (Ctrl-C stops it). With
//! `--once` it starts, checks that `/manifest` answers, and exits (used as a smoke test).

use smart_auth::{MachineCredential, Secret};
use smart_core::RecordId;
use smart_core::catalog::CallId;
use smart_core::manifest::AppManifest;
use smart_http::Container;
use smart_http::config::ServerConfig;
use smart_store::blobs::MemoryBlobs;
use smart_store::clinical::MemoryClinicalStore;
use smart_store::container::{CallAnswer, CallRequest};
use smart_store::directory::MemoryDirectory;
use smart_store::import::{self, MemoryDocuments, Validation};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:7400".to_owned());
    let once = args.any(|a| a == "--once");

    // 1. Configuration: the EHR decides the public URL and the UI's secret.
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    let addr = listener.local_addr()?;
    let mut config = ServerConfig::default();
    config.public_url = format!("http://{addr}");
    config.ui.consumer_secret = Some("an example UI secret, 32 bytes or more".to_owned());

    // 2. The stores (the vendor's own implementations would go here) under the
    //    transport-free container service, which the HTTP adapter then serves.
    let service = Arc::new(smart_store::Container::from_parts(
        config.container_config(),
        Arc::new(MemoryClinicalStore::in_memory()?),
        Arc::new(MemoryDirectory::new()),
        Arc::new(MemoryBlobs::new()),
        MachineCredential::new(
            "ehr-admin",
            Secret::new("the EHR's admin secret, long enough!"),
        )?,
    )?);
    let container = Arc::new(Container::with_service(service.clone(), config));

    // 3. Data: one generated patient through the importer (validated, split, stored).
    let patient = smart_samples::Generator::new(7).generate_patient(0);
    let mut documents = MemoryDocuments::new();
    for d in &patient.documents {
        documents.insert(
            d.file_name.clone(),
            Some(d.content_type.to_owned()),
            d.bytes.clone(),
        );
    }
    let record = RecordId::new(&patient.record_id)?;
    let prepared = import::prepare(&patient.graph, record, Validation::Strict, &documents)?;
    import::commit(
        container.clinical().as_ref(),
        container.directory().as_ref(),
        container.blobs().as_ref(),
        &prepared,
    )
    .await?;

    // 4. An app, registered through the provider as the admin.
    let admin = container.local_admin().await?;
    let manifest = AppManifest::from_json(
        r#"{"name": "Nightly export", "description": "Reads each record once a night.",
            "author": "EHR vendor", "id": "nightly@ehr.example.org", "version": "1.0",
            "mode": "background", "scope": "record"}"#,
    )?;
    let creds = container.provider().register_app(&admin, manifest).await?;
    // The same use cases without HTTP (as a vendor's own transport would call them). The
    // admin may read the container manifest; record data is only for apps launched on the
    // record (the access policy runs first, as over HTTP).
    let request = CallRequest::new(CallId::GetContainerManifest, "/manifest")?;
    let CallAnswer::Json(manifest) = service.execute(Some(&admin), request).await? else {
        return Err("the container manifest is JSON".into());
    };
    println!(
        "container manifest without HTTP: {} bytes of JSON",
        manifest.len()
    );
    let path = format!("/records/{}/demographics", patient.record_id);
    let request = CallRequest::new(CallId::GetDemographics, &path)?;
    match service.execute(Some(&admin), request).await {
        Err(e) if e.kind() == smart_store::container::ServiceErrorKind::Forbidden => {
            println!("demographics without HTTP: refused to the admin, as the policy says");
        }
        other => return Err(format!("the admin must not read a record: {other:?}").into()),
    }
    println!("SMART API at http://{addr} (record {})", patient.record_id);
    println!(
        "app {} secret {}",
        creds.consumer_key.as_str(),
        creds.consumer_secret.expose()
    );

    // 5. Serve until Ctrl-C (or, with --once, until /manifest has answered).
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(smart_http::serve(container.clone(), listener, async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = stopped => {}
        }
    }));
    if once {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        stream
            .write_all(b"GET /manifest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await?;
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        println!("/manifest answered");
        let _ = stop.send(());
    }
    server.await??;
    container.close().await;
    Ok(())
}
