//! Storage for a SMART Classic container.
//!
//! Clinical data (RDF, one named graph per statement) lives behind the clinical store trait;
//! everything relational (accounts, apps, tokens, shares, nonces, app data) behind the
//! directory traits that smart-auth defines ([`smart_auth::directory`]), which the SQLite
//! and PostgreSQL backends of [`directory`] implement directly; document blobs behind
//! [`blobs`]. Backends: in-memory, the embedded default (durable, under one data
//! directory), a remote SPARQL 1.1 endpoint, SQLite and PostgreSQL.
//!
//! [`container`] is the transport-free container service over those stores:
//! [`Container`] runs every catalog call for a principal, the clinical-note pipeline,
//! documents, manifests and app data, with the answer cache, so a vendor can put the
//! container behind any transport (smart-http is one) without copying code:
//!
//! ```
//! use smart_store::container::{CallAnswer, CallId, CallRequest, Container, ContainerConfig};
//! use std::sync::Arc;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let mut config = ContainerConfig::default();
//! config.ui_consumer_secret = Some("a UI secret of at least thirty-two bytes".to_owned());
//! let admin = smart_auth::MachineCredential::new(
//!     "local-admin",
//!     smart_auth::Secret::new("an admin secret of at least thirty-two bytes"),
//! )
//! .unwrap();
//! let container = Container::from_parts(
//!     config,
//!     Arc::new(smart_store::clinical::MemoryClinicalStore::in_memory().unwrap()),
//!     Arc::new(smart_store::directory::MemoryDirectory::new()),
//!     Arc::new(smart_store::blobs::MemoryBlobs::new()),
//!     admin,
//! )
//! .unwrap();
//! let who = container.local_admin().await.unwrap();
//! let request = CallRequest::new(CallId::SearchUsers, "/users/search").unwrap();
//! let CallAnswer::Rdf(answer) = container.execute(Some(&who), request).await.unwrap() else {
//!     panic!("a user search answers RDF");
//! };
//! // No user yet: the answer holds only its `api:ResponseSummary`.
//! let text = String::from_utf8(answer.body).unwrap();
//! assert!(text.contains("ResponseSummary"));
//! # });
//! ```
//!
//! [`reconcile`] keeps the record registry in step with the clinical store after a crash;
//! [`private_fs`] creates every folder 0700 and every file 0600.

pub mod at_rest;
pub mod blobs;
pub mod clinical;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod container;
pub mod directory;
pub mod error;
pub mod import;
pub mod private_fs;
pub mod reconcile;
#[cfg(feature = "sqlite")]
mod sqlite_pool;

pub use container::{CallAnswer, CallRequest, Container, ContainerConfig, ServiceError};
pub use error::{ErrorKind, StoreError, StoreResult};
