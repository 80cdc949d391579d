//! The clinical-note pipeline of `POST /records/{id}/clinical_notes/`: parse, validate
//! (only ClinicalNote statements of this record), split, mint statement ids, store
//! atomically, bump the record's modification time; the answer is the stored graph.

use super::call::{CallAnswer, CallRequest};
use super::{Container, ServiceError};
use crate::directory::Timestamp;
use oxrdf::Graph;
use smart_core::sp;
use smart_rdf::RdfFormat;
use smart_rdf::split::{to_public, to_storage};
use smart_rdf::validate::{PayloadRules, ValidationOptions};

impl Container {
    /// Stores a clinical note; nothing is written unless all of it is valid.
    pub(super) async fn post_clinical_note(
        &self,
        r: &CallRequest,
    ) -> Result<CallAnswer, ServiceError> {
        let record = r.record_id()?;
        let reply_format = r.format()?;
        let format = match r.media_type("application/rdf+xml").as_str() {
            "application/xml" | "text/xml" => RdfFormat::RdfXml,
            // smart-rdf reads `text/plain` as N-Triples (the old W3C test-suite alias), but
            // a note POSTed as text/plain is prose, not RDF: refuse it rather than report
            // N-Triples syntax errors about a sentence.
            "text/plain" => {
                return Err(ServiceError::unsupported_media_type(
                    "Content-Type text/plain is not RDF; send application/rdf+xml, text/turtle, application/n-triples or application/ld+json",
                ));
            }
            other => RdfFormat::from_media_type(other).ok_or_else(|| {
                ServiceError::unsupported_media_type(format!(
                    "Content-Type {other} is not RDF; send application/rdf+xml, text/turtle, application/n-triples or application/ld+json"
                ))
            })?,
        };
        let base = &self.api_base;
        let parsed = smart_rdf::parse(&r.body, format, Some(base.as_str())).map_err(|e| {
            ServiceError::bad_request(format!("the body is not valid {}: {e}", format.name()))
        })?;
        let graph = to_storage(&parsed, base);
        let record_iri = smart_rdf::split::record_iri(&record);
        let options = ValidationOptions::strict().with_payload(
            PayloadRules::allowing(&[sp!("ClinicalNote")]).for_record(record_iri.as_str()),
        );
        let report = smart_rdf::validate::validate(&graph, &options);
        if !report.is_valid() {
            let problems: Vec<String> = report.errors().take(10).map(ToString::to_string).collect();
            return Err(ServiceError::bad_request(format!(
                "the clinical note is not valid ({} errors): {}",
                report.error_count(),
                problems.join("; ")
            )));
        }
        let rng = smart_auth::OsRandom::new();
        let mut no_randomness = None;
        let split = smart_rdf::split::mint_for_post(&graph, &record, |_| {
            smart_auth::random_string(&rng, 16).unwrap_or_else(|e| {
                no_randomness = Some(e);
                String::new()
            })
        })
        .map_err(|e| ServiceError::bad_request(format!("the clinical note: {e}")))?;
        if let Some(e) = no_randomness {
            return Err(ServiceError::internal(format!("statement ids: {e}")));
        }
        if split.statements.is_empty() {
            return Err(ServiceError::bad_request(
                "the body holds no sp:ClinicalNote statement",
            ));
        }
        self.clinical
            .add_statements(&record, &split.statements)
            .await?;
        // The registry's `updated_at` is the record's Last-Modified: bump it, keeping the
        // label. The note is stored already, so a failure here is logged, not returned.
        let bumped = match self.directory.get_record(&record).await {
            Ok(entry) => {
                let label = entry.map(|e| e.label).unwrap_or_default();
                self.directory
                    .upsert_record(&record, &label, Timestamp::now())
                    .await
                    .map(drop)
            }
            Err(e) => Err(e),
        };
        if let Err(e) = bumped {
            tracing::warn!(%record, error = %e, "could not update the record's modification time");
        }
        let mut stored = Graph::new();
        for statement in &split.statements {
            if let Some(g) = self.clinical.statement(&record, &statement.iri).await? {
                stored.extend(&g);
            }
        }
        let body = smart_rdf::serialize(&to_public(&stored, base), reply_format);
        Ok(CallAnswer::rdf(body, reply_format))
    }
}
