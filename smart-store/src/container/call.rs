//! One catalog call through the service: a [`CallRequest`] (the call, its path variables,
//! query, body and the reply format the caller accepts), the access policy, then the
//! handler of its [`CallId`], giving a typed [`CallAnswer`].

use super::{Container, ServiceError};
use oxrdf::NamedNode;
use smart_auth::Authenticated;
use smart_auth::oauth::percent_encode;
use smart_auth::policy::Endpoint;
use smart_core::RecordId;
use smart_core::catalog::{self, ApiCall, CallCardinality, CallId, PathBindings};
use smart_rdf::RdfFormat;
use smart_rdf::negotiate::NotAcceptable;
use smart_rdf::split::STORAGE_BASE;
use std::time::{Duration, Instant, SystemTime};

/// A catalog call to run, as a transport hands it over.
#[derive(Debug, Clone)]
pub struct CallRequest {
    pub(super) call: &'static ApiCall,
    pub(super) bindings: PathBindings,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) content_type: Option<String>,
    pub(super) body: Vec<u8>,
    format: Result<RdfFormat, NotAcceptable>,
    pub(super) started: Instant,
}

impl CallRequest {
    /// The call `id` at `path` (relative to the API base, e.g. `/records/123/medications/`),
    /// whose variables are bound from the call's path template; 400 if the path is not
    /// one of the call's.
    pub fn new(id: CallId, path: &str) -> Result<Self, ServiceError> {
        let call = id.call();
        match catalog::match_path(call.method, path) {
            Some((found, bindings)) if found.id == id => Ok(Self::routed(call, bindings, path)),
            _ => Err(ServiceError::bad_request(format!(
                "{path} is not a path of {id} ({})",
                call.path
            ))),
        }
    }

    /// A call whose path a router has matched already, with the variables it bound.
    pub fn routed(call: &'static ApiCall, bindings: PathBindings, path: &str) -> Self {
        Self {
            call,
            bindings,
            path: path.to_owned(),
            query: Vec::new(),
            content_type: None,
            body: Vec::new(),
            format: Ok(RdfFormat::RdfXml),
            started: Instant::now(),
        }
    }

    /// With these query parameters (in the order sent; `oauth_*` ones are ignored).
    pub fn with_query(mut self, query: Vec<(String, String)>) -> Self {
        self.query = query;
        self
    }

    /// With a body and its media type (as sent, parameters allowed).
    pub fn with_body(mut self, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Self {
        self.content_type = content_type.map(str::to_owned);
        self.body = body.into();
        self
    }

    /// The RDF format of the reply, or why none is acceptable (the error is returned only
    /// by calls that answer RDF). RDF/XML when not set.
    pub fn with_format(mut self, format: Result<RdfFormat, NotAcceptable>) -> Self {
        self.format = format;
        self
    }

    /// When the request started (for the summary's processing time); now when not set.
    pub fn started_at(mut self, started: Instant) -> Self {
        self.started = started;
        self
    }

    /// The call.
    pub fn call(&self) -> &'static ApiCall {
        self.call
    }

    /// The reply format, or 406.
    pub(super) fn format(&self) -> Result<RdfFormat, ServiceError> {
        self.format.clone().map_err(ServiceError::from)
    }

    /// The value of one path variable.
    pub(super) fn binding(&self, name: &str) -> Option<&str> {
        self.bindings
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The record of the path (the policy has checked it is valid).
    pub(super) fn record_id(&self) -> Result<RecordId, ServiceError> {
        let raw = self.binding("record_id").unwrap_or_default();
        RecordId::new(raw).map_err(|e| ServiceError::bad_request(format!("record id: {e}")))
    }

    /// The storage IRI of the requested path (statement IRIs are minted from the path
    /// templates, so the path is the IRI).
    pub(super) fn storage_iri(&self) -> Result<NamedNode, ServiceError> {
        NamedNode::new(format!("{STORAGE_BASE}{}", self.path))
            .map_err(|_| ServiceError::bad_request("the path is not a valid IRI"))
    }

    /// The body's media type without parameters, lower case; `default` when absent.
    pub(super) fn media_type(&self, default: &str) -> String {
        self.content_type
            .as_deref()
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    }
}

/// What a call answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallAnswer {
    /// RDF (with its summary, for collections and items).
    Rdf(RdfAnswer),
    /// A JSON document (manifests, the app list).
    Json(String),
    /// A short UTF-8 text (`ok`).
    Text(String),
    /// Opaque bytes with their media type (documents, scratchpad, preferences).
    Bytes {
        /// The media type they were stored with.
        content_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// An RDF answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RdfAnswer {
    /// The serialized document.
    pub body: Vec<u8>,
    /// Its format.
    pub format: RdfFormat,
    /// For one item: its validators, for conditional requests.
    pub validators: Option<Validators>,
}

/// The validators of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Validators {
    /// A strong entity tag, quoted, from the item's data and format (not the summary).
    pub etag: String,
    /// When the record last changed, if the registry knows.
    pub modified: Option<SystemTime>,
}

impl CallAnswer {
    /// An RDF answer without validators.
    pub(super) fn rdf(body: Vec<u8>, format: RdfFormat) -> Self {
        Self::Rdf(RdfAnswer {
            body,
            format,
            validators: None,
        })
    }
}

impl Container {
    /// Runs a catalog call for `who` (`None`: an unsigned request): the access policy
    /// first, then the call's handler. Every call by a principal is written to the access
    /// log (buffered, off the request path) with its outcome.
    pub async fn execute(
        &self,
        who: Option<&Authenticated>,
        request: CallRequest,
    ) -> Result<CallAnswer, ServiceError> {
        let answer = match self.authorize(who, Endpoint::Api(request.call), &request.bindings) {
            Ok(()) => self.run(&request).await,
            Err(refused) => Err(refused),
        };
        self.log_access(
            who,
            request.call.id,
            request.binding("record_id"),
            answer.as_ref().map(|_| ()),
        );
        answer
    }

    /// The handler of each call: the match is exhaustive, so a call without a handler
    /// does not compile.
    pub(super) async fn run(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        use CallId::*;
        match r.call.id {
            GetContainerManifest => self.container_manifest(),
            GetOntology => {
                let format = r.format()?;
                Ok(CallAnswer::rdf(
                    smart_rdf::ontology::ontology_document(format),
                    format,
                ))
            }
            GetAppManifests => self.app_manifests().await,
            GetAppManifest => self.app_manifest(r).await,
            SearchRecords => self.search_records(r).await,
            SearchUsers => self.search_users(r).await,
            GetUser => self.get_user(r).await,
            GetScratchpadData | PutScratchpadData | DeleteScratchpadData => {
                self.scratchpad(r).await
            }
            GetUserPreferences | PutUserPreferences | DeleteUserPreferences => {
                self.preferences(r).await
            }
            PostClinicalNote => self.post_clinical_note(r).await,
            GetDocuments => self.documents(r).await,
            GetDocument => self.document(r).await,
            GetPhotograph => self.photograph(r).await,
            // Record reads: a collection (filtered, paged) or one statement.
            GetAllergies
            | GetAllergy
            | GetClinicalNotes
            | GetClinicalNote
            | GetDemographics
            | GetEncounters
            | GetEncounter
            | GetFamilyHistoryObservations
            | GetFamilyHistoryObservation
            | GetFulfillments
            | GetFulfillment
            | GetImagingStudies
            | GetImagingStudy
            | GetImmunizations
            | GetImmunization
            | GetLabPanels
            | GetLabPanel
            | GetLabResults
            | GetLabResult
            | GetMedicalImages
            | GetMedicalImage
            | GetMedications
            | GetMedication
            | GetProblems
            | GetProblem
            | GetProcedures
            | GetProcedure
            | GetSocialHistory
            | GetVitalSignSets
            | GetVitalSignSet => match r.call.cardinality {
                CallCardinality::Multiple => self.collection(r).await,
                _ => self.item(r).await,
            },
        }
    }

    /// This request's URL with `offset` and `limit` set for the next page (OAuth
    /// parameters dropped: the next request is signed afresh), properly encoded.
    pub(super) fn next_page_url(&self, r: &CallRequest, offset: usize, limit: usize) -> String {
        let mut pairs: Vec<(String, String)> = r
            .query
            .iter()
            .filter(|(k, _)| k != "offset" && k != "limit" && !k.starts_with("oauth_"))
            .cloned()
            .collect();
        pairs.push(("limit".to_owned(), limit.to_string()));
        pairs.push(("offset".to_owned(), offset.to_string()));
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    percent_encode(k.as_bytes()),
                    percent_encode(v.as_bytes())
                )
            })
            .collect();
        format!("{}{}?{}", self.config.api_base(), r.path, query.join("&"))
    }

    /// When the record last changed, if the registry knows.
    pub(super) async fn record_modified(&self, record: &RecordId) -> Option<SystemTime> {
        let entry = self.directory.get_record(record).await.ok().flatten()?;
        let millis = u64::try_from(entry.updated_at.as_unix_millis()).ok()?;
        Some(SystemTime::UNIX_EPOCH + Duration::from_millis(millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::ServiceErrorKind;

    #[test]
    fn every_call_takes_a_path_of_its_own_template() {
        for call in catalog::CALLS {
            let values: Vec<(&str, &str)> = call
                .path_variables()
                .into_iter()
                .map(|v| (v, "x1"))
                .collect();
            let path = call.expand_path(&values).unwrap();
            let request = CallRequest::new(call.id, &path).unwrap();
            assert_eq!(request.call().id, call.id, "{path}");
        }
    }

    #[test]
    fn a_path_of_another_call_is_refused() {
        let err = CallRequest::new(CallId::GetMedications, "/records/1/problems/").unwrap_err();
        assert_eq!(err.kind(), ServiceErrorKind::BadRequest);
    }
}
