#![doc = include_str!("../README.md")]
//!
//! # Map
//!
//! | module | what |
//! |---|---|
//! | [`config`] | [`ServerConfig`]: TOML file plus `SMART_*` environment; gives the service its `ContainerConfig` |
//! | [`container`] | [`Container`]: the service with the configuration it was opened from |
//! | [`routes`] | the route table: container endpoints, then every catalog call |
//! | [`server`] | the pipeline (route, body limit, OAuth, policy, handler), [`router`], [`serve`], [`run_authenticated`] |
//! | [`listen`] | [`serve_router`]: accepting connections within limits (head and body timeouts, connection caps) |
//! | [`error`] | [`ApiError`]: the only place errors become HTTP statuses |
//! | `observe` | request ids (`X-Request-Id`), `/health`, `/ready`, Prometheus `/metrics` |
//! | `oauth` | the container endpoints: tokens, login, authorization, launch, app registry |
//! | `response` | answers as responses: content type, ETag and `If-None-Match`, Last-Modified |
//! | [`apps`] | the bundled sample apps on their own origin, the SMART Connect client library |
//! | `ui` | the web UI: login, patient list, record view, account, SMART Connect launch and relay |

#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

pub mod apps;
pub mod config;
pub mod container;
pub mod error;
pub mod listen;
mod oauth;
mod observe;
mod response;
pub mod routes;
pub mod server;
mod ui;

pub use config::{ConfigError, ServerConfig};
pub use container::{Container, ContainerError};
pub use error::ApiError;
pub use listen::{ClientAddr, ConnectionLimits, TrustedProxy, serve_router};
pub use server::{AuthenticatedRequest, router, run_authenticated, serve};
