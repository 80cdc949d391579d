//! OAuth 1.0a provider, principals and access policy for a SMART Classic container.
//!
//! **Not implemented yet.** This crate is a placeholder in the workspace layout; the OAuth
//! issue fills it. Nothing here is usable today.
