//! Reading manifests from JSON: a walk over the parsed JSON that checks the shape of every
//! field and records every problem with its path, instead of stopping at the first.

use super::{
    AppManifest, AppMode, BrowserEnvironment, ContainerManifest, LaunchUrls, ManifestError,
    Problem, ProblemKind, Requirement, Scope,
};
use crate::catalog::HttpMethod;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const APP_FIELDS: &[&str] = &[
    "name",
    "description",
    "id",
    "mode",
    "author",
    "version",
    "scope",
    "standalone",
    "index",
    "icon",
    "oauth_callback",
    "smart_version",
    "requires",
    "optimalBrowserEnvironments",
    "supportedBrowserEnvironments",
];

const CONTAINER_FIELDS: &[&str] = &[
    "name",
    "description",
    "admin",
    "smart_version",
    "api_base",
    "launch_urls",
    "capabilities",
];

const LAUNCH_URL_FIELDS: &[&str] = &[
    "app_launch",
    "request_token",
    "authorize_token",
    "exchange_token",
];

const REQUIREMENT_FIELDS: &[&str] = &["methods", "codes"];

const MODES: &[(&str, AppMode)] = &[
    ("ui", AppMode::Ui),
    ("frame_ui", AppMode::FrameUi),
    ("background", AppMode::Background),
];

const SCOPES: &[(&str, Scope)] = &[("record", Scope::Record), ("container", Scope::Container)];

const ENVIRONMENTS: &[(&str, BrowserEnvironment)] = &[
    ("desktop", BrowserEnvironment::Desktop),
    ("tablet", BrowserEnvironment::Tablet),
    ("mobile", BrowserEnvironment::Mobile),
];

const METHODS: &[(&str, HttpMethod)] = &[
    ("GET", HttpMethod::Get),
    ("PUT", HttpMethod::Put),
    ("POST", HttpMethod::Post),
    ("DELETE", HttpMethod::Delete),
];

/// `parent.key`, or `key` at the top.
pub(super) fn field_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent["key"]`, the key written as a JSON string.
pub(super) fn key_path(parent: &str, key: &str) -> String {
    format!("{parent}[{}]", Value::String(key.to_owned()))
}

/// `parent[i]`.
pub(super) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn quoted_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    quoted.join(", ")
}

#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn push(&mut self, field: String, kind: ProblemKind, message: String) {
        self.problems.push(Problem::new(field, kind, message));
    }

    fn wrong_type(&mut self, path: &str, expected: &str, found: &Value) {
        self.push(
            path.to_owned(),
            ProblemKind::WrongType,
            format!("expected {expected}, found {}", json_type(found)),
        );
    }

    /// The object at `path`, after reporting each key not in `known`.
    fn object<'v>(
        &mut self,
        v: &'v Value,
        path: &str,
        known: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = v else {
            self.wrong_type(path, "an object", v);
            return None;
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                self.push(
                    field_path(path, key),
                    ProblemKind::UnknownField,
                    format!("unknown field; allowed are {}", quoted_list(known)),
                );
            }
        }
        Some(map)
    }

    /// The value of a required key, after reporting its absence.
    fn required<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'v Value> {
        let found = map.get(key);
        if found.is_none() {
            self.push(
                field_path(path, key),
                ProblemKind::MissingField,
                "required field is missing".to_owned(),
            );
        }
        found
    }

    fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            other => {
                self.wrong_type(path, "a string", other);
                None
            }
        }
    }

    fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(path, "true or false", other);
                None
            }
        }
    }

    /// A string that must be one of `options`.
    fn choice<T: Copy>(&mut self, v: &Value, path: &str, options: &[(&str, T)]) -> Option<T> {
        let s = self.string(v, path)?;
        let found = options.iter().find(|(name, _)| *name == s).map(|(_, t)| *t);
        if found.is_none() {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            self.push(
                path.to_owned(),
                ProblemKind::WrongType,
                format!(
                    "{s:?} is not allowed; expected one of {}",
                    quoted_list(&names)
                ),
            );
        }
        found
    }

    /// An array, each element read by `item` (with its indexed path). `None` if the value
    /// or any element is wrong.
    fn list<T>(
        &mut self,
        v: &Value,
        path: &str,
        mut item: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Value::Array(items) = v else {
            self.wrong_type(path, "an array", v);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, element) in items.iter().enumerate() {
            match item(self, element, &index_path(path, i)) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn requirement(&mut self, v: &Value, path: &str) -> Option<Requirement> {
        let map = self.object(v, path, REQUIREMENT_FIELDS)?;
        let methods = match map.get("methods") {
            Some(v) => self.list(v, &field_path(path, "methods"), |r, v, p| {
                r.choice(v, p, METHODS)
            }),
            None => Some(Vec::new()),
        };
        let codes = match map.get("codes") {
            Some(v) => self.list(v, &field_path(path, "codes"), Self::string),
            None => Some(Vec::new()),
        };
        Some(Requirement {
            methods: methods?,
            codes: codes?,
        })
    }

    /// An object of class IRI → requirement (`requires`, `capabilities`).
    fn requirements(&mut self, v: &Value, path: &str) -> Option<BTreeMap<String, Requirement>> {
        let Value::Object(map) = v else {
            self.wrong_type(path, "an object", v);
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (key, value) in map {
            match self.requirement(value, &key_path(path, key)) {
                Some(r) => {
                    out.insert(key.clone(), r);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, ManifestError> {
        let mut problems = self.problems;
        match value {
            Some(value) if problems.is_empty() => Ok(value),
            _ => {
                // every path that yields no value records a problem; this is a safety net
                if problems.is_empty() {
                    problems.push(Problem::new(
                        "",
                        ProblemKind::WrongType,
                        "the manifest could not be read",
                    ));
                }
                Err(ManifestError { problems })
            }
        }
    }
}

fn parse_json(json: &str) -> Result<Value, ManifestError> {
    serde_json::from_str(json).map_err(|e| ManifestError {
        problems: vec![Problem::new(
            "",
            ProblemKind::Syntax,
            format!("not valid JSON: {e}"),
        )],
    })
}

pub(super) fn app_manifest(json: &str) -> Result<AppManifest, ManifestError> {
    let value = parse_json(json)?;
    let mut r = Reader::default();
    let manifest = read_app(&mut r, &value);
    r.finish(manifest)
}

fn read_app(r: &mut Reader, value: &Value) -> Option<AppManifest> {
    let map = r.object(value, "", APP_FIELDS)?;
    let name = r
        .required(map, "name", "")
        .and_then(|v| r.string(v, "name"));
    let description = r
        .required(map, "description", "")
        .and_then(|v| r.string(v, "description"));
    let id = r.required(map, "id", "").and_then(|v| r.string(v, "id"));
    let mode = r
        .required(map, "mode", "")
        .and_then(|v| r.choice(v, "mode", MODES));
    let mut optional_string = |key: &str| map.get(key).and_then(|v| r.string(v, key));
    let author = optional_string("author");
    let version = optional_string("version");
    let index = optional_string("index");
    let icon = optional_string("icon");
    let oauth_callback = optional_string("oauth_callback");
    let smart_version = optional_string("smart_version");
    let scope = map.get("scope").and_then(|v| r.choice(v, "scope", SCOPES));
    let standalone = map
        .get("standalone")
        .and_then(|v| r.boolean(v, "standalone"));
    let requires = map
        .get("requires")
        .and_then(|v| r.requirements(v, "requires"));
    let mut environments = |key: &str| {
        map.get(key)
            .and_then(|v| r.list(v, key, |r, v, p| r.choice(v, p, ENVIRONMENTS)))
    };
    let optimal = environments("optimalBrowserEnvironments");
    let supported = environments("supportedBrowserEnvironments");
    Some(AppManifest {
        name: name?,
        description: description?,
        id: id?,
        mode: mode?,
        author,
        version,
        scope,
        standalone,
        index,
        icon,
        oauth_callback,
        smart_version,
        requires,
        optimal_browser_environments: optimal,
        supported_browser_environments: supported,
    })
}

pub(super) fn container_manifest(json: &str) -> Result<ContainerManifest, ManifestError> {
    let value = parse_json(json)?;
    let mut r = Reader::default();
    let manifest = read_container(&mut r, &value);
    r.finish(manifest)
}

fn read_container(r: &mut Reader, value: &Value) -> Option<ContainerManifest> {
    let map = r.object(value, "", CONTAINER_FIELDS)?;
    let mut string = |key: &str| r.required(map, key, "").and_then(|v| r.string(v, key));
    let name = string("name");
    let description = string("description");
    let admin = string("admin");
    let smart_version = string("smart_version");
    let api_base = string("api_base");
    let launch_urls = r
        .required(map, "launch_urls", "")
        .and_then(|v| read_launch_urls(r, v));
    let capabilities = r
        .required(map, "capabilities", "")
        .and_then(|v| r.requirements(v, "capabilities"));
    Some(ContainerManifest {
        name: name?,
        description: description?,
        admin: admin?,
        smart_version: smart_version?,
        api_base: api_base?,
        launch_urls: launch_urls?,
        capabilities: capabilities?,
    })
}

fn read_launch_urls(r: &mut Reader, value: &Value) -> Option<LaunchUrls> {
    const PATH: &str = "launch_urls";
    let map = r.object(value, PATH, LAUNCH_URL_FIELDS)?;
    let mut string = |key: &str| {
        r.required(map, key, PATH)
            .and_then(|v| r.string(v, &field_path(PATH, key)))
    };
    let app_launch = string("app_launch");
    let request_token = string("request_token");
    let authorize_token = string("authorize_token");
    let exchange_token = string("exchange_token");
    Some(LaunchUrls {
        app_launch: app_launch?,
        request_token: request_token?,
        authorize_token: authorize_token?,
        exchange_token: exchange_token?,
    })
}
