//! The vendor's store passes the clinical store conformance suite, in one call.

use std::sync::Arc;

use async_trait::async_trait;
use example_vendor_store::ToyClinicalStore;
use smart_store::clinical::ClinicalStore;
use smart_store::conformance::{Backend, check_clinical_store};

/// How the suite opens the vendor's store. The data lives in the process, so a
/// "restart" keeps the same store (as for our in-memory backend).
struct Toy;

#[async_trait]
impl Backend for Toy {
    async fn open(&self) -> Arc<dyn ClinicalStore> {
        Arc::new(ToyClinicalStore::new())
    }

    async fn reopen(&self, store: Arc<dyn ClinicalStore>) -> Arc<dyn ClinicalStore> {
        store
    }
}

#[test]
fn the_vendor_store_passes_the_clinical_suite() {
    check_clinical_store(Toy);
}
