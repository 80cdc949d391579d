//! Property tests against an independent client, `oauth1-request`: random requests that
//! it signs verify, and changing any single byte of the method, the URL, a parameter, the
//! body or the signature makes verification fail. Plus fuzzing of the header parser and
//! the request parser: no input makes them panic.
//!
//! The generated requests stay inside what oauth1-request gets right (see
//! `ecosystem.md` §4.2): it sorts parameters by their raw bytes and never encodes names,
//! so names are ASCII alphanumeric, and a name that repeats carries only values whose raw
//! and encoded order agree (unreserved characters). Names that occur once carry arbitrary
//! Unicode. Everything outside that range is covered by the oauthlib vectors.

use oauth1_request as oauth;
use proptest::prelude::*;
use smart_auth::oauth::{Request, SignedRequest, VerifierConfig, parse_authorization_header};
use std::collections::BTreeMap;
use std::num::NonZeroU64;

const BASE: &str = "https://api.example.org/smart";
const FORM: &str = "application/x-www-form-urlencoded";

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    consumer: (String, String),
    token: Option<(String, String)>,
    nonce: String,
    timestamp: u64,
}

fn unreserved(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-._~".contains(*c))
        .collect()
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("[a-zA-Z0-9]{1,3}", "(?s).{0,10}"), 0..6)
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]),
        prop::collection::vec("[a-zA-Z0-9._~-]{1,8}", 1..4),
        any::<bool>(),
        params(),
        params(),
        ("[a-zA-Z0-9.@_-]{1,12}", "(?s).{0,16}"),
        prop::option::of(("[a-zA-Z0-9_-]{1,22}", "(?s).{0,16}")),
        "[a-zA-Z0-9]{1,16}",
        1u64..=4_000_000_000,
    )
        .prop_map(
            |(method, segments, slash, query, form, consumer, token, nonce, timestamp)| {
                let mut path = format!("/{}", segments.join("/"));
                if slash {
                    path.push('/');
                }
                let form = if matches!(method, "POST" | "PUT") {
                    form
                } else {
                    Vec::new()
                };
                // Repeated names get unreserved values only (see the module docs).
                let mut count: BTreeMap<String, usize> = BTreeMap::new();
                for (k, _) in query.iter().chain(&form) {
                    *count.entry(k.clone()).or_default() += 1;
                }
                let fix = |v: Vec<(String, String)>| {
                    v.into_iter()
                        .map(|(k, val)| {
                            let val = if count[&k] > 1 { unreserved(&val) } else { val };
                            (k, val)
                        })
                        .collect::<Vec<_>>()
                };
                Case {
                    method,
                    path,
                    query: fix(query),
                    form: fix(form),
                    consumer,
                    token,
                    nonce,
                    timestamp,
                }
            },
        )
}

/// What the client sends.
struct Wire {
    method: String,
    target: String,
    body: String,
    header: String,
}

fn sign(c: &Case) -> Wire {
    let all: Vec<(&str, &str)> = c
        .query
        .iter()
        .chain(&c.form)
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let list = oauth::ParameterList::new(all);
    let mut builder = oauth::Builder::<_, _>::new(
        oauth::Credentials::new(c.consumer.0.as_str(), c.consumer.1.as_str()),
        oauth::HmacSha1::new(),
    );
    if let Some((t, s)) = &c.token {
        builder.token(oauth::Credentials::new(t.as_str(), s.as_str()));
    }
    builder
        .nonce(c.nonce.as_str())
        .timestamp(NonZeroU64::new(c.timestamp));
    let header = builder.authorize(c.method, format!("{BASE}{}", c.path), &list);
    let query = oauth::to_query(String::new(), &oauth::ParameterList::new(c.query.clone()));
    Wire {
        method: c.method.to_owned(),
        target: format!("{}{}", c.path, query),
        body: oauth::to_form(&oauth::ParameterList::new(c.form.clone())),
        header,
    }
}

fn config() -> VerifierConfig {
    VerifierConfig::builder(BASE).unwrap().build().unwrap()
}

/// True if the server accepts the wire request with the case's secrets.
fn accepts(config: &VerifierConfig, c: &Case, w: &Wire) -> bool {
    let req = Request::new(&w.method, &w.target)
        .with_authorization(&w.header)
        .with_body(Some(FORM), w.body.as_bytes());
    match SignedRequest::parse(config, &req) {
        Ok(Some(s)) => s
            .verify(&c.consumer.1, c.token.as_ref().map_or("", |t| t.1.as_str()))
            .is_ok(),
        _ => false,
    }
}

/// Replaces the byte at `i` with one that cannot be an equivalent spelling.
fn flip(s: &str, i: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[i] = if b[i] == b'Z' { b'Y' } else { b'Z' };
    String::from_utf8(b).unwrap()
}

#[derive(Debug, Clone, Copy)]
enum Mutation {
    Method,
    Path,
    Query,
    Body,
    Signature,
    Host,
    Parameter,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn oauth1_request_signatures_verify(c in case()) {
        let w = sign(&c);
        prop_assert!(accepts(&config(), &c, &w), "header {} target {} body {}", w.header, w.target, w.body);
    }

    #[test]
    fn any_single_change_is_refused(
        c in case(),
        which in prop::sample::select(vec![
            Mutation::Method, Mutation::Path, Mutation::Query, Mutation::Body,
            Mutation::Signature, Mutation::Host, Mutation::Parameter,
        ]),
        at in any::<prop::sample::Index>(),
    ) {
        let mut w = sign(&c);
        let mut config = config();
        match which {
            Mutation::Method => {
                let others: Vec<&str> = ["GET", "POST", "PUT", "DELETE", "PATCH"]
                    .into_iter().filter(|m| *m != c.method).collect();
                w.method = at.get(&others).to_string();
            }
            Mutation::Path => {
                let i = 1 + at.index(c.path.len() - 1);
                let q = &w.target[c.path.len()..];
                w.target = format!("{}{}", flip(&c.path, i), q);
            }
            Mutation::Query => {
                let Some(qpos) = w.target.find('?') else { return Ok(()); };
                if w.target.len() <= qpos + 1 { return Ok(()); }
                let i = qpos + 1 + at.index(w.target.len() - qpos - 1);
                w.target = flip(&w.target, i);
            }
            Mutation::Body => {
                if w.body.is_empty() { return Ok(()); }
                w.body = flip(&w.body, at.index(w.body.len()));
            }
            Mutation::Signature => {
                let start = w.header.find("oauth_signature=\"").unwrap() + "oauth_signature=\"".len();
                let len = w.header[start..].find('"').unwrap();
                w.header = flip(&w.header, start + at.index(len));
            }
            Mutation::Host => {
                config = VerifierConfig::builder("https://api.example.com/smart").unwrap().build().unwrap();
            }
            Mutation::Parameter => {
                // Change one character of one decoded parameter, then re-encode.
                let mut c2 = c.clone();
                let total = c2.query.len() + c2.form.len();
                if total == 0 { return Ok(()); }
                let k = at.index(total);
                let p = if k < c2.query.len() { &mut c2.query[k] } else { &mut c2.form[k - c.query.len()] };
                if p.1.is_empty() { p.1.push('x'); } else {
                    let mut chars: Vec<char> = p.1.chars().collect();
                    let j = at.index(chars.len());
                    chars[j] = if chars[j] == 'Z' { 'Y' } else { 'Z' };
                    p.1 = chars.into_iter().collect();
                }
                let again = sign(&c2);
                w.target = again.target;
                w.body = again.body;
            }
        }
        prop_assert!(!accepts(&config, &c, &w), "{:?} accepted: {} {} {}", which, w.method, w.target, w.body);
    }

    #[test]
    fn header_parser_never_panics(s in "(?s).{0,300}") {
        let _ = parse_authorization_header(&s);
        let _ = parse_authorization_header(&format!("OAuth {s}"));
    }

    #[test]
    fn structured_header_fuzz_never_panics(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "oauth_consumer_key", "oauth_signature", "realm", "=", "\"", ",", " ", "\\",
                "%", "%2", "%41", "x", "\t", "oauth_nonce=\"n\"", "\u{e9}", "\u{1F980}",
            ]),
            0..40,
        )
    ) {
        let h = format!("OAuth {}", parts.concat());
        let _ = parse_authorization_header(&h);
        let req = Request::new("POST", "/x?oauth_token=%zz&a")
            .with_authorization(&h)
            .with_body(Some(FORM), h.as_bytes());
        let _ = SignedRequest::parse(&config(), &req);
    }

    #[test]
    fn request_parser_never_panics(
        method in "(?s).{0,8}",
        target in "(?s).{0,80}",
        body in prop::collection::vec(any::<u8>(), 0..120),
        header in "(?s).{0,120}",
        form in any::<bool>(),
    ) {
        let h = format!("OAuth {header}");
        let req = Request::new(&method, &target)
            .with_authorization(&h)
            .with_body(form.then_some(FORM), &body);
        if let Ok(Some(s)) = SignedRequest::parse(&config(), &req) {
            let _ = s.verify("a", "b");
        }
    }
}

#[test]
fn a_sample_wire_request_looks_right() {
    let c = Case {
        method: "POST",
        path: "/records/1/x/".into(),
        query: vec![
            ("q".into(), "☃ a&b".into()),
            ("r".into(), "x".into()),
            ("r".into(), "~.".into()),
        ],
        form: vec![("f".into(), "ü+=".into())],
        consumer: ("app@x".into(), "s&cret".into()),
        token: Some(("tok".into(), "ts".into())),
        nonce: "n1".into(),
        timestamp: 1_700_000_000,
    };
    let w = sign(&c);
    assert_eq!(w.target, "/records/1/x/?q=%E2%98%83%20a%26b&r=x&r=~.");
    assert_eq!(w.body, "f=%C3%BC%2B%3D");
    assert!(w.header.starts_with("OAuth "));
    assert!(accepts(&config(), &c, &w));
}

#[test]
fn protocol_parameters_may_travel_in_the_query_or_the_form_body() {
    let list = oauth::ParameterList::new(vec![("a", "1 2"), ("b", "☃")]);
    let mut builder = oauth::Builder::<_, _>::new(
        oauth::Credentials::new("key", "secret"),
        oauth::HmacSha1::new(),
    );
    builder
        .token(oauth::Credentials::new("tok", "tsecret"))
        .nonce("n")
        .timestamp(NonZeroU64::new(1_700_000_000));
    // In the query. oauth1-request 0.6.1's `to_query` and `to_form` leave the request
    // parameters out of what they return (they sign them, but write only the `oauth_*`
    // ones), so they are appended here; the signature covers them either way.
    let params = oauth::to_form(&list);
    let query = builder.to_form("GET", format!("{BASE}/x"), &list);
    let target = format!("/x?{query}&{params}");
    let req = Request::new("GET", &target);
    let signed = SignedRequest::parse(&config(), &req).unwrap().unwrap();
    signed.verify("secret", "tsecret").unwrap();
    assert_eq!(signed.parameter("b"), Some("☃"));
    // Without them the signature does not verify.
    let bare = format!("/x?{query}");
    let signed = SignedRequest::parse(&config(), &Request::new("GET", &bare))
        .unwrap()
        .unwrap();
    assert!(signed.verify("secret", "tsecret").is_err());
    // In a form body.
    let body = format!(
        "{}&{params}",
        builder.to_form("POST", format!("{BASE}/x"), &list)
    );
    let req = Request::new("POST", "/x").with_body(Some(FORM), body.as_bytes());
    let signed = SignedRequest::parse(&config(), &req).unwrap().unwrap();
    signed.verify("secret", "tsecret").unwrap();
    assert!(signed.verify("secret", "other").is_err());
}
