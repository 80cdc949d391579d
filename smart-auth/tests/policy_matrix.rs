//! The access policy as a matrix: generated principals × every endpoint × generated
//! targets. Each decision is compared with an oracle written from the spec's prose, and
//! every call aimed at a record, app or user other than the principal's is checked to be
//! denied.

use smart_auth::policy::{ContainerEndpoint as C, Decision, Endpoint, Target, decide};
use smart_auth::{AccessKind, AppId, Principal, UserId};
use smart_core::RecordId;
use smart_core::catalog::{CALLS, Category};
use smart_core::manifest::AppMode;

fn r(s: &str) -> RecordId {
    RecordId::new(s).unwrap()
}
fn a(s: &str) -> AppId {
    AppId::new(s).unwrap()
}
fn u(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

fn principals() -> Vec<Principal> {
    let mut out = vec![
        Principal::Ui,
        Principal::Admin {
            consumer: "admin".into(),
        },
    ];
    for user in ["u1@x", "u2@x"] {
        for admin in [false, true] {
            for limited_to in [None, Some(r("1"))] {
                out.push(Principal::Session {
                    user: u(user),
                    admin,
                    limited_to,
                });
            }
        }
    }
    for app in ["a1@x", "a2@x"] {
        for mode in [AppMode::Ui, AppMode::FrameUi, AppMode::Background] {
            out.push(Principal::App { app: a(app), mode });
        }
        for record in [None, Some(r("1"))] {
            out.push(Principal::RequestToken {
                app: a(app),
                record,
            });
        }
        for access in [AccessKind::Rest, AccessKind::Connect] {
            for mode in [AppMode::Ui, AppMode::FrameUi] {
                for record in [None, Some(r("1")), Some(r("2"))] {
                    for user in ["u1@x", "u2@x"] {
                        out.push(Principal::Token {
                            access,
                            app: a(app),
                            mode,
                            record: record.clone(),
                            user: Some(u(user)),
                        });
                    }
                }
            }
        }
        for record in ["1", "2"] {
            out.push(Principal::Token {
                access: AccessKind::Background,
                app: a(app),
                mode: AppMode::Background,
                record: Some(r(record)),
                user: None,
            });
        }
    }
    out
}

fn targets() -> Vec<Target> {
    let mut out = Vec::new();
    for record in [None, Some("1"), Some("2"), Some("3")] {
        for app in [None, Some("a1@x"), Some("a2@x"), Some("a3@x")] {
            for user in [None, Some("u1@x"), Some("u2@x"), Some("u3@x")] {
                let mut t = Target::new();
                t.record = record.map(r);
                t.app = app.map(a);
                t.user = user.map(u);
                out.push(t);
            }
        }
    }
    let mut bad = Target::new().with_record(r("1"));
    bad.invalid = true;
    out.push(bad);
    out
}

fn endpoints() -> Vec<Endpoint> {
    CALLS
        .iter()
        .map(Endpoint::Api)
        .chain(C::ALL.into_iter().map(Endpoint::Container))
        .collect()
}

fn same<T: PartialEq>(x: Option<&T>, y: Option<&T>) -> bool {
    matches!((x, y), (Some(x), Some(y)) if x == y)
}

/// The spec's rules, restated independently of the table.
fn oracle(p: Option<&Principal>, e: Endpoint, t: &Target) -> Decision {
    let public = match e {
        Endpoint::Api(c) => matches!(c.name, "get_container_manifest" | "get_ontology"),
        Endpoint::Container(c) => c == C::ListApps,
        _ => false,
    };
    if public {
        return Decision::Allow;
    }
    let Some(p) = p else {
        return Decision::Unauthenticated;
    };
    if t.invalid {
        return Decision::Forbidden;
    }
    let token = |p: &Principal| matches!(p, Principal::Token { .. });
    let user_token = |p: &Principal| matches!(p, Principal::Token { access, .. } if *access != AccessKind::Background);
    let unlimited_session = matches!(
        p,
        Principal::Session {
            limited_to: None,
            ..
        }
    );
    let session = matches!(p, Principal::Session { .. });
    let session_in_scope = match p {
        Principal::Session { limited_to, .. } => {
            limited_to.is_none() || t.record.is_none() || limited_to.as_ref() == t.record.as_ref()
        }
        _ => false,
    };
    let admin = matches!(
        p,
        Principal::Admin { .. } | Principal::Session { admin: true, .. }
    );
    let user_eq = same(p.user(), t.user.as_ref());
    let app_eq = same(p.app(), t.app.as_ref());
    let record_eq = same(p.record(), t.record.as_ref());
    let allowed = match e {
        Endpoint::Api(c) => match c.name {
            "get_app_manifests" | "get_app_manifest" => {
                !matches!(p, Principal::RequestToken { .. })
            }
            "search_records" => unlimited_session,
            "search_users" => unlimited_session || matches!(p, Principal::Admin { .. }),
            "get_user" => {
                ((session || user_token(p)) && user_eq) || matches!(p, Principal::Admin { .. })
            }
            "put_scratchpad_data" | "delete_scratchpad_data" => token(p) && record_eq && app_eq,
            _ if c.category == Category::Record => token(p) && record_eq,
            _ if c.category == Category::User => user_token(p) && user_eq && app_eq,
            other => panic!("no oracle for {other}"),
        },
        Endpoint::Container(c) => match c {
            C::RequestToken => {
                matches!(p, Principal::App { mode, .. } if *mode != AppMode::Background)
            }
            C::AccessToken => matches!(p, Principal::RequestToken { .. }),
            C::Login | C::RegisterAccount | C::RequestPasswordReset | C::ResetPassword => {
                *p == Principal::Ui
            }
            C::Logout => session,
            C::AuthorizeInfo | C::AuthorizeApprove => session_in_scope,
            C::Launch | C::SharedLinks => session_in_scope && user_eq,
            C::AccountInfo
            | C::AccountApps
            | C::AccountShares
            | C::RevokeShare
            | C::ChangePassword => session && user_eq,
            C::BackgroundTokens => {
                matches!(
                    p,
                    Principal::App {
                        mode: AppMode::Background,
                        ..
                    }
                ) && app_eq
            }
            C::RegisterApp
            | C::ReplaceApp
            | C::DeleteApp
            | C::AppCredentials
            | C::SetAppEnabled
            | C::CreateAccount
            | C::SetAccountState => admin,
            other => panic!("no oracle for {other:?}"),
        },
        _ => false,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

#[test]
fn the_table_matches_the_spec_for_every_combination() {
    let principals = principals();
    let targets = targets();
    let endpoints = endpoints();
    let mut size = 0usize;
    let mut allowed = 0usize;
    for e in &endpoints {
        for t in &targets {
            for p in std::iter::once(None).chain(principals.iter().map(Some)) {
                let got = decide(p, *e, t);
                let want = oracle(p, *e, t);
                assert_eq!(got, want, "{e:?} {p:?} {t:?}");
                size += 1;
                allowed += usize::from(got == Decision::Allow);
            }
        }
    }
    println!(
        "policy matrix: {} endpoints x {} targets x {} principals (incl. anonymous) = {size} decisions, {allowed} allowed",
        endpoints.len(),
        targets.len(),
        principals.len() + 1
    );
    assert_eq!(
        size,
        endpoints.len() * targets.len() * (principals.len() + 1)
    );
}

#[test]
fn nothing_aimed_at_another_record_app_or_user_is_allowed() {
    let principals = principals();
    let targets = targets();
    let mut checked = 0usize;
    for e in endpoints() {
        for t in &targets {
            for p in &principals {
                if decide(Some(p), e, t) != Decision::Allow {
                    continue;
                }
                let path_vars = match e {
                    Endpoint::Api(c) => c.path.to_owned(),
                    _ => String::new(),
                };
                // A token aimed at a record must be aimed at its own record.
                if path_vars.contains("{record_id}") {
                    assert!(same(p.record(), t.record.as_ref()), "{e:?} {p:?} {t:?}");
                }
                // Calls about a user are about the principal's own user (admins excepted
                // for reading profiles).
                if path_vars.contains("{user_id}") && !p.is_admin() {
                    assert!(same(p.user(), t.user.as_ref()), "{e:?} {p:?} {t:?}");
                }
                // Writes to app data and user preferences are the app's own.
                if let Endpoint::Api(c) = e {
                    if c.path.contains("{smart_app_id}") && c.name != "get_scratchpad_data" {
                        assert!(same(p.app(), t.app.as_ref()), "{e:?} {p:?} {t:?}");
                    }
                }
                if let Endpoint::Container(c) = e {
                    match c {
                        C::BackgroundTokens => assert!(same(p.app(), t.app.as_ref())),
                        C::Launch
                        | C::SharedLinks
                        | C::AccountInfo
                        | C::AccountApps
                        | C::AccountShares
                        | C::RevokeShare
                        | C::ChangePassword => {
                            assert!(same(p.user(), t.user.as_ref()))
                        }
                        _ => {}
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

#[test]
fn the_ui_principal_reads_no_clinical_data_and_no_app_secrets() {
    let t = Target::new()
        .with_record(r("1"))
        .with_app(a("a1@x"))
        .with_user(u("u1@x"));
    for call in CALLS {
        if call.category != Category::Container {
            assert_eq!(
                decide(Some(&Principal::Ui), Endpoint::Api(call), &t),
                Decision::Forbidden
            );
        }
    }
    assert_eq!(
        decide(Some(&Principal::Ui), C::AppCredentials.into(), &t),
        Decision::Forbidden
    );
    // Nor does a plain (non-admin) session, nor an administrator.
    let session = Principal::Session {
        user: u("u1@x"),
        admin: true,
        limited_to: None,
    };
    let meds = Endpoint::api("get_medications").unwrap();
    assert_eq!(decide(Some(&session), meds, &t), Decision::Forbidden);
    assert_eq!(
        decide(
            Some(&Principal::Admin {
                consumer: "admin".into()
            }),
            meds,
            &t
        ),
        Decision::Forbidden
    );
}

#[test]
fn a_read_only_caller_reads_but_never_writes() {
    use smart_auth::policy::{decide_with, read_only_allows};
    use smart_core::catalog::HttpMethod;
    let principals = principals();
    let targets = targets();
    let mut refused = 0usize;
    for e in endpoints() {
        let reads = match e {
            Endpoint::Api(call) => call.method == HttpMethod::Get,
            Endpoint::Container(c) => matches!(
                c,
                C::ListApps
                    | C::Logout
                    | C::AuthorizeInfo
                    | C::Launch
                    | C::AccountInfo
                    | C::AccountApps
                    | C::AccountShares
            ),
            _ => false,
        };
        assert_eq!(read_only_allows(e), reads, "{e:?}");
        for t in &targets {
            for p in &principals {
                let full = decide(Some(p), e, t);
                let ro = decide_with(Some(p), true, e, t);
                assert_eq!(decide_with(Some(p), false, e, t), full, "{e:?}");
                match full {
                    Decision::Allow if !reads => {
                        assert_eq!(ro, Decision::ReadOnly, "{e:?} {p:?} {t:?}");
                        refused += 1;
                    }
                    other => assert_eq!(ro, other, "{e:?} {p:?} {t:?}"),
                }
            }
        }
    }
    assert!(
        refused > 100,
        "writes that only read-only refuses: {refused}"
    );
    let writes = [
        "post_clinical_note",
        "put_scratchpad_data",
        "put_user_preferences",
    ];
    for name in writes {
        assert!(!read_only_allows(Endpoint::api(name).unwrap()), "{name}");
    }
    for c in [
        C::ChangePassword,
        C::AuthorizeApprove,
        C::SharedLinks,
        C::RevokeShare,
    ] {
        assert!(!read_only_allows(Endpoint::Container(c)), "{c:?}");
    }
}
