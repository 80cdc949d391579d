//! Accounts: uniqueness, Unicode, updates, search, login bookkeeping, cascades.

use super::*;
use crate::directory::{AccountQuery, AccountState, AccountUpdate, OAuthToken, Page, TokenKind};

pub(crate) async fn create_and_get_keep_every_field(h: &mut Harness) {
    let s = h.store();
    let mut new = NewAccount::new("Zoë.Ångström@Exämple.org", "Zoë", "Ångström-日本")
        .with_password_hash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
        .with_state(AccountState::Active);
    new.department = "Cardiología".into();
    new.role = "physician".into();
    let created = s.create_account(new, T0).await.unwrap();
    assert_eq!(created.id.as_str(), "zoë.ångström@exämple.org");
    assert_eq!(created.email, "Zoë.Ångström@Exämple.org");
    assert_eq!(created.created_at, T0);
    assert_eq!(created.updated_at, T0);
    assert_eq!(created.failed_login_count, 0);
    assert_eq!(created.last_login_at, None);

    let read = s
        .get_account(&account_id("ZOË.ÅNGSTRÖM@EXÄMPLE.ORG"))
        .await
        .unwrap()
        .expect("found under any case");
    assert_eq!(read, created);
    assert_eq!(read.given_name, "Zoë");
    assert_eq!(read.family_name, "Ångström-日本");
    assert_eq!(read.department, "Cardiología");
    assert_eq!(read.role, "physician");
    assert_eq!(read.state, AccountState::Active);
    assert_eq!(
        read.password_hash.as_deref(),
        Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
    );
    assert!(
        s.get_account(&account_id("nobody@x.org"))
            .await
            .unwrap()
            .is_none()
    );
}

pub(crate) async fn ids_are_unique_case_insensitively(h: &mut Harness) {
    let s = h.store();
    make_account(s, "Alice@Example.org").await;
    assert_error(
        s.create_account(NewAccount::new("alice@EXAMPLE.ORG", "A", "B"), T0)
            .await,
        ErrorKind::Conflict,
        "alice@example.org",
    );
    make_account(s, "élodie@exemple.fr").await;
    assert_error(
        s.create_account(NewAccount::new("ÉLODIE@EXEMPLE.FR", "É", "L"), T0)
            .await,
        ErrorKind::Conflict,
        "élodie@exemple.fr",
    );
    make_account(s, "bob@example.org").await;
    let all = s
        .search_accounts(&AccountQuery::all(), Page::first(10))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 3);
}

pub(crate) async fn update_changes_only_what_is_given(h: &mut Harness) {
    let s = h.store();
    let id = make_account(s, "carol@example.org").await.id;
    let updated = s
        .update_account(
            &id,
            AccountUpdate::default()
                .names("Carola", "Ñúñez")
                .password_hash("$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA")
                .state(AccountState::Disabled),
            at(10),
        )
        .await
        .unwrap();
    assert_eq!(updated.given_name, "Carola");
    assert_eq!(updated.family_name, "Ñúñez");
    assert_eq!(updated.department, "");
    assert_eq!(updated.state, AccountState::Disabled);
    assert_eq!(updated.created_at, T0);
    assert_eq!(updated.updated_at, at(10));
    let again = s
        .update_account(&id, AccountUpdate::default().role("nurse"), at(20))
        .await
        .unwrap();
    assert_eq!(again.role, "nurse");
    assert_eq!(again.given_name, "Carola");
    assert_eq!(
        again.password_hash.as_deref(),
        Some("$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA")
    );
    assert_eq!(s.get_account(&id).await.unwrap(), Some(again));
    assert_error(
        s.update_account(
            &account_id("ghost@example.org"),
            AccountUpdate::default(),
            T0,
        )
        .await,
        ErrorKind::NotFound,
        "ghost@example.org",
    );
}

pub(crate) async fn search_by_name_prefix_pages_in_order(h: &mut Harness) {
    let s = h.store();
    let people = [
        ("smith.j@x.org", "John", "Smith"),
        ("smythe@x.org", "Anna", "SMYTHE"),
        ("sm@x.org", "Émile", "smédley"),
        ("jones@x.org", "Jon", "Jones"),
        ("smith.a@x.org", "Ann", "smith"),
        ("o@x.org", "Åsa", "Östberg"),
        ("w@x.org", "Walter", "White"),
    ];
    for (email, given, family) in people {
        s.create_account(NewAccount::new(email, given, family), T0)
            .await
            .unwrap();
    }
    let ids = |accounts: &[Account]| -> Vec<String> {
        accounts.iter().map(|a| a.id.as_str().to_owned()).collect()
    };
    let sm = s
        .search_accounts(
            &AccountQuery::all().family_name_prefix("SM"),
            Page::first(50),
        )
        .await
        .unwrap();
    // family key, then given key, then id: "smith"/"ann", "smith"/"john", "smythe", "smédley"
    assert_eq!(
        ids(&sm.items),
        ["smith.a@x.org", "smith.j@x.org", "smythe@x.org", "sm@x.org"]
    );
    assert_eq!(sm.next, None);
    let jo = s
        .search_accounts(
            &AccountQuery::all()
                .given_name_prefix("jo")
                .family_name_prefix("s"),
            Page::first(50),
        )
        .await
        .unwrap();
    assert_eq!(ids(&jo.items), ["smith.j@x.org"]);
    let unicode = s
        .search_accounts(
            &AccountQuery::all().family_name_prefix("öST"),
            Page::first(5),
        )
        .await
        .unwrap();
    assert_eq!(ids(&unicode.items), ["o@x.org"]);
    let none = s
        .search_accounts(&AccountQuery::all().family_name_prefix("%"), Page::first(5))
        .await
        .unwrap();
    assert!(none.items.is_empty());

    // Paging through everything, three at a time, visits each account once, in order.
    let mut seen = Vec::new();
    let mut page = Some(Page::first(3));
    while let Some(p) = page {
        let got = s.search_accounts(&AccountQuery::all(), p).await.unwrap();
        assert!(got.items.len() <= 3);
        seen.extend(ids(&got.items));
        page = got.next;
    }
    assert_eq!(
        seen,
        [
            "jones@x.org",
            "smith.a@x.org",
            "smith.j@x.org",
            "smythe@x.org",
            "sm@x.org",
            "w@x.org",
            "o@x.org",
        ]
    );
    let past_end = s
        .search_accounts(&AccountQuery::all(), Page::new(100, 3))
        .await
        .unwrap();
    assert!(past_end.items.is_empty() && past_end.next.is_none());
}

pub(crate) async fn login_bookkeeping_and_lockout(h: &mut Harness) {
    let s = h.store();
    let id = s
        .create_account(
            NewAccount::new("dave@example.org", "Dave", "D").with_state(AccountState::Active),
            T0,
        )
        .await
        .unwrap()
        .id;
    let ok = s.record_login_success(&id, at(1)).await.unwrap();
    assert_eq!((ok.total_login_count, ok.last_login_at), (1, Some(at(1))));
    for n in 1..=2 {
        let failed = s
            .record_login_failure(&id, at(1 + n), Some(3))
            .await
            .unwrap();
        assert_eq!(failed.failed_login_count, n as u32);
        assert_eq!(failed.state, AccountState::Active);
        assert_eq!(failed.last_failed_login_at, Some(at(1 + n)));
    }
    let locked = s.record_login_failure(&id, at(4), Some(3)).await.unwrap();
    assert_eq!(
        (locked.failed_login_count, locked.state),
        (3, AccountState::Locked)
    );
    // A success does not unlock; an explicit update to Active does, and resets the count.
    let still = s.record_login_success(&id, at(5)).await.unwrap();
    assert_eq!(still.state, AccountState::Locked);
    s.record_login_failure(&id, at(6), Some(3)).await.unwrap();
    let unlocked = s
        .update_account(
            &id,
            AccountUpdate::default().state(AccountState::Active),
            at(7),
        )
        .await
        .unwrap();
    assert_eq!(
        (unlocked.state, unlocked.failed_login_count),
        (AccountState::Active, 0)
    );

    // An account an administrator disabled stays disabled whatever happens at login.
    s.update_account(
        &id,
        AccountUpdate::default().state(AccountState::Disabled),
        at(8),
    )
    .await
    .unwrap();
    for n in 0..5 {
        s.record_login_failure(&id, at(9 + n), Some(3))
            .await
            .unwrap();
    }
    let disabled = s.get_account(&id).await.unwrap().unwrap();
    assert_eq!(
        (disabled.state, disabled.failed_login_count),
        (AccountState::Disabled, 5)
    );
    let no_limit = s.record_login_failure(&id, at(20), None).await.unwrap();
    assert_eq!(no_limit.failed_login_count, 6);
    assert_error(
        s.record_login_success(&account_id("nobody@example.org"), T0)
            .await,
        ErrorKind::NotFound,
        "nobody@example.org",
    );
    assert_error(
        s.record_login_failure(&account_id("nobody@example.org"), T0, Some(3))
            .await,
        ErrorKind::NotFound,
        "nobody@example.org",
    );
}

pub(crate) async fn concurrent_failed_logins_are_all_counted(h: &mut Harness) {
    let id = make_account(h.store(), "erin@example.org").await.id;
    let tasks: Vec<_> = (0..16)
        .map(|n| {
            let store = h.shared();
            let id = id.clone();
            tokio::spawn(async move { store.record_login_failure(&id, at(n), None).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let account = h.store().get_account(&id).await.unwrap().unwrap();
    assert_eq!(account.failed_login_count, 16);
}

pub(crate) async fn delete_cascades_to_what_the_account_owns(h: &mut Harness) {
    let s = h.store();
    let gone = make_account(s, "frank@example.org").await.id;
    let kept = make_account(s, "grace@example.org").await.id;
    let app = make_app(s, "app@apps.example.org").await.id;
    let r = record("100");
    for (n, who) in [&gone, &kept].into_iter().enumerate() {
        let token = OAuthToken::new(
            format!("tok{n}"),
            "sec",
            TokenKind::AccessRest,
            Some(app.clone()),
            T0,
            at(3600),
        )
        .with_account(who.clone())
        .with_record(r.clone());
        s.insert_token(token).await.unwrap();
        s.grant_share(who, Some(&r), &app, T0).await.unwrap();
        s.put_preferences(who, &app, "text/plain", b"p", T0)
            .await
            .unwrap();
        s.set_app_enabled(who, &app, true, T0).await.unwrap();
    }
    assert!(
        s.delete_account(&account_id("FRANK@example.org"))
            .await
            .unwrap()
    );
    assert!(!s.delete_account(&gone).await.unwrap());
    assert!(s.get_account(&gone).await.unwrap().is_none());
    assert!(s.get_token("tok0", T0).await.unwrap().is_none());
    assert!(s.get_share(&gone, Some(&r), &app).await.unwrap().is_none());
    assert!(s.get_preferences(&gone, &app).await.unwrap().is_none());
    assert!(s.get_token("tok1", T0).await.unwrap().is_some());
    assert!(s.get_share(&kept, Some(&r), &app).await.unwrap().is_some());
    assert!(s.get_preferences(&kept, &app).await.unwrap().is_some());
    // Recreating the account starts from nothing.
    make_account(s, "frank@example.org").await;
    assert!(s.list_account_shares(&gone).await.unwrap().is_empty());
}

pub(crate) async fn malformed_input_is_invalid(h: &mut Harness) {
    let s = h.store();
    for bad in ["", "with space@x.org", "a/b@x.org", "tab\t@x.org"] {
        assert_error(
            s.create_account(NewAccount::new(bad, "A", "B"), T0).await,
            ErrorKind::Invalid,
            "user id",
        );
    }
    assert_error(
        s.create_account(NewAccount::new("long@x.org", "n".repeat(201), "B"), T0)
            .await,
        ErrorKind::Invalid,
        "given name",
    );
    assert_error(
        s.create_account(NewAccount::new("ctl@x.org", "A\u{7}", "B"), T0)
            .await,
        ErrorKind::Invalid,
        "ctl@x.org",
    );
    let id = make_account(s, "ok@x.org").await.id;
    assert_error(
        s.update_account(&id, AccountUpdate::default().password_hash("has space"), T0)
            .await,
        ErrorKind::Invalid,
        "password hash",
    );
    assert!(
        s.search_accounts(&AccountQuery::all(), Page::first(0))
            .await
            .is_ok()
    );
}

pub(crate) async fn reset_tickets_are_single_use_and_one_per_account(h: &mut Harness) {
    use crate::directory::ResetTicket;
    use smart_auth::Timestamp;
    let s = h.store();
    let dana = make_account(s, "dana@example.org").await.id;
    let erin = make_account(s, "erin@example.org").await.id;
    let until = Timestamp::from_unix_secs(1_700_003_600);
    s.put_reset_ticket(ResetTicket::new([1; 32], dana.clone(), until))
        .await
        .unwrap();
    // A second ticket of the same account replaces the first.
    s.put_reset_ticket(ResetTicket::new([2; 32], dana.clone(), until))
        .await
        .unwrap();
    s.put_reset_ticket(ResetTicket::new([3; 32], erin.clone(), until))
        .await
        .unwrap();
    assert_eq!(s.take_reset_ticket(&[1; 32]).await.unwrap(), None);
    h.reopen().await;
    let s = h.store();
    assert_eq!(
        s.take_reset_ticket(&[2; 32]).await.unwrap(),
        Some(ResetTicket::new([2; 32], dana.clone(), until))
    );
    assert_eq!(
        s.take_reset_ticket(&[2; 32]).await.unwrap(),
        None,
        "single use"
    );
    assert_error(
        s.put_reset_ticket(ResetTicket::new([4; 32], account_id("nobody@x.org"), until))
            .await,
        ErrorKind::NotFound,
        "nobody@x.org",
    );
    // Deleting the account deletes its ticket.
    assert!(s.delete_account(&erin).await.unwrap());
    assert_eq!(s.take_reset_ticket(&[3; 32]).await.unwrap(), None);
}
