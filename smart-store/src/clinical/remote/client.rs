//! [`RemoteSparqlEngine`]: the HTTP client side of the SPARQL 1.1 Protocol and the Graph
//! Store Protocol.

use std::fmt::Write as _;
use std::sync::Arc;

use async_trait::async_trait;
use oxigraph::io::{RdfFormat, RdfParser};
use oxrdf::{NamedNodeRef, Triple};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Client, RequestBuilder, Response, StatusCode, Url};
use spargebra::{Query, SparqlParser, Update};

use super::config::{QueryTransport, RemoteSparqlConfig, UpdateTransport, endpoint_label};
use super::results::{parse_solutions, projection};
use super::text::{query_text, update_text};
use crate::clinical::engine::{Solutions, SparqlEngine};
use crate::error::{ErrorKind, StoreError, StoreResult};

/// How much of an error response body goes into a [`StoreError`] message.
const MAX_ERROR_BODY_CHARS: usize = 512;

const SPARQL_QUERY: &str = "application/sparql-query";
const SPARQL_UPDATE: &str = "application/sparql-update";
/// Graph Store Protocol bodies are written as N-Triples, which is a subset of Turtle, and
/// labelled `text/turtle`: the one RDF syntax every Graph Store Protocol implementation reads.
const GSP_BODY_TYPE: &str = "text/turtle";
const GSP_ACCEPT: &str = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5";

/// A [`SparqlEngine`] on a remote SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, Fuseki,
/// RDF4J, GraphDB, …).
///
/// Cheap to clone: clones share the connection pool.
///
/// * **Injection safety.** Queries and updates arrive as `spargebra` algebra and are written
///   out with its `Display` (a few constructs are arranged differently for Virtuoso, but
///   every term still goes through its own `Display`). Request values can only be in the algebra as terms —
///   [`NamedNode`](oxrdf::NamedNode)s, [`Literal`](oxrdf::Literal)s, variables — and
///   spargebra writes literals quoted with `"`, `\`, and control characters escaped, while
///   IRIs and language tags were validated when the terms were built (an IRI cannot contain
///   `>`, `"`, spaces or braces). So a value always comes back out as the one term it went in
///   as; it can never close a literal or a block and add syntax. This holds as long as
///   callers build terms from request values with the checking constructors, never the
///   `*_unchecked` ones.
/// * **Atomicity.** [`SparqlEngine::update`] sends the whole `Update` (all its operations)
///   as one request. Oxigraph, Fuseki (TDB2), RDF4J and GraphDB run one update request in one
///   transaction, so a failing operation leaves nothing applied (tested against Oxigraph).
///   **Virtuoso is not atomic**: with 7.2.5.1 and default settings, an `INSERT DATA`
///   followed in the same request by a failing `CREATE GRAPH` or `DROP GRAPH` stays applied
///   although the request answers 500 (tested). Use Virtuoso only where partial writes are
///   acceptable or repaired (e.g. re-import of whole records).
/// * **Errors** are never swallowed: refused connections and timeouts are
///   [`Unavailable`](ErrorKind::Unavailable); 502/503/504, 408 and 429 `Unavailable`; other
///   statuses, 3xx and 4xx included, [`Other`](ErrorKind::Other) (the server refusing a
///   query smart-rs built is not the API caller's mistake, and its answer is for the log, not
///   for the caller; the server's message, truncated, is in the error); unreadable results
///   [`Corrupt`](ErrorKind::Corrupt).
///   Messages name the endpoint without query string or credentials. Redirects are not
///   followed (a `POST` would be replayed as `GET`, and credentials could go to another
///   host): configure the final URL.
#[derive(Debug, Clone)]
pub struct RemoteSparqlEngine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: RemoteSparqlConfig,
    client: Client,
    query_label: String,
    update_label: String,
}

impl RemoteSparqlEngine {
    /// An engine for `config`. Nothing is sent yet; see [`check`](Self::check).
    pub fn new(config: RemoteSparqlConfig) -> StoreResult<Self> {
        let client = Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(if config.reuse_connections {
                usize::MAX
            } else {
                0
            })
            .user_agent(concat!("smart-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                StoreError::other("could not set up the SPARQL HTTP client").with_source(e)
            })?;
        let query_label = endpoint_label(&config.query_url);
        let update_label = endpoint_label(&config.update_url);
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                client,
                query_label,
                update_label,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &RemoteSparqlConfig {
        &self.inner.config
    }

    /// Runs a trivial query, to fail fast at startup when the endpoint is unreachable or
    /// misconfigured.
    pub async fn check(&self) -> StoreResult<()> {
        let probe = SparqlParser::new()
            .parse_query("SELECT * WHERE { } LIMIT 1")
            .map_err(|e| StoreError::other("the probe query does not parse").with_source(e))?;
        self.select(&probe).await.map(drop)
    }

    /// Graph Store Protocol `PUT`: replaces the named graph `graph` with `triples` in one
    /// request (bulk import). Needs a graph store URL.
    pub async fn put_graph(
        &self,
        graph: NamedNodeRef<'_>,
        triples: impl IntoIterator<Item = &Triple>,
    ) -> StoreResult<()> {
        let (url, label) = self.graph_url(graph)?;
        let mut body = String::new();
        for triple in triples {
            // `Triple`'s Display is N-Triples without the final dot.
            let _ = writeln!(body, "{triple} .");
        }
        let request = self
            .inner
            .client
            .put(url)
            .header(CONTENT_TYPE, GSP_BODY_TYPE)
            .body(body);
        self.send(request, &label, "graph store PUT").await?;
        Ok(())
    }

    /// Graph Store Protocol `GET`: the triples of the named graph `graph`, or `None` when the
    /// store answers 404 (no such graph). Needs a graph store URL.
    pub async fn get_graph(&self, graph: NamedNodeRef<'_>) -> StoreResult<Option<Vec<Triple>>> {
        let (url, label) = self.graph_url(graph)?;
        let request = self.inner.client.get(url).header(ACCEPT, GSP_ACCEPT);
        let Some((content_type, body)) = self
            .send_allowing_not_found(request, &label, "graph store GET")
            .await?
        else {
            return Ok(None);
        };
        let format = content_type
            .as_deref()
            .and_then(RdfFormat::from_media_type)
            .ok_or_else(|| {
                StoreError::corrupt(format!(
                    "graph store {label} sent a graph of unknown type {content_type:?}"
                ))
            })?;
        // The same refusal as every other RDF/XML input (smart_rdf::parse): entity
        // declarations could expand without bound.
        if format == RdfFormat::RdfXml && smart_rdf::format::declares_entities(&body) {
            return Err(StoreError::corrupt(format!(
                "graph store {label} sent RDF/XML that declares XML entities, which are refused"
            )));
        }
        let mut triples = Vec::new();
        for quad in RdfParser::from_format(format).for_slice(&body) {
            let quad = quad.map_err(|e| {
                StoreError::corrupt(format!("graph store {label} sent unparsable {format}"))
                    .with_source(e)
            })?;
            triples.push(Triple::from(quad));
        }
        Ok(Some(triples))
    }

    /// Graph Store Protocol `DELETE`: drops the named graph `graph`; `false` when the store
    /// answers 404 (no such graph). Needs a graph store URL.
    pub async fn delete_graph(&self, graph: NamedNodeRef<'_>) -> StoreResult<bool> {
        let (url, label) = self.graph_url(graph)?;
        let request = self.inner.client.delete(url);
        Ok(self
            .send_allowing_not_found(request, &label, "graph store DELETE")
            .await?
            .is_some())
    }

    /// The Graph Store Protocol URL of a graph (indirect identification, `?graph=`), and the
    /// endpoint label for messages.
    fn graph_url(&self, graph: NamedNodeRef<'_>) -> StoreResult<(Url, String)> {
        let base =
            self.inner.config.graph_store_url.as_ref().ok_or_else(|| {
                StoreError::invalid("no Graph Store Protocol endpoint is configured")
            })?;
        let mut url = base.clone();
        url.query_pairs_mut().append_pair("graph", graph.as_str());
        Ok((url, endpoint_label(base)))
    }

    /// The request for a query, by the configured transport.
    fn query_request(&self, text: &str) -> RequestBuilder {
        let config = &self.inner.config;
        let client = &self.inner.client;
        let form_post = || {
            client
                .post(config.query_url.clone())
                .form(&[("query", text)])
        };
        let request = match config.query_transport {
            QueryTransport::Get => {
                let mut url = config.query_url.clone();
                url.query_pairs_mut().append_pair("query", text);
                // Past the limit, servers and proxies answer 414 or cut the connection;
                // a form POST carries the same parameters without a length limit.
                if url.as_str().len() <= config.max_get_url_length {
                    client.get(url)
                } else {
                    form_post()
                }
            }
            QueryTransport::FormPost => form_post(),
            QueryTransport::DirectPost => client
                .post(config.query_url.clone())
                .header(CONTENT_TYPE, SPARQL_QUERY)
                .body(text.to_owned()),
        };
        request.header(ACCEPT, config.results_format.accept_header())
    }

    /// The request for an update, by the configured transport.
    fn update_request(&self, text: String) -> RequestBuilder {
        let config = &self.inner.config;
        let request = self.inner.client.post(config.update_url.clone());
        match config.update_transport {
            UpdateTransport::FormPost => request.form(&[("update", text)]),
            UpdateTransport::DirectPost => request.header(CONTENT_TYPE, SPARQL_UPDATE).body(text),
        }
    }

    /// Sends a request; a 2xx answer gives its content type and body, anything else an error.
    async fn send(
        &self,
        request: RequestBuilder,
        endpoint: &str,
        action: &str,
    ) -> StoreResult<(Option<String>, Vec<u8>)> {
        let response = self.execute(request, endpoint, action).await?;
        self.success_body(response, endpoint, action).await
    }

    /// Like [`send`](Self::send), but a 404 answer is `None`.
    async fn send_allowing_not_found(
        &self,
        request: RequestBuilder,
        endpoint: &str,
        action: &str,
    ) -> StoreResult<Option<(Option<String>, Vec<u8>)>> {
        let response = self.execute(request, endpoint, action).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        self.success_body(response, endpoint, action)
            .await
            .map(Some)
    }

    /// Adds the credentials and sends.
    async fn execute(
        &self,
        request: RequestBuilder,
        endpoint: &str,
        action: &str,
    ) -> StoreResult<Response> {
        let request = match &self.inner.config.credentials {
            // reqwest marks the Authorization header sensitive, so it is not logged either.
            Some(credentials) => {
                request.basic_auth(credentials.username(), Some(credentials.password()))
            }
            None => request,
        };
        request
            .send()
            .await
            .map_err(|e| transport_error(e, endpoint, action, &self.inner.config))
    }

    /// Reads the whole body; a non-2xx status is an error carrying the start of the body.
    async fn success_body(
        &self,
        response: Response,
        endpoint: &str,
        action: &str,
    ) -> StoreResult<(Option<String>, Vec<u8>)> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(e, endpoint, action, &self.inner.config))?;
        if !status.is_success() {
            return Err(status_error(status, &headers, &body, endpoint, action));
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok((content_type, body.to_vec()))
    }
}

#[async_trait]
impl SparqlEngine for RemoteSparqlEngine {
    async fn select(&self, query: &Query) -> StoreResult<Solutions> {
        if !matches!(query, Query::Select { .. }) {
            return Err(StoreError::invalid(
                "SparqlEngine::select runs SELECT queries only",
            ));
        }
        let text = query_text(query, self.inner.config.dialect);
        let label = &self.inner.query_label;
        let (content_type, body) = self.send(self.query_request(&text), label, "query").await?;
        parse_solutions(&body, content_type.as_deref(), projection(query), label)
    }

    async fn update(&self, update: &Update) -> StoreResult<()> {
        // An empty request is valid SPARQL, but some stores refuse an empty body.
        if update.operations.is_empty() {
            return Ok(());
        }
        let request = self.update_request(update_text(update, self.inner.config.dialect));
        self.send(request, &self.inner.update_label, "update")
            .await
            .map(drop)
    }
}

/// A failure before any HTTP status was received (or while reading the body).
fn transport_error(
    error: reqwest::Error,
    endpoint: &str,
    action: &str,
    config: &RemoteSparqlConfig,
) -> StoreError {
    // Without the URL: a GET URL holds the query, and so possibly patient data.
    let error = error.without_url();
    let message = if error.is_connect() && error.is_timeout() {
        format!(
            "SPARQL {action}: cannot connect to {endpoint} within {:?}",
            config.connect_timeout
        )
    } else if error.is_connect() {
        format!("SPARQL {action}: cannot connect to {endpoint}")
    } else if error.is_timeout() {
        format!(
            "SPARQL {action} at {endpoint} timed out after {:?}",
            config.timeout
        )
    } else if error.is_builder() {
        return StoreError::other(format!("SPARQL {action} at {endpoint}: bad request"))
            .with_source(error);
    } else {
        format!("SPARQL {action} at {endpoint} failed in transit")
    };
    StoreError::unavailable(message).with_source(error)
}

/// A non-2xx answer.
fn status_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    endpoint: &str,
    action: &str,
) -> StoreError {
    let kind = match status.as_u16() {
        408 | 429 | 502..=504 => ErrorKind::Unavailable,
        _ => ErrorKind::Other,
    };
    let mut message = format!("SPARQL {action} at {endpoint} failed with HTTP {status}");
    if status.is_redirection() {
        let location = headers.get(LOCATION).and_then(|v| v.to_str().ok());
        let _ = write!(
            message,
            ": redirects to {}; configure the final URL",
            location.unwrap_or("?")
        );
    }
    let snippet = error_snippet(body);
    if !snippet.is_empty() {
        let _ = write!(message, ": {snippet}");
    }
    StoreError::new(kind, message)
}

/// The start of an error body on one line, at most [`MAX_ERROR_BODY_CHARS`] characters.
fn error_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut snippet: String = text
        .chars()
        .take(MAX_ERROR_BODY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(MAX_ERROR_BODY_CHARS).is_some() {
        snippet.push('…');
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, body: &str) -> StoreError {
        status_error(
            StatusCode::from_u16(code).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
            "http://h/q",
            "query",
        )
    }

    #[test]
    fn maps_statuses_to_kinds() {
        for (code, kind) in [
            (400, ErrorKind::Other),
            (401, ErrorKind::Other),
            (404, ErrorKind::Other),
            (414, ErrorKind::Other),
            (301, ErrorKind::Other),
            (408, ErrorKind::Unavailable),
            (429, ErrorKind::Unavailable),
            (502, ErrorKind::Unavailable),
            (503, ErrorKind::Unavailable),
            (504, ErrorKind::Unavailable),
            (500, ErrorKind::Other),
            (501, ErrorKind::Other),
        ] {
            let err = status(code, "boom");
            assert_eq!(err.kind(), kind, "{code}");
            assert!(err.message().contains("http://h/q"), "{err}");
            assert!(err.message().contains(&code.to_string()), "{err}");
            assert!(err.message().ends_with(": boom"), "{err}");
        }
    }

    #[test]
    fn truncates_error_bodies_to_one_line() {
        let long = format!(
            "line one\nline two {}",
            "é".repeat(2 * MAX_ERROR_BODY_CHARS)
        );
        let err = status(400, &long);
        let snippet = err.message().split_once(": ").unwrap().1;
        assert!(!snippet.contains('\n'));
        assert!(snippet.starts_with("line one line two é"));
        assert!(snippet.ends_with('…'));
        assert_eq!(snippet.chars().count(), MAX_ERROR_BODY_CHARS + 1);
        assert!(!status(500, "").message().ends_with(": "));
    }

    #[test]
    fn names_the_redirect_target() {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, "http://elsewhere/sparql".parse().unwrap());
        let err = status_error(
            StatusCode::MOVED_PERMANENTLY,
            &headers,
            b"",
            "http://h/q",
            "query",
        );
        assert_eq!(err.kind(), ErrorKind::Other);
        assert!(err.message().contains("http://elsewhere/sparql"), "{err}");
    }
}
