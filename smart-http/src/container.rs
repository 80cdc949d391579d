//! [`Container`]: the stores and the OAuth provider of one SMART container, opened from a
//! [`ServerConfig`] or assembled from parts by an embedding application.

use crate::auth_cache::CachedAuthStores;
use crate::cache::{AnswerCache, TrackedStore};
use crate::config::{ClinicalBackend, DirectoryBackend, NonceBackend, ServerConfig};
use smart_auth::nonce::{MemoryNonceStore, NonceLimits};
use smart_auth::oauth::VerifierConfig;
use smart_auth::{Lifetimes, MachineCredential, Provider, ProviderConfig, Secret, SystemClock};
use smart_rdf::ApiBase;
use smart_store::auth_adapter::AuthDirectory;
use smart_store::blobs::BlobStore;
use smart_store::clinical::ClinicalStore;
use smart_store::directory::{DirectoryConfig, DirectoryStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Why a container could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContainerError {
    /// The configuration is inconsistent.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A store could not be opened.
    #[error("{what}: {source}")]
    Store {
        /// Which store.
        what: String,
        /// Why.
        source: smart_store::StoreError,
    },
    /// The data directory or its secrets file could not be used.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why.
        source: std::io::Error,
    },
    /// The OAuth configuration was refused.
    #[error("OAuth configuration: {0}")]
    Auth(#[from] smart_auth::ConfigError),
    /// The configuration asks for a backend this build does not include.
    #[error("this build of smart-http has no {0} support (enable the cargo feature)")]
    NotCompiled(&'static str),
}

/// The parts of a running container: clinical store, directory, blobs, OAuth provider.
#[derive(Debug)]
pub struct Container {
    config: ServerConfig,
    clinical: Arc<dyn ClinicalStore>,
    directory: Arc<dyn DirectoryStore>,
    blobs: Arc<dyn BlobStore>,
    provider: Arc<Provider>,
    api_base: ApiBase,
    admin: MachineCredential,
    answers: Option<AnswerCache>,
    #[cfg(feature = "embedded")]
    embedded: Option<Arc<smart_store::clinical::EmbeddedClinicalStore>>,
    sqlite: Vec<Arc<smart_store::directory::SqliteDirectory>>,
}

/// The secrets generated on first start, kept in `data_dir/secrets.toml`.
#[derive(Debug, serde::Deserialize)]
struct GeneratedSecrets {
    ui_consumer_secret: String,
    admin_key: String,
    admin_secret: String,
}

impl Container {
    /// Opens every store the configuration names (creating the data directory and, on
    /// first start, `secrets.toml` with a UI consumer secret and an admin credential).
    pub async fn open(config: ServerConfig) -> Result<Self, ContainerError> {
        config.check()?;
        std::fs::create_dir_all(&config.data_dir).map_err(|source| ContainerError::Io {
            what: format!("cannot create data directory {}", config.data_dir.display()),
            source,
        })?;
        let secrets = load_or_create_secrets(&config.data_dir)?;
        #[cfg(feature = "embedded")]
        let mut embedded = None;
        let mut sqlite = Vec::new();

        let clinical: Arc<dyn ClinicalStore> = match config.store.clinical {
            ClinicalBackend::Memory => Arc::new(
                smart_store::clinical::MemoryClinicalStore::in_memory()
                    .map_err(store_error("in-memory clinical store"))?,
            ),
            #[cfg(feature = "embedded")]
            ClinicalBackend::Embedded => {
                let dir = config.data_dir.join("clinical");
                let store = Arc::new(
                    smart_store::clinical::EmbeddedClinicalStore::open(&dir)
                        .await
                        .map_err(store_error(&format!(
                            "embedded clinical store in {}",
                            dir.display()
                        )))?,
                );
                embedded = Some(store.clone());
                store
            }
            #[cfg(not(feature = "embedded"))]
            ClinicalBackend::Embedded => return Err(ContainerError::NotCompiled("embedded")),
            #[cfg(feature = "sparql-remote")]
            ClinicalBackend::Sparql => {
                use smart_store::clinical::remote::{RemoteSparqlConfig, RemoteSparqlEngine};
                let url = config.store.sparql_url.as_deref().unwrap_or_default();
                let what = format!("SPARQL endpoint {url}");
                let engine = RemoteSparqlConfig::from_base_url(url)
                    .and_then(RemoteSparqlEngine::new)
                    .map_err(store_error(&what))?;
                Arc::new(smart_store::clinical::SparqlClinicalStore::new(engine))
            }
            #[cfg(not(feature = "sparql-remote"))]
            ClinicalBackend::Sparql => return Err(ContainerError::NotCompiled("sparql-remote")),
        };

        // This process alone writes the embedded and in-memory stores, so their answers
        // can be cached until the next write (see `crate::cache`).
        let (clinical, answers) = match config.store.clinical {
            ClinicalBackend::Embedded | ClinicalBackend::Memory
                if config.limits.response_cache_bytes > 0 =>
            {
                let tracked = Arc::new(TrackedStore::new(clinical));
                let cache = AnswerCache::new(tracked.clone(), config.limits.response_cache_bytes);
                (tracked as Arc<dyn ClinicalStore>, Some(cache))
            }
            _ => (clinical, None),
        };

        let directory_config = DirectoryConfig::default()
            .with_max_app_data_bytes(config.limits.max_app_data_bytes)
            .with_nonce_window(Duration::from_secs(config.limits.timestamp_window_secs));
        let (directory, blobs): (Arc<dyn DirectoryStore>, Arc<dyn BlobStore>) = match config
            .store
            .directory
        {
            DirectoryBackend::Memory => (
                Arc::new(smart_store::directory::MemoryDirectory::new()),
                Arc::new(smart_store::blobs::MemoryBlobs::new()),
            ),
            DirectoryBackend::Sqlite => {
                let file = config.data_dir.join("directory.sqlite3");
                let dir = Arc::new(
                    smart_store::directory::SqliteDirectory::open_with(&file, directory_config)
                        .await
                        .map_err(store_error(&format!("directory {}", file.display())))?,
                );
                let blobs = Arc::new(smart_store::blobs::SqliteBlobs::new(&dir));
                sqlite.push(dir.clone());
                (dir, blobs)
            }
            #[cfg(feature = "postgres")]
            DirectoryBackend::Postgres => {
                let url = config.store.postgres_url.as_deref().unwrap_or_default();
                // The pool size smart-store's `PgDirectory::connect` uses.
                let dir =
                    smart_store::directory::PgDirectory::connect_with(url, directory_config, 10)
                        .await
                        .map_err(store_error("PostgreSQL directory"))?;
                let blobs = Arc::new(smart_store::blobs::PgBlobs::new(&dir));
                (Arc::new(dir), blobs)
            }
            #[cfg(not(feature = "postgres"))]
            DirectoryBackend::Postgres => return Err(ContainerError::NotCompiled("postgres")),
        };

        let admin = MachineCredential::new(
            secrets.admin_key.clone(),
            Secret::new(secrets.admin_secret.clone()),
        )?;
        let ui_secret = config
            .ui
            .consumer_secret
            .clone()
            .unwrap_or_else(|| secrets.ui_consumer_secret.clone());
        // After a crash the embedded store and the registry may disagree by the one record
        // that was being written; make them agree before serving. (A remote store may be
        // shared with other tools, so it is left to its operator.)
        if config.store.clinical == ClinicalBackend::Embedded {
            let report = smart_store::reconcile::reconcile_records(
                clinical.as_ref(),
                directory.as_ref(),
                smart_store::directory::Timestamp::now(),
            )
            .await
            .map_err(store_error("reconciling the record registry"))?;
            if !report.is_empty() {
                tracing::warn!(
                    ?report,
                    "record registry reconciled with the clinical store"
                );
            }
        }
        // The running server holds the embedded store's lock on the data directory, so no
        // other process can write the directory beside it: its app and token look-ups
        // can be cached (see `crate::auth_cache`).
        let sole_owner = config.store.clinical == ClinicalBackend::Embedded
            && config.store.directory == DirectoryBackend::Sqlite;
        let mut container = Self::assemble(
            config, clinical, directory, blobs, admin, &ui_secret, sole_owner,
        )?;
        container.answers = answers;
        #[cfg(feature = "embedded")]
        {
            container.embedded = embedded;
        }
        container.sqlite = sqlite;
        Ok(container)
    }

    /// A container from stores the caller built (an EHR embedding the crates). The UI
    /// consumer secret must be set in `config.ui.consumer_secret`; `admin` is the machine
    /// credential that local tools use.
    pub fn from_parts(
        config: ServerConfig,
        clinical: Arc<dyn ClinicalStore>,
        directory: Arc<dyn DirectoryStore>,
        blobs: Arc<dyn BlobStore>,
        admin: MachineCredential,
    ) -> Result<Self, ContainerError> {
        config.check()?;
        let ui_secret = config.ui.consumer_secret.clone().ok_or_else(|| {
            crate::config::ConfigError::Invalid(
                "ui.consumer_secret is required when assembling a container from parts".to_owned(),
            )
        })?;
        // No answer cache: the embedding application's stores may be written behind our
        // back.
        Self::assemble(config, clinical, directory, blobs, admin, &ui_secret, false)
    }

    /// The container over these stores, with its provider; no cache, nothing to close.
    fn assemble(
        config: ServerConfig,
        clinical: Arc<dyn ClinicalStore>,
        directory: Arc<dyn DirectoryStore>,
        blobs: Arc<dyn BlobStore>,
        admin: MachineCredential,
        ui_secret: &str,
        cache_auth_lookups: bool,
    ) -> Result<Self, ContainerError> {
        let provider = build_provider(
            &config,
            directory.clone(),
            ui_secret,
            &admin,
            cache_auth_lookups,
        )?;
        let api_base = ApiBase::new(config.api_base())
            .map_err(|e| crate::config::ConfigError::Invalid(format!("public_url: {e}")))?;
        Ok(Self {
            config,
            clinical,
            directory,
            blobs,
            provider: Arc::new(provider),
            api_base,
            admin,
            answers: None,
            #[cfg(feature = "embedded")]
            embedded: None,
            sqlite: Vec::new(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Clinical data (storage form IRIs).
    pub fn clinical(&self) -> &Arc<dyn ClinicalStore> {
        &self.clinical
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

    /// The answer cache, when on.
    pub(crate) fn answer_cache(&self) -> Option<&AnswerCache> {
        self.answers.as_ref()
    }

    /// The admin machine credential local tools sign with (from `secrets.toml`).
    pub fn admin_credential(&self) -> &MachineCredential {
        &self.admin
    }

    /// The admin principal, for tools that run in the same process as the stores (the
    /// command line): a request signed with the admin credential, authenticated by the
    /// provider like any other, so every flow applies its usual checks.
    pub async fn local_admin(&self) -> Result<smart_auth::Authenticated, smart_auth::AuthError> {
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
    /// tokens and nonces were removed. [`crate::serve`] runs it every ten minutes.
    pub async fn housekeeping(&self) -> Result<(u64, u64), smart_store::StoreError> {
        use smart_store::directory::Timestamp;
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

    /// Flushes and closes the stores that hold files open.
    pub async fn close(&self) {
        #[cfg(feature = "embedded")]
        if let Some(store) = &self.embedded {
            store.close().await;
        }
        for dir in &self.sqlite {
            dir.close().await;
        }
    }
}

fn store_error(what: &str) -> impl FnOnce(smart_store::StoreError) -> ContainerError + '_ {
    move |source| ContainerError::Store {
        what: what.to_owned(),
        source,
    }
}

/// The OAuth provider over the directory, per the configuration.
fn build_provider(
    config: &ServerConfig,
    directory: Arc<dyn DirectoryStore>,
    ui_secret: &str,
    admin: &MachineCredential,
    cache_auth_lookups: bool,
) -> Result<Provider, ContainerError> {
    let window = Duration::from_secs(config.limits.timestamp_window_secs);
    let verifier = VerifierConfig::builder(config.api_base())?
        .timestamp_window(window)
        .build()?;
    let l = &config.lifetimes;
    let lifetimes = Lifetimes::default()
        .session(Duration::from_secs(l.session))
        .request_token(Duration::from_secs(l.request_token))
        .rest_token(Duration::from_secs(l.access_token))
        .launch(Duration::from_secs(l.launch))
        .background(Duration::from_secs(l.background));
    let mut builder = ProviderConfig::builder(
        verifier,
        MachineCredential::new(config.ui.consumer_key.clone(), Secret::new(ui_secret))?,
    )
    .lifetimes(lifetimes)
    .admin_credential(admin.clone());
    if config.ui.self_signup {
        builder = builder.allow_self_registration();
    }
    for a in &config.admins {
        builder = builder.admin_credential(MachineCredential::new(
            a.key.clone(),
            Secret::new(a.secret.clone()),
        )?);
    }
    let provider_config = builder.build()?;
    let mut stores = AuthDirectory::new(directory).into_stores();
    if cache_auth_lookups {
        let cached = Arc::new(CachedAuthStores::new(
            stores.accounts.clone(),
            stores.apps.clone(),
            stores.tokens.clone(),
            stores.shares.clone(),
        ));
        stores.accounts = cached.clone();
        stores.apps = cached.clone();
        stores.tokens = cached.clone();
        stores.shares = cached;
    }
    if config.store.nonces == NonceBackend::Memory {
        stores.nonces = Arc::new(MemoryNonceStore::new(
            &SystemClock::new(),
            NonceLimits::new(
                config.limits.nonce_capacity,
                config.limits.nonce_capacity_per_consumer,
            ),
        ));
    }
    Ok(Provider::with_system_defaults(provider_config, stores))
}

/// Reads `secrets.toml`, or creates it with fresh random secrets (owner-only permissions).
fn load_or_create_secrets(data_dir: &Path) -> Result<GeneratedSecrets, ContainerError> {
    let path: PathBuf = data_dir.join("secrets.toml");
    let io = |what: String| move |source| ContainerError::Io { what, source };
    if path.exists() {
        return read_secrets(&path);
    }
    let secrets = GeneratedSecrets {
        ui_consumer_secret: random_secret()?,
        admin_key: "smart-admin".to_owned(),
        admin_secret: random_secret()?,
    };
    let text = format!(
        "# Generated on first start. Keep private.\nui_consumer_secret = \"{}\"\nadmin_key = \"{}\"\nadmin_secret = \"{}\"\n",
        secrets.ui_consumer_secret, secrets.admin_key, secrets.admin_secret
    );
    write_private(&path, text.as_bytes())
        .map_err(io(format!("cannot write {}", path.display())))?;
    Ok(secrets)
}

fn read_secrets(path: &Path) -> Result<GeneratedSecrets, ContainerError> {
    let text = std::fs::read_to_string(path).map_err(|source| ContainerError::Io {
        what: format!("cannot read {}", path.display()),
        source,
    })?;
    toml::from_str(&text).map_err(|e| {
        ContainerError::Config(crate::config::ConfigError::Parse {
            where_: format!(" in {}", path.display()),
            message: e.message().to_owned(),
        })
    })
}

/// The admin credential that [`Container::open`] generated in `data_dir/secrets.toml`,
/// for tools that talk over HTTP to the server holding that data directory.
pub fn stored_admin_credential(data_dir: &Path) -> Result<MachineCredential, ContainerError> {
    let secrets = read_secrets(&data_dir.join("secrets.toml"))?;
    Ok(MachineCredential::new(
        secrets.admin_key,
        Secret::new(secrets.admin_secret),
    )?)
}

fn random_secret() -> Result<String, ContainerError> {
    smart_auth::random_string(&smart_auth::OsRandom::new(), 32).map_err(|e| ContainerError::Io {
        what: "no operating-system randomness".to_owned(),
        source: std::io::Error::other(e.to_string()),
    })
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
