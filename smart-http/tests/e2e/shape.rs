//! What responses look like: RDF/XML as SMART clients parse it, other RDF formats by
//! Accept, validators, gzip, CORS, and the document formats.

use crate::common::*;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use smart_core::sp;

/// The namespaces SMART clients expect declared on the root, by prefix.
const PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("sp", "http://smartplatforms.org/terms#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("v", "http://www.w3.org/2006/vcard/ns#"),
    ("api", "http://smartplatforms.org/terms/api#"),
];

/// Checks the RDF/XML shape: the XML declaration, then the `rdf:RDF` root declaring the
/// usual prefix of every namespace the graph uses.
fn check_rdfxml_shape(body: &str, what: &str) {
    let rest = body.trim_start();
    let rest = match rest.strip_prefix("<?xml") {
        Some(r) => r[r.find("?>").expect("end of the XML declaration") + 2..].trim_start(),
        None => rest,
    };
    assert!(
        rest.starts_with("<rdf:RDF"),
        "{what}: the first element is rdf:RDF: {}",
        &rest[..rest.len().min(200)]
    );
    let root = &rest[..rest.find('>').unwrap()];
    let graph = parse_rdf(body.as_bytes());
    let used = |ns: &str| {
        graph.iter().any(|t| {
            t.predicate.as_str().starts_with(ns)
                || matches!(t.object, oxrdf::TermRef::NamedNode(n) if n.as_str().starts_with(ns) && t.predicate == oxrdf::vocab::rdf::TYPE)
        })
    };
    for (prefix, ns) in PREFIXES {
        if *prefix == "rdf" || used(ns) {
            assert!(
                root.contains(&format!("xmlns:{prefix}=\"{ns}\"")),
                "{what}: the root declares {prefix}: {root}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rdf_formats_validators_gzip_and_cors() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server
        .import_reference(&shared, &["99912345", "1796238"])
        .await;
    let app = server.background_app("shape@apps.example.org").await;
    let token = server.background_token(&app, "99912345").await;

    // RDF/XML by default, exactly `application/rdf+xml` (the API Verifier compares the
    // content type exactly), in the shape SMART clients parse.
    for path in [
        "/records/99912345/demographics",
        "/records/99912345/vital_sign_sets/?limit=2",
        "/records/99912345/medications/",
        "/records/99912345/documents/",
    ] {
        let r = server.get(&token, path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], "application/rdf+xml", "{path}");
        check_rdfxml_shape(&r.text().await.unwrap(), path);
    }

    // Turtle, N-Triples and JSON-LD by Accept: the same graph.
    let item = "/records/99912345/demographics";
    let reference = parse_rdf(&server.get(&token, item).await.bytes().await.unwrap());
    for (accept, format) in [
        ("text/turtle", smart_rdf::RdfFormat::Turtle),
        ("application/n-triples", smart_rdf::RdfFormat::NTriples),
        ("application/ld+json", smart_rdf::RdfFormat::JsonLd),
        (
            "application/rdf+xml;q=0.5, text/turtle",
            smart_rdf::RdfFormat::Turtle,
        ),
    ] {
        let r = server
            .signed(&token, "GET", item)
            .header("Accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{accept}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with(format.media_type()), "{accept}: {ct}");
        let graph = smart_rdf::parse(&r.bytes().await.unwrap(), format, None).unwrap();
        assert_eq!(graph.len(), reference.len(), "{accept}");
        assert_eq!(
            typed(&graph, sp!("Demographics")),
            typed(&reference, sp!("Demographics")),
            "{accept}"
        );
    }

    // ETag and Last-Modified on items; If-None-Match gives 304.
    let r = server.get(&token, item).await;
    let etag = r
        .headers()
        .get("etag")
        .expect("ETag")
        .to_str()
        .unwrap()
        .to_owned();
    let modified = r
        .headers()
        .get("last-modified")
        .expect("Last-Modified")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(httpdate::parse_http_date(&modified).is_ok(), "{modified}");
    let r = server
        .signed(&token, "GET", item)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = server
        .signed(&token, "GET", item)
        .header("If-None-Match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The ETag is per representation.
    let r = server
        .signed(&token, "GET", item)
        .header("Accept", "text/turtle")
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag);

    // gzip when asked (the test client does not decompress).
    let path = "/records/1796238/lab_results/";
    let token2 = server.background_token(&app, "1796238").await;
    let plain = server.get(&token2, path).await.bytes().await.unwrap();
    let r = server
        .signed(&token2, "GET", path)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let zipped = r.bytes().await.unwrap();
    assert!(
        zipped.starts_with(&[0x1f, 0x8b]) && zipped.len() * 4 < plain.len(),
        "gzip: {} vs {}",
        zipped.len(),
        plain.len()
    );
    let r = server.get(&token2, path).await;
    assert!(
        r.headers().get("content-encoding").is_none(),
        "no gzip unless asked"
    );

    // CORS: the configured origin, on a preflight and on a GET; nothing for another.
    let preflight = |origin: &'static str| {
        server
            .http
            .request(reqwest::Method::OPTIONS, format!("{}{item}", server.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let r = preflight(UI_ORIGIN).await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], UI_ORIGIN);
    let methods = r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_uppercase();
    assert!(
        ["GET", "POST", "PUT", "DELETE"]
            .iter()
            .all(|m| methods.contains(m)),
        "{methods}"
    );
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
    let r = server
        .signed(&token, "GET", item)
        .header("Origin", UI_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], UI_ORIGIN);
    let r = preflight("http://evil.example.org").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = server
        .signed(&token, "GET", item)
        .header("Origin", "http://evil.example.org")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // Errors carry CORS too, so a browser app can read them.
    let r = server
        .http
        .get(format!("{}{item}", server.base))
        .header("Origin", UI_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["access-control-allow-origin"], UI_ORIGIN);

    // The ontology, without auth, in RDF/XML.
    let r = server
        .http
        .get(format!("{}/ontology", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/rdf+xml")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_raw_metadata_combined_and_photograph() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server.import_reference(&shared, &["99912345"]).await;
    let app = server.background_app("docs@apps.example.org").await;
    let token = server.background_token(&app, "99912345").await;
    let docs_dir = shared.join("data/reference-documents/99912345");
    let source = source_graph(&reference_file(&shared, "99912345"));

    // The MIME type each document's file has in the source (dcterms:format's label).
    let mime_of = |file: &str| -> String {
        for s in typed(&source, sp!("Document")) {
            if literal(&source, &s, sp!("fileName")).as_deref() == Some(file) {
                let format = source
                    .object_for_subject_predicate(
                        &s,
                        oxrdf::NamedNodeRef::new_unchecked("http://purl.org/dc/terms/format"),
                    )
                    .unwrap();
                let node = match format {
                    oxrdf::TermRef::NamedNode(n) => oxrdf::NamedOrBlankNode::from(n.into_owned()),
                    oxrdf::TermRef::BlankNode(b) => oxrdf::NamedOrBlankNode::from(b.into_owned()),
                    _ => panic!(),
                };
                return literal(&source, &node, "http://www.w3.org/2000/01/rdf-schema#label")
                    .unwrap();
            }
        }
        panic!("no document {file}")
    };

    let list = rdf_ok(server.get(&token, "/records/99912345/documents/").await).await;
    let docs = typed(&list, sp!("Document"));
    assert_eq!(docs.len(), 3);
    for doc in &docs {
        let iri = match doc {
            oxrdf::NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
            _ => panic!("blank document"),
        };
        let path = iri.strip_prefix(&server.base).unwrap().to_owned();
        let file = literal(&list, doc, sp!("fileName")).unwrap();
        let bytes = std::fs::read(docs_dir.join(&file)).unwrap();
        let sha = smart_core::encoding::hex_lower(&Sha256::digest(&bytes));

        // The list gives metadata by default: size and SHA-256 of the file.
        let check_metadata = |graph: &oxrdf::Graph, what: &str| {
            let size = graph
                .object_for_subject_predicate(
                    doc,
                    oxrdf::NamedNodeRef::new_unchecked(sp!("fileSize")),
                )
                .unwrap_or_else(|| panic!("{what}: no sp:fileSize"));
            let size = match size {
                oxrdf::TermRef::BlankNode(b) => oxrdf::NamedOrBlankNode::from(b.into_owned()),
                other => panic!("{other}"),
            };
            assert_eq!(
                literal(graph, &size, sp!("value")),
                Some(bytes.len().to_string()),
                "{what}"
            );
            let hashes: Vec<String> = typed(graph, sp!("Hash"))
                .iter()
                .filter_map(|h| literal(graph, h, sp!("value")))
                .collect();
            assert!(hashes.contains(&sha), "{what}: SHA-256 {sha} in {hashes:?}");
        };
        check_metadata(&list, &format!("list {file}"));

        // raw (the default for one document): the bytes, with the document's MIME type.
        for query in ["", "?format=raw"] {
            let r = server.get(&token, &format!("{path}{query}")).await;
            assert_eq!(r.status(), 200, "{path}{query}");
            assert_eq!(
                r.headers()["content-type"].to_str().unwrap(),
                mime_of(&file),
                "{file}"
            );
            assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{file}");
            assert!(
                r.headers()["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .starts_with("sandbox"),
                "{file}: stored bytes are sandboxed"
            );
            assert_eq!(
                r.bytes().await.unwrap().as_ref(),
                bytes.as_slice(),
                "{file}: raw bytes"
            );
        }
        // Document metadata has a stable ETag too.
        let r = server.get(&token, &format!("{path}?format=metadata")).await;
        let etag = r.headers()["etag"].to_str().unwrap().to_owned();
        let r2 = server
            .signed(&token, "GET", &format!("{path}?format=metadata"))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(r2.status(), 304, "{file}: metadata ETag");
        let meta = rdf_ok(r).await;
        check_metadata(&meta, &format!("metadata {file}"));
        assert!(
            typed(&meta, sp!("Content")).is_empty(),
            "metadata has no content"
        );

        let combined = rdf_ok(server.get(&token, &format!("{path}?format=combined")).await).await;
        check_metadata(&combined, &format!("combined {file}"));
        let content = typed(&combined, sp!("Content"));
        assert_eq!(content.len(), 1, "{file}: combined has the content");
        let encoding = literal(&combined, &content[0], sp!("encoding")).unwrap();
        let value = literal(&combined, &content[0], sp!("value")).unwrap();
        let decoded = match encoding.as_str() {
            "UTF-8" => value.into_bytes(),
            "Base64" => base64::engine::general_purpose::STANDARD
                .decode(value)
                .unwrap(),
            other => panic!("encoding {other}"),
        };
        assert_eq!(decoded, bytes, "{file}: combined content");
        if file.ends_with(".txt") {
            assert_eq!(encoding, "UTF-8");
        }
    }
    // The list with ?format=combined carries every document's content.
    let combined = rdf_ok(
        server
            .get(&token, "/records/99912345/documents/?format=combined")
            .await,
    )
    .await;
    assert_eq!(typed(&combined, sp!("Content")).len(), 3);

    // The photograph: the JPEG's bytes.
    let r = server.get(&token, "/records/99912345/photograph").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        std::fs::read(docs_dir.join("photo831.jpg"))
            .unwrap()
            .as_slice()
    );
    // No photograph on a record without one.
    server.import_reference(&shared, &["1032702"]).await;
    let other = server.background_token(&app, "1032702").await;
    let (status, text) = status_text(server.get(&other, "/records/1032702/photograph").await).await;
    assert_eq!(status, 404, "{text}");

    // Imaging: the study and its images, and an image's study link.
    let studies = rdf_ok(
        server
            .get(&token, "/records/99912345/imaging_studies/")
            .await,
    )
    .await;
    assert_eq!(
        typed(&studies, sp!("ImagingStudy")).len(),
        typed(&source, sp!("ImagingStudy")).len()
    );
    let images = rdf_ok(
        server
            .get(&token, "/records/99912345/medical_images/")
            .await,
    )
    .await;
    assert_eq!(
        typed(&images, sp!("MedicalImage")).len(),
        typed(&source, sp!("MedicalImage")).len()
    );
    server.stop().await;
}

/// Bytes an app stored are never served as active content of the container's origin: a
/// scratchpad written as `text/html` with a script comes back as a sandboxed download.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_html_is_a_sandboxed_download() {
    let Some(shared) = shared_dir() else { return };
    let server = TestServer::start(Backend::Memory).await;
    server.import_reference(&shared, &["99912345"]).await;
    let app = server.background_app("pad@apps.example.org").await;
    let token = server.background_token(&app, "99912345").await;
    let pad = "/records/99912345/apps/pad@apps.example.org/scratchpad";
    let html = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    for (content_type, attachment) in [
        ("text/html; charset=utf-8", true),
        ("image/svg+xml", true),
        ("application/json", false),
    ] {
        let put = server
            .send_body(&token, "PUT", pad, content_type, html.clone())
            .await;
        assert_eq!(put.status(), 200, "{content_type}");
        let r = server.get(&token, pad).await;
        assert_eq!(r.status(), 200);
        let headers = r.headers();
        assert_eq!(
            headers["x-content-type-options"], "nosniff",
            "{content_type}"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("sandbox"), "{content_type}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{content_type}: {csp}");
        assert_eq!(
            headers
                .get("content-disposition")
                .map(|v| v.to_str().unwrap().to_owned()),
            attachment.then(|| "attachment".to_owned()),
            "{content_type}"
        );
    }
    server.stop().await;
}
