//! The clinical store conformance suite on the in-memory store.

smart_store::clinical_store_conformance!(smart_store::conformance::MemoryBackend);
