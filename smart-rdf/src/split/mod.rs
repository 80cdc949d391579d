//! Splitting a patient record into statement graphs, and minting statement IRIs.
//!
//! A SMART record is stored as one named graph per clinical statement (see the
//! server analysis): the statement's own triples, its nested non-statement nodes
//! (CodedValues, ValueAndUnits, vCard parts, ...), the triples of the code IRIs it uses,
//! and its links to other statements. [`split_record`] turns a parsed patient document,
//! whose nodes are usually all blank, into that form:
//!
//! - every node typed with a statement class (per [`smart_core::model::statement_class_of`])
//!   is a statement, including Encounters nested in VitalSignSets;
//! - each gets an IRI from its class's `api:base_path` under [`STORAGE_BASE`]. Ids are
//!   deterministic: 16 hex digits of a hash of the record id and the statement's canonical
//!   content (see `canon`), plus `-N` for the N-th further copy of an identical statement,
//!   so re-importing a file gives the same IRIs. Classes whose path has no id variable
//!   (demographics, social history) get one fixed IRI per record. Statement nodes that
//!   already carry an IRI of this record and class (a re-imported export) keep it;
//! - the record node (typed `sp:MedicalRecord`) becomes [`record_iri`], and every statement
//!   gets `sp:belongsTo` the record and `sp:hasStatement` from it, including those that
//!   lack them in the file (lab results, nested encounters, every statement of a
//!   whole-record file written without links). An IRI naming this record under another
//!   base (`…/records/<id>`, an export of another container) is this record too; any
//!   other `sp:belongsTo` target is an error;
//! - blank nodes in the output get deterministic labels, unique per statement graph, so
//!   the same input gives identical stored graphs;
//! - triples that belong to no statement are returned as orphans for the caller to report.
//!
//! [`mint_for_post`] does the same for POSTed statements, with fresh ids from the caller.

mod base;
mod canon;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};

use oxrdf::{
    BlankNode, Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term,
    TermRef, Triple, vocab::rdf,
};
use smart_core::{ClassDef, IdError, RecordId, ids::check_segment, model, sp};

pub use base::{
    ApiBase, BaseError, STORAGE_BASE, rebase_graph, record_iri, to_public, to_public_iri,
    to_storage, to_storage_iri,
};
use base::{Template, TemplateError};
use canon::{Canon, Digest, Exhausted};

const MEDICAL_RECORD: &str = sp!("MedicalRecord");
const BELONGS_TO: &str = sp!("belongsTo");
const HAS_STATEMENT: &str = sp!("hasStatement");

/// One statement and the graph stored for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_structs,
    reason = "plain data that stores and tests build and read"
)]
pub struct StatementGraph {
    /// The minted IRI, in storage form; also the name of the graph.
    pub iri: NamedNode,
    /// The statement's class (the most specific statement class among its types).
    pub class: &'static ClassDef,
    /// The statement's triples, its nested non-statement nodes, the code IRIs it uses and
    /// its links to other statements.
    pub graph: Graph,
}

/// A record split into statement graphs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::exhaustive_structs,
    reason = "plain data that stores and tests build and read"
)]
pub struct SplitRecord {
    /// The record.
    pub record: RecordId,
    /// The record IRI in storage form.
    pub record_iri: NamedNode,
    /// The record's own graph: its type and one `sp:hasStatement` per statement.
    pub record_graph: Graph,
    /// The statements, ordered by IRI.
    pub statements: Vec<StatementGraph>,
    /// Input triples that belong to no statement and are not the record's type or
    /// `sp:hasStatement` links (as they were in the input), sorted. Not stored; callers
    /// should report them.
    pub orphans: Vec<Triple>,
}

impl SplitRecord {
    /// The number of statements per class IRI.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for s in &self.statements {
            *counts.entry(s.class.iri).or_insert(0) += 1;
        }
        counts
    }

    /// The statement with this IRI (storage form).
    pub fn statement(&self, iri: &str) -> Option<&StatementGraph> {
        self.statements
            .binary_search_by(|s| s.iri.as_str().cmp(iri))
            .ok()
            .map(|i| &self.statements[i])
    }
}

/// Why a record could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// More than one node is typed `sp:MedicalRecord`.
    #[error("the graph has more than one sp:MedicalRecord node: {first} and {second}")]
    MultipleRecords {
        /// One record node.
        first: String,
        /// Another record node.
        second: String,
    },
    /// The record node is an IRI other than this record's.
    #[error("the sp:MedicalRecord node {found} is not record {expected}")]
    ForeignRecord {
        /// The record node found.
        found: String,
        /// This record's IRI.
        expected: String,
    },
    /// A statement says it belongs to something other than this record.
    #[error("{class} statement {statement} has sp:belongsTo {target}, which is not this record")]
    ForeignBelongsTo {
        /// The statement node.
        statement: String,
        /// Its class, compacted (`sp:Medication`).
        class: String,
        /// The offending `sp:belongsTo` value.
        target: String,
    },
    /// The statement's class has no `api:base_path`, so no IRI can be minted for it.
    #[error("{class} statement {statement}: the class has no base path to mint an IRI from")]
    NoBasePath {
        /// The statement node.
        statement: String,
        /// Its class, compacted.
        class: String,
    },
    /// The class's base path has more than one free variable or is malformed.
    #[error("{class} statement {statement}: cannot mint an IRI from base path {base_path:?}")]
    UnsupportedBasePath {
        /// The statement node.
        statement: String,
        /// Its class, compacted.
        class: String,
        /// The base path.
        base_path: &'static str,
    },
    /// Two statements of a class that has one fixed IRI per record (e.g. demographics).
    #[error("two {class} statements ({first} and {second}) but a record has only one, at {iri}")]
    DuplicateSingleton {
        /// The class, compacted.
        class: String,
        /// The fixed IRI.
        iri: String,
        /// One statement node.
        first: String,
        /// The other statement node.
        second: String,
    },
    /// The id source of [`mint_for_post`] returned an id that is not a valid path segment.
    #[error("{class} statement {statement}: bad fresh id: {source}")]
    BadId {
        /// The statement node.
        statement: String,
        /// Its class, compacted.
        class: String,
        /// Why the id was refused.
        source: IdError,
    },
    /// The id source of [`mint_for_post`] returned an id already used in this graph.
    #[error("{class} statement {statement}: fresh IRI {iri} is already taken")]
    DuplicateId {
        /// The statement node.
        statement: String,
        /// Its class, compacted.
        class: String,
        /// The IRI that would have been minted twice.
        iri: String,
    },
    /// The graph's blank-node structure is too deep, or too shared and cyclic, to
    /// canonicalise within our limits (SMART data nests a few levels only).
    #[error(
        "the graph's blank nodes are nested too deeply, or too shared and cyclic, to canonicalise"
    )]
    TooComplex,
}

impl From<Exhausted> for SplitError {
    fn from(_: Exhausted) -> Self {
        Self::TooComplex
    }
}

/// Splits a patient graph into statement graphs for `record`, minting deterministic
/// statement IRIs from their content.
///
/// `graph` must be in storage form: convert IRIs of the public API base first with
/// [`to_storage`], so that a `sp:belongsTo` naming this record's public IRI is recognised.
pub fn split_record(graph: &Graph, record: &RecordId) -> Result<SplitRecord, SplitError> {
    run(graph, record, IdPolicy::Content)
}

/// Like [`split_record`], for POSTed statements (clinical notes): every statement gets a
/// fresh IRI whose id comes from `id_source` (e.g. a random UUID), called once per
/// statement of a class with an id variable, in a deterministic order. Existing statement
/// IRIs in the body are replaced, since clients do not choose ids. As for
/// [`split_record`], `graph` must be in storage form.
pub fn mint_for_post<F>(
    graph: &Graph,
    record: &RecordId,
    mut id_source: F,
) -> Result<SplitRecord, SplitError>
where
    F: FnMut(&'static ClassDef) -> String,
{
    run(graph, record, IdPolicy::Fresh(&mut id_source))
}

enum IdPolicy<'f> {
    /// Content hashes, keeping IRIs that are already this record's.
    Content,
    /// Ids from the caller.
    Fresh(&'f mut dyn FnMut(&'static ClassDef) -> String),
}

/// The facts about the input graph that the split needs.
struct Index<'a> {
    graph: &'a Graph,
    /// Statement nodes and their classes.
    statements: HashMap<NamedOrBlankNodeRef<'a>, &'static ClassDef>,
    /// The same, in a deterministic order (by class, then node label).
    sorted: Vec<(NamedOrBlankNodeRef<'a>, &'static ClassDef)>,
    /// The node typed `sp:MedicalRecord`, if any.
    record_node: Option<NamedOrBlankNodeRef<'a>>,
    /// This record's IRI, also accepted as the record node.
    record_iri: NamedNodeRef<'a>,
}

impl<'a> Index<'a> {
    fn build(graph: &'a Graph, record_iri: NamedNodeRef<'a>) -> Result<Self, SplitError> {
        let mut types: HashMap<NamedOrBlankNodeRef<'a>, Vec<&'a str>> = HashMap::new();
        for t in graph.triples_for_predicate(rdf::TYPE) {
            if let TermRef::NamedNode(class) = t.object {
                types.entry(t.subject).or_default().push(class.as_str());
            }
        }
        let mut records: Vec<NamedOrBlankNodeRef<'a>> = types
            .iter()
            .filter(|(_, ts)| ts.contains(&MEDICAL_RECORD))
            .map(|(node, _)| *node)
            .collect();
        records.sort_by_cached_key(ToString::to_string);
        if let [first, second, ..] = records.as_slice() {
            return Err(SplitError::MultipleRecords {
                first: first.to_string(),
                second: second.to_string(),
            });
        }
        let record_node = records.first().copied();
        if let Some(NamedOrBlankNodeRef::NamedNode(found)) = record_node {
            if !same_record(found, record_iri) {
                return Err(SplitError::ForeignRecord {
                    found: found.to_string(),
                    expected: record_iri.to_string(),
                });
            }
        }
        let statements: HashMap<_, _> = types
            .into_iter()
            // The record is never a statement, whatever else it is typed as.
            .filter(|(node, _)| {
                Some(*node) != record_node && *node != NamedOrBlankNodeRef::NamedNode(record_iri)
            })
            .filter_map(|(node, ts)| model::statement_class_of(ts).map(|c| (node, c)))
            .collect();
        let mut sorted: Vec<_> = statements.iter().map(|(n, c)| (*n, *c)).collect();
        sorted.sort_by_cached_key(|(n, c)| (c.iri, n.to_string()));
        Ok(Self {
            graph,
            statements,
            sorted,
            record_node,
            record_iri,
        })
    }

    fn is_record(&self, node: NamedOrBlankNodeRef<'_>) -> bool {
        match node {
            NamedOrBlankNodeRef::NamedNode(n) => same_record(n, self.record_iri),
            NamedOrBlankNodeRef::BlankNode(_) => self.record_node == Some(node),
        }
    }

    /// Refuses `sp:belongsTo` values other than this record.
    fn check_belongs_to(&self) -> Result<(), SplitError> {
        for (node, class) in self.sorted.iter().copied() {
            let belongs = NamedNodeRef::new_unchecked(BELONGS_TO);
            for target in self.graph.objects_for_subject_predicate(node, belongs) {
                if !as_node(target).is_some_and(|t| self.is_record(t)) {
                    return Err(SplitError::ForeignBelongsTo {
                        statement: node.to_string(),
                        class: model::display(class.iri),
                        target: target.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Whether `iri` names the record whose storage IRI is `record_iri`: it is that IRI, or
/// the same record (`…/records/<id>`) under another base, as in a file exported by
/// another container (its statements are linked to the canonical IRI when split).
fn same_record(iri: NamedNodeRef<'_>, record_iri: NamedNodeRef<'_>) -> bool {
    fn id(iri: &str) -> Option<&str> {
        iri.rsplit_once("/records/").map(|(_, id)| id)
    }
    iri == record_iri || (id(iri.as_str()).is_some() && id(iri.as_str()) == id(record_iri.as_str()))
}

/// The node a term names, if it is an IRI or a blank node.
fn as_node(term: TermRef<'_>) -> Option<NamedOrBlankNodeRef<'_>> {
    if let TermRef::NamedNode(n) = term {
        Some(n.into())
    } else if let TermRef::BlankNode(b) = term {
        Some(b.into())
    } else {
        None
    }
}

fn run(graph: &Graph, record: &RecordId, policy: IdPolicy<'_>) -> Result<SplitRecord, SplitError> {
    let record_iri = record_iri(record);
    let index = Index::build(graph, record_iri.as_ref())?;
    index.check_belongs_to()?;
    let mut canon = Canon::new(&index);
    let iris = assign_iris(&index, &mut canon, record, policy)?;

    let mut reached = HashSet::new();
    let mut statements = Vec::with_capacity(iris.len());
    for (node, class) in index.sorted.iter().copied() {
        let iri = iris[&node].clone();
        let graph = statement_graph(&index, &mut canon, &iris, node, &iri, &mut reached)?;
        statements.push(StatementGraph { iri, class, graph });
    }
    statements.sort_by(|a, b| a.iri.cmp(&b.iri));

    let mut record_graph = Graph::new();
    record_graph.insert(&Triple::new(
        record_iri.clone(),
        rdf::TYPE,
        NamedNode::new_unchecked(MEDICAL_RECORD),
    ));
    for s in &statements {
        record_graph.insert(&Triple::new(
            record_iri.clone(),
            NamedNode::new_unchecked(HAS_STATEMENT),
            s.iri.clone(),
        ));
    }

    let orphans = orphans(&index, &reached);
    Ok(SplitRecord {
        record: record.clone(),
        record_iri,
        record_graph,
        statements,
        orphans,
    })
}

/// Mints (or keeps) an IRI for every statement node.
fn assign_iris<'a>(
    index: &Index<'a>,
    canon: &mut Canon<'_, 'a>,
    record: &RecordId,
    policy: IdPolicy<'_>,
) -> Result<HashMap<NamedOrBlankNodeRef<'a>, NamedNode>, SplitError> {
    let mut iris = HashMap::new();
    // Minted IRI -> the node that has it, to detect duplicates.
    let mut used: HashMap<String, NamedOrBlankNodeRef<'a>> = HashMap::new();
    let mut templates: Vec<(NamedOrBlankNodeRef<'a>, &'static ClassDef, Template)> = Vec::new();
    for (node, class) in index.sorted.iter().copied() {
        let template = Template::for_class(class, record).map_err(|e| match e {
            TemplateError::Missing => SplitError::NoBasePath {
                statement: node.to_string(),
                class: model::display(class.iri),
            },
            TemplateError::Unsupported(base_path) => SplitError::UnsupportedBasePath {
                statement: node.to_string(),
                class: model::display(class.iri),
                base_path,
            },
        })?;
        templates.push((node, class, template));
    }

    match policy {
        IdPolicy::Content => {
            // IRIs this record already minted stay; the rest are hashed.
            let mut pending: Vec<(
                Digest,
                String,
                NamedOrBlankNodeRef<'a>,
                &ClassDef,
                &Template,
            )> = Vec::new();
            for (node, class, template) in &templates {
                if let NamedOrBlankNodeRef::NamedNode(n) = node {
                    if template.matches(n.as_str()) {
                        used.insert(n.as_str().to_owned(), *node);
                        iris.insert(*node, n.into_owned());
                        continue;
                    }
                }
                let hash = canon.statement_hash(*node, class, record)?;
                pending.push((hash, node.to_string(), *node, class, template));
            }
            // Identical statements (equal hashes) take suffixes in label order; they are
            // interchangeable, so which one gets which suffix does not matter.
            pending.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            for (hash, _, node, class, template) in pending {
                let iri = if template.fixed().is_some() {
                    template.fill("")
                } else {
                    let id = canon::hex(&hash)[..16].to_owned();
                    let mut iri = template.fill(&id);
                    let mut n = 1usize;
                    while used.contains_key(&iri) {
                        iri = template.fill(&format!("{id}-{n}"));
                        n += 1;
                    }
                    iri
                };
                claim(&mut used, &mut iris, iri, node, class, template)?;
            }
        }
        IdPolicy::Fresh(id_source) => {
            for (node, class, template) in &templates {
                let iri = if template.fixed().is_some() {
                    template.fill("")
                } else {
                    let id = id_source(class);
                    check_segment("statement id", &id).map_err(|source| SplitError::BadId {
                        statement: node.to_string(),
                        class: model::display(class.iri),
                        source,
                    })?;
                    template.fill(&id)
                };
                claim(&mut used, &mut iris, iri, *node, class, template)?;
            }
        }
    }
    Ok(iris)
}

/// Records `iri` for `node`, refusing an IRI that is already taken.
fn claim<'a>(
    used: &mut HashMap<String, NamedOrBlankNodeRef<'a>>,
    iris: &mut HashMap<NamedOrBlankNodeRef<'a>, NamedNode>,
    iri: String,
    node: NamedOrBlankNodeRef<'a>,
    class: &ClassDef,
    template: &Template,
) -> Result<(), SplitError> {
    if let Some(first) = used.get(&iri) {
        return Err(if template.fixed().is_some() {
            SplitError::DuplicateSingleton {
                class: model::display(class.iri),
                iri,
                first: first.to_string(),
                second: node.to_string(),
            }
        } else {
            SplitError::DuplicateId {
                statement: node.to_string(),
                class: model::display(class.iri),
                iri,
            }
        });
    }
    // Template parts were checked to form a valid IRI with any valid path segment.
    let named = NamedNode::new_unchecked(iri.clone());
    used.insert(iri, node);
    iris.insert(node, named);
    Ok(())
}

/// Builds one statement's graph by a canonical walk from the statement, and adds the
/// nodes it reached to `reached`.
fn statement_graph<'a>(
    index: &Index<'a>,
    canon: &mut Canon<'_, 'a>,
    iris: &HashMap<NamedOrBlankNodeRef<'a>, NamedNode>,
    statement: NamedOrBlankNodeRef<'a>,
    iri: &NamedNode,
    reached: &mut HashSet<NamedOrBlankNodeRef<'a>>,
) -> Result<Graph, SplitError> {
    let mut out = Graph::new();
    let mut labels: HashMap<NamedOrBlankNodeRef<'a>, BlankNode> = HashMap::new();
    let mut visited: HashSet<NamedOrBlankNodeRef<'a>> = HashSet::from([statement]);
    let mut stack = vec![statement];

    let map_node = |node: NamedOrBlankNodeRef<'a>,
                    labels: &HashMap<NamedOrBlankNodeRef<'a>, BlankNode>|
     -> NamedOrBlankNode {
        if node == statement {
            iri.clone().into()
        } else if let Some(i) = iris.get(&node) {
            i.clone().into()
        } else if index.is_record(node) {
            NamedOrBlankNode::from(NamedNode::from(index.record_iri))
        } else if let Some(label) = labels.get(&node) {
            label.clone().into()
        } else {
            node.into_owned()
        }
    };

    while let Some(node) = stack.pop() {
        let mut edges = Vec::new();
        for t in index.graph.triples_for_subject(node) {
            if node == statement && t.predicate.as_str() == BELONGS_TO {
                continue; // checked already, and re-added below in canonical form
            }
            edges.push((t.predicate.as_str(), canon.term(t.object)?, t));
        }
        // Sorted by predicate and content, so labels are assigned in an order that does
        // not depend on the input's labels or triple order.
        edges.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut children = Vec::new();
        for (_, _, t) in edges {
            if canon::follows(index, t.predicate.as_str(), t.object) {
                if let Some(child) = as_node(t.object) {
                    if visited.insert(child) {
                        if let NamedOrBlankNodeRef::BlankNode(_) = child {
                            let label = canon::blank_label(iri.as_str(), labels.len());
                            labels.insert(child, BlankNode::new_unchecked(label));
                        }
                        children.push(child);
                    }
                }
            }
            let object = match as_node(t.object) {
                Some(o) => Term::from(map_node(o, &labels)),
                None => t.object.into_owned(),
            };
            out.insert(&Triple::new(
                map_node(node, &labels),
                t.predicate.into_owned(),
                object,
            ));
        }
        // Depth first, in sorted order.
        stack.extend(children.into_iter().rev());
    }
    out.insert(&Triple::new(
        iri.clone(),
        NamedNode::new_unchecked(BELONGS_TO),
        NamedNode::from(index.record_iri),
    ));
    visited.remove(&statement);
    reached.extend(visited);
    Ok(out)
}

/// Input triples not stored anywhere: not about a statement or a node reached from one,
/// and not the record's type or its `sp:hasStatement` links to statements.
fn orphans(index: &Index<'_>, reached: &HashSet<NamedOrBlankNodeRef<'_>>) -> Vec<Triple> {
    let mut orphans: Vec<Triple> = index
        .graph
        .iter()
        .filter(|t| {
            if index.statements.contains_key(&t.subject) || reached.contains(&t.subject) {
                return false;
            }
            if index.is_record(t.subject) {
                let own_type = t.predicate == rdf::TYPE
                    && t.object == TermRef::from(NamedNodeRef::new_unchecked(MEDICAL_RECORD));
                let own_link = t.predicate.as_str() == HAS_STATEMENT
                    && as_node(t.object).is_some_and(|o| index.statements.contains_key(&o));
                return !(own_type || own_link);
            }
            true
        })
        .map(|t| t.into_owned())
        .collect();
    orphans.sort_by_cached_key(ToString::to_string);
    orphans
}
