//! The conformance rules of manifests, beyond their JSON shape.

use super::read::{field_path, index_path, key_path};
use super::{AppManifest, AppMode, ContainerManifest, Problem, ProblemKind, Requirement};
use std::collections::BTreeMap;

/// Why a string is not an acceptable manifest URL, or `None` if it is one.
///
/// The manifest schema's URL pattern, as we apply it: an absolute `http` or `https` URL
/// with a host of letters, digits, `-` and `.` and an optional numeric port; no whitespace
/// or control characters anywhere; and not ending in `.`, `,`, `(` or `)` (so that a URL
/// copied out of a sentence with its punctuation is refused).
pub(crate) fn url_problem(url: &str) -> Option<&'static str> {
    if url.is_empty() {
        return Some("is empty; expected an absolute http(s) URL");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("contains whitespace or a control character");
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Some("is not an absolute URL starting with http:// or https://");
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, port) = match rest[..authority_end].split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (&rest[..authority_end], None),
    };
    if host.is_empty() {
        return Some("has no host");
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Some("has a host with characters other than letters, digits, '-' and '.'");
    }
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Some("has a port that is not a number");
        }
    }
    if url.ends_with(['.', ',', '(', ')']) {
        return Some("ends with '.', ',', '(' or ')'");
    }
    None
}

/// True for one to three dot-separated runs of ASCII digits (`0`, `0.6`, `0.6.1`).
pub(crate) fn is_smart_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, field: String, kind: ProblemKind, message: String) {
        self.problems.push(Problem::new(field, kind, message));
    }

    fn url(&mut self, field: String, url: &str) {
        if let Some(why) = url_problem(url) {
            self.push(field, ProblemKind::InvalidUrl, format!("{url:?} {why}"));
        }
    }

    fn optional_url(&mut self, field: &str, url: Option<&String>) {
        if let Some(url) = url {
            self.url(field.to_owned(), url);
        }
    }

    fn version(&mut self, field: &str, version: &str) {
        if !is_smart_version(version) {
            self.push(
                field.to_owned(),
                ProblemKind::InvalidVersion,
                format!("{version:?} is not a version like \"0.6\" or \"0.6.1\" (one to three numbers separated by dots)"),
            );
        }
    }

    /// Reports each entry that repeats an earlier one, at the repeat's index.
    fn unique<T: PartialEq + std::fmt::Debug>(&mut self, field: &str, items: &[T]) {
        for (i, item) in items.iter().enumerate() {
            if let Some(first) = items[..i].iter().position(|earlier| earlier == item) {
                self.push(
                    index_path(field, i),
                    ProblemKind::Duplicate,
                    format!("{item:?} repeats {}", index_path(field, first)),
                );
            }
        }
    }

    /// `requires` or `capabilities`: keys and codes are URLs; methods and codes unique.
    fn requirements(&mut self, field: &str, map: &BTreeMap<String, Requirement>) {
        for (class, requirement) in map {
            let path = key_path(field, class);
            self.url(path.clone(), class);
            let methods = field_path(&path, "methods");
            self.unique(&methods, &requirement.methods);
            let codes = field_path(&path, "codes");
            for (i, code) in requirement.codes.iter().enumerate() {
                self.url(index_path(&codes, i), code);
            }
            self.unique(&codes, &requirement.codes);
        }
    }

    fn mode_requires(&mut self, mode: AppMode, field: &str, present: bool) {
        if !present {
            self.push(
                field.to_owned(),
                ProblemKind::RequiredForMode,
                format!("required when mode is {:?}", mode.as_str()),
            );
        }
    }

    fn mode_forbids(&mut self, mode: AppMode, field: &str, present: bool) {
        if present {
            self.push(
                field.to_owned(),
                ProblemKind::ForbiddenForMode,
                format!("not allowed when mode is {:?}", mode.as_str()),
            );
        }
    }
}

pub(super) fn app_manifest(m: &AppManifest) -> Vec<Problem> {
    let mut c = Checker::default();
    match m.mode {
        AppMode::Ui | AppMode::FrameUi => {
            c.mode_requires(m.mode, "icon", m.icon.is_some());
            c.mode_requires(m.mode, "index", m.index.is_some());
        }
        AppMode::Background => {
            c.mode_forbids(m.mode, "index", m.index.is_some());
            c.mode_forbids(m.mode, "oauth_callback", m.oauth_callback.is_some());
            c.mode_forbids(
                m.mode,
                "optimalBrowserEnvironments",
                m.optimal_browser_environments.is_some(),
            );
            c.mode_forbids(
                m.mode,
                "supportedBrowserEnvironments",
                m.supported_browser_environments.is_some(),
            );
        }
    }
    c.optional_url("index", m.index.as_ref());
    c.optional_url("icon", m.icon.as_ref());
    c.optional_url("oauth_callback", m.oauth_callback.as_ref());
    if let Some(version) = &m.smart_version {
        c.version("smart_version", version);
    }
    if let Some(requires) = &m.requires {
        c.requirements("requires", requires);
    }
    if let Some(envs) = &m.optimal_browser_environments {
        c.unique("optimalBrowserEnvironments", envs);
    }
    if let Some(envs) = &m.supported_browser_environments {
        c.unique("supportedBrowserEnvironments", envs);
    }
    c.problems
}

pub(super) fn container_manifest(m: &ContainerManifest) -> Vec<Problem> {
    let mut c = Checker::default();
    c.version("smart_version", &m.smart_version);
    c.url("api_base".to_owned(), &m.api_base);
    // `app_launch` carries the literal `{{app_id}}` placeholder: not a URL.
    c.url(
        "launch_urls.request_token".to_owned(),
        &m.launch_urls.request_token,
    );
    c.url(
        "launch_urls.authorize_token".to_owned(),
        &m.launch_urls.authorize_token,
    );
    c.url(
        "launch_urls.exchange_token".to_owned(),
        &m.launch_urls.exchange_token,
    );
    c.requirements("capabilities", &m.capabilities);
    c.problems
}

pub(super) fn unsupported(app: &AppManifest, container: &ContainerManifest) -> Vec<Problem> {
    let mut c = Checker::default();
    for (class, needed) in app.requires.iter().flatten() {
        let path = key_path("requires", class);
        let Some(offered) = container.capabilities.get(class) else {
            c.push(
                path,
                ProblemKind::Unsupported,
                "the container serves no such class".to_owned(),
            );
            continue;
        };
        for (i, method) in needed.methods.iter().enumerate() {
            if !offered.methods.contains(method) {
                c.push(
                    index_path(&field_path(&path, "methods"), i),
                    ProblemKind::Unsupported,
                    format!("the container does not offer {method} for this class"),
                );
            }
        }
    }
    c.problems
}
