//! The OAuth `Authorization` header parser and the request parser that builds the
//! signature base string (RFC 5849 §3.4.1), on arbitrary input.

use smart_auth::oauth::{
    HeaderSigner, Request, SignatureError, SignatureErrorKind, SignatureMethod, SignedRequest,
    VerifierConfig, parse_authorization_header, percent_encode,
};
use smart_auth::{Secret, Timestamp};

/// The public base the verifier is configured with.
pub const BASE: &str = "https://smart.example.org/api";

/// The longest header the parser accepts (its documented limit).
const MAX_HEADER_LEN: usize = 16 * 1024;
/// The most parameters the parser accepts in one header.
const MAX_HEADER_PARAMS: usize = 100;

const FORM: &str = "application/x-www-form-urlencoded";

/// One `Authorization` header value. Invariants: never panics; a refusal is
/// [`SignatureErrorKind::Malformed`] with a message; an accepted header has at most the
/// documented number of parameters, and writing its parameters back out (percent-encoded,
/// quoted, as every client does) and parsing that gives the same parameters.
pub fn check_oauth_header(data: &[u8]) {
    let Ok(value) = std::str::from_utf8(data) else {
        // A header value that is not UTF-8 never reaches the parser (the HTTP layer reads
        // header values as text); its lossy form is as good an input.
        check_oauth_header(String::from_utf8_lossy(data).as_bytes());
        return;
    };
    let pairs = match parse_authorization_header(value) {
        Ok(pairs) => pairs,
        Err(e) => {
            check_refusal(&e);
            assert!(matches!(e, SignatureError::MalformedHeader(_)), "{e:?}");
            return;
        }
    };
    assert!(
        value.len() <= MAX_HEADER_LEN,
        "a header over the limit was read"
    );
    assert!(
        pairs.len() <= MAX_HEADER_PARAMS,
        "{} parameters were read",
        pairs.len()
    );
    let written = write_header(&pairs);
    match parse_authorization_header(&written) {
        Ok(again) => assert_eq!(
            again, pairs,
            "re-parsing the written header changed its parameters: {written:?}"
        ),
        Err(e) => {
            assert!(
                written.len() > MAX_HEADER_LEN,
                "the written header {written:?} of a parsed one is refused: {e}"
            );
        }
    }
}

/// The header a client writes for these parameters.
fn write_header(pairs: &[(Vec<u8>, Vec<u8>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{}=\"{}\"", percent_encode(n), percent_encode(v)))
        .collect();
    format!("OAuth {}", parts.join(", "))
}

fn check_refusal(e: &SignatureError) {
    assert_eq!(e.kind(), SignatureErrorKind::Malformed, "{e:?}");
    assert!(
        e.to_string().len() > 10,
        "a refusal without a message: {e:?}"
    );
}

/// Splits fuzz input into `n` fields at `\n` bytes (missing fields are empty).
fn fields(data: &[u8], n: usize) -> Vec<String> {
    let mut out: Vec<String> = data
        .splitn(n, |&b| b == b'\n')
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    out.resize(n, String::new());
    out
}

/// One request signed by our client ([`HeaderSigner`]) and read by our server
/// ([`SignedRequest::parse`]). The input is six `\n`-separated fields: method, request
/// target, form body, consumer key, nonce, token. Invariants: the parser never panics;
/// a request the client could sign is either verified with the client's secrets or
/// refused as [`SignatureErrorKind::Malformed`] (a query or body that cannot be decoded,
/// an `oauth_*` parameter given twice, a value out of bounds), never as a bad signature;
/// the base string is three percent-encoded parts, the method, the URL and the sorted
/// parameters.
pub fn check_oauth_request(data: &[u8]) {
    let f = fields(data, 6);
    let (method, target, body, key, nonce, token) = (&f[0], &f[1], &f[2], &f[3], &f[4], &f[5]);
    // What an HTTP server hands over: a method token and an origin-form target of visible
    // ASCII without a fragment.
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return;
    }
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic() && b != b'#') {
        return;
    }
    let consumer_secret = Secret::new("consumer secret");
    let token_secret = Secret::new("token secret");
    let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, key, &consumer_secret)
        .nonce(nonce)
        .timestamp(Timestamp::from_unix_secs(1_700_000_000));
    if !token.is_empty() {
        signer = signer.token(token, &token_secret);
    }
    let form = matches!(method.as_str(), "POST" | "PUT");
    let Ok(header) = signer.sign(
        method,
        &format!("{BASE}{target}"),
        form.then_some(body.as_bytes()),
    ) else {
        return;
    };
    let mut request = Request::new(method, target).with_authorization(&header);
    if form {
        request = request.with_body(Some(FORM), body.as_bytes());
    }
    let config = VerifierConfig::builder(BASE)
        .expect("the harness's base is valid")
        .build()
        .expect("the default configuration is valid");
    match SignedRequest::parse(&config, &request) {
        Ok(Some(signed)) => {
            assert_eq!(signed.consumer_key(), key);
            assert_eq!(signed.nonce(), nonce);
            assert_eq!(
                signed.token(),
                (!token.is_empty()).then_some(token.as_str())
            );
            check_base_string(signed.base_string(), method);
            if let Err(e) = signed.verify(
                consumer_secret.expose(),
                if token.is_empty() {
                    ""
                } else {
                    token_secret.expose()
                },
            ) {
                panic!(
                    "our client's signature does not verify ({e}); header {header:?}, base string {:?}",
                    signed.base_string()
                );
            }
        }
        Ok(None) => panic!("a request with an OAuth header was read as anonymous"),
        Err(e) => check_refusal(&e),
    }
}

/// RFC 5849 §3.4.1.1: `METHOD&url&parameters`, each part percent-encoded, the method in
/// upper case, the parameters sorted.
fn check_base_string(base: &str, method: &str) {
    let parts: Vec<&str> = base.split('&').collect();
    assert_eq!(parts.len(), 3, "base string {base:?} is not three parts");
    for part in &parts {
        assert!(is_encoded(part), "base string part {part:?} is not encoded");
    }
    assert_eq!(
        parts[0],
        percent_encode(method.to_ascii_uppercase().as_bytes())
    );
    assert!(
        parts[1].starts_with(&percent_encode(BASE.as_bytes())),
        "base string URL {:?} is not under the configured base",
        parts[1]
    );
    let parameters = decode(parts[2]);
    let pairs: Vec<(&str, &str)> = if parameters.is_empty() {
        Vec::new()
    } else {
        parameters
            .split('&')
            .map(|p| p.split_once('=').expect("every parameter has '='"))
            .collect()
    };
    for (n, v) in &pairs {
        assert!(is_encoded(n) && is_encoded(v), "{n}={v} is not encoded");
    }
    assert!(
        pairs.is_sorted(),
        "base string parameters are not sorted: {parameters}"
    );
    assert!(
        pairs.iter().all(|(n, _)| *n != "oauth_signature"),
        "the signature signs itself"
    );
}

/// Only unreserved characters and `%XX` with upper-case hex digits.
fn is_encoded(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex =
                    |c: Option<&u8>| c.is_some_and(|c| matches!(c, b'0'..=b'9' | b'A'..=b'F'));
                if !(hex(b.get(i + 1)) && hex(b.get(i + 2))) {
                    return false;
                }
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || b"-._~".contains(&c) => i += 1,
            _ => return false,
        }
    }
    true
}

/// Decodes `%XX` (input already checked by [`is_encoded`]).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("checked ASCII");
            out.push(u8::from_str_radix(hex, 16).expect("checked hex digits"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("the parameters part encodes ASCII")
}
