//! UI sessions: the cookie, the CSRF tokens, idle and absolute timeouts.
//!
//! A session is the provider's own session token (kept in the directory store, so it
//! survives a restart and works on every directory backend). The cookie holds only the
//! token and its secret, both drawn from the operating system's CSPRNG; the secret is
//! checked in constant time by the provider. The CSRF token of a session is derived from
//! its secret (a SHA-256 under a fixed label), so it needs no storage and dies with the
//! session. Before login, a separate random cookie carries the login form's CSRF token
//! (double submit).
//!
//! The absolute timeout counts from the session token's issue time (stored); the idle
//! timeout from the last request this process saw for the session (kept in memory: after
//! a restart a session's idle clock starts afresh).

use super::{Ui, glue};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use smart_auth::{Authenticated, Principal, Secret, UserId};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie: `<token>.<secret>`.
pub(crate) const SESSION_COOKIE: &str = "smart_session";
/// The pre-login cookie holding the login form's CSRF token.
pub(crate) const LOGIN_COOKIE: &str = "smart_login";

/// A signed-in user.
#[derive(Debug)]
pub(crate) struct Session {
    /// The provider's session principal.
    pub(crate) who: Authenticated,
    /// The user.
    pub(crate) user: UserId,
    /// The session token.
    pub(crate) token: String,
    /// The CSRF token of this session.
    pub(crate) csrf: String,
}

/// When each session was last used, in this process.
#[derive(Debug, Default)]
pub(crate) struct Activity {
    seen: Mutex<HashMap<String, Instant>>,
}

/// At most this many sessions are remembered; beyond, idle ones are dropped first.
const MAX_TRACKED: usize = 100_000;

impl Activity {
    /// Notes a request now; `false` if the session was idle longer than `idle` before it.
    fn touch(&self, token: &str, idle: Duration) -> bool {
        let now = Instant::now();
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen
            .get(token)
            .is_some_and(|last| now.duration_since(*last) > idle)
        {
            seen.remove(token);
            return false;
        }
        if seen.len() >= MAX_TRACKED {
            seen.retain(|_, last| now.duration_since(*last) <= idle);
        }
        seen.insert(token.to_owned(), now);
        true
    }

    fn forget(&self, token: &str) {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(token);
    }
}

/// A cookie's value from the request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The CSRF token of a session secret.
pub(crate) fn csrf_of(secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"smart-rs ui csrf\0");
    h.update(secret.as_bytes());
    URL_SAFE_NO_PAD.encode(h.finalize())
}

/// Constant-time comparison of a CSRF token with the expected one.
pub(crate) fn csrf_matches(expected: &str, given: Option<&str>) -> bool {
    given.is_some_and(|g| !expected.is_empty() && Secret::new(expected).matches(g))
}

/// A fresh random value (token-sized) from the OS CSPRNG.
pub(crate) fn random() -> Option<String> {
    smart_auth::random_string(&smart_auth::OsRandom::new(), 32).ok()
}

impl Ui {
    /// The signed-in session of this request, if any (timeouts enforced; an expired
    /// session is revoked).
    pub(crate) async fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let value = cookie(headers, SESSION_COOKIE)?;
        let (token, secret) = value.split_once('.')?;
        let container = self.container();
        let (who, issued) = glue::resume(container, token, secret).await?;
        let ui = &container.config().ui;
        let deadline = issued.saturating_add(Duration::from_secs(ui.absolute_timeout_secs));
        let fresh = glue::now(container) < deadline
            && self
                .inner
                .activity
                .touch(token, Duration::from_secs(ui.idle_timeout_secs));
        if !fresh {
            self.inner.activity.forget(token);
            glue::revoke_session(container, token).await;
            return None;
        }
        // A shared link's viewer session is no UI session (its cookie is another one).
        if who.bound_app().is_some() {
            return None;
        }
        let Principal::Session { user, .. } = who.principal() else {
            return None;
        };
        let user = user.clone();
        // The showcase visitor may look, never change anything.
        let who = if super::showcase::account(self).is_some_and(|a| a == user) {
            who.into_read_only()
        } else {
            who
        };
        Some(Session {
            who,
            user,
            token: token.to_owned(),
            csrf: csrf_of(secret),
        })
    }

    /// Forgets a session's activity (at logout).
    pub(crate) fn forget(&self, token: &str) {
        self.inner.activity.forget(token);
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, the base path, Secure on https;
    /// `None` as value clears the cookie.
    pub(crate) fn set_cookie(&self, response: &mut Response, name: &str, value: Option<&str>) {
        let path = if self.base().is_empty() {
            "/"
        } else {
            self.base()
        };
        let mut c = format!(
            "{name}={}; Path={path}; HttpOnly; SameSite=Lax",
            value.unwrap_or("")
        );
        if value.is_none() {
            c.push_str("; Max-Age=0");
        }
        if self.inner.secure {
            c.push_str("; Secure");
        }
        if let Ok(v) = HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

/// The cookie value of a new session.
pub(crate) fn session_cookie_value(token: &str, secret: &Secret) -> String {
    format!("{token}.{}", secret.expose())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_is_bound_to_the_secret() {
        let a = csrf_of("secret-a");
        assert_eq!(a, csrf_of("secret-a"));
        assert_ne!(a, csrf_of("secret-b"));
        assert!(csrf_matches(&a, Some(&a)));
        assert!(!csrf_matches(&a, Some("x")));
        assert!(!csrf_matches(&a, None));
        assert!(!csrf_matches("", Some("")));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("xsmart_session=no; smart_session=t.s; other=1"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("t.s"));
        assert_eq!(cookie(&h, LOGIN_COOKIE), None);
    }

    #[test]
    fn idle_sessions_are_refused() {
        let a = Activity::default();
        assert!(a.touch("t", Duration::from_secs(60)));
        assert!(a.touch("t", Duration::from_secs(60)));
        std::thread::sleep(Duration::from_millis(20));
        assert!(!a.touch("t", Duration::from_millis(1)));
    }
}
