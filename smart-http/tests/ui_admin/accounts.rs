//! Accounts: create, disable and enable, reset a password, grant and remove the role;
//! an administrator cannot lock themselves out; names are escaped.

use super::*;

#[tokio::test]
async fn accounts_are_created_disabled_enabled_reset_and_promoted() {
    let server = server().await;
    let (mut v, csrf) = admin_visitor(&server).await;
    let page = v.get("/admin/accounts").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(row(&page.body, "data-account", USER).contains("user"));
    assert!(page.body.contains("aria-current=\"page\""));

    // Create, with a hostile name that must be escaped.
    let new = "nurse@example.org";
    let a = v
        .post(
            "/admin/accounts/create",
            &[
                ("csrf", &csrf),
                ("email", new),
                ("given_name", "<script>alert(1)</script>"),
                ("family_name", "O'Hara & Sons"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location(), "/admin/accounts?done=created");
    let page = v.get(a.location()).await;
    assert!(page.body.contains("The account was created."));
    let r = row(&page.body, "data-account", new);
    assert!(
        r.contains("&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Hara &amp; Sons"),
        "{r}"
    );
    assert!(!page.body.contains("<script>alert(1)"));
    assert!(can_login(&server, new, PASSWORD).await);

    // A duplicate is refused on the page, naming the problem.
    let a = v
        .post(
            "/admin/accounts/create",
            &[("csrf", &csrf), ("email", "NURSE@example.org")],
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("The account was not created"), "{}", a.body);

    // Disable: no more login; enable: login again.
    let a = v
        .post(
            "/admin/accounts/state",
            &[("csrf", &csrf), ("user", new), ("action", "disable")],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(!can_login(&server, new, PASSWORD).await);
    let page = v.get("/admin/accounts").await;
    assert!(row(&page.body, "data-account", new).contains("disabled"));
    let a = v
        .post(
            "/admin/accounts/state",
            &[("csrf", &csrf), ("user", new), ("action", "enable")],
        )
        .await;
    assert_eq!(a.status, 303);
    assert!(can_login(&server, new, PASSWORD).await);

    // Reset the password: the old one stops working, the new one works, a weak one is
    // refused with the reason.
    let mut nurse = Visitor::new(&server, "");
    nurse.login(new).await;
    assert_eq!(nurse.get("/").await.status, 200);
    let fresh = "a completely new passphrase 42";
    let a = v
        .post(
            "/admin/accounts/password",
            &[("csrf", &csrf), ("user", new), ("password", fresh)],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(!can_login(&server, new, PASSWORD).await);
    assert!(can_login(&server, new, fresh).await);
    assert_eq!(
        nurse.get("/").await.status,
        303,
        "the old session was signed out"
    );
    let a = v
        .post(
            "/admin/accounts/password",
            &[("csrf", &csrf), ("user", new), ("password", "x")],
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("The password was not reset"), "{}", a.body);
    assert!(can_login(&server, new, fresh).await);

    // Grant the role: the new admin reaches the admin pages; remove it: 403.
    let a = v
        .post(
            "/admin/accounts/role",
            &[("csrf", &csrf), ("user", new), ("admin", "1")],
        )
        .await;
    assert_eq!(a.status, 303);
    let mut other_admin = Visitor::new(&server, "");
    other_admin.login_as(new, fresh, "/").await;
    assert_eq!(other_admin.get("/admin/apps").await.status, 200);
    let a = v
        .post(
            "/admin/accounts/role",
            &[("csrf", &csrf), ("user", new), ("admin", "0")],
        )
        .await;
    assert_eq!(a.status, 303);
    let mut demoted = Visitor::new(&server, "");
    demoted.login_as(new, fresh, "/").await;
    assert_eq!(demoted.get("/admin/apps").await.status, 403);
    server.stop().await;
}

#[tokio::test]
async fn an_admin_cannot_disable_themselves_or_drop_their_own_role() {
    let server = server().await;
    let (mut v, csrf) = admin_visitor(&server).await;
    let page = v.get("/admin/accounts").await;
    let me = row(&page.body, "data-account", ADMIN);
    assert!(
        !me.contains("Disable") && !me.contains("Remove admin"),
        "{me}"
    );
    let a = v
        .post(
            "/admin/accounts/state",
            &[("csrf", &csrf), ("user", ADMIN), ("action", "disable")],
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("You cannot disable your own account."));
    let a = v
        .post(
            "/admin/accounts/role",
            &[("csrf", &csrf), ("user", ADMIN), ("admin", "0")],
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(
        a.body
            .contains("You cannot remove your own administrator role.")
    );
    assert_eq!(v.get("/admin/accounts").await.status, 200, "still an admin");
    assert!(can_login(&server, ADMIN, PASSWORD).await);
    server.stop().await;
}
