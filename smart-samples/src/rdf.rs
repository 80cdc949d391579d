//! Building a patient graph: blank nodes with deterministic labels, statements linked to
//! the one record node, coded values with their code nodes, values with units.

use oxrdf::vocab::rdf;
use oxrdf::{BlankNode, Graph, LiteralRef, NamedNodeRef, NamedOrBlankNodeRef, TermRef, TripleRef};
use smart_core::model;
use smart_core::{dcterms, sp};

/// A code: a concept IRI plus the facts its code node carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code {
    /// The `spcode:` class the code node is typed with (besides `sp:Code`).
    pub(crate) list: &'static str,
    /// `sp:system`, the IRI prefix.
    pub(crate) system: &'static str,
    /// `dcterms:identifier`.
    pub(crate) id: &'static str,
    /// `dcterms:title`.
    pub(crate) title: &'static str,
    /// The concept IRI: system followed by identifier.
    pub(crate) iri: &'static str,
}

impl Code {
    /// The member `identifier` of the closed SMART code list `list`, with the exact IRI
    /// and title the model (and so validation) requires.
    ///
    /// # Panics
    /// If the list has no such member: a programming error that every generator test
    /// would hit at once.
    pub(crate) fn member(list: &'static str, identifier: &str) -> Self {
        let l = model::code_list(list).unwrap_or_else(|| panic!("no code list {list}"));
        let m = l
            .member_by_identifier(identifier)
            .unwrap_or_else(|| panic!("{list} has no member {identifier}"));
        Self {
            list,
            system: l.system.unwrap_or(""),
            id: m.identifier,
            title: m.title,
            iri: m.iri,
        }
    }
}

/// The graph of one patient under construction.
#[derive(Debug)]
pub(crate) struct Builder {
    graph: Graph,
    next_id: u64,
    record: BlankNode,
    statements: usize,
}

/// Shorthand for a static IRI.
fn iri(s: &'static str) -> NamedNodeRef<'static> {
    NamedNodeRef::new_unchecked(s)
}

impl Builder {
    /// An empty graph with its `sp:MedicalRecord` node.
    pub(crate) fn new() -> Self {
        let mut b = Self {
            graph: Graph::new(),
            next_id: 0,
            record: BlankNode::new_unchecked("b0"),
            statements: 0,
        };
        let record = b.node();
        b.ty(&record, sp!("MedicalRecord"));
        b.record = record;
        b
    }

    /// The finished graph and the number of statements in it.
    pub(crate) fn finish(self) -> (Graph, usize) {
        (self.graph, self.statements)
    }

    /// A fresh blank node. Labels are a per-patient counter, so the same patient always
    /// gets the same labels: that is what makes the serialized files byte-identical
    /// between runs. The `b` prefix keeps them valid XML names, which RDF/XML's
    /// `rdf:nodeID` requires (a label starting with a digit is rejected by parsers).
    pub(crate) fn node(&mut self) -> BlankNode {
        self.next_id += 1;
        BlankNode::new_unchecked(format!("b{}", self.next_id))
    }

    fn insert(&mut self, s: &BlankNode, p: &'static str, o: TermRef<'_>) {
        self.graph.insert(TripleRef::new(
            NamedOrBlankNodeRef::BlankNode(s.as_ref()),
            iri(p),
            o,
        ));
    }

    /// `s rdf:type class`.
    pub(crate) fn ty(&mut self, s: &BlankNode, class: &'static str) {
        self.graph
            .insert(TripleRef::new(s.as_ref(), rdf::TYPE, iri(class)));
    }

    /// A fresh node of this class.
    pub(crate) fn typed(&mut self, class: &'static str) -> BlankNode {
        let n = self.node();
        self.ty(&n, class);
        n
    }

    /// A new statement of this class, linked both ways to the record.
    pub(crate) fn statement(&mut self, class: &'static str) -> BlankNode {
        let s = self.typed(class);
        self.insert(&s, sp!("belongsTo"), self.record.clone().as_ref().into());
        let record = self.record.clone();
        self.graph.insert(TripleRef::new(
            record.as_ref(),
            iri(sp!("hasStatement")),
            s.as_ref(),
        ));
        self.statements += 1;
        s
    }

    /// `s p "value"` (a plain string literal).
    pub(crate) fn lit(&mut self, s: &BlankNode, p: &'static str, value: &str) {
        self.insert(s, p, LiteralRef::new_simple_literal(value).into());
    }

    /// `s p o` between two nodes.
    pub(crate) fn link(&mut self, s: &BlankNode, p: &'static str, o: &BlankNode) {
        self.insert(s, p, o.as_ref().into());
    }

    /// `s p <iri>`.
    pub(crate) fn link_iri(&mut self, s: &BlankNode, p: &'static str, o: &str) {
        self.insert(s, p, NamedNodeRef::new_unchecked(o).into());
    }

    /// The code node's own triples (a set: repeating them is harmless).
    fn code_node(&mut self, code: &Code) {
        let c = NamedNodeRef::new_unchecked(code.iri);
        let mut add = |p: NamedNodeRef<'_>, o: TermRef<'_>| {
            self.graph.insert(TripleRef::new(c, p, o));
        };
        add(rdf::TYPE, iri(sp!("Code")).into());
        add(rdf::TYPE, iri(code.list).into());
        add(
            iri(dcterms!("title")),
            LiteralRef::new_simple_literal(code.title).into(),
        );
        add(
            iri(dcterms!("identifier")),
            LiteralRef::new_simple_literal(code.id).into(),
        );
        add(
            iri(sp!("system")),
            LiteralRef::new_simple_literal(code.system).into(),
        );
    }

    /// `s p [a sp:CodedValue; dcterms:title; sp:code <code>]`, plus the code node.
    pub(crate) fn coded(&mut self, s: &BlankNode, p: &'static str, code: &Code) -> BlankNode {
        let cv = self.typed(sp!("CodedValue"));
        self.lit(&cv, dcterms!("title"), code.title);
        self.link_iri(&cv, sp!("code"), code.iri);
        self.code_node(code);
        self.link(s, p, &cv);
        cv
    }

    /// `s p [a sp:ValueAndUnit; sp:value; sp:unit]`.
    pub(crate) fn value_unit(
        &mut self,
        s: &BlankNode,
        p: &'static str,
        value: &str,
        unit: &str,
    ) -> BlankNode {
        let n = self.typed(sp!("ValueAndUnit"));
        self.lit(&n, sp!("value"), value);
        self.lit(&n, sp!("unit"), unit);
        self.link(s, p, &n);
        n
    }

    /// `s p [a sp:VitalSign; sp:value; sp:unit; sp:vitalName <LOINC>]`; `loinc` is a member
    /// of `spcode:VitalSign`.
    pub(crate) fn vital(
        &mut self,
        s: &BlankNode,
        p: &'static str,
        loinc: &str,
        value: &str,
        unit: &str,
    ) {
        let n = self.typed(sp!("VitalSign"));
        self.lit(&n, sp!("value"), value);
        self.lit(&n, sp!("unit"), unit);
        let code = Code::member(smart_core::spcode!("VitalSign"), loinc);
        self.coded(&n, sp!("vitalName"), &code);
        self.link(s, p, &n);
    }

    /// `s dcterms:format <mime>` with the media type node and its label.
    pub(crate) fn media_type(&mut self, s: &BlankNode, mime: &str) {
        let iri_string = format!("{}{mime}", smart_core::vocab::MIME);
        let m = NamedNodeRef::new_unchecked(&iri_string);
        self.graph.insert(TripleRef::new(
            m,
            rdf::TYPE,
            iri(dcterms!("MediaTypeOrExtent")),
        ));
        self.graph.insert(TripleRef::new(
            m,
            iri("http://www.w3.org/2000/01/rdf-schema#label"),
            LiteralRef::new_simple_literal(mime),
        ));
        self.insert(s, dcterms!("format"), m.into());
    }

    /// An RDF list of `items` (rdf:first/rdf:rest, ending in rdf:nil); returns its head.
    pub(crate) fn list(&mut self, items: &[BlankNode]) -> BlankNode {
        let head = self.node();
        let mut cell = head.clone();
        for (i, item) in items.iter().enumerate() {
            self.graph
                .insert(TripleRef::new(cell.as_ref(), rdf::FIRST, item.as_ref()));
            if i + 1 == items.len() {
                self.graph
                    .insert(TripleRef::new(cell.as_ref(), rdf::REST, rdf::NIL));
            } else {
                let next = self.node();
                self.graph
                    .insert(TripleRef::new(cell.as_ref(), rdf::REST, next.as_ref()));
                cell = next;
            }
        }
        head
    }
}
