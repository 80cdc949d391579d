//! Vectors computed by a second, independent implementation (Python's oauthlib; see
//! `tests/vectors/make_vectors.py`): Unicode values and names, repeated keys, reserved
//! characters, normalization of scheme, host and port, body hashes, HMAC-SHA256 and
//! PLAINTEXT. smart-auth must build the identical base string and verify every one.

use serde_json::Value;
use smart_auth::oauth::{Request, SignedRequest, VerifierConfig};

fn vectors() -> Vec<Value> {
    let text = include_str!("vectors/vectors.json");
    let json: Value = serde_json::from_str(text).unwrap();
    json["vectors"].as_array().unwrap().clone()
}

fn s(v: &Value, k: &str) -> Option<String> {
    v[k].as_str().map(str::to_owned)
}

#[test]
fn smart_auth_agrees_with_oauthlib() {
    let all = vectors();
    assert!(all.len() >= 20);
    let mut checked = 0;
    for v in &all {
        let name = s(v, "name").unwrap();
        let builder = VerifierConfig::builder(&s(v, "base_url").unwrap()).unwrap();
        let config = match s(v, "signature_method").unwrap().as_str() {
            "HMAC-SHA256" => builder.allow_hmac_sha256().build().unwrap(),
            "PLAINTEXT" => builder.dangerous().allow_plaintext().build().unwrap(),
            _ => builder.build().unwrap(),
        };
        let method = s(v, "method").unwrap();
        let target = s(v, "path_and_query").unwrap();
        let auth = s(v, "authorization").unwrap();
        let content_type = s(v, "content_type");
        let body = s(v, "body").unwrap_or_default();
        let req = Request::new(&method, &target)
            .with_authorization(&auth)
            .with_body(content_type.as_deref(), body.as_bytes());
        let signed = SignedRequest::parse(&config, &req)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap();
        assert_eq!(signed.base_string(), s(v, "base_string").unwrap(), "{name}");
        let cs = s(v, "consumer_secret").unwrap();
        let ts = s(v, "token_secret").unwrap_or_default();
        signed
            .verify(&cs, &ts)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            smart_auth::oauth::sign(signed.signature_method(), signed.base_string(), &cs, &ts),
            s(v, "signature").unwrap(),
            "{name}"
        );
        // Negative: the wrong token secret, and a changed body or query (PLAINTEXT signs
        // no request content, which is why it needs TLS and an explicit opt-in).
        assert!(signed.verify(&cs, "not-the-secret").is_err(), "{name}");
        checked += 1;
        if s(v, "signature_method").unwrap() == "PLAINTEXT" {
            continue;
        }
        let changed_body = format!("{body}x");
        let req2 = req.with_body(content_type.as_deref(), changed_body.as_bytes());
        if !body.is_empty() {
            let r = SignedRequest::parse(&config, &req2).map(|s| s.unwrap().verify(&cs, &ts));
            assert!(!matches!(r, Ok(Ok(()))), "{name}: changed body accepted");
        }
        let changed_target = if target.contains('?') {
            format!("{target}&zz=1")
        } else {
            format!("{target}?zz=1")
        };
        let req3 = Request::new(&method, &changed_target)
            .with_authorization(&auth)
            .with_body(content_type.as_deref(), body.as_bytes());
        let signed3 = SignedRequest::parse(&config, &req3).unwrap().unwrap();
        assert!(
            signed3.verify(&cs, &ts).is_err(),
            "{name}: changed query accepted"
        );
    }
    println!("oauthlib vectors verified: {checked}");
}
