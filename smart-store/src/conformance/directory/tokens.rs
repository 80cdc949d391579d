//! OAuth tokens: uniqueness, expiry at every lookup, the request-token exchange, revocation.

use super::*;
use crate::directory::{AccountUpdate, OAuthToken, TokenKind};
use std::sync::Arc;
use tokio::sync::Barrier;

fn token(name: &str, kind: TokenKind, app: &AppId, expires: Timestamp) -> OAuthToken {
    OAuthToken::new(
        name,
        format!("secret-of-{name}"),
        kind,
        Some(app.clone()),
        T0,
        expires,
    )
}

pub(crate) async fn insert_get_and_uniqueness(h: &mut Harness) {
    let s = h.store();
    let app = make_app(s, "app@apps.example.org").await.id;
    let who = make_account(s, "user@example.org").await.id;
    let full = token("T1", TokenKind::AccessConnect, &app, at(3600))
        .with_account(who.clone())
        .with_record(record("7"))
        .with_callback("https://apps.example.org/cb?x=1&y=ü");
    assert_eq!(s.insert_token(full.clone()).await.unwrap(), full);
    assert_eq!(s.get_token("T1", T0).await.unwrap(), Some(full.clone()));
    assert!(
        s.get_token("t1", T0).await.unwrap().is_none(),
        "tokens are case-sensitive"
    );

    // Unique over all kinds; a session token has no app.
    let session =
        OAuthToken::new("T1", "s", TokenKind::Session, None, T0, at(60)).with_account(who.clone());
    let err = s.insert_token(session).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(
        !err.to_string().contains("T1"),
        "token values stay out of messages: {err}"
    );
    let session =
        OAuthToken::new("S1", "s", TokenKind::Session, None, T0, at(60)).with_account(who);
    s.insert_token(session.clone()).await.unwrap();
    assert_eq!(s.get_token("S1", at(59)).await.unwrap(), Some(session));

    assert_error(
        s.insert_token(token(
            "T2",
            TokenKind::AccessRest,
            &app_id("nothing@apps"),
            at(60),
        ))
        .await,
        ErrorKind::NotFound,
        "nothing@apps",
    );
    assert_error(
        s.insert_token(
            token("T3", TokenKind::AccessRest, &app, at(1)).with_account(account_id("ghost@x.org")),
        )
        .await,
        ErrorKind::NotFound,
        "ghost@x.org",
    );
    assert_error(
        s.insert_token(token("T4", TokenKind::AccessRest, &app, T0))
            .await,
        ErrorKind::Invalid,
        "expir",
    );
    assert_error(
        s.insert_token(token("", TokenKind::AccessRest, &app, at(1)))
            .await,
        ErrorKind::Invalid,
        "token",
    );
    assert_error(
        s.insert_token(token("has space", TokenKind::AccessRest, &app, at(1)))
            .await,
        ErrorKind::Invalid,
        "token",
    );
}

pub(crate) async fn expiry_is_enforced_at_every_lookup(h: &mut Harness) {
    let s = h.store();
    let app = make_app(s, "app@apps.example.org").await.id;
    let who = make_account(s, "user@example.org").await.id;
    let t = at(600);
    s.insert_token(token("ACC", TokenKind::AccessRest, &app, t))
        .await
        .unwrap();
    s.insert_token(token("REQ", TokenKind::Request, &app, t))
        .await
        .unwrap();
    s.insert_token(token("LATER", TokenKind::AccessRest, &app, at(601)))
        .await
        .unwrap();

    let just_before = Timestamp::from_unix_millis(t.as_unix_millis() - 1);
    assert!(s.get_token("ACC", just_before).await.unwrap().is_some());
    assert!(
        s.get_token("ACC", t).await.unwrap().is_none(),
        "invalid at its expiry time"
    );
    assert!(s.get_token("ACC", at(10_000)).await.unwrap().is_none());
    assert_error(
        s.authorize_request_token("REQ", &who, "v", t).await,
        ErrorKind::NotFound,
        "expired",
    );
    s.authorize_request_token("REQ", &who, "v", just_before)
        .await
        .unwrap();
    assert!(s.consume_verifier("REQ", "v", t).await.unwrap().is_none());
    assert!(
        s.get_token("REQ", just_before).await.unwrap().is_none(),
        "consumed anyway"
    );

    assert_eq!(s.cleanup_expired(just_before).await.unwrap(), 0);
    assert_eq!(s.cleanup_expired(t).await.unwrap(), 1);
    assert_eq!(s.cleanup_expired(t).await.unwrap(), 0);
    assert!(s.get_token("LATER", t).await.unwrap().is_some());
    assert!(s.revoke_token("LATER").await.unwrap());
}

pub(crate) async fn request_token_authorize_and_exchange(h: &mut Harness) {
    let s = h.store();
    let app = make_app(s, "app@apps.example.org").await.id;
    let who = make_account(s, "User@Example.org").await.id;
    let request = token("RT", TokenKind::Request, &app, at(300))
        .with_record(record("55"))
        .with_callback("oob");
    s.insert_token(request).await.unwrap();
    // Not yet authorized: an exchange attempt leaves it alone.
    assert!(
        s.consume_verifier("RT", "guess", at(1))
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.get_token("RT", at(1)).await.unwrap().is_some());

    let authorized = s
        .authorize_request_token("RT", &account_id("user@EXAMPLE.org"), "VER1", at(2))
        .await
        .unwrap();
    assert_eq!(authorized.account, Some(who.clone()));
    assert_eq!(authorized.verifier.as_deref(), Some("VER1"));
    assert_eq!(authorized.record, Some(record("55")));
    assert_error(
        s.authorize_request_token("RT", &who, "VER2", at(3)).await,
        ErrorKind::Conflict,
        "already authorized",
    );
    let exchanged = s
        .consume_verifier("RT", "VER1", at(4))
        .await
        .unwrap()
        .expect("exchanged");
    assert_eq!(exchanged, authorized);
    assert!(
        s.consume_verifier("RT", "VER1", at(4))
            .await
            .unwrap()
            .is_none(),
        "single use"
    );
    assert!(s.get_token("RT", at(4)).await.unwrap().is_none());

    // A wrong verifier burns the request token.
    s.insert_token(token("RT2", TokenKind::Request, &app, at(300)))
        .await
        .unwrap();
    s.authorize_request_token("RT2", &who, "RIGHT", at(1))
        .await
        .unwrap();
    assert!(
        s.consume_verifier("RT2", "WRONG", at(2))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.consume_verifier("RT2", "RIGHT", at(2))
            .await
            .unwrap()
            .is_none()
    );

    // Only request tokens are authorized; accounts must exist.
    s.insert_token(token("AT", TokenKind::AccessRest, &app, at(300)))
        .await
        .unwrap();
    assert_error(
        s.authorize_request_token("AT", &who, "v", at(1)).await,
        ErrorKind::Invalid,
        "not a request token",
    );
    assert!(
        s.consume_verifier("AT", "v", at(1))
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.get_token("AT", at(1)).await.unwrap().is_some());
    s.insert_token(token("RT3", TokenKind::Request, &app, at(300)))
        .await
        .unwrap();
    assert_error(
        s.authorize_request_token("RT3", &account_id("ghost@x.org"), "v", at(1))
            .await,
        ErrorKind::NotFound,
        "ghost@x.org",
    );
    assert_error(
        s.authorize_request_token("NOPE", &who, "v", at(1)).await,
        ErrorKind::NotFound,
        "request token",
    );
}

pub(crate) async fn verifier_is_single_use_under_concurrency(h: &mut Harness) {
    let app = make_app(h.store(), "app@apps.example.org").await.id;
    let who = make_account(h.store(), "user@example.org").await.id;
    for round in 0..12 {
        let name = format!("RACE{round}");
        h.store()
            .insert_token(token(&name, TokenKind::Request, &app, at(300)))
            .await
            .unwrap();
        h.store()
            .authorize_request_token(&name, &who, "VERIFIER", at(1))
            .await
            .unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let racers: Vec<_> = (0..2)
            .map(|_| {
                let (store, barrier, name) = (h.shared(), Arc::clone(&barrier), name.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.consume_verifier(&name, "VERIFIER", at(2)).await
                })
            })
            .collect();
        let mut winners = 0;
        for racer in racers {
            if racer.await.unwrap().unwrap().is_some() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "round {round}: exactly one exchange succeeds");
    }
}

pub(crate) async fn revocation_by_token_app_account_and_grant(h: &mut Harness) {
    let s = h.store();
    let a1 = make_app(s, "a1@apps").await.id;
    let a2 = make_app(s, "a2@apps").await.id;
    let u1 = make_account(s, "u1@x.org").await.id;
    let u2 = make_account(s, "u2@x.org").await.id;
    let r = record("9");
    let mut n = 0;
    let mut add = async |app: &AppId, who: Option<&UserId>, rec: Option<&RecordId>| {
        n += 1;
        let mut t = token(&format!("K{n}"), TokenKind::AccessRest, app, at(600));
        t.account = who.cloned();
        t.record = rec.cloned();
        s.insert_token(t).await.unwrap();
    };
    add(&a1, Some(&u1), Some(&r)).await; // K1
    add(&a1, Some(&u1), Some(&r)).await; // K2
    add(&a1, Some(&u1), None).await; // K3
    add(&a1, Some(&u2), Some(&r)).await; // K4
    add(&a2, Some(&u1), Some(&r)).await; // K5
    add(&a2, None, None).await; // K6
    add(&a1, None, Some(&r)).await; // K7
    let live = async |names: &[&str]| {
        for name in names {
            assert!(
                s.get_token(name, at(1)).await.unwrap().is_some(),
                "{name} should be live"
            );
        }
    };

    assert_eq!(s.revoke_grant_tokens(&a1, &u1, Some(&r)).await.unwrap(), 2);
    assert!(s.get_token("K1", at(1)).await.unwrap().is_none());
    live(&["K3", "K4", "K5", "K6", "K7"]).await;
    assert_eq!(s.revoke_grant_tokens(&a1, &u1, None).await.unwrap(), 1);
    live(&["K4", "K5", "K6", "K7"]).await;
    assert_eq!(
        s.revoke_account_tokens(&account_id("U2@x.org"))
            .await
            .unwrap(),
        1
    );
    live(&["K5", "K6", "K7"]).await;
    assert_eq!(s.revoke_app_tokens(&a2).await.unwrap(), 2);
    live(&["K7"]).await;
    assert!(s.revoke_token("K7").await.unwrap());
    assert!(!s.revoke_token("K7").await.unwrap());
    assert_eq!(s.revoke_app_tokens(&a1).await.unwrap(), 0);
    assert_eq!(s.cleanup_expired(at(10_000)).await.unwrap(), 0);
}

/// What the OAuth provider relies on: parents, the background and password-reset kinds,
/// and revocation by parent, by kind and by (app, account) over every record. Also the
/// account's auth state and the app's container-wide switch, which survive a reopen.
pub(crate) async fn auth_additions(h: &mut Harness) {
    let s = h.store();
    let app = make_app(s, "a1@apps").await.id;
    let u1 = make_account(s, "u1@x.org").await.id;
    let u2 = make_account(s, "u2@x.org").await.id;
    let r = record("9");
    let mut session = OAuthToken::new("S", "ss", TokenKind::Session, None, T0, at(600));
    session.account = Some(u1.clone());
    s.insert_token(session).await.unwrap();
    let child = token("C", TokenKind::AccessConnect, &app, at(600))
        .with_account(u1.clone())
        .with_record(r.clone())
        .with_parent("S");
    s.insert_token(child.clone()).await.unwrap();
    assert_eq!(s.get_token("C", at(1)).await.unwrap(), Some(child));
    let bg = token("B", TokenKind::Background, &app, at(600)).with_record(r.clone());
    s.insert_token(bg).await.unwrap();
    assert_eq!(
        s.get_token("B", at(1)).await.unwrap().unwrap().kind,
        TokenKind::Background
    );
    for (name, who) in [("R1", &u1), ("R2", &u1), ("R3", &u2)] {
        let reset = OAuthToken::new(name, "-", TokenKind::PasswordReset, None, T0, at(600))
            .with_account(who.clone());
        s.insert_token(reset).await.unwrap();
    }
    for (name, rec) in [("G1", Some(&r)), ("G2", None)] {
        let mut t = token(name, TokenKind::AccessRest, &app, at(600)).with_account(u1.clone());
        t.record = rec.cloned();
        s.insert_token(t).await.unwrap();
    }

    assert_eq!(s.revoke_child_tokens("S").await.unwrap(), 1);
    assert!(s.get_token("C", at(1)).await.unwrap().is_none());
    assert!(s.get_token("S", at(1)).await.unwrap().is_some());
    assert_eq!(
        s.revoke_account_tokens_of_kind(&u1, TokenKind::PasswordReset)
            .await
            .unwrap(),
        2
    );
    assert!(s.get_token("R3", at(1)).await.unwrap().is_some());
    assert!(s.get_token("S", at(1)).await.unwrap().is_some());
    assert_eq!(s.revoke_app_account_tokens(&app, &u1).await.unwrap(), 2);
    assert!(s.get_token("B", at(1)).await.unwrap().is_some());

    // smart-auth's account fields are typed columns of the one account record.
    let updated = s
        .update_account(
            &u2,
            AccountUpdate::default()
                .admin(true)
                .limited_to(Some(record("r-9")))
                .locked_until(Some(at(900)))
                .failed_login_count(4)
                .last_login_at(at(3)),
            at(5),
        )
        .await
        .unwrap();
    assert!(updated.admin);
    assert_eq!(updated.limited_to, Some(record("r-9")));
    assert_eq!(updated.locked_until, Some(at(900)));
    assert_eq!(updated.failed_login_count, 4);
    assert_eq!(updated.last_login_at, Some(at(3)));
    assert_eq!(
        updated.total_login_count, 0,
        "setting the last login counts no login"
    );
    let created = s
        .create_account(
            NewAccount::new("u3@x.org", "G", "F")
                .with_admin(true)
                .with_limited_to(Some(record("r-8"))),
            T0,
        )
        .await
        .unwrap();
    assert!(created.admin);
    assert_eq!(created.limited_to, Some(record("r-8")));
    assert_eq!(created.locked_until, None);
    let cleared = s
        .update_account(
            &created.id,
            AccountUpdate::default()
                .admin(false)
                .limited_to(None)
                .locked_until(None),
            at(6),
        )
        .await
        .unwrap();
    assert!(!cleared.admin);
    assert_eq!(cleared.limited_to, None);
    assert_eq!(cleared.given_name, "G", "fields not in the update are kept");
    assert!(s.get_app(&app).await.unwrap().unwrap().enabled);
    let off = s
        .register_app(
            NewApp::new(manifest("a1@apps", "second"), "x").enabled(false),
            SecretPolicy::Keep,
            at(5),
        )
        .await
        .unwrap();
    assert!(!off.enabled);
    h.reopen().await;
    let s = h.store();
    assert!(!s.get_app(&app).await.unwrap().unwrap().enabled);
    let u2 = s.get_account(&u2).await.unwrap().unwrap();
    assert!(u2.admin);
    assert_eq!(u2.limited_to, Some(record("r-9")));
    assert_eq!(u2.locked_until, Some(at(900)));
    assert_eq!(u2.failed_login_count, 4);
    assert_eq!(u2.last_login_at, Some(at(3)));
}
