//! `smart serve` and `smart call`, run as a user would: a real server process on
//! 127.0.0.1, signed calls through it, a graceful stop, and a restart on the same data.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn smart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smart"))
        .args(args)
        .output()
        .expect("run smart")
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `smart serve` (its bundled apps on `port + 1`, or another free port), with
/// `--demo` if asked, and waits until `/health` answers (it does once the first-start data
/// is loaded and the server serves).
fn start(data: &Path, port: u16, demo: bool) -> Child {
    let apps_port = apps_port(port);
    let bind = format!("127.0.0.1:{port}");
    let apps_bind = format!("127.0.0.1:{apps_port}");
    let mut args = vec![
        "serve",
        "--data-dir",
        data.to_str().unwrap(),
        "--bind",
        &bind,
        "--apps-bind",
        &apps_bind,
        "--sample-patients",
        "3",
    ];
    if demo {
        args.push("--demo");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_smart"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start smart serve");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let up = runtime.block_on(async {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            client
                .get(format!("http://127.0.0.1:{port}/health"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
        });
        if up {
            return child;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("smart serve did not come up on port {port}");
}

/// The apps origin's port of the server on `port` (fixed per port, so a restart reuses it).
fn apps_port(port: u16) -> u16 {
    use std::sync::{Mutex, OnceLock};
    static PORTS: OnceLock<Mutex<Vec<(u16, u16)>>> = OnceLock::new();
    let mut ports = PORTS.get_or_init(|| Mutex::new(Vec::new())).lock().unwrap();
    if let Some((_, a)) = ports.iter().find(|(p, _)| *p == port) {
        return *a;
    }
    let a = free_port();
    ports.push((port, a));
    a
}

/// The bundled apps' origin serves the client library with its own CSP, and the demo
/// user's sidebar lists the bundled apps pointing at it.
fn bundled_apps_are_served(url: &str, apps_url: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let lib = reqwest::get(format!("{apps_url}/lib/smart-connect.js"))
            .await
            .unwrap();
        assert_eq!(lib.status(), 200);
        assert_eq!(
            lib.headers()["content-type"],
            "text/javascript; charset=utf-8"
        );
        let csp = lib.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.ends_with(&format!("frame-ancestors {url}")), "{csp}");
        assert!(lib.text().await.unwrap().contains("SmartConnect"));
    });
}

/// Sends SIGINT (Ctrl-C) and returns what the server printed; it must exit cleanly.
fn stop(mut child: Child) -> String {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(exit.success(), "smart serve exited with {exit}: {out}");
    out
}

/// The printed demo login signs in to the web UI, whose patient list shows the samples.
fn demo_login_works_in_the_web_ui(url: &str, password: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let first = http.get(format!("{url}/")).send().await.unwrap();
        assert_eq!(first.status(), 303);
        assert_eq!(first.headers()["location"], "/login?next=%2F");
        let page = http.get(format!("{url}/login")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let cookie = page.headers()["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let html = page.text().await.unwrap();
        let marker = "name=\"csrf\" value=\"";
        let at = html.find(marker).unwrap() + marker.len();
        let csrf = &html[at..at + html[at..].find('"').unwrap()];
        let login = http
            .post(format!("{url}/login"))
            .header("cookie", &cookie)
            .form(&[
                ("csrf", csrf),
                ("username", "demo@smart-rs.local"),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 303);
        let session = login
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
            .find(|c| c.starts_with("smart_session="))
            .expect("a session cookie");
        let list = http
            .get(format!("{url}/"))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(list.status(), 200);
        let html = list.text().await.unwrap();
        assert_eq!(html.matches("data-record-id=").count(), 3, "{html}");
        // The record view's sidebar lists the bundled apps (enabled by default).
        let marker = "data-record-id=\"";
        let at = html.find(marker).unwrap() + marker.len();
        let record = &html[at..at + html[at..].find('"').unwrap()];
        let view = http
            .get(format!("{url}/patients/{record}"))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(view.status(), 200);
        let view = view.text().await.unwrap();
        for app in smart_http::apps::BUNDLED {
            assert!(
                view.contains(&format!("data-app-id=\"{}\"", app.id)),
                "{} in the sidebar",
                app.id
            );
        }
    });
}

#[test]
fn serve_first_start_call_and_restart() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let dir = data.path().to_str().unwrap();
    let server = start(data.path(), port, true);
    bundled_apps_are_served(&url, &format!("http://127.0.0.1:{}", apps_port(port)));

    // The banner's example call works: a background token, a signed record call.
    let out = smart(&[
        "call",
        "GET",
        "/records/search",
        "--app",
        "demo-background@apps.smart-rs.local",
        "--data-dir",
        dir,
        "--url",
        &url,
    ]);
    // search_records is for UI sessions: a background app is refused, with the reason.
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("403"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one-line reason: {err}");

    let banner = stop(server);
    assert!(
        banner.contains("First start: 3 sample patients"),
        "{banner}"
    );
    assert!(banner.contains("consumer_secret: "), "{banner}");
    let record = banner
        .split("/records/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("an example record in the banner")
        .to_owned();

    let password = banner
        .split("password: ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("the demo password in the banner")
        .to_owned();

    // Restart on the same data, without --demo: no second first start, data still there,
    // and the demo account and app made before are still there (but no secret is printed).
    let server = start(data.path(), port, false);
    demo_login_works_in_the_web_ui(&url, &password);
    // The banner's "try:" command, run as printed (it names this data directory and,
    // since --bind moved the server off the configured URL, the URL).
    let try_line = banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("try:"))
        .expect("a try: line in the banner");
    let mut args: Vec<&str> = try_line.split_whitespace().collect();
    assert_eq!(args.remove(0), "smart", "{try_line}");
    assert!(try_line.contains(&format!("--url {url}")), "{try_line}");
    assert!(
        try_line.contains(&format!("--data-dir {dir}")),
        "{try_line}"
    );
    assert!(
        try_line.contains(&format!("/records/{record}/medications/")),
        "{try_line}"
    );
    args.push("-i");
    let out = smart(&args);
    let body = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{body}");
    assert!(body.contains("200 OK"), "{body}");
    assert!(body.contains("<rdf:RDF"), "{body}");
    assert!(
        body.contains("sp:Medication") || body.contains("terms#Medication"),
        "{body}"
    );

    // A wrong consumer secret: 401, exit 1, one line.
    let out = smart(&[
        "call",
        "GET",
        &format!("/records/{record}/medications/"),
        "--app",
        "demo-background@apps.smart-rs.local",
        "--consumer-secret",
        "wrong",
        "--url",
        &url,
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401"), "{err}");

    let banner = stop(server);
    assert!(!banner.contains("First start"), "{banner}");
    assert!(!banner.contains("consumer_secret"), "{banner}");
    assert!(!banner.contains("password"), "{banner}");
    assert!(banner.contains("(3 records)"), "{banner}");
}

#[test]
fn serve_creates_no_demo_account_or_app_without_demo() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let server = start(data.path(), port, false);
    // The demo app is not registered: the public app list does not name it.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let apps = runtime.block_on(async {
        reqwest::get(format!("{url}/apps/"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert!(!apps.contains("demo-background"), "{apps}");
    let banner = stop(server);
    assert!(
        banner.contains("First start: 3 sample patients"),
        "{banner}"
    );
    assert!(!banner.contains("demo"), "{banner}");
    assert!(!banner.contains("consumer_secret"), "{banner}");
    assert!(!banner.contains("password"), "{banner}");
    // And the directory has no demo user.
    let out = smart(&["users", "list", "--data-dir", data.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("demo@"));
}

#[test]
fn serve_refuses_a_bad_configuration_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("smart.toml");
    std::fs::write(&config, "[store]\nclinical = \"sparql\"\n").unwrap();
    let out = smart(&["serve", "--config", config.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sparql_url"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
