//! Keeping the record registry (directory store) in step with the clinical store.
//!
//! An import writes the clinical store first and the registry second: the clinical store
//! is the source of truth for which records exist, the registry only adds labels. A crash
//! between the two writes (or an operator deleting one side by hand) leaves them
//! disagreeing by the records in flight; [`reconcile_records`], run when a container
//! opens its stores, makes the registry list exactly the clinical store's records again.

use std::collections::BTreeSet;

use smart_core::RecordId;

use crate::clinical::ClinicalStore;
use crate::directory::{Page, RecordRegistry, Timestamp};
use crate::error::StoreResult;

/// What [`reconcile_records`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReconcileReport {
    /// Records present in the clinical store that the registry lacked (now registered).
    pub registered: Vec<RecordId>,
    /// Registry entries without clinical data (now removed).
    pub removed: Vec<RecordId>,
}

impl ReconcileReport {
    /// True if the two stores already agreed.
    pub fn is_empty(&self) -> bool {
        self.registered.is_empty() && self.removed.is_empty()
    }
}

/// Every record id in the registry, across all pages.
pub async fn registered_records(registry: &dyn RecordRegistry) -> StoreResult<BTreeSet<RecordId>> {
    let mut out = BTreeSet::new();
    let mut page = Some(Page::first(Page::MAX_LIMIT));
    while let Some(p) = page {
        let listed = registry.list_records(p).await?;
        out.extend(listed.items.into_iter().map(|e| e.id));
        page = listed.next;
    }
    Ok(out)
}

/// Makes the registry list exactly the records of the clinical store: registers missing
/// ones (with an empty label; the importer sets labels) and removes entries that have no
/// clinical data (which also drops their tokens, shares and scratchpads).
pub async fn reconcile_records(
    clinical: &dyn ClinicalStore,
    registry: &dyn RecordRegistry,
    now: Timestamp,
) -> StoreResult<ReconcileReport> {
    let clinical_ids: BTreeSet<RecordId> = clinical.record_ids().await?.into_iter().collect();
    let registered = registered_records(registry).await?;
    let mut report = ReconcileReport::default();
    for id in clinical_ids.difference(&registered) {
        registry.upsert_record(id, "", now).await?;
        report.registered.push(id.clone());
    }
    for id in registered.difference(&clinical_ids) {
        registry.delete_record(id).await?;
        report.removed.push(id.clone());
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clinical::MemoryClinicalStore;
    use crate::directory::MemoryDirectory;

    fn split(id: &str) -> smart_rdf::SplitRecord {
        let g = smart_rdf::parse(
            br#"@prefix sp: <http://smartplatforms.org/terms#> .
            _:r a sp:MedicalRecord . _:s a sp:SocialHistory ; sp:belongsTo _:r ."#,
            smart_rdf::RdfFormat::Turtle,
            None,
        )
        .expect("parses");
        smart_rdf::split_record(&g, &RecordId::new(id).expect("id")).expect("splits")
    }

    #[tokio::test]
    async fn registry_follows_the_clinical_store() {
        let clinical = MemoryClinicalStore::in_memory().expect("store");
        let registry = MemoryDirectory::new();
        let now = Timestamp::now();
        clinical
            .replace_record(&split("1"))
            .await
            .expect("import 1");
        clinical
            .replace_record(&split("2"))
            .await
            .expect("import 2");
        registry
            .upsert_record(&RecordId::new("2").unwrap(), "Two", now)
            .await
            .unwrap();
        registry
            .upsert_record(&RecordId::new("3").unwrap(), "Stale", now)
            .await
            .unwrap();

        let report = reconcile_records(&clinical, &registry, now)
            .await
            .expect("reconcile");
        assert_eq!(report.registered, vec![RecordId::new("1").unwrap()]);
        assert_eq!(report.removed, vec![RecordId::new("3").unwrap()]);
        let ids: Vec<String> = registered_records(&registry)
            .await
            .unwrap()
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(ids, ["1", "2"]);
        // the label of a record that was already registered is kept
        let two = registry
            .get_record(&RecordId::new("2").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(two.label, "Two");
        assert!(
            reconcile_records(&clinical, &registry, now)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
