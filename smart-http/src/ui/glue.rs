//! Every call the web UI makes into the rest of the container (provider flows, stores,
//! the API pipeline), in one place, so the UI's coupling to them stays narrow.

use crate::container::Container;
use crate::error::ApiError;
use crate::server::{Caller, handle};
use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use oxrdf::Graph;
use smart_auth::directory::Share;
use smart_auth::provider::{
    Approval, AuthorizationRequest, LaunchCredentials, Refusal, Remember, SessionGrant,
};
use smart_auth::{AppId, AuthError, Authenticated, Secret, Timestamp, UserId};
use smart_core::RecordId;
use smart_core::manifest::AppManifest;
use smart_store::clinical::{RecordSearch, SearchPage, StatementQuery};
use smart_store::directory::TokenKind as DirTokenKind;
use std::time::Instant;

/// An app as the UI shows it.
#[derive(Debug, Clone)]
pub(crate) struct UiApp {
    /// The manifest as registered.
    pub(crate) manifest: AppManifest,
    /// Whether it is on for this user (their sidebar).
    pub(crate) chosen: bool,
}

/// Password login through the provider's login flow (throttling, lockout, hashing).
pub(crate) async fn login(
    container: &Container,
    user: &str,
    password: &str,
) -> Result<SessionGrant, AuthError> {
    let provider = container.provider();
    provider
        .login(&provider.internal_ui(), user, password)
        .await
}

/// The session behind a cookie's token and secret (constant-time secret check, expiry,
/// account state), with when it was issued.
pub(crate) async fn resume(
    container: &Container,
    token: &str,
    secret: &str,
) -> Option<(Authenticated, Timestamp)> {
    let provider = container.provider();
    let who = provider
        .resume_session(token, &Secret::new(secret))
        .await
        .ok()?;
    let issued = provider
        .stores()
        .tokens
        .find_token(token)
        .await
        .ok()
        .flatten()?
        .created_at;
    Some((who, issued))
}

/// The provider's clock.
pub(crate) fn now(container: &Container) -> Timestamp {
    container.provider().now()
}

/// Ends a session and everything launched from it.
pub(crate) async fn logout(container: &Container, who: &Authenticated) -> Result<(), AuthError> {
    container.provider().logout(who).await
}

/// Revokes one session token (an idle or expired one found at a request), with what was
/// launched from it and its temporary apps.
pub(crate) async fn revoke_session(container: &Container, token: &str) {
    let tokens = &container.provider().stores().tokens;
    let _ = tokens.revoke_child_tokens(token).await;
    let _ = tokens.revoke_token(token).await;
    let _ = container.provider().end_temporary_apps(token).await;
}

/// Changes the user's password (the current one is checked by the provider).
pub(crate) async fn change_password(
    container: &Container,
    who: &Authenticated,
    user: &UserId,
    current: &str,
    new: &str,
) -> Result<(), AuthError> {
    container
        .provider()
        .change_password(who, user, current, new)
        .await
}

/// Signs out every session of the user (and their SMART Connect tokens), the current one
/// included; the caller then logs in again for a fresh session.
pub(crate) async fn revoke_all_sessions(
    container: &Container,
    user: &UserId,
    current: &str,
) -> Result<(), ApiError> {
    let account = user.clone();
    let directory = container.directory();
    directory
        .revoke_account_tokens_of_kind(&account, DirTokenKind::Session)
        .await?;
    directory
        .revoke_account_tokens_of_kind(&account, DirTokenKind::AccessConnect)
        .await?;
    // Last, through the provider's own token store: that write also empties any cache of
    // token look-ups in front of the directory, so the revocations above are seen at once.
    container
        .provider()
        .stores()
        .tokens
        .revoke_token(current)
        .await
        .map_err(AuthError::from)?;
    // The temporary apps of the sessions just ended go with them.
    container.provider().sweep_temporary_apps().await?;
    Ok(())
}

/// Self-service sign-up (the provider refuses unless the configuration allows it).
pub(crate) async fn register(
    container: &Container,
    email: &str,
    password: &str,
) -> Result<UserId, AuthError> {
    let provider = container.provider();
    provider
        .register_account(&provider.internal_ui(), email, password)
        .await
}

/// The user's display name: given and family name, or the e-mail.
pub(crate) async fn full_name(container: &Container, user: &UserId) -> String {
    match container.directory().get_account(user).await {
        Ok(Some(a)) => {
            let name = format!("{} {}", a.given_name, a.family_name);
            let name = name.trim();
            if name.is_empty() {
                user.as_str().to_owned()
            } else {
                name.to_owned()
            }
        }
        _ => user.as_str().to_owned(),
    }
}

/// Every enabled, launchable (not background) app, with whether the user chose it.
pub(crate) async fn apps_for(container: &Container, user: &UserId) -> Result<Vec<UiApp>, ApiError> {
    let directory = container.directory();
    let account = user.clone();
    let chosen: Vec<String> = directory
        .enabled_apps(&account)
        .await?
        .into_iter()
        .map(|a| a.id.as_str().to_owned())
        .collect();
    Ok(directory
        .list_apps()
        .await?
        .into_iter()
        .filter(|a| {
            a.enabled
                && a.mode != smart_core::manifest::AppMode::Background
                && a.owner_session.is_none()
        })
        .map(|a| UiApp {
            chosen: chosen.iter().any(|c| c == a.id.as_str()),
            manifest: a.manifest,
        })
        .collect())
}

/// Switches an app on or off in the user's sidebar.
pub(crate) async fn choose_app(
    container: &Container,
    user: &UserId,
    app: &str,
    on: bool,
) -> Result<(), ApiError> {
    let account = user.clone();
    let app = smart_store::directory::AppId::new(app)?;
    container
        .directory()
        .set_app_enabled(&account, &app, on, smart_store::directory::Timestamp::now())
        .await?;
    Ok(())
}

/// The registered manifest of an enabled app (not of a temporary one).
pub(crate) async fn manifest(container: &Container, app: &str) -> Option<AppManifest> {
    manifest_seen_by(container, None, app).await
}

/// The manifest of an enabled app as this session sees it: a registered app, or one of
/// the session's own temporary apps ("Launch by URL").
pub(crate) async fn manifest_seen_by(
    container: &Container,
    session_token: Option<&str>,
    app: &str,
) -> Option<AppManifest> {
    let id = smart_store::directory::AppId::new(app).ok()?;
    match container.directory().get_app(&id).await {
        Ok(Some(a))
            if a.enabled
                && (a.owner_session.is_none() || a.owner_session.as_deref() == session_token) =>
        {
            Some(a.manifest)
        }
        _ => None,
    }
}

/// One page of the store's record search.
pub(crate) async fn search(
    container: &Container,
    search: &RecordSearch,
) -> Result<SearchPage, ApiError> {
    Ok(container.clinical().search_records(search).await?)
}

/// A record's demographics graph (storage form); `None` if there is no such record.
pub(crate) async fn demographics(
    container: &Container,
    record: &RecordId,
) -> Result<Option<Graph>, ApiError> {
    let query = StatementQuery::all(smart_core::sp!("Demographics"));
    match container.clinical().query(record, &query).await {
        Ok(page) => Ok(Some(page.graph)),
        Err(e) if e.kind() == smart_store::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The temporary apps ("Launch by URL") of this session.
pub(crate) async fn temporary_apps(
    container: &Container,
    who: &Authenticated,
) -> Result<Vec<AppManifest>, AuthError> {
    Ok(container
        .provider()
        .temporary_apps(who)
        .await?
        .into_iter()
        .filter(|a| a.enabled)
        .map(|a| a.manifest)
        .collect())
}

/// Registers an app under development as a temporary app of this session.
pub(crate) async fn register_temporary_app(
    container: &Container,
    who: &Authenticated,
    user: &UserId,
    record: &RecordId,
    manifest: AppManifest,
) -> Result<AppId, AuthError> {
    container
        .provider()
        .register_temporary_app(who, user, Some(record), manifest)
        .await
}

/// The SMART Connect launch flow of the provider, for this session.
pub(crate) async fn launch(
    container: &Container,
    who: &Authenticated,
    user: &UserId,
    app: &str,
    record: Option<RecordId>,
) -> Result<LaunchCredentials, AuthError> {
    let app = AppId::new(app).map_err(|_| AuthError::NotFound("app"))?;
    container.provider().launch(who, user, &app, record).await
}

/// The app principal of a launch token, which must come from this very session.
pub(crate) async fn resume_launch(
    container: &Container,
    session: &Authenticated,
    launch_token: &str,
) -> Result<Authenticated, AuthError> {
    container
        .provider()
        .resume_connect(session, launch_token)
        .await
}

/// What the authorize page shows for a request token (the provider checks that this
/// session may see it).
pub(crate) async fn authorization_request(
    container: &Container,
    who: &Authenticated,
    request_token: &str,
) -> Result<AuthorizationRequest, AuthError> {
    container
        .provider()
        .authorization_request(who, request_token)
        .await
}

/// Approves a request token, storing the approval if `remember` says so.
pub(crate) async fn approve(
    container: &Container,
    who: &Authenticated,
    request_token: &str,
    remember: Remember,
) -> Result<Approval, AuthError> {
    container
        .provider()
        .approve(who, request_token, remember)
        .await
}

/// Approves a request token without asking if the user stored an approval of the same
/// app and record; `None` if the user must be asked.
pub(crate) async fn approve_if_remembered(
    container: &Container,
    who: &Authenticated,
    request_token: &str,
) -> Result<Option<Approval>, AuthError> {
    container
        .provider()
        .approve_if_remembered(who, request_token)
        .await
}

/// Refuses a request token (which dies at once).
pub(crate) async fn deny(
    container: &Container,
    who: &Authenticated,
    request_token: &str,
) -> Result<Refusal, AuthError> {
    container.provider().deny(who, request_token).await
}

/// The user's stored approvals.
pub(crate) async fn shares(
    container: &Container,
    who: &Authenticated,
    user: &UserId,
) -> Result<Vec<Share>, AuthError> {
    container.provider().shares(who, user).await
}

/// Revokes one stored approval and every token the app holds under it.
pub(crate) async fn revoke_share(
    container: &Container,
    who: &Authenticated,
    user: &UserId,
    record: Option<&RecordId>,
    app: &AppId,
) -> Result<(), AuthError> {
    container
        .provider()
        .revoke_share(who, user, record, app)
        .await
}

/// Runs an API request through the server's pipeline (routing, body limit, the access
/// policy, the handlers) as `who`, exactly as if `who` had signed it.
pub(crate) async fn relay(
    container: &Container,
    request: Request<Body>,
    who: Authenticated,
) -> Response {
    use axum::response::IntoResponse;
    match handle(
        container,
        request,
        Instant::now(),
        Caller::Relayed(Box::new(who)),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}
