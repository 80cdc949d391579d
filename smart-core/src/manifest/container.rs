//! Building this container's manifest from the catalog, and writing manifests as JSON.

use super::{
    ContainerManifest, LaunchUrls, ManifestError, Problem, ProblemKind, Requirement, SMART_VERSION,
};
use crate::catalog;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Builds a [`ContainerManifest`] whose `capabilities` are derived from the call catalog.
///
/// `name`, `description`, `admin`, `api_base` and `launch_urls` must be set;
/// `smart_version` defaults to [`SMART_VERSION`]. [`ContainerManifestBuilder::build`]
/// reports every missing or invalid field at once.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ContainerManifestBuilder {
    name: Option<String>,
    description: Option<String>,
    admin: Option<String>,
    smart_version: Option<String>,
    api_base: Option<String>,
    launch_urls: Option<LaunchUrls>,
}

impl ContainerManifestBuilder {
    /// The container's display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// What the container is.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The administrator's e-mail address.
    pub fn admin(mut self, admin: impl Into<String>) -> Self {
        self.admin = Some(admin.into());
        self
    }

    /// The SMART version advertised, instead of [`SMART_VERSION`].
    pub fn smart_version(mut self, version: impl Into<String>) -> Self {
        self.smart_version = Some(version.into());
        self
    }

    /// The base URL of the REST API; a trailing `/` is dropped.
    pub fn api_base(mut self, api_base: impl Into<String>) -> Self {
        let mut api_base = api_base.into();
        while api_base.ends_with('/') {
            api_base.pop();
        }
        self.api_base = Some(api_base);
        self
    }

    /// The OAuth and launch endpoints (see [`LaunchUrls::standard`]).
    pub fn launch_urls(mut self, launch_urls: LaunchUrls) -> Self {
        self.launch_urls = Some(launch_urls);
        self
    }

    /// The manifest, or every problem: missing fields first, then broken rules.
    pub fn build(self) -> Result<ContainerManifest, ManifestError> {
        let mut missing = Vec::new();
        let mut need = |field: &str, present: bool| {
            if !present {
                missing.push(Problem::new(
                    field,
                    ProblemKind::MissingField,
                    "required field was not set on the builder",
                ));
            }
        };
        need("name", self.name.is_some());
        need("description", self.description.is_some());
        need("admin", self.admin.is_some());
        need("api_base", self.api_base.is_some());
        need("launch_urls", self.launch_urls.is_some());
        let (Some(name), Some(description), Some(admin), Some(api_base), Some(launch_urls)) = (
            self.name,
            self.description,
            self.admin,
            self.api_base,
            self.launch_urls,
        ) else {
            return Err(ManifestError { problems: missing });
        };
        let manifest = ContainerManifest {
            name,
            description,
            admin,
            smart_version: self
                .smart_version
                .unwrap_or_else(|| SMART_VERSION.to_owned()),
            api_base,
            launch_urls,
            capabilities: catalog_capabilities(),
        };
        manifest.validate()?;
        Ok(manifest)
    }
}

pub(super) fn catalog_capabilities() -> BTreeMap<String, Requirement> {
    catalog::capabilities()
        .into_iter()
        .map(|(class, methods)| (class.to_owned(), Requirement::methods(methods)))
        .collect()
}

/// Rebuilds every object with its keys in sorted order, whatever the map implementation
/// (serde_json keeps insertion order when its `preserve_order` feature is on).
fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, sort_keys(v))).collect();
            Value::Object(sorted.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// JSON with sorted keys and four-space indentation.
pub(super) fn to_sorted_json<T: Serialize>(value: &T) -> String {
    // Serializing these types to a `Value` cannot fail: their maps have string keys.
    let value = serde_json::to_value(value).map_or(Value::Null, sort_keys);
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}
