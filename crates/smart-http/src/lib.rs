//! The HTTP adapter (REST API, OAuth endpoints, web UI) of a SMART Classic container.
//!
//! **Not implemented yet.** This crate is a placeholder in the workspace layout; the HTTP
//! issue fills it. Nothing here is usable today.
