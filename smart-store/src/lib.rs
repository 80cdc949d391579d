//! Storage for a SMART Classic container.
//!
//! Clinical data (RDF, one named graph per statement) lives behind the clinical store trait;
//! everything relational (accounts, apps, tokens, shares, nonces, blobs) behind the
//! directory store trait. Backends: in-memory, the embedded default (durable, under one data
//! directory), a remote SPARQL 1.1 endpoint, SQLite and PostgreSQL.
//!
//! [`reconcile`] keeps the record registry in step with the clinical store after a crash.
//! [`auth_adapter`] lets smart-auth's provider store its accounts, apps, tokens, shares and
//! nonces in any directory store.

pub mod auth_adapter;
pub mod blobs;
pub mod clinical;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod container;
pub mod directory;
pub mod error;
pub mod import;
pub mod reconcile;

pub use container::{CallAnswer, CallRequest, Container, ContainerConfig, ServiceError};
pub use error::{ErrorKind, StoreError, StoreResult};
