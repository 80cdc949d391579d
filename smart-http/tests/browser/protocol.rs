//! The protocol checks of the SMART Connect specification (§6.2), one function per check,
//! named by its number, against the real record view and the fixture apps on their own
//! origin. A check drives an app from inside its frame (`window.FX` of
//! fixture-client.js), reads what the app logged to its server, and watches the host's
//! HTTP side through a fetch spy on the top page. Checks 10 to 15 are in
//! protocol_lifecycle.rs.

use crate::world::{ADA, USER, World, app};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The messages an app frame received, parsed (the discovery string stays a string).
pub(crate) async fn received(w: &World, uuid: &str) -> Vec<Value> {
    let raw = w.in_app(uuid, "done(FX.received);", vec![]).await;
    raw.as_array()
        .unwrap()
        .iter()
        .map(|s| serde_json::from_str(s.as_str().unwrap()).expect("every message is JSON text"))
        .collect()
}

fn host_ready_notes<'a>(msgs: &'a [Value], uuid: &str, params: &str) -> Vec<&'a Value> {
    msgs.iter()
        .filter(|m| m["method"] == format!("{uuid}::__ready") && m["params"] == params)
        .collect()
}

/// `api_call` from inside an app frame: the raw jschannel reply.
async fn api(w: &World, uuid: &str, func: &str, method: &str, params: Value, ct: &str) -> Value {
    w.in_app(
        uuid,
        "FX.api(args[0], args[1], args[2], args[3]).then(done);",
        vec![json!(func), json!(method), params, json!(ct)],
    )
    .await
}

pub(crate) async fn get(w: &World, uuid: &str, func: &str, params: Value) -> Value {
    api(
        w,
        uuid,
        func,
        "GET",
        params,
        "application/x-www-form-urlencoded",
    )
    .await
}

/// The API fetches the spy saw (launches left out).
pub(crate) async fn api_fetches(w: &World) -> Vec<Value> {
    w.spied()
        .await
        .into_iter()
        .filter(|f| f["url"].as_str().unwrap_or_default().contains("/ui/api/"))
        .collect()
}

/// Launches a demographics fixture and waits until its own API call is answered, so the
/// fetch spy sees only the check's calls.
pub(crate) async fn launch_settled(w: &World, app_id: &str) -> String {
    let uuid = w.launch(app_id).await;
    let page = w.ready_of(&uuid).await["page"].as_str().unwrap().to_owned();
    w.fixtures
        .wait_for("the app's own demographics call", |e| {
            e["page"] == page.as_str() && e["kind"] == "patient-name"
        })
        .await;
    uuid
}

pub(crate) fn demographics() -> String {
    format!("/records/{}/demographics", ADA.id)
}

pub(crate) fn scratchpad(app_id: &str) -> String {
    format!("/records/{}/apps/{app_id}/scratchpad", ADA.id)
}

/// §6.2 check 1: `"procure_channel"` from a registered frame is answered with
/// `"app_instance_uuid=<uuid>"`, sent to the app origin; from a window the container did
/// not register there is no answer.
pub async fn check_01_procure_channel(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = w.launch(app::DEMO).await;
    let page = w.fixtures.page_of(&uuid).await;
    let got = w
        .fixtures
        .wait_for("the uuid", |e| {
            e["page"] == page.as_str() && e["kind"] == "uuid"
        })
        .await;
    assert_eq!(
        got["detail"]["origin"],
        w.server.base.as_str(),
        "sent by the record view"
    );
    let raw = w.in_app(&uuid, "done(FX.received[0]);", vec![]).await;
    assert_eq!(
        raw,
        json!(format!("\"app_instance_uuid={uuid}\"")),
        "a JSON string literal"
    );

    // A frame inside the app frame is not registered: it asks the top page, and hears nothing.
    let mark = w.fixtures.mark();
    w.in_app(
        &uuid,
        "var f = document.createElement('iframe'); f.src = args[0]; document.body.appendChild(f); done(true);",
        vec![json!(format!("{}/probe.html?to=top", w.fixtures.origin))],
    )
    .await;
    let probe = w
        .fixtures
        .wait_after(mark, "the unregistered probe", |e| {
            e["kind"] == "probe-result" && e["detail"]["to"] == "top"
        })
        .await;
    assert_eq!(
        probe["detail"]["got"],
        json!([]),
        "no answer to an unregistered window"
    );
    w.browser.screenshot("check01-discovery").await;
}

/// §6.2 check 2: the host pings after discovery, answers a ping with one pong, and takes
/// a pong or a ping as ready.
pub async fn check_02_ready_handshake(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    // A client that never pings: the host must be ready on the client's pong.
    let pong_only = w.launch(app::PONG).await;
    w.ready_of(&pong_only).await;
    let msgs = received(&w, &pong_only).await;
    assert_eq!(
        msgs[1],
        json!({"method": format!("{pong_only}::__ready"), "params": "ping"}),
        "the ping follows discovery: {msgs:?}"
    );
    assert_eq!(host_ready_notes(&msgs, &pong_only, "ping").len(), 1);
    assert_eq!(
        host_ready_notes(&msgs, &pong_only, "pong").len(),
        0,
        "nothing to pong"
    );

    // A client that pings twice and never answers: ready on its ping, one pong only.
    let ping_only = w.launch(app::PING).await;
    w.ready_of(&ping_only).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let msgs = received(&w, &ping_only).await;
    assert_eq!(host_ready_notes(&msgs, &ping_only, "ping").len(), 1);
    assert_eq!(
        host_ready_notes(&msgs, &ping_only, "pong").len(),
        1,
        "{msgs:?}"
    );

    // The usual client: ping and pong cross; at most one pong from the host.
    let current = w.launch(app::DEMO).await;
    w.ready_of(&current).await;
    let msgs = received(&w, &current).await;
    assert_eq!(host_ready_notes(&msgs, &current, "ping").len(), 1);
    assert!(host_ready_notes(&msgs, &current, "pong").len() <= 1);
}

/// §6.2 check 3: `ready` comes only once the channel is ready, with the context, uuid
/// and manifest, and nothing secret.
pub async fn check_03_ready_params(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    w.install_spy().await;
    let uuid = w.launch(app::SLOW).await;
    let ready = w.ready_of(&uuid).await;
    let first_sent = ready["detail"]["firstReadySentAt"]
        .as_f64()
        .expect("the app sent __ready");
    assert!(
        first_sent >= 650.0,
        "the slow client waits 700 ms: {first_sent}"
    );
    assert!(
        ready["t"].as_f64().unwrap() >= first_sent,
        "ready arrived before the app's side of the handshake: {ready}"
    );
    let p = &ready["detail"]["params"];
    assert_eq!(p["uuid"], uuid.as_str());
    assert_eq!(p["context"]["user"]["id"], USER);
    assert!(p["context"]["user"]["full_name"].is_string(), "{p}");
    assert_eq!(p["context"]["record"]["id"], ADA.id);
    assert_eq!(p["context"]["record"]["full_name"], ADA.full_name());
    assert_eq!(p["manifest"]["id"], app::SLOW);
    assert_eq!(p["manifest"]["mode"], "ui");
    assert!(
        p.get("credentials").is_none() && p.get("ready_data").is_none(),
        "{p}"
    );
    let acks = w
        .fixtures
        .find(|e| e["kind"] == "ready" && e["detail"]["params"]["uuid"] == uuid.as_str());
    assert_eq!(acks.len(), 1, "one ready per channel");

    // Nothing secret in the frame: neither the CSRF token nor the launch token.
    let reply = get(&w, &uuid, &demographics(), json!({})).await;
    assert_eq!(reply["result"]["status"], 200, "{reply}");
    let token = api_fetches(&w).await[0]["headers"]["X-Smart-Launch"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = w
        .browser
        .js(
            "return JSON.parse(document.getElementById('smart-page').textContent).csrf;",
            vec![],
        )
        .await;
    let csrf = csrf.as_str().unwrap().to_owned();
    assert!(token.len() >= 16 && csrf.len() >= 16);
    let all = w
        .in_app(
            &uuid,
            "done(FX.received.join('\\n') + location.href);",
            vec![],
        )
        .await;
    let all = all.as_str().unwrap();
    assert!(!all.contains(&token), "the launch token reached the app");
    assert!(!all.contains(&csrf), "the CSRF token reached the app");
}

/// §6.2 check 4: the handshake finishes well within the client's 5 s, and the app shows
/// the real patient.
pub async fn check_04_handshake_under_5s(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = w.launch(app::DEMO).await;
    let ready = w.ready_of(&uuid).await;
    let t = ready["t"].as_f64().unwrap();
    assert!(t < 5000.0, "ready {t} ms after the client started");
    let page = ready["page"].as_str().unwrap().to_owned();
    let name = w
        .fixtures
        .wait_for("the patient's name", |e| {
            e["page"] == page.as_str() && e["kind"] == "patient-name"
        })
        .await;
    assert_eq!(name["detail"]["name"], ADA.full_name());
    let shown = w
        .in_app(
            &uuid,
            "done(document.getElementById('patient-name').textContent);",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(ADA.full_name()));
    w.browser.screenshot("check04-app-shows-patient").await;
}

/// §6.2 check 5: GET params `{}` add no query string; an object is form-encoded as
/// jQuery does.
pub async fn check_05_api_call_get_query(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = launch_settled(&w, app::DEMO).await;
    w.install_spy().await;
    let func = format!("/records/{}/vital_sign_sets/", ADA.id);
    let plain = get(&w, &uuid, &func, json!({})).await;
    assert_eq!(plain["result"]["status"], 200, "{plain}");
    let paged = get(&w, &uuid, &func, json!({"limit": 50, "offset": 0})).await;
    assert_eq!(paged["result"]["status"], 200, "{paged}");
    // (built in the frame: an object sent from here would reach it with sorted keys)
    w.in_app(
        &uuid,
        "FX.api(args[0], 'GET', {offset: 0, 'x y': 'a b&c/é', n: null}).then(done);",
        vec![json!(format!("{func}?limit=1"))],
    )
    .await;
    let fetches = api_fetches(&w).await;
    let base = w.url("/ui/api");
    assert_eq!(fetches[0]["url"], format!("{base}{func}"));
    assert_eq!(fetches[0]["method"], "GET");
    assert!(fetches[0]["body"].is_null());
    assert_eq!(fetches[1]["url"], format!("{base}{func}?limit=50&offset=0"));
    assert_eq!(
        fetches[2]["url"],
        format!("{base}{func}?limit=1&offset=0&x+y=a+b%26c%2F%C3%A9&n=")
    );
}

/// §6.2 check 6: a PUT with a string body goes out as that raw body with the app's
/// Content-Type (and an object is form-encoded).
pub async fn check_06_api_call_put_raw_body(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = launch_settled(&w, app::DEMO).await;
    w.install_spy().await;
    let body = r#"{"note":"from check 6","n":6}"#;
    let put = api(
        &w,
        &uuid,
        &scratchpad(app::DEMO),
        "PUT",
        json!(body),
        "application/json",
    )
    .await;
    assert_eq!(put["result"]["status"], 200, "{put}");
    let back = get(&w, &uuid, &scratchpad(app::DEMO), json!({})).await;
    assert_eq!(back["result"]["contentType"], "application/json", "{back}");
    assert_eq!(back["result"]["data"], body);
    let form = api(
        &w,
        &uuid,
        &scratchpad(app::DEMO),
        "PUT",
        json!({"a": "b c", "d": "e&f"}),
        "application/x-www-form-urlencoded",
    )
    .await;
    assert_eq!(form["result"]["status"], 200, "{form}");
    let fetches = api_fetches(&w).await;
    assert_eq!(fetches[0]["method"], "PUT");
    assert_eq!(fetches[0]["headers"]["Content-Type"], "application/json");
    assert_eq!(fetches[0]["body"], body);
    assert_eq!(
        fetches[2]["headers"]["Content-Type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(fetches[2]["body"], "a=b+c&d=e%26f");
}

/// §6.2 check 7: content types reach the app without parameters.
pub async fn check_07_content_type_without_parameters(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = launch_settled(&w, app::DEMO).await;
    w.install_spy().await;
    let real = get(&w, &uuid, &demographics(), json!({})).await;
    assert_eq!(
        real["result"]["contentType"], "application/rdf+xml",
        "{real}"
    );
    let real = get(&w, &uuid, "/manifest", json!({})).await;
    assert_eq!(real["result"]["contentType"], "application/json", "{real}");
    // The same answers with a charset parameter, as other servers send them.
    for (func, sent, expected) in [
        (
            demographics(),
            "application/rdf+xml; charset=utf-8",
            "application/rdf+xml",
        ),
        (
            "/manifest".to_owned(),
            "application/json; charset=UTF-8",
            "application/json",
        ),
    ] {
        w.browser
            .js(
                "window.__rewriteType = [arguments[0], arguments[1]]; return true;",
                vec![json!(func), json!(sent)],
            )
            .await;
        let r = get(&w, &uuid, &func, json!({})).await;
        assert_eq!(r["result"]["contentType"], expected, "{r}");
        assert_eq!(r["result"]["status"], 200);
    }
    w.browser
        .js("window.__rewriteType = null; return true;", vec![])
        .await;
    let seen: Vec<Value> = api_fetches(&w).await;
    assert!(
        seen.iter()
            .any(|f| f["contentType"] == "application/rdf+xml; charset=utf-8")
    );
}

/// §6.2 check 8: an HTTP error becomes `{error: <status>, message: {contentType, data}}`;
/// a network failure a non-zero error.
pub async fn check_08_errors(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = launch_settled(&w, app::DEMO).await;
    w.install_spy().await;
    let missing = get(
        &w,
        &uuid,
        &format!("/records/{}/medications/no-such-medication", ADA.id),
        json!({}),
    )
    .await;
    assert_eq!(missing["error"], 404, "{missing}");
    assert!(missing.get("result").is_none());
    let ct = missing["message"]["contentType"]
        .as_str()
        .expect("message.contentType");
    assert!(!ct.is_empty() && !ct.contains(';'), "{ct}");
    assert!(missing["message"]["data"].is_string());
    w.browser
        .js(
            "window.__failFetch = '/network-failure-probe'; return true;",
            vec![],
        )
        .await;
    let failed = get(
        &w,
        &uuid,
        &format!("/records/{}/network-failure-probe", ADA.id),
        json!({}),
    )
    .await;
    w.browser
        .js("window.__failFetch = null; return true;", vec![])
        .await;
    assert_eq!(failed["error"], 502, "{failed}");
    assert!(failed["message"]["data"].is_string());
}

/// §6.2 check 9: every reply carries a `result` (or a truthy `error`), so the older
/// jschannel, which drops any other reply, gets them all.
pub async fn check_09_every_reply_has_result(w: Arc<World>) {
    w.fresh_record_view(ADA).await;
    let uuid = w.launch(app::OLD).await;
    let ready = w.ready_of(&uuid).await;
    let page = ready["page"].as_str().unwrap().to_owned();
    let name = w
        .fixtures
        .wait_for("the old client's patient name", |e| {
            e["page"] == page.as_str() && e["kind"] == "patient-name"
        })
        .await;
    assert_eq!(name["detail"]["name"], ADA.full_name());
    let replies = w
        .in_app(
            &uuid,
            r#"
            var calls = [
              ['api_call', {func: args[0], method: 'GET', params: {}, contentType: 'application/x-www-form-urlencoded'}],
              ['api_call', {func: args[1], method: 'PUT', params: 'old client', contentType: 'text/plain'}],
              ['api_call', {func: args[1], method: 'DELETE', params: {}, contentType: 'application/x-www-form-urlencoded'}],
              ['api_call', {func: args[1], method: 'GET', params: {}, contentType: 'application/x-www-form-urlencoded'}],
              ['api_call', {func: args[2], method: 'GET', params: {}, contentType: 'application/x-www-form-urlencoded'}],
              ['no_such_method', {}]
            ];
            Promise.all(calls.map(function (c) { return FX.request(c[0], c[1], 5000); })).then(done);"#,
            vec![
                json!(demographics()),
                json!(scratchpad(app::OLD)),
                json!(format!("/records/{}/medications/none", ADA.id)),
            ],
        )
        .await;
    for r in replies.as_array().unwrap() {
        assert!(r.get("timeout").is_none(), "a reply never came: {replies}");
    }
    let dropped = w
        .fixtures
        .find(|e| e["page"] == page.as_str() && e["kind"] == "dropped-reply");
    assert!(dropped.is_empty(), "the old client dropped {dropped:?}");
    let msgs = received(&w, &uuid).await;
    let host_replies: Vec<&Value> = msgs
        .iter()
        .filter(|m| m.get("id").is_some() && m.get("method").is_none())
        .collect();
    assert!(host_replies.len() >= 7, "{msgs:?}");
    for m in host_replies {
        let truthy_error = match &m["error"] {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            _ => true,
        };
        assert!(
            m.get("result").is_some() || truthy_error,
            "a reply without result or error: {m}"
        );
    }
}
