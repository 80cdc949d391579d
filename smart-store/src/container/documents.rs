//! Documents: the list (metadata, or content too), one document (its bytes, or its RDF
//! with metadata or content), and the record's photograph.

use super::call::{CallAnswer, CallRequest};
use super::records::item_answer;
use super::summary::item_etag;
use super::{Container, ServiceError};
use crate::clinical::StatementQuery;
use base64::Engine as _;
use oxrdf::vocab::rdf;
use oxrdf::{BlankNode, Graph, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};
use sha2::Digest as _;
use smart_core::{RecordId, sp};
use smart_rdf::split::{to_public, to_public_iri};

/// `?format=` of the document calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocumentFormat {
    Raw,
    Metadata,
    Combined,
}

fn document_format(
    r: &CallRequest,
    default: DocumentFormat,
) -> Result<DocumentFormat, ServiceError> {
    let mut values = r.query.iter().filter(|(k, _)| k == "format");
    let format = match values.next().map(|(_, v)| v.as_str()) {
        None => default,
        Some("raw") => DocumentFormat::Raw,
        Some("metadata") => DocumentFormat::Metadata,
        Some("combined") => DocumentFormat::Combined,
        Some(other) => {
            return Err(ServiceError::bad_request(format!(
                "format: `{other}` is not one of raw, metadata, combined"
            )));
        }
    };
    if values.next().is_some() {
        return Err(ServiceError::bad_request("format: given more than once"));
    }
    Ok(format)
}

impl Container {
    /// The documents list: metadata (size, SHA-256, location) by default, `combined`
    /// adds the content, `raw` is refused for a list.
    pub(super) async fn documents(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let format = document_format(r, DocumentFormat::Metadata)?;
        if format == DocumentFormat::Raw {
            return Err(ServiceError::bad_request(
                "format=raw is for one document (/documents/{id}); a list takes metadata or combined",
            ));
        }
        let rdf_format = r.format()?;
        let record = r.record_id()?;
        let query = StatementQuery::from_call(r.call, &r.query)?;
        let mut page = self.clinical.query(&record, &query).await?;
        let summary = self.page_summary(r, &query, &page);
        for statement in &page.order {
            self.describe_document(&record, &mut page.graph, statement, format)
                .await?;
        }
        let mut graph = to_public(&page.graph, &self.api_base);
        summary.add_to(&mut graph);
        Ok(CallAnswer::rdf(
            smart_rdf::serialize(&graph, rdf_format),
            rdf_format,
        ))
    }

    /// One document: its bytes (`raw`, the default) or its RDF with metadata or content.
    pub(super) async fn document(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let format = document_format(r, DocumentFormat::Raw)?;
        let record = r.record_id()?;
        let iri = r.storage_iri()?;
        let Some(mut graph) = self.clinical.statement(&record, &iri).await? else {
            return Err(ServiceError::not_found(format!(
                "record {record} has no document at {}",
                r.path
            )));
        };
        if format == DocumentFormat::Raw {
            return self.raw_document(r, &record, &graph, &iri).await;
        }
        let rdf_format = r.format()?;
        self.describe_document(&record, &mut graph, &iri, format)
            .await?;
        let graph = to_public(&graph, &self.api_base);
        let modified = self.record_modified(&record).await;
        let etag = item_etag(&graph, rdf_format);
        Ok(item_answer(
            smart_rdf::serialize(&graph, rdf_format),
            rdf_format,
            etag,
            modified,
        ))
    }

    /// `GET /records/{id}/photograph`: the bytes of the record's photograph.
    pub(super) async fn photograph(&self, r: &CallRequest) -> Result<CallAnswer, ServiceError> {
        let record = r.record_id()?;
        let page = self
            .clinical
            .query(&record, &StatementQuery::all(sp!("Photograph")))
            .await?;
        let Some(iri) = page.order.first() else {
            return Err(ServiceError::not_found(format!(
                "record {record} has no photograph"
            )));
        };
        self.raw_document(r, &record, &page.graph, iri).await
    }

    /// The document's bytes with its stored MIME type.
    async fn raw_document(
        &self,
        r: &CallRequest,
        record: &RecordId,
        graph: &Graph,
        statement: &NamedNode,
    ) -> Result<CallAnswer, ServiceError> {
        let name = file_name(graph, statement).ok_or_else(|| {
            ServiceError::not_found(format!("{} has no sp:fileName, so no content", r.path))
        })?;
        let Some((meta, bytes)) = self.blobs.get(record, &name).await? else {
            return Err(ServiceError::not_found(format!(
                "the content of {name} is not stored on this container"
            )));
        };
        Ok(CallAnswer::Bytes {
            content_type: meta.content_type,
            bytes,
        })
    }

    /// Adds `sp:fileSize`, `sp:resource` (location and SHA-256) and, for `combined`,
    /// `sp:content` to a document statement (storage form).
    async fn describe_document(
        &self,
        record: &RecordId,
        graph: &mut Graph,
        statement: &NamedNode,
        format: DocumentFormat,
    ) -> Result<(), ServiceError> {
        let Some(name) = file_name(graph, statement) else {
            return Ok(());
        };
        let stored = if format == DocumentFormat::Combined {
            self.blobs.get(record, &name).await?
        } else {
            self.blobs
                .meta(record, &name)
                .await?
                .map(|m| (m, Vec::new()))
        };
        let Some((meta, bytes)) = stored else {
            return Ok(());
        };
        let p = |iri: &str| NamedNode::new_unchecked(iri);
        let subject = NamedOrBlankNode::from(statement.clone());
        // Blank nodes named after the statement (not random), so the same document gives the
        // same graph, and so the same ETag, on every request.
        let stem = smart_core::encoding::hex_lower(
            &sha2::Sha256::digest(statement.as_str().as_bytes())[..8],
        );
        let node = |part: &str| {
            NamedOrBlankNode::from(BlankNode::new_unchecked(format!("doc{stem}{part}")))
        };
        let mut add = |s: &NamedOrBlankNode, pred: &str, o: Term| {
            graph.insert(&Triple::new(s.clone(), p(pred), o));
        };
        let size = node("size");
        add(&subject, sp!("fileSize"), Term::from(size.clone()));
        add(
            &size,
            rdf::TYPE.as_str(),
            Term::from(p(sp!("ValueAndUnit"))),
        );
        add(
            &size,
            sp!("value"),
            Term::from(Literal::new_simple_literal(meta.size.to_string())),
        );
        add(
            &size,
            sp!("unit"),
            Term::from(Literal::new_simple_literal("byte")),
        );
        let resource = node("resource");
        add(&subject, sp!("resource"), Term::from(resource.clone()));
        add(
            &resource,
            rdf::TYPE.as_str(),
            Term::from(p(sp!("Resource"))),
        );
        // The model types sp:location as a literal URL, not a node.
        add(
            &resource,
            sp!("location"),
            Term::from(Literal::new_simple_literal(
                to_public_iri(statement, &self.api_base).as_str(),
            )),
        );
        let hash = node("hash");
        add(&resource, sp!("hash"), Term::from(hash.clone()));
        add(&hash, rdf::TYPE.as_str(), Term::from(p(sp!("Hash"))));
        add(
            &hash,
            sp!("algorithm"),
            Term::from(Literal::new_simple_literal("SHA-256")),
        );
        add(
            &hash,
            sp!("value"),
            Term::from(Literal::new_simple_literal(meta.sha256.clone())),
        );
        if format == DocumentFormat::Combined {
            let content = node("content");
            add(&resource, sp!("content"), Term::from(content.clone()));
            add(&content, rdf::TYPE.as_str(), Term::from(p(sp!("Content"))));
            let (encoding, value) = match String::from_utf8(bytes) {
                Ok(text) if meta.content_type.starts_with("text/") => ("UTF-8", text),
                Ok(text) => ("Base64", base64_of(text.as_bytes())),
                Err(e) => ("Base64", base64_of(e.as_bytes())),
            };
            add(
                &content,
                sp!("encoding"),
                Term::from(Literal::new_simple_literal(encoding)),
            );
            add(
                &content,
                sp!("value"),
                Term::from(Literal::new_simple_literal(value)),
            );
        }
        Ok(())
    }
}

/// The `sp:fileName` of a document statement.
fn file_name(graph: &Graph, statement: &NamedNode) -> Option<String> {
    graph
        .object_for_subject_predicate(statement, NamedNodeRef::new_unchecked(sp!("fileName")))
        .and_then(|t| match t {
            oxrdf::TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
}

fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
