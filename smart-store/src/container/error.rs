//! The service's errors: [`ContainerError`] when a container cannot be opened,
//! [`ServiceError`] (with its [`ServiceErrorKind`]) when a call fails. A transport maps the
//! kind to its own status codes (smart-http does it in one function).

use smart_auth::{AuthError, AuthErrorKind};

use super::config::ConfigError;
use crate::{ErrorKind, StoreError};

/// Why a container could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContainerError {
    /// The configuration is inconsistent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A store could not be opened.
    #[error("{what}: {source}")]
    Store {
        /// Which store.
        what: String,
        /// Why.
        source: StoreError,
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
    #[error("this build has no {0} support (enable the cargo feature)")]
    NotCompiled(&'static str),
}

/// What kind of failure a [`ServiceError`] is; a transport chooses its status from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// The request is malformed or names something invalid.
    BadRequest,
    /// The caller is not authenticated and must be.
    Unauthenticated,
    /// The caller may not do this.
    Forbidden,
    /// Nothing is there.
    NotFound,
    /// None of the formats the caller accepts can be produced.
    NotAcceptable,
    /// The state does not allow it (a duplicate, a lost race).
    Conflict,
    /// A value is larger than its limit.
    TooLarge,
    /// The body's media type cannot be read.
    UnsupportedMediaType,
    /// Too many failed attempts: the account is locked for a while.
    Locked,
    /// A store or other dependency is unavailable; retrying later may work.
    Unavailable,
    /// A bug or an unexpected failure; the message is for the log, not the caller.
    Internal,
}

/// A failed call: a kind and a message naming the problem (for
/// [`ServiceErrorKind::Internal`], a detail for the log only), and for a failure that came
/// from a store, the store's full error text: for the log only, never for the caller (it
/// may name files, hosts, SQL or a remote server's answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    kind: ServiceErrorKind,
    message: String,
    detail: Option<String>,
}

impl ServiceError {
    /// An error of this kind.
    pub fn new(kind: ServiceErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            detail: None,
        }
    }

    /// Adds the text for the log (a store's full error).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The text for the log only, when the failure came from a store.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// [`ServiceErrorKind::BadRequest`].
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ServiceErrorKind::BadRequest, message)
    }

    /// [`ServiceErrorKind::NotFound`].
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ServiceErrorKind::NotFound, message)
    }

    /// [`ServiceErrorKind::UnsupportedMediaType`].
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(ServiceErrorKind::UnsupportedMediaType, message)
    }

    /// [`ServiceErrorKind::TooLarge`], naming the limit.
    pub fn too_large(what: &str, limit: usize) -> Self {
        Self::new(
            ServiceErrorKind::TooLarge,
            format!("{what} is larger than the limit of {limit} bytes"),
        )
    }

    /// [`ServiceErrorKind::Internal`] with a detail for the log.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(ServiceErrorKind::Internal, detail.to_string())
    }

    /// The kind.
    pub fn kind(&self) -> ServiceErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A store's failure: the caller sees the store's own message (which names the problem,
/// such as a bad filter value) without its source, or a generic one for an unavailable
/// store; the full text, source included, is the detail for the log.
impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        let kind = match e.kind() {
            ErrorKind::NotFound => ServiceErrorKind::NotFound,
            ErrorKind::Conflict => ServiceErrorKind::Conflict,
            ErrorKind::Invalid => ServiceErrorKind::BadRequest,
            ErrorKind::Unavailable => {
                return Self::new(
                    ServiceErrorKind::Unavailable,
                    "storage is unavailable; retry later",
                )
                .with_detail(e.to_string());
            }
            _ => return Self::internal(e.to_string()),
        };
        Self::new(kind, e.message()).with_detail(e.to_string())
    }
}

impl From<AuthError> for ServiceError {
    fn from(e: AuthError) -> Self {
        let kind = match e.kind() {
            AuthErrorKind::BadRequest => ServiceErrorKind::BadRequest,
            AuthErrorKind::Unauthenticated => ServiceErrorKind::Unauthenticated,
            AuthErrorKind::Forbidden => ServiceErrorKind::Forbidden,
            AuthErrorKind::NotFound => ServiceErrorKind::NotFound,
            AuthErrorKind::Conflict => ServiceErrorKind::Conflict,
            AuthErrorKind::Locked => ServiceErrorKind::Locked,
            // Say what is unavailable (a database down, or the nonce memory full under
            // load) by the storage error's own message; its source (the backend's text)
            // goes to the log only.
            AuthErrorKind::Unavailable => {
                let message = match &e {
                    AuthError::Storage(s) => s.message().to_owned(),
                    _ => "authentication storage is unavailable".to_owned(),
                };
                return Self::new(
                    ServiceErrorKind::Unavailable,
                    format!("{message}; retry later"),
                )
                .with_detail(e.to_string());
            }
            AuthErrorKind::Internal => return Self::internal(e.to_string()),
            _ => ServiceErrorKind::Internal,
        };
        match &e {
            AuthError::Storage(s) => Self::new(kind, s.message()).with_detail(e.to_string()),
            _ => Self::new(kind, e.to_string()),
        }
    }
}

impl From<smart_rdf::negotiate::NotAcceptable> for ServiceError {
    fn from(e: smart_rdf::negotiate::NotAcceptable) -> Self {
        Self::new(ServiceErrorKind::NotAcceptable, e.to_string())
    }
}
