//! The client side: requests signed afresh per request, one keep-alive connection per
//! worker, the load generator and the printed rows.

use super::*;

// ---------------------------------------------------------------------------------------
// The load generator

#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) latencies_us: Vec<u32>,
    pub(crate) errors: u64,
    pub(crate) first_error: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) requests: usize,
    pub(crate) rps: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) errors: u64,
    pub(crate) first_error: Option<String>,
}

pub(crate) async fn worker(
    call: Arc<Call>,
    signer: Arc<Signer>,
    measure_from: Instant,
    end: Instant,
) -> Stats {
    let mut stats = Stats::default();
    let mut sender: Option<Sender> = None;
    while Instant::now() < end {
        let mut s = match sender.take() {
            Some(s) => s,
            None => match connect(call.addr).await {
                Ok(s) => s,
                Err(e) => {
                    stats.errors += 1;
                    stats.first_error.get_or_insert(e);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let req = call.request(&signer);
        let started = Instant::now();
        let result = send(&mut s, req).await;
        let took = started.elapsed();
        let measured = started >= measure_from && Instant::now() <= end;
        match result {
            Ok((status, body)) if status == StatusCode::OK && !body.is_empty() => {
                sender = Some(s);
                if measured {
                    stats
                        .latencies_us
                        .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
                }
            }
            Ok((status, body)) => {
                sender = Some(s);
                if measured {
                    stats.errors += 1;
                    stats.first_error.get_or_insert_with(|| {
                        format!(
                            "HTTP {status}: {}",
                            String::from_utf8_lossy(&body[..body.len().min(300)])
                        )
                    });
                }
            }
            Err(e) => {
                if measured {
                    stats.errors += 1;
                    stats.first_error.get_or_insert(e);
                }
            }
        }
    }
    stats
}

pub(crate) fn run(
    rt: &tokio::runtime::Runtime,
    o: &Options,
    call: &Call,
    signer: &Arc<Signer>,
) -> Outcome {
    let call = Arc::new(call.clone());
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(o.warmup);
    let end = measure_from + Duration::from_secs_f64(o.seconds);
    let all: Vec<Stats> = rt.block_on(async {
        let tasks: Vec<_> = (0..o.workers)
            .map(|_| tokio::spawn(worker(call.clone(), signer.clone(), measure_from, end)))
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.push(t.await.expect("worker"));
        }
        all
    });
    let mut latencies: Vec<u32> = all
        .iter()
        .flat_map(|s| s.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        f64::from(latencies[i]) / 1000.0
    };
    Outcome {
        requests: latencies.len(),
        rps: latencies.len() as f64 / o.seconds,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors: all.iter().map(|s| s.errors).sum(),
        first_error: all.iter().find_map(|s| s.first_error.clone()),
    }
}

/// The median latency of `n` requests one after the other on one connection (the
/// service time without queueing), in ms.
pub(crate) fn unloaded(
    rt: &tokio::runtime::Runtime,
    call: &Call,
    signer: &Signer,
    n: usize,
) -> f64 {
    rt.block_on(async {
        let mut sender = connect(call.addr).await.expect("connect");
        let mut took = Vec::with_capacity(n);
        for _ in 0..n {
            let req = call.request(signer);
            let started = Instant::now();
            let (status, _) = send(&mut sender, req).await.expect("a response");
            took.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(status, StatusCode::OK);
        }
        took.sort_by(f64::total_cmp);
        took[n / 2]
    })
}

/// Where the time of one (b) request goes, measured in process without HTTP: the
/// clinical store's query, the page's graph rewritten to public IRIs (a new oxrdf
/// `Graph`), and its RDF/XML serialization: medians of `n`, in ms.
pub(crate) fn breakdown(
    rt: &tokio::runtime::Runtime,
    container: &Container,
    call_name: &str,
    record: &RecordId,
    query: &str,
    n: usize,
) -> (f64, f64, f64) {
    let call = smart_core::catalog::call(call_name).expect("a catalog call");
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let q = StatementQuery::from_call(call, &params).expect("the query");
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut store_ms = Vec::new();
    let mut public_ms = Vec::new();
    let mut serialize_ms = Vec::new();
    for _ in 0..n {
        let started = Instant::now();
        let page = rt
            .block_on(container.clinical().query(record, &q))
            .expect("the query");
        store_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let graph = to_public(&page.graph, container.api_base());
        public_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let bytes = smart_rdf::serialize(&graph, RdfFormat::RdfXml);
        serialize_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(!bytes.is_empty());
    }
    (median(store_ms), median(public_ms), median(serialize_ms))
}

// ---------------------------------------------------------------------------------------
// Reporting

pub(crate) fn print_header(title: &str) {
    println!("\n{title}");
    println!(
        "  {:<34} {:>10} {:>9} {:>9} {:>8} {:>9}",
        "scenario", "req/s", "p50 ms", "p99 ms", "errors", "requests"
    );
}

pub(crate) fn print_row(name: &str, o: &Outcome) {
    println!(
        "  {:<34} {:>10.0} {:>9.2} {:>9.2} {:>8} {:>9}",
        name, o.rps, o.p50_ms, o.p99_ms, o.errors, o.requests
    );
    if let Some(e) = &o.first_error {
        println!("    first error: {e}");
    }
}
