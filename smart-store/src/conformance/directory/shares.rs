//! Shares: idempotent grants, listing order, revocation with the grant's tokens.

use super::*;
use crate::directory::{OAuthToken, TokenKind};

pub(crate) async fn grant_is_idempotent_and_listed_in_order(h: &mut Harness) {
    let s = h.store();
    let who = make_account(s, "user@example.org").await.id;
    let b = make_app(s, "b@apps").await.id;
    let a = make_app(s, "a@apps").await.id;
    let first = s
        .grant_share(&who, Some(&record("20")), &b, T0)
        .await
        .unwrap();
    assert_eq!(first.created_at, T0);
    let again = s
        .grant_share(
            &account_id("USER@example.org"),
            Some(&record("20")),
            &b,
            at(50),
        )
        .await
        .unwrap();
    assert_eq!(again, first, "a second grant keeps the first");
    s.grant_share(&who, Some(&record("10")), &b, at(1))
        .await
        .unwrap();
    s.grant_share(&who, None, &b, at(2)).await.unwrap();
    s.grant_share(&who, Some(&record("10")), &a, at(3))
        .await
        .unwrap();
    let listed: Vec<(Option<String>, String)> = s
        .list_account_shares(&who)
        .await
        .unwrap()
        .into_iter()
        .map(|sh| {
            (
                sh.record.map(|r| r.as_str().to_owned()),
                sh.app.as_str().to_owned(),
            )
        })
        .collect();
    let expected = [
        (None, "b@apps"),
        (Some("10"), "a@apps"),
        (Some("10"), "b@apps"),
        (Some("20"), "b@apps"),
    ];
    let expected: Vec<(Option<String>, String)> = expected
        .iter()
        .map(|(r, a)| (r.map(str::to_owned), (*a).to_owned()))
        .collect();
    assert_eq!(listed, expected);
    let container = s
        .get_share(&who, None, &b)
        .await
        .unwrap()
        .expect("container scope");
    assert_eq!((container.record, container.created_at), (None, at(2)));
    assert!(s.get_share(&who, None, &a).await.unwrap().is_none());

    assert_error(
        s.grant_share(&account_id("ghost@x.org"), None, &a, T0)
            .await,
        ErrorKind::NotFound,
        "ghost@x.org",
    );
    assert_error(
        s.grant_share(&who, None, &app_id("none@apps"), T0).await,
        ErrorKind::NotFound,
        "none@apps",
    );
}

pub(crate) async fn revoking_a_share_revokes_its_tokens(h: &mut Harness) {
    let s = h.store();
    let who = make_account(s, "user@example.org").await.id;
    let other = make_account(s, "other@example.org").await.id;
    let app = make_app(s, "app@apps").await.id;
    let (r1, r2) = (record("1"), record("2"));
    for (name, account, rec) in [("A", &who, &r1), ("B", &who, &r2), ("C", &other, &r1)] {
        s.grant_share(account, Some(rec), &app, T0).await.unwrap();
        let t = OAuthToken::new(
            name,
            "s",
            TokenKind::AccessRest,
            Some(app.clone()),
            T0,
            at(600),
        )
        .with_account(account.clone())
        .with_record(rec.clone());
        s.insert_token(t).await.unwrap();
    }
    assert!(s.revoke_share(&who, Some(&r1), &app).await.unwrap());
    assert!(!s.revoke_share(&who, Some(&r1), &app).await.unwrap());
    assert!(s.get_share(&who, Some(&r1), &app).await.unwrap().is_none());
    assert!(s.get_token("A", at(1)).await.unwrap().is_none());
    assert!(s.get_token("B", at(1)).await.unwrap().is_some());
    assert!(s.get_token("C", at(1)).await.unwrap().is_some());
    assert_eq!(s.list_account_shares(&who).await.unwrap().len(), 1);
    assert_eq!(s.list_account_shares(&other).await.unwrap().len(), 1);
}
