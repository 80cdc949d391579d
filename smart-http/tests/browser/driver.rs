//! Headless Chromium through chromedriver: found on the machine (skipped with a message
//! when missing, a failure under `CI=true`), started on a free port, reached with
//! fantoccini over plain http, and stopped again (session, chromedriver, and any browser
//! process left under this run's own profile directory).

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a test waits for something the page should do soon. Only an upper bound: a
/// passing step goes on at once, but a loaded 2-core machine building other crates has
/// been seen to take over 10 s for an app's first API call.
pub const PATIENCE: Duration = Duration::from_secs(30);
/// chromium and chromedriver, when both are installed.
pub fn find_binaries() -> Option<(PathBuf, PathBuf)> {
    let pick = |env: &str, candidates: &[&str]| -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(env).map(PathBuf::from) {
            return p.is_file().then_some(p);
        }
        candidates.iter().map(PathBuf::from).find(|p| p.is_file())
    };
    let chromium = pick(
        "SMART_TEST_CHROMIUM",
        &[
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ],
    );
    let driver = pick("SMART_TEST_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            let msg = "chromium and chromedriver are not both installed \
                       (apt-get install chromium chromium-driver)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}");
            }
            eprintln!("!!!!! {msg}; SKIPPING the browser tests !!!!!");
            None
        }
    }
}

/// A running chromedriver with one browser session.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: tempfile::TempDir,
    screenshots: PathBuf,
    shot: std::sync::atomic::AtomicUsize,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless session (1280×800).
    pub async fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let http = reqwest::Client::new();
        loop {
            if http
                .get(format!("{url}/status"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            if Instant::now() > deadline {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not answer on {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("unhandledPromptBehavior".into(), json!("accept"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--no-default-browser-check",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--password-store=basic",
                    "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = match ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&url)
            .await
        {
            Ok(c) => c,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("no WebDriver session: {e}");
            }
        };
        let screenshots = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .join("target/ui-screenshots");
        std::fs::create_dir_all(&screenshots).unwrap();
        Browser {
            client,
            driver,
            profile,
            screenshots,
            shot: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Ends the session and stops chromedriver.
    pub async fn stop(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        self.kill_all();
    }

    fn kill_all(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // A browser chromedriver failed to close: found by this run's own profile path.
        let marker = format!("--user-data-dir={}", self.profile.path().display());
        if let Ok(dir) = std::fs::read_dir("/proc") {
            for entry in dir.flatten() {
                let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                    continue;
                };
                let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
                let cmdline = String::from_utf8_lossy(&cmdline);
                if cmdline.split('\0').any(|a| a == marker) {
                    let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
                }
            }
        }
    }

    /// Saves a screenshot under target/ui-screenshots/ and prints its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let n = self.shot.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let path = self.screenshots.join(format!("{n:02}-{name}.png"));
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(&path, png).unwrap();
        println!("screenshot: {}", path.display());
        path
    }

    /// Runs a script in the current frame; its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs an asynchronous script (the last argument is its callback).
    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("async script failed: {e}\n{script}"))
    }

    /// Waits for an element of the current frame (at most [`PATIENCE`]).
    pub async fn wait_css(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Waits until `script` (in the current frame) returns true.
    pub async fn wait_js(&self, what: &str, script: &str, args: Vec<Value>) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if self.js(script, args.clone()).await == json!(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Enters the frame of the app instance `uuid` (from the top page).
    pub async fn enter_app(&self, uuid: &str) {
        self.leave_frame().await;
        let frame = self
            .wait_css(&format!("iframe[data-uuid=\"{uuid}\"]"))
            .await;
        frame.enter_frame().await.expect("enter the app frame");
    }

    /// Back to the top page (the tests enter one level of frames at most; the parent of
    /// the top page is the top page).
    pub async fn leave_frame(&self) {
        let _ = self.client.enter_parent_frame().await;
        let _ = self.client.enter_parent_frame().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.kill_all();
    }
}
