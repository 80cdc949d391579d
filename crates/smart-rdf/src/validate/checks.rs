//! The walk: every statement (and record) node is a root; from it, nested nodes are
//! checked against their own class, with an explicit work stack and a visited set so that
//! deep or cyclic graphs neither overflow nor loop.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use oxrdf::{Graph, LiteralRef, NamedOrBlankNodeRef};
use smart_core::model::{self, PropertyDef, Range};
use smart_core::{foaf, sp, vocab};

use super::finding::{Finding, Rule, Severity};
use super::index::{
    Index, Node, RDF_FIRST, RDF_NIL, RDF_REST, Value, show_iri, show_literal, show_types,
};
use super::lenient::{self, Site};
use super::lexical;
use super::{Mode, ValidationOptions};

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const XSD_ANY_URI: &str = "http://www.w3.org/2001/XMLSchema#anyURI";

/// The values `foaf:gender` may take. The ontology's comment names male and female; the
/// original API Verifier also accepts "undifferentiated" (HL7's third administrative
/// gender), and so do we, so that data the 0.6 tools accepted stays valid.
pub(super) const GENDERS: [&str; 3] = ["male", "female", "undifferentiated"];

/// What a task checks a node as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    /// A node of this class.
    Class(&'static str),
    /// An `sp:CodedValue` whose code must be in this code list.
    CodedValue(&'static str),
    /// A code node of this code list.
    Code(&'static str),
}

/// Where a node was reached from, for labels and for lenient classification.
#[derive(Debug, Clone)]
pub(super) struct Ctx {
    /// Readable path from the statement, e.g. `sp:Medication › sp:drugName`.
    pub(super) path: Rc<str>,
    /// The referring node's class and the property, for nested nodes.
    pub(super) via: Option<(&'static str, &'static str)>,
}

impl Ctx {
    fn child(&self, parent_class: &'static str, property: &'static str) -> Self {
        Self {
            path: format!("{} › {}", self.path, show_iri(property)).into(),
            via: Some((parent_class, property)),
        }
    }
}

struct Task<'a> {
    node: Node<'a>,
    kind: Kind,
    ctx: Ctx,
}

/// One run of validation over one graph.
pub(super) struct Validator<'a, 'o> {
    pub(super) idx: Index<'a>,
    opts: &'o ValidationOptions,
    findings: Vec<Finding>,
    visited: HashSet<(Node<'a>, Kind)>,
    stack: Vec<Task<'a>>,
    labels: HashMap<Node<'a>, String>,
    props: HashMap<&'static str, Rc<[PropertyDef]>>,
    subclass: HashMap<(&'a str, &'a str), bool>,
    /// In a patient graph with exactly one record node, that node.
    record: Option<Node<'a>>,
}

impl<'a, 'o> Validator<'a, 'o> {
    pub(super) fn new(graph: &'a Graph, opts: &'o ValidationOptions) -> Self {
        Self {
            idx: Index::new(graph),
            opts,
            findings: Vec::new(),
            visited: HashSet::new(),
            stack: Vec::new(),
            labels: HashMap::new(),
            props: HashMap::new(),
            subclass: HashMap::new(),
            record: None,
        }
    }

    pub(super) fn run(mut self) -> Vec<Finding> {
        let subjects = self.idx.subjects.clone();
        let mut roots: Vec<(Node<'a>, &'static str)> = Vec::new();
        let mut records = Vec::new();
        for &s in &subjects {
            let types = self.idx.types(s).to_vec();
            let unknown = self.check_types_known(s, &types);
            if let Some(c) = model::statement_class_of(types.iter().copied()) {
                roots.push((s, c.iri));
            } else if types.contains(&sp!("MedicalRecord")) {
                records.push(s);
            } else if !unknown && self.should_be_statement(s, &types) {
                self.report(
                    s,
                    None,
                    "a clinical statement class (e.g. sp:Medication)".to_owned(),
                    show_types(&types),
                    Site {
                        rule: Rule::NoStatementClass,
                        class: "",
                        property: None,
                        via: None,
                        value_types: &types,
                        value: None,
                    },
                );
            }
        }
        if self.opts.payload.is_none() && records.len() == 1 {
            self.record = records.first().copied();
        }
        self.check_payload(&roots);
        for (node, class) in roots {
            let ctx = Ctx {
                path: show_iri(class).into(),
                via: self.referrer(node),
            };
            self.push(node, Kind::Class(class), ctx);
            self.drain();
        }
        for node in records {
            let ctx = Ctx {
                path: show_iri(sp!("MedicalRecord")).into(),
                via: None,
            };
            self.push(node, Kind::Class(sp!("MedicalRecord")), ctx);
            self.drain();
        }
        self.findings
    }

    /// Reports `sp:`/`spcode:` types the model does not know; true if there was one.
    fn check_types_known(&mut self, node: Node<'a>, types: &[&'a str]) -> bool {
        let mut any = false;
        for &t in types {
            if is_smart_class_iri(t) && model::class(t).is_none() && model::code_list(t).is_none() {
                any = true;
                self.report(
                    node,
                    Some(oxrdf::vocab::rdf::TYPE.as_str()),
                    "a class of the SMART model".to_owned(),
                    show_iri(t),
                    Site {
                        rule: Rule::UnknownClass,
                        class: "",
                        property: None,
                        via: None,
                        value_types: types,
                        value: Some(t),
                    },
                );
            }
        }
        any
    }

    /// A node with no statement class that looks like it was meant to be one: it claims a
    /// record, a record lists it, or it is a top-level node of unknown nature.
    fn should_be_statement(&mut self, node: Node<'a>, types: &[&'a str]) -> bool {
        let claims_record = !self.idx.values(node, sp!("belongsTo")).is_empty();
        let listed = self
            .idx
            .incoming(node)
            .iter()
            .any(|(_, p)| p.as_str() == sp!("hasStatement"));
        let known = types
            .iter()
            .any(|t| model::class(t).is_some() || model::code_list(t).is_some());
        let top_level = self.idx.incoming(node).is_empty();
        claims_record || listed || (top_level && !known)
    }

    /// The payload rules: at least one statement, only allowed classes at the top level.
    fn check_payload(&mut self, roots: &[(Node<'a>, &'static str)]) {
        let Some(rules) = &self.opts.payload else {
            return;
        };
        if roots.is_empty() {
            self.findings.push(Finding {
                severity: Severity::Error,
                node: "(the payload)".to_owned(),
                property: None,
                expected: "at least one clinical statement".to_owned(),
                found: "none".to_owned(),
                rule: Rule::EmptyPayload,
                known_defect: None,
            });
        }
        let Some(allowed) = rules.allowed_statements.clone() else {
            return;
        };
        for &(node, class) in roots {
            let top_level = self
                .idx
                .incoming(node)
                .iter()
                .all(|(_, p)| p.as_str() == sp!("hasStatement"));
            if top_level && !allowed.iter().any(|a| self.sub(class, a)) {
                let expected = allowed
                    .iter()
                    .map(|a| show_iri(a))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let label = self.label_root(node, class);
                self.findings.push(Finding {
                    severity: Severity::Error,
                    node: label,
                    property: Some("rdf:type".to_owned()),
                    expected,
                    found: show_iri(class),
                    rule: Rule::StatementNotAllowed,
                    known_defect: None,
                });
            }
        }
    }

    /// For a statement nested in another node, the referrer's class and the property.
    fn referrer(&self, node: Node<'a>) -> Option<(&'static str, &'static str)> {
        self.idx.incoming(node).iter().find_map(|(s, p)| {
            if p.as_str() == sp!("hasStatement") || p.as_str() == RDF_FIRST {
                return None;
            }
            let prop = static_iri(p.as_str())?;
            let types = self.idx.types(*s);
            let class = model::statement_class_of(types.iter().copied())
                .map(|c| c.iri)
                .or_else(|| types.iter().find_map(|t| model::class(t).map(|c| c.iri)))?;
            Some((class, prop))
        })
    }

    pub(super) fn push(&mut self, node: Node<'a>, kind: Kind, ctx: Ctx) {
        if self.visited.contains(&(node, kind)) {
            return;
        }
        if let NamedOrBlankNodeRef::BlankNode(b) = node {
            self.labels
                .entry(node)
                .or_insert_with(|| format!("_:{} ({})", b.as_str(), ctx.path));
        }
        self.stack.push(Task { node, kind, ctx });
    }

    fn drain(&mut self) {
        while let Some(task) = self.stack.pop() {
            if !self.visited.insert((task.node, task.kind)) {
                continue;
            }
            match task.kind {
                Kind::Class(c) => self.check_node(task.node, c, None, &task.ctx),
                Kind::CodedValue(list) => {
                    self.check_node(task.node, sp!("CodedValue"), Some(list), &task.ctx);
                }
                Kind::Code(list) => self.check_code(task.node, list, &task.ctx),
            }
        }
    }

    /// The label of a node for findings.
    pub(super) fn label(&self, node: Node<'a>) -> String {
        match node {
            NamedOrBlankNodeRef::NamedNode(n) => n.as_str().to_owned(),
            NamedOrBlankNodeRef::BlankNode(b) => self
                .labels
                .get(&node)
                .cloned()
                .unwrap_or_else(|| format!("_:{}", b.as_str())),
        }
    }

    fn label_root(&self, node: Node<'a>, class: &str) -> String {
        match node {
            NamedOrBlankNodeRef::NamedNode(n) => n.as_str().to_owned(),
            NamedOrBlankNodeRef::BlankNode(b) => format!("_:{} ({})", b.as_str(), show_iri(class)),
        }
    }

    /// A value for messages: a literal, or a node with its types.
    pub(super) fn show_value(&self, value: Value<'a>) -> String {
        match value {
            Value::Literal(l) => show_literal(l),
            Value::Node(n) => {
                let types = self.idx.types(n);
                if types.is_empty() {
                    format!("node {}", self.label(n))
                } else {
                    format!("node {} of type {}", self.label(n), show_types(types))
                }
            }
            Value::Other => "an RDF 1.2 triple term".to_owned(),
        }
    }

    /// Records a finding, classifying it as a known defect and setting its severity.
    pub(super) fn report(
        &mut self,
        node: Node<'a>,
        property: Option<&str>,
        expected: String,
        found: String,
        site: Site<'_>,
    ) {
        let known_defect = lenient::classify(&site);
        let severity = match (known_defect, self.opts.mode) {
            (Some(_), Mode::Lenient) => Severity::Warning,
            _ => Severity::Error,
        };
        self.findings.push(Finding {
            severity,
            node: self.label(node),
            property: property.map(show_iri),
            expected,
            found,
            rule: site.rule,
            known_defect,
        });
    }

    /// Effective properties of a class, cached.
    fn properties(&mut self, class: &'static str) -> Rc<[PropertyDef]> {
        self.props
            .entry(class)
            .or_insert_with(|| model::effective_properties(class).into())
            .clone()
    }

    /// `model::is_subclass_of`, memoised (it walks the static tables).
    pub(super) fn sub(&mut self, sub: &'a str, sup: &'a str) -> bool {
        *self
            .subclass
            .entry((sub, sup))
            .or_insert_with(|| model::is_subclass_of(sub, sup))
    }

    /// Checks one node against a class: cardinalities, values, unknown `sp:` properties.
    /// `code_list` is set for a coded value, whose `sp:code` must be in that list.
    fn check_node(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        code_list: Option<&'static str>,
        ctx: &Ctx,
    ) {
        let props = self.properties(class);
        for def in props.iter() {
            let mut def = *def;
            if let (Some(list), true) = (code_list, def.iri == sp!("code")) {
                def.range = Range::Code(list);
            }
            self.check_property(node, class, &def, ctx);
        }
        if is_list_class(class) {
            self.check_images_list(node, class, ctx);
        }
        self.check_unknown_properties(node, class, &props);
    }

    fn check_property(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        def: &PropertyDef,
        ctx: &Ctx,
    ) {
        let values = self.idx.values(node, def.iri);
        let is_belongs_to = def.iri == sp!("belongsTo");
        // A posted payload may leave the record link out: the container adds it.
        let min = if is_belongs_to && self.opts.payload.is_some() {
            0
        } else {
            def.cardinality.min()
        };
        let site = |rule| Site {
            rule,
            class,
            property: Some(def.iri),
            via: ctx.via,
            value_types: &[],
            value: None,
        };
        if values.len() < min {
            let expected = match def.cardinality.max() {
                Some(1) => "exactly 1 value",
                _ => "at least 1 value",
            };
            self.report(
                node,
                Some(def.iri),
                format!("{expected} (cardinality {})", def.cardinality),
                "none".to_owned(),
                site(Rule::MissingProperty),
            );
        }
        if let Some(max) = def.cardinality.max() {
            if values.len() > max {
                let shown: Vec<String> = values.iter().map(|v| self.show_value(*v)).collect();
                self.report(
                    node,
                    Some(def.iri),
                    format!("{} (cardinality {})", at_most(max), def.cardinality),
                    format!("{} values: {}", values.len(), shown.join(", ")),
                    site(Rule::TooManyValues),
                );
            }
        }
        for value in values {
            if is_belongs_to {
                self.check_belongs_to(node, class, value, ctx);
            } else {
                self.check_value(node, class, def, value, ctx);
            }
        }
    }

    /// `sp:belongsTo` is checked but never recursed into: it points at the record, whose
    /// other statements are not this statement's business.
    fn check_belongs_to(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        value: Value<'a>,
        ctx: &Ctx,
    ) {
        let prop = sp!("belongsTo");
        let Value::Node(target) = value else {
            let found = self.show_value(value);
            self.report(
                node,
                Some(prop),
                "the record node (sp:MedicalRecord)".to_owned(),
                found,
                site_for(Rule::LiteralForNode, class, prop, ctx),
            );
            return;
        };
        let expected_record = match &self.opts.payload {
            Some(rules) => rules.record.clone(),
            None => self.record.map(|r| self.label(r)),
        };
        if let Some(record) = expected_record {
            let actual = self.label(target);
            if actual != record {
                self.report(
                    node,
                    Some(prop),
                    format!("the record {record}"),
                    actual,
                    site_for(Rule::BelongsTo, class, prop, ctx),
                );
            }
            return;
        }
        let types = self.idx.types(target).to_vec();
        if !types.is_empty() && !types.contains(&sp!("MedicalRecord")) {
            self.report(
                node,
                Some(prop),
                "sp:MedicalRecord".to_owned(),
                show_types(&types),
                Site {
                    value_types: &types,
                    ..site_for(Rule::WrongType, class, prop, ctx)
                },
            );
        }
    }

    /// Checks one value of a property against the property's range.
    fn check_value(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        def: &PropertyDef,
        value: Value<'a>,
        ctx: &Ctx,
    ) {
        match def.range {
            Range::Literal(datatype) => match value {
                Value::Literal(l) => self.check_literal(node, class, def.iri, datatype, l, ctx),
                Value::Node(NamedOrBlankNodeRef::NamedNode(_)) if datatype == Some(XSD_ANY_URI) => {
                    // An IRI is a fine way to give an xsd:anyURI (the ontology's own
                    // examples do this for sp:sourceCode).
                }
                _ => {
                    let found = self.show_value(value);
                    self.report(
                        node,
                        Some(def.iri),
                        match datatype {
                            Some(dt) => format!("a literal ({})", show_iri(dt)),
                            None => "a literal".to_owned(),
                        },
                        found,
                        site_for(Rule::NodeForLiteral, class, def.iri, ctx),
                    );
                }
            },
            Range::Class(target) => {
                if let Some(n) = self.expect_node(node, class, def, value, target, ctx) {
                    self.check_fixed_unit(class, def, n, ctx);
                }
            }
            Range::CodedValue(list) => {
                if let Some(n) = self.expect_node(node, class, def, value, sp!("CodedValue"), ctx) {
                    let child = ctx.child(class, def.iri);
                    self.push(n, Kind::CodedValue(list), child);
                }
            }
            Range::Code(list) => {
                if let Value::Node(n) = value {
                    let child = ctx.child(class, def.iri);
                    self.push(n, Kind::Code(list), child);
                } else {
                    let found = self.show_value(value);
                    self.report(
                        node,
                        Some(def.iri),
                        format!("a code of {}", show_iri(list)),
                        found,
                        site_for(Rule::LiteralForNode, class, def.iri, ctx),
                    );
                }
            }
            Range::Individual(list) => {
                self.check_individual(node, class, def.iri, list, value, ctx)
            }
            // A range kind added to the model later: nothing known to check yet.
            _ => {}
        }
    }

    /// A value that must be a node of class `target`. Returns the node when its type
    /// fits (or it is untyped), after queueing its own check; reports otherwise.
    fn expect_node(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        def: &PropertyDef,
        value: Value<'a>,
        target: &'static str,
        ctx: &Ctx,
    ) -> Option<Node<'a>> {
        let Value::Node(n) = value else {
            let found = self.show_value(value);
            self.report(
                node,
                Some(def.iri),
                format!("a node of type {}", show_iri(target)),
                found,
                site_for(Rule::LiteralForNode, class, def.iri, ctx),
            );
            return None;
        };
        let types = self.idx.types(n).to_vec();
        if types.is_empty() {
            if n.is_named_node() && !self.idx.is_described(n) {
                // A reference by IRI to something outside this graph (another statement,
                // a study on the server): nothing here to check.
                return Some(n);
            }
            // Untyped: its class is implied by the property's range.
            let child = ctx.child(class, def.iri);
            self.push(n, Kind::Class(target), child);
            return Some(n);
        }
        let mut fitting: Vec<&'static str> = Vec::new();
        let mut code_type_fits = false;
        for &t in &types {
            if self.sub(t, target) {
                match model::class(t) {
                    Some(c) => fitting.push(c.iri),
                    // A code list type (spcode:X) under a range of sp:Code.
                    None => code_type_fits = true,
                }
            }
        }
        if fitting.is_empty() && !code_type_fits {
            let found = show_types(&types);
            self.report(
                node,
                Some(def.iri),
                format!("a node of type {} (or a subclass)", show_iri(target)),
                found,
                Site {
                    value_types: &types,
                    ..site_for(Rule::WrongType, class, def.iri, ctx)
                },
            );
            return None;
        }
        if model::statement_class_of(types.iter().copied()).is_some() {
            // A statement is a root of its own and is checked as such.
            return Some(n);
        }
        let most_specific = fitting
            .iter()
            .copied()
            .find(|c| {
                !fitting
                    .iter()
                    .any(|o| o != c && model::is_subclass_of(o, c))
            })
            .unwrap_or(target);
        let child = ctx.child(class, def.iri);
        self.push(n, Kind::Class(most_specific), child);
        Some(n)
    }

    fn check_fixed_unit(
        &mut self,
        class: &'static str,
        def: &PropertyDef,
        value: Node<'a>,
        ctx: &Ctx,
    ) {
        let Some(unit) = def.fixed_unit else {
            return;
        };
        for found in self.idx.literal_values(value, sp!("unit")) {
            if found != unit {
                self.report(
                    value,
                    Some(sp!("unit")),
                    format!(
                        "the unit {unit:?} fixed for {} of {}",
                        show_iri(def.iri),
                        show_iri(class)
                    ),
                    format!("{found:?}"),
                    Site {
                        value: Some(found),
                        ..site_for(Rule::FixedUnit, class, def.iri, ctx)
                    },
                );
            }
        }
    }

    fn check_literal(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        prop: &'static str,
        datatype: Option<&'static str>,
        l: LiteralRef<'a>,
        ctx: &Ctx,
    ) {
        let text = l.value();
        let site = |rule| Site {
            value: Some(text),
            ..site_for(rule, class, prop, ctx)
        };
        if let Some(dt) = datatype {
            let actual = l.datatype().as_str();
            // A plain string is accepted when its text is valid for the datatype: RDF/XML
            // authors rarely annotate literals.
            let plain = actual == XSD_STRING && l.language().is_none();
            if (actual != dt && !plain) || !lexical::is_valid_lexical(dt, text) {
                self.report(
                    node,
                    Some(prop),
                    format!("a valid {} literal", show_iri(dt)),
                    show_literal(l),
                    site(Rule::Datatype),
                );
                return;
            }
        }
        if lexical::DATE_PROPERTIES.contains(&prop) && !lexical::is_iso8601_date(text) {
            self.report(
                node,
                Some(prop),
                lexical::DATE_EXPECTED.to_owned(),
                show_literal(l),
                site(Rule::Date),
            );
        }
        if prop == sp!("value") && self.sub(class, sp!("ValueAndUnit")) && !lexical::is_number(text)
        {
            self.report(
                node,
                Some(prop),
                "a number (e.g. 12, 0.5, 1e3)".to_owned(),
                show_literal(l),
                site(Rule::Number),
            );
        }
        if prop == foaf!("gender") && !GENDERS.contains(&text) {
            self.report(
                node,
                Some(prop),
                format!("one of {}", GENDERS.join(", ")),
                show_literal(l),
                site(Rule::AllowedValue),
            );
        }
    }

    /// An `sp:ImagesList` is an RDF list (`rdf:first`/`rdf:rest`) of `sp:MedicalImage`s.
    fn check_images_list(&mut self, node: Node<'a>, class: &'static str, ctx: &Ctx) {
        let item = PropertyDef::new(
            RDF_FIRST,
            model::Cardinality::One,
            Range::Class(sp!("MedicalImage")),
        );
        for value in self.idx.values(node, RDF_FIRST) {
            self.check_value(node, class, &item, value, ctx);
        }
        for rest in self.idx.values(node, RDF_REST) {
            match rest {
                Value::Node(NamedOrBlankNodeRef::NamedNode(n)) if n.as_str() == RDF_NIL => {}
                Value::Node(n) => {
                    // The rest of the list keeps the list's path: `› rdf:rest` a thousand
                    // times would not help anyone.
                    self.push(n, Kind::Class(class), ctx.clone());
                }
                _ => {
                    let found = self.show_value(rest);
                    self.report(
                        node,
                        Some(RDF_REST),
                        "the rest of the list (a node or rdf:nil)".to_owned(),
                        found,
                        site_for(Rule::LiteralForNode, class, RDF_REST, ctx),
                    );
                }
            }
        }
    }

    fn check_unknown_properties(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        props: &[PropertyDef],
    ) {
        let mut seen: Vec<&'a str> = Vec::new();
        let out: Vec<&'a str> = self.idx.out(node).iter().map(|(p, _)| p.as_str()).collect();
        for p in out {
            let Some(local) = p.strip_prefix(vocab::SP) else {
                continue;
            };
            if local.is_empty() || seen.contains(&p) || props.iter().any(|d| d.iri == p) {
                continue;
            }
            seen.push(p);
            self.report(
                node,
                Some(p),
                format!("a property of {}", show_iri(class)),
                show_iri(p),
                Site {
                    rule: Rule::UnknownProperty,
                    class,
                    property: Some(p),
                    via: None,
                    value_types: &[],
                    value: None,
                },
            );
        }
    }

    pub(super) fn check_individual(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        prop: &'static str,
        list: &'static str,
        value: Value<'a>,
        ctx: &Ctx,
    ) {
        let iri = match value {
            Value::Node(NamedOrBlankNodeRef::NamedNode(n)) => n.as_str(),
            _ => {
                let found = self.show_value(value);
                self.report(
                    node,
                    Some(prop),
                    format!("an individual of {} (an IRI)", show_iri(list)),
                    found,
                    site_for(Rule::LiteralForNode, class, prop, ctx),
                );
                return;
            }
        };
        let Some(code_list) = model::code_list(list) else {
            return;
        };
        if code_list.is_closed() && find_member(code_list, iri).is_none() {
            self.report(
                node,
                Some(prop),
                super::codes::members_phrase(code_list),
                iri.to_owned(),
                Site {
                    value: Some(iri),
                    ..site_for(Rule::CodeNotInList, list, prop, ctx)
                },
            );
        }
    }
}

/// A site with the usual fields.
pub(super) fn site_for<'s>(rule: Rule, class: &'s str, prop: &'s str, ctx: &'s Ctx) -> Site<'s> {
    Site {
        rule,
        class,
        property: Some(prop),
        via: ctx.via,
        value_types: &[],
        value: None,
    }
}

/// The member of a closed list with this IRI, compared exactly first and then
/// case-insensitively (as the original verifier did).
pub(super) fn find_member(
    list: &'static model::CodeList,
    iri: &str,
) -> Option<&'static model::CodeMember> {
    list.member(iri).or_else(|| {
        list.members
            .iter()
            .find(|m| m.iri.eq_ignore_ascii_case(iri))
    })
}

fn at_most(n: usize) -> String {
    let noun = if n == 1 { "value" } else { "values" };
    format!("at most {n} {noun}")
}

/// True for an IRI that names a class in the `sp:` or `spcode:` namespace (members of code
/// lists, `spcode:List#id`, are individuals, not classes).
fn is_smart_class_iri(iri: &str) -> bool {
    let local = iri
        .strip_prefix(vocab::SP)
        .or_else(|| iri.strip_prefix(vocab::SPCODE));
    local.is_some_and(|l| !l.is_empty() && !l.contains(['#', '/']))
}

fn is_list_class(class: &str) -> bool {
    class == sp!("ImagesList")
}

/// The model's `&'static` copy of a property IRI, if the model knows the property.
fn static_iri(iri: &str) -> Option<&'static str> {
    model::CLASSES
        .iter()
        .flat_map(|c| c.properties.iter())
        .map(|p| p.iri)
        .find(|p| *p == iri)
}
