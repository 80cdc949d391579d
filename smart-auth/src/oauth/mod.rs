//! OAuth 1.0a (RFC 5849) signatures: parsing, normalization, signing and verification.
//!
//! This module is stateless. [`SignedRequest::parse`] reads a [`Request`] against a
//! [`VerifierConfig`] and builds the signature base string exactly as RFC 5849 §3.4 says;
//! [`SignedRequest::verify`] checks the signature (and `oauth_body_hash`) with the secrets
//! the caller looked up; [`SignedRequest::check_timestamp`] checks freshness. The
//! [`crate::provider::Provider`] puts these together with consumer, token and nonce
//! storage.
//!
//! ```
//! use smart_auth::oauth::{HeaderSigner, Request, SignatureMethod, SignedRequest, VerifierConfig};
//! use smart_auth::{Secret, Timestamp};
//!
//! let config = VerifierConfig::builder("http://photos.example.net").unwrap().build().unwrap();
//! let header = HeaderSigner::new(SignatureMethod::HmacSha1, "dpf43f3p2l4k3l03", &Secret::new("kd94hf93k423kf44"))
//!     .token("nnch734d00sl2jdk", &Secret::new("pfkkdhi9sl3r4s00"))
//!     .nonce("chapoH")
//!     .timestamp(Timestamp::from_unix_secs(137131202))
//!     .realm("Photos")
//!     .version(false)
//!     .sign("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", None)
//!     .unwrap();
//! let request = Request::new("GET", "/photos?file=vacation.jpg&size=original").with_authorization(&header);
//! let signed = SignedRequest::parse(&config, &request).unwrap().unwrap();
//! assert_eq!(signed.token(), Some("nnch734d00sl2jdk"));
//! signed.verify("kd94hf93k423kf44", "pfkkdhi9sl3r4s00").unwrap();
//! assert!(signed.verify("kd94hf93k423kf44", "wrong").is_err());
//! ```

mod base;
mod encode;
mod header;
mod request;
mod sign;
mod signature;
mod verify;

pub use base::{BaseUri, BaseUriError};
pub use encode::{RawParameter, form_encode, percent_encode};
pub use request::Request;
pub use sign::HeaderSigner;
pub use signature::{SignatureMethod, body_hash, sign};
pub use verify::{
    DEFAULT_TIMESTAMP_WINDOW, DangerousVerifierConfigBuilder, MAX_NONCE_LEN, MAX_TIMESTAMP_WINDOW,
    SignatureError, SignatureErrorKind, SignedRequest, VerifierConfig, VerifierConfigBuilder,
};

pub(crate) use base::split_absolute;

/// Parses an `Authorization` header value into its decoded parameters (`realm` left out),
/// without checking anything else. Exposed for fuzzing and diagnostics; it never panics.
pub fn parse_authorization_header(value: &str) -> Result<Vec<RawParameter>, SignatureError> {
    header::parse(value).map_err(SignatureError::MalformedHeader)
}
