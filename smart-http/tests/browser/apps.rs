//! The bundled apps, launched from the UI on patients whose data the tests wrote: each
//! shows that data (names, values, dates), an empty record shows the empty states, and an
//! API failure is shown to the user. Screenshots of each app go to target/ui-screenshots/.
//! The apps that write (preferences and scratchpad, notes) are in apps_writing.rs.

use crate::app_data::{
    OLIVER, OLIVER_GROWTH, ROSALIND, ensure_oliver, ensure_rosalind, expected_percentile, ordinal,
};
use crate::world::{GRACE, Patient, World};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

pub const SUMMARY: &str = "patient-summary@apps.smart-rs.local";

/// Opens `app` on `patient` from the UI; waits until the app has rendered (its main
/// element's `data-state` is `done` or `error`); its uuid.
pub async fn open_app(world: &World, patient: Patient, app: &str) -> String {
    world.fresh_record_view(patient).await;
    let uuid = world.launch(app).await;
    wait_rendered(world, &uuid).await;
    uuid
}

/// Waits until the app in frame `uuid` has rendered.
pub async fn wait_rendered(world: &World, uuid: &str) {
    let b = &world.browser;
    b.enter_app(uuid).await;
    b.wait_js(
        "the app to render",
        "var m = document.getElementById('app'); return !!m && (m.getAttribute('data-state') === 'done' || m.getAttribute('data-state') === 'error');",
        vec![],
    )
    .await;
    b.leave_frame().await;
}

/// The visible text of the app in frame `uuid` (or of one element of it).
pub async fn app_text(world: &World, uuid: &str, css: &str) -> String {
    let b = &world.browser;
    b.enter_app(uuid).await;
    let v = b
        .js(
            "var e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
            vec![json!(css)],
        )
        .await;
    b.leave_frame().await;
    v.as_str()
        .unwrap_or_else(|| panic!("no element {css} in the app"))
        .to_owned()
}

/// A screenshot of the record view with the app `uuid`, both scrolled to the top, in a
/// taller window (for the README).
pub async fn app_screenshot(world: &World, uuid: &str, name: &str) {
    let b = &world.browser;
    b.enter_app(uuid).await;
    b.js("window.scrollTo(0, 0); return true;", vec![]).await;
    b.leave_frame().await;
    b.js("window.scrollTo(0, 0); return true;", vec![]).await;
    let _ = b.client.set_window_size(1280, 1000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    b.screenshot(name).await;
    let _ = b.client.set_window_size(1280, 800).await;
}

pub fn assert_has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "expected {n:?} in:\n{text}");
    }
}

pub fn assert_lacks(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(!text.contains(n), "did not expect {n:?} in:\n{text}");
    }
}

pub async fn app_summary_shows_the_face_sheet(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, SUMMARY).await;
    // The app runs on the apps origin, not the UI's.
    let src = world
        .browser
        .js(
            "return document.querySelector('iframe[data-uuid=\"' + arguments[0] + '\"]').src;",
            vec![json!(uuid)],
        )
        .await;
    let src = src.as_str().unwrap();
    assert!(
        src.starts_with(&format!("{}/summary/?", world.apps_origin)),
        "{src}"
    );
    assert_eq!(
        app_text(&world, &uuid, "#patient").await,
        "Rosalind Franklin"
    );
    let demo = app_text(&world, &uuid, "#demographics").await;
    assert_has(
        &demo,
        &[
            "Rosalind Franklin",
            "female",
            "1950-07-25",
            "22 Donovan Street, London, NW3 1AB",
        ],
    );
    let allergies = app_text(&world, &uuid, "#allergies").await;
    assert_has(&allergies, &["Penicillin G", "Hives", "Moderate"]);
    // Active problems only: hypertension, not the resolved asthma.
    let problems = app_text(&world, &uuid, "#problems").await;
    assert_has(
        &problems,
        &["Essential hypertension", "SNOMED CT 38341003", "2005-03-14"],
    );
    assert_lacks(&problems, &["Asthma"]);
    // Current medications only.
    let meds = app_text(&world, &uuid, "#medications").await;
    assert_has(
        &meds,
        &[
            "Lisinopril 10 MG Oral Tablet",
            "Take one tablet by mouth daily",
            "2005-03-20",
        ],
    );
    assert_lacks(&meds, &["Albuterol"]);
    // The last vital signs: June, not January.
    let vitals = app_text(&world, &uuid, "#vitals").await;
    assert_has(
        &vitals,
        &[
            "2023-06-10",
            "128/82 mmHg",
            "72 /min",
            "68.2 kg",
            "165 cm",
            "25 kg/m²",
        ],
    );
    assert_lacks(&vitals, &["142/91"]);
    // Recent labs, newest first, the high LDL flagged.
    let labs = app_text(&world, &uuid, "#labs").await;
    assert_has(
        &labs,
        &[
            "LDL Cholesterol",
            "118 mg/dL",
            "162 mg/dL ↑",
            "0–130 mg/dL",
            "Serum sodium",
            "139 mmol/L",
        ],
    );
    let flagged = {
        world.browser.enter_app(&uuid).await;
        let v = world
            .browser
            .js(
                "return Array.from(document.querySelectorAll('#labs .flag')).map(function (e) { return e.innerText; });",
                vec![],
            )
            .await;
        world.browser.leave_frame().await;
        v
    };
    assert_eq!(flagged, json!(["162 mg/dL ↑"]));
    app_screenshot(&world, &uuid, "app-summary").await;
}

pub async fn app_summary_empty_record(world: Arc<World>) {
    let uuid = open_app(&world, GRACE, SUMMARY).await;
    let text = app_text(&world, &uuid, "#app").await;
    assert_has(
        &text,
        &[
            "Grace Hopper",
            "No allergies recorded",
            "No problems recorded",
            "No medications recorded",
            "No vital signs recorded",
            "No lab results recorded",
        ],
    );
    app_screenshot(&world, &uuid, "app-summary-empty").await;
}

pub async fn app_summary_shows_api_errors(world: Arc<World>) {
    ensure_rosalind(&world).await;
    world.fresh_record_view(ROSALIND).await;
    world.install_spy().await;
    // The relay of one call fails as a network failure would: the host answers 502.
    world
        .browser
        .js("window.__failFetch = '/lab_results/'; return true;", vec![])
        .await;
    let uuid = world.launch(SUMMARY).await;
    wait_rendered(&world, &uuid).await;
    let labs = app_text(&world, &uuid, "#labs-card").await;
    assert_has(&labs, &["get_lab_results failed: HTTP 502"]);
    // The other sections still show their data.
    let meds = app_text(&world, &uuid, "#medications").await;
    assert_has(&meds, &["Lisinopril 10 MG Oral Tablet"]);
    world
        .browser
        .js("window.__failFetch = null; return true;", vec![])
        .await;
    tokio::time::sleep(Duration::from_millis(10)).await;
}

pub const MEDICATIONS: &str = "medications@apps.smart-rs.local";

pub async fn app_medications_shows_fills_and_adherence(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, MEDICATIONS).await;
    let current = app_text(&world, &uuid, "#current").await;
    assert_has(
        &current,
        &[
            "Lisinopril 10 MG Oral Tablet",
            "RxNorm 314076",
            "1 tablet",
            "once a day",
            "Take one tablet by mouth daily",
            "2005-03-20",
        ],
    );
    assert_lacks(&current, &["Albuterol"]);
    let past = app_text(&world, &uuid, "#past").await;
    assert_has(
        &past,
        &[
            "Albuterol 0.09 MG/ACTUAT Inhaler",
            "Two puffs when short of breath",
            "1995-02-01",
            "2001-06-30",
        ],
    );
    // Three 30-day fills: 2023-01-05, 2023-02-04, 2023-03-20 (a 14-day gap before the
    // last): 90 of the 104 days from the first fill to the end of the last supply.
    let adherence = app_text(&world, &uuid, "#adherence").await;
    assert_has(
        &adherence,
        &[
            "Lisinopril 10 MG Oral Tablet",
            "3",
            "2023-01-05",
            "2023-03-20",
            "90 of 104 days (87%)",
        ],
    );
    world.browser.enter_app(&uuid).await;
    let bars = world
        .browser
        .js(
            "return Array.from(document.querySelectorAll('svg.timeline rect.bar title')).map(function (t) { return t.textContent; });",
            vec![],
        )
        .await;
    world.browser.leave_frame().await;
    assert_eq!(
        bars,
        json!([
            "2023-01-05: 30 days, 30 tablet",
            "2023-02-04: 30 days, 30 tablet",
            "2023-03-20: 30 days, 30 tablet"
        ])
    );
    app_screenshot(&world, &uuid, "app-medications").await;
}

pub async fn app_medications_empty_record(world: Arc<World>) {
    let uuid = open_app(&world, GRACE, MEDICATIONS).await;
    let text = app_text(&world, &uuid, "#app").await;
    assert_has(&text, &["No medications recorded"]);
}

pub const VITALS: &str = "vitals-growth@apps.smart-rs.local";

pub async fn app_vitals_growth_charts_for_a_child(world: Arc<World>) {
    ensure_oliver(&world).await;
    let uuid = open_app(&world, OLIVER, VITALS).await;
    let table = app_text(&world, &uuid, "#percentiles").await;
    // The last measurement, 2023-03-01, at 60 months less a fraction (1826 days).
    let months = 1826.0 / 30.4375;
    let (date, h, w, bmi) = OLIVER_GROWTH[2];
    for (name, tbl, value, shown) in [
        ("Length/height for age", "lhfa", h, "110 cm"),
        ("Weight for age", "wfa", w, "18.4 kg"),
        ("BMI for age", "bmifa", bmi, "15.2 kg/m²"),
    ] {
        let p = expected_percentile(tbl, "boys", months, value);
        let line = table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row {name} in {table}"));
        assert_has(
            line,
            &[
                shown,
                date,
                "age 5",
                &format!("{} percentile", ordinal(p)),
                "CDC",
            ],
        );
    }
    // The first measurement used the WHO standard: its point's tooltip has the percentile.
    let p12 = expected_percentile("lhfa", "boys", 365.0 / 30.4375, 76.0);
    world.browser.enter_app(&uuid).await;
    let charts = world
        .browser
        .js(
            "return Array.from(document.querySelectorAll('#growth-card svg.chart')).map(function (s) {\
               return { bands: s.querySelectorAll('path.band').length, median: s.querySelectorAll('path.ref-line.median').length,\
                        points: Array.from(s.querySelectorAll('circle.point title')).map(function (t) { return t.textContent; }) }; });",
            vec![],
        )
        .await;
    world.browser.leave_frame().await;
    let charts = charts.as_array().unwrap();
    assert_eq!(charts.len(), 3, "{charts:?}");
    for c in charts {
        assert_eq!(c["bands"], 2, "{c}");
        assert_eq!(c["median"], 1, "{c}");
        assert_eq!(c["points"].as_array().unwrap().len(), 3, "{c}");
    }
    assert_eq!(
        charts[0]["points"][0],
        format!("2019-03-01: 76 cm ({} percentile)", ordinal(p12))
    );
    app_screenshot(&world, &uuid, "app-vitals-growth").await;
}

pub async fn app_vitals_adult_trends(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, VITALS).await;
    let sets = app_text(&world, &uuid, "#sets").await;
    let lines: Vec<&str> = sets.lines().filter(|l| l.starts_with("2023")).collect();
    assert_eq!(lines.len(), 2, "{sets}");
    assert_has(
        lines[0],
        &["2023-06-10", "128/82", "72", "165", "68.2", "25"],
    );
    assert_has(lines[1], &["2023-01-05", "142/91", "78", "70.5", "25.9"]);
    world.browser.enter_app(&uuid).await;
    let bp = world
        .browser
        .js(
            "return Array.from(document.querySelectorAll('#bp-card circle.point title')).map(function (t) { return t.textContent; });",
            vec![],
        )
        .await;
    world.browser.leave_frame().await;
    assert_eq!(
        bp,
        json!([
            "2023-01-05: 142 mmHg systolic",
            "2023-06-10: 128 mmHg systolic",
            "2023-01-05: 91 mmHg diastolic",
            "2023-06-10: 82 mmHg diastolic"
        ])
    );
    let growth = app_text(&world, &uuid, "#growth-card").await;
    assert_has(&growth, &["No measurements before age 20"]);
    app_screenshot(&world, &uuid, "app-vitals-adult").await;
}

pub async fn app_vitals_empty_record(world: Arc<World>) {
    let uuid = open_app(&world, GRACE, VITALS).await;
    let text = app_text(&world, &uuid, "#app").await;
    assert_has(&text, &["No vital signs recorded"]);
}

pub const LABS: &str = "lab-results@apps.smart-rs.local";

pub async fn app_labs_grouped_with_flags(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, LABS).await;
    assert_has(
        &app_text(&world, &uuid, "#lab-overview").await,
        &["3 results of 2 tests; 1 outside the normal range"],
    );
    let ldl = app_text(&world, &uuid, "#test-13457-7").await;
    assert_has(&ldl, &["LDL Cholesterol", "LOINC 13457-7"]);
    // Table rows (tab-separated cells), not the chart's tick labels.
    let rows: Vec<&str> = ldl
        .lines()
        .filter(|l| l.starts_with("2023") && l.contains('\t'))
        .collect();
    assert_eq!(rows.len(), 2, "{ldl}");
    assert_has(rows[0], &["2023-06-10", "118 mg/dL", "0–130 mg/dL"]);
    assert_lacks(rows[0], &["H ↑"]);
    assert_has(rows[1], &["2023-01-05", "162 mg/dL", "H ↑", "0–130 mg/dL"]);
    let sodium = app_text(&world, &uuid, "#test-2951-2").await;
    assert_has(
        &sodium,
        &["Serum sodium", "2023-06-10", "139 mmol/L", "135–145 mmol/L"],
    );
    assert_lacks(&sodium, &["H ↑", "L ↓"]);
    // The LDL trend: two points in date order, the January one flagged, over a shaded range.
    world.browser.enter_app(&uuid).await;
    let chart = world
        .browser
        .js(
            "var s = document.querySelector('#test-13457-7 svg.chart');\
             return { range: s.querySelectorAll('rect.normal-range').length,\
                      points: Array.from(s.querySelectorAll('circle.point')).map(function (c) {\
                        return [c.querySelector('title').textContent, c.classList.contains('flagged')]; }) };",
            vec![],
        )
        .await;
    world.browser.leave_frame().await;
    assert_eq!(
        chart,
        json!({"range": 1, "points": [["2023-01-05: 162 mg/dL (high)", true], ["2023-06-10: 118 mg/dL", false]]})
    );
    app_screenshot(&world, &uuid, "app-labs").await;
}

pub async fn app_labs_empty_record(world: Arc<World>) {
    let uuid = open_app(&world, GRACE, LABS).await;
    assert_has(
        &app_text(&world, &uuid, "#app").await,
        &["No lab results recorded"],
    );
}

/// The library's paging helper against the real server: pages of 2 give every result
/// once, newest first, and the page call reports the total.
pub async fn library_pages_through_a_collection(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, LABS).await;
    let v = world
        .in_app(
            &uuid,
            "var pages = 0;\
             SmartConnect.ready().then(function (s) {\
               return s.all('get_lab_results', {}, 2, function () { pages += 1; }).then(function (all) {\
                 return s.page('get_lab_results', 2, 0).then(function (first) {\
                   done({ dates: all.map(function (r) { return r.date; }), pages: pages,\
                          total: first.summary.totalResultCount, returned: first.summary.resultsReturned,\
                          value: all[0].quantitativeResult.valueAndUnit.value, unit: all[0].quantitativeResult.valueAndUnit.unit,\
                          code: all[0].labName.code, system: all[0].labName.system });\
                 });\
               });\
             }).catch(function (e) { done({ error: e.message }); });",
            vec![],
        )
        .await;
    assert_eq!(
        v["dates"],
        json!(["2023-06-10", "2023-06-10", "2023-01-05"]),
        "{v}"
    );
    assert_eq!(v["pages"], 2, "{v}");
    assert_eq!(v["total"], 3, "{v}");
    assert_eq!(v["returned"], 2, "{v}");
    assert!(v["value"].is_number(), "{v}");
    assert_eq!(
        v["unit"]
            .as_str()
            .map(|u| u.contains("mol") || u == "mg/dL"),
        Some(true),
        "{v}"
    );
    assert_eq!(
        v["system"], "http://purl.bioontology.org/ontology/LNC/",
        "{v}"
    );
    // Errors name the call and the status.
    let e = world
        .in_app(
            &uuid,
            "SmartConnect.ready().then(function (s) { return s.get_medication('no-such-medication'); })\
               .then(function () { done({ ok: true }); }, function (e) {\
                 done({ name: e.name, status: e.status, call: e.call, message: e.message }); });",
            vec![],
        )
        .await;
    assert_eq!(e["name"], "ApiError", "{e}");
    assert_eq!(e["status"], 404, "{e}");
    assert_eq!(e["call"], "get_medication", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("get_medication failed: HTTP 404 (not found)"),
        "{e}"
    );
}

pub const PROBLEMS: &str = "problems@apps.smart-rs.local";
pub const ALLERGIES: &str = "allergies-immunizations@apps.smart-rs.local";

pub async fn app_problems_active_and_resolved(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, PROBLEMS).await;
    let active = app_text(&world, &uuid, "#active").await;
    assert_has(
        &active,
        &[
            "Essential hypertension",
            "SNOMED CT 38341003",
            "2005-03-14",
            "Active",
            "Well controlled on lisinopril",
        ],
    );
    assert_lacks(&active, &["Asthma"]);
    let resolved = app_text(&world, &uuid, "#resolved").await;
    assert_has(
        &resolved,
        &[
            "Asthma",
            "SNOMED CT 195967001",
            "1990-01-01",
            "2001-06-30",
            "Resolved",
        ],
    );
    world.browser.enter_app(&uuid).await;
    let bars = world
        .browser
        .js(
            "return Array.from(document.querySelectorAll('svg.timeline rect.bar title')).map(function (t) { return t.textContent; });",
            vec![],
        )
        .await;
    world.browser.leave_frame().await;
    assert_eq!(
        bars,
        json!([
            "Essential hypertension: 2005-03-14 – active",
            "Asthma: 1990-01-01 – 2001-06-30"
        ])
    );
    app_screenshot(&world, &uuid, "app-problems").await;
}

pub async fn app_problems_empty_record(world: Arc<World>) {
    let uuid = open_app(&world, GRACE, PROBLEMS).await;
    assert_has(
        &app_text(&world, &uuid, "#app").await,
        &["No problems recorded"],
    );
}

pub async fn app_allergies_and_immunizations(world: Arc<World>) {
    ensure_rosalind(&world).await;
    let uuid = open_app(&world, ROSALIND, ALLERGIES).await;
    let allergies = app_text(&world, &uuid, "#allergies").await;
    assert_has(
        &allergies,
        &[
            "Penicillin G",
            "RxNorm 7980",
            "Drug allergy",
            "Hives",
            "Moderate",
            "1980-05-02",
        ],
    );
    let shots = app_text(&world, &uuid, "#immunizations").await;
    let rows: Vec<&str> = shots.lines().filter(|l| l.starts_with("20")).collect();
    assert_eq!(rows.len(), 2, "{shots}");
    assert_has(
        rows[0],
        &[
            "2022-10-01",
            "Influenza, seasonal, injectable",
            "CVX 141",
            "Influenza",
            "Dose given",
        ],
    );
    assert_has(
        rows[1],
        &[
            "2020-04-01",
            "Tdap",
            "CVX 115",
            "Not given",
            "Patient objection",
        ],
    );
    app_screenshot(&world, &uuid, "app-allergies").await;
}

pub async fn app_allergies_no_known_allergies_and_empty(world: Arc<World>) {
    ensure_oliver(&world).await;
    let uuid = open_app(&world, OLIVER, ALLERGIES).await;
    let text = app_text(&world, &uuid, "#app").await;
    assert_has(
        &text,
        &[
            "No known allergies — stated 2019-03-01",
            "No immunizations recorded",
        ],
    );
    assert_lacks(&text, &["No allergies recorded"]);
    let uuid = open_app(&world, GRACE, ALLERGIES).await;
    let text = app_text(&world, &uuid, "#app").await;
    assert_has(
        &text,
        &["No allergies recorded", "No immunizations recorded"],
    );
}
