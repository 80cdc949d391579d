//! SPARQL results (JSON or XML) → [`Solutions`].

use std::fmt::Write as _;

use oxrdf::{BlankNode, Variable};
use sparesults::{QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput};
use spargebra::Query;
use spargebra::algebra::GraphPattern;

use crate::clinical::engine::Solutions;
use crate::error::{StoreError, StoreResult};

/// The results format of a response, from its `Content-Type` (parameters such as
/// `charset=utf-8` ignored, `application/json` and `text/xml` aliases accepted). Without a
/// content type the body is sniffed, because some stores omit it. CSV and TSV are refused:
/// CSV loses term types, and neither was asked for.
pub(crate) fn results_format(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<QueryResultsFormat, String> {
    let Some(content_type) = content_type.map(str::trim).filter(|c| !c.is_empty()) else {
        return match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Ok(QueryResultsFormat::Json),
            Some(b'<') => Ok(QueryResultsFormat::Xml),
            _ => Err("a response without Content-Type that is neither JSON nor XML".into()),
        };
    };
    match QueryResultsFormat::from_media_type(content_type) {
        Some(format @ (QueryResultsFormat::Json | QueryResultsFormat::Xml)) => Ok(format),
        _ => Err(format!(
            "a response of type {content_type:?} instead of SPARQL JSON or XML results"
        )),
    }
}

/// The projected variables of a SELECT, in order. spargebra's parser always makes the
/// projection explicit (`SELECT *` becomes the in-scope variables, sorted); algebra built by
/// hand may lack it, and then the results' own header decides the order.
pub(crate) fn projection(query: &Query) -> Option<&[Variable]> {
    let Query::Select { pattern, .. } = query else {
        return None;
    };
    let mut pattern = pattern;
    loop {
        match pattern {
            GraphPattern::Project { variables, .. } => return Some(variables),
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner } => pattern = inner,
            _ => return None,
        }
    }
}

/// Parses a SELECT response. `projection` orders the columns; a projected variable missing
/// from the results' header is reported unbound in every row. `endpoint` names the endpoint
/// in error messages. Any parse failure, or a boolean (ASK) answer, is
/// [`Corrupt`](crate::ErrorKind::Corrupt).
pub(crate) fn parse_solutions(
    body: &[u8],
    content_type: Option<&str>,
    projection: Option<&[Variable]>,
    endpoint: &str,
) -> StoreResult<Solutions> {
    let format = results_format(content_type, body)
        .map_err(|what| StoreError::corrupt(format!("SPARQL endpoint {endpoint} sent {what}")))?;
    match parse_as(format, body, projection, endpoint) {
        // Virtuoso labels blank nodes `nodeID://b10000`, which is not a valid blank node
        // label; sparesults refuses it. Relabel and try once more.
        Err(error) => match relabel_blank_nodes(format, body) {
            Some(relabelled) => parse_as(format, &relabelled, projection, endpoint),
            None => Err(error),
        },
        ok => ok,
    }
}

fn parse_as(
    format: QueryResultsFormat,
    body: &[u8],
    projection: Option<&[Variable]>,
    endpoint: &str,
) -> StoreResult<Solutions> {
    let corrupt = |e: sparesults::QueryResultsSyntaxError| {
        StoreError::corrupt(format!(
            "SPARQL endpoint {endpoint} sent unparsable {} results",
            format.name()
        ))
        .with_source(e)
    };
    let parser = match QueryResultsParser::from_format(format)
        .for_slice(body)
        .map_err(corrupt)?
    {
        SliceQueryResultsParserOutput::Solutions(parser) => parser,
        SliceQueryResultsParserOutput::Boolean(_) => {
            return Err(StoreError::corrupt(format!(
                "SPARQL endpoint {endpoint} answered a SELECT with a boolean"
            )));
        }
    };
    let header = parser.variables().to_vec();
    let variables = projection.map_or_else(|| header.clone(), <[Variable]>::to_vec);
    // For each output column, its index in the results' header (if there).
    let columns: Vec<Option<usize>> = variables
        .iter()
        .map(|v| header.iter().position(|h| h == v))
        .collect();
    let mut rows = Vec::new();
    for solution in parser {
        let solution = solution.map_err(corrupt)?;
        let values = solution.values();
        rows.push(
            columns
                .iter()
                .map(|column| column.and_then(|i| values.get(i).cloned().flatten()))
                .collect(),
        );
    }
    Ok(Solutions { variables, rows })
}

/// `body` with every blank node label that is not a valid one replaced by a valid label
/// (deterministic and injective, so equal labels stay equal and different ones different);
/// `None` if there is nothing to replace or the body cannot be read.
fn relabel_blank_nodes(format: QueryResultsFormat, body: &[u8]) -> Option<Vec<u8>> {
    match format {
        QueryResultsFormat::Json => relabel_json(body),
        QueryResultsFormat::Xml => relabel_xml(body),
        _ => None,
    }
}

fn relabel_json(body: &[u8]) -> Option<Vec<u8>> {
    let mut results: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut changed = false;
    let bindings = results
        .get_mut("results")?
        .get_mut("bindings")?
        .as_array_mut()?;
    for binding in bindings {
        for term in binding.as_object_mut()?.values_mut() {
            if term.get("type").and_then(serde_json::Value::as_str) != Some("bnode") {
                continue;
            }
            if let Some(label) = term.get("value").and_then(serde_json::Value::as_str) {
                if BlankNode::new(label).is_err() {
                    let label = valid_label(label);
                    term["value"] = serde_json::Value::String(label);
                    changed = true;
                }
            }
        }
    }
    if !changed {
        return None;
    }
    // Only what sparesults reads, in the order it wants it (serde_json sorts keys, and
    // sparesults refuses anything after the bindings array).
    let rebuilt = serde_json::json!({
        "head": results.get("head")?,
        "results": { "bindings": results.get("results")?.get("bindings")? },
    });
    serde_json::to_vec(&rebuilt).ok()
}

fn relabel_xml(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let (open, close) = ("<bnode>", "</bnode>");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find(open) {
        let label_start = start + open.len();
        let label_len = rest[label_start..].find(close)?;
        let label = &rest[label_start..label_start + label_len];
        out.push_str(&rest[..label_start]);
        if BlankNode::new(label).is_err() {
            out.push_str(&valid_label(label));
            changed = true;
        } else {
            out.push_str(label);
        }
        rest = &rest[label_start + label_len..];
    }
    out.push_str(rest);
    changed.then(|| out.into_bytes())
}

/// A valid blank node label for any string: ASCII letters and digits kept, everything else
/// (`_` included) written as `_{hex}_`, after a letter.
fn valid_label(label: &str) -> String {
    let mut out = String::from("r");
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}_", u32::from(c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use oxrdf::{BlankNode, Literal, NamedNode, Term};

    use spargebra::SparqlParser;

    use super::*;
    use crate::ErrorKind;

    const JSON: &str = r#"{
      "head": { "vars": ["s", "label", "missing"] },
      "results": { "bindings": [
        { "s": { "type": "uri", "value": "http://ex.org/a" },
          "label": { "type": "literal", "value": "caf\u00e9 \"quoted\"\n}", "xml:lang": "fr" } },
        { "s": { "type": "bnode", "value": "b0" },
          "label": { "type": "literal", "value": "42",
                     "datatype": "http://www.w3.org/2001/XMLSchema#integer" } },
        { "label": { "type": "literal", "value": "only a label" } }
      ] }
    }"#;

    const XML: &str = r#"<?xml version="1.0"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#">
      <head><variable name="s"/><variable name="label"/><variable name="missing"/></head>
      <results>
        <result>
          <binding name="s"><uri>http://ex.org/a</uri></binding>
          <binding name="label"><literal xml:lang="fr">café "quoted"
}</literal></binding>
        </result>
        <result>
          <binding name="s"><bnode>b0</bnode></binding>
          <binding name="label"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">42</literal></binding>
        </result>
        <result>
          <binding name="label"><literal>only a label</literal></binding>
        </result>
      </results>
    </sparql>"#;

    fn expected_rows() -> Vec<Vec<Option<Term>>> {
        vec![
            vec![
                Some(NamedNode::new_unchecked("http://ex.org/a").into()),
                Some(
                    Literal::new_language_tagged_literal_unchecked("café \"quoted\"\n}", "fr")
                        .into(),
                ),
                None,
            ],
            vec![
                Some(BlankNode::new_unchecked("b0").into()),
                Some(
                    Literal::new_typed_literal(
                        "42",
                        NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#integer"),
                    )
                    .into(),
                ),
                None,
            ],
            vec![
                None,
                Some(Literal::new_simple_literal("only a label").into()),
                None,
            ],
        ]
    }

    fn vars(names: &[&str]) -> Vec<Variable> {
        names.iter().map(|n| Variable::new_unchecked(*n)).collect()
    }

    #[test]
    fn parses_json_and_xml_alike() {
        for (body, content_type) in [
            (JSON, "application/sparql-results+json"),
            (JSON, "application/sparql-results+json; charset=utf-8"),
            (JSON, "Application/JSON;charset=UTF-8"),
            (XML, "application/sparql-results+xml"),
            (XML, "text/xml; charset=utf-8"),
        ] {
            let solutions =
                parse_solutions(body.as_bytes(), Some(content_type), None, "http://h/q")
                    .unwrap_or_else(|e| panic!("{content_type}: {e}"));
            assert_eq!(solutions.variables, vars(&["s", "label", "missing"]));
            assert_eq!(solutions.rows, expected_rows(), "{content_type}");
        }
    }

    #[test]
    fn sniffs_a_missing_content_type() {
        for body in [JSON, XML] {
            let solutions = parse_solutions(body.as_bytes(), None, None, "e").unwrap();
            assert_eq!(solutions.rows, expected_rows());
        }
        let err = parse_solutions(b"s,label\n", Some(""), None, "e").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Corrupt);
    }

    #[test]
    fn orders_columns_by_projection() {
        let projection = vars(&["label", "absent", "s"]);
        let solutions = parse_solutions(
            JSON.as_bytes(),
            Some("application/json"),
            Some(&projection),
            "e",
        )
        .unwrap();
        assert_eq!(solutions.variables, projection);
        assert_eq!(solutions.column("s"), Some(2));
        let expected = expected_rows();
        for (row, want) in solutions.rows.iter().zip(&expected) {
            assert_eq!(row, &vec![want[1].clone(), None, want[0].clone()]);
        }
    }

    #[test]
    fn refuses_other_formats_and_garbage() {
        let cases: [(&[u8], &str); 6] = [
            (b"s\nhttp://ex.org/a\n", "text/csv"),
            (b"?s\n<http://ex.org/a>\n", "text/tab-separated-values"),
            (b"<html><body>Error</body></html>", "text/html"),
            (
                b"{\"head\": {\"vars\": [\"s\"]}, \"results\": {\"bindings\": [",
                "application/sparql-results+json",
            ),
            (
                b"<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\"><head>",
                "application/sparql-results+xml",
            ),
            (
                b"{\"head\": {}, \"boolean\": true}",
                "application/sparql-results+json",
            ),
        ];
        for (body, content_type) in cases {
            let err = parse_solutions(body, Some(content_type), None, "http://h:1/q")
                .expect_err(content_type);
            assert_eq!(err.kind(), ErrorKind::Corrupt, "{content_type}: {err}");
            assert!(err.message().contains("http://h:1/q"), "{err}");
        }
    }

    #[test]
    fn relabels_virtuoso_blank_nodes() {
        let json = r#"{ "head": { "link": [], "vars": ["s", "o"] },
          "results": { "distinct": false, "ordered": true, "bindings": [
            { "s": { "type": "bnode", "value": "nodeID://b10000" }, "o": { "type": "bnode", "value": "nodeID://b10001" }},
            { "s": { "type": "bnode", "value": "nodeID://b10000" }, "o": { "type": "typed-literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer" }} ] } }"#;
        let xml = r#"<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/><variable name="o"/></head><results>
          <result><binding name="s"><bnode>nodeID://b10000</bnode></binding><binding name="o"><bnode>nodeID://b10001</bnode></binding></result>
          <result><binding name="s"><bnode>nodeID://b10000</bnode></binding><binding name="o"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">1</literal></binding></result>
          </results></sparql>"#;
        for (body, content_type) in [
            (json, "application/sparql-results+json"),
            (xml, "application/sparql-results+xml"),
        ] {
            let solutions =
                parse_solutions(body.as_bytes(), Some(content_type), None, "e").unwrap();
            let [first, second] = solutions.rows.as_slice() else {
                panic!("{solutions:?}")
            };
            let Some(Term::BlankNode(s)) = &first[0] else {
                panic!("{first:?}")
            };
            assert_eq!(s.as_str(), "rnodeID_3a__2f__2f_b10000");
            assert_eq!(first[0], second[0], "same label, same node");
            assert_ne!(first[0], first[1], "different labels, different nodes");
            assert_eq!(
                second[1],
                Some(
                    Literal::new_typed_literal(
                        "1",
                        NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#integer")
                    )
                    .into()
                )
            );
        }
        assert_ne!(valid_label("a_b"), valid_label("a b"));
        assert_ne!(valid_label("a_5f_"), valid_label("a_"));
    }

    #[test]
    fn finds_the_projection() {
        let q = SparqlParser::new()
            .parse_query("SELECT DISTINCT ?b ?a WHERE { ?a ?p ?b } ORDER BY ?a LIMIT 3 OFFSET 1")
            .unwrap();
        assert_eq!(projection(&q), Some(vars(&["b", "a"]).as_slice()));
        let q = SparqlParser::new()
            .parse_query("SELECT (COUNT(*) AS ?n) ?p WHERE { ?s ?p ?o } GROUP BY ?p")
            .unwrap();
        assert_eq!(projection(&q), Some(vars(&["n", "p"]).as_slice()));
        let q = SparqlParser::new()
            .parse_query("SELECT * WHERE { ?s ?p ?o }")
            .unwrap();
        // spargebra makes `*` explicit, sorted by name.
        assert_eq!(projection(&q), Some(vars(&["o", "p", "s"]).as_slice()));
        let q = SparqlParser::new().parse_query("ASK { ?s ?p ?o }").unwrap();
        assert_eq!(projection(&q), None);
    }
}
