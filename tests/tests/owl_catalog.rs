//! Conformance of the call catalog (`smart_core::catalog::CALLS`) with the 2014 ontology.
//!
//! Every `api:Call` of `smart.owl` is compared with the catalog in both directions: method,
//! path, category, target, cardinality, client method name, filters (IRI, query parameter,
//! and what the SPARQL fragment compares: the date property, or the property path and code
//! namespace), parameters, default sort and response content type. All mismatches are
//! collected and printed together. The only differences tolerated are the deliberate
//! fixes listed in [`TOLERATED`], each tied to an entry of `SPEC_FIXES`. The totals on
//! both sides are pinned.

mod common;

use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef, vocab::rdf};
use smart_core::catalog::{self, ApiCall, DateBound, Filter, FilterKind, SPEC_FIXES, SpecSource};
use smart_core::vocab;
use std::collections::{BTreeMap, BTreeSet};

/// One difference between the ontology and the catalog. For a set-valued aspect (filters,
/// parameters) only the elements on one side are listed; for a single value, the values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Mismatch {
    call: String,
    aspect: &'static str,
    ontology: Vec<String>,
    catalog: Vec<String>,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}: ontology {:?}, catalog {:?}",
            self.call, self.aspect, self.ontology, self.catalog
        )
    }
}

/// A deliberate difference: which call and aspect, the exact values on each side, the
/// `SPEC_FIXES` subject that documents it, and why.
struct Tolerated {
    call: &'static str,
    aspect: &'static str,
    ontology: &'static [&'static str],
    catalog: &'static [&'static str],
    fix: &'static str,
    reason: &'static str,
}

const TOLERATED: &[Tolerated] = &[
    Tolerated {
        call: "get_lab_panel",
        aspect: "path",
        ontology: &["/records/{record_id}/lab_panels/"],
        catalog: &["/records/{record_id}/lab_panels/{lab_panel_id}"],
        fix: "calls:get_lab_panel",
        reason: "the ontology's path has no id and collides with get_lab_panels",
    },
    Tolerated {
        call: "search_records",
        aspect: "parameters",
        ontology: &["parameters:zipcode name=app_id"],
        catalog: &["parameters:zipcode name=zipcode"],
        fix: "parameters:zipcode",
        reason: "the zip code parameter is misnamed `app_id` in the ontology",
    },
    Tolerated {
        call: "get_documents",
        aspect: "defaultSort",
        ontology: &["sp:date"],
        catalog: &["dcterms:date"],
        fix: "calls:get_documents",
        reason: "`sp:date` does not exist; documents are dated with dcterms:date",
    },
    Tolerated {
        call: "get_documents",
        aspect: "filters",
        ontology: &[],
        catalog: &[
            "filters:documents_from_date param=date_from date(From, dcterms:date)",
            "filters:documents_from_date_excluding param=date_from_excluding date(FromExcluding, dcterms:date)",
            "filters:documents_from_date_including param=date_from_including date(FromIncluding, dcterms:date)",
            "filters:documents_to_date param=date_to date(To, dcterms:date)",
            "filters:documents_to_date_excluding param=date_to_excluding date(ToExcluding, dcterms:date)",
            "filters:documents_to_date_including param=date_to_including date(ToIncluding, dcterms:date)",
        ],
        fix: "calls:get_documents",
        reason: "the call promises the standard filters; paging by date needs them",
    },
];

fn api(local: &str) -> NamedNodeRef<'_> {
    // only called with the static strings below
    NamedNodeRef::new_unchecked(local)
}

const API_CALL: &str = "http://smartplatforms.org/terms/api#Call";
const API_FILTER: &str = "http://smartplatforms.org/terms/api#Filter";
const API_PARAMETER: &str = "http://smartplatforms.org/terms/api#Parameter";
const API_PARAMETER_SET: &str = "http://smartplatforms.org/terms/api#ParameterSet";
const HTTP_METHOD: &str = "http://smartplatforms.org/terms/api#httpMethod";
const PATH: &str = "http://smartplatforms.org/terms/api#path";
const CATEGORY: &str = "http://smartplatforms.org/terms/api#category";
const CARDINALITY: &str = "http://smartplatforms.org/terms/api#cardinality";
const TARGET: &str = "http://smartplatforms.org/terms/api#target";
const CLIENT_METHOD_NAME: &str = "http://smartplatforms.org/terms/api#clientMethodName";
const DEFAULT_SORT: &str = "http://smartplatforms.org/terms/api#defaultSort";
const RESPONSE_CONTENT_TYPE: &str = "http://smartplatforms.org/terms/api#responseContentType";
const HAS_FILTER: &str = "http://smartplatforms.org/terms/api#hasFilter";
const HAS_PARAMETER: &str = "http://smartplatforms.org/terms/api#hasParameter";
const CLIENT_PARAMETER_NAME: &str = "http://smartplatforms.org/terms/api#clientParameterName";
const FILTER_SPARQL: &str = "http://smartplatforms.org/terms/api#filterSparql";

/// The values of `subject predicate ?o`, as strings (literal values or IRIs), sorted.
fn values(g: &Graph, subject: NamedNodeRef<'_>, predicate: &str) -> Vec<String> {
    let mut out: Vec<String> = g
        .objects_for_subject_predicate(subject, api(predicate))
        .map(|o| match o {
            TermRef::NamedNode(n) => n.as_str().to_owned(),
            TermRef::Literal(l) => l.value().to_owned(),
            other => other.to_string(),
        })
        .collect();
    out.sort();
    out
}

/// The named subjects of `rdf:type class`.
fn individuals<'a>(g: &'a Graph, class: &str) -> BTreeSet<NamedNodeRef<'a>> {
    g.subjects_for_predicate_object(rdf::TYPE, api(class))
        .filter_map(|s| match s {
            NamedOrBlankNodeRef::NamedNode(n) => Some(n),
            NamedOrBlankNodeRef::BlankNode(_) => None,
        })
        .collect()
}

/// `sp:labName` → full IRI, with the catalog's prefixes.
fn expand_curie(curie: &str) -> String {
    curie
        .split_once(':')
        .and_then(|(prefix, local)| {
            vocab::PREFIXES
                .iter()
                .find(|(p, _)| *p == prefix)
                .map(|(_, ns)| format!("{ns}{local}"))
        })
        .unwrap_or_else(|| format!("UNKNOWN-PREFIX({curie})"))
}

fn compact_all(iris: &[&str]) -> String {
    let parts: Vec<String> = iris.iter().map(|i| vocab::compact(i)).collect();
    format!("[{}]", parts.join(", "))
}

/// The catalog's filter, in the comparison's notation.
fn describe_filter(f: &Filter) -> String {
    let what = match f.kind {
        FilterKind::Date { bound, property } => {
            format!("date({bound:?}, {})", vocab::compact(property))
        }
        FilterKind::Code { path, namespace } => {
            format!("code({}, <{namespace}>)", compact_all(path))
        }
        _ => "UNKNOWN-KIND".to_owned(),
    };
    format!("{} param={} {what}", vocab::compact(f.iri), f.param)
}

/// An ontology filter, in the same notation, from its parameter and SPARQL fragment.
fn describe_ontology_filter(g: &Graph, filter: NamedNodeRef<'_>) -> String {
    let params = values(g, filter, CLIENT_PARAMETER_NAME);
    let fragments = values(g, filter, FILTER_SPARQL);
    let iri = vocab::compact(filter.as_str());
    let ([param], [fragment]) = (params.as_slice(), fragments.as_slice()) else {
        return format!("{iri} params={params:?} fragments={fragments:?}");
    };
    let what = parse_fragment(filter.as_str(), param, fragment)
        .unwrap_or_else(|why| format!("UNPARSED({why}: {fragment:?})"));
    format!("{iri} param={param} {what}")
}

/// `?v <prop> ?d .` is a date filter (the comparison comes from the parameter name, which
/// must agree with the individual's name); `?v a/b/c ?c . FILTER(?c = uri(<NS{param}>))`
/// is a code filter.
fn parse_fragment(iri: &str, param: &str, fragment: &str) -> Result<String, &'static str> {
    let fragment = fragment.trim();
    let rest = fragment
        .strip_prefix("?v ")
        .ok_or("does not start with ?v")?;
    if let Some(property) = rest.strip_suffix(" ?d .") {
        let bound = DateBound::from_param(param).ok_or("unknown date parameter")?;
        if !iri.ends_with(&format!("_{}", bound.filter_suffix())) {
            return Err("the individual's name does not match its parameter");
        }
        return Ok(format!(
            "date({bound:?}, {})",
            vocab::compact(&expand_curie(property))
        ));
    }
    let (path, filter) = rest.split_once(" ?c .").ok_or("no ?c pattern")?;
    let filter: String = filter.chars().filter(|c| !c.is_whitespace()).collect();
    let target = filter
        .strip_prefix("FILTER(?c=uri(<")
        .and_then(|t| t.strip_suffix(">))"))
        .ok_or("no FILTER(?c = uri(<...>))")?;
    let namespace = target
        .strip_suffix(&format!("{{{param}}}"))
        .ok_or("the code IRI does not end with the {param} placeholder")?;
    let path: Vec<String> = path.split('/').map(expand_curie).collect();
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    Ok(format!("code({}, <{namespace}>)", compact_all(&path)))
}

/// One call's aspects as (aspect, is_set, values).
type Aspects = Vec<(&'static str, bool, Vec<String>)>;

fn ontology_aspects(g: &Graph, call: NamedNodeRef<'_>) -> Aspects {
    let sort: Vec<String> = values(g, call, DEFAULT_SORT)
        .iter()
        .map(|s| vocab::compact(&expand_curie(s)))
        .collect();
    let target: Vec<String> = values(g, call, TARGET)
        .iter()
        .map(|t| vocab::compact(t))
        .collect();
    let mut filters: Vec<String> = g
        .objects_for_subject_predicate(call, api(HAS_FILTER))
        .map(|f| match f {
            TermRef::NamedNode(f) => describe_ontology_filter(g, f),
            other => format!("NOT-AN-IRI({other})"),
        })
        .collect();
    filters.sort();
    let mut parameters: Vec<String> = g
        .objects_for_subject_predicate(call, api(HAS_PARAMETER))
        .map(|p| match p {
            TermRef::NamedNode(p) => format!(
                "{} name={}",
                vocab::compact(p.as_str()),
                values(g, p, CLIENT_PARAMETER_NAME).join("|")
            ),
            other => format!("NOT-AN-IRI({other})"),
        })
        .collect();
    parameters.sort();
    vec![
        ("httpMethod", false, values(g, call, HTTP_METHOD)),
        ("path", false, values(g, call, PATH)),
        ("category", false, values(g, call, CATEGORY)),
        ("target", false, target),
        ("cardinality", false, values(g, call, CARDINALITY)),
        (
            "clientMethodName",
            false,
            values(g, call, CLIENT_METHOD_NAME),
        ),
        ("defaultSort", false, sort),
        (
            "responseContentType",
            false,
            values(g, call, RESPONSE_CONTENT_TYPE),
        ),
        ("filters", true, filters),
        ("parameters", true, parameters),
    ]
}

fn catalog_aspects(c: &ApiCall) -> Aspects {
    let one = |s: &str| vec![s.to_owned()];
    let mut filters: Vec<String> = c.filters.iter().map(describe_filter).collect();
    filters.sort();
    let mut parameters: Vec<String> = c
        .parameters
        .iter()
        .map(|p| format!("{} name={}", vocab::compact(p.iri), p.name))
        .collect();
    parameters.sort();
    vec![
        ("httpMethod", false, one(c.method.as_str())),
        ("path", false, one(c.path)),
        ("category", false, one(c.category.as_str())),
        ("target", false, one(&vocab::compact(c.target))),
        ("cardinality", false, one(c.cardinality.as_str())),
        ("clientMethodName", false, one(c.name)),
        (
            "defaultSort",
            false,
            c.default_sort.map(vocab::compact).into_iter().collect(),
        ),
        (
            "responseContentType",
            false,
            c.response_content_type
                .map(str::to_owned)
                .into_iter()
                .collect(),
        ),
        ("filters", true, filters),
        ("parameters", true, parameters),
    ]
}

fn compare_call(name: &str, ontology: Aspects, catalog: Aspects, out: &mut Vec<Mismatch>) {
    for ((aspect, is_set, o), (aspect2, _, c)) in ontology.into_iter().zip(catalog) {
        assert_eq!(aspect, aspect2, "aspect lists out of step");
        if o == c {
            continue;
        }
        let (o, c) = if is_set {
            let os: BTreeSet<_> = o.iter().collect();
            let cs: BTreeSet<_> = c.iter().collect();
            (
                os.difference(&cs).map(|s| (*s).clone()).collect(),
                cs.difference(&os).map(|s| (*s).clone()).collect(),
            )
        } else {
            (o, c)
        };
        out.push(Mismatch {
            call: name.to_owned(),
            aspect,
            ontology: o,
            catalog: c,
        });
    }
}

fn counts<T: Ord>(items: impl Iterator<Item = T>) -> BTreeMap<T, usize> {
    let mut out = BTreeMap::new();
    for i in items {
        *out.entry(i).or_insert(0) += 1;
    }
    out
}

fn pin<T: PartialEq + std::fmt::Debug>(what: &str, found: T, expected: T, out: &mut Vec<String>) {
    if found != expected {
        out.push(format!(
            "TOTALS: {what}: found {found:?}, expected {expected:?}"
        ));
    }
}

#[test]
fn catalog_agrees_with_the_ontology() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let g = common::load_ontology(&shared);
    let mut problems: Vec<String> = Vec::new();
    let mut mismatches: Vec<Mismatch> = Vec::new();

    // ---- calls, in both directions ------------------------------------------------------
    let calls = individuals(&g, API_CALL);
    for call in &calls {
        let name = call
            .as_str()
            .strip_prefix(vocab::CALLS)
            .unwrap_or(call.as_str());
        match catalog::call_by_iri(call.as_str()) {
            Some(c) => compare_call(
                c.name,
                ontology_aspects(&g, *call),
                catalog_aspects(c),
                &mut mismatches,
            ),
            None => problems.push(format!(
                "{name}: in the ontology ({call}) but not in the catalog"
            )),
        }
    }
    for c in catalog::CALLS {
        if !calls.iter().any(|o| o.as_str() == c.iri) {
            problems.push(format!(
                "{}: in the catalog ({}) but not in the ontology",
                c.name, c.iri
            ));
        }
    }

    // ---- tolerated differences: exactly the deliberate fixes ----------------------------
    let mut tolerated_seen = vec![false; TOLERATED.len()];
    for m in &mismatches {
        let hit = TOLERATED.iter().position(|t| {
            t.call == m.call
                && t.aspect == m.aspect
                && t.ontology
                    .iter()
                    .copied()
                    .eq(m.ontology.iter().map(String::as_str))
                && t.catalog
                    .iter()
                    .copied()
                    .eq(m.catalog.iter().map(String::as_str))
        });
        match hit {
            Some(i) => tolerated_seen[i] = true,
            None => problems.push(m.to_string()),
        }
    }
    for (t, seen) in TOLERATED.iter().zip(&tolerated_seen) {
        if !seen {
            problems.push(format!(
                "{}: {}: the deliberate fix ({}) is no longer a difference; update TOLERATED",
                t.call, t.aspect, t.reason
            ));
        }
        if !SPEC_FIXES
            .iter()
            .any(|f| f.subject == t.fix && f.departs_from == SpecSource::Ontology)
        {
            problems.push(format!(
                "{}: {}: tolerated, but SPEC_FIXES has no ontology fix for {}",
                t.call, t.aspect, t.fix
            ));
        }
    }
    for fix in SPEC_FIXES
        .iter()
        .filter(|f| f.departs_from == SpecSource::Ontology)
    {
        if !TOLERATED.iter().any(|t| t.fix == fix.subject) {
            problems.push(format!(
                "SPEC_FIXES lists {} as a departure from the ontology, but the test sees no \
                 such difference",
                fix.subject
            ));
        }
    }

    // ---- orphans stay orphans -------------------------------------------------------------
    let attached_filters: BTreeSet<String> = g
        .triples_for_predicate(api(HAS_FILTER))
        .map(|t| t.object.to_string())
        .collect();
    let orphan_filters: Vec<String> = individuals(&g, API_FILTER)
        .into_iter()
        .filter(|f| !attached_filters.contains(&f.to_string()))
        .map(|f| vocab::compact(f.as_str()))
        .collect();
    pin(
        "filters attached to no call",
        orphan_filters,
        vec!["filters:lab_results_by_date".to_owned()],
        &mut problems,
    );
    let attached_parameters: BTreeSet<String> = g
        .triples_for_predicate(api(HAS_PARAMETER))
        .map(|t| t.object.to_string())
        .collect();
    let mut parameter_individuals: BTreeSet<String> = g
        .iter()
        .filter_map(|t| match t.subject {
            NamedOrBlankNodeRef::NamedNode(n) if n.as_str().starts_with(vocab::PARAMETERS) => {
                Some(n.as_str().to_owned())
            }
            _ => None,
        })
        .collect();
    parameter_individuals.retain(|p| !attached_parameters.contains(&format!("<{p}>")));
    let orphan_parameters: Vec<String> = parameter_individuals
        .iter()
        .map(|p| vocab::compact(p))
        .collect();
    pin(
        "parameters attached to no call",
        orphan_parameters,
        vec![
            "parameters:item_id".to_owned(),
            "parameters:recordId".to_owned(),
        ],
        &mut problems,
    );
    let sets = individuals(&g, API_PARAMETER_SET);
    pin("api:ParameterSet individuals", sets.len(), 2, &mut problems);
    for set in &sets {
        if g.iter().any(|t| t.object == TermRef::NamedNode(*set)) {
            problems.push(format!("{set} is referenced; it used to be an orphan"));
        }
    }

    // ---- totals, both sides ---------------------------------------------------------------
    let lit = |call: &NamedNodeRef<'_>, p: &str| values(&g, *call, p).join("|");
    pin("ontology calls", calls.len(), 47, &mut problems);
    pin("catalog calls", catalog::CALLS.len(), 47, &mut problems);
    let expected_methods = [("DELETE", 2), ("GET", 42), ("POST", 1), ("PUT", 2)];
    let expected_categories = [("container", 7), ("record", 37), ("user", 3)];
    let expected_cardinalities = [("multiple", 18), ("single", 29)];
    let owned = |e: &[(&str, usize)]| -> BTreeMap<String, usize> {
        e.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    };
    for (what, predicate, expected, catalog_counts) in [
        (
            "by method",
            HTTP_METHOD,
            owned(&expected_methods),
            counts(catalog::CALLS.iter().map(|c| c.method.as_str().to_owned())),
        ),
        (
            "by category",
            CATEGORY,
            owned(&expected_categories),
            counts(
                catalog::CALLS
                    .iter()
                    .map(|c| c.category.as_str().to_owned()),
            ),
        ),
        (
            "by cardinality",
            CARDINALITY,
            owned(&expected_cardinalities),
            counts(
                catalog::CALLS
                    .iter()
                    .map(|c| c.cardinality.as_str().to_owned()),
            ),
        ),
    ] {
        let ontology_counts = counts(calls.iter().map(|c| lit(c, predicate)));
        pin(
            &format!("ontology calls {what}"),
            &ontology_counts,
            &expected,
            &mut problems,
        );
        pin(
            &format!("catalog calls {what}"),
            &catalog_counts,
            &expected,
            &mut problems,
        );
    }
    pin(
        "ontology api:Filter individuals",
        individuals(&g, API_FILTER).len(),
        60,
        &mut problems,
    );
    pin(
        "ontology filters attached to calls",
        g.triples_for_predicate(api(HAS_FILTER)).count(),
        59,
        &mut problems,
    );
    pin(
        "catalog filters (59 + 6 for get_documents)",
        catalog::CALLS
            .iter()
            .map(|c| c.filters.len())
            .sum::<usize>(),
        65,
        &mut problems,
    );
    pin(
        "ontology api:Parameter individuals",
        individuals(&g, API_PARAMETER).len(),
        8,
        &mut problems,
    );
    pin(
        "ontology parameters attached to calls",
        g.triples_for_predicate(api(HAS_PARAMETER)).count(),
        10,
        &mut problems,
    );
    pin(
        "catalog parameters",
        catalog::CALLS
            .iter()
            .map(|c| c.parameters.len())
            .sum::<usize>(),
        10,
        &mut problems,
    );
    pin(
        "ontology calls with a default sort",
        calls
            .iter()
            .filter(|c| !values(&g, **c, DEFAULT_SORT).is_empty())
            .count(),
        13,
        &mut problems,
    );
    pin(
        "catalog targets (capabilities)",
        catalog::capabilities().len(),
        24,
        &mut problems,
    );
    pin(
        "deliberate differences",
        mismatches.len(),
        TOLERATED.len(),
        &mut problems,
    );

    assert!(
        problems.is_empty(),
        "{} problem(s) between smart.owl and the catalog:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn fragment_parser_reads_both_kinds() {
    assert_eq!(
        parse_fragment(
            "http://x/filters#a_from_date",
            "date_from",
            "?v dcterms:date ?d ."
        ),
        Ok("date(From, dcterms:date)".to_owned())
    );
    assert_eq!(
        parse_fragment(
            "http://x/filters#a_to_date",
            "date_from",
            "?v sp:startDate ?d ."
        ),
        Err("the individual's name does not match its parameter")
    );
    assert_eq!(
        parse_fragment(
            "http://x/filters#m",
            "rxnorm",
            "?v sp:drugName/sp:code ?c .\nFILTER (?c = uri(<http://r/{rxnorm}>))"
        ),
        Ok("code([sp:drugName, sp:code], <http://r/>)".to_owned())
    );
    assert_eq!(
        parse_fragment(
            "http://x/filters#m",
            "rxnorm",
            "?v sp:x ?c . FILTER(?c = 1)"
        ),
        Err("no FILTER(?c = uri(<...>))")
    );
}
