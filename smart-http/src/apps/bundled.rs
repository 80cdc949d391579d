//! The bundled apps: their manifests (pointing at the apps origin) and their registration
//! at start.
//!
//! [`register_bundled`] is idempotent: an app already registered with the same manifest is
//! left alone; a changed manifest (a new apps URL, a new version) replaces the stored one
//! and keeps the consumer secret ([`SecretPolicy::Keep`]), so several servers sharing one
//! directory and one apps URL agree, whichever starts first.

use crate::container::Container;
use smart_core::catalog::HttpMethod;
use smart_core::manifest::AppManifest;
use smart_store::directory::{AppId, NewApp, SecretPolicy, Timestamp};
use std::fmt;

/// One bundled app.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Bundled {
    /// Its folder on the apps origin (`/{slug}/` is its page).
    pub slug: &'static str,
    /// The app id (also its OAuth consumer key).
    pub id: &'static str,
    /// The name in the sidebar.
    pub name: &'static str,
    /// What it shows.
    pub description: &'static str,
    /// The classes it reads or writes (local names of `sp:` classes) and how.
    pub requires: &'static [(&'static str, &'static [HttpMethod])],
}

const GET: &[HttpMethod] = &[HttpMethod::Get];
const STORE: &[HttpMethod] = &[HttpMethod::Get, HttpMethod::Put, HttpMethod::Delete];

/// The bundled apps, in sidebar order.
pub static BUNDLED: &[Bundled] = &[
    Bundled {
        slug: "summary",
        id: "patient-summary@apps.smart-rs.local",
        name: "Patient summary",
        description: "The face sheet: demographics, allergies, active problems, current medications, last vitals and recent labs.",
        requires: &[
            ("Demographics", GET),
            ("Allergy", GET),
            ("Problem", GET),
            ("Medication", GET),
            ("VitalSignSet", GET),
            ("LabResult", GET),
        ],
    },
    Bundled {
        slug: "medications",
        id: "medications@apps.smart-rs.local",
        name: "Medications",
        description: "Current and past medications with dose, frequency and instructions; pharmacy fills on a timeline with the days covered.",
        requires: &[("Medication", GET), ("Fulfillment", GET)],
    },
    Bundled {
        slug: "vitals",
        id: "vitals-growth@apps.smart-rs.local",
        name: "Vitals and growth",
        description: "Blood pressure, heart rate, weight and BMI over time; growth charts with WHO and CDC percentile bands for children.",
        requires: &[("Demographics", GET), ("VitalSignSet", GET)],
    },
    Bundled {
        slug: "labs",
        id: "lab-results@apps.smart-rs.local",
        name: "Lab results",
        description: "Lab results grouped by test, a trend chart per test, results outside the reference range flagged.",
        requires: &[("LabResult", GET)],
    },
    Bundled {
        slug: "problems",
        id: "problems@apps.smart-rs.local",
        name: "Problems",
        description: "Active and resolved problems with onset and resolution dates, codes and a timeline.",
        requires: &[("Problem", GET)],
    },
    Bundled {
        slug: "allergies",
        id: "allergies-immunizations@apps.smart-rs.local",
        name: "Allergies and immunizations",
        description: "Allergies with reactions and severity, no-known-allergies statements, and the immunization history.",
        requires: &[("Allergy", GET), ("Immunization", GET)],
    },
    Bundled {
        slug: "notes",
        id: "notes-documents@apps.smart-rs.local",
        name: "Notes and documents",
        description: "Clinical notes with a form to write one; documents with metadata, text preview and download.",
        requires: &[
            ("ClinicalNote", &[HttpMethod::Get, HttpMethod::Post]),
            ("Document", GET),
        ],
    },
    Bundled {
        slug: "preferences",
        id: "preferences-scratchpad@apps.smart-rs.local",
        name: "Preferences and scratchpad",
        description: "A demonstration of SMART storage: your preferences for the app, and a scratchpad kept with the record.",
        requires: &[("UserPreferences", STORE), ("ScratchpadData", STORE)],
    },
];

impl Bundled {
    /// The manifest with its pages on the apps origin `apps_base` (no trailing slash).
    pub fn manifest(&self, apps_base: &str) -> AppManifest {
        let requires: serde_json::Map<String, serde_json::Value> = self
            .requires
            .iter()
            .map(|(class, methods)| {
                let methods: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
                (
                    format!("http://smartplatforms.org/terms#{class}"),
                    serde_json::json!({ "methods": methods }),
                )
            })
            .collect();
        let json = serde_json::json!({
            "name": self.name,
            "description": self.description,
            "author": "smart-rs (bundled sample app)",
            "id": self.id,
            "version": env!("CARGO_PKG_VERSION"),
            "mode": "ui",
            "scope": "record",
            "standalone": false,
            "smart_version": "0.6",
            "index": format!("{apps_base}/{}/", self.slug),
            "icon": format!("{apps_base}/{}/icon.svg", self.slug),
            "requires": requires,
        });
        // A unit test builds every manifest, so this holds for the static table.
        AppManifest::from_json_validated(&json.to_string())
            .unwrap_or_else(|e| panic!("bundled manifest {}: {e}", self.id))
    }
}

/// What [`register_bundled`] did to one app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Registration {
    /// Registered for the first time (enabled by default for every user).
    Created,
    /// Its manifest or its container-wide switch changed.
    Updated,
    /// Already registered as it should be.
    Unchanged,
    /// Not registered, and the bundled apps are off: nothing to do.
    Absent,
}

/// Why the bundled apps could not be registered.
#[derive(Debug)]
#[non_exhaustive]
pub enum RegisterError {
    /// The directory failed.
    Store(smart_store::StoreError),
    /// No randomness for a consumer secret.
    Random(smart_auth::RandomError),
}

impl fmt::Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(e) => write!(f, "registering the bundled apps: {e}"),
            Self::Random(e) => write!(f, "no randomness for a consumer secret: {e}"),
        }
    }
}

impl std::error::Error for RegisterError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Store(e) => Some(e),
            Self::Random(e) => Some(e),
        }
    }
}

impl From<smart_store::StoreError> for RegisterError {
    fn from(e: smart_store::StoreError) -> Self {
        Self::Store(e)
    }
}

/// Registers or updates the bundled apps as `[apps]` says: with their pages on
/// `public_url` and switched on container-wide when `enabled`; when not, the ones already
/// registered are switched off (none is created). New registrations are enabled by
/// default for every user; an update keeps the stored default, secret, per-user choices,
/// preferences and scratchpads. Returns what happened to each app, in [`BUNDLED`] order.
pub async fn register_bundled(
    container: &Container,
) -> Result<Vec<(&'static str, Registration)>, RegisterError> {
    let config = &container.config().apps;
    let directory = container.directory();
    let mut done = Vec::with_capacity(BUNDLED.len());
    for app in BUNDLED {
        let manifest = app.manifest(config.base());
        let id = AppId::new(app.id).map_err(smart_store::StoreError::from)?;
        let old = directory.get_app(&id).await?;
        let outcome = match old {
            None if !config.enabled => Registration::Absent,
            Some(o) if o.manifest == manifest && o.enabled == config.enabled => {
                Registration::Unchanged
            }
            old => {
                let secret = smart_auth::random_string(&smart_auth::OsRandom::new(), 32)
                    .map_err(RegisterError::Random)?;
                let by_default = old.as_ref().is_none_or(|o| o.enabled_by_default);
                let new = NewApp::new(manifest, secret)
                    .enabled_by_default(by_default)
                    .enabled(config.enabled);
                directory
                    .register_app(new, SecretPolicy::Keep, Timestamp::now())
                    .await?;
                if old.is_none() {
                    Registration::Created
                } else {
                    Registration::Updated
                }
            }
        };
        done.push((app.id, outcome));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_manifest_is_valid_and_points_at_the_apps_origin() {
        for app in BUNDLED {
            let m = app.manifest("http://127.0.0.1:7001");
            assert_eq!(m.id, app.id);
            let index = m.index.unwrap();
            assert_eq!(index, format!("http://127.0.0.1:7001/{}/", app.slug));
            assert!(
                super::super::files::find(&index["http://127.0.0.1:7001".len()..]).is_some(),
                "{index} is not embedded"
            );
            let icon = m.icon.unwrap();
            assert!(
                super::super::files::find(&icon["http://127.0.0.1:7001".len()..]).is_some(),
                "{icon} is not embedded"
            );
        }
        let mut ids: Vec<&str> = BUNDLED.iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), BUNDLED.len());
    }
}
