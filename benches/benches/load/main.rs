//! The load test of issue #5 §7: requests/s and latency of two record calls, side by side
//! on 127.0.0.1 with the same client and concurrency, against
//!
//! - **(a) ceiling**: a bare hyper server answering the exact bytes our server sends for
//!   the call, with no work;
//! - **(b) smart-http**: our server on the embedded default, with full OAuth 1.0a
//!   verification (a fresh signature, nonce and timestamp on every request);
//! - **(c) Oxigraph**: an Oxigraph server (its own process, started here) answering the
//!   equivalent SPARQL `CONSTRUCT` over the same statements in the same layout.
//!
//! It prints requests/s, p50 and p99 latency and the ratios b/a and b/c, then shows that
//! a record call costs in proportion to that record (smallest vs largest patient, and 60
//! vs 600 patients in the store). BENCHMARKS.md records the figures.
//!
//! Run with `cargo bench -p smart-benches --bench load`. Without `--bench` on the command
//! line (as under `cargo test --all-targets`) it only prints how to run it.
//!
//! Environment (defaults in brackets): `SMART_LOAD_WORKERS` [32] concurrent connections,
//! `SMART_LOAD_SECONDS` [10] measured seconds per scenario, `SMART_LOAD_WARMUP_SECONDS`
//! [2], `SMART_LOAD_CLIENT_THREADS` [1] and `SMART_LOAD_SERVER_THREADS` [2] tokio worker
//! threads, `SMART_LOAD_EXTRA_PATIENTS` [540] generated patients added for the store-size
//! run, `SMART_LOAD_OXIGRAPH_URL` an Oxigraph server to load and use instead of starting
//! one (its data is replaced record by record), `SMART_OXIGRAPH_BIN` the `oxigraph`
//! binary (otherwise `.ci/venv-oxigraph/bin/oxigraph` of this checkout or of the main
//! worktree, then `PATH`). Without reference patients or without Oxigraph it fails under
//! `CI=true` and says so loudly elsewhere (skipping what it cannot measure).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNode, TermRef};
use smart_core::{RecordId, api, sp};
use smart_http::{Container, ServerConfig};
use smart_rdf::split::{to_public, to_storage};
use smart_rdf::{RdfFormat, SplitRecord, parse, split_record};
use smart_store::clinical::remote::{RemoteSparqlConfig, RemoteSparqlEngine};
use smart_store::clinical::{ClinicalStore, SparqlClinicalStore, StatementQuery};
use smart_store::directory::Timestamp;

mod client;
mod data;
mod servers;
mod soak;

use client::*;
use data::*;
use servers::*;
use smart_benches::http::*;

// ---------------------------------------------------------------------------------------
// Options

#[derive(Debug, Clone)]
struct Options {
    workers: usize,
    seconds: f64,
    warmup: f64,
    client_threads: usize,
    server_threads: usize,
    extra_patients: usize,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid value")),
        Err(_) => default,
    }
}

impl Options {
    fn from_env() -> Self {
        Self {
            workers: env_or("SMART_LOAD_WORKERS", 32),
            seconds: env_or("SMART_LOAD_SECONDS", 10.0),
            warmup: env_or("SMART_LOAD_WARMUP_SECONDS", 2.0),
            client_threads: env_or("SMART_LOAD_CLIENT_THREADS", 1),
            server_threads: env_or("SMART_LOAD_SERVER_THREADS", 2),
            extra_patients: env_or("SMART_LOAD_EXTRA_PATIENTS", 540),
        }
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Fails under CI, says so loudly elsewhere.
fn missing(what: &str) {
    if in_ci() {
        panic!("{what}");
    }
    eprintln!("!!!!! {what}; SKIPPING that part of the load test !!!!!");
}

// ---------------------------------------------------------------------------------------

struct Scenario {
    label: &'static str,
    call: &'static str,
    path_and_query: String,
    selection: String,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "soak") {
        eprintln!(
            "load: the HTTP load test runs with `cargo bench -p smart-benches --bench load`; \
             this is the soak test"
        );
        soak::run();
        return;
    }
    let o = Options::from_env();
    let Some(dir) = smart_benches::reference_patients_dir() else {
        missing(
            "REFERENCE PATIENTS MISSING: no shared/data/reference-patients (set SMART_SHARED_DIR)",
        );
        return;
    };
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.server_threads)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.client_threads)
        .thread_name("client")
        .enable_all()
        .build()
        .expect("client runtime");

    // The data and the patients the calls are about.
    let splits = reference_splits(&dir);
    let triples: usize = splits
        .iter()
        .map(|s| s.statements.iter().map(|g| g.graph.len()).sum::<usize>())
        .sum();
    let labs = splits
        .iter()
        .max_by_key(|s| {
            (
                count_class(s, sp!("LabResult")),
                std::cmp::Reverse(s.record.as_str().to_owned()),
            )
        })
        .expect("a patient");
    let (loinc, loinc_n) = loinc_counts(labs)
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .expect("lab results with LOINC codes");
    let meds_key = |s: &&SplitRecord| {
        (
            count_class(s, sp!("Medication")),
            std::cmp::Reverse(s.record.as_str().to_owned()),
        )
    };
    let most_meds = splits.iter().max_by_key(meds_key).expect("a patient");
    let fewest_meds = splits
        .iter()
        .filter(|s| count_class(s, sp!("Medication")) > 0)
        .min_by_key(meds_key)
        .expect("a patient with medications");
    println!(
        "smart-rs load test: {} reference patients ({} statement triples) on 127.0.0.1",
        splits.len(),
        triples
    );
    println!(
        "  {} workers (keep-alive connections), {} s measured after {} s warm-up per scenario, client {} thread(s), server {} thread(s), {} CPUs",
        o.workers,
        o.seconds,
        o.warmup,
        o.client_threads,
        o.server_threads,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // (b) our server on the embedded default.
    let ours = Ours::start(&server_rt);
    let started = Instant::now();
    server_rt.block_on(async {
        for split in &splits {
            ours.import(split).await;
        }
    });
    println!(
        "  imported into smart-http (embedded) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let app = server_rt.block_on(ours.background_app("load-test@apps.smart-rs.invalid"));
    let base = ours.container.api_base().clone();

    // (c) the Oxigraph server, loaded in the same layout by the remote SPARQL store.
    let mut oxigraph_process = None;
    let oxigraph: Option<SocketAddr> = match std::env::var("SMART_LOAD_OXIGRAPH_URL") {
        Ok(url) => Some(
            url.trim_start_matches("http://")
                .trim_end_matches('/')
                .parse()
                .expect("SMART_LOAD_OXIGRAPH_URL must be http://127.0.0.1:PORT"),
        ),
        Err(_) => match oxigraph_binary() {
            Some(bin) => {
                let (p, addr) = start_oxigraph(&server_rt, &bin);
                println!(
                    "  started Oxigraph ({}) on {addr}, in memory",
                    bin.display()
                );
                oxigraph_process = Some(p);
                Some(addr)
            }
            None => {
                missing(
                    "OXIGRAPH SERVER MISSING: no SMART_LOAD_OXIGRAPH_URL, SMART_OXIGRAPH_BIN, .ci/venv-oxigraph (scripts/services start installs it) or oxigraph on PATH",
                );
                None
            }
        },
    };
    if let Some(addr) = oxigraph {
        let started = Instant::now();
        server_rt.block_on(async {
            let config =
                RemoteSparqlConfig::from_base_url(&format!("http://{addr}")).expect("SPARQL URL");
            let store =
                SparqlClinicalStore::new(RemoteSparqlEngine::new(config).expect("remote engine"));
            for split in &splits {
                store
                    .replace_record(split)
                    .await
                    .expect("import into Oxigraph");
            }
        });
        println!(
            "  imported into Oxigraph in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }

    let lab_record = smart_rdf::split::record_iri(&labs.record);
    let med_record = smart_rdf::split::record_iri(&most_meds.record);
    let scenarios = [
        Scenario {
            label: "medications",
            call: "get_medications",
            path_and_query: format!("/records/{}/medications/", most_meds.record),
            selection: format!(
                "GRAPH <{r}> {{ <{r}> sp:hasStatement ?m }} GRAPH ?m {{ ?m a sp:Medication }}",
                r = med_record.as_str()
            ),
        },
        Scenario {
            label: "lab_results",
            call: "get_lab_results",
            path_and_query: format!(
                "/records/{}/lab_results/?loinc={loinc}&limit=10",
                labs.record
            ),
            // Our order: latest dcterms:date first, then by IRI; the first 10.
            selection: format!(
                "{{ SELECT ?m WHERE {{ GRAPH <{r}> {{ <{r}> sp:hasStatement ?m }} GRAPH ?m {{ ?m a sp:LabResult ; sp:labName ?n . ?n sp:code <{ns}{loinc}> OPTIONAL {{ ?m dcterms:date ?d }} }} }} ORDER BY DESC(?d) ?m LIMIT 10 }}",
                r = lab_record.as_str(),
                ns = smart_core::vocab::LOINC
            ),
        },
    ];
    println!(
        "  medications: record {} ({} medications; fewest: record {} with {})",
        most_meds.record,
        count_class(most_meds, sp!("Medication")),
        fewest_meds.record,
        count_class(fewest_meds, sp!("Medication"))
    );
    println!(
        "  lab_results: record {} ({} lab results, {loinc_n} with LOINC {loinc})",
        labs.record,
        count_class(labs, sp!("LabResult"))
    );

    // The bare server answers what our server answers.
    let bare_listener = server_rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let bare_addr = bare_listener.local_addr().expect("address");
    let mut routes = HashMap::new();
    let mut plans = Vec::new();
    for s in &scenarios {
        let record = if s.label == "medications" {
            &most_meds.record
        } else {
            &labs.record
        };
        let signer = server_rt.block_on(ours.token(&app, record));
        let b = Call {
            addr: ours.addr,
            method: "GET",
            path_and_query: s.path_and_query.clone(),
            body: None,
            accept: "application/rdf+xml",
        };
        let (status, body) = client_rt
            .block_on(once(b.request(&signer), ours.addr))
            .expect("our answer");
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        routes.insert(
            s.path_and_query.clone(),
            (
                HeaderValue::from_static("application/rdf+xml; charset=utf-8"),
                body.clone(),
            ),
        );
        let ours_graph = comparable(&body, Some(&base));
        let c = oxigraph.map(|addr| Call {
            addr,
            method: "POST",
            path_and_query: "/query".to_owned(),
            body: Some((
                "application/sparql-query",
                Bytes::from(construct(
                    smart_rdf::split::record_iri(record).as_str(),
                    &s.selection,
                )),
            )),
            accept: "application/rdf+xml",
        });
        if let Some(c) = &c {
            let (status, theirs) = client_rt
                .block_on(once(c.request(&signer), c.addr))
                .expect("Oxigraph's answer");
            assert_eq!(
                status,
                StatusCode::OK,
                "{}",
                String::from_utf8_lossy(&theirs)
            );
            let theirs_graph = comparable(&theirs, None);
            println!(
                "  {}: ours {} bytes, {} triples + summary; Oxigraph {} bytes, {} triples; same statements: {}",
                s.label,
                body.len(),
                ours_graph.len(),
                theirs.len(),
                theirs_graph.len(),
                if ours_graph == theirs_graph {
                    "yes"
                } else {
                    "NO"
                }
            );
            assert!(
                ours_graph == theirs_graph,
                "the CONSTRUCT for {} is not equivalent to our answer",
                s.label
            );
        }
        let (store_ms, public_ms, serialize_ms) = breakdown(
            &server_rt,
            &ours.container,
            s.call,
            record,
            s.path_and_query.split_once('?').map_or("", |(_, q)| q),
            20,
        );
        println!(
            "  {}: in process (median of 20): store query {store_ms:.2} ms, to_public {public_ms:.2} ms, RDF/XML {serialize_ms:.2} ms",
            s.label
        );
        println!(
            "  {}: one request at a time (median of 20): ours {:.2} ms, Oxigraph {}",
            s.label,
            unloaded(&client_rt, &b, &signer, 20),
            c.as_ref().map_or("n/a".to_owned(), |c| format!(
                "{:.2} ms",
                unloaded(&client_rt, c, &signer, 20)
            ))
        );
        let a = Call {
            addr: bare_addr,
            ..b.clone()
        };
        plans.push((s.label, a, b, c, signer));
    }
    let bare = server_rt.spawn(bare_server(bare_listener, Arc::new(routes)));

    // The runs.
    let mut summary = Vec::new();
    for (label, a, b, c, signer) in &plans {
        print_header(&format!("GET {} ", b.path_and_query));
        let ra = run(&client_rt, &o, a, signer);
        print_row("(a) bare hyper, same bytes", &ra);
        let rb = run(&client_rt, &o, b, signer);
        print_row("(b) smart-http embedded, OAuth", &rb);
        let rc = c.as_ref().map(|c| run(&client_rt, &o, c, signer));
        match &rc {
            Some(rc) => print_row("(c) Oxigraph CONSTRUCT", rc),
            None => println!("  (c) Oxigraph: not measured (no server)"),
        }
        let ba = rb.rps / ra.rps;
        let bc = rc.as_ref().map(|rc| rb.rps / rc.rps);
        println!(
            "  b/a = {ba:.3} (aim ≥ 0.5)   b/c = {} (aim ≥ 5)",
            bc.map_or("n/a".to_owned(), |x| format!("{x:.2}"))
        );
        summary.push((*label, ra, rb, rc));
    }

    // A record call costs in proportion to that record.
    print_header("Per record: GET /records/{id}/medications/ on (b)");
    let mut per_record = Vec::new();
    for (what, split) in [("fewest", fewest_meds), ("most", most_meds)] {
        let signer = server_rt.block_on(ours.token(&app, &split.record));
        let call = Call {
            addr: ours.addr,
            method: "GET",
            path_and_query: format!("/records/{}/medications/", split.record),
            body: None,
            accept: "application/rdf+xml",
        };
        let r = run(&client_rt, &o, &call, &signer);
        let name = format!(
            "60 patients, {} meds ({} stmts)",
            count_class(split, sp!("Medication")),
            split.statements.len()
        );
        print_row(&name, &r);
        per_record.push((what, r, call, signer));
    }
    if o.extra_patients > 0 {
        let generator = smart_samples::Generator::new(20_240_605);
        let taken: std::collections::HashSet<String> = splits
            .iter()
            .map(|s| s.record.as_str().to_owned())
            .collect();
        let started = Instant::now();
        let mut added = 0;
        let mut extra_triples = 0;
        let mut i = 0;
        while added < o.extra_patients {
            let patient = generator.generate_patient(i);
            i += 1;
            if taken.contains(&patient.record_id) {
                continue;
            }
            let record = RecordId::new(patient.record_id.as_str()).expect("record id");
            let split = split_record(&patient.graph, &record).expect("split a generated patient");
            extra_triples += split
                .statements
                .iter()
                .map(|g| g.graph.len())
                .sum::<usize>();
            server_rt.block_on(ours.import(&split));
            added += 1;
        }
        println!(
            "  added {added} generated patients ({extra_triples} triples) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let (_, _, call, signer) = per_record.last().expect("the largest");
        let r = run(&client_rt, &o, call, signer);
        print_row(
            &format!("{} patients, same record", splits.len() + added),
            &r,
        );
    }

    // Summary lines for BENCHMARKS.md.
    println!("\nSummary (req/s; p50/p99 ms):");
    for (label, ra, rb, rc) in &summary {
        println!(
            "  {label}: a {:.0} ({:.2}/{:.2}); b {:.0} ({:.2}/{:.2}); c {}; b/a {:.3}; b/c {}",
            ra.rps,
            ra.p50_ms,
            ra.p99_ms,
            rb.rps,
            rb.p50_ms,
            rb.p99_ms,
            rc.as_ref().map_or("n/a".to_owned(), |c| format!(
                "{:.0} ({:.2}/{:.2})",
                c.rps, c.p50_ms, c.p99_ms
            )),
            rb.rps / ra.rps,
            rc.as_ref()
                .map_or("n/a".to_owned(), |c| format!("{:.2}", rb.rps / c.rps)),
        );
    }
    let errors: u64 = summary
        .iter()
        .map(|(_, a, b, c)| a.errors + b.errors + c.as_ref().map_or(0, |c| c.errors))
        .sum();
    if errors > 0 {
        println!("!!!!! {errors} failed requests: the figures above include failures !!!!!");
    }

    bare.abort();
    ours.stop(&server_rt);
    drop(oxigraph_process);
}
