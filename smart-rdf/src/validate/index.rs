//! A one-pass index of the graph: outgoing edges, incoming edges and types per node, so
//! that every check is a hash lookup rather than a scan.

use std::collections::HashMap;

use oxrdf::{Graph, LiteralRef, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use smart_core::vocab;

/// `rdf:type`.
pub(super) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
/// `rdf:first`.
pub(super) const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
/// `rdf:rest`.
pub(super) const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
/// `rdf:nil`.
pub(super) const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";

/// A node of the graph (subject position).
pub(super) type Node<'a> = NamedOrBlankNodeRef<'a>;

/// The object of a triple, as the checks see it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Value<'a> {
    /// An IRI or blank node.
    Node(Node<'a>),
    /// A literal.
    Literal(LiteralRef<'a>),
    /// Anything else an RDF 1.2 build of oxrdf may add (triple terms); never valid.
    Other,
}

impl<'a> Value<'a> {
    pub(super) fn from_term(term: TermRef<'a>) -> Self {
        // `if let` rather than `match`: oxrdf adds a variant under its `rdf-12` feature,
        // and this must compile (without an unreachable arm) either way.
        if let TermRef::Literal(l) = term {
            return Self::Literal(l);
        }
        if let TermRef::NamedNode(n) = term {
            return Self::Node(n.into());
        }
        if let TermRef::BlankNode(b) = term {
            return Self::Node(b.into());
        }
        Self::Other
    }
}

#[derive(Debug, Default)]
pub(super) struct NodeData<'a> {
    /// Outgoing `(predicate, object)` pairs, in graph order.
    pub(super) out: Vec<(NamedNodeRef<'a>, Value<'a>)>,
    /// The IRIs of its `rdf:type`s.
    pub(super) types: Vec<&'a str>,
    /// Incoming `(subject, predicate)` pairs.
    pub(super) incoming: Vec<(Node<'a>, NamedNodeRef<'a>)>,
}

/// The index over one graph.
#[derive(Debug)]
pub(super) struct Index<'a> {
    nodes: HashMap<Node<'a>, NodeData<'a>>,
    /// Every subject, in first-seen order.
    pub(super) subjects: Vec<Node<'a>>,
}

static EMPTY: NodeData<'static> = NodeData {
    out: Vec::new(),
    types: Vec::new(),
    incoming: Vec::new(),
};

impl<'a> Index<'a> {
    pub(super) fn new(graph: &'a Graph) -> Self {
        let mut nodes: HashMap<Node<'a>, NodeData<'a>> = HashMap::new();
        let mut subjects = Vec::new();
        for t in graph.iter() {
            let value = Value::from_term(t.object);
            let data = nodes.entry(t.subject).or_default();
            // The entry may exist already, made when the node was seen as an object; its
            // first outgoing edge is what makes it a subject.
            if data.out.is_empty() {
                subjects.push(t.subject);
            }
            data.out.push((t.predicate, value));
            if t.predicate.as_str() == RDF_TYPE {
                if let Value::Node(NamedOrBlankNodeRef::NamedNode(c)) = value {
                    data.types.push(c.as_str());
                }
            }
            if let Value::Node(o) = value {
                nodes
                    .entry(o)
                    .or_default()
                    .incoming
                    .push((t.subject, t.predicate));
            }
        }
        Self { nodes, subjects }
    }

    fn data(&self, node: Node<'a>) -> &NodeData<'a> {
        self.nodes.get(&node).unwrap_or(&EMPTY)
    }

    /// The `rdf:type` IRIs of a node.
    pub(super) fn types(&self, node: Node<'a>) -> &[&'a str] {
        &self.data(node).types
    }

    /// All outgoing edges of a node.
    pub(super) fn out(&self, node: Node<'a>) -> &[(NamedNodeRef<'a>, Value<'a>)] {
        &self.data(node).out
    }

    /// The values of one property of a node.
    pub(super) fn values(&self, node: Node<'a>, property: &str) -> Vec<Value<'a>> {
        self.data(node)
            .out
            .iter()
            .filter(|(p, _)| p.as_str() == property)
            .map(|(_, v)| *v)
            .collect()
    }

    /// The lexical forms of the literal values of one property.
    pub(super) fn literal_values(&self, node: Node<'a>, property: &str) -> Vec<&'a str> {
        self.values(node, property)
            .into_iter()
            .filter_map(|v| match v {
                Value::Literal(l) => Some(l.value()),
                _ => None,
            })
            .collect()
    }

    /// Incoming `(subject, predicate)` edges of a node.
    pub(super) fn incoming(&self, node: Node<'a>) -> &[(Node<'a>, NamedNodeRef<'a>)] {
        &self.data(node).incoming
    }

    /// True when the node is the subject of at least one triple. An IRI that is not is a
    /// reference to something outside the graph (e.g. another statement by its IRI).
    pub(super) fn is_described(&self, node: Node<'a>) -> bool {
        !self.data(node).out.is_empty()
    }
}

/// An IRI for messages: compact when a known prefix applies, else the IRI itself.
pub(super) fn show_iri(iri: &str) -> String {
    let c = vocab::compact(iri);
    if c.starts_with('<') {
        iri.to_owned()
    } else {
        c
    }
}

/// A literal for messages: its text in quotes, with its datatype when not a plain string.
pub(super) fn show_literal(l: LiteralRef<'_>) -> String {
    let mut text: String = l.value().chars().take(80).collect();
    if text.len() < l.value().len() {
        text.push('…');
    }
    let dt = l.datatype().as_str();
    if let Some(lang) = l.language() {
        format!("literal {text:?}@{lang}")
    } else if dt == "http://www.w3.org/2001/XMLSchema#string" {
        format!("literal {text:?}")
    } else {
        format!("literal {text:?}^^{}", show_iri(dt))
    }
}

/// A list of class IRIs for messages, or `no rdf:type`.
pub(super) fn show_types(types: &[&str]) -> String {
    if types.is_empty() {
        return "no rdf:type".to_owned();
    }
    let mut shown: Vec<String> = types.iter().map(|t| show_iri(t)).collect();
    shown.sort();
    shown.join(", ")
}
