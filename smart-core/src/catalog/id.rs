//! [`CallId`]: every catalog call as an enum variant, so code that dispatches on a call
//! matches exhaustively (a call without a handler is a compile error) instead of comparing
//! name strings.
//!
//! The variants are in the order of [`CALLS`]; `CallId::call` indexes the table, and a unit
//! test checks that the enum and the table agree one-to-one (same order, same names).

use super::{ApiCall, CALLS};

/// One call of the catalog ([`CALLS`]), by identity.
///
/// ```
/// use smart_core::catalog::{self, CallId};
///
/// let call = CallId::GetMedications.call();
/// assert_eq!(call.name, "get_medications");
/// assert_eq!(call.id, CallId::GetMedications);
/// assert_eq!(CallId::from_name("get_medications"), Some(CallId::GetMedications));
/// assert_eq!(catalog::call("get_medications").map(|c| c.id), Some(CallId::GetMedications));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[expect(
    clippy::exhaustive_enums,
    reason = "dispatch on a call must be exhaustive in every crate; a new call is a breaking change on purpose"
)]
pub enum CallId {
    /// `get_container_manifest`.
    GetContainerManifest,
    /// `get_ontology`.
    GetOntology,
    /// `get_app_manifests`.
    GetAppManifests,
    /// `get_app_manifest`.
    GetAppManifest,
    /// `search_records`.
    SearchRecords,
    /// `search_users`.
    SearchUsers,
    /// `get_user`.
    GetUser,
    /// `get_allergies`.
    GetAllergies,
    /// `get_allergy`.
    GetAllergy,
    /// `get_clinical_notes`.
    GetClinicalNotes,
    /// `post_clinical_note`.
    PostClinicalNote,
    /// `get_clinical_note`.
    GetClinicalNote,
    /// `get_demographics`.
    GetDemographics,
    /// `get_documents`.
    GetDocuments,
    /// `get_document`.
    GetDocument,
    /// `get_encounters`.
    GetEncounters,
    /// `get_encounter`.
    GetEncounter,
    /// `get_family_history_observations`.
    GetFamilyHistoryObservations,
    /// `get_family_history_observation`.
    GetFamilyHistoryObservation,
    /// `get_fulfillments`.
    GetFulfillments,
    /// `get_fulfillment`.
    GetFulfillment,
    /// `get_imaging_studies`.
    GetImagingStudies,
    /// `get_imaging_study`.
    GetImagingStudy,
    /// `get_immunizations`.
    GetImmunizations,
    /// `get_immunization`.
    GetImmunization,
    /// `get_lab_panels`.
    GetLabPanels,
    /// `get_lab_panel`.
    GetLabPanel,
    /// `get_lab_results`.
    GetLabResults,
    /// `get_lab_result`.
    GetLabResult,
    /// `get_medical_images`.
    GetMedicalImages,
    /// `get_medical_image`.
    GetMedicalImage,
    /// `get_medications`.
    GetMedications,
    /// `get_medication`.
    GetMedication,
    /// `get_photograph`.
    GetPhotograph,
    /// `get_problems`.
    GetProblems,
    /// `get_problem`.
    GetProblem,
    /// `get_procedures`.
    GetProcedures,
    /// `get_procedure`.
    GetProcedure,
    /// `get_scratchpad_data`.
    GetScratchpadData,
    /// `put_scratchpad_data`.
    PutScratchpadData,
    /// `delete_scratchpad_data`.
    DeleteScratchpadData,
    /// `get_social_history`.
    GetSocialHistory,
    /// `get_vital_sign_sets`.
    GetVitalSignSets,
    /// `get_vital_sign_set`.
    GetVitalSignSet,
    /// `get_user_preferences`.
    GetUserPreferences,
    /// `put_user_preferences`.
    PutUserPreferences,
    /// `delete_user_preferences`.
    DeleteUserPreferences,
}

impl CallId {
    /// Every call, in the order of [`CALLS`].
    pub const ALL: [CallId; 47] = [
        CallId::GetContainerManifest,
        CallId::GetOntology,
        CallId::GetAppManifests,
        CallId::GetAppManifest,
        CallId::SearchRecords,
        CallId::SearchUsers,
        CallId::GetUser,
        CallId::GetAllergies,
        CallId::GetAllergy,
        CallId::GetClinicalNotes,
        CallId::PostClinicalNote,
        CallId::GetClinicalNote,
        CallId::GetDemographics,
        CallId::GetDocuments,
        CallId::GetDocument,
        CallId::GetEncounters,
        CallId::GetEncounter,
        CallId::GetFamilyHistoryObservations,
        CallId::GetFamilyHistoryObservation,
        CallId::GetFulfillments,
        CallId::GetFulfillment,
        CallId::GetImagingStudies,
        CallId::GetImagingStudy,
        CallId::GetImmunizations,
        CallId::GetImmunization,
        CallId::GetLabPanels,
        CallId::GetLabPanel,
        CallId::GetLabResults,
        CallId::GetLabResult,
        CallId::GetMedicalImages,
        CallId::GetMedicalImage,
        CallId::GetMedications,
        CallId::GetMedication,
        CallId::GetPhotograph,
        CallId::GetProblems,
        CallId::GetProblem,
        CallId::GetProcedures,
        CallId::GetProcedure,
        CallId::GetScratchpadData,
        CallId::PutScratchpadData,
        CallId::DeleteScratchpadData,
        CallId::GetSocialHistory,
        CallId::GetVitalSignSets,
        CallId::GetVitalSignSet,
        CallId::GetUserPreferences,
        CallId::PutUserPreferences,
        CallId::DeleteUserPreferences,
    ];

    /// The call's entry in the catalog.
    pub fn call(self) -> &'static ApiCall {
        &CALLS[self as usize]
    }

    /// The client method name, e.g. `get_medications`.
    pub fn name(self) -> &'static str {
        self.call().name
    }

    /// The call with this client method name.
    pub fn from_name(name: &str) -> Option<Self> {
        super::call(name).map(|c| c.id)
    }
}

impl std::fmt::Display for CallId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enum_and_the_catalog_agree_one_to_one() {
        assert_eq!(CallId::ALL.len(), CALLS.len());
        for (i, (id, call)) in CallId::ALL.iter().zip(CALLS).enumerate() {
            assert_eq!(*id as usize, i, "{id:?} is not at its place in ALL");
            assert_eq!(
                call.id, *id,
                "CALLS[{i}] ({}) has the id {:?}",
                call.name, call.id
            );
            // The variant is the name in CamelCase, so the two cannot drift apart.
            let camel: String = call
                .name
                .split('_')
                .map(|p| p[..1].to_ascii_uppercase() + &p[1..])
                .collect();
            assert_eq!(format!("{id:?}"), camel);
            assert_eq!(id.call().name, call.name);
            assert_eq!(CallId::from_name(call.name), Some(*id));
        }
    }
}
