//! Reading an RDF/XML response: its root element, its `api:ResponseSummary` nodes, the
//! statements it returns, and the values the filter checks compare.

use std::collections::BTreeSet;

use oxrdf::vocab::{rdf, xsd};
use oxrdf::{Graph, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef};
use smart_core::{api, model, sp};

const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// What is wrong with the document element of an RDF/XML body, if anything: SMART
/// responses are whole RDF/XML documents whose root is `rdf:RDF` (a bare
/// `<rdf:Description>` root is legal RDF/XML but not what SMART clients expect).
pub(crate) fn root_element_problem(body: &[u8]) -> Option<String> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Some("the body is not UTF-8".into());
    };
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    // The prolog: XML declaration, processing instructions, comments, a DOCTYPE.
    loop {
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("<!") {
            rest = skip_doctype(r).trim_start();
        } else {
            break;
        }
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return Some("the body has no root element".into());
    };
    let end = tag.find('>').unwrap_or(tag.len());
    let tag = tag[..end].trim_end_matches('/');
    let name = tag
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or_default();
    let (prefix, local) = name.split_once(':').unwrap_or(("", name));
    let wanted = if prefix.is_empty() {
        "xmlns".to_owned()
    } else {
        format!("xmlns:{prefix}")
    };
    // The namespace must be declared on the root itself: nothing is above it.
    let ns = attribute(tag, &wanted);
    if local == "RDF" && ns.as_deref() == Some(RDF_NS) {
        None
    } else {
        Some(format!(
            "the root element is <{name}> (namespace {}), not rdf:RDF",
            ns.as_deref().unwrap_or("undeclared")
        ))
    }
}

/// Skips a DOCTYPE declaration, internal subset included.
fn skip_doctype(s: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '>' if depth == 0 => return &s[i + 1..],
            _ => {}
        }
    }
    ""
}

/// The value of attribute `name` in the inside of a start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(pos) = rest.find(name) {
        let before_ok = pos == 0 || rest[..pos].ends_with(char::is_whitespace);
        let after = rest[pos + name.len()..].trim_start();
        if let (true, Some(after)) = (before_ok, after.strip_prefix('=')) {
            let after = after.trim_start();
            let quote = after.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &after[1..];
                return value.find(quote).map(|end| value[..end].to_owned());
            }
        }
        rest = &rest[pos + name.len()..];
    }
    None
}

/// One `api:ResponseSummary` node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) results_returned: Option<u64>,
    pub(crate) total_result_count: Option<u64>,
    pub(crate) next_page_url: Option<String>,
    /// `api:resultOrder`, un-listed.
    pub(crate) result_order: Option<Vec<String>>,
    /// What is malformed about it (a count that is no `xsd:integer`, a broken list).
    pub(crate) problems: Vec<String>,
}

/// Takes the response summaries out of a graph: they are paging metadata, not clinical
/// data, and the model validation would report them as stray nodes.
pub(crate) fn take_summaries(graph: &mut Graph) -> Vec<Summary> {
    let nodes: Vec<NamedOrBlankNode> = graph
        .subjects_for_predicate_object(
            rdf::TYPE,
            TermRef::from(oxrdf::NamedNodeRef::new_unchecked(api!("ResponseSummary"))),
        )
        .map(NamedOrBlankNodeRef::into_owned)
        .collect();
    let mut out = Vec::new();
    let mut remove: Vec<NamedOrBlankNode> = Vec::new();
    for node in nodes {
        let mut s = Summary::default();
        s.results_returned = count(graph, &node, api!("resultsReturned"), &mut s.problems);
        s.total_result_count = count(graph, &node, api!("totalResultCount"), &mut s.problems);
        match object(graph, &node, api!("nextPageURL")) {
            Some(Term::Literal(l)) => s.next_page_url = Some(l.value().to_owned()),
            Some(Term::NamedNode(n)) => s.next_page_url = Some(n.as_str().to_owned()),
            Some(other) => s.problems.push(format!("api:nextPageURL is {other}")),
            None => {}
        }
        if let Some(head) = object(graph, &node, api!("resultOrder")) {
            let (items, cells) = unlist(graph, &head);
            match items {
                Ok(items) => s.result_order = Some(items),
                Err(e) => s.problems.push(format!("api:resultOrder: {e}")),
            }
            remove.extend(cells);
        }
        remove.push(node);
        out.push(s);
    }
    for node in remove {
        let triples: Vec<oxrdf::Triple> = graph
            .triples_for_subject(&node)
            .map(oxrdf::TripleRef::into_owned)
            .collect();
        for t in &triples {
            graph.remove(t);
        }
    }
    out
}

fn object(graph: &Graph, node: &NamedOrBlankNode, property: &str) -> Option<Term> {
    graph
        .object_for_subject_predicate(node, oxrdf::NamedNodeRef::new_unchecked(property))
        .map(TermRef::into_owned)
}

fn count(
    graph: &Graph,
    node: &NamedOrBlankNode,
    property: &'static str,
    problems: &mut Vec<String>,
) -> Option<u64> {
    let name = smart_core::vocab::compact(property);
    let values: Vec<Term> = graph
        .objects_for_subject_predicate(node, oxrdf::NamedNodeRef::new_unchecked(property))
        .map(TermRef::into_owned)
        .collect();
    match values.as_slice() {
        [] => {
            problems.push(format!("{name} is missing"));
            None
        }
        [Term::Literal(l)] => {
            if l.datatype() != xsd::INTEGER {
                problems.push(format!(
                    "{name} {:?} is typed <{}>, not xsd:integer",
                    l.value(),
                    l.datatype().as_str()
                ));
            }
            match l.value().parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.push(format!("{name} {:?} is not a count", l.value()));
                    None
                }
            }
        }
        [other] => {
            problems.push(format!("{name} is {other}, not a literal"));
            None
        }
        _ => {
            problems.push(format!("{name} has {} values", values.len()));
            None
        }
    }
}

/// The items of an RDF collection, and its cells (to remove them).
fn unlist(graph: &Graph, head: &Term) -> (Result<Vec<String>, String>, Vec<NamedOrBlankNode>) {
    let mut items = Vec::new();
    let mut cells = Vec::new();
    let mut cursor = head.clone();
    loop {
        let node = match &cursor {
            Term::NamedNode(n) if n.as_ref() == rdf::NIL => return (Ok(items), cells),
            Term::NamedNode(n) => NamedOrBlankNode::from(n.clone()),
            Term::BlankNode(b) => NamedOrBlankNode::from(b.clone()),
            Term::Literal(_) => {
                return (Err("a literal where a list cell should be".into()), cells);
            }
        };
        if cells.contains(&node) || cells.len() > 1_000_000 {
            return (Err("the list loops".into()), cells);
        }
        cells.push(node.clone());
        match object(graph, &node, rdf::FIRST.as_str()) {
            Some(Term::NamedNode(n)) => items.push(n.as_str().to_owned()),
            Some(other) => items.push(other.to_string()),
            None => return (Err("a list cell without rdf:first".into()), cells),
        }
        match object(graph, &node, rdf::REST.as_str()) {
            Some(next) => cursor = next,
            None => return (Err("a list cell without rdf:rest".into()), cells),
        }
    }
}

/// How a node is named in messages and compared: the IRI, or `_:label`.
pub(crate) fn node_key(node: NamedOrBlankNodeRef<'_>) -> String {
    match node {
        NamedOrBlankNodeRef::NamedNode(n) => n.as_str().to_owned(),
        NamedOrBlankNodeRef::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

/// The nodes typed with one of `classes` (or a subclass), keyed by [`node_key`].
pub(crate) fn typed_nodes(graph: &Graph, classes: &[&str]) -> BTreeSet<String> {
    graph
        .triples_for_predicate(rdf::TYPE)
        .filter(|t| match t.object {
            TermRef::NamedNode(c) => classes.iter().any(|k| model::is_subclass_of(c.as_str(), k)),
            _ => false,
        })
        .map(|t| node_key(t.subject))
        .collect()
}

/// Every node typed with a clinical statement class, with that class.
pub(crate) fn statement_nodes(graph: &Graph) -> Vec<(NamedOrBlankNode, &'static str)> {
    let subjects: std::collections::HashSet<NamedOrBlankNode> = graph
        .triples_for_predicate(rdf::TYPE)
        .map(|t| t.subject.into_owned())
        .collect();
    let mut out: Vec<(NamedOrBlankNode, &'static str)> = subjects
        .into_iter()
        .filter_map(|s| {
            let types: Vec<String> = graph
                .objects_for_subject_predicate(&s, rdf::TYPE)
                .filter_map(|o| match o {
                    TermRef::NamedNode(n) => Some(n.as_str().to_owned()),
                    _ => None,
                })
                .collect();
            model::statement_class_of(types.iter().map(String::as_str)).map(|c| (s, c.iri))
        })
        .collect();
    // Messages list statements in a stable order.
    out.sort_by_key(|(s, _)| node_key(s.as_ref()));
    out
}

/// The subject node for a key made by [`node_key`] (IRIs only: blank labels are local to
/// one response).
pub(crate) fn node_for_key(key: &str) -> Option<NamedOrBlankNode> {
    oxrdf::NamedNode::new(key).ok().map(NamedOrBlankNode::from)
}

/// The `sp:belongsTo` values of a node.
pub(crate) fn belongs_to(graph: &Graph, node: &NamedOrBlankNode) -> Vec<String> {
    graph
        .objects_for_subject_predicate(node, oxrdf::NamedNodeRef::new_unchecked(sp!("belongsTo")))
        .map(|o| match o {
            TermRef::NamedNode(n) => n.as_str().to_owned(),
            other => other.to_string(),
        })
        .collect()
}

/// The literal values of `property` on a node.
pub(crate) fn literal_values(
    graph: &Graph,
    node: &NamedOrBlankNode,
    property: &str,
) -> Vec<String> {
    graph
        .objects_for_subject_predicate(node, oxrdf::NamedNodeRef::new_unchecked(property))
        .filter_map(|o| match o {
            TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
        .collect()
}

/// The IRIs reached from `node` along `path` (e.g. `sp:drugName`, `sp:code`).
pub(crate) fn iris_at(graph: &Graph, node: &NamedOrBlankNode, path: &[&str]) -> BTreeSet<String> {
    let mut frontier = vec![node.clone()];
    for (i, p) in path.iter().enumerate() {
        let mut next = Vec::new();
        for n in &frontier {
            for o in graph.objects_for_subject_predicate(n, oxrdf::NamedNodeRef::new_unchecked(p)) {
                match o {
                    TermRef::NamedNode(x) => next.push(NamedOrBlankNode::from(x.into_owned())),
                    TermRef::BlankNode(x) if i + 1 < path.len() => {
                        next.push(NamedOrBlankNode::from(x.into_owned()));
                    }
                    _ => {}
                }
            }
        }
        frontier = next;
    }
    frontier
        .into_iter()
        .filter_map(|n| match n {
            NamedOrBlankNode::NamedNode(n) => Some(n.into_string()),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .collect()
}

/// A date of variable precision (`2011`, `2011-06`, `2011-06-12`, `2011-06-12T18:30Z`) cut
/// to day precision and padded to a whole day: the lower end of the interval it covers, or
/// the upper. Comparing days avoids guessing how a container pads times and offsets, which
/// the spec leaves open.
pub(crate) fn day(value: &str, upper: bool) -> String {
    let template = if upper { "2999-12-31" } else { "1900-01-01" };
    let v: String = value.trim().chars().take(10).collect();
    if v.len() >= template.len() {
        return v;
    }
    // A month with no day: its upper end is the month's last day, which may be short of
    // 31; for comparisons with whole days that never matters except on the 29th-31st.
    format!("{v}{}", &template[v.len()..])
}

/// True for a whole-day W3C date or date-time: `2011-06-12`, `2011-06-12T18:30Z`,
/// `2011-06-12T18:30:05.25+02:00`, `2011-06-12T18:30:05` (local time).
pub(crate) fn is_w3c_date(value: &str) -> bool {
    fn digits(s: &str, n: usize) -> bool {
        s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
    }
    let (date, time) = value.split_once('T').unwrap_or((value, ""));
    let mut parts = date.split('-');
    let ok_date = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(y), Some(m), Some(d), None) if digits(y, 4) && digits(m, 2) && digits(d, 2)
    );
    if !ok_date || (time.is_empty() && value.contains('T')) {
        return false;
    }
    if time.is_empty() {
        return true;
    }
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || zone
            .get(1..)
            .and_then(|z| z.split_once(':'))
            .is_some_and(|(h, m)| digits(h, 2) && digits(m, 2));
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let mut f = hms.split(':');
    let clock_ok = match (f.next(), f.next(), f.next(), f.next()) {
        (Some(h), Some(m), None, None) => digits(h, 2) && digits(m, 2),
        (Some(h), Some(m), Some(sec), None) => digits(h, 2) && digits(m, 2) && digits(sec, 2),
        _ => false,
    };
    let fraction_ok = !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit());
    zone_ok && clock_ok && fraction_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_element() {
        let ok = br#"<?xml version="1.0"?>
<!-- x --><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>"#;
        assert_eq!(root_element_problem(ok), None);
        let default_ns = br#"<RDF xmlns="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></RDF>"#;
        assert_eq!(root_element_problem(default_ns), None);
        let desc = br#"<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>"#;
        assert!(
            root_element_problem(desc)
                .unwrap()
                .contains("rdf:Description")
        );
        let other_ns = br#"<rdf:RDF xmlns:rdf="http://example.org/"/>"#;
        assert!(root_element_problem(other_ns).is_some());
        assert!(root_element_problem(b"").is_some());
    }

    #[test]
    fn summaries_are_read_and_removed() {
        let ttl = br#"@prefix api: <http://smartplatforms.org/terms/api#> .
@prefix sp: <http://smartplatforms.org/terms#> .
<http://x/records/1/problems/a> a sp:Problem .
[] a api:ResponseSummary ; api:resultsReturned 1 ; api:totalResultCount "2" ;
   api:nextPageURL "http://x/records/1/problems/?limit=1&offset=1" ;
   api:resultOrder ( <http://x/records/1/problems/a> ) .
"#;
        let mut g = smart_rdf::parse(ttl, smart_rdf::RdfFormat::Turtle, None).unwrap();
        let s = take_summaries(&mut g);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].results_returned, Some(1));
        assert_eq!(s[0].total_result_count, Some(2));
        assert_eq!(s[0].problems.len(), 1, "{:?}", s[0].problems);
        assert_eq!(
            s[0].result_order.as_deref(),
            Some(&["http://x/records/1/problems/a".to_owned()][..])
        );
        assert_eq!(g.len(), 1, "only the problem's type is left");
    }

    #[test]
    fn w3c_dates() {
        for ok in [
            "2011-06-12",
            "2011-06-12T18:30Z",
            "2011-06-12T18:30:05.25+02:00",
            "2011-06-12T18:30:05",
            "2006-05-24T12:14:01.3421Z",
        ] {
            assert!(is_w3c_date(ok), "{ok}");
        }
        for bad in [
            "2011",
            "2011-06",
            "2006-05-24T12:14:041.3421Z",
            "2011-06-12T",
            "2011-6-12",
        ] {
            assert!(!is_w3c_date(bad), "{bad}");
        }
    }

    #[test]
    fn days_pad_partial_dates() {
        assert_eq!(day("2011", false), "2011-01-01");
        assert_eq!(day("2011", true), "2011-12-31");
        assert_eq!(day("2011-06", true), "2011-06-31");
        assert_eq!(day("2011-06-12T18:30Z", true), "2011-06-12");
    }
}
