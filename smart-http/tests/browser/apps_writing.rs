//! The bundled apps that write: the preferences and scratchpad demo, and the notes and
//! documents app (a note written in the app is read back through a signed API GET).
//! Split from apps.rs, which has the apps that only read and the shared helpers.

use crate::app_data::{LETTER, ROSALIND, ensure_rosalind};
use crate::apps::{app_screenshot, app_text, assert_has, open_app};
use crate::world::{GRACE, World};
use serde_json::json;
use smart_core::RecordId;
use std::sync::Arc;

pub const PREFERENCES: &str = "preferences-scratchpad@apps.smart-rs.local";

/// Clicks `button` in the app `uuid` and waits until `#status` reads `expect`.
async fn click_and_wait(world: &World, uuid: &str, button: &str, status: &str, expect: &str) {
    let b = &world.browser;
    b.enter_app(uuid).await;
    b.wait_css(button).await.click().await.unwrap();
    b.wait_js(
        expect,
        "var e = document.querySelector(arguments[0]); return !!e && e.textContent === arguments[1];",
        vec![json!(status), json!(expect)],
    )
    .await;
    b.leave_frame().await;
}

pub async fn app_preferences_and_scratchpad(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let directory = world.server.container.directory();
    let app = smart_store::directory::AppId::new(PREFERENCES).unwrap();
    let user = smart_auth::UserId::new(crate::world::USER).unwrap();
    let record = RecordId::new(ROSALIND.id).unwrap();
    let other = RecordId::new(GRACE.id).unwrap();
    directory.delete_preferences(&user, &app).await.unwrap();
    directory.delete_scratchpad(&record, &app).await.unwrap();
    directory.delete_scratchpad(&other, &app).await.unwrap();

    let uuid = open_app(&world, ROSALIND, PREFERENCES).await;
    assert_eq!(
        app_text(&world, &uuid, "#pref-raw").await,
        "(nothing stored)"
    );
    assert_eq!(
        app_text(&world, &uuid, "#pad-raw").await,
        "(nothing stored)"
    );
    {
        let b = &world.browser;
        b.enter_app(&uuid).await;
        b.js(
            "document.getElementById('pref-units').value = 'imperial';\
             document.getElementById('pref-codes').checked = true; return true;",
            vec![],
        )
        .await;
        b.wait_css("#pref-greeting")
            .await
            .send_keys("Hello from the test")
            .await
            .unwrap();
        b.wait_css("#pad-text")
            .await
            .send_keys("Call the patient on Monday")
            .await
            .unwrap();
        b.leave_frame().await;
    }
    click_and_wait(
        &world,
        &uuid,
        "#pref-save",
        "#pref-status",
        "Preferences saved.",
    )
    .await;
    click_and_wait(
        &world,
        &uuid,
        "#pad-save",
        "#pad-status",
        "Scratchpad saved.",
    )
    .await;
    app_screenshot(&world, &uuid, "app-preferences").await;

    // Stored by the container: preferences as JSON for the user, the scratchpad as text
    // for the record.
    let prefs = directory
        .get_preferences(&user, &app)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(prefs.content_type, "application/json");
    let prefs: serde_json::Value = serde_json::from_slice(&prefs.data).unwrap();
    assert_eq!(
        prefs,
        json!({"units": "imperial", "showCodes": true, "greeting": "Hello from the test"})
    );
    let pad = directory
        .get_scratchpad(&record, &app)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pad.content_type, "text/plain");
    assert_eq!(pad.data, b"Call the patient on Monday");

    // Another patient: the same preferences, an empty scratchpad.
    let uuid = open_app(&world, GRACE, PREFERENCES).await;
    world.browser.enter_app(&uuid).await;
    let form = world
        .browser
        .js(
            "return [document.getElementById('pref-units').value, document.getElementById('pref-codes').checked,\
                     document.getElementById('pref-greeting').value, document.getElementById('pad-text').value];",
            vec![],
        )
        .await;
    world.browser.leave_frame().await;
    assert_eq!(form, json!(["imperial", true, "Hello from the test", ""]));
    assert_eq!(
        app_text(&world, &uuid, "#pad-raw").await,
        "(nothing stored)"
    );

    // Back on the first patient: the scratchpad is there; clearing deletes it.
    let uuid = open_app(&world, ROSALIND, PREFERENCES).await;
    assert_eq!(
        app_text(&world, &uuid, "#pad-raw").await,
        "Call the patient on Monday"
    );
    click_and_wait(
        &world,
        &uuid,
        "#pad-clear",
        "#pad-status",
        "Scratchpad cleared.",
    )
    .await;
    assert!(
        directory
            .get_scratchpad(&record, &app)
            .await
            .unwrap()
            .is_none()
    );
    click_and_wait(
        &world,
        &uuid,
        "#pref-clear",
        "#pref-status",
        "Preferences cleared.",
    )
    .await;
    assert!(
        directory
            .get_preferences(&user, &app)
            .await
            .unwrap()
            .is_none()
    );
}

pub const NOTES: &str = "notes-documents@apps.smart-rs.local";

pub async fn app_notes_list_write_and_documents(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, NOTES).await;
    let notes = app_text(&world, &uuid, "#notes").await;
    assert_has(
        &notes,
        &[
            "Cardiology follow-up",
            "2023-06-10",
            "BP improving on lisinopril.",
        ],
    );
    let docs = app_text(&world, &uuid, "#documents").await;
    assert_has(
        &docs,
        &[
            "2023-06-11",
            "Discharge letter",
            "discharge-letter.txt",
            "text/plain",
            &format!("{} bytes", LETTER.len()),
        ],
    );
    assert_has(&docs, &["2023-06-09", "ECG strip", "ecg.png", "image/png"]);
    // The photograph: binary bytes through the channel, decoded into an image (3×2).
    let b = &world.browser;
    b.enter_app(&uuid).await;
    b.wait_js(
        "the photograph",
        "var i = document.getElementById('photograph'); return !!i && i.complete && i.naturalWidth === 3 && i.naturalHeight === 2;",
        vec![],
    )
    .await;
    // The image document previews the same way.
    b.wait_css("#documents tbody tr:nth-child(2) button.preview")
        .await
        .click()
        .await
        .unwrap();
    b.wait_js(
        "the image preview",
        "var i = document.getElementById('preview-image'); return !!i && i.complete && i.naturalWidth === 3;",
        vec![],
    )
    .await;
    // Preview of the text document: the raw content through the channel.
    b.wait_css("#documents tbody tr:nth-child(1) button.preview")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("#preview-text").await;
    let shown = b
        .js(
            "return document.getElementById('preview-text').textContent;",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(LETTER));
    // Write a note (with characters that must be escaped in XML).
    let title = "Telephone call <follow-up> & plan";
    let text = "Patient reports no dizziness. Recheck BP in 3 months.";
    b.wait_css("#note-title")
        .await
        .send_keys(title)
        .await
        .unwrap();
    b.wait_css("#note-text")
        .await
        .send_keys(text)
        .await
        .unwrap();
    b.wait_css("#note-save").await.click().await.unwrap();
    b.wait_js(
        "the note to be saved",
        "var s = document.getElementById('note-status'); return !!s && s.textContent.indexOf('Note saved as ') === 0;",
        vec![],
    )
    .await;
    b.wait_js(
        "the new note in the list",
        "return document.getElementById('notes').innerText.indexOf(arguments[0]) >= 0;",
        vec![json!(title)],
    )
    .await;
    b.leave_frame().await;
    app_screenshot(&world, &uuid, "app-notes").await;
    // A signed API GET (another app, with a background token) returns the new note.
    let app = world
        .server
        .background_app("notes-reader@tests.smart-rs.org")
        .await;
    let creds = world.server.background_token(&app, ROSALIND.id).await;
    let r = world
        .server
        .get(&creds, &format!("/records/{}/clinical_notes/", ROSALIND.id))
        .await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert_has(
        &body,
        &[
            "Telephone call &lt;follow-up&gt; &amp; plan",
            text,
            "Cardiology follow-up",
        ],
    );
}

pub async fn app_notes_empty_record(world: Arc<World>) {
    let uuid = open_app(&world, GRACE, NOTES).await;
    let text = app_text(&world, &uuid, "#app").await;
    assert_has(
        &text,
        &[
            "No clinical notes recorded",
            "No documents recorded",
            "No photograph recorded",
        ],
    );
}
