//! A small OAuth 1.0a client for a SMART container: every request is signed with
//! HMAC-SHA1 over exactly the URL sent, with a fresh nonce and the current time.
//!
//! It also builds the deliberately wrong requests the OAuth checks need (a bad signature,
//! a replayed header), so those are made by the same code path as the good ones.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use smart_auth::oauth::{HeaderSigner, SignatureMethod};
use smart_auth::{OsRandom, Secret, SecureRandom, Timestamp};
use smart_core::encoding::{self, Decoding};

/// An OAuth token and its secret.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) token: String,
    pub(crate) secret: Secret,
}

/// Who signs: the consumer, and the token when the request is 3-legged.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub(crate) consumer_key: String,
    pub(crate) consumer_secret: Secret,
    pub(crate) token: Option<Token>,
}

/// How a request is authenticated.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Auth<'a> {
    /// No `Authorization` header.
    None,
    /// Signed with these credentials.
    Signed(&'a Credentials),
}

/// What came back.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    /// The `Content-Type` header exactly as sent (empty if absent).
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// The media type without parameters, lower case.
    pub(crate) fn media_type(&self) -> String {
        self.content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// The start of the body as text, for messages.
    pub(crate) fn body_excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        let cut: String = text.chars().take(160).collect();
        if cut.len() < text.len() {
            format!("{cut}…")
        } else {
            cut
        }
    }
}

/// A request that could not be made at all (as opposed to an unwelcome status).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    #[error("bad URL {url:?}: {message}")]
    Url { url: String, message: String },
    #[error("{method} {url}: {source}")]
    Http {
        method: String,
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("cannot draw a nonce: {0}")]
    Random(#[from] smart_auth::RandomError),
}

/// The client for one container.
#[derive(Debug)]
pub(crate) struct Client {
    http: reqwest::Client,
    base: String,
    random: OsRandom,
}

impl Client {
    /// A client for the container whose API base is `base` (no trailing slash).
    pub(crate) fn new(base: &str, timeout: Duration) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        Url::parse(&base).map_err(|e| ClientError::Url {
            url: base.clone(),
            message: e.to_string(),
        })?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            // A redirect would change the URL the signature covers; report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ClientError::Http {
                method: "build".into(),
                url: base.clone(),
                source: e,
            })?;
        Ok(Self {
            http,
            base,
            random: OsRandom::new(),
        })
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The absolute URL of a path relative to the API base (`/records/1/medications/?limit=1`).
    pub(crate) fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base, path_and_query)
    }

    /// GET a path relative to the API base, asking for RDF/XML.
    pub(crate) async fn get(&self, path: &str, auth: Auth<'_>) -> Result<Response, ClientError> {
        self.send("GET", &self.url(path), auth, None).await
    }

    /// Sends `method` to an absolute URL, signed if asked, with an optional body and its
    /// media type.
    pub(crate) async fn send(
        &self,
        method: &str,
        url: &str,
        auth: Auth<'_>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Response, ClientError> {
        let parsed = parse_url(url)?;
        let header = match auth {
            Auth::None => None,
            Auth::Signed(creds) => Some(self.sign_with_body(
                method,
                &parsed,
                creds,
                None,
                body.as_ref().map(|(t, b)| (*t, b.as_slice())),
            )?),
        };
        self.send_with_header(method, &parsed, header.as_deref(), body)
            .await
    }

    /// The `Authorization` value for `method` on `url`. `timestamp` overrides the
    /// current time (the stale-timestamp check).
    pub(crate) fn sign(
        &self,
        method: &str,
        url: &Url,
        creds: &Credentials,
        timestamp: Option<Timestamp>,
    ) -> Result<String, ClientError> {
        self.sign_with_body(method, url, creds, timestamp, None)
    }

    /// [`Self::sign`] for a request with a body (its media type and bytes): a form body's
    /// parameters are signed; any other body is covered by `oauth_body_hash`, which servers
    /// require by default.
    pub(crate) fn sign_with_body(
        &self,
        method: &str,
        url: &Url,
        creds: &Credentials,
        timestamp: Option<Timestamp>,
        body: Option<(&str, &[u8])>,
    ) -> Result<String, ClientError> {
        let nonce = self.nonce()?;
        let now = timestamp.unwrap_or_else(now);
        let mut signer = HeaderSigner::new(
            SignatureMethod::HmacSha1,
            &creds.consumer_key,
            &creds.consumer_secret,
        )
        .nonce(&nonce)
        .timestamp(now);
        if let Some(t) = &creds.token {
            signer = signer.token(&t.token, &t.secret);
        }
        let mut form = None;
        match body {
            Some((media_type, bytes)) if is_form(media_type) => form = Some(bytes),
            Some((_, bytes)) if !bytes.is_empty() => signer = signer.body(bytes),
            _ => {}
        }
        // The URL was parsed and re-serialized: sign exactly the string that is sent.
        signer
            .sign(method, url.as_str(), form)
            .map_err(|e| ClientError::Url {
                url: url.to_string(),
                message: e.to_string(),
            })
    }

    /// Sends with a given `Authorization` value (or none): the replay and tampering
    /// checks send headers made for another request.
    pub(crate) async fn send_with_header(
        &self,
        method: &str,
        url: &Url,
        authorization: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Response, ClientError> {
        let http_method =
            reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| ClientError::Url {
                url: url.to_string(),
                message: format!("bad method {method}: {e}"),
            })?;
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            "application/rdf+xml, application/json;q=0.9, */*;q=0.1"
                .parse()
                .expect("static header value"),
        );
        if let Some(value) = authorization {
            headers.insert(
                AUTHORIZATION,
                value.parse().map_err(|_| ClientError::Url {
                    url: url.to_string(),
                    message: "the Authorization header is not a valid header value".into(),
                })?,
            );
        }
        let mut request = self.http.request(http_method, url.clone()).headers(headers);
        if let Some((media_type, bytes)) = body {
            request = request.header(CONTENT_TYPE, media_type).body(bytes);
        }
        let err = |source| ClientError::Http {
            method: method.to_owned(),
            url: url.to_string(),
            source,
        };
        let response = request.send().await.map_err(err)?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.bytes().await.map_err(err)?.to_vec();
        Ok(Response {
            status,
            content_type,
            body,
        })
    }

    /// 16 random bytes, hex: unreserved characters only, fresh per request.
    fn nonce(&self) -> Result<String, ClientError> {
        let mut bytes = [0u8; 16];
        self.random.fill(&mut bytes)?;
        Ok(encoding::hex_lower(&bytes))
    }
}

/// Parses an absolute URL.
pub(crate) fn parse_url(url: &str) -> Result<Url, ClientError> {
    Url::parse(url).map_err(|e| ClientError::Url {
        url: url.to_owned(),
        message: e.to_string(),
    })
}

/// The current time.
pub(crate) fn now() -> Timestamp {
    Timestamp::now()
}

/// True for `application/x-www-form-urlencoded` (with or without parameters).
pub(crate) fn is_form(media_type: &str) -> bool {
    media_type.split(';').next().is_some_and(|m| {
        m.trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    })
}

/// Decodes an `application/x-www-form-urlencoded` body (token responses).
pub(crate) fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.trim()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Form decoding as a lenient client does it: `+` is a space and a stray `%` is itself
/// (the server's answer is reported on, not refused).
fn percent_decode(s: &str) -> String {
    let how = Decoding::lenient().plus_as_space();
    match encoding::percent_decode(s.as_bytes(), how) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        // A lenient decoding has no malformed escape to refuse.
        Err(_) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_form;

    #[test]
    fn form_bodies_decode() {
        let form = parse_form(b"oauth_token=a%2Bb&oauth_token_secret=c+d&smart_record_id=1%\n");
        assert_eq!(
            form,
            [
                ("oauth_token".to_owned(), "a+b".to_owned()),
                ("oauth_token_secret".to_owned(), "c d".to_owned()),
                ("smart_record_id".to_owned(), "1%".to_owned()),
            ]
        );
    }
}
