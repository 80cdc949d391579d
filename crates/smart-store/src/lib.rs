//! Storage traits and backends for a SMART Classic container.
//!
//! **Not implemented yet.** This crate is a placeholder in the workspace layout; the storage
//! issue fills it. Nothing here is usable today.
