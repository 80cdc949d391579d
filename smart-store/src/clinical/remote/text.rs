//! Algebra → request text. Everything is spargebra's own `Display` except the templates of
//! `DELETE { … } INSERT { … } WHERE { … }`, where spargebra writes `GRAPH ?g { … } .`: the
//! dot after a `GRAPH` block is optional in SPARQL 1.1 (`Quads ::= TriplesTemplate?
//! (QuadsNotTriples '.'? TriplesTemplate?)*`), and Virtuoso 7.2 refuses it ("syntax error at
//! '.'"). Those templates are written here without it. Terms are still written by their own
//! `Display` (quoted and escaped by oxrdf/spargebra), so nothing about injection safety
//! changes.
//!
//! With [`SparqlDialect::Virtuoso`], graph patterns are also rewritten (into equivalent
//! algebra) around a Virtuoso 7.2 bug: a `UNION` with a branch that is only a `VALUES` block
//! returns nothing at all. Such a branch becomes a `UNION` of `BIND`s, one per row.

use std::fmt::Write as _;

use spargebra::algebra::{Expression, GraphPattern};
use spargebra::term::GroundTerm;
use spargebra::term::{
    GraphName, GraphNamePattern, GroundQuadPattern, NamedNodePattern, NamedOrBlankNode, Quad,
    QuadPattern, Term, TermPattern,
};
use spargebra::{GraphUpdateOperation, Query, Update};

use super::config::SparqlDialect;

/// The text of a query.
pub(crate) fn query_text(query: &Query, dialect: SparqlDialect) -> String {
    match (dialect, query) {
        (
            SparqlDialect::Virtuoso,
            Query::Select {
                dataset,
                pattern,
                base_iri,
            },
        ) => Query::Select {
            dataset: dataset.clone(),
            pattern: for_virtuoso(pattern),
            base_iri: base_iri.clone(),
        }
        .to_string(),
        _ => query.to_string(),
    }
}

/// `pattern` with every `UNION` branch that is only a `VALUES` block written as `BIND`s.
fn for_virtuoso(pattern: &GraphPattern) -> GraphPattern {
    let mut pattern = pattern.clone();
    rewrite_values_in_unions(&mut pattern);
    pattern
}

fn rewrite_values_in_unions(pattern: &mut GraphPattern) {
    match pattern {
        GraphPattern::Union { left, right } => {
            for side in [left, right] {
                if let GraphPattern::Values {
                    variables,
                    bindings,
                } = &**side
                {
                    if !bindings.is_empty() {
                        **side = values_as_binds(variables, bindings);
                    }
                } else {
                    rewrite_values_in_unions(side);
                }
            }
        }
        GraphPattern::Join { left, right }
        | GraphPattern::LeftJoin { left, right, .. }
        | GraphPattern::Minus { left, right } => {
            rewrite_values_in_unions(left);
            rewrite_values_in_unions(right);
        }
        GraphPattern::Filter { inner, .. }
        | GraphPattern::Graph { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Group { inner, .. }
        | GraphPattern::Service { inner, .. } => rewrite_values_in_unions(inner),
        // Leaves (and patterns inside expressions, e.g. EXISTS, which are left alone).
        _ => {}
    }
}

/// `VALUES (?a ?b) { (x y) (z UNDEF) }` as `{ BIND(x AS ?a) BIND(y AS ?b) } UNION
/// { BIND(z AS ?a) }`: the same solutions (`bindings` must not be empty).
fn values_as_binds(
    variables: &[spargebra::term::Variable],
    bindings: &[Vec<Option<GroundTerm>>],
) -> GraphPattern {
    let rows = bindings.iter().map(|row| {
        let mut pattern = GraphPattern::Bgp {
            patterns: Vec::new(),
        };
        for (variable, value) in variables.iter().zip(row) {
            if let Some(value) = value {
                pattern = GraphPattern::Extend {
                    inner: Box::new(pattern),
                    variable: variable.clone(),
                    expression: match value {
                        GroundTerm::NamedNode(n) => Expression::NamedNode(n.clone()),
                        GroundTerm::Literal(l) => Expression::Literal(l.clone()),
                    },
                };
            }
        }
        pattern
    });
    rows.reduce(|left, right| GraphPattern::Union {
        left: Box::new(left),
        right: Box::new(right),
    })
    .unwrap_or(GraphPattern::Values {
        variables: variables.to_vec(),
        bindings: Vec::new(),
    })
}

/// The text of an update, operations separated by `;`, as one request.
pub(crate) fn update_text(update: &Update, dialect: SparqlDialect) -> String {
    let mut text = String::new();
    if let Some(base_iri) = &update.base_iri {
        let _ = writeln!(text, "BASE <{base_iri}>");
    }
    for operation in &update.operations {
        match operation {
            GraphUpdateOperation::DeleteInsert {
                delete,
                insert,
                using,
                pattern,
            } => {
                if !delete.is_empty() {
                    text.push_str("DELETE {\n");
                    for quad in delete {
                        write_ground_quad(&mut text, quad);
                    }
                    text.push_str("}\n");
                }
                if !insert.is_empty() {
                    text.push_str("INSERT {\n");
                    for quad in insert {
                        write_quad(&mut text, quad);
                    }
                    text.push_str("}\n");
                }
                if let Some(using) = using {
                    for graph in &using.default {
                        let _ = writeln!(text, "USING {graph}");
                    }
                    for graph in using.named.iter().flatten() {
                        let _ = writeln!(text, "USING NAMED {graph}");
                    }
                }
                // spargebra's own update writer puts the pattern in the same root form as
                // a query's (`SELECT * WHERE { … }` unless it is a plain pattern).
                let root = Query::Select {
                    dataset: None,
                    pattern: match dialect {
                        SparqlDialect::Virtuoso => for_virtuoso(pattern),
                        _ => (**pattern).clone(),
                    },
                    base_iri: None,
                };
                let _ = write!(text, "WHERE {{ {root} }}");
            }
            // Virtuoso 7.2 refuses blank nodes in INSERT DATA ("not allowed in a constant
            // clause"). `INSERT { … } WHERE {}` inserts the same quads with fresh blank nodes,
            // exactly what INSERT DATA means; used only when there are blank nodes.
            GraphUpdateOperation::InsertData { data } if data.iter().any(has_blank_node) => {
                text.push_str("INSERT {\n");
                for quad in data {
                    write_quad(&mut text, &quad_pattern(quad));
                }
                text.push_str("}\nWHERE { }");
            }
            other => {
                let _ = write!(text, "{other}");
            }
        }
        text.push_str(" ;\n");
    }
    text
}

fn has_blank_node(quad: &Quad) -> bool {
    matches!(quad.subject, NamedOrBlankNode::BlankNode(_))
        || matches!(quad.object, Term::BlankNode(_))
}

/// The same quad as a template pattern.
fn quad_pattern(quad: &Quad) -> QuadPattern {
    QuadPattern {
        subject: match &quad.subject {
            NamedOrBlankNode::NamedNode(n) => TermPattern::NamedNode(n.clone()),
            NamedOrBlankNode::BlankNode(b) => TermPattern::BlankNode(b.clone()),
        },
        predicate: NamedNodePattern::NamedNode(quad.predicate.clone()),
        object: match &quad.object {
            Term::NamedNode(n) => TermPattern::NamedNode(n.clone()),
            Term::BlankNode(b) => TermPattern::BlankNode(b.clone()),
            Term::Literal(l) => TermPattern::Literal(l.clone()),
        },
        graph_name: match &quad.graph_name {
            GraphName::NamedNode(n) => GraphNamePattern::NamedNode(n.clone()),
            GraphName::DefaultGraph => GraphNamePattern::DefaultGraph,
        },
    }
}

fn write_quad(text: &mut String, quad: &QuadPattern) {
    let QuadPattern {
        subject,
        predicate,
        object,
        graph_name,
    } = quad;
    if *graph_name == GraphNamePattern::DefaultGraph {
        let _ = writeln!(text, "\t{subject} {predicate} {object} .");
    } else {
        let _ = writeln!(
            text,
            "\tGRAPH {graph_name} {{ {subject} {predicate} {object} }}"
        );
    }
}

fn write_ground_quad(text: &mut String, quad: &GroundQuadPattern) {
    let GroundQuadPattern {
        subject,
        predicate,
        object,
        graph_name,
    } = quad;
    if *graph_name == GraphNamePattern::DefaultGraph {
        let _ = writeln!(text, "\t{subject} {predicate} {object} .");
    } else {
        let _ = writeln!(
            text,
            "\tGRAPH {graph_name} {{ {subject} {predicate} {object} }}"
        );
    }
}

#[cfg(test)]
mod tests {
    use spargebra::SparqlParser;

    use super::*;

    fn round_trip(text: &str) -> (Update, String) {
        let update = SparqlParser::new().parse_update(text).unwrap();
        let written = update_text(&update, SparqlDialect::Standard);
        let reparsed = SparqlParser::new()
            .parse_update(&written)
            .unwrap_or_else(|e| panic!("{e}\n{written}"));
        // The same algebra as spargebra's own text gives (both wrap a WHERE pattern in
        // `SELECT *`, so neither is identical to the original algebra).
        let theirs = SparqlParser::new()
            .parse_update(&update.to_string())
            .unwrap();
        assert_eq!(reparsed, theirs, "{written}");
        (update, written)
    }

    #[test]
    fn graph_templates_have_no_dot_after_the_block() {
        let (_, written) = round_trip(
            "DELETE { GRAPH ?g { ?s ?p ?o } ?s <x:p> \"a } . b\" } \
             INSERT { GRAPH <x:g> { ?s <x:p> \"\\\" } .\" } } \
             USING <x:u> USING NAMED <x:n> \
             WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?o != \"x\") }",
        );
        assert!(
            !written
                .lines()
                .any(|l| l.starts_with("\tGRAPH") && l.ends_with('.')),
            "{written}"
        );
        assert!(written.contains("GRAPH ?g { ?s ?p ?o }\n"), "{written}");
    }

    #[test]
    fn insert_data_with_blank_nodes_becomes_insert_where() {
        let text =
            "INSERT DATA { GRAPH <x:g> { _:a <x:p> \"v\" . _:a <x:q> _:b } <x:s> <x:p> _:b }";
        let update = SparqlParser::new().parse_update(text).unwrap();
        let written = update_text(&update, SparqlDialect::Standard);
        assert!(written.starts_with("INSERT {\n"), "{written}");
        assert!(written.contains("WHERE { }"), "{written}");
        let reparsed = SparqlParser::new().parse_update(&written).unwrap();
        let GraphUpdateOperation::DeleteInsert { insert, delete, .. } = &reparsed.operations[0]
        else {
            panic!("{reparsed:?}");
        };
        assert!(delete.is_empty());
        let GraphUpdateOperation::InsertData { data } = &update.operations[0] else {
            panic!()
        };
        let expected: Vec<QuadPattern> = data.iter().map(quad_pattern).collect();
        assert_eq!(insert, &expected);
        // Without blank nodes, INSERT DATA stays.
        let plain = SparqlParser::new()
            .parse_update("INSERT DATA { GRAPH <x:g> { <x:s> <x:p> \"v\" } }")
            .unwrap();
        assert_eq!(
            update_text(&plain, SparqlDialect::Standard),
            plain.to_string()
        );
    }

    #[test]
    fn virtuoso_gets_values_only_union_branches_as_binds() {
        let query = SparqlParser::new()
            .parse_query(
                "SELECT ?g WHERE { GRAPH <x:r> { ?g <x:p> ?o } \
                 { { VALUES (?g ?h) { (<x:a> \"1\") (<x:b> UNDEF) } } UNION { VALUES ?g { <x:c> } } } \
                 { { VALUES ?k { <x:k> } } UNION { ?k <x:q> ?g } } }",
            )
            .unwrap();
        let standard = query_text(&query, SparqlDialect::Standard);
        assert_eq!(standard, query.to_string());
        let virtuoso = query_text(&query, SparqlDialect::Virtuoso);
        assert!(!virtuoso.contains("VALUES"), "{virtuoso}");
        assert!(virtuoso.contains("BIND(<x:b> AS ?g)"), "{virtuoso}");
        // Same answers: evaluate both on a tiny dataset.
        let store = oxigraph::store::Store::new().unwrap();
        store
            .load_from_slice(
                oxigraph::io::RdfFormat::TriG,
                "<x:r> { <x:a> <x:p> 1 . <x:b> <x:p> 2 . <x:c> <x:p> 3 . <x:d> <x:p> 4 . } \
                 <x:k> <x:q> <x:d> .",
            )
            .unwrap();
        let answers = |text: &str| {
            let mut rows: Vec<String> = match oxigraph::sparql::SparqlEvaluator::new()
                .parse_query(text)
                .unwrap()
                .on_store(&store)
                .execute()
                .unwrap()
            {
                oxigraph::sparql::QueryResults::Solutions(solutions) => solutions
                    .map(|s| format!("{:?}", s.unwrap().get("g")))
                    .collect(),
                _ => panic!(),
            };
            rows.sort();
            rows
        };
        let expected = answers(&standard);
        assert_eq!(expected.len(), 3, "{expected:?}");
        assert_eq!(answers(&virtuoso), expected);
    }

    #[test]
    fn other_operations_are_spargebra_s() {
        for text in [
            "INSERT DATA { GRAPH <x:g> { <x:s> <x:p> \"}\" } <x:s> <x:p> <x:o> }",
            "DELETE DATA { GRAPH <x:g> { <x:s> <x:p> \"v\"@en } }",
            "DROP SILENT GRAPH <x:g> ; CREATE GRAPH <x:h> ; CLEAR ALL ; LOAD <http://e/x> INTO GRAPH <x:g>",
            "DELETE WHERE { GRAPH <x:g> { ?s ?p ?o } }",
            "BASE <http://ex.org/> INSERT { <s> <p> ?o } WHERE { SELECT ?o WHERE { ?a <q> ?o } LIMIT 2 }",
        ] {
            let (update, written) = round_trip(text);
            // Apart from DELETE/INSERT templates, the text is spargebra's.
            if !update.operations.iter().any(|o| {
                matches!(o, GraphUpdateOperation::DeleteInsert { delete, insert, .. }
                    if !delete.is_empty() || !insert.is_empty())
            }) {
                assert_eq!(written, update.to_string());
            }
        }
    }
}
