//! The container endpoints: OAuth token endpoints, login, launch, background tokens, and
//! the app registry. (The authorization step of the 3-legged flow is a page of the web
//! UI, `crate::ui`, not an API endpoint.) Each runs a smart-auth flow, which
//! checks the policy again itself; this module only reads the request and words the reply.

use crate::error::ApiError;
use crate::response;
use crate::routes::ContainerRoute;
use crate::server::Ctx;
use axum::response::Response;
use serde_json::json;
use smart_auth::provider::RecordCursor;
use smart_auth::{AppId, Authenticated, UserId};
use smart_core::RecordId;
use smart_core::manifest::AppManifest;

/// Runs a container endpoint.
pub(crate) async fn handle(ctx: &Ctx<'_>, route: ContainerRoute) -> Result<Response, ApiError> {
    let provider = ctx.container.provider();
    match route {
        ContainerRoute::ListApps => response::answer(ctx.container.app_list().await?, &ctx.headers),
        ContainerRoute::RequestToken => Ok(response::form(
            provider.request_token(who(ctx)?).await?.to_form(),
        )),
        ContainerRoute::AccessToken => Ok(response::form(
            provider.access_token(who(ctx)?).await?.to_form(),
        )),
        ContainerRoute::Login => {
            let form = body_form(ctx)?;
            let email = field(&form, "username")
                .or_else(|| field(&form, "email"))
                .ok_or_else(|| ApiError::bad_request("the form needs `username` and `password`"))?;
            let password = field(&form, "password")
                .ok_or_else(|| ApiError::bad_request("the form needs `username` and `password`"))?;
            Ok(response::form(
                provider.login(who(ctx)?, email, password).await?.to_form(),
            ))
        }
        ContainerRoute::Logout => {
            provider.logout(who(ctx)?).await?;
            Ok(response::text("ok"))
        }
        ContainerRoute::Launch => {
            let account = user_binding(ctx, "account_id")?;
            let app = app_binding(ctx)?;
            let record = ctx
                .param("record_id")
                .map(|r| {
                    RecordId::new(r).map_err(|e| ApiError::bad_request(format!("record_id: {e}")))
                })
                .transpose()?;
            let launch = provider.launch(who(ctx)?, &account, &app, record).await?;
            let view = launch.browser_view();
            Ok(response::json(&json!({
                "app_id": view.app_id,
                "record_id": launch.record.as_ref().map(RecordId::as_str),
                "user_id": launch.user.as_str(),
                "api_base": view.api_base,
                "connect_token": view.connect_token,
                "rest_token": view.rest_token,
                "rest_secret": view.rest_secret,
                "oauth_header": view.oauth_header,
                "expires_at": launch.expires_at.as_unix_secs(),
            })))
        }
        ContainerRoute::BackgroundFirst
        | ContainerRoute::BackgroundNext
        | ContainerRoute::BackgroundRecord => {
            let app = app_binding(ctx)?;
            let cursor = match route {
                ContainerRoute::BackgroundFirst => RecordCursor::First,
                ContainerRoute::BackgroundNext => RecordCursor::After(record_binding(ctx)?),
                _ => RecordCursor::Record(record_binding(ctx)?),
            };
            let token = provider.background_token(who(ctx)?, &app, cursor).await?;
            Ok(response::form(token.to_form()))
        }
        ContainerRoute::RegisterApp => {
            let manifest = manifest_body(ctx)?;
            let creds = provider.register_app(who(ctx)?, manifest).await?;
            Ok(response::json(&json!({
                "consumer_key": creds.consumer_key.as_str(),
                "consumer_secret": creds.consumer_secret.expose(),
            })))
        }
        ContainerRoute::ReplaceApp => {
            let app = app_binding(ctx)?;
            let manifest = manifest_body(ctx)?;
            if manifest.id != app.as_str() {
                return Err(ApiError::bad_request(format!(
                    "the manifest's id `{}` is not the app in the path `{}`",
                    manifest.id,
                    app.as_str()
                )));
            }
            provider.replace_app(who(ctx)?, manifest).await?;
            Ok(response::text("ok"))
        }
        ContainerRoute::DeleteApp => {
            provider.delete_app(who(ctx)?, &app_binding(ctx)?).await?;
            Ok(response::text("ok"))
        }
        ContainerRoute::AppCredentials => {
            let creds = provider
                .app_credentials(who(ctx)?, &app_binding(ctx)?)
                .await?;
            Ok(response::json(&json!({
                "consumer_key": creds.consumer_key.as_str(),
                "consumer_secret": creds.consumer_secret.expose(),
            })))
        }
    }
}

/// The authenticated caller (the policy let an anonymous one through only to public
/// endpoints, which do not call this).
fn who<'a>(ctx: &'a Ctx<'_>) -> Result<&'a Authenticated, ApiError> {
    ctx.who
        .as_ref()
        .ok_or_else(|| ApiError::unauthorized("this endpoint needs an OAuth 1.0a signed request"))
}

fn app_binding(ctx: &Ctx<'_>) -> Result<AppId, ApiError> {
    AppId::new(ctx.route.binding("app_id").unwrap_or_default())
        .map_err(|e| ApiError::bad_request(format!("app id: {e}")))
}

fn user_binding(ctx: &Ctx<'_>, name: &str) -> Result<UserId, ApiError> {
    UserId::new(ctx.route.binding(name).unwrap_or_default())
        .map_err(|e| ApiError::bad_request(format!("{name}: {e}")))
}

fn record_binding(ctx: &Ctx<'_>) -> Result<RecordId, ApiError> {
    RecordId::new(ctx.route.binding("record_id").unwrap_or_default())
        .map_err(|e| ApiError::bad_request(format!("record id: {e}")))
}

/// The form-encoded body.
fn body_form(ctx: &Ctx<'_>) -> Result<Vec<(String, String)>, ApiError> {
    let ct = ctx.header("content-type").unwrap_or("");
    if !ct
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(ApiError::unsupported_media_type(
            "send the form as application/x-www-form-urlencoded",
        ));
    }
    serde_urlencoded::from_bytes(&ctx.body)
        .map_err(|e| ApiError::bad_request(format!("the form is malformed: {e}")))
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// An app manifest from a JSON body; every problem is named.
fn manifest_body(ctx: &Ctx<'_>) -> Result<AppManifest, ApiError> {
    let ct = ctx.header("content-type").unwrap_or("application/json");
    if !ct.to_ascii_lowercase().starts_with("application/json") {
        return Err(ApiError::unsupported_media_type(
            "send the manifest as application/json",
        ));
    }
    let text = std::str::from_utf8(&ctx.body)
        .map_err(|_| ApiError::bad_request("the manifest is not UTF-8"))?;
    let manifest = AppManifest::from_json(text)
        .map_err(|e| ApiError::bad_request(format!("invalid manifest: {e}")))?;
    manifest
        .validate()
        .map_err(|e| ApiError::bad_request(format!("invalid manifest: {e}")))?;
    Ok(manifest)
}
