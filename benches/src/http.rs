//! A signed HTTP/1.1 client for the benchmarks: OAuth 1.0a requests signed afresh for
//! every request (as a real client does), hyper's own client on keep-alive connections,
//! and the setup calls (registering a background app, getting its token for a record).

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// What a request looks like; built afresh (and signed afresh) for every request.
#[derive(Debug, Clone)]
pub struct Call {
    /// The server.
    pub addr: SocketAddr,
    /// The HTTP method.
    pub method: &'static str,
    /// The path and query, as sent and signed.
    pub path_and_query: String,
    /// The content type and body, if any.
    pub body: Option<(&'static str, Bytes)>,
    /// The `Accept` header.
    pub accept: &'static str,
}

/// OAuth 1.0a signing with a background token, as a real client: HMAC-SHA1, a fresh
/// nonce and the current time on every request.
#[derive(Debug)]
pub struct Signer {
    key: String,
    secret: String,
    token: Option<(String, String)>,
    nonce: AtomicU64,
    salt: u128,
}

impl Signer {
    /// A signer for consumer `key`/`secret`, with `token` (key, secret) if any.
    pub fn new(key: &str, secret: &str, token: Option<(String, String)>) -> Self {
        Self {
            key: key.to_owned(),
            secret: secret.to_owned(),
            token,
            nonce: AtomicU64::new(0),
            salt: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        }
    }

    /// The `Authorization` header for `method` on `http://{addr}{path_and_query}`; the
    /// query parameters are part of the signature, and a (non-form) body is covered by
    /// `oauth_body_hash`, which the server requires by default.
    pub fn authorization(
        &self,
        method: &str,
        addr: SocketAddr,
        path_and_query: &str,
        body: Option<&[u8]>,
    ) -> String {
        use smart_auth::oauth::{HeaderSigner, SignatureMethod};
        let n = self.nonce.fetch_add(1, Ordering::Relaxed);
        let nonce = format!("{:x}-{n}", self.salt);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_secs());
        let consumer_secret = smart_auth::Secret::new(self.secret.clone());
        let token_secret = self
            .token
            .as_ref()
            .map(|(_, s)| smart_auth::Secret::new(s.clone()));
        let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, &self.key, &consumer_secret)
            .nonce(&nonce)
            .timestamp(smart_auth::Timestamp::from_unix_secs(
                i64::try_from(now).unwrap_or(i64::MAX),
            ));
        if let (Some((t, _)), Some(s)) = (&self.token, &token_secret) {
            signer = signer.token(t, s);
        }
        if let Some(body) = body.filter(|b| !b.is_empty()) {
            signer = signer.body(body);
        }
        signer
            .sign(method, &format!("http://{addr}{path_and_query}"), None)
            .expect("a signable URL")
    }
}

impl Call {
    /// The request, signed by `signer` afresh.
    pub fn request(&self, signer: &Signer) -> Request<Full<Bytes>> {
        let authorization = signer.authorization(
            self.method,
            self.addr,
            &self.path_and_query,
            self.body.as_ref().map(|(_, b)| b.as_ref()),
        );
        let builder = Request::builder()
            .method(self.method)
            .uri(self.path_and_query.as_str())
            .header(header::HOST, self.addr.to_string())
            .header(header::ACCEPT, self.accept)
            .header(header::AUTHORIZATION, authorization);
        match &self.body {
            Some((content_type, body)) => builder
                .header(header::CONTENT_TYPE, *content_type)
                .body(Full::new(body.clone())),
            None => builder.body(Full::new(Bytes::new())),
        }
        .expect("request")
    }
}

/// One HTTP/1.1 connection's request half.
pub type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// A keep-alive connection to `addr` (no Nagle delay).
pub async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake {addr}: {e}"))?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Sends `req` on `sender`; the status and the whole body.
pub async fn send(
    sender: &mut Sender,
    req: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let response = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

/// One request on a fresh connection (setup calls).
pub async fn once(
    req: Request<Full<Bytes>>,
    addr: SocketAddr,
) -> Result<(StatusCode, Bytes), String> {
    let mut sender = connect(addr).await?;
    send(&mut sender, req).await
}

/// Registers a background app `id` (record scope) with an admin `admin` signer; its
/// consumer key and secret.
pub async fn register_background_app(
    addr: SocketAddr,
    admin: &Signer,
    id: &str,
) -> (String, String) {
    let manifest = serde_json::json!({
        "name": "Benchmark", "description": "an app of smart-benches",
        "author": "smart-rs", "id": id, "version": "1.0",
        "mode": "background", "scope": "record",
    });
    let call = Call {
        addr,
        method: "POST",
        path_and_query: "/apps/".to_owned(),
        body: Some(("application/json", Bytes::from(manifest.to_string()))),
        accept: "application/json",
    };
    let (status, body) = once(call.request(admin), addr)
        .await
        .expect("register the app");
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, StatusCode::OK, "registering the app: {text}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    (
        v["consumer_key"].as_str().expect("key").to_owned(),
        v["consumer_secret"].as_str().expect("secret").to_owned(),
    )
}

/// A signer holding a background token of `app` (key, secret) for `record`.
pub async fn background_token(addr: SocketAddr, app: &(String, String), record: &str) -> Signer {
    let call = Call {
        addr,
        method: "GET",
        path_and_query: format!("/apps/{}/tokens/records/{record}", app.0),
        body: None,
        accept: "*/*",
    };
    let (status, body) = once(call.request(&Signer::new(&app.0, &app.1, None)), addr)
        .await
        .expect("a background token");
    let text = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, StatusCode::OK, "background token: {text}");
    let field = |k: &str| {
        text.split('&')
            .find_map(|p| p.strip_prefix(&format!("{k}=")))
            .expect("token field")
            .to_owned()
    };
    Signer::new(
        &app.0,
        &app.1,
        Some((field("oauth_token"), field("oauth_token_secret"))),
    )
}
