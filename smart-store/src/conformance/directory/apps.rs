//! Apps: registration, re-registration, deletion cascades, enablement.

use super::*;
use crate::directory::{LaunchEvent, LaunchKind, OAuthToken, TokenKind};
use smart_core::manifest::AppMode;

pub(crate) async fn register_and_read_back(h: &mut Harness) {
    let s = h.store();
    let app = s
        .register_app(
            NewApp::new(
                manifest("meds@apps.example.org", "Lists medications"),
                "s3cret",
            )
            .enabled_by_default(true),
            SecretPolicy::Keep,
            T0,
        )
        .await
        .unwrap();
    assert_eq!(app.id.as_str(), "meds@apps.example.org");
    assert_eq!(app.mode, AppMode::Ui);
    assert_eq!(app.consumer_secret, "s3cret");
    assert!(app.enabled_by_default);
    assert_eq!(
        app.manifest,
        manifest("meds@apps.example.org", "Lists medications")
    );
    assert_eq!((app.created_at, app.updated_at), (T0, T0));
    let read = s.get_app(&app.id).await.unwrap().expect("registered");
    assert_eq!(read, app);
    assert_eq!(read.manifest.author.as_deref(), Some("Zoë Ångström"));
    // App ids are case-sensitive (they are OAuth consumer keys).
    assert!(
        s.get_app(&app_id("MEDS@apps.example.org"))
            .await
            .unwrap()
            .is_none()
    );

    make_app(s, "a-first@apps.example.org").await;
    let mut background = AppManifest::new(
        "Bg",
        "Runs alone",
        "bg@apps.example.org",
        AppMode::Background,
    );
    background.version = Some("2".into());
    s.register_app(NewApp::new(background.clone(), "x"), SecretPolicy::Keep, T0)
        .await
        .unwrap();
    let listed: Vec<String> = s
        .list_apps()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id.as_str().to_owned())
        .collect();
    assert_eq!(
        listed,
        [
            "a-first@apps.example.org",
            "bg@apps.example.org",
            "meds@apps.example.org"
        ]
    );
    let bg = s
        .get_app(&app_id("bg@apps.example.org"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((bg.mode, bg.manifest), (AppMode::Background, background));

    assert_error(
        s.register_app(
            NewApp::new(AppManifest::new("n", "d", "bad id", AppMode::Ui), "x"),
            SecretPolicy::Keep,
            T0,
        )
        .await,
        ErrorKind::Invalid,
        "app id",
    );
    assert_error(
        s.register_app(
            NewApp::new(manifest("e@x", "d"), ""),
            SecretPolicy::Keep,
            T0,
        )
        .await,
        ErrorKind::Invalid,
        "consumer secret",
    );
}

/// Temporary apps (launch by URL): the owner session is stored and read back, the
/// reserved id space and the owner go together, and deleting one removes it.
pub(crate) async fn temporary_apps_keep_their_owner(h: &mut Harness) {
    let s = h.store();
    let id = format!("{}a1", AppId::TEMPORARY_PREFIX);
    let app = s
        .register_app(
            NewApp::new(manifest(&id, "Under development"), "x").owned_by_session("sess-1"),
            SecretPolicy::Keep,
            T0,
        )
        .await
        .unwrap();
    assert_eq!(app.owner_session.as_deref(), Some("sess-1"));
    let read = s.get_app(&app.id).await.unwrap().expect("registered");
    assert_eq!(read, app);
    make_app(s, "plain@apps.example.org").await;
    let owners: Vec<(String, Option<String>)> = s
        .list_apps()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id.as_str().to_owned(), a.owner_session))
        .collect();
    assert_eq!(
        owners,
        [
            ("plain@apps.example.org".to_owned(), None),
            (id.clone(), Some("sess-1".to_owned())),
        ]
    );
    // A registered app cannot take a temporary id, nor a temporary app a registered one.
    assert_error(
        s.register_app(
            NewApp::new(manifest(&format!("{}b", AppId::TEMPORARY_PREFIX), "d"), "x"),
            SecretPolicy::Keep,
            T0,
        )
        .await,
        ErrorKind::Invalid,
        "reserved",
    );
    assert_error(
        s.register_app(
            NewApp::new(manifest("owned@x", "d"), "x").owned_by_session("sess-1"),
            SecretPolicy::Keep,
            T0,
        )
        .await,
        ErrorKind::Invalid,
        "temporary",
    );
    assert!(s.delete_app(&app.id).await.unwrap());
    assert!(s.get_app(&app.id).await.unwrap().is_none());
}

/// Fills in one of everything that belongs to `app`, and checks it is all there.
async fn populate(s: &dyn DirectoryStore, app: &AppId, who: &UserId, tag: &str) {
    let r = record("42");
    s.insert_token(
        OAuthToken::new(
            format!("tok-{tag}"),
            "sec",
            TokenKind::AccessRest,
            Some(app.clone()),
            T0,
            at(3600),
        )
        .with_account(who.clone())
        .with_record(r.clone()),
    )
    .await
    .unwrap();
    s.grant_share(who, Some(&r), app, T0).await.unwrap();
    s.set_app_enabled(who, app, true, T0).await.unwrap();
    s.put_scratchpad(&r, app, "application/json", b"{\"n\":1}", T0)
        .await
        .unwrap();
    s.put_preferences(who, app, "text/plain", tag.as_bytes(), T0)
        .await
        .unwrap();
}

async fn has_everything(s: &dyn DirectoryStore, app: &AppId, who: &UserId, tag: &str) -> [bool; 5] {
    let r = record("42");
    [
        s.get_token(&format!("tok-{tag}"), at(1))
            .await
            .unwrap()
            .is_some(),
        s.get_share(who, Some(&r), app).await.unwrap().is_some(),
        s.is_app_enabled(who, app).await.unwrap(),
        s.get_scratchpad(&r, app).await.unwrap().is_some(),
        s.get_preferences(who, app).await.unwrap().is_some(),
    ]
}

pub(crate) async fn reregistration_keeps_secret_and_data(h: &mut Harness) {
    let s = h.store();
    let who = make_account(s, "user@example.org").await.id;
    let app = make_app(s, "keep@apps.example.org").await.id;
    populate(s, &app, &who, "a").await;

    let replaced = s
        .register_app(
            NewApp::new(manifest("keep@apps.example.org", "second"), "other-secret"),
            SecretPolicy::Keep,
            at(100),
        )
        .await
        .unwrap();
    assert_eq!(replaced.consumer_secret, "secret-keep@apps.example.org");
    assert_eq!(replaced.manifest.description, "second");
    assert_eq!((replaced.created_at, replaced.updated_at), (T0, at(100)));
    assert_eq!(has_everything(s, &app, &who, "a").await, [true; 5]);

    h.reopen().await;
    let s = h.store();
    let rotated = s
        .register_app(
            NewApp::new(manifest("keep@apps.example.org", "third"), "rotated"),
            SecretPolicy::Rotate,
            at(200),
        )
        .await
        .unwrap();
    assert_eq!(rotated.consumer_secret, "rotated");
    assert_eq!(s.get_app(&app).await.unwrap(), Some(rotated));
    assert_eq!(has_everything(s, &app, &who, "a").await, [true; 5]);
}

pub(crate) async fn delete_cascades_to_what_the_app_owns(h: &mut Harness) {
    let s = h.store();
    let who = make_account(s, "user@example.org").await.id;
    let gone = make_app(s, "gone@apps.example.org").await.id;
    let kept = make_app(s, "kept@apps.example.org").await.id;
    populate(s, &gone, &who, "gone").await;
    populate(s, &kept, &who, "kept").await;
    let launch = LaunchEvent::new(
        T0,
        Some(who.clone()),
        gone.clone(),
        Some(record("42")),
        LaunchKind::Connect,
    );
    s.append_launch(&launch).await.unwrap();

    assert!(s.delete_app(&gone).await.unwrap());
    assert!(!s.delete_app(&gone).await.unwrap());
    assert!(s.get_app(&gone).await.unwrap().is_none());
    assert_eq!(has_everything(s, &gone, &who, "gone").await, [false; 5]);
    assert_eq!(has_everything(s, &kept, &who, "kept").await, [true; 5]);
    assert_eq!(s.list_account_shares(&who).await.unwrap().len(), 1);
    // The audit outlives the app.
    assert_eq!(s.recent_launches(None, 10).await.unwrap(), vec![launch]);

    // Registering it again starts empty.
    make_app(s, "gone@apps.example.org").await;
    assert_eq!(has_everything(s, &gone, &who, "gone").await, [false; 5]);
}

pub(crate) async fn enablement_overrides_the_default(h: &mut Harness) {
    let s = h.store();
    let ann = make_account(s, "ann@example.org").await.id;
    let ben = make_account(s, "ben@example.org").await.id;
    let on = s
        .register_app(
            NewApp::new(manifest("on@apps.example.org", "d"), "x").enabled_by_default(true),
            SecretPolicy::Keep,
            T0,
        )
        .await
        .unwrap()
        .id;
    let off = make_app(s, "off@apps.example.org").await.id;
    let names = |apps: Vec<App>| -> Vec<String> {
        apps.into_iter().map(|a| a.id.as_str().to_owned()).collect()
    };

    assert!(s.is_app_enabled(&ann, &on).await.unwrap());
    assert!(!s.is_app_enabled(&ann, &off).await.unwrap());
    assert_eq!(
        names(s.enabled_apps(&ann).await.unwrap()),
        ["on@apps.example.org"]
    );

    s.set_app_enabled(&ann, &on, false, at(1)).await.unwrap();
    s.set_app_enabled(&account_id("ANN@example.org"), &off, true, at(1))
        .await
        .unwrap();
    assert_eq!(
        names(s.enabled_apps(&ann).await.unwrap()),
        ["off@apps.example.org"]
    );
    assert_eq!(
        names(s.enabled_apps(&ben).await.unwrap()),
        ["on@apps.example.org"]
    );
    s.set_app_enabled(&ann, &on, true, at(2)).await.unwrap();
    assert_eq!(
        names(s.enabled_apps(&ann).await.unwrap()),
        ["off@apps.example.org", "on@apps.example.org"]
    );
    // An account that does not exist sees the defaults; an app that does not exist is off.
    assert_eq!(
        names(
            s.enabled_apps(&account_id("nobody@example.org"))
                .await
                .unwrap()
        ),
        ["on@apps.example.org"]
    );
    assert!(
        !s.is_app_enabled(&ann, &app_id("nothing@apps"))
            .await
            .unwrap()
    );
    assert_error(
        s.set_app_enabled(&account_id("nobody@example.org"), &on, true, T0)
            .await,
        ErrorKind::NotFound,
        "nobody@example.org",
    );
    assert_error(
        s.set_app_enabled(&ann, &app_id("nothing@apps"), true, T0)
            .await,
        ErrorKind::NotFound,
        "nothing@apps",
    );
}
