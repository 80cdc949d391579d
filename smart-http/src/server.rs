//! The request pipeline and the server: route → read the body (within the limit) →
//! authenticate (OAuth 1.0a) → apply the access policy → run the handler (a catalog call
//! through the service, or a container endpoint). Every failure becomes an [`ApiError`];
//! CORS and gzip are tower layers around it. [`run_authenticated`] is the end of the
//! pipeline on its own, for a request authenticated another way (the web UI's relay).

use crate::container::Container;
use crate::error::ApiError;
use crate::response;
use crate::routes::{self, NoRoute, Route};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, header};
use axum::response::{IntoResponse, Response};
use smart_auth::Authenticated;
use smart_store::container::CallRequest;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// One request after authentication, as the pipeline (or the web UI's relay, which
/// authenticates its own way) hands it to [`run_authenticated`].
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthenticatedRequest {
    /// Where it goes.
    pub route: Route,
    /// The path relative to the API base.
    pub path: String,
    /// The query parameters, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The request headers (`Accept`, `Content-Type`, `If-None-Match` are read).
    pub headers: HeaderMap,
    /// The body (within the body limit).
    pub body: Bytes,
    /// The principal (`None`: unsigned).
    pub who: Option<Authenticated>,
    /// When the request started.
    pub started: Instant,
}

/// Everything a container endpoint needs about one request.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) container: &'a Container,
    pub(crate) route: Route,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) who: Option<Authenticated>,
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
    let observer = Arc::new(crate::observe::Observer {
        metrics: Default::default(),
        enabled: container.config().metrics.enabled,
    });
    let mut routes = Router::new()
        .route("/health", axum::routing::get(crate::observe::health))
        .route("/ready", axum::routing::get(crate::observe::ready));
    if observer.enabled {
        let (observer, container) = (observer.clone(), container.clone());
        routes = routes.route(
            "/metrics",
            axum::routing::get(move || crate::observe::metrics(observer, container)),
        );
    }
    routes
        .fallback(dispatch)
        .with_state(container)
        .layer(axum::middleware::from_fn_with_state(
            ui,
            crate::ui::intercept,
        ))
        .layer(CompressionLayer::new().gzip(true))
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(
            observer,
            crate::observe::layer,
        ))
}

/// Serves the API on `listener` until `shutdown` completes, then finishes the requests in
/// flight. Meanwhile, at start and every ten minutes, removes expired tokens and old
/// nonces ([`smart_store::Container::housekeeping`]), then the temporary apps ("Launch by
/// URL") whose session is gone.
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
                match container.provider().sweep_temporary_apps().await {
                    Ok(apps) => tracing::debug!(apps, "housekeeping: temporary apps removed"),
                    Err(e) => tracing::warn!(error = %e, "sweeping temporary apps failed"),
                }
            }
        }
    });
    let limits = container.config().limits.connection_limits();
    let served = crate::listen::serve_router(listener, router(container), limits, shutdown).await;
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
    let body = axum::body::to_bytes(body, limit).await.map_err(|e| {
        if is_timeout(&e) {
            ApiError::new(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time",
            )
        } else {
            ApiError::too_large("the request body", limit)
        }
    })?;

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
    let who = match caller {
        Caller::Relayed(who) => Some(*who),
        Caller::OAuth => {
            let mut oauth = smart_auth::oauth::Request::new(&method, path_and_query)
                .with_body(content_type, &body);
            if let Some(a) = authorization {
                oauth = oauth.with_authorization(a);
            }
            container.provider().authenticate(&oauth).await?
        }
    };
    let request = AuthenticatedRequest {
        route,
        path,
        query,
        headers: parts.headers,
        body,
        who,
        started,
    };
    run_authenticated(container, request).await
}

/// True if reading a body failed because the client took too long
/// ([`crate::listen::ConnectionLimits::body_read_timeout`]).
fn is_timeout(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The end of the pipeline for an authenticated request: the access policy, then the
/// handler (a catalog call through the service, or a container endpoint).
pub async fn run_authenticated(
    container: &Container,
    request: AuthenticatedRequest,
) -> Result<Response, ApiError> {
    match request.route {
        // The service applies the policy to catalog calls itself.
        Route::Api(call, bindings) => {
            let AuthenticatedRequest {
                path,
                query,
                headers,
                body,
                who,
                started,
                ..
            } = request;
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let call = CallRequest::routed(call, bindings, &path)
                .with_query(query)
                .with_body(content_type, body)
                .with_format(response::negotiate(&headers))
                .started_at(started);
            let answer = container.execute(who.as_ref(), call).await?;
            response::answer(answer, &headers)
        }
        Route::Container(endpoint, ref bindings) => {
            container.authorize(request.who.as_ref(), endpoint.endpoint(), bindings)?;
            let ctx = Ctx {
                container,
                route: request.route.clone(),
                query: request.query,
                headers: request.headers,
                body: request.body,
                who: request.who,
            };
            crate::oauth::handle(&ctx, endpoint).await
        }
    }
}
