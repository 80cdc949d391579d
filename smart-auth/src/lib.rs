//! OAuth 1.0a provider, principals, flows and access policy for a SMART Classic container.
//!
//! Pure logic behind small traits: storage ([`store`]), time ([`Clock`]) and randomness
//! ([`SecureRandom`]). No HTTP and no database here; smart-http adapts requests to
//! [`oauth::Request`] and maps [`AuthErrorKind`] and [`policy::Decision`] to statuses,
//! smart-store implements the storage traits. Read [`manual`] for the design.
//!
//! # Map
//!
//! | module | what |
//! |---|---|
//! | [`oauth`] | RFC 5849 signatures: header parsing, base string, HMAC-SHA1/-SHA256, PLAINTEXT (opt-in), body hash, signing |
//! | [`nonce`] | replay protection: the [`nonce::NonceStore`] trait and a bounded in-memory cache |
//! | [`principal`] | [`Principal`] and its policy kinds; [`AppId`] and [`UserId`] (defined once, in smart-core) |
//! | [`policy`] | the static access table and [`policy::decide`] |
//! | [`provider`] | [`Provider`]: authentication and the flows (login, 3-legged, launch, background, admin) |
//! | [`password`] | argon2id hashing, password rules, login throttling |
//! | [`store`] | the storage traits and records; [`memory`] implements them in memory |
//! | [`config`] | checked configuration ([`ProviderConfig`], [`MachineCredential`], [`Lifetimes`]) |
//! | [`error`] | [`AuthError`] with [`AuthErrorKind`]; [`StorageError`] with [`StorageErrorKind`], the one storage error of every backend |
//! | [`time`], [`random`] | the [`Clock`] and [`SecureRandom`] seams, [`Secret`] |
//! | [`manual`] | documentation only: the access policy and the OAuth choices, with reasons |
//!
//! # Example: a 2-legged request end to end
//!
//! ```
//! use smart_auth::memory::MemoryDirectory;
//! use smart_auth::nonce::{MemoryNonceStore, NonceLimits};
//! use smart_auth::oauth::{HeaderSigner, Request, SignatureMethod, VerifierConfig};
//! use smart_auth::{Clock, ManualClock, MachineCredential, OsRandom, Principal, Provider, ProviderConfig, Secret, Stores, UnixTime};
//! use std::sync::Arc;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let clock = Arc::new(ManualClock::new(UnixTime::from_secs(1_700_000_000)));
//! let ui_secret = Secret::new("an-ui-secret-of-at-least-32-bytes!!");
//! let config = ProviderConfig::builder(
//!     VerifierConfig::builder("https://ehr.example.org/api").unwrap().build().unwrap(),
//!     MachineCredential::new("ui", ui_secret.clone()).unwrap(),
//! )
//! .build()
//! .unwrap();
//! let stores = Stores::from_directory(
//!     Arc::new(MemoryDirectory::new()),
//!     Arc::new(MemoryNonceStore::new(clock.as_ref(), NonceLimits::default())),
//! );
//! let provider = Provider::new(config, stores, clock.clone(), Arc::new(OsRandom::new()));
//!
//! // The UI signs a request to https://ehr.example.org/api/apps/ ...
//! let header = HeaderSigner::new(SignatureMethod::HmacSha1, "ui", &ui_secret)
//!     .nonce("n-1")
//!     .timestamp(clock.now())
//!     .sign("GET", "https://ehr.example.org/api/apps/", None)
//!     .unwrap();
//! // ... which reaches this server (behind a proxy) as GET /apps/.
//! let request = Request::new("GET", "/apps/").with_authorization(&header);
//! let who = provider.authenticate(&request).await.unwrap().unwrap();
//! assert_eq!(who.principal(), &Principal::Ui);
//! // The same request again is a replay.
//! assert!(provider.authenticate(&request).await.is_err());
//! # });
//! ```

#![doc(test(attr(deny(warnings))))]
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

pub mod config;
pub mod error;
pub mod manual;
pub mod memory;
pub mod nonce;
pub mod oauth;
pub mod password;
pub mod policy;
pub mod principal;
pub mod provider;
pub mod random;
pub mod store;
pub mod time;

pub use config::{ConfigError, Lifetimes, MachineCredential, ProviderConfig};
pub use error::{AuthError, AuthErrorKind, StorageError, StorageErrorKind};
pub use principal::{AccessKind, AppId, IdError, Principal, PrincipalKind, UserId};
pub use provider::{Authenticated, Provider, Stores};
pub use random::{OsRandom, RandomError, Secret, SecureRandom, random_string};
pub use time::{Clock, ManualClock, SystemClock, UnixTime};
