//! Checks of code nodes against their code list: typing, code-system namespace, identity
//! (`sp:system` + `dcterms:identifier` = IRI) and, for closed lists, membership and title.

use oxrdf::NamedOrBlankNodeRef;
use smart_core::model::{self, CodeList};
use smart_core::{dcterms, sp};

use super::checks::{Ctx, Kind, Validator, find_member, site_for};
use super::finding::Rule;
use super::index::{Node, show_iri, show_types};
use super::lenient::Site;

/// How many member identifiers a "not in list" message shows before eliding.
const MEMBERS_SHOWN: usize = 8;

impl<'a> Validator<'a, '_> {
    /// Checks a code node that must belong to `list`. Findings about which code it is
    /// (system, membership) are reported on `referrer`'s `sp:code` when there is one, so
    /// that they name the statement; findings about the code's own triples on the code.
    pub(super) fn check_code(
        &mut self,
        node: Node<'a>,
        list_iri: &'static str,
        referrer: Option<Node<'a>>,
        ctx: &Ctx,
    ) {
        let (at, at_property) = match referrer {
            Some(r) => (r, Some(sp!("code"))),
            None => (node, None),
        };
        let types = self.idx.types(node).to_vec();
        let site = |rule| site_for(rule, list_iri, sp!("code"), ctx);
        if !self.idx.is_described(node) {
            // One finding rather than a missing type, identifier, title and system.
            self.report(
                node,
                None,
                format!(
                    "a code described in the graph (sp:Code, {}, dcterms:identifier, dcterms:title, sp:system)",
                    show_iri(list_iri)
                ),
                "no triples about it in the graph".to_owned(),
                site(Rule::CodeType),
            );
            return;
        }
        // The generic part (identifier, title and system, each exactly once) is queued
        // once per node, whatever lists it is checked against.
        self.push(node, Kind::Class(sp!("Code")), ctx.clone());
        let has_code_type = types.contains(&sp!("Code"));
        let has_list_type = types.iter().any(|t| self.sub(t, list_iri));
        if !(has_code_type && has_list_type) {
            self.report(
                node,
                Some(oxrdf::vocab::rdf::TYPE.as_str()),
                format!("sp:Code and {} (or a subclass)", show_iri(list_iri)),
                show_types(&types),
                Site {
                    value_types: &types,
                    ..site_for(Rule::CodeType, list_iri, sp!("code"), ctx)
                },
            );
        }
        let Some(list) = model::code_list(list_iri) else {
            return;
        };
        let iri = match node {
            NamedOrBlankNodeRef::NamedNode(n) => n.as_str(),
            NamedOrBlankNodeRef::BlankNode(_) => {
                self.report(
                    at,
                    at_property,
                    format!("a code IRI of {}", system_phrase(list)),
                    "a blank node".to_owned(),
                    site(Rule::CodeSystem),
                );
                return;
            }
        };
        if let Some(system) = effective_system(list) {
            if !iri.starts_with(system) {
                let other = match model::code_system_of(iri) {
                    Some(s) => format!("{iri} ({})", s.name),
                    None => format!("{iri} (no known code system)"),
                };
                self.report(
                    at,
                    at_property,
                    format!("a code of {}", system_phrase(list)),
                    other,
                    Site {
                        value: Some(iri),
                        ..site(Rule::CodeSystem)
                    },
                );
                return;
            }
        }
        self.check_code_identity(node, iri, list, ctx);
        if list.is_closed() {
            self.check_member(node, iri, list, (at, at_property), ctx);
        }
    }

    /// `sp:system` followed by `dcterms:identifier` must spell the code's IRI.
    fn check_code_identity(
        &mut self,
        node: Node<'a>,
        iri: &str,
        list: &'static CodeList,
        ctx: &Ctx,
    ) {
        let systems = self.idx.literal_values(node, sp!("system"));
        let identifiers = self.idx.literal_values(node, dcterms!("identifier"));
        // Missing or repeated values are cardinality findings already.
        let ([system], [identifier]) = (systems.as_slice(), identifiers.as_slice()) else {
            return;
        };
        let spelled = format!("{system}{identifier}");
        if spelled != iri {
            self.report(
                node,
                Some(sp!("system")),
                format!("sp:system + dcterms:identifier = the code IRI {iri}"),
                format!("{system:?} + {identifier:?} = {spelled}"),
                Site {
                    value: Some(system),
                    ..site_for(Rule::CodeIdentity, list.iri, sp!("system"), ctx)
                },
            );
        }
    }

    /// For a closed list: the IRI is a member, and the identifier and title match it
    /// (case-insensitively, as the original verifier compared them).
    fn check_member(
        &mut self,
        node: Node<'a>,
        iri: &str,
        list: &'static CodeList,
        (at, at_property): (Node<'a>, Option<&'static str>),
        ctx: &Ctx,
    ) {
        let Some(member) = find_member(list, iri) else {
            self.report(
                at,
                at_property,
                members_phrase(list),
                iri.to_owned(),
                Site {
                    value: Some(iri),
                    ..site_for(Rule::CodeNotInList, list.iri, sp!("code"), ctx)
                },
            );
            return;
        };
        for identifier in self.idx.literal_values(node, dcterms!("identifier")) {
            if !identifier.eq_ignore_ascii_case(member.identifier) {
                self.report(
                    node,
                    Some(dcterms!("identifier")),
                    format!("identifier {:?} of {}", member.identifier, member.iri),
                    format!("identifier {identifier:?}"),
                    Site {
                        value: Some(identifier),
                        ..site_for(Rule::CodeIdentity, list.iri, dcterms!("identifier"), ctx)
                    },
                );
            }
        }
        for title in self.idx.literal_values(node, dcterms!("title")) {
            if !titles_match(title, member.title) {
                self.report(
                    node,
                    Some(dcterms!("title")),
                    format!(
                        "title {:?} (the {} title of {})",
                        member.title,
                        show_iri(list.iri),
                        member.identifier
                    ),
                    format!("title {title:?}"),
                    Site {
                        value: Some(title),
                        ..site_for(Rule::CodeTitle, list.iri, dcterms!("title"), ctx)
                    },
                );
            }
        }
    }
}

/// Unicode-aware case-insensitive comparison (titles are not all ASCII).
fn titles_match(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// The system namespace of a list, inherited from its parent lists when it has none.
fn effective_system(list: &'static CodeList) -> Option<&'static str> {
    let mut current = Some(list);
    // Bounded: a parent chain longer than the table would be a cycle in the table.
    for _ in 0..=model::CODE_LISTS.len() {
        let l = current?;
        if let Some(s) = l.system {
            return Some(s);
        }
        current = model::code_list(l.parent);
    }
    None
}

fn system_phrase(list: &'static CodeList) -> String {
    match effective_system(list) {
        Some(system) => {
            let name = model::code_system_of(system)
                .map(|s| format!("{} ", s.name))
                .unwrap_or_default();
            format!("{} ({name}{system})", show_iri(list.iri))
        }
        None => show_iri(list.iri),
    }
}

/// "one of the N codes of spcode:X (a, b, …)".
pub(super) fn members_phrase(list: &'static CodeList) -> String {
    let mut ids: Vec<&str> = list
        .members
        .iter()
        .take(MEMBERS_SHOWN)
        .map(|m| m.identifier)
        .collect();
    if list.members.len() > MEMBERS_SHOWN {
        ids.push("…");
    }
    format!(
        "one of the {} codes of {} ({})",
        list.members.len(),
        show_iri(list.iri),
        ids.join(", ")
    )
}
