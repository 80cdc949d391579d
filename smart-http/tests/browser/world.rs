//! What every browser test shares: the container under test (started in process, as
//! tests/common does), a clinician account, two patients, the fixture apps registered
//! with their index on the fixture origin, the fixture server and one browser.

use crate::common::{Backend, PASSWORD, TestServer};
use crate::driver::Browser;
use crate::fixtures::FixtureServer;
use fantoccini::Locator;
use serde_json::{Value, json};
use smart_core::RecordId;
use std::time::Duration;

/// The clinician who signs in.
pub const USER: &str = "clinician@example.org";

/// A patient of the tests.
#[derive(Debug, Clone, Copy)]
pub struct Patient {
    pub id: &'static str,
    pub given: &'static str,
    pub family: &'static str,
    pub gender: &'static str,
    pub birth: &'static str,
}

impl Patient {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given, self.family)
    }
}

/// The first patient.
pub const ADA: Patient = Patient {
    id: "7100001",
    given: "Ada",
    family: "Lovelace",
    gender: "female",
    birth: "1815-12-10",
};
/// The second patient.
pub const GRACE: Patient = Patient {
    id: "7100002",
    given: "Grace",
    family: "Hopper",
    gender: "female",
    birth: "1906-12-09",
};

/// The fixture apps: (id, name, page under the fixture origin, mode, scope, standalone).
pub mod app {
    /// (a) the current client, showing the patient's name.
    pub const DEMO: &str = "fx-demographics@fixtures.smart-rs.org";
    /// (b) the same app on the older jschannel.
    pub const OLD: &str = "fx-old-jschannel@fixtures.smart-rs.org";
    /// A client that only answers the host's ping.
    pub const PONG: &str = "fx-pong-only@fixtures.smart-rs.org";
    /// A client that only pings (twice) and never answers the host's ping.
    pub const PING: &str = "fx-ping-only@fixtures.smart-rs.org";
    /// A client that takes 700 ms to finish its side of the handshake.
    pub const SLOW: &str = "fx-slow-handshake@fixtures.smart-rs.org";
    /// (c) a frame_ui app.
    pub const FRAME: &str = "fx-frame-ui@fixtures.smart-rs.org";
    /// (d) the app that calls another.
    pub const CALLER: &str = "fx-caller@fixtures.smart-rs.org";
    /// (d) the app that is called.
    pub const CALLEE: &str = "fx-callee@fixtures.smart-rs.org";
    /// A container-scope app.
    pub const CONTAINER: &str = "fx-container-scope@fixtures.smart-rs.org";
    /// A standalone app (opens in its own window).
    pub const STANDALONE: &str = "fx-standalone@fixtures.smart-rs.org";
    /// An app that never speaks SMART Connect.
    pub const SILENT: &str = "fx-silent@fixtures.smart-rs.org";
    /// The probe page on the second app origin (registered so frames may show it).
    pub const PROBE: &str = "fx-probe@fixtures.smart-rs.org";
}

/// The shared state of the browser tests.
pub struct World {
    pub server: TestServer,
    pub fixtures: FixtureServer,
    pub browser: Browser,
    /// The bundled apps' origin (`http://127.0.0.1:P`).
    pub apps_origin: String,
    apps_stop: tokio::sync::oneshot::Sender<()>,
}

pub fn manifest(
    id: &str,
    name: &str,
    index: &str,
    mode: &str,
    scope: &str,
    standalone: bool,
) -> Value {
    let origin = index.split('/').take(3).collect::<Vec<_>>().join("/");
    json!({
        "name": name,
        "description": format!("browser test fixture: {name}"),
        "author": "smart-rs tests",
        "id": id,
        "version": "1.0",
        "mode": mode,
        "scope": scope,
        "standalone": standalone,
        "index": index,
        "icon": format!("{origin}/icon.svg"),
    })
}

impl World {
    /// Starts everything; `None` when the browser is not installed (outside CI).
    pub async fn start() -> Option<World> {
        let (chromium, chromedriver) = crate::driver::find_binaries()?;
        // The bundled apps on their own origin, as `smart serve` runs them.
        let apps_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let apps_addr = apps_listener.local_addr().unwrap();
        let apps_origin = format!("http://{apps_addr}");
        let server = TestServer::start_with(Backend::Memory, |c| {
            c.apps.public_url = apps_origin.clone();
            c.apps.bind = apps_addr;
        })
        .await;
        smart_http::apps::register_bundled(&server.container)
            .await
            .unwrap();
        let (apps_stop, apps_stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(smart_http::apps::serve(
            server.container.clone(),
            apps_listener,
            async move {
                let _ = apps_stopped.await;
            },
        ));
        let fixtures = FixtureServer::start().await;
        server.create_user(USER).await;
        for p in [ADA, GRACE] {
            import_patient(&server, p).await;
        }
        let o = &fixtures.origin;
        let apps = [
            manifest(
                app::DEMO,
                "Fixture demographics",
                &format!("{o}/demographics.html"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::OLD,
                "Fixture old jschannel",
                &format!("{o}/demographics.html?variant=old"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::PONG,
                "Fixture pong only",
                &format!("{o}/demographics.html?variant=pong-only"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::PING,
                "Fixture ping only",
                &format!("{o}/demographics.html?variant=ping-only"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::SLOW,
                "Fixture slow handshake",
                &format!("{o}/demographics.html?variant=slow"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::FRAME,
                "Fixture frame UI",
                &format!("{o}/frame.html"),
                "frame_ui",
                "record",
                false,
            ),
            manifest(
                app::CALLER,
                "Fixture caller",
                &format!("{o}/caller.html"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::CALLEE,
                "Fixture callee",
                &format!("{o}/callee.html"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::CONTAINER,
                "Fixture container scope",
                &format!("{o}/demographics.html"),
                "ui",
                "container",
                false,
            ),
            manifest(
                app::STANDALONE,
                "Fixture standalone",
                &format!("{o}/demographics.html"),
                "ui",
                "record",
                true,
            ),
            manifest(
                app::SILENT,
                "Fixture silent",
                &format!("{o}/blank.html"),
                "ui",
                "record",
                false,
            ),
            manifest(
                app::PROBE,
                "Fixture probe",
                &format!("{}/probe.html", fixtures.other_origin),
                "ui",
                "record",
                false,
            ),
        ];
        let account = smart_store::directory::UserId::new(USER).unwrap();
        for m in &apps {
            server.register_app(m).await;
            let id = smart_store::directory::AppId::new(m["id"].as_str().unwrap()).unwrap();
            server
                .container
                .directory()
                .set_app_enabled(
                    &account,
                    &id,
                    true,
                    smart_store::directory::Timestamp::now(),
                )
                .await
                .unwrap();
        }
        let browser = Browser::start(&chromium, &chromedriver).await;
        Some(World {
            server,
            fixtures,
            browser,
            apps_origin,
            apps_stop,
        })
    }

    /// Stops the browser and the servers.
    pub async fn stop(self) {
        self.browser.stop().await;
        let _ = self.apps_stop.send(());
        self.fixtures.stop();
        self.server.stop().await;
    }

    /// The UI's URL of a local path.
    pub fn url(&self, local: &str) -> String {
        format!("{}{local}", self.server.base)
    }

    /// Types into the login form and submits it.
    pub async fn fill_login(&self, user: &str, password: &str) {
        let b = &self.browser;
        let u = b.wait_css("input[name=\"username\"]").await;
        u.clear().await.unwrap();
        u.send_keys(user).await.unwrap();
        let p = b
            .client
            .find(Locator::Css("input[name=\"password\"]"))
            .await
            .unwrap();
        p.clear().await.unwrap();
        p.send_keys(password).await.unwrap();
        p.send_keys("\u{E007}").await.unwrap(); // Enter submits the form
    }

    /// Signed in, on a fresh record view of `patient` with no app open (the apps
    /// remembered from the last record view are forgotten first).
    pub async fn fresh_record_view(&self, patient: Patient) {
        let b = &self.browser;
        b.leave_frame().await;
        b.client.goto(&self.url("/")).await.unwrap();
        let path: String = b
            .js("return location.pathname;", vec![])
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if path.ends_with("/login") {
            self.fill_login(USER, PASSWORD).await;
            b.wait_js(
                "the patient list",
                "return !location.pathname.endsWith('/login');",
                vec![],
            )
            .await;
        }
        b.js("sessionStorage.clear(); return true;", vec![]).await;
        b.client
            .goto(&self.url(&format!("/patients/{}", patient.id)))
            .await
            .unwrap();
        b.wait_css("#smart-page").await;
        b.wait_css("#app-sidebar").await;
    }

    /// Clicks an app's launcher; the uuid of the new instance once its frame is there.
    pub async fn launch(&self, app_id: &str) -> String {
        let b = &self.browser;
        b.leave_frame().await;
        let before: Vec<String> = self.frames(app_id).await;
        b.wait_css(&format!(".app-launcher[data-app-id=\"{app_id}\"]"))
            .await
            .click()
            .await
            .unwrap();
        let deadline = std::time::Instant::now() + crate::driver::PATIENCE;
        loop {
            let now = self.frames(app_id).await;
            if let Some(u) = now.into_iter().find(|u| !before.contains(u)) {
                return u;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no frame for {app_id}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The uuids of the frames of `app_id` on the top page.
    pub async fn frames(&self, app_id: &str) -> Vec<String> {
        let v = self
            .browser
            .js(
                "var id = arguments[0];\
                 return Array.from(document.querySelectorAll('iframe[data-app-id]'))\
                 .filter(function (f) { return f.getAttribute('data-app-id') === id; })\
                 .map(function (f) { return f.getAttribute('data-uuid'); });",
                vec![json!(app_id)],
            )
            .await;
        serde_json::from_value(v).unwrap_or_default()
    }

    /// Waits for the `ready` of instance `uuid` as its fixture logged it; the event.
    pub async fn ready_of(&self, uuid: &str) -> Value {
        self.fixtures
            .wait_for(&format!("ready for {uuid}"), |e| {
                e["kind"] == "ready" && e["detail"]["params"]["uuid"] == uuid
            })
            .await
    }

    /// Runs `body` (the script of an async function body, `done` being its callback)
    /// inside the frame of instance `uuid`, then returns to the top page.
    pub async fn in_app(&self, uuid: &str, body: &str, args: Vec<Value>) -> Value {
        self.browser.enter_app(uuid).await;
        let script = format!(
            "var done = arguments[arguments.length - 1]; var args = Array.prototype.slice.call(arguments, 0, -1);\n{body}"
        );
        let v = self.browser.js_async(&script, args).await;
        self.browser.leave_frame().await;
        v
    }

    /// Installs the fetch spy on the top page: every fetch the host makes is recorded in
    /// `window.__spy` (URL, method, headers, body, status, raw Content-Type). URLs
    /// containing `window.__failFetch` fail as a network failure would, and
    /// `window.__rewriteType` = [substring, type] replaces a response's Content-Type.
    pub async fn install_spy(&self) {
        self.browser.leave_frame().await;
        self.browser
            .js(
                r#"
                if (window.__spy) { window.__spy.length = 0; return true; }
                window.__spy = [];
                var original = window.fetch;
                window.fetch = function (url, init) {
                    init = init || {};
                    var rec = { url: new URL(String(url), location.href).href, method: init.method || 'GET',
                                headers: init.headers || {}, body: init.body === undefined ? null : init.body };
                    window.__spy.push(rec);
                    if (window.__failFetch && rec.url.indexOf(window.__failFetch) >= 0) {
                        return Promise.reject(new TypeError('simulated network failure'));
                    }
                    return original.call(window, url, init).then(function (r) {
                        rec.status = r.status;
                        rec.contentType = r.headers.get('Content-Type');
                        var rw = window.__rewriteType;
                        if (rw && rec.url.indexOf(rw[0]) >= 0) {
                            return r.text().then(function (t) {
                                rec.contentType = rw[1];
                                return new Response(t, { status: r.status, headers: { 'Content-Type': rw[1] } });
                            });
                        }
                        return r;
                    });
                };
                return true;"#,
                vec![],
            )
            .await;
    }

    /// The fetches the spy recorded.
    pub async fn spied(&self) -> Vec<Value> {
        self.browser.leave_frame().await;
        let v = self.browser.js("return window.__spy || [];", vec![]).await;
        serde_json::from_value(v).unwrap()
    }
}

/// Imports a patient with demographics only.
pub async fn import_patient(server: &TestServer, p: Patient) {
    let turtle = format!(
        r#"
        @prefix sp: <http://smartplatforms.org/terms#> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        @prefix v: <http://www.w3.org/2006/vcard/ns#> .
        _:r a sp:MedicalRecord .
        _:d a sp:Demographics ; sp:belongsTo _:r ; foaf:gender "{}" ;
            v:n [ a v:Name ; v:given-name "{}" ; v:family-name "{}" ] ;
            v:bday "{}" .
        "#,
        p.gender, p.given, p.family, p.birth
    );
    let graph = smart_rdf::parse(turtle.as_bytes(), smart_rdf::RdfFormat::Turtle, None).unwrap();
    let record = RecordId::new(p.id).unwrap();
    let split = smart_rdf::split_record(&graph, &record).unwrap();
    server
        .container
        .clinical()
        .replace_record(&split)
        .await
        .unwrap();
    server
        .container
        .directory()
        .upsert_record(&record, "", smart_store::directory::Timestamp::now())
        .await
        .unwrap();
}
