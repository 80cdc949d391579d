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

/// A fixture of `tests/fixtures` (written for these tests).
fn fixture(path: &str) -> Vec<u8> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The statements of a parsed file per statement class, counted from the file itself.
fn statements_per_class(graph: &oxrdf::Graph) -> std::collections::BTreeMap<&'static str, usize> {
    let mut types: std::collections::HashMap<_, Vec<&str>> = std::collections::HashMap::new();
    for t in graph.triples_for_predicate(oxrdf::vocab::rdf::TYPE) {
        if let oxrdf::TermRef::NamedNode(class) = t.object {
            types.entry(t.subject).or_default().push(class.as_str());
        }
    }
    let mut counts = std::collections::BTreeMap::new();
    for ts in types.into_values() {
        if let Some(class) = smart_core::model::statement_class_of(ts) {
            *counts.entry(class.iri).or_insert(0) += 1;
        }
    }
    counts
}

/// How many statements of `class` an RDF/XML answer holds that belong to `record`.
fn answered(answer: CallAnswer, class: &str, record: &str) -> usize {
    let body = rdf_text(answer);
    let graph = smart_rdf::parse(body.as_bytes(), smart_rdf::RdfFormat::RdfXml, None).unwrap();
    let class = oxrdf::NamedNodeRef::new_unchecked(class);
    let belongs_to = oxrdf::NamedNodeRef::new_unchecked(smart_core::sp!("belongsTo"));
    graph
        .subjects_for_predicate_object(oxrdf::vocab::rdf::TYPE, class)
        .filter(|s| {
            graph
                .objects_for_subject_predicate(*s, belongs_to)
                .any(|o| o.to_string().ends_with(&format!("/records/{record}>")))
        })
        .count()
}

/// Whole-record files (statements as blank nodes, without sp:belongsTo, or some linked
/// and some not) import strictly, and each record then answers the API with the same
/// number of statements of each class as its file holds.
#[tokio::test]
async fn whole_record_files_answer_the_api_with_the_statements_of_the_file() {
    use crate::import::{self, NoDocuments, Validation};
    use smart_core::sp;
    let calls = [
        (CallId::GetDemographics, "demographics", sp!("Demographics")),
        (
            CallId::GetVitalSignSets,
            "vital_sign_sets/",
            sp!("VitalSignSet"),
        ),
        (CallId::GetEncounters, "encounters/", sp!("Encounter")),
        (CallId::GetProblems, "problems/", sp!("Problem")),
        (CallId::GetLabResults, "lab_results/", sp!("LabResult")),
    ];
    let dir = tempfile::tempdir().unwrap();
    let c = cached_container(dir.path()).await;
    for (file, record) in [
        ("whole-record/p5550001.xml", "5550001"),
        ("whole-record/p5550002.xml", "5550002"),
    ] {
        let parsed = smart_rdf::parse(&fixture(file), smart_rdf::RdfFormat::RdfXml, None).unwrap();
        let expected = statements_per_class(&parsed);
        assert!(
            expected.values().sum::<usize>() >= 4,
            "{file}: {expected:?}"
        );
        let graph = smart_rdf::to_storage(&parsed, c.api_base());
        let id = smart_core::RecordId::new(record).unwrap();
        let prepared = import::prepare(&graph, id, Validation::Strict, &NoDocuments)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            prepared.report.findings.is_empty(),
            "{file}: {}",
            prepared.report
        );
        import::commit(
            c.clinical().as_ref(),
            c.directory().as_ref(),
            c.blobs().as_ref(),
            &prepared,
        )
        .await
        .unwrap();
        for class in expected.keys() {
            assert!(
                calls.iter().any(|(_, _, c)| c == class),
                "{file}: no call listed for {class}"
            );
        }
        for (call, path, class) in calls {
            let request = CallRequest::new(call, &format!("/records/{record}/{path}")).unwrap();
            let answer = c.run(&request).await.unwrap();
            assert_eq!(
                answered(answer, class, record),
                expected.get(class).copied().unwrap_or(0),
                "{file}: {class}"
            );
        }
    }
    c.close().await;
}

/// A clinical note of under 1 KB whose nested entities would expand to 10^levels copies
/// of "lol" ("billion laughs").
fn laughing_note(levels: usize) -> String {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for level in 1..=levels {
        let previous = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{previous}\">"));
    }
    NOTE.replacen(
        "<rdf:RDF",
        &format!("<!DOCTYPE rdf:RDF [{dtd}]>\n<rdf:RDF"),
        1,
    )
    .replace("Called back about the results", &format!("&lol{levels};"))
}

#[tokio::test]
async fn a_note_declaring_entities_is_refused_before_any_expansion() {
    let dir = tempfile::tempdir().unwrap();
    let c = cached_container(dir.path()).await;
    let record = patient(&c).await;
    let before = rdf_text(c.run(&notes_request(&record)).await.unwrap());
    // Seven levels: 5 s and 2.2 GB before its 400 when entities were expanded.
    let note = laughing_note(7);
    assert!(note.len() < 2048, "{} bytes", note.len());
    for content_type in ["application/rdf+xml", "application/xml", "text/xml"] {
        let err = c
            .run(&post_note(&record, &note, content_type))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ServiceErrorKind::BadRequest, "{err}");
        assert!(err.message().contains("<!ENTITY"), "{err}");
        assert!(err.message().contains("entities"), "{err}");
    }
    let after = rdf_text(c.run(&notes_request(&record)).await.unwrap());
    let notes = |text: &str| text.matches("terms#ClinicalNote\"").count();
    assert!(notes(&before) > 0);
    assert_eq!(notes(&after), notes(&before), "nothing was stored");
    c.close().await;
}
