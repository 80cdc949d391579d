//! `RemoteSparqlEngine`'s HTTP behaviour, against tiny local TCP listeners that capture the
//! requests and send canned answers, never answer, or are not there: transports, headers,
//! credentials, GET→POST fallback, timeouts, refused connections, error kinds. No SPARQL
//! server needed.
#![cfg(feature = "sparql-remote")]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oxrdf::{Literal, NamedNode, Variable};
use smart_store::ErrorKind;
use smart_store::clinical::SparqlEngine;
use smart_store::clinical::remote::{
    QueryTransport, RemoteSparqlConfig, RemoteSparqlConfigBuilder, RemoteSparqlEngine,
    ResultsFormat, UpdateTransport,
};
use spargebra::algebra::{Expression, GraphPattern};
use spargebra::term::{GraphName, Quad};
use spargebra::{GraphUpdateOperation, Query, Update};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

const EMPTY_JSON: &str = r#"{"head":{"vars":["v"]},"results":{"bindings":[]}}"#;
const ONE_ROW_JSON: &str =
    r#"{"head":{"vars":["v"]},"results":{"bindings":[{"v":{"type":"literal","value":"ok"}}]}}"#;

/// One request as received.
#[derive(Debug, Clone)]
struct Captured {
    method: String,
    target: String,
    /// Header lines, names lower-cased.
    headers: Vec<(String, String)>,
    body: String,
}

impl Captured {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A canned answer.
#[derive(Clone)]
struct Answer {
    status: &'static str,
    content_type: &'static str,
    body: String,
}

fn ok_json(body: &str) -> Answer {
    Answer {
        status: "200 OK",
        content_type: "application/sparql-results+json; charset=utf-8",
        body: body.to_owned(),
    }
}

/// Serves `answer` to every request on 127.0.0.1 and records the requests.
async fn capture_server(answer: Answer) -> (String, Arc<Mutex<Vec<Captured>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let captured = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&captured);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            let answer = answer.clone();
            tokio::spawn(async move {
                if let Some(request) = read_request(stream, &answer).await {
                    log.lock().unwrap().push(request);
                }
            });
        }
    });
    (base, captured)
}

async fn read_request(mut stream: TcpStream, answer: &Answer) -> Option<Captured> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let response = format!(
        "HTTP/1.1 {}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        answer.status,
        answer.content_type,
        answer.body.len(),
        answer.body
    );
    stream.write_all(response.as_bytes()).await.ok()?;
    stream.shutdown().await.ok();
    Some(Captured {
        method,
        target,
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

fn engine(builder: RemoteSparqlConfigBuilder) -> RemoteSparqlEngine {
    RemoteSparqlEngine::new(builder.build().unwrap()).unwrap()
}

/// `SELECT ?v WHERE { BIND(LITERAL AS ?v) }`.
fn bind_query(value: &str) -> Query {
    let v = Variable::new("v").unwrap();
    Query::Select {
        dataset: None,
        base_iri: None,
        pattern: GraphPattern::Project {
            inner: Box::new(GraphPattern::Extend {
                inner: Box::new(GraphPattern::Bgp { patterns: vec![] }),
                variable: v.clone(),
                expression: Expression::Literal(Literal::from(value)),
            }),
            variables: vec![v],
        },
    }
}

fn small_update() -> Update {
    Update {
        base_iri: None,
        operations: vec![GraphUpdateOperation::InsertData {
            data: vec![Quad {
                subject: NamedNode::new("http://ex.org/s").unwrap().into(),
                predicate: NamedNode::new("http://ex.org/p").unwrap(),
                object: Literal::from("o").into(),
                graph_name: GraphName::NamedNode(NamedNode::new("http://ex.org/g").unwrap()),
            }],
        }],
    }
}

/// Decodes `application/x-www-form-urlencoded`: the server under test must send a
/// well-formed body, so a malformed escape fails the test.
fn form_value(body: &str, name: &str) -> Option<String> {
    use smart_core::encoding::{Decoding, percent_decode};
    body.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| {
            let bytes = percent_decode(v.as_bytes(), Decoding::strict().plus_as_space())
                .expect("well-formed escapes");
            String::from_utf8(bytes).expect("UTF-8")
        })
    })
}

#[tokio::test]
async fn transports_send_standard_requests() {
    let (base, captured) = capture_server(ok_json(EMPTY_JSON)).await;
    let query = bind_query("a&b=c+d é \" }");
    let text = query.to_string();
    for transport in [
        QueryTransport::Get,
        QueryTransport::FormPost,
        QueryTransport::DirectPost,
    ] {
        for format in [ResultsFormat::Json, ResultsFormat::Xml] {
            let engine = engine(
                RemoteSparqlConfigBuilder::oxigraph(&base)
                    .query_transport(transport)
                    .results_format(format),
            );
            let solutions = engine.select(&query).await.unwrap();
            assert_eq!(solutions.variables, vec![Variable::new("v").unwrap()]);
            let request = captured.lock().unwrap().pop().unwrap();
            let accept = request.header("accept").unwrap();
            let preferred = match format {
                ResultsFormat::Json => "application/sparql-results+json",
                ResultsFormat::Xml => "application/sparql-results+xml",
            };
            assert!(accept.starts_with(preferred), "{accept}");
            assert!(
                accept.contains("application/sparql-results+json"),
                "{accept}"
            );
            assert!(
                accept.contains("application/sparql-results+xml"),
                "{accept}"
            );
            match transport {
                QueryTransport::Get => {
                    assert_eq!(request.method, "GET");
                    let (path, params) = request.target.split_once('?').unwrap();
                    assert_eq!(path, "/query");
                    assert_eq!(form_value(params, "query").as_deref(), Some(text.as_str()));
                    assert!(request.body.is_empty());
                }
                QueryTransport::FormPost => {
                    assert_eq!(request.method, "POST");
                    assert_eq!(request.target, "/query");
                    assert_eq!(
                        request.header("content-type"),
                        Some("application/x-www-form-urlencoded")
                    );
                    assert_eq!(
                        form_value(&request.body, "query").as_deref(),
                        Some(text.as_str())
                    );
                }
                QueryTransport::DirectPost => {
                    assert_eq!(request.method, "POST");
                    assert_eq!(request.target, "/query");
                    assert_eq!(
                        request.header("content-type"),
                        Some("application/sparql-query")
                    );
                    assert_eq!(request.body, text);
                }
            }
        }
    }

    let update = small_update();
    let text = update.to_string();
    for transport in [UpdateTransport::FormPost, UpdateTransport::DirectPost] {
        engine(RemoteSparqlConfigBuilder::oxigraph(&base).update_transport(transport))
            .update(&update)
            .await
            .unwrap();
        let request = captured.lock().unwrap().pop().unwrap();
        assert_eq!(
            (request.method.as_str(), request.target.as_str()),
            ("POST", "/update")
        );
        match transport {
            UpdateTransport::FormPost => {
                assert_eq!(
                    request.header("content-type"),
                    Some("application/x-www-form-urlencoded")
                );
                assert_eq!(
                    form_value(&request.body, "update").as_deref(),
                    Some(text.as_str())
                );
            }
            UpdateTransport::DirectPost => {
                assert_eq!(
                    request.header("content-type"),
                    Some("application/sparql-update")
                );
                assert_eq!(request.body, text);
            }
        }
    }
}

#[tokio::test]
async fn long_get_query_falls_back_to_form_post() {
    let (base, captured) = capture_server(ok_json(ONE_ROW_JSON)).await;
    let engine = engine(
        RemoteSparqlConfigBuilder::oxigraph(&base)
            .query_transport(QueryTransport::Get)
            .max_get_url_length(300),
    );
    engine.select(&bind_query("short")).await.unwrap();
    let long = bind_query(&"long ".repeat(100));
    let solutions = engine.select(&long).await.unwrap();
    assert_eq!(solutions.rows.len(), 1);
    let requests = captured.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET");
    assert!(requests[0].target.len() <= 300 - base.len());
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].target, "/query");
    assert_eq!(
        form_value(&requests[1].body, "query").as_deref(),
        Some(long.to_string().as_str())
    );
}

#[tokio::test]
async fn basic_credentials_are_sent_and_never_shown() {
    let (base, captured) = capture_server(ok_json(EMPTY_JSON)).await;
    let engine =
        engine(RemoteSparqlConfigBuilder::oxigraph(&base).basic_auth("smart", "s3cret-pw"));
    engine.select(&bind_query("x")).await.unwrap();
    engine.update(&small_update()).await.unwrap();
    engine
        .delete_graph(NamedNode::new("http://ex.org/g").unwrap().as_ref())
        .await
        .unwrap();
    let requests = captured.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        // base64("smart:s3cret-pw")
        assert_eq!(
            request.header("authorization"),
            Some("Basic c21hcnQ6czNjcmV0LXB3")
        );
    }
    for shown in [format!("{engine:?}"), format!("{:?}", engine.config())] {
        assert!(!shown.contains("s3cret-pw"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    // An authentication failure names the endpoint, not the password.
    let (base, _) = capture_server(Answer {
        status: "401 Unauthorized",
        content_type: "text/plain",
        body: "bad credentials".into(),
    })
    .await;
    let engine =
        self::engine(RemoteSparqlConfigBuilder::oxigraph(&base).basic_auth("smart", "s3cret-pw"));
    let err = engine.select(&bind_query("x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    let text = format!("{err} {err:?}");
    assert!(text.contains(&format!("{base}/query")), "{text}");
    assert!(text.contains("bad credentials"), "{text}");
    assert!(!text.contains("s3cret-pw"), "{text}");
}

#[tokio::test]
async fn statuses_and_bodies_map_to_error_kinds() {
    let cases = [
        (
            "400 Bad Request",
            "text/plain",
            "error at 1:17: expected",
            ErrorKind::Other,
        ),
        (
            "503 Service Unavailable",
            "text/plain",
            "overloaded",
            ErrorKind::Unavailable,
        ),
        (
            "500 Internal Server Error",
            "text/plain",
            "disk full",
            ErrorKind::Other,
        ),
        (
            "200 OK",
            "text/html",
            "<html>hello</html>",
            ErrorKind::Corrupt,
        ),
        (
            "200 OK",
            "application/sparql-results+json",
            "{\"head\":",
            ErrorKind::Corrupt,
        ),
    ];
    for (status, content_type, body, kind) in cases {
        let (base, _) = capture_server(Answer {
            status,
            content_type,
            body: body.into(),
        })
        .await;
        let engine = engine(RemoteSparqlConfigBuilder::oxigraph(&base));
        let err = engine.select(&bind_query("x")).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{status} {content_type}: {err}");
        assert!(err.message().contains(&format!("{base}/query")), "{err}");
        if !status.starts_with("200") {
            assert!(err.message().contains(body), "{err}");
        }
        let err = engine.update(&small_update()).await;
        if status.starts_with("200") {
            // An update's answer body is not read as results.
            err.unwrap();
        } else {
            let err = err.unwrap_err();
            assert_eq!(err.kind(), kind, "{err}");
            assert!(err.message().contains(&format!("{base}/update")), "{err}");
        }
    }
}

#[tokio::test]
async fn a_silent_server_times_out_as_unavailable() {
    // Accepts connections but never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&held);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            keep.lock().unwrap().push(stream);
        }
    });
    let timeout = Duration::from_millis(300);
    let engine = engine(RemoteSparqlConfigBuilder::oxigraph(&base).timeout(timeout));
    let started = Instant::now();
    let err = engine.select(&bind_query("x")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("timed out"), "{err}");
    assert!(err.message().contains(&format!("{base}/query")), "{err}");
    assert!(
        elapsed >= timeout && elapsed < timeout + Duration::from_secs(2),
        "{elapsed:?}"
    );
    let err = engine.update(&small_update()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
}

#[tokio::test]
async fn a_full_accept_queue_is_unavailable_within_the_connect_timeout() {
    // A listener with a backlog of 0 that never accepts: once one connection waits in its
    // queue, the kernel drops further SYNs and connecting hangs, like a blackholed host.
    // (A routed "blackhole" address is no use here: this network answers every address.)
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => fillers.push(stream),
            Err(_) => break,
        }
    }
    let connect_timeout = Duration::from_millis(300);
    let engine = engine(
        RemoteSparqlConfigBuilder::oxigraph(&format!("http://{address}"))
            .connect_timeout(connect_timeout)
            .timeout(Duration::from_secs(10)),
    );
    let started = Instant::now();
    let err = engine.select(&bind_query("x")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("cannot connect"), "{err}");
    assert!(err.message().contains(&format!("{address}/query")), "{err}");
    assert!(
        elapsed >= connect_timeout && elapsed < connect_timeout + Duration::from_secs(2),
        "{elapsed:?}"
    );
    drop((listener, fillers));
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let engine = engine(RemoteSparqlConfigBuilder::oxigraph(&base));
    let err = engine.select(&bind_query("x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("cannot connect"), "{err}");
    assert!(err.message().contains(&format!("{base}/query")), "{err}");
    let err = engine.update(&small_update()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    let err = engine.check().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let (base, captured) = capture_server(Answer {
        status: "301 Moved Permanently\r\nlocation: http://elsewhere.invalid/sparql",
        content_type: "text/plain",
        body: String::new(),
    })
    .await;
    let engine = engine(RemoteSparqlConfig::builder(
        format!("{base}/query"),
        format!("{base}/update"),
    ));
    let err = engine.select(&bind_query("x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other, "{err}");
    assert!(
        err.message().contains("http://elsewhere.invalid/sparql"),
        "{err}"
    );
    assert_eq!(captured.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_graph_declaring_xml_entities_is_refused_as_corrupt() {
    // Nested entities that would expand to a billion "lol"s, in under 1 KB.
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for level in 1..=9 {
        let previous = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{previous}\">"));
    }
    let body = format!(
        "<!DOCTYPE rdf:RDF [{dtd}]><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description rdf:about=\"http://a/s\"><rdf:value>&lol9;</rdf:value></rdf:Description></rdf:RDF>"
    );
    assert!(body.len() < 1024);
    let (base, _) = capture_server(Answer {
        status: "200 OK",
        content_type: "application/rdf+xml",
        body,
    })
    .await;
    let engine = engine(RemoteSparqlConfigBuilder::oxigraph(&base));
    let err = engine
        .get_graph(oxrdf::NamedNodeRef::new_unchecked("http://a/g"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.message().contains("declares XML entities"), "{err}");
}
