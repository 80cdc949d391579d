//! Where and how to reach a remote SPARQL 1.1 endpoint: URLs, transports, timeouts,
//! credentials. Everything is checked once, in [`RemoteSparqlConfigBuilder::build`], so that
//! a misconfiguration fails at startup rather than on the first patient request.

use std::fmt;
use std::time::Duration;

use reqwest::Url;

use crate::error::{StoreError, StoreResult};

/// How a query travels (SPARQL 1.1 Protocol §2.1.1–2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueryTransport {
    /// `GET ?query=…`; falls back to [`QueryTransport::FormPost`] when the URL would exceed
    /// [`RemoteSparqlConfig::max_get_url_length`]. Understood by every store.
    #[default]
    Get,
    /// `POST` with an `application/x-www-form-urlencoded` body `query=…`. Understood by every
    /// store, no length limit.
    FormPost,
    /// `POST` with the query as an `application/sparql-query` body. Avoid on Virtuoso, which
    /// never answers it (openlink/virtuoso-opensource#842).
    DirectPost,
}

/// How an update travels (SPARQL 1.1 Protocol §2.2.1–2.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UpdateTransport {
    /// `POST` with an `application/x-www-form-urlencoded` body `update=…`: the most portable.
    #[default]
    FormPost,
    /// `POST` with the update as an `application/sparql-update` body.
    DirectPost,
}

/// Which SPARQL results format to ask for first. Both are always accepted: the response is
/// parsed by its `Content-Type`, whatever was preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResultsFormat {
    /// SPARQL 1.1 Query Results JSON (`application/sparql-results+json`): compact and fast.
    #[default]
    Json,
    /// SPARQL Query Results XML (`application/sparql-results+xml`), for stores whose JSON is
    /// broken or missing.
    Xml,
}

impl ResultsFormat {
    /// The `Accept` header: the preferred format first, the other one as a fallback.
    pub(crate) fn accept_header(self) -> &'static str {
        match self {
            Self::Json => "application/sparql-results+json, application/sparql-results+xml;q=0.9",
            Self::Xml => "application/sparql-results+xml, application/sparql-results+json;q=0.9",
        }
    }
}

/// Which store's SPARQL to write: standard SPARQL 1.1 always, but shaped around a store's
/// known bugs where it has them (the request means the same either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SparqlDialect {
    /// spargebra's text as is.
    #[default]
    Standard,
    /// Virtuoso 7.2: a `UNION` branch that is only a `VALUES` block makes the whole `UNION`
    /// empty, so such branches are written as `BIND`s.
    Virtuoso,
}

/// HTTP Basic credentials. The password never appears in `Debug` output, error messages or
/// logs; only the user name does.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    username: String,
    password: String,
}

impl BasicCredentials {
    /// Credentials for HTTP Basic authentication.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password (for the HTTP client only).
    pub(crate) fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The default total time one request may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time to establish a TCP (and TLS) connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default longest `GET` URL. Many servers and proxies refuse request lines over 8 KiB
/// (nginx, Jetty and Tomcat defaults); staying well below leaves room for headers.
pub const DEFAULT_MAX_GET_URL_LENGTH: usize = 4096;

/// A checked configuration for [`RemoteSparqlEngine`](super::RemoteSparqlEngine).
///
/// Build it with [`RemoteSparqlConfig::builder`], a preset
/// ([`RemoteSparqlConfigBuilder::oxigraph`], [`RemoteSparqlConfigBuilder::virtuoso`],
/// [`RemoteSparqlConfigBuilder::fuseki`], [`RemoteSparqlConfigBuilder::rdf4j`]) or
/// [`RemoteSparqlConfig::from_base_url`].
#[derive(Clone, Debug)]
pub struct RemoteSparqlConfig {
    pub(crate) query_url: Url,
    pub(crate) update_url: Url,
    pub(crate) graph_store_url: Option<Url>,
    pub(crate) query_transport: QueryTransport,
    pub(crate) update_transport: UpdateTransport,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) credentials: Option<BasicCredentials>,
    pub(crate) max_get_url_length: usize,
    pub(crate) results_format: ResultsFormat,
    pub(crate) dialect: SparqlDialect,
    pub(crate) reuse_connections: bool,
}

impl RemoteSparqlConfig {
    /// A builder for explicit query and update endpoint URLs, with the portable defaults:
    /// queries by `GET` (falling back to form `POST`), updates by form `POST`.
    pub fn builder(
        query_url: impl Into<String>,
        update_url: impl Into<String>,
    ) -> RemoteSparqlConfigBuilder {
        RemoteSparqlConfigBuilder {
            query_url: query_url.into(),
            update_url: update_url.into(),
            graph_store_url: None,
            query_transport: QueryTransport::default(),
            update_transport: UpdateTransport::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            credentials: None,
            max_get_url_length: DEFAULT_MAX_GET_URL_LENGTH,
            results_format: ResultsFormat::default(),
            dialect: SparqlDialect::default(),
            reuse_connections: true,
        }
    }

    /// The Oxigraph server layout under `base_url` (`/query`, `/update`, `/store`) with
    /// default settings; see [`RemoteSparqlConfigBuilder::oxigraph`] to change them.
    pub fn from_base_url(base_url: &str) -> StoreResult<Self> {
        RemoteSparqlConfigBuilder::oxigraph(base_url).build()
    }

    /// The query endpoint.
    pub fn query_url(&self) -> &Url {
        &self.query_url
    }

    /// The update endpoint.
    pub fn update_url(&self) -> &Url {
        &self.update_url
    }

    /// The Graph Store Protocol endpoint, if configured.
    pub fn graph_store_url(&self) -> Option<&Url> {
        self.graph_store_url.as_ref()
    }

    /// How queries are sent.
    pub fn query_transport(&self) -> QueryTransport {
        self.query_transport
    }

    /// How updates are sent.
    pub fn update_transport(&self) -> UpdateTransport {
        self.update_transport
    }

    /// The total time one request may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The time to establish a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The Basic credentials, if any.
    pub fn credentials(&self) -> Option<&BasicCredentials> {
        self.credentials.as_ref()
    }

    /// The longest URL sent by `GET`; longer queries go by form `POST`.
    pub fn max_get_url_length(&self) -> usize {
        self.max_get_url_length
    }

    /// The preferred results format.
    pub fn results_format(&self) -> ResultsFormat {
        self.results_format
    }

    /// The SPARQL dialect written.
    pub fn dialect(&self) -> SparqlDialect {
        self.dialect
    }

    /// Whether idle connections are kept for the next request.
    pub fn reuse_connections(&self) -> bool {
        self.reuse_connections
    }
}

/// Builds a [`RemoteSparqlConfig`]; nothing is checked until [`build`](Self::build).
#[derive(Clone, Debug)]
pub struct RemoteSparqlConfigBuilder {
    query_url: String,
    update_url: String,
    graph_store_url: Option<String>,
    query_transport: QueryTransport,
    update_transport: UpdateTransport,
    timeout: Duration,
    connect_timeout: Duration,
    credentials: Option<BasicCredentials>,
    max_get_url_length: usize,
    results_format: ResultsFormat,
    dialect: SparqlDialect,
    reuse_connections: bool,
}

/// `base` without trailing slashes, then `/path`: `http://h:7878/` and `http://h:7878` give
/// the same endpoints, and a base with a path prefix (behind a reverse proxy) keeps it.
fn join(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

impl RemoteSparqlConfigBuilder {
    /// Oxigraph server (`oxigraph serve`): `{base}/query`, `{base}/update`, `{base}/store`.
    /// Oxigraph accepts every transport; updates go as `application/sparql-update` bodies,
    /// and one update request runs in one transaction.
    pub fn oxigraph(base_url: &str) -> Self {
        RemoteSparqlConfig::builder(join(base_url, "query"), join(base_url, "update"))
            .graph_store_url(join(base_url, "store"))
            .update_transport(UpdateTransport::DirectPost)
    }

    /// Virtuoso: `{base}/sparql` for both queries and updates.
    ///
    /// * Queries by `GET` (form `POST` when long): a direct `application/sparql-query` POST
    ///   never answers (openlink/virtuoso-opensource#842).
    /// * [`SparqlDialect::Virtuoso`], and one connection per request (see the source).
    /// * Anonymous updates need `GRANT SPARQL_UPDATE TO "SPARQL"`; the authenticated
    ///   `/sparql-auth` endpoint asks for digest authentication, which is not supported here
    ///   (put a reverse proxy with Basic authentication in front instead).
    /// * No Graph Store Protocol endpoint: Virtuoso's writable one,
    ///   `/sparql-graph-crud-auth`, is digest-only too.
    /// * A multi-operation update is **not atomic** (see
    ///   [`RemoteSparqlEngine`](super::RemoteSparqlEngine)).
    /// * Query named graphs only: a fresh Virtuoso holds system triples in its default graph.
    pub fn virtuoso(base_url: &str) -> Self {
        let sparql = join(base_url, "sparql");
        RemoteSparqlConfig::builder(sparql.clone(), sparql)
            .query_transport(QueryTransport::Get)
            .update_transport(UpdateTransport::FormPost)
            .dialect(SparqlDialect::Virtuoso)
            // Virtuoso 7.2.5.1 at times never answers a request sent on a reused keep-alive
            // connection (seen here: such requests hang until the timeout, fresh ones answer
            // at once).
            .reuse_connections(false)
    }

    /// Apache Jena Fuseki: `{base}/{dataset}/query`, `/update` and `/data` (the Graph Store
    /// Protocol). Fuseki (TDB2) runs one update request in one write transaction.
    pub fn fuseki(base_url: &str, dataset: &str) -> Self {
        let dataset_url = join(base_url, dataset.trim_matches('/'));
        RemoteSparqlConfig::builder(join(&dataset_url, "query"), join(&dataset_url, "update"))
            .graph_store_url(join(&dataset_url, "data"))
            .update_transport(UpdateTransport::DirectPost)
    }

    /// Eclipse RDF4J server or Ontotext GraphDB, given the repository URL
    /// (`http://host:8080/rdf4j-server/repositories/ID`, `http://host:7200/repositories/ID`):
    /// queries on the repository URL, updates on `{repo}/statements`, the Graph Store Protocol
    /// on `{repo}/rdf-graphs/service`. Both run one update request in one transaction.
    pub fn rdf4j(repository_url: &str) -> Self {
        let repo = repository_url.trim_end_matches('/');
        RemoteSparqlConfig::builder(repo, join(repo, "statements"))
            .graph_store_url(join(repo, "rdf-graphs/service"))
    }

    /// The query endpoint.
    pub fn query_url(mut self, url: impl Into<String>) -> Self {
        self.query_url = url.into();
        self
    }

    /// The update endpoint.
    pub fn update_url(mut self, url: impl Into<String>) -> Self {
        self.update_url = url.into();
        self
    }

    /// The Graph Store Protocol endpoint (indirect graph identification, `?graph=`).
    pub fn graph_store_url(mut self, url: impl Into<String>) -> Self {
        self.graph_store_url = Some(url.into());
        self
    }

    /// No Graph Store Protocol endpoint.
    pub fn without_graph_store(mut self) -> Self {
        self.graph_store_url = None;
        self
    }

    /// How queries are sent.
    pub fn query_transport(mut self, transport: QueryTransport) -> Self {
        self.query_transport = transport;
        self
    }

    /// How updates are sent.
    pub fn update_transport(mut self, transport: UpdateTransport) -> Self {
        self.update_transport = transport;
        self
    }

    /// The total time one request may take (connect, send, wait, read the whole body).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends HTTP Basic credentials with every request. Use `https` endpoints in production:
    /// Basic credentials travel in clear text over plain `http`.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(BasicCredentials::new(username, password));
        self
    }

    /// The longest URL sent by `GET`; longer queries go by form `POST`.
    pub fn max_get_url_length(mut self, length: usize) -> Self {
        self.max_get_url_length = length;
        self
    }

    /// The preferred results format.
    pub fn results_format(mut self, format: ResultsFormat) -> Self {
        self.results_format = format;
        self
    }

    /// The SPARQL dialect to write.
    pub fn dialect(mut self, dialect: SparqlDialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Whether idle connections are kept open for the next request (HTTP keep-alive; the
    /// default). Off, every request opens its own connection: slower, but needed where the
    /// server mishandles reused connections.
    pub fn reuse_connections(mut self, reuse: bool) -> Self {
        self.reuse_connections = reuse;
        self
    }

    /// Checks everything and returns the configuration; [`ErrorKind::Invalid`] on any
    /// problem.
    ///
    /// [`ErrorKind::Invalid`]: crate::ErrorKind::Invalid
    pub fn build(self) -> StoreResult<RemoteSparqlConfig> {
        let query_url = parse_endpoint("query", &self.query_url)?;
        let update_url = parse_endpoint("update", &self.update_url)?;
        let graph_store_url = self
            .graph_store_url
            .as_deref()
            .map(|url| parse_endpoint("graph store", url))
            .transpose()?;
        if self.timeout.is_zero() {
            return Err(StoreError::invalid(
                "SPARQL endpoint timeout must not be zero",
            ));
        }
        if self.connect_timeout.is_zero() {
            return Err(StoreError::invalid(
                "SPARQL endpoint connect timeout must not be zero",
            ));
        }
        // The query itself needs room; a limit below the bare endpoint URL would silently
        // turn every GET into a POST, which is what `FormPost` is for.
        if self.max_get_url_length <= query_url.as_str().len() {
            return Err(StoreError::invalid(format!(
                "maximum GET URL length {} leaves no room for a query after {}",
                self.max_get_url_length,
                endpoint_label(&query_url)
            )));
        }
        if let Some(credentials) = &self.credentials {
            // RFC 7617: the user-id of Basic authentication cannot contain a colon.
            if credentials.username.contains(':') {
                return Err(StoreError::invalid(
                    "SPARQL endpoint user name must not contain ':' (HTTP Basic)",
                ));
            }
        }
        Ok(RemoteSparqlConfig {
            query_url,
            update_url,
            graph_store_url,
            query_transport: self.query_transport,
            update_transport: self.update_transport,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            credentials: self.credentials,
            max_get_url_length: self.max_get_url_length,
            results_format: self.results_format,
            dialect: self.dialect,
            reuse_connections: self.reuse_connections,
        })
    }
}

/// Parses and checks one endpoint URL.
fn parse_endpoint(role: &str, url: &str) -> StoreResult<Url> {
    let parsed = Url::parse(url).map_err(|e| {
        StoreError::invalid(format!("SPARQL {role} endpoint is not a valid URL: {e}"))
    })?;
    match parsed.scheme() {
        "http" => {}
        "https" if cfg!(feature = "sparql-remote-tls") => {}
        "https" => {
            return Err(StoreError::invalid(format!(
                "SPARQL {role} endpoint {} uses https, but smart-store was built without the \
                 `sparql-remote-tls` feature",
                endpoint_label(&parsed)
            )));
        }
        other => {
            return Err(StoreError::invalid(format!(
                "SPARQL {role} endpoint must be http or https, not {other:?}"
            )));
        }
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(StoreError::invalid(format!(
            "SPARQL {role} endpoint has no host"
        )));
    }
    // Credentials in the URL would end up in error messages and logs; they have their own
    // setting, which keeps the password out of both.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(StoreError::invalid(format!(
            "SPARQL {role} endpoint URL must not contain credentials; use basic_auth"
        )));
    }
    if parsed.fragment().is_some() {
        return Err(StoreError::invalid(format!(
            "SPARQL {role} endpoint URL must not have a fragment"
        )));
    }
    Ok(parsed)
}

/// An endpoint as shown in messages: scheme, host, port and path, without the query string
/// (which, for a `GET` query, holds the query and so possibly patient data).
pub(crate) fn endpoint_label(url: &Url) -> String {
    let mut label = url.clone();
    label.set_query(None);
    label.set_fragment(None);
    // Already refused by `parse_endpoint`; cleared again in case a URL is built elsewhere.
    let _ = label.set_username("");
    let _ = label.set_password(None);
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn invalid(builder: RemoteSparqlConfigBuilder) -> String {
        let err = builder
            .build()
            .expect_err("configuration should be refused");
        assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
        err.to_string()
    }

    #[test]
    fn oxigraph_layout_from_base_url() {
        for base in ["http://h:7878", "http://h:7878/", "http://h:7878//"] {
            let config = RemoteSparqlConfig::from_base_url(base).unwrap();
            assert_eq!(config.query_url().as_str(), "http://h:7878/query");
            assert_eq!(config.update_url().as_str(), "http://h:7878/update");
            assert_eq!(
                config.graph_store_url().map(Url::as_str),
                Some("http://h:7878/store")
            );
        }
        let prefixed = RemoteSparqlConfig::from_base_url("http://h/sparql/").unwrap();
        assert_eq!(prefixed.query_url().as_str(), "http://h/sparql/query");
    }

    #[test]
    fn presets() {
        let v = RemoteSparqlConfigBuilder::virtuoso("http://h:8890")
            .build()
            .unwrap();
        assert_eq!(v.query_url().as_str(), "http://h:8890/sparql");
        assert_eq!(v.update_url().as_str(), "http://h:8890/sparql");
        assert_eq!(v.query_transport(), QueryTransport::Get);
        assert_eq!(v.update_transport(), UpdateTransport::FormPost);
        assert!(v.graph_store_url().is_none());
        assert_eq!(v.dialect(), SparqlDialect::Virtuoso);
        assert!(!v.reuse_connections());

        let f = RemoteSparqlConfigBuilder::fuseki("http://h:3030/", "/ds/")
            .build()
            .unwrap();
        assert_eq!(f.query_url().as_str(), "http://h:3030/ds/query");
        assert_eq!(f.update_url().as_str(), "http://h:3030/ds/update");
        assert_eq!(
            f.graph_store_url().map(Url::as_str),
            Some("http://h:3030/ds/data")
        );

        let r = RemoteSparqlConfigBuilder::rdf4j("http://h:7200/repositories/smart/")
            .build()
            .unwrap();
        assert_eq!(r.query_url().as_str(), "http://h:7200/repositories/smart");
        assert_eq!(
            r.update_url().as_str(),
            "http://h:7200/repositories/smart/statements"
        );
        assert_eq!(
            r.graph_store_url().map(Url::as_str),
            Some("http://h:7200/repositories/smart/rdf-graphs/service")
        );
    }

    #[test]
    fn defaults() {
        let c = RemoteSparqlConfig::builder("http://h/q", "http://h/u")
            .build()
            .unwrap();
        assert_eq!(c.query_transport(), QueryTransport::Get);
        assert_eq!(c.update_transport(), UpdateTransport::FormPost);
        assert_eq!(c.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(c.connect_timeout(), DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(c.max_get_url_length(), DEFAULT_MAX_GET_URL_LENGTH);
        assert_eq!(c.results_format(), ResultsFormat::Json);
        assert_eq!(c.dialect(), SparqlDialect::Standard);
        assert!(c.reuse_connections());
        assert!(c.credentials().is_none());
        assert!(c.graph_store_url().is_none());
    }

    #[test]
    fn refuses_bad_urls() {
        let b = |q: &str| RemoteSparqlConfig::builder(q, "http://h/u");
        assert!(invalid(b("not a url")).contains("query endpoint"));
        assert!(invalid(b("ftp://h/q")).contains("http or https"));
        assert!(invalid(b("http://h/q#frag")).contains("fragment"));
        let with_credentials = invalid(b("http://admin:s3cret@h/q"));
        assert!(with_credentials.contains("basic_auth"));
        assert!(!with_credentials.contains("s3cret"), "{with_credentials}");
        assert!(
            invalid(RemoteSparqlConfig::builder("http://h/q", "mailto:x@y")).contains("update")
        );
        assert!(
            invalid(RemoteSparqlConfig::builder("http://h/q", "http://h/u").graph_store_url("h/s"))
                .contains("graph store")
        );
    }

    #[cfg(not(feature = "sparql-remote-tls"))]
    #[test]
    fn https_needs_the_tls_feature() {
        let message = invalid(RemoteSparqlConfig::builder("https://h/q", "https://h/u"));
        assert!(message.contains("sparql-remote-tls"), "{message}");
    }

    #[cfg(feature = "sparql-remote-tls")]
    #[test]
    fn https_with_the_tls_feature() {
        RemoteSparqlConfig::builder("https://h/q", "https://h/u")
            .build()
            .unwrap();
    }

    #[test]
    fn refuses_bad_settings() {
        let b = || RemoteSparqlConfig::builder("http://h/q", "http://h/u");
        assert!(invalid(b().timeout(Duration::ZERO)).contains("timeout"));
        assert!(invalid(b().connect_timeout(Duration::ZERO)).contains("connect timeout"));
        assert!(invalid(b().max_get_url_length(10)).contains("GET URL length"));
        assert!(invalid(b().basic_auth("a:b", "pw")).contains("':'"));
        assert!(b().max_get_url_length(100).build().is_ok());
    }

    #[test]
    fn debug_redacts_the_password() {
        let config = RemoteSparqlConfig::builder("http://h/q", "http://h/u")
            .basic_auth("smart", "hunter2-very-secret")
            .build()
            .unwrap();
        for text in [
            format!("{config:?}"),
            format!("{config:#?}"),
            format!("{:?}", config.credentials().unwrap()),
        ] {
            assert!(!text.contains("hunter2-very-secret"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
            assert!(text.contains("smart"), "{text}");
        }
    }

    #[test]
    fn labels_drop_the_query_string() {
        let url = Url::parse("http://h:1/q?query=SELECT%20secret").unwrap();
        assert_eq!(endpoint_label(&url), "http://h:1/q");
    }

    #[test]
    fn accept_headers_prefer_the_chosen_format() {
        assert!(
            ResultsFormat::Json
                .accept_header()
                .starts_with("application/sparql-results+json")
        );
        assert!(
            ResultsFormat::Xml
                .accept_header()
                .starts_with("application/sparql-results+xml")
        );
    }
}
