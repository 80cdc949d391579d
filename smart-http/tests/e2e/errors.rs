//! Every error path of issue #5 §4: the status, a short plain-text body naming the
//! problem, never a 500 for a client mistake, and nothing half-written.

use crate::common::*;
use smart_core::sp;
use std::time::Duration;

/// Checks an error response: status, plain text, short, naming `needle`.
async fn expect_error(
    r: reqwest::Response,
    status: u16,
    needle: &str,
    what: &str,
) -> reqwest::header::HeaderMap {
    let headers = r.headers().clone();
    let (got, text) = status_text(r).await;
    assert_eq!(got, status, "{what}: {text}");
    let ct = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(ct.starts_with("text/plain"), "{what}: content-type {ct}");
    assert!(
        !text.trim().is_empty() && text.len() < 1000,
        "{what}: short text: {text}"
    );
    assert!(
        text.to_lowercase().contains(&needle.to_lowercase()),
        "{what}: the message names `{needle}`: {text}"
    );
    headers
}

async fn note_count(server: &TestServer, token: &Creds, record: &str) -> usize {
    let graph = rdf_ok(
        server
            .get(token, &format!("/records/{record}/clinical_notes/"))
            .await,
    )
    .await;
    typed(&graph, sp!("ClinicalNote")).len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_mistakes_get_the_right_status_and_a_short_message() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start_with(Backend::Memory, |c| {
        c.limits.max_body_bytes = 8 * 1024;
        c.limits.max_app_data_bytes = 1024;
    })
    .await;
    server
        .import_reference(&shared, &["99912345", "1032702"])
        .await;
    let bg = server.background_app("errors@apps.example.org").await;
    let other = server.background_app("other@apps.example.org").await;
    let token = server.background_token(&bg, "99912345").await;
    let notes = "/records/99912345/clinical_notes/";
    let before = note_count(&server, &token, "99912345").await;

    // ---- 400
    expect_error(
        server
            .get(&token, "/records/99912345/medications/?date_from=2011-13")
            .await,
        400,
        "date_from",
        "bad filter value",
    )
    .await;
    for (body, needle) in [
        (
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><oops",
            "RDF/XML",
        ),
        ("not xml at all", "RDF/XML"),
    ] {
        expect_error(
            server
                .send_body(&token, "POST", notes, "application/rdf+xml", body.into())
                .await,
            400,
            needle,
            "malformed RDF",
        )
        .await;
    }
    // Well-formed RDF that is not a valid note: a Medication, and a note of another record.
    let medication = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:sp="http://smartplatforms.org/terms#" xmlns:dcterms="http://purl.org/dc/terms/">
  <sp:Medication><dcterms:title>aspirin</dcterms:title></sp:Medication>
</rdf:RDF>"#;
    expect_error(
        server
            .send_body(
                &token,
                "POST",
                notes,
                "application/rdf+xml",
                medication.into(),
            )
            .await,
        400,
        "Medication",
        "a statement that is not a note",
    )
    .await;
    let foreign = note_rdfxml("x").replace(
        "<sp:ClinicalNote>",
        &format!(
            "<sp:ClinicalNote><sp:belongsTo rdf:resource=\"{}/records/1032702\"/>",
            server.base
        ),
    );
    let (status, text) = status_text(
        server
            .send_body(&token, "POST", notes, "application/rdf+xml", foreign.into())
            .await,
    )
    .await;
    assert!(
        status == 400 || status == 409,
        "a note of another record: {status} {text}"
    );
    assert!(
        text.contains("1032702") || text.to_lowercase().contains("record"),
        "{text}"
    );
    // A note missing its required date (a note is a sp:Document: dcterms:date is 1..1).
    let undated = note_rdfxml("x").replace("<dcterms:date>2012-05-17</dcterms:date>", "");
    expect_error(
        server
            .send_body(&token, "POST", notes, "application/rdf+xml", undated.into())
            .await,
        400,
        "date",
        "a note without a date",
    )
    .await;
    // Invalid manifests name the field.
    let mut manifest = ui_manifest("bad@apps.example.org");
    manifest.as_object_mut().unwrap().remove("name");
    expect_error(
        server
            .send_body(
                &server.admin(),
                "POST",
                "/apps/",
                "application/json",
                serde_json::to_vec(&manifest).unwrap(),
            )
            .await,
        400,
        "name",
        "manifest without name",
    )
    .await;
    let mut manifest = ui_manifest("bad@apps.example.org");
    manifest["colour"] = "blue".into();
    expect_error(
        server
            .send_body(
                &server.admin(),
                "POST",
                "/apps/",
                "application/json",
                serde_json::to_vec(&manifest).unwrap(),
            )
            .await,
        400,
        "colour",
        "manifest with an unknown field",
    )
    .await;
    let mut manifest = ui_manifest("bad@apps.example.org");
    manifest["mode"] = "sideways".into();
    expect_error(
        server
            .send_body(
                &server.admin(),
                "POST",
                "/apps/",
                "application/json",
                serde_json::to_vec(&manifest).unwrap(),
            )
            .await,
        400,
        "mode",
        "manifest with a bad mode",
    )
    .await;
    expect_error(
        server
            .send_body(
                &server.admin(),
                "POST",
                "/apps/",
                "application/json",
                b"{".to_vec(),
            )
            .await,
        400,
        "manifest",
        "manifest that is not JSON",
    )
    .await;
    let (status, _) = status_text(
        server
            .get(&server.admin(), "/apps/bad@apps.example.org/manifest")
            .await,
    )
    .await;
    assert_eq!(status, 404, "no invalid app was registered");

    // ---- 401
    let h = expect_error(
        server
            .http
            .get(format!("{}/records/99912345/medications/", server.base))
            .send()
            .await
            .unwrap(),
        401,
        "OAuth",
        "unsigned",
    )
    .await;
    assert!(h.contains_key("www-authenticate"));
    let mut forged = token.clone();
    forged.secret = "not-the-secret".into();
    expect_error(
        server.get(&forged, "/records/99912345/medications/").await,
        401,
        "signature",
        "bad signature",
    )
    .await;
    // A token of another app, signed with this app's key.
    let other_token = server.background_token(&other, "99912345").await;
    let stolen = bg.with_token(
        &other_token.token.as_ref().unwrap().0,
        &other_token.token.as_ref().unwrap().1,
    );
    expect_error(
        server.get(&stolen, "/records/99912345/medications/").await,
        401,
        "token",
        "another app's token",
    )
    .await;
    // A replayed request: the identical signed request twice.
    let path = "/records/99912345/medications/";
    let header = server.authorization(&token, "GET", path, &[], &[]);
    let send = || {
        server
            .http
            .get(format!("{}{path}", server.base))
            .header("Authorization", header.clone())
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 200);
    expect_error(send().await.unwrap(), 401, "nonce", "replayed request").await;
    // An expired token. Lifetimes are at least a minute, so rather than wait, the test
    // stores a background token for this app and record that expired a second ago.
    let provider = server.container.provider();
    let now = provider.now();
    let record = smart_store::directory::OAuthToken::new(
        "expired-token-of-the-errors-test",
        "expired-token-secret",
        smart_store::directory::TokenKind::Background,
        Some(smart_auth::AppId::new(bg.key.as_str()).unwrap()),
        now.saturating_sub(Duration::from_secs(3600)),
        now.saturating_sub(Duration::from_secs(1)),
    )
    .with_record(smart_core::RecordId::new("99912345").unwrap());
    provider.stores().tokens.insert_token(record).await.unwrap();
    let expired = bg.with_token("expired-token-of-the-errors-test", "expired-token-secret");
    expect_error(
        server.get(&expired, "/records/99912345/medications/").await,
        401,
        "expired",
        "expired token",
    )
    .await;

    // ---- 403
    expect_error(
        server.get(&token, "/records/1032702/medications/").await,
        403,
        "policy",
        "another record",
    )
    .await;
    let other_pad = format!("/records/99912345/apps/{}/scratchpad", other.key);
    assert_eq!(
        status_text(
            server
                .send_body(
                    &other_token,
                    "PUT",
                    &other_pad,
                    "text/plain",
                    b"mine".to_vec()
                )
                .await
        )
        .await,
        (200, "mine".to_owned())
    );
    expect_error(
        server
            .send_body(&token, "PUT", &other_pad, "text/plain", b"yours".to_vec())
            .await,
        403,
        "policy",
        "another app's scratchpad write",
    )
    .await;
    expect_error(
        server.call(&token, "DELETE", &other_pad).await,
        403,
        "policy",
        "another app's scratchpad delete",
    )
    .await;
    // Reading it is allowed (the SMART rule), and it is unchanged.
    assert_eq!(
        status_text(server.get(&token, &other_pad).await).await,
        (200, "mine".to_owned())
    );
    // A background app cannot mint tokens for another app.
    expect_error(
        server
            .get(&bg, &format!("/apps/{}/tokens/records/first", other.key))
            .await,
        403,
        "policy",
        "another app's background token",
    )
    .await;

    // ---- 404
    expect_error(
        server.get(&token, "/no/such/endpoint").await,
        404,
        "/no/such/endpoint",
        "unknown path",
    )
    .await;
    expect_error(
        server
            .get(&token, "/records/99912345/medications/0123456789abcdef")
            .await,
        404,
        "0123456789abcdef",
        "unknown item",
    )
    .await;
    expect_error(
        server
            .get(&bg, &format!("/apps/{}/tokens/records/424242", bg.key))
            .await,
        404,
        "record",
        "unknown record",
    )
    .await;
    expect_error(
        server
            .get(&server.admin(), "/apps/nobody@apps.example.org/manifest")
            .await,
        404,
        "nobody@apps.example.org",
        "unknown app",
    )
    .await;

    // ---- 405 with Allow
    let h = expect_error(
        server
            .call(&token, "DELETE", "/records/99912345/medications/")
            .await,
        405,
        "DELETE",
        "DELETE a collection",
    )
    .await;
    assert_eq!(h["allow"], "GET");
    let h = expect_error(
        server.call(&token, "PUT", notes).await,
        405,
        "PUT",
        "PUT notes",
    )
    .await;
    let allow = h["allow"].to_str().unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    let h = expect_error(
        server
            .call(&token, "POST", "/records/99912345/apps/x@y/scratchpad")
            .await,
        405,
        "POST",
        "POST scratchpad",
    )
    .await;
    let allow = h["allow"].to_str().unwrap();
    assert!(
        ["GET", "PUT", "DELETE"].iter().all(|m| allow.contains(m)),
        "{allow}"
    );

    // ---- 413
    let big = note_rdfxml(&"x".repeat(9 * 1024));
    expect_error(
        server
            .send_body(&token, "POST", notes, "application/rdf+xml", big.into())
            .await,
        413,
        "8192",
        "a note over max_body_bytes",
    )
    .await;
    let pad = format!("/records/99912345/apps/{}/scratchpad", bg.key);
    assert_eq!(
        status_text(
            server
                .send_body(&token, "PUT", &pad, "text/plain", b"small".to_vec())
                .await
        )
        .await
        .0,
        200
    );
    expect_error(
        server
            .send_body(&token, "PUT", &pad, "text/plain", vec![b'y'; 2000])
            .await,
        413,
        "1024",
        "a scratchpad over max_app_data_bytes",
    )
    .await;
    assert_eq!(
        status_text(server.get(&token, &pad).await).await,
        (200, "small".to_owned()),
        "the refused write changed nothing"
    );

    // ---- 415
    expect_error(
        server
            .send_body(&token, "POST", notes, "text/plain", note_rdfxml("x").into())
            .await,
        415,
        "text/plain",
        "a note as text/plain",
    )
    .await;
    expect_error(
        server
            .send_body(&token, "POST", notes, "image/png", note_rdfxml("x").into())
            .await,
        415,
        "image/png",
        "a note as image/png",
    )
    .await;
    expect_error(
        server
            .send_body(
                &server.admin(),
                "POST",
                "/apps/",
                "text/plain",
                serde_json::to_vec(&ui_manifest("t@apps.example.org")).unwrap(),
            )
            .await,
        415,
        "json",
        "a manifest as text/plain",
    )
    .await;

    // ---- 406
    let r = server
        .signed(&token, "GET", "/records/99912345/medications/")
        .header("Accept", "image/png")
        .send()
        .await
        .unwrap();
    expect_error(r, 406, "image/png", "Accept image/png").await;

    // Nothing above wrote a note.
    assert_eq!(
        note_count(&server, &token, "99912345").await,
        before,
        "no half-written note"
    );
    // And a valid note still goes in.
    let r = server
        .send_body(
            &token,
            "POST",
            notes,
            "application/rdf+xml",
            note_rdfxml("fine").into(),
        )
        .await;
    rdf_ok(r).await;
    assert_eq!(note_count(&server, &token, "99912345").await, before + 1);
    server.stop().await;
}
