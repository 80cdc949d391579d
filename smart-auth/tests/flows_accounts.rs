//! Authentication edge cases and account flows: replay, timestamp window, restart window,
//! unknown consumers, login throttling that never re-enables a disabled account, password
//! resets.

mod common;

use common::*;
use smart_auth::directory::AccountState;
use smart_auth::oauth::SignatureError;
use smart_auth::{AuthError, AuthErrorKind, Principal, UserId};

fn user(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

#[test]
fn a_replayed_request_is_refused() {
    let w = World::new();
    let wire = w.wire(&w.ui, "GET", "/apps/", &[], Extra::default());
    assert_eq!(w.authenticate(&wire).unwrap().principal(), &Principal::Ui);
    assert!(matches!(w.authenticate(&wire), Err(AuthError::Replay)));
    // The same nonce with another timestamp is another request.
    let now = w.now();
    let a = w.wire(
        &w.ui,
        "GET",
        "/apps/",
        &[],
        Extra {
            nonce: Some("fixed"),
            timestamp: Some(now),
            ..Extra::default()
        },
    );
    let b = w.wire(
        &w.ui,
        "GET",
        "/apps/",
        &[],
        Extra {
            nonce: Some("fixed"),
            timestamp: Some(now - 1),
            ..Extra::default()
        },
    );
    assert!(w.authenticate(&a).is_ok());
    assert!(w.authenticate(&b).is_ok());
}

#[test]
fn nonces_are_remembered_only_after_the_signature_verifies() {
    let w = World::new();
    let now = w.now();
    let x = Extra {
        nonce: Some("n-1"),
        timestamp: Some(now),
        ..Extra::default()
    };
    // A forged request (wrong secret) with nonce n-1 ...
    let forged = w.wire(
        &Creds::new("ui", "not-the-ui-secret"),
        "GET",
        "/apps/",
        &[],
        x.clone(),
    );
    assert!(matches!(
        w.authenticate(&forged),
        Err(AuthError::Signature(SignatureError::BadSignature))
    ));
    // ... does not burn the nonce for the real client.
    let real = w.wire(&w.ui, "GET", "/apps/", &[], x);
    assert!(w.authenticate(&real).is_ok());
}

#[test]
fn the_timestamp_window_is_five_minutes_both_ways() {
    let w = World::new();
    let now = w.now();
    for (ts, ok) in [
        (now, true),
        (now - 300, true),
        (now + 300, true),
        (now - 301, false),
        (now + 301, false),
    ] {
        let r = w.send(
            &w.ui,
            "GET",
            "/apps/",
            &[],
            Extra {
                timestamp: Some(ts),
                ..Extra::default()
            },
        );
        assert_eq!(r.is_ok(), ok, "{ts}");
        if !ok {
            assert!(matches!(
                r,
                Err(AuthError::Signature(SignatureError::StaleTimestamp))
            ));
            assert_eq!(r.unwrap_err().kind(), AuthErrorKind::Unauthenticated);
        }
    }
}

#[test]
fn a_restarted_node_opens_no_replay_window() {
    let w = World::new();
    let wire = w.wire(&w.ui, "GET", "/apps/", &[], Extra::default());
    assert!(w.authenticate(&wire).is_ok());
    w.advance(10);
    // The node restarts with an empty nonce memory: the old request is still inside the
    // timestamp window, but older than the node's memory.
    let restarted = w.restart();
    let r = block_on(restarted.authenticate(&wire.request()));
    assert!(matches!(
        r,
        Err(AuthError::Signature(SignatureError::BeforeReplayMemory))
    ));
    // New requests are fine.
    let fresh = w.wire(&w.ui, "GET", "/apps/", &[], Extra::default());
    assert!(
        block_on(restarted.authenticate(&fresh.request()))
            .unwrap()
            .is_some()
    );
}

#[test]
fn unknown_consumers_and_foreign_tokens_are_unauthenticated() {
    let w = World::new();
    let r = w.get(&Creds::new("nobody@apps.example.org", "s"), "/apps/");
    assert!(matches!(r, Err(AuthError::UnknownConsumer)));
    let r = w.get(&Creds::new("bad key!", "s"), "/apps/");
    assert!(matches!(r, Err(AuthError::UnknownConsumer)));
    let r = w.get(&w.ui.with_token("no-such-token", "x"), "/apps/");
    assert!(matches!(r, Err(AuthError::UnknownToken)));
    // An admin credential takes no token, not even a valid session token.
    w.account("hal@example.org", "hal password");
    let session = w.login("hal@example.org", "hal password");
    let (t, s) = session.token.clone().unwrap();
    let r = w.get(&w.admin.with_token(&t, &s), "/apps/");
    assert!(matches!(r, Err(AuthError::UnknownToken)));
    // A session token with an app's consumer key is unknown as well.
    let app = w.register(ui_app("a@apps.example.org"));
    let r = w.get(&app.with_token(&t, &s), "/apps/");
    assert!(matches!(r, Err(AuthError::UnknownToken)));
    // No OAuth at all: anonymous.
    let anon = block_on(
        w.provider
            .authenticate(&smart_auth::oauth::Request::new("GET", "/manifest")),
    )
    .unwrap();
    assert!(anon.is_none());
}

#[test]
fn only_the_ui_logs_users_in() {
    let w = World::new();
    w.account("ivy@example.org", "ivy password");
    let app = w.register(ui_app("a@apps.example.org"));
    let as_app = w.get(&app, "/oauth/internal/session_create").unwrap();
    assert!(matches!(
        block_on(w.provider.login(&as_app, "ivy@example.org", "ivy password")),
        Err(AuthError::Forbidden(_))
    ));
    let as_admin = w.as_admin();
    assert!(matches!(
        block_on(
            w.provider
                .login(&as_admin, "ivy@example.org", "ivy password")
        ),
        Err(AuthError::Forbidden(_))
    ));
    let grant = block_on(
        w.provider
            .login(&w.as_ui(), "IVY@example.org", "ivy password"),
    )
    .unwrap();
    assert_eq!(grant.user.as_str(), "ivy@example.org");
    assert!(grant.to_form().ends_with("&account_id=ivy%40example.org"));
    // The session acts for the user.
    let s = w
        .get(
            &w.ui.with_token(&grant.token, grant.secret.expose()),
            "/accounts/ivy@example.org",
        )
        .unwrap();
    assert_eq!(s.principal().user(), Some(&user("ivy@example.org")));
    // In process, the session resumes from its token and secret.
    let resumed = block_on(w.provider.resume_session(&grant.token, &grant.secret)).unwrap();
    assert_eq!(resumed.principal(), s.principal());
    assert!(
        block_on(
            w.provider
                .resume_session(&grant.token, &smart_auth::Secret::new("x"))
        )
        .is_err()
    );
}

#[test]
fn throttling_locks_and_unlocks_but_never_reenables_a_disabled_account() {
    let w = World::new();
    w.account("jay@example.org", "jay password");
    let ui = w.as_ui();
    let login = |pw: &str| block_on(w.provider.login(&ui, "jay@example.org", pw));
    for _ in 0..4 {
        assert!(matches!(login("wrong"), Err(AuthError::InvalidCredentials)));
    }
    // The fifth failure locks for a minute: even the right password is refused, with the
    // answer of a wrong password (a locked account is not told apart).
    assert!(matches!(login("wrong"), Err(AuthError::InvalidCredentials)));
    assert!(matches!(
        login("jay password"),
        Err(AuthError::InvalidCredentials)
    ));
    assert_eq!(
        login("jay password").unwrap_err().kind(),
        AuthErrorKind::Unauthenticated
    );
    w.advance(61);
    assert!(login("jay password").is_ok());
    // The next failures start from zero again.
    assert!(matches!(login("wrong"), Err(AuthError::InvalidCredentials)));
    assert!(login("jay password").is_ok());

    // An administrator disables the account: its session stops at once.
    let session = w.login("jay@example.org", "jay password");
    block_on(w.provider.set_account_state(
        &w.as_admin(),
        &user("jay@example.org"),
        AccountState::Disabled,
        false,
    ))
    .unwrap();
    assert!(matches!(
        w.get(&session, "/x"),
        Err(AuthError::UnknownToken)
    ));
    assert!(matches!(
        login("jay password"),
        Err(AuthError::AccountDisabled)
    ));
    // Failures and waiting do not bring it back.
    for _ in 0..6 {
        let _ = login("wrong");
    }
    w.advance(24 * 3600);
    assert!(matches!(
        login("jay password"),
        Err(AuthError::AccountDisabled)
    ));
    // Unknown accounts look like wrong passwords.
    assert!(matches!(
        block_on(w.provider.login(&ui, "nobody@example.org", "x")),
        Err(AuthError::InvalidCredentials)
    ));
    assert!(matches!(
        block_on(w.provider.login(&ui, "not an email", "x")),
        Err(AuthError::InvalidCredentials)
    ));
}

#[test]
fn password_reset_codes_work_once_and_expire() {
    let w = World::new();
    w.account("kim@example.org", "kim password");
    let ui = w.as_ui();
    let session = w.login("kim@example.org", "kim password");
    let code = block_on(w.provider.request_password_reset(&ui, "kim@example.org"))
        .unwrap()
        .unwrap();
    assert!(
        block_on(w.provider.request_password_reset(&ui, "nobody@example.org"))
            .unwrap()
            .is_none()
    );
    // Too short a new password does not use the code up.
    assert_eq!(
        block_on(w.provider.reset_password(&ui, code.code.expose(), "short"))
            .unwrap_err()
            .kind(),
        AuthErrorKind::BadRequest
    );
    let who = block_on(
        w.provider
            .reset_password(&ui, code.code.expose(), "kim new password"),
    )
    .unwrap();
    assert_eq!(who.as_str(), "kim@example.org");
    // Single use.
    assert_eq!(
        block_on(
            w.provider
                .reset_password(&ui, code.code.expose(), "kim third password")
        )
        .unwrap_err()
        .kind(),
        AuthErrorKind::BadRequest
    );
    // The reset revoked the old session; the new password works.
    assert!(matches!(
        w.get(&session, "/x"),
        Err(AuthError::UnknownToken)
    ));
    assert!(block_on(w.provider.login(&ui, "kim@example.org", "kim new password")).is_ok());
    assert!(block_on(w.provider.login(&ui, "kim@example.org", "kim password")).is_err());
    // Expired codes fail.
    let code = block_on(w.provider.request_password_reset(&ui, "kim@example.org"))
        .unwrap()
        .unwrap();
    w.advance(1801);
    assert!(
        block_on(
            w.provider
                .reset_password(&ui, code.code.expose(), "kim fourth password")
        )
        .is_err()
    );
    // A newer code replaces an older one.
    let old = block_on(w.provider.request_password_reset(&ui, "kim@example.org"))
        .unwrap()
        .unwrap();
    let new = block_on(w.provider.request_password_reset(&ui, "kim@example.org"))
        .unwrap()
        .unwrap();
    assert!(
        block_on(
            w.provider
                .reset_password(&ui, old.code.expose(), "kim fifth password")
        )
        .is_err()
    );
    assert!(
        block_on(
            w.provider
                .reset_password(&ui, new.code.expose(), "kim fifth password")
        )
        .is_ok()
    );
    // A reset never re-enables a disabled account.
    let code = block_on(w.provider.request_password_reset(&ui, "kim@example.org"))
        .unwrap()
        .unwrap();
    block_on(w.provider.set_account_state(
        &w.as_admin(),
        &user("kim@example.org"),
        AccountState::Disabled,
        false,
    ))
    .unwrap();
    assert!(matches!(
        block_on(
            w.provider
                .reset_password(&ui, code.code.expose(), "kim sixth password")
        ),
        Err(AuthError::AccountDisabled)
    ));
    assert!(
        block_on(w.provider.request_password_reset(&ui, "kim@example.org"))
            .unwrap()
            .is_none()
    );
    // Only the UI runs resets.
    let admin = w.as_admin();
    assert!(block_on(w.provider.request_password_reset(&admin, "kim@example.org")).is_err());
}

#[test]
fn accounts_change_only_their_own_password_and_registration_is_off_by_default() {
    let w = World::new();
    w.account("lee@example.org", "lee password");
    w.account("max@example.org", "max password");
    let lee = w.login("lee@example.org", "lee password");
    let s = w.get(&lee, "/accounts/lee@example.org/password").unwrap();
    let r = block_on(w.provider.change_password(
        &s,
        &user("max@example.org"),
        "max password",
        "hijacked!!",
    ));
    assert!(matches!(r, Err(AuthError::Forbidden(_))));
    let r = block_on(w.provider.change_password(
        &s,
        &user("lee@example.org"),
        "wrong",
        "lee new password",
    ));
    assert!(matches!(r, Err(AuthError::InvalidCredentials)));
    block_on(w.provider.change_password(
        &s,
        &user("lee@example.org"),
        "lee password",
        "lee new password",
    ))
    .unwrap();
    assert!(
        block_on(
            w.provider
                .login(&w.as_ui(), "lee@example.org", "lee new password")
        )
        .is_ok()
    );
    assert!(matches!(
        block_on(
            w.provider
                .register_account(&w.as_ui(), "new@example.org", "new password")
        ),
        Err(AuthError::Forbidden(_))
    ));
    // An account without a password cannot log in until a reset sets one.
    block_on(
        w.provider
            .create_account(&w.as_admin(), "nopw@example.org", None, false),
    )
    .unwrap();
    assert!(block_on(w.provider.login(&w.as_ui(), "nopw@example.org", "")).is_err());
    let code = block_on(
        w.provider
            .request_password_reset(&w.as_ui(), "nopw@example.org"),
    )
    .unwrap()
    .unwrap();
    block_on(
        w.provider
            .reset_password(&w.as_ui(), code.code.expose(), "first password"),
    )
    .unwrap();
    assert!(
        block_on(
            w.provider
                .login(&w.as_ui(), "nopw@example.org", "first password")
        )
        .is_ok()
    );
}

#[test]
fn housekeeping_removes_expired_tokens() {
    let w = World::new();
    w.account("ned@example.org", "ned password");
    let _ = w.login("ned@example.org", "ned password");
    assert_eq!(w.dir.token_count(), 1);
    assert_eq!(block_on(w.provider.remove_expired_tokens()).unwrap(), 0);
    w.advance(8 * 3600);
    assert_eq!(block_on(w.provider.remove_expired_tokens()).unwrap(), 1);
    assert_eq!(w.dir.token_count(), 0);
}
