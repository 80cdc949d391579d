//! The scale run (issue #15 §2): for each size (100, 1,000, 10,000 generated patients)
//! it generates the patient files, imports them, starts the server on them and measures,
//! printing one table:
//!
//! - **import**: triples/s of `smart import` (as it prints them) and its peak resident
//!   memory (the child's `VmHWM`);
//! - **disk**: bytes of the data directory per million triples;
//! - **cold start**: from `smart serve` starting until `/ready` answers 200, and the
//!   server's resident memory then;
//! - **uncached reads**: p50 and p99 of `GET /records/{id}/medications/` over a sample
//!   of records (the answer cache switched off), signed with a background token, one
//!   keep-alive connection, one request at a time (so the latency is the server's time
//!   plus a loopback round trip); and p50 for the record with the most data;
//! - **search**: p50 of the clinical store's record search (a family-name prefix, 20
//!   results), run in this process on the same data once the server has stopped (the
//!   HTTP call is for signed-in UI sessions only).
//!
//! Everything runs through the real `smart` binary, as a user runs it. Build it in the
//! same profile first: `cargo build --release -p smart-cli && cargo bench -p
//! smart-benches --bench scale` (`SMART_BIN` names another binary). Sizes:
//! `SMART_SCALE_ROWS` (comma-separated; default `100,1000,10000` with `--bench`). Under
//! `cargo test --all-targets` (no `--bench`) it runs the 100 row only, on the test build's
//! `smart`, as a check that the pipeline works end to end (its figures are a debug
//! build's). BENCHMARKS.md records the figures.

use smart_benches::http::{Call, Signer, background_token, connect, register_background_app, send};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The `smart` binary beside this one (`target/<profile>/smart`), or `SMART_BIN`.
fn smart_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SMART_BIN") {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    // target/<profile>/deps/scale-<hash> → target/<profile>/smart
    let candidate = exe.parent()?.parent()?.join("smart");
    candidate.is_file().then_some(candidate)
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A `/proc/<pid>/status` field, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `smart args…` to the end; its stdout, the wall time and its peak resident memory
/// (KiB, the last `VmHWM` read before it exited). Panics with its stderr on failure.
fn run_measured(smart: &Path, args: &[&str]) -> (String, Duration, u64) {
    let started = Instant::now();
    let mut child = Command::new(smart)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run smart");
    let pid = child.id();
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let mut peak = 0;
    loop {
        if let Some(hwm) = status_kib(pid, "VmHWM:") {
            peak = peak.max(hwm);
        }
        if child.try_wait().expect("wait for smart").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = started.elapsed();
    let out = child.wait_with_output().expect("smart's output");
    let stdout = reader.join().unwrap_or_default();
    assert!(
        out.status.success(),
        "smart {}: {}\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    (stdout, took, peak)
}

/// The total size of the files under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => bytes_under(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The record ids of the generated files, largest file first.
fn records_by_size(generated: &Path) -> Vec<String> {
    let mut files: Vec<(u64, String)> = std::fs::read_dir(generated)
        .expect("the generated files")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name.strip_prefix('p')?.strip_suffix(".xml")?.to_owned();
            Some((e.metadata().ok()?.len(), id))
        })
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    files.into_iter().map(|(_, id)| id).collect()
}

/// `smart serve` on `data`, until dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server (answer cache off) and waits for `/ready`; the time it took.
fn start_server(
    smart: &Path,
    data: &Path,
    config: &Path,
    rt: &tokio::runtime::Runtime,
) -> (Server, Duration) {
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let apps = format!("127.0.0.1:{}", free_port());
    let started = Instant::now();
    let mut child = Command::new(smart)
        .args([
            "--config",
            &config.to_string_lossy(),
            "--data-dir",
            &data.to_string_lossy(),
        ])
        .args(["serve", "--bind", &addr.to_string(), "--apps-bind", &apps])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start smart serve");
    // Its log goes on in the background (an unread pipe would block it).
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || for _ in BufReader::new(stderr).lines() {});
    let server = Server { child, addr };
    let ready = Call {
        addr,
        method: "GET",
        path_and_query: "/ready".to_owned(),
        body: None,
        accept: "*/*",
    };
    let unsigned = Signer::new("unused", "unused", None);
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        let up = rt.block_on(async {
            let Ok(mut s) = connect(addr).await else { return false };
            matches!(send(&mut s, ready.request(&unsigned)).await, Ok((status, _)) if status.is_success())
        });
        if up {
            return (server, started.elapsed());
        }
        assert!(Instant::now() < deadline, "smart serve never became ready");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// One row's figures.
struct Row {
    patients: u64,
    triples: u64,
    import_rate: f64,
    import_peak_mib: f64,
    disk_bytes_per_million: f64,
    cold_start_s: f64,
    resident_mib: f64,
    read_p50_ms: f64,
    read_p99_ms: f64,
    largest_p50_ms: f64,
    search_p50_ms: f64,
}

fn row(smart: &Path, patients: u64) -> Row {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let generated = dir.path().join("gen");
    let data = dir.path().join("data");
    let (gen_s, data_s) = (generated.to_string_lossy(), data.to_string_lossy());
    let n = patients.to_string();
    run_measured(
        smart,
        &["generate", "--patients", &n, "--seed", "1", "--out", &gen_s],
    );
    let (summary, _, import_peak_kib) =
        run_measured(smart, &["--data-dir", &data_s, "import", &gen_s]);
    // "imported N patients, S statements, T triples, … (… triples/s); …"
    let number_before = |text: &str, unit: &str| -> f64 {
        let at = text
            .find(unit)
            .unwrap_or_else(|| panic!("no {unit:?} in {text:?}"));
        text[..at]
            .trim_end()
            .rsplit([' ', '('])
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no number before {unit:?} in {text:?}"))
    };
    let line = summary
        .lines()
        .find(|l| l.starts_with("imported "))
        .unwrap_or_else(|| panic!("no import summary in {summary:?}"));
    let triples = number_before(line, " triples,") as u64;
    let import_rate = number_before(line, " triples/s");
    assert_eq!(number_before(line, " patients,") as u64, patients, "{line}");
    let disk = bytes_under(&data);

    let config = dir.path().join("scale.toml");
    std::fs::write(&config, "[limits]\nresponse_cache_bytes = 0\n").expect("write the config");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (server, cold) = start_server(smart, &data, &config, &rt);
    let resident = status_kib(server.child.id(), "VmRSS:").unwrap_or(0);
    let admin =
        smart_store::container::stored_admin_credential(&data).expect("the admin credential");
    let addr = server.addr;
    let (reads, largest) = rt.block_on(async {
        let admin = Signer::new(admin.key(), admin.secret().expose(), None);
        let app = register_background_app(addr, &admin, "scale@apps.smart-rs.invalid").await;
        let by_size = records_by_size(&generated);
        // The largest record, and up to 40 more spread over the rest.
        let step = (by_size.len() / 40).max(1);
        let sample: Vec<&String> = by_size.iter().step_by(step).take(41).collect();
        let mut signers = Vec::new();
        for record in &sample {
            signers.push((record.as_str(), background_token(addr, &app, record).await));
        }
        let mut sender = connect(addr).await.expect("connect");
        let mut read = async |record: &str, signer: &Signer| -> f64 {
            let call = Call {
                addr,
                method: "GET",
                path_and_query: format!("/records/{record}/medications/"),
                body: None,
                accept: "application/rdf+xml",
            };
            let started = Instant::now();
            let (status, body) = send(&mut sender, call.request(signer))
                .await
                .expect("a response");
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            assert!(
                status.is_success() && !body.is_empty(),
                "medications of {record}: {status}"
            );
            ms
        };
        // A first pass warms the connection and the server's code paths.
        for (record, signer) in &signers {
            read(record, signer).await;
        }
        let mut all = Vec::new();
        let mut largest = Vec::new();
        for _ in 0..10 {
            for (i, (record, signer)) in signers.iter().enumerate() {
                let ms = read(record, signer).await;
                all.push(ms);
                if i == 0 {
                    largest.push(ms);
                }
            }
        }
        (all, largest)
    });
    drop(server);
    let search_ms = rt.block_on(async {
        let config = smart_store::container::ContainerConfig::for_data_dir(&data);
        let container = smart_store::container::Container::open(config)
            .await
            .expect("open the data");
        let search = smart_store::clinical::RecordSearch::from_params(&[
            ("family_name".to_owned(), "Sm".to_owned()),
            ("limit".to_owned(), "20".to_owned()),
        ])
        .expect("a search");
        let mut took = Vec::new();
        for _ in 0..50 {
            let started = Instant::now();
            container
                .clinical()
                .search_records(&search)
                .await
                .expect("search");
            took.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        container.close().await;
        took
    });
    let sorted = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v
    };
    let (reads, largest, search_ms) = (sorted(reads), sorted(largest), sorted(search_ms));
    Row {
        patients,
        triples,
        import_rate,
        import_peak_mib: import_peak_kib as f64 / 1024.0,
        disk_bytes_per_million: disk as f64 / (triples as f64 / 1e6),
        cold_start_s: cold.as_secs_f64(),
        resident_mib: resident as f64 / 1024.0,
        read_p50_ms: percentile(&reads, 0.5),
        read_p99_ms: percentile(&reads, 0.99),
        largest_p50_ms: percentile(&largest, 0.5),
        search_p50_ms: percentile(&search_ms, 0.5),
    }
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let rows: Vec<u64> = std::env::var("SMART_SCALE_ROWS")
        .unwrap_or_else(|_| if bench { "100,1000,10000" } else { "100" }.to_owned())
        .split(',')
        .map(|v| {
            v.trim()
                .parse()
                .expect("SMART_SCALE_ROWS: comma-separated numbers")
        })
        .collect();
    let Some(smart) = smart_binary() else {
        let msg = "scale: no `smart` binary beside this one: build it in the same profile \
                   (`cargo build --release -p smart-cli` before `cargo bench`) or set SMART_BIN";
        if in_ci() {
            panic!("{msg}");
        }
        eprintln!("!!!!! {msg}; SKIPPING the scale run !!!!!");
        return;
    };
    println!(
        "scale: {} ({})",
        smart.display(),
        if bench {
            "bench"
        } else {
            "test build: figures are not representative"
        }
    );
    println!(
        "{:>8} {:>10} {:>12} {:>10} {:>11} {:>8} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "patients",
        "triples",
        "import t/s",
        "peak MiB",
        "disk B/Mt",
        "start s",
        "RSS MiB",
        "p50 ms",
        "p99 ms",
        "largest ms",
        "search ms"
    );
    for n in rows {
        let r = row(&smart, n);
        println!(
            "{:>8} {:>10} {:>12.0} {:>10.0} {:>11.0} {:>8.2} {:>9.0} {:>9.2} {:>9.2} {:>10.2} {:>9.2}",
            r.patients,
            r.triples,
            r.import_rate,
            r.import_peak_mib,
            r.disk_bytes_per_million,
            r.cold_start_s,
            r.resident_mib,
            r.read_p50_ms,
            r.read_p99_ms,
            r.largest_p50_ms,
            r.search_p50_ms,
        );
    }
}
