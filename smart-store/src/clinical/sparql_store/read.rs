//! The read paths: `query` (index rows, then the page's graphs) and `statement`.

use std::collections::{BTreeMap, HashSet};

use oxrdf::{Graph, Literal, NamedNode, NamedOrBlankNode, Term, Triple, Variable, vocab::rdf};
use smart_core::RecordId;
use spargebra::Query;
use spargebra::algebra::{Expression, GraphPattern};

use super::{ATTEMPTS, HAS_STATEMENT, REVISION, RecordIris};
use crate::clinical::algebra::{
    Rows, distinct, filter, graph, iri, join, optional, select, triple, union, values, var,
};
use crate::clinical::dates::DateInterval;
use crate::clinical::engine::{Solutions, SparqlEngine};
use crate::clinical::query::{IndexEntry, StatementQuery};
use crate::clinical::store::StatementPage;
use crate::error::{StoreError, StoreResult};

/// The index SELECT of a query and how to read its rows.
struct IndexQuery {
    query: Query,
    /// Distinct date properties (sort first, if any), fetched as `?d0`, `?d1`, ...
    properties: Vec<&'static str>,
    /// Distinct code paths, fetched as `?c0`, `?c1`, ...
    paths: Vec<&'static [&'static str]>,
}

/// What the index rows say about one statement.
#[derive(Default)]
struct Candidate {
    primary: bool,
    companion: bool,
    /// Lexical forms per entry of `properties`.
    dates: Vec<HashSet<String>>,
    /// Codes per entry of `paths`.
    codes: Vec<HashSet<NamedNode>>,
}

impl IndexQuery {
    /// ```sparql
    /// SELECT ?rev ?s ?t ?d0 … ?c0 … WHERE {
    ///   GRAPH <record> { <record> srs:revision ?rev }
    ///   OPTIONAL {
    ///     GRAPH <record> { <record> sp:hasStatement ?s }
    ///     GRAPH ?s { ?s a ?t }
    ///     FILTER(?t IN (<classes and companions>))
    ///     OPTIONAL { GRAPH ?s { ?s <date property 0> ?d0 } } …
    ///     OPTIONAL { GRAPH ?s { ?s <path 0, step 0> ?c0_0 . ?c0_0 <step 1> ?c0 } } …
    ///   }
    /// }
    /// ```
    fn new(record: &NamedNode, q: &StatementQuery) -> Self {
        let mut properties: Vec<&'static str> = Vec::new();
        for p in q.sort.into_iter().chain(q.date_properties()) {
            if !properties.contains(&p) {
                properties.push(p);
            }
        }
        let mut paths: Vec<&'static [&'static str]> = Vec::new();
        for f in &q.codes {
            if !paths.contains(&f.path) {
                paths.push(f.path);
            }
        }
        let (rev, s, t) = (var("rev"), var("s"), var("t"));
        let classes: Vec<NamedNode> = q
            .classes
            .iter()
            .chain(&q.companions)
            .map(|c| NamedNode::new_unchecked(*c))
            .collect();
        // The class test is a FILTER rather than VALUES: with VALUES first, oxigraph
        // starts from every statement of the class in the whole store and then keeps the
        // record's; the filter makes it start from the record's own statements.
        let mut candidates = filter(
            join([
                graph(
                    record.clone(),
                    vec![triple(record.clone(), iri(HAS_STATEMENT), s.clone())],
                ),
                graph(
                    s.clone(),
                    vec![triple(s.clone(), rdf::TYPE.into_owned(), t.clone())],
                ),
            ]),
            Expression::In(
                Box::new(Expression::Variable(t.clone())),
                classes.into_iter().map(Expression::NamedNode).collect(),
            ),
        );
        let mut vars = vec![rev.clone(), s.clone(), t];
        for (i, p) in properties.iter().enumerate() {
            let d = var(&format!("d{i}"));
            candidates = optional(
                candidates,
                graph(
                    s.clone(),
                    vec![triple(s.clone(), NamedNode::new_unchecked(*p), d.clone())],
                ),
            );
            vars.push(d);
        }
        for (j, path) in paths.iter().enumerate() {
            let c = var(&format!("c{j}"));
            candidates = optional(candidates, chain(record, &s, path, &c, j));
            vars.push(c);
        }
        let pattern = optional(
            graph(
                record.clone(),
                vec![triple(record.clone(), iri(REVISION), rev)],
            ),
            candidates,
        );
        Self {
            query: select(&vars, pattern),
            properties,
            paths,
        }
    }

    /// The revision, the primary candidates as index entries, and the companions (sorted
    /// by IRI); `None` if the record does not exist.
    fn read(
        &self,
        solutions: &Solutions,
        q: &StatementQuery,
    ) -> Option<(Literal, Vec<IndexEntry>, Vec<NamedNode>)> {
        let rows = Rows::new(solutions);
        let (rc, sc, tc) = (rows.column("rev"), rows.column("s"), rows.column("t"));
        let dc: Vec<_> = (0..self.properties.len())
            .map(|i| rows.column(&format!("d{i}")))
            .collect();
        let cc: Vec<_> = (0..self.paths.len())
            .map(|j| rows.column(&format!("c{j}")))
            .collect();
        let mut revision = None;
        let mut found: BTreeMap<NamedNode, Candidate> = BTreeMap::new();
        for row in rows.iter() {
            if let Some(Term::Literal(l)) = row.get(rc) {
                revision = Some(l.clone());
            }
            let Some(s) = row.iri(sc) else { continue };
            let c = found.entry(s.clone()).or_insert_with(|| Candidate {
                dates: vec![HashSet::new(); self.properties.len()],
                codes: vec![HashSet::new(); self.paths.len()],
                ..Candidate::default()
            });
            if let Some(t) = row.iri(tc) {
                c.primary |= q.classes.contains(&t.as_str());
                c.companion |= q.companions.contains(&t.as_str());
            }
            for (i, col) in dc.iter().enumerate() {
                if let Some(v) = row.literal(*col) {
                    c.dates[i].insert(v.to_owned());
                }
            }
            for (j, col) in cc.iter().enumerate() {
                if let Some(code) = row.iri(*col) {
                    c.codes[j].insert(code.clone());
                }
            }
        }
        let revision = revision?;
        let parse = |values: &HashSet<String>| -> Vec<DateInterval> {
            values
                .iter()
                .filter_map(|v| DateInterval::parse(v).ok())
                .collect()
        };
        let prop_index = |p: &str| self.properties.iter().position(|x| *x == p);
        let path_index = |p: &[&str]| self.paths.iter().position(|x| *x == p);
        let mut entries = Vec::new();
        let mut companions = Vec::new();
        for (iri, c) in found {
            if c.primary {
                let dates_of = |p: &str| {
                    prop_index(p)
                        .map(|i| parse(&c.dates[i]))
                        .unwrap_or_default()
                };
                entries.push(IndexEntry {
                    sort: q.sort.map(dates_of).unwrap_or_default(),
                    dates: q.dates.iter().map(|f| dates_of(f.property)).collect(),
                    codes: q
                        .codes
                        .iter()
                        .map(|f| {
                            path_index(f.path)
                                .map(|j| c.codes[j].iter().cloned().collect())
                                .unwrap_or_default()
                        })
                        .collect(),
                    iri,
                });
            } else if c.companion {
                companions.push(iri);
            }
        }
        Some((revision, entries, companions))
    }
}

/// A code path from the statement: the first step in the statement's own graph, each
/// further step in any statement graph of the record, since a path may lead into a
/// linked statement (a vital sign set's `sp:encounter` is an Encounter with its own
/// graph) but never out of the record:
///
/// ```sparql
/// GRAPH ?s { ?s <p0> ?cj_0 }
/// GRAPH <record> { <record> sp:hasStatement ?cj_g1 } GRAPH ?cj_g1 { ?cj_0 <p1> ?cj_1 } …
/// ```
fn chain(
    record: &NamedNode,
    s: &Variable,
    path: &[&'static str],
    end: &Variable,
    j: usize,
) -> GraphPattern {
    let mut parts = Vec::new();
    let mut from = s.clone();
    for (k, p) in path.iter().enumerate() {
        let to = if k + 1 == path.len() {
            end.clone()
        } else {
            var(&format!("c{j}_{k}"))
        };
        let step = vec![triple(from, NamedNode::new_unchecked(*p), to.clone())];
        if k == 0 {
            parts.push(graph(s.clone(), step));
        } else {
            let g = var(&format!("c{j}_g{k}"));
            parts.push(graph(
                record.clone(),
                vec![triple(record.clone(), iri(HAS_STATEMENT), g.clone())],
            ));
            parts.push(graph(g, step));
        }
        from = to;
    }
    join(parts)
}

/// The graphs of `from` and of the statements they link to, restricted to statements of
/// the record:
///
/// ```sparql
/// { SELECT DISTINCT ?g WHERE {
///     { VALUES ?g { <from…> } } UNION { VALUES ?from { <from…> } GRAPH ?from { ?x ?y ?g } } } }
/// GRAPH <record> { <record> sp:hasStatement ?g }
/// GRAPH ?g { ?s ?p ?o }
/// ```
fn one_hop(record: &NamedNode, from: &[NamedNode]) -> GraphPattern {
    let (g, f) = (var("g"), var("from"));
    join([
        distinct(
            union(
                values(&g, from),
                join([
                    values(&f, from),
                    graph(f.clone(), vec![triple(var("x"), var("y"), g.clone())]),
                ]),
            ),
            std::slice::from_ref(&g),
        ),
        graph(
            record.clone(),
            vec![triple(record.clone(), iri(HAS_STATEMENT), g.clone())],
        ),
        graph(g, vec![triple(var("s"), var("p"), var("o"))]),
    ])
}

/// Adds the `?s ?p ?o` rows to a graph.
pub(super) fn collect_triples(rows: &Rows<'_>, graph: &mut Graph) {
    let (sc, pc, oc) = (rows.column("s"), rows.column("p"), rows.column("o"));
    for row in rows.iter() {
        let subject = match row.get(sc) {
            Some(Term::NamedNode(n)) => NamedOrBlankNode::from(n.clone()),
            Some(Term::BlankNode(b)) => NamedOrBlankNode::from(b.clone()),
            _ => continue,
        };
        let (Some(predicate), Some(object)) = (row.iri(pc), row.get(oc)) else {
            continue;
        };
        graph.insert(&Triple::new(subject, predicate.clone(), object.clone()));
    }
}

pub(super) async fn query<E: SparqlEngine>(
    engine: &E,
    record: &RecordId,
    q: &StatementQuery,
) -> StoreResult<StatementPage> {
    let iris = RecordIris::new(record);
    let index = IndexQuery::new(&iris.record, q);
    for _ in 0..ATTEMPTS {
        let solutions = engine.select(&index.query).await?;
        let Some((revision, entries, companions)) = index.read(&solutions, q) else {
            return Err(StoreError::not_found(format!(
                "record {record} does not exist"
            )));
        };
        let (order, total) = q.select(entries);
        let mut page = StatementPage {
            graph: Graph::new(),
            order,
            total,
            companions,
        };
        let from: Vec<NamedNode> = page.order.iter().chain(&page.companions).cloned().collect();
        if from.is_empty() {
            return Ok(page);
        }
        // SELECT ?rev ?s ?p ?o WHERE { GRAPH <record> { <record> srs:revision ?rev } <one hop> }
        let rev = var("rev");
        let fetch = select(
            &[rev.clone(), var("s"), var("p"), var("o")],
            join([
                graph(
                    iris.record.clone(),
                    vec![triple(iris.record.clone(), iri(REVISION), rev)],
                ),
                one_hop(&iris.record, &from),
            ]),
        );
        let solutions = engine.select(&fetch).await?;
        let rows = Rows::new(&solutions);
        let rc = rows.column("rev");
        let same = rows
            .iter()
            .next()
            .is_some_and(|row| row.literal(rc) == Some(revision.value()));
        if same {
            collect_triples(&rows, &mut page.graph);
            return Ok(page);
        }
        // A write to the record landed between the two reads: read again.
    }
    Err(StoreError::unavailable(format!(
        "record {record} kept changing while it was read; try again"
    )))
}

pub(super) async fn statement<E: SparqlEngine>(
    engine: &E,
    record: &RecordId,
    statement: &NamedNode,
) -> StoreResult<Option<Graph>> {
    let iris = RecordIris::new(record);
    if !iris.owns(statement) {
        return Ok(None);
    }
    let q = select(
        &[var("g"), var("s"), var("p"), var("o")],
        one_hop(&iris.record, std::slice::from_ref(statement)),
    );
    let solutions = engine.select(&q).await?;
    let rows = Rows::new(&solutions);
    let gc = rows.column("g");
    // The statement's own graph must be there; links alone do not make it exist.
    if !rows.iter().any(|row| row.iri(gc) == Some(statement)) {
        return Ok(None);
    }
    let mut graph = Graph::new();
    collect_triples(&rows, &mut graph);
    Ok(Some(graph))
}

#[cfg(test)]
pub(super) fn index_query_text(record: &NamedNode, q: &StatementQuery) -> String {
    IndexQuery::new(record, q).query.to_string()
}
