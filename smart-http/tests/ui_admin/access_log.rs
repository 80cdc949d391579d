//! The access log: the API writes an entry for every signed call (buffered, written in
//! batches), with the caller's user, app, record, call and outcome; the admin page shows
//! and filters it.

use super::*;
use smart_store::container::CallId;
use smart_store::directory::{AccessQuery, AccessResult, AppId, Page, UserId};

#[tokio::test]
async fn signed_calls_are_logged_with_their_caller_call_record_and_result() {
    let server = server().await;
    let app = server.background_app("bg@apps.example.org").await;
    let token = server.background_token(&app, "101").await;
    // Allowed: the token's own record.
    let r = server.get(&token, "/records/101/demographics").await;
    assert_eq!(r.status(), 200);
    // Denied: another record with the same token.
    let r = server.get(&token, "/records/102/medications/").await;
    assert_eq!(r.status(), 403);
    server.container.flush_access_log().await;

    let directory = server.container.directory();
    let all = directory
        .query_access(&AccessQuery::all(), Page::first(100))
        .await
        .unwrap()
        .items;
    let ok = all
        .iter()
        .find(|e| e.call == CallId::GetDemographics)
        .expect("the demographics call is logged");
    assert_eq!(ok.result, AccessResult::Ok);
    assert_eq!(ok.app, Some(AppId::new("bg@apps.example.org").unwrap()));
    assert_eq!(ok.user, None, "a background app acts for nobody");
    assert_eq!(ok.record.as_ref().map(|r| r.as_str()), Some("101"));
    let denied = all
        .iter()
        .find(|e| e.call == CallId::GetMedications)
        .expect("the denied call is logged");
    assert_eq!(denied.result, AccessResult::Denied);
    assert_eq!(denied.record.as_ref().map(|r| r.as_str()), Some("102"));
    assert!(denied.at >= ok.at);
    assert_eq!(all[0], *denied, "newest first");
    assert_eq!(server.container.access_log_dropped(), 0);
    server.stop().await;
}

#[tokio::test]
async fn a_connect_call_is_logged_for_its_user_and_the_page_filters_the_log() {
    let server = server().await;
    let app_id = "chart@apps.example.org";
    server.register_app(&common::ui_manifest(app_id)).await;
    server
        .container
        .directory()
        .set_app_enabled(
            &UserId::new(USER).unwrap(),
            &AppId::new(app_id).unwrap(),
            true,
            smart_store::directory::Timestamp::now(),
        )
        .await
        .unwrap();
    // The user launches the app in the UI, and the app reads through the relay.
    let mut user = Visitor::new(&server, "");
    user.login(USER).await;
    let csrf = user.csrf().await;
    let launched = user
        .launch(
            Some(&csrf),
            &serde_json::json!({"app_id": app_id, "record_id": "101"}),
        )
        .await;
    assert_eq!(launched.status, 200, "{}", launched.body);
    let launch: serde_json::Value = serde_json::from_str(&launched.body).unwrap();
    let token = launch["launch_token"].as_str().unwrap().to_owned();
    let r = user
        .relay("GET", "/records/101/problems/", &token, "")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = user
        .relay("GET", "/records/102/problems/", &token, "")
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    server.container.flush_access_log().await;

    let (mut v, _) = admin_visitor(&server).await;
    let page = v.get("/admin/log").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let table = &page.body[page.body.find("id=\"access-log\"").unwrap()..];
    let first_ok = &table[table.find("data-result=\"ok\"").unwrap()..];
    let first_ok = &first_ok[..first_ok.find("</tr>").unwrap()];
    assert!(first_ok.contains(USER), "{first_ok}");
    assert!(first_ok.contains(app_id));
    assert!(first_ok.contains("<td>101</td>"));
    assert!(first_ok.contains("get_problems"));

    // Filters: by result, by record, by call, by user, by app; a bad value is named.
    let denied = v.get("/admin/log?result=denied").await;
    assert!(denied.body.contains("data-result=\"denied\""));
    assert!(!denied.body.contains("data-result=\"ok\""));
    let rec = v.get("/admin/log?record=102").await;
    assert!(rec.body.contains("<td>102</td>") && !rec.body.contains("<td>101</td>"));
    let call = v
        .get("/admin/log?call=get_problems&user=clinician%40example.org")
        .await;
    assert_eq!(
        call.body.matches("<tr data-result=").count(),
        2,
        "{}",
        call.body
    );
    let none = v.get("/admin/log?app=nobody%40apps.example.org").await;
    assert!(none.body.contains("No calls match."));
    let bad = v.get("/admin/log?call=%3Cscript%3E").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Call: no call is named"));
    assert!(!bad.body.contains("<script>"), "escaped");
    // The filter form keeps its values.
    assert!(rec.body.contains("name=\"record\" value=\"102\""));
    server.stop().await;
}

#[tokio::test]
async fn the_log_page_pages_newest_first() {
    let server = server().await;
    let entries: Vec<_> = (0..150)
        .map(|i| {
            smart_store::directory::AccessEntry::new(
                smart_store::directory::Timestamp::from_unix_secs(1_700_000_000 + i),
                Some(UserId::new(USER).unwrap()),
                None,
                None,
                CallId::SearchRecords,
                AccessResult::Ok,
            )
        })
        .collect();
    server
        .container
        .directory()
        .append_access(&entries)
        .await
        .unwrap();
    let (mut v, _) = admin_visitor(&server).await;
    let first = v.get("/admin/log?user=clinician%40example.org").await;
    assert_eq!(first.body.matches("<tr data-result=").count(), 100);
    assert!(
        first.body.contains("2023-11-14 22:15:49"),
        "the newest first"
    );
    let next = "/admin/log?user=clinician%40example.org&amp;offset=100";
    assert!(first.body.contains(next), "{}", first.body);
    let second = v.get(&next.replace("&amp;", "&")).await;
    assert_eq!(second.body.matches("<tr data-result=").count(), 50);
    assert!(
        second.body.contains("2023-11-14 22:13:20"),
        "the oldest last"
    );
    server.stop().await;
}
