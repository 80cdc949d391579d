//! Building responses: RDF in the negotiated format, the `api:ResponseSummary`, plain
//! text, JSON, form-encoded replies, and validators (ETag, Last-Modified).

use crate::error::ApiError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{BlankNode, Graph, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use sha2::{Digest, Sha256};
use smart_core::api;
use smart_rdf::RdfFormat;
use std::time::{Instant, SystemTime};

/// The format an `Accept` header asks for (RDF/XML when absent), or 406.
pub(crate) fn negotiate(headers: &HeaderMap) -> Result<RdfFormat, ApiError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    smart_rdf::negotiate::negotiate(accept)
        .map_err(|e| ApiError::new(StatusCode::NOT_ACCEPTABLE, e.to_string()))
}

/// The media type we send for a format (RDF/XML is what SMART clients parse).
fn content_type(format: RdfFormat) -> String {
    match format {
        RdfFormat::RdfXml => "application/rdf+xml; charset=utf-8".to_owned(),
        other => format!("{}; charset=utf-8", other.media_type()),
    }
}

/// An RDF response.
pub(crate) fn rdf(graph: &Graph, format: RdfFormat) -> Response {
    let bytes = smart_rdf::serialize(graph, format);
    bytes_response(StatusCode::OK, &content_type(format), bytes)
}

/// An RDF response for one record item, with a strong ETag of its bytes (a matching
/// `If-None-Match` gets 304) and `Last-Modified` when known.
pub(crate) fn rdf_item(
    graph: &Graph,
    format: RdfFormat,
    request: &HeaderMap,
    modified: Option<SystemTime>,
) -> Response {
    let bytes = smart_rdf::serialize(graph, format);
    let digest = Sha256::digest(&bytes);
    let etag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let not_modified = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        bytes_response(StatusCode::OK, &content_type(format), bytes)
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if let Some(t) = modified {
        if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(t)) {
            headers.insert(header::LAST_MODIFIED, v);
        }
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
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes_response(StatusCode::OK, "application/json", bytes)
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

/// The `api:ResponseSummary` of a collection response.
#[derive(Debug)]
pub(crate) struct Summary {
    /// Statements in this response.
    pub returned: usize,
    /// Statements that passed the filters.
    pub total: usize,
    /// The page in order (public IRIs), when paged.
    pub order: Option<Vec<NamedNode>>,
    /// The next page's URL, when there is one.
    pub next_page: Option<String>,
    /// When the request started.
    pub started: Instant,
}

impl Summary {
    /// Adds the summary node to `graph`.
    pub(crate) fn add_to(&self, graph: &mut Graph) {
        let node = NamedOrBlankNode::from(BlankNode::default());
        let integer =
            |n: usize| Term::from(Literal::new_typed_literal(n.to_string(), xsd::INTEGER));
        let mut add = |s: &NamedOrBlankNode, p: &str, o: Term| {
            graph.insert(&Triple::new(s.clone(), NamedNode::new_unchecked(p), o));
        };
        add(
            &node,
            rdf::TYPE.as_str(),
            Term::from(NamedNode::new_unchecked(api!("ResponseSummary"))),
        );
        add(&node, api!("resultsReturned"), integer(self.returned));
        add(&node, api!("totalResultCount"), integer(self.total));
        let ms = usize::try_from(self.started.elapsed().as_millis()).unwrap_or(usize::MAX);
        add(&node, api!("processingTimeMs"), integer(ms));
        if let Some(next) = &self.next_page {
            add(
                &node,
                api!("nextPageURL"),
                Term::from(Literal::new_simple_literal(next)),
            );
        }
        if let Some(order) = &self.order {
            // An RDF collection, so clients get the page order back.
            let mut head = Term::from(rdf::NIL.into_owned());
            for iri in order.iter().rev() {
                let cell = BlankNode::default();
                let subject = NamedOrBlankNode::from(cell.clone());
                add(&subject, rdf::FIRST.as_str(), Term::from(iri.clone()));
                add(&subject, rdf::REST.as_str(), head);
                head = Term::from(cell);
            }
            add(&node, api!("resultOrder"), head);
        }
    }
}
