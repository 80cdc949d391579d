//! The container commands run as a user would: `import`, `apps`, `users`, `records`,
//! `export`, `tokens cleanup` and `reset`, each with bad input (a clear message, exit
//! status 1, nothing stored, checked by listing afterwards).

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// A scratch data directory and a working directory for one test.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).expect("write");
        p
    }

    /// Runs `smart --data-dir <data> args...` with a clean environment.
    fn run_with(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut cmd = Command::cargo_bin("smart").expect("smart binary");
        for (k, _) in std::env::vars() {
            if k.starts_with("SMART_") && k != "SMART_SHARED_DIR" {
                cmd.env_remove(k);
            }
        }
        cmd.current_dir(self.dir.path())
            .arg("--data-dir")
            .arg(self.data())
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("run smart")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, b"")
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "smart {args:?} failed: {}\n{}",
            stderr(&o),
            stdout(&o)
        );
        stdout(&o)
    }

    /// Runs and expects exit status 1; returns stdout + stderr.
    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(1),
            "smart {args:?} should fail: {}",
            stdout(&o)
        );
        format!("{}{}", stdout(&o), stderr(&o))
    }

    fn record_count(&self) -> usize {
        let out = self.ok(&["records", "list", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        v.as_array().expect("array").len()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `shared/` with the reference data, or `None` after saying so (a failure under CI=true).
fn shared_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("SMART_SHARED_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            here.ancestors()
                .map(|a| a.join("shared"))
                .find(|d| d.join("spec").is_dir())
        });
    match dir {
        Some(d) if d.join("data/reference-patients/99912345.xml").is_file() => Some(d),
        _ => {
            let msg =
                "the reference patients (shared/data) are not available; set SMART_SHARED_DIR";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}");
            }
            eprintln!("!!!!! {msg}; SKIPPING this test !!!!!");
            None
        }
    }
}

/// `smart records show ID --json`.
fn show(env: &Env, id: &str) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["records", "show", id, "--json"])).expect("JSON")
}

#[test]
fn reference_patients_import_with_documents_and_reimport_is_idempotent() {
    let Some(shared) = shared_dir() else { return };
    let env = Env::new();
    let patients = shared.join("data/reference-patients");
    let docs = shared.join("data/reference-documents");
    let files = [
        patients.join("p1032702.xml"),
        patients.join("p1081332.xml"),
        patients.join("99912345.xml"),
    ];
    let mut args = vec!["import", "--lenient", "--documents", s(&docs)];
    args.extend(files.iter().map(|f| s(f)));
    let out = env.ok(&args);
    assert!(out.contains("record 99912345:"), "{out}");
    assert!(out.contains("5 documents, "), "{out}");
    assert!(out.contains("imported 3 patients"), "{out}");
    assert!(out.contains("0 rejected"), "{out}");
    assert_eq!(env.record_count(), 3);
    let before = show(&env, "99912345");
    assert_eq!(before["label"], "Allen Vitalis");
    assert_eq!(before["documents"].as_array().map(Vec::len), Some(5));
    assert!(before["statements"].as_u64().unwrap_or(0) > 100, "{before}");

    // Again: the same records, statements and documents.
    let again = env.ok(&args);
    assert!(again.contains("imported 3 patients"), "{again}");
    assert_eq!(env.record_count(), 3);
    assert_eq!(show(&env, "99912345"), before);
}

#[test]
fn strict_import_refuses_the_original_generators_defects_and_stores_nothing() {
    let Some(shared) = shared_dir() else { return };
    let env = Env::new();
    let file = shared.join("data/reference-patients/99912345.xml");
    let docs = shared.join("data/reference-documents");
    let out = env.fails(&["import", "--documents", s(&docs), s(&file)]);
    assert!(out.contains("REJECTED"), "{out}");
    assert!(out.contains("validation errors"), "{out}");
    assert!(out.contains("known generator defect"), "{out}");
    assert!(out.contains("1 rejected"), "{out}");
    assert_eq!(env.record_count(), 0);
}

#[test]
fn generated_patients_import_strictly_with_their_documents() {
    let env = Env::new();
    let gen_dir = env.path("gen");
    env.ok(&[
        "generate",
        "--patients",
        "4",
        "--seed",
        "3",
        "--out",
        s(&gen_dir),
    ]);
    let out = env.ok(&["import", s(&gen_dir)]);
    assert!(out.contains("imported 4 patients"), "{out}");
    assert_eq!(env.record_count(), 4);
    // Documents come from the record folders beside the files.
    let with_docs: Vec<_> = std::fs::read_dir(&gen_dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    assert!(
        !with_docs.is_empty(),
        "some generated patients have documents"
    );
    let id = with_docs[0]
        .file_name()
        .and_then(|n| n.to_str())
        .expect("id");
    let files = std::fs::read_dir(&with_docs[0]).expect("dir").count();
    let shown = show(&env, id);
    assert_eq!(shown["documents"].as_array().map(Vec::len), Some(files));

    let again = env.ok(&["import", s(&gen_dir)]);
    assert!(again.contains("imported 4 patients"), "{again}");
    assert_eq!(env.record_count(), 4);
    assert_eq!(show(&env, id), shown);

    // A missing document rejects its patient (strict), leaving the others.
    let first_doc = std::fs::read_dir(&with_docs[0])
        .expect("dir")
        .next()
        .expect("a document")
        .expect("entry")
        .path();
    std::fs::remove_file(&first_doc).expect("rm");
    let fresh = Env::new();
    let out = fresh.fails(&["import", s(&gen_dir)]);
    let name = first_doc
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name");
    assert!(
        out.contains(&format!("document {name:?} is missing")),
        "{out}"
    );
    assert!(out.contains("imported 3 patients"), "{out}");
    assert_eq!(fresh.record_count(), 3);
    let missing = fresh.fails(&["records", "show", id]);
    assert!(missing.contains(&format!("no record {id}")), "{missing}");
    // Lenient mode imports it without the document.
    let out = fresh.ok(&["import", "--lenient", s(&gen_dir)]);
    assert!(out.contains("warning: document"), "{out}");
    assert_eq!(fresh.record_count(), 4);
}

#[test]
fn bad_files_are_rejected_with_a_reason_and_never_stop_the_others() {
    let env = Env::new();
    let good = env.write(
        "p42.ttl",
        br#"@prefix sp: <http://smartplatforms.org/terms#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
_:r a sp:MedicalRecord .
_:p a sp:Problem ; sp:belongsTo _:r ; sp:startDate "2010-03-04" ;
   sp:problemName [ a sp:CodedValue ; dcterms:title "Essential hypertension" ;
     sp:code <http://purl.bioontology.org/ontology/SNOMEDCT/59621000> ] .
<http://purl.bioontology.org/ontology/SNOMEDCT/59621000> a sp:Code, <http://smartplatforms.org/terms/codes/SNOMED> ;
   dcterms:title "Essential hypertension" ; dcterms:identifier "59621000" ;
   sp:system "http://purl.bioontology.org/ontology/SNOMEDCT/" .
"#,
    );
    let malformed = env.write("p43.ttl", b"this is not turtle <<<");
    let invalid = env.write(
        "p44.ttl",
        br#"@prefix sp: <http://smartplatforms.org/terms#> .
_:r a sp:MedicalRecord . _:p a sp:Problem ; sp:belongsTo _:r ."#,
    );
    let no_digits = env.write("patient.ttl", b"");
    let unknown_ext = env.write("p45.csv", b"a,b");
    let missing = env.path("p46.xml");
    let out = env.fails(&[
        "import",
        s(&malformed),
        s(&good),
        s(&invalid),
        s(&no_digits),
        s(&unknown_ext),
        s(&missing),
    ]);
    assert!(out.contains("imported 1 patients"), "{out}");
    assert!(out.contains("5 rejected"), "{out}");
    assert!(
        out.contains(&format!("rejected: {}: no such file", missing.display())),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}: REJECTED", malformed.display())),
        "{out}"
    );
    assert!(
        out.contains("sp:problemName") || out.contains("sp:startDate"),
        "{out}"
    );
    assert!(out.contains("the file name has no digits"), "{out}");
    assert!(out.contains("unknown RDF file extension"), "{out}");
    let list = env.ok(&["records", "list"]);
    assert!(list.contains("42"), "{list}");
    assert!(list.contains("1 records"), "{list}");

    // --record-id names one file only; nothing is imported.
    let other = Env::new();
    let msg = other.fails(&["import", "--record-id", "7", s(&good), s(&invalid)]);
    assert!(
        msg.contains("--record-id applies to a single file"),
        "{msg}"
    );
    assert_eq!(other.record_count(), 0);
    other.ok(&["import", "--record-id", "7", s(&good)]);
    assert!(other.ok(&["records", "list"]).contains("7 "));
}

const MANIFEST: &str = r#"{
  "name": "Lab viewer",
  "description": "Shows lab results.",
  "id": "labs@apps.example.org",
  "mode": "ui",
  "scope": "record",
  "index": "https://apps.example.org/labs/index.html",
  "icon": "https://apps.example.org/labs/icon.png",
  "oauth_callback": "https://apps.example.org/labs/after_auth",
  "smart_version": "0.6"
}"#;

fn credentials(out: &str) -> (String, String) {
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} line in {out}"))
            .to_owned()
    };
    (field("consumer_key"), field("consumer_secret"))
}

#[test]
fn apps_register_update_rotate_list_credentials_and_remove() {
    let env = Env::new();
    let manifest = env.write("labs.json", MANIFEST.as_bytes());
    let out = env.ok(&["apps", "register", s(&manifest)]);
    assert!(out.contains("app_id: labs@apps.example.org"), "{out}");
    let (key, secret) = credentials(&out);
    assert_eq!(key, "labs@apps.example.org");
    assert!(secret.len() >= 32, "{secret}");

    // Re-registering updates the manifest and keeps the secret.
    let renamed = env.write(
        "labs2.json",
        MANIFEST.replace("Lab viewer", "Lab viewer 2").as_bytes(),
    );
    let out = env.ok(&["apps", "register", s(&renamed), "--enable-by-default"]);
    assert!(out.contains("status: updated"), "{out}");
    assert_eq!(credentials(&out).1, secret);
    let list = env.ok(&["apps", "list"]);
    assert!(list.contains("Lab viewer 2"), "{list}");
    assert!(list.contains("on by default"), "{list}");
    assert!(list.contains("1 apps"), "{list}");

    let json = env.ok(&["apps", "register", s(&renamed), "--rotate-secret", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let rotated = v["consumer_secret"].as_str().expect("secret").to_owned();
    assert_ne!(rotated, secret);
    assert_eq!(v["enabled_by_default"], true, "kept without a flag");
    let creds = env.ok(&["apps", "credentials", "labs@apps.example.org"]);
    assert_eq!(credentials(&creds), (key, rotated));

    env.ok(&["apps", "remove", "labs@apps.example.org"]);
    assert!(env.ok(&["apps", "list"]).contains("0 apps"));
    let msg = env.fails(&["apps", "remove", "labs@apps.example.org"]);
    assert!(msg.contains("no app labs@apps.example.org"), "{msg}");
    let msg = env.fails(&["apps", "credentials", "nobody@example.org"]);
    assert!(msg.contains("no app nobody@example.org"), "{msg}");
}

#[test]
fn invalid_or_missing_manifests_are_refused_and_nothing_is_stored() {
    let env = Env::new();
    let no_mode = env.write(
        "bad.json",
        MANIFEST.replace(r#""mode": "ui","#, "").as_bytes(),
    );
    let msg = env.fails(&["apps", "register", s(&no_mode)]);
    assert!(msg.contains("mode"), "names the field: {msg}");
    let no_icon = env.write(
        "bad1.json",
        MANIFEST
            .replace(r#""icon": "https://apps.example.org/labs/icon.png","#, "")
            .as_bytes(),
    );
    let msg = env.fails(&["apps", "register", s(&no_icon)]);
    assert!(msg.contains("icon: required"), "names the field: {msg}");
    let bad_callback = env.write(
        "bad2.json",
        MANIFEST
            .replace("https://apps.example.org/labs/after_auth", "not a url")
            .as_bytes(),
    );
    let msg = env.fails(&["apps", "register", s(&bad_callback)]);
    assert!(msg.contains("oauth_callback"), "names the field: {msg}");
    let not_json = env.write("bad3.json", b"{ nope");
    let msg = env.fails(&["apps", "register", s(&not_json)]);
    assert!(msg.contains("not a valid app manifest"), "{msg}");
    let msg = env.fails(&["apps", "register", s(&env.path("absent.json"))]);
    assert!(msg.contains("cannot read"), "{msg}");
    let msg = env.fails(&["apps", "register", "https://apps.example.org/manifest.json"]);
    assert!(msg.contains("https manifests are not supported"), "{msg}");
    assert!(env.ok(&["apps", "list"]).contains("0 apps"));
}

#[test]
fn users_create_list_passwd_disable_and_the_server_login_accepts_them() {
    let env = Env::new();
    let out = env.run_with(
        &[
            "users",
            "create",
            "Alice@Example.org",
            "--password-stdin",
            "--admin",
            "--given-name",
            "Alice",
            "--family-name",
            "Liddell",
        ],
        b"correct horse battery staple\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    env.ok(&["users", "create", "bob@example.org"]);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["users", "list", "--json"])).expect("JSON");
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 2);
    let alice = list
        .iter()
        .find(|a| a["email"] == "alice@example.org")
        .expect("alice");
    assert_eq!(alice["admin"], true);
    assert_eq!(alice["state"], "active");
    assert_eq!(alice["given_name"], "Alice");
    let bob = list
        .iter()
        .find(|a| a["email"] == "bob@example.org")
        .expect("bob");
    assert_eq!(bob["admin"], false);
    assert_eq!(bob["state"], "uninitialized");

    // Bad input: duplicate, weak password, unknown user; nothing changes.
    let msg = env.fails(&[
        "users",
        "create",
        "alice@example.org",
        "--password",
        "another long password",
    ]);
    assert!(msg.contains("exists already"), "{msg}");
    // A password given as an argument is warned about (the process list, the history).
    assert!(msg.contains("warning: --password"), "{msg}");
    let msg = env.fails(&["users", "create", "carol@example.org", "--password", "x"]);
    assert!(msg.to_lowercase().contains("password"), "{msg}");
    let msg = env.fails(&[
        "users",
        "passwd",
        "nobody@example.org",
        "--password",
        "a fine long password",
    ]);
    assert!(msg.contains("no account nobody@example.org"), "{msg}");
    let msg = env.fails(&["users", "create", "not an email!"]);
    assert!(msg.contains("bad e-mail address"), "{msg}");
    assert!(env.ok(&["users", "list"]).contains("2 accounts"));

    env.ok(&[
        "users",
        "passwd",
        "bob@example.org",
        "--password",
        "bob's long password",
    ]);
    assert!(login(&env, "bob@example.org", "bob's long password"));
    assert!(login(
        &env,
        "alice@example.org",
        "correct horse battery staple"
    ));
    assert!(!login(&env, "alice@example.org", "wrong password!!"));
    env.ok(&["users", "disable", "alice@example.org"]);
    assert!(!login(
        &env,
        "alice@example.org",
        "correct horse battery staple"
    ));
    let list = env.ok(&["users", "list"]);
    assert!(list.contains("disabled"), "{list}");
    env.ok(&["users", "enable", "alice@example.org"]);
    assert!(login(
        &env,
        "alice@example.org",
        "correct horse battery staple"
    ));
}

/// Logs in through the server's own provider on the data directory.
fn login(env: &Env, email: &str, password: &str) -> bool {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let c = smart_http::Container::open(smart_http::ServerConfig::for_data_dir(env.data()))
            .await
            .expect("open container");
        let p = c.provider();
        let ok = p.login(&p.internal_ui(), email, password).await.is_ok();
        c.close().await;
        ok
    })
}

#[test]
fn records_show_delete_and_export_round_trip() {
    let env = Env::new();
    let gen_dir = env.path("gen");
    env.ok(&[
        "generate",
        "--patients",
        "2",
        "--seed",
        "9",
        "--out",
        s(&gen_dir),
    ]);
    env.ok(&["import", s(&gen_dir)]);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["records", "list", "--json"])).expect("JSON");
    let ids: Vec<String> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    let shown = show(&env, &ids[0]);

    // Export with public IRIs, then import the export elsewhere: the same record.
    let out = env.path("export.ttl");
    env.ok(&["export", &ids[0], "--format", "turtle", "--out", s(&out)]);
    // A patient record: readable by this user only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out)
            .expect("export")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "export mode {mode:o}");
    }
    let text = std::fs::read_to_string(&out).expect("export");
    assert!(
        text.contains(&format!("http://127.0.0.1:7000/records/{}", ids[0])),
        "public IRIs"
    );
    assert!(!text.contains("smart-rs.invalid"), "no storage IRIs leak");
    let nt = env.ok(&["export", &ids[0], "--format", "ntriples"]);
    assert!(nt.lines().count() > 50);
    let other = Env::new();
    let docs = gen_dir.clone();
    other.ok(&[
        "import",
        "--record-id",
        &ids[0],
        "--documents",
        s(&docs),
        s(&out),
    ]);
    let reimported = show(&other, &ids[0]);
    assert_eq!(reimported["statements"], shown["statements"]);
    assert_eq!(reimported["classes"], shown["classes"]);
    // And the export of the export's import is the same graph.
    let again = other.path("again.nt");
    other.ok(&[
        "export",
        &ids[0],
        "--format",
        "ntriples",
        "--out",
        s(&again),
    ]);
    let mut a: Vec<_> = nt.lines().map(str::to_owned).collect();
    let mut b: Vec<_> = std::fs::read_to_string(&again)
        .expect("read")
        .lines()
        .map(str::to_owned)
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a.len(), b.len());

    // Unknown records.
    let msg = env.fails(&["records", "show", "999"]);
    assert!(msg.contains("no record 999"), "{msg}");
    let msg = env.fails(&["export", "999"]);
    assert!(msg.contains("no record 999"), "{msg}");
    let msg = env.fails(&["records", "delete", "999"]);
    assert!(msg.contains("no record 999"), "{msg}");
    let msg = env.fails(&["records", "show", "../x"]);
    assert!(msg.contains("bad record id"), "{msg}");
    assert_eq!(env.record_count(), 2);

    let out = env.ok(&["records", "delete", &ids[0]]);
    assert!(out.contains(&format!("deleted record {}", ids[0])), "{out}");
    assert_eq!(env.record_count(), 1);
    let msg = env.fails(&["records", "show", &ids[0]]);
    assert!(msg.contains("no record"), "{msg}");
}

#[test]
fn tokens_cleanup_removes_expired_tokens() {
    let env = Env::new();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        use smart_store::directory::{OAuthToken, Timestamp, TokenKind};
        let c = smart_http::Container::open(smart_http::ServerConfig::for_data_dir(env.data()))
            .await
            .expect("open");
        let long_ago = Timestamp::EPOCH;
        let expired = OAuthToken::new(
            "old-token",
            "secret",
            TokenKind::Session,
            None,
            long_ago,
            long_ago.saturating_add(std::time::Duration::from_secs(60)),
        );
        c.directory().insert_token(expired).await.expect("insert");
        c.close().await;
    });
    let out = env.ok(&["tokens", "cleanup"]);
    assert!(out.contains("removed 1 expired tokens"), "{out}");
    let out = env.ok(&["tokens", "cleanup"]);
    assert!(out.contains("removed 0 expired tokens"), "{out}");
}

#[test]
fn reset_needs_confirmation_and_only_wipes_a_data_directory() {
    let env = Env::new();
    let gen_dir = env.path("gen");
    env.ok(&["generate", "--patients", "1", "--out", s(&gen_dir)]);
    env.ok(&["import", s(&gen_dir)]);
    let msg = env.fails(&["reset"]);
    assert!(msg.contains("without --yes"), "{msg}");
    assert_eq!(env.record_count(), 1);
    env.ok(&["reset", "--yes"]);
    assert!(!env.data().exists(), "the data directory is gone");
    assert_eq!(env.record_count(), 0);

    // A directory that is not a data directory is left alone.
    let other = tempfile::tempdir().expect("tempdir");
    std::fs::write(other.path().join("precious.txt"), b"keep").expect("write");
    let o = Command::cargo_bin("smart")
        .expect("bin")
        .args(["--data-dir", s(other.path()), "reset", "--yes"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does not look like a smart data directory"));
    assert!(other.path().join("precious.txt").exists());
}

#[test]
fn help_describes_every_command() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    for command in [
        "import", "apps", "users", "records", "export", "tokens", "reset",
    ] {
        assert!(help.contains(command), "{command} in {help}");
    }
    let import_help = env.ok(&["import", "--help"]);
    assert!(import_help.contains("--documents"), "{import_help}");
    assert!(import_help.contains("--lenient"), "{import_help}");
    assert!(import_help.contains("--data-dir"), "{import_help}");
}

#[test]
fn a_top_level_name_in_the_config_file_is_read_with_a_warning() {
    let env = Env::new();
    // Written before `[branding]` existed: still read, as `[branding] name`.
    let config = env.write("old.toml", b"name = \"Old EHR\"\n");
    let o = env.run(&["--config", s(&config), "records", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning:"), "{err}");
    assert!(err.contains("old.toml"), "{err}");
    assert!(err.contains("top-level `name` key is deprecated"), "{err}");
    // No warning for the current form.
    let config = env.write("new.toml", b"[branding]\nname = \"New EHR\"\n");
    let o = env.run(&["--config", s(&config), "records", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}
