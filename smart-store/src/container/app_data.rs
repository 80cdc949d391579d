//! Scratchpad (per record and app) and preferences (per user and app): opaque values
//! stored with their media type.

use super::call::{CallAnswer, CallRequest};
use super::{Container, ServiceError};
use crate::directory::{AppId, Timestamp, UserId};
use smart_core::RecordId;
use smart_core::catalog::HttpMethod;

/// Whose value an app-data call is about.
enum Slot {
    /// A record's scratchpad (for the app of the path).
    Scratchpad(RecordId),
    /// A user's preferences (for the app of the path).
    Preferences(UserId),
}

impl Container {
    /// `GET`, `PUT` or `DELETE /records/{record_id}/apps/{smart_app_id}/scratchpad`.
    pub(super) async fn scratchpad(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        self.app_data(r, Slot::Scratchpad(r.record_id()?)).await
    }

    /// `GET`, `PUT` or `DELETE /users/{user_id}/apps/{smart_app_id}/preferences`.
    pub(super) async fn preferences(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let user = r.binding("user_id").unwrap_or_default();
        let account = UserId::new(user).map_err(|e| ServiceError::bad_request(e.to_string()))?;
        self.app_data(r, Slot::Preferences(account)).await
    }

    /// GET (empty `text/plain` when never written), PUT (stored with its media type and
    /// echoed) or DELETE (`ok`) of a scratchpad or preferences value.
    async fn app_data(&self, r: &CallRequest, slot: Slot) -> Result<CallAnswer, ServiceError> {
        let raw = r.binding("smart_app_id").unwrap_or_default();
        let app = AppId::new(raw).map_err(|e| ServiceError::bad_request(e.to_string()))?;
        let dir = &self.directory;
        match r.call.method {
            HttpMethod::Get => {
                let stored = match &slot {
                    Slot::Scratchpad(record) => dir.get_scratchpad(record, &app).await?,
                    Slot::Preferences(account) => dir.get_preferences(account, &app).await?,
                };
                Ok(match stored {
                    Some(d) => CallAnswer::Bytes {
                        content_type: d.content_type,
                        bytes: d.data,
                    },
                    None => CallAnswer::Bytes {
                        content_type: "text/plain".to_owned(),
                        bytes: Vec::new(),
                    },
                })
            }
            HttpMethod::Put => {
                let max = self.config.limits.max_app_data_bytes;
                if r.body.len() > max {
                    return Err(ServiceError::too_large("the value", max));
                }
                let (media_type, now) = (r.media_type("text/plain"), Timestamp::now());
                let d = match &slot {
                    Slot::Scratchpad(record) => {
                        dir.put_scratchpad(record, &app, &media_type, &r.body, now)
                            .await?
                    }
                    Slot::Preferences(account) => {
                        dir.put_preferences(account, &app, &media_type, &r.body, now)
                            .await?
                    }
                };
                Ok(CallAnswer::Bytes {
                    content_type: d.content_type,
                    bytes: d.data,
                })
            }
            _ => {
                match &slot {
                    Slot::Scratchpad(record) => dir.delete_scratchpad(record, &app).await?,
                    Slot::Preferences(account) => dir.delete_preferences(account, &app).await?,
                };
                Ok(CallAnswer::Text("ok".to_owned()))
            }
        }
    }
}
