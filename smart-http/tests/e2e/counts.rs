//! For every record collection call and all 60 reference patients, the server returns
//! exactly the statements of the call's class that the source file holds.
//!
//! The expectation is computed from the source file alone: the distinct nodes typed
//! `sp:<Class>` (the call's target) after parsing the RDF/XML, the way a SMART client
//! would count `of_type`. That is also what smart-rdf's split treats as a statement
//! (every node typed with a statement class, nested ones included: lab results without
//! `sp:belongsTo`, the encounters inside vital sign sets), so both ways agree, but this one
//! does not reuse the server's code. `get_allergies` is expected to return the Allergy and
//! the AllergyExclusion statements, and its summary counts both.

use crate::common::*;
use smart_core::catalog::{CALLS, CallCardinality, Category, HttpMethod};
use smart_core::sp;
use std::sync::Arc;

/// The classes a collection call returns, by the catalog.
fn classes_of(call: &smart_core::catalog::ApiCall) -> Vec<&'static str> {
    if call.name == "get_allergies" {
        vec![call.target, sp!("AllergyExclusion")]
    } else {
        vec![call.target]
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_collection_call_returns_the_statements_of_the_source_file() {
    let Some(shared) = shared_dir() else { return };
    let started = std::time::Instant::now();
    let server = Arc::new(TestServer::start(Backend::Memory).await);
    let records = server.import_all(&shared).await;
    assert_eq!(records.len(), 60);
    eprintln!("imported 60 patients in {:?}", started.elapsed());
    let app = server.background_app("counts@apps.example.org").await;

    let collections: Vec<&'static smart_core::catalog::ApiCall> = CALLS
        .iter()
        .filter(|c| {
            c.category == Category::Record
                && c.method == HttpMethod::Get
                && c.cardinality == CallCardinality::Multiple
        })
        .collect();
    assert_eq!(
        collections.len(),
        15,
        "the record collection calls of the catalog"
    );

    let mut tasks = tokio::task::JoinSet::new();
    for file in reference_files(&shared) {
        let server = server.clone();
        let app = app.clone();
        let collections = collections.clone();
        tasks.spawn(async move {
            let name = file.file_name().unwrap().to_str().unwrap().to_owned();
            let record = smart_core::RecordId::from_file_name(&name).unwrap();
            let rid = record.as_str().to_owned();
            let source = source_graph(&file);
            let token = server.background_token(&app, &rid).await;
            let record_base = format!("{}/records/{rid}/", server.base);
            let mut checked = 0;
            for call in &collections {
                let path = call.expand_path(&[("record_id", &rid)]).unwrap();
                let graph = rdf_ok(server.get(&token, &path).await).await;
                let mut expected = 0;
                let mut returned = 0;
                for class in classes_of(call) {
                    let want = typed(&source, class).len();
                    let got = typed(&graph, class);
                    for s in &got {
                        assert!(
                            matches!(s, oxrdf::NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(&record_base)),
                            "{rid} {}: statement {s} is not an IRI of the record",
                            call.name
                        );
                    }
                    assert_eq!(got.len(), want, "{rid} {}: {class}", call.name);
                    expected += want;
                    returned += got.len();
                }
                let s = summary(&graph);
                assert_eq!(
                    (s.returned, s.total),
                    (expected, expected),
                    "{rid} {}: the summary counts every statement returned",
                    call.name
                );
                assert!(s.next.is_none() && s.order.is_none(), "{rid} {}: not paged", call.name);
                checked += returned;
            }
            // The single-item calls of the record: demographics and social history.
            for (path, class) in [
                ("demographics", sp!("Demographics")),
                ("social_history", sp!("SocialHistory")),
            ] {
                let want = typed(&source, class).len();
                let r = server.get(&token, &format!("/records/{rid}/{path}")).await;
                if want == 0 {
                    let (status, text) = status_text(r).await;
                    assert_eq!(status, 404, "{rid} {path}: {text}");
                    assert!(text.contains(&rid), "{text}");
                } else {
                    let graph = rdf_ok(r).await;
                    assert_eq!(want, 1, "{rid}: one {class} in the source");
                    let got = typed(&graph, class);
                    assert_eq!(got.len(), 1, "{rid} {path}");
                    assert_eq!(
                        got[0].to_string(),
                        format!("<{}/records/{rid}/{path}>", server.base),
                        "{rid}: the fixed IRI"
                    );
                    checked += 1;
                }
            }
            (rid, checked)
        });
    }
    let mut total = 0;
    let mut done = 0;
    while let Some(result) = tasks.join_next().await {
        let (_, checked) = result.unwrap();
        total += checked;
        done += 1;
    }
    assert_eq!(done, 60);
    // Sanity: the generator's table of the 59 files sums to about 7,900 statements of
    // these classes (3505 lab results, 1050 vital sign sets and encounters, ...).
    assert!(total > 7_500, "only {total} statements checked");
    eprintln!(
        "checked {total} statements of 60 patients in {:?}",
        started.elapsed()
    );
    if let Ok(server) = Arc::try_unwrap(server) {
        server.stop().await;
    }
}
