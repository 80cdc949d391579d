//! Server configuration: a TOML file, then `SMART_*` environment variables on top.
//!
//! Every field has a default, so an empty file (or none) gives a working server on the
//! embedded default under `./smart-data`:
//!
//! ```toml
//! public_url = "http://127.0.0.1:7000"   # what apps and signatures see
//! bind = "127.0.0.1:7000"
//! data_dir = "smart-data"
//!
//! [store]
//! clinical = "embedded"                   # or "memory", or "sparql" with sparql_url
//! # sparql_url = "http://127.0.0.1:7878"
//! directory = "sqlite"                    # or "memory", or "postgres" with postgres_url
//! # postgres_url = "postgres://localhost/smart"
//! nonces = "auto"                         # "directory" when it is PostgreSQL (several
//!                                         # servers share it), else "memory"
//! # secrets_key_file = "/etc/smart/secrets.key"  # seals app and token secrets in the
//!                                         # directory; default data_dir/secrets.key
//!
//! [ui]
//! origins = []                            # CORS origins allowed to call the API (none:
//!                                         # the web UI is served on the API's own origin)
//! consumer_key = "smart-ui"
//! # consumer_secret = "..."               # generated into data_dir/secrets.toml if absent
//! idle_timeout_secs = 1800                # web UI: a session unused this long ends
//! absolute_timeout_secs = 28800           # web UI: a session ends this long after login
//!                                         # (and never after [lifetimes] session)
//! self_signup = false                     # web UI: visitors may create their own account
//!
//! [branding]                              # the container's look; /manifest follows it
//! name = "smart-rs reference container"   # page titles, the top bar, /manifest `name`
//! description = "A SMART Classic container built with smart-rs"   # /manifest `description`
//! # logo = "branding/logo.svg"            # svg, png, jpeg, webp or gif, at most 512 KiB
//! # accent = "#0b6e8a"                    # the accent colour, #rgb or #rrggbb
//! # footer = "Example Hospital · IT help desk 555-0100"   # on every page
//!
//! [showcase]                              # a public read-only demo site (off by default)
//! enabled = false                         # visitors act, without login, as `account`,
//! account = "showcase@localhost"          # read-only; /login still works for real users
//! [apps]                                  # the bundled sample apps, on their own origin
//! enabled = true
//! bind = "127.0.0.1:7001"
//! public_url = "http://127.0.0.1:7001"    # production: another host name than the UI's
//!
//! [oauth]
//! require_body_hash = true               # signed writes whose body is not a form must send
//!                                         # oauth_body_hash = base64(SHA-1(body)); false
//!                                         # accepts the original clients that never send it
//!                                         # (their bodies are then not covered by the signature)
//!
//! [metrics]
//! enabled = false                         # GET /metrics: Prometheus text (no credentials:
//!                                         # expose only to the scraper's network)
//!
//! [[admins]]                              # machine credentials with the admin role
//! key = "smart-admin"
//! secret = "at least 32 bytes of secret ......"
//!
//! [limits]
//! max_body_bytes = 1048576
//! max_app_data_bytes = 1048576
//! max_page_limit = 1000
//! timestamp_window_secs = 300
//! response_cache_bytes = 67108864       # record answers cached until the next write
//! nonce_capacity = 4000000               # in-memory nonce store: 4M × ~120 bytes at most
//! nonce_capacity_per_consumer = 2000000  # (a sustained 6,600 requests/s per app)
//! header_read_timeout_secs = 10          # a request head must arrive within this time
//! body_read_timeout_secs = 30            # a request body too, else 408
//! max_connections = 1024                 # open at once; more wait in the backlog
//! max_connections_per_client = 256       # open at once from one address; more are closed
//! trusted_proxies = []                   # e.g. ["127.0.0.1"]: believe their X-Forwarded-For
//! # password_hash_concurrency = 4        # password hashes at once (default: one per CPU,
//!                                         # at least 2), off the async workers
//!
//! [lifetimes]                             # seconds
//! session = 28800
//! request_token = 600
//! access_token = 43200
//! launch = 28800
//! background = 3600
//! ```
//!
//! Environment variables override the file: `SMART_PUBLIC_URL`, `SMART_BIND`,
//! `SMART_DATA_DIR`, `SMART_CLINICAL_STORE`, `SMART_SPARQL_URL` (implies `sparql`),
//! `SMART_DIRECTORY_STORE`, `SMART_POSTGRES_URL` (implies `postgres`),
//! `SMART_SECRETS_KEY_FILE`, `SMART_UI_ORIGINS`
//! (comma-separated), `SMART_UI_CONSUMER_SECRET`, `SMART_APPS_ENABLED` (`true`/`false`),
//! `SMART_APPS_BIND`, `SMART_APPS_PUBLIC_URL`, `SMART_ADMIN_KEY` with
//! `SMART_ADMIN_SECRET` (one more admin credential).

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use smart_store::container::{
    AdminCredential, ClinicalBackend, ConfigError, DirectoryBackend, LifetimeConfig, NonceBackend,
    StoreConfig,
};
use smart_store::container::{ContainerConfig, ContainerLimits};

/// The `[ui]` section: the web UI's own OAuth credential and the browser origins allowed
/// to call the API (CORS). `Debug` redacts the consumer secret.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct UiConfig {
    /// Origins (`scheme://host[:port]`) allowed by CORS.
    pub origins: Vec<String>,
    /// The UI's consumer key.
    pub consumer_key: String,
    /// The UI's consumer secret; generated and kept in `data_dir/secrets.toml` if absent.
    pub consumer_secret: Option<String>,
    /// The web UI signs a session out after this many seconds without a request.
    pub idle_timeout_secs: u64,
    /// The web UI signs a session out this many seconds after login, active or not (the
    /// session token's own lifetime, `[lifetimes] session`, also applies).
    pub absolute_timeout_secs: u64,
    /// Whether visitors may create their own account at `/signup` (off by default).
    pub self_signup: bool,
}

impl std::fmt::Debug for UiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured, so that a new field cannot be forgotten here.
        let Self {
            origins,
            consumer_key,
            consumer_secret,
            idle_timeout_secs,
            absolute_timeout_secs,
            self_signup,
        } = self;
        f.debug_struct("UiConfig")
            .field("origins", origins)
            .field("consumer_key", consumer_key)
            .field(
                "consumer_secret",
                &consumer_secret
                    .as_ref()
                    .map(|_| smart_store::container::REDACTED),
            )
            .field("idle_timeout_secs", idle_timeout_secs)
            .field("absolute_timeout_secs", absolute_timeout_secs)
            .field("self_signup", self_signup)
            .finish()
    }
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            origins: Vec::new(),
            consumer_key: "smart-ui".to_owned(),
            consumer_secret: None,
            idle_timeout_secs: 30 * 60,
            absolute_timeout_secs: 8 * 3600,
            self_signup: false,
        }
    }
}

/// The `[branding]` section: the name, logo, accent colour and footer of the web UI, and
/// the name and description of the container manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct BrandingConfig {
    /// The container's name: page titles, the UI's top bar, `name` in `/manifest`.
    pub name: String,
    /// `description` in `/manifest`.
    pub description: String,
    /// An image file shown in the top bar instead of the default mark (read at start).
    pub logo: Option<PathBuf>,
    /// The accent colour of the UI (`#rgb` or `#rrggbb`).
    pub accent: Option<String>,
    /// A line of text at the foot of every page.
    pub footer: Option<String>,
}

impl Default for BrandingConfig {
    fn default() -> Self {
        Self {
            name: "smart-rs reference container".to_owned(),
            description: "A SMART Classic container built with smart-rs".to_owned(),
            logo: None,
            accent: None,
            footer: None,
        }
    }
}

/// The `[showcase]` section: a public, read-only demo site. When enabled, visitors who
/// are not signed in act as one fixed account (created at the first visit if missing,
/// without a password, so nobody can log in as it), every write of theirs is refused, and
/// `/` shows the apps and sample patients without a login. `/login` still works for real
/// accounts, which keep their usual rights.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ShowcaseConfig {
    /// Whether the showcase is on (off by default).
    pub enabled: bool,
    /// The e-mail of the fixed read-only account visitors act as.
    pub account: String,
}

impl Default for ShowcaseConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            account: "showcase@localhost".to_owned(),
        }
    }
}

/// The `[apps]` section: the bundled sample apps (crate::apps), served from an origin of
/// their own so that no app page shares the web UI's origin.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct AppsConfig {
    /// Whether `smart serve` serves and registers the bundled apps (on by default). Off,
    /// the apps already registered are switched off container-wide.
    pub enabled: bool,
    /// The address the apps origin listens on.
    pub bind: SocketAddr,
    /// The apps origin as browsers reach it (`scheme://host[:port]`, no path); the bundled
    /// manifests point here. Cookies are not isolated by port: in production use another
    /// host name than the web UI's.
    pub public_url: String,
}

impl Default for AppsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            bind: SocketAddr::from(([127, 0, 0, 1], 7001)),
            public_url: "http://127.0.0.1:7001".to_owned(),
        }
    }
}

/// The `[oauth]` section: what signed requests must carry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct OAuthConfig {
    /// Whether a signed request whose body is not form-encoded (notes, scratchpad,
    /// preferences, manifests) must carry `oauth_body_hash`, so that the signature covers the
    /// body (on by default). `false` accepts the original SMART clients, which never send
    /// it: an intercepted request's body can then be swapped.
    pub require_body_hash: bool,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        Self {
            require_body_hash: true,
        }
    }
}

/// The `[metrics]` section: the Prometheus endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct MetricsConfig {
    /// Whether `GET /metrics` answers (off by default). It needs no credentials, so
    /// expose it only to the scraper (a firewall or a reverse proxy rule).
    pub enabled: bool,
}

/// The largest logo file accepted.
pub const MAX_LOGO_BYTES: u64 = 512 * 1024;

impl BrandingConfig {
    /// The accent colour as (r, g, b), if one is set and valid.
    pub fn accent_rgb(&self) -> Option<(u8, u8, u8)> {
        parse_hex_colour(self.accent.as_deref()?)
    }

    /// The logo's media type, from its file extension.
    pub fn logo_media_type(&self) -> Option<&'static str> {
        let ext = self
            .logo
            .as_ref()?
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        Some(match ext.as_str() {
            "svg" => "image/svg+xml",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "webp" => "image/webp",
            "gif" => "image/gif",
            _ => return None,
        })
    }

    fn check(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.name.trim().is_empty() {
            return invalid("branding.name must not be empty".to_owned());
        }
        if let Some(a) = &self.accent {
            if self.accent_rgb().is_none() {
                return invalid(format!(
                    "branding.accent: `{a}` is not a colour like #0b6e8a or #08c"
                ));
            }
        }
        if let Some(logo) = &self.logo {
            if self.logo_media_type().is_none() {
                return invalid(format!(
                    "branding.logo: `{}` is not an svg, png, jpeg, webp or gif file",
                    logo.display()
                ));
            }
            match std::fs::metadata(logo) {
                Ok(m) if m.is_file() && m.len() <= MAX_LOGO_BYTES => {}
                Ok(m) if m.is_file() => {
                    return invalid(format!(
                        "branding.logo: `{}` is larger than {MAX_LOGO_BYTES} bytes",
                        logo.display()
                    ));
                }
                _ => {
                    return invalid(format!(
                        "branding.logo: `{}` is not a readable file",
                        logo.display()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `#rgb` or `#rrggbb` as (r, g, b).
fn parse_hex_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).ok();
    match hex.len() {
        3 => Some((digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
        6 => Some((digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        _ => None,
    }
}

impl AppsConfig {
    /// The public URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

/// The `[limits]` section.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Limits {
    /// The largest request body accepted (bytes); larger gets 413.
    pub max_body_bytes: usize,
    /// The largest scratchpad or preferences value (bytes); larger gets 413.
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
    /// How many OAuth nonces the in-memory nonce store remembers (each for the timestamp
    /// window, about 120 bytes each). When full, requests get 503 rather than risking a
    /// replay: size it for the request rate times the window.
    pub nonce_capacity: usize,
    /// How many of them one consumer may hold, so that one busy app cannot lock out the
    /// others.
    pub nonce_capacity_per_consumer: usize,
    /// Seconds a client has to send a request's head; then the connection is closed.
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a request's body; then it gets 408.
    pub body_read_timeout_secs: u64,
    /// Connections open at once (further clients wait in the listen backlog).
    pub max_connections: usize,
    /// Connections open at once from one client address (further ones are closed). A
    /// load test from one address raises it. Behind a trusted proxy, it caps one
    /// forwarded client's requests in flight instead.
    pub max_connections_per_client: usize,
    /// Reverse proxies (addresses or CIDR networks, e.g. `["127.0.0.1", "10.0.0.0/8"]`)
    /// whose `X-Forwarded-For` names the client, so that per-client limits see the real
    /// client rather than the proxy. Empty by default: the header is ignored.
    pub trusted_proxies: Vec<crate::TrustedProxy>,
    /// Password hashes (logins, password changes) running at once on the blocking pool;
    /// further ones wait (default: one per CPU, at least 2).
    pub password_hash_concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            max_app_data_bytes: 1 << 20,
            max_page_limit: 1000,
            timestamp_window_secs: 300,
            response_cache_bytes: 64 << 20,
            nonce_capacity: 4_000_000,
            nonce_capacity_per_consumer: 2_000_000,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            max_connections: 1024,
            max_connections_per_client: 256,
            trusted_proxies: Vec::new(),
            password_hash_concurrency: ContainerLimits::default().password_hash_concurrency,
        }
    }
}

impl Limits {
    /// The connection limits for [`crate::serve_router`].
    pub fn connection_limits(&self) -> crate::ConnectionLimits {
        crate::ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(self.header_read_timeout_secs),
            body_read_timeout: std::time::Duration::from_secs(self.body_read_timeout_secs),
            max_connections: self.max_connections,
            max_connections_per_client: self.max_connections_per_client,
            trusted_proxies: self.trusted_proxies.clone(),
            ..crate::ConnectionLimits::default()
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The public base URL of the API, as apps see it (behind a proxy: the proxy's URL).
    /// OAuth signatures are checked against it.
    pub public_url: String,
    /// The address to listen on.
    pub bind: SocketAddr,
    /// The data directory (embedded clinical store, SQLite directory, secrets).
    pub data_dir: PathBuf,
    /// Backends.
    pub store: StoreConfig,
    /// The web UI.
    pub ui: UiConfig,
    /// The bundled apps and their origin.
    pub apps: AppsConfig,
    /// Admin machine credentials.
    pub admins: Vec<AdminCredential>,
    /// What signed requests must carry.
    pub oauth: OAuthConfig,
    /// The Prometheus endpoint.
    pub metrics: MetricsConfig,
    /// Limits.
    pub limits: Limits,
    /// Token lifetimes.
    pub lifetimes: LifetimeConfig,
    /// The container's name, description and look.
    pub branding: BrandingConfig,
    /// The public read-only demo mode.
    pub showcase: ShowcaseConfig,
    /// The support address in `/manifest`.
    pub admin_email: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:7000".to_owned(),
            bind: SocketAddr::from(([127, 0, 0, 1], 7000)),
            data_dir: PathBuf::from("smart-data"),
            store: StoreConfig::default(),
            ui: UiConfig::default(),
            apps: AppsConfig::default(),
            admins: Vec::new(),
            oauth: OAuthConfig::default(),
            metrics: MetricsConfig::default(),
            limits: Limits::default(),
            lifetimes: LifetimeConfig::default(),
            branding: BrandingConfig::default(),
            showcase: ShowcaseConfig::default(),
            admin_email: "admin@localhost".to_owned(),
        }
    }
}

impl ServerConfig {
    /// The defaults with another data directory.
    pub fn for_data_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: dir.into(),
            ..Self::default()
        }
    }

    /// Parses a TOML document (unknown keys are refused, naming the key; deprecated keys
    /// are read as their new form, see [`ServerConfig::load_with_warnings`]).
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let (config, _) = read_toml(text).map_err(|e| ConfigError::Parse {
            where_: String::new(),
            message: e.message().to_owned() + &key_hint(&e),
        })?;
        config.check()?;
        Ok(config)
    }

    /// Reads the file (if any), then applies the process environment
    /// ([`ServerConfig::with_env`]) and checks the result. Deprecated keys are logged as
    /// warnings; see [`ServerConfig::load_with_warnings`] to show them yourself.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let (config, warnings) = Self::load_with_warnings(path)?;
        for w in warnings {
            tracing::warn!("{w}");
        }
        Ok(config)
    }

    /// [`ServerConfig::load`], and what the file says in a deprecated way (each a
    /// sentence naming the file and the key): a top-level `name` is read as
    /// `[branding] name`, as before `[branding]` existed.
    pub fn load_with_warnings(path: Option<&Path>) -> Result<(Self, Vec<String>), ConfigError> {
        let (config, warnings) = match path {
            None => (Self::default(), Vec::new()),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                let (config, warnings) = read_toml(&text).map_err(|e| ConfigError::Parse {
                    where_: format!(" in {}", path.display()),
                    message: e.message().to_owned() + &key_hint(&e),
                })?;
                let warnings = warnings
                    .into_iter()
                    .map(|w| format!("{}: {w}", path.display()))
                    .collect();
                (config, warnings)
            }
        };
        let config = config.with_env(|name| std::env::var(name).ok())?;
        config.check()?;
        Ok((config, warnings))
    }

    /// Applies `SMART_*` variables read through `env` (see the module docs).
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let nonempty = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = nonempty("SMART_PUBLIC_URL") {
            self.public_url = v;
        }
        if let Some(v) = nonempty("SMART_BIND") {
            self.bind = v
                .parse()
                .map_err(|_| ConfigError::Invalid(format!("SMART_BIND `{v}` is not host:port")))?;
        }
        if let Some(v) = nonempty("SMART_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = nonempty("SMART_CLINICAL_STORE") {
            self.store.clinical = match v.as_str() {
                "embedded" => ClinicalBackend::Embedded,
                "memory" => ClinicalBackend::Memory,
                "sparql" => ClinicalBackend::Sparql,
                _ => {
                    return Err(ConfigError::Invalid(format!(
                        "SMART_CLINICAL_STORE `{v}`: expected embedded, memory or sparql"
                    )));
                }
            };
        }
        if let Some(v) = nonempty("SMART_SPARQL_URL") {
            self.store.sparql_url = Some(v);
            self.store.clinical = ClinicalBackend::Sparql;
        }
        if let Some(v) = nonempty("SMART_DIRECTORY_STORE") {
            self.store.directory = match v.as_str() {
                "sqlite" => DirectoryBackend::Sqlite,
                "memory" => DirectoryBackend::Memory,
                "postgres" => DirectoryBackend::Postgres,
                _ => {
                    return Err(ConfigError::Invalid(format!(
                        "SMART_DIRECTORY_STORE `{v}`: expected sqlite, memory or postgres"
                    )));
                }
            };
        }
        if let Some(v) = nonempty("SMART_POSTGRES_URL") {
            self.store.postgres_url = Some(v);
            self.store.directory = DirectoryBackend::Postgres;
        }
        if let Some(v) = nonempty("SMART_SECRETS_KEY_FILE") {
            self.store.secrets_key_file = Some(v.into());
        }
        if let Some(v) = nonempty("SMART_UI_ORIGINS") {
            self.ui.origins = v
                .split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect();
        }
        if let Some(v) = nonempty("SMART_APPS_ENABLED") {
            self.apps.enabled = match v.trim() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" => false,
                _ => {
                    return Err(ConfigError::Invalid(format!(
                        "SMART_APPS_ENABLED `{v}`: expected true or false"
                    )));
                }
            };
        }
        if let Some(v) = nonempty("SMART_APPS_BIND") {
            self.apps.bind = v.parse().map_err(|_| {
                ConfigError::Invalid(format!("SMART_APPS_BIND `{v}` is not host:port"))
            })?;
        }
        if let Some(v) = nonempty("SMART_APPS_PUBLIC_URL") {
            self.apps.public_url = v;
        }
        if let Some(v) = nonempty("SMART_UI_CONSUMER_SECRET") {
            self.ui.consumer_secret = Some(v);
        }
        match (nonempty("SMART_ADMIN_KEY"), nonempty("SMART_ADMIN_SECRET")) {
            (Some(key), Some(secret)) => self.admins.push(AdminCredential::new(key, secret)),
            (None, None) => {}
            _ => {
                return Err(ConfigError::Invalid(
                    "SMART_ADMIN_KEY and SMART_ADMIN_SECRET go together".to_owned(),
                ));
            }
        }
        Ok(self)
    }

    /// Checks values that serde cannot: the service's ([`ContainerConfig::check`]: URLs
    /// present for the chosen backends, a usable public URL, sane limits), then origins
    /// without paths and a positive body limit.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.container_config().check()?;
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if smart_auth::UserId::new(&self.showcase.account).is_err() {
            return invalid(format!(
                "showcase.account: `{}` is not a valid account id (an e-mail address)",
                self.showcase.account
            ));
        }
        for origin in &self.ui.origins {
            let rest = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains('/')) {
                return invalid(format!(
                    "ui.origins: `{origin}` is not an origin (scheme://host[:port], no path)"
                ));
            }
        }
        if self.apps.enabled {
            let url = self.apps.base();
            let rest = url
                .strip_prefix("http://")
                .or_else(|| url.strip_prefix("https://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains('/')) {
                return invalid(format!(
                    "apps.public_url: `{}` is not an origin (scheme://host[:port], no path)",
                    self.apps.public_url
                ));
            }
            if crate::apps::origin_of(url) == crate::apps::origin_of(self.api_base()) {
                return invalid(format!(
                    "apps.public_url: `{url}` is the web UI's own origin; the apps need another \
                     (an app on the UI's origin could read its pages)"
                ));
            }
            if self.apps.bind == self.bind {
                return invalid(format!(
                    "apps.bind: {} is also the API's address; pick another port",
                    self.bind
                ));
            }
        }
        if self.ui.idle_timeout_secs == 0 || self.ui.absolute_timeout_secs == 0 {
            return invalid(
                "ui.idle_timeout_secs and ui.absolute_timeout_secs must be positive".to_owned(),
            );
        }
        if self.limits.max_body_bytes == 0 {
            return invalid("limits must be positive".to_owned());
        }
        self.branding.check()
    }

    /// What the container service needs of this configuration (everything but the
    /// listening address, the CORS origins and the body limit).
    pub fn container_config(&self) -> ContainerConfig {
        let mut c = ContainerConfig::for_data_dir(self.data_dir.clone());
        c.public_url = self.public_url.clone();
        c.store = self.store.clone();
        c.ui_consumer_key = self.ui.consumer_key.clone();
        c.ui_consumer_secret = self.ui.consumer_secret.clone();
        c.admins = self.admins.clone();
        let l = &self.limits;
        let mut limits = ContainerLimits::default();
        limits.max_app_data_bytes = l.max_app_data_bytes;
        limits.max_page_limit = l.max_page_limit;
        limits.timestamp_window_secs = l.timestamp_window_secs;
        limits.response_cache_bytes = l.response_cache_bytes;
        limits.nonce_capacity = l.nonce_capacity;
        limits.nonce_capacity_per_consumer = l.nonce_capacity_per_consumer;
        limits.password_hash_concurrency = l.password_hash_concurrency;
        c.limits = limits;
        c.lifetimes = self.lifetimes.clone();
        c.name = self.branding.name.clone();
        c.description = self.branding.description.clone();
        c.admin_email = self.admin_email.clone();
        c.self_signup = self.ui.self_signup;
        c.require_body_hash = self.oauth.require_body_hash;
        c
    }

    /// The public base URL without a trailing slash.
    pub fn api_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

/// Parses the configuration file's text, reading deprecated keys as their new form; the
/// warnings say what to change.
fn read_toml(text: &str) -> Result<(ServerConfig, Vec<String>), toml::de::Error> {
    let mut table: toml::Table = match text.parse() {
        Ok(t) => t,
        // Not even TOML: the typed parse below reports where.
        Err(_) => return toml::from_str(text).map(|c| (c, Vec::new())),
    };
    let Some(name) = table.remove("name") else {
        // The usual case: parsed from the text itself, so errors point into it.
        return toml::from_str(text).map(|c| (c, Vec::new()));
    };
    let mut warnings = vec![
        "the top-level `name` key is deprecated; write it as `name` under `[branding]`".to_owned(),
    ];
    let branding = table
        .entry("branding")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(b) = branding {
        if b.contains_key("name") {
            warnings.push(
                "both the top-level `name` and `[branding] name` are set; `[branding] name` \
                 is used"
                    .to_owned(),
            );
        } else {
            b.insert("name".to_owned(), name);
        }
    }
    toml::Value::Table(table)
        .try_into::<ServerConfig>()
        .map(|c| (c, warnings))
}

/// ` (at line L, column C)` for a TOML error with a position.
fn key_hint(e: &toml::de::Error) -> String {
    e.span()
        .map(|s| format!(" (at byte {})", s.start))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let config = ServerConfig::from_toml(
            r#"
            [ui]
            consumer_secret = "ui-secret-ui-secret-ui-secret-ui-secret"
            [store]
            directory = "postgres"
            postgres_url = "postgres://smart:pg-password@db.example.org:5432/smart"
            [[admins]]
            key = "ops"
            secret = "admin-secret-admin-secret-admin-secret"
            "#,
        )
        .unwrap();
        let printed = format!("{config:?} {:?}", config.container_config());
        for secret in ["ui-secret", "pg-password", "admin-secret"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        // What is not secret is still there to debug with.
        assert!(printed.contains("postgres://smart:<redacted>@db.example.org:5432/smart"));
        assert!(
            printed.contains("consumer_secret: Some(\"<redacted>\")"),
            "{printed}"
        );
        assert!(printed.contains("\"ops\""), "{printed}");
    }

    #[test]
    fn body_hash_is_required_unless_switched_off() {
        assert!(ServerConfig::default().container_config().require_body_hash);
        let lenient = ServerConfig::from_toml("[oauth]\nrequire_body_hash = false").unwrap();
        assert!(!lenient.oauth.require_body_hash);
        assert!(!lenient.container_config().require_body_hash);
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(
            ServerConfig::from_toml("").unwrap(),
            ServerConfig::default()
        );
    }

    #[test]
    fn unknown_key_is_refused_by_name() {
        let err = ServerConfig::from_toml("[store]\nclinicl = \"memory\"\n").unwrap_err();
        assert!(err.to_string().contains("clinicl"), "{err}");
    }

    #[test]
    fn sparql_needs_url() {
        let err = ServerConfig::from_toml("[store]\nclinical = \"sparql\"\n").unwrap_err();
        assert!(err.to_string().contains("sparql_url"), "{err}");
    }

    #[test]
    fn environment_overrides_file() {
        let env = |name: &str| match name {
            "SMART_SPARQL_URL" => Some("http://127.0.0.1:7878".to_owned()),
            "SMART_UI_ORIGINS" => Some("http://a.example, https://b.example:8443".to_owned()),
            "SMART_BIND" => Some("0.0.0.0:9000".to_owned()),
            _ => None,
        };
        let c = ServerConfig::from_toml("bind = \"127.0.0.1:1\"")
            .unwrap()
            .with_env(env)
            .unwrap();
        assert_eq!(c.store.clinical, ClinicalBackend::Sparql);
        assert_eq!(c.ui.origins, ["http://a.example", "https://b.example:8443"]);
        assert_eq!(c.bind.port(), 9000);
        c.check().unwrap();
        let apps = |name: &str| match name {
            "SMART_APPS_ENABLED" => Some("false".to_owned()),
            "SMART_APPS_BIND" => Some("127.0.0.1:9001".to_owned()),
            "SMART_APPS_PUBLIC_URL" => Some("https://apps.example".to_owned()),
            _ => None,
        };
        let c = ServerConfig::default().with_env(apps).unwrap();
        assert!(!c.apps.enabled);
        assert_eq!(c.apps.bind.port(), 9001);
        assert_eq!(c.apps.base(), "https://apps.example");
        let err = ServerConfig::default()
            .with_env(|n| (n == "SMART_APPS_ENABLED").then(|| "maybe".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("SMART_APPS_ENABLED"), "{err}");
    }

    #[test]
    fn a_top_level_name_is_a_deprecated_alias_of_branding_name() {
        let (c, warnings) = read_toml("name = \"Old EHR\"\nbind = \"127.0.0.1:1\"").unwrap();
        assert_eq!(c.branding.name, "Old EHR");
        assert_eq!(c.bind, SocketAddr::from(([127, 0, 0, 1], 1)));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("deprecated"), "{warnings:?}");
        assert!(warnings[0].contains("[branding]"), "{warnings:?}");
        assert_eq!(
            ServerConfig::from_toml("name = \"Old EHR\"")
                .unwrap()
                .container_config()
                .name,
            "Old EHR"
        );
        // With the other sections around it, and [branding] name given as well.
        let (c, warnings) = read_toml(
            "name = \"Old\"\n[branding]\nname = \"New\"\naccent = \"#08c\"\n[ui]\nself_signup = true",
        )
        .unwrap();
        assert_eq!((c.branding.name.as_str(), c.ui.self_signup), ("New", true));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[1].contains("`[branding] name` is used"));
        // No warning without it, and other unknown keys are still refused.
        assert!(
            read_toml("[branding]\nname = \"New\"")
                .unwrap()
                .1
                .is_empty()
        );
        let err = ServerConfig::from_toml("name = \"Old\"\nnmae = 1").unwrap_err();
        assert!(err.to_string().contains("nmae"), "{err}");
        let err = ServerConfig::from_toml("name = 3").unwrap_err();
        assert!(err.to_string().contains("string"), "{err}");
    }

    #[test]
    fn load_reports_the_deprecated_name_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smart.toml");
        std::fs::write(&path, "name = \"Old EHR\"\n").unwrap();
        let (c, warnings) = ServerConfig::load_with_warnings(Some(&path)).unwrap();
        assert_eq!(c.branding.name, "Old EHR");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with(&path.display().to_string()),
            "{warnings:?}"
        );
    }

    #[test]
    fn branding_is_checked() {
        let c = ServerConfig::from_toml(
            "[branding]\nname = \"Mercy EHR\"\ndescription = \"Our container\"\naccent = \"#c0ffee\"\nfooter = \"Help: 555\"",
        )
        .unwrap();
        assert_eq!(c.branding.accent_rgb(), Some((0xc0, 0xff, 0xee)));
        assert_eq!(c.container_config().name, "Mercy EHR");
        assert_eq!(c.container_config().description, "Our container");
        let short = ServerConfig::from_toml("[branding]\naccent = \"#0aF\"").unwrap();
        assert_eq!(short.branding.accent_rgb(), Some((0x00, 0xaa, 0xff)));
        let dir = tempfile::tempdir().unwrap();
        let logo = dir.path().join("logo.svg");
        std::fs::write(&logo, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
        let c = ServerConfig::from_toml(&format!("[branding]\nlogo = {:?}", logo)).unwrap();
        assert_eq!(c.branding.logo_media_type(), Some("image/svg+xml"));
        let big = dir.path().join("big.png");
        std::fs::write(&big, vec![0u8; (MAX_LOGO_BYTES + 1) as usize]).unwrap();
        let txt = dir.path().join("logo.txt");
        std::fs::write(&txt, "x").unwrap();
        for (text, needle) in [
            ("[branding]\naccent = \"red\"".to_owned(), "branding.accent"),
            ("[branding]\naccent = \"#12345\"".to_owned(), "#12345"),
            (
                "[branding]\naccent = \"#12;}x\"".to_owned(),
                "branding.accent",
            ),
            ("[branding]\nname = \" \"".to_owned(), "branding.name"),
            (
                "[branding]\nlogo = \"/no/such/logo.png\"".to_owned(),
                "not a readable file",
            ),
            (format!("[branding]\nlogo = {big:?}"), "larger than"),
            (format!("[branding]\nlogo = {txt:?}"), "not an svg"),
        ] {
            let err = ServerConfig::from_toml(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn bad_values_are_named() {
        for (text, needle) in [
            ("public_url = \"ftp://x\"", "public_url"),
            ("[ui]\norigins = [\"http://a/b\"]", "http://a/b"),
            ("[[admins]]\nkey = \"k\"\nsecret = \"short\"", "32 bytes"),
            ("[limits]\ntimestamp_window_secs = 0", "timestamp_window"),
            (
                "[limits]\ntrusted_proxies = [\"10.0.0.0/40\"]",
                "trusted proxy \"10.0.0.0/40\"",
            ),
            ("[apps]\npublic_url = \"http://a/apps\"", "apps.public_url"),
            (
                "[apps]\npublic_url = \"http://127.0.0.1:7000/\"",
                "the web UI's own origin",
            ),
            ("[apps]\nbind = \"127.0.0.1:7000\"", "apps.bind"),
        ] {
            let err = ServerConfig::from_toml(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
        let err = ServerConfig::default()
            .with_env(|n| (n == "SMART_ADMIN_KEY").then(|| "k".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("SMART_ADMIN_SECRET"));
    }
}
