//! Manifest parsing, validation and output: valid examples for each mode, and one failing
//! example per rule, each asserting that the problem names the field.

use super::*;
use crate::sp;
use serde_json::{Value, json};

const LAB_RESULT: &str = sp!("LabResult");

fn ui_app() -> Value {
    json!({
        "name": "Lab viewer",
        "description": "Shows lab results.",
        "id": "labs@apps.example.org",
        "mode": "ui",
        "author": "Example Labs",
        "version": "1.2",
        "scope": "record",
        "standalone": false,
        "index": "https://apps.example.org/labs/index.html",
        "icon": "https://apps.example.org/labs/icon.png",
        "oauth_callback": "https://apps.example.org/labs/after_auth",
        "smart_version": "0.6",
        "requires": {
            LAB_RESULT: {
                "methods": ["GET"],
                "codes": ["http://purl.bioontology.org/ontology/LNC/30522-7"]
            }
        },
        "optimalBrowserEnvironments": ["desktop"],
        "supportedBrowserEnvironments": ["desktop", "tablet", "mobile"]
    })
}

fn frame_app() -> Value {
    json!({
        "name": "Med list",
        "description": "Lists medications.",
        "id": "med-list@apps.example.org",
        "mode": "frame_ui",
        "index": "http://localhost:8001/med-list/index.html",
        "icon": "http://localhost:8001/med-list/icon.png",
        "requires": {sp!("Medication"): {"methods": ["GET"]}}
    })
}

fn background_app() -> Value {
    json!({
        "name": "Statin checker",
        "description": "Flags records in the background.",
        "id": "statins@apps.example.org",
        "mode": "background",
        "scope": "container",
        "requires": {sp!("Medication"): {"methods": ["GET"]}, sp!("Demographics"): {"methods": ["GET"]}}
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

fn without(mut base: Value, key: &str) -> Value {
    base.as_object_mut().map(|m| m.remove(key));
    base
}

fn parse(v: &Value) -> Result<AppManifest, ManifestError> {
    AppManifest::from_json(&v.to_string())
}

/// The manifest parses but breaks rules; the problems, as (field, kind).
fn rule_problems(v: &Value) -> Vec<(String, ProblemKind)> {
    let m = parse(v).expect("the shape is valid");
    m.problems()
        .into_iter()
        .map(|p| (p.field, p.kind))
        .collect()
}

/// Asserts exactly one rule problem, about `field`, of `kind`; its message names the field.
fn assert_one_rule_problem(v: &Value, field: &str, kind: ProblemKind) {
    let m = parse(v).expect("the shape is valid");
    let err = m.validate().expect_err("the rule is broken");
    assert_eq!(
        err.problems()
            .iter()
            .map(|p| (p.field.as_str(), p.kind))
            .collect::<Vec<_>>(),
        [(field, kind)],
        "{err}"
    );
    assert_eq!(err.kind(), kind);
    assert!(err.to_string().contains(field), "{err}");
}

/// Asserts that parsing fails with a problem about `field`, of `kind`.
fn assert_shape_problem(v: &Value, field: &str, kind: ProblemKind) {
    let err = parse(v).expect_err("the shape is broken");
    assert!(
        err.problems()
            .iter()
            .any(|p| p.field == field && p.kind == kind),
        "expected {kind:?} at {field}, got: {err}"
    );
    assert!(err.to_string().contains(field), "{err}");
}

// ---- valid examples ---------------------------------------------------------------------

#[test]
fn valid_ui_app() {
    let m = AppManifest::from_json_validated(&ui_app().to_string()).unwrap();
    assert_eq!(m.mode, AppMode::Ui);
    assert_eq!(m.scope, Some(Scope::Record));
    assert!(!m.is_standalone());
    let req = &m.requires.as_ref().unwrap()[LAB_RESULT];
    assert_eq!(req.methods, [HttpMethod::Get]);
    assert_eq!(req.codes.len(), 1);
    assert_eq!(m.optimal_environments(), [BrowserEnvironment::Desktop]);
    assert_eq!(m.supported_environments().len(), 3);
}

#[test]
fn valid_frame_ui_app() {
    let m = AppManifest::from_json_validated(&frame_app().to_string()).unwrap();
    assert_eq!(m.mode, AppMode::FrameUi);
    assert_eq!(m.author, None);
    // defaults of the reference container
    assert_eq!(m.optimal_environments(), [BrowserEnvironment::Desktop]);
    assert_eq!(m.supported_environments().len(), 3);
}

#[test]
fn valid_background_app() {
    let m = AppManifest::from_json_validated(&background_app().to_string()).unwrap();
    assert_eq!(m.mode, AppMode::Background);
    assert!(m.index.is_none() && m.icon.is_none());
}

#[test]
fn minimal_background_app_is_valid() {
    let v = json!({"name": "n", "description": "d", "id": "i", "mode": "background"});
    AppManifest::from_json_validated(&v.to_string()).unwrap();
}

#[test]
fn app_manifest_round_trips_through_json() {
    for v in [ui_app(), frame_app(), background_app()] {
        let m = parse(&v).unwrap();
        let again = AppManifest::from_json(&m.to_json()).unwrap();
        assert_eq!(again, m);
        assert_eq!(serde_json::from_str::<Value>(&m.to_json()).unwrap(), v);
    }
}

#[test]
fn serde_derive_agrees_with_from_json_on_shape() {
    let cases = [
        ui_app(),
        frame_app(),
        background_app(),
        with(ui_app(), "colour", json!("red")),
        with(ui_app(), "mode", json!("helper")),
        with(ui_app(), "standalone", json!("yes")),
        without(ui_app(), "id"),
        with(
            ui_app(),
            "requires",
            json!({LAB_RESULT: {"methods": ["PATCH"]}}),
        ),
        with(ui_app(), "requires", json!({LAB_RESULT: {"verbs": []}})),
    ];
    for v in cases {
        assert_eq!(
            parse(&v).is_ok(),
            serde_json::from_value::<AppManifest>(v.clone()).is_ok(),
            "{v}"
        );
    }
}

// ---- shape: parse errors name the field --------------------------------------------------

#[test]
fn syntax_error_is_reported() {
    let err = AppManifest::from_json("{\"name\": ").unwrap_err();
    assert_eq!(err.kind(), ProblemKind::Syntax);
    assert!(err.to_string().contains("not valid JSON"), "{err}");
}

#[test]
fn document_must_be_an_object() {
    let err = AppManifest::from_json("[]").unwrap_err();
    assert_eq!(err.kind(), ProblemKind::WrongType);
    assert_eq!(err.problems()[0].field, "");
    assert!(err.to_string().contains("expected an object"), "{err}");
}

#[test]
fn unknown_top_level_key() {
    assert_shape_problem(
        &with(ui_app(), "launch_url", json!("x")),
        "launch_url",
        ProblemKind::UnknownField,
    );
}

#[test]
fn unknown_key_inside_a_requirement() {
    let v = with(
        ui_app(),
        "requires",
        json!({LAB_RESULT: {"methods": ["GET"], "verbs": []}}),
    );
    assert_shape_problem(
        &v,
        &format!("requires[\"{LAB_RESULT}\"].verbs"),
        ProblemKind::UnknownField,
    );
}

#[test]
fn each_required_field_is_reported_missing() {
    for field in ["name", "description", "id", "mode"] {
        assert_shape_problem(&without(ui_app(), field), field, ProblemKind::MissingField);
    }
    let err = AppManifest::from_json("{}").unwrap_err();
    assert_eq!(err.problems().len(), 4, "{err}");
}

#[test]
fn wrong_types_name_the_field() {
    assert_shape_problem(
        &with(ui_app(), "name", json!(7)),
        "name",
        ProblemKind::WrongType,
    );
    assert_shape_problem(
        &with(ui_app(), "author", Value::Null),
        "author",
        ProblemKind::WrongType,
    );
    assert_shape_problem(
        &with(ui_app(), "standalone", json!("true")),
        "standalone",
        ProblemKind::WrongType,
    );
    assert_shape_problem(
        &with(ui_app(), "requires", json!([])),
        "requires",
        ProblemKind::WrongType,
    );
    assert_shape_problem(
        &with(ui_app(), "requires", json!({LAB_RESULT: {"codes": [1]}})),
        &format!("requires[\"{LAB_RESULT}\"].codes[0]"),
        ProblemKind::WrongType,
    );
    assert_shape_problem(
        &with(ui_app(), "optimalBrowserEnvironments", json!("desktop")),
        "optimalBrowserEnvironments",
        ProblemKind::WrongType,
    );
}

#[test]
fn values_outside_the_allowed_ones_are_refused() {
    // `helper` is accepted by the reference loader, but not by the schema
    let err = parse(&with(ui_app(), "mode", json!("helper"))).unwrap_err();
    assert_eq!(err.problems()[0].field, "mode");
    assert!(
        err.to_string().contains("\"helper\" is not allowed"),
        "{err}"
    );
    assert_shape_problem(
        &with(ui_app(), "scope", json!("user")),
        "scope",
        ProblemKind::WrongType,
    );
    assert_shape_problem(
        &with(
            ui_app(),
            "supportedBrowserEnvironments",
            json!(["desktop", "watch"]),
        ),
        "supportedBrowserEnvironments[1]",
        ProblemKind::WrongType,
    );
}

#[test]
fn methods_must_be_get_put_post_or_delete() {
    let v = with(
        ui_app(),
        "requires",
        json!({LAB_RESULT: {"methods": ["GET", "PATCH", "get"]}}),
    );
    let err = parse(&v).unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            format!("requires[\"{LAB_RESULT}\"].methods[1]"),
            format!("requires[\"{LAB_RESULT}\"].methods[2]")
        ]
    );
}

#[test]
fn all_shape_problems_are_reported_together() {
    let v = json!({"name": 1, "mode": "x", "extra": true, "requires": {"k": {"methods": [1]}}});
    let err = parse(&v).unwrap_err();
    let mut fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "description",
            "extra",
            "id",
            "mode",
            "name",
            "requires[\"k\"].methods[0]"
        ]
    );
}

// ---- rules: one failing example per rule -------------------------------------------------

#[test]
fn ui_and_frame_ui_need_icon_and_index() {
    for base in [ui_app(), frame_app()] {
        assert_one_rule_problem(
            &without(base.clone(), "icon"),
            "icon",
            ProblemKind::RequiredForMode,
        );
        assert_one_rule_problem(
            &without(base, "index"),
            "index",
            ProblemKind::RequiredForMode,
        );
    }
}

#[test]
fn background_forbids_ui_fields() {
    for (field, value) in [
        ("index", json!("https://a.example.org/")),
        ("oauth_callback", json!("https://a.example.org/cb")),
        ("optimalBrowserEnvironments", json!(["desktop"])),
        ("supportedBrowserEnvironments", json!(["mobile"])),
    ] {
        assert_one_rule_problem(
            &with(background_app(), field, value),
            field,
            ProblemKind::ForbiddenForMode,
        );
    }
    // an icon is allowed
    let v = with(
        background_app(),
        "icon",
        json!("https://a.example.org/i.png"),
    );
    assert!(rule_problems(&v).is_empty());
}

#[test]
fn every_url_field_is_checked() {
    for field in ["index", "icon", "oauth_callback"] {
        assert_one_rule_problem(
            &with(ui_app(), field, json!("apps.example.org/x")),
            field,
            ProblemKind::InvalidUrl,
        );
    }
}

#[test]
fn requires_keys_and_codes_are_checked_as_urls() {
    let v = with(
        ui_app(),
        "requires",
        json!({"sp:LabResult": {"methods": ["GET"], "codes": ["http://ok.example.org/1", "LNC 2"]}}),
    );
    let problems = rule_problems(&v);
    assert_eq!(
        problems,
        [
            (
                "requires[\"sp:LabResult\"]".to_owned(),
                ProblemKind::InvalidUrl
            ),
            (
                "requires[\"sp:LabResult\"].codes[1]".to_owned(),
                ProblemKind::InvalidUrl
            ),
        ]
    );
}

#[test]
fn url_rule_cases() {
    use super::rules::url_problem;
    for good in [
        "http://smartplatforms.org/terms#LabResult",
        "https://apps.example.org:8443/a/b?c=d&e=f#g",
        "HTTP://LOCALHOST:8000",
        "http://localhost/",
        "http://purl.bioontology.org/ontology/LNC/30522-7",
        "http://x.org/a_(b)x",
    ] {
        assert_eq!(url_problem(good), None, "{good}");
    }
    for (bad, why) in [
        ("", "is empty"),
        ("ftp://example.org/x", "http"),
        ("example.org/x", "http"),
        ("http://", "no host"),
        ("http:///path", "no host"),
        ("http://exa mple.org/", "whitespace"),
        ("http://example.org/a\tb", "whitespace"),
        ("http://example.org/\n", "whitespace"),
        ("http://user@example.org/", "host"),
        ("http://example.org:http/", "port"),
        ("http://example.org:/", "port"),
        ("http://example.org/x.", "ends with"),
        ("http://example.org/x,", "ends with"),
        ("http://example.org/x(", "ends with"),
        ("http://example.org/x)", "ends with"),
        ("http://ex\u{e4}mple.org/", "host"),
    ] {
        let found = url_problem(bad);
        assert!(found.is_some_and(|m| m.contains(why)), "{bad:?}: {found:?}");
    }
}

#[test]
fn smart_version_pattern() {
    for good in ["0", "0.6", "0.6.1", "10.20.30"] {
        assert!(rules::is_smart_version(good), "{good}");
    }
    for bad in [
        "", "0.6.1.2", "v0.6", "0.", ".6", "0..6", "0.6-beta", "０.6",
    ] {
        assert!(!rules::is_smart_version(bad), "{bad}");
        assert_one_rule_problem(
            &with(ui_app(), "smart_version", json!(bad)),
            "smart_version",
            ProblemKind::InvalidVersion,
        );
    }
}

#[test]
fn duplicate_methods_codes_and_environments() {
    let code = "http://purl.bioontology.org/ontology/LNC/30522-7";
    assert_one_rule_problem(
        &with(
            ui_app(),
            "requires",
            json!({LAB_RESULT: {"methods": ["GET", "GET"]}}),
        ),
        &format!("requires[\"{LAB_RESULT}\"].methods[1]"),
        ProblemKind::Duplicate,
    );
    assert_one_rule_problem(
        &with(
            ui_app(),
            "requires",
            json!({LAB_RESULT: {"methods": ["GET"], "codes": [code, code]}}),
        ),
        &format!("requires[\"{LAB_RESULT}\"].codes[1]"),
        ProblemKind::Duplicate,
    );
    assert_one_rule_problem(
        &with(
            ui_app(),
            "optimalBrowserEnvironments",
            json!(["tablet", "desktop", "tablet"]),
        ),
        "optimalBrowserEnvironments[2]",
        ProblemKind::Duplicate,
    );
    assert_one_rule_problem(
        &with(
            ui_app(),
            "supportedBrowserEnvironments",
            json!(["mobile", "mobile"]),
        ),
        "supportedBrowserEnvironments[1]",
        ProblemKind::Duplicate,
    );
}

#[test]
fn validate_reports_every_problem() {
    let v = json!({
        "name": "n", "description": "d", "id": "i", "mode": "background",
        "index": "nope", "smart_version": "zero",
        "requires": {LAB_RESULT: {"methods": ["PUT", "PUT"]}},
        "supportedBrowserEnvironments": []
    });
    let err = parse(&v).unwrap().validate().unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "index",
            "supportedBrowserEnvironments",
            "index",
            "smart_version",
            &format!("requires[\"{LAB_RESULT}\"].methods[1]"),
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("invalid manifest (5 problems): "),
        "{text}"
    );
}

// ---- against the container -------------------------------------------------------------

fn container() -> ContainerManifest {
    ContainerManifest::builder()
        .name("Test container")
        .description("For tests.")
        .admin("admin@example.org")
        .api_base("http://localhost:7000/")
        .launch_urls(LaunchUrls::standard(
            "http://localhost:7000",
            "http://localhost:7001",
        ))
        .build()
        .unwrap()
}

#[test]
fn unsupported_requirements_are_warnings() {
    let v = with(
        ui_app(),
        "requires",
        json!({
            sp!("Medications"): {"methods": ["GET"]},
            sp!("ClinicalNote"): {"methods": ["GET", "PUT", "POST"]},
            LAB_RESULT: {"methods": ["GET"]}
        }),
    );
    let app = AppManifest::from_json_validated(&v.to_string()).unwrap();
    let warnings = app.unsupported_requirements(&container());
    let fields: Vec<(&str, ProblemKind)> = warnings
        .iter()
        .map(|p| (p.field.as_str(), p.kind))
        .collect();
    assert_eq!(
        fields,
        [
            (
                &*format!("requires[\"{}\"].methods[1]", sp!("ClinicalNote")),
                ProblemKind::Unsupported
            ),
            (
                &*format!("requires[\"{}\"]", sp!("Medications")),
                ProblemKind::Unsupported
            ),
        ]
    );
}

// ---- container manifest ----------------------------------------------------------------

#[test]
fn builder_derives_capabilities_from_the_catalog() {
    let m = container();
    assert_eq!(m.api_base, "http://localhost:7000");
    assert_eq!(m.smart_version, SMART_VERSION);
    assert_eq!(m.capabilities.len(), 24);
    assert_eq!(
        m.capabilities[sp!("ScratchpadData")].methods,
        [HttpMethod::Get, HttpMethod::Put, HttpMethod::Delete]
    );
    assert_eq!(
        m.launch_urls.app_launch,
        "http://localhost:7001/apps/{{app_id}}/launch"
    );
    assert_eq!(
        m.launch_urls.exchange_token,
        "http://localhost:7000/oauth/access_token"
    );
    m.validate().unwrap();
}

#[test]
fn builder_reports_missing_and_invalid_fields() {
    let err = ContainerManifest::builder().name("x").build().unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["description", "admin", "api_base", "launch_urls"]);
    assert_eq!(err.kind(), ProblemKind::MissingField);

    let err = ContainerManifest::builder()
        .name("x")
        .description("d")
        .admin("a")
        .smart_version("0.6.x")
        .api_base("localhost:7000")
        .launch_urls(LaunchUrls::standard("http://a.org", "http://b.org"))
        .build()
        .unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["smart_version", "api_base"]);
}

#[test]
fn container_json_has_sorted_keys_and_round_trips() {
    let m = container();
    let text = m.to_json();
    assert!(text.starts_with("{\n    \"admin\": "), "{text}");
    // top-level keys in order
    let keys: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("    \"") && !l.starts_with("     "))
        .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 7);
    // no `codes` when empty
    assert!(!text.contains("\"codes\""));
    let launch = text.find("\"launch_urls\"").unwrap();
    let order: Vec<usize> = [
        "app_launch",
        "authorize_token",
        "exchange_token",
        "request_token",
    ]
    .iter()
    .map(|k| text[launch..].find(k).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let back = ContainerManifest::from_json(&text).unwrap();
    assert_eq!(back, m);
}

#[test]
fn container_shape_errors_name_the_field() {
    let good: Value = serde_json::from_str(&container().to_json()).unwrap();
    let err = ContainerManifest::from_json(&without(good.clone(), "capabilities").to_string())
        .unwrap_err();
    assert!(err.mentions("capabilities"), "{err}");
    assert_eq!(err.kind(), ProblemKind::MissingField);

    let mut v = good.clone();
    v["launch_urls"]["request_token_url"] = json!("http://x.org/");
    v["launch_urls"]
        .as_object_mut()
        .map(|m| m.remove("exchange_token"));
    let err = ContainerManifest::from_json(&v.to_string()).unwrap_err();
    assert!(err.mentions("launch_urls.request_token_url"), "{err}");
    assert!(err.mentions("launch_urls.exchange_token"), "{err}");

    let v = with(good.clone(), "version", json!("0.4"));
    let err = ContainerManifest::from_json(&v.to_string()).unwrap_err();
    assert!(err.mentions("version"), "{err}");

    let mut v = good;
    v["capabilities"][sp!("Allergy")]["methods"] = json!(["GET", "HEAD"]);
    let err = ContainerManifest::from_json(&v.to_string()).unwrap_err();
    assert!(
        err.mentions(&format!("capabilities[\"{}\"].methods[1]", sp!("Allergy"))),
        "{err}"
    );
}

#[test]
fn container_rules_name_the_field() {
    let mut m = container();
    m.launch_urls.request_token = "not a url".to_owned();
    m.launch_urls.app_launch = "{{app_id}} is not checked".to_owned();
    m.capabilities.insert(
        "sp:Thing".to_owned(),
        Requirement {
            methods: vec![HttpMethod::Get, HttpMethod::Get],
            codes: vec!["x".to_owned()],
        },
    );
    let fields: Vec<(String, ProblemKind)> = m
        .problems()
        .into_iter()
        .map(|p| (p.field, p.kind))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "launch_urls.request_token".to_owned(),
                ProblemKind::InvalidUrl
            ),
            (
                "capabilities[\"sp:Thing\"]".to_owned(),
                ProblemKind::InvalidUrl
            ),
            (
                "capabilities[\"sp:Thing\"].methods[1]".to_owned(),
                ProblemKind::Duplicate
            ),
            (
                "capabilities[\"sp:Thing\"].codes[0]".to_owned(),
                ProblemKind::InvalidUrl
            ),
        ]
    );
}

#[test]
fn problem_display_names_the_field() {
    let p = Problem::new("icon", ProblemKind::RequiredForMode, "required");
    assert_eq!(p.to_string(), "icon: required");
    let p = Problem::new("", ProblemKind::Syntax, "not JSON");
    assert_eq!(p.to_string(), "manifest: not JSON");
}

#[test]
fn constructed_manifests_are_checked_like_parsed_ones() {
    AppManifest::new("n", "d", "i", AppMode::Background)
        .validate()
        .unwrap();
    let mut ui = AppManifest::new("n", "d", "i", AppMode::Ui);
    let fields: Vec<String> = ui.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["icon", "index"]);
    ui.icon = Some("https://a.example.org/i.png".to_owned());
    ui.index = Some("https://a.example.org/".to_owned());
    ui.validate().unwrap();
    let urls = LaunchUrls::new("a", "http://b.org/r", "http://b.org/a", "http://b.org/e");
    assert_eq!(urls.app_launch, "a");
}
