//! `smart verify`, run as a user would: offline on RDF files, and online against a
//! running container.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn smart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smart"))
        .args(args)
        .output()
        .expect("run smart")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The reference material beside the clone (any ancestor's `shared/`), or `None` after
/// saying so loudly; under `CI=true` its absence fails the test.
fn shared_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            here.ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("spec").is_dir())
        })
        .filter(|d| d.join("data/reference-patients").is_dir());
    if found.is_none() {
        let msg = "REFERENCE MATERIAL MISSING: no shared/data/reference-patients in any \
                   ancestor of the crate; set SMART_SHARED_DIR";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
    }
    found
}

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smart-verify-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write temp file");
    path
}

/// The closing line's counts.
fn counts(text: &str) -> (usize, usize) {
    let last = text.lines().last().unwrap_or_default();
    let mut numbers = last
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().expect("a count"));
    let passed = numbers
        .next()
        .unwrap_or_else(|| panic!("no counts in {last:?}"));
    let failed = numbers
        .next()
        .unwrap_or_else(|| panic!("no counts in {last:?}"));
    assert!(
        last.ends_with(" failed") && last.contains(" passed, "),
        "closing line: {last:?}"
    );
    (passed, failed)
}

#[test]
fn reference_patients_pass_lenient_and_the_vitals_patient_fails_strict() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("data/reference-patients");
    let files: Vec<String> = ["99912345.xml", "p1032702.xml", "p1081332.xml"]
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let mut args = vec!["verify", "--lenient", "--file"];
    args.extend(files.iter().map(String::as_str));
    let o = smart(&args);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}{}", stderr(&o));
    assert_eq!(counts(&text), (3, 0), "{text}");
    for f in &files {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("PASS {f}: valid (lenient)"))),
            "{text}"
        );
    }

    // Strict by default: the vitals patient's documents have no sp:resource.
    let o = smart(&["verify", "--file", &files[0]]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert_eq!(counts(&text), (0, 1), "{text}");
    let line = text.lines().next().unwrap_or_default();
    assert!(line.starts_with(&format!("FAIL {}: ", files[0])), "{line}");
    assert!(
        line.contains("(strict)") && line.contains("sp:resource"),
        "{line}"
    );
}

const PROBLEM: &str = r#"@prefix sp: <http://smartplatforms.org/terms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://example.org/records/1> a sp:MedicalRecord .
[] a sp:Problem ; sp:belongsTo <http://example.org/records/1> ;
   sp:startDate "2010-03-04" ;
   sp:problemName [ a sp:CodedValue ; dcterms:title "Essential hypertension" ;
     sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/59621000> ] .
<http://purl.bioontology.org/ontology/SNOMEDCT/59621000> a sp:Code, <http://smartplatforms.org/terms/codes/SNOMED> ;
   dcterms:title "Essential hypertension" ; dcterms:identifier "59621000" ;
   sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
"#;

#[test]
fn broken_files_fail_naming_the_problem_and_good_ones_still_pass() {
    let good = temp_file("good.ttl", PROBLEM.as_bytes());
    let no_date = temp_file(
        "no-date.ttl",
        PROBLEM
            .replace("sp:startDate \"2010-03-04\" ;", "")
            .as_bytes(),
    );
    let bad_code = temp_file(
        "bad-code.ttl",
        PROBLEM
            .replace("SNOMEDCT/59621000", "RXNORM/59621000")
            .replace("SNOMEDCT/\"", "RXNORM/\"")
            .as_bytes(),
    );
    let description_root = temp_file(
        "description-root.xml",
        br#"<?xml version="1.0"?>
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:sp="http://smartplatforms.org/terms#" rdf:about="http://example.org/records/1">
  <rdf:type rdf:resource="http://smartplatforms.org/terms#MedicalRecord"/>
</rdf:Description>
"#,
    );
    let truncated = temp_file(
        "truncated.xml",
        br#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns:sp="http://smartplatforms.org/terms#">
  <sp:MedicalRecord rdf:about="http://example.org/records/1"/>
"#,
    );
    let paths = [&good, &no_date, &bad_code, &description_root, &truncated];
    let mut args = vec!["verify", "--file"];
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    args.extend(shown.iter().map(String::as_str));
    let o = smart(&args);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert_eq!(counts(&text), (1, 4), "{text}");
    let line = |p: &str| {
        text.lines()
            .find(|l| l.contains(&format!(" {p}: ")))
            .unwrap_or_else(|| panic!("no line for {p} in {text}"))
            .to_owned()
    };
    assert!(line(&shown[0]).starts_with("PASS "), "{text}");
    let l = line(&shown[1]);
    assert!(l.starts_with("FAIL ") && l.contains("sp:startDate"), "{l}");
    let l = line(&shown[2]);
    assert!(
        l.starts_with("FAIL ") && l.contains("sp:problemName"),
        "{l}"
    );
    let l = line(&shown[3]);
    assert!(
        l.starts_with("FAIL ") && l.contains("rdf:Description"),
        "{l}"
    );
    let l = line(&shown[4]);
    assert!(l.starts_with("FAIL ") && l.contains("truncated"), "{l}");
}

#[test]
fn usage_errors_are_named() {
    let o = smart(&["verify"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("BASE_URL"), "{}", stderr(&o));

    let o = smart(&["verify", "http://127.0.0.1:9"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--consumer-key"), "{}", stderr(&o));

    // A token needs its secret and the record it was issued for.
    let o = smart(&[
        "verify",
        "http://127.0.0.1:9",
        "--consumer-key",
        "k",
        "--consumer-secret",
        "s",
        "--token",
        "t",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--token-secret"), "{}", stderr(&o));
}

#[test]
fn an_unreachable_container_is_a_failure_not_a_pass() {
    // Port 9 (discard) on localhost: nothing listens there on a test machine. The secret
    // starts with `-`, as one in 64 generated (base64url) secrets do: it is a value, not a
    // flag.
    let o = smart(&[
        "verify",
        "http://127.0.0.1:9",
        "--consumer-key",
        "k",
        "--consumer-secret",
        "-xs",
        "--timeout",
        "5",
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert!(text.starts_with("FAIL get_container_manifest: "), "{text}");
    let (passed, failed) = counts(&text);
    assert_eq!(passed, 0, "{text}");
    assert!(failed >= 1, "{text}");
}

// ------------------------------------------------------------------------------------
// Online: our own server, in-process on an ephemeral port, with reference patients and a
// registered background app; `smart verify` runs against it as a separate process.

mod server {
    use std::path::Path;
    use std::sync::Arc;

    use smart_auth::oauth::{HeaderSigner, SignatureMethod};
    use smart_auth::{Secret, Timestamp};
    use smart_core::RecordId;
    use smart_http::{Container, ServerConfig};

    /// A running server and the runtime that drives it.
    pub(crate) struct Server {
        pub(crate) base: String,
        container: Arc<Container>,
        runtime: tokio::runtime::Runtime,
        shutdown: Option<tokio::sync::oneshot::Sender<()>>,
        task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
        _data: tempfile::TempDir,
    }

    impl Server {
        /// Starts the default (embedded) container on 127.0.0.1 with these reference
        /// patients (and their documents) imported.
        pub(crate) fn start(shared: &Path, records: &[&str]) -> Self {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            let data = tempfile::tempdir().expect("temp dir");
            let (base, container, shutdown, task) = runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let addr = listener.local_addr().expect("address");
                let mut config = ServerConfig::for_data_dir(data.path());
                config.public_url = format!("http://{addr}");
                config.bind = addr;
                let container = Arc::new(Container::open(config).await.expect("open container"));
                for record in records {
                    import(&container, shared, record).await;
                }
                let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                let task = tokio::spawn(smart_http::serve(container.clone(), listener, async {
                    let _ = rx.await;
                }));
                (format!("http://{addr}"), container, tx, task)
            });
            Self {
                base,
                container,
                runtime,
                shutdown: Some(shutdown),
                task: Some(task),
                _data: data,
            }
        }

        /// Registers a background app through the admin endpoint; its consumer secret.
        pub(crate) fn register_background_app(&self, id: &str) -> String {
            let manifest = serde_json::json!({
                "name": "smart verify test app",
                "description": "The app `smart verify` signs as in the tests.",
                "id": id,
                "mode": "background",
                "scope": "record",
                "version": "1.0",
            });
            let admin = self.container.admin_credential();
            let url = format!("{}/apps/", self.base);
            let nonce = format!("register-{}-{id}", std::process::id());
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs();
            let header = HeaderSigner::new(
                SignatureMethod::HmacSha1,
                admin.key(),
                &Secret::new(admin.secret().expose()),
            )
            .nonce(&nonce)
            .timestamp(Timestamp::from_unix_secs(
                i64::try_from(now).expect("clock"),
            ))
            .body(manifest.to_string().as_bytes())
            .sign("POST", &url, None)
            .expect("sign");
            let (status, text) = self.runtime.block_on(async {
                let r = reqwest::Client::new()
                    .post(&url)
                    .header("Authorization", header)
                    .header("Content-Type", "application/json")
                    .body(manifest.to_string())
                    .send()
                    .await
                    .expect("register app");
                (r.status().as_u16(), r.text().await.expect("body"))
            });
            assert_eq!(status, 200, "registering {id}: {text}");
            let reply: serde_json::Value = serde_json::from_str(&text).expect("JSON reply");
            reply["consumer_secret"]
                .as_str()
                .expect("consumer_secret")
                .to_owned()
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            if let Some(tx) = self.shutdown.take() {
                let _ = tx.send(());
            }
            if let Some(task) = self.task.take() {
                let container = self.container.clone();
                self.runtime.block_on(async move {
                    let _ = task.await;
                    container.close().await;
                });
            }
        }
    }

    /// Imports a reference patient as `smart import` does: split into statement graphs,
    /// the record registered, its documents stored as blobs.
    async fn import(container: &Container, shared: &Path, record: &str) {
        let dir = shared.join("data/reference-patients");
        let file = [format!("p{record}.xml"), format!("{record}.xml")]
            .into_iter()
            .map(|f| dir.join(f))
            .find(|f| f.is_file())
            .unwrap_or_else(|| panic!("no reference patient {record}"));
        let bytes = std::fs::read(&file).expect("read patient");
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name");
        let id = RecordId::from_file_name(name).expect("record id");
        let graph = smart_rdf::parse(&bytes, smart_rdf::RdfFormat::RdfXml, None).expect("parse");
        let split = smart_rdf::split_record(&graph, &id).expect("split");
        container
            .clinical()
            .replace_record(&split)
            .await
            .expect("store record");
        container
            .directory()
            .upsert_record(&id, "", smart_store::directory::Timestamp::now())
            .await
            .expect("register record");
        let docs = shared.join("data/reference-documents").join(id.as_str());
        let Ok(entries) = std::fs::read_dir(&docs) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            let file_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_owned();
            let media_type = match path.extension().and_then(|e| e.to_str()) {
                Some("txt") => "text/plain",
                Some("pdf") => "application/pdf",
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("png") => "image/png",
                Some("dcm") => "application/dicom",
                _ => "application/octet-stream",
            };
            let content = std::fs::read(&path).expect("read document");
            container
                .blobs()
                .put(&id, &file_name, media_type, &content)
                .await
                .expect("store document");
        }
    }
}

/// The lines of one verdict.
fn lines_of<'a>(text: &'a str, verdict: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{verdict} ")))
        .collect()
}

#[test]
fn our_server_passes_every_check() {
    let Some(shared) = shared_dir() else { return };
    let server = server::Server::start(&shared, &["2169591", "99912345"]);
    let app = "verify@apps.example.org";
    let secret = server.register_background_app(app);

    // The richest record (documents, imaging, photograph, vital signs), then the first
    // record the container hands out. Both runs are made before judging, so a failure
    // shows everything that failed.
    let mut problems = Vec::new();
    for record in [Some("99912345"), None] {
        let mut args = vec![
            "verify",
            &server.base,
            "--consumer-key",
            app,
            "--consumer-secret",
            &secret,
        ];
        if let Some(r) = record {
            args.extend(["--record", r]);
        }
        let o = smart(&args);
        let text = stdout(&o);
        let failures = lines_of(&text, "FAIL");
        if !o.status.success() || !failures.is_empty() {
            problems.push(format!(
                "record {record:?}: exit {:?}, {} FAIL lines:\n{}\n{}",
                o.status.code(),
                failures.len(),
                failures.join("\n"),
                stderr(&o)
            ));
            eprintln!("{text}");
            continue;
        }
        let (passed, failed) = counts(&text);
        assert_eq!(failed, 0, "{text}");
        // The checks that must have run, not been skipped.
        for name in [
            "get_container_manifest",
            "get_ontology",
            "token",
            "get_medications.model",
            "get_medications.summary",
            "get_medication.item",
            "get_vital_sign_sets.paging.limit",
            "get_vital_sign_sets.paging.walk",
            "get_vital_sign_sets.filter.date_from",
            "get_problems.filter.snomed",
            "put_scratchpad_data",
            "scratchpad.roundtrip",
            "oauth.wrong_signature",
            "oauth.replay",
        ] {
            assert!(
                text.lines()
                    .any(|l| l.starts_with(&format!("PASS {name}: "))),
                "record {record:?}: no PASS {name}:\n{text}"
            );
        }
        if record.is_some() {
            for name in [
                "get_document.raw",
                "get_photograph",
                "get_medical_images.model",
            ] {
                assert!(
                    text.lines()
                        .any(|l| l.starts_with(&format!("PASS {name}: "))),
                    "no PASS {name}:\n{text}"
                );
            }
        }
        assert!(passed > 100, "only {passed} checks passed:\n{text}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn a_wrong_consumer_secret_fails() {
    let Some(shared) = shared_dir() else { return };
    let server = server::Server::start(&shared, &["1032702"]);
    let app = "verify-wrong@apps.example.org";
    let secret = server.register_background_app(app);
    let wrong = format!("{secret}x");
    let o = smart(&[
        "verify",
        &server.base,
        "--consumer-key",
        app,
        "--consumer-secret",
        &wrong,
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    // The public calls still pass; the token is refused, and nothing else is claimed.
    assert!(text.contains("PASS get_container_manifest: "), "{text}");
    let token = text
        .lines()
        .find(|l| l.starts_with("FAIL token: "))
        .unwrap_or_else(|| panic!("no FAIL token line:\n{text}"));
    assert!(token.contains("401"), "{token}");
    assert!(!text.contains("PASS get_medications"), "{text}");
    let (_, failed) = counts(&text);
    assert!(failed >= 2, "{text}");
}
