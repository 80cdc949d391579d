//! Scratchpads and preferences: bytes and MIME types kept exactly, scoping, limits.

use super::*;

/// Every byte value, including invalid UTF-8.
fn binary() -> Vec<u8> {
    (0..=255u8).chain((0..=255u8).rev()).collect()
}

pub(crate) async fn scratchpad_keeps_bytes_and_mime_type(h: &mut Harness) {
    let s = h.store();
    let (a, b) = (
        make_app(s, "a@apps").await.id,
        make_app(s, "b@apps").await.id,
    );
    let (r1, r2) = (record("1"), record("2"));
    assert!(s.get_scratchpad(&r1, &a).await.unwrap().is_none());

    let text = "{\"note\": \"Grüße, 日本, emoji 🩺\"}";
    let put = s
        .put_scratchpad(&r1, &a, "application/json", text.as_bytes(), at(1))
        .await
        .unwrap();
    assert_eq!(put.content_type, "application/json");
    assert_eq!(put.data, text.as_bytes());
    assert_eq!(put.updated_at, at(1));
    s.put_scratchpad(&r1, &b, "application/octet-stream", &binary(), at(2))
        .await
        .unwrap();
    s.put_scratchpad(&r2, &a, "text/plain", b"", at(3))
        .await
        .unwrap();

    h.reopen().await;
    let s = h.store();
    let got = s.get_scratchpad(&r1, &a).await.unwrap().unwrap();
    assert_eq!(got, put);
    let bin = s.get_scratchpad(&r1, &b).await.unwrap().unwrap();
    assert_eq!(
        (bin.content_type.as_str(), bin.data),
        ("application/octet-stream", binary())
    );
    let empty = s.get_scratchpad(&r2, &a).await.unwrap().unwrap();
    assert!(empty.data.is_empty());

    // Replacing changes the type too.
    let replaced = s
        .put_scratchpad(&r1, &a, "text/csv", b"a,b\n1,2\n", at(4))
        .await
        .unwrap();
    assert_eq!(s.get_scratchpad(&r1, &a).await.unwrap(), Some(replaced));
    assert!(s.delete_scratchpad(&r1, &a).await.unwrap());
    assert!(!s.delete_scratchpad(&r1, &a).await.unwrap());
    assert!(s.get_scratchpad(&r1, &a).await.unwrap().is_none());
    assert!(s.get_scratchpad(&r1, &b).await.unwrap().is_some());
    assert_error(
        s.put_scratchpad(&r1, &app_id("none@apps"), "text/plain", b"x", T0)
            .await,
        ErrorKind::NotFound,
        "none@apps",
    );
}

pub(crate) async fn preferences_per_user_and_app(h: &mut Harness) {
    let s = h.store();
    let app = make_app(s, "a@apps").await.id;
    let other_app = make_app(s, "b@apps").await.id;
    let ann = make_account(s, "Ann@x.org").await.id;
    let ben = make_account(s, "ben@x.org").await.id;
    s.put_preferences(&ann, &app, "application/xml", "<p>ä</p>".as_bytes(), at(1))
        .await
        .unwrap();
    s.put_preferences(&ben, &app, "application/octet-stream", &binary(), at(2))
        .await
        .unwrap();
    let got = s
        .get_preferences(&account_id("ANN@X.ORG"), &app)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.content_type, "application/xml");
    assert_eq!(got.data, "<p>ä</p>".as_bytes());
    assert_eq!(got.updated_at, at(1));
    assert_eq!(
        s.get_preferences(&ben, &app).await.unwrap().unwrap().data,
        binary()
    );
    assert!(s.get_preferences(&ann, &other_app).await.unwrap().is_none());
    assert!(s.delete_preferences(&ann, &app).await.unwrap());
    assert!(!s.delete_preferences(&ann, &app).await.unwrap());
    assert!(s.get_preferences(&ben, &app).await.unwrap().is_some());
    assert_error(
        s.put_preferences(&account_id("ghost@x.org"), &app, "text/plain", b"x", T0)
            .await,
        ErrorKind::NotFound,
        "ghost@x.org",
    );
    assert_error(
        s.put_preferences(&ann, &app_id("none@apps"), "text/plain", b"x", T0)
            .await,
        ErrorKind::NotFound,
        "none@apps",
    );
}

pub(crate) async fn size_limit_and_content_type_are_enforced(h: &mut Harness) {
    let s = h.store();
    let app = make_app(s, "a@apps").await.id;
    let who = make_account(s, "u@x.org").await.id;
    let r = record("1");
    let limit = crate::directory::DirectoryConfig::default().max_app_data_bytes;
    let at_limit = vec![0xA5u8; limit];
    let stored = s
        .put_scratchpad(&r, &app, "application/octet-stream", &at_limit, T0)
        .await
        .unwrap();
    assert_eq!(stored.data.len(), limit);
    assert_error(
        s.put_scratchpad(
            &r,
            &app,
            "application/octet-stream",
            &vec![0; limit + 1],
            T0,
        )
        .await,
        ErrorKind::Invalid,
        "limit",
    );
    assert_error(
        s.put_preferences(&who, &app, "text/plain", &vec![b'x'; limit + 1], T0)
            .await,
        ErrorKind::Invalid,
        "u@x.org",
    );
    assert_eq!(
        s.get_scratchpad(&r, &app).await.unwrap().unwrap().data,
        at_limit
    );
    for bad in [
        "",
        "text",
        "text/plain; charset=utf-8",
        "a b/c",
        "tëxt/plain",
    ] {
        assert_error(
            s.put_scratchpad(&r, &app, bad, b"x", T0).await,
            ErrorKind::Invalid,
            "content type",
        );
    }
}
