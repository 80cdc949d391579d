//! Stateless verification of one signed request: [`VerifierConfig`] (what is accepted) and
//! [`SignedRequest`] (the parsed protocol parameters, the base string, and the checks that
//! need nothing but secrets and the time).
//!
//! Looking up consumers and tokens, and remembering nonces, happen in
//! [`crate::provider::Provider::authenticate`], which calls into this module.

use super::base::{BaseUri, base_string};
use super::encode::parse_form;
use super::header;
use super::request::Request;
use super::signature::{self, SignatureMethod};
use crate::config::ConfigError;
use crate::time::Timestamp;
use std::time::Duration;

/// The default timestamp window: requests more than 5 minutes early or late are refused.
pub const DEFAULT_TIMESTAMP_WINDOW: Duration = Duration::from_secs(300);
/// The widest timestamp window a configuration may set.
pub const MAX_TIMESTAMP_WINDOW: Duration = Duration::from_secs(3600);
/// The longest nonce accepted, in bytes (it bounds the replay cache's memory).
pub const MAX_NONCE_LEN: usize = 128;
const MAX_KEY_LEN: usize = 256;

/// Why a signed request was refused before or during signature verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The `Authorization` header cannot be read.
    #[error("malformed Authorization header: {0}")]
    MalformedHeader(&'static str),
    /// The query string or form body has a bad `%`-escape.
    #[error("the {0} has a malformed %-escape")]
    BadEncoding(&'static str),
    /// The request target is not a path starting with `/`.
    #[error("the request target must be a path starting with '/'")]
    BadTarget,
    /// A required OAuth parameter is absent.
    #[error("missing OAuth parameter {0}")]
    MissingParameter(&'static str),
    /// An `oauth_*` parameter appears more than once (in one source or across sources).
    #[error("OAuth parameter {0} appears more than once")]
    DuplicateParameter(String),
    /// An OAuth parameter has an unacceptable value (not UTF-8, empty, too long, not a
    /// number).
    #[error("OAuth parameter {0} has an invalid value")]
    InvalidParameter(&'static str),
    /// `oauth_version` is present and not `1.0`.
    #[error("oauth_version must be 1.0")]
    UnsupportedVersion,
    /// The signature method is unknown or not enabled.
    #[error("signature method {0:?} is not supported here")]
    UnsupportedSignatureMethod(String),
    /// The timestamp is outside the window around the server's time.
    #[error("oauth_timestamp is outside the accepted window")]
    StaleTimestamp,
    /// The timestamp is older than the moment this node started remembering nonces.
    #[error("oauth_timestamp is older than the server's replay memory")]
    BeforeReplayMemory,
    /// The signature does not match.
    #[error("the signature does not match")]
    BadSignature,
    /// `oauth_body_hash` does not match the body.
    #[error("oauth_body_hash does not match the body")]
    BodyHashMismatch,
    /// The request has a body that is not form-encoded and no `oauth_body_hash`, so the
    /// signature would not cover the body (required unless the configuration accepts it).
    #[error(
        "oauth_body_hash is required: this request's body is not form-encoded, so it must \
         carry oauth_body_hash = base64(SHA-1(body)) (SHA-256 with HMAC-SHA256) among the \
         signed OAuth parameters"
    )]
    BodyHashRequired,
}

/// How callers branch on a [`SignatureError`] (RFC 5849 §3.2 separates "bad request" from
/// "unauthorized").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureErrorKind {
    /// The request is malformed: a missing, duplicated or unreadable parameter.
    Malformed,
    /// A signature method or version this server does not accept.
    Unsupported,
    /// The request is well-formed but not authentic or not fresh.
    Rejected,
}

impl SignatureError {
    /// The category of the error.
    pub fn kind(&self) -> SignatureErrorKind {
        match self {
            Self::MalformedHeader(_)
            | Self::BadEncoding(_)
            | Self::BadTarget
            | Self::MissingParameter(_)
            | Self::DuplicateParameter(_)
            | Self::InvalidParameter(_) => SignatureErrorKind::Malformed,
            Self::UnsupportedVersion | Self::UnsupportedSignatureMethod(_) => {
                SignatureErrorKind::Unsupported
            }
            Self::StaleTimestamp
            | Self::BeforeReplayMemory
            | Self::BadSignature
            | Self::BodyHashMismatch
            | Self::BodyHashRequired => SignatureErrorKind::Rejected,
        }
    }
}

/// What the verifier accepts. Built with [`VerifierConfig::builder`]; the defaults are the
/// safe ones (HMAC-SHA1 only, ±5 minutes, `oauth_body_hash` required on non-form bodies).
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    base: BaseUri,
    hmac_sha256: bool,
    plaintext: bool,
    window: Duration,
    require_body_hash: bool,
}

impl VerifierConfig {
    /// Starts a configuration for the container's public API base URL (the URL clients
    /// sign, e.g. `https://ehr.example.org/smart`).
    pub fn builder(public_base: &str) -> Result<VerifierConfigBuilder, ConfigError> {
        Ok(VerifierConfigBuilder {
            config: Self {
                base: BaseUri::parse(public_base)?,
                hmac_sha256: false,
                plaintext: false,
                window: DEFAULT_TIMESTAMP_WINDOW,
                require_body_hash: true,
            },
        })
    }

    /// The public base URL.
    pub fn base(&self) -> &BaseUri {
        &self.base
    }

    /// The timestamp window.
    pub fn timestamp_window(&self) -> Duration {
        self.window
    }

    /// True if `method` is accepted.
    pub fn accepts(&self, method: SignatureMethod) -> bool {
        match method {
            SignatureMethod::HmacSha1 => true,
            SignatureMethod::HmacSha256 => self.hmac_sha256,
            SignatureMethod::Plaintext => self.plaintext,
        }
    }

    /// True if non-form bodies must carry `oauth_body_hash`.
    pub fn requires_body_hash(&self) -> bool {
        self.require_body_hash
    }
}

/// Builder of a [`VerifierConfig`].
#[derive(Debug, Clone)]
pub struct VerifierConfigBuilder {
    config: VerifierConfig,
}

impl VerifierConfigBuilder {
    /// Sets the timestamp window (1 second to 1 hour).
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.config.window = window;
        self
    }

    /// Also accepts `HMAC-SHA256`.
    pub fn allow_hmac_sha256(mut self) -> Self {
        self.config.hmac_sha256 = true;
        self
    }

    /// Requires `oauth_body_hash` on every request with a non-empty body that is not
    /// form-encoded (so that such bodies are covered by the signature). This is the
    /// default; see [`DangerousVerifierConfigBuilder::accept_missing_body_hash`] for the
    /// original SMART clients that never send it. A present body hash is always checked.
    pub fn require_body_hash(mut self) -> Self {
        self.config.require_body_hash = true;
        self
    }

    /// Options that weaken security, each of which must be asked for by name.
    pub fn dangerous(self) -> DangerousVerifierConfigBuilder {
        DangerousVerifierConfigBuilder { inner: self }
    }

    /// Checks and returns the configuration.
    pub fn build(self) -> Result<VerifierConfig, ConfigError> {
        let c = self.config;
        if c.window.is_zero() || c.window > MAX_TIMESTAMP_WINDOW {
            return Err(ConfigError::OutOfRange {
                what: "timestamp window",
                allowed: "1 s to 1 h",
            });
        }
        if c.plaintext && !c.base.is_https() {
            return Err(ConfigError::PlaintextWithoutHttps);
        }
        Ok(c)
    }
}

/// The insecure options of a [`VerifierConfigBuilder`].
#[derive(Debug, Clone)]
pub struct DangerousVerifierConfigBuilder {
    inner: VerifierConfigBuilder,
}

impl DangerousVerifierConfigBuilder {
    /// Accepts `PLAINTEXT` signatures, which carry the secrets themselves. Building fails
    /// unless the public base URL is `https`.
    pub fn allow_plaintext(mut self) -> Self {
        self.inner.config.plaintext = true;
        self
    }

    /// Accepts requests whose non-form body carries no `oauth_body_hash` (the original SMART
    /// clients never send one). Such a body is then not covered by the signature: whoever
    /// intercepts the request can swap it. A body hash that is sent is still checked.
    pub fn accept_missing_body_hash(mut self) -> Self {
        self.inner.config.require_body_hash = false;
        self
    }

    /// Back to the ordinary options.
    pub fn done(self) -> VerifierConfigBuilder {
        self.inner
    }

    /// Checks and returns the configuration.
    pub fn build(self) -> Result<VerifierConfig, ConfigError> {
        self.inner.build()
    }
}

/// A request's OAuth protocol parameters and signature base string, parsed and checked for
/// form but not yet authenticated.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    method: SignatureMethod,
    consumer_key: String,
    token: Option<String>,
    nonce: String,
    timestamp: Timestamp,
    signature: String,
    callback: Option<String>,
    verifier: Option<String>,
    params: Vec<(Vec<u8>, Vec<u8>)>,
    base_string: String,
    body_hash: BodyHash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyHash {
    Absent,
    Matches,
    Differs,
    Required,
}

/// Where a parameter came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Header,
    Query,
    Body,
}

fn utf8(name: &'static str, bytes: &[u8]) -> Result<String, SignatureError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| SignatureError::InvalidParameter(name))
}

impl SignedRequest {
    /// Parses a request against the configured public base.
    ///
    /// Returns `Ok(None)` when the request carries no OAuth protocol parameter at all (no
    /// `OAuth` Authorization header and no `oauth_*` parameter in the query or form body):
    /// it is anonymous. Every other request must be complete and well-formed.
    pub fn parse(
        config: &VerifierConfig,
        req: &Request<'_>,
    ) -> Result<Option<Self>, SignatureError> {
        if !req.path_and_query.starts_with('/') {
            return Err(SignatureError::BadTarget);
        }
        Self::parse_at(config, &config.base.with_path(req.path()), req)
    }

    /// Parses a request whose base string URI is given directly (already normalized).
    pub(crate) fn parse_at(
        config: &VerifierConfig,
        uri: &str,
        req: &Request<'_>,
    ) -> Result<Option<Self>, SignatureError> {
        let mut params: Vec<(Source, Vec<u8>, Vec<u8>)> = Vec::new();
        let mut has_header = false;
        if let Some(h) = req.authorization {
            if header::is_oauth(h) {
                has_header = true;
                for (n, v) in header::parse(h).map_err(SignatureError::MalformedHeader)? {
                    params.push((Source::Header, n, v));
                }
            }
        }
        if let Some(q) = req.query() {
            for (n, v) in
                parse_form(q.as_bytes()).map_err(|_| SignatureError::BadEncoding("query string"))?
            {
                params.push((Source::Query, n, v));
            }
        }
        let form = req.has_form_body();
        if form {
            for (n, v) in
                parse_form(req.body).map_err(|_| SignatureError::BadEncoding("form body"))?
            {
                params.push((Source::Body, n, v));
            }
        }
        let is_protocol = |n: &[u8]| n.starts_with(b"oauth_");
        if !has_header && !params.iter().any(|(_, n, _)| is_protocol(n)) {
            return Ok(None);
        }
        // Every oauth_* name at most once, across all sources.
        let mut seen: Vec<&[u8]> = Vec::new();
        for (_, n, _) in &params {
            if is_protocol(n) {
                if seen.contains(&n.as_slice()) {
                    return Err(SignatureError::DuplicateParameter(
                        String::from_utf8_lossy(n).into_owned(),
                    ));
                }
                seen.push(n);
            }
        }
        let get = |name: &str| {
            params
                .iter()
                .find(|(_, n, _)| n == name.as_bytes())
                .map(|(_, _, v)| v.as_slice())
        };
        let required = |name: &'static str| -> Result<String, SignatureError> {
            let v = get(name).ok_or(SignatureError::MissingParameter(name))?;
            let v = utf8(name, v)?;
            if v.is_empty() {
                return Err(SignatureError::MissingParameter(name));
            }
            Ok(v)
        };
        let optional = |name: &'static str| get(name).map(|v| utf8(name, v)).transpose();

        if let Some(version) = get("oauth_version") {
            if version != b"1.0" {
                return Err(SignatureError::UnsupportedVersion);
            }
        }
        let method_name = required("oauth_signature_method")?;
        let method = SignatureMethod::from_name(&method_name)
            .filter(|m| config.accepts(*m))
            .ok_or(SignatureError::UnsupportedSignatureMethod(method_name))?;
        let consumer_key = required("oauth_consumer_key")?;
        if consumer_key.len() > MAX_KEY_LEN {
            return Err(SignatureError::InvalidParameter("oauth_consumer_key"));
        }
        let signature = required("oauth_signature")?;
        let token = optional("oauth_token")?.filter(|t| !t.is_empty());
        if token.as_ref().is_some_and(|t| t.len() > MAX_KEY_LEN) {
            return Err(SignatureError::InvalidParameter("oauth_token"));
        }
        // RFC 5849 §3.1: PLAINTEXT may omit timestamp and nonce; we require them anyway, so
        // that replay protection is the same for every method.
        let timestamp = required("oauth_timestamp")?;
        if timestamp.len() > 20 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SignatureError::InvalidParameter("oauth_timestamp"));
        }
        let timestamp = timestamp
            .parse::<u64>()
            .ok()
            .filter(|t| *t > 0)
            .ok_or(SignatureError::InvalidParameter("oauth_timestamp"))?;
        let nonce = required("oauth_nonce")?;
        if nonce.len() > MAX_NONCE_LEN {
            return Err(SignatureError::InvalidParameter("oauth_nonce"));
        }
        let callback = optional("oauth_callback")?;
        let verifier = optional("oauth_verifier")?;
        let body_hash = match optional("oauth_body_hash")? {
            Some(h) => {
                if signature::body_hash_matches(method, req.body, &h) {
                    BodyHash::Matches
                } else {
                    BodyHash::Differs
                }
            }
            None if config.require_body_hash && !form && !req.body.is_empty() => BodyHash::Required,
            None => BodyHash::Absent,
        };

        let signed: Vec<(&[u8], &[u8])> = params
            .iter()
            .filter(|(_, n, _)| n != b"oauth_signature")
            .map(|(_, n, v)| (n.as_slice(), v.as_slice()))
            .collect();
        let base_string = base_string(req.method, uri, &signed);
        let params = params
            .into_iter()
            .filter(|(_, n, _)| n != b"oauth_signature")
            .map(|(_, n, v)| (n, v))
            .collect();
        Ok(Some(Self {
            method,
            consumer_key,
            token,
            nonce,
            // Beyond i64 seconds saturates: still a timestamp, refused as stale.
            timestamp: Timestamp::from_unix_secs(i64::try_from(timestamp).unwrap_or(i64::MAX)),
            signature,
            callback,
            verifier,
            params,
            base_string,
            body_hash,
        }))
    }

    /// Checks the timestamp: within `window` of `now`, and not before `not_before` (the
    /// start of the replay memory, see [`crate::nonce::NonceStore::remembers_since`]).
    pub fn check_timestamp(
        &self,
        now: Timestamp,
        window: Duration,
        not_before: Option<Timestamp>,
    ) -> Result<(), SignatureError> {
        // OAuth timestamps count whole seconds: compare with the current whole second.
        let now = Timestamp::from_unix_secs(now.as_unix_secs());
        if self.timestamp.distance(now) > window {
            return Err(SignatureError::StaleTimestamp);
        }
        if not_before.is_some_and(|start| self.timestamp < start) {
            return Err(SignatureError::BeforeReplayMemory);
        }
        Ok(())
    }

    /// Checks the signature with these secrets (an empty token secret when there is no
    /// token), then the body hash. Constant-time in the signature's content.
    pub fn verify(&self, consumer_secret: &str, token_secret: &str) -> Result<(), SignatureError> {
        if !signature::verify(
            self.method,
            &self.base_string,
            consumer_secret,
            token_secret,
            &self.signature,
        ) {
            return Err(SignatureError::BadSignature);
        }
        match self.body_hash {
            BodyHash::Absent | BodyHash::Matches => Ok(()),
            BodyHash::Differs => Err(SignatureError::BodyHashMismatch),
            BodyHash::Required => Err(SignatureError::BodyHashRequired),
        }
    }

    /// `oauth_signature_method`.
    pub fn signature_method(&self) -> SignatureMethod {
        self.method
    }

    /// `oauth_consumer_key`.
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// `oauth_token`, if present and not empty.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// `oauth_nonce`.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// `oauth_timestamp`.
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }

    /// `oauth_callback`, if present.
    pub fn callback(&self) -> Option<&str> {
        self.callback.as_deref()
    }

    /// `oauth_verifier`, if present.
    pub fn verifier(&self) -> Option<&str> {
        self.verifier.as_deref()
    }

    /// The signature base string.
    pub fn base_string(&self) -> &str {
        &self.base_string
    }

    /// The first signed parameter with this name (from the header, the query or a form
    /// body), if its value is UTF-8. `oauth_signature` is not among them.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name.as_bytes())
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }
}
