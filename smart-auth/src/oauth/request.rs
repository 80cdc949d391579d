//! The request as the verifier sees it: the few parts of an HTTP request that OAuth signs.

/// An HTTP request reduced to what OAuth 1.0a verification needs. The HTTP layer builds one
/// from its own request type (hyper, axum, …); nothing here depends on an HTTP crate.
///
/// `path_and_query` is the request target as this server received it (`/records/1/?a=b`),
/// relative to the configured public base URL; the scheme and host are never taken from
/// the request.
///
/// ```
/// use smart_auth::oauth::Request;
///
/// let req = Request::new("POST", "/oauth/request_token")
///     .with_authorization("OAuth oauth_consumer_key=\"app\"")
///     .with_body(Some("application/x-www-form-urlencoded"), b"smart_record_id=1");
/// assert_eq!(req.method, "POST");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request<'a> {
    /// The HTTP method (upper-cased for signing).
    pub method: &'a str,
    /// The path and query, starting with `/`.
    pub path_and_query: &'a str,
    /// The `Authorization` header value, if there is exactly one. (A request with several
    /// `Authorization` headers should be refused by the HTTP layer.)
    pub authorization: Option<&'a str>,
    /// The `Content-Type` header value, if any.
    pub content_type: Option<&'a str>,
    /// The body bytes (empty if none).
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// A request without authorization header or body.
    pub fn new(method: &'a str, path_and_query: &'a str) -> Self {
        Self {
            method,
            path_and_query,
            authorization: None,
            content_type: None,
            body: &[],
        }
    }

    /// Sets the `Authorization` header value.
    pub fn with_authorization(mut self, value: &'a str) -> Self {
        self.authorization = Some(value);
        self
    }

    /// Sets the body and its `Content-Type`.
    pub fn with_body(mut self, content_type: Option<&'a str>, body: &'a [u8]) -> Self {
        self.content_type = content_type;
        self.body = body;
        self
    }

    /// True if the body is `application/x-www-form-urlencoded` (media type compared without
    /// case, parameters such as `charset` ignored). Only such a body contributes parameters
    /// to the signature.
    pub fn has_form_body(&self) -> bool {
        self.content_type.is_some_and(|ct| {
            ct.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
    }

    /// The path (before `?`).
    pub fn path(&self) -> &'a str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query, |(p, _)| p)
    }

    /// The query string (after `?`), if any.
    pub fn query(&self) -> Option<&'a str> {
        self.path_and_query.split_once('?').map(|(_, q)| q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_detection_ignores_case_and_parameters() {
        let r = Request::new("POST", "/x?a=1").with_body(
            Some("Application/X-WWW-Form-URLEncoded; charset=utf-8"),
            b"a=1",
        );
        assert!(r.has_form_body());
        assert_eq!(r.path(), "/x");
        assert_eq!(r.query(), Some("a=1"));
        let r = r.with_body(Some("multipart/form-data; boundary=x"), b"");
        assert!(!r.has_form_body());
        assert!(!Request::new("GET", "/").has_form_body());
        assert_eq!(Request::new("GET", "/").query(), None);
    }
}
