//! The patient search and paging, escaping, and the record view.

use super::*;

/// The record ids of the patient links, in page order.
fn listed(a: &Answer) -> Vec<String> {
    a.body
        .match_indices("data-record-id=\"")
        .map(|(i, m)| {
            let rest = &a.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_patient_search_finds_by_name_birth_date_and_zip() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let all = v.get("/").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("<form method=\"get\""));
    assert!(all.body.contains("name=\"q\""));
    // By family name, then given name.
    assert_eq!(listed(&all), ["p4", "p3", "p1", "p2"]);
    assert!(all.body.contains("href=\"/patients/p1\""));

    // A name prefix, any case, given or family.
    assert_eq!(listed(&v.get("/?q=smi").await), ["p3", "p1", "p2"]);
    assert_eq!(listed(&v.get("/?q=SMITHE").await), ["p2"]);
    assert_eq!(listed(&v.get("/?q=ann+smith").await), ["p1"]);
    assert_eq!(listed(&v.get("/?q=1951-07-04").await), ["p4", "p1"]);
    assert_eq!(listed(&v.get("/?q=02139").await), ["p2"]);
    assert_eq!(listed(&v.get("/?q=smi&gender=female").await), ["p3", "p1"]);
    assert_eq!(listed(&v.get("/?gender=male").await), ["p4", "p2"]);
    assert_eq!(
        listed(&v.get("/?sort=birth_date").await),
        ["p4", "p1", "p2", "p3"]
    );
    let none = v.get("/?q=zzz").await;
    assert_eq!(none.status, 200);
    assert!(listed(&none).is_empty());
    assert!(none.body.contains("No patients match"), "{}", none.body);
    // Rows show sex, birth date and age.
    let row = v.get("/?q=1980-01-02").await;
    assert!(row.body.contains("<td>male</td><td>1980-01-02</td><td>"));
    server.stop().await;
}

#[tokio::test]
async fn the_patient_list_pages_on_the_server() {
    let server = server().await;
    for i in 0..23 {
        add_patient(
            &server,
            &format!("q{i:02}"),
            "Pat",
            &format!("Pager{i:02}"),
            "female",
            &format!("19{:02}-05-06", 99 - i),
            "55555",
        )
        .await;
    }
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let first = v.get("/?q=pager").await;
    let ids = listed(&first);
    assert_eq!(ids.len(), 20);
    assert_eq!(ids[0], "q00");
    assert!(first.body.contains("23 patients"));
    assert!(first.body.contains("Page 1 of 2"));
    let second = v.get("/?q=pager&page=2").await;
    assert_eq!(listed(&second), ["q20", "q21", "q22"]);
    // The zip code goes through the store's own paging.
    let by_zip = v.get("/?q=55555&page=2").await;
    assert_eq!(listed(&by_zip), ["q20", "q21", "q22"]);
    // Oldest first: q22 was born in 1977.
    let by_age = v.get("/?q=pager&sort=birth_date").await;
    assert_eq!(listed(&by_age)[0], "q22");
    server.stop().await;
}

#[tokio::test]
async fn a_hostile_patient_name_is_text() {
    let server = server().await;
    add_patient(
        &server,
        "evil",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(2)>",
        "male",
        "1970-01-01",
        "00000",
    )
    .await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    for path in ["/", "/?q=%3Cscript", "/patients/evil"] {
        let a = v.get(path).await;
        assert_eq!(a.status, 200, "{path}");
        assert!(!a.body.contains("<script>alert(1)"), "{path}");
        assert!(!a.body.contains("<img src=x"), "{path}");
    }
    let list = v.get("/").await;
    assert!(list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let record = v.get("/patients/evil").await;
    assert!(
        record
            .body
            .contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img")
    );
    // The data block keeps the name exactly, as data.
    assert_eq!(
        record.page_data()["record"]["full_name"],
        "<script>alert(1)</script> \"><img src=x onerror=alert(2)>"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_record_view_has_the_hooks_and_the_users_apps() {
    let server = server().await;
    let mut v = Visitor::new(&server, "");
    v.login(USER).await;
    let a = v.get("/patients/p1").await;
    assert_eq!(a.status, 200);
    for hook in [
        "<nav id=\"app-sidebar\"",
        "<div id=\"app-tabs\" role=\"tablist\"",
        "<main id=\"app-pane\">",
        "<div id=\"app-status\" role=\"status\" aria-live=\"polite\">",
        "<script src=\"/static/connect-host.js\"></script>",
        &format!("data-app-id=\"{APP}\""),
        "data-mode=\"ui\"",
        "data-scope=\"record\"",
        "title=\"end-to-end tests\"",
        "<h1>Ann Smith</h1>",
        "1951-07-04",
    ] {
        assert!(a.body.contains(hook), "{hook}");
    }
    let data = a.page_data();
    assert_eq!(data["record"]["id"], "p1");
    assert_eq!(data["user"]["id"], USER);
    assert_eq!(data["base"], "");
    assert_eq!(data["csrf"].as_str().unwrap(), v.csrf().await);
    assert_eq!(v.get("/patients/unknown").await.status, 404);

    // Taking an app out of the sidebar on the account page.
    let csrf = v.csrf().await;
    let a = v
        .post("/account/apps", &[("csrf", &csrf), ("app", OTHER_APP)])
        .await;
    assert_eq!(a.status, 303);
    let view = v.get("/patients/p1").await;
    assert!(!view.body.contains(&format!("data-app-id=\"{APP}\"")));
    assert!(view.body.contains(&format!("data-app-id=\"{OTHER_APP}\"")));
    let account = v.get("/account").await;
    assert!(
        account
            .body
            .contains(&format!("value=\"{OTHER_APP}\" checked"))
    );
    assert!(account.body.contains(&format!("value=\"{APP}\">")));
    server.stop().await;
}
