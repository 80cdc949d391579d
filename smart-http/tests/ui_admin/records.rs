//! Records: the list, deleting one, and importing patient files by upload with one result
//! per file (the importer of `smart import`: a bad file is rejected whole, the others are
//! stored).

use super::*;
use ui_support::patient_xml;

#[tokio::test]
async fn records_are_listed_imported_by_upload_and_deleted() {
    let server = server().await;
    let (mut v, csrf) = admin_visitor(&server).await;
    let page = v.get("/admin/records").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("data-record=\"101\""));
    assert!(page.body.contains("data-record=\"102\""));

    // With a medical record number, as strict validation wants.
    let good = patient_xml("Zoë", "<Tester>", "female", "1990-03-04", "12345")
        .replace(
            "xmlns:v=",
            "xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:v=",
        )
        .replace(
            " <foaf:gender>",
            " <sp:medicalRecordNumber><sp:Code><dcterms:identifier>555</dcterms:identifier>\
             <dcterms:title>MRN</dcterms:title><sp:system>Test Hospital</sp:system></sp:Code></sp:medicalRecordNumber>\n <foaf:gender>",
        );
    // A statement of an unknown class: refused by validation.
    let bad = good.replace(
        "<sp:Demographics>",
        "<sp:Nonsense><sp:belongsTo rdf:nodeID=\"patient\"/></sp:Nonsense><sp:Demographics>",
    );
    let a = post_multipart(
        &mut v,
        "/admin/records/import",
        &[("csrf", &csrf)],
        &[
            ("files", "p555.xml", good.as_bytes()),
            ("files", "p556.xml", bad.as_bytes()),
            ("files", "p557.ttl", b"this is not turtle"),
            ("files", "nodigits.xml", good.as_bytes()),
        ],
    )
    .await;
    assert_eq!(a.status, 400, "one file was rejected: {}", a.body);
    let results = &a.body[a
        .body
        .find("id=\"import-results\"")
        .expect("a result table")..];
    let result_of = |file: &str| {
        let at = results.find(&format!("<td>{file}</td>")).unwrap();
        let row_start = results[..at].rfind("<tr").unwrap();
        &results[row_start..at + results[at..].find("</tr>").unwrap()]
    };
    assert!(result_of("p555.xml").contains("class=\"ok\""), "{results}");
    assert!(result_of("p555.xml").contains("imported"));
    assert!(result_of("p556.xml").contains("class=\"rejected\""));
    assert!(result_of("p557.ttl").contains("class=\"rejected\""));
    assert!(result_of("nodigits.xml").contains("no record id"));
    assert!(a.body.contains("3 of 4 files were rejected"));
    // The good one is stored (with its name escaped on the page), the others are not.
    for (id, stored) in [("555", true), ("556", false), ("557", false)] {
        let record = smart_core::RecordId::new(id).unwrap();
        let entry = server
            .container
            .directory()
            .get_record(&record)
            .await
            .unwrap();
        assert_eq!(entry.is_some(), stored, "record {id}");
    }
    let page = v.get("/admin/records").await;
    let r = row(&page.body, "data-record", "555");
    assert!(r.contains("&lt;Tester&gt;"), "{r}");
    // The patient opens in the record view.
    assert_eq!(v.get("/patients/555").await.status, 200);

    // Delete: gone from the list and the record view.
    let a = v
        .post(
            "/admin/records/delete",
            &[("csrf", &csrf), ("record", "555")],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let page = v.get(a.location()).await;
    assert!(page.body.contains("The record was deleted."));
    assert!(!page.body.contains("data-record=\"555\""));
    assert_eq!(v.get("/patients/555").await.status, 404);
    let a = v
        .post(
            "/admin/records/delete",
            &[("csrf", &csrf), ("record", "555")],
        )
        .await;
    assert_eq!(a.status, 400, "no such record any more");
    // An upload without patient files.
    let a = post_multipart(&mut v, "/admin/records/import", &[("csrf", &csrf)], &[]).await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("Choose at least one patient file."));
    server.stop().await;
}
