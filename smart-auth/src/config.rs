//! Configuration of the provider: the verifier, the machine credentials (the UI's and the
//! administrators'), token lifetimes and password rules. Builders check every value, so
//! that an insecure configuration cannot be built by accident (the only way to weaken the
//! verifier is the explicitly named `dangerous()` builder).

use crate::oauth::{BaseUriError, VerifierConfig};
use crate::password::PasswordConfig;
use crate::random::Secret;
use std::time::Duration;

/// A configuration value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The public base URL is unusable.
    #[error(transparent)]
    BaseUri(#[from] BaseUriError),
    /// PLAINTEXT was enabled for a base URL that is not `https`.
    #[error("PLAINTEXT signatures are only allowed with an https public base URL")]
    PlaintextWithoutHttps,
    /// A number is out of its allowed range.
    #[error("{what} must be {allowed}")]
    OutOfRange {
        /// What.
        what: &'static str,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// A machine credential is unusable (key empty or with odd characters, secret too
    /// short).
    #[error("machine credential {key:?}: {reason}")]
    BadCredential {
        /// Its key.
        key: String,
        /// Why.
        reason: &'static str,
    },
    /// Two machine credentials share a consumer key.
    #[error("consumer key {0:?} is configured twice")]
    DuplicateConsumer(String),
    /// The argon2 parameters are invalid.
    #[error("invalid password hashing parameters: {0}")]
    PasswordParams(String),
}

/// The shortest machine secret accepted, in bytes.
pub const MIN_MACHINE_SECRET_LEN: usize = 32;

/// A consumer key and secret configured for a machine principal (the UI, an
/// administrator tool). Unlike app secrets, these come from the deployment's
/// configuration.
#[derive(Debug, Clone)]
pub struct MachineCredential {
    key: String,
    secret: Secret,
}

impl MachineCredential {
    /// A credential. The key must be 1 to 200 characters of `A-Z a-z 0-9 . _ - @ + ~`; the
    /// secret at least [`MIN_MACHINE_SECRET_LEN`] bytes.
    pub fn new(key: impl Into<String>, secret: Secret) -> Result<Self, ConfigError> {
        let key = key.into();
        if crate::principal::AppId::new(key.clone()).is_err() {
            return Err(ConfigError::BadCredential {
                key,
                reason: "the key must be 1 to 200 characters of A-Z a-z 0-9 . _ - @ + ~",
            });
        }
        if secret.expose().len() < MIN_MACHINE_SECRET_LEN {
            return Err(ConfigError::BadCredential {
                key,
                reason: "the secret must have at least 32 bytes",
            });
        }
        Ok(Self { key, secret })
    }

    /// The consumer key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
}

/// How long each kind of credential lives. Every one is checked at every use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    session: Duration,
    request_token: Duration,
    rest_token: Duration,
    launch: Duration,
    background: Duration,
    reset: Duration,
}

impl Default for Lifetimes {
    /// Sessions 8 h; request tokens 10 min; 3-legged REST tokens 12 h; launch tokens
    /// (Connect and REST) 8 h but never past the session; background tokens 1 h; reset
    /// codes 30 min.
    fn default() -> Self {
        Self {
            session: Duration::from_secs(8 * 3600),
            request_token: Duration::from_secs(600),
            rest_token: Duration::from_secs(12 * 3600),
            launch: Duration::from_secs(8 * 3600),
            background: Duration::from_secs(3600),
            reset: Duration::from_secs(1800),
        }
    }
}

impl Lifetimes {
    /// UI login sessions.
    pub fn session(mut self, d: Duration) -> Self {
        self.session = d;
        self
    }
    /// Unexchanged request tokens.
    pub fn request_token(mut self, d: Duration) -> Self {
        self.request_token = d;
        self
    }
    /// Access tokens of the 3-legged flow.
    pub fn rest_token(mut self, d: Duration) -> Self {
        self.rest_token = d;
        self
    }
    /// Launch credentials (capped by the session's own expiry).
    pub fn launch(mut self, d: Duration) -> Self {
        self.launch = d;
        self
    }
    /// Background app tokens.
    pub fn background(mut self, d: Duration) -> Self {
        self.background = d;
        self
    }
    /// Password-reset codes.
    pub fn reset(mut self, d: Duration) -> Self {
        self.reset = d;
        self
    }

    /// The session lifetime.
    pub fn session_lifetime(&self) -> Duration {
        self.session
    }
    /// The request-token lifetime.
    pub fn request_token_lifetime(&self) -> Duration {
        self.request_token
    }
    /// The 3-legged access-token lifetime.
    pub fn rest_token_lifetime(&self) -> Duration {
        self.rest_token
    }
    /// The launch-credential lifetime.
    pub fn launch_lifetime(&self) -> Duration {
        self.launch
    }
    /// The background-token lifetime.
    pub fn background_lifetime(&self) -> Duration {
        self.background
    }
    /// The reset-code lifetime.
    pub fn reset_lifetime(&self) -> Duration {
        self.reset
    }

    fn check(&self) -> Result<(), ConfigError> {
        let ok = |d: Duration| d >= Duration::from_secs(60) && d <= Duration::from_secs(30 * 86400);
        for d in [
            self.session,
            self.request_token,
            self.rest_token,
            self.launch,
            self.background,
            self.reset,
        ] {
            if !ok(d) {
                return Err(ConfigError::OutOfRange {
                    what: "every token lifetime",
                    allowed: "between 1 minute and 30 days",
                });
            }
        }
        Ok(())
    }
}

/// Everything the [`crate::provider::Provider`] needs to know besides its stores.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub(crate) verifier: VerifierConfig,
    pub(crate) ui: MachineCredential,
    pub(crate) admins: Vec<MachineCredential>,
    pub(crate) lifetimes: Lifetimes,
    pub(crate) passwords: PasswordConfig,
    pub(crate) self_registration: bool,
}

impl ProviderConfig {
    /// Starts a configuration from the verifier's and the UI's credential.
    pub fn builder(verifier: VerifierConfig, ui: MachineCredential) -> ProviderConfigBuilder {
        ProviderConfigBuilder {
            config: Self {
                verifier,
                ui,
                admins: Vec::new(),
                lifetimes: Lifetimes::default(),
                passwords: PasswordConfig::default(),
                self_registration: false,
            },
        }
    }

    /// The verifier configuration.
    pub fn verifier(&self) -> &VerifierConfig {
        &self.verifier
    }

    /// The lifetimes.
    pub fn lifetimes(&self) -> &Lifetimes {
        &self.lifetimes
    }

    /// The password configuration.
    pub fn passwords(&self) -> &PasswordConfig {
        &self.passwords
    }

    /// The UI's consumer key.
    pub fn ui_key(&self) -> &str {
        self.ui.key()
    }

    /// True if a consumer key belongs to a machine credential (UI or admin).
    pub fn is_machine_key(&self, key: &str) -> bool {
        self.ui.key() == key || self.admins.iter().any(|a| a.key() == key)
    }
}

/// Builder of a [`ProviderConfig`].
#[derive(Debug, Clone)]
pub struct ProviderConfigBuilder {
    config: ProviderConfig,
}

impl ProviderConfigBuilder {
    /// Adds an administrator machine credential (app registry and account management,
    /// 2-legged; no clinical data).
    pub fn admin_credential(mut self, credential: MachineCredential) -> Self {
        self.config.admins.push(credential);
        self
    }

    /// Sets the lifetimes.
    pub fn lifetimes(mut self, lifetimes: Lifetimes) -> Self {
        self.config.lifetimes = lifetimes;
        self
    }

    /// Sets the password configuration.
    pub fn passwords(mut self, passwords: PasswordConfig) -> Self {
        self.config.passwords = passwords;
        self
    }

    /// Lets the UI create accounts for visitors (off by default).
    pub fn allow_self_registration(mut self) -> Self {
        self.config.self_registration = true;
        self
    }

    /// Checks and returns the configuration.
    pub fn build(self) -> Result<ProviderConfig, ConfigError> {
        let c = self.config;
        c.lifetimes.check()?;
        let mut keys = vec![c.ui.key()];
        for a in &c.admins {
            if keys.contains(&a.key()) {
                return Err(ConfigError::DuplicateConsumer(a.key().to_owned()));
            }
            keys.push(a.key());
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long() -> Secret {
        Secret::new("0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn refuses_weak_or_duplicate_credentials_and_silly_lifetimes() {
        assert!(MachineCredential::new("ui", Secret::new("short")).is_err());
        assert!(MachineCredential::new("u i", long()).is_err());
        let v = VerifierConfig::builder("https://ehr.example.org")
            .unwrap()
            .build()
            .unwrap();
        let ui = MachineCredential::new("ui", long()).unwrap();
        assert!(
            ProviderConfig::builder(v.clone(), ui.clone())
                .admin_credential(MachineCredential::new("ui", long()).unwrap())
                .build()
                .is_err()
        );
        assert!(
            ProviderConfig::builder(v.clone(), ui.clone())
                .lifetimes(Lifetimes::default().session(Duration::from_secs(1)))
                .build()
                .is_err()
        );
        let c = ProviderConfig::builder(v, ui)
            .admin_credential(MachineCredential::new("admin", long()).unwrap())
            .build()
            .unwrap();
        assert!(c.is_machine_key("admin") && c.is_machine_key("ui") && !c.is_machine_key("app"));
    }
}
