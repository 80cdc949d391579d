//! Properties of the public API that the HTTP layer relies on: the provider can be shared
//! between threads, and its futures can run on a multi-threaded executor.

mod common;

use common::*;
use smart_auth::oauth::Request;
use smart_auth::provider::RecordCursor;
use smart_auth::{AppId, Provider, UserId};

fn send<T: Send>(_: &T) {}
fn shared<T: Send + Sync + 'static>() {}

#[test]
fn the_provider_and_its_futures_are_thread_safe() {
    shared::<Provider>();
    shared::<smart_auth::Stores>();
    shared::<smart_auth::nonce::MemoryNonceStore>();
    shared::<smart_auth::directory::MemoryDirectory>();

    let w = World::new();
    let req = Request::new("GET", "/apps/");
    send(&w.provider.authenticate(&req));
    let ui = w.as_ui();
    send(&w.provider.login(&ui, "a@example.org", "pw"));
    send(&w.provider.logout(&ui));
    send(&w.provider.request_token(&ui));
    send(
        &w.provider
            .approve(&ui, "t", smart_auth::provider::Remember::No),
    );
    send(&w.provider.deny(&ui, "t"));
    send(&w.provider.access_token(&ui));
    let user = UserId::new("a@example.org").unwrap();
    let app = AppId::new("a@x").unwrap();
    send(&w.provider.launch(&ui, &user, &app, None));
    send(&w.provider.background_token(&ui, &app, RecordCursor::First));
    send(&w.provider.app_credentials(&ui, &app));
    send(&w.provider.reset_password(&ui, "c", "p"));
}
