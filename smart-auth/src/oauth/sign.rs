//! Signing: building an `Authorization: OAuth …` header value. The container uses it for
//! the SMART Connect launch header (`oauth_header`); tools and tests may use it as a
//! client.

use super::base::{BaseUriError, base_string, split_absolute};
use super::encode::{parse_form, percent_encode};
use super::signature::{SignatureMethod, sign};
use crate::random::Secret;
use crate::time::Timestamp;

/// Signs one request and returns the `Authorization` header value.
///
/// ```
/// use smart_auth::oauth::{HeaderSigner, SignatureMethod};
/// use smart_auth::{Secret, Timestamp};
///
/// let secret = Secret::new("kd94hf93k423kf44");
/// let header = HeaderSigner::new(SignatureMethod::HmacSha1, "dpf43f3p2l4k3l03", &secret)
///     .nonce("wIjqoS")
///     .timestamp(Timestamp::from_unix_secs(137131200))
///     .callback("http://printer.example.com/ready")
///     .version(false)
///     .sign("POST", "https://photos.example.net/initiate", None)
///     .unwrap();
/// assert!(header.contains(r#"oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D""#));
/// ```
#[derive(Debug, Clone)]
pub struct HeaderSigner<'a> {
    method: SignatureMethod,
    consumer_key: &'a str,
    consumer_secret: &'a Secret,
    token: Option<(&'a str, &'a Secret)>,
    nonce: &'a str,
    timestamp: Timestamp,
    version: bool,
    realm: Option<&'a str>,
    extra: Vec<(&'a str, &'a str)>,
    body_hash: Option<String>,
}

impl<'a> HeaderSigner<'a> {
    /// A signer for this consumer. Set the nonce and timestamp before signing.
    pub fn new(
        method: SignatureMethod,
        consumer_key: &'a str,
        consumer_secret: &'a Secret,
    ) -> Self {
        Self {
            method,
            consumer_key,
            consumer_secret,
            token: None,
            nonce: "",
            timestamp: Timestamp::from_unix_secs(0),
            version: true,
            realm: None,
            extra: Vec::new(),
            body_hash: None,
        }
    }

    /// Signs with a token.
    pub fn token(mut self, token: &'a str, secret: &'a Secret) -> Self {
        self.token = Some((token, secret));
        self
    }

    /// The nonce (draw it from a [`crate::SecureRandom`]).
    pub fn nonce(mut self, nonce: &'a str) -> Self {
        self.nonce = nonce;
        self
    }

    /// The timestamp.
    pub fn timestamp(mut self, timestamp: Timestamp) -> Self {
        self.timestamp = timestamp;
        self
    }

    /// Whether to send `oauth_version="1.0"` (default: yes, as SMART clients do).
    pub fn version(mut self, version: bool) -> Self {
        self.version = version;
        self
    }

    /// A `realm` parameter (not signed).
    pub fn realm(mut self, realm: &'a str) -> Self {
        self.realm = Some(realm);
        self
    }

    /// `oauth_callback`.
    pub fn callback(self, callback: &'a str) -> Self {
        self.param("oauth_callback", callback)
    }

    /// `oauth_verifier`.
    pub fn verifier(self, verifier: &'a str) -> Self {
        self.param("oauth_verifier", verifier)
    }

    /// Another parameter carried (and signed) in the header, such as the SMART launch
    /// parameters.
    pub fn param(mut self, name: &'a str, value: &'a str) -> Self {
        self.extra.push((name, value));
        self
    }

    /// Sends `oauth_body_hash` for this body (a body that is not form-encoded: XML, JSON,
    /// text, a file), so that the signature covers it. Servers require it on such bodies by
    /// default. Uses the digest of the signature method (SHA-1, or SHA-256 for HMAC-SHA256).
    pub fn body(mut self, body: &[u8]) -> Self {
        self.body_hash = Some(super::signature::body_hash(self.method, body));
        self
    }

    /// The header value for `http_method` on `url` (absolute; its query is signed), with an
    /// optional form-encoded body whose parameters are signed too.
    pub fn sign(
        &self,
        http_method: &str,
        url: &str,
        form_body: Option<&[u8]>,
    ) -> Result<String, BaseUriError> {
        let (uri, rest) = split_absolute(url)?;
        let timestamp = self.timestamp.as_unix_secs().to_string();
        let mut header: Vec<(&str, &str)> = vec![
            ("oauth_consumer_key", self.consumer_key),
            ("oauth_nonce", self.nonce),
            ("oauth_signature_method", self.method.as_str()),
            ("oauth_timestamp", &timestamp),
        ];
        if let Some((token, _)) = self.token {
            header.push(("oauth_token", token));
        }
        if self.version {
            header.push(("oauth_version", "1.0"));
        }
        header.extend(self.extra.iter().copied());
        if let Some(hash) = &self.body_hash {
            header.push(("oauth_body_hash", hash));
        }

        let mut signed: Vec<(Vec<u8>, Vec<u8>)> = header
            .iter()
            .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect();
        let query = rest
            .strip_prefix('?')
            .map(|q| q.split('#').next().unwrap_or(""));
        // A query or body that cannot be decoded cannot be signed either; sign it as if
        // it carried no parameters (the server will refuse it).
        if let Some(q) = query {
            signed.extend(parse_form(q.as_bytes()).unwrap_or_default());
        }
        if let Some(body) = form_body {
            signed.extend(parse_form(body).unwrap_or_default());
        }
        let refs: Vec<(&[u8], &[u8])> = signed
            .iter()
            .map(|(n, v)| (n.as_slice(), v.as_slice()))
            .collect();
        let base = base_string(http_method, &format!("{}{}", uri.origin, uri.path), &refs);
        let token_secret = self.token.map_or("", |(_, s)| s.expose());
        let signature = sign(
            self.method,
            &base,
            self.consumer_secret.expose(),
            token_secret,
        );

        let mut out = String::from("OAuth ");
        let mut first = true;
        let mut push = |n: &str, v: &str| {
            if !first {
                out.push_str(", ");
            }
            first = false;
            out.push_str(&percent_encode(n.as_bytes()));
            out.push_str("=\"");
            out.push_str(&percent_encode(v.as_bytes()));
            out.push('"');
        };
        if let Some(realm) = self.realm {
            push("realm", realm);
        }
        for (n, v) in &header {
            push(n, v);
        }
        push("oauth_signature", &signature);
        Ok(out)
    }
}
