//! The storage layer's error: the one storage error of the workspace,
//! [`smart_auth::StorageError`], under the names this crate has always used. Its
//! backend-neutral [`ErrorKind`] lets callers (the HTTP adapter, vendors' code) branch
//! without downcasting; the directory backends return it from smart-auth's storage traits
//! and from this crate's own, so no failure is translated between two error types.

pub use smart_auth::error::{StorageError as StoreError, StorageErrorKind as ErrorKind};

/// The result type of the storage layer.
pub type StoreResult<T> = Result<T, StoreError>;
