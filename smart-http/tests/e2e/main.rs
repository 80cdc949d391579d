//! The end-to-end tests of the REST API (issue #5 §6): a real server on 127.0.0.1, the
//! reference patients imported, every request signed with oauth1-request.
//!
//! One test binary with a module per concern, so the suite links once.

#[path = "../common/mod.rs"]
mod common;

mod backends;
mod catalog_walk;
mod counts;
mod errors;
mod filters_paging;
mod flows;
mod shape;
