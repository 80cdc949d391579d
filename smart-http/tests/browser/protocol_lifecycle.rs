//! The protocol checks of the SMART Connect specification (§6.2), checks 10 to 15:
//! unknown methods, foreign origins and scopes, reloads, the lifecycle notifications, and
//! the apps that launch or call other apps. Checks 1 to 9 (the handshake and the API
//! calls) and the helpers are in protocol.rs.

use crate::protocol::{api_fetches, demographics, get, launch_settled, scratchpad};
use crate::world::{ADA, USER, World, app};
use serde_json::{Value, json};
use std::sync::Arc;

/// §6.2 check 10: a request for an unknown method is answered with an error.
pub async fn check_10_unknown_method(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = launch_settled(&w, app::DEMO).await;
    let r = w
        .in_app(
            &uuid,
            "FX.request('no_such_method', {x: 1}, 4000).then(done);",
            vec![],
        )
        .await;
    assert_eq!(r["error"], "method_not_found", "{r}");
    // The delegated calls exist for frame_ui apps only.
    let r = w
        .in_app(
            &uuid,
            "FX.request('api_call_delegated', {app_instance: {uuid: 'X'}, call_info: {}}, 4000).then(done);",
            vec![],
        )
        .await;
    assert_eq!(r["error"], "method_not_found", "{r}");
}

/// §6.2 check 11: messages with the wrong scope, or from the app's window showing
/// another origin, are ignored.
pub async fn check_11_wrong_origin_or_scope_ignored(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = launch_settled(&w, app::DEMO).await;
    w.install_spy().await;
    let heard = w
        .in_app(
            &uuid,
            r#"
            var mark = FX.received.length;
            var call = {func: args[0], method: 'GET', params: {}, contentType: 'application/x-www-form-urlencoded'};
            FX.raw(JSON.stringify({id: 9101, method: 'WRONG-SCOPE::api_call', params: call}));
            FX.raw(JSON.stringify({id: 9102, method: FX.uuid + '::extra::api_call', params: call}));
            FX.raw(JSON.stringify({id: 9103, method: 'api_call', params: call}));
            FX.raw(JSON.stringify({id: 9104, method: 'WRONG-SCOPE::no_such_method'}));
            setTimeout(function () { done(FX.received.slice(mark)); }, 1200);"#,
            vec![json!(demographics())],
        )
        .await;
    assert_eq!(
        heard,
        json!([]),
        "the host answered a wrongly scoped message"
    );
    assert!(
        api_fetches(&w).await.is_empty(),
        "the host ran a wrongly scoped call"
    );
    let live = get(&w, &uuid, &demographics(), json!({})).await;
    assert_eq!(
        live["result"]["status"], 200,
        "the channel still works: {live}"
    );

    // The same window on another origin: its requests (correctly scoped) are ignored.
    w.install_spy().await;
    let mark = w.fixtures.mark();
    let probe = format!(
        "{}/probe.html?to=parent&uuid={uuid}&record={}",
        w.fixtures.other_origin, ADA.id
    );
    w.in_app(
        &uuid,
        "setTimeout(function () { location.href = args[0]; }, 0); done(true);",
        vec![json!(probe)],
    )
    .await;
    let result = w
        .fixtures
        .wait_after(mark, "the probe on the other origin", |e| {
            e["kind"] == "probe-result" && e["detail"]["to"] == "parent"
        })
        .await;
    assert_eq!(result["detail"]["origin"], w.fixtures.other_origin.as_str());
    assert_eq!(
        result["detail"]["got"],
        json!([]),
        "the host answered another origin"
    );
    assert!(
        api_fetches(&w).await.is_empty(),
        "the host ran a call from another origin"
    );
    w.browser.screenshot("check11-wrong-origin").await;
}

/// §6.2 check 12: a reload (a second `procure_channel`) gets a new handshake and a new
/// `ready` with the same uuid.
pub async fn check_12_reload_reprocure(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = w.launch(app::DEMO).await;
    let first = w.ready_of(&uuid).await;
    let first_page = first["page"].as_str().unwrap().to_owned();
    w.in_app(
        &uuid,
        "setTimeout(function () { location.reload(); }, 0); done(true);",
        vec![],
    )
    .await;
    let second = w
        .fixtures
        .wait_for("the ready after the reload", |e| {
            e["kind"] == "ready"
                && e["detail"]["params"]["uuid"] == uuid.as_str()
                && e["page"] != first_page.as_str()
        })
        .await;
    let page = second["page"].as_str().unwrap().to_owned();
    let of_page = w.fixtures.find(|e| e["page"] == page.as_str());
    let kinds: Vec<&str> = of_page
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"uuid") && kinds.contains(&"got-__ready"),
        "{kinds:?}"
    );
    let uuid_event = of_page.iter().find(|e| e["kind"] == "uuid").unwrap();
    assert_eq!(uuid_event["detail"]["uuid"], uuid.as_str(), "the same uuid");
    w.fixtures
        .wait_for("the name after the reload", |e| {
            e["page"] == page.as_str() && e["kind"] == "patient-name"
        })
        .await;
    assert_eq!(
        w.frames(app::DEMO).await,
        vec![uuid.clone()],
        "still one instance"
    );
}

/// §6.2 check 13: `destroyed` reaches the app before its frame goes; `backgrounded` and
/// `foregrounded` follow the tabs. Also `request_fullscreen`.
pub async fn check_13_destroyed_and_foregrounded(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let a = w.launch(app::DEMO).await;
    let page_a = w.ready_of(&a).await["page"].as_str().unwrap().to_owned();
    let b = w.launch(app::PONG).await;
    let page_b = w.ready_of(&b).await["page"].as_str().unwrap().to_owned();
    let note = |page: String, name: &'static str| {
        move |e: &Value| {
            e["page"] == page.as_str() && e["kind"] == "notification" && e["detail"]["name"] == name
        }
    };
    w.fixtures
        .wait_for("A backgrounded", note(page_a.clone(), "backgrounded"))
        .await;
    let mark = w.fixtures.mark();
    w.browser
        .wait_css(&format!(".app-tab[data-uuid=\"{a}\"] [role=\"tab\"]"))
        .await
        .click()
        .await
        .unwrap();
    w.fixtures
        .wait_after(mark, "A foregrounded", note(page_a.clone(), "foregrounded"))
        .await;
    w.fixtures
        .wait_after(mark, "B backgrounded", note(page_b.clone(), "backgrounded"))
        .await;
    let hidden = w
        .browser
        .js(
            "return [document.querySelector('iframe[data-uuid=\"' + arguments[0] + '\"]').hidden, \
             document.querySelector('iframe[data-uuid=\"' + arguments[1] + '\"]').hidden];",
            vec![json!(a), json!(b)],
        )
        .await;
    assert_eq!(hidden, json!([false, true]));

    // request_fullscreen
    w.in_app(&a, "FX.notify('request_fullscreen'); done(true);", vec![])
        .await;
    let css = format!("iframe[data-uuid=\"{a}\"].app-frame-fullscreen");
    w.browser.wait_css(&css).await;
    w.browser.screenshot("check13-fullscreen").await;
    w.browser
        .wait_css(".app-exit-fullscreen")
        .await
        .click()
        .await
        .unwrap();
    w.browser
        .wait_js(
            "fullscreen ended",
            "return !document.querySelector(arguments[0]);",
            vec![json!(css)],
        )
        .await;

    // Closing B: destroyed first, then the frame goes.
    w.browser
        .wait_css(&format!(".app-tab[data-uuid=\"{b}\"] .app-tab-close"))
        .await
        .click()
        .await
        .unwrap();
    w.fixtures
        .wait_for("B destroyed", note(page_b.clone(), "destroyed"))
        .await;
    w.browser
        .wait_js(
            "B's frame removed",
            "return !document.querySelector('iframe[data-uuid=\"' + arguments[0] + '\"]');",
            vec![json!(b)],
        )
        .await;
    let a_destroyed = w.fixtures.find(note(page_a, "destroyed"));
    assert!(a_destroyed.is_empty(), "A is still running");
}

/// §6.2 check 14: a frame_ui app's `launch_app_delegated` returns its object with
/// `credentials` (no secret) and `api_base`; `api_call_delegated` runs as that child, and
/// fails for a uuid the app did not launch.
pub async fn check_14_frame_ui_delegation(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = w.launch(app::FRAME).await;
    w.ready_of(&uuid).await;
    w.install_spy().await;
    let out = w
        .in_app(
            &uuid,
            r#"
            var ctx = FX.ready.context, child = args[0], pad = args[1], out = {};
            var inst = {uuid: 'CHILD-0001', context: ctx, manifest: {id: child, mode: 'ui'}};
            FX.request('launch_app_delegated', {uuid: 'CHILD-0001', context: ctx, manifest: {id: child, mode: 'ui'},
                                                credentials: {rest_secret: 'sent-by-an-old-client'}}, 8000)
            .then(function (r) { out.launch = r;
              return FX.request('api_call_delegated', {app_instance: inst, call_info: {func: pad, method: 'PUT',
                params: 'written by the delegated child', contentType: 'text/plain'}}, 8000); })
            .then(function (r) { out.child_put = r;
              return FX.request('api_call_delegated', {app_instance: inst, call_info: {func: pad, method: 'GET',
                params: {}, contentType: 'application/x-www-form-urlencoded'}}, 8000); })
            .then(function (r) { out.child_get = r;
              return FX.api(pad, 'PUT', 'written by the frame app itself', 'text/plain'); })
            .then(function (r) { out.own_put = r;
              return FX.request('api_call_delegated', {app_instance: {uuid: 'NOT-LAUNCHED-HERE', context: ctx,
                manifest: {id: child}}, call_info: {func: '/records/' + ctx.record.id + '/demographics',
                method: 'GET', params: {}}}, 8000); })
            .then(function (r) { out.unknown = r; done(out); });"#,
            vec![json!(app::DEMO), json!(scratchpad(app::DEMO))],
        )
        .await;
    let launched = &out["launch"]["result"];
    assert_eq!(launched["uuid"], "CHILD-0001", "{out}");
    assert_eq!(launched["manifest"]["id"], app::DEMO);
    assert_eq!(launched["context"]["record"]["id"], ADA.id);
    assert!(
        launched["api_base"]
            .as_str()
            .unwrap()
            .starts_with(&w.server.base),
        "{launched}"
    );
    assert_eq!(launched["credentials"]["app_id"], app::DEMO);
    for key in launched["credentials"].as_object().unwrap().keys() {
        assert!(
            !key.contains("secret") && !key.contains("token"),
            "credentials carry {key}"
        );
    }
    assert!(
        !out.to_string().contains("sent-by-an-old-client"),
        "old credentials passed on"
    );
    assert_eq!(out["child_put"]["result"]["status"], 200, "{out}");
    assert_eq!(
        out["child_get"]["result"]["data"],
        "written by the delegated child"
    );
    let own = out["own_put"]["error"].as_u64().unwrap_or(0);
    assert!(
        (400..500).contains(&own),
        "the frame app wrote another app's scratchpad: {out}"
    );
    assert!(
        out["unknown"]["error"].is_string() && out["unknown"].get("result").is_none(),
        "{out}"
    );
    // The child's calls carried a launch token of their own, which never reached the frame.
    let fetches = api_fetches(&w).await;
    let child_token = fetches[0]["headers"]["X-Smart-Launch"]
        .as_str()
        .unwrap()
        .to_owned();
    let own_token = fetches[2]["headers"]["X-Smart-Launch"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(child_token, own_token);
    assert_eq!(
        fetches.len(),
        3,
        "the unknown uuid ran nothing: {fetches:?}"
    );
    let all = w
        .in_app(&uuid, "done(FX.received.join('\\n'));", vec![])
        .await;
    assert!(!all.as_str().unwrap().contains(&child_token));
}

/// §6.2 check 15: `call_app` starts a new instance with the caller's context and the
/// `ready_data`; its `return` completes the caller's call, and the called app goes.
pub async fn check_15_call_app_return(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let caller = w.launch(app::CALLER).await;
    let caller_page = w.ready_of(&caller).await["page"]
        .as_str()
        .unwrap()
        .to_owned();
    let mark = w.fixtures.mark();
    let reply = w
        .in_app(
            &caller,
            "FX.request('call_app', {manifest: {id: args[0]}, ready_data: {question: 41, note: 'from the caller'}}, 15000).then(done);",
            vec![json!(app::CALLEE)],
        )
        .await;
    assert_eq!(
        reply["result"],
        json!({"answer": 42, "echo": {"question": 41, "note": "from the caller"}}),
        "{reply}"
    );
    let callee_ready = w
        .fixtures
        .wait_after(mark, "the callee's ready", |e| {
            e["kind"] == "ready" && e["app"] == "callee"
        })
        .await;
    let p = &callee_ready["detail"]["params"];
    assert_eq!(
        p["ready_data"],
        json!({"question": 41, "note": "from the caller"})
    );
    assert_eq!(p["context"]["record"]["id"], ADA.id, "the caller's context");
    assert_eq!(p["context"]["user"]["id"], USER);
    assert_eq!(p["manifest"]["id"], app::CALLEE);
    let callee_uuid = p["uuid"].as_str().unwrap().to_owned();
    let callee_page = callee_ready["page"].as_str().unwrap().to_owned();
    w.fixtures
        .wait_after(mark, "the callee destroyed", |e| {
            e["page"] == callee_page.as_str()
                && e["kind"] == "notification"
                && e["detail"]["name"] == "destroyed"
        })
        .await;
    w.fixtures
        .wait_after(mark, "the caller foregrounded", |e| {
            e["page"] == caller_page.as_str()
                && e["kind"] == "notification"
                && e["detail"]["name"] == "foregrounded"
        })
        .await;
    w.browser
        .wait_js(
            "the callee's frame removed and the caller shown",
            "return !document.querySelector('iframe[data-uuid=\"' + arguments[0] + '\"]') && \
             !document.querySelector('iframe[data-uuid=\"' + arguments[1] + '\"]').hidden;",
            vec![json!(callee_uuid), json!(caller)],
        )
        .await;
}
