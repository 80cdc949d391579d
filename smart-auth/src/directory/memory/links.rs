//! Shared links in memory.

use super::super::StoreResult;
use super::super::accounts::account_not_found;
use super::super::apps::app_not_found;
use super::super::links::{SharedLink, SharedLinkStore, check_shared_link};
use super::super::types::{Timestamp, UserId};
use super::MemoryDirectory;
use crate::error::StorageError;
use async_trait::async_trait;

#[async_trait]
impl SharedLinkStore for MemoryDirectory {
    async fn create_shared_link(&self, link: SharedLink) -> StoreResult<SharedLink> {
        check_shared_link(&link)?;
        let mut state = self.state();
        if !state.accounts.contains_key(&link.owner) {
            return Err(account_not_found(&link.owner));
        }
        if !state.apps.contains_key(&link.app) {
            return Err(app_not_found(&link.app));
        }
        if state.links.contains_key(&link.digest) {
            return Err(StorageError::conflict(
                "a shared link with this token exists",
            ));
        }
        state.links.insert(link.digest, link.clone());
        Ok(link)
    }

    async fn get_shared_link(&self, digest: &[u8; 32]) -> StoreResult<Option<SharedLink>> {
        Ok(self.state().links.get(digest).cloned())
    }

    async fn list_shared_links(&self, owner: &UserId) -> StoreResult<Vec<SharedLink>> {
        let mut links: Vec<SharedLink> = self
            .state()
            .links
            .values()
            .filter(|l| &l.owner == owner)
            .cloned()
            .collect();
        links.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.digest.cmp(&b.digest))
        });
        Ok(links)
    }

    async fn revoke_shared_link(&self, owner: &UserId, digest: &[u8; 32]) -> StoreResult<bool> {
        let mut state = self.state();
        match state.links.get_mut(digest) {
            Some(link) if &link.owner == owner => {
                link.revoked = true;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn record_pin_failure(
        &self,
        digest: &[u8; 32],
        max_failures: u32,
        lock_until: Timestamp,
    ) -> StoreResult<Option<SharedLink>> {
        let mut state = self.state();
        let Some(link) = state.links.get_mut(digest) else {
            return Ok(None);
        };
        let failed = link.failed_pin_count.saturating_add(1);
        if failed >= max_failures {
            link.failed_pin_count = 0;
            link.pin_locked_until = Some(lock_until);
        } else {
            link.failed_pin_count = failed;
        }
        Ok(Some(link.clone()))
    }

    async fn clear_pin_failures(&self, digest: &[u8; 32]) -> StoreResult<()> {
        if let Some(link) = self.state().links.get_mut(digest) {
            link.failed_pin_count = 0;
        }
        Ok(())
    }
}
