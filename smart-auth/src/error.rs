//! The errors of this crate that callers branch on: [`AuthError`] (with [`AuthErrorKind`])
//! for everything the provider does, and [`StorageError`] for the storage traits.
//!
//! None of them is an HTTP status: the HTTP layer maps [`AuthErrorKind`] to statuses
//! (typically `BadRequest` → 400, `Unauthenticated` → 401, `Forbidden` → 403, `NotFound` →
//! 404, `Conflict` → 409, `Locked` → 429, `Unavailable` → 503, `Internal` → 500).

use crate::oauth::{SignatureError, SignatureErrorKind};
use crate::principal::IdError;
use crate::random::RandomError;
use crate::time::Timestamp;
use std::error::Error as StdError;
use std::fmt;

/// What kind of failure a [`StorageError`] is, whatever the backend: callers (the
/// provider, the HTTP adapter, vendors' code) branch on it without downcasting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StorageErrorKind {
    /// The thing asked for does not exist.
    NotFound,
    /// The write conflicts with what is stored (duplicate key, concurrent change).
    Conflict,
    /// The request itself is invalid (bad id, malformed value, limit exceeded).
    Invalid,
    /// The backend cannot be reached, timed out, or is full; retrying later may work.
    Unavailable,
    /// Stored data is damaged or does not have the expected shape.
    Corrupt,
    /// Anything else.
    Other,
}

impl fmt::Display for StorageErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotFound => "not found",
            Self::Conflict => "conflict",
            Self::Invalid => "invalid",
            Self::Unavailable => "unavailable",
            Self::Corrupt => "corrupt",
            Self::Other => "other",
        })
    }
}

/// A storage failure, the one error type of every storage trait (this crate's and
/// smart-store's, which calls it `StoreError`): a kind, a message naming what failed, and
/// the backend's own error as the `source()` when there is one.
#[derive(Debug)]
pub struct StorageError {
    kind: StorageErrorKind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl StorageError {
    /// A new error.
    pub fn new(kind: StorageErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the backend's own error.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Shorthand for a [`StorageErrorKind::NotFound`] error.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StorageErrorKind::NotFound, message)
    }

    /// Shorthand for a [`StorageErrorKind::Conflict`] error.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StorageErrorKind::Conflict, message)
    }

    /// Shorthand for a [`StorageErrorKind::Invalid`] error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StorageErrorKind::Invalid, message)
    }

    /// Shorthand for a [`StorageErrorKind::Unavailable`] error.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StorageErrorKind::Unavailable, message)
    }

    /// Shorthand for a [`StorageErrorKind::Corrupt`] error.
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(StorageErrorKind::Corrupt, message)
    }

    /// Shorthand for a [`StorageErrorKind::Other`] error.
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(StorageErrorKind::Other, message)
    }

    /// The kind.
    pub fn kind(&self) -> StorageErrorKind {
        self.kind
    }

    /// The message, without the source.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl From<std::io::Error> for StorageError {
    fn from(e: std::io::Error) -> Self {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => StorageErrorKind::NotFound,
            std::io::ErrorKind::AlreadyExists => StorageErrorKind::Conflict,
            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
                StorageErrorKind::Corrupt
            }
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::ConnectionRefused => {
                StorageErrorKind::Unavailable
            }
            _ => StorageErrorKind::Other,
        };
        Self::new(kind, "I/O error").with_source(e)
    }
}

/// An identifier refused at construction is invalid input.
impl From<IdError> for StorageError {
    fn from(e: IdError) -> Self {
        Self::invalid(e.to_string())
    }
}

impl StdError for StorageError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Everything that can go wrong in authentication, the flows and account handling.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The OAuth parameters are malformed, unsupported, stale, or the signature is wrong.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// No consumer (app or machine credential) has this key, or the app is disabled.
    #[error("unknown consumer key")]
    UnknownConsumer,
    /// The token is unknown, revoked, or belongs to another consumer.
    #[error("unknown or revoked token")]
    UnknownToken,
    /// The token has expired.
    #[error("the token has expired")]
    TokenExpired,
    /// The nonce was used before with the same consumer, token and timestamp.
    #[error("the nonce was already used")]
    Replay,
    /// Token exchange: the verifier is missing or wrong, or the request token was never
    /// approved. The request token is used up either way.
    #[error("the verifier does not match")]
    BadVerifier,
    /// Login: the e-mail or password is wrong (which one is not said).
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// Too many failures; refused until `until`. Login itself does not return it (a
    /// locked account answers like a wrong password, so that lockouts reveal nothing).
    #[error("too many failed logins; try again later")]
    Locked {
        /// When logins are accepted again.
        until: Timestamp,
    },
    /// Login: the password is right but the account is not active (an administrator
    /// disabled or retired it, or it was never activated).
    #[error("the account is not active")]
    AccountDisabled,
    /// The principal is known but not allowed to do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The thing acted on does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The thing to create exists already, or the state does not allow the change.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input is invalid (a manifest, a password that is too short, an id).
    #[error("invalid: {0}")]
    Invalid(String),
    /// A storage backend failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The random generator failed.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// Password hashing failed (bad stored hash, bad parameters).
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
}

/// How callers branch on an [`AuthError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// The request is malformed.
    BadRequest,
    /// No valid credentials: authenticate (again).
    Unauthenticated,
    /// Valid credentials, but not allowed.
    Forbidden,
    /// Not found.
    NotFound,
    /// Conflicts with the current state.
    Conflict,
    /// Throttled.
    Locked,
    /// A backend is unavailable; retry later.
    Unavailable,
    /// A bug or damaged data.
    Internal,
}

impl AuthError {
    /// The category of the error.
    pub fn kind(&self) -> AuthErrorKind {
        match self {
            Self::Signature(e) => match e.kind() {
                SignatureErrorKind::Malformed | SignatureErrorKind::Unsupported => {
                    AuthErrorKind::BadRequest
                }
                _ => AuthErrorKind::Unauthenticated,
            },
            Self::UnknownConsumer
            | Self::UnknownToken
            | Self::TokenExpired
            | Self::Replay
            | Self::BadVerifier
            | Self::InvalidCredentials => AuthErrorKind::Unauthenticated,
            Self::Locked { .. } => AuthErrorKind::Locked,
            Self::AccountDisabled | Self::Forbidden(_) => AuthErrorKind::Forbidden,
            Self::NotFound(_) => AuthErrorKind::NotFound,
            Self::Conflict(_) => AuthErrorKind::Conflict,
            Self::Invalid(_) => AuthErrorKind::BadRequest,
            Self::Storage(e) => match e.kind() {
                StorageErrorKind::Conflict => AuthErrorKind::Conflict,
                StorageErrorKind::Unavailable => AuthErrorKind::Unavailable,
                _ => AuthErrorKind::Internal,
            },
            Self::Random(_) | Self::PasswordHash(_) => AuthErrorKind::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            AuthError::from(SignatureError::MissingParameter("oauth_nonce")).kind(),
            AuthErrorKind::BadRequest
        );
        assert_eq!(
            AuthError::from(SignatureError::BadSignature).kind(),
            AuthErrorKind::Unauthenticated
        );
        assert_eq!(AuthError::Replay.kind(), AuthErrorKind::Unauthenticated);
        let e = StorageError::new(StorageErrorKind::Unavailable, "down")
            .with_source(std::io::Error::other("x"));
        assert!(e.source().is_some());
        assert_eq!(AuthError::from(e).kind(), AuthErrorKind::Unavailable);
    }

    #[test]
    fn io_errors_map_to_kinds_and_keep_their_source() {
        let e: StorageError = std::io::Error::new(std::io::ErrorKind::NotFound, "gone").into();
        assert_eq!(e.kind(), StorageErrorKind::NotFound);
        assert!(e.source().is_some());
        assert_eq!(e.to_string(), "I/O error: gone");
    }
}
