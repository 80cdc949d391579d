//! [`Container`]: the transport-free SMART container service. It holds the clinical store,
//! the directory, the document blobs and the OAuth provider, and runs the catalog calls
//! for an authenticated principal: a transport (smart-http's REST adapter, or a vendor's
//! gRPC service or message queue) only routes, authenticates and turns the typed
//! [`CallAnswer`] into its own reply.
//!
//! | module | what |
//! |---|---|
//! | `config` | [`ContainerConfig`]: backends, secrets, limits, lifetimes |
//! | `open` | [`Container::open`]: the backends a configuration names, the secrets file |
//! | `call` | [`CallRequest`] → [`Container::execute`] → [`CallAnswer`]: policy, then the handler of the [`CallId`] |
//! | `records` | record collections and items, with their summary, cached until the next write |
//! | `documents` | document lists, one document, the photograph |
//! | `notes` | the clinical-note pipeline: validate, split, mint ids, store atomically |
//! | `app_data` | scratchpad and preferences values |
//! | `registry` | container calls: manifests, record and user searches, users, the app list |
//! | `summary` | `api:ResponseSummary`, and item ETags |
//! | `access` | the access log writer: every call buffered, written in batches off the request path |
//! | `apps` | [`Container::register_app`]: app registration for `smart apps` and the admin pages |
//! | `answer_cache` | record answers cached until the next write to their record |
//! | `auth_cache` | the app and token look-ups, cached until the next directory write |
//! | `timing` | [`StoreTimings`]: the clinical store's latency per operation, for `/metrics` |
//! | `error` | [`ContainerError`] (opening), [`ServiceError`] with [`ServiceErrorKind`] (calls) |
//!
//! ```
//! use smart_core::catalog::CallId;
//! use smart_store::container::{CallAnswer, CallRequest, Container, ContainerConfig};
//! use std::sync::Arc;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let mut config = ContainerConfig::default();
//! config.ui_consumer_secret = Some("a UI secret of at least thirty-two bytes".to_owned());
//! let container = Container::from_parts(
//!     config,
//!     Arc::new(smart_store::clinical::MemoryClinicalStore::in_memory().unwrap()),
//!     Arc::new(smart_store::directory::MemoryDirectory::new()),
//!     Arc::new(smart_store::blobs::MemoryBlobs::new()),
//!     smart_auth::MachineCredential::new(
//!         "local-admin",
//!         smart_auth::Secret::new("an admin secret of at least thirty-two bytes"),
//!     )
//!     .unwrap(),
//! )
//! .unwrap();
//!
//! // No HTTP anywhere: the admin principal asks for the container manifest...
//! let admin = container.local_admin().await.unwrap();
//! let request = CallRequest::new(CallId::GetContainerManifest, "/manifest").unwrap();
//! let CallAnswer::Json(manifest) = container.execute(Some(&admin), request).await.unwrap() else {
//!     panic!("the manifest is JSON");
//! };
//! assert!(manifest.contains("\"api_base\""));
//!
//! // ...but may not read a record (only an app launched on it may): the access policy
//! // runs before any handler, and its refusal is a typed error, not a status code.
//! let request = CallRequest::new(CallId::GetDemographics, "/records/404/demographics").unwrap();
//! let err = container.execute(Some(&admin), request).await.unwrap_err();
//! assert_eq!(err.kind(), smart_store::container::ServiceErrorKind::Forbidden);
//! # });
//! ```

mod access;
mod answer_cache;
mod app_data;
mod apps;
mod auth_cache;
mod call;
mod config;
mod documents;
mod error;
mod notes;
mod open;
mod records;
mod registry;
mod summary;
#[cfg(test)]
mod tests;
mod timing;

pub use apps::{Registered, read_manifest};
pub use call::{CallAnswer, CallRequest, RdfAnswer, Validators};
pub use config::{
    AdminCredential, ClinicalBackend, ConfigError, ContainerConfig, ContainerLimits,
    DirectoryBackend, LifetimeConfig, NonceBackend, REDACTED, StoreConfig, redact_url,
};
pub use error::{ContainerError, ServiceError, ServiceErrorKind};
pub use open::stored_admin_credential;
pub use smart_core::catalog::CallId;
pub use timing::{LatencyHistogram, STORE_LATENCY_BOUNDS, StoreOp, StoreTimings};

use crate::blobs::BlobStore;
use crate::clinical::ClinicalStore;
use crate::directory::DirectoryStore;
use answer_cache::AnswerCache;
#[cfg(feature = "postgres")]
pub(crate) use answer_cache::RecordVersions;
use smart_auth::policy::{Decision, Endpoint, Target};
use smart_auth::{Authenticated, MachineCredential, Provider};
use smart_rdf::ApiBase;
use std::sync::Arc;
use std::time::Duration;

/// The parts of a running container (clinical store, directory, blobs, OAuth provider) and
/// the use cases over them.
#[derive(Debug)]
pub struct Container {
    config: ContainerConfig,
    clinical: Arc<dyn ClinicalStore>,
    directory: Arc<dyn DirectoryStore>,
    blobs: Arc<dyn BlobStore>,
    provider: Arc<Provider>,
    api_base: ApiBase,
    admin: MachineCredential,
    answers: Option<AnswerCache>,
    store_timings: Arc<StoreTimings>,
    access: access::AccessWriter,
    #[cfg(feature = "embedded")]
    embedded: Option<Arc<crate::clinical::EmbeddedClinicalStore>>,
    #[cfg(feature = "sqlite")]
    sqlite: Vec<Arc<crate::directory::SqliteDirectory>>,
}

impl Container {
    /// A container from stores the caller built (an EHR embedding the crates). The UI
    /// consumer secret must be set in `config.ui_consumer_secret`; `admin` is the machine
    /// credential that local tools use.
    pub fn from_parts(
        config: ContainerConfig,
        clinical: Arc<dyn ClinicalStore>,
        directory: Arc<dyn DirectoryStore>,
        blobs: Arc<dyn BlobStore>,
        admin: MachineCredential,
    ) -> Result<Self, ContainerError> {
        config.check()?;
        let ui_secret = config.ui_consumer_secret.clone().ok_or_else(|| {
            ConfigError::Invalid(
                "ui.consumer_secret is required when assembling a container from parts".to_owned(),
            )
        })?;
        // No answer cache: the embedding application's stores may be written behind our
        // back.
        Self::assemble(config, clinical, directory, blobs, admin, &ui_secret, false)
    }

    /// The container over these stores, with its provider; no cache, nothing to close.
    fn assemble(
        config: ContainerConfig,
        clinical: Arc<dyn ClinicalStore>,
        directory: Arc<dyn DirectoryStore>,
        blobs: Arc<dyn BlobStore>,
        admin: MachineCredential,
        ui_secret: &str,
        cache_auth_lookups: bool,
    ) -> Result<Self, ContainerError> {
        let provider = open::build_provider(
            &config,
            directory.clone(),
            ui_secret,
            &admin,
            cache_auth_lookups,
        )?;
        let api_base = ApiBase::new(config.api_base())
            .map_err(|e| ConfigError::Invalid(format!("public_url: {e}")))?;
        // Timed as the container sees the store (a write's generation bumps included).
        let store_timings = Arc::new(StoreTimings::default());
        let clinical: Arc<dyn ClinicalStore> =
            Arc::new(timing::TimedStore::new(clinical, store_timings.clone()));
        Ok(Self {
            config,
            clinical,
            directory,
            blobs,
            provider: Arc::new(provider),
            api_base,
            admin,
            answers: None,
            store_timings,
            access: access::AccessWriter::default(),
            #[cfg(feature = "embedded")]
            embedded: None,
            #[cfg(feature = "sqlite")]
            sqlite: Vec::new(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ContainerConfig {
        &self.config
    }

    /// How many record answers are cached now; `None` when this container caches none
    /// (a SPARQL store without a PostgreSQL directory, a container from parts, or
    /// `response_cache_bytes = 0`).
    pub fn cached_answers(&self) -> Option<usize> {
        self.answers.as_ref().map(AnswerCache::len)
    }

    /// The clinical store's latency per operation so far (see [`StoreTimings`]).
    pub fn store_timings(&self) -> Vec<(StoreOp, LatencyHistogram)> {
        self.store_timings.snapshot()
    }

    /// Clinical data (storage form IRIs).
    pub fn clinical(&self) -> &Arc<dyn ClinicalStore> {
        &self.clinical
    }

    /// The answer cache's lookups so far, (hits, misses); `None` when there is no cache
    /// (a remote clinical store, or `response_cache_bytes = 0`).
    pub fn answer_cache_stats(&self) -> Option<(u64, u64)> {
        self.answers.as_ref().map(AnswerCache::hits_and_misses)
    }

    /// Accounts, apps, tokens, shares, app data, the record registry.
    pub fn directory(&self) -> &Arc<dyn DirectoryStore> {
        &self.directory
    }

    /// Document binaries.
    pub fn blobs(&self) -> &Arc<dyn BlobStore> {
        &self.blobs
    }

    /// The OAuth provider.
    pub fn provider(&self) -> &Arc<Provider> {
        &self.provider
    }

    /// The public API base (for converting stored IRIs to public ones).
    pub fn api_base(&self) -> &ApiBase {
        &self.api_base
    }

    /// The admin machine credential local tools sign with (from `secrets.toml`).
    pub fn admin_credential(&self) -> &MachineCredential {
        &self.admin
    }

    /// The access policy's verdict on `who` calling `endpoint` with these path
    /// variables, as an error when it is not allowed. [`Container::execute`] applies it to
    /// catalog calls; a transport applies it to its own endpoints (OAuth, launch).
    pub fn authorize<S: AsRef<str>>(
        &self,
        who: Option<&Authenticated>,
        endpoint: Endpoint,
        bindings: &[(&str, S)],
    ) -> Result<(), ServiceError> {
        let target = Target::from_bindings(bindings);
        match self.provider.authorize(who, endpoint, &target) {
            Decision::Allow => Ok(()),
            Decision::Unauthenticated => Err(ServiceError::new(
                ServiceErrorKind::Unauthenticated,
                "this endpoint needs an OAuth 1.0a signed request",
            )),
            Decision::ReadOnly => Err(ServiceError::new(
                ServiceErrorKind::Forbidden,
                "read-only access: this session may look but not change anything",
            )),
            _ => Err(ServiceError::new(
                ServiceErrorKind::Forbidden,
                "the access policy does not allow this caller here",
            )),
        }
    }

    /// The admin principal, for tools that run in the same process as the stores (the
    /// command line): a request signed with the admin credential, authenticated by the
    /// provider like any other, so every flow applies its usual checks.
    pub async fn local_admin(&self) -> Result<Authenticated, smart_auth::AuthError> {
        let nonce = smart_auth::random_string(&smart_auth::OsRandom::new(), 16)
            .map_err(|_| smart_auth::AuthError::Invalid("no operating-system randomness".into()))?;
        let url = format!("{}/local/admin", self.config.api_base());
        let header = smart_auth::oauth::HeaderSigner::new(
            smart_auth::oauth::SignatureMethod::HmacSha1,
            self.admin.key(),
            self.admin.secret(),
        )
        .nonce(&nonce)
        .timestamp(self.provider.now())
        .sign("POST", &url, None)
        .map_err(|e| smart_auth::AuthError::Invalid(e.to_string()))?;
        let request =
            smart_auth::oauth::Request::new("POST", "/local/admin").with_authorization(&header);
        self.provider.authenticate(&request).await?.ok_or_else(|| {
            smart_auth::AuthError::Invalid("the admin request was not signed".into())
        })
    }

    /// Housekeeping: removes expired tokens and nonces older than the timestamp window
    /// (expiry is enforced at every use anyway; this reclaims space). Returns how many
    /// tokens and nonces were removed. A server runs it every few minutes.
    pub async fn housekeeping(&self) -> Result<(u64, u64), crate::StoreError> {
        use crate::directory::Timestamp;
        let tokens = self.directory.cleanup_expired(Timestamp::now()).await?;
        let window = Duration::from_secs(self.config.limits.timestamp_window_secs);
        let cutoff = Timestamp::from_system_time(
            std::time::SystemTime::now()
                .checked_sub(window)
                .unwrap_or(std::time::UNIX_EPOCH),
        );
        let nonces = self.directory.purge_older_than(cutoff).await?;
        Ok((tokens, nonces))
    }

    /// Writes the access log entries still buffered, then flushes and closes the stores
    /// that hold files open.
    pub async fn close(&self) {
        self.flush_access_log().await;
        #[cfg(feature = "embedded")]
        if let Some(store) = &self.embedded {
            store.close().await;
        }
        #[cfg(feature = "sqlite")]
        for dir in &self.sqlite {
            dir.close().await;
        }
    }
}
