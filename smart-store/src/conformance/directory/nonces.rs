//! Nonces: each (consumer, token, nonce, timestamp) at most once inside the window.

use super::*;
use std::sync::Arc;
use tokio::sync::Barrier;

/// The default window: five minutes either way.
const WINDOW_SECS: i64 = 300;

pub(crate) async fn same_nonce_twice_is_refused(h: &mut Harness) {
    let s = h.store();
    assert!(
        s.check_and_insert("app@apps", Some("TOK"), "n1", T0, T0)
            .await
            .unwrap()
    );
    assert!(
        !s.check_and_insert("app@apps", Some("TOK"), "n1", T0, at(1))
            .await
            .unwrap()
    );
    // Any other component makes it a different request.
    assert!(
        s.check_and_insert("app@apps", None, "n1", T0, T0)
            .await
            .unwrap()
    );
    assert!(
        !s.check_and_insert("app@apps", None, "n1", T0, T0)
            .await
            .unwrap()
    );
    assert!(
        s.check_and_insert("other@apps", Some("TOK"), "n1", T0, T0)
            .await
            .unwrap()
    );
    assert!(
        s.check_and_insert("app@apps", Some("TOK2"), "n1", T0, T0)
            .await
            .unwrap()
    );
    assert!(
        s.check_and_insert("app@apps", Some("TOK"), "n1", at(1), T0)
            .await
            .unwrap()
    );
    assert!(
        s.check_and_insert("app@apps", Some("TOK"), "N1", T0, T0)
            .await
            .unwrap()
    );
    h.reopen().await;
    let s = h.store();
    assert!(
        !s.check_and_insert("app@apps", Some("TOK"), "n1", T0, at(2))
            .await
            .unwrap()
    );
    assert_error(
        s.check_and_insert("app@apps", None, "", T0, T0).await,
        ErrorKind::Invalid,
        "nonce",
    );
}

pub(crate) async fn window_and_purge(h: &mut Harness) {
    let s = h.store();
    // Outside the window either way: refused, and not remembered.
    assert!(
        !s.check_and_insert("c", None, "old", at(-WINDOW_SECS - 1), T0)
            .await
            .unwrap()
    );
    assert!(
        !s.check_and_insert("c", None, "future", at(WINDOW_SECS + 1), T0)
            .await
            .unwrap()
    );
    // The edges are inside.
    assert!(
        s.check_and_insert("c", None, "edge-", at(-WINDOW_SECS), T0)
            .await
            .unwrap()
    );
    assert!(
        s.check_and_insert("c", None, "edge+", at(WINDOW_SECS), T0)
            .await
            .unwrap()
    );
    assert!(s.check_and_insert("c", None, "now", T0, T0).await.unwrap());

    let window_start = at(-WINDOW_SECS);
    assert_eq!(s.purge_older_than(window_start).await.unwrap(), 0);
    // Ten minutes later, nonces from before the new window are forgotten...
    let later = at(2 * WINDOW_SECS);
    assert_eq!(s.purge_older_than(at(WINDOW_SECS)).await.unwrap(), 2);
    // ...and replaying them is refused anyway, because their timestamps are outside it.
    assert!(
        !s.check_and_insert("c", None, "now", T0, later)
            .await
            .unwrap()
    );
    assert!(
        !s.check_and_insert("c", None, "edge-", at(-WINDOW_SECS), later)
            .await
            .unwrap()
    );
    // The future-dated one is still remembered while its timestamp is inside the window.
    assert!(
        !s.check_and_insert("c", None, "edge+", at(WINDOW_SECS), later)
            .await
            .unwrap()
    );
    assert_eq!(s.purge_older_than(at(WINDOW_SECS + 1)).await.unwrap(), 1);
    assert_eq!(s.purge_older_than(at(10 * WINDOW_SECS)).await.unwrap(), 0);
}

pub(crate) async fn concurrent_duplicates_accept_exactly_one(h: &mut Harness) {
    for round in 0..5 {
        let barrier = Arc::new(Barrier::new(6));
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let (store, barrier) = (h.shared(), Arc::clone(&barrier));
                tokio::spawn(async move {
                    barrier.wait().await;
                    store
                        .check_and_insert("app@apps", Some("T"), &format!("n{round}"), T0, T0)
                        .await
                })
            })
            .collect();
        let mut accepted = 0;
        for task in tasks {
            if task.await.unwrap().unwrap() {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 1, "round {round}");
    }
}
