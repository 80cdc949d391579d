//! Apps: register by upload or paste (the CLI's validation, problems next to the field),
//! replace, show and rotate the secret, hide, on by default, delete.

use super::*;
use common::{Creds, ui_manifest};

const APP: &str = "charts@apps.example.org";

fn manifest_bytes(id: &str, name: &str) -> Vec<u8> {
    let mut m = ui_manifest(id);
    m["name"] = name.into();
    serde_json::to_vec(&m).unwrap()
}

/// The consumer secret shown on a credentials page.
fn shown_secret(page: &str) -> String {
    let marker = "id=\"consumer-secret\" class=\"verifier\">";
    let at = page.find(marker).expect("a secret on the page") + marker.len();
    page[at..at + page[at..].find('<').unwrap()].to_owned()
}

/// Whether the app's credentials authenticate a signed request (a wrong or dead secret,
/// or a hidden app, is refused with 401 before the access policy is asked).
async fn signs(server: &TestServer, id: &str, secret: &str) -> bool {
    let r = server
        .get(&Creds::new(id, secret), &format!("/apps/{id}/manifest"))
        .await;
    r.status() != 401
}

#[tokio::test]
async fn an_app_is_registered_by_upload_and_shown_with_its_secret_and_rotated() {
    let server = server().await;
    let (mut v, csrf) = admin_visitor(&server).await;
    let bytes = manifest_bytes(APP, "Charts <b>& co</b>");
    let a = post_multipart(
        &mut v,
        "/admin/apps/register",
        &[("csrf", &csrf), ("manifest_json", "")],
        &[("manifest_file", "charts.json", &bytes)],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location(), "/admin/apps?done=registered");
    let page = v.get(a.location()).await;
    let r = row(&page.body, "data-app", APP);
    assert!(
        r.contains("Charts &lt;b&gt;&amp; co&lt;/b&gt;"),
        "escaped: {r}"
    );
    assert!(!page.body.contains("<b>& co"));

    // Show the secret (POST only): it signs requests.
    let shown = v
        .post("/admin/apps/secret", &[("csrf", &csrf), ("app", APP)])
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.header("cache-control"), "no-store");
    let secret = shown_secret(&shown.body);
    assert!(signs(&server, APP, &secret).await);
    assert_eq!(
        v.get("/admin/apps/secret").await.status,
        404,
        "never by GET"
    );

    // Rotate: a new secret, shown once; the old one stops signing.
    let rotated = v
        .post("/admin/apps/rotate", &[("csrf", &csrf), ("app", APP)])
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    assert!(rotated.body.contains("A new consumer secret was drawn"));
    let new_secret = shown_secret(&rotated.body);
    assert_ne!(new_secret, secret);
    assert!(
        !signs(&server, APP, &secret).await,
        "the old secret is dead"
    );
    assert!(signs(&server, APP, &new_secret).await);
    let listing = v.get("/admin/apps").await;
    assert!(
        !listing.body.contains(&new_secret),
        "the list never shows secrets"
    );

    // Pasting the same manifest again updates it and keeps the secret.
    let pasted = String::from_utf8(manifest_bytes(APP, "Charts")).unwrap();
    let a = post_multipart(
        &mut v,
        "/admin/apps/register",
        &[("csrf", &csrf), ("manifest_json", &pasted)],
        &[],
    )
    .await;
    assert_eq!(a.location(), "/admin/apps?done=updated", "{}", a.body);
    assert!(signs(&server, APP, &new_secret).await);
    server.stop().await;
}

#[tokio::test]
async fn invalid_manifests_are_refused_next_to_the_field_and_nothing_is_stored() {
    let server = server().await;
    let (mut v, csrf) = admin_visitor(&server).await;
    let mut bad = ui_manifest("broken@apps.example.org");
    bad["mode"] = "sideways".into();
    bad["index"] = "javascript:alert(1)".into();
    let bytes = serde_json::to_vec(&bad).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not json", b"{ this is not json".to_vec()),
        ("bad fields", bytes),
        ("not utf-8", vec![0xff, 0xfe, 0x00]),
    ];
    for (what, bytes) in cases {
        let a = post_multipart(
            &mut v,
            "/admin/apps/register",
            &[("csrf", &csrf)],
            &[("manifest_file", "m.json", &bytes)],
        )
        .await;
        assert_eq!(a.status, 400, "{what}: {}", a.body);
        let form_at = a.body.find("id=\"register-app\"").unwrap();
        let errors_at = a.body.find("field-error").expect("errors by the field");
        assert!(
            errors_at > form_at,
            "{what}: the errors are in the register form"
        );
        assert!(!a.body.contains("<script"), "{what}");
    }
    // The same rules as the CLI: the mode problem is named.
    let mut bad = ui_manifest("broken@apps.example.org");
    bad["mode"] = "sideways".into();
    let a = post_multipart(
        &mut v,
        "/admin/apps/register",
        &[("csrf", &csrf), ("manifest_json", &bad.to_string())],
        &[],
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("mode"), "{}", a.body);
    // Nothing at all chosen.
    let a = post_multipart(&mut v, "/admin/apps/register", &[("csrf", &csrf)], &[]).await;
    assert_eq!(a.status, 400);
    assert!(
        a.body
            .contains("choose a manifest file or paste the manifest JSON")
    );
    // A machine consumer key is not an app id.
    let ui_key = server.container.config().ui.consumer_key.clone();
    let a = post_multipart(
        &mut v,
        "/admin/apps/register",
        &[
            ("csrf", &csrf),
            ("manifest_json", &ui_manifest(&ui_key).to_string()),
        ],
        &[],
    )
    .await;
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("machine consumer key"), "{}", a.body);
    let apps = server.container.directory().list_apps().await.unwrap();
    assert!(apps.is_empty(), "nothing stored: {apps:?}");
    server.stop().await;
}

#[tokio::test]
async fn replace_hide_default_and_delete() {
    let server = server().await;
    let (mut v, csrf) = admin_visitor(&server).await;
    let bytes = manifest_bytes(APP, "Charts");
    let a = post_multipart(
        &mut v,
        "/admin/apps/register",
        &[("csrf", &csrf)],
        &[("manifest_file", "charts.json", &bytes)],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let mut user = Visitor::new(&server, "");
    user.login(USER).await;
    let sidebar = |body: &str| body.contains(&format!("data-app-id=\"{APP}\""));
    assert!(
        !sidebar(&user.get("/patients/101").await.body),
        "off by default"
    );

    // On by default: in the user's sidebar.
    let a = v
        .post(
            "/admin/apps/switches",
            &[
                ("csrf", &csrf),
                ("app", APP),
                ("visible", "1"),
                ("by_default", "1"),
            ],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(sidebar(&user.get("/patients/101").await.body));

    // Hidden: in no sidebar, cannot sign, kept in the registry.
    let shown = v
        .post("/admin/apps/secret", &[("csrf", &csrf), ("app", APP)])
        .await;
    let secret = shown_secret(&shown.body);
    let a = v
        .post(
            "/admin/apps/switches",
            &[("csrf", &csrf), ("app", APP), ("by_default", "1")],
        )
        .await;
    assert_eq!(a.status, 303);
    assert!(!sidebar(&user.get("/patients/101").await.body));
    assert!(!signs(&server, APP, &secret).await);
    let page = v.get("/admin/apps").await;
    let r = row(&page.body, "data-app", APP);
    assert!(
        r.contains("id=\"visible-charts@apps.example.org\">"),
        "unchecked: {r}"
    );
    // Shown again: it signs with the same secret.
    v.post(
        "/admin/apps/switches",
        &[("csrf", &csrf), ("app", APP), ("visible", "1")],
    )
    .await;
    assert!(signs(&server, APP, &secret).await);

    // Replace: the new manifest's name shows; another id is refused next to the row.
    let replaced = manifest_bytes(APP, "Charts v2");
    let a = post_multipart(
        &mut v,
        "/admin/apps/replace",
        &[("csrf", &csrf), ("app", APP)],
        &[("manifest_file", "v2.json", &replaced)],
    )
    .await;
    assert_eq!(a.location(), "/admin/apps?done=updated", "{}", a.body);
    assert!(v.get("/admin/apps").await.body.contains("Charts v2"));
    let other = manifest_bytes("other@apps.example.org", "Other");
    let a = post_multipart(
        &mut v,
        "/admin/apps/replace",
        &[("csrf", &csrf), ("app", APP)],
        &[("manifest_file", "o.json", &other)],
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(row(&a.body, "data-app", APP).contains("not &quot;charts@apps.example.org&quot;"));

    // Delete.
    let a = v
        .post("/admin/apps/delete", &[("csrf", &csrf), ("app", APP)])
        .await;
    assert_eq!(a.status, 303);
    assert!(!v.get("/admin/apps").await.body.contains("data-app=\""));
    assert!(!signs(&server, APP, &secret).await);
    let a = v
        .post("/admin/apps/delete", &[("csrf", &csrf), ("app", APP)])
        .await;
    assert_eq!(a.status, 400, "deleting twice: no such app");
    server.stop().await;
}
