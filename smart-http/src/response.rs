//! Building responses: the service's [`CallAnswer`] with its content type and validators
//! (ETag, `If-None-Match`, Last-Modified), plain text, JSON and form-encoded replies.

use crate::error::ApiError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use smart_rdf::RdfFormat;
use smart_rdf::negotiate::NotAcceptable;
use smart_store::container::{CallAnswer, RdfAnswer};

/// The RDF format an `Accept` header asks for (RDF/XML when absent), or why none fits;
/// the service turns the latter into 406 when the call answers RDF.
pub(crate) fn negotiate(headers: &HeaderMap) -> Result<RdfFormat, NotAcceptable> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    smart_rdf::negotiate::negotiate(accept)
}

/// The media type we send for a format (RDF/XML is what SMART clients parse).
///
/// RDF/XML goes out as exactly `application/rdf+xml`, without a charset parameter: the
/// SMART API Verifier compares the content type as a whole string (a `; charset` suffix
/// fails every call), and the XML declaration already names the encoding.
pub(crate) fn content_type(format: RdfFormat) -> String {
    match format {
        RdfFormat::RdfXml => "application/rdf+xml".to_owned(),
        other => format!("{}; charset=utf-8", other.media_type()),
    }
}

/// The response to a service answer; `request` is read for `If-None-Match`.
pub(crate) fn answer(answer: CallAnswer, request: &HeaderMap) -> Result<Response, ApiError> {
    Ok(match answer {
        CallAnswer::Rdf(rdf) => rdf_response(rdf, request),
        CallAnswer::Json(text) => json_text(text),
        CallAnswer::Text(text) => self::text(text),
        CallAnswer::Bytes {
            content_type,
            bytes,
        } => stored_bytes(&content_type, bytes),
        other => return Err(ApiError::internal(format!("unknown answer {other:?}"))),
    })
}

/// An RDF answer: for an item, 304 when `If-None-Match` names its ETag, with `ETag` and,
/// when known, `Last-Modified`.
fn rdf_response(rdf: RdfAnswer, request: &HeaderMap) -> Response {
    let Some(validators) = rdf.validators else {
        return bytes_response(StatusCode::OK, &content_type(rdf.format), rdf.body);
    };
    let etag = validators.etag.as_str();
    let not_modified = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        bytes_response(StatusCode::OK, &content_type(rdf.format), rdf.body)
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, v);
    }
    if let Some(t) = validators.modified {
        if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(t)) {
            headers.insert(header::LAST_MODIFIED, v);
        }
    }
    response
}

/// Bytes that users or apps stored (documents, photographs, scratchpad, preferences),
/// under the content type they gave. A browser must never run them as part of the
/// container's origin: `nosniff` stops it guessing a type, a sandboxing CSP keeps any
/// script inert, and types a browser would render actively (HTML, XHTML, SVG, XML) are sent
/// as attachments to download, never shown inline.
fn stored_bytes(content_type: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes_response(StatusCode::OK, content_type, bytes);
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ),
    );
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let active = matches!(
        essence.as_str(),
        "text/html" | "application/xhtml+xml" | "image/svg+xml" | "text/xml" | "application/xml"
    ) || essence.ends_with("+xml") && essence != "application/rdf+xml";
    if active {
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
    response
}

/// A response with these bytes and content type.
pub(crate) fn bytes_response(status: StatusCode, content_type: &str, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let value = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(header::CONTENT_TYPE, value);
    response
}

/// A plain-text 200.
pub(crate) fn text(body: impl Into<String>) -> Response {
    bytes_response(
        StatusCode::OK,
        "text/plain; charset=utf-8",
        body.into().into_bytes(),
    )
}

/// A JSON 200.
pub(crate) fn json(value: &serde_json::Value) -> Response {
    json_text(serde_json::to_string_pretty(value).unwrap_or_default())
}

/// A 200 with JSON already serialized.
pub(crate) fn json_text(mut text: String) -> Response {
    text.push('\n');
    bytes_response(StatusCode::OK, "application/json", text.into_bytes())
}

/// A form-encoded 200 (OAuth token replies).
pub(crate) fn form(body: String) -> Response {
    bytes_response(
        StatusCode::OK,
        "application/x-www-form-urlencoded",
        body.into_bytes(),
    )
}
