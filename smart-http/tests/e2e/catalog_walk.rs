//! Walks `smart_core::catalog::CALLS` and fails if any of the 47 calls has no working
//! route: each path is expanded with real ids (a record that has data of the call's
//! class, an item id taken from its collection, the app, a user created through the
//! provider), called by the principal the access policy names, and must answer with the
//! expected kind of response.

use crate::common::*;
use smart_core::catalog::{self, ApiCall, CALLS, CallCardinality, Category, HttpMethod};
use smart_core::sp;
use std::collections::{BTreeMap, BTreeSet};

/// A record whose source has statements of `class`.
fn record_for(class: &str) -> &'static str {
    match class {
        sp!("Allergy") => "8888802",
        sp!("FamilyHistory") => "613876",
        sp!("Fulfillment") | sp!("Medication") | sp!("SocialHistory") => "967332",
        sp!("LabResult") => "1796238",
        sp!("LabPanel") => LAB_PANEL_RECORD,
        _ => "99912345",
    }
}

/// The id (last path segment) of the first item of `call`'s collection for `record`.
async fn item_id(server: &TestServer, token: &Creds, call: &ApiCall, record: &str) -> String {
    let collection = catalog::calls_for_target(call.target)
        .find(|c| c.cardinality == CallCardinality::Multiple && c.method == HttpMethod::Get)
        .unwrap_or_else(|| panic!("no collection call for {}", call.name));
    let path = collection.expand_path(&[("record_id", record)]).unwrap();
    let graph = rdf_ok(server.get(token, &path).await).await;
    let prefix = format!("{}{path}", server.base);
    let mut ids: Vec<String> = typed(&graph, call.target)
        .iter()
        .filter_map(|s| match s {
            oxrdf::NamedOrBlankNode::NamedNode(n) => {
                n.as_str().strip_prefix(&prefix).map(str::to_owned)
            }
            _ => None,
        })
        .collect();
    ids.sort();
    ids.into_iter()
        .next()
        .unwrap_or_else(|| panic!("{path} has no {} item", call.target))
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_catalog_call_has_a_working_route() {
    let Some(shared) = shared_dir() else { return };
    assert_eq!(
        CALLS.len(),
        47,
        "the catalog has the 47 calls of the 2014 ontology"
    );
    let server = TestServer::start(Backend::Memory).await;
    server
        .import_reference(
            &shared,
            &["99912345", "8888802", "613876", "967332", "1796238"],
        )
        .await;
    server.import_lab_panel_record().await;
    let bg = server.background_app("walk-bg@apps.example.org").await;
    let ui_app = server.ui_app("walk-ui@apps.example.org").await;
    let user = "walker@example.org";
    server.create_user(user).await;
    let session = server.login(user).await;
    let (user_token, _) = server.three_legged(&ui_app, &session, "99912345").await;
    let admin = server.admin();
    let mut tokens: BTreeMap<&str, Creds> = BTreeMap::new();
    for r in [
        "99912345",
        "8888802",
        "613876",
        "967332",
        "1796238",
        LAB_PANEL_RECORD,
    ] {
        tokens.insert(r, server.background_token(&bg, r).await);
    }

    let mut covered: BTreeSet<&str> = BTreeSet::new();
    for call in CALLS {
        let what = format!("{} {} {}", call.name, call.method.as_str(), call.path);
        match call.category {
            Category::Container => {
                let (creds, path) = match call.name {
                    "get_container_manifest" | "get_ontology" => (None, call.path.to_owned()),
                    "get_app_manifests" => (Some(&admin), call.path.to_owned()),
                    "get_app_manifest" => (
                        Some(&admin),
                        call.expand_path(&[("descriptor", &ui_app.key)]).unwrap(),
                    ),
                    "search_records" => (Some(&session), call.path.to_owned()),
                    "search_users" => (Some(&session), call.path.to_owned()),
                    "get_user" => (
                        Some(&session),
                        call.expand_path(&[("user_id", user)]).unwrap(),
                    ),
                    other => panic!("unexpected container call {other}"),
                };
                let r = match creds {
                    Some(c) => server.get(c, &path).await,
                    None => server
                        .http
                        .get(format!("{}{path}", server.base))
                        .send()
                        .await
                        .unwrap(),
                };
                let ct = content_type(&r);
                let (status, text) = status_text(r).await;
                assert_eq!(status, 200, "{what}: {text}");
                if call.response_content_type == Some("application/json") {
                    assert!(ct.starts_with("application/json"), "{what}: {ct}");
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                    match call.name {
                        "get_app_manifests" => assert!(
                            v.as_array()
                                .unwrap()
                                .iter()
                                .any(|m| m["id"] == ui_app.key.as_str()),
                            "{what}: {text}"
                        ),
                        "get_app_manifest" => assert_eq!(v["id"], ui_app.key.as_str()),
                        _ => assert!(v["capabilities"].is_object(), "{what}"),
                    }
                } else {
                    assert!(ct.starts_with("application/rdf+xml"), "{what}: {ct}");
                    let graph = parse_rdf(text.as_bytes());
                    if call.name != "get_ontology" {
                        assert!(
                            !typed(&graph, call.target).is_empty(),
                            "{what}: no {}",
                            call.target
                        );
                    } else {
                        assert!(graph.len() > 1000, "{what}: the ontology");
                    }
                }
            }
            Category::Record => {
                let record = record_for(call.target);
                let token = &tokens[record];
                match (call.name, call.method) {
                    ("post_clinical_note", _) => {
                        let path = call.expand_path(&[("record_id", record)]).unwrap();
                        let before =
                            typed(&rdf_ok(server.get(token, &path).await).await, call.target).len();
                        let r = server
                            .send_body(
                                token,
                                "POST",
                                &path,
                                "application/rdf+xml",
                                note_rdfxml("walked").into_bytes(),
                            )
                            .await;
                        let graph = rdf_ok(r).await;
                        let notes = typed(&graph, sp!("ClinicalNote"));
                        assert_eq!(notes.len(), 1, "{what}: the stored note comes back");
                        assert!(
                            notes[0]
                                .to_string()
                                .starts_with(&format!("<{}{path}", server.base))
                        );
                        let after =
                            typed(&rdf_ok(server.get(token, &path).await).await, call.target).len();
                        assert_eq!(after, before + 1, "{what}");
                    }
                    (_, HttpMethod::Put | HttpMethod::Delete) => {
                        // put/delete_scratchpad_data: a round trip with GET.
                        let path = call
                            .expand_path(&[("record_id", record), ("smart_app_id", &bg.key)])
                            .unwrap();
                        let r = server
                            .send_body(
                                token,
                                "PUT",
                                &path,
                                "application/json",
                                b"{\"a\":1}".to_vec(),
                            )
                            .await;
                        assert_eq!(content_type(&r), "application/json", "{what}");
                        assert_eq!(
                            status_text(r).await,
                            (200, "{\"a\":1}".to_owned()),
                            "{what}"
                        );
                        assert_eq!(
                            status_text(server.get(token, &path).await).await.1,
                            "{\"a\":1}"
                        );
                        let (status, _) =
                            status_text(server.call(token, "DELETE", &path).await).await;
                        assert_eq!(status, 200, "{what}");
                        assert_eq!(
                            status_text(server.get(token, &path).await).await,
                            (200, String::new())
                        );
                    }
                    ("get_scratchpad_data", _) => {
                        let path = call
                            .expand_path(&[("record_id", record), ("smart_app_id", &bg.key)])
                            .unwrap();
                        assert_eq!(
                            status_text(server.get(token, &path).await).await,
                            (200, String::new()),
                            "{what}"
                        );
                    }
                    ("get_document", _) | ("get_photograph", _) => {
                        let mut values = vec![("record_id", record.to_owned())];
                        if call.name == "get_document" {
                            values
                                .push(("document_id", item_id(&server, token, call, record).await));
                        }
                        let values: Vec<(&str, &str)> =
                            values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        let r = server.get(token, &call.expand_path(&values).unwrap()).await;
                        assert_eq!(r.status(), 200, "{what}");
                        let ct = content_type(&r);
                        assert!(
                            !ct.contains("rdf"),
                            "{what}: raw bytes by default, got {ct}"
                        );
                        assert!(!r.bytes().await.unwrap().is_empty(), "{what}");
                    }
                    (_, HttpMethod::Get) => {
                        let mut values = vec![("record_id", record.to_owned())];
                        for v in call.path_variables() {
                            if v != "record_id" {
                                values.push((v, item_id(&server, token, call, record).await));
                            }
                        }
                        let values: Vec<(&str, &str)> =
                            values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        let path = call.expand_path(&values).unwrap();
                        let graph = rdf_ok(server.get(token, &path).await).await;
                        let got = typed(&graph, call.target);
                        assert!(!got.is_empty(), "{what}: no {} at {path}", call.target);
                        if call.cardinality == CallCardinality::Single {
                            assert!(
                                got.iter()
                                    .any(|s| s.to_string() == format!("<{}{path}>", server.base)),
                                "{what}: the item itself"
                            );
                        }
                    }
                    other => panic!("unexpected record call {other:?}"),
                }
            }
            Category::User => {
                let path = call
                    .expand_path(&[("user_id", user), ("smart_app_id", &ui_app.key)])
                    .unwrap();
                match call.method {
                    HttpMethod::Get => {
                        assert_eq!(
                            status_text(server.get(&user_token, &path).await).await,
                            (200, String::new()),
                            "{what}"
                        );
                    }
                    _ => {
                        let r = server
                            .send_body(
                                &user_token,
                                "PUT",
                                &path,
                                "text/plain",
                                b"theme=dark".to_vec(),
                            )
                            .await;
                        assert_eq!(
                            status_text(r).await,
                            (200, "theme=dark".to_owned()),
                            "{what}"
                        );
                        let r = server.get(&user_token, &path).await;
                        assert!(content_type(&r).starts_with("text/plain"));
                        assert_eq!(r.text().await.unwrap(), "theme=dark");
                        let (status, _) =
                            status_text(server.call(&user_token, "DELETE", &path).await).await;
                        assert_eq!(status, 200, "{what}");
                        assert_eq!(
                            status_text(server.get(&user_token, &path).await).await,
                            (200, String::new())
                        );
                    }
                }
            }
            _ => panic!("unknown category of {}", call.name),
        }
        covered.insert(call.name);
    }
    assert_eq!(covered.len(), 47);

    // The container manifest advertises exactly what the catalog serves.
    let r = server
        .http
        .get(format!("{}/manifest", server.base))
        .send()
        .await
        .unwrap();
    let manifest: serde_json::Value = r.json().await.unwrap();
    let caps = manifest["capabilities"].as_object().unwrap();
    for (class, methods) in catalog::capabilities() {
        let listed: BTreeSet<&str> = caps[class]["methods"]
            .as_array()
            .unwrap_or_else(|| panic!("{class} missing from capabilities"))
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        let want: BTreeSet<&str> = methods.iter().map(|m| m.as_str()).collect();
        assert_eq!(listed, want, "{class}");
    }
    assert_eq!(caps.len(), catalog::capabilities().len());
    for url in [
        "request_token",
        "authorize_token",
        "exchange_token",
        "app_launch",
    ] {
        assert!(manifest["launch_urls"][url].is_string(), "{url}");
    }
    server.stop().await;
}
