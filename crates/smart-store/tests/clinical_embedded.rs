//! The clinical store conformance suite on the embedded store (SQLite + in-memory
//! engine), closed and reopened between writing and reading.

smart_store::clinical_store_conformance!(smart_store::conformance::EmbeddedBackend::new());
