//! The records registry, record deletion, the launch audit, and a reopen of everything.

use super::*;
use crate::directory::{
    AccountQuery, LaunchEvent, LaunchKind, OAuthToken, Page, RecordEntry, TokenKind,
};

pub(crate) async fn registry_upsert_list_and_delete(h: &mut Harness) {
    let s = h.store();
    let first = s
        .upsert_record(&record("2"), "Ünïcødé Pätient", T0)
        .await
        .unwrap();
    assert_eq!((first.created_at, first.updated_at), (T0, T0));
    let relabeled = s
        .upsert_record(&record("2"), "Renamed", at(5))
        .await
        .unwrap();
    assert_eq!(relabeled.label, "Renamed");
    assert_eq!((relabeled.created_at, relabeled.updated_at), (T0, at(5)));
    for id in ["10", "1", "3", "a-b", "B.c"] {
        s.upsert_record(&record(id), "", T0).await.unwrap();
    }
    assert_eq!(s.get_record(&record("2")).await.unwrap(), Some(relabeled));
    assert!(s.get_record(&record("99")).await.unwrap().is_none());

    let mut seen = Vec::new();
    let mut page = Some(Page::first(4));
    while let Some(p) = page {
        let got = s.list_records(p).await.unwrap();
        seen.extend(
            got.items
                .into_iter()
                .map(|r: RecordEntry| r.id.as_str().to_owned()),
        );
        page = got.next;
    }
    assert_eq!(seen, ["1", "10", "2", "3", "B.c", "a-b"], "byte order");
    assert!(s.delete_record(&record("10")).await.unwrap());
    assert!(!s.delete_record(&record("10")).await.unwrap());
    assert_eq!(
        s.list_records(Page::first(100)).await.unwrap().items.len(),
        5
    );
    assert_error(
        s.upsert_record(&record("7"), &"x".repeat(301), T0).await,
        ErrorKind::Invalid,
        "record 7",
    );
}

pub(crate) async fn deleting_a_record_removes_what_is_bound_to_it(h: &mut Harness) {
    let s = h.store();
    let app = make_app(s, "a@apps").await.id;
    let who = make_account(s, "u@x.org").await.id;
    let (gone, kept) = (record("1"), record("2"));
    s.upsert_record(&gone, "Gone", T0).await.unwrap();
    for (name, r) in [("G", &gone), ("K", &kept)] {
        let t = OAuthToken::new(
            name,
            "s",
            TokenKind::AccessRest,
            Some(app.clone()),
            T0,
            at(600),
        )
        .with_account(who.clone())
        .with_record(r.clone());
        s.insert_token(t).await.unwrap();
        s.grant_share(&who, Some(r), &app, T0).await.unwrap();
        s.put_scratchpad(r, &app, "text/plain", b"x", T0)
            .await
            .unwrap();
    }
    assert!(s.delete_record(&gone).await.unwrap());
    assert!(s.get_token("G", at(1)).await.unwrap().is_none());
    assert!(
        s.get_share(&who, Some(&gone), &app)
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.get_scratchpad(&gone, &app).await.unwrap().is_none());
    assert!(s.get_token("K", at(1)).await.unwrap().is_some());
    assert!(
        s.get_share(&who, Some(&kept), &app)
            .await
            .unwrap()
            .is_some()
    );
    assert!(s.get_scratchpad(&kept, &app).await.unwrap().is_some());
    // An unregistered record's bindings go too.
    assert!(!s.delete_record(&kept).await.unwrap());
    assert!(s.get_token("K", at(1)).await.unwrap().is_none());
}

pub(crate) async fn launch_audit_newest_first_and_purge(h: &mut Harness) {
    let s = h.store();
    let (ann, ben) = (account_id("ann@x.org"), account_id("ben@x.org"));
    let app = app_id("a@apps");
    let event = |secs, who: Option<&UserId>, kind| {
        LaunchEvent::new(at(secs), who.cloned(), app.clone(), Some(record("5")), kind)
    };
    let events = [
        event(10, Some(&ann), LaunchKind::Connect),
        event(30, Some(&ben), LaunchKind::Standalone),
        event(20, None, LaunchKind::Background),
        event(30, Some(&ann), LaunchKind::Rest),
    ];
    for e in &events {
        s.append_launch(e).await.unwrap();
    }
    let all = s.recent_launches(None, 10).await.unwrap();
    // Newest first; at equal times, the later append first.
    assert_eq!(
        all,
        [
            events[3].clone(),
            events[1].clone(),
            events[2].clone(),
            events[0].clone()
        ]
    );
    assert_eq!(s.recent_launches(None, 2).await.unwrap(), all[..2]);
    let anns = s
        .recent_launches(Some(&account_id("ANN@x.org")), 10)
        .await
        .unwrap();
    assert_eq!(anns, [events[3].clone(), events[0].clone()]);
    assert_eq!(s.purge_launches_before(at(20)).await.unwrap(), 1);
    assert_eq!(s.recent_launches(None, 10).await.unwrap().len(), 3);
    assert_eq!(
        s.recent_launches(None, 0).await.unwrap().len(),
        1,
        "limit clamps to 1"
    );
}

pub(crate) async fn everything_survives_a_reopen(h: &mut Harness) {
    let s = h.store();
    let account = make_account(s, "Persist@x.org").await;
    let app = make_app(s, "persist@apps").await;
    let r = record("77");
    let token = OAuthToken::new(
        "P",
        "s",
        TokenKind::AccessConnect,
        Some(app.id.clone()),
        T0,
        at(600),
    )
    .with_account(account.id.clone())
    .with_record(r.clone());
    s.insert_token(token.clone()).await.unwrap();
    let share = s
        .grant_share(&account.id, Some(&r), &app.id, T0)
        .await
        .unwrap();
    s.set_app_enabled(&account.id, &app.id, true, T0)
        .await
        .unwrap();
    let pad = s
        .put_scratchpad(&r, &app.id, "text/plain", "ü".as_bytes(), T0)
        .await
        .unwrap();
    let prefs = s
        .put_preferences(&account.id, &app.id, "application/json", b"{}", T0)
        .await
        .unwrap();
    let entry = s.upsert_record(&r, "Label", T0).await.unwrap();
    let launch = LaunchEvent::new(
        T0,
        Some(account.id.clone()),
        app.id.clone(),
        Some(r.clone()),
        LaunchKind::Connect,
    );
    s.append_launch(&launch).await.unwrap();
    assert!(
        s.check_and_insert("persist@apps", Some("P"), "n", T0, T0)
            .await
            .unwrap()
    );

    h.reopen().await;
    let s = h.store();
    assert_eq!(
        s.get_account(&account.id).await.unwrap(),
        Some(account.clone())
    );
    assert_eq!(s.get_app(&app.id).await.unwrap(), Some(app.clone()));
    assert_eq!(s.get_token("P", at(1)).await.unwrap(), Some(token));
    assert_eq!(s.list_account_shares(&account.id).await.unwrap(), [share]);
    assert!(s.is_app_enabled(&account.id, &app.id).await.unwrap());
    assert_eq!(s.get_scratchpad(&r, &app.id).await.unwrap(), Some(pad));
    assert_eq!(
        s.get_preferences(&account.id, &app.id).await.unwrap(),
        Some(prefs)
    );
    assert_eq!(s.get_record(&r).await.unwrap(), Some(entry));
    assert_eq!(s.recent_launches(None, 5).await.unwrap(), [launch]);
    assert!(
        !s.check_and_insert("persist@apps", Some("P"), "n", T0, at(1))
            .await
            .unwrap()
    );
    let found = s
        .search_accounts(&AccountQuery::all(), Page::first(5))
        .await
        .unwrap();
    assert_eq!(found.items, [account]);
}
