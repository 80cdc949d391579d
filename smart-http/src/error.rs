//! [`ApiError`]: every failure as an HTTP status with a short plain-text body naming the
//! problem. Store, auth and service errors become statuses here only, by their kind
//! (`status_of`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use smart_auth::AuthError;
use smart_store::StoreError;
use smart_store::container::{ServiceError, ServiceErrorKind};

/// An error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    allow: Option<String>,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            allow: None,
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 (a `WWW-Authenticate: OAuth` challenge is added).
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 405 with the `Allow` header.
    pub fn method_not_allowed(method: &str, allowed: &[&str]) -> Self {
        Self {
            status: StatusCode::METHOD_NOT_ALLOWED,
            message: format!(
                "method {method} is not allowed here; allowed: {}",
                allowed.join(", ")
            ),
            allow: Some(allowed.join(", ")),
        }
    }

    /// 413.
    pub fn too_large(what: &str, limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{what} is larger than the limit of {limit} bytes"),
        )
    }

    /// 415.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message)
    }

    /// 500, logged with the request id; the client sees a generic message with that id.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let id = crate::observe::request_id();
        tracing::error!(request_id = %id, %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error (see the server log, request id {id})"),
        )
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n", self.message),
        )
            .into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("OAuth realm=\"smart\""),
            );
        }
        if let Some(allow) = self.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
            headers.insert(header::ALLOW, allow);
        }
        response
    }
}

/// The HTTP status of each kind of service failure: the one place where failures become
/// statuses.
fn status_of(kind: ServiceErrorKind) -> StatusCode {
    match kind {
        ServiceErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ServiceErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ServiceErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ServiceErrorKind::NotFound => StatusCode::NOT_FOUND,
        ServiceErrorKind::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
        ServiceErrorKind::Conflict => StatusCode::CONFLICT,
        ServiceErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ServiceErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ServiceErrorKind::Locked => StatusCode::TOO_MANY_REQUESTS,
        ServiceErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match (status_of(e.kind()), e.detail()) {
            // The detail goes to the log, not to the client.
            (StatusCode::INTERNAL_SERVER_ERROR, detail) => {
                Self::internal(detail.unwrap_or(e.message()))
            }
            // A store's failure: its full text (backend errors, paths, hosts) goes to the
            // log with the request id; the client gets the short message and the id.
            (status, Some(detail)) => {
                let id = crate::observe::request_id();
                tracing::warn!(request_id = %id, status = status.as_u16(), %detail, "a store refused or failed");
                Self::new(status, format!("{} (request id {id})", e.message()))
            }
            (status, None) => Self::new(status, e.message()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ServiceError::from(e).into()
    }
}

/// An identifier that fails its validation is the client's mistake: a 400 naming it.
impl From<smart_core::IdError> for ApiError {
    fn from(e: smart_core::IdError) -> Self {
        Self::bad_request(e.to_string())
    }
}
