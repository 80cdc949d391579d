//! Opening a [`Container`] from a [`ContainerConfig`]: the backends it names, the secrets
//! generated on first start, the OAuth provider over the directory, and the caches this
//! process may keep because it alone writes the data.

use super::answer_cache::{AnswerCache, LocalVersions, RecordVersions, TrackedStore};
use super::auth_cache::CachedAuthStores;
use super::config::{
    ClinicalBackend, ConfigError, ContainerConfig, DirectoryBackend, NonceBackend,
};
use super::{Container, ContainerError};
use crate::blobs::BlobStore;
use crate::clinical::ClinicalStore;
use crate::directory::{DirectoryConfig, DirectoryStore};
use smart_auth::nonce::{MemoryNonceStore, NonceLimits};
use smart_auth::oauth::VerifierConfig;
use smart_auth::{
    Lifetimes, MachineCredential, Provider, ProviderConfig, Secret, Stores, SystemClock,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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
    pub async fn open(config: ContainerConfig) -> Result<Self, ContainerError> {
        config.check()?;
        // Private: only this user may read the records, hashes and secrets in it (an
        // existing directory made by an older version is tightened too).
        crate::private_fs::create_dir_all(&config.data_dir)
            .and_then(|()| crate::private_fs::restrict_dir(&config.data_dir))
            .map_err(|source| ContainerError::Io {
                what: format!("cannot create data directory {}", config.data_dir.display()),
                source,
            })?;
        let secrets = load_or_create_secrets(&config.data_dir)?;
        #[cfg_attr(
            not(any(feature = "sqlite", feature = "postgres")),
            expect(unused_variables, reason = "only the SQL directories take it")
        )]
        let key = match &config.store.secrets_key_file {
            Some(file) => crate::at_rest::KeySource::File(file.clone()),
            None => crate::at_rest::KeySource::in_dir(&config.data_dir),
        };
        #[cfg(feature = "embedded")]
        let mut embedded = None;
        #[cfg(feature = "sqlite")]
        let mut sqlite = Vec::new();

        let clinical: Arc<dyn ClinicalStore> = match config.store.clinical {
            ClinicalBackend::Memory => Arc::new(
                crate::clinical::MemoryClinicalStore::in_memory()
                    .map_err(store_error("in-memory clinical store"))?,
            ),
            #[cfg(feature = "embedded")]
            ClinicalBackend::Embedded => {
                let dir = config.data_dir.join("clinical");
                let store = Arc::new(
                    crate::clinical::EmbeddedClinicalStore::open(&dir)
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
                use crate::clinical::remote::{RemoteSparqlConfig, RemoteSparqlEngine};
                let url = config.store.sparql_url.as_deref().unwrap_or_default();
                let what = format!("SPARQL endpoint {url}");
                let engine = RemoteSparqlConfig::from_base_url(url)
                    .and_then(RemoteSparqlEngine::new)
                    .map_err(store_error(&what))?;
                Arc::new(crate::clinical::SparqlClinicalStore::new(engine))
            }
            #[cfg(not(feature = "sparql-remote"))]
            ClinicalBackend::Sparql => return Err(ContainerError::NotCompiled("sparql-remote")),
        };

        #[cfg_attr(
            not(any(feature = "sqlite", feature = "postgres")),
            expect(unused_variables, reason = "only the SQL directories take it")
        )]
        let directory_config = DirectoryConfig::default()
            .with_max_app_data_bytes(config.limits.max_app_data_bytes)
            .with_nonce_window(Duration::from_secs(config.limits.timestamp_window_secs));
        // Where record generations are shared by every writer, for the answer cache.
        #[cfg_attr(
            not(feature = "postgres"),
            expect(unused_mut, reason = "only PostgreSQL shares them")
        )]
        let mut shared_versions: Option<Arc<dyn RecordVersions>> = None;
        let (directory, blobs): (Arc<dyn DirectoryStore>, Arc<dyn BlobStore>) = match config
            .store
            .directory
        {
            DirectoryBackend::Memory => (
                Arc::new(crate::directory::MemoryDirectory::new()),
                Arc::new(crate::blobs::MemoryBlobs::new()),
            ),
            #[cfg(feature = "sqlite")]
            DirectoryBackend::Sqlite => {
                let file = config.data_dir.join("directory.sqlite3");
                let dir = Arc::new(
                    crate::directory::SqliteDirectory::open_with_key(&file, directory_config, key)
                        .await
                        .map_err(store_error(&format!("directory {}", file.display())))?,
                );
                let blobs = Arc::new(crate::blobs::SqliteBlobs::new(&dir));
                sqlite.push(dir.clone());
                (dir, blobs)
            }
            #[cfg(not(feature = "sqlite"))]
            DirectoryBackend::Sqlite => return Err(ContainerError::NotCompiled("sqlite")),
            #[cfg(feature = "postgres")]
            DirectoryBackend::Postgres => {
                let url = config.store.postgres_url.as_deref().unwrap_or_default();
                // The pool size `PgDirectory::connect` uses.
                // Every server sharing the database needs the same key.
                let dir =
                    crate::directory::PgDirectory::connect_with(url, directory_config, 10, key)
                        .await
                        .map_err(store_error("PostgreSQL directory"))?;
                let blobs = Arc::new(crate::blobs::PgBlobs::new(&dir));
                shared_versions = Some(Arc::new(crate::directory::PgRecordVersions::new(&dir)));
                (Arc::new(dir), blobs)
            }
            #[cfg(not(feature = "postgres"))]
            DirectoryBackend::Postgres => return Err(ContainerError::NotCompiled("postgres")),
        };

        // Answers are cached until the next write to their record, which every writer must
        // see (see `answer_cache`): this process alone writes the embedded and in-memory
        // stores; servers sharing a SPARQL store share their generations in PostgreSQL.
        let versions: Option<Arc<dyn RecordVersions>> = match config.store.clinical {
            _ if config.limits.response_cache_bytes == 0 => None,
            ClinicalBackend::Embedded | ClinicalBackend::Memory => {
                Some(Arc::new(LocalVersions::default()))
            }
            ClinicalBackend::Sparql => shared_versions,
        };
        let (clinical, answers) = match versions {
            Some(versions) => {
                let tracked = TrackedStore::new(clinical, versions.clone());
                let cache = AnswerCache::new(versions, config.limits.response_cache_bytes);
                (Arc::new(tracked) as Arc<dyn ClinicalStore>, Some(cache))
            }
            None => (clinical, None),
        };

        let admin = MachineCredential::new(
            secrets.admin_key.clone(),
            Secret::new(secrets.admin_secret.clone()),
        )?;
        let ui_secret = config
            .ui_consumer_secret
            .clone()
            .unwrap_or_else(|| secrets.ui_consumer_secret.clone());
        // After a crash the embedded store and the registry may disagree by the one record
        // that was being written; make them agree before serving. (A remote store may be
        // shared with other tools, so it is left to its operator.)
        if config.store.clinical == ClinicalBackend::Embedded {
            let report = crate::reconcile::reconcile_records(
                clinical.as_ref(),
                directory.as_ref(),
                crate::directory::Timestamp::now(),
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
        // can be cached (see `auth_cache`).
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
        #[cfg(feature = "sqlite")]
        {
            container.sqlite = sqlite;
        }
        Ok(container)
    }
}

fn store_error(what: &str) -> impl FnOnce(crate::StoreError) -> ContainerError + '_ {
    move |source| ContainerError::Store {
        what: what.to_owned(),
        source,
    }
}

/// The OAuth provider over the directory, per the configuration.
pub(super) fn build_provider(
    config: &ContainerConfig,
    directory: Arc<dyn DirectoryStore>,
    ui_secret: &str,
    admin: &MachineCredential,
    cache_auth_lookups: bool,
) -> Result<Provider, ContainerError> {
    let window = Duration::from_secs(config.limits.timestamp_window_secs);
    let mut verifier = VerifierConfig::builder(config.api_base())?.timestamp_window(window);
    if !config.require_body_hash {
        verifier = verifier.dangerous().accept_missing_body_hash().done();
    }
    let verifier = verifier.build()?;
    let l = &config.lifetimes;
    let lifetimes = Lifetimes::default()
        .session(Duration::from_secs(l.session))
        .request_token(Duration::from_secs(l.request_token))
        .rest_token(Duration::from_secs(l.access_token))
        .launch(Duration::from_secs(l.launch))
        .background(Duration::from_secs(l.background));
    let mut builder = ProviderConfig::builder(
        verifier,
        MachineCredential::new(config.ui_consumer_key.clone(), Secret::new(ui_secret))?,
    )
    .lifetimes(lifetimes)
    .passwords(
        smart_auth::password::PasswordConfig::builder()
            .concurrency(config.limits.password_hash_concurrency)
            .build()?,
    )
    .admin_credential(admin.clone());
    if config.self_signup {
        builder = builder.allow_self_registration();
    }
    for a in &config.admins {
        builder = builder.admin_credential(MachineCredential::new(
            a.key.clone(),
            Secret::new(a.secret.clone()),
        )?);
    }
    let provider_config = builder.build()?;
    // The directory is every store of the provider; its nonce table is shared by every node
    // on the same database (replaced below by a per-process cache when so configured).
    let mut stores = Stores::from_shared_directory(directory.clone(), directory);
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
    if config.store.nonces.effective(config.store.directory) == NonceBackend::Memory {
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
        ContainerError::Config(ConfigError::Parse {
            where_: format!(" in {}", path.display()),
            message: e.message().to_owned(),
        })
    })
}

/// The admin credential that [`Container::open`] generated in `data_dir/secrets.toml`,
/// for tools that talk over the network to the server holding that data directory.
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
