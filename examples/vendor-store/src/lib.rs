//! A vendor's own clinical store: [`ToyClinicalStore`] keeps each record as a map from
//! statement IRI to its RDF graph, behind one lock, and implements
//! [`smart_store::clinical::ClinicalStore`] directly (no SPARQL engine, nothing of our
//! in-memory store). A real vendor would read and write its own database in the same
//! places; the semantics to keep are those of the trait's documentation, and
//! `smart_store::conformance::check_clinical_store` checks them (see `tests/`).
//!
//! What the trait asks, and where it is done here:
//! - writes are atomic for readers: every method takes the lock once;
//! - blank nodes get fresh identities per stored graph ([`fresh_blanks`]), so merged
//!   graphs never share one;
//! - filters, sort and paging: the store gathers one [`IndexEntry`] per candidate and
//!   [`StatementQuery::select`] does the rest, exactly as our backends do;
//! - a page brings the graphs its statements link to, one hop, never out of the record.
//!
//! [`serve::vendor_container`] builds a smart-http container from parts around it; the
//! binary serves it (`cargo run -p example-vendor-store -- 127.0.0.1:7401`).
//!
//! ```
//! use smart_store::clinical::ClinicalStore as _;
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let store = example_vendor_store::ToyClinicalStore::new();
//! assert!(store.record_ids().await.unwrap().is_empty());
//! # });
//! ```

pub mod serve;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{PoisonError, RwLock};

use async_trait::async_trait;
use oxrdf::vocab::rdf;
use oxrdf::{BlankNode, Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, TermRef, Triple};
use smart_core::{RecordId, dcterms, foaf, sp, vcard};
use smart_rdf::split::record_iri;
use smart_rdf::{SplitRecord, StatementGraph};
use smart_store::clinical::{
    ClinicalStore, DateInterval, IndexEntry, RecordSearch, SearchPage, StatementPage,
    StatementQuery,
};
use smart_store::{StoreError, StoreResult};

/// One record: its statements' graphs by IRI (ordered, so pages and companions come out
/// sorted by IRI).
type Record = BTreeMap<NamedNode, Graph>;

/// The vendor's store: record id → statement IRI → graph, in memory.
#[derive(Debug, Default)]
pub struct ToyClinicalStore {
    records: RwLock<BTreeMap<RecordId, Record>>,
}

impl ToyClinicalStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<RecordId, Record>> {
        // A panic while holding the lock leaves whole maps behind (no write is partial),
        // so the data stays usable.
        self.records.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<RecordId, Record>> {
        self.records.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The prefix every statement IRI of `record` starts with.
fn prefix(record: &RecordId) -> String {
    format!("{}/", record_iri(record).as_str())
}

fn owns(record: &RecordId, statement: &NamedNode) -> bool {
    let prefix = prefix(record);
    statement.as_str().len() > prefix.len() && statement.as_str().starts_with(&prefix)
}

/// Refuses statements outside the record, twice the same IRI, or an empty graph.
fn check(record: &RecordId, statements: &[StatementGraph]) -> StoreResult<()> {
    let mut seen = HashSet::new();
    for s in statements {
        if !owns(record, &s.iri) {
            return Err(StoreError::invalid(format!(
                "statement {} does not lie under record {record}",
                s.iri
            )));
        }
        if !seen.insert(&s.iri) {
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

/// A copy of `graph` with a new blank node for each of its blank nodes.
pub fn fresh_blanks(graph: &Graph) -> Graph {
    let mut map: HashMap<BlankNode, BlankNode> = HashMap::new();
    let mut fresh = |b: oxrdf::BlankNodeRef<'_>| map.entry(b.into_owned()).or_default().clone();
    graph
        .iter()
        .map(|t| {
            let subject = match t.subject {
                oxrdf::NamedOrBlankNodeRef::BlankNode(b) => NamedOrBlankNode::from(fresh(b)),
                other => other.into_owned(),
            };
            let object = match t.object {
                TermRef::BlankNode(b) => Term::from(fresh(b)),
                other => other.into_owned(),
            };
            Triple::new(subject, t.predicate.into_owned(), object)
        })
        .collect::<Vec<_>>()
        .iter()
        .collect()
}

/// The objects of `subject --predicate-->` in `graph`.
fn objects<'g>(
    graph: &'g Graph,
    subject: impl Into<oxrdf::NamedOrBlankNodeRef<'g>>,
    predicate: &'static str,
) -> impl Iterator<Item = TermRef<'g>> {
    graph.objects_for_subject_predicate(subject, NamedNodeRef::new_unchecked(predicate))
}

/// Whether the statement's own graph types it with `class`.
fn has_type(iri: &NamedNode, graph: &Graph, class: &str) -> bool {
    objects(graph, iri, rdf::TYPE.as_str())
        .any(|t| matches!(t, TermRef::NamedNode(n) if n.as_str() == class))
}

/// The dates of `iri --property--> literal` in its own graph (unparseable ones left out).
fn dates(iri: &NamedNode, graph: &Graph, property: &'static str) -> Vec<DateInterval> {
    objects(graph, iri, property)
        .filter_map(|t| match t {
            TermRef::Literal(l) => DateInterval::parse(l.value()).ok(),
            _ => None,
        })
        .collect()
}

/// The code IRIs at the end of `path`: the first step in the statement's own graph, the
/// others in any graph of the record (a path may lead into a linked statement).
fn codes(iri: &NamedNode, record: &Record, path: &[&'static str]) -> Vec<NamedNode> {
    let Some((first, rest)) = path.split_first() else {
        return Vec::new();
    };
    let Some(own) = record.get(iri) else {
        return Vec::new();
    };
    let mut here: Vec<Term> = objects(own, iri, first).map(TermRef::into_owned).collect();
    for step in rest {
        let mut next = Vec::new();
        for node in &here {
            let subject = match node {
                Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
                Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
                _ => continue,
            };
            for graph in record.values() {
                next.extend(objects(graph, &subject, step).map(TermRef::into_owned));
            }
        }
        here = next;
    }
    let mut out: Vec<NamedNode> = here
        .into_iter()
        .filter_map(|t| match t {
            Term::NamedNode(n) => Some(n),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `from`'s graphs and those of the record's statements they link to, merged.
fn one_hop<'a>(record: &Record, from: impl IntoIterator<Item = &'a NamedNode>) -> Graph {
    let mut wanted: BTreeMap<&NamedNode, ()> = BTreeMap::new();
    for iri in from {
        let Some((key, graph)) = record.get_key_value(iri) else {
            continue;
        };
        wanted.insert(key, ());
        for t in graph.iter() {
            if let TermRef::NamedNode(n) = t.object {
                if let Some((linked, _)) = record.get_key_value(&n.into_owned()) {
                    wanted.insert(linked, ());
                }
            }
        }
    }
    let mut out = Graph::new();
    for iri in wanted.keys() {
        out.extend(record[*iri].iter());
    }
    out
}

/// The text of the literal (or IRI) values at the end of `path` from `subject`.
fn texts(graph: &Graph, subject: &NamedNode, path: &[&'static str]) -> Vec<String> {
    let mut here: Vec<NamedOrBlankNode> = vec![subject.clone().into()];
    let mut out = Vec::new();
    for (k, step) in path.iter().enumerate() {
        let mut next = Vec::new();
        for node in &here {
            for t in objects(graph, node, step) {
                match t {
                    TermRef::NamedNode(n) if k + 1 == path.len() => {
                        out.push(n.as_str().to_owned());
                    }
                    TermRef::Literal(l) if k + 1 == path.len() => out.push(l.value().to_owned()),
                    TermRef::NamedNode(n) => next.push(n.into_owned().into()),
                    TermRef::BlankNode(b) => next.push(b.into_owned().into()),
                    _ => {}
                }
            }
        }
        here = next;
    }
    out
}

/// For one demographics graph that matches `search`: the lower-cased family and given
/// names it sorts by (the smallest of the matching ones); `None` if it does not match.
fn matches(
    iri: &NamedNode,
    graph: &Graph,
    search: &RecordSearch,
) -> Option<(Option<String>, Option<String>)> {
    let mut keys = [None, None];
    let names: [(&[&'static str], Option<&String>); 2] = [
        (
            &[vcard!("n"), vcard!("family-name")],
            search.family_name.as_ref(),
        ),
        (
            &[vcard!("n"), vcard!("given-name")],
            search.given_name.as_ref(),
        ),
    ];
    for (key, (path, prefix)) in keys.iter_mut().zip(names) {
        let prefix = prefix.map(|p| p.to_lowercase());
        let kept: Vec<String> = texts(graph, iri, path)
            .into_iter()
            .map(|v| v.to_lowercase())
            .filter(|v| prefix.as_ref().is_none_or(|p| v.starts_with(p.as_str())))
            .collect();
        if prefix.is_some() && kept.is_empty() {
            return None;
        }
        *key = kept.into_iter().min();
    }
    let exact: [&[&'static str]; 4] = [
        &[foaf!("gender")],
        &[vcard!("bday")],
        &[vcard!("adr"), vcard!("postal-code")],
        &[sp!("medicalRecordNumber"), dcterms!("identifier")],
    ];
    for (path, (_, value)) in exact.into_iter().zip(search.exact_fields()) {
        if let Some(value) = value {
            if !texts(graph, iri, path).iter().any(|v| v == value) {
                return None;
            }
        }
    }
    let [family, given] = keys;
    Some((family, given))
}

#[async_trait]
impl ClinicalStore for ToyClinicalStore {
    async fn replace_record(&self, split: &SplitRecord) -> StoreResult<()> {
        if split.record_iri != record_iri(&split.record) {
            return Err(StoreError::invalid(format!(
                "the split record's IRI {} is not that of record {}",
                split.record_iri, split.record
            )));
        }
        check(&split.record, &split.statements)?;
        let record: Record = split
            .statements
            .iter()
            .map(|s| (s.iri.clone(), fresh_blanks(&s.graph)))
            .collect();
        self.write().insert(split.record.clone(), record);
        Ok(())
    }

    async fn add_statements(
        &self,
        record: &RecordId,
        statements: &[StatementGraph],
    ) -> StoreResult<()> {
        check(record, statements)?;
        if statements.is_empty() {
            return Ok(());
        }
        let mut records = self.write();
        let stored = records.entry(record.clone()).or_default();
        if let Some(taken) = statements.iter().find(|s| stored.contains_key(&s.iri)) {
            return Err(StoreError::conflict(format!(
                "record {record} already has a statement {}",
                taken.iri
            )));
        }
        for s in statements {
            stored.insert(s.iri.clone(), fresh_blanks(&s.graph));
        }
        Ok(())
    }

    async fn delete_statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<bool> {
        Ok(self
            .write()
            .get_mut(record)
            .is_some_and(|r| r.remove(statement).is_some()))
    }

    async fn delete_record(&self, record: &RecordId) -> StoreResult<bool> {
        Ok(self.write().remove(record).is_some())
    }

    async fn record_ids(&self) -> StoreResult<Vec<RecordId>> {
        Ok(self.read().keys().cloned().collect())
    }

    async fn query(&self, record: &RecordId, query: &StatementQuery) -> StoreResult<StatementPage> {
        let records = self.read();
        let stored = records
            .get(record)
            .ok_or_else(|| StoreError::not_found(format!("record {record} does not exist")))?;
        let mut entries = Vec::new();
        let mut companions = Vec::new();
        for (iri, graph) in stored {
            if query.classes.iter().any(|c| has_type(iri, graph, c)) {
                entries.push(IndexEntry {
                    iri: iri.clone(),
                    sort: query.sort.map(|p| dates(iri, graph, p)).unwrap_or_default(),
                    dates: query
                        .dates
                        .iter()
                        .map(|f| dates(iri, graph, f.property))
                        .collect(),
                    codes: query
                        .codes
                        .iter()
                        .map(|f| codes(iri, stored, f.path))
                        .collect(),
                });
            } else if query.companions.iter().any(|c| has_type(iri, graph, c)) {
                companions.push(iri.clone());
            }
        }
        let (order, total) = query.select(entries);
        let graph = one_hop(stored, order.iter().chain(&companions));
        Ok(StatementPage {
            graph,
            order,
            total,
            companions,
        })
    }

    async fn statement(
        &self,
        record: &RecordId,
        statement: &NamedNode,
    ) -> StoreResult<Option<Graph>> {
        let records = self.read();
        Ok(records
            .get(record)
            .filter(|r| r.contains_key(statement))
            .map(|r| one_hop(r, [statement])))
    }

    async fn search_records(&self, search: &RecordSearch) -> StoreResult<SearchPage> {
        let records = self.read();
        type Key = (bool, Option<String>, bool, Option<String>);
        let mut found: Vec<(Key, RecordId, Vec<&Graph>)> = Vec::new();
        for (id, record) in records.iter() {
            let mut family: Option<String> = None;
            let mut given: Option<String> = None;
            let mut graphs = Vec::new();
            for (iri, graph) in record {
                if !has_type(iri, graph, sp!("Demographics")) {
                    continue;
                }
                if let Some((f, g)) = matches(iri, graph, search) {
                    family = [family, f].into_iter().flatten().min();
                    given = [given, g].into_iter().flatten().min();
                    graphs.push(graph);
                }
            }
            if !graphs.is_empty() {
                let key = (family.is_none(), family, given.is_none(), given);
                found.push((key, id.clone(), graphs));
            }
        }
        let total = found.len();
        // By family name, given name (missing ones last), then record id.
        found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut page = SearchPage {
            total,
            ..SearchPage::default()
        };
        for (_, id, graphs) in found
            .into_iter()
            .skip(search.offset)
            .take(search.limit.unwrap_or(usize::MAX))
        {
            page.records.push(id);
            for g in graphs {
                page.graph.extend(g.iter());
            }
        }
        Ok(page)
    }
}
