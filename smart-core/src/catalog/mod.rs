//! The API call catalog: every `api:Call` of the SMART 2014 ontology (47 calls), with the
//! spec's known defects fixed on purpose.
//!
//! [`CALLS`] is the table; [`call`], [`calls_for_target`], [`match_path`],
//! [`allowed_methods`], [`ApiCall::expand_path`] and [`capabilities`] are the look-ups the
//! HTTP layer and the store need. Each fix is documented where it is made (in the source of
//! the call table) and listed in [`SPEC_FIXES`]; `tests/tests/owl_catalog.rs` checks that
//! the table agrees with the ontology except for exactly those fixes.
//!
//! ```
//! use smart_core::catalog::{self, HttpMethod};
//!
//! let (call, vars) = catalog::match_path(HttpMethod::Get, "/records/123/medications/").unwrap();
//! assert_eq!(call.name, "get_medications");
//! assert_eq!(vars, [("record_id", "123".to_owned())]);
//! assert!(call.filter("rxnorm").is_some());
//! let one = catalog::call("get_medication").unwrap();
//! assert_eq!(
//!     one.expand_path(&[("record_id", "123"), ("medication_id", "m1")]).unwrap(),
//!     "/records/123/medications/m1"
//! );
//! ```
//!
//! # Conventions
//!
//! - Paths are templates relative to the container's API base. A `{variable}` stands for
//!   exactly one non-empty path segment. Trailing slashes are significant: collections end
//!   in `/`, single items do not.
//! - A collection with a [`ApiCall::default_sort`] is sorted by that property,
//!   **descending**, then by statement IRI ascending, and can be paged with `limit` and
//!   `offset` ([`ApiCall::is_pageable`]).
//! - Filter values may be alternatives separated by `|` (any of them may match); different
//!   filter parameters must all hold.
//! - [`ApiCall::response_content_type`] is set only where the ontology sets it (the three
//!   manifest calls, `application/json`). Every other call answers RDF/XML, except the
//!   opaque blobs (scratchpad, preferences), which answer with the media type they were
//!   stored with, and raw documents and the photograph, which answer with the document's
//!   own media type.
//!
//! # Decisions on the spec's defects
//!
//! The numbers follow the defect list of the API catalog notes (`api-catalog.md` §7); the
//! last entries are further points where the sources disagree.
//!
//! 1. *The ontology file is not well-formed for strict parsers* (a broken `xml:lang`): it
//!    does not affect this table. The tests repair the file before parsing it
//!    (`tests/tests/common`); whichever crate serves `GET /ontology` (smart-http) should
//!    serve the repaired copy.
//! 2. *`get_lab_panel` has the collection path and no id*: **fixed**, the path is
//!    `/records/{record_id}/lab_panels/{lab_panel_id}` (the class's base path). Otherwise
//!    it would shadow `get_lab_panels`. In [`SPEC_FIXES`].
//! 3. *`get_photograph`'s path `/photograph` differs from the class base path*: the call
//!    path **is kept** as `/records/{record_id}/photograph` (one photograph per record, and
//!    it is what clients call). The class base path only shapes the IRIs of stored
//!    Photograph statements; that is the model's and the store's business.
//! 4. *`parameters:zipcode` is named `app_id`*: **fixed**, the query parameter is
//!    `zipcode`. In [`SPEC_FIXES`].
//! 5. *`get_documents` sorts on the nonexistent `sp:date` and has no filters although it
//!    promises the standard ones*: **fixed**, it sorts on `dcterms:date` (the date every
//!    document has), and it **gets** the six standard date filters on `dcterms:date`,
//!    named `filters:documents_<suffix>` after the ontology's pattern. Its own description
//!    promises them and paging by date needs them. Both in [`SPEC_FIXES`].
//! 6. *Orphans* (`filters:lab_results_by_date`, `parameters:item_id`,
//!    `parameters:recordId`, the two empty parameter sets): attached to **no** call and not
//!    represented here. The conformance test checks that they are still orphans.
//! 7. *Paging*: `offset` **is supported** together with `limit` (the docs' examples and
//!    the reference server use it, although the docs call it removed). Collections are
//!    sorted **descending** by their sort property, then ascending by IRI, as the
//!    reference server does; the docs' ascending paging advice does not apply. Paging
//!    itself is implemented by smart-store and smart-http.
//! 8. *The docs promise date filters for every dated statement type*: only where the
//!    ontology has them, plus `get_documents` (item 5). Encounters, imaging studies and
//!    medical images get none: the ontology neither declares nor promises them, and
//!    filters a client cannot rely on elsewhere would be a trap. Family history and lab
//!    panels have no date of their own to filter on.
//! 9. *SocialHistory's description names six "LOINC" codes while its code list has five
//!    SNOMED codes*: data model, handled by `crate::model` (the code list wins).
//! 10. *LabResultStatus members live in the `LabStatus#` namespace*: data model, handled
//!     by `crate::model`, which keeps the ontology's member IRIs (clients compare them).
//! 11. *TranslationFidelity: the docs use another namespace*: data model, handled by
//!     `crate::model` (the ontology's `codes/TranslationFidelity#` wins).
//! 12. *The Immunization example gives a CVX product the vaccine-group system*: example
//!     only; `crate::model` follows the class definitions (products are CVX).
//! 13. *The ImmunizationProduct description says "vaccine group"*: documentation only;
//!     `crate::model` uses CVX.
//! 14. *The ClinicalNote description names terms that do not exist*: documentation only;
//!     notes use the Document properties (`crate::model`).
//! 15. *The Demographics example uses `v:country`*: data model; `crate::model` and the
//!     validation in smart-rdf know only `v:country-name`.
//! 16. *`smart_context.jsonld` is not JSON and out of date*: not used; any JSON-LD
//!     context is generated from `crate::model` (smart-rdf).
//! 17. *The docs' manifest example requires the nonexistent `sp:Medications`*: the URL is
//!     well-formed, so [`crate::manifest::AppManifest::validate`] accepts it;
//!     [`crate::manifest::AppManifest::unsupported_requirements`] reports it as a class the
//!     container does not serve.
//! 18. *The OAuth doc's container manifest uses an older format*: we follow the container
//!     manifest doc (`smart_version`, `launch_urls.{app_launch, request_token,
//!     authorize_token, exchange_token}`); [`crate::manifest`] rejects the old keys as
//!     unknown.
//! 19. *The reference server's parameter names differ from the ontology's*: we follow the
//!     **ontology**: `search_users` takes `given_name`/`family_name` (not
//!     `givenName`/`familyName`), `search_records` takes `date_of_birth` (not
//!     `birthday`). In [`SPEC_FIXES`] as departures from the reference server. How a User
//!     is written as RDF (`sp:User` with vCard names, not `sp:user` with FOAF names) is
//!     the store's business (smart-store).
//! 20. *`get_app_manifest`'s `{descriptor}` may be "an app id or an intent"*: it resolves
//!     **app ids only**, like the reference server; anything else is a 404.
//! 21. *Call IRIs*: all 47 are in the `calls:` namespace, as in the 2014 ontology (the 2013
//!     file had five in `sp:`).
//! 22. *Filters on single-item calls*: filters are attached to collection calls only, as
//!     in the ontology; a single-item GET ignores filter parameters (the reference server
//!     applied them).
//! 23. *`get_allergies` also returns AllergyExclusion statements*: its target stays
//!     `sp:Allergy`; the store adds the exclusions, which are neither filtered nor paged.

mod calls;
mod filters;
mod fixes;
mod id;
mod routing;

pub use calls::CALLS;
pub use fixes::SPEC_FIXES;
pub use id::CallId;
pub use routing::{PathBindings, PathError, allowed_methods, match_path};

use std::collections::{BTreeMap, BTreeSet};

/// HTTP method of a call.
///
/// Ordered GET, POST, PUT, DELETE. Serialized as the upper-case name (`"GET"`), which is how
/// manifests spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl HttpMethod {
    /// The four methods SMART uses, in order.
    pub const ALL: [HttpMethod; 4] = [Self::Get, Self::Post, Self::Put, Self::Delete];

    /// Upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    /// The method with this upper-case name (`"GET"`); `None` for any other string,
    /// including lower-case spellings, which manifests do not allow.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for HttpMethod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for HttpMethod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_name(&name).ok_or_else(|| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&name),
                &"one of \"GET\", \"POST\", \"PUT\", \"DELETE\"",
            )
        })
    }
}

/// Who a call is about (`api:category`; the docs call it "scope").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// About the container itself: manifests, ontology, searches, users.
    Container,
    /// About one patient record.
    Record,
    /// About one user (preferences).
    User,
}

impl Category {
    /// The ontology's literal value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Container => "container",
            Self::Record => "record",
            Self::User => "user",
        }
    }
}

/// Whether a call answers one item or a collection (`api:cardinality`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallCardinality {
    /// One item.
    Single,
    /// A collection.
    Multiple,
}

impl CallCardinality {
    /// The ontology's literal value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multiple => "multiple",
        }
    }
}

/// The six date comparisons of the date filters.
///
/// A partial date (`2011`, `2011-06`) stands for the whole interval it covers: `From` keeps
/// an item whose interval reaches the value or later, `FromExcluding` one that lies
/// entirely after it, and symmetrically for `To` and `ToExcluding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateBound {
    /// `date_from`: the item's date is on or after the value.
    From,
    /// `date_from_including`: same as `From`.
    FromIncluding,
    /// `date_from_excluding`: strictly after.
    FromExcluding,
    /// `date_to`: on or before.
    To,
    /// `date_to_including`: same as `To`.
    ToIncluding,
    /// `date_to_excluding`: strictly before.
    ToExcluding,
}

impl DateBound {
    /// All six, in the order of the ontology's filter names.
    pub const ALL: [DateBound; 6] = [
        Self::From,
        Self::FromIncluding,
        Self::FromExcluding,
        Self::To,
        Self::ToIncluding,
        Self::ToExcluding,
    ];

    /// The query parameter name.
    pub fn param(self) -> &'static str {
        match self {
            Self::From => "date_from",
            Self::FromIncluding => "date_from_including",
            Self::FromExcluding => "date_from_excluding",
            Self::To => "date_to",
            Self::ToIncluding => "date_to_including",
            Self::ToExcluding => "date_to_excluding",
        }
    }

    /// The bound for a query parameter name (`date_from`, ...).
    pub fn from_param(param: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.param() == param)
    }

    /// The suffix of the ontology's filter individual (`filters:<plural>_<suffix>`).
    pub fn filter_suffix(self) -> &'static str {
        match self {
            Self::From => "from_date",
            Self::FromIncluding => "from_date_including",
            Self::FromExcluding => "from_date_excluding",
            Self::To => "to_date",
            Self::ToIncluding => "to_date_including",
            Self::ToExcluding => "to_date_excluding",
        }
    }

    /// True for the lower bounds (`date_from*`).
    pub fn is_lower(self) -> bool {
        matches!(self, Self::From | Self::FromIncluding | Self::FromExcluding)
    }

    /// True for the strict comparisons (`*_excluding`).
    pub fn is_strict(self) -> bool {
        matches!(self, Self::FromExcluding | Self::ToExcluding)
    }
}

/// What a filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterKind {
    /// A date comparison on one property of the statement (`sp:startDate` or
    /// `dcterms:date`).
    Date {
        /// Which comparison.
        bound: DateBound,
        /// The date property read.
        property: &'static str,
    },
    /// The code reached by `path` from the statement must equal `namespace` + value.
    /// `a|b` means either; different parameters must all hold.
    Code {
        /// Property path from the statement to the code node, e.g. `[sp:drugName, sp:code]`.
        path: &'static [&'static str],
        /// The code IRI prefix the value is appended to.
        namespace: &'static str,
    },
}

/// A query filter of a collection call (`api:Filter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Filter {
    /// Full IRI of the filter individual.
    pub iri: &'static str,
    /// The URL query parameter (`api:clientParameterName`).
    pub param: &'static str,
    /// What it compares.
    pub kind: FilterKind,
}

impl Filter {
    /// For a code filter, the code IRI a value stands for (`namespace` + value); `None` for
    /// a date filter.
    pub fn code_iri(&self, value: &str) -> Option<String> {
        match self.kind {
            FilterKind::Code { namespace, .. } => Some(format!("{namespace}{value}")),
            FilterKind::Date { .. } => None,
        }
    }
}

/// A query parameter of a call (`api:Parameter`) that is not a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parameter {
    /// Full IRI of the parameter individual.
    pub iri: &'static str,
    /// The URL query parameter.
    pub name: &'static str,
}

/// One REST API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiCall {
    /// Full IRI of the call individual.
    pub iri: &'static str,
    /// The client method name, e.g. `get_medications`.
    pub name: &'static str,
    /// The call's identity, for exhaustive dispatch (see [`CallId`]).
    pub id: CallId,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template relative to the API base, e.g. `/records/{record_id}/medications/`.
    /// Collections end in `/`; single items do not.
    pub path: &'static str,
    /// Container, record or user.
    pub category: Category,
    /// The class the response is about.
    pub target: &'static str,
    /// One item or a collection.
    pub cardinality: CallCardinality,
    /// Filters (collection calls only).
    pub filters: &'static [Filter],
    /// Other query parameters.
    pub parameters: &'static [Parameter],
    /// The property the collection is sorted by (descending, then by IRI).
    pub default_sort: Option<&'static str>,
    /// The response media type when it is not RDF (`application/json` for manifests).
    pub response_content_type: Option<&'static str>,
    /// One-line description in our own words.
    pub description: &'static str,
}

impl ApiCall {
    /// The names of the `{variables}` in the path template, in order.
    pub fn path_variables(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut rest = self.path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            out.push(&rest[start + 1..start + len]);
            rest = &rest[start + len + 1..];
        }
        out
    }

    /// The filter for a query parameter name, if the call has one.
    pub fn filter(&self, param: &str) -> Option<&'static Filter> {
        self.filters.iter().find(|f| f.param == param)
    }

    /// The (non-filter) parameter with this query name, if the call has one.
    pub fn parameter(&self, name: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// True if collection results are sorted and can be paged with `limit`/`offset`.
    pub fn is_pageable(&self) -> bool {
        self.cardinality == CallCardinality::Multiple && self.default_sort.is_some()
    }

    /// The path with every `{variable}` replaced by its value, percent-encoded as one path
    /// segment (so `/` in a value becomes `%2F`). The result is relative to the API base.
    ///
    /// Every variable of the template must be given exactly once, with a non-empty value,
    /// and no other name may be given; otherwise the error names the offending variable.
    /// [`match_path`] on the result gives the values back.
    pub fn expand_path(&self, values: &[(&str, &str)]) -> Result<String, PathError> {
        routing::expand(self, values)
    }
}

/// The call with this client method name.
pub fn call(name: &str) -> Option<&'static ApiCall> {
    CALLS.iter().find(|c| c.name == name)
}

/// The call with this full IRI.
pub fn call_by_iri(iri: &str) -> Option<&'static ApiCall> {
    CALLS.iter().find(|c| c.iri == iri)
}

/// The calls whose response is about `class` (a full class IRI), in table order.
pub fn calls_for_target(class: &str) -> impl Iterator<Item = &'static ApiCall> + '_ {
    CALLS.iter().filter(move |c| c.target == class)
}

/// What the container serves, per target class: the set of HTTP methods of its calls.
///
/// This is what a container manifest advertises as `capabilities` (24 classes; GET for
/// all, POST for clinical notes, PUT and DELETE for the scratchpad and user preferences).
pub fn capabilities() -> BTreeMap<&'static str, BTreeSet<HttpMethod>> {
    let mut out: BTreeMap<&'static str, BTreeSet<HttpMethod>> = BTreeMap::new();
    for c in CALLS {
        out.entry(c.target).or_default().insert(c.method);
    }
    out
}

/// What a fix departs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpecSource {
    /// The 2014 ontology (`smart.owl`); the conformance test tolerates exactly these.
    Ontology,
    /// The prose documentation.
    Docs,
    /// The Python reference server's behaviour.
    ReferenceServer,
}

/// A deliberate departure from the published spec, with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpecFix {
    /// What is affected, as a compact IRI (`calls:get_lab_panel`, `parameters:zipcode`).
    pub subject: &'static str,
    /// Which source we depart from.
    pub departs_from: SpecSource,
    /// What that source says.
    pub ontology_says: &'static str,
    /// What we do instead.
    pub we_do: &'static str,
    /// Why.
    pub reason: &'static str,
}

impl SpecFix {
    /// A departure from the ontology; used to build [`SPEC_FIXES`].
    pub const fn new(
        subject: &'static str,
        ontology_says: &'static str,
        we_do: &'static str,
        reason: &'static str,
    ) -> Self {
        Self {
            subject,
            departs_from: SpecSource::Ontology,
            ontology_says,
            we_do,
            reason,
        }
    }

    /// The same fix, departing from another source than the ontology. `ontology_says` then
    /// holds what that source says.
    pub const fn against(mut self, source: SpecSource) -> Self {
        self.departs_from = source;
        self
    }
}

#[cfg(test)]
mod tests;
