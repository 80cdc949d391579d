//! The published test vectors (RFC 5849 with errata 2550, OAuth Core 1.0a Appendix A),
//! positive and negative, through the stateless verifier.

use smart_auth::oauth::{
    HeaderSigner, Request, SignatureError, SignatureMethod, SignedRequest, VerifierConfig,
};
use smart_auth::{Secret, Timestamp};

fn config(base: &str) -> VerifierConfig {
    VerifierConfig::builder(base).unwrap().build().unwrap()
}

fn parse(config: &VerifierConfig, req: &Request<'_>) -> SignedRequest {
    SignedRequest::parse(config, req).unwrap().unwrap()
}

const RFC_BASE: &str = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";

fn rfc_header(signature: &str) -> String {
    format!(
        "OAuth realm=\"Example\", oauth_consumer_key=\"9djdj82h48djs9d2\", \
         oauth_token=\"kkk9d7dh3k39sjv7\", oauth_signature_method=\"HMAC-SHA1\", \
         oauth_timestamp=\"137131201\", oauth_nonce=\"7d8f3e4a\", oauth_signature=\"{signature}\""
    )
}

const RFC_TARGET: &str = "/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
const FORM: &str = "application/x-www-form-urlencoded";

#[test]
fn rfc_5849_section_3_4_1_1_with_errata_2550() {
    let c = config("http://example.com");
    let h = rfc_header("r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D");
    let req = Request::new("POST", RFC_TARGET)
        .with_authorization(&h)
        .with_body(Some(FORM), b"c2&a3=2+q");
    let signed = parse(&c, &req);
    assert_eq!(signed.base_string(), RFC_BASE);
    signed.verify("j49sk3j29djd", "dh893hdasih9").unwrap();
    assert_eq!(signed.parameter("a2"), Some("r b"));
    assert_eq!(signed.parameter("c@"), Some(""));
}

#[test]
fn rfc_5849_negative_cases() {
    let c = config("http://example.com");
    let good = rfc_header("r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D");
    // A flipped signature byte.
    let flipped = rfc_header("r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5h%3D");
    let req = Request::new("POST", RFC_TARGET)
        .with_authorization(&flipped)
        .with_body(Some(FORM), b"c2&a3=2+q");
    assert_eq!(
        parse(&c, &req).verify("j49sk3j29djd", "dh893hdasih9"),
        Err(SignatureError::BadSignature)
    );
    // Wrong token secret, wrong consumer secret.
    let req = Request::new("POST", RFC_TARGET)
        .with_authorization(&good)
        .with_body(Some(FORM), b"c2&a3=2+q");
    assert!(parse(&c, &req).verify("j49sk3j29djd", "x").is_err());
    assert!(parse(&c, &req).verify("x", "dh893hdasih9").is_err());
    // The same parameters in a multipart body must not be signed: the RFC signature (which
    // covers c2 and a3=2 q) no longer verifies.
    let req = Request::new("POST", RFC_TARGET)
        .with_authorization(&good)
        .with_body(Some("multipart/form-data; boundary=x"), b"c2&a3=2+q");
    let signed = parse(&c, &req);
    assert!(!signed.base_string().contains("c2"));
    assert_eq!(
        signed.verify("j49sk3j29djd", "dh893hdasih9"),
        Err(SignatureError::BadSignature)
    );
    // Another host, path or method.
    for (base, method, target) in [
        ("http://example.org", "POST", RFC_TARGET),
        ("http://example.com", "PUT", RFC_TARGET),
        (
            "http://example.com",
            "POST",
            "/Request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
        ),
        ("https://example.com", "POST", RFC_TARGET),
    ] {
        let c = config(base);
        let req = Request::new(method, target)
            .with_authorization(&good)
            .with_body(Some(FORM), b"c2&a3=2+q");
        assert!(
            parse(&c, &req)
                .verify("j49sk3j29djd", "dh893hdasih9")
                .is_err(),
            "{base} {method} {target}"
        );
    }
}

#[test]
fn realm_and_oauth_signature_are_never_in_the_base_string() {
    let c = config("http://example.com");
    let header = rfc_header("r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D");
    let req = Request::new("POST", RFC_TARGET)
        .with_authorization(&header)
        .with_body(Some(FORM), b"c2&a3=2+q");
    let base = parse(&c, &req).base_string().to_owned();
    assert!(!base.contains("realm"));
    assert!(!base.contains("oauth_signature%3D"));
    // A client that wrongly signed realm and oauth_signature is refused.
    for extra in ["realm=Example", "oauth_signature="] {
        let wrong = format!("{}%26{}", base, extra.replace('=', "%3D"));
        let sig = smart_auth::oauth::sign(
            SignatureMethod::HmacSha1,
            &wrong,
            "j49sk3j29djd",
            "dh893hdasih9",
        );
        let h = rfc_header(&smart_auth::oauth::percent_encode(sig.as_bytes()));
        let req = Request::new("POST", RFC_TARGET)
            .with_authorization(&h)
            .with_body(Some(FORM), b"c2&a3=2+q");
        assert_eq!(
            parse(&c, &req).verify("j49sk3j29djd", "dh893hdasih9"),
            Err(SignatureError::BadSignature),
            "{extra}"
        );
    }
}

#[test]
fn rfc_5849_section_1_2_temporary_credentials() {
    let c = config("https://photos.example.net");
    let h = "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131200\", \
             oauth_nonce=\"wIjqoS\", oauth_callback=\"http%3A%2F%2Fprinter.example.com%2Fready\", \
             oauth_signature=\"74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D\"";
    let signed = parse(&c, &Request::new("POST", "/initiate").with_authorization(h));
    assert_eq!(signed.callback(), Some("http://printer.example.com/ready"));
    assert_eq!(signed.token(), None);
    signed.verify("kd94hf93k423kf44", "").unwrap();
}

#[test]
fn rfc_5849_section_1_2_token_request() {
    let c = config("https://photos.example.net");
    let h = "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_token=\"hh5s93j4hdidpola\", oauth_signature_method=\"HMAC-SHA1\", \
             oauth_timestamp=\"137131201\", oauth_nonce=\"walatlh\", \
             oauth_verifier=\"hfdp7dh39dks9884\", oauth_signature=\"gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D\"";
    let signed = parse(&c, &Request::new("POST", "/token").with_authorization(h));
    assert_eq!(signed.verifier(), Some("hfdp7dh39dks9884"));
    signed
        .verify("kd94hf93k423kf44", "hdhd0244k9j7ao03")
        .unwrap();
}

#[test]
fn rfc_5849_section_1_2_protected_resource() {
    let c = config("http://photos.example.net");
    let h = "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
             oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", \
             oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"";
    let req = Request::new("GET", "/photos?file=vacation.jpg&size=original").with_authorization(h);
    parse(&c, &req)
        .verify("kd94hf93k423kf44", "pfkkdhi9sl3r4s00")
        .unwrap();
}

#[test]
fn oauth_core_1_0a_appendix_a_5() {
    let c = config("http://photos.example.net");
    let h = "OAuth realm=\"http://photos.example.net/\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
             oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
             oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", oauth_timestamp=\"1191242096\", \
             oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"";
    let req = Request::new("GET", "/photos?file=vacation.jpg&size=original").with_authorization(h);
    parse(&c, &req)
        .verify("kd94hf93k423kf44", "pfkkdhi9sl3r4s00")
        .unwrap();
}

#[test]
fn plaintext_only_when_explicitly_enabled_over_https() {
    let h = "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_signature_method=\"PLAINTEXT\", \
             oauth_timestamp=\"137131200\", oauth_nonce=\"n\", oauth_signature=\"ja893SD9%26\"";
    let req = Request::new("POST", "/initiate").with_authorization(h);
    // Not enabled: refused as unsupported.
    let plain = config("https://photos.example.net");
    assert!(matches!(
        SignedRequest::parse(&plain, &req),
        Err(SignatureError::UnsupportedSignatureMethod(_))
    ));
    // Cannot be enabled for http.
    assert!(
        VerifierConfig::builder("http://photos.example.net")
            .unwrap()
            .dangerous()
            .allow_plaintext()
            .build()
            .is_err()
    );
    let danger = VerifierConfig::builder("https://photos.example.net")
        .unwrap()
        .dangerous()
        .allow_plaintext()
        .build()
        .unwrap();
    let signed = parse(&danger, &req);
    signed.verify("ja893SD9", "").unwrap();
    assert!(signed.verify("ja893SD8", "").is_err());
}

#[test]
fn host_and_port_normalization() {
    // The client signs https://HOST:443/...; the server is configured as https://host.
    let secret = Secret::new("kd94hf93k423kf44");
    let h = HeaderSigner::new(SignatureMethod::HmacSha1, "dpf43f3p2l4k3l03", &secret)
        .nonce("n")
        .timestamp(Timestamp::from_unix_secs(137131202))
        .sign(
            "GET",
            "HTTPS://Photos.Example.NET:443/photos?size=original",
            None,
        )
        .unwrap();
    for base in [
        "https://photos.example.net",
        "HTTPS://PHOTOS.EXAMPLE.NET:443/",
        "https://photos.example.net:443",
    ] {
        let req = Request::new("GET", "/photos?size=original").with_authorization(&h);
        parse(&config(base), &req)
            .verify("kd94hf93k423kf44", "")
            .unwrap();
    }
    // A non-default port is part of the URI.
    let req = Request::new("GET", "/photos?size=original").with_authorization(&h);
    assert!(
        parse(&config("https://photos.example.net:8443"), &req)
            .verify("kd94hf93k423kf44", "")
            .is_err()
    );
}

#[test]
fn malformed_requests_are_refused_before_any_secret_is_used() {
    let c = config("http://example.com");
    let cases: &[(&str, &str)] = &[
        (
            "missing signature",
            "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\"",
        ),
        (
            "missing nonce",
            "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_signature=\"x\"",
        ),
        (
            "missing timestamp",
            "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
        ),
        (
            "missing consumer",
            "OAuth oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
        ),
        (
            "missing method",
            "OAuth oauth_consumer_key=\"k\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
        ),
        (
            "duplicate nonce",
            "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_nonce=\"m\", oauth_signature=\"x\"",
        ),
        (
            "bad timestamp",
            "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1x\", oauth_nonce=\"n\", oauth_signature=\"x\"",
        ),
        (
            "bad version",
            "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\", oauth_version=\"2.0\"",
        ),
        (
            "rsa",
            "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"RSA-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
        ),
        (
            "bad escape",
            "OAuth oauth_consumer_key=\"k%G0\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
        ),
    ];
    for (what, h) in cases {
        let req = Request::new("GET", "/").with_authorization(h);
        assert!(SignedRequest::parse(&c, &req).is_err(), "{what}");
    }
    // A duplicate across sources: oauth_nonce in the header and in the query.
    let h = "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"";
    let req = Request::new("GET", "/?oauth_nonce=m").with_authorization(h);
    assert!(matches!(
        SignedRequest::parse(&c, &req),
        Err(SignatureError::DuplicateParameter(_))
    ));
    // Not OAuth at all: anonymous.
    assert!(
        SignedRequest::parse(&c, &Request::new("GET", "/?a=1"))
            .unwrap()
            .is_none()
    );
    assert!(
        SignedRequest::parse(
            &c,
            &Request::new("GET", "/").with_authorization("Basic Zm9v")
        )
        .unwrap()
        .is_none()
    );
    assert!(SignedRequest::parse(&c, &Request::new("GET", "relative")).is_err());
}

#[test]
fn timestamp_window() {
    let c = config("http://example.com");
    let header = rfc_header("r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D");
    let req = Request::new("POST", RFC_TARGET)
        .with_authorization(&header)
        .with_body(Some(FORM), b"c2&a3=2+q");
    let s = parse(&c, &req);
    let w = std::time::Duration::from_secs(300);
    let at = |t| Timestamp::from_unix_secs(t);
    assert!(s.check_timestamp(at(137131201), w, None).is_ok());
    assert!(s.check_timestamp(at(137131201 + 300), w, None).is_ok());
    assert!(s.check_timestamp(at(137131201 - 300), w, None).is_ok());
    assert_eq!(
        s.check_timestamp(at(137131201 + 301), w, None),
        Err(SignatureError::StaleTimestamp)
    );
    assert_eq!(
        s.check_timestamp(at(137131201 - 301), w, None),
        Err(SignatureError::StaleTimestamp)
    );
    assert_eq!(
        s.check_timestamp(at(137131201), w, Some(at(137131202))),
        Err(SignatureError::BeforeReplayMemory)
    );
}

#[test]
fn body_hash_extension() {
    // Body Hash extension: a non-form body is covered by oauth_body_hash.
    let secret = Secret::new("kd94hf93k423kf44");
    let body = b"Hello World!";
    let hash = smart_auth::oauth::body_hash(SignatureMethod::HmacSha1, body);
    assert_eq!(hash, "Lve95gjOVATpfV8EL5X4nxwjKHE=");
    let h = HeaderSigner::new(SignatureMethod::HmacSha1, "k", &secret)
        .nonce("n")
        .timestamp(Timestamp::from_unix_secs(1))
        .param("oauth_body_hash", &hash)
        .sign("PUT", "http://example.com/x", None)
        .unwrap();
    let c = config("http://example.com");
    let ok = Request::new("PUT", "/x")
        .with_authorization(&h)
        .with_body(Some("text/plain"), body);
    parse(&c, &ok).verify("kd94hf93k423kf44", "").unwrap();
    let tampered = ok.with_body(Some("text/plain"), b"Hello World?");
    assert_eq!(
        parse(&c, &tampered).verify("kd94hf93k423kf44", ""),
        Err(SignatureError::BodyHashMismatch)
    );
    // `HeaderSigner::body` computes and signs the same hash.
    let h = HeaderSigner::new(SignatureMethod::HmacSha1, "k", &secret)
        .nonce("n")
        .timestamp(Timestamp::from_unix_secs(1))
        .body(body)
        .sign("PUT", "http://example.com/x", None)
        .unwrap();
    assert!(
        h.contains("oauth_body_hash=\"Lve95gjOVATpfV8EL5X4nxwjKHE%3D\""),
        "{h}"
    );
    let signed = Request::new("PUT", "/x")
        .with_authorization(&h)
        .with_body(Some("text/plain"), body);
    parse(&c, &signed).verify("kd94hf93k423kf44", "").unwrap();
    // Without a body hash: refused by default (401-class, naming the parameter), accepted
    // only when the configuration asks for the original clients' behaviour.
    let h = HeaderSigner::new(SignatureMethod::HmacSha1, "k", &secret)
        .nonce("n")
        .timestamp(Timestamp::from_unix_secs(1))
        .sign("PUT", "http://example.com/x", None)
        .unwrap();
    let bare = Request::new("PUT", "/x")
        .with_authorization(&h)
        .with_body(Some("text/plain"), body);
    let refused = parse(&c, &bare).verify("kd94hf93k423kf44", "").unwrap_err();
    assert_eq!(refused, SignatureError::BodyHashRequired);
    assert_eq!(
        refused.kind(),
        smart_auth::oauth::SignatureErrorKind::Rejected
    );
    assert!(refused.to_string().contains("oauth_body_hash"), "{refused}");
    let lenient = VerifierConfig::builder("http://example.com")
        .unwrap()
        .dangerous()
        .accept_missing_body_hash()
        .build()
        .unwrap();
    parse(&lenient, &bare)
        .verify("kd94hf93k423kf44", "")
        .unwrap();
    // A wrong hash is refused even then.
    assert_eq!(
        parse(&lenient, &tampered).verify("kd94hf93k423kf44", ""),
        Err(SignatureError::BodyHashMismatch)
    );
    let strict = VerifierConfig::builder("http://example.com")
        .unwrap()
        .require_body_hash()
        .build()
        .unwrap();
    assert_eq!(
        parse(&strict, &bare).verify("kd94hf93k423kf44", ""),
        Err(SignatureError::BodyHashRequired)
    );
    // Form bodies and empty bodies need none even then.
    let form = HeaderSigner::new(SignatureMethod::HmacSha1, "k", &secret)
        .nonce("n")
        .timestamp(Timestamp::from_unix_secs(1))
        .sign("POST", "http://example.com/x", Some(b"a=1"))
        .unwrap();
    let req = Request::new("POST", "/x")
        .with_authorization(&form)
        .with_body(Some(FORM), b"a=1");
    parse(&strict, &req).verify("kd94hf93k423kf44", "").unwrap();
}
