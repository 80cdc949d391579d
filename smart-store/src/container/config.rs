//! [`ContainerConfig`]: what the container service needs to open its stores and its OAuth
//! provider. A transport wraps it in its own configuration (smart-http's `ServerConfig`
//! reads it from TOML and the environment, beside its listening address and CORS origins).

use serde::Deserialize;
use std::path::PathBuf;

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this configuration (unknown keys included).
    #[error("invalid configuration{where_}: {message}")]
    Parse {
        /// ` in <file>` when it came from a file.
        where_: String,
        /// What is wrong, with the key.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Where clinical RDF lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ClinicalBackend {
    /// Durable, under the data directory (the default).
    Embedded,
    /// In memory; nothing survives the process.
    Memory,
    /// A remote SPARQL 1.1 endpoint (`store.sparql_url`).
    Sparql,
}

/// Where accounts, apps, tokens and blobs live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DirectoryBackend {
    /// SQLite under the data directory (the default).
    Sqlite,
    /// In memory.
    Memory,
    /// PostgreSQL (`store.postgres_url`).
    Postgres,
}

/// Where OAuth nonces are remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum NonceBackend {
    /// The default: in the directory's database when that is PostgreSQL (which several
    /// server processes may share, so a request replayed to another server is refused),
    /// else in this process.
    Auto,
    /// In this process (fast; right for one server process).
    Memory,
    /// In the directory's database, shared by every server process on it.
    Directory,
}

impl NonceBackend {
    /// Where nonces are kept with this directory backend ([`Self::Auto`] decided).
    pub fn effective(self, directory: DirectoryBackend) -> NonceBackend {
        match (self, directory) {
            (Self::Auto, DirectoryBackend::Postgres) => Self::Directory,
            (Self::Auto, _) => Self::Memory,
            (chosen, _) => chosen,
        }
    }
}

/// The `[store]` section: which backends.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct StoreConfig {
    /// The clinical backend.
    pub clinical: ClinicalBackend,
    /// The SPARQL endpoint's base URL (for `clinical = "sparql"`).
    pub sparql_url: Option<String>,
    /// The directory backend.
    pub directory: DirectoryBackend,
    /// The PostgreSQL URL (for `directory = "postgres"`).
    pub postgres_url: Option<String>,
    /// Where nonces are remembered.
    pub nonces: NonceBackend,
    /// The key file that seals consumer and token secrets in the SQL directory
    /// ([`crate::at_rest`]); `data_dir/secrets.key` if absent. Servers sharing one
    /// PostgreSQL database must all use the same key (one file, or copies of it).
    pub secrets_key_file: Option<std::path::PathBuf>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            clinical: ClinicalBackend::Embedded,
            sparql_url: None,
            directory: DirectoryBackend::Sqlite,
            postgres_url: None,
            nonces: NonceBackend::Auto,
            secrets_key_file: None,
        }
    }
}

/// One machine credential with the admin role (`[[admins]]`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AdminCredential {
    /// The consumer key.
    pub key: String,
    /// The consumer secret (at least 32 bytes).
    pub secret: String,
}

impl AdminCredential {
    /// A credential.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            secret: secret.into(),
        }
    }
}

impl std::fmt::Debug for AdminCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminCredential")
            .field("key", &self.key)
            .field("secret", &REDACTED)
            .finish()
    }
}

/// The `[lifetimes]` section, in seconds (see smart-auth's `Lifetimes`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct LifetimeConfig {
    /// A login session.
    pub session: u64,
    /// A request token (between request_token and access_token).
    pub request_token: u64,
    /// A 3-legged access token.
    pub access_token: u64,
    /// Launch (SMART Connect) credentials.
    pub launch: u64,
    /// A background app's per-record token.
    pub background: u64,
}

impl Default for LifetimeConfig {
    fn default() -> Self {
        Self {
            session: 8 * 3600,
            request_token: 600,
            access_token: 12 * 3600,
            launch: 8 * 3600,
            background: 3600,
        }
    }
}

/// The limits the service enforces (a transport adds its own, such as a body size).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerLimits {
    /// The largest scratchpad or preferences value (bytes).
    pub max_app_data_bytes: usize,
    /// The largest `limit` a collection call accepts.
    pub max_page_limit: usize,
    /// How far a request's OAuth timestamp may lie from the server's clock (seconds).
    pub timestamp_window_secs: u64,
    /// The memory for cached record answers (bytes; 0 turns the cache off). Used with
    /// the embedded and in-memory clinical stores, which this process alone writes, and
    /// with a SPARQL store when the directory is PostgreSQL (which then keeps every
    /// record's write generation for all servers).
    pub response_cache_bytes: usize,
    /// How many OAuth nonces the in-memory nonce store remembers.
    pub nonce_capacity: usize,
    /// How many of them one consumer may hold.
    pub nonce_capacity_per_consumer: usize,
    /// How many password hashes (logins, password changes) run at once, on the blocking
    /// thread pool; further ones wait. Default: one per CPU, at least 2.
    pub password_hash_concurrency: usize,
}

impl Default for ContainerLimits {
    fn default() -> Self {
        Self {
            max_app_data_bytes: 1 << 20,
            max_page_limit: 1000,
            timestamp_window_secs: 300,
            response_cache_bytes: 64 << 20,
            nonce_capacity: 4_000_000,
            nonce_capacity_per_consumer: 2_000_000,
            password_hash_concurrency: smart_auth::password::PasswordConfig::default()
                .concurrency(),
        }
    }
}

/// What [`super::Container::open`] needs. `Debug` shows no secret (the UI's consumer
/// secret, admin secrets and the password in a PostgreSQL URL are redacted), so a logged
/// configuration reveals nothing.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerConfig {
    /// The public base URL of the API, as apps see it; OAuth signatures are checked
    /// against it and public IRIs start with it.
    pub public_url: String,
    /// The data directory (embedded clinical store, SQLite directory, secrets).
    pub data_dir: PathBuf,
    /// Backends.
    pub store: StoreConfig,
    /// The web UI's consumer key.
    pub ui_consumer_key: String,
    /// The web UI's consumer secret; generated into `data_dir/secrets.toml` if absent.
    pub ui_consumer_secret: Option<String>,
    /// Admin machine credentials (besides the generated one).
    pub admins: Vec<AdminCredential>,
    /// Limits.
    pub limits: ContainerLimits,
    /// Token lifetimes.
    pub lifetimes: LifetimeConfig,
    /// The container's name in its manifest.
    pub name: String,
    /// The container's description in its manifest.
    pub description: String,
    /// The support address in its manifest.
    pub admin_email: String,
    /// Whether people may create their own accounts (the UI's sign-up page); off by default.
    pub self_signup: bool,
    /// Whether a signed request with a body that is not form-encoded must carry
    /// `oauth_body_hash` (on by default; off accepts the original SMART clients, whose
    /// bodies the signature then does not cover).
    pub require_body_hash: bool,
}

impl std::fmt::Debug for ContainerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured, so that a new field cannot be forgotten here.
        let Self {
            public_url,
            data_dir,
            store,
            ui_consumer_key,
            ui_consumer_secret,
            admins,
            limits,
            lifetimes,
            name,
            admin_email,
            description,
            self_signup,
            require_body_hash,
        } = self;
        f.debug_struct("ContainerConfig")
            .field("public_url", public_url)
            .field("data_dir", data_dir)
            .field("store", store)
            .field("ui_consumer_key", ui_consumer_key)
            .field(
                "ui_consumer_secret",
                &ui_consumer_secret.as_ref().map(|_| REDACTED),
            )
            .field("admins", admins)
            .field("limits", limits)
            .field("lifetimes", lifetimes)
            .field("name", name)
            .field("admin_email", admin_email)
            .field("description", description)
            .field("self_signup", self_signup)
            .field("require_body_hash", require_body_hash)
            .finish()
    }
}

/// What `Debug` prints instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// A database URL without its password (`postgres://user:<redacted>@host/db`), for logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let hidden = if userinfo.contains(':') {
                format!(":{REDACTED}")
            } else {
                String::new()
            };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

impl std::fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self {
            clinical,
            sparql_url,
            directory,
            postgres_url,
            nonces,
            secrets_key_file,
        } = self;
        f.debug_struct("StoreConfig")
            .field("clinical", clinical)
            .field("sparql_url", &sparql_url.as_deref().map(redact_url))
            .field("directory", directory)
            .field("postgres_url", &postgres_url.as_deref().map(redact_url))
            .field("nonces", nonces)
            .field("secrets_key_file", secrets_key_file)
            .finish()
    }
}

impl Default for ContainerConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:7000".to_owned(),
            data_dir: PathBuf::from("smart-data"),
            store: StoreConfig::default(),
            ui_consumer_key: "smart-ui".to_owned(),
            ui_consumer_secret: None,
            admins: Vec::new(),
            limits: ContainerLimits::default(),
            lifetimes: LifetimeConfig::default(),
            name: "smart-rs reference container".to_owned(),
            description: "A SMART Classic container built with smart-rs".to_owned(),
            admin_email: "admin@localhost".to_owned(),
            self_signup: false,
            require_body_hash: true,
        }
    }
}

impl ContainerConfig {
    /// The defaults with another data directory.
    pub fn for_data_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: dir.into(),
            ..Self::default()
        }
    }

    /// Checks what types cannot: a usable public URL, URLs present for the chosen
    /// backends, sane limits, long enough admin secrets.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let url = self.public_url.trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.contains('?')
            || url.contains('#')
        {
            return invalid(format!(
                "public_url `{}` must be an http(s) URL without query or fragment",
                self.public_url
            ));
        }
        if self.store.clinical == ClinicalBackend::Sparql && self.store.sparql_url.is_none() {
            return invalid("store.clinical = \"sparql\" needs store.sparql_url".to_owned());
        }
        if self.store.directory == DirectoryBackend::Postgres && self.store.postgres_url.is_none() {
            return invalid("store.directory = \"postgres\" needs store.postgres_url".to_owned());
        }
        if self.limits.max_page_limit == 0 {
            return invalid("limits must be positive".to_owned());
        }
        if !(1..=1024).contains(&self.limits.password_hash_concurrency) {
            return invalid("limits.password_hash_concurrency must be 1..=1024".to_owned());
        }
        if !(1..=3600).contains(&self.limits.timestamp_window_secs) {
            return invalid("limits.timestamp_window_secs must be 1..=3600".to_owned());
        }
        for admin in &self.admins {
            if admin.secret.len() < 32 {
                return invalid(format!(
                    "admin `{}`: the secret must be at least 32 bytes",
                    admin.key
                ));
            }
        }
        Ok(())
    }

    /// The public base URL without a trailing slash.
    pub fn api_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}
