//! [`Container`]: the container service ([`smart_store::Container`]) with the
//! [`ServerConfig`] it was opened from, which the HTTP side needs too (CORS origins, body
//! limit, the web UI's settings). It dereferences to the service, so every use case
//! (`execute`, `clinical()`, `provider()`, `local_admin()`, ...) is called on it directly.

use crate::config::ServerConfig;
use smart_auth::MachineCredential;
use smart_store::blobs::BlobStore;
use smart_store::clinical::ClinicalStore;
use smart_store::directory::DirectoryStore;
use std::sync::Arc;

pub use smart_store::container::{ContainerError, stored_admin_credential};

/// A running container as the HTTP adapter serves it: the service and its configuration.
#[derive(Debug)]
pub struct Container {
    service: Arc<smart_store::Container>,
    config: ServerConfig,
}

impl Container {
    /// Opens every store the configuration names (see [`smart_store::Container::open`]).
    pub async fn open(config: ServerConfig) -> Result<Self, ContainerError> {
        config.check()?;
        let service = smart_store::Container::open(config.container_config()).await?;
        Ok(Self {
            service: Arc::new(service),
            config,
        })
    }

    /// A container from stores the caller built (see
    /// [`smart_store::Container::from_parts`]); `config.ui.consumer_secret` must be set.
    pub fn from_parts(
        config: ServerConfig,
        clinical: Arc<dyn ClinicalStore>,
        directory: Arc<dyn DirectoryStore>,
        blobs: Arc<dyn BlobStore>,
        admin: MachineCredential,
    ) -> Result<Self, ContainerError> {
        config.check()?;
        let service = smart_store::Container::from_parts(
            config.container_config(),
            clinical,
            directory,
            blobs,
            admin,
        )?;
        Ok(Self::with_service(Arc::new(service), config))
    }

    /// An HTTP container over a service opened elsewhere (the service's own configuration
    /// is what counts for it; `config` gives the HTTP settings).
    pub fn with_service(service: Arc<smart_store::Container>, config: ServerConfig) -> Self {
        Self { service, config }
    }

    /// The whole configuration (the service's part is `service().config()`).
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The transport-free service.
    pub fn service(&self) -> &Arc<smart_store::Container> {
        &self.service
    }
}

impl std::ops::Deref for Container {
    type Target = smart_store::Container;

    fn deref(&self) -> &smart_store::Container {
        &self.service
    }
}
