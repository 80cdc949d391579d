//! The policy table. One [`Row`] per endpoint: whether it is public, and the rule for
//! each principal kind. Rows are built from a handful of named shapes so that the table
//! reads as a list of decisions; `crate::manual` explains each one.

use super::{ContainerEndpoint as C, Endpoint, Rule};
use crate::principal::PrincipalKind;
use Rule::*;
use smart_core::catalog::CallId;

/// One endpoint's rules.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    pub(super) public: bool,
    ui: Rule,
    admin: Rule,
    session: Rule,
    app: Rule,
    background_app: Rule,
    request_token: Rule,
    app_token: Rule,
    background_token: Rule,
}

impl Row {
    pub(super) fn rule(&self, kind: PrincipalKind) -> Rule {
        match kind {
            PrincipalKind::Ui => self.ui,
            PrincipalKind::Admin => self.admin,
            PrincipalKind::Session => self.session,
            PrincipalKind::App => self.app,
            PrincipalKind::BackgroundApp => self.background_app,
            PrincipalKind::RequestToken => self.request_token,
            PrincipalKind::AppToken => self.app_token,
            PrincipalKind::BackgroundToken => self.background_token,
        }
    }
}

/// Nobody.
const NOBODY: Row = Row {
    public: false,
    ui: Deny,
    admin: Deny,
    session: Deny,
    app: Deny,
    background_app: Deny,
    request_token: Deny,
    app_token: Deny,
    background_token: Deny,
};

/// Everyone, anonymous callers included.
const PUBLIC: Row = Row {
    public: true,
    ..NOBODY
};

/// Any authenticated principal except a request token (which exists only to be
/// exchanged).
const SIGNED: Row = Row {
    ui: Allow,
    admin: Allow,
    session: Allow,
    app: Allow,
    background_app: Allow,
    app_token: Allow,
    background_token: Allow,
    ..NOBODY
};

/// Clinical data of one record: only a token bound to that record.
const RECORD: Row = Row {
    app_token: SameRecord,
    background_token: SameRecord,
    ..NOBODY
};

/// An app's own data on one record (scratchpad writes): the token's record and app.
const RECORD_OWN_APP: Row = Row {
    app_token: SameRecordAndApp,
    background_token: SameRecordAndApp,
    ..NOBODY
};

/// A user's data for one app (preferences): the token's user and app.
const USER_OWN_APP: Row = Row {
    app_token: SameUserAndApp,
    ..NOBODY
};

/// Administration: an admin machine credential or an administrator's session.
const ADMIN: Row = Row {
    admin: Admin,
    session: Admin,
    ..NOBODY
};

/// The logged-in user acting on their own account.
const OWN_ACCOUNT: Row = Row {
    session: SameUser,
    ..NOBODY
};

/// The UI's own credential (no user yet).
const UI_ONLY: Row = Row {
    ui: Allow,
    ..NOBODY
};

/// The row of every API call of the catalog: the match is exhaustive, so a new call
/// without a row does not compile.
fn api(id: CallId) -> Row {
    use CallId::*;
    match id {
        // ---- container calls
        GetContainerManifest => PUBLIC,
        GetOntology => PUBLIC,
        GetAppManifests => SIGNED,
        GetAppManifest => SIGNED,
        // The patient picker of the container UI; apps get their record through a launch.
        SearchRecords => Row {
            session: Unlimited,
            ..NOBODY
        },
        SearchUsers => Row {
            session: Unlimited,
            admin: Allow,
            ..NOBODY
        },
        GetUser => Row {
            session: SameUser,
            app_token: SameUser,
            admin: Allow,
            ..NOBODY
        },
        // ---- record calls
        GetAllergies => RECORD,
        GetAllergy => RECORD,
        GetClinicalNotes => RECORD,
        PostClinicalNote => RECORD,
        GetClinicalNote => RECORD,
        GetDemographics => RECORD,
        GetDocuments => RECORD,
        GetDocument => RECORD,
        GetEncounters => RECORD,
        GetEncounter => RECORD,
        GetFamilyHistoryObservations => RECORD,
        GetFamilyHistoryObservation => RECORD,
        GetFulfillments => RECORD,
        GetFulfillment => RECORD,
        GetImagingStudies => RECORD,
        GetImagingStudy => RECORD,
        GetImmunizations => RECORD,
        GetImmunization => RECORD,
        GetLabPanels => RECORD,
        GetLabPanel => RECORD,
        GetLabResults => RECORD,
        GetLabResult => RECORD,
        GetMedicalImages => RECORD,
        GetMedicalImage => RECORD,
        GetMedications => RECORD,
        GetMedication => RECORD,
        GetPhotograph => RECORD,
        GetProblems => RECORD,
        GetProblem => RECORD,
        GetProcedures => RECORD,
        GetProcedure => RECORD,
        // Reading another app's scratchpad on the same record stays allowed (the spec says
        // so); writing is for the app's own only.
        GetScratchpadData => RECORD,
        PutScratchpadData => RECORD_OWN_APP,
        DeleteScratchpadData => RECORD_OWN_APP,
        GetSocialHistory => RECORD,
        GetVitalSignSets => RECORD,
        GetVitalSignSet => RECORD,
        // ---- user calls
        GetUserPreferences => USER_OWN_APP,
        PutUserPreferences => USER_OWN_APP,
        DeleteUserPreferences => USER_OWN_APP,
    }
}

/// The names of the calls the table has rows for (every catalog call), in catalog order.
pub static CALL_NAMES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| CallId::ALL.iter().map(|id| id.name()).collect());

fn container(e: C) -> Row {
    match e {
        C::ListApps => PUBLIC,
        C::RequestToken => Row {
            app: Allow,
            ..NOBODY
        },
        C::AccessToken => Row {
            request_token: Allow,
            ..NOBODY
        },
        C::Login | C::RegisterAccount | C::RequestPasswordReset | C::ResetPassword => UI_ONLY,
        C::Logout => Row {
            session: Allow,
            ..NOBODY
        },
        C::AuthorizeInfo | C::AuthorizeApprove => Row {
            session: InRecordScope,
            ..NOBODY
        },
        C::Launch | C::SharedLinks => Row {
            session: SameUserInRecordScope,
            ..NOBODY
        },
        C::AccountInfo | C::AccountApps | C::AccountShares | C::RevokeShare | C::ChangePassword => {
            OWN_ACCOUNT
        }
        C::BackgroundTokens => Row {
            background_app: SameApp,
            ..NOBODY
        },
        C::RegisterApp
        | C::ReplaceApp
        | C::DeleteApp
        | C::AppCredentials
        | C::SetAppEnabled
        | C::CreateAccount
        | C::SetAccountState => ADMIN,
    }
}

pub(super) fn row(endpoint: Endpoint) -> Row {
    match endpoint {
        Endpoint::Api(call) => api(call.id),
        Endpoint::Container(e) => container(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smart_core::catalog::CALLS as CATALOG;
    use std::collections::BTreeSet;

    #[test]
    fn every_catalog_call_has_a_name_in_the_list() {
        let catalog: BTreeSet<&str> = CATALOG.iter().map(|c| c.name).collect();
        let table: BTreeSet<&str> = CALL_NAMES.iter().copied().collect();
        assert_eq!(catalog, table);
        assert_eq!(table.len(), 47);
    }

    #[test]
    fn record_and_user_calls_are_never_public_and_never_for_machines() {
        for call in CATALOG {
            let r = row(Endpoint::Api(call));
            if call.path.contains("{record_id}") || call.path.contains("{user_id}") {
                assert!(!r.public, "{}", call.name);
                assert_eq!(r.ui, Deny, "{}", call.name);
                assert_eq!(r.app, Deny, "{}", call.name);
                assert_eq!(r.background_app, Deny, "{}", call.name);
                assert_eq!(r.request_token, Deny, "{}", call.name);
            }
            if call.path.contains("{record_id}") {
                assert_eq!(r.admin, Deny, "{}", call.name);
                assert_eq!(r.session, Deny, "{}", call.name);
            }
        }
    }
}
