#![doc = include_str!("../README.md")]
#![doc(test(attr(deny(warnings))))]
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

pub mod config;
pub mod directory;
pub mod error;
pub mod manual;
pub mod nonce;
pub mod oauth;
pub mod password;
pub mod policy;
pub mod principal;
pub mod provider;
pub mod random;
pub mod time;

pub use config::{ConfigError, Lifetimes, MachineCredential, ProviderConfig};
pub use error::{AuthError, AuthErrorKind, StorageError, StorageErrorKind};
pub use principal::{AccessKind, AppId, IdError, Principal, PrincipalKind, UserId};
pub use provider::{Authenticated, Provider, Stores};
pub use random::{OsRandom, RandomError, Secret, SecureRandom, random_string};
pub use time::{Clock, ManualClock, SystemClock, Timestamp};
