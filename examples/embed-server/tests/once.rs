//! The embedding example starts, serves `/manifest` and stops.

#[test]
fn embedded_container_serves_and_stops() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_example-embed-server"))
        .args(["127.0.0.1:0", "--once"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("/manifest answered"), "{stdout}");
    assert!(
        stdout.contains("app nightly@ehr.example.org secret "),
        "{stdout}"
    );
}
