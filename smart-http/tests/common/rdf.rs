//! Reading RDF answers: parsing, typed subjects, literals, the `api:ResponseSummary`,
//! RDF lists; and a clinical note to POST.

/// The distinct subjects typed `class` in `graph`.
pub fn typed(graph: &oxrdf::Graph, class: &str) -> Vec<oxrdf::NamedOrBlankNode> {
    let mut out: Vec<oxrdf::NamedOrBlankNode> = graph
        .subjects_for_predicate_object(
            oxrdf::vocab::rdf::TYPE,
            oxrdf::NamedNodeRef::new_unchecked(class),
        )
        .map(|s| s.into_owned())
        .collect();
    out.sort_by_key(ToString::to_string);
    out.dedup();
    out
}

/// The literal value of `subject`'s `predicate`, if any.
pub fn literal(
    graph: &oxrdf::Graph,
    subject: &oxrdf::NamedOrBlankNode,
    predicate: &str,
) -> Option<String> {
    graph
        .objects_for_subject_predicate(subject, oxrdf::NamedNodeRef::new_unchecked(predicate))
        .find_map(|o| match o {
            oxrdf::TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
}

/// The `api:ResponseSummary` of a response graph: (resultsReturned, totalResultCount,
/// resultOrder as IRIs if present, nextPageURL if present). Panics unless there is
/// exactly one.
pub fn summary(graph: &oxrdf::Graph) -> Summary {
    let nodes = typed(graph, "http://smartplatforms.org/terms/api#ResponseSummary");
    assert_eq!(nodes.len(), 1, "one api:ResponseSummary");
    let node = &nodes[0];
    let api = |p: &str| format!("http://smartplatforms.org/terms/api#{p}");
    let int = |p: &str| -> usize {
        literal(graph, node, &api(p))
            .unwrap_or_else(|| panic!("no api:{p}"))
            .parse()
            .unwrap()
    };
    let order = graph
        .object_for_subject_predicate(
            node,
            oxrdf::NamedNodeRef::new_unchecked(&api("resultOrder")),
        )
        .map(|head| rdf_list(graph, head.into_owned()));
    Summary {
        returned: int("resultsReturned"),
        total: int("totalResultCount"),
        processing_ms: int("processingTimeMs"),
        order,
        next: literal(graph, node, &api("nextPageURL")),
    }
}

/// A parsed `api:ResponseSummary`.
#[derive(Debug, Clone)]
pub struct Summary {
    pub returned: usize,
    pub total: usize,
    pub processing_ms: usize,
    pub order: Option<Vec<String>>,
    pub next: Option<String>,
}

/// The IRIs of an RDF collection.
pub fn rdf_list(graph: &oxrdf::Graph, mut head: oxrdf::Term) -> Vec<String> {
    use oxrdf::vocab::rdf;
    let mut out = Vec::new();
    loop {
        let node = match &head {
            oxrdf::Term::NamedNode(n) if n.as_ref() == rdf::NIL => return out,
            oxrdf::Term::NamedNode(n) => oxrdf::NamedOrBlankNode::from(n.clone()),
            oxrdf::Term::BlankNode(b) => oxrdf::NamedOrBlankNode::from(b.clone()),
            other => panic!("not a list node: {other}"),
        };
        match graph.object_for_subject_predicate(&node, rdf::FIRST) {
            Some(oxrdf::TermRef::NamedNode(n)) => out.push(n.as_str().to_owned()),
            other => panic!("list item is not an IRI: {other:?}"),
        }
        head = graph
            .object_for_subject_predicate(&node, rdf::REST)
            .expect("rdf:rest")
            .into_owned();
        assert!(out.len() < 100_000, "cyclic list");
    }
}

/// A 200 RDF/XML response parsed (panics with the body otherwise).
pub async fn rdf_ok(r: reqwest::Response) -> oxrdf::Graph {
    let status = r.status();
    let url = r.url().clone();
    let body = r.bytes().await.unwrap();
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&body));
    parse_rdf(&body)
}

/// Status and text of a response.
pub async fn status_text(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

/// A valid clinical note in RDF/XML, as a SMART client POSTs it (no sp:belongsTo).
pub fn note_rdfxml(text: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:sp="http://smartplatforms.org/terms#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <sp:ClinicalNote>
    <dcterms:date>2012-05-17</dcterms:date>
    <dcterms:title>Telephone note</dcterms:title>
    <dcterms:format>
      <dcterms:MediaTypeOrExtent rdf:about="http://purl.org/NET/mediatypes/text/plain">
        <rdfs:label>text/plain</rdfs:label>
      </dcterms:MediaTypeOrExtent>
    </dcterms:format>
    <sp:resource>
      <sp:Resource>
        <sp:content>
          <sp:Content>
            <sp:encoding>UTF-8</sp:encoding>
            <sp:value>{text}</sp:value>
          </sp:Content>
        </sp:content>
      </sp:Resource>
    </sp:resource>
  </sp:ClinicalNote>
</rdf:RDF>
"#
    )
}

/// Parses an RDF/XML response body.
pub fn parse_rdf(body: &[u8]) -> oxrdf::Graph {
    smart_rdf::parse(body, smart_rdf::RdfFormat::RdfXml, None).unwrap()
}
