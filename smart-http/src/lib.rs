//! The HTTP adapter of a SMART Classic container: the REST API of every catalog call, the
//! OAuth endpoints and the container endpoints, on axum/hyper.
//!
//! Logic lives in the other crates (smart-core's catalog, smart-rdf, smart-auth,
//! smart-store); this crate routes, extracts, negotiates, and maps their errors to HTTP
//! statuses (the only place that happens).
//!
//! # Map
//!
//! | module | what |
//! |---|---|
//! | [`config`] | [`ServerConfig`]: TOML file plus `SMART_*` environment |
//! | [`container`] | [`Container`]: the stores and the OAuth provider, opened from a configuration |
//! | [`routes`] | the route table: container endpoints, then every catalog call |
//! | [`server`] | the pipeline (route, body limit, OAuth, policy, handler), [`router`] and [`serve`] |
//! | [`error`] | [`ApiError`]: the only place errors become HTTP statuses |
//! | `api` | the catalog calls: record data, documents, writes, app data, container calls |
//! | `oauth` | the container endpoints: tokens, login, authorization, launch, app registry |
//! | `auth_cache` | the app and token look-ups of the embedded default, cached until the next write |
//! | `cache` | record answers cached until the next write to the clinical store |
//! | `response` | RDF, JSON and form replies, `api:ResponseSummary`, ETag |
//! | `ui` | the web UI: login, patient list, record view, account, SMART Connect launch and relay |

#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

mod api;
mod auth_cache;
mod cache;
pub mod config;
pub mod container;
pub mod error;
mod oauth;
mod response;
pub mod routes;
pub mod server;
mod ui;

pub use config::{ConfigError, ServerConfig};
pub use container::{Container, ContainerError};
pub use error::ApiError;
pub use server::{router, serve};
