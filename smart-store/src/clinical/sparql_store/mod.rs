//! [`SparqlClinicalStore`]: the clinical store written once over any [`SparqlEngine`].
//!
//! # Layout
//!
//! As in the reference container, each statement is a named graph named by its IRI, and
//! the record graph `<record>` holds `<record> a sp:MedicalRecord` and one
//! `<record> sp:hasStatement <statement>` per statement. We add one triple to the record
//! graph: `<record> srs:revision "…"`, a random token replaced by every write to the
//! record (`srs:` is our own namespace under the reserved `.invalid` domain; the record
//! graph is never returned to clients). It lets a read that takes two round trips notice
//! that a write happened in between, and lets a write be made conditional on the record
//! not having changed since it was checked.
//!
//! # Round trips
//!
//! - `query`: one SELECT for the index rows of the record's candidates (IRI, class, the
//!   values of the sort and date properties and the codes the query looks at) plus the
//!   revision; filter, sort and page in Rust ([`StatementQuery::select`]); one SELECT
//!   for the triples of the page's graphs and of the statement graphs they link to, joined
//!   with the record's `sp:hasStatement` list (so a link into another record is never
//!   followed), plus the revision again. If the revision changed in between, the read is
//!   retried; a read therefore never mixes two versions of a record.
//! - `statement`: one SELECT.
//! - `replace_record`: one update (delete the old statement graphs and the record graph,
//!   insert the new ones), atomic in the engine.
//! - `add_statements`: a SELECT (revision, taken IRIs), one update conditional on both
//!   still holding, and a SELECT to learn whether the condition held.
//! - `delete_statement`: one update conditional on the statement existing, and a SELECT
//!   of the revision to learn whether it did.
//! - `delete_record`: a SELECT (does the record exist) and one update; two concurrent
//!   deletes of one record may both report `true`.
//! - `search_records`: one SELECT over the demographics, filtered in the algebra, then
//!   sorted and paged in Rust, and one SELECT for the page's demographics graphs.
//!
//! Blank nodes get fresh labels per statement graph on the way in (SPARQL Update would
//! give them fresh identities anyway), so two graphs never share a blank node.

mod read;
mod search;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use oxrdf::{
    BlankNode, BlankNodeRef, Graph, Literal, NamedNode, NamedOrBlankNode, Term, vocab::rdf,
};
use smart_core::{RecordId, sp};
use smart_rdf::split::record_iri;
use smart_rdf::{STORAGE_BASE, SplitRecord, StatementGraph};
use spargebra::GraphUpdateOperation;
use spargebra::algebra::{GraphPattern, GraphTarget};
use spargebra::term::{GraphName, Quad, QuadPattern, TermPattern};

use super::algebra::{
    Rows, delete_quad, distinct, filter, graph, insert_quad, iri, join, not_exists, select, triple,
    update, values, var,
};
use super::engine::SparqlEngine;
use super::query::StatementQuery;
use super::search::RecordSearch;
use super::store::{ClinicalStore, SearchPage, StatementPage};
use crate::error::{StoreError, StoreResult};

/// The predicate of the record's revision token.
const REVISION: &str = "http://smart-rs.invalid/ns#revision";
const HAS_STATEMENT: &str = sp!("hasStatement");
const MEDICAL_RECORD: &str = sp!("MedicalRecord");

/// How often a read or a conditional write is retried when the record changes under it.
const ATTEMPTS: usize = 16;

/// The clinical store over a SPARQL engine (see the module docs).
pub struct SparqlClinicalStore<E> {
    engine: E,
}

impl<E: SparqlEngine> SparqlClinicalStore<E> {
    /// A store over `engine`.
    pub fn new(engine: E) -> Self {
        Self { engine }
    }

    /// The engine.
    pub fn engine(&self) -> &E {
        &self.engine
    }
}

impl<E: fmt::Debug> fmt::Debug for SparqlClinicalStore<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SparqlClinicalStore")
            .field("engine", &self.engine)
            .finish()
    }
}

/// The record IRI and the prefix every statement IRI of the record starts with.
pub(super) struct RecordIris {
    pub(super) record: NamedNode,
    prefix: String,
}

impl RecordIris {
    pub(super) fn new(record: &RecordId) -> Self {
        let record = record_iri(record);
        let prefix = format!("{}/", record.as_str());
        Self { record, prefix }
    }

    /// Whether `statement` may be a statement of this record.
    pub(super) fn owns(&self, statement: &NamedNode) -> bool {
        statement.as_str().len() > self.prefix.len() && statement.as_str().starts_with(&self.prefix)
    }
}

/// The record id of a record IRI in storage form.
pub(super) fn record_id_of(record: &NamedNode) -> Option<RecordId> {
    let id = record
        .as_str()
        .strip_prefix(STORAGE_BASE)?
        .strip_prefix("/records/")?;
    RecordId::new(id).ok()
}

/// A new random revision token: 128 bits from the standard library's randomly seeded
/// hasher, a process-wide counter and the clock, so two writes never draw the same one.
fn fresh_revision() -> Literal {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut words = [0u64; 2];
    for (i, word) in words.iter_mut().enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        *word = h.finish();
    }
    Literal::new_simple_literal(format!("{:016x}{:016x}", words[0], words[1]))
}

/// Checks statements before a write: IRIs under the record, no duplicates, no empty
/// graph (an empty graph could not be told from a missing one).
pub(crate) fn check_statements(
    record: &RecordId,
    statements: &[StatementGraph],
) -> StoreResult<()> {
    let iris = RecordIris::new(record);
    let mut seen = HashSet::new();
    for s in statements {
        if !iris.owns(&s.iri) {
            return Err(StoreError::invalid(format!(
                "statement {} does not lie under record {record} ({})",
                s.iri, iris.record
            )));
        }
        if !seen.insert(s.iri.as_str()) {
            return Err(StoreError::invalid(format!(
                "statement {} appears twice in the data for record {record}",
                s.iri
            )));
        }
        if s.graph.is_empty() {
            return Err(StoreError::invalid(format!(
                "statement {} of record {record} has no triples",
                s.iri
            )));
        }
    }
    Ok(())
}

/// Checks a split record before it replaces the stored one.
pub(crate) fn check_split(split: &SplitRecord) -> StoreResult<()> {
    if split.record_iri != record_iri(&split.record) {
        return Err(StoreError::invalid(format!(
            "the split record's IRI {} is not that of record {}",
            split.record_iri, split.record
        )));
    }
    check_statements(&split.record, &split.statements)
}

/// The statement graphs as quads, with fresh blank nodes per graph.
fn statement_quads(statements: &[StatementGraph]) -> Vec<Quad> {
    let mut out = Vec::new();
    for s in statements {
        let mut blanks: HashMap<BlankNodeRef<'_>, BlankNode> = HashMap::new();
        let mut fresh = |b| blanks.entry(b).or_default().clone();
        for t in s.graph.iter() {
            let subject = match t.subject {
                oxrdf::NamedOrBlankNodeRef::NamedNode(n) => NamedOrBlankNode::from(n.into_owned()),
                oxrdf::NamedOrBlankNodeRef::BlankNode(b) => fresh(b).into(),
            };
            let object = match t.object {
                oxrdf::TermRef::BlankNode(b) => Term::from(fresh(b)),
                other => other.into_owned(),
            };
            out.push(Quad {
                subject,
                predicate: t.predicate.into_owned(),
                object,
                graph_name: GraphName::NamedNode(s.iri.clone()),
            });
        }
    }
    out
}

/// The record graph's quads: its type, the revision and one link per statement.
fn record_quads<'a>(
    record: &NamedNode,
    revision: Option<&Literal>,
    statements: impl IntoIterator<Item = &'a NamedNode>,
) -> Vec<Quad> {
    let g = GraphName::NamedNode(record.clone());
    let quad = |p: &'static str, o: Term| Quad {
        subject: record.clone().into(),
        predicate: iri(p),
        object: o,
        graph_name: g.clone(),
    };
    let mut out = vec![quad(rdf::TYPE.as_str(), iri(MEDICAL_RECORD).into())];
    if let Some(rev) = revision {
        out.push(quad(REVISION, rev.clone().into()));
    }
    out.extend(
        statements
            .into_iter()
            .map(|s| quad(HAS_STATEMENT, s.clone().into())),
    );
    out
}

/// `DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH <record> { <record> sp:hasStatement ?g }
/// GRAPH ?g { ?s ?p ?o } }`: removes every statement graph of the record.
fn delete_statement_graphs(record: &NamedNode) -> GraphUpdateOperation {
    let (g, s, p, o) = (var("g"), var("s"), var("p"), var("o"));
    GraphUpdateOperation::DeleteInsert {
        delete: vec![delete_quad(g.clone(), s.clone(), p.clone(), o.clone())],
        insert: Vec::new(),
        using: None,
        pattern: Box::new(join([
            graph(
                record.clone(),
                vec![triple(record.clone(), iri(HAS_STATEMENT), g.clone())],
            ),
            graph(g, vec![triple(s, p, o)]),
        ])),
    }
}

/// `DROP SILENT GRAPH <record>`
fn drop_graph(record: &NamedNode) -> GraphUpdateOperation {
    GraphUpdateOperation::Drop {
        silent: true,
        graph: GraphTarget::NamedNode(record.clone()),
    }
}

/// An INSERT template quad from a data quad.
fn as_template(q: Quad) -> QuadPattern {
    QuadPattern {
        subject: TermPattern::from(q.subject),
        predicate: q.predicate.into(),
        object: TermPattern::from(q.object),
        graph_name: q.graph_name.into(),
    }
}

impl<E: SparqlEngine> SparqlClinicalStore<E> {
    /// The record's revision, if the record exists.
    async fn revision(&self, record: &NamedNode) -> StoreResult<Option<Literal>> {
        let rev = var("rev");
        let q = select(
            std::slice::from_ref(&rev),
            graph(
                record.clone(),
                vec![triple(record.clone(), iri(REVISION), rev.clone())],
            ),
        );
        let solutions = self.engine.select(&q).await?;
        let rows = Rows::new(&solutions);
        let col = rows.column("rev");
        Ok(rows.iter().find_map(|r| match r.get(col) {
            Some(Term::Literal(l)) => Some(l.clone()),
            _ => None,
        }))
    }

    /// The revision and which of `candidates` already name a graph with data.
    async fn revision_and_taken(
        &self,
        record: &NamedNode,
        candidates: &[NamedNode],
    ) -> StoreResult<(Option<Literal>, Vec<NamedNode>)> {
        let (rev, t) = (var("rev"), var("taken"));
        let taken = distinct(
            join([
                values(&t, candidates),
                graph(t.clone(), vec![triple(var("x"), var("y"), var("z"))]),
            ]),
            std::slice::from_ref(&t),
        );
        let q = select(
            &[rev.clone(), t.clone()],
            super::algebra::union(
                graph(
                    record.clone(),
                    vec![triple(record.clone(), iri(REVISION), rev)],
                ),
                taken,
            ),
        );
        let solutions = self.engine.select(&q).await?;
        let rows = Rows::new(&solutions);
        let (rc, tc) = (rows.column("rev"), rows.column("taken"));
        let mut revision = None;
        let mut taken = Vec::new();
        for row in rows.iter() {
            if let Some(Term::Literal(l)) = row.get(rc) {
                revision = Some(l.clone());
            }
            if let Some(n) = row.iri(tc) {
                taken.push(n.clone());
            }
        }
        taken.sort();
        Ok((revision, taken))
    }

    /// A pattern that holds when the record's revision is `expected` (or the record does
    /// not exist, for `None`).
    fn revision_is(record: &NamedNode, expected: Option<&Literal>) -> GraphPattern {
        match expected {
            Some(rev) => graph(
                record.clone(),
                vec![triple(record.clone(), iri(REVISION), rev.clone())],
            ),
            None => filter(
                join([]),
                not_exists(graph(
                    record.clone(),
                    vec![triple(record.clone(), iri(REVISION), var("anyRevision"))],
                )),
            ),
        }
    }
}

#[async_trait]
impl<E: SparqlEngine> ClinicalStore for SparqlClinicalStore<E> {
    async fn replace_record(&self, split: &SplitRecord) -> StoreResult<()> {
        check_split(split)?;
        let iris = RecordIris::new(&split.record);
        let mut data = record_quads(
            &iris.record,
            Some(&fresh_revision()),
            split.statements.iter().map(|s| &s.iri),
        );
        data.extend(statement_quads(&split.statements));
        let u = update(vec![
            delete_statement_graphs(&iris.record),
            drop_graph(&iris.record),
            GraphUpdateOperation::InsertData { data },
        ]);
        self.engine.update(&u).await.map_err(|e| {
            StoreError::new(e.kind(), format!("could not store record {}", split.record))
                .with_source(e)
        })
    }

    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()> {
        check_statements(record, statements)?;
        let iris = RecordIris::new(record);
        if statements.is_empty() {
            return Ok(());
        }
        let new_iris: Vec<NamedNode> = statements.iter().map(|s| s.iri.clone()).collect();
        for _ in 0..ATTEMPTS {
            let (old, taken) = self.revision_and_taken(&iris.record, &new_iris).await?;
            if let Some(first) = taken.first() {
                return Err(StoreError::conflict(format!(
                    "record {record} already has a statement {first}"
                )));
            }
            // INSERT { record links, new revision, statements } WHERE { revision unchanged,
            // and none of the IRIs taken meanwhile }.
            let new = fresh_revision();
            let mut insert: Vec<QuadPattern> = record_quads(&iris.record, Some(&new), &new_iris)
                .into_iter()
                .map(as_template)
                .collect();
            insert.extend(statement_quads(statements).into_iter().map(as_template));
            let t = var("t");
            let still_free = not_exists(join([
                values(&t, &new_iris),
                graph(t.clone(), vec![triple(var("x"), var("y"), var("z"))]),
            ]));
            let u = update(vec![GraphUpdateOperation::DeleteInsert {
                delete: old
                    .iter()
                    .map(|rev| {
                        delete_quad(
                            iris.record.clone(),
                            iris.record.clone(),
                            iri(REVISION),
                            rev.clone(),
                        )
                    })
                    .collect(),
                insert,
                using: None,
                pattern: Box::new(filter(
                    Self::revision_is(&iris.record, old.as_ref()),
                    still_free,
                )),
            }]);
            self.engine.update(&u).await.map_err(|e| {
                StoreError::new(
                    e.kind(),
                    format!("could not add statements to record {record}"),
                )
                .with_source(e)
            })?;
            if self.revision(&iris.record).await?.as_ref() == Some(&new) {
                return Ok(());
            }
            // Someone else wrote to the record in between: check again.
        }
        Err(StoreError::conflict(format!(
            "record {record} kept changing while statements were added; try again"
        )))
    }

    async fn delete_statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<bool> {
        let iris = RecordIris::new(record);
        if !iris.owns(statement) {
            return Ok(false);
        }
        let r = &iris.record;
        let (old, s, p, o) = (var("old"), var("s"), var("p"), var("o"));
        let new = fresh_revision();
        // DELETE { the graph, the link, the old revision } INSERT { a new revision }
        // WHERE { the link and the revision exist, and the graph's triples }.
        let u = update(vec![GraphUpdateOperation::DeleteInsert {
            delete: vec![
                delete_quad(statement.clone(), s.clone(), p.clone(), o.clone()),
                delete_quad(r.clone(), r.clone(), iri(HAS_STATEMENT), statement.clone()),
                delete_quad(r.clone(), r.clone(), iri(REVISION), old.clone()),
            ],
            insert: vec![insert_quad(
                r.clone(),
                r.clone(),
                iri(REVISION),
                new.clone(),
            )],
            using: None,
            pattern: Box::new(join([
                graph(
                    r.clone(),
                    vec![
                        triple(r.clone(), iri(HAS_STATEMENT), statement.clone()),
                        triple(r.clone(), iri(REVISION), old),
                    ],
                ),
                graph(statement.clone(), vec![triple(s, p, o)]),
            ])),
        }]);
        self.engine.update(&u).await.map_err(|e| {
            StoreError::new(
                e.kind(),
                format!("could not delete statement {statement} of record {record}"),
            )
            .with_source(e)
        })?;
        // The new revision is there exactly when the pattern matched, i.e. the statement
        // existed and this update deleted it.
        Ok(self.revision(r).await?.as_ref() == Some(&new))
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool> {
        let iris = RecordIris::new(record);
        if self.revision(&iris.record).await?.is_none() {
            return Ok(false);
        }
        let u = update(vec![
            delete_statement_graphs(&iris.record),
            drop_graph(&iris.record),
        ]);
        self.engine.update(&u).await.map_err(|e| {
            StoreError::new(e.kind(), format!("could not delete record {record}")).with_source(e)
        })?;
        Ok(true)
    }

    async fn record_ids(&self) -> StoreResult<Vec<RecordId>> {
        let r = var("record");
        let q = select(
            std::slice::from_ref(&r),
            graph(
                r.clone(),
                vec![triple(r.clone(), iri(REVISION), var("rev"))],
            ),
        );
        let solutions = self.engine.select(&q).await?;
        let rows = Rows::new(&solutions);
        let col = rows.column("record");
        let mut ids: Vec<RecordId> = rows
            .iter()
            .filter_map(|row| row.iri(col).and_then(record_id_of))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    async fn query(&self, record: &RecordId, query: &StatementQuery) -> StoreResult<StatementPage> {
        read::query(&self.engine, record, query).await
    }

    async fn statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<Option<Graph>> {
        read::statement(&self.engine, record, statement).await
    }

    async fn search_records(&self, search: &RecordSearch) -> StoreResult<SearchPage> {
        search::search(&self.engine, search).await
    }
}
