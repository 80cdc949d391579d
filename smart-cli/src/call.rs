//! `smart call`: a signed HTTP client for developers, like curl for SMART. It finds the
//! app's consumer secret (given, or read from the container with the admin credential of
//! the data directory), gets a token (given, or a background token for the record), signs
//! the request with OAuth 1.0a and prints the response.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use smart_auth::oauth::{HeaderSigner, SignatureMethod};
use smart_auth::{Clock, Secret, SystemClock};

/// The options of `smart call`.
#[derive(Debug)]
pub(crate) struct CallOptions {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) app: String,
    pub(crate) record: Option<String>,
    pub(crate) accept: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) consumer_secret: Option<String>,
    pub(crate) token: Option<(String, String)>,
    pub(crate) data: Option<PathBuf>,
    pub(crate) content_type: Option<String>,
    pub(crate) include_headers: bool,
    pub(crate) config: Option<PathBuf>,
    pub(crate) data_dir: Option<PathBuf>,
}

pub(crate) fn call(options: CallOptions) -> Result<ExitCode> {
    let config = crate::serve::load_config(
        options.config.as_deref(),
        options.data_dir.as_deref(),
        None,
        None,
    )?;
    let base = options
        .url
        .clone()
        .unwrap_or_else(|| config.api_base().to_owned())
        .trim_end_matches('/')
        .to_owned();
    if !options.path.starts_with('/') {
        bail!("PATH must start with `/` (relative to the API base {base})");
    }
    let method = options.method.to_ascii_uppercase();
    if options.consumer_secret.is_some() {
        crate::warn_secret_argument(
            "--consumer-secret",
            "leaving it out (it is then read with the data directory's admin credential)",
        );
    }
    if options.token.is_some() {
        crate::warn_secret_argument(
            "--token-secret",
            "leaving --token out (a background token is then fetched for the record)",
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let secret = match &options.consumer_secret {
            Some(s) => s.clone(),
            None => {
                let admin = smart_store::container::stored_admin_credential(&config.data_dir)
                    .context(
                        "no --consumer-secret, and no admin credential in the data directory",
                    )?;
                let url = format!("{base}/apps/{}/credentials", encode(&options.app));
                let admin = (admin.key(), admin.secret().expose());
                let reply = send(&client, "GET", &url, admin, None, None, None).await?;
                let text = check(reply, "reading the app's credentials").await?;
                let v: serde_json::Value = serde_json::from_str(&text)?;
                v["consumer_secret"]
                    .as_str()
                    .context("the credentials reply has no consumer_secret")?
                    .to_owned()
            }
        };
        let consumer = (options.app.as_str(), secret.as_str());
        let token = match &options.token {
            Some(t) => Some(t.clone()),
            None => match options.record.clone().or_else(|| record_of(&options.path)) {
                Some(record) => {
                    let url = format!(
                        "{base}/apps/{}/tokens/records/{}",
                        encode(&options.app),
                        encode(&record)
                    );
                    let reply = send(&client, "GET", &url, consumer, None, None, None).await?;
                    let text = check(reply, "getting a background token").await?;
                    let form: Vec<(String, String)> = serde_urlencoded::from_str(&text)?;
                    let get = |k: &str| {
                        form.iter()
                            .find(|(n, _)| n == k)
                            .map(|(_, v)| v.clone())
                            .with_context(|| format!("the token reply has no {k}"))
                    };
                    Some((get("oauth_token")?, get("oauth_token_secret")?))
                }
                None => None,
            },
        };
        let body = match &options.data {
            None => None,
            Some(p) if p.as_os_str() == "-" => {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
                Some(buf)
            }
            Some(p) => {
                Some(std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?)
            }
        };
        let url = format!("{base}{}", options.path);
        let reply = send(
            &client,
            &method,
            &url,
            consumer,
            token.as_ref().map(|(t, s)| (t.as_str(), s.as_str())),
            options.accept.as_deref(),
            body.map(|b| {
                (
                    options
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/rdf+xml".into()),
                    b,
                )
            }),
        )
        .await?;
        let status = reply.status();
        if options.include_headers {
            println!("{:?} {status}", reply.version());
            for (name, value) in reply.headers() {
                println!("{name}: {}", value.to_str().unwrap_or("<binary>"));
            }
            println!();
        }
        let bytes = reply.bytes().await?;
        std::io::Write::write_all(&mut std::io::stdout(), &bytes)?;
        if status.is_success() {
            Ok(ExitCode::SUCCESS)
        } else {
            bail!("{method} {url}: {status}")
        }
    })
}

/// The record id of a `/records/{id}/...` path.
fn record_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/records/")?;
    let id = rest.split(['/', '?']).next()?;
    (!id.is_empty() && id != "search").then(|| id.to_owned())
}

/// A path segment, percent-encoded (every byte but the unreserved ones).
fn encode(segment: &str) -> String {
    use smart_core::encoding::{EncodeSet, percent_encode};
    percent_encode(segment.as_bytes(), EncodeSet::Unreserved)
}

/// Sends one request signed with HMAC-SHA1 (a fresh nonce and the current time).
async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    consumer: (&str, &str),
    token: Option<(&str, &str)>,
    accept: Option<&str>,
    body: Option<(String, Vec<u8>)>,
) -> Result<reqwest::Response> {
    let nonce = crate::serve::random_token(16)?;
    let consumer_secret = Secret::new(consumer.1);
    let token_secret = token.map(|(_, s)| Secret::new(s));
    let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, consumer.0, &consumer_secret)
        .nonce(&nonce)
        .timestamp(SystemClock::new().now());
    if let (Some((t, _)), Some(s)) = (token, token_secret.as_ref()) {
        signer = signer.token(t, s);
    }
    // A form body's parameters are signed; any other body is covered by oauth_body_hash,
    // which servers require by default.
    let mut form = None;
    match &body {
        Some((content_type, bytes)) if crate::verify::client::is_form(content_type) => {
            form = Some(bytes.as_slice());
        }
        Some((_, bytes)) if !bytes.is_empty() => signer = signer.body(bytes),
        _ => {}
    }
    let header = signer
        .sign(method, url, form)
        .map_err(|e| anyhow::anyhow!("cannot sign for {url}: {e}"))?;
    let mut request = client
        .request(method.parse().context("METHOD is not an HTTP method")?, url)
        .header("Authorization", header);
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    if let Some((content_type, bytes)) = body {
        request = request.header("Content-Type", content_type).body(bytes);
    }
    request
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))
}

/// The body of a successful reply, or an error naming the step and the server's reason.
async fn check(reply: reqwest::Response, step: &str) -> Result<String> {
    let status = reply.status();
    let text = reply.text().await?;
    if !status.is_success() {
        bail!("{step}: {status}: {}", text.trim());
    }
    Ok(text)
}
