//! Shared links: stored by digest, listed newest first, revoked only by their owner, wrong
//! PINs counted atomically with a lock, and gone with their owner, app or record.

use super::*;
use crate::directory::SharedLink;

fn digest(n: u8) -> [u8; 32] {
    [n; 32]
}

fn link(n: u8, owner: &UserId, app: &AppId, rec: &str, created: i64) -> SharedLink {
    SharedLink::new(
        digest(n),
        owner.clone(),
        app.clone(),
        record(rec),
        Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA".to_owned()),
        at(created),
        at(created + 3600),
    )
}

pub(crate) async fn links_are_stored_by_digest_and_listed_newest_first(h: &mut Harness) {
    let s = h.store();
    let owner = make_account(s, "owner@example.org").await.id;
    let other = make_account(s, "other@example.org").await.id;
    let app = make_app(s, "viewer@apps").await.id;
    let first = s
        .create_shared_link(link(1, &owner, &app, "10", 0))
        .await
        .unwrap();
    assert_eq!(first, link(1, &owner, &app, "10", 0), "stored as given");
    s.create_shared_link(link(2, &owner, &app, "20", 5))
        .await
        .unwrap();
    s.create_shared_link(link(3, &other, &app, "10", 9))
        .await
        .unwrap();
    let mut no_pin = link(4, &owner, &app, "30", 1);
    no_pin.pin_hash = None;
    s.create_shared_link(no_pin.clone()).await.unwrap();

    let got = s.get_shared_link(&digest(1)).await.unwrap().expect("found");
    assert_eq!(got, first);
    assert!(s.get_shared_link(&digest(9)).await.unwrap().is_none());
    assert_eq!(
        s.get_shared_link(&digest(4))
            .await
            .unwrap()
            .unwrap()
            .pin_hash,
        None
    );
    let listed: Vec<u8> = s
        .list_shared_links(&owner)
        .await
        .unwrap()
        .iter()
        .map(|l| l.digest[0])
        .collect();
    assert_eq!(listed, vec![2, 4, 1], "the owner's links, newest first");

    assert_error(
        s.create_shared_link(link(1, &owner, &app, "99", 0)).await,
        ErrorKind::Conflict,
        "shared link",
    );
    assert_error(
        s.create_shared_link(link(5, &account_id("ghost@x.org"), &app, "1", 0))
            .await,
        ErrorKind::NotFound,
        "ghost@x.org",
    );
    assert_error(
        s.create_shared_link(link(6, &owner, &app_id("none@apps"), "1", 0))
            .await,
        ErrorKind::NotFound,
        "none@apps",
    );
    let mut backwards = link(7, &owner, &app, "1", 10);
    backwards.expires_at = at(10);
    assert_error(
        s.create_shared_link(backwards).await,
        ErrorKind::Invalid,
        "expire",
    );
    h.reopen().await;
    let s = h.store();
    assert_eq!(
        s.get_shared_link(&digest(1)).await.unwrap(),
        Some(first),
        "survives a reopen"
    );
}

pub(crate) async fn only_the_owner_revokes_a_link(h: &mut Harness) {
    let s = h.store();
    let owner = make_account(s, "owner@example.org").await.id;
    let other = make_account(s, "other@example.org").await.id;
    let app = make_app(s, "viewer@apps").await.id;
    s.create_shared_link(link(1, &owner, &app, "10", 0))
        .await
        .unwrap();
    assert!(!s.revoke_shared_link(&other, &digest(1)).await.unwrap());
    assert!(
        !s.get_shared_link(&digest(1))
            .await
            .unwrap()
            .unwrap()
            .revoked,
        "another account cannot revoke it"
    );
    assert!(s.revoke_shared_link(&owner, &digest(1)).await.unwrap());
    let revoked = s.get_shared_link(&digest(1)).await.unwrap().unwrap();
    assert!(revoked.revoked);
    assert!(!revoked.is_active_at(at(1)));
    assert!(!s.revoke_shared_link(&owner, &digest(2)).await.unwrap());
}

pub(crate) async fn wrong_pins_lock_the_link(h: &mut Harness) {
    let s = h.store();
    let owner = make_account(s, "owner@example.org").await.id;
    let app = make_app(s, "viewer@apps").await.id;
    s.create_shared_link(link(1, &owner, &app, "10", 0))
        .await
        .unwrap();
    for n in 1..=2u32 {
        let l = s
            .record_pin_failure(&digest(1), 3, at(900))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((l.failed_pin_count, l.pin_locked_until), (n, None));
    }
    s.clear_pin_failures(&digest(1)).await.unwrap();
    assert_eq!(
        s.get_shared_link(&digest(1))
            .await
            .unwrap()
            .unwrap()
            .failed_pin_count,
        0
    );
    for _ in 0..2 {
        s.record_pin_failure(&digest(1), 3, at(900)).await.unwrap();
    }
    let locked = s
        .record_pin_failure(&digest(1), 3, at(900))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        locked.pin_locked_until,
        Some(at(900)),
        "locked at the third"
    );
    assert_eq!(locked.failed_pin_count, 0, "the count restarts");
    assert!(locked.pin_locked_at(at(899)));
    assert!(!locked.pin_locked_at(at(900)));
    assert!(
        s.record_pin_failure(&digest(9), 3, at(900))
            .await
            .unwrap()
            .is_none()
    );
}

pub(crate) async fn concurrent_wrong_pins_are_all_counted(h: &mut Harness) {
    let s = h.store();
    let owner = make_account(s, "owner@example.org").await.id;
    let app = make_app(s, "viewer@apps").await.id;
    s.create_shared_link(link(1, &owner, &app, "10", 0))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = h.shared();
        tasks.push(tokio::spawn(async move {
            store
                .record_pin_failure(&digest(1), 100, at(900))
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let l = s.get_shared_link(&digest(1)).await.unwrap().unwrap();
    assert_eq!(l.failed_pin_count, 8, "no failure is lost");
}

pub(crate) async fn links_go_with_their_owner_app_or_record(h: &mut Harness) {
    let s = h.store();
    let owner = make_account(s, "owner@example.org").await.id;
    let other = make_account(s, "other@example.org").await.id;
    let app = make_app(s, "viewer@apps").await.id;
    let app2 = make_app(s, "second@apps").await.id;
    s.create_shared_link(link(1, &owner, &app, "10", 0))
        .await
        .unwrap();
    s.create_shared_link(link(2, &other, &app2, "20", 0))
        .await
        .unwrap();
    s.create_shared_link(link(3, &other, &app, "30", 0))
        .await
        .unwrap();
    s.create_shared_link(link(4, &other, &app, "40", 0))
        .await
        .unwrap();
    assert!(s.delete_account(&owner).await.unwrap());
    assert!(s.get_shared_link(&digest(1)).await.unwrap().is_none());
    assert!(s.delete_app(&app2).await.unwrap());
    assert!(s.get_shared_link(&digest(2)).await.unwrap().is_none());
    s.delete_record(&record("30")).await.unwrap();
    assert!(s.get_shared_link(&digest(3)).await.unwrap().is_none());
    assert!(
        s.get_shared_link(&digest(4)).await.unwrap().is_some(),
        "another record's link stays"
    );
}
