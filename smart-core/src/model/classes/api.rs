//! Opaque documents (manifests, scratchpad, preferences, the ontology) and the classes
//! that describe the API.

use crate::model::ClassDef;
use crate::{api, sp};

pub(super) const APP_MANIFEST: ClassDef = ClassDef {
    iri: sp!("AppManifest"),
    label: "App Manifest",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "An app's JSON manifest (opaque to the data model).",
};

pub(super) const CONTAINER_MANIFEST: ClassDef = ClassDef {
    iri: sp!("ContainerManifest"),
    label: "ContainerManifest",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "The container's JSON manifest of its capabilities (opaque to the data model).",
};

pub(super) const ONTOLOGY: ClassDef = ClassDef {
    iri: sp!("Ontology"),
    label: "Ontology",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "The ontology document itself, as served by the container.",
};

pub(super) const SCRATCHPAD_DATA: ClassDef = ClassDef {
    iri: sp!("ScratchpadData"),
    label: "Scratchpad Data",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "Free-form data an app keeps in its scratchpad (opaque).",
};

pub(super) const USER_PREFERENCES: ClassDef = ClassDef {
    iri: sp!("UserPreferences"),
    label: "User Preferences",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "Free-form preferences an app keeps for a user (opaque).",
};

pub(super) const SMART_API: ClassDef = ClassDef {
    iri: sp!("SMARTAPI"),
    label: "SMARTAPI",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "Abstract base of the classes that describe the REST API itself.",
};

pub(super) const API_CALL: ClassDef = ClassDef {
    iri: api!("Call"),
    label: "Call",
    plural: None,
    parents: &[sp!("SMARTAPI")],
    base_path: None,
    properties: &[],
    description: "One REST API call: method, path, target class and filters.",
};

pub(super) const API_FILTER: ClassDef = ClassDef {
    iri: api!("Filter"),
    label: "Filter",
    plural: None,
    parents: &[sp!("SMARTAPI")],
    base_path: None,
    properties: &[],
    description: "A query filter a collection call accepts.",
};

pub(super) const API_PARAMETER: ClassDef = ClassDef {
    iri: api!("Parameter"),
    label: "Parameter",
    plural: None,
    parents: &[sp!("SMARTAPI")],
    base_path: None,
    properties: &[],
    description: "A parameter (path or query) that a call takes.",
};

pub(super) const API_PARAMETER_SET: ClassDef = ClassDef {
    iri: api!("ParameterSet"),
    label: "ParameterSet",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "A group of parameters.",
};
