//! `smart audit`: the access log a container wrote, read back with every filter, as text
//! and JSON, with clear refusals of bad options.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use smart_core::catalog::CallId;
use smart_store::container::CallRequest;
use smart_store::directory::{AccessEntry, AccessResult, AppId, Timestamp, UserId};

fn smart(data: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("smart").expect("smart binary");
    for (k, _) in std::env::vars() {
        if k.starts_with("SMART_") {
            cmd.env_remove(k);
        }
    }
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run smart")
}

fn ok(data: &Path, args: &[&str]) -> String {
    let o = smart(data, args);
    assert!(
        o.status.success(),
        "smart {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(data: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str::<serde_json::Value>(&ok(data, &all))
        .expect("JSON")
        .as_array()
        .expect("an array")
        .clone()
}

fn entry(
    secs: i64,
    user: Option<&str>,
    app: &str,
    rec: &str,
    call: CallId,
    r: AccessResult,
) -> AccessEntry {
    AccessEntry::new(
        Timestamp::from_unix_secs(secs),
        user.map(|u| UserId::new(u).unwrap()),
        Some(AppId::new(app).unwrap()),
        Some(smart_core::RecordId::new(rec).unwrap()),
        call,
        r,
    )
}

/// A data directory whose access log holds a call the container ran (and logged through
/// its buffer, flushed on close) and a few entries with known times.
fn data_dir_with_a_log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let config = smart_http::ServerConfig::for_data_dir(dir.path());
        let c = smart_http::Container::open(config).await.unwrap();
        // A real call, logged by the container as it runs.
        let admin = c.local_admin().await.unwrap();
        let request = CallRequest::new(CallId::GetAppManifests, "/apps/manifests/").unwrap();
        c.execute(Some(&admin), request).await.unwrap();
        c.directory()
            .append_access(&[
                entry(
                    1_700_000_000,
                    Some("ann@x.org"),
                    "a@apps",
                    "1",
                    CallId::GetMedications,
                    AccessResult::Ok,
                ),
                entry(
                    1_700_000_060,
                    Some("ben@x.org"),
                    "a@apps",
                    "2",
                    CallId::GetProblems,
                    AccessResult::Denied,
                ),
                entry(
                    1_700_086_400,
                    None,
                    "bg@apps",
                    "1",
                    CallId::GetDemographics,
                    AccessResult::Ok,
                ),
            ])
            .await
            .unwrap();
        c.close().await;
    });
    dir
}

#[test]
fn audit_prints_the_log_newest_first_with_every_filter() {
    let dir = data_dir_with_a_log();
    let data = dir.path();

    let all = json(data, &["audit"]);
    assert_eq!(all.len(), 4, "{all:?}");
    // The container's own call is the newest (it ran now), then the others by time.
    assert_eq!(all[0]["call"], "get_app_manifests");
    assert_eq!(all[0]["result"], "ok");
    assert_eq!(all[1]["call"], "get_demographics");
    assert_eq!(all[1]["user"], serde_json::Value::Null);
    assert_eq!(all[1]["at"], "2023-11-15T22:13:20Z");
    assert_eq!(all[3]["user"], "ann@x.org");

    let text = ok(data, &["audit"]);
    assert!(text.contains("2023-11-14T22:14:20Z  denied"), "{text}");
    assert!(text.trim_end().ends_with("4 entries"), "{text}");

    let calls = |args: &[&str]| -> Vec<String> {
        json(data, args)
            .iter()
            .map(|e| e["call"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(calls(&["audit", "--user", "BEN@x.org"]), ["get_problems"]);
    assert_eq!(calls(&["audit", "--app", "bg@apps"]), ["get_demographics"]);
    assert_eq!(
        calls(&["audit", "--record", "1"]),
        ["get_demographics", "get_medications"]
    );
    assert_eq!(
        calls(&["audit", "--call", "get_medications"]),
        ["get_medications"]
    );
    assert_eq!(calls(&["audit", "--result", "denied"]), ["get_problems"]);
    assert_eq!(
        calls(&[
            "audit",
            "--since",
            "2023-11-14T22:14:00Z",
            "--until",
            "2023-11-15"
        ]),
        ["get_problems"]
    );
    assert_eq!(calls(&["audit", "--since", "1h"]), ["get_app_manifests"]);
    let page = ok(data, &["audit", "--limit", "2"]);
    assert!(page.contains("2 entries (more: --offset 2)"), "{page}");
    assert_eq!(
        calls(&["audit", "--limit", "2", "--offset", "2"]),
        ["get_problems", "get_medications"]
    );
}

#[test]
fn audit_refuses_bad_filters_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (vec!["audit", "--call", "get_everything"], "no such call"),
        (vec!["audit", "--result", "maybe"], "expected ok, denied"),
        (vec!["audit", "--since", "yesterday"], "--since"),
        (vec!["audit", "--user", "not an email"], "--user"),
    ] {
        let o = smart(dir.path(), &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // Refused before the data directory is touched.
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}
