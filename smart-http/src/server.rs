//! The request pipeline and the server: route → read the body (within the limit) →
//! authenticate (OAuth 1.0a) → apply the access policy → run the handler. Every failure
//! becomes an [`ApiError`]; CORS and gzip are tower layers around it.

use crate::container::Container;
use crate::error::ApiError;
use crate::routes::{self, NoRoute, Route};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, header};
use axum::response::{IntoResponse, Response};
use smart_auth::Authenticated;
use smart_auth::oauth::percent_encode;
use smart_auth::policy::{Decision, Target};
use smart_core::RecordId;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Everything a handler needs about one request.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) container: &'a Container,
    pub(crate) route: Route,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) who: Option<Authenticated>,
    pub(crate) started: Instant,
}

impl Ctx<'_> {
    /// A request header as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A query parameter (the first, if repeated).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// This request's URL with `offset` and `limit` set for the next page (OAuth
    /// parameters dropped: the next request is signed afresh), properly encoded.
    pub(crate) fn next_page_url(&self, offset: usize, limit: usize) -> String {
        let mut pairs: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| k != "offset" && k != "limit" && !k.starts_with("oauth_"))
            .cloned()
            .collect();
        pairs.push(("limit".to_owned(), limit.to_string()));
        pairs.push(("offset".to_owned(), offset.to_string()));
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    percent_encode(k.as_bytes()),
                    percent_encode(v.as_bytes())
                )
            })
            .collect();
        format!(
            "{}{}?{}",
            self.container.config().api_base(),
            self.path,
            query.join("&")
        )
    }

    /// When the record last changed, if the registry knows.
    pub(crate) async fn record_modified(&self, record: &RecordId) -> Option<SystemTime> {
        let entry = self
            .container
            .directory()
            .get_record(record)
            .await
            .ok()
            .flatten()?;
        let millis = u64::try_from(entry.updated_at.as_unix_millis()).ok()?;
        Some(SystemTime::UNIX_EPOCH + Duration::from_millis(millis))
    }
}

/// The axum router of the whole API, with CORS for the configured UI origins and gzip.
pub fn router(container: Arc<Container>) -> Router {
    let origins: Vec<HeaderValue> = container
        .config()
        .ui
        .origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-requested-with"),
        ])
        .expose_headers([header::ETAG, header::LAST_MODIFIED])
        .max_age(Duration::from_secs(60));
    // The web UI (crate::ui) answers its own paths before the API pipeline sees them.
    let ui = crate::ui::Ui::new(container.clone());
    Router::new()
        .fallback(dispatch)
        .with_state(container)
        .layer(axum::middleware::from_fn_with_state(
            ui,
            crate::ui::intercept,
        ))
        .layer(CompressionLayer::new().gzip(true))
        .layer(cors)
}

/// Serves the API on `listener` until `shutdown` completes, then finishes the requests in
/// flight. Meanwhile, every ten minutes, removes expired tokens and old nonces
/// ([`Container::housekeeping`]).
pub async fn serve(
    container: Arc<Container>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let housekeeping = tokio::spawn({
        let container = container.clone();
        async move {
            let mut every = tokio::time::interval(Duration::from_secs(600));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                match container.housekeeping().await {
                    Ok((tokens, nonces)) => {
                        tracing::debug!(tokens, nonces, "housekeeping: expired entries removed");
                    }
                    Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
                }
            }
        }
    });
    let served = axum::serve(listener, router(container))
        .with_graceful_shutdown(shutdown)
        .await;
    housekeeping.abort();
    served
}

async fn dispatch(State(container): State<Arc<Container>>, request: Request<Body>) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = match handle(&container, request, started, Caller::OAuth).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    tracing::debug!(%method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    response
}

/// Who a request comes from: whoever signed it (OAuth 1.0a), or a principal the web UI
/// already established (its SMART Connect relay), which then meets the same policy.
#[derive(Debug)]
pub(crate) enum Caller {
    /// Authenticate the request's OAuth signature.
    OAuth,
    /// Already authenticated in process (the UI relay of a launch token).
    Relayed(Box<Authenticated>),
}

/// The pipeline for one request: route, body limit, authentication, policy, handler.
pub(crate) async fn handle(
    container: &Container,
    request: Request<Body>,
    started: Instant,
    caller: Caller,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let route = routes::resolve(&method, &path).map_err(|e| match e {
        NoRoute::MethodNotAllowed(allowed) => {
            let names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
            ApiError::method_not_allowed(&method, &names)
        }
        _ => ApiError::not_found(format!("no endpoint at {path}")),
    })?;

    let limit = container.config().limits.max_body_bytes;
    if parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > limit)
    {
        return Err(ApiError::too_large("the request body", limit));
    }
    let body = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::too_large("the request body", limit))?;

    let query: Vec<(String, String)> = match parts.uri.query() {
        None => Vec::new(),
        Some(q) => serde_urlencoded::from_str(q)
            .map_err(|e| ApiError::bad_request(format!("the query string is malformed: {e}")))?,
    };

    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or(path.as_str(), |p| p.as_str());
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let provider = container.provider();
    let who = match caller {
        Caller::Relayed(who) => Some(*who),
        Caller::OAuth => {
            let mut oauth = smart_auth::oauth::Request::new(&method, path_and_query)
                .with_body(content_type, &body);
            if let Some(a) = authorization {
                oauth = oauth.with_authorization(a);
            }
            provider.authenticate(&oauth).await?
        }
    };
    let target = Target::from_bindings(route.bindings());
    match provider.authorize(who.as_ref(), route.endpoint(), &target) {
        Decision::Allow => {}
        Decision::Unauthenticated => {
            return Err(ApiError::unauthorized(
                "this endpoint needs an OAuth 1.0a signed request",
            ));
        }
        _ => {
            return Err(ApiError::forbidden(
                "the access policy does not allow this caller here",
            ));
        }
    }

    let ctx = Ctx {
        container,
        route: route.clone(),
        path,
        query,
        headers: parts.headers,
        body,
        who,
        started,
    };
    match route {
        Route::Api(call, _) => crate::api::handle(&ctx, call).await,
        Route::Container(r, _) => crate::oauth::handle(&ctx, r).await,
    }
}
