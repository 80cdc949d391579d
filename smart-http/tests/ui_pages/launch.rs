//! The launch endpoint and the policy of the API relay.

use super::*;

#[tokio::test]
async fn launch_tokens_reach_only_their_record_app_and_session() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let csrf = v.csrf().await;

    // Errors first.
    assert_eq!(
        v.launch(
            Some(&csrf),
            &serde_json::json!({"app_id": "nope@x", "record_id": "p1"})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        v.launch(
            Some(&csrf),
            &serde_json::json!({"app_id": APP, "record_id": "nope"})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        v.launch(Some(&csrf), &serde_json::json!({"app": APP}))
            .await
            .status,
        400
    );
    let mut anonymous = Visitor::new(&server, "");
    assert_eq!(
        anonymous
            .launch(
                Some(&csrf),
                &serde_json::json!({"app_id": APP, "record_id": "p1"})
            )
            .await
            .status,
        401
    );

    let a = v
        .launch(
            Some(&csrf),
            &serde_json::json!({"app_id": APP, "record_id": "p1"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let launch: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let token = launch["launch_token"].as_str().unwrap().to_owned();
    assert_eq!(launch["manifest"]["id"], APP);
    assert_eq!(launch["context"]["record"]["id"], "p1");
    assert_eq!(launch["context"]["record"]["full_name"], "Ann Smith");
    assert_eq!(launch["context"]["user"]["id"], USER);
    assert_eq!(launch["origin"], "http://app.example.org");
    assert_eq!(launch["api_base"], server.base.as_str());
    let index = launch["index"].as_str().unwrap();
    assert!(
        index.starts_with("http://app.example.org/index.html?api_base=http%3A%2F%2F127.0.0.1%3A")
    );
    assert!(index.ends_with("&record_id=p1"), "{index}");
    // Nothing secret in the answer: no REST credentials, no launch header.
    for secret in ["secret", "oauth_header", "rest_token"] {
        assert!(!a.body.contains(secret), "{secret} in {}", a.body);
    }

    // A read of its record works and answers as the API does.
    let r = v.relay("GET", "/records/p1/demographics", &token, "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").starts_with("application/rdf+xml"));
    assert!(r.body.contains("Smith"));
    // Another record: refused by the policy.
    let r = v.relay("GET", "/records/p2/demographics", &token, "").await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Its own scratchpad: yes; another app's: no.
    let own = format!("/records/p1/apps/{APP}/scratchpad");
    let r = v.relay("PUT", &own, &token, "mine").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = v
        .relay(
            "PUT",
            &format!("/records/p1/apps/{OTHER_APP}/scratchpad"),
            &token,
            "theirs",
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = v.relay("GET", &own, &token, "").await;
    assert_eq!(r.body, "mine");
    // No token, or a made-up one.
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", "", "")
            .await
            .status,
        401
    );
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", "made-up", "")
            .await
            .status,
        401
    );

    // The same user in another browser: the token is useless there.
    let mut other = Visitor::new(&server, "");
    other.login(USER).await;
    assert_eq!(
        other
            .relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );
    // Without the session cookie, nothing.
    assert_eq!(
        anonymous
            .relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );

    // After logout the token is dead, even for a new session of the same browser.
    let a = v.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(a.status, 303);
    assert_eq!(a.location(), "/login");
    assert!(!v.cookies.contains_key("smart_session"));
    v.login(USER).await;
    assert_eq!(
        v.relay("GET", "/records/p1/demographics", &token, "")
            .await
            .status,
        401
    );
    server.stop().await;
}
