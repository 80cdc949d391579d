//! The service's use cases without any transport: the note pipeline, the answer cache's
//! invalidation, and the policy in front of every call.

use super::*;
use crate::clinical::MemoryClinicalStore;

const NOTE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
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
            <sp:value>Called back about the results</sp:value>
          </sp:Content>
        </sp:content>
      </sp:Resource>
    </sp:resource>
  </sp:ClinicalNote>
</rdf:RDF>
"#;

fn admin() -> MachineCredential {
    MachineCredential::new(
        "local-admin",
        smart_auth::Secret::new("an admin secret of at least thirty-two bytes"),
    )
    .unwrap()
}

/// A container with the answer cache on (in-memory stores, opened from a configuration).
async fn cached_container(dir: &std::path::Path) -> Container {
    let mut config = ContainerConfig::for_data_dir(dir);
    config.store.clinical = ClinicalBackend::Memory;
    config.store.directory = DirectoryBackend::Memory;
    let container = Container::open(config).await.unwrap();
    assert!(
        container.answers.is_some(),
        "the cache is on for in-memory stores"
    );
    container
}

/// Imports one generated patient (without documents); its record id.
async fn patient(c: &Container) -> String {
    use crate::import::{self, MemoryDocuments, Validation};
    let patient = smart_samples::Generator::new(7).generate_patient(0);
    let record = smart_core::RecordId::new(&patient.record_id).unwrap();
    let documents = MemoryDocuments::new();
    let prepared =
        import::prepare(&patient.graph, record, Validation::Lenient, &documents).unwrap();
    import::commit(
        c.clinical().as_ref(),
        c.directory().as_ref(),
        c.blobs().as_ref(),
        &prepared,
    )
    .await
    .unwrap();
    patient.record_id
}

fn notes_request(record: &str) -> CallRequest {
    let path = format!("/records/{record}/clinical_notes/");
    CallRequest::new(CallId::GetClinicalNotes, &path).unwrap()
}

fn post_note(record: &str, body: &str, content_type: &str) -> CallRequest {
    let path = format!("/records/{record}/clinical_notes/");
    CallRequest::new(CallId::PostClinicalNote, &path)
        .unwrap()
        .with_body(Some(content_type), body.as_bytes())
}

fn rdf_text(answer: CallAnswer) -> String {
    match answer {
        CallAnswer::Rdf(rdf) => String::from_utf8(rdf.body).unwrap(),
        other => panic!("expected RDF, got {other:?}"),
    }
}

#[tokio::test]
async fn a_posted_note_is_stored_and_the_cached_collection_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = cached_container(dir.path()).await;
    let record = patient(&c).await;
    // Read once (and cache) while the record has no note.
    let before = rdf_text(c.run(&notes_request(&record)).await.unwrap());
    assert!(!before.contains("Telephone note"), "{before}");
    let again = rdf_text(c.run(&notes_request(&record)).await.unwrap());
    assert!(!again.contains("Telephone note"));

    let stored = rdf_text(
        c.run(&post_note(&record, NOTE, "application/rdf+xml"))
            .await
            .unwrap(),
    );
    assert!(stored.contains("Called back about the results"), "{stored}");
    // The statement got a minted id under the record's clinical notes.
    let minted = format!("/records/{record}/clinical_notes/");
    assert!(stored.contains(&minted), "{stored}");

    // The write made the cached answer stale: the next read has the note.
    let after = rdf_text(c.run(&notes_request(&record)).await.unwrap());
    assert!(after.contains("Telephone note"), "{after}");
    c.close().await;
}

#[tokio::test]
async fn an_invalid_note_writes_nothing_and_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let c = cached_container(dir.path()).await;
    let record = patient(&c).await;
    let before = rdf_text(c.run(&notes_request(&record)).await.unwrap());
    let medication = NOTE
        .replace("sp:ClinicalNote>", "sp:Medication>")
        .replace("<sp:ClinicalNote", "<sp:Medication");
    let err = c
        .run(&post_note(&record, &medication, "application/rdf+xml"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ServiceErrorKind::BadRequest, "{err}");

    let err = c
        .run(&post_note(&record, "just words", "text/plain"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ServiceErrorKind::UnsupportedMediaType);
    assert!(err.message().contains("text/plain"), "{err}");

    let err = c
        .run(&post_note(&record, "<rdf:RDF", "application/rdf+xml"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ServiceErrorKind::BadRequest);

    let after = rdf_text(c.run(&notes_request(&record)).await.unwrap());
    let notes = |text: &str| text.matches("ClinicalNote").count();
    assert_eq!(notes(&after), notes(&before), "nothing was stored: {after}");
}

#[tokio::test]
async fn the_policy_comes_before_any_handler() {
    let c = Container::from_parts(
        ContainerConfig {
            ui_consumer_secret: Some("a UI secret of at least thirty-two bytes".into()),
            ..ContainerConfig::default()
        },
        Arc::new(MemoryClinicalStore::in_memory().unwrap()),
        Arc::new(crate::directory::MemoryDirectory::new()),
        Arc::new(crate::blobs::MemoryBlobs::new()),
        admin(),
    )
    .unwrap();
    // Unsigned: refused before the (valid) note is looked at.
    let err = c
        .execute(None, post_note("1", NOTE, "application/rdf+xml"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ServiceErrorKind::Unauthenticated);
    // The admin may not read records (only apps launched on them may).
    let who = c.local_admin().await.unwrap();
    let err = c.execute(Some(&who), notes_request("1")).await.unwrap_err();
    assert_eq!(err.kind(), ServiceErrorKind::Forbidden);
    assert!(c.clinical().record_ids().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_format_nobody_accepts_is_not_acceptable_only_for_rdf_answers() {
    let c = Container::from_parts(
        ContainerConfig {
            ui_consumer_secret: Some("a UI secret of at least thirty-two bytes".into()),
            ..ContainerConfig::default()
        },
        Arc::new(MemoryClinicalStore::in_memory().unwrap()),
        Arc::new(crate::directory::MemoryDirectory::new()),
        Arc::new(crate::blobs::MemoryBlobs::new()),
        admin(),
    )
    .unwrap();
    let refused = smart_rdf::negotiate::negotiate(Some("image/png"));
    let err = c
        .run(&notes_request("1").with_format(refused.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ServiceErrorKind::NotAcceptable);
    // The manifest is JSON: the Accept header does not matter to it.
    let manifest = CallRequest::new(CallId::GetContainerManifest, "/manifest")
        .unwrap()
        .with_format(refused);
    assert!(matches!(c.run(&manifest).await, Ok(CallAnswer::Json(_))));
}
