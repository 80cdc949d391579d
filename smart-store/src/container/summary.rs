//! The `api:ResponseSummary` of collection and item answers, its splicing into a cached
//! body, and the ETag of an item.

use super::answer_cache::Answer;
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{BlankNode, Graph, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use sha2::{Digest, Sha256};
use smart_core::api;
use smart_rdf::RdfFormat;
use std::time::Instant;

/// The `api:ResponseSummary` of a collection response.
#[derive(Debug)]
pub(super) struct Summary {
    /// Statements in this response.
    pub(super) returned: usize,
    /// Statements that passed the filters.
    pub(super) total: usize,
    /// The page in order (public IRIs), when paged.
    pub(super) order: Option<Vec<NamedNode>>,
    /// The next page's URL, when there is one.
    pub(super) next_page: Option<String>,
    /// When the request started.
    pub(super) started: Instant,
}

impl Summary {
    /// Adds the summary node to `graph`.
    pub(super) fn add_to(&self, graph: &mut Graph) {
        let node = NamedOrBlankNode::from(BlankNode::default());
        let integer =
            |n: usize| Term::from(Literal::new_typed_literal(n.to_string(), xsd::INTEGER));
        let mut add = |s: &NamedOrBlankNode, p: &str, o: Term| {
            graph.insert(&Triple::new(s.clone(), NamedNode::new_unchecked(p), o));
        };
        add(
            &node,
            rdf::TYPE.as_str(),
            Term::from(NamedNode::new_unchecked(api!("ResponseSummary"))),
        );
        add(&node, api!("resultsReturned"), integer(self.returned));
        add(&node, api!("totalResultCount"), integer(self.total));
        let ms = usize::try_from(self.started.elapsed().as_millis()).unwrap_or(usize::MAX);
        add(&node, api!("processingTimeMs"), integer(ms));
        if let Some(next) = &self.next_page {
            add(
                &node,
                api!("nextPageURL"),
                Term::from(Literal::new_simple_literal(next)),
            );
        }
        if let Some(order) = &self.order {
            // An RDF collection, so clients get the page order back.
            let mut head = Term::from(rdf::NIL.into_owned());
            for iri in order.iter().rev() {
                let cell = BlankNode::default();
                let subject = NamedOrBlankNode::from(cell.clone());
                add(&subject, rdf::FIRST.as_str(), Term::from(iri.clone()));
                add(&subject, rdf::REST.as_str(), head);
                head = Term::from(cell);
            }
            add(&node, api!("resultOrder"), head);
        }
    }
}

/// The body of an answer with its summary written in: the summary is serialized on its
/// own and spliced in before `</rdf:RDF>` (RDF/XML) or appended (N-Triples, Turtle).
/// `None` for JSON-LD, whose document cannot be extended this way.
pub(super) fn with_summary(
    answer: &Answer,
    format: RdfFormat,
    started: Instant,
) -> Option<Vec<u8>> {
    let mut summary = Graph::new();
    Summary {
        returned: answer.returned,
        total: answer.total,
        order: answer.order.clone(),
        next_page: answer.next_page.clone(),
        started,
    }
    .add_to(&mut summary);
    if answer.empty {
        return Some(smart_rdf::serialize(&summary, format));
    }
    match format {
        RdfFormat::RdfXml => {
            let own = smart_rdf::serialize(&summary, RdfFormat::RdfXml);
            let inner = rdf_xml_content(&own)?;
            let body = &answer.body[..];
            let close = find_last(body, b"</rdf:RDF>")?;
            let mut out = Vec::with_capacity(body.len() + inner.len());
            out.extend_from_slice(&body[..close]);
            out.extend_from_slice(inner);
            out.extend_from_slice(&body[close..]);
            Some(out)
        }
        RdfFormat::NTriples | RdfFormat::Turtle => {
            let lines = smart_rdf::serialize(&summary, RdfFormat::NTriples);
            let mut out = answer.body.to_vec();
            if !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            out.extend_from_slice(&lines);
            Some(out)
        }
        _ => None,
    }
}

/// What lies between the root element's start tag and `</rdf:RDF>`.
fn rdf_xml_content(doc: &[u8]) -> Option<&[u8]> {
    let root = find_first(doc, b"<rdf:RDF")?;
    let start = root + find_first(&doc[root..], b">")? + 1;
    let end = find_last(doc, b"</rdf:RDF>")?;
    doc.get(start..end)
}

fn find_first(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The ETag of an item: a digest of its triples (without the summary, whose
/// `processingTimeMs` and fresh blank node differ on every request), sorted, and of the
/// format, so the same data in the same format always gets the same tag.
pub(super) fn item_etag(validator: &Graph, format: RdfFormat) -> String {
    let mut lines: Vec<String> = validator.iter().map(|t| t.to_string()).collect();
    lines.sort_unstable();
    let mut hasher = Sha256::new();
    hasher.update(format.media_type().as_bytes());
    for line in &lines {
        hasher.update(b"\n");
        hasher.update(line.as_bytes());
    }
    let digest = hasher.finalize();
    format!("\"{}\"", smart_core::encoding::hex_lower(&digest[..16]))
}
