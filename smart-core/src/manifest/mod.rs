//! App and container manifests: their JSON shape, parsing with errors that name the field,
//! and the conformance rules.
//!
//! - [`AppManifest`] describes an installed app (`GET /apps/manifests/`,
//!   `GET /apps/{descriptor}/manifest`). [`AppManifest::from_json`] checks the JSON shape
//!   (required fields, types, allowed values, no unknown keys) and reports every problem
//!   at once; [`AppManifest::validate`] then checks the rules: URLs, `smart_version`,
//!   unique list entries, and what each [`AppMode`] requires or forbids.
//! - [`ContainerManifest`] describes the container (`GET /manifest`). Build ours with
//!   [`ContainerManifest::builder`], which derives the `capabilities` from the call
//!   catalog; [`ContainerManifest::to_json`] writes it with sorted keys.
//!
//! Every [`Problem`] names the field it is about, as a path like `icon`,
//! `launch_urls.request_token` or `requires["http://smartplatforms.org/terms#LabResult"].methods[1]`.
//!
//! ```
//! use smart_core::manifest::{AppManifest, ProblemKind};
//!
//! let json = r#"{"name": "Meds", "description": "Lists medications.",
//!                "id": "meds@apps.example.org", "mode": "ui",
//!                "index": "https://apps.example.org/meds/"}"#;
//! let app = AppManifest::from_json(json).expect("well-shaped");
//! let err = app.validate().expect_err("a ui app needs an icon");
//! assert_eq!(err.problems()[0].field, "icon");
//! assert_eq!(err.kind(), ProblemKind::RequiredForMode);
//! ```
//!
//! The structs also implement serde's `Serialize` and `Deserialize` (with
//! `deny_unknown_fields`), for embedding in other documents; note that serde's derive
//! reads `null` as an absent optional field, while [`AppManifest::from_json`] follows the
//! manifest schema and refuses it.

mod container;
mod read;
mod rules;

pub use container::ContainerManifestBuilder;

use crate::catalog::HttpMethod;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The SMART version this container implements, advertised in its manifest.
pub const SMART_VERSION: &str = "0.6.1";

/// How an app is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AppMode {
    /// A web app the container opens in the browser (SMART REST, OAuth).
    Ui,
    /// A web app the container runs in an iframe (SMART Connect).
    FrameUi,
    /// An app without a user interface that works on records in the background.
    Background,
}

impl AppMode {
    /// The manifest's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ui => "ui",
            Self::FrameUi => "frame_ui",
            Self::Background => "background",
        }
    }
}

/// What an app works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// One patient record at a time.
    Record,
    /// The container as a whole (e.g. across patients).
    Container,
}

/// A kind of device an app is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BrowserEnvironment {
    /// A desktop browser.
    Desktop,
    /// A tablet.
    Tablet,
    /// A phone.
    Mobile,
}

/// What an app needs of one class (in `requires`), or what a container offers for it (in
/// `capabilities`): HTTP methods and, optionally, particular codes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Requirement {
    /// The methods, each at most once.
    #[serde(default)]
    pub methods: Vec<HttpMethod>,
    /// Code IRIs (URLs), each at most once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

impl Requirement {
    /// A requirement of these methods and no codes.
    pub fn methods(methods: impl IntoIterator<Item = HttpMethod>) -> Self {
        Self {
            methods: methods.into_iter().collect(),
            codes: Vec::new(),
        }
    }
}

/// The manifest of an app.
///
/// `name`, `description`, `id` and `mode` are required. Which other fields a mode needs or
/// forbids is checked by [`AppManifest::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppManifest {
    /// Display name.
    pub name: String,
    /// What the app does.
    pub description: String,
    /// The app id, usually e-mail-like; also the OAuth consumer key.
    pub id: String,
    /// How the app runs.
    pub mode: AppMode,
    /// Who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The app's own version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Record or container app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// True if the app opens in its own window (or is native) rather than in the
    /// container's frame; absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standalone: Option<bool>,
    /// Launch page URL (required for `ui` and `frame_ui`, forbidden for `background`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Icon URL (required for `ui` and `frame_ui`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Where the container sends the browser after OAuth authorisation (forbidden for
    /// `background`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_callback: Option<String>,
    /// The SMART version the app was written for, e.g. `0.6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_version: Option<String>,
    /// What the app needs, by class IRI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<BTreeMap<String, Requirement>>,
    /// The environments the app works best in (forbidden for `background`).
    #[serde(
        default,
        rename = "optimalBrowserEnvironments",
        skip_serializing_if = "Option::is_none"
    )]
    pub optimal_browser_environments: Option<Vec<BrowserEnvironment>>,
    /// The environments the app works in at all (forbidden for `background`).
    #[serde(
        default,
        rename = "supportedBrowserEnvironments",
        skip_serializing_if = "Option::is_none"
    )]
    pub supported_browser_environments: Option<Vec<BrowserEnvironment>>,
}

/// The container's OAuth and launch endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LaunchUrls {
    /// The page that launches an app; contains the literal placeholder `{{app_id}}`, so it
    /// is not checked as a URL.
    pub app_launch: String,
    /// Where apps get an OAuth request token.
    pub request_token: String,
    /// Where the user authorises a request token.
    pub authorize_token: String,
    /// Where apps exchange an authorised request token for an access token.
    pub exchange_token: String,
}

impl LaunchUrls {
    /// The four endpoints, as given.
    pub fn new(
        app_launch: impl Into<String>,
        request_token: impl Into<String>,
        authorize_token: impl Into<String>,
        exchange_token: impl Into<String>,
    ) -> Self {
        Self {
            app_launch: app_launch.into(),
            request_token: request_token.into(),
            authorize_token: authorize_token.into(),
            exchange_token: exchange_token.into(),
        }
    }

    /// The layout of the reference container: the launch page and authorisation on the UI
    /// server (`{ui_base}/apps/{{app_id}}/launch`, `{ui_base}/oauth/authorize`), the token
    /// endpoints on the API server (`{api_base}/oauth/request_token`,
    /// `{api_base}/oauth/access_token`). Trailing slashes of the bases are dropped.
    pub fn standard(api_base: &str, ui_base: &str) -> Self {
        let api = api_base.trim_end_matches('/');
        let ui = ui_base.trim_end_matches('/');
        Self {
            app_launch: format!("{ui}/apps/{{{{app_id}}}}/launch"),
            request_token: format!("{api}/oauth/request_token"),
            authorize_token: format!("{ui}/oauth/authorize"),
            exchange_token: format!("{api}/oauth/access_token"),
        }
    }
}

/// The manifest of a container (`GET /manifest`). Every field is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ContainerManifest {
    /// Display name.
    pub name: String,
    /// What this container is.
    pub description: String,
    /// The administrator's e-mail address.
    pub admin: String,
    /// The SMART version implemented, e.g. `0.6.1`.
    pub smart_version: String,
    /// The base URL of every REST path, without a trailing slash.
    pub api_base: String,
    /// OAuth and launch endpoints.
    pub launch_urls: LaunchUrls,
    /// What the container serves, by class IRI.
    pub capabilities: BTreeMap<String, Requirement>,
}

/// What kind of problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The text is not JSON.
    Syntax,
    /// A key the manifest does not define.
    UnknownField,
    /// A required key is absent.
    MissingField,
    /// A value of the wrong JSON type, or a string outside the allowed values.
    WrongType,
    /// Not an absolute http(s) URL of the allowed shape.
    InvalidUrl,
    /// `smart_version` is not one to three dot-separated numbers.
    InvalidVersion,
    /// A list repeats an entry.
    Duplicate,
    /// The app's mode needs this field.
    RequiredForMode,
    /// The app's mode does not allow this field.
    ForbiddenForMode,
    /// The app requires something the container does not offer (a warning, from
    /// [`AppManifest::unsupported_requirements`]).
    Unsupported,
}

/// One problem with a manifest, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The field path, e.g. `requires["http://…"].methods[1]`; empty for the document.
    pub field: String,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(
        field: impl Into<String>,
        kind: ProblemKind,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "manifest: {}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// A manifest that could not be read or breaks the rules: one or more [`Problem`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe_problems(.problems))]
pub struct ManifestError {
    problems: Vec<Problem>,
}

impl ManifestError {
    /// `None` if there are no problems.
    pub(crate) fn from_problems(problems: Vec<Problem>) -> Option<Self> {
        (!problems.is_empty()).then_some(Self { problems })
    }

    /// Every problem found, in document order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problems, by value.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// The kind of the first problem.
    pub fn kind(&self) -> ProblemKind {
        self.problems
            .first()
            .map_or(ProblemKind::Syntax, |p| p.kind)
    }

    /// True if some problem is about this field path.
    pub fn mentions(&self, field: &str) -> bool {
        self.problems.iter().any(|p| p.field == field)
    }
}

fn describe_problems(problems: &[Problem]) -> String {
    match problems {
        [one] => format!("invalid manifest: {one}"),
        many => {
            let list: Vec<String> = many.iter().map(Problem::to_string).collect();
            format!(
                "invalid manifest ({} problems): {}",
                many.len(),
                list.join("; ")
            )
        }
    }
}

fn into_result(problems: Vec<Problem>) -> Result<(), ManifestError> {
    ManifestError::from_problems(problems).map_or(Ok(()), Err)
}

impl AppManifest {
    /// A manifest with the four required fields and nothing else.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        id: impl Into<String>,
        mode: AppMode,
    ) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            id: id.into(),
            mode,
            author: None,
            version: None,
            scope: None,
            standalone: None,
            index: None,
            icon: None,
            oauth_callback: None,
            smart_version: None,
            requires: None,
            optimal_browser_environments: None,
            supported_browser_environments: None,
        }
    }

    /// Reads a manifest from JSON, checking its shape: required fields, JSON types,
    /// allowed values, no unknown keys. Every problem is reported, each naming its field.
    /// The rules are checked separately by [`AppManifest::validate`] (or use
    /// [`AppManifest::from_json_validated`] for both).
    pub fn from_json(json: &str) -> Result<Self, ManifestError> {
        read::app_manifest(json)
    }

    /// [`AppManifest::from_json`], then [`AppManifest::validate`].
    pub fn from_json_validated(json: &str) -> Result<Self, ManifestError> {
        let manifest = Self::from_json(json)?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// Every rule the manifest breaks (empty if none): URL fields and `requires` keys and
    /// codes are absolute http(s) URLs, `smart_version` is one to three dot-separated
    /// numbers, list entries are unique, `ui`/`frame_ui` apps have `icon` and `index`,
    /// and `background` apps have none of `index`, `oauth_callback` and the browser
    /// environments.
    pub fn problems(&self) -> Vec<Problem> {
        rules::app_manifest(self)
    }

    /// `Ok` if [`AppManifest::problems`] finds none; otherwise all of them.
    pub fn validate(&self) -> Result<(), ManifestError> {
        into_result(self.problems())
    }

    /// What the app requires that `container` does not offer: classes missing from its
    /// `capabilities`, and methods it does not list for a class. These are warnings (kind
    /// [`ProblemKind::Unsupported`]): the app may still work without them.
    pub fn unsupported_requirements(&self, container: &ContainerManifest) -> Vec<Problem> {
        rules::unsupported(self, container)
    }

    /// True if the app opens in its own window.
    pub fn is_standalone(&self) -> bool {
        self.standalone.unwrap_or(false)
    }

    /// The environments the app works best in; `desktop` when not given.
    pub fn optimal_environments(&self) -> &[BrowserEnvironment] {
        self.optimal_browser_environments
            .as_deref()
            .unwrap_or(&[BrowserEnvironment::Desktop])
    }

    /// The environments the app works in; all three when not given.
    pub fn supported_environments(&self) -> &[BrowserEnvironment] {
        self.supported_browser_environments.as_deref().unwrap_or(&[
            BrowserEnvironment::Desktop,
            BrowserEnvironment::Mobile,
            BrowserEnvironment::Tablet,
        ])
    }

    /// The manifest as JSON, keys sorted, indented by four spaces.
    pub fn to_json(&self) -> String {
        container::to_sorted_json(self)
    }
}

impl ContainerManifest {
    /// A builder for this container's manifest, with `capabilities` from the catalog.
    pub fn builder() -> ContainerManifestBuilder {
        ContainerManifestBuilder::default()
    }

    /// What the call catalog serves, in manifest form: each target class with its
    /// methods and no codes.
    pub fn catalog_capabilities() -> BTreeMap<String, Requirement> {
        container::catalog_capabilities()
    }

    /// Reads a container manifest from JSON, checking its shape (every field required, no
    /// unknown keys, right types). Every problem is reported, each naming its field.
    pub fn from_json(json: &str) -> Result<Self, ManifestError> {
        read::container_manifest(json)
    }

    /// Every rule the manifest breaks (empty if none): `smart_version` pattern, URLs
    /// (`api_base`, the token endpoints, capability keys and codes), unique entries.
    pub fn problems(&self) -> Vec<Problem> {
        rules::container_manifest(self)
    }

    /// `Ok` if [`ContainerManifest::problems`] finds none; otherwise all of them.
    pub fn validate(&self) -> Result<(), ManifestError> {
        into_result(self.problems())
    }

    /// The manifest as JSON, keys sorted, indented by four spaces (as the reference
    /// container serves it).
    pub fn to_json(&self) -> String {
        container::to_sorted_json(self)
    }
}

#[cfg(test)]
mod tests;
