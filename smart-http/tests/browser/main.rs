//! Browser tests of the web UI and its SMART Connect host, in real headless Chromium
//! (chromedriver + fantoccini): the fifteen protocol checks of the SMART Connect
//! specification §6.2 (`check_01_…` to `check_15_…`), a few more host behaviours, and
//! the clinician's end-to-end journey. The fixture apps (tests/fixtures/apps) are served
//! from a second origin by a small server of the test.
//!
//! One browser, one container and one fixture server serve every test, so the binary
//! has its own runner (`harness = false`): it runs the tests one after the other, prints
//! them as libtest does, and takes name filters as arguments
//! (`cargo test -p smart-http --test browser -- check_05`). Without chromium and
//! chromedriver it skips with a message; under `CI=true` it fails.
//! Screenshots go to target/ui-screenshots/.

#![allow(unreachable_pub, missing_docs)]

#[path = "../common/mod.rs"]
mod common;

mod admin;
mod app_data;
mod approval;
mod apps;
mod apps_writing;
mod branding;
mod dev_launch;
mod driver;
mod fixtures;
mod host;
mod journey;
mod protocol;
mod protocol_lifecycle;
mod share;
mod world;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;
use world::World;

type Test = fn(Arc<World>) -> Pin<Box<dyn Future<Output = ()> + Send>>;

macro_rules! tests {
    ($($path:path => $name:literal),* $(,)?) => {
        vec![$(($name, (|w| Box::pin($path(w))) as Test)),*]
    };
}

fn all_tests() -> Vec<(&'static str, Test)> {
    tests![
        journey::e2e_clinician_journey => "e2e_clinician_journey",
        protocol::check_01_procure_channel => "check_01_procure_channel",
        protocol::check_02_ready_handshake => "check_02_ready_handshake",
        protocol::check_03_ready_params => "check_03_ready_params",
        protocol::check_04_handshake_under_5s => "check_04_handshake_under_5s",
        protocol::check_05_api_call_get_query => "check_05_api_call_get_query",
        protocol::check_06_api_call_put_raw_body => "check_06_api_call_put_raw_body",
        protocol::check_07_content_type_without_parameters => "check_07_content_type_without_parameters",
        protocol::check_08_errors => "check_08_errors",
        protocol::check_09_every_reply_has_result => "check_09_every_reply_has_result",
        protocol_lifecycle::check_10_unknown_method => "check_10_unknown_method",
        protocol_lifecycle::check_11_wrong_origin_or_scope_ignored => "check_11_wrong_origin_or_scope_ignored",
        protocol_lifecycle::check_12_reload_reprocure => "check_12_reload_reprocure",
        protocol_lifecycle::check_13_destroyed_and_foregrounded => "check_13_destroyed_and_foregrounded",
        protocol_lifecycle::check_14_frame_ui_delegation => "check_14_frame_ui_delegation",
        protocol_lifecycle::check_15_call_app_return => "check_15_call_app_return",
        host::host_container_scope_app => "host_container_scope_app",
        host::host_standalone_app => "host_standalone_app",
        host::host_app_failed_to_load => "host_app_failed_to_load",
        host::host_under_path_prefix => "host_under_path_prefix",
        approval::approve_three_legged_flow => "approve_three_legged_flow",
        approval::approve_deny => "approve_deny",
        approval::approve_remember => "approve_remember",
        approval::approve_framing_refused => "approve_framing_refused",
        approval::approve_launch_picker => "approve_launch_picker",
        branding::branding_applied => "branding_applied",
        share::showcase_landing_and_read_only_app => "showcase_landing_and_read_only_app",
        share::shared_link_with_pin_opens_its_app => "shared_link_with_pin_opens_its_app",
        share::shared_link_expired_refused => "shared_link_expired_refused",
        apps::app_summary_shows_the_face_sheet => "app_summary_shows_the_face_sheet",
        apps::app_summary_empty_record => "app_summary_empty_record",
        apps::app_summary_shows_api_errors => "app_summary_shows_api_errors",
        apps::app_medications_shows_fills_and_adherence => "app_medications_shows_fills_and_adherence",
        apps::app_medications_empty_record => "app_medications_empty_record",
        apps::app_vitals_growth_charts_for_a_child => "app_vitals_growth_charts_for_a_child",
        apps::app_vitals_adult_trends => "app_vitals_adult_trends",
        apps::app_vitals_empty_record => "app_vitals_empty_record",
        apps::app_labs_grouped_with_flags => "app_labs_grouped_with_flags",
        apps::app_labs_empty_record => "app_labs_empty_record",
        apps::library_pages_through_a_collection => "library_pages_through_a_collection",
        apps::app_problems_active_and_resolved => "app_problems_active_and_resolved",
        apps::app_problems_empty_record => "app_problems_empty_record",
        apps::app_allergies_and_immunizations => "app_allergies_and_immunizations",
        apps::app_allergies_no_known_allergies_and_empty => "app_allergies_no_known_allergies_and_empty",
        apps_writing::app_preferences_and_scratchpad => "app_preferences_and_scratchpad",
        apps_writing::app_notes_list_write_and_documents => "app_notes_list_write_and_documents",
        apps_writing::app_notes_empty_record => "app_notes_empty_record",
        dev_launch::dev_launch_by_url => "dev_launch_by_url",
        admin::admin_registers_an_app_by_upload_and_the_log_shows_its_calls => "admin_registers_an_app_by_upload_and_the_log_shows_its_calls",
        admin::admin_pages_refuse_a_non_admin => "admin_pages_refuse_a_non_admin",
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let exact = args.iter().any(|a| a == "--exact");
    let tests: Vec<(&str, Test)> = all_tests()
        .into_iter()
        .filter(|(name, _)| {
            filters.is_empty()
                || filters.iter().any(|f| {
                    if exact {
                        name == f
                    } else {
                        name.contains(f.as_str())
                    }
                })
        })
        .collect();
    if args.iter().any(|a| a == "--list") {
        for (name, _) in &tests {
            println!("{name}: test");
        }
        return;
    }
    let total = all_tests().len();
    let filtered_out = total - tests.len();
    let started = Instant::now();
    println!("\nrunning {} tests", tests.len());
    if tests.is_empty() {
        println!(
            "\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; {filtered_out} filtered out; finished in 0.00s\n"
        );
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let failed = runtime.block_on(async move {
        let Some(world) = World::start().await else {
            println!("test result: ok. 0 passed; 0 failed; {} ignored; 0 measured; {filtered_out} filtered out; finished in 0.00s", tests.len());
            return Vec::new();
        };
        let world = Arc::new(world);
        let mut failed = Vec::new();
        for (name, test) in tests.iter() {
            let t = Instant::now();
            let outcome = tokio::spawn(test(world.clone())).await;
            match outcome {
                Ok(()) => println!("test {name} ... ok ({:.1}s)", t.elapsed().as_secs_f64()),
                Err(e) => {
                    println!("test {name} ... FAILED ({:.1}s)", t.elapsed().as_secs_f64());
                    failed.push((name.to_string(), e.to_string()));
                    // Whatever the failed test left open, the next one starts on the top page.
                    world.browser.leave_frame().await;
                }
            }
        }
        let passed = tests.len() - failed.len();
        let world = Arc::try_unwrap(world).unwrap_or_else(|_| panic!("a test kept the world"));
        world.stop().await;
        if failed.is_empty() {
            println!(
                "\ntest result: ok. {passed} passed; 0 failed; 0 ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s\n",
                started.elapsed().as_secs_f64()
            );
        } else {
            println!("\nfailures:");
            for (name, why) in &failed {
                println!("    {name}: {why}");
            }
            println!(
                "\ntest result: FAILED. {passed} passed; {} failed; 0 ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s\n",
                failed.len(),
                started.elapsed().as_secs_f64()
            );
        }
        failed
    });
    if !failed.is_empty() {
        std::process::exit(101);
    }
}
