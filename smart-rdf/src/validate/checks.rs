//! The walk: every statement (and record) node is a root; from it, nested nodes are
//! checked against their own class, with an explicit work stack and a visited set so that
//! deep or cyclic graphs neither overflow nor loop.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use oxrdf::{Graph, NamedOrBlankNodeRef};
use smart_core::model::{self, PropertyDef, Range};
use smart_core::{sp, vocab};

use super::finding::{Finding, Rule, Severity};
use super::index::{Index, Node, RDF_FIRST, Value, show_iri, show_literal, show_types};
use super::lenient::{self, Site};
use super::{Mode, RecordFile, ValidationOptions};

/// How many values a too-many-values finding lists.
const MAX_VALUES_SHOWN: usize = 5;

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
    pub(super) fn child(&self, parent_class: &'static str, property: &'static str) -> Self {
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
    /// The node whose property led here (the coded value of a code).
    referrer: Option<Node<'a>>,
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
            } else if !unknown && self.should_be_statement(s) {
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
        self.check_file_record_node();
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

    /// A node with no statement class that should have one: it claims a record, a record
    /// lists it, or it is a top-level node.
    fn should_be_statement(&self, node: Node<'a>) -> bool {
        let claims_record = !self.idx.values(node, sp!("belongsTo")).is_empty();
        let listed = self
            .idx
            .incoming(node)
            .iter()
            .any(|(_, p)| p.as_str() == sp!("hasStatement"));
        // Nothing refers to it, so nothing would check it: a top-level node must be a
        // statement (or the record).
        let top_level = self.idx.incoming(node).is_empty();
        claims_record || listed || top_level
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
        self.push_from(node, kind, ctx, None);
    }

    /// Queues a check of `node`, remembering the node whose property led to it.
    pub(super) fn push_from(
        &mut self,
        node: Node<'a>,
        kind: Kind,
        ctx: Ctx,
        referrer: Option<Node<'a>>,
    ) {
        if self.visited.contains(&(node, kind)) {
            return;
        }
        if let NamedOrBlankNodeRef::BlankNode(b) = node {
            self.labels
                .entry(node)
                .or_insert_with(|| format!("_:{} ({})", b.as_str(), ctx.path));
        }
        self.stack.push(Task {
            node,
            kind,
            ctx,
            referrer,
        });
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
                Kind::Code(list) => self.check_code(task.node, list, task.referrer, &task.ctx),
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
        // A posted payload may leave the record link out: the container adds it. So may
        // a whole-record file: its statements belong to the record it is imported into.
        let min = if is_belongs_to
            && (self.opts.payload.is_some() || self.opts.record_file().is_some())
        {
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
                let mut shown: Vec<String> = values.iter().map(|v| self.show_value(*v)).collect();
                // Graph order is not stable across parses; messages should be. A node with
                // thousands of values gets a readable message, not all of them.
                shown.sort();
                if shown.len() > MAX_VALUES_SHOWN {
                    shown.truncate(MAX_VALUES_SHOWN);
                    shown.push("…".to_owned());
                }
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
        if let Some(file) = self.opts.record_file() {
            if file.record.is_some() || self.record.is_some() {
                let names_this_record = Some(target) == self.record
                    || matches!(target, NamedOrBlankNodeRef::NamedNode(n) if file.names_record(n.as_str()));
                if !names_this_record {
                    let expected = self.file_record_description(file);
                    let actual = self.label(target);
                    self.report(
                        node,
                        Some(prop),
                        expected,
                        actual,
                        site_for(Rule::BelongsTo, class, prop, ctx),
                    );
                }
                return;
            }
        }
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

    /// What a statement of a whole-record file must belong to, for messages.
    fn file_record_description(&self, file: &RecordFile) -> String {
        match (&file.record, self.record) {
            (Some(id), _) => format!("record {id} (the record the file is imported into)"),
            (None, Some(node)) => format!("the file's record {}", self.label(node)),
            (None, None) => "the file's record".to_owned(),
        }
    }

    /// In a whole-record file imported into a known record, the file's own record node,
    /// if it is an IRI, must name that record.
    fn check_file_record_node(&mut self) {
        let (Some(file), Some(node)) = (self.opts.record_file(), self.record) else {
            return;
        };
        let NamedOrBlankNodeRef::NamedNode(iri) = node else {
            return;
        };
        if file.record.is_none() || file.names_record(iri.as_str()) {
            return;
        }
        let expected = self.file_record_description(file);
        self.report(
            node,
            Some(oxrdf::vocab::rdf::TYPE.as_str()),
            expected,
            format!("the sp:MedicalRecord {}", iri.as_str()),
            Site {
                rule: Rule::BelongsTo,
                class: sp!("MedicalRecord"),
                property: None,
                via: None,
                value_types: &[],
                value: None,
            },
        );
    }

    fn check_unknown_properties(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        props: &[PropertyDef],
    ) {
        let mut seen: HashSet<&'a str> = HashSet::new();
        let out: Vec<&'a str> = self.idx.out(node).iter().map(|(p, _)| p.as_str()).collect();
        for p in out {
            let Some(local) = p.strip_prefix(vocab::SP) else {
                continue;
            };
            if local.is_empty() || props.iter().any(|d| d.iri == p) || !seen.insert(p) {
                continue;
            }
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
