//! Flows and checks shared by the memory tests and the backend tests (embedded, remote).

use super::*;
use smart_core::sp;

/// The 3-legged flow end to end on `backend`, with `records` imported; returns nothing,
/// panics on any deviation. Shared with the backend tests.
pub async fn three_legged_flow(server: &TestServer, a: &str, b: &str, app_id: &str, user: &str) {
    let app = server.ui_app(app_id).await;
    server.create_user(user).await;
    let session = server.login(user).await;
    let (access, verifier) = server.three_legged(&app, &session, a).await;

    // The token reads its record...
    let graph = rdf_ok(
        server
            .get(&access, &format!("/records/{a}/demographics"))
            .await,
    )
    .await;
    assert_eq!(typed(&graph, sp!("Demographics")).len(), 1);
    // ...and the user's preferences for this app.
    let prefs = format!("/users/{user}/apps/{app_id}/preferences");
    let r = server
        .send_body(
            &access,
            "PUT",
            &prefs,
            "application/json",
            b"[1,2]".to_vec(),
        )
        .await;
    assert_eq!(status_text(r).await, (200, "[1,2]".to_owned()));
    let r = server.get(&access, &prefs).await;
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.text().await.unwrap(), "[1,2]");
    // ...but not another record, nor another user's preferences.
    let (status, text) = status_text(
        server
            .get(&access, &format!("/records/{b}/demographics"))
            .await,
    )
    .await;
    assert_eq!(status, 403, "{text}");
    let (status, _) = status_text(
        server
            .get(
                &access,
                &format!("/users/someone@example.org/apps/{app_id}/preferences"),
            )
            .await,
    )
    .await;
    assert_eq!(status, 403);
    // The user may read themself; the UI principal alone may not read records.
    let graph = rdf_ok(server.get(&session, &format!("/users/{user}")).await).await;
    assert_eq!(typed(&graph, sp!("User")).len(), 1);
    let (status, _) = status_text(
        server
            .get(&server.ui(), &format!("/records/{a}/demographics"))
            .await,
    )
    .await;
    assert_eq!(status, 403);

    // The verifier works once: exchanging the same request token again fails.
    // (A fresh request token, approved, then exchanged twice.)
    let r = server
        .post_form(
            &app,
            "/oauth/request_token",
            &[("smart_record_id", a)],
            &[("oauth_callback", "oob")],
        )
        .await;
    let form = form_reply(r).await;
    let request = app.with_token(
        &form_get(&form, "oauth_token"),
        &form_get(&form, "oauth_token_secret"),
    );
    let rt = form_get(&form, "oauth_token");
    let location = server.approve_in_ui(&session, &rt, "approve").await;
    let v2 = location
        .split_once("oauth_verifier=")
        .map(|(_, v)| v.to_owned())
        .unwrap();
    // A wrong verifier uses the request token up.
    let (status, text) = status_text(
        server
            .post_form(
                &request,
                "/oauth/access_token",
                &[],
                &[("oauth_verifier", verifier.as_str())],
            )
            .await,
    )
    .await;
    assert_eq!(status, 401, "an old verifier: {text}");
    let (status, text) = status_text(
        server
            .post_form(
                &request,
                "/oauth/access_token",
                &[],
                &[("oauth_verifier", v2.as_str())],
            )
            .await,
    )
    .await;
    assert_eq!(status, 401, "the request token is spent: {text}");

    // An app cannot exchange without approval, and a request token reads no records.
    let r = server
        .post_form(
            &app,
            "/oauth/request_token",
            &[("smart_record_id", a)],
            &[("oauth_callback", "oob")],
        )
        .await;
    let form = form_reply(r).await;
    let request = app.with_token(
        &form_get(&form, "oauth_token"),
        &form_get(&form, "oauth_token_secret"),
    );
    let (status, _) = status_text(
        server
            .get(&request, &format!("/records/{a}/demographics"))
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = status_text(
        server
            .post_form(
                &request,
                "/oauth/access_token",
                &[],
                &[("oauth_verifier", "guess")],
            )
            .await,
    )
    .await;
    assert_eq!(status, 401);
    // request_token needs a record for a record-scope app, and an existing one.
    let (status, text) = status_text(
        server
            .post_form(
                &app,
                "/oauth/request_token",
                &[],
                &[("oauth_callback", "oob")],
            )
            .await,
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("smart_record_id"), "{text}");
    // A missing record is not told apart here (that would reveal which records exist):
    // the token is issued like any other, and the approval page refuses it.
    let (status, _) = status_text(
        server
            .post_form(
                &app,
                "/oauth/request_token",
                &[("smart_record_id", "424242")],
                &[("oauth_callback", "oob")],
            )
            .await,
    )
    .await;
    assert_eq!(status, 200);
    // A wrong password is 401 and makes no session.
    let (status, _) = status_text(
        server
            .post_form(
                &server.ui(),
                "/oauth/login",
                &[("username", user), ("password", "wrong password!")],
                &[],
            )
            .await,
    )
    .await;
    assert_eq!(status, 401);
}

/// The background walk over every record in id order, then 404. Shared with the backend
/// tests.
pub async fn background_walk(server: &TestServer, app_id: &str, expected: &[String]) {
    let app = server.background_app(app_id).await;
    let mut seen = Vec::new();
    let mut path = format!("/apps/{app_id}/tokens/records/first");
    loop {
        let r = server.get(&app, &path).await;
        if r.status() == 404 {
            let text = r.text().await.unwrap();
            assert!(text.contains("record"), "{text}");
            break;
        }
        let form = form_reply(r).await;
        let record = form_get(&form, "smart_record_id");
        let token = app.with_token(
            &form_get(&form, "oauth_token"),
            &form_get(&form, "oauth_token_secret"),
        );
        // The token reads its record.
        rdf_ok(
            server
                .get(&token, &format!("/records/{record}/medications/"))
                .await,
        )
        .await;
        path = format!("/apps/{app_id}/tokens/records/{record}/next");
        seen.push(record);
        assert!(
            seen.len() <= expected.len(),
            "the walk does not end: {seen:?}"
        );
    }
    let mut sorted = expected.to_vec();
    sorted.sort();
    assert_eq!(seen, sorted, "every record once, in id order");
}

/// The record collection calls of the catalog.
pub fn collection_calls() -> Vec<&'static smart_core::catalog::ApiCall> {
    use smart_core::catalog::{CALLS, CallCardinality, Category, HttpMethod};
    CALLS
        .iter()
        .filter(|c| {
            c.category == Category::Record
                && c.method == HttpMethod::Get
                && c.cardinality == CallCardinality::Multiple
        })
        .collect()
}

/// A representative subset of the end-to-end checks, for the other backends: counts per
/// call for four patients (imported as `<prefix><id>`), paging, writes (a note, the
/// scratchpad), a raw document, the 3-legged flow and the background walk. The server's
/// directory must hold no other records (the walk expects exactly these).
pub async fn backend_subset(server: &TestServer, shared: &Path, prefix: &str) -> Vec<RecordId> {
    let sources = ["1796238", "99912345", "967332", "8888802"];
    let mut ids = Vec::new();
    for src in sources {
        let id = RecordId::new(format!("{prefix}{src}")).unwrap();
        server
            .import_file_as(&reference_file(shared, src), shared, &id)
            .await;
        ids.push(id);
    }
    let app_id = format!("{prefix}bg@apps.example.org");
    let app = server.background_app(&app_id).await;

    // Counts per collection call.
    for (src, id) in sources.iter().zip(&ids) {
        let rid = id.as_str();
        let source = source_graph(&reference_file(shared, src));
        let token = server.background_token(&app, rid).await;
        for call in collection_calls() {
            let path = call.expand_path(&[("record_id", rid)]).unwrap();
            let graph = rdf_ok(server.get(&token, &path).await).await;
            let mut classes = vec![call.target];
            if call.name == "get_allergies" {
                classes.push(sp!("AllergyExclusion"));
            }
            let mut expected = 0;
            for class in classes {
                let want = typed(&source, class).len();
                assert_eq!(
                    typed(&graph, class).len(),
                    want,
                    "{rid} {}: {class}",
                    call.name
                );
                expected += want;
            }
            assert_eq!(summary(&graph).total, expected, "{rid} {}", call.name);
        }
    }

    // Paging: every lab result once, in pages of 100.
    let labs = ids[0].as_str();
    let token = server.background_token(&app, labs).await;
    let mut seen = Vec::new();
    let mut next = Some(format!("/records/{labs}/lab_results/?limit=100"));
    while let Some(path) = next.take() {
        let graph = rdf_ok(server.get(&token, &path).await).await;
        let s = summary(&graph);
        assert_eq!(s.total, 413, "{path}");
        seen.extend(s.order.unwrap());
        next = s
            .next
            .map(|url| url.strip_prefix(&server.base).unwrap().to_owned());
    }
    let n = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(
        (n, seen.len()),
        (413, 413),
        "every lab result on exactly one page"
    );

    // Writes: a note (the count goes up by one) and the scratchpad.
    let rid = ids[1].as_str();
    let token = server.background_token(&app, rid).await;
    let notes = format!("/records/{rid}/clinical_notes/");
    let count = |g: &oxrdf::Graph| typed(g, sp!("ClinicalNote")).len();
    let before = count(&rdf_ok(server.get(&token, &notes).await).await);
    let stored = rdf_ok(
        server
            .send_body(
                &token,
                "POST",
                &notes,
                "application/rdf+xml",
                note_rdfxml("backend").into_bytes(),
            )
            .await,
    )
    .await;
    assert_eq!(count(&stored), 1);
    assert_eq!(
        count(&rdf_ok(server.get(&token, &notes).await).await),
        before + 1
    );
    let pad = format!("/records/{rid}/apps/{app_id}/scratchpad");
    let r = server
        .send_body(&token, "PUT", &pad, "text/plain", b"kept".to_vec())
        .await;
    assert_eq!(status_text(r).await, (200, "kept".to_owned()));
    assert_eq!(
        status_text(server.get(&token, &pad).await).await,
        (200, "kept".to_owned())
    );
    assert_eq!(
        status_text(server.call(&token, "DELETE", &pad).await)
            .await
            .0,
        200
    );
    assert_eq!(
        status_text(server.get(&token, &pad).await).await,
        (200, String::new())
    );

    // A raw document from the blob store.
    let docs = rdf_ok(
        server
            .get(&token, &format!("/records/{rid}/documents/"))
            .await,
    )
    .await;
    let doc = typed(&docs, sp!("Document"))
        .into_iter()
        .find(|d| literal(&docs, d, sp!("fileName")).as_deref() == Some("notes6267.txt"))
        .expect("the text document");
    let url = doc.to_string();
    let path = url
        .trim_matches(|c| c == '<' || c == '>')
        .strip_prefix(&server.base)
        .unwrap()
        .to_owned();
    let r = server.get(&token, &path).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let want =
        std::fs::read(shared.join("data/reference-documents/99912345/notes6267.txt")).unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), want.as_slice());

    // The flows.
    three_legged_flow(
        server,
        ids[2].as_str(),
        ids[3].as_str(),
        &format!("{prefix}rest@apps.example.org"),
        &format!("{prefix}user@example.org"),
    )
    .await;
    let expected: Vec<String> = ids.iter().map(|r| r.as_str().to_owned()).collect();
    background_walk(
        server,
        &format!("{prefix}walker@apps.example.org"),
        &expected,
    )
    .await;
    ids
}
