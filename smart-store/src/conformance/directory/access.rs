//! The access log: batches, filters, newest-first paging, purge, and a reopen.

use super::*;
use crate::directory::{AccessEntry, AccessQuery, AccessResult, Page};
use smart_core::catalog::CallId;

fn entry(
    secs: i64,
    user: Option<&str>,
    app: Option<&str>,
    rec: Option<&str>,
    call: CallId,
    result: AccessResult,
) -> AccessEntry {
    AccessEntry::new(
        at(secs),
        user.map(account_id),
        app.map(app_id),
        rec.map(record),
        call,
        result,
    )
}

fn sample() -> Vec<AccessEntry> {
    use AccessResult::*;
    use CallId::*;
    vec![
        entry(
            10,
            Some("ann@x.org"),
            Some("a@apps"),
            Some("1"),
            GetMedications,
            Ok,
        ),
        entry(
            20,
            Some("ben@x.org"),
            Some("a@apps"),
            Some("2"),
            GetProblems,
            Denied,
        ),
        entry(20, None, Some("bg@apps"), Some("1"), GetDemographics, Ok),
        entry(
            30,
            Some("ann@x.org"),
            Some("b@apps"),
            None,
            SearchRecords,
            Ok,
        ),
        entry(40, Some("ann@x.org"), None, Some("1"), GetAllergy, NotFound),
        entry(
            50,
            Some("ben@x.org"),
            Some("b@apps"),
            Some("1"),
            PostClinicalNote,
            BadRequest,
        ),
    ]
}

pub(crate) async fn access_log_filters_pages_and_purges(h: &mut Harness) {
    let s = h.store();
    let entries = sample();
    // Two batches, as a buffered writer sends them; an empty batch is a no-op.
    s.append_access(&entries[..2]).await.unwrap();
    s.append_access(&[]).await.unwrap();
    s.append_access(&entries[2..]).await.unwrap();

    let all = s
        .query_access(&AccessQuery::all(), Page::first(100))
        .await
        .unwrap();
    // Newest first; at equal times, the later append first.
    let order = [5, 4, 3, 2, 1, 0];
    assert_eq!(
        all.items,
        order
            .iter()
            .map(|&i| entries[i].clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(all.next, None);

    // Paging walks the same order.
    let first = s
        .query_access(&AccessQuery::all(), Page::first(4))
        .await
        .unwrap();
    assert_eq!(first.items, all.items[..4]);
    let second = s
        .query_access(&AccessQuery::all(), first.next.expect("a second page"))
        .await
        .unwrap();
    assert_eq!(second.items, all.items[4..]);
    assert_eq!(second.next, None);
    let clamped = s
        .query_access(&AccessQuery::all(), Page::first(0))
        .await
        .unwrap();
    assert_eq!(clamped.items.len(), 1, "limit clamps to 1");

    let pick =
        |q: AccessQuery| async move { s.query_access(&q, Page::first(100)).await.unwrap().items };
    let ann = pick(AccessQuery::all().user(account_id("ANN@x.org"))).await;
    assert_eq!(
        ann,
        [entries[4].clone(), entries[3].clone(), entries[0].clone()]
    );
    let app_a = pick(AccessQuery::all().app(app_id("a@apps"))).await;
    assert_eq!(app_a, [entries[1].clone(), entries[0].clone()]);
    let rec1 = pick(AccessQuery::all().record(record("1"))).await;
    assert_eq!(rec1.len(), 4);
    assert!(rec1.iter().all(|e| e.record == Some(record("1"))));
    let notes = pick(AccessQuery::all().call(CallId::PostClinicalNote)).await;
    assert_eq!(notes, [entries[5].clone()]);
    let denied = pick(AccessQuery::all().result(AccessResult::Denied)).await;
    assert_eq!(denied, [entries[1].clone()]);
    // since inclusive, until exclusive.
    let window = pick(AccessQuery::all().since(at(20)).until(at(40))).await;
    assert_eq!(
        window,
        [entries[3].clone(), entries[2].clone(), entries[1].clone()]
    );
    let combined = pick(
        AccessQuery::all()
            .user(account_id("ann@x.org"))
            .record(record("1"))
            .result(AccessResult::Ok),
    )
    .await;
    assert_eq!(combined, [entries[0].clone()]);
    assert!(
        pick(AccessQuery::all().app(app_id("nobody@apps")))
            .await
            .is_empty()
    );

    assert_eq!(s.purge_access_before(at(20)).await.unwrap(), 1);
    assert_eq!(pick(AccessQuery::all()).await.len(), 5);

    // Entries outlive what they name, and survive a restart.
    h.reopen().await;
    let after = h
        .store()
        .query_access(&AccessQuery::all(), Page::first(100))
        .await
        .unwrap();
    assert_eq!(after.items, all.items[..5]);
}
