//! Rows as the SQL backends read them, and their checked conversion to the public types.
//! A stored value that does not convert is reported as [`ErrorKind::Corrupt`](crate::ErrorKind).

use crate::directory::{AccessEntry, AccessResult, LaunchKind};
use crate::directory::{
    Account, AccountState, App, AppData, AppId, LaunchEvent, OAuthToken, RecordEntry, Share,
    SharedLink, Timestamp, TokenKind, UserId, parse_link_id,
};
use crate::error::{StoreError, StoreResult};
use smart_core::catalog::CallId;
use smart_core::ids::RecordId;
use smart_core::manifest::{AppManifest, AppMode};

/// Reads a stored manifest.
fn parse_manifest(id: &str, json: &str) -> StoreResult<AppManifest> {
    AppManifest::from_json(json)
        .map_err(|e| StoreError::corrupt(format!("app {id}: stored manifest: {e}")))
}

/// Reads a stored mode.
fn parse_mode(id: &str, mode: &str) -> StoreResult<AppMode> {
    match mode {
        "ui" => Ok(AppMode::Ui),
        "frame_ui" => Ok(AppMode::FrameUi),
        "background" => Ok(AppMode::Background),
        other => Err(StoreError::corrupt(format!(
            "app {id}: stored mode {other:?} is unknown"
        ))),
    }
}

/// Reads a stored launch kind.
fn parse_launch_kind(kind: &str) -> StoreResult<LaunchKind> {
    LaunchKind::parse(kind).ok_or_else(|| {
        StoreError::corrupt(format!("launch audit: stored kind {kind:?} is unknown"))
    })
}

fn ts(millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(millis)
}

pub(crate) fn stored_account_id(s: &str) -> StoreResult<UserId> {
    UserId::new(s).map_err(|e| StoreError::corrupt(format!("stored account id: {e}")))
}

pub(crate) fn stored_app_id(s: &str) -> StoreResult<AppId> {
    AppId::new(s).map_err(|e| StoreError::corrupt(format!("stored app id: {e}")))
}

pub(crate) fn stored_record_id(s: &str) -> StoreResult<RecordId> {
    RecordId::new(s).map_err(|e| StoreError::corrupt(format!("stored record id: {e}")))
}

fn optional<T>(s: Option<String>, f: fn(&str) -> StoreResult<T>) -> StoreResult<Option<T>> {
    s.as_deref().map(f).transpose()
}

/// The stored form of an optional record in a key column: `''` for none.
pub(crate) fn record_key(record: Option<&RecordId>) -> &str {
    record.map_or("", RecordId::as_str)
}

/// A count or size read from a signed column.
pub(crate) fn stored_count(what: &str, n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| StoreError::corrupt(format!("{what} is negative ({n})")))
}

/// A count or size for a signed column.
pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: String,
    email: String,
    given_name: String,
    family_name: String,
    department: String,
    role: String,
    password_hash: Option<String>,
    state: String,
    failed_login_count: i64,
    total_login_count: i64,
    last_login_at: Option<i64>,
    last_failed_login_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    is_admin: bool,
    limited_to: Option<String>,
    locked_until: Option<i64>,
}

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;

    fn try_from(r: AccountRow) -> StoreResult<Self> {
        let id = stored_account_id(&r.id)?;
        let state = AccountState::parse(&r.state).ok_or_else(|| {
            StoreError::corrupt(format!(
                "account {id}: stored state {:?} is unknown",
                r.state
            ))
        })?;
        let failed = stored_count(
            &format!("account {id}: failed logins"),
            r.failed_login_count,
        )?;
        Ok(Self {
            email: r.email,
            given_name: r.given_name,
            family_name: r.family_name,
            department: r.department,
            role: r.role,
            password_hash: r.password_hash,
            state,
            failed_login_count: u32::try_from(failed).unwrap_or(u32::MAX),
            total_login_count: stored_count(&format!("account {id}: logins"), r.total_login_count)?,
            last_login_at: r.last_login_at.map(ts),
            last_failed_login_at: r.last_failed_login_at.map(ts),
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            admin: r.is_admin,
            limited_to: r.limited_to.as_deref().map(stored_record_id).transpose()?,
            locked_until: r.locked_until.map(ts),
            id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AppRow {
    id: String,
    manifest: String,
    consumer_secret: String,
    mode: String,
    enabled_by_default: bool,
    created_at: i64,
    updated_at: i64,
    enabled: bool,
    owner_session: Option<String>,
}

/// The app as stored: its consumer secret and owner session sealed; the store opens
/// them (`impl_at_rest.rs`).
impl TryFrom<AppRow> for App {
    type Error = StoreError;

    fn try_from(r: AppRow) -> StoreResult<Self> {
        let manifest = parse_manifest(&r.id, &r.manifest)?;
        let mode = parse_mode(&r.id, &r.mode)?;
        let id = stored_app_id(&r.id)?;
        if manifest.id != r.id {
            return Err(StoreError::corrupt(format!(
                "app {id}: stored manifest has id {:?}",
                manifest.id
            )));
        }
        Ok(Self {
            id,
            manifest,
            consumer_secret: r.consumer_secret,
            mode,
            enabled_by_default: r.enabled_by_default,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            enabled: r.enabled,
            owner_session: r.owner_session,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    token: String,
    secret: String,
    kind: String,
    app_id: Option<String>,
    account_id: Option<String>,
    record_id: Option<String>,
    verifier: Option<String>,
    callback: Option<String>,
    created_at: i64,
    expires_at: i64,
    // `parent` (the digest the children are looked up by) is not read back: the value
    // comes from `parent_sealed`.
    parent_sealed: Option<String>,
}

/// The token as stored: `token` and `verifier` are digests, `secret` and `parent` (from
/// `parent_sealed`) sealed; the store opens them (`impl_at_rest.rs`).
impl TryFrom<TokenRow> for OAuthToken {
    type Error = StoreError;

    fn try_from(r: TokenRow) -> StoreResult<Self> {
        let kind = TokenKind::parse(&r.kind).ok_or_else(|| {
            StoreError::corrupt(format!("token: stored kind {:?} is unknown", r.kind))
        })?;
        let mut token = OAuthToken::new(
            r.token,
            r.secret,
            kind,
            optional(r.app_id, stored_app_id)?,
            ts(r.created_at),
            ts(r.expires_at),
        );
        token.account = optional(r.account_id, stored_account_id)?;
        token.record = optional(r.record_id, stored_record_id)?;
        token.verifier = r.verifier;
        token.callback = r.callback;
        token.parent = r.parent_sealed;
        Ok(token)
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ShareRow {
    account_id: String,
    record_id: String,
    app_id: String,
    created_at: i64,
}

impl TryFrom<ShareRow> for Share {
    type Error = StoreError;

    fn try_from(r: ShareRow) -> StoreResult<Self> {
        let record = if r.record_id.is_empty() {
            None
        } else {
            Some(stored_record_id(&r.record_id)?)
        };
        Ok(Self {
            account: stored_account_id(&r.account_id)?,
            record,
            app: stored_app_id(&r.app_id)?,
            created_at: ts(r.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    digest: String,
    owner_id: String,
    app_id: String,
    record_id: String,
    pin_hash: Option<String>,
    created_at: i64,
    expires_at: i64,
    revoked: bool,
    failed_pin_count: i64,
    pin_locked_until: Option<i64>,
}

impl TryFrom<LinkRow> for SharedLink {
    type Error = StoreError;

    fn try_from(r: LinkRow) -> StoreResult<Self> {
        let digest = parse_link_id(&r.digest)
            .ok_or_else(|| StoreError::corrupt("stored shared link digest is not 64 hex digits"))?;
        Ok(Self {
            digest,
            owner: stored_account_id(&r.owner_id)?,
            app: stored_app_id(&r.app_id)?,
            record: stored_record_id(&r.record_id)?,
            pin_hash: r.pin_hash,
            created_at: ts(r.created_at),
            expires_at: ts(r.expires_at),
            revoked: r.revoked,
            failed_pin_count: u32::try_from(r.failed_pin_count).unwrap_or(u32::MAX),
            pin_locked_until: r.pin_locked_until.map(ts),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AppDataRow {
    content_type: String,
    data: Vec<u8>,
    updated_at: i64,
}

impl From<AppDataRow> for AppData {
    fn from(r: AppDataRow) -> Self {
        Self {
            content_type: r.content_type,
            data: r.data,
            updated_at: ts(r.updated_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RecordRow {
    id: String,
    label: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<RecordRow> for RecordEntry {
    type Error = StoreError;

    fn try_from(r: RecordRow) -> StoreResult<Self> {
        Ok(Self {
            id: stored_record_id(&r.id)?,
            label: r.label,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LaunchRow {
    launched_at: i64,
    account_id: Option<String>,
    app_id: String,
    record_id: Option<String>,
    kind: String,
}

impl TryFrom<LaunchRow> for LaunchEvent {
    type Error = StoreError;

    fn try_from(r: LaunchRow) -> StoreResult<Self> {
        Ok(Self::new(
            ts(r.launched_at),
            optional(r.account_id, stored_account_id)?,
            stored_app_id(&r.app_id)?,
            optional(r.record_id, stored_record_id)?,
            parse_launch_kind(&r.kind)?,
        ))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccessRow {
    at: i64,
    account_id: Option<String>,
    app_id: Option<String>,
    record_id: Option<String>,
    call: String,
    result: String,
}

impl TryFrom<AccessRow> for AccessEntry {
    type Error = StoreError;

    fn try_from(r: AccessRow) -> StoreResult<Self> {
        let call = CallId::from_name(&r.call).ok_or_else(|| {
            StoreError::corrupt(format!("access log: stored call {:?} is unknown", r.call))
        })?;
        let result = AccessResult::parse(&r.result).ok_or_else(|| {
            StoreError::corrupt(format!(
                "access log: stored result {:?} is unknown",
                r.result
            ))
        })?;
        Ok(Self::new(
            ts(r.at),
            optional(r.account_id, stored_account_id)?,
            optional(r.app_id, stored_app_id)?,
            optional(r.record_id, stored_record_id)?,
            call,
            result,
        ))
    }
}

/// Converts every row, failing on the first that does not convert.
pub(crate) fn convert_all<R, T>(rows: Vec<R>) -> StoreResult<Vec<T>>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}
