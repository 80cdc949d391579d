//! smart-http serves the REST API over the vendor's store: a background app gets a token
//! for the imported record and reads its problems and one problem, signed with OAuth 1.0a,
//! and the data comes out of the vendor's map.

use example_vendor_store::serve::vendor_container;
use smart_auth::oauth::{HeaderSigner, SignatureMethod};
use smart_auth::{Clock, OsRandom, Secret, SystemClock, random_string};
use smart_core::encoding::{Decoding, percent_decode};

/// A GET signed as the app (and the token, if given); the status and the body.
async fn get(url: &str, consumer: (&str, &str), token: Option<(&str, &str)>) -> (u16, String) {
    let consumer_secret = Secret::new(consumer.1);
    let token_secret = token.map(|(_, s)| Secret::new(s));
    let nonce = random_string(&OsRandom::new(), 16).expect("randomness");
    let mut signer = HeaderSigner::new(SignatureMethod::HmacSha1, consumer.0, &consumer_secret)
        .nonce(&nonce)
        .timestamp(SystemClock::new().now());
    if let (Some((t, _)), Some(s)) = (token, token_secret.as_ref()) {
        signer = signer.token(t, s);
    }
    let header = signer.sign("GET", url, None).expect("a signable URL");
    let reply = reqwest::Client::new()
        .get(url)
        .header("Authorization", header)
        .header("Accept", "application/rdf+xml")
        .send()
        .await
        .expect("the server answers");
    let status = reply.status().as_u16();
    (status, reply.text().await.expect("a text body"))
}

fn form_value(body: &str, name: &str) -> String {
    body.split('&')
        .find_map(|pair| {
            let (n, v) = pair.split_once('=')?;
            let v = percent_decode(v.as_bytes(), Decoding::strict().plus_as_space()).ok()?;
            (n == name).then(|| String::from_utf8(v).expect("UTF-8"))
        })
        .unwrap_or_else(|| panic!("no {name} in {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_app_reads_the_vendor_store_over_http() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let demo = vendor_container(base.clone()).await.expect("the container");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(smart_http::serve(
        demo.container.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let consumer = (demo.app.as_str(), demo.secret.as_str());
    let record = demo.record.as_str();

    let (status, body) = get(
        &format!("{base}/apps/{}/tokens/records/{record}", demo.app),
        consumer,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = (
        form_value(&body, "oauth_token"),
        form_value(&body, "oauth_token_secret"),
    );
    let token = Some((token.0.as_str(), token.1.as_str()));

    // The collection, as stored in the vendor's map.
    let (status, body) = get(
        &format!("{base}/records/{record}/problems/"),
        consumer,
        token,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let graph =
        smart_rdf::parse(body.as_bytes(), smart_rdf::RdfFormat::RdfXml, None).expect("RDF/XML");
    let problem_type = oxrdf::NamedNodeRef::new_unchecked(smart_core::sp!("Problem"));
    let problems: Vec<oxrdf::NamedOrBlankNode> = graph
        .subjects_for_predicate_object(oxrdf::vocab::rdf::TYPE, problem_type)
        .map(|s| s.into_owned())
        .collect();
    assert!(!problems.is_empty(), "{body}");

    // One problem by its public IRI, and a statement that is not there.
    let oxrdf::NamedOrBlankNode::NamedNode(first) = &problems[0] else {
        panic!("problems have IRIs: {body}");
    };
    let (status, one) = get(first.as_str(), consumer, token).await;
    assert_eq!(status, 200, "{one}");
    assert!(one.contains(first.as_str()), "{one}");
    let (status, _) = get(
        &format!("{base}/records/{record}/problems/not-a-problem"),
        consumer,
        token,
    )
    .await;
    assert_eq!(status, 404);

    let _ = stop.send(());
    server.await.expect("the server task").expect("the server");
    demo.container.close().await;
}
