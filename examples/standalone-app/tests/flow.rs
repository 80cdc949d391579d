//! The standalone app against a real container: launched with a record, it runs the
//! three-legged flow through the container's approval page (a user signs in and approves,
//! as a browser would: cookies, forms, redirects) and shows that record's medications.

use example_standalone_app::{AppConfig, drug_names, patient_name};
use smart_auth::{MachineCredential, Secret};
use smart_core::RecordId;
use smart_core::manifest::AppManifest;
use smart_http::Container;
use smart_http::config::ServerConfig;
use smart_store::blobs::MemoryBlobs;
use smart_store::clinical::MemoryClinicalStore;
use smart_store::directory::MemoryDirectory;
use smart_store::import::{self, MemoryDocuments, Validation};
use std::sync::Arc;

const USER: &str = "pat@example.org";
const PASSWORD: &str = "a long enough test password";

/// A container with two generated patients and a user, and the app registered and
/// served: (container base, app base, the two patients' (record id, name, drug names)).
struct World {
    container: String,
    app: String,
    patients: Vec<(String, String, Vec<String>)>,
    stop: Vec<tokio::sync::oneshot::Sender<()>>,
}

async fn world() -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_addr = app_listener.local_addr().unwrap();
    let mut config = ServerConfig::default();
    config.public_url = format!("http://{addr}");
    config.ui.consumer_secret = Some("a test UI secret of 32 bytes or more".to_owned());
    let service = Arc::new(
        smart_store::Container::from_parts(
            config.container_config(),
            Arc::new(MemoryClinicalStore::in_memory().unwrap()),
            Arc::new(MemoryDirectory::new()),
            Arc::new(MemoryBlobs::new()),
            MachineCredential::new("admin", Secret::new("a test admin secret, long enough"))
                .unwrap(),
        )
        .unwrap(),
    );
    let container = Arc::new(Container::with_service(service, config));

    let generator = smart_samples::Generator::new(5);
    let mut patients = Vec::new();
    for i in 0..2 {
        let patient = generator.generate_patient(i);
        let mut documents = MemoryDocuments::new();
        for d in &patient.documents {
            documents.insert(
                d.file_name.clone(),
                Some(d.content_type.to_owned()),
                d.bytes.clone(),
            );
        }
        let record = RecordId::new(&patient.record_id).unwrap();
        let prepared =
            import::prepare(&patient.graph, record, Validation::Strict, &documents).unwrap();
        import::commit(
            container.clinical().as_ref(),
            container.directory().as_ref(),
            container.blobs().as_ref(),
            &prepared,
        )
        .await
        .unwrap();
        let mut drugs = drug_names(&patient.graph);
        drugs.sort();
        patients.push((
            patient.record_id.clone(),
            patient_name(&patient.graph).unwrap(),
            drugs,
        ));
    }

    let admin = container.local_admin().await.unwrap();
    container
        .provider()
        .create_account(&admin, USER, Some(PASSWORD), false)
        .await
        .unwrap();
    // The example's manifest, pointed at where this test serves the app.
    let mut manifest: serde_json::Value =
        serde_json::from_str(include_str!("../manifest.json")).unwrap();
    let app_base = format!("http://{app_addr}");
    manifest["index"] = format!("{app_base}/").into();
    manifest["oauth_callback"] = format!("{app_base}/callback").into();
    manifest["icon"] = format!("{app_base}/icon.png").into();
    let manifest = AppManifest::from_json(&manifest.to_string()).unwrap();
    let app_id = manifest.id.clone();
    let creds = container
        .provider()
        .register_app(&admin, manifest)
        .await
        .unwrap();

    let (stop_container, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(smart_http::serve(container, listener, async move {
        let _ = stopped.await;
    }));
    let app = example_standalone_app::router(AppConfig {
        container: format!("http://{addr}"),
        app_id: app_id.to_string(),
        consumer_secret: creds.consumer_secret.expose().to_owned(),
    });
    let (stop_app, app_stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(app_listener, app)
            .with_graceful_shutdown(async move {
                let _ = app_stopped.await;
            })
            .await
    });
    World {
        container: format!("http://{addr}"),
        app: app_base,
        patients,
        stop: vec![stop_container, stop_app],
    }
}

/// A browser: cookies kept, redirects followed by hand so each hop can be checked.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the form field `name` in a page (hidden inputs), HTML entities decoded.
fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name} in {html}"));
    let tag_end = at + html[at..].find('>').unwrap();
    let value_at = html[at..tag_end]
        .find("value=\"")
        .map(|v| at + v + 7)
        .unwrap_or_else(|| panic!("field {name} has no value"));
    let value = &html[value_at..value_at + html[value_at..].find('"').unwrap()];
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Follows one redirect: the `Location` of a 3xx answer, made absolute.
fn location(answer: &reqwest::Response, base: &str) -> String {
    assert!(
        answer.status().is_redirection(),
        "expected a redirect, got {} for {}",
        answer.status(),
        answer.url()
    );
    let to = answer.headers()["location"].to_str().unwrap();
    if to.starts_with("http") {
        to.to_owned()
    } else {
        format!("{base}{to}")
    }
}

/// Launches the app on `record` and signs in at the container: the approval page's URL
/// and its HTML.
async fn launch_and_sign_in(w: &World, b: &reqwest::Client, record: &str) -> (String, String) {
    let launch = format!(
        "{}/?record_id={record}&api_base={}",
        w.app,
        w.container.replace(':', "%3A").replace('/', "%2F")
    );
    let answer = b.get(&launch).send().await.unwrap();
    let authorize = location(&answer, &w.app);
    assert!(
        authorize.starts_with(&format!("{}/oauth/authorize?oauth_token=", w.container)),
        "{authorize}"
    );
    // Not signed in: the container asks for a login, then comes back.
    let answer = b.get(&authorize).send().await.unwrap();
    let login = location(&answer, &w.container);
    assert!(login.contains("/login"), "{login}");
    let page = b.get(&login).send().await.unwrap().text().await.unwrap();
    let answer = b
        .post(format!("{}/login", w.container))
        .form(&[
            ("username", USER),
            ("password", PASSWORD),
            ("csrf", &field(&page, "csrf")),
            ("next", &field(&page, "next")),
        ])
        .send()
        .await
        .unwrap();
    let back = location(&answer, &w.container);
    assert_eq!(back, authorize, "back to the approval page after login");
    let answer = b.get(&back).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    (back, answer.text().await.unwrap())
}

async fn decide(w: &World, b: &reqwest::Client, page: &str, decision: &str) -> String {
    let answer = b
        .post(format!("{}/oauth/authorize", w.container))
        .form(&[
            ("csrf", field(page, "csrf")),
            ("oauth_token", field(page, "oauth_token")),
            ("decision", decision.to_owned()),
        ])
        .send()
        .await
        .unwrap();
    let callback = location(&answer, &w.container);
    assert!(
        callback.starts_with(&format!("{}/callback?", w.app)),
        "the manifest's callback: {callback}"
    );
    let answer = b.get(&callback).send().await.unwrap();
    assert_eq!(answer.status(), 200, "{callback}");
    answer.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_launch_shows_the_records_medications() {
    let w = world().await;
    let b = browser();
    let (record, name, drugs) = w.patients[0].clone();
    let (_, page) = launch_and_sign_in(&w, &b, &record).await;
    assert!(page.contains(&name), "the approval page names the patient");
    let shown = decide(&w, &b, &page, "approve").await;
    assert!(shown.contains(&name), "{shown}");
    assert!(!drugs.is_empty(), "the generated patient takes medications");
    for drug in &drugs {
        let escaped = drug.replace('&', "&amp;").replace('<', "&lt;");
        assert!(shown.contains(&escaped), "{drug} missing from {shown}");
    }
    // Only this record: the other patient's medications that this one does not take are
    // not shown.
    let (_, other_name, other_drugs) = &w.patients[1];
    assert!(!shown.contains(other_name.as_str()));
    for drug in other_drugs.iter().filter(|d| !drugs.contains(d)) {
        assert!(!shown.contains(drug.as_str()), "{drug} of the other record");
    }
    for s in w.stop {
        let _ = s.send(());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_launch_reads_nothing() {
    let w = world().await;
    let b = browser();
    let (record, name, drugs) = w.patients[1].clone();
    let (_, page) = launch_and_sign_in(&w, &b, &record).await;
    let shown = decide(&w, &b, &page, "deny").await;
    assert!(shown.contains("You declined"), "{shown}");
    assert!(!shown.contains(&name));
    for drug in &drugs {
        assert!(!shown.contains(drug.as_str()));
    }
    // Without a record the app sends the browser to the container's record picker.
    let answer = b.get(format!("{}/", w.app)).send().await.unwrap();
    let picker = location(&answer, &w.app);
    assert!(
        picker.starts_with(&format!(
            "{}/apps/med-list%40apps.smart-rs.local/launch",
            w.container
        )) || picker.starts_with(&format!(
            "{}/apps/med-list@apps.smart-rs.local/launch",
            w.container
        )),
        "{picker}"
    );
    for s in w.stop {
        let _ = s.send(());
    }
}
