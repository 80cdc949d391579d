//! Checks of one value against the range of its property: literal or node, datatype,
//! dates, numbers, allowed values, node types, fixed units, list items and individuals.

use oxrdf::{LiteralRef, NamedOrBlankNodeRef};
use smart_core::model::{self, PropertyDef, Range};
use smart_core::{foaf, sp};

use super::checks::{Ctx, Kind, Validator, find_member, site_for};
use super::finding::Rule;
use super::index::{Node, RDF_FIRST, RDF_NIL, RDF_REST, Value, show_iri, show_literal, show_types};
use super::lenient::Site;
use super::lexical;

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const XSD_ANY_URI: &str = "http://www.w3.org/2001/XMLSchema#anyURI";

/// The values `foaf:gender` may take. The ontology's comment names male and female; the
/// original API Verifier also accepts "undifferentiated" (HL7's third administrative
/// gender), and so do we, so that data the 0.6 tools accepted stays valid.
pub(super) const GENDERS: [&str; 3] = ["male", "female", "undifferentiated"];

/// What a node value is to be checked as.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    /// A node of this class, nested here.
    Check(&'static str),
    /// A statement: a root of its own, checked as such.
    Statement,
    /// An IRI not described in this graph: a reference to something elsewhere (another
    /// statement, a study on the server), with nothing here to check.
    External,
}

impl<'a> Validator<'a, '_> {
    /// Checks one value of a property against the property's range.
    pub(super) fn check_value(
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
                let Some((n, what)) = self.expect_node(node, class, def, value, target, ctx) else {
                    return;
                };
                if let Target::Check(c) = what {
                    let child = ctx.child(class, def.iri);
                    self.push(n, Kind::Class(c), child);
                }
                self.check_fixed_unit(class, def, n, ctx);
            }
            Range::CodedValue(list) => {
                let cv = sp!("CodedValue");
                let Some((n, what)) = self.expect_node(node, class, def, value, cv, ctx) else {
                    return;
                };
                // A coded value must be here to be checked: a reference to one elsewhere
                // is checked as if it were here (and found empty).
                if matches!(what, Target::Check(_) | Target::External) {
                    let child = ctx.child(class, def.iri);
                    self.push(n, Kind::CodedValue(list), child);
                }
            }
            Range::Code(list) => {
                if let Value::Node(n) = value {
                    let child = ctx.child(class, def.iri);
                    self.push_from(n, Kind::Code(list), child, Some(node));
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

    /// A value that must be a node of class `target`: reports a literal or a node of
    /// another type; otherwise says what the node is to be checked as.
    pub(super) fn expect_node(
        &mut self,
        node: Node<'a>,
        class: &'static str,
        def: &PropertyDef,
        value: Value<'a>,
        target: &'static str,
        ctx: &Ctx,
    ) -> Option<(Node<'a>, Target)> {
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
                return Some((n, Target::External));
            }
            if target == sp!("Statement") {
                // An untyped node listed by a record (`sp:hasStatement`): it is already a
                // no-statement-class finding, and the abstract class says nothing more.
                return Some((n, Target::Statement));
            }
            // Untyped: its class is implied by the property's range.
            return Some((n, Target::Check(target)));
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
            return Some((n, Target::Statement));
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
        Some((n, Target::Check(most_specific)))
    }

    pub(super) fn check_fixed_unit(
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

    pub(super) fn check_literal(
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
    pub(super) fn check_images_list(&mut self, node: Node<'a>, class: &'static str, ctx: &Ctx) {
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
