//! The SMART Connect launch, background apps, logout and app disabling, end to end over
//! the in-memory stores.

mod common;

use common::*;
use smart_auth::policy::{Decision, Endpoint, Target};
use smart_auth::provider::{RecordCursor, verify_launch_header};
use smart_auth::{
    AccessKind, AppId, AuthError, AuthErrorKind, Principal, Secret, Timestamp, UserId,
};
use std::time::Duration;

fn app_id(s: &str) -> AppId {
    AppId::new(s).unwrap()
}
fn user(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

#[test]
fn launch_gives_connect_and_rest_credentials_and_a_verifiable_header() {
    let w = World::new();
    let app = w.register(frame_app("charts@apps.example.org"));
    w.account("carol@example.org", "carol password");
    let session = w.login("carol@example.org", "carol password");
    let s = w
        .get(
            &session,
            "/accounts/carol@example.org/apps/charts@apps.example.org/launch?record_id=2",
        )
        .unwrap();
    let launch = block_on(w.provider.launch(
        &s,
        &user("carol@example.org"),
        &app_id("charts@apps.example.org"),
        Some(rid("2")),
    ))
    .unwrap();
    assert_eq!(launch.api_base, API);

    // The browser gets no connect secret.
    let view = launch.browser_view();
    assert_eq!(view.app_id, "charts@apps.example.org");
    assert_eq!(view.connect_token, launch.connect_token);
    let debug = format!("{view:?}");
    assert!(!debug.contains(launch.connect_secret.expose()));

    // The app back end verifies the header with its own secret and gets the REST token.
    let secret = Secret::new(app.secret.clone());
    let index = "https://charts.example.org/index.html?from=container";
    let ctx = verify_launch_header(
        &launch.oauth_header,
        index,
        &secret,
        w.provider.now(),
        Duration::from_secs(300),
    )
    .unwrap();
    assert_eq!(ctx.token, launch.rest_token);
    assert_eq!(ctx.token_secret.expose(), launch.rest_secret.expose());
    assert_eq!(ctx.record, "2");
    assert_eq!(ctx.user, "carol@example.org");
    assert_eq!(ctx.app, "charts@apps.example.org");
    assert_eq!(ctx.api_base, API);
    assert!(launch.oauth_header.starts_with("OAuth realm=\"\", "));
    // Tampered, wrong secret, wrong URL, too old: refused.
    let tampered = launch
        .oauth_header
        .replace("smart_record_id=\"2\"", "smart_record_id=\"3\"");
    assert!(
        verify_launch_header(
            &tampered,
            index,
            &secret,
            w.provider.now(),
            Duration::from_secs(300)
        )
        .is_err()
    );
    assert!(
        verify_launch_header(
            &launch.oauth_header,
            index,
            &Secret::new("x"),
            w.provider.now(),
            Duration::from_secs(300)
        )
        .is_err()
    );
    assert!(
        verify_launch_header(
            &launch.oauth_header,
            "https://charts.example.org/index.html",
            &secret,
            w.provider.now(),
            Duration::from_secs(300)
        )
        .is_err()
    );
    assert!(
        verify_launch_header(
            &launch.oauth_header,
            index,
            &secret,
            w.provider.now().saturating_add(Duration::from_secs(301)),
            Duration::from_secs(300)
        )
        .is_err()
    );

    // The connect token works with the UI consumer, as the app, on record 2 only.
    let connect =
        w.ui.with_token(&launch.connect_token, launch.connect_secret.expose());
    let who = w.get(&connect, "/records/2/vital_sign_sets/").unwrap();
    match who.principal() {
        Principal::Token {
            access: AccessKind::Connect,
            app: a,
            record,
            ..
        } => {
            assert_eq!(a.as_str(), "charts@apps.example.org");
            assert_eq!(record, &Some(rid("2")));
        }
        other => panic!("{other:?}"),
    }
    let vitals = Endpoint::api("get_vital_sign_sets").unwrap();
    assert_eq!(
        w.provider
            .authorize(Some(&who), vitals, &Target::new().with_record(rid("1"))),
        Decision::Forbidden
    );
    // ... and in process, relayed for the session that launched it only.
    let relayed = block_on(w.provider.resume_connect(&s, &launch.connect_token)).unwrap();
    assert_eq!(relayed.principal(), who.principal());
    w.account("dave@example.org", "dave password");
    let other = w.login("dave@example.org", "dave password");
    let other = w.get(&other, "/x").unwrap();
    assert!(matches!(
        block_on(w.provider.resume_connect(&other, &launch.connect_token)),
        Err(AuthError::UnknownToken)
    ));

    // The REST token works with the app's consumer key.
    let rest = app.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(matches!(
        w.get(&rest, "/records/2/problems/").unwrap().principal(),
        Principal::Token {
            access: AccessKind::Rest,
            ..
        }
    ));
    // Tokens used with the wrong consumer are unknown.
    let wrong =
        w.ui.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(matches!(
        w.get(&wrong, "/records/2/problems/"),
        Err(AuthError::UnknownToken)
    ));
    let wrong = app.with_token(&launch.connect_token, launch.connect_secret.expose());
    assert!(matches!(
        w.get(&wrong, "/records/2/problems/"),
        Err(AuthError::UnknownToken)
    ));
    let other_app = w.register(ui_app("other@apps.example.org"));
    let wrong = other_app.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(matches!(
        w.get(&wrong, "/records/2/problems/"),
        Err(AuthError::UnknownToken)
    ));

    // Launch credentials never outlive the session.
    assert!(
        launch.expires_at <= Timestamp::from_unix_secs(i64::try_from(w.now()).unwrap() + 8 * 3600)
    );
}

#[test]
fn launch_is_for_the_callers_own_account_and_user_facing_apps() {
    let w = World::new();
    w.register(frame_app("charts@apps.example.org"));
    w.register(background_app("bg@apps.example.org"));
    w.account("carol@example.org", "carol password");
    let session = w.login("carol@example.org", "carol password");
    let s = w.get(&session, "/launch").unwrap();
    let charts = app_id("charts@apps.example.org");
    let r = block_on(
        w.provider
            .launch(&s, &user("mallory@example.org"), &charts, Some(rid("1"))),
    );
    assert!(matches!(r, Err(AuthError::Forbidden(_))));
    let r = block_on(
        w.provider
            .launch(&s, &user("carol@example.org"), &charts, None),
    );
    assert_eq!(r.unwrap_err().kind(), AuthErrorKind::BadRequest);
    let r = block_on(w.provider.launch(
        &s,
        &user("carol@example.org"),
        &app_id("bg@apps.example.org"),
        Some(rid("1")),
    ));
    assert_eq!(r.unwrap_err().kind(), AuthErrorKind::BadRequest);
    let r = block_on(
        w.provider
            .launch(&s, &user("carol@example.org"), &charts, Some(rid("42"))),
    );
    assert_eq!(r.unwrap_err().kind(), AuthErrorKind::NotFound);
    // Only a session launches: not the UI alone, not an app.
    let r = block_on(w.provider.launch(
        &w.as_ui(),
        &user("carol@example.org"),
        &charts,
        Some(rid("1")),
    ));
    assert!(matches!(r, Err(AuthError::Forbidden(_))));
}

#[test]
fn background_apps_get_tokens_for_themselves_only() {
    let w = World::new();
    let bg = w.register(background_app("bg@apps.example.org"));
    let ui = w.register(ui_app("ui@apps.example.org"));
    let me = app_id("bg@apps.example.org");
    let who = w
        .get(&bg, "/apps/bg@apps.example.org/tokens/records/first")
        .unwrap();
    assert!(matches!(who.principal(), Principal::App { .. }));

    let first = block_on(w.provider.background_token(&who, &me, RecordCursor::First)).unwrap();
    assert_eq!(first.record, rid("1"));
    let form = first.to_form();
    assert!(
        form.starts_with("oauth_token=")
            && form.contains("&oauth_token_secret=")
            && form.ends_with("&smart_record_id=1"),
        "{form}"
    );
    let next = block_on(
        w.provider
            .background_token(&who, &me, RecordCursor::After(rid("1"))),
    )
    .unwrap();
    assert_eq!(next.record, rid("2"));
    let end = block_on(
        w.provider
            .background_token(&who, &me, RecordCursor::After(rid("3"))),
    );
    assert_eq!(end.unwrap_err().kind(), AuthErrorKind::NotFound);
    let one = block_on(
        w.provider
            .background_token(&who, &me, RecordCursor::Record(rid("3"))),
    )
    .unwrap();
    assert_eq!(one.record, rid("3"));

    // Not for another app.
    w.register(background_app("bg2@apps.example.org"));
    let r = block_on(w.provider.background_token(
        &who,
        &app_id("bg2@apps.example.org"),
        RecordCursor::First,
    ));
    assert!(matches!(r, Err(AuthError::Forbidden(_))));
    // Not for a user-facing app, even for itself.
    let who_ui = w
        .get(&ui, "/apps/ui@apps.example.org/tokens/records/first")
        .unwrap();
    let r = block_on(w.provider.background_token(
        &who_ui,
        &app_id("ui@apps.example.org"),
        RecordCursor::First,
    ));
    assert!(matches!(r, Err(AuthError::Forbidden(_))));

    // The token reads its record only.
    let t = bg.with_token(&first.token, first.secret.expose());
    let who = w.get(&t, "/records/1/medications/").unwrap();
    assert!(matches!(
        who.principal(),
        Principal::Token {
            access: AccessKind::Background,
            user: None,
            ..
        }
    ));
    let meds = Endpoint::api("get_medications").unwrap();
    assert!(
        w.provider
            .authorize(Some(&who), meds, &Target::new().with_record(rid("1")))
            .is_allowed()
    );
    assert!(
        !w.provider
            .authorize(Some(&who), meds, &Target::new().with_record(rid("2")))
            .is_allowed()
    );
    // Another app cannot use it.
    let stolen = ui.with_token(&first.token, first.secret.expose());
    assert!(matches!(
        w.get(&stolen, "/records/1/medications/"),
        Err(AuthError::UnknownToken)
    ));
    // Background tokens expire.
    w.advance(3600);
    assert!(matches!(
        w.get(&t, "/records/1/medications/"),
        Err(AuthError::TokenExpired)
    ));
}

#[test]
fn logout_revokes_the_session_and_its_launches() {
    let w = World::new();
    let app = w.register(frame_app("charts@apps.example.org"));
    w.account("erin@example.org", "erin password");
    let session = w.login("erin@example.org", "erin password");
    let s = w.get(&session, "/launch").unwrap();
    let launch = block_on(w.provider.launch(
        &s,
        &user("erin@example.org"),
        &app_id("charts@apps.example.org"),
        Some(rid("1")),
    ))
    .unwrap();
    let connect =
        w.ui.with_token(&launch.connect_token, launch.connect_secret.expose());
    let rest = app.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(w.get(&connect, "/records/1/problems/").is_ok());
    assert!(w.get(&rest, "/records/1/problems/").is_ok());

    let s = w.get(&session, "/logout").unwrap();
    block_on(w.provider.logout(&s)).unwrap();
    assert!(matches!(
        w.get(&session, "/accounts/erin@example.org"),
        Err(AuthError::UnknownToken)
    ));
    assert!(matches!(
        w.get(&connect, "/records/1/problems/"),
        Err(AuthError::UnknownToken)
    ));
    assert!(matches!(
        w.get(&rest, "/records/1/problems/"),
        Err(AuthError::UnknownToken)
    ));
    // Sessions expire on their own too.
    let session = w.login("erin@example.org", "erin password");
    w.advance(8 * 3600);
    assert!(matches!(
        w.get(&session, "/x"),
        Err(AuthError::TokenExpired)
    ));
}

#[test]
fn disabling_or_deleting_an_app_revokes_its_tokens() {
    let w = World::new();
    let app = w.register(frame_app("charts@apps.example.org"));
    w.account("gus@example.org", "gus password");
    let session = w.login("gus@example.org", "gus password");
    let s = w.get(&session, "/launch").unwrap();
    let charts = app_id("charts@apps.example.org");
    let launch = block_on(
        w.provider
            .launch(&s, &user("gus@example.org"), &charts, Some(rid("1"))),
    )
    .unwrap();
    let rest = app.with_token(&launch.rest_token, launch.rest_secret.expose());
    let connect =
        w.ui.with_token(&launch.connect_token, launch.connect_secret.expose());

    block_on(w.provider.set_app_enabled(&w.as_admin(), &charts, false)).unwrap();
    assert!(matches!(
        w.get(&rest, "/records/1/problems/"),
        Err(AuthError::UnknownToken)
    ));
    assert!(matches!(
        w.get(&connect, "/records/1/problems/"),
        Err(AuthError::UnknownToken)
    ));
    assert!(matches!(
        w.get(&app, "/oauth/request_token"),
        Err(AuthError::UnknownConsumer)
    ));
    let s = w.get(&session, "/launch").unwrap();
    assert_eq!(
        block_on(
            w.provider
                .launch(&s, &user("gus@example.org"), &charts, Some(rid("1")))
        )
        .unwrap_err()
        .kind(),
        AuthErrorKind::NotFound
    );
    block_on(w.provider.set_app_enabled(&w.as_admin(), &charts, true)).unwrap();
    let s = w.get(&session, "/launch").unwrap();
    let launch = block_on(
        w.provider
            .launch(&s, &user("gus@example.org"), &charts, Some(rid("1"))),
    )
    .unwrap();
    let rest = app.with_token(&launch.rest_token, launch.rest_secret.expose());
    assert!(w.get(&rest, "/records/1/problems/").is_ok());

    block_on(w.provider.delete_app(&w.as_admin(), &charts)).unwrap();
    assert!(matches!(
        w.get(&rest, "/records/1/problems/"),
        Err(AuthError::UnknownConsumer)
    ));
    assert!(
        block_on(
            w.provider
                .shares(&w.get(&session, "/s").unwrap(), &user("gus@example.org"))
        )
        .unwrap()
        .is_empty()
    );
}
