//! Randomness and secrets: the [`SecureRandom`] seam (a CSPRNG; the default reads the
//! operating system's generator) and [`Secret`], a string that never shows in `Debug`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::fmt;
use subtle::ConstantTimeEq;

/// The random source could not deliver bytes.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the secure random generator failed: {message}")]
pub struct RandomError {
    message: String,
}

impl RandomError {
    /// An error with this description.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// A cryptographically secure random generator. Every token, secret, verifier, nonce and
/// reset code comes from it.
pub trait SecureRandom: Send + Sync + fmt::Debug {
    /// Fills `dest` with random bytes.
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError>;
}

/// The operating system's CSPRNG (`getrandom`).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct OsRandom {}

impl OsRandom {
    /// The OS generator.
    pub fn new() -> Self {
        Self {}
    }
}

impl SecureRandom for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        getrandom::fill(dest).map_err(|e| RandomError::new(e.to_string()))
    }
}

/// `bytes` random bytes as unpadded base64url: only RFC 3986 unreserved characters, so the
/// result needs no percent-encoding anywhere in OAuth.
pub fn random_string(rng: &dyn SecureRandom, bytes: usize) -> Result<String, RandomError> {
    let mut buf = vec![0u8; bytes];
    rng.fill(&mut buf)?;
    Ok(URL_SAFE_NO_PAD.encode(&buf))
}

/// A secret string (consumer secret, token secret, verifier, reset code). `Debug` and
/// `Display` never show it; read it with [`Secret::expose`]. Equality is constant-time.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison with a candidate (the length may leak, the content does
    /// not).
    pub fn matches(&self, candidate: &str) -> bool {
        self.0.as_bytes().ct_eq(candidate.as_bytes()).into()
    }

    pub(crate) fn generate(rng: &dyn SecureRandom, bytes: usize) -> Result<Self, RandomError> {
        random_string(rng, bytes).map(Self)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_strings_are_unreserved_and_distinct() {
        let rng = OsRandom::new();
        let a = random_string(&rng, 32).unwrap();
        let b = random_string(&rng, 32).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert!(s.matches("hunter2"));
        assert!(!s.matches("hunter3"));
        assert_eq!(s, Secret::from("hunter2"));
    }
}
