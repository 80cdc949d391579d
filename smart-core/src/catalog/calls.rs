//! The call table: the 47 calls of the 2014 ontology.
//!
//! Facts (IRIs, paths, methods, categories, targets, filters, sorts) are the ontology's,
//! except where a comment marked `SPEC FIX` says otherwise; every such fix is also in
//! [`super::SPEC_FIXES`]. Descriptions are our own.

use super::filters::{self, calls};
use super::{ApiCall, CallCardinality::*, CallId, Category::*, HttpMethod::*};
use crate::{dcterms, sp};

const JSON: Option<&str> = Some("application/json");

/// The fields every entry sets explicitly are blank here; a unit test checks none stays
/// blank.
const BLANK: ApiCall = ApiCall {
    iri: "",
    name: "",
    id: CallId::GetContainerManifest,
    method: Get,
    path: "",
    category: Record,
    target: "",
    cardinality: Single,
    filters: &[],
    parameters: &[],
    default_sort: None,
    response_content_type: None,
    description: "",
};

/// Every API call: container calls, then record calls by type, then user calls.
pub static CALLS: &[ApiCall] = &[
    // ---- container ---------------------------------------------------------------------
    ApiCall {
        iri: calls!("get_container_manifest"),
        name: "get_container_manifest",
        id: CallId::GetContainerManifest,
        path: "/manifest",
        category: Container,
        target: sp!("ContainerManifest"),
        response_content_type: JSON,
        description: "The container's own manifest: API base, OAuth URLs, capabilities.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_ontology"),
        name: "get_ontology",
        id: CallId::GetOntology,
        path: "/ontology",
        category: Container,
        target: sp!("Ontology"),
        description: "The OWL ontology the container implements.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_app_manifests"),
        name: "get_app_manifests",
        id: CallId::GetAppManifests,
        path: "/apps/manifests/",
        category: Container,
        target: sp!("AppManifest"),
        cardinality: Multiple,
        response_content_type: JSON,
        description: "A JSON array with the manifest of every installed app.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_app_manifest"),
        name: "get_app_manifest",
        id: CallId::GetAppManifest,
        // Decision: `{descriptor}` is an app id; intent strings are not resolved.
        path: "/apps/{descriptor}/manifest",
        category: Container,
        target: sp!("AppManifest"),
        response_content_type: JSON,
        description: "The manifest of one installed app, found by app id.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("search_records"),
        name: "search_records",
        id: CallId::SearchRecords,
        path: "/records/search",
        category: Container,
        target: sp!("Demographics"),
        cardinality: Multiple,
        parameters: filters::SEARCH_RECORDS,
        description: "Demographics of the patients matching name, birth date, gender, zip code or MRN.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("search_users"),
        name: "search_users",
        id: CallId::SearchUsers,
        path: "/users/search",
        category: Container,
        target: sp!("User"),
        cardinality: Multiple,
        parameters: filters::SEARCH_USERS,
        description: "Users whose names match; every user when no name is given.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_user"),
        name: "get_user",
        id: CallId::GetUser,
        path: "/users/{user_id}",
        category: Container,
        target: sp!("User"),
        description: "One user account.",
        ..BLANK
    },
    // ---- record ------------------------------------------------------------------------
    ApiCall {
        iri: calls!("get_allergies"),
        name: "get_allergies",
        id: CallId::GetAllergies,
        path: "/records/{record_id}/allergies/",
        target: sp!("Allergy"),
        cardinality: Multiple,
        filters: filters::ALLERGIES,
        default_sort: Some(sp!("startDate")),
        description: "The record's allergies, together with its allergy exclusions.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_allergy"),
        name: "get_allergy",
        id: CallId::GetAllergy,
        path: "/records/{record_id}/allergies/{allergy_id}",
        target: sp!("Allergy"),
        description: "One allergy of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_clinical_notes"),
        name: "get_clinical_notes",
        id: CallId::GetClinicalNotes,
        path: "/records/{record_id}/clinical_notes/",
        target: sp!("ClinicalNote"),
        cardinality: Multiple,
        filters: filters::CLINICAL_NOTES,
        default_sort: Some(dcterms!("date")),
        description: "The record's clinical notes.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("post_clinical_note"),
        name: "post_clinical_note",
        id: CallId::PostClinicalNote,
        method: Post,
        path: "/records/{record_id}/clinical_notes/",
        target: sp!("ClinicalNote"),
        description: "Adds a note (RDF/XML without sp:belongsTo) and answers the stored copy.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_clinical_note"),
        name: "get_clinical_note",
        id: CallId::GetClinicalNote,
        path: "/records/{record_id}/clinical_notes/{clinical_note_id}",
        target: sp!("ClinicalNote"),
        description: "One clinical note of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_demographics"),
        name: "get_demographics",
        id: CallId::GetDemographics,
        path: "/records/{record_id}/demographics",
        target: sp!("Demographics"),
        description: "The patient's demographics; a record has exactly one.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_documents"),
        name: "get_documents",
        id: CallId::GetDocuments,
        path: "/records/{record_id}/documents/",
        target: sp!("Document"),
        cardinality: Multiple,
        // SPEC FIX (get_documents filters): see `filters::DOCUMENTS`.
        filters: filters::DOCUMENTS,
        parameters: filters::DOCUMENT_FORMAT,
        // SPEC FIX (get_documents sort): the ontology sorts on `sp:date`, a property that
        // does not exist; every document has `dcterms:date`.
        default_sort: Some(dcterms!("date")),
        description: "The record's documents, as metadata or with their content inline.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_document"),
        name: "get_document",
        id: CallId::GetDocument,
        path: "/records/{record_id}/documents/{document_id}",
        target: sp!("Document"),
        parameters: filters::DOCUMENT_FORMAT,
        description: "One document: its bytes by default, or its metadata, or both.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_encounters"),
        name: "get_encounters",
        id: CallId::GetEncounters,
        path: "/records/{record_id}/encounters/",
        target: sp!("Encounter"),
        cardinality: Multiple,
        default_sort: Some(sp!("startDate")),
        description: "The record's encounters.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_encounter"),
        name: "get_encounter",
        id: CallId::GetEncounter,
        path: "/records/{record_id}/encounters/{encounter_id}",
        target: sp!("Encounter"),
        description: "One encounter of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_family_history_observations"),
        name: "get_family_history_observations",
        id: CallId::GetFamilyHistoryObservations,
        path: "/records/{record_id}/family_history/",
        target: sp!("FamilyHistory"),
        cardinality: Multiple,
        description: "The record's family history observations (unsorted, not pageable).",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_family_history_observation"),
        name: "get_family_history_observation",
        id: CallId::GetFamilyHistoryObservation,
        path: "/records/{record_id}/family_history/{family_history_id}",
        target: sp!("FamilyHistory"),
        description: "One family history observation of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_fulfillments"),
        name: "get_fulfillments",
        id: CallId::GetFulfillments,
        path: "/records/{record_id}/fulfillments/",
        target: sp!("Fulfillment"),
        cardinality: Multiple,
        filters: filters::FULFILLMENTS,
        default_sort: Some(dcterms!("date")),
        description: "The record's medication fulfillments (dispense events).",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_fulfillment"),
        name: "get_fulfillment",
        id: CallId::GetFulfillment,
        path: "/records/{record_id}/fulfillments/{fulfillment_id}",
        target: sp!("Fulfillment"),
        description: "One fulfillment of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_imaging_studies"),
        name: "get_imaging_studies",
        id: CallId::GetImagingStudies,
        path: "/records/{record_id}/imaging_studies/",
        target: sp!("ImagingStudy"),
        cardinality: Multiple,
        default_sort: Some(dcterms!("date")),
        description: "The record's imaging studies.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_imaging_study"),
        name: "get_imaging_study",
        id: CallId::GetImagingStudy,
        path: "/records/{record_id}/imaging_studies/{imaging_study_id}",
        target: sp!("ImagingStudy"),
        description: "One imaging study of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_immunizations"),
        name: "get_immunizations",
        id: CallId::GetImmunizations,
        path: "/records/{record_id}/immunizations/",
        target: sp!("Immunization"),
        cardinality: Multiple,
        filters: filters::IMMUNIZATIONS,
        default_sort: Some(dcterms!("date")),
        description: "The record's immunizations, given or not.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_immunization"),
        name: "get_immunization",
        id: CallId::GetImmunization,
        path: "/records/{record_id}/immunizations/{immunization_id}",
        target: sp!("Immunization"),
        description: "One immunization of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_lab_panels"),
        name: "get_lab_panels",
        id: CallId::GetLabPanels,
        path: "/records/{record_id}/lab_panels/",
        target: sp!("LabPanel"),
        cardinality: Multiple,
        description: "The record's lab panels (unsorted, not pageable).",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_lab_panel"),
        name: "get_lab_panel",
        id: CallId::GetLabPanel,
        // SPEC FIX (get_lab_panel path): the ontology gives this call the collection path
        // `/records/{record_id}/lab_panels/`, which has no id and collides with
        // get_lab_panels. We use the class's base path.
        path: "/records/{record_id}/lab_panels/{lab_panel_id}",
        target: sp!("LabPanel"),
        description: "One lab panel of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_lab_results"),
        name: "get_lab_results",
        id: CallId::GetLabResults,
        path: "/records/{record_id}/lab_results/",
        target: sp!("LabResult"),
        cardinality: Multiple,
        filters: filters::LAB_RESULTS,
        default_sort: Some(dcterms!("date")),
        description: "The record's lab results, filterable by LOINC code.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_lab_result"),
        name: "get_lab_result",
        id: CallId::GetLabResult,
        path: "/records/{record_id}/lab_results/{lab_result_id}",
        target: sp!("LabResult"),
        description: "One lab result of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_medical_images"),
        name: "get_medical_images",
        id: CallId::GetMedicalImages,
        path: "/records/{record_id}/medical_images/",
        target: sp!("MedicalImage"),
        cardinality: Multiple,
        default_sort: Some(dcterms!("date")),
        description: "The record's medical images (DICOM documents).",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_medical_image"),
        name: "get_medical_image",
        id: CallId::GetMedicalImage,
        path: "/records/{record_id}/medical_images/{medical_image_id}",
        target: sp!("MedicalImage"),
        description: "One medical image of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_medications"),
        name: "get_medications",
        id: CallId::GetMedications,
        path: "/records/{record_id}/medications/",
        target: sp!("Medication"),
        cardinality: Multiple,
        filters: filters::MEDICATIONS,
        default_sort: Some(sp!("startDate")),
        description: "The record's medications, filterable by RxNorm code.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_medication"),
        name: "get_medication",
        id: CallId::GetMedication,
        path: "/records/{record_id}/medications/{medication_id}",
        target: sp!("Medication"),
        description: "One medication of the record, with its fulfillments.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_photograph"),
        name: "get_photograph",
        id: CallId::GetPhotograph,
        // Decision: the ontology's singular path is kept (one photograph per record); the
        // class base path `/photographs/...` only shapes statement IRIs.
        path: "/records/{record_id}/photograph",
        target: sp!("Photograph"),
        description: "The patient's photograph, as image bytes.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_problems"),
        name: "get_problems",
        id: CallId::GetProblems,
        path: "/records/{record_id}/problems/",
        target: sp!("Problem"),
        cardinality: Multiple,
        filters: filters::PROBLEMS,
        default_sort: Some(sp!("startDate")),
        description: "The record's problems, filterable by SNOMED code.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_problem"),
        name: "get_problem",
        id: CallId::GetProblem,
        path: "/records/{record_id}/problems/{problem_id}",
        target: sp!("Problem"),
        description: "One problem of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_procedures"),
        name: "get_procedures",
        id: CallId::GetProcedures,
        path: "/records/{record_id}/procedures/",
        target: sp!("Procedure"),
        cardinality: Multiple,
        filters: filters::PROCEDURES,
        default_sort: Some(dcterms!("date")),
        description: "The record's procedures, filterable by SNOMED code.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_procedure"),
        name: "get_procedure",
        id: CallId::GetProcedure,
        path: "/records/{record_id}/procedures/{procedure_id}",
        target: sp!("Procedure"),
        description: "One procedure of the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_scratchpad_data"),
        name: "get_scratchpad_data",
        id: CallId::GetScratchpadData,
        path: "/records/{record_id}/apps/{smart_app_id}/scratchpad",
        target: sp!("ScratchpadData"),
        description: "An app's opaque scratchpad for the record; empty if never written.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("put_scratchpad_data"),
        name: "put_scratchpad_data",
        id: CallId::PutScratchpadData,
        method: Put,
        path: "/records/{record_id}/apps/{smart_app_id}/scratchpad",
        target: sp!("ScratchpadData"),
        description: "Replaces the app's scratchpad for the record and echoes what was stored.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("delete_scratchpad_data"),
        name: "delete_scratchpad_data",
        id: CallId::DeleteScratchpadData,
        method: Delete,
        path: "/records/{record_id}/apps/{smart_app_id}/scratchpad",
        target: sp!("ScratchpadData"),
        description: "Erases the app's scratchpad for the record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_social_history"),
        name: "get_social_history",
        id: CallId::GetSocialHistory,
        path: "/records/{record_id}/social_history",
        target: sp!("SocialHistory"),
        description: "The patient's social history (smoking status); one per record.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_vital_sign_sets"),
        name: "get_vital_sign_sets",
        id: CallId::GetVitalSignSets,
        path: "/records/{record_id}/vital_sign_sets/",
        target: sp!("VitalSignSet"),
        cardinality: Multiple,
        filters: filters::VITAL_SIGN_SETS,
        default_sort: Some(dcterms!("date")),
        description: "The record's vital sign sets, filterable by encounter type.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("get_vital_sign_set"),
        name: "get_vital_sign_set",
        id: CallId::GetVitalSignSet,
        path: "/records/{record_id}/vital_sign_sets/{vital_sign_set_id}",
        target: sp!("VitalSignSet"),
        description: "One vital sign set of the record.",
        ..BLANK
    },
    // ---- user --------------------------------------------------------------------------
    ApiCall {
        iri: calls!("get_user_preferences"),
        name: "get_user_preferences",
        id: CallId::GetUserPreferences,
        path: "/users/{user_id}/apps/{smart_app_id}/preferences",
        category: User,
        target: sp!("UserPreferences"),
        description: "A user's opaque preferences for one app; empty if never written.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("put_user_preferences"),
        name: "put_user_preferences",
        id: CallId::PutUserPreferences,
        method: Put,
        path: "/users/{user_id}/apps/{smart_app_id}/preferences",
        category: User,
        target: sp!("UserPreferences"),
        description: "Replaces a user's preferences for one app and echoes what was stored.",
        ..BLANK
    },
    ApiCall {
        iri: calls!("delete_user_preferences"),
        name: "delete_user_preferences",
        id: CallId::DeleteUserPreferences,
        method: Delete,
        path: "/users/{user_id}/apps/{smart_app_id}/preferences",
        category: User,
        target: sp!("UserPreferences"),
        description: "Erases a user's preferences for one app.",
        ..BLANK
    },
];
