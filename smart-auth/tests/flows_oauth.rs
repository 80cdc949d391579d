//! The SMART REST 3-legged flow end to end over the in-memory stores, share revocation
//! and the app registry.

mod common;

use common::*;
use smart_auth::directory::AccountUpdate;
use smart_auth::policy::{Decision, Endpoint, Target};
use smart_auth::provider::Remember;
use smart_auth::{AccessKind, AppId, AuthError, AuthErrorKind, Clock, Principal, UserId};

fn app_id(s: &str) -> AppId {
    AppId::new(s).unwrap()
}
fn user(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

/// Runs the 3-legged flow up to approval; returns (app creds with request token, verifier,
/// redirect).
fn approved_request(
    w: &World,
    app: &Creds,
    session: &Creds,
    record: &str,
) -> (Creds, String, Option<String>) {
    let who = w
        .send(
            app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", record)],
            Extra {
                callback: Some("https://evil.example.net/steal"),
                ..Extra::default()
            },
        )
        .unwrap();
    let temp = block_on(w.provider.request_token(&who)).unwrap();
    assert!(temp.to_form().ends_with("&oauth_callback_confirmed=true"));
    let s = w.get(session, "/oauth/authorize").unwrap();
    let approval = block_on(w.provider.approve(&s, &temp.token, Remember::Yes)).unwrap();
    (
        app.with_token(&temp.token, temp.secret.expose()),
        approval.verifier.expose().to_owned(),
        approval.redirect,
    )
}

#[test]
fn three_legged_end_to_end() {
    let w = World::new();
    let app = w.register(ui_app("med-list@apps.example.org"));
    w.account("alice@example.org", "alice password");
    let session = w.login("alice@example.org", "alice password");

    // Request token, bound to record 1; the callback in the request is ignored.
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "1")],
            Extra {
                callback: Some("https://evil.example.net/steal"),
                ..Extra::default()
            },
        )
        .unwrap();
    assert!(matches!(who.principal(), Principal::App { .. }));
    let temp = block_on(w.provider.request_token(&who)).unwrap();

    // The user sees the request and approves it.
    let s = w.get(&session, "/oauth/authorize").unwrap();
    let info = block_on(w.provider.authorization_request(&s, &temp.token)).unwrap();
    assert_eq!(info.app.as_str(), "med-list@apps.example.org");
    assert_eq!(info.record, Some(rid("1")));
    assert!(!info.remembered);
    let approval = block_on(w.provider.approve(&s, &temp.token, Remember::Yes)).unwrap();
    let redirect = approval.redirect.clone().unwrap();
    assert!(
        redirect.starts_with("https://app.example.org/after_auth?oauth_token="),
        "{redirect}"
    );
    assert!(!redirect.contains("evil"));
    assert!(redirect.contains(&format!("oauth_verifier={}", approval.verifier.expose())));
    // Approving twice is refused.
    assert_eq!(
        block_on(w.provider.approve(&s, &temp.token, Remember::Yes))
            .unwrap_err()
            .kind(),
        AuthErrorKind::Conflict
    );

    // Exchange.
    let rt = app.with_token(&temp.token, temp.secret.expose());
    let who = w
        .send(
            &rt,
            "POST",
            "/oauth/access_token",
            &[],
            Extra {
                verifier: Some(approval.verifier.expose()),
                ..Extra::default()
            },
        )
        .unwrap();
    assert!(matches!(who.principal(), Principal::RequestToken { .. }));
    let access = block_on(w.provider.access_token(&who)).unwrap();
    assert_eq!(access.record, Some(rid("1")));
    assert_eq!(access.user, user("alice@example.org"));
    assert!(
        access
            .to_form()
            .contains("&record_id=1&user_id=alice%40example.org")
    );

    // The verifier works once: the request token is gone.
    let replay = w.send(
        &rt,
        "POST",
        "/oauth/access_token",
        &[],
        Extra {
            verifier: Some(approval.verifier.expose()),
            ..Extra::default()
        },
    );
    assert!(matches!(replay, Err(AuthError::UnknownToken)));

    // The access token reads record 1 and nothing else.
    let at = app.with_token(&access.token, access.secret.expose());
    let who = w.get(&at, "/records/1/medications/").unwrap();
    match who.principal() {
        Principal::Token {
            access: AccessKind::Rest,
            record,
            user: u,
            ..
        } => {
            assert_eq!(record, &Some(rid("1")));
            assert_eq!(u, &Some(user("alice@example.org")));
        }
        other => panic!("{other:?}"),
    }
    let meds = Endpoint::api("get_medications").unwrap();
    assert_eq!(
        w.provider
            .authorize(Some(&who), meds, &Target::new().with_record(rid("1"))),
        Decision::Allow
    );
    assert_eq!(
        w.provider
            .authorize(Some(&who), meds, &Target::new().with_record(rid("2"))),
        Decision::Forbidden
    );

    // The approval is remembered for the next request token on the same record.
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "1")],
            Extra::default(),
        )
        .unwrap();
    let temp2 = block_on(w.provider.request_token(&who)).unwrap();
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert!(
        block_on(w.provider.authorization_request(&s, &temp2.token))
            .unwrap()
            .remembered
    );
    assert!(
        block_on(w.provider.approve_if_remembered(&s, &temp2.token))
            .unwrap()
            .is_some()
    );
    // ... but not for another record.
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "2")],
            Extra::default(),
        )
        .unwrap();
    let temp3 = block_on(w.provider.request_token(&who)).unwrap();
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert!(
        block_on(w.provider.approve_if_remembered(&s, &temp3.token))
            .unwrap()
            .is_none()
    );
}

#[test]
fn request_tokens_expire_and_need_a_record_and_a_right_verifier() {
    let w = World::new();
    let app = w.register(ui_app("a@apps.example.org"));
    w.account("bob@example.org", "bob password");
    let session = w.login("bob@example.org", "bob password");

    // A record-scope app must name an existing record.
    let who = w
        .send(&app, "POST", "/oauth/request_token", &[], Extra::default())
        .unwrap();
    assert_eq!(
        block_on(w.provider.request_token(&who)).unwrap_err().kind(),
        AuthErrorKind::BadRequest
    );
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "99")],
            Extra::default(),
        )
        .unwrap();
    // A missing record is not told apart from an existing one here (that would reveal
    // which record ids exist): the token is issued, but the approval page refuses it.
    let missing = block_on(w.provider.request_token(&who)).unwrap();
    let existing = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "1")],
            Extra::default(),
        )
        .unwrap();
    let existing = block_on(w.provider.request_token(&existing)).unwrap();
    assert_eq!(missing.to_form().len(), existing.to_form().len());
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert_eq!(
        block_on(w.provider.authorization_request(&s, &missing.token))
            .unwrap_err()
            .kind(),
        AuthErrorKind::NotFound
    );
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert_eq!(
        block_on(w.provider.approve(&s, &missing.token, Remember::No))
            .unwrap_err()
            .kind(),
        AuthErrorKind::NotFound
    );

    // Expired before approval.
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "1")],
            Extra::default(),
        )
        .unwrap();
    let temp = block_on(w.provider.request_token(&who)).unwrap();
    w.advance(601);
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert!(matches!(
        block_on(w.provider.approve(&s, &temp.token, Remember::Yes)),
        Err(AuthError::TokenExpired)
    ));
    let rt = app.with_token(&temp.token, temp.secret.expose());
    assert!(matches!(
        w.get(&rt, "/oauth/access_token"),
        Err(AuthError::TokenExpired)
    ));

    // Expired after approval, before exchange.
    let (rt, verifier, _) = approved_request(&w, &app, &session, "1");
    w.advance(601);
    let r = w.send(
        &rt,
        "POST",
        "/oauth/access_token",
        &[],
        Extra {
            verifier: Some(&verifier),
            ..Extra::default()
        },
    );
    assert!(matches!(r, Err(AuthError::TokenExpired)));

    // A wrong verifier uses the token up.
    let (rt, verifier, _) = approved_request(&w, &app, &session, "1");
    let who = w
        .send(
            &rt,
            "POST",
            "/oauth/access_token",
            &[],
            Extra {
                verifier: Some("guess"),
                ..Extra::default()
            },
        )
        .unwrap();
    assert!(matches!(
        block_on(w.provider.access_token(&who)),
        Err(AuthError::BadVerifier)
    ));
    let r = w.send(
        &rt,
        "POST",
        "/oauth/access_token",
        &[],
        Extra {
            verifier: Some(&verifier),
            ..Extra::default()
        },
    );
    assert!(matches!(r, Err(AuthError::UnknownToken)));

    // An unapproved request token cannot be exchanged.
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "1")],
            Extra::default(),
        )
        .unwrap();
    let temp = block_on(w.provider.request_token(&who)).unwrap();
    let rt = app.with_token(&temp.token, temp.secret.expose());
    let who = w
        .send(
            &rt,
            "POST",
            "/oauth/access_token",
            &[],
            Extra {
                verifier: Some("x"),
                ..Extra::default()
            },
        )
        .unwrap();
    assert!(matches!(
        block_on(w.provider.access_token(&who)),
        Err(AuthError::BadVerifier)
    ));

    // Access tokens expire too.
    let (rt, verifier, _) = approved_request(&w, &app, &session, "1");
    let who = w
        .send(
            &rt,
            "POST",
            "/oauth/access_token",
            &[],
            Extra {
                verifier: Some(&verifier),
                ..Extra::default()
            },
        )
        .unwrap();
    let access = block_on(w.provider.access_token(&who)).unwrap();
    let at = app.with_token(&access.token, access.secret.expose());
    assert!(w.get(&at, "/records/1/problems/").is_ok());
    w.advance(12 * 3600);
    assert!(matches!(
        w.get(&at, "/records/1/problems/"),
        Err(AuthError::TokenExpired)
    ));
}

/// A fresh request token of `app` for `record`.
fn request_token(
    w: &World,
    app: &Creds,
    record: &str,
) -> smart_auth::provider::TemporaryCredentials {
    let who = w
        .send(
            app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", record)],
            Extra::default(),
        )
        .unwrap();
    block_on(w.provider.request_token(&who)).unwrap()
}

#[test]
fn an_approval_is_stored_only_when_the_user_asks() {
    let w = World::new();
    let app = w.register(ui_app("once@apps.example.org"));
    w.account("hal@example.org", "hal password");
    let session = w.login("hal@example.org", "hal password");
    let me = user("hal@example.org");

    let temp = request_token(&w, &app, "1");
    let s = w.get(&session, "/oauth/authorize").unwrap();
    let info = block_on(w.provider.authorization_request(&s, &temp.token)).unwrap();
    assert_eq!(info.manifest.id, "once@apps.example.org");
    assert!(!info.remembered);
    let approval = block_on(w.provider.approve(&s, &temp.token, Remember::No)).unwrap();
    assert!(approval.redirect.is_some());
    let s = w
        .get(&session, "/accounts/hal@example.org/shares/")
        .unwrap();
    assert!(block_on(w.provider.shares(&s, &me)).unwrap().is_empty());

    // Not remembered: the next request asks again.
    let temp = request_token(&w, &app, "1");
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert!(
        block_on(w.provider.approve_if_remembered(&s, &temp.token))
            .unwrap()
            .is_none()
    );
    // Remembered this time: the one after is approved silently.
    block_on(w.provider.approve(&s, &temp.token, Remember::Yes)).unwrap();
    let s = w
        .get(&session, "/accounts/hal@example.org/shares/")
        .unwrap();
    let shares = block_on(w.provider.shares(&s, &me)).unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].record, Some(rid("1")));
    let temp = request_token(&w, &app, "1");
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert!(
        block_on(w.provider.approve_if_remembered(&s, &temp.token))
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_denied_request_token_is_dead() {
    let w = World::new();
    let app = w.register(ui_app("no@apps.example.org"));
    w.account("ida@example.org", "ida password");
    let session = w.login("ida@example.org", "ida password");

    let temp = request_token(&w, &app, "1");
    let s = w.get(&session, "/oauth/authorize").unwrap();
    let refusal = block_on(w.provider.deny(&s, &temp.token)).unwrap();
    let redirect = refusal.redirect.unwrap();
    assert_eq!(
        redirect,
        format!(
            "https://app.example.org/after_auth?oauth_token={}&oauth_problem=user_refused",
            temp.token
        )
    );
    // Neither shown, approved, denied again nor exchanged.
    assert_eq!(
        block_on(w.provider.authorization_request(&s, &temp.token))
            .unwrap_err()
            .kind(),
        AuthErrorKind::NotFound
    );
    assert_eq!(
        block_on(w.provider.approve(&s, &temp.token, Remember::Yes))
            .unwrap_err()
            .kind(),
        AuthErrorKind::NotFound
    );
    assert!(block_on(w.provider.deny(&s, &temp.token)).is_err());
    let rt = app.with_token(&temp.token, temp.secret.expose());
    let r = w.send(
        &rt,
        "POST",
        "/oauth/access_token",
        &[],
        Extra {
            verifier: Some("anything"),
            ..Extra::default()
        },
    );
    assert!(matches!(r, Err(AuthError::UnknownToken)));
    // Nothing was stored.
    let s = w
        .get(&session, "/accounts/ida@example.org/shares/")
        .unwrap();
    assert!(
        block_on(w.provider.shares(&s, &user("ida@example.org")))
            .unwrap()
            .is_empty()
    );

    // An approved token can no longer be denied.
    let temp = request_token(&w, &app, "1");
    let s = w.get(&session, "/oauth/authorize").unwrap();
    block_on(w.provider.approve(&s, &temp.token, Remember::No)).unwrap();
    assert_eq!(
        block_on(w.provider.deny(&s, &temp.token))
            .unwrap_err()
            .kind(),
        AuthErrorKind::Conflict
    );
}

#[test]
fn a_limited_session_approves_only_its_record() {
    let w = World::new();
    let app = w.register(ui_app("a@apps.example.org"));
    w.account("proxy@example.org", "proxy password");
    block_on(w.provider.stores().accounts.update_account(
        &user("proxy@example.org"),
        AccountUpdate::default().limited_to(Some(rid("1"))),
        w.clock.now(),
    ))
    .unwrap();
    let session = w.login("proxy@example.org", "proxy password");
    let who = w
        .send(
            &app,
            "POST",
            "/oauth/request_token",
            &[("smart_record_id", "2")],
            Extra::default(),
        )
        .unwrap();
    let temp = block_on(w.provider.request_token(&who)).unwrap();
    let s = w.get(&session, "/oauth/authorize").unwrap();
    assert!(matches!(
        block_on(w.provider.approve(&s, &temp.token, Remember::Yes)),
        Err(AuthError::Forbidden(_))
    ));
    // Nor deny it (which would kill another record's request).
    assert!(matches!(
        block_on(w.provider.deny(&s, &temp.token)),
        Err(AuthError::Forbidden(_))
    ));
    let (_, _, redirect) = approved_request(&w, &app, &session, "1");
    assert!(redirect.is_some());
}

#[test]
fn revoking_a_share_revokes_its_tokens() {
    let w = World::new();
    let app = w.register(ui_app("a@apps.example.org"));
    w.account("fay@example.org", "fay password");
    let session = w.login("fay@example.org", "fay password");
    let (rt, verifier, _) = approved_request(&w, &app, &session, "1");
    let who = w
        .send(
            &rt,
            "POST",
            "/oauth/access_token",
            &[],
            Extra {
                verifier: Some(&verifier),
                ..Extra::default()
            },
        )
        .unwrap();
    let access = block_on(w.provider.access_token(&who)).unwrap();
    let at = app.with_token(&access.token, access.secret.expose());
    assert!(w.get(&at, "/records/1/problems/").is_ok());

    let s = w
        .get(&session, "/accounts/fay@example.org/shares/")
        .unwrap();
    let me = user("fay@example.org");
    assert_eq!(block_on(w.provider.shares(&s, &me)).unwrap().len(), 1);
    // Not someone else's shares.
    assert!(matches!(
        block_on(w.provider.shares(&s, &user("gus@example.org"))),
        Err(AuthError::Forbidden(_))
    ));
    block_on(
        w.provider
            .revoke_share(&s, &me, Some(&rid("1")), &app_id("a@apps.example.org")),
    )
    .unwrap();
    assert!(block_on(w.provider.shares(&s, &me)).unwrap().is_empty());
    assert!(matches!(
        w.get(&at, "/records/1/problems/"),
        Err(AuthError::UnknownToken)
    ));
}

#[test]
fn the_app_registry_is_for_administrators() {
    let w = World::new();
    let app = w.register(ui_app("a@apps.example.org"));
    let id = app_id("a@apps.example.org");
    // The UI principal may not read app secrets; an app may not either; an admin may.
    assert!(matches!(
        block_on(w.provider.app_credentials(&w.as_ui(), &id)),
        Err(AuthError::Forbidden(_))
    ));
    let as_app = w.get(&app, "/apps/a@apps.example.org/credentials").unwrap();
    assert!(matches!(
        block_on(w.provider.app_credentials(&as_app, &id)),
        Err(AuthError::Forbidden(_))
    ));
    let creds = block_on(w.provider.app_credentials(&w.as_admin(), &id)).unwrap();
    assert_eq!(creds.consumer_secret.expose(), app.secret);
    assert!(creds.consumer_secret.expose().len() >= 43);
    // An administrator's session has the same role; a plain session has not.
    block_on(w.provider.create_account(
        &w.as_admin(),
        "root@example.org",
        Some("root password"),
        true,
    ))
    .unwrap();
    w.account("plain@example.org", "plain password");
    let root = w.login("root@example.org", "root password");
    assert!(
        block_on(
            w.provider
                .app_credentials(&w.get(&root, "/c").unwrap(), &id)
        )
        .is_ok()
    );
    let plain = w.login("plain@example.org", "plain password");
    assert!(
        block_on(
            w.provider
                .app_credentials(&w.get(&plain, "/c").unwrap(), &id)
        )
        .is_err()
    );
    // Registration checks.
    let admin = w.as_admin();
    assert_eq!(
        block_on(
            w.provider
                .register_app(&admin, ui_app("a@apps.example.org"))
        )
        .unwrap_err()
        .kind(),
        AuthErrorKind::Conflict
    );
    assert_eq!(
        block_on(w.provider.register_app(&admin, ui_app("ui")))
            .unwrap_err()
            .kind(),
        AuthErrorKind::Conflict
    );
    let mut bad = ui_app("b@apps.example.org");
    bad.icon = None;
    assert_eq!(
        block_on(w.provider.register_app(&admin, bad))
            .unwrap_err()
            .kind(),
        AuthErrorKind::BadRequest
    );
    assert_eq!(
        block_on(w.provider.register_app(&admin, ui_app("b/c")))
            .unwrap_err()
            .kind(),
        AuthErrorKind::BadRequest
    );
    // Replacing keeps the secret; a mode change revokes tokens.
    let mut m = ui_app("a@apps.example.org");
    m.name = "Renamed".into();
    block_on(w.provider.replace_app(&admin, m)).unwrap();
    assert_eq!(
        block_on(w.provider.app_credentials(&admin, &id))
            .unwrap()
            .consumer_secret
            .expose(),
        app.secret
    );
}
