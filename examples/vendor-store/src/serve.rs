//! A container built from parts around the vendor's store, as an EHR would assemble it:
//! the toy clinical store, our in-memory directory and blobs, one imported sample
//! patient and one registered background app.

use std::error::Error;
use std::sync::Arc;

use smart_auth::{MachineCredential, Secret};
use smart_core::RecordId;
use smart_core::manifest::AppManifest;
use smart_http::Container;
use smart_http::config::ServerConfig;
use smart_store::blobs::MemoryBlobs;
use smart_store::directory::MemoryDirectory;
use smart_store::import::{self, MemoryDocuments, Validation};

use crate::ToyClinicalStore;

/// What [`vendor_container`] set up.
#[derive(Debug)]
pub struct Demo {
    /// The container, ready to serve.
    pub container: Arc<Container>,
    /// The imported patient's record.
    pub record: RecordId,
    /// The background app's consumer key.
    pub app: String,
    /// Its consumer secret.
    pub secret: String,
}

/// Builds the container for `public_url` (where it will be served) over a new
/// [`ToyClinicalStore`], imports sample patient 0 and registers a background app.
pub async fn vendor_container(public_url: String) -> Result<Demo, Box<dyn Error>> {
    let mut config = ServerConfig::default();
    config.public_url = public_url;
    config.ui.consumer_secret = Some("the vendor's UI secret, 32 bytes or more".to_owned());
    let container = Arc::new(Container::from_parts(
        config,
        Arc::new(ToyClinicalStore::new()),
        Arc::new(MemoryDirectory::new()),
        Arc::new(MemoryBlobs::new()),
        MachineCredential::new(
            "vendor-admin",
            Secret::new("the vendor's admin secret, long enough"),
        )?,
    )?);

    // The importer validates, splits and stores through the ClinicalStore trait, so the
    // patient lands in the vendor's map.
    let patient = smart_samples::Generator::new(11).generate_patient(0);
    let mut documents = MemoryDocuments::new();
    for d in &patient.documents {
        documents.insert(
            d.file_name.clone(),
            Some(d.content_type.to_owned()),
            d.bytes.clone(),
        );
    }
    let record = RecordId::new(&patient.record_id)?;
    let prepared = import::prepare(
        &patient.graph,
        record.clone(),
        Validation::Strict,
        &documents,
    )?;
    import::commit(
        container.clinical().as_ref(),
        container.directory().as_ref(),
        container.blobs().as_ref(),
        &prepared,
    )
    .await?;

    let admin = container.local_admin().await?;
    let manifest = AppManifest::from_json(
        r#"{"name": "Vendor report", "description": "Reads each record's problems.",
            "author": "EHR vendor", "id": "report@vendor.example.org", "version": "1.0",
            "mode": "background", "scope": "record"}"#,
    )?;
    let creds = container.provider().register_app(&admin, manifest).await?;
    Ok(Demo {
        container,
        record,
        app: creds.consumer_key.as_str().to_owned(),
        secret: creds.consumer_secret.expose().to_owned(),
    })
}
