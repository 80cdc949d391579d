//! The API call catalog: every `api:Call` of the SMART 2014 ontology (47 calls), with the
//! spec's known defects fixed on purpose. Each fix is documented where it is made, in
//! [`calls`]; the full list of decisions is in [`SPEC_FIXES`].

mod calls;

pub use calls::{CALLS, SPEC_FIXES};

/// HTTP method of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
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

    /// True if collection results are sorted and can be paged with `limit`/`offset`.
    pub fn is_pageable(&self) -> bool {
        self.cardinality == CallCardinality::Multiple && self.default_sort.is_some()
    }
}

/// The call with this client method name.
pub fn call(name: &str) -> Option<&'static ApiCall> {
    CALLS.iter().find(|c| c.name == name)
}

/// A deliberate departure from the published ontology, with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpecFix {
    /// What is affected (a call, parameter or class IRI or name).
    pub subject: &'static str,
    /// What the ontology says.
    pub ontology_says: &'static str,
    /// What we do instead.
    pub we_do: &'static str,
    /// Why.
    pub reason: &'static str,
}

impl SpecFix {
    /// A fix; used to build [`SPEC_FIXES`].
    pub const fn new(
        subject: &'static str,
        ontology_says: &'static str,
        we_do: &'static str,
        reason: &'static str,
    ) -> Self {
        Self {
            subject,
            ontology_says,
            we_do,
            reason,
        }
    }
}
