//! [`ApiError`]: every failure as an HTTP status with a short plain-text body naming the
//! problem. This is the one place where store and auth errors become statuses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use smart_auth::{AuthError, AuthErrorKind};
use smart_store::{ErrorKind, StoreError};

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

    /// 500, logged; the client sees a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error (see the server log)",
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

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e.kind() {
            ErrorKind::NotFound => Self::not_found(e.to_string()),
            ErrorKind::Conflict => Self::new(StatusCode::CONFLICT, e.to_string()),
            ErrorKind::Invalid => Self::bad_request(e.to_string()),
            ErrorKind::Unavailable => {
                tracing::warn!(error = %e, "store unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage is unavailable; retry later",
                )
            }
            _ => Self::internal(e),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e.kind() {
            AuthErrorKind::BadRequest => Self::bad_request(e.to_string()),
            AuthErrorKind::Unauthenticated => Self::unauthorized(e.to_string()),
            AuthErrorKind::Forbidden => Self::forbidden(e.to_string()),
            AuthErrorKind::NotFound => Self::not_found(e.to_string()),
            AuthErrorKind::Conflict => Self::new(StatusCode::CONFLICT, e.to_string()),
            AuthErrorKind::Locked => Self::new(StatusCode::TOO_MANY_REQUESTS, e.to_string()),
            // Say which store (a database down, or the nonce memory full under load), so
            // an operator can tell; smart-auth's storage messages carry no secrets.
            AuthErrorKind::Unavailable => {
                tracing::warn!(error = %e, "authentication storage unavailable");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, format!("{e}; retry later"))
            }
            _ => Self::internal(e),
        }
    }
}
