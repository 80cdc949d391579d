//! Signature methods (RFC 5849 §3.4.2–3.4.4) and constant-time verification.

use super::encode::percent_encode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;

/// An `oauth_signature_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureMethod {
    /// `HMAC-SHA1`: what SMART apps use. Always enabled.
    HmacSha1,
    /// `HMAC-SHA256`: enabled by configuration.
    HmacSha256,
    /// `PLAINTEXT`: the secrets themselves travel in the request. Only over HTTPS, and only
    /// through the `dangerous` configuration.
    Plaintext,
}

impl SignatureMethod {
    /// The protocol name (`HMAC-SHA1`, `HMAC-SHA256`, `PLAINTEXT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha256 => "HMAC-SHA256",
            Self::Plaintext => "PLAINTEXT",
        }
    }

    /// The method with this protocol name (exact spelling).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::HmacSha1, Self::HmacSha256, Self::Plaintext]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The signing key: `enc(consumer_secret)&enc(token_secret)` (RFC 5849 §3.4.2).
fn key(consumer_secret: &str, token_secret: &str) -> String {
    format!(
        "{}&{}",
        percent_encode(consumer_secret.as_bytes()),
        percent_encode(token_secret.as_bytes())
    )
}

fn hmac_bytes<M: Mac + KeyInit>(key: &str, base: &str) -> M {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <M as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(base.as_bytes());
    mac
}

/// The signature of a base string (the value of `oauth_signature`, before percent-encoding).
pub fn sign(
    method: SignatureMethod,
    base_string: &str,
    consumer_secret: &str,
    token_secret: &str,
) -> String {
    let key = key(consumer_secret, token_secret);
    match method {
        SignatureMethod::HmacSha1 => STANDARD.encode(
            hmac_bytes::<Hmac<Sha1>>(&key, base_string)
                .finalize()
                .into_bytes(),
        ),
        SignatureMethod::HmacSha256 => STANDARD.encode(
            hmac_bytes::<Hmac<Sha256>>(&key, base_string)
                .finalize()
                .into_bytes(),
        ),
        SignatureMethod::Plaintext => key,
    }
}

/// True if `provided` (the decoded `oauth_signature`) is the signature of `base_string`.
/// The comparison is constant-time in the signature's content.
pub(crate) fn verify(
    method: SignatureMethod,
    base_string: &str,
    consumer_secret: &str,
    token_secret: &str,
    provided: &str,
) -> bool {
    let key = key(consumer_secret, token_secret);
    match method {
        SignatureMethod::HmacSha1 | SignatureMethod::HmacSha256 => {
            let Ok(raw) = STANDARD.decode(provided.as_bytes()) else {
                return false;
            };
            if method == SignatureMethod::HmacSha1 {
                hmac_bytes::<Hmac<Sha1>>(&key, base_string)
                    .verify_slice(&raw)
                    .is_ok()
            } else {
                hmac_bytes::<Hmac<Sha256>>(&key, base_string)
                    .verify_slice(&raw)
                    .is_ok()
            }
        }
        SignatureMethod::Plaintext => key.as_bytes().ct_eq(provided.as_bytes()).into(),
    }
}

/// `oauth_body_hash` of a body: base64 of its SHA-1 (for HMAC-SHA1 and PLAINTEXT) or SHA-256
/// (for HMAC-SHA256) digest, per the OAuth Request Body Hash extension.
pub fn body_hash(method: SignatureMethod, body: &[u8]) -> String {
    use sha1::Digest as _;
    match method {
        SignatureMethod::HmacSha256 => STANDARD.encode(Sha256::digest(body)),
        _ => STANDARD.encode(Sha1::digest(body)),
    }
}

/// Constant-time check of a provided body hash.
pub(crate) fn body_hash_matches(method: SignatureMethod, body: &[u8], provided: &str) -> bool {
    body_hash(method, body)
        .as_bytes()
        .ct_eq(provided.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_5849_hmac_sha1() {
        let base = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";
        let sig = sign(
            SignatureMethod::HmacSha1,
            base,
            "j49sk3j29djd",
            "dh893hdasih9",
        );
        assert_eq!(sig, "r6/TJjbCOr97/+UU0NsvSne7s5g=");
        assert!(verify(
            SignatureMethod::HmacSha1,
            base,
            "j49sk3j29djd",
            "dh893hdasih9",
            &sig
        ));
        assert!(!verify(
            SignatureMethod::HmacSha1,
            base,
            "j49sk3j29djd",
            "x",
            &sig
        ));
        assert!(!verify(
            SignatureMethod::HmacSha1,
            base,
            "j49sk3j29djd",
            "dh893hdasih9",
            "!!"
        ));
        assert!(!verify(
            SignatureMethod::HmacSha256,
            base,
            "j49sk3j29djd",
            "dh893hdasih9",
            &sig
        ));
    }

    #[test]
    fn plaintext_is_the_key() {
        assert_eq!(
            sign(SignatureMethod::Plaintext, "", "ja893SD9", ""),
            "ja893SD9&"
        );
        assert!(verify(
            SignatureMethod::Plaintext,
            "x",
            "ja893SD9",
            "",
            "ja893SD9&"
        ));
        assert!(!verify(
            SignatureMethod::Plaintext,
            "x",
            "ja893SD9",
            "",
            "ja893SD9&x"
        ));
    }

    #[test]
    fn names_round_trip() {
        for m in [
            SignatureMethod::HmacSha1,
            SignatureMethod::HmacSha256,
            SignatureMethod::Plaintext,
        ] {
            assert_eq!(SignatureMethod::from_name(m.as_str()), Some(m));
        }
        assert_eq!(SignatureMethod::from_name("hmac-sha1"), None);
        assert_eq!(SignatureMethod::from_name("RSA-SHA1"), None);
    }

    #[test]
    fn body_hash_of_hello_world() {
        // The Body Hash extension's own example: SHA-1 of "Hello World!".
        assert_eq!(
            body_hash(SignatureMethod::HmacSha1, b"Hello World!"),
            "Lve95gjOVATpfV8EL5X4nxwjKHE="
        );
        assert!(body_hash_matches(
            SignatureMethod::HmacSha1,
            b"Hello World!",
            "Lve95gjOVATpfV8EL5X4nxwjKHE="
        ));
    }
}
