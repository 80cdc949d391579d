//! The soak test (issue #16 §5): 256 keep-alive connections from one address send a mix
//! of reads and writes to our server on the embedded default for a while, and then:
//!
//! - **every** request got a 2xx (a read a non-empty body): zero errors;
//! - memory stayed bounded: resident memory at the end is within 1.5× (+64 MiB) of what
//!   it was once warm, a third of the way in (the notes written meanwhile are real growth,
//!   a few MiB);
//! - no file descriptor leaked: once every client connection is closed, the process has
//!   no more descriptors open than before the first one (a small slack for the runtime).
//!
//! The server and the clients share this process (the client is cheap next to the
//! server); resident memory and descriptors are the process's own (`/proc/self`).
//!
//! It runs under `cargo test --all-targets` (this binary without `--bench`): 120 s under
//! `CI=true`, 15 s otherwise. By hand, in release: `SMART_SOAK_SECONDS=1800 cargo bench
//! -p smart-benches --bench load -- soak`. `SMART_SOAK_CONNECTIONS` [256] and
//! `SMART_SOAK_RECORDS` [16] change the shape. No reference data is needed: the records
//! are generated patients.

use super::*;

/// What one connection does next, drawn from its own generator.
#[derive(Debug, Clone, Copy)]
enum Step {
    Demographics,
    Medications,
    Problems,
    VitalSigns,
    Scratchpad,
    ReadScratchpad,
    Note,
}

impl Step {
    /// 80% reads, 20% writes (a tenth of those a new clinical note).
    fn draw(rng: &mut u64) -> Self {
        // xorshift64*: enough to mix the steps, no dependency.
        *rng ^= *rng >> 12;
        *rng ^= *rng << 25;
        *rng ^= *rng >> 27;
        match rng.wrapping_mul(0x2545_F491_4F6C_DD1D) % 100 {
            0..30 => Self::Demographics,
            30..55 => Self::Medications,
            55..70 => Self::Problems,
            70..80 => Self::VitalSigns,
            80..98 => Self::Scratchpad,
            98 => Self::ReadScratchpad,
            _ => Self::Note,
        }
    }
}

const APP: &str = "soak@apps.smart-rs.invalid";

/// A connection's record and its background token.
struct Seat {
    record: RecordId,
    signer: Arc<Signer>,
}

fn call(addr: SocketAddr, seat: &Seat, step: Step, n: u64) -> Call {
    let r = seat.record.as_str();
    let get = |path: String| Call {
        addr,
        method: "GET",
        path_and_query: path,
        body: None,
        accept: "*/*",
    };
    match step {
        Step::Demographics => get(format!("/records/{r}/demographics")),
        Step::Medications => get(format!("/records/{r}/medications/")),
        Step::Problems => get(format!("/records/{r}/problems/")),
        Step::VitalSigns => get(format!("/records/{r}/vital_sign_sets/?limit=20")),
        Step::ReadScratchpad => get(format!("/records/{r}/apps/{APP}/scratchpad")),
        Step::Scratchpad => Call {
            addr,
            method: "PUT",
            path_and_query: format!("/records/{r}/apps/{APP}/scratchpad"),
            body: Some((
                "text/plain",
                Bytes::from(format!(
                    "soak write {n}: {}",
                    "x".repeat((n % 900) as usize)
                )),
            )),
            accept: "*/*",
        },
        Step::Note => Call {
            addr,
            method: "POST",
            path_and_query: format!("/records/{r}/clinical_notes/"),
            body: Some(("application/rdf+xml", Bytes::from(note(n)))),
            accept: "application/rdf+xml",
        },
    }
}

/// A valid clinical note in RDF/XML, as a SMART client POSTs it.
fn note(n: u64) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:sp="http://smartplatforms.org/terms#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <sp:ClinicalNote>
    <dcterms:date>2012-05-17</dcterms:date>
    <dcterms:title>Soak note {n}</dcterms:title>
    <dcterms:format>
      <dcterms:MediaTypeOrExtent rdf:about="http://purl.org/NET/mediatypes/text/plain">
        <rdfs:label>text/plain</rdfs:label>
      </dcterms:MediaTypeOrExtent>
    </dcterms:format>
    <sp:resource><sp:Resource><sp:content><sp:Content>
      <sp:encoding>UTF-8</sp:encoding><sp:value>written by the soak test, {n}</sp:value>
    </sp:Content></sp:content></sp:Resource></sp:resource>
  </sp:ClinicalNote>
</rdf:RDF>
"#
    )
}

#[derive(Debug, Default)]
struct Tally {
    reads: u64,
    writes: u64,
    notes: u64,
    errors: u64,
    first_error: Option<String>,
    /// Reads' and writes' latencies apart: writes queue for the stores' single writer.
    read_us: Vec<u32>,
    write_us: Vec<u32>,
}

async fn connection(addr: SocketAddr, seat: Arc<Seat>, seed: u64, end: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut rng = seed | 1;
    let mut sender = match connect(addr).await {
        Ok(s) => Some(s),
        Err(e) => {
            tally.errors += 1;
            tally.first_error = Some(e);
            None
        }
    };
    let mut n = seed << 20;
    while Instant::now() < end {
        let Some(s) = sender.as_mut() else { break };
        let step = Step::draw(&mut rng);
        n += 1;
        let c = call(addr, &seat, step, n);
        let started = Instant::now();
        let result = send(s, c.request(&seat.signer)).await;
        let us = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
        match step {
            Step::Scratchpad | Step::Note => tally.write_us.push(us),
            _ => tally.read_us.push(us),
        }
        match result {
            // A scratchpad nobody has written yet is empty; every other read has a body.
            Ok((status, body))
                if status.is_success()
                    && (c.method != "GET"
                        || !body.is_empty()
                        || matches!(step, Step::ReadScratchpad)) =>
            {
                match step {
                    Step::Scratchpad => tally.writes += 1,
                    Step::Note => tally.notes += 1,
                    _ => tally.reads += 1,
                }
            }
            Ok((status, body)) => {
                tally.errors += 1;
                tally.first_error.get_or_insert_with(|| {
                    format!(
                        "{} {}: HTTP {status}: {}",
                        c.method,
                        c.path_and_query,
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    )
                });
            }
            Err(e) => {
                // The connection is gone: count it, and stop this client (a reconnect
                // would hide a server that drops connections under load).
                tally.errors += 1;
                tally
                    .first_error
                    .get_or_insert_with(|| format!("{} {}: {e}", c.method, c.path_and_query));
                sender = None;
            }
        }
    }
    tally
}

/// `VmRSS` of this process, in MiB.
fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib / 1024.0
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

pub(crate) fn run() {
    let seconds: f64 = env_or("SMART_SOAK_SECONDS", if in_ci() { 120.0 } else { 15.0 });
    let connections: usize = env_or("SMART_SOAK_CONNECTIONS", 256);
    let records: u64 = env_or("SMART_SOAK_RECORDS", 16);
    println!("soak: {connections} connections, {seconds} s, {records} generated records");
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let ours = Ours::start_with(&server_rt, |limits| {
        // A load test from one address: every connection is the same client.
        limits.max_connections_per_client = connections + 16;
    });
    let generator = smart_samples::Generator::new(20_261_203);
    let mut seats = Vec::new();
    let app = server_rt.block_on(ours.background_app(APP));
    for i in 0..records {
        let patient = generator.generate_patient(i);
        let record = RecordId::new(patient.record_id.as_str()).expect("record id");
        let split = split_record(&patient.graph, &record).expect("split a generated patient");
        server_rt.block_on(ours.import(&split));
        let signer = server_rt.block_on(ours.token(&app, &record));
        seats.push(Arc::new(Seat { record, signer }));
    }
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("client")
        .enable_all()
        .build()
        .expect("client runtime");
    let fds_before = open_descriptors();
    let started = Instant::now();
    let end = started + Duration::from_secs_f64(seconds);
    let addr = ours.addr;
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            let seat = seats[i % seats.len()].clone();
            client_rt.spawn(connection(addr, seat, i as u64 + 1, end))
        })
        .collect();
    // Resident memory once warm (a third in), and at the end with every connection open.
    std::thread::sleep(Duration::from_secs_f64(seconds / 3.0));
    let warm = resident_mib();
    let fds_open = open_descriptors();
    std::thread::sleep(end.saturating_duration_since(Instant::now()));
    let at_end = resident_mib();
    let tallies: Vec<Tally> = client_rt.block_on(async {
        let mut all = Vec::new();
        for t in tasks {
            all.push(t.await.expect("a client task"));
        }
        all
    });
    drop(client_rt);
    // The server notices the closed connections; give it a moment to drop them.
    let settle = Instant::now() + Duration::from_secs(10);
    let mut fds_after = open_descriptors();
    while fds_after > fds_before + 8 && Instant::now() < settle {
        std::thread::sleep(Duration::from_millis(100));
        fds_after = open_descriptors();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let sum = |f: fn(&Tally) -> u64| tallies.iter().map(f).sum::<u64>();
    let (reads, writes, notes, errors) = (
        sum(|t| t.reads),
        sum(|t| t.writes),
        sum(|t| t.notes),
        sum(|t| t.errors),
    );
    let sorted = |pick: fn(&Tally) -> &Vec<u32>| {
        let mut all: Vec<u32> = tallies
            .iter()
            .flat_map(|t| pick(t).iter().copied())
            .collect();
        all.sort_unstable();
        all
    };
    let pct = |sorted: &[u32], p: f64| {
        let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        f64::from(sorted[i]) / 1000.0
    };
    let (read_us, write_us) = (sorted(|t| &t.read_us), sorted(|t| &t.write_us));
    println!(
        "soak: {} requests in {elapsed:.0} s ({:.0}/s): {reads} reads, {writes} scratchpad \
         writes, {notes} notes, {errors} errors; reads p50 {:.1} ms, p99 {:.1} ms; writes \
         p50 {:.1} ms, p99 {:.1} ms",
        reads + writes + notes + errors,
        (reads + writes + notes) as f64 / elapsed,
        pct(&read_us, 0.5),
        pct(&read_us, 0.99),
        pct(&write_us, 0.5),
        pct(&write_us, 0.99),
    );
    println!(
        "soak: resident {warm:.0} MiB warm, {at_end:.0} MiB at the end; descriptors \
         {fds_before} before, {fds_open} with every connection open, {fds_after} after"
    );
    ours.stop(&server_rt);
    assert_eq!(
        errors,
        0,
        "every request must succeed; the first failure: {}",
        tallies
            .iter()
            .find_map(|t| t.first_error.clone())
            .unwrap_or_default()
    );
    assert!(
        reads > 0 && writes > 0 && notes > 0,
        "a mix of reads and writes ran"
    );
    assert!(
        fds_open >= fds_before + connections,
        "every connection was open at once ({fds_open} descriptors, {fds_before} before)"
    );
    assert!(
        fds_after <= fds_before + 8,
        "descriptors leaked: {fds_before} before, {fds_after} after every connection closed"
    );
    assert!(
        at_end <= warm * 1.5 + 64.0,
        "resident memory grew from {warm:.0} MiB (warm) to {at_end:.0} MiB"
    );
}
