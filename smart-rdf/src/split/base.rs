//! The storage base and the conversion between stored and public IRIs.
//!
//! The reference container baked its public address (`SITE_URL_PREFIX`) into every stored
//! IRI, so moving the server invalidated its data. We store every IRI we mint under one
//! fixed base, [`STORAGE_BASE`], and render it under the configured API base only on the
//! way out ([`to_public`]); IRIs arriving in requests go the other way ([`to_storage`]).
//!
//! `http://smart-rs.invalid/api` was chosen because:
//! - it is an ordinary absolute `http` IRI, so every RDF tool, store and serializer accepts
//!   it and relative-IRI resolution behaves as for a real API base;
//! - the `.invalid` top-level domain is reserved (RFC 2606, RFC 6761) and never resolves,
//!   so no real deployment can have it as its address, and a stored IRI leaking out
//!   unconverted is obviously recognisable and never points at someone else's server;
//! - it ends in `/api` like a typical API base, so paths keep the familiar shape.
//!
//! [`ApiBase::new`] refuses a public base that overlaps the storage base (one a prefix of
//! the other), which is what makes [`to_public`] and [`to_storage`] exact inverses on
//! graphs whose IRIs are either stored ones or foreign ones.

use oxrdf::{Graph, NamedNode, NamedOrBlankNode, Term, Triple};
use smart_core::{ClassDef, RecordId};

/// The fixed base under which all minted IRIs are stored (see the module docs for why).
pub const STORAGE_BASE: &str = "http://smart-rs.invalid/api";

/// The record IRI in storage form: `{STORAGE_BASE}/records/{record_id}` (the base path of
/// `sp:MedicalRecord`).
pub fn record_iri(record: &RecordId) -> NamedNode {
    // A RecordId is a checked path segment, so the result is a valid IRI.
    NamedNode::new_unchecked(format!("{STORAGE_BASE}/records/{record}"))
}

/// Why a base IRI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaseError {
    /// The base is not a valid absolute IRI.
    #[error("base {base:?} is not an absolute IRI: {reason}")]
    NotAnIri {
        /// The refused base.
        base: String,
        /// What the IRI parser said.
        reason: String,
    },
    /// A public API base must use `http` or `https`.
    #[error("API base {base:?} must be an http or https IRI")]
    NotHttp {
        /// The refused base.
        base: String,
    },
    /// A base cannot carry a query or a fragment, since paths are appended to it.
    #[error("base {base:?} must not have a query or a fragment")]
    QueryOrFragment {
        /// The refused base.
        base: String,
    },
    /// The public base and the storage base would be ambiguous.
    #[error("API base {base:?} overlaps the internal storage base {STORAGE_BASE}")]
    OverlapsStorage {
        /// The refused base.
        base: String,
    },
}

/// A validated public API base, e.g. `https://smart.example.org/api` (stored without a
/// trailing slash).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiBase(String);

impl ApiBase {
    /// Validates a public API base: an absolute `http`/`https` IRI without query or
    /// fragment that does not overlap [`STORAGE_BASE`]. A trailing `/` is dropped.
    pub fn new(base: &str) -> Result<Self, BaseError> {
        let base = check_base(base)?;
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(BaseError::NotHttp {
                base: base.to_owned(),
            });
        }
        if rest_under(base, STORAGE_BASE).is_some() || rest_under(STORAGE_BASE, base).is_some() {
            return Err(BaseError::OverlapsStorage {
                base: base.to_owned(),
            });
        }
        Ok(Self(base.to_owned()))
    }

    /// The base, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ApiBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks that `base` is an absolute IRI without query or fragment; returns it without a
/// trailing slash.
fn check_base(base: &str) -> Result<&str, BaseError> {
    NamedNode::new(base).map_err(|e| BaseError::NotAnIri {
        base: base.to_owned(),
        reason: e.to_string(),
    })?;
    if base.contains(['?', '#']) {
        return Err(BaseError::QueryOrFragment {
            base: base.to_owned(),
        });
    }
    let trimmed = base.trim_end_matches('/');
    // "http://" alone would lose its authority; keep such a base as it is.
    Ok(if trimmed.ends_with(':') || trimmed.ends_with(":/") {
        base
    } else {
        trimmed
    })
}

/// What follows `base` in `iri`, when `iri` is `base` itself or lies under it (the next
/// character is `/`, `?` or `#`, so `…/api2` is not under `…/api`).
fn rest_under<'i>(iri: &'i str, base: &str) -> Option<&'i str> {
    let rest = iri.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with(['/', '?', '#'])).then_some(rest)
}

/// `iri` moved from under `from` to under `to`; `None` when it is not under `from`.
/// Both bases must be valid (as checked by [`check_base`]), which keeps the result valid.
fn rebase_iri(iri: &str, from: &str, to: &str) -> Option<NamedNode> {
    rest_under(iri, from).map(|rest| NamedNode::new_unchecked(format!("{to}{rest}")))
}

/// A copy of `graph` in which every IRI under `from_base` is moved under `to_base`
/// (subjects, predicates and objects; literals are left alone). Other IRIs and blank
/// nodes are unchanged.
pub fn rebase_graph(graph: &Graph, from_base: &str, to_base: &str) -> Result<Graph, BaseError> {
    let from = check_base(from_base)?;
    let to = check_base(to_base)?;
    Ok(rebase_checked(graph, from, to))
}

fn rebase_checked(graph: &Graph, from: &str, to: &str) -> Graph {
    let node = |n: &NamedNode| rebase_iri(n.as_str(), from, to).unwrap_or_else(|| n.clone());
    graph
        .iter()
        .map(|t| {
            let t = t.into_owned();
            let subject = match t.subject {
                NamedOrBlankNode::NamedNode(n) => NamedOrBlankNode::from(node(&n)),
                other => other,
            };
            let object = if let Term::NamedNode(n) = &t.object {
                Term::from(node(n))
            } else {
                t.object
            };
            Triple::new(subject, node(&t.predicate), object)
        })
        .collect()
}

/// Renders a stored graph for output: IRIs under [`STORAGE_BASE`] move under `api_base`.
pub fn to_public(graph: &Graph, api_base: &ApiBase) -> Graph {
    rebase_checked(graph, STORAGE_BASE, api_base.as_str())
}

/// Converts an incoming graph to storage form: IRIs under `api_base` move under
/// [`STORAGE_BASE`].
pub fn to_storage(graph: &Graph, api_base: &ApiBase) -> Graph {
    rebase_checked(graph, api_base.as_str(), STORAGE_BASE)
}

/// One stored IRI in public form (unchanged when it is not under [`STORAGE_BASE`]).
pub fn to_public_iri(iri: &NamedNode, api_base: &ApiBase) -> NamedNode {
    rebase_iri(iri.as_str(), STORAGE_BASE, api_base.as_str()).unwrap_or_else(|| iri.clone())
}

/// One public IRI in storage form (unchanged when it is not under the API base).
pub fn to_storage_iri(iri: &NamedNode, api_base: &ApiBase) -> NamedNode {
    rebase_iri(iri.as_str(), api_base.as_str(), STORAGE_BASE).unwrap_or_else(|| iri.clone())
}

/// A class's `api:base_path` bound to a record, in storage form: either a fixed IRI (no
/// id variable, e.g. demographics) or a prefix and suffix around the one id variable.
#[derive(Debug)]
pub(super) struct Template {
    prefix: String,
    /// `None` for a fixed IRI.
    suffix: Option<String>,
}

/// Why a class's base path cannot mint IRIs.
#[derive(Debug)]
pub(super) enum TemplateError {
    Missing,
    Unsupported(&'static str),
}

impl Template {
    pub(super) fn for_class(class: &ClassDef, record: &RecordId) -> Result<Self, TemplateError> {
        Self::new(class.base_path.ok_or(TemplateError::Missing)?, record)
    }

    fn new(path: &'static str, record: &RecordId) -> Result<Self, TemplateError> {
        let unsupported = || TemplateError::Unsupported(path);
        if !path.starts_with('/') {
            return Err(unsupported());
        }
        let bound = path.replace("{record_id}", record.as_str());
        let template = match bound.find('{') {
            None => Self {
                prefix: format!("{STORAGE_BASE}{bound}"),
                suffix: None,
            },
            Some(open) => {
                let close = bound[open..].find('}').ok_or_else(unsupported)? + open;
                let suffix = &bound[close + 1..];
                if suffix.contains(['{', '}']) {
                    // More than one unbound variable: we would not know what to put there.
                    return Err(unsupported());
                }
                Self {
                    prefix: format!("{STORAGE_BASE}{}", &bound[..open]),
                    suffix: Some(suffix.to_owned()),
                }
            }
        };
        // The literal parts must make a valid IRI around any checked id.
        NamedNode::new(template.fill("x")).map_err(|_| unsupported())?;
        Ok(template)
    }

    /// The fixed IRI, for classes with one statement per record.
    pub(super) fn fixed(&self) -> Option<NamedNode> {
        self.suffix
            .is_none()
            .then(|| NamedNode::new_unchecked(self.prefix.clone()))
    }

    /// The IRI for `id` (a checked path segment); the fixed IRI when there is no variable.
    pub(super) fn fill(&self, id: &str) -> String {
        match &self.suffix {
            Some(suffix) => format!("{}{id}{suffix}", self.prefix),
            None => self.prefix.clone(),
        }
    }

    /// Whether `iri` is one this template mints (with a valid id).
    pub(super) fn matches(&self, iri: &str) -> bool {
        let Some(suffix) = &self.suffix else {
            return iri == self.prefix;
        };
        iri.strip_prefix(self.prefix.as_str())
            .and_then(|rest| rest.strip_suffix(suffix.as_str()))
            .is_some_and(|id| smart_core::ids::check_segment("statement id", id).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{BlankNode, Literal};
    use proptest::prelude::*;

    const PUBLIC: &str = "https://smart.example.org/api";

    fn api() -> ApiBase {
        ApiBase::new(PUBLIC).unwrap()
    }

    #[test]
    fn api_base_validation() {
        assert_eq!(
            ApiBase::new("https://h/api/").unwrap().as_str(),
            "https://h/api"
        );
        assert!(matches!(
            ApiBase::new("not an iri"),
            Err(BaseError::NotAnIri { .. })
        ));
        assert!(matches!(
            ApiBase::new("urn:x:y"),
            Err(BaseError::NotHttp { .. })
        ));
        assert!(matches!(
            ApiBase::new("https://h/api?x=1"),
            Err(BaseError::QueryOrFragment { .. })
        ));
        for overlapping in [
            "http://smart-rs.invalid",
            "http://smart-rs.invalid/api",
            "http://smart-rs.invalid/api/v1",
        ] {
            assert!(
                matches!(
                    ApiBase::new(overlapping),
                    Err(BaseError::OverlapsStorage { .. })
                ),
                "{overlapping}"
            );
        }
        assert!(ApiBase::new("http://smart-rs.invalid/api2").is_ok());
    }

    #[test]
    fn single_iris_convert_on_path_boundaries_only() {
        let stored = NamedNode::new_unchecked(format!("{STORAGE_BASE}/records/1/medications/a"));
        let public = to_public_iri(&stored, &api());
        assert_eq!(public.as_str(), format!("{PUBLIC}/records/1/medications/a"));
        assert_eq!(to_storage_iri(&public, &api()), stored);
        let lookalike = NamedNode::new_unchecked(format!("{STORAGE_BASE}2/records/1"));
        assert_eq!(to_public_iri(&lookalike, &api()), lookalike);
    }

    #[test]
    fn rebase_graph_checks_its_bases() {
        let g = Graph::new();
        assert!(matches!(
            rebase_graph(&g, "nope", PUBLIC),
            Err(BaseError::NotAnIri { .. })
        ));
        assert!(matches!(
            rebase_graph(&g, STORAGE_BASE, "http://x/#frag"),
            Err(BaseError::QueryOrFragment { .. })
        ));
        assert!(rebase_graph(&g, STORAGE_BASE, "urn:example:base").is_ok());
    }

    #[test]
    fn templates() {
        let record = RecordId::new("42").unwrap();
        let t = Template::new("/records/{record_id}/medications/{medication_id}", &record).unwrap();
        let iri = t.fill("abc");
        assert_eq!(iri, format!("{STORAGE_BASE}/records/42/medications/abc"));
        assert!(t.matches(&iri));
        assert!(!t.matches(&format!("{STORAGE_BASE}/records/43/medications/abc")));
        assert!(!t.matches(&format!("{STORAGE_BASE}/records/42/medications/a/b")));
        assert!(t.fixed().is_none());

        let t = Template::new("/records/{record_id}/demographics", &record).unwrap();
        assert_eq!(
            t.fixed().unwrap().as_str(),
            format!("{STORAGE_BASE}/records/42/demographics")
        );
        assert!(t.matches(&format!("{STORAGE_BASE}/records/42/demographics")));
        for bad in [
            "/records/{record_id}/{a}/{b}",
            "records/{record_id}",
            "/a/{b",
            "/a b/{c}",
        ] {
            assert!(
                matches!(Template::new(bad, &record), Err(TemplateError::Unsupported(p)) if p == bad),
                "{bad}"
            );
        }
    }

    /// IRIs from a small pool: stored ones, public ones and foreign ones.
    fn iri(under: &'static str) -> impl Strategy<Value = NamedNode> {
        (prop::sample::select(vec![
            "",
            "/records/1",
            "/records/2/medications/x",
            "#frag",
        ]),)
            .prop_map(move |(rest,)| NamedNode::new_unchecked(format!("{under}{rest}")))
    }

    fn graph_of(bases: Vec<&'static str>) -> impl Strategy<Value = Graph> {
        let node = prop::sample::select(bases).prop_flat_map(iri);
        let object = prop_oneof![
            node.clone().prop_map(Term::from),
            "[a-z]{0,3}".prop_map(|s| Term::from(Literal::new_simple_literal(s))),
            "[a-z]{1,3}".prop_map(|s| Term::from(BlankNode::new_unchecked(s))),
        ];
        prop::collection::vec((node.clone(), node, object), 0..12).prop_map(|triples| {
            triples
                .into_iter()
                .map(|(s, p, o)| Triple::new(s, p, o))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn storage_to_public_and_back(g in graph_of(vec![STORAGE_BASE, "http://purl.org/x"])) {
            let public = to_public(&g, &api());
            prop_assert_eq!(to_storage(&public, &api()), g);
        }

        #[test]
        fn public_to_storage_and_back(g in graph_of(vec![PUBLIC, "http://purl.org/x"])) {
            let stored = to_storage(&g, &api());
            prop_assert_eq!(to_public(&stored, &api()), g);
        }

        #[test]
        fn api_base_never_panics(s in any::<String>()) {
            let _ = ApiBase::new(&s);
        }
    }
}
