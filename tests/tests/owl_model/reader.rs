//! Reads the SMART ontology with oxrdf into plain structures: named classes with their
//! merged property restrictions, code lists with their members, and the code nodes of the
//! RDF/XML examples. Unknown constructs are recorded as problems, never skipped silently.

use std::collections::{BTreeMap, BTreeSet};

use oxrdf::vocab::{rdf, rdfs};
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use smart_core::model::{self, Cardinality, Range};
use smart_core::vocab;

use crate::common;

pub(super) const SP: &str = vocab::SP;
pub(super) const SPCODE: &str = vocab::SPCODE;
const OWL: &str = vocab::OWL;
const XSD: &str = vocab::XSD;

pub(super) fn owl(local: &str) -> String {
    format!("{OWL}{local}")
}

pub(super) fn nn(iri: &str) -> NamedNodeRef<'_> {
    NamedNodeRef::new_unchecked(iri)
}

pub(super) fn short(iri: &str) -> String {
    model::display(iri)
}

/// The part of an IRI after its last `#` or `/`.
pub(super) fn local_name(iri: &str) -> &str {
    iri.rsplit(['#', '/']).next().unwrap_or(iri)
}

/// The namespace of an IRI: everything up to and including its last `#`, or else its last
/// `/`.
pub(super) fn namespace(iri: &str) -> &str {
    let end = iri
        .rfind('#')
        .or_else(|| iri.rfind('/'))
        .map_or(0, |i| i + 1);
    &iri[..end]
}

/// A range as read from the ontology (owned strings, so it can be compared with
/// [`Range`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ORange {
    Literal(Option<String>),
    Class(String),
    CodedValue(String),
    Code(String),
    Individual(String),
    Other(String),
}

impl From<Range> for ORange {
    fn from(r: Range) -> Self {
        match r {
            Range::Literal(dt) => Self::Literal(dt.map(str::to_owned)),
            Range::Class(c) => Self::Class(c.to_owned()),
            Range::CodedValue(l) => Self::CodedValue(l.to_owned()),
            Range::Code(l) => Self::Code(l.to_owned()),
            Range::Individual(l) => Self::Individual(l.to_owned()),
            other => Self::Other(format!("{other:?}")),
        }
    }
}

impl std::fmt::Display for ORange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Literal(None) => write!(f, "literal"),
            Self::Literal(Some(dt)) => write!(f, "literal {}", short(dt)),
            Self::Class(c) => write!(f, "class {}", short(c)),
            Self::CodedValue(l) => write!(f, "CodedValue<{}>", short(l)),
            Self::Code(l) => write!(f, "code {}", short(l)),
            Self::Individual(l) => write!(f, "individual of {}", short(l)),
            Self::Other(s) => write!(f, "{s}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OProp {
    pub(super) cardinality: Cardinality,
    pub(super) range: ORange,
    pub(super) unit: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct OClass {
    pub(super) label: Option<String>,
    pub(super) plural: Option<String>,
    pub(super) base_path: Option<String>,
    pub(super) parents: BTreeSet<String>,
    pub(super) props: BTreeMap<String, OProp>,
}

#[derive(Debug, Default)]
pub(super) struct OList {
    pub(super) label: Option<String>,
    pub(super) parents: BTreeSet<String>,
    /// `Some` for a closed list (`owl:oneOf`): member IRI and title.
    pub(super) members: Option<Vec<(String, Option<String>)>>,
    pub(super) comments: Vec<String>,
}

/// A code node found in an `api:example`.
#[derive(Debug)]
pub(super) struct ExampleCode {
    /// The class whose example it is.
    pub(super) owner: String,
    /// Its `spcode:` type.
    pub(super) list: String,
    pub(super) iri: String,
    pub(super) system: Option<String>,
    pub(super) identifier: Option<String>,
    pub(super) title: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct Ontology {
    pub(super) classes: BTreeMap<String, OClass>,
    pub(super) lists: BTreeMap<String, OList>,
    pub(super) examples_parsed: usize,
    pub(super) example_codes: Vec<ExampleCode>,
    /// Constructs the reader does not understand: (subject, detail).
    pub(super) problems: Vec<(String, String)>,
}

/// Everything a property accumulates over the restrictions of one class.
#[derive(Debug, Default)]
struct Acc {
    cardinality: Option<Cardinality>,
    literal: Option<Option<String>>,
    classes: BTreeSet<String>,
    lists: BTreeSet<String>,
    coded: BTreeSet<String>,
    units: BTreeSet<String>,
}

struct Reader<'g> {
    g: &'g Graph,
    out: Ontology,
}

impl<'g> Reader<'g> {
    fn objects(&self, s: NamedOrBlankNodeRef<'_>, p: &str) -> Vec<TermRef<'g>> {
        self.g.objects_for_subject_predicate(s, nn(p)).collect()
    }

    fn object(&self, s: NamedOrBlankNodeRef<'_>, p: &str) -> Option<TermRef<'g>> {
        self.g.object_for_subject_predicate(s, nn(p))
    }

    fn literal(&self, s: NamedOrBlankNodeRef<'_>, p: &str) -> Option<String> {
        match self.object(s, p)? {
            TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        }
    }

    fn literals(&self, s: NamedOrBlankNodeRef<'_>, p: &str) -> Vec<String> {
        self.objects(s, p)
            .into_iter()
            .filter_map(|t| match t {
                TermRef::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .collect()
    }

    fn has_type(&self, s: NamedOrBlankNodeRef<'_>, class: &str) -> bool {
        self.g
            .contains(oxrdf::TripleRef::new(s, rdf::TYPE, nn(class)))
    }

    /// The items of an RDF list.
    fn list(&self, head: TermRef<'g>) -> Vec<TermRef<'g>> {
        let mut items = Vec::new();
        let mut node = head;
        while let Some(subject) = as_subject(node) {
            let Some(first) = self.object(subject, rdf::FIRST.as_str()) else {
                break;
            };
            items.push(first);
            match self.object(subject, rdf::REST.as_str()) {
                Some(rest) => node = rest,
                None => break,
            }
        }
        items
    }

    fn problem(&mut self, subject: String, detail: String) {
        self.out.problems.push((subject, detail));
    }

    fn read(mut self) -> Ontology {
        let named: BTreeSet<String> = self
            .g
            .subjects_for_predicate_object(rdf::TYPE, nn(&owl("Class")))
            .filter_map(|s| match s {
                NamedOrBlankNodeRef::NamedNode(n) => Some(n.as_str().to_owned()),
                _ => None,
            })
            .collect();
        for iri in &named {
            if iri.starts_with(SPCODE) {
                let list = self.read_list(iri);
                self.out.lists.insert(iri.clone(), list);
            }
        }
        for iri in &named {
            if !iri.starts_with(SPCODE) {
                let class = self.read_class(iri);
                self.out.classes.insert(iri.clone(), class);
            }
        }
        self.read_examples();
        self.out
    }

    fn named_parents(&self, s: NamedOrBlankNodeRef<'_>) -> BTreeSet<String> {
        self.objects(s, rdfs::SUB_CLASS_OF.as_str())
            .into_iter()
            .filter_map(as_iri)
            .map(str::to_owned)
            .collect()
    }

    fn read_list(&mut self, iri: &str) -> OList {
        let s = nn(iri).into();
        let mut list = OList {
            label: self.literal(s, rdfs::LABEL.as_str()),
            parents: self.named_parents(s),
            members: None,
            comments: self.literals(s, rdfs::COMMENT.as_str()),
        };
        for eq in self.objects(s, &owl("equivalentClass")) {
            let Some(eq) = as_subject(eq) else { continue };
            let Some(head) = self.object(eq, &owl("oneOf")) else {
                continue;
            };
            let mut members = Vec::new();
            for item in self.list(head) {
                let Some(m) = as_iri(item) else {
                    self.problem(short(iri), "a oneOf member is not an IRI".into());
                    continue;
                };
                let title = self.literal(nn(m).into(), &format!("{}title", vocab::DCTERMS));
                members.push((m.to_owned(), title));
            }
            list.members = Some(members);
        }
        list
    }

    fn read_class(&mut self, iri: &str) -> OClass {
        let s: NamedOrBlankNodeRef<'_> = nn(iri).into();
        let mut class = OClass {
            label: self.literal(s, rdfs::LABEL.as_str()),
            plural: self.literal(s, &format!("{}namePlural", vocab::API)),
            base_path: self.literal(s, &format!("{}base_path", vocab::API)),
            parents: self.named_parents(s),
            props: BTreeMap::new(),
        };
        // Restrictions: blank superclasses and equivalent classes, and the restrictions of
        // an intersection used as either.
        let mut restrictions = Vec::new();
        let mut anonymous = self.objects(s, rdfs::SUB_CLASS_OF.as_str());
        anonymous.extend(self.objects(s, &owl("equivalentClass")));
        for t in anonymous {
            let Some(b) = as_blank(t) else { continue };
            if self.has_type(b, &owl("Restriction")) {
                restrictions.push(b);
            } else if let Some(head) = self.object(b, &owl("intersectionOf")) {
                restrictions.extend(
                    self.list(head)
                        .into_iter()
                        .filter_map(as_blank)
                        .filter(|r| self.has_type(*r, &owl("Restriction"))),
                );
            } else if self.object(b, &owl("unionOf")).is_some() {
                // v:Pref & co. are also subclasses of (v:Address ∪ v:Tel): no property.
            } else {
                self.problem(short(iri), "an anonymous superclass we do not read".into());
            }
        }
        let mut accs: BTreeMap<String, Acc> = BTreeMap::new();
        for r in restrictions {
            let Some(p) = self.object(r, &owl("onProperty")).and_then(as_iri) else {
                self.problem(short(iri), "a restriction without owl:onProperty".into());
                continue;
            };
            let subject = format!("{} {}", short(iri), short(p));
            let mut acc = accs.remove(p).unwrap_or_default();
            self.read_restriction(r, &subject, &mut acc);
            accs.insert(p.to_owned(), acc);
        }
        for (p, acc) in accs {
            let subject = format!("{} {}", short(iri), short(&p));
            let prop = self.finish_property(&p, acc, &subject);
            class.props.insert(p, prop);
        }
        class
    }

    fn read_restriction(&mut self, r: NamedOrBlankNodeRef<'g>, subject: &str, acc: &mut Acc) {
        let cardinalities = [
            ("cardinality", Cardinality::One),
            ("qualifiedCardinality", Cardinality::One),
            ("maxCardinality", Cardinality::ZeroOrOne),
            ("maxQualifiedCardinality", Cardinality::ZeroOrOne),
            ("minCardinality", Cardinality::OneOrMore),
            ("minQualifiedCardinality", Cardinality::OneOrMore),
        ];
        for (predicate, cardinality) in cardinalities {
            let Some(n) = self.literal(r, &owl(predicate)) else {
                continue;
            };
            if n != "1" {
                self.problem(
                    subject.into(),
                    format!("owl:{predicate} {n} (only 1 is modelled)"),
                );
            }
            let merged = match (acc.cardinality, cardinality) {
                (None, c) => c,
                (Some(a), b) if a == b => a,
                (Some(Cardinality::ZeroOrOne), Cardinality::OneOrMore)
                | (Some(Cardinality::OneOrMore), Cardinality::ZeroOrOne) => Cardinality::One,
                (Some(a), b) => {
                    self.problem(
                        subject.into(),
                        format!("conflicting cardinalities {a} and {b}"),
                    );
                    a
                }
            };
            acc.cardinality = Some(merged);
        }
        for predicate in ["allValuesFrom", "someValuesFrom", "onClass"] {
            for value in self.objects(r, &owl(predicate)) {
                self.read_value(value, subject, acc);
            }
        }
        if self.object(r, &owl("hasValue")).is_some() {
            self.problem(
                subject.into(),
                "owl:hasValue directly on a class property".into(),
            );
        }
    }

    fn read_value(&mut self, value: TermRef<'g>, subject: &str, acc: &mut Acc) {
        match value {
            TermRef::NamedNode(n) => {
                let iri = n.as_str();
                if n == rdfs::LITERAL {
                    acc.literal.get_or_insert(None);
                } else if iri.starts_with(XSD) {
                    acc.literal = Some(Some(iri.to_owned()));
                } else if iri.starts_with(SPCODE) {
                    acc.lists.insert(iri.to_owned());
                } else {
                    acc.classes.insert(iri.to_owned());
                }
            }
            TermRef::BlankNode(b) => {
                let b = b.into();
                if let Some(head) = self.object(b, &owl("intersectionOf")) {
                    for item in self.list(head) {
                        self.read_value(item, subject, acc);
                    }
                    return;
                }
                let on = self.object(b, &owl("onProperty")).and_then(as_iri);
                let code = format!("{SP}code");
                let unit = format!("{SP}unit");
                match on {
                    Some(p) if p == code => {
                        match self.object(b, &owl("allValuesFrom")).and_then(as_iri) {
                            Some(list) => {
                                acc.coded.insert(list.to_owned());
                            }
                            None => self.problem(subject.into(), "sp:code without a list".into()),
                        }
                    }
                    Some(p) if p == unit => match self.literal(b, &owl("hasValue")) {
                        Some(u) => {
                            acc.units.insert(u);
                        }
                        None => self.problem(subject.into(), "sp:unit without a value".into()),
                    },
                    _ => self.problem(subject.into(), "a nested restriction we do not read".into()),
                }
            }
            _ => self.problem(subject.into(), "a literal as a class expression".into()),
        }
    }

    fn finish_property(&mut self, property: &str, acc: Acc, subject: &str) -> OProp {
        let coded_value = format!("{SP}CodedValue");
        let mut problems = Vec::new();
        let range = if let Some(list) = acc.coded.first() {
            if acc.coded.len() > 1 || acc.classes.iter().any(|c| *c != coded_value) {
                problems.push(format!(
                    "mixed coded range {:?} {:?}",
                    acc.coded, acc.classes
                ));
            }
            ORange::CodedValue(list.clone())
        } else if let Some(list) = acc.lists.first() {
            if acc.lists.len() > 1 || !acc.classes.is_empty() {
                problems.push(format!(
                    "mixed list range {:?} {:?}",
                    acc.lists, acc.classes
                ));
            }
            let closed = self
                .out
                .lists
                .get(list)
                .is_some_and(|l| l.members.is_some());
            if closed {
                ORange::Individual(list.clone())
            } else {
                ORange::Code(list.clone())
            }
        } else if let Some(class) = acc.classes.first() {
            if acc.classes.len() > 1 || acc.literal.is_some() {
                problems.push(format!(
                    "several ranges {:?} {:?}",
                    acc.classes, acc.literal
                ));
            }
            ORange::Class(class.clone())
        } else if let Some(datatype) = acc.literal {
            ORange::Literal(datatype)
        } else if self.has_type(nn(property).into(), &owl("DatatypeProperty")) {
            ORange::Literal(None)
        } else {
            problems.push("no range, and not a datatype property".into());
            ORange::Other("unknown".into())
        };
        if acc.units.len() > 1 {
            problems.push(format!("several fixed units {:?}", acc.units));
        }
        for p in problems {
            self.problem(subject.into(), p);
        }
        OProp {
            cardinality: acc.cardinality.unwrap_or(Cardinality::ZeroOrMore),
            range,
            unit: acc.units.first().cloned(),
        }
    }

    /// The code nodes of the `api:example`s that parse as RDF/XML.
    fn read_examples(&mut self) {
        let dcterms = |local: &str| format!("{}{local}", vocab::DCTERMS);
        let examples: Vec<(String, String)> = self
            .g
            .triples_for_predicate(nn(&format!("{}example", vocab::API)))
            .filter_map(|t| match (t.subject, t.object) {
                (NamedOrBlankNodeRef::NamedNode(s), TermRef::Literal(l)) => {
                    Some((s.as_str().to_owned(), l.value().to_owned()))
                }
                _ => None,
            })
            .collect();
        for (owner, text) in examples {
            let Ok(example) = smart_rdf::parse(text.as_bytes(), smart_rdf::RdfFormat::RdfXml, None)
            else {
                continue;
            };
            self.out.examples_parsed += 1;
            let literal = |s: NamedOrBlankNodeRef<'_>, p: &str| {
                example
                    .object_for_subject_predicate(s, nn(p))
                    .and_then(|t| match t {
                        TermRef::Literal(l) => Some(l.value().to_owned()),
                        _ => None,
                    })
            };
            for t in example.triples_for_predicate(rdf::TYPE) {
                let Some(list) = as_iri(t.object).filter(|l| l.starts_with(SPCODE)) else {
                    continue;
                };
                let NamedOrBlankNodeRef::NamedNode(code) = t.subject else {
                    self.out.problems.push((
                        format!("example {}", short(&owner)),
                        format!("a blank {} code", short(list)),
                    ));
                    continue;
                };
                self.out.example_codes.push(ExampleCode {
                    owner: owner.clone(),
                    list: list.to_owned(),
                    iri: code.as_str().to_owned(),
                    system: literal(t.subject, &format!("{SP}system")),
                    identifier: literal(t.subject, &dcterms("identifier")),
                    title: literal(t.subject, &dcterms("title")),
                });
            }
        }
    }
}

pub(super) fn as_iri(t: TermRef<'_>) -> Option<&str> {
    match t {
        TermRef::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

pub(super) fn as_blank(t: TermRef<'_>) -> Option<NamedOrBlankNodeRef<'_>> {
    match t {
        TermRef::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

pub(super) fn as_subject(t: TermRef<'_>) -> Option<NamedOrBlankNodeRef<'_>> {
    match t {
        TermRef::NamedNode(n) => Some(n.into()),
        TermRef::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

pub(super) fn read_ontology() -> Option<Ontology> {
    let shared = common::shared_dir()?;
    let g = common::load_ontology(&shared);
    Some(
        Reader {
            g: &g,
            out: Ontology::default(),
        }
        .read(),
    )
}

impl Ontology {
    /// `class` and every class or list below it (by named `rdfs:subClassOf`).
    pub(super) fn descendants(&self, class: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::from([class.to_owned()]);
        loop {
            let before = out.len();
            let parents = self
                .classes
                .iter()
                .map(|(iri, c)| (iri, &c.parents))
                .chain(self.lists.iter().map(|(iri, l)| (iri, &l.parents)));
            let found: Vec<String> = parents
                .filter(|(_, ps)| ps.iter().any(|p| out.contains(p)))
                .map(|(iri, _)| iri.clone())
                .collect();
            out.extend(found);
            if out.len() == before {
                return out;
            }
        }
    }

    /// `list` and its ancestor lists.
    pub(super) fn list_ancestors(&self, list: &str) -> Vec<&OList> {
        let mut out = Vec::new();
        let mut current = self.lists.get(list);
        while let Some(l) = current {
            out.push(l);
            current = l.parents.iter().find_map(|p| self.lists.get(p));
        }
        out
    }

    pub(super) fn property_count(&self) -> usize {
        self.classes.values().map(|c| c.props.len()).sum()
    }
}
