//! Record search over the demographics graphs.

use std::collections::BTreeMap;

use oxrdf::{Graph, NamedNode, Variable, vocab::rdf};
use smart_core::{RecordId, dcterms, foaf, sp, vcard};
use spargebra::algebra::{Expression, GraphPattern};
use spargebra::term::TriplePattern;

use super::{HAS_STATEMENT, REVISION, read, record_id_of};
use crate::clinical::algebra::{
    Rows, filter, graph, iri, join, optional, select, starts_with_ignoring_case, str_equals,
    triple, values, var,
};
use crate::clinical::engine::SparqlEngine;
use crate::clinical::search::RecordSearch;
use crate::clinical::store::SearchPage;
use crate::error::StoreResult;

/// What the first query found for one record.
#[derive(Default)]
struct Found {
    demographics: Vec<NamedNode>,
    family: Option<String>,
    given: Option<String>,
}

/// `GRAPH ?g { ?g <p0> ?x_0 . … ?x_(n-1) <pn> ?x }`
fn path(g: &Variable, steps: &[&'static str], end: &Variable) -> GraphPattern {
    let mut triples: Vec<TriplePattern> = Vec::new();
    let mut from = g.clone();
    for (k, step) in steps.iter().enumerate() {
        let to = if k + 1 == steps.len() {
            end.clone()
        } else {
            var(&format!("{}_{k}", end.as_str()))
        };
        triples.push(triple(from, iri(step), to.clone()));
        from = to;
    }
    graph(g.clone(), triples)
}

/// ```sparql
/// SELECT ?record ?g ?family ?given WHERE {
///   GRAPH ?record { ?record srs:revision ?rev ; sp:hasStatement ?g }
///   GRAPH ?g { ?g a sp:Demographics }
///   GRAPH ?g { ?g v:n/v:family-name ?family } FILTER(STRSTARTS(LCASE(STR(?family)), LCASE("…")))
///   GRAPH ?g { ?g foaf:gender ?gender } FILTER(STR(?gender) = "…")
///   …
///   OPTIONAL { GRAPH ?g { ?g v:n/v:given-name ?given } }   # when not filtered on
/// }
/// ```
fn matching(search: &RecordSearch) -> spargebra::Query {
    let (record, g) = (var("record"), var("g"));
    let mut pattern = join([
        graph(
            record.clone(),
            vec![
                triple(record.clone(), iri(REVISION), var("rev")),
                triple(record.clone(), iri(HAS_STATEMENT), g.clone()),
            ],
        ),
        graph(
            g.clone(),
            vec![triple(
                g.clone(),
                rdf::TYPE.into_owned(),
                iri(sp!("Demographics")),
            )],
        ),
    ]);
    let names: [(&str, &[&'static str], Option<&str>); 2] = [
        (
            "family",
            &[vcard!("n"), vcard!("family-name")],
            search.family_name.as_deref(),
        ),
        (
            "given",
            &[vcard!("n"), vcard!("given-name")],
            search.given_name.as_deref(),
        ),
    ];
    let mut unfiltered = Vec::new();
    for (name, steps, prefix) in names {
        let v = var(name);
        match prefix {
            Some(prefix) => {
                pattern = filter(
                    join([pattern, path(&g, steps, &v)]),
                    starts_with_ignoring_case(&v, prefix),
                );
            }
            None => unfiltered.push(path(&g, steps, &v)),
        }
    }
    let exact: [(&str, &[&'static str]); 4] = [
        ("gender", &[foaf!("gender")]),
        ("date_of_birth", &[vcard!("bday")]),
        ("zipcode", &[vcard!("adr"), vcard!("postal-code")]),
        (
            "medical_record_number",
            &[sp!("medicalRecordNumber"), dcterms!("identifier")],
        ),
    ];
    for ((name, steps), (field, value)) in exact.into_iter().zip(search.exact_fields()) {
        debug_assert_eq!(name, field);
        if let Some(value) = value {
            let v = var(name);
            let test: Expression = str_equals(&v, value);
            pattern = filter(join([pattern, path(&g, steps, &v)]), test);
        }
    }
    for sort_value in unfiltered {
        pattern = optional(pattern, sort_value);
    }
    select(&[record, g, var("family"), var("given")], pattern)
}

/// The smaller of two optional sort keys (a record with two names sorts by the first).
fn min_key(current: &mut Option<String>, candidate: Option<&str>) {
    if let Some(c) = candidate {
        let c = c.to_lowercase();
        if current.as_ref().is_none_or(|old| c < *old) {
            *current = Some(c);
        }
    }
}

pub(super) async fn search<E: SparqlEngine>(
    engine: &E,
    search: &RecordSearch,
) -> StoreResult<SearchPage> {
    let solutions = engine.select(&matching(search)).await?;
    let rows = Rows::new(&solutions);
    let (rc, gc, fc, nc) = (
        rows.column("record"),
        rows.column("g"),
        rows.column("family"),
        rows.column("given"),
    );
    let mut found: BTreeMap<RecordId, Found> = BTreeMap::new();
    for row in rows.iter() {
        let (Some(id), Some(g)) = (row.iri(rc).and_then(record_id_of), row.iri(gc)) else {
            continue;
        };
        let f = found.entry(id).or_default();
        if !f.demographics.contains(g) {
            f.demographics.push(g.clone());
        }
        min_key(&mut f.family, row.literal(fc));
        min_key(&mut f.given, row.literal(nc));
    }
    let total = found.len();
    let mut sorted: Vec<(RecordId, Found)> = found.into_iter().collect();
    // By family name, given name (missing ones last), then record id.
    sorted.sort_by(|(ia, a), (ib, b)| {
        let key = |f: &Found| {
            (
                f.family.is_none(),
                f.family.clone(),
                f.given.is_none(),
                f.given.clone(),
            )
        };
        key(a).cmp(&key(b)).then_with(|| ia.cmp(ib))
    });
    let page: Vec<(RecordId, Found)> = sorted
        .into_iter()
        .skip(search.offset)
        .take(search.limit.unwrap_or(usize::MAX))
        .collect();
    let mut graph_out = Graph::new();
    let graphs: Vec<NamedNode> = page
        .iter()
        .flat_map(|(_, f)| f.demographics.iter().cloned())
        .collect();
    if !graphs.is_empty() {
        // SELECT ?s ?p ?o WHERE { VALUES ?g { … } GRAPH ?g { ?s ?p ?o } }
        let g = var("g");
        let q = select(
            &[var("s"), var("p"), var("o")],
            join([
                values(&g, &graphs),
                graph(g.clone(), vec![triple(var("s"), var("p"), var("o"))]),
            ]),
        );
        let solutions = engine.select(&q).await?;
        read::collect_triples(&Rows::new(&solutions), &mut graph_out);
    }
    Ok(SearchPage {
        records: page.into_iter().map(|(id, _)| id).collect(),
        graph: graph_out,
        total,
    })
}
