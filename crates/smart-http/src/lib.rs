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

#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

pub mod config;
pub mod container;

pub use config::{ConfigError, ServerConfig};
pub use container::{Container, ContainerError};
