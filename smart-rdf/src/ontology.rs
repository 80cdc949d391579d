//! The ontology document served at `GET /ontology`, generated from the `smart-core` model.
//!
//! It uses the same IRIs and the same OWL shapes as the published SMART ontology, so clients
//! and tools that read that file read this one: classes with `rdfs:label`, `api:namePlural`,
//! `api:base_path` and `rdfs:subClassOf` restrictions (cardinality restrictions, and
//! `owl:allValuesFrom` for ranges; a coded value is restricted twice, to `sp:CodedValue` and
//! to a restriction on `sp:code`; a fixed unit is an `owl:hasValue` restriction on
//! `sp:unit`), code lists as `owl:oneOf` classes whose members carry identifier, title and
//! system, and the `api:Call`, `api:Filter` and `api:Parameter` individuals with their
//! annotations. The descriptions are ours.

use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{BlankNode, Graph, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use smart_core::catalog::{self, ApiCall, FilterKind};
use smart_core::model::{self, Cardinality, ClassDef, CodeList, PropertyDef, Range};
use smart_core::vocab;

use crate::format::{RdfFormat, serialize};

/// The ontology as a graph.
pub fn ontology_graph() -> Graph {
    let mut b = Builder::default();
    b.ontology_header();
    for class in model::CLASSES {
        b.class(class);
    }
    for list in model::CODE_LISTS {
        b.code_list(list);
    }
    b.properties();
    for call in catalog::CALLS {
        b.call(call);
    }
    b.graph
}

/// The ontology serialized in `format` (RDF/XML is what clients expect).
pub fn ontology_document(format: RdfFormat) -> Vec<u8> {
    serialize(&ontology_graph(), format)
}

fn iri(s: &str) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn owl(local: &str) -> NamedNode {
    iri(&format!("{}{local}", vocab::OWL))
}

fn api(local: &str) -> NamedNode {
    iri(&format!("{}{local}", vocab::API))
}

fn text(s: &str) -> Literal {
    Literal::new_simple_literal(s)
}

#[derive(Default)]
struct Builder {
    graph: Graph,
    next_blank: usize,
}

impl Builder {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNode, o: impl Into<Term>) {
        self.graph.insert(&Triple::new(s, p, o));
    }

    /// Blank nodes get stable labels so the document is byte-for-byte reproducible.
    fn blank(&mut self) -> BlankNode {
        self.next_blank += 1;
        BlankNode::new_unchecked(format!("r{}", self.next_blank))
    }

    fn ontology_header(&mut self) {
        let ont = iri(vocab::SP);
        self.add(ont.clone(), rdf::TYPE.into_owned(), owl("Ontology"));
        self.add(
            ont,
            rdfs::COMMENT.into_owned(),
            text("The SMART Classic data model and REST API, as served by smart-rs."),
        );
    }

    fn class(&mut self, class: &ClassDef) {
        let c = iri(class.iri);
        self.add(c.clone(), rdf::TYPE.into_owned(), owl("Class"));
        self.add(c.clone(), rdfs::LABEL.into_owned(), text(class.label));
        if !class.description.is_empty() {
            self.add(
                c.clone(),
                rdfs::COMMENT.into_owned(),
                text(class.description),
            );
        }
        if let Some(plural) = class.plural {
            self.add(c.clone(), api("namePlural"), text(plural));
        }
        if let Some(path) = class.base_path {
            self.add(c.clone(), api("base_path"), text(path));
        }
        for parent in class.parents {
            self.add(c.clone(), rdfs::SUB_CLASS_OF.into_owned(), iri(parent));
        }
        for property in class.properties {
            self.restrictions(&c, property);
        }
    }

    fn restriction(&mut self, on: &str) -> BlankNode {
        let r = self.blank();
        self.add(r.clone(), rdf::TYPE.into_owned(), owl("Restriction"));
        self.add(r.clone(), owl("onProperty"), iri(on));
        r
    }

    fn sub_class_of_restriction(&mut self, class: &NamedNode, on: &str) -> BlankNode {
        let r = self.restriction(on);
        self.add(class.clone(), rdfs::SUB_CLASS_OF.into_owned(), r.clone());
        r
    }

    fn restrictions(&mut self, class: &NamedNode, p: &PropertyDef) {
        let one = || Literal::new_typed_literal("1", xsd::NON_NEGATIVE_INTEGER);
        match p.cardinality {
            Cardinality::One => {
                let r = self.sub_class_of_restriction(class, p.iri);
                self.add(r, owl("cardinality"), one());
            }
            Cardinality::ZeroOrOne => {
                let r = self.sub_class_of_restriction(class, p.iri);
                self.add(r, owl("maxCardinality"), one());
            }
            Cardinality::OneOrMore => {
                let r = self.sub_class_of_restriction(class, p.iri);
                self.add(r, owl("minCardinality"), one());
            }
            _ => {}
        }
        let all = |b: &mut Self, value: Term| {
            let r = b.sub_class_of_restriction(class, p.iri);
            b.add(r, owl("allValuesFrom"), value);
        };
        match p.range {
            Range::Literal(datatype) => {
                all(self, iri(datatype.unwrap_or(rdfs::LITERAL.as_str())).into());
            }
            Range::Class(range) => {
                all(self, iri(range).into());
            }
            Range::CodedValue(list) => {
                all(self, iri(smart_core::sp!("CodedValue")).into());
                let inner = self.restriction(smart_core::sp!("code"));
                self.add(inner.clone(), owl("allValuesFrom"), iri(list));
                all(self, inner.into());
            }
            Range::Code(list) | Range::Individual(list) => {
                all(self, iri(list).into());
            }
            _ => {}
        }
        if let Some(unit) = p.fixed_unit {
            let inner = self.restriction(smart_core::sp!("unit"));
            self.add(inner.clone(), owl("hasValue"), text(unit));
            all(self, inner.into());
        }
    }

    fn code_list(&mut self, list: &CodeList) {
        let c = iri(list.iri);
        self.add(c.clone(), rdf::TYPE.into_owned(), owl("Class"));
        self.add(c.clone(), rdfs::LABEL.into_owned(), text(list.label));
        self.add(c.clone(), rdfs::SUB_CLASS_OF.into_owned(), iri(list.parent));
        if let Some(system) = list.system {
            let kind = if list.is_closed() {
                "Closed list"
            } else {
                "Open list"
            };
            let comment =
                format!("{kind}: its codes are IRIs made of {system} and the identifier.");
            self.add(c.clone(), rdfs::COMMENT.into_owned(), text(&comment));
        }
        if !list.is_closed() {
            return;
        }
        let mut items: Vec<Term> = Vec::new();
        for member in list.members {
            let m = iri(member.iri);
            self.add(m.clone(), rdf::TYPE.into_owned(), owl("NamedIndividual"));
            self.add(m.clone(), rdf::TYPE.into_owned(), c.clone());
            self.add(
                m.clone(),
                rdf::TYPE.into_owned(),
                iri(smart_core::sp!("Code")),
            );
            self.add(
                m.clone(),
                iri(smart_core::dcterms!("title")),
                text(member.title),
            );
            self.add(
                m.clone(),
                iri(smart_core::dcterms!("identifier")),
                text(member.identifier),
            );
            if let Some(system) = list.system {
                self.add(m.clone(), iri(smart_core::sp!("system")), text(system));
            }
            items.push(m.into());
        }
        let one_of = self.blank();
        self.add(one_of.clone(), rdf::TYPE.into_owned(), owl("Class"));
        let head = self.list(items);
        self.add(one_of.clone(), owl("oneOf"), head);
        self.add(c, owl("equivalentClass"), one_of);
    }

    fn list(&mut self, items: Vec<Term>) -> Term {
        let mut head: Term = rdf::NIL.into_owned().into();
        let cells: Vec<BlankNode> = items.iter().map(|_| self.blank()).collect();
        for (cell, item) in cells.into_iter().zip(items).rev() {
            self.add(cell.clone(), rdf::FIRST.into_owned(), item);
            self.add(cell.clone(), rdf::REST.into_owned(), head);
            head = cell.into();
        }
        head
    }

    /// Declares every property used by a restriction, as an object or a datatype property.
    fn properties(&mut self) {
        let mut seen: Vec<(&'static str, bool)> = Vec::new();
        for class in model::CLASSES {
            for p in class.properties {
                let literal = matches!(p.range, Range::Literal(_));
                if !seen.iter().any(|(i, _)| *i == p.iri) {
                    seen.push((p.iri, literal));
                }
            }
        }
        for (property, literal) in seen {
            let kind = if literal {
                "DatatypeProperty"
            } else {
                "ObjectProperty"
            };
            self.add(iri(property), rdf::TYPE.into_owned(), owl(kind));
        }
        let belongs = iri(smart_core::sp!("belongsTo"));
        self.add(
            belongs,
            owl("inverseOf"),
            iri(smart_core::sp!("hasStatement")),
        );
    }

    fn call(&mut self, call: &ApiCall) {
        let c = iri(call.iri);
        self.add(c.clone(), rdf::TYPE.into_owned(), owl("NamedIndividual"));
        self.add(c.clone(), rdf::TYPE.into_owned(), api("Call"));
        self.add(c.clone(), api("clientMethodName"), text(call.name));
        self.add(c.clone(), api("httpMethod"), text(call.method.as_str()));
        self.add(c.clone(), api("path"), text(call.path));
        self.add(c.clone(), api("category"), text(call.category.as_str()));
        self.add(
            c.clone(),
            api("cardinality"),
            text(call.cardinality.as_str()),
        );
        self.add(c.clone(), api("target"), iri(call.target));
        if !call.description.is_empty() {
            self.add(
                c.clone(),
                rdfs::COMMENT.into_owned(),
                text(call.description),
            );
        }
        if let Some(sort) = call.default_sort {
            // The published ontology writes the sort property as a prefixed name.
            self.add(c.clone(), api("defaultSort"), text(&vocab::compact(sort)));
        }
        if let Some(media_type) = call.response_content_type {
            self.add(c.clone(), api("responseContentType"), text(media_type));
        }
        for filter in call.filters {
            let f = iri(filter.iri);
            self.add(c.clone(), api("hasFilter"), f.clone());
            self.add(f.clone(), rdf::TYPE.into_owned(), owl("NamedIndividual"));
            self.add(f.clone(), rdf::TYPE.into_owned(), api("Filter"));
            self.add(f.clone(), api("clientParameterName"), text(filter.param));
            self.add(
                f,
                api("filterSparql"),
                text(&filter_sparql(&filter.kind, filter.param)),
            );
        }
        for parameter in call.parameters {
            let p = iri(parameter.iri);
            self.add(c.clone(), api("hasParameter"), p.clone());
            self.add(p.clone(), rdf::TYPE.into_owned(), owl("NamedIndividual"));
            self.add(p.clone(), rdf::TYPE.into_owned(), api("Parameter"));
            self.add(p.clone(), api("clientParameterName"), text(parameter.name));
            self.add(p, api("clientParameterType"), text("query"));
        }
    }
}

/// A SPARQL fragment over `?v` documenting what the filter selects, in the published
/// ontology's style. It is documentation for clients: the store builds its queries as
/// algebra from [`FilterKind`], never from this text.
fn filter_sparql(kind: &FilterKind, param: &str) -> String {
    match kind {
        FilterKind::Date { property, .. } => format!("?v {} ?d .", vocab::compact(property)),
        FilterKind::Code { path, namespace } => {
            let path: Vec<String> = path.iter().map(|p| vocab::compact(p)).collect();
            format!(
                "?v {} ?c .\nFILTER (?c = uri(<{namespace}{{{param}}}>))",
                path.join("/")
            )
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::NamedNodeRef;

    #[test]
    fn document_is_reproducible_and_parses_back() {
        let a = ontology_document(RdfFormat::RdfXml);
        assert_eq!(a, ontology_document(RdfFormat::RdfXml));
        let back = crate::parse(&a, RdfFormat::RdfXml, None).unwrap();
        assert_eq!(back.len(), ontology_graph().len());
    }

    #[test]
    fn every_call_is_an_api_call_individual() {
        let g = ontology_graph();
        let call = NamedNodeRef::new_unchecked("http://smartplatforms.org/terms/api#Call");
        assert_eq!(
            g.subjects_for_predicate_object(rdf::TYPE, call).count(),
            catalog::CALLS.len()
        );
    }

    #[test]
    fn every_class_and_code_list_is_an_owl_class() {
        let g = ontology_graph();
        let class = NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#Class");
        let named = g
            .subjects_for_predicate_object(rdf::TYPE, class)
            .filter(|s| matches!(s, oxrdf::NamedOrBlankNodeRef::NamedNode(_)))
            .count();
        assert_eq!(named, model::CLASSES.len() + model::CODE_LISTS.len());
    }
}
